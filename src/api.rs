//! Server functions: the request/response calls the browser makes.
//!
//! They fail with an [`ApiError`]: a short sentence anyone may read (never the server's internal
//! detail), sent with the HTTP status it stands for (see `server::api_status`).

use crate::protocol::{IceConfig, Resume, RoomId};
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Why a server function failed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// The request was malformed (missing or unreadable arguments): 400.
    #[error("The request was not understood.")]
    BadRequest,
    /// Only a current member of the meeting may ask: 403.
    #[error("Join the meeting first.")]
    NotMember,
    /// Asked too often: 429.
    #[error("Too many requests. Try again in a moment.")]
    TooMany,
    /// Something went wrong on the server (its log says what): 500.
    #[error("The server could not answer. Try again.")]
    Server,
}

impl ApiError {
    /// The HTTP status it is sent with.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::BadRequest => 400,
            ApiError::NotMember => 403,
            ApiError::TooMany => 429,
            ApiError::Server => 500,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_)
            | ServerFnErrorErr::MissingArg(_) => ApiError::BadRequest,
            other => {
                #[cfg(feature = "ssr")]
                tracing::warn!(error = %other, "server function failed");
                #[cfg(not(feature = "ssr"))]
                let _ = other;
                ApiError::Server
            }
        }
    }
}

/// Creates a meeting room with an unguessable id.
#[server]
pub async fn create_room() -> Result<RoomId, ApiError> {
    let state = expect_context::<crate::server::AppState>();
    Ok(crate::server::start::new_meeting(&state))
}

/// The STUN/TURN servers (with fresh TURN credentials) a participant of `room` should use.
/// Only a current member may ask: `resume` is the proof the server gave it on joining.
#[server(endpoint = "ice_config")]
pub async fn fetch_ice_config(room: RoomId, resume: Resume) -> Result<IceConfig, ApiError> {
    let state = expect_context::<crate::server::AppState>();
    if !state
        .hub
        .is_member(&room, &resume, tokio::time::Instant::now().into_std())
    {
        return Err(ApiError::NotMember);
    }
    // The host the page was loaded from.
    let request: axum::http::request::Parts =
        leptos_axum::extract().await.map_err(|_| ApiError::Server)?;
    let host = crate::server::origin::request_host(&request.headers, &request.uri);
    Ok(state
        .ice
        .config_for(resume.id, host, std::time::SystemTime::now()))
}
