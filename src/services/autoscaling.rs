//! Amazon EC2 Auto Scaling: groups, scaling policies and scaling activities.
//!
//! We model groups that launch from an EC2 launch template (a version
//! number, `$Latest` or `$Default`), with `MinSize`, `MaxSize` and
//! `DesiredCapacity` (0 is legal: a group may hold no instance until a
//! policy asks for one), `DefaultCooldown` (300 s), `DefaultInstanceWarmup`,
//! Availability Zones or subnets, tags that propagate to instances, and
//! termination policies. Each group reconciles every few seconds: it
//! launches instances through EC2 (the launch template's AMI and type, so a
//! mismatched architecture fails the launch as in EC2, and the group retries
//! with back-off), tags them `aws:autoscaling:groupName`, spreads them over
//! its zones, and terminates instances past the desired capacity. Instances
//! go Pending, then InService when EC2 has them running, then Terminating.
//! An instance that is stopped or terminated behind the group's back fails
//! its EC2 health check and is replaced. Every launch and termination is a
//! scaling activity with AWS's `Description` and `Cause` wording, InProgress
//! until EC2 is done, then Successful (or Failed, with the reason).
//!
//! Scale-in picks instances by the termination policies in order; the
//! `Default` policy, as AWS documents it, first balances Availability Zones,
//! then prefers instances of an older launch template version, then the
//! instance closest to its next billing hour, then one at random (from the
//! world's generator). `OldestInstance`, `NewestInstance`,
//! `OldestLaunchTemplate` and `ClosestToNextInstanceHour` can be listed
//! instead.
//!
//! Simple, step and target-tracking policies are modelled (see
//! [`policies`]). Cooldowns start when a scaling activity completes (the
//! last instance InService or terminated) and block simple scaling and
//! target-tracking scale-in; warm-up keeps new instances out of the group's
//! aggregated `CPUUtilization` and out of step and target-tracking capacity
//! arithmetic. Each minute a group publishes `AWS/AutoScaling` metrics
//! (`GroupMinSize`, `GroupMaxSize`, `GroupDesiredCapacity`,
//! `GroupInServiceInstances`, `GroupPendingInstances`,
//! `GroupTerminatingInstances`, `GroupTotalInstances`), as if metrics
//! collection were enabled (AWS needs `EnableMetricsCollection` for them),
//! and the `AWS/EC2` `CPUUtilization` of its warmed-up InService instances
//! with the dimension `AutoScalingGroupName`, as EC2 does.
//!
//! Not modelled: launch configurations, mixed instances policies and spot,
//! load balancers and ELB health checks, lifecycle hooks, warm pools,
//! instance refresh, standby and detach, suspended processes, scheduled and
//! predictive scaling, capacity rebalancing and instance scale-in protection
//! changes after launch.

pub mod policies;

use serde::Serialize;
use serde_json::{json, Map, Value};

pub use policies::{
    AdjustmentType, MetricAggregationType, PolicyInput, PolicyType, ScalingPolicy, StepAdjustment,
    TargetTracking, TrackedMetric,
};

use crate::calendar::format_iso8601;
use crate::services::alarms::{Alarms, Invocation};
use crate::services::ec2::{Ec2, Instance, InstanceState};
use crate::services::launch_templates::{InstanceRequest, TemplateSpecifier};
use crate::services::{new_uuid, validation_error, AwsError};
use crate::services::cloudwatch::SeriesHint;
use crate::world::{Cache, Env, ACCOUNT_ID};

/// `DefaultCooldown` when none is given, in seconds.
pub const DEFAULT_COOLDOWN: u64 = 300;
/// Seconds between two reconciliations of a group that nothing changed.
pub const RECONCILE_SECONDS: u64 = 5;
/// First wait before retrying a failed launch; it doubles with each failure
/// up to [`MAX_LAUNCH_RETRY_SECONDS`].
pub const LAUNCH_RETRY_SECONDS: u64 = 10;
/// Longest wait between launch retries.
pub const MAX_LAUNCH_RETRY_SECONDS: u64 = 300;
/// Most groups the account may hold.
pub const MAX_GROUPS: usize = 200;
/// Scaling activities kept, over all groups; the oldest go first.
pub const MAX_ACTIVITIES: usize = 5_000;
/// Largest size a group may be given (AWS's field is a 32-bit integer).
pub const MAX_SIZE: i64 = i32::MAX as i64;

/// Where an instance of a group is in its life, as Auto Scaling names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum LifecycleState {
    Pending,
    InService,
    Terminating,
}

impl LifecycleState {
    /// Auto Scaling's name: `Pending`, `InService`, `Terminating`.
    pub fn name(self) -> &'static str {
        match self {
            LifecycleState::Pending => "Pending",
            LifecycleState::InService => "InService",
            LifecycleState::Terminating => "Terminating",
        }
    }
}

/// How scale-in chooses the instances to terminate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum TerminationPolicy {
    Default,
    OldestInstance,
    NewestInstance,
    OldestLaunchTemplate,
    ClosestToNextInstanceHour,
    /// Only meaningful for mixed instances groups; chooses nothing here.
    AllocationStrategy,
}

impl TerminationPolicy {
    /// Every policy.
    pub const ALL: [TerminationPolicy; 6] = [
        TerminationPolicy::Default,
        TerminationPolicy::OldestInstance,
        TerminationPolicy::NewestInstance,
        TerminationPolicy::OldestLaunchTemplate,
        TerminationPolicy::ClosestToNextInstanceHour,
        TerminationPolicy::AllocationStrategy,
    ];

    /// Auto Scaling's name.
    pub fn name(self) -> &'static str {
        match self {
            TerminationPolicy::Default => "Default",
            TerminationPolicy::OldestInstance => "OldestInstance",
            TerminationPolicy::NewestInstance => "NewestInstance",
            TerminationPolicy::OldestLaunchTemplate => "OldestLaunchTemplate",
            TerminationPolicy::ClosestToNextInstanceHour => "ClosestToNextInstanceHour",
            TerminationPolicy::AllocationStrategy => "AllocationStrategy",
        }
    }

    /// Parses Auto Scaling's name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A tag of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupTag {
    pub key: String,
    pub value: String,
    /// Whether instances the group launches get the tag.
    pub propagate_at_launch: bool,
}

/// The launch template a group launches from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupTemplate {
    pub launch_template_id: String,
    pub launch_template_name: String,
    /// As given: a number, `$Latest` or `$Default`.
    pub version: String,
}

impl GroupTemplate {
    fn specifier(&self) -> TemplateSpecifier {
        TemplateSpecifier {
            id: Some(self.launch_template_id.clone()),
            name: None,
            version: Some(self.version.clone()),
        }
    }
}

/// One instance of a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupInstance {
    pub instance_id: String,
    pub instance_type: String,
    pub availability_zone: String,
    pub lifecycle_state: LifecycleState,
    /// The template version it was launched from.
    pub launch_template_id: String,
    pub launch_template_version: u64,
    /// Unix seconds.
    pub launch_time: i64,
    /// Simulated second it went InService.
    pub in_service_since: Option<u64>,
    pub protected_from_scale_in: bool,
    /// Where EC2 keeps the instance, to find it without a search.
    ec2_index: usize,
}

