//! Resume tokens the hub no longer honours although they have not expired: those of members who
//! left, did not come back in time, or were removed by the host. Each entry is kept only until
//! the token it revokes would have expired anyway, and the list has a hard size limit.
//!
//! Removals must also outlive a restart: [`encode`] and [`decode`] turn the list into the text
//! the server keeps in its data directory (the hub itself does no I/O).

use crate::protocol::{PeerId, RoomId};
use std::collections::HashMap;

/// Entries kept at most (about 100 bytes each). Past this, the entry closest to expiry goes.
pub const MAX_REVOKED: usize = 100_000;

/// One revoked token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Revocation {
    /// The room.
    pub room: RoomId,
    /// The member.
    pub id: PeerId,
    /// Unix time (seconds) the revoked token would have expired at.
    pub expires: u64,
    /// The host removed this member (rather than it leaving or timing out).
    pub removed: bool,
}

/// The revocation list.
#[derive(Debug, Default)]
pub(super) struct Revoked {
    entries: HashMap<(RoomId, PeerId), (u64, bool)>,
}

impl Revoked {
    /// Revokes `id`'s tokens in `room` until `expires`.
    pub fn insert(&mut self, revocation: Revocation, now: u64) {
        if revocation.expires <= now {
            return;
        }
        if self.entries.len() >= MAX_REVOKED {
            self.prune(now);
        }
        if self.entries.len() >= MAX_REVOKED
            && let Some(soonest) = self
                .entries
                .iter()
                .filter(|(_, (_, removed))| !removed)
                .min_by_key(|(_, (expires, _))| *expires)
                .map(|(key, _)| key.clone())
        {
            self.entries.remove(&soonest);
        }
        let key = (revocation.room, revocation.id);
        let entry = self.entries.entry(key).or_insert((0, false));
        entry.0 = entry.0.max(revocation.expires);
        entry.1 |= revocation.removed;
    }

    /// Whether tokens of `id` in `room` are revoked.
    pub fn contains(&self, room: &RoomId, id: PeerId) -> bool {
        self.entries.contains_key(&(room.clone(), id))
    }

    /// Forgets entries whose tokens have expired by `now`.
    pub fn prune(&mut self, now: u64) {
        self.entries.retain(|_, (expires, _)| *expires > now);
    }

    /// Entries still in force at `now`; with `removals_only`, only the host's removals.
    pub fn list(&self, now: u64, removals_only: bool) -> Vec<Revocation> {
        let mut list: Vec<Revocation> = self
            .entries
            .iter()
            .filter(|(_, (expires, removed))| *expires > now && (*removed || !removals_only))
            .map(|((room, id), (expires, removed))| Revocation {
                room: room.clone(),
                id: *id,
                expires: *expires,
                removed: *removed,
            })
            .collect();
        list.sort_by_key(|r| (r.expires, r.id));
        list
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}

/// The text kept on disk: one `ROOM ID EXPIRES removed|left` line per entry.
pub fn encode(list: &[Revocation]) -> String {
    list.iter()
        .map(|r| {
            let kind = if r.removed { "removed" } else { "left" };
            format!("{} {} {} {kind}\n", r.room, r.id.0, r.expires)
        })
        .collect()
}

/// Reads what [`encode`] wrote; lines it cannot read are skipped.
pub fn decode(text: &str) -> Vec<Revocation> {
    text.lines()
        .filter_map(|line| {
            let mut parts = line.split_ascii_whitespace();
            let room = parts.next()?.parse().ok()?;
            let id = PeerId(parts.next()?.parse().ok()?);
            let expires = parts.next()?.parse().ok()?;
            let removed = match parts.next()? {
                "removed" => true,
                "left" => false,
                _ => return None,
            };
            Some(Revocation {
                room,
                id,
                expires,
                removed,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn revocation(byte: u8, id: u64, expires: u64, removed: bool) -> Revocation {
        Revocation {
            room: RoomId::from_random_bytes([byte; 16]),
            id: PeerId(id),
            expires,
            removed,
        }
    }

    #[test]
    fn entries_last_until_their_token_would_have_expired() {
        let mut revoked = Revoked::default();
        revoked.insert(revocation(1, 7, 100, false), 10);
        revoked.insert(revocation(1, 8, 5, false), 10);
        assert!(revoked.contains(&RoomId::from_random_bytes([1; 16]), PeerId(7)));
        assert!(
            !revoked.contains(&RoomId::from_random_bytes([1; 16]), PeerId(8)),
            "an expired token needs no entry"
        );
        revoked.prune(100);
        assert_eq!(revoked.len(), 0);
    }

    #[test]
    fn the_list_is_bounded_and_removals_are_kept_longest() {
        let mut revoked = Revoked::default();
        revoked.insert(revocation(9, 1, 50, true), 0);
        for id in 0..MAX_REVOKED as u64 + 10 {
            revoked.insert(revocation(1, id, 100 + id, false), 0);
        }
        assert_eq!(revoked.len(), MAX_REVOKED);
        assert!(revoked.contains(&RoomId::from_random_bytes([9; 16]), PeerId(1)));
    }

    #[test]
    fn the_text_form_round_trips_and_skips_junk() {
        let list = vec![revocation(1, 7, 100, true), revocation(2, 8, 200, false)];
        let text = encode(&list);
        assert_eq!(decode(&text), list);
        let mixed = format!("garbage\n{text}abc 1 2 removed\n");
        assert_eq!(decode(&mixed), list);
    }
}
