//! The controllers of kube-controller-manager that the simulation runs:
//! Deployment (rolling update with `maxSurge` and `maxUnavailable`, or
//! Recreate; revision history in ReplicaSets, pruned to
//! `revisionHistoryLimit`), ReplicaSet (pods created and deleted to match
//! `replicas`), and Endpoints (ready and not-ready pod addresses behind
//! each Service with a selector). `minReadySeconds` counts as 0 and
//! `progressDeadlineSeconds` is not enforced.

use std::collections::BTreeMap;

use rand::RngExt;

use super::api::{
    Deployment, EndpointAddress, EndpointPort, EndpointSubset, Endpoints, IntOrString, ObjectMeta,
    ObjectReference, OwnerReference, Pod, PodStatus, PodTemplateSpec, ReplicaSet,
};
use super::kubelet::{set_condition, PodRun};
use super::values::{map_matches, timestamp};
use super::{key, Cluster, PodEntry, MAX_PODS};
use crate::world::{fnv1a, Env};

/// The label that ties a ReplicaSet's pods to its template.
pub const POD_TEMPLATE_HASH: &str = "pod-template-hash";
/// The annotation that numbers a ReplicaSet's revision.
pub const REVISION: &str = "deployment.kubernetes.io/revision";

/// Characters Kubernetes uses in generated names (no vowels, no look-alikes).
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The `pod-template-hash` of a template: FNV-32a of its JSON, its decimal
/// digits spelt in the safe alphabet, as the Deployment controller spells
/// them.
pub fn template_hash(template: &PodTemplateSpec) -> String {
    let json = serde_json::to_string(template).unwrap_or_default();
    let hash = (fnv1a(json.as_bytes()) & 0xffff_ffff) as u32;
    hash.to_string().bytes().map(|b| SAFE_ALPHABET[b as usize % SAFE_ALPHABET.len()] as char).collect()
}

/// A template with its `pod-template-hash` label taken out, to compare
/// a ReplicaSet's template with its Deployment's.
fn without_hash(template: &PodTemplateSpec) -> PodTemplateSpec {
    let mut t = template.clone();
    t.metadata.labels.remove(POD_TEMPLATE_HASH);
    t
}

