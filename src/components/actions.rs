//! What the meeting page's controls can ask for, and the browser services they use, given to
//! the components through Leptos context by the page that owns the call
//! ([`crate::pages::room`]). Components never reach into [`crate::client`] themselves: they
//! render state and call these.

use crate::protocol::{PeerId, Reaction};
use crate::state::call::DeviceKind;
use crate::state::transfers::{TransferAction, TransferKey};
use leptos::prelude::*;
use web_sys::File;

/// Everything a person can do in a meeting.
#[derive(Clone, Copy)]
pub struct MeetingActions {
    /// Join the call from the lobby.
    pub join: Callback<()>,
    /// Leave the call.
    pub leave: Callback<()>,
    /// Back to the lobby after leaving or a problem.
    pub rejoin: Callback<()>,
    /// Mute or unmute the microphone.
    pub toggle_mic: Callback<()>,
    /// Turn the camera off or on.
    pub toggle_camera: Callback<()>,
    /// Start or stop sharing the screen.
    pub toggle_sharing: Callback<()>,
    /// Switch to another camera, microphone or speaker.
    pub pick_device: Callback<(DeviceKind, String)>,
    /// Send a chat message to everyone or one person.
    pub send_chat: Callback<(String, Option<PeerId>), Result<(), crate::i18n::Text>>,
    /// Offer files to everyone or one person.
    pub send_files: Callback<(Vec<File>, Option<PeerId>)>,
    /// Accept, decline or cancel a transfer.
    pub transfer_action: Callback<(TransferKey, TransferAction)>,
    /// Host: lock or unlock the meeting.
    pub lock: Callback<bool>,
    /// Host: set or remove the meeting password.
    pub set_password: Callback<Option<String>>,
    /// Host: remove a participant.
    pub remove: Callback<PeerId>,
    /// Raise or lower our hand.
    pub toggle_hand: Callback<()>,
    /// Host: lower a participant's hand.
    pub lower_hand: Callback<PeerId>,
    /// Send a reaction to everyone.
    pub react: Callback<Reaction>,
    /// Host: ask a participant to turn their microphone on.
    pub ask_to_unmute: Callback<PeerId>,
    /// Host: make newcomers wait to be let in, or not.
    pub set_waiting_room: Callback<bool>,
    /// Host: let someone waiting in (`None`: everyone waiting).
    pub admit: Callback<Option<PeerId>>,
    /// Host: turn someone waiting away.
    pub deny: Callback<PeerId>,
    /// Copy the meeting link (and say so).
    pub copy_link: Callback<()>,
}

/// Browser services the components use on their own elements.
#[derive(Clone, Copy)]
pub struct Services {
    /// Show an element fullscreen, or leave fullscreen.
    pub toggle_fullscreen: fn(&web_sys::Element),
    /// Float a video over other windows, or bring it back.
    pub toggle_picture_in_picture: fn(&web_sys::HtmlVideoElement),
    /// Play a media element's sound on a speaker (empty: the default).
    pub route_audio: fn(&web_sys::HtmlMediaElement, &str),
    /// Report an element's size now and when it changes, until the component goes.
    pub watch_size: fn(&web_sys::Element, Callback<(f64, f64)>),
    /// Report whether an element is on screen whenever that changes, until the component goes.
    pub watch_on_screen: fn(&web_sys::Element, Callback<bool>),
}

/// The meeting's actions (provided by the meeting page).
pub fn actions() -> MeetingActions {
    expect_context::<MeetingActions>()
}

/// The browser services (provided by the meeting page).
pub fn services() -> Services {
    expect_context::<Services>()
}
