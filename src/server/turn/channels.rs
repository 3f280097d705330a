//! The gate's copy of the engine's channel bindings, so that relayed media (ChannelData, which
//! is nearly every packet a relay carries) skips the engine in both directions.
//!
//! The engine (the `turn` crate) relays each ChannelData packet through a chain of copies and
//! asynchronous locks: the packet copied into a new request, a `String` cloned for the realm, the
//! channel data decoded into two new buffers, the allocation and then the channel looked up
//! under two `tokio` mutexes; and for the way back one more lock, a scan of the bindings and two
//! more buffers. Profiled against coturn, that was a quarter of the relay's CPU per packet.
//!
//! This table learns only what the engine has granted, from the engine's own success answers
//! as they pass the gate: an allocation (ALLOCATE success: the relayed address and lifetime),
//! its refreshes (REFRESH success; lifetime 0 deletes it) and channel bindings (CHANNEL-BIND
//! success, matched to the request by transaction id). It never grants anything itself, so it
//! relays at most what the engine would: a binding is used only until its lifetime ends (a
//! little earlier than the engine's), only while the engine still holds the allocation (its
//! relay socket is alive and no close was reported), and only to peers the deny list permits.
//! Anything it does not know goes to the engine as before. Only UDP clients are learned (TCP
//! clients' ChannelData is framed by the TCP listener).
//!
//! Time is an input (`now`), so the rules are unit-tested without waiting.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use util::Conn;

/// How long a channel binding lasts in the engine (RFC 8656 §12: 10 minutes, the engine's
/// default); the table forgets a binding this much earlier, so it never outlives the engine's.
pub const BIND_LIFETIME: Duration = Duration::from_secs(600);
const MARGIN: Duration = Duration::from_secs(5);

/// Channel-bind requests waiting for the engine's answer, at most (a client with valid
/// credentials could send many without waiting; past this they simply take the engine's path).
const MAX_PENDING: usize = 1024;

/// How long a channel-bind request waits for its answer before it is forgotten.
const PENDING_FOR: Duration = Duration::from_secs(10);

/// A listener the gate wraps: where the way back to a client goes out.
pub type Listener = Arc<dyn Conn + Send + Sync>;

/// The table, shared by the UDP gates and the relay sockets.
#[derive(Default)]
pub struct Channels {
    table: Mutex<Table>,
    /// Packets relayed without the engine, both directions.
    relayed: AtomicU64,
}

impl std::fmt::Debug for Channels {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (clients, bindings, pending) = self.held();
        f.debug_struct("Channels")
            .field("clients", &clients)
            .field("bindings", &bindings)
            .field("pending", &pending)
            .field("relayed", &self.relayed())
            .finish()
    }
}

#[derive(Default)]
struct Table {
    /// Relay sockets by port, from their opening; an allocation links one to its client.
    relays: HashMap<u16, Weak<UdpSocket>>,
    /// Live entries in `relays` after the last sweep: the next sweep is due at twice as many.
    relays_swept: usize,
    /// Clients with an allocation the engine granted.
    clients: HashMap<SocketAddr, Client>,
    /// Relay port → its client, for the way back.
    by_relay: HashMap<u16, SocketAddr>,
    /// Channel-bind requests passed to the engine, by transaction id.
    pending: HashMap<[u8; 12], Pending>,
}

struct Client {
    relay: Weak<UdpSocket>,
    relay_port: u16,
    /// The listener the client's packets arrive on (and the way back leaves by).
    listener: Listener,
    expires: Instant,
    /// Bound channels by number.
    channels: HashMap<u16, Bound>,
}

#[derive(Clone, Copy)]
struct Bound {
    peer: SocketAddr,
    expires: Instant,
}

struct Pending {
    client: SocketAddr,
    number: u16,
    peer: SocketAddr,
    asked: Instant,
}

/// Where a client's ChannelData goes: out of this relay socket to this peer.
pub struct ToPeer {
    pub relay: Arc<UdpSocket>,
    pub peer: SocketAddr,
}

/// Where a peer's packet goes: to this client, on this channel, out of this listener.
pub struct ToClient {
    pub listener: Listener,
    pub client: SocketAddr,
    pub number: u16,
}

