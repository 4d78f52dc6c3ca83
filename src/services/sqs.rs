//! Amazon SQS: standard queues, the traffic that fills them and the metrics
//! they publish.
//!
//! We model standard queues under their AWS names: `QueueUrl`, `QueueArn`,
//! `VisibilityTimeout` (received messages are in flight, not visible, until
//! deleted or until the timeout returns them to the queue),
//! `MessageRetentionPeriod` (messages older than it are deleted unprocessed,
//! counted as lost and reported in the event log), and a dead-letter queue
//! through `RedrivePolicy`: a message received `maxReceiveCount` times and
//! still not deleted moves to the dead-letter queue when its visibility
//! timeout next expires, keeping its original send time (so the dead-letter
//! queue's retention counts from the first send, as AWS does for standard
//! queues). Once a minute each queue publishes to CloudWatch, namespace
//! `AWS/SQS`, dimension `QueueName`, one sample per metric as SQS does:
//! `ApproximateNumberOfMessagesVisible`,
//! `ApproximateNumberOfMessagesNotVisible` and
//! `ApproximateAgeOfOldestMessage` as they stand at the end of the minute
//! (messages received three times or more do not count towards the age, as
//! in SQS), and `NumberOfMessagesSent`, `NumberOfMessagesReceived` and
//! `NumberOfMessagesDeleted` counted over the minute.
//!
//! Arrivals come from a seeded [`TrafficProfile`]: a mean rate with a daily
//! cycle peaking at a chosen UTC hour, random bursts, and a share of poison
//! messages that every consumer fails on. Counts per second are Poisson
//! draws from the world's generator, with `libm` for every transcendental
//! function. Messages are kept in aggregate, as batches of consecutive
//! messages sent in the same second, so a busy queue costs a few batches per
//! second of backlog (24 bytes each) rather than one record per message;
//! message ids and bodies of generated traffic are derived from a sequence
//! number when a player receives them, and only bodies a player sent are
//! stored.
//!
//! Receiving returns the oldest visible messages first and always as many
//! as are visible, up to the limit: we do not model the sampling of short
//! polling (which can return fewer), and long polling returns at once.
//! Purging is immediate. We do not model FIFO queues, delay queues
//! (`DelaySeconds` other than 0), message attributes, access policies,
//! encryption keys, `ChangeMessageVisibility`, `DeleteQueue`, the attribute
//! `ApproximateFirstReceiveTimestamp`, metrics stopping after six hours of
//! inactivity, `NumberOfEmptyReceives` or request pricing.

use std::collections::{BTreeMap, VecDeque};

use md5::{Digest, Md5};
use rand::{Rng, RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::calendar::format_iso8601;
use crate::clock::{format_duration, Seconds, TICK_SECONDS};
use crate::services::AwsError;
use crate::services::cloudwatch::SeriesHint;
use crate::world::{fnv1a, Cache, Env};

/// `VisibilityTimeout` of a new queue, in seconds.
pub const DEFAULT_VISIBILITY_TIMEOUT: u64 = 30;
/// Largest `VisibilityTimeout`: 12 hours.
pub const MAX_VISIBILITY_TIMEOUT: u64 = 43_200;
/// `MessageRetentionPeriod` of a new queue: 4 days.
pub const DEFAULT_RETENTION: u64 = 345_600;
/// Smallest `MessageRetentionPeriod`: 1 minute.
pub const MIN_RETENTION: u64 = 60;
/// Largest `MessageRetentionPeriod`: 14 days.
pub const MAX_RETENTION: u64 = 1_209_600;
/// `MaximumMessageSize` of a new queue, and its upper limit, in bytes.
pub const DEFAULT_MAXIMUM_MESSAGE_SIZE: u64 = 262_144;
/// Largest `maxReceiveCount` a redrive policy accepts.
pub const MAX_RECEIVE_COUNT: u32 = 1000;
/// Seconds that must pass between two purges of one queue.
pub const PURGE_INTERVAL: u64 = 60;
/// Messages `ReceiveMessage` returns at most per call.
pub const MAX_MESSAGES_PER_RECEIVE: u64 = 10;
/// Largest mean arrival rate a traffic profile may ask for, per second.
pub const MAX_TRAFFIC_RATE: f64 = 10_000.0;

/// Messages received this many times or more no longer count towards
/// `ApproximateAgeOfOldestMessage`.
const AGE_RECEIVE_LIMIT: u16 = 3;
/// Seconds without a loss (or a move to a dead-letter queue) after which
/// an episode of them is over and summed up in the event log.
const EPISODE_GAP: u64 = 60;
/// The IAM principal that sends the company's traffic, as `SenderId`.
const SENDER_ID: &str = "AROA5EXAMPLEORDERSVC:order-service";
/// Length of a receipt handle after its `AQEB` prefix.
const RECEIPT_HANDLE_BODY: usize = 120;
const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// ---- Traffic ----------------------------------------------------------------

/// How messages arrive at a queue, as a quest file describes it.
///
/// The mean rate at time of day `h` (UTC hours) is
/// `rate * (1 + daily_amplitude * cos(2 pi (h - peak_hour) / 24))`, times
/// `burst_multiplier` during a burst. Bursts start at random, on average
/// `bursts_per_day` times a day, and last `burst_duration`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrafficProfile {
    /// Mean messages per second over a day, up to [`MAX_TRAFFIC_RATE`].
    pub rate: f64,
    /// Relative swing of the daily cycle, 0 (flat, the default) to 1
    /// (from nothing at night to twice the mean at the peak).
    #[serde(default)]
    pub daily_amplitude: f64,
    /// UTC hour of the daily peak, 0 to 24; 14 by default.
    #[serde(default = "default_peak_hour")]
    pub peak_hour: f64,
    /// Expected number of bursts per day; none by default.
    #[serde(default)]
    pub bursts_per_day: f64,
    /// How many times the usual rate arrives during a burst; 3 by default.
    #[serde(default = "default_burst_multiplier")]
    pub burst_multiplier: f64,
    /// How long a burst lasts; 10 minutes by default.
    #[serde(default = "default_burst_duration")]
    pub burst_duration: Seconds,
    /// Share of messages that every consumer fails to process (poison
    /// messages), 0 (the default) to 1. They come back after the
    /// visibility timeout until a dead-letter queue takes them or the
    /// retention period ends them.
    #[serde(default)]
    pub poison_rate: f64,
}

fn default_peak_hour() -> f64 {
    14.0
}

fn default_burst_multiplier() -> f64 {
    3.0
}

fn default_burst_duration() -> Seconds {
    Seconds(600)
}

impl TrafficProfile {
    /// A flat profile of `rate` messages per second.
    pub fn steady(rate: f64) -> Self {
        TrafficProfile {
            rate,
            daily_amplitude: 0.0,
            peak_hour: default_peak_hour(),
            bursts_per_day: 0.0,
            burst_multiplier: default_burst_multiplier(),
            burst_duration: default_burst_duration(),
            poison_rate: 0.0,
        }
    }

    /// Mean messages per second at Unix time `unix`, outside bursts.
    pub fn mean_rate_at(&self, unix: i64) -> f64 {
        let hour = unix.rem_euclid(86_400) as f64 / 3600.0;
        let phase = 2.0 * std::f64::consts::PI * (hour - self.peak_hour) / 24.0;
        (self.rate * (1.0 + self.daily_amplitude * libm::cos(phase))).max(0.0)
    }

    /// Checks every field's range. The error names the field and its
    /// allowed values.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        let within = |x: f64, lo: f64, hi: f64| x.is_finite() && (lo..=hi).contains(&x);
        if !within(self.rate, 0.0, MAX_TRAFFIC_RATE) {
            return Err((
                "rate",
                format!("messages per second, 0 to {MAX_TRAFFIC_RATE}"),
            ));
        }
        if !within(self.daily_amplitude, 0.0, 1.0) {
            return Err(("daily_amplitude", "a fraction of the rate, 0 to 1".into()));
        }
        if !within(self.peak_hour, 0.0, 24.0) {
            return Err(("peak_hour", "an hour of the day in UTC, 0 to 24".into()));
        }
        if !within(self.bursts_per_day, 0.0, 1000.0) {
            return Err(("bursts_per_day", "0 to 1000".into()));
        }
        if !within(self.burst_multiplier, 1.0, 100.0) {
            return Err(("burst_multiplier", "1 to 100 times the usual rate".into()));
        }
        if !(1..=86_400).contains(&self.burst_duration.0) {
            return Err(("burst_duration", "1 second to 1 day".into()));
        }
        if !within(self.poison_rate, 0.0, 1.0) {
            return Err(("poison_rate", "a fraction of messages, 0 to 1".into()));
        }
        Ok(())
    }
}

/// A traffic profile in motion: its bursts and its share of poison.
///
/// Each queue's traffic draws from its own generator, seeded once from the
/// world's when the quest builds the queue: the orders that arrive depend
/// only on the quest's seed, never on what the player does, so every team
/// faces the same day (and the same bursts) and scores compare fairly.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Traffic {
    pub profile: TrafficProfile,
    /// The traffic's own generator; its state follows from the seed and
    /// the time, so it is left out of the state's digest.
    #[serde(skip)]
    rng: ChaCha8Rng,
    /// Simulated second the next burst starts.
    pub next_burst_at: u64,
    /// End (exclusive) of the current or last burst.
    pub burst_until: u64,
    /// Fractional poison messages owed to later seconds.
    poison_carry: f64,
}

impl Traffic {
    fn new(profile: TrafficProfile, now: u64, seed: u64) -> Self {
        let mut traffic = Traffic {
            profile,
            rng: ChaCha8Rng::seed_from_u64(seed),
            next_burst_at: u64::MAX,
            burst_until: 0,
            poison_carry: 0.0,
        };
        traffic.schedule_burst(now);
        traffic
    }

    fn schedule_burst(&mut self, after: u64) {
        self.next_burst_at = if self.profile.bursts_per_day > 0.0 {
            let gap = exponential(&mut self.rng, 86_400.0 / self.profile.bursts_per_day);
            after.saturating_add(gap.clamp(1.0, 1e12) as u64)
        } else {
            u64::MAX
        };
    }

