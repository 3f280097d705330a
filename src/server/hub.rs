//! The room hub: which peers are in which room, who hosts it, and delivery between them.
//!
//! The hub knows nothing of sockets. Each member hands it the sending half of its connection's
//! [`super::outbox`]; the connection task drains the other half into its WebSocket. Messages are
//! serialised once and shared between recipients.
//!
//! A member whose connection drops is kept, *away*, for a grace period: messages for it wait
//! (bounded), and the others are not told it left. If it comes back with its resume token in time
//! it simply carries on; otherwise it is removed and the room told. A member whose outbox
//! overflows (it stopped reading) is away from then on in the same way, and its connection is
//! told to close: nothing sent to it is dropped while it can still come back for it.

use super::outbox::{OUTBOX_BYTES, OUTBOX_MESSAGES, Outbound, OutboxSender, Refused};
use super::password::{self, Guesses, StoredPassword};
use super::resume::ResumeKey;
use crate::protocol::{
    ErrorCode, MediaState, PeerId, PeerInfo, Resume, RoomId, RoomSettings, ServerMessage, Signal,
    clean_name,
};
use axum::extract::ws::Utf8Bytes;
use std::collections::{HashMap, HashSet, VecDeque};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Messages that wait for an away member at most: half an outbox, so that the new connection's
/// outbox takes the welcome and all of them when the member comes back.
const HELD_MESSAGES: usize = OUTBOX_MESSAGES / 2;

/// Bytes of the messages that wait for an away member at most (half an outbox, as above).
const HELD_BYTES: usize = OUTBOX_BYTES / 2;

/// Identifies one signaling connection, so that a connection replaced by a resumed one cannot
/// remove the member it used to carry.
pub type ConnectionId = u64;

/// Limits the hub enforces.
#[derive(Clone, Debug)]
pub struct HubLimits {
    /// Most peers in one room (a full mesh costs every peer one upload per other peer).
    pub max_peers_per_room: usize,
    /// Most rooms with anyone in them.
    pub max_rooms: usize,
    /// How long a member whose connection dropped is kept for it to resume.
    pub resume_grace: Duration,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_peers_per_room: 6,
            max_rooms: 10_000,
            resume_grace: Duration::from_secs(20),
        }
    }
}

/// Independently locked parts of the hub's room map.
const SHARDS: usize = 16;

/// All rooms of this server.
#[derive(Debug)]
pub struct Hub {
    /// Rooms by id, spread over [`SHARDS`] maps by a hash of the id, each with its own lock
    /// (never held across an await): peers of different rooms rarely wait for each other, and
    /// everything about one room still happens under one lock.
    rooms: Box<[Mutex<HashMap<RoomId, Room>>]>,
    /// Picks a room's shard.
    shard_hasher: RandomState,
    /// Rooms that exist, for the room limit across shards.
    room_count: AtomicUsize,
    /// Source of peer ids. It starts at the time in microseconds, so ids of a restarted server
    /// are all newer than those it gave before (the host is the member with the lowest id).
    next_peer: AtomicU64,
    /// Source of connection ids.
    next_connection: AtomicU64,
    /// Limits applied to joins.
    limits: HubLimits,
    /// Signs resume tokens.
    key: ResumeKey,
}

/// One room and its members.
#[derive(Debug)]
struct Room {
    /// Members by id, that is in order of first arrival; the first is the host.
    members: Vec<Member>,
    /// Nobody new may join.
    locked: bool,
    /// Joining needs this password.
    password: Option<StoredPassword>,
    /// Limits wrong password guesses.
    guesses: Guesses,
    /// Members the host removed: they may not resume.
    removed: HashSet<PeerId>,
}

/// One peer in a room.
#[derive(Debug)]
struct Member {
    /// Id and display name.
    info: PeerInfo,
    /// Queue into the member's connection; `None` while it is away.
    tx: Option<OutboxSender>,
    /// The connection currently carrying this member.
    connection: ConnectionId,
    /// Messages held while the member is away.
    held: VecDeque<Outbound>,
    /// Bytes of the messages held.
    held_bytes: usize,
}

