//! "Perfect negotiation" for one connection, as decisions: both sides may offer at any time;
//! when offers collide, the polite side (the later joiner) rolls its own back and answers, the
//! impolite side ignores the incoming offer. ICE candidates that arrive before any remote
//! description are queued, not dropped, and handed over in order once it is set.
//!
//! The shell applies remote signals strictly one after another (each waits for the previous
//! `setRemoteDescription` to finish) and asks this machine at each step.

use crate::protocol::{SdpType, Signal};

/// The connection's `signalingState`, as far as negotiation cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignalingState {
    /// No exchange under way.
    Stable,
    /// Anything else (an offer of ours or theirs is pending, or closed).
    Busy,
}

/// An ICE candidate from the remote side.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The candidate line.
    pub candidate: String,
    /// Its media section's id.
    pub sdp_mid: Option<String>,
    /// Its media section's index.
    pub sdp_m_line_index: Option<u16>,
}

/// What to do with a remote description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DescriptionStep {
    /// Drop it: a colliding offer on the impolite side.
    Ignore,
    /// Set it as the remote description (on the polite side this rolls back a colliding offer
    /// of ours); then, for an offer, set our answer and send it.
    Apply {
        /// It is an offer, so answer it.
        answer: bool,
    },
}

/// What to do with a remote candidate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CandidateStep {
    /// Keep it until the remote description is set.
    Queue,
    /// Add it now.
    Add(Candidate),
}

/// A remote signal, sorted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Remote {
    /// A description.
    Description(SdpType, String),
    /// A candidate.
    Candidate(Candidate),
}

impl From<Signal> for Remote {
    fn from(signal: Signal) -> Self {
        match signal {
            Signal::Description { sdp_type, sdp } => Remote::Description(sdp_type, sdp),
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => Remote::Candidate(Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            }),
        }
    }
}

/// One connection's negotiation.
#[derive(Clone, Debug)]
pub struct Negotiation {
    polite: bool,
    making_offer: bool,
    ignore_offer: bool,
    has_remote_description: bool,
    early: Vec<Candidate>,
}

impl Negotiation {
    /// A fresh negotiation; `polite` yields in a collision.
    pub fn new(polite: bool) -> Self {
        Negotiation {
            polite,
            making_offer: false,
            ignore_offer: false,
            has_remote_description: false,
            early: Vec::new(),
        }
    }

    /// We start making an offer (from negotiationneeded, or the first one at once).
    pub fn offer_started(&mut self) {
        self.making_offer = true;
    }

    /// Our offer is set as the local description (or failed).
    pub fn offer_finished(&mut self) {
        self.making_offer = false;
    }

    /// Whether an offer of ours is being made.
    pub fn making_offer(&self) -> bool {
        self.making_offer
    }

    /// A remote description arrived while the connection is in `state`.
    pub fn on_description(&mut self, sdp_type: SdpType, state: SignalingState) -> DescriptionStep {
        let offer = sdp_type == SdpType::Offer;
        let collision = offer && (self.making_offer || state != SignalingState::Stable);
        self.ignore_offer = !self.polite && collision;
        if self.ignore_offer {
            DescriptionStep::Ignore
        } else {
            DescriptionStep::Apply { answer: offer }
        }
    }

    /// The remote description was set: the candidates that waited for it, in arrival order.
    pub fn remote_description_set(&mut self) -> Vec<Candidate> {
        self.has_remote_description = true;
        std::mem::take(&mut self.early)
    }

    /// A remote candidate arrived.
    pub fn on_candidate(&mut self, candidate: Candidate) -> CandidateStep {
        if self.has_remote_description {
            CandidateStep::Add(candidate)
        } else {
            self.early.push(candidate);
            CandidateStep::Queue
        }
    }

