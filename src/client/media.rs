//! The local camera and microphone: opening them, muting, turning the camera off and on.

use super::devices::media_devices;
use super::tracks::{Kind, LocalTracks};
use crate::i18n::Text;
use crate::state::call::{CallState, slot};
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{DomException, MediaStream, MediaStreamConstraints, MediaStreamTrack};

/// Why there is no camera or microphone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaError {
    /// The person or the browser refused access.
    Denied,
    /// No such device is connected.
    NotFound,
    /// Another program is using the device.
    InUse,
    /// The page is not in a secure context (plain http on a remote host).
    Insecure,
    /// Anything else the browser reported.
    Other(String),
}

impl MediaError {
    /// What the person is told.
    pub fn text(&self) -> Text {
        match self {
            MediaError::Denied => Text::new("media-denied"),
            MediaError::NotFound => Text::new("media-not-found"),
            MediaError::InUse => Text::new("media-in-use"),
            MediaError::Insecure => Text::new("media-insecure"),
            MediaError::Other(name) => Text::new("media-other").arg("error", name),
        }
    }

    /// Classifies a rejected media promise.
    pub fn from_js(error: JsValue) -> Self {
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

/// Which device a request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Want {
    /// None of this kind.
    Nothing,
    /// Any device of this kind.
    Any,
    /// Exactly this device.
    Exact(String),
}

/// The chosen device exactly, or any when none was chosen.
fn chosen(id: String) -> Want {
    if id.is_empty() {
        Want::Any
    } else {
        Want::Exact(id)
    }
}

impl Want {
    fn constraint(&self) -> JsValue {
        let id = match self {
            Want::Nothing => return JsValue::FALSE,
            Want::Any => return JsValue::TRUE,
            Want::Exact(id) => id,
        };
        let device = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&device, &"exact".into(), &JsValue::from_str(id));
        let constraint = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&constraint, &"deviceId".into(), &device);
        constraint.into()
    }
}

