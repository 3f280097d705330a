//! The `confab` binary: parses flags, sets up HTTPS and serves the app.

use clap::Parser;
use confab::server::config::Config;
use confab::server::http::HttpOptions;
use confab::server::hub::HubLimits;
use confab::server::ice::IceProvider;
use confab::server::net::LocalNames;
use confab::server::resume::ResumeKey;
use confab::server::turn::credentials::TurnSecret;
use confab::server::turn::{TurnOptions, TurnServer};
use confab::server::{AppState, router, tls};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;
use tracing_subscriber::EnvFilter;

/// The file in the data directory that keeps revoked resume tokens across restarts.
const REVOCATIONS_FILE: &str = "revoked-tokens.txt";

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::try_from_default_env()
                // The TURN engine logs an error for every packet it cannot use; the gate drops
                // those before they reach it and reports them once a minute instead.
                .unwrap_or_else(|_| EnvFilter::new("info,turn::server=off")),
        )
        .init();
    let config = Config::parse();
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("confab: {error}");
            ExitCode::FAILURE
        }
    }
}

/// A start-up failure, told to the operator as one sentence.
#[derive(Debug, thiserror::Error)]
enum StartError {
    #[error(
        "cannot read the Leptos settings from {path}: {reason} (run Confab from its project folder, or pass --leptos-config)"
    )]
    LeptosConfig { path: String, reason: String },
    #[error("{0}")]
    Tls(#[from] tls::TlsError),
    #[error("{0}")]
    DataDir(#[from] confab::server::data_dir::DataDirError),
    #[error("{0}")]
    Turn(#[from] confab::server::turn::TurnError),
    #[error("--ice-transport-policy relay needs a TURN server: drop --no-turn or add --turn-url")]
    RelayWithoutTurn,
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

async fn run(config: Config) -> Result<(), StartError> {
    let leptos_path = config.leptos_config.display().to_string();
    let leptos_options = leptos::prelude::get_configuration(Some(&leptos_path))
        .map_err(|error| StartError::LeptosConfig {
            path: leptos_path.clone(),
            reason: error.to_string(),
        })?
        .leptos_options;

    let names = LocalNames::discover();
    let (origin, server_config) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => {
            let certificate = tls::load_files(cert, key)?;
            let server_config = tls::server_config_for_files(&certificate, cert, key)?;
            (tls::Origin::Provided(cert.clone()), server_config)
        }
        _ => {
            let (certificate, origin) =
                tls::self_signed(&config.data_dir(), &names.certificate_names())?;
            (origin, tls::server_config(&certificate)?)
        }
    };

    let addr = SocketAddr::new(config.host, config.port);
    let listener =
        confab::server::http::listen(addr).map_err(|source| StartError::Listen { addr, source })?;

    let key = ResumeKey::load_or_create(&config.data_dir())?;
    let (ice, _turn) = ice_and_turn(&config).await?;
    let mut state = AppState::new(
        leptos_options,
        HubLimits {
            max_peers_per_room: usize::from(config.max_peers_per_room),
            max_rooms: config.max_rooms,
            max_rooms_per_source: config.max_rooms_per_address,
            ..HubLimits::default()
        },
        key,
        ice,
    );
    // After the TURN server's sockets are open: what is left of the open-file limit.
    let max_connections = confab::server::fd_limit::connection_limit(config.max_connections);
    state.connections = Arc::new(tokio::sync::Semaphore::new(max_connections));
    state.connection_limits.burst = config.messages_burst;
    state.connection_limits.refill =
        Duration::from_secs_f64(1.0 / f64::from(config.messages_per_second));
    state.allowed_origins = Arc::new(config.allowed_origins.clone());
    state.set_source_limits(config.source_limits());
    let revocations = config.data_dir().join(REVOCATIONS_FILE);
    if let Ok(text) = std::fs::read_to_string(&revocations) {
        let kept = confab::server::hub::revoked::decode(&text);
        tracing::info!(
            count = kept.len(),
            "revoked resume tokens kept from before the restart"
        );
        state
            .hub
            .restore_revocations(kept, tokio::time::Instant::now().into_std());
    }
    state.revocations_file = Some(Arc::new(revocations));
    state.hsts = matches!(origin, tls::Origin::Provided(_));
    let app = router(state.clone());

    match &origin {
        tls::Origin::Provided(path) => {
            tracing::info!(cert = %path.display(), "using the given certificate")
        }
        tls::Origin::Generated(path) => {
            tracing::info!(cert = %path.display(), "made a self-signed certificate for this machine's names and addresses")
        }
        tls::Origin::Reused(path) => {
            tracing::info!(cert = %path.display(), "reusing the self-signed certificate")
        }
    }
    println!("Confab is running. Open one of these in a browser:");
    for url in names.urls(config.port, config.host) {
        println!("  {url}");
    }
    if !matches!(origin, tls::Origin::Provided(_)) {
        println!("(The certificate is self-signed: each browser asks once to accept it.)");
    }

    let handle = axum_server::Handle::new();
    tokio::spawn(shutdown_on_signal(handle.clone(), state));
    let rustls = axum_server::tls_rustls::RustlsConfig::from_config(server_config);
    let options = HttpOptions {
        timeouts: config.http_timeouts(),
        connections_per_address: config.http_connections_per_address,
        trusted_proxies: Arc::new(Default::default()),
    };
    confab::server::http::serve_tls(listener, app, rustls, options, handle)
        .await
        .map_err(|source| StartError::Listen { addr, source })
}

/// Starts the embedded STUN/TURN server (unless --no-turn) and describes what participants get.
async fn ice_and_turn(config: &Config) -> Result<(IceProvider, Option<TurnServer>), StartError> {
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
    let relay_only = config.ice_transport_policy == "relay";
    if relay_only && turn.is_none() && config.turn_urls.is_empty() {
        return Err(StartError::RelayWithoutTurn);
    }
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
        relay_only,
    };
    Ok((ice, turn))
}

/// On SIGINT or SIGTERM: stops accepting, closes every signaling connection with 1001 (clients
/// reconnect and resume, to this process's successor), and gives open requests a moment.
async fn shutdown_on_signal(handle: axum_server::Handle<SocketAddr>, state: AppState) {
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
    tracing::info!("shutting down");
    state.begin_shutdown();
    state.keep_all_revocations(tokio::time::Instant::now().into_std());
    handle.graceful_shutdown(Some(Duration::from_secs(3)));
}
