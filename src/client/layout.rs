//! Showing one tile bigger: fullscreen and picture-in-picture.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlVideoElement};

/// Calls a promise-returning method by name and logs a rejection.
fn call(target: &JsValue, method: &str) {
    let Some(function) = Reflect::get(target, &method.into())
        .ok()
        .and_then(|f| f.dyn_into::<Function>().ok())
    else {
        leptos::logging::warn!("{method} is not supported by this browser");
        return;
    };
    if let Ok(promise) = function.call0(target).and_then(|p| p.dyn_into::<Promise>()) {
        let method = method.to_owned();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = wasm_bindgen_futures::JsFuture::from(promise).await {
                leptos::logging::warn!("{method} failed: {error:?}");
            }
        });
    }
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

/// Shows an element fullscreen, or leaves fullscreen if it is showing.
pub fn toggle_fullscreen(element: &Element) {
    let Some(document) = document() else { return };
    if document.fullscreen_element().is_some() {
        call(&document, "exitFullscreen");
    } else {
        call(element, "requestFullscreen");
    }
}

/// Floats a video over other windows, or brings it back if it is floating.
pub fn toggle_picture_in_picture(video: &HtmlVideoElement) {
    let Some(document) = document() else { return };
    let floating = Reflect::get(&document, &"pictureInPictureElement".into())
        .map(|e| !e.is_null() && !e.is_undefined())
        .unwrap_or(false);
    if floating {
        call(&document, "exitPictureInPicture");
    } else {
        call(video, "requestPictureInPicture");
    }
}
