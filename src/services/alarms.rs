//! Amazon CloudWatch metric alarms.
//!
//! We model alarms as `PutMetricAlarm` defines them: one metric (namespace,
//! name and exact dimensions, optionally a unit), a statistic, a period that
//! is a multiple of 60 seconds, `EvaluationPeriods` and `DatapointsToAlarm`
//! (M out of N), a threshold with the four static comparison operators, and
//! `TreatMissingData` (`missing`, `notBreaching`, `breaching`, `ignore`).
//! An alarm works on any metric in [`Metrics`], whoever publishes it.
//!
//! An alarm is evaluated once per period, on period boundaries counted from
//! simulated second 0, from the one-minute aggregates. Like CloudWatch it
//! looks back over an evaluation range longer than N periods (N + 2 here,
//! which is what CloudWatch's own examples use) and follows CloudWatch's
//! documented rules: with N real datapoints in the range the most recent N
//! decide and missing-data treatment does not matter; with fewer, missing
//! datapoints are filled as the treatment says, as few as possible; with
//! none, `missing` gives INSUFFICIENT_DATA and `ignore` keeps the state; and
//! the "premature alarm" rule sends an alarm whose only recent real data is
//! breaching to ALARM once the oldest breaching datapoint is M periods old.
//! States are OK, ALARM and INSUFFICIENT_DATA, with `StateReason` and
//! `StateReasonData` worded as CloudWatch words them, and a state history
//! (`DescribeAlarmHistory`) kept for two weeks.
//!
//! Actions run when the state changes and on `SetAlarmState`, if
//! `ActionsEnabled`. As in CloudWatch, Auto Scaling policy actions are also
//! invoked again once a minute for as long as the alarm stays in the state
//! (only the transition is written to the history). SNS topics are accepted
//! as actions and recorded, but no notification is delivered anywhere.
//!
//! Percentile alarms (`ExtendedStatistic`, such as `p90`) take the
//! percentile over each period's one-minute datapoints.
//!
//! Not modelled: composite alarms, metric-math alarms (`Metrics`),
//! anomaly-detection thresholds, high-resolution periods
//! (10, 20 and 30 seconds), EC2 and Systems Manager actions, the delay with
//! which real metrics arrive, and alarm tags.

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value};

use crate::calendar::format_iso8601;
use crate::services::autoscaling::AutoScaling;
use crate::services::cloudwatch::{Aggregate, Metrics, Series, Statistic};
use crate::services::{metric_data, validation_error, AwsError};
use crate::world::{Env, ACCOUNT_ID};

/// Most alarms the account may hold.
pub const MAX_ALARMS: usize = 1_000;
/// Most actions in each of `OKActions`, `AlarmActions` and
/// `InsufficientDataActions`.
pub const MAX_ACTIONS: usize = 5;
/// How long the state history is kept: two weeks, as in CloudWatch.
pub const HISTORY_SECONDS: u64 = 14 * 86_400;
/// Extra periods of the evaluation range beyond `EvaluationPeriods`.
pub const EXTRA_RANGE_PERIODS: u64 = 2;
/// The reason a new alarm starts with.
pub const INITIAL_REASON: &str = "Unchecked: Initial alarm creation";

/// The state of an alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum AlarmState {
    #[serde(rename = "OK")]
    Ok,
    #[serde(rename = "ALARM")]
    Alarm,
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
}

impl AlarmState {
    /// Every state, in CloudWatch's order.
    pub const ALL: [AlarmState; 3] = [
        AlarmState::Ok,
        AlarmState::Alarm,
        AlarmState::InsufficientData,
    ];

    /// CloudWatch's name: `OK`, `ALARM`, `INSUFFICIENT_DATA`.
    pub fn name(self) -> &'static str {
        match self {
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
        }
    }

    /// Parses CloudWatch's name of a state.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// How an alarm compares its statistic with its threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum ComparisonOperator {
    GreaterThanOrEqualToThreshold,
    GreaterThanThreshold,
    LessThanThreshold,
    LessThanOrEqualToThreshold,
}

/// Comparison operators of anomaly-detection alarms, which are refused.
pub const ANOMALY_DETECTION_OPERATORS: [&str; 3] = [
    "LessThanLowerOrGreaterThanUpperThreshold",
    "LessThanLowerThreshold",
    "GreaterThanUpperThreshold",
];

impl ComparisonOperator {
    /// Every static operator.
    pub const ALL: [ComparisonOperator; 4] = [
        ComparisonOperator::GreaterThanOrEqualToThreshold,
        ComparisonOperator::GreaterThanThreshold,
        ComparisonOperator::LessThanThreshold,
        ComparisonOperator::LessThanOrEqualToThreshold,
    ];

    /// CloudWatch's name: `GreaterThanThreshold` ...
    pub fn name(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "GreaterThanOrEqualToThreshold",
            ComparisonOperator::GreaterThanThreshold => "GreaterThanThreshold",
            ComparisonOperator::LessThanThreshold => "LessThanThreshold",
            ComparisonOperator::LessThanOrEqualToThreshold => "LessThanOrEqualToThreshold",
        }
    }

    /// Parses CloudWatch's name of a static operator.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.name() == name)
    }

    /// Whether `value` breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => value >= threshold,
            ComparisonOperator::GreaterThanThreshold => value > threshold,
            ComparisonOperator::LessThanThreshold => value < threshold,
            ComparisonOperator::LessThanOrEqualToThreshold => value <= threshold,
        }
    }

    /// Whether breaching means rising above the threshold.
    pub fn is_upper(self) -> bool {
        matches!(
            self,
            ComparisonOperator::GreaterThanOrEqualToThreshold
                | ComparisonOperator::GreaterThanThreshold
        )
    }

    /// The words of `StateReason`: `greater than or equal to` ...
    fn phrase(self) -> &'static str {
        match self {
            ComparisonOperator::GreaterThanOrEqualToThreshold => "greater than or equal to",
            ComparisonOperator::GreaterThanThreshold => "greater than",
            ComparisonOperator::LessThanThreshold => "less than",
            ComparisonOperator::LessThanOrEqualToThreshold => "less than or equal to",
        }
    }
}

/// How an alarm treats periods without data. `missing` by default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub enum TreatMissingData {
    #[default]
    #[serde(rename = "missing")]
    Missing,
    #[serde(rename = "notBreaching")]
    NotBreaching,
    #[serde(rename = "breaching")]
    Breaching,
    #[serde(rename = "ignore")]
    Ignore,
}

impl TreatMissingData {
    /// Every treatment.
    pub const ALL: [TreatMissingData; 4] = [
        TreatMissingData::Missing,
        TreatMissingData::NotBreaching,
        TreatMissingData::Breaching,
        TreatMissingData::Ignore,
    ];

    /// CloudWatch's name: `missing`, `notBreaching` ...
    pub fn name(self) -> &'static str {
        match self {
            TreatMissingData::Missing => "missing",
            TreatMissingData::NotBreaching => "notBreaching",
            TreatMissingData::Breaching => "breaching",
            TreatMissingData::Ignore => "ignore",
        }
    }

    /// Parses CloudWatch's name of a treatment.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }
}

