use super::*;
use crate::protocol::{IceConfig, PeerInfo};
use crate::protocol::{IceServer, SdpType};
use crate::server::outbox::{
    OUTBOX_BYTES, OUTBOX_MESSAGES, Outbox, OutboxSender, outbox, outbox_with,
};
use crate::server::password;
use crate::server::source::Source;
use std::time::Duration;

/// The moment every test starts at; tests that need time to pass add to it.
pub(super) fn t0() -> Instant {
    static T0: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *T0.get_or_init(Instant::now)
}

pub(super) fn hub() -> Hub {
    Hub::new(HubLimits::default(), ResumeKey::random(), t0())
}

pub(super) fn member() -> (OutboxSender, Outbox) {
    outbox()
}

pub(super) fn request(room: &RoomId, name: &str, tx: OutboxSender) -> JoinRequest {
    JoinRequest {
        room: room.clone(),
        name: name.into(),
        media: MediaState::default(),
        hand: false,
        resume: None,
        password_checked: None,
        tx,
        connection: 0,
        source: Source::UNKNOWN,
        ice: None,
    }
}

pub(super) fn join(
    hub: &Hub,
    room: &RoomId,
    name: &str,
    tx: OutboxSender,
) -> Result<Joined, ErrorCode> {
    hub.join(request(room, name, tx), t0())
}

/// A request to come back as `member`, with its resume token, on `connection`.
pub(super) fn comeback(
    room: &RoomId,
    name: &str,
    member: &Joined,
    tx: OutboxSender,
    connection: ConnectionId,
) -> JoinRequest {
    JoinRequest {
        resume: Some(Resume {
            id: member.id,
            token: member.resume_token.clone(),
        }),
        connection,
        ..request(room, name, tx)
    }
}

pub(super) fn next(rx: &mut Outbox) -> ServerMessage {
    match rx.try_recv().expect("a message is queued") {
        Outbound::Frame(frame) => serde_json::from_str(frame.as_str()).unwrap(),
        close => panic!("expected a frame, got {close:?}"),
    }
}

/// Takes the welcome every member receives first.
pub(super) fn welcome(rx: &mut Outbox) -> ServerMessage {
    let welcome = next(rx);
    assert!(
        matches!(welcome, ServerMessage::Welcome { .. }),
        "{welcome:?}"
    );
    welcome
}

#[test]
fn the_welcome_carries_the_ice_configuration_made_for_the_joiners_id() {
    let hub = hub();
    let room = hub.create_room();
    let (tx, mut rx) = member();
    let joined = hub
        .join(
            JoinRequest {
                ice: Some(IceFor(Box::new(|id| IceConfig {
                    servers: vec![IceServer {
                        urls: vec!["turn:example.org".into()],
                        username: Some(format!("for-{id}")),
                        credential: None,
                    }],
                    ..IceConfig::default()
                }))),
                ..request(&room, "A", tx)
            },
            t0(),
        )
        .unwrap();
    let ServerMessage::Welcome { ice: Some(ice), .. } = welcome(&mut rx) else {
        panic!("no ICE configuration in the welcome");
    };
    assert_eq!(ice.servers[0].username, Some(format!("for-{}", joined.id)));
}

