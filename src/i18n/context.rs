//! The page's language as a signal, shared by every component through the context.

use super::{Locale, Text, format};
use leptos::prelude::*;

/// The page's language, and the words in it. Reading a message tracks the language, so text
/// written as `move || i18n.t("key")` changes when someone picks another language.
#[derive(Clone, Copy, Debug)]
pub struct I18n {
    /// The language the page speaks.
    locale: RwSignal<Locale>,
}

/// The language of the page being rendered, given to the app by the server's page shell.
#[derive(Clone, Copy, Debug)]
pub struct RequestLocale(pub Locale);

impl I18n {
    /// The page's language (tracked).
    pub fn locale(self) -> Locale {
        self.locale.get()
    }

    /// The message `key` in the page's language.
    pub fn t(self, key: &'static str) -> String {
        format(self.locale.get(), key, &[])
    }

    /// A sentence from pure code, in the page's language.
    pub fn text(self, text: &Text) -> String {
        format(self.locale.get(), text.key, &text.args)
    }

    /// The message `key` in two halves around its `$name` placeholder, so the page can put the
    /// name itself in an isolating element (`<bdi>`) between them.
    pub fn around_name(self, key: &'static str) -> (String, String) {
        const MARK: &str = "\u{E000}";
        let whole = self.text(&Text::new(key).arg("name", MARK));
        match whole.split_once(MARK) {
            Some((before, after)) => (before.to_owned(), after.to_owned()),
            None => (whole, String::new()),
        }
    }

    /// The message `key` as a function of the language, for a view or an attribute.
    pub fn tr(self, key: &'static str) -> impl Fn() -> String + Copy + Send + Sync + 'static {
        move || self.t(key)
    }

    /// Speaks `locale` from now on: the page's words change at once, `<html lang>` follows, and
    /// the cookie makes the server render the next pages in it too.
    pub fn choose(self, locale: Locale) {
        self.locale.set(locale);
        #[cfg(feature = "hydrate")]
        remember(locale);
    }
}

/// Puts the language into the app's context: on the server the request's (given by the page
/// shell), in the browser the one the server wrote into `<html lang>`.
pub fn provide_i18n() -> I18n {
    let i18n = I18n {
        locale: RwSignal::new(initial_locale()),
    };
    provide_context(i18n);
    i18n
}

/// The app's language, as provided by `provide_i18n`.
pub fn use_i18n() -> I18n {
    use_context().unwrap_or_else(|| I18n {
        // Components rendered on their own (unit tests) speak English.
        locale: RwSignal::new(Locale::En),
    })
}

fn initial_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .and_then(|root| root.get_attribute("lang"))
            .and_then(|tag| Locale::from_tag(&tag))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        use_context::<RequestLocale>()
            .map(|RequestLocale(locale)| locale)
            .unwrap_or_default()
    }
}

/// Keeps the choice for the next pages, for a year.
#[cfg(feature = "hydrate")]
fn remember(locale: Locale) {
    use wasm_bindgen::JsCast;
    if let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() {
        let cookie = format!(
            "{}={}; Path=/; Max-Age=31536000; SameSite=Lax; Secure",
            super::COOKIE,
            locale.tag()
        );
        let _ = document.set_cookie(&cookie);
    }
}
