//! The Confab server: HTTPS, the Leptos app, server functions and the signaling WebSocket.
//!
//! ## Layout
//! - [`config`]: command-line flags and environment variables.
//! - [`tls`]: the operator's certificate or a kept self-signed one; [`headers`]: security headers.
//! - [`site`]: the bundle and public assets, carried in the binary, precompressed and
//!   revalidated.
//! - [`net`]: this machine's names and addresses.
//! - [`hub`]: rooms, their hosts and delivery between their peers; [`outbox`]: the bounded
//!   queue from the hub to one connection; [`password`]: room
//!   passwords; [`resume`]: tokens for coming back after a dropped connection or a restart.
//! - [`rate`]: the token bucket behind the rate limits.
//! - [`join`]: the start page's join form without JavaScript; [`qr`]: a meeting link as a QR code.
//! - [`signaling`]: the WebSocket route, one task per connection; [`origin`]: which pages may
//!   open it; [`signal_frame`]: relaying a signal as the browser wrote it.
//! - [`turn`]: the embedded STUN/TURN server; [`ice`]: the ICE configuration (with TURN
//!   credentials) each participant is given.

pub mod api_status;
pub mod body_limit;
pub mod client_addr;
pub mod config;
pub mod data_dir;
pub mod fd_limit;
pub mod headers;
pub mod http;
pub mod hub;
pub mod ice;
pub mod join;
pub mod launch;
pub mod metrics;
pub mod net;
pub mod origin;
pub mod outbox;
pub mod password;
pub mod per_source;
pub mod qr;
pub mod rate;
pub mod redirect;
pub mod resume;
pub mod sfu;
pub mod signal_frame;
pub mod signaling;
pub mod site;
pub mod source;
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
    /// What each client (IPv4 address or IPv6 /64) holds and may still do.
    pub per_source: Arc<per_source::PerSource>,
    /// Reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: Arc<client_addr::TrustedProxies>,
    /// Where revoked resume tokens are kept across restarts (none: only in memory).
    pub revocations_file: Option<Arc<std::path::PathBuf>>,
    /// Where the bundle and public files are served from.
    pub site: site::Site,
    /// Counters and gauges for Prometheus.
    pub metrics: Arc<metrics::Metrics>,
    /// Serve `/metrics` on the main port to requests with this bearer token.
    pub metrics_token: Option<Arc<str>>,
    /// The forwarding unit, when the server runs one (`--media-port`).
    pub sfu: Option<sfu::shell::SfuHandle>,
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
        let state = AppState {
            leptos_options,
            hub: Arc::new(Hub::new(
                limits,
                key,
                tokio::time::Instant::now().into_std(),
            )),
            ice: Arc::new(ice),
            keepalive: signaling::Keepalive::default(),
            allowed_origins: Arc::new(Vec::new()),
            hsts: false,
            connections: Arc::new(Semaphore::new(DEFAULT_MAX_CONNECTIONS)),
            connection_limits: signaling::ConnectionLimits::default(),
            shutdown: Arc::new(watch::channel(false).0),
            hasher: password::Hasher::default(),
            per_source: per_source::PerSource::new(per_source::SourceLimits::default()),
            trusted_proxies: Arc::new(client_addr::TrustedProxies::default()),
            revocations_file: None,
            site: site::Site::Embedded,
            metrics: Arc::new(metrics::Metrics::new()),
            metrics_token: None,
            sfu: None,
        };
        state.start_ticking();
        state
    }

    /// Replaces the per-client limits.
    pub fn set_source_limits(&mut self, limits: per_source::SourceLimits) {
        self.per_source = per_source::PerSource::new(limits);
        self.start_ticking();
    }

    /// Calls [`Hub::tick`] and prunes per-client state every second (on tokio's clock, so a
    /// test that pauses time moves it), for as long as the state exists. Outside a runtime
    /// (a unit test rendering a page) nothing is due.
    fn start_ticking(&self) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        let hub = Arc::downgrade(&self.hub);
        let per_source = Arc::downgrade(&self.per_source);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(std::time::Duration::from_secs(1));
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let (Some(hub), Some(per_source)) = (hub.upgrade(), per_source.upgrade()) else {
                    return;
                };
                let now = tokio::time::Instant::now().into_std();
                hub.tick(now);
                per_source.prune(now);
            }
        });
    }

    /// Writes the host's removals (or, at shutdown, every revocation) to the data directory, so
    /// that they outlive a restart. Runs off the async threads; a failure is logged.
    pub fn keep_revocations(&self, now: std::time::Instant) {
        self.write_revocations(now, true);
    }

    /// Writes every revocation in force (members who left or timed out too), before returning:
    /// at shutdown.
    pub fn keep_all_revocations(&self, now: std::time::Instant) {
        if let Some(write) = self.revocations_writer(now, false) {
            write();
        }
    }

    fn write_revocations(&self, now: std::time::Instant, removals_only: bool) {
        let Some(write) = self.revocations_writer(now, removals_only) else {
            return;
        };
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => drop(runtime.spawn_blocking(write)),
            Err(_) => write(),
        }
    }

    fn revocations_writer(
        &self,
        now: std::time::Instant,
        removals_only: bool,
    ) -> Option<impl FnOnce() + Send + 'static> {
        let path = self.revocations_file.clone()?;
        let text = hub::revoked::encode(&self.hub.revocations(now, removals_only));
        Some(move || {
            if let Err(error) = data_dir::write(&path, text.as_bytes(), true) {
                tracing::error!(%error, "cannot keep the revoked resume tokens");
            }
        })
    }

    /// Closes every signaling connection with 1001 ("going away"), so clients reconnect.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