fn statistic_name<S: Serializer>(statistic: &Statistic, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(statistic.name())
}

/// What `PutMetricAlarm` sets: everything about an alarm but its state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlarmConfig {
    pub alarm_name: String,
    pub alarm_description: Option<String>,
    /// Whether actions run; true by default.
    pub actions_enabled: bool,
    pub ok_actions: Vec<String>,
    pub alarm_actions: Vec<String>,
    pub insufficient_data_actions: Vec<String>,
    pub namespace: String,
    pub metric_name: String,
    /// Dimension name and value pairs; the alarm watches the metric with
    /// exactly these.
    pub dimensions: Vec<(String, String)>,
    #[serde(serialize_with = "statistic_name")]
    pub statistic: Statistic,
    /// A percentile (`ExtendedStatistic`, such as `p90`) the alarm uses
    /// instead of `statistic`, over the period's one-minute datapoints
    /// (see [`crate::services::metric_data`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extended_statistic: Option<String>,
    /// Seconds; a multiple of 60.
    pub period: u64,
    /// If set, only a metric published with this unit is seen.
    pub unit: Option<String>,
    pub evaluation_periods: u32,
    /// M of "M out of N"; `EvaluationPeriods` when unset.
    pub datapoints_to_alarm: Option<u32>,
    pub threshold: f64,
    pub comparison_operator: ComparisonOperator,
    pub treat_missing_data: TreatMissingData,
}

impl AlarmConfig {
    /// An alarm on one metric with CloudWatch's defaults for the rest:
    /// actions enabled and none set, no dimensions, one evaluation period,
    /// missing data treated as `missing`.
    pub fn new(
        alarm_name: &str,
        namespace: &str,
        metric_name: &str,
        statistic: Statistic,
        period: u64,
        threshold: f64,
        comparison_operator: ComparisonOperator,
    ) -> Self {
        AlarmConfig {
            alarm_name: alarm_name.to_string(),
            alarm_description: None,
            actions_enabled: true,
            ok_actions: Vec::new(),
            alarm_actions: Vec::new(),
            insufficient_data_actions: Vec::new(),
            namespace: namespace.to_string(),
            metric_name: metric_name.to_string(),
            dimensions: Vec::new(),
            statistic,
            extended_statistic: None,
            period,
            unit: None,
            evaluation_periods: 1,
            datapoints_to_alarm: None,
            threshold,
            comparison_operator,
            treat_missing_data: TreatMissingData::Missing,
        }
    }

    /// M of "M out of N".
    pub fn datapoints_needed(&self) -> u32 {
        self.datapoints_to_alarm.unwrap_or(self.evaluation_periods)
    }

    /// The actions for a state.
    pub fn actions_for(&self, state: AlarmState) -> &[String] {
        match state {
            AlarmState::Ok => &self.ok_actions,
            AlarmState::Alarm => &self.alarm_actions,
            AlarmState::InsufficientData => &self.insufficient_data_actions,
        }
    }

    /// Every action of every state.
    pub fn all_actions(&self) -> impl Iterator<Item = &String> {
        self.ok_actions
            .iter()
            .chain(&self.alarm_actions)
            .chain(&self.insufficient_data_actions)
    }

    /// Checks what `PutMetricAlarm` checks, with CloudWatch's errors.
    pub fn validate(&self) -> Result<(), AwsError> {
        let name_len = self.alarm_name.chars().count();
        if name_len == 0 || name_len > 255 {
            let constraint = if name_len == 0 {
                "Member must have length greater than or equal to 1"
            } else {
                "Member must have length less than or equal to 255"
            };
            return Err(validation_error(&self.alarm_name, "alarmName", constraint));
        }
        if self
            .alarm_description
            .as_ref()
            .is_some_and(|d| d.chars().count() > 1024)
        {
            return Err(validation_error(
                "...",
                "alarmDescription",
                "Member must have length less than or equal to 1024",
            ));
        }
        if !self.alarm_name.is_ascii() || self.alarm_name.chars().any(char::is_control) {
            return Err(AwsError::new(
                "ValidationError",
                "Alarm names must contain only printable ASCII characters.",
            ));
        }
        for (field, text) in [
            ("namespace", &self.namespace),
            ("metricName", &self.metric_name),
        ] {
            if text.is_empty() || text.chars().count() > 255 {
                return Err(validation_error(
                    text,
                    field,
                    "Member must have length between 1 and 255",
                ));
            }
        }
        if self.dimensions.len() > 30 {
            return Err(validation_error(
                &format!("{} dimensions", self.dimensions.len()),
                "dimensions",
                "Member must have length less than or equal to 30",
            ));
        }
        if self.period < 60 || !self.period.is_multiple_of(60) {
            let message = if [10, 20, 30].contains(&self.period) {
                format!(
                    "Period {} is a high-resolution period; this CloudWatch keeps one-minute \
                     data only, so use a multiple of 60.",
                    self.period
                )
            } else {
                format!(
                    "The parameter Period must be 10, 20, 30 or a multiple of 60 (got {}).",
                    self.period
                )
            };
            return Err(AwsError::new("ValidationError", message));
        }
        if self.evaluation_periods == 0 {
            return Err(validation_error(
                "0",
                "evaluationPeriods",
                "Member must have value greater than or equal to 1",
            ));
        }
        if self
            .period
            .saturating_mul(u64::from(self.evaluation_periods))
            > 86_400
        {
            return Err(AwsError::new(
                "ValidationError",
                "Metrics cannot be checked across more than a day (EvaluationPeriods * Period \
                 must be <= 86400).",
            ));
        }
        if let Some(m) = self.datapoints_to_alarm {
            if m == 0 {
                return Err(validation_error(
                    "0",
                    "datapointsToAlarm",
                    "Member must have value greater than or equal to 1",
                ));
            }
            if m > self.evaluation_periods {
                return Err(AwsError::new(
                    "ValidationError",
                    format!(
                        "DatapointsToAlarm ({m}) must be less than or equal to EvaluationPeriods \
                         ({}).",
                        self.evaluation_periods
                    ),
                ));
            }
        }
        if !self.threshold.is_finite() {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "The value {} for parameter Threshold is not a number.",
                    self.threshold
                ),
            ));
        }
        for (field, list) in [
            ("oKActions", &self.ok_actions),
            ("alarmActions", &self.alarm_actions),
            ("insufficientDataActions", &self.insufficient_data_actions),
        ] {
            if list.len() > MAX_ACTIONS {
                return Err(validation_error(
                    &format!("[{}]", list.join(", ")),
                    field,
                    "Member must have length less than or equal to 5",
                ));
            }
            for arn in list {
                check_action_arn(arn)?;
            }
        }
        Ok(())
    }
}

/// Whether an action ARN names an Auto Scaling policy.
pub fn is_autoscaling_action(arn: &str) -> bool {
    arn.starts_with("arn:aws:autoscaling:") && arn.contains(":scalingPolicy:")
}

