//! Connection quality: turning a peer connection's statistics into rates and a good / fair /
//! poor verdict. Pure arithmetic, so the rules are tested without a browser.

use std::collections::VecDeque;

/// How well a connection is doing, as shown on a tile.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quality {
    /// Smooth audio and video.
    Good,
    /// Noticeable delay, loss or low video bitrate.
    Fair,
    /// Heavy loss or delay, video starved, or the connection lost.
    Poor,
}

impl Quality {
    /// The word shown and spoken.
    pub fn word(self) -> &'static str {
        match self {
            Quality::Good => "good",
            Quality::Fair => "fair",
            Quality::Poor => "poor",
        }
    }
}

/// Cumulative counters of one peer connection, as getStats reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Counters {
    /// When they were read, in milliseconds.
    pub at_ms: f64,
    /// Bytes received, all media.
    pub bytes_in: f64,
    /// Video bytes received.
    pub video_bytes_in: f64,
    /// Bytes sent, all media.
    pub bytes_out: f64,
    /// Packets received.
    pub packets_received: f64,
    /// Packets lost on the way to us.
    pub packets_lost: f64,
    /// Received microphone audio energy (WebRTC `totalAudioEnergy`).
    pub audio_energy: f64,
    /// Seconds of microphone audio received (WebRTC `totalSamplesDuration`).
    pub audio_seconds: f64,
}

/// Instant values of one peer connection, as getStats reports them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Gauges {
    /// Round-trip time of the selected candidate pair, in milliseconds.
    pub rtt_ms: Option<f64>,
    /// Received video width in pixels.
    pub width: u32,
    /// Received video height in pixels.
    pub height: u32,
    /// Received frames per second.
    pub fps: f64,
}

/// One point of a connection's history.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Sample {
    /// Received bitrate, kbit/s.
    pub kbps_in: f64,
    /// Received video bitrate, kbit/s.
    pub video_kbps_in: f64,
    /// Sent bitrate, kbit/s.
    pub kbps_out: f64,
    /// Packet loss over the interval, percent.
    pub loss_percent: f64,
    /// Mean received microphone level over the interval, 0.0 to 1.0 (on the scale of WebRTC's
    /// `audioLevel`), so a short sound anywhere in the interval still counts.
    pub audio_level: f64,
    /// Instant values at the end of the interval.
    pub gauges: Gauges,
}

/// Builds a sample from two readings of the counters.
pub fn sample(before: &Counters, now: &Counters, gauges: Gauges) -> Sample {
    let seconds = ((now.at_ms - before.at_ms) / 1000.0).max(1e-3);
    let kbps = |bytes: f64| (bytes.max(0.0) * 8.0 / 1000.0) / seconds;
    let received = (now.packets_received - before.packets_received).max(0.0);
    let lost = (now.packets_lost - before.packets_lost).max(0.0);
    let loss_percent = if received + lost > 0.0 {
        100.0 * lost / (received + lost)
    } else {
        0.0
    };
    let audio_seconds = now.audio_seconds - before.audio_seconds;
    let audio_level = if audio_seconds > 0.0 {
        ((now.audio_energy - before.audio_energy).max(0.0) / audio_seconds).sqrt()
    } else {
        0.0
    };
    Sample {
        audio_level,
        kbps_in: kbps(now.bytes_in - before.bytes_in),
        video_kbps_in: kbps(now.video_bytes_in - before.video_bytes_in),
        kbps_out: kbps(now.bytes_out - before.bytes_out),
        loss_percent,
        gauges,
    }
}

/// Judges the last few samples. `expect_video` says whether the other side is sending video
/// (a camera that is off is not a bad connection).
pub fn assess(recent: &[Sample], expect_video: bool) -> Option<Quality> {
    if recent.is_empty() {
        return None;
    }
    let n = recent.len() as f64;
    let loss = recent.iter().map(|s| s.loss_percent).sum::<f64>() / n;
    let video = recent.iter().map(|s| s.video_kbps_in).sum::<f64>() / n;
    let rtts: Vec<f64> = recent.iter().filter_map(|s| s.gauges.rtt_ms).collect();
    let rtt = (!rtts.is_empty()).then(|| rtts.iter().sum::<f64>() / rtts.len() as f64);
    let starved = |limit: f64| expect_video && video < limit;
    let slow = |limit: f64| rtt.is_some_and(|rtt| rtt > limit);
    Some(if loss > 8.0 || slow(500.0) || starved(60.0) {
        Quality::Poor
    } else if loss > 2.0 || slow(200.0) || starved(200.0) {
        Quality::Fair
    } else {
        Quality::Good
    })
}

