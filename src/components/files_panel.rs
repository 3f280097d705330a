//! Sending files: pick them or drop them here, choose who gets them, follow each transfer.

use crate::components::recipient_picker::RecipientPicker;
use crate::components::transfer_row::TransferRow;
use crate::i18n::use_i18n;
use crate::protocol::PeerId;
use crate::state::call::CallState;
use leptos::ev::{DragEvent, Event};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{File, FileList, HtmlInputElement};

/// The files panel, shown while `state.transfers.open`.
#[component]
pub fn FilesPanel(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let actions = crate::components::actions::actions();
    let (on_send, on_action) = (actions.send_files, actions.transfer_action);
    let to = RwSignal::new(None::<PeerId>);
    let dragging = RwSignal::new(false);
    let offer = move |list: Option<FileList>| {
        let files = list.map(files_of).unwrap_or_default();
        if !files.is_empty() {
            on_send.run((files, to.get_untracked()));
        }
    };
    let on_pick = move |event: Event| {
        let input: HtmlInputElement = event_target(&event);
        offer(input.files());
        // Picking the same file again must work too.
        input.set_value("");
    };
    let on_drop = move |event: DragEvent| {
        event.prevent_default();
        dragging.set(false);
        offer(event.data_transfer().and_then(|d| d.files()));
    };
    let on_dragover = move |event: DragEvent| {
        event.prevent_default();
        dragging.set(true);
    };
    let has_finished = move || {
        state
            .transfers
            .items
            .with(|items| items.iter().any(|i| i.status.with(|s| s.is_over())))
    };
    view! {
        <div
            class="files"
            class:dragging=move || dragging.get()
            on:dragover=on_dragover
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <RecipientPicker state label="files-to" id="files-to" chosen=to />
            <label class="file-pick">
                {i18n.tr("files-choose")}
                <input type="file" multiple on:change=on_pick />
            </label>
            <p class="hint">
                {move || (!state.touch.get()).then(|| i18n.t("files-drop"))}
                {i18n.tr("files-direct")}
            </p>
            <ul class="transfers" aria-label=i18n.tr("files-transfers")>
                <For each=move || state.transfers.items.get() key=|item| item.key let:item>
                    <TransferRow item on_action />
                </For>
            </ul>
            <Show when=has_finished>
                <button on:click=move |_| state.transfers.clear_finished()>{i18n.tr("files-clear")}</button>
            </Show>
        </div>
    }
}

/// The files of a `FileList`, in order.
fn files_of(list: FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// The element an event came from.
fn event_target<T: JsCast>(event: &Event) -> T {
    event
        .target()
        .expect("change events have a target")
        .unchecked_into()
}
