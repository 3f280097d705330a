//! The unit's I/O: one task owns the UDP socket and the [`Sfu`], and signaling connections talk
//! to it through an [`SfuHandle`]. Each joined participant gets a channel of [`SfuEvent`]s (the
//! unit's offers, and word that its media connection ended) for its signaling connection to
//! pass on.

use super::{Sfu, SfuCounters, SfuError, SfuLimits, SfuOutput, SpeakersNow};
use crate::protocol::{PeerId, RoomId};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

/// Requests waiting for the unit's task; beyond this, callers wait.
const COMMAND_QUEUE: usize = 1024;

/// Events waiting for one participant's signaling connection. An offer cannot be dropped, so a
/// participant whose connection does not take them is disconnected from the unit instead.
const EVENT_QUEUE: usize = 32;

/// The largest datagram read (WebRTC keeps packets under the path MTU).
const DATAGRAM: usize = 2048;

/// What the unit tells one participant's signaling connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SfuEvent {
    /// The unit's offer: answer it with [`SfuHandle::answer`].
    Offer(String),
    /// The media connection ended (it failed, or was ended because this participant's events
    /// backed up). The channel closing means the same.
    Gone,
    /// Who is speaking in the room changed.
    Speakers(SpeakersNow),
}

enum Command {
    Join {
        room: RoomId,
        peer: PeerId,
        offer: String,
        events: mpsc::Sender<SfuEvent>,
        reply: oneshot::Sender<Result<String, SfuError>>,
    },
    Answer {
        room: RoomId,
        peer: PeerId,
        sdp: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Offer {
        room: RoomId,
        peer: PeerId,
        sdp: String,
        reply: oneshot::Sender<Result<String, SfuError>>,
    },
    PauseVideo {
        room: RoomId,
        peer: PeerId,
        paused: Vec<PeerId>,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Leave {
        room: RoomId,
        peer: PeerId,
    },
    Count {
        reply: oneshot::Sender<usize>,
    },
}

/// Talks to the unit's task; cheap to clone.
#[derive(Clone, Debug)]
pub struct SfuHandle {
    commands: mpsc::Sender<Command>,
    address: SocketAddr,
    counters: Arc<SfuCounters>,
}

impl SfuHandle {
    /// Starts the unit on `socket`, telling browsers to reach it at `advertised` (the socket's
    /// own address, or the public one in front of it).
    pub fn start(socket: UdpSocket, advertised: SocketAddr, limits: SfuLimits) -> Self {
        let (commands, receiver) = mpsc::channel(COMMAND_QUEUE);
        let sfu = Sfu::new(&[advertised], limits);
        let counters = sfu.counters();
        tokio::spawn(run(socket, advertised, sfu, receiver));
        SfuHandle {
            commands,
            address: advertised,
            counters,
        }
    }

    /// What the unit has done, for the metrics.
    pub fn counters(&self) -> &Arc<SfuCounters> {
        &self.counters
    }

    /// The address browsers send media to.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Joins the room's media with the browser's offer; returns the answer and the channel of
    /// what the unit will tell this participant.
    pub async fn join(
        &self,
        room: RoomId,
        peer: PeerId,
        offer: String,
    ) -> Result<(String, mpsc::Receiver<SfuEvent>), SfuError> {
        let (events, receiver) = mpsc::channel(EVENT_QUEUE);
        let answer = self
            .ask(|reply| Command::Join {
                room,
                peer,
                offer,
                events,
                reply,
            })
            .await??;
        Ok((answer, receiver))
    }

    /// The browser's answer to the unit's offer.
    pub async fn answer(&self, room: RoomId, peer: PeerId, sdp: String) -> Result<(), SfuError> {
        self.ask(|reply| Command::Answer {
            room,
            peer,
            sdp,
            reply,
        })
        .await?
    }

    /// The browser's own offer; returns the answer.
    pub async fn offer(&self, room: RoomId, peer: PeerId, sdp: String) -> Result<String, SfuError> {
        self.ask(|reply| Command::Offer {
            room,
            peer,
            sdp,
            reply,
        })
        .await?
    }

    /// The participant's page does not show these participants' video now.
    pub async fn pause_video(
        &self,
        room: RoomId,
        peer: PeerId,
        paused: Vec<PeerId>,
    ) -> Result<(), SfuError> {
        self.ask(|reply| Command::PauseVideo {
            room,
            peer,
            paused,
            reply,
        })
        .await?
    }

    /// The participant left or was removed: its media ends at once. Never lost: if the unit's
    /// queue is full, a task waits to deliver it.
    pub fn leave(&self, room: RoomId, peer: PeerId) {
        if let Err(mpsc::error::TrySendError::Full(command)) =
            self.commands.try_send(Command::Leave { room, peer })
        {
            let commands = self.commands.clone();
            tokio::spawn(async move { commands.send(command).await });
        }
    }

    /// How many media connections the unit holds.
    pub async fn participants(&self) -> usize {
        self.ask(|reply| Command::Count { reply })
            .await
            .unwrap_or(0)
    }

    async fn ask<T>(
        &self,
        command: impl FnOnce(oneshot::Sender<T>) -> Command,
    ) -> Result<T, SfuError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| SfuError::Stopped)?;
        answer.await.map_err(|_| SfuError::Stopped)
    }
}

