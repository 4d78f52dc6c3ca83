//! The simulated AWS services. Each module's own doc says what it models.
//!
//! Services expose typed operations that succeed with AWS-shaped JSON or
//! fail with an [`AwsError`] carrying AWS's error code; the command layer
//! turns command lines into those calls and errors into the CLI's words.

pub mod alarms;
pub mod autoscaling;
pub mod cloudwatch;
pub mod ec2;
pub mod launch_templates;
pub mod metric_data;
pub mod sqs;

use std::fmt;

/// An error as an AWS API returns it: a code such as
/// `InvalidInstanceID.NotFound` and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    pub code: String,
    pub message: String,
}

impl AwsError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        AwsError { code: code.to_string(), message: message.into() }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A `Name`/`Values` filter as the describe operations take it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub name: String,
    pub values: Vec<String>,
}

/// Whether `value` matches one of a filter's values; `*` and `?` are
/// wildcards as in EC2 filters.
pub fn filter_matches(values: &[String], value: &str) -> bool {
    values.iter().any(|pattern| wildcard_match(pattern.as_bytes(), value.as_bytes()))
}

fn wildcard_match(pattern: &[u8], text: &[u8]) -> bool {
    // Iterative matcher with one backtrack point: linear in practice and
    // never recursive, so hostile patterns cannot blow the stack.
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == b'?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

// ---- Shared by CloudWatch alarms and Auto Scaling -------------------------

/// AWS's wording for one failed constraint on a request field, as the
/// query-protocol services (Auto Scaling, CloudWatch) return it:
/// `1 validation error detected: Value '-1' at 'minSize' failed to satisfy
/// constraint: Member must have value greater than or equal to 0`.
pub fn validation_error(value: &str, field: &str, constraint: &str) -> AwsError {
    AwsError::new(
        "ValidationError",
        format!(
            "1 validation error detected: Value '{value}' at '{field}' failed to satisfy \
             constraint: {constraint}"
        ),
    )
}

/// A random version-4 UUID from the world's generator, for ids such as
/// scaling activity ids and policy ARNs.
pub fn new_uuid(env: &mut crate::world::Env) -> String {
    let hex = env.hex_id(31);
    let part = |range: std::ops::Range<usize>| hex.get(range).unwrap_or("");
    let variant = match part(15..16) {
        "0" | "4" | "8" | "c" => "8",
        "1" | "5" | "9" | "d" => "9",
        "2" | "6" | "a" | "e" => "a",
        _ => "b",
    };
    let (a, b, c, d, e) = (part(0..8), part(8..12), part(12..15), part(16..19), part(19..31));
    format!("{a}-{b}-4{c}-{variant}{d}-{e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_like_ec2_filters() {
        let v = |s: &str| vec![s.to_string()];
        assert!(filter_matches(&v("web-*"), "web-1"));
        assert!(filter_matches(&v("w?b-1"), "web-1"));
        assert!(!filter_matches(&v("web-?"), "web-10"));
        assert!(filter_matches(&v("*"), ""));
        assert!(!filter_matches(&v("a*b"), "acbd"));
    }
}
