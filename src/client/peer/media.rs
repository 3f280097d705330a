//! A link's media: the RTCConfiguration from the server's ICE configuration, one
//! send-and-receive transceiver per kind, and replacing tracks without renegotiation.

use super::Inner;
use crate::client::tracks::{Kind, LocalTracks, same};
use crate::protocol::IceConfig;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{
    MediaStreamTrack, RtcBundlePolicy, RtcConfiguration, RtcIceServer, RtcIceTransportPolicy,
    RtcRtpTransceiver, RtcRtpTransceiverDirection, RtcRtpTransceiverInit,
};

/// The RTCConfiguration for the server-provided ICE configuration.
pub(crate) fn configuration(ice: &IceConfig) -> RtcConfiguration {
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

/// Sets a transceiver's outgoing track; failures are logged, naming the connection's other end
/// (the call goes on without it).
pub(crate) fn replace_track(
    transceiver: &RtcRtpTransceiver,
    track: Option<&MediaStreamTrack>,
    remote: impl std::fmt::Display + 'static,
) {
    let promise = transceiver.sender().replace_track(track);
    spawn_local(async move {
        if let Err(error) = JsFuture::from(promise).await {
            leptos::logging::warn!("{remote}: replaceTrack failed: {error:?}");
        }
    });
}

impl Inner {
    /// Offering side: one send-and-receive transceiver per kind, carrying our track if we have one.
    pub(super) fn add_transceivers(&self) {
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
    pub(super) fn adopt_transceivers(&self) {
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
                replace_track(&transceiver, Some(track), self.remote);
            }
            adopted.push((kind, transceiver));
        }
        *self.transceivers.borrow_mut() = adopted;
    }

    /// Sends these tracks from now on, replacing those that changed.
    pub(super) fn send_tracks(&self, tracks: LocalTracks) {
        let previous = std::mem::replace(&mut *self.local.borrow_mut(), tracks.clone());
        for (kind, transceiver) in self.transceivers.borrow().iter() {
            if !same(previous.get(*kind), tracks.get(*kind)) {
                replace_track(transceiver, tracks.get(*kind), self.remote);
            }
        }
    }
}
