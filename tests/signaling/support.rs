//! What every signaling test needs: a server on a free port and a client that speaks the
//! protocol over a real WebSocket.

use super::common::{serve_app, test_state};
use confab::protocol::{
    ClientMessage, ErrorCode, MediaState, PeerId, PeerInfo, Resume, RoomId, SdpType, ServerMessage,
    Signal,
};
use confab::server::AppState;
use confab::server::hub::HubLimits;
use confab::server::signaling::Keepalive;
use futures_util::{SinkExt, StreamExt};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async_with_config};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// How long a test waits for a message that should come.
pub(crate) const PATIENCE: Duration = Duration::from_secs(5);

pub(crate) struct Server {
    pub(crate) addr: SocketAddr,
    pub(crate) state: AppState,
}

pub(crate) async fn start(limits: HubLimits, keepalive: Keepalive) -> Server {
    let mut state = test_state(limits);
    state.keepalive = keepalive;
    serve(state).await
}

pub(crate) async fn serve(state: AppState) -> Server {
    let addr = serve_app(state.clone()).await;
    Server { addr, state }
}

/// Room limits for the tests: a short resume grace, so a dropped peer is announced quickly.
pub(crate) fn limits() -> HubLimits {
    HubLimits {
        resume_grace: Duration::from_millis(300),
        ..HubLimits::default()
    }
}

pub(crate) async fn start_default() -> Server {
    start(limits(), Keepalive::default()).await
}

/// A server that keeps a dropped peer for 10 s, longer than any test waits to resume.
pub(crate) async fn start_with_long_grace() -> Server {
    let limits = HubLimits {
        resume_grace: Duration::from_secs(10),
        ..HubLimits::default()
    };
    start(limits, Keepalive::default()).await
}

pub(crate) fn join_message(room: &RoomId, name: &str) -> ClientMessage {
    join_as(room, name, None, None)
}

pub(crate) fn join_as(
    room: &RoomId,
    name: &str,
    password: Option<&str>,
    resume: Option<Resume>,
) -> ClientMessage {
    ClientMessage::Join {
        room: room.clone(),
        name: name.into(),
        media: MediaState::default(),
        hand: false,
        password: password.map(str::to_owned),
        resume,
    }
}

/// Waits for the server to close the socket and returns the close frame.
pub(crate) async fn closed(socket: &mut Socket) -> CloseFrame {
    tokio::time::timeout(PATIENCE, async {
        loop {
            match socket.next().await {
                Some(Ok(Message::Close(frame))) => return frame.expect("a close code"),
                Some(Ok(_)) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    })
    .await
    .expect("close within the patience window")
}

/// A signaling connection from the local address `ip` (a 127.0.0.0/8 address other than
/// 127.0.0.1 stands for another client on another network).
pub(crate) async fn connect_from_address(server: &Server, ip: &str) -> Socket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(SocketAddr::new(ip.parse().unwrap(), 0))
        .unwrap();
    let stream = socket.connect(server.addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let url = format!("ws://{}/signal", server.addr);
    let (socket, _) = tokio_tungstenite::client_async(url, MaybeTlsStream::Plain(stream))
        .await
        .unwrap();
    socket
}

pub(crate) async fn connect(server: &Server) -> Socket {
    let url = format!("ws://{}/signal", server.addr);
    let (socket, _) = connect_async_with_config(url, None, true).await.unwrap();
    socket
}

pub(crate) async fn send(socket: &mut Socket, message: &ClientMessage) {
    let text = serde_json::to_string(message).unwrap();
    socket.send(Message::text(text)).await.unwrap();
}

pub(crate) async fn recv(socket: &mut Socket) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a message within the patience window")
            .expect("socket open")
            .expect("readable frame");
        match frame {
            Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
            Message::Ping(_) | Message::Pong(_) => continue,
            other => panic!("unexpected frame {other:?}"),
        }
    }
}

/// Asserts nothing is waiting for `socket`: a request sent now is answered before anything else
/// arrives. (The server handles each connection's messages in order and queues what others send
/// it as they are handled, so whatever had been sent to it before is ahead of the answer.)
pub(crate) async fn assert_silent(socket: &mut Socket) {
    assert_eq!(
        barrier(socket).await,
        Vec::new(),
        "expected nothing waiting"
    );
}

/// Everything queued for `socket` before a request sent now is answered; the answer itself is
/// taken.
pub(crate) async fn barrier(socket: &mut Socket) -> Vec<ServerMessage> {
    socket
        .send(Message::text(r#"{"type":"barrier"}"#))
        .await
        .unwrap();
    let mut before = Vec::new();
    loop {
        match recv(socket).await {
            ServerMessage::Error {
                code: ErrorCode::BadMessage,
                message,
            } if message.contains("barrier") => return before,
            other => before.push(other),
        }
    }
}

/// Waits (yielding to the server's tasks) until `condition` holds, within the patience window
/// and a bounded number of turns (on a paused clock, where the window never ends while tasks
/// keep running).
pub(crate) async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let waited = tokio::time::timeout(PATIENCE, async {
        for _ in 0..1_000_000 {
            if condition() {
                return true;
            }
            tokio::task::yield_now().await;
        }
        false
    })
    .await;
    assert!(waited == Ok(true), "{what} did not happen");
}

pub(crate) async fn join(
    socket: &mut Socket,
    room: &RoomId,
    name: &str,
) -> (PeerId, Vec<PeerInfo>) {
    send(socket, &join_message(room, name)).await;
    match recv(socket).await {
        ServerMessage::Welcome { you, peers, .. } => (you, peers),
        other => panic!("expected welcome, got {other:?}"),
    }
}

pub(crate) fn offer(sdp: &str) -> Signal {
    Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: sdp.into(),
    }
}

/// A browser handshake: the given `Origin`, sent to `server`.
pub(crate) async fn connect_from(
    server: &Server,
    origin: &str,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut request = format!("ws://{}/signal", server.addr)
        .into_client_request()
        .unwrap();
    request
        .headers_mut()
        .insert("origin", origin.parse().unwrap());
    connect_async_with_config(request, None, true)
        .await
        .map(|(socket, _)| socket)
}

/// A call in its own room: two joined peers. [`Bystanders::still_talk`] checks that a signal
/// still goes from one to the other, i.e. whatever happened elsewhere did not touch this room.
pub(crate) struct Bystanders {
    a: Socket,
    b: Socket,
    b_id: PeerId,
}

impl Bystanders {
    pub(crate) async fn join(server: &Server) -> Self {
        let room = server.state.hub.create_room();
        let mut a = connect(server).await;
        let mut b = connect(server).await;
        let _ = join(&mut a, &room, "Bystander A").await;
        let (b_id, _) = join(&mut b, &room, "Bystander B").await;
        let _ = recv(&mut a).await;
        Bystanders { a, b, b_id }
    }

    pub(crate) async fn still_talk(&mut self) {
        send(
            &mut self.a,
            &ClientMessage::Signal {
                to: self.b_id,
                signal: offer("still here"),
            },
        )
        .await;
        assert!(matches!(
            recv(&mut self.b).await,
            ServerMessage::Signal { .. }
        ));
    }
}

pub(crate) fn resume_of(welcome: &ServerMessage) -> Resume {
    match welcome {
        ServerMessage::Welcome {
            you, resume_token, ..
        } => Resume {
            id: *you,
            token: resume_token.clone(),
        },
        other => panic!("expected welcome, got {other:?}"),
    }
}

pub(crate) async fn join_with(socket: &mut Socket, message: ClientMessage) -> ServerMessage {
    send(socket, &message).await;
    recv(socket).await
}
