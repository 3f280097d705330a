//! Server functions: the request/response calls the browser makes.

use crate::protocol::{IceServer, RoomId};
use leptos::prelude::*;

/// Creates a meeting room with an unguessable id.
#[server]
pub async fn create_room() -> Result<RoomId, ServerFnError> {
    let state = expect_context::<crate::server::AppState>();
    let room = state.hub.create_room();
    tracing::info!(room = %room, "room created");
    Ok(room)
}

/// The STUN/TURN servers browsers should use for their peer connections.
#[server]
pub async fn ice_servers() -> Result<Vec<IceServer>, ServerFnError> {
    let state = expect_context::<crate::server::AppState>();
    Ok(state.ice_servers.as_ref().clone())
}
