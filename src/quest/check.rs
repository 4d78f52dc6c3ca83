//! Objective predicates: questions a quest asks of the world.
//!
//! Each check is a small, named question in the services' own terms, so
//! that quest files read like the real cloud: "are all instances tagged
//! Team=legacy stopped or terminated?", "was DescribeInstances called?".
//! Checks combine with `all_of`, `any_of` and `not`.
//!
//! Queue checks look back over a span of simulated time rather than at one
//! instant, so that "no message was lost all day" can be asked: the span
//! starts at `since` (a simulated second, 0 by default) or, with `window`,
//! at most that many seconds ago, and ends now. Queues keep minute-by-minute
//! history, so a span's start is rounded down to its minute.

use serde::Deserialize;

use crate::services::ec2::{is_instance_id, Instance, InstanceState};
use crate::services::sqs::{is_queue_name, Queue, Totals};
use super::scaling::{AlarmWired, GroupArchitecture, GroupCapacity, ScaleInPath};
use crate::world::World;

/// One predicate over the world.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The player has called this API successfully (CloudTrail's view).
    ApiCalled { service: String, operation: String },
    /// At least one instance matches, and every matching one is in one of
    /// `states`.
    /// With `for_at_least`, each has been in its state for at least that
    /// many seconds ("gone for a day").
    InstancesInState {
        #[serde(flatten)]
        select: InstanceSelector,
        states: Vec<String>,
        #[serde(default)]
        for_at_least: u64,
    },
    /// Everything running costs less than this, per hour.
    CostPerHourBelow { usd: f64 },
    /// Everything running emits less than this, in grams CO2e per hour.
    Co2ePerHourBelow { grams: f64 },
    /// Simulated time has reached `seconds` since the quest started. With
    /// `all_of`, it makes a goal wait until a span has been lived through.
    TimeAtLeast { seconds: u64 },
    /// At most `count` messages of `queue` were lost in the span: deleted
    /// unprocessed at the end of the retention period, or purged. Messages
    /// moved to a dead-letter queue are not lost.
    MessagesLostAtMost {
        queue: String,
        count: u64,
        #[serde(default)]
        since: u64,
        #[serde(default)]
        window: Option<u64>,
    },
    /// The queue's `ApproximateAgeOfOldestMessage` stayed below `seconds`
    /// all through the span, second by second. Without `window`, one slow
    /// moment after `since` breaks it for good.
    OldestMessageAgeBelow {
        queue: String,
        seconds: u64,
        #[serde(default)]
        since: u64,
        #[serde(default)]
        window: Option<u64>,
    },
    /// At least `count` messages of `queue` were processed (deleted) in
    /// the span.
    MessagesProcessedAtLeast {
        queue: String,
        count: u64,
        #[serde(default)]
        since: u64,
        #[serde(default)]
        window: Option<u64>,
    },
    /// The instances consuming `queue` cost less than `usd` per message
    /// processed in the span. Fails while no message was processed in it.
    CostPerProcessedMessageBelow {
        queue: String,
        usd: f64,
        #[serde(default)]
        since: u64,
        #[serde(default)]
        window: Option<u64>,
    },
    /// The instances consuming `queue` emitted less than `grams` CO2e per
    /// message processed in the span. Fails while no message was processed
    /// in it.
    Co2ePerProcessedMessageBelow {
        queue: String,
        grams: f64,
        #[serde(default)]
        since: u64,
        #[serde(default)]
        window: Option<u64>,
    },
    // CloudWatch alarms and Auto Scaling: how scaling is wired. Each is
    // documented with its struct in quest/scaling.rs.
    /// An alarm on a metric, with a comparison and threshold, triggers a
    /// scaling policy of a group; see [`AlarmWired`].
    AlarmWired(AlarmWired),
    /// A group's MinSize, DesiredCapacity and MaxSize; see
    /// [`GroupCapacity`].
    GroupCapacity(GroupCapacity),
    /// A group with MinSize 0 can get back to 0 by itself; see
    /// [`ScaleInPath`].
    ScaleInPath(ScaleInPath),
    /// A group launches instances of an architecture; see
    /// [`GroupArchitecture`].
    GroupArchitecture(GroupArchitecture),
    AllOf { checks: Vec<Check> },
    AnyOf { checks: Vec<Check> },
    Not { check: Box<Check> },
}

/// Which instances a check is about. Every given field must match.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceSelector {
    /// `Key=Value`.
    #[serde(default)]
    pub tag: Option<String>,
    #[serde(default)]
    pub instance_ids: Vec<String>,
    #[serde(default)]
    pub instance_type: Option<String>,
}

