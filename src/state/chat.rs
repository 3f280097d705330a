//! The chat as the UI shows it: messages in arrival order, whether the panel is open, and how
//! many arrived while it was closed. Messages live only in the browsers of the people in the
//! call; the server never sees them.

use leptos::prelude::*;

/// Messages kept on screen; older ones scroll away for good.
pub const MAX_LINES: usize = 500;

/// One chat message.
#[derive(Clone, Debug, PartialEq)]
pub struct ChatLine {
    /// A number unique on this page, for the list's keys.
    pub seq: u64,
    /// Who wrote it: a participant's name, or "You".
    pub from: String,
    /// For a private message we sent: to whom.
    pub to: Option<String>,
    /// Sent to one person only.
    pub private: bool,
    /// We wrote it.
    pub mine: bool,
    /// When it was sent, in milliseconds since the Unix epoch.
    pub sent_at: f64,
    /// The text (shown as text, never as HTML).
    pub text: String,
    /// A note from this page about the chat (not a participant's message).
    pub notice: bool,
}

impl ChatLine {
    /// A note from this page (not from a participant), shown in the chat.
    pub fn notice(text: String, at: f64) -> Self {
        ChatLine {
            seq: 0,
            from: String::new(),
            to: None,
            private: false,
            mine: false,
            sent_at: at,
            text,
            notice: true,
        }
    }
}

/// The chat of one meeting page.
#[derive(Clone, Copy, Debug)]
pub struct ChatState {
    /// Messages, oldest first.
    pub lines: RwSignal<Vec<ChatLine>>,
    /// The chat panel is showing.
    pub open: RwSignal<bool>,
    /// Messages from others that arrived while the panel was closed.
    pub unread: RwSignal<usize>,
    /// Numbers the lines.
    next_seq: StoredValue<u64>,
}

impl ChatState {
    /// An empty chat with the panel closed.
    pub fn new() -> Self {
        ChatState {
            lines: RwSignal::new(Vec::new()),
            open: RwSignal::new(false),
            unread: RwSignal::new(0),
            next_seq: StoredValue::new(0),
        }
    }

    /// Adds a message at the end (numbering it), counting it as unread when it is someone
    /// else's and the panel is closed.
    pub fn push(&self, line: ChatLine) {
        self.push_many(vec![line]);
    }

    /// Adds several messages with one update of the list (the page draws them once), as
    /// [`ChatState::push`] would one by one.
    pub fn push_many(&self, mut new: Vec<ChatLine>) {
        if new.is_empty() {
            return;
        }
        let mut seq = self.next_seq.get_value();
        let mut unread = 0;
        for line in &mut new {
            line.seq = seq;
            seq += 1;
            unread += usize::from(!line.mine && !line.notice);
        }
        self.next_seq.set_value(seq);
        if unread > 0 && !self.open.get_untracked() {
            self.unread.update(|n| *n += unread);
        }
        self.lines.update(|lines| {
            lines.append(&mut new);
            if lines.len() > MAX_LINES {
                let extra = lines.len() - MAX_LINES;
                lines.drain(..extra);
            }
        });
    }

    /// Opens or closes the panel; opening it marks everything read.
    pub fn set_open(&self, open: bool) {
        self.open.set(open);
        if open {
            self.unread.set(0);
        }
    }
}

impl Default for ChatState {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(from: &str, mine: bool) -> ChatLine {
        ChatLine {
            seq: 0,
            from: from.into(),
            to: None,
            private: false,
            mine,
            sent_at: 0.0,
            text: "hi".into(),
            notice: false,
        }
    }

    #[test]
    fn a_batch_is_numbered_counted_and_capped_as_one_by_one() {
        let owner = Owner::new();
        owner.with(|| {
            let chat = ChatState::new();
            chat.push(line("You", true));
            let mut batch: Vec<ChatLine> = (0..1000).map(|_| line("Ann", false)).collect();
            batch.push(ChatLine::notice("Ann is sending too fast".into(), 0.0));
            chat.push_many(batch);
            assert_eq!(chat.unread.get_untracked(), 1000, "notices are not unread");
            let all = chat.lines.get_untracked();
            assert_eq!(all.len(), MAX_LINES);
            assert_eq!(all.last().unwrap().seq, 1001);
            assert!(all.last().unwrap().notice);
        });
    }

    #[test]
    fn messages_from_others_count_as_unread_only_while_closed() {
        let owner = Owner::new();
        owner.with(|| {
            let chat = ChatState::new();
            chat.push(line("Ann", false));
            chat.push(line("You", true));
            chat.push(line("Bob", false));
            assert_eq!(chat.unread.get_untracked(), 2);
            chat.set_open(true);
            assert_eq!(chat.unread.get_untracked(), 0);
            chat.push(line("Ann", false));
            assert_eq!(chat.unread.get_untracked(), 0);
            let seqs: Vec<u64> = chat.lines.get_untracked().iter().map(|l| l.seq).collect();
            assert_eq!(seqs, vec![0, 1, 2, 3]);
        });
    }

    #[test]
    fn the_oldest_messages_go_beyond_the_limit() {
        let owner = Owner::new();
        owner.with(|| {
            let chat = ChatState::new();
            for _ in 0..MAX_LINES + 5 {
                chat.push(line("Ann", false));
            }
            let lines = chat.lines.get_untracked();
            assert_eq!(lines.len(), MAX_LINES);
            assert_eq!(lines[0].seq, 5);
        });
    }
}
