//! How kubectl prints: tables aligned by Go's tabwriter (3 spaces of
//! padding for `get`, 2 for `describe`), the columns of each resource in
//! `get` (and `-o wide`), `-o yaml|json|name`, and `describe` with Events.

use serde_json::Value;

use crate::k8s::api::{ContainerStatus, Event, Pod, ServicePort};
use crate::k8s::values::{age, describe_date, parse_timestamp, selector_text};
use crate::k8s::{Cluster, NodeEntry, PodEntry};

/// Aligns tab-separated cells as Go's `text/tabwriter` does: a column
/// runs over consecutive lines that have a cell in it, and is as wide as
/// its widest cell plus `padding`. The last cell of a line is not padded.
pub fn tabwrite(text: &str, padding: usize) -> String {
    let lines: Vec<Vec<&str>> = text.split('\n').map(|l| l.split('\t').collect()).collect();
    let mut widths: Vec<Vec<usize>> = lines.iter().map(|c| vec![0; c.len().saturating_sub(1)]).collect();
    align(&lines, &mut widths, 0, 0, lines.len(), padding);
    let mut out = String::with_capacity(text.len() * 2);
    for (i, (cells, widths)) in lines.iter().zip(&widths).enumerate() {
        if i > 0 {
            out.push('\n');
        }
        for (j, cell) in cells.iter().enumerate() {
            out.push_str(cell);
            if let Some(w) = widths.get(j) {
                let pad = w.saturating_sub(cell.chars().count());
                out.extend(std::iter::repeat_n(' ', pad));
            }
        }
    }
    out
}

fn align(lines: &[Vec<&str>], widths: &mut [Vec<usize>], col: usize, start: usize, end: usize, padding: usize) {
    let mut i = start;
    while i < end {
        if lines[i].len().saturating_sub(1) <= col {
            i += 1;
            continue;
        }
        let mut j = i;
        let mut width = 0;
        while j < end && lines[j].len().saturating_sub(1) > col {
            width = width.max(lines[j][col].chars().count() + padding);
            j += 1;
        }
        for w in widths.iter_mut().take(j).skip(i) {
            w[col] = width;
        }
        align(lines, widths, col + 1, i, j, padding);
        i = j;
    }
}

/// A table for `get`: header and rows, cells joined by tabs.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut text = header.join("\t");
    for row in rows {
        text.push('\n');
        text.push_str(&row.join("\t"));
    }
    tabwrite(&text, 3)
}

/// Seconds since an RFC 3339 timestamp, as an age.
pub fn since(stamp: Option<&String>, now_unix: i64) -> String {
    match stamp.and_then(|s| parse_timestamp(s)) {
        Some(t) => age(now_unix.saturating_sub(t).max(0) as u64),
        None => "<unknown>".into(),
    }
}

fn or_none(text: String) -> String {
    if text.is_empty() {
        "<none>".into()
    } else {
        text
    }
}

/// `app=nginx,service=gameday`, or `<none>`.
pub fn labels_text(labels: &crate::k8s::api::StringMap) -> String {
    or_none(labels.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(","))
}

/// The STATUS column of a pod, worked out as kubectl's printer does.
pub fn pod_status(pod: &Pod) -> String {
    let mut reason = pod.status.reason.clone().unwrap_or_else(|| pod.status.phase.clone());
    let mut running = false;
    for status in pod.status.container_statuses.iter().rev() {
        if let Some(w) = status.state.waiting.as_ref().and_then(|w| w.reason.clone()) {
            reason = w;
        } else if let Some(t) = &status.state.terminated {
            reason = t.reason.clone().unwrap_or_else(|| format!("ExitCode:{}", t.exit_code));
        } else if status.ready && status.state.running.is_some() {
            running = true;
        }
    }
    if reason == "Completed" && running {
        reason = "Running".into();
    }
    if pod.metadata.deletion_timestamp.is_some() {
        reason = "Terminating".into();
    }
    if reason.is_empty() {
        reason = "Pending".into();
    }
    reason
}

fn restarts(statuses: &[ContainerStatus], now_unix: i64) -> String {
    let count: i32 = statuses.iter().map(|s| s.restart_count).sum();
    let last = statuses.iter().filter_map(|s| s.last_state.terminated.as_ref()?.finished_at.as_ref()).filter_map(|t| parse_timestamp(t)).max();
    match last {
        Some(t) if count > 0 => format!("{count} ({} ago)", age(now_unix.saturating_sub(t).max(0) as u64)),
        _ => count.to_string(),
    }
}

