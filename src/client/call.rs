//! One person's presence in a meeting: the signaling connection, a [`PeerLink`] per other
//! participant, and the UI state they drive.
//!
//! The newcomer offers to everyone already in the room (listed in `Welcome`); those already
//! there prepare to answer when they hear `PeerJoined`. The server orders joins, so exactly one
//! side of each pair starts, whatever order people click Join in; perfect negotiation in
//! [`PeerLink`] still resolves any later collision.

use super::peer::{PeerEvents, PeerLink};
use super::signaling::{self, Signaling};
use super::ticker::Ticker;
use super::transfers::{Peers, TransferAction, Transfers};
use crate::protocol::data::{PeerMessage, TransferId, check_chat};
use crate::protocol::{
    ClientMessage, ErrorCode, IceConfig, PeerId, PeerInfo, Resume, RoomId, ServerMessage, Signal,
};
use crate::state::call::{CallState, Phase, slot};
use crate::state::chat::ChatLine;
use crate::state::peer_budget::{PeerBudget, Verdict};
use crate::state::quality::{self, Counters};
use crate::state::transfers::TransferKey;
use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet, VecDeque};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, File, RtcDataChannel, RtcPeerConnectionState};

/// How often each connection's statistics are read, in milliseconds.
const SAMPLE_EVERY_MS: i32 = 500;

/// Samples judged together for the quality verdict (two seconds).
const QUALITY_WINDOW: usize = 4;

/// Messages for the server kept while reconnecting (candidates and offers of an ICE restart).
const OUTBOX_LIMIT: usize = 256;

/// After resuming on a restarted server, how long the others have to come back before their
/// tiles are removed (the server's own grace period).
const RECONCILE_AFTER_MS: i32 = 20_000;

/// On joining a room with people in it, the call is drawn once our offers are out (drawing takes
/// tens of ms of the page's one thread, which would hold them back), or this long after the
/// welcome if they are slow to come.
const DRAW_CALL_AT_LATEST_MS: i32 = 250;

/// How soon to ask for the ICE configuration again when the server did not answer.
const ICE_RETRY_SECONDS: u32 = 30;

/// A joined (or joining) call. Dropping it leaves: every connection closes and the server is told.
pub struct Call {
    inner: Rc<Inner>,
    /// Reads every connection's statistics for the speaking and quality indicators.
    _sampler: Ticker,
    /// Leaves when the tab is closed or reloaded, so the others see it at once.
    on_pagehide: Closure<dyn FnMut(Event)>,
}

struct Inner {
    /// The room joined.
    room: RoomId,
    /// Our display name.
    name: String,
    /// The meeting password typed in the lobby, if any.
    password: Option<String>,
    /// STUN/TURN servers and credentials, fetched once the server has let us in.
    ice: RefCell<Option<IceConfig>>,
    /// Server messages that arrived after the welcome while the ICE configuration was being
    /// fetched (it is needed before any connection is made), handled in order when it is here.
    waiting: RefCell<Option<Vec<ServerMessage>>>,
    /// Those in the room when we joined: their tiles are added at the welcome, their connections
    /// made when the ICE configuration is here.
    unconnected: RefCell<Vec<PeerId>>,
    /// The UI state this call drives.
    state: CallState,
    /// A connection per other participant.
    peers: RefCell<HashMap<PeerId, PeerLink>>,
    /// The signaling connection.
    signaling: RefCell<Option<Signaling>>,
    /// How to come back as ourselves after losing the server.
    resume: RefCell<Option<Resume>>,
    /// Reconnection attempts since the server was last reached.
    attempts: Cell<u32>,
    /// Messages for the server while it is away, sent once we are back.
    outbox: RefCell<VecDeque<ClientMessage>>,
    /// After resuming: the participants the server has confirmed are still here.
    confirmed: RefCell<Option<HashSet<PeerId>>>,
    /// What we, as host, last asked for: a locked room, a password. A restarted server forgets
    /// both; we ask again when we are back as its host.
    protection: RefCell<(bool, Option<String>)>,
    /// The last counters read from each connection.
    counters: RefCell<HashMap<PeerId, Counters>>,
    /// Files going to and coming from the others.
    transfers: Transfers,
    /// What each participant may still send us on its control channel.
    budgets: RefCell<HashMap<PeerId, PeerBudget>>,
    /// Chat lines waiting for the next frame to be shown.
    chat_pending: RefCell<Vec<ChatLine>>,
}

