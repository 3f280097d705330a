//! The parts of the meeting page.

pub mod call_view;
pub mod device_pickers;
pub mod lobby;
pub mod media_controls;
pub mod stats_panel;
pub mod video_tile;
