//! Quests: what the player is asked to do, as data.
//!
//! A quest file (TOML, under `quests/`) holds a story, a starting world and
//! its seed, objectives as predicates over the world, scoring rules, hints
//! with point costs and a reference solution as a command log. The engine
//! knows no quest by name: everything a quest needs is in its file.
//! [`Quest::parse`] rejects a malformed file with the file, line, column and
//! field at fault. [`Session`] plays a quest.

mod check;
mod log;
mod scaling;
mod session;

use std::fmt;
use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;

pub use check::{Check, InstanceSelector};
pub use scaling::{
    AlarmWired, GroupArchitecture, GroupCapacity, OneOrMany, PolicyEffect, ScaleInPath,
};
pub use log::{parse_log, write_log, LogEntry, LogError};
pub use session::{ObjectiveStatus, ScoreEvent, ScoreKind, Session};

use crate::calendar::parse_iso8601;
use crate::catalogue::catalogue;
use crate::clock::{parse_duration, Seconds};
use crate::consumer::Consumer;
use crate::services::ec2::{is_instance_id, InstanceState, Workload};
use crate::services::sqs::{
    is_queue_name, TrafficProfile, MAX_RECEIVE_COUNT, MAX_RETENTION, MAX_VISIBILITY_TIMEOUT,
    MIN_RETENTION,
};

/// Largest quest file the loader reads, in bytes.
pub const MAX_QUEST_BYTES: usize = 256 * 1024;

/// A quest, loaded and validated.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quest {
    /// Stable identifier, used for saved progress and leaderboards.
    pub id: Spanned<String>,
    pub title: String,
    /// One line for the quest picker.
    pub summary: String,
    /// Position in the quest picker.
    #[serde(default)]
    pub order: u32,
    pub story: String,
    pub world: WorldSpec,
    pub objectives: Vec<Objective>,
    #[serde(default)]
    pub scoring: Scoring,
    #[serde(default)]
    pub hints: Vec<Hint>,
    pub solution: Solution,
}

/// The world a quest starts from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldSpec {
    pub seed: u64,
    pub region: Spanned<String>,
    /// The calendar instant of simulated second 0, ISO 8601.
    pub start_time: Spanned<String>,
    /// Simulated time that passes before the player takes over, so that
    /// metrics have history: `2h`, `30m`.
    #[serde(default)]
    pub warmup: Option<Spanned<String>>,
    #[serde(default)]
    pub instances: Vec<InstanceSpec>,
    /// SQS queues, created before the instances that consume them.
    #[serde(default)]
    pub queues: Vec<QueueSpec>,
    /// EC2 launch templates the company already has, each with version 1.
    #[serde(default)]
    pub launch_templates: Vec<LaunchTemplateSpec>,
    /// Files waiting in the player's home directory.
    #[serde(default)]
    pub files: Vec<FileSpec>,
    /// An EKS cluster with managed node groups, Ready at the start; none
    /// by default. See [`crate::k8s::ClusterSpec`].
    #[serde(default)]
    pub eks: Option<Spanned<crate::k8s::ClusterSpec>>,
    /// Images in the account's ECR registry (`repository`, `tag`,
    /// `architectures`, `port` ...). See [`crate::k8s::registry::Image`].
    #[serde(default)]
    pub images: Vec<Spanned<crate::k8s::registry::Image>>,
}

/// A file in the player's home directory at the start.
///
/// ```toml
/// [[world.files]]
/// path = "deploy.yml"          # relative to the home directory
/// content = """
/// apiVersion: apps/v1
/// ...
/// """
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSpec {
    pub path: Spanned<String>,
    pub content: String,
}

