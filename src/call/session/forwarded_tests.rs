//! A room whose media goes through the server's forwarding unit: one connection, to the server.

use super::tests::{core, ice, in_room, info, sent};
use super::*;
use crate::protocol::IceConfig;

fn forwarded() -> RoomSettings {
    RoomSettings {
        media: MediaRoute::Sfu,
        ..RoomSettings::default()
    }
}

fn welcome_forwarded(you: u64, peers: Vec<PeerInfo>, resumed: bool) -> Input {
    Input::Server(ServerMessage::Welcome {
        you: PeerId(you),
        peers,
        resume_token: format!("token-{you}"),
        settings: forwarded(),
        resumed,
        ice: Some(ice()),
    })
}

fn in_forwarded_room(me: u64, peers: Vec<PeerInfo>) -> (CallCore, Vec<Action>) {
    let mut core = core("Me");
    let mut all = core.handle(Input::Join);
    all.extend(core.handle(Input::SignalingOpen));
    all.extend(core.handle(welcome_forwarded(me, peers, false)));
    (core, all)
}

fn server_links(actions: &[Action]) -> usize {
    actions
        .iter()
        .filter(|a| matches!(a, Action::ConnectServer))
        .count()
}

fn peer_connections(actions: &[Action]) -> usize {
    actions
        .iter()
        .filter(|a| matches!(a, Action::Connect { .. }))
        .count()
}

#[test]
fn joining_a_forwarded_room_opens_one_connection_to_the_server_and_none_to_participants() {
    let (_, actions) = in_forwarded_room(3, vec![info(1, "Ada"), info(2, "Bob")]);

    assert_eq!(server_links(&actions), 1);
    assert_eq!(peer_connections(&actions), 0);
    let tiles = actions
        .iter()
        .filter(|a| matches!(a, Action::AddTile(_)))
        .count();
    assert_eq!(tiles, 2);
}

#[test]
fn alone_in_a_forwarded_room_we_still_connect_to_publish_for_later_joiners() {
    let (_, actions) = in_forwarded_room(1, vec![]);

    assert_eq!(server_links(&actions), 1);
}

#[test]
fn the_server_connection_waits_for_the_ice_configuration() {
    let mut core = core("Me");
    core.handle(Input::Join);
    core.handle(Input::SignalingOpen);
    let welcomed = core.handle(Input::Server(ServerMessage::Welcome {
        you: PeerId(2),
        peers: vec![info(1, "Ada")],
        resume_token: "t".into(),
        settings: forwarded(),
        resumed: false,
        ice: None,
    }));
    assert_eq!(server_links(&welcomed), 0);

    let fetched = core.handle(Input::IceFetched(Some(IceConfig::default())));

    assert_eq!(server_links(&fetched), 1);
}

#[test]
fn a_newcomer_gets_a_tile_but_no_connection_of_its_own() {
    let (mut core, _) = in_forwarded_room(1, vec![]);

    let actions = core.handle(Input::Server(ServerMessage::PeerJoined {
        peer: info(2, "Bob"),
    }));

    assert!(actions.iter().any(|a| matches!(a, Action::AddTile(_))));
    assert_eq!(peer_connections(&actions), 0);
    assert_eq!(
        server_links(&actions),
        0,
        "the one connection carries Bob too"
    );
}

#[test]
fn negotiation_with_the_unit_goes_between_the_server_and_the_connection() {
    let (mut core, _) = in_forwarded_room(1, vec![]);

    let ours = core.handle(Input::ServerMedia(ServerSdp::Offer("our offer".into())));
    let theirs = core.handle(Input::Server(ServerMessage::MediaOffer {
        sdp: "their offer".into(),
    }));
    let answer = core.handle(Input::ServerMedia(ServerSdp::Answer("our answer".into())));

    assert_eq!(
        sent(&ours),
        vec![ClientMessage::MediaOffer {
            sdp: "our offer".into()
        }]
    );
    assert_eq!(
        theirs,
        vec![Action::DeliverMedia(ServerSdp::Offer("their offer".into()))]
    );
    assert_eq!(
        sent(&answer),
        vec![ClientMessage::MediaAnswer {
            sdp: "our answer".into()
        }]
    );
}

