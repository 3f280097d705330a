//! A token bucket: at most `burst` events at once, refilled at a steady rate. Used to limit how
//! fast one connection may send and how fast anyone may guess a room's password.

use std::time::{Duration, Instant};

/// Allows `burst` events at once and one more every `refill` after that.
#[derive(Clone, Debug)]
pub struct TokenBucket {
    burst: f64,
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(burst: u32, refill: Duration, now: Instant) -> Self {
        TokenBucket {
            burst: f64::from(burst),
            per_second: 1.0 / refill.as_secs_f64(),
            tokens: f64::from(burst),
            last: now,
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self, now: Instant) -> bool {
        self.take_many(1, now)
    }

    /// Takes `count` tokens if there are that many (a byte budget takes one per byte).
    pub fn take_many(&mut self, count: u32, now: Instant) -> bool {
        self.refill(now);
        let count = f64::from(count);
        if self.tokens >= count {
            self.tokens -= count;
            true
        } else {
            false
        }
    }

    /// Whether a token is there, without taking it.
    pub fn has_token(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= 1.0
    }

    /// Takes `count` tokens whether or not they are there: an event that already happened (a
    /// wrong password found after checking) is paid for by waiting longer afterwards. The debt
    /// is capped at one burst.
    pub fn charge(&mut self, count: u32, now: Instant) {
        self.refill(now);
        self.tokens = (self.tokens - f64::from(count)).max(-self.burst);
    }

    /// A bucket of `per_second` tokens a second, holding at most `burst`.
    pub fn per_second(per_second: u64, burst: u64, now: Instant) -> Self {
        TokenBucket {
            burst: burst as f64,
            per_second: per_second as f64,
            tokens: burst as f64,
            last: now,
        }
    }

    /// How long until a token is available (zero if one is).
    pub fn wait(&mut self, now: Instant) -> Duration {
        self.refill(now);
        if self.tokens >= 1.0 {
            Duration::ZERO
        } else {
            Duration::from_secs_f64((1.0 - self.tokens) / self.per_second)
        }
    }

    /// Whether the bucket has refilled completely (the client has been quiet for a while).
    pub fn is_full(&mut self, now: Instant) -> bool {
        self.refill(now);
        self.tokens >= self.burst
    }

    fn refill(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.burst);
        self.last = now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_a_burst_then_one_per_refill_interval() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(3, Duration::from_millis(100), start);
        assert!((0..3).all(|_| bucket.take(start)));
        assert!(!bucket.take(start));
        let wait = bucket.wait(start);
        assert!(wait > Duration::from_millis(99) && wait < Duration::from_millis(101));
        assert!(!bucket.take(start + Duration::from_millis(99)));
        assert!(bucket.take(start + Duration::from_millis(101)));
        assert!(!bucket.take(start + Duration::from_millis(101)));
    }

    #[test]
    fn takes_many_only_when_all_are_there() {
        let start = Instant::now();
        let mut bytes = TokenBucket::per_second(1000, 1500, start);
        assert!(bytes.take_many(1200, start));
        assert!(!bytes.take_many(1200, start));
        assert!(bytes.take_many(300, start));
        assert!(!bytes.take_many(1000, start + Duration::from_millis(900)));
        assert!(bytes.take_many(1000, start + Duration::from_millis(1001)));
    }

    #[test]
    fn a_charge_is_paid_back_by_waiting_and_the_debt_is_capped() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(2, Duration::from_secs(1), start);
        assert!(bucket.has_token(start));
        for _ in 0..10 {
            bucket.charge(1, start);
        }
        assert!(!bucket.has_token(start));
        assert!(!bucket.has_token(start + Duration::from_millis(2900)));
        assert!(bucket.has_token(start + Duration::from_millis(3100)));
    }

    #[test]
    fn never_holds_more_than_the_burst() {
        let start = Instant::now();
        let mut bucket = TokenBucket::new(2, Duration::from_millis(10), start);
        let later = start + Duration::from_secs(60);
        assert!(bucket.is_full(later));
        assert!(bucket.take(later) && bucket.take(later));
        assert!(!bucket.take(later));
    }
}
