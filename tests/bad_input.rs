//! Nothing a player types, pastes or imports makes the simulation panic:
//! arbitrary input goes to the tokenizer, the dispatcher, the log reader and
//! the quest loader, and each either succeeds or returns an error.

use gameday::command::complete::{complete, complete_line};
use gameday::command::aws::{Kind, Operation, SERVICES};
use gameday::command::shell::split_commands;
use gameday::quest::{parse_log, Quest, Session};
use proptest::prelude::*;

const TUTORIAL: &str = include_str!("../quests/00-tutorial.toml");

fn session() -> Session {
    Session::new(Quest::parse("00-tutorial.toml", TUTORIAL).unwrap())
}

/// Words that reach deep into the parsers, mixed with noise.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("aws".to_string()),
        Just(">".to_string()),
        Just(">>".to_string()),
        Just("echo".to_string()),
        Just("cat".to_string()),
        Just("ls".to_string()),
        Just("rm".to_string()),
        Just("x.json".to_string()),
        Just("file://x.json".to_string()),
        Just("--launch-template-data=file://x.json".to_string()),
        Just("ec2".to_string()),
        Just("cloudwatch".to_string()),
        Just("describe-instances".to_string()),
        Just("stop-instances".to_string()),
        Just("get-metric-statistics".to_string()),
        Just("--instance-ids".to_string()),
        Just("--filters".to_string()),
        Just("--dimensions".to_string()),
        Just("--period".to_string()),
        Just("--start-time".to_string()),
        Just("--output".to_string()),
        Just("--region".to_string()),
        Just("Name=tag:Team,Values=[a,b".to_string()),
        Just("[{\"Name\":".to_string()),
        Just("i-0d4c3b2a1f0e9d766".to_string()),
        Just("kubectl".to_string()),
        Just("help".to_string()),
        Just("sqs".to_string()),
        Just("create-queue".to_string()),
        Just("list-queues".to_string()),
        Just("get-queue-url".to_string()),
        Just("get-queue-attributes".to_string()),
        Just("set-queue-attributes".to_string()),
        Just("send-message".to_string()),
        Just("receive-message".to_string()),
        Just("delete-message".to_string()),
        Just("purge-queue".to_string()),
        Just("--queue-url".to_string()),
        Just("--queue-name".to_string()),
        Just("--attribute-names".to_string()),
        Just("--attributes".to_string()),
        Just("--message-body".to_string()),
        Just("--receipt-handle".to_string()),
        Just("--max-number-of-messages".to_string()),
        Just("--visibility-timeout".to_string()),
        Just(QUEUE_URL.to_string()),
        Just("orders".to_string()),
        Just("All".to_string()),
        Just("VisibilityTimeout=-1,MessageRetentionPeriod=99999999999999999999".to_string()),
        Just("RedrivePolicy={\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:1:x\",".to_string()),
        Just("{\"RedrivePolicy\":{\"maxReceiveCount\":[]}}".to_string()),
        Just("AQEB".to_string()),
        Just("18446744073709551616".to_string()),
        "\\PC{0,12}",
    ]
}

const QUEUE_FIXTURE: &str = include_str!("fixtures/orders-fleet.toml");
const QUEUE_URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";

