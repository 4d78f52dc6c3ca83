//! The console panel below the terminal: tabs for recent events and for
//! views of the account shaped like the AWS console's (Instances, Queues,
//! Alarms, Auto Scaling, Charts).
//!
//! The tabs follow the WAI-ARIA tabs pattern: one tab stop for the tab
//! list, Left and Right (and Home, End) move between tabs and open them,
//! Tab moves on into the open view. What each view shows comes from
//! [`gameday::console`]; the components here only lay it out. The last
//! tab, Files, holds the editor (see [`super::files`]); it is marked while
//! the editor has unsaved changes.

use yew::prelude::*;

use super::{charts, events, files, tables, Dispatch};
use crate::dom;
use crate::editor::Editor;
use crate::state::{Action, ConsoleView, Layout, SessionHandle, Tab};

#[derive(Properties, PartialEq)]
pub struct ConsoleProps {
    pub session: SessionHandle,
    pub view: ConsoleView,
    pub editor: Editor,
    /// Whether the views have the whole console column.
    pub maximised: bool,
    pub dispatch: Dispatch,
}

#[component]
pub fn ConsolePanel(props: &ConsoleProps) -> Html {
    let current = props.view.tab;
    let counts = props.session.read().map(|s| tables::counts(s.world()));
    let body = match current {
        Tab::Events => html! { <events::RecentEvents session={props.session.clone()} /> },
        Tab::Charts => html! {
            <charts::Charts
                session={props.session.clone()}
                request={props.view.charts.clone()}
                dispatch={props.dispatch.clone()}
            />
        },
        Tab::Files => html! {
            <files::Files
                session={props.session.clone()}
                editor={props.editor.clone()}
                dispatch={props.dispatch.clone()}
            />
        },
        tab => html! { <tables::Tables session={props.session.clone()} {tab} /> },
    };
    let unsaved = props.editor.dirty();

    html! {
        <section class="views panel" aria-label="Console views">
            <div class="tabs-row">
                <div class="tabs" role="tablist" aria-label="Console views">
                    { for Tab::ALL.into_iter().map(|tab| {
                        let count = counts.as_ref().and_then(|c| c.of(tab));
                        let unsaved = unsaved && tab == Tab::Files;
                        tab_button(tab, current, count, unsaved, &props.dispatch)
                    }) }
                </div>
                { super::maximise_button(
                    Layout::Views,
                    props.maximised,
                    "console views",
                    &props.dispatch,
                ) }
            </div>
            <div
                class={classes!("view-body", format!("view-{}", current.id()))}
                id="console-view"
                role="tabpanel"
                aria-labelledby={format!("tab-{}", current.id())}
                tabindex="0"
            >
                { body }
            </div>
        </section>
    }
}

fn tab_button(
    tab: Tab,
    current: Tab,
    count: Option<usize>,
    unsaved: bool,
    dispatch: &Dispatch,
) -> Html {
    let selected = tab == current;
    let onclick = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ShowTab(tab)))
    };
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            let next = match e.key().as_str() {
                "ArrowRight" => tab.moved(1),
                "ArrowLeft" => tab.moved(-1),
                "Home" => Tab::ALL[0],
                "End" => Tab::ALL[Tab::ALL.len() - 1],
                _ => return,
            };
            e.prevent_default();
            dispatch.dispatch(Action::ShowTab(next));
            dom::focus(&format!("tab-{}", next.id()));
        })
    };
    html! {
        <button
            class={classes!("tab", selected.then_some("on"))}
            id={format!("tab-{}", tab.id())}
            role="tab"
            aria-selected={selected.to_string()}
            aria-controls="console-view"
            tabindex={if selected { "0" } else { "-1" }}
            {onclick}
            {onkeydown}
        >
            { tab.label() }
            if let Some(count) = count {
                <span class="count">{ count }</span>
            }
            if unsaved {
                <span class="unsaved-dot" title="Unsaved changes">{ "●" }</span>
                <span class="sr-only">{ " (unsaved changes)" }</span>
            }
        </button>
    }
}
