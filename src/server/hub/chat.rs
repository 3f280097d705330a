//! Chat in rooms whose media goes through the server, where no direct connection between
//! browsers carries it: relayed to everyone else or to one participant, never kept. In a room
//! whose browsers connect directly, chat goes over those connections and the server refuses it.

use super::{Hub, encode};
use crate::protocol::data::check_chat;
use crate::protocol::{ErrorCode, MediaRoute, PeerId, RoomId, ServerMessage};

impl Hub {
    /// Relays a chat message from `from` to `to`, or to everyone else in the room.
    pub fn chat(
        &self,
        room_id: &RoomId,
        from: PeerId,
        to: Option<PeerId>,
        text: &str,
        sent_at: u64,
    ) -> Result<(), ErrorCode> {
        let text = check_chat(text).map_err(|_| ErrorCode::Invalid)?;
        self.in_room(room_id, |room| {
            if room.member(from).is_none() {
                return Err(ErrorCode::NotInRoom);
            }
            if room.media != MediaRoute::Sfu {
                return Err(ErrorCode::Invalid);
            }
            let message = ServerMessage::Chat {
                from,
                text,
                private: to.is_some(),
                sent_at,
            };
            let Some(to) = to else {
                room.broadcast(&message, Some(from));
                return Ok(());
            };
            if to == from {
                return Err(ErrorCode::UnknownPeer);
            }
            let target = room.member_mut(to).ok_or(ErrorCode::UnknownPeer)?;
            if target.deliver(encode(&message)) {
                Ok(())
            } else {
                Err(ErrorCode::PeerBusy)
            }
        })
    }
}
