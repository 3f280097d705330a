//! Browser-side call logic (runs only in the browser, after hydration).
//!
//! - [`media`]: camera and microphone.
//! - [`devices`]: choosing cameras, microphones and speakers.
//! - [`signaling`]: the WebSocket to the server.
//! - [`peer`]: one peer connection with perfect negotiation; [`tracks`]: what it sends;
//!   [`server_link`]: the one connection of a room whose media goes through the server.
//! - [`screen_share`]: sharing a screen, window or tab.
//! - [`stats`], [`level_meter`], [`ticker`]: connection statistics, microphone level, timers.
//! - [`layout`]: fullscreen and picture-in-picture.
//! - [`inbox`]: messages applied one after another (negotiation steps).
//! - [`data_channel`]: an owned data channel; [`transfers`] with [`file_send`] and
//!   [`file_receive`]: files between participants, hashed by [`file_hash`] (in a worker);
//!   [`progress`]: how far each has come.
//! - [`denoise`]: noise suppression in an audio worklet; [`wasm_module`]: the small modules such
//!   code off the main thread runs.
//! - [`call`]: a joined meeting, tying the three together and driving [`crate::state::call`];
//!   chat messages go out and come in there.

pub mod call;
pub mod capabilities;
pub mod clipboard;
pub mod data_channel;
pub mod denoise;
pub mod devices;
pub mod file_hash;
pub mod file_receive;
pub mod file_send;
pub mod frame;
pub mod inbox;
pub mod layout;
pub mod level_meter;
pub mod media;
pub mod on_screen;
pub mod peer;
pub mod progress;
pub mod screen_share;
pub mod server_link;
pub mod signaling;
pub mod size;
pub mod stats;
pub mod ticker;
pub mod tracks;
pub mod transfers;
pub mod wasm_module;

/// Milliseconds since the page loaded, for measuring.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Waits until the browser is idle, or `timeout_ms` at most: for work that should not compete with
/// drawing the page (a timer instead where `requestIdleCallback` is missing).
pub async fn idle(timeout_ms: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let Some(window) = web_sys::window() else {
            return;
        };
        let options = web_sys::IdleRequestOptions::new();
        options.set_timeout(timeout_ms);
        if window
            .request_idle_callback_with_options(&resolve, &options)
            .is_err()
        {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, 0);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Waits `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