/// `get pods` rows: NAME READY STATUS RESTARTS AGE [IP NODE NOMINATED NODE READINESS GATES].
pub fn pod_row(entry: &PodEntry, now_unix: i64, wide: bool) -> Vec<String> {
    let pod = &entry.pod;
    let ready = pod.status.container_statuses.iter().filter(|s| s.ready).count();
    let mut row = vec![
        pod.metadata.name.clone(),
        format!("{ready}/{}", pod.spec.containers.len()),
        pod_status(pod),
        restarts(&pod.status.container_statuses, now_unix),
        since(pod.metadata.creation_timestamp.as_ref(), now_unix),
    ];
    if wide {
        row.push(pod.status.pod_ip.clone().unwrap_or_else(|| "<none>".into()));
        row.push(pod.spec.node_name.clone().unwrap_or_else(|| "<none>".into()));
        row.push("<none>".into());
        row.push("<none>".into());
    }
    row
}

pub const POD_HEADER: &[&str] = &["NAME", "READY", "STATUS", "RESTARTS", "AGE"];
pub const POD_WIDE: &[&str] = &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"];
pub const DEPLOYMENT_HEADER: &[&str] = &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"];
pub const REPLICASET_HEADER: &[&str] = &["NAME", "DESIRED", "CURRENT", "READY", "AGE"];
pub const WORKLOAD_WIDE: &[&str] = &["CONTAINERS", "IMAGES", "SELECTOR"];
pub const SERVICE_HEADER: &[&str] = &["NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"];
pub const SERVICE_WIDE: &[&str] = &["SELECTOR"];
pub const ENDPOINTS_HEADER: &[&str] = &["NAME", "ENDPOINTS", "AGE"];
pub const NODE_HEADER: &[&str] = &["NAME", "STATUS", "ROLES", "AGE", "VERSION"];
pub const NODE_WIDE: &[&str] = &["INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME"];
pub const NAMESPACE_HEADER: &[&str] = &["NAME", "STATUS", "AGE"];
pub const EVENT_HEADER: &[&str] = &["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

fn workload_wide(spec: &crate::k8s::api::PodSpec, selector: Option<&crate::k8s::api::LabelSelector>) -> [String; 3] {
    [
        spec.containers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","),
        spec.containers.iter().map(|c| c.image.as_str()).collect::<Vec<_>>().join(","),
        or_none(selector.map(selector_text).unwrap_or_default()),
    ]
}

pub fn deployment_row(d: &crate::k8s::api::Deployment, now_unix: i64, wide: bool) -> Vec<String> {
    let status = d.status.clone().unwrap_or_default();
    let mut row = vec![
        d.metadata.name.clone(),
        format!("{}/{}", status.ready_replicas, d.spec.replicas.unwrap_or(1)),
        status.updated_replicas.to_string(),
        status.available_replicas.to_string(),
        since(d.metadata.creation_timestamp.as_ref(), now_unix),
    ];
    if wide {
        row.extend(workload_wide(&d.spec.template.spec, d.spec.selector.as_ref()));
    }
    row
}

pub fn replicaset_row(rs: &crate::k8s::api::ReplicaSet, now_unix: i64, wide: bool) -> Vec<String> {
    let mut row = vec![
        rs.metadata.name.clone(),
        rs.spec.replicas.to_string(),
        rs.status.replicas.to_string(),
        rs.status.ready_replicas.to_string(),
        since(rs.metadata.creation_timestamp.as_ref(), now_unix),
    ];
    if wide {
        row.extend(workload_wide(&rs.spec.template.spec, rs.spec.selector.as_ref()));
    }
    row
}

/// `80/TCP`, `80:31234/TCP`.
pub fn ports_text(ports: &[ServicePort]) -> String {
    let one = |p: &ServicePort| {
        let protocol = p.protocol.as_deref().unwrap_or("TCP");
        match p.node_port {
            Some(n) => format!("{}:{n}/{protocol}", p.port),
            None => format!("{}/{protocol}", p.port),
        }
    };
    or_none(ports.iter().map(one).collect::<Vec<_>>().join(","))
}

