//! When and how soon the browser reconnects to the signaling server after losing it.
//!
//! Media keeps flowing between browsers while the server is away (it is peer to peer), so a lost
//! signaling connection is retried quietly: quickly at first, then backing off, with jitter so a
//! restarted server is not hit by every client in the same millisecond.

use crate::protocol::{CLOSE_MESSAGE_TOO_BIG, CLOSE_POLICY};

/// The first retry waits about this long (before jitter), in milliseconds.
pub const FIRST_DELAY_MS: f64 = 300.0;

/// No retry waits longer than this (before jitter), in milliseconds: with jitter at most 4.5 s,
/// so a restarted server is found again within five seconds of coming back.
pub const MAX_DELAY_MS: f64 = 3_000.0;

/// Whether a connection closed with `code` should be retried. The server closing for a broken
/// rule (flooding, removal by the host, an oversized message) is final; anything else (a
/// restart, a network drop, the server being full for now) is worth another try.
pub fn should_retry(code: u16) -> bool {
    !matches!(code, CLOSE_POLICY | CLOSE_MESSAGE_TOO_BIG | 1000)
}

/// How long to wait before retry number `attempt` (0 for the first), given `jitter` drawn
/// uniformly from [0, 1): doubling from [`FIRST_DELAY_MS`] up to [`MAX_DELAY_MS`], then spread
/// between half and one and a half times that.
pub fn delay_ms(attempt: u32, jitter: f64) -> u32 {
    let base = (FIRST_DELAY_MS * 2f64.powi(attempt.min(16) as i32)).min(MAX_DELAY_MS);
    (base * (0.5 + jitter.clamp(0.0, 1.0))).round() as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_double_up_to_the_cap_and_stay_within_the_jitter_band() {
        assert_eq!(delay_ms(0, 0.5), 300);
        assert_eq!(delay_ms(1, 0.5), 600);
        assert_eq!(delay_ms(2, 0.5), 1_200);
        assert_eq!(delay_ms(3, 0.5), 2_400);
        assert_eq!(delay_ms(4, 0.5), 3_000);
        assert_eq!(delay_ms(1_000, 0.5), 3_000);
        assert_eq!(delay_ms(0, 0.0), 150);
        assert_eq!(delay_ms(0, 0.999_999), 450);
        // Even the longest wait leaves a restarted server reached within five seconds.
        assert_eq!(delay_ms(20, 1.0), 4_500);
    }

    #[test]
    fn only_a_refusal_for_a_broken_rule_or_our_own_close_is_final() {
        assert!(!should_retry(CLOSE_POLICY));
        assert!(!should_retry(CLOSE_MESSAGE_TOO_BIG));
        assert!(!should_retry(1000));
        for code in [1001, 1006, 1011, 1012, 1013] {
            assert!(should_retry(code), "{code}");
        }
    }
}
