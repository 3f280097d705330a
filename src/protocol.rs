//! The signaling protocol spoken between the browser and the server, shared by both sides.
//!
//! Every frame is one JSON text message. The browser sends [`ClientMessage`]s; the server answers
//! with [`ServerMessage`]s. The server assigns each connection its [`PeerId`] and stamps it on
//! everything it relays, so a client can never speak for another peer.
//!
//! ## Flow
//! 1. The client sends [`ClientMessage::Join`]; the server answers [`ServerMessage::Welcome`] with
//!    the peers already in the room, and tells each of them [`ServerMessage::PeerJoined`].
//! 2. The newcomer offers to every peer already there; offers, answers and ICE candidates travel as
//!    [`ClientMessage::Signal`] addressed to one peer and arrive as [`ServerMessage::Signal`].
//! 3. [`ClientMessage::Leave`] or a closed connection makes the server tell the room
//!    [`ServerMessage::PeerLeft`].
//!
//! What browsers then say to each other directly (chat, files) is in [`data`].

pub mod data;
mod reaction;
pub mod received;

pub use reaction::Reaction;

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Largest signaling message accepted, in bytes. A larger one closes the connection with 1009.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024;

/// Longest display name kept, in characters.
pub const MAX_NAME_CHARS: usize = 64;

/// Longest room password accepted, in characters.
pub const MAX_PASSWORD_CHARS: usize = 128;

/// WebSocket close code sent for a message over [`MAX_MESSAGE_BYTES`] (RFC 6455 "message too big").
pub const CLOSE_MESSAGE_TOO_BIG: u16 = 1009;

/// WebSocket close code sent when the server shuts down or restarts (RFC 6455 "going away").
/// Clients reconnect and resume.
pub const CLOSE_GOING_AWAY: u16 = 1001;

/// WebSocket close code for a connection that broke the server's rules (RFC 6455 "policy
/// violation"): sustained flooding, or removal by the host. Clients do not reconnect.
pub const CLOSE_POLICY: u16 = 1008;

/// WebSocket close code for a connection refused because the server is at capacity (RFC 6455
/// "try again later").
pub const CLOSE_TRY_AGAIN_LATER: u16 = 1013;

/// Path of the signaling WebSocket route.
pub const SIGNALING_PATH: &str = "/signal";

/// A server-assigned identifier of one connection in one room.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PeerId(pub u64);

impl fmt::Display for PeerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "p{}", self.0)
    }
}

impl FromStr for PeerId {
    type Err = std::num::ParseIntError;

    /// Reads what [`fmt::Display`] writes (`p7`): the forwarding unit names each participant's
    /// media streams so.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.strip_prefix('p').unwrap_or("").parse().map(PeerId)
    }
}

/// A room identifier: 128 random bits written as 26 lowercase base32 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RoomId(String);

/// Why a string is not a [`RoomId`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a meeting code is 26 letters and digits (a-z, 2-7)")]
pub struct InvalidRoomId;

/// The base32 alphabet of RFC 4648, lowercase: easy to read aloud, no 0/1/8/9 to confuse.
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Characters in a [`RoomId`]: 128 bits at 5 bits per character, rounded up.
pub const ROOM_ID_CHARS: usize = 26;

impl RoomId {
    /// Encodes 16 random bytes as a room id.
    pub fn from_random_bytes(bytes: [u8; 16]) -> Self {
        let value = u128::from_be_bytes(bytes);
        let id = (0..ROOM_ID_CHARS)
            .map(|i| {
                let shift = 5 * (ROOM_ID_CHARS - 1 - i);
                BASE32[((value >> shift) & 0x1f) as usize] as char
            })
            .collect();
        RoomId(id)
    }

    /// The id as it appears in a link.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Finds a room id in what a person pasted: a bare code or a whole meeting link.
    pub fn from_link_or_code(input: &str) -> Result<Self, InvalidRoomId> {
        let trimmed = input.trim().trim_end_matches('/');
        let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
        let last = last.split(['?', '#']).next().unwrap_or(last);
        last.to_ascii_lowercase().parse()
    }
}

