//! The embedded STUN/TURN server: browsers that cannot reach each other directly (symmetric
//! NATs, UDP blocked) relay their media through it.
//!
//! The protocol engine is the `turn` crate (webrtc-rs); around it Confab adds what a public
//! server needs:
//! - [`credentials`]: short-lived credentials in coturn's REST-API form, checked statelessly;
//! - [`peers`]: the ranges the relay refuses (loopback, private, link-local, metadata, ...);
//! - [`gate`]: enforces those ranges, the allocation quotas and bandwidth, and answers the nonce
//!   handshake itself, in front of the engine; [`nonce`]: the nonces it hands out;
//! - [`channels`]: the engine's channel bindings as the gate saw them granted, so relayed media
//!   skips the engine (the fast path, in the gate and the relay sockets);
//! - [`flood`]: the rate of requests without valid credentials, and counts of what is dropped;
//! - [`usage`]: the per-user accounting behind the quota and bandwidth;
//! - [`relay`]: relay sockets from the configured port range;
//! - [`tcp`]: TURN over TCP, for networks that block UDP.

pub mod channels;
pub mod credentials;
pub mod flood;
pub mod gate;
pub mod nonce;
pub mod peers;
pub mod relay;
pub mod tcp;
pub mod usage;

use channels::Channels;
use credentials::{Authenticator, TurnSecret};
use gate::{Gate, Rules};
use peers::{Cidr, PeerPolicy};
use relay::RelayPorts;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use tokio::net::{TcpListener, UdpSocket};
use usage::{Usage, UsageLimits};

/// The realm in TURN messages (part of the long-term key).
pub const REALM: &str = "confab";

/// TURN-over-TCP connections held at once.
const MAX_TCP_CONNECTIONS: usize = 10_000;

/// Socket buffer asked for on the UDP listener: every client's packets queue here between two
/// reads, and bursts from many clients at once overflow the usual 208 KiB (about 90 packets).
/// The kernel caps it at `net.core.rmem_max` / `wmem_max`.
const LISTENER_BUFFER: usize = 4 << 20;

/// How the embedded server runs.
#[derive(Clone, Debug)]
pub struct TurnOptions {
    /// UDP and TCP listening address.
    pub listen: SocketAddr,
    /// The address peers reach relays at; guessed from the interfaces when `None`.
    pub external_ip: Option<IpAddr>,
    /// Relay ports, inclusive.
    pub relay_ports: (u16, u16),
    /// Ranges opened despite the deny list.
    pub allowed_peers: Vec<Cidr>,
    /// Quota and bandwidth per user.
    pub limits: UsageLimits,
    /// Checks credentials.
    pub secret: TurnSecret,
}

/// A running embedded STUN/TURN server.
pub struct TurnServer {
    /// The engine (dropping it would not stop its tasks; `close` does).
    engine: turn::server::Server,
    /// The UDP listening address.
    pub udp: SocketAddr,
    /// The TCP listening address.
    pub tcp: SocketAddr,
    /// The address written into allocations.
    pub relay_ip: IpAddr,
    /// Whether `relay_ip` was guessed (no `--turn-external-ip`).
    pub guessed: bool,
    /// Per-user accounting.
    pub usage: Arc<Usage>,
    /// What the gate enforces, and what it has dropped.
    pub rules: Arc<Rules>,
    /// The channel bindings the gate relays without the engine, and how much it relayed.
    pub channels: Arc<Channels>,
}