fn owner(kind: &str, api_version: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.into(),
        kind: kind.into(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

fn owned_by(meta: &ObjectMeta, uid: &str) -> bool {
    meta.owner_references.iter().any(|o| o.uid == uid && o.controller == Some(true))
}

fn reference(kind: &str, api_version: &str, meta: &ObjectMeta) -> ObjectReference {
    ObjectReference {
        kind: kind.into(),
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        api_version: api_version.into(),
    }
}

fn revision(rs: &ReplicaSet) -> u64 {
    rs.metadata.annotations.get(REVISION).and_then(|r| r.parse().ok()).unwrap_or(0)
}

/// Resolves `maxSurge` or `maxUnavailable` against `desired`: a percentage
/// rounds up for surge and down for unavailability.
pub fn resolve(value: Option<&IntOrString>, desired: i32, round_up: bool) -> i32 {
    match value {
        None => {
            let quarter = desired as f64 * 0.25;
            (if round_up { quarter.ceil() } else { quarter.floor() }) as i32
        }
        Some(IntOrString::Int(n)) => (*n).max(0),
        Some(IntOrString::String(s)) => {
            let percent: f64 = s.trim_end_matches('%').parse().unwrap_or(0.0);
            let scaled = desired as f64 * percent / 100.0;
            (if round_up { scaled.ceil() } else { scaled.floor() }).max(0.0) as i32
        }
    }
}

/// Live pods per controlling owner's uid: all, ready.
type Counts = BTreeMap<String, (i32, i32)>;

/// Counts every live pod under its controller, in one pass over the pods.
fn owner_counts(cluster: &Cluster) -> Counts {
    let mut counts = Counts::new();
    for p in cluster.pods.values().filter(|p| p.run.deleted_at.is_none()) {
        for owner in p.pod.metadata.owner_references.iter().filter(|o| o.controller == Some(true)) {
            let c = counts.entry(owner.uid.clone()).or_default();
            *c = (c.0 + 1, c.1 + i32::from(p.run.ready()));
        }
    }
    counts
}

/// Counts of one ReplicaSet's live pods: all, ready.
fn pod_counts(counts: &Counts, rs: &ReplicaSet) -> (i32, i32) {
    counts.get(&rs.metadata.uid).copied().unwrap_or_default()
}

/// Brings every Deployment's ReplicaSets towards its template and size.
pub(crate) fn sync_deployments(cluster: &mut Cluster, env: &mut Env) {
    let keys: Vec<String> = cluster.deployments.keys().cloned().collect();
    // Pods do not change while Deployments sync, only ReplicaSets do.
    let counts = owner_counts(cluster);
    for dkey in keys {
        let Some(deployment) = cluster.deployments.get(&dkey).cloned() else { continue };
        if deployment.spec.paused == Some(true) {
            continue;
        }
        let new_key = ensure_new_replicaset(cluster, env, &deployment);
        let desired = deployment.spec.replicas.unwrap_or(1);
        let mut olds: Vec<String> = owned_replicasets(cluster, &deployment).into_iter().filter(|k| *k != new_key).collect();
        olds.sort_by_key(|k| cluster.replicasets.get(k).map_or(0, revision));
        let strategy = deployment.spec.strategy.clone().unwrap_or_default();
        if strategy.type_.as_deref() == Some("Recreate") {
            let mut old_pods = 0;
            for old in &olds {
                scale(cluster, env, &deployment, old, 0);
                old_pods += cluster.replicasets.get(old).map_or(0, |rs| pod_counts(&counts, rs).0);
            }
            if old_pods == 0 {
                scale(cluster, env, &deployment, &new_key, desired);
            }
        } else {
            rolling_update(cluster, env, &counts, &deployment, &new_key, &olds, desired);
        }
        prune_history(cluster, &counts, &deployment, &olds);
    }
}

/// One step of a rolling update: scale the new ReplicaSet up within
/// `maxSurge`, then the old ones down within `maxUnavailable`.
fn rolling_update(cluster: &mut Cluster, env: &mut Env, counts: &Counts, d: &Deployment, new_key: &str, olds: &[String], desired: i32) {
    let rolling = d.spec.strategy.as_ref().and_then(|s| s.rolling_update.clone()).unwrap_or_default();
    let surge = resolve(rolling.max_surge.as_ref(), desired, true);
    let mut unavailable = resolve(rolling.max_unavailable.as_ref(), desired, false);
    if surge == 0 && unavailable == 0 {
        unavailable = 1;
    }
    let spec = |c: &Cluster, k: &str| c.replicasets.get(k).map_or(0, |rs| rs.spec.replicas);
    let all_keys: Vec<String> = std::iter::once(new_key.to_string()).chain(olds.iter().cloned()).collect();

    // Scale up the new ReplicaSet.
    let new_spec = spec(cluster, new_key);
    if new_spec > desired {
        scale(cluster, env, d, new_key, desired);
    } else if new_spec < desired {
        let total: i32 = all_keys.iter().map(|k| spec(cluster, k)).sum();
        let room = (desired + surge - total).max(0);
        let target = (new_spec + room).min(desired);
        if target != new_spec {
            scale(cluster, env, d, new_key, target);
        }
    }

    // Scale down the old ones, oldest first.
    let ready = |c: &Cluster, k: &str| c.replicasets.get(k).map_or(0, |rs| pod_counts(counts, rs).1);
    let min_available = desired - unavailable;
    let all_pods: i32 = all_keys.iter().map(|k| spec(cluster, k)).sum();
    let new_unavailable = (spec(cluster, new_key) - ready(cluster, new_key)).max(0);
    let mut budget = all_pods - min_available - new_unavailable;
    if budget <= 0 {
        return;
    }
    // First the old pods that are not ready anyway.
    for old in olds {
        let (s, r) = (spec(cluster, old), ready(cluster, old));
        let unhealthy = (s - r).max(0).min(budget);
        if unhealthy > 0 {
            scale(cluster, env, d, old, s - unhealthy);
            budget -= unhealthy;
        }
    }
    let available: i32 = all_keys.iter().map(|k| ready(cluster, k).min(spec(cluster, k))).sum();
    let mut budget = available - min_available;
    for old in olds {
        if budget <= 0 {
            break;
        }
        let s = spec(cluster, old);
        let cut = s.min(budget);
        if cut > 0 {
            scale(cluster, env, d, old, s - cut);
            budget -= cut;
        }
    }
}

/// ReplicaSets a Deployment owns, by key.
fn owned_replicasets(cluster: &Cluster, d: &Deployment) -> Vec<String> {
    cluster
        .replicasets
        .iter()
        .filter(|(_, rs)| owned_by(&rs.metadata, &d.metadata.uid))
        .map(|(k, _)| k.clone())
        .collect()
}

/// The ReplicaSet whose template is the Deployment's, created (at 0
/// replicas) or revived (a rollback) as the newest revision.
fn ensure_new_replicaset(cluster: &mut Cluster, env: &mut Env, d: &Deployment) -> String {
    let owned = owned_replicasets(cluster, d);
    let max_revision = owned.iter().filter_map(|k| cluster.replicasets.get(k)).map(revision).max().unwrap_or(0);
    let template = without_hash(&d.spec.template);
    let existing = owned.iter().find(|k| cluster.replicasets.get(*k).is_some_and(|rs| without_hash(&rs.spec.template) == template));
    let dkey = key(&d.metadata.namespace, &d.metadata.name);
    if let Some(existing) = existing.cloned() {
        let current = cluster.replicasets.get(&existing).map_or(0, revision);
        if current < max_revision {
            if let Some(mut rs) = cluster.replicasets.remove(&existing) {
                rs.metadata.annotations.insert(REVISION.into(), (max_revision + 1).to_string());
                cluster.bump(&mut rs.metadata);
                cluster.replicasets.insert(existing.clone(), rs);
            }
        }
        let revision_now = cluster.replicasets.get(&existing).map_or(0, revision);
        set_deployment_revision(cluster, &dkey, revision_now);
        return existing;
    }
    let hash = template_hash(&template);
    let name = format!("{}-{hash}", d.metadata.name);
    let mut rs = ReplicaSet { api_version: "apps/v1".into(), kind: "ReplicaSet".into(), ..ReplicaSet::default() };
    rs.metadata.name = name.clone();
    rs.metadata.labels = d.spec.template.metadata.labels.clone();
    rs.metadata.labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    rs.metadata.annotations.insert(REVISION.into(), (max_revision + 1).to_string());
    rs.metadata.annotations.insert("deployment.kubernetes.io/desired-replicas".into(), d.spec.replicas.unwrap_or(1).to_string());
    rs.metadata.owner_references.push(owner("Deployment", "apps/v1", &d.metadata));
    let mut selector = d.spec.selector.clone().unwrap_or_default();
    selector.match_labels.insert(POD_TEMPLATE_HASH.into(), hash.clone());
    rs.spec.selector = Some(selector);
    rs.spec.template = d.spec.template.clone();
    rs.spec.template.metadata.labels.insert(POD_TEMPLATE_HASH.into(), hash);
    rs.spec.replicas = 0;
    rs.metadata.generation = Some(1);
    cluster.stamp_new(env, &mut rs.metadata, &d.metadata.namespace);
    let rkey = key(&d.metadata.namespace, &name);
    cluster.replicasets.insert(rkey.clone(), rs);
    set_deployment_revision(cluster, &dkey, max_revision + 1);
    rkey
}

fn set_deployment_revision(cluster: &mut Cluster, dkey: &str, revision: u64) {
    if let Some(d) = cluster.deployments.get_mut(dkey) {
        let text = revision.to_string();
        if d.metadata.annotations.get(REVISION) != Some(&text) {
            d.metadata.annotations.insert(REVISION.into(), text);
        }
    }
}

/// Sets a ReplicaSet's replicas, with the Deployment's ScalingReplicaSet event.
fn scale(cluster: &mut Cluster, env: &mut Env, d: &Deployment, rkey: &str, to: i32) {
    let Some(rs) = cluster.replicasets.get_mut(rkey) else { return };
    let from = rs.spec.replicas;
    if from == to {
        return;
    }
    rs.spec.replicas = to;
    rs.metadata.annotations.insert("deployment.kubernetes.io/desired-replicas".into(), d.spec.replicas.unwrap_or(1).to_string());
    rs.metadata.generation = Some(rs.metadata.generation.unwrap_or(1) + 1);
    let name = rs.metadata.name.clone();
    let mut meta = std::mem::take(&mut rs.metadata);
    cluster.bump(&mut meta);
    if let Some(rs) = cluster.replicasets.get_mut(rkey) {
        rs.metadata = meta;
    }
    let direction = if to > from { "up" } else { "down" };
    let message = format!("Scaled {direction} replica set {name} from {from} to {to}");
    cluster.record(env, reference("Deployment", "apps/v1", &d.metadata), false, "ScalingReplicaSet", message, "deployment-controller", "");
}

/// Deletes old, empty ReplicaSets beyond the revision history limit.
fn prune_history(cluster: &mut Cluster, counts: &Counts, d: &Deployment, olds: &[String]) {
    let limit = d.spec.revision_history_limit.unwrap_or(10).max(0) as usize;
    let empty: Vec<&String> = olds
        .iter()
        .filter(|k| cluster.replicasets.get(*k).is_some_and(|rs| rs.spec.replicas == 0 && pod_counts(counts, rs).0 == 0))
        .collect();
    let excess = empty.len().saturating_sub(limit);
    let doomed: Vec<String> = empty.into_iter().take(excess).cloned().collect();
    for k in doomed {
        cluster.replicasets.remove(&k);
    }
}

/// Creates or deletes pods so that every ReplicaSet has its replicas, and
/// updates their status.
pub(crate) fn sync_replicasets(cluster: &mut Cluster, env: &mut Env) {
    // Each ReplicaSet's live pods, found in one pass over the pods.
    let mut owned: BTreeMap<String, Vec<(String, bool, bool, u64)>> = BTreeMap::new();
    for (k, p) in cluster.pods.iter().filter(|(_, p)| p.run.deleted_at.is_none()) {
        for owner in p.pod.metadata.owner_references.iter().filter(|o| o.controller == Some(true)) {
            let facts = (k.clone(), p.pod.spec.node_name.is_some(), p.run.ready(), p.run.created);
            owned.entry(owner.uid.clone()).or_default().push(facts);
        }
    }
    let keys: Vec<String> = cluster.replicasets.keys().cloned().collect();
    for rkey in keys {
        let Some(rs) = cluster.replicasets.get(&rkey).cloned() else { continue };
        let ns = rs.metadata.namespace.clone();
        let mut mine = owned.remove(&rs.metadata.uid).unwrap_or_default();
        let have = mine.len() as i32;
        let want = rs.spec.replicas.max(0);
        let mut created = 0;
        if have < want {
            for _ in have..want {
                if cluster.pods.len() >= MAX_PODS {
                    let message = format!("Error creating: pods \"{}-\" is forbidden: the simulated cluster holds at most {MAX_PODS} pods", rs.metadata.name);
                    cluster.record(env, reference("ReplicaSet", "apps/v1", &rs.metadata), true, "FailedCreate", message, "replicaset-controller", "");
                    break;
                }
                create_pod(cluster, env, &rs, &ns);
                created += 1;
            }
        } else if have > want {
            // Unscheduled first, then not ready, then the newest.
            mine.sort_by_key(|(k, bound, ready, created)| (*bound, *ready, std::cmp::Reverse(*created), k.clone()));
            let doomed: Vec<(String, bool, bool, u64)> = mine.drain(..(have - want) as usize).collect();
            for (pkey, ..) in doomed {
                let name = pkey.split_once('/').map_or(pkey.as_str(), |(_, n)| n).to_string();
                cluster.delete_pod(env, &pkey);
                let reference = reference("ReplicaSet", "apps/v1", &rs.metadata);
                cluster.record(env, reference, false, "SuccessfulDelete", format!("Deleted pod: {name}"), "replicaset-controller", "");
            }
        }
        let all = mine.len() as i32 + created;
        let ready = mine.iter().filter(|(_, _, ready, _)| *ready).count() as i32;
        if let Some(rs) = cluster.replicasets.get_mut(&rkey) {
            let status = &mut rs.status;
            status.replicas = all;
            status.fully_labeled_replicas = all;
            status.ready_replicas = ready;
            status.available_replicas = ready;
            status.observed_generation = rs.metadata.generation;
        }
    }
}

/// A new pod from a ReplicaSet's template, with the API server's pod
/// defaults.
fn create_pod(cluster: &mut Cluster, env: &mut Env, rs: &ReplicaSet, ns: &str) {
    let suffix: String = (0..5).map(|_| SAFE_ALPHABET[env.rng.random_range(0..SAFE_ALPHABET.len())] as char).collect();
    let name = format!("{}-{suffix}", rs.metadata.name);
    if cluster.pods.contains_key(&key(ns, &name)) {
        return;
    }
    let template = &rs.spec.template;
    let mut pod = Pod { api_version: "v1".into(), kind: "Pod".into(), ..Pod::default() };
    pod.metadata.name = name.clone();
    pod.metadata.generate_name = Some(format!("{}-", rs.metadata.name));
    pod.metadata.labels = template.metadata.labels.clone();
    pod.metadata.annotations = template.metadata.annotations.clone();
    pod.metadata.owner_references.push(owner("ReplicaSet", "apps/v1", &rs.metadata));
    pod.spec = template.spec.clone();
    cluster.stamp_new(env, &mut pod.metadata, ns);
    admit_pod(&mut pod);
    let run = PodRun::new(pod.spec.containers.len(), env.now());
    cluster.pods.insert(key(ns, &name), PodEntry { pod, run });
    let reference = reference("ReplicaSet", "apps/v1", &rs.metadata);
    cluster.record(env, reference, false, "SuccessfulCreate", format!("Created pod: {name}"), "replicaset-controller", "");
}

/// What admission adds to every pod: the default service account, the
/// not-ready and unreachable tolerations, the QoS class, phase Pending.
pub(crate) fn admit_pod(pod: &mut Pod) {
    let spec = &mut pod.spec;
    spec.service_account_name.get_or_insert_with(|| "default".into());
    spec.priority.get_or_insert(0);
    spec.enable_service_links.get_or_insert(true);
    spec.preemption_policy.get_or_insert_with(|| "PreemptLowerPriority".into());
    for key in ["node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable"] {
        if !spec.tolerations.iter().any(|t| t.key.as_deref() == Some(key)) {
            spec.tolerations.push(super::api::Toleration {
                key: Some(key.into()),
                operator: Some("Exists".into()),
                value: None,
                effect: Some("NoExecute".into()),
                toleration_seconds: Some(300),
            });
        }
    }
    let requests = spec.containers.iter().any(|c| c.resources.as_ref().is_some_and(|r| !r.requests.is_empty() || !r.limits.is_empty()));
    let guaranteed = !spec.containers.is_empty()
        && spec.containers.iter().all(|c| {
            c.resources.as_ref().is_some_and(|r| {
                ["cpu", "memory"].iter().all(|k| r.limits.contains_key(*k)) && r.requests.iter().all(|(k, v)| r.limits.get(k) == Some(v))
            })
        });
    pod.status = PodStatus {
        phase: "Pending".into(),
        qos_class: Some(if guaranteed { "Guaranteed" } else if requests { "Burstable" } else { "BestEffort" }.into()),
        ..PodStatus::default()
    };
}

/// Recomputes the Endpoints of every Service with a selector.
pub(crate) fn sync_endpoints(cluster: &mut Cluster) {
    let mut fresh: BTreeMap<String, Endpoints> = BTreeMap::new();
    for (skey, service) in &cluster.services {
        if service.spec.selector.is_empty() {
            continue;
        }
        let ns = &service.metadata.namespace;
        let mut subset = EndpointSubset::default();
        let mut ports: Vec<EndpointPort> = Vec::new();
        for entry in cluster.pods.values() {
            let pod = &entry.pod;
            if &pod.metadata.namespace != ns || entry.run.deleted_at.is_some() || !map_matches(&service.spec.selector, &pod.metadata.labels) {
                continue;
            }
            let Some(ip) = pod.status.pod_ip.clone() else { continue };
            let mut resolved = Vec::new();
            for port in &service.spec.ports {
                let target = match port.target_port.clone().unwrap_or(IntOrString::Int(port.port)) {
                    IntOrString::Int(n) => Some(n),
                    IntOrString::String(name) => pod
                        .spec
                        .containers
                        .iter()
                        .flat_map(|c| &c.ports)
                        .find(|p| p.name.as_deref() == Some(name.as_str()))
                        .map(|p| p.container_port),
                };
                if let Some(n) = target {
                    resolved.push(EndpointPort { name: port.name.clone(), port: n, protocol: port.protocol.clone() });
                }
            }
            if resolved.is_empty() {
                continue;
            }
            ports = resolved;
            let address = EndpointAddress {
                ip,
                node_name: pod.spec.node_name.clone(),
                target_ref: Some(ObjectReference {
                    kind: "Pod".into(),
                    namespace: ns.clone(),
                    name: pod.metadata.name.clone(),
                    uid: pod.metadata.uid.clone(),
                    api_version: String::new(),
                }),
            };
            if entry.run.ready() {
                subset.addresses.push(address);
            } else {
                subset.not_ready_addresses.push(address);
            }
        }
        subset.ports = ports;
        let mut endpoints = Endpoints { api_version: "v1".into(), kind: "Endpoints".into(), ..Endpoints::default() };
        endpoints.metadata.name = service.metadata.name.clone();
        endpoints.metadata.namespace = ns.clone();
        endpoints.metadata.labels = service.metadata.labels.clone();
        if !subset.addresses.is_empty() || !subset.not_ready_addresses.is_empty() {
            endpoints.subsets.push(subset);
        }
        fresh.insert(skey.clone(), endpoints);
    }
    for (skey, mut endpoints) in fresh {
        match cluster.endpoints.get(&skey) {
            Some(old) if old.subsets == endpoints.subsets => continue,
            Some(old) => {
                endpoints.metadata.uid = old.metadata.uid.clone();
                endpoints.metadata.creation_timestamp = old.metadata.creation_timestamp.clone();
            }
            None => {
                let service = cluster.services.get(&skey);
                endpoints.metadata.creation_timestamp = service.and_then(|s| s.metadata.creation_timestamp.clone());
                endpoints.metadata.uid = service.map(|s| format!("{}e", s.metadata.uid.get(..35).unwrap_or(""))).unwrap_or_default();
            }
        }
        cluster.sequence += 1;
        endpoints.metadata.resource_version = cluster.sequence.to_string();
        cluster.endpoints.insert(skey, endpoints);
    }
    let services = &cluster.services;
    cluster.endpoints.retain(|k, _| services.get(k).is_some_and(|s| !s.spec.selector.is_empty()));
}

/// Updates each Deployment's status and conditions from its ReplicaSets.
pub(crate) fn update_deployment_status(cluster: &mut Cluster, env: &Env) {
    let stamp = timestamp(env.unix_now());
    let counts = owner_counts(cluster);
    let keys: Vec<String> = cluster.deployments.keys().cloned().collect();
    for dkey in keys {
        let Some(d) = cluster.deployments.get(&dkey) else { continue };
        let desired = d.spec.replicas.unwrap_or(1);
        let new_template = without_hash(&d.spec.template);
        let (mut all, mut updated, mut ready, mut new_name) = (0, 0, 0, String::new());
        for rs in cluster.replicasets.values().filter(|rs| owned_by(&rs.metadata, &d.metadata.uid)) {
            let (a, r) = pod_counts(&counts, rs);
            all += a;
            ready += r;
            if without_hash(&rs.spec.template) == new_template {
                updated += a;
                new_name = rs.metadata.name.clone();
            }
        }
        let rolling = d.spec.strategy.as_ref().and_then(|s| s.rolling_update.clone()).unwrap_or_default();
        let unavailable_ok = resolve(rolling.max_unavailable.as_ref(), desired, false);
        let available = ready >= desired - unavailable_ok;
        let complete = updated == desired && all == desired && ready == desired;
        let Some(d) = cluster.deployments.get_mut(&dkey) else { continue };
        let status = d.status.get_or_insert_with(Default::default);
        status.observed_generation = d.metadata.generation;
        status.replicas = all;
        status.updated_replicas = updated;
        status.ready_replicas = ready;
        status.available_replicas = ready;
        status.unavailable_replicas = (desired - ready).max(0).min(all.max(desired));
        let conditions = &mut status.conditions;
        let (a_status, a_reason, a_message) = if available {
            ("True", "MinimumReplicasAvailable", "Deployment has minimum availability.".to_string())
        } else {
            ("False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.".to_string())
        };
        let before = conditions.clone();
        set_condition(conditions, "Available", a_status, Some((a_reason, a_message)), &stamp);
        let (p_reason, p_message) = if complete {
            ("NewReplicaSetAvailable", format!("ReplicaSet \"{new_name}\" has successfully progressed."))
        } else {
            ("ReplicaSetUpdated", format!("ReplicaSet \"{new_name}\" is progressing."))
        };
        set_condition(conditions, "Progressing", "True", Some((p_reason, p_message)), &stamp);
        conditions.sort_by_key(|c| if c.type_ == "Available" { 0 } else { 1 });
        for (old, new) in before.iter().zip(conditions.iter_mut()) {
            if old.reason == new.reason && old.message == new.message {
                new.last_update_time = old.last_update_time.clone();
            }
        }
        for c in conditions.iter_mut() {
            c.last_update_time.get_or_insert_with(|| stamp.clone());
        }
    }
}
