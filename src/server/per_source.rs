//! Limits per client ([`Source`]: an IPv4 address or an IPv6 /64), so that one client cannot take
//! what everyone shares: signaling connections, joins per second, and password guesses. (Rooms
//! per client are counted by the hub, TURN allocations per client by the TURN server.)
//!
//! The defaults leave room for an office behind one NAT address: hundreds of people, each with a
//! connection, joining a few at a time.
//!
//! Memory: one entry per client that holds a connection or whose budgets have not refilled yet;
//! [`PerSource::prune`] (called every second) drops the others. A client can only make entries
//! with connections, which are limited server-wide.

use super::rate::TokenBucket;
use super::source::Source;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What one client may take.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SourceLimits {
    /// Signaling connections held at once (0: unlimited).
    pub connections: usize,
    /// Joins at once.
    pub joins_burst: u32,
    /// After the burst, one join per this interval.
    pub join_refill: Duration,
    /// Wrong password guesses at once, over all rooms.
    pub guesses_burst: u32,
    /// After the burst, one wrong guess per this interval.
    pub guess_refill: Duration,
}

impl Default for SourceLimits {
    fn default() -> Self {
        SourceLimits {
            connections: 500,
            joins_burst: 50,
            join_refill: Duration::from_millis(100),
            guesses_burst: 5,
            guess_refill: Duration::from_secs(10),
        }
    }
}

/// Every client's usage.
#[derive(Debug)]
pub struct PerSource {
    limits: SourceLimits,
    clients: Mutex<HashMap<Source, Usage>>,
}

/// One client's usage.
#[derive(Debug)]
struct Usage {
    connections: usize,
    joins: TokenBucket,
    guesses: TokenBucket,
}

/// A signaling connection counted against its client; dropping it gives the place back.
#[derive(Debug)]
pub struct ConnectionSlot {
    owner: Arc<PerSource>,
    source: Source,
}

impl Drop for ConnectionSlot {
    fn drop(&mut self) {
        let mut clients = super::lock(&self.owner.clients);
        if let Some(usage) = clients.get_mut(&self.source) {
            usage.connections -= 1;
        }
    }
}

impl PerSource {
    /// Usage under `limits`.
    pub fn new(limits: SourceLimits) -> Arc<Self> {
        Arc::new(PerSource {
            limits,
            clients: Mutex::new(HashMap::new()),
        })
    }

    /// The limits.
    pub fn limits(&self) -> SourceLimits {
        self.limits
    }

    /// A place for one more connection of `source`, if it may have one.
    pub fn connect(self: &Arc<Self>, source: Source, now: Instant) -> Option<ConnectionSlot> {
        let mut clients = super::lock(&self.clients);
        let usage = self.usage(&mut clients, source, now);
        if self.limits.connections > 0 && usage.connections >= self.limits.connections {
            return None;
        }
        usage.connections += 1;
        Some(ConnectionSlot {
            owner: Arc::clone(self),
            source,
        })
    }

    /// Takes one join from `source`'s budget.
    pub fn join(&self, source: Source, now: Instant) -> bool {
        let mut clients = super::lock(&self.clients);
        self.usage(&mut clients, source, now).joins.take(now)
    }

    /// Whether `source` may try a password now (only wrong ones are paid for, with
    /// [`PerSource::wrong_guess`]).
    pub fn may_guess(&self, source: Source, now: Instant) -> bool {
        let mut clients = super::lock(&self.clients);
        self.usage(&mut clients, source, now).guesses.has_token(now)
    }

    /// Counts a wrong password from `source`.
    pub fn wrong_guess(&self, source: Source, now: Instant) {
        let mut clients = super::lock(&self.clients);
        self.usage(&mut clients, source, now).guesses.charge(1, now);
    }

    /// Connections `source` holds.
    pub fn connections(&self, source: Source) -> usize {
        super::lock(&self.clients)
            .get(&source)
            .map_or(0, |usage| usage.connections)
    }

    /// Clients known (holding a connection or with budgets still refilling).
    pub fn clients(&self) -> usize {
        super::lock(&self.clients).len()
    }

    /// Forgets clients with no connection whose budgets are full again.
    pub fn prune(&self, now: Instant) {
        super::lock(&self.clients).retain(|_, usage| {
            usage.connections > 0 || !usage.joins.is_full(now) || !usage.guesses.is_full(now)
        });
    }

    fn usage<'a>(
        &self,
        clients: &'a mut HashMap<Source, Usage>,
        source: Source,
        now: Instant,
    ) -> &'a mut Usage {
        clients.entry(source).or_insert_with(|| Usage {
            connections: 0,
            joins: TokenBucket::new(self.limits.joins_burst, self.limits.join_refill, now),
            guesses: TokenBucket::new(self.limits.guesses_burst, self.limits.guess_refill, now),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(last: u8) -> Source {
        Source::of(std::net::IpAddr::from([192, 0, 2, last]))
    }

    #[test]
    fn one_client_cannot_take_more_than_its_connections_and_others_still_can() {
        let per_source = PerSource::new(SourceLimits {
            connections: 2,
            ..SourceLimits::default()
        });
        let now = Instant::now();
        let first = per_source.connect(source(1), now).unwrap();
        let _second = per_source.connect(source(1), now).unwrap();
        assert!(per_source.connect(source(1), now).is_none());
        assert!(per_source.connect(source(2), now).is_some());
        drop(first);
        assert!(per_source.connect(source(1), now).is_some());
    }

    #[test]
    fn joins_are_limited_per_client() {
        let per_source = PerSource::new(SourceLimits::default());
        let now = Instant::now();
        let burst = SourceLimits::default().joins_burst;
        assert!((0..burst).all(|_| per_source.join(source(1), now)));
        assert!(!per_source.join(source(1), now));
        assert!(per_source.join(source(2), now));
        assert!(per_source.join(source(1), now + SourceLimits::default().join_refill));
    }

    #[test]
    fn a_guessing_client_runs_out_of_guesses_and_nobody_else_does() {
        let per_source = PerSource::new(SourceLimits::default());
        let now = Instant::now();
        for _ in 0..SourceLimits::default().guesses_burst {
            assert!(per_source.may_guess(source(1), now));
            per_source.wrong_guess(source(1), now);
        }
        assert!(!per_source.may_guess(source(1), now));
        assert!(per_source.may_guess(source(2), now));
    }

    #[test]
    fn quiet_clients_without_connections_are_forgotten() {
        let per_source = PerSource::new(SourceLimits::default());
        let now = Instant::now();
        let slot = per_source.connect(source(1), now).unwrap();
        assert!(per_source.join(source(2), now));
        per_source.prune(now);
        assert_eq!(per_source.clients(), 2, "one connected, one refilling");
        per_source.prune(now + Duration::from_secs(3600));
        assert_eq!(per_source.clients(), 1);
        drop(slot);
        per_source.prune(now + Duration::from_secs(3600));
        assert_eq!(per_source.clients(), 0);
    }
}
