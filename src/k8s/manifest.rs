//! Manifests: multi-document YAML in, typed API objects out, with the
//! API server's defaults and validation.
//!
//! The steps are kubectl's and the API server's: YAML is converted to JSON
//! (`error converting YAML to JSON: yaml: line 5: ...`), each document
//! must name its `apiVersion` and `kind`, and is validated against the
//! API's schema (`ValidationError(Deployment.spec): unknown field
//! "replica" in io.k8s.api.apps.v1.DeploymentSpec`); then the server fills
//! defaults (`strategy` RollingUpdate 25 %/25 %, `revisionHistoryLimit`
//! 10, Service `type` ClusterIP, `protocol` TCP, `targetPort` = `port`
//! ...) and checks names, labels, selectors, ports and replicas, naming
//! each field at fault (`The Deployment "x" is invalid:
//! spec.template.metadata.labels: Invalid value: ...`). Kinds we model:
//! Namespace, Deployment, Service, Pod. Input size, document count and
//! replicas are bounded; nothing here panics on any input.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::Value;

use super::api::{
    Container, Deployment, IntOrString, LabelSelector, Namespace, ObjectMeta, Pod, PodSpec, Probe, Service,
    StringMap,
};
use super::values::{dns1123_label_error, dns1123_subdomain_error, label_key_error, label_value_error, selector_matches};
use super::MAX_REPLICAS;

/// Largest request the API server takes, in bytes (etcd's limit).
pub const MAX_MANIFEST_BYTES: usize = 3 * 1024 * 1024;
/// Most documents one file may hold here.
pub const MAX_DOCUMENTS: usize = 500;

/// An object a manifest can create.
#[derive(Clone, Debug, PartialEq)]
pub enum Object {
    Namespace(Namespace),
    Deployment(Deployment),
    Service(Service),
    Pod(Pod),
}

impl Object {
    pub fn kind(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "Namespace",
            Object::Deployment(_) => "Deployment",
            Object::Service(_) => "Service",
            Object::Pod(_) => "Pod",
        }
    }

    pub fn metadata(&self) -> &ObjectMeta {
        match self {
            Object::Namespace(o) => &o.metadata,
            Object::Deployment(o) => &o.metadata,
            Object::Service(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
        }
    }

    pub fn metadata_mut(&mut self) -> &mut ObjectMeta {
        match self {
            Object::Namespace(o) => &mut o.metadata,
            Object::Deployment(o) => &mut o.metadata,
            Object::Service(o) => &mut o.metadata,
            Object::Pod(o) => &mut o.metadata,
        }
    }

    /// kubectl's name for the resource in messages: `deployment.apps`.
    pub fn resource(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "namespace",
            Object::Deployment(_) => "deployment.apps",
            Object::Service(_) => "service",
            Object::Pod(_) => "pod",
        }
    }

    /// The plural in API errors: `deployments.apps "x" not found`.
    pub fn plural(&self) -> &'static str {
        match self {
            Object::Namespace(_) => "namespaces",
            Object::Deployment(_) => "deployments.apps",
            Object::Service(_) => "services",
            Object::Pod(_) => "pods",
        }
    }

    pub fn is_namespaced(&self) -> bool {
        !matches!(self, Object::Namespace(_))
    }
}

/// Kinds a real cluster has that the simulation does not model.
const UNMODELLED_KINDS: &[&str] = &[
    "ConfigMap", "Secret", "Ingress", "StatefulSet", "DaemonSet", "Job", "CronJob", "ServiceAccount",
    "PersistentVolumeClaim", "HorizontalPodAutoscaler", "ReplicaSet", "Role", "RoleBinding",
    "ClusterRole", "ClusterRoleBinding", "NetworkPolicy", "PodDisruptionBudget",
];

/// Reads every document of a manifest file as kubectl does before it
/// sends anything: parse, check `apiVersion` and `kind`, validate against
/// the schema, fill the server's defaults. `file` names the file in
/// errors; an error is the whole text kubectl would print.
pub fn parse(file: &str, text: &str) -> Result<Vec<Object>, String> {
    if text.len() > MAX_MANIFEST_BYTES {
        return Err(format!(
            "Error from server (RequestEntityTooLarge): error when creating \"{file}\": Request entity too large: limit is {MAX_MANIFEST_BYTES}"
        ));
    }
    let mut objects = Vec::new();
    for document in serde_yaml_ng::Deserializer::from_str(text) {
        if objects.len() >= MAX_DOCUMENTS {
            return Err(format!("error: error reading \"{file}\": more than {MAX_DOCUMENTS} documents; split the file"));
        }
        let value = Value::deserialize(document).map_err(|e| yaml_error(file, &e))?;
        if value.is_null() {
            continue;
        }
        objects.push(decode(file, value)?);
    }
    if objects.is_empty() {
        return Err(format!("error: no objects passed to apply"));
    }
    Ok(objects)
}

