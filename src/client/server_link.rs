//! The one `RTCPeerConnection` of a room whose media goes through the server's forwarding unit.
//!
//! It publishes on three send-only transceivers, one per [`Kind`], made before the first offer,
//! so muting, the camera and screen sharing are `replaceTrack` as on a direct connection. The
//! unit offers everyone else's tracks as they come and go; each arrives in a stream whose id is
//! its publisher's ([`PeerId`]'s text), which is how a track finds its tile. This page makes
//! the first offer only; after it, every offer is the unit's, applied one after another, so
//! offers never collide. ICE needs no candidates from this side: the unit is ICE-lite and
//! learns the browser's address from its connectivity checks.

use super::inbox::Inbox;
use super::peer::{Handler, configuration, replace_track};
use super::tracks::{Kind, LocalTracks, same, stream_of, with_track};
use crate::call::link::ConnectionState;
use crate::call::session::ServerSdp;
use crate::protocol::{IceConfig, PeerId};
use js_sys::{Function, Promise, Reflect};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    Event, MediaStream, MediaStreamTrack, RtcPeerConnection, RtcRtpTransceiver,
    RtcRtpTransceiverDirection, RtcRtpTransceiverInit, RtcSdpType, RtcSessionDescriptionInit,
    RtcTrackEvent,
};

/// How often a received video track is checked for its first decoded frame.
const DECODE_POLL_MS: i32 = 25;

/// How many times, at most (two seconds).
const DECODE_POLLS: u32 = 80;

/// What the connection reports to the call.
pub struct ServerEvents {
    /// Negotiation data for the unit.
    pub send: Box<dyn Fn(ServerSdp)>,
    /// A participant's media changed: a stream of every track of theirs received so far.
    pub on_stream: Box<dyn Fn(PeerId, MediaStream)>,
    /// A participant's track (`audio` or `video`) can be played: sound arrives, or a picture
    /// has been decoded.
    pub on_flowing: Box<dyn Fn(PeerId, String)>,
    /// The connection's state changed.
    pub on_state: Box<dyn Fn(ConnectionState)>,
}

/// The connection to the server. Dropping it detaches its handlers and closes it.
pub struct ServerLink {
    inner: Rc<Inner>,
}

struct Inner {
    pc: RtcPeerConnection,
    local: RefCell<LocalTracks>,
    transceivers: Vec<(Kind, RtcRtpTransceiver)>,
    /// Every track received, by its publisher.
    remote: RefCell<HashMap<PeerId, Vec<MediaStreamTrack>>>,
    /// The media ids they arrive on, by publisher (statistics name streams by them).
    mids: RefCell<HashMap<PeerId, Vec<String>>>,
    /// The unit's descriptions waiting to be applied, in arrival order.
    inbox: Inbox<ServerSdp>,
    state: Cell<ConnectionState>,
    events: ServerEvents,
    handlers: RefCell<Vec<Handler>>,
}

impl ServerLink {
    /// Connects to the unit, publishing `local`, and sends the first offer.
    pub fn connect(
        ice: &IceConfig,
        local: LocalTracks,
        events: ServerEvents,
    ) -> Result<Self, JsValue> {
        let pc = RtcPeerConnection::new_with_configuration(&configuration(ice))?;
        let transceivers = Kind::ALL
            .into_iter()
            .map(|kind| {
                let init = RtcRtpTransceiverInit::new();
                init.set_direction(RtcRtpTransceiverDirection::Sendonly);
                let transceiver = match local.get(kind) {
                    Some(track) => {
                        pc.add_transceiver_with_media_stream_track_and_init(track, &init)
                    }
                    None => pc.add_transceiver_with_str_and_init(kind.media(), &init),
                };
                (kind, transceiver)
            })
            .collect();
        let inner = Rc::new(Inner {
            pc,
            local: RefCell::new(local),
            transceivers,
            remote: RefCell::new(HashMap::new()),
            mids: RefCell::new(HashMap::new()),
            inbox: Inbox::default(),
            state: Cell::new(ConnectionState::New),
            events,
            handlers: RefCell::new(Vec::new()),
        });
        Inner::attach_handlers(&inner);
        let offering = inner.clone();
        spawn_local(async move {
            match offering.describe().await {
                Ok(sdp) => (offering.events.send)(ServerSdp::Offer(sdp)),
                Err(error) => leptos::logging::warn!("server link: offer failed: {error:?}"),
            }
        });
        Ok(ServerLink { inner })
    }

    /// The connection, for reading its statistics.
    pub fn connection(&self) -> &RtcPeerConnection {
        &self.inner.pc
    }

    /// The connection's state as last reported.
    pub fn state(&self) -> ConnectionState {
        self.inner.state.get()
    }

    /// Sends these tracks from now on, replacing those that changed.
    pub fn send_tracks(&self, tracks: LocalTracks) {
        let previous = std::mem::replace(&mut *self.inner.local.borrow_mut(), tracks.clone());
        for (kind, transceiver) in &self.inner.transceivers {
            if !same(previous.get(*kind), tracks.get(*kind)) {
                replace_track(transceiver, tracks.get(*kind), "server");
            }
        }
    }

    /// The media ids (`mid`s) of what is received, by participant.
    pub fn received_mids(&self) -> Vec<(PeerId, Vec<String>)> {
        self.inner
            .mids
            .borrow()
            .iter()
            .map(|(peer, mids)| (*peer, mids.clone()))
            .collect()
    }

    /// A stream of every track of this participant's received so far, if any.
    pub fn stream(&self, peer: PeerId) -> Option<MediaStream> {
        self.inner
            .remote
            .borrow()
            .get(&peer)
            .map(|tracks| stream_of(tracks))
    }

