//! Keeps a denoiser on the open microphone while noise suppression is on, and tells the call
//! to send its track (or the raw microphone again) whenever that changes.

use crate::client::denoise::{self, Denoiser};
use crate::client::media;
use crate::client::tracks::Kind;
use crate::state::call::{CallState, slot};
use leptos::prelude::*;
use leptos::reactive::send_wrapper_ext::SendOption;
use leptos::task::spawn_local;

/// The denoiser of the page, if one runs; `media_changed` re-sends the tracks.
pub fn suppress_noise(
    state: CallState,
    media_changed: impl Fn() + Copy + 'static,
) -> StoredValue<SendOption<Denoiser>> {
    let denoiser = StoredValue::new(slot(None::<Denoiser>));
    // The microphone track the running (or starting) denoiser is for.
    let serving = StoredValue::new(None::<String>);
    Effect::new(move |_| {
        let wanted = state.noise_suppression.get() && state.can_denoise.get();
        let microphone = state
            .local_stream
            .with(|s| s.as_ref().and_then(|s| media::first_track(s, Kind::Audio)));
        let target = microphone.as_ref().filter(|_| wanted).map(|t| t.id());
        if target == serving.get_value() {
            return;
        }
        serving.set_value(target.clone());
        denoiser.set_value(slot(None));
        state.denoised.set(slot(None));
        media_changed();
        let (Some(microphone), Some(id)) = (microphone, target) else {
            return;
        };
        spawn_local(async move {
            let failed = move |reason: String| {
                leptos::logging::warn!("noise suppression is off: {reason}");
            };
            match Denoiser::start(&microphone, failed).await {
                // Still wanted for this microphone: send it.
                Ok(started) if serving.try_get_value().flatten().as_deref() == Some(&id) => {
                    // Muted stays muted.
                    started.track().set_enabled(microphone.enabled());
                    state.denoised.set(slot(Some(started.track().clone())));
                    denoiser.set_value(slot(Some(started)));
                    media_changed();
                }
                Ok(_) => {}
                Err(error) => {
                    leptos::logging::warn!("noise suppression could not start: {error:?}");
                }
            }
        });
    });
    // Audio is held until the page is used (Join is a click); and while the microphone is
    // muted the denoiser rests (a quiet participant's page spends nothing on it).
    Effect::new(move |_| {
        let joining = state.phase.get() == crate::state::call::Phase::Joining;
        let speaking = state.mic_on.get();
        state.denoised.track();
        denoiser.with_value(|d| {
            d.as_ref().map(|d| {
                if speaking || joining {
                    d.resume()
                } else {
                    d.pause()
                }
            })
        });
    });
    // Effects run only in the browser, which is where this can be asked.
    Effect::new(move |_| state.can_denoise.set(denoise::supported()));
    denoiser
}