/// An Auto Scaling group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Group {
    pub name: String,
    pub arn: String,
    pub launch_template: GroupTemplate,
    pub min_size: u32,
    pub max_size: u32,
    pub desired_capacity: u32,
    pub default_cooldown: u64,
    pub default_instance_warmup: Option<u64>,
    pub availability_zones: Vec<String>,
    /// Subnet ids as given, comma-separated; empty when zones were given.
    pub vpc_zone_identifier: String,
    pub health_check_type: String,
    pub health_check_grace_period: u64,
    pub termination_policies: Vec<TerminationPolicy>,
    pub new_instances_protected_from_scale_in: bool,
    pub tags: Vec<GroupTag>,
    /// Unix seconds.
    pub created_time: i64,
    pub instances: Vec<GroupInstance>,
    /// Set by a forced delete; the group goes once its instances have.
    pub deleting: bool,
    /// Simulated second before which simple scaling waits.
    pub cooldown_until: u64,
    /// Why the desired capacity last changed, for the activities that
    /// carry the change out.
    pending_cause: Option<String>,
    /// The cooldown to start when the current activity completes.
    pending_cooldown: Option<u64>,
    next_reconcile: u64,
    launch_retry_at: u64,
    launch_failures: u32,
    /// Where the group's metrics are in CloudWatch: the seven counts in
    /// the order [`AutoScaling::publish_metrics`] puts them, then its
    /// `CPUUtilization`.
    #[serde(skip)]
    metric_hints: Cache<[SeriesHint; 8]>,
}

impl Group {
    /// Instances that count toward capacity: Pending and InService.
    pub fn capacity(&self) -> u32 {
        self.instances
            .iter()
            .filter(|i| i.lifecycle_state != LifecycleState::Terminating)
            .count() as u32
    }

    /// Instances in a lifecycle state.
    pub fn count_in(&self, state: LifecycleState) -> u32 {
        self.instances
            .iter()
            .filter(|i| i.lifecycle_state == state)
            .count() as u32
    }

    /// Whether a scaling activity is under way: an instance is launching or
    /// terminating.
    pub fn in_progress(&self) -> bool {
        self.instances
            .iter()
            .any(|i| i.lifecycle_state != LifecycleState::InService)
    }

    /// Instances launching or still warming up after `warmup` seconds.
    pub fn warming(&self, now: u64, warmup: u64) -> u32 {
        self.instances
            .iter()
            .filter(|i| match i.lifecycle_state {
                LifecycleState::Pending => true,
                LifecycleState::InService => i.in_service_since.is_some_and(|t| t + warmup > now),
                LifecycleState::Terminating => false,
            })
            .count() as u32
    }

    /// The warm-up for instances of this group: its
    /// `DefaultInstanceWarmup`, else its `DefaultCooldown`, as AWS falls
    /// back.
    pub fn warmup(&self) -> u64 {
        self.default_instance_warmup
            .unwrap_or(self.default_cooldown)
    }

    /// The value of tag `key`, if set.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|t| t.key == key)
            .map(|t| t.value.as_str())
    }

    /// Sets the desired capacity for `cause` and starts a cooldown of
    /// `cooldown` seconds once the change is carried out.
    fn change_desired(&mut self, env: &mut Env, desired: u32, cause: String, cooldown: u64) {
        let before = self.desired_capacity;
        self.desired_capacity = desired;
        self.pending_cause = Some(cause);
        self.pending_cooldown = Some(cooldown);
        self.next_reconcile = env.now();
        self.launch_retry_at = 0;
        self.launch_failures = 0;
        env.events.push(
            env.now(),
            "AutoScaling",
            format!(
                "Auto Scaling group {}: desired capacity {before} -> {desired}",
                self.name
            ),
        );
    }
}

/// How a scaling activity ended, or that it has not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ActivityStatus {
    InProgress,
    Successful,
    Failed,
    Cancelled,
}

impl ActivityStatus {
    /// Auto Scaling's `StatusCode`.
    pub fn name(self) -> &'static str {
        match self {
            ActivityStatus::InProgress => "InProgress",
            ActivityStatus::Successful => "Successful",
            ActivityStatus::Failed => "Failed",
            ActivityStatus::Cancelled => "Cancelled",
        }
    }
}

/// One scaling activity: an instance launched or terminated, or a launch
/// that failed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Activity {
    pub activity_id: String,
    pub group: String,
    pub description: String,
    pub cause: String,
    /// Simulated seconds.
    pub start_time: u64,
    pub end_time: Option<u64>,
    pub status_code: ActivityStatus,
    pub status_message: Option<String>,
    pub progress: u32,
    pub availability_zone: String,
    pub instance_id: Option<String>,
}

/// What `CreateAutoScalingGroup` and `UpdateAutoScalingGroup` ask for;
/// `None` leaves a setting at its default (create) or as it is (update).
/// Sizes are signed so that the service can refuse negative ones with
/// AWS's words.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupInput {
    pub name: String,
    pub launch_template: Option<TemplateSpecifier>,
    pub min_size: Option<i64>,
    pub max_size: Option<i64>,
    pub desired_capacity: Option<i64>,
    pub default_cooldown: Option<i64>,
    /// `-1` clears it on update, as in AWS.
    pub default_instance_warmup: Option<i64>,
    pub availability_zones: Vec<String>,
    pub vpc_zone_identifier: Option<String>,
    pub termination_policies: Vec<String>,
    pub health_check_type: Option<String>,
    pub health_check_grace_period: Option<i64>,
    pub new_instances_protected_from_scale_in: Option<bool>,
    pub tags: Vec<GroupTag>,
}

/// The Auto Scaling service of one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct AutoScaling {
    /// Sorted by name.
    groups: Vec<Group>,
    /// Sorted by group, then name.
    policies: Vec<ScalingPolicy>,
    /// Oldest first.
    activities: Vec<Activity>,
}

/// Now as Auto Scaling's causes print it: `2026-03-02T09:05:00Z`.
fn cause_time(env: &Env) -> String {
    format_iso8601(env.unix_now()).replace("+00:00", "Z")
}

fn group_not_found(name: &str) -> AwsError {
    AwsError::new(
        "ValidationError",
        format!("AutoScalingGroup name not found - AutoScalingGroup '{name}' not found"),
    )
}

fn size(field: &str, value: i64) -> Result<u32, AwsError> {
    if value < 0 {
        return Err(validation_error(
            &value.to_string(),
            field,
            "Member must have value greater than or equal to 0",
        ));
    }
    if value > MAX_SIZE {
        return Err(validation_error(
            &value.to_string(),
            field,
            &format!("Member must have value less than or equal to {MAX_SIZE}"),
        ));
    }
    Ok(value as u32)
}

fn seconds(field: &str, value: i64) -> Result<u64, AwsError> {
    size(field, value).map(u64::from)
}

