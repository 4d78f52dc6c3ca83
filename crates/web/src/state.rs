//! All of the app's state, and the one place where it changes.
//!
//! [`AppState`] is reduced by [`Action`]s, values that say what the player
//! did (typed a command, pressed a speed button) or that wall time passed.
//! The simulation itself lives in a [`Session`]; the reducer only calls
//! into it and keeps what the screen needs beyond it: the terminal's
//! scrollback, the input line, hints already revealed. Views read this
//! state and dispatch actions; they compute no game logic.

use std::cell::{Ref, RefCell, RefMut};
use std::collections::BTreeMap;
use std::rc::Rc;

use gameday::clock::Speed;
use gameday::command::complete::{complete, complete_line};
use gameday::command::Executed;
use gameday::console::{ChartRequest, CpuScope, Window};
use gameday::ledger::Rate;
use gameday::quest::Session;
use gameday::world::ACCOUNT_ID;
use yew::Reducible;

use crate::editor::{self, Editor, Outcome, Prompt, Then};
use crate::input;
use crate::quests::{load_all, QuestEntry};

/// Lines the terminal keeps; older ones scroll away for good.
pub const MAX_SCROLLBACK: usize = 1_000;

/// Something the player did, or wall time passing.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// Start the quest at this index of [`AppState::quests`].
    PickQuest(usize),
    /// Leave the quest in play (its progress is dropped) for the picker.
    BackToPicker,
    /// The input line now reads this.
    EditInput(String),
    /// Run this line in the terminal.
    RunCommand(String),
    /// ArrowUp: the previous command of the history.
    HistoryPrev,
    /// ArrowDown: the next command, or back to what was being typed.
    HistoryNext,
    /// Tab on this line: complete its last word.
    Complete(String),
    /// This many wall milliseconds passed.
    Tick(u64),
    SetSpeed(Speed),
    /// Skip this many simulated seconds ahead.
    Skip(u64),
    /// Reveal the next hint for the objective with this id.
    TakeHint(String),
    /// Open this view of the console panel.
    ShowTab(Tab),
    /// Chart the last hour, six hours or day.
    SetChartWindow(Window),
    /// Chart the CPU of the fleet, a group or an instance.
    SetCpuScope(CpuScope),
    /// Chart this queue.
    SetChartQueue(String),
    /// Editor: open this file (absolute path), asking first if the draft
    /// has unsaved changes.
    OpenFile(String),
    /// Editor: the draft now reads this.
    EditDraft(String),
    /// Editor: save the draft, as `echo -n '...' > file` in the terminal.
    SaveFile,
    /// Editor: drop the draft's changes (a new file never saved closes).
    RevertFile,
    /// Editor: ask for a new file's name (after asking about unsaved
    /// changes, if there are any).
    NewFile,
    /// Editor: open the file with this name, new or existing.
    NameNewFile(String),
    /// Editor: ask whether to delete the open file.
    DeleteFile,
    /// Editor: yes, delete it (`rm file` in the terminal).
    ConfirmDelete,
    /// Editor: save the unsaved changes, then do what was asked.
    SaveThenContinue,
    /// Editor: drop the unsaved changes, then do what was asked.
    DiscardThenContinue,
    /// Editor: close the question without doing anything.
    CancelPrompt,
    /// Give the whole console column to this pane, or back to the split
    /// when it has it already.
    Maximise(Layout),
}

/// How the console column is shared between the terminal and the views.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Layout {
    /// Terminal above, views below.
    #[default]
    Split,
    /// The terminal only.
    Terminal,
    /// The console views only.
    Views,
}

/// The views of the console panel below the terminal, in tab order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Events,
    Instances,
    Queues,
    Alarms,
    AutoScaling,
    Charts,
    /// The player's files and the editor.
    Files,
}

impl Tab {
    pub const ALL: [Tab; 7] = [
        Tab::Events,
        Tab::Instances,
        Tab::Queues,
        Tab::Alarms,
        Tab::AutoScaling,
        Tab::Charts,
        Tab::Files,
    ];

