//! The waiting room over real WebSockets: someone waiting gets nothing of the room and can
//! send nothing into it until the host lets them in.

use crate::support::*;
use confab::protocol::{ClientMessage, ErrorCode, MediaState, PeerInfo, ServerMessage};

/// The next message, which must tell the host who waits.
async fn who_waits(host: &mut Socket) -> Vec<PeerInfo> {
    match recv(host).await {
        ServerMessage::Knocking { waiting } => waiting,
        other => panic!("the host should hear who waits, got {other:?}"),
    }
}

#[tokio::test]
async fn a_waiting_participant_gets_nothing_of_the_room_and_can_send_nothing_until_admitted() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut host = connect(&server).await;
    let (host_id, _) = join(&mut host, &room, "Host").await;
    send(&mut host, &ClientMessage::SetWaitingRoom { on: true }).await;
    assert!(
        matches!(recv(&mut host).await, ServerMessage::Settings { settings } if settings.waiting_room)
    );

    let mut bob = connect(&server).await;
    send(&mut bob, &join_message(&room, "Bob")).await;
    assert_eq!(recv(&mut bob).await, ServerMessage::Waiting);
    let waiting = who_waits(&mut host).await;
    let bob_id = waiting[0].id;
    assert_eq!(waiting[0].name, "Bob");

    // Nothing goes in: signals, media, a hand, a reaction.
    send(
        &mut bob,
        &ClientMessage::Signal {
            to: host_id,
            signal: offer("v=0"),
        },
    )
    .await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::NotInRoom)
    );
    send(
        &mut bob,
        &ClientMessage::Media {
            state: MediaState::default(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::NotInRoom)
    );
    send(&mut bob, &ClientMessage::Hand { raised: true }).await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::NotInRoom)
    );
    assert_silent(&mut host).await;
    // Nothing comes out: the room's news does not reach it.
    send(&mut host, &ClientMessage::Hand { raised: true }).await;
    let _ = recv(&mut host).await;
    assert_silent(&mut bob).await;

    send(&mut host, &ClientMessage::Admit { id: bob_id }).await;
    let ServerMessage::Welcome { you, peers, .. } = recv(&mut bob).await else {
        panic!("let in with a welcome")
    };
    assert_eq!(you, bob_id);
    assert_eq!(peers.iter().map(|p| p.id).collect::<Vec<_>>(), [host_id]);
    assert_eq!(
        peers[0].hand,
        Some(1),
        "the room's state comes with the welcome"
    );
    send(
        &mut bob,
        &ClientMessage::Signal {
            to: host_id,
            signal: offer("v=0"),
        },
    )
    .await;
    let mut got = Vec::new();
    while got.len() < 3 {
        got.push(recv(&mut host).await);
    }
    assert!(got.iter().any(
        |m| matches!(m, ServerMessage::PeerJoined { peer: PeerInfo { id, .. } } if *id == bob_id)
    ));
    assert!(
        got.iter()
            .any(|m| matches!(m, ServerMessage::Signal { from, .. } if *from == bob_id)),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_denied_participant_is_told_and_one_who_stops_waiting_leaves_the_list() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut host = connect(&server).await;
    let _ = join(&mut host, &room, "Host").await;
    send(&mut host, &ClientMessage::SetWaitingRoom { on: true }).await;
    let _ = recv(&mut host).await;
    let mut bob = connect(&server).await;
    send(&mut bob, &join_message(&room, "Bob")).await;
    assert_eq!(recv(&mut bob).await, ServerMessage::Waiting);
    let mut cy = connect(&server).await;
    send(&mut cy, &join_message(&room, "Cy")).await;
    assert_eq!(recv(&mut cy).await, ServerMessage::Waiting);
    let _ = recv(&mut host).await;
    let waiting = who_waits(&mut host).await;
    assert_eq!(waiting.len(), 2);
    send(&mut host, &ClientMessage::Deny { id: waiting[0].id }).await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::Denied)
    );
    let waiting = who_waits(&mut host).await;
    assert_eq!(waiting.len(), 1);
    drop(cy);
    let waiting = who_waits(&mut host).await;
    assert!(waiting.is_empty(), "a closed connection stops waiting");
}
