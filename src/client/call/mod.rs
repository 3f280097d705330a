//! One person's presence in a meeting, in the browser: the web-sys shell around the pure
//! [`CallCore`](crate::call::session::CallCore). Events (the signaling socket, server messages,
//! timers, the ICE configuration, what the person does) go into the core; the [`Action`]s it
//! returns are carried out here: the socket, a [`PeerLink`] per other participant, and the page's
//! [`CallState`].
//!
//! ## Layout
//! - `control`: what the page asks of a call ([`CallControl`]) and [`join`], where the call's own
//!   chunk of the bundle begins;
//! - this file: the [`Call`] handle, and carrying out the core's actions;
//! - `links`: making a peer link and wiring its events;
//! - `chat`: chat between participants, with per-participant budgets;
//! - `sampler`: reading each connection's statistics for the tiles' indicators.

mod chat;
mod control;
mod links;
mod sampler;

pub use control::{CallControl, join, preload};

use super::peer::PeerLink;
use super::server_link::ServerLink;
use super::signaling::{self, Signaling};
use super::ticker::Ticker;
use super::transfers::{Peers, TransferAction, Transfers};
use crate::call::session::{Action, CallCore, Input};
use crate::components::call_view::CallView;
use crate::i18n::Text;
use crate::protocol::data::{PeerMessage, TransferId};
use crate::protocol::{IceConfig, PeerId, Reaction, RoomId, ServerMessage};
use crate::state::call::{CallState, TileKey};
use crate::state::chat::ChatLine;
use crate::state::quality::Counters;
use crate::state::reactions::REACTION_MS;
use crate::state::transfers::TransferKey;
use leptos::prelude::*;
use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, File, RtcDataChannel};

/// How often each connection's statistics are read, in milliseconds.
const SAMPLE_EVERY_MS: i32 = 500;

/// A joined (or joining) call. Dropping it leaves: every connection closes and the server is told.
pub struct Call {
    inner: Rc<Inner>,
    /// Reads every connection's statistics for the speaking and quality indicators.
    _sampler: Ticker,
    /// Leaves when the tab is closed or reloaded, so the others see it at once.
    on_pagehide: Closure<dyn FnMut(Event)>,
    /// Tells the server when the tab is hidden or shown again (no video is needed meanwhile).
    on_visibility: Closure<dyn FnMut(Event)>,
}

struct Inner {
    /// The decisions.
    core: RefCell<CallCore>,
    /// The room joined.
    room: RoomId,
    /// STUN/TURN servers and credentials for new connections.
    ice: RefCell<IceConfig>,
    /// The UI state this call drives.
    state: CallState,
    /// A connection per other participant.
    peers: RefCell<HashMap<PeerId, PeerLink>>,
    /// In a room whose media goes through the server: the one connection, to it.
    server: RefCell<Option<ServerLink>>,
    /// Those whose tiles show what the server's connection receives while the direct
    /// connection to them is still open (the room's media is moving to the server).
    handed_over: RefCell<HashSet<PeerId>>,
    /// The signaling connection.
    signaling: RefCell<Option<Signaling>>,
    /// The last counters read from each connection.
    counters: RefCell<HashMap<PeerId, Counters>>,
    /// Files going to and coming from the others.
    transfers: Transfers,
    /// Chat lines waiting for the next frame to be shown.
    chat_pending: RefCell<Vec<ChatLine>>,
}

