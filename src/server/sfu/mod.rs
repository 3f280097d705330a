//! The selective forwarding unit: each browser in a large meeting has one WebRTC connection to the
//! server, publishes its tracks on it once, and is sent everyone else's; the server forwards
//! frames without decoding them.
//!
//! [`Sfu`] is sans-IO, like the str0m `Rtc`s it drives: it never reads a clock or touches a
//! socket. The shell feeds it datagrams ([`Sfu::receive`]), the time ([`Sfu::handle_timeout`]),
//! and what the browsers send over signaling (their offers and answers); it drains
//! [`Sfu::poll_output`] for datagrams to send and offers to deliver. Tests drive it with str0m
//! peers in memory and virtual time (`tests`).
//!
//! Negotiation: the browser's first offer joins ([`Sfu::join`]). When another participant's
//! track is to be sent to it, the unit makes an offer ([`SfuOutput::Offer`]) that the browser
//! answers ([`Sfu::accept_answer`]); one offer is outstanding at a time. A browser's own later
//! offer (screen sharing starts) wins over an unanswered one of the unit's, which is made again
//! after it ([`Sfu::accept_offer`]); the shell must send the returned answer before the next
//! output, as signaling is ordered.
//!
//! ## Layout
//! - this file: rooms, demultiplexing datagrams, and passing frames and requests between
//!   participants;
//! - `participant`: one browser's connection and its negotiation;
//! - `tracks`: the published and sent tracks' bookkeeping;
//! - `speakers`: who is speaking in a room, from the audio levels in the packets;
//! - [`shell`]: the task that owns the UDP socket and the unit, and the handle to reach it.

mod participant;
pub mod shell;
mod speakers;
mod tracks;

#[cfg(test)]
mod tests;

use crate::protocol::{PeerId, RoomId};
use participant::{AnswerError, Happened, Participant};
use speakers::Speakers;
pub use speakers::SpeakersNow;
use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::crypto::CryptoProvider;
use str0m::media::{KeyframeRequestKind, MediaKind, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Input, Rtc};

/// Limits the unit enforces.
#[derive(Clone, Debug)]
pub struct SfuLimits {
    /// Most connections the unit holds (each costs memory and CPU whether or not it sends).
    pub max_participants: usize,
    /// Most tracks one participant may publish (microphone, camera, screen, screen sound).
    pub max_tracks_per_participant: usize,
    /// Least time between two keyframe requests to one published track.
    pub keyframe_interval: Duration,
    /// Most participants one page may say it does not show.
    pub max_paused: usize,
}

impl Default for SfuLimits {
    fn default() -> Self {
        SfuLimits {
            max_participants: 500,
            max_tracks_per_participant: 4,
            keyframe_interval: Duration::from_secs(1),
            max_paused: 100,
        }
    }
}

/// What the shell is to do.
#[derive(Debug)]
pub enum SfuOutput {
    /// Send a datagram from the unit's `source` address to `destination`.
    Transmit {
        source: SocketAddr,
        destination: SocketAddr,
        contents: Vec<u8>,
    },
    /// Deliver the unit's offer to this participant over signaling.
    Offer {
        room: RoomId,
        peer: PeerId,
        sdp: String,
    },
    /// This participant's media connection failed or closed; it is no longer in the unit.
    Gone { room: RoomId, peer: PeerId },
    /// Who is speaking in this participant's room changed: tell it over signaling.
    Speakers {
        room: RoomId,
        peer: PeerId,
        speakers: SpeakersNow,
    },
}

