//! The receiving side's check of one file as its bytes arrive on the file's channel: never more
//! bytes than the offer announced, and at the end every byte there and the SHA-256 of what
//! arrived equal to the sender's. Pure (the browser hands it the byte counts and, at the end,
//! the digest its hasher computed, in a worker or in the page), so it is unit-tested and fuzzed
//! natively.

use super::data::FileEnd;

/// One file being received.
#[derive(Clone, Debug)]
pub struct Received {
    size: u64,
    received: u64,
}

/// What the bytes of a file came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Every byte arrived and the hash matches.
    Verified,
    /// Every byte arrived but the hash does not match.
    Corrupted,
    /// Too few bytes arrived before the end.
    Incomplete {
        /// Bytes that arrived.
        received: u64,
        /// Bytes announced.
        size: u64,
    },
}

/// More bytes arrived than the file's size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooManyBytes;

impl Received {
    /// A file of `size` bytes, none received yet.
    pub fn new(size: u64) -> Self {
        Received { size, received: 0 }
    }

    /// Bytes received so far.
    pub fn received(&self) -> u64 {
        self.received
    }

    /// Counts one chunk of `len` bytes; refused (and the file failed) if it goes past the size.
    /// Only a counted chunk may be hashed.
    pub fn take(&mut self, len: usize) -> Result<(), TooManyBytes> {
        let after = self.received.saturating_add(len as u64);
        if after > self.size {
            return Err(TooManyBytes);
        }
        self.received = after;
        Ok(())
    }

    /// The sender says it is done with `end`; `sha256` is the lowercase hex digest of the
    /// counted chunks: checks the count and the hash.
    pub fn finish(self, end: &FileEnd, sha256: &str) -> Verdict {
        if self.received != self.size {
            return Verdict::Incomplete {
                received: self.received,
                size: self.size,
            };
        }
        if sha256 == end.sha256 {
            Verdict::Verified
        } else {
            Verdict::Corrupted
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::data::hex;
    use sha2::{Digest, Sha256};

    fn digest(bytes: &[u8]) -> String {
        hex(&Sha256::digest(bytes))
    }

    fn end_for(bytes: &[u8]) -> FileEnd {
        FileEnd {
            sha256: hex(&Sha256::digest(bytes)),
        }
    }

    #[test]
    fn a_file_in_chunks_is_verified_and_a_changed_byte_is_not() {
        let file: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        let mut received = Received::new(file.len() as u64);
        for chunk in file.chunks(65_536) {
            received.take(chunk.len()).unwrap();
        }
        assert_eq!(
            received.clone().finish(&end_for(&file), &digest(&file)),
            Verdict::Verified
        );
        let mut other = file.clone();
        other[5] ^= 1;
        assert_eq!(
            received.clone().finish(&end_for(&other), &digest(&file)),
            Verdict::Corrupted,
            "the sender's hash differs"
        );
        assert_eq!(
            received.finish(&end_for(&file), &digest(&other)),
            Verdict::Corrupted,
            "the bytes that arrived differ"
        );
    }

    #[test]
    fn bytes_past_the_size_are_refused_and_a_short_file_is_incomplete() {
        let mut received = Received::new(10);
        received.take(8).unwrap();
        assert_eq!(received.take(3), Err(TooManyBytes));
        assert_eq!(received.received(), 8, "the refused chunk is not counted");
        assert_eq!(
            received.finish(&end_for(&[0; 8]), &digest(&[0; 8])),
            Verdict::Incomplete {
                received: 8,
                size: 10
            }
        );
    }

    #[test]
    fn an_empty_file_is_verified_by_the_hash_of_nothing() {
        assert_eq!(
            Received::new(0).finish(&end_for(&[]), &digest(&[])),
            Verdict::Verified
        );
    }
}
