//! The AWS CLI's shorthand syntax for structure arguments.
//!
//! `Name=tag:Role,Values=web,batch` reads as one structure whose `Values`
//! holds two items: after a `Key=`, every comma-separated piece that has
//! no `=` of its own belongs to that key's list. `Values=[web,batch]` is the
//! bracketed form of the same. JSON (`[{"Name": ...}]`) is accepted too.
//! Nested structures (`Key={a=b}`) are not needed by any operation yet and
//! are refused with the CLI's error.

use serde_json::Value;

/// One structure: keys with one or more values, in the order given.
pub type Structure = Vec<(String, Vec<String>)>;

/// Parses one shorthand structure such as `Name=InstanceId,Value=i-1`.
/// The error is the CLI's own wording for a bad shorthand value.
pub fn parse_structure(text: &str) -> Result<Structure, String> {
    let mut out: Structure = Vec::new();
    let mut bracket = false;
    for piece in text.split(',') {
        let piece = piece.trim();
        match piece.split_once('=') {
            Some((key, value)) if !bracket && is_key(key) => {
                let value = value.trim();
                let (value, opens) = match value.strip_prefix('[') {
                    Some(rest) => (rest, true),
                    None => (value, false),
                };
                let (value, closes) = match value.strip_suffix(']') {
                    Some(rest) if opens => (rest, true),
                    _ => (value, false),
                };
                bracket = opens && !closes;
                let values = if value.is_empty() && opens { vec![] } else { vec![value.to_string()] };
                out.push((key.trim().to_string(), values));
            }
            _ => {
                let Some((_, values)) = out.last_mut() else {
                    return Err(format!(
                        "Error parsing parameter: Expected: '=', received: 'EOF' for input:\n{text}"
                    ));
                };
                let (piece, closes) = match piece.strip_suffix(']') {
                    Some(rest) if bracket => (rest, true),
                    _ => (piece, false),
                };
                if closes {
                    bracket = false;
                }
                values.push(piece.to_string());
            }
        }
    }
    if out.is_empty() {
        return Err(format!("Error parsing parameter: Expected: '=', received: 'EOF' for input:\n{text}"));
    }
    Ok(out)
}

fn is_key(key: &str) -> bool {
    let key = key.trim();
    !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == ':')
}

/// Parses a list-of-structures argument given either as JSON or as one or
/// more shorthand words. Each structure maps keys to lists of strings.
pub fn parse_structures(words: &[String]) -> Result<Vec<Structure>, String> {
    if let [only] = words {
        let trimmed = only.trim_start();
        if trimmed.starts_with('[') || trimmed.starts_with('{') {
            return parse_json_structures(only);
        }
    }
    words.iter().map(|w| parse_structure(w)).collect()
}

fn parse_json_structures(text: &str) -> Result<Vec<Structure>, String> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| format!("Error parsing parameter: Invalid JSON: {e}\nJSON received: {text}"))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        _ => return Err(format!("Error parsing parameter: Invalid JSON: expected a list\nJSON received: {text}")),
    };
    items
        .into_iter()
        .map(|item| {
            let Value::Object(map) = item else {
                return Err("Error parsing parameter: Invalid JSON: expected an object".to_string());
            };
            Ok(map
                .into_iter()
                .map(|(k, v)| {
                    let values = match v {
                        Value::Array(list) => list.iter().map(scalar_text).collect(),
                        other => vec![scalar_text(&other)],
                    };
                    (k, values)
                })
                .collect())
        })
        .collect()
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The values of `key` in a structure, if present.
pub fn get<'a>(structure: &'a Structure, key: &str) -> Option<&'a [String]> {
    structure.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(pairs: &[(&str, &[&str])]) -> Structure {
        pairs.iter().map(|(k, v)| (k.to_string(), v.iter().map(|x| x.to_string()).collect())).collect()
    }

    #[test]
    fn shorthand_reads_like_the_cli() {
        assert_eq!(
            parse_structure("Name=tag:Role,Values=web,batch").unwrap(),
            s(&[("Name", &["tag:Role"]), ("Values", &["web", "batch"])])
        );
        assert_eq!(
            parse_structure("Name=instance-state-name,Values=[running,stopped]").unwrap(),
            s(&[("Name", &["instance-state-name"]), ("Values", &["running", "stopped"])])
        );
        assert_eq!(
            parse_structure("Name=InstanceId,Value=i-0123").unwrap(),
            s(&[("Name", &["InstanceId"]), ("Value", &["i-0123"])])
        );
    }

    #[test]
    fn json_and_shorthand_agree() {
        let json = parse_structures(&[r#"[{"Name":"tag:Role","Values":["web"]}]"#.to_string()]).unwrap();
        let short = parse_structures(&["Name=tag:Role,Values=web".to_string()]).unwrap();
        assert_eq!(json, short);
    }

    #[test]
    fn bad_shorthand_is_an_error() {
        assert!(parse_structure("web").is_err());
        assert!(parse_structure("").is_err());
        assert!(parse_structures(&["[{\"Name\":".to_string()]).is_err());
    }
}
