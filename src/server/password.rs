//! Room passwords: stored only as a salted Argon2id hash, checked in constant time.
//!
//! Each hash takes about 20 MiB and tens of milliseconds of CPU, on purpose. So that nobody can
//! turn that into memory or CPU exhaustion, at most [`HASH_WORKERS`] hashes run at once (on
//! tokio's blocking threads), each in one of at most [`HASH_WORKERS`] buffers that are kept and
//! reused (the server's memory for hashing is fixed at its first hashes and never grows), and at
//! most [`QUEUED_HASHES`] wait for a turn: more are refused at once with [`ErrorCode::Busy`]. How
//! often a host may change the password and how fast a room or a client may guess are limited by
//! the hub and by [`super::per_source`].

use crate::protocol::ErrorCode;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Hashes computed at once; each holds one Argon2 buffer (19 MiB with the default parameters).
pub const HASH_WORKERS: usize = 2;

/// Hashes that may wait for a turn; more are refused.
pub const QUEUED_HASHES: usize = 16;

/// A password hash in PHC string form (`$argon2id$v=19$...`), salt included.
pub type StoredPassword = Arc<str>;

/// Runs hashes a few at a time, in buffers it keeps.
#[derive(Debug, Clone)]
pub struct Hasher(Arc<Pool>);

#[derive(Debug)]
struct Pool {
    /// One permit per hash allowed to run.
    turns: Arc<Semaphore>,
    /// Hashes admitted and not finished (running or waiting).
    admitted: AtomicUsize,
    /// Buffers not in use; never more than [`HASH_WORKERS`] exist.
    buffers: Mutex<Vec<Vec<Block>>>,
}

impl Default for Hasher {
    fn default() -> Self {
        Hasher(Arc::new(Pool {
            turns: Arc::new(Semaphore::new(HASH_WORKERS)),
            admitted: AtomicUsize::new(0),
            buffers: Mutex::new(Vec::new()),
        }))
    }
}

/// A hash admitted to the queue; leaving it (done or abandoned) frees the place.
struct Admission(Arc<Pool>);

impl Drop for Admission {
    fn drop(&mut self) {
        self.0.admitted.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Hasher {
    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: String) -> Result<StoredPassword, ErrorCode> {
        self.run(move |memory| hash_with(&password, memory)).await
    }

    /// Whether `password` matches `stored`.
    pub async fn verify(
        &self,
        password: String,
        stored: StoredPassword,
    ) -> Result<bool, ErrorCode> {
        self.run(move |memory| verify_with(&password, &stored, memory))
            .await
    }

    /// Runs `work` in a pooled buffer once a turn is free, or refuses it if too many wait.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
    ) -> Result<T, ErrorCode> {
        let admission = self.admit()?;
        let turn = Arc::clone(&self.0.turns)
            .acquire_owned()
            .await
            .map_err(|_| ErrorCode::Busy)?;
        let pool = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || {
            let mut memory = super::lock(&pool.buffers)
                .pop()
                .unwrap_or_else(|| vec![Block::default(); Params::default().block_count()]);
            let result = work(&mut memory);
            super::lock(&pool.buffers).push(memory);
            drop((turn, admission));
            result
        })
        .await
        .map_err(|_| ErrorCode::Busy)
    }

    fn admit(&self) -> Result<Admission, ErrorCode> {
        let bound = HASH_WORKERS + QUEUED_HASHES;
        let admitted = self
            .0
            .admitted
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
                (n < bound).then_some(n + 1)
            });
        match admitted {
            Ok(_) => Ok(Admission(Arc::clone(&self.0))),
            Err(_) => {
                tracing::warn!("password hashing queue full; request refused");
                Err(ErrorCode::Busy)
            }
        }
    }

    /// Buffers the hasher holds (at most [`HASH_WORKERS`]).
    pub fn buffers(&self) -> usize {
        super::lock(&self.0.buffers).len()
    }
}

