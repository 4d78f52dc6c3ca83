//! The simulated cloud: every service of one account in one region, one
//! clock and one seeded random generator.
//!
//! All randomness in the simulation is drawn from the world's ChaCha8
//! generator, seeded from the quest, and every transcendental function goes
//! through `libm`; with integer time and ordered collections, the same seed
//! and the same commands give bit-identical worlds natively and in wasm32.

use std::sync::atomic::{AtomicU64, Ordering};

use rand::SeedableRng;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use crate::clock::Clock;
use crate::consumer;
use crate::events::EventLog;
use crate::files::Files;
use crate::history::{History, Sample};
use crate::k8s::Eks;
use crate::ledger::{Ledger, Rate};
use crate::services::cloudwatch::Metrics;
use crate::services::ec2::Ec2;
use crate::services::sqs::Sqs;
use crate::services::alarms::{self, Alarms};
use crate::services::autoscaling::AutoScaling;

/// The account id every resource belongs to.
pub const ACCOUNT_ID: &str = "123456789012";

/// One API call as CloudTrail would record it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ApiCall {
    pub time: u64,
    /// `ec2`, `cloudwatch` ...
    pub service: String,
    /// AWS's operation name: `DescribeInstances`.
    pub operation: String,
    /// The error code, if the call failed.
    pub error_code: Option<String>,
}

/// What every service shares: time, randomness, the region, and the
/// records that services write into.
#[derive(Debug, Serialize)]
pub struct Env {
    pub clock: Clock,
    /// Unix seconds of simulated second 0.
    pub start_unix: i64,
    pub region: String,
    #[serde(skip)]
    pub rng: ChaCha8Rng,
    pub events: EventLog,
    pub ledger: Ledger,
    pub metrics: Metrics,
    pub api_calls: Vec<ApiCall>,
}

impl Env {
    /// Seconds since the quest started.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// The current instant as Unix seconds.
    pub fn unix_now(&self) -> i64 {
        self.start_unix + self.now() as i64
    }

    /// `digits` random lowercase hex digits, for resource ids.
    pub fn hex_id(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits).map(|_| HEX[self.rng.random_range(0..16usize)] as char).collect()
    }

    /// Records an API call for CloudTrail-style objectives.
    pub fn record_call(&mut self, service: &str, operation: &str, error_code: Option<&str>) {
        self.api_calls.push(ApiCall {
            time: self.now(),
            service: service.to_string(),
            operation: operation.to_string(),
            error_code: error_code.map(str::to_string),
        });
    }
}

/// A value derived from the state to save work, never part of the state:
/// the field holding it is left out of serialization (`#[serde(skip)]`),
/// and every cache equals every other, so that comparing two states
/// ignores what their caches hold.
#[derive(Clone, Debug, Default)]
pub struct Cache<T>(pub T);

impl<T> PartialEq for Cache<T> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// Names one layout of a container (the metric series, the ledger's
/// entries) that callers may keep positions into: a hint taken under a
/// stamp is good for as long as the container still carries that stamp.
/// A container takes a new stamp whenever it moves its elements, and a
/// copy gets its own, so that no hint passes between two containers.
/// Stamps come from a process-wide counter; their values never reach the
/// state or its digest, only decide whether a hint may skip a search.
#[derive(Debug)]
pub struct Stamp(u64);

impl Stamp {
    /// A stamp no other container carries.
    pub fn fresh() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Stamp(NEXT.fetch_add(1, Ordering::Relaxed))
    }

    /// The stamp's value, for hints to remember.
    pub fn get(&self) -> u64 {
        self.0
    }
}

impl Default for Stamp {
    fn default() -> Self {
        Stamp::fresh()
    }
}

/// A copy of a container is another container: it gets a fresh stamp.
impl Clone for Stamp {
    fn clone(&self) -> Self {
        Stamp::fresh()
    }
}

