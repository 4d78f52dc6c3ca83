//! The AWS CLI: `aws <service> <operation> [--parameters]`.
//!
//! Operations are declared as data (name, API name, parameters with their
//! kinds and whether they are required), so parsing, usage errors, help and
//! tab completion all come from one table. Parameters take the CLI's forms:
//! `--flag value`, `--flag=value`, lists as several words, structures in
//! shorthand or JSON. Global options `--output json|text`, `--region`,
//! `--no-cli-pager`, `--profile` and `--no-paginate` are understood, and
//! `--query` filters the response with JMESPath before it is printed.
//! Errors are worded as the CLI words them: its own usage errors for bad
//! command lines, `An error occurred (Code) when calling the Op operation`
//! for service errors. Not modelled yet: `--output yaml`,
//! `file://` arguments, pagination tokens.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::shorthand::{self, Structure};
use super::Reply;
use crate::calendar::parse_iso8601;
use crate::catalogue::catalogue;
use crate::services::cloudwatch::{self, Statistic, StatisticsQuery};
use crate::services::ec2;
use crate::services::{AwsError, Filter};
use crate::world::World;

/// How a parameter's words are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One word.
    Text,
    /// One whole number.
    Integer,
    /// One instant: ISO 8601 or Unix seconds.
    Timestamp,
    /// One or more words.
    List,
    /// One or more structures, shorthand or JSON.
    Structures,
    /// No value; present or not.
    Flag,
}

/// One `--parameter` of an operation.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    pub flag: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn req(flag: &'static str, kind: Kind) -> Param {
    Param { flag, kind, required: true }
}

const fn opt(flag: &'static str, kind: Kind) -> Param {
    Param { flag, kind, required: false }
}

type Handler = fn(&mut World, &Args) -> Result<Value, AwsError>;

/// One operation of a service.
pub struct Operation {
    /// The CLI's name: `describe-instances`.
    pub name: &'static str,
    /// The API's name: `DescribeInstances`.
    pub api: &'static str,
    pub params: &'static [Param],
    run: Handler,
}

/// One service: its CLI name, its name in CloudTrail and its operations.
pub struct Service {
    pub name: &'static str,
    pub operations: &'static [Operation],
}

/// Every service the simulated account offers.
pub static SERVICES: &[Service] = &[
    Service {
        name: "cloudwatch",
        operations: &[
            Operation {
                name: "get-metric-statistics",
                api: "GetMetricStatistics",
                params: &[
                    req("--namespace", Kind::Text),
                    req("--metric-name", Kind::Text),
                    opt("--dimensions", Kind::Structures),
                    req("--start-time", Kind::Timestamp),
                    req("--end-time", Kind::Timestamp),
                    req("--period", Kind::Integer),
                    opt("--statistics", Kind::List),
                    opt("--unit", Kind::Text),
                ],
                run: get_metric_statistics,
            },
            Operation {
                name: "list-metrics",
                api: "ListMetrics",
                params: &[
                    opt("--namespace", Kind::Text),
                    opt("--metric-name", Kind::Text),
                    opt("--dimensions", Kind::Structures),
                ],
                run: list_metrics,
            },
        ],
    },
    Service {
        name: "ec2",
        operations: &[
            Operation {
                name: "describe-instance-types",
                api: "DescribeInstanceTypes",
                params: &[opt("--instance-types", Kind::List), opt("--dry-run", Kind::Flag)],
                run: describe_instance_types,
            },
            Operation {
                name: "describe-instances",
                api: "DescribeInstances",
                params: &[
                    opt("--instance-ids", Kind::List),
                    opt("--filters", Kind::Structures),
                    opt("--dry-run", Kind::Flag),
                ],
                run: describe_instances,
            },
            Operation {
                name: "start-instances",
                api: "StartInstances",
                params: &[req("--instance-ids", Kind::List), opt("--dry-run", Kind::Flag)],
                run: start_instances,
            },
            Operation {
                name: "stop-instances",
                api: "StopInstances",
                params: &[
                    req("--instance-ids", Kind::List),
                    opt("--force", Kind::Flag),
                    opt("--dry-run", Kind::Flag),
                ],
                run: stop_instances,
            },
            Operation {
                name: "terminate-instances",
                api: "TerminateInstances",
                params: &[req("--instance-ids", Kind::List), opt("--dry-run", Kind::Flag)],
                run: terminate_instances,
            },
        ],
    },
];

