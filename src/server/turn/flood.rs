//! Limits on what reaches the TURN server without valid credentials, and what it drops, counted
//! instead of logged.
//!
//! - Requests without valid credentials are limited per client (an IPv4 address or IPv6 /64) and
//!   server-wide. Per-client budgets live in a fixed table indexed by a keyed hash of the client:
//!   UDP source addresses cost an attacker nothing to forge, so nothing is stored per address.
//!   A client sharing a slot with a flooder is slowed with it, one in [`SLOTS`].
//! - Packets dropped (over a limit, without an allocation, malformed) are counted and written to
//!   the log once a minute as one line, never one line per packet.

use crate::server::rate::TokenBucket;
use crate::server::source::Source;
use std::hash::{BuildHasher, RandomState};
use std::net::SocketAddr;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Slots of the per-client table.
pub const SLOTS: usize = 4096;

/// Requests without valid credentials one client may send a second (a browser sends one per
/// allocation, two allocations per other participant).
pub const PER_CLIENT_PER_SECOND: u64 = 50;
/// ... and at once.
pub const PER_CLIENT_BURST: u64 = 200;
/// Requests without valid credentials the server takes a second from everyone together.
pub const SERVER_PER_SECOND: u64 = 2000;
/// ... and at once.
pub const SERVER_BURST: u64 = 5000;

/// Why a packet was dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dropped {
    /// A request without valid credentials over the per-client or server-wide rate.
    OverRate,
    /// Relayed data (ChannelData, Send) from a client with no allocation.
    NoAllocation,
    /// Not a message the server takes.
    Malformed,
}

/// The budgets and the drop counters.
#[derive(Debug)]
pub struct Flood {
    slots: Mutex<Vec<TokenBucket>>,
    server: Mutex<TokenBucket>,
    hasher: RandomState,
    over_rate: AtomicU64,
    no_allocation: AtomicU64,
    malformed: AtomicU64,
    /// A few of the addresses dropped from since the last report.
    recent: Mutex<Vec<SocketAddr>>,
}

impl Flood {
    /// Full budgets at `now`.
    pub fn new(now: Instant) -> Self {
        Flood {
            slots: Mutex::new(
                (0..SLOTS)
                    .map(|_| TokenBucket::per_second(PER_CLIENT_PER_SECOND, PER_CLIENT_BURST, now))
                    .collect(),
            ),
            server: Mutex::new(TokenBucket::per_second(
                SERVER_PER_SECOND,
                SERVER_BURST,
                now,
            )),
            hasher: RandomState::new(),
            over_rate: AtomicU64::new(0),
            no_allocation: AtomicU64::new(0),
            malformed: AtomicU64::new(0),
            recent: Mutex::new(Vec::new()),
        }
    }

    /// Takes one request without valid credentials from `from`'s budget and the server's.
    pub fn admit_unauthenticated(&self, from: SocketAddr, now: Instant) -> bool {
        let slot = self.hasher.hash_one(Source::of_addr(from)) as usize % SLOTS;
        let admitted = crate::server::lock(&self.slots)[slot].take(now)
            && crate::server::lock(&self.server).take(now);
        if !admitted {
            self.count(Dropped::OverRate, from);
        }
        admitted
    }

    /// Counts a dropped packet.
    pub fn count(&self, why: Dropped, from: SocketAddr) {
        let counter = match why {
            Dropped::OverRate => &self.over_rate,
            Dropped::NoAllocation => &self.no_allocation,
            Dropped::Malformed => &self.malformed,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let mut recent = crate::server::lock(&self.recent);
        if recent.len() < 4 && !recent.contains(&from) {
            recent.push(from);
        }
    }

    /// Packets dropped so far, by reason.
    pub fn dropped(&self, why: Dropped) -> u64 {
        match why {
            Dropped::OverRate => &self.over_rate,
            Dropped::NoAllocation => &self.no_allocation,
            Dropped::Malformed => &self.malformed,
        }
        .load(Ordering::Relaxed)
    }

    /// The log line for what was dropped since the last call (and resets the list of
    /// addresses); `None` when nothing was, and given the totals at the last call.
    pub fn report(&self, last: &mut [u64; 3]) -> Option<String> {
        let now = [
            self.dropped(Dropped::OverRate),
            self.dropped(Dropped::NoAllocation),
            self.dropped(Dropped::Malformed),
        ];
        let delta: Vec<u64> = now.iter().zip(last.iter()).map(|(n, l)| n - l).collect();
        *last = now;
        let from = std::mem::take(&mut *crate::server::lock(&self.recent));
        if delta.iter().all(|&d| d == 0) {
            return None;
        }
        let from: Vec<String> = from.iter().map(|a| a.ip().to_string()).collect();
        Some(format!(
            "TURN dropped {} requests over the rate, {} relayed packets without an allocation and {} malformed packets, from {}{}",
            delta[0],
            delta[1],
            delta[2],
            from.join(", "),
            if from.len() >= 4 { " and others" } else { "" }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(last: u8) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, last], 5000))
    }

    #[test]
    fn a_flooding_client_is_cut_off_while_another_is_not() {
        let now = Instant::now();
        let flood = Flood::new(now);
        let admitted = (0..1000)
            .filter(|_| flood.admit_unauthenticated(addr(1), now))
            .count();
        assert_eq!(admitted as u64, PER_CLIENT_BURST);
        // Another client lands in another slot unless it shares the flooder's (1 in SLOTS): try
        // a few and require most to pass.
        let others = (2..12)
            .filter(|&n| flood.admit_unauthenticated(addr(n), now))
            .count();
        assert!(others >= 9, "{others}");
        assert_eq!(flood.dropped(Dropped::OverRate), 1000 - PER_CLIENT_BURST);
    }

    #[test]
    fn the_report_sums_up_a_minute_in_one_line_and_then_is_quiet() {
        let flood = Flood::new(Instant::now());
        for n in 0..20_000 {
            flood.count(Dropped::NoAllocation, addr((n % 7) as u8));
        }
        let mut last = [0; 3];
        let line = flood.report(&mut last).unwrap();
        assert!(
            line.contains("20000 relayed packets without an allocation"),
            "{line}"
        );
        assert!(line.contains("and others"), "{line}");
        assert_eq!(flood.report(&mut last), None);
    }
}
