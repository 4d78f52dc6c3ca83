//! What the console's views show, as plain data.
//!
//! Beside the terminal the app shows views shaped like the AWS Management
//! Console's: the EC2 Instances table, the SQS queues, the CloudWatch
//! alarms, the Auto Scaling groups with their activity history, and charts
//! of metrics over simulated time with each alarm's threshold drawn on the
//! chart of the metric it watches. This module turns a [`World`] into
//! exactly what those views print (rows, points, thresholds, and a sentence
//! per chart for readers who cannot see it) and holds no UI type, so that
//! it is tested natively; the web app only lays it out.
//!
//! Every label uses the service's own words (`ApproximateAgeOfOldestMessage`,
//! `DesiredCapacity`, `INSUFFICIENT_DATA`). Charts plot complete simulated
//! minutes only. A 24-hour window is thinned to at most [`MAX_POINTS`]
//! points; the minimum, maximum and latest value in a chart's summary come
//! from every minute, not from the thinned points. Left out: the console's
//! filters, sorting and pagination, CloudWatch dashboards, and metric math.

use crate::calendar::format_iso8601;
use crate::services::alarms::{is_autoscaling_action, AlarmState, ComparisonOperator, MetricAlarm};
use crate::services::autoscaling::{ActivityStatus, LifecycleState};
use crate::services::cloudwatch::{Series, Statistic};
use crate::services::ec2::InstanceState;
use crate::world::World;

/// Most points a chart draws; longer windows are thinned into buckets.
pub const MAX_POINTS: u64 = 360;

// ---- EC2 ---------------------------------------------------------------

/// One row of the Instances table.
#[derive(Clone, Debug, PartialEq)]
pub struct InstanceRow {
    pub instance_id: String,
    /// The `Name` tag; empty when the instance has none, as in the console.
    pub name: String,
    pub instance_type: String,
    pub state: InstanceState,
    pub availability_zone: String,
    /// `CPUUtilization` over the last second, in percent; `None` unless
    /// the instance is running.
    pub cpu_utilization: Option<f64>,
}

/// The instances `DescribeInstances` would list now, in launch order.
pub fn instances(world: &World) -> Vec<InstanceRow> {
    world
        .ec2
        .visible(world.now())
        .map(|i| InstanceRow {
            instance_id: i.instance_id.clone(),
            name: i.tag("Name").unwrap_or_default().to_string(),
            instance_type: i.instance_type.clone(),
            state: i.state,
            availability_zone: i.availability_zone.clone(),
            cpu_utilization: (i.state == InstanceState::Running).then_some(i.cpu_utilization),
        })
        .collect()
}

// ---- SQS ---------------------------------------------------------------

/// A queue's dead-letter queue, from its `RedrivePolicy`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeadLetterQueue {
    pub name: String,
    pub max_receive_count: u32,
    /// `ApproximateNumberOfMessages` of the dead-letter queue; `None` if
    /// the policy names a queue that does not exist.
    pub messages_available: Option<u64>,
}

/// One queue as the SQS console's list and its monitoring tab show it.
#[derive(Clone, Debug, PartialEq)]
pub struct QueueRow {
    pub name: String,
    pub url: String,
    /// `ApproximateNumberOfMessages` (messages available).
    pub messages_available: u64,
    /// `ApproximateNumberOfMessagesNotVisible` (messages in flight).
    pub messages_in_flight: u64,
    /// `ApproximateAgeOfOldestMessage`, in seconds.
    pub age_of_oldest_message: u64,
    /// `NumberOfMessagesSent` in the last published minute.
    pub sent_per_minute: Option<f64>,
    /// `NumberOfMessagesReceived` in the last published minute.
    pub received_per_minute: Option<f64>,
    /// `NumberOfMessagesDeleted` in the last published minute.
    pub deleted_per_minute: Option<f64>,
    pub dead_letter_queue: Option<DeadLetterQueue>,
    /// Queues whose redrive policy sends their failures here.
    pub dead_letter_for: Vec<String>,
    /// Messages that expired, were purged or lost, since the quest began.
    pub messages_lost: u64,
}

/// Every queue, by name.
pub fn queues(world: &World) -> Vec<QueueRow> {
    let now = world.now();
    let last_minute = |queue: &str, metric: &str| {
        let dims = [("QueueName".to_string(), queue.to_string())];
        let series = world.env.metrics.find("AWS/SQS", metric, &dims)?;
        series.minutes.last().map(|(_, a)| a.sum)
    };
    world
        .sqs
        .queues()
        .map(|q| {
            let dead_letter_queue = q.attributes.redrive_policy.as_ref().map(|p| {
                let name = p.target_name().to_string();
                DeadLetterQueue {
                    messages_available: world.sqs.queue(&name).map(|d| d.visible_count()),
                    name,
                    max_receive_count: p.max_receive_count,
                }
            });
            let dead_letter_for = world
                .sqs
                .queues()
                .filter(|other| {
                    let policy = other.attributes.redrive_policy.as_ref();
                    policy.is_some_and(|p| p.target_name() == q.name)
                })
                .map(|other| other.name.clone())
                .collect();
            QueueRow {
                name: q.name.clone(),
                url: q.url.clone(),
                messages_available: q.visible_count(),
                messages_in_flight: q.in_flight_count(),
                age_of_oldest_message: q.oldest_age(now),
                sent_per_minute: last_minute(&q.name, "NumberOfMessagesSent"),
                received_per_minute: last_minute(&q.name, "NumberOfMessagesReceived"),
                deleted_per_minute: last_minute(&q.name, "NumberOfMessagesDeleted"),
                dead_letter_queue,
                dead_letter_for,
                messages_lost: q.totals.lost(),
            }
        })
        .collect()
}