/// Options every AWS CLI command accepts, with whether they take a value.
pub const GLOBAL_OPTIONS: &[(&str, bool)] = &[
    ("--output", true),
    ("--query", true),
    ("--region", true),
    ("--profile", true),
    ("--no-cli-pager", false),
    ("--no-paginate", false),
    ("--debug", false),
];

const USAGE: &str = concat!(
    "usage: aws [options] <command> <subcommand> [<subcommand> ...] [parameters]\n",
    "To see help text, you can run:\n",
    "\n",
    "  aws help\n",
    "  aws <command> help\n",
    "  aws <command> <subcommand> help\n",
);

/// Parsed parameter values of one call, by flag.
#[derive(Debug, Default)]
pub struct Args {
    values: BTreeMap<&'static str, Vec<String>>,
}

impl Args {
    fn text(&self, flag: &str) -> Option<&str> {
        self.values.get(flag).and_then(|v| v.first()).map(String::as_str)
    }

    fn list(&self, flag: &str) -> Vec<String> {
        self.values.get(flag).cloned().unwrap_or_default()
    }

    fn has(&self, flag: &str) -> bool {
        self.values.contains_key(flag)
    }

    fn structures(&self, flag: &str) -> Result<Vec<Structure>, AwsError> {
        match self.values.get(flag) {
            Some(words) => shorthand::parse_structures(words).map_err(cli_error),
            None => Ok(Vec::new()),
        }
    }

    fn integer(&self, flag: &str) -> Result<Option<i64>, AwsError> {
        self.text(flag)
            .map(|t| {
                t.parse().map_err(|_| {
                    cli_error(format!("invalid literal for int() with base 10: '{t}'"))
                })
            })
            .transpose()
    }

    fn timestamp(&self, flag: &str) -> Result<Option<i64>, AwsError> {
        self.text(flag)
            .map(|t| {
                parse_iso8601(t).ok_or_else(|| {
                    cli_error(format!(
                        "Unable to parse parameter {flag}: Invalid timestamp \"{t}\": \
                         use ISO 8601, such as 2026-03-02T09:00:00Z"
                    ))
                })
            })
            .transpose()
    }
}

/// An error raised by the CLI itself before any call is made. The code
/// `CLI` marks it so that it prints without the "An error occurred" frame.
fn cli_error(message: impl Into<String>) -> AwsError {
    AwsError::new("CLI", message)
}

