//! The simulated EKS cluster through kubectl, as a player meets it: the
//! seed's manifests applied from the home directory, pods Running on x86
//! nodes, the amd64-only image crash-looping on arm64 nodes, pods Pending
//! with the scheduler's reasons, a rolling update within its surge and
//! unavailability budget, kubectl's output formats, and determinism.

use gameday::command::Shell;
use gameday::k8s::registry::Image;
use gameday::k8s::{self, ClusterSpec, NodeGroupSpec};
use gameday::world::World;
use proptest::prelude::*;

const DEPLOY: &str = include_str!("fixtures/eks-deploy.yml");
/// 2026-03-02T09:00:00Z.
const START: i64 = 1_772_442_000;

fn image(tag: &str, architectures: &[&str]) -> Image {
    Image {
        repository: "gameday-images".into(),
        tag: tag.into(),
        architectures: architectures.iter().map(|a| a.to_string()).collect(),
        manifest_list: None,
        port: Some(3000),
        entrypoint: "/usr/local/bin/app".into(),
        size_mb: 48,
    }
}

/// A world with one cluster of the given node groups (name, type, size),
/// the seed's three image tags, and the seed's manifests as `deploy.yml`.
fn world_with(groups: &[(&str, &str, u32)]) -> World {
    let mut world = World::new(7, "us-east-1", START);
    let spec = ClusterSpec {
        name: "gameday".into(),
        nodegroups: groups
            .iter()
            .map(|(name, ty, desired)| NodeGroupSpec {
                name: name.to_string(),
                instance_type: ty.to_string(),
                desired: *desired,
                min: None,
                max: None,
                labels: Default::default(),
                taints: Vec::new(),
            })
            .collect(),
    };
    let images = [image("x86_latest", &["amd64"]), image("arm64_latest", &["arm64"]), image("latest", &["amd64", "arm64"])];
    let World { eks, env, ec2, .. } = &mut world;
    k8s::build(eks, env, ec2, Some(&spec), &images);
    world.files.write("deploy.yml", DEPLOY, false).unwrap();
    world
}

fn x86_world() -> World {
    world_with(&[("x86-nodes", "m5.large", 2)])
}

/// Runs one command line; returns its text and whether it failed.
fn run(world: &mut World, line: &str) -> (String, bool) {
    let mut shell = Shell::default();
    let executed = shell.execute(world, line);
    let reply = &executed.last().expect("one command").reply;
    (reply.text.clone(), reply.is_error)
}

fn ok(world: &mut World, line: &str) -> String {
    let (text, failed) = run(world, line);
    assert!(!failed, "{line} failed: {text}");
    text
}

fn ticks(world: &mut World, seconds: u64) {
    for _ in 0..seconds {
        world.tick();
    }
}

fn cluster(world: &World) -> &k8s::Cluster {
    world.eks.cluster.as_ref().expect("a cluster")
}

/// Pod rows of `kubectl get pods`, split into columns.
fn pod_rows(world: &mut World) -> Vec<Vec<String>> {
    let text = ok(world, "kubectl get pods");
    text.lines().skip(1).map(|l| l.split_whitespace().map(str::to_string).collect()).collect()
}

#[test]
fn seed_manifests_run_on_x86_nodes() {
    let mut world = x86_world();
    let applied = ok(&mut world, "kubectl apply -f deploy.yml");
    assert_eq!(applied, "deployment.apps/gameday-deployment created\nservice/gameday-service created");
    ticks(&mut world, 60);
    let rows = pod_rows(&mut world);
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(&rows[0][1..4], ["1/1", "Running", "0"]);
    let c = cluster(&world);
    let pod = c.pods.values().next().unwrap();
    let node = &c.nodes[pod.pod.spec.node_name.as_ref().unwrap()];
    assert_eq!(node.arch, "amd64");
    assert_eq!(node.node.metadata.labels["kubernetes.io/arch"], "amd64");
    assert_eq!(node.node.metadata.labels["eks.amazonaws.com/nodegroup"], "x86-nodes");
    let endpoints = ok(&mut world, "kubectl get endpoints gameday-service");
    assert!(endpoints.contains(":3000"), "{endpoints}");
    // Applying the same file again changes nothing.
    assert_eq!(
        ok(&mut world, "kubectl apply -f deploy.yml"),
        "deployment.apps/gameday-deployment unchanged\nservice/gameday-service unchanged"
    );
}

