//! The call: everyone's tiles and the Leave button.

use crate::call_state::CallState;
use crate::components::video_tile::VideoTile;
use leptos::prelude::*;

/// The grid of tiles (yours first) and the call controls.
#[component]
pub fn CallView(
    /// The meeting page's state.
    state: CallState,
    /// Called when the person clicks Leave.
    on_leave: Callback<()>,
) -> impl IntoView {
    let count = move || state.remotes.with(|r| r.len()) + 1;
    view! {
        <section class="call" aria-label="Call">
            <div class="grid" style:--tiles=move || count().to_string()>
                <VideoTile label="You" stream=state.local_stream local=true />
                <For each=move || state.remotes.get() key=|tile| tile.id let:tile>
                    <VideoTile
                        label=Signal::derive(move || tile.name.get_value())
                        stream=tile.stream
                        status=tile.connection
                    />
                </For>
            </div>
            <div class="controls">
                <button class="danger" on:click=move |_| on_leave.run(())>
                    "Leave"
                </button>
            </div>
        </section>
    }
}
