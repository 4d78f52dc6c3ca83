//! The editor pane's state: which of the player's files is open, the draft
//! being edited, and what the pane is asking (a new file's name, whether
//! to drop unsaved changes, whether to delete).
//!
//! The editor never writes a file itself. Saving runs `echo -n '<draft>' >
//! <file>` and deleting runs `rm <file>` through the session, as if typed,
//! so that the command log holds every change and a replay rebuilds the
//! same files. The reducer in [`crate::state`] does that; this module
//! holds the state and the commands' text.

use gameday::command::shell::quote;
use gameday::files::{FileError, Files, HOME};

/// What the editor pane is asking the player, if anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Prompt {
    /// The name of a new file, with why the last name was refused.
    NewFile { error: Option<String> },
    /// The open draft has unsaved changes and the player asked for this.
    Unsaved(Then),
    /// Delete the open file?
    Delete,
}

/// What to do once unsaved changes are saved or dropped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Then {
    Open(String),
    NewFile,
}

/// How the last save or delete went, for the pane's status line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Done(String),
    Failed(String),
}

/// The editor pane.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Editor {
    /// The open file's absolute path.
    pub path: Option<String>,
    pub draft: String,
    /// The file's text as last opened, saved or reverted; `None` for a new
    /// file not saved yet.
    pub base: Option<String>,
    pub prompt: Option<Prompt>,
    pub outcome: Option<Outcome>,
}

impl Editor {
    /// Whether the draft differs from the file as last opened or saved (a
    /// new file counts as unsaved until its first save).
    pub fn dirty(&self) -> bool {
        self.path.is_some() && self.base.as_deref() != Some(self.draft.as_str())
    }

    /// Opens the file at `path` (absolute) with its text, or a new empty
    /// file when `text` is `None`.
    pub fn open(&mut self, path: String, text: Option<&str>) {
        self.draft = text.unwrap_or_default().to_string();
        self.base = text.map(str::to_string);
        self.path = Some(path);
        self.prompt = None;
        self.outcome = None;
    }

    /// Follows the open file after a command ran: if the player has not
    /// edited it, the draft takes the file's new text; a file removed
    /// meanwhile is closed. Edited drafts stay as they are.
    pub fn follow(&mut self, files: &Files) {
        let Some(path) = &self.path else { return };
        if self.dirty() {
            return;
        }
        match files.read(path) {
            Ok(text) if self.base.as_deref() != Some(text) => {
                self.draft = text.to_string();
                self.base = Some(text.to_string());
            }
            Ok(_) => {}
            Err(_) => {
                let name = home_relative(path).to_string();
                *self = Editor {
                    outcome: Some(Outcome::Done(format!("{name} was removed"))),
                    ..Editor::default()
                };
            }
        }
    }
}

/// `path` as the terminal names it from the home directory:
/// `/home/cloudshell-user/k8s/deploy.yml` is `k8s/deploy.yml`.
pub fn home_relative(path: &str) -> &str {
    path.strip_prefix(HOME)
        .and_then(|rest| rest.strip_prefix('/'))
        .unwrap_or(path)
}

/// Where a new file called `name` would be, or why it cannot be: the
/// same rules as `echo > name` in the terminal (home directory only), and
/// not a directory. An existing file is fine: it is opened.
pub fn new_file_path(files: &Files, name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() {
        return Err("Type a name, such as deploy.yml.".to_string());
    }
    if name.ends_with('/') {
        return Err(format!("{name} is a directory name; add a file name after it."));
    }
    let path = Files::resolve(name).map_err(|e| e.message())?;
    if !path.starts_with(&format!("{HOME}/")) {
        return Err(format!("{name}: Permission denied (files live in {HOME})"));
    }
    match files.read(&path) {
        Err(FileError::IsADirectory(_)) => Err(format!("{name}: Is a directory")),
        _ => Ok(path),
    }
}

/// The command that saves `text` to `path`: `echo -n '<text>' > <name>`.
///
/// The text is quoted with [`quote`]; if its first line ends in spaces, an
/// empty quote pair follows them, so that a command log (which trims the
/// line a command starts on) keeps them.
pub fn save_command(path: &str, text: &str) -> String {
    let mut quoted = quote(text);
    if let Some(newline) = quoted.find('\n') {
        if quoted[..newline].ends_with([' ', '\t']) {
            quoted.insert_str(newline, "''");
        }
    }
    format!("echo -n {quoted} > {}", quote(home_relative(path)))
}

/// What the terminal shows for a save instead of the whole command.
pub fn save_summary(path: &str, text: &str) -> String {
    let lines = match text.lines().count() {
        1 => "1 line".to_string(),
        n => format!("{n} lines"),
    };
    format!(
        "echo -n '…' > {}  # saved from the editor, {lines}",
        quote(home_relative(path))
    )
}

/// The command that deletes `path`.
pub fn delete_command(path: &str) -> String {
    format!("rm {}", quote(home_relative(path)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_home_relative() {
        assert_eq!(home_relative("/home/cloudshell-user/deploy.yml"), "deploy.yml");
        assert_eq!(home_relative("/home/cloudshell-user/k8s/a.yml"), "k8s/a.yml");
        assert_eq!(home_relative("/etc/x"), "/etc/x");
    }

    #[test]
    fn new_file_names_follow_the_terminal_rules() {
        let mut files = Files::default();
        files.write("k8s/deploy.yml", "x", false).expect("write");
        assert_eq!(
            new_file_path(&files, " app.json "),
            Ok(format!("{HOME}/app.json"))
        );
        assert_eq!(
            new_file_path(&files, "k8s/deploy.yml"),
            Ok(format!("{HOME}/k8s/deploy.yml"))
        );
        assert!(new_file_path(&files, "").is_err());
        assert!(new_file_path(&files, "k8s").is_err());
        assert!(new_file_path(&files, "k8s/").is_err());
        assert!(new_file_path(&files, "/etc/passwd").is_err());
    }

    #[test]
    fn the_draft_follows_the_file_until_edited() {
        let mut files = Files::default();
        files.write("a.txt", "one", false).expect("write");
        let mut editor = Editor::default();
        editor.open(format!("{HOME}/a.txt"), Some("one"));
        files.write("a.txt", " two", true).expect("append");
        editor.follow(&files);
        assert_eq!(editor.draft, "one two");
        assert!(!editor.dirty());

        editor.draft.push('!');
        files.write("a.txt", "three", false).expect("write");
        editor.follow(&files);
        assert_eq!(editor.draft, "one two!", "an edited draft is kept");

        editor.draft = "three".to_string();
        editor.base = Some("three".to_string());
        files.remove("a.txt").expect("remove");
        editor.follow(&files);
        assert_eq!(editor.path, None);
    }

    #[test]
    fn summaries_count_lines() {
        let path = format!("{HOME}/deploy.yml");
        assert_eq!(
            save_summary(&path, "a\nb\n"),
            "echo -n '…' > deploy.yml  # saved from the editor, 2 lines"
        );
        assert_eq!(delete_command(&format!("{HOME}/my file")), "rm 'my file'");
    }
}