/// A request to join a room.
#[derive(Debug)]
pub struct JoinRequest {
    /// The room.
    pub room: RoomId,
    /// Display name, as typed.
    pub name: String,
    /// What the joiner sends.
    pub media: MediaState,
    /// Come back as an earlier member.
    pub resume: Option<Resume>,
    /// The room password hash the joiner's password was checked against, if it gave one.
    pub password_checked: Option<StoredPassword>,
    /// The joiner's queue.
    pub tx: OutboxSender,
    /// The joiner's connection.
    pub connection: ConnectionId,
}

/// What a successful join returns to the joining connection.
#[derive(Debug)]
pub struct Joined {
    /// The id of the member.
    pub id: PeerId,
    /// The other members of the room.
    pub peers: Vec<PeerInfo>,
    /// The member came back under its earlier id.
    pub resumed: bool,
    /// Its resume token.
    pub resume_token: String,
    /// The room's settings.
    pub settings: RoomSettings,
}

/// What a join needs before [`Hub::join`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Nothing: the room is open, or the joiner proves it was already a member.
    Open,
    /// The joiner must give the password matching this hash.
    Password(StoredPassword),
}

/// Serialises a server message once.
pub fn encode(message: &ServerMessage) -> Outbound {
    // ServerMessage holds only strings, numbers and enums: serialising it cannot fail.
    Outbound::Frame(Utf8Bytes::from(
        serde_json::to_string(message).expect("ServerMessage serialises"),
    ))
}

