//! Command-line flags, environment variables and the configuration file of the `confab`
//! binary. Every flag can be set three ways, in this order of precedence: on the command line,
//! by its environment variable (`CONFAB_…`), in the TOML file given with `--config` under the
//! flag's name (`port = 443`, `acme-domain = ["meet.example.org"]`). See [`file`] for the file.

pub mod file;

use super::hub::MediaPolicy;
use super::turn::peers::Cidr;
use clap::Parser;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

/// Which routes browsers may use for media.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum IcePolicy {
    /// Direct connections where possible, TURN where not.
    All,
    /// Always through TURN: participants never learn each other's addresses.
    Relay,
}

/// Confab: a video-call server and web app in one program.
///
/// Start it, open one of the printed links, and share the meeting link.
#[derive(Parser, Debug, Clone)]
#[command(version, about, long_about = None)]
pub struct Config {
    /// A TOML file with settings under the flags' names (`port = 443`); flags and environment
    /// variables override it. `confab check-config` prints what is in effect.
    #[arg(long, env = "CONFAB_CONFIG")]
    pub config: Option<PathBuf>,

    /// Address to listen on; `::` means every interface (IPv6 and IPv4).
    #[arg(long, env = "CONFAB_HOST", default_value = "::")]
    pub host: IpAddr,

    /// HTTPS port (plain HTTP with --behind-proxy).
    #[arg(long, env = "CONFAB_PORT", default_value_t = 3000)]
    pub port: u16,

