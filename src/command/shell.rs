//! Shell-like splitting of what the player types into commands and words.
//!
//! We follow POSIX shell quoting: whitespace separates words; single quotes
//! keep everything literally; double quotes keep everything but `\"`, `\\`,
//! `\$` and `` \` ``; a backslash outside quotes escapes the next character;
//! a backslash before a newline continues the command on the next line; `#`
//! at the start of a word begins a comment; unquoted newlines and `;`
//! separate commands. One leniency: a backslash followed only by spaces
//! before the newline also continues the line, since pasted commands often
//! carry such trailing spaces. Output redirection to a file, `> FILE` and
//! `>> FILE`, is understood (the last one wins); variables, globbing, pipes,
//! input redirection and background jobs are not shell features this
//! terminal has, so `|`, `&` and `<` are refused with a hint rather than
//! taken literally.

use std::fmt;

/// One command: the words it splits into and the text it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    pub source: String,
    pub words: Vec<String>,
    /// Where standard output goes instead of the terminal, if redirected.
    pub redirect: Option<Redirect>,
}

/// `> FILE` (replace) or `>> FILE` (append).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redirect {
    pub path: String,
    pub append: bool,
}

/// Why input could not be split, worded as bash words it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ShellError {
    /// A quote was opened and never closed.
    UnclosedQuote(char),
    /// A pipe or redirection, which this terminal does not run.
    Unsupported(char),
    /// `>` with no file name after it.
    MissingRedirectTarget,
}

impl fmt::Display for ShellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShellError::UnclosedQuote(q) => {
                write!(f, "bash: unexpected EOF while looking for matching `{q}'")
            }
            ShellError::Unsupported(c) => {
                write!(f, "bash: `{c}': pipes, input redirection and background jobs are not available in this terminal")
            }
            ShellError::MissingRedirectTarget => {
                write!(f, "bash: syntax error near unexpected token `newline'")
            }
        }
    }
}

impl ShellError {
    /// What the player can do about it.
    pub fn hint(&self) -> &'static str {
        match self {
            ShellError::UnclosedQuote(_) => "Close the quote, or escape it with a backslash.",
            ShellError::Unsupported(_) => {
                "Quote the character if it is part of an argument; \
                 to filter AWS output use --query or --filters."
            }
            ShellError::MissingRedirectTarget => "Name the file after >, as in: aws ec2 describe-instances > instances.json",
        }
    }
}

/// Splits input into commands, dropping empty ones and comments.
pub fn split_commands(input: &str) -> Result<Vec<Command>, ShellError> {
    let mut commands = Vec::new();
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut source = String::new();
    let mut chars = input.chars().peekable();
    // A `>` seen, waiting for its file name: whether it appends.
    let mut redirect_pending: Option<bool> = None;
    let mut redirect: Option<Redirect> = None;

    // Ends the word being read: an argument, or the file name a pending
    // `>` waits for.
    let finish_word = |words: &mut Vec<String>,
                       word: &mut String,
                       in_word: &mut bool,
                       pending: &mut Option<bool>,
                       redirect: &mut Option<Redirect>| {
        if *in_word {
            let text = std::mem::take(word);
            match pending.take() {
                Some(append) => *redirect = Some(Redirect { path: text, append }),
                None => words.push(text),
            }
            *in_word = false;
        }
    };

    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                // Line continuation, allowing trailing spaces before the newline.
                let rest: String = chars.clone().take_while(|&c| c == ' ' || c == '\t').collect();
                let after = chars.clone().nth(rest.chars().count());
                if matches!(after, Some('\n') | Some('\r')) {
                    for _ in 0..rest.chars().count() {
                        chars.next();
                    }
                    if chars.next() == Some('\r') && chars.peek() == Some(&'\n') {
                        chars.next();
                    }
                    source.push(' ');
                    continue;
                }
                source.push(c);
                match chars.next() {
                    Some(escaped) => {
                        source.push(escaped);
                        word.push(escaped);
                    }
                    None => word.push('\\'),
                }
                in_word = true;
            }
            '\'' => {
                source.push(c);
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(inner) => {
                            source.push(inner);
                            word.push(inner);
                        }
                        None => return Err(ShellError::UnclosedQuote('\'')),
                    }
                }
                source.push('\'');
            }
            '"' => {
                source.push(c);
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => {
                            source.push('\\');
                            match chars.next() {
                                Some(e @ ('"' | '\\' | '$' | '`')) => {
                                    source.push(e);
                                    word.push(e);
                                }
                                Some('\n') => source.push('\n'),
                                Some(other) => {
                                    source.push(other);
                                    word.push('\\');
                                    word.push(other);
                                }
                                None => return Err(ShellError::UnclosedQuote('"')),
                            }
                        }
                        Some(inner) => {
                            source.push(inner);
                            word.push(inner);
                        }
                        None => return Err(ShellError::UnclosedQuote('"')),
                    }
                }
                source.push('"');
            }
            '#' if !in_word => {
                while chars.peek().is_some_and(|&c| c != '\n') {
                    chars.next();
                }
            }
            '\n' | ';' => {
                finish_word(&mut words, &mut word, &mut in_word, &mut redirect_pending, &mut redirect);
                if redirect_pending.is_some() {
                    return Err(ShellError::MissingRedirectTarget);
                }
                if !words.is_empty() {
                    commands.push(Command {
                        source: source.trim().to_string(),
                        words: std::mem::take(&mut words),
                        redirect: redirect.take(),
                    });
                }
                redirect = None;
                source.clear();
            }
            '>' => {
                finish_word(&mut words, &mut word, &mut in_word, &mut redirect_pending, &mut redirect);
                if redirect_pending.is_some() {
                    return Err(ShellError::MissingRedirectTarget);
                }
                let append = chars.peek() == Some(&'>');
                if append {
                    chars.next();
                }
                source.push_str(if append { " >> " } else { " > " });
                redirect_pending = Some(append);
            }
            '|' | '<' | '&' => return Err(ShellError::Unsupported(c)),
            c if c.is_whitespace() => {
                finish_word(&mut words, &mut word, &mut in_word, &mut redirect_pending, &mut redirect);
                source.push(' ');
            }
            c => {
                source.push(c);
                word.push(c);
                in_word = true;
            }
        }
    }
    finish_word(&mut words, &mut word, &mut in_word, &mut redirect_pending, &mut redirect);
    if redirect_pending.is_some() {
        return Err(ShellError::MissingRedirectTarget);
    }
    if !words.is_empty() {
        commands.push(Command { source: collapse_spaces(&source), words, redirect });
    }
    for command in &mut commands {
        command.source = collapse_spaces(&command.source);
    }
    Ok(commands)
}

