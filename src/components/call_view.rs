//! The call: everyone's tiles and the Leave button.

use crate::call_state::CallState;
use crate::call_state::DeviceKind;
use crate::components::device_pickers::DevicePickers;
use crate::components::media_controls::MediaControls;
use crate::components::video_tile::VideoTile;
use leptos::prelude::*;

/// The grid of tiles (yours first) and the call controls.
#[component]
pub fn CallView(
    /// The meeting page's state.
    state: CallState,
    /// Called when the person clicks Leave.
    on_leave: Callback<()>,
    /// Mutes or unmutes the microphone.
    on_toggle_mic: Callback<()>,
    /// Turns the camera off or on.
    on_toggle_camera: Callback<()>,
    /// Switches to another camera, microphone or speaker.
    on_pick_device: Callback<(DeviceKind, String)>,
    /// Starts or stops sharing the screen.
    on_toggle_sharing: Callback<()>,
) -> impl IntoView {
    let count = move || state.remotes.with(|r| r.len()) + 1;
    // Which tile is shown large: "you" or a peer's id.
    let pinned = RwSignal::new(None::<String>);
    view! {
        <section class="call" aria-label="Call">
            <div
                class="grid"
                class:has-pinned=move || pinned.with(Option::is_some)
                style:--tiles=move || count().to_string()
            >
                <VideoTile
                    label="You"
                    stream=state.own_view()
                    media=state.own_media()
                    speaking=state.own_speaking()
                    local=true
                    key="you"
                    pinned=pinned
                />
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <VideoTile
                        label=Signal::derive(move || tile.name.get_value())
                        stream=tile.stream.into()
                        media=tile.media.into()
                        speaker=state.speaker_choice
                        speaking=tile.speaking.into()
                        quality=tile.quality
                        history=tile.history
                        key=tile.id.to_string()
                        pinned=pinned
                        status=tile.connection
                    />
                </For>
            </div>
            <div class="controls">
                <MediaControls state on_toggle_mic on_toggle_camera />
                <button class="toggle" class:on=move || state.sharing.get() on:click=move |_| on_toggle_sharing.run(())>
                    {move || if state.sharing.get() { "Stop sharing" } else { "Share screen" }}
                </button>
                <details class="device-menu">
                    <summary>"Devices"</summary>
                    <DevicePickers state on_pick=on_pick_device />
                </details>
                <button class="danger" on:click=move |_| on_leave.run(())>
                    "Leave"
                </button>
            </div>
        </section>
    }
}
