//! Which web pages may open a signaling connection. A browser sends the page's `Origin` with
//! every WebSocket handshake; without this check any site a participant visits could open a
//! socket to Confab in their name (cross-site WebSocket hijacking). Allowed: pages served by this
//! server over HTTPS (the `Origin` is `https://` and names the host the request was sent to) and
//! the origins an operator lists. Confab's pages are only ever served over HTTPS (the camera needs
//! a secure page), so an `http://` origin is never one of them. Clients that send no `Origin`
//! (not browsers, so not a hijacking risk) are allowed.

/// Whether a handshake with this `Origin` (if any) sent to this `Host` may go ahead.
pub fn allowed(origin: Option<&str>, host: Option<&str>, extra: &[String]) -> bool {
    let Some(origin) = origin else {
        return true;
    };
    let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
    if extra
        .iter()
        .any(|o| o.trim().trim_end_matches('/').eq_ignore_ascii_case(&origin))
    {
        return true;
    }
    let Some((scheme, authority)) = origin.split_once("://") else {
        return false;
    };
    let Some(host) = host else {
        return false;
    };
    if scheme != "https" {
        return false;
    }
    let host = host.trim().to_ascii_lowercase();
    without(&host, ":443") == without(authority, ":443")
}

/// The host a request was sent to: its `Host` header (HTTP/1.1), or the `:authority` of an
/// HTTP/2 request, which has no `Host` header.
pub fn request_host<'a>(
    headers: &'a axum::http::HeaderMap,
    uri: &'a axum::http::Uri,
) -> Option<&'a str> {
    headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| uri.authority().map(|a| a.as_str()))
}

fn without<'a>(authority: &'a str, default_port: &str) -> &'a str {
    authority.strip_suffix(default_port).unwrap_or(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_host_is_the_host_header_or_the_http2_authority() {
        let uri: axum::http::Uri = "https://meet.example.org:8443/signal".parse().unwrap();
        let mut headers = axum::http::HeaderMap::new();
        assert_eq!(
            request_host(&headers, &uri),
            Some("meet.example.org:8443"),
            "HTTP/2: no Host header, the :authority"
        );
        headers.insert(axum::http::header::HOST, "localhost:3000".parse().unwrap());
        assert_eq!(request_host(&headers, &uri), Some("localhost:3000"));
        let path_only: axum::http::Uri = "/signal".parse().unwrap();
        assert_eq!(
            request_host(&axum::http::HeaderMap::new(), &path_only),
            None
        );
    }

    #[test]
    fn pages_of_this_server_are_allowed() {
        assert!(allowed(
            Some("https://meet.example.org"),
            Some("meet.example.org"),
            &[]
        ));
        assert!(allowed(
            Some("https://localhost:3000"),
            Some("localhost:3000"),
            &[]
        ));
        assert!(allowed(Some("https://[::1]:3000"), Some("[::1]:3000"), &[]));
        assert!(allowed(
            Some("https://Meet.Example.org"),
            Some("meet.example.org:443"),
            &[]
        ));
        assert!(allowed(
            Some("https://192.168.1.5:3000/"),
            Some("192.168.1.5:3000"),
            &[]
        ));
    }

    #[test]
    fn other_sites_are_refused() {
        for origin in [
            "https://evil.example",
            "https://meet.example.org.evil.example",
            "https://meet.example.org:8443",
            "http://meet.example.org:443",
            "http://meet.example.org",
            "ws://meet.example.org",
            "null",
            "",
            "file://",
        ] {
            assert!(
                !allowed(Some(origin), Some("meet.example.org"), &[]),
                "{origin}"
            );
        }
        assert!(!allowed(Some("https://meet.example.org"), None, &[]));
    }

    #[test]
    fn listed_origins_are_allowed() {
        let extra = vec!["https://app.example.com/".to_owned()];
        assert!(allowed(
            Some("https://APP.example.com"),
            Some("meet.example.org"),
            &extra
        ));
        assert!(!allowed(
            Some("https://other.example.com"),
            Some("meet.example.org"),
            &extra
        ));
    }

    #[test]
    fn clients_without_an_origin_are_not_browsers_and_are_allowed() {
        assert!(allowed(None, Some("meet.example.org"), &[]));
        assert!(allowed(None, None, &[]));
    }
}
