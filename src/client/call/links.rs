//! Making the connection to one participant, and wiring its events to the call.

use super::Inner;
use crate::call::link::ConnectionState;
use crate::call::session::Input;
use crate::client::peer::{PeerEvents, PeerLink};
use crate::client::server_link::{ServerEvents, ServerLink};
use crate::protocol::PeerId;
use crate::state::call::slot;
use leptos::prelude::*;
use std::rc::{Rc, Weak};

impl Inner {
    /// Opens the connection to one participant; `we_offer` for those already in the room.
    pub(super) fn connect(this: &Rc<Self>, remote: PeerId, we_offer: bool, polite: bool) {
        let Some(tile) = this.state.remote(remote) else {
            return;
        };
        // Direct again: this connection's media is what the tile shows.
        this.handed_over.borrow_mut().remove(&remote);
        let weak: Weak<Inner> = Rc::downgrade(this);
        let events = PeerEvents {
            send: Box::new({
                let weak = weak.clone();
                move |signal| {
                    if let Some(inner) = weak.upgrade() {
                        Inner::feed(&inner, Input::Outgoing { to: remote, signal });
                    }
                }
            }),
            on_stream: Box::new({
                let weak = weak.clone();
                move |stream| {
                    if weak
                        .upgrade()
                        .is_some_and(|inner| inner.shows_direct(remote))
                    {
                        tile.stream.set(slot(Some(stream)));
                    }
                }
            }),
            on_state: Box::new({
                let weak = weak.clone();
                move |state| {
                    let Some(inner) = weak.upgrade() else { return };
                    if state == ConnectionState::Failed {
                        let why = crate::i18n::Text::new("file-failed-connection-lost")
                            .arg("name", tile.name.get_value());
                        inner.transfers.peer_gone(remote, why);
                    }
                    if inner.shows_direct(remote) {
                        tile.connection.set(state);
                    }
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
            on_flood: Box::new({
                let weak = weak.clone();
                move || {
                    if let Some(inner) = weak.upgrade() {
                        Inner::on_flood(&inner, remote);
                    }
                }
            }),
            on_file_channel: Box::new(move |transfer, channel| {
                if let Some(inner) = weak.upgrade() {
                    inner.transfers.on_file_channel(remote, transfer, channel);
                }
            }),
        };
        let local = crate::client::media::current_tracks(&this.state);
        let ice = this.ice.borrow().clone();
        let link = if we_offer {
            PeerLink::offer_to(remote, polite, &ice, local, events)
        } else {
            PeerLink::answer_to(remote, polite, &ice, local, events)
        };
        match link {
            Ok(link) => {
                this.peers.borrow_mut().insert(remote, link);
            }
            Err(error) => {
                leptos::logging::error!("cannot create a connection to {remote}: {error:?}");
                tile.connection.set(ConnectionState::Failed);
            }
        }
    }

    /// Whether this participant's tile shows what the direct connection to them receives (not
    /// the server's).
    pub(super) fn shows_direct(&self, peer: PeerId) -> bool {
        self.peers.borrow().contains_key(&peer) && !self.handed_over.borrow().contains(&peer)
    }

    /// Shows what the server's connection receives of this participant (their direct
    /// connection closed).
    pub(super) fn show_server_media(&self, peer: PeerId) {
        let Some(tile) = self.state.remote(peer) else {
            return;
        };
        if let Some(server) = self.server.borrow().as_ref() {
            tile.connection.set(server.state());
            if let Some(stream) = server.stream(peer) {
                tile.stream.set(slot(Some(stream)));
            }
        }
    }

    /// Opens the connection to the server's forwarding unit (replacing any before it), which
    /// carries every participant's media.
    pub(super) fn connect_server(this: &Rc<Self>) {
        let weak: Weak<Inner> = Rc::downgrade(this);
        let state = this.state;
        let events = ServerEvents {
            send: Box::new({
                let weak = weak.clone();
                move |sdp| {
                    if let Some(inner) = weak.upgrade() {
                        Inner::feed(&inner, Input::ServerMedia(sdp));
                    }
                }
            }),
            on_stream: Box::new({
                let weak = weak.clone();
                move |peer, stream| {
                    // A direct connection kept while the server's takes over still shows them.
                    if weak.upgrade().is_some_and(|inner| inner.shows_direct(peer)) {
                        return;
                    }
                    if let Some(tile) = state.remote(peer) {
                        tile.stream.set(slot(Some(stream)));
                    }
                }
            }),
            on_flowing: Box::new({
                let weak = weak.clone();
                move |peer, kind| {
                    let Some(tile) = state.remote(peer) else {
                        return;
                    };
                    // Their picture, or their sound when they send no picture.
                    let media = tile.media.get_untracked();
                    if (kind == "video" || !(media.video || media.screen))
                        && let Some(inner) = weak.upgrade()
                    {
                        Inner::feed(&inner, Input::ServerCarries(peer));
                    }
                }
            }),
            on_state: Box::new(move |connection| {
                let Some(inner) = weak.upgrade() else { return };
                state.remotes.with_untracked(|tiles| {
                    for tile in tiles.iter().filter(|t| !inner.shows_direct(t.id)) {
                        tile.connection.set(connection);
                    }
                });
            }),
        };
        // The old connection goes first: the server has ended it, or is about to.
        this.server.borrow_mut().take();
        let local = crate::client::media::current_tracks(&this.state);
        let ice = this.ice.borrow().clone();
        match ServerLink::connect(&ice, local, events) {
            Ok(link) => *this.server.borrow_mut() = Some(link),
            Err(error) => {
                leptos::logging::error!("cannot create the connection to the server: {error:?}")
            }
        }
    }
}
