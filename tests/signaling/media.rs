//! Media through the server's forwarding unit, negotiated over signaling: str0m peers stand in
//! for browsers, each with a WebSocket to the server and a UDP socket to the unit.

use super::common::test_state;
use super::support::*;
use super::udp_peer::UdpPeer;
use confab::protocol::{ClientMessage, ErrorCode, MediaRoute, PeerId, RoomId, ServerMessage};
use confab::server::hub::{HubLimits, MediaPolicy};
use confab::server::sfu::SfuLimits;
use confab::server::sfu::shell::SfuHandle;
use futures_util::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// A server whose forwarding unit listens on loopback.
async fn server_with_unit() -> Server {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    let mut state = test_state(HubLimits {
        media: MediaPolicy::Sfu,
        ..limits()
    });
    let unit = SfuHandle::start(socket, address, SfuLimits::default());
    state.metrics.watch_sfu(unit.counters());
    state.sfu = Some(unit);
    serve(state).await
}

/// What a browser saw, shared with the test.
#[derive(Default)]
struct Seen {
    /// Stop reading the signaling connection (a page frozen in the background, say); media
    /// goes on.
    deaf: bool,
    /// Frames received, by the stream id the unit gave the track (the publisher's id).
    frames: HashMap<String, usize>,
    /// Signaling messages other than the unit's offers, in order.
    messages: Vec<ServerMessage>,
}

/// A browser in a call through the unit: publishes audio, answers the unit's offers, and
/// sends what the test asks over its signaling connection.
struct Browser {
    id: PeerId,
    seen: Arc<Mutex<Seen>>,
    say: mpsc::Sender<ClientMessage>,
}

impl Browser {
    async fn join(server: &Server, room: &RoomId, name: &str) -> Browser {
        Self::join_speaking(server, room, name, None).await
    }

    /// Joins, writing this audio level in its packets' headers, if any.
    async fn join_speaking(
        server: &Server,
        room: &RoomId,
        name: &str,
        level: Option<i8>,
    ) -> Browser {
        let mut socket = connect(server).await;
        let (id, _) = join(&mut socket, room, name).await;
        let (mut udp, sdp) = UdpPeer::new().await;
        if let Some(level) = level {
            udp.speak_at(level);
        }
        send(&mut socket, &ClientMessage::MediaOffer { sdp }).await;
        let seen = Arc::new(Mutex::new(Seen::default()));
        let (say, told) = mpsc::channel(8);
        tokio::spawn(drive(udp, socket, told, seen.clone()));
        Browser { id, seen, say }
    }

    fn frames_from(&self, publisher: PeerId) -> usize {
        let seen = self.seen.lock().unwrap();
        seen.frames
            .get(&publisher.to_string())
            .copied()
            .unwrap_or(0)
    }

    fn error(&self) -> Option<ErrorCode> {
        self.seen
            .lock()
            .unwrap()
            .messages
            .iter()
            .find_map(|m| match m {
                ServerMessage::Error { code, .. } => Some(*code),
                _ => None,
            })
    }
}

async fn drive(
    mut udp: UdpPeer,
    mut socket: Socket,
    mut told: mpsc::Receiver<ClientMessage>,
    seen: Arc<Mutex<Seen>>,
) {
    let mut frames = HashMap::new();
    loop {
        let wake = udp.flush(&mut frames).await;
        seen.lock().unwrap().frames.clone_from(&frames);
        tokio::select! {
            message = told.recv() => {
                let Some(message) = message else { return };
                send(&mut socket, &message).await;
            }
            frame = socket.next(), if !seen.lock().unwrap().deaf => {
                let Some(Ok(Message::Text(text))) = frame else { return };
                match serde_json::from_str(&text).unwrap() {
                    ServerMessage::MediaAnswer { sdp } => udp.accept_answer(&sdp),
                    ServerMessage::MediaOffer { sdp } => {
                        let sdp = udp.answer(&sdp);
                        send(&mut socket, &ClientMessage::MediaAnswer { sdp }).await;
                    }
                    other => seen.lock().unwrap().messages.push(other),
                }
            }
            () = udp.receive() => {}
            () = tokio::time::sleep_until(wake.into()) => udp.wake(),
        }
    }
}

#[tokio::test]
async fn members_hear_each_other_through_the_unit_negotiated_over_signaling() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let ada = Browser::join(&server, &room, "Ada").await;
    let bob = Browser::join(&server, &room, "Bob").await;
    let cy = Browser::join(&server, &room, "Cy").await;

    eventually("everyone hears the two others", || {
        [
            (&ada, [&bob, &cy]),
            (&bob, [&ada, &cy]),
            (&cy, [&ada, &bob]),
        ]
        .iter()
        .all(|(listener, speakers)| {
            speakers
                .iter()
                .all(|speaker| listener.frames_from(speaker.id) > 25)
        })
    })
    .await;
    assert_eq!(ada.error(), None);
    assert_eq!(server.state.sfu.as_ref().unwrap().participants().await, 3);
    let metrics = server.state.metrics.render();
    assert!(metrics.contains("confab_sfu_participants 3\n"), "{metrics}");
    assert!(!metrics.contains("confab_sfu_forwarded_frames_total 0\n"));
    assert!(metrics.contains("confab_sfu_forwarded_frames_total "));
}

