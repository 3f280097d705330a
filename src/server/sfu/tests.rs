//! The unit with str0m peers standing in for browsers, in memory: datagrams pass between them
//! without sockets and time is virtual, so every run is the same.

use super::*;
use std::collections::HashSet;
use str0m::format::Codec;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, Mid};
use str0m::{Event, Output};

const SERVER: &str = "10.0.0.1:3479";

fn room() -> RoomId {
    RoomId::from_random_bytes([7; 16])
}

/// One browser: a str0m peer at its own address.
struct Browser {
    peer: PeerId,
    address: SocketAddr,
    rtc: Rtc,
    timeout: Instant,
    inbox: VecDeque<(SocketAddr, Vec<u8>)>,
    /// The server's offer it has not answered (when it answers by hand).
    held_offer: Option<String>,
    answers_offers: bool,
    /// Frames received: from whom (the stream id the server gave the track), on which track.
    frames: Vec<(String, Mid, Vec<u8>)>,
    keyframe_requests: usize,
    /// Datagrams the server sent it.
    datagrams: usize,
    /// Its own tracks.
    published: Vec<Mid>,
    /// The audio level it writes in its audio packets' header (-dBov), if any.
    level: Option<i8>,
    /// Audio levels in the headers of the audio it received.
    levels_heard: Vec<i8>,
    /// What the unit last told it about who is speaking.
    speakers: Option<SpeakersNow>,
}

impl Browser {
    fn new(n: u64, now: Instant) -> Self {
        let address: SocketAddr = format!("10.0.1.{n}:5000").parse().unwrap();
        let mut rtc = Rtc::builder()
            .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
            .build(now);
        rtc.add_local_candidate(Candidate::host(address, "udp").unwrap());
        Browser {
            peer: PeerId(n),
            address,
            rtc,
            timeout: now,
            inbox: VecDeque::new(),
            held_offer: None,
            answers_offers: true,
            frames: Vec::new(),
            keyframe_requests: 0,
            datagrams: 0,
            published: Vec::new(),
            level: None,
            levels_heard: Vec::new(),
            speakers: None,
        }
    }

    fn frames_from(&self, publisher: PeerId) -> usize {
        let stream = publisher.to_string();
        self.frames.iter().filter(|(s, _, _)| *s == stream).count()
    }

    /// The tracks it is sent that are still open.
    fn open_incoming(&self) -> usize {
        let mut mids: HashSet<Mid> = self.frames.iter().map(|(_, mid, _)| *mid).collect();
        mids.retain(|mid| self.rtc.media(*mid).is_some_and(|m| !m.stopped()));
        mids.len()
    }
}

/// The unit and the browsers, passing datagrams and offers with virtual time.
struct Meeting {
    now: Instant,
    /// Where media time starts.
    start: Instant,
    sfu: Sfu,
    server: SocketAddr,
    browsers: Vec<Browser>,
    gone: Vec<PeerId>,
}

impl Meeting {
    fn new(limits: SfuLimits) -> Self {
        let server: SocketAddr = SERVER.parse().unwrap();
        let now = Instant::now();
        Meeting {
            now,
            start: now,
            sfu: Sfu::new(&[server], limits),
            server,
            browsers: Vec::new(),
            gone: Vec::new(),
        }
    }

    /// A browser joins, publishing one track of each kind given.
    fn join(&mut self, n: u64, kinds: &[MediaKind]) -> usize {
        let mut browser = Browser::new(n, self.now);
        let mut change = browser.rtc.sdp_api();
        let mids: Vec<Mid> = kinds
            .iter()
            .map(|kind| change.add_media(*kind, Direction::SendOnly, None, None, None))
            .collect();
        if kinds.is_empty() {
            // One who only watches still needs something to offer.
            change.add_channel("confab".into());
        }
        let (offer, pending) = change.apply().expect("an offer");
        let answer = self
            .sfu
            .join(self.now, &room(), browser.peer, &offer.to_sdp_string())
            .expect("joined");
        let answer = SdpAnswer::from_sdp_string(&answer).unwrap();
        browser
            .rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .unwrap();
        browser.published = mids;
        self.browsers.push(browser);
        self.browsers.len() - 1
    }

