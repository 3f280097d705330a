//! What the page says without being asked: notices that come and go ("Ada joined", "Link
//! copied"), and the banner while the server is being reached again.

use crate::i18n::{Text, use_i18n};
use crate::state::call::CallState;
use crate::state::toasts::TOAST_MS;
use leptos::prelude::*;
use std::time::Duration;

/// After this long reconnecting, the banner says so more plainly, in milliseconds.
pub const STILL_TRYING_AFTER_MS: u64 = 15_000;

/// The notices, in a live region screen readers read out.
#[component]
pub fn Toasts(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let toasts = state.toasts;
    view! {
        <div class="toasts" role="status" aria-live="polite">
            <For each=move || toasts.items.get() key=|t| t.id let:toast>
                <Toast id=toast.id text=toast.text toasts />
            </For>
        </div>
    }
}

/// One notice; it takes itself away after [`TOAST_MS`].
#[component]
fn Toast(id: u64, text: Text, toasts: crate::state::toasts::Toasts) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        set_timeout(
            move || {
                if !toasts.items.is_disposed() {
                    toasts.dismiss(id);
                }
            },
            Duration::from_millis(u64::from(TOAST_MS)),
        );
    });
    view! { <p class="toast">{move || i18n.text(&text)}</p> }
}

/// "Reconnecting to the server…", then, if it takes long, a plainer sentence; gone once back.
#[component]
pub fn ReconnectingBanner(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let slow = RwSignal::new(false);
    Effect::new(move |_| {
        if state.reconnecting.get() {
            set_timeout(
                move || {
                    if !slow.is_disposed() && state.reconnecting.get_untracked() {
                        slow.set(true);
                    }
                },
                Duration::from_millis(STILL_TRYING_AFTER_MS),
            );
        } else {
            slow.set(false);
        }
    });
    view! {
        <div class="banner" role="status">
            {move || {
                state
                    .reconnecting
                    .get()
                    .then(|| i18n.t(if slow.get() { "reconnecting-slow" } else { "reconnecting" }))
            }}
        </div>
    }
}
