//! Reading each connection's statistics twice a second for the tiles' speaking outline,
//! quality bars and graphs.

use super::Inner;
use crate::state::quality;
use leptos::prelude::*;
use std::rc::Rc;

/// Samples judged together for the quality verdict (two seconds).
const QUALITY_WINDOW: usize = 4;

impl Inner {
    /// Reads every connection's statistics once and updates the tiles.
    pub(super) fn sample(this: &Rc<Self>) {
        let connections: Vec<_> = this
            .peers
            .borrow()
            .values()
            .map(|link| (link.remote(), link.connection().clone(), link.state()))
            .collect();
        for (id, pc, state) in connections {
            let this = this.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok((now, gauges)) = crate::client::stats::read(&pc).await else {
                    return;
                };
                let Some(tile) = this.state.remote(id) else {
                    return;
                };
                let before = this.counters.borrow_mut().insert(id, now);
                let Some(before) = before else { return };
                let media = tile.media.get_untracked();
                let sample = quality::sample(&before, &now, gauges);
                tile.speaking
                    .set(media.audio && quality::is_speaking(sample.audio_level));
                tile.history.update(|h| quality::remember(h, sample));
                let verdict = if state.is_lost() {
                    Some(quality::Quality::Poor)
                } else {
                    tile.history.with_untracked(|h| {
                        let recent: Vec<_> = h.iter().rev().take(QUALITY_WINDOW).copied().collect();
                        quality::assess(&recent, media.video || media.screen)
                    })
                };
                tile.quality.set(verdict);
            });
        }
    }
}
