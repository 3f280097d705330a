//! The load run: open rooms × peers connections, negotiate every pair as browsers would, then
//! relay a steady stream of messages and account for each one.

use super::server::{ServerSample, ServerUsage};
use super::stats::{LatencySummary, Ledger, summarise};
use super::transport::Target;
use confab::protocol::{ClientMessage, MediaState, PeerId, RoomId, SdpType, ServerMessage, Signal};
use confab::server::outbox::{OUTBOX_BYTES, OUTBOX_MESSAGES};
use futures_util::{SinkExt, StreamExt};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::{Semaphore, mpsc};
use tokio_tungstenite::tungstenite::Message;

/// What to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The server's URL.
    pub url: String,
    /// Accept any TLS certificate.
    pub insecure: bool,
    /// Rooms.
    pub rooms: usize,
    /// Peers per room.
    pub peers: usize,
    /// Relayed messages per second in total; 0 for as fast as the server takes them.
    pub rate: f64,
    /// How long the steady phase lasts.
    pub seconds: f64,
    /// Bytes of each steady message as sent.
    pub payload: usize,
    /// Connections opened at once during the ramp-up.
    pub concurrency: usize,
    /// The server's process id, to read its CPU and memory (local servers only).
    pub server_pid: Option<u32>,
    /// Print a progress line every second.
    pub progress: bool,
}

/// Everything measured.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    /// Connections opened and joined.
    pub connections: usize,
    /// Seconds the ramp-up took.
    pub connect_seconds: f64,
    /// Connections (opened and joined) per second during the ramp-up.
    pub connections_per_second: f64,
    /// Offers, answers and candidates exchanged while negotiating.
    pub negotiation_messages: u64,
    /// Steady messages sent.
    pub sent: u64,
    /// Steady messages received in order at their target.
    pub relayed: u64,
    /// Seconds of the steady phase.
    pub relay_seconds: f64,
    /// Relayed messages per second.
    pub relayed_per_second: f64,
    /// Send-to-receive latency of the steady messages.
    pub latency: LatencySummary,
    /// Sent and never received.
    pub lost: u64,
    /// Received by a peer they were not addressed to.
    pub misrouted: u64,
    /// Received twice or out of order.
    pub out_of_order: u64,
    /// Errors by kind (connection failures, server error codes, closes).
    pub errors: BTreeMap<String, u64>,
    /// The server's CPU and memory, when its process id is known.
    pub server: Option<ServerUsage>,
}

/// Marks steady messages in a candidate line: `L <from> <to> <seq> <sent µs> <padding>`.
const MARK: &str = "L ";
/// Candidates each side sends while negotiating.
const CANDIDATES: usize = 12;
/// Steady messages each peer has in flight at most (sent, not yet received), so "as fast as
/// possible" measures the server, not its queues overflowing: fewer when a recipient's senders
/// together could otherwise fill the server's queue for it.
const WINDOW: usize = 32;

/// Bytes a relayed steady message takes in the server's outbox beyond its payload, at most.
const ENVELOPE: usize = 256;

/// Each sender's window: all the others in a room together stay within the server's outbox for
/// one recipient, in messages ([`OUTBOX_MESSAGES`]) and in bytes ([`OUTBOX_BYTES`]), so the
/// server never finds a recipient not keeping up.
fn window(peers: usize, payload: usize) -> usize {
    let senders = peers.saturating_sub(1).max(1);
    let by_count = OUTBOX_MESSAGES / senders;
    let by_bytes = OUTBOX_BYTES / (payload + ENVELOPE) / senders;
    by_count.min(by_bytes).clamp(1, WINDOW)
}

fn clock() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_micros() as u64
}

