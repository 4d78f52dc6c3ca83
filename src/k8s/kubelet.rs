//! The kubelet: what happens to a pod once it is bound to a node.
//!
//! Each container pulls its image for the node's platform, is created and
//! started, and then either runs or exits. An image built for another CPU
//! starts and exits at once with `exec <entrypoint>: exec format error` in
//! its log (exit code 255); the kubelet restarts it after a back-off of
//! 10 s doubling to 5 minutes, and the pod shows CrashLoopBackOff. A pull
//! that fails (no such tag, no platform in a manifest list) shows
//! ErrImagePull, then ImagePullBackOff, and is retried with the same
//! back-off. A readiness probe passes only if it probes the port the
//! image listens on; without a probe a running container is ready. Every
//! restart policy behaves as `Always`; liveness and startup probes are
//! accepted and not run.

use serde::Serialize;

use super::api::{
    Condition, ContainerState, ContainerStateRunning, ContainerStateTerminated, ContainerStateWaiting,
    ContainerStatus, IntOrString, Pod,
};
use super::registry::{canonical, Pull, Registry};
use super::values::timestamp;
use super::{pod_reference, Cluster};
use crate::world::{fnv1a, Env};

/// Longest back-off between restarts or pulls, in seconds.
pub const MAX_BACKOFF: u64 = 300;
/// First back-off, in seconds.
pub const FIRST_BACKOFF: u64 = 10;
/// Lines of log kept per container run.
const MAX_LOG_LINES: usize = 200;

/// Where a container is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Stage {
    /// The pod is not on a node yet.
    Unbound,
    /// The image is being pulled (ContainerCreating).
    Pulling,
    /// The pull failed (ErrImagePull), waiting to retry (ImagePullBackOff).
    PullBackOff,
    Running,
    /// Exited, waiting to be restarted (CrashLoopBackOff).
    CrashBackOff,
}

/// The kubelet's record of one container.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ContainerRun {
    pub stage: Stage,
    /// When the current stage ends or the next probe runs.
    pub at: Option<u64>,
    pub restarts: i32,
    pub backoff: u64,
    /// The failed pull's message, while in PullBackOff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_error: Option<String>,
    /// Pull failures so far; the first shows ErrImagePull.
    pub pull_failures: u32,
    /// Whether the image's binaries run on this node's CPU.
    pub runs: bool,
    /// The port the image listens on.
    pub listens: Option<i32>,
    pub ready: bool,
    /// Unix seconds the current run started.
    pub started_at: Option<i64>,
    pub image_id: String,
    pub logs: Vec<String>,
    pub previous_logs: Vec<String>,
    /// The last run's end, for `lastState`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_exit: Option<ContainerStateTerminated>,
}

impl ContainerRun {
    fn new() -> Self {
        ContainerRun {
            stage: Stage::Unbound,
            at: None,
            restarts: 0,
            backoff: 0,
            pull_error: None,
            pull_failures: 0,
            runs: false,
            listens: None,
            ready: false,
            started_at: None,
            image_id: String::new(),
            logs: Vec::new(),
            previous_logs: Vec::new(),
            last_exit: None,
        }
    }
}

/// The kubelet's record of a pod.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodRun {
    pub containers: Vec<ContainerRun>,
    /// When the scheduler next tries an unschedulable pod.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_at: Option<u64>,
    /// When a deleted pod is gone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<u64>,
    /// The simulated second it was created, for ordering.
    pub created: u64,
}

impl PodRun {
    pub fn new(containers: usize, now: u64) -> Self {
        PodRun { containers: (0..containers).map(|_| ContainerRun::new()).collect(), schedule_at: None, deleted_at: None, created: now }
    }

    /// The earliest second something is due for this pod.
    pub fn next_at(&self) -> Option<u64> {
        let containers = self.containers.iter().filter_map(|c| c.at);
        containers.chain(self.schedule_at).chain(self.deleted_at).min()
    }

    /// Whether every container is ready.
    pub fn ready(&self) -> bool {
        !self.containers.is_empty() && self.containers.iter().all(|c| c.ready)
    }
}