    /// Browser `viewer` says whose video it does not show.
    fn pause(&mut self, viewer: u64, hidden: &[u64]) {
        let hidden = hidden.iter().map(|n| PeerId(*n)).collect();
        self.sfu
            .pause_video(self.now, &room(), PeerId(viewer), hidden)
            .unwrap();
    }

    fn browser(&self, n: u64) -> &Browser {
        self.browsers.iter().find(|b| b.peer == PeerId(n)).unwrap()
    }

    fn browser_mut(&mut self, n: u64) -> &mut Browser {
        self.browsers
            .iter_mut()
            .find(|b| b.peer == PeerId(n))
            .unwrap()
    }

    /// Runs for `duration` of virtual time, each publisher sending a frame on each of its
    /// tracks every 20 ms.
    fn run(&mut self, duration: Duration) {
        let end = self.now + duration;
        let mut next_frame = self.now;
        while self.now < end {
            if self.now >= next_frame {
                self.send_frames();
                next_frame = self.now + Duration::from_millis(20);
            }
            self.step();
            self.now += Duration::from_millis(1);
        }
    }

    fn send_frames(&mut self) {
        let now = self.now;
        let media_time = now - self.start;
        for browser in &mut self.browsers {
            for &mid in &browser.published {
                let Some(kind) = browser.rtc.media(mid).map(|m| m.kind()) else {
                    continue;
                };
                let codec = if kind == MediaKind::Audio {
                    Codec::Opus
                } else {
                    Codec::Vp8
                };
                let Some(pt) = browser
                    .rtc
                    .codec_config()
                    .find(|p| p.spec().codec == codec)
                    .map(|p| p.pt())
                else {
                    continue;
                };
                let Some(mut writer) = browser.rtc.writer(mid) else {
                    continue;
                };
                if let (MediaKind::Audio, Some(level)) = (kind, browser.level) {
                    writer = writer.audio_level(level, true);
                }
                // A VP8 key frame starts with an even byte; Opus cares not.
                let frame = vec![0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 7, 7, 7, 7];
                let _ = writer.write(pt, now, media_time.into(), frame);
            }
        }
    }

    /// Delivers everything due, once.
    fn step(&mut self) {
        let now = self.now;
        if self.sfu.next_timeout().is_some_and(|at| at <= now) {
            self.sfu.handle_timeout(now);
        }
        self.deliver_server_output();
        for i in 0..self.browsers.len() {
            let browser = &mut self.browsers[i];
            while let Some((source, bytes)) = browser.inbox.pop_front() {
                let receive = Receive::new(Protocol::Udp, source, browser.address, &bytes).unwrap();
                browser
                    .rtc
                    .handle_input(Input::Receive(now, receive))
                    .unwrap();
            }
            if browser.timeout <= now {
                browser.rtc.handle_input(Input::Timeout(now)).unwrap();
            }
            let mut sent = Vec::new();
            loop {
                match browser.rtc.poll_output().unwrap() {
                    Output::Timeout(at) => {
                        browser.timeout = at;
                        break;
                    }
                    Output::Transmit(t) => sent.push((t.source, t.destination, t.contents)),
                    Output::Event(Event::MediaData(data)) => {
                        let stream = browser
                            .rtc
                            .media(data.mid)
                            .map(|m| m.stream_id().to_string())
                            .unwrap_or_default();
                        browser.frames.push((stream, data.mid, data.data.to_vec()));
                        browser.levels_heard.extend(data.ext_vals.audio_level);
                    }
                    Output::Event(Event::KeyframeRequest(_)) => browser.keyframe_requests += 1,
                    Output::Event(_) => {}
                }
            }
            for (source, destination, contents) in sent {
                if destination == self.server {
                    self.sfu.receive(now, source, destination, &contents);
                }
            }
            self.deliver_server_output();
        }
    }

