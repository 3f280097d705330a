//! Starting and stopping the `confab` server process: the certificate (the operator's files, an
//! ACME certificate or a self-signed one), the listeners (HTTPS, or plain HTTP behind a proxy;
//! the redirecting HTTP port; metrics), the embedded TURN server, signals, and telling systemd.
//!
//! Signals: SIGHUP (what `systemctl reload` sends) reads the certificate files again; SIGTERM or
//! Ctrl-C stop accepting, tell every signaling connection to reconnect (1001: the browsers
//! resume, on this server's successor), keep the revoked resume tokens, and exit once open
//! requests are done or the grace time (`--shutdown-grace`) is up.

use super::config::Config;
use super::data_dir::DataDirError;
use super::http::{self, HttpOptions};
use super::hub::{HubLimits, MediaPolicy};
use super::ice::IceProvider;
use super::metrics::Metrics;
use super::net::LocalNames;
use super::resume::ResumeKey;
use super::sfu::SfuLimits;
use super::sfu::shell::SfuHandle;
use super::site::{self, Site};
use super::tls::acme::{self, AcmeOptions, HttpChallenges};
use super::tls::files::CertFiles;
use super::tls::self_signed::{self, Made};
use super::tls::store::{CertStore, Source};
use super::tls::{self, TlsError};
use super::turn::credentials::TurnSecret;
use super::turn::{TurnError, TurnOptions, TurnServer};
use super::{AppState, client_addr::TrustedProxies, redirect, router};
use axum::Router;
use axum_server::Handle;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The file in the data directory that keeps revoked resume tokens across restarts.
pub const REVOCATIONS_FILE: &str = "revoked-tokens.txt";

