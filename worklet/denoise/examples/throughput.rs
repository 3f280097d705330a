//! Prints the CPU time RNNoise takes per second of audio on this machine, natively:
//! `cargo run -p confab-denoise --release --example throughput [seconds]` (default 60).
//! `end2end/bench/denoise.mjs` measures the WebAssembly build the same way.

use confab_denoise::{Denoiser, FRAME_SIZE, SAMPLE_RATE};
use std::time::Instant;

fn main() {
    let seconds: usize = std::env::args()
        .nth(1)
        .map(|s| s.parse().expect("seconds: a whole number"))
        .unwrap_or(60);
    // Noise at about -30 dBFS from a seeded generator (RNNoise skips frames it finds silent, so
    // silence would flatter the figure).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let audio: Vec<f32> = (0..seconds * SAMPLE_RATE as usize)
        .map(|_| {
            state ^= state >> 12;
            state ^= state << 25;
            state ^= state >> 27;
            ((state >> 40) as f32 / (1u64 << 23) as f32 - 1.0) * 0.055
        })
        .collect();
    let mut denoiser = Denoiser::new();
    let mut out = [0.0; FRAME_SIZE];
    let mut sink = 0.0;
    let start = Instant::now();
    for frame in audio.chunks_exact(FRAME_SIZE) {
        sink += denoiser.process_frame(frame.try_into().unwrap(), &mut out);
    }
    let elapsed = start.elapsed().as_secs_f64();
    let per_second_ms = elapsed * 1_000.0 / seconds as f64;
    println!(
        "native: {seconds} s of audio in {:.0} ms: {per_second_ms:.2} ms CPU per second of audio, \
         real-time factor {:.4} (x{:.0} faster than real time); mean voice probability {:.3}",
        elapsed * 1_000.0,
        per_second_ms / 1_000.0,
        1_000.0 / per_second_ms,
        sink / (audio.len() / FRAME_SIZE) as f32,
    );
}
