//! Amazon EC2: instances and their lifecycle.
//!
//! We model instances of the catalogue's types with AWS's states and state
//! codes (pending 0, running 16, shutting-down 32, terminated 48, stopping 64,
//! stopped 80), boot and shutdown delays, tags, AMIs per architecture and the
//! `DescribeInstances`, `StartInstances`, `StopInstances` and
//! `TerminateInstances` operations with their filters and errors. A running
//! instance's CPU load comes from its workload and, if it runs a queue
//! consumer (see [`crate::consumer`]), from the messages it processes; the
//! load drives `CPUUtilization` and its power draw. We do not model
//! networking beyond private addresses, EBS volumes and their cost, spot,
//! placement groups or hibernation.
//! Terminated instances stay visible for an hour, as in EC2. Launch
//! templates and `RunInstances` are modelled in
//! [`crate::services::launch_templates`].

use std::collections::BTreeMap;

use rand::RngExt;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::calendar::format_iso8601;
use crate::catalogue::{catalogue, Architecture};
use crate::consumer::{Consumer, Worker};
use crate::ledger::{EntryHint, Rate, RateModel};
use crate::services::cloudwatch::SeriesHint;
use crate::services::launch_templates::LaunchTemplates;
use crate::services::{filter_matches, AwsError, Filter};
use crate::world::{Cache, Env};

/// Seconds from `pending` to `running`.
pub const BOOT_SECONDS: u64 = 30;
/// Seconds from `stopping` to `stopped`.
pub const STOP_SECONDS: u64 = 20;
/// Seconds from `shutting-down` to `terminated`.
pub const TERMINATE_SECONDS: u64 = 20;
/// How long a terminated instance still appears in `DescribeInstances`.
pub const TERMINATED_VISIBLE_SECONDS: u64 = 3600;

/// The states of an instance, as EC2 names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstanceState {
    Pending,
    Running,
    ShuttingDown,
    Terminated,
    Stopping,
    Stopped,
}

impl InstanceState {
    /// Every state, in EC2's code order.
    pub const ALL: [InstanceState; 6] = [
        InstanceState::Pending,
        InstanceState::Running,
        InstanceState::ShuttingDown,
        InstanceState::Terminated,
        InstanceState::Stopping,
        InstanceState::Stopped,
    ];

    /// EC2's name for the state: `running`, `shutting-down` ...
    pub fn name(self) -> &'static str {
        match self {
            InstanceState::Pending => "pending",
            InstanceState::Running => "running",
            InstanceState::ShuttingDown => "shutting-down",
            InstanceState::Terminated => "terminated",
            InstanceState::Stopping => "stopping",
            InstanceState::Stopped => "stopped",
        }
    }

    /// EC2's numeric state code.
    pub fn code(self) -> u32 {
        match self {
            InstanceState::Pending => 0,
            InstanceState::Running => 16,
            InstanceState::ShuttingDown => 32,
            InstanceState::Terminated => 48,
            InstanceState::Stopping => 64,
            InstanceState::Stopped => 80,
        }
    }

    /// Parses EC2's name for a state.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether the instance is billed and draws power in this state.
    pub fn is_billed(self) -> bool {
        matches!(self, InstanceState::Running | InstanceState::Stopping | InstanceState::ShuttingDown)
    }
}

/// What a machine image holds; only the architecture matters here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Image {
    pub image_id: String,
    pub name: String,
    pub architecture: Architecture,
}

/// The CPU load an instance's software puts on it, in percent.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Workload {
    /// Mean `CPUUtilization` while running.
    pub base: f64,
    /// Half-width of the uniform noise around the mean.
    #[serde(default)]
    pub jitter: f64,
}

