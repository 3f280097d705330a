use super::*;
use crate::i18n::Text;
use crate::protocol::IceConfig;
use crate::protocol::{CLOSE_GOING_AWAY, CLOSE_POLICY, SdpType};
use crate::state::problem::Problem;

pub(super) fn room() -> RoomId {
    RoomId::from_random_bytes([3; 16])
}

pub(super) fn core(name: &str) -> CallCore {
    CallCore::new(room(), name.into(), None, MediaState::default())
}

pub(super) fn info(id: u64, name: &str) -> PeerInfo {
    PeerInfo {
        id: PeerId(id),
        name: name.into(),
        media: MediaState::default(),
        hand: None,
    }
}

pub(super) fn welcome(you: u64, peers: Vec<PeerInfo>, resumed: bool) -> Input {
    Input::Server(ServerMessage::Welcome {
        you: PeerId(you),
        peers,
        resume_token: format!("token-{you}"),
        settings: RoomSettings::default(),
        resumed,
        ice: None,
    })
}

pub(super) fn ice() -> IceConfig {
    IceConfig {
        refresh_after_seconds: Some(1800),
        ..IceConfig::default()
    }
}

fn offer() -> Signal {
    Signal::Description {
        sdp_type: SdpType::Offer,
        sdp: "v=0".into(),
    }
}

/// A core that joined and is in the room as `me` with `peers`, the ICE configuration here.
pub(super) fn in_room(me: u64, peers: Vec<PeerInfo>) -> (CallCore, Vec<Action>) {
    let mut core = core("Me");
    let mut all = core.handle(Input::Join);
    all.extend(core.handle(Input::SignalingOpen));
    all.extend(core.handle(welcome(me, peers, false)));
    all.extend(core.handle(Input::IceFetched(Some(ice()))));
    (core, all)
}

fn connects(actions: &[Action]) -> Vec<(PeerId, bool)> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Connect { peer, we_offer, .. } => Some((*peer, *we_offer)),
            _ => None,
        })
        .collect()
}

