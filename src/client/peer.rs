//! One `RTCPeerConnection` to one remote participant, negotiated with the "perfect negotiation"
//! pattern: both sides may offer at any time; when offers collide, the polite side rolls its own
//! back and answers, the impolite side ignores the incoming offer.
//!
//! Incoming signals are applied strictly one after another (each waits for the previous
//! `setRemoteDescription` to finish), and ICE candidates that arrive before a remote description
//! are queued, not dropped.
//!
//! Every connection has exactly one audio and one video transceiver, both send-and-receive from
//! the start, even while we have nothing to send. Muting, turning the camera on or off, sharing a
//! screen and switching devices are then all `replaceTrack`, with no renegotiation.
//!
//! The offering side also opens the control data channel in its first offer, so the SCTP
//! transport exists from the start; the answering side receives it. File channels opened later
//! need no renegotiation either (see [`crate::protocol::data`]).

use super::data_channel::{Channel, ChannelEvent};
use super::tracks::{Kind, LocalTracks, same};
use crate::protocol::data::{CONTROL_LABEL, PeerMessage, TransferId, parse_file_channel_label};
use crate::protocol::{IceConfig, PeerId, SdpType, Signal};
use js_sys::{Array, Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    Event, MediaStream, MediaStreamTrack, RtcBundlePolicy, RtcConfiguration, RtcDataChannel,
    RtcDataChannelEvent, RtcIceCandidateInit, RtcIceServer, RtcIceTransportPolicy,
    RtcPeerConnection, RtcPeerConnectionIceEvent, RtcRtpTransceiver, RtcRtpTransceiverDirection,
    RtcRtpTransceiverInit, RtcSdpType, RtcSessionDescriptionInit, RtcSignalingState, RtcTrackEvent,
};

/// A DOM event handler owned by Rust.
type Handler = Closure<dyn FnMut(Event)>;

/// What a peer link reports to its owner.
pub struct PeerEvents {
    /// Sends negotiation data to the remote peer through the signaling server.
    pub send: Box<dyn Fn(Signal)>,
    /// The remote media changed; carries a stream of every track received so far.
    pub on_stream: Box<dyn Fn(MediaStream)>,
    /// The connection state changed (`connecting`, `connected`, `failed`, ...).
    pub on_state: Box<dyn Fn(String)>,
    /// A message arrived on the control channel (already checked).
    pub on_message: Box<dyn Fn(PeerMessage)>,
    /// The remote peer opened the channel of one of its file transfers.
    pub on_file_channel: Box<dyn Fn(TransferId, RtcDataChannel)>,
}

/// Control messages kept while the control channel is not open yet; beyond this, the oldest
/// are dropped.
const MAX_UNSENT: usize = 256;

/// The owner of one peer connection. Dropping it detaches every handler and closes the
/// connection.
pub struct PeerLink {
    inner: Rc<Inner>,
}

/// How long a connection may stay `disconnected` before an ICE restart.
const RESTART_AFTER_DISCONNECTED_MS: i32 = 2_000;

struct Inner {
    /// The remote participant.
    remote: PeerId,
    /// Whether this side yields when offers collide.
    polite: bool,
    /// The connection.
    pc: RtcPeerConnection,
    /// An offer of ours is being made (between negotiationneeded and setLocalDescription).
    making_offer: Cell<bool>,
    /// The last remote offer was ignored because of a collision (impolite side).
    ignore_offer: Cell<bool>,
    /// Candidates received before any remote description.
    early_candidates: RefCell<Vec<RtcIceCandidateInit>>,
    /// Signals waiting to be applied, in arrival order.
    inbox: RefCell<VecDeque<Signal>>,
    /// Whether a task is applying the inbox.
    draining: Cell<bool>,
    /// What we send (or will send, on the answering side, once the offer arrives).
    local: RefCell<LocalTracks>,
    /// Our audio and video transceivers, once they exist.
    transceivers: RefCell<Vec<(Kind, RtcRtpTransceiver)>>,
    /// Every remote track received, for the stream handed to the UI.
    remote_tracks: RefCell<Vec<MediaStreamTrack>>,
    /// The control channel, once opened (offering side) or received (answering side).
    control: RefCell<Option<Channel>>,
    /// Control messages waiting for the channel to open.
    unsent: RefCell<VecDeque<String>>,
    /// Callbacks to the owner.
    events: PeerEvents,
    /// The connection's event handlers; they hold only weak references to `Inner`.
    handlers: RefCell<Vec<Handler>>,
}

