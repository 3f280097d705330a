//! Certificates from a real ACME server: Debian's Pebble (the test server of Let's Encrypt's
//! authors), with its mock DNS server resolving every name to 127.0.0.1. The `confab` binary
//! gets a certificate, serves it (checked by a TLS client that trusts only Pebble's root),
//! renews it when it is short-lived while an open signaling connection carries on, keeps it
//! across a restart, and stays on its self-signed certificate when the ACME server fails.
#![cfg(feature = "ssr")]

#[path = "support/binary.rs"]
mod binary;

use binary::{Binary, free_port};
use confab::protocol::{ClientMessage, MediaState, RoomId, ServerMessage};
use confab_load::transport::Target;
use futures_util::{SinkExt, StreamExt};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_tungstenite::tungstenite::Message;

/// The name Confab asks a certificate for (the mock DNS answers 127.0.0.1 for any name).
const DOMAIN: &str = "meet.confab.test";

/// Pebble and its mock DNS server, stopped when dropped.
struct Pebble {
    processes: Vec<Child>,
    dir: PathBuf,
    /// The ACME directory URL.
    directory: String,
    /// Pebble's own HTTPS certificate, which ACME clients must trust.
    https_root: PathBuf,
    management: u16,
}

impl Pebble {
    /// Starts Pebble validating TLS-ALPN-01 on `tls_port` and HTTP-01 on `http_port`, issuing
    /// certificates valid for `validity` seconds.
    async fn start(tls_port: u16, http_port: u16, validity: u64) -> Pebble {
        let dir = std::env::temp_dir().join(format!(
            "confab-pebble-{}-{}",
            std::process::id(),
            rand::random::<u32>()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        // Pebble's HTTPS: a certificate for 127.0.0.1 from a CA of the test's own (an ACME
        // client trusts the CA, as it would a public one).
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(rcgen::DnType::CommonName, "Pebble's test CA");
        let ca_cert = ca.self_signed(&ca_key).unwrap();
        let issuer = rcgen::Issuer::new(ca, ca_key);
        let leaf_key = rcgen::KeyPair::generate().unwrap();
        let leaf = rcgen::CertificateParams::new(vec!["127.0.0.1".into(), "localhost".into()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        let https_root = dir.join("pebble-ca.pem");
        std::fs::write(&https_root, ca_cert.pem()).unwrap();
        std::fs::write(dir.join("pebble-https.pem"), leaf.pem()).unwrap();
        std::fs::write(dir.join("pebble-https-key.pem"), leaf_key.serialize_pem()).unwrap();
        let (listen, management, dns) = (free_port(), free_port(), free_port());
        let config = serde_json::json!({
            "pebble": {
                "listenAddress": format!("127.0.0.1:{listen}"),
                "managementListenAddress": format!("127.0.0.1:{management}"),
                "certificate": dir.join("pebble-https.pem"),
                "privateKey": dir.join("pebble-https-key.pem"),
                "httpPort": http_port,
                "tlsPort": tls_port,
                "ocspResponderURL": "",
                "externalAccountBindingRequired": false,
                "certificateValidityPeriod": validity,
            }
        });
        std::fs::write(dir.join("pebble.json"), config.to_string()).unwrap();
        let quiet = |command: &mut Command| {
            command
                .stdout(Stdio::from(
                    std::fs::File::create(dir.join("pebble.log")).unwrap(),
                ))
                .stderr(Stdio::from(
                    std::fs::File::create(dir.join("pebble.err")).unwrap(),
                ));
        };
        let mut dns_server = Command::new("pebble-challtestsrv");
        dns_server.args([
            "-defaultIPv4",
            "127.0.0.1",
            "-defaultIPv6",
            "",
            "-dns01",
            &format!("127.0.0.1:{dns}"),
            "-http01",
            "",
            "-https01",
            "",
            "-tlsalpn01",
            "",
            "-management",
            &format!("127.0.0.1:{}", free_port()),
        ]);
        quiet(&mut dns_server);
        let dns_process = dns_server
            .spawn()
            .expect("pebble-challtestsrv (Debian package pebble)");
        let mut pebble = Command::new("pebble");
        pebble
            .args(["-config", dir.join("pebble.json").to_str().unwrap()])
            .args(["-dnsserver", &format!("127.0.0.1:{dns}"), "-strict=false"])
            // Validate at once, and never reject a good nonce: the test is about Confab.
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", "0");
        quiet(&mut pebble);
        let pebble_process = pebble.spawn().expect("pebble (Debian package pebble)");
        let started = Pebble {
            processes: vec![pebble_process, dns_process],
            dir,
            directory: format!("https://127.0.0.1:{listen}/dir"),
            https_root,
            management,
        };
        for _ in 0..100 {
            if tokio::net::TcpStream::connect(("127.0.0.1", listen))
                .await
                .is_ok()
            {
                return started;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("pebble did not start");
    }

    /// The root every certificate Pebble issues chains to (it makes a new one at each start).
    fn issuing_root(&self) -> CertificateDer<'static> {
        let output = Command::new("curl")
            .args(["-sSf", "--cacert"])
            .arg(&self.https_root)
            .arg(format!("https://127.0.0.1:{}/roots/0", self.management))
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        CertificateDer::from_pem_slice(&output.stdout).unwrap()
    }

    fn stop(&mut self) {
        for process in &mut self.processes {
            let _ = process.kill();
            let _ = process.wait();
        }
    }
}

impl Drop for Pebble {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The certificate a TLS client that trusts only `root` gets from `port` for [`DOMAIN`], if
/// the handshake succeeds.
async fn served_to_a_client_trusting(
    root: &CertificateDer<'static>,
    port: u16,
) -> Option<CertificateDer<'static>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(root.clone()).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    let tls = connector
        .connect(ServerName::try_from(DOMAIN).unwrap(), tcp)
        .await
        .ok()?;
    tls.get_ref().1.peer_certificates()?.first().cloned()
}

/// Waits up to `within` for a certificate from Pebble's root other than `not`.
async fn wait_for_certificate(
    root: &CertificateDer<'static>,
    port: u16,
    not: Option<&CertificateDer<'static>>,
    within: Duration,
) -> Option<CertificateDer<'static>> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if let Some(served) = served_to_a_client_trusting(root, port).await
            && Some(&served) != not
        {
            return Some(served);
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    None
}

fn acme_args(pebble: &Pebble) -> Vec<String> {
    vec![
        "--acme-domain".into(),
        DOMAIN.into(),
        "--acme-directory".into(),
        pebble.directory.clone(),
        "--acme-directory-root".into(),
        pebble.https_root.display().to_string(),
        "--acme-email".into(),
        "admin@confab.test".into(),
    ]
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn a_certificate_from_pebble_is_served_renewed_without_cutting_a_call_and_kept_across_a_restart()
 {
    let port = free_port();
    let mut pebble = Pebble::start(port, free_port(), 30).await;
    let args = acme_args(&pebble);
    let started = Instant::now();
    let mut server = Binary::start_on("acme", port, false, &strs(&args)).await;
    let root = pebble.issuing_root();
    let first = wait_for_certificate(&root, port, None, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("no certificate from Pebble:\n{}", server.log_text()));
    println!(
        "first ACME certificate served {:.1} s after start (TLS-ALPN-01)",
        started.elapsed().as_secs_f64()
    );

    // A call's signaling connection, opened on the first certificate.
    let target = Target::new(&server.url(), true).unwrap();
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

    // Valid for 30 s: renewed at 20 s, and served to new connections.
    let renewed = wait_for_certificate(&root, port, Some(&first), Duration::from_secs(45))
        .await
        .unwrap_or_else(|| panic!("not renewed:\n{}", server.log_text()));
    assert_ne!(renewed, first);
    // The call's connection carried on across the swap.
    socket
        .send(Message::text(
            serde_json::to_string(&ClientMessage::Lock { locked: true }).unwrap(),
        ))
        .await
        .unwrap();
    assert!(matches!(
        next(&mut socket).await,
        ServerMessage::Settings { .. }
    ));

    // Without the ACME server, a restart serves what it kept.
    pebble.stop();
    server.restart().await;
    let kept = served_to_a_client_trusting(&root, port).await;
    assert!(kept.is_some(), "{}", server.log_text());
    assert!(
        server
            .log_text()
            .contains("serving the kept ACME certificate"),
        "{}",
        server.log_text()
    );
}

#[tokio::test]
async fn with_the_http_port_on_the_challenge_is_answered_over_http() {
    let (port, http_port) = (free_port(), free_port());
    let pebble = Pebble::start(port, http_port, 3600).await;
    let mut args = acme_args(&pebble);
    args.extend(["--http-port".to_owned(), http_port.to_string()]);
    let server = Binary::start_on("acme-http", port, false, &strs(&args)).await;
    let root = pebble.issuing_root();
    wait_for_certificate(&root, port, None, Duration::from_secs(60))
        .await
        .unwrap_or_else(|| panic!("no certificate from Pebble:\n{}", server.log_text()));
    assert!(
        server
            .log_text()
            .contains("answered an ACME HTTP-01 challenge"),
        "{}",
        server.log_text()
    );
}

#[tokio::test]
async fn when_the_acme_server_fails_the_self_signed_certificate_stays_and_the_log_says_why() {
    let dead = format!("https://127.0.0.1:{}/dir", free_port());
    let root = std::env::temp_dir().join(format!("confab-no-root-{}.pem", std::process::id()));
    let ca = rcgen::generate_simple_self_signed(vec!["localhost".into()]).unwrap();
    std::fs::write(&root, ca.cert.pem()).unwrap();
    let server = Binary::start(
        "acme-dead",
        false,
        &[
            "--acme-domain",
            DOMAIN,
            "--acme-directory",
            &dead,
            "--acme-directory-root",
            root.to_str().unwrap(),
        ],
    )
    .await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while !server
        .log_text()
        .contains("could not get a certificate for")
        && Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let log = server.log_text();
    assert!(
        log.contains("could not get a certificate for meet.confab.test")
            && log.contains("the self-signed certificate stays in service"),
        "{log}"
    );
    // Still serving HTTPS (self-signed).
    let target = Target::new(&server.url(), true).unwrap();
    assert!(target.connect().await.is_ok());
    std::fs::remove_file(root).unwrap();
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
