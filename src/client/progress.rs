//! Showing how far a transfer has come on its item: bytes, speed and time left, at most every
//! [`SHOW_EVERY_MS`] however fast the bytes move.

use super::now_ms;
use crate::state::progress::Throughput;
use crate::state::transfers::TransferItem;
use leptos::prelude::Set;

/// Progress is shown at most this often, in milliseconds.
pub const SHOW_EVERY_MS: f64 = 100.0;

/// The progress shown for one transfer.
pub struct Progress {
    item: TransferItem,
    meter: Throughput,
    shown_at: f64,
}

impl Progress {
    /// Starts measuring now, from zero bytes.
    pub fn start(item: TransferItem) -> Self {
        let now = now_ms();
        let mut meter = Throughput::default();
        meter.record(now, 0);
        Progress {
            item,
            meter,
            shown_at: now,
        }
    }

    /// `bytes` have moved so far.
    pub fn moved(&mut self, bytes: u64) {
        let now = now_ms();
        if now - self.shown_at < SHOW_EVERY_MS {
            return;
        }
        self.shown_at = now;
        self.meter.record(now, bytes);
        self.item.done.set(bytes);
        self.item.speed.set(self.meter.bytes_per_second());
        self.item.seconds_left.set(
            self.meter
                .seconds_left(self.item.size.saturating_sub(bytes)),
        );
    }
}
