//! The meeting page: the lobby, then the call.

use crate::client::call::{self, CallControl};
use crate::client::devices::{self, DeviceWatcher};
use crate::client::level_meter::LevelMeter;
use crate::client::media;
use crate::client::screen_share::ScreenShare;
use crate::client::tracks::Kind;
use crate::client::{capabilities, clipboard, layout, on_screen, size};
use crate::components::actions::{MeetingActions, Services};
use crate::components::host_controls::Protection;
use crate::components::invite::Invite;
use crate::components::lobby::Lobby;
use crate::components::notices::{ReconnectingBanner, Toasts};
use crate::components::problem_screen::ProblemScreen;
use crate::i18n::{Text, use_i18n};
use crate::protocol::{PeerId, Reaction, RoomId};
use crate::state::call::DeviceKind;
use crate::state::call::{CallState, Phase, slot};
use crate::state::problem::Problem;
use crate::state::transfers::TransferAction;
use crate::state::transfers::TransferKey;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use web_sys::File;

mod noise;

/// Where the display name is remembered between visits.
const NAME_KEY: &str = "confab.name";

/// Where turning the keyboard shortcuts off is remembered.
const SHORTCUTS_KEY: &str = "confab.shortcuts";

/// Where turning the mirrored self-view off is remembered.
const MIRROR_KEY: &str = "confab.mirror";

/// Where turning noise suppression off is remembered.
const NOISE_KEY: &str = "confab.noise";

/// `/room/:id`: a meeting, or a clear message when the link is broken.
#[component]
pub fn RoomPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let room = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<RoomId>().ok())
    };
    move || match room() {
        Some(room) => view! { <Meeting room /> }.into_any(),
        None => view! {
            <section class="page" aria-labelledby="invalid-heading">
                <h1 id="invalid-heading">{i18n.tr("invalid-link-heading")}</h1>
                <p>{i18n.tr("invalid-link-text")}</p>
                <div class="next-steps">
                    <a href="/">{i18n.tr("start-new-meeting")}</a>
                </div>
            </section>
        }
        .into_any(),
    }
}