/// Words of CloudWatch alarms, launch templates and Auto Scaling, with
/// values that probe their parsers and bounds.
fn scaling_word() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("autoscaling".to_string()),
        Just("put-metric-alarm".to_string()),
        Just("describe-alarms".to_string()),
        Just("describe-alarm-history".to_string()),
        Just("set-alarm-state".to_string()),
        Just("delete-alarms".to_string()),
        Just("create-launch-template".to_string()),
        Just("create-launch-template-version".to_string()),
        Just("describe-launch-template-versions".to_string()),
        Just("run-instances".to_string()),
        Just("create-auto-scaling-group".to_string()),
        Just("update-auto-scaling-group".to_string()),
        Just("set-desired-capacity".to_string()),
        Just("delete-auto-scaling-group".to_string()),
        Just("describe-scaling-activities".to_string()),
        Just("put-scaling-policy".to_string()),
        Just("execute-policy".to_string()),
        Just("terminate-instance-in-auto-scaling-group".to_string()),
        Just("--alarm-name".to_string()),
        Just("--alarm-actions".to_string()),
        Just("--threshold".to_string()),
        Just("--comparison-operator".to_string()),
        Just("--evaluation-periods".to_string()),
        Just("--datapoints-to-alarm".to_string()),
        Just("--treat-missing-data".to_string()),
        Just("--state-value".to_string()),
        Just("--launch-template-data".to_string()),
        Just("--launch-template".to_string()),
        Just("--auto-scaling-group-name".to_string()),
        Just("--min-size".to_string()),
        Just("--max-size".to_string()),
        Just("--desired-capacity".to_string()),
        Just("--policy-name".to_string()),
        Just("--policy-type".to_string()),
        Just("--step-adjustments".to_string()),
        Just("--target-tracking-configuration".to_string()),
        Just("--count".to_string()),
        Just("--force-delete".to_string()),
        Just("--honor-cooldown".to_string()),
        Just("workers".to_string()),
        Just("ALARM".to_string()),
        Just("GreaterThanThreshold".to_string()),
        Just("ExactCapacity".to_string()),
        Just("StepScaling".to_string()),
        Just("TargetTrackingScaling".to_string()),
        Just("-1".to_string()),
        Just("2147483648".to_string()),
        Just("nan".to_string()),
        Just("1e308".to_string()),
        Just("0:99999".to_string()),
        Just("LaunchTemplateName=workers,Version=$Latest".to_string()),
        Just("ImageId=ami-07d9e1a6b5c38f2e4,InstanceType=t4g.small".to_string()),
        Just("{\"ImageId\":5,\"TagSpecifications\":[{\"Tags\":[{}]}]}".to_string()),
        Just("Tags=[{Key=a,Value=[{".to_string()),
        Just("MetricIntervalLowerBound=5,MetricIntervalUpperBound=1,ScalingAdjustment=-3".into()),
        Just("TargetValue=0,CustomizedMetricSpecification={MetricName=x}".to_string()),
        Just(
            "arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x:\
             autoScalingGroupName/workers:policyName/p"
                .to_string()
        ),
        "\\PC{0,12}",
    ]
}