    /// Forgets a participant's tracks (they left).
    pub fn forget(&self, peer: PeerId) {
        self.inner.remote.borrow_mut().remove(&peer);
        self.inner.mids.borrow_mut().remove(&peer);
    }

    /// Queues what the unit sent; it is applied after everything before it.
    pub fn receive(&self, sdp: ServerSdp) {
        Inner::receive(&self.inner, sdp);
    }
}

impl Drop for ServerLink {
    fn drop(&mut self) {
        self.inner.pc.set_ontrack(None);
        self.inner.pc.set_onconnectionstatechange(None);
        for track in self.inner.remote.borrow().values().flatten() {
            track.set_onunmute(None);
        }
        self.inner.handlers.borrow_mut().clear();
        self.inner.inbox.clear();
        self.inner.pc.close();
    }
}

impl Inner {
    fn attach_handlers(this: &Rc<Self>) {
        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_track = Handler::new(move |event| {
            if let Some(inner) = weak.upgrade() {
                inner.on_track(event);
            }
        });
        this.pc.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        let weak: Weak<Inner> = Rc::downgrade(this);
        let on_state = Handler::new(move |_| {
            if let Some(inner) = weak.upgrade() {
                inner.on_state();
            }
        });
        this.pc
            .set_onconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        this.handlers.borrow_mut().extend([on_track, on_state]);
    }

    /// A track of one of the others: it joins that participant's stream.
    fn on_track(self: &Rc<Self>, event: Event) {
        let event: RtcTrackEvent = event.unchecked_into();
        let Some(peer) = event
            .streams()
            .get(0)
            .dyn_into::<MediaStream>()
            .ok()
            .and_then(|stream| stream.id().parse::<PeerId>().ok())
        else {
            return;
        };
        let track = event.track();
        if let Some(mid) = event.transceiver().mid() {
            let mut mids = self.mids.borrow_mut();
            let theirs = mids.entry(peer).or_default();
            if !theirs.contains(&mid) {
                theirs.push(mid);
            }
        }
        let stream = with_track(
            self.remote.borrow_mut().entry(peer).or_default(),
            track.clone(),
        );
        (self.events.on_stream)(peer, stream);
        self.watch_flowing(peer, track);
    }

    /// Reports when the track can be played: a received track is muted until its first
    /// packets, and video needs a keyframe decoded after that.
    fn watch_flowing(self: &Rc<Self>, peer: PeerId, track: MediaStreamTrack) {
        if !track.muted() {
            Self::when_playable(self, peer, track);
            return;
        }
        let weak: Weak<Inner> = Rc::downgrade(self);
        let watched = track.clone();
        let on_unmute = Handler::new(move |_| {
            watched.set_onunmute(None);
            if let Some(inner) = weak.upgrade() {
                Self::when_playable(&inner, peer, watched.clone());
            }
        });
        track.set_onunmute(Some(on_unmute.as_ref().unchecked_ref()));
        self.handlers.borrow_mut().push(on_unmute);
    }

    /// Reports the flowing track once it can be played: at once for sound, after the first
    /// decoded frame for video (looked for every [`DECODE_POLL_MS`], at most
    /// [`DECODE_POLLS`] times: past that it is reported anyway).
    fn when_playable(this: &Rc<Self>, peer: PeerId, track: MediaStreamTrack) {
        let kind = track.kind();
        if kind != "video" {
            (this.events.on_flowing)(peer, kind);
            return;
        }
        let weak: Weak<Inner> = Rc::downgrade(this);
        spawn_local(async move {
            for _ in 0..DECODE_POLLS {
                let Some(inner) = weak.upgrade() else { return };
                let pc = inner.pc.clone();
                drop(inner);
                if crate::client::stats::frames_decoded(&pc, &track)
                    .await
                    .is_ok_and(|frames| frames > 0.0)
                {
                    break;
                }
                crate::client::sleep(DECODE_POLL_MS).await;
            }
            if let Some(inner) = weak.upgrade() {
                (inner.events.on_flowing)(peer, kind);
            }
        });
    }

    fn on_state(&self) {
        let name = Reflect::get(&self.pc, &"connectionState".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let state = ConnectionState::parse(&name);
        self.state.set(state);
        (self.events.on_state)(state);
    }

    fn receive(this: &Rc<Self>, sdp: ServerSdp) {
        Inbox::push(
            this,
            |inner| &inner.inbox,
            sdp,
            |inner, sdp| async move {
                if let Err(error) = inner.apply(sdp).await {
                    leptos::logging::warn!("server link: negotiation step failed: {error:?}");
                }
            },
        );
    }

    /// Applies the unit's answer, or answers its offer.
    async fn apply(&self, sdp: ServerSdp) -> Result<(), JsValue> {
        let (kind, text, answer) = match sdp {
            ServerSdp::Answer(text) => (RtcSdpType::Answer, text, false),
            ServerSdp::Offer(text) => (RtcSdpType::Offer, text, true),
        };
        let description = RtcSessionDescriptionInit::new(kind);
        description.set_sdp(&text);
        JsFuture::from(self.pc.set_remote_description(&description)).await?;
        if answer {
            let sdp = self.describe().await?;
            (self.events.send)(ServerSdp::Answer(sdp));
        }
        Ok(())
    }

    /// `setLocalDescription()` without arguments (the browser makes the offer or answer the
    /// state calls for), then the description made.
    async fn describe(&self) -> Result<String, JsValue> {
        let method: Function = Reflect::get(&self.pc, &"setLocalDescription".into())?.dyn_into()?;
        let promise: Promise = method.call0(&self.pc)?.dyn_into()?;
        JsFuture::from(promise).await?;
        self.pc
            .local_description()
            .map(|d| d.sdp())
            .ok_or_else(|| JsValue::from_str("no local description"))
    }
}