/// A (the host) and B in `room`, welcomes taken, A's news of B drained.
pub(super) fn two_members(hub: &Hub, room: &RoomId) -> (Joined, Outbox, Joined, Outbox) {
    let (tx_a, mut rx_a) = member();
    let (tx_b, mut rx_b) = member();
    let a = join(hub, room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let b = join(hub, room, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    drain(&mut rx_a);
    (a, rx_a, b, rx_b)
}

pub(super) fn drain(rx: &mut Outbox) {
    while rx.try_recv().is_ok() {}
}

pub(super) fn offer() -> Signal {
    Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: "v=0".into(),
    }
}

fn candidate(line: &str) -> Signal {
    Signal::Candidate {
        candidate: line.into(),
        sdp_mid: None,
        sdp_m_line_index: None,
    }
}

#[test]
fn created_room_ids_are_distinct_and_take_no_memory_until_joined() {
    let hub = hub();
    let ids: std::collections::HashSet<_> = (0..1000).map(|_| hub.create_room()).collect();
    assert_eq!(ids.len(), 1000);
    assert_eq!(hub.room_count(), 0);
    let (tx, _rx) = member();
    join(&hub, ids.iter().next().unwrap(), "A", tx).unwrap();
    assert_eq!(hub.room_count(), 1);
}

#[test]
fn joiner_gets_existing_peers_and_they_hear_of_it() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let a = join(&hub, &room, " Ada ", tx_a).unwrap();
    welcome(&mut rx_a);
    assert!(a.peers.is_empty());
    assert_eq!(a.settings.host, Some(a.id), "the first to join hosts");
    let (tx_b, mut rx_b) = member();
    let b = join(&hub, &room, "Bob", tx_b).unwrap();
    welcome(&mut rx_b);
    assert!(b.id > a.id);
    assert_eq!(b.settings.host, Some(a.id));
    assert!(!b.resumed);
    assert_eq!(
        b.peers,
        vec![PeerInfo {
            id: a.id,
            name: "Ada".into(),
            media: MediaState::default(),
            hand: None,
        }]
    );
    assert_eq!(
        next(&mut rx_a),
        ServerMessage::PeerJoined {
            peer: PeerInfo {
                id: b.id,
                name: "Bob".into(),
                media: MediaState::default(),
                hand: None,
            }
        }
    );
    assert!(rx_b.try_recv().is_err(), "the joiner is not told of itself");
}

#[test]
fn leave_tells_the_others_and_forgets_empty_rooms() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let (tx_b, _rx_b) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let b = join(&hub, &room, "B", tx_b).unwrap();
    let _ = next(&mut rx_a);
    hub.leave(&room, b.id, t0());
    assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
    assert_eq!(hub.member_count(&room), 1);
    hub.leave(&room, a.id, t0());
    assert_eq!(hub.room_count(), 0);
}

#[test]
fn when_the_host_leaves_the_next_member_hosts_and_everyone_is_told() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    let (tx_b, mut rx_b) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    let b = join(&hub, &room, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    hub.leave(&room, a.id, t0());
    assert_eq!(next(&mut rx_b), ServerMessage::PeerLeft { id: a.id });
    let ServerMessage::Settings { settings } = next(&mut rx_b) else {
        panic!("expected settings");
    };
    assert_eq!(settings.host, Some(b.id));
}

#[test]
fn relay_reaches_only_the_named_peer_stamped_with_the_sender() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let (tx_b, mut rx_b) = member();
    let (tx_c, mut rx_c) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let b = join(&hub, &room, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    let _c = join(&hub, &room, "C", tx_c).unwrap();
    welcome(&mut rx_c);
    drain(&mut rx_a);
    drain(&mut rx_b);
    hub.relay(&room, a.id, b.id, offer()).unwrap();
    assert_eq!(
        next(&mut rx_b),
        ServerMessage::Signal {
            from: a.id,
            signal: offer()
        }
    );
    assert!(rx_a.try_recv().is_err());
    assert!(rx_c.try_recv().is_err());
}

#[test]
fn relay_to_a_peer_in_another_room_is_refused() {
    let hub = hub();
    let room1 = hub.create_room();
    let room2 = hub.create_room();
    let (tx_a, _rx_a) = member();
    let (tx_b, mut rx_b) = member();
    let a = join(&hub, &room1, "A", tx_a).unwrap();
    let b = join(&hub, &room2, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    assert_eq!(
        hub.relay(&room1, a.id, b.id, offer()),
        Err(ErrorCode::UnknownPeer)
    );
    assert!(rx_b.try_recv().is_err());
}

#[test]
fn relay_from_a_non_member_or_to_oneself_is_refused() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    assert_eq!(
        hub.relay(&room, PeerId(999), a.id, offer()),
        Err(ErrorCode::NotInRoom)
    );
    assert_eq!(
        hub.relay(&room, a.id, a.id, offer()),
        Err(ErrorCode::UnknownPeer)
    );
}