impl FromStr for RoomId {
    type Err = InvalidRoomId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        // 26 * 5 = 130 bits: the first character carries only the top 3 bits (a-h).
        let well_formed = s.len() == ROOM_ID_CHARS
            && s.bytes().all(|b| BASE32.contains(&b))
            && (BASE32
                .iter()
                .position(|&c| c == s.as_bytes()[0])
                .unwrap_or(32)
                < 8);
        if well_formed {
            Ok(RoomId(s.to_owned()))
        } else {
            Err(InvalidRoomId)
        }
    }
}

impl TryFrom<String> for RoomId {
    type Error = InvalidRoomId;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<RoomId> for String {
    fn from(id: RoomId) -> Self {
        id.0
    }
}

impl fmt::Display for RoomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a participant is sending, as they announce it. Kept by the server so that people who
/// join later see it too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MediaState {
    /// The microphone is on (not muted).
    pub audio: bool,
    /// The camera is on.
    pub video: bool,
    /// The outgoing video is a shared screen.
    pub screen: bool,
}

impl Default for MediaState {
    fn default() -> Self {
        MediaState {
            audio: true,
            video: true,
            screen: false,
        }
    }
}

/// A peer as the other members of its room see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeerInfo {
    /// Server-assigned id.
    pub id: PeerId,
    /// Display name, already cleaned by the server.
    pub name: String,
    /// What they are sending.
    #[serde(default)]
    pub media: MediaState,
    /// Their hand is up: a number that orders the room's raised hands (the lowest went up
    /// first). Absent while it is down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand: Option<u64>,
}

/// WebRTC negotiation data, relayed verbatim between two peers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// An SDP offer or answer.
    Description {
        /// `offer`, `answer`, `pranswer` or `rollback`.
        sdp_type: SdpType,
        /// The session description.
        sdp: String,
    },
    /// A trickled ICE candidate.
    Candidate {
        /// The candidate line.
        candidate: String,
        /// Media stream identification tag the candidate belongs to.
        sdp_mid: Option<String>,
        /// Index of the m-line the candidate belongs to.
        sdp_m_line_index: Option<u16>,
    },
}

/// The type of an SDP description.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SdpType {
    /// An offer.
    Offer,
    /// An answer.
    Answer,
    /// A provisional answer.
    Pranswer,
    /// Undo of a pending offer.
    Rollback,
}

/// A message from the browser to the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    /// Enter a room under a display name.
    Join {
        /// The room to enter.
        room: RoomId,
        /// The name shown to the others.
        name: String,
        /// What we will be sending.
        #[serde(default)]
        media: MediaState,
        /// Our hand is up (we are coming back with it raised).
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        hand: bool,
        /// The room's password, if it has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        password: Option<String>,
        /// Come back as the participant we were before the connection dropped (or the server
        /// restarted), so the others keep our tile and connection.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        resume: Option<Resume>,
    },
    /// Host only: let nobody new in (`true`), or open the room again.
    Lock {
        /// Whether the room is locked.
        locked: bool,
    },
    /// Host only: require a password to join from now on, or (`None`) no longer.
    SetPassword {
        /// The new password.
        password: Option<String>,
    },
    /// Host only: make newcomers wait for the host to let them in (`true`), or not; turning it
    /// off lets in everyone waiting.
    SetWaitingRoom {
        /// Whether newcomers wait.
        on: bool,
    },
    /// Host only: let someone waiting in.
    Admit {
        /// Whom.
        id: PeerId,
    },
    /// Host only: let everyone waiting in (as many as the room has places for).
    AdmitAll,
    /// Host only: turn someone waiting away.
    Deny {
        /// Whom.
        id: PeerId,
    },
    /// Host only: remove a participant from the room.
    Remove {
        /// Who to remove.
        id: PeerId,
    },
    /// Tell the room our microphone, camera or screen-share state changed.
    Media {
        /// The new state.
        state: MediaState,
    },
    /// Raise our hand (`true`) or lower it.
    Hand {
        /// Whether it is up.
        raised: bool,
    },
    /// Host only: lower someone's hand.
    LowerHand {
        /// Whose.
        id: PeerId,
    },
    /// Send a reaction to everyone in the room (limited to a few a second).
    React {
        /// Which.
        reaction: Reaction,
    },
    /// Host only: ask someone whose microphone is off to turn it on. Only they can.
    AskToUnmute {
        /// Whom.
        id: PeerId,
    },
    /// Send negotiation data to one peer of the same room.
    Signal {
        /// The peer to deliver to.
        to: PeerId,
        /// What to deliver.
        signal: Signal,
    },
    /// An offer to the server's forwarding unit (meetings too large for every browser to send
    /// to every other): the first joins the room's media over one connection to the server,
    /// later ones change what this browser publishes. Answered with
    /// [`ServerMessage::MediaAnswer`].
    MediaOffer {
        /// The session description.
        sdp: String,
    },
    /// The answer to the unit's [`ServerMessage::MediaOffer`].
    MediaAnswer {
        /// The session description.
        sdp: String,
    },
    /// In a room whose media goes through the server: the participants whose video this page
    /// does not show now (off screen, or the tab is hidden), replacing the last such list. The
    /// server stops sending their video (never their sound) until a later list leaves them out.
    PauseVideo {
        /// Whose video not to send (at most as many as a meeting holds).
        peers: Vec<PeerId>,
    },
    /// In a room whose media goes through the server (there are no direct connections to
    /// carry it): a chat message for everyone, or for one participant. Relayed, never stored.
    Chat {
        /// The one participant it is for, if it is private.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<PeerId>,
        /// The text (at most [`data::MAX_CHAT_CHARS`] characters).
        text: String,
        /// When it was sent, in milliseconds since the Unix epoch (sender's clock).
        sent_at: u64,
    },
    /// Leave the room; the connection stays open and may join again.
    Leave,
}

