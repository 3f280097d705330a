//! The HTML shell and the router.

use crate::i18n::{RequestLocale, provide_i18n};
use crate::pages::{home::HomePage, not_found::NotFound, room::RoomPage};
use leptos::nonce::use_nonce;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Stylesheet, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

/// The document around the app, rendered on the server (which first sets the page's
/// Content-Security-Policy nonce, see `server::page_shell`).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let lang = use_context::<RequestLocale>()
        .map(|RequestLocale(locale)| locale)
        .unwrap_or_default()
        .tag();
    view! {
        <!DOCTYPE html>
        <html lang=lang>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                // The bundle's loader of its split-off chunks (the call's code): the page's own
                // script imports it, so it is fetched beside that script rather than after it.
                <link
                    rel="modulepreload"
                    href="/pkg/__wasm_split.______________________.js"
                    crossorigin="anonymous"
                    nonce=use_nonce()
                />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The app: a home page and a page per meeting room.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let i18n = provide_i18n();
    // The document's language follows a choice made in Settings (screen readers pick their voice
    // by it).
    Effect::new(move || {
        let tag = i18n.locale().tag();
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("lang", tag);
        }
    });
    // Effects run only in the browser, once the page is interactive: mark it, so tests and the
    // browser benchmark can tell (and time) when hydration finished.
    Effect::new(|| {
        if let Some(root) = document().document_element() {
            let _ = root.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Stylesheet id="leptos" href="/pkg/confab.css" />
        <Title text="Confab" />
        <Router>
            <main>
                <Routes fallback=NotFound>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/room/:id") view=RoomPage />
                </Routes>
            </main>
        </Router>
    }
}