    /// PEM certificate chain (e.g. Let's Encrypt's fullchain.pem). Read again on SIGHUP and
    /// when it changes. Without it (and without --acme-domain), Confab makes and keeps a
    /// self-signed certificate for this machine's names and addresses.
    #[arg(
        long,
        env = "CONFAB_TLS_CERT",
        requires = "tls_key",
        conflicts_with = "acme_domains"
    )]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert (e.g. Let's Encrypt's privkey.pem).
    #[arg(long, env = "CONFAB_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// A name to get a certificate for from an ACME server (Let's Encrypt), which must reach
    /// this server on the HTTPS port (or on --http-port); repeat the flag, or separate with
    /// commas.
    #[arg(
        long = "acme-domain",
        env = "CONFAB_ACME_DOMAINS",
        value_delimiter = ','
    )]
    pub acme_domains: Vec<String>,

    /// An email address for the ACME account: the certificate authority writes to it about
    /// expiring certificates and changes to its terms.
    #[arg(long, env = "CONFAB_ACME_EMAIL", requires = "acme_domains")]
    pub acme_email: Option<String>,

    /// The ACME directory URL. Default: Let's Encrypt (or its staging server with
    /// --acme-staging).
    #[arg(long, env = "CONFAB_ACME_DIRECTORY", requires = "acme_domains")]
    pub acme_directory: Option<String>,

    /// Use Let's Encrypt's staging server (certificates browsers do not trust; for trying the
    /// set-up without hitting rate limits).
    #[arg(long, env = "CONFAB_ACME_STAGING", conflicts_with = "acme_directory")]
    pub acme_staging: bool,

    /// A CA certificate (PEM) to trust for the ACME directory's HTTPS, for a private or test
    /// ACME server (e.g. Pebble).
    #[arg(long, env = "CONFAB_ACME_DIRECTORY_ROOT", requires = "acme_domains")]
    pub acme_directory_root: Option<PathBuf>,

    /// A plain HTTP port that redirects every request to HTTPS with 308 (and answers ACME HTTP-01
    /// challenges). Off unless given; 80 is the usual one.
    #[arg(long, env = "CONFAB_HTTP_PORT")]
    pub http_port: Option<u16>,

    /// Serve plain HTTP on --host/--port behind a reverse proxy that terminates TLS (nginx,
    /// Caddy): no certificate here, and the client address comes from the proxy's
    /// X-Forwarded-For. Use with a loopback --host.
    #[arg(long, env = "CONFAB_BEHIND_PROXY", conflicts_with_all = ["tls_cert", "acme_domains", "http_port"])]
    pub behind_proxy: bool,

    /// A proxy (address or range) whose X-Forwarded-For names the client; repeat the flag, or
    /// separate with commas. With --behind-proxy the default is loopback (127.0.0.1, ::1).
    #[arg(
        long = "trusted-proxy",
        env = "CONFAB_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpNet>,

    /// Where to serve Prometheus metrics (plain HTTP, e.g. 127.0.0.1:9090); off unless given.
    #[arg(long, env = "CONFAB_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,

    /// Serve metrics at /metrics on the main port too, to requests carrying
    /// `Authorization: Bearer <this token>`.
    #[arg(long, env = "CONFAB_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,

    /// Serve the site (bundle, CSS, public files) from this folder instead of the copy inside
    /// the binary (development).
    #[arg(long, env = "CONFAB_SITE_DIR")]
    pub site_dir: Option<PathBuf>,

    /// Seconds a stopping server (SIGTERM) gives open requests before it exits; signaling
    /// connections are told at once to reconnect (to the server's successor).
    #[arg(long, env = "CONFAB_SHUTDOWN_GRACE", default_value_t = 5,
          value_parser = clap::value_parser!(u64).range(1..=600))]
    pub shutdown_grace: u64,

    /// Where Confab keeps its generated certificate. Default: $XDG_DATA_HOME/confab or
    /// ~/.local/share/confab.
    #[arg(long, env = "CONFAB_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Another STUN URL handed to browsers as it is (repeat the flag, or separate with commas).
    /// The embedded STUN/TURN server is always handed out unless --no-turn.
    #[arg(long = "ice-server", env = "CONFAB_ICE_SERVERS", value_delimiter = ',')]
    pub ice_servers: Vec<String>,

    /// Do not run the embedded STUN/TURN server. Browsers behind strict NATs or firewalls then
    /// need another TURN server (--turn-url) to reach each other.
    #[arg(long, env = "CONFAB_NO_TURN")]
    pub no_turn: bool,

    /// Where the embedded STUN/TURN server listens, on UDP and TCP.
    #[arg(long, env = "CONFAB_TURN_LISTEN", default_value = "0.0.0.0:3478")]
    pub turn_listen: SocketAddr,

    /// This server's public IP address, written into relay allocations. Without it Confab uses
    /// the --turn-listen address, or guesses from its interfaces and says so; behind a NAT (most
    /// cloud machines) give the public address.
    #[arg(long, env = "CONFAB_TURN_EXTERNAL_IP")]
    pub turn_external_ip: Option<IpAddr>,

    /// How meetings' media travels: `mesh` (every browser sends to every other), `sfu` (every
    /// browser sends once, to this server, which forwards it), or `auto` (mesh up to
    /// --mesh-max people, then through the server, and back as the meeting shrinks).
    #[arg(long, env = "CONFAB_MEDIA", default_value = "mesh", value_parser = parse_media_mode)]
    pub media: MediaMode,

    /// With --media auto: the most people in a meeting whose browsers connect directly.
    #[arg(long, env = "CONFAB_MESH_MAX", default_value_t = 4,
          value_parser = clap::value_parser!(u16).range(2..=32))]
    pub mesh_max: u16,

    /// Where the forwarding unit listens for media (UDP), with --media sfu or auto; open it in
    /// the firewall.
    #[arg(long, env = "CONFAB_MEDIA_LISTEN", default_value = "0.0.0.0:3479")]
    pub media_listen: SocketAddr,

    /// The public IP address browsers send media to. Without it Confab uses the --media-listen
    /// address, or guesses from its interfaces and says so; behind a NAT give the public one.
    #[arg(long, env = "CONFAB_MEDIA_EXTERNAL_IP")]
    pub media_external_ip: Option<IpAddr>,

    /// UDP ports for relays, as MIN-MAX; open them in the firewall.
    #[arg(long, env = "CONFAB_TURN_RELAY_PORTS", default_value = "49152-65535",
          value_parser = parse_port_range)]
    pub turn_relay_ports: (u16, u16),

    /// An address range the relay may reach although it is private, loopback or otherwise not
    /// public (repeat the flag, or separate with commas), e.g. 10.1.0.0/16 for a private
    /// network whose browsers use this server.
    #[arg(
        long = "turn-allow-peer",
        env = "CONFAB_TURN_ALLOW_PEERS",
        value_delimiter = ','
    )]
    pub turn_allow_peers: Vec<Cidr>,

    /// TURN allocations one participant may hold at once (0: unlimited). A browser takes two
    /// (UDP and TCP) per other participant.
    #[arg(long, env = "CONFAB_TURN_USER_QUOTA", default_value_t = 64)]
    pub turn_user_quota: usize,

    /// TURN allocations one client address may hold at once (0: unlimited).
    #[arg(long, env = "CONFAB_TURN_ADDRESS_QUOTA", default_value_t = 1024)]
    pub turn_address_quota: usize,

    /// Relayed bandwidth per participant in kbit/s, both directions together (0: unlimited).
    #[arg(long, env = "CONFAB_TURN_USER_BANDWIDTH", default_value_t = 50_000)]
    pub turn_user_bandwidth: u64,

    /// How long the TURN credentials given to a participant stay valid, in seconds.
    #[arg(long, env = "CONFAB_TURN_TTL", default_value_t = 3600,
          value_parser = clap::value_parser!(u64).range(60..))]
    pub turn_ttl: u64,

    /// The secret TURN credentials are derived from (coturn's static-auth-secret). Default: one
    /// made on first start and kept in the data directory.
    #[arg(long, env = "CONFAB_TURN_SECRET", hide_env_values = true)]
    pub turn_secret: Option<String>,

    /// An external TURN server (turn:host:3478 or turns:host:5349) configured with
    /// use-auth-secret and --turn-secret as its static-auth-secret (repeat the flag, or separate
    /// with commas). Participants get credentials for it as for the embedded one.
    #[arg(
        long = "turn-url",
        env = "CONFAB_TURN_URLS",
        value_delimiter = ',',
        requires = "turn_secret"
    )]
    pub turn_urls: Vec<String>,

    /// `relay` sends every call through TURN, so participants never learn each other's IP
    /// addresses (more load on the TURN server); `all` lets browsers connect directly.
    #[arg(long, env = "CONFAB_ICE_TRANSPORT_POLICY", value_enum, default_value_t = IcePolicy::All)]
    pub ice_transport_policy: IcePolicy,

    /// Most people in one room. With direct connections every participant sends their video to
    /// every other one, so upload bandwidth grows with this number (at most 32); through the
    /// server (--media sfu) each sends once (at most 100).
    #[arg(long, env = "CONFAB_MAX_PEERS_PER_ROOM", default_value_t = 6,
          value_parser = clap::value_parser!(u16).range(2..=MAX_PEERS_THROUGH_SERVER))]
    pub max_peers_per_room: u16,

    /// New meetings admit people manually: after the first person (the host), newcomers wait in
    /// the lobby until the host lets them in. The host can turn it off (or on) per meeting.
    #[arg(long, env = "CONFAB_WAITING_ROOM")]
    pub waiting_room: bool,

    /// Most meetings with anyone in them at once.
    #[arg(long, env = "CONFAB_MAX_ROOMS", default_value_t = 10_000)]
    pub max_rooms: usize,

    /// Most signaling connections (people in meetings) at once; more are refused with "The server
    /// is full". Each takes one open file: Confab raises its soft limit to the hard one and, if
    /// that still holds fewer, allows what fits (raise LimitNOFILE= in systemd, `ulimit -Hn`).
    #[arg(long, env = "CONFAB_MAX_CONNECTIONS", default_value_t = super::DEFAULT_MAX_CONNECTIONS)]
    pub max_connections: usize,

    /// Signaling messages one connection may send per second, after a burst of
    /// --messages-burst; faster ones are dropped with an error, and a connection that keeps it
    /// up is closed. Raise it for load tests that send as fast as they can.
    #[arg(long, env = "CONFAB_MESSAGES_PER_SECOND", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub messages_per_second: u32,

    /// Signaling messages one connection may send at once.
    #[arg(long, env = "CONFAB_MESSAGES_BURST", default_value_t = 200,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub messages_burst: u32,

    /// Signaling connections one client may hold at once (an IPv4 address, or an IPv6 /64);
    /// 0: unlimited. Everyone behind one NAT counts as one client.
    #[arg(
        long,
        env = "CONFAB_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 500
    )]
    pub max_connections_per_address: usize,

    /// Meetings one client may have started and still hold (0: unlimited).
    #[arg(long, env = "CONFAB_MAX_ROOMS_PER_ADDRESS", default_value_t = 100)]
    pub max_rooms_per_address: usize,

    /// Joins one client may make per second, after a burst of five seconds' worth.
    #[arg(long, env = "CONFAB_JOINS_PER_SECOND_PER_ADDRESS", default_value_t = 10,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub joins_per_second_per_address: u32,

    /// HTTP connections one client may hold open at once (0: unlimited); trusted proxies are
    /// not limited.
    #[arg(
        long,
        env = "CONFAB_HTTP_CONNECTIONS_PER_ADDRESS",
        default_value_t = 1000
    )]
    pub http_connections_per_address: usize,

    /// Seconds a TLS handshake may take.
    #[arg(long, env = "CONFAB_TLS_HANDSHAKE_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub tls_handshake_timeout: u64,

    /// Seconds a client may take to send a request's headers.
    #[arg(long, env = "CONFAB_HTTP_HEADER_TIMEOUT", default_value_t = 10,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub http_header_timeout: u64,

    /// Seconds an HTTP connection may stay open with no request in flight (an open call always
    /// has one: its signaling connection).
    #[arg(long, env = "CONFAB_HTTP_IDLE_TIMEOUT", default_value_t = 60,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub http_idle_timeout: u64,

    /// Seconds between HTTP/2 keep-alive pings; one unanswered for two thirds of this closes the
    /// connection.
    #[arg(long, env = "CONFAB_HTTP2_KEEPALIVE", default_value_t = 30,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub http2_keepalive: u64,

    /// Another site whose pages may use this server's signaling, as `https://host[:port]`
    /// (repeat the flag, or separate with commas). Pages this server serves always may.
    #[arg(
        long = "allowed-origin",
        env = "CONFAB_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,
}

