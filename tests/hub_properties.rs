//! The room hub under random sequences of joins, leaves, media changes, raised and lowered hands,
//! relays, dropped connections, resumes and expiries over a few rooms, checked after every step against a plain
//! model: who is in which room, who hosts it, and exactly which messages each connection should
//! have received (messages for a member whose connection dropped wait for it to resume).

#![cfg(feature = "ssr")]

use confab::protocol::{ErrorCode, MediaState, PeerId, PeerInfo, RoomId, SdpType, ServerMessage};
use confab::protocol::{Resume, RoomSettings, Signal, clean_name};
use confab::server::hub::{ConnectionId, Hub, HubLimits, JoinRequest, Joined};
use confab::server::outbox::{Outbound, Outbox, OutboxSender, outbox};
use confab::server::resume::ResumeKey;
use confab::server::source::Source;
use proptest::prelude::*;
use std::collections::HashMap;
use std::time::Instant;

// Every hub call goes through these helpers, so a change to the hub's signatures is one edit here.

/// The moment every operation happens at: the model has no time (grace ends are operations).
fn now() -> Instant {
    static NOW: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    *NOW.get_or_init(Instant::now)
}

fn new_hub(max_peers_per_room: usize) -> Hub {
    Hub::new(
        HubLimits {
            max_peers_per_room,
            ..HubLimits::default()
        },
        ResumeKey::random(),
        now(),
    )
}

fn join(
    hub: &Hub,
    room: &RoomId,
    name: &str,
    media: MediaState,
    resume: Option<Resume>,
    tx: OutboxSender,
    connection: ConnectionId,
) -> Result<Joined, ErrorCode> {
    hub.join(
        JoinRequest {
            room: room.clone(),
            name: name.into(),
            media,
            hand: false,
            resume,
            password_checked: None,
            tx,
            connection,
            source: Source::UNKNOWN,
            ice: None,
        },
        now(),
    )
}

fn disconnect(hub: &Hub, room: &RoomId, id: PeerId, connection: ConnectionId) -> bool {
    hub.disconnect(room, id, connection, now())
}

fn expire(hub: &Hub, room: &RoomId, id: PeerId, connection: ConnectionId) {
    hub.expire(room, id, connection, now())
}

fn leave(hub: &Hub, room: &RoomId, id: PeerId) {
    hub.leave(room, id, now())
}

fn update_media(hub: &Hub, room: &RoomId, id: PeerId, state: MediaState) {
    hub.update_media(room, id, state)
}

fn set_hand(hub: &Hub, room: &RoomId, id: PeerId, raised: bool) -> Result<(), ErrorCode> {
    hub.set_hand(room, id, raised)
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
/// An id the hub never hands out (ids count up from the time in microseconds).
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
    /// Raise or lower its hand (or try, with its last id).
    Hand { conn: usize, raised: bool },
    /// Send a signal; `room` overrides the sender's own room, `to` names the target.
    Relay {
        conn: usize,
        room: Option<usize>,
        to: Target,
    },
    /// The socket goes away: its receiver is dropped and the member is marked away.
    Disconnect { conn: usize },
    /// The grace period of an away member ends.
    Expire { conn: usize },
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
        1 => (conn.clone(), any::<bool>()).prop_map(|(conn, raised)| Op::Hand { conn, raised }),
        4 => (
            conn.clone(),
            prop::option::weighted(0.2, 0..ROOMS),
            prop_oneof![5 => conn.clone().prop_map(Target::Conn), 1 => Just(Target::Unknown)],
        )
            .prop_map(|(conn, room, to)| Op::Relay { conn, room, to }),
        1 => conn.clone().prop_map(|conn| Op::Disconnect { conn }),
        1 => conn.prop_map(|conn| Op::Expire { conn }),
    ]
}

/// One connection as the model sees it.
struct Conn {
    /// What the hub is handed on join.
    tx: OutboxSender,
    /// The socket's end of the queue; `None` once the socket is gone.
    rx: Option<Outbox>,
    /// The room and id it is in now.
    member: Option<(usize, PeerId)>,
    /// The room and id it was last given, kept after it leaves.
    last: Option<(usize, PeerId)>,
    /// Its current connection id (a reconnected socket is a new connection).
    connection: ConnectionId,
    /// The resume token of its last join.
    token: String,
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
    /// What waits for each away member.
    held: Vec<Vec<ServerMessage>>,
    /// The place the next raised hand takes, per room (a room made again starts over).
    next_hand: Vec<u64>,
    /// Source of connection ids.
    next_connection: ConnectionId,
}