/// `error parsing x: error converting YAML to JSON: yaml: line 5: ...`.
fn yaml_error(file: &str, e: &serde_yaml_ng::Error) -> String {
    let text = e.to_string();
    let message = match text.find(" at line ") {
        Some(at) => &text[..at],
        None => text.as_str(),
    };
    match e.location() {
        Some(l) => format!("error: error parsing {file}: error converting YAML to JSON: yaml: line {}: {message}", l.line()),
        None => format!("error: error parsing {file}: error converting YAML to JSON: yaml: {message}"),
    }
}

fn validation_failed(file: &str, detail: &str) -> String {
    format!(
        "error: error validating \"{file}\": error validating data: {detail}; if you choose to ignore these errors, turn validation off with --validate=false"
    )
}

/// One document's JSON to a typed object with defaults.
fn decode(file: &str, value: Value) -> Result<Object, String> {
    let Value::Object(map) = &value else {
        return Err(format!("error: error validating \"{file}\": error validating data: invalid object to validate"));
    };
    let text = |k: &str| map.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let (api_version, kind) = (text("apiVersion"), text("kind"));
    let missing: Vec<&str> = [("apiVersion not set", &api_version), ("kind not set", &kind)]
        .iter()
        .filter(|(_, v)| v.is_empty())
        .map(|(m, _)| *m)
        .collect();
    match missing.as_slice() {
        [] => {}
        [one] => return Err(validation_failed(file, one)),
        many => return Err(validation_failed(file, &format!("[{}]", many.join(", ")))),
    }
    let name = map.get("metadata").and_then(|m| m.get("name")).and_then(Value::as_str).unwrap_or("");
    let namespace = map.get("metadata").and_then(|m| m.get("namespace")).and_then(Value::as_str).unwrap_or("");
    let object = match (api_version.as_str(), kind.as_str()) {
        ("apps/v1", "Deployment") => Object::Deployment(typed(file, "Deployment", value)?),
        ("v1", "Service") => Object::Service(typed(file, "Service", value)?),
        ("v1", "Pod") => Object::Pod(typed(file, "Pod", value)?),
        ("v1", "Namespace") => Object::Namespace(typed(file, "Namespace", value)?),
        (_, kind) if UNMODELLED_KINDS.contains(&kind) => {
            return Err(format!(
                "error: error when creating \"{file}\": this simulated cluster does not model {kind} objects yet; \
                 it has Namespaces, Deployments, Services and Pods"
            ))
        }
        (version, kind) => {
            return Err(format!(
                "error: resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{file}\": \
                 no matches for kind \"{kind}\" in version \"{version}\"\nensure CRDs are installed first"
            ))
        }
    };
    Ok(with_defaults(object))
}

/// Deserializes with the field path of any error, worded as kubectl's
/// schema validation words it.
fn typed<T: DeserializeOwned>(file: &str, kind: &str, value: Value) -> Result<T, String> {
    let original = value.clone();
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let path: Vec<String> = e.path().iter().map(|s| s.to_string()).collect();
        let inner = e.inner().to_string();
        validation_failed(file, &schema_error(kind, &path, &inner, &original))
    })
}

