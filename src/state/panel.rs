//! The panels of the call screen: which one is open (one at a time) and how each is named.

/// A panel beside (or, on a narrow screen, over) the call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panel {
    /// The room's chat.
    Chat,
    /// Files sent and received.
    Files,
    /// Everyone in the meeting (and, for the host, lock, password and removal).
    People,
    /// Camera, microphone and speaker.
    Devices,
    /// Preferences: keyboard shortcuts.
    Settings,
}

impl Panel {
    /// Every panel, in the toolbar's order.
    pub const ALL: [Panel; 5] = [
        Panel::People,
        Panel::Chat,
        Panel::Files,
        Panel::Devices,
        Panel::Settings,
    ];

    /// The message id of the panel's heading (and its toggle's name, without counts).
    pub fn title(self) -> &'static str {
        self.id()
    }

    /// The message id of its close button's name.
    pub fn close_label(self) -> &'static str {
        match self {
            Panel::Chat => "panel-close-chat",
            Panel::Files => "panel-close-files",
            Panel::People => "panel-close-people",
            Panel::Devices => "panel-close-devices",
            Panel::Settings => "panel-close-settings",
        }
    }

    /// A stable id for its heading and toggle (`panel-chat`, ...).
    pub fn id(self) -> &'static str {
        match self {
            Panel::Chat => "panel-chat",
            Panel::Files => "panel-files",
            Panel::People => "panel-people",
            Panel::Devices => "panel-devices",
            Panel::Settings => "panel-settings",
        }
    }
}

/// The open panel after pressing `panel`'s toggle: it opens, or closes if it was open.
pub fn toggled(open: Option<Panel>, panel: Panel) -> Option<Panel> {
    (open != Some(panel)).then_some(panel)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_toggle_opens_its_panel_in_place_of_another_and_closes_its_own() {
        assert_eq!(toggled(None, Panel::Chat), Some(Panel::Chat));
        assert_eq!(toggled(Some(Panel::Files), Panel::Chat), Some(Panel::Chat));
        assert_eq!(toggled(Some(Panel::Chat), Panel::Chat), None);
    }

    #[test]
    fn close_buttons_are_named_after_their_panel() {
        let english = |key| crate::i18n::format(crate::i18n::Locale::En, key, &[]);
        assert_eq!(english(Panel::People.close_label()), "Close people");
        assert_eq!(english(Panel::Chat.close_label()), "Close chat");
        assert_eq!(english(Panel::Chat.title()), "Chat");
        let ids: std::collections::HashSet<_> = Panel::ALL.iter().map(|p| p.id()).collect();
        assert_eq!(ids.len(), Panel::ALL.len());
    }
}
