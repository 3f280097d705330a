//! The meeting link, in a field to read or select, and a button that copies it; where asked, also
//! as a QR code (drawn by the server) that a phone's camera opens straight into the lobby.

use crate::components::actions::actions;
use crate::i18n::use_i18n;
use leptos::prelude::*;

/// The link is the page's own address. `qr`: whether to show its QR code too.
#[component]
pub fn Invite(#[prop(optional, into)] qr: Option<Signal<bool>>) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    let link = RwSignal::new(String::new());
    let path = RwSignal::new(String::new());
    Effect::new(move |_| {
        if let Some(window) = web_sys::window() {
            link.set(window.location().href().unwrap_or_default());
            path.set(window.location().pathname().unwrap_or_default());
        }
    });
    let show_qr = move || qr.is_some_and(|qr| qr.get()) && !path.get().is_empty();
    view! {
        <div class="invite">
            <label for="meeting-link">{i18n.tr("meeting-link")}</label>
            <input id="meeting-link" type="text" readonly prop:value=move || link.get() />
            <button type="button" on:click=move |_| actions.copy_link.run(())>
                {i18n.tr("copy-link")}
            </button>
            <Show when=show_qr>
                <div class="qr">
                    <img
                        src=move || format!("{}/qr.svg", path.get())
                        alt=i18n.tr("qr-alt")
                        width="160"
                        height="160"
                    />
                    <p>{i18n.tr("qr-hint")}</p>
                </div>
            </Show>
        </div>
    }
}
