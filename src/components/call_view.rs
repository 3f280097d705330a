//! The call: everyone's tiles, the controls, and the chat and files panels beside them.

use crate::components::chat_panel::ChatPanel;
use crate::components::device_pickers::DevicePickers;
use crate::components::files_panel::FilesPanel;
use crate::components::host_controls::HostControls;
use crate::components::media_controls::MediaControls;
use crate::components::video_tile::VideoTile;
use crate::protocol::PeerId;
use crate::state::call::CallState;
use crate::state::call::DeviceKind;
use crate::state::transfers::TransferAction;
use crate::state::transfers::TransferKey;
use leptos::prelude::*;
use web_sys::File;

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
    /// Sends a chat message to everyone or one person.
    on_send_chat: Callback<(String, Option<PeerId>), Result<(), String>>,
    /// Offers files to everyone or one person.
    on_send_files: Callback<(Vec<File>, Option<PeerId>)>,
    /// Accepts, declines or cancels a transfer.
    on_transfer_action: Callback<(TransferKey, TransferAction)>,
    /// Host: locks or unlocks the meeting.
    on_lock: Callback<bool>,
    /// Host: sets or removes the meeting password.
    on_set_password: Callback<Option<String>>,
    /// Host: removes a participant.
    on_remove: Callback<PeerId>,
) -> impl IntoView {
    let chat = state.chat;
    let transfers = state.transfers;
    let chat_name = move || match chat.unread.get() {
        0 => "Chat".to_owned(),
        n => format!("Chat, {n} unread"),
    };
    let files_name = move || match transfers.waiting_for_us() {
        0 => "Files".to_owned(),
        n => format!("Files, {n} waiting"),
    };
    let count = move || state.remotes.with(|r| r.len()) + 1;
    // Which tile is shown large: "you" or a peer's id.
    let pinned = RwSignal::new(None::<String>);
    view! {
        <section class="call" aria-label="Call">
            <div class="call-body">
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
            <aside class="side" hidden=move || !chat.open.get() && !transfers.open.get()>
                <ChatPanel state on_send=on_send_chat />
                <FilesPanel state on_send=on_send_files on_action=on_transfer_action />
            </aside>
            </div>
            <div class="controls">
                <MediaControls state on_toggle_mic on_toggle_camera />
                <button class="toggle" class:on=move || state.sharing.get() on:click=move |_| on_toggle_sharing.run(())>
                    {move || if state.sharing.get() { "Stop sharing" } else { "Share screen" }}
                </button>
                <button
                    class="toggle"
                    aria-label=chat_name
                    aria-expanded=move || chat.open.get().to_string()
                    on:click=move |_| chat.set_open(!chat.open.get_untracked())
                >
                    "Chat"
                    <Show when=move || { chat.unread.get() > 0 }>
                        <span class="count" aria-hidden="true">{move || chat.unread.get()}</span>
                    </Show>
                </button>
                <button
                    class="toggle"
                    aria-label=files_name
                    aria-expanded=move || transfers.open.get().to_string()
                    on:click=move |_| transfers.open.update(|open| *open = !*open)
                >
                    "Files"
                    <Show when=move || { transfers.waiting_for_us() > 0 }>
                        <span class="count" aria-hidden="true">{move || transfers.waiting_for_us()}</span>
                    </Show>
                </button>
                <HostControls state on_lock on_set_password on_remove />
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
