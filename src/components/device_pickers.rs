//! Camera, microphone and speaker pickers.

use crate::state::call::{CallState, DeviceKind};
use leptos::prelude::*;

/// A picker per kind of device the browser lists (speakers only where it can route sound).
#[component]
pub fn DevicePickers(
    /// The meeting page's state.
    state: CallState,
    /// Called with the kind and id of a newly chosen device.
    on_pick: Callback<(DeviceKind, String)>,
) -> impl IntoView {
    view! {
        <div class="devices">
            <DevicePicker state kind=DeviceKind::Camera on_pick />
            <DevicePicker state kind=DeviceKind::Microphone on_pick />
            <DevicePicker state kind=DeviceKind::Speaker on_pick />
        </div>
    }
}

/// One labelled picker.
#[component]
fn DevicePicker(
    state: CallState,
    kind: DeviceKind,
    on_pick: Callback<(DeviceKind, String)>,
) -> impl IntoView {
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
                <label for=id.clone()>{kind.noun()}</label>
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
