//! Reading each connection's statistics twice a second for the tiles' speaking outline,
//! quality bars and graphs. In a meeting through the server, one connection carries everyone:
//! its statistics are split by participant (the server says who speaks there).

use super::Inner;
use crate::protocol::PeerId;
use crate::state::quality::{self, Counters, Gauges};
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
            // A direct connection kept while the server's takes over shows nothing.
            .filter(|link| this.shows_direct(link.remote()))
            .map(|link| (link.remote(), link.connection().clone(), link.state()))
            .collect();
        for (id, pc, state) in connections {
            let this = this.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok((now, gauges)) = crate::client::stats::read(&pc).await else {
                    return;
                };
                this.judge(id, now, gauges, state.is_lost(), true);
            });
        }
        Self::sample_server(this);
    }

    /// Reads the connection to the server once, for the tiles it shows.
    fn sample_server(this: &Rc<Self>) {
        let Some((pc, state, tracks)) = this.server.borrow().as_ref().map(|link| {
            let tracks: Vec<_> = link
                .received_mids()
                .into_iter()
                .filter(|(peer, _)| !this.shows_direct(*peer))
                .collect();
            (link.connection().clone(), link.state(), tracks)
        }) else {
            return;
        };
        if tracks.is_empty() {
            return;
        }
        let this = this.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let Ok(each) = crate::client::stats::read_each(&pc, &tracks).await else {
                return;
            };
            for (id, now, gauges) in each {
                this.judge(id, now, gauges, state.is_lost(), false);
            }
        });
    }

    /// Updates a tile from its participant's counters now; `speaking` also judges its outline
    /// (the server does that for tiles it carries).
    fn judge(&self, id: PeerId, now: Counters, gauges: Gauges, lost: bool, speaking: bool) {
        let Some(tile) = self.state.remote(id) else {
            return;
        };
        let before = self.counters.borrow_mut().insert(id, now);
        let Some(before) = before else { return };
        let media = tile.media.get_untracked();
        let sample = quality::sample(&before, &now, gauges);
        if speaking {
            tile.speaking
                .set(media.audio && quality::is_speaking(sample.audio_level));
        }
        tile.history.update(|h| quality::remember(h, sample));
        let verdict = if lost {
            Some(quality::Quality::Poor)
        } else {
            tile.history.with_untracked(|h| {
                let recent: Vec<_> = h.iter().rev().take(QUALITY_WINDOW).copied().collect();
                quality::assess(&recent, media.video || media.screen)
            })
        };
        tile.quality.set(verdict);
    }
}
