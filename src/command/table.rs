//! The AWS CLI's `--output table`: a response drawn as nested boxes.
//!
//! Like the CLI, the outer box is titled with the operation's API name;
//! an object's scalar fields form one row under a header of their keys
//! (sorted), or one `Key | Value` line each when that row would be wider
//! than 100 columns; its lists and objects become nested boxes titled with
//! their key, empty ones left out; a list of flat objects with the same keys shares one header; lists
//! of scalars, or of lists of scalars, print one row each. Each level of
//! nesting adds a `|` on both sides. Column widths follow the content,
//! the last column taking any spare width. Unicode width is approximated
//! by counting characters.

use serde_json::Value;

use super::aws::scalar;

/// One box: a title, an optional header row, rows and nested boxes.
struct Section {
    title: String,
    header: Option<Vec<String>>,
    rows: Vec<Vec<String>>,
    children: Vec<Section>,
}

/// Draws `value` as the CLI's table titled `title`.
pub fn render_table(title: &str, value: &Value) -> String {
    let section = sections(title, value).into_iter().next().unwrap_or(Section {
        title: title.to_string(),
        header: None,
        rows: Vec::new(),
        children: Vec::new(),
    });
    let width = section_width(&section, 0).max(title.chars().count() + 4);
    let mut lines = vec![format!("{}", "-".repeat(width))];
    draw(&section, 0, width, &mut lines);
    lines.join("\n")
}

/// Widest a box of one object may be before its fields are listed one per
/// line (`Key | Value`), as the CLI does for objects too wide to read.
const MAX_ROW_WIDTH: usize = 100;

/// The boxes for `value` under `title`: one, or one per element of a list
/// of objects that do not fit a shared header.
fn sections(title: &str, value: &Value) -> Vec<Section> {
    match value {
        Value::Array(items) if !items.is_empty() && !is_flat_list(items) => {
            let complex = items.iter().any(|i| scalar(i).is_none() && !is_scalar_row(i));
            if complex {
                items.iter().flat_map(|i| sections(title, i)).collect()
            } else {
                vec![section(title, value)]
            }
        }
        Value::Array(items) if items.is_empty() => Vec::new(),
        Value::Object(map) if map.is_empty() => Vec::new(),
        _ => vec![section(title, value)],
    }
}

fn is_scalar_row(value: &Value) -> bool {
    value.as_array().is_some_and(|r| r.iter().all(|v| scalar(v).is_some()))
}

/// A list of objects whose fields are all scalars, all with the same keys.
fn is_flat_list(items: &[Value]) -> bool {
    let keys = |v: &Value| v.as_object().map(|m| m.keys().cloned().collect::<Vec<_>>());
    items.iter().all(|i| i.as_object().is_some_and(|m| m.values().all(|v| scalar(v).is_some())))
        && items.windows(2).all(|w| keys(&w[0]) == keys(&w[1]))
}

fn section(title: &str, value: &Value) -> Section {
    let mut s = Section { title: title.to_string(), header: None, rows: Vec::new(), children: Vec::new() };
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let flat: Vec<&String> = keys.iter().copied().filter(|k| scalar(&map[*k]).is_some()).collect();
            let values: Vec<String> = flat.iter().filter_map(|k| scalar(&map[*k])).collect();
            let wide = flat.iter().zip(&values).map(|(k, v)| k.len().max(v.chars().count()) + 5).sum::<usize>();
            if wide > MAX_ROW_WIDTH {
                s.rows = flat.iter().zip(values).map(|(k, v)| vec![k.to_string(), v]).collect();
            } else if !flat.is_empty() {
                s.header = Some(flat.iter().map(|k| k.to_string()).collect());
                s.rows.push(values);
            }
            for k in keys.iter().filter(|k| scalar(&map[**k]).is_none()) {
                s.children.extend(sections(k, &map[*k]));
            }
        }
        Value::Array(items) if is_flat_list(items) => {
            let mut keys: Vec<String> =
                items.first().and_then(Value::as_object).map(|m| m.keys().cloned().collect()).unwrap_or_default();
            keys.sort();
            s.rows = items
                .iter()
                .map(|i| keys.iter().map(|k| i.get(k).and_then(scalar).unwrap_or_default()).collect())
                .collect();
            s.header = Some(keys);
        }
        Value::Array(items) => {
            for item in items {
                match (scalar(item), item.as_array()) {
                    (Some(text), _) => s.rows.push(vec![text]),
                    (None, Some(row)) => s.rows.push(row.iter().map(|v| scalar(v).unwrap_or_default()).collect()),
                    _ => s.children.extend(sections(title, item)),
                }
            }
        }
        other => s.rows.push(vec![scalar(other).unwrap_or_default()]),
    }
    s
}