/// One meeting: owns the call and the local media for as long as the page shows it.
#[component]
fn Meeting(room: RoomId) -> impl IntoView {
    let i18n = use_i18n();
    let state = CallState::new();
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    // Browser-only values, none on the server (see `slot`).
    let call = StoredValue::new(slot(None::<Box<dyn CallControl>>));
    let screen = StoredValue::new(slot(None::<ScreenShare>));
    let device_watcher = StoredValue::new(slot(None::<DeviceWatcher>));
    let level_meter = StoredValue::new(slot(None::<LevelMeter>));

    // Our microphone's loudness, measured whenever the local stream changes.
    Effect::new(move |_| {
        let stream = state.local_stream.get();
        let has_audio = stream
            .as_ref()
            .is_some_and(|s| s.get_audio_tracks().length() > 0);
        let meter = stream
            .take()
            .filter(|_| has_audio)
            .and_then(|s| LevelMeter::start(&s, move |level| state.mic_level.set(level)).ok());
        if meter.is_none() {
            state.mic_level.set(0.0);
        }
        level_meter.set_value(slot(meter));
    });

    // Browser only (effects never run on the server): remembered name and choices, what this
    // device can do, the camera.
    Effect::new(move |_| {
        if let Some(storage) = local_storage() {
            if let Some(saved) = storage.get_item(NAME_KEY).ok().flatten() {
                name.set(saved);
            }
            for (switch, key) in remembered_switches(state) {
                if storage.get_item(key).ok().flatten().as_deref() == Some("off") {
                    switch.set(false);
                }
            }
        }
        state.can_share_screen.set(capabilities::can_share_screen());
        state.touch.set(capabilities::touch());
        for kind in [
            DeviceKind::Camera,
            DeviceKind::Microphone,
            DeviceKind::Speaker,
        ] {
            if let Some(id) = devices::remembered(kind) {
                state.choice(kind).set(id);
            }
        }
        device_watcher.set_value(slot(DeviceWatcher::start(move || refresh_devices(state))));
        open_media(state);
        // Once the lobby is drawn and the browser idle, fetch the call's code, so that Join need
        // not wait for it (if this fails, Join tries again).
        spawn_local(async {
            crate::client::idle(1000).await;
            if let Err(error) = call::preload().await {
                leptos::logging::warn!("the call's code could not be loaded yet: {error}");
            }
        });
    });

    // Remembers turning the shortcuts or the mirrored self-view off (or on again).
    for (switch, key) in remembered_switches(state) {
        Effect::new(move |first: Option<()>| {
            let on = switch.get();
            if first.is_some()
                && let Some(storage) = local_storage()
            {
                let _ = storage.set_item(key, if on { "on" } else { "off" });
            }
        });
    }

    let join = Callback::new({
        let room = room.clone();
        move |()| {
            let room = room.clone();
            let display_name = name.get_untracked();
            let password = Some(password.get_untracked()).filter(|p| !p.is_empty());
            if let Some(storage) = local_storage() {
                let _ = storage.set_item(NAME_KEY, display_name.trim());
            }
            state.alert.set(None);
            state.problem.set(None);
            state.phase.set(Phase::Joining);
            spawn_local(async move {
                let joined = call::join(room, display_name, password, state).await;
                // Left, or the page went away, while the call's code was loading: no call.
                if state.phase.try_get_untracked() != Some(Phase::Joining) {
                    return;
                }
                match joined {
                    Ok(joined) => {
                        call.try_set_value(slot(Some(joined)));
                    }
                    Err(_) => {
                        state.alert.set(Some(Text::new("call-load-failed")));
                        state.phase.set(Phase::Lobby);
                    }
                }
            });
        }
    });

    // Stops capturing the screen (dropping the share stops its tracks) and shows the camera again.
    let end_share = move || {
        screen.set_value(slot(None));
        state.screen_stream.set(slot(None));
        state.sharing.set(false);
    };

    let leave = Callback::new(move |()| {
        call.set_value(slot(None));
        end_share();
        state.remotes.set(Vec::new());
        state.set_panel(None);
        state.pinned.set(None);
        release_media(state);
        state.phase.set(Phase::Left);
    });

    // Media changes: applied locally, then the call sends the new tracks to every peer with
    // replaceTrack and announces the new state to the room.
    let media_changed = move || {
        call.with_value(|call| {
            if let Some(call) = call.as_ref() {
                call.media_changed();
            }
        })
    };
    // The microphone through noise suppression, while it is on.
    let _denoiser = noise::suppress_noise(state, media_changed);
    let report = move |result: Result<(), media::MediaError>| match result {
        Ok(()) => media_changed(),
        Err(problem) => state.alert.set(Some(problem.text())),
    };
    // A device that could not be opened is asked for again by its button: once it opens, its
    // problem is gone.
    let toggle_mic = Callback::new(move |()| {
        spawn_local(async move {
            let result = media::set_microphone(&state, !state.mic_on.get_untracked()).await;
            if result.is_ok() && state.mic_on.get_untracked() {
                state.mic_problem.set(None);
            }
            report(result);
        });
    });
    let toggle_camera = Callback::new(move |()| {
        if state.camera_on.get_untracked() {
            media::turn_camera_off(&state);
            media_changed();
        } else {
            spawn_local(async move {
                let result = media::turn_camera_on(&state).await;
                if result.is_ok() {
                    state.camera_problem.set(None);
                }
                report(result);
            });
        }
    });
    let stop_sharing = Callback::new(move |()| {
        end_share();
        media_changed();
    });
    let toggle_sharing = Callback::new(move |()| {
        if state.sharing.get_untracked() {
            stop_sharing.run(());
            return;
        }
        spawn_local(async move {
            match ScreenShare::start(stop_sharing).await {
                Ok(share) => {
                    state.screen_stream.set(slot(Some(share.stream().clone())));
                    screen.set_value(slot(Some(share)));
                    state.sharing.set(true);
                    media_changed();
                }
                // The person closed the picker: nothing went wrong.
                Err(media::MediaError::Denied) => {}
                Err(problem) => state.alert.set(Some(problem.text())),
            }
        });
    });

    let pick_device = Callback::new(move |(kind, id): (DeviceKind, String)| {
        devices::remember(kind, &id);
        match kind {
            DeviceKind::Speaker => state.speaker_choice.set(id),
            DeviceKind::Camera => {
                spawn_local(async move { report(media::switch_camera(&state, id).await) })
            }
            DeviceKind::Microphone => {
                spawn_local(async move { report(media::switch_microphone(&state, id).await) })
            }
        }
    });

    let send_chat = Callback::new(move |(text, to): (String, Option<PeerId>)| {
        call.with_value(|call| match call.as_ref() {
            Some(call) => call.send_chat(&text, to),
            None => Err(Text::new("chat-not-in-call")),
        })
    });
    let send_files = Callback::new(move |(files, to): (Vec<File>, Option<PeerId>)| {
        call.with_value(|call| {
            if let Some(call) = call.as_ref() {
                call.send_files(&files, to);
            }
        })
    });
    let transfer_action = Callback::new(move |(key, action): (TransferKey, TransferAction)| {
        call.with_value(|call| {
            if let Some(call) = call.as_ref() {
                call.act_on_transfer(key, action);
            }
        })
    });

    let with_call = move |f: &dyn Fn(&dyn CallControl)| {
        call.with_value(|call| {
            if let Some(call) = call.as_deref() {
                f(call);
            }
        })
    };
    let lock = Callback::new(move |locked: bool| with_call(&|call| call.set_locked(locked)));
    let set_password = Callback::new(move |password: Option<String>| {
        with_call(&|call| call.set_password(password.clone()))
    });
    let remove = Callback::new(move |id: PeerId| with_call(&|call| call.remove(id)));
    let toggle_hand = Callback::new(move |()| {
        let raised = state.hand.get_untracked().is_none();
        with_call(&|call| call.set_hand(raised))
    });
    let lower_hand = Callback::new(move |id: PeerId| with_call(&|call| call.lower_hand(id)));
    let react = Callback::new(move |reaction: Reaction| with_call(&|call| call.react(reaction)));
    let ask_to_unmute = Callback::new(move |id: PeerId| with_call(&|call| call.ask_to_unmute(id)));
    let set_waiting_room =
        Callback::new(move |on: bool| with_call(&|call| call.set_waiting_room(on)));
    let admit = Callback::new(move |id: Option<PeerId>| with_call(&|call| call.admit(id)));
    let deny = Callback::new(move |id: PeerId| with_call(&|call| call.deny(id)));

    let rejoin = Callback::new(move |()| {
        call.set_value(slot(None));
        state.alert.set(None);
        state.problem.set(None);
        state.phase.set(Phase::Lobby);
        if state.local_stream.with_untracked(|s| s.is_none()) {
            open_media(state);
        }
    });
    let copy_link = Callback::new(move |()| {
        let Some(link) = web_sys::window().and_then(|w| w.location().href().ok()) else {
            return;
        };
        spawn_local(async move {
            state.toasts.push(match clipboard::copy(&link).await {
                Ok(()) => Text::new("link-copied"),
                Err(()) => Text::new("link-copy-failed"),
            });
        });
    });

    provide_context(MeetingActions {
        join,
        leave,
        rejoin,
        toggle_mic,
        toggle_camera,
        toggle_sharing,
        pick_device,
        send_chat,
        send_files,
        transfer_action,
        lock,
        set_password,
        remove,
        toggle_hand,
        lower_hand,
        react,
        ask_to_unmute,
        set_waiting_room,
        admit,
        deny,
        copy_link,
    });
    provide_context(Services {
        toggle_fullscreen: layout::toggle_fullscreen,
        toggle_picture_in_picture: layout::toggle_picture_in_picture,
        route_audio: devices::route_audio,
        watch_size: size::watch,
        watch_on_screen: on_screen::watch,
    });

    // Only the browser has a call, devices or a stream to release; the server holds none of
    // them (see `slot`).
    #[cfg(feature = "hydrate")]
    on_cleanup(move || {
        device_watcher.try_update_value(|w| w.update(|w| *w = None));
        level_meter.try_update_value(|m| m.update(|m| *m = None));
        call.try_update_value(|c| c.update(|c| *c = None));
        screen.try_update_value(|s| s.update(|s| *s = None));
        if let Some(stream) = state
            .local_stream
            .try_get_untracked()
            .and_then(|stream| stream.take())
        {
            media::stop_all(&stream);
        }
    });

    // The lobby stays on screen while Join is under way (its button says so), and comes back if
    // the server refuses: the same elements throughout, so its preview video never restarts.
    let screen = Memo::new(move |_| match (state.problem.get(), state.phase.get()) {
        (Some(problem), _) => Screen::Problem(problem),
        (None, Phase::Lobby | Phase::Joining | Phase::Waiting) => Screen::Lobby,
        (None, Phase::InCall) => Screen::Call,
        (None, Phase::Left) => Screen::Left,
    });
    let in_call = move || screen.get() == Screen::Call;

    view! {
        <section class="meeting" class:in-call=in_call>
            <header class="meeting-header">
                <a class="brand" href="/">"Confab"</a>
                <Show when=in_call>
                    <Protection state />
                </Show>
                // Invite from the header, unless the call shows it (while you are alone).
                <Show when=move || {
                    screen.get() == Screen::Lobby
                        || (in_call() && state.remotes.with(|r| !r.is_empty()))
                }>
                    {move || {
                        if in_call() {
                            view! {
                                <button type="button" on:click=move |_| copy_link.run(())>
                                    {i18n.tr("copy-link")}
                                </button>
                            }
                                .into_any()
                        } else {
                            view! { <Invite /> }.into_any()
                        }
                    }}
                </Show>
            </header>
            <p role="alert" class="error">{move || state.alert.get().map(|text| i18n.text(&text))}</p>
            <ReconnectingBanner state />
            <Toasts state />
            {move || match screen.get() {
                Screen::Problem(problem) => view! { <ProblemScreen problem /> }.into_any(),
                Screen::Lobby => view! { <Lobby state name password /> }.into_any(),
                // The call draws its own screen: that code arrives with the call's.
                Screen::Call => call.with_value(|call| call.as_ref().map(|call| call.view())).into_any(),
                Screen::Left => view! {
                    <section class="left page" aria-labelledby="left-heading">
                        <h1 id="left-heading">{i18n.tr("left-heading")}</h1>
                        <div class="next-steps">
                            <button type="button" class="primary" on:click=move |_| rejoin.run(())>
                                {i18n.tr("rejoin")}
                            </button>
                            <a href="/">{i18n.tr("start-page")}</a>
                        </div>
                    </section>
                }.into_any(),
            }}
        </section>
    }
}

