//! Who a request comes from, for limits per client: one IPv4 address, or one IPv6 /64 (what one
//! home or office network is usually given, and what one attacker holds many addresses of).

use std::fmt;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// The client a request is counted against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Source(IpAddr);

impl Source {
    /// The source of a request from `ip`: an IPv4 address as it is (also when written as an
    /// IPv4-mapped IPv6 address), an IPv6 address cut to its /64.
    pub fn of(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Source(IpAddr::V4(v4)),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Source(IpAddr::V4(v4)),
                None => {
                    let prefix = u128::from(v6) & !((1u128 << 64) - 1);
                    Source(IpAddr::V6(Ipv6Addr::from(prefix)))
                }
            },
        }
    }

    /// The source of a connection from `addr`.
    pub fn of_addr(addr: SocketAddr) -> Self {
        Source::of(addr.ip())
    }

    /// A source for tests and for connections whose peer address is unknown.
    pub const UNKNOWN: Source = Source(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            IpAddr::V4(v4) => write!(f, "{v4}"),
            IpAddr::V6(v6) => write!(f, "{v6}/64"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_addresses_of_one_64_are_one_source_and_mapped_ipv4_is_ipv4() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff:1:2:3".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(Source::of(a), Source::of(b));
        assert_ne!(Source::of(a), Source::of(c));
        assert_eq!(Source::of(a).to_string(), "2001:db8:1:2::/64");
        let mapped: IpAddr = "::ffff:192.0.2.7".parse().unwrap();
        let plain: IpAddr = "192.0.2.7".parse().unwrap();
        assert_eq!(Source::of(mapped), Source::of(plain));
        assert_eq!(Source::of(plain).to_string(), "192.0.2.7");
        assert_ne!(
            Source::of("192.0.2.8".parse().unwrap()),
            Source::of(plain),
            "IPv4 addresses are never grouped"
        );
    }
}
