//! In place of the lobby or the call when the meeting cannot go on: what happened and the next
//! step.

use crate::components::actions::actions;
use crate::state::problem::Problem;
use leptos::prelude::*;

/// The problem's heading, explanation and next steps.
#[component]
pub fn ProblemScreen(problem: Problem) -> impl IntoView {
    let actions = actions();
    view! {
        <section class="problem page" aria-labelledby="problem-heading">
            <h1 id="problem-heading">{problem.heading()}</h1>
            <p>{problem.explanation()}</p>
            <div class="next-steps">
                {problem
                    .may_retry()
                    .then(|| {
                        view! {
                            <button type="button" class="primary" on:click=move |_| actions.rejoin.run(())>
                                "Try again"
                            </button>
                        }
                    })}
                <a href="/">"Start a new meeting"</a>
            </div>
        </section>
    }
}
