//! The selective forwarding unit over real UDP sockets on loopback, with str0m peers standing in
//! for browsers: the shell's socket, timers and per-participant events, end to end.
#![cfg(feature = "ssr")]

#[path = "common/udp_peer.rs"]
mod udp_peer;

use confab::protocol::{PeerId, RoomId};
use confab::server::sfu::shell::{SfuEvent, SfuHandle};
use confab::server::sfu::{SfuError, SfuLimits};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use str0m::Rtc;
use str0m::media::{Direction, MediaKind};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;
use udp_peer::UdpPeer;

fn room() -> RoomId {
    RoomId::from_random_bytes([3; 16])
}

async fn unit(limits: SfuLimits) -> SfuHandle {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    SfuHandle::start(socket, address, limits)
}

/// A browser: joins with an audio track, sends a frame every 20 ms, answers the unit's offers,
/// and counts the frames it receives, until its media ends.
struct Browser {
    received: Arc<AtomicUsize>,
    gone: Arc<AtomicUsize>,
}

async fn join(unit: &SfuHandle, peer: u64) -> Browser {
    let (mut udp, offer) = UdpPeer::new().await;
    let (answer, events) = unit
        .join(room(), PeerId(peer), offer)
        .await
        .expect("joined");
    udp.accept_answer(&answer);
    let browser = Browser {
        received: Arc::new(AtomicUsize::new(0)),
        gone: Arc::new(AtomicUsize::new(0)),
    };
    let (received, gone) = (browser.received.clone(), browser.gone.clone());
    tokio::spawn(drive(
        udp,
        events,
        unit.clone(),
        PeerId(peer),
        received,
        gone,
    ));
    browser
}

async fn drive(
    mut udp: UdpPeer,
    mut events: mpsc::Receiver<SfuEvent>,
    unit: SfuHandle,
    peer: PeerId,
    received: Arc<AtomicUsize>,
    gone: Arc<AtomicUsize>,
) {
    let mut frames = HashMap::new();
    loop {
        let wake = udp.flush(&mut frames).await;
        received.store(frames.values().sum(), Ordering::Relaxed);
        tokio::select! {
            event = events.recv() => match event {
                Some(SfuEvent::Offer(sdp)) => {
                    let answer = udp.answer(&sdp);
                    unit.answer(room(), peer, answer).await.unwrap();
                }
                Some(SfuEvent::Gone) | None => {
                    gone.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Some(SfuEvent::Speakers(_)) => {}
            },
            () = udp.receive() => {}
            () = tokio::time::sleep_until(wake.into()) => udp.wake(),
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
