//! The functions the WebAssembly module exports, with the module's `memory`. The worker calls
//! them in this order:
//!
//! 1. [`hash_new`] once per file: a hasher on the module's heap.
//! 2. [`hash_input`]: where its input buffer of [`hash_input_bytes`] bytes lives in `memory`
//!    (it does not move; the `ArrayBuffer` under it changes only if the memory grows).
//! 3. Per piece of the file: copy up to that many bytes in, call [`hash_update`].
//! 4. [`hash_finish`]: the address of the 32-byte digest; then [`hash_free`].

use crate::{Hasher, INPUT_BYTES};

/// The input buffer's size, so the worker need not hard-code it.
#[unsafe(no_mangle)]
pub extern "C" fn hash_input_bytes() -> u32 {
    INPUT_BYTES as u32
}

/// A new hasher. It lives until [`hash_free`].
#[unsafe(no_mangle)]
pub extern "C" fn hash_new() -> *mut Hasher {
    Box::into_raw(Hasher::new())
}

/// The address of the hasher's input buffer.
///
/// # Safety
/// `hasher` must come from [`hash_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hash_input(hasher: *mut Hasher) -> *mut u8 {
    // SAFETY: the caller promises a live hasher from `hash_new`.
    let hasher = unsafe { &mut *hasher };
    hasher.input().as_mut_ptr()
}

/// Hashes the first `len` bytes of the input buffer.
///
/// # Safety
/// `hasher` must come from [`hash_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hash_update(hasher: *mut Hasher, len: u32) {
    // SAFETY: the caller promises a live hasher from `hash_new`.
    let hasher = unsafe { &mut *hasher };
    hasher.update(len as usize);
}

/// The digest of everything hashed (32 bytes at the returned address, valid until the next
/// call); the hasher starts afresh.
///
/// # Safety
/// `hasher` must come from [`hash_new`] and not have been freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hash_finish(hasher: *mut Hasher) -> *const u8 {
    // SAFETY: the caller promises a live hasher from `hash_new`.
    let hasher = unsafe { &mut *hasher };
    hasher.finish().as_ptr()
}

/// Frees a hasher.
///
/// # Safety
/// `hasher` must come from [`hash_new`] and not be used after.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn hash_free(hasher: *mut Hasher) {
    // SAFETY: the caller promises a hasher from `hash_new`, freed once.
    drop(unsafe { Box::from_raw(hasher) });
}
