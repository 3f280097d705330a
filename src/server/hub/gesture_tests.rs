//! Hands, reactions and asks to unmute, as the hub keeps and relays them.

use super::member::{GESTURE_BURST, GESTURE_REFILL};
use super::tests::{
    comeback, drain, hub, join, member, next, request, restarted_with_a, t0, two_members, welcome,
};
use super::*;
use crate::protocol::Reaction;

fn hand(id: PeerId, hand: Option<u64>) -> ServerMessage {
    ServerMessage::PeerHand { id, hand }
}

#[test]
fn hands_take_places_in_the_order_they_go_up_and_everyone_hears_it_the_raiser_too() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    hub.set_hand(&room, b.id, true).unwrap();
    hub.set_hand(&room, a.id, true).unwrap();
    for rx in [&mut rx_a, &mut rx_b] {
        assert_eq!(next(rx), hand(b.id, Some(1)));
        assert_eq!(next(rx), hand(a.id, Some(2)));
    }
    hub.set_hand(&room, b.id, true).unwrap();
    assert!(
        rx_a.try_recv().is_err(),
        "raising a raised hand keeps its place, quietly"
    );
    hub.set_hand(&room, b.id, false).unwrap();
    assert_eq!(next(&mut rx_a), hand(b.id, None));
    hub.set_hand(&room, b.id, true).unwrap();
    assert_eq!(next(&mut rx_a), hand(b.id, Some(3)), "back of the line");
}

#[test]
fn a_late_joiner_sees_raised_hands_in_its_welcome() {
    let hub = hub();
    let room = hub.create_room();
    let (a, _rx_a, _b, _rx_b) = two_members(&hub, &room);
    hub.set_hand(&room, a.id, true).unwrap();
    let (tx, _rx) = member();
    let c = join(&hub, &room, "C", tx).unwrap();
    let hands: Vec<_> = c.peers.iter().map(|p| (p.name.as_str(), p.hand)).collect();
    assert_eq!(hands, [("A", Some(1)), ("B", None)]);
}

#[test]
fn only_the_host_lowers_someone_elses_hand() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    hub.set_hand(&room, a.id, true).unwrap();
    hub.set_hand(&room, b.id, true).unwrap();
    drain(&mut rx_a);
    drain(&mut rx_b);
    assert_eq!(hub.lower_hand(&room, b.id, a.id), Err(ErrorCode::NotHost));
    assert!(rx_a.try_recv().is_err());
    hub.lower_hand(&room, a.id, b.id).unwrap();
    assert_eq!(next(&mut rx_b), hand(b.id, None), "the one lowered is told");
    assert_eq!(next(&mut rx_a), hand(b.id, None));
    assert_eq!(
        hub.lower_hand(&room, a.id, PeerId(1)),
        Err(ErrorCode::UnknownPeer)
    );
}

#[test]
fn a_raised_hand_stays_up_across_a_dropped_connection_and_the_member_is_reminded() {
    let hub = hub();
    let room = hub.create_room();
    let (tx_a, _rx_a) = member();
    let _a = join(&hub, &room, "A", tx_a).unwrap();
    let (tx_b, rx_b) = member();
    let b = hub
        .join(
            JoinRequest {
                connection: 7,
                ..request(&room, "B", tx_b)
            },
            t0(),
        )
        .unwrap();
    hub.set_hand(&room, b.id, true).unwrap();
    drop(rx_b);
    assert!(hub.disconnect(&room, b.id, 7, t0()));
    let (tx, mut rx) = member();
    // The returning page does not know its hand is up (it reloaded): the room still does.
    hub.join(comeback(&room, "B", &b, tx, 8), t0()).unwrap();
    welcome(&mut rx);
    assert_eq!(
        next(&mut rx),
        hand(b.id, Some(1)),
        "reminded of its own hand"
    );
    let (tx_c, _rx_c) = member();
    let c = join(&hub, &room, "C", tx_c).unwrap();
    assert_eq!(c.peers.iter().find(|p| p.id == b.id).unwrap().hand, Some(1));
}

#[test]
fn after_a_restart_a_member_coming_back_with_its_hand_up_gets_a_place_again() {
    let (after, room, a) = restarted_with_a();
    let (tx, mut rx) = member();
    let request = JoinRequest {
        hand: true,
        ..comeback(&room, "A", &a, tx, 0)
    };
    after.join(request, t0()).unwrap();
    welcome(&mut rx);
    assert_eq!(next(&mut rx), hand(a.id, Some(1)), "told its own hand last");
}

#[test]
fn reactions_reach_everyone_and_a_flood_is_refused_until_the_budget_refills() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    for _ in 0..GESTURE_BURST {
        hub.react(&room, b.id, Reaction::Clap, t0()).unwrap();
    }
    assert_eq!(
        hub.react(&room, b.id, Reaction::Clap, t0()),
        Err(ErrorCode::TooFast)
    );
    let clap = ServerMessage::Reaction {
        from: b.id,
        reaction: Reaction::Clap,
    };
    for rx in [&mut rx_a, &mut rx_b] {
        let got = std::iter::from_fn(|| rx.try_recv().ok()).count();
        assert_eq!(got, GESTURE_BURST as usize);
    }
    assert_eq!(
        hub.react(&room, a.id, Reaction::Heart, t0()),
        Ok(()),
        "each member has a budget of its own"
    );
    drain(&mut rx_a);
    hub.react(&room, b.id, Reaction::Clap, t0() + GESTURE_REFILL)
        .unwrap();
    assert_eq!(next(&mut rx_a), clap);
}

#[test]
fn a_reaction_from_outside_the_room_goes_nowhere() {
    let hub = hub();
    let room = hub.create_room();
    let (_a, mut rx_a, _b, _rx_b) = two_members(&hub, &room);
    assert_eq!(
        hub.react(&room, PeerId(1), Reaction::Heart, t0()),
        Err(ErrorCode::NotInRoom)
    );
    assert!(rx_a.try_recv().is_err());
}

#[test]
fn only_the_host_asks_to_unmute_and_only_the_one_asked_hears_it() {
    let hub = hub();
    let room = hub.create_room();
    let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
    assert_eq!(
        hub.ask_to_unmute(&room, b.id, a.id, t0()),
        Err(ErrorCode::NotHost)
    );
    assert!(rx_a.try_recv().is_err());
    hub.ask_to_unmute(&room, a.id, b.id, t0()).unwrap();
    assert_eq!(next(&mut rx_b), ServerMessage::UnmuteAsked);
    assert!(rx_a.try_recv().is_err(), "nobody else is told");
    assert_eq!(
        hub.ask_to_unmute(&room, a.id, a.id, t0()),
        Err(ErrorCode::UnknownPeer)
    );
    let asked = (0..GESTURE_BURST * 2)
        .filter(|_| hub.ask_to_unmute(&room, a.id, b.id, t0()).is_ok())
        .count();
    assert_eq!(
        asked,
        GESTURE_BURST as usize - 1,
        "asks share the host's budget"
    );
}
