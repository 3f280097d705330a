//! Every file transfer of a call, in both directions: offers, answers, cancelling, and what
//! happens to transfers when a participant leaves. The bytes themselves are moved by
//! [`FileSender`] and [`FileReceiver`], one per transfer, each on its own data channel.

use super::file_receive::{FileReceiver, Outcome};
use super::file_send::FileSender;
use crate::protocol::PeerId;
use crate::protocol::data::{PeerMessage, TransferId};
use crate::state::transfers::{
    SavedFile, TransferItem, TransferKey, TransferState, TransferStatus,
};
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use web_sys::{File, RtcDataChannel};

/// The other participants, as the transfers need them.
pub trait Peers {
    /// Sends a control message to one participant.
    fn send(&self, to: PeerId, message: &PeerMessage);
    /// Opens the channel for one of our transfers to a participant.
    fn open_file_channel(&self, to: PeerId, transfer: TransferId) -> Option<RtcDataChannel>;
}

pub use crate::state::transfers::TransferAction;

/// The transfers of one call. Dropping it stops every transfer still running.
pub struct Transfers {
    inner: Rc<Inner>,
}

struct Inner {
    state: TransferState,
    peers: Weak<dyn Peers>,
    next_id: Cell<u32>,
    outgoing: RefCell<HashMap<TransferKey, Outgoing>>,
    incoming: RefCell<HashMap<TransferKey, Incoming>>,
}

/// Files one participant may have waiting for our answer; further offers are declined.
pub const MAX_WAITING_OFFERS: usize = 10;

/// A file we offered.
struct Outgoing {
    file: File,
    sender: Option<FileSender>,
}

/// A file offered to us (accepted once its item is moving).
struct Incoming {
    receiver: Option<FileReceiver>,
}

impl Transfers {
    /// No transfers yet; `peers` reaches the other participants.
    pub fn new(state: TransferState, peers: Weak<dyn Peers>) -> Self {
        Transfers {
            inner: Rc::new(Inner {
                state,
                peers,
                next_id: Cell::new(1),
                outgoing: RefCell::new(HashMap::new()),
                incoming: RefCell::new(HashMap::new()),
            }),
        }
    }

    /// Offers each file to each of `to` (id and name).
    pub fn offer(&self, files: &[File], to: &[(PeerId, String)]) {
        for file in files {
            for (peer, peer_name) in to {
                let id = TransferId(self.inner.next_id.get());
                self.inner.next_id.set(id.0.wrapping_add(1));
                let key = TransferKey {
                    peer: *peer,
                    id,
                    outgoing: true,
                };
                let size = file.size() as u64;
                self.inner
                    .state
                    .add(key, file.name(), size, peer_name.clone());
                self.inner.outgoing.borrow_mut().insert(
                    key,
                    Outgoing {
                        file: file.clone(),
                        sender: None,
                    },
                );
                self.inner.send(
                    *peer,
                    &PeerMessage::FileOffer {
                        transfer: id,
                        name: file.name(),
                        size,
                        mime: file.type_(),
                    },
                );
            }
        }
    }

    /// Does what the person asked to a transfer.
    pub fn act(&self, key: TransferKey, action: TransferAction) {
        let inner = &self.inner;
        let Some(item) = inner.state.get(key) else {
            return;
        };
        if item.status.get_untracked().is_over() {
            return;
        }
        match (action, key.outgoing) {
            (TransferAction::Accept, false) => {
                if item.status.get_untracked() != TransferStatus::Offered {
                    return;
                }
                item.status.set(TransferStatus::Moving);
                inner.send(key.peer, &PeerMessage::FileAccept { transfer: key.id });
            }
            (TransferAction::Decline, false) => {
                Inner::finish(inner, key, TransferStatus::Declined);
                inner.send(key.peer, &PeerMessage::FileDecline { transfer: key.id });
            }
            (TransferAction::Cancel, outgoing) => {
                Inner::finish(inner, key, TransferStatus::Cancelled { by_us: true });
                let message = if outgoing {
                    PeerMessage::FileWithdraw { transfer: key.id }
                } else {
                    PeerMessage::FileAbort { transfer: key.id }
                };
                inner.send(key.peer, &message);
            }
            (TransferAction::Accept | TransferAction::Decline, true) => {}
        }
    }

