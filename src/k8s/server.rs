//! The API server's write path: create, apply, delete and scale, with the
//! errors it returns (`AlreadyExists`, `NotFound`, `Invalid`, immutable
//! fields).
//!
//! `kubectl apply` here replaces an object's spec, labels and annotations
//! with the manifest's (after defaults); the real command merges three
//! ways with the `last-applied-configuration` annotation, which gives the
//! same result for a player who edits one file and applies it again.
//! Deleting a Deployment deletes its ReplicaSets and their pods in the
//! background (the pods show Terminating), as the default propagation does.

use rand::RngExt;

use super::api::{IntOrString, Pod, Service};
use super::controllers::admit_pod;
use super::kubelet::PodRun;
use super::manifest::{validate, Object};
use super::{key, Cluster, PodEntry, MAX_PODS, MAX_REPLICAS};
use crate::world::Env;

/// What an apply did: kubectl prints `created`, `configured`, `unchanged`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    Created,
    Configured,
    Unchanged,
}

impl Applied {
    pub fn word(self) -> &'static str {
        match self {
            Applied::Created => "created",
            Applied::Configured => "configured",
            Applied::Unchanged => "unchanged",
        }
    }
}

/// An API error, by the reason kubectl prints in `Error from server (...)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServerError {
    /// Validation: printed as is (`The Deployment "x" is invalid: ...`).
    Invalid(String),
    NotFound(String),
    AlreadyExists(String),
    Forbidden(String),
    BadRequest(String),
}

impl ServerError {
    /// The text kubectl prints; `context` such as `error when creating
    /// "deploy.yml": ` goes before the message.
    pub fn text(&self, context: &str) -> String {
        match self {
            ServerError::Invalid(m) => m.clone(),
            ServerError::NotFound(m) => format!("Error from server (NotFound): {context}{m}"),
            ServerError::AlreadyExists(m) => format!("Error from server (AlreadyExists): {context}{m}"),
            ServerError::Forbidden(m) => format!("Error from server (Forbidden): {context}{m}"),
            ServerError::BadRequest(m) => format!("Error from server (BadRequest): {context}{m}"),
        }
    }
}

/// Whether `create` refuses an existing object, or `apply` updates it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Create,
    Apply,
}

impl Cluster {
    /// Creates or applies one object (with defaults) in `namespace` (for
    /// namespaced kinds).
    pub fn write(&mut self, env: &mut Env, mut object: Object, namespace: &str, mode: Mode) -> Result<Applied, ServerError> {
        if object.is_namespaced() {
            object.metadata_mut().namespace = namespace.to_string();
            if !self.namespaces.contains_key(namespace) {
                return Err(ServerError::NotFound(format!("namespaces \"{namespace}\" not found")));
            }
        } else {
            object.metadata_mut().namespace.clear();
        }
        validate(&object).map_err(ServerError::Invalid)?;
        let name = object.metadata().name.clone();
        let k = key(namespace, &name);
        let exists = match &object {
            Object::Namespace(_) => self.namespaces.contains_key(&name),
            Object::Deployment(_) => self.deployments.contains_key(&k),
            Object::Service(_) => self.services.contains_key(&k),
            Object::Pod(_) => self.pods.contains_key(&k),
        };
        if exists && mode == Mode::Create {
            return Err(ServerError::AlreadyExists(format!("{} \"{name}\" already exists", object.plural())));
        }
        match object {
            Object::Namespace(mut ns) => {
                if exists {
                    return Ok(Applied::Unchanged);
                }
                self.stamp_new(env, &mut ns.metadata, "");
                ns.metadata.namespace.clear();
                ns.metadata.labels.insert("kubernetes.io/metadata.name".into(), name.clone());
                ns.api_version = "v1".into();
                ns.kind = "Namespace".into();
                self.namespaces.insert(name, ns);
                Ok(Applied::Created)
            }
            Object::Deployment(mut d) => {
                d.api_version = "apps/v1".into();
                d.kind = "Deployment".into();
                let Some(old) = self.deployments.get(&k).cloned() else {
                    d.metadata.generation = Some(1);
                    self.stamp_new(env, &mut d.metadata, namespace);
                    self.deployments.insert(k, d);
                    return Ok(Applied::Created);
                };
                if old.spec.selector != d.spec.selector {
                    let selector = d.spec.selector.as_ref().map(super::values::selector_text).unwrap_or_default();
                    return Err(ServerError::Invalid(format!(
                        "The Deployment \"{name}\" is invalid: spec.selector: Invalid value: \"{selector}\": field is immutable"
                    )));
                }
                let mut labels_same = old.metadata.labels == d.metadata.labels;
                let mut annotations = d.metadata.annotations.clone();
                if let Some(revision) = old.metadata.annotations.get(super::controllers::REVISION) {
                    annotations.insert(super::controllers::REVISION.into(), revision.clone());
                }
                labels_same &= old.metadata.annotations == annotations;
                if old.spec == d.spec && labels_same {
                    return Ok(Applied::Unchanged);
                }
                let mut updated = old.clone();
                if updated.spec != d.spec {
                    updated.metadata.generation = Some(old.metadata.generation.unwrap_or(1) + 1);
                }
                updated.spec = d.spec;
                updated.metadata.labels = d.metadata.labels;
                updated.metadata.annotations = annotations;
                self.bump(&mut updated.metadata);
                self.deployments.insert(k, updated);
                Ok(Applied::Configured)
            }
            Object::Service(mut s) => {
                s.api_version = "v1".into();
                s.kind = "Service".into();
                let old = self.services.get(&k).cloned();
                self.allocate(env, &mut s, old.as_ref())?;
                let Some(old) = old else {
                    self.stamp_new(env, &mut s.metadata, namespace);
                    self.services.insert(k, s);
                    return Ok(Applied::Created);
                };
                if old.spec == s.spec && old.metadata.labels == s.metadata.labels && old.metadata.annotations == s.metadata.annotations {
                    return Ok(Applied::Unchanged);
                }
                let mut updated = old;
                updated.spec = s.spec;
                updated.metadata.labels = s.metadata.labels;
                updated.metadata.annotations = s.metadata.annotations;
                self.bump(&mut updated.metadata);
                self.services.insert(k, updated);
                Ok(Applied::Configured)
            }
            Object::Pod(mut p) => {
                p.api_version = "v1".into();
                p.kind = "Pod".into();
                if let Some(old) = self.pods.get(&k) {
                    if old.pod.spec.containers.iter().map(|c| &c.image).eq(p.spec.containers.iter().map(|c| &c.image)) {
                        return Ok(Applied::Unchanged);
                    }
                    return Err(ServerError::Invalid(format!(
                        "The Pod \"{name}\" is invalid: spec: Forbidden: pod updates may not change fields other than \
                         `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,\
                         `spec.tolerations` (only additions to existing tolerations),\
                         `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
                    )));
                }
                if self.pods.len() >= MAX_PODS {
                    return Err(ServerError::Forbidden(format!("pods \"{name}\" is forbidden: the simulated cluster holds at most {MAX_PODS} pods")));
                }
                self.add_pod(env, p, namespace);
                Ok(Applied::Created)
            }
        }
    }

