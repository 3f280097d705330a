//! The room hub under random sequences of joins, leaves, media changes, relays and dropped
//! connections over a few rooms, checked after every step against a plain model: who is in which
//! room, and exactly which messages each connection should have received.

use confab::protocol::{ErrorCode, MediaState, PeerId, PeerInfo, RoomId, SdpType, ServerMessage};
use confab::protocol::{Signal, clean_name};
use confab::server::hub::{Hub, HubLimits, Joined, MemberSender, Outbound};
use proptest::prelude::*;
use std::collections::HashMap;
use tokio::sync::mpsc;

// Every hub call goes through these helpers, so a change to the hub's signatures is one edit here.

fn new_hub(max_peers_per_room: usize) -> Hub {
    Hub::new(HubLimits { max_peers_per_room })
}

fn join(
    hub: &Hub,
    room: &RoomId,
    name: &str,
    media: MediaState,
    tx: MemberSender,
) -> Result<Joined, ErrorCode> {
    hub.join(room, name, media, tx)
}

fn leave(hub: &Hub, room: &RoomId, id: PeerId) {
    hub.leave(room, id)
}

fn update_media(hub: &Hub, room: &RoomId, id: PeerId, state: MediaState) {
    hub.update_media(room, id, state)
}

fn relay(
    hub: &Hub,
    room: &RoomId,
    from: PeerId,
    to: PeerId,
    signal: Signal,
) -> Result<(), ErrorCode> {
    hub.relay(room, from, to, signal)
}

fn room_count(hub: &Hub) -> usize {
    hub.room_count()
}

fn member_count(hub: &Hub, room: &RoomId) -> usize {
    hub.member_count(room)
}

/// Rooms the operations pick from.
const ROOMS: usize = 3;
/// Connections the operations pick from; more than one room can hold, so rooms fill up.
const CONNECTIONS: usize = 7;
/// Queue length of a connection: the model drains every queue after each step, and one step
/// sends at most one message to each connection.
const QUEUE: usize = 2;
/// An id the hub never hands out (ids start at 1 and count up).
const UNKNOWN: PeerId = PeerId(u64::MAX);

/// One thing a connection (or the server on its behalf) does to the hub.
#[derive(Clone, Debug)]
enum Op {
    /// Join a room (a connection whose socket is gone comes back as a new one).
    Join {
        conn: usize,
        room: usize,
        name: &'static str,
        media: MediaState,
    },
    /// Leave its room, or repeat a stale leave with its last id.
    Leave { conn: usize },
    /// Announce a new media state (or a stale one with its last id).
    Media { conn: usize, state: MediaState },
    /// Send a signal; `room` overrides the sender's own room, `to` names the target.
    Relay {
        conn: usize,
        room: Option<usize>,
        to: Target,
    },
    /// The socket goes away: its receiver is dropped while the hub still lists the member.
    Disconnect { conn: usize },
}

/// Whom a relay addresses.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// The current or last id of a connection (possibly the sender, possibly another room's).
    Conn(usize),
    /// An id nobody has.
    Unknown,
}

fn media() -> impl Strategy<Value = MediaState> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(audio, video, screen)| MediaState {
        audio,
        video,
        screen,
    })
}

fn op() -> impl Strategy<Value = Op> {
    let conn = 0..CONNECTIONS;
    let name = prop::sample::select(vec!["Ada", " Bob  Byte ", "", "Zoë\u{7}\n", "\t"]);
    prop_oneof![
        3 => (conn.clone(), 0..ROOMS, name, media())
            .prop_map(|(conn, room, name, media)| Op::Join { conn, room, name, media }),
        1 => conn.clone().prop_map(|conn| Op::Leave { conn }),
        1 => (conn.clone(), media()).prop_map(|(conn, state)| Op::Media { conn, state }),
        4 => (
            conn.clone(),
            prop::option::weighted(0.2, 0..ROOMS),
            prop_oneof![5 => conn.clone().prop_map(Target::Conn), 1 => Just(Target::Unknown)],
        )
            .prop_map(|(conn, room, to)| Op::Relay { conn, room, to }),
        1 => conn.prop_map(|conn| Op::Disconnect { conn }),
    ]
}