impl Call {
    /// Connects to the server and joins `room`.
    fn join(room: RoomId, name: String, password: Option<String>, state: CallState) -> Self {
        let core = CallCore::new(room.clone(), name, password, state.media_state());
        let inner = Rc::new_cyclic(|weak: &Weak<Inner>| {
            let peers: Weak<dyn Peers> = weak.clone();
            Inner {
                core: RefCell::new(core),
                room,
                ice: RefCell::new(IceConfig::default()),
                state,
                peers: RefCell::new(HashMap::new()),
                server: RefCell::new(None),
                handed_over: RefCell::new(HashSet::new()),
                signaling: RefCell::new(None),
                counters: RefCell::new(HashMap::new()),
                transfers: Transfers::new(state.transfers, peers),
                chat_pending: RefCell::new(Vec::new()),
            }
        });
        Inner::feed(&inner, Input::Join);

        let weak = Rc::downgrade(&inner);
        let on_pagehide = Closure::<dyn FnMut(Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                Inner::feed(&inner, Input::Leave);
            }
        });
        if let Some(window) = web_sys::window() {
            let _ = window
                .add_event_listener_with_callback("pagehide", on_pagehide.as_ref().unchecked_ref());
        }
        let weak = Rc::downgrade(&inner);
        let on_visibility = Closure::<dyn FnMut(Event)>::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                Inner::report_hidden_video(&inner);
            }
        });
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.add_event_listener_with_callback(
                "visibilitychange",
                on_visibility.as_ref().unchecked_ref(),
            );
        }
        let weak = Rc::downgrade(&inner);
        let sampler = Ticker::every(SAMPLE_EVERY_MS, move || {
            if let Some(inner) = weak.upgrade() {
                Inner::sample(&inner);
                // Tiles scrolled or laid out of view are noticed here, within a tick.
                Inner::report_hidden_video(&inner);
            }
        });
        Call {
            inner,
            _sampler: sampler,
            on_pagehide,
            on_visibility,
        }
    }
}

impl CallControl for Call {
    fn set_locked(&self, locked: bool) {
        Inner::feed(&self.inner, Input::Lock(locked));
    }

    fn set_password(&self, password: Option<String>) {
        Inner::feed(&self.inner, Input::SetPassword(password));
    }

    fn remove(&self, id: PeerId) {
        Inner::feed(&self.inner, Input::Remove(id));
    }

    fn set_hand(&self, raised: bool) {
        Inner::feed(&self.inner, Input::Hand(raised));
    }

    fn lower_hand(&self, id: PeerId) {
        Inner::feed(&self.inner, Input::LowerHand(id));
    }

    fn set_waiting_room(&self, on: bool) {
        Inner::feed(&self.inner, Input::SetWaitingRoom(on));
    }

    fn admit(&self, id: Option<PeerId>) {
        Inner::feed(&self.inner, id.map_or(Input::AdmitAll, Input::Admit));
    }

    fn deny(&self, id: PeerId) {
        Inner::feed(&self.inner, Input::Deny(id));
    }

    fn react(&self, reaction: Reaction) {
        Inner::feed(&self.inner, Input::React(reaction));
    }

    fn ask_to_unmute(&self, id: PeerId) {
        Inner::feed(&self.inner, Input::AskToUnmute(id));
    }

    fn media_changed(&self) {
        let tracks = super::media::current_tracks(&self.inner.state);
        for link in self.inner.peers.borrow().values() {
            link.send_tracks(tracks.clone());
        }
        if let Some(link) = self.inner.server.borrow().as_ref() {
            link.send_tracks(tracks);
        }
        Inner::feed(&self.inner, Input::Media(self.inner.state.media_state()));
    }

    fn send_files(&self, files: &[File], to: Option<PeerId>) {
        if self.inner.core.borrow().through_server() {
            // Files go over direct connections, which this meeting does not have.
            self.inner.state.alert.set(Some(crate::i18n::Text::new(
                "files-need-direct-connections",
            )));
            return;
        }
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
                .set(Some(crate::i18n::Text::new("no-one-to-send-to")));
            return;
        }
        self.inner.transfers.offer(files, &recipients);
    }

    fn act_on_transfer(&self, key: TransferKey, action: TransferAction) {
        self.inner.transfers.act(key, action);
    }

    fn send_chat(&self, text: &str, to: Option<PeerId>) -> Result<(), Text> {
        self.chat(text, to)
    }

    fn view(&self) -> AnyView {
        let state = self.inner.state;
        view! { <CallView state /> }.into_any()
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
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            let _ = document.remove_event_listener_with_callback(
                "visibilitychange",
                self.on_visibility.as_ref().unchecked_ref(),
            );
        }
        Inner::feed(&self.inner, Input::Leave);
    }
}

