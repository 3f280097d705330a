//! The signaling route over real WebSockets against a server on 127.0.0.1:0. Behaviour that
//! depends on time passing is in `clock`, on tokio's paused clock; hands, reactions and asks to
//! unmute are in `gestures`, the waiting room in `waiting`.
#![cfg(feature = "ssr")]

mod clock;
#[path = "../common/mod.rs"]
mod common;
mod gestures;
mod media;
mod support;
#[path = "../common/udp_peer.rs"]
mod udp_peer;
mod waiting;

use common::test_state;
use confab::protocol::{
    ClientMessage, ErrorCode, MediaState, PeerId, PeerInfo, Resume, RoomId, ServerMessage, Signal,
};
use confab::server::hub::HubLimits;
use confab::server::per_source::SourceLimits;
use confab::server::signaling::{ConnectionLimits, Keepalive};
use futures_util::{SinkExt, StreamExt};
use std::time::Duration;
use support::*;
use tokio::net::TcpStream;
use tokio_tungstenite::MaybeTlsStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;

#[tokio::test]
async fn second_peer_sees_first_and_signals_are_stamped_with_the_sender() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let (a_id, a_peers) = join(&mut a, &room, "Ada").await;
    assert!(a_peers.is_empty());
    let (b_id, b_peers) = join(&mut b, &room, "Bob").await;
    assert_eq!(
        b_peers,
        vec![PeerInfo {
            id: a_id,
            name: "Ada".into(),
            media: MediaState::default(),
            hand: None,
        }]
    );
    assert_eq!(
        recv(&mut a).await,
        ServerMessage::PeerJoined {
            peer: PeerInfo {
                id: b_id,
                name: "Bob".into(),
                media: MediaState::default(),
                hand: None,
            }
        }
    );

    // A client cannot pretend to be someone else: there is no sender field to forge, and any
    // extra field is ignored; the server stamps the real sender.
    b.send(Message::text(format!(
        r#"{{"type":"signal","to":{},"from":999,"signal":{{"kind":"description","sdp_type":"offer","sdp":"x"}}}}"#,
        a_id.0
    )))
    .await
    .unwrap();
    assert_eq!(
        recv(&mut a).await,
        ServerMessage::Signal {
            from: b_id,
            signal: offer("x")
        }
    );
}

#[tokio::test]
async fn signal_reaches_only_the_named_peer() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let mut c = connect(&server).await;
    let (a_id, _) = join(&mut a, &room, "A").await;
    let (b_id, _) = join(&mut b, &room, "B").await;
    let _ = join(&mut c, &room, "C").await;
    let _ = recv(&mut a).await; // B joined
    let _ = recv(&mut a).await; // C joined
    let _ = recv(&mut b).await; // C joined
    send(
        &mut a,
        &ClientMessage::Signal {
            to: b_id,
            signal: offer("for b"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut b).await,
        ServerMessage::Signal {
            from: a_id,
            signal: offer("for b")
        }
    );
    assert_silent(&mut c).await;
    assert_silent(&mut a).await;
}

