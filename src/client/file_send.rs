//! Sending one file on its own data channel: read from disk a block at a time (the next block
//! is read while the current one is sent), pushed in chunks only while the channel's buffer has
//! room, each block then handed to the file's [`FileHash`] (a worker), and at the end the
//! SHA-256 in a [`FileEnd`].

use super::data_channel::{Channel, ChannelEvent};
use super::file_hash::FileHash;
use super::progress::Progress;
use crate::protocol::data::{CHUNK_BYTES, FileEnd};
use crate::state::transfers::TransferItem;
use js_sys::{Promise, Uint8Array};
use leptos::prelude::Set;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{File, RtcDataChannel};

/// Bytes read from the file at a time.
const BLOCK_BYTES: usize = 16 * CHUNK_BYTES;

/// Sending pauses while more than this is queued in the channel...
const HIGH_WATER: u32 = 8 * 1024 * 1024;

/// ...and resumes once the queue is down to this.
const LOW_WATER: u32 = 2 * 1024 * 1024;

/// Sent bytes that may wait for the hasher before sending waits for it.
const HASH_BEHIND: u64 = 8 * 1024 * 1024;

/// A file being sent. Dropping it stops the sending and closes the channel.
pub struct FileSender {
    shared: Rc<Shared>,
}

struct Shared {
    channel: Channel,
    /// Set when the sender is dropped: the sending task stops at its next step.
    stopped: Cell<bool>,
    /// The end message has gone out: a closing channel is no longer a failure.
    finished: Cell<bool>,
    /// Wakes the task waiting for the channel to open.
    opened: RefCell<Option<js_sys::Function>>,
}

impl FileSender {
    /// Starts sending `file` on `channel` (just created, not yet open). Progress goes to `item`;
    /// `on_failed` is called with a sentence if the channel dies before the last byte.
    pub fn start(
        file: File,
        channel: RtcDataChannel,
        item: TransferItem,
        on_failed: impl Fn(crate::i18n::Text) + 'static,
    ) -> Self {
        let on_failed = Rc::new(on_failed);
        let shared = Rc::new_cyclic(|weak: &std::rc::Weak<Shared>| {
            let weak = weak.clone();
            let on_failed = on_failed.clone();
            let channel = Channel::new(channel, LOW_WATER, move |event| {
                let Some(shared) = weak.upgrade() else { return };
                match event {
                    ChannelEvent::Open => {
                        if let Some(resolve) = shared.opened.borrow_mut().take() {
                            let _ = resolve.call0(&JsValue::NULL);
                        }
                    }
                    ChannelEvent::Closed => {
                        if let Some(resolve) = shared.opened.borrow_mut().take() {
                            let _ = resolve.call0(&JsValue::NULL);
                        }
                        if !shared.finished.get() && !shared.stopped.get() {
                            shared.stopped.set(true);
                            on_failed(crate::i18n::Text::new("file-failed-closed-sending"));
                        }
                    }
                    ChannelEvent::Text(_) | ChannelEvent::Binary(_) => {}
                }
            });
            Shared {
                channel,
                stopped: Cell::new(false),
                finished: Cell::new(false),
                opened: RefCell::new(None),
            }
        });
        let task = shared.clone();
        spawn_local(async move {
            if let Err(error) = send(&task, &file, item).await {
                leptos::logging::warn!("sending {} stopped: {error:?}", file.name());
                // A closed channel is reported by its close event; anything else is the file.
                if task.channel.is_open() && !task.stopped.replace(true) {
                    on_failed(crate::i18n::Text::new("file-failed-unreadable"));
                }
            }
        });
        FileSender { shared }
    }
}

impl Drop for FileSender {
    fn drop(&mut self) {
        self.shared.stopped.set(true);
        self.shared.channel.close();
    }
}

/// The sending task.
async fn send(shared: &Shared, file: &File, item: TransferItem) -> Result<(), JsValue> {
    let size = file.size() as u64;
    // The first block is read, and the hasher started, while the channel opens.
    let mut next = (size > 0).then(|| read(file, 0, size));
    let mut hash = FileHash::start().await;
    if !shared.channel.is_open() {
        let promise = Promise::new(&mut |resolve, _| *shared.opened.borrow_mut() = Some(resolve));
        JsFuture::from(promise).await?;
    }
    let mut progress = Progress::start(item);

    let mut offset = 0u64;
    while let Some(reading) = next.take() {
        let block = Uint8Array::new(&reading.await?);
        let len = block.length() as u64;
        let end = offset + len;
        if shared.stopped.get() {
            return Ok(());
        }
        if len == 0 {
            return Err(JsValue::from_str("the file is shorter than its size"));
        }
        next = (end < size).then(|| read(file, end, size));

        let mut at = 0u32;
        while at < block.length() {
            if shared.channel.buffered() > HIGH_WATER {
                shared.channel.drained().await;
            }
            if shared.stopped.get() {
                return Ok(());
            }
            let to = (at + CHUNK_BYTES as u32).min(block.length());
            shared.channel.send_bytes(&block.subarray(at, to))?;
            at = to;
            progress.moved(offset + u64::from(at));
        }
        // Sending copied the bytes: the block's buffer goes to the hasher as it is.
        hash.update(&block, true)?;
        hash.behind_at_most(HASH_BEHIND).await;
        offset = end;
    }
    let end = FileEnd {
        sha256: hash.finish().await?,
    };
    if shared.stopped.get() {
        return Ok(());
    }
    shared.finished.set(true);
    shared.channel.send_text(&end.encode())?;
    item.done.set(offset);
    item.seconds_left.set(None);
    Ok(())
}

/// Starts reading the next block, `[start, start + BLOCK_BYTES)` clipped to the file.
fn read(file: &File, start: u64, size: u64) -> JsFuture {
    let end = (start + BLOCK_BYTES as u64).min(size);
    let promise = match file.slice_with_f64_and_f64(start as f64, end as f64) {
        Ok(blob) => blob.array_buffer(),
        Err(error) => Promise::reject(&error),
    };
    JsFuture::from(promise)
}
