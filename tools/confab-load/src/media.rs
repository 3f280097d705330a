//! Media through a server's forwarding unit (`--media sfu`): ROOMS × PEOPLE str0m peers join
//! over the real signaling protocol, each publishes audio (a 60-byte frame every 20 ms) and
//! video (a frame of the given bitrate 30 times a second) over UDP, and subscribes to everyone
//! else. Every frame carries the time it was sent, so each receiver measures how long the unit
//! took to pass it on (loopback: the same clock). The report gives forwarded frames and
//! megabits a second, the server's CPU per forwarded frame and its memory per participant.

use crate::server::{Reading, ServerSample};
use crate::stats::{LatencySummary, summarise};
use crate::transport::{Socket, Target};
use confab::protocol::{ClientMessage, MediaState, RoomId, ServerMessage};
use futures_util::{SinkExt, StreamExt};
use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// What to run.
#[derive(Clone, Debug)]
pub struct MediaOptions {
    pub url: String,
    pub insecure: bool,
    pub rooms: usize,
    pub people: usize,
    /// Each person's video bitrate, kbit/s.
    pub video_kbps: u32,
    /// Seconds measured once everyone receives everyone.
    pub seconds: f64,
    pub server_pid: Option<u32>,
}

/// What one run measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct MediaReport {
    pub rooms: usize,
    pub people: usize,
    /// Seconds until every person received from every other one.
    pub ramp_seconds: f64,
    /// Frames received per second, all receivers together.
    pub frames_per_second: f64,
    /// Megabits of frame payload received per second.
    pub megabits_per_second: f64,
    /// Time from a publisher writing a frame to a subscriber having it, through the unit.
    pub latency: LatencySummary,
    /// Server CPU over the measured seconds, in percent of one core.
    pub server_cpu_percent: Option<f64>,
    /// Server CPU per forwarded (received) frame, µs.
    pub server_cpu_us_per_frame: Option<f64>,
    /// Server memory added per participant, KiB.
    pub server_rss_per_person_kib: Option<f64>,
}

/// One person's tally, sent back when the run ends.
#[derive(Default)]
struct Tally {
    frames: u64,
    bytes: u64,
    latencies_us: Vec<u32>,
}

/// Bytes at the start of each frame: a VP8 key-frame marker, then the send time (µs since the
/// Unix epoch).
const HEADER: usize = 9;

fn now_us() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Runs the benchmark.
pub async fn run_media(options: MediaOptions) -> Result<MediaReport, String> {
    let target = Arc::new(Target::new(&options.url, options.insecure)?);
    let sample = options.server_pid.map(ServerSample::new);
    let before = sample.and_then(|s| s.take());
    let measuring = Arc::new(AtomicBool::new(false));
    let stop = Arc::new(AtomicBool::new(false));
    let (ready_tx, mut ready_rx) = mpsc::channel::<()>(options.rooms * options.people);
    let (tally_tx, mut tally_rx) = mpsc::channel::<Tally>(options.rooms * options.people);
    let started = Instant::now();
    for _ in 0..options.rooms {
        let room = RoomId::from_random_bytes(rand::random());
        for person in 0..options.people {
            let socket = join(&target, &room, person).await?;
            let others = options.people - 1;
            let (ready, tally) = (ready_tx.clone(), tally_tx.clone());
            let (measuring, stop) = (measuring.clone(), stop.clone());
            let kbps = options.video_kbps;
            tokio::spawn(async move {
                match Person::new(socket, kbps).await {
                    Ok(person) => person.run(others, ready, measuring, stop, tally).await,
                    Err(error) => eprintln!("confab-media-load: {error}"),
                }
            });
        }
    }
    drop((ready_tx, tally_tx));
    let everyone = options.rooms * options.people;
    for _ in 0..everyone {
        tokio::time::timeout(Duration::from_secs(60), ready_rx.recv())
            .await
            .map_err(|_| "not everyone received everyone within 60 s".to_owned())?;
    }
    let ramp_seconds = started.elapsed().as_secs_f64();
    let connected = sample.and_then(|s| s.take());
    measuring.store(true, Ordering::Relaxed);
    let start = sample.and_then(|s| s.take());
    let measured_from = Instant::now();
    tokio::time::sleep(Duration::from_secs_f64(options.seconds)).await;
    measuring.store(false, Ordering::Relaxed);
    let seconds = measured_from.elapsed().as_secs_f64();
    let end = sample.and_then(|s| s.take());
    stop.store(true, Ordering::Relaxed);
    let mut total = Tally::default();
    while let Some(tally) = tally_rx.recv().await {
        total.frames += tally.frames;
        total.bytes += tally.bytes;
        total.latencies_us.extend(tally.latencies_us);
    }
    let cpu = match (start, end) {
        (Some(start), Some(end)) => Some(end.cpu_seconds - start.cpu_seconds),
        _ => None,
    };
    let rss = |a: Option<Reading>, b: Option<Reading>| {
        Some(b?.rss_kib.saturating_sub(a?.rss_kib) as f64 / everyone as f64)
    };
    Ok(MediaReport {
        rooms: options.rooms,
        people: options.people,
        ramp_seconds,
        frames_per_second: total.frames as f64 / seconds,
        megabits_per_second: total.bytes as f64 * 8.0 / seconds / 1e6,
        latency: summarise(total.latencies_us),
        server_cpu_percent: cpu.map(|c| c * 100.0 / seconds),
        server_cpu_us_per_frame: cpu.map(|c| c * 1e6 / total.frames.max(1) as f64),
        server_rss_per_person_kib: rss(before, connected),
    })
}

