//! What one signaling connection asks for: joining (with the room's password and the client's
//! budgets), relaying signals, media state, host actions, leaving; each carried out by the hub
//! or refused with an error code.

use crate::protocol::{
    ClientMessage, ErrorCode, MAX_PASSWORD_CHARS, PeerId, RoomId, ServerMessage,
};
use crate::server::AppState;
use crate::server::hub::{Admission, ConnectionId, Hub, IceFor, JoinRequest};
use crate::server::outbox::OutboxSender;
use crate::server::sfu::SfuError;
use crate::server::sfu::shell::SfuEvent;
use crate::server::source::Source;
use std::sync::Arc;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What the connection is doing in the hub.
struct Membership {
    room: RoomId,
    id: PeerId,
    /// Waiting for the host to let it in: not a member yet.
    waiting: bool,
}

/// One connection's state, as the reading task sees it.
pub(super) struct Connection {
    hub: Arc<Hub>,
    state: AppState,
    id: ConnectionId,
    /// The client it comes from.
    source: Source,
    /// The host the page reached the server by (its TURN URLs name the same host).
    host: Option<String>,
    tx: OutboxSender,
    membership: Option<Membership>,
    /// What the forwarding unit tells this member, once it joined the room's media.
    media: Option<mpsc::Receiver<SfuEvent>>,
}

/// The current moment, on tokio's clock (which tests can pause and move).
pub(super) fn now() -> std::time::Instant {
    Instant::now().into_std()
}

impl Connection {
    /// A connection of `state`'s server from `source` (which reached it as `host`), queueing
    /// into `tx`, in no room yet.
    pub(super) fn new(
        state: &AppState,
        source: Source,
        host: Option<String>,
        tx: OutboxSender,
    ) -> Self {
        Connection {
            hub: state.hub.clone(),
            id: state.hub.connection_id(),
            source,
            host,
            state: state.clone(),
            tx,
            membership: None,
            media: None,
        }
    }

    /// The joiner's ICE configuration, made once the hub has given it its id.
    fn ice_for(&self) -> IceFor {
        let (ice, host) = (self.state.ice.clone(), self.host.clone());
        IceFor(Box::new(move |id| {
            ice.config_for(id, host.as_deref(), std::time::SystemTime::now())
        }))
    }

    /// The member this connection carries, if it joined.
    pub(super) fn peer(&self) -> Option<PeerId> {
        self.membership.as_ref().map(|m| m.id)
    }

    /// The member this connection carries, once it is one: a waiter the host has let in
    /// becomes one here (the hub welcomed it through the outbox); one turned away is none.
    fn member(&mut self) -> Option<&Membership> {
        if let Some(m) = self.membership.as_mut()
            && m.waiting
        {
            if self.hub.is_admitted(&m.room, m.id, self.id) {
                m.waiting = false;
            } else if !self.hub.is_waiting(&m.room, m.id, self.id) {
                self.membership = None;
            }
        }
        self.membership.as_ref().filter(|m| !m.waiting)
    }

    /// The hub, beside [`Connection::member`]'s answer.
    fn member_and_hub(&mut self) -> Option<(&Membership, &Hub, &AppState)> {
        self.member()?;
        let m = self.membership.as_ref()?;
        Some((m, &self.hub, &self.state))
    }

    /// Gives the member a fresh resume token (every quarter of the token's lifetime).
    pub(super) fn renew_token(&mut self) {
        let id = self.id;
        if let Some((m, hub, _)) = self.member_and_hub() {
            hub.renew_token(&m.room, m.id, id, now());
        }
    }