/// The embedded server could not start.
#[derive(Debug, thiserror::Error)]
pub enum TurnError {
    #[error("cannot listen for STUN/TURN on {addr}: {source} (pass --turn-listen, or --no-turn)")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("the TURN server did not start: {0}")]
    Engine(#[from] turn::Error),
}

impl TurnServer {
    /// Binds UDP and TCP (on the same port) and starts relaying.
    pub async fn start(options: TurnOptions) -> Result<Self, TurnError> {
        let (udp, tcp) = bind_listeners(options.listen).await?;
        let udp_addr = udp[0].local_addr().map_err(|source| TurnError::Listen {
            addr: options.listen,
            source,
        })?;
        let tcp_addr = tcp.local_addr().map_err(|source| TurnError::Listen {
            addr: options.listen,
            source,
        })?;
        let (relay_ip, bind_ip, guessed) = relay_addresses(&options);
        let policy = Arc::new(PeerPolicy::allowing(options.allowed_peers.clone()));
        let usage = Arc::new(Usage::new(options.limits));
        let rules = Arc::new(Rules::new(
            Arc::new(Authenticator {
                secret: options.secret.clone(),
            }),
            REALM.to_owned(),
            Arc::clone(&policy),
            Arc::clone(&usage),
        ));
        let channels = Arc::new(Channels::default());
        let ports = || -> Box<dyn turn::relay::RelayAddressGenerator + Send + Sync> {
            Box::new(RelayPorts {
                advertised: relay_ip,
                bind: bind_ip,
                min: options.relay_ports.0,
                max: options.relay_ports.1,
                policy: Arc::clone(&policy),
                channels: Arc::clone(&channels),
                usage: Arc::clone(&usage),
            })
        };
        let tcp = tcp::StreamListener::new(tcp, MAX_TCP_CONNECTIONS).map_err(|source| {
            TurnError::Listen {
                addr: options.listen,
                source,
            }
        })?;
        let (closed_tx, mut closed_rx) = tokio::sync::mpsc::channel(1024);
        // One engine loop per listener; the kernel keeps each client on one UDP socket. The
        // fast path is for UDP clients only.
        let listeners = udp
            .into_iter()
            .map(|socket| {
                let socket = Arc::new(socket) as Arc<dyn util::Conn + Send + Sync>;
                Gate::new(socket, Arc::clone(&rules)).with_channels(Arc::clone(&channels))
            })
            .chain([Gate::new(Arc::new(tcp), Arc::clone(&rules))]);
        let engine = turn::server::Server::new(turn::server::config::ServerConfig {
            conn_configs: listeners
                .map(|gate| turn::server::config::ConnConfig {
                    conn: Arc::new(gate),
                    relay_addr_generator: ports(),
                })
                .collect(),
            realm: REALM.to_owned(),
            auth_handler: rules.auth.clone(),
            channel_bind_timeout: std::time::Duration::ZERO,
            alloc_close_notify: Some(closed_tx),
        })
        .await?;
        tokio::spawn(report_drops(Arc::downgrade(&rules)));
        let closed = Arc::clone(&usage);
        let fast = Arc::clone(&channels);
        tokio::spawn(async move {
            while let Some(info) = closed_rx.recv().await {
                closed.closed(info.five_tuple.src_addr);
                fast.closed(info.five_tuple.src_addr);
            }
        });
        Ok(TurnServer {
            engine,
            udp: udp_addr,
            tcp: tcp_addr,
            relay_ip,
            guessed,
            usage,
            rules,
            channels,
        })
    }

    /// Stops listening and drops every allocation.
    pub async fn close(&self) {
        let _ = self.engine.close().await;
    }
}

/// Writes one line a minute about the packets the gate dropped, if it dropped any, while the
/// server runs.
async fn report_drops(rules: std::sync::Weak<Rules>) {
    let mut last = [0; 3];
    let mut minutes = tokio::time::interval(std::time::Duration::from_secs(60));
    minutes.tick().await;
    loop {
        minutes.tick().await;
        let Some(rules) = rules.upgrade() else {
            return;
        };
        if let Some(line) = rules.flood.report(&mut last) {
            tracing::info!("{line}");
        }
    }
}

/// Binds one UDP socket per CPU (sharing the port, as coturn does: the engine handles each
/// socket's packets in one task) and a TCP listener, all on the same port (for port 0, the port
/// the first UDP socket was given).
async fn bind_listeners(listen: SocketAddr) -> Result<(Vec<UdpSocket>, TcpListener), TurnError> {
    let error = |source| TurnError::Listen {
        addr: listen,
        source,
    };
    let count = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut last = None;
    for _ in 0..if listen.port() == 0 { 10 } else { 1 } {
        let first = bind_udp(listen, LISTENER_BUFFER, true).map_err(error)?;
        let addr = first.local_addr().map_err(error)?;
        let mut udp = vec![first];
        for _ in 1..count {
            udp.push(bind_udp(addr, LISTENER_BUFFER, true).map_err(error)?);
        }
        match TcpListener::bind(addr).await {
            Ok(tcp) => return Ok((udp, tcp)),
            Err(source) => last = Some(source),
        }
    }
    Err(error(last.expect("at least one attempt")))
}

/// A non-blocking UDP socket with (at most) `buffer` bytes of send and receive buffer; with
/// `shared`, other sockets of this process may bind the same port.
pub(crate) fn bind_udp(
    addr: SocketAddr,
    buffer: usize,
    shared: bool,
) -> std::io::Result<UdpSocket> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, None)?;
    if shared {
        socket.set_reuse_port(true)?;
    }
    // Best effort: a smaller buffer only means more drops under bursts.
    let _ = socket.set_recv_buffer_size(buffer);
    let _ = socket.set_send_buffer_size(buffer);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    UdpSocket::from_std(socket.into())
}

/// The address written into allocations, the one relay sockets bind, and whether the first was
/// guessed.
fn relay_addresses(options: &TurnOptions) -> (IpAddr, IpAddr, bool) {
    let listen = options.listen.ip();
    let unspecified = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let bind = if listen.is_unspecified() {
        unspecified
    } else {
        listen
    };
    if let Some(external) = options.external_ip {
        return (external, bind, false);
    }
    if !listen.is_unspecified() {
        return (listen, listen, false);
    }
    (crate::server::net::guess_ipv4(), bind, true)
}
