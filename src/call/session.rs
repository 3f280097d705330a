//! The decisions of one person's presence in a meeting, as a plain state machine: it takes what
//! happens (the signaling connection opening or closing, server messages, the ICE configuration
//! arriving, timers, what the person does) and returns what to do, as [`Action`]s. The browser
//! shell (`client::call`) carries the actions out with web-sys and feeds the events back; this
//! file never touches the browser, the network or the clock, so every rule here is tested
//! natively.
//!
//! The rules:
//! - the newcomer offers to everyone already in the room (listed in the welcome); those already
//!   there prepare to answer when they hear `peer_joined`. The server orders joins, so exactly
//!   one side of each pair offers, whatever order people click Join in;
//! - the ICE configuration is fetched once the server has let us in (only members may); no
//!   connection is made, and no later server message handled, until it is here; it is fetched
//!   again before its credentials expire;
//! - a lost server is retried with backoff and jitter while media goes on between the browsers;
//!   what we send meanwhile waits and goes out once we are back; a server that takes us back as
//!   ourselves keeps every connection; one that does not (it forgot us) starts over;
//! - after resuming on a restarted server, those it does not confirm within its grace period are
//!   gone;
//! - a host back on a restarted server locks the room and sets its password again;
//! - in a room whose media goes through the server's forwarding unit ([`MediaRoute::Sfu`]),
//!   there is one connection, to the server, made on every welcome (the server ends it when
//!   our signaling connection drops) and again if the server ends it; participants get tiles
//!   but no connection of their own.

use super::{CallPhase, Timer};
use crate::i18n::Text;
use crate::protocol::{
    ClientMessage, ErrorCode, MediaRoute, MediaState, PeerId, PeerInfo, Resume, RoomId,
    RoomSettings, ServerMessage, Signal,
};
use crate::state::problem::Problem;
use std::collections::{BTreeMap, BTreeSet, HashSet, VecDeque};

/// Messages for the server kept while reconnecting (candidates and offers of an ICE restart).
pub const OUTBOX_LIMIT: usize = 256;

/// After resuming on a restarted server, how long the others have to come back before their
/// tiles are removed (the server's own grace period), in milliseconds.
pub const RECONCILE_AFTER_MS: u32 = 20_000;

/// On joining a room with people in it, the call is drawn once our first offer is out, or this
/// long after the welcome if it is slow to come, in milliseconds.
pub const DRAW_CALL_AT_LATEST_MS: u32 = 250;

/// How soon to ask for the ICE configuration again when the server did not answer, in seconds.
pub const ICE_RETRY_SECONDS: u32 = 30;

/// When a room's media moves to the server, how long direct connections are kept at most while
/// the server's connection takes over.
pub const BRIDGE_MS: u32 = 10_000;

/// How long direct connections are kept once the server carries everyone's media to us: the
/// others may still be receiving ours over them.
pub const BRIDGE_GRACE_MS: u32 = 1_500;

/// The ICE configuration's progress.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Ice {
    /// Not asked for yet.
    Unknown,
    /// Asked for the first time: server messages wait for it.
    Fetching,
    /// Here.
    Ready,
}

/// One person's presence in one meeting.
#[derive(Debug)]
pub struct CallCore {
    room: RoomId,
    name: String,
    password: Option<String>,
    media: MediaState,
    /// Our hand is up (as we asked, or as the server last said).
    hand: bool,
    phase: CallPhase,
    me: Option<PeerId>,
    resume: Option<Resume>,
    ice: Ice,
    /// Server messages that arrived while the first ICE configuration was being fetched.
    waiting: Vec<ServerMessage>,
    /// Those in the room when we joined, to connect to once the ICE configuration is here.
    unconnected: Vec<PeerId>,
    /// Participants shown, with their names.
    tiles: BTreeMap<PeerId, String>,
    /// Participants we have a connection to.
    connected: BTreeSet<PeerId>,
    socket_open: bool,
    reconnecting: bool,
    attempts: u32,
    outbox: VecDeque<ClientMessage>,
    /// After resuming: the participants the server has confirmed are still here.
    confirmed: Option<HashSet<PeerId>>,
    /// What we, as host, last asked for (a restarted server forgets all three).
    locked: bool,
    waiting_room: bool,
    /// Those waiting to be let in, as the server last told us (we host).
    knocking: BTreeSet<PeerId>,
    protection_password: Option<String>,
    /// An alert or a problem is showing.
    alerting: bool,
    /// How the room's media travels, as its settings last said.
    route: MediaRoute,
    /// In a forwarded room: the connection to the server has been asked for.
    server_linked: bool,
    /// The room's media moved to the server and direct connections are kept meanwhile, so the
    /// picture does not stop while the server's connection comes up.
    bridge_open: bool,
    /// Those whose media we still show from the direct connection, until the server carries it.
    bridging: BTreeSet<PeerId>,
    /// The participants whose video the page does not show now, as it last said.
    hidden_video: Vec<PeerId>,
    /// The connection to the server has made its first offer (it has joined the room's media),
    /// so the server can be told whose video not to send.
    media_offered: bool,
}

