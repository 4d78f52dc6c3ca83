//! Quest 1, "Right-size the consumers": the reference solution completes
//! it, and naive solutions fail the objective they should.

use gameday::command::transcript;
use gameday::quest::{Check, Quest, Session};
use serde_json::Value;

const QUEST: &str = include_str!("../quests/01-right-size.toml");

fn quest() -> Quest {
    Quest::parse("quests/01-right-size.toml", QUEST).unwrap_or_else(|e| panic!("{e}"))
}

/// The ten m5.xlarge workers of the starting world.
const OLD_FLEET: &str = "i-0b3e5a7c9d1f24601 i-0b3e5a7c9d1f24602 i-0b3e5a7c9d1f24603 \
    i-0b3e5a7c9d1f24604 i-0b3e5a7c9d1f24605 i-0b3e5a7c9d1f24606 i-0b3e5a7c9d1f24607 \
    i-0b3e5a7c9d1f24608 i-0b3e5a7c9d1f24609 i-0b3e5a7c9d1f2460a";

/// Simulated second the player takes over (after the two-hour warm-up).
const START: u64 = 7200;

/// Runs one command that must succeed; returns its JSON output.
fn ok(s: &mut Session, command: &str) -> Value {
    let out = s.execute(command);
    let reply = &out.first().expect("one command").reply;
    assert!(!reply.is_error, "{command}\n{}", reply.text);
    serde_json::from_str(&reply.text).unwrap_or(Value::Null)
}

fn met(s: &Session, id: &str) -> bool {
    s.objectives().iter().find(|o| o.id == id).unwrap_or_else(|| panic!("no objective {id}")).ok
}

/// Simulated seconds at which the guard `id` broke.
fn breaks(s: &Session, id: &str) -> Vec<u64> {
    let title = &s.quest().objectives.iter().find(|o| o.id.get_ref() == id).unwrap().title;
    let message = format!("Broken: {title}");
    s.score_events().iter().filter(|e| e.message == message).map(|e| e.time).collect()
}

/// UTC hour of simulated second `t` (the quest starts at 06:00 UTC).
fn utc_hour(t: u64) -> u64 {
    (6 + t / 3600) % 24
}

/// A group of `instance_type` workers from a new version of the
/// orders-worker template, scaled out by depth and in by CPU, as a player
/// would type it (ARNs are read from the outputs).
fn scaling_group(s: &mut Session, instance_type: &str, image_id: &str) {
    ok(s, "aws sqs get-queue-attributes --attribute-names All \
        --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/orders");
    ok(s, &format!(
        "aws ec2 create-launch-template-version --launch-template-name orders-worker \
         --source-version 1 --launch-template-data \
         '{{\"InstanceType\":\"{instance_type}\",\"ImageId\":\"{image_id}\"}}'"
    ));
    ok(s, "aws autoscaling create-auto-scaling-group --auto-scaling-group-name workers \
        --launch-template 'LaunchTemplateName=orders-worker,Version=$Latest' \
        --min-size 0 --max-size 14 --desired-capacity 0 --availability-zones us-east-1a us-east-1b");
    let out = ok(s, "aws autoscaling put-scaling-policy --auto-scaling-group-name workers \
        --policy-name out --policy-type StepScaling --adjustment-type ChangeInCapacity \
        --step-adjustments MetricIntervalLowerBound=0,MetricIntervalUpperBound=450,ScalingAdjustment=1 \
        MetricIntervalLowerBound=450,ScalingAdjustment=3");
    let out_arn = out["PolicyARN"].as_str().unwrap().to_string();
    let out = ok(s, "aws autoscaling put-scaling-policy --auto-scaling-group-name workers \
        --policy-name in --adjustment-type ChangeInCapacity --scaling-adjustment -1");
    let in_arn = out["PolicyARN"].as_str().unwrap().to_string();
    ok(s, &format!(
        "aws cloudwatch put-metric-alarm --alarm-name backlog --namespace AWS/SQS \
         --metric-name ApproximateNumberOfMessagesVisible --dimensions Name=QueueName,Value=orders \
         --statistic Maximum --period 60 --evaluation-periods 1 --threshold 50 \
         --comparison-operator GreaterThanThreshold --alarm-actions {out_arn}"
    ));
    ok(s, &format!(
        "aws cloudwatch put-metric-alarm --alarm-name idle --namespace AWS/EC2 \
         --metric-name CPUUtilization --dimensions Name=AutoScalingGroupName,Value=workers \
         --statistic Average --period 60 --evaluation-periods 10 --threshold 30 \
         --comparison-operator LessThanThreshold --alarm-actions {in_arn}"
    ));
}