#[tokio::test]
async fn members_are_told_who_is_speaking_as_the_unit_hears_it() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let ada = Browser::join_speaking(&server, &room, "Ada", Some(-20)).await;
    let bob = Browser::join_speaking(&server, &room, "Bob", Some(-127)).await;

    let ada_speaks = ServerMessage::Speakers {
        speaking: vec![ada.id],
        active: Some(ada.id),
    };
    for member in [&ada, &bob] {
        eventually("Ada is said to speak", || {
            member.seen.lock().unwrap().messages.contains(&ada_speaks)
        })
        .await;
    }
    let seen = bob.seen.lock().unwrap();
    let said = seen
        .messages
        .iter()
        .filter(|m| matches!(m, ServerMessage::Speakers { .. }))
        .count();
    assert_eq!(said, 1, "told once, not with every packet");
}

#[tokio::test]
async fn a_member_removed_by_the_host_loses_media_at_once() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let ada = Browser::join(&server, &room, "Ada").await;
    let bob = Browser::join(&server, &room, "Bob").await;
    eventually("Bob hears Ada", || bob.frames_from(ada.id) > 25).await;
    // Bob's page stops reading signaling, so his connection does not close when the server
    // closes it: only the removal itself can end his media.
    bob.seen.lock().unwrap().deaf = true;

    ada.say
        .send(ClientMessage::Remove { id: bob.id })
        .await
        .unwrap();

    let unit = server.state.sfu.clone().unwrap();
    let mut left = 0;
    for _ in 0..250 {
        left = unit.participants().await;
        if left == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(left, 1, "Bob's media connection is gone");
    let heard = bob.frames_from(ada.id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(bob.frames_from(ada.id), heard, "nothing more reaches Bob");
}

#[tokio::test]
async fn leaving_ends_the_media_connection_and_the_others_stop_receiving_it() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let ada = Browser::join(&server, &room, "Ada").await;
    let bob = Browser::join(&server, &room, "Bob").await;
    eventually("Ada hears Bob", || ada.frames_from(bob.id) > 25).await;

    bob.say.send(ClientMessage::Leave).await.unwrap();

    eventually("Bob's media ended", || {
        // The unit holds Ada alone; Ada's track from Bob has stopped.
        ada.seen
            .lock()
            .unwrap()
            .messages
            .iter()
            .any(|m| matches!(m, ServerMessage::PeerLeft { id } if *id == bob.id))
    })
    .await;
    let unit = server.state.sfu.clone().unwrap();
    assert_eq!(unit.participants().await, 1);
    let heard = ada.frames_from(bob.id);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(ada.frames_from(bob.id), heard);
}

#[tokio::test]
async fn pausing_video_is_refused_without_a_media_connection_or_naming_too_many() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let (_, _) = join(&mut ada, &room, "Ada").await;
    send(&mut ada, &ClientMessage::PauseVideo { peers: vec![] }).await;
    assert_eq!(
        recv(&mut ada).await,
        ServerMessage::error(ErrorCode::Invalid),
        "no media connection yet"
    );

    // Bob's offer went first: the server takes his messages in order.
    let bob = Browser::join(&server, &room, "Bob").await;
    let too_many = (0..101).map(PeerId).collect();
    bob.say
        .send(ClientMessage::PauseVideo { peers: too_many })
        .await
        .unwrap();
    bob.say
        .send(ClientMessage::PauseVideo {
            peers: vec![PeerId(1)],
        })
        .await
        .unwrap();
    eventually("the list naming too many is refused", || {
        bob.error() == Some(ErrorCode::Invalid)
    })
    .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let errors = bob
        .seen
        .lock()
        .unwrap()
        .messages
        .iter()
        .filter(|m| matches!(m, ServerMessage::Error { .. }))
        .count();
    assert_eq!(errors, 1, "the list within bounds is taken");
}

#[tokio::test]
async fn media_offers_are_refused_outside_a_room_without_a_unit_and_when_malformed() {
    let server = server_with_unit().await;
    let mut stranger = connect(&server).await;
    send(
        &mut stranger,
        &ClientMessage::MediaOffer { sdp: "v=0".into() },
    )
    .await;
    assert_eq!(
        recv(&mut stranger).await,
        ServerMessage::error(ErrorCode::NotInRoom)
    );

    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    join(&mut ada, &room, "Ada").await;
    send(
        &mut ada,
        &ClientMessage::MediaOffer {
            sdp: "v=0 not a description".into(),
        },
    )
    .await;
    assert_eq!(
        recv(&mut ada).await,
        ServerMessage::error(ErrorCode::Invalid)
    );
    send(&mut ada, &ClientMessage::MediaAnswer { sdp: "v=0".into() }).await;
    assert_eq!(
        recv(&mut ada).await,
        ServerMessage::error(ErrorCode::Invalid)
    );

    let plain = start_default().await;
    let room = plain.state.hub.create_room();
    let mut bob = connect(&plain).await;
    join(&mut bob, &room, "Bob").await;
    send(&mut bob, &ClientMessage::MediaOffer { sdp: "v=0".into() }).await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::error(ErrorCode::Invalid)
    );
}