/// A start-up failure, told to the operator as one sentence.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The settings are wrong.
    #[error("{0}")]
    Config(String),
    /// The Leptos settings cannot be read.
    #[error("{0}")]
    Settings(#[from] site::SettingsError),
    /// No certificate can be served.
    #[error("{0}")]
    Tls(#[from] TlsError),
    /// The data directory cannot be used.
    #[error("{0}")]
    DataDir(#[from] DataDirError),
    /// The TURN server did not start.
    #[error("{0}")]
    Turn(#[from] TurnError),
    /// A listener could not be opened.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Runs the server until it is told to stop.
pub async fn run(config: Config) -> Result<(), LaunchError> {
    let problems = config.problems();
    if !problems.is_empty() {
        return Err(LaunchError::Config(problems.join("; ")));
    }
    let site = config.site_dir.clone().map_or(Site::Embedded, Site::Dir);
    let leptos_options = site::leptos_options(&site)?;
    if site == Site::Embedded && !site::has_bundle(&leptos_options) {
        tracing::warn!(
            "this binary carries no browser bundle (it was built without `cargo leptos build --release`): pages will not work; pass --site-dir target/site"
        );
    }
    let data_dir = config.data_dir();
    let names = LocalNames::discover();
    let challenges = Arc::new(HttpChallenges::default());
    let (reload_tx, reload_rx) = mpsc::channel(1);
    let store = if config.behind_proxy {
        None
    } else {
        Some(certificate(&config, &names, Arc::clone(&challenges), reload_rx).await?)
    };

    let key = ResumeKey::load_or_create(&data_dir)?;
    let (ice, turn) = ice_and_turn(&config).await?;
    let mut state = AppState::new(
        leptos_options,
        HubLimits {
            max_peers_per_room: usize::from(config.max_peers_per_room),
            max_rooms: config.max_rooms,
            max_rooms_per_source: config.max_rooms_per_address,
            waiting_room: config.waiting_room,
            media: config.media_policy(),
            ..HubLimits::default()
        },
        key,
        ice,
    );
    // After the TURN server's sockets are open: what is left of the open-file limit.
    let max_connections = super::fd_limit::connection_limit(config.max_connections);
    state.connections = Arc::new(tokio::sync::Semaphore::new(max_connections));
    state.connection_limits.burst = config.messages_burst;
    state.connection_limits.refill =
        Duration::from_secs_f64(1.0 / f64::from(config.messages_per_second));
    state.allowed_origins = Arc::new(config.allowed_origins.clone());
    state.set_source_limits(config.source_limits());
    state.trusted_proxies = Arc::new(TrustedProxies(config.trusted_proxies()));
    state.site = site;
    state.metrics_token = config.metrics_token.as_deref().map(Arc::from);
    state.sfu = forwarding_unit(&config).await?;
    restore_revocations(&mut state, &data_dir);
    state.hsts = store
        .as_ref()
        .is_some_and(|s| s.source() != Source::SelfSigned)
        || config.behind_proxy
        || !config.acme_domains.is_empty();
    let metrics = Arc::new(Metrics::new());
    metrics.watch_hub(&state.hub);
    metrics.watch_connections(Arc::clone(&state.connections), max_connections);
    if let Some(store) = &store {
        metrics.watch_certificate(Arc::clone(store));
    }
    if let Some(turn) = &turn {
        metrics.watch_turn(&turn.rules, &turn.channels);
    }
    if let Some(sfu) = &state.sfu {
        metrics.watch_sfu(sfu.counters());
    }
    state.metrics = Arc::clone(&metrics);
    let app = router(state.clone());

    let options = HttpOptions {
        timeouts: config.http_timeouts(),
        connections_per_address: config.http_connections_per_address,
        trusted_proxies: Arc::clone(&state.trusted_proxies),
    };
    let addr = SocketAddr::new(config.host, config.port);
    let listener = http::listen(addr).map_err(|source| LaunchError::Listen { addr, source })?;
    let plain = match config.http_port {
        Some(port) => {
            let addr = SocketAddr::new(config.host, port);
            Some(http::listen(addr).map_err(|source| LaunchError::Listen { addr, source })?)
        }
        None => None,
    };
    let scrape = match config.metrics_listen {
        Some(addr) => {
            Some(http::listen(addr).map_err(|source| LaunchError::Listen { addr, source })?)
        }
        None => None,
    };

    announce(&config, &names, store.as_deref());
    let handle = Handle::new();
    tokio::spawn(forward_sighup(reload_tx));
    tokio::spawn(stop_on_signal(
        handle.clone(),
        state.clone(),
        Duration::from_secs(config.shutdown_grace),
    ));

    let main = async {
        match &store {
            Some(store) => {
                let tls = tls::server_config(Arc::clone(store), !config.acme_domains.is_empty())?;
                let rustls = axum_server::tls_rustls::RustlsConfig::from_config(tls);
                http::serve_tls(
                    listener,
                    app,
                    rustls,
                    options.clone(),
                    handle.clone(),
                    metrics.clone(),
                )
                .await
                .map_err(|source| LaunchError::Listen { addr, source })
            }
            None => http::serve_plain(listener, app, options.clone(), handle.clone())
                .await
                .map_err(|source| LaunchError::Listen { addr, source }),
        }
    };
    let redirecting = async {
        let Some(listener) = plain else { return Ok(()) };
        let addr = listener.local_addr().ok().unwrap_or(addr);
        let redirect = redirect::router(redirect::Redirect {
            https_port: config.port,
            challenges: Arc::clone(&challenges),
        });
        http::serve_plain(listener, redirect, options.clone(), handle.clone())
            .await
            .map_err(|source| LaunchError::Listen { addr, source })
    };
    let scraping = async {
        let Some(listener) = scrape else {
            return Ok(());
        };
        let addr = listener.local_addr().ok().unwrap_or(addr);
        let app = metrics_router(Arc::clone(&metrics));
        http::serve_plain(listener, app, options.clone(), handle.clone())
            .await
            .map_err(|source| LaunchError::Listen { addr, source })
    };
    let ready = async {
        // Every listener is bound: systemd (Type=notify) may consider the service started.
        let _ = sd_notify::notify(&[sd_notify::NotifyState::Ready]);
        Ok::<(), LaunchError>(())
    };
    tokio::try_join!(main, redirecting, scraping, ready)?;
    if let Some(turn) = turn {
        turn.close().await;
    }
    Ok(())
}

/// The certificate store: the operator's files (watched), the ACME certificate (obtained and
/// renewed in the background), or the self-signed one.
async fn certificate(
    config: &Config,
    names: &LocalNames,
    challenges: Arc<HttpChallenges>,
    reloads: mpsc::Receiver<()>,
) -> Result<Arc<CertStore>, LaunchError> {
    let data_dir = config.data_dir();
    if let (Some(cert), Some(key)) = (&config.tls_cert, &config.tls_key) {
        let files = CertFiles {
            cert: cert.clone(),
            key: key.clone(),
        };
        let (certified, validity) = files.load()?;
        tracing::info!(cert = %cert.display(), valid_until = %tls::files::humantime(validity.not_after), "using the given certificate; SIGHUP or a change to the files reloads it");
        let store = CertStore::new(certified, Source::Files, Some(validity.not_after));
        tokio::spawn(files.watch(Arc::clone(&store), reloads, tls::files::POLL_EVERY));
        return Ok(store);
    }
    let (certificate, made) = self_signed::self_signed(&data_dir, &names.certificate_names())?;
    match &made {
        Made::Generated(path) => {
            tracing::info!(cert = %path.display(), "made a self-signed certificate for this machine's names and addresses")
        }
        Made::Reused(path) => {
            tracing::info!(cert = %path.display(), "reusing the self-signed certificate")
        }
    }
    let path = match &made {
        Made::Generated(path) | Made::Reused(path) => path.clone(),
    };
    let validity = certificate.validity(&path).ok().map(|v| v.not_after);
    let store = CertStore::new(
        certificate.certified_key(&path, &path)?,
        Source::SelfSigned,
        validity,
    );
    if let Some(directory) = config.acme_directory() {
        let options = AcmeOptions {
            domains: config.acme_domains.clone(),
            email: config.acme_email.clone(),
            directory,
            directory_root: config.acme_directory_root.clone(),
            data_dir,
            http01: config.http_port.is_some(),
        };
        if options.stored().is_none() {
            tracing::warn!(
                names = %options.domains.join(", "),
                "no ACME certificate yet: serving the self-signed one until it arrives"
            );
        }
        tokio::spawn(acme::run(options, Arc::clone(&store), challenges));
    }
    Ok(store)
}

/// Revoked resume tokens kept from before a restart; and where to keep them from now on.
fn restore_revocations(state: &mut AppState, data_dir: &std::path::Path) {
    let path = data_dir.join(REVOCATIONS_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let kept = super::hub::revoked::decode(&text);
        tracing::info!(
            count = kept.len(),
            "revoked resume tokens kept from before the restart"
        );
        state
            .hub
            .restore_revocations(kept, tokio::time::Instant::now().into_std());
    }
    state.revocations_file = Some(Arc::new(path));
}

/// Prints where to open Confab.
fn announce(config: &Config, names: &LocalNames, store: Option<&CertStore>) {
    if config.behind_proxy {
        println!(
            "Confab is running behind a reverse proxy on http://{}",
            SocketAddr::new(config.host, config.port)
        );
        return;
    }
    println!("Confab is running. Open one of these in a browser:");
    if config.acme_domains.is_empty() {
        for url in names.urls(config.port, config.host) {
            println!("  {url}");
        }
    } else {
        let port = if config.port == 443 {
            String::new()
        } else {
            format!(":{}", config.port)
        };
        for domain in &config.acme_domains {
            println!("  https://{domain}{port}");
        }
    }
    if store.is_some_and(|s| s.source() == Source::SelfSigned) && config.acme_domains.is_empty() {
        println!("(The certificate is self-signed: each browser asks once to accept it.)");
    }
}

/// Starts the forwarding unit, with --media sfu.
async fn forwarding_unit(config: &Config) -> Result<Option<SfuHandle>, LaunchError> {
    if config.media_policy() == MediaPolicy::Mesh {
        return Ok(None);
    }
    let addr = config.media_listen;
    let listen_error = |source| LaunchError::Listen { addr, source };
    let socket = tokio::net::UdpSocket::bind(addr)
        .await
        .map_err(listen_error)?;
    let local = socket.local_addr().map_err(listen_error)?;
    let advertised = match config.media_external_ip {
        Some(ip) => SocketAddr::new(ip, local.port()),
        None if local.ip().is_unspecified() => {
            let guess = SocketAddr::new(super::net::guess_ipv4(), local.port());
            tracing::warn!(
                "media address guessed as {guess}; browsers outside this network reach it only if that is this server's public address (pass --media-external-ip)"
            );
            guess
        }
        None => local,
    };
    tracing::info!(%local, %advertised, "forwarding unit listening for media");
    Ok(Some(SfuHandle::start(
        socket,
        advertised,
        SfuLimits::default(),
    )))
}

/// Starts the embedded STUN/TURN server (unless --no-turn) and describes what participants get.
async fn ice_and_turn(config: &Config) -> Result<(IceProvider, Option<TurnServer>), LaunchError> {
    let secret = match &config.turn_secret {
        Some(secret) => TurnSecret::new(secret.clone()),
        None => TurnSecret::load_or_create(&config.data_dir())?,
    };
    let turn = if config.no_turn {
        None
    } else {
        let server = TurnServer::start(TurnOptions {
            listen: config.turn_listen,
            external_ip: config.turn_external_ip,
            relay_ports: config.turn_relay_ports,
            allowed_peers: config.turn_allow_peers.clone(),
            limits: config.turn_limits(),
            secret: secret.clone(),
        })
        .await?;
        tracing::info!(udp = %server.udp, tcp = %server.tcp, relay = %server.relay_ip, "STUN/TURN server listening");
        if server.guessed {
            tracing::warn!(
                "TURN relay address guessed as {}; browsers outside this network reach relays only if that is this server's public address (pass --turn-external-ip)",
                server.relay_ip
            );
        }
        Some(server)
    };
    let ice = IceProvider {
        plain: config.plain_ice_urls(),
        external_turn: config.turn_urls.clone(),
        embedded: turn.as_ref().map(|server| {
            (
                server.udp.port(),
                config.turn_external_ip.map(|ip| ip.to_string()),
            )
        }),
        secret: Some(secret),
        ttl: Duration::from_secs(config.turn_ttl),
        relay_only: config.ice_transport_policy == super::config::IcePolicy::Relay,
    };
    Ok((ice, turn))
}

/// The metrics listener's router.
pub fn metrics_router(metrics: Arc<Metrics>) -> Router {
    Router::new().route(
        "/metrics",
        axum::routing::get(move || {
            let metrics = Arc::clone(&metrics);
            async move { super::metrics_response(&metrics) }
        }),
    )
}

/// SIGHUP asks for the certificate files to be read again (and nothing else stops the server).
async fn forward_sighup(reloads: mpsc::Sender<()>) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut hangups) = signal(SignalKind::hangup()) else {
            return;
        };
        while hangups.recv().await.is_some() {
            if reloads.try_send(()).is_err() && reloads.is_closed() {
                tracing::info!("SIGHUP: no certificate files to read again");
            }
        }
    }
    #[cfg(not(unix))]
    let _ = reloads;
}

/// On SIGINT or SIGTERM: stops accepting, closes every signaling connection with 1001 (clients
/// reconnect and resume, to this process's successor), keeps the revoked tokens, and gives open
/// requests `grace` to finish.
async fn stop_on_signal(handle: Handle<SocketAddr>, state: AppState, grace: Duration) {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down; browsers will reconnect to the next server");
    let _ = sd_notify::notify(&[sd_notify::NotifyState::Stopping]);
    state.begin_shutdown();
    state.keep_all_revocations(tokio::time::Instant::now().into_std());
    handle.graceful_shutdown(Some(grace));
}
