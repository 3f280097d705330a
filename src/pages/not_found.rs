//! The page for an unknown address.

use leptos::prelude::*;

/// Shown for any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="page">
            <h1>"Page not found"</h1>
            <p><a href="/">"Go to the start page"</a></p>
        </section>
    }
}
