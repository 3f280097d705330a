//! Who is speaking in a room, from the audio level each browser writes in its packets' header
//! extension (RFC 6464), and who spoke last (the active speaker).
//!
//! Levels are gathered over short intervals: at the end of each, a participant whose mean
//! amplitude passed [`SPEAKING_AMPLITUDE`] is speaking, and stays so until [`HANGOVER`] quiet
//! intervals in a row have passed (a pause between words is shorter). The active speaker stays
//! while speaking; when they stop, the loudest of those speaking takes over; when nobody
//! speaks, the last one stays.

use crate::protocol::PeerId;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How often who is speaking is judged.
pub const INTERVAL: Duration = Duration::from_millis(200);

/// Mean linear amplitude (1.0 is full scale) above which someone is speaking; the same level
/// the page uses for its own microphone and for direct connections' statistics.
pub const SPEAKING_AMPLITUDE: f64 = 0.02;

/// Quiet intervals after which someone who was speaking no longer is.
pub const HANGOVER: u32 = 2;

/// Who is speaking, and who spoke last; sent to everyone in the room when it changes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpeakersNow {
    /// Those speaking now, in order of their ids.
    pub speaking: Vec<PeerId>,
    /// The active speaker: speaking now, or the last who did.
    pub active: Option<PeerId>,
}

#[derive(Debug, Default)]
struct Voice {
    /// Sum of the amplitudes heard this interval, and how many.
    sum: f64,
    heard: u32,
    speaking: bool,
    /// Quiet intervals in a row since they were last loud.
    quiet: u32,
}

/// One room's speakers.
#[derive(Debug)]
pub struct Speakers {
    voices: HashMap<PeerId, Voice>,
    now: SpeakersNow,
    due: Instant,
}

impl Speakers {
    pub fn new(now: Instant) -> Self {
        Speakers {
            voices: HashMap::new(),
            now: SpeakersNow::default(),
            due: now + INTERVAL,
        }
    }

    /// A packet of `peer`'s audio carried this level, in -dBov (0 is the loudest, 127 silence;
    /// str0m gives it negated).
    pub fn heard(&mut self, now: Instant, peer: PeerId, level: i8) {
        if self.voices.is_empty() && self.due < now {
            // Nobody was being judged: the interval starts now.
            self.due = now + INTERVAL;
        }
        let dbov = f64::from(level.unsigned_abs().min(127));
        let voice = self.voices.entry(peer).or_default();
        voice.sum += 10f64.powf(-dbov / 20.0);
        voice.heard += 1;
    }

    /// When [`Speakers::judge`] is next due, if anything could change.
    pub fn due(&self) -> Option<Instant> {
        (!self.voices.is_empty()).then_some(self.due)
    }

    /// Ends the interval if it is due; returns who is speaking if that changed.
    pub fn judge(&mut self, now: Instant) -> Option<SpeakersNow> {
        if now < self.due {
            return None;
        }
        // A long wait (no packets, no timers) counts as one interval.
        self.due = if self.due + INTERVAL > now {
            self.due + INTERVAL
        } else {
            now + INTERVAL
        };
        let mut loudest: Option<(PeerId, f64)> = None;
        for (peer, voice) in &mut self.voices {
            let mean = if voice.heard == 0 {
                0.0
            } else {
                voice.sum / f64::from(voice.heard)
            };
            (voice.sum, voice.heard) = (0.0, 0);
            if mean > SPEAKING_AMPLITUDE {
                voice.speaking = true;
                voice.quiet = 0;
                if loudest.is_none_or(|(_, level)| mean > level) {
                    loudest = Some((*peer, mean));
                }
            } else if voice.speaking {
                voice.quiet += 1;
                voice.speaking = voice.quiet < HANGOVER;
            }
        }
        // Those who are silent and not speaking need no more judging until heard again.
        self.voices.retain(|_, voice| voice.speaking);
        let mut speaking: Vec<PeerId> = self.voices.keys().copied().collect();
        speaking.sort();
        let active = match self.now.active {
            Some(active) if speaking.contains(&active) => Some(active),
            _ => loudest
                .map(|(peer, _)| peer)
                .or_else(|| speaking.first().copied())
                .or(self.now.active),
        };
        let next = SpeakersNow { speaking, active };
        (next != self.now).then(|| {
            self.now = next.clone();
            next
        })
    }

    /// Who is speaking, as last judged.
    pub fn current(&self) -> &SpeakersNow {
        &self.now
    }