#[test]
fn the_reference_solution_meets_every_objective_and_breaks_no_guard() {
    let (s, out) = Session::replay(quest(), quest().solution.log.get_ref()).unwrap();
    assert!(out.iter().all(|e| !e.reply.is_error), "{}", transcript(&out));
    assert!(s.completed());
    for o in s.objectives() {
        assert!(o.ok, "{} not met", o.id);
    }
    assert!(breaks(&s, "no-loss").is_empty() && breaks(&s, "service-level").is_empty());
    let hints: i64 = s.score_events().iter().filter(|e| e.points < 0).map(|e| e.points).sum();
    assert_eq!(hints, 0);
}

#[test]
fn the_day_counts_from_the_last_old_worker_terminated() {
    let mut s = Session::new(quest());
    scaling_group(&mut s, "c7g.large", "ami-07d9e1a6b5c38f2e4");
    s.run_until(START + 600);
    ok(&mut s, &format!("aws ec2 terminate-instances --instance-ids {OLD_FLEET}"));
    assert!(met(&s, "scale-out") && met(&s, "scale-in") && met(&s, "empty-group"));
    s.run_until(START + 600 + 23 * 3600);
    assert!(met(&s, "old-fleet-gone"));
    assert!(!met(&s, "a-day") && !met(&s, "cheaper"), "a day has not passed yet");
    s.run_until(START + 600 + 86_400 + 60);
    assert!(met(&s, "a-day") && met(&s, "cheaper") && met(&s, "greener") && met(&s, "graviton"));
    assert!(s.completed());
}

#[test]
fn right_sizing_on_x86_completes_the_quest_without_the_graviton_bonus() {
    let mut s = Session::new(quest());
    scaling_group(&mut s, "c5.large", "ami-0c1f5b3a7d2e94a10");
    s.run_until(START + 600);
    ok(&mut s, &format!("aws ec2 terminate-instances --instance-ids {OLD_FLEET}"));
    s.run_until(START + 600 + 86_400 + 60);
    for id in ["a-day", "cheaper", "greener"] {
        assert!(met(&s, id), "{id}");
    }
    assert!(!met(&s, "graviton"));
    assert!(s.completed(), "the bonus is not needed to complete the quest");
}

#[test]
fn terminating_everything_loses_orders() {
    let mut s = Session::new(quest());
    s.run_until(START);
    ok(&mut s, &format!("aws ec2 terminate-instances --instance-ids {OLD_FLEET}"));
    s.run_until(START + 3 * 3600);
    let lost = breaks(&s, "no-loss");
    assert_eq!(lost.len(), 1, "{lost:?}");
    // Orders expire an hour after they were sent: the first were already
    // waiting when the workers went.
    assert!((START + 3300..START + 3700).contains(&lost[0]), "{lost:?}");
    assert!(breaks(&s, "service-level")[0] < lost[0], "orders wait too long before they are lost");
    assert!(!met(&s, "a-day"));
}

#[test]
fn a_fixed_small_fleet_breaks_the_service_level_at_the_peak() {
    let mut s = Session::new(quest());
    s.run_until(START);
    ok(&mut s, "aws ec2 create-launch-template-version --launch-template-name orders-worker \
        --source-version 1 --launch-template-data \
        '{\"InstanceType\":\"c7g.large\",\"ImageId\":\"ami-07d9e1a6b5c38f2e4\"}'");
    // Four c7g.large take 96 orders a second, well above the daily mean
    // of 55 but below the afternoon peak.
    ok(&mut s, "aws ec2 run-instances --launch-template LaunchTemplateName=orders-worker,Version=2 --count 4");
    s.run_until(START + 300);
    ok(&mut s, &format!("aws ec2 terminate-instances --instance-ids {OLD_FLEET}"));
    s.run_until(START + 300 + 86_400 + 60);
    let broken = breaks(&s, "service-level");
    assert!(!broken.is_empty(), "the peak must be too much for a fixed fleet");
    assert!((11..=20).contains(&utc_hour(broken[0])), "broken at {} UTC", utc_hour(broken[0]));
    assert!(!met(&s, "a-day"));
    assert!(!met(&s, "scale-out") && !met(&s, "empty-group"));
    // It is cheap, though: cost alone is not the point.
    assert!(met(&s, "cheaper"));
}

