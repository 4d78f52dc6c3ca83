//! Scaling policies: simple, step and target tracking.
//!
//! A simple policy changes the desired capacity by `ScalingAdjustment`
//! (`ChangeInCapacity`, `ExactCapacity` or `PercentChangeInCapacity`,
//! rounded as AWS rounds, with `MinAdjustmentMagnitude`), then waits for its
//! `Cooldown` (the group's `DefaultCooldown` if unset): while a scaling
//! activity is in progress or the cooldown runs, an alarm's repeated
//! invocations change nothing.
//!
//! A step policy picks the step whose interval, relative to the alarm's
//! threshold, holds the breach: the alarm's evaluated datapoints combined by
//! `MetricAggregationType` (Average by default), minus the threshold. As in
//! AWS, above the threshold a step's lower bound is inclusive and its upper
//! bound exclusive, below it the reverse. Step policies have no cooldown;
//! while instances warm up (`EstimatedInstanceWarmup`, else the group's
//! warm-up), a scale-out only adds what goes beyond the instances already
//! warming.
//!
//! A target-tracking policy creates its two alarms as AWS names them,
//! `TargetTracking-<group>-AlarmHigh-<uuid>` (three one-minute datapoints
//! above the target) and `...-AlarmLow-<uuid>` (fifteen below 90 % of it,
//! left out with `DisableScaleIn`), on a predefined metric
//! (`ASGAverageCPUUtilization`) or a customized one. The high alarm raises
//! the capacity to `ceil(ready * value / target)`, where `ready` counts the
//! warmed-up instances whose load the metric shows (instances still warming
//! count toward the new capacity), and from zero instances to one; the low
//! alarm lowers it to `ceil(capacity * value / target)`, after the
//! cooldown. A metric that does not grow with the load per instance (a
//! queue's depth) is better tracked per instance, as AWS advises. Deleting
//! the policy deletes its alarms.
//!
//! Not modelled: predictive scaling, target tracking on load balancer or
//! network metrics, metric math in customized metrics, and AWS's gradual
//! scale-in of target tracking beyond the formula above.

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use super::{cause_time, check_cooldown, AutoScaling, Group};
use crate::services::alarms::{AlarmConfig, Alarms, ComparisonOperator, Invocation};
use crate::services::cloudwatch::Statistic;
use crate::services::{new_uuid, validation_error, AwsError};
use crate::world::{Env, ACCOUNT_ID};

/// The kinds of scaling policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PolicyType {
    SimpleScaling,
    StepScaling,
    TargetTrackingScaling,
}

impl PolicyType {
    /// Auto Scaling's name.
    pub fn name(self) -> &'static str {
        match self {
            PolicyType::SimpleScaling => "SimpleScaling",
            PolicyType::StepScaling => "StepScaling",
            PolicyType::TargetTrackingScaling => "TargetTrackingScaling",
        }
    }

    /// Parses Auto Scaling's name.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            PolicyType::SimpleScaling,
            PolicyType::StepScaling,
            PolicyType::TargetTrackingScaling,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// How a scaling adjustment is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AdjustmentType {
    ChangeInCapacity,
    ExactCapacity,
    PercentChangeInCapacity,
}

impl AdjustmentType {
    /// Auto Scaling's name.
    pub fn name(self) -> &'static str {
        match self {
            AdjustmentType::ChangeInCapacity => "ChangeInCapacity",
            AdjustmentType::ExactCapacity => "ExactCapacity",
            AdjustmentType::PercentChangeInCapacity => "PercentChangeInCapacity",
        }
    }

    /// Parses Auto Scaling's name.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            Self::ChangeInCapacity,
            Self::ExactCapacity,
            Self::PercentChangeInCapacity,
        ]
        .into_iter()
        .find(|t| t.name() == name)
    }
}

/// How a step policy combines the alarm's datapoints.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum MetricAggregationType {
    #[default]
    Average,
    Minimum,
    Maximum,
}

impl MetricAggregationType {
    /// Auto Scaling's name.
    pub fn name(self) -> &'static str {
        match self {
            MetricAggregationType::Average => "Average",
            MetricAggregationType::Minimum => "Minimum",
            MetricAggregationType::Maximum => "Maximum",
        }
    }

    /// Parses Auto Scaling's name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::Average, Self::Minimum, Self::Maximum]
            .into_iter()
            .find(|t| t.name() == name)
    }

    fn of(self, values: &[f64]) -> Option<f64> {
        let first = *values.first()?;
        Some(match self {
            MetricAggregationType::Average => values.iter().sum::<f64>() / values.len() as f64,
            MetricAggregationType::Minimum => values.iter().copied().fold(first, f64::min),
            MetricAggregationType::Maximum => values.iter().copied().fold(first, f64::max),
        })
    }
}

/// One step of a step policy: an interval of the breach (metric value
/// minus threshold; unbounded where `None`) and its adjustment.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct StepAdjustment {
    pub lower: Option<f64>,
    pub upper: Option<f64>,
    pub scaling_adjustment: i64,
}

impl StepAdjustment {
    /// Whether the step holds a breach of `delta`, with AWS's inclusive
    /// and exclusive bounds (see the module doc).
    pub fn covers(&self, delta: f64) -> bool {
        let lower = self.lower.unwrap_or(f64::NEG_INFINITY);
        let upper = self.upper.unwrap_or(f64::INFINITY);
        if delta >= 0.0 {
            delta >= lower && delta < upper
        } else {
            delta > lower && delta <= upper
        }
    }
}

