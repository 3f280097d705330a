//! Resume tokens: proof that a connection may come back as a participant it was before, after a
//! dropped connection or a server restart.
//!
//! A token is `<expiry>.<mac>`: the Unix time (seconds) until which it is valid, and an
//! HMAC-SHA256 of the room, the peer id and that expiry under a key the server keeps in its data
//! directory. Tokens stay valid across restarts without the server remembering any of them, and
//! stop working by themselves: the hub gives a connected member a fresh one well before its
//! current one runs out, and revokes a member's token when it leaves or is removed
//! (see [`super::hub`]).

use super::data_dir::{self, DataDirError};
use crate::protocol::{PeerId, RoomId};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::path::Path;

/// The file in the data directory that holds the key.
pub const KEY_FILE: &str = "resume.key";

/// The server's key for resume tokens.
#[derive(Clone)]
pub struct ResumeKey([u8; 32]);

impl std::fmt::Debug for ResumeKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResumeKey(..)")
    }
}

/// What a token says, once its MAC has been checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Claim {
    /// Unix time (seconds) until which the token is valid.
    pub expires: u64,
}

impl ResumeKey {
    /// A fresh random key (tokens die with the process).
    pub fn random() -> Self {
        ResumeKey(rand::random())
    }

    /// The key kept in `dir`, made on first use (readable by its owner only).
    pub fn load_or_create(dir: &Path) -> Result<Self, DataDirError> {
        let path = dir.join(KEY_FILE);
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
        {
            return Ok(ResumeKey(key));
        }
        let key = Self::random();
        data_dir::write(&path, &key.0, true)?;
        Ok(key)
    }

    /// The token for `id` in `room`, valid until `expires` (Unix seconds).
    pub fn token(&self, room: &RoomId, id: PeerId, expires: u64) -> String {
        let mac = self.mac(room, id, expires).finalize().into_bytes();
        format!("{expires}.{}", data_encoding::HEXLOWER.encode(&mac))
    }

    /// What `token` claims, if it is this server's token for `id` in `room` (compared in
    /// constant time) and has not expired at `now` (Unix seconds).
    pub fn verify(&self, room: &RoomId, id: PeerId, token: &str, now: u64) -> Option<Claim> {
        let (expires, mac) = token.split_once('.')?;
        let expires: u64 = expires.parse().ok()?;
        let mac = data_encoding::HEXLOWER.decode(mac.as_bytes()).ok()?;
        self.mac(room, id, expires).verify_slice(&mac).ok()?;
        (now < expires).then_some(Claim { expires })
    }

    fn mac(&self, room: &RoomId, id: PeerId, expires: u64) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(room.as_str().as_bytes());
        mac.update(b"/");
        mac.update(&id.0.to_be_bytes());
        mac.update(&expires.to_be_bytes());
        mac
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(byte: u8) -> RoomId {
        RoomId::from_random_bytes([byte; 16])
    }

    #[test]
    fn a_token_proves_only_its_own_room_and_id() {
        let key = ResumeKey::random();
        let token = key.token(&room(1), PeerId(7), 1000);
        assert_eq!(
            key.verify(&room(1), PeerId(7), &token, 999),
            Some(Claim { expires: 1000 })
        );
        assert!(key.verify(&room(1), PeerId(8), &token, 999).is_none());
        assert!(key.verify(&room(2), PeerId(7), &token, 999).is_none());
        assert!(
            ResumeKey::random()
                .verify(&room(1), PeerId(7), &token, 999)
                .is_none()
        );
        let mut forged = token.clone().into_bytes();
        let last = forged.len() - 1;
        forged[last] = if forged[last] == b'0' { b'1' } else { b'0' };
        let forged = String::from_utf8(forged).unwrap();
        assert!(key.verify(&room(1), PeerId(7), &forged, 999).is_none());
        for junk in ["", ".", "1000.", "x.00", &"é".repeat(32)] {
            assert!(
                key.verify(&room(1), PeerId(7), junk, 999).is_none(),
                "{junk}"
            );
        }
    }

    #[test]
    fn a_token_expires_and_its_expiry_cannot_be_moved() {
        let key = ResumeKey::random();
        let token = key.token(&room(1), PeerId(7), 1000);
        assert!(key.verify(&room(1), PeerId(7), &token, 1000).is_none());
        let (_, mac) = token.split_once('.').unwrap();
        let extended = format!("999999.{mac}");
        assert!(key.verify(&room(1), PeerId(7), &extended, 999).is_none());
    }

    #[test]
    fn the_key_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("confab-resume-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = ResumeKey::load_or_create(&dir).unwrap();
        let token = first.token(&room(3), PeerId(1), 50);
        let second = ResumeKey::load_or_create(&dir).unwrap();
        assert!(second.verify(&room(3), PeerId(1), &token, 10).is_some());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
