//! Objective checks on CloudWatch alarms and Auto Scaling groups.
//!
//! They ask how the player wired scaling, in the services' own terms: "does
//! an alarm on `ApproximateNumberOfMessagesVisible` above 50 trigger a
//! scale-out policy of a group whose `MinSize` is 0?" (`alarm_wired`), "are
//! the group's `MinSize`, `DesiredCapacity` and `MaxSize` these?"
//! (`group_capacity`), "can the group get back to 0 instances on its own?"
//! (`scale_in_path`), "does the group launch Graviton instances?"
//! (`group_architecture`). They look at configuration, not at what has
//! happened yet: goals latch once met, so a quest can ask for a group at
//! desired capacity 0 before its alarm has fired.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::catalogue::catalogue;
use crate::services::alarms::{ComparisonOperator, MetricAlarm};
use crate::services::autoscaling::{Group, ScalingPolicy};
use crate::services::launch_templates::TemplateSpecifier;
use crate::world::World;

/// One name or several, as a quest file may write either.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    /// The names, as a slice-like list.
    pub fn names(&self) -> Vec<&str> {
        match self {
            OneOrMany::One(one) => vec![one.as_str()],
            OneOrMany::Many(many) => many.iter().map(String::as_str).collect(),
        }
    }
}

/// What a policy an alarm triggers must be able to do.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyEffect {
    /// Raise the group's capacity from its `MinSize` (the default).
    #[default]
    ScaleOutPolicy,
    /// Lower the group's capacity.
    ScaleInPolicy,
    /// Any scaling policy.
    AnyPolicy,
}

/// `alarm_wired`: an alarm on `namespace`/`metric_name` (with exactly
/// `dimensions`, if given) whose `ComparisonOperator` is one of
/// `comparison` and whose `Threshold` is `threshold`, with actions
/// enabled, lists in its `AlarmActions` an enabled scaling policy that can
/// do what `to` says, of a group (named `group`, if given) whose `MinSize`
/// is `group_min_size`, if given.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlarmWired {
    pub namespace: String,
    pub metric_name: String,
    /// CloudWatch's operator names, any of which will do:
    /// `["GreaterThanThreshold", "GreaterThanOrEqualToThreshold"]` reads
    /// "above".
    pub comparison: OneOrMany,
    pub threshold: f64,
    #[serde(default)]
    pub dimensions: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub to: PolicyEffect,
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub group_min_size: Option<u32>,
}

/// `group_capacity`: some group (named `group`, if given) has exactly the
/// given `min`, `desired` and `max`, and a `MaxSize` of at least
/// `max_at_least`. At least one bound must be given.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupCapacity {
    #[serde(default)]
    pub group: Option<String>,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub desired: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
    #[serde(default)]
    pub max_at_least: Option<u32>,
}

/// `scale_in_path`: some group (named `group`, if given) with `MinSize` 0
/// has an enabled policy that can bring it to 0 instances (an
/// `ExactCapacity` of 0, any negative adjustment, which alarms repeat until
/// the group is empty, or target tracking with scale-in) and an alarm with
/// actions enabled that triggers it from any of its states (target
/// tracking's own alarms count).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleInPath {
    #[serde(default)]
    pub group: Option<String>,
}

/// `group_architecture`: some group (named `group`, if given) launches
/// instances of `architecture` (`arm64` or `x86_64`): the instance type of
/// its launch template's version is of that architecture.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupArchitecture {
    pub architecture: String,
    #[serde(default)]
    pub group: Option<String>,
}

fn live_groups<'a>(world: &'a World, name: Option<&'a str>) -> impl Iterator<Item = &'a Group> {
    world
        .autoscaling
        .groups()
        .iter()
        .filter(move |g| !g.deleting && name.is_none_or(|n| g.name == n))
}

fn check_group_name(group: &Option<String>) -> Result<(), String> {
    match group {
        Some(name) if name.is_empty() || name.chars().count() > 255 => {
            Err("group must be an Auto Scaling group name, 1 to 255 characters".into())
        }
        _ => Ok(()),
    }
}