/// Why the unit refused something a browser sent.
#[derive(Debug, thiserror::Error)]
pub enum SfuError {
    #[error("the session description is not valid: {0}")]
    BadSdp(String),
    #[error("the server carries as many media connections as it may")]
    Full,
    #[error("this participant has no media connection")]
    NotJoined,
    #[error(transparent)]
    Answer(#[from] AnswerError),
    #[error("the offer was rejected: {0}")]
    Rejected(String),
    #[error("the media server has stopped")]
    Stopped,
    #[error("that names more participants than a meeting holds")]
    TooMany,
}

/// What the unit has done, for the metrics; shared with the scraper.
#[derive(Debug, Default)]
pub struct SfuCounters {
    participants: AtomicUsize,
    forwarded_frames: AtomicU64,
    keyframe_requests: AtomicU64,
}

impl SfuCounters {
    /// Media connections held.
    pub fn participants(&self) -> usize {
        self.participants.load(Ordering::Relaxed)
    }

    /// Frames written to subscribers (one frame sent to three people counts three).
    pub fn forwarded_frames(&self) -> u64 {
        self.forwarded_frames.load(Ordering::Relaxed)
    }

    /// Keyframe requests sent to publishers (after rate limiting).
    pub fn keyframe_requests(&self) -> u64 {
        self.keyframe_requests.load(Ordering::Relaxed)
    }
}

pub struct Sfu {
    limits: SfuLimits,
    counters: Arc<SfuCounters>,
    /// The unit's own addresses, given to browsers as its ICE candidates.
    candidates: Vec<Candidate>,
    crypto: Arc<CryptoProvider>,
    rooms: HashMap<RoomId, Vec<Participant>>,
    /// Who is speaking in each room that has heard audio.
    speakers: HashMap<RoomId, Speakers>,
    /// Which participant a source address belongs to.
    by_address: HashMap<SocketAddr, (RoomId, PeerId)>,
    participants: usize,
    outputs: VecDeque<SfuOutput>,
    /// Scratch space for what participants produced, kept to avoid allocating per datagram.
    happened: VecDeque<(PeerId, Happened)>,
}

impl Sfu {
    /// A unit reachable at `addresses` (UDP host candidates given to every browser).
    pub fn new(addresses: &[SocketAddr], limits: SfuLimits) -> Self {
        let candidates = addresses
            .iter()
            .filter_map(|address| Candidate::host(*address, "udp").ok())
            .collect();
        Sfu {
            limits,
            counters: Arc::default(),
            candidates,
            crypto: Arc::new(str0m::crypto::from_feature_flags()),
            rooms: HashMap::new(),
            speakers: HashMap::new(),
            by_address: HashMap::new(),
            participants: 0,
            outputs: VecDeque::new(),
            happened: VecDeque::new(),
        }
    }

    /// How many media connections the unit holds.
    pub fn participants(&self) -> usize {
        self.participants
    }

    /// What it has done, kept up to date as it works.
    pub fn counters(&self) -> Arc<SfuCounters> {
        Arc::clone(&self.counters)
    }

    /// A browser's first offer: it joins the room's media, and is answered. Joining again
    /// replaces its previous connection.
    pub fn join(
        &mut self,
        now: Instant,
        room: &RoomId,
        peer: PeerId,
        offer: &str,
    ) -> Result<String, SfuError> {
        let offer = parse_offer(offer)?;
        self.leave(now, room, peer);
        if self.participants >= self.limits.max_participants {
            return Err(SfuError::Full);
        }
        let mut rtc = Rtc::builder()
            .set_crypto_provider(self.crypto.clone())
            .set_ice_lite(true)
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .build(now);
        for candidate in &self.candidates {
            rtc.add_local_candidate(candidate.clone());
        }
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::Rejected(e.to_string()))?;
        let mut joining = Participant::new(peer, rtc, now);
        self.speakers
            .entry(room.clone())
            .or_insert_with(|| Speakers::new(now));
        let members = self.rooms.entry(room.clone()).or_default();
        for other in members.iter() {
            for track in &other.tracks_in {
                joining.offer_track(other.peer, track.mid, track.kind);
            }
        }
        members.push(joining);
        if let Some(speakers) = self.speakers.get(room)
            && *speakers.current() != SpeakersNow::default()
        {
            self.outputs.push_back(SfuOutput::Speakers {
                room: room.clone(),
                peer,
                speakers: speakers.current().clone(),
            });
        }
        self.participants += 1;
        self.counters
            .participants
            .store(self.participants, Ordering::Relaxed);
        self.drive(now, room);
        Ok(answer.to_sdp_string())
    }