pub(super) fn sent(actions: &[Action]) -> Vec<ClientMessage> {
    actions
        .iter()
        .filter_map(|a| match a {
            Action::Send(message) => Some(message.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn join_opens_the_signaling_and_sends_join_once_it_is_open() {
    let mut core = core("Ada");
    assert_eq!(
        core.handle(Input::Join),
        vec![Action::Phase(CallPhase::Joining), Action::OpenSignaling]
    );
    let actions = core.handle(Input::SignalingOpen);
    assert!(matches!(
        sent(&actions).as_slice(),
        [ClientMessage::Join { name, resume: None, .. }] if name == "Ada"
    ));
}

#[test]
fn the_first_in_an_empty_room_is_in_the_call_at_once_and_connects_to_nobody() {
    let (core, actions) = in_room(1, vec![]);
    assert_eq!(core.phase(), CallPhase::InCall);
    assert!(connects(&actions).is_empty());
}

#[test]
fn the_newcomer_offers_to_everyone_already_there_once_the_ice_configuration_is_here() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(welcome(3, vec![info(1, "Ann"), info(2, "Bob")], false));
    assert!(actions.contains(&Action::FetchIce(Resume {
        id: PeerId(3),
        token: "token-3".into()
    })));
    assert!(actions.contains(&Action::AddTile(info(1, "Ann"))));
    assert!(
        connects(&actions).is_empty(),
        "no connection before the ICE configuration"
    );
    let actions = core.handle(Input::IceFetched(Some(ice())));
    assert_eq!(
        connects(&actions),
        vec![(PeerId(1), true), (PeerId(2), true)]
    );
}

#[test]
fn a_welcome_that_brings_the_ice_configuration_connects_at_once_without_asking_for_it() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let Input::Server(ServerMessage::Welcome {
        you,
        peers,
        resume_token,
        settings,
        resumed,
        ..
    }) = welcome(3, vec![info(1, "Ann"), info(2, "Bob")], false)
    else {
        unreachable!()
    };
    let actions = core.handle(Input::Server(ServerMessage::Welcome {
        you,
        peers,
        resume_token,
        settings,
        resumed,
        ice: Some(ice()),
    }));
    assert!(
        !actions.iter().any(|a| matches!(a, Action::FetchIce(_))),
        "nothing to fetch: {actions:?}"
    );
    let used = actions
        .iter()
        .position(|a| *a == Action::UseIce(ice()))
        .expect("the configuration is used");
    let first_connect = actions
        .iter()
        .position(|a| matches!(a, Action::Connect { .. }))
        .expect("connections start");
    assert!(used < first_connect, "configured before connecting");
    assert_eq!(
        connects(&actions),
        vec![(PeerId(1), true), (PeerId(2), true)]
    );
    // A later message is handled at once, not held for a configuration already here.
    let actions = core.handle(Input::Server(ServerMessage::PeerMedia {
        id: PeerId(1),
        state: MediaState::default(),
    }));
    assert!(actions.contains(&Action::TileMedia(PeerId(1), MediaState::default())));
}

#[test]
fn those_already_there_answer_a_newcomer_and_never_offer() {
    let (mut core, _) = in_room(1, vec![]);
    let actions = core.handle(Input::Server(ServerMessage::PeerJoined {
        peer: info(2, "Bob"),
    }));
    assert!(actions.contains(&Action::AddTile(info(2, "Bob"))));
    assert_eq!(connects(&actions), vec![(PeerId(2), false)]);
}

#[test]
fn the_later_joiner_is_the_polite_side_of_each_pair() {
    let (_, actions) = in_room(5, vec![info(2, "Bob"), info(9, "Zed")]);
    let polite: Vec<(PeerId, bool)> = actions
        .iter()
        .filter_map(|a| match a {
            Action::Connect { peer, polite, .. } => Some((*peer, *polite)),
            _ => None,
        })
        .collect();
    assert_eq!(polite, vec![(PeerId(2), true), (PeerId(9), false)]);
}

#[test]
fn every_join_order_gives_each_pair_exactly_one_offer() {
    // Three people join one after another; then the same with the middle one last. However
    // they arrive, each pair has one offerer: the one who came later.
    for order in [[1u64, 2, 3], [1, 3, 2], [2, 1, 3], [3, 2, 1]] {
        let mut offers = std::collections::BTreeSet::new();
        let mut cores: Vec<(u64, CallCore)> = Vec::new();
        for &id in &order {
            let present: Vec<PeerInfo> = cores.iter().map(|(p, _)| info(*p, "x")).collect();
            let (core, actions) = in_room(id, present);
            for (peer, we_offer) in connects(&actions) {
                assert!(we_offer, "a newcomer offers");
                assert!(offers.insert((id, peer.0)), "two offers for one pair");
            }
            for (existing, other) in &mut cores {
                let actions = other.handle(Input::Server(ServerMessage::PeerJoined {
                    peer: info(id, "x"),
                }));
                for (peer, we_offer) in connects(&actions) {
                    assert!(!we_offer, "{existing} answers {}", peer.0);
                }
            }
            cores.push((id, core));
        }
        assert_eq!(offers.len(), 3, "{order:?}");
    }
}

#[test]
fn server_messages_after_the_welcome_wait_for_the_ice_configuration_in_order() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    core.handle(welcome(3, vec![info(1, "Ann")], false));
    let signal = Input::Server(ServerMessage::Signal {
        from: PeerId(1),
        signal: offer(),
    });
    assert!(core.handle(signal).is_empty(), "held");
    assert!(
        core.handle(Input::Server(ServerMessage::PeerJoined {
            peer: info(4, "Dan")
        }))
        .is_empty()
    );
    let actions = core.handle(Input::IceFetched(Some(ice())));
    let order: Vec<&Action> = actions
        .iter()
        .filter(|a| matches!(a, Action::Connect { .. } | Action::Deliver { .. }))
        .collect();
    assert_eq!(
        order,
        vec![
            &Action::Connect {
                peer: PeerId(1),
                we_offer: true,
                polite: true
            },
            &Action::Deliver {
                from: PeerId(1),
                signal: offer()
            },
            &Action::Connect {
                peer: PeerId(4),
                we_offer: false,
                polite: false
            },
        ]
    );
}

#[test]
fn without_an_ice_configuration_calls_still_connect_on_the_local_network() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    core.handle(welcome(3, vec![info(1, "Ann")], false));
    let actions = core.handle(Input::IceFetched(None));
    assert!(actions.contains(&Action::UseIce(IceConfig::default())));
    assert_eq!(connects(&actions), vec![(PeerId(1), true)]);
}

#[test]
fn the_ice_configuration_is_fetched_again_before_its_credentials_expire() {
    let (mut core, actions) = in_room(1, vec![]);
    assert!(actions.contains(&Action::Wake {
        after_ms: 1_800_000,
        timer: Timer::IceRefresh
    }));
    let actions = core.handle(Input::Timer(Timer::IceRefresh));
    assert_eq!(
        actions,
        vec![Action::FetchIce(Resume {
            id: PeerId(1),
            token: "token-1".into()
        })]
    );
    // The server could not answer (restarting): asked again in 30 s.
    let actions = core.handle(Input::IceFetched(None));
    assert_eq!(
        actions,
        vec![Action::Wake {
            after_ms: ICE_RETRY_SECONDS * 1000,
            timer: Timer::IceRefresh
        }]
    );
}

