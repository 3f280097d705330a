//! The languages Confab speaks, and which one a request asks for.

/// The cookie that keeps the language a person chose in Settings (`en`, `de` or `es`).
pub const COOKIE: &str = "confab-lang";

/// A language of the interface.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    /// English: the language of the code, the tests and the fallback for a missing message.
    #[default]
    En,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every language, in the order Settings lists them.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Es];

    /// The BCP 47 tag, as in `<html lang>` and the cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::De => "de",
            Locale::Es => "es",
        }
    }

    /// The language's name in itself, as a person looking for it would recognise it.
    pub fn name(self) -> &'static str {
        match self {
            Locale::En => "English",
            Locale::De => "Deutsch",
            Locale::Es => "Español",
        }
    }

    /// The language a tag names, by its primary subtag (`de-AT` is German), if Confab has it.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        let primary = tag.trim().split(['-', '_']).next()?;
        Locale::ALL
            .into_iter()
            .find(|locale| locale.tag().eq_ignore_ascii_case(primary))
    }

    /// The language an `Accept-Language` header prefers most among those Confab has: by quality
    /// (`q`), then by order; English when none matches.
    pub fn negotiate(accept_language: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for range in accept_language.split(',').take(32) {
            let mut parts = range.split(';');
            let Some(locale) = parts.next().and_then(Locale::from_tag) else {
                continue;
            };
            let quality = parts
                .filter_map(|part| part.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, locale));
            }
        }
        best.map(|(_, locale)| locale).unwrap_or_default()
    }

    /// The language of a page request: the one chosen in Settings (the cookie) if any, else the
    /// browser's preference.
    pub fn for_request(cookie_header: Option<&str>, accept_language: Option<&str>) -> Locale {
        cookie_header
            .and_then(from_cookies)
            .unwrap_or_else(|| accept_language.map(Locale::negotiate).unwrap_or_default())
    }
}

/// The language named by the `confab-lang` cookie in a `Cookie` header.
fn from_cookies(header: &str) -> Option<Locale> {
    header.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        (name.trim() == COOKIE)
            .then(|| Locale::from_tag(value))
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regional_tag_picks_its_language() {
        assert_eq!(Locale::from_tag("de-AT"), Some(Locale::De));
        assert_eq!(Locale::from_tag("ES_mx"), Some(Locale::Es));
        assert_eq!(Locale::from_tag("fr-FR"), None);
    }

    #[test]
    fn the_highest_quality_language_confab_has_wins() {
        assert_eq!(
            Locale::negotiate("fr-FR,fr;q=0.9,de;q=0.8,en;q=0.7"),
            Locale::De
        );
        assert_eq!(Locale::negotiate("en;q=0.5, es-ES;q=0.6"), Locale::Es);
        assert_eq!(Locale::negotiate("de-CH, en;q=0.9"), Locale::De);
    }

    #[test]
    fn equal_qualities_keep_the_header_order() {
        assert_eq!(Locale::negotiate("es, de"), Locale::Es);
    }

    #[test]
    fn refused_unknown_and_garbled_languages_fall_back_to_english() {
        assert_eq!(Locale::negotiate("de;q=0, fr"), Locale::En);
        assert_eq!(Locale::negotiate("*"), Locale::En);
        assert_eq!(Locale::negotiate(";;,=,q=2"), Locale::En);
        assert_eq!(Locale::negotiate(""), Locale::En);
    }

    #[test]
    fn the_chosen_language_beats_the_browser_preference() {
        let cookies = Some("confab.other=1; confab-lang=es; x=y");
        assert_eq!(Locale::for_request(cookies, Some("de")), Locale::Es);
        assert_eq!(
            Locale::for_request(Some("confab-lang=xx"), Some("de")),
            Locale::De
        );
        assert_eq!(Locale::for_request(None, None), Locale::En);
    }
}
