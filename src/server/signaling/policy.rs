//! One signaling connection's rules, as decisions: how fast it may send (a token bucket, and
//! strikes for messages dropped in a row), how long it may stay without joining a room, and when
//! it counts as dead (nothing heard, not even a pong), and so when it must next be woken. Pure:
//! the connection task passes the time and acts on the verdicts.

use super::{ConnectionLimits, Keepalive};
use crate::server::rate::TokenBucket;
use std::time::Instant;

/// What to do with a message the client sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message {
    /// Handle it.
    Handle,
    /// Drop it; with `tell`, send the "too fast" error (once per run of drops).
    Drop {
        /// This is the first drop in a row.
        tell: bool,
    },
    /// Close the connection with 1008: it keeps flooding.
    Close,
}

/// What the check at [`Policy::wake_at`] decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Nothing is due.
    Nothing,
    /// Send a ping.
    Ping,
    /// The client is gone (nothing heard for too long): drop the connection.
    Dead,
    /// It never joined a room in time: tell it and close with 1008.
    JoinTimeout,
}

/// One connection's rate, strikes and timers.
#[derive(Debug)]
pub struct Policy {
    limits: ConnectionLimits,
    keepalive: Keepalive,
    rate: TokenBucket,
    strikes: u32,
    last_heard: Instant,
    outside_since: Option<Instant>,
    next_ping: Instant,
}

impl Policy {
    /// A connection opened at `now`, not in a room.
    pub fn new(limits: ConnectionLimits, keepalive: Keepalive, now: Instant) -> Self {
        Policy {
            limits,
            keepalive,
            rate: TokenBucket::new(limits.burst, limits.refill, now),
            strikes: 0,
            last_heard: now,
            outside_since: Some(now),
            next_ping: now + keepalive.ping_every,
        }
    }

    /// Something arrived at `now` (any frame, pongs included).
    pub fn heard(&mut self, now: Instant) {
        self.last_heard = now;
    }

    /// A message (anything but a pong) arrived at `now`: within the rate or not.
    pub fn message(&mut self, now: Instant) -> Message {
        if self.rate.take(now) {
            self.strikes = 0;
            return Message::Handle;
        }
        self.strikes += 1;
        if self.strikes >= self.limits.strikes {
            Message::Close
        } else {
            Message::Drop {
                tell: self.strikes == 1,
            }
        }
    }

    /// Whether the connection is in a room now; the join timer runs only while it is not.
    pub fn in_room(&mut self, member: bool, now: Instant) {
        self.outside_since = match (member, self.outside_since) {
            (true, _) => None,
            (false, None) => Some(now),
            (false, since) => since,
        };
    }

    /// When [`Policy::check`] is next due: the next ping, the moment the client counts as dead
    /// if nothing more is heard, or the end of its time to join, whichever comes first.
    pub fn wake_at(&self) -> Instant {
        let dead = self.last_heard + self.keepalive.dead_after;
        let join = self
            .outside_since
            .map(|since| since + self.limits.join_within);
        self.next_ping.min(dead).min(join.unwrap_or(dead))
    }

    /// The check at `now` (called at [`Policy::wake_at`], or any time).
    pub fn check(&mut self, now: Instant) -> Check {
        if now.saturating_duration_since(self.last_heard) >= self.keepalive.dead_after {
            return Check::Dead;
        }
        if self
            .outside_since
            .is_some_and(|since| now.saturating_duration_since(since) >= self.limits.join_within)
        {
            return Check::JoinTimeout;
        }
        if now >= self.next_ping {
            self.next_ping = now + self.keepalive.ping_every;
            return Check::Ping;
        }
        Check::Nothing
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn policy(now: Instant) -> Policy {
        Policy::new(
            ConnectionLimits {
                burst: 3,
                refill: Duration::from_secs(1),
                strikes: 4,
                ..ConnectionLimits::default()
            },
            Keepalive::default(),
            now,
        )
    }

    #[test]
    fn a_burst_is_taken_then_one_message_per_refill() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        for _ in 0..3 {
            assert_eq!(policy.message(t0), Message::Handle);
        }
        assert_eq!(policy.message(t0), Message::Drop { tell: true });
        assert_eq!(policy.message(t0 + Duration::from_secs(1)), Message::Handle);
    }

