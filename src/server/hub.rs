//! The room hub: which peers are in which room, and delivery of messages between them.
//!
//! The hub knows nothing of sockets. Each member hands it the sending half of a bounded queue;
//! the connection task drains the other half into its WebSocket. Messages are serialised once and
//! shared between recipients.

use crate::protocol::{
    ErrorCode, MediaState, PeerId, PeerInfo, RoomId, ServerMessage, Signal, clean_name,
};
use axum::extract::ws::Utf8Bytes;
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::sync::mpsc;

/// Messages queued for one member before it counts as too slow.
pub const MEMBER_QUEUE: usize = 256;

/// A serialised [`ServerMessage`], ready to be written to any number of sockets.
pub type Outbound = Utf8Bytes;

/// Where the hub delivers a member's messages.
pub type MemberSender = mpsc::Sender<Outbound>;

/// Limits the hub enforces.
#[derive(Clone, Debug)]
pub struct HubLimits {
    /// Most peers in one room (a full mesh costs every peer one upload per other peer).
    pub max_peers_per_room: usize,
}

impl Default for HubLimits {
    fn default() -> Self {
        HubLimits {
            max_peers_per_room: 6,
        }
    }
}

/// All rooms of this server.
#[derive(Debug)]
pub struct Hub {
    /// Rooms by id. One lock, never held across an await.
    rooms: Mutex<HashMap<RoomId, Room>>,
    /// Source of peer ids; ids are never reused while the server runs.
    next_peer: AtomicU64,
    /// Limits applied to joins.
    limits: HubLimits,
}

/// One room and its members.
#[derive(Debug, Default)]
struct Room {
    /// Members in join order.
    members: Vec<Member>,
}

/// One peer in a room.
#[derive(Debug)]
struct Member {
    /// Id and display name.
    info: PeerInfo,
    /// Queue into the member's connection.
    tx: MemberSender,
}

/// What a successful join returns to the joining connection.
#[derive(Debug)]
pub struct Joined {
    /// The id assigned to the new member.
    pub id: PeerId,
    /// The members who were already in the room.
    pub peers: Vec<PeerInfo>,
}

/// Serialises a server message once.
pub fn encode(message: &ServerMessage) -> Outbound {
    // ServerMessage holds only strings, numbers and enums: serialising it cannot fail.
    Utf8Bytes::from(serde_json::to_string(message).expect("ServerMessage serialises"))
}

impl Hub {
    /// An empty hub.
    pub fn new(limits: HubLimits) -> Self {
        Hub {
            rooms: Mutex::new(HashMap::new()),
            next_peer: AtomicU64::new(1),
            limits,
        }
    }

    /// The limits this hub enforces.
    pub fn limits(&self) -> &HubLimits {
        &self.limits
    }

    /// Makes a new room id: 128 bits from the operating system's secure generator. The room
    /// itself takes no memory until someone joins, so creating ids cannot fill the server.
    pub fn create_room(&self) -> RoomId {
        RoomId::from_random_bytes(rand::random())
    }

    /// Adds a member to a room (the first member brings the room into being, which also keeps
    /// links working across restarts) and tells the others.
    pub fn join(
        &self,
        room_id: &RoomId,
        name: &str,
        media: MediaState,
        tx: MemberSender,
    ) -> Result<Joined, ErrorCode> {
        let mut rooms = self.lock();
        let room = rooms.entry(room_id.clone()).or_default();
        if room.members.len() >= self.limits.max_peers_per_room {
            if room.members.is_empty() {
                rooms.remove(room_id);
            }
            return Err(ErrorCode::RoomFull);
        }
        let info = PeerInfo {
            id: PeerId(self.next_peer.fetch_add(1, Ordering::Relaxed)),
            name: clean_name(name),
            media,
        };
        let announcement = encode(&ServerMessage::PeerJoined { peer: info.clone() });
        for member in &room.members {
            member.send(announcement.clone());
        }
        let peers = room.members.iter().map(|m| m.info.clone()).collect();
        let id = info.id;
        room.members.push(Member { info, tx });
        Ok(Joined { id, peers })
    }

