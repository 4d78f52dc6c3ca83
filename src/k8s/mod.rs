//! Amazon EKS and the Kubernetes cluster it runs, simulated.
//!
//! We model one EKS cluster per account with managed node groups whose
//! nodes are EC2 instances of the catalogue's types (x86 and Graviton):
//! they boot, register, carry the well-known labels
//! (`kubernetes.io/arch`, `node.kubernetes.io/instance-type`,
//! `topology.kubernetes.io/zone`, `eks.amazonaws.com/nodegroup` ...) and
//! cost and emit through EC2's own accounting, so a cluster's bill and
//! carbon are its instances'. On them run Namespaces, Deployments with
//! rolling updates and revision history, ReplicaSets, Pods with phases,
//! conditions, container states and restarts, Services (ClusterIP,
//! NodePort, LoadBalancer) and their Endpoints, and Events, all typed as
//! the API types them ([`api`]). A scheduler honours requests,
//! `nodeSelector`, required node affinity, taints and tolerations and the
//! pod limit of each instance type, and says why a pod stays Pending as
//! the real one does; a kubelet pulls images by platform from the
//! account's registry ([`registry`]), so an amd64-only image on an arm64
//! node ends in `exec format error` and CrashLoopBackOff, and a readiness
//! probe passes only on the port the image listens on.
//!
//! Everything advances on the world's one-second ticks. A tick does
//! nothing but EC2's accounting unless an object changed or a timer (a
//! pull finishing, a back-off ending, a node registering) is due; then
//! the controllers reconcile. Randomness (names, addresses) comes from the
//! world's generator in a fixed order.
//!
//! Not modelled yet: the load balancer behind LoadBalancer Services (they
//! stay `<pending>`), `kubectl rollout`, ConfigMaps, Secrets, volumes,
//! Jobs, DaemonSets, StatefulSets, HPA, resource limits and OOM kills,
//! liveness probes, preferred affinity, pod affinity and topology spread.

pub mod api;
mod controllers;
mod kubelet;
pub mod manifest;
pub mod registry;
mod scheduler;
pub mod server;
pub mod values;

use std::collections::BTreeMap;

use serde::Serialize;

use api::{Condition, Deployment, Endpoints, Event, Namespace, Node, ObjectMeta, ObjectReference, Pod, ReplicaSet, Service};
use registry::Registry;
use values::timestamp;

use crate::catalogue::{catalogue, Architecture};
use crate::services::ec2::{Ec2, InstanceState, LaunchSpec, Workload, BOOT_SECONDS};
use crate::world::Env;

pub use kubelet::{ContainerRun, PodRun, Stage};

/// The Kubernetes version of new clusters.
pub const KUBERNETES_VERSION: &str = "1.31";
/// What `kubectl version` and nodes report.
pub const SERVER_VERSION: &str = "v1.31.4-eks-2d5f260";
/// Kubelet version on nodes.
pub const KUBELET_VERSION: &str = "v1.31.3-eks-59bf375";
/// Most replicas one Deployment may ask for here, so that memory stays
/// bounded; the real API allows up to 2^31 - 1.
pub const MAX_REPLICAS: i32 = 10_000;
/// Most pods the simulated cluster holds at once.
pub const MAX_PODS: usize = 20_000;
/// Events kept (up to a tenth more between trims); older ones are
/// dropped, as the API server's one-hour TTL drops them.
pub const MAX_EVENTS: usize = 1_000;
/// Seconds from a node's instance running to the node registering.
pub const REGISTER_SECONDS: u64 = 15;
/// Seconds a registered node stays NotReady.
pub const NOT_READY_SECONDS: u64 = 10;
/// Seconds a deleted pod stays Terminating.
pub const TERMINATING_SECONDS: u64 = 2;

/// The account's EKS cluster (if any) and its container registry.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Eks {
    #[serde(skip_serializing_if = "Registry::is_empty")]
    pub registry: Registry,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Cluster>,
}

impl Eks {
    pub fn is_empty(&self) -> bool {
        self.registry.is_empty() && self.cluster.is_none()
    }