impl Model {
    fn new() -> Self {
        Model {
            rooms: (0..ROOMS as u8)
                .map(|i| RoomId::from_random_bytes([i; 16]))
                .collect(),
            conns: (0..CONNECTIONS as u64)
                .map(|i| connection(1_000 + i))
                .collect(),
            members: vec![Vec::new(); ROOMS],
            room_of: HashMap::new(),
            expected: vec![Vec::new(); CONNECTIONS],
            held: vec![Vec::new(); CONNECTIONS],
            next_hand: vec![1; ROOMS],
            next_connection: 1,
        }
    }

    /// A fresh socket for `conn`.
    fn reconnect(&mut self, conn: usize) {
        let (tx, rx) = outbox();
        self.conns[conn].tx = tx;
        self.conns[conn].rx = Some(rx);
        self.conns[conn].connection = self.next_connection;
        self.next_connection += 1;
    }

    /// Expects `message` at every member of `room` except `except` (held for away ones).
    fn tell_room(&mut self, room: usize, except: PeerId, message: ServerMessage) {
        for (conn, info) in &self.members[room] {
            if info.id == except {
                continue;
            }
            if self.conns[*conn].rx.is_some() {
                self.expected[*conn].push(message.clone());
            } else {
                self.held[*conn].push(message.clone());
            }
        }
    }

    /// The room's settings: the member with the lowest id hosts.
    fn settings(&self, room: usize) -> RoomSettings {
        RoomSettings {
            host: self.members[room].iter().map(|(_, i)| i.id).min(),
            locked: false,
            password: false,
            waiting_room: false,
            media: Default::default(),
        }
    }

