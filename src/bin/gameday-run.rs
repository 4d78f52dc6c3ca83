//! `gameday-run`: the quest runner for facilitators, authors and CI.
//!
//! - `gameday-run check [DIR]` loads every quest file in DIR (default
//!   `quests/`), replays each reference solution and fails unless it
//!   completes its quest.
//! - `gameday-run play QUEST LOG` replays a command log against a quest,
//!   printing every command's output, the score feed and the final score.
//! - `gameday-run bench [QUEST] [--solution]` measures simulated hours per
//!   wall second, after replaying the quest's reference solution if asked,
//!   and the memory CloudWatch's per-minute history takes per metric-day.
//! - `gameday-run digest QUEST LOG` prints the state fingerprint after a
//!   replay, to compare runs across machines and browsers.

// The runner is a native tool; a wasm32 test build of this package gets an
// empty binary instead.
#[cfg(target_arch = "wasm32")]
fn main() {}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    runner::main()
}

#[cfg(not(target_arch = "wasm32"))]
mod runner {
    use std::fs;
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;
    use std::time::Instant;

    use clap::{Parser, Subcommand};
    use gameday::clock::format_duration;
    use gameday::quest::{parse_log, Quest, Session};
    use gameday::services::cloudwatch::Metrics;

    #[derive(Parser)]
    #[command(name = "gameday-run", version, about = "Check, replay and measure GameDay Sandbox quests")]
    struct Cli {
        #[command(subcommand)]
        command: Command,
    }

    #[derive(Subcommand)]
    enum Command {
        /// Validate every quest file and replay each reference solution.
        Check {
            #[arg(default_value = "quests")]
            dir: PathBuf,
        },
        /// Replay a command log against a quest, printing everything.
        Play { quest: PathBuf, log: PathBuf },
        /// Simulated hours per wall second for a quest's world.
        Bench {
            #[arg(default_value = "quests/00-tutorial.toml")]
            quest: PathBuf,
            /// Simulated hours to run.
            #[arg(long, default_value_t = 24)]
            hours: u64,
            /// First replay the commands of the quest's reference solution
            /// (untimed; a final wait without a command is left out), so
            /// that the timed hours run the world as the solution leaves it.
            #[arg(long)]
            solution: bool,
            /// Run this many times and report the best and the median.
            #[arg(long, default_value_t = 1)]
            repeat: u32,
        },
        /// Print the state fingerprint after replaying a log.
        Digest { quest: PathBuf, log: PathBuf },
    }

