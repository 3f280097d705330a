//! The gate in front of the TURN protocol engine: it sees every packet a TURN listener receives
//! or sends, and enforces what the engine does not know about:
//! - peers in refused ranges (403 Forbidden), the allocation quotas (486) and the bandwidth per
//!   participant (excess dropped), see [`super::usage`];
//! - the nonce handshake, answered by the gate itself so that no request can make the engine
//!   remember anything ([`super::nonce`]);
//! - the rate of requests without valid credentials, per client and server-wide, and relayed
//!   data from clients without an allocation, dropped and counted ([`super::flood`]).

use super::channels::{Channels, channel_data};
use super::credentials::Authenticator;
use super::flood::{Dropped, Flood};
use super::nonce::{Nonces, Refresh, Standing};
use super::peers::PeerPolicy;
use super::usage::Usage;
use async_trait::async_trait;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use stun::attributes::{
    ATTR_MESSAGE_INTEGRITY, ATTR_NONCE, ATTR_REALM, ATTR_USERNAME, ATTR_XOR_PEER_ADDRESS,
};
use stun::error_code::{
    CODE_ALLOC_QUOTA_REACHED, CODE_FORBIDDEN, CODE_STALE_NONCE, CODE_UNAUTHORIZED, ErrorCode,
    ErrorCodeAttribute,
};
use stun::integrity::MessageIntegrity;
use stun::message::{
    CLASS_ERROR_RESPONSE, CLASS_REQUEST, Getter, METHOD_ALLOCATE, METHOD_BINDING,
    METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION, METHOD_REFRESH, Message, MessageType, Setter,
};
use stun::textattrs::{Nonce, Realm, Username};
use turn::proto::channum::ChannelNumber;
use turn::proto::lifetime::Lifetime;
use turn::proto::peeraddr::PeerAddress;
use turn::proto::relayaddr::RelayedAddress;
use util::Conn;

/// STUN message types (method and class bits interleaved, RFC 5389 §6) the gate watches.
const ALLOCATE_SUCCESS: u16 = 0x0103;
const REFRESH_SUCCESS: u16 = 0x0104;
const CHANNEL_BIND_REQUEST: u16 = 0x0009;
const CHANNEL_BIND_SUCCESS: u16 = 0x0109;
const CHANNEL_BIND_ERROR: u16 = 0x0119;
const DATA_INDICATION: u16 = 0x0017;
const SEND_INDICATION: u16 = 0x0016;

/// The source the gate's own requests to the engine come from: port 0 is never a real one.
const GATE_ITSELF: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 0);

/// What the gate shares with the engine's listeners.
pub struct Rules {
    /// Checks credentials (the gate needs keys to sign its refusals).
    pub auth: Arc<Authenticator>,
    /// The realm the engine uses.
    pub realm: String,
    /// Peer addresses the relay refuses.
    pub policy: Arc<PeerPolicy>,
    /// Quotas and bandwidth.
    pub usage: Arc<Usage>,
    /// Rates of unauthenticated requests, and what was dropped.
    pub flood: Arc<Flood>,
    /// The nonces in play, and the expired one a refresh asked the engine to forget.
    nonces: Mutex<(Nonces, Option<String>)>,
}

impl Rules {
    /// Rules with full budgets and no nonce yet.
    pub fn new(
        auth: Arc<Authenticator>,
        realm: String,
        policy: Arc<PeerPolicy>,
        usage: Arc<Usage>,
    ) -> Self {
        Rules {
            auth,
            realm,
            policy,
            usage,
            flood: Arc::new(Flood::new(Instant::now())),
            nonces: Mutex::new((Nonces::default(), None)),
        }
    }

    /// Nonces the engine holds, as far as the gate knows (a handful at most).
    pub fn nonces_held_by_engine(&self) -> usize {
        crate::server::lock(&self.nonces).0.held_by_engine()
    }
}

