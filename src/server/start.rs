//! `POST /start`: the start page's "Start a meeting" button without JavaScript (or clicked before
//! the page has hydrated): a new meeting, and a redirect to it.

use super::AppState;
use crate::protocol::RoomId;
use axum::extract::State;
use axum::response::Redirect;

/// Starts a meeting and sends the browser to it (303 See Other, so the reload is a GET).
pub async fn start(State(state): State<AppState>) -> Redirect {
    Redirect::to(&format!("/room/{}", new_meeting(&state)))
}

/// A new meeting's id, logged. The start page's server function makes meetings the same way.
pub fn new_meeting(state: &AppState) -> RoomId {
    let room = state.hub.create_room();
    tracing::info!(room = %room, "room created");
    room
}
