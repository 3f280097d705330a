//! The frame every panel shares: a heading that names it, a close button, and keyboard
//! handling (Escape, caught by the call view, closes it and puts focus back on its toggle in
//! the control bar). Beside the
//! call on a wide screen, a sheet over it on a narrow one (see the stylesheet).

use crate::components::icons::{Icon, IconSvg};
use crate::i18n::use_i18n;
use crate::state::call::CallState;
use crate::state::panel::Panel;
use leptos::prelude::*;

/// One panel; `children` is its content. Hidden (but kept, with what was typed) while closed.
#[component]
pub fn SidePanel(state: CallState, panel: Panel, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let open = move || state.panel.get() == Some(panel);
    let close_button = NodeRef::<leptos::html::Button>::new();
    // Opening moves focus into the panel, so a keyboard user lands where they asked to go.
    Effect::new(move |was_open: Option<bool>| {
        let now_open = open();
        if now_open
            && was_open == Some(false)
            && let Some(button) = close_button.get()
        {
            let _ = button.focus();
        }
        now_open
    });
    let heading = format!("{}-heading", panel.id());
    let labelled_by = heading.clone();
    view! {
        <aside
            id=panel.id()
            class=format!("panel {}", panel.id())
            aria-labelledby=labelled_by
            hidden=move || !open()
        >
            <header class="panel-head">
                <h2 id=heading>{i18n.tr(panel.title())}</h2>
                <button
                    type="button"
                    class="icon-button"
                    node_ref=close_button
                    aria-label=i18n.tr(panel.close_label())
                    on:click=move |_| close(state)
                >
                    <IconSvg icon=Icon::Close />
                </button>
            </header>
            <div class="panel-body">{children()}</div>
        </aside>
    }
}

/// Closes the open panel and gives focus back to its toggle.
pub fn close(state: CallState) {
    let Some(panel) = state.panel.get_untracked() else {
        return;
    };
    state.set_panel(None);
    focus_by_id(&format!("toggle-{}", panel.id()));
}

/// Moves focus to the element with this id, if there is one.
pub fn focus_by_id(id: &str) {
    if let Some(element) = document().get_element_by_id(id)
        && let Ok(element) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(element)
    {
        let _ = element.focus();
    }
}