/// One EC2 instance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Instance {
    pub instance_id: String,
    pub instance_type: String,
    pub image_id: String,
    pub state: InstanceState,
    /// Simulated time of the last state change.
    pub state_since: i64,
    pub state_transition_reason: String,
    /// Unix seconds; may lie before the quest started.
    pub launch_time: i64,
    pub private_ip_address: String,
    pub availability_zone: String,
    pub subnet_id: String,
    pub vpc_id: String,
    pub reservation_id: String,
    pub tags: BTreeMap<String, String>,
    /// Everything but the queue consumer: with a consumer, the baseline
    /// its work adds to.
    pub workload: Workload,
    /// The queue consumer this instance runs, if any; left out of the
    /// serialized state when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub worker: Option<Worker>,
    /// User data, decoded, for instances launched by `RunInstances` or
    /// Auto Scaling; see [`crate::services::launch_templates`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_data: Option<String>,
    /// `CPUUtilization` over the last tick, in percent.
    pub cpu_utilization: f64,
    /// What the tick looks up once for this instance, not every second.
    #[serde(skip)]
    tick_cache: Cache<TickCache>,
}

/// What [`Ec2::account`] would otherwise look up for an instance every
/// tick: the rate model of its type in the region (checked against both
/// each tick, so a changed type gets a new model), and where its ledger
/// entry and its `CPUUtilization` series were last found.
#[derive(Clone, Debug, Default)]
struct TickCache {
    /// Instance type, region, and the model (none for a type the catalogue
    /// does not know: such an instance accrues nothing).
    rate: Option<(String, String, Option<RateModel>)>,
    ledger: EntryHint,
    cpu_series: SeriesHint,
}

/// Which instances a tick still has work for: positions in
/// [`Ec2::instances`], ascending. Every instance is, except a terminated
/// one whose tick fields are at rest ([`Instance::at_rest`]): EC2 never
/// brings a terminated instance back, so every later tick would leave it
/// as it is. With Auto Scaling replacing instances all day, terminated
/// ones soon outnumber the rest.
#[derive(Clone, Debug, Default)]
struct Ticking {
    positions: Vec<usize>,
    /// How many instances there were when `positions` was last brought up
    /// to date; instances are only ever appended.
    known: usize,
}

impl Instance {
    /// Whether ticks have nothing left to do for this instance: it is
    /// terminated, and shows no load, no busy worker and no rate.
    fn at_rest(&self) -> bool {
        self.state == InstanceState::Terminated
            && self.cpu_utilization == 0.0
            && self
                .worker
                .as_ref()
                .is_none_or(|w| w.busy == 0.0 && w.rate == Rate::default())
    }

    /// The value of tag `key`, if set.
    pub fn tag(&self, key: &str) -> Option<&str> {
        self.tags.get(key).map(String::as_str)
    }

    /// Whether the instance passes one `DescribeInstances` filter.
    /// Unknown filter names are rejected before this is called.
    fn passes(&self, filter: &Filter, architecture: Architecture) -> bool {
        let values = &filter.values;
        match filter.name.as_str() {
            "instance-id" => filter_matches(values, &self.instance_id),
            "instance-type" => filter_matches(values, &self.instance_type),
            "instance-state-name" => filter_matches(values, self.state.name()),
            "instance-state-code" => filter_matches(values, &self.state.code().to_string()),
            "image-id" => filter_matches(values, &self.image_id),
            "architecture" => filter_matches(values, architecture.as_str()),
            "availability-zone" => filter_matches(values, &self.availability_zone),
            "private-ip-address" => filter_matches(values, &self.private_ip_address),
            "tag-key" => self.tags.keys().any(|k| filter_matches(values, k)),
            "tag-value" => self.tags.values().any(|v| filter_matches(values, v)),
            name => match name.strip_prefix("tag:") {
                Some(key) => self.tag(key).is_some_and(|v| filter_matches(values, v)),
                None => false,
            },
        }
    }
}

