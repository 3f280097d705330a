//! The selective forwarding unit over real UDP sockets on loopback, with str0m peers standing in
//! for browsers: the shell's socket, timers and per-participant events, end to end.
#![cfg(feature = "ssr")]

use confab::protocol::{PeerId, RoomId};
use confab::server::sfu::shell::{SfuEvent, SfuHandle};
use confab::server::sfu::{SfuError, SfuLimits};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::format::Codec;
use str0m::media::{Direction, MediaKind};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

fn room() -> RoomId {
    RoomId::from_random_bytes([3; 16])
}

async fn unit(limits: SfuLimits) -> SfuHandle {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    SfuHandle::start(socket, address, limits)
}

/// A browser: joins with an audio track, sends a frame every 20 ms, answers the unit's offers,
/// and counts the frames it receives. Returns once `stop` is set or its media ends.
struct Browser {
    received: Arc<AtomicUsize>,
    gone: Arc<AtomicUsize>,
}

async fn join(unit: &SfuHandle, peer: u64) -> Browser {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let local = socket.local_addr().unwrap();
    let mut rtc = Rtc::builder()
        .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
        .build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").unwrap());
    let mut change = rtc.sdp_api();
    let mid = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, pending) = change.apply().unwrap();
    let (answer, events) = unit
        .join(room(), PeerId(peer), offer.to_sdp_string())
        .await
        .expect("joined");
    rtc.sdp_api()
        .accept_answer(pending, SdpAnswer::from_sdp_string(&answer).unwrap())
        .unwrap();
    let browser = Browser {
        received: Arc::new(AtomicUsize::new(0)),
        gone: Arc::new(AtomicUsize::new(0)),
    };
    tokio::spawn(drive(
        rtc,
        mid,
        socket,
        local,
        events,
        unit.clone(),
        PeerId(peer),
        browser.received.clone(),
        browser.gone.clone(),
    ));
    browser
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    mut rtc: Rtc,
    mid: str0m::media::Mid,
    socket: UdpSocket,
    local: SocketAddr,
    mut events: mpsc::Receiver<SfuEvent>,
    unit: SfuHandle,
    peer: PeerId,
    received: Arc<AtomicUsize>,
    gone: Arc<AtomicUsize>,
) {
    let start = Instant::now();
    let mut next_frame = Instant::now();
    let mut buffer = vec![0u8; 2048];
    let opus = rtc
        .codec_config()
        .find(|p| p.spec().codec == Codec::Opus)
        .map(|p| p.pt())
        .unwrap();
    loop {
        let timeout = loop {
            match rtc.poll_output().unwrap() {
                Output::Timeout(at) => break at,
                Output::Transmit(t) => {
                    let _ = socket.send_to(&t.contents, t.destination).await;
                }
                Output::Event(Event::MediaData(_)) => {
                    received.fetch_add(1, Ordering::Relaxed);
                }
                Output::Event(_) => {}
            }
        };
        let wake = timeout.min(next_frame);
        tokio::select! {
            event = events.recv() => match event {
                Some(SfuEvent::Offer(sdp)) => {
                    let offer = SdpOffer::from_sdp_string(&sdp).unwrap();
                    let answer = rtc.sdp_api().accept_offer(offer).unwrap();
                    unit.answer(room(), peer, answer.to_sdp_string()).await.unwrap();
                }
                Some(SfuEvent::Gone) | None => {
                    gone.fetch_add(1, Ordering::Relaxed);
                    return;
                }
            },
            read = socket.recv_from(&mut buffer) => {
                let (length, source) = read.unwrap();
                if let Ok(receive) = Receive::new(Protocol::Udp, source, local, &buffer[..length]) {
                    rtc.handle_input(Input::Receive(Instant::now(), receive)).unwrap();
                }
            }
            () = tokio::time::sleep_until(wake.into()) => {
                let now = Instant::now();
                if now >= next_frame {
                    if let Some(writer) = rtc.writer(mid) {
                        let _ = writer.write(opus, now, (now - start).into(), vec![1u8; 60]);
                    }
                    next_frame = now + Duration::from_millis(20);
                }
                rtc.handle_input(Input::Timeout(now)).unwrap();
            }
        }
    }
}

/// Waits (up to ten seconds of real time) for `done`.
async fn eventually(mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

#[tokio::test]
async fn three_browsers_hear_each_other_through_the_unit() {
    let unit = unit(SfuLimits::default()).await;
    let browsers = [
        join(&unit, 1).await,
        join(&unit, 2).await,
        join(&unit, 3).await,
    ];

    // Each hears two others at 50 frames a second.
    let heard = eventually(|| {
        browsers
            .iter()
            .all(|b| b.received.load(Ordering::Relaxed) > 100)
    })
    .await;

    let counts: Vec<usize> = browsers
        .iter()
        .map(|b| b.received.load(Ordering::Relaxed))
        .collect();
    assert!(heard, "frames received: {counts:?}");
    assert_eq!(unit.participants().await, 3);
}

#[tokio::test]
async fn leaving_ends_the_media_connection_and_tells_the_browser() {
    let unit = unit(SfuLimits::default()).await;
    let first = join(&unit, 1).await;
    let second = join(&unit, 2).await;
    assert!(eventually(|| second.received.load(Ordering::Relaxed) > 20).await);

    unit.leave(room(), PeerId(1));

    assert!(eventually(|| first.gone.load(Ordering::Relaxed) == 1).await);
    assert_eq!(unit.participants().await, 1);
    let after = second.received.load(Ordering::Relaxed);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        second.received.load(Ordering::Relaxed),
        after,
        "no more of 1's audio"
    );
}

#[tokio::test]
async fn the_unit_refuses_a_connection_over_its_limit() {
    let unit = unit(SfuLimits {
        max_participants: 1,
        ..SfuLimits::default()
    })
    .await;
    let _first = join(&unit, 1).await;
    let mut rtc = Rtc::builder()
        .set_crypto_provider(Arc::new(str0m::crypto::from_feature_flags()))
        .build(Instant::now());
    let mut change = rtc.sdp_api();
    change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, _) = change.apply().unwrap();

    let refused = unit.join(room(), PeerId(2), offer.to_sdp_string()).await;

    assert!(matches!(refused, Err(SfuError::Full)), "{refused:?}");
}