/// A listener socket wrapped by the gate.
pub struct Gate {
    /// The real listener (UDP socket or the TCP adapter).
    pub inner: Arc<dyn Conn + Send + Sync>,
    /// What to enforce.
    pub rules: Arc<Rules>,
    /// A client's packet put aside while the engine answers the gate's own request.
    pub stashed: Mutex<Option<(Vec<u8>, SocketAddr)>>,
    /// The listener's address, read once: the engine asks for it on every relayed packet, and
    /// asking the socket each time is a system call per packet (`getsockname`).
    local: Option<SocketAddr>,
    /// On a UDP listener: the channel bindings the engine granted, which relay ChannelData
    /// without it.
    channels: Option<Arc<Channels>>,
}

/// What becomes of a packet from a client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The engine handles it.
    Pass,
    /// Nobody sees it.
    Drop,
    /// The gate answers it itself.
    Reply(Vec<u8>),
    /// The engine is handed this request of the gate's own first (and the client's packet waits).
    Inject(Vec<u8>),
}

impl Gate {
    /// A gate around `inner`.
    pub fn new(inner: Arc<dyn Conn + Send + Sync>, rules: Arc<Rules>) -> Self {
        Gate {
            local: inner.local_addr().ok(),
            inner,
            rules,
            stashed: Mutex::new(None),
            channels: None,
        }
    }

    /// The same gate, relaying ChannelData on channels the engine bound without it (for UDP
    /// listeners).
    pub fn with_channels(mut self, channels: Arc<Channels>) -> Self {
        self.channels = Some(channels);
        self
    }

    /// A packet the engine would take: relayed here if it is ChannelData on a channel the
    /// engine bound (true), or noted if it asks for a channel (false: the engine takes it).
    async fn relayed_here(&self, channels: &Channels, packet: &[u8], from: SocketAddr) -> bool {
        let now = Instant::now();
        if let Some((number, data)) = channel_data(packet) {
            let Some(out) = channels.to_peer(from, number, now) else {
                return false;
            };
            if self.rules.policy.permits(out.peer.ip())
                && out.relay.send_to(data, out.peer).await.is_ok()
            {
                channels.count_relayed();
            }
            return true;
        }
        if packet.starts_with(&CHANNEL_BIND_REQUEST.to_be_bytes())
            && let Some((id, number, peer)) = channel_bind(packet)
        {
            channels.bind_requested(from, id, number, peer, now);
        }
        false
    }

    /// Notes what the engine granted in an answer to `client`.
    fn granted(&self, channels: &Channels, kind: u16, answer: &[u8], client: SocketAddr) {
        let now = Instant::now();
        let mut message = Message::new();
        let parsed = matches!(kind, ALLOCATE_SUCCESS | REFRESH_SUCCESS)
            && message.unmarshal_binary(answer).is_ok();
        match kind {
            ALLOCATE_SUCCESS if parsed => {
                let mut relayed = RelayedAddress::default();
                let mut lifetime = Lifetime::default();
                if relayed.get_from(&message).is_ok() && lifetime.get_from(&message).is_ok() {
                    let listener = Arc::clone(&self.inner);
                    channels.allocated(client, relayed.port, lifetime.0, listener, now);
                }
            }
            REFRESH_SUCCESS if parsed => {
                let mut lifetime = Lifetime::default();
                if lifetime.get_from(&message).is_ok() {
                    channels.refreshed(client, lifetime.0, now);
                }
            }
            CHANNEL_BIND_SUCCESS | CHANNEL_BIND_ERROR if answer.len() >= 20 => {
                let id: [u8; 12] = std::array::from_fn(|i| answer[8 + i]);
                channels.bind_answered(client, id, kind == CHANNEL_BIND_SUCCESS, now);
            }
            _ => {}
        }
    }
}

impl Rules {
    /// What becomes of `packet`, received from `from` at `now`.
    pub fn judge(&self, packet: &[u8], from: SocketAddr, now: Instant) -> Verdict {
        match packet.first() {
            // ChannelData: relayed bytes.
            Some(0x40..=0x7f) => self.relayed(from, packet.len()),
            Some(0x00..=0x3f) if packet.len() >= 20 => {
                let kind = u16::from_be_bytes([packet[0], packet[1]]);
                if kind == SEND_INDICATION {
                    return self.relayed(from, packet.len());
                }
                let typ = message_type(kind);
                if typ.class == CLASS_REQUEST && typ.method == METHOD_BINDING {
                    return Verdict::Pass;
                }
                let watched = [
                    METHOD_ALLOCATE,
                    METHOD_REFRESH,
                    METHOD_CREATE_PERMISSION,
                    METHOD_CHANNEL_BIND,
                ];
                let mut message = Message::new();
                if typ.class != CLASS_REQUEST
                    || !watched.contains(&typ.method)
                    || message.unmarshal_binary(packet).is_err()
                {
                    self.flood.count(Dropped::Malformed, from);
                    return Verdict::Drop;
                }
                self.request(message, from, now)
            }
            _ => {
                self.flood.count(Dropped::Malformed, from);
                Verdict::Drop
            }
        }
    }