/// Runs `aws` with the words after it.
pub fn run(world: &mut World, words: &[String]) -> Reply {
    let mut output = "json".to_string();
    let mut query: Option<String> = None;
    let mut positional: Vec<&str> = Vec::new();
    let mut rest: Vec<&String> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let (name, inline) = split_flag(word);
        if let Some(&(flag, takes_value)) = GLOBAL_OPTIONS.iter().find(|(f, _)| *f == name) {
            let value = if takes_value {
                match inline.or_else(|| words.get(i + 1).map(|v| { i += 1; v.as_str() })) {
                    Some(v) => Some(v),
                    None => return usage_error(&format!("argument {flag}: expected one argument")),
                }
            } else {
                None
            };
            match (flag, value) {
                ("--output", Some(v)) => output = v.to_string(),
                ("--query", Some(v)) => query = Some(v.to_string()),
                ("--region", Some(v)) if v != world.env.region => {
                    return Reply::error(
                        format!(
                            "\nCould not connect to the endpoint URL: \"https://{}.{v}.amazonaws.com/\"",
                            positional.first().copied().unwrap_or("ec2")
                        ),
                        Some(format!("This GameDay's account runs in {}.", world.env.region)),
                    );
                }
                _ => {}
            }
        } else if positional.len() < 2 && !word.starts_with("--") {
            positional.push(word);
        } else {
            rest.push(word);
        }
        i += 1;
    }

    if !["json", "text", "table"].contains(&output.as_str()) {
        let message = if ["yaml", "yaml-stream"].contains(&output.as_str()) {
            format!("aws: error: --output {output} is not available in this simulator yet")
        } else {
            format!(
                "aws: error: argument --output: Invalid choice, valid choices are:\n\n\
                 json                                     | text\n\
                 table                                    | yaml\n\
                 yaml-stream\n\n(got '{output}')"
            )
        };
        return Reply::error(message, Some("Use --output json, text or table.".into()));
    }

    let Some(service_name) = positional.first().copied() else {
        return usage_error("the following arguments are required: command");
    };
    if service_name == "help" {
        return Reply::output(aws_help());
    }
    let Some(service) = SERVICES.iter().find(|s| s.name == service_name) else {
        return invalid_choice("command", service_name, SERVICES.iter().map(|s| s.name));
    };
    let Some(op_name) = positional.get(1).copied() else {
        return usage_error("the following arguments are required: operation");
    };
    if op_name == "help" {
        return Reply::output(service_help(service));
    }
    let Some(operation) = service.operations.iter().find(|o| o.name == op_name) else {
        return invalid_choice("operation", op_name, service.operations.iter().map(|o| o.name));
    };
    if rest.first().is_some_and(|w| w.as_str() == "help") {
        return Reply::output(operation_help(service, operation));
    }

    let args = match parse_params(operation, &rest) {
        Ok(args) => args,
        Err(reply) => return reply,
    };
    if args.has("--dry-run") {
        world.env.record_call(service.name, operation.api, Some("DryRunOperation"));
        return service_error(
            operation,
            &AwsError::new("DryRunOperation", "Request would have succeeded, but DryRun flag is set."),
        );
    }

    let query = match query.as_deref().map(compile_query).transpose() {
        Ok(query) => query,
        Err(reply) => return reply,
    };

    match (operation.run)(world, &args) {
        Ok(value) => {
            world.env.record_call(service.name, operation.api, None);
            let value = match &query {
                Some(q) => apply_query(q, &value),
                None => value,
            };
            Reply::output(render(&value, &output, operation.api))
        }
        Err(err) if err.code == "CLI" => {
            Reply::error(format!("\n{}", err.message), Some(format!("See: aws {} {} help", service.name, operation.name)))
        }
        Err(err) => {
            world.env.record_call(service.name, operation.api, Some(&err.code));
            service_error(operation, &err)
        }
    }
}

/// Longest `--query` accepted, and deepest nesting of brackets in it: the
/// JMESPath parser recurses, so a hostile expression must not reach it.
const MAX_QUERY_LEN: usize = 2_000;
const MAX_QUERY_DEPTH: usize = 32;

/// Compiles a `--query` expression, or fails with the CLI's words.
fn compile_query(text: &str) -> Result<jmespath::Expression<'static>, Reply> {
    let bad = |why: String| {
        Reply::error(
            format!("\nBad value for --query {text}: {why}"),
            Some("--query takes a JMESPath expression, such as Reservations[].Instances[].InstanceId".into()),
        )
    };
    if text.len() > MAX_QUERY_LEN {
        return Err(bad(format!("the expression is longer than {MAX_QUERY_LEN} characters")));
    }
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if depth > MAX_QUERY_DEPTH {
            return Err(bad(format!("brackets nest deeper than {MAX_QUERY_DEPTH} levels")));
        }
    }
    jmespath::compile(text).map_err(|e| bad(e.to_string()))
}

/// Applies a compiled `--query` to a response. A query that fails at run
/// time (a function given the wrong type) yields `null`, as the CLI prints.
fn apply_query(query: &jmespath::Expression<'static>, value: &Value) -> Value {
    query
        .search(value)
        .ok()
        .and_then(|result| serde_json::to_value(&*result).ok())
        .unwrap_or(Value::Null)
}