impl AutoScaling {
    /// Whether there are no groups, policies or activities.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.policies.is_empty() && self.activities.is_empty()
    }

    /// Every group, by name.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The group named `name`.
    pub fn group(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name)
    }

    /// Every scaling policy, by group and name.
    pub fn policies(&self) -> &[ScalingPolicy] {
        &self.policies
    }

    /// The policy with this ARN.
    pub fn policy_by_arn(&self, arn: &str) -> Option<&ScalingPolicy> {
        self.policies.iter().find(|p| p.arn == arn)
    }

    /// Every scaling activity, oldest first.
    pub fn activities(&self) -> &[Activity] {
        &self.activities
    }

    fn group_mut(&mut self, name: &str) -> Result<&mut Group, AwsError> {
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.name == name)
            .ok_or_else(|| group_not_found(name))?;
        if group.deleting {
            return Err(AwsError::new(
                "ScalingActivityInProgress",
                format!("The AutoScalingGroup '{name}' is being deleted."),
            ));
        }
        Ok(group)
    }

    /// `CreateAutoScalingGroup`. Checks sizes, zones and the launch template
    /// (a template EC2 would refuse to launch is refused here, as AWS
    /// does); the desired capacity defaults to the minimum.
    pub fn create_group(
        &mut self,
        env: &mut Env,
        ec2: &Ec2,
        input: GroupInput,
    ) -> Result<(), AwsError> {
        let name = input.name.clone();
        check_group_name(&name)?;
        if self.groups.iter().any(|g| g.name == name) {
            return Err(AwsError::new(
                "AlreadyExists",
                format!(
                    "AutoScalingGroup by this name already exists - A group with the name {name} \
                     already exists"
                ),
            ));
        }
        if self.groups.len() >= MAX_GROUPS {
            return Err(AwsError::new(
                "LimitExceeded",
                format!("You have reached the limit of {MAX_GROUPS} Auto Scaling groups."),
            ));
        }
        let spec = input.launch_template.clone().ok_or_else(|| {
            AwsError::new(
                "ValidationError",
                "Valid requests must contain either LaunchTemplate, LaunchConfigurationName, \
                 InstanceId or MixedInstancesPolicy parameter.",
            )
        })?;
        let template = check_template(ec2, &spec)?;
        let min = size("minSize", input.min_size.unwrap_or(0))?;
        let max = size("maxSize", input.max_size.unwrap_or(0))?;
        let desired = match input.desired_capacity {
            Some(d) => size("desiredCapacity", d)?,
            None => min,
        };
        check_bounds(min, max, desired)?;
        let (zones, subnets) = zones(
            &env.region,
            &input.availability_zones,
            input.vpc_zone_identifier.as_deref(),
        )?;
        let zones = zones.ok_or_else(|| {
            AwsError::new(
                "ValidationError",
                "At least one Availability Zone or VPC Subnet is required.",
            )
        })?;
        let termination_policies = termination_policies(&input.termination_policies)?;
        check_tags(&input.tags)?;

        let now = env.now();
        let uuid = new_uuid(env);
        let group = Group {
            arn: format!(
                "arn:aws:autoscaling:{}:{ACCOUNT_ID}:autoScalingGroup:{uuid}:\
                 autoScalingGroupName/{name}",
                env.region
            ),
            name: name.clone(),
            launch_template: template,
            min_size: min,
            max_size: max,
            desired_capacity: 0,
            default_cooldown: match input.default_cooldown {
                Some(c) => seconds("defaultCooldown", c)?,
                None => DEFAULT_COOLDOWN,
            },
            default_instance_warmup: match input.default_instance_warmup {
                Some(w) if w >= 0 => Some(seconds("defaultInstanceWarmup", w)?),
                Some(-1) | None => None,
                Some(w) => {
                    return Err(validation_error(
                        &w.to_string(),
                        "defaultInstanceWarmup",
                        "Member must have value greater than or equal to -1",
                    ))
                }
            },
            availability_zones: zones,
            vpc_zone_identifier: subnets,
            health_check_type: check_health_check_type(input.health_check_type.as_deref())?,
            health_check_grace_period: match input.health_check_grace_period {
                Some(g) => seconds("healthCheckGracePeriod", g)?,
                None => 0,
            },
            termination_policies,
            new_instances_protected_from_scale_in: input
                .new_instances_protected_from_scale_in
                .unwrap_or(false),
            tags: input.tags,
            created_time: env.unix_now(),
            instances: Vec::new(),
            deleting: false,
            cooldown_until: 0,
            pending_cause: None,
            pending_cooldown: None,
            next_reconcile: now,
            launch_retry_at: 0,
            launch_failures: 0,
            metric_hints: Cache::default(),
        };
        let at = self.groups.partition_point(|g| g.name < name);
        self.groups.insert(at, group);
        env.events.push(
            now,
            "AutoScaling",
            format!("Auto Scaling group {name} created"),
        );
        if let Some(group) = self.groups.get_mut(at).filter(|_| desired > 0) {
            let cause = format!(
                "At {} a user request created an AutoScalingGroup changing the desired capacity \
                 from 0 to {desired}.",
                cause_time(env)
            );
            let cooldown = group.default_cooldown;
            group.change_desired(env, desired, cause, cooldown);
        }
        Ok(())
    }

    /// `UpdateAutoScalingGroup`. A new minimum above the desired capacity
    /// raises it, a new maximum below lowers it, as AWS does; a desired
    /// capacity given outside the bounds is refused. A new launch template
    /// applies to instances launched from then on.
    pub fn update_group(
        &mut self,
        env: &mut Env,
        ec2: &Ec2,
        input: GroupInput,
    ) -> Result<(), AwsError> {
        let template = match &input.launch_template {
            Some(spec) => Some(check_template(ec2, spec)?),
            None => None,
        };
        let termination = if input.termination_policies.is_empty() {
            None
        } else {
            Some(termination_policies(&input.termination_policies)?)
        };
        let zones = zones(
            &env.region,
            &input.availability_zones,
            input.vpc_zone_identifier.as_deref(),
        )?;
        let health = match input.health_check_type.as_deref() {
            Some(t) => Some(check_health_check_type(Some(t))?),
            None => None,
        };
        let time = cause_time(env);
        let group = self.group_mut(&input.name)?;

        let min = match input.min_size {
            Some(v) => size("minSize", v)?,
            None => group.min_size,
        };
        let max = match input.max_size {
            Some(v) => size("maxSize", v)?,
            None => group.max_size,
        };
        let desired = match input.desired_capacity {
            Some(v) => size("desiredCapacity", v)?,
            None => group.desired_capacity.clamp(min.min(max), max),
        };
        check_bounds(min, max, desired)?;
        let cooldown = match input.default_cooldown {
            Some(c) => Some(seconds("defaultCooldown", c)?),
            None => None,
        };
        let warmup = match input.default_instance_warmup {
            Some(-1) => Some(None),
            Some(w) => Some(Some(seconds("defaultInstanceWarmup", w)?)),
            None => None,
        };
        let grace = match input.health_check_grace_period {
            Some(g) => Some(seconds("healthCheckGracePeriod", g)?),
            None => None,
        };

        group.min_size = min;
        group.max_size = max;
        if let Some(t) = template {
            group.launch_template = t;
        }
        if let Some(p) = termination {
            group.termination_policies = p;
        }
        if let (Some(z), subnets) = zones {
            group.availability_zones = z;
            group.vpc_zone_identifier = subnets;
        }
        if let Some(h) = health {
            group.health_check_type = h;
        }
        if let Some(c) = cooldown {
            group.default_cooldown = c;
        }
        if let Some(w) = warmup {
            group.default_instance_warmup = w;
        }
        if let Some(g) = grace {
            group.health_check_grace_period = g;
        }
        if let Some(p) = input.new_instances_protected_from_scale_in {
            group.new_instances_protected_from_scale_in = p;
        }
        if desired != group.desired_capacity {
            let cause = format!(
                "At {time} a user request update of AutoScalingGroup constraints to min: {min}, \
                 max: {max}, desired: {desired} changing the desired capacity from {} to \
                 {desired}.",
                group.desired_capacity
            );
            let cooldown = group.default_cooldown;
            group.change_desired(env, desired, cause, cooldown);
        }
        Ok(())
    }

    /// `SetDesiredCapacity`. With `honor_cooldown`, refuses while a scaling
    /// activity is in progress or the group is in its cooldown.
    pub fn set_desired_capacity(
        &mut self,
        env: &mut Env,
        name: &str,
        desired: i64,
        honor_cooldown: bool,
    ) -> Result<(), AwsError> {
        let time = cause_time(env);
        let now = env.now();
        let group = self.group_mut(name)?;
        let desired = size("desiredCapacity", desired)?;
        if desired > group.max_size {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "New SetDesiredCapacity value {desired} is above max value {} for the \
                     AutoScalingGroup.",
                    group.max_size
                ),
            ));
        }
        if desired < group.min_size {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "New SetDesiredCapacity value {desired} is below min value {} for the \
                     AutoScalingGroup.",
                    group.min_size
                ),
            ));
        }
        if honor_cooldown {
            check_cooldown(group, now)?;
        }
        if desired != group.desired_capacity {
            let cause = format!(
                "At {time} a user request explicitly set group desired capacity changing the \
                 desired capacity from {} to {desired}.",
                group.desired_capacity
            );
            let cooldown = group.default_cooldown;
            group.change_desired(env, desired, cause, cooldown);
        }
        Ok(())
    }

    /// `DeleteAutoScalingGroup`. Without `force`, refused while the group
    /// has instances. With it, the group terminates its instances, shows
    /// `Delete in progress`, and goes once they are terminated. Its
    /// policies go at once, with the alarms target tracking made.
    pub fn delete_group(
        &mut self,
        env: &mut Env,
        alarms: &mut Alarms,
        name: &str,
        force: bool,
    ) -> Result<(), AwsError> {
        let time = cause_time(env);
        let group = self.group_mut(name)?;
        if !group.instances.is_empty() && !force {
            let message = if group.in_progress() {
                "You cannot delete an AutoScalingGroup while there are scaling activities in \
                 progress for that group."
            } else {
                "You cannot delete an AutoScalingGroup while there are instances or pending Spot \
                 instance request(s) still in the group."
            };
            let code = if group.in_progress() {
                "ScalingActivityInProgress"
            } else {
                "ResourceInUse"
            };
            return Err(AwsError::new(code, message));
        }
        let before = group.desired_capacity;
        group.deleting = true;
        group.min_size = 0;
        group.max_size = 0;
        if before > 0 {
            let cause = format!(
                "At {time} a user request deleted the AutoScalingGroup changing the desired \
                 capacity from {before} to 0."
            );
            group.change_desired(env, 0, cause, 0);
        }
        let (gone, kept): (Vec<ScalingPolicy>, Vec<ScalingPolicy>) =
            std::mem::take(&mut self.policies)
                .into_iter()
                .partition(|p| p.group == name);
        self.policies = kept;
        let alarm_names: Vec<String> = gone
            .iter()
            .flat_map(|p| p.alarms.iter().map(|(n, _)| n.clone()))
            .collect();
        let existing: Vec<String> = alarm_names
            .into_iter()
            .filter(|n| alarms.get(n).is_some())
            .collect();
        alarms.delete(env, &existing)?;
        self.groups
            .retain(|g| !(g.deleting && g.instances.is_empty()));
        env.events.push(
            env.now(),
            "AutoScaling",
            format!("Auto Scaling group {name} is being deleted"),
        );
        Ok(())
    }

    /// `TerminateInstanceInAutoScalingGroup`: terminates one instance of a
    /// group and, with `decrement`, lowers the desired capacity so that it
    /// is not replaced. Returns the activity.
    pub fn terminate_instance(
        &mut self,
        env: &mut Env,
        ec2: &mut Ec2,
        instance_id: &str,
        decrement: bool,
    ) -> Result<&Activity, AwsError> {
        let time = cause_time(env);
        let not_found = || {
            AwsError::new(
                "ValidationError",
                format!(
                    "Instance Id not found - No managed instance found for instance ID: \
                     {instance_id}"
                ),
            )
        };
        let group = self
            .groups
            .iter_mut()
            .find(|g| g.instances.iter().any(|i| i.instance_id == instance_id))
            .ok_or_else(not_found)?;
        let capacity = group.capacity();
        if decrement && group.desired_capacity <= group.min_size {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "Currently, desiredSize equals minSize ({}). Terminating instance without \
                     replacement will violate group's min size constraint. Either set \
                     shouldDecrementDesiredCapacity flag to false or lower group's min size.",
                    group.min_size
                ),
            ));
        }
        let instance = group
            .instances
            .iter_mut()
            .find(|i| {
                i.instance_id == instance_id && i.lifecycle_state != LifecycleState::Terminating
            })
            .ok_or_else(not_found)?;
        instance.lifecycle_state = LifecycleState::Terminating;
        let zone = instance.availability_zone.clone();
        let cause = if decrement {
            let desired = group.desired_capacity.saturating_sub(1);
            group.desired_capacity = desired;
            format!(
                "At {time} instance {instance_id} was taken out of service in response to a user \
                 request, shrinking the capacity from {capacity} to {desired}."
            )
        } else {
            format!(
                "At {time} instance {instance_id} was taken out of service in response to a \
                 user request."
            )
        };
        group.next_reconcile = env.now();
        let name = group.name.clone();
        let _ = ec2.terminate_instances(env, &[instance_id.to_string()]);
        let activity = new_activity(
            env,
            &name,
            format!("Terminating EC2 instance: {instance_id}"),
            cause,
            &zone,
            Some(instance_id),
        );
        Ok(self.push_activity(activity))
    }

    fn push_activity(&mut self, activity: Activity) -> &Activity {
        if self.activities.len() >= MAX_ACTIVITIES {
            self.activities.drain(..MAX_ACTIVITIES / 10);
        }
        self.activities.push(activity);
        let last = self.activities.len() - 1;
        &self.activities[last]
    }

    /// Runs one tick: reconciles the groups that are due and, on minute
    /// boundaries, publishes their metrics. Does nothing without groups.
    pub fn step(&mut self, env: &mut Env, ec2: &mut Ec2) {
        if self.groups.is_empty() {
            return;
        }
        let now = env.now();
        for group in &mut self.groups {
            if now >= group.next_reconcile {
                reconcile(group, &mut self.activities, env, ec2);
            }
        }
        if self
            .groups
            .iter()
            .any(|g| g.deleting && g.instances.is_empty())
        {
            for group in self
                .groups
                .iter()
                .filter(|g| g.deleting && g.instances.is_empty())
            {
                env.events.push(
                    now,
                    "AutoScaling",
                    format!("Auto Scaling group {} deleted", group.name),
                );
            }
            self.groups
                .retain(|g| !(g.deleting && g.instances.is_empty()));
        }
        if self.activities.len() > MAX_ACTIVITIES {
            let extra = self.activities.len() - MAX_ACTIVITIES;
            self.activities.drain(..extra);
        }
        if now >= 60 && now.is_multiple_of(60) {
            self.publish_metrics(env);
        }
    }

    /// Publishes each group's metrics for the minute that just ended.
    fn publish_metrics(&mut self, env: &mut Env) {
        let t = env.now() - 1;
        for group in &mut self.groups {
            let dims = [("AutoScalingGroupName", group.name.as_str())];
            let counts = [
                ("GroupMinSize", group.min_size),
                ("GroupMaxSize", group.max_size),
                ("GroupDesiredCapacity", group.desired_capacity),
                (
                    "GroupInServiceInstances",
                    group.count_in(LifecycleState::InService),
                ),
                (
                    "GroupPendingInstances",
                    group.count_in(LifecycleState::Pending),
                ),
                (
                    "GroupTerminatingInstances",
                    group.count_in(LifecycleState::Terminating),
                ),
                ("GroupTotalInstances", group.instances.len() as u32),
            ];
            let [hints @ .., _] = &mut group.metric_hints.0;
            for ((metric, value), hint) in counts.into_iter().zip(hints) {
                let value = f64::from(value);
                env.metrics.put_hinted(hint, "AWS/AutoScaling", metric, &dims, "None", t, value);
            }

            // The group's CPUUtilization: each warmed-up InService
            // instance's average over the minute, as one sample.
            let minute = t / 60;
            let warmup = group.warmup();
            let mut samples = Vec::new();
            for instance in &group.instances {
                let ready = instance.lifecycle_state == LifecycleState::InService
                    && instance
                        .in_service_since
                        .is_some_and(|s| s + warmup <= env.now());
                if !ready {
                    continue;
                }
                let id = [("InstanceId", instance.instance_id.as_str())];
                let series = env.metrics.find_by("AWS/EC2", "CPUUtilization", &id);
                // EC2 has already begun the next minute this tick.
                let last =
                    series.and_then(|s| s.minutes.iter().rev().take(2).find(|(m, _)| *m == minute));
                if let Some((_, agg)) = last {
                    samples.push(agg.sum / agg.count.max(1) as f64);
                }
            }
            let [.., cpu_hint] = &mut group.metric_hints.0;
            for value in samples {
                env.metrics.put_hinted(
                    cpu_hint,
                    "AWS/EC2",
                    "CPUUtilization",
                    &dims,
                    "Percent",
                    t,
                    value,
                );
            }
        }
    }

    /// Runs the Auto Scaling action an alarm asks for: executes the policy
    /// its ARN names. `Ok` says what changed (or why nothing did), `Err`
    /// why the action failed, for the alarm's history.
    pub fn on_alarm(&mut self, env: &mut Env, invocation: &Invocation) -> Result<String, String> {
        let policy = self
            .policies
            .iter()
            .find(|p| p.arn == invocation.action_arn)
            .cloned()
            .ok_or_else(|| format!("No scaling policy found for {}", invocation.action_arn))?;
        if !policy.enabled {
            return Err(format!("The scaling policy {} is disabled.", policy.name));
        }
        let time = cause_time(env);
        let group = self.group_mut(&policy.group).map_err(|e| e.message)?;
        let trigger = policies::Trigger::Alarm(invocation);
        let outcome =
            policies::execute(&policy, group, &trigger, env.now()).map_err(|e| e.message)?;
        match outcome {
            policies::Decision::Change(desired) => {
                let before = group.desired_capacity;
                let cause = format!(
                    "At {time} a monitor alarm {} in state {} triggered policy {} changing the \
                     desired capacity from {before} to {desired}.",
                    invocation.alarm_name,
                    invocation.state.name(),
                    policy.name
                );
                let cooldown = policy.cooldown.unwrap_or(group.default_cooldown);
                group.change_desired(env, desired, cause, cooldown);
                Ok(format!(
                    "Changed the desired capacity of {} from {before} to {desired}",
                    group.name
                ))
            }
            policies::Decision::NoChange(why) => Ok(why),
        }
    }
}