#[test]
fn when_the_server_ends_our_media_we_connect_again() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob")]);

    let actions = core.handle(Input::Server(ServerMessage::MediaEnded));

    assert_eq!(server_links(&actions), 1);
}

#[test]
fn back_after_losing_the_server_we_connect_to_the_unit_again() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob")]);
    core.handle(Input::SignalingClosed {
        code: 1006,
        jitter: 0.0,
    });
    core.handle(Input::Timer(Timer::Reconnect));
    core.handle(Input::SignalingOpen);

    let actions = core.handle(welcome_forwarded(1, vec![info(2, "Bob")], true));

    assert_eq!(server_links(&actions), 1);
    assert_eq!(peer_connections(&actions), 0);
}

#[test]
fn in_a_mesh_room_nothing_goes_to_the_unit() {
    let (mut core, actions) = in_room(2, vec![info(1, "Ada")]);
    assert_eq!(server_links(&actions), 0);

    let stray = core.handle(Input::Server(ServerMessage::MediaOffer {
        sdp: "offer".into(),
    }));
    let ours = core.handle(Input::ServerMedia(ServerSdp::Offer("offer".into())));

    assert!(stray.is_empty());
    assert!(sent(&ours).is_empty());
}

#[test]
fn leaving_a_forwarded_room_closes_everything_and_ignores_the_unit_after() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob")]);

    let left = core.handle(Input::Leave);
    let late = core.handle(Input::Server(ServerMessage::MediaOffer {
        sdp: "late".into(),
    }));

    assert!(left.contains(&Action::CloseAll));
    assert!(late.is_empty());
}

#[test]
fn chat_in_a_forwarded_room_goes_to_the_server_and_comes_back_from_it() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob")]);

    let sending = core.handle(Input::Chat {
        to: Some(PeerId(2)),
        text: "hi".into(),
        sent_at: 5,
    });
    let arriving = core.handle(Input::Server(ServerMessage::Chat {
        from: PeerId(2),
        text: "hello".into(),
        private: false,
        sent_at: 6,
    }));
    let from_a_stranger = core.handle(Input::Server(ServerMessage::Chat {
        from: PeerId(9),
        text: "who?".into(),
        private: false,
        sent_at: 7,
    }));

    assert_eq!(
        sent(&sending),
        vec![ClientMessage::Chat {
            to: Some(PeerId(2)),
            text: "hi".into(),
            sent_at: 5
        }]
    );
    assert_eq!(
        arriving,
        vec![Action::Chat {
            from: PeerId(2),
            text: "hello".into(),
            private: false,
            sent_at: 6
        }]
    );
    assert!(from_a_stranger.is_empty());
    assert!(core.through_server());
}

fn settings_with(media: MediaRoute) -> Input {
    Input::Server(ServerMessage::Settings {
        settings: RoomSettings {
            host: Some(PeerId(1)),
            media,
            ..RoomSettings::default()
        },
    })
}

#[test]
fn growing_past_the_limit_connects_to_the_server_and_keeps_direct_connections_meanwhile() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);

    let actions = core.handle(settings_with(MediaRoute::Sfu));

    assert_eq!(server_links(&actions), 1);
    assert_eq!(peer_connections(&actions), 0);
    assert!(!actions.contains(&Action::DropPeerLinks));
    assert!(actions.contains(&Action::Wake {
        after_ms: BRIDGE_MS,
        timer: Timer::EndBridge
    }));
    assert!(core.through_server());
}

const GRACE: Action = Action::Wake {
    after_ms: BRIDGE_GRACE_MS,
    timer: Timer::EndBridge,
};

