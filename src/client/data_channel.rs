//! An owned `RTCDataChannel`: its handlers live as long as this value and are detached when it
//! is dropped, and a sender can wait for the channel's buffer to drain instead of flooding it.

use js_sys::{ArrayBuffer, Function, Promise, Uint8Array};
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, MessageEvent, RtcDataChannel, RtcDataChannelState, RtcDataChannelType};

/// What happens on a channel.
pub enum ChannelEvent {
    /// It opened: sending works from now on.
    Open,
    /// A text message arrived.
    Text(String),
    /// A binary message arrived.
    Binary(ArrayBuffer),
    /// It closed (either side, or the connection went away).
    Closed,
}

/// A DOM event handler owned by Rust.
type Handler = Closure<dyn FnMut(Event)>;

/// The owner of one data channel. Dropping it detaches the handlers and closes the channel.
pub struct Channel {
    channel: RtcDataChannel,
    /// Resolves a [`Channel::drained`] waiter; taken by whichever comes first of
    /// `bufferedamountlow` and `close`.
    waiter: Rc<RefCell<Option<Function>>>,
    _handlers: Vec<Handler>,
}

impl Channel {
    /// Takes ownership of `channel`, reporting its events to `on_event`. Binary messages arrive
    /// as `ArrayBuffer`s; `bufferedamountlow` fires once the buffer is down to `low_water` bytes.
    pub fn new(
        channel: RtcDataChannel,
        low_water: u32,
        on_event: impl Fn(ChannelEvent) + 'static,
    ) -> Self {
        channel.set_binary_type(RtcDataChannelType::Arraybuffer);
        channel.set_buffered_amount_low_threshold(low_water);
        let on_event = Rc::new(on_event);
        let waiter: Rc<RefCell<Option<Function>>> = Rc::default();
        let wake = {
            let waiter = waiter.clone();
            move || {
                if let Some(resolve) = waiter.borrow_mut().take() {
                    let _ = resolve.call0(&JsValue::NULL);
                }
            }
        };

        let on_open = {
            let on_event = on_event.clone();
            Handler::new(move |_| on_event(ChannelEvent::Open))
        };
        let on_message = {
            let on_event = on_event.clone();
            Handler::new(move |event: Event| {
                let data = event.unchecked_into::<MessageEvent>().data();
                if let Some(text) = data.as_string() {
                    on_event(ChannelEvent::Text(text));
                } else if let Ok(buffer) = data.dyn_into::<ArrayBuffer>() {
                    on_event(ChannelEvent::Binary(buffer));
                }
            })
        };
        let on_low = {
            let wake = wake.clone();
            Handler::new(move |_| wake())
        };
        let on_close = {
            let on_event = on_event.clone();
            Handler::new(move |_| {
                wake();
                on_event(ChannelEvent::Closed);
            })
        };
        channel.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        channel.set_onbufferedamountlow(Some(on_low.as_ref().unchecked_ref()));
        channel.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Channel {
            channel,
            waiter,
            _handlers: vec![on_open, on_message, on_low, on_close],
        }
    }

    /// The channel is open for sending.
    pub fn is_open(&self) -> bool {
        self.channel.ready_state() == RtcDataChannelState::Open
    }

    /// Sends a text message.
    pub fn send_text(&self, text: &str) -> Result<(), JsValue> {
        self.channel.send_with_str(text)
    }

    /// Sends a binary message.
    pub fn send_bytes(&self, bytes: &Uint8Array) -> Result<(), JsValue> {
        self.channel.send_with_array_buffer_view(bytes)
    }

    /// Bytes queued for sending.
    pub fn buffered(&self) -> u32 {
        self.channel.buffered_amount()
    }

    /// Waits until the send buffer is down to the low-water mark (or the channel closes).
    pub async fn drained(&self) {
        if self.buffered() <= self.channel.buffered_amount_low_threshold() || !self.is_open() {
            return;
        }
        let waiter = self.waiter.clone();
        let promise = Promise::new(&mut |resolve, _reject| {
            *waiter.borrow_mut() = Some(resolve);
        });
        let _ = JsFuture::from(promise).await;
    }

    /// Closes the channel (the other side sees it close too).
    pub fn close(&self) {
        self.channel.close();
    }
}

impl Drop for Channel {
    fn drop(&mut self) {
        self.channel.set_onopen(None);
        self.channel.set_onmessage(None);
        self.channel.set_onbufferedamountlow(None);
        self.channel.set_onclose(None);
        self.channel.close();
        if let Some(resolve) = self.waiter.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::NULL);
        }
    }
}
