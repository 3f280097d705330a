//! The core's vocabulary: what happens to it ([`Input`]) and what it asks its shell to do
//! ([`Action`]).

use crate::call::{CallPhase, Timer};
use crate::i18n::Text;
use crate::protocol::{
    ClientMessage, IceConfig, MediaState, PeerId, PeerInfo, Reaction, Resume, RoomSettings,
    ServerMessage, Signal,
};
use crate::state::problem::Problem;

/// Negotiation between this page's connection to the server and the server's forwarding unit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerSdp {
    /// An offer.
    Offer(String),
    /// An answer.
    Answer(String),
}

/// What the shell is told to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Open the signaling connection (report [`Input::SignalingOpen`] or
    /// [`Input::SignalingClosed`]).
    OpenSignaling,
    /// Close it, quietly.
    CloseSignaling,
    /// Send this to the server.
    Send(ClientMessage),
    /// Fetch the ICE configuration with this proof of membership (report
    /// [`Input::IceFetched`]).
    FetchIce(Resume),
    /// Use this ICE configuration for connections made from now on.
    UseIce(IceConfig),
    /// Feed [`Input::Timer`] back after this many milliseconds.
    Wake {
        /// The wait.
        after_ms: u32,
        /// What for.
        timer: Timer,
    },
    /// Show a participant.
    AddTile(PeerInfo),
    /// Update a participant's announced media.
    TileMedia(PeerId, MediaState),
    /// A participant's hand (ours too) went up, taking this place among raised hands, or down.
    Hand(PeerId, Option<u64>),
    /// Show a participant's (or our own) reaction for a moment.
    Reaction(PeerId, Reaction),
    /// For the host: these wait to be let in.
    Waiting(Vec<PeerInfo>),
    /// Remove a participant (and everything going to or from it: `why` says why, for transfers
    /// under way).
    RemoveTile {
        /// Who.
        peer: PeerId,
        /// Why, as a sentence.
        why: Text,
    },
    /// Remove every participant and connection (the server did not take us back as ourselves).
    ClearPeers,
    /// Open the connection to the server's forwarding unit, replacing any before it; it makes
    /// the first offer (report [`Input::ServerMedia`]).
    ConnectServer,
    /// Hand the connection to the server what the forwarding unit sent.
    DeliverMedia(ServerSdp),
    /// Close every direct connection, keeping the tiles (the room's media now goes through the
    /// server).
    DropPeerLinks,
    /// Show what the connection to the server receives of this participant rather than what
    /// the direct connection to them (still open, for a while) does.
    ShowServerMedia(PeerId),
    /// Close the connection to the server (the room's media goes directly again).
    DropServerLink,
    /// Who is speaking among the participants, as the forwarding unit judged it (in a room whose
    /// media goes through it).
    Speakers {
        /// Those speaking now.
        speaking: Vec<PeerId>,
        /// Who spoke last (still speaking or not).
        active: Option<PeerId>,
    },
    /// Show a chat message the server relayed (in a room whose media goes through it).
    Chat {
        /// From whom.
        from: PeerId,
        /// The text.
        text: String,
        /// Sent to us only.
        private: bool,
        /// When it was sent (milliseconds since the Unix epoch, sender's clock).
        sent_at: u64,
    },
    /// Open a connection to a participant; we make the offer with `we_offer`, and yield in a
    /// collision with `polite`.
    Connect {
        /// Who.
        peer: PeerId,
        /// We offer (they were in the room before us).
        we_offer: bool,
        /// We yield when offers collide (we joined later).
        polite: bool,
    },
    /// Hand negotiation data from a participant to its connection.
    Deliver {
        /// From whom.
        from: PeerId,
        /// What.
        signal: Signal,
    },
    /// Close every connection.
    CloseAll,
    /// The room's host, lock and password changed.
    Settings(RoomSettings),
    /// The page shows this phase.
    Phase(CallPhase),
    /// Our id in the room (`None`: not in a room).
    Me(Option<PeerId>),
    /// A sentence for the person, or none.
    Alert(Option<Text>),
    /// Show a short notice that goes away by itself ("Ada joined").
    Toast(Text),
    /// Show (or clear) a problem screen in place of the lobby or the call.
    Problem(Option<Problem>),
    /// The server is away and we are trying to reach it.
    Reconnecting(bool),
    /// The lobby should ask for the meeting password.
    NeedsPassword(bool),
}

/// What happened.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// The person clicked Join.
    Join,
    /// The signaling connection opened.
    SignalingOpen,
    /// A message from the server.
    Server(ServerMessage),
    /// The signaling connection closed (or could not open: 1006), with a random number in
    /// [0, 1) for the retry's jitter.
    SignalingClosed {
        /// The WebSocket close code.
        code: u16,
        /// Jitter for the retry delay.
        jitter: f64,
    },
    /// The ICE configuration arrived (`None`: the server did not give one).
    IceFetched(Option<IceConfig>),
    /// A timer the core asked for went off.
    Timer(Timer),
    /// The connection to the server's forwarding unit has negotiation data for it.
    ServerMedia(ServerSdp),
    /// The connection to the server receives this participant's media.
    ServerCarries(PeerId),
    /// The participants whose video the page does not show now (their tiles are off screen, or
    /// the tab is hidden).
    HiddenVideo(Vec<PeerId>),
    /// The person sent a chat message in a room whose media goes through the server (with
    /// direct connections, chat goes over them instead).
    Chat {
        /// The one participant it is for, if private.
        to: Option<PeerId>,
        /// The text, already checked.
        text: String,
        /// When (milliseconds since the Unix epoch).
        sent_at: u64,
    },
    /// A connection of ours has negotiation data for its participant.
    Outgoing {
        /// For whom.
        to: PeerId,
        /// What.
        signal: Signal,
    },
    /// The person changed what they send.
    Media(MediaState),
    /// Host only: lock or unlock.
    Lock(bool),
    /// Host only: set or remove the password.
    SetPassword(Option<String>),
    /// Host only: remove a participant.
    Remove(PeerId),
    /// The person raised (`true`) or lowered their hand.
    Hand(bool),
    /// Host only: lower a participant's hand.
    LowerHand(PeerId),
    /// The person sent a reaction.
    React(Reaction),
    /// Host only: ask a participant to turn their microphone on.
    AskToUnmute(PeerId),
    /// Host only: make newcomers wait to be let in, or not.
    SetWaitingRoom(bool),
    /// Host only: let someone waiting in.
    Admit(PeerId),
    /// Host only: let everyone waiting in.
    AdmitAll,
    /// Host only: turn someone waiting away.
    Deny(PeerId),
    /// The person left (Leave, closing the tab).
    Leave,
}
