//! The ICE configuration each participant is given: the embedded STUN/TURN server, external
//! TURN servers sharing its secret, extra STUN/TURN URLs, with fresh credentials per peer.

use crate::protocol::{IceConfig, IceServer, PeerId};
use crate::server::turn::credentials::TurnSecret;
use std::time::{Duration, SystemTime};

/// How long issued TURN credentials last unless configured otherwise.
pub const DEFAULT_TTL: Duration = Duration::from_secs(3600);

/// Everything needed to write a participant's ICE configuration.
#[derive(Clone, Debug, Default)]
pub struct IceProvider {
    /// URLs handed out as they are (`--ice-server`).
    pub plain: Vec<String>,
    /// External TURN URLs whose server checks the shared secret (`--turn-url`).
    pub external_turn: Vec<String>,
    /// The embedded server: its port and the host to name in its URLs (`None`: the host the
    /// page was loaded from).
    pub embedded: Option<(u16, Option<String>)>,
    /// The secret credentials are derived from (needed for the two above).
    pub secret: Option<TurnSecret>,
    /// How long credentials last.
    pub ttl: Duration,
    /// Relay only: browsers never reveal their addresses to each other.
    pub relay_only: bool,
}

impl IceProvider {
    /// The configuration for `peer`, whose page was loaded from `page_host` (the Host header).
    pub fn config_for(&self, peer: PeerId, page_host: Option<&str>, now: SystemTime) -> IceConfig {
        let mut servers: Vec<IceServer> = self
            .plain
            .iter()
            .map(|url| IceServer {
                urls: vec![url.clone()],
                username: None,
                credential: None,
            })
            .collect();
        let credential = self.secret.as_ref().map(|s| s.issue(peer, now, self.ttl));
        if let (Some((port, host)), Some(credential)) = (&self.embedded, &credential)
            && let Some(host) = host.as_deref().or(page_host.and_then(host_only))
        {
            let host = if host.contains(':') && !host.starts_with('[') {
                format!("[{host}]")
            } else {
                host.to_owned()
            };
            servers.push(IceServer {
                urls: vec![
                    format!("stun:{host}:{port}"),
                    format!("turn:{host}:{port}?transport=udp"),
                    format!("turn:{host}:{port}?transport=tcp"),
                ],
                username: Some(credential.username.clone()),
                credential: Some(credential.password.clone()),
            });
        }
        if let (false, Some(credential)) = (self.external_turn.is_empty(), &credential) {
            servers.push(IceServer {
                urls: self.external_turn.clone(),
                username: Some(credential.username.clone()),
                credential: Some(credential.password.clone()),
            });
        }
        IceConfig {
            servers,
            relay_only: self.relay_only,
            refresh_after_seconds: credential
                .map(|_| u32::try_from(self.ttl.as_secs() / 2).unwrap_or(u32::MAX)),
        }
    }
}

/// The host part of a Host header (`example.org:3000` → `example.org`, `[::1]:3000` → `[::1]`).
fn host_only(header: &str) -> Option<&str> {
    let header = header.trim();
    let host = if header.starts_with('[') {
        header.find(']').map(|end| &header[..=end])?
    } else {
        header.rsplit_once(':').map_or(header, |(host, _)| host)
    };
    (!host.is_empty()).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> IceProvider {
        IceProvider {
            plain: vec!["stun:stun.example.org:3478".into()],
            external_turn: Vec::new(),
            embedded: Some((3478, None)),
            secret: Some(TurnSecret::new("s3cret")),
            ttl: DEFAULT_TTL,
            relay_only: false,
        }
    }

    #[test]
    fn embedded_server_is_named_by_the_host_the_page_came_from_with_fresh_credentials() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
        let config = provider().config_for(PeerId(7), Some("meet.example.org:3000"), now);
        assert_eq!(config.servers.len(), 2);
        assert_eq!(config.servers[0].urls, ["stun:stun.example.org:3478"]);
        assert_eq!(config.servers[0].username, None);
        let turn = &config.servers[1];
        assert_eq!(
            turn.urls,
            [
                "stun:meet.example.org:3478",
                "turn:meet.example.org:3478?transport=udp",
                "turn:meet.example.org:3478?transport=tcp"
            ]
        );
        assert_eq!(turn.username.as_deref(), Some("4600:p7"));
        assert_eq!(
            turn.credential.as_deref(),
            Some(TurnSecret::new("s3cret").password("4600:p7").as_str())
        );
    }

    #[test]
    fn configured_external_address_wins_and_ipv6_hosts_are_bracketed() {
        let mut ice = provider();
        ice.embedded = Some((3478, Some("203.0.113.5".into())));
        let config = ice.config_for(PeerId(1), Some("localhost:3000"), SystemTime::now());
        assert_eq!(
            config.servers[1].urls[1],
            "turn:203.0.113.5:3478?transport=udp"
        );
        let config = provider().config_for(PeerId(1), Some("[::1]:3000"), SystemTime::now());
        assert_eq!(config.servers[1].urls[1], "turn:[::1]:3478?transport=udp");
    }

    #[test]
    fn external_turn_servers_get_the_same_kind_of_credentials() {
        let mut ice = provider();
        ice.embedded = None;
        ice.external_turn = vec!["turn:turn.example.org:3478".into()];
        ice.relay_only = true;
        let config = ice.config_for(PeerId(9), None, SystemTime::now());
        assert_eq!(config.servers.len(), 2);
        assert_eq!(config.servers[1].urls, ["turn:turn.example.org:3478"]);
        assert!(
            config.servers[1]
                .username
                .as_deref()
                .unwrap()
                .ends_with(":p9")
        );
        assert!(config.relay_only);
        assert_eq!(config.refresh_after_seconds, Some(1800));
    }

    #[test]
    fn without_turn_only_the_plain_urls_are_given() {
        let ice = IceProvider {
            plain: vec!["stun:a:1".into()],
            ttl: DEFAULT_TTL,
            ..IceProvider::default()
        };
        let config = ice.config_for(PeerId(1), Some("x"), SystemTime::now());
        assert_eq!(config.servers.len(), 1);
        assert!(!config.relay_only);
        assert_eq!(config.refresh_after_seconds, None);
    }

    #[test]
    fn host_header_parsing() {
        assert_eq!(host_only("example.org"), Some("example.org"));
        assert_eq!(host_only("example.org:443"), Some("example.org"));
        assert_eq!(host_only("[::1]:3000"), Some("[::1]"));
        assert_eq!(host_only(""), None);
    }
}
