//! A participant's tile: their video and name, a placeholder when their camera is off, and a
//! muted-microphone mark.

use crate::components::stats_panel::StatsPanel;
use crate::protocol::MediaState;
use crate::state::call::StreamSlot;
use crate::state::quality::{Quality, Sample};
use leptos::html::Video;
use leptos::prelude::*;
use std::collections::VecDeque;

/// A video tile labelled with a name. The local tile is muted so you never hear yourself.
#[component]
pub fn VideoTile(
    /// The name shown under the video, also the tile's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// The media to show.
    stream: Signal<StreamSlot>,
    /// What the participant is sending.
    media: Signal<MediaState>,
    /// Whether this is your own camera.
    #[prop(optional)]
    local: bool,
    /// A short connection status, shown while not connected.
    #[prop(optional, into)]
    status: Option<Signal<crate::call::link::ConnectionState>>,
    /// The speaker to play this tile's sound on (empty: system default).
    #[prop(optional, into)]
    speaker: Option<Signal<String>>,
    /// Whether they are speaking now.
    speaking: Signal<bool>,
    /// How well the connection to them is doing (remote tiles).
    #[prop(optional, into)]
    quality: Option<Signal<Option<Quality>>>,
    /// The connection's recent statistics (remote tiles).
    #[prop(optional)]
    history: Option<RwSignal<VecDeque<Sample>>>,
    /// This tile's key in `pinned`.
    #[prop(optional, into)]
    key: String,
    /// Which tile of the grid is shown large, if any (no Pin button without a grid).
    #[prop(optional)]
    pinned: Option<RwSignal<Option<String>>>,
) -> impl IntoView {
    let video = NodeRef::<Video>::new();
    let show_stats = RwSignal::new(false);
    let figure = NodeRef::<leptos::html::Figure>::new();
    let is_pinned = {
        let key = key.clone();
        Signal::derive(move || {
            pinned.is_some_and(|pinned| pinned.with(|p| p.as_deref() == Some(key.as_str())))
        })
    };
    let toggle_pin = move |_| {
        if let Some(pinned) = pinned {
            pinned.set((!is_pinned.get_untracked()).then(|| key.clone()));
        }
    };
    let fullscreen = move |_| {
        if let Some(figure) = figure.get() {
            crate::client::layout::toggle_fullscreen(&figure);
        }
    };
    let picture_in_picture = move |_| {
        if let Some(video) = video.get() {
            crate::client::layout::toggle_picture_in_picture(&video);
        }
    };
    Effect::new(move |_| {
        let stream = stream.get();
        if let Some(element) = video.get() {
            element.set_src_object(stream.as_ref());
        }
    });
    Effect::new(move |_| {
        if let (Some(speaker), Some(element)) = (speaker, video.get()) {
            crate::client::devices::route_audio(&element, &speaker.get());
        }
    });
    let status_text = move || {
        status
            .map(|s| s.get())
            .filter(|s| *s != crate::call::link::ConnectionState::Connected)
            .map(|s| format!(" ({})", s.word()))
    };
    let camera_off = move || {
        let media = media.get();
        !media.video && !media.screen
    };
    let initial = move || {
        label
            .get()
            .chars()
            .next()
            .map(|c| c.to_uppercase().to_string())
            .unwrap_or_default()
    };
    view! {
        <figure
            node_ref=figure
            class="tile"
            class:pinned=move || is_pinned.get()
            class:local=local
            class:screen=move || media.get().screen
            class:camera-off=camera_off
            class:speaking=move || speaking.get()
            data-speaking=move || speaking.get().to_string()
            aria-label=label
        >
            // The video element stays while the camera is off: it also plays the audio.
            <video node_ref=video autoplay playsinline prop:muted=local></video>
            <Show when=camera_off>
                <div class="placeholder" role="img" aria-label="Camera off">
                    <span aria-hidden="true">{initial}</span>
                </div>
            </Show>
            <figcaption>
                <Show when=move || !media.get().audio>
                    <span class="mic-off" role="img" aria-label="Microphone off">
                        <MicOffIcon />
                    </span>
                </Show>
                <bdi>{label}</bdi>
                <Show when=move || media.get().screen>
                    <span class="badge">" (screen share)"</span>
                </Show>
                <span class="status">{status_text}</span>
                {quality.map(|quality| view! { <QualityBars quality /> })}
            </figcaption>
            <div class="tile-actions">
                <Show when=move || pinned.is_some()>
                    <button
                        aria-pressed=move || is_pinned.get().to_string()
                        on:click=toggle_pin.clone()
                    >
                        "Pin"
                    </button>
                </Show>
                <button on:click=fullscreen>"Fullscreen"</button>
                <button on:click=picture_in_picture>"Picture in picture"</button>
            </div>
            {history
                .map(|history| {
                    view! {
                        <button
                            class="stats-toggle"
                            aria-expanded=move || show_stats.get().to_string()
                            on:click=move |_| show_stats.update(|s| *s = !*s)
                        >
                            "Connection statistics"
                        </button>
                        <Show when=move || show_stats.get()>
                            <StatsPanel name=label history />
                        </Show>
                    }
                })}
        </figure>
    }
}

/// Three bars for good, two for fair, one for poor; named for screen readers.
#[component]
fn QualityBars(quality: Signal<Option<Quality>>) -> impl IntoView {
    move || {
        quality.get().map(|q| {
            let level = match q {
                Quality::Good => 3,
                Quality::Fair => 2,
                Quality::Poor => 1,
            };
            view! {
                <span
                    class=format!("quality q-{}", q.word())
                    role="img"
                    aria-label=format!("Connection {}", q.word())
                    title=format!("Connection {}", q.word())
                >
                    {(1..=3)
                        .map(|bar| view! { <i class:lit=bar <= level></i> })
                        .collect_view()}
                </span>
            }
        })
    }
}

/// A crossed-out microphone.
#[component]
fn MicOffIcon() -> impl IntoView {
    view! {
        <svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true">
            <path
                fill="currentColor"
                d="M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.92V21h2v-3.08A7 7 0 0 0 19 11h-2z"
            />
            <path stroke="currentColor" stroke-width="2" d="M4 4l16 16" />
        </svg>
    }
}
