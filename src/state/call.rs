//! What the call UI shows, as reactive state. The browser's call logic ([`crate::client`]) writes
//! it; the components ([`crate::components`]) read it. Rendered the same on both sides.

use crate::i18n::{I18n, Text, use_i18n};
use crate::protocol::{MediaState, PeerId, PeerInfo, RoomSettings};
use crate::state::chat::ChatState;
use crate::state::panel::Panel;
use crate::state::problem::Problem;
use crate::state::quality::{Quality, Sample, is_speaking};
use crate::state::reactions::Reactions;
use crate::state::toasts::Toasts;
use crate::state::transfers::TransferState;
use leptos::prelude::*;
use leptos::reactive::send_wrapper_ext::SendOption;
use std::collections::VecDeque;
use web_sys::{MediaStream, MediaStreamTrack};

/// A media stream, or none, as the page's state holds it (see [`slot`]).
pub type StreamSlot = SendOption<MediaStream>;

/// A browser-only value (a stream, the call, ...), or none, as the page keeps it. The server
/// renders the page too but never has such a value; kept this way, it holds nothing browser-only,
/// which it could not drop on another thread than the one that rendered the page (it may finish
/// sending a page on any).
pub fn slot<T>(value: Option<T>) -> SendOption<T> {
    SendOption::new_local(value)
}

/// Where the person is in a meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// In the lobby, not yet joined.
    Lobby,
    /// Join clicked; waiting for the server, and for our offers to those already in the room.
    Joining,
    /// The meeting admits people manually: waiting for the host to let us in.
    Waiting,
    /// In the call.
    InCall,
    /// Left the call.
    Left,
}

/// A kind of media device a person can choose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeviceKind {
    /// A video input.
    Camera,
    /// An audio input.
    Microphone,
    /// An audio output.
    Speaker,
}

impl DeviceKind {
    /// The message id of the picker's label.
    pub fn label(self) -> &'static str {
        match self {
            DeviceKind::Camera => "device-camera",
            DeviceKind::Microphone => "device-microphone",
            DeviceKind::Speaker => "device-speaker",
        }
    }

    /// The kind in English, for element ids and devices the browser gives no name.
    pub fn noun(self) -> &'static str {
        match self {
            DeviceKind::Camera => "Camera",
            DeviceKind::Microphone => "Microphone",
            DeviceKind::Speaker => "Speaker",
        }
    }
}

/// A device the person can pick.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceOption {
    /// Camera, microphone or speaker.
    pub kind: DeviceKind,
    /// The browser's device id.
    pub id: String,
    /// The name shown.
    pub label: String,
}

/// Which tile: yours or a participant's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TileKey {
    /// Your own camera (or screen).
    You,
    /// A remote participant.
    Peer(PeerId),
}

/// One remote participant's tile.
#[derive(Clone, Copy, Debug)]
pub struct RemoteTile {
    /// Server-assigned id.
    pub id: PeerId,
    /// Display name.
    pub name: StoredValue<String>,
    /// Their incoming media, once a track arrives.
    pub stream: RwSignal<StreamSlot>,
    /// The peer connection's state.
    pub connection: RwSignal<crate::call::link::ConnectionState>,
    /// What they announce they are sending.
    pub media: RwSignal<MediaState>,
    /// Their hand's place among raised hands, while it is up.
    pub hand: RwSignal<Option<u64>>,
    /// Whether they are speaking now.
    pub speaking: RwSignal<bool>,
    /// Whether their tile is on screen (its video is not needed otherwise).
    pub on_screen: RwSignal<bool>,
    /// How well the connection to them is doing, once measured.
    pub quality: RwSignal<Option<Quality>>,
    /// The last minute of the connection's statistics.
    pub history: RwSignal<VecDeque<Sample>>,
}