const SCALING_SETUP: &[&str] = &[
    "aws ec2 create-launch-template --launch-template-name workers \
     --launch-template-data ImageId=ami-07d9e1a6b5c38f2e4,InstanceType=t4g.small",
    "aws autoscaling create-auto-scaling-group --auto-scaling-group-name workers \
     --launch-template LaunchTemplateName=workers --min-size 0 --max-size 3 --desired-capacity 1 \
     --availability-zones us-east-1a",
    "aws autoscaling put-scaling-policy --auto-scaling-group-name workers --policy-name p \
     --adjustment-type ChangeInCapacity --scaling-adjustment 1",
    "aws cloudwatch put-metric-alarm --alarm-name cpu --namespace AWS/EC2 --metric-name \
     CPUUtilization --statistic Average --period 60 --evaluation-periods 1 --threshold 1 \
     --comparison-operator GreaterThanThreshold \
     --dimensions Name=AutoScalingGroupName,Value=workers",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn tokenizer_never_panics(input in "\\PC{0,200}") {
        let _ = split_commands(&input);
    }

    #[test]
    fn tokenizer_never_panics_on_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = split_commands(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn dispatcher_never_panics(words in proptest::collection::vec(word(), 0..10)) {
        let line = words.join(" ");
        let mut s = session();
        let out = s.execute(&line);
        for e in out {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
        let _ = complete(&line);
        let _ = complete_line(&line);
    }

    #[test]
    fn dispatcher_never_panics_on_queues(
        words in proptest::collection::vec(word(), 0..10),
        run in 0u64..120,
    ) {
        // The same words against a world with queues, consumers and a
        // dead-letter queue, then time runs on over what they did.
        let mut s = Session::new(Quest::parse("orders-fleet.toml", QUEUE_FIXTURE).unwrap());
        s.run_until(30);
        let line = words.join(" ");
        for e in s.execute(&line) {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
        s.run_until(30 + run);
    }

    #[test]
    fn scaling_operations_survive_any_flag_values(
        op in 0usize..1000,
        picks in proptest::collection::vec((0usize..100, scaling_word()), 0..8),
        run in 0u64..200,
    ) {
        // One operation of Auto Scaling, CloudWatch or EC2, its own flags
        // given random values, in the world of SCALING_SETUP.
        let ops: Vec<(&str, &Operation)> = SERVICES
            .iter()
            .filter(|s| ["autoscaling", "cloudwatch", "ec2"].contains(&s.name))
            .flat_map(|s| s.operations.iter().map(move |o| (s.name, o)))
            .collect();
        let (service, operation) = ops[op % ops.len()];
        let mut line = format!("aws {service} {}", operation.name);
        for (at, value) in picks {
            let param = &operation.params[at % operation.params.len()];
            line.push(' ');
            line.push_str(param.flag);
            if param.kind != Kind::Flag {
                line.push_str(&format!(" '{}'", value.replace('\'', "'\\''")));
            }
        }
        let mut s = session();
        for command in SCALING_SETUP {
            s.execute(command);
        }
        for e in s.execute(&line) {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
        let now = s.now();
        s.run_until(now + run);
    }

    #[test]
    fn dispatcher_never_panics_on_scaling(
        words in proptest::collection::vec(prop_oneof![scaling_word(), word()], 0..10),
        run in 0u64..400,
    ) {
        // The words against a world with a launch template, a group, a
        // policy and an alarm, then time runs on over what they did.
        let mut s = session();
        for command in SCALING_SETUP {
            prop_assert!(!s.execute(command).iter().any(|e| e.reply.is_error), "{command}");
        }
        let line = words.join(" ");
        for e in s.execute(&line) {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
        let now = s.now();
        s.run_until(now + run);
    }

    #[test]
    fn metric_data_queries_never_panic(
        query in "[\\[\\]{}\":,= a-zA-Z0-9.-]{0,160}",
        stat in "(p[0-9.]{0,6}|Average|Maximum|[A-Za-z]{0,6})",
        period in "(-?[0-9]{0,7}|[a-z]{0,3})",
    ) {
        // Random JSON-ish text, and well-formed queries with random
        // statistic and period, against a world with metrics.
        let mut s = session();
        s.run_until(600);
        let well_formed = format!(
            "[{{\"Id\":\"m1\",\"MetricStat\":{{\"Metric\":{{\"Namespace\":\"AWS/EC2\",\
             \"MetricName\":\"CPUUtilization\"}},\"Period\":\"{period}\",\"Stat\":\"{stat}\"}}}}]"
        );
        for queries in [query.as_str(), well_formed.as_str()] {
            let line = format!(
                "aws cloudwatch get-metric-data --start-time 2026-03-02T07:00:00Z \
                 --end-time 2026-03-02T07:10:00Z --metric-data-queries '{}'",
                queries.replace('\'', "")
            );
            for e in s.execute(&line) {
                prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
            }
        }
        let line = format!(
            "aws cloudwatch get-metric-statistics --namespace AWS/EC2 --metric-name CPUUtilization \
             --start-time 2026-03-02T07:00:00Z --end-time 2026-03-02T07:10:00Z --period 60 \
             --extended-statistics '{stat}'"
        );
        for e in s.execute(&line) {
            prop_assert!(!e.reply.is_error || !e.reply.text.is_empty(), "an error says something");
        }
    }

    #[test]
    fn dispatcher_never_panics_on_noise(input in "\\PC{0,120}") {
        let mut s = session();
        let _ = s.execute(&input);
        let _ = complete_line(&input);
    }

    #[test]
    fn log_reader_never_panics(input in "(@[0-9]{0,4} ?\\PC{0,30}\n){0,10}") {
        let _ = parse_log(&input);
    }

    #[test]
    fn quest_loader_never_panics_on_noise(input in "\\PC{0,300}") {
        let _ = Quest::parse("fuzz.toml", &input);
    }

    #[test]
    fn quest_loader_never_panics_on_mutated_quests(at in 0usize..TUTORIAL.len(), len in 0usize..40, junk in "\\PC{0,20}") {
        let start = TUTORIAL.floor_char_boundary(at);
        let end = TUTORIAL.floor_char_boundary(start + len);
        let mutated = format!("{}{junk}{}", &TUTORIAL[..start], &TUTORIAL[end..]);
        if let Ok(quest) = Quest::parse("mutated.toml", &mutated) {
            // A quest that loads must also play without panicking.
            let log = quest.solution.log.get_ref().clone();
            let _ = Session::replay(quest, &log);
        }
    }
}

#[test]
fn deeply_nested_input_is_refused_not_overflowed() {
    let nested = format!("x = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(Quest::parse("deep.toml", &nested).is_err());
    let check = format!(
        "{}{{ kind = \"api_called\", service = \"ec2\", operation = \"DescribeInstances\" }}{}",
        "{ kind = \"not\", check = ".repeat(40),
        " }".repeat(40)
    );
    let quest = TUTORIAL.replacen(
        "check = { kind = \"api_called\", service = \"ec2\", operation = \"DescribeInstances\" }",
        &format!("check = {check}"),
        1,
    );
    let err = Quest::parse("deep.toml", &quest).unwrap_err();
    assert!(err.to_string().contains("nest"), "{err}");
}

#[test]
fn huge_inputs_are_refused() {
    let huge = "#".repeat(300 * 1024);
    assert!(Quest::parse("huge.toml", &huge).unwrap_err().to_string().contains("at most"));
    assert!(parse_log(&"x".repeat(5 * 1024 * 1024)).is_err());
}