pub fn external_ip(s: &crate::k8s::api::Service) -> String {
    match s.spec.type_.as_deref() {
        Some("LoadBalancer") => {
            let ingress = s.status.load_balancer.as_ref().map(|l| &l.ingress[..]).unwrap_or(&[]);
            let names: Vec<String> = ingress.iter().filter_map(|i| i.hostname.clone().or(i.ip.clone())).collect();
            if names.is_empty() {
                "<pending>".into()
            } else {
                names.join(",")
            }
        }
        Some("ExternalName") => s.spec.external_name.clone().unwrap_or_default(),
        _ => "<none>".into(),
    }
}

pub fn service_row(s: &crate::k8s::api::Service, now_unix: i64, wide: bool) -> Vec<String> {
    let mut row = vec![
        s.metadata.name.clone(),
        s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into()),
        s.spec.cluster_ip.clone().unwrap_or_else(|| "<none>".into()),
        external_ip(s),
        ports_text(&s.spec.ports),
        since(s.metadata.creation_timestamp.as_ref(), now_unix),
    ];
    if wide {
        row.push(labels_text(&s.spec.selector));
    }
    row
}

/// `10.0.128.3:3000,10.0.128.4:3000 + 2 more...`, or `<none>`.
pub fn endpoints_text(e: &crate::k8s::api::Endpoints) -> String {
    let all: Vec<String> = e
        .subsets
        .iter()
        .flat_map(|s| s.addresses.iter().flat_map(move |a| s.ports.iter().map(move |p| format!("{}:{}", a.ip, p.port))))
        .collect();
    if all.is_empty() {
        return "<none>".into();
    }
    let shown = all.iter().take(3).cloned().collect::<Vec<_>>().join(",");
    match all.len() {
        n if n > 3 => format!("{shown} + {} more...", n - 3),
        _ => shown,
    }
}

pub fn endpoints_row(e: &crate::k8s::api::Endpoints, now_unix: i64) -> Vec<String> {
    vec![e.metadata.name.clone(), endpoints_text(e), since(e.metadata.creation_timestamp.as_ref(), now_unix)]
}

/// `Ready`, `NotReady`, `Ready,SchedulingDisabled`.
pub fn node_status_text(entry: &NodeEntry, now: u64) -> String {
    let mut status = if entry.ready(now) || (entry.removing_at.is_some() && now >= entry.ready_at) { "Ready" } else { "NotReady" }.to_string();
    if entry.node.spec.unschedulable {
        status.push_str(",SchedulingDisabled");
    }
    status
}

pub fn node_row(entry: &NodeEntry, now: u64, now_unix: i64, wide: bool) -> Vec<String> {
    let node = &entry.node;
    let info = node.status.node_info.clone().unwrap_or_default();
    let mut row = vec![
        node.metadata.name.clone(),
        node_status_text(entry, now),
        "<none>".into(),
        since(node.metadata.creation_timestamp.as_ref(), now_unix),
        info.kubelet_version.clone(),
    ];
    if wide {
        row.extend([entry.private_ip.clone(), "<none>".into(), info.os_image, info.kernel_version, info.container_runtime_version]);
    }
    row
}

pub fn event_row(e: &Event, now_unix: i64) -> Vec<String> {
    vec![
        since(e.last_timestamp.as_ref(), now_unix),
        e.type_.clone(),
        e.reason.clone(),
        format!("{}/{}", e.involved_object.kind.to_lowercase(), e.involved_object.name),
        e.message.clone(),
    ]
}

/// A JSON value with every object's keys sorted, as `kubectl get -o yaml`
/// prints them.
pub fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(String, Value)> = map.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// YAML as kubectl prints it: sorted keys, no document marker.
pub fn yaml(value: Value) -> String {
    let text = serde_yaml_ng::to_string(&sorted(value)).unwrap_or_default();
    text.trim_end().to_string()
}

/// JSON as kubectl prints it: four-space indentation.
pub fn json(value: &Value) -> String {
    let mut out = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut out, formatter);
    let _ = serde::Serialize::serialize(value, &mut serializer);
    String::from_utf8(out).unwrap_or_default()
}

/// The `Events:` section of `describe` for the object with `uid`.
pub fn events_section(cluster: &Cluster, uid: &str, now_unix: i64) -> String {
    let events: Vec<&Event> = cluster.events.iter().filter(|e| e.involved_object.uid == uid).collect();
    if events.is_empty() {
        return "Events:\t<none>".into();
    }
    let mut text = String::from("Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------");
    for e in events {
        let last = since(e.last_timestamp.as_ref(), now_unix);
        let when = if e.count > 1 { format!("{last} (x{} over {})", e.count, since(e.first_timestamp.as_ref(), now_unix)) } else { last };
        text.push_str(&format!("\n  {}\t{}\t{when}\t{}\t{}", e.type_, e.reason, e.source.component, e.message));
    }
    text
}