    /// The tab's label, in the AWS console's words.
    pub fn label(self) -> &'static str {
        match self {
            Tab::Events => "Events",
            Tab::Instances => "Instances",
            Tab::Queues => "Queues",
            Tab::Alarms => "Alarms",
            Tab::AutoScaling => "Auto Scaling",
            Tab::Charts => "Charts",
            Tab::Files => "Files",
        }
    }

    /// A stable id for the page: `events`, `auto-scaling` ...
    pub fn id(self) -> &'static str {
        match self {
            Tab::Events => "events",
            Tab::Instances => "instances",
            Tab::Queues => "queues",
            Tab::Alarms => "alarms",
            Tab::AutoScaling => "auto-scaling",
            Tab::Charts => "charts",
            Tab::Files => "files",
        }
    }

    /// The tab `offset` places away, wrapping around (arrow keys).
    pub fn moved(self, offset: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        let at = Tab::ALL.iter().position(|t| *t == self).unwrap_or(0) as isize;
        Tab::ALL[(at + offset).rem_euclid(n) as usize]
    }
}

/// What the console panel shows: which view, and what the charts plot.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ConsoleView {
    pub tab: Tab,
    pub charts: ChartRequest,
}

/// One entry of the terminal's scrollback.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermLine {
    /// What was typed, shown after a `$ ` prompt.
    Command(String),
    Output(String),
    Error(String),
    /// A tip for the learner, shown apart from the tool's words.
    Hint(String),
    /// A message from the terminal itself.
    Info(String),
}

/// The play session, shared between state snapshots. Its `version` grows
/// whenever the session changed, which is what views compare.
#[derive(Clone, Debug)]
pub struct SessionHandle {
    cell: Rc<RefCell<Session>>,
    version: u64,
}

impl PartialEq for SessionHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.cell, &other.cell) && self.version == other.version
    }
}

impl SessionHandle {
    fn new(session: Session) -> Self {
        SessionHandle {
            cell: Rc::new(RefCell::new(session)),
            version: 0,
        }
    }

    /// The session to read, or `None` in the (unexpected) case that it is
    /// being changed right now; views then render nothing rather than panic.
    pub fn read(&self) -> Option<Ref<'_, Session>> {
        self.cell.try_borrow().ok()
    }

    fn write(&self) -> Option<RefMut<'_, Session>> {
        self.cell.try_borrow_mut().ok()
    }
}

/// The terminal: scrollback, the line being typed, history and completion.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Terminal {
    pub lines: Rc<Vec<TermLine>>,
    /// Lines dropped from the top so far (scrolled away or cleared); the
    /// first of `lines` is line number `dropped`, a stable key for views.
    pub dropped: u64,
    pub input: String,
    /// Completion candidates to show, when Tab found several.
    pub completions: Vec<String>,
    /// Position in the history while walking it with the arrow keys.
    history_cursor: Option<usize>,
    /// What was typed before the history walk started.
    draft: String,
}

impl Terminal {
    fn push(&mut self, line: TermLine) {
        let lines = Rc::make_mut(&mut self.lines);
        lines.push(line);
        if lines.len() > MAX_SCROLLBACK {
            let extra = lines.len() - MAX_SCROLLBACK;
            lines.drain(..extra);
            self.dropped += extra as u64;
        }
    }

    /// Shows what ran: each command after a prompt (or `shown_as` in its
    /// place, for a command the editor ran), then its reply.
    fn show(&mut self, executed: Vec<Executed>, typed: &str, shown_as: Option<&str>) {
        if executed.is_empty() {
            self.push(TermLine::Command(typed.trim().to_string()));
        }
        for Executed { source, reply } in executed {
            if reply.clear {
                self.dropped += self.lines.len() as u64;
                self.lines = Rc::default();
                continue;
            }
            let shown = shown_as.map_or(source, str::to_string);
            self.push(TermLine::Command(shown));
            if !reply.text.is_empty() {
                let text = reply.text.trim_end().to_string();
                self.push(if reply.is_error {
                    TermLine::Error(text)
                } else {
                    TermLine::Output(text)
                });
            }
            if let Some(hint) = reply.hint {
                self.push(TermLine::Hint(hint));
            }
        }
    }

    fn set_input(&mut self, input: String) {
        self.input = input;
        self.completions.clear();
    }
}

/// A quest in play and what the screen keeps around it.
#[derive(Clone, Debug, PartialEq)]
pub struct Play {
    /// Index into [`AppState::quests`].
    pub quest_index: usize,
    pub session: SessionHandle,
    /// Cost and CO2e per hour when the player took over, after warm-up.
    pub start_rate: Rate,
    pub terminal: Terminal,
    /// Hints revealed so far, by objective id, in the order taken.
    pub hints: Rc<BTreeMap<String, Vec<String>>>,
    /// Why the last hint request gave nothing, if it did.
    pub hint_notice: Option<String>,
    pub console: ConsoleView,
    pub editor: Editor,
    pub layout: Layout,
}