    /// Runs one tick: node groups follow their instances; if anything
    /// changed or a timer is due, controllers, scheduler and kubelet run.
    pub fn step(&mut self, env: &mut Env, ec2: &mut Ec2) {
        let Some(cluster) = self.cluster.as_mut() else { return };
        let due = cluster.wake_at.is_some_and(|t| t <= env.now());
        if cluster.dirty || due {
            cluster.reconcile(env, ec2, &self.registry);
        }
    }
}

/// A managed node group: instances of one type, scaled to `desired`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeGroup {
    pub name: String,
    pub instance_type: String,
    pub desired: u32,
    pub min: u32,
    pub max: u32,
    /// `CREATING`, `ACTIVE`, `UPDATING`, `DELETING`.
    pub status: String,
    pub labels: api::StringMap,
    pub taints: Vec<api::Taint>,
    /// Unix seconds.
    pub created: i64,
}

/// A node: its instance, its group, and the Node object once registered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeEntry {
    pub instance_id: String,
    pub nodegroup: String,
    pub instance_type: String,
    pub arch: String,
    pub zone: String,
    pub private_ip: String,
    /// Simulated second the node registers (appears in `kubectl get
    /// nodes`), and the one it turns Ready.
    pub registers_at: u64,
    pub ready_at: u64,
    /// Set when the node group is removing the node: drained, then its
    /// instance terminated at this second.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removing_at: Option<u64>,
    /// Images the node has pulled already.
    pub images: Vec<String>,
    pub node: Node,
}

impl NodeEntry {
    pub fn registered(&self, now: u64) -> bool {
        now >= self.registers_at
    }

    pub fn ready(&self, now: u64) -> bool {
        now >= self.ready_at && self.removing_at.is_none()
    }
}

/// A pod and what the kubelet knows about its containers.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PodEntry {
    pub pod: Pod,
    pub run: PodRun,
}

/// One EKS cluster and every object in it, keyed `namespace/name`
/// (nodes and namespaces by name).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cluster {
    pub name: String,
    pub version: String,
    pub arn: String,
    pub endpoint: String,
    /// Unix seconds.
    pub created: i64,
    pub nodegroups: BTreeMap<String, NodeGroup>,
    pub nodes: BTreeMap<String, NodeEntry>,
    pub namespaces: BTreeMap<String, Namespace>,
    pub deployments: BTreeMap<String, Deployment>,
    pub replicasets: BTreeMap<String, ReplicaSet>,
    pub pods: BTreeMap<String, PodEntry>,
    pub services: BTreeMap<String, Service>,
    pub endpoints: BTreeMap<String, Endpoints>,
    pub events: Vec<Event>,
    /// Counter behind resource versions and event names.
    pub sequence: u64,
    /// Pod addresses handed out so far.
    pub pod_ips: u32,
    /// Something changed since controllers last ran.
    pub dirty: bool,
    /// The next second a timer is due, if any.
    pub wake_at: Option<u64>,
}

/// The `namespace/name` key of a namespaced object.
pub fn key(namespace: &str, name: &str) -> String {
    format!("{namespace}/{name}")
}