/// The document around the app, with a fresh Content-Security-Policy nonce for this response.
pub fn page_shell(options: LeptosOptions) -> impl IntoView {
    headers::provide_content_security_policy();
    provide_context(crate::i18n::RequestLocale(request_locale()));
    shell(options)
}

/// The language of the page being rendered: the one chosen in Settings (a cookie), else the
/// browser's `Accept-Language`.
fn request_locale() -> crate::i18n::Locale {
    let parts = use_context::<axum::http::request::Parts>();
    let header = |name| {
        parts
            .as_ref()
            .and_then(|parts| parts.headers.get(name))
            .and_then(|value| value.to_str().ok())
    };
    crate::i18n::Locale::for_request(
        header(axum::http::header::COOKIE),
        header(axum::http::header::ACCEPT_LANGUAGE),
    )
}

/// The server functions' view of the server.
impl crate::api::Meetings for AppState {
    fn create_room(&self) -> crate::protocol::RoomId {
        start::new_meeting(self)
    }

    fn ice_config(
        &self,
        room: &crate::protocol::RoomId,
        resume: &crate::protocol::Resume,
        host: Option<&str>,
    ) -> Result<crate::protocol::IceConfig, crate::api::ApiError> {
        let now = tokio::time::Instant::now().into_std();
        if !self.hub.is_member(room, resume, now) {
            return Err(crate::api::ApiError::NotMember);
        }
        Ok(self
            .ice
            .config_for(resume.id, host, std::time::SystemTime::now()))
    }
}

/// The metrics in Prometheus' text format, as a response.
pub fn metrics_response(metrics: &metrics::Metrics) -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics.render(),
    )
        .into_response()
}

/// `/metrics` on the main port: only with the bearer token (compared in constant time).
async fn metrics_with_token(
    axum::extract::State(state): axum::extract::State<AppState>,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let Some(token) = &state.metrics_token else {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    };
    let given = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let expected = token.as_bytes();
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected)
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return (
            axum::http::StatusCode::UNAUTHORIZED,
            [(axum::http::header::WWW_AUTHENTICATE, "Bearer")],
        )
            .into_response();
    }
    metrics_response(&state.metrics)
}

/// The whole HTTP application: pages, server functions, static files, signaling, health.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    Router::new()
        .route("/metrics", get(metrics_with_token))
        // GET for HTTP/1.1, CONNECT for a WebSocket over HTTP/2.
        .route(SIGNALING_PATH, any(signaling::upgrade))
        .route("/healthz", get(|| async { "ok" }))
        .route("/join", get(join::join))
        .route("/room/{id}/qr.svg", get(qr::meeting_qr))
        .route("/start", post(start::start))
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                let meetings = crate::api::MeetingsContext(Arc::new(state.clone()));
                move || {
                    provide_context(state.clone());
                    provide_context(meetings.clone());
                }
            },
            {
                let options = state.leptos_options.clone();
                move || page_shell(options.clone())
            },
        )
        .fallback_service(site::service(&state))
        .layer(axum::middleware::from_fn(api_status::set))
        .layer(axum::middleware::from_fn(body_limit::limit))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::map_response_with_state(
            Arc::new(headers::security_headers(state.hsts)),
            headers::add,
        ))
        .layer(axum::middleware::from_fn({
            let trusted = state.trusted_proxies.clone();
            move |request, next| client_addr::resolve(trusted.clone(), request, next)
        }))
        .with_state(state)
}