#[test]
fn room_full_refuses_the_peer_over_the_limit() {
    let hub = Hub::new(
        HubLimits {
            max_peers_per_room: 2,
            ..HubLimits::default()
        },
        ResumeKey::random(),
        t0(),
    );
    let room = hub.create_room();
    let mut keep = Vec::new();
    for name in ["A", "B"] {
        let (tx, rx) = member();
        join(&hub, &room, name, tx).unwrap();
        keep.push(rx);
    }
    let (tx, _rx) = member();
    assert_eq!(join(&hub, &room, "C", tx).unwrap_err(), ErrorCode::RoomFull);
    assert_eq!(hub.member_count(&room), 2);
}

#[test]
fn a_new_room_over_the_room_limit_is_refused_but_existing_rooms_still_fill() {
    let hub = Hub::new(
        HubLimits {
            max_rooms: 1,
            ..HubLimits::default()
        },
        ResumeKey::random(),
        t0(),
    );
    let first = hub.create_room();
    let (tx_a, _rx_a) = member();
    join(&hub, &first, "A", tx_a).unwrap();
    let (tx_b, _rx_b) = member();
    assert_eq!(
        join(&hub, &hub.create_room(), "B", tx_b.clone()).unwrap_err(),
        ErrorCode::TooManyRooms
    );
    assert_eq!(hub.room_count(), 1);
    join(&hub, &first, "B", tx_b).unwrap();
}