    fn deliver_server_output(&mut self) {
        while let Some(output) = self.sfu.poll_output() {
            match output {
                SfuOutput::Transmit {
                    source,
                    destination,
                    contents,
                } => {
                    if let Some(b) = self.browsers.iter_mut().find(|b| b.address == destination) {
                        b.datagrams += 1;
                        b.inbox.push_back((source, contents));
                    }
                }
                SfuOutput::Offer { peer, sdp, .. } => {
                    let Some(b) = self.browsers.iter_mut().find(|b| b.peer == peer) else {
                        continue;
                    };
                    if b.answers_offers {
                        let answer = answer_offer(b, &sdp);
                        self.sfu
                            .accept_answer(self.now, &room(), peer, &answer)
                            .expect("answer taken");
                    } else {
                        b.held_offer = Some(sdp);
                    }
                }
                SfuOutput::Gone { peer, .. } => self.gone.push(peer),
                SfuOutput::Speakers { peer, speakers, .. } => {
                    if let Some(b) = self.browsers.iter_mut().find(|b| b.peer == peer) {
                        b.speakers = Some(speakers);
                    }
                }
            }
        }
    }
}

fn answer_offer(browser: &mut Browser, sdp: &str) -> String {
    let offer = SdpOffer::from_sdp_string(sdp).unwrap();
    browser
        .rtc
        .sdp_api()
        .accept_offer(offer)
        .unwrap()
        .to_sdp_string()
}

fn meeting_of(n: u64, kinds: &[MediaKind]) -> Meeting {
    let mut meeting = Meeting::new(SfuLimits::default());
    for i in 1..=n {
        meeting.join(i, kinds);
    }
    meeting
}

#[test]
fn a_published_track_reaches_every_other_participant_and_not_its_publisher() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(3));

    for (listener, speakers) in [(1, [2, 3]), (2, [1, 3]), (3, [1, 2])] {
        for speaker in speakers {
            let frames = meeting.browser(listener).frames_from(PeerId(speaker));
            assert!(frames > 50, "{listener} got {frames} frames from {speaker}");
        }
        assert_eq!(meeting.browser(listener).frames_from(PeerId(listener)), 0);
    }
    assert_eq!(meeting.sfu.participants(), 3);
}

#[test]
fn forwarded_frames_arrive_unchanged() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio, MediaKind::Video]);
    meeting.run(Duration::from_secs(2));

    let received = &meeting.browser(2).frames;
    assert!(received.len() > 50);
    assert!(
        received
            .iter()
            .all(|(_, _, data)| data == &[0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 7, 7, 7, 7])
    );
    assert_eq!(meeting.browser(2).open_incoming(), 2, "audio and video");
}

#[test]
fn a_participant_joining_late_is_sent_what_others_already_publish() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(2));
    meeting.join(3, &[]);
    meeting.run(Duration::from_secs(2));

    assert!(meeting.browser(3).frames_from(PeerId(1)) > 20);
    assert!(meeting.browser(3).frames_from(PeerId(2)) > 20);
}

#[test]
fn a_participant_leaving_stops_its_tracks_for_the_others() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(2));
    assert_eq!(meeting.browser(2).open_incoming(), 2);

    let now = meeting.now;
    meeting.sfu.leave(now, &room(), PeerId(1));
    meeting.run(Duration::from_millis(500));
    let before = meeting.browser(2).frames_from(PeerId(1));
    meeting.run(Duration::from_secs(1));

    assert_eq!(meeting.browser(2).frames_from(PeerId(1)), before);
    assert_eq!(
        meeting.browser(2).open_incoming(),
        1,
        "its track was stopped"
    );
    assert_eq!(meeting.sfu.participants(), 2);
    assert!(meeting.browser(2).frames_from(PeerId(3)) > before);
}

#[test]
fn a_removed_participant_is_sent_nothing_more_at_once() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(2));
    assert!(meeting.browser(2).datagrams > 0);

    let now = meeting.now;
    meeting.sfu.leave(now, &room(), PeerId(2));
    meeting.deliver_server_output();
    let at_removal = meeting.browser(2).datagrams;
    meeting.run(Duration::from_secs(2));

    assert_eq!(meeting.browser(2).datagrams, at_removal);
    assert!(
        meeting
            .sfu
            .by_address
            .values()
            .all(|(_, peer)| *peer != PeerId(2))
    );
}

