//! The gate in front of the TURN protocol engine: it sees every packet a TURN listener receives
//! or sends, and enforces what the engine does not know about — peers in refused ranges
//! (403 Forbidden), the allocation quota per user (486), the bandwidth per user (excess dropped)
//! and the rate of unauthenticated requests (each makes the engine remember a nonce).

use super::credentials::Authenticator;
use super::peers::PeerPolicy;
use super::usage::Usage;
use crate::server::rate::TokenBucket;
use async_trait::async_trait;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};
use stun::attributes::{ATTR_MESSAGE_INTEGRITY, ATTR_USERNAME, ATTR_XOR_PEER_ADDRESS};
use stun::error_code::{
    CODE_ALLOC_QUOTA_REACHED, CODE_FORBIDDEN, CODE_UNAUTHORIZED, ErrorCode, ErrorCodeAttribute,
};
use stun::integrity::MessageIntegrity;
use stun::message::{
    CLASS_ERROR_RESPONSE, CLASS_REQUEST, Getter, METHOD_ALLOCATE, METHOD_CHANNEL_BIND,
    METHOD_CREATE_PERMISSION, METHOD_REFRESH, Message, MessageType, Setter,
};
use stun::textattrs::Username;
use util::Conn;

/// Requests without credentials accepted per second, server-wide (a browser sends one per
/// allocation, to learn the nonce).
const UNAUTHENTICATED_PER_SECOND: u64 = 200;
/// ... and at once.
const UNAUTHENTICATED_BURST: u64 = 1000;

/// STUN message types (method and class bits interleaved, RFC 5389 §6) the gate watches.
const ALLOCATE_SUCCESS: u16 = 0x0103;
const DATA_INDICATION: u16 = 0x0017;
const SEND_INDICATION: u16 = 0x0016;

/// What the gate shares with the engine's listeners.
pub struct Rules {
    /// Checks credentials (the gate needs keys to sign its refusals).
    pub auth: Arc<Authenticator>,
    /// The realm the engine uses.
    pub realm: String,
    /// Peer addresses the relay refuses.
    pub policy: Arc<PeerPolicy>,
    /// Quota and bandwidth per user.
    pub usage: Arc<Usage>,
    /// Requests without credentials, server-wide.
    pub unauthenticated: Mutex<TokenBucket>,
}

impl Rules {
    /// Rules with the default rate of unauthenticated requests.
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
            unauthenticated: Mutex::new(TokenBucket::per_second(
                UNAUTHENTICATED_PER_SECOND,
                UNAUTHENTICATED_BURST,
                Instant::now(),
            )),
        }
    }
}

/// A listener socket wrapped by the gate.
pub struct Gate {
    /// The real listener (UDP socket or the TCP adapter).
    pub inner: Arc<dyn Conn + Send + Sync>,
    /// What to enforce.
    pub rules: Arc<Rules>,
}

/// What becomes of a packet from a client.
enum Verdict {
    /// The engine handles it.
    Pass,
    /// Nobody sees it.
    Drop,
    /// The gate answers it itself.
    Reply(Vec<u8>),
}

impl Gate {
    fn inspect(&self, packet: &[u8], from: SocketAddr) -> Verdict {
        match packet.first() {
            // ChannelData: relayed bytes.
            Some(0x40..=0x7f) => self.metered(from, packet.len()),
            Some(0x00..=0x3f) if packet.len() >= 20 => {
                let kind = u16::from_be_bytes([packet[0], packet[1]]);
                if kind == SEND_INDICATION {
                    return self.metered(from, packet.len());
                }
                let typ = message_type(kind);
                let watched = [
                    METHOD_ALLOCATE,
                    METHOD_REFRESH,
                    METHOD_CREATE_PERMISSION,
                    METHOD_CHANNEL_BIND,
                ];
                if typ.class != CLASS_REQUEST || !watched.contains(&typ.method) {
                    return Verdict::Pass;
                }
                let mut message = Message::new();
                if message.unmarshal_binary(packet).is_err() {
                    return Verdict::Drop;
                }
                self.request(message, from)
            }
            _ => Verdict::Pass,
        }
    }

    fn metered(&self, client: SocketAddr, bytes: usize) -> Verdict {
        if self.rules.usage.admit(client, bytes) {
            Verdict::Pass
        } else {
            Verdict::Drop
        }
    }

    fn request(&self, mut message: Message, from: SocketAddr) -> Verdict {
        if !message.contains(ATTR_MESSAGE_INTEGRITY) {
            let mut bucket = crate::server::lock(&self.rules.unauthenticated);
            return if bucket.take(Instant::now()) {
                Verdict::Pass
            } else {
                Verdict::Drop
            };
        }
        // Only requests that prove the credential are judged (and answered, signed); the engine
        // refuses the rest itself.
        let mut username = Username::new(ATTR_USERNAME, String::new());
        if username.get_from(&message).is_err() {
            return Verdict::Pass;
        }
        let username = username.to_string();
        let Ok(key) = self.rules.auth.key(&username, &self.rules.realm) else {
            return Verdict::Pass;
        };
        let integrity = MessageIntegrity(key);
        if integrity.check(&mut message).is_err() {
            return Verdict::Pass;
        }
        let method = message.typ.method;
        if method == METHOD_ALLOCATE && self.rules.auth.expired(&username, SystemTime::now()) {
            tracing::info!(%from, user = %username, "TURN allocation with an expired credential refused");
            return refusal(&message, CODE_UNAUTHORIZED, "Credential expired", integrity);
        }
        if method == METHOD_ALLOCATE && !self.rules.usage.may_allocate(from, &username) {
            tracing::info!(%from, user = %username, "TURN allocation quota reached");
            return refusal(
                &message,
                CODE_ALLOC_QUOTA_REACHED,
                "Allocation quota reached",
                integrity,
            );
        }
        if method == METHOD_CREATE_PERMISSION || method == METHOD_CHANNEL_BIND {
            let refused = peer_addresses(&message)
                .into_iter()
                .find(|peer| !self.rules.policy.permits(*peer));
            if let Some(peer) = refused {
                // Common and harmless: browsers pair relay candidates with private host ones.
                tracing::debug!(%from, %peer, "TURN relay to a private address refused");
                return refusal(
                    &message,
                    CODE_FORBIDDEN,
                    "Forbidden peer address",
                    integrity,
                );
            }
        }
        Verdict::Pass
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
            let (n, from) = self.inner.recv_from(buf).await?;
            match self.inspect(&buf[..n], from) {
                Verdict::Pass => return Ok((n, from)),
                Verdict::Drop => {}
                Verdict::Reply(answer) => {
                    let _ = self.inner.send_to(&answer, from).await;
                }
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
        self.inner.send_to(buf, target).await
    }

    fn local_addr(&self) -> util::Result<SocketAddr> {
        self.inner.local_addr()
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