#[test]
fn every_team_gets_the_same_orders_whatever_it_does() {
    let mut quiet = Session::new(quest());
    let mut busy = Session::new(quest());
    // Launching instances and receiving messages draw ids and receipt
    // handles from the world's generator; the orders must not change.
    ok(&mut busy, "aws ec2 run-instances --launch-template LaunchTemplateName=orders-worker --count 3");
    ok(&mut busy, "aws sqs receive-message --max-number-of-messages 10 \
        --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/orders");
    let end = START + 6 * 3600;
    quiet.run_until(end);
    busy.run_until(end);
    let sent = |s: &Session| s.world().sqs.queue("orders").unwrap().totals_at(end).sent;
    assert_eq!(sent(&quiet), sent(&busy));
    assert!(sent(&quiet) > 6 * 3600 * 20, "{}", sent(&quiet));
}

#[test]
fn the_stated_targets_are_sixty_percent_below_the_old_fleet() {
    let (usd, grams) = baseline_per_order();
    let target = |id: &str| -> f64 {
        let o = quest().objectives.into_iter().find(|o| o.id.get_ref() == id).unwrap();
        let Check::AllOf { checks } = o.check.into_inner() else { panic!("{id}: expected all_of") };
        checks
            .iter()
            .find_map(|c| match c {
                Check::CostPerProcessedMessageBelow { usd, .. } => Some(*usd),
                Check::Co2ePerProcessedMessageBelow { grams, .. } => Some(*grams),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{id}: no per-order target"))
    };
    let cut = |target: f64, baseline: f64| 1.0 - target / baseline;
    assert!((cut(target("cheaper"), usd) - 0.6).abs() < 0.01, "{} vs {usd}", target("cheaper"));
    assert!((cut(target("greener"), grams) - 0.6).abs() < 0.01, "{} vs {grams}", target("greener"));
}

/// Prints, hour by hour, what the queue and the fleet did: the tool used
/// to tune the quest's traffic and targets. `cargo test --test right_size
/// explore -- --ignored --nocapture`, with GAMEDAY_LOG naming a log file.
#[test]
#[ignore]
fn explore() {
    let log = match std::env::var("GAMEDAY_LOG") {
        Ok(path) => std::fs::read_to_string(path).unwrap(),
        Err(_) => quest().solution.log.get_ref().clone(),
    };
    let hours: u64 = std::env::var("GAMEDAY_HOURS").ok().and_then(|h| h.parse().ok()).unwrap_or(30);
    let (mut s, out) = Session::replay(quest(), &log).unwrap();
    print!("{}", transcript(&out));
    let start = s.now();
    let mut last = s.world().sqs.queue("orders").unwrap().totals_at(start);
    for h in 1..=hours {
        let from = s.now();
        s.run_until(start + h * 3600);
        let w = s.world();
        let q = w.sqs.queue("orders").unwrap();
        let t = q.totals_at(s.now());
        let samples = w.history.since(from / 60);
        let max_running = samples.iter().map(|x| x.running_instances).max().unwrap_or(0);
        let min_running = samples.iter().map(|x| x.running_instances).min().unwrap_or(0);
        let sent = t.sent - last.sent;
        let done = t.deleted - last.deleted;
        let cost = t.consumer_cost_usd - last.consumer_cost_usd;
        let co2 = t.consumer_co2e_g - last.consumer_co2e_g;
        println!(
            "{:>5}h  sent {:>7} done {:>7} lost {:>4} dlq {:>3}  max age {:>5}s  running {}..{}  ${:.3}/h  {:.0} g/h  $/msg {:.2e}  g/msg {:.2e}",
            s.now() / 3600, sent, done, t.lost() - last.lost(), t.moved_to_dead_letter_queue - last.moved_to_dead_letter_queue,
            q.max_age_since(from), min_running, max_running, cost, co2,
            cost / done.max(1) as f64, co2 / done.max(1) as f64,
        );
        last = t;
    }
    for o in s.objectives() {
        println!("{:<16} ok={} since={:?}", o.id, o.ok, o.since);
    }
    for e in s.score_events() {
        println!("{:>6} {:>5} {}", e.time, e.points, e.message);
    }
    println!("score {}", s.score());
}

/// Cost and CO2e per processed order of the untouched starting fleet over
/// the first simulated day after the warm-up.
fn baseline_per_order() -> (f64, f64) {
    let mut s = Session::new(quest());
    let start = s.now();
    let before = s.world().sqs.queue("orders").unwrap().totals_at(start);
    s.run_until(start + 86_400);
    let after = s.world().sqs.queue("orders").unwrap().totals_at(s.now());
    let done = (after.deleted - before.deleted) as f64;
    ((after.consumer_cost_usd - before.consumer_cost_usd) / done, (after.consumer_co2e_g - before.consumer_co2e_g) / done)
}

#[test]
#[ignore]
fn print_baseline() {
    let (usd, g) = baseline_per_order();
    println!("baseline: {usd:.4e} USD/order, {g:.4e} g/order; 60% cut: {:.4e} {:.4e}", usd * 0.4, g * 0.4);
}