/// The queue a chart shows when the player picked none: the first queue
/// that is not only some other queue's dead-letter queue.
pub fn default_queue(world: &World) -> Option<String> {
    let rows = queues(world);
    rows.iter()
        .find(|q| q.dead_letter_for.is_empty())
        .or(rows.first())
        .map(|q| q.name.clone())
}

// ---- CloudWatch alarms -------------------------------------------------

/// One action of an alarm, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmAction {
    /// The state whose entry runs the action.
    pub state: AlarmState,
    /// `Auto Scaling policy scale-out (group orders-workers)`, or the
    /// action's ARN when it is not a known policy.
    pub text: String,
}

/// One row of the CloudWatch Alarms list.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmRow {
    pub name: String,
    pub state: AlarmState,
    /// `ApproximateNumberOfMessagesVisible > 50 for 1 datapoints within
    /// 1 minute`, as the console words it.
    pub condition: String,
    /// Namespace, metric and dimensions: `AWS/SQS ·
    /// ApproximateNumberOfMessagesVisible · QueueName=orders`.
    pub metric: String,
    pub actions_enabled: bool,
    pub actions: Vec<AlarmAction>,
    pub state_reason: String,
    /// Simulated second of the last state change.
    pub state_updated: u64,
}

/// Every alarm, by name.
pub fn alarms(world: &World) -> Vec<AlarmRow> {
    world
        .alarms
        .all()
        .iter()
        .map(|alarm| {
            let c = &alarm.config;
            let mut metric = format!("{} · {}", c.namespace, c.metric_name);
            for (name, value) in &c.dimensions {
                metric.push_str(&format!(" · {name}={value}"));
            }
            let actions = AlarmState::ALL
                .into_iter()
                .flat_map(|state| {
                    c.actions_for(state).iter().map(move |arn| AlarmAction {
                        state,
                        text: describe_action(world, arn),
                    })
                })
                .collect();
            AlarmRow {
                name: c.alarm_name.clone(),
                state: alarm.state,
                condition: condition(alarm),
                metric,
                actions_enabled: c.actions_enabled,
                actions,
                state_reason: alarm.state_reason.clone(),
                state_updated: alarm.state_updated,
            }
        })
        .collect()
}

/// The console's wording of an alarm's condition.
pub fn condition(alarm: &MetricAlarm) -> String {
    let c = &alarm.config;
    let within = u64::from(c.evaluation_periods) * c.period;
    format!(
        "{} {} {} for {} datapoints within {}",
        c.metric_name,
        operator_symbol(c.comparison_operator),
        number(c.threshold),
        c.datapoints_needed(),
        span(within)
    )
}

/// `>`, `>=`, `<` or `<=`.
pub fn operator_symbol(op: ComparisonOperator) -> &'static str {
    match op {
        ComparisonOperator::GreaterThanOrEqualToThreshold => ">=",
        ComparisonOperator::GreaterThanThreshold => ">",
        ComparisonOperator::LessThanThreshold => "<",
        ComparisonOperator::LessThanOrEqualToThreshold => "<=",
    }
}

fn describe_action(world: &World, arn: &str) -> String {
    if is_autoscaling_action(arn) {
        if let Some(policy) = world.autoscaling.policy_by_arn(arn) {
            return format!(
                "Auto Scaling policy {} (group {})",
                policy.name, policy.group
            );
        }
    }
    arn.to_string()
}

/// `1 minute`, `15 minutes`, `1 hour`, `2 days`.
fn span(seconds: u64) -> String {
    let (count, unit) = match seconds {
        s if s % 86_400 == 0 && s > 0 => (s / 86_400, "day"),
        s if s % 3_600 == 0 && s > 0 => (s / 3_600, "hour"),
        s => (s / 60, "minute"),
    };
    let plural = if count == 1 { "" } else { "s" };
    format!("{count} {unit}{plural}")
}

// ---- Auto Scaling ------------------------------------------------------

/// One row of the Auto Scaling groups list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupRow {
    pub name: String,
    /// `orders-worker (lt-0abc...), version $Latest`.
    pub launch_template: String,
    pub min_size: u32,
    pub desired_capacity: u32,
    pub max_size: u32,
    /// Instances counting toward capacity (Pending and InService).
    pub instances: u32,
    pub in_service: u32,
    pub pending: u32,
    pub terminating: u32,
    pub availability_zones: Vec<String>,
    /// `Delete in progress` while the group is being deleted.
    pub status: Option<&'static str>,
    /// Names of the group's scaling policies.
    pub policies: Vec<String>,
}

/// Every Auto Scaling group, by name.
pub fn groups(world: &World) -> Vec<GroupRow> {
    let autoscaling = &world.autoscaling;
    autoscaling
        .groups()
        .iter()
        .map(|g| {
            let t = &g.launch_template;
            GroupRow {
                name: g.name.clone(),
                launch_template: format!(
                    "{} ({}), version {}",
                    t.launch_template_name, t.launch_template_id, t.version
                ),
                min_size: g.min_size,
                desired_capacity: g.desired_capacity,
                max_size: g.max_size,
                instances: g.capacity(),
                in_service: g.count_in(LifecycleState::InService),
                pending: g.count_in(LifecycleState::Pending),
                terminating: g.count_in(LifecycleState::Terminating),
                availability_zones: g.availability_zones.clone(),
                status: g.deleting.then_some("Delete in progress"),
                policies: autoscaling
                    .policies()
                    .iter()
                    .filter(|p| p.group == g.name)
                    .map(|p| p.name.clone())
                    .collect(),
            }
        })
        .collect()
}

