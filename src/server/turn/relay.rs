//! Relay sockets: one UDP port per allocation from the configured range, on the address peers
//! reach, and a last check that nothing is ever sent to or taken from a refused peer address.
//! A peer's packet on a channel the engine bound goes straight back to the client as
//! ChannelData ([`super::channels`]); anything else goes to the engine.

use super::channels::{Channels, channel_data_header};
use super::peers::PeerPolicy;
use super::usage::Usage;
use async_trait::async_trait;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::UdpSocket;
use util::Conn;

/// Tries at random ports before giving up on an allocation (the range is nearly full).
const PORT_ATTEMPTS: usize = 32;

/// Socket buffer asked for on each relay socket (video arrives in bursts of a frame's packets).
const RELAY_BUFFER: usize = 1 << 20;

/// Makes relay sockets for allocations.
pub struct RelayPorts {
    /// The address written into allocations (XOR-RELAYED-ADDRESS): what peers send to.
    pub advertised: IpAddr,
    /// The address relay sockets bind.
    pub bind: IpAddr,
    /// Lowest relay port.
    pub min: u16,
    /// Highest relay port (inclusive).
    pub max: u16,
    /// Peer addresses the relay refuses.
    pub policy: Arc<PeerPolicy>,
    /// The channel bindings the engine granted (the fast path).
    pub channels: Arc<Channels>,
    /// Bandwidth per participant, which the fast path counts as the gate does.
    pub usage: Arc<Usage>,
}

#[async_trait]
impl turn::relay::RelayAddressGenerator for RelayPorts {
    fn validate(&self) -> Result<(), turn::Error> {
        if self.min == 0 || self.max < self.min {
            return Err(turn::Error::ErrMaxPortLessThanMinPort);
        }
        Ok(())
    }

    async fn allocate_conn(
        &self,
        use_ipv4: bool,
        requested_port: u16,
    ) -> Result<(Arc<dyn Conn + Send + Sync>, SocketAddr), turn::Error> {
        if use_ipv4 != self.advertised.is_ipv4() {
            return Err(turn::Error::Other(
                "relay address family not available".into(),
            ));
        }
        let ports: Vec<u16> = if requested_port != 0 {
            vec![requested_port]
        } else {
            (0..PORT_ATTEMPTS)
                .map(|_| rand::random_range(self.min..=self.max))
                .collect()
        };
        for port in ports {
            if let Ok(socket) =
                super::bind_udp(SocketAddr::new(self.bind, port), RELAY_BUFFER, false)
            {
                let port = socket.local_addr()?.port();
                let relayed = SocketAddr::new(self.advertised, port);
                let socket = Arc::new(socket);
                self.channels.relay_opened(port, &socket);
                let conn = PeerFilter {
                    socket,
                    port,
                    policy: Arc::clone(&self.policy),
                    channels: Arc::clone(&self.channels),
                    usage: Arc::clone(&self.usage),
                };
                return Ok((Arc::new(conn), relayed));
            }
        }
        Err(turn::Error::ErrMaxRetriesExceeded)
    }
}

/// A relay socket that drops packets to and from refused peers. Permissions for them are refused
/// before this (see `gate`); this is the last line, for any path that might bypass that check.
struct PeerFilter {
    socket: Arc<UdpSocket>,
    port: u16,
    policy: Arc<PeerPolicy>,
    channels: Arc<Channels>,
    usage: Arc<Usage>,
}

/// Largest packet from a peer the fast path frames (the engine reads no more either).
const FRAME_BYTES: usize = 1500;

#[async_trait]
impl Conn for PeerFilter {
    async fn connect(&self, addr: SocketAddr) -> util::Result<()> {
        Ok(self.socket.connect(addr).await?)
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        let mut frame = [0u8; 4 + FRAME_BYTES + 3];
        loop {
            let (n, from) = self.socket.recv_from(buf).await?;
            if !self.policy.permits(from.ip()) {
                continue;
            }
            let Some(back) = (n <= FRAME_BYTES)
                .then(|| self.channels.to_client(self.port, from, Instant::now()))
                .flatten()
            else {
                return Ok((n, from));
            };
            // On a bound channel: framed as ChannelData (padded to four bytes, as the engine
            // does), straight to the client.
            let end = (4 + n).next_multiple_of(4);
            frame[..4].copy_from_slice(&channel_data_header(back.number, n));
            frame[4..4 + n].copy_from_slice(&buf[..n]);
            frame[4 + n..end].fill(0);
            if self.usage.admit(back.client, end)
                && back
                    .listener
                    .send_to(&frame[..end], back.client)
                    .await
                    .is_ok()
            {
                self.channels.count_relayed();
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> util::Result<usize> {
        Ok(self.socket.send(buf).await?)
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        if !self.policy.permits(target.ip()) {
            tracing::debug!(%target, "relay refused a packet to a private address");
            return Ok(buf.len());
        }
        Ok(self.socket.send_to(buf, target).await?)
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        Ok(self.socket.local_addr()?)
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> util::Result<()> {
        Ok(())
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}