fn statistic_name<S: Serializer>(statistic: &Statistic, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(statistic.name())
}

/// The metric a target-tracking policy keeps at its target.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum TrackedMetric {
    /// `ASGAverageCPUUtilization`: the group's average `CPUUtilization`.
    Predefined {
        metric_type: String,
        resource_label: Option<String>,
    },
    /// Any metric, with its statistic.
    Customized {
        namespace: String,
        metric_name: String,
        dimensions: Vec<(String, String)>,
        #[serde(serialize_with = "statistic_name")]
        statistic: Statistic,
        unit: Option<String>,
    },
}

/// A target-tracking configuration.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TargetTracking {
    pub metric: TrackedMetric,
    pub target_value: f64,
    pub disable_scale_in: bool,
}

/// A scaling policy of a group.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ScalingPolicy {
    pub group: String,
    pub name: String,
    pub arn: String,
    pub policy_type: PolicyType,
    pub adjustment_type: Option<AdjustmentType>,
    pub scaling_adjustment: Option<i64>,
    pub min_adjustment_magnitude: Option<i64>,
    pub cooldown: Option<u64>,
    /// Sorted by lower bound.
    pub step_adjustments: Vec<StepAdjustment>,
    pub metric_aggregation_type: Option<MetricAggregationType>,
    pub estimated_instance_warmup: Option<u64>,
    pub target_tracking: Option<TargetTracking>,
    /// Alarms a target-tracking policy created: (name, ARN).
    pub alarms: Vec<(String, String)>,
    pub enabled: bool,
}

impl ScalingPolicy {
    /// Whether running the policy can raise a group's capacity from
    /// `capacity` (target tracking can, once its high alarm fires).
    pub fn can_scale_out_from(&self, capacity: u32) -> bool {
        let kind = self
            .adjustment_type
            .unwrap_or(AdjustmentType::ChangeInCapacity);
        let raises = |adj: i64| {
            adjust(kind, capacity, adj, self.min_adjustment_magnitude) > i64::from(capacity)
        };
        match self.policy_type {
            PolicyType::SimpleScaling => self.scaling_adjustment.is_some_and(raises),
            PolicyType::StepScaling => self
                .step_adjustments
                .iter()
                .any(|s| raises(s.scaling_adjustment)),
            PolicyType::TargetTrackingScaling => true,
        }
    }

    /// Whether running the policy can lower a group's capacity: a negative
    /// change, any `ExactCapacity` (from above it), target tracking with
    /// scale-in.
    pub fn can_scale_in(&self) -> bool {
        let kind = self
            .adjustment_type
            .unwrap_or(AdjustmentType::ChangeInCapacity);
        let lowers = |adj: i64| kind == AdjustmentType::ExactCapacity || adj < 0;
        match self.policy_type {
            PolicyType::SimpleScaling => self.scaling_adjustment.is_some_and(lowers),
            PolicyType::StepScaling => self
                .step_adjustments
                .iter()
                .any(|s| lowers(s.scaling_adjustment)),
            PolicyType::TargetTrackingScaling => self
                .target_tracking
                .as_ref()
                .is_some_and(|t| !t.disable_scale_in),
        }
    }

    /// Whether running the policy, once or again and again (as alarms
    /// repeat Auto Scaling actions), can take a group down to 0 instances.
    pub fn can_scale_in_to_zero(&self) -> bool {
        let kind = self
            .adjustment_type
            .unwrap_or(AdjustmentType::ChangeInCapacity);
        let lowers = |adj: i64| match kind {
            AdjustmentType::ExactCapacity => adj == 0,
            _ => adj < 0,
        };
        match self.policy_type {
            PolicyType::SimpleScaling => self.scaling_adjustment.is_some_and(lowers),
            PolicyType::StepScaling => self
                .step_adjustments
                .iter()
                .any(|s| lowers(s.scaling_adjustment)),
            PolicyType::TargetTrackingScaling => self
                .target_tracking
                .as_ref()
                .is_some_and(|t| !t.disable_scale_in),
        }
    }

    fn warmup(&self, group: &Group) -> u64 {
        self.estimated_instance_warmup
            .unwrap_or_else(|| group.warmup())
    }
}

/// What `PutScalingPolicy` asks for, as typed; the service checks it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PolicyInput {
    pub group: String,
    pub name: String,
    /// `SimpleScaling` when unset.
    pub policy_type: Option<String>,
    pub adjustment_type: Option<String>,
    pub scaling_adjustment: Option<i64>,
    pub min_adjustment_magnitude: Option<i64>,
    pub cooldown: Option<i64>,
    pub metric_aggregation_type: Option<String>,
    pub step_adjustments: Vec<StepAdjustment>,
    pub estimated_instance_warmup: Option<i64>,
    pub target_tracking: Option<TargetTracking>,
    /// True unless `--no-enabled`.
    pub enabled: bool,
}

/// Who runs a policy.
pub(super) enum Trigger<'a> {
    /// An alarm's action.
    Alarm(&'a Invocation),
    /// `ExecutePolicy`.
    User {
        honor_cooldown: bool,
        metric_value: Option<f64>,
        breach_threshold: Option<f64>,
    },
}

/// What running a policy decided.
pub(super) enum Decision {
    /// Set the desired capacity to this.
    Change(u32),
    /// Nothing to do, and why.
    NoChange(String),
}

