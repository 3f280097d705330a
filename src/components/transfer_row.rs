//! One file transfer: name, size, who, a progress bar with speed and time left, and what can be
//! done about it (accept, decline, cancel, save).

use crate::i18n::{Text, use_i18n};
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
    let i18n = use_i18n();
    let name = item.name.get_value();
    let peer = item.peer_name.get_value();
    let outgoing = item.key.outgoing;
    let title = {
        let text = Text::new(if outgoing { "file-to" } else { "file-from" })
            .arg("file", &name)
            .arg("name", &peer);
        move || i18n.text(&text)
    };
    let act = move |action| on_action.run((item.key, action));
    let status = item.status;
    let offered_to_us = move || !outgoing && status.get() == TransferStatus::Offered;
    let running = move || !status.get().is_over() && !offered_to_us();
    let description = {
        let peer = peer.clone();
        move || i18n.text(&describe(&item, &peer))
    };
    view! {
        <li class="transfer" aria-label=title class:over=move || status.get().is_over()>
            <div class="transfer-head">
                <bdi class="transfer-name">{name.clone()}</bdi>
                <span class="transfer-size">{size(item.size)}</span>
            </div>
            <div class="transfer-peer">
                {i18n.tr(if outgoing { "file-to-peer" } else { "file-from-peer" })}<bdi>{peer.clone()}</bdi>
            </div>
            <progress
                aria-label={
                    let text = Text::new("file-progress").arg("file", &name);
                    move || i18n.text(&text)
                }
                max="100"
                value=move || format!("{:.1}", percent(item.done.get(), item.size))
            ></progress>
            <p class="transfer-status" class:bad=move || is_bad(&status.get())>
                {description}
            </p>
            <div class="transfer-actions">
                <Show when=offered_to_us>
                    <button class="primary" on:click=move |_| act(TransferAction::Accept)>{i18n.tr("file-accept")}</button>
                    <button on:click=move |_| act(TransferAction::Decline)>{i18n.tr("file-decline")}</button>
                </Show>
                <Show when=running>
                    <button on:click=move |_| act(TransferAction::Cancel)>{i18n.tr("file-cancel")}</button>
                </Show>
                {move || {
                    item.saved
                        .get()
                        .map(|file| {
                            view! {
                                <a class="save" href=file.url().to_owned() download=item.name.get_value()>
                                    {i18n.tr("file-save")}
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
fn describe(item: &TransferItem, peer: &str) -> Text {
    let outgoing = item.key.outgoing;
    match item.status.get() {
        TransferStatus::Offered if outgoing => Text::new("file-waiting-accept").arg("name", peer),
        TransferStatus::Offered => Text::new("file-offered").arg("name", peer),
        TransferStatus::Moving => {
            let done = item.done.get();
            if outgoing && done == item.size && item.size > 0 {
                return Text::new("file-sent-unconfirmed").arg("name", peer);
            }
            let mut figures = format!("{:.0}%", percent(done, item.size).floor());
            if let Some(rate) = item.speed.get() {
                figures.push_str(&format!(" · {}", speed(rate)));
            }
            match item.seconds_left.get() {
                Some(seconds) => Text::new("file-moving-left")
                    .arg("figures", figures)
                    .arg("time", time_left(seconds)),
                None => Text::new("file-moving").arg("figures", figures),
            }
        }
        TransferStatus::Verified if outgoing => Text::new("file-verified-sent"),
        TransferStatus::Verified => Text::new("file-verified-received"),
        TransferStatus::Corrupted => Text::new("file-corrupted"),
        TransferStatus::Declined if outgoing => Text::new("file-declined-by").arg("name", peer),
        TransferStatus::Declined => Text::new("file-declined"),
        TransferStatus::Cancelled { by_us: true } => Text::new("file-cancelled"),
        TransferStatus::Cancelled { by_us: false } => {
            Text::new("file-cancelled-by").arg("name", peer)
        }
        TransferStatus::Failed(why) => Text::new("file-failed").arg("why", why),
    }
}
