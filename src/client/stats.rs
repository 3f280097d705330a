//! Reading a peer connection's statistics (getStats) into [`crate::state::quality`] numbers.

use crate::state::quality::{Counters, Gauges};
use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::RtcPeerConnection;

fn number(report: &JsValue, field: &str) -> Option<f64> {
    Reflect::get(report, &field.into()).ok()?.as_f64()
}

fn text(report: &JsValue, field: &str) -> Option<String> {
    Reflect::get(report, &field.into()).ok()?.as_string()
}

/// How many frames of this received video track have been decoded (0 before the first).
pub async fn frames_decoded(
    pc: &RtcPeerConnection,
    track: &web_sys::MediaStreamTrack,
) -> Result<f64, JsValue> {
    let report = JsFuture::from(pc.get_stats_with_selector(Some(track))).await?;
    let entries = js_sys::try_iter(&report)?.ok_or("stats report is not iterable")?;
    let mut decoded = 0.0;
    for entry in entries {
        let entry: js_sys::Array = entry?.unchecked_into();
        let stat = entry.get(1);
        if text(&stat, "type").as_deref() == Some("inbound-rtp") {
            decoded += number(&stat, "framesDecoded").unwrap_or(0.0);
        }
    }
    Ok(decoded)
}

/// Reads the counters and gauges of a connection once.
pub async fn read(pc: &RtcPeerConnection) -> Result<(Counters, Gauges), JsValue> {
    let stats = fetch(pc).await?;
    Ok(summarize(&stats, |_| true))
}

/// Reads a connection that carries several participants' media (the one to the server) once:
/// the counters and gauges of each participant's received tracks, given by their media ids
/// (`mid`s).
pub async fn read_each<P: Copy>(
    pc: &RtcPeerConnection,
    mids: &[(P, Vec<String>)],
) -> Result<Vec<(P, Counters, Gauges)>, JsValue> {
    let stats = fetch(pc).await?;
    Ok(mids
        .iter()
        .map(|(who, theirs)| {
            let (counters, gauges) = summarize(&stats, |mid| theirs.iter().any(|m| m == mid));
            (*who, counters, gauges)
        })
        .collect())
}

/// Every statistics object of the connection.
async fn fetch(pc: &RtcPeerConnection) -> Result<Vec<JsValue>, JsValue> {
    let report = JsFuture::from(pc.get_stats()).await?;
    let entries = js_sys::try_iter(&report)?.ok_or("stats report is not iterable")?;
    entries
        .map(|entry| Ok(entry?.unchecked_into::<js_sys::Array>().get(1)))
        .collect()
}

/// The counters and gauges of the received streams whose media ids `receives` accepts (and of
/// the connection as a whole: what it sends, its round trip).
fn summarize(stats: &[JsValue], receives: impl Fn(&str) -> bool) -> (Counters, Gauges) {
    let mut counters = Counters {
        at_ms: js_sys::Date::now(),
        ..Counters::default()
    };
    let mut gauges = Gauges::default();
    let mut audio_seen = false;
    for stat in stats {
        let kind = text(stat, "kind").unwrap_or_default();
        match text(stat, "type").as_deref() {
            Some("inbound-rtp") if receives(&text(stat, "mid").unwrap_or_default()) => {
                let bytes = number(stat, "bytesReceived").unwrap_or(0.0);
                counters.bytes_in += bytes;
                counters.packets_received += number(stat, "packetsReceived").unwrap_or(0.0);
                counters.packets_lost += number(stat, "packetsLost").unwrap_or(0.0);
                if kind == "video" {
                    counters.video_bytes_in += bytes;
                    gauges.width = number(stat, "frameWidth").unwrap_or(0.0) as u32;
                    gauges.height = number(stat, "frameHeight").unwrap_or(0.0) as u32;
                    gauges.fps = number(stat, "framesPerSecond").unwrap_or(0.0);
                } else if kind == "audio" && !audio_seen {
                    // The first audio receiver is the microphone (the second is screen sound).
                    audio_seen = true;
                    counters.audio_energy = number(stat, "totalAudioEnergy").unwrap_or(0.0);
                    counters.audio_seconds = number(stat, "totalSamplesDuration").unwrap_or(0.0);
                }
            }
            Some("outbound-rtp") => {
                counters.bytes_out += number(stat, "bytesSent").unwrap_or(0.0);
            }
            Some("candidate-pair")
                if text(stat, "state").as_deref() == Some("succeeded")
                    && Reflect::get(stat, &"nominated".into())
                        .ok()
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false) =>
            {
                if let Some(seconds) = number(stat, "currentRoundTripTime") {
                    gauges.rtt_ms = Some(seconds * 1000.0);
                }
            }
            _ => {}
        }
    }
    (counters, gauges)
}