/// The capacity after an adjustment of `adj`, before the group's bounds.
/// Percentages round as AWS does: above 1 down, between 0 and 1 to 1,
/// between -1 and 0 to -1, below -1 up; then `MinAdjustmentMagnitude`.
pub fn adjust(kind: AdjustmentType, current: u32, adj: i64, min_magnitude: Option<i64>) -> i64 {
    let current = i64::from(current);
    match kind {
        AdjustmentType::ChangeInCapacity => current.saturating_add(adj),
        AdjustmentType::ExactCapacity => adj,
        AdjustmentType::PercentChangeInCapacity => {
            let raw = current as f64 * adj as f64 / 100.0;
            let mut change = if raw > 1.0 {
                raw.floor() as i64
            } else if raw > 0.0 {
                1
            } else if raw < -1.0 {
                raw.ceil() as i64
            } else if raw < 0.0 {
                -1
            } else {
                0
            };
            if let Some(m) = min_magnitude {
                if change.abs() < m && adj != 0 {
                    change = m.saturating_mul(adj.signum());
                }
            }
            current.saturating_add(change)
        }
    }
}

/// Decides what running `policy` on `group` does now.
pub(super) fn execute(
    policy: &ScalingPolicy,
    group: &Group,
    trigger: &Trigger,
    now: u64,
) -> Result<Decision, AwsError> {
    let desired = group.desired_capacity;
    let kind = policy
        .adjustment_type
        .unwrap_or(AdjustmentType::ChangeInCapacity);
    let magnitude = policy.min_adjustment_magnitude;
    let target: i64 = match policy.policy_type {
        PolicyType::SimpleScaling => {
            let honor = match trigger {
                Trigger::Alarm(_) => true,
                Trigger::User { honor_cooldown, .. } => *honor_cooldown,
            };
            if honor {
                if let Err(err) = check_cooldown(group, now) {
                    return match trigger {
                        Trigger::Alarm(_) => Ok(Decision::NoChange(err.message)),
                        Trigger::User { .. } => Err(err),
                    };
                }
            }
            adjust(
                kind,
                desired,
                policy.scaling_adjustment.unwrap_or(0),
                magnitude,
            )
        }
        PolicyType::StepScaling => {
            let (value, threshold) = match trigger {
                Trigger::Alarm(inv) => {
                    let aggregation = policy.metric_aggregation_type.unwrap_or_default();
                    match aggregation.of(&inv.values) {
                        Some(v) => (v, inv.threshold),
                        None => {
                            return Ok(Decision::NoChange("The alarm has no datapoint.".into()))
                        }
                    }
                }
                Trigger::User {
                    metric_value,
                    breach_threshold,
                    ..
                } => match (metric_value, breach_threshold) {
                    (Some(v), Some(t)) => (*v, *t),
                    _ => {
                        return Err(AwsError::new(
                            "ValidationError",
                            "MetricValue and BreachThreshold are required to execute a step \
                             scaling policy.",
                        ))
                    }
                },
            };
            let delta = value - threshold;
            let Some(step) = policy.step_adjustments.iter().find(|s| s.covers(delta)) else {
                return Ok(Decision::NoChange(format!(
                    "No step adjustment covers the metric value {value} against the threshold \
                     {threshold}."
                )));
            };
            let adj = step.scaling_adjustment;
            if kind != AdjustmentType::ExactCapacity && adj > 0 {
                let warming = group.warming(now, policy.warmup(group));
                let ready = group.capacity().saturating_sub(warming);
                adjust(kind, ready, adj, magnitude).max(i64::from(desired))
            } else {
                adjust(kind, desired, adj, magnitude)
            }
        }
        PolicyType::TargetTrackingScaling => {
            let Trigger::Alarm(inv) = trigger else {
                return Err(AwsError::new(
                    "ValidationError",
                    format!(
                        "Policy {} is a target tracking scaling policy; ExecutePolicy runs simple \
                         and step scaling policies only.",
                        policy.name
                    ),
                ));
            };
            let (Some(tt), Some(&value)) = (&policy.target_tracking, inv.values.first()) else {
                return Ok(Decision::NoChange("The alarm has no datapoint.".into()));
            };
            let capacity = group.capacity();
            let warming = group.warming(now, policy.warmup(group));
            let ready = capacity.saturating_sub(warming);
            let ratio = value / tt.target_value;
            if inv.comparison.is_upper() {
                if capacity == 0 {
                    1
                } else if ready == 0 {
                    return Ok(Decision::NoChange("Instances are still warming up.".into()));
                } else {
                    // The load the ready instances carry, spread at the
                    // target; instances still warming count toward it.
                    let wanted = (f64::from(ready) * ratio).ceil() as i64;
                    wanted.max(i64::from(desired))
                }
            } else {
                if tt.disable_scale_in {
                    return Ok(Decision::NoChange("Scale-in is disabled.".into()));
                }
                if now < group.cooldown_until || group.in_progress() {
                    return Ok(Decision::NoChange("The group is in its cooldown.".into()));
                }
                let wanted = (f64::from(capacity) * ratio).ceil() as i64;
                wanted.min(i64::from(desired))
            }
        }
    };
    let bounded = target.clamp(
        i64::from(group.min_size),
        i64::from(group.max_size.max(group.min_size)),
    );
    let bounded = u32::try_from(bounded).unwrap_or(group.max_size);
    if bounded == desired {
        Ok(Decision::NoChange(format!(
            "The desired capacity of {} stays {desired}.",
            group.name
        )))
    } else {
        Ok(Decision::Change(bounded))
    }
}

