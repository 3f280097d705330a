//! The room hub: which peers are in which room, who hosts it, and delivery between them.
//!
//! The hub knows nothing of sockets or clocks. Each member hands it the sending half of its
//! connection's [`super::outbox`]; the connection task drains the other half into its
//! WebSocket. Every call that depends on time takes `now`, and [`Hub::tick`] (called by the
//! server every second, or by a test whenever it likes) does what is due: members whose grace
//! ran out leave, and old revocations are forgotten.
//!
//! A member whose connection drops is kept, *away*, for a grace period: messages for it wait
//! (bounded), and the others are not told it left. If it comes back with its resume token in time
//! it simply carries on; otherwise it is removed and the room told. A member whose outbox
//! overflows (it stopped reading) is away from then on in the same way, and its connection is
//! told to close: nothing sent to it is dropped while it can still come back for it.
//!
//! Resume tokens expire ([`HubLimits::token_lifetime`]; a connected member is given a new one
//! before that, [`Hub::renew_token`]) and are revoked when a member leaves, times out or is
//! removed ([`revoked`]), so only a member that is still in the room, or one coming back after a
//! server restart, can use one.
//!
//! ## Layout
//! - this file: the rooms map, relaying and what everyone may ask;
//! - `join`: what a join needs, password guesses, joining and resume-token renewal;
//! - `away`: members whose connection dropped, their grace, leaving and revocations;
//! - `host`: what only the host may do (lock, password, removal);
//! - `gestures`: raised hands, reactions, asking someone to unmute;
//! - `chat`: chat relayed in rooms whose media goes through the server;
//! - `waiting`: the waiting room: those the host has not let in yet;
//! - [`room`]: one room's members, lock, password and budgets;
//! - `member`: one participant and what waits for it while away;
//! - [`revoked`]: the tokens no longer honoured.

mod away;
mod chat;
mod gestures;
mod host;
mod join;
mod member;
pub mod revoked;
pub mod room;
mod waiting;

pub use join::{Admission, IceFor, JoinRequest, Joined};

use super::outbox::Outbound;
use super::resume::ResumeKey;
use super::source::Source;
use crate::protocol::{
    ErrorCode, MediaRoute, MediaState, PeerId, Resume, RoomId, ServerMessage, Signal,
};
use axum::extract::ws::Utf8Bytes;
use revoked::Revoked;
use room::Room;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

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
    /// Most rooms one client (an IPv4 address or IPv6 /64) may have made and still hold.
    pub max_rooms_per_source: usize,
    /// How long a member whose connection dropped is kept for it to resume.
    pub resume_grace: Duration,
    /// How long a resume token is valid. A connected member gets a new one every quarter of
    /// this, so the one it holds is always good for at least three quarters of it.
    pub token_lifetime: Duration,
    /// New rooms admit people manually (their host may change it).
    pub waiting_room: bool,
    /// How media travels in rooms.
    pub media: MediaPolicy,
}

/// How rooms' media travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaPolicy {
    /// Browsers always connect directly.
    Mesh,
    /// Always through the server's forwarding unit.
    Sfu,
    /// Directly while a room holds at most this many, through the server above that.
    Auto {
        /// The most people in a room whose browsers connect directly.
        mesh_max: usize,
    },
}

impl MediaPolicy {
    /// The route for a room of `people` under this policy.
    pub fn route(self, people: usize) -> MediaRoute {
        match self {
            MediaPolicy::Mesh => MediaRoute::Mesh,
            MediaPolicy::Sfu => MediaRoute::Sfu,
            MediaPolicy::Auto { mesh_max } if people > mesh_max => MediaRoute::Sfu,
            MediaPolicy::Auto { .. } => MediaRoute::Mesh,
        }
    }
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_peers_per_room: 6,
            max_rooms: 10_000,
            max_rooms_per_source: 100,
            resume_grace: Duration::from_secs(20),
            token_lifetime: Duration::from_secs(120),
            waiting_room: false,
            media: MediaPolicy::Mesh,
        }
    }
}

/// When an away member's grace ends: the moment, its room and id, and the connection it left on.
type AwayUntil = (Instant, RoomId, PeerId, ConnectionId);

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
    /// Rooms each client made and that still exist (locked after a shard, never before).
    rooms_by_source: Mutex<HashMap<Source, usize>>,
    /// Members whose connection dropped, by the time their grace runs out.
    away: Mutex<BinaryHeap<Reverse<AwayUntil>>>,
    /// Tokens no longer honoured (locked after a shard, never before).
    revoked: Mutex<Revoked>,
    /// Source of peer ids. It starts at the time in microseconds, so ids of a restarted server
    /// are all newer than those it gave before (the host is the member with the lowest id).
    next_peer: AtomicU64,
    /// Source of connection ids.
    next_connection: AtomicU64,
    /// Limits applied to joins.
    limits: HubLimits,
    /// Signs resume tokens.
    key: ResumeKey,
    /// A moment and the Unix time (seconds) it was, to turn the `now`s the hub is given into
    /// token expiry times.
    epoch: (Instant, u64),
}

