//! Server functions: the request/response calls the browser makes.

use crate::protocol::{IceConfig, Resume, RoomId};
use leptos::prelude::*;

/// Creates a meeting room with an unguessable id.
#[server]
pub async fn create_room() -> Result<RoomId, ServerFnError> {
    let state = expect_context::<crate::server::AppState>();
    Ok(crate::server::start::new_meeting(&state))
}

/// The STUN/TURN servers (with fresh TURN credentials) a participant of `room` should use.
/// Only a current member may ask: `resume` is the proof the server gave it on joining.
#[server(endpoint = "ice_config")]
pub async fn fetch_ice_config(room: RoomId, resume: Resume) -> Result<IceConfig, ServerFnError> {
    let state = expect_context::<crate::server::AppState>();
    if !state.hub.is_member(&room, &resume) {
        return Err(ServerFnError::new("join the meeting first"));
    }
    // The host the page was loaded from.
    let request: axum::http::request::Parts = leptos_axum::extract().await?;
    let host = crate::server::origin::request_host(&request.headers, &request.uri);
    Ok(state
        .ice
        .config_for(resume.id, host, std::time::SystemTime::now()))
}
