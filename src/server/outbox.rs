//! A connection's outbox: the queue from the hub to the task that writes the connection's
//! socket.
//!
//! It is bounded twice: by messages ([`OUTBOX_MESSAGES`]) and by bytes ([`OUTBOX_BYTES`]), so a
//! connection that stops reading holds at most a few hundred KiB of the server's memory however
//! large the messages sent to it are. A message that does not fit means the connection has
//! fallen behind: the outbox refuses it and tells the connection ([`OutboxSender::fallen_behind`]),
//! which then closes (its member waits, away, for the browser to reconnect and resume).

use axum::extract::ws::Utf8Bytes;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio::sync::{Notify, mpsc};

/// Messages an outbox holds at most.
pub const OUTBOX_MESSAGES: usize = 256;

/// Bytes of messages an outbox holds at most: eight messages of the largest size the server
/// accepts, several times what a newcomer to a full room of 32 is sent at once (an answer and a
/// dozen candidates from each of the others, about 12 KB each).
pub const OUTBOX_BYTES: usize = 512 * 1024;

/// What the hub hands a member's connection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outbound {
    /// A serialised [`crate::protocol::ServerMessage`], shared by every recipient.
    Frame(Utf8Bytes),
    /// Close the connection with this code and reason (after the frames before it).
    Close(u16, &'static str),
}

impl Outbound {
    /// The bytes it counts against [`OUTBOX_BYTES`].
    pub fn bytes(&self) -> usize {
        match self {
            Outbound::Frame(frame) => frame.len(),
            Outbound::Close(_, reason) => reason.len(),
        }
    }
}

/// Why a message was not queued; it is handed back.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The outbox is full: its connection has fallen behind.
    Full(Outbound),
    /// The connection is gone.
    Closed(Outbound),
}

/// What both ends share.
#[derive(Debug)]
struct Shared {
    /// Bytes of the messages queued now.
    queued: AtomicUsize,
    /// Most bytes queued at once.
    limit: usize,
    /// Woken once a message has been refused for want of room.
    behind: Notify,
}

/// The hub's end: queues messages without waiting.
#[derive(Clone, Debug)]
pub struct OutboxSender {
    tx: mpsc::Sender<Outbound>,
    shared: Arc<Shared>,
}

/// The connection's end: the messages to write, in order.
#[derive(Debug)]
pub struct Outbox {
    rx: mpsc::Receiver<Outbound>,
    shared: Arc<Shared>,
}

/// An outbox with the server's bounds.
pub fn outbox() -> (OutboxSender, Outbox) {
    outbox_with(OUTBOX_MESSAGES, OUTBOX_BYTES)
}

/// An outbox holding at most `messages` messages and `bytes` bytes of them (one message larger
/// than `bytes` still fits in an empty outbox).
pub fn outbox_with(messages: usize, bytes: usize) -> (OutboxSender, Outbox) {
    let (tx, rx) = mpsc::channel(messages);
    let shared = Arc::new(Shared {
        queued: AtomicUsize::new(0),
        limit: bytes,
        behind: Notify::new(),
    });
    (
        OutboxSender {
            tx,
            shared: shared.clone(),
        },
        Outbox { rx, shared },
    )
}

impl OutboxSender {
    /// Queues `message` if it fits. If it does not, the connection is told it has fallen behind.
    pub fn try_send(&self, message: Outbound) -> Result<(), Refused> {
        let bytes = message.bytes();
        let before = self.shared.queued.fetch_add(bytes, Ordering::AcqRel);
        let refused = if before > 0 && before + bytes > self.shared.limit {
            Refused::Full(message)
        } else {
            match self.tx.try_send(message) {
                Ok(()) => return Ok(()),
                Err(mpsc::error::TrySendError::Full(message)) => Refused::Full(message),
                Err(mpsc::error::TrySendError::Closed(message)) => Refused::Closed(message),
            }
        };
        self.shared.queued.fetch_sub(bytes, Ordering::AcqRel);
        if matches!(refused, Refused::Full(_)) {
            self.shared.behind.notify_one();
        }
        Err(refused)
    }

    /// Queues a close behind everything already queued, waiting for room (it counts against
    /// the message bound only). Fails if the connection is gone.
    pub async fn close(&self, code: u16, reason: &'static str) -> Result<(), Refused> {
        let message = Outbound::Close(code, reason);
        self.shared
            .queued
            .fetch_add(message.bytes(), Ordering::AcqRel);
        self.tx.send(message).await.map_err(|refused| {
            self.shared
                .queued
                .fetch_sub(refused.0.bytes(), Ordering::AcqRel);
            Refused::Closed(refused.0)
        })
    }

