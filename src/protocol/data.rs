//! What browsers say to each other over data channels, peer to peer (the server never sees it).
//!
//! Each peer connection has one **control** channel (label [`CONTROL_LABEL`], opened by the
//! side that made the first offer) carrying [`PeerMessage`]s as JSON text: chat, and the offers,
//! answers and outcomes of file transfers.
//!
//! A file travels on a **channel of its own** (label from [`file_channel_label`]), opened by the
//! sender once the receiver accepts, so a big transfer never holds up chat. On it come the
//! file's bytes as binary messages of at most [`CHUNK_BYTES`], then one text message,
//! [`FileEnd`], with the SHA-256 of everything sent. The receiver hashes as the bytes arrive,
//! compares and reports with [`PeerMessage::FileReceived`]; the sender then closes the channel.
//!
//! Transfer numbers belong to the sender, so every message about a transfer says by its type
//! which side sent it: the sender offers and withdraws; the receiver accepts, declines, aborts
//! and confirms.
//!
//! Everything here comes from another browser, so it is checked: [`PeerMessage::decode`]
//! refuses oversized or malformed messages and chat over [`MAX_CHAT_CHARS`]; file names are
//! cleaned with [`clean_file_name`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// Label of the control channel.
pub const CONTROL_LABEL: &str = "control";

/// Longest chat message, in characters.
pub const MAX_CHAT_CHARS: usize = 4000;

/// Largest control message accepted, in bytes (a chat message at its limit fits with room to
/// spare, even in four-byte characters).
pub const MAX_PEER_MESSAGE_BYTES: usize = 24 * 1024;

/// Bytes in one binary message of a file channel. Chromium accepts messages up to 256 KiB; this
/// size keeps per-message overhead small while staying well inside every browser's limit.
pub const CHUNK_BYTES: usize = 64 * 1024;

/// The latest time a JavaScript `Date` can hold, in milliseconds since the epoch.
pub const MAX_TIME_MS: f64 = 8.64e15;

/// Longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 255;

/// A transfer's number, chosen by its sender; unique among that sender's transfers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TransferId(pub u32);

impl fmt::Display for TransferId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "t{}", self.0)
    }
}

/// A message on the control channel.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PeerMessage {
    /// A chat message. The sender's name is not in it: the receiver knows who is on the other
    /// end of the connection from the server.
    Chat {
        /// The text, shown as text.
        text: String,
        /// Sent to this participant only.
        #[serde(default)]
        private: bool,
        /// When it was sent, in milliseconds since the Unix epoch (sender's clock).
        sent_at: f64,
    },
    /// "I would like to send you this file."
    FileOffer {
        /// The transfer.
        transfer: TransferId,
        /// The file's name.
        name: String,
        /// Its size in bytes.
        size: u64,
        /// Its media type, if the sender's browser knows it.
        #[serde(default)]
        mime: String,
    },
    /// The receiver wants the file: the sender opens its channel.
    FileAccept {
        /// The transfer.
        transfer: TransferId,
    },
    /// The receiver does not want the file.
    FileDecline {
        /// The transfer.
        transfer: TransferId,
    },
    /// The sender stops its transfer (withdraws the offer, or stops sending).
    FileWithdraw {
        /// The transfer.
        transfer: TransferId,
    },
    /// The receiver stops a transfer it had accepted.
    FileAbort {
        /// The transfer.
        transfer: TransferId,
    },
    /// The receiver got every byte and checked the hash.
    FileReceived {
        /// The transfer.
        transfer: TransferId,
        /// The SHA-256 of the bytes received matched the sender's.
        verified: bool,
    },
}

/// Why a control message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeerMessageError {
    /// Over [`MAX_PEER_MESSAGE_BYTES`].
    #[error("message of {0} bytes is over the limit")]
    TooBig(usize),
    /// Not one of the messages above.
    #[error("malformed message: {0}")]
    Malformed(String),
    /// A chat message that is empty or over [`MAX_CHAT_CHARS`].
    #[error(transparent)]
    Chat(#[from] ChatError),
}

