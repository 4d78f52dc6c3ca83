//! CloudWatch alarms, launch templates and Auto Scaling through the AWS CLI,
//! as a player drives them in a session: a group at desired capacity 0 whose
//! scaling policies two alarms trigger scales out while an instance runs
//! hot, and back to 0 once its CPU data stops, with AWS's activity wording
//! and the quest objectives that describe the wiring.

use gameday::quest::{Quest, Session};
use serde_json::Value;

const HOT: &str = "i-0aaaaaaaaaaaaaaa1";

const QUEST: &str = r#"
id = "scaling-test"
title = "Scale on demand"
summary = "An alarm drives an Auto Scaling group from zero and back."
story = "A hot batch instance; workers should exist only while it is busy."

[world]
seed = 42
region = "us-east-1"
start_time = "2026-03-02T09:00:00Z"
warmup = "10m"

[[world.instances]]
instance_id = "i-0aaaaaaaaaaaaaaa1"
instance_type = "m5.large"
tags = { Name = "batch-hot" }
cpu = { base = 85.0, jitter = 3.0 }

[[objectives]]
id = "wired"
title = "An alarm on the batch instance's CPU above 70 % triggers a scale-out policy"
points = 100
[objectives.check]
kind = "alarm_wired"
namespace = "AWS/EC2"
metric_name = "CPUUtilization"
comparison = ["GreaterThanThreshold", "GreaterThanOrEqualToThreshold"]
threshold = 70
dimensions = { InstanceId = "i-0aaaaaaaaaaaaaaa1" }
to = "scale_out_policy"
group_min_size = 0

[[objectives]]
id = "capacity"
title = "A group with MinSize 0 and DesiredCapacity 0"
points = 50
check = { kind = "group_capacity", min = 0, desired = 0, max_at_least = 2 }

[[objectives]]
id = "way-back"
title = "The group can get back to 0 on its own"
points = 50
check = { kind = "scale_in_path" }

[[objectives]]
id = "graviton"
title = "The group launches Graviton instances"
points = 25
check = { kind = "group_architecture", architecture = "arm64" }

[solution]
log = """
@600 aws ec2 describe-instances
"""
"#;

fn session() -> Session {
    Session::new(Quest::parse("scaling-test.toml", QUEST).unwrap_or_else(|e| panic!("{e}")))
}

/// Runs one command that must succeed; returns its JSON output.
fn ok(s: &mut Session, command: &str) -> Value {
    let out = s.execute(command);
    let reply = &out.first().expect("one command").reply;
    assert!(!reply.is_error, "{command}\n{}", reply.text);
    serde_json::from_str(&reply.text).unwrap_or(Value::Null)
}

/// Runs one command that must fail; returns its error text.
fn fails(s: &mut Session, command: &str) -> String {
    let out = s.execute(command);
    let reply = &out.first().expect("one command").reply;
    assert!(reply.is_error, "{command} should fail:\n{}", reply.text);
    reply.text.clone()
}

fn group(s: &mut Session) -> Value {
    let out = ok(
        s,
        "aws autoscaling describe-auto-scaling-groups --auto-scaling-group-names workers",
    );
    out["AutoScalingGroups"][0].clone()
}

fn met(s: &Session, id: &str) -> bool {
    s.objectives().iter().any(|o| o.id == id && o.ok)
}

