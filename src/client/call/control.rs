//! What the meeting page asks of a joined call, and how a call starts.
//!
//! The page holds its call as a [`CallControl`] trait object and starts it with [`join`], a split
//! point of the browser bundle: everything only a call needs (the call's shell and pure core,
//! peer connections, signaling, chat, file transfers, statistics and the call screen) is in its
//! own WASM chunk, fetched when the lobby has drawn and is idle ([`preload`]), or at the latest
//! by Join. The home page and the lobby load only what they use.

use super::Call;
use crate::i18n::Text;
use crate::protocol::{PeerId, Reaction, RoomId};
use crate::state::call::CallState;
use crate::state::transfers::{TransferAction, TransferKey};
use leptos::prelude::AnyView;
use leptos::wasm_split::SplitLoaderError;
use web_sys::File;

/// A joined (or joining) call, as the page uses it. Dropping it leaves.
pub trait CallControl {
    /// Host only: lets nobody new in, or opens the room again.
    fn set_locked(&self, locked: bool);
    /// Host only: requires a password from now on, or (`None`) no longer.
    fn set_password(&self, password: Option<String>);
    /// Host only: removes a participant from the room.
    fn remove(&self, id: PeerId);
    /// Raises (`true`) or lowers our hand.
    fn set_hand(&self, raised: bool);
    /// Host only: lowers a participant's hand.
    fn lower_hand(&self, id: PeerId);
    /// Host only: makes newcomers wait to be let in, or not.
    fn set_waiting_room(&self, on: bool);
    /// Host only: lets someone waiting in (`None`: everyone).
    fn admit(&self, id: Option<PeerId>);
    /// Host only: turns someone waiting away.
    fn deny(&self, id: PeerId);
    /// Sends a reaction to the room.
    fn react(&self, reaction: Reaction);
    /// Host only: asks a participant to turn their microphone on.
    fn ask_to_unmute(&self, id: PeerId);
    /// After a local media change: sends everyone the current tracks and tells the room.
    fn media_changed(&self);
    /// Sends a chat message to everyone, or privately to one participant, and shows it.
    fn send_chat(&self, text: &str, to: Option<PeerId>) -> Result<(), Text>;
    /// Offers files to everyone, or to one participant.
    fn send_files(&self, files: &[File], to: Option<PeerId>);
    /// Accepts, declines or cancels a transfer.
    fn act_on_transfer(&self, key: TransferKey, action: TransferAction);
    /// The call screen (it lives in the call's chunk with the rest of the call).
    fn view(&self) -> AnyView;
}

/// Connects to the server and joins `room`, loading the call's code first if the page has not
/// yet. Fails only if that code cannot be fetched (the page is offline, say); pressing Join again
/// tries again.
#[leptos::wasm_split::wasm_split(
    confab_call,
    wasm_split_path = ::leptos::wasm_split,
    preload(
        /// Fetches the call's code without joining, so that Join does not wait for it. Harmless
        /// to call again; a failure is not remembered (Join retries).
        preload
    ),
    fallible
)]
pub fn join(
    room: RoomId,
    name: String,
    password: Option<String>,
    state: CallState,
) -> Result<Box<dyn CallControl>, SplitLoaderError> {
    Ok(Box::new(Call::join(room, name, password, state)))
}