    /// Removes a member and tells the rest of its room. Empty rooms are forgotten.
    pub fn leave(&self, room_id: &RoomId, id: PeerId) {
        let mut rooms = self.lock();
        let Some(room) = rooms.get_mut(room_id) else {
            return;
        };
        let before = room.members.len();
        room.members.retain(|m| m.info.id != id);
        if room.members.len() == before {
            return;
        }
        if room.members.is_empty() {
            rooms.remove(room_id);
            return;
        }
        let announcement = encode(&ServerMessage::PeerLeft { id });
        for member in &room.members {
            member.send(announcement.clone());
        }
    }

    /// Records a member's new media state and tells the rest of its room.
    pub fn update_media(&self, room_id: &RoomId, id: PeerId, state: MediaState) {
        let mut rooms = self.lock();
        let Some(room) = rooms.get_mut(room_id) else {
            return;
        };
        let Some(member) = room.members.iter_mut().find(|m| m.info.id == id) else {
            return;
        };
        member.info.media = state;
        let announcement = encode(&ServerMessage::PeerMedia { id, state });
        for other in room.members.iter().filter(|m| m.info.id != id) {
            other.send(announcement.clone());
        }
    }

    /// Delivers a signal from `from` to `to`, both of which must be in `room_id`.
    pub fn relay(
        &self,
        room_id: &RoomId,
        from: PeerId,
        to: PeerId,
        signal: Signal,
    ) -> Result<(), ErrorCode> {
        let rooms = self.lock();
        let room = rooms.get(room_id).ok_or(ErrorCode::NotInRoom)?;
        if !room.members.iter().any(|m| m.info.id == from) {
            return Err(ErrorCode::NotInRoom);
        }
        let target = room
            .members
            .iter()
            .find(|m| m.info.id == to && to != from)
            .ok_or(ErrorCode::UnknownPeer)?;
        let frame = encode(&ServerMessage::Signal { from, signal });
        target.tx.try_send(frame).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => ErrorCode::PeerBusy,
            mpsc::error::TrySendError::Closed(_) => ErrorCode::UnknownPeer,
        })
    }

    /// Number of rooms with at least one member.
    pub fn room_count(&self) -> usize {
        self.lock().len()
    }

    /// Number of members of a room.
    pub fn member_count(&self, room_id: &RoomId) -> usize {
        self.lock().get(room_id).map_or(0, |r| r.members.len())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<RoomId, Room>> {
        // A panic while holding the lock leaves the map consistent (every mutation is one call),
        // so a poisoned lock is still safe to use.
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Member {
    /// Queues a broadcast; a member too slow to take it will see the room state refreshed when it
    /// reconnects, so dropping is safer than blocking the whole room.
    fn send(&self, frame: Outbound) {
        if self.tx.try_send(frame).is_err() {
            tracing::warn!(peer = %self.info.id, "member queue full or closed; broadcast dropped");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::SdpType;

    fn member() -> (MemberSender, mpsc::Receiver<Outbound>) {
        mpsc::channel(MEMBER_QUEUE)
    }

    fn next(rx: &mut mpsc::Receiver<Outbound>) -> ServerMessage {
        let frame = rx.try_recv().expect("a message is queued");
        serde_json::from_str(frame.as_str()).unwrap()
    }

    fn offer() -> Signal {
        Signal::Description {
            sdp_type: SdpType::Offer,
            sdp: "v=0".into(),
        }
    }

    #[test]
    fn created_room_ids_are_distinct_and_take_no_memory_until_joined() {
        let hub = Hub::new(HubLimits::default());
        let ids: std::collections::HashSet<_> = (0..1000).map(|_| hub.create_room()).collect();
        assert_eq!(ids.len(), 1000);
        assert_eq!(hub.room_count(), 0);
        let (tx, _rx) = member();
        hub.join(ids.iter().next().unwrap(), "A", MediaState::default(), tx)
            .unwrap();
        assert_eq!(hub.room_count(), 1);
    }

    #[test]
    fn joiner_gets_existing_peers_and_they_hear_of_it() {
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, mut rx_a) = member();
        let a = hub
            .join(&room, " Ada ", MediaState::default(), tx_a)
            .unwrap();
        assert!(a.peers.is_empty());
        let (tx_b, mut rx_b) = member();
        let b = hub.join(&room, "Bob", MediaState::default(), tx_b).unwrap();
        assert_ne!(a.id, b.id);
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
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, mut rx_a) = member();
        let (tx_b, _rx_b) = member();
        let a = hub.join(&room, "A", MediaState::default(), tx_a).unwrap();
        let b = hub.join(&room, "B", MediaState::default(), tx_b).unwrap();
        let _ = next(&mut rx_a);
        hub.leave(&room, b.id);
        assert_eq!(next(&mut rx_a), ServerMessage::PeerLeft { id: b.id });
        assert_eq!(hub.member_count(&room), 1);
        hub.leave(&room, a.id);
        assert_eq!(hub.room_count(), 0);
    }

    #[test]
    fn relay_reaches_only_the_named_peer_stamped_with_the_sender() {
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, mut rx_a) = member();
        let (tx_b, mut rx_b) = member();
        let (tx_c, mut rx_c) = member();
        let a = hub.join(&room, "A", MediaState::default(), tx_a).unwrap();
        let b = hub.join(&room, "B", MediaState::default(), tx_b).unwrap();
        let _c = hub.join(&room, "C", MediaState::default(), tx_c).unwrap();
        while rx_a.try_recv().is_ok() {}
        while rx_b.try_recv().is_ok() {}
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
        let hub = Hub::new(HubLimits::default());
        let room1 = hub.create_room();
        let room2 = hub.create_room();
        let (tx_a, _rx_a) = member();
        let (tx_b, mut rx_b) = member();
        let a = hub.join(&room1, "A", MediaState::default(), tx_a).unwrap();
        let b = hub.join(&room2, "B", MediaState::default(), tx_b).unwrap();
        assert_eq!(
            hub.relay(&room1, a.id, b.id, offer()),
            Err(ErrorCode::UnknownPeer)
        );
        assert!(rx_b.try_recv().is_err());
    }

    #[test]
    fn relay_from_a_non_member_or_to_oneself_is_refused() {
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, _rx_a) = member();
        let a = hub.join(&room, "A", MediaState::default(), tx_a).unwrap();
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
        let hub = Hub::new(HubLimits {
            max_peers_per_room: 2,
        });
        let room = hub.create_room();
        let mut keep = Vec::new();
        for name in ["A", "B"] {
            let (tx, rx) = member();
            hub.join(&room, name, MediaState::default(), tx).unwrap();
            keep.push(rx);
        }
        let (tx, _rx) = member();
        assert_eq!(
            hub.join(&room, "C", MediaState::default(), tx).unwrap_err(),
            ErrorCode::RoomFull
        );
        assert_eq!(hub.member_count(&room), 2);
    }

    #[test]
    fn slow_member_makes_relay_report_busy_instead_of_growing() {
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, _rx_a) = member();
        let (tx_b, _rx_b) = mpsc::channel(1);
        let a = hub.join(&room, "A", MediaState::default(), tx_a).unwrap();
        let b = hub.join(&room, "B", MediaState::default(), tx_b).unwrap();
        hub.relay(&room, a.id, b.id, offer()).unwrap();
        assert_eq!(
            hub.relay(&room, a.id, b.id, offer()),
            Err(ErrorCode::PeerBusy)
        );
    }

    #[test]
    fn media_changes_reach_the_others_and_later_joiners() {
        let hub = Hub::new(HubLimits::default());
        let room = hub.create_room();
        let (tx_a, mut rx_a) = member();
        let (tx_b, mut rx_b) = member();
        let muted = MediaState {
            audio: false,
            video: true,
            screen: false,
        };
        let a = hub.join(&room, "A", MediaState::default(), tx_a).unwrap();
        let _b = hub.join(&room, "B", MediaState::default(), tx_b).unwrap();
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
        let c = hub.join(&room, "C", MediaState::default(), tx_c).unwrap();
        assert_eq!(c.peers[0].media, muted);
    }

    #[test]
    fn unknown_room_ids_are_joinable_so_links_survive_restarts() {
        let hub = Hub::new(HubLimits::default());
        let room = RoomId::from_random_bytes([1; 16]);
        let (tx, _rx) = member();
        hub.join(&room, "A", MediaState::default(), tx).unwrap();
        assert_eq!(hub.member_count(&room), 1);
    }
}