fn policy_not_found(group: Option<&str>, name: &str) -> AwsError {
    let message = match group {
        Some(g) => format!("No scaling policy named {name} found for AutoScalingGroup {g}"),
        None => format!(
            "No scaling policy found for {name}; give --auto-scaling-group-name, or the \
             policy's ARN"
        ),
    };
    AwsError::new("ValidationError", message)
}

fn non_negative(field: &str, value: i64) -> Result<u64, AwsError> {
    u64::try_from(value).map_err(|_| {
        validation_error(
            &value.to_string(),
            field,
            "Member must have value greater than or equal to 0",
        )
    })
}

/// Checks step intervals: each lower bound below its upper bound, no
/// overlaps, no gaps, and an unbounded end only at either end.
fn check_steps(steps: &mut [StepAdjustment]) -> Result<(), AwsError> {
    let invalid = |why: &str| AwsError::new("ValidationError", why.to_string());
    if steps.is_empty() {
        return Err(invalid(
            "StepAdjustments are required for StepScaling policies.",
        ));
    }
    if steps.len() > 20 {
        return Err(invalid(
            "A StepScaling policy may have at most 20 step adjustments.",
        ));
    }
    for s in steps.iter() {
        if s.lower.is_none() && s.upper.is_none() && steps.len() > 1 {
            return Err(invalid("Only one step adjustment may have neither bound."));
        }
        if s.lower.is_some_and(|l| !l.is_finite()) || s.upper.is_some_and(|u| !u.is_finite()) {
            return Err(invalid("Step adjustment bounds must be numbers."));
        }
        if let (Some(l), Some(u)) = (s.lower, s.upper) {
            if l >= u {
                return Err(AwsError::new(
                    "ValidationError",
                    format!(
                        "The lower bound {l} of a step adjustment must be less than its upper \
                         bound {u}."
                    ),
                ));
            }
        }
    }
    steps.sort_by(|a, b| {
        let key = |s: &StepAdjustment| s.lower.unwrap_or(f64::NEG_INFINITY);
        key(a).total_cmp(&key(b))
    });
    for pair in steps.windows(2) {
        if let [a, b] = pair {
            if a.upper.is_none() || b.lower.is_none() || a.upper != b.lower {
                return Err(invalid(
                    "Step adjustments must not overlap or leave gaps: each step's \
                     MetricIntervalUpperBound must equal the next step's \
                     MetricIntervalLowerBound.",
                ));
            }
        }
    }
    Ok(())
}

/// Reads a `TargetTrackingConfiguration` given as JSON or shorthand.
/// Numbers may be JSON numbers or text, as shorthand gives them.
pub fn parse_target_tracking(value: &Value) -> Result<TargetTracking, AwsError> {
    let invalid = |why: String| AwsError::new("ValidationError", why);
    let Some(map) = value.as_object() else {
        return Err(invalid(
            "TargetTrackingConfiguration must be a structure.".into(),
        ));
    };
    const KEYS: [&str; 4] = [
        "PredefinedMetricSpecification",
        "CustomizedMetricSpecification",
        "TargetValue",
        "DisableScaleIn",
    ];
    if let Some(bad) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
        return Err(invalid(format!(
            "Unknown parameter in TargetTrackingConfiguration: \"{bad}\", must be one of: {}",
            KEYS.join(", ")
        )));
    }
    let target_value = map.get("TargetValue").and_then(number).ok_or_else(|| {
        invalid("TargetTrackingConfiguration needs a numeric TargetValue.".into())
    })?;
    if !target_value.is_finite() || target_value <= 0.0 {
        return Err(invalid(format!(
            "TargetValue must be a positive number (got {target_value})."
        )));
    }
    let disable_scale_in = match map.get("DisableScaleIn") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
        Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
        Some(other) => {
            return Err(invalid(format!(
                "DisableScaleIn must be true or false (got {other})."
            )))
        }
    };
    let metric = match (
        map.get("PredefinedMetricSpecification"),
        map.get("CustomizedMetricSpecification"),
    ) {
        (Some(p), None) => predefined(p)?,
        (None, Some(c)) => customized(c)?,
        _ => {
            return Err(invalid(
                "Specify exactly one of PredefinedMetricSpecification and \
                 CustomizedMetricSpecification."
                    .into(),
            ))
        }
    };
    Ok(TargetTracking {
        metric,
        target_value,
        disable_scale_in,
    })
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text<'a>(map: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    map.get(key).and_then(Value::as_str)
}

fn predefined(value: &Value) -> Result<TrackedMetric, AwsError> {
    let map = value.as_object().ok_or_else(|| {
        AwsError::new(
            "ValidationError",
            "PredefinedMetricSpecification must be a structure.",
        )
    })?;
    let metric_type = text(map, "PredefinedMetricType").unwrap_or("");
    match metric_type {
        "ASGAverageCPUUtilization" => Ok(TrackedMetric::Predefined {
            metric_type: metric_type.to_string(),
            resource_label: text(map, "ResourceLabel").map(str::to_string),
        }),
        "ASGAverageNetworkIn" | "ASGAverageNetworkOut" | "ALBRequestCountPerTarget" => {
            Err(AwsError::new(
                "ValidationError",
                format!(
                "Predefined metric {metric_type} is not available here: instances have no network \
                 or load balancer metrics. Use ASGAverageCPUUtilization or a \
                 CustomizedMetricSpecification."
            ),
            ))
        }
        other => Err(validation_error(
            other,
            "targetTrackingConfiguration.predefinedMetricSpecification.predefinedMetricType",
            "Member must satisfy enum value set: [ASGAverageCPUUtilization, ASGAverageNetworkIn, \
             ASGAverageNetworkOut, ALBRequestCountPerTarget]",
        )),
    }
}