fn check_action_arn(arn: &str) -> Result<(), AwsError> {
    if is_autoscaling_action(arn) || arn.starts_with("arn:aws:sns:") {
        return Ok(());
    }
    if arn.starts_with("arn:aws:automate:") || arn.starts_with("arn:aws:ssm") {
        return Err(AwsError::new(
            "ValidationError",
            format!(
                "Invalid use of EC2 or Systems Manager action: {arn}. This simulator models Auto \
                 Scaling policy and SNS topic actions only."
            ),
        ));
    }
    Err(AwsError::new(
        "ValidationError",
        format!("Invalid arn syntax: {arn}"),
    ))
}

/// One alarm: its configuration and its state.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct MetricAlarm {
    pub config: AlarmConfig,
    pub alarm_arn: String,
    pub state: AlarmState,
    pub state_reason: String,
    /// JSON text, as CloudWatch returns it; absent for set states.
    pub state_reason_data: Option<String>,
    /// Simulated seconds of the last state change.
    pub state_updated: u64,
    /// Simulated seconds of the last `PutMetricAlarm`.
    pub configuration_updated: u64,
    /// Values of the datapoints of the last evaluation, newest first, for
    /// actions that need the metric's value (step scaling, target tracking).
    pub last_values: Vec<f64>,
}

/// What kind of change a history item records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum HistoryItemType {
    ConfigurationUpdate,
    StateUpdate,
    Action,
}

impl HistoryItemType {
    /// CloudWatch's name.
    pub fn name(self) -> &'static str {
        match self {
            HistoryItemType::ConfigurationUpdate => "ConfigurationUpdate",
            HistoryItemType::StateUpdate => "StateUpdate",
            HistoryItemType::Action => "Action",
        }
    }

    /// Parses CloudWatch's name.
    pub fn from_name(name: &str) -> Option<Self> {
        [Self::ConfigurationUpdate, Self::StateUpdate, Self::Action]
            .into_iter()
            .find(|t| t.name() == name)
    }
}

/// One entry of an alarm's history.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HistoryItem {
    pub alarm_name: String,
    /// Simulated seconds.
    pub time: u64,
    pub item_type: HistoryItemType,
    pub summary: String,
    /// JSON text, as CloudWatch returns it.
    pub data: String,
}

/// An action an alarm asks to run, with what the alarm saw.
#[derive(Clone, Debug, PartialEq)]
pub struct Invocation {
    pub alarm_name: String,
    pub action_arn: String,
    pub state: AlarmState,
    /// True when the alarm has just changed state (or was set); false for
    /// the once-a-minute repeats of Auto Scaling actions.
    pub transition: bool,
    pub threshold: f64,
    pub comparison: ComparisonOperator,
    /// The alarm's last datapoint values, newest first.
    pub values: Vec<f64>,
}

/// Every alarm of the account, and their history.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Alarms {
    /// Sorted by name, as `DescribeAlarms` lists them.
    alarms: Vec<MetricAlarm>,
    /// Oldest first.
    history: Vec<HistoryItem>,
}

impl Alarms {
    /// Whether there are no alarms and no history.
    pub fn is_empty(&self) -> bool {
        self.alarms.is_empty() && self.history.is_empty()
    }

    /// Every alarm, by name.
    pub fn all(&self) -> &[MetricAlarm] {
        &self.alarms
    }

    /// The alarm named `name`.
    pub fn get(&self, name: &str) -> Option<&MetricAlarm> {
        self.alarms.iter().find(|a| a.config.alarm_name == name)
    }

    /// The history, oldest first.
    pub fn history(&self) -> &[HistoryItem] {
        &self.history
    }

    /// `PutMetricAlarm`: creates an alarm in INSUFFICIENT_DATA, or replaces
    /// the configuration of an existing one, keeping its state, as
    /// CloudWatch does. The first evaluation comes at the next boundary of
    /// the alarm's period.
    pub fn put(&mut self, env: &mut Env, config: AlarmConfig) -> Result<(), AwsError> {
        config.validate()?;
        let now = env.now();
        let name = config.alarm_name.clone();
        let (kind, summary) = match self.alarms.iter_mut().find(|a| a.config.alarm_name == name) {
            Some(alarm) => {
                alarm.config = config;
                alarm.configuration_updated = now;
                ("Update", format!("Alarm \"{name}\" updated"))
            }
            None => {
                if self.alarms.len() >= MAX_ALARMS {
                    return Err(AwsError::new(
                        "LimitExceeded",
                        format!("The maximum number of alarms ({MAX_ALARMS}) has been reached."),
                    ));
                }
                let alarm = MetricAlarm {
                    alarm_arn: format!(
                        "arn:aws:cloudwatch:{}:{ACCOUNT_ID}:alarm:{name}",
                        env.region
                    ),
                    config,
                    state: AlarmState::InsufficientData,
                    state_reason: INITIAL_REASON.to_string(),
                    state_reason_data: None,
                    state_updated: now,
                    configuration_updated: now,
                    last_values: Vec::new(),
                };
                let at = self.alarms.partition_point(|a| a.config.alarm_name < name);
                self.alarms.insert(at, alarm);
                env.events
                    .push(now, "CloudWatch", format!("Alarm {name} created"));
                ("Create", format!("Alarm \"{name}\" created"))
            }
        };
        let data = json!({ "version": "1.0", "type": kind }).to_string();
        self.push_history(
            now,
            &name,
            HistoryItemType::ConfigurationUpdate,
            summary,
            data,
        );
        Ok(())
    }

    /// `DeleteAlarms`: deletes every named alarm, or none if any is
    /// unknown (CloudWatch's `ResourceNotFound`).
    pub fn delete(&mut self, env: &mut Env, names: &[String]) -> Result<(), AwsError> {
        let missing: Vec<&str> = names
            .iter()
            .filter(|n| self.get(n).is_none())
            .map(String::as_str)
            .collect();
        if !missing.is_empty() {
            return Err(AwsError::new(
                "ResourceNotFound",
                format!(
                    "{} alarms not found: [{}]",
                    missing.len(),
                    missing.join(", ")
                ),
            ));
        }
        let now = env.now();
        for name in names {
            if let Some(at) = self
                .alarms
                .iter()
                .position(|a| &a.config.alarm_name == name)
            {
                self.alarms.remove(at);
                let data = json!({ "version": "1.0", "type": "Delete" }).to_string();
                let summary = format!("Alarm \"{name}\" deleted");
                self.push_history(
                    now,
                    name,
                    HistoryItemType::ConfigurationUpdate,
                    summary,
                    data,
                );
                env.events
                    .push(now, "CloudWatch", format!("Alarm {name} deleted"));
            }
        }
        Ok(())
    }

    /// `EnableAlarmActions` / `DisableAlarmActions`; unknown names are
    /// skipped, as CloudWatch does.
    pub fn set_actions_enabled(&mut self, names: &[String], enabled: bool) {
        for alarm in self
            .alarms
            .iter_mut()
            .filter(|a| names.contains(&a.config.alarm_name))
        {
            alarm.config.actions_enabled = enabled;
        }
    }