/// Filter names `DescribeInstances` accepts here.
pub const INSTANCE_FILTERS: &[&str] = &[
    "architecture",
    "availability-zone",
    "image-id",
    "instance-id",
    "instance-state-code",
    "instance-state-name",
    "instance-type",
    "private-ip-address",
    "tag-key",
    "tag-value",
    "tag:<key>",
];

/// The EC2 service of one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Ec2 {
    /// The account that owns every resource, as in `OwnerId`.
    pub owner_id: String,
    pub images: Vec<Image>,
    pub instances: Vec<Instance>,
    /// Launch templates; left out of the serialized state while empty.
    #[serde(skip_serializing_if = "LaunchTemplates::is_empty")]
    pub launch_templates: LaunchTemplates,
    #[serde(skip)]
    ticking: Cache<Ticking>,
}

/// What a new instance needs; the world fills ids and addresses.
#[derive(Clone, Debug, PartialEq)]
pub struct LaunchSpec {
    pub instance_id: Option<String>,
    pub instance_type: String,
    pub image_id: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub workload: Workload,
    /// A queue consumer the instance runs from boot; none by default.
    pub consumer: Option<Consumer>,
    pub state: InstanceState,
    pub launch_time: i64,
    pub availability_zone: String,
}

impl Ec2 {
    /// A region with the Amazon Linux 2023 images for both architectures.
    pub fn new(owner_id: &str) -> Self {
        let image = |id: &str, arch: Architecture, suffix: &str| Image {
            image_id: id.to_string(),
            name: format!("al2023-ami-2023.6.20260115.0-kernel-6.1-{suffix}"),
            architecture: arch,
        };
        Ec2 {
            owner_id: owner_id.to_string(),
            images: vec![
                image("ami-0c1f5b3a7d2e94a10", Architecture::X86_64, "x86_64"),
                image("ami-07d9e1a6b5c38f2e4", Architecture::Arm64, "arm64"),
            ],
            instances: Vec::new(),
            launch_templates: LaunchTemplates::default(),
            ticking: Cache::default(),
        }
    }

    /// The default Amazon Linux image for an architecture.
    pub fn default_image(&self, arch: Architecture) -> Option<&Image> {
        self.images.iter().find(|i| i.architecture == arch)
    }

    /// Adds an instance as the quest's starting world describes it.
    /// Fails with EC2's error if the type is unknown or the image's
    /// architecture does not match the type's.
    pub fn launch(&mut self, env: &mut Env, spec: LaunchSpec) -> Result<&Instance, AwsError> {
        let image_id = self.check_launch(&spec.instance_type, spec.image_id.as_deref())?;

        let instance_id = match spec.instance_id {
            Some(id) => id,
            None => format!("i-{}", env.hex_id(17)),
        };
        if self.instances.iter().any(|i| i.instance_id == instance_id) {
            return Err(AwsError::new(
                "InvalidInstanceID.Duplicate",
                format!("The instance ID '{instance_id}' already exists"),
            ));
        }
        let n = self.instances.len();
        let worker = spec.consumer.map(|c| Worker::new(c, &spec.instance_type));
        let instance = Instance {
            instance_id,
            instance_type: spec.instance_type,
            image_id,
            state: spec.state,
            state_since: env.now() as i64,
            state_transition_reason: String::new(),
            launch_time: spec.launch_time,
            private_ip_address: format!("10.0.{}.{}", 1 + n / 200, 10 + n % 200),
            availability_zone: spec.availability_zone,
            subnet_id: "subnet-0a1b2c3d4e5f67890".to_string(),
            vpc_id: "vpc-0123456789abcdef0".to_string(),
            reservation_id: format!("r-{}", env.hex_id(17)),
            tags: spec.tags,
            workload: spec.workload,
            worker,
            user_data: None,
            cpu_utilization: 0.0,
            tick_cache: Cache::default(),
        };
        self.instances.push(instance);
        Ok(&self.instances[n])
    }