    /// `peer` left: it is no longer speaking nor the active speaker. Returns who is speaking if
    /// that changed.
    pub fn forget(&mut self, peer: PeerId) -> Option<SpeakersNow> {
        self.voices.remove(&peer);
        let before = self.now.clone();
        self.now.speaking.retain(|p| *p != peer);
        if self.now.active == Some(peer) {
            self.now.active = self.now.speaking.first().copied();
        }
        (self.now != before).then(|| self.now.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOUD: i8 = -20; // 0.1 of full scale
    const BACKGROUND: i8 = -50; // 0.003
    const SILENCE: i8 = -127;

    fn peer(n: u64) -> PeerId {
        PeerId(n)
    }

    /// Feeds one interval of 20 ms packets at these levels, then judges.
    fn interval(
        speakers: &mut Speakers,
        now: &mut Instant,
        levels: &[(u64, i8)],
    ) -> Option<SpeakersNow> {
        for _ in 0..10 {
            for (p, level) in levels {
                speakers.heard(*now, peer(*p), *level);
            }
        }
        *now += INTERVAL;
        speakers.judge(*now)
    }

    #[test]
    fn a_loud_participant_is_speaking_and_becomes_the_active_speaker() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        let changed = interval(&mut speakers, &mut now, &[(1, LOUD), (2, BACKGROUND)]);
        assert_eq!(
            changed,
            Some(SpeakersNow {
                speaking: vec![peer(1)],
                active: Some(peer(1)),
            })
        );
    }

    #[test]
    fn background_noise_and_silence_are_not_speech() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        let changed = interval(&mut speakers, &mut now, &[(1, BACKGROUND), (2, SILENCE)]);
        assert_eq!(changed, None);
        assert_eq!(speakers.current(), &SpeakersNow::default());
    }

    #[test]
    fn a_short_pause_between_words_does_not_end_speaking() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        interval(&mut speakers, &mut now, &[(1, LOUD)]);
        assert_eq!(interval(&mut speakers, &mut now, &[(1, SILENCE)]), None);
        let after = interval(&mut speakers, &mut now, &[(1, SILENCE)]);
        assert_eq!(
            after,
            Some(SpeakersNow {
                speaking: vec![],
                active: Some(peer(1)),
            }),
            "after the hangover they stop speaking but stay the active speaker"
        );
    }

    #[test]
    fn packets_stopping_altogether_end_speaking() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        interval(&mut speakers, &mut now, &[(1, LOUD)]);
        assert_eq!(speakers.due(), Some(now + INTERVAL), "judging goes on");
        now += INTERVAL * HANGOVER;
        speakers.judge(now);
        now += INTERVAL;
        speakers.judge(now);
        assert!(speakers.current().speaking.is_empty());
        assert_eq!(speakers.due(), None, "nothing left to judge");
    }

    #[test]
    fn the_active_speaker_keeps_the_floor_while_speaking_even_if_another_is_louder() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        interval(&mut speakers, &mut now, &[(1, LOUD)]);
        let both = interval(&mut speakers, &mut now, &[(1, LOUD), (2, -5)]);
        assert_eq!(
            both,
            Some(SpeakersNow {
                speaking: vec![peer(1), peer(2)],
                active: Some(peer(1)),
            })
        );
        interval(&mut speakers, &mut now, &[(1, SILENCE), (2, -5)]);
        let handed_over = interval(&mut speakers, &mut now, &[(1, SILENCE), (2, -5)]);
        assert_eq!(
            handed_over,
            Some(SpeakersNow {
                speaking: vec![peer(2)],
                active: Some(peer(2)),
            })
        );
    }

    #[test]
    fn the_loudest_of_several_new_speakers_becomes_active() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        let changed = interval(&mut speakers, &mut now, &[(1, LOUD), (2, -5), (3, -30)]);
        assert_eq!(changed.unwrap().active, Some(peer(2)));
    }

    #[test]
    fn someone_leaving_is_no_longer_speaking_nor_active() {
        let mut now = Instant::now();
        let mut speakers = Speakers::new(now);
        interval(&mut speakers, &mut now, &[(1, LOUD), (2, -30)]);
        assert_eq!(speakers.current().active, Some(peer(1)));
        let changed = speakers.forget(peer(1));
        assert_eq!(
            changed,
            Some(SpeakersNow {
                speaking: vec![peer(2)],
                active: Some(peer(2)),
            })
        );
        assert_eq!(speakers.forget(peer(7)), None, "a stranger changes nothing");
    }

    #[test]
    fn nothing_is_judged_before_the_interval_ends() {
        let now = Instant::now();
        let mut speakers = Speakers::new(now);
        speakers.heard(now, peer(1), LOUD);
        assert_eq!(speakers.judge(now + INTERVAL / 2), None);
        assert_eq!(speakers.judge(now + INTERVAL).unwrap().speaking, [peer(1)]);
    }
}