#[test]
fn nodes_are_ec2_instances_that_cost_and_emit() {
    let mut world = world_with(&[("x86-nodes", "m5.large", 2), ("arm-nodes", "m6g.large", 1)]);
    ticks(&mut world, 10);
    assert_eq!(world.ec2.instances.len(), 3);
    let rate = world.rate();
    assert!(rate.cost_usd_per_hour > 0.0 && rate.co2e_g_per_hour > 0.0);
    let nodes = ok(&mut world, "kubectl get nodes -o wide");
    let header = nodes.lines().next().unwrap();
    assert!(header.starts_with("NAME") && header.contains("STATUS") && header.contains("INTERNAL-IP") && header.contains("CONTAINER-RUNTIME"), "{header}");
    assert_eq!(nodes.lines().filter(|l| l.contains(" Ready ")).count(), 3, "{nodes}");
    let by_arch = ok(&mut world, "kubectl get nodes -L kubernetes.io/arch,node.kubernetes.io/instance-type");
    assert!(by_arch.lines().next().unwrap().ends_with("VERSION               ARCH    INSTANCE-TYPE"), "{by_arch}");
    assert_eq!(by_arch.lines().filter(|l| l.ends_with("arm64   m6g.large")).count(), 1, "{by_arch}");
    let events = ok(&mut world, "kubectl get events");
    assert_eq!(events.matches("status is now: NodeReady").count(), 3, "{events}");
    let arm = ok(&mut world, "kubectl get nodes -l kubernetes.io/arch=arm64 -o name");
    assert_eq!(arm.lines().count(), 1);
    assert!(arm.starts_with("node/ip-"), "{arm}");
}

#[test]
fn amd64_image_on_arm64_nodes_crash_loops_with_exec_format_error() {
    let mut world = world_with(&[("arm-nodes", "m6g.large", 2)]);
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 40);
    let rows = pod_rows(&mut world);
    assert_eq!(rows[0][2], "CrashLoopBackOff", "{rows:?}");
    assert_eq!(rows[0][1], "0/1");
    let restarts: u32 = rows[0][3].parse().unwrap();
    assert!(restarts >= 1);
    let pod = rows[0][0].clone();
    let logs = ok(&mut world, &format!("kubectl logs {pod}"));
    assert_eq!(logs, "exec /usr/local/bin/app: exec format error");
    let described = ok(&mut world, &format!("kubectl describe pod {pod}"));
    assert!(described.contains("Back-off restarting failed container app in pod"), "{described}");
    assert!(described.contains("Exit Code:  255") || described.contains("Exit Code:    255"), "{described}");
    let endpoints = ok(&mut world, "kubectl get endpoints");
    assert!(endpoints.contains("gameday-service   <none>"), "{endpoints}");
    // The back-off doubles: restarts stay few over ten minutes.
    ticks(&mut world, 600);
    let restarts = cluster(&world).pods.values().next().unwrap().run.containers[0].restarts;
    assert!((3..=7).contains(&restarts), "{restarts} restarts");
}

#[test]
fn multi_arch_image_runs_on_arm64() {
    let mut world = world_with(&[("arm-nodes", "m6g.large", 1)]);
    let text = DEPLOY.replace("gameday-images:x86_latest", "gameday-images:latest");
    world.files.write("deploy.yml", &text, false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 30);
    let rows = pod_rows(&mut world);
    assert_eq!(&rows[0][1..3], ["1/1", "Running"]);
    let pod = rows[0][0].clone();
    assert!(ok(&mut world, &format!("kubectl logs {pod}")).contains("listening on port 3000"));
}