/// `ValidationError(Deployment.spec): unknown field "replica" in ...`.
fn schema_error(kind: &str, path: &[String], inner: &str, document: &Value) -> String {
    // Path segments print as `spec`, `containers`, `[0]`; kubectl joins
    // fields with dots and glues indices on.
    let join = |segments: &[String]| {
        let mut out = kind.to_string();
        for s in segments {
            if s.starts_with('[') {
                out.push_str(s);
            } else {
                out.push('.');
                out.push_str(s);
            }
        }
        out
    };
    let fields = |segments: &[String]| segments.iter().filter(|s| !s.starts_with('[')).cloned().collect::<Vec<_>>();
    if let Some(rest) = inner.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        // The path may or may not end at the unknown field itself.
        let parent = match path.last() {
            Some(last) if last == field => &path[..path.len() - 1],
            _ => path,
        };
        let ty = api_type(kind, &fields(parent));
        return format!("ValidationError({}): unknown field \"{field}\" in {ty}", join(parent));
    }
    if let Some(rest) = inner.strip_prefix("missing field `") {
        let field = rest.split('`').next().unwrap_or("");
        let ty = api_type(kind, &fields(path));
        return format!("ValidationError({}): missing required field \"{field}\" in {ty}", join(path));
    }
    if inner.starts_with("invalid type") || inner.starts_with("invalid value") || inner.starts_with("data did not match") {
        let Some((field, parent)) = path.split_last() else {
            return format!("ValidationError({kind}): {inner}");
        };
        let parent_fields = fields(parent);
        let field_name = if field.starts_with('[') { parent_fields.last().cloned().unwrap_or_default() } else { field.clone() };
        let owner = if field.starts_with('[') { &parent_fields[..parent_fields.len().saturating_sub(1)] } else { &parent_fields[..] };
        let got = json_type(pointer(document, path));
        let expected = expected_type(inner);
        if inner.starts_with("invalid value") {
            return format!("ValidationError({}): {inner}", join(path));
        }
        return format!(
            "ValidationError({}): invalid type for {}.{field_name}: got \"{got}\", expected \"{expected}\"",
            join(path),
            api_type(kind, owner)
        );
    }
    format!("ValidationError({}): {inner}", join(path))
}

fn pointer<'a>(document: &'a Value, path: &[String]) -> Option<&'a Value> {
    let mut at = document;
    for segment in path {
        at = match segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            Some(index) => at.get(index.parse::<usize>().ok()?)?,
            None => at.get(segment)?,
        };
    }
    Some(at)
}

fn json_type(value: Option<&Value>) -> &'static str {
    match value {
        Some(Value::String(_)) => "string",
        Some(Value::Number(_)) => "integer",
        Some(Value::Bool(_)) => "boolean",
        Some(Value::Array(_)) => "array",
        Some(Value::Object(_)) => "map",
        Some(Value::Null) | None => "null",
    }
}

fn expected_type(inner: &str) -> &'static str {
    let expected = inner.split("expected ").nth(1).unwrap_or("");
    if expected.starts_with('i') || expected.starts_with('u') || expected.contains("integer") {
        "integer"
    } else if expected.contains("string") {
        "string"
    } else if expected.contains("bool") {
        "boolean"
    } else if expected.contains("sequence") {
        "array"
    } else {
        "map"
    }
}

/// The OpenAPI name of the type at `fields` (indices left out) under a
/// kind: `io.k8s.api.apps.v1.DeploymentSpec` for `spec` of Deployment.
fn api_type(kind: &str, fields: &[String]) -> String {
    let mut ty = match kind {
        "Deployment" => "io.k8s.api.apps.v1.Deployment",
        "Service" => "io.k8s.api.core.v1.Service",
        "Pod" => "io.k8s.api.core.v1.Pod",
        _ => "io.k8s.api.core.v1.Namespace",
    };
    for field in fields {
        let short = ty.rsplit('.').next().unwrap_or("");
        ty = match (short, field.as_str()) {
            (_, "metadata") => "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
            ("ObjectMeta", "ownerReferences") => "io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference",
            ("Deployment", "spec") => "io.k8s.api.apps.v1.DeploymentSpec",
            ("Deployment", "status") => "io.k8s.api.apps.v1.DeploymentStatus",
            ("DeploymentSpec", "selector") => "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector",
            ("LabelSelector", "matchExpressions") => "io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement",
            ("DeploymentSpec", "template") => "io.k8s.api.core.v1.PodTemplateSpec",
            ("DeploymentSpec", "strategy") => "io.k8s.api.apps.v1.DeploymentStrategy",
            ("DeploymentStrategy", "rollingUpdate") => "io.k8s.api.apps.v1.RollingUpdateDeployment",
            ("PodTemplateSpec" | "Pod", "spec") => "io.k8s.api.core.v1.PodSpec",
            ("Pod", "status") => "io.k8s.api.core.v1.PodStatus",
            ("PodSpec", "containers") => "io.k8s.api.core.v1.Container",
            ("PodSpec", "affinity") => "io.k8s.api.core.v1.Affinity",
            ("PodSpec", "tolerations") => "io.k8s.api.core.v1.Toleration",
            ("Container", "ports") => "io.k8s.api.core.v1.ContainerPort",
            ("Container", "resources") => "io.k8s.api.core.v1.ResourceRequirements",
            ("Container", "readinessProbe" | "livenessProbe" | "startupProbe") => "io.k8s.api.core.v1.Probe",
            ("Probe", "httpGet") => "io.k8s.api.core.v1.HTTPGetAction",
            ("Probe", "tcpSocket") => "io.k8s.api.core.v1.TCPSocketAction",
            ("Affinity", "nodeAffinity") => "io.k8s.api.core.v1.NodeAffinity",
            ("NodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution") => "io.k8s.api.core.v1.NodeSelector",
            ("NodeSelector", "nodeSelectorTerms") => "io.k8s.api.core.v1.NodeSelectorTerm",
            ("NodeSelectorTerm", _) => "io.k8s.api.core.v1.NodeSelectorRequirement",
            ("Service", "spec") => "io.k8s.api.core.v1.ServiceSpec",
            ("Service", "status") => "io.k8s.api.core.v1.ServiceStatus",
            ("ServiceSpec", "ports") => "io.k8s.api.core.v1.ServicePort",
            ("Namespace", "status") => "io.k8s.api.core.v1.NamespaceStatus",
            _ => ty,
        };
    }
    ty.to_string()
}