impl Cluster {
    /// A new, empty cluster with the `default`, `kube-system`,
    /// `kube-public` and `kube-node-lease` namespaces.
    pub fn new(env: &mut Env, name: &str) -> Self {
        let region = env.region.clone();
        let id = env.hex_id(32).to_uppercase();
        let mut cluster = Cluster {
            name: name.to_string(),
            version: KUBERNETES_VERSION.to_string(),
            arn: format!("arn:aws:eks:{region}:{}:cluster/{name}", crate::world::ACCOUNT_ID),
            endpoint: format!("https://{id}.gr7.{region}.eks.amazonaws.com"),
            created: env.unix_now(),
            nodegroups: BTreeMap::new(),
            nodes: BTreeMap::new(),
            namespaces: BTreeMap::new(),
            deployments: BTreeMap::new(),
            replicasets: BTreeMap::new(),
            pods: BTreeMap::new(),
            services: BTreeMap::new(),
            endpoints: BTreeMap::new(),
            events: Vec::new(),
            sequence: 0,
            pod_ips: 0,
            dirty: true,
            wake_at: None,
        };
        for ns in ["default", "kube-node-lease", "kube-public", "kube-system"] {
            let mut namespace = Namespace { api_version: "v1".into(), kind: "Namespace".into(), ..Namespace::default() };
            namespace.metadata.name = ns.to_string();
            cluster.stamp_new(env, &mut namespace.metadata, "");
            namespace.metadata.labels.insert("kubernetes.io/metadata.name".into(), ns.into());
            namespace.status = Some(api::NamespaceStatus { phase: Some("Active".into()) });
            cluster.namespaces.insert(ns.to_string(), namespace);
        }
        let mut kubernetes = Service { api_version: "v1".into(), kind: "Service".into(), ..Service::default() };
        kubernetes.metadata.name = "kubernetes".into();
        cluster.stamp_new(env, &mut kubernetes.metadata, "default");
        kubernetes.metadata.labels.insert("component".into(), "apiserver".into());
        kubernetes.metadata.labels.insert("provider".into(), "kubernetes".into());
        kubernetes.spec.type_ = Some("ClusterIP".into());
        kubernetes.spec.cluster_ip = Some("10.100.0.1".into());
        kubernetes.spec.cluster_ips = vec!["10.100.0.1".into()];
        kubernetes.spec.session_affinity = Some("None".into());
        kubernetes.spec.ports = vec![api::ServicePort {
            name: Some("https".into()),
            protocol: Some("TCP".into()),
            port: 443,
            target_port: Some(api::IntOrString::Int(443)),
            ..api::ServicePort::default()
        }];
        cluster.services.insert(key("default", "kubernetes"), kubernetes);
        cluster
    }

    /// Fills what the API server sets on a new object: uid, resource
    /// version, creation time, namespace.
    pub(crate) fn stamp_new(&mut self, env: &mut Env, meta: &mut ObjectMeta, namespace: &str) {
        meta.namespace = namespace.to_string();
        meta.uid = uid(env);
        meta.creation_timestamp = Some(timestamp(env.unix_now()));
        self.bump(meta);
    }

    /// A new resource version for a changed object; controllers will run.
    pub(crate) fn bump(&mut self, meta: &mut ObjectMeta) {
        self.sequence += 1;
        meta.resource_version = self.sequence.to_string();
        self.dirty = true;
    }

    /// Adds a node group and launches its instances. `running` instances
    /// (a quest's starting world) register at once.
    pub fn add_nodegroup(&mut self, env: &mut Env, ec2: &mut Ec2, group: NodeGroup, running: bool) {
        let name = group.name.clone();
        let desired = group.desired;
        self.nodegroups.insert(name.clone(), group);
        for _ in 0..desired {
            self.launch_node(env, ec2, &name, running);
        }
        self.dirty = true;
    }

