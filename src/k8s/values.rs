//! The small value grammars of the Kubernetes API: resource quantities
//! (`250m`, `64Mi`), object names (DNS-1123 subdomains and labels),
//! label keys and values, label selectors, and how kubectl prints times
//! (`5s`, `3m12s`, `2d3h`) and dates.

use super::api::{LabelSelector, StringMap};
use crate::calendar::format_iso8601;

/// A quantity in its base unit (cores, bytes), or `None` if malformed.
/// Suffixes: `m` (milli), `k M G T P E` (powers of 1000), `Ki Mi Gi Ti Pi
/// Ei` (powers of 1024), or a decimal exponent such as `1e3`.
pub fn parse_quantity(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'));
    let (number, suffix) = text.split_at(split.unwrap_or(text.len()));
    let value: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024.0,
        "Mi" => 1024.0 * 1024.0,
        "Gi" => 1024.0 * 1024.0 * 1024.0,
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        exp if exp.starts_with(['e', 'E']) => 10f64.powi(exp.get(1..)?.parse().ok()?),
        _ => return None,
    };
    let result = value * factor;
    (result.is_finite() && result >= 0.0).then_some(result)
}

/// CPU in millicores (`250m` is 250, `1` is 1000).
pub fn cpu_millis(text: &str) -> Option<u64> {
    parse_quantity(text).map(|cores| (cores * 1000.0).ceil() as u64)
}

/// Memory in bytes.
pub fn memory_bytes(text: &str) -> Option<u64> {
    parse_quantity(text).map(|b| b.ceil() as u64)
}

/// The regular expression kubectl quotes for a DNS-1123 label.
const DNS1123_LABEL_FMT: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

/// Why `name` is not a DNS-1123 label (63 characters at most, lowercase
/// letters, digits and `-`, alphanumeric at both ends), worded as the API
/// server words it; `None` if it is one.
pub fn dns1123_label_error(name: &str) -> Option<String> {
    let mut problems = Vec::new();
    if name.len() > 63 {
        problems.push("must be no more than 63 characters".to_string());
    }
    if !is_dns_label(name) {
        problems.push(format!(
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or \
             '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or \
             '123-abc', regex used for validation is '{DNS1123_LABEL_FMT}')"
        ));
    }
    (!problems.is_empty()).then(|| problems.join(", "))
}

/// Why `name` is not a DNS-1123 subdomain (253 characters at most, dot
/// separated labels); `None` if it is one.
pub fn dns1123_subdomain_error(name: &str) -> Option<String> {
    let mut problems = Vec::new();
    if name.len() > 253 {
        problems.push("must be no more than 253 characters".to_string());
    }
    if name.is_empty() || !name.split('.').all(is_dns_label) {
        problems.push(format!(
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \
             '-' or '.', and must start and end with an alphanumeric character (e.g. \
             'example.com', regex used for validation is \
             '{DNS1123_LABEL_FMT}(\\.{DNS1123_LABEL_FMT})*')"
        ));
    }
    (!problems.is_empty()).then(|| problems.join(", "))
}

fn is_dns_label(part: &str) -> bool {
    let bytes = part.as_bytes();
    let ok = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.iter().all(|b| ok(b) || *b == b'-')
        && bytes.first().is_some_and(ok)
        && bytes.last().is_some_and(ok)
}

/// Letters, digits, `-`, `_`, `.`, alphanumeric at both ends.
fn is_qualified_part(part: &str) -> bool {
    let bytes = part.as_bytes();
    let ok = |b: &u8| b.is_ascii_alphanumeric();
    !bytes.is_empty()
        && bytes.iter().all(|b| ok(b) || b"-_.".contains(b))
        && bytes.first().is_some_and(ok)
        && bytes.last().is_some_and(ok)
}

/// Why `key` is not a label key (`[prefix/]name`, name of 63 characters at
/// most); `None` if it is one.
pub fn label_key_error(key: &str) -> Option<String> {
    let (prefix, name) = match key.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix {
        if let Some(problem) = dns1123_subdomain_error(prefix) {
            return Some(format!("prefix part {problem}"));
        }
    }
    if name.is_empty() {
        return Some("name part must be non-empty".into());
    }
    if name.len() > 63 {
        return Some("name part must be no more than 63 characters".into());
    }
    (!is_qualified_part(name)).then(|| {
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start \
         and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', \
         regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
            .to_string()
    })
}