/// A message from the server to the browser.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerMessage {
    /// The join succeeded.
    Welcome {
        /// Your id in this room.
        you: PeerId,
        /// Everyone already in the room, to whom you should offer.
        peers: Vec<PeerInfo>,
        /// Proof of identity for [`ClientMessage::Join`]'s `resume`, valid across restarts.
        resume_token: String,
        /// Who hosts the room and how it is protected.
        settings: RoomSettings,
        /// This join resumed an earlier presence: keep existing connections.
        #[serde(default)]
        resumed: bool,
        /// Your ICE configuration, so that connections can start without asking for it (absent
        /// from servers that do not send it: then it is fetched, see `api::fetch_ice_config`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        ice: Option<IceConfig>,
    },
    /// A fresh resume token, replacing the one from [`ServerMessage::Welcome`] before it
    /// expires; sent now and then while the connection stays up.
    ResumeToken {
        /// The new token.
        resume_token: String,
    },
    /// The room's host, lock or password changed.
    Settings {
        /// The room's settings now.
        settings: RoomSettings,
    },
    /// Someone entered your room; they will send you an offer.
    PeerJoined {
        /// Who entered.
        peer: PeerInfo,
    },
    /// Someone in your room turned their microphone, camera or screen share on or off.
    PeerMedia {
        /// Who.
        id: PeerId,
        /// Their new state.
        state: MediaState,
    },
    /// Someone in the room (you included) raised or lowered their hand, or the host lowered it.
    PeerHand {
        /// Whose hand.
        id: PeerId,
        /// Its place among raised hands, or `None`: down.
        hand: Option<u64>,
    },
    /// Someone in the room (you included) reacted.
    Reaction {
        /// Who, as stamped by the server.
        from: PeerId,
        /// The reaction.
        reaction: Reaction,
    },
    /// The host asks you to turn your microphone on.
    UnmuteAsked,
    /// Instead of a welcome: the room admits people manually, and you wait for the host. Nothing
    /// of the room reaches you until it lets you in (a welcome) or turns you away
    /// ([`ErrorCode::Denied`]).
    Waiting,
    /// To the host: who waits to be let in, in order of arrival (sent whenever it changes).
    Knocking {
        /// Those waiting (their id and name).
        waiting: Vec<PeerInfo>,
    },
    /// Someone left your room.
    PeerLeft {
        /// Who left.
        id: PeerId,
    },
    /// Negotiation data from another peer of your room.
    Signal {
        /// The sender, as stamped by the server.
        from: PeerId,
        /// What they sent.
        signal: Signal,
    },
    /// The forwarding unit's answer to this browser's [`ClientMessage::MediaOffer`].
    MediaAnswer {
        /// The session description.
        sdp: String,
    },
    /// The forwarding unit offers a change (others' tracks to receive, or to stop): answer
    /// with [`ClientMessage::MediaAnswer`].
    MediaOffer {
        /// The session description.
        sdp: String,
    },
    /// The connection to the forwarding unit ended; a new [`ClientMessage::MediaOffer`] joins
    /// the room's media again.
    MediaEnded,
    /// Who is speaking, judged by the forwarding unit from the audio it carries (rooms whose
    /// media goes through the server); sent when it changes.
    Speakers {
        /// Those speaking now.
        speaking: Vec<PeerId>,
        /// The active speaker: speaking now, or the last who did.
        active: Option<PeerId>,
    },
    /// A chat message relayed from another participant ([`ClientMessage::Chat`]).
    Chat {
        /// The sender, as stamped by the server.
        from: PeerId,
        /// The text.
        text: String,
        /// Sent to this participant only.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        private: bool,
        /// When it was sent, in milliseconds since the Unix epoch (sender's clock).
        sent_at: u64,
    },
    /// A request was refused; the connection stays open.
    Error {
        /// What went wrong, for programs.
        code: ErrorCode,
        /// What went wrong, for people.
        message: String,
    },
}