#[test]
fn a_renewed_resume_token_is_the_one_used_to_come_back() {
    let (mut core, _) = in_room(1, vec![]);
    core.handle(Input::Server(ServerMessage::ResumeToken {
        resume_token: "fresh".into(),
    }));
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    let actions = core.handle(Input::SignalingOpen);
    assert!(matches!(
        sent(&actions).as_slice(),
        [ClientMessage::Join { resume: Some(Resume { id: PeerId(1), token }), .. }] if token == "fresh"
    ));
}

#[test]
fn joining_a_room_with_people_draws_the_call_once_the_first_offer_is_out() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(welcome(3, vec![info(1, "Ann")], false));
    assert_eq!(
        core.phase(),
        CallPhase::Joining,
        "the lobby stays meanwhile"
    );
    assert!(actions.contains(&Action::Wake {
        after_ms: DRAW_CALL_AT_LATEST_MS,
        timer: Timer::DrawCall
    }));
    core.handle(Input::IceFetched(Some(ice())));
    let actions = core.handle(Input::Outgoing {
        to: PeerId(1),
        signal: offer(),
    });
    assert!(actions.contains(&Action::Phase(CallPhase::InCall)));
    assert!(
        core.handle(Input::Timer(Timer::DrawCall)).is_empty(),
        "once"
    );
}

#[test]
fn the_call_is_drawn_at_the_latest_a_moment_after_the_welcome() {
    let mut core = core("Cat");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    core.handle(welcome(3, vec![info(1, "Ann")], false));
    assert_eq!(
        core.handle(Input::Timer(Timer::DrawCall)),
        vec![Action::Phase(CallPhase::InCall)]
    );
}

#[test]
fn signals_reach_only_connections_we_have() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let from_bob = core.handle(Input::Server(ServerMessage::Signal {
        from: PeerId(2),
        signal: offer(),
    }));
    assert_eq!(
        from_bob,
        vec![Action::Deliver {
            from: PeerId(2),
            signal: offer()
        }]
    );
    let from_stranger = core.handle(Input::Server(ServerMessage::Signal {
        from: PeerId(99),
        signal: offer(),
    }));
    assert!(from_stranger.is_empty());
}

#[test]
fn someone_leaving_is_announced_and_their_tile_and_connection_go() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let actions = core.handle(Input::Server(ServerMessage::PeerLeft { id: PeerId(2) }));
    assert!(matches!(
        actions.as_slice(),
        [
            Action::Toast(_),
            Action::RemoveTile {
                peer: PeerId(2),
                ..
            }
        ]
    ));
    assert_eq!(core.connected().count(), 0);
    assert!(
        core.handle(Input::Server(ServerMessage::PeerLeft { id: PeerId(2) }))
            .is_empty(),
        "a second notice changes nothing"
    );
}

#[test]
fn media_changes_of_others_reach_their_tiles_and_ours_reach_the_server() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let muted = MediaState {
        audio: false,
        video: true,
        screen: false,
    };
    assert_eq!(
        core.handle(Input::Server(ServerMessage::PeerMedia {
            id: PeerId(2),
            state: muted
        })),
        vec![Action::TileMedia(PeerId(2), muted)]
    );
    assert_eq!(
        sent(&core.handle(Input::Media(muted))),
        vec![ClientMessage::Media { state: muted }]
    );
}

#[test]
fn a_lost_server_is_retried_with_growing_delays_and_the_page_says_so() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let actions = core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    assert_eq!(
        actions,
        vec![
            Action::Reconnecting(true),
            Action::Wake {
                after_ms: 300,
                timer: Timer::Reconnect
            }
        ]
    );
    assert_eq!(
        core.handle(Input::Timer(Timer::Reconnect)),
        vec![Action::OpenSignaling]
    );
    let actions = core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.5,
    });
    assert_eq!(
        actions,
        vec![Action::Wake {
            after_ms: 600,
            timer: Timer::Reconnect
        }]
    );
    assert_eq!(core.connected().count(), 1, "the call goes on meanwhile");
}

#[test]
fn a_connection_closed_for_breaking_a_rule_is_not_retried() {
    let (mut core, _) = in_room(1, vec![]);
    let actions = core.handle(Input::SignalingClosed {
        code: CLOSE_POLICY,
        jitter: 0.5,
    });
    assert!(!actions.iter().any(|a| matches!(a, Action::Wake { .. })));
    assert!(matches!(actions.last(), Some(Action::Alert(Some(_)))));
}

