//! Receiving one file from its own data channel: each chunk is counted, handed to the file's
//! [`FileHash`] (a worker) and kept as a part of a `Blob`. Every [`FLUSH_BYTES`] the parts are folded into the Blob, which the browser
//! keeps outside the page (on disk when large), so the page never holds more than a few chunks
//! of even a multi-gigabyte file. At the end the SHA-256 is compared with the sender's.

use super::data_channel::{Channel, ChannelEvent};
use super::file_hash::FileHash;
use super::progress::Progress;
use crate::protocol::data::FileEnd;
use crate::protocol::received::{Received, Verdict};
use crate::state::transfers::TransferItem;
use js_sys::{Array, ArrayBuffer, Uint8Array};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use web_sys::{Blob, BlobPropertyBag, RtcDataChannel};

/// Received bytes held as loose parts before they are folded into the Blob.
const FLUSH_BYTES: usize = 16 * 1024 * 1024;

/// How a transfer ended on the receiving side.
pub enum Outcome {
    /// Every byte arrived and the hash matched: the file.
    Verified(Blob),
    /// Every byte arrived but the hash did not match.
    Corrupted,
    /// It stopped early; why, as a sentence.
    Failed(crate::i18n::Text),
}

/// A file being received. Dropping it stops receiving and closes the channel.
pub struct FileReceiver {
    shared: Rc<Shared>,
}

struct Shared {
    channel: RefCell<Option<Channel>>,
    sink: RefCell<Sink>,
    /// The outcome has been reported, or the end has arrived (or the receiver dropped): ignore
    /// every event after.
    over: Cell<bool>,
    /// The receiver was dropped: report nothing.
    dropped: Cell<bool>,
    on_done: Box<dyn Fn(Outcome)>,
}

/// Where the bytes go.
/// The file's hasher, which starts asynchronously (a worker) while bytes may already arrive.
enum Hashing {
    Starting {
        /// Chunks that arrived before it was ready, in order.
        waiting: Vec<Uint8Array>,
        /// The sender's end, if it came first too.
        end: Option<FileEnd>,
    },
    Ready(FileHash),
    /// Handed to the verdict (or never to be used).
    Done,
}

struct Sink {
    /// The count of what arrived, and the verdict at the end.
    check: Option<Received>,
    hash: Hashing,
    /// Everything folded so far.
    blob: Option<Blob>,
    /// Chunks since the last fold.
    parts: Array,
    loose: usize,
    progress: Progress,
}

/// The type every received file is saved with.
pub const SAVED_TYPE: &str = "application/octet-stream";

impl FileReceiver {
    /// Receives a file of `size` bytes on `channel`, showing progress on `item`, and calls
    /// `on_done` once with the outcome.
    pub fn start(
        channel: RtcDataChannel,
        item: TransferItem,
        on_done: impl Fn(Outcome) + 'static,
    ) -> Self {
        let shared = Rc::new(Shared {
            channel: RefCell::new(None),
            sink: RefCell::new(Sink {
                check: Some(Received::new(item.size)),
                hash: Hashing::Starting {
                    waiting: Vec::new(),
                    end: None,
                },
                blob: None,
                parts: Array::new(),
                loose: 0,
                progress: Progress::start(item),
            }),
            over: Cell::new(false),
            dropped: Cell::new(false),
            on_done: Box::new(on_done),
        });
        let weak: Weak<Shared> = Rc::downgrade(&shared);
        let channel = Channel::new(channel, 0, move |event| {
            if let Some(shared) = weak.upgrade() {
                shared.handle(event);
            }
        });
        *shared.channel.borrow_mut() = Some(channel);
        wasm_bindgen_futures::spawn_local(Shared::start_hash(Rc::downgrade(&shared)));
        FileReceiver { shared }
    }
}

impl Drop for FileReceiver {
    fn drop(&mut self) {
        self.shared.over.set(true);
        self.shared.dropped.set(true);
        self.shared.channel.borrow_mut().take();
    }
}

impl Shared {
    fn handle(self: &Rc<Self>, event: ChannelEvent) {
        if self.over.get() {
            return;
        }
        let outcome = match event {
            ChannelEvent::Open => None,
            ChannelEvent::Binary(chunk) => self.sink.borrow_mut().take(chunk),
            ChannelEvent::Text(text) => match FileEnd::decode(&text) {
                Some(end) => {
                    // Nothing after the end counts; the verdict waits for the hasher.
                    self.over.set(true);
                    let ready = self.sink.borrow_mut().ended(end);
                    if let Some((hash, end)) = ready {
                        wasm_bindgen_futures::spawn_local(self.clone().conclude(hash, end));
                    }
                    None
                }
                None => Some(Outcome::Failed(crate::i18n::Text::new(
                    "file-failed-checksum-unreadable",
                ))),
            },
            ChannelEvent::Closed => Some(Outcome::Failed(crate::i18n::Text::new(
                "file-failed-closed-receiving",
            ))),
        };
        if let Some(outcome) = outcome {
            self.over.set(true);
            (self.on_done)(outcome);
        }
    }

