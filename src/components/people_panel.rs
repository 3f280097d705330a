//! The People panel: everyone in the meeting with their microphone, camera and hand, the host
//! marked, raised hands first in the order they went up. The host also finds here, on each
//! person, Lower hand, Ask to unmute and Remove (after confirming), above the list those waiting
//! to be let in, and below it the meeting's lock, waiting room and password.

use crate::components::actions::actions;
use crate::components::host_controls::{ConfirmRemoval, HostControls};
use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{Text, use_i18n};
use crate::protocol::{MediaState, PeerId};
use crate::state::call::{CallState, TileKey};
use crate::state::people::{self, Row, SEARCH_FROM, hand_positions, matches, ordered};
use leptos::prelude::*;

/// The list, and the host's controls for the host.
#[component]
pub fn PeoplePanel(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    // Who the host asked to remove, waiting for confirmation.
    let confirming = RwSignal::new(None::<(PeerId, String)>);
    let rows = Memo::new(move |_| rows(state));
    let positions = Memo::new(move |_| rows.with(|r| hand_positions(r)));
    let shown = move || {
        let query = query.get();
        ordered(rows.get())
            .into_iter()
            .filter(|row| matches(&row.name, &query))
            .map(|row| row.key)
            .collect::<Vec<_>>()
    };
    let is_host = state.is_host();
    view! {
        <div class="people">
            <Show when=move || { rows.with(Vec::len) >= SEARCH_FROM }>
                <input
                    type="search"
                    class="people-search"
                    aria-label=i18n.tr("people-search")
                    placeholder=i18n.tr("people-search")
                    bind:value=query
                />
            </Show>
            <Show when=move || is_host.get() && state.waiting.with(|w| !w.is_empty())>
                <WaitingList state />
            </Show>
            <ul class="participants" aria-label=i18n.tr("participants")>
                <For each=shown key=|key| *key let:key>
                    <Person state key position=Signal::derive(move || position(positions, key)) confirming />
                </For>
            </ul>
            <Show when=move || shown().is_empty()>
                <p class="hint">{i18n.tr("people-none-found")}</p>
            </Show>
            {move || {
                confirming
                    .get()
                    .map(|(id, name)| {
                        view! { <ConfirmRemoval id name confirming /> }
                    })
            }}
            <Show when=move || is_host.get()>
                <HostControls state />
            </Show>
        </div>
    }
}

/// Everyone as the list orders them: you and the others, in join order.
fn rows(state: CallState) -> Vec<Row> {
    let mut rows = vec![Row {
        key: TileKey::You,
        name: state.i18n.t("you"),
        hand: state.hand.get(),
    }];
    state.remotes.with(|remotes| {
        rows.extend(remotes.iter().map(|tile| Row {
            key: people::peer(tile.id),
            name: tile.name.get_value(),
            hand: tile.hand.get(),
        }))
    });
    rows
}

fn position(positions: Memo<Vec<(TileKey, usize)>>, key: TileKey) -> Option<usize> {
    positions.with(|p| p.iter().find(|(k, _)| *k == key).map(|(_, n)| *n))
}