/// Opens a signaling connection and joins `room`.
async fn join(target: &Target, room: &RoomId, person: usize) -> Result<Socket, String> {
    let mut socket = target.connect().await?;
    let join = ClientMessage::Join {
        room: room.clone(),
        name: format!("load {person}"),
        media: MediaState::default(),
        hand: false,
        password: None,
        resume: None,
    };
    send(&mut socket, &join).await?;
    loop {
        match read(&mut socket).await? {
            ServerMessage::Welcome { .. } => return Ok(socket),
            ServerMessage::Error { code, message } => {
                return Err(format!("join refused: {code:?} {message}"));
            }
            _ => {}
        }
    }
}

async fn send(socket: &mut Socket, message: &ClientMessage) -> Result<(), String> {
    let text = serde_json::to_string(message).map_err(|e| e.to_string())?;
    socket
        .send(Message::Text(text.into()))
        .await
        .map_err(|e| format!("signaling: {e}"))
}

async fn read(socket: &mut Socket) -> Result<ServerMessage, String> {
    loop {
        match socket.next().await {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).map_err(|e| e.to_string());
            }
            Some(Ok(_)) => {}
            Some(Err(error)) => return Err(format!("signaling: {error}")),
            None => return Err("signaling closed".into()),
        }
    }
}

/// One participant: a str0m peer on its own UDP socket, negotiating over its signaling
/// connection.
struct Person {
    rtc: Rtc,
    udp: UdpSocket,
    local: SocketAddr,
    signaling: Socket,
    pending: Option<SdpPendingOffer>,
    audio: (Mid, Pt),
    video: (Mid, Pt),
    video_frame: usize,
}

impl Person {
    async fn new(mut signaling: Socket, video_kbps: u32) -> Result<Person, String> {
        let udp = UdpSocket::bind("127.0.0.1:0")
            .await
            .map_err(|e| e.to_string())?;
        let local = udp.local_addr().map_err(|e| e.to_string())?;
        let mut rtc = Rtc::builder()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .build(Instant::now());
        rtc.add_local_candidate(Candidate::host(local, "udp").map_err(|e| e.to_string())?);
        let mut change = rtc.sdp_api();
        let audio = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
        let video = change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
        let (offer, pending) = change.apply().ok_or("no offer")?;
        let pt = |codec| {
            rtc.codec_config()
                .find(|p| p.spec().codec == codec)
                .map(|p| p.pt())
                .ok_or(format!("no {codec:?}"))
        };
        let (opus, vp8) = (pt(Codec::Opus)?, pt(Codec::Vp8)?);
        let sdp = offer.to_sdp_string();
        send(&mut signaling, &ClientMessage::MediaOffer { sdp }).await?;
        Ok(Person {
            rtc,
            udp,
            local,
            signaling,
            pending: Some(pending),
            audio: (audio, opus),
            video: (video, vp8),
            video_frame: (video_kbps as usize * 1000 / 8 / 30).max(HEADER),
        })
    }