fn check_group_name(name: &str) -> Result<(), AwsError> {
    let len = name.chars().count();
    if len == 0 {
        return Err(validation_error(
            name,
            "autoScalingGroupName",
            "Member must have length greater than or equal to 1",
        ));
    }
    if len > 255 {
        return Err(validation_error(
            name,
            "autoScalingGroupName",
            "Member must have length less than or equal to 255",
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(validation_error(
            name,
            "autoScalingGroupName",
            "Member must satisfy regular expression pattern: \
             [\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*",
        ));
    }
    Ok(())
}

fn check_bounds(min: u32, max: u32, desired: u32) -> Result<(), AwsError> {
    if min > max {
        return Err(AwsError::new(
            "ValidationError",
            format!("Max bound, {max}, must be greater than or equal to min bound, {min}"),
        ));
    }
    if desired < min || desired > max {
        return Err(AwsError::new(
            "ValidationError",
            format!(
                "Desired capacity:{desired} must be between the specified min size:{min} and \
                 max size:{max}"
            ),
        ));
    }
    Ok(())
}

fn check_cooldown(group: &Group, now: u64) -> Result<(), AwsError> {
    if group.in_progress() {
        return Err(AwsError::new(
            "ScalingActivityInProgress",
            format!(
                "Scaling activity for AutoScalingGroup {} is in progress and blocks this action",
                group.name
            ),
        ));
    }
    if now < group.cooldown_until {
        return Err(AwsError::new(
            "ScalingActivityInProgress",
            format!(
                "AutoScalingGroup {} is in its cooldown period for another {} seconds; leave out \
                 --honor-cooldown to scale now.",
                group.name,
                group.cooldown_until - now
            ),
        ));
    }
    Ok(())
}

/// Resolves and checks a group's launch template: it must exist, name an
/// AMI and a type, and EC2 must accept them together.
fn check_template(ec2: &Ec2, spec: &TemplateSpecifier) -> Result<GroupTemplate, AwsError> {
    let invalid = |e: AwsError| {
        AwsError::new(
            "ValidationError",
            format!(
                "You must use a valid fully-formed launch template. {}",
                e.message
            ),
        )
    };
    let (template, version) = ec2.launch_templates.resolve(spec).map_err(invalid)?;
    let request = InstanceRequest::from_template(template, version, "").map_err(invalid)?;
    ec2.check_launch(&request.instance_type, Some(&request.image_id))
        .map_err(invalid)?;
    Ok(GroupTemplate {
        launch_template_id: template.launch_template_id.clone(),
        launch_template_name: template.launch_template_name.clone(),
        version: spec.version_or_default().to_string(),
    })
}

fn check_health_check_type(kind: Option<&str>) -> Result<String, AwsError> {
    match kind.unwrap_or("EC2") {
        kind @ ("EC2" | "ELB") => Ok(kind.to_string()),
        other => Err(AwsError::new(
            "ValidationError",
            format!("Invalid HealthCheckType: {other}. Use EC2 or ELB."),
        )),
    }
}

fn check_tags(tags: &[GroupTag]) -> Result<(), AwsError> {
    if tags.len() > 50 {
        return Err(AwsError::new(
            "ValidationError",
            "An Auto Scaling group may have at most 50 tags.",
        ));
    }
    if let Some(bad) = tags
        .iter()
        .find(|t| t.key.is_empty() || t.key.chars().count() > 128)
    {
        return Err(validation_error(
            &bad.key,
            "tags.member.key",
            "Member must have length between 1 and 128",
        ));
    }
    if tags.iter().any(|t| t.key.starts_with("aws:")) {
        return Err(AwsError::new(
            "ValidationError",
            "Tag keys starting with 'aws:' are reserved for AWS.",
        ));
    }
    Ok(())
}

fn termination_policies(names: &[String]) -> Result<Vec<TerminationPolicy>, AwsError> {
    if names.is_empty() {
        return Ok(vec![TerminationPolicy::Default]);
    }
    names
        .iter()
        .map(|n| {
            TerminationPolicy::from_name(n).ok_or_else(|| {
                AwsError::new(
                    "ValidationError",
                    format!(
                        "Termination policy {n} is not valid. Valid termination policies are: \
                         Default, OldestInstance, NewestInstance, OldestLaunchTemplate, \
                         ClosestToNextInstanceHour, AllocationStrategy."
                    ),
                )
            })
        })
        .collect()
}

/// The zones of a group from `--availability-zones` or
/// `--vpc-zone-identifier`. Subnets are not modelled: the n-th subnet
/// listed stands for the region's n-th zone (a, b, c ...). Returns the zones
/// (`None` if neither was given) and the subnet list as given.
fn zones(
    region: &str,
    azs: &[String],
    subnets: Option<&str>,
) -> Result<(Option<Vec<String>>, String), AwsError> {
    const LETTERS: &[u8] = b"abcdef";
    if let Some(list) = subnets.filter(|s| !s.trim().is_empty()) {
        let mut zones = Vec::new();
        for (i, subnet) in list.split(',').map(str::trim).enumerate() {
            let ok = subnet.strip_prefix("subnet-").is_some_and(|h| {
                (h.len() == 8 || h.len() == 17) && h.bytes().all(|b| b.is_ascii_hexdigit())
            });
            if !ok {
                return Err(AwsError::new(
                    "ValidationError",
                    format!("The subnet ID '{subnet}' does not exist"),
                ));
            }
            let letter = LETTERS.get(i % LETTERS.len()).copied().unwrap_or(b'a') as char;
            let zone = format!("{region}{letter}");
            if !zones.contains(&zone) {
                zones.push(zone);
            }
        }
        return Ok((Some(zones), list.to_string()));
    }
    if azs.is_empty() {
        return Ok((None, String::new()));
    }
    let mut zones: Vec<String> = Vec::new();
    for az in azs {
        let ok = az
            .strip_prefix(region)
            .is_some_and(|rest| rest.len() == 1 && rest.bytes().all(|b| LETTERS.contains(&b)));
        if !ok {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "Invalid Availability Zone: {az}. This account runs in {region} \
                     ({region}a to {region}f)."
                ),
            ));
        }
        if !zones.contains(az) {
            zones.push(az.clone());
        }
    }
    Ok((Some(zones), String::new()))
}

