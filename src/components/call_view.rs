//! The call: everyone's tiles and the Leave button.

use crate::call_state::CallState;
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
) -> impl IntoView {
    let count = move || state.remotes.with(|r| r.len()) + 1;
    view! {
        <section class="call" aria-label="Call">
            <div class="grid" style:--tiles=move || count().to_string()>
                <VideoTile label="You" stream=state.local_stream media=state.own_media() local=true />
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <VideoTile
                        label=Signal::derive(move || tile.name.get_value())
                        stream=tile.stream
                        media=tile.media.into()
                        status=tile.connection
                    />
                </For>
            </div>
            <div class="controls">
                <MediaControls state on_toggle_mic on_toggle_camera />
                <button class="danger" on:click=move |_| on_leave.run(())>
                    "Leave"
                </button>
            </div>
        </section>
    }
}
