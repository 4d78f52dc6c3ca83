//! The scheduler: binds each pending pod to a node that can run it.
//!
//! Filters run in the default profile's order and the first that fails
//! gives a node's reason: unschedulable (cordoned) nodes, untolerated
//! `NoSchedule`/`NoExecute` taints (a NotReady node carries
//! `node.kubernetes.io/not-ready`), `nodeSelector` and required node
//! affinity, then resources: the pod limit of the instance type and the
//! CPU and memory requests against allocatable. Among the nodes that pass,
//! the least allocated wins (requests of 100m CPU and 200Mi memory count
//! for a container without them, as in the scheduler's scoring); ties are
//! drawn from the world's generator. A pod no node can take stays Pending
//! with a `FailedScheduling` event worded as the real one, and is retried
//! every 10 seconds. We do not model preemption, preferred affinity, pod
//! (anti-)affinity or topology spread.

use std::collections::BTreeMap;

use rand::RngExt;

use super::api::{Container, NodeSelectorRequirement, Pod, Taint, Toleration};
use super::kubelet::set_condition;
use super::values::{cpu_millis, map_matches, memory_bytes, timestamp};
use super::{max_pods, pod_reference, Cluster, NodeEntry};
use crate::world::Env;

/// Seconds between attempts for a pod no node can take.
pub const RETRY_SECONDS: u64 = 10;

/// A container's CPU request in millicores (0 without one).
pub fn cpu_request(container: &Container) -> u64 {
    request(container, "cpu").and_then(|q| cpu_millis(&q)).unwrap_or(0)
}

/// A container's memory request in bytes (0 without one).
pub fn memory_request(container: &Container) -> u64 {
    request(container, "memory").and_then(|q| memory_bytes(&q)).unwrap_or(0)
}

fn request(container: &Container, resource: &str) -> Option<String> {
    let resources = container.resources.as_ref()?;
    let q = resources.requests.get(resource).or_else(|| resources.limits.get(resource))?;
    Some(q.0.clone())
}

/// What a pod asks of a node: CPU millicores and memory bytes.
fn pod_requests(pod: &Pod) -> (u64, u64) {
    pod.spec.containers.iter().fold((0, 0), |(c, m), k| (c + cpu_request(k), m + memory_request(k)))
}

/// Allocatable CPU millicores, memory bytes and pods of a node.
fn allocatable(entry: &NodeEntry) -> (u64, u64, u64) {
    let get = |name: &str| entry.node.status.allocatable.get(name).map(|q| q.0.clone()).unwrap_or_default();
    let cpu = cpu_millis(&get("cpu")).unwrap_or(0);
    let memory = memory_bytes(&get("memory")).unwrap_or(0);
    (cpu, memory, u64::from(max_pods(&entry.instance_type)))
}

/// Binds what can be bound among the pods due for scheduling. Decisions
/// are taken first, over a snapshot of the nodes and what their pods
/// already request, then applied.
pub(crate) fn schedule(cluster: &mut Cluster, env: &mut Env) {
    let now = env.now();
    let pending: Vec<String> = cluster
        .pods
        .iter()
        .filter(|(_, p)| p.pod.spec.node_name.is_none() && p.run.deleted_at.is_none())
        .filter(|(_, p)| p.run.schedule_at.is_none_or(|t| t <= now))
        .map(|(k, _)| k.clone())
        .collect();
    if pending.is_empty() {
        return;
    }
    let decisions: Vec<(String, Result<String, String>)> = {
        let nodes: Vec<&NodeEntry> = cluster.registered_nodes(now).collect();
        let index: BTreeMap<&str, usize> = nodes.iter().enumerate().map(|(i, n)| (n.node.metadata.name.as_str(), i)).collect();
        let mut slots: Vec<Slot> = nodes.iter().map(|n| Slot { allocatable: allocatable(n), used: (0, 0, 0) }).collect();
        for entry in cluster.pods.values() {
            let Some(at) = entry.pod.spec.node_name.as_deref().and_then(|n| index.get(n)) else { continue };
            let (cpu, memory) = pod_requests(&entry.pod);
            let u = &mut slots[*at].used;
            *u = (u.0 + cpu, u.1 + memory, u.2 + 1);
        }
        let mut decisions = Vec::new();
        for key in pending {
            let Some(entry) = cluster.pods.get(&key) else { continue };
            let decision = choose(&nodes, &mut slots, env, &entry.pod).map(|at| nodes[at].node.metadata.name.clone());
            decisions.push((key, decision));
        }
        decisions
    };
    for (key, decision) in decisions {
        let Some(entry) = cluster.pods.get(&key) else { continue };
        let pod = entry.pod.clone();
        match decision {
            Ok(node) => bind(cluster, env, &key, &node),
            Err(message) => {
                let stamp = timestamp(env.unix_now());
                if let Some(entry) = cluster.pods.get_mut(&key) {
                    entry.run.schedule_at = Some(now + RETRY_SECONDS);
                    let conditions = &mut entry.pod.status.conditions;
                    set_condition(conditions, "PodScheduled", "False", Some(("Unschedulable", message.clone())), &stamp);
                    entry.pod.status.phase = "Pending".into();
                }
                let first = cluster.events.iter().all(|e| e.involved_object.uid != pod.metadata.uid || e.reason != "FailedScheduling");
                if first {
                    let line = format!("Pod {}/{} is Pending: {message}", pod.metadata.namespace, pod.metadata.name);
                    env.events.push(now, "EKS", line);
                }
                cluster.record(env, pod_reference(&pod), true, "FailedScheduling", message, "default-scheduler", "");
            }
        }
    }
}