/// A launch template of the starting world, with one version.
///
/// ```toml
/// [[world.launch_templates]]
/// name = "orders-worker"
/// instance_type = "m5.xlarge"
/// user_data = "#!/bin/bash\nQUEUE=orders\n"   # plain text; EC2 keeps it base64
/// description = "orders consumer"
/// # image_id: the Amazon Linux 2023 AMI of the type's architecture by default
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LaunchTemplateSpec {
    pub name: Spanned<String>,
    pub instance_type: Spanned<String>,
    #[serde(default)]
    pub image_id: Option<Spanned<String>>,
    /// The script instances run at boot, as plain text.
    #[serde(default)]
    pub user_data: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

/// One standard SQS queue of the starting world.
///
/// ```toml
/// [[world.queues]]
/// name = "orders"
/// visibility_timeout = "30s"      # default 30 s, at most 12 h
/// retention = "4h"                # default 4 days; 1 minute to 14 days
/// dlq = { queue = "orders-dlq", max_receive_count = 5 }
/// traffic = { rate = 40, daily_amplitude = 0.5, peak_hour = 14, bursts_per_day = 3 }
/// ```
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueSpec {
    pub name: Spanned<String>,
    /// `VisibilityTimeout`; 30 seconds by default.
    #[serde(default)]
    pub visibility_timeout: Option<Spanned<Seconds>>,
    /// `MessageRetentionPeriod`; 4 days by default.
    #[serde(default)]
    pub retention: Option<Spanned<Seconds>>,
    /// A dead-letter queue (declared as another queue) for the
    /// `RedrivePolicy`; none by default.
    #[serde(default)]
    pub dlq: Option<Spanned<DeadLetterSpec>>,
    /// Where messages come from; none by default (a queue only the player
    /// or a redrive policy fills).
    #[serde(default)]
    pub traffic: Option<Spanned<TrafficProfile>>,
}

/// A queue's `RedrivePolicy`: the dead-letter queue and after how many
/// receives a message goes there.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadLetterSpec {
    /// Name of another queue of the starting world.
    pub queue: String,
    /// `maxReceiveCount`, 1 to 1000.
    pub max_receive_count: u32,
}

/// One instance (or `count` alike) of the starting world.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSpec {
    #[serde(default)]
    pub instance_id: Option<Spanned<String>>,
    pub instance_type: Spanned<String>,
    #[serde(default)]
    pub tags: std::collections::BTreeMap<String, String>,
    /// CPU load of what the instance runs. Required without a consumer;
    /// with one it is the baseline the consumer's work adds to (about 2 %
    /// by default).
    #[serde(default)]
    pub cpu: Option<Workload>,
    /// A worker that consumes one of the world's queues, such as
    /// `consumer = { queue = "orders" }`; none by default.
    #[serde(default)]
    pub consumer: Option<Spanned<Consumer>>,
    #[serde(default = "default_state")]
    pub state: Spanned<String>,
    /// When it was launched, ISO 8601; defaults to the quest's start.
    #[serde(default)]
    pub launched: Option<Spanned<String>>,
    #[serde(default = "default_zone")]
    pub zone: String,
}

fn default_state() -> Spanned<String> {
    Spanned::new(0..0, "running".to_string())
}

fn default_zone() -> String {
    "us-east-1a".to_string()
}

/// Something the player must achieve (a goal) or keep true (a guard).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    pub id: Spanned<String>,
    pub title: String,
    /// Points when a goal is met.
    #[serde(default)]
    pub points: i64,
    /// A guard must hold all along; it starts true and costs `penalty`
    /// points each time it breaks.
    #[serde(default)]
    pub guard: bool,
    #[serde(default)]
    pub penalty: i64,
    /// A bonus goal earns its points but is not needed to complete the
    /// quest.
    #[serde(default)]
    pub bonus: bool,
    pub check: Spanned<Check>,
}

/// Points beyond those of objectives.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Awarded once, when every goal is met and every guard holds.
    #[serde(default)]
    pub completion_bonus: i64,
}

/// A mentor's hint for one objective; an objective's hints are given in
/// file order, each more detailed than the last.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hint {
    pub objective: Spanned<String>,
    pub cost: i64,
    pub text: String,
}

/// The reference solution.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Solution {
    /// A command log (see [`parse_log`]) that completes the quest.
    pub log: Spanned<String>,
}

/// Why a quest file was rejected: where, which field, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// The field at fault, as a path such as `world.instances[1].instance_type`.
    pub field: String,
    pub message: String,
}

