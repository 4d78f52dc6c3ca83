//! The player's files: redirection, the file built-ins, `file://`
//! parameters and files a quest starts with.

use gameday::quest::{Quest, Session};

const QUEST: &str = r#"
id = "files-test"
title = "Files"
summary = "A world with a file."
story = "A test world."

[world]
seed = 7
region = "us-east-1"
start_time = "2026-03-02T00:00:00Z"

[[world.files]]
path = "k8s/deploy.yml"
content = "kind: Deployment\n"

[[objectives]]
id = "wait"
title = "Wait"
points = 1
check = { kind = "time_at_least", seconds = 60 }

[solution]
log = "@60"
"#;

fn session() -> Session {
    Session::new(Quest::parse("files-test.toml", QUEST).unwrap_or_else(|e| panic!("{e}")))
}

/// Runs one line; returns (output, is_error).
fn run(s: &mut Session, line: &str) -> (String, bool) {
    let out = s.execute(line);
    let reply = &out.last().expect("a command").reply;
    (reply.text.clone(), reply.is_error)
}

#[test]
fn quest_files_are_there_and_output_can_be_redirected() {
    let mut s = session();
    assert_eq!(run(&mut s, "cat ~/k8s/deploy.yml"), ("kind: Deployment".into(), false));
    assert_eq!(run(&mut s, "ls"), ("k8s".into(), false));
    assert_eq!(run(&mut s, "aws sqs create-queue --queue-name jobs > queue.json"), (String::new(), false));
    let (text, _) = run(&mut s, "cat queue.json");
    assert!(text.contains("\"QueueUrl\": \"https://sqs.us-east-1.amazonaws.com/123456789012/jobs\""), "{text}");
    run(&mut s, "echo -n 'first' > note.txt");
    run(&mut s, "echo ' second' >> note.txt");
    assert_eq!(s.world().files.read("note.txt").unwrap(), "first second\n");
    // Errors are not redirected: they reach the terminal and write nothing.
    let (text, error) = run(&mut s, "aws ec2 stop-instances --instance-ids i-0123456789abcdef0 > out.txt");
    assert!(error && text.contains("InvalidInstanceID.NotFound"), "{text}");
    assert!(s.world().files.read("out.txt").is_err());
}

#[test]
fn file_parameters_load_from_the_home_directory() {
    let mut s = session();
    run(&mut s, r#"echo '{"ImageId":"ami-07d9e1a6b5c38f2e4","InstanceType":"t4g.small"}' > lt.json"#);
    let (text, error) = run(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name workers --launch-template-data file://lt.json \
         --query LaunchTemplate.LatestVersionNumber",
    );
    assert_eq!((text.as_str(), error), ("1", false));
    let (text, error) = run(&mut s, "aws sqs create-queue --queue-name q --attributes file://nope.json");
    assert!(error);
    assert!(text.contains("Unable to load paramfile file://nope.json: [Errno 2] No such file or directory: 'nope.json'"), "{text}");
}

#[test]
fn files_replay_from_the_log() {
    let mut s = session();
    run(&mut s, "echo 'multi\nline' > a.txt");
    run(&mut s, "rm k8s/deploy.yml");
    let quest = Quest::parse("files-test.toml", QUEST).unwrap();
    let (replayed, _) = Session::replay(quest, &s.log_text()).unwrap();
    assert_eq!(replayed.world().files, s.world().files);
    assert_eq!(replayed.world().files.read("a.txt").unwrap(), "multi\nline\n");
    assert!(replayed.world().files.read("k8s/deploy.yml").is_err());
    assert_eq!(replayed.digest(), s.digest());
}

#[test]
fn bad_quest_files_name_the_field() {
    let bad = QUEST.replace("path = \"k8s/deploy.yml\"", "path = \"/etc/shadow\"");
    let err = Quest::parse("files-test.toml", &bad).unwrap_err();
    assert_eq!(err.field, "world.files[0].path");
    assert!(err.message.contains("Permission denied"), "{err}");
}