    /// Adds a bare pod (no owner).
    fn add_pod(&mut self, env: &mut Env, mut pod: Pod, namespace: &str) {
        self.stamp_new(env, &mut pod.metadata, namespace);
        admit_pod(&mut pod);
        let run = PodRun::new(pod.spec.containers.len(), env.now());
        self.pods.insert(key(namespace, &pod.metadata.name), PodEntry { pod, run });
    }

    /// Gives a Service its cluster IP and node ports, keeping the old ones.
    fn allocate(&mut self, env: &mut Env, s: &mut Service, old: Option<&Service>) -> Result<(), ServerError> {
        let old_ip = old.and_then(|o| o.spec.cluster_ip.clone());
        match (&s.spec.cluster_ip, &old_ip) {
            (Some(new), Some(old)) if new != old && !new.is_empty() => {
                return Err(ServerError::Invalid(format!(
                    "The Service \"{}\" is invalid: spec.clusterIPs[0]: Invalid value: []string{{\"{new}\"}}: may not change once set",
                    s.metadata.name
                )));
            }
            (None, Some(old)) => s.spec.cluster_ip = Some(old.clone()),
            (None, None) => {
                let ip = loop {
                    let ip = format!("10.100.{}.{}", env.rng.random_range(0..256u32), env.rng.random_range(2..255u32));
                    if !self.services.values().any(|o| o.spec.cluster_ip.as_deref() == Some(ip.as_str())) {
                        break ip;
                    }
                };
                s.spec.cluster_ip = Some(ip);
            }
            _ => {}
        }
        s.spec.cluster_ips = s.spec.cluster_ip.clone().into_iter().collect();
        let wants_node_ports = matches!(s.spec.type_.as_deref(), Some("NodePort") | Some("LoadBalancer"));
        for i in 0..s.spec.ports.len() {
            if !wants_node_ports {
                s.spec.ports[i].node_port = None;
                continue;
            }
            if s.spec.ports[i].node_port.is_some() {
                continue;
            }
            let kept = old.and_then(|o| o.spec.ports.iter().find(|p| p.port == s.spec.ports[i].port)).and_then(|p| p.node_port);
            let port = match kept {
                Some(p) => p,
                None => loop {
                    let p = env.rng.random_range(30000..32768i32);
                    let used = self.services.values().flat_map(|o| &o.spec.ports).any(|o| o.node_port == Some(p));
                    if !used {
                        break p;
                    }
                },
            };
            s.spec.ports[i].node_port = Some(port);
        }
        Ok(())
    }