impl fmt::Display for QuestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.field.is_empty() {
            write!(f, "{}: ", self.field)?;
        }
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for QuestError {}

impl Quest {
    /// Parses and validates a quest file. `file` names it in errors.
    pub fn parse(file: &str, text: &str) -> Result<Quest, QuestError> {
        let error = |span: Option<Range<usize>>, field: &str, message: String| {
            let (line, column) = span.map_or((1, 1), |s| line_column(text, s.start));
            QuestError { file: file.to_string(), line, column, field: field.to_string(), message }
        };
        if text.len() > MAX_QUEST_BYTES {
            return Err(error(
                None,
                "",
                format!("the file is {} bytes; a quest file may hold at most {MAX_QUEST_BYTES}", text.len()),
            ));
        }
        let quest: Quest = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            let field = field_in_message(&message).to_string();
            error(e.span(), &field, message)
        })?;
        quest.validate().map_err(|(span, field, message)| error(Some(span), &field, message))?;
        Ok(quest)
    }

    /// The starting instant as Unix seconds. Validated at load time.
    pub fn start_unix(&self) -> i64 {
        parse_iso8601(self.world.start_time.get_ref()).unwrap_or(0)
    }

    /// Warm-up in simulated seconds. Validated at load time.
    pub fn warmup_seconds(&self) -> u64 {
        self.world.warmup.as_ref().and_then(|w| parse_duration(w.get_ref())).unwrap_or(0)
    }

    /// Checks what the types alone cannot: names that must exist, ids that
    /// must be unique, text that must parse. Returns span, field and message.
    fn validate(&self) -> Result<(), (Range<usize>, String, String)> {
        let fail = |s: Range<usize>, field: String, msg: String| Err((s, field, msg));
        if !is_slug(self.id.get_ref()) {
            return fail(self.id.span(), "id".into(), "use lowercase letters, digits and '-'".into());
        }
        let world = &self.world;
        if !catalogue().has_region(world.region.get_ref()) {
            return fail(world.region.span(), "world.region".into(), format!("unknown region {:?}", world.region.get_ref()));
        }
        if parse_iso8601(world.start_time.get_ref()).is_none() {
            return fail(world.start_time.span(), "world.start_time".into(), "expected an ISO 8601 instant such as 2026-03-02T09:00:00Z".into());
        }
        if let Some(w) = &world.warmup {
            if parse_duration(w.get_ref()).is_none_or(|s| s > 7 * 86_400) {
                return fail(w.span(), "world.warmup".into(), "expected a duration up to 7d, such as 90m or 2h".into());
            }
        }
        for (i, spec) in world.instances.iter().enumerate() {
            let field = |name: &str| format!("world.instances[{i}].{name}");
            if catalogue().instance_type(spec.instance_type.get_ref()).is_none() {
                return fail(spec.instance_type.span(), field("instance_type"), format!("unknown instance type {:?}", spec.instance_type.get_ref()));
            }
            if InstanceState::from_name(spec.state.get_ref()).is_none_or(|s| !matches!(s, InstanceState::Running | InstanceState::Stopped)) {
                return fail(spec.state.span(), field("state"), "a starting instance is \"running\" or \"stopped\"".into());
            }
            if let Some(id) = &spec.instance_id {
                if !is_instance_id(id.get_ref()) {
                    return fail(id.span(), field("instance_id"), "expected i- and 17 hex digits".into());
                }
                if world.instances[..i].iter().any(|o| o.instance_id.as_ref().map(|x| x.get_ref()) == Some(id.get_ref())) {
                    return fail(id.span(), field("instance_id"), "duplicate instance id".into());
                }
            }
            if let Some(t) = &spec.launched {
                if parse_iso8601(t.get_ref()).is_none() {
                    return fail(t.span(), field("launched"), "expected an ISO 8601 instant".into());
                }
            }
            let percent = |x: f64| (0.0..=100.0).contains(&x);
            match (&spec.cpu, &spec.consumer) {
                (None, None) => {
                    let message = "give the instance a cpu = { base = ... } workload or a \
                                   consumer = { queue = ... }";
                    return fail(spec.instance_type.span(), field("cpu"), message.into());
                }
                (Some(cpu), _) if !percent(cpu.base) || !percent(cpu.jitter) => {
                    let message = "base and jitter are percentages, 0 to 100";
                    return fail(spec.instance_type.span(), field("cpu"), message.into());
                }
                _ => {}
            }
            if let Some(consumer) = &spec.consumer {
                let c = consumer.get_ref();
                if let Err(message) = c.validate() {
                    return fail(consumer.span(), field("consumer"), message);
                }
                if !world.queues.iter().any(|q| q.name.get_ref() == &c.queue) {
                    let message = format!("no queue named {:?} in world.queues", c.queue);
                    return fail(consumer.span(), field("consumer.queue"), message);
                }
            }
        }
        self.validate_queues()?;
        self.validate_launch_templates()?;
        self.validate_eks()?;
        let mut files = crate::files::Files::default();
        for (i, file) in world.files.iter().enumerate() {
            if let Err(e) = files.write(file.path.get_ref(), &file.content, false) {
                return fail(file.path.span(), format!("world.files[{i}].path"), e.message());
            }
        }
        if !self.objectives.iter().any(|o| !o.guard) {
            return fail(self.id.span(), "objectives".into(), "a quest needs at least one goal (an objective that is not a guard)".into());
        }
        for (i, objective) in self.objectives.iter().enumerate() {
            if self.objectives[..i].iter().any(|o| o.id.get_ref() == objective.id.get_ref()) {
                return fail(objective.id.span(), format!("objectives[{i}].id"), format!("duplicate objective id {:?}", objective.id.get_ref()));
            }
            if objective.bonus && objective.guard {
                return fail(objective.id.span(), format!("objectives[{i}].bonus"), "a guard cannot be a bonus; only goals can".into());
            }
            if let Err(message) = objective.check.get_ref().validate() {
                return fail(objective.check.span(), format!("objectives[{i}].check"), message);
            }
            let mut queues = Vec::new();
            objective.check.get_ref().queues(&mut queues);
            let declared = |q: &&str| world.queues.iter().any(|w| w.name.get_ref() == q);
            if let Some(q) = queues.iter().find(|q| !declared(q)) {
                let message = format!("no queue named {q:?} in world.queues");
                return fail(objective.check.span(), format!("objectives[{i}].check"), message);
            }
        }
        for (i, hint) in self.hints.iter().enumerate() {
            if !self.objectives.iter().any(|o| o.id.get_ref() == hint.objective.get_ref()) {
                return fail(hint.objective.span(), format!("hints[{i}].objective"), format!("no objective has id {:?}", hint.objective.get_ref()));
            }
            if hint.cost < 0 {
                return fail(hint.objective.span(), format!("hints[{i}].cost"), "a hint's cost is zero or more points".into());
            }
        }
        if let Err(e) = parse_log(self.solution.log.get_ref()) {
            let span = self.solution.log.span();
            return fail(span, "solution.log".into(), e.to_string());
        }
        Ok(())
    }
}

