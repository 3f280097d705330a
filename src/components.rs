//! The parts of the meeting page.

pub mod actions;
pub mod call_view;
pub mod chat_panel;
pub mod device_pickers;
pub mod files_panel;
pub mod gestures;
pub mod host_controls;
pub mod icons;
pub mod invite;
pub mod lobby;
pub mod media_controls;
pub mod notices;
pub mod people_panel;
pub mod problem_screen;
pub mod recipient_picker;
pub mod settings_panel;
pub mod side_panel;
pub mod stats_panel;
pub mod toolbar;
pub mod transfer_row;
pub mod video_tile;
