//! Amazon CloudWatch metrics.
//!
//! Services publish one sample per tick; we keep one-minute aggregates
//! (sum, count, minimum, maximum) per metric, which is CloudWatch's
//! high-resolution-off behaviour, and answer `GetMetricStatistics` and
//! `ListMetrics` from them. Statistics are Average, Sum, Minimum, Maximum and
//! SampleCount over periods that are multiples of 60 seconds. Percentile
//! statistics, metric math and dashboards are not modelled yet; alarms are
//! in [`crate::services::alarms`].

use serde::Serialize;
use serde_json::{json, Value};

use crate::calendar::format_iso8601;
use crate::services::AwsError;

/// One-minute aggregate of the samples of one metric.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Aggregate {
    pub sum: f64,
    pub count: u64,
    pub minimum: f64,
    pub maximum: f64,
}

impl Aggregate {
    fn of(value: f64) -> Self {
        Aggregate { sum: value, count: 1, minimum: value, maximum: value }
    }

    fn merge(&mut self, other: &Aggregate) {
        self.sum += other.sum;
        self.count += other.count;
        self.minimum = self.minimum.min(other.minimum);
        self.maximum = self.maximum.max(other.maximum);
    }
}

/// A metric's identity and its one-minute aggregates, oldest first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Series {
    pub namespace: String,
    pub metric_name: String,
    /// Dimension name and value pairs, sorted by name.
    pub dimensions: Vec<(String, String)>,
    pub unit: String,
    /// (minute since the quest started, aggregate).
    pub minutes: Vec<(u64, Aggregate)>,
}

/// The statistics `GetMetricStatistics` can return.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    Average,
    Sum,
    Minimum,
    Maximum,
    SampleCount,
}

impl Statistic {
    pub const ALL: [Statistic; 5] = [
        Statistic::Average,
        Statistic::Sum,
        Statistic::Minimum,
        Statistic::Maximum,
        Statistic::SampleCount,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Sum => "Sum",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::SampleCount => "SampleCount",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The statistic of an aggregate; `Average` of no samples is 0.
    pub fn of(self, a: &Aggregate) -> f64 {
        match self {
            Statistic::Average => a.sum / a.count.max(1) as f64,
            Statistic::Sum => a.sum,
            Statistic::Minimum => a.minimum,
            Statistic::Maximum => a.maximum,
            Statistic::SampleCount => a.count as f64,
        }
    }
}

/// Every metric of the account.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Metrics {
    series: Vec<Series>,
    /// Where the last `put` found its series. Services put their metrics
    /// in the same order every tick, so the next search starts just after
    /// it and usually succeeds at once.
    #[serde(skip)]
    cursor: usize,
}

/// A `GetMetricStatistics` request in the simulation's own time: instants
/// are seconds since the quest started.
#[derive(Clone, Debug, PartialEq)]
pub struct StatisticsQuery<'a> {
    pub namespace: &'a str,
    pub metric_name: &'a str,
    pub dimensions: &'a [(String, String)],
    pub start: i64,
    pub end: i64,
    pub period: u64,
    pub statistics: &'a [Statistic],
}

impl Metrics {
    /// Records one sample taken at simulated second `now`.
    pub fn put(&mut self, namespace: &str, name: &str, dims: &[(&str, &str)], unit: &str, now: u64, value: f64) {
        let minute = now / 60;
        let n = self.series.len();
        let found = (0..n).map(|k| (self.cursor + 1 + k) % n).find(|&i| {
            let s = &self.series[i];
            s.metric_name == name
                && s.namespace == namespace
                && s.dimensions.len() == dims.len()
                && dims.iter().all(|(k, v)| s.dimensions.iter().any(|(sk, sv)| sk == k && sv == v))
        });
        self.cursor = found.unwrap_or(n);
        let series = match found.and_then(|i| self.series.get_mut(i)) {
            Some(series) => series,
            None => {
                let mut dimensions: Vec<(String, String)> =
                    dims.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                dimensions.sort();
                self.series.push(Series {
                    namespace: namespace.to_string(),
                    metric_name: name.to_string(),
                    dimensions,
                    unit: unit.to_string(),
                    minutes: Vec::new(),
                });
                let last = self.series.len() - 1;
                &mut self.series[last]
            }
        };
        match series.minutes.last_mut() {
            Some((m, agg)) if *m == minute => agg.merge(&Aggregate::of(value)),
            _ => series.minutes.push((minute, Aggregate::of(value))),
        }
    }

    /// Every series, in the order they first received data.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// The series with exactly these dimensions, if any.
    pub fn find(&self, namespace: &str, name: &str, dims: &[(String, String)]) -> Option<&Series> {
        let mut wanted = dims.to_vec();
        wanted.sort();
        self.series
            .iter()
            .find(|s| s.namespace == namespace && s.metric_name == name && s.dimensions == wanted)
    }