    /// Checks that an instance of `instance_type` can boot `image_id` (the
    /// architecture's default image when `None`), as EC2 checks at launch.
    /// Returns the image id; fails with EC2's error for an unknown type or
    /// AMI, or an AMI of another architecture than the type's.
    pub fn check_launch(
        &self,
        instance_type: &str,
        image_id: Option<&str>,
    ) -> Result<String, AwsError> {
        let ty = catalogue().instance_type(instance_type).ok_or_else(|| {
            AwsError::new(
                "InvalidParameterValue",
                format!("Invalid value '{instance_type}' for InstanceType."),
            )
        })?;
        let image = match image_id {
            Some(id) => self.images.iter().find(|i| i.image_id == id).ok_or_else(|| {
                let message = format!("The image id '[{id}]' does not exist");
                AwsError::new("InvalidAMIID.NotFound", message)
            })?,
            None => self.default_image(ty.architecture).ok_or_else(|| {
                AwsError::new("InvalidAMIID.NotFound", "No default image for this architecture")
            })?,
        };
        if image.architecture != ty.architecture {
            return Err(AwsError::new(
                "InvalidParameterValue",
                format!(
                    "The architecture '{}' of the specified instance type does not match the \
                     architecture '{}' of the specified AMI. Specify an instance type and an AMI \
                     that have matching architectures, and try again.",
                    ty.architecture.as_str(),
                    image.architecture.as_str()
                ),
            ));
        }
        Ok(image.image_id.clone())
    }