impl PeerLink {
    /// Connects to a peer that was already in the room: this side offers, with its media.
    pub fn offer_to(
        remote: PeerId,
        polite: bool,
        ice: &IceConfig,
        local: LocalTracks,
        events: PeerEvents,
    ) -> Result<Self, JsValue> {
        let link = Self::new(remote, polite, ice, local, events)?;
        link.inner.add_transceivers();
        let control = link.inner.pc.create_data_channel(CONTROL_LABEL);
        Inner::adopt_control(&link.inner, control);
        // The first offer starts now rather than on negotiationneeded: that event is a task
        // queued behind everything the page does on joining (drawing the call takes tens of
        // ms), while the browser makes the offer on its own threads. The event then finds the
        // offer under way and does not fire.
        Inner::offer(&link.inner);
        Ok(link)
    }

    /// Prepares to answer a peer who joined after us: its offer arrives through
    /// [`PeerLink::receive`], and our media is attached to the transceivers that offer creates.
    pub fn answer_to(
        remote: PeerId,
        polite: bool,
        ice: &IceConfig,
        local: LocalTracks,
        events: PeerEvents,
    ) -> Result<Self, JsValue> {
        Self::new(remote, polite, ice, local, events)
    }

    /// Sends these tracks from now on, replacing those that changed, without renegotiation.
    pub fn send_tracks(&self, tracks: LocalTracks) {
        let previous = std::mem::replace(&mut *self.inner.local.borrow_mut(), tracks.clone());
        for (kind, transceiver) in self.inner.transceivers.borrow().iter() {
            if !same(previous.get(*kind), tracks.get(*kind)) {
                replace(transceiver, tracks.get(*kind), self.inner.remote);
            }
        }
    }

    fn new(
        remote: PeerId,
        polite: bool,
        ice: &IceConfig,
        local: LocalTracks,
        events: PeerEvents,
    ) -> Result<Self, JsValue> {
        let pc = RtcPeerConnection::new_with_configuration(&configuration(ice))?;
        let inner = Rc::new(Inner {
            remote,
            polite,
            pc,
            making_offer: Cell::new(false),
            ignore_offer: Cell::new(false),
            early_candidates: RefCell::new(Vec::new()),
            inbox: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            local: RefCell::new(local),
            transceivers: RefCell::new(Vec::new()),
            remote_tracks: RefCell::new(Vec::new()),
            control: RefCell::new(None),
            unsent: RefCell::new(VecDeque::new()),
            events,
            handlers: RefCell::new(Vec::new()),
        });
        Inner::attach_handlers(&inner);
        Ok(PeerLink { inner })
    }

    /// The remote participant.
    pub fn remote(&self) -> PeerId {
        self.inner.remote
    }

    /// The connection, for reading its statistics.
    pub fn connection(&self) -> &RtcPeerConnection {
        &self.inner.pc
    }

    /// Sends a control message, now if the control channel is open, else once it opens.
    pub fn send(&self, message: &PeerMessage) {
        let text = message.encode();
        if let Some(control) = self.inner.control.borrow().as_ref()
            && control.is_open()
        {
            if let Err(error) = control.send_text(&text) {
                leptos::logging::warn!("peer {}: control message lost: {error:?}", self.remote());
            }
            return;
        }
        let mut unsent = self.inner.unsent.borrow_mut();
        if unsent.len() == MAX_UNSENT {
            unsent.pop_front();
        }
        unsent.push_back(text);
    }

    /// Opens the channel that carries one of our file transfers.
    pub fn open_file_channel(&self, transfer: TransferId) -> RtcDataChannel {
        self.inner
            .pc
            .create_data_channel(&crate::protocol::data::file_channel_label(transfer))
    }

