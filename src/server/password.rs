//! Room passwords: stored only as a salted Argon2id hash, checked in constant time, and guarded
//! against guessing (per room) and against CPU exhaustion (a few hashes at a time).

use super::rate::TokenBucket;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;

/// Wrong guesses a room allows at once before slowing down.
pub const GUESS_BURST: u32 = 5;

/// After the burst, one more guess per this interval.
pub const GUESS_REFILL: Duration = Duration::from_secs(10);

/// Hashes computed at once, server-wide: each takes ~20 MiB and tens of milliseconds of CPU.
pub const CONCURRENT_HASHES: usize = 2;

/// A password hash in PHC string form (`$argon2id$v=19$...`), salt included.
pub type StoredPassword = Arc<str>;

/// Per-room guess limiter.
pub type Guesses = TokenBucket;

/// A full guess limiter.
pub fn guesses(now: Instant) -> Guesses {
    TokenBucket::new(GUESS_BURST, GUESS_REFILL, now)
}

/// Bounds how many hashes run at once.
#[derive(Debug, Clone)]
pub struct Hasher(Arc<Semaphore>);

impl Default for Hasher {
    fn default() -> Self {
        Hasher(Arc::new(Semaphore::new(CONCURRENT_HASHES)))
    }
}

impl Hasher {
    /// Hashes a new password with a fresh random salt.
    pub async fn hash(&self, password: String) -> StoredPassword {
        let _permit = self
            .0
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || hash(&password))
            .await
            .expect("hashing does not panic")
    }

    /// Whether `password` matches `stored`.
    pub async fn verify(&self, password: String, stored: StoredPassword) -> bool {
        let _permit = self
            .0
            .acquire()
            .await
            .expect("the semaphore is never closed");
        tokio::task::spawn_blocking(move || verify(&password, &stored))
            .await
            .unwrap_or(false)
    }
}

/// Hashes a password with Argon2id and a random salt.
pub fn hash(password: &str) -> StoredPassword {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).expect("16 bytes make a salt");
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("default Argon2 parameters are valid")
        .to_string()
        .into()
}

/// Checks a password against a stored hash (the comparison is constant-time).
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| {
        Argon2::default()
            .verify_password(password.as_bytes(), &hash)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_is_salted_and_matches_only_its_password() {
        let one = hash("correct horse");
        let two = hash("correct horse");
        assert_ne!(one, two, "each hash has its own salt");
        assert!(one.starts_with("$argon2id$"));
        assert!(!one.contains("correct horse"));
        assert!(verify("correct horse", &one));
        assert!(verify("correct horse", &two));
        assert!(!verify("correct hors", &one));
        assert!(!verify("", &one));
        assert!(!verify("correct horse", "not a hash"));
    }
}
