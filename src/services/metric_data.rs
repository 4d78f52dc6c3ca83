//! CloudWatch's percentile statistics and `GetMetricData`, on top of the
//! one-minute aggregates in [`crate::services::cloudwatch`].
//!
//! The services we model publish one datapoint per metric per minute, as
//! EC2 detailed monitoring and SQS do; a percentile over a period is taken
//! over those one-minute datapoints (each minute's average), by the
//! nearest-rank method. A five-minute `p90` of `CPUUtilization` is thus
//! the highest of its five one-minute datapoints (rank 5 of 5), as in
//! CloudWatch for a metric with one sample a minute.
//!
//! `GetMetricData` answers `MetricStat` queries with any statistic,
//! percentiles included. Metric math (`Expression`) is not modelled: a
//! query with one is refused with a `ValidationError` that says so.

use serde_json::{json, Map, Value};

use crate::calendar::format_iso8601;
use crate::services::cloudwatch::{round_for_display, Aggregate, Metrics, Series, Statistic, StatisticsQuery};
use crate::services::AwsError;

/// A statistic by name: one of CloudWatch's five, or a percentile.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Stat {
    Simple(Statistic),
    /// `p0` to `p100`, as a number from 0 to 100.
    Percentile(f64),
}

impl Stat {
    /// `Average` ... `SampleCount`, or `p50`, `p99.9` (at most two
    /// decimals, as CloudWatch allows).
    pub fn parse(name: &str) -> Option<Stat> {
        if let Some(simple) = Statistic::from_name(name) {
            return Some(Stat::Simple(simple));
        }
        parse_percentile(name).map(Stat::Percentile)
    }
}

/// `p90` → 90.0; `p99.99` → 99.99. `None` for anything else.
pub fn parse_percentile(name: &str) -> Option<f64> {
    let number = name.strip_prefix('p')?;
    let (whole, decimals) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 3 || !digits(whole) || decimals.len() > 2 || !digits(decimals) {
        return None;
    }
    if number.ends_with('.') {
        return None;
    }
    let value: f64 = number.parse().ok()?;
    (0.0..=100.0).contains(&value).then_some(value)
}

/// The nearest-rank percentile `p` (0 to 100) of `values`; `None` when
/// there are none. Sorts `values`.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let rank = libm::ceil(p / 100.0 * values.len() as f64) as usize;
    values.get(rank.clamp(1, values.len()) - 1).copied()
}

/// One period's datapoint: its start (simulated seconds), the period's
/// aggregate, and the one-minute values in it, for percentiles.
#[derive(Clone, Debug, PartialEq)]
pub struct Datapoint {
    pub start: i64,
    pub aggregate: Aggregate,
    pub minute_values: Vec<f64>,
}

impl Datapoint {
    /// The value of `stat` for this period.
    pub fn value(&self, stat: Stat) -> Option<f64> {
        match stat {
            Stat::Simple(s) => Some(s.of(&self.aggregate)),
            Stat::Percentile(p) => percentile(&mut self.minute_values.clone(), p),
        }
    }
}

/// The datapoints of one metric from `start` to `end` (simulated seconds)
/// by `period`, with the limits and errors of `GetMetricStatistics`.
pub fn datapoints(
    metrics: &Metrics,
    namespace: &str,
    metric_name: &str,
    dimensions: &[(String, String)],
    (start, end, period): (i64, i64, u64),
) -> Result<Vec<Datapoint>, AwsError> {
    let query = StatisticsQuery {
        namespace,
        metric_name,
        dimensions,
        start,
        end,
        period,
        statistics: &[],
    };
    let periods = metrics.statistics(&query)?;
    let series = metrics.find(namespace, metric_name, dimensions);
    Ok(periods
        .into_iter()
        .map(|(bucket, aggregate)| {
            let from = bucket.max(0) as u64;
            let minute_values = series.map_or_else(Vec::new, |s| minute_averages(s, from, from + period));
            Datapoint { start: bucket, aggregate, minute_values }
        })
        .collect())
}

/// The one-minute datapoints (each minute's average) of a series from
/// `start` to `end` (simulated seconds, end excluded), oldest first: what
/// percentiles are taken over.
pub fn minute_averages(series: &Series, start: u64, end: u64) -> Vec<f64> {
    let from = series.minutes.partition_point(|(m, _)| m * 60 < start);
    series.minutes[from..]
        .iter()
        .take_while(|(minute, _)| minute * 60 < end)
        .filter(|(_, agg)| agg.count > 0)
        .map(|(_, agg)| Statistic::Average.of(agg))
        .collect()
}

