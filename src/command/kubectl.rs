//! `kubectl` against the account's simulated EKS cluster.
//!
//! Commands: `apply -f`, `create -f`, `delete -f | TYPE NAME | TYPE/NAME`,
//! `get` (pods, deployments, replicasets, services, endpoints, nodes,
//! namespaces, events, all; `-o wide|yaml|json|name`, `-l`,
//! `--show-labels`, `-n`, `-A`), `describe`, `expose`, `scale`, `logs`,
//! `cordon`, `uncordon`, `drain`, `version`. Flags follow kubectl's
//! grammar (`-n ns`, `-nns`, `--namespace=ns`, `-oyaml`), errors are
//! kubectl's and the API server's words. Without a cluster in the account,
//! kubectl answers as it does with no kubeconfig (see [`super::others`]).
//! Not yet: `rollout`, `set image`, `label`, `annotate`, `top`, `explain`,
//! `api-resources`, `-o jsonpath`, `--watch`.

mod print;

pub(super) use print::table;

use std::collections::BTreeMap;

use serde_json::Value;

use super::{closest, others, Reply};
use crate::k8s::api::{IntOrString, LabelSelector, ObjectMeta};
use crate::k8s::manifest::{self, Object};
use crate::k8s::server::{service_for, Mode, ServerError};
use crate::k8s::values::{parse_selector, selector_matches};
use crate::k8s::{key, Cluster, SERVER_VERSION};
use crate::world::{Env, World};

const CLIENT_VERSION: &str = "v1.31.2";

/// Flags kubectl takes: long name, shorthand, whether it takes a value.
const FLAGS: &[(&str, Option<char>, bool)] = &[
    ("namespace", Some('n'), true),
    ("all-namespaces", Some('A'), false),
    ("output", Some('o'), true),
    ("selector", Some('l'), true),
    ("show-labels", None, false),
    ("label-columns", Some('L'), true),
    ("filename", Some('f'), true),
    ("port", None, true),
    ("target-port", None, true),
    ("type", None, true),
    ("name", None, true),
    ("protocol", None, true),
    ("replicas", None, true),
    ("container", Some('c'), true),
    ("previous", Some('p'), false),
    ("tail", None, true),
    ("all", None, false),
    ("ignore-daemonsets", None, false),
    ("delete-emptydir-data", None, false),
    ("force", None, false),
    ("grace-period", None, true),
    ("validate", None, true),
    ("recursive", Some('R'), false),
    ("watch", Some('w'), false),
    ("help", Some('h'), false),
];

/// A kubectl command line, parsed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args {
    pub command: String,
    pub positional: Vec<String>,
    pub flags: BTreeMap<String, Vec<String>>,
}

impl Args {
    fn flag(&self, name: &str) -> Option<&str> {
        self.flags.get(name).and_then(|v| v.last()).map(String::as_str)
    }

    fn has(&self, name: &str) -> bool {
        self.flag(name).is_some_and(|v| v != "false")
    }
}

/// Parses kubectl's flags (pflag's grammar); the error is kubectl's text.
pub fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args::default();
    let mut words = args.iter();
    let usage = |command: &str| if command.is_empty() { "kubectl --help".to_string() } else { format!("kubectl {command} --help") };
    while let Some(word) = words.next() {
        if word == "--" {
            parsed.positional.extend(words.by_ref().cloned());
            break;
        }
        if let Some(long) = word.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (long, None),
            };
            let Some(&(flag, _, takes)) = FLAGS.iter().find(|(n, ..)| *n == name) else {
                return Err(format!("error: unknown flag: --{name}\nSee '{}' for usage.", usage(&parsed.command)));
            };
            let value = match (takes, inline) {
                (_, Some(v)) => v,
                (true, None) => words.next().cloned().ok_or_else(|| format!("error: flag needs an argument: --{name}"))?,
                (false, None) => "true".to_string(),
            };
            parsed.flags.entry(flag.to_string()).or_default().push(value);
        } else if let Some(short) = word.strip_prefix('-').filter(|s| !s.is_empty()) {
            let mut chars = short.char_indices();
            while let Some((at, c)) = chars.next() {
                let Some(&(flag, _, takes)) = FLAGS.iter().find(|(_, s, _)| *s == Some(c)) else {
                    return Err(format!("error: unknown shorthand flag: '{c}' in {word}\nSee '{}' for usage.", usage(&parsed.command)));
                };
                if !takes {
                    parsed.flags.entry(flag.to_string()).or_default().push("true".into());
                    continue;
                }
                let rest = &short[at + c.len_utf8()..];
                let value = if rest.is_empty() {
                    words.next().cloned().ok_or_else(|| format!("error: flag needs an argument: '{c}' in {word}"))?
                } else {
                    rest.strip_prefix('=').unwrap_or(rest).to_string()
                };
                parsed.flags.entry(flag.to_string()).or_default().push(value);
                break;
            }
        } else if parsed.command.is_empty() {
            parsed.command = word.clone();
        } else {
            parsed.positional.push(word.clone());
        }
    }
    Ok(parsed)
}

