//! A link's event handlers (negotiationneeded, icecandidate, track, connectionstatechange,
//! datachannel), and carrying out what its [`LinkHealth`](crate::call::link::LinkHealth) asks
//! for.

use super::{Handler, Inner};
use crate::call::link::{ConnectionState, LinkAction};
use crate::client::tracks::with_track;
use crate::protocol::Signal;
use crate::protocol::data::{CONTROL_LABEL, parse_file_channel_label};
use js_sys::{Function, Reflect};
use std::rc::{Rc, Weak};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::spawn_local;
use web_sys::{Event, RtcDataChannelEvent, RtcPeerConnectionIceEvent, RtcTrackEvent};

impl Inner {
    /// Installs the connection's handlers; each holds only a weak reference to the link.
    pub(super) fn attach_handlers(this: &Rc<Self>) {
        let pc = &this.pc;
        let on = |set: &dyn Fn(Option<&Function>), f: fn(&Rc<Inner>, Event)| {
            let weak: Weak<Inner> = Rc::downgrade(this);
            let handler = Handler::new(move |event| {
                if let Some(inner) = weak.upgrade() {
                    f(&inner, event);
                }
            });
            set(Some(handler.as_ref().unchecked_ref()));
            this.handlers.borrow_mut().push(handler);
        };
        on(&|f| pc.set_onnegotiationneeded(f), |inner, _| {
            Inner::offer(inner)
        });
        on(&|f| pc.set_onicecandidate(f), Inner::on_candidate);
        on(&|f| pc.set_ontrack(f), Inner::on_track);
        on(&|f| pc.set_onconnectionstatechange(f), |inner, _| {
            Inner::on_state(inner)
        });
        on(&|f| pc.set_ondatachannel(f), Inner::on_channel);
    }

    /// Removes every handler.
    pub(super) fn detach(&self) {
        let pc = &self.pc;
        pc.set_onnegotiationneeded(None);
        pc.set_onicecandidate(None);
        pc.set_ontrack(None);
        pc.set_onconnectionstatechange(None);
        pc.set_ondatachannel(None);
        self.handlers.borrow_mut().clear();
    }

    fn on_candidate(this: &Rc<Self>, event: Event) {
        let event: RtcPeerConnectionIceEvent = event.unchecked_into();
        if let Some(candidate) = event.candidate() {
            (this.events.send)(Signal::Candidate {
                candidate: candidate.candidate(),
                sdp_mid: candidate.sdp_mid(),
                sdp_m_line_index: candidate.sdp_m_line_index(),
            });
        }
    }

    fn on_track(this: &Rc<Self>, event: Event) {
        let event: RtcTrackEvent = event.unchecked_into();
        let stream = with_track(&mut this.remote_tracks.borrow_mut(), event.track());
        (this.events.on_stream)(stream);
    }

    fn on_state(this: &Rc<Self>) {
        let name = Reflect::get(&this.pc, &"connectionState".into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        let state = ConnectionState::parse(&name);
        let actions = this.health.borrow_mut().changed(state, js_sys::Date::now());
        Self::carry_out(this, actions);
        (this.events.on_state)(state);
    }

    fn on_channel(this: &Rc<Self>, event: Event) {
        let channel = event.unchecked_into::<RtcDataChannelEvent>().channel();
        let label = channel.label();
        if label == CONTROL_LABEL && this.control.borrow().is_none() {
            Inner::adopt_control(this, channel);
        } else if let Some(transfer) = parse_file_channel_label(&label) {
            (this.events.on_file_channel)(transfer, channel);
        } else {
            leptos::logging::warn!("peer {}: closing unknown channel {label:?}", this.remote);
            channel.close();
        }
    }

    /// Does what the link's health asks for.
    pub(super) fn carry_out(this: &Rc<Self>, actions: Vec<LinkAction>) {
        for action in actions {
            match action {
                LinkAction::RestartIce => this.restart_ice(),
                LinkAction::CheckAfter(ms) => {
                    let weak = Rc::downgrade(this);
                    spawn_local(async move {
                        crate::client::sleep(ms as i32).await;
                        if let Some(inner) = weak.upgrade() {
                            let actions = inner.health.borrow_mut().check(js_sys::Date::now());
                            Inner::carry_out(&inner, actions);
                        }
                    });
                }
            }
        }
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
}