impl Channels {
    fn lock(&self) -> std::sync::MutexGuard<'_, Table> {
        crate::server::lock(&self.table)
    }

    /// A relay socket was opened on `port` (not yet anyone's).
    pub fn relay_opened(&self, port: u16, socket: &Arc<UdpSocket>) {
        let mut table = self.lock();
        table.relays.insert(port, Arc::downgrade(socket));
        // Closed sockets are swept out once the table has doubled since the last sweep.
        if table.relays.len() >= 2 * table.relays_swept.max(64) {
            table.relays.retain(|_, relay| relay.strong_count() > 0);
            table.relays_swept = table.relays.len();
        }
    }

    /// The engine granted `client` (on `listener`) an allocation relayed at `relay_port`, for
    /// `lifetime`.
    pub fn allocated(
        &self,
        client: SocketAddr,
        relay_port: u16,
        lifetime: Duration,
        listener: Listener,
        now: Instant,
    ) {
        let mut table = self.lock();
        let Some(relay) = table.relays.get(&relay_port).cloned() else {
            return;
        };
        if let Some(old) = table.clients.remove(&client) {
            table.by_relay.remove(&old.relay_port);
        }
        table.by_relay.insert(relay_port, client);
        table.clients.insert(
            client,
            Client {
                relay,
                relay_port,
                listener,
                expires: now + lifetime.saturating_sub(MARGIN),
                channels: HashMap::new(),
            },
        );
    }

    /// The engine refreshed `client`'s allocation to `lifetime` from now (0: deleted it).
    pub fn refreshed(&self, client: SocketAddr, lifetime: Duration, now: Instant) {
        if lifetime.is_zero() {
            self.closed(client);
        } else if let Some(known) = self.lock().clients.get_mut(&client) {
            known.expires = now + lifetime.saturating_sub(MARGIN);
        }
    }

    /// `client`'s allocation ended.
    pub fn closed(&self, client: SocketAddr) {
        let mut table = self.lock();
        if let Some(old) = table.clients.remove(&client) {
            table.by_relay.remove(&old.relay_port);
        }
    }

    /// `client` asked the engine (transaction `id`) to bind channel `number` to `peer`.
    pub fn bind_requested(
        &self,
        client: SocketAddr,
        id: [u8; 12],
        number: u16,
        peer: SocketAddr,
        now: Instant,
    ) {
        let mut table = self.lock();
        if !table.clients.contains_key(&client) {
            return;
        }
        if table.pending.len() >= MAX_PENDING {
            table
                .pending
                .retain(|_, pending| now.duration_since(pending.asked) < PENDING_FOR);
            if table.pending.len() >= MAX_PENDING {
                return;
            }
        }
        table.pending.insert(
            id,
            Pending {
                client,
                number,
                peer,
                asked: now,
            },
        );
    }

    /// The engine answered transaction `id` to `client`: `granted` if with success.
    pub fn bind_answered(&self, client: SocketAddr, id: [u8; 12], granted: bool, now: Instant) {
        let mut table = self.lock();
        let Some(pending) = table.pending.remove(&id) else {
            return;
        };
        if !granted || pending.client != client {
            return;
        }
        if let Some(known) = table.clients.get_mut(&client) {
            known.channels.insert(
                pending.number,
                Bound {
                    peer: pending.peer,
                    expires: now + BIND_LIFETIME - MARGIN,
                },
            );
        }
    }

    /// Where `client`'s data on channel `number` goes, if the engine bound it and it is live.
    pub fn to_peer(&self, client: SocketAddr, number: u16, now: Instant) -> Option<ToPeer> {
        let table = self.lock();
        let known = table.clients.get(&client)?;
        let bound = known.channels.get(&number)?;
        if now >= known.expires || now >= bound.expires {
            return None;
        }
        Some(ToPeer {
            relay: known.relay.upgrade()?,
            peer: bound.peer,
        })
    }

    /// Where a packet from `peer` to the relay socket on `relay_port` goes, if that peer has a
    /// live channel there.
    pub fn to_client(&self, relay_port: u16, peer: SocketAddr, now: Instant) -> Option<ToClient> {
        let table = self.lock();
        let client = *table.by_relay.get(&relay_port)?;
        let known = table.clients.get(&client)?;
        if now >= known.expires || known.relay.strong_count() == 0 {
            return None;
        }
        let (number, _) = known
            .channels
            .iter()
            .find(|(_, bound)| bound.peer == peer && now < bound.expires)?;
        Some(ToClient {
            listener: Arc::clone(&known.listener),
            client,
            number: *number,
        })
    }

    /// One packet was relayed without the engine.
    pub fn count_relayed(&self) {
        self.relayed.fetch_add(1, Ordering::Relaxed);
    }

    /// Packets relayed without the engine so far, both directions.
    pub fn relayed(&self) -> u64 {
        self.relayed.load(Ordering::Relaxed)
    }

    /// Clients, channel bindings and pending requests held (for tests and metrics).
    pub fn held(&self) -> (usize, usize, usize) {
        let table = self.lock();
        let bindings = table.clients.values().map(|c| c.channels.len()).sum();
        (table.clients.len(), bindings, table.pending.len())
    }
}

