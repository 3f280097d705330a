//! The catalogs against each other and against the code: every language has every English
//! message with the same placeholders, every message formats, every id the code asks for exists
//! and every message is asked for somewhere.

use super::catalog::source;
use super::{Arg, Locale, Text, format};
use fluent_bundle::FluentResource;
use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};
use std::collections::{BTreeMap, BTreeSet};

/// Each message's id and the placeholders it uses, in one language.
fn messages(locale: Locale) -> BTreeMap<String, BTreeSet<String>> {
    let resource = FluentResource::try_new(source(locale).to_owned())
        .unwrap_or_else(|(_, errors)| panic!("{} does not parse: {errors:?}", locale.tag()));
    let mut messages = BTreeMap::new();
    for entry in resource.entries() {
        match entry {
            Entry::Message(message) => {
                let mut variables = BTreeSet::new();
                if let Some(value) = &message.value {
                    pattern_variables(value, &mut variables);
                }
                let previous = messages.insert(message.id.name.to_owned(), variables);
                assert!(
                    previous.is_none(),
                    "{} defines {} twice",
                    locale.tag(),
                    message.id.name
                );
            }
            Entry::Junk { content } => panic!("{} has junk: {content}", locale.tag()),
            _ => {}
        }
    }
    messages
}

fn pattern_variables(pattern: &Pattern<&str>, out: &mut BTreeSet<String>) {
    for element in &pattern.elements {
        if let PatternElement::Placeable { expression } = element {
            expression_variables(expression, out);
        }
    }
}

fn expression_variables(expression: &Expression<&str>, out: &mut BTreeSet<String>) {
    match expression {
        Expression::Select { selector, variants } => {
            inline_variables(selector, out);
            for variant in variants {
                pattern_variables(&variant.value, out);
            }
        }
        Expression::Inline(inline) => inline_variables(inline, out),
    }
}

fn inline_variables(inline: &InlineExpression<&str>, out: &mut BTreeSet<String>) {
    match inline {
        InlineExpression::VariableReference { id } => {
            out.insert(id.name.to_owned());
        }
        InlineExpression::FunctionReference { arguments, .. } => {
            for argument in &arguments.positional {
                inline_variables(argument, out);
            }
        }
        InlineExpression::Placeable { expression } => expression_variables(expression, out),
        // The referenced message's own placeholders are checked on that message.
        _ => {}
    }
}

#[test]
fn every_language_has_exactly_the_english_messages() {
    let english = messages(Locale::En);
    for locale in [Locale::De, Locale::Es] {
        let other = messages(locale);
        let missing: Vec<_> = english.keys().filter(|k| !other.contains_key(*k)).collect();
        let extra: Vec<_> = other.keys().filter(|k| !english.contains_key(*k)).collect();
        assert!(missing.is_empty(), "{} lacks {missing:?}", locale.tag());
        assert!(extra.is_empty(), "{} has unknown {extra:?}", locale.tag());
    }
}

#[test]
fn translations_use_the_placeholders_english_gives_them() {
    let english = messages(Locale::En);
    for locale in [Locale::De, Locale::Es] {
        for (id, variables) in messages(locale) {
            let wanted = &english[&id];
            assert!(
                variables.is_subset(wanted),
                "{}: {id} uses {variables:?}, English gives {wanted:?}",
                locale.tag()
            );
        }
    }
}

#[test]
fn every_message_formats_in_every_language() {
    let english = messages(Locale::En);
    // Every placeholder any message uses (a message also sees those of the messages it refers
    // to).
    let mut args = fluent_bundle::FluentArgs::new();
    for variable in english.values().flatten() {
        args.set(variable.clone(), 2);
    }
    for locale in Locale::ALL {
        let bundle = super::catalog::bundle(locale);
        for id in english.keys() {
            let message = bundle.get_message(id).expect("checked above");
            let pattern = message.value().expect("every message has a value");
            let mut errors = Vec::new();
            let text = bundle.format_pattern(pattern, Some(&args), &mut errors);
            assert!(errors.is_empty(), "{}: {id}: {errors:?}", locale.tag());
            assert!(
                !text.trim().is_empty() || id == "stats-percent",
                "{}: {id} is empty",
                locale.tag()
            );
        }
    }
}

/// The Rust sources, each with its path.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src is readable") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut out,
    );
    out
}

