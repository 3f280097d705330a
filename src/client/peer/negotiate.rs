//! A link's negotiation: our offers, and remote signals applied strictly one after another
//! (each waits for the previous `setRemoteDescription` to finish), as the pure
//! [`Negotiation`](crate::call::negotiation::Negotiation) decides.

use super::Inner;
use crate::call::negotiation::{Candidate, CandidateStep, DescriptionStep, Remote, SignalingState};
use crate::client::inbox::Inbox;
use crate::protocol::{SdpType, Signal};
use js_sys::{Function, Promise, Reflect};
use std::rc::Rc;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{RtcIceCandidateInit, RtcSdpType, RtcSessionDescriptionInit, RtcSignalingState};

impl Inner {
    /// Makes and sends an offer (the first at once, later ones on negotiationneeded). The browser
    /// is asked before this returns; the result is handled when it is ready.
    pub(super) fn offer(this: &Rc<Self>) {
        this.negotiation.borrow_mut().offer_started();
        let started = this.start_local_description();
        let this = this.clone();
        spawn_local(async move {
            let result = match started {
                Ok(promise) => await_promise(promise).await,
                Err(error) => Err(error),
            };
            this.negotiation.borrow_mut().offer_finished();
            match result {
                Ok(()) => this.send_local_description(),
                Err(error) => {
                    leptos::logging::warn!("peer {}: offer failed: {error:?}", this.remote)
                }
            }
        });
    }

    /// Queues a remote signal and applies the queue in order.
    pub(super) fn receive(this: &Rc<Self>, signal: Signal) {
        Inbox::push(
            this,
            |inner| &inner.inbox,
            signal,
            |inner, signal| async move {
                if let Err(error) = inner.apply(signal.into()).await {
                    leptos::logging::warn!(
                        "peer {}: negotiation step failed: {error:?}",
                        inner.remote
                    );
                }
            },
        );
    }

    /// Applies one signal from the remote peer.
    async fn apply(&self, signal: Remote) -> Result<(), JsValue> {
        match signal {
            Remote::Description(sdp_type, sdp) => {
                let state = if self.pc.signaling_state() == RtcSignalingState::Stable {
                    SignalingState::Stable
                } else {
                    SignalingState::Busy
                };
                let step = self
                    .negotiation
                    .borrow_mut()
                    .on_description(sdp_type, state);
                let DescriptionStep::Apply { answer } = step else {
                    return Ok(());
                };
                let description = RtcSessionDescriptionInit::new(sdp_type_to_js(sdp_type));
                description.set_sdp(&sdp);
                // On the polite side this implicitly rolls back a colliding local offer.
                await_promise(self.pc.set_remote_description(&description)).await?;
                let early = self.negotiation.borrow_mut().remote_description_set();
                for candidate in early {
                    self.add_candidate(candidate).await;
                }
                if answer {
                    self.adopt_transceivers();
                    await_promise(self.start_local_description()?).await?;
                    self.send_local_description();
                }
                Ok(())
            }
            Remote::Candidate(candidate) => {
                let step = self.negotiation.borrow_mut().on_candidate(candidate);
                if let CandidateStep::Add(candidate) = step {
                    self.add_candidate(candidate).await;
                }
                Ok(())
            }
        }
    }

    async fn add_candidate(&self, candidate: Candidate) {
        let init = RtcIceCandidateInit::new(&candidate.candidate);
        init.set_sdp_mid(candidate.sdp_mid.as_deref());
        init.set_sdp_m_line_index(candidate.sdp_m_line_index);
        let promise = self
            .pc
            .add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init));
        if let Err(error) = await_promise(promise).await
            && !self.negotiation.borrow().refusal_expected()
        {
            leptos::logging::warn!("peer {}: bad ICE candidate: {error:?}", self.remote);
        }
    }

    /// Calls `setLocalDescription()` without arguments (the browser makes the right offer or
    /// answer for the current state, which avoids races between creating and setting it) and
    /// returns its promise.
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

async fn await_promise(promise: Promise) -> Result<(), JsValue> {
    JsFuture::from(promise).await.map(|_| ())
}
