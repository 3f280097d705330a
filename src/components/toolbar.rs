//! The call's control bar (microphone, camera, screen, hand, reactions, the panels, Leave):
//! one row of icon buttons fixed at the bottom of the screen, in the
//! same place whatever is open. It comes first in the page's tab order, before any tile.

use crate::components::actions::actions;
use crate::components::gestures::{HandButton, ReactionsButton};
use crate::components::icons::{Icon, IconSvg};
use crate::components::media_controls::MediaControls;
use crate::state::call::CallState;
use crate::state::panel::Panel;
use leptos::prelude::*;

/// Microphone, camera, screen, the panels' toggles and Leave.
#[component]
pub fn Toolbar(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let actions = actions();
    let chat = state.chat;
    let transfers = state.transfers;
    let chat_name = move || match chat.unread.get() {
        0 => "Chat".to_owned(),
        n => format!("Chat, {n} unread"),
    };
    let files_name = move || match transfers.waiting_for_us() {
        0 => "Files".to_owned(),
        n => format!("Files, {n} waiting"),
    };
    // Raised hands, counted on the People button.
    let hands = move || {
        usize::from(state.hand.with(Option::is_some))
            + state
                .remotes
                .with(|r| r.iter().filter(|t| t.hand.with(Option::is_some)).count())
    };
    // And, for the host, those waiting to be let in.
    let is_host = state.is_host();
    let waiting = move || {
        if is_host.get() {
            state.waiting.with(Vec::len)
        } else {
            0
        }
    };
    // The number shown is the first one the name says ("People 1" for "People, 1 waiting, 2
    // hands raised"), so what is seen reads as part of what is heard.
    let people_count = move || match waiting() {
        0 => hands(),
        n => n,
    };
    let people_name = move || {
        let mut name = "People".to_owned();
        if waiting() > 0 {
            name += &format!(", {} waiting", waiting());
        }
        match hands() {
            0 => {}
            1 => name += ", 1 hand raised",
            n => name += &format!(", {n} hands raised"),
        }
        name
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label="Call controls">
            <MediaControls state />
            <Show when=move || state.can_share_screen.get()>
                <button
                    type="button"
                    class="bar-button"
                    class:active=move || state.sharing.get()
                    aria-label=move || if state.sharing.get() { "Stop sharing" } else { "Share screen" }
                    on:click=move |_| actions.toggle_sharing.run(())
                >
                    <IconSvg icon=Icon::Screen />
                    <span class="bar-label">
                        {move || if state.sharing.get() { "Stop" } else { "Share" }}
                    </span>
                </button>
            </Show>
            <HandButton state />
            <ReactionsButton />
            <PanelToggle state panel=Panel::People icon=Icon::People short="People"
                name=Signal::derive(people_name) count=Signal::derive(people_count) />
            <PanelToggle state panel=Panel::Chat icon=Icon::Chat short="Chat" name=Signal::derive(chat_name)
                count=Signal::derive(move || chat.unread.get()) />
            <PanelToggle state panel=Panel::Files icon=Icon::Files short="Files" name=Signal::derive(files_name)
                count=Signal::derive(move || transfers.waiting_for_us()) />
            <PanelToggle state panel=Panel::Devices icon=Icon::Devices short="Devices"
                name=Signal::derive(|| "Devices".to_owned()) />
            <PanelToggle state panel=Panel::Settings icon=Icon::Settings short="Settings"
                name=Signal::derive(|| "Settings".to_owned()) />
            <button
                type="button"
                class="bar-button leave"
                aria-label="Leave"
                on:click=move |_| actions.leave.run(())
            >
                <IconSvg icon=Icon::Leave />
                <span class="bar-label">"Leave"</span>
            </button>
        </div>
    }
}

/// A button that opens or closes one panel; it says whether its panel is open.
#[component]
fn PanelToggle(
    state: CallState,
    panel: Panel,
    icon: Icon,
    short: &'static str,
    /// Its accessible name (with counts).
    name: Signal<String>,
    /// A count shown on the button (unread messages, files waiting), hidden at zero.
    #[prop(optional)]
    count: Option<Signal<usize>>,
) -> impl IntoView {
    let open = move || state.panel.get() == Some(panel);
    let count = move || count.map(|c| c.get()).unwrap_or(0);
    view! {
        <button
            type="button"
            id=format!("toggle-{}", panel.id())
            class="bar-button"
            class:active=open
            aria-label=name
            aria-expanded=move || open().to_string()
            aria-controls=panel.id()
            on:click=move |_| state.toggle_panel(panel)
        >
            <IconSvg icon />
            <span class="bar-label">{short}</span>
            <Show when=move || { count() > 0 }>
                // The space keeps the number a word of its own after the label's, so the
                // visible text ("People 2") reads as part of the name ("People, 2 hands raised").
                <span class="count" aria-hidden="true">" "{count}</span>
            </Show>
        </button>
    }
}
