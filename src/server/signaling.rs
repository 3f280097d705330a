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

use super::AppState;
use super::client_addr::ClientAddr;
use super::http::watchdog::ConnectionActivity;
use super::hub::{Admission, ConnectionId, Hub, JoinRequest, encode};
use super::outbox::{Outbound, OutboxSender, outbox};
use super::per_source::ConnectionSlot;
use super::rate::TokenBucket;
use super::source::Source;
use crate::protocol::{
    CLOSE_GOING_AWAY, CLOSE_MESSAGE_TOO_BIG, CLOSE_POLICY, CLOSE_TRY_AGAIN_LATER, ClientMessage,
    ErrorCode, MAX_MESSAGE_BYTES, MAX_PASSWORD_CHARS, PeerId, RoomId, ServerMessage,
};
use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::header::ORIGIN;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, mpsc};
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
                Ok((permit, slot)) => serve(socket, state, source, (permit, slot)).await,
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

/// What the connection is doing in the hub.
struct Membership {
    room: RoomId,
    id: PeerId,
}

/// One connection's state, as the reading task sees it.
struct Connection {
    hub: Arc<Hub>,
    state: AppState,
    id: ConnectionId,
    /// The client it comes from.
    source: Source,
    tx: OutboxSender,
    membership: Option<Membership>,
}

/// The current moment, on tokio's clock (which tests can pause and move).
fn now() -> std::time::Instant {
    Instant::now().into_std()
}

/// Runs one signaling connection until the client leaves, dies, breaks the protocol or the
/// server shuts down.
async fn serve(
    socket: WebSocket,
    state: AppState,
    source: Source,
    _places: (OwnedSemaphorePermit, ConnectionSlot),
) {
    let Keepalive {
        ping_every,
        dead_after,
    } = state.keepalive;
    let limits = state.connection_limits;
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = outbox();
    // Control frames (pings, the final close) jump the member queue.
    let (control_tx, mut control_rx) = mpsc::channel::<Message>(4);

    let mut writer = tokio::spawn(async move {
        let mut control_open = true;
        loop {
            let message = tokio::select! {
                biased;
                control = control_rx.recv(), if control_open => match control {
                    Some(message) => message,
                    None => {
                        // The reader is done; send what is still queued (its last word may be a
                        // close frame).
                        control_open = false;
                        continue;
                    }
                },
                frame = rx.recv() => match frame {
                    Some(outbound) => into_message(outbound),
                    None => break,
                },
            };
            let mut closing = matches!(message, Message::Close(_));
            if sink.feed(message).await.is_err() {
                break;
            }
            // Whatever else is already queued goes out in the same write: under load, one
            // encryption and one system call carry many messages instead of one each.
            let mut gathered = 1;
            while !closing && gathered < WRITE_GATHER_MESSAGES {
                let Ok(outbound) = rx.try_recv() else { break };
                let message = into_message(outbound);
                closing = matches!(message, Message::Close(_));
                if sink.feed(message).await.is_err() {
                    return;
                }
                gathered += 1;
            }
            if sink.flush().await.is_err() || closing {
                break;
            }
        }
        let _ = sink.close().await;
    });

    let mut connection = Connection {
        hub: state.hub.clone(),
        id: state.hub.connection_id(),
        source,
        state: state.clone(),
        tx: tx.clone(),
        membership: None,
    };
    let mut shutdown = state.shutdown.subscribe();
    let mut rate = TokenBucket::new(limits.burst, limits.refill, now());
    let renew_every = state.hub.limits().token_lifetime / 4;
    let mut renewals = interval_at(Instant::now() + renew_every, renew_every);
    let mut strikes = 0;
    let mut last_heard = Instant::now();
    let mut outside_since = Some(Instant::now());
    let mut pings = interval_at(Instant::now() + ping_every, ping_every);
    let mut fallen_behind = Box::pin(tx.fallen_behind());
    let close = loop {
        tokio::select! {
            _ = async { let _ = shutdown.wait_for(|stopping| *stopping).await; } => {
                break Some((CLOSE_GOING_AWAY, "server restarting"));
            }
            () = &mut fallen_behind => {
                tracing::info!(peer = ?connection.peer(), "not reading what it is sent; closing with 1013");
                break Some((CLOSE_TRY_AGAIN_LATER, "not keeping up"));
            }
            _ = renewals.tick() => {
                if let Some(m) = &connection.membership {
                    connection.hub.renew_token(&m.room, m.id, connection.id, now());
                }
            }
            _ = pings.tick() => {
                if last_heard.elapsed() >= dead_after {
                    tracing::info!(peer = ?connection.peer(), "no pong; dropping dead connection");
                    break None;
                }
                if outside_since.is_some_and(|since| since.elapsed() >= limits.join_within) {
                    let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::JoinTimeout)));
                    break Some((CLOSE_POLICY, "no room joined"));
                }
                if control_tx.send(Message::Ping(Default::default())).await.is_err() {
                    break None;
                }
            }
            frame = stream.next() => {
                last_heard = Instant::now();
                let text = match frame {
                    None | Some(Ok(Message::Close(_))) => break None,
                    // Answering pings is the WebSocket layer's work; they count toward the rate
                    // like any message. Pongs answer the server's own pings.
                    Some(Ok(Message::Pong(_))) => continue,
                    Some(Ok(Message::Ping(_))) => None,
                    Some(Ok(Message::Text(text))) => Some(Some(text)),
                    Some(Ok(Message::Binary(_))) => Some(None),
                    Some(Err(error)) => {
                        if is_too_big(&error) {
                            tracing::info!(peer = ?connection.peer(), "message over {MAX_MESSAGE_BYTES} bytes; closing with 1009");
                            break Some((CLOSE_MESSAGE_TOO_BIG, "message too big"));
                        }
                        tracing::debug!(%error, "signaling socket error");
                        break None;
                    }
                };
                if !rate.take(now()) {
                    strikes += 1;
                    if strikes >= limits.strikes {
                        tracing::warn!(peer = ?connection.peer(), "sustained flooding; closing with 1008");
                        break Some((CLOSE_POLICY, "too many messages"));
                    }
                    if strikes == 1 {
                        let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::RateLimited)));
                    }
                    continue;
                }
                strikes = 0;
                let Some(text) = text else {
                    continue;
                };
                let reply = match text {
                    Some(text) => connection.handle_text(text.as_str()).await,
                    None => Some(ServerMessage::Error {
                        code: ErrorCode::BadMessage,
                        message: "Signaling messages are JSON text.".into(),
                    }),
                };
                if let Some(reply) = reply {
                    let _ = tx.try_send(encode(&reply));
                }
                outside_since = match (&connection.membership, outside_since) {
                    (Some(_), _) => None,
                    (None, None) => Some(Instant::now()),
                    (None, since) => since,
                };
            }
        }
    };

    if let Some(m) = connection.membership.take() {
        connection.went_away(m);
    }
    let we_close = close.is_some();
    let drain_until = Instant::now() + limits.close_drain;
    if let Some((code, reason)) = close {
        // Behind whatever is queued (such as the error explaining the close, or what a slow
        // reader has yet to take), unless there is no room for it in time: then it jumps the
        // queue.
        let queued = tokio::time::timeout_at(drain_until, tx.close(code, reason)).await;
        if !matches!(queued, Ok(Ok(()))) {
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            let _ = control_tx.try_send(Message::Close(Some(frame)));
        }
    }
    drop(fallen_behind);
    drop(control_tx);
    drop(connection);
    drop(tx);
    // A socket that takes nothing (the client stopped reading) cannot hold the task forever.
    if tokio::time::timeout_at(drain_until, &mut writer)
        .await
        .is_err()
    {
        tracing::info!("socket took nothing while closing; dropping it");
        writer.abort();
        return;
    }
    if we_close {
        // The closing handshake: read (and drop) what the client still sends until it answers
        // our close. Closing with unread data would make the kernel reset the connection, and a
        // reset can overtake the close frame that says why.
        let _ = tokio::time::timeout(CLOSE_LINGER, async {
            while let Some(Ok(frame)) = stream.next().await {
                if matches!(frame, Message::Close(_)) {
                    break;
                }
            }
        })
        .await;
    }
}

