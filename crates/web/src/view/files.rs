//! The Files view: the player's home directory and an editor, as AWS
//! CloudShell pairs its terminal with one.
//!
//! A list of files on the left (New file above it), the open file on the
//! right in a plain text area with line numbers. Tab indents by two spaces
//! and Shift+Tab outdents (the selected lines, or the caret's), Enter keeps
//! the line's indentation and indents after a line ending in `:`, which is
//! what YAML needs; Ctrl+S saves. Escape and then Tab leave the text area,
//! so the editor never traps a keyboard user. Saving and deleting run
//! commands in the terminal (see [`crate::editor`]).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::Dispatch;
use crate::dom;
use crate::editor::{home_relative, Editor, Outcome, Prompt};
use crate::input;
use crate::state::{Action, SessionHandle};

/// The id of the editor's text area.
const TEXT_ID: &str = "editor-text";

#[derive(Properties, PartialEq)]
pub struct FilesProps {
    pub session: SessionHandle,
    pub editor: Editor,
    pub dispatch: Dispatch,
}

#[component]
pub fn Files(props: &FilesProps) -> Html {
    use_prompt_focus(props.editor.prompt.clone(), props.editor.path.clone());
    let Some(session) = props.session.read() else {
        return html! {};
    };
    let editor = &props.editor;
    let mut files: Vec<(String, usize)> = session
        .world()
        .files
        .all()
        .map(|(path, text)| (path.to_string(), text.len()))
        .collect();
    // A new file shows in the list before its first save.
    if let (Some(path), None) = (&editor.path, &editor.base) {
        if !files.iter().any(|(p, _)| p == path) {
            files.push((path.clone(), 0));
            files.sort();
        }
    }
    let new_file = action_callback(&props.dispatch, Action::NewFile);

    html! {
        <div class="files">
            <nav class="file-list" aria-labelledby="files-title">
                <div class="file-list-head">
                    <h3 id="files-title" title={gameday::files::HOME}>{ "~ home" }</h3>
                    <button id="new-file" onclick={new_file}>{ "New file" }</button>
                </div>
                if files.is_empty() {
                    <p class="empty">{ "No files yet." }</p>
                } else {
                    <ul id="file-list">
                        { for files.iter().map(|(path, size)| {
                            file_item(path, *size, editor, &props.dispatch)
                        }) }
                    </ul>
                }
            </nav>
            <div class="editor">
                { prompt(editor, &props.dispatch) }
                if editor.path.is_some() {
                    <EditorPane editor={editor.clone()} dispatch={props.dispatch.clone()} />
                } else {
                    { no_file(editor) }
                }
            </div>
        </div>
    }
}

fn action_callback<E>(dispatch: &Dispatch, action: Action) -> Callback<E> {
    let dispatch = dispatch.clone();
    Callback::from(move |_| dispatch.dispatch(action.clone()))
}

fn file_item(path: &str, size: usize, editor: &Editor, dispatch: &Dispatch) -> Html {
    let open = editor.path.as_deref() == Some(path);
    let unsaved = open && editor.dirty();
    let onclick = action_callback(dispatch, Action::OpenFile(path.to_string()));
    html! {
        <li key={path.to_string()}>
            <button
                class={classes!("file", open.then_some("on"))}
                data-path={home_relative(path).to_string()}
                aria-current={open.then_some("true")}
                {onclick}
            >
                <span class="file-name">{ home_relative(path) }</span>
                if unsaved {
                    <span class="unsaved-dot" title="Unsaved changes">{ "●" }</span>
                    <span class="sr-only">{ " (unsaved changes)" }</span>
                } else {
                    <span class="size">{ bytes(size) }</span>
                }
            </button>
        </li>
    }
}

/// A size as `ls -lh` would round it.
fn bytes(size: usize) -> String {
    match size {
        0..=1023 => format!("{size} B"),
        _ => format!("{:.1} KiB", size as f64 / 1024.0),
    }
}

fn no_file(editor: &Editor) -> Html {
    html! {
        <div class="empty-state">
            if let Some(Outcome::Done(text)) = &editor.outcome {
                <p class="editor-outcome" role="status">{ text }</p>
            }
            <strong>{ "No file open" }</strong>
            <p class="empty">
                { "Pick a file, or create one with New file. The terminal works on the same \
                   files: cat FILE, ls, and file://FILE in aws commands." }
            </p>
        </div>
    }
}