impl Hub {
    /// An empty hub signing resume tokens with `key`.
    pub fn new(limits: HubLimits, key: ResumeKey) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64);
        Hub {
            rooms: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            shard_hasher: RandomState::new(),
            room_count: AtomicUsize::new(0),
            next_peer: AtomicU64::new(now),
            next_connection: AtomicU64::new(1),
            limits,
            key,
        }
    }

    /// The limits this hub enforces.
    pub fn limits(&self) -> &HubLimits {
        &self.limits
    }

    /// A new connection's id.
    pub fn connection_id(&self) -> ConnectionId {
        self.next_connection.fetch_add(1, Ordering::Relaxed)
    }

    /// Makes a new room id: 128 bits from the operating system's secure generator. The room
    /// itself takes no memory until someone joins, so creating ids cannot fill the server.
    pub fn create_room(&self) -> RoomId {
        RoomId::from_random_bytes(rand::random())
    }

    /// What joining `room_id` needs: a password, unless the room has none or the joiner holds a
    /// valid resume token for a member the host has not removed.
    pub fn admission(&self, room_id: &RoomId, resume: Option<&Resume>) -> Admission {
        let rooms = self.lock(room_id);
        let Some(room) = rooms.get(room_id) else {
            return Admission::Open;
        };
        match &room.password {
            Some(_) if resume.is_some_and(|r| self.may_resume(room_id, room, r)) => Admission::Open,
            Some(hash) => Admission::Password(hash.clone()),
            None => Admission::Open,
        }
    }

    /// Counts a password guess against the room; refuses it while guessing is being slowed.
    pub fn take_guess(&self, room_id: &RoomId) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        let allowed = rooms
            .get_mut(room_id)
            .is_none_or(|room| room.guesses.take(Instant::now()));
        if allowed {
            Ok(())
        } else {
            Err(ErrorCode::TooManyGuesses)
        }
    }

    /// Adds a member to a room (the first member brings the room into being, which also keeps
    /// links working across restarts) and tells the others; or, with a valid resume token,
    /// gives a returning member its place back. The member's queue receives the
    /// [`ServerMessage::Welcome`] first, then anything held for it while it was away.
    pub fn join(&self, request: JoinRequest) -> Result<Joined, ErrorCode> {
        let JoinRequest {
            room: room_id,
            name,
            media,
            resume,
            password_checked,
            tx,
            connection,
        } = request;
        let mut rooms = self.lock(&room_id);
        if !rooms.contains_key(&room_id) {
            // The new room's place is taken before it exists, so rooms made at once in
            // different shards cannot pass the limit together.
            let max = self.limits.max_rooms;
            let taken = self
                .room_count
                .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                    (n < max).then_some(n + 1)
                });
            if taken.is_err() {
                return Err(ErrorCode::TooManyRooms);
            }
        }
        let room = rooms.entry(room_id.clone()).or_insert_with(Room::new);
        let info = PeerInfo {
            id: PeerId(0),
            name: clean_name(&name),
            media,
        };
        let resume = resume.filter(|r| self.may_resume(&room_id, room, r));
        let result = match resume {
            Some(Resume { id, .. }) => room.rejoin(id, info, tx, connection, &self.limits),
            None => {
                let id = PeerId(self.next_peer.fetch_add(1, Ordering::Relaxed));
                room.admit(id, info, tx, connection, password_checked, &self.limits)
            }
        };
        let (id, resumed) = match result {
            Ok(joined) => joined,
            Err(code) => {
                if room.members.is_empty() {
                    self.forget(&mut rooms, &room_id);
                }
                return Err(code);
            }
        };
        let joined = Joined {
            id,
            peers: room.others(id),
            resumed,
            resume_token: self.key.token(&room_id, id),
            settings: room.settings(),
        };
        // The welcome goes first, then what was held while away, all under the lock, so that
        // nothing another member sends can overtake them.
        if let Some(member) = room.member_mut(id) {
            let welcome = encode(&ServerMessage::Welcome {
                you: id,
                peers: joined.peers.clone(),
                resume_token: joined.resume_token.clone(),
                settings: joined.settings,
                resumed,
            });
            let held: Vec<_> = member.held.drain(..).collect();
            member.held_bytes = 0;
            for frame in std::iter::once(welcome).chain(held) {
                member.deliver(frame);
            }
        }
        Ok(joined)
    }

    /// Removes a member who left on purpose and tells the rest of its room.
    pub fn leave(&self, room_id: &RoomId, id: PeerId) {
        self.with_room(room_id, |room| room.remove(id));
    }

    /// Marks a member whose connection ended as away, if `connection` still carries it.
    /// Returns whether it did: the caller then calls [`Hub::expire`] after the grace period.
    pub fn disconnect(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId) -> bool {
        self.with_room(room_id, |room| match room.member_mut(id) {
            Some(member) if member.connection == connection => {
                member.tx = None;
                true
            }
            _ => false,
        })
        .unwrap_or(false)
    }

    /// Removes a member that is still away on `connection` (it did not come back in time).
    pub fn expire(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId) {
        self.with_room(room_id, |room| {
            let away = room
                .member_mut(id)
                .is_some_and(|m| m.connection == connection && m.tx.is_none());
            if away {
                room.remove(id);
            }
        });
    }

    /// Records a member's new media state and tells the rest of its room.
    pub fn update_media(&self, room_id: &RoomId, id: PeerId, state: MediaState) {
        self.with_room(room_id, |room| {
            let Some(member) = room.member_mut(id) else {
                return;
            };
            member.info.media = state;
            room.broadcast(&ServerMessage::PeerMedia { id, state }, Some(id));
        });
    }

    /// Delivers a signal from `from` to `to`, both of which must be in `room_id`.
    pub fn relay(
        &self,
        room_id: &RoomId,
        from: PeerId,
        to: PeerId,
        signal: Signal,
    ) -> Result<(), ErrorCode> {
        // Serialised before taking the room's lock, not while holding it.
        self.relay_frame(
            room_id,
            from,
            to,
            encode(&ServerMessage::Signal { from, signal }),
        )
    }

    /// Delivers `frame`, a [`ServerMessage::Signal`] from `from` already serialised, to `to`;
    /// both must be in `room_id`.
    pub fn relay_frame(
        &self,
        room_id: &RoomId,
        from: PeerId,
        to: PeerId,
        frame: Outbound,
    ) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id).ok_or(ErrorCode::NotInRoom)?;
        if room.member_mut(from).is_none() {
            return Err(ErrorCode::NotInRoom);
        }
        if to == from {
            return Err(ErrorCode::UnknownPeer);
        }
        let target = room.member_mut(to).ok_or(ErrorCode::UnknownPeer)?;
        if target.deliver(frame) {
            Ok(())
        } else {
            Err(ErrorCode::PeerBusy)
        }
    }

    /// Host only: locks or unlocks the room.
    pub fn set_locked(&self, room_id: &RoomId, by: PeerId, locked: bool) -> Result<(), ErrorCode> {
        self.as_host(room_id, by, |room| room.locked = locked)
    }

    /// Host only: sets or clears the room password (already hashed).
    pub fn set_password(
        &self,
        room_id: &RoomId,
        by: PeerId,
        password: Option<StoredPassword>,
    ) -> Result<(), ErrorCode> {
        self.as_host(room_id, by, |room| {
            room.password = password;
            room.guesses = password::guesses(Instant::now());
        })
    }

    /// Host only: removes a participant, who is told and disconnected and may not resume.
    pub fn remove(&self, room_id: &RoomId, by: PeerId, target: PeerId) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id).ok_or(ErrorCode::NotInRoom)?;
        if room.host() != Some(by) {
            return Err(ErrorCode::NotHost);
        }
        if target == by || room.member_mut(target).is_none() {
            return Err(ErrorCode::UnknownPeer);
        }
        if let Some(member) = room.member_mut(target)
            && let Some(tx) = member.tx.take()
        {
            let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::Removed)));
            let _ = tx.try_send(Outbound::Close(
                crate::protocol::CLOSE_POLICY,
                "removed by the host",
            ));
        }
        room.removed.insert(target);
        room.remove(target);
        Ok(())
    }

    /// Whether `resume` proves its holder is a member of `room_id` now (present or away).
    pub fn is_member(&self, room_id: &RoomId, resume: &Resume) -> bool {
        let rooms = self.lock(room_id);
        rooms.get(room_id).is_some_and(|room| {
            room.members.iter().any(|m| m.info.id == resume.id)
                && self.may_resume(room_id, room, resume)
        })
    }

    /// Number of rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.room_count.load(Ordering::Relaxed)
    }

    /// Number of members of a room, away ones included.
    pub fn member_count(&self, room_id: &RoomId) -> usize {
        self.lock(room_id)
            .get(room_id)
            .map_or(0, |r| r.members.len())
    }

    fn may_resume(&self, room_id: &RoomId, room: &Room, resume: &Resume) -> bool {
        !room.removed.contains(&resume.id) && self.key.verify(room_id, resume.id, &resume.token)
    }

    fn as_host(
        &self,
        room_id: &RoomId,
        by: PeerId,
        change: impl FnOnce(&mut Room),
    ) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id).ok_or(ErrorCode::NotInRoom)?;
        if room.host() != Some(by) {
            return Err(ErrorCode::NotHost);
        }
        change(room);
        let settings = room.settings();
        room.broadcast(&ServerMessage::Settings { settings }, None);
        Ok(())
    }

    /// Runs `f` on a room if it exists, and forgets the room if it is left empty.
    fn with_room<T>(&self, room_id: &RoomId, f: impl FnOnce(&mut Room) -> T) -> Option<T> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id)?;
        let result = f(room);
        if room.members.is_empty() {
            self.forget(&mut rooms, room_id);
        }
        Some(result)
    }

    /// Removes a room from its shard (locked by the caller) and gives back its place.
    fn forget(&self, rooms: &mut HashMap<RoomId, Room>, room_id: &RoomId) {
        if rooms.remove(room_id).is_some() {
            self.room_count.fetch_sub(1, Ordering::Relaxed);
        }
    }

    /// The shard holding `room_id`, locked.
    fn lock(&self, room_id: &RoomId) -> std::sync::MutexGuard<'_, HashMap<RoomId, Room>> {
        let shard = self.shard_hasher.hash_one(room_id) as usize % self.rooms.len();
        // A panic while holding the lock leaves the map consistent (every mutation is one call),
        // so a poisoned lock is still safe to use.
        super::lock(&self.rooms[shard])
    }
}