/// Lines `Key:\tfirst` and `\tmore` for a multi-line value such as labels.
pub fn multi(key: &str, values: &[String], indent: &str) -> String {
    if values.is_empty() {
        return format!("{indent}{key}:\t<none>");
    }
    let mut out = format!("{indent}{key}:\t{}", values[0]);
    for v in &values[1..] {
        out.push_str(&format!("\n{indent}\t{v}"));
    }
    out
}

pub fn pairs(map: &crate::k8s::api::StringMap, separator: &str) -> Vec<String> {
    map.iter().map(|(k, v)| format!("{k}{separator}{v}")).collect()
}

/// `describe pod`.
pub fn describe_pod(cluster: &Cluster, entry: &PodEntry, now_unix: i64) -> String {
    let pod = &entry.pod;
    let m = &pod.metadata;
    let mut out = vec![
        format!("Name:\t{}", m.name),
        format!("Namespace:\t{}", m.namespace),
        "Priority:\t0".to_string(),
        format!("Service Account:\t{}", pod.spec.service_account_name.clone().unwrap_or_else(|| "default".into())),
    ];
    let node = pod.spec.node_name.as_ref().map(|n| format!("{n}/{}", pod.status.host_ip.clone().unwrap_or_default()));
    out.push(format!("Node:\t{}", node.unwrap_or_else(|| "<none>".into())));
    if let Some(start) = pod.status.start_time.as_ref().and_then(|t| parse_timestamp(t)) {
        out.push(format!("Start Time:\t{}", describe_date(start)));
    }
    out.push(multi("Labels", &pairs(&m.labels, "="), ""));
    out.push(multi("Annotations", &pairs(&m.annotations, ": "), ""));
    out.push(format!("Status:\t{}", if m.deletion_timestamp.is_some() { "Terminating".into() } else { pod.status.phase.clone() }));
    let ip = pod.status.pod_ip.clone().unwrap_or_default();
    out.push(format!("IP:\t{ip}"));
    if ip.is_empty() {
        out.push("IPs:\t<none>".into());
    } else {
        out.push(format!("IPs:\n  IP:\t{ip}"));
    }
    if let Some(owner) = m.owner_references.first() {
        out.push(format!("Controlled By:\t{}/{}", owner.kind, owner.name));
    }
    out.push("Containers:".into());
    for (c, status) in pod.spec.containers.iter().zip(pod.status.container_statuses.iter().map(Some).chain(std::iter::repeat(None))) {
        out.push(format!("  {}:", c.name));
        if let Some(id) = status.and_then(|s| s.container_id.clone()) {
            out.push(format!("    Container ID:\t{id}"));
        }
        out.push(format!("    Image:\t{}", c.image));
        out.push(format!("    Image ID:\t{}", status.map(|s| s.image_id.clone()).unwrap_or_default()));
        let ports: Vec<String> = c.ports.iter().map(|p| format!("{}/{}", p.container_port, p.protocol.as_deref().unwrap_or("TCP"))).collect();
        out.push(format!("    Port:\t{}", or_none(ports.join(", "))));
        out.push(format!("    Host Port:\t{}", or_none(c.ports.iter().map(|p| format!("0/{}", p.protocol.as_deref().unwrap_or("TCP"))).collect::<Vec<_>>().join(", "))));
        if let Some(s) = status {
            out.extend(container_state("State", &s.state));
            if s.last_state.terminated.is_some() {
                out.extend(container_state("Last State", &s.last_state));
            }
            out.push(format!("    Ready:\t{}", if s.ready { "True" } else { "False" }));
            out.push(format!("    Restart Count:\t{}", s.restart_count));
        } else {
            out.push("    State:\tWaiting\n      Reason:\tPending".into());
            out.push("    Ready:\tFalse".into());
            out.push("    Restart Count:\t0".into());
        }
        if let Some(probe) = &c.readiness_probe {
            let target = match (&probe.http_get, &probe.tcp_socket) {
                (Some(h), _) => format!("http-get http://:{}{}", h.port, h.path.as_deref().unwrap_or("/")),
                (None, Some(t)) => format!("tcp-socket :{}", t.port),
                _ => "exec".into(),
            };
            out.push(format!(
                "    Readiness:\t{target} delay={}s timeout={}s period={}s #success={} #failure={}",
                probe.initial_delay_seconds.unwrap_or(0),
                probe.timeout_seconds.unwrap_or(1),
                probe.period_seconds.unwrap_or(10),
                probe.success_threshold.unwrap_or(1),
                probe.failure_threshold.unwrap_or(3)
            ));
        }
        let requests = c.resources.as_ref().map(|r| r.requests.iter().map(|(k, v)| format!("{k}:\t{}", v.0)).collect::<Vec<_>>()).unwrap_or_default();
        if !requests.is_empty() {
            out.push("    Requests:".into());
            out.extend(requests.into_iter().map(|r| format!("      {r}")));
        }
        out.push("    Environment:\t<none>".into());
        out.push("    Mounts:\t<none>".into());
    }
    out.push("Conditions:\n  Type\tStatus".into());
    for c in &pod.status.conditions {
        out.push(format!("  {}\t{}", c.type_, c.status));
    }
    out.push("Volumes:\t<none>".into());
    out.push(format!("QoS Class:\t{}", pod.status.qos_class.clone().unwrap_or_else(|| "BestEffort".into())));
    out.push(multi("Node-Selectors", &pairs(&pod.spec.node_selector, "="), ""));
    let tolerations: Vec<String> = pod
        .spec
        .tolerations
        .iter()
        .map(|t| {
            let mut s = t.key.clone().unwrap_or_default();
            if let Some(v) = &t.value {
                s.push_str(&format!("={v}"));
            }
            if let Some(e) = &t.effect {
                s.push_str(&format!(":{e}"));
            }
            if t.operator.as_deref() == Some("Exists") {
                s.push_str(" op=Exists");
            }
            if let Some(secs) = t.toleration_seconds {
                s.push_str(&format!(" for {secs}s"));
            }
            s
        })
        .collect();
    out.push(multi("Tolerations", &tolerations, ""));
    out.push(events_section(cluster, &m.uid, now_unix));
    tabwrite(&out.join("\n"), 2)
}

