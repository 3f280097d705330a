//! Noise suppression for Confab's microphone track: RNNoise (through the `nnnoiseless` crate),
//! compiled to WebAssembly and run by `public/denoise-worklet.js` inside an `AudioWorklet`.
//!
//! The worklet's scope has no `TextDecoder` and no `fetch`, so the module is plain WebAssembly
//! with no imports and no wasm-bindgen: a handful of `extern "C"` functions over one
//! [`Denoiser`] that owns its input and output frames. JavaScript writes 480 samples in
//! `[-1, 1]` into the input frame, calls `denoise_process`, and reads the output frame.
//!
//! # Layout
//! - [`Denoiser`] (this file): the safe core. RNNoise wants 48 kHz frames of
//!   [`FRAME_SIZE`] samples in the range of an `i16`; the denoiser scales in and out, so its
//!   callers speak the Web Audio range `[-1, 1]`.
//! - [`ffi`]: the exported functions, the only `unsafe` code: create, the two frame pointers,
//!   process one frame, destroy.
//! - `examples/throughput.rs`: prints the CPU time per second of audio (native).
//!
//! # Timing
//! Each output frame is the input frame of the call before it ([`LATENCY_SAMPLES`]): RNNoise
//! analyses overlapping windows of two frames and adds their halves back together.

pub mod ffi;
#[cfg(test)]
mod signal;
#[cfg(test)]
mod tests;

use nnnoiseless::DenoiseState;

/// Samples per frame: 10 ms at 48 kHz, RNNoise's only frame size.
pub const FRAME_SIZE: usize = DenoiseState::FRAME_SIZE;

/// The only sample rate RNNoise is trained for.
pub const SAMPLE_RATE: u32 = 48_000;

/// How far the output lags the input inside RNNoise, in samples: one frame.
pub const LATENCY_SAMPLES: usize = FRAME_SIZE;

/// Full scale of the `i16` samples RNNoise expects.
const I16_SCALE: f32 = 32_768.0;

/// One microphone's denoiser: RNNoise's state and the frames its caller fills and reads.
pub struct Denoiser {
    /// RNNoise's state (its buffers and the model's weights; tens of kilobytes).
    state: Box<DenoiseState<'static>>,
    /// The next frame to process, in `[-1, 1]`, written by the caller.
    input: [f32; FRAME_SIZE],
    /// The frame the last [`Denoiser::process`] produced, in `[-1, 1]` (RNNoise may overshoot
    /// a little; nothing clamps here, Web Audio clips at the output).
    output: [f32; FRAME_SIZE],
    /// The input scaled to the `i16` range, as RNNoise reads it.
    scaled_in: [f32; FRAME_SIZE],
    /// RNNoise's output in the `i16` range, before scaling back.
    scaled_out: [f32; FRAME_SIZE],
}

impl Denoiser {
    /// A denoiser with silent frames, on the heap (the exported functions hand out its address).
    pub fn new() -> Box<Self> {
        Box::new(Self {
            state: DenoiseState::new(),
            input: [0.0; FRAME_SIZE],
            output: [0.0; FRAME_SIZE],
            scaled_in: [0.0; FRAME_SIZE],
            scaled_out: [0.0; FRAME_SIZE],
        })
    }

    /// The frame to fill before [`Denoiser::process`].
    pub fn input_mut(&mut self) -> &mut [f32; FRAME_SIZE] {
        &mut self.input
    }

    /// The frame the last [`Denoiser::process`] produced.
    pub fn output(&self) -> &[f32; FRAME_SIZE] {
        &self.output
    }

    /// Denoises the input frame into the output frame and returns RNNoise's estimate that the
    /// frame holds a voice, from 0 to 1 (0 for frames it finds silent).
    pub fn process(&mut self) -> f32 {
        for (scaled, sample) in self.scaled_in.iter_mut().zip(&self.input) {
            *scaled = sample * I16_SCALE;
        }
        let voice = self
            .state
            .process_frame(&mut self.scaled_out, &self.scaled_in);
        for (sample, scaled) in self.output.iter_mut().zip(&self.scaled_out) {
            *sample = scaled / I16_SCALE;
        }
        voice
    }

    /// Copies `input` in, processes it and copies the result to `output`; returns the voice
    /// probability. A convenience for native callers (the worklet uses the frames directly).
    pub fn process_frame(
        &mut self,
        input: &[f32; FRAME_SIZE],
        output: &mut [f32; FRAME_SIZE],
    ) -> f32 {
        self.input = *input;
        let voice = self.process();
        *output = self.output;
        voice
    }
}