    pub fn main() -> ExitCode {
        let result = match Cli::parse().command {
            Command::Check { dir } => check(&dir),
            Command::Play { quest, log } => play(&quest, &log),
            Command::Bench { quest, hours, solution, repeat } => {
                bench(&quest, hours, solution, repeat)
            }
            Command::Digest { quest, log } => digest(&quest, &log),
        };
        match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("gameday-run: {message}");
                ExitCode::FAILURE
            }
        }
    }

    fn load(path: &Path) -> Result<Quest, String> {
        let text = fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Quest::parse(&path.display().to_string(), &text).map_err(|e| e.to_string())
    }

    fn read_log(path: &Path) -> Result<String, String> {
        fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
    }

    fn check(dir: &Path) -> Result<(), String> {
        let mut files: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(format!("{}: no quest files (*.toml)", dir.display()));
        }
        let mut failures = 0;
        for file in &files {
            match check_one(file) {
                Ok(summary) => println!("ok    {}  {summary}", file.display()),
                Err(message) => {
                    failures += 1;
                    println!("FAIL  {message}");
                }
            }
        }
        match failures {
            0 => Ok(()),
            n => Err(format!("{n} of {} quest files failed", files.len())),
        }
    }

    fn check_one(file: &Path) -> Result<String, String> {
        let quest = load(file)?;
        let (session, outputs) = Session::replay(quest, session_solution(file)?.as_str())
            .map_err(|e| format!("{}: solution.log {e}", file.display()))?;
        if !session.completed() {
            let open: Vec<&str> =
                session.objectives().iter().filter(|o| !o.ok).map(|o| o.id.as_str()).collect();
            return Err(format!(
                "{}: the reference solution does not complete the quest; not met: {}",
                file.display(),
                open.join(", ")
            ));
        }
        let errors = outputs.iter().filter(|o| o.reply.is_error).count();
        Ok(format!(
            "{} commands, {errors} errors, score {}, at {}",
            session.command_count(),
            session.score(),
            format_duration(session.now())
        ))
    }

    fn session_solution(file: &Path) -> Result<String, String> {
        Ok(load(file)?.solution.log.into_inner())
    }

    fn play(quest: &Path, log: &Path) -> Result<(), String> {
        let quest = load(quest)?;
        let title = quest.title.clone();
        let (session, outputs) = Session::replay(quest, &read_log(log)?).map_err(|e| format!("{}: {e}", log.display()))?;
        println!("# {title}");
        for out in &outputs {
            println!("$ {}", out.source);
            if !out.reply.text.is_empty() {
                println!("{}", out.reply.text);
            }
            if let Some(hint) = &out.reply.hint {
                println!("hint: {hint}");
            }
        }
        println!("\n# Objectives");
        for o in session.objectives() {
            let mark = if o.ok { "x" } else { " " };
            let kind = if o.guard { " (guard)" } else { "" };
            println!("[{mark}] {}{kind}", o.title);
        }
        println!("\n# Score events");
        for e in session.score_events() {
            println!("{:>8}  {:+5}  {}", format_duration(e.time), e.points, e.message);
        }
        let rate = session.world().rate();
        println!(
            "\n# Final\nscore {}\ncompleted {}\ncommands {}\ncost ${:.4}/h, {:.1} g CO2e/h",
            session.score(),
            session.completed(),
            session.command_count(),
            rate.cost_usd_per_hour,
            rate.co2e_g_per_hour
        );
        Ok(())
    }

    fn bench(quest: &Path, hours: u64, solution: bool, repeat: u32) -> Result<(), String> {
        let quest = load(quest)?;
        let log = quest.solution.log.get_ref().clone();
        let mut walls = Vec::new();
        let mut last = None;
        for _ in 0..repeat.max(1) {
            let mut session = Session::new(quest.clone());
            if solution {
                replay_commands(&mut session, &log)?;
            }
            let from = session.now();
            let started = Instant::now();
            session.run_until(from + hours * 3600);
            walls.push(started.elapsed().as_secs_f64());
            last = Some(session);
        }
        walls.sort_by(f64::total_cmp);
        let (best, median) = (walls[0], walls[walls.len() / 2]);
        let per_day = |wall: f64| wall * 1000.0 * 24.0 / hours.max(1) as f64;
        println!(
            "simulated {hours} h in {best:.3} s wall (best of {}; median {median:.3} s): {:.0} \
             simulated hours per wall second (native, {:.1} ms per simulated day)",
            walls.len(),
            hours as f64 / best.max(1e-9),
            per_day(best)
        );

        let Some(session) = last else { return Ok(()) };
        let metrics = &session.world().env.metrics;
        let series = metrics.series().len();
        let minutes: usize = metrics.series().iter().map(|s| s.minutes.len()).sum();
        println!(
            "metric history: {series} series, {minutes} one-minute entries, {} bytes per \
             metric-day ({} bytes per entry x 1440; {} bytes on the heap now)",
            Metrics::BYTES_PER_METRIC_DAY,
            Metrics::BYTES_PER_MINUTE,
            metrics.heap_bytes()
        );
        Ok(())
    }

    /// Runs a log's commands at their times, without its final wait.
    fn replay_commands(session: &mut Session, log: &str) -> Result<(), String> {
        let entries = parse_log(log).map_err(|e| format!("solution.log {e}"))?;
        for entry in entries.iter().filter(|e| !e.command.is_empty()) {
            if let Some(at) = entry.at {
                session.run_until(at);
            }
            session.execute(&entry.command);
        }
        Ok(())
    }

    fn digest(quest: &Path, log: &Path) -> Result<(), String> {
        let (session, _) = Session::replay(load(quest)?, &read_log(log)?).map_err(|e| e.to_string())?;
        println!("{}", session.digest());
        Ok(())
    }
}
