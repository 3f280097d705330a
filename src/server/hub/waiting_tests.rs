//! The waiting room, as the hub keeps it.

use super::tests::{drain, hub, join, member, next, t0, two_members, welcome};
use super::*;
use crate::protocol::PeerInfo;

/// A room admitting people manually, hosted by A (welcome taken); returns the room and A's
/// joining answer and queue.
fn waiting_room(hub: &Hub) -> (RoomId, Joined, crate::server::outbox::Outbox) {
    let room = hub.create_room();
    let (tx, mut rx) = member();
    let host = join(hub, &room, "Host", tx).unwrap();
    welcome(&mut rx);
    hub.set_waiting_room(&room, host.id, true, t0()).unwrap();
    let ServerMessage::Settings { settings } = next(&mut rx) else {
        panic!("settings expected")
    };
    assert!(settings.waiting_room);
    (room, host, rx)
}

fn names(message: ServerMessage) -> Vec<String> {
    match message {
        ServerMessage::Knocking { waiting } => waiting.into_iter().map(|p| p.name).collect(),
        other => panic!("expected who waits, got {other:?}"),
    }
}

#[test]
fn a_newcomer_waits_knowing_nothing_of_the_room_and_the_host_hears_who_knocks() {
    let hub = hub();
    let (room, host, mut rx_host) = waiting_room(&hub);
    let (tx, mut rx) = member();
    let newcomer = join(&hub, &room, "Bob", tx).unwrap();
    assert!(newcomer.waiting);
    assert!(newcomer.peers.is_empty() && newcomer.resume_token.is_empty());
    assert_eq!(next(&mut rx), ServerMessage::Waiting);
    assert!(rx.try_recv().is_err(), "nothing more");
    assert_eq!(names(next(&mut rx_host)), ["Bob"]);
    assert_eq!(hub.member_count(&room), 1);
    // The room goes on without it hearing anything.
    hub.set_hand(&room, host.id, true).unwrap();
    assert!(rx.try_recv().is_err());
    assert!(!hub.is_admitted(&room, newcomer.id, 0));
    assert!(hub.is_waiting(&room, newcomer.id, 0));
}

#[test]
fn the_host_admits_one_who_is_welcomed_and_the_room_told() {
    let hub = hub();
    let (room, host, mut rx_host) = waiting_room(&hub);
    let (tx, mut rx) = member();
    let bob = join(&hub, &room, "Bob", tx).unwrap();
    drain(&mut rx);
    drain(&mut rx_host);
    hub.admit(&room, host.id, bob.id, t0()).unwrap();
    let ServerMessage::Welcome { you, peers, .. } = next(&mut rx) else {
        panic!("welcome expected")
    };
    assert_eq!((you, peers.len()), (bob.id, 1));
    assert!(
        matches!(next(&mut rx_host), ServerMessage::PeerJoined { peer: PeerInfo { id, .. } } if id == bob.id)
    );
    assert!(names(next(&mut rx_host)).is_empty(), "nobody waits now");
    assert!(hub.is_admitted(&room, bob.id, 0));
    assert_eq!(
        hub.admit(&room, host.id, bob.id, t0()),
        Err(ErrorCode::UnknownPeer)
    );
}

#[test]
fn only_the_host_admits_or_denies_and_a_denied_newcomer_is_told() {
    let hub = hub();
    let (room, host, mut rx_host) = waiting_room(&hub);
    let (tx, _rx) = member();
    let _ = join(&hub, &room, "Bob", tx).unwrap();
    let (tx, mut rx_cy) = member();
    let cy = join(&hub, &room, "Cy", tx).unwrap();
    drain(&mut rx_host);
    drain(&mut rx_cy);
    // Bob is let in by the host first, so that a member who is not host can try.
    let bob = hub.lock(&room).get(&room).unwrap().waiting[0]
        .arrival
        .info
        .id;
    hub.admit(&room, host.id, bob, t0()).unwrap();
    drain(&mut rx_host);
    assert_eq!(hub.admit(&room, bob, cy.id, t0()), Err(ErrorCode::NotHost));
    assert_eq!(hub.deny(&room, bob, cy.id), Err(ErrorCode::NotHost));
    hub.deny(&room, host.id, cy.id).unwrap();
    assert_eq!(next(&mut rx_cy), ServerMessage::error(ErrorCode::Denied));
    assert!(names(next(&mut rx_host)).is_empty());
    assert!(!hub.is_waiting(&room, cy.id, 0));
}