/// `--flag=value` splits into flag and value; other words pass through.
fn split_flag(word: &str) -> (&str, Option<&str>) {
    match word.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
        _ => (word, None),
    }
}

fn parse_params(operation: &Operation, words: &[&String]) -> Result<Args, Reply> {
    let mut args = Args::default();
    let mut unknown: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (flag, inline) = split_flag(words[i]);
        i += 1;
        let Some(param) = operation.params.iter().find(|p| p.flag == flag) else {
            unknown.push(words[i - 1]);
            continue;
        };
        let mut values: Vec<String> = inline.map(str::to_string).into_iter().collect();
        if inline.is_none() && param.kind != Kind::Flag {
            while i < words.len() && !words[i].starts_with("--") {
                values.push(words[i].clone());
                i += 1;
                if matches!(param.kind, Kind::Text | Kind::Integer | Kind::Timestamp) {
                    break;
                }
            }
        }
        if param.kind != Kind::Flag && values.is_empty() {
            return Err(usage_error(&format!("argument {flag}: expected one argument")));
        }
        if param.kind == Kind::Flag && inline.is_some() {
            unknown.push(words[i - 1]);
            continue;
        }
        args.values.entry(param.flag).or_default().extend(values);
    }
    if !unknown.is_empty() {
        let mut reply = usage_error(&format!("Unknown options: {}", unknown.join(", ")));
        reply.hint = Some(format!(
            "Options of {}: {}",
            operation.name,
            operation.params.iter().map(|p| p.flag).collect::<Vec<_>>().join(" ")
        ));
        return Err(reply);
    }
    let missing: Vec<&str> =
        operation.params.iter().filter(|p| p.required && !args.has(p.flag)).map(|p| p.flag).collect();
    if !missing.is_empty() {
        return Err(usage_error(&format!(
            "the following arguments are required: {}",
            missing.join(", ")
        )));
    }
    Ok(args)
}

fn usage_error(message: &str) -> Reply {
    Reply::error(format!("{USAGE}\naws: error: {message}"), None)
}

fn invalid_choice<'a>(what: &str, got: &str, choices: impl Iterator<Item = &'a str>) -> Reply {
    let choices: Vec<&str> = choices.collect();
    let mut reply = usage_error(&format!(
        "argument {what}: Invalid choice, valid choices are:\n\n{}\n",
        choices.join("\n")
    ));
    let near = super::closest(got, choices.iter().copied());
    reply.hint = near.map(|n| format!("Did you mean '{n}'?"));
    reply
}

fn service_error(operation: &Operation, err: &AwsError) -> Reply {
    Reply::error(
        format!("\nAn error occurred ({}) when calling the {} operation: {}", err.code, operation.api, err.message),
        hint_for(&err.code),
    )
}

fn hint_for(code: &str) -> Option<String> {
    let hint = match code {
        "InvalidInstanceID.NotFound" | "InvalidInstanceID.Malformed" => {
            "List the instance ids with: aws ec2 describe-instances"
        }
        "DryRunOperation" => "Run it again without --dry-run to make the change.",
        "IncorrectInstanceState" => "Check the instance's State in aws ec2 describe-instances.",
        _ => return None,
    };
    Some(hint.to_string())
}

/// Renders a response as `--output` asks: JSON with four-space indents,
/// the CLI's tab-separated text, or its boxed table.
fn render(value: &Value, output: &str, api: &str) -> String {
    if output == "table" {
        return super::table::render_table(api, value);
    }
    if output == "text" {
        let mut lines = Vec::new();
        text_lines(None, value, &mut lines);
        return lines.join("\n");
    }
    let mut buf = Vec::new();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
    let mut ser = serde_json::Serializer::with_formatter(&mut buf, formatter);
    match serde::Serialize::serialize(value, &mut ser) {
        Ok(()) => String::from_utf8(buf).unwrap_or_default(),
        Err(_) => value.to_string(),
    }
}