/// One scaling activity, as the group's Activity history lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActivityRow {
    pub group: String,
    pub status: ActivityStatus,
    /// Why it failed, if it did.
    pub status_message: Option<String>,
    pub description: String,
    pub cause: String,
    /// Simulated seconds.
    pub start_time: u64,
    pub end_time: Option<u64>,
}

/// The `limit` newest scaling activities of every group, newest first.
pub fn activities(world: &World, limit: usize) -> Vec<ActivityRow> {
    world
        .autoscaling
        .activities()
        .iter()
        .rev()
        .take(limit)
        .map(|a| ActivityRow {
            group: a.group.clone(),
            status: a.status_code,
            status_message: a.status_message.clone(),
            description: a.description.clone(),
            cause: a.cause.clone(),
            start_time: a.start_time,
            end_time: a.end_time,
        })
        .collect()
}

// ---- Charts ------------------------------------------------------------

/// How far back the charts look, in simulated time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Window {
    #[default]
    OneHour,
    SixHours,
    OneDay,
}

impl Window {
    pub const ALL: [Window; 3] = [Window::OneHour, Window::SixHours, Window::OneDay];

    pub fn minutes(self) -> u64 {
        match self {
            Window::OneHour => 60,
            Window::SixHours => 360,
            Window::OneDay => 1_440,
        }
    }

    /// `1h`, `6h`, `24h`, as the console's time-range buttons read.
    pub fn label(self) -> &'static str {
        match self {
            Window::OneHour => "1h",
            Window::SixHours => "6h",
            Window::OneDay => "24h",
        }
    }

    /// Minutes between two labelled ticks of the time axis.
    fn tick_minutes(self) -> u64 {
        match self {
            Window::OneHour => 10,
            Window::SixHours => 60,
            Window::OneDay => 240,
        }
    }
}

/// Whose `CPUUtilization` the CPU chart plots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum CpuScope {
    /// The mean of every instance that reported in a minute.
    #[default]
    Fleet,
    /// One Auto Scaling group's metric (dimension `AutoScalingGroupName`).
    Group(String),
    /// One instance's metric (dimension `InstanceId`).
    Instance(String),
}

impl CpuScope {
    /// How the choice reads in a list: `All instances (average)`,
    /// `Auto Scaling group orders-workers`, `i-0abc… (orders-worker-1)`.
    pub fn label(&self, world: &World) -> String {
        match self {
            CpuScope::Fleet => "All instances (average)".to_string(),
            CpuScope::Group(name) => format!("Auto Scaling group {name}"),
            CpuScope::Instance(id) => {
                let name = world
                    .ec2
                    .instances
                    .iter()
                    .find(|i| &i.instance_id == id)
                    .and_then(|i| i.tag("Name"));
                match name {
                    Some(name) => format!("{id} ({name})"),
                    None => id.clone(),
                }
            }
        }
    }
}

/// Every scope the CPU chart can show: the fleet, then each group and
/// each instance that has reported `CPUUtilization`.
pub fn cpu_scopes(world: &World) -> Vec<CpuScope> {
    let mut scopes = vec![CpuScope::Fleet];
    let cpu = world
        .env
        .metrics
        .series()
        .iter()
        .filter(|s| s.namespace == "AWS/EC2" && s.metric_name == "CPUUtilization");
    for series in cpu {
        match series.dimensions.as_slice() {
            [(key, group)] if key == "AutoScalingGroupName" => {
                scopes.push(CpuScope::Group(group.clone()))
            }
            [(key, id)] if key == "InstanceId" => scopes.push(CpuScope::Instance(id.clone())),
            _ => {}
        }
    }
    let (mut groups, instances): (Vec<_>, Vec<_>) = scopes
        .split_off(1)
        .into_iter()
        .partition(|s| matches!(s, CpuScope::Group(_)));
    scopes.append(&mut groups);
    scopes.extend(instances);
    scopes
}

/// What the charts show: the window, and for the CPU and queue charts,
/// whose metric.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChartRequest {
    pub window: Window,
    pub cpu: CpuScope,
    /// The queue of the queue charts; the [`default_queue`] if `None`.
    pub queue: Option<String>,
}

/// What a chart's values measure, and how they print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Count,
    Seconds,
    UsdPerHour,
    GramsPerHour,
}

impl Unit {
    /// A value with its unit: `15.2 %`, `63`, `125 s`, `$0.4608/h`,
    /// `812.3 g/h`.
    pub fn format(self, value: f64) -> String {
        match self {
            Unit::Percent => format!("{value:.1} %"),
            Unit::Count => number(value),
            Unit::Seconds => format!("{} s", number(value)),
            Unit::UsdPerHour => format!("${value:.4}/h"),
            Unit::GramsPerHour => format!("{value:.1} g/h"),
        }
    }