    /// `SetAlarmState`: sets the state until the next evaluation and runs
    /// the new state's actions. Returns the actions to run.
    pub fn set_state(
        &mut self,
        env: &mut Env,
        name: &str,
        state: AlarmState,
        reason: &str,
        reason_data: Option<String>,
    ) -> Result<Vec<Invocation>, AwsError> {
        if reason.chars().count() > 1023 {
            let shown: String = reason.chars().take(40).collect();
            return Err(validation_error(
                &format!("{shown}..."),
                "stateReason",
                "Member must have length less than or equal to 1023",
            ));
        }
        if let Some(data) = &reason_data {
            if data.chars().count() > 4000 {
                return Err(validation_error(
                    "...",
                    "stateReasonData",
                    "Member must have length less than or equal to 4000",
                ));
            }
            if serde_json::from_str::<Value>(data).is_err() {
                return Err(AwsError::new(
                    "InvalidFormat",
                    "Unable to parse StateReasonData: it must be a JSON text.",
                ));
            }
        }
        let at = self
            .alarms
            .iter()
            .position(|a| a.config.alarm_name == name)
            .ok_or_else(|| AwsError::new("ResourceNotFound", format!("Alarm {name} not found")))?;
        let outcome = Outcome {
            state: Some(state),
            reason: reason.to_string(),
            data: reason_data,
        };
        Ok(self.apply(env, at, outcome, true))
    }

    /// Runs one tick: on minute boundaries, evaluates every alarm whose
    /// period ends now and repeats the Auto Scaling actions of alarms that
    /// stay in their state. Returns the actions to run.
    pub fn step(&mut self, env: &mut Env) -> Vec<Invocation> {
        let now = env.now();
        if self.alarms.is_empty() || now == 0 || !now.is_multiple_of(60) {
            return Vec::new();
        }
        let mut invocations = Vec::new();
        for at in 0..self.alarms.len() {
            let Some(alarm) = self.alarms.get(at) else {
                continue;
            };
            if now.is_multiple_of(alarm.config.period) {
                // Most evaluations change nothing, and wording a reason
                // costs more than deciding: the reason is worded, by a
                // second and otherwise identical evaluation, only when it
                // will be shown.
                let (mut outcome, mut values) =
                    evaluate(alarm, &env.metrics, now, env.start_unix, false);
                let changed = outcome.state.is_some_and(|s| Some(s) != self.state_of(at));
                let first = outcome.state.is_some() && alarm.state_reason == INITIAL_REASON;
                if changed || first {
                    (outcome, values) = evaluate(alarm, &env.metrics, now, env.start_unix, true);
                }
                if let Some(alarm) = self.alarms.get_mut(at) {
                    alarm.last_values = values;
                    // A new alarm that stays INSUFFICIENT_DATA says why
                    // after its first evaluation, without a transition.
                    if !changed && outcome.state.is_some() && alarm.state_reason == INITIAL_REASON {
                        alarm.state_reason = outcome.reason.clone();
                        alarm.state_reason_data = outcome.data.clone();
                    }
                }
                if changed {
                    invocations.extend(self.apply(env, at, outcome, false));
                    continue;
                }
            }
            if let Some(alarm) = self.alarms.get(at) {
                invocations.extend(repeat_autoscaling_actions(alarm));
            }
        }
        invocations
    }

    fn state_of(&self, at: usize) -> Option<AlarmState> {
        self.alarms.get(at).map(|a| a.state)
    }

