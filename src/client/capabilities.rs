//! What this browser and device can do, so the page offers only that.

use wasm_bindgen::JsValue;

/// Whether the browser can share a screen (`getDisplayMedia`; most phones cannot).
pub fn can_share_screen() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().media_devices().ok())
        .is_some_and(|devices| {
            js_sys::Reflect::has(&devices, &JsValue::from_str("getDisplayMedia")).unwrap_or(false)
        })
}

/// Whether the main pointer is a finger (a phone or tablet): no hovering, no dragging files.
pub fn touch() -> bool {
    web_sys::window()
        .and_then(|w| w.match_media("(pointer: coarse)").ok().flatten())
        .is_some_and(|query| query.matches())
}