#[test]
fn readiness_probe_on_a_port_the_image_does_not_listen_on_never_passes() {
    let mut world = x86_world();
    let text = DEPLOY.replace(
        "            - containerPort: 3000\n",
        "            - containerPort: 3000\n          readinessProbe:\n            httpGet:\n              port: 8080\n",
    );
    world.files.write("deploy.yml", &text, false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 60);
    let rows = pod_rows(&mut world);
    assert_eq!(&rows[0][1..3], ["0/1", "Running"]);
    let events = ok(&mut world, "kubectl get events");
    assert!(events.contains("Readiness probe failed: Get \"http://10.0."), "{events}");
    assert!(events.contains(":8080/\": dial tcp"), "{events}");
}

#[test]
fn pending_pods_say_why_no_node_fits() {
    let mut world = world_with(&[("x86-nodes", "m5.large", 3)]);
    let text = DEPLOY.replace("    spec:\n      containers:", "    spec:\n      nodeSelector:\n        kubernetes.io/arch: arm64\n      containers:");
    world.files.write("deploy.yml", &text, false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 5);
    assert_eq!(pod_rows(&mut world)[0][2], "Pending");
    let pod = cluster(&world).pods.values().next().unwrap().pod.metadata.name.clone();
    let described = ok(&mut world, &format!("kubectl describe pod {pod}"));
    assert!(
        described.contains(
            "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. \
             preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
        ),
        "{described}"
    );

    // Too big for any node: the resource reasons.
    let text = DEPLOY.replace(
        "            - containerPort: 3000\n",
        "            - containerPort: 3000\n          resources:\n            requests:\n              cpu: \"4\"\n",
    );
    world.files.write("big.yml", &text.replace("gameday-deployment", "big"), false).unwrap();
    ok(&mut world, "kubectl apply -f big.yml");
    ticks(&mut world, 5);
    let events = ok(&mut world, "kubectl get events");
    assert!(
        events.contains("0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."),
        "{events}"
    );
}

#[test]
fn tainted_nodes_need_a_toleration() {
    let mut world = World::new(3, "us-east-1", START);
    let spec = ClusterSpec {
        name: "gameday".into(),
        nodegroups: vec![NodeGroupSpec {
            name: "gpu".into(),
            instance_type: "m5.large".into(),
            desired: 1,
            min: None,
            max: None,
            labels: Default::default(),
            taints: vec![k8s::api::Taint { key: "dedicated".into(), value: Some("gpu".into()), effect: "NoSchedule".into() }],
        }],
    };
    let World { eks, env, ec2, .. } = &mut world;
    k8s::build(eks, env, ec2, Some(&spec), &[image("latest", &["amd64", "arm64"])]);
    world.files.write("deploy.yml", &DEPLOY.replace(":x86_latest", ":latest"), false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 3);
    let events = ok(&mut world, "kubectl get events");
    assert!(events.contains("0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}."), "{events}");
}