#[test]
fn the_room_limit_holds_across_shards_and_a_left_room_gives_its_place_back() {
    let limits = HubLimits {
        max_rooms: 40,
        ..HubLimits::default()
    };
    let hub = std::sync::Arc::new(Hub::new(limits, ResumeKey::random(), t0()));
    // Eight threads race to make 100 rooms in all; the limit lets exactly 40 exist.
    let made: Vec<(RoomId, PeerId, Outbox)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let hub = hub.clone();
                s.spawn(move || {
                    let mut made = Vec::new();
                    for _ in 0..13 {
                        let room = hub.create_room();
                        let (tx, rx) = member();
                        match join(&hub, &room, "A", tx) {
                            Ok(joined) => made.push((room, joined.id, rx)),
                            Err(code) => assert_eq!(code, ErrorCode::TooManyRooms),
                        }
                    }
                    made
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert_eq!(made.len(), 40);
    assert_eq!(hub.room_count(), 40);
    let (tx, _rx) = member();
    assert_eq!(
        join(&hub, &hub.create_room(), "B", tx).unwrap_err(),
        ErrorCode::TooManyRooms
    );
    let (room, id, _rx) = &made[0];
    hub.leave(room, *id, t0());
    assert_eq!(hub.room_count(), 39);
    let (tx, _rx) = member();
    join(&hub, &hub.create_room(), "B", tx).unwrap();
    assert_eq!(hub.room_count(), 40);
}

#[test]
fn a_member_that_stops_reading_is_away_and_what_follows_waits_for_its_resume() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    // B's outbox holds its welcome and one more message.
    let (tx_b, mut rx_b) = outbox_with(2, OUTBOX_BYTES);
    let a = join(&hub, &room, "A", tx_a).unwrap();
    let b = join(&hub, &room, "B", tx_b).unwrap();
    hub.relay(&room, a.id, b.id, offer()).unwrap();
    // No room: B is away from now on, not dropped, and its messages wait.
    hub.relay(&room, a.id, b.id, candidate("c1")).unwrap();
    hub.relay(&room, a.id, b.id, candidate("c2")).unwrap();
    assert_eq!(hub.member_count(&room), 2);
    welcome(&mut rx_b);
    assert!(matches!(next(&mut rx_b), ServerMessage::Signal { .. }));
    assert!(
        rx_b.try_recv().is_err(),
        "nothing more on the old connection"
    );

    // B comes back on a new connection: the welcome, then both candidates in order.
    let (tx_b2, mut rx_b2) = member();
    assert!(
        hub.join(comeback(&room, "B", &b, tx_b2, 1), t0())
            .unwrap()
            .resumed
    );
    welcome(&mut rx_b2);
    for expected in ["c1", "c2"] {
        match next(&mut rx_b2) {
            ServerMessage::Signal {
                signal: Signal::Candidate { candidate, .. },
                ..
            } => assert_eq!(candidate, expected),
            other => panic!("expected candidate {expected}, got {other:?}"),
        }
    }
}

#[test]
fn an_away_member_holds_what_its_next_outbox_takes_and_the_sender_hears_of_the_rest() {
    for size in [10, 60 * 1024] {
        let hub = hub();
        let room = hub.create_room();
        let (tx_a, _rx_a) = member();
        let (tx_b, rx_b) = member();
        let a = join(&hub, &room, "A", tx_a).unwrap();
        let b = join(&hub, &room, "B", tx_b).unwrap();
        drop(rx_b);
        assert!(hub.disconnect(&room, b.id, 0, t0()));
        let pad = "x".repeat(size);
        let mut held = 0;
        let refused = loop {
            match hub.relay(&room, a.id, b.id, candidate(&format!("{held} {pad}"))) {
                Ok(()) => held += 1,
                Err(code) => break code,
            }
            assert!(held <= OUTBOX_MESSAGES, "{size} B: no bound");
        };
        assert_eq!(refused, ErrorCode::PeerBusy);

        // Back on a new connection: the welcome and everything held fit its outbox.
        let (tx_b2, mut rx_b2) = member();
        hub.join(comeback(&room, "B", &b, tx_b2, 1), t0()).unwrap();
        welcome(&mut rx_b2);
        for number in 0..held {
            match next(&mut rx_b2) {
                ServerMessage::Signal {
                    signal: Signal::Candidate { candidate, .. },
                    ..
                } => assert!(candidate.starts_with(&format!("{number} ")), "{size} B"),
                other => panic!("expected candidate {number}, got {other:?}"),
            }
        }
        // Not left away by an overflowing replay: the next message comes straight through.
        hub.relay(&room, a.id, b.id, candidate("now")).unwrap();
        assert!(matches!(next(&mut rx_b2), ServerMessage::Signal { .. }));
    }
}

#[test]
fn media_changes_reach_the_others_and_later_joiners() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let (tx_b, mut rx_b) = member();
    let muted = MediaState {
        audio: false,
        video: true,
        screen: false,
    };
    let a = join(&hub, &room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let _b = join(&hub, &room, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    let _ = next(&mut rx_a);
    hub.update_media(&room, a.id, muted);
    assert_eq!(
        next(&mut rx_b),
        ServerMessage::PeerMedia {
            id: a.id,
            state: muted
        }
    );
    assert!(
        rx_a.try_recv().is_err(),
        "the sender is not told of its own change"
    );
    let (tx_c, _rx_c) = member();
    let c = join(&hub, &room, "C", tx_c).unwrap();
    assert_eq!(c.peers[0].media, muted);
}

#[test]
fn unknown_room_ids_are_joinable_so_links_survive_restarts() {
    let hub = hub();
    let room = RoomId::from_random_bytes([1; 16]);
    let (tx, _rx) = member();
    join(&hub, &room, "A", tx).unwrap();
    assert_eq!(hub.member_count(&room), 1);
}

#[test]
fn a_dropped_member_is_kept_away_gets_held_messages_on_resume_and_nobody_sees_it_leave() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let (tx_b, rx_b) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let b = hub
        .join(
            JoinRequest {
                connection: 7,
                ..request(&room, "B", tx_b)
            },
            t0(),
        )
        .unwrap();
    drain(&mut rx_a);
    drop(rx_b);
    assert!(
        !hub.disconnect(&room, b.id, 6, t0()),
        "another connection's end"
    );
    assert!(hub.disconnect(&room, b.id, 7, t0()));
    hub.relay(&room, a.id, b.id, offer()).unwrap();
    assert!(rx_a.try_recv().is_err(), "A is not told B left");

    let (tx_b2, mut rx_b2) = member();
    let back = hub.join(comeback(&room, "B", &b, tx_b2, 8), t0()).unwrap();
    assert_eq!((back.id, back.resumed), (b.id, true));
    assert_eq!(back.peers.len(), 1);
    welcome(&mut rx_b2);
    assert_eq!(
        next(&mut rx_b2),
        ServerMessage::Signal {
            from: a.id,
            signal: offer()
        },
        "what arrived while away is delivered"
    );
    assert!(rx_a.try_recv().is_err(), "no second PeerJoined for B");
    hub.expire(&room, b.id, 7, t0());
    assert_eq!(
        hub.member_count(&room),
        2,
        "the old connection expires nothing"
    );
}

#[test]
fn an_away_member_that_does_not_return_is_removed_and_the_room_told() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, mut rx_a) = member();
    let (tx_b, _rx_b) = member();
    join(&hub, &room, "A", tx_a).unwrap();
    welcome(&mut rx_a);
    let b = join(&hub, &room, "B", tx_b).unwrap();
    drain(&mut rx_a);
    assert!(hub.disconnect(&room, b.id, 0, t0()));
    hub.expire(&room, b.id, 0, t0());
    assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
    assert_eq!(hub.member_count(&room), 1);
}

