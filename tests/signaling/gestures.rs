//! Hands, reactions and asks to unmute over real WebSockets: the server keeps hands for late
//! joiners, relays reactions within a budget, and only the host may lower a hand or ask.

use crate::support::*;
use confab::protocol::{ClientMessage, ErrorCode, PeerId, Reaction, ServerMessage};

fn hand(id: PeerId, hand: Option<u64>) -> ServerMessage {
    ServerMessage::PeerHand { id, hand }
}

#[tokio::test]
async fn a_raised_hand_reaches_the_room_and_a_late_joiner_and_the_host_can_lower_it() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    let (ada_id, _) = join(&mut ada, &room, "Ada").await;
    let (bob_id, _) = join(&mut bob, &room, "Bob").await;
    let _ = recv(&mut ada).await; // Bob joined
    send(&mut bob, &ClientMessage::Hand { raised: true }).await;
    assert_eq!(recv(&mut ada).await, hand(bob_id, Some(1)));
    assert_eq!(recv(&mut bob).await, hand(bob_id, Some(1)));

    let mut cy = connect(&server).await;
    let (_, peers) = join(&mut cy, &room, "Cy").await;
    let bob_seen = peers.iter().find(|p| p.id == bob_id).expect("Bob listed");
    assert_eq!(bob_seen.hand, Some(1));
    let _ = recv(&mut ada).await; // Cy joined
    let _ = recv(&mut bob).await;

    send(&mut bob, &ClientMessage::LowerHand { id: ada_id }).await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::NotHost)
    );
    send(&mut ada, &ClientMessage::LowerHand { id: bob_id }).await;
    for socket in [&mut ada, &mut bob, &mut cy] {
        assert_eq!(recv(socket).await, hand(bob_id, None));
    }
}

#[tokio::test]
async fn a_reaction_flood_is_refused_and_the_room_sees_only_the_allowed_few() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    let (_, _) = join(&mut ada, &room, "Ada").await;
    let (bob_id, _) = join(&mut bob, &room, "Bob").await;
    let _ = recv(&mut ada).await; // Bob joined
    for _ in 0..50 {
        let reaction = ClientMessage::React {
            reaction: Reaction::Clap,
        };
        send(&mut bob, &reaction).await;
    }
    let seen = barrier(&mut ada).await;
    let clap = ServerMessage::Reaction {
        from: bob_id,
        reaction: Reaction::Clap,
    };
    assert!(seen.iter().all(|m| *m == clap), "{seen:?}");
    // The burst, and perhaps one more if the test ran slowly: never the flood.
    assert!(
        (6..=8).contains(&seen.len()),
        "{} reactions got through",
        seen.len()
    );
    let told = barrier(&mut bob).await;
    let refused = told
        .iter()
        .filter(|m| **m == ServerMessage::error(ErrorCode::TooFast))
        .count();
    assert_eq!(refused + seen.len(), 50, "every refusal is said: {told:?}");
}

#[tokio::test]
async fn only_the_one_the_host_asks_to_unmute_hears_it() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    let mut cy = connect(&server).await;
    let (ada_id, _) = join(&mut ada, &room, "Ada").await;
    let (bob_id, _) = join(&mut bob, &room, "Bob").await;
    let _ = join(&mut cy, &room, "Cy").await;
    barrier(&mut ada).await;
    barrier(&mut bob).await;
    send(&mut ada, &ClientMessage::AskToUnmute { id: bob_id }).await;
    assert_eq!(recv(&mut bob).await, ServerMessage::UnmuteAsked);
    assert_silent(&mut cy).await;
    send(&mut cy, &ClientMessage::AskToUnmute { id: ada_id }).await;
    assert_eq!(
        recv(&mut cy).await,
        ServerMessage::error(ErrorCode::NotHost)
    );
    assert_silent(&mut ada).await;
}
