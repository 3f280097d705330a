//! The `confab` binary as an operator runs it: certificate files replaced under it (SIGHUP and a
//! change on disk), its configuration checked, metrics read by a real Prometheus, and a real
//! nginx in front of it.
#![cfg(feature = "ssr")]

#[path = "support/binary.rs"]
mod binary;

use binary::{Binary, free_port};
use confab::protocol::{ClientMessage, MediaState, RoomId, ServerMessage};
use confab_load::transport::Target;
use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "confab-deploy-{name}-{}-{}",
        std::process::id(),
        rand::random::<u32>()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes a new certificate and key for `name` to `cert` and `key`; returns the certificate.
fn write_pair(cert: &Path, key: &Path, name: &str) -> CertificateDer<'static> {
    let generated = rcgen::generate_simple_self_signed(vec![name.into()]).unwrap();
    std::fs::write(cert, generated.cert.pem()).unwrap();
    std::fs::write(key, generated.signing_key.serialize_pem()).unwrap();
    generated.cert.der().clone()
}

/// The certificate the server at `port` presents to a new connection now (as openssl sees it).
async fn presented(port: u16) -> CertificateDer<'static> {
    let output = Command::new("bash")
        .arg("-c")
        .arg(format!(
            "openssl s_client -connect 127.0.0.1:{port} -servername localhost </dev/null 2>/dev/null | openssl x509"
        ))
        .output()
        .unwrap();
    CertificateDer::from_pem_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("no certificate: {output:?}"))
}

async fn joined(target: &Target) -> confab_load::transport::Socket {
    let mut socket = target.connect().await.unwrap();
    let join = ClientMessage::Join {
        room: RoomId::from_random_bytes(rand::random()),
        name: "Ada".into(),
        media: MediaState::default(),
        hand: false,
        password: None,
        resume: None,
    };
    socket
        .send(Message::text(serde_json::to_string(&join).unwrap()))
        .await
        .unwrap();
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Welcome { .. }
    ));
    socket
}

async fn next(socket: &mut confab_load::transport::Socket) -> ServerMessage {
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(10), socket.next())
            .await
            .expect("an answer")
            .expect("open")
            .expect("readable");
        if let Message::Text(text) = frame {
            return serde_json::from_str(text.as_str()).unwrap();
        }
    }
}

async fn still_answers(socket: &mut confab_load::transport::Socket) {
    socket
        .send(Message::text(
            serde_json::to_string(&ClientMessage::Lock { locked: true }).unwrap(),
        ))
        .await
        .unwrap();
    assert!(matches!(next(socket).await, ServerMessage::Settings { .. }));
}

async fn eventually(what: &str, within: Duration, mut check: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("{what} did not happen within {within:?}");
}

#[tokio::test]
async fn certificate_files_are_reloaded_on_sighup_and_when_they_change_and_a_broken_pair_is_refused()
 {
    let dir = temp_dir("reload");
    let (cert, key) = (dir.join("fullchain.pem"), dir.join("privkey.pem"));
    let first = write_pair(&cert, &key, "localhost");
    let server = Binary::start(
        "reload",
        false,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    )
    .await;
    let pid = server.pid();
    assert_eq!(presented(server.port).await, first);
    let target = Target::new(&server.url(), true).unwrap();
    let mut call = joined(&target).await;

    // New files and SIGHUP: new connections get the new certificate, from the same process.
    let second = write_pair(&cert, &key, "localhost");
    Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    eventually("the reload on SIGHUP", Duration::from_secs(5), async || {
        presented(server.port).await == second
    })
    .await;
    assert_eq!(server.pid(), pid);
    still_answers(&mut call).await;

    // A broken pair (a certificate without its key) is refused; the log names the file.
    std::fs::write(&cert, "not a certificate").unwrap();
    Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    eventually(
        "the refusal in the log",
        Duration::from_secs(5),
        async || {
            server
                .log_text()
                .contains("fullchain.pem holds no PEM certificate")
        },
    )
    .await;
    assert_eq!(presented(server.port).await, second, "the old one stays");

    // Files that change (as certbot's renewal does) are noticed without a signal.
    let third = write_pair(&cert, &key, "localhost");
    eventually(
        "the reload on change",
        Duration::from_secs(25),
        async || presented(server.port).await == third,
    )
    .await;
    still_answers(&mut call).await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn check_config_shows_the_settings_and_fails_on_a_wrong_one() {
    let dir = temp_dir("check");
    let config = dir.join("confab.toml");
    std::fs::write(&config, "port = 8443\nturn-secret = \"s3cret\"\n").unwrap();
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_confab"))
            .arg("check-config")
            .arg("--config")
            .arg(&config)
            .args(extra)
            .output()
            .unwrap()
    };
    let good = run(&[]);
    let out = String::from_utf8_lossy(&good.stdout);
    assert!(good.status.success(), "{good:?}");
    assert!(out.contains("port = \"8443\""), "{out}");
    assert!(
        out.contains("turn-secret = (hidden)") && !out.contains("s3cret"),
        "{out}"
    );
    let bad = run(&[
        "--tls-cert",
        "/nonexistent.pem",
        "--tls-key",
        "/nonexistent.key",
    ]);
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("/nonexistent.pem"),
        "{bad:?}"
    );
    std::fs::write(&config, "prot = 8443\n").unwrap();
    let unknown = run(&[]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("unknown setting \"prot\""),
        "{unknown:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// A process stopped (SIGTERM, so that a server such as nginx takes its workers with it) when
/// dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status();
        let _ = self.0.wait();
    }
}