    /// Instances matching every filter and, if given, the listed ids.
    /// Fails like EC2 for an unknown filter name or an unknown id.
    pub fn describe_instances(
        &self,
        now: u64,
        ids: &[String],
        filters: &[Filter],
    ) -> Result<Vec<&Instance>, AwsError> {
        for filter in filters {
            let known = INSTANCE_FILTERS.contains(&filter.name.as_str()) || filter.name.starts_with("tag:");
            if !known {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!("The filter '{}' is invalid", filter.name),
                ));
            }
        }
        self.check_ids(ids)?;
        Ok(self
            .visible(now)
            .filter(|i| ids.is_empty() || ids.contains(&i.instance_id))
            .filter(|i| {
                let arch = arch_of(&i.instance_type);
                filters.iter().all(|f| i.passes(f, arch))
            })
            .collect())
    }

    /// Starts stopped instances. Returns (id, previous, current) states.
    pub fn start_instances(&mut self, env: &mut Env, ids: &[String]) -> Result<Vec<StateChange>, AwsError> {
        self.check_ids(ids)?;
        for id in ids {
            let instance = self.find(id)?;
            if matches!(instance.state, InstanceState::ShuttingDown | InstanceState::Terminated) {
                return Err(incorrect_state(id, "started"));
            }
        }
        Ok(self.change_states(env, ids, |state| match state {
            InstanceState::Stopped => Some((InstanceState::Pending, "User initiated")),
            _ => None,
        }))
    }

    /// Stops running instances.
    pub fn stop_instances(&mut self, env: &mut Env, ids: &[String]) -> Result<Vec<StateChange>, AwsError> {
        self.check_ids(ids)?;
        for id in ids {
            let instance = self.find(id)?;
            if matches!(instance.state, InstanceState::ShuttingDown | InstanceState::Terminated) {
                return Err(incorrect_state(id, "stopped"));
            }
        }
        Ok(self.change_states(env, ids, |state| match state {
            InstanceState::Pending | InstanceState::Running => {
                Some((InstanceState::Stopping, "User initiated"))
            }
            _ => None,
        }))
    }

    /// Terminates instances in any state but terminated.
    pub fn terminate_instances(&mut self, env: &mut Env, ids: &[String]) -> Result<Vec<StateChange>, AwsError> {
        self.check_ids(ids)?;
        Ok(self.change_states(env, ids, |state| match state {
            InstanceState::ShuttingDown | InstanceState::Terminated => None,
            _ => Some((InstanceState::ShuttingDown, "User initiated")),
        }))
    }

    /// How many instances are in the `running` state.
    pub fn running_count(&self) -> usize {
        self.instances.iter().filter(|i| i.state == InstanceState::Running).count()
    }

    /// The instances a tick still has work for, in order: all but the
    /// terminated ones at rest (see [`Ticking`]).
    pub fn ticking(&self) -> impl Iterator<Item = &Instance> {
        self.ticking.0.positions.iter().filter_map(|&at| self.instances.get(at))
    }

    /// Calls `f` on each instance a tick still has work for, in order.
    pub fn for_each_ticking(&mut self, mut f: impl FnMut(&mut Instance)) {
        for &at in &self.ticking.0.positions {
            if let Some(instance) = self.instances.get_mut(at) {
                f(instance);
            }
        }
    }

    /// Adds instances launched since the last tick to the ticking ones.
    fn track_new_instances(&mut self) {
        let ticking = &mut self.ticking.0;
        let count = self.instances.len();
        if count < ticking.known {
            // Not done by EC2; start again from every instance.
            ticking.positions = (0..count).collect();
        } else {
            ticking.positions.extend(ticking.known..count);
        }
        ticking.known = count;
    }

    /// Drops the instances at rest from the ticking ones. Debug builds
    /// (and so the tests) check that no instance left out has stirred.
    fn forget_instances_at_rest(&mut self) {
        let instances = &self.instances;
        self.ticking.0.positions.retain(|&at| instances.get(at).is_some_and(|i| !i.at_rest()));
        if cfg!(debug_assertions) {
            let ticking = &self.ticking.0.positions;
            let stirred = (0..instances.len())
                .filter(|at| ticking.binary_search(at).is_err())
                .find(|&at| !instances[at].at_rest());
            debug_assert!(stirred.is_none(), "instance {stirred:?} left out of ticks has changed");
        }
    }

    /// Moves instances through their timed transitions (boot, stop,
    /// termination). The first EC2 step of a tick.
    pub fn advance_states(&mut self, env: &mut Env) {
        self.track_new_instances();
        let now = env.now() as i64;
        for &at in &self.ticking.0.positions {
            let Some(instance) = self.instances.get_mut(at) else {
                continue;
            };
            let elapsed = (now - instance.state_since).max(0) as u64;
            let next = match instance.state {
                InstanceState::Pending if elapsed >= BOOT_SECONDS => Some(InstanceState::Running),
                InstanceState::Stopping if elapsed >= STOP_SECONDS => Some(InstanceState::Stopped),
                InstanceState::ShuttingDown if elapsed >= TERMINATE_SECONDS => {
                    Some(InstanceState::Terminated)
                }
                _ => None,
            };
            if let Some(state) = next {
                env.events.push(
                    env.clock.now(),
                    "EC2",
                    format!("Instance {} is now {}", instance.instance_id, state.name()),
                );
                if state != InstanceState::Running {
                    let when = format_iso8601(env.unix_now()).replace("+00:00", "");
                    let when = when.replacen('T', " ", 1);
                    instance.state_transition_reason = format!("User initiated ({when} GMT)");
                }
                instance.state = state;
                instance.state_since = now;
            }
        }
    }

    /// Sets each instance's `CPUUtilization` for this tick from its
    /// workload and its consumer's busy fraction, accrues cost and carbon,
    /// and publishes the metric. The last EC2 step of a tick.
    pub fn account(&mut self, env: &mut Env) {
        for &at in &self.ticking.0.positions {
            if let Some(instance) = self.instances.get_mut(at) {
                account_instance(instance, env);
            }
        }
        self.forget_instances_at_rest();
    }

    /// Instances as `DescribeInstances` sees them at `now`: terminated ones
    /// drop out an hour after terminating, though the world keeps them so
    /// that objectives can still tell what happened to them.
    pub fn visible(&self, now: u64) -> impl Iterator<Item = &Instance> {
        let cutoff = now as i64 - TERMINATED_VISIBLE_SECONDS as i64;
        self.instances.iter().filter(move |i| i.state != InstanceState::Terminated || i.state_since > cutoff)
    }

    fn find(&self, id: &str) -> Result<&Instance, AwsError> {
        self.instances.iter().find(|i| i.instance_id == id).ok_or_else(|| not_found(&[id]))
    }

    /// Fails like EC2 if any id is malformed or unknown, naming all of them.
    fn check_ids(&self, ids: &[String]) -> Result<(), AwsError> {
        if let Some(bad) = ids.iter().find(|id| !is_instance_id(id)) {
            return Err(AwsError::new("InvalidInstanceID.Malformed", format!("Invalid id: \"{bad}\"")));
        }
        let missing: Vec<&str> = ids
            .iter()
            .filter(|id| !self.instances.iter().any(|i| &i.instance_id == *id))
            .map(String::as_str)
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            Err(not_found(&missing))
        }
    }

    fn change_states(
        &mut self,
        env: &mut Env,
        ids: &[String],
        transition: impl Fn(InstanceState) -> Option<(InstanceState, &'static str)>,
    ) -> Vec<StateChange> {
        let now = env.now() as i64;
        let mut changes = Vec::new();
        for id in ids {
            let Some(instance) = self.instances.iter_mut().find(|i| &i.instance_id == id) else {
                continue;
            };
            let previous = instance.state;
            if let Some((state, _reason)) = transition(previous) {
                instance.state = state;
                instance.state_since = now;
                env.events.push(env.clock.now(), "EC2", format!("Instance {id} is {}", state.name()));
            }
            changes.push(StateChange { instance_id: id.clone(), previous, current: instance.state });
        }
        changes
    }
}

