//! Short notices that go away by themselves ("Ada joined", "Link copied"), read out by screen
//! readers from a live region. Only a few show at once: a burst of them (a dozen people joining)
//! keeps the newest.

use crate::i18n::Text;
use leptos::prelude::*;

/// Notices shown at once, at most.
pub const MAX_TOASTS: usize = 3;

/// How long a notice stays, in milliseconds.
pub const TOAST_MS: u32 = 4_000;

/// One notice.
#[derive(Clone, Debug, PartialEq)]
pub struct Toast {
    /// Tells notices apart (and lets one be taken away by its timer).
    pub id: u64,
    /// What it says.
    pub text: Text,
}

/// The notices on screen.
#[derive(Clone, Copy, Debug)]
pub struct Toasts {
    /// Shown now, oldest first.
    pub items: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// None yet.
    pub fn new() -> Self {
        Toasts {
            items: RwSignal::new(Vec::new()),
            next: StoredValue::new(1),
        }
    }

    /// Shows a notice (dropping the oldest beyond [`MAX_TOASTS`]) and returns its id, for
    /// [`Toasts::dismiss`] once [`TOAST_MS`] have passed.
    pub fn push(&self, text: Text) -> u64 {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.items.update(|items| {
            items.push(Toast { id, text });
            let excess = items.len().saturating_sub(MAX_TOASTS);
            items.drain(..excess);
        });
        id
    }

    /// Takes a notice away.
    pub fn dismiss(&self, id: u64) {
        self.items.update(|items| items.retain(|t| t.id != id));
    }
}

impl Default for Toasts {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_show_in_order_and_go_when_dismissed() {
        let owner = Owner::new();
        owner.with(|| {
            let toasts = Toasts::new();
            let joined = |name: &str| Text::new("toast-joined").arg("name", name);
            let ada = toasts.push(joined("Ada"));
            toasts.push(joined("Bob"));
            toasts.dismiss(ada);
            let texts: Vec<_> = toasts
                .items
                .get_untracked()
                .into_iter()
                .map(|t| t.text.english())
                .collect();
            assert_eq!(texts, ["Bob joined"]);
        });
    }

    #[test]
    fn a_burst_keeps_only_the_newest_few() {
        let owner = Owner::new();
        owner.with(|| {
            let toasts = Toasts::new();
            for n in 0..12 {
                toasts.push(Text::new("toast-joined").arg("name", format!("P{n}")));
            }
            let texts: Vec<_> = toasts
                .items
                .get_untracked()
                .into_iter()
                .map(|t| t.text.english())
                .collect();
            assert_eq!(texts, ["P9 joined", "P10 joined", "P11 joined"]);
        });
    }
}