impl InstanceSelector {
    fn matches(&self, instance: &Instance) -> bool {
        let tag_ok = self.tag.as_deref().and_then(|t| t.split_once('=')).is_none_or(|(k, v)| instance.tag(k) == Some(v));
        let id_ok = self.instance_ids.is_empty() || self.instance_ids.contains(&instance.instance_id);
        let type_ok = self.instance_type.as_deref().is_none_or(|t| t == instance.instance_type);
        tag_ok && id_ok && type_ok
    }
}

/// Nested checks deeper than this are refused, so that a hostile quest file
/// cannot exhaust the stack.
const MAX_DEPTH: usize = 16;

impl Check {
    /// Whether the check holds for `world` now.
    pub fn holds(&self, world: &World) -> bool {
        match self {
            Check::ApiCalled { service, operation } => world
                .env
                .api_calls
                .iter()
                .any(|c| c.error_code.is_none() && &c.service == service && &c.operation == operation),
            Check::InstancesInState { select, states, for_at_least } => {
                let now = world.now() as i64;
                let settled = |i: &Instance| now - i.state_since >= *for_at_least as i64;
                let mut matching = world.ec2.instances.iter().filter(|i| select.matches(i)).peekable();
                matching.peek().is_some()
                    && matching.all(|i| states.iter().any(|s| s == i.state.name()) && settled(i))
            }
            Check::CostPerHourBelow { usd } => world.rate().cost_usd_per_hour < *usd,
            Check::Co2ePerHourBelow { grams } => world.rate().co2e_g_per_hour < *grams,
            Check::TimeAtLeast { seconds } => world.now() >= *seconds,
            Check::MessagesLostAtMost { queue, count, since, window } => {
                span_totals(world, queue, *since, *window).is_some_and(|t| t.lost() <= *count)
            }
            Check::OldestMessageAgeBelow { queue, seconds, since, window } => {
                let start = span_start(world.now(), *since, *window);
                world.sqs.queue(queue).is_some_and(|q| q.max_age_since(start) < *seconds)
            }
            Check::MessagesProcessedAtLeast { queue, count, since, window } => {
                span_totals(world, queue, *since, *window).is_some_and(|t| t.deleted >= *count)
            }
            Check::CostPerProcessedMessageBelow { queue, usd, since, window } => {
                span_totals(world, queue, *since, *window)
                    .and_then(|t| per_message(t.consumer_cost_usd, t.deleted))
                    .is_some_and(|usd_each| usd_each < *usd)
            }
            Check::Co2ePerProcessedMessageBelow { queue, grams, since, window } => {
                span_totals(world, queue, *since, *window)
                    .and_then(|t| per_message(t.consumer_co2e_g, t.deleted))
                    .is_some_and(|grams_each| grams_each < *grams)
            }
            Check::AlarmWired(check) => check.holds(world),
            Check::GroupCapacity(check) => check.holds(world),
            Check::ScaleInPath(check) => check.holds(world),
            Check::GroupArchitecture(check) => check.holds(world),
            Check::AllOf { checks } => checks.iter().all(|c| c.holds(world)),
            Check::AnyOf { checks } => checks.iter().any(|c| c.holds(world)),
            Check::Not { check } => !check.holds(world),
        }
    }

    /// Rejects checks that could never mean anything: unknown state names,
    /// malformed tags or ids, empty combinations, absurd nesting.
    pub fn validate(&self) -> Result<(), String> {
        self.validate_at(0)
    }