    /// Datapoints for one metric, one per period that has data, oldest
    /// first, each with the requested statistics.
    pub fn statistics(&self, q: &StatisticsQuery) -> Result<Vec<(i64, Aggregate)>, AwsError> {
        if q.period == 0 || q.period % 60 != 0 {
            return Err(AwsError::new(
                "InvalidParameterValue",
                "The parameter Period must be a multiple of 60.",
            ));
        }
        if q.end <= q.start {
            return Err(AwsError::new(
                "InvalidParameterValue",
                "The parameter StartTime must be less than the parameter EndTime.",
            ));
        }
        let points = (q.end - q.start) as u64 / q.period;
        if points > 1440 {
            return Err(AwsError::new(
                "InvalidParameterCombination",
                format!(
                    "You have requested up to {points} datapoints, which exceeds the limit of 1440. \
                     You may reduce the datapoints requested by increasing Period, or decreasing the \
                     time range."
                ),
            ));
        }
        let Some(series) = self.find(q.namespace, q.metric_name, q.dimensions) else {
            return Ok(Vec::new());
        };

        let mut out: Vec<(i64, Aggregate)> = Vec::new();
        for (minute, agg) in &series.minutes {
            let t = (*minute * 60) as i64;
            if t < q.start || t >= q.end {
                continue;
            }
            let bucket = q.start + (t - q.start) / q.period as i64 * q.period as i64;
            match out.last_mut() {
                Some((b, total)) if *b == bucket => total.merge(agg),
                _ => out.push((bucket, *agg)),
            }
        }
        Ok(out)
    }
}

/// AWS's JSON for a `GetMetricStatistics` answer. `start_unix` turns
/// simulated seconds into timestamps.
pub fn statistics_json(
    label: &str,
    unit: &str,
    points: &[(i64, Aggregate)],
    statistics: &[Statistic],
    start_unix: i64,
) -> Value {
    let datapoints: Vec<Value> = points
        .iter()
        .map(|(t, agg)| {
            let mut point = serde_json::Map::new();
            point.insert("Timestamp".into(), json!(format_iso8601(start_unix + t)));
            for stat in statistics {
                point.insert(stat.name().into(), json!(round_for_display(stat.of(agg))));
            }
            point.insert("Unit".into(), json!(unit));
            Value::Object(point)
        })
        .collect();
    json!({ "Label": label, "Datapoints": datapoints })
}

/// AWS's JSON for one entry of `ListMetrics`.
pub fn metric_json(series: &Series) -> Value {
    let dims: Vec<Value> =
        series.dimensions.iter().map(|(k, v)| json!({ "Name": k, "Value": v })).collect();
    json!({ "Namespace": series.namespace, "MetricName": series.metric_name, "Dimensions": dims })
}

/// Rounds to 10 significant decimals so that printed statistics do not show
/// float noise such as `14.999999999999998`.
fn round_for_display(x: f64) -> f64 {
    (x * 1e10).round() / 1e10
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cpu(metrics: &Metrics, start: i64, end: i64, period: u64) -> Vec<(i64, Aggregate)> {
        let dims = [("InstanceId".to_string(), "i-1".to_string())];
        metrics
            .statistics(&StatisticsQuery {
                namespace: "AWS/EC2",
                metric_name: "CPUUtilization",
                dimensions: &dims,
                start,
                end,
                period,
                statistics: &[Statistic::Average],
            })
            .unwrap()
    }

    #[test]
    fn minutes_roll_up_into_periods() {
        let mut m = Metrics::default();
        for second in 0..600 {
            let value = if second < 300 { 10.0 } else { 30.0 };
            m.put("AWS/EC2", "CPUUtilization", &[("InstanceId", "i-1")], "Percent", second, value);
        }
        let points = cpu(&m, 0, 600, 300);
        assert_eq!(points.len(), 2);
        assert_eq!(Statistic::Average.of(&points[0].1), 10.0);
        assert_eq!(Statistic::Average.of(&points[1].1), 30.0);
        assert_eq!(Statistic::SampleCount.of(&points[1].1), 300.0);
        let whole = cpu(&m, 0, 600, 600);
        assert_eq!(Statistic::Average.of(&whole[0].1), 20.0);
    }

    #[test]
    fn period_must_be_a_multiple_of_60() {
        let m = Metrics::default();
        let err = m
            .statistics(&StatisticsQuery {
                namespace: "AWS/EC2",
                metric_name: "CPUUtilization",
                dimensions: &[],
                start: 0,
                end: 60,
                period: 45,
                statistics: &[],
            })
            .unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue");
    }
}
