//! Nothing a player types, pastes or imports makes the simulation panic:
//! arbitrary input goes to the tokenizer, the dispatcher, the log reader and
//! the quest loader, and each either succeeds or returns an error.

use gameday::command::complete::{complete, complete_line};
use gameday::command::shell::split_commands;
use gameday::quest::{parse_log, Quest, Session};
use proptest::prelude::*;

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");

fn session() -> Session {
    Session::new(Quest::parse("00-tutorial.toml", TUTORIAL).unwrap())
}

/// Words that reach deep into the parsers, mixed with noise.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("aws".to_string()),
        Just("ec2".to_string()),
        Just("cloudwatch".to_string()),
        Just("describe-instances".to_string()),
        Just("stop-instances".to_string()),
        Just("get-metric-statistics".to_string()),
        Just("--instance-ids".to_string()),
        Just("--filters".to_string()),
        Just("--dimensions".to_string()),
        Just("--period".to_string()),
        Just("--start-time".to_string()),
        Just("--output".to_string()),
        Just("--region".to_string()),
        Just("Name=tag:Team,Values=[a,b".to_string()),
        Just("[{\"Name\":".to_string()),
        Just("i-0d4c3b2a1f0e9d766".to_string()),
        Just("kubectl".to_string()),
        Just("help".to_string()),
        "\\PC{0,12}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn tokenizer_never_panics(input in "\\PC{0,200}") {
        let _ = split_commands(&input);
    }

    #[test]
    fn tokenizer_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = split_commands(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn dispatcher_never_panics(words in proptest::collection::vec(word(), 0..10)) {
        let line = words.join(" ");
        let mut s = session();
        let out = s.execute(&line);
        for e in out {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
        let _ = complete(&line);
        let _ = complete_line(&line);
    }

    #[test]
    fn dispatcher_never_panics_on_noise(input in "\\PC{0,120}") {
        let mut s = session();
        let _ = s.execute(&input);
        let _ = complete_line(&input);
    }

    #[test]
    fn log_reader_never_panics(input in "(@[0-9]{0,4} ?\\PC{0,30}\n){0,10}") {
        let _ = parse_log(&input);
    }

    #[test]
    fn quest_loader_never_panics_on_noise(input in "\\PC{0,300}") {
        let _ = Quest::parse("fuzz.toml", &input);
    }

    #[test]
    fn quest_loader_never_panics_on_mutated_quests(at in 0usize..TUTORIAL.len(), len in 0usize..40, junk in "\\PC{0,20}") {
        let start = TUTORIAL.floor_char_boundary(at);
        let end = TUTORIAL.floor_char_boundary(start + len);
        let mutated = format!("{}{junk}{}", &TUTORIAL[..start], &TUTORIAL[end..]);
        if let Ok(quest) = Quest::parse("mutated.toml", &mutated) {
            // A quest that loads must also play without panicking.
            let log = quest.solution.log.get_ref().clone();
            let _ = Session::replay(quest, &log);
        }
    }
}

#[test]
fn deeply_nested_input_is_refused_not_overflowed() {
    let nested = format!("x = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Quest::parse("deep.toml", &nested).is_err());
    let check = format!(
        "{}{{ kind = \"api_called\", service = \"ec2\", operation = \"DescribeInstances\" }}{}",
        "{ kind = \"not\", check = ".repeat(40),
        " }".repeat(40)
    );
    let quest = TUTORIAL.replacen(
        "check = { kind = \"api_called\", service = \"ec2\", operation = \"DescribeInstances\" }",
        &format!("check = {check}"),
        1,
    );
    let err = Quest::parse("deep.toml", &quest).unwrap_err();
    assert!(err.to_string().contains("nest"), "{err}");
}

#[test]
fn huge_inputs_are_refused() {
    let huge = "#".repeat(300 * 1024);
    assert!(Quest::parse("huge.toml", &huge).unwrap_err().to_string().contains("at most"));
    assert!(parse_log(&"x".repeat(5 * 1024 * 1024)).is_err());
}