#[tokio::test]
async fn chat_is_relayed_in_a_room_through_the_server_to_everyone_else_or_to_one() {
    let server = server_with_unit().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    let mut cy = connect(&server).await;
    let (ada_id, _) = join(&mut ada, &room, "Ada").await;
    let (bob_id, _) = join(&mut bob, &room, "Bob").await;
    join(&mut cy, &room, "Cy").await;
    barrier(&mut ada).await;
    barrier(&mut bob).await;

    let everyone = ClientMessage::Chat {
        to: None,
        text: "  hello all ".into(),
        sent_at: 1_700_000_000_000,
    };
    send(&mut ada, &everyone).await;
    let heard = ServerMessage::Chat {
        from: ada_id,
        text: "hello all".into(),
        private: false,
        sent_at: 1_700_000_000_000,
    };
    assert_eq!(recv(&mut bob).await, heard);
    assert_eq!(recv(&mut cy).await, heard);

    let private = ClientMessage::Chat {
        to: Some(bob_id),
        text: "just you".into(),
        sent_at: 1_700_000_000_001,
    };
    send(&mut ada, &private).await;
    assert_eq!(
        recv(&mut bob).await,
        ServerMessage::Chat {
            from: ada_id,
            text: "just you".into(),
            private: true,
            sent_at: 1_700_000_000_001,
        }
    );
    assert_silent(&mut cy).await;
    assert_silent(&mut ada).await;

    let too_long = ClientMessage::Chat {
        to: None,
        text: "x".repeat(4001),
        sent_at: 0,
    };
    send(&mut ada, &too_long).await;
    assert_eq!(
        recv(&mut ada).await,
        ServerMessage::error(ErrorCode::Invalid)
    );
    assert_silent(&mut bob).await;
}

#[tokio::test]
async fn chat_through_the_server_is_refused_where_browsers_connect_directly() {
    let server = start_default().await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    join(&mut ada, &room, "Ada").await;
    join(&mut bob, &room, "Bob").await;
    barrier(&mut ada).await;

    send(
        &mut ada,
        &ClientMessage::Chat {
            to: None,
            text: "hello".into(),
            sent_at: 0,
        },
    )
    .await;

    assert_eq!(
        recv(&mut ada).await,
        ServerMessage::error(ErrorCode::Invalid)
    );
    assert_silent(&mut bob).await;
}

/// The route in a welcome or a settings message.
fn route_in(message: &ServerMessage) -> Option<MediaRoute> {
    match message {
        ServerMessage::Welcome { settings, .. } | ServerMessage::Settings { settings } => {
            Some(settings.media)
        }
        _ => None,
    }
}

#[tokio::test]
async fn under_the_automatic_policy_a_room_goes_through_the_server_past_mesh_max_and_back() {
    let server = start(
        HubLimits {
            media: MediaPolicy::Auto { mesh_max: 2 },
            ..limits()
        },
        confab::server::signaling::Keepalive::default(),
    )
    .await;
    let room = server.state.hub.create_room();
    let mut ada = connect(&server).await;
    let mut bob = connect(&server).await;
    let mut cy = connect(&server).await;
    send(&mut ada, &join_message(&room, "Ada")).await;
    assert_eq!(route_in(&recv(&mut ada).await), Some(MediaRoute::Mesh));
    send(&mut bob, &join_message(&room, "Bob")).await;
    assert_eq!(route_in(&recv(&mut bob).await), Some(MediaRoute::Mesh));
    assert!(
        barrier(&mut ada)
            .await
            .iter()
            .all(|m| route_in(m).is_none())
    );

    // A third person: past mesh_max, everyone goes through the server.
    send(&mut cy, &join_message(&room, "Cy")).await;
    assert_eq!(route_in(&recv(&mut cy).await), Some(MediaRoute::Sfu));
    for socket in [&mut ada, &mut bob] {
        let told: Vec<_> = barrier(socket).await.iter().filter_map(route_in).collect();
        assert_eq!(told, vec![MediaRoute::Sfu]);
    }

    // Back to two: direct again.
    send(&mut cy, &ClientMessage::Leave).await;
    for socket in [&mut ada, &mut bob] {
        let told: Vec<_> = barrier(socket).await.iter().filter_map(route_in).collect();
        assert_eq!(told, vec![MediaRoute::Mesh]);
    }
}
