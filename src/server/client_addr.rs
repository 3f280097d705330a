//! The address of the browser behind each request: the connection's peer, or, when that peer is
//! a reverse proxy the operator trusts (`--trusted-proxy`), the address the proxy says it
//! forwarded for (`X-Forwarded-For`). A header from anyone else is ignored, so a client cannot
//! choose the address it is counted and logged under.

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

/// The browser's address, put in every request's extensions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddr(pub IpAddr);

/// Proxies whose `X-Forwarded-For` is believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(pub Vec<IpNet>);

impl TrustedProxies {
    /// Whether `ip` is one of the trusted proxies.
    pub fn is_trusted(&self, ip: IpAddr) -> bool {
        self.trusts(ip)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind a connection from `peer` that carried these `X-Forwarded-For` values
    /// (in header order): walking the list from the right (the hop nearest to us), the first
    /// address that is not a trusted proxy.
    pub fn client(&self, peer: IpAddr, forwarded_for: &[&str]) -> IpAddr {
        if !self.trusts(peer) {
            return canonical(peer);
        }
        let hops = forwarded_for
            .iter()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .rev();
        let mut client = canonical(peer);
        for hop in hops {
            let Some(ip) = parse_hop(hop) else {
                // Something unreadable: stop at the last address we could trust.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// An address in `X-Forwarded-For`: `192.0.2.1`, `2001:db8::1`, `[2001:db8::1]:443` or
/// `192.0.2.1:443`.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(ip) = hop.parse::<IpAddr>() {
        return Some(canonical(ip));
    }
    hop.parse::<SocketAddr>()
        .ok()
        .map(|addr| canonical(addr.ip()))
}

/// IPv4-mapped IPv6 addresses (what a dual-stack listener sees) as plain IPv4.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Middleware: works out the [`ClientAddr`] of a request. Without connection info (a test server
/// that does not record it) there is none.
pub async fn resolve(trusted: Arc<TrustedProxies>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let forwarded: Vec<&str> = request
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .collect();
        let client = trusted.client(peer, &forwarded);
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(list.iter().map(|n| n.parse().unwrap()).collect())
    }

    #[test]
    fn a_header_from_an_untrusted_peer_is_ignored() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
        let some = proxies(&["127.0.0.1/32"]);
        assert_eq!(
            some.client(ip("203.0.113.9"), &["198.51.100.1"]),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client() {
        let trusted = proxies(&["127.0.0.1/32", "10.0.0.0/8"]);
        // The client made up the first entry; the proxies appended the rest.
        let header = ["6.6.6.6, 198.51.100.7", "10.0.0.2"];
        assert_eq!(trusted.client(ip("127.0.0.1"), &header), ip("198.51.100.7"));
        assert_eq!(
            trusted.client(ip("::ffff:127.0.0.1"), &["[2001:db8::5]:1234"]),
            ip("2001:db8::5")
        );
        assert_eq!(trusted.client(ip("127.0.0.1"), &[]), ip("127.0.0.1"));
        assert_eq!(
            trusted.client(ip("127.0.0.1"), &["junk, 10.0.0.3"]),
            ip("10.0.0.3"),
            "stops at what it cannot read"
        );
    }
}