#[tokio::test]
async fn signal_to_a_peer_in_another_room_is_refused() {
    let server = start_default().await;
    let room1 = server.state.hub.create_room();
    let room2 = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let _ = join(&mut a, &room1, "A").await;
    let (b_id, _) = join(&mut b, &room2, "B").await;
    send(
        &mut a,
        &ClientMessage::Signal {
            to: b_id,
            signal: offer("sneaky"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a).await,
        ServerMessage::error(ErrorCode::UnknownPeer)
    );
    assert_silent(&mut b).await;
}

#[tokio::test]
async fn signal_before_joining_is_refused() {
    let server = start_default().await;
    let mut a = connect(&server).await;
    send(
        &mut a,
        &ClientMessage::Signal {
            to: PeerId(1),
            signal: offer("x"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut a).await,
        ServerMessage::error(ErrorCode::NotInRoom)
    );
}

#[tokio::test]
async fn malformed_json_gets_an_error_and_the_connection_stays() {
    let server = start_default().await;
    let mut bystanders = Bystanders::join(&server).await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    for bad in [
        "not json",
        r#"{"type":"shout"}"#,
        r#"{"type":"join","room":"short","name":"x"}"#,
    ] {
        a.send(Message::text(bad)).await.unwrap();
        match recv(&mut a).await {
            ServerMessage::Error { code, message } => {
                assert_eq!(code, ErrorCode::BadMessage);
                assert!(!message.is_empty());
            }
            other => panic!("expected an error for {bad:?}, got {other:?}"),
        }
    }
    let (_, peers) = join(&mut a, &room, "Still here").await;
    assert!(peers.is_empty());
    bystanders.still_talk().await;
}

#[tokio::test]
async fn oversized_message_closes_with_1009() {
    let server = start_default().await;
    let mut bystanders = Bystanders::join(&server).await;
    let mut a = connect(&server).await;
    let big = format!(r#"{{"type":"join","name":"{}"}}"#, "x".repeat(70 * 1024));
    a.send(Message::text(big)).await.unwrap();
    assert_eq!(closed(&mut a).await.code, CloseCode::Size);
    bystanders.still_talk().await;
}

#[tokio::test]
async fn message_just_under_the_limit_is_accepted() {
    let server = start_default().await;
    let mut a = connect(&server).await;
    let padding = 60 * 1024;
    a.send(Message::text(format!(
        r#"{{"type":"leave","padding":"{}"}}"#,
        "x".repeat(padding)
    )))
    .await
    .unwrap();
    assert_silent(&mut a).await;
    let room = server.state.hub.create_room();
    let _ = join(&mut a, &room, "A").await;
}

#[tokio::test]
async fn leave_tells_the_room_and_the_connection_can_join_again() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let _ = join(&mut a, &room, "A").await;
    let (b_id, _) = join(&mut b, &room, "B").await;
    let _ = recv(&mut a).await;
    send(&mut b, &ClientMessage::Leave).await;
    assert_eq!(recv(&mut a).await, ServerMessage::PeerLeft { id: b_id });
    let (b_again, peers) = join(&mut b, &room, "B").await;
    assert_ne!(b_again, b_id, "a rejoin is a fresh peer");
    assert_eq!(peers.len(), 1);
}

#[tokio::test]
async fn seventh_peer_is_told_the_room_is_full() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut members = Vec::new();
    for i in 0..6 {
        let mut socket = connect(&server).await;
        join(&mut socket, &room, &format!("P{i}")).await;
        members.push(socket);
    }
    let mut seventh = connect(&server).await;
    send(&mut seventh, &join_message(&room, "Late")).await;
    assert_eq!(
        recv(&mut seventh).await,
        ServerMessage::error(ErrorCode::RoomFull)
    );
    assert_eq!(server.state.hub.member_count(&room), 6);
}

#[tokio::test]
async fn joining_twice_is_refused() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let _ = join(&mut a, &room, "A").await;
    send(&mut a, &join_message(&room, "A")).await;
    assert_eq!(
        recv(&mut a).await,
        ServerMessage::error(ErrorCode::AlreadyJoined)
    );
}

#[tokio::test]
async fn health_check_answers_ok() {
    let server = start_default().await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.ends_with("ok"), "{response}");
}

#[tokio::test]
async fn media_state_reaches_the_room_and_later_joiners() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let (a_id, _) = join(&mut a, &room, "A").await;
    let _ = join(&mut b, &room, "B").await;
    let _ = recv(&mut a).await; // B joined
    let muted = MediaState {
        audio: false,
        video: false,
        screen: false,
    };
    send(&mut a, &ClientMessage::Media { state: muted }).await;
    assert_eq!(
        recv(&mut b).await,
        ServerMessage::PeerMedia {
            id: a_id,
            state: muted
        }
    );
    assert_silent(&mut a).await;
    let mut c = connect(&server).await;
    let (_, peers) = join(&mut c, &room, "C").await;
    let ada = peers.iter().find(|p| p.id == a_id).expect("A is listed");
    assert_eq!(ada.media, muted);
}