/// A node's allocatable resources and what bound pods request of it:
/// CPU millicores, memory bytes, pods.
struct Slot {
    allocatable: (u64, u64, u64),
    used: (u64, u64, u64),
}

/// The index of the best node for `pod` (whose requests are then counted
/// on it), or the FailedScheduling message.
fn choose(nodes: &[&NodeEntry], slots: &mut [Slot], env: &mut Env, pod: &Pod) -> Result<usize, String> {
    let now = env.now();
    if nodes.is_empty() {
        return Err("no nodes available to schedule pods".into());
    }
    let (cpu, memory) = pod_requests(pod);
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut preemption: BTreeMap<String, usize> = BTreeMap::new();
    let mut best: Vec<(usize, f64)> = Vec::new();
    for (at, entry) in nodes.iter().enumerate() {
        let slot = &slots[at];
        match fit(entry, pod, now, slot, (cpu, memory)) {
            Ok(score) => best.push((at, score)),
            Err((node_reasons, resources)) => {
                for reason in node_reasons {
                    *reasons.entry(reason).or_default() += 1;
                }
                let what = if resources { "No preemption victims found for incoming pod" } else { "Preemption is not helpful for scheduling" };
                *preemption.entry(what.to_string()).or_default() += 1;
            }
        }
    }
    let top = best.iter().map(|(_, s)| *s).fold(f64::MIN, f64::max);
    let winners: Vec<usize> = best.iter().filter(|(_, s)| *s == top).map(|(n, _)| *n).collect();
    let chosen = match winners.len() {
        0 => None,
        1 => Some(winners[0]),
        n => Some(winners[env.rng.random_range(0..n)]),
    };
    if let Some(at) = chosen {
        let u = &mut slots[at].used;
        *u = (u.0 + cpu, u.1 + memory, u.2 + 1);
        return Ok(at);
    }
    let total = nodes.len();
    let list = |m: &BTreeMap<String, usize>| m.iter().map(|(r, n)| format!("{n} {r}")).collect::<Vec<_>>().join(", ");
    Err(format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        list(&reasons),
        list(&preemption)
    ))
}

/// A node's score for a pod, or its reasons for refusing it (and whether
/// they are about resources, which preemption could free).
fn fit(entry: &NodeEntry, pod: &Pod, now: u64, slot: &Slot, asked: (u64, u64)) -> Result<f64, (Vec<String>, bool)> {
    let used = slot.used;
    let refuse = |reason: String| Err((vec![reason], false));
    let node = &entry.node;
    if node.spec.unschedulable && !tolerates_any(&pod.spec.tolerations, "node.kubernetes.io/unschedulable", "NoSchedule") {
        return refuse("node(s) were unschedulable".into());
    }
    let not_ready = Taint { key: "node.kubernetes.io/not-ready".into(), value: None, effect: "NoSchedule".into() };
    let extra = (!entry.ready(now)).then_some(&not_ready);
    for taint in extra.into_iter().chain(&node.spec.taints) {
        if taint.effect == "PreferNoSchedule" {
            continue;
        }
        if !pod.spec.tolerations.iter().any(|t| tolerates(t, taint)) {
            return refuse(format!("node(s) had untolerated taint {{{}: {}}}", taint.key, taint.value.as_deref().unwrap_or("")));
        }
    }
    if !matches_node(pod, entry) {
        return refuse("node(s) didn't match Pod's node affinity/selector".into());
    }
    let (cpu_cap, memory_cap, pods_cap) = slot.allocatable;
    let mut short = Vec::new();
    if used.2 + 1 > pods_cap {
        short.push("Too many pods".to_string());
    }
    if used.0 + asked.0 > cpu_cap {
        short.push("Insufficient cpu".to_string());
    }
    if used.1 + asked.1 > memory_cap {
        short.push("Insufficient memory".to_string());
    }
    if !short.is_empty() {
        return Err((short, true));
    }
    // Least allocated, counting defaults for containers without requests.
    let (cpu, memory) = pod.spec.containers.iter().fold((0, 0), |(c, m), k| {
        let c1 = if cpu_request(k) == 0 { 100 } else { cpu_request(k) };
        let m1 = if memory_request(k) == 0 { 200 << 20 } else { memory_request(k) };
        (c + c1, m + m1)
    });
    let free = |cap: u64, taken: u64| if cap == 0 { 0.0 } else { cap.saturating_sub(taken) as f64 / cap as f64 };
    let density = used.2 as f64 / pods_cap.max(1) as f64;
    Ok((free(cpu_cap, used.0 + cpu) + free(memory_cap, used.1 + memory) - density) / 2.0)
}

