//! The call screen: the control bar, everyone's tiles laid out for the space there is (a grid,
//! or a large stage and a filmstrip when a tile is pinned or a screen is shared), and the open
//! panel beside them (or over them on a narrow screen). It fills the window and never scrolls.

use crate::components::actions::services;
use crate::components::chat_panel::ChatPanel;
use crate::components::device_pickers::DevicePickers;
use crate::components::files_panel::FilesPanel;
use crate::components::gestures::ReactionAnnouncements;
use crate::components::invite::Invite;
use crate::components::people_panel::PeoplePanel;
use crate::components::settings_panel::SettingsPanel;
use crate::components::side_panel::{SidePanel, close};
use crate::components::toolbar::Toolbar;
use crate::components::video_tile::VideoTile;
use crate::i18n::use_i18n;
use crate::state::call::{CallState, TileKey};
use crate::state::grid::{TILE_ASPECT, fit};
use crate::state::panel::Panel;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

/// Pixels between tiles (as in the stylesheet).
const GAP: f64 = 8.0;

/// Below this width, with one other person, your own tile is a small one in the corner.
const CORNER_SELF_BELOW: f64 = 600.0;

/// Tallest a filmstrip tile gets, in pixels.
const STRIP_HEIGHT: f64 = 96.0;

/// The call screen.
#[component]
pub fn CallView(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let escape = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if event.key() == "Escape" && state.panel.get_untracked().is_some() {
            event.prevent_default();
            close(state);
        }
    });
    on_cleanup(move || escape.remove());
    // A file offered to us opens the files panel, unless another panel is open (its count on
    // the Files button says it waits).
    Effect::new(move |_| {
        if state.transfers.open.get() {
            match state.panel.get_untracked() {
                None => state.set_panel(Some(Panel::Files)),
                Some(Panel::Files) => {}
                Some(_) => state.transfers.open.set(false),
            }
        }
    });
    view! {
        <section class="call" aria-label=i18n.tr("call-label") class:panel-open=move || state.panel.with(Option::is_some)>
            <Toolbar state />
            <Tiles state />
            <ReactionAnnouncements state />
            <div class="panels">
                <SidePanel state panel=Panel::People>
                    <PeoplePanel state />
                </SidePanel>
                <SidePanel state panel=Panel::Chat>
                    <ChatPanel state />
                </SidePanel>
                <SidePanel state panel=Panel::Files>
                    <FilesPanel state />
                </SidePanel>
                <SidePanel state panel=Panel::Devices>
                    <DevicePickers state />
                </SidePanel>
                <SidePanel state panel=Panel::Settings>
                    <SettingsPanel state />
                </SidePanel>
            </div>
        </section>
    }
}

/// Everyone's tiles, sized to the space they have.
#[component]
fn Tiles(state: CallState) -> impl IntoView {
    let i18n = use_i18n();
    let area = NodeRef::<leptos::html::Div>::new();
    // The area's size, once measured (the server renders for a typical laptop).
    let size = RwSignal::new((1280.0_f64, 640.0_f64));
    let watch_size = services().watch_size;
    Effect::new(move |watched: Option<bool>| {
        if watched == Some(true) {
            return true;
        }
        match area.get() {
            Some(element) => {
                watch_size(&element, Callback::new(move |wh| size.set(wh)));
                true
            }
            None => false,
        }
    });
    let count = move || state.remotes.with(Vec::len) + 1;
    let stage = state.stage();
    let alone = move || state.remotes.with(Vec::is_empty);
    let corner_self =
        move || stage.get().is_none() && count() == 2 && size.get().0 < CORNER_SELF_BELOW;
    let layout = move || {
        let (width, height) = size.get();
        let n = count();
        if stage.get().is_some() {
            // A filmstrip of the others under the stage, as large as fits in one row.
            let others = (n - 1).max(1);
            let strip_width = ((width - GAP * (others - 1) as f64) / others as f64)
                .min(STRIP_HEIGHT * TILE_ASPECT)
                .floor()
                .max(1.0);
            let strip_height = (strip_width / TILE_ASPECT).floor();
            format!(
                "--cols:{others};--tile-w:{strip_width}px;--tile-h:{strip_height}px;--stage-h:{}px",
                (height - strip_height - GAP).max(0.0).floor()
            )
        } else {
            let shown = if corner_self() { 1 } else { n };
            let f = fit(shown, width, height, GAP, TILE_ASPECT);
            format!(
                "--cols:{};--tile-w:{}px;--tile-h:{}px",
                f.columns, f.width, f.height
            )
        }
    };
    let you = TileKey::You;
    view! {
        <div class="tiles-area" node_ref=area>
            <div
                class="tiles"
                class:staged=move || stage.get().is_some()
                class:corner-self=corner_self
                style=layout
            >
                <VideoTile
                    label=Signal::derive(i18n.tr("you"))
                    stream=state.own_view()
                    media=state.own_media()
                    speaking=state.own_speaking()
                    mirrored=state.mirror
                    hand=Signal::derive(move || state.hand.with(Option::is_some))
                    reactions=Signal::derive(move || state.reactions.on(you))
                    local=true
                    pinning=(you, state.pinned)
                    staged=Signal::derive(move || stage.get() == Some(you))
                />
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <VideoTile
                        label=Signal::derive(move || tile.name.get_value())
                        stream=tile.stream.into()
                        media=tile.media.into()
                        speaker=state.speaker_choice
                        speaking=tile.speaking.into()
                        on_screen=tile.on_screen
                        active_speaker=Signal::derive(move || state.active_speaker.get() == Some(tile.id))
                        hand=Signal::derive(move || tile.hand.with(Option::is_some))
                        reactions=Signal::derive(move || state.reactions.on(TileKey::Peer(tile.id)))
                        quality=tile.quality
                        history=tile.history
                        pinning=(TileKey::Peer(tile.id), state.pinned)
                        staged=Signal::derive(move || stage.get() == Some(TileKey::Peer(tile.id)))
                        status=tile.connection
                    />
                </For>
            </div>
            <Show when=alone>
                <section class="alone" aria-labelledby="alone-heading">
                    <h2 id="alone-heading">{i18n.tr("alone-heading")}</h2>
                    <p>{i18n.tr("alone-text")}</p>
                    // A QR code to join from a phone, unless this is the phone.
                    <Invite qr=Signal::derive(move || !state.touch.get()) />
                </section>
            </Show>
        </div>
    }
}