#[test]
fn rolling_update_stays_within_surge_and_unavailability() {
    let mut world = world_with(&[("x86-nodes", "m5.large", 3)]);
    world.files.write("deploy.yml", &DEPLOY.replace("replicas: 1", "replicas: 4"), false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 60);
    assert_eq!(ok(&mut world, "kubectl get deploy").lines().nth(1).unwrap().split_whitespace().nth(1), Some("4/4"));

    let updated = DEPLOY.replace("replicas: 1", "replicas: 4").replace(":x86_latest", ":latest");
    world.files.write("deploy.yml", &updated, false).unwrap();
    let applied = ok(&mut world, "kubectl apply -f deploy.yml");
    assert!(applied.starts_with("deployment.apps/gameday-deployment configured"), "{applied}");
    for second in 0..120 {
        world.tick();
        let c = cluster(&world);
        let live: Vec<_> = c.pods.values().filter(|p| p.run.deleted_at.is_none()).collect();
        let ready = live.iter().filter(|p| p.run.ready()).count();
        assert!(live.len() <= 5, "second {second}: {} pods, surge is 1", live.len());
        assert!(ready >= 3, "second {second}: {ready} ready, at most 1 may be unavailable");
    }
    let c = cluster(&world);
    assert!(c.pods.values().all(|p| p.pod.spec.containers[0].image.ends_with(":latest")));
    let d = c.deployments.values().next().unwrap();
    assert_eq!(d.metadata.annotations["deployment.kubernetes.io/revision"], "2");
    let rs = ok(&mut world, "kubectl get rs");
    let counts: Vec<Vec<&str>> = rs.lines().skip(1).map(|l| l.split_whitespace().collect()).collect();
    assert_eq!(counts.len(), 2, "{rs}");
    assert!(counts.iter().any(|r| r[1..4] == ["4", "4", "4"]) && counts.iter().any(|r| r[1..4] == ["0", "0", "0"]), "{rs}");
    let described = ok(&mut world, "kubectl describe deployment gameday-deployment");
    assert!(described.contains("Scaled up replica set gameday-deployment-"), "{described}");
    assert!(described.contains("RollingUpdateStrategy:  25% max unavailable, 25% max surge"), "{described}");
}

#[test]
fn kubectl_prints_tables_and_formats_like_kubectl() {
    let mut world = x86_world();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 75);
    let pods = ok(&mut world, "kubectl get pods -o wide");
    let header = pods.lines().next().unwrap();
    assert_eq!(
        header.split("  ").filter(|c| !c.is_empty()).map(str::trim).collect::<Vec<_>>(),
        ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED NODE", "READINESS GATES"]
    );
    assert!(pods.lines().nth(1).unwrap().contains("   75s   10.0."), "{pods}");
    let services = ok(&mut world, "kubectl get svc");
    let lines: Vec<&str> = services.lines().collect();
    assert!(lines[0].starts_with("NAME              TYPE        CLUSTER-IP"), "{services}");
    assert!(lines.iter().any(|l| l.starts_with("gameday-service   ClusterIP   10.100.") && l.contains("<none>        80/TCP")), "{services}");
    assert!(lines.iter().any(|l| l.starts_with("kubernetes        ClusterIP   10.100.0.1")), "{services}");
    let deploy = ok(&mut world, "kubectl get deployments --show-labels");
    assert!(deploy.lines().next().unwrap().ends_with("LABELS"));
    assert!(deploy.contains("app=nginx,architecture=x_86"), "{deploy}");
    let all = ok(&mut world, "kubectl get all");
    assert!(all.contains("pod/gameday-deployment-") && all.contains("service/gameday-service") && all.contains("deployment.apps/gameday-deployment") && all.contains("replicaset.apps/gameday-deployment-"), "{all}");
    assert_eq!(ok(&mut world, "kubectl get deploy -o name"), "deployment.apps/gameday-deployment");
    let yaml = ok(&mut world, "kubectl get deployment gameday-deployment -o yaml");
    assert!(yaml.starts_with("apiVersion: apps/v1\nkind: Deployment\nmetadata:"), "{yaml}");
    assert!(yaml.contains("      maxSurge: 25%") && yaml.contains("revisionHistoryLimit: 10"), "{yaml}");
    let json = ok(&mut world, "kubectl get svc gameday-service -o json");
    assert!(json.starts_with("{\n    \"apiVersion\": \"v1\","), "{json}");
    assert!(json.contains("\"targetPort\": 3000"), "{json}");
    assert_eq!(ok(&mut world, "kubectl get pods -n kube-system"), "No resources found in kube-system namespace.");
    let namespaces = ok(&mut world, "kubectl get ns");
    assert!(namespaces.contains("default           Active   75s"), "{namespaces}");
    assert!(ok(&mut world, "kubectl get pods -A").starts_with("NAMESPACE   NAME"));
    let version = ok(&mut world, "kubectl version");
    assert!(version.contains("Server Version: v1.31"));
}