/// One connection as the model sees it.
struct Conn {
    /// What the hub is handed on join.
    tx: MemberSender,
    /// The socket's end of the queue; `None` once the socket is gone.
    rx: Option<mpsc::Receiver<Outbound>>,
    /// The room and id it is in now.
    member: Option<(usize, PeerId)>,
    /// The room and id it was last given, kept after it leaves.
    last: Option<(usize, PeerId)>,
}

/// Everything the hub should know, kept the plain way.
struct Model {
    rooms: Vec<RoomId>,
    conns: Vec<Conn>,
    /// Members of each room in join order, with their connection.
    members: Vec<Vec<(usize, PeerInfo)>>,
    /// The room of every id ever handed out.
    room_of: HashMap<PeerId, usize>,
    /// What each connection should receive in the current step.
    expected: Vec<Vec<ServerMessage>>,
}

impl Model {
    fn new() -> Self {
        Model {
            rooms: (0..ROOMS as u8)
                .map(|i| RoomId::from_random_bytes([i; 16]))
                .collect(),
            conns: (0..CONNECTIONS).map(|_| connection()).collect(),
            members: vec![Vec::new(); ROOMS],
            room_of: HashMap::new(),
            expected: vec![Vec::new(); CONNECTIONS],
        }
    }

    /// Expects `message` at every connected member of `room` except `except`.
    fn tell_room(&mut self, room: usize, except: PeerId, message: ServerMessage) {
        for (conn, info) in &self.members[room] {
            if info.id != except && self.conns[*conn].rx.is_some() {
                self.expected[*conn].push(message.clone());
            }
        }
    }

    /// The current member id of a connection, or its last one, or an id nobody has.
    fn id_of(&self, conn: usize) -> PeerId {
        self.conns[conn].last.map_or(UNKNOWN, |(_, id)| id)
    }