fn customized(value: &Value) -> Result<TrackedMetric, AwsError> {
    let invalid = |why: String| AwsError::new("ValidationError", why);
    let map = value
        .as_object()
        .ok_or_else(|| invalid("CustomizedMetricSpecification must be a structure.".into()))?;
    if map.contains_key("Metrics") {
        return Err(invalid(
            "Metric math in CustomizedMetricSpecification is not modelled; name one metric.".into(),
        ));
    }
    let namespace = text(map, "Namespace").filter(|s| !s.is_empty());
    let metric_name = text(map, "MetricName").filter(|s| !s.is_empty());
    let (Some(namespace), Some(metric_name)) = (namespace, metric_name) else {
        return Err(invalid(
            "CustomizedMetricSpecification needs MetricName and Namespace.".into(),
        ));
    };
    let statistic_text = text(map, "Statistic").unwrap_or("");
    let statistic = Statistic::from_name(statistic_text).ok_or_else(|| {
        validation_error(
            statistic_text,
            "targetTrackingConfiguration.customizedMetricSpecification.statistic",
            "Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]",
        )
    })?;
    let mut dimensions = Vec::new();
    let dims = match map.get("Dimensions") {
        None => Vec::new(),
        Some(Value::Array(list)) => list.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        Some(_) => {
            return Err(invalid(
                "Dimensions must be a list of Name and Value pairs.".into(),
            ))
        }
    };
    for d in &dims {
        let name = d.get("Name").and_then(Value::as_str);
        let value = d.get("Value").and_then(Value::as_str);
        match (name, value) {
            (Some(n), Some(v)) => dimensions.push((n.to_string(), v.to_string())),
            _ => return Err(invalid("Each dimension needs a Name and a Value.".into())),
        }
    }
    Ok(TrackedMetric::Customized {
        namespace: namespace.to_string(),
        metric_name: metric_name.to_string(),
        dimensions,
        statistic,
        unit: text(map, "Unit").map(str::to_string),
    })
}

/// The alarms a target-tracking policy needs, as AWS configures them.
fn target_tracking_alarms(
    env: &mut Env,
    group: &str,
    arn: &str,
    tt: &TargetTracking,
) -> Vec<AlarmConfig> {
    let (namespace, metric, dimensions, statistic, unit) = match &tt.metric {
        TrackedMetric::Predefined { .. } => (
            "AWS/EC2".to_string(),
            "CPUUtilization".to_string(),
            vec![("AutoScalingGroupName".to_string(), group.to_string())],
            Statistic::Average,
            None,
        ),
        TrackedMetric::Customized {
            namespace,
            metric_name,
            dimensions,
            statistic,
            unit,
        } => (
            namespace.clone(),
            metric_name.clone(),
            dimensions.clone(),
            *statistic,
            unit.clone(),
        ),
    };
    let make = |env: &mut Env, side: &str, threshold: f64, op: ComparisonOperator, periods: u32| {
        let name = format!("TargetTracking-{group}-Alarm{side}-{}", new_uuid(env));
        let mut config = AlarmConfig::new(&name, &namespace, &metric, statistic, 60, threshold, op);
        config.alarm_description = Some(format!(
            "DO NOT EDIT OR DELETE. For TargetTrackingScaling policy {arn}."
        ));
        config.dimensions = dimensions.clone();
        config.unit = unit.clone();
        config.evaluation_periods = periods;
        config.alarm_actions = vec![arn.to_string()];
        config
    };
    let mut alarms = vec![make(
        env,
        "High",
        tt.target_value,
        ComparisonOperator::GreaterThanThreshold,
        3,
    )];
    if !tt.disable_scale_in {
        let low = tt.target_value * 0.9;
        alarms.push(make(
            env,
            "Low",
            low,
            ComparisonOperator::LessThanThreshold,
            15,
        ));
    }
    alarms
}

