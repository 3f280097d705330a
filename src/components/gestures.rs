//! Raising a hand and sending reactions: the two control-bar buttons, the reactions picker, and
//! the hand and floating reactions a tile shows.

use crate::components::actions::actions;
use crate::components::icons::{Icon, IconSvg};
use crate::components::side_panel::focus_by_id;
use crate::i18n::{Text, use_i18n};
use crate::protocol::Reaction;
use crate::state::call::CallState;
use crate::state::reactions::Shown;
use leptos::prelude::*;

/// Shortcut that raises or lowers your hand.
pub const HAND_SHORTCUT: &str = "H";

/// "Raise hand" or "Lower hand" (a message id): what pressing it will do.
pub fn hand_label(raised: bool) -> &'static str {
    if raised { "hand-lower" } else { "hand-raise" }
}

/// The hand button.
#[component]
pub fn HandButton(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let actions = actions();
    let i18n = use_i18n();
    let raised = move || state.hand.with(Option::is_some);
    let name = move || i18n.t(hand_label(raised()));
    view! {
        <button
            type="button"
            class="bar-button"
            class:active=raised
            aria-label=name
            aria-keyshortcuts=move || state.shortcuts.get().then_some(HAND_SHORTCUT)
            title=move || {
                if state.shortcuts.get() { format!("{} ({HAND_SHORTCUT})", name()) } else { name() }
            }
            on:click=move |_| actions.toggle_hand.run(())
        >
            <IconSvg icon=Icon::Hand />
            <span class="bar-label">{move || i18n.t(if raised() { "hand-lower-short" } else { "hand-raise-short" })}</span>
        </button>
    }
}

/// "Reactions", which shows or hides a row of reaction buttons above the control bar. The row
/// stays open for several reactions in a row; Escape or the button closes it.
#[component]
pub fn ReactionsButton() -> impl IntoView {
    let actions = actions();
    let i18n = use_i18n();
    let open = RwSignal::new(false);
    let first = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if open.get()
            && let Some(button) = first.get()
        {
            let _ = button.focus();
        }
    });
    view! {
        <button
            type="button"
            id="toggle-reactions"
            class="bar-button"
            class:active=move || open.get()
            aria-label=i18n.tr("reactions")
            aria-expanded=move || open.get().to_string()
            aria-controls="reaction-picker"
            on:click=move |_| open.update(|o| *o = !*o)
        >
            <IconSvg icon=Icon::Smile />
            <span class="bar-label">{i18n.tr("reactions")}</span>
        </button>
        <div
            id="reaction-picker"
            class="reaction-picker"
            role="group"
            aria-label=i18n.tr("reactions-picker")
            hidden=move || !open.get()
            on:keydown=move |event| {
                if event.key() == "Escape" {
                    event.stop_propagation();
                    open.set(false);
                    focus_by_id("toggle-reactions");
                }
            }
        >
            {Reaction::ALL
                .iter()
                .enumerate()
                .map(|(i, &reaction)| {
                    let node = if i == 0 { first } else { NodeRef::new() };
                    view! {
                        <button
                            type="button"
                            node_ref=node
                            aria-label=move || {
                                i18n.text(&Text::new("reaction-send").arg("reaction", reaction.id()))
                            }
                            title=move || {
                                i18n.text(&Text::new("reaction-name").arg("reaction", reaction.id()))
                            }
                            on:click=move |_| actions.react.run(reaction)
                        >
                            {reaction.emoji()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

/// A raised hand on a tile.
#[component]
pub fn TileHand(raised: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Show when=move || raised.get()>
            <span class="tile-hand" role="img" aria-label=i18n.tr("hand-raised")>
                <IconSvg icon=Icon::Hand />
            </span>
        </Show>
    }
}

/// Reactions floating over a tile; hidden from screen readers, which hear them from
/// [`ReactionAnnouncements`].
#[component]
pub fn TileReactions(shown: Signal<Vec<Shown>>) -> impl IntoView {
    view! {
        <div class="tile-reactions" aria-hidden="true">
            <For each=move || shown.get() key=|s| s.id let:s>
                <span class="floating-reaction">{s.reaction.emoji()}</span>
            </For>
        </div>
    }
}

/// A live region telling screen readers who reacted with what.
#[component]
pub fn ReactionAnnouncements(state: CallState) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="visually-hidden" role="status" aria-live="polite" aria-label=i18n.tr("reactions-sent")>
            <For each=move || state.reactions.announced.get() key=|(id, _)| *id let:line>
                <p>{move || i18n.text(&line.1)}</p>
            </For>
        </div>
    }
}
