//! The embedded TURN server over real sockets, driven by a minimal TURN client written with the
#![cfg(feature = "ssr")]
//! STUN codec: credentials, the private-address deny list, quotas, TCP framing, and relaying.

use confab::protocol::PeerId;
use confab::server::turn::credentials::{Credential, TurnSecret};
use confab::server::turn::usage::UsageLimits;
use confab::server::turn::{REALM, TurnOptions, TurnServer};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime};
use stun::agent::TransactionId;
use stun::attributes::{ATTR_NONCE, ATTR_REALM, ATTR_USERNAME};
use stun::error_code::ErrorCodeAttribute;
use stun::integrity::MessageIntegrity;
use stun::message::{
    CLASS_ERROR_RESPONSE, CLASS_INDICATION, CLASS_REQUEST, CLASS_SUCCESS_RESPONSE, Getter,
    METHOD_ALLOCATE, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION, METHOD_REFRESH, METHOD_SEND,
    Message, MessageType, Setter,
};
use stun::textattrs::TextAttribute;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use turn::proto::PROTO_UDP;
use turn::proto::channum::ChannelNumber;
use turn::proto::data::Data;
use turn::proto::lifetime::Lifetime;
use turn::proto::peeraddr::PeerAddress;
use turn::proto::relayaddr::RelayedAddress;
use turn::proto::reqtrans::RequestedTransport;

const SECRET: &str = "test-secret";

async fn server(allowed: &[&str], limits: UsageLimits) -> TurnServer {
    TurnServer::start(TurnOptions {
        listen: "127.0.0.1:0".parse().unwrap(),
        external_ip: None,
        relay_ports: (40000, 49999),
        allowed_peers: allowed.iter().map(|r| r.parse().unwrap()).collect(),
        limits,
        secret: TurnSecret::new(SECRET),
    })
    .await
    .unwrap()
}

fn unlimited() -> UsageLimits {
    UsageLimits {
        allocations: None,
        bytes_per_second: None,
        allocations_per_address: None,
    }
}

fn credential() -> Credential {
    TurnSecret::new(SECRET).issue(PeerId(1), SystemTime::now(), Duration::from_secs(600))
}

/// How a request was answered.
#[derive(Debug, PartialEq)]
enum Answer {
    Success(Message),
    Error(u16),
}

/// A TURN client over UDP or TCP that authenticates with a credential.
struct Client {
    udp: Option<UdpSocket>,
    tcp: Option<TcpStream>,
    server: SocketAddr,
    username: String,
    integrity: MessageIntegrity,
    nonce: String,
}

impl Client {
    async fn udp(server: SocketAddr, credential: &Credential) -> Self {
        Self::udp_from("127.0.0.1", server, credential).await
    }

    /// A client on the loopback address `ip` (another address stands for another network).
    async fn udp_from(ip: &str, server: SocketAddr, credential: &Credential) -> Self {
        let socket = UdpSocket::bind((ip, 0)).await.unwrap();
        Self::new(Some(socket), None, server, credential)
    }

    async fn tcp(server: SocketAddr, credential: &Credential) -> Self {
        let stream = TcpStream::connect(server).await.unwrap();
        Self::new(None, Some(stream), server, credential)
    }

    fn new(
        udp: Option<UdpSocket>,
        tcp: Option<TcpStream>,
        server: SocketAddr,
        credential: &Credential,
    ) -> Self {
        Client {
            udp,
            tcp,
            server,
            username: credential.username.clone(),
            integrity: MessageIntegrity::new_long_term_integrity(
                credential.username.clone(),
                REALM.to_owned(),
                credential.password.clone(),
            ),
            nonce: String::new(),
        }
    }

    async fn send(&mut self, bytes: &[u8]) {
        if let Some(udp) = &self.udp {
            udp.send_to(bytes, self.server).await.unwrap();
        } else if let Some(tcp) = &mut self.tcp {
            tcp.write_all(bytes).await.unwrap();
        }
    }

    async fn receive(&mut self) -> Message {
        let mut buf = vec![0u8; 2048];
        let n = if let Some(udp) = &self.udp {
            tokio::time::timeout(Duration::from_secs(5), udp.recv(&mut buf))
                .await
                .expect("an answer within 5 s")
                .unwrap()
        } else {
            let tcp = self.tcp.as_mut().unwrap();
            tcp.read_exact(&mut buf[..20]).await.unwrap();
            let length = usize::from(u16::from_be_bytes([buf[2], buf[3]]));
            tcp.read_exact(&mut buf[20..20 + length]).await.unwrap();
            20 + length
        };
        let mut message = Message::new();
        message.unmarshal_binary(&buf[..n]).unwrap();
        message
    }

