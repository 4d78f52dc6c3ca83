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

// ---- Nested structures -------------------------------------------------------

/// Deepest nesting of `{...}` and `[...]` that [`parse_nested`] follows.
pub const MAX_NESTING: usize = 16;

/// Parses shorthand whose values may nest, such as
/// `ResourceType=instance,Tags=[{Key=Name,Value=worker}]`, into JSON, the
/// way the CLI reads parameters with nested structures. `{...}` is a
/// structure and `[...]` a list; after `Key=`, further comma-separated
/// values without an `=` of their own make the value a list, as in
/// [`parse_structure`]. Values stay strings; quotes (`'...'` or `"..."`)
/// keep commas, brackets and `=` inside a value. Nesting deeper than
/// [`MAX_NESTING`] is refused. The error is the CLI's own wording.
pub fn parse_nested(text: &str) -> Result<Value, String> {
    let mut parser = Nested {
        chars: text.chars().collect(),
        at: 0,
        text,
    };
    let map = parser.structure(0, None)?;
    parser.skip_spaces();
    match parser.peek() {
        None => Ok(Value::Object(map)),
        Some(c) => Err(parser.expected("',' or end of input", c)),
    }
}

struct Nested<'a> {
    chars: Vec<char>,
    at: usize,
    text: &'a str,
}

impl Nested<'_> {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn skip_spaces(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.at += 1;
        }
    }

    fn expected(&self, what: &str, got: char) -> String {
        format!(
            "Error parsing parameter: Expected: {what}, received: '{got}' for input:\n{}",
            self.text
        )
    }

    fn end(&self, what: &str) -> String {
        format!(
            "Error parsing parameter: Expected: {what}, received: 'EOF' for input:\n{}",
            self.text
        )
    }

    /// Whether the text at the cursor is `key=`.
    fn at_key(&self) -> bool {
        let mut i = self.at;
        while self.chars.get(i).is_some_and(|c| c.is_whitespace()) {
            i += 1;
        }
        let start = i;
        while self
            .chars
            .get(i)
            .is_some_and(|&c| c.is_ascii_alphanumeric() || "_-:.".contains(c))
        {
            i += 1;
        }
        i > start && self.chars.get(i) == Some(&'=')
    }

    /// `key=value(,key=value)*` up to `closing` (or the end).
    fn structure(
        &mut self,
        depth: usize,
        closing: Option<char>,
    ) -> Result<serde_json::Map<String, Value>, String> {
        let mut map = serde_json::Map::new();
        loop {
            self.skip_spaces();
            let start = self.at;
            while self
                .peek()
                .is_some_and(|c| c.is_ascii_alphanumeric() || "_-:.".contains(c))
            {
                self.at += 1;
            }
            let key: String = self
                .chars
                .get(start..self.at)
                .unwrap_or(&[])
                .iter()
                .collect();
            match self.peek() {
                Some('=') if !key.is_empty() => self.at += 1,
                Some(c) => return Err(self.expected("'='", c)),
                None => return Err(self.end("'='")),
            }
            let value = self.values(depth, closing)?;
            map.insert(key, value);
            self.skip_spaces();
            match self.peek() {
                Some(',') => self.at += 1,
                _ => return Ok(map),
            }
        }
    }

    /// A key's value: one value, or several separated by commas.
    fn values(&mut self, depth: usize, closing: Option<char>) -> Result<Value, String> {
        let first = self.value(depth)?;
        let mut more = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() != Some(',') {
                break;
            }
            self.at += 1;
            if self.at_key() {
                self.at -= 1;
                break;
            }
            self.skip_spaces();
            if self.peek().is_none() || self.peek() == closing {
                break;
            }
            more.push(self.value(depth)?);
        }
        if more.is_empty() {
            return Ok(first);
        }
        let mut list = vec![first];
        list.extend(more);
        Ok(Value::Array(list))
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        self.skip_spaces();
        match self.peek() {
            Some('{') | Some('[') if depth >= MAX_NESTING => Err(format!(
                "Error parsing parameter: structures nest deeper than {MAX_NESTING} levels"
            )),
            Some('{') => {
                self.at += 1;
                let map = self.structure(depth + 1, Some('}'))?;
                self.skip_spaces();
                match self.peek() {
                    Some('}') => {
                        self.at += 1;
                        Ok(Value::Object(map))
                    }
                    Some(c) => Err(self.expected("'}'", c)),
                    None => Err(self.end("'}'")),
                }
            }
            Some('[') => {
                self.at += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_spaces();
                    match self.peek() {
                        Some(']') => {
                            self.at += 1;
                            return Ok(Value::Array(items));
                        }
                        None => return Err(self.end("']'")),
                        _ => {}
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_spaces();
                    match self.peek() {
                        Some(',') => self.at += 1,
                        Some(']') => {}
                        Some(c) => return Err(self.expected("',' or ']'", c)),
                        None => return Err(self.end("']'")),
                    }
                }
            }
            Some(q @ ('"' | '\'')) => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|c| c != q) {
                    self.at += 1;
                }
                if self.peek().is_none() {
                    return Err(self.end(&format!("'{q}'")));
                }
                let text: String = self
                    .chars
                    .get(start..self.at)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                self.at += 1;
                Ok(Value::String(text))
            }
            _ => {
                let start = self.at;
                while self.peek().is_some_and(|c| !",]}".contains(c)) {
                    self.at += 1;
                }
                let text: String = self
                    .chars
                    .get(start..self.at)
                    .unwrap_or(&[])
                    .iter()
                    .collect();
                Ok(Value::String(text.trim().to_string()))
            }
        }
    }
}

#[cfg(test)]
mod nested_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_shorthand_reads_like_the_cli() {
        let text = "ResourceType=instance,Tags=[{Key=Name,Value=worker},{Key=Team,Value=q}]";
        let tags = json!([{"Key": "Name", "Value": "worker"}, {"Key": "Team", "Value": "q"}]);
        assert_eq!(
            parse_nested(text).unwrap(),
            json!({"ResourceType": "instance", "Tags": tags})
        );
        let v =
            parse_nested("ImageId=ami-1,InstanceType=t4g.small,UserData=UVVFVUU9b3JkZXJz").unwrap();
        assert_eq!(v["UserData"], json!("UVVFVUU9b3JkZXJz"));
        let v = parse_nested("Values=a,b,Name=x").unwrap();
        assert_eq!(v, json!({"Values": ["a", "b"], "Name": "x"}));
        let text =
            "TargetValue=50,CustomizedMetricSpecification={MetricName=D,Namespace=\"My/NS\"}";
        let v = parse_nested(text).unwrap();
        assert_eq!(
            v["CustomizedMetricSpecification"]["Namespace"],
            json!("My/NS")
        );
    }

    #[test]
    fn bad_nested_shorthand_is_an_error_not_a_panic() {
        for bad in [
            "",
            "Tags=[{Key=a",
            "Key={",
            "=x",
            "a=b}",
            "Tags=[a b",
            "k='open",
        ] {
            assert!(parse_nested(bad).is_err(), "{bad}");
        }
        let deep = format!("k={}x{}", "{a=".repeat(40), "}".repeat(40));
        assert!(parse_nested(&deep).is_err());
    }
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
