//! A peer's connection statistics over the last minute, as small graphs.

use crate::i18n::{Text, use_i18n};
use crate::state::quality::Sample;
use leptos::prelude::*;
use std::collections::VecDeque;

/// Graphs of bitrate in and out, round-trip time, loss, resolution and frame rate.
#[component]
pub fn StatsPanel(
    /// Whose connection this is.
    name: Signal<String>,
    /// The last minute of samples.
    history: RwSignal<VecDeque<Sample>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let series = move |pick: fn(&Sample) -> f64| {
        Signal::derive(move || history.with(|h| h.iter().map(pick).collect::<Vec<f64>>()))
    };
    view! {
        // Focusable: on a small tile it scrolls, and keyboard users scroll it too.
        <section
            class="stats"
            tabindex="0"
            aria-label=move || i18n.text(&Text::new("stats-for").arg("name", name.get()))
        >
            <Sparkline title="stats-bitrate-in" unit="stats-kbps" values=series(|s| s.kbps_in) />
            <Sparkline title="stats-bitrate-out" unit="stats-kbps" values=series(|s| s.kbps_out) />
            <Sparkline
                title="stats-rtt"
                unit="stats-ms"
                values=series(|s| s.gauges.rtt_ms.unwrap_or(0.0))
            />
            <Sparkline title="stats-loss" unit="stats-percent" values=series(|s| s.loss_percent) />
            <Sparkline title="stats-fps" unit="stats-fps-unit" values=series(|s| s.gauges.fps) />
            <Sparkline
                title="stats-resolution"
                unit="stats-lines"
                values=series(|s| f64::from(s.gauges.height))
            />
        </section>
    }
}

/// Graph size in SVG units.
const WIDTH: f64 = 120.0;
const HEIGHT: f64 = 28.0;

/// One small line graph with its title and latest value.
#[component]
fn Sparkline(title: &'static str, unit: &'static str, values: Signal<Vec<f64>>) -> impl IntoView {
    let i18n = use_i18n();
    let latest = move || values.with(|v| v.last().copied().unwrap_or(0.0));
    let label = move || format!("{}: {:.0} {}", i18n.t(title), latest(), i18n.t(unit));
    let points = move || {
        values.with(|v| {
            let max = v.iter().copied().fold(1e-9, f64::max);
            let step = WIDTH / (crate::state::quality::HISTORY_LEN - 1) as f64;
            let offset = WIDTH - step * (v.len().saturating_sub(1)) as f64;
            v.iter()
                .enumerate()
                .map(|(i, value)| {
                    let x = offset + step * i as f64;
                    let y = HEIGHT - (value / max) * (HEIGHT - 2.0) - 1.0;
                    format!("{x:.1},{y:.1}")
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
    };
    view! {
        <div class="spark">
            <span class="spark-title">{label}</span>
            <svg
                role="img"
                aria-label=label
                viewBox=format!("0 0 {WIDTH} {HEIGHT}")
                preserveAspectRatio="none"
            >
                <polyline points=points fill="none" stroke="currentColor" stroke-width="1.5" />
            </svg>
        </div>
    }
}
