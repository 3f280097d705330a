//! What the load tool counts: relay latencies and their percentiles, and a ledger that checks
//! every message arrives once, in order, at its target only.

use std::collections::HashMap;

/// The value at percentile `p` (0–100) of `sorted` by the nearest-rank method; `None` if empty.
pub fn percentile(sorted: &[u32], p: f64) -> Option<u32> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, sorted.len()) - 1])
}

/// Latencies in microseconds, summarised.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LatencySummary {
    /// How many were measured.
    pub count: usize,
    /// Median, µs.
    pub p50_us: u32,
    /// 95th percentile, µs.
    pub p95_us: u32,
    /// 99th percentile, µs.
    pub p99_us: u32,
    /// Largest, µs.
    pub max_us: u32,
}

/// Sorts the latencies and summarises them.
pub fn summarise(mut latencies: Vec<u32>) -> LatencySummary {
    latencies.sort_unstable();
    let at = |p| percentile(&latencies, p).unwrap_or(0);
    LatencySummary {
        count: latencies.len(),
        p50_us: at(50.0),
        p95_us: at(95.0),
        p99_us: at(99.0),
        max_us: latencies.last().copied().unwrap_or(0),
    }
}

/// Per (sender, receiver) pair: the next sequence number expected, and what went wrong.
#[derive(Debug, Default)]
pub struct Ledger {
    next: HashMap<(u32, u32), u64>,
    /// Messages that arrived as expected.
    pub delivered: u64,
    /// Messages that arrived at a peer they were not addressed to.
    pub misrouted: u64,
    /// Messages that arrived twice or out of order.
    pub out_of_order: u64,
    /// Messages skipped over (a later one arrived first and they never came).
    pub skipped: u64,
}

impl Ledger {
    /// Records message `seq` (numbered from 0 per pair) from `from` to `to`, received by
    /// `receiver`.
    pub fn record(&mut self, from: u32, to: u32, receiver: u32, seq: u64) {
        if to != receiver {
            self.misrouted += 1;
            return;
        }
        let next = self.next.entry((from, to)).or_insert(0);
        if seq < *next {
            self.out_of_order += 1;
            return;
        }
        self.skipped += seq - *next;
        *next = seq + 1;
        self.delivered += 1;
    }

    /// Adds another ledger's counts (ledgers of different receivers never share a pair).
    pub fn merge(&mut self, other: Ledger) {
        self.delivered += other.delivered;
        self.misrouted += other.misrouted;
        self.out_of_order += other.out_of_order;
        self.skipped += other.skipped;
        self.next.extend(other.next);
    }

    /// Messages sent on a pair but never received, given how many were sent on each pair.
    pub fn lost(&self, sent: &HashMap<(u32, u32), u64>) -> u64 {
        sent.iter()
            .map(|(pair, &count)| count.saturating_sub(self.next.get(pair).copied().unwrap_or(0)))
            .sum::<u64>()
            + self.skipped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.0), Some(1));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[1, 2, 3, 4], 50.0), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 51.0), Some(3));
    }

    #[test]
    fn summary_sorts_first() {
        let summary = summarise(vec![900, 100, 500, 300, 700]);
        assert_eq!(
            summary,
            LatencySummary {
                count: 5,
                p50_us: 500,
                p95_us: 900,
                p99_us: 900,
                max_us: 900,
            }
        );
        assert_eq!(summarise(Vec::new()).count, 0);
    }

    #[test]
    fn the_ledger_counts_in_order_delivery_and_each_kind_of_fault() {
        let mut ledger = Ledger::default();
        for seq in 0..3 {
            ledger.record(1, 2, 2, seq);
        }
        ledger.record(1, 2, 2, 1); // again
        ledger.record(1, 2, 2, 5); // 3 and 4 skipped
        ledger.record(3, 2, 4, 0); // arrived at 4, meant for 2
        assert_eq!(ledger.delivered, 4);
        assert_eq!(ledger.out_of_order, 1);
        assert_eq!(ledger.skipped, 2);
        assert_eq!(ledger.misrouted, 1);
        // Sent 8 on (1, 2): 6..8 never came, plus the two skipped.
        let sent = HashMap::from([((1, 2), 8), ((5, 6), 1)]);
        assert_eq!(ledger.lost(&sent), 2 + 2 + 1);
    }

    #[test]
    fn merged_ledgers_add_up() {
        let mut a = Ledger::default();
        a.record(1, 2, 2, 0);
        let mut b = Ledger::default();
        b.record(2, 1, 1, 0);
        b.record(2, 1, 1, 1);
        a.merge(b);
        assert_eq!(a.delivered, 3);
        assert_eq!(a.lost(&HashMap::from([((1, 2), 1), ((2, 1), 2)])), 0);
    }
}
