//! The functions the WebAssembly module exports, with the module's `memory`. The worklet calls
//! them in this order:
//!
//! 1. [`denoise_new`] once: a denoiser on the module's heap.
//! 2. [`denoise_input`] and [`denoise_output`]: where its two frames of [`FRAME_SIZE`] `f32`s
//!    live in `memory`. They do not move for the denoiser's life, but the `ArrayBuffer` under
//!    them changes if the memory grows, so views on it must be made again then.
//! 3. Per frame: write the input frame, call [`denoise_process`], read the output frame.
//! 4. [`denoise_free`] once, when the track ends.
//!
//! A panic inside traps (the module has no way to report it): the worklet then passes the audio
//! through and says so on its port.

use crate::{Denoiser, FRAME_SIZE};

/// Samples per frame ([`FRAME_SIZE`]), so the worklet need not hard-code 480.
#[unsafe(no_mangle)]
pub extern "C" fn denoise_frame_size() -> u32 {
    FRAME_SIZE as u32
}

/// A new denoiser. It lives until [`denoise_free`].
#[unsafe(no_mangle)]
pub extern "C" fn denoise_new() -> *mut Denoiser {
    Box::into_raw(Denoiser::new())
}

/// The address of the denoiser's input frame ([`FRAME_SIZE`] samples in `[-1, 1]`).
///
/// # Safety
/// `denoiser` must come from [`denoise_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn denoise_input(denoiser: *mut Denoiser) -> *mut f32 {
    // SAFETY: the caller promises a live denoiser from `denoise_new`.
    let denoiser = unsafe { &mut *denoiser };
    denoiser.input_mut().as_mut_ptr()
}

/// The address of the denoiser's output frame ([`FRAME_SIZE`] samples).
///
/// # Safety
/// `denoiser` must come from [`denoise_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn denoise_output(denoiser: *const Denoiser) -> *const f32 {
    // SAFETY: the caller promises a live denoiser from `denoise_new`.
    let denoiser = unsafe { &*denoiser };
    denoiser.output().as_ptr()
}

/// Denoises the input frame into the output frame; returns the voice probability (0 to 1).
///
/// # Safety
/// `denoiser` must come from [`denoise_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn denoise_process(denoiser: *mut Denoiser) -> f32 {
    // SAFETY: the caller promises a live denoiser from `denoise_new`.
    let denoiser = unsafe { &mut *denoiser };
    denoiser.process()
}

/// Frees a denoiser; null is ignored.
///
/// # Safety
/// `denoiser` must be null or come from [`denoise_new`], and is not used again.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn denoise_free(denoiser: *mut Denoiser) {
    if !denoiser.is_null() {
        // SAFETY: the caller promises it came from `Box::into_raw` in `denoise_new` and gives
        // up its last use here.
        drop(unsafe { Box::from_raw(denoiser) });
    }
}
