//! The state of a meeting page and the pure rules behind it: no web-sys, no sockets, so all of
//! it runs (and is unit-tested) natively as well as in the browser.
//!
//! - [`call`]: the reactive state of a meeting page: who is there, what they send, panels;
//!   [`chat`] and [`transfers`] its chat and file transfers.
//! - [`links`]: finding links in chat text; [`progress`]: transfer sizes, speeds, time left.
//! - [`quality`]: connection-quality rules (rates, good/fair/poor).
//! - [`reconnect`]: when and how soon to reconnect to the server.
//! - [`grid`]: how the tiles fill the window; [`panel`]: the call screen's panels;
//!   [`toasts`]: notices that go by themselves; [`problem`]: screens for a refused or lost meeting.
//! - [`peer_budget`]: how much another browser may send us before we drop what it sends.
//! - [`people`]: the participant list's order and search; [`reactions`]: reactions floating
//!   over tiles.

pub mod call;
pub mod chat;
pub mod grid;
pub mod links;
pub mod panel;
pub mod peer_budget;
pub mod people;
pub mod problem;
pub mod progress;
pub mod quality;
pub mod reactions;
pub mod reconnect;
pub mod toasts;
pub mod transfers;
