//! The meeting link, in a field to read or select, and a button that copies it.

use crate::components::actions::actions;
use leptos::prelude::*;

/// The link is the page's own address.
#[component]
pub fn Invite() -> impl IntoView {
    let actions = actions();
    let link = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            link.set(window.location().href().unwrap_or_default());
        }
    });
    view! {
        <div class="invite">
            <label for="meeting-link">"Meeting link"</label>
            <input id="meeting-link" type="text" readonly prop:value=move || link.get() />
            <button type="button" on:click=move |_| actions.copy_link.run(())>
                "Copy link"
            </button>
        </div>
    }
}
