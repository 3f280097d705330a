//! Joining a room: what a join needs (a password, unless the joiner comes back with a valid
//! token), password guesses, the join itself with its welcome, and the renewal of resume tokens.

use super::room::{Arrival, Room};
use super::{ConnectionId, Hub, encode};
use crate::protocol::{
    ErrorCode, IceConfig, MediaState, PeerId, PeerInfo, Resume, RoomId, RoomSettings,
    ServerMessage, clean_name,
};
use crate::server::outbox::OutboxSender;
use crate::server::password::StoredPassword;
use crate::server::source::Source;
use std::sync::atomic::Ordering;
use std::time::Instant;

/// A request to join a room.
#[derive(Debug)]
pub struct JoinRequest {
    /// The room.
    pub room: RoomId,
    /// Display name, as typed.
    pub name: String,
    /// What the joiner sends.
    pub media: MediaState,
    /// The joiner's hand is up (it was before its connection or the server went away). A member
    /// the room still holds keeps the hand it has there.
    pub hand: bool,
    /// Come back as an earlier member.
    pub resume: Option<Resume>,
    /// The room password hash the joiner's password was checked against, if it gave one.
    pub password_checked: Option<StoredPassword>,
    /// The joiner's queue.
    pub tx: OutboxSender,
    /// The joiner's connection.
    pub connection: ConnectionId,
    /// The client the connection comes from.
    pub source: Source,
    /// Makes the joiner's ICE configuration, once its id is known, for the welcome.
    pub ice: Option<IceFor>,
}

/// Makes a member's ICE configuration (its TURN credentials name its id).
pub struct IceFor(pub Box<dyn FnOnce(PeerId) -> IceConfig + Send>);

impl std::fmt::Debug for IceFor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IceFor(..)")
    }
}

/// What a successful join returns to the joining connection.
#[derive(Debug)]
pub struct Joined {
    /// The id of the member.
    pub id: PeerId,
    /// The other members of the room.
    pub peers: Vec<PeerInfo>,
    /// The member came back under its earlier id.
    pub resumed: bool,
    /// Its resume token.
    pub resume_token: String,
    /// The room's settings.
    pub settings: RoomSettings,
    /// The room admits people manually and the joiner waits for the host: it is not a member
    /// yet, and nothing of the room reaches it (`peers` is empty, the token too).
    pub waiting: bool,
}

/// What a join needs before [`Hub::join`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Nothing: the room is open, or the joiner proves it is still a member.
    Open,
    /// The joiner must give the password matching this hash.
    Password(StoredPassword),
}

impl Hub {
    /// What joining `room_id` needs: a password, unless the room has none or the joiner holds a
    /// valid resume token.
    pub fn admission(&self, room_id: &RoomId, resume: Option<&Resume>, now: Instant) -> Admission {
        let rooms = self.lock(room_id);
        let Some(room) = rooms.get(room_id) else {
            return Admission::Open;
        };
        match &room.password {
            Some(_) if resume.is_some_and(|r| self.may_resume(room_id, r, now)) => Admission::Open,
            Some(hash) => Admission::Password(hash.clone()),
            None => Admission::Open,
        }
    }

    /// Whether the room still takes a password guess now (wrong ones are paid for with
    /// [`Hub::wrong_guess`]); a room that does not exist takes any.
    pub fn may_guess(&self, room_id: &RoomId, now: Instant) -> bool {
        let mut rooms = self.lock(room_id);
        rooms
            .get_mut(room_id)
            .is_none_or(|room| room.guesses.has_token(now))
    }

    /// Counts a wrong password guess against the room.
    pub fn wrong_guess(&self, room_id: &RoomId, now: Instant) {
        if let Some(room) = self.lock(room_id).get_mut(room_id) {
            room.guesses.charge(1, now);
        }
    }