impl CallCore {
    /// A presence in `room` under `name`, with the password typed in the lobby and what we send.
    pub fn new(room: RoomId, name: String, password: Option<String>, media: MediaState) -> Self {
        CallCore {
            room,
            name,
            password,
            media,
            hand: false,
            phase: CallPhase::Lobby,
            me: None,
            resume: None,
            ice: Ice::Unknown,
            waiting: Vec::new(),
            unconnected: Vec::new(),
            tiles: BTreeMap::new(),
            connected: BTreeSet::new(),
            socket_open: false,
            reconnecting: false,
            attempts: 0,
            outbox: VecDeque::new(),
            confirmed: None,
            locked: false,
            waiting_room: false,
            knocking: BTreeSet::new(),
            protection_password: None,
            alerting: false,
            route: MediaRoute::Mesh,
            server_linked: false,
            bridge_open: false,
            bridging: BTreeSet::new(),
            hidden_video: Vec::new(),
            media_offered: false,
        }
    }

    /// Our id in the room, once welcomed.
    pub fn me(&self) -> Option<PeerId> {
        self.me
    }

    /// Whether the room's media (and so its chat) goes through the server.
    pub fn through_server(&self) -> bool {
        self.route == MediaRoute::Sfu
    }

    /// How to come back as ourselves.
    pub fn resume(&self) -> Option<&Resume> {
        self.resume.as_ref()
    }

    /// The phase the page shows.
    pub fn phase(&self) -> CallPhase {
        self.phase
    }

