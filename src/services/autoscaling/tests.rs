//! Auto Scaling groups, policies and their alarms, driven tick by tick.

use serde_json::json;

use super::*;
use crate::catalogue::{catalogue, Architecture};
use crate::services::alarms::{AlarmConfig, AlarmState, ComparisonOperator, TreatMissingData};
use crate::services::cloudwatch::Statistic;
use crate::services::launch_templates::parse_template_data;
use crate::world::World;

const ARM_AMI: &str = "ami-07d9e1a6b5c38f2e4";
const X86_AMI: &str = "ami-0c1f5b3a7d2e94a10";
const NS: &str = "GameDay/Test";
const DEPTH: &str = "Backlog";

fn world_with_template(instance_type: &str, image: &str) -> World {
    let mut world = World::new(3, "us-east-1", 1_772_442_000);
    let data =
        parse_template_data(json!({ "ImageId": image, "InstanceType": instance_type })).unwrap();
    world
        .ec2
        .launch_templates
        .create(&mut world.env, "workers", data, None, vec![])
        .unwrap();
    world
}

fn group(name: &str, min: i64, max: i64, desired: i64) -> GroupInput {
    GroupInput {
        name: name.to_string(),
        launch_template: Some(TemplateSpecifier::by_name("workers", Some("$Latest"))),
        min_size: Some(min),
        max_size: Some(max),
        desired_capacity: Some(desired),
        availability_zones: vec!["us-east-1a".into(), "us-east-1b".into()],
        ..GroupInput::default()
    }
}

fn create(world: &mut World, input: GroupInput) {
    world
        .autoscaling
        .create_group(&mut world.env, &world.ec2, input)
        .unwrap();
}

fn run_for(world: &mut World, seconds: u64) {
    for _ in 0..seconds {
        world.tick();
    }
}

/// Runs `seconds`, publishing `value` of the test metric every second.
fn run_with_metric(world: &mut World, seconds: u64, value: f64) {
    for _ in 0..seconds {
        let now = world.now();
        world.env.metrics.put(NS, DEPTH, &[], "Count", now, value);
        world.tick();
    }
}

fn the_group(world: &World) -> &Group {
    world.autoscaling.group("workers-asg").unwrap()
}

fn simple(name: &str, kind: &str, adjustment: i64, cooldown: Option<i64>) -> PolicyInput {
    PolicyInput {
        group: "workers-asg".into(),
        name: name.into(),
        adjustment_type: Some(kind.into()),
        scaling_adjustment: Some(adjustment),
        cooldown,
        enabled: true,
        ..PolicyInput::default()
    }
}

fn put_policy(world: &mut World, input: PolicyInput) -> String {
    let out = world
        .autoscaling
        .put_policy(&mut world.env, &mut world.alarms, input)
        .unwrap();
    out["PolicyARN"].as_str().unwrap().to_string()
}

/// An alarm on the test metric, one-minute periods.
fn alarm(
    world: &mut World,
    name: &str,
    op: ComparisonOperator,
    threshold: f64,
    periods: u32,
    arn: &str,
) {
    let mut config = AlarmConfig::new(name, NS, DEPTH, Statistic::Average, 60, threshold, op);
    config.evaluation_periods = periods;
    config.treat_missing_data = TreatMissingData::Breaching;
    config.alarm_actions = vec![arn.to_string()];
    world.alarms.put(&mut world.env, config).unwrap();
}

#[test]
fn group_launches_from_its_template_with_the_right_architecture() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 4, 2));
    world.tick();
    let g = the_group(&world);
    assert_eq!(g.count_in(LifecycleState::Pending), 2);
    let zones: Vec<&str> = g
        .instances
        .iter()
        .map(|i| i.availability_zone.as_str())
        .collect();
    assert_eq!(zones, ["us-east-1a", "us-east-1b"], "spread over the zones");

    run_for(&mut world, 40);
    let g = the_group(&world);
    assert_eq!(g.count_in(LifecycleState::InService), 2);
    for gi in &g.instances {
        let instance = world
            .ec2
            .instances
            .iter()
            .find(|i| i.instance_id == gi.instance_id)
            .unwrap();
        let arch = catalogue()
            .instance_type(&instance.instance_type)
            .unwrap()
            .architecture;
        assert_eq!(arch, Architecture::Arm64);
        assert_eq!(instance.image_id, ARM_AMI);
        assert_eq!(
            instance.tag("aws:autoscaling:groupName"),
            Some("workers-asg")
        );
    }
    let activities = world.autoscaling.activities();
    assert_eq!(activities.len(), 2);
    assert!(activities
        .iter()
        .all(|a| a.status_code == ActivityStatus::Successful));
    assert!(activities[0]
        .description
        .starts_with("Launching a new EC2 instance: i-"));
    assert!(
        activities[0].cause.starts_with(
            "At 2026-03-02T09:00:00Z a user request created an AutoScalingGroup changing the \
             desired capacity from 0 to 2.  At 2026-03-02T09:00:00Z an instance was started in \
             response to a difference between desired and actual capacity, increasing the \
             capacity from 0 to 2."
        ),
        "{}",
        activities[0].cause
    );
}