impl Call {
    /// Connects to the server and joins `room`.
    pub fn join(
        room: RoomId,
        name: String,
        password: Option<String>,
        state: CallState,
    ) -> Result<Self, String> {
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let peers: Weak<dyn Peers> = weak.clone();
            Inner {
                room,
                name,
                password,
                ice: RefCell::new(None),
                waiting: RefCell::new(None),
                unconnected: RefCell::new(Vec::new()),
                state,
                peers: RefCell::new(HashMap::new()),
                signaling: RefCell::new(None),
                resume: RefCell::new(None),
                attempts: Cell::new(0),
                outbox: RefCell::new(VecDeque::new()),
                confirmed: RefCell::new(None),
                protection: RefCell::new((false, None)),
                counters: RefCell::new(HashMap::new()),
                transfers: Transfers::new(state.transfers, peers),
                budgets: RefCell::new(HashMap::new()),
                chat_pending: RefCell::new(Vec::new()),
            }
        });
        Inner::open_signaling(&inner).map_err(|e| format!("cannot reach the server: {e}"))?;

        let weak = Rc::downgrade(&inner);
        let on_pagehide = Closure::<dyn FnMut(Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.leave();
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
        }
        let weak = Rc::downgrade(&inner);
        let sampler = Ticker::every(SAMPLE_EVERY_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Inner::sample(&inner);
            }
        });
        Ok(Call {
            inner,
            _sampler: sampler,
            on_pagehide,
        })
    }

    /// Host only: lets nobody new in, or opens the room again.
    pub fn set_locked(&self, locked: bool) {
        self.inner.protection.borrow_mut().0 = locked;
        self.inner.send_to_server(&ClientMessage::Lock { locked });
    }

    /// Host only: requires a password from now on, or (`None`) no longer.
    pub fn set_password(&self, password: Option<String>) {
        self.inner.protection.borrow_mut().1 = password.clone();
        self.inner
            .send_to_server(&ClientMessage::SetPassword { password });
    }

    /// Host only: removes a participant from the room.
    pub fn remove(&self, id: PeerId) {
        self.inner.send_to_server(&ClientMessage::Remove { id });
    }

    /// After a local media change: sends everyone the current tracks (replacing only those that
    /// changed, without renegotiation) and tells the room our new media state.
    pub fn media_changed(&self) {
        let tracks = super::media::current_tracks(&self.inner.state);
        for link in self.inner.peers.borrow().values() {
            link.send_tracks(tracks.clone());
        }
        if self.inner.me().is_some() {
            self.inner.send_to_server(&ClientMessage::Media {
                state: self.inner.state.media_state(),
            });
        }
    }
}

impl Call {
    /// Sends a chat message to everyone, or privately to one participant, and shows it.
    pub fn send_chat(&self, text: &str, to: Option<PeerId>) -> Result<(), String> {
        let text = check_chat(text).map_err(|e| e.to_string())?;
        let inner = &self.inner;
        let private_to = match to {
            Some(id) => Some(
                inner
                    .state
                    .remote(id)
                    .map(|tile| tile.name.get_value())
                    .ok_or("That person is no longer in the call.")?,
            ),
            None => None,
        };
        let sent_at = js_sys::Date::now();
        let message = PeerMessage::Chat {
            text: text.clone(),
            private: to.is_some(),
            sent_at,
        };
        for (id, link) in inner.peers.borrow().iter() {
            if to.is_none_or(|to| to == *id) {
                link.send(&message);
            }
        }
        inner.state.chat.push(ChatLine {
            seq: 0,
            from: "You".into(),
            private: private_to.is_some(),
            to: private_to,
            mine: true,
            notice: false,
            sent_at,
            text,
        });
        Ok(())
    }

