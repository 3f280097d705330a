//! File transfers as the UI shows them: one item per file per person, with its progress and
//! outcome. The browser's transfer logic ([`crate::client::transfers`]) writes it.

use crate::protocol::PeerId;
use crate::protocol::data::TransferId;
use leptos::prelude::*;
use std::rc::Rc;

/// Which transfer an item is: the other person, the sender's number, and our direction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TransferKey {
    /// The other person.
    pub peer: PeerId,
    /// The number the sender gave it.
    pub id: TransferId,
    /// We are sending.
    pub outgoing: bool,
}

/// What a person can do to a transfer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TransferAction {
    /// Receive an offered file.
    Accept,
    /// Refuse an offered file.
    Decline,
    /// Stop a transfer, either side.
    Cancel,
}

/// Where a transfer is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TransferStatus {
    /// Sent: waiting for them to accept. Received: waiting for us to accept.
    Offered,
    /// Bytes are moving.
    Moving,
    /// Every byte arrived and its SHA-256 matched the sender's.
    Verified,
    /// Every byte arrived but the SHA-256 did not match.
    Corrupted,
    /// The receiver declined it.
    Declined,
    /// Stopped on purpose; `by_us` when we pressed Cancel.
    Cancelled {
        /// We cancelled it (else they did).
        by_us: bool,
    },
    /// Stopped by a problem, described in a sentence.
    Failed(crate::i18n::Text),
}

impl TransferStatus {
    /// The transfer is over, one way or another.
    pub fn is_over(&self) -> bool {
        !matches!(self, TransferStatus::Offered | TransferStatus::Moving)
    }
}

/// A received file, saved in the browser; its address is released when the last copy goes.
#[derive(Clone, Debug)]
pub struct SavedFile(Rc<ObjectUrl>);

#[derive(Debug)]
struct ObjectUrl(String);

impl SavedFile {
    /// Owns an object URL made with `URL.createObjectURL`.
    pub fn new(url: String) -> Self {
        SavedFile(Rc::new(ObjectUrl(url)))
    }

    /// The address to download it from.
    pub fn url(&self) -> &str {
        &self.0.0
    }
}

impl Drop for ObjectUrl {
    fn drop(&mut self) {
        let _ = web_sys::Url::revoke_object_url(&self.0);
    }
}

/// One file going to or coming from one person.
#[derive(Clone, Copy, Debug)]
pub struct TransferItem {
    /// Which transfer.
    pub key: TransferKey,
    /// The file's name.
    pub name: StoredValue<String>,
    /// Its size in bytes.
    pub size: u64,
    /// The other person's name.
    pub peer_name: StoredValue<String>,
    /// Where it is.
    pub status: RwSignal<TransferStatus>,
    /// Bytes sent or received so far.
    pub done: RwSignal<u64>,
    /// Bytes per second lately, once measured.
    pub speed: RwSignal<Option<f64>>,
    /// Seconds left at that speed.
    pub seconds_left: RwSignal<Option<f64>>,
    /// The received file, once verified.
    pub saved: RwSignal<Option<SavedFile>, LocalStorage>,
}

/// Every transfer of one meeting page.
#[derive(Clone, Copy, Debug)]
pub struct TransferState {
    /// Items, oldest first.
    pub items: RwSignal<Vec<TransferItem>>,
    /// The files panel is showing.
    pub open: RwSignal<bool>,
    /// The meeting page's owner, which items belong to: a transfer started from the call view
    /// is still written to (a failure, the last progress) after the call view is gone.
    owner: StoredValue<Owner>,
}

impl TransferState {
    /// No transfers, panel closed.
    pub fn new() -> Self {
        TransferState {
            items: RwSignal::new(Vec::new()),
            open: RwSignal::new(false),
            owner: StoredValue::new(Owner::current().unwrap_or_default()),
        }
    }

