//! Whole CLI outputs, held in golden files: what the player sees for a
//! set of commands, right and wrong, against the tutorial world. Rerun with
//! GAMEDAY_BLESS=1 to accept intended changes, then read the diff.

use std::fs;

use gameday::quest::{Quest, Session};

#[test]
fn cli_outputs_match_the_golden_transcript() {
    let quest = Quest::parse("00-tutorial.toml", include_str!("../quests/00-tutorial.toml")).unwrap();
    let log = include_str!("golden/cli.log");
    let (_, outputs) = Session::replay(quest, log).unwrap();
    let mut transcript = String::new();
    for out in outputs {
        transcript.push_str(&format!("$ {}\n", out.source));
        if !out.reply.text.is_empty() {
            transcript.push_str(&out.reply.text);
            transcript.push('\n');
        }
        if out.reply.is_error {
            transcript.push_str("[error]\n");
        }
        if let Some(hint) = out.reply.hint {
            transcript.push_str(&format!("hint: {hint}\n"));
        }
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cli.txt");
    if std::env::var_os("GAMEDAY_BLESS").is_some() {
        fs::write(path, &transcript).unwrap();
        return;
    }
    let golden = fs::read_to_string(path).unwrap_or_default();
    if golden != transcript {
        let first = golden.lines().zip(transcript.lines()).position(|(a, b)| a != b);
        panic!(
            "CLI output changed (first differing line {first:?}); rerun with GAMEDAY_BLESS=1 if intended.\n--- now ---\n{transcript}"
        );
    }
}