/// Everything the app shows.
#[derive(Clone, Debug)]
pub struct AppState {
    pub quests: Rc<Vec<QuestEntry>>,
    /// The quest in play; `None` shows the picker.
    pub play: Option<Play>,
    /// Grows with every action that changed anything.
    pub generation: u64,
}

impl PartialEq for AppState {
    fn eq(&self, other: &Self) -> bool {
        self.generation == other.generation
    }
}

impl AppState {
    /// Loads the embedded quests; starts the one whose id is `start`, if
    /// any (a kiosk or a test can open a quest straight from the URL).
    pub fn new(start: Option<&str>) -> Self {
        let quests = load_all();
        let index = start.and_then(|id| quests.iter().position(|q| q.id() == Some(id)));
        let mut state = AppState {
            quests: Rc::new(quests),
            play: None,
            generation: 0,
        };
        if let Some(index) = index {
            state.apply(Action::PickQuest(index));
        }
        state
    }

    /// Carries out `action`; returns whether anything changed.
    fn apply(&mut self, action: Action) -> bool {
        match action {
            Action::PickQuest(index) => self.pick(index),
            Action::BackToPicker => self.play.take().is_some(),
            other => match self.play.as_mut() {
                Some(play) => play.apply(other),
                None => false,
            },
        }
    }

    fn pick(&mut self, index: usize) -> bool {
        let Some(Ok(quest)) = self.quests.get(index).map(|q| &q.quest) else {
            return false;
        };
        let session = Session::new(quest.clone());
        let start_rate = session.world().rate();
        // Files the quest starts with are open in the editor from the start.
        let mut editor = Editor::default();
        if let Some((path, text)) = session.world().files.all().next() {
            editor.open(path.to_string(), Some(text));
        }
        let mut terminal = Terminal::default();
        terminal.push(TermLine::Info(format!(
            "Signed in to AWS account {ACCOUNT_ID}, region {}. Type help to list commands.",
            session.world().env.region
        )));
        self.play = Some(Play {
            quest_index: index,
            session: SessionHandle::new(session),
            start_rate,
            terminal,
            hints: Rc::default(),
            hint_notice: None,
            console: ConsoleView::default(),
            editor,
            layout: Layout::default(),
        });
        true
    }
}

impl Play {
    fn apply(&mut self, action: Action) -> bool {
        let changed = match action {
            Action::EditInput(input) => {
                self.terminal.set_input(input);
                return true;
            }
            Action::HistoryPrev => return self.history_prev(),
            Action::HistoryNext => return self.history_next(),
            Action::Complete(line) => return self.complete(line),
            Action::RunCommand(line) => self.run(line),
            Action::Tick(wall_ms) => self.tick(wall_ms),
            Action::SetSpeed(speed) => self.with_session(|s| {
                let changed = s.speed() != speed;
                s.set_speed(speed);
                changed
            }),
            Action::Skip(seconds) => self.with_session(|s| {
                s.skip(seconds);
                true
            }),
            Action::TakeHint(id) => self.take_hint(id),
            Action::ShowTab(tab) => return self.set_view(|v| v.tab = tab),
            Action::SetChartWindow(window) => return self.set_view(|v| v.charts.window = window),
            Action::SetCpuScope(scope) => return self.set_view(|v| v.charts.cpu = scope),
            Action::SetChartQueue(queue) => {
                return self.set_view(|v| v.charts.queue = Some(queue));
            }
            Action::Maximise(layout) => {
                self.layout = if self.layout == layout { Layout::Split } else { layout };
                return true;
            }
            Action::EditDraft(text) => {
                self.editor.draft = text;
                self.editor.outcome = None;
                return true;
            }
            Action::OpenFile(path) => return self.open_file(path),
            Action::RevertFile => return self.revert_file(),
            Action::NewFile => return self.new_file(),
            Action::NameNewFile(name) => return self.name_new_file(&name),
            Action::DeleteFile => return self.ask(self.editor.path.is_some(), Prompt::Delete),
            Action::DiscardThenContinue => return self.continue_after_prompt(),
            Action::CancelPrompt => return self.editor.prompt.take().is_some(),
            Action::SaveFile => self.save_file(),
            Action::SaveThenContinue => {
                let saved = self.save_file();
                if saved && !matches!(self.editor.outcome, Some(Outcome::Failed(_))) {
                    self.continue_after_prompt();
                }
                saved
            }
            Action::ConfirmDelete => self.delete_file(),
            Action::PickQuest(_) | Action::BackToPicker => false,
        };
        if changed {
            self.session.version += 1;
        }
        changed
    }