#[test]
fn kubectl_errors_are_kubectls() {
    let mut world = x86_world();
    let cases = [
        ("kubectl get pod2", "error: the server doesn't have a resource type \"pod2\""),
        ("kubectl get deployment nope", "Error from server (NotFound): deployments.apps \"nope\" not found"),
        ("kubectl delete deployment nope", "Error from server (NotFound): deployments.apps \"nope\" not found"),
        ("kubectl apply -f missing.yml", "error: the path \"missing.yml\" does not exist"),
        ("kubectl scale deployment nope", "error: required flag(s) \"replicas\" not set"),
        ("kubectl get pods --bogus", "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage."),
    ];
    for (line, expected) in cases {
        let (text, failed) = run(&mut world, line);
        assert!(failed, "{line} should fail");
        assert_eq!(text, expected, "{line}");
    }
    world.files.write("bad.yml", &DEPLOY.replace("  replicas: 1", "  replica: 1"), false).unwrap();
    let (text, failed) = run(&mut world, "kubectl apply -f bad.yml");
    assert!(failed);
    assert!(text.contains("ValidationError(Deployment.spec): unknown field \"replica\" in io.k8s.api.apps.v1.DeploymentSpec"), "{text}");
    ok(&mut world, "kubectl create -f deploy.yml");
    let (text, _) = run(&mut world, "kubectl create -f deploy.yml");
    assert!(text.starts_with("Error from server (AlreadyExists): error when creating \"deploy.yml\": deployments.apps \"gameday-deployment\" already exists"), "{text}");
}

#[test]
fn expose_scale_and_delete() {
    let mut world = x86_world();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 30);
    assert_eq!(
        ok(&mut world, "kubectl expose deployment/gameday-deployment --port=80 --target-port=3000 --type LoadBalancer"),
        "service/gameday-deployment exposed"
    );
    let (text, failed) = run(&mut world, "kubectl expose deployment gameday-deployment --port=80 --name lb2 --type NodePort");
    assert!(!failed, "{text}");
    let svc = ok(&mut world, "kubectl get svc gameday-deployment");
    let row: Vec<&str> = svc.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[1], "LoadBalancer");
    assert_eq!(row[3], "<pending>");
    assert!(row[4].starts_with("80:3") && row[4].ends_with("/TCP"), "{svc}");
    let described = ok(&mut world, "kubectl describe svc gameday-deployment");
    assert!(described.contains("Selector:                 app=nginx"), "{described}");
    assert!(described.contains("TargetPort:               3000/TCP"), "{described}");

    assert_eq!(ok(&mut world, "kubectl scale deployment gameday-deployment --replicas=3"), "deployment.apps/gameday-deployment scaled");
    ticks(&mut world, 40);
    assert_eq!(pod_rows(&mut world).iter().filter(|r| r[2] == "Running").count(), 3);
    let (text, failed) = run(&mut world, "kubectl scale deploy/gameday-deployment --replicas=-1");
    assert!(failed && text.contains("spec.replicas: Invalid value: -1: must be greater than or equal to 0"), "{text}");

    let deleted = ok(&mut world, "kubectl delete -f deploy.yml");
    assert_eq!(deleted, "deployment.apps \"gameday-deployment\" deleted\nservice \"gameday-service\" deleted");
    world.tick();
    assert!(pod_rows(&mut world).iter().all(|r| r[2] == "Terminating"));
    ticks(&mut world, 5);
    assert_eq!(ok(&mut world, "kubectl get pods"), "No resources found in default namespace.");
}