/// The kinds `get`, `describe` and `delete` know, with kubectl's names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Pod,
    Deployment,
    ReplicaSet,
    Service,
    Endpoints,
    Node,
    Namespace,
    Event,
}

impl Kind {
    fn parse(word: &str) -> Option<Kind> {
        Some(match word.to_ascii_lowercase().as_str() {
            "po" | "pod" | "pods" => Kind::Pod,
            "deploy" | "deployment" | "deployments" | "deployment.apps" | "deployments.apps" => Kind::Deployment,
            "rs" | "replicaset" | "replicasets" | "replicaset.apps" | "replicasets.apps" => Kind::ReplicaSet,
            "svc" | "service" | "services" => Kind::Service,
            "ep" | "endpoints" => Kind::Endpoints,
            "no" | "node" | "nodes" => Kind::Node,
            "ns" | "namespace" | "namespaces" => Kind::Namespace,
            "ev" | "event" | "events" => Kind::Event,
            _ => return None,
        })
    }

    /// `pod`, `deployment.apps`: the `-o name` prefix and message noun.
    fn singular(self) -> &'static str {
        match self {
            Kind::Pod => "pod",
            Kind::Deployment => "deployment.apps",
            Kind::ReplicaSet => "replicaset.apps",
            Kind::Service => "service",
            Kind::Endpoints => "endpoints",
            Kind::Node => "node",
            Kind::Namespace => "namespace",
            Kind::Event => "event",
        }
    }

    /// `pods`, `deployments.apps`: the noun of API errors.
    fn plural(self) -> &'static str {
        match self {
            Kind::Pod => "pods",
            Kind::Deployment => "deployments.apps",
            Kind::ReplicaSet => "replicasets.apps",
            Kind::Service => "services",
            Kind::Endpoints => "endpoints",
            Kind::Node => "nodes",
            Kind::Namespace => "namespaces",
            Kind::Event => "events",
        }
    }

    fn namespaced(self) -> bool {
        !matches!(self, Kind::Node | Kind::Namespace)
    }
}

fn unknown_type(word: &str) -> String {
    format!("error: the server doesn't have a resource type \"{word}\"")
}

/// Runs `kubectl ARGS` against the world.
pub fn run(world: &mut World, args: &[String]) -> Reply {
    if world.eks.cluster.is_none() {
        return others::kubectl(args);
    }
    let parsed = match parse(args) {
        Ok(p) => p,
        Err(text) => return Reply::error(text, None),
    };
    let World { eks, env, files, .. } = world;
    let Some(cluster) = eks.cluster.as_mut() else { return others::kubectl(args) };
    let result = match parsed.command.as_str() {
        "" => return others::kubectl(args),
        "get" => get(cluster, env, &parsed),
        "describe" => describe(cluster, env, &parsed),
        "apply" => write_files(cluster, env, files, &parsed, Mode::Apply),
        "create" => write_files(cluster, env, files, &parsed, Mode::Create),
        "delete" => delete(cluster, env, files, &parsed),
        "expose" => expose(cluster, env, &parsed),
        "scale" => scale(cluster, env, &parsed),
        "logs" => logs(cluster, env, &parsed),
        "cordon" | "uncordon" | "drain" => cordon(cluster, env, &parsed),
        "version" => Ok(format!("Client Version: {CLIENT_VERSION}\nKustomize Version: v5.4.2\nServer Version: {SERVER_VERSION}")),
        command if others::KUBECTL_COMMANDS.contains(&command) => Err(format!(
            "error: \"kubectl {command}\" is not simulated yet; try get, describe, apply, delete, expose, scale or logs"
        )),
        command => {
            let hint = closest(command, others::KUBECTL_COMMANDS.iter().copied()).map(|near| format!("Did you mean this?\n        {near}"));
            return Reply::error(
                format!("error: unknown command \"{command}\" for \"kubectl\""),
                hint.or(Some("Run 'kubectl --help' for usage.".into())),
            );
        }
    };
    match result {
        Ok(text) => Reply::output(text),
        Err(text) => Reply::error(text, None),
    }
}

/// The namespace of a command: `-n`, else `default`.
fn namespace(args: &Args) -> String {
    args.flag("namespace").unwrap_or("default").to_string()
}

