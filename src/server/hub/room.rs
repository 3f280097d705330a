//! One room: its members in order of arrival (the first hosts), its lock and password, and the
//! budgets that slow down password guessing and password changes.

use super::join::IceFor;
use super::member::Member;
use super::{ConnectionId, HubLimits, MediaPolicy, encode};
use crate::protocol::{ErrorCode, MediaRoute, PeerId, PeerInfo, RoomSettings, ServerMessage};
use crate::server::outbox::OutboxSender;
use crate::server::password::StoredPassword;
use crate::server::rate::TokenBucket;
use crate::server::source::Source;
use std::time::{Duration, Instant};

/// Wrong password guesses a room takes at once, from everyone together, before slowing down.
pub const ROOM_GUESS_BURST: u32 = 20;

/// After the burst, one more wrong guess per this interval (from everyone together).
pub const ROOM_GUESS_REFILL: Duration = Duration::from_secs(3);

/// Password changes a host may make at once (each costs a hash of ~20 MiB and tens of ms).
pub const PASSWORD_CHANGE_BURST: u32 = 3;

/// After the burst, one more password change per this interval.
pub const PASSWORD_CHANGE_REFILL: Duration = Duration::from_secs(10);

/// One room and its members.
#[derive(Debug)]
pub(super) struct Room {
    /// Members by id, that is in order of first arrival; the first is the host.
    pub members: Vec<Member>,
    /// Nobody new may join.
    pub locked: bool,
    /// Joining needs this password.
    pub password: Option<StoredPassword>,
    /// Wrong password guesses, from everyone together.
    pub guesses: TokenBucket,
    /// Password changes.
    pub password_changes: TokenBucket,
    /// The client whose join made the room; it counts against that client's rooms.
    pub creator: Source,
    /// The place the next raised hand takes.
    pub next_hand: u64,
    /// Newcomers wait for the host to let them in.
    pub waiting_room: bool,
    /// Those waiting, in order of arrival.
    pub waiting: Vec<Waiter>,
    /// How its media travels now.
    pub media: MediaRoute,
    /// How its media is to travel as it grows and shrinks.
    policy: MediaPolicy,
}

/// Most people waiting to be let into one room.
pub const MAX_WAITING: usize = 20;

/// Someone waiting to be let in: what its join brought, kept until the host decides.
#[derive(Debug)]
pub(super) struct Waiter {
    pub arrival: Arrival,
    pub ice: Option<IceFor>,
}

/// A member to add to a room.
#[derive(Debug)]
pub(super) struct Arrival {
    pub info: PeerInfo,
    pub tx: OutboxSender,
    pub connection: ConnectionId,
    pub source: Source,
    pub token_expires: u64,
    pub now: Instant,
    /// Its hand is up.
    pub hand: bool,
}

impl Room {
    pub fn new(creator: Source, now: Instant, waiting_room: bool, policy: MediaPolicy) -> Self {
        Room {
            members: Vec::new(),
            locked: false,
            password: None,
            guesses: TokenBucket::new(ROOM_GUESS_BURST, ROOM_GUESS_REFILL, now),
            password_changes: TokenBucket::new(PASSWORD_CHANGE_BURST, PASSWORD_CHANGE_REFILL, now),
            creator,
            next_hand: 1,
            waiting_room,
            waiting: Vec::new(),
            media: policy.route(0),
            policy,
        }
    }

    pub fn host(&self) -> Option<PeerId> {
        self.members.first().map(|m| m.info.id)
    }

    pub fn settings(&self) -> RoomSettings {
        RoomSettings {
            host: self.host(),
            locked: self.locked,
            password: self.password.is_some(),
            waiting_room: self.waiting_room,
            media: self.media,
        }
    }

