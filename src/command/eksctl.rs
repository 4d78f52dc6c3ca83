//! `eksctl` for the account's EKS cluster: `get cluster`, `get
//! nodegroup`, `create nodegroup`, `scale nodegroup`, `delete nodegroup`.
//!
//! Output follows eksctl's log lines (`2026-03-02 09:10:00 [ℹ]  ...`).
//! The real `create` and `delete` wait until the stack is done; here they
//! return at once and the nodes boot, register and turn Ready (or drain
//! and terminate) over the next minute, as `kubectl get nodes` shows.
//! Without a cluster in the account, eksctl answers as before (see
//! [`super::others`]). Not modelled: config files (`-f cluster.yaml`),
//! creating or deleting clusters, unmanaged node groups, spot.

use std::collections::BTreeMap;

use super::{others, Reply};
use crate::calendar::format_iso8601;
use crate::catalogue::catalogue;
use crate::k8s::{Cluster, NodeGroup};
use crate::world::World;

/// `--flag value`, `--flag=value`; bare flags are `true`.
fn flags(args: &[String]) -> (Vec<String>, BTreeMap<String, String>) {
    let takes_value = ["cluster", "name", "node-type", "nodes", "nodes-min", "nodes-max", "region", "output", "o", "drain", "managed", "approve"];
    let mut positional = Vec::new();
    let mut map = BTreeMap::new();
    let mut words = args.iter().peekable();
    while let Some(word) = words.next() {
        let Some(flag) = word.strip_prefix("--").or_else(|| word.strip_prefix('-')) else {
            positional.push(word.clone());
            continue;
        };
        if let Some((name, value)) = flag.split_once('=') {
            map.insert(name.to_string(), value.to_string());
        } else if takes_value.contains(&flag) && words.peek().is_some_and(|w| !w.starts_with('-')) && !matches!(flag, "managed" | "approve" | "drain") {
            map.insert(flag.to_string(), words.next().cloned().unwrap_or_default());
        } else {
            map.insert(flag.to_string(), "true".to_string());
        }
    }
    (positional, map)
}

/// Runs `eksctl ARGS` against the world.
pub fn run(world: &mut World, args: &[String]) -> Reply {
    if world.eks.cluster.is_none() {
        return others::eksctl(args);
    }
    let (positional, flags) = flags(args);
    let stamp = format_iso8601(world.env.unix_now()).replace('T', " ").replace("+00:00", "");
    let log = |mark: &str, text: &str| format!("{stamp} [{mark}]  {text}");
    let World { eks, env, ec2, .. } = world;
    let Some(cluster) = eks.cluster.as_mut() else { return others::eksctl(args) };
    let verb = positional.first().map(String::as_str).unwrap_or("");
    let noun = positional.get(1).map(String::as_str).unwrap_or("");
    if verb == "version" {
        return Reply::output("0.194.0");
    }
    let named = flags.get("cluster").cloned();
    let wants_cluster = !(verb == "get" && matches!(noun, "cluster" | "clusters"));
    if wants_cluster {
        match named.as_deref() {
            None => return Reply::error("Error: --cluster must be set", None),
            Some(name) if name != cluster.name => {
                return Reply::error(
                    format!(
                        "Error: unable to describe cluster control plane: operation error EKS: DescribeCluster, https response error StatusCode: 404, ResourceNotFoundException: No cluster found for name: {name}."
                    ),
                    Some(format!("This account's cluster is named {}.", cluster.name)),
                );
            }
            Some(_) => {}
        }
    }
    let group_name = flags.get("name").cloned().or_else(|| positional.get(2).cloned());
    let region = env.region.clone();
    let result = match (verb, noun) {
        ("get", "cluster" | "clusters") => Ok(super::kubectl::table(
            &["NAME", "REGION", "EKSCTL CREATED"],
            &[vec![cluster.name.clone(), region, "False".into()]],
        )),
        ("get", "nodegroup" | "nodegroups" | "ng") => get_nodegroups(cluster, group_name.as_deref()),
        ("create", "nodegroup" | "ng") => create(cluster, env, ec2, &flags, group_name, &log),
        ("scale", "nodegroup" | "ng") => scale(cluster, &flags, group_name, &log, &region),
        ("delete", "nodegroup" | "ng") => delete(cluster, group_name, &log),
        ("create" | "get" | "scale" | "delete" | "upgrade" | "utils", other) => {
            Err(format!("Error: \"eksctl {verb} {other}\" is not simulated; node groups are: eksctl get|create|scale|delete nodegroup"))
        }
        _ => return others::eksctl(args),
    };
    match result {
        Ok(text) => Reply::output(text),
        Err(text) => Reply::error(text, None),
    }
}

