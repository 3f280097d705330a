//! What every fuzz input must satisfy, one function per fuzz target.
//!
//! The fuzz targets in `fuzz_targets/` call these on libFuzzer's inputs; the repository's
//! `tests/fuzz_corpus.rs` includes this same file and calls them on every kept corpus file, so the
//! corpus is a regression suite on stable Rust. A broken property panics.
//!
//! Inputs that are not UTF-8 are skipped by the two text decoders: they only ever see text
//! (WebSocket and data channel text messages are UTF-8 by the time they arrive). The file-chunk
//! and TURN checks take any bytes. The TURN check needs the server (feature `ssr`).

use confab::protocol::data::{
    ChatError, FileEnd, MAX_CHAT_CHARS, MAX_FILE_NAME_CHARS, MAX_PEER_MESSAGE_BYTES, MAX_TIME_MS,
    PeerMessage, PeerMessageError, check_chat, clean_file_name,
};
use confab::protocol::received::{Received, TooManyBytes, Verdict};
use confab::protocol::{ClientMessage, MAX_NAME_CHARS, clean_name, is_invisible_format};

/// A fuzz target's check: panics when an input breaks a property.
pub type Check = fn(&[u8]);

/// Every fuzz target: its name (also its corpus folder) and its check.
pub const TARGETS: &[(&str, Check)] = &[
    ("signaling_message", signaling_message),
    ("peer_message", peer_message),
    ("file_chunks", file_chunks),
    #[cfg(feature = "ssr")]
    ("turn_packet", turn::turn_packet),
];

/// A file arriving in chunks: the first two bytes give the announced size (0-65535), then each
/// chunk is a length byte and that many bytes. Never more bytes than announced are taken, and
/// the file is verified exactly when every byte arrived and the sender's hash is the hash of
/// what arrived.
pub fn file_chunks(data: &[u8]) {
    use sha2::{Digest, Sha256};
    let [a, b, rest @ ..] = data else {
        return;
    };
    let size = u64::from(u16::from_be_bytes([*a, *b]));
    let mut received = Received::new(size);
    let mut kept = Vec::new();
    let mut rest = rest;
    while let [len, tail @ ..] = rest {
        let len = usize::from(*len).min(tail.len());
        let (chunk, after) = tail.split_at(len);
        match received.take(chunk.len()) {
            Ok(()) => kept.extend_from_slice(chunk),
            Err(TooManyBytes) => {
                assert!(kept.len() as u64 + chunk.len() as u64 > size);
                assert_eq!(
                    received.received(),
                    kept.len() as u64,
                    "a refused chunk counted"
                );
            }
        }
        assert!(received.received() <= size, "more than announced taken");
        rest = after;
    }
    let digest = confab::protocol::data::hex(&Sha256::digest(&kept));
    let right = FileEnd {
        sha256: digest.clone(),
    };
    let verdict = received.clone().finish(&right, &digest);
    if kept.len() as u64 == size {
        assert_eq!(verdict, Verdict::Verified);
        let wrong = FileEnd {
            sha256: "0".repeat(64),
        };
        assert_eq!(received.finish(&wrong, &digest), Verdict::Corrupted);
    } else {
        assert!(matches!(verdict, Verdict::Incomplete { .. }), "{verdict:?}");
    }
}

#[cfg(feature = "ssr")]
#[allow(unused_imports)] // used by the fuzz target; the corpus test goes through TARGETS
pub use turn::turn_packet;

/// The TURN gate, on any packet from a client with no allocation: it never panics, never lets
/// relayed data through, answers only with STUN error responses to the same transaction, and
/// makes the engine remember no more than a handful of nonces however many packets come.
#[cfg(feature = "ssr")]
mod turn {
    use confab::server::turn::credentials::{Authenticator, TurnSecret};
    use confab::server::turn::gate::{Rules, Verdict};
    use confab::server::turn::peers::PeerPolicy;
    use confab::server::turn::usage::{Usage, UsageLimits};
    use std::net::SocketAddr;
    use std::sync::Arc;
    use std::time::Instant;