impl Room {
    fn new() -> Self {
        Room {
            members: Vec::new(),
            locked: false,
            password: None,
            guesses: password::guesses(Instant::now()),
            removed: HashSet::new(),
        }
    }

    fn host(&self) -> Option<PeerId> {
        self.members.first().map(|m| m.info.id)
    }

    fn settings(&self) -> RoomSettings {
        RoomSettings {
            host: self.host(),
            locked: self.locked,
            password: self.password.is_some(),
        }
    }

    fn member_mut(&mut self, id: PeerId) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.info.id == id)
    }

    fn others(&self, id: PeerId) -> Vec<PeerInfo> {
        self.members
            .iter()
            .filter(|m| m.info.id != id)
            .map(|m| m.info.clone())
            .collect()
    }

    /// A newcomer: subject to the lock, the password and the size limit.
    fn admit(
        &mut self,
        id: PeerId,
        mut info: PeerInfo,
        tx: OutboxSender,
        connection: ConnectionId,
        password_checked: Option<StoredPassword>,
        limits: &HubLimits,
    ) -> Result<(PeerId, bool), ErrorCode> {
        if self.locked {
            return Err(ErrorCode::RoomLocked);
        }
        if let Some(password) = &self.password
            && password_checked.as_ref() != Some(password)
        {
            return Err(if password_checked.is_some() {
                ErrorCode::WrongPassword
            } else {
                ErrorCode::PasswordRequired
            });
        }
        if self.members.len() >= limits.max_peers_per_room {
            return Err(ErrorCode::RoomFull);
        }
        info.id = id;
        self.insert(info, tx, connection);
        Ok((id, false))
    }

    /// A returning member: back on its old connection slot if it is still here (nobody is
    /// told), or re-admitted under its old id after a restart or a long absence.
    fn rejoin(
        &mut self,
        id: PeerId,
        mut info: PeerInfo,
        tx: OutboxSender,
        connection: ConnectionId,
        limits: &HubLimits,
    ) -> Result<(PeerId, bool), ErrorCode> {
        info.id = id;
        if let Some(member) = self.member_mut(id) {
            let media_changed = member.info.media != info.media;
            member.info = info;
            member.connection = connection;
            member.tx = Some(tx);
            if media_changed {
                let state = member.info.media;
                self.broadcast(&ServerMessage::PeerMedia { id, state }, Some(id));
            }
            return Ok((id, true));
        }
        if self.members.len() >= limits.max_peers_per_room {
            return Err(ErrorCode::RoomFull);
        }
        self.insert(info, tx, connection);
        Ok((id, true))
    }

    /// Adds a member in id order and tells the others (and everyone, if the host changed).
    fn insert(&mut self, info: PeerInfo, tx: OutboxSender, connection: ConnectionId) {
        let host_before = self.host();
        let id = info.id;
        self.broadcast(&ServerMessage::PeerJoined { peer: info.clone() }, None);
        let at = self.members.partition_point(|m| m.info.id < id);
        self.members.insert(
            at,
            Member {
                info,
                tx: Some(tx),
                connection,
                held: VecDeque::new(),
                held_bytes: 0,
            },
        );
        if host_before.is_some() && self.host() != host_before {
            let settings = self.settings();
            self.broadcast(&ServerMessage::Settings { settings }, Some(id));
        }
    }

    /// Removes a member and tells the others (and who hosts now, if that changed).
    fn remove(&mut self, id: PeerId) {
        let host_before = self.host();
        let before = self.members.len();
        self.members.retain(|m| m.info.id != id);
        if self.members.len() == before || self.members.is_empty() {
            return;
        }
        self.broadcast(&ServerMessage::PeerLeft { id }, None);
        if self.host() != host_before {
            let settings = self.settings();
            self.broadcast(&ServerMessage::Settings { settings }, None);
        }
    }

    /// Sends one message to every member except `except`.
    fn broadcast(&mut self, message: &ServerMessage, except: Option<PeerId>) {
        let frame = encode(message);
        for member in self
            .members
            .iter_mut()
            .filter(|m| Some(m.info.id) != except)
        {
            if !member.deliver(frame.clone()) {
                tracing::warn!(peer = %member.info.id, "member queue full; broadcast dropped");
            }
        }
    }
}