    /// Moves alarm `at` to the outcome's state (if any), writes history and
    /// an event, and returns its actions.
    fn apply(&mut self, env: &mut Env, at: usize, outcome: Outcome, set: bool) -> Vec<Invocation> {
        let now = env.now();
        let Some(alarm) = self.alarms.get_mut(at) else {
            return Vec::new();
        };
        let Some(state) = outcome.state else {
            return Vec::new();
        };
        let old_state = alarm.state;
        let old_reason = std::mem::replace(&mut alarm.state_reason, outcome.reason.clone());
        alarm.state = state;
        alarm.state_reason_data = outcome.data.clone();
        alarm.state_updated = now;
        let name = alarm.config.alarm_name.clone();

        let mut new_state = json!({ "stateValue": state.name(), "stateReason": outcome.reason });
        if let Some(data) = outcome
            .data
            .as_deref()
            .and_then(|d| serde_json::from_str(d).ok())
        {
            new_state["stateReasonData"] = data;
        }
        let data = json!({
            "version": "1.0",
            "oldState": { "stateValue": old_state.name(), "stateReason": old_reason },
            "newState": new_state,
        });
        let summary = format!(
            "Alarm updated from {} to {}",
            old_state.name(),
            state.name()
        );
        let invocations = if alarm.config.actions_enabled {
            alarm
                .config
                .actions_for(state)
                .iter()
                .map(|arn| Invocation {
                    alarm_name: name.clone(),
                    action_arn: arn.clone(),
                    state,
                    transition: true,
                    threshold: alarm.config.threshold,
                    comparison: alarm.config.comparison_operator,
                    values: alarm.last_values.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        let message = if set {
            format!(
                "Alarm {name} was set to {} (was {})",
                state.name(),
                old_state.name()
            )
        } else {
            format!(
                "Alarm {name} changed from {} to {}",
                old_state.name(),
                state.name()
            )
        };
        env.events.push(now, "CloudWatch", message);
        self.push_history(
            now,
            &name,
            HistoryItemType::StateUpdate,
            summary,
            data.to_string(),
        );
        invocations
    }

    /// Writes the outcome of an action an alarm ran into its history:
    /// `Ok` with what was done, or `Err` with why it failed.
    pub fn record_action(
        &mut self,
        env: &Env,
        invocation: &Invocation,
        outcome: &Result<String, String>,
    ) {
        let (summary, data) = match outcome {
            Ok(message) => (
                format!("Successfully executed action {}", invocation.action_arn),
                json!({
                    "actionState": "Succeeded",
                    "stateUpdateTimestamp": env.unix_now() * 1000,
                    "notificationResource": invocation.action_arn,
                    "publishedMessage": message,
                }),
            ),
            Err(error) => (
                format!(
                    "Failed to execute action {}. Received error: \"{error}\"",
                    invocation.action_arn
                ),
                json!({
                    "actionState": "Failed",
                    "stateUpdateTimestamp": env.unix_now() * 1000,
                    "notificationResource": invocation.action_arn,
                    "error": error,
                }),
            ),
        };
        let name = invocation.alarm_name.clone();
        self.push_history(
            env.now(),
            &name,
            HistoryItemType::Action,
            summary,
            data.to_string(),
        );
    }

    fn push_history(
        &mut self,
        now: u64,
        name: &str,
        item_type: HistoryItemType,
        summary: String,
        data: String,
    ) {
        let cutoff = now.saturating_sub(HISTORY_SECONDS);
        let expired = self.history.partition_point(|h| h.time < cutoff);
        if expired > 0 {
            self.history.drain(..expired);
        }
        self.history.push(HistoryItem {
            alarm_name: name.to_string(),
            time: now,
            item_type,
            summary,
            data,
        });
    }
}

/// Runs the actions alarms asked for: Auto Scaling policy ARNs go to
/// `autoscaling`; SNS topics are recorded as published (nothing is
/// delivered). Each transition's outcome goes into the alarm's history.
pub fn run_actions(
    alarms: &mut Alarms,
    autoscaling: &mut AutoScaling,
    env: &mut Env,
    invocations: Vec<Invocation>,
) {
    for invocation in invocations {
        let outcome = if is_autoscaling_action(&invocation.action_arn) {
            autoscaling.on_alarm(env, &invocation)
        } else {
            Ok(format!(
                "Notification for alarm {} in state {} published (SNS delivers nothing in this \
                 simulation).",
                invocation.alarm_name,
                invocation.state.name()
            ))
        };
        if invocation.transition {
            alarms.record_action(env, &invocation, &outcome);
        }
    }
}

fn repeat_autoscaling_actions(alarm: &MetricAlarm) -> Vec<Invocation> {
    if !alarm.config.actions_enabled {
        return Vec::new();
    }
    alarm
        .config
        .actions_for(alarm.state)
        .iter()
        .filter(|arn| is_autoscaling_action(arn))
        .map(|arn| Invocation {
            alarm_name: alarm.config.alarm_name.clone(),
            action_arn: arn.clone(),
            state: alarm.state,
            transition: false,
            threshold: alarm.config.threshold,
            comparison: alarm.config.comparison_operator,
            values: alarm.last_values.clone(),
        })
        .collect()
}

/// What one evaluation decided: a state (`None` keeps the current one, as
/// `ignore` does), the reason and the reason data.
#[derive(Clone, Debug, PartialEq)]
struct Outcome {
    state: Option<AlarmState>,
    reason: String,
    data: Option<String>,
}

/// One period of the evaluation range: its start and, if the metric had
/// data then, the statistic and the sample count.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Slot {
    start: u64,
    point: Option<(f64, u64)>,
}

/// The periods of the evaluation range ending at `now`, oldest first.
fn slots(config: &AlarmConfig, metrics: &Metrics, now: u64) -> Vec<Slot> {
    let period = config.period.max(60);
    let range = u64::from(config.evaluation_periods) + EXTRA_RANGE_PERIODS;
    let series = metrics
        .find(&config.namespace, &config.metric_name, &config.dimensions)
        .filter(|s| config.unit.as_deref().is_none_or(|u| u == s.unit));
    (1..=range)
        .rev()
        .filter_map(|back| now.checked_sub(back * period))
        .map(|start| Slot {
            start,
            point: series.and_then(|s| match percentile_of(config) {
                Some(p) => percentile_point(s, start, start + period, p),
                None => aggregate(s, start, start + period, config.statistic),
            }),
        })
        .collect()
}

/// The percentile an alarm with an `ExtendedStatistic` uses, 0 to 100.
fn percentile_of(config: &AlarmConfig) -> Option<f64> {
    config.extended_statistic.as_deref().and_then(metric_data::parse_percentile)
}

/// The percentile `p` over `[start, end)` of a series' one-minute
/// datapoints (each minute's average), and how many there were.
fn percentile_point(series: &Series, start: u64, end: u64, p: f64) -> Option<(f64, u64)> {
    let mut values = metric_data::minute_averages(series, start, end);
    let count = values.len() as u64;
    metric_data::percentile(&mut values, p).map(|v| (v, count))
}

/// The statistic over `[start, end)` of a series, and its sample count.
fn aggregate(series: &Series, start: u64, end: u64, statistic: Statistic) -> Option<(f64, u64)> {
    let from = series.minutes.partition_point(|(m, _)| m * 60 < start);
    let mut total: Option<Aggregate> = None;
    for (minute, agg) in series.minutes.get(from..).unwrap_or(&[]) {
        if minute * 60 >= end {
            break;
        }
        total = Some(match total {
            None => *agg,
            Some(t) => Aggregate {
                sum: t.sum + agg.sum,
                count: t.count + agg.count,
                minimum: t.minimum.min(agg.minimum),
                maximum: t.maximum.max(agg.maximum),
            },
        });
    }
    total
        .filter(|t| t.count > 0)
        .map(|t| (statistic.of(&t), t.count))
}

/// Evaluates an alarm at `now` by CloudWatch's rules (see the module doc).
/// Also returns the datapoint values used, newest first. Without `worded`
/// the outcome's reason and reason data are left empty; the state and the
/// values do not depend on it.
fn evaluate(
    alarm: &MetricAlarm,
    metrics: &Metrics,
    now: u64,
    start_unix: i64,
    worded: bool,
) -> (Outcome, Vec<f64>) {
    let config = &alarm.config;
    let slots = slots(config, metrics, now);
    let n = config.evaluation_periods as usize;
    let m = config.datapoints_needed() as usize;
    let op = config.comparison_operator;
    let breaching = |v: f64| op.breaches(v, config.threshold);

    // Real datapoints, newest first, with their age (1 = the newest period).
    let real: Vec<(usize, Slot, f64)> = slots
        .iter()
        .rev()
        .enumerate()
        .filter_map(|(i, s)| s.point.map(|(v, _)| (i + 1, *s, v)))
        .collect();
    let text = Text {
        config,
        start_unix,
        from: alarm.state.name(),
        worded,
    };
    let data = worded.then(|| reason_data(config, &slots, &real, now, start_unix));

    if real.len() >= n {
        let used = real.get(..n).unwrap_or(&real);
        let values: Vec<f64> = used.iter().map(|(_, _, v)| *v).collect();
        let hits: Vec<&(usize, Slot, f64)> =
            used.iter().filter(|(_, _, v)| breaching(*v)).collect();
        let outcome = if hits.len() >= m {
            Outcome {
                state: Some(AlarmState::Alarm),
                reason: text.crossed(&hits, n, true, 0),
                data,
            }
        } else {
            let good: Vec<_> = used.iter().filter(|(_, _, v)| !breaching(*v)).collect();
            Outcome {
                state: Some(AlarmState::Ok),
                reason: text.crossed(&good, n, false, 0),
                data,
            }
        };
        return (outcome, values);
    }

    let values: Vec<f64> = real.iter().map(|(_, _, v)| *v).collect();
    let treat = config.treat_missing_data;
    if real.is_empty() {
        let outcome = match treat {
            TreatMissingData::Missing => Outcome {
                state: Some(AlarmState::InsufficientData),
                reason: text.say(|| {
                    format!(
                        "Insufficient Data: {n} {} {} unknown.",
                        plural(n, "datapoint"),
                        was(n)
                    )
                }),
                data,
            },
            TreatMissingData::Ignore => Outcome {
                state: None,
                reason: String::new(),
                data,
            },
            TreatMissingData::Breaching | TreatMissingData::NotBreaching => {
                let (state, label) = if treat == TreatMissingData::Breaching {
                    (AlarmState::Alarm, "Breaching")
                } else {
                    (AlarmState::Ok, "NonBreaching")
                };
                let reason = text.say(|| {
                    format!(
                        "Threshold Crossed: no datapoints were received for {n} {} and {n} \
                         missing {} {} treated as [{label}].",
                        plural(n, "period"),
                        plural(n, "datapoint"),
                        was(n)
                    )
                });
                Outcome {
                    state: Some(state),
                    reason,
                    data,
                }
            }
        };
        let filled = if treat == TreatMissingData::Breaching {
            vec![config.threshold; n]
        } else {
            values
        };
        return (outcome, filled);
    }

    // Fewer real datapoints than EvaluationPeriods: fill the shortfall.
    let fill = n - real.len();
    let hits: Vec<&(usize, Slot, f64)> = real.iter().filter(|(_, _, v)| breaching(*v)).collect();
    let good: Vec<&(usize, Slot, f64)> = real.iter().filter(|(_, _, v)| !breaching(*v)).collect();
    let outcome = match treat {
        TreatMissingData::Breaching => {
            if hits.len() + fill >= m {
                let reason = text.crossed(&hits, n, true, fill);
                Outcome {
                    state: Some(AlarmState::Alarm),
                    reason,
                    data,
                }
            } else {
                Outcome {
                    state: Some(AlarmState::Ok),
                    reason: text.crossed(&good, n, false, 0),
                    data,
                }
            }
        }
        TreatMissingData::NotBreaching => {
            if hits.len() >= m {
                Outcome {
                    state: Some(AlarmState::Alarm),
                    reason: text.crossed(&hits, n, true, 0),
                    data,
                }
            } else {
                let reason = text.crossed(&good, n, false, fill);
                Outcome {
                    state: Some(AlarmState::Ok),
                    reason,
                    data,
                }
            }
        }
        TreatMissingData::Missing | TreatMissingData::Ignore => {
            // CloudWatch's premature-alarm rule: every real datapoint in the
            // range breaches, and the oldest of them among the last N
            // periods is at least M periods old.
            let oldest_recent_hit = hits
                .iter()
                .filter(|(age, _, _)| *age <= n)
                .map(|(age, _, _)| *age)
                .max();
            let premature = good.is_empty() && oldest_recent_hit.is_some_and(|age| age >= m);
            if premature && treat == TreatMissingData::Ignore {
                Outcome {
                    state: None,
                    reason: String::new(),
                    data,
                }
            } else if premature || hits.len() >= m {
                Outcome {
                    state: Some(AlarmState::Alarm),
                    reason: text.crossed(&hits, real.len(), true, 0),
                    data,
                }
            } else {
                let reason = text.crossed(&good, real.len(), false, 0);
                Outcome {
                    state: Some(AlarmState::Ok),
                    reason,
                    data,
                }
            }
        }
    };
    (outcome, values)
}

/// Builds `StateReason` texts for one alarm.
struct Text<'a> {
    config: &'a AlarmConfig,
    start_unix: i64,
    from: &'static str,
    /// Whether texts are wanted; if not, every text is empty.
    worded: bool,
}

impl Text<'_> {
    /// `reason()` if texts are wanted, else an empty text.
    fn say(&self, reason: impl FnOnce() -> String) -> String {
        if self.worded {
            reason()
        } else {
            String::new()
        }
    }