fn new_activity(
    env: &mut Env,
    group: &str,
    description: String,
    cause: String,
    zone: &str,
    instance_id: Option<&str>,
) -> Activity {
    Activity {
        activity_id: new_uuid(env),
        group: group.to_string(),
        description,
        cause,
        start_time: env.now(),
        end_time: None,
        status_code: ActivityStatus::InProgress,
        status_message: None,
        progress: 0,
        availability_zone: zone.to_string(),
        instance_id: instance_id.map(str::to_string),
    }
}

/// Ends the newest in-progress activity about `instance_id`.
fn finish_activity(
    activities: &mut [Activity],
    instance_id: &str,
    status: ActivityStatus,
    now: u64,
) {
    let found = activities.iter_mut().rev().find(|a| {
        a.status_code == ActivityStatus::InProgress && a.instance_id.as_deref() == Some(instance_id)
    });
    if let Some(activity) = found {
        activity.status_code = status;
        activity.end_time = Some(now);
        activity.progress = 100;
    }
}

fn push(activities: &mut Vec<Activity>, activity: Activity) {
    activities.push(activity);
}

/// Finds a group instance in EC2, through its remembered index.
fn lookup<'a>(ec2: &'a Ec2, instance: &mut GroupInstance) -> Option<&'a Instance> {
    if let Some(found) = ec2
        .instances
        .get(instance.ec2_index)
        .filter(|i| i.instance_id == instance.instance_id)
    {
        return Some(found);
    }
    let at = ec2
        .instances
        .iter()
        .position(|i| i.instance_id == instance.instance_id)?;
    instance.ec2_index = at;
    ec2.instances.get(at)
}