#[test]
fn an_alarm_scales_a_group_out_from_zero_and_back() {
    let mut s = session();
    assert_eq!(s.now(), 600);

    let out = ok(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name workers --launch-template-data \
         '{\"ImageId\":\"ami-07d9e1a6b5c38f2e4\",\"InstanceType\":\"t4g.small\",\
         \"TagSpecifications\":[{\"ResourceType\":\"instance\",\
         \"Tags\":[{\"Key\":\"Role\",\"Value\":\"worker\"}]}]}'",
    );
    assert_eq!(out["LaunchTemplate"]["LatestVersionNumber"], 1);
    assert!(
        out.get("Warning").is_none(),
        "a valid template has no warning: {out}"
    );
    ok(
        &mut s,
        "aws autoscaling create-auto-scaling-group --auto-scaling-group-name workers \
         --launch-template 'LaunchTemplateName=workers,Version=$Latest' --min-size 0 --max-size 3 \
         --desired-capacity 0 --availability-zones us-east-1a us-east-1b --default-cooldown 60 \
         --tags Key=Team,Value=batch,PropagateAtLaunch=true",
    );
    let out = ok(
        &mut s,
        "aws autoscaling put-scaling-policy --auto-scaling-group-name workers \
         --policy-name scale-out --adjustment-type ChangeInCapacity --scaling-adjustment 1 \
         --cooldown 60",
    );
    let scale_out = out["PolicyARN"].as_str().unwrap().to_string();
    assert!(
        scale_out.contains(":scalingPolicy:")
            && scale_out.ends_with(":autoScalingGroupName/workers:policyName/scale-out")
    );
    let out = ok(
        &mut s,
        "aws autoscaling put-scaling-policy --auto-scaling-group-name workers \
         --policy-name to-zero --adjustment-type ExactCapacity --scaling-adjustment 0",
    );
    let to_zero = out["PolicyARN"].as_str().unwrap().to_string();
    assert!(
        !met(&s, "wired") && met(&s, "capacity") && met(&s, "graviton") && !met(&s, "way-back")
    );

    ok(
        &mut s,
        &format!(
            "aws cloudwatch put-metric-alarm --alarm-name batch-hot --namespace AWS/EC2 \
             --metric-name CPUUtilization --dimensions Name=InstanceId,Value={HOT} \
             --statistic Average --period 60 --evaluation-periods 2 --threshold 70 \
             --comparison-operator GreaterThanThreshold \
             --alarm-actions {scale_out}"
        ),
    );
    ok(
        &mut s,
        &format!(
            "aws cloudwatch put-metric-alarm --alarm-name batch-idle --namespace AWS/EC2 \
             --metric-name CPUUtilization --dimensions Name=InstanceId,Value={HOT} \
             --statistic Average --period 60 --evaluation-periods 3 --threshold 20 \
             --comparison-operator LessThanThreshold \
             --treat-missing-data breaching --alarm-actions {to_zero}"
        ),
    );
    assert!(
        met(&s, "wired") && met(&s, "way-back"),
        "{:?}",
        s.objectives()
    );
    assert!(
        s.completed(),
        "every goal is met before the alarm has fired"
    );
    assert_eq!(group(&mut s)["Instances"].as_array().unwrap().len(), 0);

    // Two one-minute periods above 70 %: the alarm fires and the group
    // launches a Graviton worker.
    s.run_until(900);
    let out = ok(&mut s, "aws cloudwatch describe-alarms --state-value ALARM");
    let alarms = out["MetricAlarms"].as_array().unwrap();
    assert_eq!(alarms.len(), 1);
    let reason = alarms[0]["StateReason"].as_str().unwrap();
    assert!(
        reason.starts_with("Threshold Crossed: 2 out of the last 2 datapoints ["),
        "{reason}"
    );
    assert!(
        reason.contains("were greater than the threshold (70.0)"),
        "{reason}"
    );
    let g = group(&mut s);
    let desired = g["DesiredCapacity"].as_u64().unwrap();
    assert!((1..=3).contains(&desired), "{g}");
    assert_eq!(g["Instances"][0]["LifecycleState"], "InService");
    let id = g["Instances"][0]["InstanceId"]
        .as_str()
        .unwrap()
        .to_string();
    let out = ok(
        &mut s,
        &format!("aws ec2 describe-instances --instance-ids {id}"),
    );
    let instance = &out["Reservations"][0]["Instances"][0];
    assert_eq!(instance["Architecture"], "arm64");
    let tags = instance["Tags"].to_string();
    for tag in [
        "aws:autoscaling:groupName",
        "\"Role\"",
        "\"Team\"",
        "aws:ec2launchtemplate:id",
    ] {
        assert!(tags.contains(tag), "{tag} missing from {tags}");
    }
    let out = ok(
        &mut s,
        "aws autoscaling describe-scaling-activities --auto-scaling-group-name workers",
    );
    let first = out["Activities"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert!(first["Description"]
        .as_str()
        .unwrap()
        .starts_with("Launching a new EC2 instance: i-"));
    let cause = first["Cause"].as_str().unwrap();
    assert!(
        cause.starts_with(
            "At 2026-03-02T09:10:00Z a monitor alarm batch-hot in state ALARM triggered policy \
             scale-out changing the desired capacity from 0 to 1.  At 2026-03-02T09:10:01Z an \
             instance was started in response to a difference between desired and actual capacity, \
             increasing the capacity from 0 to 1."
        ),
        "{cause}"
    );
    assert_eq!(first["StatusCode"], "Successful");

    // The batch job ends: its CPU data stops, the idle alarm treats the
    // missing data as breaching, and the group goes back to 0.
    ok(
        &mut s,
        &format!("aws ec2 stop-instances --instance-ids {HOT}"),
    );
    s.run_until(1500);
    let g = group(&mut s);
    assert_eq!(g["DesiredCapacity"], 0, "{g}");
    assert_eq!(g["Instances"].as_array().unwrap().len(), 0, "{g}");
    let out = ok(
        &mut s,
        "aws autoscaling describe-scaling-activities --auto-scaling-group-name workers \
         --max-records 1",
    );
    let last = &out["Activities"][0];
    assert!(last["Description"]
        .as_str()
        .unwrap()
        .starts_with("Terminating EC2 instance: i-"));
    assert!(last["Cause"]
        .as_str()
        .unwrap()
        .contains("a monitor alarm batch-idle in state ALARM triggered policy to-zero"));

    let out = ok(
        &mut s,
        "aws cloudwatch describe-alarm-history --alarm-name batch-idle \
         --history-item-type StateUpdate",
    );
    let summaries: Vec<&str> = out["AlarmHistoryItems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["HistorySummary"].as_str().unwrap())
        .collect();
    assert_eq!(
        summaries.first(),
        Some(&"Alarm updated from OK to ALARM"),
        "{summaries:?}"
    );
    let out = ok(
        &mut s,
        "aws cloudwatch describe-alarm-history --alarm-name batch-idle --history-item-type Action",
    );
    let action = out["AlarmHistoryItems"][0]["HistorySummary"]
        .as_str()
        .unwrap();
    assert_eq!(action, format!("Successfully executed action {to_zero}"));

    // A replay of the same commands gives the same world.
    let replayed = Session::replay(s.quest().clone(), &s.log_text()).unwrap().0;
    assert_eq!(replayed.digest(), s.digest());
}

#[test]
fn the_cli_refuses_what_aws_refuses() {
    let mut s = session();
    ok(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name mixed \
         --launch-template-data ImageId=ami-0c1f5b3a7d2e94a10,InstanceType=t4g.small",
    );
    let err = fails(
        &mut s,
        "aws autoscaling create-auto-scaling-group --auto-scaling-group-name g \
         --launch-template LaunchTemplateName=mixed --min-size 0 --max-size 2 \
         --availability-zones us-east-1a",
    );
    assert!(
        err.contains(
            "An error occurred (ValidationError) when calling the CreateAutoScalingGroup \
             operation: \
             You must use a valid fully-formed launch template. The architecture 'arm64' of the \
             specified instance type does not match the architecture 'x86_64' of the specified AMI."
        ),
        "{err}"
    );
    let err = fails(
        &mut s,
        "aws ec2 run-instances --launch-template LaunchTemplateName=mixed",
    );
    assert!(
        err.contains(
            "(InvalidParameterValue) when calling the RunInstances operation: The architecture"
        ),
        "{err}"
    );

    ok(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name arm \
         --launch-template-data ImageId=ami-07d9e1a6b5c38f2e4,InstanceType=t4g.small",
    );
    let err = fails(
        &mut s,
        "aws autoscaling create-auto-scaling-group --auto-scaling-group-name g \
         --launch-template LaunchTemplateName=arm --min-size -1 --max-size 2 \
         --availability-zones us-east-1a",
    );
    assert!(
        err.contains(
            "1 validation error detected: Value '-1' at 'minSize' failed to satisfy constraint"
        ),
        "{err}"
    );
    let err = fails(
        &mut s,
        "aws autoscaling create-auto-scaling-group --auto-scaling-group-name g \
         --launch-template LaunchTemplateName=arm --max-size 2",
    );
    assert!(
        err.contains("the following arguments are required: --min-size"),
        "{err}"
    );
    let err = fails(
        &mut s,
        "aws cloudwatch put-metric-alarm --alarm-name p90 --namespace AWS/EC2 \
         --metric-name CPUUtilization --statistic Average \
         --extended-statistic p90 --period 60 --evaluation-periods 1 --threshold 5 \
         --comparison-operator GreaterThanThreshold",
    );
    assert!(err.contains("InvalidParameterCombination"), "{err}");
    let err = fails(
        &mut s,
        "aws cloudwatch put-metric-alarm --alarm-name p90 --namespace AWS/EC2 \
         --metric-name CPUUtilization \
         --extended-statistic p100.5 --period 60 --evaluation-periods 1 --threshold 5 \
         --comparison-operator GreaterThanThreshold",
    );
    assert!(err.contains("p100.5") && err.contains("such as p90"), "{err}");
    let err = fails(
        &mut s,
        "aws cloudwatch put-metric-alarm --alarm-name a --namespace AWS/EC2 \
         --metric-name CPUUtilization \
         --statistic Average --period 60 --evaluation-periods 1 --threshold 5 \
         --comparison-operator GreaterThanUpperThreshold",
    );
    assert!(err.contains("anomaly detection"), "{err}");
    let err = fails(
        &mut s,
        "aws cloudwatch put-metric-alarm --alarm-name a --namespace AWS/EC2 \
         --metric-name CPUUtilization \
         --statistic Average --period 60 --evaluation-periods 1 --threshold lots \
         --comparison-operator GreaterThanThreshold",
    );
    assert!(
        err.contains("could not convert string to float: 'lots'"),
        "{err}"
    );
    let err = fails(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name x1 \
         --launch-template-data '{\"Imageid\": \"a\"}'",
    );
    assert!(
        err.contains("Unknown parameter in LaunchTemplateData: \"Imageid\""),
        "{err}"
    );
    let err = fails(
        &mut s,
        "aws autoscaling set-desired-capacity --auto-scaling-group-name nope --desired-capacity 1",
    );
    assert!(err.contains("AutoScalingGroup name not found"), "{err}");
}

#[test]
fn percentile_alarms_take_the_percentile_of_one_minute_datapoints() {
    // The hot instance runs at 85 % +- 3: its one-minute averages sit near
    // 85, so p10 > 80 holds while p10 > 90 does not.
    let mut s = session();
    for (name, threshold) in [("p10-above-80", 80), ("p10-above-90", 90)] {
        ok(
            &mut s,
            &format!(
                "aws cloudwatch put-metric-alarm --alarm-name {name} --namespace AWS/EC2 \
                 --metric-name CPUUtilization --dimensions Name=InstanceId,Value={HOT} \
                 --extended-statistic p10 --period 300 --evaluation-periods 1 \
                 --threshold {threshold} --comparison-operator GreaterThanThreshold"
            ),
        );
    }
    s.run_until(s.now() + 900);
    let out = ok(&mut s, "aws cloudwatch describe-alarms");
    let alarms = out["MetricAlarms"].as_array().unwrap();
    let state = |name: &str| {
        let a = alarms.iter().find(|a| a["AlarmName"] == name).unwrap();
        assert_eq!(a["ExtendedStatistic"], "p10");
        assert!(a.get("Statistic").is_none(), "a percentile alarm has no Statistic");
        a["StateValue"].as_str().unwrap().to_string()
    };
    assert_eq!(state("p10-above-80"), "ALARM");
    assert_eq!(state("p10-above-90"), "OK");
}

#[test]
fn launch_template_versions_and_run_instances() {
    let mut s = session();
    ok(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name web \
         --launch-template-data ImageId=ami-0c1f5b3a7d2e94a10,InstanceType=m5.large",
    );
    let out = ok(
        &mut s,
        "aws ec2 create-launch-template-version --launch-template-name web --source-version 1 \
         --version-description graviton \
         --launch-template-data \
         ImageId=ami-07d9e1a6b5c38f2e4,InstanceType=m7g.large,UserData=UVVFVUU9b3JkZXJzCg==",
    );
    assert_eq!(out["LaunchTemplateVersion"]["VersionNumber"], 2);
    assert_eq!(out["LaunchTemplateVersion"]["DefaultVersion"], false);
    let out = ok(
        &mut s,
        "aws ec2 describe-launch-template-versions --launch-template-name web \
         --versions '$Latest' '$Default'",
    );
    let numbers: Vec<u64> = out["LaunchTemplateVersions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["VersionNumber"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    ok(
        &mut s,
        "aws ec2 modify-launch-template --launch-template-name web --default-version 2",
    );
    let out = ok(
        &mut s,
        "aws ec2 run-instances --launch-template LaunchTemplateName=web --count 2",
    );
    let instances = out["Instances"].as_array().unwrap();
    assert_eq!(instances.len(), 2);
    assert_eq!(instances[0]["InstanceType"], "m7g.large");
    assert_eq!(instances[0]["State"]["Name"], "pending");
    let id = instances[0]["InstanceId"].as_str().unwrap().to_string();
    let instance = s
        .world()
        .ec2
        .instances
        .iter()
        .find(|i| i.instance_id == id)
        .unwrap();
    assert_eq!(instance.user_data_setting("QUEUE"), Some("orders"));
    let err = fails(
        &mut s,
        "aws ec2 describe-launch-templates --launch-template-names nope",
    );
    assert!(
        err.contains("InvalidLaunchTemplateName.NotFoundException"),
        "{err}"
    );
}

const QUEUE_WORLD: &str = r#"
id = "queue-scaling-test"
title = "Workers on demand"
summary = "Workers from a launch template consume the queue their user data names."
story = "A queue with no consumers; an alarm on its depth brings workers."

[world]
seed = 7
region = "us-east-1"
start_time = "2026-03-02T09:00:00Z"

[[world.queues]]
name = "orders"
traffic = { rate = 20 }

[[objectives]]
id = "wired"
title = "An alarm on the queue's depth above 50 triggers a scale-out policy"
[objectives.check]
kind = "alarm_wired"
namespace = "AWS/SQS"
metric_name = "ApproximateNumberOfMessagesVisible"
comparison = "GreaterThanThreshold"
threshold = 50
dimensions = { QueueName = "orders" }
group_min_size = 0

[solution]
log = "@0 aws sqs list-queues"
"#;

#[test]
fn workers_from_a_template_consume_the_queue_their_user_data_names() {
    let quest =
        Quest::parse("queue-scaling-test.toml", QUEUE_WORLD).unwrap_or_else(|e| panic!("{e}"));
    let mut s = Session::new(quest);
    // UserData is base64 of "#!/bin/bash\nQUEUE=orders\n".
    ok(
        &mut s,
        "aws ec2 create-launch-template --launch-template-name orders-worker \
         --launch-template-data ImageId=ami-07d9e1a6b5c38f2e4,InstanceType=t4g.small,\
         UserData=IyEvYmluL2Jhc2gKUVVFVUU9b3JkZXJzCg==",
    );
    ok(
        &mut s,
        "aws autoscaling create-auto-scaling-group --auto-scaling-group-name workers \
         --launch-template LaunchTemplateName=orders-worker --min-size 0 --max-size 2 \
         --desired-capacity 0 --availability-zones us-east-1a",
    );
    let out = ok(
        &mut s,
        "aws autoscaling put-scaling-policy --auto-scaling-group-name workers \
         --policy-name scale-out --adjustment-type ChangeInCapacity --scaling-adjustment 1",
    );
    let arn = out["PolicyARN"].as_str().unwrap().to_string();
    ok(
        &mut s,
        &format!(
            "aws cloudwatch put-metric-alarm --alarm-name orders-backlog \
             --namespace AWS/SQS --metric-name ApproximateNumberOfMessagesVisible \
             --dimensions Name=QueueName,Value=orders --statistic Average --period 60 \
             --evaluation-periods 1 --threshold 50 --comparison-operator GreaterThanThreshold \
             --alarm-actions {arn}"
        ),
    );
    assert!(met(&s, "wired"));

    s.run_until(1200);
    let world = s.world();
    let group = world.autoscaling.group("workers").unwrap();
    assert!(group.desired_capacity >= 1);
    let worker = world
        .ec2
        .instances
        .iter()
        .find(|i| i.tag("aws:autoscaling:groupName").is_some());
    let worker = worker.expect("the group launched a worker");
    assert_eq!(worker.user_data_setting("QUEUE"), Some("orders"));
    assert!(worker.worker.is_some(), "it runs the queue consumer");
    let processed = world.sqs.queue("orders").unwrap().totals.deleted;
    assert!(processed > 1000, "the worker drains the queue: {processed}");
}
