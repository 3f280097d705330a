//! Generated test signals at 48 kHz in `[-1, 1]`, the same on every run (seeded), and the
//! measures the tests take of them.

use super::{Denoiser, FRAME_SIZE, LATENCY_SAMPLES, SAMPLE_RATE};
use std::f32::consts::TAU;

/// A small seeded generator (xorshift64*), so the noise is the same on every run.
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed` (any value but zero works; zero is replaced).
    pub fn new(seed: u64) -> Self {
        Self(seed.max(1))
    }

    /// The next value, uniform in `[-1, 1)`.
    pub fn uniform(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let bits = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 40;
        bits as f32 / (1u64 << 23) as f32 - 1.0
    }
}

/// Samples in `seconds` of audio.
pub fn samples(seconds: f32) -> usize {
    (seconds * SAMPLE_RATE as f32) as usize
}

/// White noise with the given RMS level in dB below full scale.
pub fn white_noise(seconds: f32, level_db: f32, seed: u64) -> Vec<f32> {
    let mut rng = Rng::new(seed);
    // A uniform value in [-1, 1) has an RMS of 1/sqrt(3).
    let gain = from_db(level_db) * 3f32.sqrt();
    (0..samples(seconds))
        .map(|_| rng.uniform() * gain)
        .collect()
}

/// Pink-like noise (3 dB less power per octave, from three one-pole filters on white noise)
/// with the given RMS level in dB below full scale.
pub fn pink_noise(seconds: f32, level_db: f32, seed: u64) -> Vec<f32> {
    let white = white_noise(seconds, 0.0, seed);
    let poles = [
        (0.997_65, 0.099_046),
        (0.963, 0.296_516_4),
        (0.57, 1.052_691_3),
    ];
    let mut state = [0.0f32; 3];
    let mut pink: Vec<f32> = white
        .iter()
        .map(|&x| {
            let mut sum = 0.184_8 * x;
            for ((pole, gain), s) in poles.iter().zip(&mut state) {
                *s = pole * *s + gain * x;
                sum += *s;
            }
            sum
        })
        .collect();
    let gain = from_db(level_db) / rms(&pink);
    pink.iter_mut().for_each(|s| *s *= gain);
    pink
}

/// A voice-like signal: a gliding pitch of 100-180 Hz with its harmonics up to 4 kHz shaped by
/// three vowel formants, in syllables of 200 ms with 60 ms gaps, at the given RMS level (dB
/// below full scale, measured over the whole signal).
pub fn voiced(seconds: f32, level_db: f32) -> Vec<f32> {
    let formants = [(700.0f32, 130.0f32), (1_220.0, 150.0), (2_600.0, 250.0)];
    let rate = SAMPLE_RATE as f32;
    let mut phase = 0.0f32;
    let mut out: Vec<f32> = (0..samples(seconds))
        .map(|n| {
            let t = n as f32 / rate;
            let pitch = 140.0 + 40.0 * (TAU * 0.7 * t).sin();
            phase = (phase + pitch / rate).fract();
            let syllable = (t % 0.26) / 0.2;
            let envelope = if syllable < 1.0 {
                (std::f32::consts::PI * syllable).sin()
            } else {
                0.0
            };
            let mut sample = 0.0;
            let mut harmonic = 1;
            while harmonic as f32 * pitch < 4_000.0 {
                let f = harmonic as f32 * pitch;
                let shape: f32 = formants
                    .iter()
                    .map(|&(centre, width)| 1.0 / (1.0 + ((f - centre) / width).powi(2)))
                    .sum();
                sample += (0.2 + shape) / harmonic as f32 * (TAU * phase * harmonic as f32).sin();
                harmonic += 1;
            }
            sample * envelope
        })
        .collect();
    let gain = from_db(level_db) / rms(&out);
    out.iter_mut().for_each(|s| *s *= gain);
    out
}

/// The element-wise sum of two signals of equal length.
pub fn mix(a: &[f32], b: &[f32]) -> Vec<f32> {
    a.iter().zip(b).map(|(a, b)| a + b).collect()
}

/// The signal through a new denoiser, whole frames only, shifted back by
/// [`LATENCY_SAMPLES`] so that sample `n` of the result lines up with sample `n` of the input.
/// Also returns each frame's voice probability.
pub fn denoise(input: &[f32]) -> (Vec<f32>, Vec<f32>) {
    let mut denoiser = Denoiser::new();
    let mut output = Vec::with_capacity(input.len());
    let mut voice = Vec::new();
    let mut frame = [0.0; FRAME_SIZE];
    for chunk in input.chunks_exact(FRAME_SIZE) {
        voice.push(denoiser.process_frame(chunk.try_into().unwrap(), &mut frame));
        output.extend_from_slice(&frame);
    }
    output.drain(..LATENCY_SAMPLES);
    (output, voice)
}

/// Root mean square.
pub fn rms(signal: &[f32]) -> f32 {
    (signal.iter().map(|s| s * s).sum::<f32>() / signal.len() as f32).sqrt()
}

/// The RMS level in dB relative to full scale.
pub fn level_db(signal: &[f32]) -> f32 {
    20.0 * rms(signal).log10()
}

/// A level in dB as an amplitude factor.
pub fn from_db(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}