impl Quest {
    /// Checks `[[world.queues]]`: names, durations, dead-letter queues and
    /// traffic profiles.
    fn validate_queues(&self) -> Result<(), (Range<usize>, String, String)> {
        let queues = &self.world.queues;
        // Names first, so that a reference to a queue is judged against a
        // list of good names.
        for (i, queue) in queues.iter().enumerate() {
            let (name, span) = (queue.name.get_ref(), queue.name.span());
            let field = format!("world.queues[{i}].name");
            if !is_queue_name(name) {
                let message = "a queue name has 1 to 80 letters, digits, hyphens or underscores";
                return Err((span, field, message.into()));
            }
            if queues[..i].iter().any(|q| q.name.get_ref() == name) {
                return Err((span, field, format!("duplicate queue name {name:?}")));
            }
        }
        for (i, queue) in queues.iter().enumerate() {
            let field = |name: &str| format!("world.queues[{i}].{name}");
            if let Some(t) = &queue.visibility_timeout {
                if t.get_ref().0 > MAX_VISIBILITY_TIMEOUT {
                    let message = "at most 12h (43200 seconds)".into();
                    return Err((t.span(), field("visibility_timeout"), message));
                }
            }
            if let Some(r) = &queue.retention {
                if !(MIN_RETENTION..=MAX_RETENTION).contains(&r.get_ref().0) {
                    let message = "from 1m (60 seconds) to 14d".into();
                    return Err((r.span(), field("retention"), message));
                }
            }
            if let Some(dlq) = &queue.dlq {
                let d = dlq.get_ref();
                if !queues.iter().any(|q| q.name.get_ref() == &d.queue) {
                    let message = format!("no queue named {:?} in world.queues", d.queue);
                    return Err((dlq.span(), field("dlq.queue"), message));
                }
                if !(1..=MAX_RECEIVE_COUNT).contains(&d.max_receive_count) {
                    let message = "from 1 to 1000".into();
                    return Err((dlq.span(), field("dlq.max_receive_count"), message));
                }
            }
            if let Some(traffic) = &queue.traffic {
                if let Err((name, message)) = traffic.get_ref().validate() {
                    return Err((traffic.span(), field(&format!("traffic.{name}")), message));
                }
            }
        }
        Ok(())
    }
}