impl AutoScaling {
    /// `PutScalingPolicy`: creates a policy, or replaces the one of that
    /// name in the group (keeping its ARN). A target-tracking policy
    /// (re)creates its alarms. Returns AWS's answer: `PolicyARN` and
    /// `Alarms`.
    pub fn put_policy(
        &mut self,
        env: &mut Env,
        alarms: &mut Alarms,
        input: PolicyInput,
    ) -> Result<Value, AwsError> {
        let len = input.name.chars().count();
        if len == 0 || len > 255 {
            return Err(validation_error(
                &input.name,
                "policyName",
                "Member must have length between 1 and 255",
            ));
        }
        self.group_mut(&input.group)?;
        let policy_type = match input.policy_type.as_deref() {
            None => PolicyType::SimpleScaling,
            Some("PredictiveScaling") => {
                return Err(AwsError::new(
                    "ValidationError",
                    "Predictive scaling is not modelled in this simulator.",
                ))
            }
            Some(name) => PolicyType::from_name(name).ok_or_else(|| {
                validation_error(
                    name,
                    "policyType",
                    "Member must satisfy enum value set: [SimpleScaling, StepScaling, \
                     TargetTrackingScaling, PredictiveScaling]",
                )
            })?,
        };
        let policy = build_policy(&input, policy_type)?;
        let existing = self
            .policies
            .iter()
            .position(|p| p.group == input.group && p.name == input.name);
        let arn = match existing.and_then(|at| self.policies.get(at)) {
            Some(p) => p.arn.clone(),
            None => {
                let uuid = new_uuid(env);
                format!(
                    "arn:aws:autoscaling:{}:{ACCOUNT_ID}:scalingPolicy:{uuid}:\
                     autoScalingGroupName/{}:\
                     policyName/{}",
                    env.region, input.group, input.name
                )
            }
        };
        let configs = match &policy.target_tracking {
            Some(tt) => target_tracking_alarms(env, &input.group, &arn, tt),
            None => Vec::new(),
        };
        for config in &configs {
            config.validate()?;
        }

        let old_alarms: Vec<String> = existing
            .and_then(|at| self.policies.get(at))
            .map(|p| {
                p.alarms
                    .iter()
                    .map(|(n, _)| n.clone())
                    .filter(|n| alarms.get(n).is_some())
                    .collect()
            })
            .unwrap_or_default();
        alarms.delete(env, &old_alarms)?;
        let mut created = Vec::new();
        for config in configs {
            let name = config.alarm_name.clone();
            alarms.put(env, config)?;
            let alarm_arn = alarms
                .get(&name)
                .map(|a| a.alarm_arn.clone())
                .unwrap_or_default();
            created.push((name, alarm_arn));
        }
        let policy = ScalingPolicy {
            arn: arn.clone(),
            alarms: created.clone(),
            ..policy
        };
        match existing {
            Some(at) => {
                if let Some(slot) = self.policies.get_mut(at) {
                    *slot = policy;
                }
            }
            None => {
                let key = (input.group.clone(), input.name.clone());
                let at = self
                    .policies
                    .partition_point(|p| (p.group.clone(), p.name.clone()) < key);
                self.policies.insert(at, policy);
            }
        }
        let alarms_json: Vec<Value> = created
            .iter()
            .map(|(n, a)| json!({ "AlarmName": n, "AlarmARN": a }))
            .collect();
        Ok(json!({ "PolicyARN": arn, "Alarms": alarms_json }))
    }

    fn find_policy(&self, group: Option<&str>, name: &str) -> Result<usize, AwsError> {
        let found = if name.starts_with("arn:") {
            self.policies
                .iter()
                .position(|p| p.arn == name && group.is_none_or(|g| g == p.group))
        } else {
            let group = group.ok_or_else(|| policy_not_found(None, name))?;
            self.policies
                .iter()
                .position(|p| p.group == group && p.name == name)
        };
        found.ok_or_else(|| policy_not_found(group, name))
    }

    /// `DeletePolicy`: deletes a policy (by name in a group, or by ARN) and
    /// the alarms target tracking created for it. Alarms that name the
    /// policy among their actions keep the ARN, as in AWS.
    pub fn delete_policy(
        &mut self,
        env: &mut Env,
        alarms: &mut Alarms,
        group: Option<&str>,
        name: &str,
    ) -> Result<(), AwsError> {
        let at = self.find_policy(group, name)?;
        let policy = self.policies.remove(at);
        let names: Vec<String> = policy
            .alarms
            .iter()
            .map(|(n, _)| n.clone())
            .filter(|n| alarms.get(n).is_some())
            .collect();
        alarms.delete(env, &names)
    }

    /// `ExecutePolicy`: runs a simple or step policy now, as a user.
    /// `honor_cooldown` (off by default, as in AWS) refuses while the group
    /// is scaling or cooling down; step policies need the metric value and
    /// the breach threshold.
    pub fn execute_policy(
        &mut self,
        env: &mut Env,
        group: Option<&str>,
        name: &str,
        honor_cooldown: bool,
        metric_value: Option<f64>,
        breach_threshold: Option<f64>,
    ) -> Result<(), AwsError> {
        let at = self.find_policy(group, name)?;
        let policy = self
            .policies
            .get(at)
            .cloned()
            .ok_or_else(|| policy_not_found(group, name))?;
        let time = cause_time(env);
        let now = env.now();
        let target = self.group_mut(&policy.group)?;
        let trigger = Trigger::User {
            honor_cooldown,
            metric_value,
            breach_threshold,
        };
        if let Decision::Change(desired) = execute(&policy, target, &trigger, now)? {
            let cause = format!(
                "At {time} a user request executed policy {} changing the desired capacity from {} \
                 to {desired}.",
                policy.name, target.desired_capacity
            );
            let cooldown = policy.cooldown.unwrap_or(target.default_cooldown);
            target.change_desired(env, desired, cause, cooldown);
        }
        Ok(())
    }
}

