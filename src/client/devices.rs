//! Cameras, microphones and speakers: listing them, remembering the person's choice, and
//! following devices being plugged in or out.

use crate::state::call::{DeviceKind, DeviceOption};
use js_sys::{Array, Function, Reflect};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Event, HtmlMediaElement, MediaDeviceInfo, MediaDeviceKind, MediaDevices};

/// The browser's media devices; `None` outside a secure context (plain http on a remote host).
pub fn media_devices() -> Option<MediaDevices> {
    web_sys::window()?.navigator().media_devices().ok()
}

/// Every camera, microphone and speaker the browser will name (names appear once the page may
/// use the camera or microphone).
pub async fn list() -> Vec<DeviceOption> {
    let Some(devices) = media_devices() else {
        return Vec::new();
    };
    let Ok(promise) = devices.enumerate_devices() else {
        return Vec::new();
    };
    let Ok(found) = JsFuture::from(promise).await else {
        return Vec::new();
    };
    let found: Array = found.unchecked_into();
    let mut options = Vec::new();
    for info in found.iter() {
        let info: MediaDeviceInfo = info.unchecked_into();
        let kind = match info.kind() {
            MediaDeviceKind::Videoinput => DeviceKind::Camera,
            MediaDeviceKind::Audioinput => DeviceKind::Microphone,
            MediaDeviceKind::Audiooutput => DeviceKind::Speaker,
            _ => continue,
        };
        if info.device_id().is_empty() {
            continue;
        }
        let same_kind = options
            .iter()
            .filter(|o: &&DeviceOption| o.kind == kind)
            .count();
        let label = match info.label() {
            label if label.is_empty() => format!("{} {}", kind.noun(), same_kind + 1),
            label => label,
        };
        options.push(DeviceOption {
            kind,
            id: info.device_id(),
            label,
        });
    }
    options
}

/// Calls `on_change` whenever a device is plugged in or out, until dropped.
pub struct DeviceWatcher {
    devices: MediaDevices,
    handler: Closure<dyn FnMut(Event)>,
}

impl DeviceWatcher {
    /// Starts watching; `None` where the browser has no media devices.
    pub fn start(mut on_change: impl FnMut() + 'static) -> Option<Self> {
        let devices = media_devices()?;
        let handler = Closure::<dyn FnMut(Event)>::new(move |_| on_change());
        devices
            .add_event_listener_with_callback("devicechange", handler.as_ref().unchecked_ref())
            .ok()?;
        Some(DeviceWatcher { devices, handler })
    }
}

impl Drop for DeviceWatcher {
    fn drop(&mut self) {
        let _ = self.devices.remove_event_listener_with_callback(
            "devicechange",
            self.handler.as_ref().unchecked_ref(),
        );
    }
}

fn storage_key(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Camera => "confab.camera",
        DeviceKind::Microphone => "confab.microphone",
        DeviceKind::Speaker => "confab.speaker",
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The device chosen last time, if any.
pub fn remembered(kind: DeviceKind) -> Option<String> {
    storage()?
        .get_item(storage_key(kind))
        .ok()
        .flatten()
        .filter(|id| !id.is_empty())
}

/// Remembers a choice for next time.
pub fn remember(kind: DeviceKind, id: &str) {
    if let Some(storage) = storage() {
        let _ = storage.set_item(storage_key(kind), id);
    }
}

/// Routes a media element's sound to a speaker, where the browser supports choosing one
/// (`setSinkId`); an empty id means the system default.
pub fn route_audio(element: &HtmlMediaElement, speaker: &str) {
    let Ok(set_sink_id) = Reflect::get(element, &"setSinkId".into()) else {
        return;
    };
    let Some(set_sink_id) = set_sink_id.dyn_ref::<Function>() else {
        return;
    };
    if let Ok(promise) = set_sink_id.call1(element, &JsValue::from_str(speaker)) {
        let promise: js_sys::Promise = promise.unchecked_into();
        wasm_bindgen_futures::spawn_local(async move {
            if let Err(error) = JsFuture::from(promise).await {
                leptos::logging::warn!("cannot switch speaker: {error:?}");
            }
        });
    }
}