fn get_nodegroups(cluster: &Cluster, name: Option<&str>) -> Result<String, String> {
    let groups: Vec<&NodeGroup> = cluster.nodegroups.values().filter(|g| name.is_none_or(|n| n == g.name)).collect();
    if let (Some(n), true) = (name, groups.is_empty()) {
        return Err(format!("Error: nodegroup \"{n}\" not found"));
    }
    let rows: Vec<Vec<String>> = groups
        .iter()
        .map(|g| {
            let arch = catalogue().instance_type(&g.instance_type).map_or("x86_64", |t| t.architecture.as_str());
            let ami = if arch == "arm64" { "AL2023_ARM_64_STANDARD" } else { "AL2023_x86_64_STANDARD" };
            vec![
                cluster.name.clone(),
                g.name.clone(),
                g.status.clone(),
                crate::k8s::values::timestamp(g.created),
                g.min.to_string(),
                g.max.to_string(),
                g.desired.to_string(),
                g.instance_type.clone(),
                ami.into(),
                format!("eks-{}-{}", g.name, &crate::world::fnv1a(g.name.as_bytes()).to_string()[..8]),
                "managed".into(),
            ]
        })
        .collect();
    let header = ["CLUSTER", "NODEGROUP", "STATUS", "CREATED", "MIN SIZE", "MAX SIZE", "DESIRED CAPACITY", "INSTANCE TYPE", "IMAGE ID", "ASG NAME", "TYPE"];
    Ok(super::kubectl::table(&header, &rows))
}

fn number(flags: &BTreeMap<String, String>, name: &str) -> Result<Option<u32>, String> {
    match flags.get(name) {
        None => Ok(None),
        Some(text) => text
            .parse::<u32>()
            .map(Some)
            .map_err(|_| format!("Error: invalid argument \"{text}\" for \"--{name}\" flag: strconv.ParseInt: parsing \"{text}\": invalid syntax")),
    }
}

fn create(
    cluster: &mut Cluster,
    env: &mut crate::world::Env,
    ec2: &mut crate::services::ec2::Ec2,
    flags: &BTreeMap<String, String>,
    name: Option<String>,
    log: &dyn Fn(&str, &str) -> String,
) -> Result<String, String> {
    let name = name.unwrap_or_else(|| format!("ng-{}", env.hex_id(8)));
    if crate::k8s::values::dns1123_label_error(&name).is_some() {
        return Err(format!("Error: invalid nodegroup name \"{name}\": use lowercase letters, digits and '-'"));
    }
    if cluster.nodegroups.contains_key(&name) {
        return Err(format!("Error: nodegroup {name} already exists"));
    }
    let ty = flags.get("node-type").cloned().unwrap_or_else(|| "m5.large".into());
    if catalogue().instance_type(&ty).is_none() {
        return Err(format!("Error: instance type \"{ty}\" is not offered in this simulated region"));
    }
    let desired = number(flags, "nodes")?.unwrap_or(2);
    let min = number(flags, "nodes-min")?.unwrap_or(desired.min(1));
    let max = number(flags, "nodes-max")?.unwrap_or(desired.max(1));
    if min > desired || desired > max || max > 100 {
        return Err(format!("Error: --nodes-min ({min}) <= --nodes ({desired}) <= --nodes-max ({max}) must hold, with at most 100 nodes"));
    }
    let group = NodeGroup {
        name: name.clone(),
        instance_type: ty,
        desired,
        min,
        max,
        status: "CREATING".into(),
        labels: BTreeMap::new(),
        taints: Vec::new(),
        created: env.unix_now(),
    };
    cluster.add_nodegroup(env, ec2, group, false);
    let c = cluster.name.clone();
    Ok([
        log("ℹ", &format!("will use version {} for new nodegroup(s) based on control plane version", cluster.version)),
        log("ℹ", &format!("1 nodegroup ({name}) was included (based on the include/exclude rules)")),
        log("ℹ", &format!("will create a CloudFormation stack for each of 1 managed nodegroups in cluster \"{c}\"")),
        log("ℹ", &format!("deploying stack \"eksctl-{c}-nodegroup-{name}\"")),
        log("ℹ", "nodes are booting; watch them join with kubectl get nodes -w"),
        log("✔", &format!("created 1 managed nodegroup(s) in cluster \"{c}\"")),
    ]
    .join("\n"))
}

