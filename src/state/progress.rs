//! How a file transfer is doing, in words: sizes, speed over the last seconds and time left.
//! Pure arithmetic, shared by both sides and tested on the server.

use crate::i18n::Text;
use std::collections::VecDeque;

/// The speed shown is measured over this many milliseconds.
pub const SPEED_WINDOW_MS: f64 = 2000.0;

/// Measures a transfer's speed from (time, bytes so far) readings.
#[derive(Clone, Debug, Default)]
pub struct Throughput {
    /// Readings within the window, oldest first: (milliseconds, bytes so far).
    readings: VecDeque<(f64, u64)>,
}

impl Throughput {
    /// Records that `bytes` had moved by `now_ms`.
    pub fn record(&mut self, now_ms: f64, bytes: u64) {
        self.readings.push_back((now_ms, bytes));
        // Keep one reading at or before the window's start, so the window is always full.
        while self.readings.len() > 2 && now_ms - self.readings[1].0 >= SPEED_WINDOW_MS {
            self.readings.pop_front();
        }
    }

    /// Bytes per second over the window, once two readings exist.
    pub fn bytes_per_second(&self) -> Option<f64> {
        let (t0, b0) = *self.readings.front()?;
        let (t1, b1) = *self.readings.back()?;
        let elapsed = t1 - t0;
        (elapsed > 0.0).then(|| b1.saturating_sub(b0) as f64 * 1000.0 / elapsed)
    }

    /// Seconds left for `remaining` bytes at the current speed.
    pub fn seconds_left(&self, remaining: u64) -> Option<f64> {
        let speed = self.bytes_per_second()?;
        (speed > 0.0).then(|| remaining as f64 / speed)
    }
}

/// A size in bytes for people: "0 B", "950 B", "12.3 kB", "4.2 MB", "1.07 GB" (decimal units,
/// as file managers show them).
pub fn size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 999.5 {
            break;
        }
        value /= 1000.0;
        unit = next;
    }
    if value < 10.0 {
        format!("{value:.2} {unit}")
    } else if value < 100.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A speed for people: "12.3 MB/s".
pub fn speed(bytes_per_second: f64) -> String {
    format!("{}/s", size(bytes_per_second.max(0.0).round() as u64))
}

/// Time left for people: "less than a second", "42 s", "3 min 5 s", "2 h 10 min".
pub fn time_left(seconds: f64) -> Text {
    if !seconds.is_finite() || seconds < 0.0 {
        return Text::new("time-unknown");
    }
    let whole = seconds.ceil() as u64;
    match whole {
        0 | 1 if seconds < 1.0 => Text::new("time-under-second"),
        0..60 => Text::new("time-seconds").arg("s", whole),
        60..3600 => Text::new("time-minutes")
            .arg("min", whole / 60)
            .arg("s", whole % 60),
        _ => Text::new("time-hours")
            .arg("h", whole / 3600)
            .arg("min", whole % 3600 / 60),
    }
}

/// Percent done, 0 to 100 (a zero-byte file is done at once).
pub fn percent(done: u64, total: u64) -> f64 {
    if total == 0 {
        100.0
    } else {
        (done as f64 * 100.0 / total as f64).min(100.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size(0), "0 B");
        assert_eq!(size(999), "999 B");
        assert_eq!(size(1000), "1.00 kB");
        assert_eq!(size(12_345), "12.3 kB");
        assert_eq!(size(10_000_000), "10.0 MB");
        assert_eq!(size(268_435_456), "268 MB");
        assert_eq!(size(999_999), "1.00 MB");
        assert_eq!(size(5_368_709_120), "5.37 GB");
    }

    #[test]
    fn speed_is_measured_over_the_last_two_seconds() {
        let mut meter = Throughput::default();
        assert_eq!(meter.bytes_per_second(), None);
        meter.record(0.0, 0);
        assert_eq!(meter.bytes_per_second(), None);
        // 1 MB/s for 3 s, then 10 MB/s for 2 s: the window sees only the fast part.
        for ms in (100u32..=3000).step_by(100) {
            meter.record(f64::from(ms), u64::from(ms) * 1000);
        }
        assert!((meter.bytes_per_second().unwrap() - 1e6).abs() < 1.0);
        for ms in (3100u32..=5000).step_by(100) {
            meter.record(f64::from(ms), 3_000_000 + u64::from(ms - 3000) * 10_000);
        }
        let speed = meter.bytes_per_second().unwrap();
        assert!((speed - 10e6).abs() < 1.0, "{speed}");
        assert_eq!(meter.seconds_left(20_000_000), Some(2.0));
        assert!(meter.readings.len() <= 22);
    }

    #[test]
    fn a_stalled_transfer_has_no_time_left_estimate() {
        let mut meter = Throughput::default();
        meter.record(0.0, 500);
        meter.record(1000.0, 500);
        assert_eq!(meter.bytes_per_second(), Some(0.0));
        assert_eq!(meter.seconds_left(1), None);
    }

    #[test]
    fn time_left_reads_naturally() {
        let english = |seconds| time_left(seconds).english();
        assert_eq!(english(0.2), "less than a second");
        assert_eq!(english(41.2), "42 s");
        assert_eq!(english(185.0), "3 min 5 s");
        assert_eq!(english(7800.0), "2 h 10 min");
        assert_eq!(english(f64::INFINITY), "unknown");
    }

    #[test]
    fn percent_handles_empty_files() {
        assert_eq!(percent(0, 0), 100.0);
        assert_eq!(percent(5, 10), 50.0);
        assert_eq!(percent(11, 10), 100.0);
    }

    #[test]
    fn speed_uses_sizes() {
        assert_eq!(speed(123_456_789.0), "123 MB/s");
        assert_eq!(speed(-1.0), "0 B/s");
    }
}
