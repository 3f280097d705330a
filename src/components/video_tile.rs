//! A participant's tile: their video and name, their initial when there is no picture, a
//! muted-microphone mark, a raised hand, reactions floating up, and one "Options" button revealing what can be done with the tile
//! (pin, fullscreen, picture in picture, statistics), so tiles never crowd with buttons.

use crate::components::actions::services;
use crate::components::gestures::{TileHand, TileReactions};
use crate::components::icons::{Icon, IconSvg};
use crate::components::stats_panel::StatsPanel;
use crate::i18n::{Text, use_i18n};
use crate::protocol::MediaState;
use crate::state::call::{StreamSlot, TileKey};
use crate::state::quality::{Quality, Sample};
use crate::state::reactions::Shown;
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
    /// Whether to show the camera mirrored (your own; a shared screen never is).
    #[prop(optional, into)]
    mirrored: Signal<bool>,
    /// The connection's state, shown while not connected.
    #[prop(optional, into)]
    status: Option<Signal<crate::call::link::ConnectionState>>,
    /// The speaker to play this tile's sound on (empty: system default).
    #[prop(optional, into)]
    speaker: Option<Signal<String>>,
    /// Whether they are speaking now.
    speaking: Signal<bool>,
    /// Whether they spoke last (in rooms whose media goes through the server, which judges it).
    #[prop(optional, into)]
    active_speaker: Signal<bool>,
    /// Whether their hand is up.
    #[prop(optional, into)]
    hand: Signal<bool>,
    /// Their reactions floating now.
    #[prop(optional, into)]
    reactions: Signal<Vec<Shown>>,
    /// How well the connection to them is doing (remote tiles).
    #[prop(optional, into)]
    quality: Option<Signal<Option<Quality>>>,
    /// The connection's recent statistics (remote tiles).
    #[prop(optional)]
    history: Option<RwSignal<VecDeque<Sample>>>,
    /// Which tile this is, and which is pinned: with them, the tile has its options (the
    /// lobby's preview has none).
    #[prop(optional)]
    pinning: Option<(TileKey, RwSignal<Option<TileKey>>)>,
    /// Whether this tile is the one shown large.
    #[prop(optional, into)]
    staged: Signal<bool>,
    /// Kept up to date with whether the tile is on screen (remote tiles).
    #[prop(optional)]
    on_screen: Option<RwSignal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let video = NodeRef::<Video>::new();
    let figure = NodeRef::<leptos::html::Figure>::new();
    let show_stats = RwSignal::new(false);
    if let Some(on_screen) = on_screen {
        let watch = services().watch_on_screen;
        Effect::new(move |watched: Option<bool>| {
            if watched == Some(true) {
                return true;
            }
            let Some(element) = figure.get() else {
                return false;
            };
            watch(&element, Callback::new(move |seen| on_screen.set(seen)));
            true
        });
    }
    Effect::new(move |_| {
        let stream = stream.get();
        if let Some(element) = video.get() {
            element.set_src_object(stream.as_ref());
        }
    });
    if let Some(speaker) = speaker {
        let route_audio = services().route_audio;
        Effect::new(move |_| {
            if let Some(element) = video.get() {
                route_audio(&element, &speaker.get());
            }
        });
    }
    let status_text = move || {
        status
            .map(|s| s.get())
            .filter(|s| *s != crate::call::link::ConnectionState::Connected)
            .map(|s| i18n.text(&Text::new("tile-connection-state").arg("state", s.word())))
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
            class:staged=move || staged.get()
            class:local=local
            class:mirrored=move || mirrored.get()
            class:screen=move || media.get().screen
            class:camera-off=camera_off
            class:speaking=move || speaking.get()
            data-speaking=move || speaking.get().to_string()
            class:active-speaker=move || active_speaker.get()
            aria-label=label
        >
            // The video element stays while the camera is off: it also plays the audio.
            <video node_ref=video autoplay playsinline prop:muted=local></video>
            <Show when=camera_off>
                <div class="placeholder" role="img" aria-label=i18n.tr("camera-is-off")>
                    <span aria-hidden="true">{initial}</span>
                </div>
            </Show>
            <TileReactions shown=reactions />
            <figcaption>
                <TileHand raised=hand />
                <Show when=move || !media.get().audio>
                    <span class="mic-off" role="img" aria-label=i18n.tr("mic-is-off")>
                        <IconSvg icon=Icon::MicOff />
                    </span>
                </Show>
                <bdi>{label}</bdi>
                <Show when=move || media.get().screen>
                    <span class="badge">{i18n.tr("tile-screen-share")}</span>
                </Show>
                <span class="status">{status_text}</span>
                {quality.map(|quality| view! { <QualityBars quality /> })}
            </figcaption>
            {pinning
                .map(|(key, pinned)| {
                    view! { <TileOptions label key pinned figure video show_stats has_stats=history.is_some() /> }
                })}
            {history
                .map(|history| {
                    view! {
                        <Show when=move || show_stats.get()>
                            <StatsPanel name=label history />
                        </Show>
                    }
                })}
        </figure>
    }
}