    /// Applies one client message; returns the reply for the sender, if any.
    pub(super) async fn handle_text(&mut self, text: &str) -> Option<ServerMessage> {
        // Most messages are signals: relayed as written, after the same checks.
        if let Some((to, signal)) = crate::server::signal_frame::read(text) {
            let Some((m, hub, state)) = self.member_and_hub() else {
                return Some(ServerMessage::error(ErrorCode::NotInRoom));
            };
            let frame = crate::server::signal_frame::frame(m.id, signal);
            let relayed = hub.relay_frame(&m.room, m.id, to, frame);
            if relayed.is_ok() {
                state.metrics.relayed.inc();
            }
            return self.answer(relayed);
        }
        let message = match serde_json::from_str::<ClientMessage>(text) {
            Ok(message) => message,
            Err(error) => {
                return Some(ServerMessage::Error {
                    code: ErrorCode::BadMessage,
                    message: format!("The server could not read that message: {error}."),
                });
            }
        };
        let result = match message {
            ClientMessage::Join {
                room,
                name,
                media,
                hand,
                password,
                resume,
            } => {
                if self.membership.is_some() {
                    return Some(ServerMessage::error(ErrorCode::AlreadyJoined));
                }
                return self.join(room, name, media, hand, password, resume).await;
            }
            ClientMessage::MediaOffer { sdp } => return self.media_offer(sdp).await,
            ClientMessage::MediaAnswer { sdp } => self.media_answer(sdp).await,
            ClientMessage::PauseVideo { peers } => self.pause_video(peers).await,
            ClientMessage::Leave => {
                self.member();
                self.leave_media();
                if let Some(m) = self.membership.take() {
                    if m.waiting {
                        self.hub.stop_waiting(&m.room, m.id, self.id);
                    } else {
                        tracing::info!(room = %m.room, peer = %m.id, "peer left");
                        self.hub.leave(&m.room, m.id, now());
                    }
                }
                Ok(())
            }
            other => {
                if self.member().is_none() {
                    return Some(ServerMessage::error(ErrorCode::NotInRoom));
                }
                let m = self.membership.as_ref()?;
                let (hub, room, me) = (&self.hub, &m.room, m.id);
                match other {
                    ClientMessage::Signal { to, signal } => {
                        let relayed = hub.relay(room, me, to, signal);
                        if relayed.is_ok() {
                            self.state.metrics.relayed.inc();
                        }
                        relayed
                    }
                    ClientMessage::Media { state } => {
                        hub.update_media(room, me, state);
                        Ok(())
                    }
                    ClientMessage::Hand { raised } => hub.set_hand(room, me, raised),
                    ClientMessage::LowerHand { id } => hub.lower_hand(room, me, id),
                    ClientMessage::React { reaction } => hub.react(room, me, reaction, now()),
                    ClientMessage::Chat { to, text, sent_at } => {
                        hub.chat(room, me, to, &text, sent_at)
                    }
                    ClientMessage::AskToUnmute { id } => hub.ask_to_unmute(room, me, id, now()),
                    ClientMessage::Lock { locked } => hub.set_locked(room, me, locked),
                    ClientMessage::SetWaitingRoom { on } => {
                        hub.set_waiting_room(room, me, on, now())
                    }
                    ClientMessage::Admit { id } => hub.admit(room, me, id, now()),
                    ClientMessage::AdmitAll => hub.admit_all(room, me, now()),
                    ClientMessage::Deny { id } => hub.deny(room, me, id),
                    ClientMessage::SetPassword { password } => {
                        let hashed = match password {
                            Some(p) if p.chars().count() > MAX_PASSWORD_CHARS || p.is_empty() => {
                                return Some(ServerMessage::error(ErrorCode::Invalid));
                            }
                            Some(p) => {
                                if let Err(code) = hub.may_change_password(room, me, now()) {
                                    return self.answer(Err(code));
                                }
                                match self.state.hasher.hash(p).await {
                                    Ok(hashed) => Some(hashed),
                                    Err(code) => return self.answer(Err(code)),
                                }
                            }
                            None => None,
                        };
                        let (hub, m) = (&self.hub, self.membership.as_ref()?);
                        hub.set_password(&m.room, m.id, hashed)
                    }
                    ClientMessage::Remove { id } => hub.remove(room, me, id, now()).map(|_| {
                        self.state.keep_revocations(now());
                        // Its media ends now, not when its connection has closed.
                        if let Some(sfu) = &self.state.sfu {
                            sfu.leave(room.clone(), id);
                        }
                    }),
                    ClientMessage::Join { .. }
                    | ClientMessage::Leave
                    | ClientMessage::MediaOffer { .. }
                    | ClientMessage::MediaAnswer { .. }
                    | ClientMessage::PauseVideo { .. } => unreachable!(),
                }
            }
        };
        self.answer(result)
    }