    pub fn member_mut(&mut self, id: PeerId) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.info.id == id)
    }

    pub fn member(&self, id: PeerId) -> Option<&Member> {
        self.members.iter().find(|m| m.info.id == id)
    }

    pub fn others(&self, id: PeerId) -> Vec<PeerInfo> {
        self.members
            .iter()
            .filter(|m| m.info.id != id)
            .map(|m| m.info.clone())
            .collect()
    }

    /// Whether `by` is in the room and hosts it.
    pub fn hosted_by(&self, by: PeerId) -> Result<(), ErrorCode> {
        if self.member(by).is_none() {
            return Err(ErrorCode::NotInRoom);
        }
        if self.host() != Some(by) {
            return Err(ErrorCode::NotHost);
        }
        Ok(())
    }

    /// Whether `by` hosts the room and `target` is someone else in it.
    pub fn host_may_act_on(&self, by: PeerId, target: PeerId) -> Result<(), ErrorCode> {
        self.hosted_by(by)?;
        if target == by || self.member(target).is_none() {
            return Err(ErrorCode::UnknownPeer);
        }
        Ok(())
    }

    /// Raises or lowers a member's hand (a raised hand takes the next place; raising it again
    /// keeps its place) and tells everyone, the member included, if it changed.
    pub fn set_hand(&mut self, id: PeerId, raised: bool) {
        let next = self.next_hand;
        let Some(member) = self.member_mut(id) else {
            return;
        };
        let hand = match (raised, member.info.hand) {
            (true, Some(_)) | (false, None) => return,
            (true, None) => Some(next),
            (false, Some(_)) => None,
        };
        member.info.hand = hand;
        if hand.is_some() {
            self.next_hand += 1;
        }
        self.broadcast(&ServerMessage::PeerHand { id, hand }, None);
    }

    /// Whether a newcomer gets past the lock and the password.
    fn may_enter(&self, password_checked: Option<&StoredPassword>) -> Result<(), ErrorCode> {
        if self.locked {
            return Err(ErrorCode::RoomLocked);
        }
        if let Some(password) = &self.password
            && password_checked != Some(password)
        {
            return Err(if password_checked.is_some() {
                ErrorCode::WrongPassword
            } else {
                ErrorCode::PasswordRequired
            });
        }
        Ok(())
    }

    /// A newcomer to a room that admits people manually: past the lock and the password, it
    /// waits (told so) and the host is told who waits.
    pub fn queue(
        &mut self,
        arrival: Arrival,
        password_checked: Option<StoredPassword>,
        ice: Option<IceFor>,
    ) -> Result<(), ErrorCode> {
        self.may_enter(password_checked.as_ref())?;
        if self.waiting.len() >= MAX_WAITING {
            return Err(ErrorCode::RoomFull);
        }
        let _ = arrival.tx.try_send(encode(&ServerMessage::Waiting));
        self.waiting.push(Waiter { arrival, ice });
        self.tell_host_who_waits();
        Ok(())
    }

    /// Takes someone out of the waiting list.
    pub fn take_waiter(&mut self, id: PeerId) -> Option<Waiter> {
        let at = self.waiting.iter().position(|w| w.arrival.info.id == id)?;
        Some(self.waiting.remove(at))
    }

    /// Tells the host who waits now.
    pub fn tell_host_who_waits(&mut self) {
        let waiting = self
            .waiting
            .iter()
            .map(|w| w.arrival.info.clone())
            .collect();
        if let Some(host) = self.members.first_mut() {
            host.deliver(encode(&ServerMessage::Knocking { waiting }));
        }
    }

    /// A newcomer: subject to the lock, the password and the size limit.
    pub fn admit(
        &mut self,
        arrival: Arrival,
        password_checked: Option<StoredPassword>,
        limits: &HubLimits,
    ) -> Result<(PeerId, bool), ErrorCode> {
        self.may_enter(password_checked.as_ref())?;
        if self.members.len() >= limits.max_peers_per_room {
            return Err(ErrorCode::RoomFull);
        }
        let id = arrival.info.id;
        self.insert(arrival);
        Ok((id, false))
    }

    /// A returning member with a valid, unrevoked token: back on its old slot if it is still here
    /// (nobody is told), or re-admitted under its old id. A member that left, timed out or was
    /// removed has its token revoked, so the second case only happens after a server restart,
    /// when the room and its lock or password are being rebuilt by the people who were in it.
    pub fn rejoin(
        &mut self,
        arrival: Arrival,
        limits: &HubLimits,
    ) -> Result<(PeerId, bool), ErrorCode> {
        let id = arrival.info.id;
        if let Some(member) = self.member_mut(id) {
            let media_changed = member.info.media != arrival.info.media;
            // A raised hand stays up across a dropped connection.
            let hand = member.info.hand;
            member.info = PeerInfo {
                hand,
                ..arrival.info
            };
            member.connection = arrival.connection;
            member.source = arrival.source;
            member.token_expires = arrival.token_expires;
            member.tx = Some(arrival.tx);
            if media_changed {
                let state = member.info.media;
                self.broadcast(&ServerMessage::PeerMedia { id, state }, Some(id));
            }
            return Ok((id, true));
        }
        if self.members.len() >= limits.max_peers_per_room {
            return Err(ErrorCode::RoomFull);
        }
        self.insert(arrival);
        Ok((id, true))
    }

    /// Adds a member in id order and tells the others (and everyone, if the host changed).
    pub(super) fn insert(&mut self, mut arrival: Arrival) {
        let host_before = self.host();
        let id = arrival.info.id;
        if arrival.hand {
            arrival.info.hand = Some(self.next_hand);
            self.next_hand += 1;
        }
        self.broadcast(
            &ServerMessage::PeerJoined {
                peer: arrival.info.clone(),
            },
            None,
        );
        let at = self.members.partition_point(|m| m.info.id < id);
        self.members.insert(
            at,
            Member::new(
                arrival.info,
                arrival.tx,
                arrival.connection,
                arrival.source,
                arrival.token_expires,
                arrival.now,
            ),
        );
        let rerouted = self.reroute();
        if rerouted || (host_before.is_some() && self.host() != host_before) {
            // The newcomer's welcome carries the settings.
            let settings = self.settings();
            self.broadcast(&ServerMessage::Settings { settings }, Some(id));
        }
    }

    /// Follows the media policy after the room grew or shrank; returns whether the route
    /// changed (everyone is then to be told, and their browsers switch).
    fn reroute(&mut self) -> bool {
        let route = self.policy.route(self.members.len());
        let changed = route != self.media;
        if changed {
            tracing::info!(
                people = self.members.len(),
                ?route,
                "room changes how its media travels"
            );
            self.media = route;
        }
        changed
    }

    /// Removes a member and tells the others (and who hosts now, if that changed). Returns the
    /// member that was removed.
    pub fn remove(&mut self, id: PeerId) -> Option<Member> {
        let host_before = self.host();
        let at = self.members.iter().position(|m| m.info.id == id)?;
        let member = self.members.remove(at);
        if self.members.is_empty() {
            return Some(member);
        }
        self.broadcast(&ServerMessage::PeerLeft { id }, None);
        let rerouted = self.reroute();
        let host_changed = self.host() != host_before;
        if rerouted || host_changed {
            let settings = self.settings();
            self.broadcast(&ServerMessage::Settings { settings }, None);
        }
        if host_changed && !self.waiting.is_empty() {
            self.tell_host_who_waits();
        }
        Some(member)
    }

    /// Sends one message to every member except `except`.
    pub fn broadcast(&mut self, message: &ServerMessage, except: Option<PeerId>) {
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
