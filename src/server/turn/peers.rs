//! Which addresses the relay may send to. A TURN server that relays anywhere lets anyone reach
//! the networks behind it (the metadata service at 169.254.169.254, the machine's own loopback
//! services, the private network): by default every non-public range is refused, and an operator
//! opens a range explicitly with `--turn-allow-peer`.

use ipnet::IpNet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

/// An address range such as `10.0.0.0/8` or `fc00::/7` (an `ipnet` network), or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr(IpNet);

impl Cidr {
    /// Whether `ip` is in the range (IPv4 ranges only hold IPv4 addresses).
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

/// A malformed `--turn-allow-peer` range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not an address range like 10.0.0.0/8 or fd00::/8")]
pub struct CidrError(String);

impl FromStr for Cidr {
    type Err = CidrError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        if let Ok(net) = text.parse::<IpNet>() {
            return Ok(Cidr(net));
        }
        text.parse::<IpAddr>()
            .map(|ip| Cidr(IpNet::from(ip)))
            .map_err(|_| CidrError(text.to_owned()))
    }
}

/// Ranges the relay refuses unless allowed: everything that is not the public internet.
const DENIED: &[&str] = &[
    "0.0.0.0/8",       // "this network", unspecified
    "10.0.0.0/8",      // private (RFC 1918)
    "100.64.0.0/10",   // carrier-grade NAT
    "127.0.0.0/8",     // loopback
    "169.254.0.0/16",  // link-local, cloud metadata services
    "172.16.0.0/12",   // private
    "192.0.0.0/24",    // IETF protocol assignments
    "192.0.2.0/24",    // documentation
    "192.88.99.0/24",  // 6to4 relay anycast
    "192.168.0.0/16",  // private
    "198.18.0.0/15",   // benchmarking
    "198.51.100.0/24", // documentation
    "203.0.113.0/24",  // documentation
    "224.0.0.0/4",     // multicast
    "240.0.0.0/4",     // reserved, broadcast
    "::/128",          // unspecified
    "::1/128",         // loopback
    "64:ff9b:1::/48",  // local-use IPv4/IPv6 translation
    "100::/64",        // discard-only
    "2001::/23",       // IETF protocol assignments (Teredo, benchmarking, ORCHID)
    "2001:db8::/32",   // documentation
    "2002::/16",       // 6to4: embeds any IPv4 address
    "3fff::/20",       // documentation
    "fc00::/7",        // unique local
    "fe80::/10",       // link-local
    "fec0::/10",       // site-local (deprecated)
    "ff00::/8",        // multicast
];

/// The relay's rule for peer addresses.
#[derive(Clone, Debug)]
pub struct PeerPolicy {
    denied: Vec<Cidr>,
    allowed: Vec<Cidr>,
}

impl Default for PeerPolicy {
    fn default() -> Self {
        Self::allowing(Vec::new())
    }
}

impl PeerPolicy {
    /// The default deny list, with `allowed` ranges opened.
    pub fn allowing(allowed: Vec<Cidr>) -> Self {
        PeerPolicy {
            denied: DENIED
                .iter()
                .map(|range| range.parse().expect("built-in ranges parse"))
                .collect(),
            allowed,
        }
    }

    /// Whether the relay may exchange packets with `ip`. IPv6 forms that carry an IPv4 address
    /// (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) are
    /// judged by that IPv4 address as well.
    pub fn permits(&self, ip: IpAddr) -> bool {
        if self.allowed.iter().any(|range| range.contains(ip)) {
            return true;
        }
        if self.denied.iter().any(|range| range.contains(ip)) {
            return false;
        }
        match ip {
            IpAddr::V6(v6) => match embedded_ipv4(v6) {
                Some(v4) => self.permits(IpAddr::V4(v4)),
                None => true,
            },
            IpAddr::V4(_) => true,
        }
    }
}

/// The IPv4 address inside an IPv4-mapped, IPv4-compatible or NAT64 (64:ff9b::/96) address.
fn embedded_ipv4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let bits = ip.to_bits();
    let low = Ipv4Addr::from_bits(bits as u32);
    let high = bits >> 32;
    let mapped = high == 0xffff;
    let compatible = high == 0;
    let nat64 = high == 0x0064_ff9b_0000_0000_0000_0000;
    (mapped || compatible || nat64).then_some(low)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn refuses_every_non_public_range_by_default() {
        let policy = PeerPolicy::default();
        for denied in [
            "127.0.0.1",
            "127.255.255.254",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "100.127.255.255",
            "0.0.0.0",
            "224.0.0.251",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::127.0.0.1",
            "::10.1.2.3",
            "64:ff9b::a9fe:a9fe",
            "2002:7f00:1::",
        ] {
            assert!(!policy.permits(ip(denied)), "{denied} should be refused");
        }
    }

    #[test]
    fn public_addresses_are_relayed() {
        let policy = PeerPolicy::default();
        for public in [
            "1.1.1.1",
            "8.8.8.8",
            "172.32.0.1",
            "100.128.0.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(policy.permits(ip(public)), "{public} should be relayed");
        }
    }

    #[test]
    fn allowed_ranges_open_only_themselves() {
        let policy = PeerPolicy::allowing(vec!["10.77.0.0/24".parse().unwrap()]);
        assert!(policy.permits(ip("10.77.0.9")));
        assert!(policy.permits(ip("::ffff:10.77.0.9")));
        assert!(!policy.permits(ip("10.78.0.9")));
        assert!(!policy.permits(ip("127.0.0.1")));
    }

    #[test]
    fn ranges_parse_with_and_without_prefix() {
        assert!(
            "127.0.0.0/8"
                .parse::<Cidr>()
                .unwrap()
                .contains(ip("127.9.9.9"))
        );
        assert!("::1".parse::<Cidr>().unwrap().contains(ip("::1")));
        assert!("0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("8.8.8.8")));
        assert!(!"0.0.0.0/0".parse::<Cidr>().unwrap().contains(ip("::1")));
        for bad in [
            "",
            "10.0.0.0/33",
            "fe80::/129",
            "10.0.0/8",
            "x/8",
            "10.0.0.0/x",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
    }
}