/// An SDP of a few KB, shaped like a browser's (three media sections).
fn sdp(kind: &str, from: usize) -> String {
    let mut sdp = format!(
        "v=0\r\no=- {from} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2 3\r\n"
    );
    for mid in 0..4 {
        sdp.push_str(&format!(
            "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101\r\nc=IN IP4 0.0.0.0\r\na=mid:{mid}\r\na=ice-ufrag:{kind}{from}\r\na=ice-pwd:0123456789abcdefghijkl\r\na=fingerprint:sha-256 {}\r\na=setup:actpass\r\na=sendrecv\r\na=rtcp-mux\r\n",
            "AB:".repeat(31) + "AB"
        ));
        for pt in 96..102 {
            sdp.push_str(&format!(
                "a=rtpmap:{pt} VP8/90000\r\na=rtcp-fb:{pt} nack pli\r\n"
            ));
        }
    }
    sdp
}

fn candidate(i: usize) -> Signal {
    Signal::Candidate {
        candidate: format!(
            "candidate:{i} 1 udp 2122260223 192.0.2.{} {} typ host generation 0 ufrag abcd network-id 1",
            i + 1,
            50_000 + i
        ),
        sdp_mid: Some("0".into()),
        sdp_m_line_index: Some(0),
    }
}

fn encode(message: &ClientMessage) -> Message {
    Message::text(serde_json::to_string(message).expect("client messages serialise"))
}

/// What each peer's reader found.
#[derive(Default)]
struct Found {
    ledger: Ledger,
    latencies: Vec<u32>,
}

/// Counters shared by every task.
#[derive(Default)]
struct Shared {
    negotiation: AtomicU64,
    answers: AtomicU64,
    relayed: AtomicU64,
    errors: Mutex<BTreeMap<String, u64>>,
}

impl Shared {
    fn error(&self, kind: impl Into<String>) {
        *self.errors.lock().unwrap().entry(kind.into()).or_default() += 1;
    }
}

