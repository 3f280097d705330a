//! Short-lived TURN credentials in the "TURN REST API" form that coturn checks with
//! `use-auth-secret` / `static-auth-secret`: the username is `<expiry-unix-time>:<peer-id>` and the
//! password is base64(HMAC-SHA1(secret, username)). Nothing is stored per credential, so the same
//! secret lets an external coturn accept what Confab issues.

use crate::protocol::PeerId;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use hmac::{Hmac, Mac};
use sha1::Sha1;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file in the data directory that holds a generated secret.
pub const SECRET_FILE: &str = "turn.secret";

/// The secret shared by Confab and its TURN servers.
#[derive(Clone)]
pub struct TurnSecret(String);

impl std::fmt::Debug for TurnSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TurnSecret(..)")
    }
}

impl TurnSecret {
    /// The operator's secret (from `--turn-secret`).
    pub fn new(secret: impl Into<String>) -> Self {
        TurnSecret(secret.into())
    }

    /// The secret kept in `dir`, made on first use (readable by its owner only).
    pub fn load_or_create(dir: &Path) -> Result<Self, crate::server::data_dir::DataDirError> {
        let path = dir.join(SECRET_FILE);
        if let Ok(text) = std::fs::read_to_string(&path) {
            let text = text.trim();
            if !text.is_empty() {
                return Ok(TurnSecret(text.to_owned()));
            }
        }
        let bytes: [u8; 32] = rand::random();
        let secret = data_encoding::HEXLOWER.encode(&bytes);
        crate::server::data_dir::write(&path, secret.as_bytes(), true)?;
        Ok(TurnSecret(secret))
    }

    /// The password for `username`.
    pub fn password(&self, username: &str) -> String {
        let mut mac = Hmac::<Sha1>::new_from_slice(self.0.as_bytes()).expect("any key length");
        mac.update(username.as_bytes());
        BASE64.encode(mac.finalize().into_bytes())
    }

    /// A credential for `peer`, valid for `ttl` from `now`.
    pub fn issue(&self, peer: PeerId, now: SystemTime, ttl: Duration) -> Credential {
        let expires = unix_seconds(now) + ttl.as_secs();
        let username = format!("{expires}:{peer}");
        Credential {
            password: self.password(&username),
            username,
            expires,
        }
    }

    /// The password for `username` if it is well formed and has not expired at `now`.
    pub fn check(&self, username: &str, now: SystemTime) -> Result<String, CredentialError> {
        if expiry(username)? < unix_seconds(now) {
            return Err(CredentialError::Expired);
        }
        Ok(self.password(username))
    }
}

/// A TURN username and password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    /// `<expiry>:<peer-id>`.
    pub username: String,
    /// base64(HMAC-SHA1(secret, username)).
    pub password: String,
    /// When it stops working, in seconds since 1970.
    pub expires: u64,
}

/// Why a TURN username is refused before its password is even checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the TURN username does not start with an expiry time")]
    Malformed,
    #[error("the TURN credential has expired")]
    Expired,
}

/// When a username stops working, in seconds since 1970.
pub fn expiry(username: &str) -> Result<u64, CredentialError> {
    username
        .split_once(':')
        .map_or(username, |(time, _)| time)
        .parse()
        .map_err(|_| CredentialError::Malformed)
}

/// Checks credentials for the embedded TURN server: the key for a username is derived from the
/// secret, so a forged password fails the message-integrity check.
///
/// Expiry is the gate's to enforce, on new allocations only: an allocation made while its
/// credential was valid may be refreshed after it expires, so a relayed call is never cut off
/// in the middle (coturn, which checks every request, cuts it: see the README).
pub struct Authenticator {
    /// The shared secret.
    pub secret: TurnSecret,
}

impl Authenticator {
    /// The long-term key (MD5 of `username:realm:password`, RFC 5389) of a well-formed
    /// username, expired or not.
    pub fn key(&self, username: &str, realm: &str) -> Result<Vec<u8>, CredentialError> {
        expiry(username)?;
        let password = self.secret.password(username);
        Ok(turn::auth::generate_auth_key(username, realm, &password))
    }

    /// Whether `username` has expired at `now`.
    pub fn expired(&self, username: &str, now: SystemTime) -> bool {
        !matches!(expiry(username), Ok(expires) if expires >= unix_seconds(now))
    }
}

impl turn::auth::AuthHandler for Authenticator {
    fn auth_handle(
        &self,
        username: &str,
        realm: &str,
        src_addr: SocketAddr,
    ) -> Result<Vec<u8>, turn::Error> {
        self.key(username, realm).map_err(|error| {
            tracing::debug!(%src_addr, %error, "TURN credential refused");
            turn::Error::Other(error.to_string())
        })
    }
}

fn unix_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(seconds)
    }

    #[test]
    fn password_is_coturns_rest_api_hmac_sha1_in_base64() {
        // Computed independently: printf '1700000000:p42' | openssl dgst -sha1 -hmac s3cret -binary | base64
        let secret = TurnSecret::new("s3cret");
        assert_eq!(
            secret.password("1700000000:p42"),
            "bRgNXlZqqbgqbfw3jNBBg7NQ6OI="
        );
    }

    #[test]
    fn issued_credential_names_expiry_and_peer_and_checks_until_it_expires() {
        let secret = TurnSecret::new("s3cret");
        let credential = secret.issue(PeerId(42), at(1_000), Duration::from_secs(3600));
        assert_eq!(credential.username, "4600:p42");
        assert_eq!(credential.expires, 4600);
        assert_eq!(
            secret.check(&credential.username, at(4600)),
            Ok(credential.password.clone())
        );
        assert_eq!(
            secret.check(&credential.username, at(4601)),
            Err(CredentialError::Expired)
        );
    }

    #[test]
    fn other_secrets_give_other_passwords() {
        let credential = TurnSecret::new("a").issue(PeerId(1), at(0), Duration::from_secs(60));
        assert_ne!(
            TurnSecret::new("b").password(&credential.username),
            credential.password
        );
    }

    #[test]
    fn usernames_without_an_expiry_are_malformed() {
        let secret = TurnSecret::new("s");
        for username in ["", "alice", "soon:p1", "-5:p1"] {
            assert_eq!(
                secret.check(username, at(0)),
                Err(CredentialError::Malformed),
                "{username}"
            );
        }
        // coturn also accepts a bare timestamp; so do we.
        assert!(secret.check("100", at(0)).is_ok());
    }

    #[test]
    fn secret_is_made_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("confab-turn-secret-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let first = TurnSecret::load_or_create(&dir).unwrap();
        let again = TurnSecret::load_or_create(&dir).unwrap();
        assert_eq!(first.0, again.0);
        assert_eq!(first.0.len(), 64);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
