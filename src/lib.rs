//! Confab: a self-hostable video-call server and web app in one crate.
//!
//! ## Layout
//! - [`protocol`]: the signaling messages, shared by server and browser, and what browsers say
//!   to each other over data channels.
//! - [`app`]: the HTML shell and router; [`pages`] and [`components`] the UI.
//! - [`api`]: server functions (create a room, ICE servers).
//! - [`state`]: the state of a meeting page (call, chat, transfers) and the pure rules behind
//!   it (links, transfer progress, connection quality, reconnecting, budgets for other browsers).
//! - [`call`]: the call's decisions as pure state machines (joining, resuming, who offers,
//!   perfect negotiation, ICE restarts), unit-tested natively.
//! - [`client`]: the browser shells that carry them out (WebSocket, peer connections, media).
//! - `server` (feature `ssr`): HTTPS, the room hub and the signaling route.

// Leptos view types nest deeply; the default limit is too small for the meeting page.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod call;
pub mod client;
pub mod components;
pub mod i18n;
pub mod pages;
pub mod protocol;
#[cfg(feature = "ssr")]
pub mod server;
pub mod state;

/// The browser entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