/// Natural width of each column: its longest cell plus two spaces each side.
fn column_widths(s: &Section) -> Vec<usize> {
    let mut widths: Vec<usize> = Vec::new();
    for row in s.header.iter().chain(&s.rows) {
        for (i, cell) in row.iter().enumerate() {
            let w = cell.chars().count() + 4;
            match widths.get_mut(i) {
                Some(x) => *x = (*x).max(w),
                None => widths.push(w),
            }
        }
    }
    widths
}

/// Total width a section needs at nesting `depth`, borders included.
fn section_width(s: &Section, depth: usize) -> usize {
    let cols = column_widths(s);
    let own = cols.iter().sum::<usize>() + cols.len().saturating_sub(1) + 2 * (depth + 1);
    let title = s.title.chars().count() + 4 + 2 * (depth + 1);
    s.children.iter().map(|c| section_width(c, depth + 1)).fold(own.max(title), usize::max)
}

fn draw(s: &Section, depth: usize, width: usize, lines: &mut Vec<String>) {
    let (left, right) = ("|".repeat(depth + 1), "|".repeat(depth + 1));
    let inner = width.saturating_sub(2 * (depth + 1));
    let edge = |l: &str, r: &str, body: String| format!("{l}{body}{r}");
    let inner_edge = |l: &str, r: &str| {
        (format!("{}+", &l[..l.len() - 1]), format!("+{}", &r[1..]))
    };

    lines.push(edge(&left, &right, centre(&s.title, inner)));
    let cols = fit(column_widths(s), inner);
    let (pl, pr) = inner_edge(&left, &right);
    let rule = |cols: &[usize]| {
        let body: Vec<String> = cols.iter().map(|w| "-".repeat(*w)).collect();
        edge(&pl, &pr, body.join("+"))
    };
    if cols.is_empty() {
        lines.push(edge(&pl, &pr, "-".repeat(inner)));
    } else {
        lines.push(rule(&cols));
        if let Some(header) = &s.header {
            lines.push(edge(&left, &right, cells(header, &cols, true)));
            lines.push(rule(&cols));
        }
        for row in &s.rows {
            lines.push(edge(&left, &right, cells(row, &cols, false)));
        }
        lines.push(rule(&cols));
    }
    for child in &s.children {
        draw(child, depth + 1, width, lines);
    }
}

/// Stretches the last column so that the columns fill `inner`.
fn fit(mut cols: Vec<usize>, inner: usize) -> Vec<usize> {
    let used = cols.iter().sum::<usize>() + cols.len().saturating_sub(1);
    if let Some(last) = cols.last_mut() {
        *last += inner.saturating_sub(used);
    }
    cols
}

fn cells(row: &[String], cols: &[usize], centred: bool) -> String {
    cols.iter()
        .enumerate()
        .map(|(i, w)| {
            let text = row.get(i).map(String::as_str).unwrap_or("");
            if centred {
                centre(text, *w)
            } else {
                let pad = w.saturating_sub(text.chars().count() + 2);
                format!("  {text}{}", " ".repeat(pad))
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn centre(text: &str, width: usize) -> String {
    let len = text.chars().count();
    let left = width.saturating_sub(len) / 2;
    let right = width.saturating_sub(len + left);
    format!("{}{text}{}", " ".repeat(left), " ".repeat(right))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_of_scalars_share_the_outer_box() {
        let table = render_table("DescribeInstances", &json!([["i-1", "m5.large"], ["i-2", "t4g.small"]]));
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[1].contains("DescribeInstances"));
        assert!(lines.iter().any(|l| l.starts_with("|  i-1") && l.contains("|  m5.large")));
        let widths: Vec<usize> = lines.iter().map(|l| l.chars().count()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "every line is as wide: {table}");
    }

    #[test]
    fn nested_objects_nest_boxes() {
        let value = json!({"Reservations": [{"OwnerId": "1", "Instances": [{"InstanceId": "i-1"}]}]});
        let table = render_table("DescribeInstances", &value);
        assert!(table.contains("||") && table.contains("|||"), "{table}");
        assert!(table.contains("InstanceId") && table.contains("i-1"));
        let widths: Vec<usize> = table.lines().map(|l| l.chars().count()).collect();
        assert!(widths.windows(2).all(|w| w[0] == w[1]), "{table}");
    }
}
