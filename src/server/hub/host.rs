//! What only a room's host may do: lock it, set its password, remove a participant. (Lowering
//! a hand and asking to unmute are in `gestures`.)

use super::revoked::Revocation;
use super::room::Room;
use super::{Hub, encode};
use crate::protocol::{ErrorCode, PeerId, RoomId, ServerMessage};
use crate::server::outbox::Outbound;
use crate::server::password::StoredPassword;
use std::time::Instant;

impl Hub {
    /// Host only: locks or unlocks the room.
    pub fn set_locked(&self, room_id: &RoomId, by: PeerId, locked: bool) -> Result<(), ErrorCode> {
        self.as_host(room_id, by, |room| room.locked = locked)
    }

    /// Host only: asks to change the room's password, which costs a hash. Refused for anyone but
    /// the host, and for a host changing it too often.
    pub fn may_change_password(
        &self,
        room_id: &RoomId,
        by: PeerId,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id).ok_or(ErrorCode::NotInRoom)?;
        if room.host() != Some(by) {
            return Err(ErrorCode::NotHost);
        }
        if room.password_changes.take(now) {
            Ok(())
        } else {
            Err(ErrorCode::TooFast)
        }
    }

    /// Host only: sets or clears the room password (already hashed).
    pub fn set_password(
        &self,
        room_id: &RoomId,
        by: PeerId,
        password: Option<StoredPassword>,
    ) -> Result<(), ErrorCode> {
        self.as_host(room_id, by, |room| room.password = password)
    }

    /// Host only: removes a participant, who is told and disconnected and may not resume. The
    /// revocation returned is what the server keeps on disk so that it outlives a restart.
    pub fn remove(
        &self,
        room_id: &RoomId,
        by: PeerId,
        target: PeerId,
        now: Instant,
    ) -> Result<Revocation, ErrorCode> {
        let mut rooms = self.lock(room_id);
        let room = rooms.get_mut(room_id).ok_or(ErrorCode::NotInRoom)?;
        room.host_may_act_on(by, target)?;
        if let Some(member) = room.member_mut(target)
            && let Some(tx) = member.tx.take()
        {
            let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::Removed)));
            let _ = tx.try_send(Outbound::Close(
                crate::protocol::CLOSE_POLICY,
                "removed by the host",
            ));
        }
        let member = room.remove(target).expect("checked above");
        Ok(self.revoke(room_id, &member, true, now))
    }

    pub(super) fn as_host(
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
}
