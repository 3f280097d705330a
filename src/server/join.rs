//! `GET /join?code=…`: the start page's "Join meeting" form without JavaScript (or before the
//! page has hydrated). A valid link or code redirects to its meeting; anything else goes back to
//! the start page, which shows what was typed and why it is not a meeting link.

use crate::protocol::RoomId;
use axum::extract::Query;
use axum::response::Redirect;
use serde::Deserialize;

/// The form's field.
#[derive(Debug, Deserialize)]
pub struct JoinForm {
    /// What the person typed: a meeting link or code.
    #[serde(default)]
    pub code: String,
}

/// Redirects to the meeting, or back to the start page with the input kept.
pub async fn join(Query(form): Query<JoinForm>) -> Redirect {
    Redirect::to(&target(&form.code))
}

/// Where a typed link or code leads.
pub fn target(code: &str) -> String {
    match RoomId::from_link_or_code(code) {
        Ok(room) => format!("/room/{room}"),
        Err(_) => format!(
            "/?{}",
            serde_urlencoded::to_string([("code", code)]).unwrap_or_default()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_or_link_leads_to_its_meeting() {
        let room = RoomId::from_random_bytes([3; 16]);
        assert_eq!(target(room.as_str()), format!("/room/{room}"));
        assert_eq!(
            target(&format!("  https://example.org/room/{room}  ")),
            format!("/room/{room}")
        );
    }

    #[test]
    fn anything_else_goes_back_with_the_input_kept() {
        assert_eq!(target("not a code & more"), "/?code=not+a+code+%26+more");
        assert_eq!(target(""), "/?code=");
    }
}