fn curl(args: &[&str]) -> String {
    let output = Command::new("curl").arg("-sS").args(args).output().unwrap();
    assert!(output.status.success(), "curl {args:?}: {output:?}");
    String::from_utf8(output.stdout).unwrap()
}

#[tokio::test]
async fn prometheus_scrapes_the_metrics_and_sees_a_participant_join() {
    let metrics_port = free_port();
    let listen = format!("127.0.0.1:{metrics_port}");
    let server = Binary::start("metrics", true, &["--metrics-listen", &listen]).await;

    // The exposition passes Prometheus' own checker.
    let text = curl(&[&format!("http://{listen}/metrics")]);
    for name in [
        "confab_rooms",
        "confab_participants",
        "confab_signaling_connections",
        "confab_messages_relayed_total",
        "confab_turn_allocations",
        "confab_certificate_expiry_timestamp_seconds",
        "confab_build_info",
        "process_resident_memory_bytes",
    ] {
        assert!(text.contains(name), "{name} missing:\n{text}");
    }
    let mut promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool (Debian package prometheus)");
    use std::io::Write;
    promtool
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let checked = promtool.wait_with_output().unwrap();
    assert!(checked.status.success(), "{checked:?}");

    // A real Prometheus scraping every second.
    let dir = temp_dir("prometheus");
    let prometheus_port = free_port();
    std::fs::write(
        dir.join("prometheus.yml"),
        format!(
            "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: confab\n    static_configs:\n      - targets: ['{listen}']\n"
        ),
    )
    .unwrap();
    let _prometheus = Running(
        Command::new("prometheus")
            .arg(format!(
                "--config.file={}",
                dir.join("prometheus.yml").display()
            ))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address=127.0.0.1:{prometheus_port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("prometheus (Debian package prometheus)"),
    );
    let target = Target::new(&server.url(), true).unwrap();
    let _call = joined(&target).await;
    let query =
        format!("http://127.0.0.1:{prometheus_port}/api/v1/query?query=confab_participants");
    eventually(
        "Prometheus seeing the participant",
        Duration::from_secs(30),
        async || {
            let answer = Command::new("curl").args(["-sS", &query]).output().unwrap();
            let answer = String::from_utf8_lossy(&answer.stdout);
            answer.contains("\"value\":[") && answer.contains(",\"1\"]")
        },
    )
    .await;
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn metrics_on_the_main_port_need_the_token() {
    let server = Binary::start("metrics-token", false, &["--metrics-token", "t0ken"]).await;
    let url = format!("{}/metrics", server.url());
    let refused = Command::new("curl")
        .args(["-sk", "-o", "/dev/null", "-w", "%{http_code}", &url])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&refused.stdout), "401");
    let text = curl(&["-k", "-H", "Authorization: Bearer t0ken", &url]);
    assert!(text.contains("confab_rooms"), "{text}");
}