    /// The browser answered the unit's offer.
    pub fn accept_answer(
        &mut self,
        now: Instant,
        room: &RoomId,
        peer: PeerId,
        answer: &str,
    ) -> Result<(), SfuError> {
        let answer =
            SdpAnswer::from_sdp_string(answer).map_err(|e| SfuError::BadSdp(e.to_string()))?;
        let opened = self.participant(room, peer)?.accept_answer(answer)?;
        // A new subscriber would otherwise wait for its own request, or the publisher's next
        // keyframe, before it can show a picture.
        if let Some(members) = self.rooms.get_mut(room) {
            for (origin, origin_mid) in opened {
                let request = (origin, origin_mid, KeyframeRequestKind::Pli);
                ask_keyframe(&self.limits, &self.counters, now, members, request);
            }
        }
        self.drive(now, room);
        Ok(())
    }

    /// The browser offered a change of its own; it is answered.
    pub fn accept_offer(
        &mut self,
        now: Instant,
        room: &RoomId,
        peer: PeerId,
        offer: &str,
    ) -> Result<String, SfuError> {
        let offer = parse_offer(offer)?;
        let answer = self
            .participant(room, peer)?
            .accept_offer(offer)
            .map_err(|e| SfuError::Rejected(e.to_string()))?;
        self.drive(now, room);
        Ok(answer.to_sdp_string())
    }

    /// The participant's page does not show these participants' video now (they are off
    /// screen, or its tab is hidden): it is not sent until a later call leaves them out. Audio
    /// is always sent. Those shown again start from a keyframe.
    pub fn pause_video(
        &mut self,
        now: Instant,
        room: &RoomId,
        peer: PeerId,
        paused: Vec<PeerId>,
    ) -> Result<(), SfuError> {
        if paused.len() > self.limits.max_paused {
            return Err(SfuError::TooMany);
        }
        let resumed = self.participant(room, peer)?.pause_video(paused);
        if let Some(members) = self.rooms.get_mut(room) {
            for origin in resumed {
                let videos: Vec<Mid> = members
                    .iter()
                    .find(|m| m.peer == origin)
                    .map(|publisher| {
                        publisher
                            .tracks_in
                            .iter()
                            .filter(|t| t.kind == MediaKind::Video)
                            .map(|t| t.mid)
                            .collect()
                    })
                    .unwrap_or_default();
                for mid in videos {
                    let request = (origin, mid, KeyframeRequestKind::Pli);
                    ask_keyframe(&self.limits, &self.counters, now, members, request);
                }
            }
        }
        self.drive(now, room);
        Ok(())
    }

    /// The participant left the meeting (or was removed): its connection closes at once and what
    /// it published is stopped for the others.
    pub fn leave(&mut self, now: Instant, room: &RoomId, peer: PeerId) {
        let Some(members) = self.rooms.get_mut(room) else {
            return;
        };
        let Some(index) = members.iter().position(|member| member.peer == peer) else {
            return;
        };
        // Dropping its connection ends it: nothing more is sent to it.
        let leaving = members.swap_remove(index);
        self.forget(&leaving);
        let members = self.rooms.get_mut(room).expect("the room is still there");
        for other in members.iter_mut() {
            other.stop_tracks_of(peer);
        }
        if let Some(changed) = self.speakers.get_mut(room).and_then(|s| s.forget(peer)) {
            tell_speakers(room, members, &changed, &mut self.outputs);
        }
        self.drive(now, room);
    }

