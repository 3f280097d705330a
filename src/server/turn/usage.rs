//! What each TURN user may take: a number of allocations and a relayed bandwidth per participant
//! (counted by the participant id in the credential, so fetching fresh credentials does not give
//! a participant a fresh quota), and a number of allocations per client address. Packets over
//! the bandwidth are dropped, as a congested link would.

use crate::server::rate::TokenBucket;
use crate::server::source::Source;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Per-user limits; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UsageLimits {
    /// Allocations one user may hold at once.
    pub allocations: Option<usize>,
    /// Bytes a second one user may relay, both directions together.
    pub bytes_per_second: Option<u64>,
    /// Allocations one client address (IPv4, or IPv6 /64) may hold at once.
    pub allocations_per_address: Option<usize>,
}

/// Allocations and bandwidth of every user with an allocation.
#[derive(Debug)]
pub struct Usage {
    limits: UsageLimits,
    state: Mutex<State>,
    /// Bytes relayed (admitted) so far.
    relayed: AtomicU64,
}

#[derive(Debug, Default)]
struct State {
    /// The user behind each client address that asked for an allocation with valid credentials.
    clients: HashMap<SocketAddr, Client>,
    /// Users with at least one such client.
    users: HashMap<Arc<str>, User>,
    /// Allocations granted per client address.
    by_source: HashMap<Source, usize>,
}

#[derive(Debug)]
struct Client {
    /// The participant it authenticated as.
    user: Arc<str>,
    /// Whether the server granted its allocation (counted against the user's quota).
    allocated: bool,
}

#[derive(Debug)]
struct User {
    /// Allocations granted and not yet closed.
    allocations: usize,
    /// Client addresses known for this user.
    clients: usize,
    /// Bandwidth budget in bytes.
    bytes: Option<TokenBucket>,
}

impl Usage {
    /// Accounting under `limits`.
    pub fn new(limits: UsageLimits) -> Self {
        Usage {
            limits,
            state: Mutex::new(State::default()),
            relayed: AtomicU64::new(0),
        }
    }

    /// An authenticated allocation request from `client` with the credential `username`:
    /// whether its participant, and its address, may have another allocation. A client that
    /// already holds one (a retransmission) always may.
    pub fn may_allocate(&self, client: SocketAddr, username: &str) -> bool {
        let user = participant(username);
        let mut state = self.lock();
        if let Some(known) = state.clients.get(&client) {
            if known.allocated || &*known.user == user {
                return true;
            }
            forget(&mut state, client);
        }
        let held = state.users.get(user).map_or(0, |u| u.allocations);
        if self.limits.allocations.is_some_and(|quota| held >= quota) {
            return false;
        }
        let from_address = state
            .by_source
            .get(&Source::of_addr(client))
            .copied()
            .unwrap_or(0);
        if self
            .limits
            .allocations_per_address
            .is_some_and(|quota| from_address >= quota)
        {
            return false;
        }
        let user: Arc<str> = match state.users.get_key_value(user) {
            Some((name, _)) => Arc::clone(name),
            None => Arc::from(user),
        };
        let bytes = self
            .limits
            .bytes_per_second
            .map(|rate| TokenBucket::per_second(rate, rate, Instant::now()));
        let entry = state.users.entry(Arc::clone(&user)).or_insert(User {
            allocations: 0,
            clients: 0,
            bytes,
        });
        entry.clients += 1;
        state.clients.insert(
            client,
            Client {
                user,
                allocated: false,
            },
        );
        true
    }

    /// The server granted `client`'s allocation.
    pub fn allocated(&self, client: SocketAddr) {
        let mut state = self.lock();
        let State {
            clients,
            users,
            by_source,
        } = &mut *state;
        if let Some(known) = clients.get_mut(&client)
            && !known.allocated
        {
            known.allocated = true;
            if let Some(user) = users.get_mut(&known.user) {
                user.allocations += 1;
            }
            *by_source.entry(Source::of_addr(client)).or_insert(0) += 1;
        }
    }

    /// `client`'s allocation ended (expired or released).
    pub fn closed(&self, client: SocketAddr) {
        forget(&mut self.lock(), client);
    }

    /// Whether `client` holds an allocation the server granted.
    pub fn has_allocation(&self, client: SocketAddr) -> bool {
        self.lock()
            .clients
            .get(&client)
            .is_some_and(|known| known.allocated)
    }

    /// Whether `bytes` relayed for `client` fit its user's bandwidth (they are counted if so).
    pub fn admit(&self, client: SocketAddr, bytes: usize) -> bool {
        let admitted = self.meter(client, bytes);
        if admitted {
            self.relayed.fetch_add(bytes as u64, Ordering::Relaxed);
        }
        admitted
    }

    /// Bytes relayed so far.
    pub fn relayed_bytes(&self) -> u64 {
        self.relayed.load(Ordering::Relaxed)
    }

    /// Allocations held by everyone.
    pub fn total_allocations(&self) -> usize {
        self.lock().users.values().map(|u| u.allocations).sum()
    }

    fn meter(&self, client: SocketAddr, bytes: usize) -> bool {
        if self.limits.bytes_per_second.is_none() {
            return true;
        }
        let mut state = self.lock();
        let State { clients, users, .. } = &mut *state;
        let Some(known) = clients.get(&client) else {
            return true;
        };
        match users.get_mut(&known.user).and_then(|u| u.bytes.as_mut()) {
            Some(bucket) => {
                bucket.take_many(u32::try_from(bytes).unwrap_or(u32::MAX), Instant::now())
            }
            None => true,
        }
    }

    /// Allocations held under credentials of `username`'s participant.
    pub fn allocations(&self, username: &str) -> usize {
        self.lock()
            .users
            .get(participant(username))
            .map_or(0, |u| u.allocations)
    }

