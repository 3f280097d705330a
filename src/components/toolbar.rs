//! The call's control bar (microphone, camera, screen, hand, reactions, the panels, Leave):
//! one row of icon buttons fixed at the bottom of the screen, in the
//! same place whatever is open. It comes first in the page's tab order, before any tile.

use crate::components::actions::actions;
use crate::components::gestures::{HandButton, ReactionsButton};
use crate::components::icons::{Icon, IconSvg};
use crate::components::media_controls::MediaControls;
use crate::i18n::{Text, use_i18n};
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
    let i18n = use_i18n();
    let chat = state.chat;
    let transfers = state.transfers;
    let chat_name =
        move || i18n.text(&Text::new("toolbar-chat-name").arg("unread", chat.unread.get()));
    let files_name = move || {
        i18n.text(&Text::new("toolbar-files-name").arg("waiting", transfers.waiting_for_us()))
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
        i18n.text(
            &Text::new("toolbar-people-name")
                .arg("waiting", waiting())
                .arg("hands", hands()),
        )
    };
    view! {
        <div class="toolbar" role="toolbar" aria-label=i18n.tr("toolbar-label")>
            <MediaControls state />
            <Show when=move || state.can_share_screen.get()>
                <button
                    type="button"
                    class="bar-button"
                    class:active=move || state.sharing.get()
                    aria-label=move || i18n.t(if state.sharing.get() { "screen-stop" } else { "screen-share" })
                    on:click=move |_| actions.toggle_sharing.run(())
                >
                    <IconSvg icon=Icon::Screen />
                    <span class="bar-label">
                        {move || i18n.t(if state.sharing.get() { "screen-stop-short" } else { "screen-share-short" })}
                    </span>
                </button>
            </Show>
            <HandButton state />
            <ReactionsButton />
            <PanelToggle state panel=Panel::People icon=Icon::People short="panel-people"
                name=Signal::derive(people_name) count=Signal::derive(people_count) />
            <PanelToggle state panel=Panel::Chat icon=Icon::Chat short="panel-chat" name=Signal::derive(chat_name)
                count=Signal::derive(move || chat.unread.get()) />
            <PanelToggle state panel=Panel::Files icon=Icon::Files short="panel-files" name=Signal::derive(files_name)
                count=Signal::derive(move || transfers.waiting_for_us()) />
            <PanelToggle state panel=Panel::Devices icon=Icon::Devices short="panel-devices"
                name=Signal::derive(i18n.tr("panel-devices")) />
            <PanelToggle state panel=Panel::Settings icon=Icon::Settings short="panel-settings"
                name=Signal::derive(i18n.tr("panel-settings")) />
            <button
                type="button"
                class="bar-button leave"
                aria-label=i18n.tr("leave")
                on:click=move |_| actions.leave.run(())
            >
                <IconSvg icon=Icon::Leave />
                <span class="bar-label">{i18n.tr("leave")}</span>
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
    /// The message id of its visible label.
    short: &'static str,
    /// Its accessible name (with counts).
    name: Signal<String>,
    /// A count shown on the button (unread messages, files waiting), hidden at zero.
    #[prop(optional)]
    count: Option<Signal<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
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
            <span class="bar-label">{i18n.tr(short)}</span>
            <Show when=move || { count() > 0 }>
                // The space keeps the number a word of its own after the label's, so the
                // visible text ("People 2") reads as part of the name ("People, 2 hands raised").
                <span class="count" aria-hidden="true">" "{count}</span>
            </Show>
        </button>
    }
}