    /// Relayed data from a client: only with an allocation, and within its bandwidth.
    fn relayed(&self, client: SocketAddr, bytes: usize) -> Verdict {
        if !self.usage.has_allocation(client) {
            self.flood.count(Dropped::NoAllocation, client);
            return Verdict::Drop;
        }
        if self.usage.admit(client, bytes) {
            Verdict::Pass
        } else {
            Verdict::Drop
        }
    }

    fn request(&self, mut message: Message, from: SocketAddr, now: Instant) -> Verdict {
        let (usable, standing) = {
            let mut nonces = crate::server::lock(&self.nonces);
            if let Some(refresh) = nonces.0.refresh(now) {
                let (request, purged) = own_request(&refresh);
                nonces.1 = purged;
                return Verdict::Inject(request);
            }
            let presented = message
                .contains(ATTR_MESSAGE_INTEGRITY)
                .then(|| {
                    let mut nonce = Nonce::new(ATTR_NONCE, String::new());
                    nonce.get_from(&message).ok().map(|()| nonce.text.clone())
                })
                .flatten();
            let standing = presented.map(|nonce| nonces.0.standing(&nonce, now));
            (nonces.0.usable(now).map(str::to_owned), standing)
        };
        let challenge = |code| match &usable {
            Some(nonce) => challenge(&message, code, nonce, &self.realm),
            // No nonce yet (the engine is being asked for one): the client retransmits.
            None => Verdict::Drop,
        };
        match standing {
            // Without credentials (or without a nonce): the first leg of every allocation.
            None => {
                if !self.flood.admit_unauthenticated(from, now) {
                    return Verdict::Drop;
                }
                challenge(CODE_UNAUTHORIZED)
            }
            Some(Standing::Stale) => {
                if !self.flood.admit_unauthenticated(from, now) {
                    return Verdict::Drop;
                }
                challenge(CODE_STALE_NONCE)
            }
            Some(Standing::Valid) => self.authenticated(&mut message, from, now),
        }
    }

    /// A request with a valid nonce: only those that prove the credential are judged (and
    /// answered, signed); the engine refuses the rest itself, within the unauthenticated rate.
    fn authenticated(&self, message: &mut Message, from: SocketAddr, now: Instant) -> Verdict {
        let mut username = Username::new(ATTR_USERNAME, String::new());
        let proven = username.get_from(message).ok().and_then(|()| {
            let name = username.to_string();
            let key = self.auth.key(&name, &self.realm).ok()?;
            let integrity = MessageIntegrity(key);
            integrity.check(message).ok().map(|()| (name, integrity))
        });
        let Some((username, integrity)) = proven else {
            return if self.flood.admit_unauthenticated(from, now) {
                Verdict::Pass
            } else {
                Verdict::Drop
            };
        };
        let method = message.typ.method;
        if method == METHOD_ALLOCATE && self.auth.expired(&username, SystemTime::now()) {
            tracing::info!(%from, user = %username, "TURN allocation with an expired credential refused");
            return refusal(message, CODE_UNAUTHORIZED, "Credential expired", integrity);
        }
        if method == METHOD_ALLOCATE && !self.usage.may_allocate(from, &username) {
            tracing::info!(%from, user = %username, "TURN allocation quota reached");
            return refusal(
                message,
                CODE_ALLOC_QUOTA_REACHED,
                "Allocation quota reached",
                integrity,
            );
        }
        if method == METHOD_CREATE_PERMISSION || method == METHOD_CHANNEL_BIND {
            let refused = peer_addresses(message)
                .into_iter()
                .find(|peer| !self.policy.permits(*peer));
            if let Some(peer) = refused {
                // Common and harmless: browsers pair relay candidates with private host ones.
                tracing::debug!(%from, %peer, "TURN relay to a private address refused");
                return refusal(message, CODE_FORBIDDEN, "Forbidden peer address", integrity);
            }
        }
        Verdict::Pass
    }