    /// Launches one instance for `group` and records its node.
    fn launch_node(&mut self, env: &mut Env, ec2: &mut Ec2, group: &str, running: bool) {
        let Some(ng) = self.nodegroups.get(group) else { return };
        let Some(ty) = catalogue().instance_type(&ng.instance_type) else { return };
        let zones = ["a", "b", "c"];
        let in_group = self.nodes.values().filter(|n| n.nodegroup == group).count();
        let zone = format!("{}{}", env.region, zones[in_group % zones.len()]);
        let mut tags = BTreeMap::new();
        tags.insert("Name".to_string(), format!("{}-{group}-Node", self.name));
        tags.insert("eks:cluster-name".to_string(), self.name.clone());
        tags.insert("eks:nodegroup-name".to_string(), group.to_string());
        tags.insert(format!("kubernetes.io/cluster/{}", self.name), "owned".to_string());
        let spec = LaunchSpec {
            instance_id: None,
            instance_type: ty.name.clone(),
            image_id: None,
            tags,
            workload: Workload { base: 2.0, jitter: 0.5 },
            consumer: None,
            state: if running { InstanceState::Running } else { InstanceState::Pending },
            launch_time: env.unix_now(),
            availability_zone: zone.clone(),
        };
        let Ok(instance) = ec2.launch(env, spec) else { return };
        let (instance_id, private_ip) = (instance.instance_id.clone(), instance.private_ip_address.clone());
        let now = env.now();
        let registers_at = if running { now } else { now + BOOT_SECONDS + REGISTER_SECONDS };
        let ready_at = if running { now } else { registers_at + NOT_READY_SECONDS };
        let arch = match ty.architecture {
            Architecture::X86_64 => "amd64",
            Architecture::Arm64 => "arm64",
        };
        let name = format!("ip-{}.ec2.internal", private_ip.replace('.', "-"));
        let mut node = Node { api_version: "v1".into(), kind: "Node".into(), ..Node::default() };
        node.metadata.name = name.clone();
        self.stamp_new(env, &mut node.metadata, "");
        node.metadata.creation_timestamp = Some(timestamp(env.start_unix + registers_at as i64));
        let labels = &mut node.metadata.labels;
        let ng = &self.nodegroups[group];
        for (k, v) in [
            ("beta.kubernetes.io/arch", arch),
            ("beta.kubernetes.io/instance-type", ty.name.as_str()),
            ("beta.kubernetes.io/os", "linux"),
            ("eks.amazonaws.com/capacityType", "ON_DEMAND"),
            ("eks.amazonaws.com/nodegroup", group),
            ("failure-domain.beta.kubernetes.io/region", env.region.as_str()),
            ("failure-domain.beta.kubernetes.io/zone", zone.as_str()),
            ("kubernetes.io/arch", arch),
            ("kubernetes.io/hostname", name.as_str()),
            ("kubernetes.io/os", "linux"),
            ("node.kubernetes.io/instance-type", ty.name.as_str()),
            ("topology.kubernetes.io/region", env.region.as_str()),
            ("topology.kubernetes.io/zone", zone.as_str()),
        ] {
            labels.insert(k.to_string(), v.to_string());
        }
        labels.extend(ng.labels.clone());
        node.spec.provider_id = Some(format!("aws:///{zone}/{instance_id}"));
        node.spec.taints = ng.taints.clone();
        node.status = node_status(ty, arch, &private_ip, &name);
        let entry = NodeEntry {
            instance_id,
            nodegroup: group.to_string(),
            instance_type: ty.name.clone(),
            arch: arch.to_string(),
            zone,
            private_ip,
            registers_at,
            ready_at,
            removing_at: None,
            images: Vec::new(),
            node,
        };
        self.nodes.insert(name, entry);
        self.dirty = true;
    }

    /// Sets a node group's desired size; nodes launch or drain on the
    /// next tick.
    pub fn scale_nodegroup(&mut self, group: &str, desired: u32) -> bool {
        let Some(ng) = self.nodegroups.get_mut(group) else { return false };
        ng.desired = desired;
        ng.min = ng.min.min(desired);
        ng.max = ng.max.max(desired);
        self.dirty = true;
        true
    }

    /// Registered nodes, by name.
    pub fn registered_nodes(&self, now: u64) -> impl Iterator<Item = &NodeEntry> {
        self.nodes.values().filter(move |n| n.registered(now))
    }

    /// Records an event about `object`; a repeat of the last like event on
    /// the same object counts up instead.
    pub(crate) fn record(
        &mut self,
        env: &Env,
        object: ObjectReference,
        warning: bool,
        reason: &str,
        message: String,
        component: &str,
        host: &str,
    ) {
        let now = timestamp(env.unix_now());
        let recent = self.events.len().saturating_sub(200);
        let same = self.events[recent..].iter_mut().rev().find(|e| {
            e.involved_object.uid == object.uid && e.reason == reason && e.message == message
        });
        if let Some(event) = same {
            event.count += 1;
            event.last_timestamp = Some(now);
            return;
        }
        self.sequence += 1;
        // Events about cluster-wide objects (nodes) live in `default`.
        let namespace = if object.namespace.is_empty() { "default".to_string() } else { object.namespace.clone() };
        let mut metadata = ObjectMeta {
            name: format!("{}.{:016x}", object.name, 0x1830_0000_0000_0000u64 + self.sequence),
            namespace,
            ..ObjectMeta::default()
        };
        metadata.resource_version = self.sequence.to_string();
        metadata.creation_timestamp = Some(now.clone());
        self.events.push(Event {
            api_version: "v1".into(),
            kind: "Event".into(),
            metadata,
            involved_object: object,
            reason: reason.to_string(),
            message,
            source: api::EventSource { component: component.to_string(), host: host.to_string() },
            first_timestamp: Some(now.clone()),
            last_timestamp: Some(now),
            count: 1,
            type_: if warning { "Warning" } else { "Normal" }.to_string(),
        });
        // Trimmed in batches, so that a busy cluster does not move the
        // whole list for every event.
        if self.events.len() > MAX_EVENTS + MAX_EVENTS / 10 {
            let excess = self.events.len() - MAX_EVENTS;
            self.events.drain(..excess);
        }
    }

