//! One browser's connection to the unit: its `Rtc`, what it publishes, what it is sent, and the
//! offers the unit makes it when others' tracks come and go.

use super::SfuLimits;
use super::tracks::{TrackIn, TrackOut, TrackOutState};
use crate::protocol::PeerId;
use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Instant;
use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::media::{Direction, KeyframeRequestKind, MediaData, MediaKind, Mid};
use str0m::net::Transmit;
use str0m::{Event, IceConnectionState, Input, Output, Rtc, RtcError};

/// How many source addresses of one participant are remembered for demultiplexing (ICE may try a
/// few before it settles on one).
pub(super) const ADDRESSES_KEPT: usize = 4;

/// What one participant's connection produced that the unit must act on.
#[derive(Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "a frame is passed on at once; boxing would allocate once more per frame"
)]
pub(super) enum Happened {
    /// A datagram to send.
    Transmit(Transmit),
    /// It publishes a new track: the others are to be offered it.
    Published { mid: Mid, kind: MediaKind },
    /// A frame of one of its tracks: the others are to be sent it.
    Media(MediaData),
    /// It wants a keyframe of a track it is sent: its publisher is to be asked.
    KeyframeWanted {
        origin: PeerId,
        origin_mid: Mid,
        kind: KeyframeRequestKind,
    },
}

#[derive(Debug)]
pub(super) struct Participant {
    pub peer: PeerId,
    pub rtc: Rtc,
    pub tracks_in: Vec<TrackIn>,
    pub tracks_out: Vec<TrackOut>,
    /// The unit's offer the browser has not answered yet.
    pending: Option<SdpPendingOffer>,
    /// When its `Rtc` next wants time to pass.
    pub timeout: Instant,
    /// Whether it has output to be polled for.
    pub dirty: bool,
    /// Source addresses its datagrams came from (newest last, at most [`ADDRESSES_KEPT`]).
    pub addresses: Vec<SocketAddr>,
    /// Those whose video it does not show now (off screen, or the tab hidden): not sent.
    pub paused: Vec<PeerId>,
}

impl Participant {
    pub fn new(peer: PeerId, rtc: Rtc, now: Instant) -> Self {
        Participant {
            peer,
            rtc,
            tracks_in: Vec::new(),
            tracks_out: Vec::new(),
            pending: None,
            timeout: now,
            dirty: true,
            addresses: Vec::new(),
            paused: Vec::new(),
        }
    }

    /// Feeds it a datagram or the time. An error closes the connection (str0m drops malformed
    /// packets itself; an error here means the connection cannot go on).
    pub fn handle_input(&mut self, input: Input) {
        self.dirty = true;
        if let Err(error) = self.rtc.handle_input(input) {
            tracing::debug!(peer = %self.peer, %error, "media connection failed");
            self.rtc.disconnect();
        }
    }

    /// Remembers that a datagram of its came from `source`; returns an address it no longer
    /// keeps, if one had to make room.
    pub fn remember(&mut self, source: SocketAddr) -> Option<SocketAddr> {
        if self.addresses.contains(&source) {
            return None;
        }
        self.addresses.push(source);
        (self.addresses.len() > ADDRESSES_KEPT).then(|| self.addresses.remove(0))
    }

