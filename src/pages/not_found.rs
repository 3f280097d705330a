//! The page for an unknown address.

use crate::i18n::use_i18n;
use leptos::prelude::*;

/// Shown for any address the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <section class="page">
            <h1>{i18n.tr("not-found")}</h1>
            <p><a href="/">{i18n.tr("not-found-link")}</a></p>
        </section>
    }
}