    /// A datagram arrived on one of the unit's addresses. One that belongs to no participant, or
    /// that a participant's connection cannot make sense of, is dropped.
    pub fn receive(
        &mut self,
        now: Instant,
        source: SocketAddr,
        destination: SocketAddr,
        contents: &[u8],
    ) {
        let Ok(receive) = Receive::new(Protocol::Udp, source, destination, contents) else {
            return;
        };
        let input = Input::Receive(now, receive);
        let key = match self.by_address.get(&source) {
            Some(key) => Some(key.clone()),
            // Only a STUN request (first byte 0–3, RFC 7983) can introduce a new address: its
            // username names the connection. Anything else from an unknown address is dropped
            // without looking through every connection.
            None if contents.first().is_some_and(|b| *b < 4) => self.find_accepting(&input),
            None => None,
        };
        let Some((room, peer)) = key else {
            return;
        };
        let Some(members) = self.rooms.get_mut(&room) else {
            return;
        };
        let Some(member) = members.iter_mut().find(|member| member.peer == peer) else {
            return;
        };
        if !member.rtc.accepts(&input) {
            return;
        }
        if let Some(dropped) = member.remember(source) {
            self.by_address.remove(&dropped);
        }
        self.by_address.insert(source, (room.clone(), peer));
        let member = self
            .rooms
            .get_mut(&room)
            .and_then(|members| members.iter_mut().find(|member| member.peer == peer))
            .expect("the member is still there");
        member.handle_input(input);
        self.drive(now, &room);
    }

    /// Time passed: every connection whose timer is due handles it.
    pub fn handle_timeout(&mut self, now: Instant) {
        let mut due = Vec::new();
        for (room, members) in &mut self.rooms {
            let mut any = false;
            for member in members.iter_mut().filter(|member| member.timeout <= now) {
                member.handle_input(Input::Timeout(now));
                any = true;
            }
            if any {
                due.push(room.clone());
            }
        }
        for (room, speakers) in &mut self.speakers {
            if let Some(changed) = speakers.judge(now)
                && let Some(members) = self.rooms.get(room)
            {
                tell_speakers(room, members, &changed, &mut self.outputs);
            }
        }
        for room in due {
            self.drive(now, &room);
        }
    }

    /// The next thing for the shell to do, if any.
    pub fn poll_output(&mut self) -> Option<SfuOutput> {
        self.outputs.pop_front()
    }

    /// When [`Sfu::handle_timeout`] is next due, if any connection is waiting for time.
    pub fn next_timeout(&self) -> Option<Instant> {
        let connections = self.rooms.values().flatten().map(|member| member.timeout);
        let speakers = self.speakers.values().filter_map(Speakers::due);
        connections.chain(speakers).min()
    }

    fn participant(&mut self, room: &RoomId, peer: PeerId) -> Result<&mut Participant, SfuError> {
        self.rooms
            .get_mut(room)
            .and_then(|members| members.iter_mut().find(|member| member.peer == peer))
            .ok_or(SfuError::NotJoined)
    }

    fn find_accepting(&self, input: &Input) -> Option<(RoomId, PeerId)> {
        self.rooms.iter().find_map(|(room, members)| {
            members
                .iter()
                .find(|member| member.rtc.accepts(input))
                .map(|member| (room.clone(), member.peer))
        })
    }

    fn forget(&mut self, leaving: &Participant) {
        for address in &leaving.addresses {
            self.by_address.remove(address);
        }
        self.participants -= 1;
        self.counters
            .participants
            .store(self.participants, Ordering::Relaxed);
    }

