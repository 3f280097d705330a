//! What participants show each other besides media: raised hands (kept, in the order they went
//! up, so late joiners and returning members see them), reactions (relayed, never kept, with a
//! budget per member) and the host asking someone to turn their microphone on (never turning it
//! on for them).

use super::room::Room;
use super::{Hub, encode};
use crate::protocol::{ErrorCode, PeerId, Reaction, RoomId, ServerMessage};
use std::time::Instant;

impl Hub {
    /// Raises or lowers a member's own hand and tells the whole room, the member included.
    /// Raising a hand that is up keeps its place.
    pub fn set_hand(&self, room_id: &RoomId, id: PeerId, raised: bool) -> Result<(), ErrorCode> {
        self.in_room(room_id, |room| {
            if room.member(id).is_none() {
                return Err(ErrorCode::NotInRoom);
            }
            room.set_hand(id, raised);
            Ok(())
        })
    }

    /// Host only: lowers someone's hand.
    pub fn lower_hand(&self, room_id: &RoomId, by: PeerId, id: PeerId) -> Result<(), ErrorCode> {
        self.in_room(room_id, |room| {
            room.host_may_act_on(by, id)?;
            room.set_hand(id, false);
            Ok(())
        })
    }

    /// Relays a reaction to the whole room, the sender included, if the sender's budget allows.
    pub fn react(
        &self,
        room_id: &RoomId,
        from: PeerId,
        reaction: Reaction,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        self.in_room(room_id, |room| {
            let member = room.member_mut(from).ok_or(ErrorCode::NotInRoom)?;
            if !member.gestures.take(now) {
                return Err(ErrorCode::TooFast);
            }
            room.broadcast(&ServerMessage::Reaction { from, reaction }, None);
            Ok(())
        })
    }

    /// Host only: asks someone to turn their microphone on (from the host's gesture budget).
    pub fn ask_to_unmute(
        &self,
        room_id: &RoomId,
        by: PeerId,
        id: PeerId,
        now: Instant,
    ) -> Result<(), ErrorCode> {
        self.in_room(room_id, |room| {
            room.host_may_act_on(by, id)?;
            let host = room.member_mut(by).ok_or(ErrorCode::NotInRoom)?;
            if !host.gestures.take(now) {
                return Err(ErrorCode::TooFast);
            }
            let target = room.member_mut(id).ok_or(ErrorCode::UnknownPeer)?;
            if target.deliver(encode(&ServerMessage::UnmuteAsked)) {
                Ok(())
            } else {
                Err(ErrorCode::PeerBusy)
            }
        })
    }

    /// Runs `f` on a room, or says we are not in it.
    pub(super) fn in_room(
        &self,
        room_id: &RoomId,
        f: impl FnOnce(&mut Room) -> Result<(), ErrorCode>,
    ) -> Result<(), ErrorCode> {
        let mut rooms = self.lock(room_id);
        rooms.get_mut(room_id).map_or(Err(ErrorCode::NotInRoom), f)
    }
}
