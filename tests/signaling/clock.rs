//! Behaviour that depends on time passing, on tokio's paused clock: each test moves time with
//! `advance` and checks what happens just before and just after each deadline, without waiting.
//! (The server's timers, its hub ticks and the hub's `now` all run on tokio's clock.)

use super::common::test_state;
use super::support::*;
use confab::protocol::{ClientMessage, ErrorCode, Resume, ServerMessage};
use confab::server::hub::HubLimits;
use confab::server::per_source::SourceLimits;
use confab::server::signaling::Keepalive;
use std::time::Duration;
use tokio::time::advance;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

/// Keepalive pings far apart, so that a test moving time by minutes is about one deadline only.
fn quiet_keepalive() -> Keepalive {
    Keepalive {
        ping_every: Duration::from_secs(3600),
        dead_after: Duration::from_secs(7200),
    }
}

/// A server with the default limits (their real durations) and no pings in the way.
async fn start_with(limits: HubLimits) -> Server {
    start(limits, quiet_keepalive()).await
}

/// Moves time by `by` a second at a time, so the server's one-second ticks see every moment.
async fn pass(by: Duration) {
    let step = Duration::from_secs(1);
    let mut passed = Duration::ZERO;
    while passed < by {
        let this = step.min(by - passed);
        advance(this).await;
        passed += this;
    }
}

#[tokio::test(start_paused = true)]
async fn a_dropped_peer_is_announced_as_left_when_its_grace_ends_and_not_before() {
    let limits = HubLimits::default();
    let grace = limits.resume_grace;
    let server = start_with(limits).await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let _ = join(&mut a, &room, "A").await;
    let (b_id, _) = join(&mut b, &room, "B").await;
    let _ = recv(&mut a).await;
    drop(b);
    let hub = server.state.hub.clone();
    let away = room.clone();
    eventually("B away", || hub.is_away(&away, b_id)).await;

    pass(grace - Duration::from_secs(1)).await;
    assert_silent(&mut a).await;
    assert_eq!(server.state.hub.member_count(&room), 2, "B's place is kept");

    pass(Duration::from_secs(2)).await;
    assert_eq!(recv(&mut a).await, ServerMessage::PeerLeft { id: b_id });
    assert_eq!(server.state.hub.member_count(&room), 1);
}