    /// Whether a candidate the connection refused is expected (it belonged to an offer we
    /// ignored), so not worth a warning.
    pub fn refusal_expected(&self) -> bool {
        self.ignore_offer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(n: u32) -> Candidate {
        Candidate {
            candidate: format!("candidate:{n} 1 udp 1 192.0.2.1 {n} typ host"),
            sdp_mid: Some("0".into()),
            sdp_m_line_index: Some(0),
        }
    }

    #[test]
    fn an_offer_in_a_stable_connection_is_applied_and_answered() {
        let mut negotiation = Negotiation::new(false);
        assert_eq!(
            negotiation.on_description(SdpType::Offer, SignalingState::Stable),
            DescriptionStep::Apply { answer: true }
        );
    }

    #[test]
    fn an_answer_is_applied_without_answering() {
        let mut negotiation = Negotiation::new(false);
        negotiation.offer_started();
        negotiation.offer_finished();
        assert_eq!(
            negotiation.on_description(SdpType::Answer, SignalingState::Busy),
            DescriptionStep::Apply { answer: false }
        );
    }

    #[test]
    fn in_a_collision_the_impolite_side_ignores_the_incoming_offer() {
        let mut negotiation = Negotiation::new(false);
        negotiation.offer_started();
        assert_eq!(
            negotiation.on_description(SdpType::Offer, SignalingState::Stable),
            DescriptionStep::Ignore
        );
        assert!(negotiation.refusal_expected());
    }

    #[test]
    fn in_a_collision_the_polite_side_rolls_back_and_answers() {
        let mut negotiation = Negotiation::new(true);
        negotiation.offer_started();
        assert_eq!(
            negotiation.on_description(SdpType::Offer, SignalingState::Busy),
            DescriptionStep::Apply { answer: true }
        );
        assert!(!negotiation.refusal_expected());
    }

    #[test]
    fn an_offer_while_ours_is_pending_collides_even_after_it_was_set() {
        // Our offer is set (have-local-offer) but not answered yet.
        let mut impolite = Negotiation::new(false);
        assert_eq!(
            impolite.on_description(SdpType::Offer, SignalingState::Busy),
            DescriptionStep::Ignore
        );
    }

    #[test]
    fn both_sides_of_a_glare_end_with_exactly_one_offer_answered() {
        let (mut a, mut b) = (Negotiation::new(false), Negotiation::new(true));
        a.offer_started();
        b.offer_started();
        let at_a = a.on_description(SdpType::Offer, SignalingState::Busy);
        let at_b = b.on_description(SdpType::Offer, SignalingState::Busy);
        assert_eq!(at_a, DescriptionStep::Ignore, "A keeps its own offer");
        assert_eq!(
            at_b,
            DescriptionStep::Apply { answer: true },
            "B answers A's offer"
        );
        // B's answer then reaches A, which applies it.
        a.offer_finished();
        assert_eq!(
            a.on_description(SdpType::Answer, SignalingState::Busy),
            DescriptionStep::Apply { answer: false }
        );
    }

    #[test]
    fn candidates_before_the_remote_description_wait_and_come_out_in_order() {
        let mut negotiation = Negotiation::new(true);
        for n in 0..3 {
            assert_eq!(negotiation.on_candidate(candidate(n)), CandidateStep::Queue);
        }
        assert_eq!(
            negotiation.remote_description_set(),
            vec![candidate(0), candidate(1), candidate(2)]
        );
        assert_eq!(
            negotiation.on_candidate(candidate(3)),
            CandidateStep::Add(candidate(3))
        );
        assert!(
            negotiation.remote_description_set().is_empty(),
            "each candidate once"
        );
    }

    #[test]
    fn a_later_offer_after_an_ignored_one_is_taken_again() {
        let mut negotiation = Negotiation::new(false);
        negotiation.offer_started();
        assert_eq!(
            negotiation.on_description(SdpType::Offer, SignalingState::Busy),
            DescriptionStep::Ignore
        );
        negotiation.offer_finished();
        // Our offer was answered; an ICE restart offer from them arrives later.
        assert_eq!(
            negotiation.on_description(SdpType::Offer, SignalingState::Stable),
            DescriptionStep::Apply { answer: true }
        );
        assert!(!negotiation.refusal_expected());
    }

    #[test]
    fn a_rollback_from_the_other_side_is_applied() {
        let mut negotiation = Negotiation::new(false);
        assert_eq!(
            negotiation.on_description(SdpType::Rollback, SignalingState::Busy),
            DescriptionStep::Apply { answer: false }
        );
    }

    #[test]
    fn signals_sort_into_descriptions_and_candidates() {
        let signal = Signal::Candidate {
            candidate: "c".into(),
            sdp_mid: None,
            sdp_m_line_index: Some(1),
        };
        assert_eq!(
            Remote::from(signal),
            Remote::Candidate(Candidate {
                candidate: "c".into(),
                sdp_mid: None,
                sdp_m_line_index: Some(1)
            })
        );
        let offer = Signal::Description {
            sdp_type: SdpType::Offer,
            sdp: "v=0".into(),
        };
        assert_eq!(
            Remote::from(offer),
            Remote::Description(SdpType::Offer, "v=0".into())
        );
    }
}
