//! A str0m peer on a loopback UDP socket standing in for a browser in a meeting through the
//! forwarding unit: it publishes an audio track (a frame every 20 ms), answers the unit's offers,
//! and counts the frames it receives by the stream they arrive in (the publisher's id).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind, Mid, Pt};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;

pub struct UdpPeer {
    rtc: Rtc,
    socket: UdpSocket,
    local: SocketAddr,
    mid: Mid,
    opus: Pt,
    start: Instant,
    next_frame: Instant,
    pending: Option<SdpPendingOffer>,
    buffer: Vec<u8>,
    /// The audio level written in each packet's header (-dBov), if any.
    level: Option<i8>,
}

impl UdpPeer {
    /// A peer with its audio track, and its first offer.
    pub async fn new() -> (UdpPeer, String) {
        let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
        let local = socket.local_addr().unwrap();
        let mut rtc = Rtc::builder()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .build(Instant::now());
        rtc.add_local_candidate(Candidate::host(local, "udp").unwrap());
        let mut change = rtc.sdp_api();
        let mid = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
        let (offer, pending) = change.apply().unwrap();
        let opus = rtc
            .codec_config()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
            .unwrap();
        let now = Instant::now();
        let peer = UdpPeer {
            rtc,
            socket,
            local,
            mid,
            opus,
            start: now,
            next_frame: now,
            pending: Some(pending),
            buffer: vec![0; 2048],
            level: None,
        };
        (peer, offer.to_sdp_string())
    }

    /// Writes this audio level (-dBov: 0 is the loudest) in the header of every packet.
    #[allow(
        dead_code,
        reason = "not every test binary sharing this file has a speaker"
    )]
    pub fn speak_at(&mut self, level: i8) {
        self.level = Some(level);
    }

    /// The unit answered our offer.
    pub fn accept_answer(&mut self, sdp: &str) {
        let answer = SdpAnswer::from_sdp_string(sdp).unwrap();
        let pending = self.pending.take().expect("an offer of ours");
        self.rtc.sdp_api().accept_answer(pending, answer).unwrap();
    }

    /// The unit's offer; returns our answer.
    pub fn answer(&mut self, sdp: &str) -> String {
        let offer = SdpOffer::from_sdp_string(sdp).unwrap();
        let answer = self.rtc.sdp_api().accept_offer(offer).unwrap();
        answer.to_sdp_string()
    }

    /// Sends what the connection has to send and counts the frames received into `frames`;
    /// returns when it next needs [`UdpPeer::wake`].
    pub async fn flush(&mut self, frames: &mut HashMap<String, usize>) -> Instant {
        loop {
            match self.rtc.poll_output().unwrap() {
                Output::Timeout(at) => return at.min(self.next_frame),
                Output::Transmit(t) => {
                    let _ = self.socket.send_to(&t.contents, t.destination).await;
                }
                Output::Event(Event::MediaData(data)) => {
                    let stream = self
                        .rtc
                        .media(data.mid)
                        .map(|m| m.stream_id().to_string())
                        .unwrap_or_default();
                    *frames.entry(stream).or_default() += 1;
                }
                Output::Event(_) => {}
            }
        }
    }

    /// Waits for a datagram and takes it in.
    pub async fn receive(&mut self) {
        let (length, source) = self.socket.recv_from(&mut self.buffer).await.unwrap();
        let datagram = &self.buffer[..length];
        if let Ok(receive) = Receive::new(Protocol::Udp, source, self.local, datagram) {
            self.rtc
                .handle_input(Input::Receive(Instant::now(), receive))
                .unwrap();
        }
    }

    /// Time passed: sends a frame if one is due, and lets the connection do what is due.
    pub fn wake(&mut self) {
        let now = Instant::now();
        if now >= self.next_frame {
            if let Some(mut writer) = self.rtc.writer(self.mid) {
                if let Some(level) = self.level {
                    writer = writer.audio_level(level, true);
                }
                let _ = writer.write(self.opus, now, (now - self.start).into(), vec![1u8; 60]);
            }
            self.next_frame = now + Duration::from_millis(20);
        }
        self.rtc.handle_input(Input::Timeout(now)).unwrap();
    }
}