impl PeerMessage {
    /// Reads a control message from another browser, refusing anything out of bounds.
    pub fn decode(text: &str) -> Result<Self, PeerMessageError> {
        if text.len() > MAX_PEER_MESSAGE_BYTES {
            return Err(PeerMessageError::TooBig(text.len()));
        }
        let mut message: PeerMessage =
            serde_json::from_str(text).map_err(|e| PeerMessageError::Malformed(e.to_string()))?;
        match &mut message {
            PeerMessage::Chat { text, sent_at, .. } => {
                *text = check_chat(text)?;
                if !(0.0..=MAX_TIME_MS).contains(sent_at) {
                    return Err(PeerMessageError::Malformed("time out of range".into()));
                }
            }
            PeerMessage::FileOffer { name, mime, .. } => {
                *name = clean_file_name(name);
                *mime = mime.chars().filter(|c| !c.is_control()).take(255).collect();
            }
            _ => {}
        }
        Ok(message)
    }

    /// Writes a control message.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("peer messages always serialise")
    }
}

/// The last message on a file channel, after all the bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEnd {
    /// SHA-256 of every byte sent, as 64 lowercase hex digits.
    pub sha256: String,
}

impl FileEnd {
    /// Reads the end message.
    pub fn decode(text: &str) -> Option<Self> {
        if text.len() > 1024 {
            return None;
        }
        serde_json::from_str(text).ok()
    }

    /// Writes the end message.
    pub fn encode(&self) -> String {
        serde_json::to_string(self).expect("the end message always serialises")
    }
}

/// Why a chat message cannot be sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatError {
    /// Nothing but spaces.
    Empty,
    /// Over [`MAX_CHAT_CHARS`].
    TooLong {
        /// Characters in the message.
        chars: usize,
    },
}

impl std::fmt::Display for ChatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text().english())
    }
}

impl std::error::Error for ChatError {}

impl ChatError {
    /// What the person is told.
    pub fn text(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            ChatError::Empty => Text::new("chat-empty"),
            ChatError::TooLong { chars } => Text::new("chat-too-long")
                .arg("max", MAX_CHAT_CHARS)
                .arg("chars", *chars),
        }
    }
}

/// Checks a chat message before it is sent or shown: trailing and leading blank lines trimmed,
/// not empty, at most [`MAX_CHAT_CHARS`] characters.
pub fn check_chat(text: &str) -> Result<String, ChatError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ChatError::Empty);
    }
    let chars = text.chars().count();
    if chars > MAX_CHAT_CHARS {
        return Err(ChatError::TooLong { chars });
    }
    Ok(text.to_owned())
}

/// Cleans a file name from another browser: no folders, no control or invisible formatting
/// characters ([`super::is_invisible_format`]: an override cannot disguise `.exe` as `.jpg`), at
/// most [`MAX_FILE_NAME_CHARS`] characters; "file" when nothing is left.
pub fn clean_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base
        .chars()
        .filter(|&c| !c.is_control() && !super::is_invisible_format(c))
        .take(MAX_FILE_NAME_CHARS)
        .collect();
    let name = name.trim();
    if name.is_empty() || name == "." || name == ".." {
        "file".to_owned()
    } else {
        name.to_owned()
    }
}

/// The label of a transfer's own channel.
pub fn file_channel_label(transfer: TransferId) -> String {
    format!("file:{}", transfer.0)
}

/// The transfer a channel label names, if it is a file channel.
pub fn parse_file_channel_label(label: &str) -> Option<TransferId> {
    let digits = label.strip_prefix("file:")?;
    if digits.starts_with('+') {
        return None;
    }
    digits.parse().ok().map(TransferId)
}

