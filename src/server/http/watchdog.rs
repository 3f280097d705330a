//! Keeps connections that do nothing from holding the server: every accepted connection is
//! counted against its client address (at most [`Watchdog::per_address`] at once) and closed once
//! it has had no request in flight for the idle timeout. A request is in flight from the moment
//! it arrives until its response body has been sent; a signaling WebSocket holds an
//! [`InFlight`] for as long as it is open (through the [`ConnectionActivity`] in its request's
//! extensions), so an open call is never idle.
//!
//! This covers what hyper's own timeouts do not: an HTTP/2 connection that never sends a request,
//! or keeps itself alive with pings; an HTTP/1.1 connection is also bounded by hyper's header
//! read timeout while it waits for a request.

use crate::server::client_addr::TrustedProxies;
use crate::server::source::Source;
use axum::body::Body;
use axum::http::{Request, Response};
use futures_util::future::BoxFuture;
use futures_util::task::AtomicWaker;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// What one connection is doing: requests in flight, and since when it has had none.
#[derive(Debug)]
pub struct Activity {
    in_flight: AtomicUsize,
    idle_since: Mutex<Instant>,
    /// The connection's reader, woken when the last request ends so that it starts its timer.
    reader: AtomicWaker,
}

impl Activity {
    fn new() -> Arc<Self> {
        Arc::new(Activity {
            in_flight: AtomicUsize::new(0),
            idle_since: Mutex::new(Instant::now()),
            reader: AtomicWaker::new(),
        })
    }

    /// Marks one more request (or WebSocket) in flight until the returned guard is dropped.
    pub fn begin(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        InFlight(Arc::clone(self))
    }

    /// When the connection became idle, if it is.
    fn idle_since(&self) -> Option<Instant> {
        (self.in_flight.load(Ordering::SeqCst) == 0).then(|| *crate::server::lock(&self.idle_since))
    }
}

/// A request or WebSocket in flight on a connection.
#[derive(Debug)]
pub struct InFlight(Arc<Activity>);

impl Drop for InFlight {
    fn drop(&mut self) {
        let activity = &self.0;
        // The time is written before the count drops, so a reader that sees zero sees it.
        *crate::server::lock(&activity.idle_since) = Instant::now();
        if activity.in_flight.fetch_sub(1, Ordering::SeqCst) == 1 {
            activity.reader.wake();
        }
    }
}

/// The activity of the connection a request came on, in the request's extensions.
#[derive(Clone, Debug)]
pub struct ConnectionActivity(pub Arc<Activity>);

/// Open connections per client address.
#[derive(Debug, Default)]
struct Counts(Mutex<HashMap<Source, usize>>);

/// One counted connection; dropping it gives its place back.
#[derive(Debug)]
struct Counted {
    counts: Arc<Counts>,
    source: Source,
}

impl Drop for Counted {
    fn drop(&mut self) {
        let mut counts = crate::server::lock(&self.counts.0);
        if let Some(n) = counts.get_mut(&self.source) {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.source);
            }
        }
    }
}

/// An acceptor that wraps another one (TLS, or none) with the per-address count and the idle
/// timeout.
#[derive(Clone, Debug)]
pub struct Watchdog<A> {
    /// The acceptor it wraps.
    pub inner: A,
    /// How long a connection may have no request in flight.
    pub idle: Duration,
    /// Connections one client address may hold (0: unlimited). Proxies the operator trusts are
    /// not limited (every client behind them shares their address).
    pub per_address: usize,
    /// The proxies exempt from the per-address limit.
    pub trusted: Arc<TrustedProxies>,
    /// Where to count TLS handshakes (the wrapped acceptor is TLS).
    pub handshakes: Option<Arc<crate::server::metrics::Metrics>>,
    counts: Arc<Counts>,
}

impl<A> Watchdog<A> {
    /// A watchdog around `inner`.
    pub fn new(inner: A, idle: Duration, per_address: usize, trusted: Arc<TrustedProxies>) -> Self {
        Watchdog {
            inner,
            idle,
            per_address,
            trusted,
            handshakes: None,
            counts: Arc::new(Counts::default()),
        }
    }

    /// Connections open from `source`.
    pub fn open_from(&self, source: Source) -> usize {
        crate::server::lock(&self.counts.0)
            .get(&source)
            .copied()
            .unwrap_or(0)
    }