#[test]
fn what_is_sent_while_the_server_is_away_goes_out_once_we_are_back() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    let candidate = Signal::Candidate {
        candidate: "c".into(),
        sdp_mid: None,
        sdp_m_line_index: Some(0),
    };
    assert!(
        sent(&core.handle(Input::Outgoing {
            to: PeerId(2),
            signal: candidate.clone()
        }))
        .is_empty()
    );
    core.handle(Input::Lock(true));
    assert_eq!(core.waiting_for_server(), 2);
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);
    let actions = core.handle(welcome(1, vec![info(2, "Bob")], true));
    assert_eq!(
        sent(&actions),
        vec![
            ClientMessage::Signal {
                to: PeerId(2),
                signal: candidate
            },
            ClientMessage::Lock { locked: true }
        ],
        "in the order they were sent"
    );
    assert!(actions.contains(&Action::Reconnecting(false)));
}

#[test]
fn what_waits_for_the_server_is_bounded() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    for _ in 0..OUTBOX_LIMIT + 50 {
        core.handle(Input::Media(MediaState::default()));
    }
    assert_eq!(core.waiting_for_server(), OUTBOX_LIMIT);
}

#[test]
fn resumed_as_ourselves_every_connection_stays_and_no_tile_is_added_twice() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);
    let actions = core.handle(welcome(1, vec![info(2, "Bob")], true));
    assert!(!actions.contains(&Action::ClearPeers));
    assert!(connects(&actions).is_empty());
    assert!(!actions.iter().any(|a| matches!(a, Action::AddTile(_))));
    assert!(actions.contains(&Action::TileMedia(PeerId(2), MediaState::default())));
}

#[test]
fn after_a_server_restart_those_not_back_within_the_grace_period_are_gone() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob"), info(3, "Cat")]);
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);
    // The restarted server knows only us at first; Bob comes back a moment later.
    let actions = core.handle(welcome(1, vec![], true));
    assert!(actions.contains(&Action::Wake {
        after_ms: RECONCILE_AFTER_MS,
        timer: Timer::Reconcile
    }));
    let actions = core.handle(Input::Server(ServerMessage::PeerJoined {
        peer: info(2, "Bob"),
    }));
    assert!(
        connects(&actions).is_empty(),
        "Bob's connection never stopped"
    );
    let actions = core.handle(Input::Timer(Timer::Reconcile));
    assert!(matches!(
        actions.as_slice(),
        [
            Action::Toast(_),
            Action::RemoveTile {
                peer: PeerId(3),
                ..
            }
        ]
    ));
    assert_eq!(core.connected().collect::<Vec<_>>(), vec![PeerId(2)]);
}

#[test]
fn a_server_that_does_not_take_us_back_as_ourselves_starts_the_call_over() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);
    let actions = core.handle(welcome(7, vec![info(2, "Bob")], false));
    assert!(actions.contains(&Action::ClearPeers));
    assert!(actions.contains(&Action::Me(Some(PeerId(7)))));
    assert_eq!(connects(&actions), vec![(PeerId(2), true)]);
}

#[test]
fn a_host_back_on_a_restarted_server_locks_and_protects_the_room_again() {
    let mut core = core("Host");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    core.handle(welcome(1, vec![], false));
    core.handle(Input::IceFetched(Some(ice())));
    core.handle(Input::Lock(true));
    core.handle(Input::SetPassword(Some("pw".into())));
    core.handle(Input::SignalingClosed {
        code: CLOSE_GOING_AWAY,
        jitter: 0.5,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::Welcome {
        you: PeerId(1),
        peers: vec![],
        resume_token: "t".into(),
        settings: RoomSettings {
            host: Some(PeerId(1)),
            locked: false,
            password: false,
            waiting_room: false,
            ..RoomSettings::default()
        },
        resumed: true,
        ice: None,
    }));
    assert_eq!(
        sent(&actions),
        vec![
            ClientMessage::Lock { locked: true },
            ClientMessage::SetPassword {
                password: Some("pw".into())
            }
        ]
    );
}

#[test]
fn a_refused_join_goes_back_to_the_lobby_and_asks_for_the_password_when_that_was_why() {
    let mut core = core("Guest");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::error(
        ErrorCode::WrongPassword,
    )));
    assert!(actions.contains(&Action::CloseSignaling));
    assert!(actions.contains(&Action::NeedsPassword(true)));
    assert!(actions.contains(&Action::Phase(CallPhase::Lobby)));
    assert!(matches!(actions.last(), Some(Action::Alert(Some(_)))));

    let mut core = self::core("Guest");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::error(ErrorCode::RoomFull)));
    assert!(actions.contains(&Action::NeedsPassword(false)));
}

