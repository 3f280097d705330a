//! The waiting room: in a room that admits people manually, newcomers wait, knowing nothing of
//! the room, until the host lets them in or turns them away. The host is told who waits
//! whenever that changes (a new host too). If the room empties while people wait, the first in
//! line is let in and hosts it, so nobody waits for a host who is not there.

use super::room::{Room, Waiter};
use super::{ConnectionId, Hub, encode};
use crate::protocol::{ErrorCode, PeerId, RoomId, ServerMessage};
use std::time::Instant;

impl Hub {
    /// Host only: makes newcomers wait (`on`) or not; turning it off lets in everyone waiting,
    /// as far as the room has places.
    pub fn set_waiting_room(
        &self,
        room_id: &RoomId,
        by: PeerId,
        on: bool,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        self.as_host(room_id, by, |room| {
            room.waiting_room = on;
            if !on {
                self.let_in_while_there_is_room(room_id, room, now);
            }
        })
    }

    /// Host only: lets someone waiting in.
    pub fn admit(
        &self,
        room_id: &RoomId,
        by: PeerId,
        id: PeerId,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        self.as_waiting_host(room_id, by, |room| {
            let at = room
                .waiting
                .iter()
                .position(|w| w.arrival.info.id == id)
                .ok_or(ErrorCode::UnknownPeer)?;
            if room.members.len() >= self.limits.max_peers_per_room {
                return Err(ErrorCode::RoomFull);
            }
            let waiter = room.waiting.remove(at);
            self.let_in(room_id, room, waiter, now);
            room.tell_host_who_waits();
            Ok(())
        })
    }

    /// Host only: lets everyone waiting in, in order, as far as the room has places.
    pub fn admit_all(&self, room_id: &RoomId, by: PeerId, now: Instant) -> Result<(), ErrorCode> {
        self.as_waiting_host(room_id, by, |room| {
            self.let_in_while_there_is_room(room_id, room, now);
            Ok(())
        })
    }

    /// Host only: turns someone waiting away; they are told.
    pub fn deny(&self, room_id: &RoomId, by: PeerId, id: PeerId) -> Result<(), ErrorCode> {
        self.as_waiting_host(room_id, by, |room| {
            let waiter = room.take_waiter(id).ok_or(ErrorCode::UnknownPeer)?;
            let _ = waiter
                .arrival
                .tx
                .try_send(encode(&ServerMessage::error(ErrorCode::Denied)));
            room.tell_host_who_waits();
            Ok(())
        })
    }

    /// Someone waiting left (or its connection ended): off the list, and the host told.
    pub fn stop_waiting(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId) {
        let mut rooms = self.lock(room_id);
        let Some(room) = rooms.get_mut(room_id) else {
            return;
        };
        let on_connection = room
            .waiting
            .iter()
            .any(|w| w.arrival.info.id == id && w.arrival.connection == connection);
        if on_connection {
            room.take_waiter(id);
            room.tell_host_who_waits();
        }
    }

    /// Whether `id`, which waited on `connection`, has been let in (and is still carried by it).
    pub fn is_admitted(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId) -> bool {
        self.lock(room_id)
            .get(room_id)
            .and_then(|room| room.member(id))
            .is_some_and(|m| m.connection == connection)
    }

    /// Whether `id` still waits on `connection`.
    pub fn is_waiting(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId) -> bool {
        self.lock(room_id).get(room_id).is_some_and(|room| {
            room.waiting
                .iter()
                .any(|w| w.arrival.info.id == id && w.arrival.connection == connection)
        })
    }

    /// After a member left: if nobody is left but people wait, the first of them comes in (and
    /// hosts).
    pub(super) fn let_in_first_if_empty(&self, room_id: &RoomId, room: &mut Room, now: Instant) {
        if room.members.is_empty() && !room.waiting.is_empty() {
            let first = room.waiting.remove(0);
            self.let_in(room_id, room, first, now);
        }
    }

    fn let_in_while_there_is_room(&self, room_id: &RoomId, room: &mut Room, now: Instant) {
        while !room.waiting.is_empty() && room.members.len() < self.limits.max_peers_per_room {
            let waiter = room.waiting.remove(0);
            self.let_in(room_id, room, waiter, now);
        }
        room.tell_host_who_waits();
    }

    /// Makes a waiter a member (with a token valid from now) and welcomes it.
    fn let_in(&self, room_id: &RoomId, room: &mut Room, waiter: Waiter, now: Instant) {
        let Waiter { mut arrival, ice } = waiter;
        arrival.token_expires = self.token_expiry(now);
        let id = arrival.info.id;
        room.insert(arrival);
        self.welcome(room_id, room, id, false, ice);
    }

    fn as_waiting_host(
        &self,
        room_id: &RoomId,
        by: PeerId,
        f: impl FnOnce(&mut Room) -> Result<(), ErrorCode>,
    ) -> Result<(), ErrorCode> {
        self.in_room(room_id, |room| {
            room.hosted_by(by)?;
            f(room)
        })
    }
}