/// Fills what the API server defaults.
pub fn with_defaults(object: Object) -> Object {
    match object {
        Object::Deployment(mut d) => {
            let spec = &mut d.spec;
            spec.replicas.get_or_insert(1);
            spec.revision_history_limit.get_or_insert(10);
            spec.progress_deadline_seconds.get_or_insert(600);
            let strategy = spec.strategy.get_or_insert_with(Default::default);
            let type_ = strategy.type_.get_or_insert_with(|| "RollingUpdate".into()).clone();
            if type_ == "RollingUpdate" {
                let rolling = strategy.rolling_update.get_or_insert_with(Default::default);
                rolling.max_surge.get_or_insert(IntOrString::String("25%".into()));
                rolling.max_unavailable.get_or_insert(IntOrString::String("25%".into()));
            }
            pod_spec_defaults(&mut spec.template.spec);
            d.status = None;
            Object::Deployment(d)
        }
        Object::Pod(mut p) => {
            pod_spec_defaults(&mut p.spec);
            p.status = Default::default();
            Object::Pod(p)
        }
        Object::Service(mut s) => {
            let spec = &mut s.spec;
            let type_ = spec.type_.get_or_insert_with(|| "ClusterIP".into()).clone();
            spec.session_affinity.get_or_insert_with(|| "None".into());
            spec.internal_traffic_policy.get_or_insert_with(|| "Cluster".into());
            spec.ip_family_policy.get_or_insert_with(|| "SingleStack".into());
            spec.ip_families.get_or_insert_with(|| Value::Array(vec![Value::String("IPv4".into())]));
            if type_ == "NodePort" || type_ == "LoadBalancer" {
                spec.external_traffic_policy.get_or_insert_with(|| "Cluster".into());
            }
            if type_ == "LoadBalancer" {
                spec.allocate_load_balancer_node_ports.get_or_insert(true);
            }
            for port in &mut spec.ports {
                port.protocol.get_or_insert_with(|| "TCP".into());
                let number = port.port;
                port.target_port.get_or_insert(IntOrString::Int(number));
            }
            s.status = Default::default();
            Object::Service(s)
        }
        Object::Namespace(mut n) => {
            n.status = Some(super::api::NamespaceStatus { phase: Some("Active".into()) });
            Object::Namespace(n)
        }
    }
}

fn pod_spec_defaults(spec: &mut PodSpec) {
    spec.restart_policy.get_or_insert_with(|| "Always".into());
    spec.termination_grace_period_seconds.get_or_insert(30);
    spec.dns_policy.get_or_insert_with(|| "ClusterFirst".into());
    spec.scheduler_name.get_or_insert_with(|| "default-scheduler".into());
    spec.security_context.get_or_insert_with(|| Value::Object(Default::default()));
    for c in &mut spec.containers {
        let tag = super::registry::split_reference(&c.image).map_or("latest", |(_, _, t)| t);
        let policy = if tag == "latest" { "Always" } else { "IfNotPresent" };
        c.image_pull_policy.get_or_insert_with(|| policy.into());
        c.termination_message_path.get_or_insert_with(|| "/dev/termination-log".into());
        c.termination_message_policy.get_or_insert_with(|| "File".into());
        c.resources.get_or_insert_with(Default::default);
        for p in &mut c.ports {
            p.protocol.get_or_insert_with(|| "TCP".into());
        }
        for probe in [&mut c.readiness_probe, &mut c.liveness_probe, &mut c.startup_probe].into_iter().flatten() {
            probe_defaults(probe);
        }
    }
}

