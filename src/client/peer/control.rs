//! A link's control data channel: chat and file-transfer messages, kept while it is not open
//! yet.

use super::Inner;
use crate::client::data_channel::{Channel, ChannelEvent};
use crate::protocol::data::{CONTROL_LABEL, PeerMessage};
use crate::state::peer_budget::Verdict;
use std::rc::{Rc, Weak};
use web_sys::RtcDataChannel;

/// Control messages kept while the control channel is not open yet; beyond this, the oldest
/// are dropped.
const MAX_UNSENT: usize = 256;

impl Inner {
    /// Offering side: opens the control channel with the first offer.
    pub(super) fn open_control(this: &Rc<Self>) {
        let channel = this.pc.create_data_channel(CONTROL_LABEL);
        Self::adopt_control(this, channel);
    }

    /// Takes the control channel: sends what waited for it, passes on what arrives within the
    /// other side's budget. Over the budget a message is dropped before it is even read, so a
    /// flood costs the page next to nothing; the first drop of a flood is reported.
    pub(super) fn adopt_control(this: &Rc<Self>, channel: RtcDataChannel) {
        let weak: Weak<Inner> = Rc::downgrade(this);
        let control = Channel::new(channel, 0, move |event| {
            let Some(inner) = weak.upgrade() else { return };
            match event {
                ChannelEvent::Open => inner.flush_unsent(),
                ChannelEvent::Text(text) => {
                    let verdict = inner.budget.borrow_mut().admit(js_sys::Date::now());
                    match verdict {
                        Verdict::Take => {}
                        Verdict::Drop => return,
                        Verdict::DropAndTell => return (inner.events.on_flood)(),
                    }
                    match PeerMessage::decode(&text) {
                        Ok(message) => (inner.events.on_message)(message),
                        Err(error) => leptos::logging::warn!(
                            "peer {}: refused a message: {error}",
                            inner.remote
                        ),
                    }
                }
                ChannelEvent::Binary(_) | ChannelEvent::Closed => {}
            }
        });
        *this.control.borrow_mut() = Some(control);
        this.flush_unsent();
    }

    /// Sends a control message now if the channel is open, else once it opens.
    pub(super) fn send_control(&self, message: &PeerMessage) {
        let text = message.encode();
        if let Some(control) = self.control.borrow().as_ref()
            && control.is_open()
        {
            if let Err(error) = control.send_text(&text) {
                leptos::logging::warn!("peer {}: control message lost: {error:?}", self.remote);
            }
            return;
        }
        let mut unsent = self.unsent.borrow_mut();
        if unsent.len() == MAX_UNSENT {
            unsent.pop_front();
        }
        unsent.push_back(text);
    }

    fn flush_unsent(&self) {
        let control = self.control.borrow();
        let Some(control) = control.as_ref().filter(|c| c.is_open()) else {
            return;
        };
        for text in self.unsent.borrow_mut().drain(..) {
            if let Err(error) = control.send_text(&text) {
                leptos::logging::warn!("peer {}: control message lost: {error:?}", self.remote);
            }
        }
    }
}
