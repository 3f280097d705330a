// Each test file uses part of these helpers.
#![allow(dead_code)]
//! Starting the real `confab` binary for tests that need a whole server process: its own memory
//! to measure, its own log, its own limits, a restart.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A `confab` process on free loopback ports; killed (and its data directory removed) when
/// dropped.
pub struct Binary {
    child: Child,
    /// Its HTTPS port.
    pub port: u16,
    /// Its STUN/TURN port (UDP and TCP), if TURN was asked for.
    pub turn_port: Option<u16>,
    /// Its data directory.
    pub data_dir: PathBuf,
    /// The file its output and log (standard output and error) go to.
    pub log: PathBuf,
    args: Vec<String>,
}

/// A port free on loopback for TCP and UDP at the moment of asking.
pub fn free_port() -> u16 {
    loop {
        let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = tcp.local_addr().unwrap().port();
        if std::net::UdpSocket::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

impl Binary {
    /// Starts the binary with `args` after the usual ones (loopback, a fresh data directory,
    /// TURN off unless `turn`), and waits until it answers.
    pub async fn start(name: &str, turn: bool, args: &[&str]) -> Binary {
        Self::start_on(name, free_port(), turn, args).await
    }

    /// [`Binary::start`] on a given HTTPS port.
    pub async fn start_on(name: &str, port: u16, turn: bool, args: &[&str]) -> Binary {
        let data_dir = std::env::temp_dir().join(format!(
            "confab-test-{name}-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&data_dir).unwrap();
        let turn_port = turn.then(free_port);
        let mut all = vec![
            "--host".to_owned(),
            "127.0.0.1".to_owned(),
            "--port".to_owned(),
            port.to_string(),
            "--data-dir".to_owned(),
            data_dir.display().to_string(),
        ];
        match turn_port {
            Some(turn) => all.extend(["--turn-listen".to_owned(), format!("127.0.0.1:{turn}")]),
            None => all.push("--no-turn".to_owned()),
        }
        all.extend(args.iter().map(|a| (*a).to_owned()));
        let log = data_dir.with_extension("log");
        let child = spawn(&all, &log);
        let mut binary = Binary {
            child,
            port,
            turn_port,
            data_dir,
            log,
            args: all,
        };
        binary.wait_until_listening().await;
        binary
    }

    /// Stops the process (SIGTERM, as systemd does) and starts it again with the same arguments
    /// and data directory.
    pub async fn restart(&mut self) {
        self.terminate();
        self.child = spawn(&self.args, &self.log);
        self.wait_until_listening().await;
    }

    /// Sends SIGTERM and waits for the process to exit.
    pub fn terminate(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident memory in KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.split_whitespace().next())
            .and_then(|kib| kib.parse().ok())
            .expect("VmRSS in /proc/PID/status")
    }

    /// Bytes written to the log so far.
    pub fn log_bytes(&self) -> u64 {
        std::fs::metadata(&self.log).map_or(0, |m| m.len())
    }

    /// The log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The `https://127.0.0.1:PORT` address.
    pub fn url(&self) -> String {
        format!("https://127.0.0.1:{}", self.port)
    }

    async fn wait_until_listening(&mut self) {
        for _ in 0..600 {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "the server exited before listening on {}: {status}\n{}",
                    self.port,
                    self.log_text()
                );
            }
            if tokio::net::TcpStream::connect(("127.0.0.1", self.port))
                .await
                .is_ok()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the server did not start listening on {}", self.port);
    }
}

fn spawn(args: &[String], log: &PathBuf) -> Child {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    // CONFAB_TEST_BIN runs the tests against another build (an older one, to see them fail).
    let program = std::env::var("CONFAB_TEST_BIN").unwrap_or(env!("CARGO_BIN_EXE_confab").into());
    Command::new(program)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("RUST_LOG", "info")
        .stdout(Stdio::from(log.try_clone().unwrap()))
        .stderr(Stdio::from(log))
        .spawn()
        .unwrap()
}

impl Drop for Binary {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.data_dir);
        let _ = std::fs::remove_file(&self.log);
    }
}