/// The state of one meeting page.
#[derive(Clone, Copy, Debug)]
pub struct CallState {
    /// Lobby, joining, in call or left.
    pub phase: RwSignal<Phase>,
    /// The camera/microphone stream, once granted.
    pub local_stream: RwSignal<StreamSlot>,
    /// The shared screen (and its sound), while sharing.
    pub screen_stream: RwSignal<StreamSlot>,
    /// Whether asking for the camera and microphone has finished (granted or not).
    pub media_ready: RwSignal<bool>,
    /// Why there is no camera or microphone, as a sentence.
    pub media_problem: RwSignal<Option<Text>>,
    /// A call-level problem (room full, connection lost), as a sentence.
    pub alert: RwSignal<Option<Text>>,
    /// The other participants, in join order.
    pub remotes: RwSignal<Vec<RemoteTile>>,
    /// Our microphone is on (not muted).
    pub mic_on: RwSignal<bool>,
    /// Our camera is on.
    pub camera_on: RwSignal<bool>,
    /// We are sharing a screen instead of the camera.
    pub sharing: RwSignal<bool>,
    /// The devices there are to choose from.
    pub devices: RwSignal<Vec<DeviceOption>>,
    /// The chosen camera's id (empty: the browser's default).
    pub camera_choice: RwSignal<String>,
    /// The chosen microphone's id (empty: the browser's default).
    pub microphone_choice: RwSignal<String>,
    /// The chosen speaker's id (empty: the system default).
    pub speaker_choice: RwSignal<String>,
    /// Our microphone's loudness, 0.0 to 1.0.
    pub mic_level: RwSignal<f64>,
    /// Our id in the room, once welcomed.
    pub me: RwSignal<Option<PeerId>>,
    /// Who hosts the room and how it is protected.
    pub settings: RwSignal<RoomSettings>,
    /// The server connection was lost and is being restored (the call itself goes on).
    pub reconnecting: RwSignal<bool>,
    /// The server asked for the meeting's password.
    pub needs_password: RwSignal<bool>,
    /// The room's chat.
    pub chat: ChatState,
    /// Files sent and received.
    pub transfers: TransferState,
    /// The panel open beside the call, if any.
    pub panel: RwSignal<Option<Panel>>,
    /// The tile shown large, if any.
    pub pinned: RwSignal<Option<TileKey>>,
    /// Who spoke last, as the server judges it (rooms whose media goes through it).
    pub active_speaker: RwSignal<Option<PeerId>>,
    /// Notices that go away by themselves.
    pub toasts: Toasts,
    /// Why the meeting is shown as a problem instead of the lobby or the call.
    pub problem: RwSignal<Option<Problem>>,
    /// Why the camera cannot be used (blocked or missing), as a sentence.
    pub camera_problem: RwSignal<Option<Text>>,
    /// Why the microphone cannot be used (blocked or missing), as a sentence.
    pub mic_problem: RwSignal<Option<Text>>,
    /// Whether the single-key shortcuts (M, V, H) are on.
    pub shortcuts: RwSignal<bool>,
    /// Whether your own camera is shown mirrored, as in a mirror (to you only; never a shared
    /// screen).
    pub mirror: RwSignal<bool>,
    /// Whether the microphone is sent through noise suppression (where it can run).
    pub noise_suppression: RwSignal<bool>,
    /// Whether this browser can run noise suppression.
    pub can_denoise: RwSignal<bool>,
    /// The denoised microphone, sent in place of the raw one while noise suppression runs.
    pub denoised: RwSignal<SendOption<MediaStreamTrack>>,
    /// Whether this browser can share a screen (phones mostly cannot).
    pub can_share_screen: RwSignal<bool>,
    /// Whether the main pointer is a finger (no hovering, no dragging files).
    pub touch: RwSignal<bool>,
    /// Our hand's place among raised hands, while it is up (as the server says).
    pub hand: RwSignal<Option<u64>>,
    /// Reactions floating over tiles.
    pub reactions: Reactions,
    /// For the host: who waits to be let in, in order of arrival.
    pub waiting: RwSignal<Vec<PeerInfo>>,
    /// The page's language, for words the call writes down as they happen (chat notes).
    pub i18n: I18n,
}

impl CallState {
    /// A fresh meeting page in the lobby.
    pub fn new() -> Self {
        CallState {
            i18n: use_i18n(),
            phase: RwSignal::new(Phase::Lobby),
            local_stream: RwSignal::new(slot(None)),
            screen_stream: RwSignal::new(slot(None)),
            media_ready: RwSignal::new(false),
            media_problem: RwSignal::new(None),
            alert: RwSignal::new(None),
            remotes: RwSignal::new(Vec::new()),
            mic_on: RwSignal::new(true),
            camera_on: RwSignal::new(true),
            sharing: RwSignal::new(false),
            devices: RwSignal::new(Vec::new()),
            camera_choice: RwSignal::new(String::new()),
            microphone_choice: RwSignal::new(String::new()),
            speaker_choice: RwSignal::new(String::new()),
            mic_level: RwSignal::new(0.0),
            me: RwSignal::new(None),
            settings: RwSignal::new(RoomSettings::default()),
            reconnecting: RwSignal::new(false),
            needs_password: RwSignal::new(false),
            chat: ChatState::new(),
            transfers: TransferState::new(),
            panel: RwSignal::new(None),
            pinned: RwSignal::new(None),
            active_speaker: RwSignal::new(None),
            toasts: Toasts::new(),
            problem: RwSignal::new(None),
            camera_problem: RwSignal::new(None),
            mic_problem: RwSignal::new(None),
            shortcuts: RwSignal::new(true),
            mirror: RwSignal::new(true),
            noise_suppression: RwSignal::new(true),
            can_denoise: RwSignal::new(false),
            denoised: RwSignal::new(slot(None)),
            can_share_screen: RwSignal::new(false),
            touch: RwSignal::new(false),
            hand: RwSignal::new(None),
            reactions: Reactions::new(),
            waiting: RwSignal::new(Vec::new()),
        }
    }