/// A hub after a restart (the same resume key, nothing else kept), the room A was in, and A as
/// it joined before the restart.
pub(super) fn restarted_with_a() -> (Hub, RoomId, Joined) {
    let key = ResumeKey::random();
    let before = Hub::new(HubLimits::default(), key.clone(), t0());
    let room = before.create_room();
    let (tx, _rx) = member();
    let a = join(&before, &room, "A", tx).unwrap();
    (Hub::new(HubLimits::default(), key, t0()), room, a)
}

#[test]
fn after_a_restart_a_valid_token_brings_the_member_back_under_its_old_id() {
    let (after, room, a) = restarted_with_a();
    let (tx_b, mut rx_b) = member();
    let b = join(&after, &room, "B", tx_b).unwrap();
    welcome(&mut rx_b);
    assert!(b.id > a.id, "ids after a restart are newer");
    let (tx, _rx) = member();
    let back = after.join(comeback(&room, "A", &a, tx, 0), t0()).unwrap();
    assert_eq!((back.id, back.resumed), (a.id, true));
    assert_eq!(
        back.settings.host,
        Some(a.id),
        "the earliest member hosts again"
    );
    assert!(matches!(next(&mut rx_b), ServerMessage::PeerJoined { .. }));
    assert!(matches!(next(&mut rx_b), ServerMessage::Settings { .. }));

    let (tx, _rx) = member();
    let forged = after
        .join(
            JoinRequest {
                resume: Some(Resume {
                    id: PeerId(a.id.0 + 1),
                    token: a.resume_token,
                }),
                ..request(&room, "Mallory", tx)
            },
            t0(),
        )
        .unwrap();
    assert!(!forged.resumed, "a forged token gets a fresh identity");
    assert_ne!(forged.id.0, a.id.0 + 1);
}

#[test]
fn only_the_host_locks_a_locked_room_refuses_newcomers_and_everyone_is_told() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    assert_eq!(hub.set_locked(&room, b.id, true), Err(ErrorCode::NotHost));
    hub.set_locked(&room, a.id, true).unwrap();
    for rx in [&mut rx_a, &mut rx_b] {
        let ServerMessage::Settings { settings } = next(rx) else {
            panic!("expected settings");
        };
        assert!(settings.locked);
    }
    let (tx_c, _rx_c) = member();
    assert_eq!(
        join(&hub, &room, "C", tx_c).unwrap_err(),
        ErrorCode::RoomLocked
    );
    hub.set_locked(&room, a.id, false).unwrap();
    let (tx_c, _rx_c) = member();
    join(&hub, &room, "C", tx_c).unwrap();
}