/// Why `value` is not a label value (empty, or 63 characters at most of
/// the qualified-name alphabet); `None` if it is one.
pub fn label_value_error(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    (!is_qualified_part(value)).then(|| {
        "a valid label must be an empty string or consist of alphanumeric characters, '-', \
         '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  \
         or 'my_value',  or '12345', regex used for validation is \
         '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
            .to_string()
    })
}

/// Whether `labels` satisfy `selector`. An empty selector matches
/// everything, as in the API.
pub fn selector_matches(selector: &LabelSelector, labels: &StringMap) -> bool {
    let plain = selector.match_labels.iter().all(|(k, v)| labels.get(k) == Some(v));
    plain
        && selector.match_expressions.iter().all(|r| {
            let value = labels.get(&r.key);
            match r.operator.as_str() {
                "In" => value.is_some_and(|v| r.values.contains(v)),
                "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
                "Exists" => value.is_some(),
                "DoesNotExist" => value.is_none(),
                _ => false,
            }
        })
}

/// Whether every pair of `selector` is among `labels` (a Service's
/// selector, a `nodeSelector`).
pub fn map_matches(selector: &StringMap, labels: &StringMap) -> bool {
    selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

/// A selector as kubectl prints it: `app=nginx,tier!=db,env in (a,b)`.
pub fn selector_text(selector: &LabelSelector) -> String {
    let mut parts: Vec<String> = selector.match_labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    for r in &selector.match_expressions {
        parts.push(match r.operator.as_str() {
            "Exists" => r.key.clone(),
            "DoesNotExist" => format!("!{}", r.key),
            op => format!("{} {} ({})", r.key, op.to_lowercase().replace("notin", "notin"), r.values.join(",")),
        });
    }
    parts.join(",")
}

/// Parses a `-l` selector: `a=b`, `a==b`, `a!=b`, `a`, `!a`, `a in (x,y)`,
/// `a notin (x)`, comma separated.
pub fn parse_selector(text: &str) -> Result<LabelSelector, String> {
    let mut selector = LabelSelector::default();
    let mut rest = text.trim();
    while !rest.is_empty() {
        let (term, tail) = split_term(rest);
        rest = tail;
        let term = term.trim();
        let requirement = |key: &str, operator: &str, values: Vec<String>| super::api::LabelSelectorRequirement {
            key: key.trim().to_string(),
            operator: operator.to_string(),
            values,
        };
        let set = |list: &str| -> Result<Vec<String>, String> {
            let inner = list.trim().strip_prefix('(').and_then(|l| l.strip_suffix(')'));
            let inner = inner.ok_or_else(|| format!("unable to parse requirement: found '{list}', expected: '('"))?;
            Ok(inner.split(',').map(|v| v.trim().to_string()).collect())
        };
        if let Some((key, value)) = term.split_once("!=") {
            selector.match_expressions.push(requirement(key, "NotIn", vec![value.trim().to_string()]));
        } else if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
            selector.match_labels.insert(key.trim().to_string(), value.trim().to_string());
        } else if let Some((key, list)) = term.split_once(" notin ") {
            selector.match_expressions.push(requirement(key, "NotIn", set(list)?));
        } else if let Some((key, list)) = term.split_once(" in ") {
            selector.match_expressions.push(requirement(key, "In", set(list)?));
        } else if let Some(key) = term.strip_prefix('!') {
            selector.match_expressions.push(requirement(key, "DoesNotExist", Vec::new()));
        } else {
            selector.match_expressions.push(requirement(term, "Exists", Vec::new()));
        }
    }
    let keys = selector.match_labels.keys().chain(selector.match_expressions.iter().map(|r| &r.key));
    for key in keys {
        if let Some(problem) = label_key_error(key) {
            return Err(format!("unable to parse requirement: invalid label key \"{key}\": {problem}"));
        }
    }
    Ok(selector)
}

/// The first comma-separated term, keeping `(a,b)` sets together.
fn split_term(text: &str) -> (&str, &str) {
    let mut depth = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => return (&text[..i], &text[i + 1..]),
            _ => {}
        }
    }
    (text, "")
}