#[test]
fn admit_all_lets_in_as_many_as_fit_in_order_and_the_rest_keep_waiting() {
    let hub = Hub::new(
        HubLimits {
            max_peers_per_room: 3,
            ..HubLimits::default()
        },
        crate::server::resume::ResumeKey::random(),
        t0(),
    );
    let (room, host, mut rx_host) = waiting_room(&hub);
    for name in ["Bob", "Cy", "Dee"] {
        let (tx, rx) = member();
        join(&hub, &room, name, tx).unwrap();
        std::mem::forget(rx);
    }
    drain(&mut rx_host);
    hub.admit_all(&room, host.id, t0()).unwrap();
    assert_eq!(hub.member_count(&room), 3);
    let last = std::iter::from_fn(|| match rx_host.try_recv() {
        Ok(crate::server::outbox::Outbound::Frame(f)) => {
            Some(serde_json::from_str(f.as_str()).unwrap())
        }
        _ => None,
    })
    .last()
    .unwrap();
    assert_eq!(names(last), ["Dee"], "the room is full: Dee still waits");
}

#[test]
fn a_waiter_that_goes_is_off_the_list_and_turning_the_waiting_room_off_lets_everyone_in() {
    let hub = hub();
    let (room, host, mut rx_host) = waiting_room(&hub);
    let (tx, _rx_bob) = member();
    let bob = join(&hub, &room, "Bob", tx).unwrap();
    let (tx, mut rx_cy) = member();
    let _cy = join(&hub, &room, "Cy", tx).unwrap();
    drain(&mut rx_host);
    hub.stop_waiting(&room, bob.id, 1);
    assert!(
        rx_host.try_recv().is_err(),
        "another connection's waiter is not touched"
    );
    hub.stop_waiting(&room, bob.id, 0);
    assert_eq!(names(next(&mut rx_host)), ["Cy"]);
    drain(&mut rx_cy);
    hub.set_waiting_room(&room, host.id, false, t0()).unwrap();
    assert!(matches!(next(&mut rx_cy), ServerMessage::Welcome { .. }));
    assert_eq!(hub.member_count(&room), 2);
}

#[test]
fn when_the_host_leaves_the_next_host_hears_who_waits_and_an_emptied_room_lets_the_first_in() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    hub.set_waiting_room(&room, a.id, true, t0()).unwrap();
    let (tx, mut rx_cy) = member();
    let cy = join(&hub, &room, "Cy", tx).unwrap();
    drain(&mut rx_a);
    drain(&mut rx_b);
    drain(&mut rx_cy);
    hub.leave(&room, a.id, t0());
    let told: Vec<ServerMessage> = std::iter::from_fn(|| rx_b.try_recv().ok())
        .map(|o| match o {
            crate::server::outbox::Outbound::Frame(f) => serde_json::from_str(f.as_str()).unwrap(),
            close => panic!("{close:?}"),
        })
        .collect();
    assert!(
        told.iter()
            .any(|m| matches!(m, ServerMessage::Knocking { waiting } if waiting.len() == 1)),
        "{told:?}"
    );
    hub.leave(&room, b.id, t0());
    assert!(
        matches!(next(&mut rx_cy), ServerMessage::Welcome { you, .. } if you == cy.id),
        "the first waiting comes in and hosts"
    );
    assert_eq!(hub.member_count(&room), 1);
}
