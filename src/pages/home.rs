//! The start page: start a new meeting, or join one by link or code.

use crate::api::CreateRoom;
use crate::protocol::RoomId;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

/// Start a meeting, or join one by link or code.
#[component]
pub fn HomePage() -> impl IntoView {
    let start = ServerAction::<CreateRoom>::new();
    let navigate = use_navigate();
    Effect::new({
        let navigate = navigate.clone();
        move |_| {
            if let Some(Ok(room)) = start.value().get() {
                navigate(&format!("/room/{room}"), Default::default());
            }
        }
    });
    let start_error = move || match start.value().get() {
        Some(Err(error)) => Some(format!("Could not start a meeting: {error}")),
        _ => None,
    };

    let code = RwSignal::new(String::new());
    let code_error = RwSignal::new(None::<String>);
    let join = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match RoomId::from_link_or_code(&code.get_untracked()) {
            Ok(room) => navigate(&format!("/room/{room}"), Default::default()),
            Err(error) => code_error.set(Some(format!("That is not a meeting link: {error}."))),
        }
    };

    view! {
        <section class="page home">
            <h1>"Confab"</h1>
            <p class="tagline">"Video meetings on your own server. Start one, share the link, talk."</p>
            <button
                class="primary"
                on:click=move |_| {
                    start.dispatch(CreateRoom {});
                }
                disabled=move || start.pending().get()
            >
                "Start a meeting"
            </button>
            <p role="alert" class="error">{start_error}</p>
            <form class="join-form" on:submit=join>
                <label for="join-code">"Meeting link or code"</label>
                <input id="join-code" type="text" autocomplete="off" bind:value=code />
                <button type="submit">"Join meeting"</button>
            </form>
            <p role="alert" class="error">{move || code_error.get()}</p>
        </section>
    }
}