    /// Queues negotiation data from the remote peer; it is applied after everything before it.
    pub fn receive(&self, signal: Signal) {
        self.inner.inbox.borrow_mut().push_back(signal);
        if self.inner.draining.replace(true) {
            return;
        }
        let inner = self.inner.clone();
        spawn_local(async move {
            loop {
                let next = inner.inbox.borrow_mut().pop_front();
                let Some(signal) = next else { break };
                if let Err(error) = inner.apply(signal).await {
                    leptos::logging::warn!(
                        "peer {}: negotiation step failed: {error:?}",
                        inner.remote
                    );
                }
            }
            inner.draining.set(false);
        });
    }
}

impl Drop for PeerLink {
    fn drop(&mut self) {
        let pc = &self.inner.pc;
        pc.set_onnegotiationneeded(None);
        pc.set_onicecandidate(None);
        pc.set_ontrack(None);
        pc.set_onconnectionstatechange(None);
        pc.set_ondatachannel(None);
        self.inner.control.borrow_mut().take();
        pc.close();
        self.inner.inbox.borrow_mut().clear();
        self.inner.handlers.borrow_mut().clear();
    }
}

/// The RTCConfiguration for the server-provided ICE configuration.
fn configuration(ice: &IceConfig) -> RtcConfiguration {
    let list = Array::new();
    for server in &ice.servers {
        let entry = RtcIceServer::new();
        let urls: Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
        entry.set_urls(&urls);
        if let Some(username) = &server.username {
            entry.set_username(username);
        }
        if let Some(credential) = &server.credential {
            entry.set_credential(credential);
        }
        list.push(&entry);
    }
    let config = RtcConfiguration::new();
    config.set_ice_servers(&list);
    // One transport for audio, video and data: one set of candidates to gather and check, one
    // DTLS handshake. Every browser Confab supports bundles.
    config.set_bundle_policy(RtcBundlePolicy::MaxBundle);
    if ice.relay_only {
        config.set_ice_transport_policy(RtcIceTransportPolicy::Relay);
    }
    config
}

/// Sets a transceiver's outgoing track; failures are logged (the call goes on without it).
fn replace(transceiver: &RtcRtpTransceiver, track: Option<&MediaStreamTrack>, remote: PeerId) {
    let promise = transceiver.sender().replace_track(track);
    spawn_local(async move {
        if let Err(error) = JsFuture::from(promise).await {
            leptos::logging::warn!("peer {remote}: replaceTrack failed: {error:?}");
        }
    });
}

impl Inner {
    /// Offering side: one send-and-receive transceiver per kind, carrying our track if we have one.
    fn add_transceivers(&self) {
        let local = self.local.borrow();
        let mut transceivers = self.transceivers.borrow_mut();
        for kind in Kind::ALL {
            let init = RtcRtpTransceiverInit::new();
            init.set_direction(RtcRtpTransceiverDirection::Sendrecv);
            let transceiver = match local.get(kind) {
                Some(track) => self
                    .pc
                    .add_transceiver_with_media_stream_track_and_init(track, &init),
                None => self
                    .pc
                    .add_transceiver_with_str_and_init(kind.media(), &init),
            };
            transceivers.push((kind, transceiver));
        }
    }

    /// Answering side: adopts the transceivers the first remote offer created (the offerer makes
    /// them in [`Kind::ALL`] order) as send-and-receive with our current tracks.
    fn adopt_transceivers(&self) {
        if !self.transceivers.borrow().is_empty() {
            return;
        }
        let local = self.local.borrow().clone();
        let mut adopted = Vec::new();
        let offered = self.pc.get_transceivers();
        for (kind, transceiver) in Kind::ALL.into_iter().zip(offered.iter()) {
            let transceiver: RtcRtpTransceiver = transceiver.unchecked_into();
            if transceiver.receiver().track().kind() != kind.media() {
                leptos::logging::warn!("peer {}: unexpected media order in offer", self.remote);
                break;
            }
            transceiver.set_direction(RtcRtpTransceiverDirection::Sendrecv);
            if let Some(track) = local.get(kind) {
                replace(&transceiver, Some(track), self.remote);
            }
            adopted.push((kind, transceiver));
        }
        *self.transceivers.borrow_mut() = adopted;
    }

