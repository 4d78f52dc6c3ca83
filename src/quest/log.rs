//! Command logs: what a player did, replayable.
//!
//! A log is text, one command per line. `@SECONDS` before a command says
//! that simulated time had reached that second when it was run; a line with
//! only `@SECONDS` lets time run on to that point. Lines without `@` run at
//! the time the previous line left. `#` starts a comment line. A command
//! whose quoted argument spans lines continues until its quote closes.
//!
//! ```text
//! # tutorial, reference solution
//! @7200 aws ec2 describe-instances
//! @7260 aws ec2 stop-instances --instance-ids i-0b7d3f7c2a9e41d56
//! @7500
//! ```

use std::fmt;

use crate::command::shell::{split_commands, ShellError};

/// Largest log the reader accepts, in bytes.
pub const MAX_LOG_BYTES: usize = 4 * 1024 * 1024;

/// One line of a log.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Simulated second to reach before running, if stated.
    pub at: Option<u64>,
    /// The command; empty for a pure time step.
    pub command: String,
}

/// Why a log could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Reads a command log. Time stamps must not go backwards.
pub fn parse_log(text: &str) -> Result<Vec<LogEntry>, LogError> {
    if text.len() > MAX_LOG_BYTES {
        return Err(LogError { line: 1, message: format!("the log is larger than {MAX_LOG_BYTES} bytes") });
    }
    let mut entries = Vec::new();
    let mut last_time = 0;
    let mut pending: Option<(usize, Option<u64>, String)> = None;

    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        if let Some((start, at, mut command)) = pending.take() {
            command.push('\n');
            command.push_str(raw);
            finish(&mut entries, &mut pending, start, at, command);
            continue;
        }
        // Only the start is trimmed here: a quote left open at the end of
        // the line keeps its trailing spaces (see `finish`).
        let line = raw.trim_start();
        if line.trim_end().is_empty() || line.starts_with('#') {
            continue;
        }
        let (at, command) = match line.strip_prefix('@') {
            Some(rest) => {
                let (time, command) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                let time: u64 = time.parse().map_err(|_| LogError {
                    line: line_no,
                    message: format!("expected @ and whole seconds, such as @3600, found @{time}"),
                })?;
                if time < last_time {
                    return Err(LogError {
                        line: line_no,
                        message: format!("time goes backwards: @{time} after @{last_time}"),
                    });
                }
                last_time = time;
                (Some(time), command.trim_start().to_string())
            }
            None => (None, line.to_string()),
        };
        finish(&mut entries, &mut pending, line_no, at, command);
    }
    if let Some((start, _, _)) = pending {
        return Err(LogError { line: start, message: "a quote opened here is never closed".into() });
    }
    Ok(entries)
}

/// Adds the entry, or keeps it pending while a quote is still open.
fn finish(
    entries: &mut Vec<LogEntry>,
    pending: &mut Option<(usize, Option<u64>, String)>,
    start: usize,
    at: Option<u64>,
    command: String,
) {
    match split_commands(&command) {
        Err(ShellError::UnclosedQuote(_)) => *pending = Some((start, at, command)),
        _ => entries.push(LogEntry { at, command: command.trim_end().to_string() }),
    }
}

/// Writes entries as a log that [`parse_log`] reads back.
pub fn write_log(entries: &[LogEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        match (entry.at, entry.command.is_empty()) {
            (Some(t), true) => out.push_str(&format!("@{t}\n")),
            (Some(t), false) => out.push_str(&format!("@{t} {}\n", entry.command)),
            (None, _) => out.push_str(&format!("{}\n", entry.command)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_times_commands_and_comments() {
        let log = parse_log("# hi\n@60 aws ec2 describe-instances\nhelp\n@120\n").unwrap();
        assert_eq!(
            log,
            vec![
                LogEntry { at: Some(60), command: "aws ec2 describe-instances".into() },
                LogEntry { at: None, command: "help".into() },
                LogEntry { at: Some(120), command: String::new() },
            ]
        );
        assert_eq!(parse_log(&write_log(&log)).unwrap(), log);
    }

    #[test]
    fn rejects_bad_times() {
        assert_eq!(parse_log("@x ls").unwrap_err().line, 1);
        assert!(parse_log("@100 a\n@50 b").unwrap_err().message.contains("backwards"));
    }

    #[test]
    fn quoted_newlines_continue_a_command() {
        let log = parse_log("@1 aws x --y 'a\nb'\n@2 help").unwrap();
        assert_eq!(log[0].command, "aws x --y 'a\nb'");
        assert_eq!(log[1].command, "help");
        assert!(parse_log("@1 echo 'never closed\n").is_err());
    }

    #[test]
    fn an_open_quote_keeps_the_spaces_that_end_its_first_line() {
        let log = parse_log("@1 echo -n 'a   \nb' > f.txt   \n").unwrap();
        assert_eq!(log[0].command, "echo -n 'a   \nb' > f.txt");
    }
}
