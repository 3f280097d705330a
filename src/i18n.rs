//! Every sentence the page shows, in the reader's language: English, German or Spanish.
//!
//! The words live in Fluent files (`locales/<tag>.ftl`), one message per visible string or
//! accessible name, compiled into both the server and the bundle. The server picks the language
//! for each page it renders (the `confab-lang` cookie a person chose in Settings, else the
//! browser's `Accept-Language`) and writes it into `<html lang>`; the hydrating page reads it back
//! from there, so both sides render the same words and hydration never mismatches.
//!
//! Layout:
//! - `locale.rs`: the languages, and choosing one from a cookie and `Accept-Language` (pure).
//! - `text.rs`: `Text`, a message id with its arguments: what pure code returns instead of words.
//! - `catalog.rs`: the Fluent bundles, and formatting a message in a language.
//! - `context.rs`: the page's language as a signal, and the calls components make (`t`, `text`).

mod catalog;
#[cfg(test)]
mod catalog_tests;
mod context;
mod locale;
mod text;

pub use catalog::format;
pub use context::{I18n, RequestLocale, provide_i18n, use_i18n};
pub use locale::{COOKIE, Locale};
pub use text::{Arg, Text};