/// A minute of samples at the sampling period the browser uses (two a second).
pub const HISTORY_LEN: usize = 120;

/// Appends a sample, forgetting the oldest beyond a minute.
pub fn remember(history: &mut VecDeque<Sample>, sample: Sample) {
    history.push_back(sample);
    while history.len() > HISTORY_LEN {
        history.pop_front();
    }
}

/// Whether someone whose audio has this level is speaking.
pub fn is_speaking(audio_level: f64) -> bool {
    audio_level > SPEAKING_LEVEL
}

/// Audio level above which a participant counts as speaking.
pub const SPEAKING_LEVEL: f64 = 0.02;

#[cfg(test)]
mod tests {
    use super::*;

    fn counters(at_ms: f64, bytes: f64, received: f64, lost: f64) -> Counters {
        Counters {
            at_ms,
            bytes_in: bytes,
            video_bytes_in: bytes * 0.9,
            bytes_out: bytes / 2.0,
            packets_received: received,
            packets_lost: lost,
            audio_energy: 0.0,
            audio_seconds: at_ms / 1000.0,
        }
    }

    fn healthy() -> Sample {
        sample(
            &counters(0.0, 0.0, 0.0, 0.0),
            &counters(1000.0, 100_000.0, 100.0, 0.0),
            Gauges {
                rtt_ms: Some(20.0),
                ..Gauges::default()
            },
        )
    }

    #[test]
    fn rates_come_from_counter_deltas_over_elapsed_time() {
        let s = sample(
            &counters(1000.0, 50_000.0, 100.0, 0.0),
            &counters(1500.0, 100_000.0, 190.0, 10.0),
            Gauges::default(),
        );
        assert!((s.kbps_in - 800.0).abs() < 1e-9, "{s:?}");
        assert!((s.kbps_out - 400.0).abs() < 1e-9, "{s:?}");
        assert!((s.loss_percent - 10.0).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn counters_that_went_backwards_give_zero_not_negative_rates() {
        let s = sample(
            &counters(0.0, 100.0, 10.0, 5.0),
            &counters(1000.0, 0.0, 0.0, 0.0),
            Gauges::default(),
        );
        assert_eq!((s.kbps_in, s.loss_percent), (0.0, 0.0));
    }

    #[test]
    fn healthy_connection_is_good() {
        assert_eq!(assess(&[healthy(); 4], true), Some(Quality::Good));
    }

    #[test]
    fn no_samples_yet_means_no_verdict() {
        assert_eq!(assess(&[], true), None);
    }

    #[test]
    fn loss_and_delay_make_it_fair_then_poor() {
        let mut s = healthy();
        s.loss_percent = 4.0;
        assert_eq!(assess(&[s], true), Some(Quality::Fair));
        s.loss_percent = 12.0;
        assert_eq!(assess(&[s], true), Some(Quality::Poor));
        let mut s = healthy();
        s.gauges.rtt_ms = Some(300.0);
        assert_eq!(assess(&[s], true), Some(Quality::Fair));
        s.gauges.rtt_ms = Some(800.0);
        assert_eq!(assess(&[s], true), Some(Quality::Poor));
    }

    #[test]
    fn starved_video_is_poor_only_when_video_is_expected() {
        let mut s = healthy();
        s.video_kbps_in = 30.0;
        assert_eq!(assess(&[s], true), Some(Quality::Poor));
        assert_eq!(assess(&[s], false), Some(Quality::Good));
    }

    #[test]
    fn history_keeps_one_minute() {
        let mut history = VecDeque::new();
        for _ in 0..HISTORY_LEN + 10 {
            remember(&mut history, healthy());
        }
        assert_eq!(history.len(), HISTORY_LEN);
    }

    #[test]
    fn a_short_loud_sound_in_the_interval_gives_a_speaking_level() {
        let before = counters(0.0, 0.0, 0.0, 0.0);
        // 0.1 s at full level (energy = level² × seconds) within half a second of silence.
        let now = Counters {
            audio_energy: 0.1,
            ..counters(500.0, 0.0, 0.0, 0.0)
        };
        let s = sample(&before, &now, Gauges::default());
        assert!(
            (s.audio_level - (0.1f64 / 0.5).sqrt()).abs() < 1e-9,
            "{s:?}"
        );
        assert!(is_speaking(s.audio_level));
        let silent = sample(&before, &counters(500.0, 0.0, 0.0, 0.0), Gauges::default());
        assert_eq!(silent.audio_level, 0.0);
    }

    #[test]
    fn speaking_needs_more_than_background_noise() {
        assert!(!is_speaking(0.0));
        assert!(!is_speaking(0.01));
        assert!(is_speaking(0.2));
    }
}
