//! SQS and its consumers, played through the terminal: right-sizing shows
//! in cost and CO2e per processed message, retention loses messages when
//! nobody consumes, quest files with queues are validated, and queue worlds
//! are deterministic.

use gameday::quest::{Quest, Session};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/orders-fleet.toml");
const ORDERS: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/orders";
const DAY: u64 = 86_400;

/// A quest whose world is the orders queue of the fixture with `count`
/// consumers of `instance_type`, and objectives on cost and carbon per
/// processed message over six hours.
fn fleet_quest(instance_type: &str, count: usize) -> Quest {
    let head = FIXTURE
        .split("[[world.instances]]")
        .next()
        .unwrap_or_default();
    let mut text = head.to_string();
    for n in 1..=count {
        text.push_str(&format!(
            "[[world.instances]]\ninstance_type = \"{instance_type}\"\n\
             tags = {{ Name = \"orders-worker-{n}\", Team = \"orders\" }}\n\
             consumer = {{ queue = \"orders\" }}\n\n"
        ));
    }
    text.push_str(
        r#"
[[objectives]]
id = "no-loss"
title = "Lose no order"
guard = true
penalty = 100
check = { kind = "messages_lost_at_most", queue = "orders", count = 0 }

[[objectives]]
id = "cheap"
title = "Under $0.000004 per processed order over six hours"
points = 100
[objectives.check]
kind = "cost_per_processed_message_below"
queue = "orders"
usd = 0.000004
window = 21600

[[objectives]]
id = "clean"
title = "Under 0.2 mg CO2e per processed order over six hours"
points = 100
[objectives.check]
kind = "co2e_per_processed_message_below"
queue = "orders"
grams = 0.0002
window = 21600

[[objectives]]
id = "fast"
title = "No order waits two minutes all day"
points = 100
check = { kind = "all_of", checks = [
    { kind = "time_at_least", seconds = 86400 },
    { kind = "oldest_message_age_below", queue = "orders", seconds = 120 },
] }

[solution]
log = "@86400"
"#,
    );
    Quest::parse("fleet.toml", &text).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs `command` and parses its JSON output; panics on a CLI error.
fn json(session: &mut Session, command: &str) -> Value {
    let out = session.execute(command);
    let reply = &out[0].reply;
    assert!(!reply.is_error, "{command}: {}", reply.text);
    serde_json::from_str(&reply.text).unwrap_or_else(|e| panic!("{command}: {e}: {}", reply.text))
}

fn text(session: &mut Session, command: &str) -> String {
    let out = session.execute(command);
    assert!(!out[0].reply.is_error, "{command}: {}", out[0].reply.text);
    out[0].reply.text.clone()
}

/// What one simulated day of a fleet looks like from the CLI.
#[derive(Debug)]
struct Day {
    sent: f64,
    deleted: f64,
    mean_cpu: f64,
    cost_usd: f64,
    co2e_g: f64,
    session: Session,
}

fn run_day(instance_type: &str, count: usize) -> Day {
    let mut session = Session::new(fleet_quest(instance_type, count));
    session.run_until(DAY);
    let sum = |session: &mut Session, metric: &str| {
        let reply = json(
            session,
            &format!(
                "aws cloudwatch get-metric-statistics --namespace AWS/SQS --metric-name {metric} \
                 --dimensions Name=QueueName,Value=orders --start-time 2026-03-02T00:00:00Z \
                 --end-time 2026-03-03T00:00:00Z --period 86400 --statistics Sum"
            ),
        );
        reply["Datapoints"][0]["Sum"].as_f64().unwrap_or(0.0)
    };
    let sent = sum(&mut session, "NumberOfMessagesSent");
    let deleted = sum(&mut session, "NumberOfMessagesDeleted");

    let ids = text(
        &mut session,
        "aws ec2 describe-instances --query Reservations[].Instances[].InstanceId --output text",
    );
    let ids: Vec<&str> = ids.split_whitespace().collect();
    assert_eq!(ids.len(), count);
    let mut cpu = 0.0;
    for id in &ids {
        let reply = json(
            &mut session,
            &format!(
                "aws cloudwatch get-metric-statistics --namespace AWS/EC2 \
                 --metric-name CPUUtilization --dimensions Name=InstanceId,Value={id} \
                 --start-time 2026-03-02T00:00:00Z --end-time 2026-03-03T00:00:00Z \
                 --period 86400 --statistics Average"
            ),
        );
        cpu += reply["Datapoints"][0]["Average"].as_f64().unwrap_or(0.0);
    }
    let ledger = &session.world().env.ledger;
    let (cost_usd, co2e_g) = (ledger.total_cost_usd(), ledger.total_co2e_g());
    Day {
        sent,
        deleted,
        mean_cpu: cpu / count as f64,
        cost_usd,
        co2e_g,
        session,
    }
}

#[test]
fn right_sized_graviton_fleet_processes_everything_for_less_cost_and_carbon() {
    let large = run_day("m5.2xlarge", 5);
    let graviton = run_day("t4g.xlarge", 5);

    for (name, day) in [("m5.2xlarge", &large), ("t4g.xlarge", &graviton)] {
        let attrs = json(
            &mut Session::replay(day.session.quest().clone(), "").unwrap().0,
            &format!("aws sqs get-queue-attributes --queue-url {ORDERS} --attribute-names All"),
        );
        assert_eq!(
            attrs["Attributes"]["MessageRetentionPeriod"], "3600",
            "{name}"
        );
        let orders = day.session.world().sqs.queue("orders").unwrap();
        assert_eq!(orders.totals.lost(), 0, "{name} loses nothing");
        assert!(
            day.sent > 4_000_000.0,
            "{name}: a day of orders: {}",
            day.sent
        );
        let unprocessed = day.sent - day.deleted;
        assert!(
            unprocessed < day.sent * 0.001,
            "{name}: all but poison processed: {day:?}"
        );
        let status = |id: &str| {
            day.session
                .objectives()
                .iter()
                .find(|o| o.id == id)
                .unwrap()
                .ok
        };
        assert!(status("no-loss"), "{name}");
        assert!(status("fast"), "{name}: orders never waited two minutes");
    }

    assert!(
        (12.0..19.0).contains(&large.mean_cpu),
        "the large x86 fleet idles near 15 % CPU: {:.1}",
        large.mean_cpu
    );
    assert!(
        graviton.mean_cpu > 1.5 * large.mean_cpu,
        "the smaller Graviton fleet runs hotter: {:.1} vs {:.1}",
        graviton.mean_cpu,
        large.mean_cpu
    );

    let per_message = |day: &Day| (day.cost_usd / day.deleted, day.co2e_g / day.deleted);
    let (large_usd, large_g) = per_message(&large);
    let (graviton_usd, graviton_g) = per_message(&graviton);
    eprintln!("per message: m5.2xlarge ${large_usd:e}, {large_g:e} g CO2e");
    eprintln!("per message: t4g.xlarge ${graviton_usd:e}, {graviton_g:e} g CO2e");
    assert!(
        graviton_usd < 0.5 * large_usd,
        "cost per message {graviton_usd:e} vs {large_usd:e}"
    );
    assert!(
        graviton_g < 0.75 * large_g,
        "CO2e per message {graviton_g:e} vs {large_g:e}"
    );

    let met = |day: &Day, id: &str| day.session.objectives().iter().any(|o| o.id == id && o.ok);
    assert!(
        !met(&large, "cheap") && !met(&large, "clean"),
        "the old fleet misses both targets"
    );
    assert!(
        met(&graviton, "cheap") && met(&graviton, "clean"),
        "the Graviton fleet meets them"
    );
}

#[test]
fn stopping_every_consumer_loses_messages_after_the_retention_period() {
    let mut session = Session::new(fleet_quest("m5.2xlarge", 2));
    session.run_until(600);
    let ids = text(
        &mut session,
        "aws ec2 describe-instances --query Reservations[].Instances[].InstanceId --output text",
    );
    text(
        &mut session,
        &format!("aws ec2 stop-instances --instance-ids {}", ids.trim()),
    );
    session.run_until(600 + 3000);
    let guard = |s: &Session| {
        s.objectives()
            .iter()
            .find(|o| o.id == "no-loss")
            .unwrap()
            .ok
    };
    assert!(guard(&session), "nothing lost before the hour is up");
    let attrs = json(
        &mut session,
        &format!(
            "aws sqs get-queue-attributes --queue-url {ORDERS} \
             --attribute-names ApproximateNumberOfMessages"
        ),
    );
    let backlog: u64 = attrs["Attributes"]["ApproximateNumberOfMessages"]
        .as_str()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(backlog > 50_000, "the backlog grows: {backlog}");

    session.run_until(600 + 3600 + 120);
    assert!(
        !guard(&session),
        "messages past retention are lost and break the guard"
    );
    let events = &session.world().env.events;
    assert!(events
        .all()
        .iter()
        .any(|e| e.source == "SQS" && e.message.contains("retention")));
    let age = json(
        &mut session,
        "aws cloudwatch get-metric-statistics --namespace AWS/SQS \
         --metric-name ApproximateAgeOfOldestMessage --dimensions Name=QueueName,Value=orders \
         --start-time 2026-03-02T01:00:00Z --end-time 2026-03-02T01:12:00Z --period 60 \
         --statistics Maximum",
    );
    let max = age["Datapoints"]
        .as_array()
        .and_then(|d| d.last())
        .map(|d| d["Maximum"].clone());
    assert_eq!(
        max,
        Some(Value::from(3599.0)),
        "the oldest message never outlives retention"
    );
}

#[test]
fn a_player_can_drive_a_queue_from_the_terminal() {
    let mut session = Session::new(Quest::parse("fleet.toml", FIXTURE).unwrap());
    let url = json(&mut session, "aws sqs create-queue --queue-name scratch")["QueueUrl"].clone();
    let url = url.as_str().unwrap_or_default().to_string();
    assert_eq!(
        url,
        "https://sqs.us-east-1.amazonaws.com/123456789012/scratch"
    );
    let sent = json(
        &mut session,
        &format!("aws sqs send-message --queue-url {url} --message-body 'hi there'"),
    );
    assert_eq!(sent["MD5OfMessageBody"], "fd33e2e8ad3cb1bdd3ea8f5633fcf5c7");
    let got = json(
        &mut session,
        &format!("aws sqs receive-message --queue-url {url} --attribute-names All"),
    );
    let message = &got["Messages"][0];
    assert_eq!(message["Body"], "hi there");
    assert_eq!(message["MessageId"], sent["MessageId"]);
    assert_eq!(message["Attributes"]["ApproximateReceiveCount"], "1");
    let handle = message["ReceiptHandle"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    text(
        &mut session,
        &format!("aws sqs delete-message --queue-url {url} --receipt-handle {handle}"),
    );
    let queue = session.world().sqs.queue("scratch").unwrap();
    assert_eq!(
        (
            queue.visible_count(),
            queue.in_flight_count(),
            queue.totals.deleted
        ),
        (0, 0, 1)
    );

    let out = session.execute("aws sqs get-queue-url --queue-name nope");
    assert!(out[0].reply.text.contains(
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the GetQueueUrl \
         operation: The specified queue does not exist."
    ));
    assert!(out[0].reply.hint.is_some());
    let out = session.execute("aws sqs receive-message --queue-url orders");
    assert!(
        out[0].reply.text.contains("(InvalidAddress)"),
        "{}",
        out[0].reply.text
    );
    let out = session.execute(&format!(
        "aws sqs set-queue-attributes --queue-url {url} --attributes VisibilityTimeout=-1"
    ));
    assert!(
        out[0].reply.text.contains("(InvalidAttributeValue)"),
        "{}",
        out[0].reply.text
    );
    let dlq = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
    let out = session.execute(&format!(
        "aws sqs set-queue-attributes --queue-url {url} --attributes \
         'RedrivePolicy={{\"deadLetterTargetArn\":\"{dlq}\",\"maxReceiveCount\":\"4\"}}'"
    ));
    assert!(!out[0].reply.is_error, "{}", out[0].reply.text);
    let policy = text(
        &mut session,
        &format!(
            "aws sqs get-queue-attributes --queue-url {url} --attribute-names RedrivePolicy \
             --query Attributes.RedrivePolicy --output text"
        ),
    );
    assert_eq!(
        policy,
        format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":4}}"#)
    );
    let calls: Vec<&str> = session
        .world()
        .env
        .api_calls
        .iter()
        .filter(|c| c.service == "sqs" && c.error_code.is_none())
        .map(|c| c.operation.as_str())
        .collect();
    assert_eq!(
        calls,
        [
            "CreateQueue",
            "SendMessage",
            "ReceiveMessage",
            "DeleteMessage",
            "SetQueueAttributes",
            "GetQueueAttributes"
        ]
    );
}

#[test]
fn queue_worlds_replay_to_the_same_state_and_differ_by_seed() {
    let log = format!(
        "@600 aws sqs receive-message --queue-url {ORDERS} --max-number-of-messages 10\n\
         @900 aws sqs purge-queue --queue-url {ORDERS}-dlq\n\
         @1800\n"
    );
    let quest = Quest::parse("fleet.toml", FIXTURE).unwrap();
    let (a, out_a) = Session::replay(quest.clone(), &log).unwrap();
    let (b, out_b) = Session::replay(quest.clone(), &log).unwrap();
    assert_eq!(a.digest(), b.digest());
    assert_eq!(out_a, out_b, "receipt handles and message ids repeat too");
    let mut other = quest;
    other.world.seed += 1;
    let (c, _) = Session::replay(other, &log).unwrap();
    assert_ne!(a.digest(), c.digest());
}

/// The fixture with `from` replaced by `to` (which must occur).
fn broken(from: &str, to: &str) -> String {
    assert!(FIXTURE.contains(from), "{from:?} not in the fixture");
    FIXTURE.replacen(from, to, 1)
}

fn line_of(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not found"));
    text[..at].matches('\n').count() + 1
}

#[test]
fn queue_errors_in_quest_files_name_line_and_field() {
    // (replace this, with that, the field named, a phrase in the message, text on the line)
    let cases: &[(&str, &str, &str, &str, &str)] = &[
        (
            "rate = 55",
            "rate = -5",
            "world.queues[0].traffic.rate",
            "messages per second",
            "rate = -5",
        ),
        (
            "poison_rate = 0.0005",
            "poison_rate = 2",
            "world.queues[0].traffic.poison_rate",
            "fraction",
            "poison_rate = 2",
        ),
        (
            "retention = \"1h\"",
            "retention = \"30s\"",
            "world.queues[0].retention",
            "from 1m",
            "retention = \"30s\"",
        ),
        (
            "visibility_timeout = \"30s\"",
            "visibility_timeout = \"13h\"",
            "world.queues[0].visibility_timeout",
            "12h",
            "visibility_timeout = \"13h\"",
        ),
        (
            "dlq = { queue = \"orders-dlq\"",
            "dlq = { queue = \"orders-dead\"",
            "world.queues[0].dlq.queue",
            "no queue named",
            "orders-dead",
        ),
        (
            "max_receive_count = 5",
            "max_receive_count = 0",
            "world.queues[0].dlq.max_receive_count",
            "1 to 1000",
            "max_receive_count = 0",
        ),
        (
            "name = \"orders-dlq\"",
            "name = \"orders\"",
            "world.queues[1].name",
            "duplicate queue name",
            "name = \"orders\"\nretention = \"14d\"",
        ),
        (
            "name = \"orders-dlq\"",
            "name = \"orders dlq\"",
            "world.queues[1].name",
            "1 to 80",
            "orders dlq",
        ),
        (
            "consumer = { queue = \"orders\" }",
            "consumer = { queue = \"order\" }",
            "world.instances[0].consumer.queue",
            "no queue named",
            "queue = \"order\"",
        ),
        (
            "consumer = { queue = \"orders\" }",
            "consumer = { queue = \"orders\", messages_per_vcpu_second = 0 }",
            "world.instances[0].consumer",
            "above 0",
            "messages_per_vcpu_second = 0",
        ),
        (
            "consumer = { queue = \"orders\" }",
            "",
            "world.instances[0].cpu",
            "consumer",
            "instance_type = \"m5.xlarge\"",
        ),
        (
            "queue = \"orders\", count = 0",
            "queue = \"ordrs\", count = 0",
            "objectives[0].check",
            "no queue named",
            "ordrs",
        ),
        (
            "seconds = 300",
            "seconds = 0",
            "objectives[1].check",
            "above 0",
            "kind = \"all_of\"",
        ),
        (
            "retention = \"14d\"",
            "retention = \"2 weeks\"",
            "",
            "invalid duration",
            "2 weeks",
        ),
    ];
    for (from, to, field, phrase, on_line) in cases {
        let text = broken(from, to);
        let err = Quest::parse("tests/broken.toml", &text).expect_err(to);
        assert_eq!(&err.field, field, "{to}: {err}");
        assert!(err.message.contains(phrase), "{to}: {err}");
        assert_eq!(err.line, line_of(&text, on_line), "{to}: {err}");
    }
}
