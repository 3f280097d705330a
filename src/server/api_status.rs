//! Server-function failures carry their own HTTP status: the server-function layer answers every
//! error with 500, so this middleware reads the [`ApiError`] in such an answer and gives it the
//! status it stands for (400 for a malformed request, 403 for a non-member, ...).

use crate::api::ApiError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// The header the server-function layer marks its error answers with.
const ERROR_HEADER: &str = "serverfnerror";

/// Error bodies are a few dozen bytes; anything longer is left alone.
const MAX_ERROR_BYTES: usize = 4096;

/// Middleware: sets the status of server-function errors.
pub async fn set(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<ApiError>(&bytes)
        && let Ok(status) = StatusCode::from_u16(error.status())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
