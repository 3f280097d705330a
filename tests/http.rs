//! HTTP responses over a real socket against a server on 127.0.0.1:0.
#![cfg(feature = "ssr")]

mod common;

use common::{serve_app, test_state};
use confab::server::hub::HubLimits;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// Serves the app with `hsts` on or off and returns the head of `GET /healthz`, lowercased.
async fn healthz_head(hsts: bool) -> String {
    let mut state = test_state(HubLimits::default());
    state.hsts = hsts;
    let addr = serve_app(state).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let head = response
        .split("\r\n\r\n")
        .next()
        .unwrap()
        .to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    head
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let head = healthz_head(false).await;
    for line in [
        "x-content-type-options: nosniff",
        "referrer-policy: no-referrer",
        "x-frame-options: deny",
        "cross-origin-opener-policy: same-origin",
        "permissions-policy: camera=(self), microphone=(self), display-capture=(self)",
    ] {
        assert!(head.contains(line), "missing {line:?} in\n{head}");
    }
    assert!(!head.contains("strict-transport-security"), "{head}");
}

#[tokio::test]
async fn hsts_is_sent_with_an_operator_certificate() {
    let head = healthz_head(true).await;
    assert!(
        head.contains("strict-transport-security: max-age=31536000"),
        "{head}"
    );
}

/// Sends one raw HTTP/1.1 request to a fresh server and returns the whole response.
async fn exchange(request: &[u8]) -> String {
    exchange_with(test_state(HubLimits::default()), request).await
}

/// Sends one raw HTTP/1.1 request to a fresh server with this state.
async fn exchange_with(state: confab::server::AppState, request: &[u8]) -> String {
    let addr = serve_app(state).await;
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    String::from_utf8_lossy(&response).into_owned()
}

/// The value of a header in a raw response, by lowercase name.
fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    let head = response.split("\r\n\r\n").next()?;
    head.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.eq_ignore_ascii_case(name).then(|| value.trim())
    })
}

#[tokio::test]
async fn the_start_form_leads_to_a_new_meeting_each_time() {
    let start = b"POST /start HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    let mut rooms = Vec::new();
    for _ in 0..2 {
        let response = exchange(start).await;
        assert!(response.starts_with("HTTP/1.1 303"), "{response}");
        let location = header(&response, "location").expect("a Location header");
        let id = location.strip_prefix("/room/").expect("a meeting link");
        assert!(id.parse::<confab::protocol::RoomId>().is_ok(), "{location}");
        rooms.push(id.to_owned());
    }
    assert_ne!(rooms[0], rooms[1]);
}

#[tokio::test]
async fn pages_carry_a_content_security_policy_whose_nonce_is_on_every_script() {
    let get = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let first = exchange(get).await;
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    let policy = header(&first, "content-security-policy").expect("a CSP header");
    assert!(policy.contains("'wasm-unsafe-eval'"), "{policy}");
    assert!(policy.contains("object-src 'none'"), "{policy}");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in script-src");
    assert!(nonce.len() >= 16, "{nonce}");
    let scripts: Vec<&str> = first
        .split("<script")
        .skip(1)
        .map(|rest| rest.split('>').next().unwrap_or(""))
        .collect();
    assert!(!scripts.is_empty(), "the page has its hydration scripts");
    for tag in &scripts {
        assert!(
            tag.contains(&format!("nonce=\"{nonce}\"")),
            "a script without the nonce: <script{tag}>"
        );
    }
    let second = exchange(get).await;
    let other = header(&second, "content-security-policy").unwrap();
    assert_ne!(policy, other, "each page gets its own nonce");
}