#[test]
fn node_groups_scale_and_drain() {
    let mut world = x86_world();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 10);
    {
        let World { eks, .. } = &mut world;
        assert!(eks.cluster.as_mut().unwrap().scale_nodegroup("x86-nodes", 3));
    }
    ticks(&mut world, 2);
    assert_eq!(world.ec2.instances.len(), 3);
    assert_eq!(ok(&mut world, "kubectl get nodes").lines().count(), 3, "the new node has not registered yet");
    ticks(&mut world, 45);
    let nodes = ok(&mut world, "kubectl get nodes");
    assert_eq!(nodes.lines().count(), 4);
    assert!(nodes.contains("NotReady"), "{nodes}");
    ticks(&mut world, 10);
    assert!(!ok(&mut world, "kubectl get nodes").contains("NotReady"));

    let node = cluster(&world).pods.values().next().unwrap().pod.spec.node_name.clone().unwrap();
    let drained = ok(&mut world, &format!("kubectl drain {node} --ignore-daemonsets"));
    assert!(drained.starts_with(&format!("node/{node} cordoned")) && drained.ends_with(&format!("node/{node} drained")), "{drained}");
    ticks(&mut world, 40);
    let c = cluster(&world);
    let live: Vec<_> = c.pods.values().collect();
    assert_eq!(live.len(), 1);
    assert_ne!(live[0].pod.spec.node_name.as_ref(), Some(&node));
    assert!(live[0].run.ready());
    assert!(ok(&mut world, "kubectl get nodes").contains("Ready,SchedulingDisabled"));
}

/// The same seed and commands give the same world, twice over.
fn scenario() -> String {
    let mut world = world_with(&[("x86-nodes", "m5.large", 2), ("arm-nodes", "m6g.large", 1)]);
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 30);
    ok(&mut world, "kubectl scale deployment gameday-deployment --replicas=5");
    ok(&mut world, "kubectl expose deployment gameday-deployment --port 80 --target-port 3000 --type LoadBalancer --name lb");
    ticks(&mut world, 120);
    world.digest()
}

#[test]
fn same_seed_and_commands_give_the_same_digest() {
    assert_eq!(scenario(), scenario());
}

#[test]
fn worlds_without_a_cluster_keep_the_stub_answers() {
    let mut world = World::new(1, "us-east-1", START);
    let (text, failed) = run(&mut world, "kubectl get pods");
    assert!(failed);
    assert!(text.contains("The connection to the server localhost:8080 was refused"), "{text}");
}

/// Words of kubectl command lines, mixed with noise.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("kubectl".to_string()),
        Just("get".to_string()),
        Just("describe".to_string()),
        Just("apply".to_string()),
        Just("create".to_string()),
        Just("delete".to_string()),
        Just("expose".to_string()),
        Just("scale".to_string()),
        Just("logs".to_string()),
        Just("drain".to_string()),
        Just("pods".to_string()),
        Just("deploy/gameday-deployment".to_string()),
        Just("deployment".to_string()),
        Just("svc".to_string()),
        Just("all".to_string()),
        Just("nodes".to_string()),
        Just("-f".to_string()),
        Just("deploy.yml".to_string()),
        Just("-o".to_string()),
        Just("-oyaml".to_string()),
        Just("wide".to_string()),
        Just("json".to_string()),
        Just("-l".to_string()),
        Just("app in (a,".to_string()),
        Just("-n".to_string()),
        Just("-A".to_string()),
        Just("--port=80".to_string()),
        Just("--target-port".to_string()),
        Just("--replicas=99999999999".to_string()),
        Just("--replicas".to_string()),
        Just("--type".to_string()),
        Just("LoadBalancer".to_string()),
        Just("--previous".to_string()),
        Just("--tail=-5".to_string()),
        Just("-c".to_string()),
        "\\PC{0,10}",
    ]
}

