//! Browser-side call logic (runs only in the browser, after hydration).
//!
//! - [`media`]: camera and microphone.
//! - [`devices`]: choosing cameras, microphones and speakers.
//! - [`signaling`]: the WebSocket to the server.
//! - [`peer`]: one peer connection with perfect negotiation; [`tracks`]: what it sends.
//! - [`screen_share`]: sharing a screen, window or tab.
//! - [`stats`], [`level_meter`], [`ticker`]: connection statistics, microphone level, timers.
//! - [`layout`]: fullscreen and picture-in-picture.
//! - [`call`]: a joined meeting, tying the three together and driving [`crate::call_state`].

pub mod call;
pub mod devices;
pub mod layout;
pub mod level_meter;
pub mod media;
pub mod peer;
pub mod screen_share;
pub mod signaling;
pub mod stats;
pub mod ticker;
pub mod tracks;