async fn run(
    socket: UdpSocket,
    advertised: SocketAddr,
    mut sfu: Sfu,
    mut commands: mpsc::Receiver<Command>,
) {
    let mut events: HashMap<(RoomId, PeerId), mpsc::Sender<SfuEvent>> = HashMap::new();
    let mut buffer = vec![0u8; DATAGRAM];
    loop {
        let wake = sfu
            .next_timeout()
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(1));
        tokio::select! {
            command = commands.recv() => {
                let Some(command) = command else { return };
                obey(&mut sfu, &mut events, command);
            }
            received = socket.recv_from(&mut buffer) => {
                // An error reading (an ICMP "port unreachable" surfacing, say) is about one
                // datagram; the socket goes on.
                if let Ok((length, source)) = received {
                    sfu.receive(Instant::now(), source, advertised, &buffer[..length]);
                }
            }
            () = tokio::time::sleep_until(wake.into()) => sfu.handle_timeout(Instant::now()),
        }
        carry_out(&mut sfu, &socket, &mut events);
    }
}

fn obey(
    sfu: &mut Sfu,
    events: &mut HashMap<(RoomId, PeerId), mpsc::Sender<SfuEvent>>,
    command: Command,
) {
    let now = Instant::now();
    match command {
        Command::Join {
            room,
            peer,
            offer,
            events: sender,
            reply,
        } => {
            let answer = sfu.join(now, &room, peer, &offer);
            if answer.is_ok() {
                events.insert((room, peer), sender);
            }
            let _ = reply.send(answer);
        }
        Command::Answer {
            room,
            peer,
            sdp,
            reply,
        } => {
            let _ = reply.send(sfu.accept_answer(now, &room, peer, &sdp));
        }
        Command::Offer {
            room,
            peer,
            sdp,
            reply,
        } => {
            let _ = reply.send(sfu.accept_offer(now, &room, peer, &sdp));
        }
        Command::PauseVideo {
            room,
            peer,
            paused,
            reply,
        } => {
            let _ = reply.send(sfu.pause_video(now, &room, peer, paused));
        }
        Command::Leave { room, peer } => {
            sfu.leave(now, &room, peer);
            events.remove(&(room, peer));
        }
        Command::Count { reply } => {
            let _ = reply.send(sfu.participants());
        }
    }
}

/// Sends what the unit produced: datagrams to browsers, offers and endings to their signaling.
fn carry_out(
    sfu: &mut Sfu,
    socket: &UdpSocket,
    events: &mut HashMap<(RoomId, PeerId), mpsc::Sender<SfuEvent>>,
) {
    loop {
        let mut stalled = Vec::new();
        while let Some(output) = sfu.poll_output() {
            match output {
                SfuOutput::Transmit {
                    destination,
                    contents,
                    ..
                } => {
                    // A full send buffer loses this datagram, as the network might; RTP
                    // recovers.
                    let _ = socket.try_send_to(&contents, destination);
                }
                SfuOutput::Offer { room, peer, sdp } => {
                    let key = (room, peer);
                    let delivered = events
                        .get(&key)
                        .is_some_and(|sender| sender.try_send(SfuEvent::Offer(sdp)).is_ok());
                    if !delivered {
                        stalled.push(key);
                    }
                }
                SfuOutput::Gone { room, peer } => end(events, &(room, peer)),
                SfuOutput::Speakers {
                    room,
                    peer,
                    speakers,
                } => {
                    // Not worth ending a connection over: one whose events back up misses
                    // this change and is told the next.
                    if let Some(sender) = events.get(&(room, peer)) {
                        let _ = sender.try_send(SfuEvent::Speakers(speakers));
                    }
                }
            }
        }
        if stalled.is_empty() {
            return;
        }
        // A participant whose events back up would miss an offer: its media connection ends.
        for key in stalled {
            sfu.leave(Instant::now(), &key.0, key.1);
            end(events, &key);
        }
    }
}

/// Tells a participant's signaling its media connection ended. If its events are backed up,
/// the channel closing says the same once it has read them.
fn end(events: &mut HashMap<(RoomId, PeerId), mpsc::Sender<SfuEvent>>, key: &(RoomId, PeerId)) {
    if let Some(sender) = events.remove(key) {
        let _ = sender.try_send(SfuEvent::Gone);
    }
}
