//! Static files from the site root: the browser bundle (JS, WASM, CSS) and the public assets.
//!
//! - Precompressed: a browser that accepts Brotli or gzip gets the `.br` or `.gz` copy that the
//!   release build writes beside each file (`scripts/build.sh`), so the 1.3 MB WASM bundle
//!   crosses the network as about 0.4 MB, with no compression work per request.
//! - Revalidated on every use (`Cache-Control: no-cache`): the bundle's file names do not change
//!   between versions, so a browser that kept an old bundle after an upgrade would fail to
//!   hydrate the new pages. It asks with `If-Modified-Since` instead and, when nothing changed,
//!   gets an empty 304.
//! - `Vary: Accept-Encoding`, so a shared cache never hands a Brotli body to a browser that did
//!   not ask for one.
//!
//! Anything that is not a file gets the app's "not found" page.

use super::AppState;
use crate::app::shell;
use axum::handler::Handler;
use axum::http::HeaderValue;
use axum::http::header::{CACHE_CONTROL, VARY};
use axum::routing::MethodRouter;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeader;

/// The fallback service of the router: files, or the "not found" page.
pub fn service(state: &AppState) -> MethodRouter {
    let not_found =
        leptos_axum::file_and_error_handler::<AppState, _>(shell).with_state(state.clone());
    let files = ServeDir::new(&*state.leptos_options.site_root)
        .precompressed_br()
        .precompressed_gzip()
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    let files =
        SetResponseHeader::overriding(files, CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    let files =
        SetResponseHeader::appending(files, VARY, HeaderValue::from_static("accept-encoding"));
    axum::routing::any_service(files)
}