impl AlarmWired {
    /// Whether such an alarm exists now.
    pub fn holds(&self, world: &World) -> bool {
        world
            .alarms
            .all()
            .iter()
            .filter(|a| self.watches(a))
            .any(|alarm| {
                alarm.config.alarm_actions.iter().any(|arn| {
                    let Some(policy) = world.autoscaling.policy_by_arn(arn) else {
                        return false;
                    };
                    let group =
                        live_groups(world, self.group.as_deref()).find(|g| g.name == policy.group);
                    group.is_some_and(|g| {
                        self.group_min_size.is_none_or(|m| g.min_size == m) && self.fits(policy, g)
                    })
                })
            })
    }

    fn watches(&self, alarm: &MetricAlarm) -> bool {
        let c = &alarm.config;
        let dims_ok = self.dimensions.as_ref().is_none_or(|want| {
            want.len() == c.dimensions.len()
                && c.dimensions.iter().all(|(k, v)| want.get(k) == Some(v))
        });
        c.actions_enabled
            && c.namespace == self.namespace
            && c.metric_name == self.metric_name
            && (c.threshold - self.threshold).abs() <= 1e-9 * self.threshold.abs().max(1.0)
            && self
                .comparison
                .names()
                .contains(&c.comparison_operator.name())
            && dims_ok
    }

    fn fits(&self, policy: &ScalingPolicy, group: &Group) -> bool {
        policy.enabled
            && match self.to {
                PolicyEffect::ScaleOutPolicy => policy.can_scale_out_from(group.min_size),
                PolicyEffect::ScaleInPolicy => policy.can_scale_in(),
                PolicyEffect::AnyPolicy => true,
            }
    }

    /// Rejects a check that could never hold.
    pub fn validate(&self) -> Result<(), String> {
        if self.namespace.is_empty() || self.metric_name.is_empty() {
            return Err("namespace and metric_name must name a metric".into());
        }
        let names = self.comparison.names();
        if names.is_empty() {
            return Err("comparison must name at least one ComparisonOperator".into());
        }
        if let Some(bad) = names
            .iter()
            .find(|n| ComparisonOperator::from_name(n).is_none())
        {
            return Err(format!(
                "unknown comparison {bad:?}; CloudWatch's operators are GreaterThanThreshold, \
                 GreaterThanOrEqualToThreshold, LessThanThreshold, LessThanOrEqualToThreshold"
            ));
        }
        if !self.threshold.is_finite() {
            return Err("threshold must be a number".into());
        }
        check_group_name(&self.group)
    }
}

impl GroupCapacity {
    /// Whether such a group exists now.
    pub fn holds(&self, world: &World) -> bool {
        live_groups(world, self.group.as_deref()).any(|g| {
            self.min.is_none_or(|m| g.min_size == m)
                && self.desired.is_none_or(|d| g.desired_capacity == d)
                && self.max.is_none_or(|m| g.max_size == m)
                && self.max_at_least.is_none_or(|m| g.max_size >= m)
        })
    }

    /// Rejects a check without bounds, or whose bounds contradict.
    pub fn validate(&self) -> Result<(), String> {
        if self.min.is_none()
            && self.desired.is_none()
            && self.max.is_none()
            && self.max_at_least.is_none()
        {
            return Err(
                "group_capacity needs at least one of min, desired, max, max_at_least".into(),
            );
        }
        let lowest = self.min.unwrap_or(0);
        let highest = self.max.unwrap_or(u32::MAX);
        if lowest > highest || self.desired.is_some_and(|d| d < lowest || d > highest) {
            return Err("no group can have these sizes: min <= desired <= max".into());
        }
        if self.max_at_least.is_some_and(|m| m > highest) {
            return Err("max_at_least is above max".into());
        }
        check_group_name(&self.group)
    }
}