    /// A value as an axis label, shorter: `15 %`, `63`, `125 s`, `$0.46`,
    /// `812 g`.
    pub fn axis(self, value: f64) -> String {
        match self {
            Unit::Percent => format!("{value:.0} %"),
            Unit::Count => number(value),
            Unit::Seconds => format!("{} s", number(value)),
            Unit::UsdPerHour if value > 0.0 && value < 0.01 => format!("${value:.4}"),
            Unit::UsdPerHour if value > 0.0 && value < 1.0 => format!("${value:.2}"),
            Unit::UsdPerHour => format!("${}", number(value)),
            Unit::GramsPerHour => format!("{} g", number(value)),
        }
    }
}

/// A number as the console prints it: whole numbers without decimals,
/// others with up to two.
pub fn number(value: f64) -> String {
    if (value - value.round()).abs() < 1e-9 {
        format!("{value:.0}")
    } else {
        let text = format!("{value:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

/// One value of a chart at the start of a simulated minute.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Point {
    /// Minutes since the quest started.
    pub minute: u64,
    pub value: f64,
}

/// An alarm's threshold on the chart of the metric it watches.
#[derive(Clone, Debug, PartialEq)]
pub struct Threshold {
    pub alarm_name: String,
    pub value: f64,
    pub operator: ComparisonOperator,
    pub state: AlarmState,
}

/// The latest, lowest and highest value of a chart's window.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stats {
    pub latest: Point,
    pub minimum: Point,
    pub maximum: Point,
    /// Minutes with a value.
    pub minutes: usize,
}

/// Which chart this is; also the id of its element on the page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChartKind {
    Cpu,
    QueueDepth,
    OldestMessageAge,
    RunningInstances,
    CostPerHour,
    Co2ePerHour,
}

impl ChartKind {
    /// A stable id: `cpu`, `queue-depth`, `oldest-message-age`,
    /// `running-instances`, `cost-per-hour`, `co2e-per-hour`.
    pub fn id(self) -> &'static str {
        match self {
            ChartKind::Cpu => "cpu",
            ChartKind::QueueDepth => "queue-depth",
            ChartKind::OldestMessageAge => "oldest-message-age",
            ChartKind::RunningInstances => "running-instances",
            ChartKind::CostPerHour => "cost-per-hour",
            ChartKind::Co2ePerHour => "co2e-per-hour",
        }
    }
}

/// One chart: a line over simulated minutes, thresholds, axes and a
/// sentence that says what the chart shows.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    pub kind: ChartKind,
    /// The metric's name: `CPUUtilization`, `Cost per hour` ...
    pub title: String,
    /// Whose metric: `orders`, `All instances (average)`, `account`.
    pub subject: String,
    pub unit: Unit,
    /// The window's first minute and the minute after its last complete
    /// one (now, rounded down).
    pub from_minute: u64,
    pub to_minute: u64,
    /// Where the time axis ends: the window's full length after
    /// `from_minute`, which lies ahead of `to_minute` while the simulation
    /// is younger than the window.
    pub axis_end_minute: u64,
    /// Unix seconds of minute 0, to print times.
    pub start_unix: i64,
    /// Minutes per drawn point: 1, or more when the window is thinned.
    pub step: u64,
    /// Points to draw, oldest first; a gap of more than `step` minutes
    /// between two means no data in between.
    pub points: Vec<Point>,
    pub thresholds: Vec<Threshold>,
    /// Top of the value axis; the bottom is 0.
    pub y_max: f64,
    /// Labelled values of the value axis, from 0 to `y_max`.
    pub y_ticks: Vec<f64>,
    /// Labelled minutes of the time axis, with their `HH:MM` (UTC).
    pub x_ticks: Vec<(u64, String)>,
    /// `None` when the window holds no data.
    pub stats: Option<Stats>,
    /// The chart in words, for its text equivalent.
    pub summary: String,
}

impl Chart {
    /// `HH:MM` in UTC of the start of minute `minute`.
    pub fn clock(&self, minute: u64) -> String {
        clock_at(self.start_unix, minute)
    }

    /// The points split where data is missing, each run drawn as one line.
    pub fn runs(&self) -> Vec<&[Point]> {
        let mut runs = Vec::new();
        let mut start = 0;
        for i in 1..=self.points.len() {
            let broken = match (self.points.get(i - 1), self.points.get(i)) {
                (Some(a), Some(b)) => b.minute > a.minute + self.step,
                _ => true,
            };
            if broken {
                if let Some(run) = self.points.get(start..i) {
                    runs.push(run);
                }
                start = i;
            }
        }
        runs
    }
}

/// `HH:MM` in UTC of the start of simulated minute `minute`.
pub fn clock(world: &World, minute: u64) -> String {
    clock_at(world.env.start_unix, minute)
}

fn clock_at(start_unix: i64, minute: u64) -> String {
    let stamp = format_iso8601(start_unix.saturating_add(minute.saturating_mul(60) as i64));
    stamp.get(11..16).unwrap_or_default().to_string()
}

/// `YYYY-MM-DD HH:MM:SS` in UTC of simulated second `second`.
pub fn timestamp(world: &World, second: u64) -> String {
    let stamp = format_iso8601(world.env.start_unix.saturating_add(second as i64));
    stamp.get(..19).unwrap_or_default().replacen('T', " ", 1)
}

