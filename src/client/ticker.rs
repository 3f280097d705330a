//! A repeating timer owned by Rust: dropping it stops it.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Calls a function every `period_ms` until dropped.
pub struct Ticker {
    id: Option<i32>,
    _tick: Closure<dyn FnMut()>,
}

impl Ticker {
    /// Starts the timer.
    pub fn every(period_ms: i32, tick: impl FnMut() + 'static) -> Self {
        let tick = Closure::<dyn FnMut()>::new(tick);
        let id = web_sys::window().and_then(|w| {
            w.set_interval_with_callback_and_timeout_and_arguments_0(
                tick.as_ref().unchecked_ref(),
                period_ms,
            )
            .ok()
        });
        Ticker { id, _tick: tick }
    }
}

impl Drop for Ticker {
    fn drop(&mut self) {
        if let (Some(window), Some(id)) = (web_sys::window(), self.id) {
            window.clear_interval_with_handle(id);
        }
    }
}
