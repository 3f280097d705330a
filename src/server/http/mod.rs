//! Serving the app over TCP: HTTPS (HTTP/2 and HTTP/1.1 over rustls), or plain HTTP behind a
//! reverse proxy, with the time limits a public server needs.
//!
//! | limit | default | what happens |
//! | --- | --- | --- |
//! | TLS handshake | 10 s | the connection is dropped |
//! | request headers (HTTP/1.1), first request (both) | 10 s | the connection is dropped |
//! | no request in flight | 60 s | the connection is closed ([`watchdog`]) |
//! | HTTP/2 keep-alive ping unanswered | 20 s after a 30 s ping | the connection is closed |
//! | connections from one client address | 1000 | more are refused |
//!
//! Slow request bodies and slow handlers are limited separately, per request (408).

pub mod watchdog;

use super::client_addr::TrustedProxies;
use super::metrics::Metrics;
use axum::Router;
use axum_server::Handle;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use hyper_util::rt::TokioTimer;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use watchdog::Watchdog;

/// Time limits of HTTP connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HttpTimeouts {
    /// Longest a TLS handshake may take.
    pub tls_handshake: Duration,
    /// Longest a client may take to send a request's headers (and the first request).
    pub headers: Duration,
    /// Longest a connection may stay without a request in flight.
    pub idle: Duration,
    /// Interval of HTTP/2 keep-alive pings; a ping unanswered for two thirds of this closes the
    /// connection.
    pub http2_keepalive: Duration,
}

impl Default for HttpTimeouts {
    fn default() -> Self {
        HttpTimeouts {
            tls_handshake: Duration::from_secs(10),
            headers: Duration::from_secs(10),
            idle: Duration::from_secs(60),
            http2_keepalive: Duration::from_secs(30),
        }
    }
}

/// How a listener serves connections.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Time limits.
    pub timeouts: HttpTimeouts,
    /// Connections one client address may hold (0: unlimited).
    pub connections_per_address: usize,
    /// Proxies exempt from that limit.
    pub trusted_proxies: Arc<TrustedProxies>,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeouts: HttpTimeouts::default(),
            connections_per_address: 1000,
            trusted_proxies: Arc::new(TrustedProxies::default()),
        }
    }
}

/// Serves `app` over HTTPS on `listener` until `handle` shuts it down.
pub async fn serve_tls(
    listener: std::net::TcpListener,
    app: Router,
    tls: RustlsConfig,
    options: HttpOptions,
    handle: Handle<SocketAddr>,
    metrics: Arc<Metrics>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let tls = RustlsAcceptor::new(tls).handshake_timeout(options.timeouts.tls_handshake);
    let mut acceptor = Watchdog::new(
        tls,
        options.timeouts.idle,
        options.connections_per_address,
        options.trusted_proxies.clone(),
    );
    acceptor.handshakes = Some(metrics);
    let mut server = axum_server::from_tcp(listener)?
        .acceptor(acceptor)
        .handle(handle)
        .first_request_timeout(options.timeouts.headers);
    configure(server.http_builder(), options.timeouts);
    server
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// Serves `app` over plain HTTP on `listener` (behind a reverse proxy that terminates TLS, or
/// the redirecting listener on port 80) until `handle` shuts it down.
pub async fn serve_plain(
    listener: std::net::TcpListener,
    app: Router,
    options: HttpOptions,
    handle: Handle<SocketAddr>,
) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let acceptor = Watchdog::new(
        axum_server::accept::DefaultAcceptor::new(),
        options.timeouts.idle,
        options.connections_per_address,
        options.trusted_proxies.clone(),
    );
    let mut server = axum_server::from_tcp(listener)?
        .acceptor(acceptor)
        .handle(handle)
        .first_request_timeout(options.timeouts.headers);
    configure(server.http_builder(), options.timeouts);
    server
        .serve(app.into_make_service_with_connect_info::<SocketAddr>())
        .await
}

/// HTTP/1.1 and HTTP/2 settings shared by both listeners.
fn configure(
    builder: &mut hyper_util::server::conn::auto::Builder<hyper_util::rt::TokioExecutor>,
    timeouts: HttpTimeouts,
) {
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.headers);
    builder
        .http2()
        .timer(TokioTimer::new())
        // WebSockets over HTTP/2 (RFC 8441): a browser opens the signaling socket inside the
        // connection its page came over, without a new TCP and TLS handshake.
        .enable_connect_protocol()
        .keep_alive_interval(timeouts.http2_keepalive)
        .keep_alive_timeout(timeouts.http2_keepalive * 2 / 3);
}

/// Binds a listening socket; an IPv6 wildcard also accepts IPv4, and falls back to the IPv4
/// wildcard on a host without IPv6.
pub fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    match bind(addr) {
        // A busy port or a privileged one would fail the same on IPv4: report those as they are.
        Err(error)
            if addr.ip() == std::net::Ipv6Addr::UNSPECIFIED
                && !matches!(
                    error.kind(),
                    std::io::ErrorKind::AddrInUse | std::io::ErrorKind::PermissionDenied
                ) =>
        {
            tracing::warn!("IPv6 is not available here; listening on IPv4 only");
            bind(SocketAddr::new(
                std::net::Ipv4Addr::UNSPECIFIED.into(),
                addr.port(),
            ))
        }
        result => result,
    }
}

fn bind(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    if addr.is_ipv6() {
        socket.set_only_v6(false)?;
    }
    socket.set_reuse_address(true)?;
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    socket.listen(1024)?;
    Ok(socket.into())
}