/// One person's row.
#[component]
fn Person(
    state: CallState,
    key: TileKey,
    /// Their place among raised hands.
    position: Signal<Option<usize>>,
    confirming: RwSignal<Option<(PeerId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    let (name, media, id): (String, Signal<MediaState>, Option<PeerId>) = match key {
        TileKey::You => (i18n.t("you"), state.own_media(), None),
        TileKey::Peer(id) => match state.remote(id) {
            Some(tile) => (tile.name.get_value(), tile.media.into(), Some(id)),
            None => (String::new(), Signal::derive(MediaState::default), Some(id)),
        },
    };
    let settings = state.settings;
    let hosts = move || match key {
        TileKey::You => state.is_host().get(),
        TileKey::Peer(id) => settings.get().host == Some(id),
    };
    let may_act = move || id.is_some() && state.is_host().get();
    let hand_name = move || {
        position
            .get()
            .map(|n| i18n.text(&Text::new("people-hand-raised").arg("place", n)))
    };
    // Each name starts with the button's visible words, so a voice user can say them.
    let named = |key| {
        let text = StoredValue::new(Text::new(key).arg("name", &name));
        move || text.with_value(|text| i18n.text(text))
    };
    let (lower_name, ask_name, remove_name) = (
        named("people-lower-hand-of"),
        named("people-ask-to-unmute"),
        named("people-remove"),
    );
    let display = name.clone();
    let name = StoredValue::new(name);
    view! {
        <li class="person">
            <span class="person-name">
                <bdi>{display}</bdi>
                <Show when=hosts>
                    <span class="host-badge">{i18n.tr("host")}</span>
                </Show>
            </span>
            <span class="person-state">
                {move || {
                    hand_name()
                        .map(|label| {
                            view! {
                                <span class="person-hand" role="img" aria-label=label>
                                    <IconSvg icon=Icon::Hand />
                                    <span aria-hidden="true">{position.get()}</span>
                                </span>
                            }
                        })
                }}
                <MediaMark on=Signal::derive(move || media.get().audio) icons=(Icon::Mic, Icon::MicOff)
                    names=("mic-is-on", "mic-is-off") />
                <MediaMark on=Signal::derive(move || media.get().video || media.get().screen)
                    icons=(Icon::Camera, Icon::CameraOff) names=("camera-is-on", "camera-is-off") />
            </span>
            {id.map(|id| {
                view! {
                    <Show when=may_act>
                        <span class="person-actions">
                            <Show when=move || position.get().is_some()>
                                <button
                                    type="button"
                                    aria-label=lower_name
                                    on:click=move |_| actions.lower_hand.run(id)
                                >
                                    {i18n.tr("hand-lower")}
                                </button>
                            </Show>
                            <Show when=move || !media.get().audio>
                                <button
                                    type="button"
                                    aria-label=ask_name
                                    on:click=move |_| actions.ask_to_unmute.run(id)
                                >
                                    {i18n.tr("ask-to-unmute")}
                                </button>
                            </Show>
                            <button
                                type="button"
                                class="danger"
                                id=format!("remove-{id}")
                                aria-label=remove_name
                                on:click=move |_| confirming.set(Some((id, name.get_value())))
                            >
                                {i18n.tr("remove")}
                            </button>
                        </span>
                    </Show>
                }
            })}
        </li>
    }
}

/// A microphone or camera mark, on or off, named for screen readers.
#[component]
fn MediaMark(
    on: Signal<bool>,
    icons: (Icon, Icon),
    names: (&'static str, &'static str),
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <span
            class="media-mark"
            class:off=move || !on.get()
            role="img"
            aria-label=move || i18n.t(if on.get() { names.0 } else { names.1 })
        >
            {move || {
                let icon = if on.get() { icons.0 } else { icons.1 };
                view! { <IconSvg icon /> }
            }}
        </span>
    }
}

/// For the host: who waits to be let in, with Admit and Deny each, and Admit all.
#[component]
fn WaitingList(state: CallState) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    view! {
        <section class="waiting-list" aria-labelledby="waiting-heading">
            <h3 id="waiting-heading">{i18n.tr("waiting-to-join")}</h3>
            <ul class="participants" aria-labelledby="waiting-heading">
                <For each=move || state.waiting.get() key=|peer| peer.id let:peer>
                    <li class="person">
                        <span class="person-name"><bdi>{peer.name.clone()}</bdi></span>
                        <span class="person-actions">
                            <button
                                type="button"
                                class="primary"
                                aria-label={
                                    let text = Text::new("admit-name").arg("name", &peer.name);
                                    move || i18n.text(&text)
                                }
                                on:click=move |_| actions.admit.run(Some(peer.id))
                            >
                                {i18n.tr("admit")}
                            </button>
                            <button
                                type="button"
                                aria-label={
                                    let text = Text::new("deny-name").arg("name", &peer.name);
                                    move || i18n.text(&text)
                                }
                                on:click=move |_| actions.deny.run(peer.id)
                            >
                                {i18n.tr("deny")}
                            </button>
                        </span>
                    </li>
                </For>
            </ul>
            <Show when=move || state.waiting.with(|w| w.len() > 1)>
                <button type="button" on:click=move |_| actions.admit.run(None)>
                    {i18n.tr("admit-all")}
                </button>
            </Show>
        </section>
    }
}