    /// Offers files to everyone, or to one participant.
    pub fn send_files(&self, files: &[File], to: Option<PeerId>) {
        let recipients: Vec<(PeerId, String)> = self.inner.state.remotes.with_untracked(|tiles| {
            tiles
                .iter()
                .filter(|t| to.is_none_or(|to| to == t.id))
                .map(|t| (t.id, t.name.get_value()))
                .collect()
        });
        if recipients.is_empty() {
            self.inner
                .state
                .alert
                .set(Some("There is nobody to send files to yet.".into()));
            return;
        }
        self.inner.transfers.offer(files, &recipients);
    }

    /// Accepts, declines or cancels a transfer.
    pub fn act_on_transfer(&self, key: TransferKey, action: TransferAction) {
        self.inner.transfers.act(key, action);
    }
}

impl Peers for Inner {
    fn send(&self, to: PeerId, message: &PeerMessage) {
        if let Some(link) = self.peers.borrow().get(&to) {
            link.send(message);
        }
    }

    fn open_file_channel(&self, to: PeerId, transfer: TransferId) -> Option<RtcDataChannel> {
        Some(self.peers.borrow().get(&to)?.open_file_channel(transfer))
    }
}

impl Drop for Call {
    fn drop(&mut self) {
        if let Some(window) = web_sys::window() {
            let _ = window.remove_event_listener_with_callback(
                "pagehide",
                self.on_pagehide.as_ref().unchecked_ref(),
            );
        }
        self.inner.leave();
    }
}

impl Inner {
    /// Our id, once welcomed (kept in the page's state, which the UI reads too). `None` once the
    /// page is gone.
    fn me(&self) -> Option<PeerId> {
        self.state.me.try_get_untracked().flatten()
    }

    /// Opens (or reopens) the signaling connection; on open it joins, resuming if it can.
    fn open_signaling(this: &Rc<Self>) -> Result<(), String> {
        let url = signaling::url().map_err(|e| format!("{e:?}"))?;
        let on_open = {
            let weak = Rc::downgrade(this);
            move || {
                if let Some(inner) = weak.upgrade() {
                    let join = ClientMessage::Join {
                        room: inner.room.clone(),
                        name: inner.name.clone(),
                        media: inner.state.media_state(),
                        password: inner.password.clone(),
                        resume: inner.resume.borrow().clone(),
                    };
                    if let Some(socket) = inner.signaling.borrow().as_ref() {
                        socket.send(&join);
                    }
                }
            }
        };
        let on_message = {
            let weak = Rc::downgrade(this);
            move |message| {
                if let Some(inner) = weak.upgrade() {
                    Inner::handle(&inner, message);
                }
            }
        };
        let on_close = {
            let weak = Rc::downgrade(this);
            move |code: u16, reason: String| {
                if let Some(inner) = weak.upgrade() {
                    Inner::lost_server(&inner, code, reason);
                }
            }
        };
        let socket = Signaling::connect(&url, on_open, on_message, on_close)
            .map_err(|e| format!("{e:?}"))?;
        *this.signaling.borrow_mut() = Some(socket);
        Ok(())
    }

    /// Sends to the server; while it is away (and we were in the call), keeps the message for
    /// when we are back.
    fn send_to_server(&self, message: &ClientMessage) {
        let sent = !self.state.reconnecting.get_untracked()
            && self
                .signaling
                .borrow()
                .as_ref()
                .is_some_and(|socket| socket.send(message));
        if !sent && self.me().is_some() && !matches!(message, ClientMessage::Leave) {
            let mut outbox = self.outbox.borrow_mut();
            if outbox.len() < OUTBOX_LIMIT {
                outbox.push_back(message.clone());
            }
        }
    }