    /// Allocations held from `client`'s address.
    pub fn allocations_from(&self, client: SocketAddr) -> usize {
        self.lock()
            .by_source
            .get(&Source::of_addr(client))
            .copied()
            .unwrap_or(0)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        crate::server::lock(&self.state)
    }
}

/// Drops what is known about `client`, and about its user if it was the user's last.
fn forget(state: &mut State, client: SocketAddr) {
    let Some(known) = state.clients.remove(&client) else {
        return;
    };
    if known.allocated {
        let source = Source::of_addr(client);
        if let Some(held) = state.by_source.get_mut(&source) {
            *held -= 1;
            if *held == 0 {
                state.by_source.remove(&source);
            }
        }
    }
    if let Some(user) = state.users.get_mut(&known.user) {
        user.clients -= 1;
        if known.allocated {
            user.allocations -= 1;
        }
        if user.clients == 0 {
            state.users.remove(&known.user);
        }
    }
}

/// The participant a TURN username (`<expiry>:<participant>`) belongs to.
fn participant(username: &str) -> &str {
    username
        .split_once(':')
        .map_or(username, |(_, participant)| participant)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], port))
    }

    fn limited(allocations: usize, bytes_per_second: u64) -> Usage {
        Usage::new(UsageLimits {
            allocations: Some(allocations),
            bytes_per_second: Some(bytes_per_second),
            allocations_per_address: None,
        })
    }

    #[test]
    fn quota_counts_granted_allocations_and_frees_them_on_close() {
        let usage = limited(2, 1_000_000);
        for port in [1, 2] {
            assert!(usage.may_allocate(addr(port), "u"));
            usage.allocated(addr(port));
        }
        assert_eq!(usage.allocations("u"), 2);
        assert!(
            !usage.may_allocate(addr(3), "u"),
            "third allocation refused"
        );
        assert!(
            usage.may_allocate(addr(3), "other"),
            "other users unaffected"
        );
        assert!(usage.may_allocate(addr(1), "u"), "a retransmission is fine");
        usage.closed(addr(1));
        assert_eq!(usage.allocations("u"), 1);
        assert!(usage.may_allocate(addr(4), "u"));
    }

    #[test]
    fn requests_that_never_got_an_allocation_do_not_use_the_quota() {
        let usage = limited(1, 1_000_000);
        assert!(usage.may_allocate(addr(1), "u"));
        assert!(usage.may_allocate(addr(2), "u"));
        usage.allocated(addr(2));
        assert!(!usage.may_allocate(addr(3), "u"));
        usage.closed(addr(2));
        usage.closed(addr(1));
        assert!(
            usage.lock().users.is_empty(),
            "nothing kept for a user with no clients"
        );
    }

    #[test]
    fn bandwidth_is_shared_by_a_users_allocations_and_refills() {
        let usage = limited(5, 10_000);
        for port in [1, 2] {
            assert!(usage.may_allocate(addr(port), "u"));
            usage.allocated(addr(port));
        }
        assert!(usage.admit(addr(1), 6_000));
        assert!(
            !usage.admit(addr(2), 6_000),
            "the second allocation shares the budget"
        );
        assert!(
            usage.admit(addr(9), 6_000),
            "unknown clients are not metered"
        );
        std::thread::sleep(std::time::Duration::from_millis(700));
        assert!(usage.admit(addr(2), 6_000));
    }

    #[test]
    fn fresh_credentials_of_one_participant_share_its_quota() {
        let usage = limited(2, 1_000_000);
        for (port, expiry) in [(1, 1000), (2, 1001)] {
            let name = format!("{expiry}:p7");
            assert!(usage.may_allocate(addr(port), &name));
            usage.allocated(addr(port));
        }
        assert!(
            !usage.may_allocate(addr(3), "1002:p7"),
            "a newer credential is the same participant"
        );
        assert!(usage.may_allocate(addr(3), "1002:p8"));
        assert_eq!(usage.allocations("9999:p7"), 2);
    }

    #[test]
    fn one_address_may_hold_only_so_many_allocations() {
        let usage = Usage::new(UsageLimits {
            allocations: None,
            bytes_per_second: None,
            allocations_per_address: Some(2),
        });
        for port in [1, 2] {
            assert!(usage.may_allocate(addr(port), &format!("1:p{port}")));
            usage.allocated(addr(port));
        }
        assert!(!usage.may_allocate(addr(3), "1:p3"));
        let elsewhere = SocketAddr::from(([198, 51, 100, 1], 3));
        assert!(usage.may_allocate(elsewhere, "1:p3"));
        usage.closed(addr(1));
        assert_eq!(usage.allocations_from(addr(2)), 1);
        assert!(usage.may_allocate(addr(3), "1:p3"));
    }

    #[test]
    fn only_clients_with_a_granted_allocation_have_one() {
        let usage = limited(2, 1_000_000);
        assert!(!usage.has_allocation(addr(1)));
        assert!(usage.may_allocate(addr(1), "1:p1"));
        assert!(!usage.has_allocation(addr(1)), "asked, not granted");
        usage.allocated(addr(1));
        assert!(usage.has_allocation(addr(1)));
        usage.closed(addr(1));
        assert!(!usage.has_allocation(addr(1)));
    }

    #[test]
    fn unlimited_admits_everything() {
        let usage = Usage::new(UsageLimits {
            allocations: None,
            bytes_per_second: None,
            allocations_per_address: None,
        });
        for port in 0..100 {
            assert!(usage.may_allocate(addr(port), "u"));
            usage.allocated(addr(port));
            assert!(usage.admit(addr(port), 1 << 20));
        }
    }
}