    /// Runs the controllers until nothing more changes this tick, then
    /// works out the next timer.
    fn reconcile(&mut self, env: &mut Env, ec2: &mut Ec2, registry: &Registry) {
        for _ in 0..8 {
            self.dirty = false;
            self.sync_nodegroups(env, ec2);
            controllers::sync_deployments(self, env);
            controllers::sync_replicasets(self, env);
            scheduler::schedule(self, env);
            kubelet::run(self, env, registry);
            controllers::sync_endpoints(self);
            controllers::update_deployment_status(self, env);
            if !self.dirty {
                break;
            }
        }
        self.report_load(ec2);
        self.dirty = false;
        self.wake_at = self.next_timer(env.now());
    }

    /// Launches or removes instances so that each group has its desired
    /// size; finishes removals whose drain is over; follows node
    /// conditions.
    fn sync_nodegroups(&mut self, env: &mut Env, ec2: &mut Ec2) {
        let now = env.now();
        let groups: Vec<(String, u32)> = self.nodegroups.values().map(|g| (g.name.clone(), g.desired)).collect();
        for (group, desired) in groups {
            let live: Vec<String> = self
                .nodes
                .iter()
                .filter(|(_, n)| n.nodegroup == group && n.removing_at.is_none())
                .map(|(name, _)| name.clone())
                .collect();
            for _ in live.len()..desired as usize {
                self.launch_node(env, ec2, &group, false);
            }
            // The newest nodes go first; names sort as addresses do.
            for name in live.iter().rev().take(live.len().saturating_sub(desired as usize)) {
                self.cordon_and_drain(env, name);
            }
            let mine = self.nodes.values().filter(|n| n.nodegroup == group);
            let (count, ready) = mine.fold((0, 0), |(c, r), n| (c + 1, r + usize::from(n.ready(now))));
            if let Some(g) = self.nodegroups.get_mut(&group) {
                let status = match (count == desired as usize && ready == count, g.status.as_str()) {
                    (true, _) => "ACTIVE",
                    (false, "CREATING") => "CREATING",
                    (false, _) => "UPDATING",
                };
                if g.status != status && g.status != "DELETING" {
                    g.status = status.to_string();
                }
            }
        }
        let finished: Vec<String> = self
            .nodes
            .iter()
            .filter(|(_, n)| n.removing_at.is_some_and(|t| t <= now))
            .map(|(name, _)| name.clone())
            .collect();
        for name in finished {
            if let Some(entry) = self.nodes.remove(&name) {
                let _ = ec2.terminate_instances(env, &[entry.instance_id.clone()]);
                env.events.push(now, "EKS", format!("Node {name} left the cluster ({} terminated)", entry.instance_id));
            }
            self.dirty = true;
        }
        self.nodegroups.retain(|name, g| g.status != "DELETING" || self.nodes.values().any(|n| &n.nodegroup == name));
        let mut became_ready = Vec::new();
        for entry in self.nodes.values_mut().filter(|n| n.registered(now)) {
            let ready = entry.ready(now);
            let status = if ready { "True" } else { "False" };
            let stamp = timestamp(env.start_unix + entry.ready_at.min(now) as i64);
            let conditions = &mut entry.node.status.conditions;
            if conditions.iter().find(|c| c.type_ == "Ready").is_none_or(|c| c.status != status) {
                *conditions = node_conditions(ready, &stamp);
                if ready {
                    became_ready.push((node_reference(&entry.node), entry.arch.clone(), entry.instance_type.clone()));
                }
            }
        }
        for (reference, arch, ty) in became_ready {
            let name = reference.name.clone();
            self.record(env, reference, false, "NodeReady", format!("Node {name} status is now: NodeReady"), "kubelet", &name);
            env.events.push(now, "EKS", format!("Node {name} ({arch}, {ty}) is Ready"));
        }
    }

