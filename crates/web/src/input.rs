//! Text helpers for the terminal's multi-line input and the editor pane:
//! when the input is a whole command, which command completion works on,
//! which line the caret is on, and how indentation carries over. Pure
//! functions over strings, so that they are tested natively.

use gameday::command::shell::{split_commands, ShellError};

/// Whether Enter should run `input`, as bash decides between running a
/// line and showing its `>` continuation prompt: not while a quote is
/// open or the input ends in a line-continuing backslash (trailing spaces
/// after it allowed, as the tokenizer allows them).
pub fn is_complete(input: &str) -> bool {
    if matches!(split_commands(input), Err(ShellError::UnclosedQuote(_))) {
        return false;
    }
    let trimmed = input.trim_end_matches([' ', '\t']);
    let backslashes = trimmed.chars().rev().take_while(|&c| c == '\\').count();
    backslashes % 2 == 0
}

/// The command the caret ends, for completion: what follows the last
/// newline that ends a command, with `\`-newline continuations read as
/// spaces (as the tokenizer reads them).
pub fn last_command(input: &str) -> String {
    let mut current = String::new();
    let mut lines = input.split('\n').peekable();
    while let Some(line) = lines.next() {
        let body = line.trim_end_matches([' ', '\t', '\r']);
        let continued = body.ends_with('\\') && lines.peek().is_some();
        if continued {
            current.push_str(&body[..body.len() - 1]);
            current.push(' ');
        } else if lines.peek().is_some() {
            current.clear();
        } else {
            current.push_str(line);
        }
    }
    current
}

/// `input` with its last word completed by `completed`, the completion of
/// [`last_command`] (which `input` ends with, up to continuations): only
/// what completion added is appended, so earlier lines stay as typed.
pub fn with_completion(input: &str, command: &str, completed: &str) -> String {
    match completed.strip_prefix(command) {
        Some(added) => format!("{input}{added}"),
        None => input.to_string(),
    }
}

/// Whether the caret at byte `at` is on the first line of `text`.
pub fn on_first_line(text: &str, at: usize) -> bool {
    !text.get(..at.min(text.len())).unwrap_or(text).contains('\n')
}

/// Whether the caret at byte `at` is on the last line of `text`.
pub fn on_last_line(text: &str, at: usize) -> bool {
    !text.get(at.min(text.len())..).unwrap_or(text).contains('\n')
}

/// The byte offset of UTF-16 offset `units` in `text` (the DOM counts
/// selection offsets in UTF-16 code units); the end if past it.
pub fn byte_offset(text: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (at, c) in text.char_indices() {
        if seen >= units {
            return at;
        }
        seen += c.len_utf16() as u32;
    }
    text.len()
}

/// What Enter inserts in the editor at byte `at`: a newline, the current
/// line's indentation, and two spaces more after a line ending in `:`
/// (a YAML mapping whose block follows).
pub fn newline_keeping_indent(text: &str, at: usize) -> String {
    let before = text.get(..at).unwrap_or(text);
    let line = before.rsplit('\n').next().unwrap_or_default();
    let indent: String = line.chars().take_while(|&c| c == ' ' || c == '\t').collect();
    let opens_block = line.trim_end().ends_with(':');
    format!("\n{indent}{}", if opens_block { "  " } else { "" })
}

/// The byte range of the whole lines that the selection `start..end`
/// touches.
pub fn line_range(text: &str, start: usize, end: usize) -> (usize, usize) {
    let start = start.min(text.len());
    let end = end.clamp(start, text.len());
    let from = text.get(..start).and_then(|t| t.rfind('\n')).map_or(0, |i| i + 1);
    let to = text.get(end..).and_then(|t| t.find('\n')).map_or(text.len(), |i| end + i);
    (from, to)
}

/// `lines` with two spaces added before each line (`outdent` false), or
/// up to two spaces (or one tab) taken from each (`outdent` true).
pub fn shift_lines(lines: &str, outdent: bool) -> String {
    let shifted: Vec<String> = lines
        .split('\n')
        .map(|line| {
            if !outdent {
                return format!("  {line}");
            }
            let drop = match line.as_bytes() {
                [b'\t', ..] => 1,
                [b' ', b' ', ..] => 2,
                [b' ', ..] => 1,
                _ => 0,
            };
            line[drop..].to_string()
        })
        .collect();
    shifted.join("\n")
}

/// Number of lines in `text`, as an editor numbers them (an empty text
/// has one line).
pub fn line_count(text: &str) -> usize {
    text.split('\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enter_waits_for_open_quotes_and_continuations() {
        let cases = [
            ("aws ec2 describe-instances", true),
            ("", true),
            ("echo 'a", false),
            ("echo 'a\nb'", true),
            ("echo \"a", false),
            ("aws ec2 \\", false),
            ("aws ec2 \\  ", false),
            ("echo a\\\\", true),
            ("aws ec2 \\\n  describe-instances", true),
            ("echo x |", true),
        ];
        for (input, complete) in cases {
            assert_eq!(is_complete(input), complete, "{input:?}");
        }
    }

    #[test]
    fn completion_works_on_the_command_the_caret_ends() {
        assert_eq!(last_command("help\naws ec2 describe-ins"), "aws ec2 describe-ins");
        assert_eq!(last_command("aws ec2 \\\n  describe-ins"), "aws ec2    describe-ins");
        assert_eq!(last_command("aws"), "aws");
        assert_eq!(last_command("ls\n"), "");
        let input = "aws ec2 \\\n  describe-ins";
        let command = last_command(input);
        let completed = format!("{command}tance");
        assert_eq!(
            with_completion(input, &command, &completed),
            "aws ec2 \\\n  describe-instance"
        );
        assert_eq!(with_completion("x", "x", "y"), "x");
    }

    #[test]
    fn carets_on_first_and_last_lines() {
        let text = "one\ntwo\nthree";
        assert!(on_first_line(text, 2) && !on_last_line(text, 2));
        assert!(!on_first_line(text, 5) && !on_last_line(text, 5));
        assert!(on_last_line(text, 9) && !on_first_line(text, 9));
        assert!(on_first_line("", 0) && on_last_line("", 0));
        assert!(on_last_line(text, 999) && !on_first_line(text, 999));
    }

    #[test]
    fn utf16_offsets_become_byte_offsets() {
        assert_eq!(byte_offset("abc", 2), 2);
        assert_eq!(byte_offset("é€x", 2), 5);
        assert_eq!(byte_offset("😀x", 2), 4);
        assert_eq!(byte_offset("ab", 9), 2);
    }

    #[test]
    fn enter_keeps_yaml_indentation() {
        let text = "spec:\n  containers:\n    - name: web";
        assert_eq!(newline_keeping_indent(text, 5), "\n  ");
        assert_eq!(newline_keeping_indent(text, 19), "\n    ");
        assert_eq!(newline_keeping_indent(text, text.len()), "\n    ");
        assert_eq!(newline_keeping_indent("", 0), "\n");
    }

    #[test]
    fn tab_and_shift_tab_move_whole_lines() {
        let text = "a:\n  b: 1\nc: 2";
        assert_eq!(line_range(text, 4, 4), (3, 9));
        assert_eq!(line_range(text, 1, 11), (0, text.len()));
        assert_eq!(line_range(text, 99, 99), (10, text.len()));
        assert_eq!(shift_lines("a\n  b", false), "  a\n    b");
        assert_eq!(shift_lines("a\n  b\n c\n\td", true), "a\nb\nc\nd");
        assert_eq!(line_count(""), 1);
        assert_eq!(line_count("a\nb\n"), 3);
    }
}