    fn apply(&mut self, hub: &Hub, op: &Op, max_peers: usize) {
        match *op {
            Op::Join {
                conn,
                room,
                name,
                media,
            } => {
                // The server refuses a second join before it reaches the hub.
                if self.conns[conn].member.is_some() {
                    return;
                }
                if self.conns[conn].rx.is_none() {
                    self.conns[conn] = connection();
                }
                let tx = self.conns[conn].tx.clone();
                let result = join(hub, &self.rooms[room], name, media, tx);
                if self.members[room].len() >= max_peers {
                    assert_eq!(
                        result.err(),
                        Some(ErrorCode::RoomFull),
                        "join of a full room"
                    );
                    return;
                }
                let joined = result.expect("join of a room with space");
                let already: Vec<PeerInfo> =
                    self.members[room].iter().map(|(_, i)| i.clone()).collect();
                assert_eq!(joined.peers, already, "the joiner is told who is there");
                assert!(
                    self.room_of.insert(joined.id, room).is_none(),
                    "{} handed out twice",
                    joined.id
                );
                let info = PeerInfo {
                    id: joined.id,
                    name: clean_name(name),
                    media,
                };
                self.tell_room(
                    room,
                    joined.id,
                    ServerMessage::PeerJoined { peer: info.clone() },
                );
                self.members[room].push((conn, info));
                self.conns[conn].member = Some((room, joined.id));
                self.conns[conn].last = Some((room, joined.id));
            }
            Op::Leave { conn } => {
                let Some((room, id)) = self.conns[conn].last else {
                    return;
                };
                leave(hub, &self.rooms[room], id);
                if self.conns[conn].member.take().is_some() {
                    self.members[room].retain(|(_, info)| info.id != id);
                    self.tell_room(room, id, ServerMessage::PeerLeft { id });
                }
            }
            Op::Media { conn, state } => {
                let Some((room, id)) = self.conns[conn].last else {
                    return;
                };
                if self.conns[conn].rx.is_none() {
                    return; // a closed socket sends nothing
                }
                update_media(hub, &self.rooms[room], id, state);
                if self.conns[conn].member.is_some() {
                    for (_, info) in &mut self.members[room] {
                        if info.id == id {
                            info.media = state;
                        }
                    }
                    self.tell_room(room, id, ServerMessage::PeerMedia { id, state });
                }
            }
            Op::Relay { conn, room, to } => {
                if self.conns[conn].rx.is_none() {
                    return; // a closed socket sends nothing
                }
                let from = self.id_of(conn);
                let own = self.conns[conn].member.map(|(room, _)| room);
                let Some(room) = room.or(own).or(self.conns[conn].last.map(|(r, _)| r)) else {
                    return;
                };
                let to = match to {
                    Target::Conn(other) => self.id_of(other),
                    Target::Unknown => UNKNOWN,
                };
                let signal = Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: format!("v=0 from {from} to {to}"),
                };
                let result = relay(hub, &self.rooms[room], from, to, signal.clone());
                let in_room = |id| self.members[room].iter().find(|(_, i)| i.id == id);
                let expected = match (in_room(from), in_room(to)) {
                    (None, _) => Err(ErrorCode::NotInRoom),
                    (Some(_), None) => Err(ErrorCode::UnknownPeer),
                    (Some(_), Some(_)) if from == to => Err(ErrorCode::UnknownPeer),
                    (Some(_), Some((target, _))) if self.conns[*target].rx.is_none() => {
                        Err(ErrorCode::UnknownPeer)
                    }
                    (Some(_), Some((target, _))) => {
                        self.expected[*target].push(ServerMessage::Signal { from, signal });
                        Ok(())
                    }
                };
                assert_eq!(result, expected, "relay from {from} to {to} in room {room}");
            }
            Op::Disconnect { conn } => self.conns[conn].rx = None,
        }
    }

    /// Drains every queue and checks it against the model; then the counts.
    fn check(&mut self, hub: &Hub) {
        for conn in 0..CONNECTIONS {
            let expected = std::mem::take(&mut self.expected[conn]);
            let Some(rx) = &mut self.conns[conn].rx else {
                continue;
            };
            let mut got = Vec::new();
            while let Ok(frame) = rx.try_recv() {
                got.push(serde_json::from_str::<ServerMessage>(frame.as_str()).unwrap());
            }
            // Stated on its own: nobody hears of a peer of another room.
            let own = self.conns[conn].member.map(|(room, _)| room);
            for message in &got {
                let about = match message {
                    ServerMessage::PeerJoined { peer } => peer.id,
                    ServerMessage::PeerLeft { id } | ServerMessage::PeerMedia { id, .. } => *id,
                    ServerMessage::Signal { from, .. } => *from,
                    other => panic!("the hub sent {other:?}"),
                };
                assert_eq!(
                    self.room_of.get(&about).copied(),
                    own,
                    "connection {conn} got {message:?} about another room"
                );
            }
            assert_eq!(got, expected, "what connection {conn} received");
        }
        let occupied = self.members.iter().filter(|m| !m.is_empty()).count();
        assert_eq!(room_count(hub), occupied, "rooms with members");
        for (room, members) in self.rooms.iter().zip(&self.members) {
            assert_eq!(member_count(hub, room), members.len(), "members of {room}");
        }
    }
}

fn connection() -> Conn {
    let (tx, rx) = mpsc::channel(QUEUE);
    Conn {
        tx,
        rx: Some(rx),
        member: None,
        last: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn hub_delivers_only_within_rooms_and_keeps_exact_membership(
        max_peers in 1..=3usize,
        ops in prop::collection::vec(op(), 1..60),
    ) {
        let hub = new_hub(max_peers);
        let mut model = Model::new();
        for op in &ops {
            model.apply(&hub, op, max_peers);
            model.check(&hub);
        }
    }
}