#[test]
fn malformed_datagrams_are_dropped_and_media_keeps_flowing() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(1));
    let before = meeting.browser(2).frames_from(PeerId(1));
    let publisher = meeting.browser(1).address;
    let stranger: SocketAddr = "203.0.113.9:4000".parse().unwrap();
    let server = meeting.server;

    let now = meeting.now;
    for junk in [
        vec![
            0x80, 0x6f, 0, 1, 0, 0, 0, 1, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3,
        ],
        vec![0x81, 0xc8, 0, 6, 1, 2, 3, 4],
        vec![0x16, 0xfe, 0xfd, 0, 0, 0, 0],
        vec![0x00, 0x01, 0x00, 0x08, 1, 2, 3, 4],
        vec![0xff; 1200],
        vec![],
    ] {
        meeting.sfu.receive(now, publisher, server, &junk);
        meeting.sfu.receive(now, stranger, server, &junk);
    }
    meeting.run(Duration::from_secs(1));

    assert_eq!(meeting.sfu.participants(), 2);
    assert!(meeting.gone.is_empty());
    assert!(meeting.browser(2).frames_from(PeerId(1)) > before + 20);
    assert!(!meeting.sfu.by_address.contains_key(&stranger));
}

#[test]
fn a_keyframe_request_reaches_the_publisher_at_most_once_a_second() {
    let mut meeting = meeting_of(2, &[MediaKind::Video]);
    meeting.run(Duration::from_secs(2));
    let baseline = meeting.browser(1).keyframe_requests;

    let mid = meeting.browser(2).frames.last().expect("video arrives").1;
    for _ in 0..5 {
        meeting
            .browser_mut(2)
            .rtc
            .writer(mid)
            .unwrap()
            .request_keyframe(None, KeyframeRequestKind::Pli)
            .unwrap();
        meeting.run(Duration::from_millis(40));
    }
    let asked = meeting.browser(1).keyframe_requests - baseline;

    assert_eq!(asked, 1, "five requests in 200 ms make one");
    assert!(meeting.sfu.counters().keyframe_requests() >= 1);
}

#[test]
fn a_new_subscriber_to_a_video_track_has_its_publisher_asked_for_a_keyframe() {
    let mut meeting = meeting_of(1, &[MediaKind::Audio, MediaKind::Video]);
    meeting.run(Duration::from_secs(2));
    assert_eq!(
        meeting.browser(1).keyframe_requests,
        0,
        "nobody watches yet"
    );

    meeting.join(2, &[]);
    meeting.run(Duration::from_millis(500));

    assert!(meeting.browser(2).frames_from(PeerId(1)) > 0);
    assert_eq!(
        meeting.browser(1).keyframe_requests,
        1,
        "one for the video; audio needs none"
    );
}

#[test]
fn tracks_over_the_publish_limit_are_not_forwarded() {
    let limits = SfuLimits {
        max_tracks_per_participant: 2,
        ..SfuLimits::default()
    };
    let mut meeting = Meeting::new(limits);
    meeting.join(1, &[MediaKind::Audio; 5]);
    meeting.join(2, &[]);
    meeting.run(Duration::from_secs(2));

    assert_eq!(meeting.browser(2).open_incoming(), 2);
}

#[test]
fn the_server_refuses_connections_over_its_limit() {
    let limits = SfuLimits {
        max_participants: 2,
        ..SfuLimits::default()
    };
    let mut meeting = Meeting::new(limits);
    meeting.join(1, &[MediaKind::Audio]);
    meeting.join(2, &[MediaKind::Audio]);
    let mut third = Browser::new(3, meeting.now);
    let mut change = third.rtc.sdp_api();
    change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, _) = change.apply().unwrap();

    let refused = meeting
        .sfu
        .join(meeting.now, &room(), PeerId(3), &offer.to_sdp_string());

    assert!(matches!(refused, Err(SfuError::Full)), "{refused:?}");
    assert_eq!(meeting.sfu.participants(), 2);
}

#[test]
fn joining_again_replaces_the_previous_connection() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(1));
    meeting.browsers.retain(|b| b.peer != PeerId(2));
    meeting.join(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(2));

    assert_eq!(meeting.sfu.participants(), 2);
    assert!(meeting.browser(2).frames_from(PeerId(1)) > 20);
    assert!(meeting.browser(1).frames_from(PeerId(2)) > 20);
}

