//! Sharing a screen, window or tab.

use super::devices::media_devices;
use super::media::{MediaError, stop_all};
use leptos::prelude::Callable;
use leptos::prelude::Callback;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DisplayMediaStreamConstraints, Event, MediaStream, MediaStreamTrack};

/// A running screen share. Dropping it stops the capture and detaches its handler.
pub struct ScreenShare {
    /// The captured screen (and its sound, if the browser offered it).
    stream: MediaStream,
    /// The captured video track, watched for the browser's own "stop sharing".
    video: MediaStreamTrack,
    /// Fires when the browser ends the capture.
    _on_ended: Closure<dyn FnMut(Event)>,
}

/// At most this many frames per second of a shared screen (slides and documents change
/// rarely; 30 would double what every participant's encoder does, once per person in a mesh).
pub const MAX_FRAME_RATE: u32 = 15;
/// At most this size: a 4K or 5K screen is sent as 1080p, which is what a tile or a projector shows.
pub const MAX_WIDTH: u32 = 1920;
/// See [`MAX_WIDTH`].
pub const MAX_HEIGHT: u32 = 1080;

/// `{ frameRate: { max }, width: { max }, height: { max } }` for getDisplayMedia.
fn video_constraints() -> JsValue {
    let constraints = js_sys::Object::new();
    for (name, max) in [
        ("frameRate", MAX_FRAME_RATE),
        ("width", MAX_WIDTH),
        ("height", MAX_HEIGHT),
    ] {
        let limit = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&limit, &"max".into(), &max.into());
        let _ = js_sys::Reflect::set(&constraints, &name.into(), &limit);
    }
    constraints.into()
}

impl ScreenShare {
    /// Asks the person what to share. `on_ended` runs when the capture ends by itself (the
    /// browser's stop button, a closed window), after the current event.
    pub async fn start(on_ended: Callback<()>) -> Result<Self, MediaError> {
        let devices = media_devices().ok_or(MediaError::Insecure)?;
        let constraints = DisplayMediaStreamConstraints::new();
        constraints.set_video(&video_constraints());
        constraints.set_audio(&JsValue::TRUE);
        let promise = devices
            .get_display_media_with_constraints(&constraints)
            .map_err(MediaError::from_js)?;
        let stream: MediaStream = JsFuture::from(promise)
            .await
            .map_err(MediaError::from_js)?
            .unchecked_into();
        let Some(video) = stream
            .get_video_tracks()
            .iter()
            .next()
            .map(JsCast::unchecked_into::<MediaStreamTrack>)
        else {
            stop_all(&stream);
            return Err(MediaError::NotFound);
        };
        // Text and lines stay sharp: under load the encoder drops frames, not resolution.
        let _ = js_sys::Reflect::set(&video, &"contentHint".into(), &"detail".into());
        let on_ended = Closure::<dyn FnMut(Event)>::new(move |_| {
            wasm_bindgen_futures::spawn_local(async move { on_ended.run(()) });
        });
        video.set_onended(Some(on_ended.as_ref().unchecked_ref()));
        Ok(ScreenShare {
            stream,
            video,
            _on_ended: on_ended,
        })
    }

    /// The captured stream.
    pub fn stream(&self) -> &MediaStream {
        &self.stream
    }
}

impl Drop for ScreenShare {
    fn drop(&mut self) {
        self.video.set_onended(None);
        stop_all(&self.stream);
    }
}