    /// We are in the room: first join, or back after losing the server.
    fn welcomed(this: &Rc<Self>, you: PeerId, peers: Vec<PeerInfo>, resumed: bool) {
        let was = this.me();
        if was.is_some() && !(resumed && was == Some(you)) {
            // The server did not take us back as ourselves: start over as a newcomer.
            for id in this.peers.borrow().keys() {
                this.transfers
                    .peer_gone(*id, "The connection to the server was lost.");
            }
            this.peers.borrow_mut().clear();
            this.counters.borrow_mut().clear();
            this.state.remotes.set(Vec::new());
        }
        this.state.me.set(Some(you));
        this.state.alert.set(None);
        this.state.needs_password.set(false);
        this.state.reconnecting.set(false);
        this.attempts.set(0);
        if this.state.phase.get_untracked() == Phase::Joining && !peers.is_empty() {
            let weak = Rc::downgrade(this);
            wasm_bindgen_futures::spawn_local(async move {
                super::sleep(DRAW_CALL_AT_LATEST_MS).await;
                if let Some(inner) = weak.upgrade() {
                    inner.draw_call();
                }
            });
        } else {
            this.state.phase.set(Phase::InCall);
        }
        let known: Vec<PeerId> = this.peers.borrow().keys().copied().collect();
        if resumed && !known.is_empty() {
            // Whoever the (possibly restarted) server does not confirm in time has gone.
            *this.confirmed.borrow_mut() = Some(peers.iter().map(|p| p.id).collect());
            let weak = Rc::downgrade(this);
            wasm_bindgen_futures::spawn_local(async move {
                super::sleep(RECONCILE_AFTER_MS).await;
                if let Some(inner) = weak.upgrade() {
                    inner.forget_unconfirmed();
                }
            });
        }
        for peer in peers {
            if known.contains(&peer.id) {
                if let Some(tile) = this.state.remote(peer.id) {
                    tile.media.set(peer.media);
                }
                continue;
            }
            this.state.add_remote(peer.id, peer.name, peer.media);
            if this.ice.borrow().is_some() {
                Self::connect(this, peer.id, true);
            } else {
                this.unconnected.borrow_mut().push(peer.id);
            }
        }
        let held: Vec<_> = this.outbox.borrow_mut().drain(..).collect();
        for message in held {
            this.send_to_server(&message);
        }
    }

    /// Shows the call instead of the lobby, once, when joining.
    fn draw_call(&self) {
        if self.state.phase.get_untracked() == Phase::Joining {
            self.state.phase.set(Phase::InCall);
        }
    }

    /// Back as host of a server that lost the room's lock or password (it restarted): sets them
    /// again, so the room is not left open.
    fn protect_again(&self, settings: crate::protocol::RoomSettings) {
        let (locked, password) = self.protection.borrow().clone();
        if locked && !settings.locked {
            self.send_to_server(&ClientMessage::Lock { locked });
        }
        if password.is_some() && !settings.password {
            self.send_to_server(&ClientMessage::SetPassword { password });
        }
    }

    /// Removes participants the server did not confirm after we resumed.
    fn forget_unconfirmed(&self) {
        let Some(confirmed) = self.confirmed.borrow_mut().take() else {
            return;
        };
        let gone: Vec<PeerId> = self
            .peers
            .borrow()
            .keys()
            .filter(|id| !confirmed.contains(id))
            .copied()
            .collect();
        for id in gone {
            self.peer_left(id);
        }
    }

    fn peer_left(&self, id: PeerId) {
        if let Some(tile) = self.state.remote(id) {
            let why = format!(
                "{} left the call before it finished.",
                tile.name.get_value()
            );
            self.transfers.peer_gone(id, &why);
        }
        self.peers.borrow_mut().remove(&id);
        self.counters.borrow_mut().remove(&id);
        self.state.remove_remote(id);
    }