    /// An answer from the engine: the gate learns the nonces it makes, and keeps the answers to
    /// its own requests to itself. Returns whether the answer should go out.
    pub fn learn(&self, answer: &[u8], target: SocketAddr) -> bool {
        let is_error = answer.len() >= 20
            && message_type(u16::from_be_bytes([answer[0], answer[1]])).class
                == CLASS_ERROR_RESPONSE;
        if is_error {
            let mut message = Message::new();
            let mut nonce = Nonce::new(ATTR_NONCE, String::new());
            if message.unmarshal_binary(answer).is_ok() && nonce.get_from(&message).is_ok() {
                let mut nonces = crate::server::lock(&self.nonces);
                let purged = nonces.1.take();
                nonces
                    .0
                    .learned(nonce.text, purged.as_deref(), Instant::now());
            }
        }
        target != GATE_ITSELF
    }
}

/// The request the gate hands the engine to get a new nonce, and the expired nonce it makes
/// the engine forget (if any).
fn own_request(refresh: &Refresh) -> (Vec<u8>, Option<String>) {
    let mut message = Message::new();
    let _ = message.new_transaction_id();
    message.set_type(MessageType::new(METHOD_ALLOCATE, CLASS_REQUEST));
    let purged = match refresh {
        Refresh::Mint => None,
        Refresh::Purge(old) => {
            // An expired nonce with something in the integrity's place: the engine checks the
            // nonce first, forgets it, and answers with a new one.
            message.add(ATTR_NONCE, old.as_bytes());
            message.add(ATTR_MESSAGE_INTEGRITY, &[0; 20]);
            Some(old.clone())
        }
    };
    message.write_header();
    (message.raw, purged)
}

/// The unsigned challenge (401 or 438) that hands a client the realm and the current nonce.
fn challenge(request: &Message, code: ErrorCode, nonce: &str, realm: &str) -> Verdict {
    let setters: Vec<Box<dyn Setter>> = vec![
        Box::new(Message {
            transaction_id: request.transaction_id,
            ..Default::default()
        }),
        Box::new(MessageType::new(request.typ.method, CLASS_ERROR_RESPONSE)),
        Box::new(ErrorCodeAttribute {
            code,
            reason: Vec::new(),
        }),
        Box::new(Nonce::new(ATTR_NONCE, nonce.to_owned())),
        Box::new(Realm::new(ATTR_REALM, realm.to_owned())),
    ];
    let mut answer = Message::new();
    match answer.build(&setters) {
        Ok(()) => Verdict::Reply(answer.raw),
        Err(_) => Verdict::Drop,
    }
}

#[async_trait]
impl Conn for Gate {
    async fn connect(&self, addr: SocketAddr) -> util::Result<()> {
        self.inner.connect(addr).await
    }

    async fn recv(&self, buf: &mut [u8]) -> util::Result<usize> {
        Ok(self.recv_from(buf).await?.0)
    }

    async fn recv_from(&self, buf: &mut [u8]) -> util::Result<(usize, SocketAddr)> {
        loop {
            let stashed = crate::server::lock(&self.stashed).take();
            let (n, from) = match stashed {
                Some((packet, from)) if packet.len() <= buf.len() => {
                    buf[..packet.len()].copy_from_slice(&packet);
                    (packet.len(), from)
                }
                _ => self.inner.recv_from(buf).await?,
            };
            match self.rules.judge(&buf[..n], from, Instant::now()) {
                Verdict::Pass => {
                    if let Some(channels) = &self.channels
                        && self.relayed_here(channels, &buf[..n], from).await
                    {
                        continue;
                    }
                    return Ok((n, from));
                }
                Verdict::Drop => {}
                Verdict::Reply(answer) => {
                    let _ = self.inner.send_to(&answer, from).await;
                }
                Verdict::Inject(request) if request.len() <= buf.len() => {
                    *crate::server::lock(&self.stashed) = Some((buf[..n].to_vec(), from));
                    buf[..request.len()].copy_from_slice(&request);
                    return Ok((request.len(), GATE_ITSELF));
                }
                Verdict::Inject(_) => {}
            }
        }
    }