/// Trims and squeezes runs of spaces outside quotes, so that a logged
/// command reads as one tidy line.
fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.trim().chars() {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != Some('\'') {
            escaped = true;
        } else if let Some(q) = quote {
            if c == q {
                quote = None;
            }
        } else if c == '\'' || c == '"' {
            quote = Some(c);
        } else if c == ' ' && out.ends_with(' ') {
            continue;
        }
        out.push(c);
    }
    out
}

/// Quotes a word so that [`split_commands`] reads it back unchanged.
pub fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+%".contains(c));
    if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(input: &str) -> Vec<Vec<String>> {
        split_commands(input).unwrap().into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn output_redirection() {
        let c = &split_commands("aws ec2 describe-instances > out.json").unwrap()[0];
        assert_eq!(c.words, vec!["aws", "ec2", "describe-instances"]);
        assert_eq!(c.redirect, Some(Redirect { path: "out.json".into(), append: false }));
        assert_eq!(c.source, "aws ec2 describe-instances > out.json");
        let c = &split_commands("echo 'a > b'>>'my file'; ls").unwrap()[0];
        assert_eq!(c.words, vec!["echo", "a > b"]);
        assert_eq!(c.redirect, Some(Redirect { path: "my file".into(), append: true }));
        assert_eq!(split_commands("echo x >"), Err(ShellError::MissingRedirectTarget));
        assert_eq!(split_commands("echo x > > y"), Err(ShellError::MissingRedirectTarget));
        assert_eq!(split_commands("echo x >; ls"), Err(ShellError::MissingRedirectTarget));
        assert_eq!(split_commands("cat < x"), Err(ShellError::Unsupported('<')));
    }

    #[test]
    fn splits_like_a_shell() {
        let cases: &[(&str, &[&[&str]])] = &[
            ("aws ec2 describe-instances", &[&["aws", "ec2", "describe-instances"]]),
            ("  echo   'a b'  \"c d\" ", &[&["echo", "a b", "c d"]]),
            (r#"say "a \"q\" \n""#, &[&["say", r#"a "q" \n"#]]),
            (r"a\ b c", &[&["a b", "c"]]),
            ("a ''", &[&["a", ""]]),
            ("a # comment", &[&["a"]]),
            ("a#b", &[&["a#b"]]),
            ("one; two\nthree", &[&["one"], &["two"], &["three"]]),
            ("kubectl expose x \\\n --port=80", &[&["kubectl", "expose", "x", "--port=80"]]),
            ("kubectl expose x \\ \n--port=80", &[&["kubectl", "expose", "x", "--port=80"]]),
            ("\n\n;;", &[]),
        ];
        for (input, expected) in cases {
            assert_eq!(words(input), *expected, "input {input:?}");
        }
    }

    #[test]
    fn reports_unclosed_quotes_and_pipes() {
        assert_eq!(split_commands("echo 'oops"), Err(ShellError::UnclosedQuote('\'')));
        assert_eq!(split_commands("echo \"oops"), Err(ShellError::UnclosedQuote('"')));
        assert_eq!(split_commands("aws ec2 x | jq"), Err(ShellError::Unsupported('|')));
        assert_eq!(split_commands("a && b"), Err(ShellError::Unsupported('&')));
        assert_eq!(words("echo '|'"), vec![vec!["echo", "|"]]);
    }

    #[test]
    fn source_is_kept_per_command() {
        let commands = split_commands("aws  ec2 \\\n  describe-instances ; kubectl get 'pods'").unwrap();
        assert_eq!(commands[0].source, "aws ec2 describe-instances");
        assert_eq!(commands[1].source, "kubectl get 'pods'");
    }

    #[test]
    fn quote_round_trips() {
        for word in ["plain", "two words", "it's", "", "a\"b", "Name=tag:Role,Values=web"] {
            let line = format!("cmd {}", quote(word));
            assert_eq!(words(&line), vec![vec!["cmd".to_string(), word.to_string()]], "{word:?}");
        }
    }
}