#[test]
fn a_template_with_a_mismatched_architecture_is_refused() {
    let mut world = world_with_template("t4g.small", X86_AMI);
    let err = world
        .autoscaling
        .create_group(&mut world.env, &world.ec2, group("workers-asg", 0, 2, 0))
        .unwrap_err();
    assert_eq!(err.code, "ValidationError");
    assert!(err.message.starts_with(
        "You must use a valid fully-formed launch template. The architecture 'arm64'"
    ));
    assert!(world.autoscaling.groups().is_empty());
}

#[test]
fn a_later_bad_template_version_fails_launches_and_retries_with_back_off() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 2, 0));
    let spec = TemplateSpecifier::by_name("workers", None);
    let data = parse_template_data(json!({ "ImageId": X86_AMI })).unwrap();
    world
        .ec2
        .launch_templates
        .create_version(&mut world.env, &spec, Some("1"), data, None)
        .unwrap();
    world
        .autoscaling
        .set_desired_capacity(&mut world.env, "workers-asg", 1, false)
        .unwrap();
    run_for(&mut world, 60);
    let failed: Vec<&Activity> = world
        .autoscaling
        .activities()
        .iter()
        .filter(|a| a.status_code == ActivityStatus::Failed)
        .collect();
    assert!(
        (2..=4).contains(&failed.len()),
        "retried with back-off: {}",
        failed.len()
    );
    assert!(failed[0]
        .description
        .starts_with("Launching a new EC2 instance.  Status Reason: The architecture"));
    assert!(world.ec2.instances.is_empty());
}

#[test]
fn desired_capacity_zero_is_legal_and_launches_nothing() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 3, 0));
    run_for(&mut world, 121);
    assert!(world.ec2.instances.is_empty());
    assert!(world.autoscaling.activities().is_empty());
    let dims = [(
        "AutoScalingGroupName".to_string(),
        "workers-asg".to_string(),
    )];
    let series = world
        .env
        .metrics
        .find("AWS/AutoScaling", "GroupDesiredCapacity", &dims)
        .unwrap();
    assert_eq!(series.minutes.len(), 2, "one datapoint a minute");
}

#[test]
fn sizes_are_checked_with_aws_words() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    let mut check = |input: GroupInput, wanted: &str| {
        let err = world
            .autoscaling
            .create_group(&mut world.env, &world.ec2, input)
            .unwrap_err();
        assert!(err.message.contains(wanted), "{}", err.message);
    };
    check(
        group("g", 3, 1, 1),
        "Max bound, 1, must be greater than or equal to min bound, 3",
    );
    check(
        group("g", 0, 2, 5),
        "Desired capacity:5 must be between the specified min size:0 and max size:2",
    );
    check(
        group("g", -1, 2, 0),
        "1 validation error detected: Value '-1' at 'minSize' failed to satisfy constraint: \
         Member must have value greater than or equal to 0",
    );
    check(
        GroupInput {
            availability_zones: vec![],
            ..group("g", 0, 1, 0)
        },
        "At least one Availability Zone",
    );
    create(&mut world, group("workers-asg", 0, 2, 0));
    let err = world
        .autoscaling
        .create_group(&mut world.env, &world.ec2, group("workers-asg", 0, 2, 0))
        .unwrap_err();
    assert_eq!(err.code, "AlreadyExists");
    let err = world
        .autoscaling
        .set_desired_capacity(&mut world.env, "workers-asg", 3, false)
        .unwrap_err();
    assert_eq!(
        err.message,
        "New SetDesiredCapacity value 3 is above max value 2 for the AutoScalingGroup."
    );
}

