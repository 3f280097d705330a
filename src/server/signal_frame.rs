//! Relaying a signal as the browser wrote it.
//!
//! Most of what the server relays is `signal` messages (SDPs and ICE candidates). Decoding one
//! into [`ClientMessage::Signal`](crate::protocol::ClientMessage::Signal) and encoding the
//! [`ServerMessage::Signal`](crate::protocol::ServerMessage::Signal) again costs the server more
//! than the rest of the relay: the tagged enums are read through an intermediate copy of every
//! field, and every string is unescaped and escaped again. Here the server checks the message
//! against the same rules the typed decoder applies and passes the signal's JSON on unchanged.
//!
//! [`read`] accepts only what the typed decoder accepts, with the same recipient and signal (a
//! test checks this against the typed decoder); anything it is not sure of it leaves to the typed
//! decoder, which also words the error.

use super::outbox::Outbound;
use crate::protocol::{PeerId, SdpType};
use axum::extract::ws::Utf8Bytes;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The parts of a browser's message the fast path looks at. Like the typed decoder, it ignores
/// fields it does not know.
#[derive(Deserialize)]
struct Envelope<'a> {
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    to: Option<PeerId>,
    #[serde(borrow)]
    signal: Option<&'a RawValue>,
}

/// The fields of a [`crate::protocol::Signal`], each checked for its type. The typed decoder
/// ignores the fields of the other kind; this checks them all, so a message it refuses here may
/// still be one the typed decoder takes (it is then handed to that decoder).
#[derive(Deserialize)]
struct SignalShape<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    sdp_type: Option<SdpType>,
    sdp: Option<Text>,
    candidate: Option<Text>,
    // Read only to check their types.
    #[serde(rename = "sdp_mid")]
    _sdp_mid: Option<Text>,
    #[serde(rename = "sdp_m_line_index")]
    _sdp_m_line_index: Option<u16>,
}

/// A JSON string, checked but not kept (an SDP is not copied to be looked at).
struct Text;

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct IsText;
        impl serde::de::Visitor<'_> for IsText {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Text, E> {
                Ok(Text)
            }
        }
        deserializer.deserialize_str(IsText)
    }
}

/// The recipient and the signal's JSON of a `signal` message, if `text` is one the typed decoder
/// would accept; `None` for any other message.
pub fn read(text: &str) -> Option<(PeerId, &RawValue)> {
    let envelope: Envelope = serde_json::from_str(text).ok()?;
    if envelope.kind != "signal" {
        return None;
    }
    let (to, signal) = (envelope.to?, envelope.signal?);
    let shape: SignalShape = serde_json::from_str(signal.get()).ok()?;
    let complete = match shape.kind.as_ref() {
        "description" => shape.sdp_type.is_some() && shape.sdp.is_some(),
        "candidate" => shape.candidate.is_some(),
        _ => false,
    };
    complete.then_some((to, signal))
}

/// The frame the recipient gets: `{"type":"signal","from":…,"signal":…}`, the signal as sent.
pub fn frame(from: PeerId, signal: &RawValue) -> Outbound {
    let from = serde_json::to_string(&from).expect("a peer id serialises");
    let mut text = String::with_capacity(signal.get().len() + from.len() + 32);
    text.push_str(r#"{"type":"signal","from":"#);
    text.push_str(&from);
    text.push_str(r#","signal":"#);
    text.push_str(signal.get());
    text.push('}');
    Outbound::Frame(Utf8Bytes::from(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::{ClientMessage, ServerMessage, Signal};

    /// What the typed decoder makes of `text`, if it is a signal.
    fn typed(text: &str) -> Option<(PeerId, Signal)> {
        match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::Signal { to, signal }) => Some((to, signal)),
            _ => None,
        }
    }

    /// The recipient's view of a frame.
    fn received(frame: Outbound) -> ServerMessage {
        let Outbound::Frame(text) = frame else {
            panic!("not a frame")
        };
        serde_json::from_str(text.as_str()).expect("the recipient can read the frame")
    }

    /// The fast path agrees with the typed decoder: whatever it accepts, the typed decoder
    /// accepts with the same recipient, and the recipient reads the same signal.
    fn agrees(text: &str) -> bool {
        let Some((to, raw)) = read(text) else {
            return false;
        };
        let (typed_to, signal) = typed(text).unwrap_or_else(|| panic!("typed refuses {text}"));
        assert_eq!(to, typed_to, "{text}");
        let from = PeerId(7);
        assert_eq!(
            received(frame(from, raw)),
            ServerMessage::Signal { from, signal },
            "{text}"
        );
        true
    }

    #[test]
    fn signals_the_browser_sends_take_the_fast_path_unchanged() {
        let messages = [
            ClientMessage::Signal {
                to: PeerId(3),
                signal: Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=\"quoted\" \\ é\r\n".into(),
                },
            },
            ClientMessage::Signal {
                to: PeerId(u64::MAX),
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
            },
            ClientMessage::Signal {
                to: PeerId(1),
                signal: Signal::Candidate {
                    candidate: String::new(),
                    sdp_mid: None,
                    sdp_m_line_index: None,
                },
            },
        ];
        for message in messages {
            let text = serde_json::to_string(&message).unwrap();
            assert!(agrees(&text), "{text} should take the fast path");
        }
    }

    proptest::proptest! {
        #[test]
        fn any_signal_a_browser_sends_is_relayed_unchanged(
            to: u64,
            text: String,
            sdp_mid: Option<String>,
            sdp_m_line_index: Option<u16>,
            description: bool,
        ) {
            let signal = if description {
                Signal::Description { sdp_type: SdpType::Answer, sdp: text }
            } else {
                Signal::Candidate { candidate: text, sdp_mid, sdp_m_line_index }
            };
            let message = ClientMessage::Signal { to: PeerId(to), signal };
            let text = serde_json::to_string(&message).unwrap();
            proptest::prop_assert!(agrees(&text));
        }
    }

    #[test]
    fn whatever_the_fast_path_takes_the_typed_decoder_takes_alike() {
        let accepted = [
            // Keys in another order, spaces, fields neither decoder knows.
            r#"{ "signal" : {"sdp":"x","kind":"description","sdp_type":"answer"}, "to":5, "type":"signal", "extra":[1] }"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c","sdp_mid":null,"sdp_m_line_index":null,"later":{}}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"\u0063\n"}}"#,
        ];
        for text in accepted {
            assert!(agrees(text), "{text} should take the fast path");
        }
        // Left to the typed decoder: it refuses most, accepts some, and words the error.
        let left = [
            r#"{"type":"media","state":{}}"#,
            r#"{"type":"signal","signal":{"kind":"candidate","candidate":"c"}}"#,
            r#"{"type":"signal","to":5}"#,
            r#"{"type":"signal","to":"p5","signal":{"kind":"candidate","candidate":"c"}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate"}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"description","sdp":"x"}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"description","sdp_type":"bogus","sdp":"x"}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"other","candidate":"c"}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":1}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c","sdp_m_line_index":70000}}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c","candidate":"d"}}"#,
            r#"{"type":"signal","type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c"}}"#,
            r#"{"type":"signal","to":5,"signal":["candidate"]}"#,
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c"}"#,
            // The typed decoder ignores a field of the other kind; the fast path checks it.
            r#"{"type":"signal","to":5,"signal":{"kind":"candidate","candidate":"c","sdp_type":"bogus"}}"#,
        ];
        for text in left {
            assert!(
                read(text).is_none(),
                "{text} should be left to the typed decoder"
            );
        }
        assert!(typed(left[14]).is_some(), "the typed decoder takes it");
    }
}