#[test]
fn the_browsers_own_offer_wins_over_an_unanswered_one() {
    let mut meeting = meeting_of(1, &[MediaKind::Audio]);
    meeting.join(2, &[]);
    meeting.browser_mut(2).answers_offers = false;
    meeting.run(Duration::from_millis(200));
    assert!(
        meeting.browser(2).held_offer.is_some(),
        "the server offered 1's track"
    );

    // Browser 2 starts sharing its screen: its own offer crosses the server's.
    let now = meeting.now;
    let browser = meeting.browser_mut(2);
    browser.held_offer = None;
    let mut change = browser.rtc.sdp_api();
    let mid = change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
    let (offer, pending) = change.apply().unwrap();
    let answer = meeting
        .sfu
        .accept_offer(now, &room(), PeerId(2), &offer.to_sdp_string())
        .expect("answered");
    let browser = meeting.browser_mut(2);
    browser
        .rtc
        .sdp_api()
        .accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap())
        .unwrap();
    browser.published.push(mid);
    browser.answers_offers = true;
    meeting.run(Duration::from_secs(2));

    assert!(
        meeting.browser(2).frames_from(PeerId(1)) > 20,
        "offered again"
    );
    assert!(
        meeting.browser(1).frames_from(PeerId(2)) > 20,
        "its screen reaches 1"
    );
}

#[test]
fn bad_descriptions_and_stray_answers_are_refused() {
    let mut meeting = meeting_of(1, &[MediaKind::Audio]);
    let now = meeting.now;

    let garbage = meeting.sfu.join(now, &room(), PeerId(9), "v=0 nonsense");
    assert!(matches!(garbage, Err(SfuError::BadSdp(_))), "{garbage:?}");

    let mut other = Browser::new(8, now);
    let mut change = other.rtc.sdp_api();
    change.add_media(MediaKind::Audio, Direction::RecvOnly, None, None, None);
    let (offer, _) = change.apply().unwrap();
    let stray = meeting
        .sfu
        .accept_answer(now, &room(), PeerId(1), &offer.to_sdp_string());
    assert!(
        matches!(stray, Err(SfuError::Answer(AnswerError::NoOffer))),
        "{stray:?}"
    );

    let unknown = meeting
        .sfu
        .accept_offer(now, &room(), PeerId(7), &offer.to_sdp_string());
    assert!(matches!(unknown, Err(SfuError::NotJoined)), "{unknown:?}");
    assert_eq!(meeting.sfu.participants(), 1);
}

#[test]
fn the_counters_follow_what_the_unit_does() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(2));
    let counters = meeting.sfu.counters();

    let received: usize = meeting.browsers.iter().map(|b| b.frames.len()).sum();
    assert_eq!(counters.participants(), 3);
    assert!(received > 200);
    assert!(
        counters.forwarded_frames() >= received as u64,
        "{} forwarded, {received} received",
        counters.forwarded_frames()
    );

    let now = meeting.now;
    meeting.sfu.leave(now, &room(), PeerId(3));
    assert_eq!(counters.participants(), 2);
}

fn speaking(peers: &[u64], active: Option<u64>) -> Option<SpeakersNow> {
    Some(SpeakersNow {
        speaking: peers.iter().map(|n| PeerId(*n)).collect(),
        active: active.map(PeerId),
    })
}

#[test]
fn who_speaks_is_judged_from_the_audio_levels_and_told_to_everyone() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio]);
    meeting.browser_mut(1).level = Some(-20);
    meeting.browser_mut(2).level = Some(-127);
    meeting.run(Duration::from_secs(1));

    for n in 1..=3 {
        assert_eq!(meeting.browser(n).speakers, speaking(&[1], Some(1)), "{n}");
    }

    meeting.browser_mut(1).level = Some(-127);
    meeting.run(Duration::from_secs(1));

    for n in 1..=3 {
        assert_eq!(
            meeting.browser(n).speakers,
            speaking(&[], Some(1)),
            "{n}: quiet now, but still the last to speak"
        );
    }
}

