//! Confab: a self-hostable video-call server and web app in one crate.
//!
//! ## Layout
//! - [`protocol`]: the signaling messages, shared by server and browser, and what browsers say
//!   to each other over data channels.
//! - [`app`]: the HTML shell and router; [`pages`] and [`components`] the UI.
//! - [`api`]: server functions (create a room, ICE servers).
//! - [`call_state`]: the reactive state of a meeting page; [`chat_state`] and [`transfer_state`]
//!   its chat and file transfers.
//! - [`links`], [`transfer_progress`]: making chat links clickable; transfer sizes and speeds.
//! - [`quality`]: connection-quality rules (rates, good/fair/poor); [`reconnect`]: when and how
//!   soon to reconnect to the server.
//! - [`client`]: browser-side call logic (WebSocket, peer connections, media).
//! - `server` (feature `ssr`): HTTPS, the room hub and the signaling route.
//! - `load` (feature `ssr`): the `confab-load` load-test tool.

// Leptos view types nest deeply; the default limit is too small for the meeting page.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod call_state;
pub mod chat_state;
pub mod client;
pub mod components;
pub mod links;
#[cfg(feature = "ssr")]
pub mod load;
pub mod pages;
pub mod protocol;
pub mod quality;
pub mod reconnect;
#[cfg(feature = "ssr")]
pub mod server;
pub mod transfer_progress;
pub mod transfer_state;

/// The browser entry point: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(app::App);
}