    /// Handles a transfer message from a participant; chat is not for here.
    pub fn on_message(&self, from: PeerId, from_name: &str, message: PeerMessage) {
        let inner = &self.inner;
        let incoming = |transfer| TransferKey {
            peer: from,
            id: transfer,
            outgoing: false,
        };
        let outgoing = |transfer| TransferKey {
            peer: from,
            id: transfer,
            outgoing: true,
        };
        match message {
            PeerMessage::FileOffer {
                transfer,
                name,
                size,
                ..
            } => {
                let key = incoming(transfer);
                if inner.state.get(key).is_some() {
                    return;
                }
                // A browser that floods us with offers gets the rest declined at once, instead
                // of rows that each need a click.
                if inner.state.waiting_from(from) >= MAX_WAITING_OFFERS {
                    inner.send(from, &PeerMessage::FileDecline { transfer });
                    return;
                }
                inner.state.add(key, name, size, from_name.to_owned());
                inner
                    .incoming
                    .borrow_mut()
                    .insert(key, Incoming { receiver: None });
                inner.state.open.set(true);
            }
            PeerMessage::FileWithdraw { transfer } => {
                Inner::finish(
                    inner,
                    incoming(transfer),
                    TransferStatus::Cancelled { by_us: false },
                );
            }
            PeerMessage::FileAccept { transfer } => Inner::start_sending(inner, outgoing(transfer)),
            PeerMessage::FileDecline { transfer } => {
                Inner::finish(inner, outgoing(transfer), TransferStatus::Declined);
            }
            PeerMessage::FileAbort { transfer } => {
                Inner::finish(
                    inner,
                    outgoing(transfer),
                    TransferStatus::Cancelled { by_us: false },
                );
            }
            PeerMessage::FileReceived { transfer, verified } => {
                let key = outgoing(transfer);
                if let Some(item) = inner.state.get(key) {
                    item.done.set(item.size);
                }
                let status = if verified {
                    TransferStatus::Verified
                } else {
                    TransferStatus::Corrupted
                };
                Inner::finish(inner, key, status);
            }
            PeerMessage::Chat { .. } => {}
        }
    }

    /// A participant opened the channel of one of its transfers to us.
    pub fn on_file_channel(&self, from: PeerId, transfer: TransferId, channel: RtcDataChannel) {
        let key = TransferKey {
            peer: from,
            id: transfer,
            outgoing: false,
        };
        let inner = &self.inner;
        let mut incoming = inner.incoming.borrow_mut();
        let item = inner
            .state
            .get(key)
            .filter(|i| i.status.get_untracked() == TransferStatus::Moving);
        let wanted = incoming.get_mut(&key).filter(|t| t.receiver.is_none());
        let (Some(transfer), Some(item)) = (wanted, item) else {
            leptos::logging::warn!("closing a file channel nobody accepted: {key:?}");
            channel.close();
            return;
        };
        let weak = Rc::downgrade(inner);
        transfer.receiver = Some(FileReceiver::start(channel, item, move |outcome| {
            if let Some(inner) = weak.upgrade() {
                Inner::received(&inner, key, outcome);
            }
        }));
    }

    /// A participant left, or the connection to them failed: their transfers cannot finish.
    pub fn peer_gone(&self, peer: PeerId, why: crate::i18n::Text) {
        let keys: Vec<TransferKey> = self.inner.state.items.with_untracked(|items| {
            items
                .iter()
                .filter(|i| i.key.peer == peer && !i.status.get_untracked().is_over())
                .map(|i| i.key)
                .collect()
        });
        for key in keys {
            Inner::finish(&self.inner, key, TransferStatus::Failed(why.clone()));
        }
    }
}

impl Drop for Transfers {
    fn drop(&mut self) {
        let running: Vec<TransferItem> = self.inner.state.items.with_untracked(|items| {
            items
                .iter()
                .filter(|i| !i.status.get_untracked().is_over())
                .copied()
                .collect()
        });
        for item in running {
            item.status
                .set(TransferStatus::Failed(crate::i18n::Text::new(
                    "file-failed-you-left",
                )));
        }
        self.inner.outgoing.borrow_mut().clear();
        self.inner.incoming.borrow_mut().clear();
    }
}

