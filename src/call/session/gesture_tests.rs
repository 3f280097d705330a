//! Hands, reactions and asks to unmute, as one person's call core handles them.

use super::tests::{in_room, info, sent, welcome};
use super::*;
use crate::i18n::Text;
use crate::protocol::Reaction;

fn server(message: ServerMessage) -> Input {
    Input::Server(message)
}

#[test]
fn raising_a_hand_asks_the_server_and_its_answer_is_what_the_page_shows() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    assert_eq!(
        sent(&core.handle(Input::Hand(true))),
        vec![ClientMessage::Hand { raised: true }]
    );
    assert_eq!(
        core.handle(server(ServerMessage::PeerHand {
            id: PeerId(1),
            hand: Some(4)
        })),
        vec![Action::Hand(PeerId(1), Some(4))]
    );
    assert_eq!(
        core.handle(server(ServerMessage::PeerHand {
            id: PeerId(2),
            hand: Some(5)
        })),
        vec![Action::Hand(PeerId(2), Some(5))]
    );
    assert!(
        core.handle(server(ServerMessage::PeerHand {
            id: PeerId(9),
            hand: Some(6)
        }))
        .is_empty(),
        "nobody we show"
    );
}

#[test]
fn a_hand_the_host_lowered_is_down_for_the_next_join_too() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::Hand(true));
    core.handle(server(ServerMessage::PeerHand {
        id: PeerId(1),
        hand: None,
    }));
    core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.0,
    });
    let rejoin = sent(&core.handle(Input::SignalingOpen));
    assert!(
        matches!(rejoin.as_slice(), [ClientMessage::Join { hand: false, .. }]),
        "{rejoin:?}"
    );
}

#[test]
fn a_raised_hand_goes_back_up_with_the_join_after_losing_the_server() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(Input::Hand(true));
    core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.0,
    });
    let rejoin = sent(&core.handle(Input::SignalingOpen));
    assert!(
        matches!(
            rejoin.as_slice(),
            [ClientMessage::Join {
                hand: true,
                resume: Some(_),
                ..
            }]
        ),
        "{rejoin:?}"
    );
}

#[test]
fn leaving_lowers_our_hand_on_the_page_and_a_new_join_starts_with_it_down() {
    let (mut core, _) = in_room(1, vec![]);
    core.handle(Input::Hand(true));
    let actions = core.handle(Input::Leave);
    assert!(
        actions.contains(&Action::Hand(PeerId(1), None)),
        "{actions:?}"
    );
    core.handle(Input::Join);
    let join = sent(&core.handle(Input::SignalingOpen));
    assert!(matches!(
        join.as_slice(),
        [ClientMessage::Join { hand: false, .. }]
    ));
}

#[test]
fn a_reaction_goes_out_now_or_never() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    assert_eq!(
        sent(&core.handle(Input::React(Reaction::Clap))),
        vec![ClientMessage::React {
            reaction: Reaction::Clap
        }]
    );
    core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.0,
    });
    assert!(sent(&core.handle(Input::React(Reaction::Heart))).is_empty());
    core.handle(Input::SignalingOpen);
    let back = sent(&core.handle(welcome(1, vec![info(2, "Bob")], true)));
    assert!(
        !back
            .iter()
            .any(|m| matches!(m, ClientMessage::React { .. })),
        "a reaction from before is not sent late: {back:?}"
    );
    assert_eq!(core.waiting_for_server(), 0);
}

#[test]
fn a_refused_reaction_is_a_passing_notice_not_an_alert() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    let refused = ServerMessage::error(ErrorCode::TooFast);
    assert_eq!(
        core.handle(server(refused)),
        vec![Action::Toast(ErrorCode::TooFast.text())]
    );
}

#[test]
fn reactions_from_the_room_and_from_us_are_shown_and_strangers_are_not() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    for from in [1, 2] {
        assert_eq!(
            core.handle(server(ServerMessage::Reaction {
                from: PeerId(from),
                reaction: Reaction::Laugh
            })),
            vec![Action::Reaction(PeerId(from), Reaction::Laugh)]
        );
    }
    assert!(
        core.handle(server(ServerMessage::Reaction {
            from: PeerId(7),
            reaction: Reaction::Laugh
        }))
        .is_empty()
    );
}

#[test]
fn the_host_asking_us_to_unmute_is_a_notice_and_never_turns_the_microphone_on() {
    let (mut core, _) = in_room(2, vec![info(1, "Ada")]);
    let actions = core.handle(server(ServerMessage::UnmuteAsked));
    assert_eq!(
        actions,
        vec![Action::Toast(Text::new("toast-unmute-asked"))]
    );
    let (mut host, _) = in_room(1, vec![info(2, "Bob")]);
    assert_eq!(
        sent(&host.handle(Input::AskToUnmute(PeerId(2)))),
        vec![ClientMessage::AskToUnmute { id: PeerId(2) }]
    );
    assert_eq!(
        sent(&host.handle(Input::LowerHand(PeerId(2)))),
        vec![ClientMessage::LowerHand { id: PeerId(2) }]
    );
}
