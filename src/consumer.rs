//! Queue consumers: the company's worker software on EC2 instances.
//!
//! A running instance with a [`Consumer`] polls one SQS queue and processes
//! what it receives. Its capacity is its vCPU count times a rate per vCPU:
//! [`Consumer::messages_per_vcpu_second`] (10 by default) on x86, and
//! [`GRAVITON_VCPU_FACTOR`] times that on Graviton. That factor is our
//! assumption, stated here so that quests can rely on it: an x86 vCPU is one
//! hyperthread of a core while a Graviton vCPU is a whole core, and we
//! assume a CPU-bound message handler completes 20 % more messages on a
//! Graviton vCPU than on an x86 one. All consumers of a queue share its
//! messages in proportion to their capacity, as SQS spreads messages over
//! pollers, so they run equally busy. The share of its capacity an instance
//! uses is its busy fraction: `CPUUtilization` is the instance's baseline
//! workload (the operating system and the poller; [`IDLE_WORKLOAD`] unless
//! the quest gives one) plus the busy fraction of what remains, and through
//! it the instance's power and CO2e. Poison messages (see the queue's
//! traffic profile) take processing time and are never deleted.
//!
//! We do not model per-message latency below one second, memory or I/O
//! bound work, CPU credits of burstable types (t3 and t4g behave as in
//! unlimited mode, without surplus charges), transient failures, or the
//! cost of empty receives.

use serde::{Deserialize, Serialize};

use crate::catalogue::{catalogue, Architecture, InstanceType};
use crate::clock::TICK_SECONDS;
use crate::ledger::Rate;
use crate::services::ec2::{Ec2, InstanceState, Workload};
use crate::services::sqs::{is_queue_name, Queue, Sqs};

/// Messages per second one x86 vCPU completes when fully busy, unless the
/// consumer says otherwise.
pub const DEFAULT_MESSAGES_PER_VCPU_SECOND: f64 = 10.0;

/// How many times the messages of an x86 vCPU a Graviton vCPU completes.
pub const GRAVITON_VCPU_FACTOR: f64 = 1.2;

/// The CPU load of a consumer instance with nothing to do: the operating
/// system and the poller, about 2 %.
pub const IDLE_WORKLOAD: Workload = Workload {
    base: 2.0,
    jitter: 0.5,
};

/// Highest `messages_per_vcpu_second` a consumer may declare.
pub const MAX_MESSAGES_PER_VCPU_SECOND: f64 = 100_000.0;

/// Worker software that consumes one queue, as a quest file (and later a
/// launch template) describes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consumer {
    /// Name of the queue the worker polls.
    pub queue: String,
    /// Messages one x86 vCPU completes per second when fully busy; 10 by
    /// default. A Graviton vCPU completes [`GRAVITON_VCPU_FACTOR`] times as
    /// many.
    #[serde(default = "default_rate")]
    pub messages_per_vcpu_second: f64,
}

fn default_rate() -> f64 {
    DEFAULT_MESSAGES_PER_VCPU_SECOND
}

impl Consumer {
    /// A consumer of `queue` at the default rate.
    pub fn of(queue: &str) -> Self {
        Consumer {
            queue: queue.to_string(),
            messages_per_vcpu_second: default_rate(),
        }
    }

    /// Messages per second this worker completes on `ty` when fully busy.
    pub fn capacity_on(&self, ty: &InstanceType) -> f64 {
        let per_vcpu = match ty.architecture {
            Architecture::X86_64 => self.messages_per_vcpu_second,
            Architecture::Arm64 => self.messages_per_vcpu_second * GRAVITON_VCPU_FACTOR,
        };
        per_vcpu * f64::from(ty.vcpu)
    }

    /// Rejects a queue name SQS would refuse or an absurd rate.
    pub fn validate(&self) -> Result<(), String> {
        if !is_queue_name(&self.queue) {
            return Err(format!(
                "{:?} is not a queue name (1 to 80 letters, digits, - and _)",
                self.queue
            ));
        }
        let rate = self.messages_per_vcpu_second;
        if !rate.is_finite() || rate <= 0.0 || rate > MAX_MESSAGES_PER_VCPU_SECOND {
            let max = MAX_MESSAGES_PER_VCPU_SECOND;
            return Err(format!(
                "messages_per_vcpu_second must be above 0 and at most {max}"
            ));
        }
        Ok(())
    }
}

