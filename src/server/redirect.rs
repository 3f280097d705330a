//! The plain HTTP listener (`--http-port`): it answers ACME HTTP-01 challenges and sends
//! everything else to the same address over HTTPS with 308 (method and body kept).

use super::tls::acme::HttpChallenges;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::{HOST, LOCATION};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;

/// What the redirecting listener needs.
#[derive(Clone, Debug)]
pub struct Redirect {
    /// The HTTPS port to send browsers to.
    pub https_port: u16,
    /// Answers for HTTP-01.
    pub challenges: Arc<HttpChallenges>,
}

/// The router of the plain HTTP listener.
pub fn router(redirect: Redirect) -> Router {
    Router::new()
        .route("/.well-known/acme-challenge/{token}", get(challenge))
        .fallback(to_https)
        .with_state(redirect)
}

async fn challenge(
    State(redirect): State<Redirect>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    match redirect.challenges.answer(&token) {
        Some(answer) => {
            tracing::info!(%token, "answered an ACME HTTP-01 challenge");
            ([(axum::http::header::CONTENT_TYPE, "text/plain")], answer).into_response()
        }
        None => to_https(State(redirect), headers, uri).await,
    }
}

async fn to_https(State(redirect): State<Redirect>, headers: HeaderMap, uri: Uri) -> Response {
    let Some(host) = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
        .and_then(host_only)
    else {
        return (
            StatusCode::BAD_REQUEST,
            "Which host? The request names none.",
        )
            .into_response();
    };
    let port = match redirect.https_port {
        443 => String::new(),
        port => format!(":{port}"),
    };
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = format!("https://{host}{port}{path}");
    (StatusCode::PERMANENT_REDIRECT, [(LOCATION, location)]).into_response()
}

/// The host of a `Host` header without its port (`[::1]:80` gives `[::1]`), if it is a
/// well-formed name or address: nothing else is written into the redirect.
fn host_only(host: &str) -> Option<&str> {
    let host = host.trim();
    let name = if host.starts_with('[') {
        &host[..=host.find(']')?]
    } else {
        host.rsplit_once(':').map_or(host, |(name, _)| name)
    };
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '[' | ']' | ':'));
    valid.then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_loses_its_port_and_anything_odd_is_refused() {
        assert_eq!(host_only("meet.example.org:80"), Some("meet.example.org"));
        assert_eq!(host_only("meet.example.org"), Some("meet.example.org"));
        assert_eq!(host_only("[2001:db8::1]:80"), Some("[2001:db8::1]"));
        assert_eq!(host_only("evil.example/x"), None);
        assert_eq!(host_only("a b"), None);
        assert_eq!(host_only(""), None);
    }
}