/// The editor's question, if it asks one.
fn prompt(editor: &Editor, dispatch: &Dispatch) -> Html {
    let name = editor.path.as_deref().map(home_relative).unwrap_or_default();
    let cancel = action_callback::<MouseEvent>(dispatch, Action::CancelPrompt);
    match &editor.prompt {
        None => html! {},
        Some(Prompt::NewFile { error }) => new_file_form(error.as_deref(), dispatch),
        Some(Prompt::Unsaved(_)) => html! {
            <div class="prompt-bar" role="group" aria-labelledby="prompt-text">
                <span id="prompt-text">{ format!("{name} has unsaved changes.") }</span>
                <button id="prompt-save" class="primary"
                    onclick={action_callback(dispatch, Action::SaveThenContinue)}>
                    { "Save" }
                </button>
                <button id="prompt-discard"
                    onclick={action_callback(dispatch, Action::DiscardThenContinue)}>
                    { "Discard changes" }
                </button>
                <button id="prompt-cancel" onclick={cancel}>{ "Cancel" }</button>
            </div>
        },
        Some(Prompt::Delete) => html! {
            <div class="prompt-bar" role="group" aria-labelledby="prompt-text">
                <span id="prompt-text">
                    { format!("Delete {name}? This runs rm {name} in the terminal.") }
                </span>
                <button id="prompt-delete" class="danger"
                    onclick={action_callback(dispatch, Action::ConfirmDelete)}>
                    { "Delete" }
                </button>
                <button id="prompt-cancel" onclick={cancel}>{ "Cancel" }</button>
            </div>
        },
    }
}

fn new_file_form(error: Option<&str>, dispatch: &Dispatch) -> Html {
    let onsubmit = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let name = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("new-file-name"))
                .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
                .map(|input| input.value())
                .unwrap_or_default();
            dispatch.dispatch(Action::NameNewFile(name));
        })
    };
    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                dispatch.dispatch(Action::CancelPrompt);
            }
        })
    };
    html! {
        <form class="prompt-bar" {onsubmit}>
            <label for="new-file-name">{ "New file name" }</label>
            <input
                id="new-file-name"
                type="text"
                placeholder="deploy.yml"
                autocomplete="off"
                spellcheck="false"
                aria-invalid={error.is_some().then_some("true")}
                aria-describedby={error.is_some().then_some("new-file-error")}
                {onkeydown}
            />
            <button type="submit" class="primary">{ "Create" }</button>
            <button type="button" onclick={action_callback(dispatch, Action::CancelPrompt)}>
                { "Cancel" }
            </button>
            if let Some(error) = error {
                <p id="new-file-error" class="prompt-error" role="alert">{ error }</p>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct EditorPaneProps {
    editor: Editor,
    dispatch: Dispatch,
}

/// The open file: its name and state, Save, Revert and Delete, and the
/// text with line numbers.
#[component]
fn EditorPane(props: &EditorPaneProps) -> Html {
    let gutter_ref = use_node_ref();
    // Escape was the last key: the next Tab leaves the text area.
    let escaped = use_mut_ref(|| false);
    let editor = &props.editor;
    let path = editor.path.as_deref().unwrap_or_default();
    let name = home_relative(path);
    let dirty = editor.dirty();

    let oninput = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() {
                dispatch.dispatch(Action::EditDraft(area.value()));
            }
        })
    };
    let onkeydown = {
        let (dispatch, escaped) = (props.dispatch.clone(), escaped.clone());
        Callback::from(move |e: KeyboardEvent| on_key(&e, &dispatch, &escaped))
    };
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        Callback::from(move |e: Event| {
            let area = e.target_dyn_into::<Element>();
            if let (Some(area), Some(gutter)) = (area, gutter_ref.cast::<Element>()) {
                gutter.set_scroll_top(area.scroll_top());
            }
        })
    };
    let numbers: String = (1..=input::line_count(&editor.draft))
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let state = match (&editor.outcome, dirty) {
        (Some(Outcome::Failed(text)), _) => html! {
            <span class="editor-outcome failed" role="alert">{ text }</span>
        },
        (_, true) => html! { <span class="editor-state unsaved">{ "● Unsaved changes" }</span> },
        (Some(Outcome::Done(text)), false) => html! {
            <span class="editor-outcome" role="status">{ format!("✓ {text}") }</span>
        },
        (None, false) => html! { <span class="editor-state">{ "Saved" }</span> },
    };

    html! {
        <>
            <div class="editor-bar">
                <span class="editor-name" id="editor-name">{ name }</span>
                { state }
                <span class="editor-actions">
                    <button id="editor-save" class="primary" disabled={!dirty}
                        onclick={action_callback(&props.dispatch, Action::SaveFile)}>
                        { "Save" }
                    </button>
                    <button id="editor-revert" disabled={!dirty}
                        onclick={action_callback(&props.dispatch, Action::RevertFile)}>
                        { "Revert" }
                    </button>
                    <button id="editor-delete"
                        onclick={action_callback(&props.dispatch, Action::DeleteFile)}>
                        { "Delete" }
                    </button>
                </span>
            </div>
            <div class="editor-area">
                <pre class="gutter" ref={gutter_ref} aria-hidden="true">{ numbers }</pre>
                <label for={TEXT_ID} class="sr-only">{ format!("Contents of {name}") }</label>
                <textarea
                    id={TEXT_ID}
                    value={editor.draft.clone()}
                    wrap="off"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    {oninput}
                    {onkeydown}
                    {onscroll}
                    aria-describedby="editor-keys"
                />
            </div>
            <p id="editor-keys" class="term-keys">
                { "Tab indents · Shift+Tab outdents · Ctrl+S saves · Esc then Tab leaves" }
            </p>
        </>
    }
}