    /// Messages arriving during second `now` at Unix time `unix`: (normal,
    /// poison).
    fn arrivals(&mut self, now: u64, unix: i64) -> (u64, u64) {
        if now >= self.next_burst_at {
            self.burst_until = now.saturating_add(self.profile.burst_duration.0);
            self.schedule_burst(self.burst_until);
        }
        let mut mean = self.profile.mean_rate_at(unix) * TICK_SECONDS as f64;
        if now < self.burst_until {
            mean *= self.profile.burst_multiplier;
        }
        let count = poisson(&mut self.rng, mean);
        self.poison_carry += count as f64 * self.profile.poison_rate;
        let poison = (self.poison_carry.floor().max(0.0) as u64).min(count);
        self.poison_carry -= poison as f64;
        (count - poison, poison)
    }
}

/// A Poisson draw with the given mean: exact inversion below a mean of 30,
/// the normal approximation (rounded, never negative) above. One or two
/// uniform draws, whatever the mean.
pub fn poisson<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> u64 {
    if !mean.is_finite() || mean <= 0.0 {
        return 0;
    }
    if mean < 30.0 {
        let u: f64 = rng.random();
        let mut p = libm::exp(-mean);
        let mut cumulative = p;
        let mut k = 0u64;
        while u > cumulative && k < 400 {
            k += 1;
            p *= mean / k as f64;
            cumulative += p;
        }
        return k;
    }
    let x = libm::floor(mean + libm::sqrt(mean) * standard_normal(rng) + 0.5);
    if x > 0.0 {
        x as u64
    } else {
        0
    }
}

/// A standard normal draw by the Box-Muller transform.
fn standard_normal<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    let u1 = 1.0 - rng.random::<f64>();
    let u2: f64 = rng.random();
    libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * std::f64::consts::PI * u2)
}

/// An exponential draw with the given mean.
fn exponential<R: Rng + ?Sized>(rng: &mut R, mean: f64) -> f64 {
    -mean * libm::log(1.0 - rng.random::<f64>())
}

// ---- Messages ---------------------------------------------------------------

/// Consecutive messages sent in the same second: sequence numbers
/// `first_seq .. first_seq + count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Batch {
    /// Simulated second the messages were first sent.
    pub sent_at: u64,
    pub first_seq: u64,
    pub count: u32,
    /// Times these messages have been received (`ApproximateReceiveCount`).
    pub receive_count: u16,
    /// Every consumer fails on these messages.
    pub poison: bool,
}

impl Batch {
    /// Splits off and returns the first `n` messages (all if fewer).
    fn split_front(&mut self, n: u64) -> Batch {
        let n = (n.min(u64::from(self.count))) as u32;
        let front = Batch { count: n, ..*self };
        self.first_seq += u64::from(n);
        self.count -= n;
        front
    }
}

/// Messages received and neither deleted nor visible again yet.
#[derive(Clone, Debug, PartialEq, Serialize)]
struct InFlight {
    /// Simulated second the visibility timeout expires.
    visible_at: u64,
    batch: Batch,
    /// Set when a player received the message through `ReceiveMessage`.
    receipt_handle: Option<String>,
}

/// One message as `ReceiveMessage` returns it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceivedMessage {
    pub message_id: String,
    pub receipt_handle: String,
    pub body: String,
    pub sent_at: u64,
    pub receive_count: u16,
}

// ---- Queues -----------------------------------------------------------------

/// A dead-letter queue and when messages go to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    /// Receives after which an undeleted message moves, 1 to 1000.
    pub max_receive_count: u32,
}

impl RedrivePolicy {
    /// The policy as the `RedrivePolicy` attribute's JSON text.
    pub fn to_attribute(&self) -> String {
        json!({
            "deadLetterTargetArn": self.dead_letter_target_arn,
            "maxReceiveCount": self.max_receive_count,
        })
        .to_string()
    }

    /// The dead-letter queue's name: the ARN's last part.
    pub fn target_name(&self) -> &str {
        self.dead_letter_target_arn.rsplit(':').next().unwrap_or("")
    }
}

/// The attributes a player can set, with AWS's defaults.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QueueAttributes {
    /// Seconds a received message stays invisible; 30 by default.
    pub visibility_timeout: u64,
    /// Seconds a message is kept; 4 days by default.
    pub message_retention_period: u64,
    /// Largest message body in bytes; 256 KiB by default.
    pub maximum_message_size: u64,
    /// Long-polling wait, accepted and reported; receives return at once.
    pub receive_message_wait_time_seconds: u64,
    pub sqs_managed_sse_enabled: bool,
    pub redrive_policy: Option<RedrivePolicy>,
}

impl QueueAttributes {
    /// The value of a settable attribute as `GetQueueAttributes` shows it;
    /// `None` for other names, or for `RedrivePolicy` when there is none.
    pub fn value_of(&self, name: &str) -> Option<String> {
        Some(match name {
            "VisibilityTimeout" => self.visibility_timeout.to_string(),
            "MessageRetentionPeriod" => self.message_retention_period.to_string(),
            "MaximumMessageSize" => self.maximum_message_size.to_string(),
            "ReceiveMessageWaitTimeSeconds" => self.receive_message_wait_time_seconds.to_string(),
            "DelaySeconds" => "0".to_string(),
            "SqsManagedSseEnabled" => self.sqs_managed_sse_enabled.to_string(),
            "RedrivePolicy" => self.redrive_policy.as_ref()?.to_attribute(),
            _ => return None,
        })
    }
}

impl Default for QueueAttributes {
    fn default() -> Self {
        QueueAttributes {
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
            message_retention_period: DEFAULT_RETENTION,
            maximum_message_size: DEFAULT_MAXIMUM_MESSAGE_SIZE,
            receive_message_wait_time_seconds: 0,
            sqs_managed_sse_enabled: true,
            redrive_policy: None,
        }
    }
}

/// Running totals of a queue since it was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Messages sent, by traffic or by the player.
    pub sent: u64,
    pub received: u64,
    pub deleted: u64,
    /// Deleted unprocessed because they outlived the retention period.
    pub expired: u64,
    /// Deleted unprocessed by `PurgeQueue`.
    pub purged: u64,
    pub moved_to_dead_letter_queue: u64,
    /// Cost of the instances whose consumers poll this queue.
    pub consumer_cost_usd: f64,
    /// Emissions of the instances whose consumers poll this queue.
    pub consumer_co2e_g: f64,
}

impl Totals {
    /// Messages that left the queue without being processed: expired or
    /// purged. Messages moved to a dead-letter queue are not lost.
    pub fn lost(&self) -> u64 {
        self.expired + self.purged
    }
}

/// Counts since the last metric publication.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
struct MinuteCounts {
    sent: u64,
    received: u64,
    deleted: u64,
}

/// What objectives ask of a queue's past, kept compactly.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
struct History {
    /// The first whole minute that has a snapshot.
    start_minute: u64,
    /// Totals at the start of each minute from `start_minute` on.
    snapshots: Vec<Totals>,
    /// (minute, age): the highest `ApproximateAgeOfOldestMessage` seen from
    /// that minute on. Minutes rise and ages strictly fall along the list,
    /// so the maximum since any minute is one binary search away.
    age_peaks: Vec<(u64, u64)>,
}

impl History {
    fn starting_at(now: u64) -> Self {
        History {
            start_minute: now.div_ceil(60),
            ..History::default()
        }
    }

    fn record_age(&mut self, now: u64, age: u64) {
        let minute = now / 60;
        let age = match self.age_peaks.last() {
            Some(&(m, a)) if m == minute => a.max(age),
            _ => age,
        };
        while self
            .age_peaks
            .last()
            .is_some_and(|&(m, a)| a <= age || m == minute)
        {
            self.age_peaks.pop();
        }
        self.age_peaks.push((minute, age));
    }

    fn max_age_since(&self, since: u64) -> u64 {
        let minute = since / 60;
        let at = self.age_peaks.partition_point(|&(m, _)| m < minute);
        self.age_peaks.get(at).map_or(0, |&(_, age)| age)
    }
}

/// A run of losses or dead-letter moves, logged once when it starts and
/// once when it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
struct Episode {
    started: u64,
    last: u64,
    count: u64,
}

/// One standard queue.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Queue {
    pub name: String,
    pub url: String,
    pub arn: String,
    /// Unix seconds.
    pub created_timestamp: i64,
    /// Unix seconds of the last change of attributes.
    pub last_modified_timestamp: i64,
    pub attributes: QueueAttributes,
    /// Where generated messages come from; none for queues a player made.
    pub traffic: Option<Traffic>,
    pub totals: Totals,
    /// Visible messages, oldest first.
    visible: VecDeque<Batch>,
    visible_count: u64,
    /// In-flight messages, by the time they become visible again.
    in_flight: VecDeque<InFlight>,
    in_flight_count: u64,
    /// Send times of every in-flight entry, for retention.
    in_flight_sent: SentTimes,
    /// Send times of in-flight entries received fewer than three times,
    /// for `ApproximateAgeOfOldestMessage`.
    in_flight_aging: SentTimes,
    minute: MinuteCounts,
    history: History,
    /// Fraction of their capacity the consumers used in the last second.
    consumer_busy: f64,
    /// Capacity owed to the next second when a fraction of a message was
    /// left over.
    consume_carry: f64,
    last_purge: Option<u64>,
    losing: Option<Episode>,
    redriving: Option<Episode>,
    /// Where this queue's metrics are in CloudWatch, in the order
    /// [`Queue::publish`] puts them.
    #[serde(skip)]
    metric_hints: Cache<[SeriesHint; 6]>,
}

impl Queue {
    fn new(name: &str, region: &str, account: &str, now: u64, unix: i64) -> Self {
        Queue {
            name: name.to_string(),
            url: format!("https://sqs.{region}.amazonaws.com/{account}/{name}"),
            arn: format!("arn:aws:sqs:{region}:{account}:{name}"),
            created_timestamp: unix,
            last_modified_timestamp: unix,
            attributes: QueueAttributes::default(),
            traffic: None,
            totals: Totals::default(),
            visible: VecDeque::new(),
            visible_count: 0,
            in_flight: VecDeque::new(),
            in_flight_count: 0,
            in_flight_sent: SentTimes::default(),
            in_flight_aging: SentTimes::default(),
            minute: MinuteCounts::default(),
            history: History::starting_at(now),
            consumer_busy: 0.0,
            consume_carry: 0.0,
            last_purge: None,
            losing: None,
            redriving: None,
            metric_hints: Cache::default(),
        }
    }