    /// "Threshold Crossed: 3 out of the last 3 datapoints [61.0 (02/03/26
    /// 09:05:00), ...] were greater than the threshold (50.0) (minimum 3
    /// datapoints for OK -> ALARM transition)."
    fn crossed(
        &self,
        listed: &[&(usize, Slot, f64)],
        out_of: usize,
        to_alarm: bool,
        filled: usize,
    ) -> String {
        if !self.worded {
            return String::new();
        }
        let c = self.config;
        let points: Vec<String> = listed
            .iter()
            .map(|(_, slot, v)| {
                format!(
                    "{} ({})",
                    format_value(*v),
                    reason_time(self.start_unix + slot.start as i64)
                )
            })
            .collect();
        let count = listed.len();
        let not = if to_alarm { "" } else { "not " };
        let (minimum, to) = if to_alarm {
            (c.datapoints_needed() as usize, "ALARM")
        } else {
            (
                c.evaluation_periods.saturating_sub(c.datapoints_needed()) as usize + 1,
                "OK",
            )
        };
        let filled_text = if filled > 0 {
            let label = if to_alarm {
                "Breaching"
            } else {
                "NonBreaching"
            };
            format!(
                " and {filled} missing {} {} treated as [{label}]",
                plural(filled, "datapoint"),
                was(filled)
            )
        } else {
            String::new()
        };
        format!(
            "Threshold Crossed: {count} out of the last {out_of} datapoints [{}] {} {not}{} the \
             threshold ({}){filled_text} (minimum {minimum} {} for {} -> {to} transition).",
            points.join(", "),
            was(count),
            c.comparison_operator.phrase(),
            format_value(c.threshold),
            plural(minimum, "datapoint"),
            self.from,
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        word.to_string()
    } else {
        format!("{word}s")
    }
}

fn was(n: usize) -> &'static str {
    if n == 1 {
        "was"
    } else {
        "were"
    }
}

/// A number as CloudWatch prints it in reasons: `61.0`, `58.23333333333333`,
/// with float noise such as `14.999999999999998` rounded away.
fn format_value(v: f64) -> String {
    let tidy = if v.abs() < 1e8 {
        (v * 1e10).round() / 1e10
    } else {
        v
    };
    format!("{tidy:?}")
}

/// An instant as reasons print it: `02/03/26 09:05:00` (day first).
fn reason_time(unix: i64) -> String {
    let iso = format_iso8601(unix);
    let part = |range: std::ops::Range<usize>| iso.get(range).unwrap_or("");
    format!(
        "{}/{}/{} {}",
        part(8..10),
        part(5..7),
        part(2..4),
        part(11..19)
    )
}

/// An instant as `StateReasonData` prints it: `2026-03-02T09:05:00.000+0000`.
fn data_time(unix: i64) -> String {
    format_iso8601(unix).replace("+00:00", ".000+0000")
}

fn reason_data(
    config: &AlarmConfig,
    slots: &[Slot],
    real: &[(usize, Slot, f64)],
    now: u64,
    start_unix: i64,
) -> String {
    let recent: Vec<Value> = real.iter().rev().map(|(_, _, v)| json!(v)).collect();
    let evaluated: Vec<Value> = real
        .iter()
        .take(config.evaluation_periods as usize)
        .map(|(_, slot, v)| {
            let count = slot.point.map_or(0, |(_, c)| c);
            json!({
                "timestamp": data_time(start_unix + slot.start as i64),
                "sampleCount": count as f64,
                "value": v,
            })
        })
        .collect();
    let start = slots.first().map_or(now, |s| s.start);
    let mut data = Map::new();
    data.insert("version".into(), json!("1.0"));
    data.insert(
        "queryDate".into(),
        json!(data_time(start_unix + now as i64)),
    );
    data.insert(
        "startDate".into(),
        json!(data_time(start_unix + start as i64)),
    );
    let statistic = config.extended_statistic.as_deref().unwrap_or(config.statistic.name());
    data.insert("statistic".into(), json!(statistic));
    if let Some(unit) = &config.unit {
        data.insert("unit".into(), json!(unit));
    }
    data.insert("period".into(), json!(config.period));
    data.insert("recentDatapoints".into(), Value::Array(recent));
    data.insert("threshold".into(), json!(config.threshold));
    data.insert("evaluatedDatapoints".into(), Value::Array(evaluated));
    Value::Object(data).to_string()
}