    /// Resolves once a message for this connection has been refused because it did not fit
    /// (at once if one already was).
    pub async fn fallen_behind(&self) {
        self.shared.behind.notified().await;
    }

    /// Bytes queued now.
    #[cfg(test)]
    fn queued_bytes(&self) -> usize {
        self.shared.queued.load(Ordering::Acquire)
    }
}

impl Outbox {
    /// The next message, once there is one; `None` when every sender is gone and all was taken.
    pub async fn recv(&mut self) -> Option<Outbound> {
        let message = self.rx.recv().await?;
        self.taken(&message);
        Some(message)
    }

    /// The next message if one is queued now.
    pub fn try_recv(&mut self) -> Result<Outbound, mpsc::error::TryRecvError> {
        let message = self.rx.try_recv()?;
        self.taken(&message);
        Ok(message)
    }

    fn taken(&self, message: &Outbound) {
        self.shared
            .queued
            .fetch_sub(message.bytes(), Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn frame(bytes: usize) -> Outbound {
        Outbound::Frame(Utf8Bytes::from("x".repeat(bytes)))
    }

    /// Whether `fallen_behind` has fired (without waiting for it).
    async fn behind(tx: &OutboxSender) -> bool {
        tokio::time::timeout(Duration::from_millis(20), tx.fallen_behind())
            .await
            .is_ok()
    }

    #[tokio::test]
    async fn a_message_over_the_byte_bound_is_refused_and_the_connection_told() {
        let (tx, _rx) = outbox_with(100, 1000);
        tx.try_send(frame(600)).unwrap();
        tx.try_send(frame(400)).unwrap();
        assert!(!behind(&tx).await);
        assert_eq!(tx.try_send(frame(1)), Err(Refused::Full(frame(1))));
        assert_eq!(tx.queued_bytes(), 1000);
        assert!(behind(&tx).await);
    }

    #[tokio::test]
    async fn a_message_over_the_count_bound_is_refused_and_the_connection_told() {
        let (tx, _rx) = outbox_with(2, 1_000_000);
        tx.try_send(frame(1)).unwrap();
        tx.try_send(frame(1)).unwrap();
        assert_eq!(tx.try_send(frame(1)), Err(Refused::Full(frame(1))));
        assert_eq!(tx.queued_bytes(), 2);
        assert!(behind(&tx).await);
    }

    #[test]
    fn taking_messages_makes_room_and_keeps_their_order() {
        let (tx, mut rx) = outbox_with(100, 1000);
        tx.try_send(frame(700)).unwrap();
        assert!(matches!(tx.try_send(frame(400)), Err(Refused::Full(_))));
        assert_eq!(rx.try_recv().unwrap(), frame(700));
        assert_eq!(tx.queued_bytes(), 0);
        tx.try_send(frame(400)).unwrap();
        tx.try_send(frame(500)).unwrap();
        assert_eq!(rx.try_recv().unwrap(), frame(400));
        assert_eq!(rx.try_recv().unwrap(), frame(500));
        assert!(rx.try_recv().is_err());
    }

    #[test]
    fn one_message_larger_than_the_bound_fits_an_empty_outbox() {
        let (tx, mut rx) = outbox_with(100, 1000);
        tx.try_send(frame(5000)).unwrap();
        assert!(matches!(tx.try_send(frame(1)), Err(Refused::Full(_))));
        assert_eq!(rx.try_recv().unwrap(), frame(5000));
    }

    #[tokio::test]
    async fn a_close_waits_behind_a_full_outbox_and_comes_last() {
        let (tx, mut rx) = outbox_with(1, 1000);
        tx.try_send(frame(10)).unwrap();
        let closing = {
            let tx = tx.clone();
            tokio::spawn(async move { tx.close(1013, "not keeping up").await })
        };
        assert_eq!(rx.recv().await, Some(frame(10)));
        assert_eq!(
            rx.recv().await,
            Some(Outbound::Close(1013, "not keeping up"))
        );
        closing.await.unwrap().unwrap();
        assert_eq!(tx.queued_bytes(), 0);
    }

    #[tokio::test]
    async fn a_gone_connection_hands_the_message_back_and_is_not_behind() {
        let (tx, rx) = outbox_with(10, 1000);
        drop(rx);
        assert_eq!(tx.try_send(frame(3)), Err(Refused::Closed(frame(3))));
        assert_eq!(tx.queued_bytes(), 0);
        assert!(!behind(&tx).await);
    }
}