    fn count(&self, peer: Option<SocketAddr>) -> Result<Option<Counted>, io::Error> {
        let Some(peer) = peer else {
            return Ok(None);
        };
        if self.per_address == 0 {
            return Ok(None);
        }
        if self.trusted.is_trusted(peer.ip()) {
            return Ok(None);
        }
        let source = Source::of_addr(peer);
        let mut counts = crate::server::lock(&self.counts.0);
        let open = counts.entry(source).or_insert(0);
        if *open >= self.per_address {
            tracing::debug!(%source, "too many connections from one address; refused");
            return Err(io::Error::other("too many connections from one address"));
        }
        *open += 1;
        Ok(Some(Counted {
            counts: Arc::clone(&self.counts),
            source,
        }))
    }
}

impl<A, S> axum_server::accept::Accept<tokio::net::TcpStream, S> for Watchdog<A>
where
    A: axum_server::accept::Accept<IdleStream<tokio::net::TcpStream>, Tracked<S>>
        + Clone
        + Send
        + 'static,
    A::Future: Send,
    S: Send + 'static,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = BoxFuture<'static, io::Result<(Self::Stream, Self::Service)>>;

    fn accept(&self, stream: tokio::net::TcpStream, service: S) -> Self::Future {
        let counted = self.count(stream.peer_addr().ok());
        // Small writes (signaling messages, the WebSocket upgrade answer, the end of a page) go
        // out at once instead of waiting for an acknowledgement (Nagle's algorithm).
        let _ = stream.set_nodelay(true);
        let inner = self.inner.clone();
        let idle = self.idle;
        let handshakes = self.handshakes.clone();
        Box::pin(async move {
            let counted = counted?;
            let activity = Activity::new();
            let stream = IdleStream {
                inner: stream,
                activity: Arc::clone(&activity),
                idle,
                timer: Box::pin(tokio::time::sleep(idle)),
                _counted: counted,
            };
            let tracked = Tracked {
                inner: service,
                activity,
            };
            let accepted = inner.accept(stream, tracked).await;
            if let Some(metrics) = handshakes {
                let result = if accepted.is_ok() { "ok" } else { "failed" };
                metrics
                    .handshakes
                    .get_or_create(&crate::server::metrics::ResultLabel { result })
                    .inc();
            }
            accepted
        })
    }
}

/// A connection's stream that fails its reads once the connection has been idle too long.
pub struct IdleStream<S> {
    inner: S,
    activity: Arc<Activity>,
    idle: Duration,
    timer: Pin<Box<Sleep>>,
    _counted: Option<Counted>,
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleStream<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Poll::Ready(result) = Pin::new(&mut this.inner).poll_read(cx, buf) {
            return Poll::Ready(result);
        }
        this.activity.reader.register(cx.waker());
        let Some(since) = this.activity.idle_since() else {
            return Poll::Pending;
        };
        let deadline = since + this.idle;
        if this.timer.deadline() != deadline {
            this.timer.as_mut().reset(deadline);
        }
        if this.timer.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "connection idle",
            )));
        }
        Poll::Pending
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleStream<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// A connection's service: marks each request in flight until its response body is sent, and
/// hands handlers the connection's [`ConnectionActivity`].
#[derive(Clone)]
pub struct Tracked<S> {
    inner: S,
    activity: Arc<Activity>,
}

impl<S, B> tower_service::Service<Request<B>> for Tracked<S>
where
    S: tower_service::Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response<Body>, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request<B>) -> Self::Future {
        let in_flight = self.activity.begin();
        request
            .extensions_mut()
            .insert(ConnectionActivity(Arc::clone(&self.activity)));
        let future = self.inner.call(request);
        Box::pin(async move {
            let response = future.await?;
            Ok(response.map(|body| Body::new(Guarded { body, in_flight })))
        })
    }
}

pin_project_lite::pin_project! {
    /// A response body that keeps its request in flight until it has been sent (or dropped).
    struct Guarded {
        #[pin]
        body: Body,
        in_flight: InFlight,
    }
}

impl http_body::Body for Guarded {
    type Data = bytes::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Self::Data>, Self::Error>>> {
        self.project().body.poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> http_body::SizeHint {
        self.body.size_hint()
    }
}