/// Brings a group toward its desired capacity: follows its instances'
/// states, launches or terminates, and starts a pending cooldown once the
/// group has settled.
fn reconcile(group: &mut Group, activities: &mut Vec<Activity>, env: &mut Env, ec2: &mut Ec2) {
    let now = env.now();
    group.next_reconcile = now + RECONCILE_SECONDS;
    follow_instances(group, activities, env, ec2);

    let capacity = group.capacity();
    let desired = group.desired_capacity;
    if capacity < desired && now >= group.launch_retry_at {
        launch(group, activities, env, ec2, desired - capacity);
    } else if capacity > desired {
        terminate(group, activities, env, ec2, capacity - desired);
    }
    if group.capacity() == group.desired_capacity {
        group.pending_cause = None;
    }
    if !group.in_progress() {
        if let Some(cooldown) = group.pending_cooldown.take() {
            group.cooldown_until = now + cooldown;
        }
    }
}

/// Follows EC2: Pending instances that run go InService; instances stopped
/// or terminated behind the group's back fail their health check and are
/// terminated; terminated instances leave the group.
fn follow_instances(
    group: &mut Group,
    activities: &mut Vec<Activity>,
    env: &mut Env,
    ec2: &mut Ec2,
) {
    let now = env.now();
    let mut unhealthy: Vec<String> = Vec::new();
    let mut gone: Vec<String> = Vec::new();
    for instance in &mut group.instances {
        let state = lookup(ec2, instance).map(|i| i.state);
        match (instance.lifecycle_state, state) {
            (_, None) => gone.push(instance.instance_id.clone()),
            (LifecycleState::Pending, Some(InstanceState::Running)) => {
                instance.lifecycle_state = LifecycleState::InService;
                instance.in_service_since = Some(now);
                finish_activity(
                    activities,
                    &instance.instance_id,
                    ActivityStatus::Successful,
                    now,
                );
            }
            (
                LifecycleState::Pending | LifecycleState::InService,
                Some(
                    InstanceState::Stopping
                    | InstanceState::Stopped
                    | InstanceState::ShuttingDown
                    | InstanceState::Terminated,
                ),
            ) => {
                let status = if instance.lifecycle_state == LifecycleState::Pending {
                    ActivityStatus::Cancelled
                } else {
                    ActivityStatus::Successful
                };
                finish_activity(activities, &instance.instance_id, status, now);
                instance.lifecycle_state = LifecycleState::Terminating;
                unhealthy.push(instance.instance_id.clone());
            }
            (LifecycleState::Terminating, Some(InstanceState::Terminated)) => {
                finish_activity(
                    activities,
                    &instance.instance_id,
                    ActivityStatus::Successful,
                    now,
                );
                gone.push(instance.instance_id.clone());
            }
            _ => {}
        }
    }
    if !unhealthy.is_empty() {
        let time = cause_time(env);
        for id in &unhealthy {
            let zone = group
                .instances
                .iter()
                .find(|i| &i.instance_id == id)
                .map(|i| i.availability_zone.clone());
            let cause = format!(
                "At {time} an instance was taken out of service in response to an EC2 health check \
                 indicating it has been terminated or stopped."
            );
            let activity = new_activity(
                env,
                &group.name,
                format!("Terminating EC2 instance: {id}"),
                cause,
                zone.as_deref().unwrap_or(""),
                Some(id),
            );
            push(activities, activity);
            env.events.push(
                now,
                "AutoScaling",
                format!(
                    "Auto Scaling group {}: {id} failed its EC2 health check",
                    group.name
                ),
            );
        }
        let _ = ec2.terminate_instances(env, &unhealthy);
    }
    group.instances.retain(|i| !gone.contains(&i.instance_id));
}

