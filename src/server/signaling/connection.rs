//! One signaling connection's task: reading frames under its [`Policy`], writing what the hub
//! queues for it (gathered into few writes), keeping its resume token fresh, and closing
//! cleanly.

use super::policy::{Check, Message as Verdict, Policy};
use super::requests::{Connection, now};
use super::{CLOSE_LINGER, WRITE_GATHER_MESSAGES, into_message, is_too_big};
use crate::protocol::{
    CLOSE_GOING_AWAY, CLOSE_MESSAGE_TOO_BIG, CLOSE_POLICY, CLOSE_TRY_AGAIN_LATER, ErrorCode,
    MAX_MESSAGE_BYTES, ServerMessage,
};
use crate::server::AppState;
use crate::server::hub::encode;
use crate::server::outbox::{Outbox, outbox};
use crate::server::per_source::ConnectionSlot;
use crate::server::source::Source;
use axum::extract::ws::{CloseFrame, Message, WebSocket};
use futures_util::stream::SplitSink;
use futures_util::{SinkExt, StreamExt};
use tokio::sync::{OwnedSemaphorePermit, mpsc};
use tokio::task::JoinHandle;
use tokio::time::{Instant, interval_at};

/// Runs one signaling connection until the client leaves, dies, breaks the protocol or the
/// server shuts down.
pub(super) async fn serve(
    socket: WebSocket,
    state: AppState,
    source: Source,
    host: Option<String>,
    _places: (OwnedSemaphorePermit, ConnectionSlot),
) {
    let limits = state.connection_limits;
    let (sink, mut stream) = socket.split();
    let (tx, rx) = outbox();
    // Control frames (pings, the final close) jump the member queue.
    let (control_tx, control_rx) = mpsc::channel::<Message>(4);
    let mut writer = write(sink, rx, control_rx);

    let mut connection = Connection::new(&state, source, host, tx.clone());
    let mut policy = Policy::new(limits, state.keepalive, now());
    let mut shutdown = state.shutdown.subscribe();
    let renew_every = state.hub.limits().token_lifetime / 4;
    let mut renewals = interval_at(Instant::now() + renew_every, renew_every);
    let checks = tokio::time::sleep_until(Instant::from_std(policy.wake_at()));
    tokio::pin!(checks);
    let mut fallen_behind = Box::pin(tx.fallen_behind());
    let close = loop {
        checks.as_mut().reset(Instant::from_std(policy.wake_at()));
        tokio::select! {
            _ = async { let _ = shutdown.wait_for(|stopping| *stopping).await; } => {
                break Some((CLOSE_GOING_AWAY, "server restarting"));
            }
            () = &mut fallen_behind => {
                tracing::info!(peer = ?connection.peer(), "not reading what it is sent; closing with 1013");
                break Some((CLOSE_TRY_AGAIN_LATER, "not keeping up"));
            }
            _ = renewals.tick() => connection.renew_token(),
            event = connection.media_event() => {
                let message = connection.on_media_event(event);
                let _ = tx.try_send(encode(&message));
            }
            () = &mut checks => match policy.check(now()) {
                Check::Nothing => {}
                Check::Dead => {
                    tracing::info!(peer = ?connection.peer(), "no pong; dropping dead connection");
                    break None;
                }
                Check::JoinTimeout => {
                    let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::JoinTimeout)));
                    break Some((CLOSE_POLICY, "no room joined"));
                }
                Check::Ping => {
                    if control_tx.send(Message::Ping(Default::default())).await.is_err() {
                        break None;
                    }
                }
            },
            frame = stream.next() => {
                policy.heard(now());
                let text = match frame {
                    None | Some(Ok(Message::Close(_))) => break None,
                    // Pongs answer the server's own pings. Pings (answered by the WebSocket
                    // layer) count toward the rate like any message.
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
                match policy.message(now()) {
                    Verdict::Handle => {}
                    Verdict::Drop { tell } => {
                        if tell {
                            let _ = tx.try_send(encode(&ServerMessage::error(ErrorCode::RateLimited)));
                        }
                        continue;
                    }
                    Verdict::Close => {
                        tracing::warn!(peer = ?connection.peer(), "sustained flooding; closing with 1008");
                        break Some((CLOSE_POLICY, "too many messages"));
                    }
                }
                let Some(text) = text else { continue };
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
                policy.in_room(connection.peer().is_some(), now());
            }
        }
    };

    connection.went_away();
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

/// The writing task: control frames first, then what the hub queued, several messages per
/// write when several wait.
fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut rx: Outbox,
    mut control_rx: mpsc::Receiver<Message>,
) -> JoinHandle<()> {
    tokio::spawn(async move {
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
    })
}
