//! A quest being played: the world, the terminal, objectives and score.
//!
//! Everything the player does goes through a [`Session`] and is logged with
//! its simulated time, so that replaying the log into a fresh session of the
//! same quest gives the same world and the same score. Guards are checked
//! after every tick; goals after every command and at the end of every
//! simulated minute, which is soon enough for a player to see and keeps
//! long look-back checks ("a whole day without ...") out of the
//! second-by-second path. A goal, once met, stays met
//! (undoing the work later does not take its points back); a guard is
//! checked all along and costs its penalty each time it breaks.

use serde::Serialize;

use super::log::{parse_log, write_log, LogEntry, LogError};
use super::Quest;
use crate::calendar::parse_iso8601;
use crate::clock::{Speed, TICK_SECONDS};
use crate::command::{Executed, Shell};
use crate::clock::Seconds;
use crate::consumer::IDLE_WORKLOAD;
use crate::services::ec2::{InstanceState, LaunchSpec};
use crate::services::sqs::{QueueAttributes, RedrivePolicy};
use crate::world::World;
use crate::catalogue::catalogue;
use crate::services::launch_templates::encode_user_data;

/// Ticks a skip-ahead runs per call of [`Session::advance_wall`], so that a
/// long skip is spread over many frames and never freezes a page.
pub const SKIP_TICKS_PER_SLICE: u64 = 20_000;

/// Why points changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ScoreKind {
    ObjectiveMet,
    GuardBroken,
    GuardRestored,
    HintTaken,
    QuestCompleted,
}

/// One entry of the score feed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ScoreEvent {
    /// Simulated second it happened.
    pub time: u64,
    pub kind: ScoreKind,
    pub points: i64,
    pub message: String,
}

/// Where one objective stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ObjectiveStatus {
    pub id: String,
    pub title: String,
    pub guard: bool,
    /// For a goal: met (for good). For a guard: holding right now.
    pub ok: bool,
    /// Simulated second a goal was met, or a guard last broke.
    pub since: Option<u64>,
    /// Hints taken for this objective so far.
    pub hints_taken: usize,
}

/// A quest in play.
#[derive(Debug)]
pub struct Session {
    quest: Quest,
    world: World,
    shell: Shell,
    log: Vec<LogEntry>,
    objectives: Vec<ObjectiveStatus>,
    events: Vec<ScoreEvent>,
    completed_at: Option<u64>,
    skip_until: Option<u64>,
    skip_from: u64,
}

impl Session {
    /// Builds the quest's starting world and runs its warm-up.
    pub fn new(quest: Quest) -> Session {
        let world = build_world(&quest);
        let objectives = quest
            .objectives
            .iter()
            .map(|o| ObjectiveStatus {
                id: o.id.get_ref().clone(),
                title: o.title.clone(),
                guard: o.guard,
                ok: o.guard,
                since: None,
                hints_taken: 0,
            })
            .collect();
        let mut session = Session {
            quest,
            world,
            shell: Shell::default(),
            log: Vec::new(),
            objectives,
            events: Vec::new(),
            completed_at: None,
            skip_until: None,
            skip_from: 0,
        };
        let warmup = session.quest.warmup_seconds();
        while session.world.now() < warmup {
            session.world.tick();
        }
        session
    }

    /// A new session of `quest` with every entry of `log` replayed; also
    /// returns what each command printed.
    pub fn replay(quest: Quest, log: &str) -> Result<(Session, Vec<Executed>), LogError> {
        let entries = parse_log(log)?;
        let mut session = Session::new(quest);
        let mut outputs = Vec::new();
        for entry in entries {
            if let Some(at) = entry.at {
                session.run_until(at);
            }
            if !entry.command.is_empty() {
                outputs.extend(session.execute(&entry.command));
            }
        }
        Ok((session, outputs))
    }