/// The CLI's text output: each object prints its scalar fields on one
/// tab-separated line, sorted by key and headed by its key in capitals;
/// nested lists and objects follow on their own lines.
fn text_lines(key: Option<&str>, value: &Value, lines: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let scalars: Vec<String> =
                keys.iter().filter_map(|k| scalar(&map[*k])).collect();
            if !scalars.is_empty() {
                let mut line: Vec<String> = key.map(|k| k.to_uppercase()).into_iter().collect();
                line.extend(scalars);
                lines.push(line.join("\t"));
            }
            for k in keys {
                if scalar(&map[k]).is_none() {
                    text_lines(Some(k), &map[k], lines);
                }
            }
        }
        Value::Array(items) => {
            if items.iter().all(|v| scalar(v).is_some()) && !items.is_empty() {
                let mut line: Vec<String> = key.map(|k| k.to_uppercase()).into_iter().collect();
                line.extend(items.iter().filter_map(scalar));
                lines.push(line.join("\t"));
            } else {
                for item in items {
                    text_lines(key, item, lines);
                }
            }
        }
        other => lines.extend(scalar(other)),
    }
}

fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
        Value::Null => Some("None".to_string()),
        _ => None,
    }
}

fn aws_help() -> String {
    let mut out = String::from("AWS()\n\nNAME\n       aws -\n\nAVAILABLE SERVICES\n");
    for service in SERVICES {
        out.push_str(&format!("       o {}\n", service.name));
    }
    out.push_str("\nUse \"aws <service> help\" to list a service's operations.");
    out
}

fn service_help(service: &Service) -> String {
    let mut out = format!("{}\n\nAVAILABLE COMMANDS\n", service.name.to_uppercase());
    for op in service.operations {
        out.push_str(&format!("       o {}\n", op.name));
    }
    out.trim_end().to_string()
}

fn operation_help(service: &Service, op: &Operation) -> String {
    let mut out = format!("{}\n\nSYNOPSIS\n            {}\n", op.name.to_uppercase(), op.name);
    for p in op.params {
        let value = match p.kind {
            Kind::Flag => String::new(),
            Kind::List => " <value> [<value> ...]".into(),
            Kind::Structures => " <value> [<value> ...]".into(),
            _ => " <value>".into(),
        };
        let line = format!("{}{value}", p.flag);
        out.push_str(&if p.required { format!("          {line}\n") } else { format!("          [{line}]\n") });
    }
    out.push_str(&format!("\nSee the real reference: aws {} {} help", service.name, op.name));
    out
}

// ---- EC2 ----------------------------------------------------------------

fn filters(args: &Args) -> Result<Vec<Filter>, AwsError> {
    args.structures("--filters")?
        .iter()
        .map(|s| {
            let name = shorthand::get(s, "Name").and_then(|v| v.first()).ok_or_else(|| {
                cli_error("Error parsing parameter '--filters': each filter needs Name and Values")
            })?;
            let values = shorthand::get(s, "Values").map(<[String]>::to_vec).unwrap_or_default();
            Ok(Filter { name: name.clone(), values })
        })
        .collect()
}

fn describe_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let ids = args.list("--instance-ids");
    let filters = filters(args)?;
    let instances = world.ec2.describe_instances(world.env.now(), &ids, &filters)?;
    Ok(ec2::reservations_json(&world.ec2, &instances))
}

fn state_changes(key: &str, changes: Vec<ec2::StateChange>) -> Value {
    json!({ key: changes.iter().map(ec2::StateChange::to_json).collect::<Vec<_>>() })
}

fn start_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let changes = world.ec2.start_instances(&mut world.env, &args.list("--instance-ids"))?;
    Ok(state_changes("StartingInstances", changes))
}

fn stop_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let changes = world.ec2.stop_instances(&mut world.env, &args.list("--instance-ids"))?;
    Ok(state_changes("StoppingInstances", changes))
}

fn terminate_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let changes = world.ec2.terminate_instances(&mut world.env, &args.list("--instance-ids"))?;
    Ok(state_changes("TerminatingInstances", changes))
}

