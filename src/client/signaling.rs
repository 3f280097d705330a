//! The signaling WebSocket, owned with its event handlers.

use crate::protocol::{ClientMessage, SIGNALING_PATH, ServerMessage};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CloseEvent, Event, MessageEvent, WebSocket};

/// One connection to the server's signaling route. Dropping it closes the socket and detaches
/// its handlers, so no stale handler fires afterwards.
pub struct Signaling {
    socket: WebSocket,
    _on_open: Closure<dyn FnMut(Event)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_close: Closure<dyn FnMut(CloseEvent)>,
}

/// The signaling URL for the page's own server.
pub fn url() -> Result<String, JsValue> {
    let location = web_sys::window().ok_or("no window")?.location();
    let scheme = if location.protocol()? == "http:" {
        "ws"
    } else {
        "wss"
    };
    Ok(format!("{scheme}://{}{SIGNALING_PATH}", location.host()?))
}

impl Signaling {
    /// Opens the connection. `on_message` gets every decodable server message; `on_close` the
    /// close code and reason, once.
    pub fn connect(
        url: &str,
        on_open: impl FnMut() + 'static,
        mut on_message: impl FnMut(ServerMessage) + 'static,
        mut on_close: impl FnMut(u16, String) + 'static,
    ) -> Result<Self, JsValue> {
        let socket = WebSocket::new(url)?;
        let mut on_open = on_open;
        let on_open = Closure::<dyn FnMut(Event)>::new(move |_| on_open());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let Some(text) = event.data().as_string() else {
                return;
            };
            match serde_json::from_str::<ServerMessage>(&text) {
                Ok(message) => on_message(message),
                Err(error) => leptos::logging::warn!("unreadable signaling message: {error}"),
            }
        });
        let on_close = Closure::<dyn FnMut(CloseEvent)>::new(move |event: CloseEvent| {
            on_close(event.code(), event.reason())
        });
        socket.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        socket.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        socket.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        Ok(Signaling {
            socket,
            _on_open: on_open,
            _on_message: on_message,
            _on_close: on_close,
        })
    }

    /// Sends a message if the socket is open; returns whether it went out.
    pub fn send(&self, message: &ClientMessage) -> bool {
        if self.socket.ready_state() != WebSocket::OPEN {
            return false;
        }
        match serde_json::to_string(message) {
            Ok(text) => match self.socket.send_with_str(&text) {
                Ok(()) => true,
                Err(error) => {
                    leptos::logging::warn!("signaling send failed: {error:?}");
                    false
                }
            },
            Err(error) => {
                leptos::logging::warn!("cannot encode {message:?}: {error}");
                false
            }
        }
    }
}

impl Drop for Signaling {
    fn drop(&mut self) {
        self.socket.set_onopen(None);
        self.socket.set_onmessage(None);
        self.socket.set_onclose(None);
        let _ = self.socket.close_with_code_and_reason(1000, "leaving");
    }
}