    fn handle(this: &Rc<Self>, message: ServerMessage) {
        if let Some(waiting) = this.waiting.borrow_mut().as_mut() {
            waiting.push(message);
            return;
        }
        if let ServerMessage::Welcome {
            you, resume_token, ..
        } = &message
            && this.ice.borrow().is_none()
        {
            // Only a member may fetch it, so it is asked for now. The welcome itself is handled
            // meanwhile; the connections it asks for, and later messages, wait for it.
            let resume = Resume {
                id: *you,
                token: resume_token.clone(),
            };
            *this.waiting.borrow_mut() = Some(Vec::new());
            Self::fetch_ice(this, resume);
        }
        match message {
            ServerMessage::Welcome {
                you,
                peers,
                resume_token,
                settings,
                resumed,
            } => {
                *this.resume.borrow_mut() = Some(Resume {
                    id: you,
                    token: resume_token,
                });
                this.state.settings.set(settings);
                Self::welcomed(this, you, peers, resumed);
                if resumed && settings.host == Some(you) {
                    this.protect_again(settings);
                }
            }
            ServerMessage::ResumeToken { resume_token } => {
                if let Some(resume) = this.resume.borrow_mut().as_mut() {
                    resume.token = resume_token;
                }
            }
            ServerMessage::Settings { settings } => this.state.settings.set(settings),
            ServerMessage::PeerJoined { peer } => {
                if let Some(confirmed) = this.confirmed.borrow_mut().as_mut() {
                    confirmed.insert(peer.id);
                }
                if this.peers.borrow().contains_key(&peer.id) {
                    // Back after a server restart: the connection between us never stopped.
                    if let Some(tile) = this.state.remote(peer.id) {
                        tile.media.set(peer.media);
                    }
                    return;
                }
                this.state.add_remote(peer.id, peer.name, peer.media);
                Self::connect(this, peer.id, false);
            }
            ServerMessage::PeerMedia { id, state } => {
                if let Some(tile) = this.state.remote(id) {
                    tile.media.set(state);
                }
            }
            ServerMessage::PeerLeft { id } => this.peer_left(id),
            ServerMessage::Signal { from, signal } => {
                let peers = this.peers.borrow();
                match peers.get(&from) {
                    Some(link) => link.receive(signal),
                    None => leptos::logging::warn!("signal from unknown peer {from}"),
                }
            }
            ServerMessage::Error { code, message } => {
                leptos::logging::warn!("server refused a request: {code:?}: {message}");
                if code == ErrorCode::Removed {
                    this.close_signaling();
                    this.leave();
                    this.state.phase.set(Phase::Left);
                } else if this.me().is_none() {
                    // The join itself was refused (e.g. the room is full): back to the lobby.
                    this.close_signaling();
                    this.state.needs_password.set(matches!(
                        code,
                        ErrorCode::PasswordRequired
                            | ErrorCode::WrongPassword
                            | ErrorCode::TooManyGuesses
                    ));
                    this.state.phase.set(Phase::Lobby);
                }
                this.state.alert.set(Some(message));
            }
        }
    }