    /// Sends a request (learning the nonce first if needed) and returns the answer.
    async fn request(
        &mut self,
        method: stun::message::Method,
        attrs: impl Fn() -> Vec<Box<dyn Setter>>,
    ) -> Answer {
        for _ in 0..2 {
            let mut setters: Vec<Box<dyn Setter>> = vec![
                Box::new(TransactionId::new()),
                Box::new(MessageType::new(method, CLASS_REQUEST)),
            ];
            let authenticated = !self.nonce.is_empty();
            if authenticated {
                setters.push(Box::new(TextAttribute::new(
                    ATTR_USERNAME,
                    self.username.clone(),
                )));
                setters.push(Box::new(TextAttribute::new(ATTR_REALM, REALM.to_owned())));
                setters.push(Box::new(TextAttribute::new(ATTR_NONCE, self.nonce.clone())));
            }
            // Built per attempt: XOR addresses depend on the transaction id, which comes first.
            setters.extend(attrs());
            if authenticated {
                setters.push(Box::new(self.integrity.clone()));
            }
            let mut message = Message::new();
            message.build(&setters).unwrap();
            self.send(&message.raw).await;
            let answer = self.receive().await;
            if answer.typ.class == CLASS_SUCCESS_RESPONSE {
                return Answer::Success(answer);
            }
            assert_eq!(answer.typ.class, CLASS_ERROR_RESPONSE);
            let mut code = ErrorCodeAttribute::default();
            code.get_from(&answer).unwrap();
            if !authenticated && code.code.0 == 401 {
                let nonce = TextAttribute::get_from_as(&answer, ATTR_NONCE).unwrap();
                self.nonce = nonce.text;
                continue;
            }
            return Answer::Error(code.code.0);
        }
        unreachable!("answered with a nonce twice")
    }

    async fn allocate(&mut self) -> Answer {
        self.request(METHOD_ALLOCATE, || {
            vec![Box::new(RequestedTransport {
                protocol: PROTO_UDP,
            })]
        })
        .await
    }

    async fn permit(&mut self, peer: SocketAddr) -> Answer {
        self.request(METHOD_CREATE_PERMISSION, || {
            vec![Box::new(peer_address(peer))]
        })
        .await
    }

    async fn bind_channel(&mut self, number: u16, peer: SocketAddr) -> Answer {
        self.request(METHOD_CHANNEL_BIND, || {
            vec![
                Box::new(ChannelNumber(number)),
                Box::new(peer_address(peer)),
            ]
        })
        .await
    }

    /// Asks for the allocation to last `lifetime` more (zero: delete it now).
    async fn refresh(&mut self, lifetime: Duration) -> Answer {
        self.request(METHOD_REFRESH, || vec![Box::new(Lifetime(lifetime))])
            .await
    }

    /// Relays `data` on a bound channel (ChannelData, padded to four bytes).
    async fn send_channel_data(&mut self, number: u16, data: &[u8]) {
        let mut packet = number.to_be_bytes().to_vec();
        packet.extend_from_slice(&(data.len() as u16).to_be_bytes());
        packet.extend_from_slice(data);
        packet.resize(packet.len().next_multiple_of(4), 0);
        self.send(&packet).await;
    }

    /// The next packet from the server, as bytes (UDP).
    async fn receive_raw(&mut self) -> Vec<u8> {
        let mut buf = vec![0u8; 2048];
        let udp = self.udp.as_ref().expect("a UDP client");
        let n = tokio::time::timeout(Duration::from_secs(5), udp.recv(&mut buf))
            .await
            .expect("a packet within 5 s")
            .unwrap();
        buf.truncate(n);
        buf
    }

    /// Relays `data` to `peer` with a Send indication.
    async fn send_to_peer(&mut self, peer: SocketAddr, data: &[u8]) {
        let mut message = Message::new();
        let setters: Vec<Box<dyn Setter>> = vec![
            Box::new(TransactionId::new()),
            Box::new(MessageType::new(METHOD_SEND, CLASS_INDICATION)),
            Box::new(peer_address(peer)),
            Box::new(Data(data.to_vec())),
        ];
        message.build(&setters).unwrap();
        self.send(&message.raw).await;
    }
}

