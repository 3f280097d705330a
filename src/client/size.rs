//! Watching an element's size (a `ResizeObserver`): the call's grid is laid out for the space
//! it has, which changes with the window, the device's rotation and the panels beside it.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, ResizeObserver, ResizeObserverEntry};

/// Calls `changed(width, height)` with `element`'s content size now and whenever it changes,
/// until the calling component is cleaned up.
pub fn watch(element: &Element, changed: Callback<(f64, f64)>) {
    changed.run((
        f64::from(element.client_width()),
        f64::from(element.client_height()),
    ));
    let on_resize = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        if let Some(entry) = entries.get(0).dyn_ref::<ResizeObserverEntry>() {
            let rect = entry.content_rect();
            changed.run((rect.width(), rect.height()));
        }
    });
    let Ok(observer) = ResizeObserver::new(on_resize.as_ref().unchecked_ref()) else {
        return;
    };
    observer.observe(element);
    let held = SendWrapper::new((observer, on_resize));
    on_cleanup(move || held.take().0.disconnect());
}
