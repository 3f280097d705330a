//! Running work once before the next frame is drawn, so that many updates arriving between two
//! frames cost one layout.

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

/// Runs `work` before the browser draws its next frame (at once outside a window, or if the
/// browser refuses). The callback frees itself when it runs.
pub fn next_frame(work: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        work();
        return;
    };
    let callback = Closure::once_into_js(work);
    if window
        .request_animation_frame(callback.unchecked_ref())
        .is_err()
    {
        // The closure has not run; calling it runs the work (and frees it).
        let _ = callback
            .unchecked_ref::<js_sys::Function>()
            .call0(&wasm_bindgen::JsValue::NULL);
    }
}