#[test]
fn each_tile_shows_the_server_media_once_it_carries_that_participant_then_direct_connections_close()
{
    let (mut core, _) = in_room(1, vec![info(2, "Bob"), info(3, "Cy")]);
    core.handle(settings_with(MediaRoute::Sfu));

    let bob = core.handle(Input::ServerCarries(PeerId(2)));
    let bob_again = core.handle(Input::ServerCarries(PeerId(2)));
    let cy = core.handle(Input::ServerCarries(PeerId(3)));
    let grace_over = core.handle(Input::Timer(Timer::EndBridge));
    let second_timer = core.handle(Input::Timer(Timer::EndBridge));

    assert_eq!(bob, vec![Action::ShowServerMedia(PeerId(2))]);
    assert!(bob_again.is_empty());
    assert_eq!(
        cy,
        vec![Action::ShowServerMedia(PeerId(3)), GRACE],
        "everyone is carried: the others get a moment to switch too"
    );
    assert_eq!(grace_over, vec![Action::DropPeerLinks]);
    assert!(second_timer.is_empty());
}

#[test]
fn when_the_bridge_time_is_up_the_direct_connections_close_whoever_the_server_carries() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob"), info(3, "Cy")]);
    core.handle(settings_with(MediaRoute::Sfu));
    core.handle(Input::ServerCarries(PeerId(2)));

    let time_up = core.handle(Input::Timer(Timer::EndBridge));
    let late = core.handle(Input::ServerCarries(PeerId(3)));

    assert_eq!(time_up, vec![Action::DropPeerLinks]);
    assert!(late.is_empty());
}

#[test]
fn someone_leaving_during_the_bridge_is_not_waited_for() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob"), info(3, "Cy")]);
    core.handle(settings_with(MediaRoute::Sfu));
    core.handle(Input::ServerCarries(PeerId(2)));

    let left = core.handle(Input::Server(ServerMessage::PeerLeft { id: PeerId(3) }));

    assert!(left.contains(&GRACE), "{left:?}");
}

#[test]
fn shrinking_back_during_the_bridge_closes_what_is_left_of_it_before_connecting_directly() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);
    core.handle(settings_with(MediaRoute::Sfu));

    let actions = core.handle(settings_with(MediaRoute::Mesh));

    let dropped = actions.iter().position(|a| *a == Action::DropPeerLinks);
    let connected = actions
        .iter()
        .position(|a| matches!(a, Action::Connect { .. }));
    assert!(dropped.is_some() && dropped < connected, "{actions:?}");
}

#[test]
fn joined_through_the_server_there_is_no_direct_connection_to_close() {
    let (mut core, actions) = in_forwarded_room(3, vec![info(1, "Ada")]);

    let carries = core.handle(Input::ServerCarries(PeerId(1)));

    assert!(!actions.iter().any(|a| matches!(
        a,
        Action::Wake {
            timer: Timer::EndBridge,
            ..
        }
    )));
    assert!(carries.is_empty());
}

#[test]
fn shrinking_back_connects_directly_again_with_the_later_joiner_offering() {
    let (mut core, _) = in_forwarded_room(2, vec![info(1, "Ada"), info(3, "Cy")]);

    let actions = core.handle(settings_with(MediaRoute::Mesh));

    assert!(actions.contains(&Action::DropServerLink));
    let offers: Vec<(PeerId, bool)> = actions
        .iter()
        .filter_map(|a| match a {
            Action::Connect { peer, we_offer, .. } => Some((*peer, *we_offer)),
            _ => None,
        })
        .collect();
    assert_eq!(offers, vec![(PeerId(1), true), (PeerId(3), false)]);
    assert!(!core.through_server());
    let stale = core.handle(Input::Server(ServerMessage::MediaOffer {
        sdp: "from the old connection".into(),
    }));
    assert!(stale.is_empty());
}