    pub fn turn_packet(data: &[u8]) {
        let rules = Rules::new(
            Arc::new(Authenticator {
                secret: TurnSecret::new("fuzz"),
            }),
            "confab".into(),
            Arc::new(PeerPolicy::allowing(Vec::new())),
            Arc::new(Usage::new(UsageLimits {
                allocations: Some(4),
                bytes_per_second: Some(1000),
                allocations_per_address: Some(4),
            })),
        );
        let from = SocketAddr::from(([192, 0, 2, 1], 40000));
        let now = Instant::now();
        // The input, then each of its suffixes that starts a new packet, as a client would send.
        for packet in data.split(|&b| b == 0xff).take(64) {
            match rules.judge(packet, from, now) {
                Verdict::Pass => {
                    let first = packet.first().copied().unwrap_or(0);
                    assert!(
                        first < 0x40,
                        "relayed data from a client with no allocation passed"
                    );
                    assert_ne!(
                        packet.get(..2),
                        Some(&[0x00, 0x16][..]),
                        "a Send indication from a client with no allocation passed"
                    );
                }
                Verdict::Drop => {}
                Verdict::Reply(answer) => {
                    let mut message = stun::message::Message::new();
                    message
                        .unmarshal_binary(&answer)
                        .expect("the gate's answers are STUN");
                    assert_eq!(
                        message.typ.class,
                        stun::message::CLASS_ERROR_RESPONSE,
                        "the gate only refuses or challenges"
                    );
                    assert_eq!(&message.transaction_id.0[..], &packet[8..20]);
                }
                Verdict::Inject(request) => {
                    // The engine's answer to the gate's own request carries the next nonce.
                    let mut message = stun::message::Message::new();
                    message
                        .unmarshal_binary(&request)
                        .expect("own requests are STUN");
                    let nonce = format!("nonce-{}", rand_like(packet));
                    let answer = challenge_with(&message, &nonce);
                    assert!(!rules.learn(&answer, "0.0.0.0:0".parse().unwrap()));
                }
            }
            assert!(rules.nonces_held_by_engine() <= 3);
        }
    }

    fn rand_like(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf29ce484222325, |h, &b| {
            (h ^ u64::from(b)).wrapping_mul(0x100000001b3)
        })
    }

    /// The 401 the engine answers a request of the gate's with.
    fn challenge_with(request: &stun::message::Message, nonce: &str) -> Vec<u8> {
        use stun::message::{CLASS_ERROR_RESPONSE, MessageType, Setter};
        let setters: Vec<Box<dyn Setter>> = vec![
            Box::new(stun::message::Message {
                transaction_id: request.transaction_id,
                ..Default::default()
            }),
            Box::new(MessageType::new(request.typ.method, CLASS_ERROR_RESPONSE)),
            Box::new(stun::error_code::ErrorCodeAttribute {
                code: stun::error_code::CODE_UNAUTHORIZED,
                reason: Vec::new(),
            }),
            Box::new(stun::textattrs::TextAttribute::new(
                stun::attributes::ATTR_NONCE,
                nonce.to_owned(),
            )),
        ];
        let mut answer = stun::message::Message::new();
        answer.build(&setters).unwrap();
        answer.raw
    }
}

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

/// [`clean_name`]: no control or invisible formatting characters, whitespace trimmed and collapsed to single spaces, at
/// most [`MAX_NAME_CHARS`], never empty; cleaning again changes nothing.
fn assert_clean_name(raw: &str) {
    let name = clean_name(raw);
    assert!(!name.is_empty(), "empty name from {raw:?}");
    assert!(name.chars().count() <= MAX_NAME_CHARS, "{name:?} too long");
    assert!(!name.chars().any(char::is_control), "control in {name:?}");
    assert!(
        !name.chars().any(is_invisible_format),
        "invisible formatting in {name:?}"
    );
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
        !name.chars().any(is_invisible_format),
        "invisible formatting in {name:?}"
    );
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