    /// Nothing for a request carried out; the error for one refused.
    fn answer(&self, result: Result<(), ErrorCode>) -> Option<ServerMessage> {
        match result {
            Ok(()) => None,
            Err(code) => {
                tracing::debug!(peer = ?self.peer(), ?code, "request refused");
                self.state.metrics.refuse(code);
                Some(ServerMessage::error(code))
            }
        }
    }

    /// Checks the password if the room has one, then joins (the hub queues the welcome); returns
    /// the refusal, if any.
    async fn join(
        &mut self,
        room: RoomId,
        name: String,
        media: crate::protocol::MediaState,
        hand: bool,
        password: Option<String>,
        resume: Option<crate::protocol::Resume>,
    ) -> Option<ServerMessage> {
        if !self.state.per_source.join(self.source, now()) {
            tracing::warn!(source = %self.source, "joins from one client too fast");
            return Some(ServerMessage::error(ErrorCode::TooFast));
        }
        let mut password_checked = None;
        if let Admission::Password(stored) = self.hub.admission(&room, resume.as_ref(), now()) {
            let Some(password) = password.filter(|p| !p.is_empty()) else {
                return Some(ServerMessage::error(ErrorCode::PasswordRequired));
            };
            if password.chars().count() > MAX_PASSWORD_CHARS {
                return Some(ServerMessage::error(ErrorCode::WrongPassword));
            }
            // Only wrong guesses are paid for, by the guessing client and by the room: a
            // guesser slows itself down first, and cannot lock the right password out for
            // people on other networks.
            let per_source = &self.state.per_source;
            if !per_source.may_guess(self.source, now()) || !self.hub.may_guess(&room, now()) {
                tracing::warn!(room = %room, source = %self.source, "password guessing slowed down");
                return Some(ServerMessage::error(ErrorCode::TooManyGuesses));
            }
            match self.state.hasher.verify(password, stored.clone()).await {
                Ok(true) => {}
                Ok(false) => {
                    per_source.wrong_guess(self.source, now());
                    self.hub.wrong_guess(&room, now());
                    tracing::info!(room = %room, source = %self.source, "wrong room password");
                    return Some(ServerMessage::error(ErrorCode::WrongPassword));
                }
                Err(code) => return Some(ServerMessage::error(code)),
            }
            password_checked = Some(stored);
        }
        let request = JoinRequest {
            room: room.clone(),
            name,
            media,
            hand,
            resume,
            password_checked,
            tx: self.tx.clone(),
            connection: self.id,
            source: self.source,
            ice: Some(self.ice_for()),
        };
        match self.hub.join(request, now()) {
            Ok(joined) => {
                tracing::info!(room = %room, peer = %joined.id, resumed = joined.resumed, others = joined.peers.len(), source = %self.source, "peer joined");
                self.membership = Some(Membership {
                    room,
                    id: joined.id,
                    waiting: joined.waiting,
                });
                // The hub has queued the welcome.
                None
            }
            Err(code) => {
                tracing::info!(room = %room, ?code, "join refused");
                self.state.metrics.refuse(code);
                Some(ServerMessage::error(code))
            }
        }
    }

