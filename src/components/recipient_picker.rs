//! Choosing who a message or file goes to: everyone, or one participant.

use crate::i18n::use_i18n;
use crate::protocol::PeerId;
use crate::state::call::CallState;
use leptos::prelude::*;

/// The value of the "everyone" choice.
const EVERYONE: &str = "";

/// A labelled picker of "Everyone" or one participant. If the chosen person leaves, the choice
/// goes back to everyone.
#[component]
pub fn RecipientPicker(
    /// The meeting page's state.
    state: CallState,
    /// The message id of the picker's label, e.g. "Send message to".
    label: &'static str,
    /// The element id (the label points at it).
    id: &'static str,
    /// The choice: `None` for everyone.
    chosen: RwSignal<Option<PeerId>>,
) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let gone = chosen
            .get()
            .is_some_and(|peer| state.remotes.with(|r| r.iter().all(|t| t.id != peer)));
        if gone {
            chosen.set(None);
        }
    });
    let value = move || chosen.get().map(|p| p.0.to_string()).unwrap_or_default();
    view! {
        <span class="recipient">
            <label for=id>{i18n.tr(label)}</label>
            <select
                id=id
                prop:value=value
                on:change=move |event| {
                    let picked = event_target_value(&event);
                    chosen.set(picked.parse().ok().map(PeerId));
                }
            >
                <option value=EVERYONE>{i18n.tr("everyone")}</option>
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <option value=tile.id.0.to_string()>{tile.name.get_value()}</option>
                </For>
            </select>
        </span>
    }
}