#[tokio::test(start_paused = true)]
async fn a_connection_that_never_joins_is_closed_at_the_join_timeout_and_not_before() {
    let mut state = test_state(HubLimits::default());
    state.keepalive = quiet_keepalive();
    let within = state.connection_limits.join_within;
    let server = serve(state).await;
    let idle = connect(&server).await;

    pass(within - Duration::from_secs(1)).await;
    let mut late = idle;
    let _ = join(&mut late, &server.state.hub.create_room(), "Just in time").await;

    let mut idle = connect(&server).await;
    pass(within + Duration::from_secs(1)).await;
    assert_eq!(
        recv(&mut idle).await,
        ServerMessage::error(ErrorCode::JoinTimeout)
    );
    assert_eq!(closed(&mut idle).await.code, CloseCode::Policy);
    let since = barrier(&mut late).await;
    assert!(
        since
            .iter()
            .all(|m| matches!(m, ServerMessage::ResumeToken { .. })),
        "the one who joined in time stays: {since:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_that_stops_answering_pings_is_dropped_after_the_dead_time_and_the_room_told() {
    let keepalive = Keepalive::default();
    let limits = HubLimits::default();
    let latest = keepalive.dead_after + keepalive.ping_every + limits.resume_grace;
    let server = start(limits, keepalive).await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let (a_id, _) = join(&mut a, &room, "A").await;
    let _ = join(&mut b, &room, "B").await;
    // A never reads again, so it never answers a ping. B reads every second (and so answers).
    let mut waited = Duration::ZERO;
    let told = loop {
        pass(Duration::from_secs(1)).await;
        waited += Duration::from_secs(1);
        let before = barrier(&mut b).await;
        if before.contains(&ServerMessage::PeerLeft { id: a_id }) {
            break waited;
        }
        assert!(waited <= latest, "A was never dropped");
    };
    assert!(
        told > keepalive.dead_after,
        "A dropped after {told:?}, before its {:?} of silence",
        keepalive.dead_after
    );
    assert_eq!(
        server.state.hub.member_count(&room),
        1,
        "B, who answers, stays"
    );
    drop(a);
}

#[tokio::test(start_paused = true)]
async fn a_slowed_guesser_may_guess_again_once_a_guess_has_refilled() {
    let server = start_with(HubLimits::default()).await;
    let room = server.state.hub.create_room();
    let mut host = connect(&server).await;
    let _ = join(&mut host, &room, "Host").await;
    send(
        &mut host,
        &ClientMessage::SetPassword {
            password: Some("open sesame".into()),
        },
    )
    .await;
    assert!(matches!(
        recv(&mut host).await,
        ServerMessage::Settings { .. }
    ));
    let guess = |password: &str| join_as(&room, "Guest", Some(password), None);
    let limits = SourceLimits::default();
    let mut guesser = connect_from_address(&server, "127.0.0.2").await;
    for _ in 0..limits.guesses_burst {
        assert_eq!(
            join_with(&mut guesser, guess("guess")).await,
            ServerMessage::error(ErrorCode::WrongPassword)
        );
    }
    assert_eq!(
        join_with(&mut guesser, guess("open sesame")).await,
        ServerMessage::error(ErrorCode::TooManyGuesses),
        "out of guesses, even the right one waits"
    );

    pass(limits.guess_refill - Duration::from_secs(1)).await;
    assert_eq!(
        join_with(&mut guesser, guess("guess")).await,
        ServerMessage::error(ErrorCode::TooManyGuesses),
        "not refilled yet"
    );
    pass(Duration::from_secs(1)).await;
    assert_eq!(
        join_with(&mut guesser, guess("guess")).await,
        ServerMessage::error(ErrorCode::WrongPassword),
        "one guess refilled"
    );
    assert_eq!(
        join_with(&mut guesser, guess("guess")).await,
        ServerMessage::error(ErrorCode::TooManyGuesses),
        "only one"
    );
    pass(limits.guess_refill).await;
    assert!(matches!(
        join_with(&mut guesser, guess("open sesame")).await,
        ServerMessage::Welcome { .. }
    ));
}

/// A joined member who drops, and the token it would resume with.
async fn dropped_member(server: &Server) -> (confab::protocol::RoomId, Resume) {
    let room = server.state.hub.create_room();
    let mut a = connect(server).await;
    let _ = join(&mut a, &room, "A").await;
    let mut b = connect(server).await;
    let resume = resume_of(&join_with(&mut b, join_message(&room, "B")).await);
    drop(b);
    let hub = server.state.hub.clone();
    let away = room.clone();
    eventually("B away", || hub.is_away(&away, resume.id)).await;
    std::mem::forget(a);
    (room, resume)
}

/// Whether `resume` brings its member back into `room` (or gives a new place).
async fn resumes(server: &Server, room: &confab::protocol::RoomId, resume: Resume) -> bool {
    let mut socket = connect(server).await;
    match join_with(&mut socket, join_as(room, "B", None, Some(resume.clone()))).await {
        ServerMessage::Welcome { you, resumed, .. } => {
            assert_eq!(resumed, you == resume.id);
            resumed
        }
        other => panic!("expected welcome, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn a_resume_token_works_within_its_lifetime_and_not_after() {
    // A grace longer than the token's life, so the token's own expiry is what is tested.
    let limits = HubLimits {
        resume_grace: Duration::from_secs(600),
        ..HubLimits::default()
    };
    let lifetime = limits.token_lifetime;
    let server = start_with(limits).await;

    let (room, resume) = dropped_member(&server).await;
    pass(lifetime - Duration::from_secs(2)).await;
    assert!(resumes(&server, &room, resume).await, "still valid");

    let (room, resume) = dropped_member(&server).await;
    pass(lifetime + Duration::from_secs(1)).await;
    assert!(!resumes(&server, &room, resume).await, "expired");
}

#[tokio::test(start_paused = true)]
async fn a_connected_member_gets_a_fresh_token_before_the_old_one_expires() {
    let limits = HubLimits {
        resume_grace: Duration::from_secs(600),
        ..HubLimits::default()
    };
    let lifetime = limits.token_lifetime;
    let server = start_with(limits).await;
    let room = server.state.hub.create_room();
    let mut b = connect(&server).await;
    let mut resume = resume_of(&join_with(&mut b, join_message(&room, "B")).await);
    let mut renewed = 0;
    let mut waited = Duration::ZERO;
    while waited < lifetime * 2 {
        pass(Duration::from_secs(1)).await;
        waited += Duration::from_secs(1);
        for message in barrier(&mut b).await {
            match message {
                ServerMessage::ResumeToken { resume_token } => {
                    resume.token = resume_token;
                    renewed += 1;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }
    assert!(renewed >= 4, "renewed {renewed} times in {waited:?}");
    drop(b);
    let hub = server.state.hub.clone();
    let away = room.clone();
    let id = resume.id;
    eventually("B away", || hub.is_away(&away, id)).await;
    assert!(
        resumes(&server, &room, resume).await,
        "the latest token, issued before B dropped, is still valid"
    );
}