/// One `MetricDataQueries` entry with a `MetricStat`.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricQuery {
    pub id: String,
    pub label: Option<String>,
    pub namespace: String,
    pub metric_name: String,
    pub dimensions: Vec<(String, String)>,
    pub period: u64,
    pub stat: Stat,
    pub stat_name: String,
    pub return_data: bool,
}

fn validation(message: impl Into<String>) -> AwsError {
    AwsError::new("ValidationError", message)
}

/// Reads `MetricDataQueries` (a JSON list, as the CLI builds it from JSON
/// or shorthand) into queries, with CloudWatch's validation messages.
pub fn parse_queries(value: &Value) -> Result<Vec<MetricQuery>, AwsError> {
    let list = match value {
        Value::Array(list) => list.clone(),
        Value::Object(_) => vec![value.clone()],
        _ => return Err(validation("MetricDataQueries must be a list of queries.")),
    };
    if list.is_empty() || list.len() > 500 {
        return Err(validation("The collection MetricDataQueries must not be empty and can have at most 500 entries."));
    }
    let mut queries: Vec<MetricQuery> = Vec::new();
    for (i, entry) in list.iter().enumerate() {
        let member = format!("MetricDataQueries.member.{}", i + 1);
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let id = text(entry.get("Id")).ok_or_else(|| validation(format!("The parameter {member}.Id is required.")))?;
        let id_ok = id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && id.len() <= 255;
        if !id_ok {
            return Err(validation(format!(
                "The value {id} for parameter {member}.Id is invalid: it must start with a lowercase letter \
                 and hold only letters, digits and underscores."
            )));
        }
        if queries.iter().any(|q| q.id == id) {
            return Err(validation(format!("The values for parameter id in MetricDataQueries are not unique: {id}.")));
        }
        if entry.get("Expression").is_some() {
            return Err(validation(format!(
                "{member}.Expression: metric math is not modelled in this simulation; query each metric \
                 with MetricStat and combine the results yourself."
            )));
        }
        let stat = entry
            .get("MetricStat")
            .ok_or_else(|| validation(format!("Exactly one element of the metrics list should have ReturnData and one of MetricStat or Expression: {member} has neither.")))?;
        let metric = stat.get("Metric").ok_or_else(|| validation(format!("The parameter {member}.MetricStat.Metric is required.")))?;
        let namespace = text(metric.get("Namespace")).ok_or_else(|| validation(format!("The parameter {member}.MetricStat.Metric.Namespace is required.")))?;
        let metric_name = text(metric.get("MetricName")).ok_or_else(|| validation(format!("The parameter {member}.MetricStat.Metric.MetricName is required.")))?;
        let mut dimensions = Vec::new();
        for d in metric.get("Dimensions").and_then(Value::as_array).into_iter().flatten() {
            match (text(d.get("Name")), text(d.get("Value"))) {
                (Some(n), Some(v)) => dimensions.push((n, v)),
                _ => return Err(validation(format!("Each of {member}.MetricStat.Metric.Dimensions needs Name and Value."))),
            }
        }
        let period = match stat.get("Period") {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .ok_or_else(|| validation(format!("The parameter {member}.MetricStat.Period is required and must be a whole number of seconds.")))?;
        if period == 0 || period % 60 != 0 {
            return Err(validation(format!("The parameter {member}.MetricStat.Period must be a multiple of 60.")));
        }
        let stat_name = text(stat.get("Stat")).ok_or_else(|| validation(format!("The parameter {member}.MetricStat.Stat is required.")))?;
        let parsed = Stat::parse(&stat_name).ok_or_else(|| {
            validation(format!(
                "The value {stat_name} for parameter {member}.MetricStat.Stat is invalid: use SampleCount, Average, \
                 Sum, Minimum, Maximum or a percentile such as p90."
            ))
        })?;
        let return_data = match entry.get("ReturnData") {
            None => true,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
            Some(_) => true,
        };
        queries.push(MetricQuery {
            id,
            label: text(entry.get("Label")),
            namespace,
            metric_name,
            dimensions,
            period,
            stat: parsed,
            stat_name,
            return_data,
        });
    }
    Ok(queries)
}

/// `GetMetricData`'s answer: for each query that returns data, its
/// timestamps and values, newest first unless `ascending`.
pub fn get_metric_data(
    metrics: &Metrics,
    queries: &[MetricQuery],
    (start, end): (i64, i64),
    ascending: bool,
    start_unix: i64,
) -> Result<Value, AwsError> {
    if end <= start {
        return Err(validation("The parameter StartTime must be less than the parameter EndTime."));
    }
    let mut results = Vec::new();
    for q in queries.iter().filter(|q| q.return_data) {
        let points = datapoints(metrics, &q.namespace, &q.metric_name, &q.dimensions, (start, end, q.period))
            .map_err(|e| AwsError::new("ValidationError", e.message))?;
        let mut pairs: Vec<(i64, f64)> =
            points.iter().filter_map(|p| p.value(q.stat).map(|v| (p.start, round_for_display(v)))).collect();
        if !ascending {
            pairs.reverse();
        }
        // Without a Label, CloudWatch labels a MetricStat result with the
        // metric's name.
        let label = q.label.clone().unwrap_or_else(|| q.metric_name.clone());
        let mut result = Map::new();
        result.insert("Id".into(), json!(q.id));
        result.insert("Label".into(), json!(label));
        result.insert(
            "Timestamps".into(),
            json!(pairs.iter().map(|(t, _)| format_iso8601(start_unix + t)).collect::<Vec<_>>()),
        );
        result.insert("Values".into(), json!(pairs.iter().map(|(_, v)| v).collect::<Vec<_>>()));
        result.insert("StatusCode".into(), json!("Complete"));
        results.push(Value::Object(result));
    }
    Ok(json!({ "MetricDataResults": results, "Messages": [] }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentile_names() {
        assert_eq!(parse_percentile("p90"), Some(90.0));
        assert_eq!(parse_percentile("p99.9"), Some(99.9));
        assert_eq!(parse_percentile("p100"), Some(100.0));
        for bad in ["p", "p101", "p9.999", "P90", "p-1", "p90.", "pNaN", "p1e2", "90"] {
            assert_eq!(parse_percentile(bad), None, "{bad}");
        }
    }

    #[test]
    fn nearest_rank() {
        let mut v = vec![5.0, 1.0, 4.0, 2.0, 3.0];
        assert_eq!(percentile(&mut v, 50.0), Some(3.0));
        assert_eq!(percentile(&mut v, 90.0), Some(5.0));
        assert_eq!(percentile(&mut v, 0.0), Some(1.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    fn metrics_with_minutes(values: &[f64]) -> Metrics {
        let mut m = Metrics::default();
        for (i, v) in values.iter().enumerate() {
            for s in 0..60 {
                m.put("AWS/SQS", "ApproximateNumberOfMessagesVisible", &[("QueueName", "orders")], "Count", i as u64 * 60 + s, *v);
            }
        }
        m
    }

    #[test]
    fn percentiles_over_one_minute_datapoints() {
        let m = metrics_with_minutes(&[10.0, 20.0, 30.0, 40.0, 50.0, 60.0]);
        let dims = [("QueueName".to_string(), "orders".to_string())];
        let points = datapoints(&m, "AWS/SQS", "ApproximateNumberOfMessagesVisible", &dims, (0, 360, 180)).unwrap();
        assert_eq!(points.len(), 2);
        assert_eq!(points[0].minute_values, vec![10.0, 20.0, 30.0]);
        assert_eq!(points[1].value(Stat::Percentile(50.0)), Some(50.0));
        assert_eq!(points[1].value(Stat::Simple(Statistic::Maximum)), Some(60.0));
    }

    #[test]
    fn get_metric_data_newest_first_and_refuses_math() {
        let m = metrics_with_minutes(&[1.0, 2.0, 3.0]);
        let queries = parse_queries(&json!([{
            "Id": "depth",
            "MetricStat": {
                "Metric": {"Namespace": "AWS/SQS", "MetricName": "ApproximateNumberOfMessagesVisible",
                           "Dimensions": [{"Name": "QueueName", "Value": "orders"}]},
                "Period": 60, "Stat": "p90"
            }
        }]))
        .unwrap();
        let out = get_metric_data(&m, &queries, (0, 180), false, 0).unwrap();
        assert_eq!(out["MetricDataResults"][0]["Values"], json!([3.0, 2.0, 1.0]));
        assert_eq!(out["MetricDataResults"][0]["Label"], json!("ApproximateNumberOfMessagesVisible"));
        let math = parse_queries(&json!([{"Id": "e1", "Expression": "m1*2"}]));
        assert_eq!(math.unwrap_err().code, "ValidationError");
        let bad_id = parse_queries(&json!([{"Id": "Bad-Id"}]));
        assert!(bad_id.unwrap_err().message.contains("Bad-Id"));
    }
}