/// An age as kubectl prints it: `45s`, `3m12s`, `12m`, `5h3m`, `2d3h`,
/// `45d`, `3y120d` (its `HumanDuration`).
pub fn age(seconds: u64) -> String {
    let s = seconds;
    let (m, h, d) = (s / 60, s / 3600, s / 86_400);
    if s < 120 {
        format!("{s}s")
    } else if m < 10 {
        match s % 60 {
            0 => format!("{m}m"),
            r => format!("{m}m{r}s"),
        }
    } else if h < 3 {
        format!("{m}m")
    } else if h < 8 {
        match m % 60 {
            0 => format!("{h}h"),
            r => format!("{h}h{r}m"),
        }
    } else if h < 48 {
        format!("{h}h")
    } else if h < 24 * 8 {
        match h % 24 {
            0 => format!("{d}d"),
            r => format!("{d}d{r}h"),
        }
    } else if h < 24 * 365 * 2 {
        format!("{d}d")
    } else if h < 24 * 365 * 8 {
        match d % 365 {
            0 => format!("{}y", d / 365),
            r => format!("{}y{r}d", d / 365),
        }
    } else {
        format!("{}y", d / 365)
    }
}

/// RFC 3339 in UTC as the API prints it: `2026-03-02T09:00:00Z`.
pub fn timestamp(unix: i64) -> String {
    let text = format_iso8601(unix);
    text.strip_suffix("+00:00").map_or(text.clone(), |t| format!("{t}Z"))
}

/// An RFC 3339 timestamp back to Unix seconds.
pub fn parse_timestamp(text: &str) -> Option<i64> {
    crate::calendar::parse_iso8601(text)
}

/// A date as `kubectl describe` prints it: `Mon, 02 Mar 2026 09:00:00 +0000`.
pub fn describe_date(unix: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let iso = format_iso8601(unix);
    let weekday = DAYS.get(unix.div_euclid(86_400).rem_euclid(7) as usize).copied().unwrap_or("Mon");
    let month: usize = iso.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
    let month = MONTHS.get(month.saturating_sub(1)).copied().unwrap_or("Jan");
    let (year, day, time) = (iso.get(0..4).unwrap_or(""), iso.get(8..10).unwrap_or(""), iso.get(11..19).unwrap_or(""));
    format!("{weekday}, {day} {month} {year} {time} +0000")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_in_base_units() {
        assert_eq!(cpu_millis("250m"), Some(250));
        assert_eq!(cpu_millis("1.5"), Some(1500));
        assert_eq!(cpu_millis("2"), Some(2000));
        assert_eq!(memory_bytes("64Mi"), Some(64 * 1024 * 1024));
        assert_eq!(memory_bytes("1G"), Some(1_000_000_000));
        assert_eq!(memory_bytes("1e3"), Some(1000));
        assert_eq!(cpu_millis("lots"), None);
        assert_eq!(cpu_millis("-1"), None);
    }

    #[test]
    fn ages_print_as_kubectl_does() {
        let cases = [(5, "5s"), (119, "119s"), (192, "3m12s"), (600, "10m"), (3 * 3600 + 60, "3h1m"), (9 * 3600, "9h"), (2 * 86_400 + 3 * 3600, "2d3h"), (30 * 86_400, "30d")];
        for (seconds, text) in cases {
            assert_eq!(age(seconds), text, "{seconds}");
        }
    }

    #[test]
    fn names_and_labels_are_checked() {
        assert_eq!(dns1123_label_error("gameday-service"), None);
        assert!(dns1123_label_error(&"a".repeat(64)).unwrap().contains("no more than 63"));
        assert!(dns1123_label_error("Gameday").is_some());
        assert_eq!(label_key_error("kubernetes.io/arch"), None);
        assert!(label_key_error("bad key").is_some());
        assert_eq!(label_value_error("x_86"), None);
        assert!(label_value_error("-x").is_some());
    }

    #[test]
    fn selectors_parse_and_match() {
        let s = parse_selector("app=nginx,tier!=db,env in (a,b)").unwrap();
        let labels: StringMap = [("app", "nginx"), ("env", "a")].iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert!(selector_matches(&s, &labels));
        assert!(!selector_matches(&parse_selector("app=web").unwrap(), &labels));
        assert!(parse_selector("bad key=x").is_err());
    }

    #[test]
    fn describe_dates_have_weekdays() {
        // 2026-03-02 was a Monday.
        assert_eq!(describe_date(1_772_442_000), "Mon, 02 Mar 2026 09:00:00 +0000");
    }
}