#[test]
fn a_password_room_admits_only_joins_checked_against_its_current_hash() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    let a = join(&hub, &room, "A", tx_a).unwrap();
    let hash = password::hash("s3cret");
    hub.set_password(&room, a.id, Some(hash.clone())).unwrap();
    assert_eq!(
        hub.admission(&room, None, t0()),
        Admission::Password(hash.clone())
    );
    let (tx, _rx) = member();
    assert_eq!(
        join(&hub, &room, "B", tx).unwrap_err(),
        ErrorCode::PasswordRequired
    );
    let (tx, _rx) = member();
    let stale = hub.join(
        JoinRequest {
            password_checked: Some(password::hash("old")),
            ..request(&room, "B", tx)
        },
        t0(),
    );
    assert_eq!(stale.unwrap_err(), ErrorCode::WrongPassword);
    let (tx, _rx) = member();
    let b = hub
        .join(
            JoinRequest {
                password_checked: Some(hash),
                ..request(&room, "B", tx)
            },
            t0(),
        )
        .unwrap();
    assert!(b.settings.password);
    let resume = Resume {
        id: b.id,
        token: b.resume_token,
    };
    assert_eq!(hub.admission(&room, Some(&resume), t0()), Admission::Open);
}

#[test]
fn only_wrong_guesses_are_paid_for_and_they_slow_the_room_down() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    join(&hub, &room, "A", tx_a).unwrap();
    for _ in 0..100 {
        assert!(hub.may_guess(&room, t0()), "asking is free");
    }
    for _ in 0..room::ROOM_GUESS_BURST {
        assert!(hub.may_guess(&room, t0()));
        hub.wrong_guess(&room, t0());
    }
    assert!(!hub.may_guess(&room, t0()));
    assert!(hub.may_guess(&room, t0() + room::ROOM_GUESS_REFILL));
}

#[test]
fn the_host_removes_a_participant_who_is_told_closed_and_may_not_resume() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    assert_eq!(hub.remove(&room, b.id, a.id, t0()), Err(ErrorCode::NotHost));
    assert_eq!(
        hub.remove(&room, a.id, a.id, t0()),
        Err(ErrorCode::UnknownPeer)
    );
    hub.remove(&room, a.id, b.id, t0()).unwrap();
    assert_eq!(next(&mut rx_b), ServerMessage::error(ErrorCode::Removed));
    assert_eq!(
        rx_b.try_recv().unwrap(),
        Outbound::Close(crate::protocol::CLOSE_POLICY, "removed by the host")
    );
    assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
    let (tx, _rx) = member();
    let again = hub.join(comeback(&room, "B", &b, tx, 0), t0()).unwrap();
    assert!(!again.resumed && again.id != b.id);
}

/// Joins `room` from `source`.
fn join_from(
    hub: &Hub,
    room: &RoomId,
    source: Source,
    tx: OutboxSender,
) -> Result<Joined, ErrorCode> {
    hub.join(
        JoinRequest {
            source,
            ..request(room, "X", tx)
        },
        t0(),
    )
}

#[test]
fn a_removed_participant_cannot_come_back_after_the_room_empties() {
    let hub = hub();
    let room = hub.create_room();
    let (a, _rx_a, b, _rx_b) = two_members(&hub, &room);
    hub.remove(&room, a.id, b.id, t0()).unwrap();
    hub.leave(&room, a.id, t0());
    assert_eq!(hub.room_count(), 0);
    let (tx, _rx) = member();
    let again = hub.join(comeback(&room, "B", &b, tx, 0), t0()).unwrap();
    assert!(!again.resumed, "a fresh identity, not the removed one");
    assert_ne!(again.id, b.id);
}