fn container_state(label: &str, state: &crate::k8s::api::ContainerState) -> Vec<String> {
    let date = |t: &Option<String>| t.as_ref().and_then(|t| parse_timestamp(t)).map(describe_date).unwrap_or_default();
    if let Some(r) = &state.running {
        return vec![format!("    {label}:\tRunning"), format!("      Started:\t{}", date(&r.started_at))];
    }
    if let Some(t) = &state.terminated {
        return vec![
            format!("    {label}:\tTerminated"),
            format!("      Reason:\t{}", t.reason.clone().unwrap_or_default()),
            format!("      Exit Code:\t{}", t.exit_code),
            format!("      Started:\t{}", date(&t.started_at)),
            format!("      Finished:\t{}", date(&t.finished_at)),
        ];
    }
    let reason = state.waiting.as_ref().and_then(|w| w.reason.clone()).unwrap_or_default();
    vec![format!("    {label}:\tWaiting"), format!("      Reason:\t{reason}")]
}

/// `describe deployment`.
pub fn describe_deployment(cluster: &Cluster, d: &crate::k8s::api::Deployment, now_unix: i64) -> String {
    let m = &d.metadata;
    let status = d.status.clone().unwrap_or_default();
    let desired = d.spec.replicas.unwrap_or(1);
    let strategy = d.spec.strategy.clone().unwrap_or_default();
    let mut out = vec![
        format!("Name:\t{}", m.name),
        format!("Namespace:\t{}", m.namespace),
        format!("CreationTimestamp:\t{}", m.creation_timestamp.as_ref().and_then(|t| parse_timestamp(t)).map(describe_date).unwrap_or_default()),
        multi("Labels", &pairs(&m.labels, "="), ""),
        multi("Annotations", &pairs(&m.annotations, ": "), ""),
        format!("Selector:\t{}", d.spec.selector.as_ref().map(selector_text).unwrap_or_default()),
        format!(
            "Replicas:\t{desired} desired | {} updated | {} total | {} available | {} unavailable",
            status.updated_replicas, status.replicas, status.available_replicas, status.unavailable_replicas
        ),
        format!("StrategyType:\t{}", strategy.type_.clone().unwrap_or_else(|| "RollingUpdate".into())),
        format!("MinReadySeconds:\t{}", d.spec.min_ready_seconds.unwrap_or(0)),
    ];
    if let Some(r) = &strategy.rolling_update {
        let show = |v: &Option<crate::k8s::api::IntOrString>| v.as_ref().map(|v| v.to_string()).unwrap_or_default();
        out.push(format!("RollingUpdateStrategy:\t{} max unavailable, {} max surge", show(&r.max_unavailable), show(&r.max_surge)));
    }
    out.push("Pod Template:".into());
    out.push(multi("Labels", &pairs(&d.spec.template.metadata.labels, "="), "  "));
    out.push("  Containers:".into());
    for c in &d.spec.template.spec.containers {
        out.push(format!("   {}:", c.name));
        out.push(format!("    Image:\t{}", c.image));
        let ports: Vec<String> = c.ports.iter().map(|p| format!("{}/{}", p.container_port, p.protocol.as_deref().unwrap_or("TCP"))).collect();
        out.push(format!("    Port:\t{}", or_none(ports.join(", "))));
        out.push(format!("    Host Port:\t{}", or_none(c.ports.iter().map(|p| format!("0/{}", p.protocol.as_deref().unwrap_or("TCP"))).collect::<Vec<_>>().join(", "))));
        out.push("    Environment:\t<none>".into());
        out.push("    Mounts:\t<none>".into());
    }
    out.push("  Volumes:\t<none>".into());
    out.push(multi("Node-Selectors", &pairs(&d.spec.template.spec.node_selector, "="), "  "));
    out.push("  Tolerations:\t<none>".into());
    out.push("Conditions:\n  Type\tStatus\tReason\n  ----\t------\t------".into());
    for c in &status.conditions {
        out.push(format!("  {}\t{}\t{}", c.type_, c.status, c.reason.clone().unwrap_or_default()));
    }
    let mut old = Vec::new();
    let mut new = "<none>".to_string();
    let template = {
        let mut t = d.spec.template.clone();
        t.metadata.labels.remove("pod-template-hash");
        t
    };
    for rs in cluster.replicasets.values().filter(|rs| rs.metadata.owner_references.iter().any(|o| o.uid == m.uid)) {
        let mut t = rs.spec.template.clone();
        t.metadata.labels.remove("pod-template-hash");
        let text = format!("{} ({}/{} replicas created)", rs.metadata.name, rs.status.replicas, rs.spec.replicas);
        if t == template {
            new = text;
        } else if rs.spec.replicas > 0 || rs.status.replicas > 0 {
            old.push(text);
        }
    }
    out.push(format!("OldReplicaSets:\t{}", or_none(old.join(", "))));
    out.push(format!("NewReplicaSet:\t{new}"));
    out.push(events_section(cluster, &m.uid, now_unix));
    tabwrite(&out.join("\n"), 2)
}

