//! Request bodies (server-function arguments, the start form) are small: a body over
//! [`super::MAX_REQUEST_BODY_BYTES`] is answered 413 before any handler reads it, whether the
//! client announced its length or sent it in chunks.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Middleware: reads the body of requests that carry one, up to the limit.
pub async fn limit(request: Request, next: Next) -> Response {
    let carries_body = matches!(
        *request.method(),
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    );
    if !carries_body {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    match axum::body::to_bytes(body, super::MAX_REQUEST_BODY_BYTES).await {
        Ok(bytes) => {
            next.run(Request::from_parts(parts, Body::from(bytes)))
                .await
        }
        Err(error) => {
            let too_large = std::error::Error::source(&error)
                .is_some_and(|inner| inner.is::<http_body_util::LengthLimitError>());
            if too_large {
                (StatusCode::PAYLOAD_TOO_LARGE, "The request is too large.").into_response()
            } else {
                (
                    StatusCode::BAD_REQUEST,
                    "The request body could not be read.",
                )
                    .into_response()
            }
        }
    }
}
