//! Why the meeting page shows a problem instead of the lobby or the call, and what it says:
//! what happened, and what the person can do next.

use crate::protocol::ErrorCode;

/// A reason the person is not (or no longer) in the meeting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The room has as many people as it may.
    RoomFull,
    /// The host locked the meeting.
    Locked,
    /// The host removed this person.
    Removed,
    /// The host did not let this person in from the waiting room.
    Denied,
    /// The server could not be reached (or is full, or refused for its own limits).
    Unreachable,
}

impl Problem {
    /// The problem a refused join (or a removal) shows, if it has a screen of its own. A wrong
    /// or missing password has none: the lobby asks for it.
    pub fn of(code: ErrorCode) -> Option<Problem> {
        match code {
            ErrorCode::RoomFull => Some(Problem::RoomFull),
            ErrorCode::RoomLocked => Some(Problem::Locked),
            ErrorCode::Removed => Some(Problem::Removed),
            ErrorCode::Denied => Some(Problem::Denied),
            ErrorCode::ServerFull
            | ErrorCode::TooManyRooms
            | ErrorCode::SourceLimit
            | ErrorCode::Busy => Some(Problem::Unreachable),
            _ => None,
        }
    }

    /// The screen's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Problem::RoomFull => "This meeting is full",
            Problem::Locked => "This meeting is locked",
            Problem::Removed => "You were removed from the meeting",
            Problem::Denied => "The host did not let you in",
            Problem::Unreachable => "Confab cannot reach the server",
        }
    }

    /// What happened and what to do next, in a sentence or two.
    pub fn explanation(self) -> &'static str {
        match self {
            Problem::RoomFull => {
                "Everyone it has room for is already in it. Try again when someone leaves, or ask the host to start another meeting."
            }
            Problem::Locked => {
                "The host has locked it: nobody new can join. Ask the host to unlock it, then try again."
            }
            Problem::Removed => {
                "The host took you out of this meeting, and you cannot come back with this link. Ask the host if this was a mistake."
            }
            Problem::Denied => {
                "This meeting admits people one by one, and the host turned your request down. Ask the host if this was a mistake, then try again."
            }
            Problem::Unreachable => {
                "The server did not answer, or is too busy right now. Check your connection and try again in a moment."
            }
        }
    }

    /// Whether trying again can help.
    pub fn may_retry(self) -> bool {
        !matches!(self, Problem::Removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_with_a_next_step_have_a_screen_and_password_refusals_stay_in_the_lobby() {
        assert_eq!(Problem::of(ErrorCode::RoomFull), Some(Problem::RoomFull));
        assert_eq!(Problem::of(ErrorCode::RoomLocked), Some(Problem::Locked));
        assert_eq!(Problem::of(ErrorCode::Removed), Some(Problem::Removed));
        assert_eq!(Problem::of(ErrorCode::Denied), Some(Problem::Denied));
        assert_eq!(
            Problem::of(ErrorCode::ServerFull),
            Some(Problem::Unreachable)
        );
        assert_eq!(Problem::of(ErrorCode::WrongPassword), None);
        assert_eq!(Problem::of(ErrorCode::PasswordRequired), None);
    }

    #[test]
    fn a_removed_person_is_not_offered_to_try_again() {
        assert!(!Problem::Removed.may_retry());
        assert!(Problem::RoomFull.may_retry());
    }
}
