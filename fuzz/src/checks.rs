//! What every fuzz input must satisfy, one function per fuzz target.
//!
//! The fuzz targets in `fuzz_targets/` call these on libFuzzer's inputs; the repository's
//! `tests/fuzz_corpus.rs` includes this same file and calls them on every kept corpus file, so the
//! corpus is a regression suite on stable Rust. A broken property panics.
//!
//! Inputs that are not UTF-8 are skipped: both decoders only ever see text (WebSocket and data
//! channel text messages are UTF-8 by the time they arrive).

use confab::protocol::data::{
    ChatError, FileEnd, MAX_CHAT_CHARS, MAX_FILE_NAME_CHARS, MAX_PEER_MESSAGE_BYTES, MAX_TIME_MS,
    PeerMessage, PeerMessageError, check_chat, clean_file_name,
};
use confab::protocol::{ClientMessage, MAX_NAME_CHARS, clean_name};

/// A fuzz target's check: panics when an input breaks a property.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name (also its corpus folder) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("signaling_message", signaling_message),
    ("peer_message", peer_message),
];

/// A frame from a browser to the signaling server: decoded as the server decodes it, and what
/// decodes must survive a round trip; display names come out clean.
pub fn signaling_message(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    assert_clean_name(text);
    let Ok(message) = serde_json::from_str::<ClientMessage>(text) else {
        return;
    };
    assert_round_trip(
        &message,
        |m| serde_json::to_string(m).expect("a decoded message encodes"),
        |text| serde_json::from_str(text).ok(),
    );
    if let ClientMessage::Join { name, .. } = &message {
        assert_clean_name(name);
    }
}

/// A control message or file-end message from another browser: what decodes is within the
/// documented bounds and survives a round trip; file names come out clean.
pub fn peer_message(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    check_peer_message(text);
    check_file_end(text);
    assert_clean_chat(text);
    assert_clean_file_name(text);
}

/// [`PeerMessage::decode`]: bounded size, chat text checked, sane times, clean file offers.
fn check_peer_message(text: &str) {
    let message = match PeerMessage::decode(text) {
        Ok(message) => message,
        Err(PeerMessageError::TooBig(bytes)) => {
            assert!(text.len() > MAX_PEER_MESSAGE_BYTES && bytes == text.len());
            return;
        }
        Err(_) => return,
    };
    assert!(text.len() <= MAX_PEER_MESSAGE_BYTES);
    match &message {
        PeerMessage::Chat { text, sent_at, .. } => {
            assert_eq!(check_chat(text).as_deref(), Ok(text.as_str()));
            assert!((0.0..=MAX_TIME_MS).contains(sent_at), "sent_at {sent_at}");
        }
        PeerMessage::FileOffer { name, mime, .. } => {
            assert_eq!(&clean_file_name(name), name, "offered name left uncleaned");
            assert!(!mime.chars().any(char::is_control), "control in {mime:?}");
            assert!(mime.chars().count() <= 255, "mime of {} chars", mime.len());
        }
        _ => {}
    }
    assert_round_trip(&message, PeerMessage::encode, |text| {
        PeerMessage::decode(text).ok()
    });
}

/// [`FileEnd::decode`]: at most 1 KiB read, and what decodes survives a round trip.
fn check_file_end(text: &str) {
    let Some(end) = FileEnd::decode(text) else {
        return;
    };
    assert!(text.len() <= 1024);
    assert_round_trip(&end, FileEnd::encode, FileEnd::decode);
}

/// What decodes, encoded again, decodes to the same value.
fn assert_round_trip<T: PartialEq + std::fmt::Debug>(
    value: &T,
    encode: impl Fn(&T) -> String,
    decode: impl Fn(&str) -> Option<T>,
) {
    let encoded = encode(value);
    assert_eq!(
        decode(&encoded).as_ref(),
        Some(value),
        "round trip through {encoded}"
    );
}

/// [`check_chat`]: trimmed, not empty, at most [`MAX_CHAT_CHARS`]; refusals say why.
fn assert_clean_chat(raw: &str) {
    match check_chat(raw) {
        Ok(chat) => {
            assert_eq!(chat, raw.trim());
            assert!(!chat.is_empty());
            assert!(chat.chars().count() <= MAX_CHAT_CHARS);
        }
        Err(ChatError::Empty) => assert!(raw.trim().is_empty()),
        Err(ChatError::TooLong { chars }) => {
            assert!(chars > MAX_CHAT_CHARS && chars == raw.trim().chars().count());
        }
    }
}

/// [`clean_name`]: no control characters, whitespace trimmed and collapsed to single spaces, at
/// most [`MAX_NAME_CHARS`], never empty; cleaning again changes nothing.
fn assert_clean_name(raw: &str) {
    let name = clean_name(raw);
    assert!(!name.is_empty(), "empty name from {raw:?}");
    assert!(name.chars().count() <= MAX_NAME_CHARS, "{name:?} too long");
    assert!(!name.chars().any(char::is_control), "control in {name:?}");
    assert_eq!(name.trim(), name, "untrimmed {name:?}");
    assert!(
        !name.chars().any(|c| c.is_whitespace() && c != ' ') && !name.contains("  "),
        "uncollapsed whitespace in {name:?}"
    );
    assert_eq!(
        clean_name(&name),
        name,
        "cleaning {name:?} again changes it"
    );
}

/// [`clean_file_name`]: no folders, no control characters, at most [`MAX_FILE_NAME_CHARS`],
/// never empty, `.` or `..`; cleaning again changes nothing.
fn assert_clean_file_name(raw: &str) {
    let name = clean_file_name(raw);
    assert!(!name.is_empty() && name != "." && name != "..", "{name:?}");
    assert!(!name.contains(['/', '\\']), "folder in {name:?}");
    assert!(!name.chars().any(char::is_control), "control in {name:?}");
    assert!(
        name.chars().count() <= MAX_FILE_NAME_CHARS,
        "{name:?} too long"
    );
    assert_eq!(
        clean_file_name(&name),
        name,
        "cleaning {name:?} again changes it"
    );
}