#[tokio::test]
async fn behind_nginx_the_client_address_is_the_one_nginx_forwarded_for() {
    let confab_port = free_port();
    let server = Binary::start_on(
        "nginx",
        confab_port,
        false,
        &["--behind-proxy", "--max-connections-per-address", "2"],
    )
    .await;
    let dir = temp_dir("nginx");
    let nginx_port = free_port();
    write_pair(&dir.join("cert.pem"), &dir.join("key.pem"), "localhost");
    let config = format!(
        "worker_processes 1;\npid {dir}/nginx.pid;\nerror_log {dir}/error.log;\nevents {{}}\n\
         http {{\n  access_log off;\n  client_body_temp_path {dir}/body;\n  proxy_temp_path {dir}/proxy;\n\
         fastcgi_temp_path {dir}/fastcgi;\n  uwsgi_temp_path {dir}/uwsgi;\n  scgi_temp_path {dir}/scgi;\n\
         {site}\n}}\n",
        dir = dir.display(),
        site = readme_nginx(&dir, nginx_port, confab_port),
    );
    std::fs::write(dir.join("nginx.conf"), config).unwrap();
    // Its output goes nowhere: a process holding the test's output open would keep the test
    // runner waiting.
    let nginx = Command::new("nginx")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .args(["-e", dir.join("error.log").to_str().unwrap()])
        .args([
            "-c",
            dir.join("nginx.conf").to_str().unwrap(),
            "-g",
            "daemon off;",
        ])
        .spawn()
        .expect("nginx (Debian package nginx-light)");
    let _nginx = Running(nginx);
    let url = format!("https://127.0.0.1:{nginx_port}");
    eventually("nginx listening", Duration::from_secs(10), async || {
        tokio::net::TcpStream::connect(("127.0.0.1", nginx_port))
            .await
            .is_ok()
    })
    .await;

    // Two connections from 127.0.0.5 through nginx are all that address may hold: the third is
    // refused although nginx itself holds more.
    let mut held = Vec::new();
    for _ in 0..2 {
        held.push(connect_from(&url, "127.0.0.5").await);
    }
    let mut third = connect_from(&url, "127.0.0.5").await;
    assert_eq!(
        next(&mut third).await,
        ServerMessage::error(confab::protocol::ErrorCode::SourceLimit)
    );
    let _other = connect_from(&url, "127.0.0.6").await;
    assert!(
        server.log_text().contains("127.0.0.5"),
        "the log names the client behind nginx:\n{}",
        server.log_text()
    );
    std::fs::remove_dir_all(dir).unwrap();
}

/// The README's nginx block, pointed at this test's ports and certificate.
fn readme_nginx(dir: &Path, listen: u16, confab: u16) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let block = readme
        .split("```nginx\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("the README has an nginx block");
    let dir = dir.display();
    block
        .lines()
        .filter(|line| !line.contains("listen [::]:443"))
        .map(|line| {
            if line.contains("listen 443") {
                format!("    listen 127.0.0.1:{listen} ssl http2;")
            } else if line.contains("ssl_certificate_key") {
                format!("    ssl_certificate_key {dir}/key.pem;")
            } else if line.contains("ssl_certificate") {
                format!("    ssl_certificate {dir}/cert.pem;")
            } else {
                line.replace("127.0.0.1:3000", &format!("127.0.0.1:{confab}"))
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A signaling connection to `url` from the local address `ip`.
async fn connect_from(url: &str, ip: &str) -> confab_load::transport::Socket {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket
        .bind(std::net::SocketAddr::new(ip.parse().unwrap(), 0))
        .unwrap();
    let target = Target::new(url, true).unwrap();
    target.connect_over(socket).await.unwrap()
}

#[tokio::test]
async fn systemd_is_told_when_the_server_is_ready_and_when_it_stops() {
    use std::os::unix::net::UnixDatagram;
    let dir = temp_dir("notify");
    let socket_path = dir.join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).unwrap();
    socket
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_confab"))
        .args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--no-turn",
        ])
        .arg("--data-dir")
        .arg(dir.join("data"))
        .env("NOTIFY_SOCKET", &socket_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut buf = [0u8; 256];
    let n = socket.recv(&mut buf).expect("a readiness message");
    let message = String::from_utf8_lossy(&buf[..n]).into_owned();
    assert!(message.contains("READY=1"), "{message}");
    // Ready means listening.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    let n = socket.recv(&mut buf).expect("a stopping message");
    assert!(String::from_utf8_lossy(&buf[..n]).contains("STOPPING=1"));
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
    std::fs::remove_dir_all(dir).unwrap();
}