    /// `ApproximateNumberOfMessages`: messages available for retrieval.
    pub fn visible_count(&self) -> u64 {
        self.visible_count
    }

    /// `ApproximateNumberOfMessagesNotVisible`: messages in flight.
    pub fn in_flight_count(&self) -> u64 {
        self.in_flight_count
    }

    /// `ApproximateAgeOfOldestMessage` at `now`: seconds since the oldest
    /// message still in the queue (visible or in flight) was sent; 0 when
    /// the queue is empty. As in SQS, messages received three times or more
    /// are left out, so that a poison message does not hide the age of the
    /// rest. Among visible messages only the oldest 64 batches are looked
    /// at; if all of them were received that often, the 64th counts.
    pub fn oldest_age(&self, now: u64) -> u64 {
        let visible = self
            .visible
            .iter()
            .take(64)
            .find(|b| b.receive_count < AGE_RECEIVE_LIMIT)
            .or_else(|| self.visible.get(63))
            .map(|b| b.sent_at);
        let in_flight = self.in_flight_aging.oldest();
        match (visible, in_flight) {
            (Some(a), Some(b)) => now.saturating_sub(a.min(b)),
            (Some(t), None) | (None, Some(t)) => now.saturating_sub(t),
            (None, None) => 0,
        }
    }

    /// The highest `ApproximateAgeOfOldestMessage` seen since simulated
    /// second `since`, rounded down to its minute; 0 if none was recorded.
    pub fn max_age_since(&self, since: u64) -> u64 {
        self.history.max_age_since(since)
    }

    /// The queue's totals as they stood at the start of the minute holding
    /// simulated second `at` (zero before the queue existed, the current
    /// totals for the running minute or later).
    pub fn totals_at(&self, at: u64) -> Totals {
        let minute = at / 60;
        if minute < self.history.start_minute {
            return Totals::default();
        }
        let index = (minute - self.history.start_minute) as usize;
        self.history
            .snapshots
            .get(index)
            .copied()
            .unwrap_or(self.totals)
    }

    /// Fraction of their capacity this queue's consumers used in the last
    /// second, 0 to 1.
    pub fn consumer_busy(&self) -> f64 {
        self.consumer_busy
    }

    /// Adds the cost and emissions of one consumer instance over one tick.
    pub fn charge_consumer(&mut self, cost_usd: f64, co2e_g: f64) {
        self.totals.consumer_cost_usd += cost_usd;
        self.totals.consumer_co2e_g += co2e_g;
    }

    fn push_sent(&mut self, now: u64, first_seq: u64, count: u64, poison: bool) {
        if count == 0 {
            return;
        }
        let count = count.min(u64::from(u32::MAX)) as u32;
        self.visible.push_back(Batch {
            sent_at: now,
            first_seq,
            count,
            receive_count: 0,
            poison,
        });
        self.visible_count += u64::from(count);
        self.totals.sent += u64::from(count);
        self.minute.sent += u64::from(count);
    }

    /// Puts messages back among the visible ones, in order of sending.
    fn insert_visible(&mut self, batch: Batch) {
        let at = self.visible.partition_point(|b| b.sent_at <= batch.sent_at);
        self.visible.insert(at, batch);
        self.visible_count += u64::from(batch.count);
    }

    fn insert_in_flight(&mut self, entry: InFlight) {
        let at = self
            .in_flight
            .partition_point(|e| e.visible_at <= entry.visible_at);
        self.in_flight_count += u64::from(entry.batch.count);
        self.in_flight_sent.add(entry.batch.sent_at);
        if entry.batch.receive_count < AGE_RECEIVE_LIMIT {
            self.in_flight_aging.add(entry.batch.sent_at);
        }
        self.in_flight.insert(at, entry);
    }

    fn forget_in_flight(&mut self, entry: &InFlight) {
        self.in_flight_count -= u64::from(entry.batch.count);
        self.in_flight_sent.remove(entry.batch.sent_at);
        if entry.batch.receive_count < AGE_RECEIVE_LIMIT {
            self.in_flight_aging.remove(entry.batch.sent_at);
        }
    }

    /// Takes up to `n` visible messages, oldest first, one batch at a time.
    fn take_front(&mut self, n: u64) -> Option<Batch> {
        let front = self.visible.front_mut()?;
        let taken = front.split_front(n);
        if front.count == 0 {
            self.visible.pop_front();
        }
        self.visible_count -= u64::from(taken.count);
        Some(taken)
    }

    /// Messages whose visibility timeout has expired: back to the queue, or
    /// out to the dead-letter queue when received too often.
    fn expire_visibility(&mut self, now: u64, moves: &mut Vec<(String, String, Batch)>) {
        while self.in_flight.front().is_some_and(|e| e.visible_at <= now) {
            let Some(entry) = self.in_flight.pop_front() else {
                break;
            };
            self.forget_in_flight(&entry);
            let batch = entry.batch;
            match &self.attributes.redrive_policy {
                Some(p) if u32::from(batch.receive_count) >= p.max_receive_count => {
                    let moved = Batch {
                        receive_count: 0,
                        ..batch
                    };
                    moves.push((p.target_name().to_string(), self.name.clone(), moved));
                }
                _ => self.insert_visible(batch),
            }
        }
    }

    /// Deletes messages older than the retention period, visible or in
    /// flight; returns how many.
    fn expire_retention(&mut self, now: u64, bodies: &mut BTreeMap<u64, String>) -> u64 {
        let Some(cutoff) = now.checked_sub(self.attributes.message_retention_period) else {
            return 0;
        };
        let mut expired = 0;
        while self.visible.front().is_some_and(|b| b.sent_at <= cutoff) {
            let Some(batch) = self.visible.pop_front() else {
                break;
            };
            self.visible_count -= u64::from(batch.count);
            forget_bodies(bodies, &batch);
            expired += u64::from(batch.count);
        }
        if self.in_flight_sent.oldest().is_some_and(|t| t <= cutoff) {
            let entries = std::mem::take(&mut self.in_flight);
            for entry in entries {
                if entry.batch.sent_at <= cutoff {
                    self.forget_in_flight(&entry);
                    forget_bodies(bodies, &entry.batch);
                    expired += u64::from(entry.batch.count);
                } else {
                    self.in_flight.push_back(entry);
                }
            }
        }
        self.totals.expired += expired;
        expired
    }

    /// Lets this queue's consumers, with `capacity` messages per second
    /// between them, take and process what they can this second.
    fn consume(&mut self, now: u64, capacity: f64, bodies: &mut BTreeMap<u64, String>) {
        self.consumer_busy = 0.0;
        if !capacity.is_finite() || capacity <= 0.0 {
            self.consume_carry = 0.0;
            return;
        }
        let per_tick = capacity * TICK_SECONDS as f64;
        let budget = per_tick + self.consume_carry;
        let can = budget.floor().min(1e15) as u64;
        let n = can.min(self.visible_count);
        self.consume_carry = if n == can { budget - n as f64 } else { 0.0 };
        self.consumer_busy = (n as f64 / per_tick).min(1.0);

        let mut left = n;
        while left > 0 {
            let Some(mut batch) = self.take_front(left) else {
                break;
            };
            left -= u64::from(batch.count);
            self.totals.received += u64::from(batch.count);
            self.minute.received += u64::from(batch.count);
            if batch.poison {
                batch.receive_count = batch.receive_count.saturating_add(1);
                let visible_at = now + self.attributes.visibility_timeout;
                self.insert_in_flight(InFlight {
                    visible_at,
                    batch,
                    receipt_handle: None,
                });
            } else {
                forget_bodies(bodies, &batch);
                self.totals.deleted += u64::from(batch.count);
                self.minute.deleted += u64::from(batch.count);
            }
        }
    }

    /// Removes every message; returns how many.
    fn purge(&mut self, bodies: &mut BTreeMap<u64, String>) -> u64 {
        let count = self.visible_count + self.in_flight_count;
        for batch in self
            .visible
            .drain(..)
            .chain(self.in_flight.drain(..).map(|e| e.batch))
        {
            forget_bodies(bodies, &batch);
        }
        self.visible_count = 0;
        self.in_flight_count = 0;
        self.in_flight_sent = SentTimes::default();
        self.in_flight_aging = SentTimes::default();
        self.totals.purged += count;
        count
    }

    /// Every attribute, in the order `GetQueueAttributes` lists them for
    /// `All`.
    fn attribute_values(&self) -> Vec<(&'static str, String)> {
        let a = &self.attributes;
        let mut out = vec![
            ("QueueArn", self.arn.clone()),
            (
                "ApproximateNumberOfMessages",
                self.visible_count.to_string(),
            ),
            (
                "ApproximateNumberOfMessagesNotVisible",
                self.in_flight_count.to_string(),
            ),
            ("ApproximateNumberOfMessagesDelayed", "0".to_string()),
            ("CreatedTimestamp", self.created_timestamp.to_string()),
            (
                "LastModifiedTimestamp",
                self.last_modified_timestamp.to_string(),
            ),
            ("VisibilityTimeout", a.visibility_timeout.to_string()),
            ("MaximumMessageSize", a.maximum_message_size.to_string()),
            (
                "MessageRetentionPeriod",
                a.message_retention_period.to_string(),
            ),
            ("DelaySeconds", "0".to_string()),
            (
                "ReceiveMessageWaitTimeSeconds",
                a.receive_message_wait_time_seconds.to_string(),
            ),
        ];
        if let Some(policy) = &a.redrive_policy {
            out.push(("RedrivePolicy", policy.to_attribute()));
        }
        out.push((
            "SqsManagedSseEnabled",
            a.sqs_managed_sse_enabled.to_string(),
        ));
        out
    }

