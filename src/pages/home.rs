//! The start page: start a new meeting, or join one by link or code.

use crate::api::CreateRoom;
use crate::i18n::{Text, use_i18n};
use crate::protocol::RoomId;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

/// Start a meeting, or join one by link or code.
#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
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
        Some(Err(error)) => {
            Some(i18n.text(&Text::new("home-start-failed").arg("error", error.to_string())))
        }
        _ => None,
    };

    // Back from `/join` (the form sent without JavaScript) with something that is not a link:
    // the input is kept and the reason shown, the same on the server and after hydration.
    let returned = use_query_map().with_untracked(|query| query.get("code"));
    let code_error = RwSignal::new(returned.as_deref().and_then(problem));
    let code_error_text = move || code_error.get().map(|text| i18n.text(&text));
    let typed = returned.unwrap_or_default();
    let code = RwSignal::new(typed.clone());
    let join = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        match RoomId::from_link_or_code(&code.get_untracked()) {
            Ok(room) => navigate(&format!("/room/{room}"), Default::default()),
            Err(_) => code_error.set(problem(&code.get_untracked())),
        }
    };

    view! {
        <section class="page home">
            <h1>"Confab"</h1>
            <p class="tagline">{i18n.tr("home-tagline")}</p>
            // Before hydration the browser posts the form itself to `/start`.
            <form class="start-form" method="post" action="/start" on:submit=move |event| {
                event.prevent_default();
                start.dispatch(CreateRoom {});
            }>
                <button type="submit" class="primary" disabled=move || start.pending().get()>
                    {i18n.tr("home-start")}
                </button>
            </form>
            <p role="alert" class="error">{start_error}</p>
            // Before hydration the browser submits the form itself to `/join`.
            <form class="join-form" method="get" action="/join" on:submit=join>
                <label for="join-code">{i18n.tr("home-code")}</label>
                <input id="join-code" name="code" type="text" autocomplete="off" value=typed bind:value=code />
                <button type="submit">{i18n.tr("home-join")}</button>
            </form>
            <p role="alert" class="error">{code_error_text}</p>
        </section>
    }
}

/// Why what was typed is not a meeting link, as a sentence.
fn problem(typed: &str) -> Option<Text> {
    RoomId::from_link_or_code(typed)
        .err()
        .map(|_| Text::new("home-not-a-link"))
}