    /// Deletes an object by kind (`deployments`, `services`, `pods`,
    /// `replicasets`, `namespaces`), namespace and name.
    pub fn delete(&mut self, env: &mut Env, plural: &str, namespace: &str, name: &str) -> Result<(), ServerError> {
        let k = key(namespace, name);
        let not_found = || ServerError::NotFound(format!("{plural} \"{name}\" not found"));
        match plural {
            "deployments.apps" => {
                let d = self.deployments.remove(&k).ok_or_else(not_found)?;
                let owned: Vec<String> = self
                    .replicasets
                    .iter()
                    .filter(|(_, rs)| rs.metadata.owner_references.iter().any(|o| o.uid == d.metadata.uid))
                    .map(|(k, _)| k.clone())
                    .collect();
                for rs in owned {
                    self.delete_replicaset(env, &rs);
                }
            }
            "replicasets.apps" => {
                if !self.replicasets.contains_key(&k) {
                    return Err(not_found());
                }
                self.delete_replicaset(env, &k);
            }
            "services" => {
                self.services.remove(&k).ok_or_else(not_found)?;
                self.endpoints.remove(&k);
            }
            "pods" => {
                if !self.pods.contains_key(&k) {
                    return Err(not_found());
                }
                self.delete_pod(env, &k);
            }
            "namespaces" => {
                if ["default", "kube-system", "kube-public", "kube-node-lease"].contains(&name) {
                    return Err(ServerError::Forbidden(format!("namespaces \"{name}\" is forbidden: this namespace may not be deleted")));
                }
                self.namespaces.remove(name).ok_or_else(not_found)?;
                let prefix = format!("{name}/");
                self.deployments.retain(|k, _| !k.starts_with(&prefix));
                self.replicasets.retain(|k, _| !k.starts_with(&prefix));
                self.services.retain(|k, _| !k.starts_with(&prefix));
                self.endpoints.retain(|k, _| !k.starts_with(&prefix));
                self.pods.retain(|k, _| !k.starts_with(&prefix));
            }
            other => {
                return Err(ServerError::BadRequest(format!("deleting {other} is not supported by this simulated cluster")));
            }
        }
        self.dirty = true;
        Ok(())
    }

    fn delete_replicaset(&mut self, env: &mut Env, rkey: &str) {
        let Some(rs) = self.replicasets.remove(rkey) else { return };
        let pods: Vec<String> = self
            .pods
            .iter()
            .filter(|(_, p)| p.pod.metadata.owner_references.iter().any(|o| o.uid == rs.metadata.uid))
            .map(|(k, _)| k.clone())
            .collect();
        for pod in pods {
            self.delete_pod(env, &pod);
        }
    }

    /// Sets a Deployment's replicas (`kubectl scale`).
    pub fn scale_deployment(&mut self, namespace: &str, name: &str, replicas: i64) -> Result<(), ServerError> {
        let k = key(namespace, name);
        if !self.deployments.contains_key(&k) {
            return Err(ServerError::NotFound(format!("deployments.apps \"{name}\" not found")));
        }
        if !(0..=i64::from(MAX_REPLICAS)).contains(&replicas) {
            let rule = if replicas < 0 {
                "must be greater than or equal to 0".to_string()
            } else {
                format!("must be less than or equal to {MAX_REPLICAS} in this simulated cluster")
            };
            return Err(ServerError::Invalid(format!("The Deployment \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: {rule}")));
        }
        let Some(mut d) = self.deployments.remove(&k) else { return Ok(()) };
        if d.spec.replicas != Some(replicas as i32) {
            d.spec.replicas = Some(replicas as i32);
            d.metadata.generation = Some(d.metadata.generation.unwrap_or(1) + 1);
            self.bump(&mut d.metadata);
        }
        self.deployments.insert(k, d);
        Ok(())
    }
}

/// The Service `kubectl expose` makes for a Deployment: its selector, one
/// port, the target port (the container's port by default).
pub fn service_for(
    name: &str,
    selector: &super::api::StringMap,
    port: i32,
    target_port: Option<IntOrString>,
    type_: &str,
    labels: &super::api::StringMap,
) -> Service {
    let mut s = Service { api_version: "v1".into(), kind: "Service".into(), ..Service::default() };
    s.metadata.name = name.to_string();
    s.metadata.labels = labels.clone();
    s.spec.selector = selector.clone();
    s.spec.type_ = Some(type_.to_string());
    s.spec.ports.push(super::api::ServicePort {
        protocol: Some("TCP".into()),
        port,
        target_port: Some(target_port.unwrap_or(IntOrString::Int(port))),
        ..Default::default()
    });
    s
}
