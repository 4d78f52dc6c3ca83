//! Tab completion for the terminal.
//!
//! Completion offers programs for the first word, services and operations
//! after `aws`, the operation's flags after that, and kubectl and eksctl
//! commands. It reads the same tables the parsers use, so it never offers
//! something the parser would reject.

use super::aws::{flags_of, SERVICES};
use super::others::{EKSCTL_COMMANDS, KUBECTL_COMMANDS};
use super::PROGRAMS;

/// Completion candidates for the last word of `line`, sorted. Each
/// candidate is a whole word; the view replaces the last word with it, or
/// shows the list when there are several.
pub fn complete(line: &str) -> Vec<String> {
    let mut words: Vec<&str> = line.split_whitespace().collect();
    let current = if line.ends_with(char::is_whitespace) || line.is_empty() {
        ""
    } else {
        words.pop().unwrap_or("")
    };
    let choices: Vec<&str> = match words.as_slice() {
        [] => PROGRAMS.iter().map(|(p, _)| *p).collect(),
        ["aws"] => SERVICES.iter().map(|s| s.name).collect(),
        ["aws", service] => SERVICES
            .iter()
            .find(|s| s.name == *service)
            .map(|s| s.operations.iter().map(|o| o.name).collect())
            .unwrap_or_default(),
        ["aws", service, operation, ..] if current.starts_with('-') || current.is_empty() => {
            flags_of(service, operation)
        }
        ["kubectl"] => KUBECTL_COMMANDS.to_vec(),
        ["eksctl"] => EKSCTL_COMMANDS.to_vec(),
        _ => Vec::new(),
    };
    let mut out: Vec<String> =
        choices.into_iter().filter(|c| c.starts_with(current)).map(str::to_string).collect();
    out.sort();
    out.dedup();
    out
}

/// The line with its last word completed as far as all candidates agree.
/// Returns the line unchanged when nothing completes.
pub fn complete_line(line: &str) -> String {
    let candidates = complete(line);
    let Some(first) = candidates.first() else {
        return line.to_string();
    };
    let common = candidates.iter().fold(first.clone(), |acc, c| {
        acc.chars().zip(c.chars()).take_while(|(a, b)| a == b).map(|(a, _)| a).collect()
    });
    let stem = match line.rfind(char::is_whitespace) {
        Some(at) => &line[..=at],
        None => "",
    };
    let mut out = format!("{stem}{common}");
    if candidates.len() == 1 {
        out.push(' ');
    }
    if out.len() < line.len() {
        return line.to_string();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completes_each_level() {
        assert_eq!(complete("ku"), vec!["kubectl"]);
        assert_eq!(complete("aws e"), vec!["ec2"]);
        assert!(complete("aws ec2 ").contains(&"describe-instances".to_string()));
        assert_eq!(complete("aws ec2 stop-instances --inst"), vec!["--instance-ids"]);
        assert!(complete("zzz ").is_empty());
    }

    #[test]
    fn completes_the_common_prefix() {
        assert_eq!(complete_line("aws ec2 describe-inst"), "aws ec2 describe-instance");
        assert_eq!(complete_line("aws ec2 term"), "aws ec2 terminate-instances ");
        assert_eq!(complete_line("nothing-here"), "nothing-here");
    }
}