/// `describe service`.
pub fn describe_service(cluster: &Cluster, s: &crate::k8s::api::Service, now_unix: i64) -> String {
    let m = &s.metadata;
    let key = crate::k8s::key(&m.namespace, &m.name);
    let endpoints = cluster.endpoints.get(&key);
    let mut out = vec![
        format!("Name:\t{}", m.name),
        format!("Namespace:\t{}", m.namespace),
        multi("Labels", &pairs(&m.labels, "="), ""),
        multi("Annotations", &pairs(&m.annotations, ": "), ""),
        format!("Selector:\t{}", labels_text(&s.spec.selector)),
        format!("Type:\t{}", s.spec.type_.clone().unwrap_or_else(|| "ClusterIP".into())),
        "IP Family Policy:\tSingleStack".into(),
        "IP Families:\tIPv4".into(),
        format!("IP:\t{}", s.spec.cluster_ip.clone().unwrap_or_default()),
        format!("IPs:\t{}", s.spec.cluster_ip.clone().unwrap_or_default()),
    ];
    if s.spec.type_.as_deref() == Some("LoadBalancer") {
        let ingress = external_ip(s);
        if ingress != "<pending>" {
            out.push(format!("LoadBalancer Ingress:\t{ingress}"));
        }
    }
    for p in &s.spec.ports {
        let name = p.name.clone().unwrap_or_else(|| "<unset>".into());
        let protocol = p.protocol.clone().unwrap_or_else(|| "TCP".into());
        out.push(format!("Port:\t{name}\t{}/{protocol}", p.port));
        let target = p.target_port.as_ref().map(|t| t.to_string()).unwrap_or_default();
        out.push(format!("TargetPort:\t{target}/{protocol}"));
        if let Some(node_port) = p.node_port {
            out.push(format!("NodePort:\t{name}\t{node_port}/{protocol}"));
        }
        out.push(format!("Endpoints:\t{}", endpoints.map(endpoints_text).map(|t| if t == "<none>" { String::new() } else { t }).unwrap_or_default()));
    }
    out.push(format!("Session Affinity:\t{}", s.spec.session_affinity.clone().unwrap_or_else(|| "None".into())));
    if let Some(policy) = &s.spec.external_traffic_policy {
        out.push(format!("External Traffic Policy:\t{policy}"));
    }
    out.push(format!("Internal Traffic Policy:\t{}", s.spec.internal_traffic_policy.clone().unwrap_or_else(|| "Cluster".into())));
    out.push(events_section(cluster, &m.uid, now_unix));
    tabwrite(&out.join("\n"), 2)
}