    /// Changes what the console panel shows; `true` if that changed
    /// anything. The session is untouched, so views of it keep their
    /// version.
    fn set_view(&mut self, f: impl FnOnce(&mut ConsoleView)) -> bool {
        let before = self.console.clone();
        f(&mut self.console);
        self.console != before
    }

    /// Runs `f` on the session; `false` if it could not be borrowed.
    fn with_session(&mut self, f: impl FnOnce(&mut Session) -> bool) -> bool {
        self.session.write().is_some_and(|mut s| f(&mut s))
    }

    fn run(&mut self, line: String) -> bool {
        let Some(executed) = self.session.write().map(|mut s| s.execute(&line)) else {
            return false;
        };
        self.terminal.show(executed, &line, None);
        self.terminal.set_input(String::new());
        self.terminal.history_cursor = None;
        self.follow_files();
        true
    }

    /// Lets the editor follow files that a command changed.
    fn follow_files(&mut self) {
        if let Some(session) = self.session.read() {
            self.editor.follow(&session.world().files);
        }
    }

    /// The text of the file at `path`, if there is one.
    fn file_text(&self, path: &str) -> Option<String> {
        let session = self.session.read()?;
        let text = session.world().files.read(path).ok()?;
        Some(text.to_string())
    }

    /// Shows `prompt` in the editor, if `allowed`.
    fn ask(&mut self, allowed: bool, prompt: Prompt) -> bool {
        if allowed {
            self.editor.prompt = Some(prompt);
        }
        allowed
    }

    fn open_file(&mut self, path: String) -> bool {
        if self.editor.path.as_deref() == Some(path.as_str()) {
            return self.editor.prompt.take().is_some();
        }
        if self.editor.dirty() {
            return self.ask(true, Prompt::Unsaved(Then::Open(path)));
        }
        let Some(text) = self.file_text(&path) else {
            return false;
        };
        self.editor.open(path, Some(&text));
        true
    }

    fn new_file(&mut self) -> bool {
        let prompt = if self.editor.dirty() {
            Prompt::Unsaved(Then::NewFile)
        } else {
            Prompt::NewFile { error: None }
        };
        self.ask(true, prompt)
    }

    fn name_new_file(&mut self, name: &str) -> bool {
        let path = match self.session.read() {
            Some(session) => editor::new_file_path(&session.world().files, name),
            None => return false,
        };
        match path {
            Ok(path) => {
                let text = self.file_text(&path);
                self.editor.open(path, text.as_deref());
            }
            Err(error) => self.editor.prompt = Some(Prompt::NewFile { error: Some(error) }),
        }
        true
    }

    /// Does what the unsaved-changes question was asked for.
    fn continue_after_prompt(&mut self) -> bool {
        match self.editor.prompt.take() {
            Some(Prompt::Unsaved(Then::Open(path))) => {
                let text = self.file_text(&path);
                if let Some(text) = text {
                    self.editor.open(path, Some(&text));
                }
            }
            Some(Prompt::Unsaved(Then::NewFile)) => {
                self.editor.prompt = Some(Prompt::NewFile { error: None });
            }
            _ => {}
        }
        true
    }

    fn revert_file(&mut self) -> bool {
        match self.editor.base.clone() {
            Some(base) => self.editor.draft = base,
            None => self.editor = Editor::default(),
        }
        self.editor.outcome = None;
        true
    }

    /// Saves the draft by running `echo -n '<draft>' > <file>`; the
    /// terminal shows a one-line summary of that command.
    fn save_file(&mut self) -> bool {
        let Some(path) = self.editor.path.clone() else {
            return false;
        };
        let draft = self.editor.draft.clone();
        let command = editor::save_command(&path, &draft);
        let Some(executed) = self.session.write().map(|mut s| s.execute(&command)) else {
            return false;
        };
        let failure = executed.iter().find(|e| e.reply.is_error);
        let name = editor::home_relative(&path).to_string();
        self.editor.outcome = Some(match failure {
            Some(e) => Outcome::Failed(e.reply.text.clone()),
            None => {
                self.editor.base = Some(draft.clone());
                Outcome::Done(format!("Saved {name}"))
            }
        });
        let summary = editor::save_summary(&path, &draft);
        self.terminal.show(executed, &command, Some(&summary));
        true
    }