impl ScaleInPath {
    /// Whether some group can get back to 0 instances on its own.
    pub fn holds(&self, world: &World) -> bool {
        live_groups(world, self.group.as_deref())
            .filter(|g| g.min_size == 0)
            .any(|group| {
                world
                    .autoscaling
                    .policies()
                    .iter()
                    .filter(|p| p.group == group.name && p.enabled && p.can_scale_in_to_zero())
                    .any(|policy| {
                        world.alarms.all().iter().any(|a| {
                            a.config.actions_enabled
                                && a.config.all_actions().any(|arn| *arn == policy.arn)
                        })
                    })
            })
    }

    /// Rejects a malformed group name.
    pub fn validate(&self) -> Result<(), String> {
        check_group_name(&self.group)
    }
}

impl GroupArchitecture {
    /// Whether some group launches instances of the architecture.
    pub fn holds(&self, world: &World) -> bool {
        live_groups(world, self.group.as_deref()).any(|g| {
            let spec = TemplateSpecifier {
                id: Some(g.launch_template.launch_template_id.clone()),
                name: None,
                version: Some(g.launch_template.version.clone()),
            };
            let ty = world
                .ec2
                .launch_templates
                .resolve(&spec)
                .ok()
                .and_then(|(_, v)| v.instance_type())
                .and_then(|t| catalogue().instance_type(t));
            ty.is_some_and(|t| t.architecture.as_str() == self.architecture)
        })
    }

    /// Rejects an unknown architecture.
    pub fn validate(&self) -> Result<(), String> {
        if !["arm64", "x86_64"].contains(&self.architecture.as_str()) {
            return Err(format!(
                "unknown architecture {:?}; EC2's are arm64 and x86_64",
                self.architecture
            ));
        }
        check_group_name(&self.group)
    }
}

#[cfg(test)]
mod tests {
    use crate::quest::Check;

    fn check(text: &str) -> Result<(), String> {
        let check: Check = toml::from_str(text).map_err(|e| e.to_string())?;
        check.validate()
    }

    const WIRED: &str = r#"
        kind = "alarm_wired"
        namespace = "AWS/SQS"
        metric_name = "ApproximateNumberOfMessagesVisible"
        threshold = 50
    "#;

    #[test]
    fn scaling_checks_read_from_quest_files() {
        check(&format!("{WIRED}comparison = \"GreaterThanThreshold\"")).unwrap();
        check(&format!(
            "{WIRED}comparison = [\"GreaterThanThreshold\"]\nto = \"any_policy\""
        ))
        .unwrap();
        check("kind = \"group_capacity\"\nmin = 0\ndesired = 0\nmax = 4").unwrap();
        check("kind = \"scale_in_path\"\ngroup = \"workers\"").unwrap();
        check("kind = \"group_architecture\"\narchitecture = \"arm64\"").unwrap();
    }

    #[test]
    fn scaling_checks_reject_what_could_never_hold() {
        let cases = [
            (
                format!("{WIRED}comparison = \"Above\""),
                "unknown comparison",
            ),
            (format!("{WIRED}comparison = []"), "at least one"),
            (
                format!("{WIRED}comparison = \"LessThanThreshold\"\nto = \"sideways\""),
                "unknown variant",
            ),
            (
                format!("{WIRED}comparison = \"LessThanThreshold\"\nqueue = \"x\""),
                "unknown field",
            ),
            ("kind = \"group_capacity\"".to_string(), "at least one of"),
            (
                "kind = \"group_capacity\"\nmin = 2\nmax = 1".to_string(),
                "min <= desired <= max",
            ),
            (
                "kind = \"group_capacity\"\ndesired = 5\nmax = 2".to_string(),
                "min <= desired <= max",
            ),
            (
                "kind = \"scale_in_path\"\ngroup = \"\"".to_string(),
                "group must be",
            ),
            (
                "kind = \"group_architecture\"\narchitecture = \"sparc\"".to_string(),
                "unknown architecture",
            ),
        ];
        for (text, phrase) in cases {
            let err = check(&text).expect_err(&text);
            assert!(err.contains(phrase), "{text}: {err}");
        }
    }
}