fn probe_defaults(probe: &mut Probe) {
    probe.timeout_seconds.get_or_insert(1);
    probe.period_seconds.get_or_insert(10);
    probe.success_threshold.get_or_insert(1);
    probe.failure_threshold.get_or_insert(3);
    if let Some(get) = probe.http_get.as_mut() {
        get.scheme.get_or_insert_with(|| "HTTP".into());
        get.path.get_or_insert_with(|| "/".into());
    }
}

/// The API server's validation of an object with defaults; the error is
/// the whole message, `The Deployment "x" is invalid: ...`.
pub fn validate(object: &Object) -> Result<(), String> {
    let mut errors = Vec::new();
    let meta = object.metadata();
    if meta.name.is_empty() {
        errors.push("metadata.name: Required value: name or generateName is required".to_string());
    } else {
        let problem = match object {
            Object::Service(_) => dns1035_error(&meta.name),
            Object::Namespace(_) => dns1123_label_error(&meta.name),
            _ => dns1123_subdomain_error(&meta.name),
        };
        if let Some(problem) = problem {
            errors.push(format!("metadata.name: Invalid value: \"{}\": {problem}", meta.name));
        }
    }
    labels(&mut errors, "metadata.labels", &meta.labels);
    match object {
        Object::Deployment(d) => deployment(&mut errors, d),
        Object::Pod(p) => pod_spec(&mut errors, "spec", &p.spec),
        Object::Service(s) => service(&mut errors, s),
        Object::Namespace(_) => {}
    }
    match errors.as_slice() {
        [] => Ok(()),
        [one] => Err(format!("The {} \"{}\" is invalid: {one}", object.kind(), meta.name)),
        many => Err(format!("The {} \"{}\" is invalid: [{}]", object.kind(), meta.name, many.join(", "))),
    }
}

fn dns1035_error(name: &str) -> Option<String> {
    let starts_alpha = name.chars().next().is_some_and(|c| c.is_ascii_lowercase());
    if name.len() > 63 {
        return Some("must be no more than 63 characters".into());
    }
    (dns1123_label_error(name).is_some() || !starts_alpha).then(|| {
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an \
         alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or \
         'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            .to_string()
    })
}

fn labels(errors: &mut Vec<String>, field: &str, labels: &StringMap) {
    for (key, value) in labels {
        if let Some(problem) = label_key_error(key) {
            errors.push(format!("{field}: Invalid value: \"{key}\": {problem}"));
        }
        if let Some(problem) = label_value_error(value) {
            errors.push(format!("{field}: Invalid value: \"{value}\": {problem}"));
        }
    }
}

/// Go's `%#v` of a `map[string]string`, as API errors print labels.
fn go_map(map: &StringMap) -> String {
    let pairs: Vec<String> = map.iter().map(|(k, v)| format!("{k:?}:{v:?}")).collect();
    format!("map[string]string{{{}}}", pairs.join(", "))
}

fn go_selector(selector: &LabelSelector) -> String {
    let labels = if selector.match_labels.is_empty() { "map[string]string(nil)".to_string() } else { go_map(&selector.match_labels) };
    format!("v1.LabelSelector{{MatchLabels:{labels}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}")
}

