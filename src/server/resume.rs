//! Resume tokens: proof that a connection may come back as a participant it was before, after a
//! dropped connection or a server restart.
//!
//! A token is an HMAC-SHA256 of the room and peer id under a key the server keeps in its data
//! directory, so tokens stay valid across restarts without the server remembering any of them.

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

impl ResumeKey {
    /// A fresh random key (tokens die with the process).
    pub fn random() -> Self {
        ResumeKey(rand::random())
    }

    /// The key kept in `dir`, made on first use (readable by its owner only).
    pub fn load_or_create(dir: &Path) -> Result<Self, super::tls::TlsError> {
        let path = dir.join(KEY_FILE);
        if let Ok(bytes) = std::fs::read(&path)
            && let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice())
        {
            return Ok(ResumeKey(key));
        }
        let key = Self::random();
        super::tls::write(&path, &key.0, true)?;
        Ok(key)
    }

    /// The token for `id` in `room`.
    pub fn token(&self, room: &RoomId, id: PeerId) -> String {
        crate::protocol::data::hex(&self.mac(room, id).finalize().into_bytes())
    }

    /// Whether `token` is this server's token for `id` in `room` (compared in constant time).
    pub fn verify(&self, room: &RoomId, id: PeerId, token: &str) -> bool {
        let Some(bytes) = unhex(token) else {
            return false;
        };
        self.mac(room, id).verify_slice(&bytes).is_ok()
    }

    fn mac(&self, room: &RoomId, id: PeerId) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        mac.update(room.as_str().as_bytes());
        mac.update(b"/");
        mac.update(&id.0.to_be_bytes());
        mac
    }
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.is_ascii() {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
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
        let token = key.token(&room(1), PeerId(7));
        assert!(key.verify(&room(1), PeerId(7), &token));
        assert!(!key.verify(&room(1), PeerId(8), &token));
        assert!(!key.verify(&room(2), PeerId(7), &token));
        assert!(!ResumeKey::random().verify(&room(1), PeerId(7), &token));
        let mut forged = token.clone().into_bytes();
        forged[0] = if forged[0] == b'0' { b'1' } else { b'0' };
        assert!(!key.verify(&room(1), PeerId(7), std::str::from_utf8(&forged).unwrap()));
        assert!(!key.verify(&room(1), PeerId(7), ""));
        assert!(!key.verify(&room(1), PeerId(7), &"é".repeat(32)));
    }

    #[test]
    fn the_key_survives_a_restart() {
        let dir = std::env::temp_dir().join(format!("confab-resume-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let first = ResumeKey::load_or_create(&dir).unwrap();
        let token = first.token(&room(3), PeerId(1));
        let second = ResumeKey::load_or_create(&dir).unwrap();
        assert!(second.verify(&room(3), PeerId(1), &token));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