#[test]
fn a_removal_outlives_a_restart_through_the_kept_revocations() {
    let key = ResumeKey::random();
    let before = Hub::new(HubLimits::default(), key.clone(), t0());
    let room = before.create_room();
    let (a, _rx_a, b, _rx_b) = two_members(&before, &room);
    let removal = before.remove(&room, a.id, b.id, t0()).unwrap();
    assert!(removal.removed);
    let kept = revoked::encode(&before.revocations(t0(), true));

    let after = Hub::new(HubLimits::default(), key, t0());
    after.restore_revocations(revoked::decode(&kept), t0());
    let (tx, _rx) = member();
    let back = after.join(comeback(&room, "A", &a, tx, 0), t0()).unwrap();
    assert!(back.resumed, "the host comes back");
    let (tx, _rx) = member();
    let again = after.join(comeback(&room, "B", &b, tx, 1), t0()).unwrap();
    assert!(
        !again.resumed && again.id != b.id,
        "the removed one does not"
    );
}

#[test]
fn a_member_who_left_cannot_resume_into_a_room_locked_after_it_left() {
    let hub = hub();
    let room = hub.create_room();
    let (a, _rx_a, b, _rx_b) = two_members(&hub, &room);
    hub.leave(&room, b.id, t0());
    hub.set_locked(&room, a.id, true).unwrap();
    let (tx, _rx) = member();
    assert_eq!(
        hub.join(comeback(&room, "B", &b, tx, 0), t0()).unwrap_err(),
        ErrorCode::RoomLocked
    );
}

#[test]
fn a_member_who_timed_out_needs_the_password_set_after_it_left() {
    let hub = hub();
    let room = hub.create_room();
    let (a, _rx_a, b, rx_b) = two_members(&hub, &room);
    drop(rx_b);
    assert!(hub.disconnect(&room, b.id, 0, t0()));
    hub.tick(t0() + hub.limits().resume_grace);
    assert_eq!(hub.member_count(&room), 1, "the grace ran out");
    hub.set_password(&room, a.id, Some(password::hash("pw")))
        .unwrap();
    let resume = Resume {
        id: b.id,
        token: b.resume_token.clone(),
    };
    assert!(matches!(
        hub.admission(&room, Some(&resume), t0()),
        Admission::Password(_)
    ));
    let (tx, _rx) = member();
    assert_eq!(
        hub.join(comeback(&room, "B", &b, tx, 1), t0()).unwrap_err(),
        ErrorCode::PasswordRequired
    );
}

#[test]
fn an_away_member_leaves_at_the_first_tick_after_its_grace() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, mut rx_a, b, rx_b) = two_members(&hub, &room);
    drop(rx_b);
    assert!(hub.disconnect(&room, b.id, 0, t0()));
    let grace = hub.limits().resume_grace;
    hub.tick(t0() + grace - Duration::from_millis(1));
    assert!(rx_a.try_recv().is_err(), "not yet");
    assert_eq!(hub.member_count(&room), 2);
    hub.tick(t0() + grace);
    assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
}

#[test]
fn a_resumed_member_is_not_expired_by_its_old_connections_deadline() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, _rx_a, b, rx_b) = two_members(&hub, &room);
    drop(rx_b);
    assert!(hub.disconnect(&room, b.id, 0, t0()));
    let (tx, _rx_b2) = member();
    hub.join(comeback(&room, "B", &b, tx, 5), t0()).unwrap();
    hub.tick(t0() + hub.limits().resume_grace * 2);
    assert_eq!(hub.member_count(&room), 2);
}

#[test]
fn resume_tokens_expire_and_a_connected_member_is_given_new_ones() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, _rx_a, b, mut rx_b) = two_members(&hub, &room);
    let lifetime = hub.limits().token_lifetime;
    let later = t0() + lifetime;
    let old = Resume {
        id: b.id,
        token: b.resume_token.clone(),
    };
    assert!(hub.is_member(&room, &old, t0()));
    assert!(!hub.is_member(&room, &old, later), "expired");

    assert!(hub.renew_token(&room, b.id, 0, t0() + lifetime / 2));
    let ServerMessage::ResumeToken { resume_token } = next(&mut rx_b) else {
        panic!("expected a new token");
    };
    let new = Resume {
        id: b.id,
        token: resume_token,
    };
    assert!(hub.is_member(&room, &new, later));
    assert!(
        !hub.renew_token(&room, b.id, 99, t0()),
        "only for the connection carrying the member"
    );
}