/// Every chart the account has data for: CPU, the queue charts when a
/// queue exists, running instances, cost and CO2e per hour.
pub fn charts(world: &World, request: &ChartRequest) -> Vec<Chart> {
    let to = world.now() / 60;
    let from = to.saturating_sub(request.window.minutes());
    let builder = Builder {
        world,
        window: request.window,
        from,
        to,
    };
    let mut charts = vec![builder.cpu(&request.cpu)];
    let queue = request.queue.clone().or_else(|| default_queue(world));
    if let Some(queue) = queue.filter(|q| world.sqs.queue(q).is_some()) {
        charts.push(builder.queue(ChartKind::QueueDepth, &queue));
        charts.push(builder.queue(ChartKind::OldestMessageAge, &queue));
    }
    for kind in [
        ChartKind::RunningInstances,
        ChartKind::CostPerHour,
        ChartKind::Co2ePerHour,
    ] {
        charts.push(builder.history(kind));
    }
    charts
}

/// Builds the charts of one window: minutes `from` up to, not including,
/// `to`.
struct Builder<'a> {
    world: &'a World,
    window: Window,
    from: u64,
    to: u64,
}

/// How a bucket of minutes becomes one drawn point.
#[derive(Clone, Copy)]
enum Thin {
    Average,
    /// For queue metrics, so that a short peak over a threshold stays
    /// visible in a long window.
    Maximum,
}