/// Whether the pod's `nodeSelector` and required node affinity admit the
/// node.
fn matches_node(pod: &Pod, entry: &NodeEntry) -> bool {
    let labels = &entry.node.metadata.labels;
    if !map_matches(&pod.spec.node_selector, labels) {
        return false;
    }
    let required = pod
        .spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| n.required_during_scheduling_ignored_during_execution.as_ref());
    let Some(required) = required else { return true };
    required.node_selector_terms.iter().any(|term| {
        let fields_ok = term.match_fields.iter().all(|r| {
            let name = [("metadata.name".to_string(), entry.node.metadata.name.clone())].into_iter().collect();
            requirement_matches(r, &name)
        });
        (!term.match_expressions.is_empty() || !term.match_fields.is_empty())
            && term.match_expressions.iter().all(|r| requirement_matches(r, labels))
            && fields_ok
    })
}

fn requirement_matches(r: &NodeSelectorRequirement, labels: &super::api::StringMap) -> bool {
    let value = labels.get(&r.key);
    let number = |s: &str| s.parse::<i64>().ok();
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| r.values.contains(v)),
        "NotIn" => value.is_none_or(|v| !r.values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" => matches!((value.and_then(|v| number(v)), r.values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a > b),
        "Lt" => matches!((value.and_then(|v| number(v)), r.values.first().and_then(|v| number(v))), (Some(a), Some(b)) if a < b),
        _ => false,
    }
}

/// Whether a toleration tolerates a taint.
pub fn tolerates(t: &Toleration, taint: &Taint) -> bool {
    let effect_ok = t.effect.as_deref().is_none_or(|e| e.is_empty() || e == taint.effect);
    let key_ok = t.key.as_deref().is_none_or(|k| k.is_empty() || k == taint.key);
    let value_ok = match t.operator.as_deref() {
        Some("Exists") => true,
        _ => t.key.as_deref() == Some(taint.key.as_str()) && t.value.as_deref().unwrap_or("") == taint.value.as_deref().unwrap_or(""),
    };
    effect_ok && key_ok && value_ok
}

fn tolerates_any(tolerations: &[Toleration], key: &str, effect: &str) -> bool {
    let taint = Taint { key: key.into(), value: None, effect: effect.into() };
    tolerations.iter().any(|t| tolerates(t, &taint))
}

/// Binds a pod to a node: the Scheduled event, an address.
fn bind(cluster: &mut Cluster, env: &mut Env, key: &str, node: &str) {
    let ip = cluster.next_pod_ip();
    let Some(node_entry) = cluster.nodes.get(node) else { return };
    let (host_ip, arch, ty) = (node_entry.private_ip.clone(), node_entry.arch.clone(), node_entry.instance_type.clone());
    let stamp = timestamp(env.unix_now());
    let Some(entry) = cluster.pods.get_mut(key) else { return };
    entry.pod.spec.node_name = Some(node.to_string());
    entry.pod.status.host_ip = Some(host_ip);
    entry.pod.status.pod_ip = Some(ip);
    entry.pod.status.start_time = Some(stamp.clone());
    entry.run.schedule_at = None;
    set_condition(&mut entry.pod.status.conditions, "PodScheduled", "True", None, &stamp);
    let pod = entry.pod.clone();
    let mut meta = pod.metadata.clone();
    cluster.bump(&mut meta);
    if let Some(entry) = cluster.pods.get_mut(key) {
        entry.pod.metadata = meta;
    }
    let message = format!("Successfully assigned {}/{} to {node}", pod.metadata.namespace, pod.metadata.name);
    cluster.record(env, pod_reference(&pod), false, "Scheduled", message, "default-scheduler", "");
    let line = format!("Pod {}/{} scheduled on {node} ({arch}, {ty})", pod.metadata.namespace, pod.metadata.name);
    env.events.push(env.now(), "EKS", line);
}