fn build_policy(input: &PolicyInput, policy_type: PolicyType) -> Result<ScalingPolicy, AwsError> {
    let invalid = |why: String| AwsError::new("ValidationError", why);
    let adjustment_type = match input.adjustment_type.as_deref() {
        None => None,
        Some(name) => Some(AdjustmentType::from_name(name).ok_or_else(|| {
            validation_error(
                name,
                "adjustmentType",
                "Member must satisfy enum value set: [ChangeInCapacity, ExactCapacity, \
                 PercentChangeInCapacity]",
            )
        })?),
    };
    let metric_aggregation_type = match input.metric_aggregation_type.as_deref() {
        None => None,
        Some(name) => Some(MetricAggregationType::from_name(name).ok_or_else(|| {
            validation_error(
                name,
                "metricAggregationType",
                "Member must satisfy enum value set: [Average, Minimum, Maximum]",
            )
        })?),
    };
    let cooldown = input
        .cooldown
        .map(|c| non_negative("cooldown", c))
        .transpose()?;
    let warmup = input
        .estimated_instance_warmup
        .map(|w| non_negative("estimatedInstanceWarmup", w))
        .transpose()?;
    if let Some(m) = input.min_adjustment_magnitude {
        if adjustment_type != Some(AdjustmentType::PercentChangeInCapacity) {
            return Err(invalid(
                "MinAdjustmentMagnitude may only be specified with the PercentChangeInCapacity \
                 adjustment type."
                    .into(),
            ));
        }
        if m < 1 {
            return Err(validation_error(
                &m.to_string(),
                "minAdjustmentMagnitude",
                "Member must have value greater than or equal to 1",
            ));
        }
    }
    let refuse = |what: &str| {
        Err(invalid(format!(
            "{what} is not valid for {} policies.",
            policy_type.name()
        )))
    };
    let mut steps = input.step_adjustments.clone();
    match policy_type {
        PolicyType::SimpleScaling => {
            if adjustment_type.is_none() {
                return Err(invalid(
                    "AdjustmentType is required for SimpleScaling policies.".into(),
                ));
            }
            let Some(adj) = input.scaling_adjustment else {
                return Err(invalid(
                    "ScalingAdjustment is required for SimpleScaling policies.".into(),
                ));
            };
            if adjustment_type == Some(AdjustmentType::ExactCapacity) && adj < 0 {
                return Err(invalid(
                    "ScalingAdjustment cannot be negative with ExactCapacity.".into(),
                ));
            }
            if !steps.is_empty() {
                return refuse("StepAdjustments");
            }
            if metric_aggregation_type.is_some() {
                return refuse("MetricAggregationType");
            }
            if warmup.is_some() {
                return refuse("EstimatedInstanceWarmup");
            }
        }
        PolicyType::StepScaling => {
            if adjustment_type.is_none() {
                return Err(invalid(
                    "AdjustmentType is required for StepScaling policies.".into(),
                ));
            }
            if input.scaling_adjustment.is_some() {
                return refuse("ScalingAdjustment");
            }
            if cooldown.is_some() {
                return refuse("Cooldown");
            }
            check_steps(&mut steps)?;
            if adjustment_type == Some(AdjustmentType::ExactCapacity)
                && steps.iter().any(|s| s.scaling_adjustment < 0)
            {
                return Err(invalid(
                    "ScalingAdjustment cannot be negative with ExactCapacity.".into(),
                ));
            }
        }
        PolicyType::TargetTrackingScaling => {
            if input.target_tracking.is_none() {
                return Err(invalid(
                    "TargetTrackingConfiguration is required for TargetTrackingScaling policies."
                        .into(),
                ));
            }
            if adjustment_type.is_some() {
                return refuse("AdjustmentType");
            }
            if input.scaling_adjustment.is_some() {
                return refuse("ScalingAdjustment");
            }
            if !steps.is_empty() {
                return refuse("StepAdjustments");
            }
            if cooldown.is_some() {
                return refuse("Cooldown");
            }
        }
    }
    if policy_type != PolicyType::TargetTrackingScaling && input.target_tracking.is_some() {
        return refuse("TargetTrackingConfiguration");
    }
    Ok(ScalingPolicy {
        group: input.group.clone(),
        name: input.name.clone(),
        arn: String::new(),
        policy_type,
        adjustment_type,
        scaling_adjustment: input.scaling_adjustment,
        min_adjustment_magnitude: input.min_adjustment_magnitude,
        cooldown,
        step_adjustments: steps,
        metric_aggregation_type,
        estimated_instance_warmup: warmup,
        target_tracking: input.target_tracking.clone(),
        alarms: Vec::new(),
        enabled: input.enabled,
    })
}