    /// Ends a loss or redrive episode that has been quiet long enough, and
    /// logs its summary.
    fn close_episodes(&mut self, env: &mut Env) {
        let now = env.now();
        let quiet = |e: &Option<Episode>| e.is_some_and(|e| now >= e.last + EPISODE_GAP);
        if quiet(&self.losing) {
            if let Some(e) = self.losing.take() {
                env.events.push(
                    now,
                    "SQS",
                    format!(
                        "Queue {}: {} messages expired unprocessed over {} (retention period {})",
                        self.name,
                        e.count,
                        format_duration(e.last + 1 - e.started),
                        format_duration(self.attributes.message_retention_period)
                    ),
                );
            }
        }
        if quiet(&self.redriving) {
            if let Some(e) = self.redriving.take() {
                let target = self.dead_letter_name().unwrap_or("its dead-letter queue");
                env.events.push(
                    now,
                    "SQS",
                    format!(
                        "Queue {}: {} messages moved to {target} over {}",
                        self.name,
                        e.count,
                        format_duration(e.last + 1 - e.started)
                    ),
                );
            }
        }
    }

    fn note_losses(&mut self, env: &mut Env, count: u64) {
        let now = env.now();
        match &mut self.losing {
            Some(e) => {
                e.last = now;
                e.count += count;
            }
            None => {
                self.losing = Some(Episode {
                    started: now,
                    last: now,
                    count,
                });
                env.events.push(
                    now,
                    "SQS",
                    format!(
                        "Queue {}: messages older than the retention period ({}) are being \
                         deleted unprocessed",
                        self.name,
                        format_duration(self.attributes.message_retention_period)
                    ),
                );
            }
        }
    }

    fn note_redrive(&mut self, env: &mut Env, count: u64, target: &str) {
        let now = env.now();
        self.totals.moved_to_dead_letter_queue += count;
        match &mut self.redriving {
            Some(e) => {
                e.last = now;
                e.count += count;
            }
            None => {
                self.redriving = Some(Episode {
                    started: now,
                    last: now,
                    count,
                });
                let max = self
                    .attributes
                    .redrive_policy
                    .as_ref()
                    .map_or(0, |p| p.max_receive_count);
                env.events.push(
                    now,
                    "SQS",
                    format!(
                        "Queue {}: messages received {max} times without being deleted are \
                         moving to the dead-letter queue {target}",
                        self.name
                    ),
                );
            }
        }
    }

    fn dead_letter_name(&self) -> Option<&str> {
        self.attributes
            .redrive_policy
            .as_ref()
            .map(RedrivePolicy::target_name)
    }

    fn publish(&mut self, env: &mut Env) {
        let now = env.now();
        let age = self.oldest_age(now);
        self.history.record_age(now, age);
        if now % 60 != 59 {
            return;
        }
        let dims = [("QueueName", self.name.as_str())];
        let counts = [
            (
                "ApproximateNumberOfMessagesVisible",
                "Count",
                self.visible_count as f64,
            ),
            (
                "ApproximateNumberOfMessagesNotVisible",
                "Count",
                self.in_flight_count as f64,
            ),
            ("ApproximateAgeOfOldestMessage", "Seconds", age as f64),
            ("NumberOfMessagesSent", "Count", self.minute.sent as f64),
            (
                "NumberOfMessagesReceived",
                "Count",
                self.minute.received as f64,
            ),
            (
                "NumberOfMessagesDeleted",
                "Count",
                self.minute.deleted as f64,
            ),
        ];
        for ((name, unit, value), hint) in counts.into_iter().zip(&mut self.metric_hints.0) {
            env.metrics.put_hinted(hint, "AWS/SQS", name, &dims, unit, now, value);
        }
        self.minute = MinuteCounts::default();
    }

    fn snapshot(&mut self, now: u64) {
        let minute = now / 60;
        let h = &mut self.history;
        while h.start_minute + (h.snapshots.len() as u64) <= minute {
            h.snapshots.push(self.totals);
        }
    }
}

/// A multiset of send times: how many entries were sent at each second,
/// so that the oldest is found without a scan.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
struct SentTimes(BTreeMap<u64, u32>);

impl SentTimes {
    fn add(&mut self, sent_at: u64) {
        *self.0.entry(sent_at).or_insert(0) += 1;
    }

    fn remove(&mut self, sent_at: u64) {
        if let Some(n) = self.0.get_mut(&sent_at) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.0.remove(&sent_at);
            }
        }
    }

    fn oldest(&self) -> Option<u64> {
        self.0.keys().next().copied()
    }
}

/// Drops the stored bodies of a batch's messages, if a player sent any.
fn forget_bodies(bodies: &mut BTreeMap<u64, String>, batch: &Batch) {
    if bodies.is_empty() {
        return;
    }
    let end = batch.first_seq + u64::from(batch.count);
    let seqs: Vec<u64> = bodies
        .range(batch.first_seq..end)
        .map(|(s, _)| *s)
        .collect();
    for seq in seqs {
        bodies.remove(&seq);
    }
}

// ---- The service ------------------------------------------------------------

/// The SQS service of one region.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Sqs {
    account_id: String,
    queues: BTreeMap<String, Queue>,
    /// Sequence number of the next message sent to any queue.
    next_seq: u64,
    /// Bodies of messages a player sent, by sequence number.
    bodies: BTreeMap<u64, String>,
}

impl Sqs {
    /// A region with no queues.
    pub fn new(account_id: &str) -> Self {
        Sqs {
            account_id: account_id.to_string(),
            ..Sqs::default()
        }
    }

    /// Whether there are no queues (and so no messages).
    pub fn is_empty(&self) -> bool {
        self.queues.is_empty()
    }

    /// Every queue, by name.
    pub fn queues(&self) -> impl Iterator<Item = &Queue> {
        self.queues.values()
    }

    /// A queue by name.
    pub fn queue(&self, name: &str) -> Option<&Queue> {
        self.queues.get(name)
    }

    /// A queue by name, to change.
    pub fn queue_mut(&mut self, name: &str) -> Option<&mut Queue> {
        self.queues.get_mut(name)
    }

    /// Creates a queue as a quest's starting world describes it, with its
    /// attributes and traffic. Fails like `CreateQueue` for a bad name, or
    /// if the queue exists.
    pub fn add_queue(
        &mut self,
        env: &mut Env,
        name: &str,
        attributes: QueueAttributes,
        traffic: Option<TrafficProfile>,
    ) -> Result<&Queue, AwsError> {
        check_queue_name(name)?;
        if self.queues.contains_key(name) {
            return Err(AwsError::new(
                "QueueAlreadyExists",
                format!("A queue named {name} already exists"),
            ));
        }
        let mut queue = Queue::new(
            name,
            &env.region,
            &self.account_id,
            env.now(),
            env.unix_now(),
        );
        queue.attributes = attributes;
        queue.traffic = traffic.map(|p| Traffic::new(p, env.now(), env.rng.random()));
        Ok(self.queues.entry(name.to_string()).or_insert(queue))
    }

    /// The ARN a queue named `name` has (or would have) in this region.
    pub fn arn_for(&self, region: &str, name: &str) -> String {
        format!("arn:aws:sqs:{region}:{}:{name}", self.account_id)
    }

    // ---- Each tick ----------------------------------------------------------

    /// First step of a tick: messages arrive, visibility timeouts expire
    /// (moving messages to dead-letter queues where due), and messages past
    /// the retention period are deleted and counted as lost.
    pub fn step_queues(&mut self, env: &mut Env) {
        let now = env.now();
        let unix = env.unix_now();
        let mut moves = Vec::new();
        for queue in self.queues.values_mut() {
            if now.is_multiple_of(60) {
                queue.snapshot(now);
            }
            queue.close_episodes(env);
            if let Some(traffic) = &mut queue.traffic {
                let (normal, poison) = traffic.arrivals(now, unix);
                queue.push_sent(now, self.next_seq, normal, false);
                self.next_seq += normal;
                queue.push_sent(now, self.next_seq, poison, true);
                self.next_seq += poison;
            }
            queue.expire_visibility(now, &mut moves);
            let expired = queue.expire_retention(now, &mut self.bodies);
            if expired > 0 {
                queue.note_losses(env, expired);
            }
        }
        for (target, source, batch) in moves {
            let count = u64::from(batch.count);
            match self.queues.get_mut(&target) {
                Some(dlq) => {
                    dlq.insert_visible(batch);
                    if let Some(q) = self.queues.get_mut(&source) {
                        q.note_redrive(env, count, &target);
                    }
                }
                None => {
                    // The dead-letter queue is gone: the messages stay.
                    if let Some(q) = self.queues.get_mut(&source) {
                        q.insert_visible(batch);
                    }
                }
            }
        }
    }

    /// Lets consumers work: `capacity(queue)` is the messages per second
    /// that the running consumers of `queue` can process between them.
    pub fn consume(&mut self, now: u64, mut capacity: impl FnMut(&str) -> f64) {
        for queue in self.queues.values_mut() {
            let c = capacity(&queue.name);
            queue.consume(now, c, &mut self.bodies);
        }
    }

    /// Last step of a tick: tracks the age of the oldest message, and at
    /// the end of each minute publishes the queues' CloudWatch metrics.
    pub fn publish(&mut self, env: &mut Env) {
        for queue in self.queues.values_mut() {
            queue.publish(env);
        }
    }

    // ---- API operations -----------------------------------------------------

