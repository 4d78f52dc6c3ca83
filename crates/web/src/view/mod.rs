//! Components: each reads part of [`AppState`] and dispatches [`Action`]s.
//!
//! The root holds the reducer; the picker and the play screen below it
//! receive what they show as props, so that a component re-renders only
//! when its part changed (the terminal does not redraw when the clock
//! ticks, the quest panel does not redraw on every keystroke).

mod charts;
mod console;
mod events;
mod files;
mod picker;
mod quest_panel;
mod status;
mod tables;
mod terminal;

use std::cell::Cell;
use std::rc::Rc;

use gloo::timers::callback::Interval;
use yew::prelude::*;

use crate::dom;
use crate::state::{Action, AppState, Layout, Play};

/// Wall milliseconds between two ticks of the simulation's clock.
const TICK_MS: u32 = 100;
/// The most wall time one tick hands over, so that a tab coming back from
/// the background does not jump far ahead at high speed.
const MAX_TICK_MS: f64 = 1_000.0;

/// Dispatches [`Action`]s into the one reducer.
pub type Dispatch = UseReducerDispatcher<AppState>;

#[component]
pub fn App() -> Html {
    let state = use_reducer(|| AppState::new(dom::quest_in_url().as_deref()));
    let dispatch = state.dispatcher();
    match &state.play {
        None => html! { <picker::Picker quests={state.quests.clone()} {dispatch} /> },
        Some(play) => html! { <PlayScreen play={play.clone()} {dispatch} /> },
    }
}

#[derive(Properties, PartialEq)]
struct PlayProps {
    play: Play,
    dispatch: Dispatch,
}

/// The quest in play: status bar on top, quest panel, terminal, and the
/// console panel (events and views of the account) below it.
#[component]
fn PlayScreen(props: &PlayProps) -> Html {
    use_clock(props.dispatch.clone());
    let play = &props.play;
    html! {
        <div class="play">
            <status::StatusBar
                session={play.session.clone()}
                start_rate={play.start_rate}
                dispatch={props.dispatch.clone()}
            />
            <quest_panel::QuestPanel
                session={play.session.clone()}
                hints={play.hints.clone()}
                notice={play.hint_notice.clone()}
                dispatch={props.dispatch.clone()}
            />
            <main class={classes!("console", layout_class(play.layout))}>
                <terminal::Terminal
                    terminal={play.terminal.clone()}
                    maximised={play.layout == Layout::Terminal}
                    dispatch={props.dispatch.clone()}
                />
                <console::ConsolePanel
                    session={play.session.clone()}
                    view={play.console.clone()}
                    editor={play.editor.clone()}
                    maximised={play.layout == Layout::Views}
                    dispatch={props.dispatch.clone()}
                />
            </main>
        </div>
    }
}

fn layout_class(layout: Layout) -> Option<&'static str> {
    match layout {
        Layout::Split => None,
        Layout::Terminal => Some("max-terminal"),
        Layout::Views => Some("max-views"),
    }
}

/// The button that gives `pane` (named `what` for screen readers) the
/// whole console column, or gives the other pane its half back.
fn maximise_button(pane: Layout, maximised: bool, what: &str, dispatch: &Dispatch) -> Html {
    let id = match pane {
        Layout::Terminal => "maximise-terminal",
        _ => "maximise-views",
    };
    let (label, symbol) = if maximised {
        (format!("Restore the {what} to half height"), "⤡ Restore")
    } else {
        (format!("Maximise the {what}"), "⤢ Maximise")
    };
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Maximise(pane)));
    html! {
        <button
            {id}
            class="maximise"
            aria-label={label.clone()}
            title={label}
            aria-pressed={maximised.to_string()}
            {onclick}
        >
            { symbol }
        </button>
    }
}

/// Drives simulated time while the component is mounted: every
/// [`TICK_MS`], hands the wall time that really passed to the reducer.
#[hook]
fn use_clock(dispatch: Dispatch) {
    use_effect_with((), move |_| {
        let last = Rc::new(Cell::new(dom::now_ms()));
        let interval = Interval::new(TICK_MS, move || {
            let now = dom::now_ms();
            let elapsed = match (last.replace(now), now) {
                (Some(before), Some(now)) => (now - before).clamp(0.0, MAX_TICK_MS),
                _ => f64::from(TICK_MS),
            };
            dispatch.dispatch(Action::Tick(elapsed.round() as u64));
        });
        move || drop(interval)
    });
}
