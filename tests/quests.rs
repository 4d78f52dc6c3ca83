//! Every quest file loads, and its reference solution completes it; naive
//! solutions fail the objective they should.

use std::fs;
use std::path::PathBuf;

use gameday::quest::{Quest, ScoreKind, Session};

fn quest_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/quests"))
        .expect("quests/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

fn load(path: &PathBuf) -> Quest {
    let text = fs::read_to_string(path).expect("readable quest file");
    Quest::parse(&path.display().to_string(), &text).unwrap_or_else(|e| panic!("{e}"))
}

fn tutorial() -> Quest {
    load(&PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/quests/00-tutorial.toml")))
}

#[test]
fn every_reference_solution_completes_its_quest() {
    let files = quest_files();
    assert!(!files.is_empty(), "no quest files found");
    for file in files {
        let quest = load(&file);
        let log = quest.solution.log.get_ref().clone();
        let (session, outputs) = Session::replay(quest, &log).expect("solution log parses");
        let open: Vec<_> = session.objectives().iter().filter(|o| !o.ok).map(|o| &o.id).collect();
        assert!(session.completed(), "{}: not completed; open objectives {open:?}", file.display());
        let errors: Vec<_> = outputs.iter().filter(|o| o.reply.is_error).map(|o| &o.source).collect();
        assert!(errors.is_empty(), "{}: solution commands failed: {errors:?}", file.display());
    }
}

#[test]
fn quest_ids_are_unique() {
    let ids: Vec<String> = quest_files().iter().map(|f| load(f).id.into_inner()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(ids.len(), unique.len(), "{ids:?}");
}

#[test]
fn terminating_everything_breaks_the_shop_guard() {
    let log = "@7200 aws ec2 describe-instances\n\
               aws ec2 terminate-instances --instance-ids i-0a1b2c3d4e5f60711 i-0a1b2c3d4e5f60722 \
               i-0e9f8a7b6c5d40733 i-07c6d5e4f3a2b1744 i-03f2e1d0c9b8a7755 i-0d4c3b2a1f0e9d766\n@7400";
    let (session, _) = Session::replay(tutorial(), log).unwrap();
    let guard = session.objectives().iter().find(|o| o.id == "shop-up").unwrap();
    assert!(!guard.ok, "the shop guard must be broken");
    assert!(!session.completed(), "a quest with a broken guard is not complete");
    assert!(session.score_events().iter().any(|e| e.kind == ScoreKind::GuardBroken && e.points < 0));
}

#[test]
fn stopping_only_one_idle_instance_is_not_enough() {
    let log = "@7200 aws ec2 stop-instances --instance-ids i-0d4c3b2a1f0e9d766\n@7400";
    let (session, _) = Session::replay(tutorial(), log).unwrap();
    let idle = session.objectives().iter().find(|o| o.id == "idle-off").unwrap();
    assert!(!idle.ok);
    assert!(!session.completed());
}

#[test]
fn cost_and_carbon_fall_with_the_reference_solution() {
    let quest = tutorial();
    let log = quest.solution.log.get_ref().clone();
    let before = Session::new(quest.clone()).world().rate();
    let (after, _) = Session::replay(quest, &log).unwrap();
    let after = after.world().rate();
    assert!(after.cost_usd_per_hour < before.cost_usd_per_hour * 0.5, "{before:?} -> {after:?}");
    assert!(after.co2e_g_per_hour < before.co2e_g_per_hour * 0.8, "{before:?} -> {after:?}");
}

#[test]
fn hints_cost_points_in_order() {
    let mut session = Session::new(tutorial());
    assert_eq!(session.next_hint_cost("measure"), Some(10));
    let first = session.take_hint("measure").unwrap();
    assert!(first.contains("CPUUtilization"));
    assert_eq!(session.score(), -10);
    assert_eq!(session.next_hint_cost("measure"), Some(20));
    session.take_hint("measure").unwrap();
    assert!(session.take_hint("measure").is_err(), "no third hint");
    assert!(session.take_hint("no-such-objective").is_err());
    assert_eq!(session.score(), -30);
}

#[test]
fn a_session_log_replays_to_the_same_state() {
    let mut live = Session::new(tutorial());
    live.run_until(7300);
    live.execute("aws ec2 describe-instances --filters Name=tag:Team,Values=platform");
    live.execute("aws ec2 stop-instances --instance-ids i-03f2e1d0c9b8a7755; help");
    live.skip(600);
    while live.skip_progress().is_some() {
        live.advance_wall(16);
    }
    let (replayed, _) = Session::replay(tutorial(), &live.log_text()).unwrap();
    assert_eq!(replayed.now(), live.now());
    assert_eq!(replayed.digest(), live.digest());
    assert_eq!(replayed.score(), live.score());
}