    /// Adds an item for a new transfer.
    pub fn add(
        &self,
        key: TransferKey,
        name: String,
        size: u64,
        peer_name: String,
    ) -> TransferItem {
        let owner = self.owner.get_value();
        let item = owner.with(|| TransferItem {
            key,
            name: StoredValue::new(name),
            size,
            peer_name: StoredValue::new(peer_name),
            status: RwSignal::new(TransferStatus::Offered),
            done: RwSignal::new(0),
            speed: RwSignal::new(None),
            seconds_left: RwSignal::new(None),
            saved: RwSignal::new_local(None),
        });
        self.items.update(|items| items.push(item));
        item
    }

    /// The item of a transfer.
    pub fn get(&self, key: TransferKey) -> Option<TransferItem> {
        self.items
            .with_untracked(|items| items.iter().find(|i| i.key == key).copied())
    }

    /// Transfers waiting for our answer.
    pub fn waiting_for_us(&self) -> usize {
        self.items.with(|items| {
            items
                .iter()
                .filter(|i| !i.key.outgoing && i.status.get() == TransferStatus::Offered)
                .count()
        })
    }

    /// Files `peer` has offered us that wait for our answer.
    pub fn waiting_from(&self, peer: PeerId) -> usize {
        self.items.with_untracked(|items| {
            items
                .iter()
                .filter(|i| {
                    !i.key.outgoing
                        && i.key.peer == peer
                        && i.status.get_untracked() == TransferStatus::Offered
                })
                .count()
        })
    }

    /// Removes the finished items (releasing the received files they hold).
    pub fn clear_finished(&self) {
        self.items
            .update(|items| items.retain(|i| !i.status.get_untracked().is_over()));
    }
}

impl Default for TransferState {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(peer: u64, id: u32, outgoing: bool) -> TransferKey {
        TransferKey {
            peer: PeerId(peer),
            id: TransferId(id),
            outgoing,
        }
    }

    #[test]
    fn items_are_found_by_key_including_direction() {
        let owner = Owner::new();
        owner.with(|| {
            let state = TransferState::new();
            state.add(key(1, 1, true), "a.txt".into(), 3, "Ann".into());
            state.add(key(1, 1, false), "b.txt".into(), 4, "Ann".into());
            assert_eq!(state.get(key(1, 1, false)).unwrap().size, 4);
            assert_eq!(state.get(key(1, 1, true)).unwrap().size, 3);
            assert!(state.get(key(2, 1, true)).is_none());
            assert_eq!(state.waiting_for_us(), 1);
        });
    }

    #[test]
    fn an_item_added_from_a_view_outlives_the_view() {
        let page = Owner::new();
        page.with(|| {
            let state = TransferState::new();
            // The call view, where the person picked the file; then they leave the call.
            let view = page.child();
            let item = view.with(|| state.add(key(1, 1, true), "a".into(), 1, "Ann".into()));
            view.cleanup();
            drop(view);
            item.status
                .set(TransferStatus::Failed(crate::i18n::Text::new(
                    "file-failed-call-ended",
                )));
            assert_eq!(item.done.get_untracked(), 0);
            assert_eq!(state.get(item.key).unwrap().name.get_value(), "a");
        });
    }

    #[test]
    fn clearing_keeps_transfers_still_running() {
        let owner = Owner::new();
        owner.with(|| {
            let state = TransferState::new();
            let done = state.add(key(1, 1, true), "a".into(), 1, "Ann".into());
            let running = state.add(key(1, 2, true), "b".into(), 1, "Ann".into());
            done.status.set(TransferStatus::Verified);
            running.status.set(TransferStatus::Moving);
            state.clear_finished();
            let left: Vec<_> = state.items.get_untracked().iter().map(|i| i.key).collect();
            assert_eq!(left, vec![running.key]);
        });
    }

    #[test]
    fn only_offered_and_moving_are_not_over() {
        assert!(!TransferStatus::Offered.is_over());
        assert!(!TransferStatus::Moving.is_over());
        for over in [
            TransferStatus::Verified,
            TransferStatus::Corrupted,
            TransferStatus::Declined,
            TransferStatus::Cancelled { by_us: true },
            TransferStatus::Failed(crate::i18n::Text::new("file-failed-call-ended")),
        ] {
            assert!(over.is_over());
        }
    }
}