#[test]
fn without_audio_levels_nobody_is_said_to_speak() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.run(Duration::from_secs(1));

    assert!(meeting.browser(1).frames_from(PeerId(2)) > 20);
    assert_eq!(meeting.browser(1).speakers, None);
}

#[test]
fn forwarded_audio_keeps_its_level() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.browser_mut(1).level = Some(-33);
    meeting.run(Duration::from_secs(1));

    let heard = &meeting.browser(2).levels_heard;
    assert!(heard.len() > 20);
    assert!(heard.iter().all(|level| *level == -33), "{heard:?}");
}

#[test]
fn a_newcomer_is_told_at_once_who_is_speaking() {
    let mut meeting = meeting_of(2, &[MediaKind::Audio]);
    meeting.browser_mut(2).level = Some(-10);
    meeting.run(Duration::from_secs(1));
    meeting.join(3, &[]);
    meeting.step();

    assert_eq!(meeting.browser(3).speakers, speaking(&[2], Some(2)));
}

#[test]
fn a_speaker_who_leaves_is_no_longer_speaking_for_the_others() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio]);
    meeting.browser_mut(1).level = Some(-20);
    meeting.run(Duration::from_secs(1));

    let now = meeting.now;
    meeting.sfu.leave(now, &room(), PeerId(1));
    meeting.step();

    assert_eq!(meeting.browser(2).speakers, speaking(&[], None));
    assert_eq!(meeting.browser(3).speakers, speaking(&[], None));
}

/// Frames `browser` received from `publisher` on video tracks only.
fn video_frames(meeting: &Meeting, browser: u64, publisher: u64) -> usize {
    let b = meeting.browser(browser);
    let stream = PeerId(publisher).to_string();
    b.frames
        .iter()
        .filter(|(s, mid, _)| {
            *s == stream
                && b.rtc
                    .media(*mid)
                    .is_some_and(|m| m.kind() == MediaKind::Video)
        })
        .count()
}

#[test]
fn video_a_page_does_not_show_is_not_sent_and_sound_still_is() {
    let mut meeting = meeting_of(3, &[MediaKind::Audio, MediaKind::Video]);
    meeting.run(Duration::from_secs(2));
    meeting.pause(2, &[1]);
    meeting.run(Duration::from_millis(100));
    let (video_before, all_before) = (
        video_frames(&meeting, 2, 1),
        meeting.browser(2).frames_from(PeerId(1)),
    );
    let others_before = video_frames(&meeting, 2, 3);

    meeting.run(Duration::from_secs(1));

    assert_eq!(video_frames(&meeting, 2, 1), video_before, "paused");
    assert!(
        meeting.browser(2).frames_from(PeerId(1)) > all_before + 20,
        "sound goes on"
    );
    assert!(
        video_frames(&meeting, 2, 3) > others_before + 20,
        "others' video goes on"
    );
    assert!(video_frames(&meeting, 3, 1) > 50, "others still get it");
}

#[test]
fn video_shown_again_is_sent_again_starting_from_a_keyframe() {
    let mut meeting = meeting_of(2, &[MediaKind::Video]);
    meeting.run(Duration::from_secs(2));
    meeting.pause(2, &[1]);
    meeting.run(Duration::from_secs(2));
    let (paused_at, asked_before) = (
        video_frames(&meeting, 2, 1),
        meeting.browser(1).keyframe_requests,
    );

    meeting.pause(2, &[]);
    meeting.run(Duration::from_millis(500));

    assert!(video_frames(&meeting, 2, 1) > paused_at + 10);
    assert_eq!(meeting.browser(1).keyframe_requests, asked_before + 1);
}

#[test]
fn pausing_is_refused_for_someone_without_media_or_naming_too_many() {
    let mut meeting = meeting_of(1, &[MediaKind::Video]);
    let now = meeting.now;
    let stranger = meeting
        .sfu
        .pause_video(now, &room(), PeerId(9), vec![PeerId(1)]);
    let too_many = meeting
        .sfu
        .pause_video(now, &room(), PeerId(1), (0..101).map(PeerId).collect());

    assert!(matches!(stranger, Err(SfuError::NotJoined)));
    assert!(matches!(too_many, Err(SfuError::TooMany)));
}