/// Runs the whole load and reports.
pub async fn run(options: Options) -> Result<Report, String> {
    let target = Target::new(&options.url, options.insecure)?;
    let total = options.rooms * options.peers;
    let shared = Arc::new(Shared::default());
    let server = options.server_pid.map(ServerSample::new);
    let before = server.as_ref().and_then(ServerSample::take);
    clock();

    // Ramp-up: connect and join, `concurrency` at a time.
    let rooms: Vec<RoomId> = (0..options.rooms)
        .map(|_| RoomId::from_random_bytes(rand::random()))
        .collect();
    let started = Instant::now();
    let joins = futures_util::stream::iter(0..total)
        .map(|index| {
            let (target, room) = (target.clone(), rooms[index / options.peers].clone());
            async move {
                join(&target, room, index)
                    .await
                    .map(|(id, socket)| (index, id, socket))
            }
        })
        .buffer_unordered(options.concurrency.max(1));
    let mut joined: Vec<_> = joins.collect().await;
    let connect_seconds = started.elapsed().as_secs_f64();
    let mut sockets = Vec::with_capacity(total);
    for result in joined.drain(..) {
        match result {
            Ok(ok) => sockets.push(ok),
            Err(error) => shared.error(error),
        }
    }
    if sockets.len() != total {
        return Err(format!(
            "only {} of {total} connections joined; errors: {:?}",
            sockets.len(),
            shared.errors.lock().unwrap()
        ));
    }
    sockets.sort_by_key(|(index, ..)| *index);
    let after_connect = server.as_ref().and_then(ServerSample::take);
    let ids: Arc<Vec<PeerId>> = Arc::new(sockets.iter().map(|(_, id, _)| *id).collect());
    let index_of: Arc<HashMap<PeerId, usize>> =
        Arc::new(ids.iter().enumerate().map(|(i, id)| (*id, i)).collect());

    // Every peer gets a writer queue and a reader task.
    let in_flight: Arc<Vec<Semaphore>> = Arc::new(
        (0..total)
            .map(|_| Semaphore::new(window(options.peers, options.payload)))
            .collect(),
    );
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut writers = Vec::with_capacity(total);
    let mut readers = Vec::with_capacity(total);
    for (index, _, socket) in sockets {
        let (mut sink, mut stream) = socket.split();
        let (tx, mut rx) = mpsc::unbounded_channel::<Message>();
        tokio::spawn(async move {
            while let Some(message) = rx.recv().await {
                if sink.send(message).await.is_err() {
                    break;
                }
            }
            let _ = sink.close().await;
        });
        let (shared, index_of, tx2, in_flight) = (
            shared.clone(),
            index_of.clone(),
            tx.clone(),
            in_flight.clone(),
        );
        let mut stopped = stopped.clone();
        readers.push(tokio::spawn(async move {
            let mut found = Found::default();
            loop {
                let frame = tokio::select! {
                    frame = stream.next() => frame,
                    _ = stopped.wait_for(|stop| *stop) => break,
                };
                let Some(frame) = frame else { break };
                let Ok(Message::Text(text)) = frame else {
                    match frame {
                        // Closed by the server for a reason (such as 1013 "not keeping up").
                        Ok(Message::Close(Some(close))) if u16::from(close.code) != 1000 => {
                            shared.error(format!(
                                "closed by the server: {} {}",
                                close.code, close.reason
                            ));
                            break;
                        }
                        Ok(Message::Close(_)) | Err(_) => {
                            shared.error("connection closed");
                            break;
                        }
                        _ => continue,
                    }
                };
                let Ok(message) = serde_json::from_str::<ServerMessage>(text.as_str()) else {
                    shared.error("unreadable server message");
                    continue;
                };
                receive(
                    message, index, &index_of, &tx2, &shared, &in_flight, &mut found,
                );
            }
            found
        }));
        writers.push(tx);
    }

    // Negotiation: in each room, every earlier peer offers to every later one, with candidates;
    // the reader of the later one answers, with candidates.
    let pairs = options.rooms * options.peers * (options.peers - 1) / 2;
    for room in 0..options.rooms {
        for a in 0..options.peers {
            for b in a + 1..options.peers {
                let (from, to) = (room * options.peers + a, room * options.peers + b);
                let offer = Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: sdp("offer", from),
                };
                let _ = writers[from].send(encode(&ClientMessage::Signal {
                    to: ids[to],
                    signal: offer,
                }));
                for i in 0..CANDIDATES {
                    let _ = writers[from].send(encode(&ClientMessage::Signal {
                        to: ids[to],
                        signal: candidate(i),
                    }));
                }
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while (shared.answers.load(Ordering::Relaxed) as usize) < pairs && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The answers' candidates trail the answers a little.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let negotiation_messages = shared.negotiation.load(Ordering::Relaxed);

    // Steady phase.
    let cpu_before = server.as_ref().and_then(ServerSample::take);
    let steady_start = Instant::now();
    let steady_end = steady_start + Duration::from_secs_f64(options.seconds);
    let interval =
        (options.rate > 0.0).then(|| Duration::from_secs_f64(total as f64 / options.rate));
    let mut senders = Vec::with_capacity(total);
    for (index, tx) in writers.iter().enumerate() {
        let (tx, ids, in_flight) = (tx.clone(), ids.clone(), in_flight.clone());
        let room = index / options.peers;
        let others: Vec<usize> = (room * options.peers..(room + 1) * options.peers)
            .filter(|&i| i != index)
            .collect();
        let payload = options.payload;
        senders.push(tokio::spawn(async move {
            let mut sent: HashMap<(u32, u32), u64> = HashMap::new();
            if others.is_empty() {
                return sent;
            }
            let mut ticker = interval.map(|every| {
                let mut t = tokio::time::interval_at(
                    tokio::time::Instant::now() + every.mul_f64(rand::random::<f64>()),
                    every,
                );
                t.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                t
            });
            let mut turn = 0;
            while Instant::now() < steady_end {
                match ticker.as_mut() {
                    // At a low rate a peer's next tick can fall long after the end.
                    Some(t) => {
                        if tokio::time::timeout_at(steady_end.into(), t.tick())
                            .await
                            .is_err()
                        {
                            break;
                        }
                    }
                    // A message the server refused never comes back: stop waiting at the end.
                    None => {
                        match tokio::time::timeout_at(steady_end.into(), in_flight[index].acquire())
                            .await
                        {
                            Ok(Ok(permit)) => permit.forget(),
                            _ => break,
                        }
                    }
                }
                if Instant::now() >= steady_end {
                    break;
                }
                let to = others[turn % others.len()];
                turn += 1;
                let seq = sent.entry((index as u32, to as u32)).or_insert(0);
                let head = format!("{MARK}{index} {to} {seq} {} ", clock());
                let line = format!(
                    "{head}{}",
                    "x".repeat(payload.saturating_sub(head.len() + 120))
                );
                let signal = Signal::Candidate {
                    candidate: line,
                    sdp_mid: None,
                    sdp_m_line_index: None,
                };
                *seq += 1;
                if tx
                    .send(encode(&ClientMessage::Signal {
                        to: ids[to],
                        signal,
                    }))
                    .is_err()
                {
                    break;
                }
            }
            sent
        }));
    }

    let mut progress_at = Instant::now() + Duration::from_secs(1);
    let mut last_relayed = 0;
    let mut sent_per_pair: HashMap<(u32, u32), u64> = HashMap::new();
    for sender in senders {
        while !sender.is_finished() {
            tokio::time::sleep(Duration::from_millis(50)).await;
            if options.progress && Instant::now() >= progress_at {
                let relayed = shared.relayed.load(Ordering::Relaxed);
                eprint!(
                    "\r  {:>5.1} s  relayed {relayed:>10}  ({:>8}/s)",
                    steady_start.elapsed().as_secs_f64(),
                    relayed - last_relayed
                );
                last_relayed = relayed;
                progress_at += Duration::from_secs(1);
            }
        }
        sent_per_pair.extend(sender.await.map_err(|e| e.to_string())?);
    }
    let sent: u64 = sent_per_pair.values().sum();
    // Let the last messages arrive. The rate counts the time until the last arrival, not a wait
    // for messages that never come.
    let drain_until = Instant::now() + Duration::from_secs(3);
    let (mut arrived, mut last_arrival) = (shared.relayed.load(Ordering::Relaxed), Instant::now());
    while arrived < sent && Instant::now() < drain_until {
        tokio::time::sleep(Duration::from_millis(10)).await;
        let now = shared.relayed.load(Ordering::Relaxed);
        if now != arrived {
            (arrived, last_arrival) = (now, Instant::now());
        }
    }
    let relay_seconds = (last_arrival - steady_start).as_secs_f64();
    let cpu_after = server.as_ref().and_then(ServerSample::take);
    if options.progress {
        eprintln!();
    }

    // Close everything and collect what each reader found.
    drop(writers);
    let mut ledger = Ledger::default();
    let mut latencies = Vec::new();
    stop.send_replace(true);
    for reader in readers {
        if let Ok(found) = reader.await {
            ledger.merge(found.ledger);
            latencies.extend(found.latencies);
        }
    }
    let relayed = shared.relayed.load(Ordering::Relaxed);
    let mut errors = std::mem::take(&mut *shared.errors.lock().unwrap());
    errors.remove("connection closed");
    Ok(Report {
        connections: total,
        connect_seconds,
        connections_per_second: total as f64 / connect_seconds,
        negotiation_messages,
        sent,
        relayed,
        relay_seconds,
        relayed_per_second: relayed as f64 / relay_seconds,
        latency: summarise(latencies),
        lost: ledger.lost(&sent_per_pair),
        misrouted: ledger.misrouted,
        out_of_order: ledger.out_of_order,
        errors,
        server: ServerUsage::from_samples(
            before,
            after_connect,
            cpu_before,
            cpu_after,
            total,
            relayed,
        ),
    })
}

/// Connects one peer and joins its room; returns its id and socket.
async fn join(
    target: &Target,
    room: RoomId,
    index: usize,
) -> Result<(PeerId, super::transport::Socket), String> {
    let mut socket = target.connect().await?;
    let join = ClientMessage::Join {
        room,
        name: format!("load {index}"),
        media: MediaState::default(),
        hand: false,
        password: None,
        resume: None,
    };
    socket
        .send(encode(&join))
        .await
        .map_err(|e| format!("send: {e}"))?;
    while let Some(frame) = socket.next().await {
        let Message::Text(text) = frame.map_err(|e| format!("join: {e}"))? else {
            continue;
        };
        match serde_json::from_str::<ServerMessage>(text.as_str()) {
            Ok(ServerMessage::Welcome { you, .. }) => return Ok((you, socket)),
            Ok(ServerMessage::Error { code, .. }) => return Err(format!("join refused: {code:?}")),
            _ => continue,
        }
    }
    Err("closed while joining".into())
}

/// Handles one message at peer `me`.
fn receive(
    message: ServerMessage,
    me: usize,
    index_of: &HashMap<PeerId, usize>,
    tx: &mpsc::UnboundedSender<Message>,
    shared: &Shared,
    in_flight: &[Semaphore],
    found: &mut Found,
) {
    match message {
        ServerMessage::Signal {
            from,
            signal: Signal::Candidate { candidate, .. },
        } if candidate.starts_with(MARK) => {
            let now = clock();
            let mut fields = candidate[MARK.len()..].split(' ');
            let mut next = || fields.next().and_then(|f| f.parse::<u64>().ok());
            let (Some(sender), Some(to), Some(seq), Some(sent_at)) =
                (next(), next(), next(), next())
            else {
                shared.error("unreadable steady message");
                return;
            };
            if let Some(window) = in_flight.get(sender as usize) {
                window.add_permits(1);
            }
            if index_of.get(&from) != Some(&(sender as usize)) {
                found.ledger.misrouted += 1;
                return;
            }
            found
                .ledger
                .record(sender as u32, to as u32, me as u32, seq);
            found
                .latencies
                .push(now.saturating_sub(sent_at).min(u32::MAX as u64) as u32);
            shared.relayed.fetch_add(1, Ordering::Relaxed);
        }
        ServerMessage::Signal { from, signal } => {
            shared.negotiation.fetch_add(1, Ordering::Relaxed);
            if let Signal::Description { sdp_type, .. } = signal {
                match sdp_type {
                    SdpType::Offer => {
                        let answer = Signal::Description {
                            sdp_type: SdpType::Answer,
                            sdp: sdp("answer", me),
                        };
                        let _ = tx.send(encode(&ClientMessage::Signal {
                            to: from,
                            signal: answer,
                        }));
                        for i in 0..CANDIDATES {
                            let _ = tx.send(encode(&ClientMessage::Signal {
                                to: from,
                                signal: candidate(i),
                            }));
                        }
                    }
                    SdpType::Answer => {
                        shared.answers.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {}
                }
            }
        }
        ServerMessage::Error { code, .. } => shared.error(format!("server error: {code:?}")),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipients_senders_together_never_overfill_its_server_outbox() {
        for payload in [100, 600, 4_000, 60_000] {
            for peers in [2, 4, 6, 9, 10, 32] {
                let (senders, w) = (peers - 1, window(peers, payload));
                assert!(w >= 1);
                if w > 1 {
                    assert!(w * senders <= OUTBOX_MESSAGES, "{peers} peers");
                    assert!(
                        w * senders * (payload + ENVELOPE) <= OUTBOX_BYTES,
                        "{payload} B"
                    );
                }
            }
        }
        assert_eq!(window(4, 600), WINDOW);
        assert_eq!(window(10, 600), OUTBOX_MESSAGES / 9);
        assert_eq!(window(2, 60_000), OUTBOX_BYTES / 60_256);
    }
}