/// Fragments of YAML manifests, valid and not.
fn yaml_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("apiVersion: apps/v1\n".to_string()),
        Just("apiVersion: v1\n".to_string()),
        Just("kind: Deployment\n".to_string()),
        Just("kind: Service\n".to_string()),
        Just("kind: Pod\n".to_string()),
        Just("kind: Namespace\n".to_string()),
        Just("metadata:\n  name: x\n".to_string()),
        Just("metadata:\n  name: UPPER_case\n  labels:\n    \"-bad\": \"v!\"\n".to_string()),
        Just("spec:\n  replicas: 2147483648\n".to_string()),
        Just("spec:\n  replicas: -3\n  selector: {matchLabels: {a: b}}\n".to_string()),
        Just("spec:\n  template:\n    spec:\n      containers: [{name: a, image: nginx, ports: [{containerPort: 99999}]}]\n".to_string()),
        Just("spec:\n  ports: [{port: 0, targetPort: Bad_Name}]\n  type: Weird\n".to_string()),
        Just("  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n".to_string()),
        Just("---\n".to_string()),
        Just("a: &x [*x]\n".to_string()),
        Just("- - - [\n".to_string()),
        Just("{{{{".to_string()),
        "\\PC{0,30}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn kubectl_never_panics_and_errors_say_something(words in proptest::collection::vec(word(), 1..8)) {
        let mut world = x86_world();
        let line = words.join(" ");
        let mut shell = Shell::default();
        for executed in shell.execute(&mut world, &line) {
            if executed.reply.is_error {
                prop_assert!(!executed.reply.text.trim().is_empty(), "empty error for {line:?}");
            }
        }
        ticks(&mut world, 3);
    }

    #[test]
    fn manifests_never_panic(pieces in proptest::collection::vec(yaml_piece(), 0..10)) {
        let text = pieces.concat();
        let mut world = x86_world();
        world.files.write("m.yml", &text, false).unwrap();
        let (reply, _) = run(&mut world, "kubectl apply -f m.yml");
        prop_assert!(!reply.trim().is_empty());
        ticks(&mut world, 3);
        let _ = run(&mut world, "kubectl get all -A -o yaml");
    }
}

#[test]
fn a_quest_file_declares_the_cluster_images_and_manifests() {
    use gameday::quest::{Quest, Session};
    let quest = Quest::parse("eks-cluster.toml", include_str!("fixtures/eks-cluster.toml")).unwrap();
    let log = quest.solution.log.get_ref().clone();
    let (session, outputs) = Session::replay(quest, &log).unwrap();
    assert_eq!(outputs[0].reply.text, "deployment.apps/gameday-deployment created\nservice/gameday-service created");
    let world = session.world();
    let c = world.eks.cluster.as_ref().unwrap();
    assert_eq!(c.nodes.len(), 2);
    let pod = c.pods.values().next().unwrap();
    assert!(pod.run.ready());
    assert_eq!(c.nodes[pod.pod.spec.node_name.as_ref().unwrap()].arch, "amd64");

    let bad = include_str!("fixtures/eks-cluster.toml").replace("instance_type = \"m5.large\"", "instance_type = \"m5.huge\"");
    let err = Quest::parse("eks-cluster.toml", &bad).unwrap_err();
    assert_eq!(err.field, "world.eks.nodegroups[0].instance_type");
    assert!(err.message.contains("unknown instance type \"m5.huge\""), "{err}");
    let bad = include_str!("fixtures/eks-cluster.toml").replace("[\"amd64\"]", "[\"x86\"]");
    let err = Quest::parse("eks-cluster.toml", &bad).unwrap_err();
    assert_eq!(err.field, "world.images[0]");
}