    /// `ListQueues`: URLs of queues whose names start with `prefix`, by
    /// name, at most `max_results` (1 to 1000) if given.
    pub fn list_queues(
        &self,
        prefix: &str,
        max_results: Option<i64>,
    ) -> Result<Vec<&str>, AwsError> {
        let limit = match max_results {
            None => usize::MAX,
            Some(n @ 1..=1000) => n as usize,
            Some(n) => {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "Value {n} for parameter MaxResults is invalid. Reason: MaxResults must \
                         be an integer between 1 and 1000."
                    ),
                ))
            }
        };
        Ok(self
            .queues
            .values()
            .filter(|q| q.name.starts_with(prefix))
            .take(limit)
            .map(|q| q.url.as_str())
            .collect())
    }

    /// `GetQueueUrl`.
    pub fn get_queue_url(&self, name: &str) -> Result<&str, AwsError> {
        self.queues
            .get(name)
            .map(|q| q.url.as_str())
            .ok_or_else(non_existent_queue)
    }

    /// The queue a `QueueUrl` names. Fails with `InvalidAddress` for
    /// something that is not a queue URL, and with
    /// `AWS.SimpleQueueService.NonExistentQueue` for an unknown queue.
    pub fn queue_by_url(&self, url: &str, region: &str) -> Result<&Queue, AwsError> {
        let name = self.name_in_url(url, region)?;
        self.queues.get(name).ok_or_else(non_existent_queue)
    }

    fn name_in_url<'a>(&self, url: &'a str, region: &str) -> Result<&'a str, AwsError> {
        let invalid = || {
            AwsError::new(
                "InvalidAddress",
                format!("The address {url} is not valid for this endpoint."),
            )
        };
        let rest = url
            .strip_prefix("https://")
            .or_else(|| url.strip_prefix("http://"));
        let (host, path) = rest.and_then(|r| r.split_once('/')).ok_or_else(invalid)?;
        if !host.ends_with(".amazonaws.com") {
            return Err(invalid());
        }
        let mut parts = path.trim_end_matches('/').split('/');
        let (Some(account), Some(name), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(invalid());
        };
        let other_region = host
            .split('.')
            .any(|part| part.contains('-') && part != region);
        if account != self.account_id || other_region {
            return Err(non_existent_queue());
        }
        Ok(name)
    }

    /// `CreateQueue`: makes a queue with `attributes` (AWS's names and
    /// string values), or returns the URL of the queue of that name if its
    /// attributes agree. Fails with `QueueAlreadyExists` if they differ.
    pub fn create_queue(
        &mut self,
        env: &mut Env,
        name: &str,
        attributes: &[(String, String)],
    ) -> Result<String, AwsError> {
        check_queue_name(name)?;
        let mut wanted = QueueAttributes::default();
        self.apply_attributes(&mut wanted, &env.region, attributes)?;
        if let Some(existing) = self.queues.get(name) {
            let differs = |key: &String| existing.attributes.value_of(key) != wanted.value_of(key);
            if let Some((key, _)) = attributes.iter().find(|(key, _)| differs(key)) {
                return Err(AwsError::new(
                    "QueueAlreadyExists",
                    format!(
                        "A queue already exists with the same name and a different value for \
                         attribute {key}"
                    ),
                ));
            }
            return Ok(existing.url.clone());
        }
        let queue = self.add_queue(env, name, wanted, None)?;
        let url = queue.url.clone();
        env.events
            .push(env.clock.now(), "SQS", format!("Queue {name} created"));
        Ok(url)
    }

    /// `GetQueueAttributes`: the named attributes (or every one for `All`)
    /// as strings, in AWS's order. No names, no attributes.
    pub fn get_queue_attributes(
        &self,
        env: &Env,
        url: &str,
        names: &[String],
    ) -> Result<Vec<(&'static str, String)>, AwsError> {
        let queue = self.queue_by_url(url, &env.region)?;
        let all = queue.attribute_values();
        if let Some(bad) = names
            .iter()
            .find(|n| *n != "All" && !ATTRIBUTE_NAMES.contains(&n.as_str()))
        {
            return Err(AwsError::new(
                "InvalidAttributeName",
                format!("Unknown Attribute {bad}."),
            ));
        }
        let every = names.iter().any(|n| n == "All");
        Ok(all
            .into_iter()
            .filter(|(k, _)| every || names.iter().any(|n| n == k))
            .collect())
    }

    /// `SetQueueAttributes`: checks every attribute, then applies them all
    /// or none.
    pub fn set_queue_attributes(
        &mut self,
        env: &mut Env,
        url: &str,
        attributes: &[(String, String)],
    ) -> Result<(), AwsError> {
        let name = self.queue_by_url(url, &env.region)?.name.clone();
        let mut changed = self
            .queues
            .get(&name)
            .map(|q| q.attributes.clone())
            .unwrap_or_default();
        self.apply_attributes(&mut changed, &env.region, attributes)?;
        if let Some(queue) = self.queues.get_mut(&name) {
            if queue.attributes != changed {
                queue.attributes = changed;
                queue.last_modified_timestamp = env.unix_now();
                let keys: Vec<&str> = attributes.iter().map(|(k, _)| k.as_str()).collect();
                env.events.push(
                    env.clock.now(),
                    "SQS",
                    format!("Queue {name}: {} changed", keys.join(", ")),
                );
            }
        }
        Ok(())
    }

    /// `SendMessage`: returns the `MessageId` and the body's MD5.
    pub fn send_message(
        &mut self,
        env: &mut Env,
        url: &str,
        body: &str,
        delay: Option<i64>,
    ) -> Result<(String, String), AwsError> {
        let name = self.queue_by_url(url, &env.region)?.name.clone();
        match delay {
            None | Some(0) => {}
            Some(d @ 1..=900) => {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "Value {d} for parameter DelaySeconds is invalid. Reason: this \
                         simulator models DelaySeconds 0 only."
                    ),
                ))
            }
            Some(d) => {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "Value {d} for parameter DelaySeconds is invalid. Reason: DelaySeconds \
                         must be >= 0 and <= 900."
                    ),
                ))
            }
        }
        check_body(body)?;
        let Some(queue) = self.queues.get_mut(&name) else {
            return Err(non_existent_queue());
        };
        if body.len() as u64 > queue.attributes.maximum_message_size {
            return Err(AwsError::new(
                "InvalidParameterValue",
                format!(
                    "One or more parameters are invalid. Reason: Message must be shorter than {} \
                     bytes.",
                    queue.attributes.maximum_message_size
                ),
            ));
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        queue.push_sent(env.now(), seq, 1, false);
        self.bodies.insert(seq, body.to_string());
        Ok((message_id(seq), md5_hex(body)))
    }

    /// `ReceiveMessage`: up to `max` (1 to 10) visible messages, oldest
    /// first, each now in flight for `visibility_timeout` seconds (the
    /// queue's own by default) with a new receipt handle.
    pub fn receive_message(
        &mut self,
        env: &mut Env,
        url: &str,
        max: Option<i64>,
        visibility_timeout: Option<i64>,
    ) -> Result<Vec<ReceivedMessage>, AwsError> {
        let name = self.queue_by_url(url, &env.region)?.name.clone();
        let max = match max {
            None => 1,
            Some(n @ 1..=10) => n as u64,
            Some(n) => {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "Value {n} for parameter MaxNumberOfMessages is invalid. Reason: Must be \
                         between 1 and 10, if provided."
                    ),
                ))
            }
        };
        let timeout = match visibility_timeout {
            None => None,
            Some(t @ 0..=43_200) => Some(t as u64),
            Some(t) => {
                return Err(AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "Value {t} for parameter VisibilityTimeout is invalid. Reason: Must be \
                         >= 0 and <= {MAX_VISIBILITY_TIMEOUT}, if provided."
                    ),
                ))
            }
        };
        let Some(queue) = self.queues.get_mut(&name) else {
            return Err(non_existent_queue());
        };
        let now = env.now();
        let timeout = timeout.unwrap_or(queue.attributes.visibility_timeout);
        let mut out = Vec::new();
        while (out.len() as u64) < max.min(MAX_MESSAGES_PER_RECEIVE) {
            let Some(mut batch) = queue.take_front(1) else {
                break;
            };
            batch.receive_count = batch.receive_count.saturating_add(1);
            let handle = receipt_handle(&mut env.rng);
            let body = match self.bodies.get(&batch.first_seq) {
                Some(body) => body.clone(),
                None => generated_body(
                    batch.first_seq,
                    env.start_unix + batch.sent_at as i64,
                    batch.poison,
                ),
            };
            out.push(ReceivedMessage {
                message_id: message_id(batch.first_seq),
                receipt_handle: handle.clone(),
                body,
                sent_at: batch.sent_at,
                receive_count: batch.receive_count,
            });
            queue.totals.received += 1;
            queue.minute.received += 1;
            queue.insert_in_flight(InFlight {
                visible_at: now + timeout,
                batch,
                receipt_handle: Some(handle),
            });
        }
        Ok(out)
    }

    /// `DeleteMessage`: deletes the in-flight message that `receipt_handle`
    /// was issued for. A well-formed handle that is no longer current (the
    /// message was deleted, or received again since) succeeds without
    /// deleting anything, as in SQS.
    pub fn delete_message(
        &mut self,
        env: &mut Env,
        url: &str,
        receipt_handle: &str,
    ) -> Result<(), AwsError> {
        let name = self.queue_by_url(url, &env.region)?.name.clone();
        if !is_receipt_handle(receipt_handle) {
            return Err(AwsError::new(
                "ReceiptHandleIsInvalid",
                format!(
                    "The input receipt handle \"{receipt_handle}\" is not a valid receipt handle."
                ),
            ));
        }
        let Some(queue) = self.queues.get_mut(&name) else {
            return Err(non_existent_queue());
        };
        let found = queue
            .in_flight
            .iter()
            .position(|e| e.receipt_handle.as_deref() == Some(receipt_handle));
        if let Some(entry) = found.and_then(|at| queue.in_flight.remove(at)) {
            queue.forget_in_flight(&entry);
            forget_bodies(&mut self.bodies, &entry.batch);
            queue.totals.deleted += u64::from(entry.batch.count);
            queue.minute.deleted += u64::from(entry.batch.count);
        }
        Ok(())
    }

    /// `PurgeQueue`: deletes every message at once. Fails with
    /// `AWS.SimpleQueueService.PurgeQueueInProgress` within 60 seconds of
    /// the last purge.
    pub fn purge_queue(&mut self, env: &mut Env, url: &str) -> Result<(), AwsError> {
        let name = self.queue_by_url(url, &env.region)?.name.clone();
        let now = env.now();
        let Some(queue) = self.queues.get_mut(&name) else {
            return Err(non_existent_queue());
        };
        if queue.last_purge.is_some_and(|t| now < t + PURGE_INTERVAL) {
            return Err(AwsError::new(
                "AWS.SimpleQueueService.PurgeQueueInProgress",
                format!("Only one PurgeQueue operation on {name} is allowed every 60 seconds."),
            ));
        }
        queue.last_purge = Some(now);
        let count = queue.purge(&mut self.bodies);
        env.events.push(
            now,
            "SQS",
            format!("Queue {name} purged: {count} messages deleted unprocessed"),
        );
        Ok(())
    }

    /// Checks attribute names and values as `SetQueueAttributes` does and
    /// writes them into `attributes`.
    fn apply_attributes(
        &self,
        attributes: &mut QueueAttributes,
        region: &str,
        given: &[(String, String)],
    ) -> Result<(), AwsError> {
        for (key, value) in given {
            let number = |lo: u64, hi: u64| {
                value
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (lo..=hi).contains(n))
                    .ok_or_else(|| {
                        AwsError::new(
                            "InvalidAttributeValue",
                            format!("Invalid value for the parameter {key}."),
                        )
                    })
            };
            match key.as_str() {
                "VisibilityTimeout" => {
                    attributes.visibility_timeout = number(0, MAX_VISIBILITY_TIMEOUT)?
                }
                "MessageRetentionPeriod" => {
                    attributes.message_retention_period = number(MIN_RETENTION, MAX_RETENTION)?
                }
                "MaximumMessageSize" => {
                    attributes.maximum_message_size = number(1024, DEFAULT_MAXIMUM_MESSAGE_SIZE)?
                }
                "ReceiveMessageWaitTimeSeconds" => {
                    attributes.receive_message_wait_time_seconds = number(0, 20)?
                }
                "DelaySeconds" => {
                    if number(0, 900)? != 0 {
                        return Err(AwsError::new(
                            "InvalidAttributeValue",
                            "Invalid value for the parameter DelaySeconds. This simulator models \
                             DelaySeconds 0 only.",
                        ));
                    }
                }
                "SqsManagedSseEnabled" => {
                    attributes.sqs_managed_sse_enabled = match value.as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            return Err(AwsError::new(
                                "InvalidAttributeValue",
                                format!("Invalid value for the parameter {key}."),
                            ))
                        }
                    }
                }
                "RedrivePolicy" => attributes.redrive_policy = self.parse_redrive(value, region)?,
                "FifoQueue" if value == "false" => {}
                "FifoQueue" => {
                    return Err(AwsError::new(
                        "InvalidAttributeName",
                        "Unknown Attribute FifoQueue. This simulator models standard queues \
                         only.",
                    ))
                }
                _ => {
                    return Err(AwsError::new(
                        "InvalidAttributeName",
                        format!("Unknown Attribute {key}."),
                    ))
                }
            }
        }
        Ok(())
    }

    fn parse_redrive(&self, text: &str, region: &str) -> Result<Option<RedrivePolicy>, AwsError> {
        if text.trim().is_empty() {
            return Ok(None);
        }
        let invalid = |reason: &str| {
            AwsError::new(
                "InvalidParameterValue",
                format!("Value {text} for parameter RedrivePolicy is invalid. Reason: {reason}"),
            )
        };
        let value: Value = serde_json::from_str(text)
            .map_err(|_| invalid("Redrive policy is not a valid JSON map."))?;
        let Value::Object(map) = value else {
            return Err(invalid("Redrive policy is not a valid JSON map."));
        };
        let arn = match map.get("deadLetterTargetArn") {
            Some(Value::String(arn)) => arn.clone(),
            _ => {
                return Err(invalid(
                    "Redrive policy does not contain mandatory attribute: deadLetterTargetArn.",
                ))
            }
        };
        let count = match map.get("maxReceiveCount") {
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) => s.trim().parse::<i64>().ok(),
            None => {
                return Err(invalid(
                    "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
                ))
            }
            Some(_) => None,
        };
        let count = match count {
            Some(n @ 1..=1000) => n as u32,
            _ => {
                let shown = map
                    .get("maxReceiveCount")
                    .map(|v| v.to_string())
                    .unwrap_or_default();
                return Err(invalid(&format!(
                    "Invalid value for maxReceiveCount: {shown}, valid values are from 1 to \
                     {MAX_RECEIVE_COUNT} both inclusive."
                )));
            }
        };
        let target = arn.rsplit(':').next().unwrap_or("");
        if arn != self.arn_for(region, target) || !self.queues.contains_key(target) {
            return Err(invalid("Dead letter target does not exist."));
        }
        Ok(Some(RedrivePolicy {
            dead_letter_target_arn: arn,
            max_receive_count: count,
        }))
    }
}

