//! In place of the lobby or the call when the meeting cannot go on: what happened and the next
//! step.

use crate::components::actions::actions;
use crate::i18n::use_i18n;
use crate::state::problem::Problem;
use leptos::prelude::*;

/// The problem's heading, explanation and next steps.
#[component]
pub fn ProblemScreen(problem: Problem) -> impl IntoView {
    let i18n = use_i18n();
    let actions = actions();
    view! {
        <section class="problem page" aria-labelledby="problem-heading">
            <h1 id="problem-heading">{i18n.tr(problem.heading())}</h1>
            <p>{i18n.tr(problem.explanation())}</p>
            <div class="next-steps">
                {problem
                    .may_retry()
                    .then(|| {
                        view! {
                            <button type="button" class="primary" on:click=move |_| actions.rejoin.run(())>
                                {i18n.tr("try-again")}
                            </button>
                        }
                    })}
                <a href="/">{i18n.tr("start-new-meeting")}</a>
            </div>
        </section>
    }
}