fn deployment(errors: &mut Vec<String>, d: &Deployment) {
    let spec = &d.spec;
    if let Some(replicas) = spec.replicas {
        if replicas < 0 {
            errors.push(format!("spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"));
        } else if replicas > MAX_REPLICAS {
            errors.push(format!(
                "spec.replicas: Invalid value: {replicas}: must be less than or equal to {MAX_REPLICAS} in this simulated cluster"
            ));
        }
    }
    let template_labels = &spec.template.metadata.labels;
    match &spec.selector {
        None => {
            errors.push("spec.selector: Required value".into());
            errors.push(format!(
                "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
                go_map(template_labels)
            ));
        }
        Some(selector) if selector.match_labels.is_empty() && selector.match_expressions.is_empty() => {
            errors.push(format!("spec.selector: Invalid value: {}: empty selector is invalid for deployment", go_selector(selector)));
        }
        Some(selector) => {
            labels(errors, "spec.selector.matchLabels", &selector.match_labels);
            if !selector_matches(selector, template_labels) {
                errors.push(format!(
                    "spec.template.metadata.labels: Invalid value: {}: `selector` does not match template `labels`",
                    go_map(template_labels)
                ));
            }
        }
    }
    labels(errors, "spec.template.metadata.labels", template_labels);
    if let Some(strategy) = &spec.strategy {
        match strategy.type_.as_deref() {
            Some("RollingUpdate") | Some("Recreate") | None => {}
            Some(other) => errors.push(format!(
                "spec.strategy.type: Unsupported value: \"{other}\": supported values: \"Recreate\", \"RollingUpdate\""
            )),
        }
        if let Some(rolling) = &strategy.rolling_update {
            let replicas = spec.replicas.unwrap_or(1);
            for (name, value) in [("maxSurge", &rolling.max_surge), ("maxUnavailable", &rolling.max_unavailable)] {
                if let Some(IntOrString::String(s)) = value {
                    let ok = s.strip_suffix('%').and_then(|n| n.parse::<u32>().ok()).is_some();
                    if !ok {
                        errors.push(format!(
                            "spec.strategy.rollingUpdate.{name}: Invalid value: \"{s}\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"
                        ));
                    }
                }
            }
            let surge = super::controllers::resolve(rolling.max_surge.as_ref(), replicas.max(1) * 100, true);
            let unavailable = super::controllers::resolve(rolling.max_unavailable.as_ref(), replicas.max(1) * 100, false);
            if surge == 0 && unavailable == 0 {
                errors.push("spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0".into());
            }
        }
    }
    pod_spec(errors, "spec.template.spec", &spec.template.spec);
}

fn pod_spec(errors: &mut Vec<String>, at: &str, spec: &PodSpec) {
    if spec.containers.is_empty() {
        errors.push(format!("{at}.containers: Required value"));
    }
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, c) in spec.containers.iter().enumerate() {
        container(errors, &format!("{at}.containers[{i}]"), c);
        if !c.name.is_empty() {
            if names.contains_key(c.name.as_str()) {
                errors.push(format!("{at}.containers[{i}].name: Duplicate value: \"{}\"", c.name));
            }
            names.insert(&c.name, i);
        }
    }
    if let Some(policy) = &spec.restart_policy {
        if !["Always", "OnFailure", "Never"].contains(&policy.as_str()) {
            errors.push(format!("{at}.restartPolicy: Unsupported value: \"{policy}\": supported values: \"Always\", \"OnFailure\", \"Never\""));
        }
    }
    labels(errors, &format!("{at}.nodeSelector"), &spec.node_selector);
    for (i, t) in spec.tolerations.iter().enumerate() {
        if let Some(op) = &t.operator {
            if op != "Exists" && op != "Equal" {
                errors.push(format!("{at}.tolerations[{i}].operator: Unsupported value: \"{op}\": supported values: \"Equal\", \"Exists\""));
            }
        }
        if let Some(effect) = &t.effect {
            if !["", "NoSchedule", "PreferNoSchedule", "NoExecute"].contains(&effect.as_str()) {
                errors.push(format!(
                    "{at}.tolerations[{i}].effect: Unsupported value: \"{effect}\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""
                ));
            }
        }
    }
    let terms = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| n.required_during_scheduling_ignored_during_execution.as_ref());
    if let Some(selector) = terms {
        let field = format!("{at}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
        if selector.node_selector_terms.is_empty() {
            errors.push(format!("{field}: Required value: must have at least one node selector term"));
        }
        for (i, term) in selector.node_selector_terms.iter().enumerate() {
            for (j, r) in term.match_expressions.iter().enumerate() {
                let ops = ["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"];
                if !ops.contains(&r.operator.as_str()) {
                    errors.push(format!(
                        "{field}[{i}].matchExpressions[{j}].operator: Invalid value: \"{}\": not a valid selector operator",
                        r.operator
                    ));
                } else if matches!(r.operator.as_str(), "In" | "NotIn") && r.values.is_empty() {
                    errors.push(format!(
                        "{field}[{i}].matchExpressions[{j}].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"
                    ));
                }
            }
        }
    }
}

