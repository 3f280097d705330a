//! `confab-load`: a load-test tool for any Confab server. It opens rooms × peers signaling
//! connections speaking the real protocol, negotiates every pair as browsers do (an SDP offer
//! and answer of a few KB, a dozen candidates each way), then relays a steady stream of
//! messages and checks each arrives once, in order, at its target only.
//!
//! - [`transport`]: `ws://`/`wss://` connections; [`run`]: the run itself; [`cli`]: what both
//!   commands take and how they print;
//! - [`media`] (the `confab-media-load` command): media through the forwarding unit;
//! - [`stats`]: latency percentiles and the delivery ledger; [`server`]: the server's CPU and
//!   memory from `/proc`; [`report`]: the table and JSON.

pub mod cli;
pub mod media;
pub mod report;
pub mod run;
pub mod server;
pub mod stats;
pub mod transport;
