//! The messages of every language, parsed once per thread, and formatting one of them.

use super::{Arg, Locale};
use fluent_bundle::{FluentArgs, FluentBundle, FluentResource, FluentValue};

/// The Fluent source of a language.
pub(super) fn source(locale: Locale) -> &'static str {
    match locale {
        Locale::En => include_str!("../../locales/en.ftl"),
        Locale::De => include_str!("../../locales/de.ftl"),
        Locale::Es => include_str!("../../locales/es.ftl"),
    }
}

/// A language's messages, ready to format.
pub(super) fn bundle(locale: Locale) -> FluentBundle<FluentResource> {
    let tag = locale.tag().parse().expect("the languages' tags are valid");
    let mut bundle = FluentBundle::new(vec![tag]);
    // No invisible isolation marks around names: the page isolates them itself (`<bdi>`), and
    // accessible names must read as written.
    bundle.set_use_isolating(false);
    // NUMBER(), for ordinals ("1st").
    let _ = bundle.add_builtins();
    let resource = FluentResource::try_new(source(locale).to_owned())
        .unwrap_or_else(|(resource, _errors)| resource);
    // A message defined twice keeps its first definition; the catalog tests refuse both.
    let _ = bundle.add_resource(resource);
    bundle
}

thread_local! {
    /// Each thread's bundles, built on first use (bundles are not `Sync`; the server's worker
    /// threads and the browser's one thread each hold a copy).
    static BUNDLES: [FluentBundle<FluentResource>; 3] = Locale::ALL.map(bundle);
}

/// The message `key` in `locale`, with its placeholders filled; the English message when the
/// language lacks it, and the key itself when no language has it (the catalog tests prevent
/// both).
pub fn format(locale: Locale, key: &str, args: &[(&'static str, Arg)]) -> String {
    // Sentences given as arguments first, in the same language.
    let nested: Vec<String> = args
        .iter()
        .filter_map(|(_, value)| match value {
            Arg::Text(text) => Some(format(locale, text.key, &text.args)),
            _ => None,
        })
        .collect();
    let mut nested = nested.iter();
    let fluent_args = (!args.is_empty()).then(|| {
        let mut fluent_args = FluentArgs::with_capacity(args.len());
        for (name, value) in args {
            let value = match value {
                Arg::Str(text) => FluentValue::from(text.as_str()),
                Arg::Num(number) => FluentValue::from(*number),
                Arg::Text(_) => FluentValue::from(nested.next().map_or("", String::as_str)),
            };
            fluent_args.set(*name, value);
        }
        fluent_args
    });
    BUNDLES.with(|bundles| {
        [locale, Locale::En]
            .into_iter()
            .find_map(|locale| {
                let bundle = &bundles[locale as usize];
                let pattern = bundle.get_message(key)?.value()?;
                let mut errors = Vec::new();
                Some(
                    bundle
                        .format_pattern(pattern, fluent_args.as_ref(), &mut errors)
                        .into_owned(),
                )
            })
            .unwrap_or_else(|| key.to_owned())
    })
}