#[test]
fn an_unreachable_server_on_joining_shows_its_problem_and_try_again_clears_it() {
    let mut core = core("Guest");
    core.handle(Input::Join);
    let actions = core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.5,
    });
    assert_eq!(
        actions,
        vec![
            Action::Problem(Some(Problem::Unreachable)),
            Action::Phase(CallPhase::Lobby)
        ]
    );
    let again = core.handle(Input::Join);
    assert_eq!(again[0], Action::Problem(None));
    assert!(again.contains(&Action::OpenSignaling));
}

#[test]
fn a_full_room_shows_its_problem_and_the_socket_closing_after_does_not_replace_it() {
    let mut core = core("Guest");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::error(ErrorCode::RoomFull)));
    assert!(actions.contains(&Action::Problem(Some(Problem::RoomFull))));
    assert!(
        !actions.iter().any(|a| matches!(a, Action::Alert(Some(_)))),
        "the screen says it; no alert besides"
    );
    let closed = core.handle(Input::SignalingClosed {
        code: 1000,
        jitter: 0.5,
    });
    assert!(
        !closed.iter().any(|a| matches!(a, Action::Problem(_))),
        "{closed:?}"
    );
}

#[test]
fn a_wrong_password_stays_in_the_lobby_with_a_sentence_not_a_problem_screen() {
    let mut core = core("Guest");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::error(
        ErrorCode::WrongPassword,
    )));
    assert!(actions.contains(&Action::NeedsPassword(true)));
    assert!(!actions.iter().any(|a| matches!(a, Action::Problem(_))));
    assert!(actions.iter().any(|a| matches!(a, Action::Alert(Some(_)))));
}

#[test]
fn being_removed_leaves_the_call_and_shows_why() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let actions = core.handle(Input::Server(ServerMessage::error(ErrorCode::Removed)));
    assert!(actions.contains(&Action::Phase(CallPhase::Left)));
    assert!(actions.contains(&Action::Problem(Some(Problem::Removed))));
}

#[test]
fn a_newcomer_is_announced_by_name_but_those_already_there_are_not() {
    let (mut core, actions) = in_room(1, vec![info(2, "Bob")]);
    assert!(
        !actions.iter().any(|a| matches!(a, Action::Toast(_))),
        "Bob was there before us: {actions:?}"
    );
    let actions = core.handle(Input::Server(ServerMessage::PeerJoined {
        peer: info(3, "Cleo"),
    }));
    assert!(actions.contains(&Action::Toast(
        Text::new("toast-joined").arg("name", "Cleo")
    )));
    let actions = core.handle(Input::Server(ServerMessage::PeerLeft { id: PeerId(3) }));
    assert!(actions.contains(&Action::Toast(Text::new("toast-left").arg("name", "Cleo"))));
}

#[test]
fn removed_by_the_host_the_person_leaves_and_is_told_why() {
    let (mut core, _) = in_room(2, vec![info(1, "Host")]);
    let actions = core.handle(Input::Server(ServerMessage::error(ErrorCode::Removed)));
    assert!(actions.contains(&Action::CloseAll));
    assert!(actions.contains(&Action::Phase(CallPhase::Left)));
    assert!(
        !sent(&actions).contains(&ClientMessage::Leave),
        "the server already let us go"
    );
    assert!(matches!(actions.last(), Some(Action::Alert(Some(_)))));
    assert!(
        core.handle(Input::SignalingClosed {
            code: CLOSE_POLICY,
            jitter: 0.5
        })
        .is_empty(),
        "and does not come back"
    );
}

#[test]
fn leaving_tells_the_server_closes_everything_and_happens_once() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let actions = core.handle(Input::Leave);
    assert_eq!(sent(&actions), vec![ClientMessage::Leave]);
    assert!(actions.contains(&Action::CloseSignaling));
    assert!(actions.contains(&Action::CloseAll));
    assert!(actions.contains(&Action::Phase(CallPhase::Left)));
    assert!(core.handle(Input::Leave).is_empty());
    assert!(core.handle(Input::Timer(Timer::Reconnect)).is_empty());
    assert!(core.handle(Input::Timer(Timer::IceRefresh)).is_empty());
}

#[test]
fn host_requests_go_to_the_server() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    assert_eq!(
        sent(&core.handle(Input::Remove(PeerId(2)))),
        vec![ClientMessage::Remove { id: PeerId(2) }]
    );
    assert_eq!(
        sent(&core.handle(Input::SetPassword(None))),
        vec![ClientMessage::SetPassword { password: None }]
    );
}
