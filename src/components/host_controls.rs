//! The meeting's protection: what everyone sees (locked, password), and for the host the means
//! to lock the room, set or remove its password, and remove a participant.

use crate::protocol::{MAX_PASSWORD_CHARS, PeerId};
use crate::state::call::CallState;
use leptos::prelude::*;

/// A one-line summary of the room's protection, and the host's menu.
#[component]
pub fn HostControls(
    /// The meeting page's state.
    state: CallState,
    /// Locks (`true`) or unlocks the room.
    on_lock: Callback<bool>,
    /// Sets (`Some`) or removes the room password.
    on_set_password: Callback<Option<String>>,
    /// Removes a participant.
    on_remove: Callback<PeerId>,
) -> impl IntoView {
    let settings = state.settings;
    let is_host = state.is_host();
    let summary = move || {
        let s = settings.get();
        match (s.locked, s.password) {
            (true, true) => "Meeting locked and protected by a password.",
            (true, false) => "Meeting locked: nobody new can join.",
            (false, true) => "Meeting protected by a password.",
            (false, false) => "",
        }
    };
    let new_password = RwSignal::new(String::new());
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        let password = new_password.get_untracked();
        if !password.is_empty() {
            on_set_password.run(Some(password));
            new_password.set(String::new());
        }
    };
    view! {
        <p role="status" class="room-protection">{summary}</p>
        <Show when=move || is_host.get()>
            <details class="host-menu">
                <summary>"Host controls"</summary>
                <button
                    class="toggle"
                    aria-pressed=move || settings.get().locked.to_string()
                    on:click=move |_| on_lock.run(!settings.get_untracked().locked)
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
                    <button on:click=move |_| on_set_password.run(None)>"Remove password"</button>
                </Show>
                <ul class="participants" aria-label="Participants">
                    <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                        <li>
                            <bdi>{tile.name.get_value()}</bdi>
                            <button
                                class="danger"
                                aria-label=format!("Remove {}", tile.name.get_value())
                                on:click=move |_| on_remove.run(tile.id)
                            >
                                "Remove"
                            </button>
                        </li>
                    </For>
                </ul>
            </details>
        </Show>
    }
}
