//! What the account looked like minute by minute, for the console's charts.
//!
//! CloudWatch already holds per-minute CPU, queue and group metrics; what it
//! has no metric for is the bill and the carbon, so the world samples them
//! here at the end of every simulated minute, with the number of running
//! instances beside them. The history follows from the state and the
//! clock, so it is left out of the state's digest.

use serde::Serialize;

/// The account at the end of one simulated minute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Sample {
    /// Minutes since the quest started.
    pub minute: u64,
    pub cost_usd_per_hour: f64,
    pub co2e_g_per_hour: f64,
    /// Instances in the `running` state.
    pub running_instances: u32,
}

/// One sample per simulated minute, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct History {
    samples: Vec<Sample>,
}

impl History {
    /// Records the minute's sample (a second sample for the same minute
    /// replaces the first).
    pub fn record(&mut self, sample: Sample) {
        match self.samples.last_mut() {
            Some(last) if last.minute == sample.minute => *last = sample,
            _ => self.samples.push(sample),
        }
    }

    /// Every sample, oldest first.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// Samples from minute `from` on (inclusive), oldest first.
    pub fn since(&self, from: u64) -> &[Sample] {
        let start = self.samples.partition_point(|s| s.minute < from);
        &self.samples[start..]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: u64, cost: f64) -> Sample {
        Sample { minute, cost_usd_per_hour: cost, ..Sample::default() }
    }

    #[test]
    fn one_sample_per_minute_latest_wins() {
        let mut h = History::default();
        h.record(at(0, 1.0));
        h.record(at(0, 2.0));
        h.record(at(1, 3.0));
        assert_eq!(h.samples().len(), 2);
        assert_eq!(h.samples()[0].cost_usd_per_hour, 2.0);
        assert_eq!(h.since(1).len(), 1);
        assert_eq!(h.since(5).len(), 0);
    }
}
