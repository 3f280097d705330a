//! A participant's tile: their video and name.

use leptos::html::Video;
use leptos::prelude::*;
use web_sys::MediaStream;

/// A video tile labelled with a name. The local tile is muted so you never hear yourself.
#[component]
pub fn VideoTile(
    /// The name shown under the video, also the tile's accessible name.
    #[prop(into)]
    label: Signal<String>,
    /// The media to show.
    stream: RwSignal<Option<MediaStream>, LocalStorage>,
    /// Whether this is your own camera.
    #[prop(optional)]
    local: bool,
    /// A short connection status, shown while not connected.
    #[prop(optional, into)]
    status: Option<Signal<String>>,
) -> impl IntoView {
    let video = NodeRef::<Video>::new();
    Effect::new(move |_| {
        let stream = stream.get();
        if let Some(element) = video.get() {
            element.set_src_object(stream.as_ref());
        }
    });
    let status_text = move || {
        status
            .map(|s| s.get())
            .filter(|s| s != "connected")
            .map(|s| format!(" ({s})"))
    };
    view! {
        <figure class="tile" class:local=local aria-label=label>
            <video node_ref=video autoplay playsinline prop:muted=local></video>
            <figcaption>{label}<span class="status">{status_text}</span></figcaption>
        </figure>
    }
}
