//! Chat between participants over their control channels (or, where the room's media goes
//! through the server, relayed by it): sending, and showing what arrives, within each
//! participant's budget and at most once a frame.

use super::{Call, Inner};
use crate::call::session::Input;
use crate::i18n::Text;
use crate::protocol::PeerId;
use crate::protocol::data::{PeerMessage, check_chat};
use crate::state::chat::ChatLine;
use leptos::prelude::*;
use std::rc::Rc;

impl Call {
    /// Sends a chat message to everyone, or privately to one participant, and shows it.
    pub(super) fn chat(&self, text: &str, to: Option<PeerId>) -> Result<(), Text> {
        let text = check_chat(text).map_err(|e| e.text())?;
        let inner = &self.inner;
        let private_to = match to {
            Some(id) => Some(
                inner
                    .state
                    .remote(id)
                    .map(|tile| tile.name.get_value())
                    .ok_or(Text::new("chat-recipient-gone"))?,
            ),
            None => None,
        };
        let sent_at = js_sys::Date::now();
        let message = PeerMessage::Chat {
            text: text.clone(),
            private: to.is_some(),
            sent_at,
        };
        if inner.core.borrow().through_server() {
            // No direct connections: the server relays it.
            let text = text.clone();
            let sent_at = sent_at as u64;
            Inner::feed(inner, Input::Chat { to, text, sent_at });
        } else {
            for (id, link) in inner.peers.borrow().iter() {
                if to.is_none_or(|to| to == *id) {
                    link.send(&message);
                }
            }
        }
        inner.state.chat.push(ChatLine {
            seq: 0,
            from: inner.state.i18n.t("you"),
            private: private_to.is_some(),
            to: private_to,
            mine: true,
            notice: false,
            sent_at,
            text,
        });
        Ok(())
    }
}

impl Inner {
    /// A participant sends more than its budget (see [`crate::state::peer_budget`]): one note
    /// in the chat says so.
    pub(super) fn on_flood(this: &Rc<Self>, from: PeerId) {
        let Some(tile) = this.state.remote(from) else {
            return;
        };
        let text = this
            .state
            .i18n
            .text(&Text::new("chat-flooding").arg("name", tile.name.get_value()));
        Self::show_chat(this, ChatLine::notice(text, js_sys::Date::now()));
    }

    /// A message from a participant's browser (within its budget): chat is shown, the rest is
    /// about files.
    pub(super) fn on_peer_message(this: &Rc<Self>, from: PeerId, message: PeerMessage) {
        let Some(tile) = this.state.remote(from) else {
            return;
        };
        match message {
            PeerMessage::Chat {
                text,
                private,
                sent_at,
            } => Self::show_chat(
                this,
                ChatLine {
                    seq: 0,
                    from: tile.name.get_value(),
                    to: None,
                    private,
                    mine: false,
                    sent_at,
                    text,
                    notice: false,
                },
            ),
            other => this
                .transfers
                .on_message(from, &tile.name.get_value(), other),
        }
    }

    /// Shows a received chat line with the others that arrive before the next frame is drawn:
    /// the list is updated (and laid out) once per frame, however many arrive.
    fn show_chat(this: &Rc<Self>, line: ChatLine) {
        let mut pending = this.chat_pending.borrow_mut();
        if pending.len() >= crate::state::chat::MAX_LINES {
            pending.remove(0);
        }
        pending.push(line);
        if pending.len() > 1 {
            return;
        }
        let weak = Rc::downgrade(this);
        crate::client::frame::next_frame(move || {
            if let Some(inner) = weak.upgrade() {
                let lines = std::mem::take(&mut *inner.chat_pending.borrow_mut());
                inner.state.chat.push_many(lines);
            }
        });
    }
}