    /// Polls the room's connections and carries what one produced to the others, until none
    /// has anything more; then makes the offers that became due, and removes connections that
    /// closed.
    fn drive(&mut self, now: Instant, room: &RoomId) {
        // Both are made when the first participant joins and go when the last leaves.
        let (Some(members), Some(speakers)) =
            (self.rooms.get_mut(room), self.speakers.get_mut(room))
        else {
            return;
        };
        loop {
            for member in members.iter_mut().filter(|member| member.dirty) {
                member.poll(&self.limits, now, &mut self.happened);
            }
            if self.happened.is_empty() {
                for member in members.iter_mut() {
                    if let Some(offer) = member.negotiate() {
                        self.outputs.push_back(SfuOutput::Offer {
                            room: room.clone(),
                            peer: member.peer,
                            sdp: offer.to_sdp_string(),
                        });
                    }
                }
                if members.iter().all(|member| !member.dirty) {
                    break;
                }
                continue;
            }
            while let Some((origin, happened)) = self.happened.pop_front() {
                carry(
                    &self.limits,
                    &self.counters,
                    now,
                    members,
                    speakers,
                    (origin, happened),
                    &mut self.outputs,
                );
            }
        }
        let closed: Vec<PeerId> = members
            .iter()
            .filter(|member| !member.rtc.is_alive())
            .map(|member| member.peer)
            .collect();
        if members.is_empty() {
            self.rooms.remove(room);
            self.speakers.remove(room);
        }
        for peer in closed {
            self.leave(now, room, peer);
            self.outputs.push_back(SfuOutput::Gone {
                room: room.clone(),
                peer,
            });
        }
    }
}

/// A browser's offer, or why it is not one.
fn parse_offer(sdp: &str) -> Result<SdpOffer, SfuError> {
    SdpOffer::from_sdp_string(sdp).map_err(|e| SfuError::BadSdp(e.to_string()))
}

/// Tells everyone in the room who is speaking now.
fn tell_speakers(
    room: &RoomId,
    members: &[Participant],
    speakers: &SpeakersNow,
    outputs: &mut VecDeque<SfuOutput>,
) {
    for member in members {
        outputs.push_back(SfuOutput::Speakers {
            room: room.clone(),
            peer: member.peer,
            speakers: speakers.clone(),
        });
    }
}

/// Acts on one thing a participant's connection produced.
fn carry(
    limits: &SfuLimits,
    counters: &SfuCounters,
    now: Instant,
    members: &mut [Participant],
    speakers: &mut Speakers,
    (origin, happened): (PeerId, Happened),
    outputs: &mut VecDeque<SfuOutput>,
) {
    match happened {
        Happened::Transmit(transmit) => outputs.push_back(SfuOutput::Transmit {
            source: transmit.source,
            destination: transmit.destination,
            contents: transmit.contents.into(),
        }),
        Happened::Published { mid, kind } => {
            for other in members.iter_mut().filter(|m| m.peer != origin) {
                other.offer_track(origin, mid, kind);
            }
        }
        Happened::Media(data) => {
            if let Some(level) = data.ext_vals.audio_level {
                speakers.heard(now, origin, level);
            }
            let sent = members
                .iter_mut()
                .filter(|m| m.peer != origin)
                .filter_map(|other| other.forward(origin, &data).then_some(()))
                .count();
            counters
                .forwarded_frames
                .fetch_add(sent as u64, Ordering::Relaxed);
        }
        Happened::KeyframeWanted {
            origin: publisher,
            origin_mid,
            kind,
        } => ask_keyframe(
            limits,
            counters,
            now,
            members,
            (publisher, origin_mid, kind),
        ),
    }
}

/// Asks a publisher for a keyframe of one of its tracks (rate-limited per track).
fn ask_keyframe(
    limits: &SfuLimits,
    counters: &SfuCounters,
    now: Instant,
    members: &mut [Participant],
    (publisher, mid, kind): (PeerId, Mid, KeyframeRequestKind),
) {
    if let Some(publisher) = members.iter_mut().find(|m| m.peer == publisher)
        && publisher.request_keyframe(mid, kind, limits, now)
    {
        counters.keyframe_requests.fetch_add(1, Ordering::Relaxed);
    }
}