/// The zone with the fewest Pending or InService instances, first listed
/// on ties.
fn emptiest_zone(group: &Group) -> String {
    let count = |zone: &String| {
        group
            .instances
            .iter()
            .filter(|i| {
                i.lifecycle_state != LifecycleState::Terminating && &i.availability_zone == zone
            })
            .count()
    };
    group
        .availability_zones
        .iter()
        .min_by_key(|z| count(z))
        .cloned()
        .unwrap_or_default()
}

fn launch(
    group: &mut Group,
    activities: &mut Vec<Activity>,
    env: &mut Env,
    ec2: &mut Ec2,
    missing: u32,
) {
    let now = env.now();
    let time = cause_time(env);
    let capacity = group.capacity();
    let increase = format!(
        "At {time} an instance was started in response to a difference between desired and actual \
         capacity, increasing the capacity from {capacity} to {}.",
        group.desired_capacity
    );
    let cause = match &group.pending_cause {
        Some(c) => format!("{c}  {increase}"),
        None => increase,
    };
    let resolved = ec2
        .launch_templates
        .resolve(&group.launch_template.specifier())
        .and_then(|(t, v)| InstanceRequest::from_template(t, v, "").map(|r| (r, v.version_number)));
    let (base, version) = match resolved {
        Ok(found) => found,
        Err(err) => return launch_failed(group, activities, env, cause, err),
    };

    for _ in 0..missing {
        let zone = emptiest_zone(group);
        let mut request = base.clone();
        request.availability_zone = zone.clone();
        for tag in group.tags.iter().filter(|t| t.propagate_at_launch) {
            request.tags.insert(tag.key.clone(), tag.value.clone());
        }
        request
            .tags
            .insert("aws:autoscaling:groupName".into(), group.name.clone());
        let instance_type = request.instance_type.clone();
        match ec2.launch_instance(env, request) {
            Ok(id) => {
                let index = ec2
                    .instances
                    .iter()
                    .rposition(|i| i.instance_id == id)
                    .unwrap_or(0);
                let launch_time = ec2
                    .instances
                    .get(index)
                    .map_or(env.unix_now(), |i| i.launch_time);
                group.instances.push(GroupInstance {
                    instance_id: id.clone(),
                    instance_type,
                    availability_zone: zone.clone(),
                    lifecycle_state: LifecycleState::Pending,
                    launch_template_id: group.launch_template.launch_template_id.clone(),
                    launch_template_version: version,
                    launch_time,
                    in_service_since: None,
                    protected_from_scale_in: group.new_instances_protected_from_scale_in,
                    ec2_index: index,
                });
                let activity = new_activity(
                    env,
                    &group.name,
                    format!("Launching a new EC2 instance: {id}"),
                    cause.clone(),
                    &zone,
                    Some(&id),
                );
                push(activities, activity);
                env.events.push(
                    now,
                    "AutoScaling",
                    format!("Auto Scaling group {} launched {id}", group.name),
                );
                group.launch_failures = 0;
            }
            Err(err) => return launch_failed(group, activities, env, cause, err),
        }
    }
}

fn launch_failed(
    group: &mut Group,
    activities: &mut Vec<Activity>,
    env: &mut Env,
    cause: String,
    err: AwsError,
) {
    let now = env.now();
    let zone = emptiest_zone(group);
    let mut activity = new_activity(
        env,
        &group.name,
        format!(
            "Launching a new EC2 instance.  Status Reason: {} Launching EC2 instance failed.",
            err.message
        ),
        cause,
        &zone,
        None,
    );
    activity.status_code = ActivityStatus::Failed;
    activity.status_message = Some(err.message.clone());
    activity.end_time = Some(now);
    activity.progress = 100;
    push(activities, activity);
    let wait =
        (LAUNCH_RETRY_SECONDS << group.launch_failures.min(10)).min(MAX_LAUNCH_RETRY_SECONDS);
    group.launch_failures = group.launch_failures.saturating_add(1);
    group.launch_retry_at = now + wait;
    env.events.push(
        now,
        "AutoScaling",
        format!(
            "Auto Scaling group {} failed to launch an instance: {}",
            group.name, err.message
        ),
    );
}

fn terminate(
    group: &mut Group,
    activities: &mut Vec<Activity>,
    env: &mut Env,
    ec2: &mut Ec2,
    extra: u32,
) {
    let now = env.now();
    let time = cause_time(env);
    let capacity = group.capacity();
    let desired = group.desired_capacity;
    let current_version = ec2
        .launch_templates
        .resolve(&group.launch_template.specifier())
        .ok()
        .map(|(t, v)| (t.launch_template_id.clone(), v.version_number));
    let mut chosen: Vec<String> = Vec::new();
    for _ in 0..extra {
        match choose_victim(group, &chosen, current_version.as_ref(), env) {
            Some(id) => chosen.push(id),
            None => break,
        }
    }
    for id in &chosen {
        let Some(instance) = group.instances.iter_mut().find(|i| &i.instance_id == id) else {
            continue;
        };
        if instance.lifecycle_state == LifecycleState::Pending {
            finish_activity(activities, id, ActivityStatus::Cancelled, now);
        }
        instance.lifecycle_state = LifecycleState::Terminating;
        let zone = instance.availability_zone.clone();
        let shrink = format!(
            "At {time} an instance was taken out of service in response to a difference between \
             desired and actual capacity, shrinking the capacity from {capacity} to {desired}.  At \
             {time} instance {id} was selected for termination."
        );
        let cause = match &group.pending_cause {
            Some(c) => format!("{c}  {shrink}"),
            None => shrink,
        };
        let activity = new_activity(
            env,
            &group.name,
            format!("Terminating EC2 instance: {id}"),
            cause,
            &zone,
            Some(id),
        );
        push(activities, activity);
        env.events.push(
            now,
            "AutoScaling",
            format!("Auto Scaling group {} is terminating {id}", group.name),
        );
    }
    if !chosen.is_empty() {
        let _ = ec2.terminate_instances(env, &chosen);
    }
}

/// The next instance to terminate on scale-in, by the group's termination
/// policies (see the module doc), or `None` if every candidate is
/// protected.
fn choose_victim(
    group: &Group,
    chosen: &[String],
    current: Option<&(String, u64)>,
    env: &mut Env,
) -> Option<String> {
    let staying: Vec<&GroupInstance> = group
        .instances
        .iter()
        .filter(|i| {
            i.lifecycle_state != LifecycleState::Terminating && !chosen.contains(&i.instance_id)
        })
        .collect();
    let mut candidates: Vec<&GroupInstance> = staying
        .iter()
        .copied()
        .filter(|i| !i.protected_from_scale_in)
        .collect();
    if candidates.is_empty() {
        return None;
    }

    // Balance zones first: keep the candidates of the fullest zones.
    let in_zone = |zone: &str| {
        staying
            .iter()
            .filter(|i| i.availability_zone == zone)
            .count()
    };
    let fullest = candidates
        .iter()
        .map(|i| in_zone(&i.availability_zone))
        .max()
        .unwrap_or(0);
    candidates.retain(|i| in_zone(&i.availability_zone) == fullest);

    let now_unix = env.unix_now();
    for policy in &group.termination_policies {
        let steps: &[TerminationPolicy] = match policy {
            TerminationPolicy::Default => &[
                TerminationPolicy::OldestLaunchTemplate,
                TerminationPolicy::ClosestToNextInstanceHour,
            ],
            other => std::slice::from_ref(other),
        };
        for step in steps {
            narrow(&mut candidates, *step, current, now_unix);
        }
    }
    let pick = if candidates.len() > 1 {
        use rand::RngExt;
        env.rng.random_range(0..candidates.len())
    } else {
        0
    };
    candidates.get(pick).map(|i| i.instance_id.clone())
}

