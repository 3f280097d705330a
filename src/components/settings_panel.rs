//! Preferences: the page's language; noise suppression; whether your own video is mirrored;
//! the single-key shortcuts, listed, and a switch to turn them off (for people whose speech input
//! or keyboard would trigger them by accident).

use crate::components::gestures::HAND_SHORTCUT;
use crate::components::media_controls::{CAMERA_SHORTCUT, MIC_SHORTCUT};
use crate::i18n::{Locale, use_i18n};
use crate::state::call::CallState;
use leptos::prelude::*;

/// Language, noise suppression, mirrored video, and the shortcuts' switch and list.
#[component]
pub fn SettingsPanel(
    /// The meeting page's state.
    state: CallState,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="settings">
            <span class="setting">
                <label for="language">{i18n.tr("settings-language")}</label>
                <select
                    id="language"
                    on:change=move |event| {
                        if let Some(locale) = Locale::from_tag(&event_target_value(&event)) {
                            i18n.choose(locale);
                        }
                    }
                >
                    {Locale::ALL
                        .map(|locale| {
                            view! {
                                <option
                                    value=locale.tag()
                                    lang=locale.tag()
                                    selected=move || i18n.locale() == locale
                                >
                                    {locale.name()}
                                </option>
                            }
                        })}
                </select>
            </span>
            <Switch on=state.noise_suppression label="settings-noise" available=state.can_denoise.into() />
            <p class="hint">
                {move || i18n.t(if state.can_denoise.get() { "settings-noise-hint" } else { "settings-noise-unavailable" })}
            </p>
            <Switch on=state.mirror label="settings-mirror" />
            <p class="hint">{i18n.tr("settings-mirror-hint")}</p>
            <Switch on=state.shortcuts label="settings-shortcuts" />
            <dl class="shortcuts" aria-label=i18n.tr("settings-shortcuts")>
                <dt><kbd>{MIC_SHORTCUT}</kbd></dt>
                <dd>{i18n.tr("shortcut-mic")}</dd>
                <dt><kbd>{CAMERA_SHORTCUT}</kbd></dt>
                <dd>{i18n.tr("shortcut-camera")}</dd>
                <dt><kbd>{HAND_SHORTCUT}</kbd></dt>
                <dd>{i18n.tr("shortcut-hand")}</dd>
                <dt><kbd>"Esc"</kbd></dt>
                <dd>{i18n.tr("shortcut-escape")}</dd>
            </dl>
            <p class="hint">
                {i18n.tr("settings-shortcuts-hint")}
            </p>
        </div>
    }
}

/// A remembered on/off preference: a checkbox named by the message `label`, greyed out (and shown
/// off) while the browser cannot do it.
#[component]
fn Switch(
    on: RwSignal<bool>,
    label: &'static str,
    #[prop(optional)] available: Option<Signal<bool>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let available = move || available.is_none_or(|a| a.get());
    view! {
        <label class="switch">
            <input
                type="checkbox"
                prop:checked=move || on.get() && available()
                prop:disabled=move || !available()
                on:change=move |event| on.set(event_target_checked(&event))
            />
            {i18n.tr(label)}
        </label>
    }
}