    /// Adds a member to a room (the first member brings the room into being, which also keeps
    /// links working across restarts) and tells the others; or, with a valid resume token,
    /// gives a returning member its place back. The member's queue receives the
    /// [`ServerMessage::Welcome`] first, then anything held for it while it was away. In a room
    /// that admits people manually a newcomer (not the first) is queued instead and told
    /// [`ServerMessage::Waiting`]; [`Hub::admit`] lets it in later.
    pub fn join(&self, request: JoinRequest, now: Instant) -> Result<Joined, ErrorCode> {
        let JoinRequest {
            room: room_id,
            name,
            media,
            hand,
            resume,
            password_checked,
            tx,
            connection,
            source,
            ice,
        } = request;
        let mut rooms = self.lock(&room_id);
        let resume = resume.filter(|r| self.may_resume(&room_id, r, now));
        if !rooms.contains_key(&room_id) {
            self.make_room(source)?;
            let (waiting_room, media) = (self.limits.waiting_room, self.limits.media);
            rooms.insert(room_id.clone(), Room::new(source, now, waiting_room, media));
        }
        let room = rooms.get_mut(&room_id).expect("made above");
        let token_expires = self.token_expiry(now);
        let mut arrival = Arrival {
            info: PeerInfo {
                id: PeerId(0),
                name: clean_name(&name),
                media,
                hand: None,
            },
            tx,
            connection,
            source,
            token_expires,
            now,
            hand,
        };
        let result = match resume {
            Some(Resume { id, .. }) => {
                arrival.info.id = id;
                room.rejoin(arrival, &self.limits)
            }
            None => {
                arrival.info.id = PeerId(self.next_peer.fetch_add(1, Ordering::Relaxed));
                if room.waiting_room && !room.members.is_empty() {
                    // Lock and password first: a waiter has passed both.
                    let id = arrival.info.id;
                    return room.queue(arrival, password_checked, ice).map(|()| Joined {
                        id,
                        peers: Vec::new(),
                        resumed: false,
                        resume_token: String::new(),
                        settings: RoomSettings::default(),
                        waiting: true,
                    });
                }
                room.admit(arrival, password_checked, &self.limits)
            }
        };
        let (id, resumed) = match result {
            Ok(joined) => joined,
            Err(code) => {
                if room.members.is_empty() {
                    self.forget(&mut rooms, &room_id);
                }
                return Err(code);
            }
        };
        Ok(self.welcome(&room_id, room, id, resumed, ice))
    }

    /// Sends a member that has just joined (or come back, or been let in) its welcome, then what
    /// was held for it while it was away, then its own raised hand; returns what the joining
    /// connection needs.
    pub(super) fn welcome(
        &self,
        room_id: &RoomId,
        room: &mut Room,
        id: PeerId,
        resumed: bool,
        ice: Option<IceFor>,
    ) -> Joined {
        let token_expires = room.member(id).map_or(0, |m| m.token_expires);
        let joined = Joined {
            id,
            peers: room.others(id),
            resumed,
            resume_token: self.key.token(room_id, id, token_expires),
            settings: room.settings(),
            waiting: false,
        };
        // The welcome goes first, then what was held while away, all under the lock, so that
        // nothing another member sends can overtake them.
        if let Some(member) = room.member_mut(id) {
            let welcome = encode(&ServerMessage::Welcome {
                you: id,
                peers: joined.peers.clone(),
                resume_token: joined.resume_token.clone(),
                settings: joined.settings,
                resumed,
                ice: ice.map(|make| (make.0)(id)),
            });
            // Its own hand last, so that it holds whatever was held before it.
            let hand = member.info.hand.map(|hand| {
                encode(&ServerMessage::PeerHand {
                    id,
                    hand: Some(hand),
                })
            });
            for frame in std::iter::once(welcome)
                .chain(member.take_held())
                .chain(hand)
            {
                member.deliver(frame);
            }
        }
        if !room.waiting.is_empty() {
            // A new host (the first let into an emptied room, or one back after a restart).
            room.tell_host_who_waits();
        }
        joined
    }

    /// Gives a connected member a fresh resume token (its connection calls this every quarter
    /// of [`HubLimits::token_lifetime`]). Returns false if `connection` no longer carries it.
    pub fn renew_token(
        &self,
        room_id: &RoomId,
        id: PeerId,
        connection: ConnectionId,
        now: Instant,
    ) -> bool {
        let expires = self.token_expiry(now);
        let token = self.key.token(room_id, id, expires);
        let mut rooms = self.lock(room_id);
        let Some(member) = rooms.get_mut(room_id).and_then(|room| room.member_mut(id)) else {
            return false;
        };
        if member.connection != connection || member.is_away() {
            return false;
        }
        member.token_expires = expires;
        member.deliver(encode(&ServerMessage::ResumeToken {
            resume_token: token,
        }))
    }

    pub(super) fn may_resume(&self, room_id: &RoomId, resume: &Resume, now: Instant) -> bool {
        self.key
            .verify(room_id, resume.id, &resume.token, self.unix(now))
            .is_some()
            && !crate::server::lock(&self.revoked).contains(room_id, resume.id)
    }
}