#[test]
fn settings_that_keep_the_route_change_no_connection() {
    let (mut core, _) = in_forwarded_room(2, vec![info(1, "Ada")]);

    let actions = core.handle(settings_with(MediaRoute::Sfu));

    assert_eq!(
        actions,
        vec![Action::Settings(RoomSettings {
            host: Some(PeerId(1)),
            media: MediaRoute::Sfu,
            ..RoomSettings::default()
        })]
    );
}

#[test]
fn the_units_word_on_who_speaks_reaches_the_tiles_of_participants_only() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob"), info(3, "Cy")]);

    let actions = core.handle(Input::Server(ServerMessage::Speakers {
        speaking: vec![PeerId(1), PeerId(2), PeerId(9)],
        active: Some(PeerId(2)),
    }));
    let about_a_stranger = core.handle(Input::Server(ServerMessage::Speakers {
        speaking: vec![],
        active: Some(PeerId(9)),
    }));

    assert_eq!(
        actions,
        vec![Action::Speakers {
            speaking: vec![PeerId(2)],
            active: Some(PeerId(2)),
        }],
        "ourselves and strangers are left out"
    );
    assert_eq!(
        about_a_stranger,
        vec![Action::Speakers {
            speaking: vec![],
            active: None,
        }]
    );
}

#[test]
fn word_on_who_speaks_is_ignored_in_a_room_whose_media_goes_directly() {
    let (mut core, _) = in_room(1, vec![info(2, "Bob")]);

    let actions = core.handle(Input::Server(ServerMessage::Speakers {
        speaking: vec![PeerId(2)],
        active: Some(PeerId(2)),
    }));

    assert!(actions.is_empty());
}

fn pause(peers: &[u64]) -> ClientMessage {
    ClientMessage::PauseVideo {
        peers: peers.iter().map(|n| PeerId(*n)).collect(),
    }
}

#[test]
fn whose_video_is_not_shown_reaches_the_server_once_its_connection_carries_media() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob"), info(3, "Cy")]);

    let before_the_offer = core.handle(Input::HiddenVideo(vec![PeerId(3)]));
    let offered = core.handle(Input::ServerMedia(ServerSdp::Offer("offer".into())));
    let unchanged = core.handle(Input::HiddenVideo(vec![PeerId(3), PeerId(3)]));
    let shown_again = core.handle(Input::HiddenVideo(vec![]));

    assert!(sent(&before_the_offer).is_empty());
    assert_eq!(
        sent(&offered),
        vec![
            ClientMessage::MediaOffer {
                sdp: "offer".into()
            },
            pause(&[3])
        ]
    );
    assert!(sent(&unchanged).is_empty());
    assert_eq!(sent(&shown_again), vec![pause(&[])]);
}

#[test]
fn a_new_connection_to_the_server_is_told_again_whose_video_is_not_shown() {
    let (mut core, _) = in_forwarded_room(1, vec![info(2, "Bob")]);
    core.handle(Input::ServerMedia(ServerSdp::Offer("first".into())));
    core.handle(Input::HiddenVideo(vec![PeerId(2)]));

    core.handle(Input::Server(ServerMessage::MediaEnded));
    let offered_again = core.handle(Input::ServerMedia(ServerSdp::Offer("second".into())));

    assert_eq!(sent(&offered_again).last(), Some(&pause(&[2])));
}

#[test]
fn hidden_video_is_not_told_for_strangers_nor_in_a_room_whose_media_goes_directly() {
    let (mut forwarded, _) = in_forwarded_room(1, vec![info(2, "Bob")]);
    forwarded.handle(Input::ServerMedia(ServerSdp::Offer("offer".into())));
    let (mut direct, _) = in_room(1, vec![info(2, "Bob")]);

    let stranger = forwarded.handle(Input::HiddenVideo(vec![PeerId(9)]));
    let directly = direct.handle(Input::HiddenVideo(vec![PeerId(2)]));

    assert!(sent(&stranger).is_empty());
    assert!(sent(&directly).is_empty());
}