/// The four bytes in front of `len` bytes of data on channel `number` (over UDP, no padding).
pub fn channel_data_header(number: u16, len: usize) -> [u8; 4] {
    let [a, b] = number.to_be_bytes();
    let [c, d] = (len as u16).to_be_bytes();
    [a, b, c, d]
}

/// A ChannelData message's channel number and data, if `packet` is a well-formed one.
pub fn channel_data(packet: &[u8]) -> Option<(u16, &[u8])> {
    let [a, b, c, d, rest @ ..] = packet else {
        return None;
    };
    let number = u16::from_be_bytes([*a, *b]);
    let len = usize::from(u16::from_be_bytes([*c, *d]));
    ((0x4000..=0x7ffe).contains(&number) && rest.len() >= len).then(|| (number, &rest[..len]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    struct Lab {
        channels: Channels,
        relay: Arc<UdpSocket>,
        relay_port: u16,
        listener: Listener,
        now: Instant,
    }

    async fn lab() -> Lab {
        let relay = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let relay_port = relay.local_addr().unwrap().port();
        let listener: Listener = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
        let channels = Channels::default();
        channels.relay_opened(relay_port, &relay);
        Lab {
            channels,
            relay,
            relay_port,
            listener,
            now: Instant::now(),
        }
    }

    impl Lab {
        fn allocate(&self, client: SocketAddr) {
            let listener = Arc::clone(&self.listener);
            let lifetime = Duration::from_secs(600);
            (self.channels).allocated(client, self.relay_port, lifetime, listener, self.now);
        }

        fn bind(&self, client: SocketAddr, number: u16, peer: SocketAddr, granted: bool) {
            let id = [number as u8; 12];
            (self.channels).bind_requested(client, id, number, peer, self.now);
            (self.channels).bind_answered(client, id, granted, self.now);
        }
    }

    #[tokio::test]
    async fn a_granted_binding_is_used_both_ways() {
        let lab = lab().await;
        lab.allocate(addr(1));
        lab.bind(addr(1), 0x4000, addr(9), true);
        let out = lab.channels.to_peer(addr(1), 0x4000, lab.now).unwrap();
        assert_eq!(out.peer, addr(9));
        assert!(Arc::ptr_eq(&out.relay, &lab.relay));
        let back = lab.channels.to_client(lab.relay_port, addr(9), lab.now);
        let back = back.unwrap();
        assert_eq!((back.client, back.number), (addr(1), 0x4000));
    }

    #[tokio::test]
    async fn nothing_is_used_that_the_engine_did_not_grant() {
        let lab = lab().await;
        // A binding before any allocation is not even remembered.
        lab.bind(addr(1), 0x4000, addr(9), true);
        lab.allocate(addr(1));
        assert!(lab.channels.to_peer(addr(1), 0x4000, lab.now).is_none());
        // Refused by the engine.
        lab.bind(addr(1), 0x4001, addr(9), false);
        assert!(lab.channels.to_peer(addr(1), 0x4001, lab.now).is_none());
        // Asked but not answered yet.
        let id = [7; 12];
        (lab.channels).bind_requested(addr(1), id, 0x4002, addr(9), lab.now);
        assert!(lab.channels.to_peer(addr(1), 0x4002, lab.now).is_none());
        assert!(
            lab.channels
                .to_client(lab.relay_port, addr(9), lab.now)
                .is_none()
        );
        // An answer sent to someone else does not install it.
        (lab.channels).bind_answered(addr(2), id, true, lab.now);
        assert!(lab.channels.to_peer(addr(1), 0x4002, lab.now).is_none());
        // Another client's binding is not this client's.
        lab.bind(addr(1), 0x4003, addr(9), true);
        assert!(lab.channels.to_peer(addr(2), 0x4003, lab.now).is_none());
    }

    #[tokio::test]
    async fn a_binding_ends_before_the_engines_does() {
        let lab = lab().await;
        lab.allocate(addr(1));
        lab.bind(addr(1), 0x4000, addr(9), true);
        let later = lab.now + BIND_LIFETIME - MARGIN;
        assert!(lab.channels.to_peer(addr(1), 0x4000, later).is_none());
        assert!(
            lab.channels
                .to_client(lab.relay_port, addr(9), later)
                .is_none()
        );
        let earlier = later - Duration::from_secs(1);
        assert!(lab.channels.to_peer(addr(1), 0x4000, earlier).is_some());
    }

    #[tokio::test]
    async fn a_deleted_expired_or_closed_allocation_relays_nothing() {
        let lab = lab().await;
        lab.allocate(addr(1));
        lab.bind(addr(1), 0x4000, addr(9), true);
        lab.channels.refreshed(addr(1), Duration::ZERO, lab.now);
        assert!(lab.channels.to_peer(addr(1), 0x4000, lab.now).is_none());
        assert!(
            lab.channels
                .to_client(lab.relay_port, addr(9), lab.now)
                .is_none()
        );

        lab.allocate(addr(1));
        lab.bind(addr(1), 0x4000, addr(9), true);
        lab.channels
            .refreshed(addr(1), Duration::from_secs(60), lab.now);
        let after = lab.now + Duration::from_secs(60);
        assert!(lab.channels.to_peer(addr(1), 0x4000, after).is_none());

        lab.allocate(addr(1));
        lab.bind(addr(1), 0x4000, addr(9), true);
        lab.channels.closed(addr(1));
        assert!(lab.channels.to_peer(addr(1), 0x4000, lab.now).is_none());
        assert_eq!(lab.channels.held(), (0, 0, 0));
    }

    #[tokio::test]
    async fn once_the_engine_drops_the_relay_socket_nothing_uses_it() {
        let Lab {
            channels,
            relay,
            relay_port,
            listener,
            now,
        } = lab().await;
        let lifetime = Duration::from_secs(600);
        channels.allocated(addr(1), relay_port, lifetime, listener, now);
        channels.bind_requested(addr(1), [1; 12], 0x4000, addr(9), now);
        channels.bind_answered(addr(1), [1; 12], true, now);
        drop(relay);
        assert!(channels.to_peer(addr(1), 0x4000, now).is_none());
        assert!(channels.to_client(relay_port, addr(9), now).is_none());
    }

    #[tokio::test]
    async fn unanswered_requests_cannot_grow_the_table() {
        let lab = lab().await;
        lab.allocate(addr(1));
        for i in 0..5 * MAX_PENDING as u32 {
            let mut id = [0; 12];
            id[..4].copy_from_slice(&i.to_be_bytes());
            (lab.channels).bind_requested(addr(1), id, 0x4000, addr(9), lab.now);
        }
        assert_eq!(lab.channels.held().2, MAX_PENDING);
        // Once they are old, new ones take their place.
        let later = lab.now + PENDING_FOR;
        (lab.channels).bind_requested(addr(1), [0xff; 12], 0x4000, addr(9), later);
        assert_eq!(lab.channels.held().2, 1);
    }

    #[test]
    fn channel_data_is_read_only_when_well_formed() {
        assert_eq!(
            channel_data(&[0x40, 0x01, 0, 3, 1, 2, 3, 0]),
            Some((0x4001, &[1u8, 2, 3][..]))
        );
        assert_eq!(channel_data(&[0x40, 0x01, 0, 4, 1, 2, 3]), None, "short");
        assert_eq!(channel_data(&[0x3f, 0xff, 0, 0]), None, "not a channel");
        assert_eq!(channel_data(&[0x7f, 0xff, 0, 0]), None, "reserved");
        assert_eq!(channel_data(&[0x40, 0x00, 0]), None, "no header");
    }
}
