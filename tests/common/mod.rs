//! Starting a real server on 127.0.0.1:0 for the socket tests.

use confab::server::hub::HubLimits;
use confab::server::resume::ResumeKey;
use confab::server::{AppState, router};
use leptos::prelude::LeptosOptions;
use std::net::SocketAddr;

/// Server state with these room limits and no ICE servers.
pub fn test_state(limits: HubLimits) -> AppState {
    let options = LeptosOptions::builder().output_name("confab").build();
    AppState::new(
        options,
        limits,
        ResumeKey::random(),
        confab::server::ice::IceProvider::default(),
    )
}

/// Serves the whole app (plain HTTP) on a free loopback port and returns its address.
pub async fn serve_app(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // Small messages go out at once, as on the real server (Nagle's algorithm would hold one
    // behind the acknowledgement of the one before, up to 40 ms of real time).
    let listener = axum::serve::ListenerExt::tap_io(listener, |tcp| {
        let _ = tcp.set_nodelay(true);
    });
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}
