//! The meeting's protection: what everyone sees (locked, password), and for the host, in the
//! People panel, the means to lock the room and set or remove its password, and the
//! confirmation asked before removing a participant.

use crate::components::actions::actions;
use crate::components::side_panel::focus_by_id;
use crate::i18n::use_i18n;
use crate::protocol::{MAX_PASSWORD_CHARS, PeerId};
use crate::state::call::CallState;
use leptos::prelude::*;

/// A one-line summary of the room's protection, for everyone.
#[component]
pub fn Protection(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let settings = state.settings;
    let summary = move || {
        let s = settings.get();
        let key = match (s.locked, s.password) {
            (true, true) => "protection-locked-password",
            (true, false) => "protection-locked",
            (false, true) => "protection-password",
            (false, false) => return String::new(),
        };
        i18n.t(key)
    };
    view! { <p role="status" class="room-protection">{summary}</p> }
}

/// The host's protection of the meeting: lock, waiting room and password.
#[component]
pub fn HostControls(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    let settings = state.settings;
    let new_password = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let password = new_password.get_untracked();
        if !password.is_empty() {
            actions.set_password.run(Some(password));
            new_password.set(String::new());
        }
    };
    view! {
        <section class="host-controls" aria-labelledby="protection-heading">
            <h3 id="protection-heading">{i18n.tr("protection-heading")}</h3>
            <button
                type="button"
                aria-pressed=move || settings.get().locked.to_string()
                on:click=move |_| actions.lock.run(!settings.get_untracked().locked)
            >
                {move || i18n.t(if settings.get().locked { "meeting-unlock" } else { "meeting-lock" })}
            </button>
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || settings.get().waiting_room
                    on:change=move |event| actions.set_waiting_room.run(event_target_checked(&event))
                />
                {i18n.tr("admit-manually")}
            </label>
            <form class="password-form" on:submit=submit>
                <label for="new-password">{i18n.tr("new-password")}</label>
                <input
                    id="new-password"
                    type="password"
                    autocomplete="new-password"
                    maxlength=MAX_PASSWORD_CHARS.to_string()
                    bind:value=new_password
                />
                <button type="submit">{i18n.tr("set-password")}</button>
            </form>
            <Show when=move || settings.get().password>
                <button type="button" on:click=move |_| actions.set_password.run(None)>
                    {i18n.tr("remove-password")}
                </button>
            </Show>
        </section>
    }
}

/// "Remove Ada?" with Remove and Cancel; focus starts on Cancel, Escape cancels.
#[component]
pub fn ConfirmRemoval(
    id: PeerId,
    name: String,
    confirming: RwSignal<Option<(PeerId, String)>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if let Some(button) = cancel_button.get() {
            let _ = button.focus();
        }
    });
    let cancel = move || {
        confirming.set(None);
        focus_by_id(&format!("remove-{id}"));
    };
    view! {
        <div
            class="confirm"
            role="alertdialog"
            aria-labelledby="confirm-heading"
            aria-describedby="confirm-text"
            on:keydown=move |event| {
                if event.key() == "Escape" {
                    // Only the dialog closes, not the panel behind it.
                    event.stop_propagation();
                    cancel();
                }
            }
        >
            <h3 id="confirm-heading">
                {move || i18n.around_name("confirm-remove-heading").0}
                <bdi>{name.clone()}</bdi>
                {move || i18n.around_name("confirm-remove-heading").1}
            </h3>
            <p id="confirm-text">
                {move || i18n.around_name("confirm-remove-text").0}
                <bdi>{name.clone()}</bdi>
                {move || i18n.around_name("confirm-remove-text").1}
            </p>
            <div class="confirm-actions">
                <button
                    type="button"
                    class="danger"
                    on:click=move |_| {
                        actions.remove.run(id);
                        confirming.set(None);
                    }
                >
                    {i18n.tr("remove")}
                </button>
                <button type="button" node_ref=cancel_button on:click=move |_| cancel()>
                    {i18n.tr("cancel")}
                </button>
            </div>
        </div>
    }
}