fn describe_instance_types(_world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let wanted = args.list("--instance-types");
    let c = catalogue();
    if let Some(bad) = wanted.iter().find(|t| c.instance_type(t).is_none()) {
        return Err(AwsError::new(
            "InvalidInstanceType",
            format!("The following supplied instance types do not exist: [{bad}]"),
        ));
    }
    let types: Vec<Value> = c
        .instance_types()
        .filter(|t| wanted.is_empty() || wanted.contains(&t.name))
        .map(|t| {
            json!({
                "InstanceType": t.name,
                "CurrentGeneration": true,
                "ProcessorInfo": { "SupportedArchitectures": [t.architecture.as_str()] },
                "VCpuInfo": { "DefaultVCpus": t.vcpu },
                "MemoryInfo": { "SizeInMiB": (t.memory_gib * 1024.0).round() as u64 },
            })
        })
        .collect();
    Ok(json!({ "InstanceTypes": types }))
}

// ---- CloudWatch -----------------------------------------------------------

fn dimensions(args: &Args) -> Result<Vec<(String, String)>, AwsError> {
    args.structures("--dimensions")?
        .iter()
        .map(|s| {
            let name = shorthand::get(s, "Name").and_then(|v| v.first());
            let value = shorthand::get(s, "Value").and_then(|v| v.first());
            match (name, value) {
                (Some(n), Some(v)) => Ok((n.clone(), v.clone())),
                _ => Err(cli_error(
                    "Error parsing parameter '--dimensions': each dimension needs Name and Value, \
                     such as Name=InstanceId,Value=i-0123456789abcdef0",
                )),
            }
        })
        .collect()
}

fn get_metric_statistics(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let statistics: Vec<Statistic> = args
        .list("--statistics")
        .iter()
        .map(|name| {
            Statistic::from_name(name).ok_or_else(|| {
                AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "The parameter Statistics.member.1 must be a value in the set \
                         [ SampleCount, Average, Sum, Minimum, Maximum ] (got '{name}')."
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    if statistics.is_empty() {
        return Err(AwsError::new(
            "InvalidParameterCombination",
            "Must specify either Statistics or ExtendedStatistics, but not both.",
        ));
    }
    let dims = dimensions(args)?;
    let start_unix = world.env.start_unix;
    let query = StatisticsQuery {
        namespace: args.text("--namespace").unwrap_or_default(),
        metric_name: args.text("--metric-name").unwrap_or_default(),
        dimensions: &dims,
        start: args.timestamp("--start-time")?.unwrap_or(start_unix) - start_unix,
        end: args.timestamp("--end-time")?.unwrap_or(start_unix) - start_unix,
        period: args.integer("--period")?.unwrap_or(60).max(0) as u64,
        statistics: &statistics,
    };
    let points = world.env.metrics.statistics(&query)?;
    let unit = world
        .env
        .metrics
        .find(query.namespace, query.metric_name, &dims)
        .map_or("None".to_string(), |s| s.unit.clone());
    Ok(cloudwatch::statistics_json(query.metric_name, &unit, &points, &statistics, start_unix))
}

fn list_metrics(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let dims = dimensions(args)?;
    let metrics: Vec<Value> = world
        .env
        .metrics
        .series()
        .iter()
        .filter(|s| args.text("--namespace").is_none_or(|n| n == s.namespace))
        .filter(|s| args.text("--metric-name").is_none_or(|n| n == s.metric_name))
        .filter(|s| dims.iter().all(|d| s.dimensions.contains(d)))
        .map(cloudwatch::metric_json)
        .collect();
    Ok(json!({ "Metrics": metrics }))
}

/// Flags that tab completion offers after `aws <service> <operation>`.
pub fn flags_of(service: &str, operation: &str) -> Vec<&'static str> {
    SERVICES
        .iter()
        .find(|s| s.name == service)
        .and_then(|s| s.operations.iter().find(|o| o.name == operation))
        .map(|o| o.params.iter().map(|p| p.flag).chain(GLOBAL_OPTIONS.iter().map(|(f, _)| *f)).collect())
        .unwrap_or_default()
}
