//! Room passwords: stored only as a salted Argon2id hash, checked in constant time.
//!
//! Each hash takes about 20 MiB and tens of milliseconds of CPU, on purpose. So that nobody can
//! turn that into memory or CPU exhaustion, hashes run on [`HASH_WORKERS`] threads of their own,
//! each reusing one buffer for every hash it computes (the server's memory for hashing is fixed
//! at start of the first hash and never grows), and at most [`QUEUED_HASHES`] wait for them: more
//! are refused at once with [`ErrorCode::Busy`]. How often a host may change the password and how
//! fast a room or a client may guess are limited by the hub and by [`super::per_source`].

use crate::protocol::ErrorCode;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::oneshot;

/// Threads computing hashes; each holds one Argon2 buffer (19 MiB with the default parameters).
pub const HASH_WORKERS: usize = 2;

/// Hashes that may wait for a worker; more are refused.
pub const QUEUED_HASHES: usize = 16;

/// A password hash in PHC string form (`$argon2id$v=19$...`), salt included.
pub type StoredPassword = Arc<str>;

/// Work for a hashing thread.
enum Job {
    Hash {
        password: String,
        reply: oneshot::Sender<StoredPassword>,
    },
    Verify {
        password: String,
        stored: StoredPassword,
        reply: oneshot::Sender<bool>,
    },
}

/// Hands hashes to the worker threads, started on first use.
#[derive(Debug, Clone, Default)]
pub struct Hasher(Arc<OnceLock<SyncSender<Job>>>);

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job(..)")
    }
}

impl Hasher {
    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: String) -> Result<StoredPassword, ErrorCode> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Hash { password, reply })?;
        answer.await.map_err(|_| ErrorCode::Busy)
    }

    /// Whether `password` matches `stored`.
    pub async fn verify(
        &self,
        password: String,
        stored: StoredPassword,
    ) -> Result<bool, ErrorCode> {
        let (reply, answer) = oneshot::channel();
        self.submit(Job::Verify {
            password,
            stored,
            reply,
        })?;
        answer.await.map_err(|_| ErrorCode::Busy)
    }

    fn submit(&self, job: Job) -> Result<(), ErrorCode> {
        let jobs = self.0.get_or_init(start_workers);
        match jobs.try_send(job) {
            Ok(()) => Ok(()),
            Err(TrySendError::Full(_)) => {
                tracing::warn!("password hashing queue full; request refused");
                Err(ErrorCode::Busy)
            }
            Err(TrySendError::Disconnected(_)) => Err(ErrorCode::Busy),
        }
    }
}

/// Starts the hashing threads; they end when the last [`Hasher`] is dropped.
fn start_workers() -> SyncSender<Job> {
    let (jobs, queue) = sync_channel(QUEUED_HASHES);
    let queue = Arc::new(Mutex::new(queue));
    for n in 0..HASH_WORKERS {
        let queue = Arc::clone(&queue);
        let spawned = std::thread::Builder::new()
            .name(format!("confab-hash-{n}"))
            .spawn(move || work(&queue));
        if let Err(error) = spawned {
            tracing::error!(%error, "cannot start a password hashing thread");
        }
    }
    jobs
}

/// One hashing thread: takes jobs until the queue closes, with one buffer for all of them.
fn work(queue: &Mutex<Receiver<Job>>) {
    let mut memory = vec![Block::default(); Params::default().block_count()];
    loop {
        let job = match super::lock(queue).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        match job {
            Job::Hash { password, reply } => {
                let _ = reply.send(hash_with(&password, &mut memory));
            }
            Job::Verify {
                password,
                stored,
                reply,
            } => {
                let _ = reply.send(verify_with(&password, &stored, &mut memory));
            }
        }
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
    }
}
