//! Watching whether an element is on screen (an `IntersectionObserver`): a page whose meeting
//! goes through the server asks it not to send the video of tiles nobody can see.

use leptos::prelude::*;
use send_wrapper::SendWrapper;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry};

/// Calls `changed(on_screen)` whenever any part of `element` comes into or leaves the viewport,
/// until the calling component is cleaned up.
pub fn watch(element: &Element, changed: Callback<bool>) {
    let on_change = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
        // The last entry is the latest state.
        if let Some(entry) = entries
            .get(entries.length().saturating_sub(1))
            .dyn_ref::<IntersectionObserverEntry>()
        {
            changed.run(entry.is_intersecting());
        }
    });
    let Ok(observer) = IntersectionObserver::new(on_change.as_ref().unchecked_ref()) else {
        return;
    };
    observer.observe(element);
    let held = SendWrapper::new((observer, on_change));
    on_cleanup(move || held.take().0.disconnect());
}
