//! How much another browser may send us on its control channel (chat and file offers) before we
//! drop the rest: a participant's page treats other participants as untrusted, so a modified
//! browser flooding it cannot freeze it. Pure: the caller passes the time.

/// Messages one participant may send at once.
pub const BURST: f64 = 60.0;

/// After the burst, messages per second.
pub const PER_SECOND: f64 = 20.0;

/// What to do with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Take it.
    Take,
    /// Drop it, and say once that messages from this participant are being dropped.
    DropAndTell,
    /// Drop it quietly (already said).
    Drop,
}

/// One participant's budget.
#[derive(Clone, Debug)]
pub struct PeerBudget {
    tokens: f64,
    /// When the tokens were counted, in milliseconds.
    at: f64,
    /// Dropping has been reported and the budget has not refilled since.
    told: bool,
}

impl PeerBudget {
    /// A full budget at `now` (milliseconds).
    pub fn new(now: f64) -> Self {
        PeerBudget {
            tokens: BURST,
            at: now,
            told: false,
        }
    }

    /// Whether a message arriving at `now` (milliseconds) is taken.
    pub fn admit(&mut self, now: f64) -> Verdict {
        let elapsed = ((now - self.at) / 1000.0).max(0.0);
        self.tokens = (self.tokens + elapsed * PER_SECOND).min(BURST);
        self.at = now;
        if self.tokens >= BURST {
            self.told = false;
        }
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Verdict::Take
        } else if self.told {
            Verdict::Drop
        } else {
            self.told = true;
            Verdict::DropAndTell
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flood_is_cut_to_the_burst_and_reported_once() {
        let mut budget = PeerBudget::new(0.0);
        let verdicts: Vec<Verdict> = (0..10_000).map(|i| budget.admit(i as f64 * 0.14)).collect();
        let taken = verdicts.iter().filter(|v| **v == Verdict::Take).count();
        // 10,000 messages in 1.4 s: the burst and 1.4 s of refill.
        assert!((60..=90).contains(&taken), "{taken}");
        let told = verdicts
            .iter()
            .filter(|v| **v == Verdict::DropAndTell)
            .count();
        assert_eq!(told, 1);
    }

    #[test]
    fn an_ordinary_conversation_is_never_dropped() {
        let mut budget = PeerBudget::new(0.0);
        // A message every 100 ms for ten minutes: fast typing, and a burst of pasted lines.
        for i in 0..6000 {
            assert_eq!(budget.admit(f64::from(i) * 100.0), Verdict::Take);
        }
        for _ in 0..50 {
            assert_eq!(budget.admit(600_000.0), Verdict::Take);
        }
    }

    #[test]
    fn after_refilling_a_new_flood_is_reported_again() {
        let mut budget = PeerBudget::new(0.0);
        for _ in 0..100 {
            budget.admit(0.0);
        }
        assert_eq!(budget.admit(0.0), Verdict::Drop);
        let later = 1000.0 * BURST / PER_SECOND + 1.0;
        let told = (0..100)
            .filter(|_| budget.admit(later) == Verdict::DropAndTell)
            .count();
        assert_eq!(told, 1);
    }
}
