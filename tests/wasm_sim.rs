//! The simulation inside headless Chromium (wasm32), checked against the
//! native result.
//!
//! tests/determinism.rs holds the native run to the golden digest in
//! tests/golden/; here the same quest and log must give the same digest in
//! the browser, so native and wasm32 agree. Run by `scripts/test.sh`
//! (stage "wasm tests").
#![cfg(target_arch = "wasm32")]

use gameday::quest::{Quest, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");
const GOLDEN: &str = include_str!("golden/tutorial.digest");
const CLI_LOG: &str = include_str!("golden/cli.log");
const CLI_GOLDEN: &str = include_str!("golden/cli.txt");

fn tutorial() -> Quest {
    Quest::parse("00-tutorial.toml", TUTORIAL).expect("tutorial parses in the browser")
}

#[wasm_bindgen_test]
fn reference_solution_gives_the_native_digest() {
    let quest = tutorial();
    let log = quest.solution.log.get_ref().clone();
    let (session, _) = Session::replay(quest, &log).expect("log parses");
    assert!(session.completed());
    assert_eq!(format!("{} {}\n", session.digest(), session.score()), GOLDEN);
}

#[wasm_bindgen_test]
fn cli_transcript_matches_native() {
    let (_, outputs) = Session::replay(tutorial(), CLI_LOG).expect("log parses");
    let transcript = gameday::command::transcript(&outputs);
    assert_eq!(transcript, CLI_GOLDEN);
}

/// Prints simulated hours per wall second in the browser; the figure is
/// quoted in README.md. It asserts only that the day was simulated.
#[wasm_bindgen_test]
fn simulated_day_speed_in_browser() {
    let performance = web_sys_performance();
    let mut session = Session::new(tutorial());
    let from = session.now();
    let started = performance();
    session.run_until(from + 24 * 3600);
    let wall_s = (performance() - started) / 1000.0;
    assert_eq!(session.now(), from + 24 * 3600);
    wasm_bindgen_test::console_log!(
        "FIGURE wasm: simulated 24 h in {wall_s:.3} s wall: {:.0} simulated hours per wall second",
        24.0 / wall_s.max(1e-9)
    );
}

/// `performance.now()` through js_sys, without a web-sys dependency.
fn web_sys_performance() -> impl Fn() -> f64 {
    use wasm_bindgen::JsCast;
    let global = js_sys::global();
    let performance = js_sys::Reflect::get(&global, &"performance".into()).ok();
    move || {
        performance
            .as_ref()
            .and_then(|p| {
                let now = js_sys::Reflect::get(p, &"now".into()).ok()?;
                let now: js_sys::Function = now.dyn_into().ok()?;
                now.call0(p).ok()?.as_f64()
            })
            .unwrap_or(0.0)
    }
}