/// Lowercase hex of a digest.
pub fn hex(bytes: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_round_trips_and_is_tagged() {
        let message = PeerMessage::Chat {
            text: "hello <b>there</b>".into(),
            private: true,
            sent_at: 1_700_000_000_000.0,
        };
        let text = message.encode();
        assert!(text.contains(r#""type":"chat""#), "{text}");
        assert_eq!(PeerMessage::decode(&text).unwrap(), message);
    }

    #[test]
    fn every_transfer_message_round_trips() {
        let transfer = TransferId(7);
        for message in [
            PeerMessage::FileOffer {
                transfer,
                name: "Überweisung März 2026.pdf".into(),
                size: 5 * 1024 * 1024 * 1024,
                mime: "application/pdf".into(),
            },
            PeerMessage::FileAccept { transfer },
            PeerMessage::FileDecline { transfer },
            PeerMessage::FileWithdraw { transfer },
            PeerMessage::FileAbort { transfer },
            PeerMessage::FileReceived {
                transfer,
                verified: false,
            },
        ] {
            assert_eq!(PeerMessage::decode(&message.encode()).unwrap(), message);
        }
    }

    #[test]
    fn chat_over_the_limit_is_refused_when_sent_and_when_received() {
        let long = "é".repeat(MAX_CHAT_CHARS + 1);
        assert_eq!(
            check_chat(&long),
            Err(ChatError::TooLong {
                chars: MAX_CHAT_CHARS + 1
            })
        );
        let at_limit = "é".repeat(MAX_CHAT_CHARS);
        assert_eq!(check_chat(&at_limit).unwrap(), at_limit);
        let forged = format!(r#"{{"type":"chat","text":"{long}","sent_at":0}}"#);
        assert!(matches!(
            PeerMessage::decode(&forged),
            Err(PeerMessageError::Chat(ChatError::TooLong { .. }))
        ));
    }

    #[test]
    fn the_largest_chat_message_fits_the_byte_limit() {
        let message = PeerMessage::Chat {
            text: "😀".repeat(MAX_CHAT_CHARS),
            private: false,
            sent_at: 0.0,
        };
        assert!(message.encode().len() <= MAX_PEER_MESSAGE_BYTES);
    }

    #[test]
    fn empty_chat_is_refused_and_blank_lines_are_trimmed() {
        assert_eq!(check_chat("  \n\t "), Err(ChatError::Empty));
        assert_eq!(check_chat("\n hi there \n").unwrap(), "hi there");
    }

    #[test]
    fn oversized_and_malformed_messages_are_refused() {
        let huge = "x".repeat(MAX_PEER_MESSAGE_BYTES + 1);
        assert_eq!(
            PeerMessage::decode(&huge),
            Err(PeerMessageError::TooBig(MAX_PEER_MESSAGE_BYTES + 1))
        );
        for bad in [
            "",
            "null",
            "{}",
            r#"{"type":"launch_missiles"}"#,
            r#"{"type":"file_accept"}"#,
            r#"{"type":"file_offer","transfer":-1,"name":"a","size":1}"#,
            r#"{"type":"chat","text":"hi","sent_at":1e300}"#,
            r#"{"type":"chat","text":"hi","sent_at":-1}"#,
        ] {
            assert!(
                matches!(
                    PeerMessage::decode(bad),
                    Err(PeerMessageError::Malformed(_))
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn offered_file_names_lose_folders_and_control_characters() {
        let offer =
            r#"{"type":"file_offer","transfer":1,"name":"../../etc/pass\u0000wd","size":3}"#;
        match PeerMessage::decode(offer).unwrap() {
            PeerMessage::FileOffer { name, mime, .. } => {
                assert_eq!(name, "passwd");
                assert_eq!(mime, "");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            clean_file_name(r"C:\Users\ann\report 1.pdf"),
            "report 1.pdf"
        );
        assert_eq!(clean_file_name("a/.."), "file");
        assert_eq!(clean_file_name("   "), "file");
        assert_eq!(clean_file_name("naïve café.txt"), "naïve café.txt");
        assert_eq!(
            clean_file_name("invoice\u{202E}gpj.exe"),
            "invoicegpj.exe",
            "a right-to-left override cannot disguise the extension"
        );
        assert_eq!(
            clean_file_name("a\u{2067}b\u{2069}\u{200B}\u{FEFF}c.txt"),
            "abc.txt"
        );
        assert_eq!(
            clean_file_name(&"x".repeat(300)).chars().count(),
            MAX_FILE_NAME_CHARS
        );
    }

    #[test]
    fn file_channel_labels_round_trip_and_others_are_not_files() {
        let label = file_channel_label(TransferId(42));
        assert_eq!(label, "file:42");
        assert_eq!(parse_file_channel_label(&label), Some(TransferId(42)));
        for other in [
            CONTROL_LABEL,
            "file:",
            "file:x",
            "file:+1",
            "file:-1",
            "bench",
        ] {
            assert_eq!(parse_file_channel_label(other), None, "{other}");
        }
    }

    #[test]
    fn file_end_round_trips() {
        let end = FileEnd {
            sha256: hex(&[0xab; 32]),
        };
        assert_eq!(FileEnd::decode(&end.encode()), Some(end));
        assert_eq!(FileEnd::decode("{}"), None);
        assert_eq!(FileEnd::decode(&"x".repeat(2000)), None);
    }

    #[test]
    fn hex_is_lowercase_and_two_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(hex(&[]), "");
    }
}