/// Keeps the candidates a termination policy prefers.
fn narrow(
    candidates: &mut Vec<&GroupInstance>,
    policy: TerminationPolicy,
    current: Option<&(String, u64)>,
    now_unix: i64,
) {
    let key: Box<dyn Fn(&GroupInstance) -> i64> = match policy {
        TerminationPolicy::OldestInstance => Box::new(|i| -i.launch_time),
        TerminationPolicy::NewestInstance => Box::new(|i| i.launch_time),
        TerminationPolicy::OldestLaunchTemplate => Box::new(move |i| {
            let is_current = current.is_some_and(|(id, v)| {
                *id == i.launch_template_id && *v == i.launch_template_version
            });
            if is_current {
                0
            } else {
                1_000_000 - i.launch_template_version.min(999_999) as i64
            }
        }),
        TerminationPolicy::ClosestToNextInstanceHour => {
            Box::new(move |i| (now_unix - i.launch_time).rem_euclid(3600))
        }
        TerminationPolicy::Default | TerminationPolicy::AllocationStrategy => return,
    };
    let best = candidates.iter().map(|i| key(i)).max();
    if let Some(best) = best {
        candidates.retain(|i| key(i) == best);
    }
}

/// AWS's JSON for a group, as `DescribeAutoScalingGroups` lists it.
pub fn group_json(group: &Group) -> Value {
    let template = |version: String| {
        json!({
            "LaunchTemplateId": group.launch_template.launch_template_id,
            "LaunchTemplateName": group.launch_template.launch_template_name,
            "Version": version,
        })
    };
    let instances: Vec<Value> = group
        .instances
        .iter()
        .map(|i| {
            json!({
                "InstanceId": i.instance_id,
                "InstanceType": i.instance_type,
                "AvailabilityZone": i.availability_zone,
                "LifecycleState": i.lifecycle_state.name(),
                "HealthStatus": "Healthy",
                "LaunchTemplate": template(i.launch_template_version.to_string()),
                "ProtectedFromScaleIn": i.protected_from_scale_in,
            })
        })
        .collect();
    let tags: Vec<Value> = group
        .tags
        .iter()
        .map(|t| {
            json!({
                "ResourceId": group.name,
                "ResourceType": "auto-scaling-group",
                "Key": t.key,
                "Value": t.value,
                "PropagateAtLaunch": t.propagate_at_launch,
            })
        })
        .collect();
    let policies: Vec<&str> = group
        .termination_policies
        .iter()
        .map(|p| p.name())
        .collect();
    let mut out = Map::new();
    out.insert("AutoScalingGroupName".into(), json!(group.name));
    out.insert("AutoScalingGroupARN".into(), json!(group.arn));
    out.insert(
        "LaunchTemplate".into(),
        template(group.launch_template.version.clone()),
    );
    out.insert("MinSize".into(), json!(group.min_size));
    out.insert("MaxSize".into(), json!(group.max_size));
    out.insert("DesiredCapacity".into(), json!(group.desired_capacity));
    out.insert("DefaultCooldown".into(), json!(group.default_cooldown));
    out.insert("AvailabilityZones".into(), json!(group.availability_zones));
    out.insert("LoadBalancerNames".into(), json!([]));
    out.insert("TargetGroupARNs".into(), json!([]));
    out.insert("HealthCheckType".into(), json!(group.health_check_type));
    out.insert(
        "HealthCheckGracePeriod".into(),
        json!(group.health_check_grace_period),
    );
    out.insert("Instances".into(), Value::Array(instances));
    out.insert(
        "CreatedTime".into(),
        json!(format_iso8601(group.created_time)),
    );
    out.insert("SuspendedProcesses".into(), json!([]));
    out.insert("VPCZoneIdentifier".into(), json!(group.vpc_zone_identifier));
    out.insert("EnabledMetrics".into(), json!([]));
    if group.deleting {
        out.insert("Status".into(), json!("Delete in progress"));
    }
    out.insert("Tags".into(), Value::Array(tags));
    out.insert("TerminationPolicies".into(), json!(policies));
    out.insert(
        "NewInstancesProtectedFromScaleIn".into(),
        json!(group.new_instances_protected_from_scale_in),
    );
    out.insert(
        "ServiceLinkedRoleARN".into(),
        json!(format!(
            "arn:aws:iam::{ACCOUNT_ID}:role/aws-service-role/autoscaling.amazonaws.com/\
             AWSServiceRoleForAutoScaling"
        )),
    );
    if let Some(w) = group.default_instance_warmup {
        out.insert("DefaultInstanceWarmup".into(), json!(w));
    }
    Value::Object(out)
}

/// AWS's JSON for one instance, as `DescribeAutoScalingInstances` lists it.
pub fn instance_json(group: &Group, instance: &GroupInstance) -> Value {
    json!({
        "InstanceId": instance.instance_id,
        "InstanceType": instance.instance_type,
        "AutoScalingGroupName": group.name,
        "AvailabilityZone": instance.availability_zone,
        "LifecycleState": instance.lifecycle_state.name(),
        "HealthStatus": "HEALTHY",
        "LaunchTemplate": {
            "LaunchTemplateId": group.launch_template.launch_template_id,
            "LaunchTemplateName": group.launch_template.launch_template_name,
            "Version": instance.launch_template_version.to_string(),
        },
        "ProtectedFromScaleIn": instance.protected_from_scale_in,
    })
}

/// AWS's JSON for an activity, as `DescribeScalingActivities` lists it.
pub fn activity_json(activity: &Activity, group_arn: Option<&str>, start_unix: i64) -> Value {
    let time = |t: u64| json!(format_iso8601(start_unix + t as i64));
    let mut out = Map::new();
    out.insert("ActivityId".into(), json!(activity.activity_id));
    out.insert("AutoScalingGroupName".into(), json!(activity.group));
    out.insert("Description".into(), json!(activity.description));
    out.insert("Cause".into(), json!(activity.cause));
    out.insert("StartTime".into(), time(activity.start_time));
    if let Some(end) = activity.end_time {
        out.insert("EndTime".into(), time(end));
    }
    out.insert("StatusCode".into(), json!(activity.status_code.name()));
    if let Some(message) = &activity.status_message {
        out.insert("StatusMessage".into(), json!(message));
    }
    out.insert("Progress".into(), json!(activity.progress));
    let details = json!({
        "Subnet ID": "subnet-0a1b2c3d4e5f67890",
        "Availability Zone": activity.availability_zone,
    });
    out.insert("Details".into(), json!(details.to_string()));
    if let Some(arn) = group_arn {
        out.insert("AutoScalingGroupARN".into(), json!(arn));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests;