    /// The participants we have connections to.
    pub fn connected(&self) -> impl Iterator<Item = PeerId> + '_ {
        self.connected.iter().copied()
    }

    /// Messages waiting for the server.
    pub fn waiting_for_server(&self) -> usize {
        self.outbox.len()
    }

    /// Applies one input; returns what to do, in order.
    pub fn handle(&mut self, input: Input) -> Vec<Action> {
        let mut out = Vec::new();
        match input {
            Input::Join => {
                if self.alerting {
                    self.problem(None, &mut out);
                }
                self.set_phase(CallPhase::Joining, &mut out);
                out.push(Action::OpenSignaling);
            }
            Input::SignalingOpen => {
                self.socket_open = true;
                out.push(Action::Send(ClientMessage::Join {
                    room: self.room.clone(),
                    name: self.name.clone(),
                    media: self.media,
                    hand: self.hand,
                    password: self.password.clone(),
                    resume: self.resume.clone(),
                }));
            }
            Input::Server(message) => self.server(message, &mut out),
            Input::SignalingClosed { code, jitter } => self.lost_server(code, jitter, &mut out),
            Input::IceFetched(config) => self.ice_fetched(config, &mut out),
            Input::Timer(timer) => self.timer(timer, &mut out),
            Input::ServerMedia(sdp) => {
                if !self.server_linked {
                    return out;
                }
                let offer = matches!(sdp, ServerSdp::Offer(_));
                let message = match sdp {
                    ServerSdp::Offer(sdp) => ClientMessage::MediaOffer { sdp },
                    ServerSdp::Answer(sdp) => ClientMessage::MediaAnswer { sdp },
                };
                self.send(message, &mut out);
                if offer {
                    if !self.media_offered {
                        // The unit starts a connection sending everything.
                        self.media_offered = true;
                        if !self.hidden_video.is_empty() {
                            self.tell_hidden_video(&mut out);
                        }
                    }
                    self.draw_call(&mut out);
                }
            }
            Input::ServerCarries(peer) => self.server_carries(peer, &mut out),
            Input::HiddenVideo(mut peers) => {
                peers.retain(|peer| self.tiles.contains_key(peer));
                peers.sort();
                peers.dedup();
                if peers != self.hidden_video {
                    self.hidden_video = peers;
                    self.tell_hidden_video(&mut out);
                }
            }
            Input::Chat { to, text, sent_at } => {
                self.send(ClientMessage::Chat { to, text, sent_at }, &mut out);
            }
            Input::Outgoing { to, signal } => {
                let description = matches!(signal, Signal::Description { .. });
                self.send(ClientMessage::Signal { to, signal }, &mut out);
                if description {
                    self.draw_call(&mut out);
                }
            }
            Input::Media(media) => {
                self.media = media;
                if self.me.is_some() {
                    self.send(ClientMessage::Media { state: media }, &mut out);
                }
            }
            Input::Lock(locked) => {
                self.locked = locked;
                self.send(ClientMessage::Lock { locked }, &mut out);
            }
            Input::SetPassword(password) => {
                self.protection_password = password.clone();
                self.send(ClientMessage::SetPassword { password }, &mut out);
            }
            Input::Remove(id) => self.send(ClientMessage::Remove { id }, &mut out),
            Input::Hand(raised) => {
                self.hand = raised;
                if self.me.is_some() {
                    self.send(ClientMessage::Hand { raised }, &mut out);
                }
            }
            Input::LowerHand(id) => self.send(ClientMessage::LowerHand { id }, &mut out),
            Input::AskToUnmute(id) => self.send(ClientMessage::AskToUnmute { id }, &mut out),
            Input::SetWaitingRoom(on) => {
                self.waiting_room = on;
                self.send(ClientMessage::SetWaitingRoom { on }, &mut out);
            }
            Input::Admit(id) => self.send(ClientMessage::Admit { id }, &mut out),
            Input::AdmitAll => self.send(ClientMessage::AdmitAll, &mut out),
            Input::Deny(id) => self.send(ClientMessage::Deny { id }, &mut out),
            Input::React(reaction) => {
                // A reaction is of the moment: one that could not go now is not sent later.
                if self.me.is_some() && self.socket_open && !self.reconnecting {
                    out.push(Action::Send(ClientMessage::React { reaction }));
                }
            }
            Input::Leave => self.leave(&mut out),
        }
        out
    }

    fn set_phase(&mut self, phase: CallPhase, out: &mut Vec<Action>) {
        if self.phase != phase {
            self.phase = phase;
            out.push(Action::Phase(phase));
        }
    }

    fn alert(&mut self, sentence: Option<Text>, out: &mut Vec<Action>) {
        self.alerting = sentence.is_some();
        out.push(Action::Alert(sentence));
    }

    /// Shows a problem screen; what happens after (the socket closing) does not replace it.
    pub(super) fn problem(&mut self, problem: Option<Problem>, out: &mut Vec<Action>) {
        self.alerting = problem.is_some();
        out.push(Action::Problem(problem));
    }

    /// Sends to the server; while it is away (and we were in the call), keeps the message for
    /// when we are back.
    fn send(&mut self, message: ClientMessage, out: &mut Vec<Action>) {
        if self.socket_open && !self.reconnecting {
            out.push(Action::Send(message));
        } else if self.me.is_some()
            && !matches!(message, ClientMessage::Leave)
            && self.outbox.len() < OUTBOX_LIMIT
        {
            self.outbox.push_back(message);
        }
    }

    fn server(&mut self, mut message: ServerMessage, out: &mut Vec<Action>) {
        if self.ice == Ice::Fetching {
            self.waiting.push(message);
            return;
        }
        // The first welcome brings the ICE configuration, or (from a server that does not send
        // it) is the moment to fetch it: only a member may. The welcome itself is handled first;
        // the connections it asks for wait for the configuration.
        let mut arrived = None;
        if let ServerMessage::Welcome {
            you,
            resume_token,
            ice,
            ..
        } = &mut message
            && self.ice == Ice::Unknown
        {
            self.ice = Ice::Fetching;
            match ice.take() {
                Some(config) => arrived = Some(config),
                None => out.push(Action::FetchIce(Resume {
                    id: *you,
                    token: resume_token.clone(),
                })),
            }
        }
        match message {
            ServerMessage::Welcome {
                you,
                peers,
                resume_token,
                settings,
                resumed,
                ice: _,
            } => {
                self.resume = Some(Resume {
                    id: you,
                    token: resume_token,
                });
                // The server ended our media connection when our signaling connection dropped.
                self.server_linked = false;
                out.push(Action::Settings(settings));
                self.reroute(settings.media, out);
                self.welcomed(you, peers, resumed, out);
                if resumed && settings.host == Some(you) {
                    self.protect_again(settings, out);
                }
            }
            ServerMessage::ResumeToken { resume_token } => {
                if let Some(resume) = self.resume.as_mut() {
                    resume.token = resume_token;
                }
            }
            ServerMessage::Settings { settings } => {
                out.push(Action::Settings(settings));
                self.reroute(settings.media, out);
            }
            ServerMessage::PeerJoined { peer } => {
                if let Some(confirmed) = self.confirmed.as_mut() {
                    confirmed.insert(peer.id);
                }
                if self.connected.contains(&peer.id) {
                    // Back after a server restart: the connection between us never stopped.
                    out.push(Action::TileMedia(peer.id, peer.media));
                    out.push(Action::Hand(peer.id, peer.hand));
                    return;
                }
                let id = peer.id;
                out.push(Action::Toast(
                    Text::new("toast-joined").arg("name", &peer.name),
                ));
                self.tiles.insert(id, peer.name.clone());
                out.push(Action::AddTile(peer));
                self.connect(id, false, out);
            }
            ServerMessage::PeerMedia { id, state } => {
                if self.tiles.contains_key(&id) {
                    out.push(Action::TileMedia(id, state));
                }
            }
            ServerMessage::PeerHand { id, hand } => {
                if Some(id) == self.me {
                    self.hand = hand.is_some();
                    out.push(Action::Hand(id, hand));
                } else if self.tiles.contains_key(&id) {
                    out.push(Action::Hand(id, hand));
                }
            }
            ServerMessage::Reaction { from, reaction } => {
                if Some(from) == self.me || self.tiles.contains_key(&from) {
                    out.push(Action::Reaction(from, reaction));
                }
            }
            ServerMessage::Waiting => self.set_phase(CallPhase::Waiting, out),
            ServerMessage::Knocking { waiting } => {
                for newcomer in waiting.iter().filter(|w| !self.knocking.contains(&w.id)) {
                    out.push(Action::Toast(
                        Text::new("toast-knocking").arg("name", &newcomer.name),
                    ));
                }
                self.knocking = waiting.iter().map(|w| w.id).collect();
                out.push(Action::Waiting(waiting));
            }
            ServerMessage::UnmuteAsked => {
                out.push(Action::Toast(Text::new("toast-unmute-asked")));
            }
            ServerMessage::PeerLeft { id } => {
                self.peer_left(id, "file-failed-peer-left", out);
            }
            ServerMessage::Signal { from, signal } => {
                if self.connected.contains(&from) {
                    out.push(Action::Deliver { from, signal });
                }
            }
            ServerMessage::MediaAnswer { sdp } if self.server_linked => {
                out.push(Action::DeliverMedia(ServerSdp::Answer(sdp)));
            }
            ServerMessage::MediaOffer { sdp } if self.server_linked => {
                out.push(Action::DeliverMedia(ServerSdp::Offer(sdp)));
            }
            ServerMessage::MediaEnded if self.server_linked => {
                self.server_linked = false;
                self.connect_server(out);
            }
            ServerMessage::Speakers { speaking, active } if self.server_linked => {
                let known = |peer: &PeerId| self.tiles.contains_key(peer);
                out.push(Action::Speakers {
                    speaking: speaking.into_iter().filter(known).collect(),
                    active: active.filter(known),
                });
            }
            ServerMessage::Chat {
                from,
                text,
                private,
                sent_at,
            } => {
                if self.tiles.contains_key(&from) {
                    out.push(Action::Chat {
                        from,
                        text,
                        private,
                        sent_at,
                    });
                }
            }
            // For a connection to the server that has since been replaced.
            ServerMessage::MediaAnswer { .. }
            | ServerMessage::MediaOffer { .. }
            | ServerMessage::MediaEnded
            | ServerMessage::Speakers { .. } => {}
            ServerMessage::Error { code, .. } => {
                if code == ErrorCode::Removed {
                    self.close_socket(out);
                    self.leave(out);
                    self.problem(Problem::of(code), out);
                } else if code == ErrorCode::TooFast && self.me.is_some() {
                    // Too many reactions (or password changes): a passing notice, not an alert
                    // that stays.
                    out.push(Action::Toast(code.text()));
                    return;
                } else if self.me.is_none() {
                    // The join itself was refused (e.g. the room is full): back to the lobby.
                    self.close_socket(out);
                    let needs = matches!(
                        code,
                        ErrorCode::PasswordRequired
                            | ErrorCode::WrongPassword
                            | ErrorCode::TooManyGuesses
                    );
                    out.push(Action::NeedsPassword(needs));
                    self.set_phase(CallPhase::Lobby, out);
                    if let Some(problem) = Problem::of(code) {
                        self.problem(Some(problem), out);
                        return;
                    }
                }
                self.alert(Some(code.text()), out);
            }
        }
        if let Some(config) = arrived {
            self.ice_fetched(Some(config), out);
        }
    }

    /// We are in the room: first join, or back after losing the server.
    fn welcomed(
        &mut self,
        you: PeerId,
        peers: Vec<PeerInfo>,
        resumed: bool,
        out: &mut Vec<Action>,
    ) {
        let was = self.me;
        if was.is_some() && !(resumed && was == Some(you)) {
            // The server did not take us back as ourselves: start over as a newcomer.
            self.tiles.clear();
            self.connected.clear();
            self.unconnected.clear();
            out.push(Action::ClearPeers);
        }
        self.me = Some(you);
        out.push(Action::Me(Some(you)));
        self.alert(None, out);
        out.push(Action::NeedsPassword(false));
        if self.reconnecting {
            self.reconnecting = false;
            out.push(Action::Reconnecting(false));
        }
        self.attempts = 0;
        if self.phase == CallPhase::Joining && !peers.is_empty() {
            out.push(Action::Wake {
                after_ms: DRAW_CALL_AT_LATEST_MS,
                timer: Timer::DrawCall,
            });
        } else {
            self.set_phase(CallPhase::InCall, out);
        }
        if resumed && !self.connected.is_empty() {
            // Whoever the (possibly restarted) server does not confirm in time has gone.
            self.confirmed = Some(peers.iter().map(|p| p.id).collect());
            out.push(Action::Wake {
                after_ms: RECONCILE_AFTER_MS,
                timer: Timer::Reconcile,
            });
        }
        for peer in peers {
            if self.connected.contains(&peer.id) {
                out.push(Action::TileMedia(peer.id, peer.media));
                out.push(Action::Hand(peer.id, peer.hand));
                continue;
            }
            let id = peer.id;
            if self.tiles.insert(id, peer.name.clone()).is_none() {
                out.push(Action::AddTile(peer));
            }
            if self.ice == Ice::Ready {
                self.connect(id, true, out);
            } else {
                self.unconnected.push(id);
            }
        }
        // Held messages were for the connections before; a new connection to the server
        // makes its own offer.
        let held: Vec<_> = self.outbox.drain(..).collect();
        for message in held {
            let for_old_link = matches!(
                message,
                ClientMessage::MediaOffer { .. } | ClientMessage::MediaAnswer { .. }
            );
            if !for_old_link {
                self.send(message, out);
            }
        }
        if self.ice == Ice::Ready {
            self.connect_server(out);
        }
    }

    /// The room's media changes how it travels (it grew past, or shrank to, the server's limit
    /// for direct connections): the connections of the old route give way to the new one's.
    /// Back to direct connections, the later joiner of each pair offers, as when joining.
    fn reroute(&mut self, route: MediaRoute, out: &mut Vec<Action>) {
        if route == self.route {
            return;
        }
        self.route = route;
        match route {
            MediaRoute::Sfu => {
                // Make before break: each direct connection stays until the server carries
                // that participant's media (or the bridge's time is up).
                self.bridging = self.connected.clone();
                self.bridge_open = !self.bridging.is_empty();
                if self.bridge_open {
                    out.push(Action::Wake {
                        after_ms: BRIDGE_MS,
                        timer: Timer::EndBridge,
                    });
                }
                self.connect_server(out);
            }
            MediaRoute::Mesh => {
                // Back again before the bridge ended: what is left of it goes, as new direct
                // connections are made.
                self.end_bridge(out);
                self.server_linked = false;
                out.push(Action::DropServerLink);
                let Some(me) = self.me else { return };
                let peers = std::mem::take(&mut self.connected);
                for peer in peers {
                    if self.ice == Ice::Ready {
                        self.connect(peer, me > peer, out);
                    } else {
                        self.unconnected.push(peer);
                    }
                }
            }
        }
    }

    /// The server carries this participant's media now: their tile shows it.
    fn server_carries(&mut self, peer: PeerId, out: &mut Vec<Action>) {
        if self.bridging.remove(&peer) {
            out.push(Action::ShowServerMedia(peer));
            self.bridge_crossed(out);
        }
    }

    /// Once the server carries everyone's media to us, the direct connections close after a
    /// grace (the others may not have switched yet).
    fn bridge_crossed(&mut self, out: &mut Vec<Action>) {
        if self.bridge_open && self.bridging.is_empty() {
            out.push(Action::Wake {
                after_ms: BRIDGE_GRACE_MS,
                timer: Timer::EndBridge,
            });
        }
    }

    /// Closes the direct connections kept after the room's media moved to the server.
    pub(super) fn end_bridge(&mut self, out: &mut Vec<Action>) {
        self.bridging.clear();
        if std::mem::take(&mut self.bridge_open) {
            out.push(Action::DropPeerLinks);
        }
    }

    /// In a forwarded room: asks for the connection to the server, unless it was.
    pub(super) fn connect_server(&mut self, out: &mut Vec<Action>) {
        if self.route != MediaRoute::Sfu || self.server_linked || self.me.is_none() {
            return;
        }
        self.server_linked = true;
        self.media_offered = false;
        out.push(Action::ConnectServer);
    }

    /// Tells the server whose video the page does not show, once the connection to it carries
    /// media (an empty list only replaces an earlier one).
    fn tell_hidden_video(&mut self, out: &mut Vec<Action>) {
        if self.route != MediaRoute::Sfu || !self.server_linked || !self.media_offered {
            return;
        }
        let peers = self.hidden_video.clone();
        self.send(ClientMessage::PauseVideo { peers }, out);
    }

    fn connect(&mut self, peer: PeerId, we_offer: bool, out: &mut Vec<Action>) {
        let Some(me) = self.me else { return };
        if !self.connected.insert(peer) {
            return;
        }
        if self.route == MediaRoute::Sfu {
            // Their media comes over the connection to the server.
            return;
        }
        // The later joiner (higher id) yields when offers collide.
        out.push(Action::Connect {
            peer,
            we_offer,
            polite: me > peer,
        });
    }

    fn draw_call(&mut self, out: &mut Vec<Action>) {
        if self.phase == CallPhase::Joining {
            self.set_phase(CallPhase::InCall, out);
        }
    }

    /// Back as host of a server that lost the room's lock or password (it restarted): sets
    /// them again, so the room is not left open.
    fn protect_again(&mut self, settings: RoomSettings, out: &mut Vec<Action>) {
        if self.locked && !settings.locked {
            self.send(ClientMessage::Lock { locked: true }, out);
        }
        if self.waiting_room && !settings.waiting_room {
            self.send(ClientMessage::SetWaitingRoom { on: true }, out);
        }
        if self.protection_password.is_some() && !settings.password {
            let password = self.protection_password.clone();
            self.send(ClientMessage::SetPassword { password }, out);
        }
    }

    /// A participant is gone; `why` is the message id of what their unfinished transfers say.
    fn peer_left(&mut self, id: PeerId, why: &'static str, out: &mut Vec<Action>) {
        self.connected.remove(&id);
        if self.bridging.remove(&id) {
            self.bridge_crossed(out);
        }
        self.unconnected.retain(|p| *p != id);
        if let Some(name) = self.tiles.remove(&id) {
            out.push(Action::Toast(Text::new("toast-left").arg("name", &name)));
            out.push(Action::RemoveTile {
                peer: id,
                why: Text::new(why).arg("name", name),
            });
        }
    }

    /// Leaves the call: tells the server, closes every connection. Safe to call twice.
    fn leave(&mut self, out: &mut Vec<Action>) {
        if self.phase == CallPhase::Left {
            return;
        }
        if self.me.is_some() && self.socket_open {
            out.push(Action::Send(ClientMessage::Leave));
        }
        if self.socket_open {
            self.close_socket(out);
        }
        self.connected.clear();
        self.bridging.clear();
        self.bridge_open = false;
        self.tiles.clear();
        self.outbox.clear();
        self.server_linked = false;
        if std::mem::take(&mut self.hand)
            && let Some(me) = self.me
        {
            out.push(Action::Hand(me, None));
        }
        out.push(Action::CloseAll);
        self.me = None;
        out.push(Action::Me(None));
        if self.reconnecting {
            self.reconnecting = false;
            out.push(Action::Reconnecting(false));
        }
        self.set_phase(CallPhase::Left, out);
    }
}

mod events;
#[cfg(test)]
mod forwarded_tests;
#[cfg(test)]
mod gesture_tests;
mod recovery;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod waiting_tests;

pub use events::{Action, Input, ServerSdp};