/// How a participant comes back after losing the connection: its old id and the token the server
/// gave it in [`ServerMessage::Welcome`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resume {
    /// The id we had.
    pub id: PeerId,
    /// The server's proof that the id was ours.
    pub token: String,
}

/// How a room's media travels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaRoute {
    /// Every browser sends to every other directly.
    #[default]
    Mesh,
    /// Every browser sends once, to the server's forwarding unit, which sends it on: one
    /// connection per browser, whatever the room's size.
    Sfu,
}

/// Who hosts a room and how it is protected, as every member sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomSettings {
    /// The host: the longest-present member, who may lock the room, set a password and remove
    /// people.
    pub host: Option<PeerId>,
    /// Nobody new may join.
    pub locked: bool,
    /// Joining needs a password.
    pub password: bool,
    /// Newcomers wait until the host lets them in.
    #[serde(default)]
    pub waiting_room: bool,
    /// How the room's media travels.
    #[serde(default)]
    pub media: MediaRoute,
}

/// Machine-readable reasons a request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The frame was not a valid [`ClientMessage`].
    BadMessage,
    /// The room already holds its maximum number of peers.
    RoomFull,
    /// The connection has already joined a room.
    AlreadyJoined,
    /// The request needs a joined room first.
    NotInRoom,
    /// The addressed peer is not in your room.
    UnknownPeer,
    /// The addressed peer is away and already has as much waiting for it as the server keeps.
    PeerBusy,
    /// This connection sends too fast; the message was dropped.
    RateLimited,
    /// The server holds as many connections as it may.
    ServerFull,
    /// The server holds as many rooms as it may.
    TooManyRooms,
    /// The room needs a password and none was given.
    PasswordRequired,
    /// The password given is wrong.
    WrongPassword,
    /// Too many wrong passwords for this room: wait before trying again.
    TooManyGuesses,
    /// The room is locked.
    RoomLocked,
    /// Only the host may do that.
    NotHost,
    /// The host removed you from the room.
    Removed,
    /// The request is not valid (e.g. a password that is too long).
    Invalid,
    /// The connection stayed without joining a room for too long.
    JoinTimeout,
    /// This client's network holds as many connections or meetings on this server as one may.
    SourceLimit,
    /// The same request came too often in a short time; wait a few seconds.
    TooFast,
    /// The server is too busy to do that now; try again in a moment.
    Busy,
    /// The host did not let you in.
    Denied,
}

