//! The same seed and command log give the same world and score; the golden
//! digest in tests/golden/ is also checked in headless Chromium
//! (tests/wasm_sim.rs), so native and wasm32 runs must agree with it.

use std::fs;

use gameday::quest::{Quest, Session};
use proptest::prelude::*;

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");
const GOLDEN: &str = include_str!("golden/tutorial.digest");

fn tutorial() -> Quest {
    Quest::parse("00-tutorial.toml", TUTORIAL).unwrap()
}

#[test]
fn reference_solution_matches_the_golden_digest() {
    let quest = tutorial();
    let log = quest.solution.log.get_ref().clone();
    let (session, _) = Session::replay(quest, &log).unwrap();
    let actual = format!("{} {}\n", session.digest(), session.score());
    if std::env::var_os("GAMEDAY_BLESS").is_some() {
        fs::write(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/tutorial.digest"), &actual).unwrap();
        return;
    }
    assert_eq!(
        actual, GOLDEN,
        "the tutorial's state changed; if that is intended, rerun with GAMEDAY_BLESS=1 \
         (the wasm test compares against the same file)"
    );
}

#[test]
fn other_seeds_give_other_worlds() {
    let quest = tutorial();
    let mut other = quest.clone();
    other.world.seed += 1;
    let a = Session::new(quest);
    let b = Session::new(other);
    assert_ne!(a.world().digest(), b.world().digest());
}

fn command() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("aws ec2 describe-instances".to_string()),
        Just("aws ec2 stop-instances --instance-ids i-07c6d5e4f3a2b1744".to_string()),
        Just("aws ec2 start-instances --instance-ids i-07c6d5e4f3a2b1744".to_string()),
        Just("aws ec2 terminate-instances --instance-ids i-0d4c3b2a1f0e9d766".to_string()),
        Just("aws ec2 stop-instances --instance-ids i-0a1b2c3d4e5f60711".to_string()),
        Just("aws cloudwatch list-metrics --namespace AWS/EC2".to_string()),
        Just("kubectl get pods".to_string()),
        "[a-z -]{0,20}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn same_seed_and_log_same_world(steps in proptest::collection::vec((0u64..900, command()), 0..8)) {
        let mut log = String::new();
        let mut t = 7200;
        for (dt, cmd) in &steps {
            t += dt;
            log.push_str(&format!("@{t} {cmd}\n"));
        }
        let (a, out_a) = Session::replay(tutorial(), &log).unwrap();
        let (b, out_b) = Session::replay(tutorial(), &log).unwrap();
        prop_assert_eq!(a.digest(), b.digest());
        prop_assert_eq!(a.score(), b.score());
        prop_assert_eq!(out_a, out_b);
    }
}