    /// Marks a node unschedulable, evicts its pods and schedules its
    /// instance's termination.
    pub(crate) fn cordon_and_drain(&mut self, env: &mut Env, node: &str) {
        let now = env.now();
        let Some(entry) = self.nodes.get_mut(node) else { return };
        if entry.removing_at.is_some() {
            return;
        }
        entry.removing_at = Some(now + 10);
        entry.node.spec.unschedulable = true;
        let reference = node_reference(&entry.node);
        self.record(env, reference, false, "NodeNotSchedulable", format!("Node {node} status is now: NodeNotSchedulable"), "kubelet", node);
        let bound: Vec<String> = self
            .pods
            .iter()
            .filter(|(_, p)| p.pod.spec.node_name.as_deref() == Some(node))
            .map(|(k, _)| k.clone())
            .collect();
        for pod in bound {
            self.delete_pod(env, &pod);
        }
        self.dirty = true;
    }

    /// Starts a pod's graceful deletion: it shows Terminating, then goes.
    pub(crate) fn delete_pod(&mut self, env: &mut Env, pod_key: &str) {
        let now = env.now();
        let Some(entry) = self.pods.get_mut(pod_key) else { return };
        if entry.pod.metadata.deletion_timestamp.is_some() {
            return;
        }
        entry.pod.metadata.deletion_timestamp = Some(timestamp(env.unix_now() + TERMINATING_SECONDS as i64));
        entry.pod.metadata.deletion_grace_period_seconds = Some(TERMINATING_SECONDS as i64);
        entry.run.deleted_at = Some(now + TERMINATING_SECONDS);
        let node = entry.pod.spec.node_name.clone().unwrap_or_default();
        let names: Vec<String> = entry.pod.spec.containers.iter().map(|c| c.name.clone()).collect();
        let reference = pod_reference(&entry.pod);
        let scheduled = !node.is_empty();
        let mut meta = std::mem::take(&mut entry.pod.metadata);
        self.bump(&mut meta);
        if let Some(entry) = self.pods.get_mut(pod_key) {
            entry.pod.metadata = meta;
        }
        if scheduled {
            for name in names {
                self.record(env, reference.clone(), false, "Killing", format!("Stopping container {name}"), "kubelet", &node);
            }
        }
    }

    /// Puts each node's pods' load on its instance, which drives its
    /// `CPUUtilization` and so its power and carbon: 2 % for the system,
    /// plus each running container's CPU request (50m without one).
    fn report_load(&self, ec2: &mut Ec2) {
        let mut millis: BTreeMap<&str, u64> = BTreeMap::new();
        for entry in self.pods.values() {
            let Some(node) = entry.pod.spec.node_name.as_deref() else { continue };
            for (container, run) in entry.pod.spec.containers.iter().zip(&entry.run.containers) {
                if run.stage == Stage::Running {
                    *millis.entry(node).or_default() += scheduler::cpu_request(container).max(50);
                }
            }
        }
        for entry in self.nodes.values() {
            let vcpu = catalogue().instance_type(&entry.instance_type).map_or(2, |t| t.vcpu) as f64;
            let used = millis.get(entry.node.metadata.name.as_str()).copied().unwrap_or(0) as f64;
            let base = (2.0 + 100.0 * used / (vcpu * 1000.0)).min(100.0);
            if let Some(instance) = ec2.instances.iter_mut().find(|i| i.instance_id == entry.instance_id) {
                instance.workload = Workload { base, jitter: 0.5 };
            }
        }
    }

    /// The earliest second at which something is due.
    fn next_timer(&self, now: u64) -> Option<u64> {
        let nodes = self.nodes.values().flat_map(|n| [Some(n.registers_at), Some(n.ready_at), n.removing_at]);
        let pods = self.pods.values().map(|p| p.run.next_at());
        nodes.chain(pods).flatten().filter(|&t| t > now).min()
    }

