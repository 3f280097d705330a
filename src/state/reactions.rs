//! Reactions floating over tiles for a moment, and the sentence a screen reader announces for
//! each. A burst (someone pressing 👏 as fast as the server lets them) shows only the newest few
//! per tile.

use crate::i18n::Text;
use crate::protocol::Reaction;
use crate::state::call::TileKey;
use leptos::prelude::*;

/// How long a reaction floats, in milliseconds.
pub const REACTION_MS: u32 = 4_000;

/// Reactions shown on one tile at once, at most.
pub const MAX_PER_TILE: usize = 3;

/// One reaction on screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Shown {
    /// Tells reactions apart (and lets one be taken away by its timer).
    pub id: u64,
    /// Whose tile it floats over.
    pub tile: TileKey,
    /// Which.
    pub reaction: Reaction,
}

/// The reactions on screen, and the last few announced.
#[derive(Clone, Copy, Debug)]
pub struct Reactions {
    /// Floating now, oldest first.
    pub items: RwSignal<Vec<Shown>>,
    /// What a screen reader is told ("Ada: applause"), newest last.
    pub announced: RwSignal<Vec<(u64, Text)>>,
    next: StoredValue<u64>,
}

impl Reactions {
    /// None yet.
    pub fn new() -> Self {
        Reactions {
            items: RwSignal::new(Vec::new()),
            announced: RwSignal::new(Vec::new()),
            next: StoredValue::new(1),
        }
    }

    /// Shows `reaction` over `tile` (dropping that tile's oldest beyond [`MAX_PER_TILE`]) and
    /// announces it with `who`'s name; returns its id, for [`Reactions::dismiss`] after
    /// [`REACTION_MS`].
    pub fn push(&self, tile: TileKey, who: &str, reaction: Reaction) -> u64 {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| {
            items.push(Shown { id, tile, reaction });
            let on_tile = items.iter().filter(|s| s.tile == tile).count();
            let mut excess = on_tile.saturating_sub(MAX_PER_TILE);
            items.retain(|s| {
                let drop = excess > 0 && s.tile == tile;
                excess -= usize::from(drop);
                !drop
            });
        });
        self.announced.update(|announced| {
            let text = Text::new("reaction-announced")
                .arg("who", who)
                .arg("reaction", reaction.id());
            announced.push((id, text));
            let excess = announced.len().saturating_sub(MAX_PER_TILE);
            announced.drain(..excess);
        });
        id
    }

    /// Takes a reaction away (and its announcement).
    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|s| s.id != id));
        self.announced.update(|a| a.retain(|(i, _)| *i != id));
    }

    /// The reactions over one tile, oldest first.
    pub fn on(&self, tile: TileKey) -> Vec<Shown> {
        self.items
            .with(|items| items.iter().filter(|s| s.tile == tile).cloned().collect())
    }
}

impl Default for Reactions {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::PeerId;

    #[test]
    fn a_burst_on_one_tile_keeps_its_newest_and_leaves_other_tiles_alone() {
        let owner = Owner::new();
        owner.set();
        let reactions = Reactions::new();
        let ada = TileKey::Peer(PeerId(1));
        reactions.push(TileKey::You, "You", Reaction::Heart);
        let ids: Vec<u64> = (0..5)
            .map(|_| reactions.push(ada, "Ada", Reaction::Clap))
            .collect();
        let on_ada: Vec<u64> = reactions.on(ada).iter().map(|s| s.id).collect();
        assert_eq!(on_ada, ids[2..]);
        assert_eq!(reactions.on(TileKey::You).len(), 1);
        let announced = reactions.announced.get_untracked();
        assert_eq!(announced.len(), MAX_PER_TILE);
        assert_eq!(announced.last().unwrap().1.english(), "Ada: applause");
    }

    #[test]
    fn a_dismissed_reaction_goes_with_its_announcement() {
        let owner = Owner::new();
        owner.set();
        let reactions = Reactions::new();
        let id = reactions.push(TileKey::You, "You", Reaction::ThumbsUp);
        reactions.dismiss(id);
        assert!(reactions.items.get_untracked().is_empty());
        assert!(reactions.announced.get_untracked().is_empty());
    }
}