/// One instance's tick of [`Ec2::account`].
fn account_instance(instance: &mut Instance, env: &mut Env) {
    instance.cpu_utilization = match instance.state {
        InstanceState::Running => {
            let noise = (env.rng.random::<f64>() * 2.0 - 1.0) * instance.workload.jitter;
            let base = (instance.workload.base + noise).clamp(0.0, 100.0);
            let busy = instance.worker.as_ref().map_or(0.0, |w| w.busy.clamp(0.0, 1.0));
            base + (100.0 - base) * busy
        }
        _ => 0.0,
    };
    let cache = &mut instance.tick_cache.0;
    let mut rate = Rate::default();
    if instance.state.is_billed() {
        let fresh = matches!(&cache.rate, Some((ty, region, _))
            if *ty == instance.instance_type && *region == env.region);
        if !fresh {
            let model = catalogue()
                .instance_type(&instance.instance_type)
                .map(|ty| RateModel::new(ty, &env.region));
            cache.rate = Some((instance.instance_type.clone(), env.region.clone(), model));
        }
        if let Some((_, _, Some(model))) = &cache.rate {
            rate = model.rate_at(instance.cpu_utilization / 100.0);
            let (id, kind) = (&instance.instance_id, &instance.instance_type);
            env.ledger.accrue_hinted(&mut cache.ledger, id, kind, rate);
        }
    }
    if let Some(worker) = &mut instance.worker {
        worker.rate = rate;
    }
    if instance.state == InstanceState::Running {
        let dims = [("InstanceId", instance.instance_id.as_str())];
        let (cpu, now) = (instance.cpu_utilization, env.clock.now());
        let hint = &mut cache.cpu_series;
        env.metrics.put_hinted(hint, "AWS/EC2", "CPUUtilization", &dims, "Percent", now, cpu);
    }
}

/// One instance's move from one state to another, as the start, stop and
/// terminate operations report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateChange {
    pub instance_id: String,
    pub previous: InstanceState,
    pub current: InstanceState,
}

