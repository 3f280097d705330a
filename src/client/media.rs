//! The local camera and microphone.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, MediaStream, MediaStreamConstraints, MediaStreamTrack};

/// Why there is no camera or microphone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MediaError {
    /// The person or the browser refused access.
    #[error(
        "Camera and microphone are blocked. You can still join to see and hear the others; allow them in the browser's site settings to be seen and heard."
    )]
    Denied,
    /// No such device is connected.
    #[error("No camera or microphone was found. You can still join to see and hear the others.")]
    NotFound,
    /// Another program is using the device.
    #[error(
        "The camera or microphone is in use by another program. You can still join to see and hear the others."
    )]
    InUse,
    /// The page is not in a secure context (plain http on a remote host).
    #[error("This browser only allows the camera on a secure (https) page.")]
    Insecure,
    /// Anything else the browser reported.
    #[error(
        "The camera and microphone could not be started ({0}). You can still join to see and hear the others."
    )]
    Other(String),
}

impl MediaError {
    fn from_js(error: JsValue) -> Self {
        let name = error
            .dyn_ref::<DomException>()
            .map(|e| e.name())
            .unwrap_or_else(|| format!("{error:?}"));
        match name.as_str() {
            "NotAllowedError" | "SecurityError" => MediaError::Denied,
            "NotFoundError" | "OverconstrainedError" => MediaError::NotFound,
            "NotReadableError" | "AbortError" => MediaError::InUse,
            _ => MediaError::Other(name),
        }
    }
}

/// Asks for camera and microphone; falls back to either alone when only one is available.
pub async fn open_camera_and_microphone() -> Result<MediaStream, MediaError> {
    let first = match request(true, true).await {
        Ok(stream) => return Ok(stream),
        Err(error) => error,
    };
    for (audio, video) in [(true, false), (false, true)] {
        if let Ok(stream) = request(audio, video).await {
            return Ok(stream);
        }
    }
    Err(first)
}

async fn request(audio: bool, video: bool) -> Result<MediaStream, MediaError> {
    let devices = web_sys::window()
        .ok_or(MediaError::Insecure)?
        .navigator()
        .media_devices()
        .map_err(|_| MediaError::Insecure)?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::from_bool(audio));
    constraints.set_video(&JsValue::from_bool(video));
    let promise = devices
        .get_user_media_with_constraints(&constraints)
        .map_err(MediaError::from_js)?;
    let stream = JsFuture::from(promise).await.map_err(MediaError::from_js)?;
    Ok(stream.unchecked_into())
}

/// Stops every track of a stream, releasing the devices (and the camera light).
pub fn stop_all(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        track.unchecked_into::<MediaStreamTrack>().stop();
    }
}