/// A consumer running on one instance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Worker {
    pub consumer: Consumer,
    /// Messages per second at full load on this instance's type.
    pub capacity: f64,
    /// Fraction of its capacity used in the last second, 0 to 1.
    pub busy: f64,
    /// What the instance cost and emitted per hour in the last second;
    /// zero while it is not billed.
    #[serde(skip)]
    pub rate: Rate,
}

impl Worker {
    /// The worker of `consumer` on an instance of type `instance_type`;
    /// an unknown type gets no capacity.
    pub fn new(consumer: Consumer, instance_type: &str) -> Self {
        let capacity = catalogue()
            .instance_type(instance_type)
            .map_or(0.0, |t| consumer.capacity_on(t));
        Worker {
            consumer,
            capacity,
            busy: 0.0,
            rate: Rate::default(),
        }
    }
}

/// Lets every running worker take its share of its queue for one tick and
/// records how busy that kept it. Runs after arrivals and before EC2 turns
/// busy fractions into `CPUUtilization`.
pub fn step(ec2: &mut Ec2, sqs: &mut Sqs, now: u64) {
    sqs.consume(now, |queue| {
        ec2.ticking()
            .filter(|i| i.state == InstanceState::Running)
            .filter_map(|i| i.worker.as_ref())
            .filter(|w| w.consumer.queue == queue)
            .map(|w| w.capacity)
            .sum()
    });
    // Workers of one queue usually follow each other: look the queue up
    // again only when the name changes.
    let mut last: Option<&Queue> = None;
    ec2.for_each_ticking(|instance| {
        let running = instance.state == InstanceState::Running;
        if let Some(worker) = &mut instance.worker {
            let name = worker.consumer.queue.as_str();
            if last.is_none_or(|q| q.name != name) {
                last = sqs.queue(name);
            }
            worker.busy = match last {
                Some(queue) if running => queue.consumer_busy(),
                _ => 0.0,
            };
        }
    });
}

/// Charges each queue with the cost and emissions, over this tick, of the
/// instances whose workers consume it, for cost per processed message.
/// Runs after EC2 has set each instance's rate for the tick.
pub fn account(ec2: &Ec2, sqs: &mut Sqs) {
    let hours = TICK_SECONDS as f64 / 3600.0;
    let mut last: Option<&mut Queue> = None;
    for worker in ec2.ticking().filter_map(|i| i.worker.as_ref()) {
        if worker.rate.cost_usd_per_hour == 0.0 && worker.rate.co2e_g_per_hour == 0.0 {
            continue;
        }
        let name = worker.consumer.queue.as_str();
        if last.as_ref().is_none_or(|q| q.name != name) {
            last = sqs.queue_mut(name);
        }
        if let Some(queue) = last.as_mut() {
            let rate = worker.rate;
            queue.charge_consumer(rate.cost_usd_per_hour * hours, rate.co2e_g_per_hour * hours);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_follows_vcpu_and_architecture() {
        let c = Consumer::of("orders");
        let cap = |t: &str| c.capacity_on(catalogue().instance_type(t).unwrap());
        assert_eq!(cap("m5.2xlarge"), 80.0);
        assert_eq!(cap("m5.large"), 20.0);
        assert!((cap("t4g.small") - 24.0).abs() < 1e-9);
        assert!((cap("m6g.2xlarge") - 96.0).abs() < 1e-9);
    }

    #[test]
    fn bad_consumers_are_refused() {
        assert!(Consumer::of("orders").validate().is_ok());
        assert!(Consumer::of("no spaces").validate().is_err());
        let fast = Consumer {
            messages_per_vcpu_second: f64::INFINITY,
            ..Consumer::of("q")
        };
        assert!(fast.validate().is_err());
        let idle = Consumer {
            messages_per_vcpu_second: 0.0,
            ..Consumer::of("q")
        };
        assert!(idle.validate().is_err());
    }
}