fn scale(cluster: &mut Cluster, flags: &BTreeMap<String, String>, name: Option<String>, log: &dyn Fn(&str, &str) -> String, region: &str) -> Result<String, String> {
    let name = name.ok_or("Error: --name must be set")?;
    let c = cluster.name.clone();
    let Some(group) = cluster.nodegroups.get_mut(&name) else {
        return Err(format!("Error: failed to scale nodegroup for cluster \"{c}\", error: ResourceNotFoundException: No node group found for name: {name}."));
    };
    let desired = number(flags, "nodes")?.ok_or("Error: at least one of minimum, maximum and desired nodes must be set")?;
    if let Some(min) = number(flags, "nodes-min")? {
        group.min = min;
    }
    if let Some(max) = number(flags, "nodes-max")? {
        group.max = max;
    }
    if desired < group.min {
        return Err(format!("Error: the desired nodes {desired} is less than current nodes-min/minSize {}", group.min));
    }
    if desired > group.max {
        return Err(format!("Error: the desired nodes {desired} is greater than current nodes-max/maxSize {}", group.max));
    }
    cluster.scale_nodegroup(&name, desired);
    Ok([
        log("ℹ", &format!("scaling nodegroup \"{name}\" in cluster {c}")),
        log("ℹ", "initiated scaling of nodegroup"),
        log("ℹ", &format!("to see the status of the scaling run `eksctl get nodegroup --cluster {c} --region {region} --name {name}`")),
    ]
    .join("\n"))
}

fn delete(cluster: &mut Cluster, name: Option<String>, log: &dyn Fn(&str, &str) -> String) -> Result<String, String> {
    let name = name.ok_or("Error: --name must be set")?;
    let c = cluster.name.clone();
    let Some(group) = cluster.nodegroups.get_mut(&name) else {
        return Err(format!("Error: nodegroup \"{name}\" not found in cluster \"{c}\""));
    };
    group.status = "DELETING".into();
    group.desired = 0;
    group.min = 0;
    let nodes: Vec<String> = cluster.nodes.iter().filter(|(_, n)| n.nodegroup == name).map(|(k, _)| k.clone()).collect();
    cluster.dirty = true;
    let mut lines = vec![
        log("ℹ", &format!("1 nodegroup ({name}) was included (based on the include/exclude rules)")),
        log("ℹ", &format!("will drain 1 nodegroup(s) in cluster \"{c}\"")),
    ];
    lines.extend(nodes.iter().map(|n| log("ℹ", &format!("cordon node \"{n}\""))));
    lines.push(log("✔", &format!("drained all nodes: [{}]", nodes.join(" "))));
    lines.push(log("ℹ", &format!("will delete stack \"eksctl-{c}-nodegroup-{name}\"")));
    lines.push(log("✔", &format!("deleted 1 nodegroup(s) from cluster \"{c}\"")));
    Ok(lines.join("\n"))
}