impl Config {
    /// The data directory, resolved from the flag or the usual per-user location.
    pub fn data_dir(&self) -> PathBuf {
        if let Some(dir) = &self.data_dir {
            return dir.clone();
        }
        let base = std::env::var_os("XDG_DATA_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
            .unwrap_or_else(|| PathBuf::from("."));
        base.join("confab")
    }

    /// The URLs given with --ice-server.
    pub fn plain_ice_urls(&self) -> Vec<String> {
        self.ice_servers
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .map(str::to_owned)
            .collect()
    }

    /// The ACME directory to use, if ACME is on.
    pub fn acme_directory(&self) -> Option<String> {
        if self.acme_domains.is_empty() {
            return None;
        }
        Some(match (&self.acme_directory, self.acme_staging) {
            (Some(url), _) => url.clone(),
            (None, true) => super::tls::acme::LETS_ENCRYPT_STAGING.to_owned(),
            (None, false) => super::tls::acme::LETS_ENCRYPT.to_owned(),
        })
    }

    /// The proxies whose X-Forwarded-For is believed.
    pub fn trusted_proxies(&self) -> Vec<IpNet> {
        if self.trusted_proxies.is_empty() && self.behind_proxy {
            return vec![
                "127.0.0.0/8".parse().expect("a range"),
                "::1/128".parse().expect("a range"),
            ];
        }
        self.trusted_proxies.clone()
    }

    /// What is wrong with these settings beyond what the flags' own parsing catches, as
    /// sentences naming the flag or file.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let (Some(cert), Some(key)) = (&self.tls_cert, &self.tls_key) {
            let files = super::tls::files::CertFiles {
                cert: cert.clone(),
                key: key.clone(),
            };
            if let Err(error) = files.load() {
                problems.push(error.to_string());
            }
        }
        for domain in &self.acme_domains {
            let ok = !domain.is_empty()
                && domain.len() <= 253
                && domain.split('.').all(|l| {
                    !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !ok {
                problems.push(format!("--acme-domain {domain:?} is not a DNS name"));
            }
        }
        if let Some(root) = &self.acme_directory_root
            && !root.exists()
        {
            problems.push(format!(
                "--acme-directory-root {} does not exist",
                root.display()
            ));
        }
        if let Some(dir) = &self.site_dir
            && !dir.is_dir()
        {
            problems.push(format!("--site-dir {} is not a folder", dir.display()));
        }
        if self.ice_transport_policy == IcePolicy::Relay
            && self.no_turn
            && self.turn_urls.is_empty()
        {
            problems.push(
                "--ice-transport-policy relay needs a TURN server: drop --no-turn or add --turn-url"
                    .to_owned(),
            );
        }
        if self.media == MediaMode::Mesh && self.max_peers_per_room > MAX_PEERS_DIRECT {
            problems.push(format!(
                "--max-peers-per-room {} is over {MAX_PEERS_DIRECT}, the most for browsers that all send to each other; use --media sfu for larger meetings",
                self.max_peers_per_room
            ));
        }
        if self.http_port == Some(self.port) {
            problems.push(format!("--http-port {} is also the HTTPS port", self.port));
        }
        problems
    }

    /// How rooms' media travels.
    pub fn media_policy(&self) -> MediaPolicy {
        match self.media {
            MediaMode::Mesh => MediaPolicy::Mesh,
            MediaMode::Sfu => MediaPolicy::Sfu,
            MediaMode::Auto => MediaPolicy::Auto {
                mesh_max: usize::from(self.mesh_max),
            },
        }
    }

    /// Limits per TURN user; zero means unlimited.
    pub fn turn_limits(&self) -> super::turn::usage::UsageLimits {
        super::turn::usage::UsageLimits {
            allocations: Some(self.turn_user_quota).filter(|&n| n > 0),
            bytes_per_second: Some(self.turn_user_bandwidth * 1000 / 8).filter(|&n| n > 0),
            allocations_per_address: Some(self.turn_address_quota).filter(|&n| n > 0),
        }
    }

    /// Limits per client of the signaling.
    pub fn source_limits(&self) -> super::per_source::SourceLimits {
        super::per_source::SourceLimits {
            connections: self.max_connections_per_address,
            joins_burst: self.joins_per_second_per_address.saturating_mul(5),
            join_refill: std::time::Duration::from_secs_f64(
                1.0 / f64::from(self.joins_per_second_per_address),
            ),
            ..super::per_source::SourceLimits::default()
        }
    }

    /// Time limits of HTTP connections.
    pub fn http_timeouts(&self) -> super::http::HttpTimeouts {
        use std::time::Duration;
        super::http::HttpTimeouts {
            tls_handshake: Duration::from_secs(self.tls_handshake_timeout),
            headers: Duration::from_secs(self.http_header_timeout),
            idle: Duration::from_secs(self.http_idle_timeout),
            http2_keepalive: Duration::from_secs(self.http2_keepalive),
        }
    }
}

/// Most people in a room whose browsers all connect to each other.
const MAX_PEERS_DIRECT: u16 = 32;

/// Most people in a room whose media goes through the server.
const MAX_PEERS_THROUGH_SERVER: i64 = 100;

/// How meetings' media travels, as `--media` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediaMode {
    /// Browsers connect directly.
    Mesh,
    /// Through the server's forwarding unit.
    Sfu,
    /// Directly in small meetings, through the server in large ones.
    Auto,
}

