//! The `confab` binary under a small limit on open files, as a stock Debian shell or systemd
//! unit starts it: it raises its soft limit to the hard one, and under a low hard limit it tells
//! the connection past what fits that the server is full instead of leaving it unanswered.
#![cfg(feature = "ssr")]

use confab::protocol::{ClientMessage, ErrorCode, MediaState, RoomId, ServerMessage};
use confab_load::transport::Target;
use futures_util::{SinkExt, StreamExt};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;

/// A `confab` process started under `ulimit` settings; killed when dropped.
struct Server {
    child: Child,
    port: u16,
    data_dir: PathBuf,
}

impl Server {
    /// Starts the binary after `ulimit_args` (e.g. `-Sn 512`) and waits until it listens.
    async fn start(name: &str, ulimit_args: &str) -> Server {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            probe.local_addr().unwrap().port()
        };
        let data_dir =
            std::env::temp_dir().join(format!("confab-open-files-{name}-{}", std::process::id()));
        let script = format!(
            // Every connection comes from this one address: its own limits are lifted, so that
            // only the open-file limit is tested.
            "ulimit {ulimit_args} && exec \"$0\" --host 127.0.0.1 --port {port} --no-turn --data-dir {} \
             --max-connections-per-address 0 --max-rooms-per-address 0 --joins-per-second-per-address 100000",
            data_dir.display()
        );
        let child = Command::new("bash")
            .args(["-c", &script, env!("CARGO_BIN_EXE_confab")])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut server = Server {
            child,
            port,
            data_dir,
        };
        for _ in 0..300 {
            let answered = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok();
            // Another process may have taken the port first: then this one has exited.
            if let Ok(Some(status)) = server.child.try_wait() {
                panic!("the server exited before listening on {port}: {status}");
            }
            if answered {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start listening on {port}");
    }

    /// Whether the process still runs, for a failure message.
    fn state(&mut self) -> String {
        match self.child.try_wait() {
            Ok(None) => "still runs".into(),
            Ok(Some(status)) => format!("has exited ({status})"),
            Err(error) => format!("cannot be checked ({error})"),
        }
    }

    /// The soft and hard limit on open files of the running process.
    fn open_file_limits(&self) -> (u64, u64) {
        let limits = std::fs::read_to_string(format!("/proc/{}/limits", self.child.id())).unwrap();
        let line = limits
            .lines()
            .find(|line| line.starts_with("Max open files"))
            .unwrap();
        let numbers: Vec<u64> = line
            .split_whitespace()
            .filter_map(|word| word.parse().ok())
            .collect();
        (numbers[0], numbers[1])
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }
}

#[tokio::test]
async fn the_soft_limit_on_open_files_is_raised_to_the_hard_limit() {
    let server = Server::start("soft", "-Sn 512").await;
    let (soft, hard) = server.open_file_limits();
    assert!(hard > 512, "this machine's hard limit is only {hard}");
    assert_eq!(soft, hard);
}

#[tokio::test]
async fn past_what_the_open_file_limit_holds_a_connection_is_told_the_server_is_full() {
    let mut server = Server::start("hard", "-n 400").await;
    let target = Target::new(&format!("https://127.0.0.1:{}", server.port), true).unwrap();
    let mut held = Vec::new();
    let refusal = loop {
        assert!(
            held.len() < 400,
            "400 connections joined under a limit of 400 open files"
        );
        let attempt = async {
            let mut socket = target.connect().await?;
            let join = ClientMessage::Join {
                room: RoomId::from_random_bytes(rand::random()),
                name: format!("person {}", held.len()),
                media: MediaState::default(),
                hand: false,
                password: None,
                resume: None,
            };
            let text = serde_json::to_string(&join).unwrap();
            // A refused connection may be closed before this arrives.
            let _ = socket.send(Message::text(text)).await;
            loop {
                match socket.next().await {
                    Some(Ok(Message::Text(text))) => {
                        let message: ServerMessage = serde_json::from_str(&text).unwrap();
                        break Ok((message, socket));
                    }
                    Some(Ok(_)) => continue,
                    other => panic!(
                        "connection {} ended without an answer: {other:?}",
                        held.len()
                    ),
                }
            }
        };
        let (message, socket) = tokio::time::timeout(Duration::from_secs(10), attempt)
            .await
            .unwrap_or_else(|_| panic!("connection {} got no answer", held.len()))
            .unwrap_or_else(|error: String| {
                panic!(
                    "connection {} failed: {error}; the server {}",
                    held.len(),
                    server.state()
                )
            });
        match message {
            ServerMessage::Welcome { .. } => held.push(socket),
            ServerMessage::Error { code, .. } => break (code, socket),
            other => panic!("unexpected {other:?}"),
        }
    };
    let (code, mut socket) = refusal;
    assert_eq!(code, ErrorCode::ServerFull);
    assert!(!held.is_empty(), "not one connection fitted");
    // The refused connection is closed with "try again later".
    let closed = loop {
        match socket.next().await {
            Some(Ok(Message::Close(frame))) => break frame.map(|f| u16::from(f.code)),
            Some(Ok(_)) => continue,
            other => panic!("no close frame: {other:?}"),
        }
    };
    assert_eq!(closed, Some(confab::protocol::CLOSE_TRY_AGAIN_LATER));
}
