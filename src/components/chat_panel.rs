//! The chat: messages in order, a box to write in, and who to send to.

use crate::components::recipient_picker::RecipientPicker;
use crate::i18n::use_i18n;
use crate::protocol::PeerId;
use crate::state::call::CallState;
use crate::state::chat::ChatLine;
use crate::state::links::{Segment, segments};
use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;

/// The chat: the messages, and a form to send one to everyone or one person.
#[component]
pub fn ChatPanel(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_send = crate::components::actions::actions().send_chat;
    let draft = RwSignal::new(String::new());
    let to = RwSignal::new(None::<PeerId>);
    let problem = RwSignal::new(None::<crate::i18n::Text>);
    let log = NodeRef::<html::Div>::new();

    // Keep the newest message in view.
    Effect::new(move |_| {
        state.chat.lines.track();
        if let Some(log) = log.get() {
            log.set_scroll_top(log.scroll_height());
        }
    });

    let send = move || match on_send.run((draft.get_untracked(), to.get_untracked())) {
        Ok(()) => {
            draft.set(String::new());
            problem.set(None);
        }
        // The draft stays, so nothing typed is lost.
        Err(sentence) => problem.set(Some(sentence)),
    };
    let on_submit = move |event: SubmitEvent| {
        event.prevent_default();
        send();
    };
    // Enter sends; Shift+Enter starts a new line.
    let on_keydown = move |event: KeyboardEvent| {
        if event.key() == "Enter" && !event.shift_key() && !event.is_composing() {
            event.prevent_default();
            send();
        }
    };

    view! {
        <div class="chat">
            <div class="chat-log" role="log" aria-label=i18n.tr("chat-log") node_ref=log>
                <ol>
                    <For each=move || state.chat.lines.get() key=|line| line.seq let:line>
                        <ChatMessage line />
                    </For>
                </ol>
            </div>
            <form class="chat-form" on:submit=on_submit>
                <RecipientPicker state label="chat-to" id="chat-to" chosen=to />
                <textarea
                    aria-label=i18n.tr("chat-message")
                    rows="2"
                    placeholder=i18n.tr("chat-placeholder")
                    prop:value=move || draft.get()
                    on:input=move |event| draft.set(event_target_value(&event))
                    on:keydown=on_keydown
                ></textarea>
                <button type="submit">{i18n.tr("chat-send")}</button>
            </form>
            <p role="alert" class="error">{move || problem.get().map(|text| i18n.text(&text))}</p>
        </div>
    }
}

/// One message: who, when, and the text with its links clickable.
#[component]
fn ChatMessage(line: ChatLine) -> impl IntoView {
    let i18n = use_i18n();
    let (iso, clock) = when(line.sent_at);
    if line.notice {
        return view! {
            <li class="chat-notice">
                <p>{line.text}</p>
            </li>
        }
        .into_any();
    }
    // Names and text are isolated (<bdi>): right-to-left text or a stray direction mark in one
    // cannot reorder what is around it.
    let heading = match (&line.to, line.private) {
        (Some(to), _) => {
            view! { <bdi>{line.from.clone()}</bdi>{i18n.tr("chat-to-someone")}<bdi>{to.clone()}</bdi> }.into_any()
        }
        (None, true) => view! { <bdi>{line.from.clone()}</bdi>{i18n.tr("chat-to-you")} }.into_any(),
        (None, false) => view! { <bdi>{line.from.clone()}</bdi> }.into_any(),
    };
    let parts = segments(&line.text)
        .into_iter()
        .map(|part| match part {
            Segment::Text(text) => text.into_any(),
            Segment::Link(href) => view! {
                <a href=href.clone() target="_blank" rel="noopener noreferrer nofollow">{href.clone()}</a>
            }
            .into_any(),
        })
        .collect_view();
    view! {
        <li class="chat-message" class:mine=line.mine class:private=line.private>
            <div class="chat-meta">
                <span class="chat-from">{heading}</span>
                {line.private.then(|| view! { <span class="chat-private">{i18n.tr("chat-private")}</span> })}
                <time datetime=iso>{clock}</time>
            </div>
            <p class="chat-text">
                <bdi>{parts}</bdi>
            </p>
        </li>
    }
    .into_any()
}

/// A send time as an ISO timestamp and as the local hours and minutes.
fn when(sent_at: f64) -> (String, String) {
    let date = js_sys::Date::new(&sent_at.into());
    let iso = date.to_iso_string().as_string().unwrap_or_default();
    let clock = format!("{:02}:{:02}", date.get_hours(), date.get_minutes());
    (iso, clock)
}