/// Type and names from `TYPE NAME...`, `TYPE/NAME ...` or `TYPE1,TYPE2`.
fn targets(args: &Args) -> Result<Vec<(Kind, Option<String>)>, String> {
    let Some(first) = args.positional.first() else {
        return Err("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.".into());
    };
    if first.contains('/') {
        return args
            .positional
            .iter()
            .map(|word| {
                let (kind, name) = word.split_once('/').ok_or_else(|| {
                    "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'".to_string()
                })?;
                let kind = Kind::parse(kind).ok_or_else(|| unknown_type(kind))?;
                Ok((kind, Some(name.to_string())))
            })
            .collect();
    }
    let mut kinds = Vec::new();
    for word in first.split(',') {
        if word == "all" {
            kinds.extend([Kind::Pod, Kind::Service, Kind::Deployment, Kind::ReplicaSet]);
        } else {
            kinds.push(Kind::parse(word).ok_or_else(|| unknown_type(word))?);
        }
    }
    let names = &args.positional[1..];
    if names.is_empty() {
        return Ok(kinds.into_iter().map(|k| (k, None)).collect());
    }
    if kinds.len() > 1 {
        return Err("error: you may only specify a single resource type".into());
    }
    Ok(names.iter().map(|n| (kinds[0], Some(n.clone()))).collect())
}

/// One listed object: its metadata, its JSON, its table row.
struct Item {
    kind: Kind,
    meta: ObjectMeta,
    json: Value,
    row: Vec<String>,
}

/// The objects of one kind, with their JSON only when `json` (for `-o
/// yaml|json`): tables of thousands of pods need none.
fn items(cluster: &Cluster, env: &Env, kind: Kind, ns: Option<&str>, wide: bool, json: bool) -> Vec<Item> {
    let now_unix = env.unix_now();
    let now = env.now();
    let in_ns = |meta: &ObjectMeta| ns.is_none_or(|n| meta.namespace == n);
    let item = |meta: &ObjectMeta, json: Value, row: Vec<String>| Item { kind, meta: meta.clone(), json, row };
    let to_json = |v: &dyn erased::Json| if json { v.json() } else { Value::Null };
    match kind {
        Kind::Pod => cluster.pods.values().filter(|p| in_ns(&p.pod.metadata)).map(|p| item(&p.pod.metadata, to_json(&p.pod), print::pod_row(p, now_unix, wide))).collect(),
        Kind::Deployment => cluster.deployments.values().filter(|d| in_ns(&d.metadata)).map(|d| item(&d.metadata, to_json(d), print::deployment_row(d, now_unix, wide))).collect(),
        Kind::ReplicaSet => cluster.replicasets.values().filter(|r| in_ns(&r.metadata)).map(|r| item(&r.metadata, to_json(r), print::replicaset_row(r, now_unix, wide))).collect(),
        Kind::Service => cluster.services.values().filter(|s| in_ns(&s.metadata)).map(|s| item(&s.metadata, to_json(s), print::service_row(s, now_unix, wide))).collect(),
        Kind::Endpoints => cluster.endpoints.values().filter(|e| in_ns(&e.metadata)).map(|e| item(&e.metadata, to_json(e), print::endpoints_row(e, now_unix))).collect(),
        Kind::Node => cluster.registered_nodes(now).map(|n| item(&n.node.metadata, to_json(&n.node), print::node_row(n, now, now_unix, wide))).collect(),
        Kind::Namespace => cluster
            .namespaces
            .values()
            .map(|n| {
                let row = vec![n.metadata.name.clone(), "Active".into(), print::since(n.metadata.creation_timestamp.as_ref(), now_unix)];
                item(&n.metadata, to_json(n), row)
            })
            .collect(),
        Kind::Event => cluster.events.iter().filter(|e| in_ns(&e.metadata)).map(|e| item(&e.metadata, to_json(e), print::event_row(e, now_unix))).collect(),
    }
}

/// Serializing any API object to JSON through one small trait object.
mod erased {
    pub trait Json {
        fn json(&self) -> serde_json::Value;
    }
    /// Through text, so that the objects' serializers are the ones the
    /// world's digest already compiles in; `to_value` would add a second
    /// copy of each to the wasm app.
    impl<T: serde::Serialize> Json for T {
        fn json(&self) -> serde_json::Value {
            let text = serde_json::to_string(self).unwrap_or_default();
            serde_json::from_str(&text).unwrap_or_default()
        }
    }
}