    /// Adds the names of the queues this check (and any it holds) asks
    /// about to `out`, so that the quest loader can check they exist.
    pub fn queues<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Check::MessagesLostAtMost { queue, .. }
            | Check::OldestMessageAgeBelow { queue, .. }
            | Check::MessagesProcessedAtLeast { queue, .. }
            | Check::CostPerProcessedMessageBelow { queue, .. }
            | Check::Co2ePerProcessedMessageBelow { queue, .. } => out.push(queue),
            Check::AllOf { checks } | Check::AnyOf { checks } => {
                checks.iter().for_each(|c| c.queues(out));
            }
            Check::Not { check } => check.queues(out),
            _ => {}
        }
    }

    fn validate_at(&self, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err(format!("checks nest deeper than {MAX_DEPTH} levels"));
        }
        match self {
            Check::ApiCalled { service, operation } => {
                let known = crate::command::aws::SERVICES
                    .iter()
                    .find(|s| s.name == service)
                    .is_some_and(|s| s.operations.iter().any(|o| o.api == operation));
                if !known {
                    return Err(format!("no operation {operation:?} in service {service:?}"));
                }
            }
            Check::InstancesInState { select, states, .. } => {
                if let Some(bad) = states.iter().find(|s| InstanceState::from_name(s).is_none()) {
                    return Err(format!("unknown instance state {bad:?}; EC2's states are pending, running, stopping, stopped, shutting-down, terminated"));
                }
                if states.is_empty() {
                    return Err("states must name at least one state".into());
                }
                if select.tag.as_deref().is_some_and(|t| !t.contains('=')) {
                    return Err("tag must read Key=Value".into());
                }
                if let Some(bad) = select.instance_ids.iter().find(|id| !is_instance_id(id)) {
                    return Err(format!("malformed instance id {bad:?}"));
                }
            }
            Check::CostPerHourBelow { usd: limit }
            | Check::Co2ePerHourBelow { grams: limit }
            | Check::CostPerProcessedMessageBelow { usd: limit, .. }
            | Check::Co2ePerProcessedMessageBelow { grams: limit, .. } => {
                if !limit.is_finite() || *limit <= 0.0 {
                    return Err("the limit must be a positive number".into());
                }
                self.validate_queue_span()?;
            }
            Check::TimeAtLeast { .. } => {}
            Check::OldestMessageAgeBelow { seconds, .. } => {
                if *seconds == 0 {
                    return Err("seconds must be above 0: an age is never below 0".into());
                }
                self.validate_queue_span()?;
            }
            Check::MessagesLostAtMost { .. } | Check::MessagesProcessedAtLeast { .. } => {
                self.validate_queue_span()?;
            }
            Check::AlarmWired(check) => check.validate()?,
            Check::GroupCapacity(check) => check.validate()?,
            Check::ScaleInPath(check) => check.validate()?,
            Check::GroupArchitecture(check) => check.validate()?,
            Check::AllOf { checks } | Check::AnyOf { checks } => {
                if checks.is_empty() {
                    return Err("all_of and any_of need at least one check".into());
                }
                for check in checks {
                    check.validate_at(depth + 1)?;
                }
            }
            Check::Not { check } => check.validate_at(depth + 1)?,
        }
        Ok(())
    }

    /// The queue name and window of a queue check, if it is one.
    fn validate_queue_span(&self) -> Result<(), String> {
        let (queue, window) = match self {
            Check::MessagesLostAtMost { queue, window, .. }
            | Check::OldestMessageAgeBelow { queue, window, .. }
            | Check::MessagesProcessedAtLeast { queue, window, .. }
            | Check::CostPerProcessedMessageBelow { queue, window, .. }
            | Check::Co2ePerProcessedMessageBelow { queue, window, .. } => (queue, window),
            _ => return Ok(()),
        };
        if !is_queue_name(queue) {
            return Err(format!("{queue:?} is not a queue name"));
        }
        if window.is_some_and(|w| w < 60) {
            let message = "window is in seconds and at least 60: queues keep history by the minute";
            return Err(message.into());
        }
        Ok(())
    }
}

/// `total` shared over `messages`, if there were any.
fn per_message(total: f64, messages: u64) -> Option<f64> {
    (messages > 0).then(|| total / messages as f64)
}

/// The first second of a span that starts at `since`, or `window` seconds
/// before `now` if that is later.
fn span_start(now: u64, since: u64, window: Option<u64>) -> u64 {
    window.map_or(since, |w| since.max(now.saturating_sub(w)))
}

/// What happened to `queue` in the span: its totals now less its totals at
/// the span's start. `None` if there is no such queue.
fn span_totals(world: &World, queue: &str, since: u64, window: Option<u64>) -> Option<Totals> {
    let q: &Queue = world.sqs.queue(queue)?;
    let before = q.totals_at(span_start(world.now(), since, window));
    let now = q.totals;
    Some(Totals {
        sent: now.sent - before.sent.min(now.sent),
        received: now.received - before.received.min(now.received),
        deleted: now.deleted - before.deleted.min(now.deleted),
        expired: now.expired - before.expired.min(now.expired),
        purged: now.purged - before.purged.min(now.purged),
        moved_to_dead_letter_queue: now.moved_to_dead_letter_queue
            - before.moved_to_dead_letter_queue.min(now.moved_to_dead_letter_queue),
        consumer_cost_usd: now.consumer_cost_usd - before.consumer_cost_usd,
        consumer_co2e_g: now.consumer_co2e_g - before.consumer_co2e_g,
    })
}
