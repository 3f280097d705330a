//! The parts of a presence that deal with time and loss: the ICE configuration arriving (or
//! not) and its refresh, timers, and a lost signaling connection.

use super::{Action, CallCore, ICE_RETRY_SECONDS, Ice};
use crate::call::{CallPhase, Timer};
use crate::protocol::{IceConfig, PeerId};
use crate::state::problem::Problem;
use crate::state::reconnect;

impl CallCore {
    pub(super) fn ice_fetched(&mut self, config: Option<IceConfig>, out: &mut Vec<Action>) {
        let first = self.ice == Ice::Fetching;
        match config {
            Some(config) => {
                if let Some(seconds) = config.refresh_after_seconds {
                    out.push(Action::Wake {
                        after_ms: seconds.saturating_mul(1000),
                        timer: Timer::IceRefresh,
                    });
                }
                out.push(Action::UseIce(config));
            }
            // Without it, calls still connect within one network; a refresh tries again.
            None if first => out.push(Action::UseIce(IceConfig::default())),
            None => out.push(Action::Wake {
                after_ms: ICE_RETRY_SECONDS * 1000,
                timer: Timer::IceRefresh,
            }),
        }
        if !first {
            return;
        }
        self.ice = Ice::Ready;
        self.connect_server(out);
        for peer in std::mem::take(&mut self.unconnected) {
            self.connect(peer, true, out);
        }
        for message in std::mem::take(&mut self.waiting) {
            self.server(message, out);
        }
    }

    pub(super) fn timer(&mut self, timer: Timer, out: &mut Vec<Action>) {
        match timer {
            Timer::DrawCall => self.draw_call(out),
            Timer::Reconcile => {
                let Some(confirmed) = self.confirmed.take() else {
                    return;
                };
                let gone: Vec<PeerId> = self
                    .connected
                    .iter()
                    .filter(|id| !confirmed.contains(id))
                    .copied()
                    .collect();
                for id in gone {
                    self.peer_left(id, "file-failed-peer-left", out);
                }
            }
            Timer::Reconnect => {
                if self.phase != CallPhase::Left && self.me.is_some() && !self.socket_open {
                    out.push(Action::OpenSignaling);
                }
            }
            Timer::EndBridge => self.end_bridge(out),
            Timer::IceRefresh => {
                if self.phase == CallPhase::Left {
                    return;
                }
                if let Some(resume) = self.resume.clone() {
                    out.push(Action::FetchIce(resume));
                }
            }
        }
    }

    /// The signaling connection closed. In the call, we reconnect (media between browsers goes
    /// on meanwhile) unless the server closed it for a broken rule.
    pub(super) fn lost_server(&mut self, code: u16, jitter: f64, out: &mut Vec<Action>) {
        self.socket_open = false;
        if self.phase == CallPhase::Left {
            return;
        }
        if self.me.is_none() {
            if !self.alerting {
                self.problem(Some(Problem::Unreachable), out);
            }
            self.set_phase(CallPhase::Lobby, out);
            return;
        }
        if !reconnect::should_retry(code) {
            let sentence =
                crate::i18n::Text::new(if code == crate::protocol::CLOSE_MESSAGE_TOO_BIG {
                    "alert-closed-too-big"
                } else {
                    "alert-closed"
                });
            if self.reconnecting {
                self.reconnecting = false;
                out.push(Action::Reconnecting(false));
            }
            self.alert(Some(sentence), out);
            return;
        }
        if !self.reconnecting {
            self.reconnecting = true;
            out.push(Action::Reconnecting(true));
        }
        let delay = reconnect::delay_ms(self.attempts, jitter);
        self.attempts += 1;
        out.push(Action::Wake {
            after_ms: delay,
            timer: Timer::Reconnect,
        });
    }

    pub(super) fn close_socket(&mut self, out: &mut Vec<Action>) {
        self.socket_open = false;
        out.push(Action::CloseSignaling);
    }
}