#[tokio::test]
async fn a_page_from_another_site_is_refused_with_403_and_a_page_of_this_server_is_not() {
    let server = start_default().await;
    match connect_from(&server, "https://evil.example").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 403);
            let body = String::from_utf8(response.body().clone().unwrap_or_default()).unwrap();
            assert_eq!(
                body,
                "Pages from other sites may not use this server's signaling."
            );
        }
        other => panic!("expected 403, got {:?}", other.map(|_| "a connection")),
    }

    let mut own = connect_from(&server, &format!("https://{}", server.addr))
        .await
        .expect("this server's own page may connect");
    send(
        &mut own,
        &join_message(&RoomId::from_random_bytes([9; 16]), "Ann"),
    )
    .await;
    assert!(matches!(
        recv(&mut own).await,
        ServerMessage::Welcome { .. }
    ));
}

#[tokio::test]
async fn an_origin_the_operator_lists_may_connect() {
    let mut state = test_state(HubLimits::default());
    state.allowed_origins = std::sync::Arc::new(vec!["https://app.example.com".into()]);
    let server = serve(state).await;
    assert!(
        connect_from(&server, "https://app.example.com")
            .await
            .is_ok()
    );
    assert!(
        connect_from(&server, "https://other.example.com")
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_flood_gets_a_rate_limit_error_then_1008_and_other_rooms_carry_on() {
    let mut state = test_state(limits());
    state.connection_limits = ConnectionLimits {
        burst: 20,
        refill: Duration::from_secs(1),
        strikes: 30,
        ..ConnectionLimits::default()
    };
    let server = serve(state).await;
    let mut bystanders = Bystanders::join(&server).await;
    let room = server.state.hub.create_room();
    let mut flooder = connect(&server).await;
    let _ = join(&mut flooder, &room, "Flood").await;
    for _ in 0..60 {
        send(
            &mut flooder,
            &ClientMessage::Media {
                state: MediaState::default(),
            },
        )
        .await;
    }
    assert_eq!(
        recv(&mut flooder).await,
        ServerMessage::error(ErrorCode::RateLimited)
    );
    let frame = closed(&mut flooder).await;
    assert_eq!(frame.code, CloseCode::Policy);
    bystanders.still_talk().await;
}

#[tokio::test]
async fn a_flood_of_pings_counts_toward_the_rate_like_any_message() {
    let mut state = test_state(limits());
    state.connection_limits = ConnectionLimits {
        burst: 20,
        refill: Duration::from_secs(1),
        strikes: 30,
        ..ConnectionLimits::default()
    };
    let server = serve(state).await;
    let mut flooder = connect(&server).await;
    let _ = join(&mut flooder, &server.state.hub.create_room(), "Pinger").await;
    for _ in 0..60 {
        flooder
            .send(Message::Ping(Default::default()))
            .await
            .unwrap();
    }
    assert_eq!(
        recv(&mut flooder).await,
        ServerMessage::error(ErrorCode::RateLimited)
    );
    assert_eq!(closed(&mut flooder).await.code, CloseCode::Policy);
}

#[tokio::test]
async fn one_address_cannot_take_every_connection_while_another_still_joins() {
    let mut state = test_state(limits());
    state.set_source_limits(SourceLimits {
        connections: 3,
        ..SourceLimits::default()
    });
    let server = serve(state).await;
    let room = server.state.hub.create_room();
    let mut held = Vec::new();
    for n in 0..3 {
        let mut socket = connect_from_address(&server, "127.0.0.2").await;
        let _ = join(&mut socket, &room, &format!("Greedy {n}")).await;
        held.push(socket);
    }
    let mut fourth = connect_from_address(&server, "127.0.0.2").await;
    assert_eq!(
        recv(&mut fourth).await,
        ServerMessage::error(ErrorCode::SourceLimit)
    );
    assert_eq!(closed(&mut fourth).await.code, CloseCode::Again);
    let mut other = connect_from_address(&server, "127.0.0.3").await;
    let (_, peers) = join(&mut other, &room, "Other").await;
    assert_eq!(peers.len(), 3);
}

#[tokio::test]
async fn one_address_cannot_hold_every_room() {
    let limits = HubLimits {
        max_rooms_per_source: 2,
        ..limits()
    };
    let server = start(limits, Keepalive::default()).await;
    let mut held = Vec::new();
    for n in 0..2 {
        let mut socket = connect_from_address(&server, "127.0.0.2").await;
        let _ = join(
            &mut socket,
            &server.state.hub.create_room(),
            &format!("R{n}"),
        )
        .await;
        held.push(socket);
    }
    let mut third = connect_from_address(&server, "127.0.0.2").await;
    assert_eq!(
        join_with(
            &mut third,
            join_message(&server.state.hub.create_room(), "R3")
        )
        .await,
        ServerMessage::error(ErrorCode::SourceLimit)
    );
    let mut other = connect_from_address(&server, "127.0.0.3").await;
    let _ = join(&mut other, &server.state.hub.create_room(), "Elsewhere").await;
}

#[tokio::test]
async fn joins_from_one_address_are_limited_per_second() {
    let mut state = test_state(limits());
    state.set_source_limits(SourceLimits {
        joins_burst: 3,
        join_refill: Duration::from_secs(60),
        ..SourceLimits::default()
    });
    let server = serve(state).await;
    let mut socket = connect_from_address(&server, "127.0.0.2").await;
    let room = server.state.hub.create_room();
    for _ in 0..3 {
        let _ = join(&mut socket, &room, "Again").await;
        send(&mut socket, &ClientMessage::Leave).await;
    }
    assert_eq!(
        join_with(&mut socket, join_message(&room, "Again")).await,
        ServerMessage::error(ErrorCode::TooFast)
    );
    let mut other = connect_from_address(&server, "127.0.0.3").await;
    let _ = join(&mut other, &room, "Other").await;
}

#[tokio::test]
async fn over_the_connection_cap_a_client_is_told_the_server_is_full_and_closed_with_1013() {
    let mut state = test_state(limits());
    state.connections = std::sync::Arc::new(tokio::sync::Semaphore::new(2));
    let server = serve(state).await;
    let mut bystanders = Bystanders::join(&server).await;
    let mut third = connect(&server).await;
    assert_eq!(
        recv(&mut third).await,
        ServerMessage::error(ErrorCode::ServerFull)
    );
    assert_eq!(closed(&mut third).await.code, CloseCode::Again);
    bystanders.still_talk().await;
    // A connection that ends frees its place.
    drop(bystanders);
    let connections = server.state.connections.clone();
    eventually("the places given back", || {
        connections.available_permits() == 2
    })
    .await;
    let mut later = connect(&server).await;
    let _ = join(&mut later, &server.state.hub.create_room(), "Later").await;
}

#[tokio::test]
async fn a_dropped_peer_resumes_with_its_token_and_the_room_never_sees_it_leave() {
    let server = start_with_long_grace().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut b = connect(&server).await;
    let (a_id, _) = join(&mut a, &room, "A").await;
    let welcome = join_with(&mut b, join_message(&room, "B")).await;
    let resume = resume_of(&welcome);
    let _ = recv(&mut a).await;
    drop(b);
    let hub = server.state.hub.clone();
    let away = room.clone();
    eventually("B away", || hub.is_away(&away, resume.id)).await;
    // A's signal waits for B.
    send(
        &mut a,
        &ClientMessage::Signal {
            to: resume.id,
            signal: offer("while away"),
        },
    )
    .await;
    let mut b = connect(&server).await;
    let back = join_with(&mut b, join_as(&room, "B", None, Some(resume.clone()))).await;
    match back {
        ServerMessage::Welcome {
            you,
            peers,
            resumed,
            ..
        } => {
            assert_eq!(you, resume.id);
            assert!(resumed);
            assert_eq!(peers.iter().map(|p| p.id).collect::<Vec<_>>(), [a_id]);
        }
        other => panic!("expected welcome, got {other:?}"),
    }
    assert_eq!(
        recv(&mut b).await,
        ServerMessage::Signal {
            from: a_id,
            signal: offer("while away")
        }
    );
    assert_silent(&mut a).await;
    assert_eq!(server.state.hub.member_count(&room), 2);
}

#[tokio::test]
async fn on_shutdown_every_connection_is_closed_with_1001() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut a = connect(&server).await;
    let mut idle = connect(&server).await;
    let _ = join(&mut a, &room, "A").await;
    server.state.begin_shutdown();
    assert_eq!(closed(&mut a).await.code, CloseCode::Away);
    assert_eq!(closed(&mut idle).await.code, CloseCode::Away);
}

#[tokio::test]
async fn a_password_room_refuses_wrong_guesses_then_slows_them_and_admits_the_right_one() {
    let server = start_default().await;
    let mut bystanders = Bystanders::join(&server).await;
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
    match recv(&mut host).await {
        ServerMessage::Settings { settings } => assert!(settings.password),
        other => panic!("expected settings, got {other:?}"),
    }
    let with_password = |password| join_as(&room, "Guest", password, None);
    let mut guest = connect(&server).await;
    assert_eq!(
        join_with(&mut guest, with_password(None)).await,
        ServerMessage::error(ErrorCode::PasswordRequired)
    );
    assert!(matches!(
        join_with(&mut guest, with_password(Some("open sesame"))).await,
        ServerMessage::Welcome { .. }
    ));
    // A guesser on another network runs out of guesses; it cannot lock the password out for
    // anyone else.
    let mut guesser = connect_from_address(&server, "127.0.0.2").await;
    let burst = SourceLimits::default().guesses_burst;
    for _ in 0..burst {
        assert_eq!(
            join_with(&mut guesser, with_password(Some("guess"))).await,
            ServerMessage::error(ErrorCode::WrongPassword)
        );
    }
    for _ in 0..3 {
        assert_eq!(
            join_with(&mut guesser, with_password(Some("guess"))).await,
            ServerMessage::error(ErrorCode::TooManyGuesses),
            "the guesser is slowed"
        );
    }
    let mut late = connect_from_address(&server, "127.0.0.3").await;
    assert!(
        matches!(
            join_with(&mut late, with_password(Some("open sesame"))).await,
            ServerMessage::Welcome { .. }
        ),
        "the right password still admits someone else"
    );
    bystanders.still_talk().await;
}

#[tokio::test]
async fn a_removed_participant_is_told_closed_and_cannot_come_back_into_a_locked_room() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut host = connect(&server).await;
    let mut guest = connect(&server).await;
    let _ = join(&mut host, &room, "Host").await;
    let welcome = join_with(&mut guest, join_message(&room, "Guest")).await;
    let resume = resume_of(&welcome);
    let _ = recv(&mut host).await;

    send(&mut guest, &ClientMessage::Lock { locked: true }).await;
    assert_eq!(
        recv(&mut guest).await,
        ServerMessage::error(ErrorCode::NotHost)
    );

    send(&mut host, &ClientMessage::Lock { locked: true }).await;
    assert!(matches!(
        recv(&mut host).await,
        ServerMessage::Settings { .. }
    ));
    assert!(matches!(
        recv(&mut guest).await,
        ServerMessage::Settings { .. }
    ));
    send(&mut host, &ClientMessage::Remove { id: resume.id }).await;
    assert_eq!(
        recv(&mut guest).await,
        ServerMessage::error(ErrorCode::Removed)
    );
    assert_eq!(closed(&mut guest).await.code, CloseCode::Policy);
    assert_eq!(
        recv(&mut host).await,
        ServerMessage::PeerLeft { id: resume.id }
    );

    let mut again = connect(&server).await;
    assert_eq!(
        join_with(&mut again, join_as(&room, "Guest", None, Some(resume))).await,
        ServerMessage::error(ErrorCode::RoomLocked)
    );
}

