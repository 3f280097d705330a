//! The signaling WebSocket route: one task per connection, speaking [`crate::protocol`].
//!
//! The task reads client frames, answers with errors where a request is refused, and hands
//! everything else to the [`Hub`]. A second task drains the member's queue into the socket, so a
//! slow socket never blocks the hub.
//!
//! Limits, each refused with an [`ErrorCode`] the page shows as a sentence: the number of
//! connections (close 1013), message size (close 1009), a per-connection rate (an error per
//! dropped message, close 1008 when it goes on), time without joining a room, silence (no pong).
//! A connection that stops reading until its [`super::outbox`] overflows is closed with 1013
//! "not keeping up" (the browser reconnects and resumes, and gets what waited for it); one whose
//! socket takes nothing for [`ConnectionLimits::close_drain`] while closing is dropped.
//!
//! ## Layout
//! - this file: the route, the limits, and refusing a connection over a cap;
//! - `connection`: one connection's task (reading, writing, closing);
//! - `policy`: its rate, strikes and timers, as pure decisions;
//! - `requests`: what it asks of the hub.

mod connection;
mod policy;
mod requests;

use super::AppState;
use super::client_addr::ClientAddr;
use super::http::watchdog::ConnectionActivity;
use super::hub::encode;
use super::outbox::Outbound;
use super::source::Source;
use crate::protocol::{CLOSE_TRY_AGAIN_LATER, ErrorCode, MAX_MESSAGE_BYTES, ServerMessage};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use std::time::Duration;

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

/// Per-connection limits.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Messages a connection may send at once (a call with five others starts with about
    /// 5 × (offer + a dozen candidates)).
    pub burst: u32,
    /// After the burst, one more message per this interval.
    pub refill: Duration,
    /// Messages dropped in a row, for being over the rate, before the connection is closed
    /// with 1008.
    pub strikes: u32,
    /// How long a connection may stay without being in a room.
    pub join_within: Duration,
    /// How long a closing connection may take to be written what was queued for it; then its
    /// socket is dropped.
    pub close_drain: Duration,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            burst: 200,
            refill: Duration::from_millis(20),
            strikes: 50,
            join_within: Duration::from_secs(30),
            // A full outbox over a slow mobile link.
            close_drain: Duration::from_secs(10),
        }
    }
}

/// How long a connection the server closes may take to answer the close.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

/// Bytes read from a signaling connection at a time: most messages fit, a larger one (an SDP)
/// takes a few reads. 1 KiB instead of 4 KiB took idle connections from 21 to 18 KiB of server
/// memory each, at no measurable cost per message.
const READ_BUFFER_BYTES: usize = 1024;

/// Queued messages gathered into one write at most: a write goes out when the messages already
/// waiting have been gathered, when this many are, or when they pass [`WRITE_GATHER_BYTES`].
/// Written one at a time, the system call per message was most of the server's relay work.
const WRITE_GATHER_MESSAGES: usize = 64;

/// Bytes gathered before they are written even if more messages wait. The gathering buffer
/// keeps its size, so it is small: an idle connection never grows it past its largest message.
const WRITE_GATHER_BYTES: usize = 4 * 1024;

/// Upgrades an HTTP request to a signaling connection, unless it comes from another site's page
/// (403, see [`super::origin`]). Over the connection cap (server-wide or for this client), the
/// socket is opened only to say so.
pub async fn upgrade(
    ws: WebSocketUpgrade,
    headers: HeaderMap,
    uri: Uri,
    client: Option<axum::Extension<ClientAddr>>,
    activity: Option<axum::Extension<ConnectionActivity>>,
    State(state): State<AppState>,
) -> Response {
    let origin = headers.get(ORIGIN).and_then(|v| v.to_str().ok());
    let host = super::origin::request_host(&headers, &uri);
    if !super::origin::allowed(origin, host, &state.allowed_origins) {
        tracing::warn!(?origin, "refused a signaling connection from another site");
        return (
            StatusCode::FORBIDDEN,
            "Pages from other sites may not use this server's signaling.",
        )
            .into_response();
    }
    let source = client.map_or(Source::UNKNOWN, |c| Source::of(c.0.0));
    let host = host.map(str::to_owned);
    let slot = state
        .per_source
        .connect(source, tokio::time::Instant::now().into_std());
    let permit = match slot {
        Some(slot) => match state.connections.clone().try_acquire_owned() {
            Ok(permit) => Ok((permit, slot)),
            Err(_) => Err(ErrorCode::ServerFull),
        },
        None => Err(ErrorCode::SourceLimit),
    };
    ws.max_message_size(MAX_MESSAGE_BYTES)
        .max_frame_size(MAX_MESSAGE_BYTES)
        // The WebSocket layer's defaults (128 KiB to read into, 128 KiB gathered before a
        // write) would be most of an idle connection's memory; signaling messages are small,
        // so read in small chunks (the buffer grows for a large message) and gather at most a
        // few KiB of queued messages into one write.
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(WRITE_GATHER_BYTES)
        .on_upgrade(move |socket| async move {
            // An open signaling connection keeps its HTTP connection from counting as idle.
            let _in_flight = activity.map(|a| a.0.0.begin());
            match permit {
                Ok((permit, slot)) => {
                    connection::serve(socket, state, source, host, (permit, slot)).await
                }
                Err(code) => {
                    state.metrics.refuse(code);
                    refuse(socket, code, source).await
                }
            }
        })
}

/// The WebSocket message that carries a queued item.
fn into_message(outbound: Outbound) -> Message {
    match outbound {
        Outbound::Frame(frame) => Message::Text(frame),
        Outbound::Close(code, reason) => Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })),
    }
}

/// Tells a connection over a cap why it cannot stay, and closes it.
async fn refuse(mut socket: WebSocket, code: ErrorCode, source: Source) {
    match code {
        ErrorCode::SourceLimit => {
            tracing::warn!(%source, "connection limit per client reached; refusing a signaling connection")
        }
        _ => tracing::warn!("connection limit reached; refusing a signaling connection"),
    }
    let Outbound::Frame(text) = encode(&ServerMessage::error(code)) else {
        return;
    };
    let _ = socket.send(Message::Text(text)).await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: CLOSE_TRY_AGAIN_LATER,
            reason: "server full".into(),
        })))
        .await;
}

/// Whether a read error means the peer sent a message over the size limit.
fn is_too_big(error: &axum::Error) -> bool {
    use std::error::Error as _;
    error
        .source()
        .and_then(|inner| inner.downcast_ref::<tungstenite::Error>())
        .is_some_and(|inner| matches!(inner, tungstenite::Error::Capacity(_)))
}