impl Builder<'_> {
    fn cpu(&self, scope: &CpuScope) -> Chart {
        let metrics = &self.world.env.metrics;
        let one = |key: &str, value: &str| {
            let dims = [(key.to_string(), value.to_string())];
            let values = metrics
                .find("AWS/EC2", "CPUUtilization", &dims)
                .map(|s| self.minutes_of(s))
                .unwrap_or_default();
            (values, self.thresholds("AWS/EC2", "CPUUtilization", &dims))
        };
        let (values, thresholds) = match scope {
            CpuScope::Fleet => (self.fleet_cpu(), Vec::new()),
            CpuScope::Group(name) => one("AutoScalingGroupName", name),
            CpuScope::Instance(id) => one("InstanceId", id),
        };
        let subject = scope.label(self.world);
        self.chart(
            ChartKind::Cpu,
            "CPUUtilization",
            subject,
            Unit::Percent,
            values,
            thresholds,
            Thin::Average,
        )
    }

    /// The mean over instances of each minute's average `CPUUtilization`.
    fn fleet_cpu(&self) -> Vec<Point> {
        let width = (self.to - self.from) as usize;
        let mut sums = vec![(0.0, 0u32); width];
        let per_instance = self.world.env.metrics.series().iter().filter(|s| {
            s.namespace == "AWS/EC2"
                && s.metric_name == "CPUUtilization"
                && matches!(s.dimensions.as_slice(), [(k, _)] if k == "InstanceId")
        });
        for series in per_instance {
            for point in self.minutes_of(series) {
                if let Some(slot) = sums.get_mut((point.minute - self.from) as usize) {
                    slot.0 += point.value;
                    slot.1 += 1;
                }
            }
        }
        sums.iter()
            .zip(self.from..)
            .filter(|((_, count), _)| *count > 0)
            .map(|((sum, count), minute)| Point {
                minute,
                value: sum / f64::from(*count),
            })
            .collect()
    }

    fn queue(&self, kind: ChartKind, queue: &str) -> Chart {
        let metric = match kind {
            ChartKind::OldestMessageAge => "ApproximateAgeOfOldestMessage",
            _ => "ApproximateNumberOfMessagesVisible",
        };
        let unit = match kind {
            ChartKind::OldestMessageAge => Unit::Seconds,
            _ => Unit::Count,
        };
        let dims = [("QueueName".to_string(), queue.to_string())];
        let values = self
            .world
            .env
            .metrics
            .find("AWS/SQS", metric, &dims)
            .map(|s| self.minutes_of(s))
            .unwrap_or_default();
        let thresholds = self.thresholds("AWS/SQS", metric, &dims);
        self.chart(
            kind,
            metric,
            queue.to_string(),
            unit,
            values,
            thresholds,
            Thin::Maximum,
        )
    }

    fn history(&self, kind: ChartKind) -> Chart {
        let samples = self.world.history.since(self.from);
        let samples = samples.iter().take_while(|s| s.minute < self.to);
        let (title, unit) = match kind {
            ChartKind::RunningInstances => ("Running instances", Unit::Count),
            ChartKind::CostPerHour => ("Cost per hour", Unit::UsdPerHour),
            _ => ("CO2e per hour", Unit::GramsPerHour),
        };
        let values = samples
            .map(|s| Point {
                minute: s.minute,
                value: match kind {
                    ChartKind::RunningInstances => f64::from(s.running_instances),
                    ChartKind::CostPerHour => s.cost_usd_per_hour,
                    _ => s.co2e_g_per_hour,
                },
            })
            .collect();
        let thin = match kind {
            ChartKind::RunningInstances => Thin::Maximum,
            _ => Thin::Average,
        };
        self.chart(
            kind,
            title,
            "account".to_string(),
            unit,
            values,
            Vec::new(),
            thin,
        )
    }

    /// The per-minute averages of a CloudWatch series inside the window.
    fn minutes_of(&self, series: &Series) -> Vec<Point> {
        let start = series.minutes.partition_point(|(m, _)| *m < self.from);
        series.minutes[start..]
            .iter()
            .take_while(|(m, _)| *m < self.to)
            .map(|(minute, agg)| Point {
                minute: *minute,
                value: Statistic::Average.of(agg),
            })
            .collect()
    }

    /// Thresholds of the alarms that watch exactly this metric.
    fn thresholds(
        &self,
        namespace: &str,
        metric: &str,
        dims: &[(String, String)],
    ) -> Vec<Threshold> {
        self.world
            .alarms
            .all()
            .iter()
            .filter(|a| {
                let c = &a.config;
                let mut theirs = c.dimensions.clone();
                theirs.sort();
                c.namespace == namespace && c.metric_name == metric && theirs == dims
            })
            .map(|a| Threshold {
                alarm_name: a.config.alarm_name.clone(),
                value: a.config.threshold,
                operator: a.config.comparison_operator,
                state: a.state,
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn chart(
        &self,
        kind: ChartKind,
        title: &str,
        subject: String,
        unit: Unit,
        values: Vec<Point>,
        thresholds: Vec<Threshold>,
        thin: Thin,
    ) -> Chart {
        let step = self.window.minutes().div_ceil(MAX_POINTS).max(1);
        let stats = stats(&values);
        let highest = thresholds
            .iter()
            .map(|t| t.value)
            .chain(stats.map(|s| s.maximum.value))
            .fold(0.0, f64::max);
        let (y_max, y_ticks) = match unit {
            Unit::Percent => (100.0, vec![0.0, 25.0, 50.0, 75.0, 100.0]),
            _ => value_axis(highest * 1.1),
        };
        let mut chart = Chart {
            kind,
            title: title.to_string(),
            subject,
            unit,
            from_minute: self.from,
            to_minute: self.to,
            axis_end_minute: self.from + self.window.minutes(),
            start_unix: self.world.env.start_unix,
            step,
            points: thin_out(&values, step, thin),
            thresholds,
            y_max,
            y_ticks,
            x_ticks: self.x_ticks(),
            stats,
            summary: String::new(),
        };
        chart.summary = summary(self.world, &chart);
        chart
    }

    fn x_ticks(&self) -> Vec<(u64, String)> {
        let every = self.window.tick_minutes();
        let first = self.from.div_ceil(every) * every;
        let end = self.from + self.window.minutes();
        (first..=end)
            .step_by(every as usize)
            .map(|m| (m, clock(self.world, m)))
            .collect()
    }
}

fn stats(values: &[Point]) -> Option<Stats> {
    let latest = *values.last()?;
    let mut stats = Stats {
        latest,
        minimum: latest,
        maximum: latest,
        minutes: values.len(),
    };
    for &p in values {
        if p.value < stats.minimum.value {
            stats.minimum = p;
        }
        if p.value > stats.maximum.value {
            stats.maximum = p;
        }
    }
    Some(stats)
}

/// One point per bucket of `step` minutes (aligned on multiples of
/// `step`, so that buckets stay put as time moves), at the bucket's start.
fn thin_out(values: &[Point], step: u64, thin: Thin) -> Vec<Point> {
    if step <= 1 {
        return values.to_vec();
    }
    let mut out: Vec<(Point, u32)> = Vec::new();
    for p in values {
        let bucket = p.minute / step * step;
        match out.last_mut() {
            Some((q, n)) if q.minute == bucket => {
                match thin {
                    Thin::Average => q.value += p.value,
                    Thin::Maximum => q.value = q.value.max(p.value),
                }
                *n += 1;
            }
            _ => out.push((
                Point {
                    minute: bucket,
                    value: p.value,
                },
                1,
            )),
        }
    }
    out.into_iter()
        .map(|(p, n)| match thin {
            Thin::Average => Point {
                value: p.value / f64::from(n),
                ..p
            },
            Thin::Maximum => p,
        })
        .collect()
}

/// The top of a value axis that shows `value`, and its labelled values:
/// at most four equal steps of 1, 2, 2.5 or 5 times a power of ten.
fn value_axis(value: f64) -> (f64, Vec<f64>) {
    let step = nice_ceiling(value / 4.0);
    let steps = (value / step - 1e-9).ceil().clamp(1.0, 4.0) as u32;
    let ticks: Vec<f64> = (0..=steps).map(|i| f64::from(i) * step).collect();
    (f64::from(steps) * step, ticks)
}

/// The smallest of 1, 2, 2.5 or 5 times a power of ten at or above
/// `value`; 1 for anything not above 0.
fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 0.0 {
        return 1.0;
    }
    let power = libm::pow(10.0, libm::floor(libm::log10(value)));
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .into_iter()
        .map(|f| f * power)
        .find(|&nice| nice >= value * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// `CPUUtilization of i-0abc (web-1), 07:00 to 08:00 UTC: latest 15.2 %
/// at 07:59, lowest 12.0 % at 07:13, highest 18.4 % at 07:41. Alarm
/// orders-high (OK) goes to ALARM above 50.`
fn summary(world: &World, chart: &Chart) -> String {
    let at = |p: Point| {
        format!(
            "{} at {}",
            chart.unit.format(p.value),
            clock(world, p.minute)
        )
    };
    let mut text = format!(
        "{} of {}, {} to {} UTC: ",
        chart.title,
        chart.subject,
        clock(world, chart.from_minute),
        clock(world, chart.to_minute)
    );
    match chart.stats {
        Some(s) => text.push_str(&format!(
            "latest {}, lowest {}, highest {}.",
            at(s.latest),
            at(s.minimum),
            at(s.maximum)
        )),
        None => text.push_str("no datapoints."),
    }
    for t in &chart.thresholds {
        text.push_str(&format!(
            " Alarm {} ({}) is in ALARM when {} {}.",
            t.alarm_name,
            t.state.name(),
            operator_symbol(t.operator),
            chart.unit.format(t.value)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quest::{Quest, Session};

    const FIXTURE: &str = include_str!("../tests/fixtures/orders-fleet.toml");
    const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");

    fn session(text: &str) -> Session {
        Session::new(Quest::parse("quest.toml", text).unwrap_or_else(|e| panic!("{e}")))
    }

    /// The orders fleet after an hour of simulated time.
    fn orders_hour() -> Session {
        let mut s = session(FIXTURE);
        s.run_until(3_600);
        s
    }

    fn run(s: &mut Session, line: &str) {
        let out = s.execute(line);
        assert!(out.iter().all(|e| !e.reply.is_error), "{line}: {out:?}");
    }

    fn chart(charts: &[Chart], kind: ChartKind) -> &Chart {
        charts
            .iter()
            .find(|c| c.kind == kind)
            .unwrap_or_else(|| panic!("no {kind:?} chart"))
    }

    #[test]
    fn instances_table_lists_every_worker_with_its_name_and_cpu() {
        let s = orders_hour();
        let rows = instances(s.world());
        assert_eq!(rows.len(), 10);
        let first = &rows[0];
        assert_eq!(first.name, "orders-worker-1");
        assert_eq!(first.instance_type, "m5.xlarge");
        assert_eq!(first.state, InstanceState::Running);
        let cpu = first.cpu_utilization.expect("running instances report CPU");
        assert!(cpu > 2.0 && cpu < 60.0, "CPU {cpu}");
    }

    #[test]
    fn stopped_instances_report_no_cpu() {
        let mut s = session(TUTORIAL);
        run(
            &mut s,
            "aws ec2 stop-instances --instance-ids i-0d4c3b2a1f0e9d766",
        );
        s.run_until(s.now() + 60);
        let rows = instances(s.world());
        assert_eq!(rows.len(), 6);
        let jenkins = rows
            .iter()
            .find(|r| r.name == "jenkins-old")
            .expect("jenkins-old listed");
        assert_eq!(jenkins.state, InstanceState::Stopped);
        assert_eq!(jenkins.cpu_utilization, None);
    }

    #[test]
    fn queue_rows_link_the_queue_and_its_dead_letter_queue() {
        let s = orders_hour();
        let rows = queues(s.world());
        let names: Vec<&str> = rows.iter().map(|q| q.name.as_str()).collect();
        assert_eq!(names, ["orders", "orders-dlq"]);
        let orders = &rows[0];
        let dlq = orders.dead_letter_queue.as_ref().expect("orders has a DLQ");
        assert_eq!(
            (dlq.name.as_str(), dlq.max_receive_count),
            ("orders-dlq", 5)
        );
        assert_eq!(rows[1].dead_letter_for, ["orders"]);
        let sent = orders
            .sent_per_minute
            .expect("orders published NumberOfMessagesSent");
        assert!(sent > 1_000.0 && sent < 20_000.0, "sent per minute {sent}");
        assert!(orders.deleted_per_minute.is_some());
        assert_eq!(default_queue(s.world()).as_deref(), Some("orders"));
    }

    #[test]
    fn the_tutorial_has_no_queue_chart() {
        let s = session(TUTORIAL);
        assert!(queues(s.world()).is_empty());
        let kinds: Vec<ChartKind> = charts(s.world(), &ChartRequest::default())
            .iter()
            .map(|c| c.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                ChartKind::Cpu,
                ChartKind::RunningInstances,
                ChartKind::CostPerHour,
                ChartKind::Co2ePerHour
            ]
        );
    }

    #[test]
    fn an_hour_window_has_one_point_per_minute() {
        let s = orders_hour();
        let charts = charts(s.world(), &ChartRequest::default());
        assert_eq!(charts.len(), 6);
        for c in &charts {
            assert_eq!(
                (c.from_minute, c.to_minute, c.step),
                (0, 60, 1),
                "{:?}",
                c.kind
            );
            assert_eq!(c.points.len(), 60, "{:?}", c.kind);
            assert_eq!(c.runs().len(), 1, "{:?} has no gap", c.kind);
        }
        let running = chart(&charts, ChartKind::RunningInstances);
        assert_eq!(running.stats.map(|s| s.maximum.value), Some(10.0));
        let cpu = chart(&charts, ChartKind::Cpu);
        assert_eq!(cpu.y_max, 100.0);
        let latest = cpu.stats.map(|s| s.latest.value).unwrap_or_default();
        assert!(latest > 5.0 && latest < 50.0, "fleet CPU {latest}");
        let labels: Vec<&str> = cpu.x_ticks.iter().map(|(_, l)| l.as_str()).collect();
        assert_eq!(
            labels,
            ["00:00", "00:10", "00:20", "00:30", "00:40", "00:50", "01:00"]
        );
    }

    #[test]
    fn a_day_window_is_thinned_and_keeps_its_peak() {
        let mut s = session(FIXTURE);
        s.run_until(86_400);
        let request = ChartRequest {
            window: Window::OneDay,
            ..ChartRequest::default()
        };
        let charts = charts(s.world(), &request);
        let depth = chart(&charts, ChartKind::QueueDepth);
        assert_eq!(depth.step, 4);
        assert_eq!(depth.points.len(), 360);
        let peak = depth.stats.map(|s| s.maximum.value).unwrap_or_default();
        let drawn = depth.points.iter().map(|p| p.value).fold(0.0, f64::max);
        assert_eq!(drawn, peak, "thinning by Maximum keeps the peak");
        assert!(depth.y_max >= peak);
    }

    #[test]
    fn alarm_thresholds_appear_on_their_metric_and_read_as_the_console_does() {
        let mut s = orders_hour();
        run(
            &mut s,
            "aws cloudwatch put-metric-alarm --alarm-name orders-backlog --namespace AWS/SQS \
             --metric-name ApproximateNumberOfMessagesVisible --dimensions Name=QueueName,Value=orders \
             --statistic Average --period 60 --evaluation-periods 1 --threshold 50 \
             --comparison-operator GreaterThanThreshold",
        );
        let rows = alarms(s.world());
        assert_eq!(rows.len(), 1);
        assert_eq!(
            rows[0].condition,
            "ApproximateNumberOfMessagesVisible > 50 for 1 datapoints within 1 minute"
        );
        assert_eq!(rows[0].state, AlarmState::InsufficientData);
        assert_eq!(
            rows[0].metric,
            "AWS/SQS · ApproximateNumberOfMessagesVisible · QueueName=orders"
        );

        let charts = charts(s.world(), &ChartRequest::default());
        let depth = chart(&charts, ChartKind::QueueDepth);
        assert_eq!(depth.thresholds.len(), 1);
        assert_eq!(depth.thresholds[0].value, 50.0);
        assert!(
            depth.y_max >= 55.0,
            "the threshold fits on the chart: {}",
            depth.y_max
        );
        assert!(depth
            .summary
            .contains("Alarm orders-backlog (INSUFFICIENT_DATA) is in ALARM when > 50."));
        let age = chart(&charts, ChartKind::OldestMessageAge);
        assert!(
            age.thresholds.is_empty(),
            "the alarm watches another metric"
        );
    }

    #[test]
    fn summaries_name_the_metric_window_and_values() {
        let s = orders_hour();
        let charts = charts(s.world(), &ChartRequest::default());
        let cost = chart(&charts, ChartKind::CostPerHour);
        let latest = cost.stats.map(|s| s.latest).expect("cost has data");
        assert_eq!(latest.minute, 59);
        assert!(
            cost.summary
                .starts_with("Cost per hour of account, 00:00 to 01:00 UTC: latest $"),
            "{}",
            cost.summary
        );
        assert!(
            cost.summary.contains(" at 00:59, lowest "),
            "{}",
            cost.summary
        );
    }

    #[test]
    fn a_window_without_data_says_so() {
        let s = session(FIXTURE);
        let request = ChartRequest {
            cpu: CpuScope::Instance("i-0000000000000000".into()),
            ..ChartRequest::default()
        };
        let all = charts(s.world(), &request);
        let cpu = chart(&all, ChartKind::Cpu);
        assert!(cpu.points.is_empty() && cpu.stats.is_none());
        assert!(cpu.runs().is_empty());
        assert!(cpu.summary.ends_with("no datapoints."), "{}", cpu.summary);
    }

    #[test]
    fn cpu_scopes_list_the_fleet_then_each_instance() {
        let s = orders_hour();
        let scopes = cpu_scopes(s.world());
        assert_eq!(scopes.len(), 11);
        assert_eq!(scopes[0], CpuScope::Fleet);
        let CpuScope::Instance(id) = &scopes[1] else {
            panic!("{:?}", scopes[1])
        };
        assert_eq!(
            scopes[1].label(s.world()),
            format!("{id} (orders-worker-1)")
        );
        let request = ChartRequest {
            cpu: scopes[1].clone(),
            ..ChartRequest::default()
        };
        let all = charts(s.world(), &request);
        let cpu = chart(&all, ChartKind::Cpu);
        assert_eq!(cpu.points.len(), 60);
    }

    #[test]
    fn gaps_split_the_line() {
        let c = Chart {
            kind: ChartKind::Cpu,
            title: String::new(),
            subject: String::new(),
            unit: Unit::Percent,
            from_minute: 0,
            to_minute: 10,
            axis_end_minute: 60,
            start_unix: 0,
            step: 1,
            points: [0, 1, 2, 6, 7]
                .map(|minute| Point { minute, value: 1.0 })
                .to_vec(),
            thresholds: Vec::new(),
            y_max: 1.0,
            y_ticks: Vec::new(),
            x_ticks: Vec::new(),
            stats: None,
            summary: String::new(),
        };
        let lengths: Vec<usize> = c.runs().iter().map(|r| r.len()).collect();
        assert_eq!(lengths, [3, 2]);
    }

    #[test]
    fn numbers_and_spans_read_like_the_console() {
        assert_eq!(number(50.0), "50");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(12.5), "12.5");
        assert_eq!(span(60), "1 minute");
        assert_eq!(span(900), "15 minutes");
        assert_eq!(span(3_600), "1 hour");
        assert_eq!(span(172_800), "2 days");
        assert_eq!(nice_ceiling(55.0), 100.0);
        assert_eq!(nice_ceiling(21.0), 25.0);
        assert_eq!(nice_ceiling(0.0), 1.0);
        assert_eq!(value_axis(60.5), (80.0, vec![0.0, 20.0, 40.0, 60.0, 80.0]));
        assert_eq!(value_axis(55.0), (60.0, vec![0.0, 20.0, 40.0, 60.0]));
        assert_eq!(value_axis(0.0).0, 1.0, "an empty chart still has an axis");
        assert_eq!(Unit::Seconds.format(125.0), "125 s");
        assert_eq!(Unit::UsdPerHour.axis(0.25), "$0.25");
    }
}
