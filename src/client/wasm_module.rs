//! The small WebAssembly modules the page hands to code off its main thread (the denoiser's
//! audio worklet, the file hasher's workers): each fetched and compiled once per page, then
//! shared (a compiled `WebAssembly.Module` can be posted to a worker or a worklet as it is).

use js_sys::WebAssembly;
use std::cell::RefCell;
use std::collections::HashMap;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

thread_local! {
    /// Compiled modules by URL.
    static MODULES: RefCell<HashMap<&'static str, WebAssembly::Module>> = RefCell::default();
}

/// The module at `url` (on this server), compiled on first use, then kept.
pub async fn compiled(url: &'static str) -> Result<WebAssembly::Module, JsValue> {
    if let Some(module) = MODULES.with_borrow(|modules| modules.get(url).cloned()) {
        return Ok(module);
    }
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response = JsFuture::from(window.fetch_with_str(url))
        .await?
        .dyn_into()?;
    if !response.ok() {
        return Err(format!("{url}: HTTP {}", response.status()).into());
    }
    let bytes = JsFuture::from(response.array_buffer()?).await?;
    let module: WebAssembly::Module = JsFuture::from(WebAssembly::compile(&bytes))
        .await?
        .dyn_into()?;
    MODULES.with_borrow_mut(|modules| modules.insert(url, module.clone()));
    Ok(module)
}
