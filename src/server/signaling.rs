//! The signaling WebSocket route: one task per connection, speaking [`crate::protocol`].
//!
//! The task reads client frames, answers with errors where a request is refused, and hands
//! everything else to the [`Hub`]. A second task drains the member's queue into the socket, so a
//! slow socket never blocks the hub.

use super::AppState;
use super::hub::{Hub, MEMBER_QUEUE, Outbound, encode};
use crate::protocol::{
    CLOSE_MESSAGE_TOO_BIG, ClientMessage, ErrorCode, MAX_MESSAGE_BYTES, PeerId, RoomId,
    ServerMessage,
};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::{Instant, interval_at};

/// How the server finds dead connections: it pings every `ping_every`, and drops a connection
/// that has sent nothing (not even a pong) for `dead_after`.
#[derive(Clone, Copy, Debug)]
pub struct Keepalive {
    /// Interval between pings.
    pub ping_every: Duration,
    /// Silence after which a connection counts as dead.
    pub dead_after: Duration,
}

impl Default for Keepalive {
    fn default() -> Self {
        Keepalive {
            ping_every: Duration::from_secs(15),
            dead_after: Duration::from_secs(40),
        }
    }
}

/// Upgrades an HTTP request to a signaling connection, unless it comes from another site's page
/// (403, see [`super::origin`]).
pub async fn upgrade(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    State(state): State<AppState>,
) -> Response {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if !super::origin::allowed(header(ORIGIN), header(HOST), &state.allowed_origins) {
        tracing::warn!(origin = ?header(ORIGIN), "refused a signaling connection from another site");
        return (
            StatusCode::FORBIDDEN,
            "Pages from other sites may not use this server's signaling.",
        )
            .into_response();
    }
    let hub = state.hub.clone();
    let keepalive = state.keepalive;
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        .on_upgrade(move |socket| serve(socket, hub, keepalive))
}

/// What the connection is doing in the hub.
struct Membership {
    room: RoomId,
    id: PeerId,
}

/// Runs one signaling connection until the client leaves, dies or breaks the protocol.
pub async fn serve(socket: WebSocket, hub: Arc<Hub>, keepalive: Keepalive) {
    let Keepalive {
        ping_every,
        dead_after,
    } = keepalive;
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<Outbound>(MEMBER_QUEUE);
    // Control frames (pings, the final close) jump the member queue.
    let (control_tx, mut control_rx) = mpsc::channel::<Message>(4);

    let writer = tokio::spawn(async move {
        loop {
            let message = tokio::select! {
                biased;
                control = control_rx.recv() => match control {
                    Some(message) => message,
                    None => break,
                },
                frame = rx.recv() => match frame {
                    Some(frame) => Message::Text(frame),
                    None => break,
                },
            };
            let closing = matches!(message, Message::Close(_));
            if sink.send(message).await.is_err() || closing {
                break;
            }
        }
        let _ = sink.close().await;
    });

    let mut membership: Option<Membership> = None;
    let mut last_heard = Instant::now();
    let mut pings = interval_at(Instant::now() + ping_every, ping_every);
    let close = loop {
        tokio::select! {
            _ = pings.tick() => {
                if last_heard.elapsed() >= dead_after {
                    tracing::info!(peer = ?membership.as_ref().map(|m| m.id), "no pong; dropping dead connection");
                    break None;
                }
                if control_tx.send(Message::Ping(Default::default())).await.is_err() {
                    break None;
                }
            }
            frame = stream.next() => {
                last_heard = Instant::now();
                match frame {
                    None | Some(Ok(Message::Close(_))) => break None,
                    Some(Ok(Message::Text(text))) => {
                        let reply = handle_text(&hub, &tx, &mut membership, text.as_str());
                        if let Some(reply) = reply {
                            let _ = tx.try_send(encode(&reply));
                        }
                    }
                    Some(Ok(Message::Binary(_))) => {
                        let _ = tx.try_send(encode(&ServerMessage::Error {
                            code: ErrorCode::BadMessage,
                            message: "Signaling messages are JSON text.".into(),
                        }));
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                    Some(Err(error)) => {
                        if is_too_big(&error) {
                            tracing::info!(peer = ?membership.as_ref().map(|m| m.id), "message over {MAX_MESSAGE_BYTES} bytes; closing with 1009");
                            break Some(CloseFrame {
                                code: CLOSE_MESSAGE_TOO_BIG,
                                reason: "message too big".into(),
                            });
                        }
                        tracing::debug!(%error, "signaling socket error");
                        break None;
                    }
                }
            }
        }
    };

    if let Some(m) = membership.take() {
        tracing::info!(room = %m.room, peer = %m.id, "peer left (connection ended)");
        hub.leave(&m.room, m.id);
    }
    if let Some(frame) = close {
        let _ = control_tx.send(Message::Close(Some(frame))).await;
    }
    drop(control_tx);
    drop(tx);
    let _ = writer.await;
}

/// Applies one client message; returns the reply for the sender, if any.
fn handle_text(
    hub: &Hub,
    tx: &mpsc::Sender<Outbound>,
    membership: &mut Option<Membership>,
    text: &str,
) -> Option<ServerMessage> {
    let message = match serde_json::from_str::<ClientMessage>(text) {
        Ok(message) => message,
        Err(error) => {
            return Some(ServerMessage::Error {
                code: ErrorCode::BadMessage,
                message: format!("The server could not read that message: {error}."),
            });
        }
    };
    match message {
        ClientMessage::Join { room, name, media } => {
            if membership.is_some() {
                return Some(ServerMessage::error(ErrorCode::AlreadyJoined));
            }
            match hub.join(&room, &name, media, tx.clone()) {
                Ok(joined) => {
                    tracing::info!(room = %room, peer = %joined.id, others = joined.peers.len(), "peer joined");
                    *membership = Some(Membership {
                        room,
                        id: joined.id,
                    });
                    Some(ServerMessage::Welcome {
                        you: joined.id,
                        peers: joined.peers,
                    })
                }
                Err(code) => {
                    tracing::info!(room = %room, ?code, "join refused");
                    Some(ServerMessage::error(code))
                }
            }
        }
        ClientMessage::Signal { to, signal } => {
            let Some(m) = membership.as_ref() else {
                return Some(ServerMessage::error(ErrorCode::NotInRoom));
            };
            match hub.relay(&m.room, m.id, to, signal) {
                Ok(()) => None,
                Err(code) => {
                    tracing::debug!(room = %m.room, peer = %m.id, to = %to, ?code, "relay refused");
                    Some(ServerMessage::error(code))
                }
            }
        }
        ClientMessage::Media { state } => {
            let Some(m) = membership.as_ref() else {
                return Some(ServerMessage::error(ErrorCode::NotInRoom));
            };
            hub.update_media(&m.room, m.id, state);
            None
        }
        ClientMessage::Leave => {
            if let Some(m) = membership.take() {
                tracing::info!(room = %m.room, peer = %m.id, "peer left");
                hub.leave(&m.room, m.id);
            }
            None
        }
    }
}

/// Whether a read error means the peer sent a message over the size limit.
fn is_too_big(error: &axum::Error) -> bool {
    use std::error::Error as _;
    error
        .source()
        .and_then(|inner| inner.downcast_ref::<tungstenite::Error>())
        .is_some_and(|inner| matches!(inner, tungstenite::Error::Capacity(_)))
}