/// The whole simulated cloud.
#[derive(Debug, Serialize)]
pub struct World {
    pub seed: u64,
    pub env: Env,
    pub ec2: Ec2,
    /// SQS queues; left out of the serialized state while there are none,
    /// so that worlds without queues keep their digests.
    #[serde(skip_serializing_if = "Sqs::is_empty")]
    pub sqs: Sqs,
    /// CloudWatch alarms (the metrics are in `env.metrics`); left out of
    /// the serialized state while empty, like the next field.
    #[serde(skip_serializing_if = "Alarms::is_empty")]
    pub alarms: Alarms,
    /// EC2 Auto Scaling.
    #[serde(skip_serializing_if = "AutoScaling::is_empty")]
    pub autoscaling: AutoScaling,
    /// The player's files (the terminal's home directory).
    #[serde(skip_serializing_if = "Files::is_empty")]
    pub files: Files,
    /// The EKS cluster and the container registry; left out of the
    /// serialized state while the account has neither.
    #[serde(skip_serializing_if = "Eks::is_empty")]
    pub eks: Eks,
    /// Cost, CO2e and running instances per minute, for the charts.
    #[serde(skip)]
    pub history: History,
}

impl World {
    /// An empty account in `region`, with simulated second 0 at
    /// `start_unix`.
    pub fn new(seed: u64, region: &str, start_unix: i64) -> Self {
        World {
            seed,
            env: Env {
                clock: Clock::default(),
                start_unix,
                region: region.to_string(),
                rng: ChaCha8Rng::seed_from_u64(seed),
                events: EventLog::default(),
                ledger: Ledger::default(),
                metrics: Metrics::default(),
                api_calls: Vec::new(),
            },
            ec2: Ec2::new(ACCOUNT_ID),
            sqs: Sqs::new(ACCOUNT_ID),
            alarms: Alarms::default(),
            autoscaling: AutoScaling::default(),
            files: Files::default(),
            eks: Eks::default(),
            history: History::default(),
        }
    }

    /// Seconds since the quest started.
    pub fn now(&self) -> u64 {
        self.env.now()
    }

    /// Runs one tick, always in this order: the EKS cluster's controllers
    /// run if anything changed there; instances change state;
    /// messages arrive at queues (and expire, or return from flight);
    /// consumers process them; instances report load, cost and carbon;
    /// queues publish their metrics. Then time moves on.
    pub fn tick(&mut self) {
        self.env.ledger.begin_tick();
        self.eks.step(&mut self.env, &mut self.ec2);
        self.ec2.advance_states(&mut self.env);
        self.sqs.step_queues(&mut self.env);
        consumer::step(&mut self.ec2, &mut self.sqs, self.env.now());
        self.ec2.account(&mut self.env);
        consumer::account(&self.ec2, &mut self.sqs);
        self.sqs.publish(&mut self.env);
        // Auto Scaling follows its instances and, each minute, publishes
        // its metrics; then alarms whose period ends evaluate, and their
        // actions run. Both do nothing while the account has none.
        self.autoscaling.step(&mut self.env, &mut self.ec2);
        let invocations = self.alarms.step(&mut self.env);
        alarms::run_actions(&mut self.alarms, &mut self.autoscaling, &mut self.env, invocations);
        let now = self.env.now();
        if now % 60 == 59 {
            let rate = self.env.ledger.rate();
            self.history.record(Sample {
                minute: now / 60,
                cost_usd_per_hour: rate.cost_usd_per_hour,
                co2e_g_per_hour: rate.co2e_g_per_hour,
                running_instances: self.ec2.running_count() as u32,
            });
        }
        self.env.clock.advance_tick();
    }

    /// Cost and CO2e per hour of everything running now.
    pub fn rate(&self) -> Rate {
        self.env.ledger.rate()
    }

    /// A short fingerprint of the whole state, equal on every platform for
    /// the same seed and commands: FNV-1a over the state's JSON.
    pub fn digest(&self) -> String {
        let json = serde_json::to_string(self).unwrap_or_default();
        format!("{:016x}", fnv1a(json.as_bytes()))
    }
}

/// 64-bit FNV-1a hash.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}