    /// A pod addresses from the VPC, as the VPC CNI hands them out.
    pub(crate) fn next_pod_ip(&mut self) -> String {
        self.pod_ips += 1;
        let n = self.pod_ips;
        format!("10.0.{}.{}", 128 + (n / 250) % 120, 2 + n % 250)
    }
}

/// A random UID in the API's 8-4-4-4-12 form.
pub(crate) fn uid(env: &mut Env) -> String {
    format!("{}-{}-{}-{}-{}", env.hex_id(8), env.hex_id(4), env.hex_id(4), env.hex_id(4), env.hex_id(12))
}

pub(crate) fn pod_reference(pod: &Pod) -> ObjectReference {
    ObjectReference {
        kind: "Pod".into(),
        namespace: pod.metadata.namespace.clone(),
        name: pod.metadata.name.clone(),
        uid: pod.metadata.uid.clone(),
        api_version: "v1".into(),
    }
}

pub(crate) fn node_reference(node: &Node) -> ObjectReference {
    ObjectReference {
        kind: "Node".into(),
        namespace: String::new(),
        name: node.metadata.name.clone(),
        uid: node.metadata.uid.clone(),
        api_version: "v1".into(),
    }
}

/// Pods an instance type may run under the VPC CNI (ENIs x IPs per ENI),
/// by size, as EKS's `eni-max-pods` lists them for the m5 family.
pub fn max_pods(instance_type: &str) -> u32 {
    let size = instance_type.split('.').nth(1).unwrap_or("large");
    match size {
        "nano" | "micro" => 4,
        "small" => 11,
        "medium" => 17,
        "large" => 29,
        "xlarge" | "2xlarge" => 58,
        "4xlarge" | "8xlarge" => 234,
        _ => 737,
    }
}

/// Capacity and allocatable resources, addresses and system info of a
/// node of type `ty`. Allocatable follows EKS's kubelet reservations: CPU
/// 6 % of the first core, 1 % of the second, 0.5 % of the next two, 0.25 %
/// of the rest; memory 255 MiB plus 11 MiB per pod, plus the 100 MiB
/// eviction threshold.
fn node_status(ty: &crate::catalogue::InstanceType, arch: &str, ip: &str, name: &str) -> api::NodeStatus {
    let cores = ty.vcpu as u64;
    let reserved_cpu = 60 + if cores >= 2 { 10 } else { 0 } + 5 * cores.saturating_sub(2).min(2) + (cores.saturating_sub(4) * 25).div_ceil(10);
    let pods = max_pods(&ty.name) as u64;
    let memory_ki = (ty.memory_gib * 1024.0 * 1024.0 * 0.94) as u64;
    let reserved_ki = (255 + 11 * pods + 100) * 1024;
    let q = |s: String| api::Quantity(s);
    let mut capacity = BTreeMap::new();
    capacity.insert("cpu".into(), q(cores.to_string()));
    capacity.insert("ephemeral-storage".into(), q("20959212Ki".into()));
    capacity.insert("memory".into(), q(format!("{memory_ki}Ki")));
    capacity.insert("pods".into(), q(pods.to_string()));
    let mut allocatable = capacity.clone();
    allocatable.insert("cpu".into(), q(format!("{}m", cores * 1000 - reserved_cpu)));
    allocatable.insert("ephemeral-storage".into(), q("18242267924".into()));
    allocatable.insert("memory".into(), q(format!("{}Ki", memory_ki.saturating_sub(reserved_ki))));
    let os_image = "Amazon Linux 2023.6.20250123";
    api::NodeStatus {
        capacity,
        allocatable,
        conditions: Vec::new(),
        addresses: vec![
            api::NodeAddress { type_: "InternalIP".into(), address: ip.to_string() },
            api::NodeAddress { type_: "InternalDNS".into(), address: name.to_string() },
            api::NodeAddress { type_: "Hostname".into(), address: name.to_string() },
        ],
        node_info: Some(api::NodeSystemInfo {
            architecture: arch.to_string(),
            container_runtime_version: "containerd://1.7.25".into(),
            kernel_version: "6.1.124-134.200.amzn2023".to_string() + if arch == "arm64" { ".aarch64" } else { ".x86_64" },
            kube_proxy_version: KUBELET_VERSION.into(),
            kubelet_version: KUBELET_VERSION.into(),
            operating_system: "linux".into(),
            os_image: os_image.into(),
        }),
    }
}

