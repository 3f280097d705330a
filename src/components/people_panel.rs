//! The People panel: everyone in the meeting with their microphone, camera and hand, the host
//! marked, raised hands first in the order they went up. The host also finds here, on each
//! person, Lower hand, Ask to unmute and Remove (after confirming), above the list those waiting
//! to be let in, and below it the meeting's lock, waiting room and password.

use crate::components::actions::actions;
use crate::components::host_controls::{ConfirmRemoval, HostControls};
use crate::components::icons::{Icon, IconSvg};
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
                    aria-label="Find a participant"
                    placeholder="Find a participant"
                    bind:value=query
                />
            </Show>
            <Show when=move || is_host.get() && state.waiting.with(|w| !w.is_empty())>
                <WaitingList state />
            </Show>
            <ul class="participants" aria-label="Participants">
                <For each=shown key=|key| *key let:key>
                    <Person state key position=Signal::derive(move || position(positions, key)) confirming />
                </For>
            </ul>
            <Show when=move || shown().is_empty()>
                <p class="hint">"Nobody by that name."</p>
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
        name: "You".to_owned(),
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
    let actions = actions();
    let (name, media, id): (String, Signal<MediaState>, Option<PeerId>) = match key {
        TileKey::You => ("You".to_owned(), state.own_media(), None),
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
            .map(|n| format!("Hand raised, {}", people::ordinal(n)))
    };
    // Each name starts with the button's visible words, so a voice user can say them.
    let lower_name = StoredValue::new(format!("Lower hand of {name}"));
    let ask_name = StoredValue::new(format!("Ask to unmute {name}"));
    let remove_name = StoredValue::new(format!("Remove {name}"));
    let display = name.clone();
    let name = StoredValue::new(name);
    view! {
        <li class="person">
            <span class="person-name">
                <bdi>{display}</bdi>
                <Show when=hosts>
                    <span class="host-badge">"Host"</span>
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
                    names=("Microphone on", "Microphone off") />
                <MediaMark on=Signal::derive(move || media.get().video || media.get().screen)
                    icons=(Icon::Camera, Icon::CameraOff) names=("Camera on", "Camera off") />
            </span>
            {id.map(|id| {
                view! {
                    <Show when=may_act>
                        <span class="person-actions">
                            <Show when=move || position.get().is_some()>
                                <button
                                    type="button"
                                    aria-label=lower_name.get_value()
                                    on:click=move |_| actions.lower_hand.run(id)
                                >
                                    "Lower hand"
                                </button>
                            </Show>
                            <Show when=move || !media.get().audio>
                                <button
                                    type="button"
                                    aria-label=ask_name.get_value()
                                    on:click=move |_| actions.ask_to_unmute.run(id)
                                >
                                    "Ask to unmute"
                                </button>
                            </Show>
                            <button
                                type="button"
                                class="danger"
                                id=format!("remove-{id}")
                                aria-label=remove_name.get_value()
                                on:click=move |_| confirming.set(Some((id, name.get_value())))
                            >
                                "Remove"
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
    view! {
        <span
            class="media-mark"
            class:off=move || !on.get()
            role="img"
            aria-label=move || if on.get() { names.0 } else { names.1 }
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
    let actions = actions();
    view! {
        <section class="waiting-list" aria-labelledby="waiting-heading">
            <h3 id="waiting-heading">"Waiting to join"</h3>
            <ul class="participants" aria-labelledby="waiting-heading">
                <For each=move || state.waiting.get() key=|peer| peer.id let:peer>
                    <li class="person">
                        <span class="person-name"><bdi>{peer.name.clone()}</bdi></span>
                        <span class="person-actions">
                            <button
                                type="button"
                                class="primary"
                                aria-label=format!("Admit {}", peer.name)
                                on:click=move |_| actions.admit.run(Some(peer.id))
                            >
                                "Admit"
                            </button>
                            <button
                                type="button"
                                aria-label=format!("Deny {}", peer.name)
                                on:click=move |_| actions.deny.run(peer.id)
                            >
                                "Deny"
                            </button>
                        </span>
                    </li>
                </For>
            </ul>
            <Show when=move || state.waiting.with(|w| w.len() > 1)>
                <button type="button" on:click=move |_| actions.admit.run(None)>
                    "Admit all"
                </button>
            </Show>
        </section>
    }
}
