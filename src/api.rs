//! Server functions: the request/response calls the browser makes.
//!
//! They fail with an [`ApiError`]: a short sentence anyone may read (never the server's internal
//! detail), sent with the HTTP status it stands for (see `server::api_status`).
//!
//! Their bodies reach the server through [`Meetings`], which the server provides as context:
//! this module does not know the server, so the server can render the pages that call it
//! without the two depending on each other.

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

/// What the server functions ask of the server.
#[cfg(feature = "ssr")]
pub trait Meetings: Send + Sync + 'static {
    /// A new meeting's id.
    fn create_room(&self) -> RoomId;
    /// The ICE configuration of a member of `room`, whose page came from `host`.
    fn ice_config(
        &self,
        room: &RoomId,
        resume: &Resume,
        host: Option<&str>,
    ) -> Result<IceConfig, ApiError>;
}

/// The server's [`Meetings`], as context for server functions.
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct MeetingsContext(pub std::sync::Arc<dyn Meetings>);

#[cfg(feature = "ssr")]
fn meetings() -> Result<MeetingsContext, ApiError> {
    use_context::<MeetingsContext>().ok_or(ApiError::Server)
}

/// Creates a meeting room with an unguessable id.
#[server]
pub async fn create_room() -> Result<RoomId, ApiError> {
    Ok(meetings()?.0.create_room())
}

/// The STUN/TURN servers (with fresh TURN credentials) a participant of `room` should use.
/// Only a current member may ask: `resume` is the proof the server gave it on joining.
#[server(endpoint = "ice_config")]
pub async fn fetch_ice_config(room: RoomId, resume: Resume) -> Result<IceConfig, ApiError> {
    // The host the page was loaded from (HTTP/2 requests carry it as :authority).
    let request: axum::http::request::Parts =
        leptos_axum::extract().await.map_err(|_| ApiError::Server)?;
    let host = request
        .headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri.authority().map(|a| a.as_str()));
    meetings()?.0.ice_config(&room, &resume, host)
}