impl Connection {
    fn peer(&self) -> Option<PeerId> {
        self.membership.as_ref().map(|m| m.id)
    }

    /// Applies one client message; returns the reply for the sender, if any.
    async fn handle_text(&mut self, text: &str) -> Option<ServerMessage> {
        // Most messages are signals: relayed as written, after the same checks.
        if let Some((to, signal)) = super::signal_frame::read(text) {
            let Some(m) = self.membership.as_ref() else {
                return Some(ServerMessage::error(ErrorCode::NotInRoom));
            };
            let frame = super::signal_frame::frame(m.id, signal);
            let relayed = self.hub.relay_frame(&m.room, m.id, to, frame);
            if relayed.is_ok() {
                self.state.metrics.relayed.inc();
            }
            return self.answer(relayed);
        }
        let message = match serde_json::from_str::<ClientMessage>(text) {
            Ok(message) => message,
            Err(error) => {
                return Some(ServerMessage::Error {
                    code: ErrorCode::BadMessage,
                    message: format!("The server could not read that message: {error}."),
                });
            }
        };
        let result = match message {
            ClientMessage::Join {
                room,
                name,
                media,
                password,
                resume,
            } => {
                if self.membership.is_some() {
                    return Some(ServerMessage::error(ErrorCode::AlreadyJoined));
                }
                return self.join(room, name, media, password, resume).await;
            }
            ClientMessage::Leave => {
                if let Some(m) = self.membership.take() {
                    tracing::info!(room = %m.room, peer = %m.id, "peer left");
                    self.hub.leave(&m.room, m.id, now());
                }
                Ok(())
            }
            other => {
                let Some(m) = self.membership.as_ref() else {
                    return Some(ServerMessage::error(ErrorCode::NotInRoom));
                };
                let (hub, room, me) = (&self.hub, &m.room, m.id);
                match other {
                    ClientMessage::Signal { to, signal } => {
                        let relayed = hub.relay(room, me, to, signal);
                        if relayed.is_ok() {
                            self.state.metrics.relayed.inc();
                        }
                        relayed
                    }
                    ClientMessage::Media { state } => {
                        hub.update_media(room, me, state);
                        Ok(())
                    }
                    ClientMessage::Lock { locked } => hub.set_locked(room, me, locked),
                    ClientMessage::SetPassword { password } => {
                        let hashed = match password {
                            Some(p) if p.chars().count() > MAX_PASSWORD_CHARS || p.is_empty() => {
                                return Some(ServerMessage::error(ErrorCode::Invalid));
                            }
                            Some(p) => {
                                if let Err(code) = hub.may_change_password(room, me, now()) {
                                    return self.answer(Err(code));
                                }
                                match self.state.hasher.hash(p).await {
                                    Ok(hashed) => Some(hashed),
                                    Err(code) => return self.answer(Err(code)),
                                }
                            }
                            None => None,
                        };
                        let (hub, m) = (&self.hub, self.membership.as_ref()?);
                        hub.set_password(&m.room, m.id, hashed)
                    }
                    ClientMessage::Remove { id } => hub.remove(room, me, id, now()).map(|_| {
                        self.state.keep_revocations(now());
                    }),
                    ClientMessage::Join { .. } | ClientMessage::Leave => unreachable!(),
                }
            }
        };
        self.answer(result)
    }

