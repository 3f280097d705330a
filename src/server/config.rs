//! Command-line flags and environment variables of the `confab` binary.

use crate::protocol::IceServer;
use clap::Parser;
use std::net::IpAddr;
use std::path::PathBuf;

/// Confab: a video-call server and web app in one program.
///
/// Start it, open one of the printed links, and share the meeting link.
#[derive(Parser, Debug, Clone)]
#[command(version, about, long_about = None)]
pub struct Config {
    /// Address to listen on; `::` means every interface (IPv6 and IPv4).
    #[arg(long, env = "CONFAB_HOST", default_value = "::")]
    pub host: IpAddr,

    /// HTTPS port.
    #[arg(long, env = "CONFAB_PORT", default_value_t = 3000)]
    pub port: u16,

    /// PEM certificate chain (e.g. Let's Encrypt's fullchain.pem). Without it, Confab makes and
    /// keeps a self-signed certificate for this machine's names and addresses.
    #[arg(long, env = "CONFAB_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert (e.g. Let's Encrypt's privkey.pem).
    #[arg(long, env = "CONFAB_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Where Confab keeps its generated certificate. Default: $XDG_DATA_HOME/confab or
    /// ~/.local/share/confab.
    #[arg(long, env = "CONFAB_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// STUN or TURN URL handed to browsers (repeat the flag, or separate with commas).
    /// Default: none, which is enough on one network.
    #[arg(long = "ice-server", env = "CONFAB_ICE_SERVERS", value_delimiter = ',')]
    pub ice_servers: Vec<String>,

    /// Most people in one room. Every participant sends their video to every other one, so
    /// upload bandwidth grows with this number.
    #[arg(long, env = "CONFAB_MAX_PEERS_PER_ROOM", default_value_t = 6,
          value_parser = clap::value_parser!(u16).range(2..=32))]
    pub max_peers_per_room: u16,

    /// Most meetings with anyone in them at once.
    #[arg(long, env = "CONFAB_MAX_ROOMS", default_value_t = 10_000)]
    pub max_rooms: usize,

    /// Most signaling connections (people in meetings) at once; more are refused with "The server
    /// is full". Each takes one file descriptor: raise `ulimit -n` (LimitNOFILE= in systemd) above it.
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

    /// Another site whose pages may use this server's signaling, as `https://host[:port]`
    /// (repeat the flag, or separate with commas). Pages this server serves always may.
    #[arg(
        long = "allowed-origin",
        env = "CONFAB_ALLOWED_ORIGINS",
        value_delimiter = ','
    )]
    pub allowed_origins: Vec<String>,

    /// The Leptos runtime settings file (site root, output name); see the README.
    #[arg(long, env = "CONFAB_LEPTOS_CONFIG", default_value = "Leptos.toml")]
    pub leptos_config: PathBuf,
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

    /// The ICE server list browsers are given.
    pub fn ice_server_list(&self) -> Vec<IceServer> {
        self.ice_servers
            .iter()
            .map(|url| url.trim())
            .filter(|url| !url.is_empty())
            .map(|url| IceServer {
                urls: vec![url.to_owned()],
                username: None,
                credential: None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_listen_everywhere_on_3000_with_six_per_room() {
        let config = Config::try_parse_from(["confab"]).unwrap();
        assert_eq!(config.port, 3000);
        assert!(config.host.is_unspecified());
        assert_eq!(config.max_peers_per_room, 6);
        assert_eq!(config.max_rooms, 10_000);
        assert_eq!(config.max_connections, 10_000);
        assert!(config.ice_server_list().is_empty());
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
        let urls: Vec<_> = config
            .ice_server_list()
            .into_iter()
            .flat_map(|s| s.urls)
            .collect();
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