    pub fn quest(&self) -> &Quest {
        &self.quest
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    /// Seconds since the quest started.
    pub fn now(&self) -> u64 {
        self.world.now()
    }

    /// Runs what the player typed, logs it, and checks objectives.
    pub fn execute(&mut self, input: &str) -> Vec<Executed> {
        let executed = self.shell.execute(&mut self.world, input);
        let now = self.world.now();
        for e in &executed {
            self.log.push(LogEntry { at: Some(now), command: e.source.clone() });
        }
        self.evaluate(true);
        executed
    }

    /// Commands typed so far, oldest first, for the arrow keys.
    pub fn history(&self) -> &[String] {
        &self.shell.history
    }

    pub fn speed(&self) -> Speed {
        self.world.env.clock.speed()
    }

    pub fn set_speed(&mut self, speed: Speed) {
        self.world.env.clock.set_speed(speed);
    }

    /// Lets `wall_ms` of real time pass: runs the ticks the speed asks for,
    /// then a slice of any skip-ahead in progress.
    pub fn advance_wall(&mut self, wall_ms: u64) {
        let ticks = self.world.env.clock.ticks_for_wall_ms(wall_ms);
        for _ in 0..ticks {
            self.tick();
        }
        if let Some(until) = self.skip_until {
            let target = until.min(self.now() + SKIP_TICKS_PER_SLICE * TICK_SECONDS);
            self.run_until(target);
            if self.now() >= until {
                self.skip_until = None;
            }
        }
    }

    /// Starts skipping `seconds` ahead; [`Session::advance_wall`] runs it in
    /// slices. A skip already under way is extended.
    pub fn skip(&mut self, seconds: u64) {
        let from = self.skip_until.unwrap_or(self.now());
        if self.skip_until.is_none() {
            self.skip_from = self.now();
        }
        self.skip_until = Some(from.saturating_add(seconds));
    }

    /// Fraction of the skip-ahead done, if one is under way.
    pub fn skip_progress(&self) -> Option<f64> {
        self.skip_until.map(|until| {
            let total = until.saturating_sub(self.skip_from).max(1);
            (self.now() - self.skip_from) as f64 / total as f64
        })
    }

    /// Runs ticks until simulated second `t`, at once.
    pub fn run_until(&mut self, t: u64) {
        while self.world.now() < t {
            self.tick();
        }
    }

    fn tick(&mut self) {
        self.world.tick();
        let minute_ends = self.world.now().is_multiple_of(60);
        self.evaluate(minute_ends);
    }

    /// The next hint for objective `id`, taking its cost from the score.
    /// Errors say why no hint is given.
    pub fn take_hint(&mut self, id: &str) -> Result<String, String> {
        let index = self.objectives.iter().position(|o| o.id == id).ok_or_else(|| format!("no objective {id:?}"))?;
        let taken = self.objectives[index].hints_taken;
        let hint = self
            .quest
            .hints
            .iter()
            .filter(|h| h.objective.get_ref() == id)
            .nth(taken)
            .ok_or_else(|| "The mentor has no more hints for this objective.".to_string())?
            .clone();
        self.objectives[index].hints_taken += 1;
        self.push_event(ScoreKind::HintTaken, -hint.cost, format!("Hint taken: {}", self.objectives[index].title));
        Ok(hint.text)
    }

    /// Cost of the next hint for objective `id`, if there is one.
    pub fn next_hint_cost(&self, id: &str) -> Option<i64> {
        let taken = self.objectives.iter().find(|o| o.id == id)?.hints_taken;
        self.quest.hints.iter().filter(|h| h.objective.get_ref() == id).nth(taken).map(|h| h.cost)
    }

    pub fn objectives(&self) -> &[ObjectiveStatus] {
        &self.objectives
    }

    pub fn score_events(&self) -> &[ScoreEvent] {
        &self.events
    }

    /// The points total, built only from score events.
    pub fn score(&self) -> i64 {
        self.events.iter().map(|e| e.points).sum()
    }

    /// Whether every goal is met with every guard holding, at some point.
    pub fn completed(&self) -> bool {
        self.completed_at.is_some()
    }

    /// The log so far, ending with the current time so that a replay
    /// reaches the same moment.
    pub fn log_text(&self) -> String {
        let mut entries = self.log.clone();
        let last = entries.iter().filter_map(|e| e.at).max().unwrap_or(0);
        if self.now() > last {
            entries.push(LogEntry { at: Some(self.now()), command: String::new() });
        }
        write_log(&entries)
    }

    /// Number of commands run, for golf.
    pub fn command_count(&self) -> usize {
        self.log.iter().filter(|e| !e.command.is_empty()).count()
    }

    /// Checks the guards, and the goals not yet met when `goals`.
    fn evaluate(&mut self, goals: bool) {
        let now = self.world.now();
        let mut changes = Vec::new();
        for (status, objective) in self.objectives.iter_mut().zip(&self.quest.objectives) {
            if !objective.guard && (status.ok || !goals) {
                continue;
            }
            let holds = objective.check.get_ref().holds(&self.world);
            if holds == status.ok {
                continue;
            }
            status.ok = holds;
            status.since = Some(now);
            let change = match (objective.guard, holds) {
                (false, _) => (ScoreKind::ObjectiveMet, objective.points, format!("Objective met: {}", objective.title)),
                (true, false) => (ScoreKind::GuardBroken, -objective.penalty, format!("Broken: {}", objective.title)),
                (true, true) => (ScoreKind::GuardRestored, 0, format!("Restored: {}", objective.title)),
            };
            changes.push(change);
        }
        for (kind, points, message) in changes {
            self.push_event(kind, points, message);
        }
        let needed = self.objectives.iter().zip(&self.quest.objectives).filter(|(_, o)| !o.bonus);
        if self.completed_at.is_none() && needed.map(|(s, _)| s).all(|s| s.ok) {
            self.completed_at = Some(now);
            let bonus = self.quest.scoring.completion_bonus;
            self.push_event(ScoreKind::QuestCompleted, bonus, format!("Quest complete: {}", self.quest.title));
        }
    }

    fn push_event(&mut self, kind: ScoreKind, points: i64, message: String) {
        self.events.push(ScoreEvent { time: self.world.now(), kind, points, message });
    }

    /// A fingerprint of world, score and log, equal on every platform for
    /// the same quest and log.
    pub fn digest(&self) -> String {
        let score = serde_json::to_string(&(&self.events, &self.objectives)).unwrap_or_default();
        let both = format!("{}|{:016x}", self.world.digest(), crate::world::fnv1a(score.as_bytes()));
        format!("{:016x}", crate::world::fnv1a(both.as_bytes()))
    }
}

fn build_world(quest: &Quest) -> World {
    let spec = &quest.world;
    let start = quest.start_unix();
    let mut world = World::new(spec.seed, spec.region.get_ref(), start);
    add_queues(&mut world, quest);
    add_launch_templates(&mut world, quest);
    for file in &spec.files {
        // Validation has written every file once already.
        let _ = world.files.write(file.path.get_ref(), &file.content, false);
    }
    let images: Vec<_> = spec.images.iter().map(|i| i.get_ref().clone()).collect();
    let eks = spec.eks.as_ref().map(|e| e.get_ref());
    crate::k8s::build(&mut world.eks, &mut world.env, &mut world.ec2, eks, &images);
    for instance in &spec.instances {
        let state = InstanceState::from_name(instance.state.get_ref()).unwrap_or(InstanceState::Running);
        let launch = LaunchSpec {
            instance_id: instance.instance_id.as_ref().map(|s| s.get_ref().clone()),
            instance_type: instance.instance_type.get_ref().clone(),
            image_id: None,
            tags: instance.tags.clone(),
            workload: instance.cpu.unwrap_or(IDLE_WORKLOAD),
            consumer: instance.consumer.as_ref().map(|c| c.get_ref().clone()),
            state,
            launch_time: instance.launched.as_ref().and_then(|t| parse_iso8601(t.get_ref())).unwrap_or(start),
            availability_zone: instance.zone.clone(),
        };
        // Validation has checked types and ids, so launching cannot fail
        // here; if it somehow did, the instance is left out of the world.
        let _ = world.ec2.launch(&mut world.env, launch);
    }
    world
}

/// Creates the quest's launch templates, version 1 each. Validation has
/// checked names, types and images.
fn add_launch_templates(world: &mut World, quest: &Quest) {
    for spec in &quest.world.launch_templates {
        let Some(ty) = catalogue().instance_type(spec.instance_type.get_ref()) else { continue };
        let image = match &spec.image_id {
            Some(id) => Some(id.get_ref().clone()),
            None => world.ec2.default_image(ty.architecture).map(|i| i.image_id.clone()),
        };
        let mut data = serde_json::Map::new();
        if let Some(image) = image {
            data.insert("ImageId".into(), image.into());
        }
        data.insert("InstanceType".into(), ty.name.clone().into());
        if let Some(text) = &spec.user_data {
            data.insert("UserData".into(), encode_user_data(text).into());
        }
        let World { ec2, env, .. } = world;
        let _ = ec2.launch_templates.create(env, spec.name.get_ref(), data, spec.description.clone(), Vec::new());
    }
}

/// Creates the quest's queues, then points them at their dead-letter
/// queues. Validation has checked names, ranges and dead-letter targets.
fn add_queues(world: &mut World, quest: &Quest) {
    for spec in &quest.world.queues {
        let defaults = QueueAttributes::default();
        let seconds = |s: &Option<toml::Spanned<Seconds>>, default: u64| {
            s.as_ref().map_or(default, |s| s.get_ref().0)
        };
        let attributes = QueueAttributes {
            visibility_timeout: seconds(&spec.visibility_timeout, defaults.visibility_timeout),
            message_retention_period: seconds(&spec.retention, defaults.message_retention_period),
            ..defaults
        };
        let traffic = spec.traffic.as_ref().map(|t| t.get_ref().clone());
        // A duplicate name cannot pass validation; if one did, it is skipped.
        let _ = world.sqs.add_queue(&mut world.env, spec.name.get_ref(), attributes, traffic);
    }
    for spec in &quest.world.queues {
        let Some(dlq) = &spec.dlq else { continue };
        let dlq = dlq.get_ref();
        let arn = world.sqs.arn_for(&world.env.region, &dlq.queue);
        let policy = RedrivePolicy {
            dead_letter_target_arn: arn,
            max_receive_count: dlq.max_receive_count,
        };
        if let Some(queue) = world.sqs.queue_mut(spec.name.get_ref()) {
            queue.attributes.redrive_policy = Some(policy);
        }
    }
}
