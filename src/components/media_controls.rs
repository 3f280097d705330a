//! Microphone and camera buttons, with their keyboard shortcuts (which can be turned off in
//! Settings; the hand's, H, is handled here too). When a device is blocked or missing the button says so, is marked disabled, and
//! pressing it explains why and asks the browser again.

use crate::components::actions::actions;
use crate::components::gestures::HAND_SHORTCUT;
use crate::components::icons::{Icon, IconSvg};
use crate::i18n::{Text, use_i18n};
use crate::state::call::{CallState, Phase};
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
) -> impl IntoView {
    let actions = actions();
    let shortcuts = window_event_listener(leptos::ev::keydown, move |event: KeyboardEvent| {
        if !state.shortcuts.get_untracked()
            || event.repeat()
            || event.ctrl_key()
            || event.meta_key()
            || event.alt_key()
            || typing(&event)
        {
            return;
        }
        let key = event.key().to_ascii_uppercase();
        if key == MIC_SHORTCUT && state.mic_problem.get_untracked().is_none() {
            event.prevent_default();
            actions.toggle_mic.run(());
        } else if key == CAMERA_SHORTCUT && state.camera_problem.get_untracked().is_none() {
            event.prevent_default();
            actions.toggle_camera.run(());
        } else if key == HAND_SHORTCUT && state.phase.get_untracked() == Phase::InCall {
            event.prevent_default();
            actions.toggle_hand.run(());
        }
    });
    on_cleanup(move || shortcuts.remove());

    view! {
        <DeviceButton
            state
            problem=state.mic_problem
            on=state.mic_on
            unavailable="mic-unavailable"
            short="mic-short"
            label=mic_label
            short_label=|on| if on { "mic-mute-short" } else { "mic-unmute-short" }
            icons=(Icon::Mic, Icon::MicOff)
            shortcut=MIC_SHORTCUT
            toggle=actions.toggle_mic
            problem_id="mic-problem"
        />
        <DeviceButton
            state
            problem=state.camera_problem
            on=state.camera_on
            unavailable="camera-unavailable"
            short="camera-short"
            label=camera_label
            short_label=|_| "camera-short"
            icons=(Icon::Camera, Icon::CameraOff)
            shortcut=CAMERA_SHORTCUT
            toggle=actions.toggle_camera
            problem_id="camera-problem"
        />
    }
}

/// One device's button (its words given as message ids).
#[component]
fn DeviceButton(
    state: CallState,
    problem: RwSignal<Option<Text>>,
    on: RwSignal<bool>,
    unavailable: &'static str,
    short: &'static str,
    label: fn(bool) -> &'static str,
    short_label: fn(bool) -> &'static str,
    icons: (Icon, Icon),
    shortcut: &'static str,
    toggle: Callback<()>,
    problem_id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let blocked = move || problem.with(Option::is_some);
    let name = move || {
        i18n.t(if blocked() {
            unavailable
        } else {
            label(on.get())
        })
    };
    let click = move |_| {
        // Blocked or missing: say why, and ask the browser again.
        if let Some(reason) = problem.get_untracked() {
            state.toasts.push(reason);
        }
        toggle.run(());
    };
    view! {
        <button
            type="button"
            class="bar-button"
            class:off=move || blocked() || !on.get()
            aria-label=name
            aria-disabled=move || blocked().then_some("true")
            aria-describedby=move || blocked().then_some(problem_id)
            aria-keyshortcuts=move || (!blocked() && state.shortcuts.get()).then_some(shortcut)
            title=move || {
                if state.shortcuts.get() && !blocked() {
                    format!("{} ({shortcut})", name())
                } else {
                    name()
                }
            }
            on:click=click
        >
            {move || {
                let icon = if on.get() && !blocked() { icons.0 } else { icons.1 };
                view! { <IconSvg icon /> }
            }}
            <span class="bar-label">
                {move || i18n.t(if blocked() { short } else { short_label(on.get()) })}
            </span>
        </button>
        <span id=problem_id class="visually-hidden">{move || problem.get().map(|text| i18n.text(&text))}</span>
    }
}

/// The microphone button's name (a message id): what pressing it will do.
pub fn mic_label(on: bool) -> &'static str {
    if on { "mic-mute" } else { "mic-unmute" }
}

/// The camera button's name (a message id): what pressing it will do.
pub fn camera_label(on: bool) -> &'static str {
    if on { "camera-off" } else { "camera-on" }
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