/// `describe node`.
pub fn describe_node(cluster: &Cluster, entry: &NodeEntry, now: u64, now_unix: i64) -> String {
    let node = &entry.node;
    let m = &node.metadata;
    let mut out = vec![
        format!("Name:\t{}", m.name),
        "Roles:\t<none>".into(),
        multi("Labels", &pairs(&m.labels, "="), ""),
        format!("CreationTimestamp:\t{}", m.creation_timestamp.as_ref().and_then(|t| parse_timestamp(t)).map(describe_date).unwrap_or_default()),
    ];
    let taints: Vec<String> = node.spec.taints.iter().map(|t| format!("{}={}:{}", t.key, t.value.clone().unwrap_or_default(), t.effect)).collect();
    out.push(multi("Taints", &taints, ""));
    out.push(format!("Unschedulable:\t{}", node.spec.unschedulable));
    out.push("Conditions:\n  Type\tStatus\tReason\tMessage\n  ----\t------\t------\t-------".into());
    for c in &node.status.conditions {
        out.push(format!("  {}\t{}\t{}\t{}", c.type_, c.status, c.reason.clone().unwrap_or_default(), c.message.clone().unwrap_or_default()));
    }
    out.push("Addresses:".into());
    for a in &node.status.addresses {
        out.push(format!("  {}:\t{}", a.type_, a.address));
    }
    for (title, map) in [("Capacity", &node.status.capacity), ("Allocatable", &node.status.allocatable)] {
        out.push(format!("{title}:"));
        for (k, v) in map {
            out.push(format!("  {k}:\t{}", v.0));
        }
    }
    let info = node.status.node_info.clone().unwrap_or_default();
    out.push("System Info:".into());
    out.push(format!("  Kernel Version:\t{}", info.kernel_version));
    out.push(format!("  OS Image:\t{}", info.os_image));
    out.push(format!("  Operating System:\t{}", info.operating_system));
    out.push(format!("  Architecture:\t{}", info.architecture));
    out.push(format!("  Container Runtime Version:\t{}", info.container_runtime_version));
    out.push(format!("  Kubelet Version:\t{}", info.kubelet_version));
    out.push(format!("ProviderID:\t{}", node.spec.provider_id.clone().unwrap_or_default()));
    let pods: Vec<&PodEntry> = cluster.pods.values().filter(|p| p.pod.spec.node_name.as_deref() == Some(m.name.as_str())).collect();
    out.push(format!("Non-terminated Pods:\t({} in total)", pods.len()));
    out.push("  Namespace\tName\tAge".into());
    out.push("  ---------\t----\t---".into());
    for p in pods {
        out.push(format!("  {}\t{}\t{}", p.pod.metadata.namespace, p.pod.metadata.name, since(p.pod.metadata.creation_timestamp.as_ref(), now_unix)));
    }
    let _ = now;
    out.push(events_section(cluster, &m.uid, now_unix));
    tabwrite(&out.join("\n"), 2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabwriter_aligns_columns_like_go() {
        let text = table(&["NAME", "READY", "AGE"], &[vec!["a-long-name".into(), "1/1".into(), "5s".into()]]);
        assert_eq!(text, "NAME          READY   AGE\na-long-name   1/1     5s");
        // A line without a tab ends the block above it.
        assert_eq!(tabwrite("Name:\tx\nIPs:\n  IP:\ty", 2), "Name:  x\nIPs:\n  IP:  y");
    }
}