/// Attribute names `GetQueueAttributes` knows, besides `All`.
pub const ATTRIBUTE_NAMES: &[&str] = &[
    "QueueArn",
    "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed",
    "CreatedTimestamp",
    "LastModifiedTimestamp",
    "VisibilityTimeout",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "DelaySeconds",
    "ReceiveMessageWaitTimeSeconds",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "Policy",
    "KmsMasterKeyId",
    "KmsDataKeyReusePeriodSeconds",
    "RedriveAllowPolicy",
    "FifoQueue",
    "ContentBasedDeduplication",
];

/// Message system attributes `ReceiveMessage` can return.
pub const MESSAGE_SYSTEM_ATTRIBUTES: &[&str] =
    &["SenderId", "SentTimestamp", "ApproximateReceiveCount"];

fn non_existent_queue() -> AwsError {
    AwsError::new(
        "AWS.SimpleQueueService.NonExistentQueue",
        "The specified queue does not exist.",
    )
}

/// Whether `name` is a valid standard queue name: 1 to 80 letters, digits,
/// hyphens and underscores.
pub fn is_queue_name(name: &str) -> bool {
    (1..=80).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn check_queue_name(name: &str) -> Result<(), AwsError> {
    if is_queue_name(name) {
        return Ok(());
    }
    let message = if name.ends_with(".fifo") {
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or \
         underscores, must end with .fifo suffix. This simulator models standard queues only."
    } else {
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    };
    Err(AwsError::new("InvalidParameterValue", message))
}

/// Fails like `SendMessage` for an empty body or characters SQS refuses.
fn check_body(body: &str) -> Result<(), AwsError> {
    if body.is_empty() {
        return Err(AwsError::new(
            "MissingParameter",
            "The request must contain the parameter MessageBody.",
        ));
    }
    let allowed = |c: char| {
        matches!(c, '\t' | '\n' | '\r')
            || ('\u{20}'..='\u{D7FF}').contains(&c)
            || ('\u{E000}'..='\u{FFFD}').contains(&c)
            || c >= '\u{10000}'
    };
    match body.chars().find(|&c| !allowed(c)) {
        None => Ok(()),
        Some(c) => Err(AwsError::new(
            "InvalidMessageContents",
            format!(
                "Invalid binary character '#x{:X}' was found in the message body, the set of \
                 allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | \
                 #x10000 to #x10FFFF",
                u32::from(c)
            ),
        )),
    }
}

/// The `MessageId` of message `seq`: a UUID derived from the number, so
/// that a message keeps its id in a dead-letter queue.
pub fn message_id(seq: u64) -> String {
    let bytes = seq.to_le_bytes();
    let hi = fnv1a(&[b"sqs-message-id".as_slice(), &bytes].concat());
    let lo = fnv1a(&[bytes.as_slice(), b"sqs-message-id"].concat());
    format!(
        "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        0x8000 | (lo >> 48) & 0x3fff,
        lo & 0xffff_ffff_ffff
    )
}

/// The body of a generated message: a small order event; poison messages
/// carry an amount no consumer can parse.
fn generated_body(seq: u64, sent_unix: i64, poison: bool) -> String {
    let amount = if poison {
        "\"NaN\"".to_string()
    } else {
        format!("{}.{:02}", 5 + seq % 195, seq % 100)
    };
    format!(
        "{{\"orderId\":\"o-{seq:09}\",\"placedAt\":\"{}\",\"amount\":{amount}}}",
        format_iso8601(sent_unix).replace("+00:00", "Z")
    )
}

/// The hex MD5 of a body, as `MD5OfBody` and `MD5OfMessageBody` show it.
pub fn md5_hex(body: &str) -> String {
    Md5::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A new receipt handle: `AQEB` and 120 base64 characters from the
/// world's generator.
fn receipt_handle<R: Rng + ?Sized>(rng: &mut R) -> String {
    let mut handle = String::from("AQEB");
    handle.extend((0..RECEIPT_HANDLE_BODY).map(|_| BASE64[rng.random_range(0..64usize)] as char));
    handle
}

/// Whether `handle` has the shape of a receipt handle this queue issues.
fn is_receipt_handle(handle: &str) -> bool {
    handle.len() == 4 + RECEIPT_HANDLE_BODY
        && handle.starts_with("AQEB")
        && handle.bytes().all(|b| BASE64.contains(&b))
}

/// AWS's JSON for `ReceiveMessage`. `attributes` are the message system
/// attribute names asked for (`All` for every one).
pub fn received_json(
    messages: &[ReceivedMessage],
    attributes: &[String],
    start_unix: i64,
) -> Value {
    if messages.is_empty() {
        return json!({});
    }
    let every = attributes.iter().any(|a| a == "All");
    let list: Vec<Value> = messages
        .iter()
        .map(|m| {
            let mut out = Map::new();
            out.insert("MessageId".into(), json!(m.message_id));
            out.insert("ReceiptHandle".into(), json!(m.receipt_handle));
            out.insert("MD5OfBody".into(), json!(md5_hex(&m.body)));
            out.insert("Body".into(), json!(m.body));
            let mut attrs = Map::new();
            for name in MESSAGE_SYSTEM_ATTRIBUTES {
                if !every && !attributes.iter().any(|a| a == name) {
                    continue;
                }
                let value = match *name {
                    "SenderId" => SENDER_ID.to_string(),
                    "SentTimestamp" => ((start_unix + m.sent_at as i64) * 1000).to_string(),
                    _ => m.receive_count.to_string(),
                };
                attrs.insert((*name).into(), json!(value));
            }
            if !attrs.is_empty() {
                out.insert("Attributes".into(), Value::Object(attrs));
            }
            Value::Object(out)
        })
        .collect();
    json!({ "Messages": list })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::World;

    const START: i64 = 1_772_409_600; // 2026-03-02T00:00:00Z

    fn world() -> World {
        World::new(7, "us-east-1", START)
    }

    fn url(name: &str) -> String {
        format!("https://sqs.us-east-1.amazonaws.com/123456789012/{name}")
    }

    fn tick(w: &mut World, seconds: u64) {
        for _ in 0..seconds {
            w.tick();
        }
    }

    fn send(w: &mut World, name: &str, n: usize) {
        for i in 0..n {
            w.sqs
                .send_message(&mut w.env, &url(name), &format!("m{i}"), None)
                .unwrap();
        }
    }

    fn attrs(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn queue_urls_and_arns_follow_aws() {
        let mut w = world();
        let url = w.sqs.create_queue(&mut w.env, "orders", &[]).unwrap();
        assert_eq!(
            url,
            "https://sqs.us-east-1.amazonaws.com/123456789012/orders"
        );
        assert_eq!(
            w.sqs.queue("orders").unwrap().arn,
            "arn:aws:sqs:us-east-1:123456789012:orders"
        );
        assert_eq!(
            w.sqs.create_queue(&mut w.env, "orders", &[]).unwrap(),
            url,
            "idempotent"
        );
        w.sqs.create_queue(&mut w.env, "dlq", &[]).unwrap();
        let arn = "arn:aws:sqs:us-east-1:123456789012:dlq";
        let policy = format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":3}}"#);
        let with_dlq = attrs(&[
            ("RedrivePolicy", policy.as_str()),
            ("VisibilityTimeout", "30"),
        ]);
        let err = w
            .sqs
            .create_queue(&mut w.env, "orders", &with_dlq)
            .unwrap_err();
        assert_eq!(err.code, "QueueAlreadyExists");
        assert!(
            err.message.ends_with("attribute RedrivePolicy"),
            "{}",
            err.message
        );
        let err = w
            .sqs
            .create_queue(&mut w.env, "orders", &attrs(&[("VisibilityTimeout", "5")]));
        assert_eq!(err.unwrap_err().code, "QueueAlreadyExists");
        assert_eq!(
            w.sqs
                .create_queue(&mut w.env, "bad name", &[])
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        let err = w
            .sqs
            .queue_by_url(&url.replace("orders", "nope"), "us-east-1")
            .unwrap_err();
        assert_eq!(err.code, "AWS.SimpleQueueService.NonExistentQueue");
        assert_eq!(err.message, "The specified queue does not exist.");
        assert_eq!(
            w.sqs.queue_by_url("orders", "us-east-1").unwrap_err().code,
            "InvalidAddress"
        );
    }

    #[test]
    fn visibility_timeout_returns_unreceived_messages() {
        let mut w = world();
        w.sqs
            .create_queue(&mut w.env, "jobs", &attrs(&[("VisibilityTimeout", "10")]))
            .unwrap();
        send(&mut w, "jobs", 3);
        let got = w
            .sqs
            .receive_message(&mut w.env, &url("jobs"), Some(10), None)
            .unwrap();
        assert_eq!(got.len(), 3);
        let q = w.sqs.queue("jobs").unwrap();
        assert_eq!((q.visible_count(), q.in_flight_count()), (0, 3));

        w.sqs
            .delete_message(&mut w.env, &url("jobs"), &got[0].receipt_handle)
            .unwrap();
        tick(&mut w, 10);
        let q = w.sqs.queue("jobs").unwrap();
        assert_eq!(
            (q.visible_count(), q.in_flight_count()),
            (0, 2),
            "not yet: 10 s not passed"
        );
        tick(&mut w, 1);
        let q = w.sqs.queue("jobs").unwrap();
        assert_eq!((q.visible_count(), q.in_flight_count()), (2, 0));
        assert_eq!(q.totals.deleted, 1);

        let again = w
            .sqs
            .receive_message(&mut w.env, &url("jobs"), Some(10), None)
            .unwrap();
        assert_eq!(again.len(), 2);
        assert_eq!(again[0].receive_count, 2);
        assert_eq!(
            again[0].message_id, got[1].message_id,
            "same message, same id"
        );
        assert_eq!(again[0].body, "m1");
        assert_ne!(
            again[0].receipt_handle, got[1].receipt_handle,
            "a new handle each receive"
        );

        // The old handle is stale: deleting with it succeeds but deletes nothing.
        w.sqs
            .delete_message(&mut w.env, &url("jobs"), &got[1].receipt_handle)
            .unwrap();
        assert_eq!(w.sqs.queue("jobs").unwrap().in_flight_count(), 2);
        let err = w
            .sqs
            .delete_message(&mut w.env, &url("jobs"), "garbage")
            .unwrap_err();
        assert_eq!(err.code, "ReceiptHandleIsInvalid");
    }

    #[test]
    fn retention_deletes_old_messages_and_counts_them_lost() {
        let mut w = world();
        w.sqs
            .create_queue(
                &mut w.env,
                "slow",
                &attrs(&[("MessageRetentionPeriod", "60")]),
            )
            .unwrap();
        send(&mut w, "slow", 5);
        tick(&mut w, 30);
        let held = w
            .sqs
            .receive_message(&mut w.env, &url("slow"), Some(2), Some(600))
            .unwrap();
        assert_eq!(held.len(), 2);
        send(&mut w, "slow", 1);
        tick(&mut w, 30);
        assert_eq!(
            w.sqs.queue("slow").unwrap().totals.expired,
            0,
            "60 s not yet over"
        );
        tick(&mut w, 1);
        let q = w.sqs.queue("slow").unwrap();
        assert_eq!(
            q.totals.expired, 5,
            "visible and in-flight messages both expire"
        );
        assert_eq!(q.totals.lost(), 5);
        assert_eq!((q.visible_count(), q.in_flight_count()), (1, 0));
        assert!(q.max_age_since(0) >= 59);
        let events: Vec<&str> = w
            .env
            .events
            .all()
            .iter()
            .map(|e| e.message.as_str())
            .collect();
        assert!(
            events.iter().any(|e| e.contains("retention period")),
            "{events:?}"
        );
        tick(&mut w, 120);
        let q = w.sqs.queue("slow").unwrap();
        assert_eq!(q.totals.expired, 6);
        let summaries = w
            .env
            .events
            .all()
            .iter()
            .filter(|e| e.message.contains("expired unprocessed"));
        assert_eq!(
            summaries.count(),
            1,
            "one summary per episode, not one per tick"
        );
    }

    #[test]
    fn dead_letter_queue_takes_messages_after_max_receive_count() {
        let mut w = world();
        w.sqs.create_queue(&mut w.env, "orders-dlq", &[]).unwrap();
        let arn = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";
        let policy = format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"2"}}"#);
        let a = attrs(&[
            ("VisibilityTimeout", "5"),
            ("RedrivePolicy", policy.as_str()),
        ]);
        w.sqs.create_queue(&mut w.env, "orders", &a).unwrap();
        send(&mut w, "orders", 1);
        for round in 1..=2 {
            let got = w
                .sqs
                .receive_message(&mut w.env, &url("orders"), Some(1), None)
                .unwrap();
            assert_eq!(got.len(), 1, "round {round}");
            assert_eq!(got[0].receive_count, round);
            tick(&mut w, 6);
        }
        let q = w.sqs.queue("orders").unwrap();
        assert_eq!((q.visible_count(), q.in_flight_count()), (0, 0));
        assert_eq!(q.totals.moved_to_dead_letter_queue, 1);
        assert_eq!(q.totals.lost(), 0);
        let dlq = w.sqs.queue("orders-dlq").unwrap();
        assert_eq!(dlq.visible_count(), 1);
        let got = w
            .sqs
            .receive_message(&mut w.env, &url("orders-dlq"), None, None)
            .unwrap();
        assert_eq!(got[0].body, "m0");
        let attrs = w
            .sqs
            .get_queue_attributes(&w.env, &url("orders"), &["RedrivePolicy".into()])
            .unwrap();
        assert_eq!(
            attrs,
            vec![(
                "RedrivePolicy",
                format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":2}}"#)
            )]
        );
    }

    #[test]
    fn redrive_to_a_missing_queue_is_refused() {
        let mut w = world();
        let arn = "arn:aws:sqs:us-east-1:123456789012:nope";
        let policy = format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":3}}"#);
        let err = w.sqs.create_queue(
            &mut w.env,
            "orders",
            &attrs(&[("RedrivePolicy", policy.as_str())]),
        );
        let err = err.unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue");
        assert!(
            err.message.contains("Dead letter target does not exist"),
            "{}",
            err.message
        );
        assert!(w.sqs.queue("orders").is_none(), "nothing created on error");
    }

    #[test]
    fn poison_messages_cycle_to_the_dead_letter_queue() {
        let mut w = world();
        let mut profile = TrafficProfile::steady(20.0);
        profile.poison_rate = 0.1;
        let a = QueueAttributes {
            visibility_timeout: 5,
            ..QueueAttributes::default()
        };
        w.sqs
            .add_queue(&mut w.env, "dlq", QueueAttributes::default(), None)
            .unwrap();
        w.sqs
            .add_queue(&mut w.env, "orders", a, Some(profile))
            .unwrap();
        let arn = w.sqs.arn_for("us-east-1", "dlq");
        w.sqs.queue_mut("orders").unwrap().attributes.redrive_policy = Some(RedrivePolicy {
            dead_letter_target_arn: arn,
            max_receive_count: 3,
        });
        for _ in 0..600 {
            w.sqs.step_queues(&mut w.env);
            w.sqs.consume(
                w.env.now(),
                |name| if name == "orders" { 1000.0 } else { 0.0 },
            );
            w.sqs.publish(&mut w.env);
            w.env.clock.advance_tick();
        }
        let q = w.sqs.queue("orders").unwrap();
        let poison = q.totals.sent - q.totals.deleted - q.visible_count() - q.in_flight_count();
        assert!(q.totals.moved_to_dead_letter_queue > 0);
        assert_eq!(
            q.totals.moved_to_dead_letter_queue, poison,
            "every undeleted message moved"
        );
        let share = poison as f64 / q.totals.sent as f64;
        assert!((0.08..0.12).contains(&share), "{share}");
        assert_eq!(w.sqs.queue("dlq").unwrap().visible_count(), poison);
        assert!(
            q.totals.received > q.totals.sent,
            "poison messages are received three times"
        );
    }

    /// Expected arrivals at each hour of day, averaged over many seconds.
    fn hourly_arrivals(seed: u64) -> Vec<u64> {
        let mut w = World::new(seed, "us-east-1", START);
        let mut profile = TrafficProfile::steady(10.0);
        profile.daily_amplitude = 0.8;
        profile.peak_hour = 15.0;
        w.sqs
            .add_queue(&mut w.env, "q", QueueAttributes::default(), Some(profile))
            .unwrap();
        let mut last = 0;
        (0..24)
            .map(|_| {
                for _ in 0..3600 {
                    w.sqs.step_queues(&mut w.env);
                    w.sqs.consume(w.env.now(), |_| 1e6);
                    w.env.clock.advance_tick();
                }
                let sent = w.sqs.queue("q").unwrap().totals.sent;
                let in_hour = sent - last;
                last = sent;
                in_hour
            })
            .collect()
    }

    #[test]
    fn arrivals_follow_the_daily_cycle_and_the_seed() {
        let hours = hourly_arrivals(42);
        let busiest = (0..24).max_by_key(|&h| hours[h]).unwrap();
        let quietest = (0..24).min_by_key(|&h| hours[h]).unwrap();
        assert!(
            (14..=16).contains(&busiest),
            "peak near 15:00 UTC, got {busiest}: {hours:?}"
        );
        assert!(
            (2..=4).contains(&quietest),
            "trough near 03:00 UTC, got {quietest}: {hours:?}"
        );
        let expected_peak = 10.0 * 1.8 * 3600.0;
        assert!(
            (hours[15] as f64 - expected_peak).abs() < expected_peak * 0.03,
            "{hours:?}"
        );
        let total: u64 = hours.iter().sum();
        assert!(
            (total as f64 - 864_000.0).abs() < 864_000.0 * 0.01,
            "{total}"
        );
        assert_eq!(hours, hourly_arrivals(42), "same seed, same arrivals");
        assert_ne!(hours, hourly_arrivals(43), "another seed, other arrivals");
    }

    #[test]
    fn poisson_draws_have_the_right_mean_and_spread() {
        let mut rng = <rand_chacha::ChaCha8Rng as rand::SeedableRng>::seed_from_u64(1);
        for mean in [0.3, 4.0, 29.0, 31.0, 500.0] {
            let n = 20_000;
            let draws: Vec<f64> = (0..n).map(|_| poisson(&mut rng, mean) as f64).collect();
            let m = draws.iter().sum::<f64>() / n as f64;
            let var = draws.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / n as f64;
            assert!((m - mean).abs() < 0.05 * mean + 0.02, "mean {mean}: {m}");
            assert!(
                (var - mean).abs() < 0.1 * mean + 0.05,
                "variance {mean}: {var}"
            );
        }
        assert_eq!(poisson(&mut rng, 0.0), 0);
        assert_eq!(poisson(&mut rng, f64::NAN), 0);
        assert_eq!(poisson(&mut rng, -3.0), 0);
    }

    #[test]
    fn bursts_raise_the_rate_for_their_duration() {
        let mut w = world();
        let mut profile = TrafficProfile::steady(5.0);
        profile.bursts_per_day = 24.0;
        profile.burst_multiplier = 4.0;
        profile.burst_duration = Seconds(300);
        w.sqs
            .add_queue(&mut w.env, "q", QueueAttributes::default(), Some(profile))
            .unwrap();
        let mut in_burst = (0u64, 0u64);
        let mut outside = (0u64, 0u64);
        for _ in 0..86_400 {
            let before = w.sqs.queue("q").unwrap().totals.sent;
            w.sqs.step_queues(&mut w.env);
            let q = w.sqs.queue("q").unwrap();
            let arrived = q.totals.sent - before;
            let bursting = q
                .traffic
                .as_ref()
                .is_some_and(|t| w.env.now() < t.burst_until);
            let slot = if bursting {
                &mut in_burst
            } else {
                &mut outside
            };
            slot.0 += arrived;
            slot.1 += 1;
            w.sqs.consume(w.env.now(), |_| 1e6);
            w.env.clock.advance_tick();
        }
        let burst_rate = in_burst.0 as f64 / in_burst.1.max(1) as f64;
        let usual_rate = outside.0 as f64 / outside.1.max(1) as f64;
        assert!(
            in_burst.1 > 3000,
            "about 24 bursts of 300 s: {} s",
            in_burst.1
        );
        assert!(
            (burst_rate / usual_rate - 4.0).abs() < 0.2,
            "{burst_rate} vs {usual_rate}"
        );
    }

    #[test]
    fn metrics_are_published_once_a_minute_with_sums() {
        let mut w = world();
        w.sqs.create_queue(&mut w.env, "q", &[]).unwrap();
        tick(&mut w, 10);
        send(&mut w, "q", 4);
        tick(&mut w, 20);
        let got = w
            .sqs
            .receive_message(&mut w.env, &url("q"), Some(3), None)
            .unwrap();
        w.sqs
            .delete_message(&mut w.env, &url("q"), &got[0].receipt_handle)
            .unwrap();
        tick(&mut w, 30);
        fn series(w: &World, name: &str) -> Vec<(u64, crate::services::cloudwatch::Aggregate)> {
            let dims = [("QueueName".to_string(), "q".to_string())];
            w.env
                .metrics
                .find("AWS/SQS", name, &dims)
                .map(|s| s.minutes.clone())
                .unwrap_or_default()
        }
        let one = |name: &str| {
            let m = series(&w, name);
            assert_eq!(m.len(), 1, "{name}: one datapoint for minute 0");
            (m[0].0, m[0].1.sum, m[0].1.count)
        };
        assert_eq!(one("NumberOfMessagesSent"), (0, 4.0, 1));
        assert_eq!(one("NumberOfMessagesReceived"), (0, 3.0, 1));
        assert_eq!(one("NumberOfMessagesDeleted"), (0, 1.0, 1));
        assert_eq!(one("ApproximateNumberOfMessagesVisible"), (0, 1.0, 1));
        assert_eq!(one("ApproximateNumberOfMessagesNotVisible"), (0, 2.0, 1));
        assert_eq!(one("ApproximateAgeOfOldestMessage"), (0, 49.0, 1));
        tick(&mut w, 60);
        assert_eq!(
            series(&w, "NumberOfMessagesSent").last().map(|m| m.1.sum),
            Some(0.0)
        );
    }

    #[test]
    fn attributes_read_and_write_as_strings() {
        let mut w = world();
        w.sqs.create_queue(&mut w.env, "q", &[]).unwrap();
        let all = w
            .sqs
            .get_queue_attributes(&w.env, &url("q"), &["All".into()])
            .unwrap();
        let get = |k: &str| all.iter().find(|(n, _)| *n == k).map(|(_, v)| v.clone());
        assert_eq!(get("VisibilityTimeout").as_deref(), Some("30"));
        assert_eq!(get("MessageRetentionPeriod").as_deref(), Some("345600"));
        assert_eq!(get("CreatedTimestamp"), Some(START.to_string()));
        assert_eq!(get("RedrivePolicy"), None);
        assert_eq!(all[0].0, "QueueArn");

        let bad = attrs(&[("VisibilityTimeout", "60"), ("MessageRetentionPeriod", "5")]);
        let err = w
            .sqs
            .set_queue_attributes(&mut w.env, &url("q"), &bad)
            .unwrap_err();
        assert_eq!(
            (err.code.as_str(), err.message.as_str()),
            (
                "InvalidAttributeValue",
                "Invalid value for the parameter MessageRetentionPeriod."
            )
        );
        assert_eq!(
            w.sqs.queue("q").unwrap().attributes.visibility_timeout,
            30,
            "all or nothing"
        );
        let err = w
            .sqs
            .set_queue_attributes(&mut w.env, &url("q"), &attrs(&[("Visibility", "1")]));
        assert_eq!(err.unwrap_err().message, "Unknown Attribute Visibility.");
        let err = w
            .sqs
            .get_queue_attributes(&w.env, &url("q"), &["Nope".into()])
            .unwrap_err();
        assert_eq!(err.code, "InvalidAttributeName");
        w.sqs
            .set_queue_attributes(
                &mut w.env,
                &url("q"),
                &attrs(&[("VisibilityTimeout", "60")]),
            )
            .unwrap();
        assert_eq!(w.sqs.queue("q").unwrap().attributes.visibility_timeout, 60);
    }

    #[test]
    fn purge_counts_as_lost_and_waits_a_minute() {
        let mut w = world();
        w.sqs.create_queue(&mut w.env, "q", &[]).unwrap();
        send(&mut w, "q", 7);
        w.sqs.purge_queue(&mut w.env, &url("q")).unwrap();
        let q = w.sqs.queue("q").unwrap();
        assert_eq!(
            (q.visible_count(), q.totals.purged, q.totals.lost()),
            (0, 7, 7)
        );
        let err = w.sqs.purge_queue(&mut w.env, &url("q")).unwrap_err();
        assert_eq!(err.code, "AWS.SimpleQueueService.PurgeQueueInProgress");
        tick(&mut w, 60);
        w.sqs.purge_queue(&mut w.env, &url("q")).unwrap();
    }

    #[test]
    fn message_bodies_are_checked_like_sqs() {
        let mut w = world();
        w.sqs
            .create_queue(&mut w.env, "q", &attrs(&[("MaximumMessageSize", "1024")]))
            .unwrap();
        let send =
            |w: &mut World, body: &str| w.sqs.send_message(&mut w.env, &url("q"), body, None);
        assert_eq!(send(&mut w, "").unwrap_err().code, "MissingParameter");
        assert_eq!(
            send(&mut w, "a\u{1}b").unwrap_err().code,
            "InvalidMessageContents"
        );
        assert_eq!(
            send(&mut w, &"x".repeat(1025)).unwrap_err().code,
            "InvalidParameterValue"
        );
        let (id, md5) = send(&mut w, "hello").unwrap();
        assert_eq!(md5, "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(id.len(), 36);
        assert_eq!(id.as_bytes()[14], b'4', "a version-4 style UUID: {id}");
    }

    #[test]
    fn age_peaks_answer_the_maximum_since_any_minute() {
        let mut h = History::default();
        let ages = [(0, 5), (60, 40), (120, 10), (180, 30), (240, 0), (250, 2)];
        for (t, age) in ages {
            h.record_age(t, age);
        }
        assert_eq!(h.max_age_since(0), 40);
        assert_eq!(h.max_age_since(61), 40, "since rounds down to the minute");
        assert_eq!(h.max_age_since(120), 30);
        assert_eq!(h.max_age_since(240), 2);
        assert_eq!(h.max_age_since(10_000), 0);
        assert!(h.age_peaks.len() <= 4);
    }
}
