//! The GameDay Sandbox web app: a Yew view over the simulation.
//!
//! - [`quests`]: the quest files embedded at build time.
//! - [`state`]: the one reducer that holds all state and drives the
//!   [`gameday::quest::Session`].
//! - [`view`]: components that read the state and dispatch actions.
//! - [`editor`]: the editor pane's state and the commands it runs.
//! - [`input`]: text helpers for the multi-line terminal input and the
//!   editor.
//! - [`format`]: how numbers read on screen.
//! - [`dom`]: the little the app needs from the browser beyond rendering.

mod dom;
mod editor;
mod format;
mod input;
mod quests;
mod state;
mod view;

fn main() {
    yew::Renderer::<view::App>::new().render();
}
