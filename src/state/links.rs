//! Finding web links in chat text, so they can be made clickable without ever treating the text
//! as HTML: the text is split into plain parts and links, and the UI renders each part as a text
//! node or an `<a>` whose address is one of these links.

/// A part of a chat message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    /// Plain text, shown as is.
    Text(String),
    /// An `http:` or `https:` address.
    Link(String),
}

/// Splits `text` into plain text and links. Only `http://` and `https://` addresses become
/// links (never `javascript:`, `data:` or other schemes); punctuation that ends a sentence is
/// left out of the link. Joining the segments gives back `text` exactly.
pub fn segments(text: &str) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_end);
        match find_link(word) {
            Some((start, end)) => {
                plain.push_str(&word[..start]);
                if !plain.is_empty() {
                    out.push(Segment::Text(std::mem::take(&mut plain)));
                }
                out.push(Segment::Link(word[start..end].to_owned()));
                plain.push_str(&word[end..]);
            }
            None => plain.push_str(word),
        }
        let space_end = after
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(after.len());
        plain.push_str(&after[..space_end]);
        rest = &after[space_end..];
    }
    if !plain.is_empty() {
        out.push(Segment::Text(plain));
    }
    out
}

/// Where the first link in a word is: it starts after an opening bracket or quote, not in
/// the middle of another word.
fn find_link(word: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(found) = word[from..].find(['h', 'H']) {
        let start = from + found;
        let after_letter = word[..start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        let len = link_prefix(&word[start..]);
        if len > 0 && !after_letter {
            return Some((start, start + len));
        }
        from = start + 1;
    }
    None
}

/// The length of the link at the start of `word` (0 when it is not one).
fn link_prefix(word: &str) -> usize {
    let lower = word.get(..8).unwrap_or(word).to_ascii_lowercase();
    let scheme = if lower.starts_with("https://") {
        8
    } else if lower.starts_with("http://") {
        7
    } else {
        return 0;
    };
    let mut end = word.len();
    while let Some(last) = word[..end].chars().next_back() {
        let opened = word[..end].matches('(').count();
        let closed = word[..end].matches(')').count();
        if ".,;:!?'\"]}>".contains(last) || (last == ')' && opened < closed) {
            end -= last.len_utf8();
        } else {
            break;
        }
    }
    if end > scheme { end } else { 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn joined(parts: &[Segment]) -> String {
        parts
            .iter()
            .map(|p| match p {
                Segment::Text(t) | Segment::Link(t) => t.as_str(),
            })
            .collect()
    }

    #[test]
    fn plain_text_is_one_segment() {
        assert_eq!(
            segments("hello <b>world</b>"),
            vec![Segment::Text("hello <b>world</b>".into())]
        );
        assert_eq!(segments(""), vec![]);
    }

    #[test]
    fn links_are_found_and_sentence_punctuation_left_out() {
        let text = "see https://example.com/a?b=1. and (http://x.org/wiki/Foo_(bar)) ok";
        let parts = segments(text);
        assert_eq!(
            parts,
            vec![
                Segment::Text("see ".into()),
                Segment::Link("https://example.com/a?b=1".into()),
                Segment::Text(". and (".into()),
                Segment::Link("http://x.org/wiki/Foo_(bar)".into()),
                Segment::Text(") ok".into()),
            ]
        );
        assert_eq!(joined(&parts), text);
    }

    #[test]
    fn other_schemes_and_bare_schemes_are_not_links() {
        for text in [
            "javascript:alert(1)",
            "data:text/html,<script>",
            "https://",
            "https://.",
            "xhttps://example.com",
            "ftp://example.com",
        ] {
            assert!(
                segments(text).iter().all(|s| matches!(s, Segment::Text(_))),
                "{text}"
            );
        }
    }

    #[test]
    fn scheme_case_does_not_matter_and_whitespace_is_kept() {
        let text = "a\n\nHTTPS://Example.com\tb";
        let parts = segments(text);
        assert_eq!(parts[1], Segment::Link("HTTPS://Example.com".into()));
        assert_eq!(joined(&parts), text);
    }

    #[test]
    fn non_ascii_text_around_links_survives() {
        let text = "voilà: https://exemple.fr/é, merci 😀";
        let parts = segments(text);
        assert_eq!(parts[1], Segment::Link("https://exemple.fr/é".into()));
        assert_eq!(joined(&parts), text);
    }
}