impl Member {
    /// Queues a frame for the member, or holds it while the member is away. A member whose
    /// outbox is full has stopped reading: its connection has been told to close, and from now
    /// on it is away, so this frame and those after it wait for it to resume. Returns false only
    /// when an away member has as much waiting as it may ([`HELD_MESSAGES`], [`HELD_BYTES`]), so
    /// the frame was dropped.
    fn deliver(&mut self, frame: Outbound) -> bool {
        let Some(tx) = &self.tx else {
            return self.hold(frame);
        };
        match tx.try_send(frame) {
            Ok(()) => true,
            Err(Refused::Full(frame)) => {
                tracing::info!(peer = %self.info.id, "not keeping up; closing its connection");
                self.tx = None;
                self.hold(frame)
            }
            Err(Refused::Closed(frame)) => {
                // The connection is ending; hold the frame in case the member resumes.
                self.tx = None;
                self.hold(frame)
            }
        }
    }

    fn hold(&mut self, frame: Outbound) -> bool {
        let bytes = frame.bytes();
        if self.held.len() >= HELD_MESSAGES
            || (!self.held.is_empty() && self.held_bytes + bytes > HELD_BYTES)
        {
            return false;
        }
        self.held_bytes += bytes;
        self.held.push_back(frame);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::SdpType;
    use crate::server::outbox::{Outbox, outbox, outbox_with};

    fn hub() -> Hub {
        Hub::new(HubLimits::default(), ResumeKey::random())
    }

    fn member() -> (OutboxSender, Outbox) {
        outbox()
    }

    fn request(room: &RoomId, name: &str, tx: OutboxSender) -> JoinRequest {
        JoinRequest {
            room: room.clone(),
            name: name.into(),
            media: MediaState::default(),
            resume: None,
            password_checked: None,
            tx,
            connection: 0,
        }
    }

    fn join(hub: &Hub, room: &RoomId, name: &str, tx: OutboxSender) -> Result<Joined, ErrorCode> {
        hub.join(request(room, name, tx))
    }

    /// A request to come back as `member`, with its resume token, on `connection`.
    fn comeback(
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

    fn next(rx: &mut Outbox) -> ServerMessage {
        match rx.try_recv().expect("a message is queued") {
            Outbound::Frame(frame) => serde_json::from_str(frame.as_str()).unwrap(),
            close => panic!("expected a frame, got {close:?}"),
        }
    }

    /// Takes the welcome every member receives first.
    fn welcome(rx: &mut Outbox) -> ServerMessage {
        let welcome = next(rx);
        assert!(
            matches!(welcome, ServerMessage::Welcome { .. }),
            "{welcome:?}"
        );
        welcome
    }

    /// A (the host) and B in `room`, welcomes taken, A's news of B drained.
    fn two_members(hub: &Hub, room: &RoomId) -> (Joined, Outbox, Joined, Outbox) {
        let (tx_a, mut rx_a) = member();
        let (tx_b, mut rx_b) = member();
        let a = join(hub, room, "A", tx_a).unwrap();
        welcome(&mut rx_a);
        let b = join(hub, room, "B", tx_b).unwrap();
        welcome(&mut rx_b);
        drain(&mut rx_a);
        (a, rx_a, b, rx_b)
    }

    fn drain(rx: &mut Outbox) {
        while rx.try_recv().is_ok() {}
    }

    fn offer() -> Signal {
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
            }]
        );
        assert_eq!(
            next(&mut rx_a),
            ServerMessage::PeerJoined {
                peer: PeerInfo {
                    id: b.id,
                    name: "Bob".into(),
                    media: MediaState::default(),
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
        hub.leave(&room, b.id);
        assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
        assert_eq!(hub.member_count(&room), 1);
        hub.leave(&room, a.id);
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
        hub.leave(&room, a.id);
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
        let hub = std::sync::Arc::new(Hub::new(limits, ResumeKey::random()));
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
        hub.leave(room, *id);
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
            hub.join(comeback(&room, "B", &b, tx_b2, 1))
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
            assert!(hub.disconnect(&room, b.id, 0));
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
            hub.join(comeback(&room, "B", &b, tx_b2, 1)).unwrap();
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
            .join(JoinRequest {
                connection: 7,
                ..request(&room, "B", tx_b)
            })
            .unwrap();
        drain(&mut rx_a);
        drop(rx_b);
        assert!(!hub.disconnect(&room, b.id, 6), "another connection's end");
        assert!(hub.disconnect(&room, b.id, 7));
        hub.relay(&room, a.id, b.id, offer()).unwrap();
        assert!(rx_a.try_recv().is_err(), "A is not told B left");

        let (tx_b2, mut rx_b2) = member();
        let back = hub.join(comeback(&room, "B", &b, tx_b2, 8)).unwrap();
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
        hub.expire(&room, b.id, 7);
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
        assert!(hub.disconnect(&room, b.id, 0));
        hub.expire(&room, b.id, 0);
        assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
        assert_eq!(hub.member_count(&room), 1);
    }

    #[test]
    fn after_a_restart_a_valid_token_brings_the_member_back_under_its_old_id() {
        let key = ResumeKey::random();
        let before = Hub::new(HubLimits::default(), key.clone());
        let room = before.create_room();
        let (tx, _rx) = member();
        let a = join(&before, &room, "A", tx).unwrap();

        let after = Hub::new(HubLimits::default(), key);
        let (tx_b, mut rx_b) = member();
        let b = join(&after, &room, "B", tx_b).unwrap();
        welcome(&mut rx_b);
        assert!(b.id > a.id, "ids after a restart are newer");
        let (tx, _rx) = member();
        let back = after.join(comeback(&room, "A", &a, tx, 0)).unwrap();
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
            .join(JoinRequest {
                resume: Some(Resume {
                    id: PeerId(a.id.0 + 1),
                    token: a.resume_token,
                }),
                ..request(&room, "Mallory", tx)
            })
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
            hub.admission(&room, None),
            Admission::Password(hash.clone())
        );
        let (tx, _rx) = member();
        assert_eq!(
            join(&hub, &room, "B", tx).unwrap_err(),
            ErrorCode::PasswordRequired
        );
        let (tx, _rx) = member();
        let stale = hub.join(JoinRequest {
            password_checked: Some(password::hash("old")),
            ..request(&room, "B", tx)
        });
        assert_eq!(stale.unwrap_err(), ErrorCode::WrongPassword);
        let (tx, _rx) = member();
        let b = hub
            .join(JoinRequest {
                password_checked: Some(hash),
                ..request(&room, "B", tx)
            })
            .unwrap();
        assert!(b.settings.password);
        let resume = Resume {
            id: b.id,
            token: b.resume_token,
        };
        assert_eq!(hub.admission(&room, Some(&resume)), Admission::Open);
    }

    #[test]
    fn guesses_are_slowed_after_a_burst() {
        let hub = hub();
        let room = hub.create_room();
        let (tx_a, _rx_a) = member();
        join(&hub, &room, "A", tx_a).unwrap();
        for _ in 0..password::GUESS_BURST {
            hub.take_guess(&room).unwrap();
        }
        assert_eq!(hub.take_guess(&room), Err(ErrorCode::TooManyGuesses));
    }

    #[test]
    fn the_host_removes_a_participant_who_is_told_closed_and_may_not_resume() {
        let hub = hub();
        let room = hub.create_room();
        let (a, mut rx_a, b, mut rx_b) = two_members(&hub, &room);
        assert_eq!(hub.remove(&room, b.id, a.id), Err(ErrorCode::NotHost));
        assert_eq!(hub.remove(&room, a.id, a.id), Err(ErrorCode::UnknownPeer));
        hub.remove(&room, a.id, b.id).unwrap();
        assert_eq!(next(&mut rx_b), ServerMessage::error(ErrorCode::Removed));
        assert_eq!(
            rx_b.try_recv().unwrap(),
            Outbound::Close(crate::protocol::CLOSE_POLICY, "removed by the host")
        );
        assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
        let (tx, _rx) = member();
        let again = hub.join(comeback(&room, "B", &b, tx, 0)).unwrap();
        assert!(!again.resumed && again.id != b.id);
    }
}