    /// Opens `panel`, or closes it if it is open (one panel at a time). Chat read marks and the
    /// files panel's waiting count follow.
    pub fn toggle_panel(&self, panel: Panel) {
        self.set_panel(crate::state::panel::toggled(
            self.panel.get_untracked(),
            panel,
        ));
    }

    /// Shows `panel` (or none).
    pub fn set_panel(&self, panel: Option<Panel>) {
        self.panel.set(panel);
        self.chat.set_open(panel == Some(Panel::Chat));
        self.transfers.open.set(panel == Some(Panel::Files));
    }

    /// The tile shown large: the pinned one, else a shared screen (someone else's first).
    pub fn stage(&self) -> Signal<Option<TileKey>> {
        let state = *self;
        Signal::derive(move || {
            if let Some(pinned) = state.pinned.get() {
                let present = match pinned {
                    TileKey::You => true,
                    TileKey::Peer(id) => state.remotes.with(|r| r.iter().any(|t| t.id == id)),
                };
                if present {
                    return Some(pinned);
                }
            }
            let sharing = state
                .remotes
                .with(|r| r.iter().find(|t| t.media.with(|m| m.screen)).map(|t| t.id));
            sharing
                .map(TileKey::Peer)
                .or_else(|| state.sharing.get().then_some(TileKey::You))
        })
    }

    /// What we are sending, as announced to the others.
    pub fn media_state(&self) -> MediaState {
        MediaState {
            audio: self.mic_on.get_untracked(),
            video: self.camera_on.get_untracked(),
            screen: self.sharing.get_untracked(),
        }
    }

    /// The chosen device of a kind (empty: default).
    pub fn choice(&self, kind: DeviceKind) -> RwSignal<String> {
        match kind {
            DeviceKind::Camera => self.camera_choice,
            DeviceKind::Microphone => self.microphone_choice,
            DeviceKind::Speaker => self.speaker_choice,
        }
    }

    /// Whether we are speaking now (microphone on and loud enough).
    pub fn own_speaking(&self) -> Signal<bool> {
        let state = *self;
        Signal::derive(move || state.mic_on.get() && is_speaking(state.mic_level.get()))
    }

    /// What our own tile shows: the shared screen while sharing, else the camera.
    pub fn own_view(&self) -> Signal<StreamSlot> {
        let state = *self;
        Signal::derive(move || {
            if state.sharing.get() {
                state.screen_stream.get()
            } else {
                state.local_stream.get()
            }
        })
    }

    /// Whether we host the room (and so may lock it, set its password and remove people).
    pub fn is_host(&self) -> Signal<bool> {
        let (me, settings) = (self.me, self.settings);
        Signal::derive(move || me.get().is_some() && me.get() == settings.get().host)
    }

    /// Our own media as a reactive value, for our own tile.
    pub fn own_media(&self) -> Signal<MediaState> {
        let state = *self;
        Signal::derive(move || MediaState {
            audio: state.mic_on.get(),
            video: state.camera_on.get(),
            screen: state.sharing.get(),
        })
    }

    /// Adds a tile for a participant, unless there already is one.
    pub fn add_remote(&self, peer: PeerInfo) -> RemoteTile {
        if let Some(tile) = self.remote(peer.id) {
            return tile;
        }
        let tile = RemoteTile {
            id: peer.id,
            name: StoredValue::new(peer.name),
            stream: RwSignal::new(slot(None)),
            connection: RwSignal::new(crate::call::link::ConnectionState::New),
            media: RwSignal::new(peer.media),
            hand: RwSignal::new(peer.hand),
            speaking: RwSignal::new(false),
            on_screen: RwSignal::new(true),
            quality: RwSignal::new(None),
            history: RwSignal::new(VecDeque::new()),
        };
        self.remotes.update(|tiles| tiles.push(tile));
        tile
    }

    /// The tile of a participant.
    pub fn remote(&self, id: PeerId) -> Option<RemoteTile> {
        self.remotes
            .with_untracked(|tiles| tiles.iter().find(|t| t.id == id).copied())
    }

    /// Removes a participant's tile.
    pub fn remove_remote(&self, id: PeerId) {
        self.remotes.update(|tiles| tiles.retain(|t| t.id != id));
    }
}

impl Default for CallState {
    fn default() -> Self {
        Self::new()
    }
}
