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

    /// The message id of the screen's heading.
    pub fn heading(self) -> &'static str {
        match self {
            Problem::RoomFull => "problem-room-full",
            Problem::Locked => "problem-locked",
            Problem::Removed => "problem-removed",
            Problem::Denied => "problem-denied",
            Problem::Unreachable => "problem-unreachable",
        }
    }

    /// The message id of what happened and what to do next, in a sentence or two.
    pub fn explanation(self) -> &'static str {
        match self {
            Problem::RoomFull => "problem-room-full-text",
            Problem::Locked => "problem-locked-text",
            Problem::Removed => "problem-removed-text",
            Problem::Denied => "problem-denied-text",
            Problem::Unreachable => "problem-unreachable-text",
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