/// "Options for Ada", and the tile's buttons it reveals.
#[component]
fn TileOptions(
    label: Signal<String>,
    key: TileKey,
    pinned: RwSignal<Option<TileKey>>,
    figure: NodeRef<leptos::html::Figure>,
    video: NodeRef<Video>,
    show_stats: RwSignal<bool>,
    has_stats: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let services = services();
    let open = RwSignal::new(false);
    let toggle = NodeRef::<leptos::html::Button>::new();
    let is_pinned = move || pinned.get() == Some(key);
    let close = move || {
        open.set(false);
        if let Some(button) = toggle.get_untracked() {
            let _ = button.focus();
        }
    };
    view! {
        <div
            class="tile-options"
            on:keydown=move |event| {
                if event.key() == "Escape" && open.get_untracked() {
                    event.stop_propagation();
                    close();
                }
            }
        >
            <button
                type="button"
                class="icon-button"
                node_ref=toggle
                aria-label=move || i18n.text(&Text::new("tile-options").arg("name", label.get()))
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                <IconSvg icon=Icon::More />
            </button>
            <div class="tile-menu" hidden=move || !open.get()>
                <button
                    type="button"
                    aria-pressed=move || is_pinned().to_string()
                    on:click=move |_| {
                        pinned.set((!is_pinned()).then_some(key));
                        close();
                    }
                >
                    <IconSvg icon=Icon::Pin />
                    {i18n.tr("tile-pin")}
                </button>
                <button
                    type="button"
                    on:click=move |_| {
                        if let Some(figure) = figure.get_untracked() {
                            (services.toggle_fullscreen)(&figure);
                        }
                        open.set(false);
                    }
                >
                    <IconSvg icon=Icon::Fullscreen />
                    {i18n.tr("tile-fullscreen")}
                </button>
                <button
                    type="button"
                    on:click=move |_| {
                        if let Some(video) = video.get_untracked() {
                            (services.toggle_picture_in_picture)(&video);
                        }
                        open.set(false);
                    }
                >
                    <IconSvg icon=Icon::PictureInPicture />
                    {i18n.tr("tile-picture-in-picture")}
                </button>
                {has_stats
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                aria-expanded=move || show_stats.get().to_string()
                                on:click=move |_| {
                                    show_stats.update(|s| *s = !*s);
                                    open.set(false);
                                }
                            >
                                <IconSvg icon=Icon::Stats />
                                {i18n.tr("tile-statistics")}
                            </button>
                        }
                    })}
            </div>
        </div>
    }
}

/// Three bars for good, two for fair, one for poor; named for screen readers.
#[component]
fn QualityBars(quality: Signal<Option<Quality>>) -> impl IntoView {
    let i18n = use_i18n();
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
                    aria-label=move || i18n.text(&Text::new("tile-quality").arg("quality", q.word()))
                    title=move || i18n.text(&Text::new("tile-quality").arg("quality", q.word()))
                >
                    {(1..=3)
                        .map(|bar| view! { <i class:lit=bar <= level></i> })
                        .collect_view()}
                </span>
            }
        })
    }
}
