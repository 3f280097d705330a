//! Noise suppression: the microphone through RNNoise before it is sent. The worklet
//! (`public/denoise-worklet.js`) runs `confab_denoise.wasm` (the `worklet/denoise` crate) on the
//! browser's audio thread; this shell builds the graph microphone → worklet → a new track, which
//! the call sends in place of the raw microphone.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use wasm_bindgen::closure::Closure;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AudioContext, AudioContextOptions, AudioWorkletNode, AudioWorkletNodeOptions,
    MediaStreamAudioSourceNode, MediaStreamTrack, MessageEvent,
};

/// Where the page finds the worklet's script and its WebAssembly module.
pub const WORKLET_URL: &str = "/denoise-worklet.js";
/// The denoiser's WebAssembly module (no imports).
pub const MODULE_URL: &str = "/confab_denoise.wasm";
/// RNNoise's sample rate: the audio graph runs at it.
const SAMPLE_RATE: f32 = 48_000.0;

/// Whether this browser can run the denoiser (an AudioWorklet and WebAssembly).
pub fn supported() -> bool {
    let global = js_sys::global();
    ["AudioWorkletNode", "WebAssembly"]
        .iter()
        .all(|name| Reflect::has(&global, &JsValue::from_str(name)).unwrap_or(false))
}

/// The microphone, denoised, for as long as this lives.
pub struct Denoiser {
    context: AudioContext,
    _source: MediaStreamAudioSourceNode,
    node: AudioWorkletNode,
    track: MediaStreamTrack,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl Denoiser {
    /// Builds the graph for this microphone track. `on_failed` hears why, if the worklet cannot
    /// denoise after all (it then passes the audio through unchanged).
    pub async fn start(
        microphone: &MediaStreamTrack,
        on_failed: impl FnMut(String) + 'static,
    ) -> Result<Self, JsValue> {
        let module = super::wasm_module::compiled(MODULE_URL).await?;
        let options = AudioContextOptions::new();
        options.set_sample_rate(SAMPLE_RATE);
        let context = AudioContext::new_with_context_options(&options)?;
        JsFuture::from(context.audio_worklet()?.add_module(WORKLET_URL)?).await?;
        let stream = web_sys::MediaStream::new()?;
        stream.add_track(microphone);
        let source = context.create_media_stream_source(&stream)?;
        let processor_options = Object::new();
        Reflect::set(&processor_options, &"wasm".into(), &module)?;
        let node_options = AudioWorkletNodeOptions::new();
        node_options.set_number_of_inputs(1);
        node_options.set_number_of_outputs(1);
        node_options.set_output_channel_count(&js_sys::Array::of1(&1.into()));
        node_options.set_channel_count(1);
        node_options.set_channel_count_mode(web_sys::ChannelCountMode::Explicit);
        node_options.set_processor_options(Some(&processor_options));
        let node = AudioWorkletNode::new_with_options(&context, "confab-denoise", &node_options)?;
        let mut on_failed = on_failed;
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let data = event.data();
            let kind = Reflect::get(&data, &"type".into())
                .ok()
                .and_then(|t| t.as_string());
            if kind.as_deref() == Some("error") {
                let reason = Reflect::get(&data, &"reason".into())
                    .ok()
                    .and_then(|r| r.as_string())
                    .unwrap_or_default();
                on_failed(reason);
            }
        });
        let port = node.port()?;
        port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let destination = context.create_media_stream_destination()?;
        source.connect_with_audio_node(&node)?;
        node.connect_with_audio_node(&destination)?;
        let track = destination
            .stream()
            .get_audio_tracks()
            .get(0)
            .dyn_into::<MediaStreamTrack>()?;
        // Audio starts suspended until the page is used; Join (a click) resumes it too.
        let _ = context.resume();
        Ok(Denoiser {
            context,
            _source: source,
            node,
            track,
            _on_message: on_message,
        })
    }

    /// The denoised microphone, to send.
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    /// Lets the audio run, if the browser held it until the page was used (call on a click),
    /// or after [`Denoiser::pause`].
    pub fn resume(&self) {
        let _ = self.context.resume();
    }

    /// Stops the audio thread while there is nothing to send (the microphone is muted): its
    /// track then carries silence, as a muted one does.
    pub fn pause(&self) {
        let _ = self.context.suspend();
    }
}

impl Drop for Denoiser {
    fn drop(&mut self) {
        if let Ok(port) = self.node.port() {
            let message = Object::new();
            let _ = Reflect::set(&message, &"type".into(), &"close".into());
            let _ = port.post_message(&message);
            port.set_onmessage(None);
        }
        self.track.stop();
        let _ = self.node.disconnect();
        let _ = self.context.close();
    }
}
