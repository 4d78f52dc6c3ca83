//! How fast a simulated day runs inside headless Chromium (wasm32): a
//! measurement, not a test of speed. Each case replays a quest's reference
//! solution (its commands, not its final wait), then times one simulated
//! day at one-second ticks and prints a `FIGURE wasm-day` line; it asserts
//! only that the day was simulated.
//!
//! Not part of `scripts/test.sh`: `scripts/figures.sh` runs it with the
//! release profile (the one the app ships with), for example
//!
//! ```sh
//! cargo test --release --target wasm32-unknown-unknown --test wasm_bench -- --nocapture
//! ```
//!
//! The native counterpart is `gameday-run bench QUEST --solution`.
#![cfg(target_arch = "wasm32")]

use gameday::quest::{parse_log, Quest, Session};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");
const RIGHT_SIZE: &str = include_str!("../quests/01-right-size.toml");

/// Times how many days; the best of them is the figure.
const DAYS: usize = 3;

#[wasm_bindgen_test]
fn tutorial_day() {
    measure("00-tutorial.toml", TUTORIAL, false);
}

#[wasm_bindgen_test]
fn right_size_solution_day() {
    measure("01-right-size.toml", RIGHT_SIZE, true);
}

/// Prints the best and the median wall time of a simulated day of `quest`,
/// after its reference solution's commands if `solution`.
fn measure(name: &str, text: &str, solution: bool) {
    let now = performance_now();
    let mut walls = Vec::new();
    for _ in 0..DAYS {
        let quest = Quest::parse(name, text).expect("quest parses in the browser");
        let log = quest.solution.log.get_ref().clone();
        let mut session = Session::new(quest);
        if solution {
            for entry in parse_log(&log).expect("log parses").iter() {
                if entry.command.is_empty() {
                    continue;
                }
                if let Some(at) = entry.at {
                    session.run_until(at);
                }
                session.execute(&entry.command);
            }
        }
        let from = session.now();
        let started = now();
        session.run_until(from + 86_400);
        walls.push(now() - started);
        assert_eq!(session.now(), from + 86_400);
    }
    walls.sort_by(f64::total_cmp);
    console_log!(
        "FIGURE wasm-day {name}{}: {:.1} ms per simulated day (best of {DAYS}; median {:.1} ms)",
        if solution { " after its solution" } else { "" },
        walls[0],
        walls[walls.len() / 2]
    );
}

/// `performance.now()` through js_sys, without a web-sys dependency.
fn performance_now() -> impl Fn() -> f64 {
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
