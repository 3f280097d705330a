//! When one connection needs an ICE restart: at once when it fails, after a while when it stays
//! disconnected (often a blip that heals by itself), and when it never connects at all (the
//! other side never answered). Pure: the shell reports the connection's states and the timers
//! it was asked for, with the time.

/// A connection's `connectionState`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    /// Not started.
    #[default]
    New,
    /// Finding a path.
    Connecting,
    /// Media flows.
    Connected,
    /// The path stopped working, perhaps for a moment.
    Disconnected,
    /// No path works.
    Failed,
    /// Closed.
    Closed,
}

impl ConnectionState {
    /// The state the browser names (`"connected"` …); anything unknown is `New`.
    pub fn parse(name: &str) -> Self {
        match name {
            "connecting" => ConnectionState::Connecting,
            "connected" => ConnectionState::Connected,
            "disconnected" => ConnectionState::Disconnected,
            "failed" => ConnectionState::Failed,
            "closed" => ConnectionState::Closed,
            _ => ConnectionState::New,
        }
    }

    /// The browser's name for it.
    pub fn word(self) -> &'static str {
        match self {
            ConnectionState::New => "new",
            ConnectionState::Connecting => "connecting",
            ConnectionState::Connected => "connected",
            ConnectionState::Disconnected => "disconnected",
            ConnectionState::Failed => "failed",
            ConnectionState::Closed => "closed",
        }
    }

    /// Whether the connection is lost, for now or for good.
    pub fn is_lost(self) -> bool {
        matches!(
            self,
            ConnectionState::Disconnected | ConnectionState::Failed
        )
    }
}

/// How long a connection may stay disconnected before an ICE restart, in milliseconds.
pub const RESTART_AFTER_DISCONNECTED_MS: f64 = 2_000.0;

/// How long a new connection may take to connect before an ICE restart (its offer or answer
/// may have been lost), in milliseconds.
pub const RESTART_IF_NEVER_CONNECTED_MS: f64 = 20_000.0;

/// What to do.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum LinkAction {
    /// Restart ICE (`restartIce()`): a new offer, new candidates.
    RestartIce,
    /// Call [`LinkHealth::check`] after this many milliseconds.
    CheckAfter(f64),
}

/// One connection's health.
#[derive(Clone, Debug)]
pub struct LinkHealth {
    state: ConnectionState,
    /// When the connection was made, or last restarted.
    since: f64,
    /// When it went disconnected, if it is.
    disconnected_at: Option<f64>,
    /// It has connected at least once since `since`.
    connected: bool,
}

impl LinkHealth {
    /// A connection made at `now`; check it again when told.
    pub fn new(now: f64) -> (Self, LinkAction) {
        (
            LinkHealth {
                state: ConnectionState::New,
                since: now,
                disconnected_at: None,
                connected: false,
            },
            LinkAction::CheckAfter(RESTART_IF_NEVER_CONNECTED_MS),
        )
    }

    /// The state now.
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// The connection's state changed at `now`.
    pub fn changed(&mut self, state: ConnectionState, now: f64) -> Vec<LinkAction> {
        self.state = state;
        match state {
            ConnectionState::Connected => {
                self.connected = true;
                self.disconnected_at = None;
                Vec::new()
            }
            ConnectionState::Failed => {
                self.restarted(now);
                vec![
                    LinkAction::RestartIce,
                    LinkAction::CheckAfter(RESTART_IF_NEVER_CONNECTED_MS),
                ]
            }
            ConnectionState::Disconnected => {
                self.disconnected_at = Some(now);
                vec![LinkAction::CheckAfter(RESTART_AFTER_DISCONNECTED_MS)]
            }
            _ => Vec::new(),
        }
    }

    /// A check the machine asked for, at `now`.
    pub fn check(&mut self, now: f64) -> Vec<LinkAction> {
        let stuck_disconnected = self.state == ConnectionState::Disconnected
            && self
                .disconnected_at
                .is_some_and(|at| now - at >= RESTART_AFTER_DISCONNECTED_MS);
        let never_connected = !self.connected
            && self.state != ConnectionState::Closed
            && now - self.since >= RESTART_IF_NEVER_CONNECTED_MS;
        if stuck_disconnected || never_connected {
            self.restarted(now);
            return vec![
                LinkAction::RestartIce,
                LinkAction::CheckAfter(RESTART_IF_NEVER_CONNECTED_MS),
            ];
        }
        Vec::new()
    }

    fn restarted(&mut self, now: f64) {
        self.since = now;
        self.connected = false;
        self.disconnected_at = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_connection_restarts_ice_at_once() {
        let (mut health, _) = LinkHealth::new(0.0);
        health.changed(ConnectionState::Connected, 100.0);
        let actions = health.changed(ConnectionState::Failed, 5_000.0);
        assert_eq!(actions[0], LinkAction::RestartIce);
    }

    #[test]
    fn a_blip_that_heals_within_two_seconds_restarts_nothing() {
        let (mut health, _) = LinkHealth::new(0.0);
        health.changed(ConnectionState::Connected, 100.0);
        assert_eq!(
            health.changed(ConnectionState::Disconnected, 1_000.0),
            vec![LinkAction::CheckAfter(RESTART_AFTER_DISCONNECTED_MS)]
        );
        health.changed(ConnectionState::Connected, 2_500.0);
        assert!(health.check(3_000.0).is_empty());
    }

    #[test]
    fn staying_disconnected_two_seconds_restarts_ice() {
        let (mut health, _) = LinkHealth::new(0.0);
        health.changed(ConnectionState::Connected, 100.0);
        health.changed(ConnectionState::Disconnected, 1_000.0);
        assert!(health.check(2_999.0).is_empty(), "not yet");
        assert!(health.check(3_000.0).contains(&LinkAction::RestartIce));
    }

    #[test]
    fn a_peer_that_never_answers_gets_an_ice_restart_after_twenty_seconds() {
        let (mut health, first) = LinkHealth::new(0.0);
        assert_eq!(first, LinkAction::CheckAfter(RESTART_IF_NEVER_CONNECTED_MS));
        health.changed(ConnectionState::Connecting, 50.0);
        assert!(health.check(19_999.0).is_empty());
        let actions = health.check(20_000.0);
        assert!(actions.contains(&LinkAction::RestartIce));
        assert!(
            actions.contains(&LinkAction::CheckAfter(RESTART_IF_NEVER_CONNECTED_MS)),
            "and again if the restart does not help either"
        );
        assert!(health.check(39_999.0).is_empty());
        assert!(health.check(40_000.0).contains(&LinkAction::RestartIce));
    }

    #[test]
    fn a_connected_link_is_not_restarted_by_an_old_check() {
        let (mut health, _) = LinkHealth::new(0.0);
        health.changed(ConnectionState::Connected, 300.0);
        assert!(health.check(20_000.0).is_empty());
    }

    #[test]
    fn a_closed_link_is_left_alone() {
        let (mut health, _) = LinkHealth::new(0.0);
        health.changed(ConnectionState::Closed, 10.0);
        assert!(health.check(60_000.0).is_empty());
    }

    #[test]
    fn browser_state_names_parse() {
        assert_eq!(
            ConnectionState::parse("connected"),
            ConnectionState::Connected
        );
        assert_eq!(ConnectionState::parse("failed"), ConnectionState::Failed);
        assert_eq!(ConnectionState::parse("nonsense"), ConnectionState::New);
        assert!(ConnectionState::Disconnected.is_lost());
        assert!(!ConnectionState::Connecting.is_lost());
    }
}