    fn attach_handlers(this: &Rc<Self>) {
        let pc = &this.pc;
        let mut handlers = this.handlers.borrow_mut();

        let weak = Rc::downgrade(this);
        let on_negotiation = handler(move |_| {
            if let Some(inner) = weak.upgrade() {
                Inner::offer(&inner);
            }
        });
        pc.set_onnegotiationneeded(Some(on_negotiation.as_ref().unchecked_ref()));
        handlers.push(on_negotiation);

        let weak = Rc::downgrade(this);
        let on_candidate = handler(move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let event: RtcPeerConnectionIceEvent = event.unchecked_into();
            if let Some(candidate) = event.candidate() {
                (inner.events.send)(Signal::Candidate {
                    candidate: candidate.candidate(),
                    sdp_mid: candidate.sdp_mid(),
                    sdp_m_line_index: candidate.sdp_m_line_index(),
                });
            }
        });
        pc.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        handlers.push(on_candidate);

        let weak = Rc::downgrade(this);
        let on_track = handler(move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let event: RtcTrackEvent = event.unchecked_into();
            let track = event.track();
            let mut tracks = inner.remote_tracks.borrow_mut();
            tracks.retain(|t| t.id() != track.id());
            tracks.push(track);
            // A fresh stream object makes the video element pick up the new track set.
            let stream = MediaStream::new().expect("MediaStream constructor");
            for t in tracks.iter() {
                stream.add_track(t);
            }
            drop(tracks);
            (inner.events.on_stream)(stream);
        });
        pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        handlers.push(on_track);

        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_state = handler(move |_| {
            if let Some(inner) = weak.upgrade() {
                let state = inner.connection_state();
                match state.as_str() {
                    "failed" => inner.restart_ice(),
                    // Often a blip that heals by itself; if not, find a new path.
                    "disconnected" => {
                        let weak = Rc::downgrade(&inner);
                        spawn_local(async move {
                            super::sleep(RESTART_AFTER_DISCONNECTED_MS).await;
                            if let Some(inner) = weak.upgrade()
                                && inner.connection_state() == "disconnected"
                            {
                                inner.restart_ice();
                            }
                        });
                    }
                    _ => {}
                }
                (inner.events.on_state)(state);
            }
        });
        pc.set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        handlers.push(on_state);

        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_channel = handler(move |event| {
            let Some(inner) = weak.upgrade() else { return };
            let channel = event.unchecked_into::<RtcDataChannelEvent>().channel();
            let label = channel.label();
            if label == CONTROL_LABEL && inner.control.borrow().is_none() {
                Inner::adopt_control(&inner, channel);
            } else if let Some(transfer) = parse_file_channel_label(&label) {
                (inner.events.on_file_channel)(transfer, channel);
            } else {
                leptos::logging::warn!("peer {}: closing unknown channel {label:?}", inner.remote);
                channel.close();
            }
        });
        pc.set_ondatachannel(Some(on_channel.as_ref().unchecked_ref()));
        handlers.push(on_channel);
    }

    /// Takes the control channel: sends what waited for it, passes on what arrives.
    fn adopt_control(this: &Rc<Self>, channel: RtcDataChannel) {
        let weak: Weak<Inner> = Rc::downgrade(this);
        let control = Channel::new(channel, 0, move |event| {
            let Some(inner) = weak.upgrade() else { return };
            match event {
                ChannelEvent::Open => inner.flush_unsent(),
                ChannelEvent::Text(text) => match PeerMessage::decode(&text) {
                    Ok(message) => (inner.events.on_message)(message),
                    Err(error) => {
                        leptos::logging::warn!("peer {}: refused a message: {error}", inner.remote)
                    }
                },
                ChannelEvent::Binary(_) | ChannelEvent::Closed => {}
            }
        });
        *this.control.borrow_mut() = Some(control);
        this.flush_unsent();
    }

    fn flush_unsent(&self) {
        let control = self.control.borrow();
        let Some(control) = control.as_ref().filter(|c| c.is_open()) else {
            return;
        };
        for text in self.unsent.borrow_mut().drain(..) {
            if let Err(error) = control.send_text(&text) {
                leptos::logging::warn!("peer {}: control message lost: {error:?}", self.remote);
            }
        }
    }

    /// `connectionState`: `new`, `connecting`, `connected`, `disconnected`, `failed` or `closed`.
    fn connection_state(&self) -> String {
        Reflect::get(&self.pc, &"connectionState".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    }

    /// Asks for an ICE restart: new credentials and candidates, negotiated by the usual
    /// negotiationneeded path, so the call finds a new path after a network change.
    fn restart_ice(&self) {
        leptos::logging::log!("peer {}: connection lost; restarting ICE", self.remote);
        let restart = Reflect::get(&self.pc, &"restartIce".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok());
        if let Some(restart) = restart {
            let _ = restart.call0(&self.pc);
        }
    }

    /// Makes and sends an offer (the first at once, later ones on negotiationneeded). The browser
    /// is asked before this returns; the result is handled when it is ready.
    fn offer(this: &Rc<Self>) {
        this.making_offer.set(true);
        let started = this.start_local_description();
        let this = this.clone();
        spawn_local(async move {
            let result = match started {
                Ok(promise) => await_promise(promise).await,
                Err(error) => Err(error),
            };
            this.making_offer.set(false);
            match result {
                Ok(()) => this.send_local_description(),
                Err(error) => {
                    leptos::logging::warn!("peer {}: offer failed: {error:?}", this.remote)
                }
            }
        });
    }

    /// Applies one signal from the remote peer.
    async fn apply(&self, signal: Signal) -> Result<(), JsValue> {
        match signal {
            Signal::Description { sdp_type, sdp } => {
                let is_offer = sdp_type == SdpType::Offer;
                let collision = is_offer
                    && (self.making_offer.get()
                        || self.pc.signaling_state() != RtcSignalingState::Stable);
                self.ignore_offer.set(!self.polite && collision);
                if self.ignore_offer.get() {
                    return Ok(());
                }
                let description = RtcSessionDescriptionInit::new(sdp_type_to_js(sdp_type));
                description.set_sdp(&sdp);
                // On the polite side this implicitly rolls back a colliding local offer.
                await_promise(self.pc.set_remote_description(&description)).await?;
                self.flush_early_candidates().await;
                if is_offer {
                    self.adopt_transceivers();
                    self.set_local_description().await?;
                    self.send_local_description();
                }
                Ok(())
            }
            Signal::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                if self.pc.remote_description().is_none() {
                    self.early_candidates.borrow_mut().push(init);
                    return Ok(());
                }
                self.add_candidate(&init).await;
                Ok(())
            }
        }
    }

    async fn flush_early_candidates(&self) {
        let early = std::mem::take(&mut *self.early_candidates.borrow_mut());
        for init in early {
            self.add_candidate(&init).await;
        }
    }

    async fn add_candidate(&self, init: &RtcIceCandidateInit) {
        let promise = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(init));
        if let Err(error) = await_promise(promise).await
            && !self.ignore_offer.get()
        {
            leptos::logging::warn!("peer {}: bad ICE candidate: {error:?}", self.remote);
        }
    }

    /// `setLocalDescription()` without arguments: the browser makes the right offer or answer
    /// for the current state, which avoids races between creating and setting it.
    async fn set_local_description(&self) -> Result<(), JsValue> {
        await_promise(self.start_local_description()?).await
    }

    /// Calls `setLocalDescription()` and returns its promise.
    fn start_local_description(&self) -> Result<Promise, JsValue> {
        let method: Function = Reflect::get(&self.pc, &"setLocalDescription".into())?.dyn_into()?;
        method.call0(&self.pc)?.dyn_into()
    }

    fn send_local_description(&self) {
        let Some(description) = self.pc.local_description() else {
            return;
        };
        let sdp_type = match description.type_() {
            RtcSdpType::Offer => SdpType::Offer,
            RtcSdpType::Answer => SdpType::Answer,
            RtcSdpType::Pranswer => SdpType::Pranswer,
            _ => SdpType::Rollback,
        };
        (self.events.send)(Signal::Description {
            sdp_type,
            sdp: description.sdp(),
        });
    }
}

fn sdp_type_to_js(sdp_type: SdpType) -> RtcSdpType {
    match sdp_type {
        SdpType::Offer => RtcSdpType::Offer,
        SdpType::Answer => RtcSdpType::Answer,
        SdpType::Pranswer => RtcSdpType::Pranswer,
        SdpType::Rollback => RtcSdpType::Rollback,
    }
}

fn handler(f: impl FnMut(Event) + 'static) -> Handler {
    Closure::new(f)
}

async fn await_promise(promise: Promise) -> Result<(), JsValue> {
    JsFuture::from(promise).await.map(|_| ())
}