impl Quest {
    /// Checks `[[world.launch_templates]]`: names, types and images.
    fn validate_launch_templates(&self) -> Result<(), (Range<usize>, String, String)> {
        let templates = &self.world.launch_templates;
        for (i, spec) in templates.iter().enumerate() {
            let field = |name: &str| format!("world.launch_templates[{i}].{name}");
            let name = spec.name.get_ref();
            if let Err(e) = crate::services::launch_templates::check_template_name(name) {
                return Err((spec.name.span(), field("name"), e.message));
            }
            if templates[..i].iter().any(|t| t.name.get_ref() == name) {
                return Err((spec.name.span(), field("name"), format!("duplicate launch template name {name:?}")));
            }
            let Some(ty) = catalogue().instance_type(spec.instance_type.get_ref()) else {
                let message = format!("unknown instance type {:?}", spec.instance_type.get_ref());
                return Err((spec.instance_type.span(), field("instance_type"), message));
            };
            if let Some(image) = &spec.image_id {
                match crate::services::ec2::Ec2::new("").images.iter().find(|i| &i.image_id == image.get_ref()) {
                    None => {
                        let message = format!("unknown image {:?}; the region has the Amazon Linux 2023 AMIs", image.get_ref());
                        return Err((image.span(), field("image_id"), message));
                    }
                    Some(found) if found.architecture != ty.architecture => {
                        let message = format!(
                            "image {} is {}, instance type {} is {}",
                            found.image_id,
                            found.architecture.as_str(),
                            ty.name,
                            ty.architecture.as_str()
                        );
                        return Err((image.span(), field("image_id"), message));
                    }
                    Some(_) => {}
                }
            }
            if spec.user_data.as_ref().is_some_and(|u| u.len() > 16 * 1024) {
                return Err((spec.name.span(), field("user_data"), "user data is limited to 16 KB".into()));
            }
        }
        Ok(())
    }
}

impl Quest {
    /// Checks `[world.eks]` and `[[world.images]]`.
    fn validate_eks(&self) -> Result<(), (Range<usize>, String, String)> {
        if let Some(eks) = &self.world.eks {
            if let Err(message) = eks.get_ref().validate() {
                let (field, message) = message.split_once(": ").unwrap_or(("", &message));
                return Err((eks.span(), format!("world.eks.{field}"), message.to_string()));
            }
        }
        for (i, image) in self.world.images.iter().enumerate() {
            if let Err(message) = image.get_ref().validate() {
                return Err((image.span(), format!("world.images[{i}]"), message));
            }
        }
        Ok(())
    }
}

fn is_slug(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// 1-based line and column of byte offset `at`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at.min(text.len())).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The field a TOML error names, such as `instnce_type` in "unknown field
/// `instnce_type`", or "missing field `story`".
fn field_in_message(message: &str) -> &str {
    message.split('`').nth(1).unwrap_or("")
}