fn header(kind: Kind, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match kind {
        Kind::Pod => (print::POD_HEADER, print::POD_WIDE),
        Kind::Deployment => (print::DEPLOYMENT_HEADER, print::WORKLOAD_WIDE),
        Kind::ReplicaSet => (print::REPLICASET_HEADER, print::WORKLOAD_WIDE),
        Kind::Service => (print::SERVICE_HEADER, print::SERVICE_WIDE),
        Kind::Endpoints => (print::ENDPOINTS_HEADER, &[]),
        Kind::Node => (print::NODE_HEADER, print::NODE_WIDE),
        Kind::Namespace => (print::NAMESPACE_HEADER, &[]),
        Kind::Event => (print::EVENT_HEADER, &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

fn get(cluster: &Cluster, env: &Env, args: &Args) -> Result<String, String> {
    if args.has("watch") {
        return Err("error: --watch is not simulated; run the command again to see changes".into());
    }
    let output = args.flag("output").unwrap_or("");
    let wide = output == "wide";
    if !["", "wide", "yaml", "json", "name"].contains(&output) {
        return Err(format!(
            "error: unable to match a printer suitable for the output format \"{output}\", allowed formats are: json,name,wide,yaml (this simulator's kubectl)"
        ));
    }
    let all_ns = args.has("all-namespaces");
    let ns = namespace(args);
    let selector = match args.flag("selector") {
        Some(text) => Some(parse_selector(text).map_err(|e| format!("error: {e}"))?),
        None => None,
    };
    let targets = targets(args)?;
    let named = targets.iter().any(|(_, n)| n.is_some());
    let several_kinds = targets.iter().map(|(k, _)| *k).collect::<std::collections::BTreeSet<_>>().len() > 1 || args.positional.first().is_some_and(|p| p == "all");
    let mut found: Vec<Item> = Vec::new();
    let mut errors = Vec::new();
    for (kind, name) in &targets {
        let scope = if all_ns || !kind.namespaced() { None } else { Some(ns.as_str()) };
        let mut list = items(cluster, env, *kind, scope, wide, output == "yaml" || output == "json");
        if let Some(selector) = &selector {
            list.retain(|i| selector_matches(selector, &i.meta.labels));
        }
        match name {
            Some(name) => match list.into_iter().find(|i| &i.meta.name == name) {
                Some(item) => found.push(item),
                None => errors.push(format!("Error from server (NotFound): {} \"{name}\" not found", kind.plural())),
            },
            None => found.extend(list),
        }
    }
    let mut text = match output {
        "yaml" | "json" => {
            let value = if named && found.len() == 1 && errors.is_empty() {
                found[0].json.clone()
            } else {
                serde_json::json!({
                    "apiVersion": "v1",
                    "items": found.iter().map(|i| i.json.clone()).collect::<Vec<_>>(),
                    "kind": "List",
                    "metadata": { "resourceVersion": "" }
                })
            };
            if output == "yaml" { print::yaml(value) } else { print::json(&value) }
        }
        "name" => found.iter().map(|i| format!("{}/{}", i.kind.singular(), i.meta.name)).collect::<Vec<_>>().join("\n"),
        _ => {
            let columns: Vec<String> = args.flags.get("label-columns").into_iter().flatten().flat_map(|c| c.split(',')).map(str::to_string).collect();
            let shape = Shape { all_ns, show_labels: args.has("show-labels"), wide, prefix: several_kinds, columns };
            tables(&found, &targets, &shape)
        }
    };
    if found.is_empty() && errors.is_empty() && output != "json" && output != "yaml" {
        text = if all_ns || targets.iter().all(|(k, _)| !k.namespaced()) {
            "No resources found".into()
        } else {
            format!("No resources found in {ns} namespace.")
        };
    }
    if errors.is_empty() {
        Ok(text)
    } else {
        let mut parts: Vec<String> = Vec::new();
        if !found.is_empty() {
            parts.push(text);
        }
        parts.extend(errors);
        Err(parts.join("\n"))
    }
}

/// How `get` lays its tables out.
struct Shape {
    all_ns: bool,
    show_labels: bool,
    wide: bool,
    /// Names as `kind/name` (several kinds, or `all`).
    prefix: bool,
    /// `-L` label keys, one column each.
    columns: Vec<String>,
}

/// Tables, one per kind in the order asked, blank lines between.
fn tables(found: &[Item], targets: &[(Kind, Option<String>)], shape: &Shape) -> String {
    let Shape { all_ns, show_labels, wide, prefix, .. } = *shape;
    let mut kinds: Vec<Kind> = Vec::new();
    for (k, _) in targets {
        if !kinds.contains(k) {
            kinds.push(*k);
        }
    }
    let mut sections = Vec::new();
    for kind in kinds {
        let rows: Vec<Vec<String>> = found
            .iter()
            .filter(|i| i.kind == kind)
            .map(|i| {
                let mut row = i.row.clone();
                if prefix {
                    if let Some(first) = row.first_mut() {
                        *first = format!("{}/{first}", kind.singular());
                    }
                }
                if all_ns && kind.namespaced() {
                    row.insert(0, i.meta.namespace.clone());
                }
                for key in &shape.columns {
                    row.push(i.meta.labels.get(key).cloned().unwrap_or_default());
                }
                if show_labels {
                    row.push(print::labels_text(&i.meta.labels));
                }
                row
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        let mut h = header(kind, wide);
        if all_ns && kind.namespaced() {
            h.insert(0, "NAMESPACE");
        }
        let label_headers: Vec<String> = shape.columns.iter().map(|k| k.rsplit('/').next().unwrap_or(k).to_uppercase()).collect();
        h.extend(label_headers.iter().map(String::as_str));
        if show_labels {
            h.push("LABELS");
        }
        sections.push(print::table(&h, &rows));
    }
    sections.join("\n\n")
}

fn describe(cluster: &Cluster, env: &Env, args: &Args) -> Result<String, String> {
    let targets = targets(args)?;
    let ns = namespace(args);
    let now_unix = env.unix_now();
    let mut out = Vec::new();
    for (kind, name) in targets {
        // describe matches a name prefix when no object has the exact name.
        let pick = |names: Vec<String>| -> Vec<String> {
            match &name {
                None => names,
                Some(n) if names.contains(n) => vec![n.clone()],
                Some(n) => names.into_iter().filter(|x| x.starts_with(n.as_str())).collect(),
            }
        };
        let in_ns = |k: &String| k.strip_prefix(&format!("{ns}/")).map(str::to_string);
        let chosen: Vec<String> = match kind {
            Kind::Pod => pick(cluster.pods.keys().filter_map(in_ns).collect()),
            Kind::Deployment => pick(cluster.deployments.keys().filter_map(in_ns).collect()),
            Kind::Service => pick(cluster.services.keys().filter_map(in_ns).collect()),
            Kind::ReplicaSet => pick(cluster.replicasets.keys().filter_map(in_ns).collect()),
            Kind::Node => pick(cluster.registered_nodes(env.now()).map(|n| n.node.metadata.name.clone()).collect()),
            other => return Err(format!("error: describing {} is not simulated yet", other.plural())),
        };
        if chosen.is_empty() {
            return Err(match name {
                Some(n) => format!("Error from server (NotFound): {} \"{n}\" not found", kind.plural()),
                None => format!("No resources found in {ns} namespace."),
            });
        }
        for n in chosen {
            let k = key(&ns, &n);
            let text = match kind {
                Kind::Pod => cluster.pods.get(&k).map(|p| print::describe_pod(cluster, p, now_unix)),
                Kind::Deployment => cluster.deployments.get(&k).map(|d| print::describe_deployment(cluster, d, now_unix)),
                Kind::Service => cluster.services.get(&k).map(|s| print::describe_service(cluster, s, now_unix)),
                Kind::ReplicaSet => cluster.replicasets.get(&k).map(|rs| describe_replicaset(cluster, rs, now_unix)),
                Kind::Node => cluster.nodes.get(&n).map(|e| print::describe_node(cluster, e, env.now(), now_unix)),
                _ => None,
            };
            out.extend(text);
        }
    }
    Ok(out.join("\n\n\n"))
}

fn describe_replicaset(cluster: &Cluster, rs: &crate::k8s::api::ReplicaSet, now_unix: i64) -> String {
    let m = &rs.metadata;
    let lines = [
        format!("Name:\t{}", m.name),
        format!("Namespace:\t{}", m.namespace),
        format!("Selector:\t{}", rs.spec.selector.as_ref().map(crate::k8s::values::selector_text).unwrap_or_default()),
        print::multi("Labels", &print::pairs(&m.labels, "="), ""),
        print::multi("Annotations", &print::pairs(&m.annotations, ": "), ""),
        format!("Controlled By:\t{}", m.owner_references.first().map(|o| format!("{}/{}", o.kind, o.name)).unwrap_or_else(|| "<none>".into())),
        format!("Replicas:\t{} current / {} desired", rs.status.replicas, rs.spec.replicas),
        format!("Pods Status:\t{} Running / 0 Waiting / 0 Succeeded / 0 Failed", rs.status.ready_replicas),
        print::events_section(cluster, &m.uid, now_unix),
    ];
    print::tabwrite(&lines.join("\n"), 2)
}

/// `apply -f` and `create -f`: every document of every file.
fn write_files(cluster: &mut Cluster, env: &mut Env, files: &crate::files::Files, args: &Args, mode: Mode) -> Result<String, String> {
    let names = args.flags.get("filename").cloned().unwrap_or_default();
    if names.is_empty() {
        let verb = if mode == Mode::Apply { "apply" } else { "create" };
        return Err(format!(
            "error: must specify one of -f and -k\n\nSee 'kubectl {verb} -h' for help and examples"
        ));
    }
    let mut lines = Vec::new();
    let mut failed = false;
    for file in names {
        let objects = read_manifest(files, &file)?;
        let (out, bad) = write_objects(cluster, env, args, &file, objects, mode);
        lines.extend(out);
        failed |= bad;
    }
    let text = lines.join("\n");
    if failed {
        Err(text)
    } else {
        Ok(text)
    }
}

fn read_manifest(files: &crate::files::Files, file: &str) -> Result<Vec<Object>, String> {
    if file == "-" {
        return Err("error: reading from standard input is not supported in this terminal; save the manifest to a file".into());
    }
    if file.starts_with("http://") || file.starts_with("https://") {
        return Err(format!("error: unable to read URL \"{file}\": this simulated account has no internet access"));
    }
    let text = files.read(file).map_err(|_| format!("error: the path \"{file}\" does not exist"))?;
    manifest::parse(file, text)
}

fn write_objects(cluster: &mut Cluster, env: &mut Env, args: &Args, file: &str, objects: Vec<Object>, mode: Mode) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let mut failed = false;
    let flag_ns = args.flag("namespace");
    for object in objects {
        let own = object.metadata().namespace.clone();
        let ns = match (own.is_empty(), flag_ns) {
            (false, Some(flag)) if flag != own && object.is_namespaced() => {
                lines.push(format!(
                    "error: the namespace from the provided object \"{own}\" does not match the namespace \"{flag}\". You must pass '--namespace={own}' to perform this operation."
                ));
                failed = true;
                continue;
            }
            (false, _) => own,
            (true, flag) => flag.unwrap_or("default").to_string(),
        };
        let (noun, name) = (object.resource(), object.metadata().name.clone());
        match cluster.write(env, object, &ns, mode) {
            Ok(applied) => lines.push(format!("{noun}/{name} {}", applied.word())),
            Err(e) => {
                failed = true;
                let verb = if matches!(e, ServerError::AlreadyExists(_)) || mode == Mode::Create { "creating" } else { "applying" };
                lines.push(e.text(&format!("error when {verb} \"{file}\": ")));
            }
        }
    }
    (lines, failed)
}

fn delete(cluster: &mut Cluster, env: &mut Env, files: &crate::files::Files, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let mut lines = Vec::new();
    let mut failed = false;
    if let Some(names) = args.flags.get("filename") {
        for file in names.clone() {
            for object in read_manifest(files, &file)? {
                let own = object.metadata().namespace.clone();
                let ns = if own.is_empty() { ns.clone() } else { own };
                let (noun, name) = (object.resource(), object.metadata().name.clone());
                match cluster.delete(env, object.plural(), &ns, &name) {
                    Ok(()) => lines.push(format!("{noun} \"{name}\" deleted")),
                    Err(e) => {
                        failed = true;
                        lines.push(e.text(&format!("error when deleting \"{file}\": ")));
                    }
                }
            }
        }
    } else {
        let targets = targets(args)?;
        let mut chosen: Vec<(Kind, String)> = Vec::new();
        for (kind, name) in targets {
            match name {
                Some(n) => chosen.push((kind, n)),
                None => {
                    let selector = match args.flag("selector") {
                        Some(text) => parse_selector(text).map_err(|e| format!("error: {e}"))?,
                        None if args.has("all") => LabelSelector::default(),
                        None => return Err("error: resource(s) were provided, but no name was specified".into()),
                    };
                    let list = items(cluster, env, kind, Some(&ns), false, false);
                    chosen.extend(list.into_iter().filter(|i| selector_matches(&selector, &i.meta.labels)).map(|i| (kind, i.meta.name)));
                }
            }
        }
        if chosen.is_empty() {
            return Ok("No resources found".into());
        }
        for (kind, name) in chosen {
            match cluster.delete(env, kind.plural(), &ns, &name) {
                Ok(()) => lines.push(format!("{} \"{name}\" deleted", kind.singular())),
                Err(e) => {
                    failed = true;
                    lines.push(e.text(""));
                }
            }
        }
    }
    if failed {
        Err(lines.join("\n"))
    } else {
        Ok(lines.join("\n"))
    }
}

/// `TYPE NAME` or `TYPE/NAME` of a single deployment-like target.
fn one_target(args: &Args, command: &str) -> Result<(Kind, String), String> {
    let targets = targets(args).map_err(|_| {
        format!("error: You must provide one or more resources by argument or filename.\nSee 'kubectl {command} -h' for help and examples")
    })?;
    match targets.as_slice() {
        [(kind, Some(name))] => Ok((*kind, name.clone())),
        [(_, None)] => Err(format!("error: You must provide one or more resources by argument or filename.\nSee 'kubectl {command} -h' for help and examples")),
        _ => Err(format!("error: kubectl {command} takes one resource here")),
    }
}

fn expose(cluster: &mut Cluster, env: &mut Env, args: &Args) -> Result<String, String> {
    let (kind, name) = one_target(args, "expose")?;
    let ns = namespace(args);
    if kind != Kind::Deployment {
        return Err(format!("error: exposing a {} is not simulated yet; expose its deployment", kind.singular()));
    }
    let d = cluster
        .deployments
        .get(&key(&ns, &name))
        .ok_or_else(|| format!("Error from server (NotFound): deployments.apps \"{name}\" not found"))?
        .clone();
    let selector = d.spec.selector.clone().unwrap_or_default();
    if !selector.match_expressions.is_empty() {
        return Err(format!(
            "error: couldn't convert expressions - \"{}\" to map-based selector format",
            crate::k8s::values::selector_text(&selector)
        ));
    }
    let container_port = d.spec.template.spec.containers.iter().flat_map(|c| &c.ports).map(|p| p.container_port).next();
    let port = match args.flag("port") {
        Some(text) => text.parse::<i32>().map_err(|_| format!("error: invalid argument \"{text}\" for \"--port\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"))?,
        None => container_port.ok_or("error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples")?,
    };
    let target = args.flag("target-port").map(|t| match t.parse::<i32>() {
        Ok(n) => IntOrString::Int(n),
        Err(_) => IntOrString::String(t.to_string()),
    });
    let target = target.or_else(|| args.flag("port").is_none().then_some(IntOrString::Int(port)));
    let service_name = args.flag("name").unwrap_or(&name).to_string();
    let type_ = args.flag("type").unwrap_or("ClusterIP");
    let mut service = service_for(&service_name, &selector.match_labels, port, target, type_, &d.metadata.labels);
    if let Some(protocol) = args.flag("protocol") {
        service.spec.ports[0].protocol = Some(protocol.to_string());
    }
    let object = manifest::with_defaults(Object::Service(service));
    match cluster.write(env, object, &ns, Mode::Create) {
        Ok(_) => Ok(format!("service/{service_name} exposed")),
        Err(e) => Err(e.text("")),
    }
}

fn scale(cluster: &mut Cluster, env: &mut Env, args: &Args) -> Result<String, String> {
    let _ = env;
    let Some(text) = args.flag("replicas") else {
        return Err("error: required flag(s) \"replicas\" not set".into());
    };
    let replicas: i64 = text
        .parse()
        .map_err(|_| format!("error: invalid argument \"{text}\" for \"--replicas\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax"))?;
    let (kind, name) = one_target(args, "scale")?;
    let ns = namespace(args);
    match kind {
        Kind::Deployment => cluster.scale_deployment(&ns, &name, replicas).map_err(|e| e.text(""))?,
        Kind::ReplicaSet => {
            let rs = cluster
                .replicasets
                .get_mut(&key(&ns, &name))
                .ok_or_else(|| format!("Error from server (NotFound): replicasets.apps \"{name}\" not found"))?;
            rs.spec.replicas = replicas.clamp(0, i64::from(crate::k8s::MAX_REPLICAS)) as i32;
            cluster.dirty = true;
        }
        other => return Err(format!("error: no scaler has been implemented for {{\"\" \"{}\"}}", other.singular())),
    }
    Ok(format!("{}/{name} scaled", kind.singular()))
}

fn logs(cluster: &Cluster, env: &Env, args: &Args) -> Result<String, String> {
    let ns = namespace(args);
    let target = args.positional.first().ok_or("error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples")?;
    let mut notes = Vec::new();
    let pod_name = match target.split_once('/') {
        Some((kind, name)) => match Kind::parse(kind) {
            Some(Kind::Pod) => name.to_string(),
            Some(Kind::Deployment | Kind::ReplicaSet) => {
                let prefix = format!("{ns}/{name}-");
                let pods: Vec<&String> = cluster.pods.keys().filter(|k| k.starts_with(&prefix)).collect();
                let first = pods.first().ok_or_else(|| format!("error: timed out waiting for the condition: no pods of {target}"))?;
                if pods.len() > 1 {
                    notes.push(format!("Found {} pods, using pod/{}", pods.len(), first.split_once('/').map_or("", |(_, n)| n)));
                }
                first.split_once('/').map_or(String::new(), |(_, n)| n.to_string())
            }
            Some(other) => return Err(format!("error: cannot get the logs from {}", other.singular())),
            None => return Err(unknown_type(kind)),
        },
        None => target.clone(),
    };
    let entry = cluster
        .pods
        .get(&key(&ns, &pod_name))
        .ok_or_else(|| format!("Error from server (NotFound): pods \"{pod_name}\" not found"))?;
    let containers = &entry.pod.spec.containers;
    let index = match args.flag("container") {
        Some(c) => containers.iter().position(|x| x.name == c).ok_or_else(|| {
            format!("error: container {c} is not valid for pod {pod_name}")
        })?,
        None => {
            if containers.len() > 1 {
                let names: Vec<&str> = containers.iter().map(|c| c.name.as_str()).collect();
                notes.push(format!("Defaulted container \"{}\" out of: {}", names[0], names.join(", ")));
            }
            0
        }
    };
    let (Some(container), Some(run)) = (containers.get(index), entry.run.containers.get(index)) else {
        return Err(format!("error: pod {pod_name} has no containers"));
    };
    let previous = args.has("previous");
    let lines = if previous {
        if run.restarts == 0 {
            return Err(format!(
                "Error from server (BadRequest): previous terminated container \"{}\" in pod \"{pod_name}\" not found",
                container.name
            ));
        }
        &run.previous_logs
    } else {
        use crate::k8s::Stage;
        match run.stage {
            Stage::Unbound | Stage::Pulling | Stage::PullBackOff => {
                let reason = print::pod_status(&entry.pod);
                return Err(format!(
                    "Error from server (BadRequest): container \"{}\" in pod \"{pod_name}\" is waiting to start: {}",
                    container.name,
                    if reason == "Pending" { "ContainerCreating".to_string() } else { reason }
                ));
            }
            Stage::CrashBackOff => &run.previous_logs,
            Stage::Running => &run.logs,
        }
    };
    let tail = args.flag("tail").and_then(|t| t.parse::<i64>().ok()).filter(|t| *t >= 0);
    let skip = tail.map_or(0, |t| lines.len().saturating_sub(t as usize));
    let _ = env;
    notes.extend(lines.iter().skip(skip).cloned());
    Ok(notes.join("\n"))
}

fn cordon(cluster: &mut Cluster, env: &mut Env, args: &Args) -> Result<String, String> {
    let command = args.command.as_str();
    let name = args
        .positional
        .first()
        .map(|n| n.strip_prefix("node/").unwrap_or(n).to_string())
        .ok_or_else(|| format!("error: USAGE: {command} NODE [flags]\nSee 'kubectl {command} -h' for help and examples"))?;
    let now = env.now();
    let Some(entry) = cluster.nodes.get_mut(&name).filter(|n| n.registered(now)) else {
        return Err(format!("Error from server (NotFound): nodes \"{name}\" not found"));
    };
    let was = entry.node.spec.unschedulable;
    entry.node.spec.unschedulable = command != "uncordon";
    cluster.dirty = true;
    let mut lines = vec![match (command, was) {
        ("uncordon", false) => format!("node/{name} already uncordoned"),
        ("uncordon", true) => format!("node/{name} uncordoned"),
        (_, true) => format!("node/{name} already cordoned"),
        _ => format!("node/{name} cordoned"),
    }];
    if command == "drain" {
        let pods: Vec<String> = cluster
            .pods
            .iter()
            .filter(|(_, p)| p.pod.spec.node_name.as_deref() == Some(name.as_str()) && p.run.deleted_at.is_none())
            .map(|(k, _)| k.clone())
            .collect();
        for k in &pods {
            lines.push(format!("evicting pod {k}"));
        }
        for k in &pods {
            cluster.delete_pod(env, k);
            lines.push(format!("pod/{} evicted", k.split_once('/').map_or(k.as_str(), |(_, n)| n)));
        }
        lines.push(format!("node/{name} drained"));
    }
    Ok(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn flags_parse_in_every_form() {
        let a = parse(&words("get pods -n kube-system -owide --show-labels -lapp=nginx")).unwrap();
        assert_eq!(a.command, "get");
        assert_eq!(a.positional, vec!["pods"]);
        assert_eq!(a.flag("namespace"), Some("kube-system"));
        assert_eq!(a.flag("output"), Some("wide"));
        assert_eq!(a.flag("selector"), Some("app=nginx"));
        assert!(a.has("show-labels"));
        let a = parse(&words("expose deployment/x --port=80 --target-port 3000 --type LoadBalancer")).unwrap();
        assert_eq!((a.flag("port"), a.flag("target-port"), a.flag("type")), (Some("80"), Some("3000"), Some("LoadBalancer")));
    }

    #[test]
    fn bad_flags_get_pflags_words() {
        assert_eq!(parse(&words("get pods --bogus")).unwrap_err(), "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.");
        assert!(parse(&words("get pods -x")).unwrap_err().starts_with("error: unknown shorthand flag: 'x' in -x"));
        assert!(parse(&words("get pods -n")).unwrap_err().contains("flag needs an argument"));
    }
}
