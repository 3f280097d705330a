//! The meeting's protection: what everyone sees (locked, password), and for the host, in the
//! People panel, the means to lock the room and set or remove its password, and the
//! confirmation asked before removing a participant.

use crate::components::actions::actions;
use crate::components::side_panel::focus_by_id;
use crate::protocol::{MAX_PASSWORD_CHARS, PeerId};
use crate::state::call::CallState;
use leptos::prelude::*;

/// A one-line summary of the room's protection, for everyone.
#[component]
pub fn Protection(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let settings = state.settings;
    let summary = move || {
        let s = settings.get();
        match (s.locked, s.password) {
            (true, true) => "Meeting locked and protected by a password.",
            (true, false) => "Meeting locked: nobody new can join.",
            (false, true) => "Meeting protected by a password.",
            (false, false) => "",
        }
    };
    view! { <p role="status" class="room-protection">{summary}</p> }
}

/// The host's protection of the meeting: lock, waiting room and password.
#[component]
pub fn HostControls(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
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
            <h3 id="protection-heading">"Meeting protection"</h3>
            <button
                type="button"
                aria-pressed=move || settings.get().locked.to_string()
                on:click=move |_| actions.lock.run(!settings.get_untracked().locked)
            >
                {move || if settings.get().locked { "Unlock meeting" } else { "Lock meeting" }}
            </button>
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || settings.get().waiting_room
                    on:change=move |event| actions.set_waiting_room.run(event_target_checked(&event))
                />
                "Admit people manually"
            </label>
            <form class="password-form" on:submit=submit>
                <label for="new-password">"New meeting password"</label>
                <input
                    id="new-password"
                    type="password"
                    autocomplete="new-password"
                    maxlength=MAX_PASSWORD_CHARS.to_string()
                    bind:value=new_password
                />
                <button type="submit">"Set password"</button>
            </form>
            <Show when=move || settings.get().password>
                <button type="button" on:click=move |_| actions.set_password.run(None)>
                    "Remove password"
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
            <h3 id="confirm-heading">"Remove "<bdi>{name.clone()}</bdi>"?"</h3>
            <p id="confirm-text">
                <bdi>{name.clone()}</bdi>
                " will leave the meeting at once and cannot come back with this link."
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
                    "Remove"
                </button>
                <button type="button" node_ref=cancel_button on:click=move |_| cancel()>
                    "Cancel"
                </button>
            </div>
        </div>
    }
}