    async fn send(&self, buf: &[u8]) -> util::Result<usize> {
        self.inner.send(buf).await
    }

    async fn send_to(&self, buf: &[u8], target: SocketAddr) -> util::Result<usize> {
        let kind = match buf {
            [a, b, ..] => u16::from_be_bytes([*a, *b]),
            _ => 0,
        };
        let relayed = matches!(buf.first(), Some(0x40..=0x7f)) || kind == DATA_INDICATION;
        if relayed && !self.rules.usage.admit(target, buf.len()) {
            return Ok(buf.len());
        }
        if kind == ALLOCATE_SUCCESS {
            self.rules.usage.allocated(target);
        }
        if let Some(channels) = &self.channels
            && !relayed
        {
            self.granted(channels, kind, buf, target);
        }
        if !self.rules.learn(buf, target) {
            return Ok(buf.len());
        }
        self.inner.send_to(buf, target).await
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        match self.local {
            Some(local) => Ok(local),
            None => self.inner.local_addr(),
        }
    }

    fn remote_addr(&self) -> Option<SocketAddr> {
        None
    }

    async fn close(&self) -> util::Result<()> {
        self.inner.close().await
    }

    fn as_any(&self) -> &(dyn std::any::Any + Send + Sync) {
        self
    }
}

/// A channel-bind request's transaction id, channel number and peer, if it is well formed.
fn channel_bind(packet: &[u8]) -> Option<([u8; 12], u16, SocketAddr)> {
    let mut message = Message::new();
    message.unmarshal_binary(packet).ok()?;
    let mut number = ChannelNumber::default();
    let mut peer = PeerAddress::default();
    number.get_from(&message).ok()?;
    peer.get_from(&message).ok()?;
    let peer = SocketAddr::new(peer.ip, peer.port);
    Some((message.transaction_id.0, number.0, peer))
}

/// The method and class of a STUN message type.
fn message_type(kind: u16) -> MessageType {
    let mut typ = MessageType::default();
    typ.read_value(kind);
    typ
}

/// Every XOR-PEER-ADDRESS of a request (CreatePermission may carry several).
fn peer_addresses(message: &Message) -> Vec<IpAddr> {
    let magic = stun::message::MAGIC_COOKIE.to_be_bytes();
    message
        .attributes
        .0
        .iter()
        .filter(|attr| attr.typ == ATTR_XOR_PEER_ADDRESS)
        .map(|attr| {
            let value = &attr.value;
            match (value.get(1), value.len()) {
                (Some(0x01), 8) => {
                    let ip: [u8; 4] = std::array::from_fn(|i| value[4 + i] ^ magic[i]);
                    IpAddr::V4(Ipv4Addr::from(ip))
                }
                (Some(0x02), 20) => {
                    let mut mask = [0u8; 16];
                    mask[..4].copy_from_slice(&magic);
                    mask[4..].copy_from_slice(&message.transaction_id.0);
                    let ip: [u8; 16] = std::array::from_fn(|i| value[4 + i] ^ mask[i]);
                    IpAddr::V6(Ipv6Addr::from(ip))
                }
                // A peer address the gate cannot read: refuse rather than let it through.
                _ => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            }
        })
        .collect()
}

/// A signed error response to `request`.
fn refusal(request: &Message, code: ErrorCode, reason: &str, key: MessageIntegrity) -> Verdict {
    let setters: Vec<Box<dyn Setter>> = vec![
        Box::new(Message {
            transaction_id: request.transaction_id,
            ..Default::default()
        }),
        Box::new(MessageType::new(request.typ.method, CLASS_ERROR_RESPONSE)),
        Box::new(ErrorCodeAttribute {
            code,
            reason: reason.as_bytes().to_vec(),
        }),
        Box::new(key),
    ];
    let mut answer = Message::new();
    match answer.build(&setters) {
        Ok(()) => Verdict::Reply(answer.raw),
        Err(_) => Verdict::Drop,
    }
}
