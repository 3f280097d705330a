//! What we send: one track per [`Kind`] of transceiver.

use web_sys::{MediaStream, MediaStreamTrack};

/// What a transceiver carries. Every connection has one of each, in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The microphone.
    Audio,
    /// The camera or a shared screen.
    Video,
    /// The sound of a shared screen or tab, when the browser offers it.
    ScreenAudio,
}

impl Kind {
    /// Every kind, in transceiver (m-line) order.
    pub const ALL: [Kind; 3] = [Kind::Audio, Kind::Video, Kind::ScreenAudio];

    /// The media kind of the transceiver: `audio` or `video`.
    pub fn media(self) -> &'static str {
        match self {
            Kind::Audio | Kind::ScreenAudio => "audio",
            Kind::Video => "video",
        }
    }
}

/// The tracks we send: at most one per [`Kind`].
#[derive(Clone, Default)]
pub struct LocalTracks {
    /// Microphone.
    pub audio: Option<MediaStreamTrack>,
    /// Camera or screen.
    pub video: Option<MediaStreamTrack>,
    /// Screen or tab sound.
    pub screen_audio: Option<MediaStreamTrack>,
}

impl LocalTracks {
    /// The track sent as `kind`.
    pub fn get(&self, kind: Kind) -> Option<&MediaStreamTrack> {
        match kind {
            Kind::Audio => self.audio.as_ref(),
            Kind::Video => self.video.as_ref(),
            Kind::ScreenAudio => self.screen_audio.as_ref(),
        }
    }
}

/// Whether two optional tracks are the same track.
pub fn same(a: Option<&MediaStreamTrack>, b: Option<&MediaStreamTrack>) -> bool {
    a.map(MediaStreamTrack::id) == b.map(MediaStreamTrack::id)
}

/// Adds a received track to `tracks` (replacing one with the same id) and returns a fresh stream
/// of them all: a new stream object makes a video element pick up the new track set.
pub fn with_track(tracks: &mut Vec<MediaStreamTrack>, track: MediaStreamTrack) -> MediaStream {
    tracks.retain(|t| t.id() != track.id());
    tracks.push(track);
    stream_of(tracks)
}

/// A fresh stream of these tracks.
pub fn stream_of(tracks: &[MediaStreamTrack]) -> MediaStream {
    let stream = MediaStream::new().expect("MediaStream constructor");
    for t in tracks {
        stream.add_track(t);
    }
    stream
}
