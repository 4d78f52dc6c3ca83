//! `--query` (JMESPath) as the AWS CLI applies it, and its limits.

use gameday::quest::{Quest, Session};
use proptest::prelude::*;

fn session() -> Session {
    let quest = Quest::parse("00-tutorial.toml", include_str!("../quests/00-tutorial.toml")).unwrap();
    Session::new(quest)
}

fn run(session: &mut Session, line: &str) -> gameday::command::Reply {
    session.execute(line).pop().expect("one command").reply
}

#[test]
fn query_selects_before_output_formats() {
    let mut s = session();
    let reply = run(&mut s, "aws ec2 describe-instances --query 'length(Reservations[].Instances[])' --output text");
    assert_eq!(reply.text, "6");
    let reply = run(
        &mut s,
        "aws ec2 describe-instances --query \"Reservations[].Instances[?InstanceType=='m5.large'][].InstanceId\" --output text",
    );
    assert_eq!(reply.text, "i-0e9f8a7b6c5d40733");
}

#[test]
fn a_bad_query_is_refused_before_the_call() {
    let mut s = session();
    let reply = run(&mut s, "aws ec2 stop-instances --instance-ids i-0d4c3b2a1f0e9d766 --query 'x[['");
    assert!(reply.is_error && reply.text.contains("Bad value for --query"), "{reply:?}");
    let state = run(&mut s, "aws ec2 describe-instances --instance-ids i-0d4c3b2a1f0e9d766 --query 'Reservations[0].Instances[0].State.Name' --output text");
    assert_eq!(state.text, "running", "the failed command must not have stopped the instance");
}

#[test]
fn hostile_queries_are_refused_not_overflowed() {
    let mut s = session();
    let deep = format!("{}a{}", "(".repeat(500), ")".repeat(500));
    let reply = run(&mut s, &format!("aws ec2 describe-instances --query '{deep}'"));
    assert!(reply.is_error && reply.text.contains("nest"), "{}", &reply.text[..200.min(reply.text.len())]);
    let long = "a.".repeat(2000) + "a";
    let reply = run(&mut s, &format!("aws ec2 describe-instances --query '{long}'"));
    assert!(reply.is_error && reply.text.contains("longer"));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_query_text_is_answered(query in "[\\[\\]().*?@|&!=<>'`{}:,a-zA-Z0-9 -]{0,60}") {
        let mut s = session();
        let line = format!("aws ec2 describe-instances --query {}", gameday::command::shell::quote(&query));
        let _ = s.execute(&line);
        let _ = s.execute(&format!("{line} --output table"));
    }
}
