//! The terminal: scrollback above, one input line below.
//!
//! Enter runs the line, ArrowUp and ArrowDown walk the history, Tab
//! completes the last word (and lists the candidates when there are
//! several). Tab on an empty line and Shift+Tab move focus as usual, so the
//! terminal never traps a keyboard user. The input is focused when the
//! play screen opens.

use web_sys::{Element, HtmlElement, HtmlInputElement};
use yew::prelude::*;

use super::Dispatch;
use crate::dom;
use crate::state::{Action, TermLine, Terminal as TerminalState};

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub terminal: TerminalState,
    pub dispatch: Dispatch,
}

#[component]
pub fn Terminal(props: &TerminalProps) -> Html {
    let input_ref = use_node_ref();
    let output_ref = use_node_ref();
    use_focus_on_mount(input_ref.clone());
    use_scroll_to_bottom(
        output_ref.clone(),
        props.terminal.lines.len() as u64 + props.terminal.dropped,
    );

    let terminal = &props.terminal;
    let onsubmit = {
        let (dispatch, input_ref) = (props.dispatch.clone(), input_ref.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let line = input_ref
                .cast::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            dispatch.dispatch(Action::RunCommand(line));
        })
    };
    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                dispatch.dispatch(Action::EditInput(input.value()));
            }
        })
    };
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| on_key(&e, &dispatch))
    };

    html! {
        <section class="terminal panel" aria-labelledby="terminal-title">
            <h2 id="terminal-title" class="sr-only">{ "Terminal" }</h2>
            <div
                id="terminal-output"
                class="term-output"
                ref={output_ref}
                role="log"
                aria-live="polite"
                aria-label="Terminal output"
                tabindex="0"
            >
                { for terminal.lines.iter().enumerate().map(|(i, line)| {
                    term_line(terminal.dropped + i as u64, line)
                }) }
            </div>
            if !terminal.completions.is_empty() {
                <ul class="completions" aria-label="Completions">
                    { for terminal.completions.iter().map(|c| html! { <li>{ c }</li> }) }
                </ul>
            }
            <form class="term-input" {onsubmit}>
                <label for="terminal-input" class="sr-only">{ "Command line" }</label>
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                <input
                    id="terminal-input"
                    ref={input_ref}
                    type="text"
                    value={terminal.input.clone()}
                    {oninput}
                    {onkeydown}
                    autocomplete="off"
                    autocapitalize="off"
                    autocorrect="off"
                    spellcheck="false"
                    aria-describedby="terminal-keys"
                />
            </form>
            <p id="terminal-keys" class="term-keys">
                { "Enter runs · Tab completes · ↑ ↓ history · Shift+Tab leaves" }
            </p>
        </section>
    }
}

fn on_key(e: &KeyboardEvent, dispatch: &Dispatch) {
    let modified = e.shift_key() || e.ctrl_key() || e.alt_key() || e.meta_key();
    match e.key().as_str() {
        "ArrowUp" if !modified => {
            e.prevent_default();
            dispatch.dispatch(Action::HistoryPrev);
        }
        "ArrowDown" if !modified => {
            e.prevent_default();
            dispatch.dispatch(Action::HistoryNext);
        }
        "Tab" if !modified => {
            let line = e
                .target_dyn_into::<HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            if !line.is_empty() {
                e.prevent_default();
                dispatch.dispatch(Action::Complete(line));
            }
        }
        _ => {}
    }
}

fn term_line(number: u64, line: &TermLine) -> Html {
    match line {
        TermLine::Command(text) => html! {
            <div class="line cmd" key={number}>
                <span class="prompt" aria-hidden="true">{ "$ " }</span>{ text }
            </div>
        },
        TermLine::Output(text) => html! { <pre class="line out" key={number}>{ text }</pre> },
        TermLine::Error(text) => html! { <pre class="line err" key={number}>{ text }</pre> },
        TermLine::Hint(text) => html! {
            <div class="line hint" key={number}>
                <span class="hint-label">{ "hint: " }</span>{ text }
            </div>
        },
        TermLine::Info(text) => html! { <div class="line info" key={number}>{ text }</div> },
    }
}

/// Focuses the terminal's input once, when it first appears, and then
/// marks the app ready for time-to-interactive measurements.
#[hook]
fn use_focus_on_mount(input_ref: NodeRef) {
    use_effect_with((), move |_| {
        if let Some(input) = input_ref.cast::<HtmlElement>() {
            let _ = input.focus();
        }
        dom::mark_ready();
    });
}

/// Keeps the scrollback scrolled to its newest line whenever lines are
/// added (`count` is the number of lines ever shown).
#[hook]
fn use_scroll_to_bottom(output_ref: NodeRef, count: u64) {
    use_effect_with(count, move |_| {
        if let Some(output) = output_ref.cast::<Element>() {
            output.set_scroll_top(output.scroll_height());
        }
    });
}