/// Serialises a server message once.
pub fn encode(message: &ServerMessage) -> Outbound {
    // ServerMessage holds only strings, numbers and enums: serialising it cannot fail.
    Outbound::Frame(Utf8Bytes::from(
        serde_json::to_string(message).expect("ServerMessage serialises"),
    ))
}

impl Hub {
    /// An empty hub signing resume tokens with `key`; `now` is the current moment.
    pub fn new(limits: HubLimits, key: ResumeKey, now: Instant) -> Self {
        let unix = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Self::with_epoch(limits, key, now, unix)
    }

    /// An empty hub for which `now` is Unix time `unix` (seconds): tests use it to move the
    /// wall clock with the moments they pass.
    pub fn with_epoch(limits: HubLimits, key: ResumeKey, now: Instant, unix: u64) -> Self {
        // Peer ids start at the time in microseconds, so a restarted server's ids are newer.
        let first_peer = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(1, |d| d.as_micros() as u64)
            .max(unix.saturating_mul(1_000_000));
        Hub {
            rooms: (0..SHARDS).map(|_| Mutex::new(HashMap::new())).collect(),
            shard_hasher: RandomState::new(),
            room_count: AtomicUsize::new(0),
            rooms_by_source: Mutex::new(HashMap::new()),
            away: Mutex::new(BinaryHeap::new()),
            revoked: Mutex::new(Revoked::default()),
            next_peer: AtomicU64::new(first_peer),
            next_connection: AtomicU64::new(1),
            limits,
            key,
            epoch: (now, unix),
        }
    }

    /// The limits this hub enforces.
    pub fn limits(&self) -> &HubLimits {
        &self.limits
    }

    /// Unix time (seconds) at `now`.
    pub fn unix(&self, now: Instant) -> u64 {
        let (at, unix) = self.epoch;
        unix + now.saturating_duration_since(at).as_secs()
    }

    /// When (Unix seconds) a resume token given at `now` expires.
    pub(super) fn token_expiry(&self, now: Instant) -> u64 {
        self.unix(now) + self.limits.token_lifetime.as_secs()
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

    /// Removes a member who left on purpose, tells the rest of its room and revokes its token.
    pub fn leave(&self, room_id: &RoomId, id: PeerId, now: Instant) {
        self.remove_member(room_id, id, false, now);
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
        if room.member(from).is_none() {
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

    /// Whether `resume` proves its holder is a member of `room_id` now (present or away).
    pub fn is_member(&self, room_id: &RoomId, resume: &Resume, now: Instant) -> bool {
        let rooms = self.lock(room_id);
        rooms.get(room_id).is_some_and(|room| {
            room.member(resume.id).is_some() && self.may_resume(room_id, resume, now)
        })
    }

    /// Whether `id` is a member of `room_id` whose connection has gone (and who may still come
    /// back).
    pub fn is_away(&self, room_id: &RoomId, id: PeerId) -> bool {
        self.lock(room_id)
            .get(room_id)
            .and_then(|room| room.member(id))
            .is_some_and(|m| m.is_away())
    }

    /// Number of rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.room_count.load(Ordering::Relaxed)
    }

    /// Members of every room, away ones included.
    pub fn participant_count(&self) -> usize {
        self.rooms
            .iter()
            .map(|shard| {
                super::lock(shard)
                    .values()
                    .map(|room| room.members.len())
                    .sum::<usize>()
            })
            .sum()
    }

    /// Number of members of a room, away ones included.
    pub fn member_count(&self, room_id: &RoomId) -> usize {
        self.lock(room_id)
            .get(room_id)
            .map_or(0, |r| r.members.len())
    }

    /// Rooms made by `source` that still exist.
    pub fn rooms_of(&self, source: Source) -> usize {
        super::lock(&self.rooms_by_source)
            .get(&source)
            .copied()
            .unwrap_or(0)
    }

    /// Takes a place for a new room made by `source`, or says why there is none.
    fn make_room(&self, source: Source) -> Result<(), ErrorCode> {
        let mut by_source = super::lock(&self.rooms_by_source);
        let held = by_source.get(&source).copied().unwrap_or(0);
        let per_source = self.limits.max_rooms_per_source;
        if per_source > 0 && held >= per_source {
            tracing::warn!(%source, held, "room limit per client reached");
            return Err(ErrorCode::SourceLimit);
        }
        // The new room's place is taken before it exists, so rooms made at once in different
        // shards cannot pass the limit together.
        let max = self.limits.max_rooms;
        let taken = self
            .room_count
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| {
                (n < max).then_some(n + 1)
            });
        if taken.is_err() {
            return Err(ErrorCode::TooManyRooms);
        }
        *by_source.entry(source).or_insert(0) += 1;
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

    /// Removes a room from its shard (locked by the caller) and gives back its places.
    fn forget(&self, rooms: &mut HashMap<RoomId, Room>, room_id: &RoomId) {
        if let Some(room) = rooms.remove(room_id) {
            self.room_count.fetch_sub(1, Ordering::Relaxed);
            let mut by_source = super::lock(&self.rooms_by_source);
            if let Some(held) = by_source.get_mut(&room.creator) {
                *held -= 1;
                if *held == 0 {
                    by_source.remove(&room.creator);
                }
            }
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

#[cfg(test)]
mod gesture_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod waiting_tests;
