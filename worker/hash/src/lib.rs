//! The SHA-256 of a file being sent or received, computed off the page's main thread: this
//! crate is compiled to WebAssembly and run by `public/hash-worker.js` in a Web Worker, so a
//! transfer's hashing no longer competes with the call (and with the data channel's own
//! callbacks) for the page's one thread.
//!
//! A worker's scope could load wasm-bindgen glue, but the module needs none: like the noise
//! suppressor it is plain WebAssembly with no imports, a [`Hasher`] that owns an input buffer
//! the worker copies bytes into, and a handful of `extern "C"` functions in [`ffi`].
//!
//! The digest is the one the file protocol already carries (`FileEnd.sha256`, lowercase hex),
//! so a page that cannot start the worker hashes in the page instead and both ends still agree.

pub mod ffi;

use sha2::{Digest, Sha256};

/// Bytes the worker may copy in per [`Hasher::update`]: one block of the sender's reads.
pub const INPUT_BYTES: usize = 1024 * 1024;

/// Bytes of a SHA-256 digest.
pub const DIGEST_BYTES: usize = 32;

/// One file's running hash and the buffer its bytes are written into.
pub struct Hasher {
    hash: Sha256,
    input: Box<[u8]>,
    digest: [u8; DIGEST_BYTES],
}

impl Hasher {
    /// A hasher that has seen nothing, on the heap (the exported functions hand out its address).
    pub fn new() -> Box<Self> {
        Box::new(Self {
            hash: Sha256::new(),
            input: vec![0; INPUT_BYTES].into_boxed_slice(),
            digest: [0; DIGEST_BYTES],
        })
    }

    /// Where the caller writes up to [`INPUT_BYTES`] before calling [`Hasher::update`].
    pub fn input(&mut self) -> &mut [u8] {
        &mut self.input
    }

    /// Hashes the first `len` bytes of the input buffer (at most its size).
    pub fn update(&mut self, len: usize) {
        let len = len.min(self.input.len());
        self.hash.update(&self.input[..len]);
    }

    /// Ends the file: the digest of everything hashed, and a fresh start for the next file.
    pub fn finish(&mut self) -> &[u8; DIGEST_BYTES] {
        self.digest = self.hash.finalize_reset().into();
        &self.digest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash_in_pieces(bytes: &[u8], piece: usize) -> [u8; DIGEST_BYTES] {
        let mut hasher = Hasher::new();
        for chunk in bytes.chunks(piece) {
            hasher.input()[..chunk.len()].copy_from_slice(chunk);
            hasher.update(chunk.len());
        }
        *hasher.finish()
    }

    #[test]
    fn bytes_hashed_in_pieces_give_the_sha256_of_the_whole() {
        let bytes: Vec<u8> = (0..3_000_000u32).map(|i| (i * 7 % 251) as u8).collect();
        let whole: [u8; DIGEST_BYTES] = Sha256::digest(&bytes).into();
        assert_eq!(hash_in_pieces(&bytes, INPUT_BYTES), whole);
        assert_eq!(hash_in_pieces(&bytes, 65_536), whole);
        assert_eq!(hash_in_pieces(&bytes, 1), hash_in_pieces(&bytes, 999));
    }

    #[test]
    fn nothing_hashed_is_the_sha256_of_the_empty_file() {
        let empty: [u8; DIGEST_BYTES] = Sha256::digest([]).into();
        assert_eq!(*Hasher::new().finish(), empty);
    }

    #[test]
    fn finishing_starts_the_next_file_afresh() {
        let mut hasher = Hasher::new();
        hasher.input()[..3].copy_from_slice(b"abc");
        hasher.update(3);
        let first = *hasher.finish();
        hasher.input()[..3].copy_from_slice(b"abc");
        hasher.update(3);
        assert_eq!(*hasher.finish(), first);
    }

    #[test]
    fn a_length_past_the_buffer_hashes_the_buffer_only() {
        let mut hasher = Hasher::new();
        hasher.update(INPUT_BYTES + 10);
        let whole: [u8; DIGEST_BYTES] = Sha256::digest(vec![0u8; INPUT_BYTES]).into();
        assert_eq!(*hasher.finish(), whole);
    }
}
