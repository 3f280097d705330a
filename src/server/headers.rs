//! Security headers on every HTTP response: no content sniffing, no referrer (a meeting link is
//! its room's key), camera, microphone and screen capture for this site only, no framing by
//! other sites, a separate browsing context group, and HSTS when the operator serves a real
//! certificate (never for the self-signed one, which a browser would then refuse for a year).

use axum::extract::State;
use axum::http::header::{
    REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use axum::response::Response;
use std::sync::Arc;

/// The Content-Security-Policy of a page whose scripts carry `nonce`: only those scripts (and
/// what they load: the WASM bundle) run; styles, images, media and connections come from this
/// server, and so do workers (the file hasher); no plugins, no framing, no `<base>` tricks,
/// forms post only here.
pub fn content_security_policy(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self' data:; \
         media-src 'self' blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// For the page being rendered: makes a fresh nonce for its scripts and sends the matching
/// Content-Security-Policy header. Called from the HTML shell on the server.
pub fn provide_content_security_policy() {
    leptos::nonce::provide_nonce();
    let (Some(nonce), Some(response)) = (
        leptos::nonce::use_nonce(),
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
    ) else {
        return;
    };
    if let Ok(value) = HeaderValue::from_str(&content_security_policy(&nonce.to_string())) {
        response.insert_header(HeaderName::from_static("content-security-policy"), value);
    }
}

/// The headers every response carries; `hsts` with an operator-provided certificate.
pub fn security_headers(hsts: bool) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let mut set = |name: HeaderName, value: &'static str| {
        headers.insert(name, HeaderValue::from_static(value));
    };
    set(X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(REFERRER_POLICY, "no-referrer");
    set(X_FRAME_OPTIONS, "DENY");
    set(
        HeaderName::from_static("permissions-policy"),
        "camera=(self), microphone=(self), display-capture=(self), geolocation=(), payment=(), usb=()",
    );
    set(
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    if hsts {
        set(STRICT_TRANSPORT_SECURITY, "max-age=31536000");
    }
    headers
}

/// Middleware: adds the headers to a response (keeping any a handler set itself).
pub async fn add(State(headers): State<Arc<HeaderMap>>, mut response: Response) -> Response {
    for (name, value) in headers.iter() {
        response
            .headers_mut()
            .entry(name)
            .or_insert_with(|| value.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hsts_only_with_a_real_certificate() {
        assert!(!security_headers(false).contains_key(STRICT_TRANSPORT_SECURITY));
        assert_eq!(
            security_headers(true)[STRICT_TRANSPORT_SECURITY],
            "max-age=31536000"
        );
    }

    #[test]
    fn capture_is_allowed_for_this_site_only() {
        let headers = security_headers(false);
        let policy = headers["permissions-policy"].to_str().unwrap();
        for feature in [
            "camera=(self)",
            "microphone=(self)",
            "display-capture=(self)",
        ] {
            assert!(policy.contains(feature), "{policy}");
        }
        assert_eq!(headers[REFERRER_POLICY], "no-referrer");
        assert_eq!(headers[X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