    async fn run(
        mut self,
        others: usize,
        ready: mpsc::Sender<()>,
        measuring: Arc<AtomicBool>,
        stop: Arc<AtomicBool>,
        tally: mpsc::Sender<Tally>,
    ) {
        let start = Instant::now();
        let (mut next_audio, mut next_video) = (start, start);
        let mut heard: HashSet<String> = HashSet::new();
        let mut told_ready = false;
        let mut mine = Tally::default();
        let mut buffer = vec![0u8; 2048];
        while !stop.load(Ordering::Relaxed) {
            let timeout = loop {
                match self.rtc.poll_output() {
                    Ok(Output::Timeout(at)) => break at,
                    Ok(Output::Transmit(t)) => {
                        let _ = self.udp.send_to(&t.contents, t.destination).await;
                    }
                    Ok(Output::Event(Event::MediaData(data))) => {
                        if !told_ready {
                            if let Some(media) = self.rtc.media(data.mid) {
                                heard.insert(media.stream_id().to_owned());
                            }
                            if heard.len() >= others {
                                told_ready = true;
                                let _ = ready.send(()).await;
                            }
                        }
                        if measuring.load(Ordering::Relaxed) {
                            mine.frames += 1;
                            mine.bytes += data.data.len() as u64;
                            if data.data.len() >= HEADER {
                                let sent = u64::from_be_bytes(data.data[1..9].try_into().unwrap());
                                let latency = now_us().saturating_sub(sent);
                                mine.latencies_us
                                    .push(latency.min(u64::from(u32::MAX)) as u32);
                            }
                        }
                    }
                    Ok(Output::Event(_)) => {}
                    Err(error) => {
                        eprintln!("confab-media-load: connection failed: {error}");
                        let _ = tally.send(mine).await;
                        return;
                    }
                }
            };
            if others == 0 && !told_ready {
                told_ready = true;
                let _ = ready.send(()).await;
            }
            let wake = timeout.min(next_audio).min(next_video);
            tokio::select! {
                message = read(&mut self.signaling) => match message {
                    Ok(ServerMessage::MediaAnswer { sdp }) => {
                        if let (Some(pending), Ok(answer)) = (self.pending.take(), SdpAnswer::from_sdp_string(&sdp)) {
                            let _ = self.rtc.sdp_api().accept_answer(pending, answer);
                        }
                    }
                    Ok(ServerMessage::MediaOffer { sdp }) => {
                        let Ok(offer) = SdpOffer::from_sdp_string(&sdp) else { continue };
                        if let Ok(answer) = self.rtc.sdp_api().accept_offer(offer) {
                            let sdp = answer.to_sdp_string();
                            let _ = send(&mut self.signaling, &ClientMessage::MediaAnswer { sdp }).await;
                        }
                    }
                    Ok(_) => {}
                    Err(error) => {
                        eprintln!("confab-media-load: {error}");
                        break;
                    }
                },
                read = self.udp.recv_from(&mut buffer) => {
                    if let Ok((length, source)) = read
                        && let Ok(receive) = Receive::new(Protocol::Udp, source, self.local, &buffer[..length])
                    {
                        let _ = self.rtc.handle_input(Input::Receive(Instant::now(), receive));
                    }
                }
                () = tokio::time::sleep_until(wake.into()) => {
                    let now = Instant::now();
                    if now >= next_audio {
                        self.write(self.audio, 60, now - start);
                        next_audio = now + Duration::from_millis(20);
                    }
                    if now >= next_video {
                        self.write(self.video, self.video_frame, now - start);
                        next_video = now + Duration::from_millis(33);
                    }
                    let _ = self.rtc.handle_input(Input::Timeout(now));
                }
            }
        }
        let _ = tally.send(mine).await;
    }

    /// Writes a frame of `size` bytes stamped with the time it is sent.
    fn write(&mut self, (mid, pt): (Mid, Pt), size: usize, since_start: Duration) {
        let mut frame = vec![0u8; size.max(HEADER)];
        // A VP8 key frame starts with an even byte; Opus cares not.
        frame[0] = 0x10;
        frame[1..9].copy_from_slice(&now_us().to_be_bytes());
        if let Some(writer) = self.rtc.writer(mid) {
            let _ = writer.write(pt, Instant::now(), since_start.into(), frame);
        }
    }
}

/// The report as a table.
pub fn media_table(report: &MediaReport) -> String {
    let optional =
        |value: Option<f64>, unit: &str| value.map_or("-".to_owned(), |v| format!("{v:.1} {unit}"));
    let mut out = String::new();
    out += &format!(
        "rooms × people           {} × {}\n",
        report.rooms, report.people
    );
    out += &format!("everyone hears everyone  {:.1} s\n", report.ramp_seconds);
    out += &format!(
        "frames received          {:.0}/s\n",
        report.frames_per_second
    );
    out += &format!(
        "payload received         {:.1} Mbit/s\n",
        report.megabits_per_second
    );
    out += &format!(
        "publisher → subscriber   p50 {:.2} ms, p99 {:.2} ms, max {:.1} ms ({} frames)\n",
        f64::from(report.latency.p50_us) / 1000.0,
        f64::from(report.latency.p99_us) / 1000.0,
        f64::from(report.latency.max_us) / 1000.0,
        report.latency.count
    );
    out += &format!(
        "server CPU               {}\n",
        optional(report.server_cpu_percent, "% of a core")
    );
    out += &format!(
        "server CPU per frame     {}\n",
        optional(report.server_cpu_us_per_frame, "µs")
    );
    out += &format!(
        "server memory per person {}\n",
        optional(report.server_rss_per_person_kib, "KiB")
    );
    out
}
