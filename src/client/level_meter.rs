//! The loudness of our own microphone, measured with WebAudio: for the lobby's level meter and
//! our own speaking indicator.

use super::ticker::Ticker;
use wasm_bindgen::JsValue;
use web_sys::{AnalyserNode, AudioContext, MediaStream, MediaStreamAudioSourceNode};

/// Measures a stream's audio every 100 ms until dropped.
pub struct LevelMeter {
    context: AudioContext,
    _source: MediaStreamAudioSourceNode,
    _ticker: Ticker,
}

impl LevelMeter {
    /// Starts measuring; `on_level` gets the peak level (0.0 to 1.0, like WebRTC's `audioLevel`)
    /// ten times a second.
    pub fn start(
        stream: &MediaStream,
        mut on_level: impl FnMut(f64) + 'static,
    ) -> Result<Self, JsValue> {
        let context = AudioContext::new()?;
        let source = context.create_media_stream_source(stream)?;
        let analyser = context.create_analyser()?;
        // ~85 ms of samples at 48 kHz: nearly all of each 100 ms tick.
        analyser.set_fft_size(4096);
        source.connect_with_audio_node(&analyser)?;
        let mut samples = vec![0f32; analyser.fft_size() as usize];
        let ticker = Ticker::every(100, move || on_level(peak(&analyser, &mut samples)));
        // Browsers start audio suspended until the page is used; a click on Join resumes it too.
        let _ = context.resume();
        Ok(LevelMeter {
            context,
            _source: source,
            _ticker: ticker,
        })
    }
}

fn peak(analyser: &AnalyserNode, samples: &mut [f32]) -> f64 {
    analyser.get_float_time_domain_data(samples);
    samples
        .iter()
        .fold(0.0, |peak, &s| f64::max(peak, f64::from(s.abs())))
}

impl Drop for LevelMeter {
    fn drop(&mut self) {
        let _ = self.context.close();
    }
}