/// AWS's JSON for an alarm in `DescribeAlarms`. `start_unix` turns
/// simulated seconds into timestamps.
pub fn alarm_json(alarm: &MetricAlarm, start_unix: i64) -> Value {
    let c = &alarm.config;
    let time = |t: u64| json!(format_iso8601(start_unix + t as i64));
    let dims: Vec<Value> = c
        .dimensions
        .iter()
        .map(|(k, v)| json!({ "Name": k, "Value": v }))
        .collect();
    let mut out = Map::new();
    out.insert("AlarmName".into(), json!(c.alarm_name));
    out.insert("AlarmArn".into(), json!(alarm.alarm_arn));
    if let Some(d) = &c.alarm_description {
        out.insert("AlarmDescription".into(), json!(d));
    }
    out.insert(
        "AlarmConfigurationUpdatedTimestamp".into(),
        time(alarm.configuration_updated),
    );
    out.insert("ActionsEnabled".into(), json!(c.actions_enabled));
    out.insert("OKActions".into(), json!(c.ok_actions));
    out.insert("AlarmActions".into(), json!(c.alarm_actions));
    out.insert(
        "InsufficientDataActions".into(),
        json!(c.insufficient_data_actions),
    );
    out.insert("StateValue".into(), json!(alarm.state.name()));
    out.insert("StateReason".into(), json!(alarm.state_reason));
    if let Some(data) = &alarm.state_reason_data {
        out.insert("StateReasonData".into(), json!(data));
    }
    out.insert("StateUpdatedTimestamp".into(), time(alarm.state_updated));
    out.insert("MetricName".into(), json!(c.metric_name));
    out.insert("Namespace".into(), json!(c.namespace));
    match &c.extended_statistic {
        Some(p) => out.insert("ExtendedStatistic".into(), json!(p)),
        None => out.insert("Statistic".into(), json!(c.statistic.name())),
    };
    out.insert("Dimensions".into(), Value::Array(dims));
    out.insert("Period".into(), json!(c.period));
    if let Some(unit) = &c.unit {
        out.insert("Unit".into(), json!(unit));
    }
    out.insert("EvaluationPeriods".into(), json!(c.evaluation_periods));
    if let Some(m) = c.datapoints_to_alarm {
        out.insert("DatapointsToAlarm".into(), json!(m));
    }
    out.insert("Threshold".into(), json!(c.threshold));
    out.insert(
        "ComparisonOperator".into(),
        json!(c.comparison_operator.name()),
    );
    out.insert(
        "TreatMissingData".into(),
        json!(c.treat_missing_data.name()),
    );
    out.insert(
        "StateTransitionedTimestamp".into(),
        time(alarm.state_updated),
    );
    Value::Object(out)
}

