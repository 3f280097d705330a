//! One file transfer: name, size, who, a progress bar with speed and time left, and what can be
//! done about it (accept, decline, cancel, save).

use crate::state::progress::{percent, size, speed, time_left};
use crate::state::transfers::TransferAction;
use crate::state::transfers::{TransferItem, TransferKey, TransferStatus};
use leptos::prelude::*;

/// A transfer in the list. Its accessible name is "NAME to PERSON" or "NAME from PERSON".
#[component]
pub fn TransferRow(
    /// The transfer.
    item: TransferItem,
    /// Accepts, declines or cancels it.
    on_action: Callback<(TransferKey, TransferAction)>,
) -> impl IntoView {
    let name = item.name.get_value();
    let peer = item.peer_name.get_value();
    let outgoing = item.key.outgoing;
    let title = if outgoing {
        format!("{name} to {peer}")
    } else {
        format!("{name} from {peer}")
    };
    let act = move |action| on_action.run((item.key, action));
    let status = item.status;
    let offered_to_us = move || !outgoing && status.get() == TransferStatus::Offered;
    let running = move || !status.get().is_over() && !offered_to_us();
    let description = {
        let peer = peer.clone();
        move || describe(&item, &peer)
    };
    view! {
        <li class="transfer" aria-label=title.clone() class:over=move || status.get().is_over()>
            <div class="transfer-head">
                <bdi class="transfer-name">{name.clone()}</bdi>
                <span class="transfer-size">{size(item.size)}</span>
            </div>
            <div class="transfer-peer">
                {if outgoing { "To " } else { "From " }}<bdi>{peer.clone()}</bdi>
            </div>
            <progress
                aria-label=format!("{name} progress")
                max="100"
                value=move || format!("{:.1}", percent(item.done.get(), item.size))
            ></progress>
            <p class="transfer-status" class:bad=move || is_bad(&status.get())>
                {description}
            </p>
            <div class="transfer-actions">
                <Show when=offered_to_us>
                    <button class="primary" on:click=move |_| act(TransferAction::Accept)>"Accept"</button>
                    <button on:click=move |_| act(TransferAction::Decline)>"Decline"</button>
                </Show>
                <Show when=running>
                    <button on:click=move |_| act(TransferAction::Cancel)>"Cancel"</button>
                </Show>
                {move || {
                    item.saved
                        .get()
                        .map(|file| {
                            view! {
                                <a class="save" href=file.url().to_owned() download=item.name.get_value()>
                                    "Save"
                                </a>
                            }
                        })
                }}
            </div>
        </li>
    }
}

fn is_bad(status: &TransferStatus) -> bool {
    matches!(
        status,
        TransferStatus::Corrupted | TransferStatus::Failed(_)
    )
}

/// Where a transfer is, in words.
fn describe(item: &TransferItem, peer: &str) -> String {
    let outgoing = item.key.outgoing;
    match item.status.get() {
        TransferStatus::Offered if outgoing => format!("Waiting for {peer} to accept"),
        TransferStatus::Offered => format!("{peer} wants to send you this file"),
        TransferStatus::Moving => {
            let done = item.done.get();
            if outgoing && done == item.size && item.size > 0 {
                return format!("Sent; waiting for {peer} to confirm");
            }
            let mut words = format!("{:.0}%", percent(done, item.size).floor());
            if let Some(rate) = item.speed.get() {
                words.push_str(&format!(" · {}", speed(rate)));
            }
            if let Some(seconds) = item.seconds_left.get() {
                words.push_str(&format!(" · {} left", time_left(seconds)));
            }
            words
        }
        TransferStatus::Verified if outgoing => {
            "Verified: delivered intact (SHA-256 matches)".into()
        }
        TransferStatus::Verified => "Verified: received intact (SHA-256 matches)".into(),
        TransferStatus::Corrupted => "Failed: the file arrived damaged (SHA-256 differs)".into(),
        TransferStatus::Declined if outgoing => format!("{peer} declined"),
        TransferStatus::Declined => "You declined".into(),
        TransferStatus::Cancelled { by_us: true } => "Cancelled".into(),
        TransferStatus::Cancelled { by_us: false } => format!("Cancelled by {peer}"),
        TransferStatus::Failed(why) => format!("Failed: {why}"),
    }
}