/// POSTs the ICE configuration request as a browser's server-function call does; returns the
/// status code and body.
async fn ice_config(server: &Server, room: &RoomId, resume: &Resume) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let body = format!(
        "room={room}&resume%5Bid%5D={}&resume%5Btoken%5D={}",
        resume.id.0, resume.token
    );
    let request = format!(
        "POST /api/ice_config HTTP/1.1\r\nHost: meet.example.org:3000\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response.split_once("\r\n\r\n").unwrap().1.to_owned();
    (status, body)
}

#[tokio::test]
async fn ice_configuration_with_turn_credentials_is_given_to_members_only() {
    use confab::server::ice::{DEFAULT_TTL, IceProvider};
    use confab::server::turn::credentials::TurnSecret;
    let mut state = test_state(limits());
    state.ice = std::sync::Arc::new(IceProvider {
        embedded: Some((3478, None)),
        secret: Some(TurnSecret::new("s")),
        ttl: DEFAULT_TTL,
        ..IceProvider::default()
    });
    let server = serve(state).await;
    let room = server.state.hub.create_room();
    let mut socket = connect(&server).await;
    send(&mut socket, &join_message(&room, "Ada")).await;
    let ServerMessage::Welcome {
        you,
        resume_token,
        ice,
        ..
    } = recv(&mut socket).await
    else {
        panic!("expected welcome");
    };
    let member = Resume {
        id: you,
        token: resume_token,
    };

    // The welcome brings it (for the host the socket reached), so connections need not wait.
    let ice = ice.expect("the welcome carries the ICE configuration");
    let turn = &ice.servers[0];
    let host = server.addr.ip();
    assert_eq!(turn.urls[1], format!("turn:{host}:3478?transport=udp"));
    let username = turn.username.clone().unwrap();
    assert!(username.ends_with(&format!(":{you}")), "{username}");
    assert_eq!(
        turn.credential.as_deref(),
        Some(TurnSecret::new("s").password(&username).as_str())
    );

    // Asked for later (to refresh it), it comes from the server function.
    let (status, body) = ice_config(&server, &room, &member).await;
    assert_eq!(status, 200, "{body}");
    let config: confab::protocol::IceConfig = serde_json::from_str(&body).unwrap();
    let turn = &config.servers[0];
    assert_eq!(turn.urls[1], "turn:meet.example.org:3478?transport=udp");
    let username = turn.username.clone().unwrap();
    assert!(username.ends_with(&format!(":{you}")), "{username}");
    assert_eq!(
        turn.credential.as_deref(),
        Some(TurnSecret::new("s").password(&username).as_str())
    );

    // A forged token, a member of another room, and a member who has left are all refused.
    let forged = Resume {
        id: you,
        token: "00".repeat(32),
    };
    assert_eq!(ice_config(&server, &room, &forged).await.0, 403);
    let other_room = server.state.hub.create_room();
    assert_eq!(ice_config(&server, &other_room, &member).await.0, 403);
    send(&mut socket, &ClientMessage::Leave).await;
    assert_silent(&mut socket).await;
    let (status, body) = ice_config(&server, &room, &member).await;
    assert_eq!((status, body.as_str()), (403, r#""NotMember""#));
}

/// A client whose socket takes little at a time (a 4 KiB receive buffer), so what the server
/// writes to it backs up as soon as it stops reading.
async fn connect_slow_reader(server: &Server) -> Socket {
    let tcp = tokio::net::TcpSocket::new_v4().unwrap();
    tcp.set_recv_buffer_size(4096).unwrap();
    let stream = tcp.connect(server.addr).await.unwrap();
    let url = format!("ws://{}/signal", server.addr);
    let (socket, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    socket
}

/// Candidates of nearly the largest size the server takes, numbered.
const BIG_SIGNALS: usize = 150;

fn big_signal(number: usize) -> Signal {
    Signal::Candidate {
        candidate: format!("{number} {}", "x".repeat(60_000)),
        sdp_mid: None,
        sdp_m_line_index: None,
    }
}

/// The number of a [`big_signal`] from `from`, if `message` is one.
fn big_signal_number(message: &ServerMessage, from: PeerId) -> Option<usize> {
    match message {
        ServerMessage::Signal {
            from: sender,
            signal: Signal::Candidate { candidate, .. },
        } if *sender == from => candidate.split(' ').next()?.parse().ok(),
        _ => None,
    }
}

/// A joins B's room and sends B [`BIG_SIGNALS`] big signals, about 9 MB, while B reads nothing.
async fn flood_a_reader_who_stopped(server: &Server, room: &RoomId, b: PeerId) -> (Socket, PeerId) {
    let mut a = connect(server).await;
    let (a_id, _) = join(&mut a, room, "A").await;
    for number in 0..BIG_SIGNALS {
        send(
            &mut a,
            &ClientMessage::Signal {
                to: b,
                signal: big_signal(number),
            },
        )
        .await;
    }
    (a, a_id)
}

#[tokio::test]
async fn a_reader_that_falls_behind_is_closed_with_1013_and_resuming_gets_the_rest_in_order() {
    let server = start_with_long_grace().await;
    let room = server.state.hub.create_room();
    let mut b = connect_slow_reader(&server).await;
    let welcome = join_with(&mut b, join_message(&room, "B")).await;
    let resume = resume_of(&welcome);
    let (mut a, a_id) = flood_a_reader_who_stopped(&server, &room, resume.id).await;

    // B reads again: what was queued before it fell behind, then the close.
    let mut received = Vec::new();
    let close = tokio::time::timeout(PATIENCE, async {
        loop {
            match b.next().await {
                Some(Ok(Message::Text(text))) => {
                    let message = serde_json::from_str(text.as_str()).unwrap();
                    received.extend(big_signal_number(&message, a_id));
                }
                Some(Ok(Message::Close(frame))) => return frame.expect("a close code"),
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("closed within the patience window");
    assert_eq!(close.code, CloseCode::Again);
    assert_eq!(close.reason.as_str(), "not keeping up");
    assert!(received.len() < BIG_SIGNALS, "B fell behind before the end");

    // Back with its token: the welcome, then what waited for it.
    let mut b = connect(&server).await;
    let back = join_with(&mut b, join_as(&room, "B", None, Some(resume.clone()))).await;
    assert!(matches!(back, ServerMessage::Welcome { resumed: true, .. }));
    for message in barrier(&mut b).await {
        received.extend(big_signal_number(&message, a_id));
    }

    // An away member holds only as much as an outbox: A was told of every signal dropped, and
    // those were the last ones. Nothing else went missing, came twice or out of order.
    let mut refused = 0;
    for message in barrier(&mut a).await {
        assert_eq!(message, ServerMessage::error(ErrorCode::PeerBusy));
        refused += 1;
    }
    assert_eq!(received, (0..BIG_SIGNALS - refused).collect::<Vec<_>>());
    assert_eq!(server.state.hub.member_count(&room), 2);
}

#[tokio::test(start_paused = true)]
async fn a_reader_that_never_reads_again_frees_its_connection_and_the_room_is_told_it_left() {
    let mut state = test_state(limits());
    state.connections = std::sync::Arc::new(tokio::sync::Semaphore::new(10));
    let server = serve(state).await;
    let room = server.state.hub.create_room();
    let mut b = connect_slow_reader(&server).await;
    let (b_id, _) = join(&mut b, &room, "B").await;
    let (mut a, _) = flood_a_reader_who_stopped(&server, &room, b_id).await;

    // B's socket is dropped after the drain time although B never answers: only A's
    // connection holds a slot. (The clock is paused: sleeping moves it, no real time passes.)
    let drain = server.state.connection_limits.close_drain;
    assert_eq!(server.state.connections.available_permits(), 8);
    tokio::time::sleep(drain - Duration::from_secs(1)).await;
    assert_eq!(
        server.state.connections.available_permits(),
        8,
        "still draining"
    );
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        server.state.connections.available_permits(),
        9,
        "the slow reader's connection slot given back"
    );
    // And once its grace period is over, it has left.
    let left = tokio::time::timeout(PATIENCE, async {
        loop {
            if recv(&mut a).await == (ServerMessage::PeerLeft { id: b_id }) {
                return;
            }
        }
    })
    .await;
    assert!(left.is_ok(), "A is told B left");
    drop(b);
}
