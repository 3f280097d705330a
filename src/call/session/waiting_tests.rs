//! The waiting room, as one person's call core handles it: waiting, being let in or turned
//! away, and (as host) hearing who knocks.

use super::tests::{core, in_room, info, sent, welcome};
use super::*;
use crate::i18n::Text;

#[test]
fn a_newcomer_told_to_wait_waits_in_the_lobby_and_its_welcome_brings_it_into_the_call() {
    let mut core = core("Bob");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let actions = core.handle(Input::Server(ServerMessage::Waiting));
    assert_eq!(actions, vec![Action::Phase(CallPhase::Waiting)]);
    core.handle(welcome(2, vec![], false));
    assert_eq!(core.phase(), CallPhase::InCall);
}

#[test]
fn a_newcomer_turned_away_sees_why_and_is_back_in_the_lobby() {
    let mut core = core("Bob");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    core.handle(Input::Server(ServerMessage::Waiting));
    let actions = core.handle(Input::Server(ServerMessage::error(ErrorCode::Denied)));
    assert!(
        actions.contains(&Action::Problem(Some(Problem::Denied))),
        "{actions:?}"
    );
    assert_eq!(core.phase(), CallPhase::Lobby);
}

#[test]
fn the_host_hears_each_newcomer_once_and_sees_the_whole_list() {
    let (mut host, _) = in_room(1, vec![]);
    let one = vec![info(5, "Bob")];
    let actions = host.handle(Input::Server(ServerMessage::Knocking {
        waiting: one.clone(),
    }));
    assert_eq!(
        actions,
        vec![
            Action::Toast(Text::new("toast-knocking").arg("name", "Bob")),
            Action::Waiting(one)
        ]
    );
    let two = vec![info(5, "Bob"), info(6, "Cy")];
    let actions = host.handle(Input::Server(ServerMessage::Knocking {
        waiting: two.clone(),
    }));
    assert_eq!(
        actions,
        vec![
            Action::Toast(Text::new("toast-knocking").arg("name", "Cy")),
            Action::Waiting(two)
        ]
    );
    assert_eq!(
        sent(&host.handle(Input::Admit(PeerId(5)))),
        vec![ClientMessage::Admit { id: PeerId(5) }]
    );
    assert_eq!(
        sent(&host.handle(Input::AdmitAll)),
        vec![ClientMessage::AdmitAll]
    );
    assert_eq!(
        sent(&host.handle(Input::Deny(PeerId(6)))),
        vec![ClientMessage::Deny { id: PeerId(6) }]
    );
}

#[test]
fn a_host_back_on_a_restarted_server_turns_the_waiting_room_on_again() {
    let (mut host, _) = in_room(1, vec![]);
    host.handle(Input::SetWaitingRoom(true));
    host.handle(Input::SignalingClosed {
        code: crate::protocol::CLOSE_GOING_AWAY,
        jitter: 0.0,
    });
    host.handle(Input::SignalingOpen);
    let mut back = welcome(1, vec![], true);
    if let Input::Server(ServerMessage::Welcome { settings, .. }) = &mut back {
        settings.host = Some(PeerId(1));
    }
    let again = sent(&host.handle(back));
    assert!(
        again.contains(&ClientMessage::SetWaitingRoom { on: true }),
        "{again:?}"
    );
}