/// AWS's JSON for a policy, as `DescribePolicies` lists it. `Alarms` are
/// the alarms whose actions name the policy.
pub fn policy_json(policy: &ScalingPolicy, alarms: &Alarms) -> Value {
    let mut out = Map::new();
    out.insert("AutoScalingGroupName".into(), json!(policy.group));
    out.insert("PolicyName".into(), json!(policy.name));
    out.insert("PolicyARN".into(), json!(policy.arn));
    out.insert("PolicyType".into(), json!(policy.policy_type.name()));
    if let Some(kind) = policy.adjustment_type {
        out.insert("AdjustmentType".into(), json!(kind.name()));
    }
    if let Some(m) = policy.min_adjustment_magnitude {
        out.insert("MinAdjustmentMagnitude".into(), json!(m));
    }
    if let Some(adj) = policy.scaling_adjustment {
        out.insert("ScalingAdjustment".into(), json!(adj));
    }
    if let Some(c) = policy.cooldown {
        out.insert("Cooldown".into(), json!(c));
    }
    let steps: Vec<Value> = policy
        .step_adjustments
        .iter()
        .map(|s| {
            let mut step = Map::new();
            if let Some(l) = s.lower {
                step.insert("MetricIntervalLowerBound".into(), json!(l));
            }
            if let Some(u) = s.upper {
                step.insert("MetricIntervalUpperBound".into(), json!(u));
            }
            step.insert("ScalingAdjustment".into(), json!(s.scaling_adjustment));
            Value::Object(step)
        })
        .collect();
    out.insert("StepAdjustments".into(), Value::Array(steps));
    if let Some(kind) = policy.metric_aggregation_type {
        out.insert("MetricAggregationType".into(), json!(kind.name()));
    }
    if let Some(w) = policy.estimated_instance_warmup {
        out.insert("EstimatedInstanceWarmup".into(), json!(w));
    }
    let linked: Vec<Value> = alarms
        .all()
        .iter()
        .filter(|a| a.config.all_actions().any(|arn| *arn == policy.arn))
        .map(|a| json!({ "AlarmName": a.config.alarm_name, "AlarmARN": a.alarm_arn }))
        .collect();
    out.insert("Alarms".into(), Value::Array(linked));
    if let Some(tt) = &policy.target_tracking {
        let mut config = Map::new();
        match &tt.metric {
            TrackedMetric::Predefined {
                metric_type,
                resource_label,
            } => {
                let mut spec = json!({ "PredefinedMetricType": metric_type });
                if let Some(label) = resource_label {
                    spec["ResourceLabel"] = json!(label);
                }
                config.insert("PredefinedMetricSpecification".into(), spec);
            }
            TrackedMetric::Customized {
                namespace,
                metric_name,
                dimensions,
                statistic,
                unit,
            } => {
                let dims: Vec<Value> = dimensions
                    .iter()
                    .map(|(n, v)| json!({ "Name": n, "Value": v }))
                    .collect();
                let mut spec = json!({
                    "MetricName": metric_name,
                    "Namespace": namespace,
                    "Dimensions": dims,
                    "Statistic": statistic.name(),
                });
                if let Some(unit) = unit {
                    spec["Unit"] = json!(unit);
                }
                config.insert("CustomizedMetricSpecification".into(), spec);
            }
        }
        config.insert("TargetValue".into(), json!(tt.target_value));
        config.insert("DisableScaleIn".into(), json!(tt.disable_scale_in));
        out.insert("TargetTrackingConfiguration".into(), Value::Object(config));
    }
    out.insert("Enabled".into(), json!(policy.enabled));
    Value::Object(out)
}

/// Builds policies from input without a group, for tests elsewhere.
#[cfg(test)]
pub(super) mod tests_support {
    use super::*;

    /// The policy `input` describes; panics on input the service refuses.
    pub fn build(input: PolicyInput) -> ScalingPolicy {
        let kind = input.policy_type.as_deref().and_then(PolicyType::from_name);
        build_policy(&input, kind.unwrap_or(PolicyType::SimpleScaling)).unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_as_aws_rounds() {
        let pct = AdjustmentType::PercentChangeInCapacity;
        assert_eq!(adjust(pct, 10, 127, None), 22, "12.7 rounds down to 12");
        assert_eq!(adjust(pct, 2, 10, None), 3, "0.2 rounds up to 1");
        assert_eq!(adjust(pct, 2, -10, None), 1, "-0.2 rounds to -1");
        assert_eq!(adjust(pct, 10, -67, None), 4, "-6.7 rounds up to -6");
        assert_eq!(adjust(pct, 10, 20, Some(5)), 15, "MinAdjustmentMagnitude");
        assert_eq!(adjust(AdjustmentType::ExactCapacity, 7, 0, None), 0);
    }

    #[test]
    fn steps_bound_like_aws() {
        let up = StepAdjustment {
            lower: Some(0.0),
            upper: Some(10.0),
            scaling_adjustment: 1,
        };
        assert!(up.covers(0.0) && up.covers(9.9) && !up.covers(10.0));
        let down = StepAdjustment {
            lower: None,
            upper: Some(0.0),
            scaling_adjustment: -1,
        };
        assert!(down.covers(-5.0) && down.covers(-0.0001) && !down.covers(0.0));
        let mut gap = vec![
            up,
            StepAdjustment {
                lower: Some(20.0),
                upper: None,
                scaling_adjustment: 2,
            },
        ];
        assert!(check_steps(&mut gap).is_err());
        let mut ok = vec![
            StepAdjustment {
                lower: Some(10.0),
                upper: None,
                scaling_adjustment: 2,
            },
            up,
        ];
        check_steps(&mut ok).unwrap();
        assert_eq!(ok[0].lower, Some(0.0), "sorted by lower bound");
    }

    #[test]
    fn target_tracking_reads_json_and_shorthand_numbers() {
        let tt = parse_target_tracking(&json!({
            "TargetValue": "50",
            "CustomizedMetricSpecification": {
                "MetricName": "ApproximateNumberOfMessagesVisible",
                "Namespace": "AWS/SQS",
                "Dimensions": [{"Name": "QueueName", "Value": "orders"}],
                "Statistic": "Average"
            }
        }))
        .unwrap();
        assert_eq!(tt.target_value, 50.0);
        assert!(
            matches!(tt.metric, TrackedMetric::Customized { ref dimensions, .. }
                if dimensions.len() == 1)
        );
        let err =
            parse_target_tracking(&json!({"TargetValue": 0, "PredefinedMetricSpecification": {}}));
        assert!(err.is_err());
        let err = parse_target_tracking(&json!({
            "TargetValue": 5,
            "PredefinedMetricSpecification": {"PredefinedMetricType": "ALBRequestCountPerTarget"}
        }))
        .unwrap_err();
        assert!(err.message.contains("not available"), "{}", err.message);
    }
}