    /// Starts the file's hasher; chunks that arrive meanwhile wait for it.
    async fn start_hash(weak: Weak<Shared>) {
        let mut hash = FileHash::start().await;
        let Some(shared) = weak.upgrade() else { return };
        let waiting = std::mem::replace(&mut shared.sink.borrow_mut().hash, Hashing::Done);
        let Hashing::Starting { waiting, end } = waiting else {
            return;
        };
        for chunk in &waiting {
            if hash.update(chunk, false).is_err() {
                break; // the digest will say so
            }
        }
        match end {
            Some(end) => shared.conclude(hash, end).await,
            None => shared.sink.borrow_mut().hash = Hashing::Ready(hash),
        }
    }

    /// Waits for the digest and reports the verdict.
    async fn conclude(self: Rc<Self>, hash: FileHash, end: FileEnd) {
        let digest = hash.finish().await;
        if self.dropped.get() {
            return;
        }
        let outcome = match digest {
            Ok(sha256) => self.sink.borrow_mut().finish(&end, &sha256),
            Err(error) => {
                leptos::logging::warn!("cannot check a received file: {error:?}");
                Outcome::Failed(crate::i18n::Text::new("file-failed-hash"))
            }
        };
        (self.on_done)(outcome);
    }
}

impl Sink {
    /// Takes one chunk; an outcome only if it is one too many.
    fn take(&mut self, chunk: ArrayBuffer) -> Option<Outcome> {
        let bytes = Uint8Array::new(&chunk);
        let len = bytes.length() as usize;
        let check = self.check.as_mut()?;
        if check.take(len).is_err() {
            // More bytes than the file's size.
            return Some(Outcome::Failed(crate::i18n::Text::new(
                "file-failed-too-many-bytes",
            )));
        }
        let received = check.received();
        match &mut self.hash {
            Hashing::Starting { waiting, .. } => waiting.push(bytes),
            // A copy goes to the worker: the chunk itself stays here, for the Blob.
            Hashing::Ready(hash) => {
                if let Err(error) = hash.update(&bytes, false) {
                    leptos::logging::warn!("cannot hash a received chunk: {error:?}");
                    return Some(Outcome::Failed(crate::i18n::Text::new("file-failed-hash")));
                }
            }
            Hashing::Done => {}
        }
        self.parts.push(&chunk);
        self.loose += len;
        if self.loose >= FLUSH_BYTES
            && let Err(outcome) = self.fold()
        {
            return Some(outcome);
        }
        self.progress.moved(received);
        None
    }

    /// The sender's end arrived: the hasher and the end, if the hasher is ready to finish;
    /// otherwise the end waits for the hasher.
    fn ended(&mut self, end: FileEnd) -> Option<(FileHash, FileEnd)> {
        match std::mem::replace(&mut self.hash, Hashing::Done) {
            Hashing::Ready(hash) => Some((hash, end)),
            Hashing::Starting { waiting, .. } => {
                self.hash = Hashing::Starting {
                    waiting,
                    end: Some(end),
                };
                None
            }
            // Unreachable: the end is taken once (nothing after it is read).
            Hashing::Done => None,
        }
    }

    /// Moves the loose chunks into the Blob, out of the page's memory. If the browser refuses,
    /// the transfer fails: a file with a hole in it must never be offered as verified.
    fn fold(&mut self) -> Result<(), Outcome> {
        let parts = std::mem::replace(&mut self.parts, Array::new());
        if let Some(blob) = self.blob.take() {
            parts.unshift(&blob);
        }
        // The sender's type is not believed: saved as plain bytes, the name's extension is the
        // only hint the system gets (a `passwd` offered as text/html is not saved as a page).
        let options = BlobPropertyBag::new();
        options.set_type(SAVED_TYPE);
        self.loose = 0;
        match Blob::new_with_buffer_source_sequence_and_options(&parts, &options) {
            Ok(blob) => {
                self.blob = Some(blob);
                Ok(())
            }
            Err(error) => {
                leptos::logging::warn!("cannot store received bytes: {error:?}");
                Err(Outcome::Failed(crate::i18n::Text::new("file-failed-store")))
            }
        }
    }

    /// The sender says it is done and the hasher has its digest: check the size and the hash.
    fn finish(&mut self, end: &FileEnd, sha256: &str) -> Outcome {
        let Some(check) = self.check.take() else {
            return Outcome::Failed(crate::i18n::Text::new("file-failed-ended-twice"));
        };
        match check.finish(end, sha256) {
            Verdict::Verified => {}
            Verdict::Corrupted => return Outcome::Corrupted,
            Verdict::Incomplete { received, size } => {
                return Outcome::Failed(
                    crate::i18n::Text::new("file-failed-incomplete")
                        .arg("received", received)
                        .arg("size", size),
                );
            }
        }
        if let Err(outcome) = self.fold() {
            return outcome;
        }
        match self.blob.take() {
            Some(blob) => Outcome::Verified(blob),
            None => Outcome::Failed(crate::i18n::Text::new("file-failed-not-stored")),
        }
    }
}
