//! The terminal: scrollback above, the input below.
//!
//! The input is a text area that grows with what it holds (up to ten
//! lines, then it scrolls). Enter runs it when it is a whole command and
//! otherwise starts a new line, as bash's `>` prompt does after an open
//! quote or a trailing backslash; Shift+Enter always starts a new line. A
//! paste keeps its newlines, and the tokenizer runs each line as a
//! command. ArrowUp and ArrowDown walk the history when the caret is on
//! the first or last line; Tab completes the last word (and lists the
//! candidates when there are several). Tab on an empty input and
//! Shift+Tab move focus as usual, so the terminal never traps a keyboard
//! user. The input is focused when the play screen opens.

use web_sys::{Element, HtmlElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::Dispatch;
use crate::dom;
use crate::input;
use crate::state::{Action, Layout, TermLine, Terminal as TerminalState};

/// Most rows the input grows to before it scrolls.
const MAX_INPUT_ROWS: usize = 10;

#[derive(Properties, PartialEq)]
pub struct TerminalProps {
    pub terminal: TerminalState,
    /// Whether the terminal has the whole console column.
    pub maximised: bool,
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
    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::EditInput(input.value()));
            }
        })
    };
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: KeyboardEvent| on_key(&e, &dispatch))
    };
    let rows = input::line_count(&terminal.input).min(MAX_INPUT_ROWS);

    html! {
        <section class="terminal panel" aria-labelledby="terminal-title">
            <div class="term-head">
                <h2 id="terminal-title">{ "Terminal" }</h2>
                { super::maximise_button(Layout::Terminal, props.maximised, "terminal", &props.dispatch) }
            </div>
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
            <div class="term-input">
                <label for="terminal-input" class="sr-only">{ "Command line" }</label>
                <span class="prompt" aria-hidden="true">{ "$" }</span>
                <textarea
                    id="terminal-input"
                    ref={input_ref}
                    rows={rows.to_string()}
                    value={terminal.input.clone()}
                    {oninput}
                    {onkeydown}
                    autocomplete="off"
                    autocapitalize="off"
                    autocorrect="off"
                    spellcheck="false"
                    aria-describedby="terminal-keys"
                />
            </div>
            <p id="terminal-keys" class="term-keys">
                { "Enter runs · Shift+Enter new line · Tab completes · ↑ ↓ history · \
                   Shift+Tab leaves" }
            </p>
        </section>
    }
}

fn on_key(e: &KeyboardEvent, dispatch: &Dispatch) {
    let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
        return;
    };
    let modified = e.shift_key() || e.ctrl_key() || e.alt_key() || e.meta_key();
    let text = area.value();
    let caret = |end: bool| {
        let at = if end {
            area.selection_end()
        } else {
            area.selection_start()
        };
        let units = at.ok().flatten().unwrap_or(u32::MAX);
        input::byte_offset(&text, units)
    };
    match e.key().as_str() {
        // While an input method composes, Enter confirms its text.
        "Enter" if e.is_composing() => {}
        "Enter" if !modified && input::is_complete(&text) => {
            e.prevent_default();
            dispatch.dispatch(Action::RunCommand(text));
        }
        "ArrowUp" if !modified && input::on_first_line(&text, caret(false)) => {
            e.prevent_default();
            dispatch.dispatch(Action::HistoryPrev);
        }
        "ArrowDown" if !modified && input::on_last_line(&text, caret(true)) => {
            e.prevent_default();
            dispatch.dispatch(Action::HistoryNext);
        }
        "Tab" if !modified && !text.is_empty() => {
            e.prevent_default();
            dispatch.dispatch(Action::Complete(text));
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