impl Inner {
    fn send(&self, to: PeerId, message: &PeerMessage) {
        if let Some(peers) = self.peers.upgrade() {
            peers.send(to, message);
        }
    }

    /// They accepted: open the transfer's channel and start sending.
    fn start_sending(this: &Rc<Self>, key: TransferKey) {
        let Some(item) = this.state.get(key) else {
            return;
        };
        let mut outgoing = this.outgoing.borrow_mut();
        let Some(transfer) = outgoing.get_mut(&key) else {
            return;
        };
        if transfer.sender.is_some() || item.status.get_untracked() != TransferStatus::Offered {
            return;
        }
        let channel = this
            .peers
            .upgrade()
            .and_then(|p| p.open_file_channel(key.peer, key.id));
        let Some(channel) = channel else {
            drop(outgoing);
            Inner::finish(
                this,
                key,
                TransferStatus::Failed(crate::i18n::Text::new("file-failed-not-connected")),
            );
            return;
        };
        item.status.set(TransferStatus::Moving);
        let weak = Rc::downgrade(this);
        transfer.sender = Some(FileSender::start(
            transfer.file.clone(),
            channel,
            item,
            move |why| {
                // The receiver must not wait for bytes that will never come.
                if let Some(inner) = weak.upgrade() {
                    inner.send(key.peer, &PeerMessage::FileWithdraw { transfer: key.id });
                }
                Inner::fail_later(weak.clone(), key, why);
            },
        ));
    }

    /// The receiving side of a transfer ended.
    fn received(this: &Rc<Self>, key: TransferKey, outcome: Outcome) {
        let Some(item) = this.state.get(key) else {
            return;
        };
        match outcome {
            Outcome::Verified(blob) => {
                match web_sys::Url::create_object_url_with_blob(&blob) {
                    Ok(url) => item.saved.set(Some(SavedFile::new(url))),
                    Err(error) => leptos::logging::error!("cannot offer the file: {error:?}"),
                }
                item.done.set(item.size);
                Inner::finish(this, key, TransferStatus::Verified);
                this.send(
                    key.peer,
                    &PeerMessage::FileReceived {
                        transfer: key.id,
                        verified: true,
                    },
                );
            }
            Outcome::Corrupted => {
                Inner::finish(this, key, TransferStatus::Corrupted);
                this.send(
                    key.peer,
                    &PeerMessage::FileReceived {
                        transfer: key.id,
                        verified: false,
                    },
                );
            }
            Outcome::Failed(why) => {
                this.send(key.peer, &PeerMessage::FileAbort { transfer: key.id });
                Inner::fail_later(Rc::downgrade(this), key, why);
            }
        }
    }

    /// Ends a transfer as failed after [`EXPLANATION_GRACE_MS`], unless it ended otherwise
    /// meanwhile (cancelled by the other side, or they left).
    fn fail_later(this: Weak<Self>, key: TransferKey, why: crate::i18n::Text) {
        wasm_bindgen_futures::spawn_local(async move {
            super::sleep(EXPLANATION_GRACE_MS).await;
            if let Some(inner) = this.upgrade() {
                Inner::finish(&inner, key, TransferStatus::Failed(why));
            }
        });
    }

    /// Ends a transfer with `status` (unless it already ended) and lets go of its channel. The
    /// sender or receiver may be the one calling, from its own channel's handler, so it is
    /// dropped after the current event rather than inside it.
    fn finish(this: &Rc<Self>, key: TransferKey, status: TransferStatus) {
        let Some(item) = this.state.get(key) else {
            return;
        };
        if item.status.get_untracked().is_over() {
            return;
        }
        item.status.set(status);
        item.speed.set(None);
        item.seconds_left.set(None);
        let sender = this.outgoing.borrow_mut().remove(&key);
        let receiver = this.incoming.borrow_mut().remove(&key);
        wasm_bindgen_futures::spawn_local(async move {
            drop(sender);
            drop(receiver);
        });
    }
}

/// How long a transfer whose channel closed early waits for the message saying why (a cancel
/// from the other side travels on another channel and may arrive just after).
const EXPLANATION_GRACE_MS: i32 = 1000;
