//! The parts of the meeting page.

pub mod call_view;
pub mod chat_panel;
pub mod device_pickers;
pub mod files_panel;
pub mod host_controls;
pub mod lobby;
pub mod media_controls;
pub mod recipient_picker;
pub mod stats_panel;
pub mod transfer_row;
pub mod video_tile;
