//! This machine's names and addresses: what the certificate covers and the links Confab prints.

use std::net::IpAddr;

/// The names and addresses a browser may use to reach this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalNames {
    /// The host name, if the system has one.
    pub hostname: Option<String>,
    /// Every non-loopback interface address, sorted.
    pub addresses: Vec<IpAddr>,
}

/// A guess at the address other machines reach this one by: its first IPv4 interface address
/// (loopback if it has none). Behind a NAT it is wrong, which is why callers say it was guessed.
pub fn guess_ipv4() -> IpAddr {
    LocalNames::discover()
        .addresses
        .into_iter()
        .find(IpAddr::is_ipv4)
        .unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
}

impl LocalNames {
    /// Reads the host name and interface addresses from the system.
    pub fn discover() -> Self {
        let hostname = gethostname::gethostname()
            .into_string()
            .ok()
            .filter(|h| !h.is_empty() && h != "localhost");
        let mut addresses: Vec<IpAddr> = if_addrs::get_if_addrs()
            .map(|ifs| ifs.into_iter().map(|i| i.ip()).collect())
            .unwrap_or_default();
        addresses.retain(|a| !a.is_loopback() && !a.is_unspecified());
        addresses.sort();
        addresses.dedup();
        LocalNames {
            hostname,
            addresses,
        }
    }

    /// Subject alternative names for a self-signed certificate: localhost, loopback, the host
    /// name and every interface address.
    pub fn certificate_names(&self) -> Vec<String> {
        let mut names = vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ];
        names.extend(self.hostname.iter().cloned());
        names.extend(self.addresses.iter().map(|a| a.to_string()));
        names
    }

    /// Links to print at start-up: localhost first, then each address a phone on the same
    /// network could use (IPv6 link-local addresses need a zone and are left out).
    pub fn urls(&self, port: u16, listen: IpAddr) -> Vec<String> {
        let mut urls = vec![format!("https://localhost:{port}")];
        if listen.is_loopback() {
            return urls;
        }
        for address in &self.addresses {
            let reachable = match (listen, address) {
                (IpAddr::V4(l), IpAddr::V4(_)) => l.is_unspecified() || l == *address,
                (IpAddr::V6(l), _) => l.is_unspecified() || IpAddr::V6(l) == *address,
                (IpAddr::V4(_), IpAddr::V6(_)) => false,
            };
            match address {
                IpAddr::V4(v4) if reachable => urls.push(format!("https://{v4}:{port}")),
                IpAddr::V6(v6) if reachable && (v6.segments()[0] & 0xffc0) != 0xfe80 => {
                    urls.push(format!("https://[{v6}]:{port}"))
                }
                _ => {}
            }
        }
        urls
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> LocalNames {
        LocalNames {
            hostname: Some("studio".into()),
            addresses: vec![
                "192.168.1.20".parse().unwrap(),
                "2001:db8::7".parse().unwrap(),
                "fe80::1".parse().unwrap(),
            ],
        }
    }

    #[test]
    fn certificate_covers_localhost_loopback_hostname_and_interfaces() {
        assert_eq!(
            names().certificate_names(),
            [
                "localhost",
                "127.0.0.1",
                "::1",
                "studio",
                "192.168.1.20",
                "2001:db8::7",
                "fe80::1"
            ]
        );
    }

    #[test]
    fn urls_list_lan_addresses_but_not_link_local() {
        assert_eq!(
            names().urls(3000, "::".parse().unwrap()),
            [
                "https://localhost:3000",
                "https://192.168.1.20:3000",
                "https://[2001:db8::7]:3000"
            ]
        );
    }

    #[test]
    fn urls_respect_the_listen_address() {
        assert_eq!(
            names().urls(3000, "127.0.0.1".parse().unwrap()),
            ["https://localhost:3000"]
        );
        assert_eq!(
            names().urls(443, "0.0.0.0".parse().unwrap()),
            ["https://localhost:443", "https://192.168.1.20:443"]
        );
    }
}