    /// Deletes the open file with `rm <file>` (a new file never saved is
    /// only closed).
    fn delete_file(&mut self) -> bool {
        let Some(path) = self.editor.path.clone() else {
            return false;
        };
        let name = editor::home_relative(&path).to_string();
        let done = Editor {
            outcome: Some(Outcome::Done(format!("Deleted {name}"))),
            ..Editor::default()
        };
        if self.file_text(&path).is_none() {
            self.editor = done;
            return true;
        }
        let command = editor::delete_command(&path);
        let Some(executed) = self.session.write().map(|mut s| s.execute(&command)) else {
            return false;
        };
        let failure = executed.iter().find(|e| e.reply.is_error).map(|e| e.reply.text.clone());
        self.terminal.show(executed, &command, None);
        self.editor = match failure {
            Some(text) => Editor {
                outcome: Some(Outcome::Failed(text)),
                prompt: None,
                ..self.editor.clone()
            },
            None => done,
        };
        true
    }

    fn tick(&mut self, wall_ms: u64) -> bool {
        self.with_session(|s| {
            let (before, skipping) = (s.now(), s.skip_progress().is_some());
            s.advance_wall(wall_ms);
            s.now() != before || skipping
        })
    }

    fn take_hint(&mut self, id: String) -> bool {
        let Some(result) = self.session.write().map(|mut s| s.take_hint(&id)) else {
            return false;
        };
        match result {
            Ok(text) => {
                Rc::make_mut(&mut self.hints)
                    .entry(id)
                    .or_default()
                    .push(text);
                self.hint_notice = None;
            }
            Err(message) => self.hint_notice = Some(message),
        }
        true
    }

    fn history(&self) -> Vec<String> {
        self.session
            .read()
            .map(|s| s.history().to_vec())
            .unwrap_or_default()
    }

    fn history_prev(&mut self) -> bool {
        let history = self.history();
        let cursor = match self.terminal.history_cursor {
            _ if history.is_empty() => return false,
            None => {
                self.terminal.draft = self.terminal.input.clone();
                history.len() - 1
            }
            Some(at) => at.saturating_sub(1),
        };
        self.show_history(&history, Some(cursor))
    }

    fn history_next(&mut self) -> bool {
        let history = self.history();
        match self.terminal.history_cursor {
            None => false,
            Some(at) if at + 1 < history.len() => self.show_history(&history, Some(at + 1)),
            Some(_) => self.show_history(&history, None),
        }
    }

    fn show_history(&mut self, history: &[String], cursor: Option<usize>) -> bool {
        let line = match cursor {
            Some(at) => history.get(at).cloned().unwrap_or_default(),
            None => self.terminal.draft.clone(),
        };
        self.terminal.history_cursor = cursor;
        self.terminal.set_input(line);
        true
    }

