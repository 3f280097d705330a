//! Prints the CPU time RNNoise takes per second of audio on this machine, natively (the
//! process's CPU time, so other programs on the machine count for little; wall time beside it):
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
    let (start, start_cpu) = (Instant::now(), cpu_seconds());
    for frame in audio.chunks_exact(FRAME_SIZE) {
        sink += denoiser.process_frame(frame.try_into().unwrap(), &mut out);
    }
    let wall = start.elapsed().as_secs_f64() * 1_000.0 / seconds as f64;
    let cpu = (cpu_seconds() - start_cpu) * 1_000.0 / seconds as f64;
    println!(
        "native: {cpu:.2} ms CPU per second of audio (wall {wall:.2} ms), real-time factor \
         {:.4}; mean voice probability {:.3}",
        cpu / 1_000.0,
        sink / (audio.len() / FRAME_SIZE) as f32,
    );
}

/// The CPU time this process has used, in seconds.
fn cpu_seconds() -> f64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    now.tv_sec as f64 + now.tv_nsec as f64 / 1e9
}