/// AWS's JSON for a history item in `DescribeAlarmHistory`.
pub fn history_json(item: &HistoryItem, start_unix: i64) -> Value {
    json!({
        "AlarmName": item.alarm_name,
        "AlarmType": "MetricAlarm",
        "Timestamp": format_iso8601(start_unix + item.time as i64),
        "HistoryItemType": item.item_type.name(),
        "HistorySummary": item.summary,
        "HistoryData": item.data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    const NS: &str = "Test";
    const METRIC: &str = "Depth";

    /// An alarm "Depth > 50" with `n` one-minute periods, `m` to alarm.
    fn config(n: u32, m: u32, treat: TreatMissingData) -> AlarmConfig {
        let mut c = AlarmConfig::new(
            "depth-high",
            NS,
            METRIC,
            Statistic::Average,
            60,
            50.0,
            ComparisonOperator::GreaterThanThreshold,
        );
        c.evaluation_periods = n;
        c.datapoints_to_alarm = Some(m);
        c.treat_missing_data = treat;
        c
    }

    /// Runs `world` to `minutes` whole minutes, publishing each minute's
    /// value from `pattern` (oldest first): `X` breaching (80), `0` not
    /// (10), `-` missing.
    fn run(pattern: &str, c: AlarmConfig, start: AlarmState) -> (World, Vec<Invocation>) {
        let mut world = World::new(7, "us-east-1", 1_772_442_000);
        world.alarms.put(&mut world.env, c).unwrap();
        if let Some(alarm) = world.alarms.alarms.first_mut() {
            alarm.state = start;
        }
        let mut invocations = Vec::new();
        for (minute, ch) in pattern.chars().filter(|c| !c.is_whitespace()).enumerate() {
            let t = minute as u64 * 60;
            let value = match ch {
                'X' => Some(80.0),
                '0' => Some(10.0),
                _ => None,
            };
            if let Some(v) = value {
                world.env.metrics.put(NS, METRIC, &[], "Count", t + 30, v);
            }
            while world.now() < t + 60 {
                world.env.clock.advance_tick();
            }
        }
        invocations.extend(world.alarms.step(&mut world.env));
        (world, invocations)
    }

    fn state_after(pattern: &str, n: u32, m: u32, treat: TreatMissingData) -> AlarmState {
        let (world, _) = run(pattern, config(n, m, treat), AlarmState::Ok);
        world.alarms.get("depth-high").unwrap().state
    }

    #[test]
    fn alarm_needs_three_breaching_periods() {
        let t = TreatMissingData::Missing;
        assert_eq!(state_after("0 0 X X 0", 3, 3, t), AlarmState::Ok);
        assert_eq!(state_after("0 0 X X X", 3, 3, t), AlarmState::Alarm);
        assert_eq!(
            state_after("0 0 X 0 X", 3, 2, t),
            AlarmState::Alarm,
            "2 out of 3"
        );
        assert_eq!(state_after("0 0 0 0 X", 3, 2, t), AlarmState::Ok);
    }

    #[test]
    fn missing_data_follows_cloudwatchs_tables() {
        use AlarmState::{Alarm, InsufficientData as Insufficient, Ok};
        use TreatMissingData::{Breaching, Ignore, Missing, NotBreaching};
        // CloudWatch's tables: the state for each treatment, starting from
        // OK (so "retain" reads OK), with N = 3 and M = 3, then M = 2.
        let three_of_three = [
            ("0 - X - X", [Ok, Ok, Ok, Ok]),
            ("0 - - - -", [Ok, Ok, Ok, Ok]),
            ("- - - - -", [Insufficient, Ok, Alarm, Ok]),
            ("0 X X - X", [Alarm, Alarm, Alarm, Alarm]),
            ("- - X - -", [Alarm, Ok, Alarm, Ok]),
        ];
        let two_of_three = [
            ("0 - X - X", [Alarm, Alarm, Alarm, Alarm]),
            ("0 0 X 0 X", [Alarm, Alarm, Alarm, Alarm]),
            ("0 - X - -", [Ok, Ok, Alarm, Ok]),
            ("- - - - 0", [Ok, Ok, Alarm, Ok]),
            ("- - - X -", [Alarm, Ok, Alarm, Ok]),
        ];
        for (m, table) in [(3, three_of_three), (2, two_of_three)] {
            for (pattern, expected) in table {
                for (treat, want) in [Missing, Ignore, Breaching, NotBreaching]
                    .into_iter()
                    .zip(expected)
                {
                    assert_eq!(
                        state_after(pattern, 3, m, treat),
                        want,
                        "{pattern} M={m} {treat:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn ignore_keeps_the_state_it_had() {
        let (world, _) = run(
            "- - - - -",
            config(3, 3, TreatMissingData::Ignore),
            AlarmState::Alarm,
        );
        assert_eq!(
            world.alarms.get("depth-high").unwrap().state,
            AlarmState::Alarm
        );
    }

    #[test]
    fn reasons_read_like_cloudwatch() {
        let (world, _) = run(
            "0 0 X X X",
            config(3, 3, TreatMissingData::Missing),
            AlarmState::Ok,
        );
        let alarm = world.alarms.get("depth-high").unwrap();
        // 1_772_442_000 is 2026-03-02T09:00:00Z; the newest period starts at 09:04.
        assert_eq!(
            alarm.state_reason,
            "Threshold Crossed: 3 out of the last 3 datapoints [80.0 (02/03/26 09:04:00), 80.0 \
             (02/03/26 09:03:00), 80.0 (02/03/26 09:02:00)] were greater than the threshold \
             (50.0) (minimum 3 datapoints for OK -> ALARM transition)."
        );
        let data: Value =
            serde_json::from_str(alarm.state_reason_data.as_deref().unwrap()).unwrap();
        assert_eq!(data["evaluatedDatapoints"].as_array().unwrap().len(), 3);
        let (world, _) = run(
            "- - - - -",
            config(1, 1, TreatMissingData::Missing),
            AlarmState::Ok,
        );
        let alarm = world.alarms.get("depth-high").unwrap();
        assert_eq!(
            alarm.state_reason,
            "Insufficient Data: 1 datapoint was unknown."
        );
    }

    #[test]
    fn history_records_creation_and_each_transition_once() {
        let mut c = config(1, 1, TreatMissingData::Missing);
        c.alarm_actions = vec!["arn:aws:sns:us-east-1:123456789012:ops".into()];
        let (mut world, invocations) = run("X", c, AlarmState::InsufficientData);
        assert_eq!(
            invocations.len(),
            1,
            "the ALARM action runs on the transition"
        );
        assert!(invocations[0].transition);
        let kinds: Vec<HistoryItemType> =
            world.alarms.history().iter().map(|h| h.item_type).collect();
        assert_eq!(
            kinds,
            [
                HistoryItemType::ConfigurationUpdate,
                HistoryItemType::StateUpdate
            ]
        );
        assert_eq!(
            world.alarms.history()[1].summary,
            "Alarm updated from INSUFFICIENT_DATA to ALARM"
        );
        // A minute later nothing changed: no history, and an SNS action
        // is not repeated.
        world.env.metrics.put(NS, METRIC, &[], "Count", 90, 80.0);
        while world.now() < 120 {
            world.env.clock.advance_tick();
        }
        let again = world.alarms.step(&mut world.env);
        assert!(again.is_empty());
        assert_eq!(world.alarms.history().len(), 2);
        let events = world.env.events.all();
        assert!(events.iter().any(|e| e
            .message
            .contains("depth-high changed from INSUFFICIENT_DATA to ALARM")));
    }

    #[test]
    fn autoscaling_actions_repeat_every_minute_in_alarm() {
        let arn = "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:\
                   autoScalingGroupName/g:policyName/p";
        let mut c = config(1, 1, TreatMissingData::Missing);
        c.period = 300;
        c.alarm_actions = vec![arn.into()];
        let mut world = World::new(7, "us-east-1", 0);
        world.alarms.put(&mut world.env, c).unwrap();
        let mut seen = Vec::new();
        for t in 0..900 {
            world.env.metrics.put(NS, METRIC, &[], "Count", t, 80.0);
            for inv in world.alarms.step(&mut world.env) {
                seen.push((t, inv.transition));
            }
            world.env.clock.advance_tick();
        }
        assert_eq!(
            seen.first(),
            Some(&(300, true)),
            "fires when the first period ends"
        );
        assert_eq!(seen.len(), 10, "then once a minute: {seen:?}");
        assert!(seen[1..]
            .iter()
            .all(|(t, transition)| t % 60 == 0 && !transition));
    }

    #[test]
    fn set_alarm_state_runs_actions_until_the_next_evaluation() {
        let mut c = config(1, 1, TreatMissingData::Missing);
        c.ok_actions = vec!["arn:aws:sns:us-east-1:123456789012:ops".into()];
        let mut world = World::new(7, "us-east-1", 0);
        world.alarms.put(&mut world.env, c).unwrap();
        let inv = world
            .alarms
            .set_state(
                &mut world.env,
                "depth-high",
                AlarmState::Ok,
                "testing",
                None,
            )
            .unwrap();
        assert_eq!(inv.len(), 1);
        assert_eq!(
            world.alarms.get("depth-high").unwrap().state_reason,
            "testing"
        );
        let err = world
            .alarms
            .set_state(&mut world.env, "nope", AlarmState::Ok, "x", None)
            .unwrap_err();
        assert_eq!(err.code, "ResourceNotFound");
    }

    #[test]
    fn bad_configurations_are_refused_with_cloudwatchs_words() {
        let mut world = World::new(7, "us-east-1", 0);
        let mut c = config(3, 4, TreatMissingData::Missing);
        assert!(world
            .alarms
            .put(&mut world.env, c.clone())
            .unwrap_err()
            .message
            .contains("DatapointsToAlarm"));
        c.datapoints_to_alarm = None;
        c.period = 45;
        assert_eq!(
            world
                .alarms
                .put(&mut world.env, c.clone())
                .unwrap_err()
                .code,
            "ValidationError"
        );
        c.period = 3600;
        c.evaluation_periods = 25;
        assert!(world
            .alarms
            .put(&mut world.env, c.clone())
            .unwrap_err()
            .message
            .contains("more than a day"));
        c.evaluation_periods = 0;
        let err = world.alarms.put(&mut world.env, c.clone()).unwrap_err();
        assert!(err
            .message
            .starts_with("1 validation error detected: Value '0' at 'evaluationPeriods'"));
        c.evaluation_periods = 1;
        c.alarm_actions = vec!["scale-out".into()];
        assert!(world
            .alarms
            .put(&mut world.env, c)
            .unwrap_err()
            .message
            .contains("Invalid arn"));
    }

    #[test]
    fn deleting_an_unknown_alarm_deletes_nothing() {
        let mut world = World::new(7, "us-east-1", 0);
        world
            .alarms
            .put(&mut world.env, config(1, 1, TreatMissingData::Missing))
            .unwrap();
        let names = vec!["depth-high".to_string(), "ghost".to_string()];
        let err = world.alarms.delete(&mut world.env, &names).unwrap_err();
        assert_eq!(err.code, "ResourceNotFound");
        assert!(world.alarms.get("depth-high").is_some());
        world.alarms.delete(&mut world.env, &names[..1]).unwrap();
        assert!(world.alarms.all().is_empty());
    }
}