impl Inner {
    /// Tells the core whose video the page does not show now: every tile's while the tab is
    /// hidden, else those off screen.
    fn report_hidden_video(this: &Rc<Self>) {
        let tab_hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        let hidden = this.state.remotes.with_untracked(|tiles| {
            tiles
                .iter()
                .filter(|tile| tab_hidden || !tile.on_screen.get_untracked())
                .map(|tile| tile.id)
                .collect()
        });
        Inner::feed(this, Input::HiddenVideo(hidden));
    }

    /// Hands an event to the core and carries out what it decides.
    fn feed(this: &Rc<Self>, input: Input) {
        let actions = this.core.borrow_mut().handle(input);
        for action in actions {
            Self::act(this, action);
        }
    }

    fn act(this: &Rc<Self>, action: Action) {
        let state = this.state;
        match action {
            Action::OpenSignaling => Self::open_signaling(this),
            Action::CloseSignaling => this.close_signaling(),
            Action::Send(message) => {
                if let Some(socket) = this.signaling.borrow().as_ref() {
                    socket.send(&message);
                }
            }
            Action::FetchIce(resume) => Self::fetch_ice(this, resume),
            Action::UseIce(config) => *this.ice.borrow_mut() = config,
            Action::Wake { after_ms, timer } => {
                let weak = Rc::downgrade(this);
                wasm_bindgen_futures::spawn_local(async move {
                    super::sleep(i32::try_from(after_ms).unwrap_or(i32::MAX)).await;
                    if let Some(inner) = weak.upgrade() {
                        Inner::feed(&inner, Input::Timer(timer));
                    }
                });
            }
            Action::AddTile(peer) => {
                let id = peer.id;
                state.add_remote(peer);
                // In a forwarded room its media comes over the connection to the server.
                if let (Some(link), Some(tile)) = (this.server.borrow().as_ref(), state.remote(id))
                {
                    tile.connection.set(link.state());
                }
            }
            Action::TileMedia(id, media) => {
                if let Some(tile) = state.remote(id) {
                    tile.media.set(media);
                }
            }
            Action::Speakers { speaking, active } => {
                for tile in state.remotes.get_untracked() {
                    tile.speaking.set(speaking.contains(&tile.id));
                }
                state.active_speaker.set(active);
            }
            Action::Hand(id, hand) => {
                if state.me.get_untracked() == Some(id) {
                    let _ = state.hand.try_set(hand);
                } else if let Some(tile) = state.remote(id) {
                    tile.hand.set(hand);
                }
            }
            Action::Reaction(from, reaction) => {
                let (tile, who) = match state.remote(from) {
                    Some(tile) => (TileKey::Peer(from), tile.name.get_value()),
                    None => (TileKey::You, state.i18n.t("you")),
                };
                let id = state.reactions.push(tile, &who, reaction);
                let reactions = state.reactions;
                wasm_bindgen_futures::spawn_local(async move {
                    super::sleep(REACTION_MS as i32).await;
                    if !reactions.items.is_disposed() {
                        reactions.dismiss(id);
                    }
                });
            }
            Action::Waiting(waiting) => drop(state.waiting.try_set(waiting)),
            Action::RemoveTile { peer, why } => {
                if state.remote(peer).is_some() {
                    this.transfers.peer_gone(peer, why);
                }
                this.peers.borrow_mut().remove(&peer);
                if let Some(link) = this.server.borrow().as_ref() {
                    link.forget(peer);
                }
                this.counters.borrow_mut().remove(&peer);
                state.remove_remote(peer);
            }
            Action::ClearPeers => {
                for id in this.peers.borrow().keys() {
                    this.transfers
                        .peer_gone(*id, crate::i18n::Text::new("file-failed-server-lost"));
                }
                this.peers.borrow_mut().clear();
                this.counters.borrow_mut().clear();
                state.remotes.set(Vec::new());
            }
            Action::Connect {
                peer,
                we_offer,
                polite,
            } => Self::connect(this, peer, we_offer, polite),
            Action::Deliver { from, signal } => {
                if let Some(link) = this.peers.borrow().get(&from) {
                    link.receive(signal);
                }
            }
            Action::ConnectServer => Self::connect_server(this),
            Action::DropPeerLinks => {
                let dropped: Vec<PeerId> =
                    this.peers.borrow_mut().drain().map(|(id, _)| id).collect();
                this.counters.borrow_mut().clear();
                let handed_over = std::mem::take(&mut *this.handed_over.borrow_mut());
                for peer in dropped.into_iter().filter(|p| !handed_over.contains(p)) {
                    this.show_server_media(peer);
                }
            }
            Action::ShowServerMedia(peer) => {
                this.handed_over.borrow_mut().insert(peer);
                this.show_server_media(peer);
            }
            Action::DropServerLink => drop(this.server.borrow_mut().take()),
            Action::Chat {
                from,
                text,
                private,
                sent_at,
            } => {
                let message = PeerMessage::Chat {
                    text,
                    private,
                    sent_at: sent_at as f64,
                };
                Self::on_peer_message(this, from, message);
            }
            Action::DeliverMedia(sdp) => {
                if let Some(link) = this.server.borrow().as_ref() {
                    link.receive(sdp);
                }
            }
            Action::CloseAll => {
                this.peers.borrow_mut().clear();
                this.server.borrow_mut().take();
            }
            // The page may be gone already (leaving as it unmounts): then nothing shows it.
            Action::Settings(settings) => drop(state.settings.try_set(settings)),
            Action::Phase(phase) => drop(state.phase.try_set(phase)),
            Action::Me(me) => drop(state.me.try_set(me)),
            Action::Alert(sentence) => drop(state.alert.try_set(sentence)),
            Action::Toast(text) => {
                if !state.toasts.items.is_disposed() {
                    state.toasts.push(text);
                }
            }
            Action::Problem(problem) => drop(state.problem.try_set(problem)),
            Action::Reconnecting(on) => drop(state.reconnecting.try_set(on)),
            Action::NeedsPassword(on) => drop(state.needs_password.try_set(on)),
        }
    }

