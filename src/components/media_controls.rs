//! Microphone and camera buttons, with keyboard shortcuts.

use crate::state::call::CallState;
use leptos::ev::KeyboardEvent;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// Shortcut that mutes or unmutes the microphone.
pub const MIC_SHORTCUT: &str = "M";
/// Shortcut that turns the camera off or on.
pub const CAMERA_SHORTCUT: &str = "V";

/// The microphone and camera buttons. Their names say what a press will do.
#[component]
pub fn MediaControls(
    /// The meeting page's state.
    state: CallState,
    /// Mutes or unmutes the microphone.
    on_toggle_mic: Callback<()>,
    /// Turns the camera off or on.
    on_toggle_camera: Callback<()>,
) -> impl IntoView {
    let shortcuts = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if event.repeat()
            || event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || typing(&event)
        {
            return;
        }
        let key = event.key().to_ascii_uppercase();
        if key == MIC_SHORTCUT {
            event.prevent_default();
            on_toggle_mic.run(());
        } else if key == CAMERA_SHORTCUT {
            event.prevent_default();
            on_toggle_camera.run(());
        }
    });
    on_cleanup(move || shortcuts.remove());

    view! {
        <button
            class="toggle"
            class:off=move || !state.mic_on.get()
            aria-keyshortcuts=MIC_SHORTCUT
            title=move || format!("{} ({MIC_SHORTCUT})", mic_label(state.mic_on.get()))
            on:click=move |_| on_toggle_mic.run(())
        >
            {move || mic_label(state.mic_on.get())}
        </button>
        <button
            class="toggle"
            class:off=move || !state.camera_on.get()
            aria-keyshortcuts=CAMERA_SHORTCUT
            title=move || format!("{} ({CAMERA_SHORTCUT})", camera_label(state.camera_on.get()))
            on:click=move |_| on_toggle_camera.run(())
        >
            {move || camera_label(state.camera_on.get())}
        </button>
    }
}

/// The microphone button's name: what pressing it will do.
pub fn mic_label(on: bool) -> &'static str {
    if on {
        "Mute microphone"
    } else {
        "Unmute microphone"
    }
}

/// The camera button's name: what pressing it will do.
pub fn camera_label(on: bool) -> &'static str {
    if on {
        "Turn camera off"
    } else {
        "Turn camera on"
    }
}

/// Whether the key went to a text field (where M and V are letters, not shortcuts).
fn typing(event: &KeyboardEvent) -> bool {
    event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .is_some_and(|element| {
            matches!(element.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT")
                || element.has_attribute("contenteditable")
        })
}