    /// Removes a member and tells the room, and who hosts now if that changed.
    fn depart(&mut self, room: usize, id: PeerId) {
        let host_before = self.settings(room).host;
        self.members[room].retain(|(_, info)| info.id != id);
        if self.members[room].is_empty() {
            self.next_hand[room] = 1;
        }
        self.tell_room(room, id, ServerMessage::PeerLeft { id });
        let settings = self.settings(room);
        if settings.host.is_some() && settings.host != host_before {
            self.tell_room(room, id, ServerMessage::Settings { settings });
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
                if let Some((room, id)) = self.conns[conn].member {
                    // The server refuses a second join on a live connection; an away member
                    // comes back on a new one with its token.
                    if self.conns[conn].rx.is_none() {
                        self.resume(hub, conn, room, id, name, media);
                    }
                    return;
                }
                if self.conns[conn].rx.is_none() {
                    self.reconnect(conn);
                }
                let tx = self.conns[conn].tx.clone();
                let connection = self.conns[conn].connection;
                let result = join(hub, &self.rooms[room], name, media, None, tx, connection);
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
                    hand: None,
                };
                self.tell_room(
                    room,
                    joined.id,
                    ServerMessage::PeerJoined { peer: info.clone() },
                );
                self.members[room].push((conn, info));
                let settings = self.settings(room);
                self.expected[conn].push(ServerMessage::Welcome {
                    you: joined.id,
                    peers: already,
                    resume_token: String::new(),
                    settings,
                    resumed: false,
                    ice: None,
                });
                self.conns[conn].member = Some((room, joined.id));
                self.conns[conn].last = Some((room, joined.id));
                self.conns[conn].token = joined.resume_token;
            }
            Op::Leave { conn } => {
                let Some((room, id)) = self.conns[conn].last else {
                    return;
                };
                if self.conns[conn].rx.is_none() {
                    return; // a closed socket sends nothing
                }
                leave(hub, &self.rooms[room], id);
                if self.conns[conn].member.take().is_some() {
                    self.depart(room, id);
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
            Op::Hand { conn, raised } => {
                let Some((room, id)) = self.conns[conn].last else {
                    return;
                };
                if self.conns[conn].rx.is_none() {
                    return; // a closed socket sends nothing
                }
                let result = set_hand(hub, &self.rooms[room], id, raised);
                if self.conns[conn].member.is_none() {
                    assert_eq!(result, Err(ErrorCode::NotInRoom), "a hand from outside");
                    return;
                }
                assert_eq!(result, Ok(()));
                let next = self.next_hand[room];
                let info = &mut self.members[room]
                    .iter_mut()
                    .find(|(_, i)| i.id == id)
                    .expect("a member is in its room")
                    .1;
                let hand = match (raised, info.hand) {
                    (true, Some(_)) | (false, None) => return,
                    (true, None) => Some(next),
                    (false, Some(_)) => None,
                };
                info.hand = hand;
                if hand.is_some() {
                    self.next_hand[room] += 1;
                }
                self.tell_room(room, UNKNOWN, ServerMessage::PeerHand { id, hand });
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
                        self.held[*target].push(ServerMessage::Signal { from, signal });
                        Ok(())
                    }
                    (Some(_), Some((target, _))) => {
                        self.expected[*target].push(ServerMessage::Signal { from, signal });
                        Ok(())
                    }
                };
                assert_eq!(result, expected, "relay from {from} to {to} in room {room}");
            }
            Op::Disconnect { conn } => {
                if self.conns[conn].rx.take().is_none() {
                    return;
                }
                let connection = self.conns[conn].connection;
                if let Some((room, id)) = self.conns[conn].member {
                    assert!(disconnect(hub, &self.rooms[room], id, connection));
                }
            }
            Op::Expire { conn } => {
                let Some((room, id)) = self.conns[conn].last else {
                    return;
                };
                let connection = self.conns[conn].connection;
                expire(hub, &self.rooms[room], id, connection);
                if self.conns[conn].rx.is_none() && self.conns[conn].member.take().is_some() {
                    self.held[conn].clear();
                    self.depart(room, id);
                }
            }
        }
    }

    /// An away member comes back with its token: same id, nobody told, and what was held for it
    /// arrives after the welcome.
    fn resume(
        &mut self,
        hub: &Hub,
        conn: usize,
        room: usize,
        id: PeerId,
        name: &str,
        media: MediaState,
    ) {
        self.reconnect(conn);
        let resume = Resume {
            id,
            token: self.conns[conn].token.clone(),
        };
        let (tx, connection) = (self.conns[conn].tx.clone(), self.conns[conn].connection);
        let joined = join(
            hub,
            &self.rooms[room],
            name,
            media,
            Some(resume),
            tx,
            connection,
        )
        .expect("an away member may always resume");
        assert_eq!((joined.id, joined.resumed), (id, true));
        let mut changed = false;
        for (_, info) in &mut self.members[room] {
            if info.id == id {
                changed = info.media != media;
                info.name = clean_name(name);
                info.media = media;
            }
        }
        let others: Vec<PeerInfo> = self.members[room]
            .iter()
            .filter(|(_, i)| i.id != id)
            .map(|(_, i)| i.clone())
            .collect();
        assert_eq!(joined.peers, others);
        let settings = self.settings(room);
        self.expected[conn].push(ServerMessage::Welcome {
            you: id,
            peers: others,
            resume_token: String::new(),
            settings,
            resumed: true,
            ice: None,
        });
        let held = std::mem::take(&mut self.held[conn]);
        self.expected[conn].extend(held);
        let own_hand = self.members[room]
            .iter()
            .find(|(_, i)| i.id == id)
            .and_then(|(_, i)| i.hand);
        if let Some(hand) = own_hand {
            self.expected[conn].push(ServerMessage::PeerHand {
                id,
                hand: Some(hand),
            });
        }
        if changed {
            self.tell_room(room, id, ServerMessage::PeerMedia { id, state: media });
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
                let Outbound::Frame(frame) = frame else {
                    panic!("connection {conn} was closed by the hub: {frame:?}");
                };
                let mut message = serde_json::from_str::<ServerMessage>(frame.as_str()).unwrap();
                // Tokens are the hub's secret; the model checks them by resuming with them.
                if let ServerMessage::Welcome { resume_token, .. } = &mut message {
                    resume_token.clear();
                }
                got.push(message);
            }
            // Stated on its own: nobody hears of a peer of another room.
            let own = self.conns[conn].member.map(|(room, _)| room);
            for message in &got {
                let about = match message {
                    ServerMessage::PeerJoined { peer } => peer.id,
                    ServerMessage::PeerLeft { id }
                    | ServerMessage::PeerMedia { id, .. }
                    | ServerMessage::PeerHand { id, .. } => *id,
                    ServerMessage::Signal { from, .. } => *from,
                    ServerMessage::Welcome { you, .. } => *you,
                    ServerMessage::Settings { settings } => settings.host.expect("a host"),
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

fn connection(id: ConnectionId) -> Conn {
    let (tx, rx) = outbox();
    Conn {
        tx,
        rx: Some(rx),
        member: None,
        last: None,
        connection: id,
        token: String::new(),
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