fn container(errors: &mut Vec<String>, at: &str, c: &Container) {
    if c.name.is_empty() {
        errors.push(format!("{at}.name: Required value"));
    } else if let Some(problem) = dns1123_label_error(&c.name) {
        errors.push(format!("{at}.name: Invalid value: \"{}\": {problem}", c.name));
    }
    if c.image.trim().is_empty() {
        errors.push(format!("{at}.image: Required value"));
    }
    for (i, p) in c.ports.iter().enumerate() {
        if !(1..=65535).contains(&p.container_port) {
            errors.push(format!("{at}.ports[{i}].containerPort: Invalid value: {}: must be between 1 and 65535, inclusive", p.container_port));
        }
        if let Some(protocol) = &p.protocol {
            if !["TCP", "UDP", "SCTP"].contains(&protocol.as_str()) {
                errors.push(format!("{at}.ports[{i}].protocol: Unsupported value: \"{protocol}\": supported values: \"SCTP\", \"TCP\", \"UDP\""));
            }
        }
    }
    if let Some(resources) = &c.resources {
        for (kind, map) in [("requests", &resources.requests), ("limits", &resources.limits)] {
            for (name, q) in map {
                if super::values::parse_quantity(&q.0).is_none() {
                    errors.push(format!(
                        "{at}.resources.{kind}[{name}]: Invalid value: \"{}\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                        q.0
                    ));
                }
            }
        }
    }
    if let Some(probe) = &c.readiness_probe {
        match probe.port() {
            None if probe.exec.is_none() && probe.grpc.is_none() => {
                errors.push(format!("{at}.readinessProbe: Required value: must specify a handler type"));
            }
            Some(IntOrString::Int(port)) if !(1..=65535).contains(port) => {
                errors.push(format!("{at}.readinessProbe.httpGet.port: Invalid value: {port}: must be between 1 and 65535, inclusive"));
            }
            _ => {}
        }
    }
}

