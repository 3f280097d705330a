//! Copying text for the person, who is told whether it worked.

use wasm_bindgen_futures::JsFuture;

/// Puts `text` on the clipboard. Fails where the page may not write to it (an insecure page, a
/// browser that asks and is refused, a page without focus).
pub async fn copy(text: &str) -> Result<(), ()> {
    let clipboard = web_sys::window().ok_or(())?.navigator().clipboard();
    JsFuture::from(clipboard.write_text(text))
        .await
        .map(drop)
        .map_err(drop)
}
