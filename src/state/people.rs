//! The participant list's rules: raised hands first, in the order they went up; then you; then
//! everyone else in the order they came. A long list can be searched by name.

use crate::protocol::PeerId;
use crate::state::call::TileKey;

/// From this many people on, the list has a search field.
pub const SEARCH_FROM: usize = 5;

/// One row of the list, as the ordering needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Whose row.
    pub key: TileKey,
    /// Their name.
    pub name: String,
    /// Their hand's place among raised hands, if it is up.
    pub hand: Option<u64>,
}

/// The rows in list order (see the module's description). `rows` comes in join order, you
/// anywhere in it.
pub fn ordered(mut rows: Vec<Row>) -> Vec<Row> {
    // A stable sort keeps join order among equals.
    rows.sort_by_key(|row| {
        (
            row.hand.is_none(),
            row.hand.unwrap_or(0),
            row.key != TileKey::You,
        )
    });
    rows
}

/// Each raised hand's position (1 for the first hand up), by whose hand it is.
pub fn hand_positions(rows: &[Row]) -> Vec<(TileKey, usize)> {
    let mut hands: Vec<(u64, TileKey)> = rows
        .iter()
        .filter_map(|r| r.hand.map(|h| (h, r.key)))
        .collect();
    hands.sort_by_key(|(hand, _)| *hand);
    hands
        .into_iter()
        .enumerate()
        .map(|(i, (_, key))| (key, i + 1))
        .collect()
}

/// Whether `name` matches what was typed in the search field: every word typed appears in it,
/// ignoring case.
pub fn matches(name: &str, query: &str) -> bool {
    let name = name.to_lowercase();
    query
        .to_lowercase()
        .split_whitespace()
        .all(|word| name.contains(word))
}

/// The key of a remote participant's row.
pub fn peer(id: PeerId) -> TileKey {
    TileKey::Peer(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(key: TileKey, name: &str, hand: Option<u64>) -> Row {
        Row {
            key,
            name: name.into(),
            hand,
        }
    }

    #[test]
    fn raised_hands_come_first_in_the_order_they_went_up_then_you_then_join_order() {
        let rows = vec![
            row(peer(PeerId(1)), "Ada", None),
            row(peer(PeerId(2)), "Bob", Some(7)),
            row(TileKey::You, "Me", None),
            row(peer(PeerId(3)), "Cy", Some(4)),
            row(peer(PeerId(4)), "Di", None),
        ];
        let names: Vec<String> = ordered(rows.clone()).into_iter().map(|r| r.name).collect();
        assert_eq!(names, ["Cy", "Bob", "Me", "Ada", "Di"]);
        assert_eq!(
            hand_positions(&rows),
            [(peer(PeerId(3)), 1), (peer(PeerId(2)), 2)]
        );
    }

    #[test]
    fn search_matches_every_typed_word_ignoring_case() {
        assert!(matches("Ada Lovelace", ""));
        assert!(matches("Ada Lovelace", "love"));
        assert!(matches("Ada Lovelace", "  LOVE ada "));
        assert!(!matches("Ada Lovelace", "ada byron"));
        assert!(matches("Ñandú", "ñan"));
    }
}