/// Asks for camera and microphone: the chosen ones if they are still there, else any; falls
/// back to either alone when only one is available.
pub async fn open_camera_and_microphone(state: &CallState) -> Result<MediaStream, MediaError> {
    let mut attempts = vec![
        (
            chosen(state.microphone_choice.get_untracked()),
            chosen(state.camera_choice.get_untracked()),
        ),
        (Want::Any, Want::Any),
        (Want::Any, Want::Nothing),
        (Want::Nothing, Want::Any),
    ];
    // With nothing chosen, the first two attempts are the same request.
    attempts.dedup();
    let mut first_error = None;
    for (audio, video) in &attempts {
        match request(state, audio, video).await {
            Ok(stream) => return Ok(stream),
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    Err(first_error.unwrap_or(MediaError::NotFound))
}

async fn request(state: &CallState, audio: &Want, video: &Want) -> Result<MediaStream, MediaError> {
    let devices = media_devices().ok_or(MediaError::Insecure)?;
    let constraints = MediaStreamConstraints::new();
    let mut audio = audio.constraint();
    // With RNNoise on, the browser's own suppression only makes it worse: it takes a few dB off
    // steady noise and leaves RNNoise a signal it cleans less (about 10 dB more noise left in
    // the same run). Echo cancellation stays.
    if audio.is_truthy()
        && state.noise_suppression.get_untracked()
        && state.can_denoise.get_untracked()
    {
        let object = if audio.is_object() {
            audio.clone()
        } else {
            js_sys::Object::new().into()
        };
        let _ = js_sys::Reflect::set(&object, &"noiseSuppression".into(), &JsValue::FALSE);
        audio = object;
    }
    constraints.set_audio(&audio);
    constraints.set_video(&video.constraint());
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

/// The first audio or video track of a stream.
pub fn first_track(stream: &MediaStream, kind: Kind) -> Option<MediaStreamTrack> {
    let tracks = match kind {
        Kind::Video => stream.get_video_tracks(),
        Kind::Audio | Kind::ScreenAudio => stream.get_audio_tracks(),
    };
    tracks.iter().next().map(JsCast::unchecked_into)
}

/// What we should be sending now: the microphone, and the shared screen (with its sound) while
/// sharing, else the camera.
pub fn current_tracks(state: &CallState) -> LocalTracks {
    let (microphone, camera) = camera_tracks(state);
    // The denoised microphone while noise suppression runs on it.
    let denoised = state
        .noise_suppression
        .get_untracked()
        .then(|| state.denoised.get_untracked().take())
        .flatten()
        .filter(|_| microphone.is_some());
    let audio = denoised.or(microphone);
    let screen = state
        .sharing
        .get_untracked()
        .then(|| state.screen_stream.get_untracked().take())
        .flatten();
    LocalTracks {
        audio,
        video: match &screen {
            Some(screen) => first_track(screen, Kind::Video),
            None => camera,
        },
        screen_audio: screen
            .as_ref()
            .and_then(|s| first_track(s, Kind::ScreenAudio)),
    }
}

/// The microphone and camera tracks of the local stream.
fn camera_tracks(state: &CallState) -> (Option<MediaStreamTrack>, Option<MediaStreamTrack>) {
    let stream = state.local_stream.get_untracked();
    (
        stream.as_ref().and_then(|s| first_track(s, Kind::Audio)),
        stream.as_ref().and_then(|s| first_track(s, Kind::Video)),
    )
}

/// Replaces the local stream with a new one holding these tracks (a new object, so every video
/// element showing it picks up the change).
fn set_camera_tracks(
    state: &CallState,
    audio: Option<&MediaStreamTrack>,
    video: Option<&MediaStreamTrack>,
) {
    let stream = MediaStream::new().ok();
    if let Some(stream) = &stream {
        for track in [audio, video].into_iter().flatten() {
            stream.add_track(track);
        }
    }
    state.local_stream.set(slot(stream));
}

/// The id of the device a track comes from.
fn device_id(track: &MediaStreamTrack) -> Option<String> {
    js_sys::Reflect::get(&track.get_settings(), &"deviceId".into())
        .ok()?
        .as_string()
}

/// Records what the first request for devices gave us, including which devices they are.
pub fn adopt_initial_stream(state: &CallState, stream: MediaStream) {
    let mic_on = state.mic_on.get_untracked();
    let audio = first_track(&stream, Kind::Audio);
    if let Some(track) = &audio {
        track.set_enabled(mic_on);
    }
    state.mic_on.set(audio.is_some() && mic_on);
    if let Some(id) = audio.as_ref().and_then(device_id) {
        state.microphone_choice.set(id);
    }
    let video = first_track(&stream, Kind::Video);
    if let Some(id) = video.as_ref().and_then(device_id) {
        state.camera_choice.set(id);
    }
    state.camera_on.set(video.is_some());
    state.local_stream.set(slot(Some(stream)));
}

/// Mutes or unmutes the microphone. Muting keeps the track and sends silence, so unmuting is
/// instant; with no microphone yet, unmuting asks for one.
pub async fn set_microphone(state: &CallState, on: bool) -> Result<(), MediaError> {
    let (audio, _) = camera_tracks(state);
    if let Some(denoised) = state.denoised.get_untracked().take() {
        denoised.set_enabled(on);
    }
    match &audio {
        Some(track) => track.set_enabled(on),
        None if on => open_microphone(state).await?,
        None => {}
    }
    state.mic_on.set(on);
    Ok(())
}

/// Opens the chosen microphone in place of the current one (keeping mute as it was).
async fn open_microphone(state: &CallState) -> Result<(), MediaError> {
    let want = chosen(state.microphone_choice.get_untracked());
    let stream = request(state, &want, &Want::Nothing).await?;
    let track = first_track(&stream, Kind::Audio).ok_or(MediaError::NotFound)?;
    let (old, video) = camera_tracks(state);
    if let Some(old) = old {
        track.set_enabled(old.enabled());
        old.stop();
    }
    set_camera_tracks(state, Some(&track), video.as_ref());
    Ok(())
}

/// Switches to another microphone (if one is open) and remembers the choice.
pub async fn switch_microphone(state: &CallState, id: String) -> Result<(), MediaError> {
    state.microphone_choice.set(id);
    if camera_tracks(state).0.is_some() {
        open_microphone(state).await?;
    }
    Ok(())
}

/// Switches to another camera (if the camera is on) and remembers the choice.
pub async fn switch_camera(state: &CallState, id: String) -> Result<(), MediaError> {
    state.camera_choice.set(id);
    if state.camera_on.get_untracked() {
        turn_camera_on(state).await?;
    }
    Ok(())
}

/// Turns the camera off: the track is stopped, which releases the camera (and its light).
pub fn turn_camera_off(state: &CallState) {
    let (audio, video) = camera_tracks(state);
    if let Some(track) = video {
        track.stop();
    }
    set_camera_tracks(state, audio.as_ref(), None);
    state.camera_on.set(false);
}

/// Turns the camera on.
pub async fn turn_camera_on(state: &CallState) -> Result<(), MediaError> {
    let want = chosen(state.camera_choice.get_untracked());
    let stream = request(state, &Want::Nothing, &want).await?;
    let track = first_track(&stream, Kind::Video).ok_or(MediaError::NotFound)?;
    let (audio, old) = camera_tracks(state);
    if let Some(old) = old {
        old.stop();
    }
    set_camera_tracks(state, audio.as_ref(), Some(&track));
    state.camera_on.set(true);
    Ok(())
}