    /// Polls its connection until it only waits for time, pushing what happened.
    pub fn poll(
        &mut self,
        limits: &SfuLimits,
        now: Instant,
        out: &mut VecDeque<(PeerId, Happened)>,
    ) {
        self.dirty = false;
        while self.rtc.is_alive() {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(at)) => {
                    self.timeout = at;
                    return;
                }
                Ok(Output::Transmit(transmit)) => {
                    out.push_back((self.peer, Happened::Transmit(transmit)))
                }
                Ok(Output::Event(event)) => self.on_event(event, limits, now, out),
                Err(error) => {
                    tracing::debug!(peer = %self.peer, %error, "media connection failed");
                    self.rtc.disconnect();
                }
            }
        }
    }

    fn on_event(
        &mut self,
        event: Event,
        limits: &SfuLimits,
        now: Instant,
        out: &mut VecDeque<(PeerId, Happened)>,
    ) {
        match event {
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                self.rtc.disconnect();
            }
            Event::MediaAdded(added) if added.direction.is_receiving() => {
                if self.tracks_in.len() >= limits.max_tracks_per_participant {
                    tracing::debug!(peer = %self.peer, "track over the publish limit ignored");
                    return;
                }
                self.tracks_in.push(TrackIn {
                    mid: added.mid,
                    kind: added.kind,
                    last_keyframe_request: None,
                });
                let published = Happened::Published {
                    mid: added.mid,
                    kind: added.kind,
                };
                out.push_back((self.peer, published));
            }
            Event::MediaData(data) => {
                if !self.tracks_in.iter().any(|track| track.mid == data.mid) {
                    return;
                }
                if !data.contiguous {
                    let _ = self.request_keyframe(data.mid, KeyframeRequestKind::Fir, limits, now);
                }
                out.push_back((self.peer, Happened::Media(data)));
            }
            Event::KeyframeRequest(request) => {
                let Some(track) = self
                    .tracks_out
                    .iter()
                    .find(|track| track.open_mid() == Some(request.mid))
                else {
                    return;
                };
                let wanted = Happened::KeyframeWanted {
                    origin: track.origin,
                    origin_mid: track.origin_mid,
                    kind: request.kind,
                };
                out.push_back((self.peer, wanted));
            }
            _ => {}
        }
    }

    /// Asks this participant for a keyframe of a track it publishes, at most once per
    /// [`SfuLimits::keyframe_interval`] per track; returns whether it was asked.
    pub fn request_keyframe(
        &mut self,
        mid: Mid,
        kind: KeyframeRequestKind,
        limits: &SfuLimits,
        now: Instant,
    ) -> bool {
        let Some(track) = self.tracks_in.iter_mut().find(|track| track.mid == mid) else {
            return false;
        };
        if track
            .last_keyframe_request
            .is_some_and(|at| now.saturating_duration_since(at) < limits.keyframe_interval)
        {
            return false;
        }
        let Some(mut writer) = self.rtc.writer(mid) else {
            return false;
        };
        if writer.request_keyframe(None, kind).is_err() {
            return false;
        }
        track.last_keyframe_request = Some(now);
        self.dirty = true;
        true
    }

    /// Sends it a frame of another participant's track, if that track is open here; returns
    /// whether it was sent.
    pub fn forward(&mut self, origin: PeerId, data: &MediaData) -> bool {
        let Some(track) = self
            .tracks_out
            .iter()
            .find(|track| track.is_from(origin, data.mid))
        else {
            return false;
        };
        if track.kind == MediaKind::Video && self.paused.contains(&origin) {
            return false;
        }
        let Some(mid) = track.open_mid() else {
            return false;
        };
        let Some(mut writer) = self.rtc.writer(mid) else {
            return false;
        };
        let Some(pt) = writer.match_params(data.params) else {
            return false;
        };
        if let Some(level) = data.ext_vals.audio_level {
            // Passed on, so the browser's own statistics see who speaks.
            let activity = data.ext_vals.voice_activity.unwrap_or(false);
            writer = writer.audio_level(level, activity);
        }
        self.dirty = true;
        match writer.write(pt, data.network_time, data.time, data.data.clone()) {
            Ok(()) => true,
            Err(error) => {
                tracing::debug!(peer = %self.peer, %error, "forwarding failed");
                false
            }
        }
    }

    /// The video of these participants is not to be sent here from now on; returns those whose
    /// video is to be sent again (each needs a keyframe to start from).
    pub fn pause_video(&mut self, mut paused: Vec<PeerId>) -> Vec<PeerId> {
        paused.sort();
        paused.dedup();
        let resumed = self
            .paused
            .iter()
            .filter(|peer| !paused.contains(peer))
            .copied()
            .collect();
        self.paused = paused;
        resumed
    }

    /// Another participant's track is to be sent here.
    pub fn offer_track(&mut self, origin: PeerId, origin_mid: Mid, kind: MediaKind) {
        self.tracks_out
            .push(TrackOut::new(origin, origin_mid, kind));
        self.dirty = true;
    }

    /// Another participant left: what it published is stopped here.
    pub fn stop_tracks_of(&mut self, origin: PeerId) {
        self.tracks_out.retain_mut(|track| {
            if track.origin != origin {
                return true;
            }
            match track.state {
                TrackOutState::ToOpen => return false,
                TrackOutState::Open(m) => track.state = TrackOutState::ToStop(m),
                TrackOutState::Negotiating(_) => track.gone = true,
                TrackOutState::ToStop(_) | TrackOutState::Stopping(_) => {}
            }
            true
        });
        self.dirty = true;
    }

    /// The offer for what changed since the last one, unless one is still unanswered.
    pub fn negotiate(&mut self) -> Option<SdpOffer> {
        if self.pending.is_some() || !self.rtc.is_alive() {
            return None;
        }
        let mut change = self.rtc.sdp_api();
        for track in &mut self.tracks_out {
            match track.state {
                TrackOutState::ToOpen => {
                    let mid = change.add_media(
                        track.kind,
                        Direction::SendOnly,
                        Some(track.origin.to_string()),
                        Some(format!("{}-{}", track.origin, track.origin_mid)),
                        None,
                    );
                    track.state = TrackOutState::Negotiating(mid);
                }
                TrackOutState::ToStop(mid) => {
                    change.stop_media(mid);
                    track.state = TrackOutState::Stopping(mid);
                }
                _ => {}
            }
        }
        if !change.has_changes() {
            return None;
        }
        let (offer, pending) = change.apply()?;
        self.pending = Some(pending);
        self.dirty = true;
        Some(offer)
    }

    /// The browser answered the unit's offer. Returns the video tracks it opened (whose
    /// publisher, which of theirs): each needs a keyframe to start from.
    pub fn accept_answer(&mut self, answer: SdpAnswer) -> Result<Vec<(PeerId, Mid)>, AnswerError> {
        let pending = self.pending.take().ok_or(AnswerError::NoOffer)?;
        self.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(AnswerError::Rejected)?;
        let mut opened = Vec::new();
        self.tracks_out.retain_mut(|track| {
            match track.state {
                TrackOutState::Negotiating(m) if track.gone => {
                    track.state = TrackOutState::ToStop(m)
                }
                TrackOutState::Negotiating(m) => {
                    track.state = TrackOutState::Open(m);
                    if track.kind == MediaKind::Video {
                        opened.push((track.origin, track.origin_mid));
                    }
                }
                TrackOutState::Stopping(_) => return false,
                _ => {}
            }
            true
        });
        self.dirty = true;
        Ok(opened)
    }

    /// The browser made an offer of its own (it started or stopped sharing its screen, say).
    /// It wins over an unanswered offer of the unit's, which is made again afterwards.
    pub fn accept_offer(&mut self, offer: SdpOffer) -> Result<SdpAnswer, RtcError> {
        self.pending = None;
        for track in &mut self.tracks_out {
            match track.state {
                TrackOutState::Negotiating(_) => track.state = TrackOutState::ToOpen,
                TrackOutState::Stopping(m) => track.state = TrackOutState::ToStop(m),
                _ => {}
            }
        }
        self.tracks_out
            .retain(|track| !(track.gone && track.state == TrackOutState::ToOpen));
        self.dirty = true;
        self.rtc.sdp_api().accept_offer(offer)
    }
}

/// Why the browser's answer was not taken.
#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error("no offer awaits an answer")]
    NoOffer,
    #[error("the answer was rejected: {0}")]
    Rejected(RtcError),
}
