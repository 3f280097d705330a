//! The site: the browser bundle (JS, WASM, CSS), the public assets, and the Leptos settings,
//! all carried inside the release binary, so that one file is the whole server and it runs from
//! any folder. `--site-dir` serves the files from a folder instead (development; a debug build
//! reads `target/site` from disk anyway, so `cargo leptos watch` sees every rebuild).
//!
//! - Precompressed: a browser that accepts Brotli or gzip gets the `.br` or `.gz` copy that the
//!   release build writes beside each file, so the 1.3 MB WASM bundle crosses the network as
//!   about 0.4 MB, with no compression work per request.
//! - Revalidated on every use (`Cache-Control: no-cache`) with an `ETag` per file and encoding:
//!   the bundle's file names do not change between versions, so a browser that kept an old
//!   bundle after an upgrade would fail to hydrate the new pages. It asks with `If-None-Match`
//!   (or `If-Modified-Since`) instead and, when nothing changed, gets an empty 304.
//! - `Vary: Accept-Encoding`, so a shared cache never hands a Brotli body to a browser that did
//!   not ask for one.
//!
//! Anything that is not a file gets the app's "not found" page.

use super::AppState;
use super::page_shell;
use axum::body::Body;
use axum::handler::Handler;
use axum::http::header::{
    ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY,
};
use axum::http::{HeaderMap, HeaderValue, Request, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use leptos::prelude::LeptosOptions;
use std::path::PathBuf;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

/// The site as the release build left it in `target/site`, inside the binary. (A debug build
/// reads the folder at run time.)
#[derive(rust_embed::RustEmbed)]
#[folder = "target/site"]
#[allow_missing = true]
struct Embedded;

/// The Leptos settings (bundle name, where it lives), carried inside the binary. Each value can
/// still be overridden by a `LEPTOS_*` environment variable.
pub const LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

/// Where the site's files come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Site {
    /// Inside the binary.
    Embedded,
    /// A folder (`--site-dir`).
    Dir(PathBuf),
}

/// The Leptos settings could not be read.
#[derive(Debug, thiserror::Error)]
#[error("the Leptos settings inside the binary cannot be read: {0}")]
pub struct SettingsError(String);

/// The Leptos settings from [`LEPTOS_TOML`], with the site root moved to `site_dir` if given.
pub fn leptos_options(site: &Site) -> Result<LeptosOptions, SettingsError> {
    let mut options = leptos::config::get_config_from_str(LEPTOS_TOML)
        .map_err(|error| SettingsError(error.to_string()))?;
    if let Site::Dir(dir) = site {
        options.site_root = dir.to_string_lossy().into_owned().into();
    }
    Ok(options)
}

/// Whether the binary carries the browser bundle (a release build made by `scripts/build.sh`
/// does; one built without the site does not, and needs `--site-dir`).
pub fn has_bundle(options: &LeptosOptions) -> bool {
    let wasm = format!(
        "{}/{}.wasm",
        options.site_pkg_dir.trim_matches('/'),
        options.output_name
    );
    Embedded::get(&wasm).is_some()
}

/// The fallback service of the router: files, or the "not found" page.
pub fn service(state: &AppState) -> MethodRouter {
    let not_found = leptos_axum::file_and_error_handler::<AppState, _>(page_shell);
    match &state.site {
        Site::Dir(dir) => {
            let not_found = not_found.with_state(state.clone());
            let files = ServeDir::new(dir)
                .precompressed_br()
                .precompressed_gzip()
                .call_fallback_on_method_not_allowed(true)
                .fallback(not_found);
            let files = SetResponseHeader::overriding(
                files,
                CACHE_CONTROL,
                HeaderValue::from_static("no-cache"),
            );
            let files = SetResponseHeader::appending(
                files,
                VARY,
                HeaderValue::from_static("accept-encoding"),
            );
            axum::routing::any_service(files)
        }
        Site::Embedded => {
            let state = state.clone();
            axum::routing::any(move |request: Request<Body>| {
                let not_found = not_found.clone();
                let state = state.clone();
                async move {
                    match embedded(request.uri().path(), request.headers()) {
                        Some(response) => response,
                        None => not_found.call(request, state).await,
                    }
                }
            })
        }
    }
}

/// The embedded file at `path` in the best encoding the request accepts, or a 304; `None` when
/// there is no such file.
fn embedded(path: &str, request: &HeaderMap) -> Option<Response> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        return None;
    }
    let plain = Embedded::get(path)?;
    let accepts = |encoding: &str| {
        request
            .get_all(ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|v| {
                let mut parts = v.split(';');
                let name = parts.next().unwrap_or_default().trim();
                let refused = parts.any(|p| p.trim().replace(' ', "") == "q=0");
                name.eq_ignore_ascii_case(encoding) && !refused
            })
    };
    let (file, encoding) = [("br", ".br"), ("gzip", ".gz")]
        .into_iter()
        .filter(|(encoding, _)| accepts(encoding))
        .find_map(|(encoding, suffix)| {
            Embedded::get(&format!("{path}{suffix}")).map(|file| (file, Some(encoding)))
        })
        .unwrap_or((plain.clone(), None));
    let tag = format!(
        "\"{}\"",
        data_encoding::HEXLOWER.encode(&file.metadata.sha256_hash()[..16])
    );
    let mut headers = HeaderMap::new();
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    headers.insert(
        ETAG,
        HeaderValue::from_str(&tag).expect("hex is a header value"),
    );
    let unchanged = request
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|v| v.trim().trim_start_matches("W/") == tag);
    if unchanged {
        return Some((StatusCode::NOT_MODIFIED, headers).into_response());
    }
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_str(plain.metadata.mimetype())
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Some(encoding) = encoding {
        headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    Some((headers, file.data.into_owned()).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_leptos_settings_come_from_leptos_toml_and_the_site_dir_moves_the_root() {
        let options = leptos_options(&Site::Embedded).unwrap();
        assert_eq!(&*options.output_name, "confab");
        assert_eq!(&*options.site_pkg_dir, "pkg");
        let options = leptos_options(&Site::Dir("/srv/site".into())).unwrap();
        assert_eq!(&*options.site_root, "/srv/site");
    }
}