#[test]
fn moving_to_graviton_with_eksctl() {
    let mut world = x86_world();
    world.files.write("deploy.yml", &DEPLOY.replace("replicas: 1", "replicas: 2"), false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 30);
    let created = ok(&mut world, "eksctl create nodegroup --cluster gameday --name arm-nodes --node-type m6g.large --nodes 2");
    assert!(created.ends_with("[✔]  created 1 managed nodegroup(s) in cluster \"gameday\""), "{created}");
    let groups = ok(&mut world, "eksctl get nodegroup --cluster gameday");
    assert!(groups.contains("arm-nodes") && groups.contains("CREATING") && groups.contains("m6g.large"), "{groups}");
    ticks(&mut world, 60);
    assert!(ok(&mut world, "eksctl get nodegroup --cluster gameday --name arm-nodes").contains("ACTIVE"));
    assert_eq!(ok(&mut world, "kubectl get nodes -l kubernetes.io/arch=arm64 -o name").lines().count(), 2);

    let multi = DEPLOY.replace("replicas: 1", "replicas: 2").replace(":x86_latest", ":latest");
    world.files.write("deploy.yml", &multi, false).unwrap();
    ok(&mut world, "kubectl apply -f deploy.yml");
    ticks(&mut world, 60);
    let deleted = ok(&mut world, "eksctl delete nodegroup --cluster gameday --name x86-nodes");
    assert!(deleted.contains("cordon node \"ip-"), "{deleted}");
    ticks(&mut world, 90);
    let c = cluster(&world);
    assert_eq!(c.nodegroups.keys().collect::<Vec<_>>(), ["arm-nodes"]);
    assert!(c.nodes.values().all(|n| n.arch == "arm64"));
    let pods: Vec<_> = c.pods.values().collect();
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| p.run.ready() && c.nodes[p.pod.spec.node_name.as_ref().unwrap()].arch == "arm64"));
    let terminated = world.ec2.instances.iter().filter(|i| i.state.name() == "terminated" || i.state.name() == "shutting-down").count();
    assert_eq!(terminated, 2);

    let (text, failed) = run(&mut world, "eksctl scale nodegroup --cluster gameday --name arm-nodes --nodes 0");
    assert!(failed && text == "Error: the desired nodes 0 is less than current nodes-min/minSize 1", "{text}");
    let (text, failed) = run(&mut world, "eksctl get nodegroup --cluster other");
    assert!(failed && text.contains("No cluster found for name: other."), "{text}");
}

/// The figure: 1,000 nodes and 10,000 pods applied and reconciled
/// to steady state, then `kubectl get pods -A`. Prints the times; run with
/// `cargo test --release --test eks -- --ignored --nocapture large`.
#[test]
#[ignore]
fn large_cluster_reconciles() {
    let mut world = World::new(11, "us-east-1", START);
    let spec = ClusterSpec {
        name: "big".into(),
        nodegroups: (0..10)
            .map(|i| NodeGroupSpec {
                name: format!("group-{i}"),
                instance_type: if i % 2 == 0 { "m5.large".into() } else { "m6g.large".into() },
                desired: 100,
                min: None,
                max: None,
                labels: Default::default(),
                taints: Vec::new(),
            })
            .collect(),
    };
    let World { eks, env, ec2, .. } = &mut world;
    k8s::build(eks, env, ec2, Some(&spec), &[image("latest", &["amd64", "arm64"])]);
    let mut manifests = String::new();
    for i in 0..20 {
        manifests.push_str(&DEPLOY.replace("gameday-deployment", &format!("app-{i}")).replace("gameday-service", &format!("svc-{i}")).replace("replicas: 1", "replicas: 500").replace(":x86_latest", ":latest"));
        manifests.push_str("\n---\n");
    }
    world.files.write("big.yml", &manifests, false).unwrap();
    let started = std::time::Instant::now();
    ok(&mut world, "kubectl apply -f big.yml");
    let mut seconds = 0;
    while cluster(&world).pods.values().filter(|p| p.run.ready()).count() < 10_000 && seconds < 600 {
        world.tick();
        seconds += 1;
    }
    let reconciled = started.elapsed();
    let started = std::time::Instant::now();
    let listing = ok(&mut world, "kubectl get pods -A");
    let listed = started.elapsed();
    println!("FIGURE eks: 1000 nodes, 10000 pods ready after {seconds} simulated s in {reconciled:?}; get pods -A ({} lines) in {listed:?}", listing.lines().count());
    assert_eq!(listing.lines().count(), 10_001);
}
