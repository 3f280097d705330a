//! The nonces of the TURN handshake, owned by the gate rather than the engine.
//!
//! The `turn` engine mints a nonce, and remembers it in a table it only cleans when that nonce
//! is presented again after its hour is up, every time a request arrives without credentials or
//! with a nonce it does not know. Left to it, anyone could grow that table without bound with
//! junk requests. So the gate answers those requests itself with one shared nonce that it learns
//! from the engine, and asks the engine for a new one (with a request of its own, never a
//! client's) only when the current one is getting old. To keep the engine's table from growing
//! with time too, the refresh request presents the oldest retired nonce once it has expired,
//! which makes the engine drop it as it mints the next: the table never holds more than a few.
//!
//! Pure state: the gate passes `now` and acts on what this returns.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long the engine honours a nonce (the `turn` crate's `NONCE_LIFETIME`).
pub const ENGINE_LIFETIME: Duration = Duration::from_secs(3600);

/// After this age the gate asks for a new nonce, and hands out the old one only until then.
pub const REFRESH_AFTER: Duration = Duration::from_secs(50 * 60);

/// A nonce is treated as expired this long before the engine's hour is up, since the gate
/// learns it a moment after the engine made it.
const MARGIN: Duration = Duration::from_secs(5);

/// A refresh that has not been answered in this time is asked again.
const PENDING_FOR: Duration = Duration::from_secs(1);

/// Nonces kept after retirement until the engine has been made to drop them.
const MAX_RETIRED: usize = 8;

/// A nonce the engine made, and when the gate learned it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Issued {
    value: String,
    at: Instant,
}

/// What the gate should ask the engine for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refresh {
    /// A new nonce (a request without credentials).
    Mint,
    /// A new nonce, presenting this expired one so that the engine forgets it.
    Purge(String),
}

/// How a nonce a client presented stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Standing {
    /// The engine holds it and will accept it.
    Valid,
    /// The engine holds it no longer, or holds it expired.
    Stale,
}

/// The nonces in play.
#[derive(Debug, Default)]
pub struct Nonces {
    current: Option<Issued>,
    previous: Option<Issued>,
    retired: VecDeque<Issued>,
    pending: Option<Instant>,
}

impl Nonces {
    /// The nonce to hand a client, if there is one worth handing out.
    pub fn usable(&self, now: Instant) -> Option<&str> {
        self.current
            .as_ref()
            .filter(|issued| age(issued, now) + MARGIN < ENGINE_LIFETIME)
            .map(|issued| issued.value.as_str())
    }

    /// Whether a nonce a client presented is still good.
    pub fn standing(&self, nonce: &str, now: Instant) -> Standing {
        let valid = [&self.current, &self.previous]
            .into_iter()
            .flatten()
            .any(|issued| issued.value == nonce && age(issued, now) + MARGIN < ENGINE_LIFETIME);
        if valid {
            Standing::Valid
        } else {
            Standing::Stale
        }
    }

    /// What to ask the engine for now, if anything; asking again is held back until the
    /// answer has had time to come.
    pub fn refresh(&mut self, now: Instant) -> Option<Refresh> {
        let fresh = self
            .current
            .as_ref()
            .is_some_and(|issued| age(issued, now) < REFRESH_AFTER);
        let waiting = self
            .pending
            .is_some_and(|since| now.saturating_duration_since(since) < PENDING_FOR);
        if fresh || waiting {
            return None;
        }
        self.pending = Some(now);
        let expired = self
            .retired
            .iter()
            .position(|issued| age(issued, now) >= ENGINE_LIFETIME);
        Some(match expired {
            Some(at) => Refresh::Purge(self.retired[at].value.clone()),
            None => Refresh::Mint,
        })
    }

    /// The engine made `nonce`; a purge it answered has made it forget `purged`.
    pub fn learned(&mut self, nonce: String, purged: Option<&str>, now: Instant) {
        if let Some(purged) = purged {
            self.retired.retain(|issued| issued.value != purged);
        }
        if self.current.as_ref().is_some_and(|c| c.value == nonce) {
            return;
        }
        if let Some(old) = self.previous.take() {
            self.retired.push_back(old);
            if self.retired.len() > MAX_RETIRED {
                self.retired.pop_front();
            }
        }
        self.previous = self.current.take();
        self.current = Some(Issued {
            value: nonce,
            at: now,
        });
        self.pending = None;
    }

    /// Nonces the engine still holds, as far as the gate knows.
    pub fn held_by_engine(&self) -> usize {
        usize::from(self.current.is_some())
            + usize::from(self.previous.is_some())
            + self.retired.len()
    }
}

fn age(issued: &Issued, now: Instant) -> Duration {
    now.saturating_duration_since(issued.at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_gate_asks_for_a_nonce_once_and_hands_it_out() {
        let t0 = Instant::now();
        let mut nonces = Nonces::default();
        assert_eq!(nonces.usable(t0), None);
        assert_eq!(nonces.refresh(t0), Some(Refresh::Mint));
        assert_eq!(nonces.refresh(t0), None, "one request in flight");
        nonces.learned("n1".into(), None, t0);
        assert_eq!(nonces.usable(t0), Some("n1"));
        assert_eq!(nonces.refresh(t0 + Duration::from_secs(60)), None);
    }

    #[test]
    fn an_unanswered_refresh_is_asked_again() {
        let t0 = Instant::now();
        let mut nonces = Nonces::default();
        assert_eq!(nonces.refresh(t0), Some(Refresh::Mint));
        assert_eq!(nonces.refresh(t0 + PENDING_FOR), Some(Refresh::Mint));
    }

    #[test]
    fn unknown_and_expired_nonces_are_stale() {
        let t0 = Instant::now();
        let mut nonces = Nonces::default();
        nonces.learned("n1".into(), None, t0);
        assert_eq!(nonces.standing("n1", t0), Standing::Valid);
        assert_eq!(nonces.standing("made-up", t0), Standing::Stale);
        assert_eq!(nonces.standing("n1", t0 + ENGINE_LIFETIME), Standing::Stale);
    }

    #[test]
    fn over_hours_the_engine_never_holds_more_than_a_few_nonces() {
        let t0 = Instant::now();
        let mut nonces = Nonces::default();
        let mut made = 0;
        let mut purged = 0;
        // A day, looked at every minute, as busy traffic would.
        for minute in 0..24 * 60 {
            let now = t0 + Duration::from_secs(minute * 60);
            if let Some(refresh) = nonces.refresh(now) {
                made += 1;
                let gone = match refresh {
                    Refresh::Purge(old) => {
                        purged += 1;
                        Some(old)
                    }
                    Refresh::Mint => None,
                };
                nonces.learned(format!("n{made}"), gone.as_deref(), now);
            }
            assert!(nonces.usable(now).is_some(), "minute {minute}");
            assert!(nonces.held_by_engine() <= 3, "minute {minute}");
        }
        assert!(made >= 24 * 60 / 50, "{made}");
        assert!(purged >= made - 3, "{purged} of {made} purged");
    }

    #[test]
    fn the_previous_nonce_stays_valid_until_its_hour_is_up() {
        let t0 = Instant::now();
        let mut nonces = Nonces::default();
        nonces.learned("n1".into(), None, t0);
        let later = t0 + REFRESH_AFTER;
        assert_eq!(nonces.refresh(later), Some(Refresh::Mint));
        nonces.learned("n2".into(), None, later);
        assert_eq!(nonces.usable(later), Some("n2"));
        assert_eq!(nonces.standing("n1", later), Standing::Valid);
    }
}