    /// Nothing for a request carried out; the error for one refused.
    fn answer(&self, result: Result<(), ErrorCode>) -> Option<ServerMessage> {
        match result {
            Ok(()) => None,
            Err(code) => {
                tracing::debug!(peer = ?self.peer(), ?code, "request refused");
                self.state.metrics.refuse(code);
                Some(ServerMessage::error(code))
            }
        }
    }

    /// Checks the password if the room has one, then joins (the hub queues the welcome); returns
    /// the refusal, if any.
    async fn join(
        &mut self,
        room: RoomId,
        name: String,
        media: crate::protocol::MediaState,
        password: Option<String>,
        resume: Option<crate::protocol::Resume>,
    ) -> Option<ServerMessage> {
        if !self.state.per_source.join(self.source, now()) {
            tracing::warn!(source = %self.source, "joins from one client too fast");
            return Some(ServerMessage::error(ErrorCode::TooFast));
        }
        let mut password_checked = None;
        if let Admission::Password(stored) = self.hub.admission(&room, resume.as_ref(), now()) {
            let Some(password) = password.filter(|p| !p.is_empty()) else {
                return Some(ServerMessage::error(ErrorCode::PasswordRequired));
            };
            if password.chars().count() > MAX_PASSWORD_CHARS {
                return Some(ServerMessage::error(ErrorCode::WrongPassword));
            }
            // Only wrong guesses are paid for, by the guessing client and by the room: a
            // guesser slows itself down first, and cannot lock the right password out for
            // people on other networks.
            let per_source = &self.state.per_source;
            if !per_source.may_guess(self.source, now()) || !self.hub.may_guess(&room, now()) {
                tracing::warn!(room = %room, source = %self.source, "password guessing slowed down");
                return Some(ServerMessage::error(ErrorCode::TooManyGuesses));
            }
            match self.state.hasher.verify(password, stored.clone()).await {
                Ok(true) => {}
                Ok(false) => {
                    per_source.wrong_guess(self.source, now());
                    self.hub.wrong_guess(&room, now());
                    tracing::info!(room = %room, source = %self.source, "wrong room password");
                    return Some(ServerMessage::error(ErrorCode::WrongPassword));
                }
                Err(code) => return Some(ServerMessage::error(code)),
            }
            password_checked = Some(stored);
        }
        let request = JoinRequest {
            room: room.clone(),
            name,
            media,
            resume,
            password_checked,
            tx: self.tx.clone(),
            connection: self.id,
            source: self.source,
        };
        match self.hub.join(request, now()) {
            Ok(joined) => {
                tracing::info!(room = %room, peer = %joined.id, resumed = joined.resumed, others = joined.peers.len(), source = %self.source, "peer joined");
                self.membership = Some(Membership {
                    room,
                    id: joined.id,
                });
                // The hub has queued the welcome.
                None
            }
            Err(code) => {
                tracing::info!(room = %room, ?code, "join refused");
                self.state.metrics.refuse(code);
                Some(ServerMessage::error(code))
            }
        }
    }

    /// The connection ended without a Leave: the member is kept away for the grace period (the
    /// hub's tick removes it if it has not come back by then).
    fn went_away(&self, m: Membership) {
        if self.hub.disconnect(&m.room, m.id, self.id, now()) {
            tracing::info!(room = %m.room, peer = %m.id, "peer away (connection ended)");
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
