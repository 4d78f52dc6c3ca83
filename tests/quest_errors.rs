//! A malformed quest file is rejected with its file, line, field and a
//! message an author can act on.

use gameday::quest::Quest;

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");

/// The tutorial with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    assert!(TUTORIAL.contains(from), "{from:?} not in the tutorial");
    TUTORIAL.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not found"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn errors_name_file_line_and_field() {
    // (replace this, with that, the field named, a phrase in the message, text on the line)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        ("instance_type = \"m5.2xlarge\"", "instance_type = \"m5.huge\"", "world.instances[3].instance_type", "unknown instance type", "m5.huge"),
        ("region = \"us-east-1\"", "region = \"mars-north-1\"", "world.region", "unknown region", "mars-north-1"),
        ("start_time = \"2026-03-02T07:00:00Z\"", "start_time = \"tuesday\"", "world.start_time", "ISO 8601", "tuesday"),
        ("warmup = \"2h\"", "warmup = \"2 weeks\"", "world.warmup", "duration", "2 weeks"),
        ("states = [\"stopped\", \"terminated\"]", "states = [\"stoped\"]", "objectives[2].check", "unknown instance state", "stoped"),
        ("operation = \"DescribeInstances\"", "operation = \"ListInstances\"", "objectives[0].check", "no operation", "ListInstances"),
        ("objective = \"savings\"", "objective = \"savings-typo\"", "hints[5].objective", "no objective", "savings-typo"),
        ("id = \"measure\"", "id = \"look\"", "objectives[1].id", "duplicate objective id", "id = \"look\"\ntitle = \"Read"),
        ("@7290 aws", "@10 aws", "solution.log", "backwards", "log = \"\"\""),
        ("instance_type = \"m5.large\"", "instnce_type = \"m5.large\"", "instnce_type", "unknown field", "instnce_type"),
        ("usd = 0.60", "usd = \"cheap\"", "", "invalid type", "cheap"),
    ];
    for (from, to, field, phrase, on_line) in cases {
        let text = broken(from, to);
        let err = Quest::parse("quests/broken.toml", &text).expect_err(to);
        assert_eq!(err.file, "quests/broken.toml");
        assert_eq!(&err.field, field, "{to}: {err}");
        assert!(err.message.contains(phrase), "{to}: {err}");
        assert_eq!(err.line, line_of(&text, on_line), "{to}: {err}");
        let shown = err.to_string();
        assert!(shown.starts_with(&format!("quests/broken.toml:{}:", err.line)), "{shown}");
    }
}

#[test]
fn a_quest_needs_a_goal() {
    let text = TUTORIAL
        .replace("[[objectives]]\nid = \"look\"", "[[objectives]]\nguard = true\nid = \"look\"")
        .replace("[[objectives]]\nid = \"measure\"", "[[objectives]]\nguard = true\nid = \"measure\"")
        .replace("[[objectives]]\nid = \"idle-off\"", "[[objectives]]\nguard = true\nid = \"idle-off\"")
        .replace("[[objectives]]\nid = \"savings\"", "[[objectives]]\nguard = true\nid = \"savings\"");
    let err = Quest::parse("q.toml", &text).unwrap_err();
    assert!(err.message.contains("at least one goal"), "{err}");
}
