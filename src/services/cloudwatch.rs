//! Amazon CloudWatch metrics.
//!
//! Services publish one sample per tick; we keep one-minute aggregates
//! (sum, count, minimum, maximum) per metric, which is CloudWatch's
//! high-resolution-off behaviour, and answer `GetMetricStatistics` and
//! `ListMetrics` from them. Statistics are Average, Sum, Minimum, Maximum and
//! SampleCount over periods that are multiples of 60 seconds. Percentile
//! statistics, metric math and dashboards are not modelled yet; alarms are
//! in [`crate::services::alarms`].

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use crate::calendar::format_iso8601;
use crate::services::AwsError;
use crate::world::{Cache, Stamp};

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

impl Series {
    /// Whether this is the series a producer names: same namespace and
    /// name, and the same dimensions in any order.
    fn is(&self, namespace: &str, name: &str, dims: &[(&str, &str)]) -> bool {
        self.metric_name == name
            && self.namespace == namespace
            && self.dimensions.len() == dims.len()
            && dims
                .iter()
                .all(|(k, v)| self.dimensions.iter().any(|(sk, sv)| sk == k && sv == v))
    }
}

/// FNV-1a over a metric's identity, dimensions sorted by name and value;
/// the key of [`Metrics`]' index. Equal identities hash equal; the rare
/// collision is told apart by comparing names.
fn identity_hash<'a>(namespace: &str, name: &str, dims: impl Iterator<Item = (&'a str, &'a str)>) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64;
    let mut feed = |text: &str| {
        // A 0xff byte cannot occur in UTF-8, so it separates fields
        // unambiguously.
        for &b in text.as_bytes().iter().chain(&[0xff]) {
            hash = (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    feed(namespace);
    feed(name);
    for (k, v) in dims {
        feed(k);
        feed(v);
    }
    hash
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
    /// Positions in `series` by [`identity_hash`], so that a put or a
    /// lookup compares names with one or two series instead of all of
    /// them. Series are never removed, so positions stay valid; the index
    /// follows from `series` and is left out of the serialized state.
    #[serde(skip)]
    index: BTreeMap<u64, Vec<usize>>,
    /// Series only ever grow in number, so a position stays good for the
    /// life of this value; the stamp tells its hints from another's.
    #[serde(skip)]
    stamp: Cache<Stamp>,
}

/// Where one producer's series is, so that a producer that puts to the
/// same series every tick (an instance's `CPUUtilization`) skips the
/// search. A hint belongs to one metric of one producer and to one
/// [`Metrics`]: given to another `Metrics` it is ignored. Debug builds
/// (and so the tests) check that a hint names the series asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SeriesHint(Option<(u64, usize)>);

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
    /// Bytes one one-minute entry of a series takes.
    pub const BYTES_PER_MINUTE: usize = std::mem::size_of::<(u64, Aggregate)>();

    /// Bytes a day of one metric's one-minute history takes, without the
    /// spare capacity of its vector.
    pub const BYTES_PER_METRIC_DAY: usize = Self::BYTES_PER_MINUTE * 1440;

    /// Bytes the series take on the heap now: their entries, spare
    /// capacity included, and their names and dimensions.
    pub fn heap_bytes(&self) -> usize {
        let text = |s: &String| s.capacity();
        self.series.capacity() * std::mem::size_of::<Series>()
            + self
                .series
                .iter()
                .map(|s| {
                    s.minutes.capacity() * Self::BYTES_PER_MINUTE
                        + text(&s.namespace)
                        + text(&s.metric_name)
                        + text(&s.unit)
                        + s.dimensions.capacity() * std::mem::size_of::<(String, String)>()
                        + s.dimensions.iter().map(|(k, v)| text(k) + text(v)).sum::<usize>()
                })
                .sum::<usize>()
    }

    /// Records one sample taken at simulated second `now`.
    pub fn put(&mut self, namespace: &str, name: &str, dims: &[(&str, &str)], unit: &str, now: u64, value: f64) {
        self.put_hinted(&mut SeriesHint::default(), namespace, name, dims, unit, now, value);
    }

    /// [`Metrics::put`], first trying the series `hint` names; leaves in
    /// `hint` where the series was found.
    #[allow(clippy::too_many_arguments)]
    pub fn put_hinted(
        &mut self,
        hint: &mut SeriesHint,
        namespace: &str,
        name: &str,
        dims: &[(&str, &str)],
        unit: &str,
        now: u64,
        value: f64,
    ) {
        let stamp = self.stamp.0.get();
        let at = match hint.0 {
            Some((hinted, at)) if hinted == stamp => at,
            _ => self.position_or_insert(namespace, name, dims, unit),
        };
        *hint = SeriesHint(Some((stamp, at)));
        debug_assert!(
            self.series.get(at).is_some_and(|s| s.is(namespace, name, dims)),
            "a series hint used for another metric than its own: {namespace} {name} {dims:?}"
        );
        let Some(series) = self.series.get_mut(at) else {
            return;
        };
        let minute = now / 60;
        match series.minutes.last_mut() {
            Some((m, agg)) if *m == minute => agg.merge(&Aggregate::of(value)),
            _ => series.minutes.push((minute, Aggregate::of(value))),
        }
    }

    /// Where the series with this identity is, after creating it (with no
    /// data yet) if there is none.
    fn position_or_insert(&mut self, namespace: &str, name: &str, dims: &[(&str, &str)], unit: &str) -> usize {
        let mut sorted = dims.to_vec();
        sorted.sort_unstable();
        let key = identity_hash(namespace, name, sorted.iter().map(|&(k, v)| (k, v)));
        let found = self.index.get(&key).and_then(|candidates| {
            candidates
                .iter()
                .copied()
                .find(|&i| self.series.get(i).is_some_and(|s| s.is(namespace, name, dims)))
        });
        if let Some(i) = found {
            return i;
        }
        let dimensions: Vec<(String, String)> =
            sorted.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        self.series.push(Series {
            namespace: namespace.to_string(),
            metric_name: name.to_string(),
            dimensions,
            unit: unit.to_string(),
            minutes: Vec::new(),
        });
        let at = self.series.len() - 1;
        self.index.entry(key).or_default().push(at);
        at
    }

    /// Every series, in the order they first received data.
    pub fn series(&self) -> &[Series] {
        &self.series
    }

    /// The series with exactly these dimensions, if any.
    pub fn find(&self, namespace: &str, name: &str, dims: &[(String, String)]) -> Option<&Series> {
        let dims: Vec<(&str, &str)> = dims.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        self.find_by(namespace, name, &dims)
    }

    /// [`Metrics::find`] with borrowed dimensions.
    pub fn find_by(&self, namespace: &str, name: &str, dims: &[(&str, &str)]) -> Option<&Series> {
        let mut wanted = dims.to_vec();
        wanted.sort_unstable();
        let key = identity_hash(namespace, name, wanted.iter().copied());
        let candidates = self.index.get(&key)?;
        candidates.iter().filter_map(|&i| self.series.get(i)).find(|s| {
            s.namespace == namespace
                && s.metric_name == name
                && s.dimensions.len() == wanted.len()
                && s.dimensions.iter().zip(&wanted).all(|((k, v), (wk, wv))| k == wk && v == wv)
        })
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
pub fn round_for_display(x: f64) -> f64 {
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
