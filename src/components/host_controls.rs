//! The meeting's protection: what everyone sees (locked, password), and for the host, in the
//! Host controls panel, the means to lock the room, set or remove its password, and remove a
//! participant (after confirming).

use crate::components::actions::actions;
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

/// The host's controls: lock, password, participants.
#[component]
pub fn HostControls(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let actions = actions();
    let settings = state.settings;
    let new_password = RwSignal::new(String::new());
    // Who the host asked to remove, waiting for confirmation.
    let confirming = RwSignal::new(None::<(PeerId, String)>);
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let password = new_password.get_untracked();
        if !password.is_empty() {
            actions.set_password.run(Some(password));
            new_password.set(String::new());
        }
    };
    view! {
        <div class="host-controls">
            <button
                type="button"
                aria-pressed=move || settings.get().locked.to_string()
                on:click=move |_| actions.lock.run(!settings.get_untracked().locked)
            >
                {move || if settings.get().locked { "Unlock meeting" } else { "Lock meeting" }}
            </button>
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
            <h3 id="participants-heading">"Participants"</h3>
            <ul class="participants" aria-labelledby="participants-heading">
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <li>
                        <bdi class="participant-name">{tile.name.get_value()}</bdi>
                        <button
                            type="button"
                            class="danger"
                            id=format!("remove-{}", tile.id)
                            aria-label=format!("Remove {}", tile.name.get_value())
                            on:click=move |_| confirming.set(Some((tile.id, tile.name.get_value())))
                        >
                            "Remove"
                        </button>
                    </li>
                </For>
            </ul>
            {move || {
                confirming
                    .get()
                    .map(|(id, name)| {
                        view! { <ConfirmRemoval id name confirming /> }
                    })
            }}
        </div>
    }
}

/// "Remove Ada?" with Remove and Cancel; focus starts on Cancel, Escape cancels.
#[component]
fn ConfirmRemoval(
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

fn focus_by_id(id: &str) {
    if let Some(element) = document().get_element_by_id(id)
        && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
    {
        let _ = element.focus();
    }
}
