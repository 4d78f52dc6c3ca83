//! Command lines in, tool output or tool errors out.
//!
//! [`execute`] is the one entry point: it splits the input like a shell
//! (see [`shell`]), then hands each command to the tool it names (`aws`,
//! `kubectl`, `eksctl`, `curl`) or to a terminal built-in (`help`, `clear`,
//! `history`). Every failure becomes a [`Reply`] in the real tool's words
//! with a hint for a learner; nothing here panics on any input.

pub mod aws;
pub mod complete;
mod eksctl;
mod files;
mod kubectl;
mod others;
pub mod shell;
pub mod shorthand;
mod table;

use crate::world::World;

/// What one command printed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// Standard output, or the tool's error text when `is_error`.
    pub text: String,
    pub is_error: bool,
    /// A tip for the learner, shown apart from the tool's own words.
    pub hint: Option<String>,
    /// The terminal should clear its scrollback (`clear`).
    pub clear: bool,
}

impl Reply {
    pub fn output(text: impl Into<String>) -> Self {
        Reply { text: text.into(), ..Reply::default() }
    }

    pub fn error(text: impl Into<String>, hint: Option<String>) -> Self {
        Reply { text: text.into(), is_error: true, hint, clear: false }
    }
}

/// One command as run: what was typed and what came back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Executed {
    /// The command's own text, tidied; this is what a command log stores.
    pub source: String,
    pub reply: Reply,
}

/// Commands and their replies as a terminal shows them: `$ command`, the
/// output, `[error]` after a failure, and `hint:` lines. Golden files and
/// the browser tests compare these.
pub fn transcript(executed: &[Executed]) -> String {
    let mut out = String::new();
    for e in executed {
        out.push_str(&format!("$ {}\n", e.source));
        if !e.reply.text.is_empty() {
            out.push_str(&e.reply.text);
            out.push('\n');
        }
        if e.reply.is_error {
            out.push_str("[error]\n");
        }
        if let Some(hint) = &e.reply.hint {
            out.push_str(&format!("hint: {hint}\n"));
        }
    }
    out
}

/// The terminal's session state: the history of commands typed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Shell {
    pub history: Vec<String>,
}

/// Programs and built-ins the terminal knows, for help and completion.
pub const PROGRAMS: &[(&str, &str)] = &[
    ("aws", "the AWS CLI: aws <service> <operation> [--parameters]"),
    ("kubectl", "the Kubernetes CLI, for an EKS cluster"),
    ("eksctl", "the EKS CLI, for clusters and node groups"),
    ("curl", "fetch a URL, such as a load balancer's address"),
    ("echo", "print words; with > FILE, write them to a file"),
    ("cat", "print a file"),
    ("ls", "list your files"),
    ("rm", "remove a file"),
    ("pwd", "print the working directory"),
    ("help", "this list"),
    ("history", "the commands typed so far"),
    ("clear", "clear the terminal"),
];

impl Shell {
    /// Runs everything in `input` against `world`: one [`Executed`] per
    /// command, or a single error if the input cannot be split.
    pub fn execute(&mut self, world: &mut World, input: &str) -> Vec<Executed> {
        let commands = match shell::split_commands(input) {
            Ok(commands) => commands,
            Err(err) => {
                let source = input.trim().to_string();
                self.history.push(source.clone());
                return vec![Executed { source, reply: Reply::error(err.to_string(), Some(err.hint().into())) }];
            }
        };
        commands
            .into_iter()
            .map(|command| {
                self.history.push(command.source.clone());
                let reply = match (&command.redirect, command.words.split_first()) {
                    // echo's exact text, so that `echo -n` writes no newline.
                    (Some(target), Some((program, args))) if program == "echo" => {
                        redirect(world, Reply::output(files::echo(args)), target, true)
                    }
                    (Some(target), _) => {
                        let reply = self.run(world, &command.words);
                        redirect(world, reply, target, false)
                    }
                    (None, _) => self.run(world, &command.words),
                };
                Executed { source: command.source, reply }
            })
            .collect()
    }

    fn run(&self, world: &mut World, words: &[String]) -> Reply {
        let Some((program, args)) = words.split_first() else {
            return Reply::default();
        };
        match program.as_str() {
            "aws" => aws::run(world, args),
            "kubectl" => kubectl::run(world, args),
            "eksctl" => eksctl::run(world, args),
            "curl" => others::curl(args),
            "echo" => {
                let text = files::echo(args);
                Reply::output(text.strip_suffix('\n').unwrap_or(&text))
            }
            "cat" => files::cat(world, args).map_or_else(|e| e, Reply::output),
            "ls" => files::ls(world, args).map_or_else(|e| e, Reply::output),
            "rm" => files::rm(world, args).map_or_else(|e| e, Reply::output),
            "pwd" => Reply::output(files::pwd()),
            "help" => Reply::output(help()),
            "clear" => Reply { clear: true, ..Reply::default() },
            "history" => Reply::output(self.history_text()),
            other => Reply::error(
                format!("bash: {other}: command not found"),
                Some(match closest(other, PROGRAMS.iter().map(|(p, _)| *p)) {
                    Some(near) => format!("Did you mean '{near}'? Type help to list commands."),
                    None => "Type help to list the commands this terminal has.".to_string(),
                }),
            ),
        }
    }

    fn history_text(&self) -> String {
        self.history
            .iter()
            .enumerate()
            .map(|(i, line)| format!("{:>5}  {line}", i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Sends a command's standard output to a file. Errors still reach the
/// terminal, as standard error does. A reply's text has no final newline
/// (the terminal adds one), so one is added unless the text is `exact`.
fn redirect(world: &mut World, reply: Reply, target: &shell::Redirect, exact: bool) -> Reply {
    if reply.is_error || reply.clear {
        return reply;
    }
    let mut text = reply.text;
    if !exact && !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    match files::redirect(&mut world.files, &target.path, &text, target.append) {
        Ok(()) => Reply { text: String::new(), ..reply },
        Err(error) => error,
    }
}

fn help() -> String {
    let mut out = String::from("Commands:\n");
    for (name, what) in PROGRAMS {
        out.push_str(&format!("  {name:<9} {what}\n"));
    }
    out.push_str(
        "\nTry: aws ec2 describe-instances\n\
         Tab completes commands and flags; the arrow keys walk the history.",
    );
    out
}

/// The candidate nearest to `word` by edit distance, if it is near enough
/// to be a likely typo.
pub fn closest<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let next = (row[j + 1] + 1).min(row[j] + 1).min(prev + cost);
            prev = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_find_their_command() {
        assert_eq!(closest("kubctl", PROGRAMS.iter().map(|(p, _)| *p)), Some("kubectl"));
        assert_eq!(closest("zzzzzz", PROGRAMS.iter().map(|(p, _)| *p)), None);
    }
}
