//! Preferences: whether your own video is mirrored; the single-key shortcuts, listed, and a
//! switch to turn them off (for people whose speech input or keyboard would trigger them by
//! accident).

use crate::components::gestures::HAND_SHORTCUT;
use crate::components::media_controls::{CAMERA_SHORTCUT, MIC_SHORTCUT};
use crate::state::call::CallState;
use leptos::prelude::*;

/// The shortcut switch and list.
#[component]
pub fn SettingsPanel(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    view! {
        <div class="settings">
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || state.shortcuts.get()
                    on:change=move |event| state.shortcuts.set(event_target_checked(&event))
                />
                "Keyboard shortcuts"
            </label>
            <label class="switch">
                <input
                    type="checkbox"
                    prop:checked=move || state.mirror.get()
                    on:change=move |event| state.mirror.set(event_target_checked(&event))
                />
                "Mirror my video"
            </label>
            <p class="hint">"Only you see your camera mirrored; the others see it as it is."</p>
            <dl class="shortcuts" aria-label="Keyboard shortcuts">
                <dt><kbd>{MIC_SHORTCUT}</kbd></dt>
                <dd>"Mute or unmute the microphone"</dd>
                <dt><kbd>{CAMERA_SHORTCUT}</kbd></dt>
                <dd>"Turn the camera off or on"</dd>
                <dt><kbd>{HAND_SHORTCUT}</kbd></dt>
                <dd>"Raise or lower your hand"</dd>
                <dt><kbd>"Esc"</kbd></dt>
                <dd>"Close the open panel"</dd>
            </dl>
            <p class="hint">
                "Single-key shortcuts work when no text field has focus. Turn them off if speech input or an accessible keyboard presses them by accident."
            </p>
        </div>
    }
}
