//! The call's decisions, without the browser: plain state machines that take events (and the
//! time, where it matters) and return what to do. The web-sys shells in [`crate::client`] carry
//! out what they return and feed back what happens, so everything decided here is unit-tested
//! natively, with no browser.
//!
//! ## Layout
//! - [`session`]: one person's presence in a meeting: signaling, joining and resuming, who to
//!   connect to and who offers, the ICE configuration, reconnecting.
//! - [`negotiation`]: "perfect negotiation" for one connection: collisions, rollback, ignored
//!   offers, candidates that arrive early.
//! - [`link`]: when a connection needs an ICE restart.
//!
//! This module may use the protocol and the pure rules in [`crate::state`]; never web-sys,
//! sockets or the clock.

pub mod link;
pub mod negotiation;
pub mod session;

pub use crate::state::call::Phase as CallPhase;

/// A timer the core asks its shell for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Timer {
    /// Draw the call even if our first offer has not gone out yet.
    DrawCall,
    /// After resuming: forget those the server did not confirm.
    Reconcile,
    /// Try the server again.
    Reconnect,
    /// Fetch the ICE configuration again (its credentials are about to expire, or the last
    /// attempt failed).
    IceRefresh,
    /// The room's media moved to the server: close the direct connections still kept while
    /// the server's took over.
    EndBridge,
}