    #[test]
    fn drops_in_a_row_are_told_once_and_then_close_the_connection() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        for _ in 0..3 {
            policy.message(t0);
        }
        assert_eq!(policy.message(t0), Message::Drop { tell: true });
        assert_eq!(policy.message(t0), Message::Drop { tell: false });
        assert_eq!(policy.message(t0), Message::Drop { tell: false });
        assert_eq!(policy.message(t0), Message::Close);
    }

    #[test]
    fn a_message_within_the_rate_forgives_the_strikes() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        for _ in 0..3 {
            policy.message(t0);
        }
        for _ in 0..3 {
            policy.message(t0);
        }
        let later = t0 + Duration::from_secs(1);
        assert_eq!(policy.message(later), Message::Handle);
        assert_eq!(policy.message(later), Message::Drop { tell: true });
    }

    #[test]
    fn a_connection_outside_a_room_too_long_times_out_when_its_time_to_join_ends() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        let within = ConnectionLimits::default().join_within;
        policy.heard(t0 + Duration::from_secs(29));
        assert_eq!(policy.check(t0 + Duration::from_secs(29)), Check::Ping);
        assert_eq!(policy.wake_at(), t0 + within, "woken at the deadline");
        assert_eq!(policy.check(t0 + within), Check::JoinTimeout);
    }

    #[test]
    fn pings_go_out_once_per_interval_however_often_it_is_checked() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        policy.in_room(true, t0);
        let every = Keepalive::default().ping_every;
        assert_eq!(policy.wake_at(), t0 + every);
        assert_eq!(policy.check(t0 + every / 2), Check::Nothing);
        assert_eq!(policy.check(t0 + every), Check::Ping);
        assert_eq!(policy.check(t0 + every), Check::Nothing);
        assert_eq!(policy.wake_at(), t0 + every * 2);
    }

    #[test]
    fn a_silent_client_is_checked_exactly_when_it_would_count_as_dead() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        policy.in_room(true, t0);
        let keepalive = Keepalive::default();
        let mut now = t0;
        while policy.wake_at() < t0 + keepalive.dead_after {
            now = policy.wake_at();
            assert_eq!(policy.check(now), Check::Ping);
        }
        assert_eq!(policy.wake_at(), t0 + keepalive.dead_after);
        assert!(now < t0 + keepalive.dead_after);
        assert_eq!(policy.check(policy.wake_at()), Check::Dead);
    }

    #[test]
    fn in_a_room_the_join_timer_stops_and_after_leaving_it_starts_again() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        policy.in_room(true, t0);
        let later = t0 + Duration::from_secs(100);
        policy.heard(later);
        assert_eq!(policy.check(later), Check::Ping);
        assert_ne!(policy.check(later), Check::JoinTimeout);
        policy.in_room(false, later);
        policy.heard(later + Duration::from_secs(29));
        assert_eq!(policy.check(later + Duration::from_secs(29)), Check::Ping);
        assert_eq!(policy.wake_at(), later + Duration::from_secs(30));
        assert_eq!(
            policy.check(later + Duration::from_secs(30)),
            Check::JoinTimeout
        );
    }

    #[test]
    fn silence_past_the_dead_time_drops_the_connection_and_a_pong_keeps_it() {
        let t0 = Instant::now();
        let mut policy = policy(t0);
        policy.in_room(true, t0);
        let dead = Keepalive::default().dead_after;
        assert_eq!(policy.check(t0 + dead), Check::Dead);
        policy.heard(t0 + dead - Duration::from_secs(1));
        assert_eq!(policy.check(t0 + dead), Check::Ping);
        assert_ne!(policy.check(t0 + dead), Check::Dead);
    }
}