fn service(errors: &mut Vec<String>, s: &Service) {
    let spec = &s.spec;
    let type_ = spec.type_.as_deref().unwrap_or("ClusterIP");
    if !["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"].contains(&type_) {
        errors.push(format!(
            "spec.type: Unsupported value: \"{type_}\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        ));
    }
    if type_ != "ExternalName" && spec.ports.is_empty() {
        errors.push("spec.ports: Required value".into());
    }
    labels(errors, "spec.selector", &spec.selector);
    for (i, p) in spec.ports.iter().enumerate() {
        if spec.ports.len() > 1 && p.name.as_deref().unwrap_or("").is_empty() {
            errors.push(format!("spec.ports[{i}].name: Required value"));
        }
        if !(1..=65535).contains(&p.port) {
            errors.push(format!("spec.ports[{i}].port: Invalid value: {}: must be between 1 and 65535, inclusive", p.port));
        }
        match &p.target_port {
            Some(IntOrString::Int(n)) if !(1..=65535).contains(n) => {
                errors.push(format!("spec.ports[{i}].targetPort: Invalid value: {n}: must be between 1 and 65535, inclusive"));
            }
            Some(IntOrString::String(name)) if name.is_empty() || name.len() > 15 || !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') => {
                errors.push(format!("spec.ports[{i}].targetPort: Invalid value: \"{name}\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"));
            }
            _ => {}
        }
        if let Some(protocol) = &p.protocol {
            if !["TCP", "UDP", "SCTP"].contains(&protocol.as_str()) {
                errors.push(format!("spec.ports[{i}].protocol: Unsupported value: \"{protocol}\": supported values: \"SCTP\", \"TCP\", \"UDP\""));
            }
        }
        if let Some(node_port) = p.node_port {
            if type_ == "ClusterIP" {
                errors.push(format!("spec.ports[{i}].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"));
            } else if !(30000..=32767).contains(&node_port) {
                errors.push(format!("spec.ports[{i}].nodePort: Invalid value: {node_port}: provided port is not in the valid range. The range of valid ports is 30000-32767"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEED: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: gameday-deployment
  labels:
    app: nginx
    architecture: x_86
spec:
  replicas: 1
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
        service: gameday
    spec:
      containers:
        - name: app
          image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/gameday-images:x86_latest
          ports:
            - containerPort: 3000
---
apiVersion: v1
kind: Service
metadata:
  name: gameday-service
spec:
  selector:
    service: gameday
  ports:
    - protocol: TCP
      port: 80
      targetPort: 3000
";

    #[test]
    fn seed_manifests_parse_with_defaults() {
        let objects = parse("deploy.yml", SEED).unwrap();
        assert_eq!(objects.len(), 2);
        let Object::Deployment(d) = &objects[0] else { panic!("not a deployment") };
        let rolling = d.spec.strategy.as_ref().and_then(|s| s.rolling_update.as_ref()).unwrap();
        assert_eq!(rolling.max_surge, Some(IntOrString::String("25%".into())));
        assert_eq!(d.spec.revision_history_limit, Some(10));
        assert_eq!(d.spec.template.spec.containers[0].ports[0].protocol.as_deref(), Some("TCP"));
        let Object::Service(s) = &objects[1] else { panic!("not a service") };
        assert_eq!(s.spec.type_.as_deref(), Some("ClusterIP"));
        for object in &objects {
            validate(object).unwrap();
        }
    }

    #[test]
    fn unknown_fields_are_named_with_their_type() {
        let text = SEED.replace("  replicas: 1", "  replica: 1");
        let err = parse("deploy.yml", &text).unwrap_err();
        assert_eq!(
            err,
            "error: error validating \"deploy.yml\": error validating data: ValidationError(Deployment.spec): \
             unknown field \"replica\" in io.k8s.api.apps.v1.DeploymentSpec; if you choose to ignore these \
             errors, turn validation off with --validate=false"
        );
        let text = SEED.replace("containerPort: 3000", "containerport: 3000");
        let err = parse("deploy.yml", &text).unwrap_err();
        assert!(err.contains("ValidationError(Deployment.spec.template.spec.containers[0].ports[0]): unknown field \"containerport\" in io.k8s.api.core.v1.ContainerPort"), "{err}");
    }

    #[test]
    fn wrong_types_say_what_was_expected() {
        let err = parse("d.yml", &SEED.replace("replicas: 1", "replicas: three")).unwrap_err();
        assert!(err.contains("ValidationError(Deployment.spec.replicas): invalid type for io.k8s.api.apps.v1.DeploymentSpec.replicas: got \"string\", expected \"integer\""), "{err}");
    }

    #[test]
    fn selector_must_match_template() {
        let objects = parse("d.yml", &SEED.replace("      app: nginx\n  template", "      app: web\n  template")).unwrap();
        let err = validate(&objects[0]).unwrap_err();
        assert_eq!(
            err,
            "The Deployment \"gameday-deployment\" is invalid: spec.template.metadata.labels: Invalid value: \
             map[string]string{\"app\":\"nginx\", \"service\":\"gameday\"}: `selector` does not match template `labels`"
        );
    }

    #[test]
    fn bad_yaml_and_missing_kind_are_reported_like_kubectl() {
        let err = parse("d.yml", "kind: Deployment\n  bad: [").unwrap_err();
        assert!(err.starts_with("error: error parsing d.yml: error converting YAML to JSON: yaml: line"), "{err}");
        let err = parse("d.yml", "metadata:\n  name: x\n").unwrap_err();
        assert!(err.contains("[apiVersion not set, kind not set]"), "{err}");
        let err = parse("d.yml", "apiVersion: apps/v1\nkind: Deploymnt\nmetadata:\n  name: x\n").unwrap_err();
        assert!(err.contains("no matches for kind \"Deploymnt\" in version \"apps/v1\""), "{err}");
    }

    #[test]
    fn names_labels_and_replicas_are_bounded() {
        let long = "a".repeat(64);
        let objects = parse("d.yml", &SEED.replace("name: gameday-service", &format!("name: {long}"))).unwrap();
        assert!(validate(&objects[1]).unwrap_err().contains("must be no more than 63 characters"));
        let objects = parse("d.yml", &SEED.replace("architecture: x_86", "architecture: \"-x86\"")).unwrap();
        assert!(validate(&objects[0]).unwrap_err().contains("metadata.labels: Invalid value: \"-x86\""));
        let objects = parse("d.yml", &SEED.replace("replicas: 1", "replicas: 2000000")).unwrap();
        assert!(validate(&objects[0]).unwrap_err().contains("spec.replicas: Invalid value: 2000000"));
        let huge = "#".repeat(MAX_MANIFEST_BYTES + 1);
        assert!(parse("d.yml", &huge).unwrap_err().contains("Request entity too large"));
    }
}