impl StateChange {
    /// AWS's JSON for one entry of `StartingInstances` and its siblings.
    pub fn to_json(&self) -> Value {
        json!({
            "CurrentState": state_json(self.current),
            "InstanceId": self.instance_id,
            "PreviousState": state_json(self.previous),
        })
    }
}

fn state_json(state: InstanceState) -> Value {
    json!({ "Code": state.code(), "Name": state.name() })
}

/// Whether `id` has the shape of an instance id: `i-` and 8 or 17 hex digits.
pub fn is_instance_id(id: &str) -> bool {
    id.strip_prefix("i-").is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn arch_of(instance_type: &str) -> Architecture {
    catalogue().instance_type(instance_type).map_or(Architecture::X86_64, |t| t.architecture)
}

fn not_found(ids: &[&str]) -> AwsError {
    let quoted: Vec<String> = ids.iter().map(|id| format!("'{id}'")).collect();
    let message = match quoted.as_slice() {
        [one] => format!("The instance ID {one} does not exist"),
        many => format!("The instance IDs {} do not exist", many.join(", ")),
    };
    AwsError::new("InvalidInstanceID.NotFound", message)
}

fn incorrect_state(id: &str, action: &str) -> AwsError {
    AwsError::new(
        "IncorrectInstanceState",
        format!("The instance '{id}' is not in a state from which it can be {action}."),
    )
}

/// AWS's JSON for a reservation of instances, as `DescribeInstances`
/// returns it.
pub fn reservations_json(ec2: &Ec2, instances: &[&Instance]) -> Value {
    let mut reservations: Vec<(String, Vec<Value>)> = Vec::new();
    for instance in instances {
        let entry = instance_json(instance);
        match reservations.iter_mut().find(|(id, _)| *id == instance.reservation_id) {
            Some((_, list)) => list.push(entry),
            None => reservations.push((instance.reservation_id.clone(), vec![entry])),
        }
    }
    let reservations: Vec<Value> = reservations
        .into_iter()
        .map(|(id, list)| {
            json!({ "Groups": [], "Instances": list, "OwnerId": ec2.owner_id, "ReservationId": id })
        })
        .collect();
    json!({ "Reservations": reservations })
}

fn instance_json(instance: &Instance) -> Value {
    let ty = catalogue().instance_type(&instance.instance_type);
    let vcpu = ty.map_or(2, |t| t.vcpu);
    let arch = arch_of(&instance.instance_type);
    let threads = if arch == Architecture::Arm64 { 1 } else { 2 };
    let running = instance.state == InstanceState::Running;
    let dns = format!("ip-{}.ec2.internal", instance.private_ip_address.replace('.', "-"));
    let tags: Vec<Value> =
        instance.tags.iter().map(|(k, v)| json!({ "Key": k, "Value": v })).collect();
    json!({
        "AmiLaunchIndex": 0,
        "ImageId": instance.image_id,
        "InstanceId": instance.instance_id,
        "InstanceType": instance.instance_type,
        "LaunchTime": format_iso8601(instance.launch_time),
        "Monitoring": { "State": "enabled" },
        "Placement": {
            "AvailabilityZone": instance.availability_zone,
            "GroupName": "",
            "Tenancy": "default"
        },
        "PrivateDnsName": if instance.state == InstanceState::Terminated { String::new() } else { dns },
        "PrivateIpAddress": instance.private_ip_address,
        "ProductCodes": [],
        "PublicDnsName": "",
        "State": state_json(instance.state),
        "StateTransitionReason": if running { "" } else { instance.state_transition_reason.as_str() },
        "SubnetId": instance.subnet_id,
        "VpcId": instance.vpc_id,
        "Architecture": arch.as_str(),
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "Tags": tags,
        "VirtualizationType": "hvm",
        "CpuOptions": { "CoreCount": (vcpu / threads).max(1), "ThreadsPerCore": threads },
        "PlatformDetails": "Linux/UNIX",
    })
}
