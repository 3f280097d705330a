//! The pre-join lobby: camera preview, name, Join (and, in a meeting that admits people
//! manually, the wait for the host).

use crate::components::device_pickers::DevicePickers;
use crate::components::media_controls::MediaControls;
use crate::components::video_tile::VideoTile;
use crate::i18n::use_i18n;
use crate::state::call::{CallState, Phase};
use leptos::prelude::*;

/// Camera preview, name field and the Join button.
#[component]
pub fn Lobby(
    /// The meeting page's state.
    state: CallState,
    /// The display name being typed.
    name: RwSignal<String>,
    /// The meeting password being typed (asked for once the server says it needs one).
    password: RwSignal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let on_join = crate::components::actions::actions().join;
    let joining = move || state.phase.get() == Phase::Joining;
    let waiting = move || state.phase.get() == Phase::Waiting;
    let actions = crate::components::actions::actions();
    let submit = move |event: leptos::ev::SubmitEvent| {
        event.prevent_default();
        on_join.run(());
    };
    view! {
        <section class="lobby" aria-label=i18n.tr("lobby")>
            <VideoTile
                label=Signal::derive(i18n.tr("you-preview"))
                stream=state.local_stream.into()
                media=state.own_media()
                speaking=state.own_speaking()
                mirrored=state.mirror
                local=true
            />
            <label class="level">
                {i18n.tr("mic-level")}
                <meter min="0" max="0.3" low="0.02" value=move || state.mic_level.get().min(0.3)></meter>
            </label>
            <p role="status" class="media-problem">{move || state.media_problem.get().map(|text| i18n.text(&text))}</p>
            <div class="lobby-controls" role="group" aria-label=i18n.tr("camera-and-mic")>
                <MediaControls state />
            </div>
            <DevicePickers state />
            <form class="join-form" on:submit=submit>
                <label for="display-name">{i18n.tr("your-name")}</label>
                <input
                    id="display-name"
                    type="text"
                    autocomplete="name"
                    maxlength=crate::protocol::MAX_NAME_CHARS.to_string()
                    bind:value=name
                />
                <Show when=move || state.needs_password.get()>
                    <label for="meeting-password">{i18n.tr("meeting-password")}</label>
                    <input
                        id="meeting-password"
                        type="password"
                        autocomplete="current-password"
                        maxlength=crate::protocol::MAX_PASSWORD_CHARS.to_string()
                        bind:value=password
                    />
                </Show>
                <Show
                    when=waiting
                    fallback=move || {
                        view! {
                            <button
                                type="submit"
                                class="primary"
                                disabled=move || !state.media_ready.get() || joining()
                            >
                                {move || i18n.t(if joining() { "joining" } else { "join" })}
                            </button>
                        }
                    }
                >
                    <p role="status" class="waiting">{i18n.tr("waiting-for-host")}</p>
                    <button type="button" on:click=move |_| actions.rejoin.run(())>
                        {i18n.tr("stop-waiting")}
                    </button>
                </Show>
            </form>
        </section>
    }
}