fn peer_address(peer: SocketAddr) -> PeerAddress {
    PeerAddress {
        ip: peer.ip(),
        port: peer.port(),
    }
}

fn relayed_address(answer: &Answer) -> SocketAddr {
    let Answer::Success(message) = answer else {
        panic!("allocation refused: {answer:?}");
    };
    let mut relayed = RelayedAddress::default();
    relayed.get_from(message).unwrap();
    SocketAddr::new(relayed.ip, relayed.port)
}

#[tokio::test]
async fn relays_a_packet_to_an_allowed_peer_over_udp() {
    let turn = server(&["127.0.0.0/8"], unlimited()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut client = Client::udp(turn.udp, &credential()).await;
    let relayed = relayed_address(&client.allocate().await);
    assert_eq!(relayed.ip(), turn.relay_ip);
    assert!(matches!(
        client.permit(peer.local_addr().unwrap()).await,
        Answer::Success(_)
    ));
    client
        .send_to_peer(peer.local_addr().unwrap(), b"hello through the relay")
        .await;
    let mut buf = [0u8; 64];
    let (n, from) = tokio::time::timeout(Duration::from_secs(5), peer.recv_from(&mut buf))
        .await
        .expect("the relayed packet arrives")
        .unwrap();
    assert_eq!(&buf[..n], b"hello through the relay");
    assert_eq!(
        from.port(),
        relayed.port(),
        "it comes from the relay address"
    );
}

#[tokio::test]
async fn channel_data_on_a_bound_channel_is_relayed_both_ways_until_the_allocation_ends() {
    let turn = server(&["127.0.0.0/8"], unlimited()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let peer_addr = peer.local_addr().unwrap();
    let mut client = Client::udp(turn.udp, &credential()).await;
    let relayed = relayed_address(&client.allocate().await);
    assert!(matches!(
        client.bind_channel(0x4001, peer_addr).await,
        Answer::Success(_)
    ));

    client.send_channel_data(0x4001, b"out, 9 B").await;
    let mut buf = [0u8; 64];
    let (n, from) = tokio::time::timeout(Duration::from_secs(5), peer.recv_from(&mut buf))
        .await
        .expect("the client's data reaches the peer")
        .unwrap();
    assert_eq!((&buf[..n], from.port()), (&b"out, 9 B"[..], relayed.port()));
    peer.send_to(b"back", relayed).await.unwrap();
    assert_eq!(client.receive_raw().await, b"\x40\x01\x00\x04back");
    peer.send_to(b"odd", relayed).await.unwrap();
    assert_eq!(
        client.receive_raw().await,
        b"\x40\x01\x00\x03odd\x00",
        "padded to four bytes, as the engine pads"
    );
    // All three went the fast way, past the engine, and the metrics say so.
    assert_eq!(turn.channels.relayed(), 3);
    let metrics = confab::server::metrics::Metrics::new();
    metrics.watch_turn(&turn.rules, &turn.channels);
    let text = metrics.render();
    assert!(
        text.contains("confab_turn_fast_path_packets_total 3\n"),
        "{text}"
    );
    assert!(text.contains("confab_turn_channel_bindings 1\n"), "{text}");

    // Once the allocation is deleted, nothing more goes either way.
    assert!(matches!(
        client.refresh(Duration::ZERO).await,
        Answer::Success(_)
    ));
    client.send_channel_data(0x4001, b"late").await;
    let late = tokio::time::timeout(Duration::from_millis(300), peer.recv_from(&mut buf)).await;
    assert!(late.is_err(), "relayed after the allocation was deleted");
    assert_eq!(turn.channels.relayed(), 3);
    assert_eq!(turn.channels.held(), (0, 0, 0));
}

#[tokio::test]
async fn channel_data_on_a_channel_never_bound_goes_nowhere() {
    let turn = server(&["127.0.0.0/8"], unlimited()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut client = Client::udp(turn.udp, &credential()).await;
    relayed_address(&client.allocate().await);
    assert!(matches!(
        client
            .bind_channel(0x4001, peer.local_addr().unwrap())
            .await,
        Answer::Success(_)
    ));
    client.send_channel_data(0x4002, b"unbound").await;
    let mut buf = [0u8; 64];
    let stray = tokio::time::timeout(Duration::from_millis(300), peer.recv_from(&mut buf)).await;
    assert!(stray.is_err(), "data on an unbound channel was relayed");
    assert_eq!(turn.channels.relayed(), 0);
}

#[tokio::test]
async fn allocates_over_tcp() {
    let turn = server(&[], unlimited()).await;
    assert_eq!(
        turn.udp.port(),
        turn.tcp.port(),
        "UDP and TCP share the port"
    );
    let mut client = Client::tcp(turn.tcp, &credential()).await;
    relayed_address(&client.allocate().await);
}

#[tokio::test]
async fn relay_to_private_and_loopback_addresses_is_refused_by_default() {
    let turn = server(&[], unlimited()).await;
    let mut client = Client::udp(turn.udp, &credential()).await;
    relayed_address(&client.allocate().await);
    for peer in [
        "127.0.0.1:9",
        "10.0.0.1:9",
        "169.254.169.254:80",
        "[::1]:9",
        "[::ffff:127.0.0.1]:9",
    ] {
        let peer: SocketAddr = peer.parse().unwrap();
        assert_eq!(client.permit(peer).await, Answer::Error(403), "{peer}");
    }
    // A public address is permitted (nothing is sent there).
    assert!(matches!(
        client.permit("8.8.8.8:9".parse().unwrap()).await,
        Answer::Success(_)
    ));
}

#[tokio::test]
async fn nothing_reaches_a_refused_peer_even_without_asking_for_permission() {
    let turn = server(&[], unlimited()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut client = Client::udp(turn.udp, &credential()).await;
    relayed_address(&client.allocate().await);
    client
        .send_to_peer(peer.local_addr().unwrap(), b"sneaky")
        .await;
    let mut buf = [0u8; 64];
    let got = tokio::time::timeout(Duration::from_millis(500), peer.recv_from(&mut buf)).await;
    assert!(got.is_err(), "the loopback peer received a relayed packet");
}

#[tokio::test]
async fn expired_credentials_are_refused() {
    let turn = server(&[], unlimited()).await;
    let expired = TurnSecret::new(SECRET).issue(
        PeerId(1),
        SystemTime::now() - Duration::from_secs(7200),
        Duration::from_secs(3600),
    );
    let mut client = Client::udp(turn.udp, &expired).await;
    assert_eq!(client.allocate().await, Answer::Error(401));
}

#[tokio::test]
async fn forged_credentials_are_refused() {
    let turn = server(&[], unlimited()).await;
    let mut forged = credential();
    forged.password = TurnSecret::new("another secret").password(&forged.username);
    let mut client = Client::udp(turn.udp, &forged).await;
    assert!(matches!(client.allocate().await, Answer::Error(_)));
    let mut unsigned = credential();
    unsigned.username = "alice".into();
    let mut client = Client::udp(turn.udp, &unsigned).await;
    assert!(matches!(client.allocate().await, Answer::Error(_)));
}

#[tokio::test]
async fn a_participant_gets_at_most_its_quota_of_allocations() {
    let turn = server(
        &[],
        UsageLimits {
            allocations: Some(2),
            bytes_per_second: None,
            allocations_per_address: None,
        },
    )
    .await;
    let credential = credential();
    let mut clients = Vec::new();
    for _ in 0..2 {
        let mut client = Client::udp(turn.udp, &credential).await;
        relayed_address(&client.allocate().await);
        clients.push(client);
    }
    let mut third = Client::udp(turn.udp, &credential).await;
    assert_eq!(third.allocate().await, Answer::Error(486));
    let other =
        TurnSecret::new(SECRET).issue(PeerId(2), SystemTime::now(), Duration::from_secs(600));
    let mut someone_else = Client::udp(turn.udp, &other).await;
    relayed_address(&someone_else.allocate().await);
    assert_eq!(turn.usage.allocations(&credential.username), 2);
}

#[tokio::test]
async fn fresh_credentials_do_not_give_a_participant_a_fresh_quota() {
    let turn = server(
        &[],
        UsageLimits {
            allocations: Some(2),
            bytes_per_second: None,
            allocations_per_address: None,
        },
    )
    .await;
    let secret = TurnSecret::new(SECRET);
    let first = secret.issue(PeerId(1), SystemTime::now(), Duration::from_secs(600));
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut client = Client::udp(turn.udp, &first).await;
        relayed_address(&client.allocate().await);
        held.push(client);
    }
    // What a page gets when it asks for its ICE configuration again a moment later.
    let second = secret.issue(PeerId(1), SystemTime::now(), Duration::from_secs(601));
    assert_ne!(first.username, second.username);
    let mut again = Client::udp(turn.udp, &second).await;
    assert_eq!(again.allocate().await, Answer::Error(486));
}

#[tokio::test]
async fn one_address_may_hold_only_so_many_allocations() {
    let turn = server(
        &[],
        UsageLimits {
            allocations: None,
            bytes_per_second: None,
            allocations_per_address: Some(2),
        },
    )
    .await;
    let secret = TurnSecret::new(SECRET);
    let mut held = Vec::new();
    for n in 0..2 {
        let credential = secret.issue(PeerId(n), SystemTime::now(), Duration::from_secs(600));
        let mut client = Client::udp_from("127.0.0.2", turn.udp, &credential).await;
        relayed_address(&client.allocate().await);
        held.push(client);
    }
    let credential = secret.issue(PeerId(9), SystemTime::now(), Duration::from_secs(600));
    let mut third = Client::udp_from("127.0.0.2", turn.udp, &credential).await;
    assert_eq!(third.allocate().await, Answer::Error(486));
    let mut elsewhere = Client::udp_from("127.0.0.3", turn.udp, &credential).await;
    relayed_address(&elsewhere.allocate().await);
}

#[tokio::test]
async fn a_client_flooding_unauthenticated_requests_does_not_starve_anyone_else() {
    let turn = server(&[], unlimited()).await;
    let flooder = UdpSocket::bind("127.0.0.2:0").await.unwrap();
    let mut request = Message::new();
    let setters: Vec<Box<dyn Setter>> = vec![
        Box::new(TransactionId::new()),
        Box::new(MessageType::new(METHOD_ALLOCATE, CLASS_REQUEST)),
    ];
    request.build(&setters).unwrap();
    let flood = async {
        for _ in 0..20_000 {
            let _ = flooder.send_to(&request.raw, turn.udp).await;
        }
    };
    flood.await;
    // Browsers on other networks still get their allocations, one after another.
    for n in 3..12 {
        let credential =
            TurnSecret::new(SECRET).issue(PeerId(n), SystemTime::now(), Duration::from_secs(600));
        let mut client = Client::udp_from(&format!("127.0.0.{n}"), turn.udp, &credential).await;
        relayed_address(&client.allocate().await);
    }
}

#[tokio::test]
async fn the_gate_answers_made_up_nonces_itself_and_the_engine_keeps_a_handful() {
    let turn = server(&[], unlimited()).await;
    let mut client = Client::udp(turn.udp, &credential()).await;
    relayed_address(&client.allocate().await);
    let attacker = UdpSocket::bind("127.0.0.2:0").await.unwrap();
    for n in 0..100u32 {
        let mut message = Message::new();
        let setters: Vec<Box<dyn Setter>> = vec![
            Box::new(TransactionId::new()),
            Box::new(MessageType::new(METHOD_ALLOCATE, CLASS_REQUEST)),
            Box::new(TextAttribute::new(ATTR_USERNAME, "1:p1".into())),
            Box::new(TextAttribute::new(ATTR_REALM, REALM.into())),
            Box::new(TextAttribute::new(ATTR_NONCE, format!("made-up-{n}"))),
        ];
        message.build(&setters).unwrap();
        message.add(stun::attributes::ATTR_MESSAGE_INTEGRITY, &[0; 20]);
        message.write_header();
        attacker.send_to(&message.raw, turn.udp).await.unwrap();
        let mut buf = [0u8; 512];
        let n = tokio::time::timeout(Duration::from_secs(5), attacker.recv(&mut buf))
            .await
            .expect("an answer")
            .unwrap();
        let mut answer = Message::new();
        answer.unmarshal_binary(&buf[..n]).unwrap();
        let mut code = ErrorCodeAttribute::default();
        code.get_from(&answer).unwrap();
        assert_eq!(code.code.0, 438, "a stale nonce, with the current one");
        let nonce = TextAttribute::get_from_as(&answer, ATTR_NONCE).unwrap();
        assert_eq!(nonce.text, client.nonce, "always the one shared nonce");
    }
    assert!(turn.rules.nonces_held_by_engine() <= 2);
}