#[test]
fn simple_scaling_waits_for_its_cooldown() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 5, 0));
    let out = put_policy(
        &mut world,
        simple("scale-out", "ChangeInCapacity", 1, Some(120)),
    );
    alarm(
        &mut world,
        "backlog-high",
        ComparisonOperator::GreaterThanThreshold,
        50.0,
        1,
        &out,
    );

    // The alarm fires at 60 s and repeats every minute; the first
    // instance boots in 30 s, then a 120 s cooldown runs.
    run_with_metric(&mut world, 61, 100.0);
    assert_eq!(the_group(&world).desired_capacity, 1);
    run_with_metric(&mut world, 120, 100.0);
    assert_eq!(
        the_group(&world).desired_capacity,
        1,
        "still cooling down at 181 s"
    );
    run_with_metric(&mut world, 120, 100.0);
    assert_eq!(
        the_group(&world).desired_capacity,
        2,
        "the next repeat after the cooldown adds one"
    );
    let history: Vec<&str> = world
        .alarms
        .history()
        .iter()
        .map(|h| h.summary.as_str())
        .collect();
    let actions = history
        .iter()
        .filter(|s| s.starts_with("Successfully executed action"))
        .count();
    assert_eq!(
        actions, 1,
        "only the transition is written to the alarm's history: {history:?}"
    );
    let causes: Vec<&str> = world
        .autoscaling
        .activities()
        .iter()
        .map(|a| a.cause.as_str())
        .collect();
    let expected = "a monitor alarm backlog-high in state ALARM triggered policy scale-out \
                    changing the desired capacity from 0 to 1.";
    assert!(causes[0].contains(expected), "{}", causes[0]);
}

#[test]
fn honor_cooldown_refuses_a_manual_change_while_cooling_down() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 5, 1));
    run_for(&mut world, 40);
    let err = world
        .autoscaling
        .set_desired_capacity(&mut world.env, "workers-asg", 2, true)
        .unwrap_err();
    assert_eq!(err.code, "ScalingActivityInProgress");
    world
        .autoscaling
        .set_desired_capacity(&mut world.env, "workers-asg", 2, false)
        .unwrap();
    assert_eq!(the_group(&world).desired_capacity, 2);
}

#[test]
fn scale_out_then_in_back_to_zero() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 3, 0));
    let out = put_policy(
        &mut world,
        simple("scale-out", "ChangeInCapacity", 1, Some(60)),
    );
    let to_zero = put_policy(&mut world, simple("scale-in", "ExactCapacity", 0, None));
    alarm(
        &mut world,
        "backlog-high",
        ComparisonOperator::GreaterThanThreshold,
        50.0,
        1,
        &out,
    );
    alarm(
        &mut world,
        "backlog-empty",
        ComparisonOperator::LessThanOrEqualToThreshold,
        0.0,
        3,
        &to_zero,
    );
    if let Some(a) = world.alarms.get("backlog-empty").cloned() {
        let mut c = a.config;
        c.treat_missing_data = TreatMissingData::NotBreaching;
        world.alarms.put(&mut world.env, c).unwrap();
    }

    run_with_metric(&mut world, 300, 120.0);
    let g = the_group(&world);
    assert!(
        g.desired_capacity >= 2,
        "scaled out: {}",
        g.desired_capacity
    );
    assert!(g.count_in(LifecycleState::InService) >= 1);

    run_with_metric(&mut world, 300, 0.0);
    let g = the_group(&world);
    assert_eq!(g.desired_capacity, 0);
    run_for(&mut world, 30);
    assert!(
        the_group(&world).instances.is_empty(),
        "every instance terminated and gone"
    );
    assert!(world
        .ec2
        .instances
        .iter()
        .all(|i| i.state == InstanceState::Terminated));
    let empty = world.alarms.get("backlog-empty").unwrap();
    assert_eq!(empty.state, AlarmState::Alarm);
    let last = world.autoscaling.activities().last().unwrap();
    assert!(last.description.starts_with("Terminating EC2 instance: i-"));
    assert!(
        last.cause.contains("shrinking the capacity from"),
        "{}",
        last.cause
    );
    assert_eq!(last.status_code, ActivityStatus::Successful);
}

#[test]
fn step_scaling_picks_the_step_and_counts_warming_instances() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 10, 0));
    let steps = vec![
        StepAdjustment {
            lower: Some(0.0),
            upper: Some(50.0),
            scaling_adjustment: 1,
        },
        StepAdjustment {
            lower: Some(50.0),
            upper: None,
            scaling_adjustment: 3,
        },
    ];
    let input = PolicyInput {
        group: "workers-asg".into(),
        name: "steps".into(),
        policy_type: Some("StepScaling".into()),
        adjustment_type: Some("ChangeInCapacity".into()),
        step_adjustments: steps,
        estimated_instance_warmup: Some(600),
        enabled: true,
        ..PolicyInput::default()
    };
    let arn = put_policy(&mut world, input);
    alarm(
        &mut world,
        "backlog-high",
        ComparisonOperator::GreaterThanThreshold,
        50.0,
        1,
        &arn,
    );
    run_with_metric(&mut world, 61, 120.0);
    assert_eq!(
        the_group(&world).desired_capacity,
        3,
        "a breach of 70 is in the second step"
    );
    run_with_metric(&mut world, 180, 120.0);
    assert_eq!(
        the_group(&world).desired_capacity,
        3,
        "the warming instances already count"
    );

    let err = world
        .autoscaling
        .execute_policy(
            &mut world.env,
            Some("workers-asg"),
            "steps",
            false,
            None,
            None,
        )
        .unwrap_err();
    assert!(
        err.message.contains("MetricValue and BreachThreshold"),
        "{}",
        err.message
    );
}

