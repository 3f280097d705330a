//! A short run of the load tool against a real server on 127.0.0.1:0: every message accounted
//! for, the negotiation complete, the server's own figures read. No timing is asserted.
#[path = "../../../tests/common/mod.rs"]
mod common;

use common::{serve_app, test_state};
use confab::server::hub::HubLimits;
use confab_load::run::{Options, run};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_load_run_delivers_every_message_once_in_order_to_its_target() {
    let addr = serve_app(test_state(HubLimits::default())).await;
    let report = run(Options {
        url: format!("http://{addr}"),
        insecure: false,
        rooms: 2,
        peers: 3,
        rate: 300.0,
        seconds: 1.0,
        payload: 600,
        concurrency: 4,
        // The server runs in this process.
        server_pid: Some(std::process::id()),
        progress: false,
    })
    .await
    .unwrap();
    assert_eq!(report.connections, 6);
    // Per pair: an offer and an answer, a dozen candidates each way; 3 pairs per room.
    assert_eq!(report.negotiation_messages, 2 * 3 * 26);
    assert!(report.sent > 0);
    assert_eq!(report.relayed, report.sent);
    assert_eq!(
        (report.lost, report.misrouted, report.out_of_order),
        (0, 0, 0)
    );
    assert_eq!(report.latency.count as u64, report.relayed);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let server = report.server.expect("this process can be read");
    assert!(server.rss_connected_kib > 0);
    let table = confab_load::report::table(&report);
    assert!(
        table.contains("lost / misrouted / out of order  0 / 0 / 0"),
        "{table}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_media_run_through_the_forwarding_unit_forwards_every_stream() {
    let socket = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let address = socket.local_addr().unwrap();
    let mut state = test_state(HubLimits {
        media: confab::server::hub::MediaPolicy::Sfu,
        ..HubLimits::default()
    });
    let unit = confab::server::sfu::shell::SfuHandle::start(
        socket,
        address,
        confab::server::sfu::SfuLimits::default(),
    );
    state.sfu = Some(unit);
    let addr = serve_app(state).await;

    let report = confab_load::media::run_media(confab_load::media::MediaOptions {
        url: format!("http://{addr}"),
        insecure: false,
        rooms: 1,
        people: 3,
        video_kbps: 100,
        seconds: 1.0,
        server_pid: Some(std::process::id()),
    })
    .await
    .unwrap();

    // Everyone received from both others before the measurement began, and frames kept
    // coming, each with its delay measured.
    assert_eq!(report.people, 3);
    assert!(report.frames_per_second > 0.0);
    assert!(report.latency.count > 0);
    assert!(report.server_cpu_us_per_frame.is_some());
    let table = confab_load::media::media_table(&report);
    assert!(table.contains("rooms × people           1 × 3"), "{table}");
}