#[tokio::test]
async fn an_oversized_request_body_is_refused_with_413() {
    use leptos::server_fn::ServerFn;
    let path = <confab::api::CreateRoom as ServerFn>::PATH;
    let body = "x".repeat(confab::server::MAX_REQUEST_BODY_BYTES + 1);
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = exchange(request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    // A normal call still works.
    let ok = exchange(
        format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
    )
    .await;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
}

#[tokio::test]
async fn an_oversized_body_sent_in_chunks_is_refused_with_413_too() {
    use leptos::server_fn::ServerFn;
    let path = <confab::api::FetchIceConfig as ServerFn>::PATH;
    let chunk = "x".repeat(4096);
    let mut request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    for _ in 0..(confab::server::MAX_REQUEST_BODY_BYTES / chunk.len() + 2) {
        request.push_str(&format!("{:x}\r\n{chunk}\r\n", chunk.len()));
    }
    request.push_str("0\r\n\r\n");
    let response = exchange(request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
}

#[tokio::test]
async fn a_server_function_call_with_bad_arguments_gets_400_and_no_internal_detail() {
    use leptos::server_fn::ServerFn;
    let path = <confab::api::FetchIceConfig as ServerFn>::PATH;
    let body = "resume=nonsense";
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let response = exchange(request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 400"), "{response}");
    assert_eq!(self::body(&response).trim(), r#""BadRequest""#);
}

/// A site root holding a bundle file and the release build's Brotli and gzip copies of it.
fn site_with_precompressed_bundle() -> confab::server::AppState {
    let root = std::env::temp_dir().join(format!("confab-site-{}", rand_suffix()));
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    for (suffix, body) in [
        ("", "raw wasm"),
        (".br", "brotli wasm"),
        (".gz", "gzip wasm"),
    ] {
        std::fs::write(root.join(format!("pkg/confab.wasm{suffix}")), body).unwrap();
    }
    let mut state = test_state(HubLimits::default());
    state.site = confab::server::site::Site::Dir(root);
    state
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::process::id())
}

fn get_bundle(accept_encoding: &str, extra: &str) -> String {
    let accept = if accept_encoding.is_empty() {
        String::new()
    } else {
        format!("Accept-Encoding: {accept_encoding}\r\n")
    };
    format!(
        "GET /pkg/confab.wasm HTTP/1.1\r\nHost: localhost\r\n{accept}{extra}Connection: close\r\n\r\n"
    )
}

fn body(response: &str) -> &str {
    response.split_once("\r\n\r\n").map_or("", |(_, body)| body)
}

#[tokio::test]
async fn the_bundle_is_sent_in_the_best_precompressed_form_the_browser_accepts() {
    let state = site_with_precompressed_bundle();
    for (accept, encoding, expected) in [
        ("gzip, deflate, br, zstd", Some("br"), "brotli wasm"),
        ("gzip, deflate", Some("gzip"), "gzip wasm"),
        ("", None, "raw wasm"),
    ] {
        let response = exchange_with(state.clone(), get_bundle(accept, "").as_bytes()).await;
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert_eq!(
            header(&response, "content-encoding"),
            encoding,
            "{response}"
        );
        assert_eq!(body(&response), expected);
        assert_eq!(header(&response, "content-type"), Some("application/wasm"));
        // A shared cache must not give one browser's encoding to another.
        assert_eq!(
            header(&response, "vary"),
            Some("accept-encoding"),
            "{response}"
        );
        // Same name in every version: the browser must check before reusing its copy.
        assert_eq!(
            header(&response, "cache-control"),
            Some("no-cache"),
            "{response}"
        );
    }
}

#[tokio::test]
async fn an_unchanged_bundle_is_revalidated_with_an_empty_304() {
    let state = site_with_precompressed_bundle();
    let first = exchange_with(state.clone(), get_bundle("br", "").as_bytes()).await;
    let modified = header(&first, "last-modified").expect("a Last-Modified header");
    let again = get_bundle("br", &format!("If-Modified-Since: {modified}\r\n"));
    let second = exchange_with(state, again.as_bytes()).await;
    assert!(second.starts_with("HTTP/1.1 304"), "{second}");
    assert_eq!(body(&second), "");
}

#[tokio::test]
async fn a_path_that_is_neither_page_nor_file_gets_the_not_found_page() {
    let state = site_with_precompressed_bundle();
    let get = b"GET /pkg/nothing-here.js HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    let response = exchange_with(state, get).await;
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(body(&response).contains("<html"), "{response}");
}

#[tokio::test]
async fn a_meeting_link_is_drawn_as_a_qr_code_for_the_host_the_browser_reached() {
    let id = "abcdefghijklmnopqrstuvwxyz";
    let request = format!(
        "GET /room/{id}/qr.svg HTTP/1.1\r\nHost: meet.example.org:8443\r\nConnection: close\r\n\r\n"
    );
    let response = exchange(request.as_bytes()).await;
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert_eq!(header(&response, "content-type"), Some("image/svg+xml"));
    let body = response.split("\r\n\r\n").nth(1).unwrap();
    let expected =
        confab::server::qr::svg_of(&format!("https://meet.example.org:8443/room/{id}")).unwrap();
    assert_eq!(body, expected);

    let bad =
        b"GET /room/not-a-room/qr.svg HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assert!(exchange(bad).await.starts_with("HTTP/1.1 404"));
}

/// The start page as a browser with these request headers gets it.
async fn start_page(headers: &str) -> String {
    let get = format!("GET / HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n");
    let page = exchange(get.as_bytes()).await;
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    page
}

fn start_button(locale: confab::i18n::Locale) -> String {
    confab::i18n::format(locale, "home-start", &[])
}

#[tokio::test]
async fn pages_speak_the_language_the_browser_prefers() {
    use confab::i18n::Locale;
    let german = start_page("Accept-Language: fr-FR, de-DE;q=0.9, en;q=0.8\r\n").await;
    assert!(german.contains("<html lang=\"de\""), "{german}");
    assert!(german.contains(&start_button(Locale::De)), "{german}");
    assert_ne!(start_button(Locale::De), start_button(Locale::En));
    let plain = start_page("").await;
    assert!(plain.contains("<html lang=\"en\""), "{plain}");
    assert!(plain.contains(&start_button(Locale::En)), "{plain}");
}

#[tokio::test]
async fn the_language_chosen_in_settings_beats_the_browser_preference() {
    use confab::i18n::Locale;
    let page = start_page("Accept-Language: de\r\nCookie: theme=x; confab-lang=es\r\n").await;
    assert!(page.contains("<html lang=\"es\""), "{page}");
    assert!(page.contains(&start_button(Locale::Es)), "{page}");
}