#[test]
fn target_tracking_names_its_alarms_and_deletes_them_with_the_policy() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 10, 1));
    let tt = policies::parse_target_tracking(&json!({
        "TargetValue": 40.0,
        "PredefinedMetricSpecification": { "PredefinedMetricType": "ASGAverageCPUUtilization" }
    }))
    .unwrap();
    let input = PolicyInput {
        group: "workers-asg".into(),
        name: "cpu40".into(),
        policy_type: Some("TargetTrackingScaling".into()),
        target_tracking: Some(tt),
        enabled: true,
        ..PolicyInput::default()
    };
    let out = world
        .autoscaling
        .put_policy(&mut world.env, &mut world.alarms, input)
        .unwrap();
    let names: Vec<&str> = out["Alarms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["AlarmName"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 2);
    assert!(
        names[0].starts_with("TargetTracking-workers-asg-AlarmHigh-"),
        "{}",
        names[0]
    );
    assert!(
        names[1].starts_with("TargetTracking-workers-asg-AlarmLow-"),
        "{}",
        names[1]
    );
    let high = world.alarms.get(names[0]).unwrap();
    assert_eq!(high.config.evaluation_periods, 3);
    assert_eq!(
        high.config.dimensions,
        vec![("AutoScalingGroupName".into(), "workers-asg".into())]
    );

    // A busy instance drives the group's CPU above the target.
    run_for(&mut world, 40);
    for instance in &mut world.ec2.instances {
        instance.workload.base = 90.0;
    }
    run_for(&mut world, 600);
    assert!(
        the_group(&world).desired_capacity >= 3,
        "{}",
        the_group(&world).desired_capacity
    );

    world
        .autoscaling
        .delete_policy(
            &mut world.env,
            &mut world.alarms,
            Some("workers-asg"),
            "cpu40",
        )
        .unwrap();
    assert!(world.alarms.all().is_empty());
}

#[test]
fn an_instance_stopped_behind_the_groups_back_is_replaced() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 1, 2, 1));
    run_for(&mut world, 40);
    let first = the_group(&world).instances[0].instance_id.clone();
    world
        .ec2
        .stop_instances(&mut world.env, std::slice::from_ref(&first))
        .unwrap();
    run_for(&mut world, 80);
    let g = the_group(&world);
    assert_eq!(g.instances.len(), 1);
    assert_ne!(g.instances[0].instance_id, first);
    assert!(world
        .autoscaling
        .activities()
        .iter()
        .any(|a| a.cause.contains("EC2 health check")));
}

#[test]
fn scale_in_balances_zones_first() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 4, 3));
    run_for(&mut world, 40);
    world
        .autoscaling
        .set_desired_capacity(&mut world.env, "workers-asg", 2, false)
        .unwrap();
    run_for(&mut world, 2);
    let g = the_group(&world);
    let staying: Vec<&str> = g
        .instances
        .iter()
        .filter(|i| i.lifecycle_state != LifecycleState::Terminating)
        .map(|i| i.availability_zone.as_str())
        .collect();
    assert_eq!(staying.len(), 2);
    assert_ne!(staying[0], staying[1], "one instance left in each zone");
}

#[test]
fn deleting_needs_force_while_instances_run() {
    let mut world = world_with_template("t4g.small", ARM_AMI);
    create(&mut world, group("workers-asg", 0, 2, 1));
    run_for(&mut world, 40);
    let err = world
        .autoscaling
        .delete_group(&mut world.env, &mut world.alarms, "workers-asg", false)
        .unwrap_err();
    assert_eq!(err.code, "ResourceInUse");
    world
        .autoscaling
        .delete_group(&mut world.env, &mut world.alarms, "workers-asg", true)
        .unwrap();
    assert!(the_group(&world).deleting);
    run_for(&mut world, 40);
    assert!(world.autoscaling.groups().is_empty());
}

#[test]
fn policies_know_which_way_they_scale() {
    let up = simple("a", "ChangeInCapacity", 2, None);
    let zero = simple("b", "ExactCapacity", 0, None);
    let build = |input: PolicyInput| policies::tests_support::build(input);
    assert!(build(up.clone()).can_scale_out_from(0));
    assert!(!build(up).can_scale_in_to_zero());
    assert!(build(zero.clone()).can_scale_in_to_zero());
    assert!(!build(zero).can_scale_out_from(0));
    let pct = PolicyInput {
        min_adjustment_magnitude: None,
        ..simple("c", "PercentChangeInCapacity", 50, None)
    };
    assert!(
        !build(pct).can_scale_out_from(0),
        "half of nothing is nothing"
    );
}
