//! The Confab server: HTTPS, the Leptos app, server functions and the signaling WebSocket.
//!
//! ## Layout
//! - [`config`]: command-line flags and environment variables.
//! - [`tls`]: the operator's certificate or a kept self-signed one; [`headers`]: security headers.
//! - [`files`]: the bundle and public assets, precompressed and revalidated.
//! - [`net`]: this machine's names and addresses.
//! - [`hub`]: rooms, their hosts and delivery between their peers; [`outbox`]: the bounded
//!   queue from the hub to one connection; [`password`]: room
//!   passwords; [`resume`]: tokens for coming back after a dropped connection or a restart.
//! - [`rate`]: the token bucket behind the rate limits.
//! - [`join`]: the start page's join form without JavaScript.
//! - [`signaling`]: the WebSocket route, one task per connection; [`origin`]: which pages may
//!   open it; [`signal_frame`]: relaying a signal as the browser wrote it.
//! - [`turn`]: the embedded STUN/TURN server; [`ice`]: the ICE configuration (with TURN
//!   credentials) each participant is given.

pub mod config;
pub mod fd_limit;
pub mod files;
pub mod headers;
pub mod hub;
pub mod ice;
pub mod join;
pub mod net;
pub mod origin;
pub mod outbox;
pub mod password;
pub mod rate;
pub mod resume;
pub mod signal_frame;
pub mod signaling;
pub mod start;
pub mod tls;
pub mod turn;

use crate::app::{App, shell};
use crate::protocol::SIGNALING_PATH;
use axum::Router;
use axum::extract::FromRef;
use axum::routing::{any, get, post};
use hub::{Hub, HubLimits};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use resume::ResumeKey;
use std::sync::Arc;
use tokio::sync::{Semaphore, watch};

/// Signaling connections held at once unless configured otherwise.
pub const DEFAULT_MAX_CONNECTIONS: usize = 10_000;

/// Largest HTTP request body accepted (server functions take a few small arguments); a larger
/// one gets 413.
pub const MAX_REQUEST_BODY_BYTES: usize = 16 * 1024;

/// Longest a request may take to be answered (the WebSocket upgrade answers at once and is not
/// limited afterwards); a slower one gets 408.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Locks a mutex that guards plain data: a panic elsewhere while holding it leaves nothing half
/// done that later users could not cope with, so a poisoned lock is used as it is.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Everything request handlers and server functions share.
#[derive(Clone, Debug)]
pub struct AppState {
    /// Leptos runtime settings (site root, output name).
    pub leptos_options: LeptosOptions,
    /// The rooms.
    pub hub: Arc<Hub>,
    /// Writes each participant's ICE configuration.
    pub ice: Arc<ice::IceProvider>,
    /// Keepalive timings of signaling connections.
    pub keepalive: signaling::Keepalive,
    /// Origins besides this server's own whose pages may open signaling connections.
    pub allowed_origins: Arc<Vec<String>>,
    /// Send HSTS: the certificate is the operator's, not self-signed.
    pub hsts: bool,
    /// One permit per signaling connection; none left means the server is full.
    pub connections: Arc<Semaphore>,
    /// Rate and idle limits of each signaling connection.
    pub connection_limits: signaling::ConnectionLimits,
    /// Becomes `true` when the server shuts down: every signaling connection closes with 1001.
    pub shutdown: Arc<watch::Sender<bool>>,
    /// Hashes room passwords, a few at a time.
    pub hasher: password::Hasher,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// State for a server with the given settings.
    pub fn new(
        leptos_options: LeptosOptions,
        limits: HubLimits,
        key: ResumeKey,
        ice: ice::IceProvider,
    ) -> Self {
        AppState {
            leptos_options,
            hub: Arc::new(Hub::new(limits, key)),
            ice: Arc::new(ice),
            keepalive: signaling::Keepalive::default(),
            allowed_origins: Arc::new(Vec::new()),
            hsts: false,
            connections: Arc::new(Semaphore::new(DEFAULT_MAX_CONNECTIONS)),
            connection_limits: signaling::ConnectionLimits::default(),
            shutdown: Arc::new(watch::channel(false).0),
            hasher: password::Hasher::default(),
        }
    }

    /// Closes every signaling connection with 1001 ("going away"), so clients reconnect.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

/// The whole HTTP application: pages, server functions, static files, signaling, health.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        // GET for HTTP/1.1, CONNECT for a WebSocket over HTTP/2.
        .route(SIGNALING_PATH, any(signaling::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/join", get(join::join))
        .route("/start", post(start::start))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback_service(files::service(&state))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            MAX_REQUEST_BODY_BYTES,
        ))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response_with_state(
            Arc::new(headers::security_headers(state.hsts)),
            headers::add,
        ))
        .with_state(state)
}