#[test]
fn an_expired_token_gives_a_fresh_identity() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, _rx_a, b, rx_b) = two_members(&hub, &room);
    drop(rx_b);
    let later = t0() + hub.limits().token_lifetime;
    let (tx, _rx) = member();
    let again = hub.join(comeback(&room, "B", &b, tx, 1), later).unwrap();
    assert!(!again.resumed);
}

#[test]
fn one_client_may_hold_only_so_many_rooms_and_gets_them_back_when_they_empty() {
    let limits = HubLimits {
        max_rooms_per_source: 2,
        ..HubLimits::default()
    };
    let hub = Hub::new(limits, ResumeKey::random(), t0());
    let greedy = Source::of("192.0.2.1".parse().unwrap());
    let other = Source::of("192.0.2.2".parse().unwrap());
    let mut held = Vec::new();
    for _ in 0..2 {
        let room = hub.create_room();
        let (tx, rx) = member();
        let joined = join_from(&hub, &room, greedy, tx).unwrap();
        held.push((room, joined.id, rx));
    }
    let (tx, _rx) = member();
    assert_eq!(
        join_from(&hub, &hub.create_room(), greedy, tx).unwrap_err(),
        ErrorCode::SourceLimit
    );
    let (tx, _rx) = member();
    join_from(&hub, &hub.create_room(), other, tx).unwrap();
    let (tx, _rx) = member();
    join_from(&hub, &held[0].0, other, tx).expect("existing rooms still take anyone");
    let (room, id, _) = &held[1];
    hub.leave(room, *id, t0());
    assert_eq!(hub.rooms_of(greedy), 1);
    let (tx, _rx) = member();
    join_from(&hub, &hub.create_room(), greedy, tx).unwrap();
}

#[test]
fn a_room_held_by_an_away_member_still_counts_until_its_grace_ends() {
    let limits = HubLimits {
        max_rooms_per_source: 1,
        ..HubLimits::default()
    };
    let hub = Hub::new(limits, ResumeKey::random(), t0());
    let source = Source::of("192.0.2.1".parse().unwrap());
    let room = hub.create_room();
    let (tx, rx) = member();
    let joined = join_from(&hub, &room, source, tx).unwrap();
    drop(rx);
    assert!(hub.disconnect(&room, joined.id, 0, t0()));
    let (tx, _rx) = member();
    assert_eq!(
        join_from(&hub, &hub.create_room(), source, tx).unwrap_err(),
        ErrorCode::SourceLimit
    );
    hub.tick(t0() + hub.limits().resume_grace);
    let (tx, _rx) = member();
    join_from(&hub, &hub.create_room(), source, tx).unwrap();
}

#[test]
fn a_host_may_change_the_password_only_so_often() {
    let hub = hub();
    let room = hub.create_room();
    let (a, _rx_a, b, _rx_b) = two_members(&hub, &room);
    assert_eq!(
        hub.may_change_password(&room, b.id, t0()),
        Err(ErrorCode::NotHost)
    );
    for _ in 0..room::PASSWORD_CHANGE_BURST {
        hub.may_change_password(&room, a.id, t0()).unwrap();
    }
    assert_eq!(
        hub.may_change_password(&room, a.id, t0()),
        Err(ErrorCode::TooFast)
    );
    hub.may_change_password(&room, a.id, t0() + room::PASSWORD_CHANGE_REFILL)
        .unwrap();
}

#[test]
fn revocations_are_forgotten_once_their_tokens_have_expired() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, _rx_a, b, _rx_b) = two_members(&hub, &room);
    hub.leave(&room, b.id, t0());
    assert_eq!(hub.revocations(t0(), false).len(), 1);
    assert_eq!(
        hub.revocations(t0(), true).len(),
        0,
        "a leave is no removal"
    );
    hub.tick(t0() + hub.limits().token_lifetime);
    assert!(hub.revocations(t0(), false).is_empty());
}
