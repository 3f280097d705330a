//! What one participant publishes and what it is sent: the tracks on either side of the unit.

use crate::protocol::PeerId;
use std::time::Instant;
use str0m::media::{MediaKind, Mid};

/// A track a participant publishes (its microphone, camera, screen, or screen sound).
#[derive(Debug)]
pub(super) struct TrackIn {
    /// Where it arrives in the publisher's connection.
    pub mid: Mid,
    pub kind: MediaKind,
    /// When the publisher was last asked for a keyframe on it, so requests are rate-limited.
    pub last_keyframe_request: Option<Instant>,
}

/// Where a track another participant publishes is, in this participant's connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum TrackOutState {
    /// Not in any offer yet.
    ToOpen,
    /// In the offer awaiting the browser's answer.
    Negotiating(Mid),
    /// Answered: media is written to it.
    Open(Mid),
    /// Its publisher left or stopped it: the next offer stops it.
    ToStop(Mid),
    /// In the offer that stops it, awaiting the answer.
    Stopping(Mid),
}

/// One track sent to a participant: whose, which of theirs, and how far negotiated.
#[derive(Debug)]
pub(super) struct TrackOut {
    pub origin: PeerId,
    pub origin_mid: Mid,
    pub kind: MediaKind,
    pub state: TrackOutState,
    /// Its publisher left while the offer adding it was unanswered: stopped once answered.
    pub gone: bool,
}

impl TrackOut {
    pub fn new(origin: PeerId, origin_mid: Mid, kind: MediaKind) -> Self {
        TrackOut {
            origin,
            origin_mid,
            kind,
            state: TrackOutState::ToOpen,
            gone: false,
        }
    }

    /// Whether media written now reaches the browser.
    pub fn open_mid(&self) -> Option<Mid> {
        match self.state {
            TrackOutState::Open(m) => Some(m),
            _ => None,
        }
    }

    pub fn is_from(&self, origin: PeerId, origin_mid: Mid) -> bool {
        self.origin == origin && self.origin_mid == origin_mid
    }
}