/// Runs the kubelet of every node over the pods due now.
pub(crate) fn run(cluster: &mut Cluster, env: &mut Env, registry: &Registry) {
    let now = env.now();
    let gone: Vec<String> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.run.deleted_at.is_some_and(|t| t <= now))
        .map(|(k, _)| k.clone())
        .collect();
    for key in gone {
        cluster.pods.remove(&key);
        cluster.dirty = true;
    }
    let due: Vec<String> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.pod.spec.node_name.is_some() && p.run.deleted_at.is_none())
        .filter(|(_, p)| p.run.containers.iter().any(|c| c.stage == Stage::Unbound || c.at.is_some_and(|t| t <= now)))
        .map(|(k, _)| k.clone())
        .collect();
    for key in due {
        step_pod(cluster, env, registry, &key);
    }
}

/// Moves every due container of one pod along, then refreshes its status.
fn step_pod(cluster: &mut Cluster, env: &mut Env, registry: &Registry, key: &str) {
    let now = env.now();
    let Some(entry) = cluster.pods.get(key) else { return };
    let pod = entry.pod.clone();
    let node_name = pod.spec.node_name.clone().unwrap_or_default();
    let Some(node) = cluster.nodes.get(&node_name) else { return };
    let arch = node.arch.clone();
    let reference = pod_reference(&pod);
    let mut notes: Vec<(bool, &'static str, String)> = Vec::new();
    let mut pulled_images: Vec<String> = Vec::new();
    let mut runs = entry.run.containers.clone();
    let node_images = node.images.clone();
    for (container, run) in pod.spec.containers.iter().zip(runs.iter_mut()) {
        let due = run.stage == Stage::Unbound || run.at.is_some_and(|t| t <= now);
        if !due {
            continue;
        }
        let image = &container.image;
        match run.stage {
            Stage::Unbound | Stage::PullBackOff | Stage::CrashBackOff => {
                if run.stage == Stage::PullBackOff {
                    notes.push((false, "Pulling", format!("Pulling image \"{image}\"")));
                } else {
                    let cached = node_images.contains(image) || pulled_images.contains(image);
                    let policy = container.image_pull_policy.as_deref().unwrap_or("IfNotPresent");
                    if cached && policy != "Always" {
                        notes.push((false, "Pulled", format!("Container image \"{image}\" already present on machine")));
                        start(run, container, &pod, env, &mut notes, registry, &arch);
                        continue;
                    }
                    notes.push((false, "Pulling", format!("Pulling image \"{image}\"")));
                }
                match registry.pull(image, &arch) {
                    Pull::Pulled { image: found, .. } => {
                        let seconds = pull_seconds(u64::from(found.size_mb));
                        run.stage = Stage::Pulling;
                        run.at = Some(now + seconds);
                        run.pull_error = None;
                    }
                    Pull::NotFound(why) | Pull::NoPlatform(why) => {
                        let code = if why.contains("not found") && !why.contains("platform") { "NotFound" } else { "Unknown" };
                        let message = format!("Failed to pull image \"{image}\": rpc error: code = {code} desc = {why}");
                        notes.push((true, "Failed", message));
                        notes.push((true, "Failed", "Error: ErrImagePull".into()));
                        run.pull_failures += 1;
                        run.pull_error = Some(why);
                        run.stage = Stage::PullBackOff;
                        run.backoff = next_backoff(run.backoff);
                        run.at = Some(now + run.backoff);
                    }
                }
            }
            Stage::Pulling => {
                let size_mb = registry.find(image).map_or(0, |i| u64::from(i.size_mb));
                let (seconds, size) = (pull_seconds(size_mb), size_mb * 1_048_576);
                notes.push((
                    false,
                    "Pulled",
                    format!("Successfully pulled image \"{image}\" in {seconds}s ({seconds}s including waiting). Image size: {size} bytes."),
                ));
                pulled_images.push(image.clone());
                start(run, container, &pod, env, &mut notes, registry, &arch);
            }
            Stage::Running if !run.runs => {
                let finished = timestamp(env.unix_now());
                run.last_exit = Some(ContainerStateTerminated {
                    exit_code: 255,
                    reason: Some("Error".into()),
                    started_at: run.started_at.map(timestamp),
                    finished_at: Some(finished),
                    container_id: Some(container_id(&pod, &container.name, run.restarts)),
                    ..ContainerStateTerminated::default()
                });
                run.previous_logs = std::mem::take(&mut run.logs);
                run.restarts += 1;
                run.ready = false;
                run.stage = Stage::CrashBackOff;
                run.backoff = next_backoff(run.backoff);
                run.at = Some(now + run.backoff);
                notes.push((
                    true,
                    "BackOff",
                    format!(
                        "Back-off restarting failed container {} in pod {}_{}({})",
                        container.name, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid
                    ),
                ));
                if run.restarts == 1 {
                    let message = format!(
                        "Pod {}/{} on {node_name} ({arch}): container {} exits with exec format error",
                        pod.metadata.namespace, pod.metadata.name, container.name
                    );
                    env.events.push(now, "EKS", message);
                }
            }
            Stage::Running => {
                // A readiness probe that keeps failing.
                let period = container.readiness_probe.as_ref().and_then(|p| p.period_seconds).unwrap_or(10).max(1) as u64;
                if let Some(port) = probe_port(container) {
                    if run.listens != Some(port) {
                        let ip = pod.status.pod_ip.clone().unwrap_or_default();
                        let message = match container.readiness_probe.as_ref().and_then(|p| p.http_get.as_ref()) {
                            Some(get) => format!(
                                "Readiness probe failed: Get \"http://{ip}:{port}{}\": dial tcp {ip}:{port}: connect: connection refused",
                                get.path.as_deref().unwrap_or("/")
                            ),
                            None => format!("Readiness probe failed: dial tcp {ip}:{port}: connect: connection refused"),
                        };
                        notes.push((true, "Unhealthy", message));
                        run.at = Some(now + period);
                        continue;
                    }
                }
                run.ready = true;
                run.at = None;
            }
        }
    }
    for (warning, reason, message) in notes {
        cluster.record(env, reference.clone(), warning, reason, message, "kubelet", &node_name);
    }
    if let Some(node) = cluster.nodes.get_mut(&node_name) {
        for image in pulled_images {
            if !node.images.contains(&image) {
                node.images.push(image);
            }
        }
    }
    if let Some(entry) = cluster.pods.get_mut(key) {
        entry.run.containers = runs;
        refresh_status(&mut entry.pod, &entry.run, env);
    }
    cluster.dirty = true;
}

/// Creates and starts a container whose image is on the node.
fn start(
    run: &mut ContainerRun,
    container: &super::api::Container,
    pod: &Pod,
    env: &Env,
    notes: &mut Vec<(bool, &'static str, String)>,
    registry: &Registry,
    arch: &str,
) {
    let now = env.now();
    let (image, digest, runs) = match registry.pull(&container.image, arch) {
        Pull::Pulled { image, digest, runs } => (Some(image), digest, runs),
        _ => (None, String::new(), false),
    };
    notes.push((false, "Created", format!("Created container {}", container.name)));
    notes.push((false, "Started", format!("Started container {}", container.name)));
    run.stage = Stage::Running;
    run.runs = runs;
    run.listens = image.as_ref().and_then(|i| i.port);
    run.started_at = Some(env.unix_now());
    run.image_id = format!("{}@{digest}", canonical(&container.image).rsplit_once(':').map_or("", |(r, _)| r));
    run.pull_error = None;
    let entrypoint = image.as_ref().map_or("/usr/local/bin/app".to_string(), |i| i.entrypoint.clone());
    run.logs = if runs {
        match run.listens {
            Some(port) => vec![format!("{} started on {arch}, listening on port {port}", pod.metadata.name)],
            None => vec![format!("{} started on {arch}", pod.metadata.name)],
        }
    } else {
        vec![format!("exec {entrypoint}: exec format error")]
    };
    run.logs.truncate(MAX_LOG_LINES);
    if !runs {
        run.at = Some(now + 1);
        return;
    }
    let delay = container.readiness_probe.as_ref().and_then(|p| p.initial_delay_seconds).unwrap_or(0).max(0) as u64;
    run.ready = false;
    run.at = Some(now + delay.max(1));
    if container.readiness_probe.is_none() {
        run.ready = true;
        run.at = None;
    }
}

/// The port a container's readiness probe connects to, a named port
/// looked up among the container's ports.
fn probe_port(container: &super::api::Container) -> Option<i32> {
    match container.readiness_probe.as_ref()?.port()? {
        IntOrString::Int(port) => Some(*port),
        IntOrString::String(name) => {
            container.ports.iter().find(|p| p.name.as_deref() == Some(name)).map(|p| p.container_port)
        }
    }
}

/// Seconds to pull an image of `size_mb` megabytes: about 40 MB/s.
fn pull_seconds(size_mb: u64) -> u64 {
    1 + size_mb / 40
}

fn next_backoff(current: u64) -> u64 {
    if current == 0 {
        FIRST_BACKOFF
    } else {
        (current * 2).min(MAX_BACKOFF)
    }
}

/// `containerd://` and 64 hex digits, fixed by pod, container and run.
fn container_id(pod: &Pod, container: &str, restarts: i32) -> String {
    let seed = format!("{}/{container}/{restarts}", pod.metadata.uid);
    let hex: String = (0..4u8).map(|i| format!("{:016x}", fnv1a(format!("{seed}#{i}").as_bytes()))).collect();
    format!("containerd://{hex}")
}

/// Sets a bound pod's phase, conditions and container statuses from what
/// the kubelet knows.
pub(crate) fn refresh_status(pod: &mut Pod, run: &PodRun, env: &Env) {
    let now = timestamp(env.unix_now());
    let mut statuses = Vec::new();
    let mut started_any = false;
    for (container, c) in pod.spec.containers.iter().zip(&run.containers) {
        let waiting = |reason: &str, message: Option<String>| ContainerState {
            waiting: Some(ContainerStateWaiting { reason: Some(reason.into()), message }),
            ..ContainerState::default()
        };
        let state = match c.stage {
            Stage::Unbound | Stage::Pulling => waiting("ContainerCreating", None),
            Stage::PullBackOff if c.pull_failures <= 1 && c.at.is_some() && c.backoff == FIRST_BACKOFF => {
                waiting("ErrImagePull", c.pull_error.clone().map(|e| format!("rpc error: code = NotFound desc = {e}")))
            }
            Stage::PullBackOff => waiting("ImagePullBackOff", Some(format!("Back-off pulling image \"{}\"", container.image))),
            Stage::Running => {
                started_any = true;
                ContainerState {
                    running: Some(ContainerStateRunning { started_at: c.started_at.map(timestamp) }),
                    ..ContainerState::default()
                }
            }
            Stage::CrashBackOff => {
                started_any = true;
                waiting(
                    "CrashLoopBackOff",
                    Some(format!(
                        "back-off {}s restarting failed container={} pod={}_{}({})",
                        c.backoff, container.name, pod.metadata.name, pod.metadata.namespace, pod.metadata.uid
                    )),
                )
            }
        };
        let last_state = ContainerState { terminated: c.last_exit.clone(), ..ContainerState::default() };
        let created = matches!(c.stage, Stage::Running | Stage::CrashBackOff);
        statuses.push(ContainerStatus {
            name: container.name.clone(),
            state,
            last_state,
            ready: c.ready,
            restart_count: c.restarts,
            image: container.image.clone(),
            image_id: c.image_id.clone(),
            container_id: created.then(|| container_id(pod, &container.name, c.restarts)),
            started: Some(c.stage == Stage::Running),
        });
    }
    pod.status.container_statuses = statuses;
    pod.status.phase = if started_any { "Running" } else { "Pending" }.into();
    let ready = if run.ready() { "True" } else { "False" };
    set_condition(&mut pod.status.conditions, "Initialized", "True", None, &now);
    set_condition(&mut pod.status.conditions, "Ready", ready, None, &now);
    set_condition(&mut pod.status.conditions, "ContainersReady", ready, None, &now);
    set_condition(&mut pod.status.conditions, "PodScheduled", "True", None, &now);
}

/// Sets a condition, keeping its transition time unless its status
/// changes.
pub(crate) fn set_condition(conditions: &mut Vec<Condition>, type_: &str, status: &str, reason_message: Option<(&str, String)>, now: &str) {
    let (reason, message) = match reason_message {
        Some((r, m)) => (Some(r.to_string()), Some(m)),
        None => (None, None),
    };
    if let Some(c) = conditions.iter_mut().find(|c| c.type_ == type_) {
        if c.status != status {
            c.last_transition_time = Some(now.to_string());
        }
        c.status = status.to_string();
        c.reason = reason;
        c.message = message;
        return;
    }
    conditions.push(Condition {
        type_: type_.into(),
        status: status.into(),
        last_probe_time: None,
        last_transition_time: Some(now.to_string()),
        reason,
        message,
        ..Condition::default()
    });
    let order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
    conditions.sort_by_key(|c| order.iter().position(|o| *o == c.type_).unwrap_or(order.len()));
}