    /// Opens the signaling connection, reporting what happens to the core.
    fn open_signaling(this: &Rc<Self>) {
        let opened = signaling::url().and_then(|url| {
            let weak = Rc::downgrade(this);
            let on_open = move || {
                if let Some(inner) = weak.upgrade() {
                    Inner::feed(&inner, Input::SignalingOpen);
                }
            };
            let weak = Rc::downgrade(this);
            let on_message = move |message: ServerMessage| {
                if let Some(inner) = weak.upgrade() {
                    Inner::feed(&inner, Input::Server(message));
                }
            };
            let weak = Rc::downgrade(this);
            let on_close = move |code: u16, reason: String| {
                if let Some(inner) = weak.upgrade() {
                    leptos::logging::warn!("signaling closed: {code} {reason}");
                    inner.close_signaling();
                    let jitter = js_sys::Math::random();
                    Inner::feed(&inner, Input::SignalingClosed { code, jitter });
                }
            };
            Signaling::connect(&url, on_open, on_message, on_close)
        });
        match opened {
            Ok(socket) => *this.signaling.borrow_mut() = Some(socket),
            Err(error) => {
                leptos::logging::warn!("cannot reach the server: {error:?}");
                let jitter = js_sys::Math::random();
                Inner::feed(this, Input::SignalingClosed { code: 1006, jitter });
            }
        }
    }

    /// Closes the signaling socket. Called from the socket's own handlers, so the socket (and
    /// the handler running now) is dropped after the current event, not inside it.
    fn close_signaling(&self) {
        if let Some(socket) = self.signaling.borrow_mut().take() {
            wasm_bindgen_futures::spawn_local(async move { drop(socket) });
        }
    }

    /// Fetches the ICE configuration (only a member may) and hands it to the core.
    fn fetch_ice(this: &Rc<Self>, resume: crate::protocol::Resume) {
        let weak = Rc::downgrade(this);
        let room = this.room.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let config = match crate::api::fetch_ice_config(room, resume).await {
                Ok(config) => Some(config),
                Err(error) => {
                    leptos::logging::warn!("no ICE configuration from the server: {error}");
                    None
                }
            };
            if let Some(inner) = weak.upgrade() {
                Inner::feed(&inner, Input::IceFetched(config));
            }
        });
    }
}