/// Reads `mesh`, `sfu` or `auto`.
fn parse_media_mode(text: &str) -> Result<MediaMode, String> {
    match text {
        "mesh" => Ok(MediaMode::Mesh),
        "sfu" => Ok(MediaMode::Sfu),
        "auto" => Ok(MediaMode::Auto),
        _ => Err(format!("{text:?} is not mesh, sfu or auto")),
    }
}

/// Parses `MIN-MAX` ports.
fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let error = || format!("{text:?} is not a port range like 49152-65535");
    let (min, max) = text.split_once('-').ok_or_else(error)?;
    let min: u16 = min.trim().parse().map_err(|_| error())?;
    let max: u16 = max.trim().parse().map_err(|_| error())?;
    if min == 0 || max < min {
        return Err(error());
    }
    Ok((min, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rooms_over_32_need_media_through_the_server() {
        let direct = Config::try_parse_from(["confab", "--max-peers-per-room", "50"]).unwrap();
        let through =
            Config::try_parse_from(["confab", "--max-peers-per-room", "50", "--media", "sfu"])
                .unwrap();
        let too_many = Config::try_parse_from(["confab", "--max-peers-per-room", "101"]);

        assert!(
            direct.problems().iter().any(|p| p.contains("--media sfu")),
            "{:?}",
            direct.problems()
        );
        assert!(through.problems().is_empty(), "{:?}", through.problems());
        assert_eq!(through.media_policy(), MediaPolicy::Sfu);
        assert!(too_many.is_err());
    }

    #[test]
    fn defaults_listen_everywhere_on_3000_with_six_per_room() {
        let config = Config::try_parse_from(["confab"]).unwrap();
        assert_eq!(config.port, 3000);
        assert!(config.host.is_unspecified());
        assert_eq!(config.max_peers_per_room, 6);
        assert_eq!(config.max_rooms, 10_000);
        assert!(!config.waiting_room);
        assert!(
            Config::try_parse_from(["confab", "--waiting-room"])
                .unwrap()
                .waiting_room
        );
        assert_eq!(config.max_connections, 10_000);
        assert!(config.plain_ice_urls().is_empty());
        assert!(!config.no_turn);
        assert_eq!(config.turn_listen, "0.0.0.0:3478".parse().unwrap());
        assert_eq!(config.turn_relay_ports, (49152, 65535));
        assert_eq!(config.turn_ttl, 3600);
        assert_eq!(config.ice_transport_policy, IcePolicy::All);
        assert_eq!(config.max_connections_per_address, 500);
        assert_eq!(config.max_rooms_per_address, 100);
        assert_eq!(
            config.http_timeouts(),
            super::super::http::HttpTimeouts::default()
        );
        assert_eq!(
            config.source_limits(),
            super::super::per_source::SourceLimits::default()
        );
        assert_eq!(config.turn_limits().allocations_per_address, Some(1024));
    }

    #[test]
    fn turn_flags_parse_and_zero_means_unlimited() {
        let config = Config::try_parse_from([
            "confab",
            "--turn-relay-ports",
            "50000-50100",
            "--turn-allow-peer",
            "10.0.0.0/8,127.0.0.1",
            "--turn-user-quota",
            "0",
            "--turn-user-bandwidth",
            "8000",
        ])
        .unwrap();
        assert_eq!(config.turn_relay_ports, (50000, 50100));
        assert_eq!(config.turn_allow_peers.len(), 2);
        assert_eq!(config.turn_limits().allocations, None);
        assert_eq!(config.turn_limits().bytes_per_second, Some(1_000_000));
        for bad in [
            ["confab", "--turn-relay-ports", "9-3"],
            ["confab", "--turn-relay-ports", "0-10"],
            ["confab", "--turn-allow-peer", "10.0.0.0/40"],
            ["confab", "--turn-url", "turn:x:3478"], // needs --turn-secret
            ["confab", "--ice-transport-policy", "none"],
            ["confab", "--turn-ttl", "5"],
        ] {
            assert!(Config::try_parse_from(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn certificate_and_key_must_come_together() {
        assert!(Config::try_parse_from(["confab", "--tls-cert", "a.pem"]).is_err());
        assert!(Config::try_parse_from(["confab", "--tls-key", "a.pem"]).is_err());
        assert!(
            Config::try_parse_from(["confab", "--tls-cert", "a.pem", "--tls-key", "b.pem"]).is_ok()
        );
    }

    #[test]
    fn ice_servers_accept_repeats_and_commas() {
        let config = Config::try_parse_from([
            "confab",
            "--ice-server",
            "stun:a.example:3478,stun:b.example:3478",
            "--ice-server",
            "stun:c.example:3478",
        ])
        .unwrap();
        let urls = config.plain_ice_urls();
        assert_eq!(
            urls,
            [
                "stun:a.example:3478",
                "stun:b.example:3478",
                "stun:c.example:3478"
            ]
        );
    }
}