/// The ids the code (not its comments) looks up directly: `t("…")`, `tr("…")`,
/// `Text::new("…")`.
fn ids_asked_for(text: &str) -> Vec<String> {
    let text: String = text
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n");
    let mut ids = Vec::new();
    for call in [".t(\"", ".tr(\"", "Text::new(\"", "around_name(\""] {
        for (at, _) in text.match_indices(call) {
            let rest = &text[at + call.len()..];
            if let Some(end) = rest.find('"') {
                ids.push(rest[..end].to_owned());
            }
        }
    }
    ids
}

#[test]
fn every_id_the_code_asks_for_is_in_english() {
    let english = messages(Locale::En);
    for (path, text) in sources() {
        if path.ends_with("catalog_tests.rs") {
            continue;
        }
        for id in ids_asked_for(&text) {
            assert!(
                english.contains_key(&id),
                "{path} asks for {id}, which en.ftl lacks"
            );
        }
    }
}

#[test]
fn every_english_message_is_used_by_the_code() {
    let code: String = sources()
        .into_iter()
        .filter(|(path, _)| !path.ends_with("catalog_tests.rs"))
        .map(|(_, text)| text)
        .collect();
    // Messages only other messages refer to.
    let referenced = ["reaction-name"];
    for id in messages(Locale::En).keys() {
        assert!(
            referenced.contains(&id.as_str()) || code.contains(&format!("\"{id}\"")),
            "en.ftl has {id}, which no code uses"
        );
    }
}

#[test]
fn counts_pick_their_plural_form() {
    let people = |waiting: usize, hands: usize| {
        Text::new("toolbar-people-name")
            .arg("waiting", waiting)
            .arg("hands", hands)
            .english()
    };
    assert_eq!(people(0, 0), "People");
    assert_eq!(people(0, 1), "People, 1 hand raised");
    assert_eq!(people(2, 3), "People, 2 waiting, 3 hands raised");
    let chat = |n: usize| Text::new("toolbar-chat-name").arg("unread", n).english();
    assert_eq!((chat(0), chat(1)), ("Chat".into(), "Chat, 1 unread".into()));
}

#[test]
fn places_in_line_read_as_ordinals() {
    let place = |n: usize| {
        Text::new("people-hand-raised")
            .arg("place", n)
            .english()
            .trim_start_matches("Hand raised, ")
            .to_owned()
    };
    let read: Vec<String> = [1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111].map(place).into();
    assert_eq!(
        read,
        [
            "1st", "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd", "101st", "111th"
        ]
    );
}

#[test]
fn a_reaction_is_named_in_every_message_that_names_it() {
    let send = Text::new("reaction-send").arg("reaction", "clap").english();
    let announced = Text::new("reaction-announced")
        .arg("who", "Ada")
        .arg("reaction", "thumbs_up")
        .english();
    assert_eq!(
        (send.as_str(), announced.as_str()),
        ("Send applause", "Ada: thumbs up")
    );
}

#[test]
fn a_sentence_given_as_an_argument_is_put_in_the_same_language() {
    let failed = Text::new("file-failed").arg("why", Text::new("file-failed-call-ended"));
    assert_eq!(failed.english(), "Failed: The call ended.");
    let german = format(Locale::De, failed.key, &failed.args);
    let german_reason = format(Locale::De, "file-failed-call-ended", &[]);
    assert!(german.ends_with(&german_reason), "{german}");
}

#[test]
fn names_are_written_as_given_without_invisible_marks() {
    let joined = Text::new("toast-joined").arg("name", "Ada").english();
    assert_eq!(joined, "Ada joined");
}

#[test]
fn a_missing_message_falls_back_to_english_then_to_its_id() {
    assert_eq!(
        format(Locale::De, "no-such-message", &[]),
        "no-such-message"
    );
    let args = [("name", Arg::Str("Ada".into()))];
    assert_eq!(format(Locale::En, "toast-joined", &args), "Ada joined");
}

#[test]
fn german_and_spanish_are_translated_not_copied() {
    // Words that are the same in the other language, or left as they are on purpose.
    let same = [
        "panel-chat",
        "panel-close-chat",
        "stats-kbps",
        "stats-ms",
        "stats-percent",
        "stats-fps-unit",
        "toolbar-chat-name",
        "mic-short",
        "host",
        "tile-pin",
        "stats-for",
    ];
    for locale in [Locale::De, Locale::Es] {
        let english = messages(Locale::En);
        let copied: Vec<_> = english
            .keys()
            .filter(|id| !same.contains(&id.as_str()))
            .filter(|id| {
                let args: Vec<(&'static str, Arg)> = vec![];
                format(locale, id, &args) == format(Locale::En, id, &args)
            })
            .collect();
        assert!(
            copied.len() <= 3,
            "{} leaves {copied:?} in English",
            locale.tag()
        );
    }
}
