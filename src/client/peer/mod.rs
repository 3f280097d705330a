//! One `RTCPeerConnection` to one remote participant. The decisions are made by pure machines
//! ([`crate::call::negotiation`] for perfect negotiation, [`crate::call::link`] for ICE
//! restarts); this is the web-sys shell that carries them out.
//!
//! Every connection has exactly one audio, one video and one screen-sound transceiver, all
//! send-and-receive from the start, even while we have nothing to send. Muting, turning the
//! camera on or off, sharing a screen and switching devices are then all `replaceTrack`, with no
//! renegotiation. The offering side also opens the control data channel in its first offer, so
//! the SCTP transport exists from the start; the answering side receives it. File channels opened
//! later need no renegotiation either (see [`crate::protocol::data`]).
//!
//! ## Layout
//! - this file: the link's public face and its teardown;
//! - `negotiate`: offers, remote signals applied one after another, candidates;
//! - `media`: the RTCConfiguration, transceivers and tracks;
//! - `events`: the connection's event handlers, and its health (ICE restarts);
//! - `control`: the control data channel.

mod control;
mod events;
mod media;
mod negotiate;

use super::data_channel::Channel;
use super::inbox::Inbox;
use super::tracks::{Kind, LocalTracks};
use crate::call::link::{ConnectionState, LinkHealth};
use crate::call::negotiation::Negotiation;
use crate::protocol::data::{PeerMessage, TransferId};
use crate::protocol::{IceConfig, PeerId, Signal};
use crate::state::peer_budget::PeerBudget;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use web_sys::{
    Event, MediaStream, MediaStreamTrack, RtcDataChannel, RtcPeerConnection, RtcRtpTransceiver,
};

pub(crate) use media::{configuration, replace_track};

/// A DOM event handler owned by Rust.
pub(crate) type Handler = Closure<dyn FnMut(Event)>;

/// What a peer link reports to its owner.
pub struct PeerEvents {
    /// Sends negotiation data to the remote peer through the signaling server.
    pub send: Box<dyn Fn(Signal)>,
    /// The remote media changed; carries a stream of every track received so far.
    pub on_stream: Box<dyn Fn(MediaStream)>,
    /// The connection state changed.
    pub on_state: Box<dyn Fn(ConnectionState)>,
    /// A message arrived on the control channel (already checked, and within the budget).
    pub on_message: Box<dyn Fn(PeerMessage)>,
    /// The remote peer sends more than its budget: what is over it is being dropped.
    pub on_flood: Box<dyn Fn()>,
    /// The remote peer opened the channel of one of its file transfers.
    pub on_file_channel: Box<dyn Fn(TransferId, RtcDataChannel)>,
}

/// The owner of one peer connection. Dropping it detaches every handler and closes the
/// connection.
pub struct PeerLink {
    inner: Rc<Inner>,
}

struct Inner {
    /// The remote participant.
    remote: PeerId,
    /// The connection.
    pc: RtcPeerConnection,
    /// Perfect negotiation's decisions.
    negotiation: RefCell<Negotiation>,
    /// When to restart ICE.
    health: RefCell<LinkHealth>,
    /// Signals waiting to be applied, in arrival order.
    inbox: Inbox<Signal>,
    /// What we send (or will send, on the answering side, once the offer arrives).
    local: RefCell<LocalTracks>,
    /// Our transceivers, once they exist.
    transceivers: RefCell<Vec<(Kind, RtcRtpTransceiver)>>,
    /// Every remote track received, for the stream handed to the UI.
    remote_tracks: RefCell<Vec<MediaStreamTrack>>,
    /// The control channel, once opened (offering side) or received (answering side).
    control: RefCell<Option<Channel>>,
    /// Control messages waiting for the channel to open.
    unsent: RefCell<VecDeque<String>>,
    /// What the remote peer may still send on the control channel.
    budget: RefCell<PeerBudget>,
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
        Inner::open_control(&link.inner);
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

    fn new(
        remote: PeerId,
        polite: bool,
        ice: &IceConfig,
        local: LocalTracks,
        events: PeerEvents,
    ) -> Result<Self, JsValue> {
        let pc = RtcPeerConnection::new_with_configuration(&media::configuration(ice))?;
        let (health, first_check) = LinkHealth::new(js_sys::Date::now());
        let inner = Rc::new(Inner {
            remote,
            pc,
            negotiation: RefCell::new(Negotiation::new(polite)),
            health: RefCell::new(health),
            inbox: Inbox::default(),
            local: RefCell::new(local),
            transceivers: RefCell::new(Vec::new()),
            remote_tracks: RefCell::new(Vec::new()),
            control: RefCell::new(None),
            unsent: RefCell::new(VecDeque::new()),
            budget: RefCell::new(PeerBudget::new(js_sys::Date::now())),
            events,
            handlers: RefCell::new(Vec::new()),
        });
        Inner::attach_handlers(&inner);
        Inner::carry_out(&inner, vec![first_check]);
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

    /// The connection's state as last reported.
    pub fn state(&self) -> ConnectionState {
        self.inner.health.borrow().state()
    }

    /// Sends these tracks from now on, replacing those that changed, without renegotiation.
    pub fn send_tracks(&self, tracks: LocalTracks) {
        self.inner.send_tracks(tracks);
    }

    /// Sends a control message, now if the control channel is open, else once it opens.
    pub fn send(&self, message: &PeerMessage) {
        self.inner.send_control(message);
    }

    /// Opens the channel that carries one of our file transfers.
    pub fn open_file_channel(&self, transfer: TransferId) -> RtcDataChannel {
        self.inner
            .pc
            .create_data_channel(&crate::protocol::data::file_channel_label(transfer))
    }

    /// Queues negotiation data from the remote peer; it is applied after everything before it.
    pub fn receive(&self, signal: Signal) {
        Inner::receive(&self.inner, signal);
    }
}

impl Drop for PeerLink {
    fn drop(&mut self) {
        self.inner.detach();
        self.inner.control.borrow_mut().take();
        self.inner.pc.close();
        self.inner.inbox.clear();
    }
}