    /// An offer to the forwarding unit: the first joins the room's media, later ones change
    /// what this member publishes. Answered with the unit's answer, or an error.
    async fn media_offer(&mut self, sdp: String) -> Option<ServerMessage> {
        let Some(sfu) = self.state.sfu.clone() else {
            return self.answer(Err(ErrorCode::Invalid));
        };
        let Some(m) = self.member() else {
            return Some(ServerMessage::error(ErrorCode::NotInRoom));
        };
        let (room, id) = (m.room.clone(), m.id);
        let answer = if self.media.is_some() {
            sfu.offer(room, id, sdp).await
        } else {
            sfu.join(room, id, sdp).await.map(|(answer, events)| {
                self.media = Some(events);
                answer
            })
        };
        match answer {
            Ok(sdp) => Some(ServerMessage::MediaAnswer { sdp }),
            Err(error) => self.answer(Err(media_refusal(&error))),
        }
    }

    /// The member's answer to the unit's offer.
    async fn media_answer(&mut self, sdp: String) -> Result<(), ErrorCode> {
        let sfu = self.state.sfu.clone().ok_or(ErrorCode::Invalid)?;
        let m = self.member().ok_or(ErrorCode::NotInRoom)?;
        let (room, id) = (m.room.clone(), m.id);
        if self.media.is_none() {
            return Err(ErrorCode::Invalid);
        }
        sfu.answer(room, id, sdp)
            .await
            .map_err(|error| media_refusal(&error))
    }

    /// The member's page does not show these participants' video now.
    async fn pause_video(&mut self, peers: Vec<PeerId>) -> Result<(), ErrorCode> {
        let sfu = self.state.sfu.clone().ok_or(ErrorCode::Invalid)?;
        let m = self.member().ok_or(ErrorCode::NotInRoom)?;
        let (room, id) = (m.room.clone(), m.id);
        if self.media.is_none() {
            return Err(ErrorCode::Invalid);
        }
        sfu.pause_video(room, id, peers)
            .await
            .map_err(|error| media_refusal(&error))
    }

    /// What the forwarding unit has for this member: waits for ever if it has not joined the
    /// room's media.
    pub(super) async fn media_event(&mut self) -> SfuEvent {
        match self.media.as_mut() {
            Some(events) => events.recv().await.unwrap_or(SfuEvent::Gone),
            None => std::future::pending().await,
        }
    }

    /// Passes on what the forwarding unit said.
    pub(super) fn on_media_event(&mut self, event: SfuEvent) -> ServerMessage {
        match event {
            SfuEvent::Offer(sdp) => ServerMessage::MediaOffer { sdp },
            SfuEvent::Gone => {
                self.media = None;
                ServerMessage::MediaEnded
            }
            SfuEvent::Speakers(now) => ServerMessage::Speakers {
                speaking: now.speaking,
                active: now.active,
            },
        }
    }

    /// The member's media connection ends (it left, or its signaling connection ended).
    fn leave_media(&mut self) {
        if self.media.take().is_none() {
            return;
        }
        if let (Some(sfu), Some(m)) = (&self.state.sfu, &self.membership) {
            sfu.leave(m.room.clone(), m.id);
        }
    }

    /// The connection ended without a Leave: the member is kept away for the grace period (the
    /// hub's tick removes it if it has not come back by then). Its media connection ends: a
    /// member that comes back offers again.
    pub(super) fn went_away(&mut self) {
        self.member();
        self.leave_media();
        let Some(m) = self.membership.take() else {
            return;
        };
        if m.waiting {
            self.hub.stop_waiting(&m.room, m.id, self.id);
        } else if self.hub.disconnect(&m.room, m.id, self.id, now()) {
            tracing::info!(room = %m.room, peer = %m.id, "peer away (connection ended)");
        }
    }
}

/// The error code a browser gets for an offer or answer the unit refused.
fn media_refusal(error: &SfuError) -> ErrorCode {
    tracing::debug!(%error, "media request refused");
    match error {
        SfuError::Full => ErrorCode::ServerFull,
        SfuError::NotJoined => ErrorCode::NotInRoom,
        SfuError::Stopped => ErrorCode::Busy,
        SfuError::BadSdp(_) | SfuError::Answer(_) | SfuError::Rejected(_) | SfuError::TooMany => {
            ErrorCode::Invalid
        }
    }
}