    /// Fetches our ICE configuration (only a member may), then handles what arrived meanwhile,
    /// and fetches it again before its credentials expire.
    fn fetch_ice(this: &Rc<Self>, resume: Resume) {
        let weak = Rc::downgrade(this);
        let room = this.room.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let config = match crate::api::fetch_ice_config(room.clone(), resume).await {
                Ok(config) => config,
                Err(error) => {
                    // Without it, calls still connect within one network.
                    leptos::logging::warn!("no ICE configuration from the server: {error}");
                    IceConfig::default()
                }
            };
            let Some(inner) = weak.upgrade() else { return };
            let refresh = config.refresh_after_seconds;
            *inner.ice.borrow_mut() = Some(config);
            let unconnected = std::mem::take(&mut *inner.unconnected.borrow_mut());
            for remote in unconnected {
                Self::connect(&inner, remote, true);
            }
            let held = inner.waiting.borrow_mut().take().unwrap_or_default();
            for message in held {
                Self::handle(&inner, message);
            }
            drop(inner);
            let mut after = refresh;
            while let Some(seconds) = after {
                super::sleep(i32::try_from(seconds.saturating_mul(1000)).unwrap_or(i32::MAX)).await;
                let Some(inner) = weak.upgrade() else { return };
                let Some(resume) = inner.resume.borrow().clone() else {
                    return;
                };
                drop(inner);
                match crate::api::fetch_ice_config(room.clone(), resume).await {
                    Ok(config) => {
                        after = config.refresh_after_seconds;
                        let Some(inner) = weak.upgrade() else { return };
                        *inner.ice.borrow_mut() = Some(config);
                    }
                    // The server may be restarting: try again soon.
                    Err(_) => after = Some(ICE_RETRY_SECONDS),
                }
            }
        });
    }

    /// Opens the connection to one participant; `we_offer` for those already in the room.
    fn connect(this: &Rc<Self>, remote: PeerId, we_offer: bool) {
        let Some(me) = this.me() else { return };
        let Some(tile) = this.state.remote(remote) else {
            return;
        };
        let weak: Weak<Inner> = Rc::downgrade(this);
        let events = PeerEvents {
            send: Box::new({
                let weak = weak.clone();
                move |signal| {
                    if let Some(inner) = weak.upgrade() {
                        let description = matches!(signal, Signal::Description { .. });
                        inner.send_to_server(&ClientMessage::Signal { to: remote, signal });
                        if description {
                            inner.draw_call();
                        }
                    }
                }
            }),
            on_stream: Box::new(move |stream| tile.stream.set(slot(Some(stream)))),
            on_state: Box::new({
                let weak = weak.clone();
                move |state| {
                    if state == "failed"
                        && let Some(inner) = weak.upgrade()
                    {
                        let why = format!("The connection to {} was lost.", tile.name.get_value());
                        inner.transfers.peer_gone(remote, &why);
                    }
                    tile.connection.set(state);
                }
            }),
            on_message: Box::new({
                let weak = weak.clone();
                move |message| {
                    if let Some(inner) = weak.upgrade() {
                        Inner::on_peer_message(&inner, remote, message);
                    }
                }
            }),
            on_file_channel: Box::new(move |transfer, channel| {
                if let Some(inner) = weak.upgrade() {
                    inner.transfers.on_file_channel(remote, transfer, channel);
                }
            }),
        };
        // The later joiner (higher id) yields when offers collide.
        let polite = me > remote;
        let local = super::media::current_tracks(&this.state);
        let ice = this.ice.borrow().clone().unwrap_or_default();
        let link = if we_offer {
            PeerLink::offer_to(remote, polite, &ice, local, events)
        } else {
            PeerLink::answer_to(remote, polite, &ice, local, events)
        };
        match link {
            Ok(link) => {
                this.peers.borrow_mut().insert(link.remote(), link);
            }
            Err(error) => {
                leptos::logging::error!("cannot create a connection to {remote}: {error:?}");
                tile.connection.set("failed".into());
            }
        }
    }

    /// A message from a participant's browser: chat is shown, the rest is about files. Each
    /// participant has a budget ([`PeerBudget`]); what it sends beyond it is dropped, with one
    /// note in the chat.
    fn on_peer_message(this: &Rc<Self>, from: PeerId, message: PeerMessage) {
        let Some(tile) = this.state.remote(from) else {
            return;
        };
        let now = js_sys::Date::now();
        let verdict = this
            .budgets
            .borrow_mut()
            .entry(from)
            .or_insert_with(|| PeerBudget::new(now))
            .admit(now);
        match verdict {
            Verdict::Take => {}
            Verdict::Drop => return,
            Verdict::DropAndTell => {
                let text = format!(
                    "{} is sending messages too fast; some were dropped.",
                    tile.name.get_value()
                );
                Self::show_chat(this, ChatLine::notice(text, now));
                return;
            }
        }
        match message {
            PeerMessage::Chat {
                text,
                private,
                sent_at,
            } => Self::show_chat(
                this,
                ChatLine {
                    seq: 0,
                    from: tile.name.get_value(),
                    to: None,
                    private,
                    mine: false,
                    sent_at,
                    text,
                    notice: false,
                },
            ),
            other => this
                .transfers
                .on_message(from, &tile.name.get_value(), other),
        }
    }

    /// Shows a received chat line with the others that arrive before the next frame is drawn:
    /// the list is updated (and laid out) once per frame, however many arrive.
    fn show_chat(this: &Rc<Self>, line: ChatLine) {
        let mut pending = this.chat_pending.borrow_mut();
        if pending.len() >= crate::state::chat::MAX_LINES {
            pending.remove(0);
        }
        pending.push(line);
        if pending.len() > 1 {
            return;
        }
        let weak = Rc::downgrade(this);
        super::frame::next_frame(move || {
            if let Some(inner) = weak.upgrade() {
                let lines = std::mem::take(&mut *inner.chat_pending.borrow_mut());
                inner.state.chat.push_many(lines);
            }
        });
    }

    /// Reads every connection's statistics once and updates the tiles.
    fn sample(this: &Rc<Self>) {
        let connections: Vec<_> = this
            .peers
            .borrow()
            .values()
            .map(|link| (link.remote(), link.connection().clone()))
            .collect();
        for (id, pc) in connections {
            let this = this.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok((now, gauges)) = super::stats::read(&pc).await else {
                    return;
                };
                let Some(tile) = this.state.remote(id) else {
                    return;
                };
                let before = this.counters.borrow_mut().insert(id, now);
                let Some(before) = before else { return };
                let media = tile.media.get_untracked();
                let sample = quality::sample(&before, &now, gauges);
                tile.speaking
                    .set(media.audio && quality::is_speaking(sample.audio_level));
                tile.history.update(|h| quality::remember(h, sample));
                let lost = matches!(
                    pc.connection_state(),
                    RtcPeerConnectionState::Disconnected | RtcPeerConnectionState::Failed
                );
                let verdict = if lost {
                    Some(quality::Quality::Poor)
                } else {
                    tile.history.with_untracked(|h| {
                        let recent: Vec<_> = h.iter().rev().take(QUALITY_WINDOW).copied().collect();
                        quality::assess(&recent, media.video || media.screen)
                    })
                };
                tile.quality.set(verdict);
            });
        }
    }

    /// The signaling connection closed. In the call, we reconnect (media between browsers goes
    /// on meanwhile) unless the server closed it for a broken rule.
    fn lost_server(this: &Rc<Self>, code: u16, reason: String) {
        this.close_signaling();
        if this.state.phase.get_untracked() == Phase::Left {
            return;
        }
        leptos::logging::warn!("signaling closed: {code} {reason}");
        if this.me().is_none() {
            if this.state.alert.get_untracked().is_none() {
                this.state
                    .alert
                    .set(Some("Could not reach the server. Try again.".into()));
            }
            this.state.phase.set(Phase::Lobby);
            return;
        }
        if !crate::state::reconnect::should_retry(code) {
            let sentence = if code == crate::protocol::CLOSE_MESSAGE_TOO_BIG {
                "The server closed the connection: a message was too big."
            } else {
                "The server closed the connection. People already in the call can still see and hear you."
            };
            this.state.reconnecting.set(false);
            this.state.alert.set(Some(sentence.into()));
            return;
        }
        this.state.reconnecting.set(true);
        let attempt = this.attempts.get();
        this.attempts.set(attempt + 1);
        let delay = crate::state::reconnect::delay_ms(attempt, js_sys::Math::random());
        let weak = Rc::downgrade(this);
        wasm_bindgen_futures::spawn_local(async move {
            super::sleep(delay as i32).await;
            let Some(inner) = weak.upgrade() else { return };
            if inner.state.phase.get_untracked() == Phase::Left || inner.me().is_none() {
                return;
            }
            if let Err(error) = Self::open_signaling(&inner) {
                leptos::logging::warn!("cannot reconnect: {error}");
                Self::lost_server(&inner, 1006, error);
            }
        });
    }

    /// Closes the signaling socket. Called from the socket's own handlers, so the socket (and
    /// the handler running now) is dropped after the current event, not inside it.
    fn close_signaling(&self) {
        if let Some(socket) = self.signaling.borrow_mut().take() {
            wasm_bindgen_futures::spawn_local(async move { drop(socket) });
        }
    }

    /// Leaves the call: tells the server, closes every connection. Safe to call twice.
    fn leave(&self) {
        if self.me().is_some() {
            self.send_to_server(&ClientMessage::Leave);
        }
        self.signaling.borrow_mut().take();
        self.peers.borrow_mut().clear();
        self.state.me.set(None);
        self.state.reconnecting.set(false);
        self.outbox.borrow_mut().clear();
    }
}
