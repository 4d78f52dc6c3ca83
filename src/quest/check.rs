//! Objective predicates: questions a quest asks of the world.
//!
//! Each check is a small, named question in the services' own terms, so
//! that quest files read like the real cloud: "are all instances tagged
//! Team=legacy stopped or terminated?", "was DescribeInstances called?".
//! Checks combine with `all_of`, `any_of` and `not`.

use serde::Deserialize;

use crate::services::ec2::{is_instance_id, Instance, InstanceState};
use crate::world::World;

/// One predicate over the world.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The player has called this API successfully (CloudTrail's view).
    ApiCalled { service: String, operation: String },
    /// At least one instance matches, and every matching one is in one of
    /// `states`.
    InstancesInState {
        #[serde(flatten)]
        select: InstanceSelector,
        states: Vec<String>,
    },
    /// Everything running costs less than this, per hour.
    CostPerHourBelow { usd: f64 },
    /// Everything running emits less than this, in grams CO2e per hour.
    Co2ePerHourBelow { grams: f64 },
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
            Check::InstancesInState { select, states } => {
                let mut matching = world.ec2.instances.iter().filter(|i| select.matches(i)).peekable();
                matching.peek().is_some() && matching.all(|i| states.iter().any(|s| s == i.state.name()))
            }
            Check::CostPerHourBelow { usd } => world.rate().cost_usd_per_hour < *usd,
            Check::Co2ePerHourBelow { grams } => world.rate().co2e_g_per_hour < *grams,
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
            Check::InstancesInState { select, states } => {
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
            Check::CostPerHourBelow { usd: limit } | Check::Co2ePerHourBelow { grams: limit } => {
                if !limit.is_finite() || *limit <= 0.0 {
                    return Err("the limit must be a positive number".into());
                }
            }
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
}
