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
    let transcript = gameday::command::transcript(&outputs);
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
