//! One participant of a room, as the hub keeps it: who it is, the queue into its connection, and
//! what waits for it while it is away.

use super::ConnectionId;
use crate::protocol::PeerInfo;
use crate::server::outbox::{OUTBOX_BYTES, OUTBOX_MESSAGES, Outbound, OutboxSender, Refused};
use crate::server::rate::TokenBucket;
use crate::server::source::Source;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Messages that wait for an away member at most: half an outbox, so that the new connection's
/// outbox takes the welcome and all of them when the member comes back.
pub(super) const HELD_MESSAGES: usize = OUTBOX_MESSAGES / 2;

/// Bytes of the messages that wait for an away member at most (half an outbox, as above).
pub(super) const HELD_BYTES: usize = OUTBOX_BYTES / 2;

/// Reactions (and, for a host, asks to unmute) a member may send at once.
pub const GESTURE_BURST: u32 = 6;

/// After the burst, one more every this long.
pub const GESTURE_REFILL: Duration = Duration::from_millis(750);

/// One peer in a room.
#[derive(Debug)]
pub(super) struct Member {
    /// Id and display name.
    pub info: PeerInfo,
    /// Queue into the member's connection; `None` while it is away.
    pub tx: Option<OutboxSender>,
    /// The connection currently carrying this member.
    pub connection: ConnectionId,
    /// The client the connection comes from.
    pub source: Source,
    /// When (Unix seconds) the newest resume token given to this member expires.
    pub token_expires: u64,
    /// Reactions and asks to unmute: each shows something on other people's screens, so they
    /// have a budget of their own, kept across reconnections.
    pub gestures: TokenBucket,
    /// Messages held while the member is away.
    held: VecDeque<Outbound>,
    /// Bytes of the messages held.
    held_bytes: usize,
}

impl Member {
    /// A present member.
    pub fn new(
        info: PeerInfo,
        tx: OutboxSender,
        connection: ConnectionId,
        source: Source,
        token_expires: u64,
        now: Instant,
    ) -> Self {
        Member {
            info,
            tx: Some(tx),
            connection,
            source,
            token_expires,
            gestures: TokenBucket::new(GESTURE_BURST, GESTURE_REFILL, now),
            held: VecDeque::new(),
            held_bytes: 0,
        }
    }

    /// Whether the member's connection has gone and it may still come back.
    pub fn is_away(&self) -> bool {
        self.tx.is_none()
    }

    /// Takes what was held for the member while it was away, oldest first.
    pub fn take_held(&mut self) -> Vec<Outbound> {
        self.held_bytes = 0;
        self.held.drain(..).collect()
    }

    /// Queues a frame for the member, or holds it while the member is away. A member whose
    /// outbox is full has stopped reading: its connection has been told to close, and from now
    /// on it is away, so this frame and those after it wait for it to resume. Returns false only
    /// when an away member has as much waiting as it may ([`HELD_MESSAGES`], [`HELD_BYTES`]), so
    /// the frame was dropped.
    pub fn deliver(&mut self, frame: Outbound) -> bool {
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
