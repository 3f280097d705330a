//! Reactions: the few emoji a participant can send to the room. Only these exist, so nothing a
//! sender types is ever shown floating over a tile, and each has a name for screen readers.

use serde::{Deserialize, Serialize};

/// One reaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    /// 👍
    ThumbsUp,
    /// 👏
    Clap,
    /// 😂
    Laugh,
    /// ❤️
    Heart,
    /// 😮
    Surprise,
    /// 🎉
    Celebrate,
}

impl Reaction {
    /// Every reaction, in the order the picker shows them.
    pub const ALL: [Reaction; 6] = [
        Reaction::ThumbsUp,
        Reaction::Clap,
        Reaction::Laugh,
        Reaction::Heart,
        Reaction::Surprise,
        Reaction::Celebrate,
    ];

    /// The emoji shown.
    pub fn emoji(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "👍",
            Reaction::Clap => "👏",
            Reaction::Laugh => "😂",
            Reaction::Heart => "❤️",
            Reaction::Surprise => "😮",
            Reaction::Celebrate => "🎉",
        }
    }

    /// Its name on the wire (`thumbs_up`), which also picks its name in words from the page's
    /// messages (`reaction-name`).
    pub fn id(self) -> &'static str {
        match self {
            Reaction::ThumbsUp => "thumbs_up",
            Reaction::Clap => "clap",
            Reaction::Laugh => "laugh",
            Reaction::Heart => "heart",
            Reaction::Surprise => "surprise",
            Reaction::Celebrate => "celebrate",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reactions_travel_as_snake_case_names_and_nothing_else_reads() {
        assert_eq!(
            serde_json::to_string(&Reaction::ThumbsUp).unwrap(),
            r#""thumbs_up""#
        );
        for reaction in Reaction::ALL {
            let json = serde_json::to_string(&reaction).unwrap();
            assert_eq!(serde_json::from_str::<Reaction>(&json).unwrap(), reaction);
        }
        assert!(serde_json::from_str::<Reaction>(r#""<img src=x>""#).is_err());
    }

    #[test]
    fn every_reaction_has_its_own_emoji_and_name() {
        let emoji: std::collections::HashSet<_> = Reaction::ALL.iter().map(|r| r.emoji()).collect();
        let ids: std::collections::HashSet<_> = Reaction::ALL.iter().map(|r| r.id()).collect();
        assert_eq!((emoji.len(), ids.len()), (6, 6));
        for reaction in Reaction::ALL {
            let json = serde_json::to_string(&reaction).unwrap();
            assert_eq!(json, format!("\"{}\"", reaction.id()));
        }
    }
}