impl ErrorCode {
    /// The message id of the sentence a person is shown (`locales/*.ftl`).
    pub fn key(self) -> &'static str {
        match self {
            ErrorCode::BadMessage => "error-bad-message",
            ErrorCode::RoomFull => "error-room-full",
            ErrorCode::AlreadyJoined => "error-already-joined",
            ErrorCode::NotInRoom => "error-not-in-room",
            ErrorCode::UnknownPeer => "error-unknown-peer",
            ErrorCode::PeerBusy => "error-peer-busy",
            ErrorCode::RateLimited => "error-rate-limited",
            ErrorCode::ServerFull => "error-server-full",
            ErrorCode::TooManyRooms => "error-too-many-rooms",
            ErrorCode::PasswordRequired => "error-password-required",
            ErrorCode::WrongPassword => "error-wrong-password",
            ErrorCode::TooManyGuesses => "error-too-many-guesses",
            ErrorCode::RoomLocked => "error-room-locked",
            ErrorCode::NotHost => "error-not-host",
            ErrorCode::Removed => "error-removed",
            ErrorCode::Invalid => "error-invalid",
            ErrorCode::JoinTimeout => "error-join-timeout",
            ErrorCode::SourceLimit => "error-source-limit",
            ErrorCode::TooFast => "error-too-fast",
            ErrorCode::Busy => "error-busy",
            ErrorCode::Denied => "error-denied",
        }
    }

    /// The sentence a person is shown, as data for the page's language.
    pub fn text(self) -> crate::i18n::Text {
        crate::i18n::Text::new(self.key())
    }
}

impl ServerMessage {
    /// Builds an error reply whose message is the code's sentence.
    pub fn error(code: ErrorCode) -> Self {
        ServerMessage::Error {
            code,
            message: code.text().english(),
        }
    }
}

/// Whether `c` is an invisible formatting character that can make text look like other text:
/// bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069, which turn
/// `invoice\u{202E}gpj.exe` into what reads as "invoiceexe.jpg"), marks (U+200E, U+200F,
/// U+061C), zero-width spaces and joiners that hide inside a name (U+200B, U+2060–U+2064,
/// U+FEFF), soft hyphens, deprecated format characters, interlinear annotations and tag
/// characters. The zero-width (non-)joiner U+200C/U+200D stay: scripts and emoji need them.
pub fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}' | '\u{200E}' | '\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206F}'
        | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}' | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E007F}')
}

/// Cleans a display name: control and invisible formatting characters removed
/// ([`is_invisible_format`]), whitespace trimmed and collapsed, length capped at
/// [`MAX_NAME_CHARS`]; an empty result becomes "Guest".
pub fn clean_name(raw: &str) -> String {
    let visible: String = raw.chars().filter(|&c| !is_invisible_format(c)).collect();
    let words: Vec<&str> = visible
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect();
    let name: String = words.join(" ").chars().take(MAX_NAME_CHARS).collect();
    let name = name.trim_end().to_owned();
    if name.is_empty() {
        "Guest".to_owned()
    } else {
        name
    }
}

/// A participant's ICE configuration, sent with the welcome and fetched again before its TURN
/// credentials expire.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceConfig {
    /// STUN/TURN servers, with this participant's TURN credentials.
    pub servers: Vec<IceServer>,
    /// Use relayed candidates only (`iceTransportPolicy: "relay"`): nobody learns anybody's
    /// address, at the cost of relaying every call.
    pub relay_only: bool,
    /// Ask again after this many seconds, before the credentials expire (`None`: they don't).
    pub refresh_after_seconds: Option<u32>,
}

