//! The state of a meeting page and the pure rules behind it: no web-sys, no sockets, so all of
//! it runs (and is unit-tested) natively as well as in the browser.
//!
//! - [`call`]: the reactive state of a meeting page: who is there, what they send, panels;
//!   [`chat`] and [`transfers`] its chat and file transfers.
//! - [`links`]: finding links in chat text; [`progress`]: transfer sizes, speeds, time left.
//! - [`quality`]: connection-quality rules (rates, good/fair/poor).
//! - [`reconnect`]: when and how soon to reconnect to the server.
//! - [`peer_budget`]: how much another browser may send us before we drop what it sends.

pub mod call;
pub mod chat;
pub mod links;
pub mod peer_budget;
pub mod progress;
pub mod quality;
pub mod reconnect;
pub mod transfers;
