//! Choosing the camera, microphone and speaker, and why one is missing.

use crate::components::actions::actions;
use crate::i18n::use_i18n;
use crate::state::call::{CallState, DeviceKind};
use leptos::prelude::*;

/// A picker per kind of device there is to choose from, and what is wrong with any.
#[component]
pub fn DevicePickers(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let problems = move || {
        let mut list: Vec<String> = Vec::new();
        let problems = [state.camera_problem.get(), state.mic_problem.get()];
        for problem in problems.iter().flatten().map(|text| i18n.text(text)) {
            if !list.contains(&problem) {
                list.push(problem);
            }
        }
        list
    };
    view! {
        <div class="devices">
            <DevicePicker state kind=DeviceKind::Camera />
            <DevicePicker state kind=DeviceKind::Microphone />
            <DevicePicker state kind=DeviceKind::Speaker />
            <For each=problems key=|p| p.clone() let:problem>
                <p class="media-problem">{problem}</p>
            </For>
        </div>
    }
}

/// One kind's picker, shown when there is a device of that kind.
#[component]
fn DevicePicker(state: CallState, kind: DeviceKind) -> impl IntoView {
    let i18n = use_i18n();
    let on_pick = actions().pick_device;
    let id = format!("device-{}", kind.noun().to_lowercase());
    let options = move || {
        state
            .devices
            .get()
            .into_iter()
            .filter(|d| d.kind == kind)
            .collect::<Vec<_>>()
    };
    let chosen = state.choice(kind);
    view! {
        <Show when=move || !options().is_empty()>
            <span class="device">
                <label for=id.clone()>{i18n.tr(kind.label())}</label>
                <select
                    id=id.clone()
                    on:change=move |event| on_pick.run((kind, event_target_value(&event)))
                >
                    <For each=options key=|d| d.id.clone() let:device>
                        <option
                            value=device.id.clone()
                            selected=move || chosen.get() == device.id
                        >
                            {device.label.clone()}
                        </option>
                    </For>
                </select>
            </span>
        </Show>
    }
}