/// One entry of the ICE server list handed to `RTCPeerConnection`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IceServer {
    /// `stun:` / `turn:` / `turns:` URLs.
    pub urls: Vec<String>,
    /// TURN username, if the server needs one.
    pub username: Option<String>,
    /// TURN credential, if the server needs one.
    pub credential: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room() -> RoomId {
        RoomId::from_random_bytes([7; 16])
    }

    #[test]
    fn room_id_has_26_base32_chars_and_parses_back() {
        for bytes in [[0u8; 16], [0xff; 16], [0x5a; 16]] {
            let id = RoomId::from_random_bytes(bytes);
            assert_eq!(id.as_str().len(), ROOM_ID_CHARS);
            assert_eq!(id.as_str().parse::<RoomId>(), Ok(id.clone()));
        }
    }

    #[test]
    fn room_id_keeps_all_128_bits() {
        let a = RoomId::from_random_bytes([0; 16]);
        let mut one = [0u8; 16];
        one[15] = 1;
        let b = RoomId::from_random_bytes(one);
        let mut top = [0u8; 16];
        top[0] = 0x80;
        let c = RoomId::from_random_bytes(top);
        assert_ne!(a, b);
        assert_ne!(a, c);
        assert_ne!(b, c);
    }

    #[test]
    fn room_id_rejects_wrong_length_alphabet_and_overflow() {
        for bad in [
            "",
            "abc",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "aaaaaaaaaaaaaaaaaaaaaaaaa1",
            "AAAAAAAAAAAAAAAAAAAAAAAAAA",
            "zaaaaaaaaaaaaaaaaaaaaaaaaa",
            "../../etc/passwd",
        ] {
            assert_eq!(bad.parse::<RoomId>(), Err(InvalidRoomId), "{bad:?}");
        }
    }

    #[test]
    fn room_id_is_found_in_a_pasted_link() {
        let id = room();
        let link = format!("https://confab.example:3000/room/{id}?x=1#y");
        assert_eq!(RoomId::from_link_or_code(&link), Ok(id.clone()));
        assert_eq!(
            RoomId::from_link_or_code(&format!("  {id}/ ")),
            Ok(id.clone())
        );
        assert_eq!(
            RoomId::from_link_or_code(&id.as_str().to_uppercase()),
            Ok(id)
        );
        assert!(RoomId::from_link_or_code("https://example.com/").is_err());
    }

    #[test]
    fn client_messages_round_trip_through_json() {
        let messages = [
            ClientMessage::Join {
                room: room(),
                name: "Ada".into(),
                media: MediaState::default(),
                hand: false,
                password: None,
                resume: None,
            },
            ClientMessage::Join {
                room: room(),
                name: "Ada".into(),
                media: MediaState::default(),
                hand: false,
                password: Some("pw".into()),
                resume: Some(Resume {
                    id: PeerId(9),
                    token: "ab".repeat(32),
                }),
            },
            ClientMessage::Lock { locked: true },
            ClientMessage::SetPassword { password: None },
            ClientMessage::Remove { id: PeerId(2) },
            ClientMessage::Media {
                state: MediaState {
                    audio: false,
                    video: true,
                    screen: true,
                },
            },
            ClientMessage::Signal {
                to: PeerId(3),
                signal: Signal::Description {
                    sdp_type: SdpType::Offer,
                    sdp: "v=0\r\n".into(),
                },
            },
            ClientMessage::Signal {
                to: PeerId(4),
                signal: Signal::Candidate {
                    candidate: "candidate:1 1 udp 1 127.0.0.1 9 typ host".into(),
                    sdp_mid: Some("0".into()),
                    sdp_m_line_index: Some(0),
                },
            },
            ClientMessage::Hand { raised: true },
            ClientMessage::LowerHand { id: PeerId(4) },
            ClientMessage::React {
                reaction: Reaction::Heart,
            },
            ClientMessage::AskToUnmute { id: PeerId(4) },
            ClientMessage::SetWaitingRoom { on: true },
            ClientMessage::Admit { id: PeerId(4) },
            ClientMessage::AdmitAll,
            ClientMessage::Deny { id: PeerId(4) },
            ClientMessage::Leave,
        ];
        for message in messages {
            let json = serde_json::to_string(&message).unwrap();
            assert_eq!(
                serde_json::from_str::<ClientMessage>(&json).unwrap(),
                message
            );
        }
    }

    #[test]
    fn a_welcome_from_a_server_that_sends_no_ice_configuration_still_reads() {
        let json = r#"{"type":"welcome","you":1,"peers":[],"resume_token":"t","settings":{"host":1,"locked":false,"password":false}}"#;
        let Ok(ServerMessage::Welcome { ice, resumed, .. }) = serde_json::from_str(json) else {
            panic!("not read: {json}");
        };
        assert_eq!((ice, resumed), (None, false));
    }

    #[test]
    fn server_messages_round_trip_through_json() {
        let messages = [
            ServerMessage::Welcome {
                you: PeerId(1),
                peers: vec![PeerInfo {
                    id: PeerId(2),
                    name: "Grace".into(),
                    media: MediaState::default(),
                    hand: Some(3),
                }],
                resume_token: "00".repeat(32),
                settings: RoomSettings {
                    host: Some(PeerId(2)),
                    locked: false,
                    password: true,
                    waiting_room: true,
                    media: MediaRoute::Sfu,
                },
                resumed: false,
                ice: Some(IceConfig {
                    servers: vec![IceServer {
                        urls: vec!["turn:meet.example.org:3478".into()],
                        username: Some("1700000000:p2".into()),
                        credential: Some("secret".into()),
                    }],
                    relay_only: false,
                    refresh_after_seconds: Some(1800),
                }),
            },
            ServerMessage::Settings {
                settings: RoomSettings::default(),
            },
            ServerMessage::PeerJoined {
                peer: PeerInfo {
                    id: PeerId(5),
                    name: "Linus".into(),
                    media: MediaState {
                        audio: false,
                        video: false,
                        screen: false,
                    },
                    hand: None,
                },
            },
            ServerMessage::PeerMedia {
                id: PeerId(5),
                state: MediaState::default(),
            },
            ServerMessage::PeerLeft { id: PeerId(5) },
            ServerMessage::PeerHand {
                id: PeerId(5),
                hand: Some(1),
            },
            ServerMessage::Reaction {
                from: PeerId(5),
                reaction: Reaction::Clap,
            },
            ServerMessage::UnmuteAsked,
            ServerMessage::Waiting,
            ServerMessage::Knocking {
                waiting: vec![PeerInfo {
                    id: PeerId(6),
                    name: "Grace".into(),
                    media: MediaState::default(),
                    hand: None,
                }],
            },
            ServerMessage::Signal {
                from: PeerId(2),
                signal: Signal::Description {
                    sdp_type: SdpType::Answer,
                    sdp: "v=0\r\n".into(),
                },
            },
            ServerMessage::error(ErrorCode::RoomFull),
        ];
        for message in messages {
            let json = serde_json::to_string(&message).unwrap();
            assert_eq!(
                serde_json::from_str::<ServerMessage>(&json).unwrap(),
                message
            );
        }
    }

    #[test]
    fn wire_format_is_tagged_snake_case() {
        let json = serde_json::to_value(ClientMessage::Signal {
            to: PeerId(9),
            signal: Signal::Description {
                sdp_type: SdpType::Offer,
                sdp: "x".into(),
            },
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"type": "signal", "to": 9,
                "signal": {"kind": "description", "sdp_type": "offer", "sdp": "x"}})
        );
    }

    #[test]
    fn decoder_rejects_unknown_types_missing_fields_and_bad_room_ids() {
        for bad in [
            r#"{"type":"shout"}"#,
            r#"{"type":"join","name":"x"}"#,
            r#"{"type":"join","room":"nope","name":"x"}"#,
            r#"{"type":"signal","to":"p1","signal":{"kind":"description"}}"#,
            r#"{"type":"signal","to":1,"from":2}"#,
            "not json",
        ] {
            assert!(serde_json::from_str::<ClientMessage>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn join_without_media_state_means_microphone_and_camera_on() {
        let json = format!(r#"{{"type":"join","room":"{}","name":"x"}}"#, room());
        match serde_json::from_str::<ClientMessage>(&json).unwrap() {
            ClientMessage::Join { media, .. } => assert_eq!(media, MediaState::default()),
            other => panic!("{other:?}"),
        }
        let partial: MediaState = serde_json::from_str(r#"{"audio":false}"#).unwrap();
        assert_eq!(
            partial,
            MediaState {
                audio: false,
                video: true,
                screen: false
            }
        );
    }

    #[test]
    fn names_lose_bidirectional_controls_and_invisible_characters() {
        assert_eq!(clean_name("Ann\u{202E}nimda"), "Annnimda");
        assert_eq!(clean_name("Ad\u{200B}min"), "Admin");
        assert_eq!(clean_name("\u{2066}\u{2069}\u{FEFF}"), "Guest");
        assert_eq!(
            clean_name("👩\u{200D}💻 Zoë"),
            "👩\u{200D}💻 Zoë",
            "joiners that emoji and scripts need stay"
        );
    }

    #[test]
    fn names_are_trimmed_collapsed_stripped_and_capped() {
        assert_eq!(clean_name("  Ada   Lovelace "), "Ada Lovelace");
        assert_eq!(clean_name("Ada\u{0}\u{7}\nLovelace"), "Ada Lovelace");
        assert_eq!(clean_name("\t\r\n"), "Guest");
        assert_eq!(clean_name(&"é".repeat(100)).chars().count(), MAX_NAME_CHARS);
    }
}