fn on_key(e: &KeyboardEvent, dispatch: &Dispatch, escaped: &Rc<RefCell<bool>>) {
    let key = e.key();
    let was_escaped = match escaped.try_borrow_mut() {
        Ok(mut flag) => std::mem::replace(&mut *flag, key == "Escape"),
        Err(_) => false,
    };
    let Some(area) = e.target_dyn_into::<HtmlTextAreaElement>() else {
        return;
    };
    let command = e.ctrl_key() || e.meta_key();
    match key.as_str() {
        "Tab" if was_escaped || command || e.alt_key() => {}
        "Tab" => {
            e.prevent_default();
            indent(&area, e.shift_key(), dispatch);
        }
        "Enter" if !e.is_composing() && !command && !e.alt_key() && !e.shift_key() => {
            e.prevent_default();
            let text = area.value();
            let at = input::byte_offset(&text, area.selection_start().ok().flatten().unwrap_or(0));
            insert(&area, &input::newline_keeping_indent(&text, at), dispatch);
        }
        "s" | "S" if command && !e.alt_key() => {
            e.prevent_default();
            dispatch.dispatch(Action::EditDraft(area.value()));
            dispatch.dispatch(Action::SaveFile);
        }
        _ => {}
    }
}

/// Tab: two spaces at the caret, or the selected lines indented; with
/// Shift, the caret's or selected lines outdented.
fn indent(area: &HtmlTextAreaElement, outdent: bool, dispatch: &Dispatch) {
    let text = area.value();
    let start16 = area.selection_start().ok().flatten().unwrap_or(0);
    let end16 = area.selection_end().ok().flatten().unwrap_or(start16);
    let (start, end) = (input::byte_offset(&text, start16), input::byte_offset(&text, end16));
    let multi_line = text.get(start..end).is_some_and(|s| s.contains('\n'));
    if !outdent && !multi_line {
        insert(area, "  ", dispatch);
        return;
    }
    let (from, to) = input::line_range(&text, start, end);
    let lines = text.get(from..to).unwrap_or_default();
    let shifted = input::shift_lines(lines, outdent);
    if shifted == lines {
        return;
    }
    let from16 = utf16_len(&text[..from]);
    let _ = area.set_selection_range(from16, from16 + utf16_len(lines));
    insert(area, &shifted, dispatch);
    let _ = area.set_selection_range(from16, from16 + utf16_len(&shifted));
}

fn utf16_len(text: &str) -> u32 {
    text.encode_utf16().count() as u32
}

/// Replaces the selection with `text` as typing would, so that the
/// browser's undo keeps working (`insertText`); where that is not
/// available, sets the text directly.
fn insert(area: &HtmlTextAreaElement, text: &str, dispatch: &Dispatch) {
    let typed = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
        .and_then(|d| d.exec_command_with_show_ui_and_value("insertText", false, text).ok())
        .unwrap_or(false);
    if typed {
        return;
    }
    let start = area.selection_start().ok().flatten().unwrap_or(0);
    if area.set_range_text(text).is_ok() {
        let caret = start + utf16_len(text);
        let _ = area.set_selection_range(caret, caret);
        dispatch.dispatch(Action::EditDraft(area.value()));
    }
}

/// Moves focus to where the editor's question or file is: the name field
/// when it asks for a name, the first answer when it asks a question, and
/// back to the text (or New file) when focus was left on nothing because
/// the button pressed went away.
#[hook]
fn use_prompt_focus(prompt: Option<Prompt>, path: Option<String>) {
    use_effect_with((prompt, path), |(prompt, path)| {
        match prompt {
            Some(Prompt::NewFile { .. }) => dom::focus("new-file-name"),
            Some(Prompt::Unsaved(_)) => dom::focus("prompt-save"),
            Some(Prompt::Delete) => dom::focus("prompt-cancel"),
            None if path.is_some() => dom::focus_if_lost(TEXT_ID),
            None => dom::focus_if_lost("new-file"),
        }
    });
}
