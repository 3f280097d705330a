//! Members whose connection dropped: kept away for their grace, removed when it ends (or when
//! they leave), and the revocations that keep their tokens from being used again.

use super::revoked::Revocation;
use super::{ConnectionId, Hub, member};
use crate::protocol::{PeerId, RoomId};
use std::cmp::Reverse;
use std::time::Instant;

impl Hub {
    /// Marks a member whose connection ended as away, if `connection` still carries it; it
    /// leaves at the first [`Hub::tick`] after the grace period unless it comes back. Returns
    /// whether it was marked.
    pub fn disconnect(
        &self,
        room_id: &RoomId,
        id: PeerId,
        connection: ConnectionId,
        now: Instant,
    ) -> bool {
        let marked = self
            .with_room(room_id, |room| match room.member_mut(id) {
                Some(member) if member.connection == connection => {
                    member.tx = None;
                    true
                }
                _ => false,
            })
            .unwrap_or(false);
        if marked {
            let deadline = now + self.limits.resume_grace;
            crate::server::lock(&self.away).push(Reverse((
                deadline,
                room_id.clone(),
                id,
                connection,
            )));
        }
        marked
    }

    /// Removes a member that is still away on `connection` (it did not come back in time), and
    /// revokes its token.
    pub fn expire(&self, room_id: &RoomId, id: PeerId, connection: ConnectionId, now: Instant) {
        let mut rooms = self.lock(room_id);
        let Some(room) = rooms.get_mut(room_id) else {
            return;
        };
        let away = room
            .member(id)
            .is_some_and(|m| m.connection == connection && m.is_away());
        if !away {
            return;
        }
        if let Some(member) = room.remove(id) {
            self.revoke(room_id, &member, false, now);
        }
        self.let_in_first_if_empty(room_id, room, now);
        if room.members.is_empty() {
            self.forget(&mut rooms, room_id);
        }
    }

    /// Does what is due at `now`: members whose grace ran out leave, and revocations whose
    /// tokens have expired are forgotten.
    pub fn tick(&self, now: Instant) {
        loop {
            let due = {
                let mut away = crate::server::lock(&self.away);
                match away.peek() {
                    Some(Reverse((deadline, ..))) if *deadline <= now => away.pop(),
                    _ => None,
                }
            };
            let Some(Reverse((_, room, id, connection))) = due else {
                break;
            };
            self.expire(&room, id, connection, now);
        }
        let unix = self.unix(now);
        crate::server::lock(&self.revoked).prune(unix);
    }

    /// Revocations in force at `now` (with `removals_only`, only the host's removals): what the
    /// server keeps on disk.
    pub fn revocations(&self, now: Instant, removals_only: bool) -> Vec<Revocation> {
        crate::server::lock(&self.revoked).list(self.unix(now), removals_only)
    }

    /// Takes back revocations kept from before a restart.
    pub fn restore_revocations(&self, list: Vec<Revocation>, now: Instant) {
        let unix = self.unix(now);
        let mut revoked = crate::server::lock(&self.revoked);
        for revocation in list {
            revoked.insert(revocation, unix);
        }
    }

    pub(super) fn revoke(
        &self,
        room_id: &RoomId,
        member: &member::Member,
        removed: bool,
        now: Instant,
    ) -> Revocation {
        let revocation = Revocation {
            room: room_id.clone(),
            id: member.info.id,
            expires: member.token_expires,
            removed,
        };
        crate::server::lock(&self.revoked).insert(revocation.clone(), self.unix(now));
        revocation
    }

    /// Removes a member (leaving or timed out) and revokes its token.
    pub(super) fn remove_member(&self, room_id: &RoomId, id: PeerId, removed: bool, now: Instant) {
        let mut rooms = self.lock(room_id);
        let Some(room) = rooms.get_mut(room_id) else {
            return;
        };
        if let Some(member) = room.remove(id) {
            self.revoke(room_id, &member, removed, now);
        }
        self.let_in_first_if_empty(room_id, room, now);
        if room.members.is_empty() {
            self.forget(&mut rooms, room_id);
        }
    }
}
