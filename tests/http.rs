//! HTTP responses over a real socket against a server on 127.0.0.1:0.
#![cfg(feature = "ssr")]

mod common;

use common::{serve_app, test_state};
use confab::server::hub::HubLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves the app with `hsts` on or off and returns the head of `GET /healthz`, lowercased.
async fn healthz_head(hsts: bool) -> String {
    let mut state = test_state(HubLimits::default());
    state.hsts = hsts;
    let addr = serve_app(state).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let head = response
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    head
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let head = healthz_head(false).await;
    for line in [
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
        "cross-origin-opener-policy: same-origin",
        "permissions-policy: camera=(self), microphone=(self), display-capture=(self)",
    ] {
        assert!(head.contains(line), "missing {line:?} in\n{head}");
    }
    assert!(!head.contains("strict-transport-security"), "{head}");
}

#[tokio::test]
async fn hsts_is_sent_with_an_operator_certificate() {
    let head = healthz_head(true).await;
    assert!(
        head.contains("strict-transport-security: max-age=31536000"),
        "{head}"
    );
}