/// The switches kept across visits, and where each is kept ("off" when turned off).
fn remembered_switches(state: CallState) -> [(RwSignal<bool>, &'static str); 3] {
    [
        (state.shortcuts, SHORTCUTS_KEY),
        (state.mirror, MIRROR_KEY),
        (state.noise_suppression, NOISE_KEY),
    ]
}

/// What the meeting page shows below its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Screen {
    /// Why the meeting cannot go on, and what to do.
    Problem(Problem),
    /// The lobby, before and while joining.
    Lobby,
    /// The call.
    Call,
    /// After leaving.
    Left,
}

/// Reads the list of devices again (after permission, or a device plugged in or out).
fn refresh_devices(state: CallState) {
    spawn_local(async move { state.devices.set(devices::list().await) });
}

/// Asks for the camera and microphone and records the outcome in `state`.
fn open_media(state: CallState) {
    state.media_ready.set(false);
    spawn_local(async move {
        match media::open_camera_and_microphone(&state).await {
            Ok(stream) => {
                media::adopt_initial_stream(&state, stream);
                let (mic, camera) = (state.mic_problem, state.camera_problem);
                let has = |kind| {
                    state
                        .local_stream
                        .with_untracked(|s| s.as_ref().and_then(|s| media::first_track(s, kind)))
                        .is_some()
                };
                mic.set((!has(Kind::Audio)).then(|| Text::new("media-no-mic")));
                camera.set((!has(Kind::Video)).then(|| Text::new("media-no-camera")));
                let missing = [mic.get_untracked(), camera.get_untracked()];
                state
                    .media_problem
                    .set(missing.into_iter().flatten().next());
            }
            Err(problem) => {
                // Nothing is sent: nothing may say it is on, here or in others' view of us.
                state.mic_on.set(false);
                state.camera_on.set(false);
                let sentence = problem.text();
                state.mic_problem.set(Some(sentence.clone()));
                state.camera_problem.set(Some(sentence.clone()));
                state.media_problem.set(Some(sentence));
            }
        }
        state.media_ready.set(true);
        refresh_devices(state);
    });
}

/// Stops the camera and microphone.
fn release_media(state: CallState) {
    if let Some(stream) = state.local_stream.get_untracked().as_ref() {
        media::stop_all(stream);
    }
    state.local_stream.set(slot(None));
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

// Not when the browser's features are on too (the front tests, whose dev-dependencies turn `ssr`
// on as well): there effects run as in a browser, which is not what the server does.
#[cfg(all(test, feature = "ssr", not(feature = "hydrate")))]
mod tests {
    use super::*;

    /// The server renders a page on one thread and may drop it on another (the response body
    /// finishes on whichever worker polls it last). Nothing browser-only may be kept on the
    /// server, or dropping it there panics and the browser sees the page load fail.
    #[test]
    fn a_rendered_meeting_can_be_dropped_on_another_thread() {
        let owner = Owner::new_root(Some(std::sync::Arc::new(
            hydration_context::SsrSharedContext::new(),
        )));
        let html = owner.with(|| {
            let room: RoomId = "abcdefghijklmnopqrstuvwxyz".parse().unwrap();
            view! { <Meeting room /> }.to_html()
        });
        assert!(html.contains("Your name"), "{html}");
        std::thread::spawn(move || owner.cleanup())
            .join()
            .expect("dropping the page on another thread");
    }
}