/// Hashes a password with Argon2id, the default parameters and a random salt, in `memory`.
fn hash_with(password: &str, memory: &mut [Block]) -> StoredPassword {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes make a salt");
    let params = Params::default();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut raw = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let mut salt_bytes = [0u8; 16];
    let salt_raw = salt
        .decode_b64(&mut salt_bytes)
        .expect("the salt was just encoded");
    argon2
        .hash_password_into_with_memory(password.as_bytes(), salt_raw, &mut raw, &mut *memory)
        .expect("default Argon2 parameters are valid");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).expect("default parameters fit"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&raw).expect("32 bytes are a valid output")),
    }
    .to_string()
    .into()
}

/// Checks a password against a stored hash in `memory` (the comparison is constant-time). A hash
/// whose parameters need more memory than `memory` holds never matches.
fn verify_with(password: &str, stored: &str, memory: &mut [Block]) -> bool {
    let Ok(hash) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(hash.algorithm),
        Params::try_from(&hash),
        hash.salt,
        hash.hash,
    ) else {
        return false;
    };
    let version = hash
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or_default();
    let blocks = params.block_count();
    if blocks > memory.len() {
        return false;
    }
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut raw = vec![0u8; expected.len()];
    let computed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password.as_bytes(),
        salt,
        &mut raw,
        &mut memory[..blocks],
    );
    // `Output` compares in constant time.
    computed.is_ok() && Output::new(&raw).is_ok_and(|output| output == expected)
}

/// Hashes a password with Argon2id and a random salt (with a buffer of its own; the server uses
/// [`Hasher`]).
pub fn hash(password: &str) -> StoredPassword {
    hash_with(
        password,
        &mut vec![Block::default(); Params::default().block_count()],
    )
}

/// Checks a password against a stored hash (with a buffer of its own; the server uses
/// [`Hasher`]).
pub fn verify(password: &str, stored: &str) -> bool {
    verify_with(
        password,
        stored,
        &mut vec![Block::default(); Params::default().block_count()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_salted_and_matches_only_its_password() {
        let one = hash("correct horse");
        let two = hash("correct horse");
        assert_ne!(one, two, "each hash has its own salt");
        assert!(one.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{one}");
        assert!(!one.contains("correct horse"));
        assert!(verify("correct horse", &one));
        assert!(verify("correct horse", &two));
        assert!(!verify("correct hors", &one));
        assert!(!verify("", &one));
        assert!(!verify("correct horse", "not a hash"));
    }

    #[test]
    fn hashes_of_the_argon2_crate_itself_verify() {
        use argon2::password_hash::PasswordHasher;
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let theirs = Argon2::default()
            .hash_password(b"pw", &salt)
            .unwrap()
            .to_string();
        assert!(verify("pw", &theirs));
        assert!(!verify("px", &theirs));
    }

    #[test]
    fn a_hash_needing_more_memory_than_a_worker_holds_never_matches() {
        let salt = SaltString::encode_b64(&[7u8; 16]).unwrap();
        let params = Params::new(64 * 1024, 1, 1, None).unwrap();
        let big = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        use argon2::password_hash::PasswordHasher;
        let stored = big.hash_password(b"pw", &salt).unwrap().to_string();
        assert!(!verify("pw", &stored));
    }

    #[tokio::test]
    async fn the_queue_refuses_work_beyond_its_bound_instead_of_growing() {
        let hasher = Hasher::default();
        let waiting: Vec<_> = (0..HASH_WORKERS + QUEUED_HASHES + 20)
            .map(|n| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.hash(format!("pw{n}")).await })
            })
            .collect();
        let mut busy = 0;
        let mut done = Vec::new();
        for task in waiting {
            match task.await.unwrap() {
                Ok(stored) => done.push(stored),
                Err(code) => {
                    assert_eq!(code, ErrorCode::Busy);
                    busy += 1;
                }
            }
        }
        assert!(busy >= 20 - HASH_WORKERS, "{busy} refused");
        assert!(done.len() >= QUEUED_HASHES, "{} done", done.len());
        assert!(
            hasher.verify("pw0".into(), done[0].clone()).await.is_ok(),
            "the hasher still works afterwards"
        );
        assert!(
            hasher.buffers() <= HASH_WORKERS,
            "{} buffers kept",
            hasher.buffers()
        );
    }
}