fn node_conditions(ready: bool, stamp: &str) -> Vec<Condition> {
    let condition = |type_: &str, status: &str, reason: &str, message: &str| Condition {
        type_: type_.into(),
        status: status.into(),
        last_heartbeat_time: Some(stamp.to_string()),
        last_transition_time: Some(stamp.to_string()),
        reason: Some(reason.into()),
        message: Some(message.into()),
        ..Condition::default()
    };
    vec![
        condition("MemoryPressure", "False", "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
        condition("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        condition("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        if ready {
            condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")
        } else {
            condition(
                "Ready",
                "False",
                "KubeletNotReady",
                "container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized",
            )
        },
    ]
}

/// A cluster in a quest's starting world (`[world.eks]`).
///
/// ```toml
/// [world.eks]
/// name = "gameday"
/// [[world.eks.nodegroups]]
/// name = "x86-nodes"
/// instance_type = "m5.large"
/// desired = 2
/// ```
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterSpec {
    pub name: String,
    #[serde(default)]
    pub nodegroups: Vec<NodeGroupSpec>,
}

/// A managed node group of the starting world; its nodes are Ready at
/// the start.
#[derive(Clone, Debug, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeGroupSpec {
    pub name: String,
    pub instance_type: String,
    pub desired: u32,
    #[serde(default)]
    pub min: Option<u32>,
    #[serde(default)]
    pub max: Option<u32>,
    /// Kubernetes labels for its nodes, beside the well-known ones.
    #[serde(default)]
    pub labels: api::StringMap,
    #[serde(default)]
    pub taints: Vec<api::Taint>,
}

impl ClusterSpec {
    /// What a quest file could get wrong: names, types, sizes, labels.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(problem) = values::dns1123_label_error(&self.name) {
            return Err(format!("name: {problem}"));
        }
        for (i, g) in self.nodegroups.iter().enumerate() {
            let at = format!("nodegroups[{i}]");
            if values::dns1123_label_error(&g.name).is_some() {
                return Err(format!("{at}.name: lowercase letters, digits and '-', at most 63"));
            }
            if self.nodegroups[..i].iter().any(|o| o.name == g.name) {
                return Err(format!("{at}.name: duplicate node group {:?}", g.name));
            }
            if catalogue().instance_type(&g.instance_type).is_none() {
                return Err(format!("{at}.instance_type: unknown instance type {:?}", g.instance_type));
            }
            if g.desired > 100 {
                return Err(format!("{at}.desired: at most 100 nodes per group"));
            }
            for (k, v) in &g.labels {
                if let Some(problem) = values::label_key_error(k).or_else(|| values::label_value_error(v)) {
                    return Err(format!("{at}.labels: {k}: {problem}"));
                }
            }
        }
        Ok(())
    }
}

/// Adds a starting world's registry images and cluster, nodes Ready.
pub fn build(eks: &mut Eks, env: &mut Env, ec2: &mut Ec2, spec: Option<&ClusterSpec>, images: &[registry::Image]) {
    if images.is_empty() && spec.is_none() {
        return;
    }
    eks.registry = Registry::new(crate::world::ACCOUNT_ID, &env.region);
    for image in images {
        eks.registry.push(image.clone());
    }
    let Some(spec) = spec else { return };
    let mut cluster = Cluster::new(env, &spec.name);
    for g in &spec.nodegroups {
        let group = NodeGroup {
            name: g.name.clone(),
            instance_type: g.instance_type.clone(),
            desired: g.desired,
            min: g.min.unwrap_or(g.desired.min(1)),
            max: g.max.unwrap_or(g.desired.max(1) * 2),
            status: "ACTIVE".into(),
            labels: g.labels.clone(),
            taints: g.taints.clone(),
            created: env.unix_now(),
        };
        cluster.add_nodegroup(env, ec2, group, true);
    }
    eks.cluster = Some(cluster);
}