    /// Completes the last word of the command the input ends with.
    fn complete(&mut self, line: String) -> bool {
        let command = input::last_command(&line);
        let candidates = complete(&command);
        let completed = complete_line(&command);
        self.terminal
            .set_input(input::with_completion(&line, &command, &completed));
        if candidates.len() > 1 {
            self.terminal.completions = candidates;
        }
        true
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        if next.apply(action) {
            next.generation += 1;
            Rc::new(next)
        } else {
            self
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(state: &Rc<AppState>, action: Action) -> Rc<AppState> {
        state.clone().reduce(action)
    }

    /// The app with the first quest that loads in play.
    fn playing() -> Rc<AppState> {
        let state = Rc::new(AppState::new(None));
        let index = state
            .quests
            .iter()
            .position(|q| q.quest.is_ok())
            .expect("a quest loads");
        reduce(&state, Action::PickQuest(index))
    }

    fn play(state: &AppState) -> &Play {
        state.play.as_ref().expect("a quest is in play")
    }

    fn run(state: &Rc<AppState>, line: &str) -> Rc<AppState> {
        reduce(state, Action::RunCommand(line.to_string()))
    }

    #[test]
    fn picking_a_quest_keeps_its_starting_rate() {
        let state = playing();
        let play = play(&state);
        let session = play.session.read().expect("session readable");
        assert_eq!(play.start_rate, session.world().rate());
        assert!(matches!(
            play.terminal.lines.first(),
            Some(TermLine::Info(_))
        ));
    }

    #[test]
    fn picking_a_missing_quest_changes_nothing() {
        let state = Rc::new(AppState::new(None));
        let next = reduce(&state, Action::PickQuest(usize::MAX));
        assert!(Rc::ptr_eq(&state, &next));
    }

    #[test]
    fn commands_echo_then_reply() {
        let state = run(&playing(), "help");
        let lines = &play(&state).terminal.lines;
        assert_eq!(lines.get(1), Some(&TermLine::Command("help".to_string())));
        assert!(matches!(lines.get(2), Some(TermLine::Output(text)) if text.contains("aws")));
        assert_eq!(play(&state).terminal.input, "");
    }

    #[test]
    fn errors_come_with_their_hint() {
        let state = run(&playing(), "kubctl get pods");
        let lines = &play(&state).terminal.lines;
        assert!(
            matches!(lines.get(2), Some(TermLine::Error(t)) if t.contains("command not found"))
        );
        assert!(matches!(lines.get(3), Some(TermLine::Hint(text)) if text.contains("kubectl")));
    }

    #[test]
    fn clear_empties_the_scrollback() {
        let state = run(&run(&playing(), "help"), "clear");
        let terminal = &play(&state).terminal;
        assert!(terminal.lines.is_empty());
        assert_eq!(terminal.dropped, 3, "keys keep counting past a clear");
    }

    #[test]
    fn arrows_walk_the_history_back_to_the_draft() {
        let mut state = run(&run(&playing(), "help"), "history");
        state = reduce(&state, Action::EditInput("aws".to_string()));
        let steps = [
            (Action::HistoryPrev, "history"),
            (Action::HistoryPrev, "help"),
            (Action::HistoryPrev, "help"),
            (Action::HistoryNext, "history"),
            (Action::HistoryNext, "aws"),
        ];
        for (action, expected) in steps {
            state = reduce(&state, action.clone());
            assert_eq!(play(&state).terminal.input, expected, "after {action:?}");
        }
        let next = reduce(&state, Action::HistoryNext);
        assert!(
            Rc::ptr_eq(&state, &next),
            "ArrowDown past the draft does nothing"
        );
    }

    #[test]
    fn tab_completes_and_lists_the_candidates() {
        let state = reduce(&playing(), Action::Complete("aws ec2 describe-ins".to_string()));
        let terminal = &play(&state).terminal;
        assert_eq!(terminal.input, "aws ec2 describe-instance");
        assert!(terminal.completions.len() > 1);
        let state = reduce(
            &state,
            Action::EditInput("aws ec2 describe-instances".to_string()),
        );
        assert!(play(&state).terminal.completions.is_empty());
    }

    #[test]
    fn paused_ticks_do_not_render() {
        let state = playing();
        let next = reduce(&state, Action::Tick(100));
        assert!(Rc::ptr_eq(&state, &next));
    }

    #[test]
    fn running_ticks_move_time() {
        let state = reduce(&playing(), Action::SetSpeed(Speed::X60));
        let before = play(&state).session.read().map(|s| s.now());
        let next = reduce(&state, Action::Tick(1_000));
        assert!(!Rc::ptr_eq(&state, &next));
        assert_eq!(
            play(&next).session.read().map(|s| s.now()),
            before.map(|t| t + 60)
        );
    }

    #[test]
    fn a_skip_finishes_over_ticks() {
        let mut state = reduce(&playing(), Action::Skip(86_400));
        let start = play(&state)
            .session
            .read()
            .map(|s| s.now())
            .unwrap_or_default();
        for _ in 0..100 {
            state = reduce(&state, Action::Tick(100));
        }
        let session = play(&state).session.read().expect("session readable");
        assert_eq!(session.now(), start + 86_400);
        assert_eq!(session.skip_progress(), None);
    }

    #[test]
    fn tabs_and_chart_choices_change_the_view_not_the_session() {
        let state = playing();
        let version = play(&state).session.version;
        let state = reduce(&state, Action::ShowTab(Tab::Charts));
        let state = reduce(&state, Action::SetChartWindow(Window::OneDay));
        let state = reduce(
            &state,
            Action::SetCpuScope(CpuScope::Instance("i-1".to_string())),
        );
        let console = &play(&state).console;
        assert_eq!(console.tab, Tab::Charts);
        assert_eq!(console.charts.window, Window::OneDay);
        assert_eq!(console.charts.cpu, CpuScope::Instance("i-1".to_string()));
        assert_eq!(play(&state).session.version, version);
        let again = reduce(&state, Action::ShowTab(Tab::Charts));
        assert!(
            Rc::ptr_eq(&state, &again),
            "the same tab again renders nothing"
        );
    }

    #[test]
    fn arrow_keys_wrap_around_the_tabs() {
        assert_eq!(Tab::Events.moved(-1), Tab::Files);
        assert_eq!(Tab::Files.moved(1), Tab::Events);
        assert_eq!(Tab::Queues.moved(1), Tab::Alarms);
    }

    fn editor(state: &AppState) -> &Editor {
        &play(state).editor
    }

    fn file(state: &AppState, name: &str) -> Option<String> {
        let session = play(state).session.read()?;
        let text = session.world().files.read(name).ok()?;
        Some(text.to_string())
    }

    /// A new file named `name`, with `text` typed into it.
    fn new_file(state: &Rc<AppState>, name: &str, text: &str) -> Rc<AppState> {
        let state = reduce(state, Action::NewFile);
        let state = reduce(&state, Action::NameNewFile(name.to_string()));
        reduce(&state, Action::EditDraft(text.to_string()))
    }

    #[test]
    fn saving_runs_echo_through_the_session_and_shows_a_summary() {
        let text = "spec:\n  replicas: 2\n  name: it's \"quoted\"\n";
        let state = new_file(&playing(), "deploy.yml", text);
        assert!(editor(&state).dirty(), "a new file is unsaved");
        assert_eq!(file(&state, "deploy.yml"), None);

        let state = reduce(&state, Action::SaveFile);
        assert_eq!(file(&state, "deploy.yml").as_deref(), Some(text));
        assert!(!editor(&state).dirty());
        let lines = &play(&state).terminal.lines;
        assert_eq!(
            lines.last(),
            Some(&TermLine::Command(
                "echo -n '…' > deploy.yml  # saved from the editor, 3 lines".to_string()
            ))
        );
        let session = play(&state).session.read().expect("session readable");
        let last = session.history().last().cloned().unwrap_or_default();
        assert!(last.starts_with("echo -n 'spec:\n"), "history keeps the command: {last}");
    }

    #[test]
    fn saved_files_replay_from_the_command_log() {
        let tricky = [
            "first line ends in spaces  \n\tsecond\n",
            "# not a comment\n@100 not a time\n\n'\\'\n",
            "",
            "-n",
            "a; b > c | d\n  - x: [1, 2]\n",
        ];
        let mut state = playing();
        for (i, text) in tricky.iter().enumerate() {
            state = new_file(&state, &format!("f{i}.txt"), text);
            state = reduce(&state, Action::SaveFile);
        }
        let session = play(&state).session.read().expect("session readable");
        let log = session.log_text();
        let quest = session.quest().clone();
        let (replayed, _) = Session::replay(quest, &log).expect("the log reads back");
        for (i, text) in tricky.iter().enumerate() {
            let name = format!("f{i}.txt");
            assert_eq!(replayed.world().files.read(&name).ok(), Some(*text), "{name}");
        }
        assert_eq!(replayed.world().files, session.world().files);
    }

    #[test]
    fn switching_files_with_unsaved_changes_asks() {
        let state = new_file(&playing(), "a.txt", "A");
        let state = reduce(&state, Action::SaveFile);
        let state = new_file(&state, "b.txt", "B");
        let state = reduce(&state, Action::SaveFile);
        let state = reduce(&state, Action::EditDraft("B2".to_string()));
        let a = format!("{}/a.txt", gameday::files::HOME);

        let asked = reduce(&state, Action::OpenFile(a.clone()));
        assert_eq!(
            editor(&asked).prompt,
            Some(Prompt::Unsaved(Then::Open(a.clone())))
        );
        assert_eq!(editor(&asked).draft, "B2", "nothing switched yet");

        let cancelled = reduce(&asked, Action::CancelPrompt);
        assert_eq!(editor(&cancelled).draft, "B2");
        assert_eq!(editor(&cancelled).prompt, None);

        let discarded = reduce(&asked, Action::DiscardThenContinue);
        assert_eq!(editor(&discarded).path.as_deref(), Some(a.as_str()));
        assert_eq!(file(&discarded, "b.txt").as_deref(), Some("B"));

        let saved = reduce(&asked, Action::SaveThenContinue);
        assert_eq!(editor(&saved).draft, "A");
        assert_eq!(file(&saved, "b.txt").as_deref(), Some("B2"));
    }

    #[test]
    fn revert_and_delete() {
        let state = new_file(&playing(), "a.txt", "A");
        let state = reduce(&state, Action::SaveFile);
        let state = reduce(&state, Action::EditDraft("changed".to_string()));
        let state = reduce(&state, Action::RevertFile);
        assert_eq!(editor(&state).draft, "A");
        assert!(!editor(&state).dirty());

        let state = reduce(&state, Action::DeleteFile);
        assert_eq!(editor(&state).prompt, Some(Prompt::Delete));
        assert_eq!(file(&state, "a.txt").as_deref(), Some("A"), "asks first");
        let state = reduce(&state, Action::ConfirmDelete);
        assert_eq!(file(&state, "a.txt"), None);
        assert_eq!(editor(&state).path, None);
        assert!(matches!(
            play(&state).terminal.lines.last(),
            Some(TermLine::Command(c)) if c == "rm a.txt"
        ));
    }

    #[test]
    fn bad_names_and_failed_saves_are_reported() {
        let state = reduce(&playing(), Action::NewFile);
        let state = reduce(&state, Action::NameNewFile("/etc/passwd".to_string()));
        assert!(matches!(
            &editor(&state).prompt,
            Some(Prompt::NewFile { error: Some(e) }) if e.contains("Permission denied")
        ));
        let big = "x".repeat(gameday::files::MAX_FILE_BYTES + 1);
        let state = new_file(&state, "big.txt", &big);
        let state = reduce(&state, Action::SaveFile);
        assert!(matches!(&editor(&state).outcome, Some(Outcome::Failed(e)) if e.contains("too large")));
        assert!(editor(&state).dirty());
    }

    #[test]
    fn the_editor_follows_the_terminal() {
        let state = new_file(&playing(), "a.txt", "A");
        let state = reduce(&state, Action::SaveFile);
        let state = run(&state, "echo more >> a.txt");
        assert_eq!(editor(&state).draft, "Amore\n");
        let state = run(&state, "rm a.txt");
        assert_eq!(editor(&state).path, None);
    }

    #[test]
    fn completion_extends_the_last_command_of_several_lines() {
        let line = "help\naws ec2 \\\n  describe-ins".to_string();
        let state = reduce(&playing(), Action::Complete(line));
        assert_eq!(
            play(&state).terminal.input,
            "help\naws ec2 \\\n  describe-instance"
        );
    }

    #[test]
    fn files_a_quest_starts_with_are_open_in_the_editor() {
        let tutorial = include_str!("../../../quests/00-tutorial.toml");
        let text = format!(
            "{tutorial}\n[[world.files]]\npath = \"deploy.yml\"\ncontent = \"kind: Deployment\\n\"\n"
        );
        let quest = gameday::quest::Quest::parse("seeded.toml", &text).expect("quest loads");
        let entry = QuestEntry { file: "seeded.toml", quest: Ok(quest) };
        let mut state = AppState {
            quests: Rc::new(vec![entry]),
            play: None,
            generation: 0,
        };
        assert!(state.apply(Action::PickQuest(0)));
        let editor = editor(&state);
        assert_eq!(editor.path.as_deref(), Some("/home/cloudshell-user/deploy.yml"));
        assert_eq!(editor.draft, "kind: Deployment\n");
        assert!(!editor.dirty());
    }

    #[test]
    fn maximise_toggles_back_to_the_split() {
        let state = reduce(&playing(), Action::Maximise(Layout::Views));
        assert_eq!(play(&state).layout, Layout::Views);
        let state = reduce(&state, Action::Maximise(Layout::Terminal));
        assert_eq!(play(&state).layout, Layout::Terminal);
        let state = reduce(&state, Action::Maximise(Layout::Terminal));
        assert_eq!(play(&state).layout, Layout::Split);
    }

    #[test]
    fn back_to_picker_drops_the_session() {
        let state = reduce(&playing(), Action::BackToPicker);
        assert!(state.play.is_none());
    }
}
