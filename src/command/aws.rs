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
use crate::calendar::{format_iso8601, parse_iso8601};
use crate::catalogue::catalogue;
use crate::services::cloudwatch::{self, Statistic, StatisticsQuery};
use crate::services::ec2;
use crate::services::alarms::{
    self, AlarmConfig, AlarmState, ComparisonOperator, HistoryItemType, TreatMissingData,
};
use crate::services::autoscaling::{
    self, policies, Group, GroupInput, GroupTag, PolicyInput, StepAdjustment,
};
use crate::services::launch_templates::{
    self, InstanceRequest, LaunchTemplateVersion, TemplateSpecifier,
};
use crate::services::validation_error;
use crate::services::{filter_matches, metric_data, AwsError, Filter};
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
        name: "autoscaling",
        operations: &[
            Operation {
                name: "create-auto-scaling-group",
                api: "CreateAutoScalingGroup",
                params: &[
                    req("--auto-scaling-group-name", Kind::Text),
                    opt("--launch-template", Kind::Structures),
                    opt("--launch-configuration-name", Kind::Text),
                    opt("--instance-id", Kind::Text),
                    opt("--mixed-instances-policy", Kind::Text),
                    req("--min-size", Kind::Integer),
                    req("--max-size", Kind::Integer),
                    opt("--desired-capacity", Kind::Integer),
                    opt("--default-cooldown", Kind::Integer),
                    opt("--default-instance-warmup", Kind::Integer),
                    opt("--availability-zones", Kind::List),
                    opt("--vpc-zone-identifier", Kind::Text),
                    opt("--termination-policies", Kind::List),
                    opt("--health-check-type", Kind::Text),
                    opt("--health-check-grace-period", Kind::Integer),
                    opt("--new-instances-protected-from-scale-in", Kind::Flag),
                    opt("--no-new-instances-protected-from-scale-in", Kind::Flag),
                    opt("--tags", Kind::Structures),
                ],
                run: create_auto_scaling_group,
            },
            Operation {
                name: "delete-auto-scaling-group",
                api: "DeleteAutoScalingGroup",
                params: &[
                    req("--auto-scaling-group-name", Kind::Text),
                    opt("--force-delete", Kind::Flag),
                    opt("--no-force-delete", Kind::Flag),
                ],
                run: delete_auto_scaling_group,
            },
            Operation {
                name: "delete-policy",
                api: "DeletePolicy",
                params: &[
                    opt("--auto-scaling-group-name", Kind::Text),
                    req("--policy-name", Kind::Text),
                ],
                run: delete_policy,
            },
            Operation {
                name: "describe-auto-scaling-groups",
                api: "DescribeAutoScalingGroups",
                params: &[
                    opt("--auto-scaling-group-names", Kind::List),
                    opt("--filters", Kind::Structures),
                    opt("--max-records", Kind::Integer),
                ],
                run: describe_auto_scaling_groups,
            },
            Operation {
                name: "describe-auto-scaling-instances",
                api: "DescribeAutoScalingInstances",
                params: &[opt("--instance-ids", Kind::List), opt("--max-records", Kind::Integer)],
                run: describe_auto_scaling_instances,
            },
            Operation {
                name: "describe-policies",
                api: "DescribePolicies",
                params: &[
                    opt("--auto-scaling-group-name", Kind::Text),
                    opt("--policy-names", Kind::List),
                    opt("--policy-types", Kind::List),
                    opt("--max-records", Kind::Integer),
                ],
                run: describe_policies,
            },
            Operation {
                name: "describe-scaling-activities",
                api: "DescribeScalingActivities",
                params: &[
                    opt("--activity-ids", Kind::List),
                    opt("--auto-scaling-group-name", Kind::Text),
                    opt("--include-deleted-groups", Kind::Flag),
                    opt("--max-records", Kind::Integer),
                ],
                run: describe_scaling_activities,
            },
            Operation {
                name: "execute-policy",
                api: "ExecutePolicy",
                params: &[
                    opt("--auto-scaling-group-name", Kind::Text),
                    req("--policy-name", Kind::Text),
                    opt("--honor-cooldown", Kind::Flag),
                    opt("--no-honor-cooldown", Kind::Flag),
                    opt("--metric-value", Kind::Text),
                    opt("--breach-threshold", Kind::Text),
                ],
                run: execute_policy,
            },
            Operation {
                name: "put-scaling-policy",
                api: "PutScalingPolicy",
                params: &[
                    req("--auto-scaling-group-name", Kind::Text),
                    req("--policy-name", Kind::Text),
                    opt("--policy-type", Kind::Text),
                    opt("--adjustment-type", Kind::Text),
                    opt("--min-adjustment-step", Kind::Integer),
                    opt("--min-adjustment-magnitude", Kind::Integer),
                    opt("--scaling-adjustment", Kind::Integer),
                    opt("--cooldown", Kind::Integer),
                    opt("--metric-aggregation-type", Kind::Text),
                    opt("--step-adjustments", Kind::Structures),
                    opt("--estimated-instance-warmup", Kind::Integer),
                    opt("--target-tracking-configuration", Kind::Text),
                    opt("--enabled", Kind::Flag),
                    opt("--no-enabled", Kind::Flag),
                    opt("--predictive-scaling-configuration", Kind::Text),
                ],
                run: put_scaling_policy,
            },
            Operation {
                name: "set-desired-capacity",
                api: "SetDesiredCapacity",
                params: &[
                    req("--auto-scaling-group-name", Kind::Text),
                    req("--desired-capacity", Kind::Integer),
                    opt("--honor-cooldown", Kind::Flag),
                    opt("--no-honor-cooldown", Kind::Flag),
                ],
                run: set_desired_capacity,
            },
            Operation {
                name: "terminate-instance-in-auto-scaling-group",
                api: "TerminateInstanceInAutoScalingGroup",
                params: &[
                    req("--instance-id", Kind::Text),
                    opt("--should-decrement-desired-capacity", Kind::Flag),
                    opt("--no-should-decrement-desired-capacity", Kind::Flag),
                ],
                run: terminate_instance_in_auto_scaling_group,
            },
            Operation {
                name: "update-auto-scaling-group",
                api: "UpdateAutoScalingGroup",
                params: &[
                    req("--auto-scaling-group-name", Kind::Text),
                    opt("--launch-template", Kind::Structures),
                    opt("--launch-configuration-name", Kind::Text),
                    opt("--mixed-instances-policy", Kind::Text),
                    opt("--min-size", Kind::Integer),
                    opt("--max-size", Kind::Integer),
                    opt("--desired-capacity", Kind::Integer),
                    opt("--default-cooldown", Kind::Integer),
                    opt("--default-instance-warmup", Kind::Integer),
                    opt("--availability-zones", Kind::List),
                    opt("--vpc-zone-identifier", Kind::Text),
                    opt("--termination-policies", Kind::List),
                    opt("--health-check-type", Kind::Text),
                    opt("--health-check-grace-period", Kind::Integer),
                    opt("--new-instances-protected-from-scale-in", Kind::Flag),
                    opt("--no-new-instances-protected-from-scale-in", Kind::Flag),
                ],
                run: update_auto_scaling_group,
            },
        ],
    },
    Service {
        name: "cloudwatch",
        operations: &[
            Operation {
                name: "delete-alarms",
                api: "DeleteAlarms",
                params: &[req("--alarm-names", Kind::List)],
                run: delete_alarms,
            },
            Operation {
                name: "describe-alarm-history",
                api: "DescribeAlarmHistory",
                params: &[
                    opt("--alarm-name", Kind::Text),
                    opt("--alarm-types", Kind::List),
                    opt("--history-item-type", Kind::Text),
                    opt("--start-date", Kind::Timestamp),
                    opt("--end-date", Kind::Timestamp),
                    opt("--max-records", Kind::Integer),
                    opt("--scan-by", Kind::Text),
                ],
                run: describe_alarm_history,
            },
            Operation {
                name: "describe-alarms",
                api: "DescribeAlarms",
                params: &[
                    opt("--alarm-names", Kind::List),
                    opt("--alarm-name-prefix", Kind::Text),
                    opt("--alarm-types", Kind::List),
                    opt("--state-value", Kind::Text),
                    opt("--action-prefix", Kind::Text),
                    opt("--max-records", Kind::Integer),
                ],
                run: describe_alarms,
            },
            Operation {
                name: "describe-alarms-for-metric",
                api: "DescribeAlarmsForMetric",
                params: &[
                    req("--metric-name", Kind::Text),
                    req("--namespace", Kind::Text),
                    opt("--statistic", Kind::Text),
                    opt("--dimensions", Kind::Structures),
                    opt("--period", Kind::Integer),
                    opt("--unit", Kind::Text),
                ],
                run: describe_alarms_for_metric,
            },
            Operation {
                name: "disable-alarm-actions",
                api: "DisableAlarmActions",
                params: &[req("--alarm-names", Kind::List)],
                run: disable_alarm_actions,
            },
            Operation {
                name: "enable-alarm-actions",
                api: "EnableAlarmActions",
                params: &[req("--alarm-names", Kind::List)],
                run: enable_alarm_actions,
            },
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
                    opt("--extended-statistics", Kind::List),
                    opt("--unit", Kind::Text),
                ],
                run: get_metric_statistics,
            },
            Operation {
                name: "get-metric-data",
                api: "GetMetricData",
                params: &[
                    req("--metric-data-queries", Kind::List),
                    req("--start-time", Kind::Timestamp),
                    req("--end-time", Kind::Timestamp),
                    opt("--scan-by", Kind::Text),
                    opt("--max-datapoints", Kind::Integer),
                    opt("--label-options", Kind::Text),
                ],
                run: get_metric_data,
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
            Operation {
                name: "put-metric-alarm",
                api: "PutMetricAlarm",
                params: &[
                    req("--alarm-name", Kind::Text),
                    opt("--alarm-description", Kind::Text),
                    opt("--actions-enabled", Kind::Flag),
                    opt("--no-actions-enabled", Kind::Flag),
                    opt("--ok-actions", Kind::List),
                    opt("--alarm-actions", Kind::List),
                    opt("--insufficient-data-actions", Kind::List),
                    opt("--metric-name", Kind::Text),
                    opt("--namespace", Kind::Text),
                    opt("--statistic", Kind::Text),
                    opt("--extended-statistic", Kind::Text),
                    opt("--dimensions", Kind::Structures),
                    opt("--period", Kind::Integer),
                    opt("--unit", Kind::Text),
                    req("--evaluation-periods", Kind::Integer),
                    opt("--datapoints-to-alarm", Kind::Integer),
                    opt("--threshold", Kind::Text),
                    req("--comparison-operator", Kind::Text),
                    opt("--treat-missing-data", Kind::Text),
                    opt("--evaluate-low-sample-count-percentile", Kind::Text),
                    opt("--metrics", Kind::Text),
                    opt("--threshold-metric-id", Kind::Text),
                    opt("--tags", Kind::Structures),
                ],
                run: put_metric_alarm,
            },
            Operation {
                name: "set-alarm-state",
                api: "SetAlarmState",
                params: &[
                    req("--alarm-name", Kind::Text),
                    req("--state-value", Kind::Text),
                    req("--state-reason", Kind::Text),
                    opt("--state-reason-data", Kind::Text),
                ],
                run: set_alarm_state,
            },
        ],
    },
    Service {
        name: "ec2",
        operations: &[
            Operation {
                name: "create-launch-template",
                api: "CreateLaunchTemplate",
                params: &[
                    req("--launch-template-name", Kind::Text),
                    req("--launch-template-data", Kind::Text),
                    opt("--version-description", Kind::Text),
                    opt("--tag-specifications", Kind::List),
                    opt("--client-token", Kind::Text),
                    opt("--dry-run", Kind::Flag),
                ],
                run: create_launch_template,
            },
            Operation {
                name: "create-launch-template-version",
                api: "CreateLaunchTemplateVersion",
                params: &[
                    opt("--launch-template-id", Kind::Text),
                    opt("--launch-template-name", Kind::Text),
                    req("--launch-template-data", Kind::Text),
                    opt("--source-version", Kind::Text),
                    opt("--version-description", Kind::Text),
                    opt("--client-token", Kind::Text),
                    opt("--dry-run", Kind::Flag),
                ],
                run: create_launch_template_version,
            },
            Operation {
                name: "delete-launch-template",
                api: "DeleteLaunchTemplate",
                params: &[
                    opt("--launch-template-id", Kind::Text),
                    opt("--launch-template-name", Kind::Text),
                    opt("--dry-run", Kind::Flag),
                ],
                run: delete_launch_template,
            },
            Operation {
                name: "describe-images",
                api: "DescribeImages",
                params: &[
                    opt("--image-ids", Kind::List),
                    opt("--owners", Kind::List),
                    opt("--filters", Kind::Structures),
                    opt("--include-deprecated", Kind::Flag),
                    opt("--dry-run", Kind::Flag),
                ],
                run: describe_images,
            },
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
                name: "describe-launch-template-versions",
                api: "DescribeLaunchTemplateVersions",
                params: &[
                    opt("--launch-template-id", Kind::Text),
                    opt("--launch-template-name", Kind::Text),
                    opt("--versions", Kind::List),
                    opt("--min-version", Kind::Text),
                    opt("--max-version", Kind::Text),
                    opt("--max-results", Kind::Integer),
                    opt("--dry-run", Kind::Flag),
                ],
                run: describe_launch_template_versions,
            },
            Operation {
                name: "describe-launch-templates",
                api: "DescribeLaunchTemplates",
                params: &[
                    opt("--launch-template-ids", Kind::List),
                    opt("--launch-template-names", Kind::List),
                    opt("--max-results", Kind::Integer),
                    opt("--dry-run", Kind::Flag),
                ],
                run: describe_launch_templates,
            },
            Operation {
                name: "modify-launch-template",
                api: "ModifyLaunchTemplate",
                params: &[
                    opt("--launch-template-id", Kind::Text),
                    opt("--launch-template-name", Kind::Text),
                    opt("--default-version", Kind::Text),
                    opt("--dry-run", Kind::Flag),
                ],
                run: modify_launch_template,
            },
            Operation {
                name: "run-instances",
                api: "RunInstances",
                params: &[
                    opt("--image-id", Kind::Text),
                    opt("--instance-type", Kind::Text),
                    opt("--count", Kind::Text),
                    opt("--min-count", Kind::Integer),
                    opt("--max-count", Kind::Integer),
                    opt("--launch-template", Kind::Structures),
                    opt("--tag-specifications", Kind::List),
                    opt("--user-data", Kind::Text),
                    opt("--key-name", Kind::Text),
                    opt("--security-group-ids", Kind::List),
                    opt("--subnet-id", Kind::Text),
                    opt("--dry-run", Kind::Flag),
                ],
                run: run_instances,
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
    Service {
        name: "sqs",
        operations: &[
            Operation {
                name: "create-queue",
                api: "CreateQueue",
                params: &[
                    req("--queue-name", Kind::Text),
                    opt("--attributes", Kind::Structures),
                ],
                run: sqs_create_queue,
            },
            Operation {
                name: "delete-message",
                api: "DeleteMessage",
                params: &[req("--queue-url", Kind::Text), req("--receipt-handle", Kind::Text)],
                run: sqs_delete_message,
            },
            Operation {
                name: "get-queue-attributes",
                api: "GetQueueAttributes",
                params: &[req("--queue-url", Kind::Text), opt("--attribute-names", Kind::List)],
                run: sqs_get_queue_attributes,
            },
            Operation {
                name: "get-queue-url",
                api: "GetQueueUrl",
                params: &[
                    req("--queue-name", Kind::Text),
                    opt("--queue-owner-aws-account-id", Kind::Text),
                ],
                run: sqs_get_queue_url,
            },
            Operation {
                name: "list-queues",
                api: "ListQueues",
                params: &[
                    opt("--queue-name-prefix", Kind::Text),
                    opt("--max-results", Kind::Integer),
                ],
                run: sqs_list_queues,
            },
            Operation {
                name: "purge-queue",
                api: "PurgeQueue",
                params: &[req("--queue-url", Kind::Text)],
                run: sqs_purge_queue,
            },
            Operation {
                name: "receive-message",
                api: "ReceiveMessage",
                params: &[
                    req("--queue-url", Kind::Text),
                    opt("--attribute-names", Kind::List),
                    opt("--message-system-attribute-names", Kind::List),
                    opt("--message-attribute-names", Kind::List),
                    opt("--max-number-of-messages", Kind::Integer),
                    opt("--visibility-timeout", Kind::Integer),
                    opt("--wait-time-seconds", Kind::Integer),
                ],
                run: sqs_receive_message,
            },
            Operation {
                name: "send-message",
                api: "SendMessage",
                params: &[
                    req("--queue-url", Kind::Text),
                    req("--message-body", Kind::Text),
                    opt("--delay-seconds", Kind::Integer),
                ],
                run: sqs_send_message,
            },
            Operation {
                name: "set-queue-attributes",
                api: "SetQueueAttributes",
                params: &[req("--queue-url", Kind::Text), req("--attributes", Kind::Structures)],
                run: sqs_set_queue_attributes,
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

    let args = match parse_params(operation, &rest).and_then(|args| load_paramfiles(world, args)) {
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

/// Replaces every `file://PATH` (or `fileb://PATH`) value with the text of
/// that file from the player's home directory, as the CLI loads
/// parameter files.
fn load_paramfiles(world: &World, mut args: Args) -> Result<Args, Reply> {
    for (flag, values) in args.values.iter_mut() {
        for value in values.iter_mut() {
            let Some(path) = value.strip_prefix("file://").or_else(|| value.strip_prefix("fileb://")) else {
                continue;
            };
            match world.files.read(path) {
                Ok(text) => *value = text.to_string(),
                Err(e) => {
                    let reason = match e {
                        crate::files::FileError::IsADirectory(_) => "[Errno 21] Is a directory",
                        _ => "[Errno 2] No such file or directory",
                    };
                    return Err(Reply::error(
                        format!("\nError parsing parameter '{flag}': Unable to load paramfile {value}: {reason}: '{path}'"),
                        Some("ls lists your files; write one with echo '...' > file.json or the editor.".into()),
                    ));
                }
            }
        }
    }
    Ok(args)
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
        "AWS.SimpleQueueService.NonExistentQueue" => "List the queues with: aws sqs list-queues",
        "InvalidAddress" => {
            "--queue-url takes the queue's URL, not its name: \
             aws sqs get-queue-url --queue-name NAME"
        }
        "InvalidAttributeName" => {
            "Attribute names are AWS's, such as VisibilityTimeout or MessageRetentionPeriod; \
             see aws sqs get-queue-attributes --attribute-names All"
        }
        // CloudWatch alarms, launch templates and Auto Scaling.
        "ResourceNotFound" => "List the alarms with: aws cloudwatch describe-alarms",
        "AlreadyExists" => {
            "A group of that name exists; change it with aws autoscaling update-auto-scaling-group"
        }
        "ResourceInUse" => {
            "Set its desired capacity to 0 first, or delete it with --force-delete to terminate \
             its instances."
        }
        "ScalingActivityInProgress" => {
            "See aws autoscaling describe-scaling-activities; try again once it is done, or \
             leave out --honor-cooldown."
        }
        "InvalidLaunchTemplateName.NotFoundException"
        | "InvalidLaunchTemplateId.NotFound"
        | "InvalidLaunchTemplateId.VersionNotFound" => {
            "List the launch templates with: aws ec2 describe-launch-templates"
        }
        "InvalidLaunchTemplateName.AlreadyExistsException" => {
            "Add a version instead: aws ec2 create-launch-template-version"
        }
        "InvalidUserData.Malformed" => {
            "Launch template UserData is base64; run-instances --user-data takes plain text."
        }
        "VcpuLimitExceeded" => "Terminate instances you no longer need, or pick smaller types.",
        _ => return None,
    };
    Some(hint.to_string())
}

/// Renders a response as `--output` asks: JSON with four-space indents,
/// the CLI's tab-separated text, or its boxed table.
fn render(value: &Value, output: &str, api: &str) -> String {
    // Operations with nothing to return (DeleteMessage, PurgeQueue ...) print
    // nothing at all, as the CLI does.
    if value.as_object().is_some_and(|m| m.is_empty()) {
        return String::new();
    }
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

/// A scalar as the CLI prints it in text and table output (`True`,
/// `None`); `None` for lists and objects.
pub(super) fn scalar(value: &Value) -> Option<String> {
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

/// The account id Amazon's public images belong to in us-east-1.
const AMAZON_OWNER_ID: &str = "137112412989";

fn describe_images(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let ids = args.list("--image-ids");
    if let Some(bad) = ids.iter().find(|id| !is_image_id(id)) {
        return Err(AwsError::new("InvalidAMIID.Malformed", format!("Invalid id: \"{bad}\" (expecting \"ami-...\")")));
    }
    if let Some(missing) = ids.iter().find(|id| !world.ec2.images.iter().any(|i| &&i.image_id == id)) {
        return Err(AwsError::new("InvalidAMIID.NotFound", format!("The image id '[{missing}]' does not exist")));
    }
    let filters = filters(args)?;
    let field = |image: &ec2::Image, name: &str| -> Option<String> {
        Some(match name {
            "architecture" => image.architecture.as_str().to_string(),
            "image-id" => image.image_id.clone(),
            "name" => image.name.clone(),
            "owner-alias" => "amazon".into(),
            "owner-id" => AMAZON_OWNER_ID.into(),
            "state" => "available".into(),
            "image-type" => "machine".into(),
            "platform-details" => "Linux/UNIX".into(),
            "root-device-type" => "ebs".into(),
            "virtualization-type" => "hvm".into(),
            "is-public" => "true".into(),
            _ => return None,
        })
    };
    let probe = &world.ec2.images[0];
    if let Some(bad) = filters.iter().find(|f| field(probe, &f.name).is_none()) {
        return Err(AwsError::new("InvalidParameterValue", format!("The filter '{}' is invalid", bad.name)));
    }
    // Amazon's images match the owners amazon and its account id; the
    // player's own account (self) has none.
    let owners = args.list("--owners");
    let owned = owners.is_empty() || owners.iter().any(|o| o == "amazon" || o == AMAZON_OWNER_ID);
    let images: Vec<Value> = world
        .ec2
        .images
        .iter()
        .filter(|i| owned && (ids.is_empty() || ids.contains(&i.image_id)))
        .filter(|i| filters.iter().all(|f| field(i, &f.name).is_some_and(|v| filter_matches(&f.values, &v))))
        .map(image_json)
        .collect();
    Ok(json!({ "Images": images }))
}

fn is_image_id(id: &str) -> bool {
    id.strip_prefix("ami-").is_some_and(|hex| {
        matches!(hex.len(), 8 | 17) && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

fn image_json(image: &ec2::Image) -> Value {
    let arch = image.architecture.as_str();
    json!({
        "Architecture": arch,
        "CreationDate": "2026-01-15T21:04:11.000Z",
        "ImageId": image.image_id,
        "ImageLocation": format!("amazon/{}", image.name),
        "ImageType": "machine",
        "Public": true,
        "OwnerId": AMAZON_OWNER_ID,
        "PlatformDetails": "Linux/UNIX",
        "UsageOperation": "RunInstances",
        "State": "available",
        "BlockDeviceMappings": [{
            "DeviceName": "/dev/xvda",
            "Ebs": {
                "DeleteOnTermination": true,
                "SnapshotId": if arch == "arm64" { "snap-0f6d1c2b3a4e59687" } else { "snap-0a9b8c7d6e5f41032" },
                "VolumeSize": 8,
                "VolumeType": "gp3",
                "Encrypted": false
            }
        }],
        "Description": format!("Amazon Linux 2023 AMI 2023.6.20260115.0 {arch} HVM kernel-6.1"),
        "EnaSupport": true,
        "Hypervisor": "xen",
        "ImageOwnerAlias": "amazon",
        "Name": image.name,
        "RootDeviceName": "/dev/xvda",
        "RootDeviceType": "ebs",
        "SriovNetSupport": "simple",
        "VirtualizationType": "hvm",
        "BootMode": "uefi-preferred",
        "DeprecationTime": "2028-01-15T21:04:00.000Z"
    })
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
    let extended = args.list("--extended-statistics");
    let percentiles: Vec<(String, f64)> = extended
        .iter()
        .map(|name| {
            metric_data::parse_percentile(name).map(|p| (name.clone(), p)).ok_or_else(|| {
                AwsError::new(
                    "InvalidParameterValue",
                    format!(
                        "The value {name} for parameter ExtendedStatistics is not supported: use a \
                         percentile from p0 to p100, such as p90 or p99.9."
                    ),
                )
            })
        })
        .collect::<Result<_, _>>()?;
    if statistics.is_empty() == percentiles.is_empty() {
        return Err(AwsError::new(
            "InvalidParameterCombination",
            "Must specify either Statistics or ExtendedStatistics, but not both.",
        ));
    }
    if percentiles.len() > 10 {
        return Err(AwsError::new(
            "InvalidParameterValue",
            "The collection ExtendedStatistics must not have more than 10 members.",
        ));
    }
    let dims = dimensions(args)?;
    let start_unix = world.env.start_unix;
    let namespace = args.text("--namespace").unwrap_or_default();
    let metric_name = args.text("--metric-name").unwrap_or_default();
    let start = args.timestamp("--start-time")?.unwrap_or(start_unix) - start_unix;
    let end = args.timestamp("--end-time")?.unwrap_or(start_unix) - start_unix;
    let period = args.integer("--period")?.unwrap_or(60).max(0) as u64;
    let metrics = &world.env.metrics;
    let unit = metrics.find(namespace, metric_name, &dims).map_or("None".to_string(), |s| s.unit.clone());
    if percentiles.is_empty() {
        let query = StatisticsQuery {
            namespace,
            metric_name,
            dimensions: &dims,
            start,
            end,
            period,
            statistics: &statistics,
        };
        let points = metrics.statistics(&query)?;
        return Ok(cloudwatch::statistics_json(metric_name, &unit, &points, &statistics, start_unix));
    }
    let points = metric_data::datapoints(metrics, namespace, metric_name, &dims, (start, end, period))?;
    let datapoints: Vec<Value> = points
        .iter()
        .map(|point| {
            let values: serde_json::Map<String, Value> = percentiles
                .iter()
                .filter_map(|(name, p)| {
                    let value = point.value(metric_data::Stat::Percentile(*p))?;
                    Some((name.clone(), json!(cloudwatch::round_for_display(value))))
                })
                .collect();
            json!({
                "Timestamp": format_iso8601(start_unix + point.start),
                "Unit": unit,
                "ExtendedStatistics": values,
            })
        })
        .collect();
    Ok(json!({ "Label": metric_name, "Datapoints": datapoints }))
}

fn get_metric_data(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let value = structure_list(args, "--metric-data-queries")?;
    let queries = metric_data::parse_queries(&value)?;
    let start_unix = world.env.start_unix;
    let start = args.timestamp("--start-time")?.unwrap_or(start_unix) - start_unix;
    let end = args.timestamp("--end-time")?.unwrap_or(start_unix) - start_unix;
    let ascending = match args.text("--scan-by") {
        None | Some("TimestampDescending") => false,
        Some("TimestampAscending") => true,
        Some(other) => {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "1 validation error detected: Value '{other}' at 'scanBy' failed to satisfy \
                     constraint: Member must satisfy enum value set: [TimestampDescending, TimestampAscending]"
                ),
            ))
        }
    };
    metric_data::get_metric_data(&world.env.metrics, &queries, (start, end), ascending, start_unix)
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

// ---- SQS ------------------------------------------------------------------

/// `--attributes` as (name, value) pairs, from shorthand
/// (`VisibilityTimeout=60,MessageRetentionPeriod=3600`) or a JSON map. A
/// value that itself holds commas, such as a `RedrivePolicy` in shorthand,
/// is put back together.
fn sqs_attributes(args: &Args) -> Result<Vec<(String, String)>, AwsError> {
    Ok(args
        .structures("--attributes")?
        .into_iter()
        .flatten()
        .map(|(key, values)| (key, values.join(",")))
        .collect())
}

fn sqs_url(args: &Args) -> &str {
    args.text("--queue-url").unwrap_or_default()
}

fn sqs_create_queue(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--queue-name").unwrap_or_default();
    let attributes = sqs_attributes(args)?;
    let url = world.sqs.create_queue(&mut world.env, name, &attributes)?;
    Ok(json!({ "QueueUrl": url }))
}

fn sqs_delete_message(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let handle = args.text("--receipt-handle").unwrap_or_default();
    world.sqs.delete_message(&mut world.env, sqs_url(args), handle)?;
    Ok(json!({}))
}

fn sqs_get_queue_attributes(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let names = args.list("--attribute-names");
    let attributes = world.sqs.get_queue_attributes(&world.env, sqs_url(args), &names)?;
    if attributes.is_empty() {
        return Ok(json!({}));
    }
    let map: serde_json::Map<String, Value> =
        attributes.into_iter().map(|(k, v)| (k.to_string(), Value::String(v))).collect();
    Ok(json!({ "Attributes": map }))
}

fn sqs_get_queue_url(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    if args.text("--queue-owner-aws-account-id").is_some_and(|a| a != crate::world::ACCOUNT_ID) {
        return Err(AwsError::new(
            "AWS.SimpleQueueService.NonExistentQueue",
            "The specified queue does not exist.",
        ));
    }
    let url = world.sqs.get_queue_url(args.text("--queue-name").unwrap_or_default())?;
    Ok(json!({ "QueueUrl": url }))
}

fn sqs_list_queues(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let prefix = args.text("--queue-name-prefix").unwrap_or_default();
    let urls = world.sqs.list_queues(prefix, args.integer("--max-results")?)?;
    if urls.is_empty() {
        return Ok(json!({}));
    }
    Ok(json!({ "QueueUrls": urls }))
}

fn sqs_purge_queue(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    world.sqs.purge_queue(&mut world.env, sqs_url(args))?;
    Ok(json!({}))
}

fn sqs_receive_message(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    if let Some(wait) = args.integer("--wait-time-seconds")?.filter(|w| !(0..=20).contains(w)) {
        return Err(AwsError::new(
            "InvalidParameterValue",
            format!(
                "Value {wait} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and \
                 <= 20, if provided."
            ),
        ));
    }
    let mut attributes = args.list("--attribute-names");
    attributes.extend(args.list("--message-system-attribute-names"));
    let system = crate::services::sqs::MESSAGE_SYSTEM_ATTRIBUTES;
    let known = |a: &String| a == "All" || system.contains(&a.as_str());
    if let Some(bad) = attributes.iter().find(|a| !known(a)) {
        return Err(AwsError::new("InvalidAttributeName", format!("Unknown Attribute {bad}.")));
    }
    let max = args.integer("--max-number-of-messages")?;
    let timeout = args.integer("--visibility-timeout")?;
    let url = sqs_url(args);
    let messages = world.sqs.receive_message(&mut world.env, url, max, timeout)?;
    Ok(crate::services::sqs::received_json(&messages, &attributes, world.env.start_unix))
}

fn sqs_send_message(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let body = args.text("--message-body").unwrap_or_default();
    let delay = args.integer("--delay-seconds")?;
    let (id, md5) = world.sqs.send_message(&mut world.env, sqs_url(args), body, delay)?;
    Ok(json!({ "MD5OfMessageBody": md5, "MessageId": id }))
}

fn sqs_set_queue_attributes(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let attributes = sqs_attributes(args)?;
    world.sqs.set_queue_attributes(&mut world.env, sqs_url(args), &attributes)?;
    Ok(json!({}))
}

// ---- CloudWatch alarms, EC2 launch templates and Auto Scaling --------------
//
// Handlers for the operations of services::alarms, services::launch_templates
// and services::autoscaling. Parameter shapes the CLI itself checks (numbers,
// JSON and shorthand) fail here with the CLI's words; everything else is the
// services' to refuse.

fn float(args: &Args, flag: &str) -> Result<Option<f64>, AwsError> {
    args.text(flag)
        .map(|t| {
            t.trim()
                .parse::<f64>()
                .map_err(|_| cli_error(format!("could not convert string to float: '{t}'")))
        })
        .transpose()
}

/// A structure parameter given as JSON or as (possibly nested) shorthand.
fn nested(args: &Args, flag: &str) -> Result<Option<Value>, AwsError> {
    let Some(text) = args.text(flag) else {
        return Ok(None);
    };
    let trimmed = text.trim_start();
    let parsed = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        serde_json::from_str(text).map_err(|e| {
            format!("Error parsing parameter '{flag}': Invalid JSON: {e}\nJSON received: {text}")
        })
    } else {
        shorthand::parse_nested(text)
            .map_err(|e| e.replace("parameter:", &format!("parameter '{flag}':")))
    };
    parsed.map(Some).map_err(cli_error)
}

/// A list-of-structures parameter as JSON: one JSON word (a list, or one
/// structure made a list of one), or one nested-shorthand word per entry.
fn structure_list(args: &Args, flag: &str) -> Result<Value, AwsError> {
    let words = args.list(flag);
    match words.as_slice() {
        [one] if one.trim_start().starts_with('[') || one.trim_start().starts_with('{') => {
            let v: Value = serde_json::from_str(one).map_err(|e| {
                cli_error(format!("Error parsing parameter '{flag}': Invalid JSON: {e}\nJSON received: {one}"))
            })?;
            Ok(if v.is_object() { Value::Array(vec![v]) } else { v })
        }
        many => many
            .iter()
            .map(|w| shorthand::parse_nested(w))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array)
            .map_err(|e| cli_error(e.replace("parameter:", &format!("parameter '{flag}':")))),
    }
}

/// `--tag-specifications`: JSON, or one nested-shorthand word per entry.
/// Returns (ResourceType, tags) pairs.
/// `(ResourceType, tags)` pairs of a `--tag-specifications` argument.
type TagSpecifications = Vec<(String, Vec<(String, String)>)>;

fn tag_specifications(args: &Args) -> Result<TagSpecifications, AwsError> {
    if !args.has("--tag-specifications") {
        return Ok(Vec::new());
    }
    let value = structure_list(args, "--tag-specifications")?;
    launch_templates::check_tag_specifications("TagSpecifications", &value).map_err(cli_error)?;
    let specs = value.as_array().cloned().unwrap_or_default();
    Ok(specs
        .iter()
        .map(|spec| {
            let kind = spec
                .get("ResourceType")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            let tags = spec
                .get("Tags")
                .and_then(Value::as_array)
                .map(|tags| {
                    tags.iter()
                        .filter_map(|t| {
                            let key = t.get("Key").and_then(Value::as_str)?;
                            let value = t.get("Value").and_then(Value::as_str).unwrap_or("");
                            Some((key.to_string(), value.to_string()))
                        })
                        .collect()
                })
                .unwrap_or_default();
            (kind, tags)
        })
        .collect())
}

fn check_resource_types(
    specs: &[(String, Vec<(String, String)>)],
    allowed: &[&str],
) -> Result<(), AwsError> {
    match specs
        .iter()
        .find(|(kind, _)| !allowed.contains(&kind.as_str()))
    {
        Some((kind, _)) => Err(AwsError::new(
            "InvalidParameterValue",
            format!(
                "'{kind}' is not a valid taggable resource type for this operation. Use: {}.",
                allowed.join(", ")
            ),
        )),
        None => Ok(()),
    }
}

/// `--launch-template LaunchTemplateName=...,Version=...` (or the id).
fn template_specifier(args: &Args) -> Result<Option<TemplateSpecifier>, AwsError> {
    let structures = args.structures("--launch-template")?;
    let Some(s) = structures.first() else {
        return Ok(None);
    };
    let one = |key: &str| shorthand::get(s, key).and_then(|v| v.first()).cloned();
    if let Some((bad, _)) = s
        .iter()
        .find(|(k, _)| !["LaunchTemplateId", "LaunchTemplateName", "Version"].contains(&k.as_str()))
    {
        return Err(cli_error(format!(
            "Parameter validation failed:\nUnknown parameter in LaunchTemplate: \"{bad}\", must \
             be one of: LaunchTemplateId, LaunchTemplateName, Version"
        )));
    }
    Ok(Some(TemplateSpecifier {
        id: one("LaunchTemplateId"),
        name: one("LaunchTemplateName"),
        version: one("Version"),
    }))
}

/// A template named by `--launch-template-id` or `--launch-template-name`.
fn template_by_flags(args: &Args) -> TemplateSpecifier {
    TemplateSpecifier {
        id: args.text("--launch-template-id").map(str::to_string),
        name: args.text("--launch-template-name").map(str::to_string),
        version: None,
    }
}

fn template_data(args: &Args) -> Result<serde_json::Map<String, Value>, AwsError> {
    let value = nested(args, "--launch-template-data")?.unwrap_or(Value::Null);
    launch_templates::parse_template_data(value).map_err(cli_error)
}

fn create_launch_template(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--launch-template-name").unwrap_or_default();
    let data = template_data(args)?;
    let specs = tag_specifications(args)?;
    check_resource_types(&specs, &["launch-template"])?;
    let tags = specs.into_iter().flat_map(|(_, tags)| tags).collect();
    let description = args.text("--version-description").map(str::to_string);
    let warnings = world.ec2.launch_warnings(
        data.get("InstanceType").and_then(Value::as_str),
        data.get("ImageId").and_then(Value::as_str),
    );
    let template =
        world
            .ec2
            .launch_templates
            .create(&mut world.env, name, data, description, tags)?;
    let mut out = json!({ "LaunchTemplate": launch_templates::template_json(template) });
    if let Some(warning) = launch_templates::warning_json(&warnings) {
        out["Warning"] = warning;
    }
    Ok(out)
}

fn create_launch_template_version(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let spec = template_by_flags(args);
    let data = template_data(args)?;
    let description = args.text("--version-description").map(str::to_string);
    let source = args.text("--source-version");
    let lt = &mut world.ec2.launch_templates;
    let (_, number) = lt.create_version(&mut world.env, &spec, source, data, description)?;
    let template = world.ec2.launch_templates.find(&spec)?;
    let version = template.version(&number.to_string())?;
    let warnings = world
        .ec2
        .launch_warnings(version.instance_type(), version.image_id());
    let mut out =
        json!({ "LaunchTemplateVersion": launch_templates::version_json(template, version) });
    if let Some(warning) = launch_templates::warning_json(&warnings) {
        out["Warning"] = warning;
    }
    Ok(out)
}

fn modify_launch_template(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let spec = template_by_flags(args);
    let template = match args.text("--default-version") {
        Some(version) => world
            .ec2
            .launch_templates
            .set_default_version(&spec, version)?,
        None => world.ec2.launch_templates.find(&spec)?,
    };
    Ok(json!({ "LaunchTemplate": launch_templates::template_json(template) }))
}

fn delete_launch_template(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let template = world
        .ec2
        .launch_templates
        .delete(&template_by_flags(args))?;
    Ok(json!({ "LaunchTemplate": launch_templates::template_json(&template) }))
}

fn describe_launch_templates(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let ids = args.list("--launch-template-ids");
    let names = args.list("--launch-template-names");
    let all = world.ec2.launch_templates.all();
    let missing_name = names
        .iter()
        .any(|n| !all.iter().any(|t| &t.launch_template_name == n));
    if missing_name {
        return Err(AwsError::new(
            "InvalidLaunchTemplateName.NotFoundException",
            "At least one of the launch templates specified in the request does not exist.",
        ));
    }
    if let Some(id) = ids
        .iter()
        .find(|id| !all.iter().any(|t| &&t.launch_template_id == id))
    {
        return Err(AwsError::new(
            "InvalidLaunchTemplateId.NotFound",
            format!("The specified launch template, with template ID {id}, does not exist."),
        ));
    }
    let max = args
        .integer("--max-results")?
        .map_or(usize::MAX, |m| m.max(1) as usize);
    let templates: Vec<Value> = all
        .iter()
        .filter(|t| ids.is_empty() || ids.contains(&t.launch_template_id))
        .filter(|t| names.is_empty() || names.contains(&t.launch_template_name))
        .take(max)
        .map(launch_templates::template_json)
        .collect();
    Ok(json!({ "LaunchTemplates": templates }))
}

fn describe_launch_template_versions(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let template = world.ec2.launch_templates.find(&template_by_flags(args))?;
    let wanted = args.list("--versions");
    let mut versions: Vec<&LaunchTemplateVersion> = if wanted.is_empty() {
        template.versions.iter().rev().collect()
    } else {
        wanted
            .iter()
            .map(|v| template.version(v))
            .collect::<Result<_, _>>()?
    };
    let bound = |flag: &str| -> Result<Option<u64>, AwsError> {
        args.text(flag)
            .map(|v| template.version(v).map(|found| found.version_number))
            .transpose()
    };
    let (min, max) = (bound("--min-version")?, bound("--max-version")?);
    versions.retain(|v| {
        min.is_none_or(|m| v.version_number >= m) && max.is_none_or(|m| v.version_number <= m)
    });
    let limit = args
        .integer("--max-results")?
        .map_or(usize::MAX, |m| m.max(1) as usize);
    let list: Vec<Value> = versions
        .iter()
        .take(limit)
        .map(|v| launch_templates::version_json(template, v))
        .collect();
    Ok(json!({ "LaunchTemplateVersions": list }))
}

/// `--count N` or `--count MIN:MAX`; we launch the most asked for.
fn run_count(args: &Args) -> Result<u32, AwsError> {
    let bad = |t: &str| {
        cli_error(format!(
            "invalid count value: '{t}': use N or MIN:MAX, such as 2 or 1:3"
        ))
    };
    if let Some(text) = args.text("--count") {
        let (min, max) = text.split_once(':').unwrap_or((text, text));
        let min: i64 = min.trim().parse().map_err(|_| bad(text))?;
        let max: i64 = max.trim().parse().map_err(|_| bad(text))?;
        if min < 1 || max < min {
            return Err(AwsError::new(
                "InvalidParameterValue",
                format!(
                    "Invalid count '{text}': MinCount must be at least 1 and at most MaxCount."
                ),
            ));
        }
        return Ok(u32::try_from(max).unwrap_or(u32::MAX));
    }
    let min = args.integer("--min-count")?.unwrap_or(1);
    let max = args.integer("--max-count")?.unwrap_or(min);
    if min < 1 || max < min {
        return Err(AwsError::new(
            "InvalidParameterValue",
            "MinCount must be at least 1 and MaxCount at least MinCount.",
        ));
    }
    Ok(u32::try_from(max).unwrap_or(u32::MAX))
}

fn run_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let count = run_count(args)?;
    let specs = tag_specifications(args)?;
    check_resource_types(&specs, &["instance", "volume", "network-interface"])?;
    let zone = format!("{}a", world.env.region);
    let mut request = match template_specifier(args)? {
        Some(spec) => {
            let (template, version) = world.ec2.launch_templates.resolve(&spec)?;
            let mut request = InstanceRequest {
                instance_type: version.instance_type().unwrap_or_default().to_string(),
                image_id: version.image_id().unwrap_or_default().to_string(),
                tags: version.instance_tags(),
                user_data: version.user_data(),
                availability_zone: zone,
            };
            request.tags.insert(
                "aws:ec2launchtemplate:id".into(),
                template.launch_template_id.clone(),
            );
            request.tags.insert(
                "aws:ec2launchtemplate:version".into(),
                version.version_number.to_string(),
            );
            request
        }
        None => InstanceRequest {
            instance_type: String::new(),
            image_id: String::new(),
            tags: BTreeMap::new(),
            user_data: None,
            availability_zone: zone,
        },
    };
    if let Some(t) = args.text("--instance-type") {
        request.instance_type = t.to_string();
    }
    if let Some(i) = args.text("--image-id") {
        request.image_id = i.to_string();
    }
    if let Some(u) = args.text("--user-data") {
        request.user_data = Some(u.to_string());
    }
    if request.image_id.is_empty() {
        return Err(AwsError::new(
            "MissingParameter",
            "The request must contain the parameter ImageId",
        ));
    }
    if request.instance_type.is_empty() {
        return Err(AwsError::new(
            "MissingParameter",
            "The request must contain the parameter InstanceType",
        ));
    }
    for (kind, tags) in &specs {
        if kind == "instance" {
            request.tags.extend(tags.iter().cloned());
        }
    }
    let ids = world.ec2.run_instances(&mut world.env, request, count)?;
    let instances: Vec<&ec2::Instance> = world
        .ec2
        .instances
        .iter()
        .filter(|i| ids.contains(&i.instance_id))
        .collect();
    let reservations = ec2::reservations_json(&world.ec2, &instances);
    Ok(reservations["Reservations"]
        .get(0)
        .cloned()
        .unwrap_or_else(|| json!({})))
}

// CloudWatch alarms.

fn put_metric_alarm(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let invalid = |m: &str| AwsError::new("ValidationError", m.to_string());
    if args.has("--metrics") || args.has("--threshold-metric-id") {
        return Err(invalid(
            "Metric math and anomaly detection alarms (--metrics, --threshold-metric-id) are not \
             modelled here; alarm on one metric with --namespace and --metric-name.",
        ));
    }
    let extended = args.text("--extended-statistic");
    if let Some(p) = extended {
        if metric_data::parse_percentile(p).is_none() {
            return Err(invalid(&format!(
                "The value {p} for parameter ExtendedStatistic is not supported: use a percentile \
                 from p0 to p100, such as p90 or p99.9."
            )));
        }
    }
    let (Some(namespace), Some(metric)) = (args.text("--namespace"), args.text("--metric-name"))
    else {
        return Err(invalid(
            "Both --namespace and --metric-name are required for a metric alarm.",
        ));
    };
    let statistic = match (args.text("--statistic"), extended) {
        (Some(_), Some(_)) => {
            return Err(AwsError::new(
                "InvalidParameterCombination",
                "Must specify either Statistic or ExtendedStatistic, but not both.",
            ))
        }
        // The percentile replaces the statistic; Average stands in for
        // the field the alarm does not use.
        (None, Some(_)) => Statistic::Average,
        (Some(name), None) => Statistic::from_name(name).ok_or_else(|| {
            validation_error(
                name,
                "statistic",
                "Member must satisfy enum value set: [Maximum, SampleCount, Sum, Minimum, Average]",
            )
        })?,
        (None, None) => {
            return Err(invalid(
                "Must specify either Statistic or ExtendedStatistic.",
            ))
        }
    };
    let period = args
        .integer("--period")?
        .ok_or_else(|| invalid("Period must not be null."))?;
    let threshold =
        float(args, "--threshold")?.ok_or_else(|| invalid("Threshold must not be null."))?;
    let comparison = args.text("--comparison-operator").unwrap_or_default();
    let comparison = ComparisonOperator::from_name(comparison).ok_or_else(|| {
        if alarms::ANOMALY_DETECTION_OPERATORS.contains(&comparison) {
            invalid(&format!(
                "{comparison} is for anomaly detection alarms, which are not modelled here. Use \
                 GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold or \
                 LessThanOrEqualToThreshold."
            ))
        } else {
            validation_error(
                comparison,
                "comparisonOperator",
                "Member must satisfy enum value set: [LessThanLowerOrGreaterThanUpperThreshold, \
                 LessThanOrEqualToThreshold, LessThanThreshold, LessThanLowerThreshold, \
                 GreaterThanOrEqualToThreshold, GreaterThanUpperThreshold, GreaterThanThreshold]",
            )
        }
    })?;
    let mut config = AlarmConfig::new(
        args.text("--alarm-name").unwrap_or_default(),
        namespace,
        metric,
        statistic,
        u64::try_from(period).unwrap_or(0),
        threshold,
        comparison,
    );
    config.extended_statistic = extended.map(str::to_string);
    let evaluation_periods = args.integer("--evaluation-periods")?.unwrap_or(0);
    config.evaluation_periods =
        u32::try_from(evaluation_periods.clamp(0, i64::from(u32::MAX))).unwrap_or(0);
    if evaluation_periods < 0 {
        return Err(validation_error(
            &evaluation_periods.to_string(),
            "evaluationPeriods",
            "Member must have value greater than or equal to 1",
        ));
    }
    if let Some(m) = args.integer("--datapoints-to-alarm")? {
        let m = u32::try_from(m).map_err(|_| {
            validation_error(
                &m.to_string(),
                "datapointsToAlarm",
                "Member must have value greater than or equal to 1",
            )
        })?;
        config.datapoints_to_alarm = Some(m);
    }
    if period < 0 {
        return Err(validation_error(
            &period.to_string(),
            "period",
            "Member must have value greater than or equal to 1",
        ));
    }
    config.alarm_description = args.text("--alarm-description").map(str::to_string);
    config.actions_enabled = !args.has("--no-actions-enabled");
    config.ok_actions = args.list("--ok-actions");
    config.alarm_actions = args.list("--alarm-actions");
    config.insufficient_data_actions = args.list("--insufficient-data-actions");
    config.dimensions = dimensions(args)?;
    config.unit = args.text("--unit").map(str::to_string);
    if let Some(treat) = args.text("--treat-missing-data") {
        config.treat_missing_data = TreatMissingData::from_name(treat).ok_or_else(|| {
            validation_error(
                treat,
                "treatMissingData",
                "Member must satisfy enum value set: [breaching, notBreaching, ignore, missing]",
            )
        })?;
    }
    world.alarms.put(&mut world.env, config)?;
    Ok(json!({}))
}

fn describe_alarms(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let names = args.list("--alarm-names");
    let prefix = args.text("--alarm-name-prefix");
    if !names.is_empty() && prefix.is_some() {
        return Err(AwsError::new(
            "InvalidParameterCombination",
            "AlarmNamePrefix and AlarmNames cannot be used together.",
        ));
    }
    let state = match args.text("--state-value") {
        Some(s) => Some(AlarmState::from_name(s).ok_or_else(|| {
            validation_error(
                s,
                "stateValue",
                "Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
            )
        })?),
        None => None,
    };
    let types = args.list("--alarm-types");
    let wants_metric = types.is_empty() || types.iter().any(|t| t == "MetricAlarm");
    let action_prefix = args.text("--action-prefix");
    let max = args
        .integer("--max-records")?
        .map_or(100, |m| m.clamp(1, 100) as usize);
    let start = world.env.start_unix;
    let list: Vec<Value> = world
        .alarms
        .all()
        .iter()
        .filter(|_| wants_metric)
        .filter(|a| names.is_empty() || names.contains(&a.config.alarm_name))
        .filter(|a| prefix.is_none_or(|p| a.config.alarm_name.starts_with(p)))
        .filter(|a| state.is_none_or(|s| a.state == s))
        .filter(|a| {
            action_prefix.is_none_or(|p| a.config.all_actions().any(|arn| arn.starts_with(p)))
        })
        .take(max)
        .map(|a| alarms::alarm_json(a, start))
        .collect();
    Ok(json!({ "MetricAlarms": list, "CompositeAlarms": [] }))
}

fn describe_alarms_for_metric(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let namespace = args.text("--namespace").unwrap_or_default();
    let metric = args.text("--metric-name").unwrap_or_default();
    let dims = dimensions(args)?;
    let statistic = args.text("--statistic");
    let period = args.integer("--period")?;
    let unit = args.text("--unit");
    let start = world.env.start_unix;
    let list: Vec<Value> = world
        .alarms
        .all()
        .iter()
        .filter(|a| a.config.namespace == namespace && a.config.metric_name == metric)
        .filter(|a| dims.is_empty() || dims.iter().all(|d| a.config.dimensions.contains(d)))
        .filter(|a| {
            let name = a.config.extended_statistic.as_deref().unwrap_or(a.config.statistic.name());
            statistic.is_none_or(|s| name == s)
        })
        .filter(|a| period.is_none_or(|p| i64::try_from(a.config.period).is_ok_and(|ap| ap == p)))
        .filter(|a| unit.is_none_or(|u| a.config.unit.as_deref() == Some(u)))
        .map(|a| alarms::alarm_json(a, start))
        .collect();
    Ok(json!({ "MetricAlarms": list }))
}

fn describe_alarm_history(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--alarm-name");
    let kind = match args.text("--history-item-type") {
        Some(t) => Some(HistoryItemType::from_name(t).ok_or_else(|| {
            validation_error(
                t,
                "historyItemType",
                "Member must satisfy enum value set: [ConfigurationUpdate, StateUpdate, Action, \
                 AlarmContributorStateUpdate, AlarmContributorAction]",
            )
        })?),
        None => None,
    };
    let start = world.env.start_unix;
    let from = args.timestamp("--start-date")?;
    let to = args.timestamp("--end-date")?;
    let ascending = match args.text("--scan-by") {
        None | Some("TimestampDescending") => false,
        Some("TimestampAscending") => true,
        Some(other) => {
            return Err(validation_error(
                other,
                "scanBy",
                "Member must satisfy enum value set: [TimestampDescending, TimestampAscending]",
            ))
        }
    };
    let max = args
        .integer("--max-records")?
        .map_or(100, |m| m.clamp(1, 100) as usize);
    let matching = world
        .alarms
        .history()
        .iter()
        .filter(|h| name.is_none_or(|n| h.alarm_name == n))
        .filter(|h| kind.is_none_or(|k| h.item_type == k))
        .filter(|h| from.is_none_or(|f| start + h.time as i64 >= f))
        .filter(|h| to.is_none_or(|t| start + (h.time as i64) <= t));
    let items: Vec<Value> = if ascending {
        matching
            .take(max)
            .map(|h| alarms::history_json(h, start))
            .collect()
    } else {
        matching
            .rev()
            .take(max)
            .map(|h| alarms::history_json(h, start))
            .collect()
    };
    Ok(json!({ "AlarmHistoryItems": items }))
}

fn delete_alarms(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    world
        .alarms
        .delete(&mut world.env, &args.list("--alarm-names"))?;
    Ok(json!({}))
}

fn set_alarm_state(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--alarm-name").unwrap_or_default();
    let value = args.text("--state-value").unwrap_or_default();
    let state = AlarmState::from_name(value).ok_or_else(|| {
        validation_error(
            value,
            "stateValue",
            "Member must satisfy enum value set: [INSUFFICIENT_DATA, ALARM, OK]",
        )
    })?;
    let reason = args.text("--state-reason").unwrap_or_default();
    let data = args.text("--state-reason-data").map(str::to_string);
    let invocations = world
        .alarms
        .set_state(&mut world.env, name, state, reason, data)?;
    alarms::run_actions(
        &mut world.alarms,
        &mut world.autoscaling,
        &mut world.env,
        invocations,
    );
    Ok(json!({}))
}

fn enable_alarm_actions(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    world
        .alarms
        .set_actions_enabled(&args.list("--alarm-names"), true);
    Ok(json!({}))
}

fn disable_alarm_actions(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    world
        .alarms
        .set_actions_enabled(&args.list("--alarm-names"), false);
    Ok(json!({}))
}

// Auto Scaling.

fn group_tags(args: &Args) -> Result<Vec<GroupTag>, AwsError> {
    const NO_KEY: &str = "Error parsing parameter '--tags': each tag needs a Key, such as \
                          Key=Team,Value=queue,PropagateAtLaunch=true";
    args.structures("--tags")?
        .iter()
        .map(|s| {
            let one = |key: &str| shorthand::get(s, key).and_then(|v| v.first()).cloned();
            let key = one("Key").ok_or_else(|| cli_error(NO_KEY))?;
            let propagate = match one("PropagateAtLaunch").as_deref() {
                None => false,
                Some(v) if v.eq_ignore_ascii_case("true") => true,
                Some(v) if v.eq_ignore_ascii_case("false") => false,
                Some(v) => {
                    let message =
                        format!("Invalid value for PropagateAtLaunch: '{v}': use true or false");
                    return Err(cli_error(message));
                }
            };
            let value = one("Value").unwrap_or_default();
            Ok(GroupTag {
                key,
                value,
                propagate_at_launch: propagate,
            })
        })
        .collect()
}

fn refuse_unmodelled_group_sources(args: &Args) -> Result<(), AwsError> {
    for flag in [
        "--launch-configuration-name",
        "--instance-id",
        "--mixed-instances-policy",
    ] {
        if args.has(flag) {
            return Err(AwsError::new(
                "ValidationError",
                format!(
                    "{flag} is not modelled in this simulator: give the group a --launch-template."
                ),
            ));
        }
    }
    Ok(())
}

fn group_input(args: &Args) -> Result<GroupInput, AwsError> {
    refuse_unmodelled_group_sources(args)?;
    let protect = if args.has("--new-instances-protected-from-scale-in") {
        Some(true)
    } else if args.has("--no-new-instances-protected-from-scale-in") {
        Some(false)
    } else {
        None
    };
    Ok(GroupInput {
        name: args
            .text("--auto-scaling-group-name")
            .unwrap_or_default()
            .to_string(),
        launch_template: template_specifier(args)?,
        min_size: args.integer("--min-size")?,
        max_size: args.integer("--max-size")?,
        desired_capacity: args.integer("--desired-capacity")?,
        default_cooldown: args.integer("--default-cooldown")?,
        default_instance_warmup: args.integer("--default-instance-warmup")?,
        availability_zones: args.list("--availability-zones"),
        vpc_zone_identifier: args.text("--vpc-zone-identifier").map(str::to_string),
        termination_policies: args.list("--termination-policies"),
        health_check_type: args.text("--health-check-type").map(str::to_string),
        health_check_grace_period: args.integer("--health-check-grace-period")?,
        new_instances_protected_from_scale_in: protect,
        tags: group_tags(args)?,
    })
}

fn create_auto_scaling_group(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let input = group_input(args)?;
    world
        .autoscaling
        .create_group(&mut world.env, &world.ec2, input)?;
    Ok(json!({}))
}

fn update_auto_scaling_group(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let input = group_input(args)?;
    world
        .autoscaling
        .update_group(&mut world.env, &world.ec2, input)?;
    Ok(json!({}))
}

fn delete_auto_scaling_group(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--auto-scaling-group-name").unwrap_or_default();
    let force = args.has("--force-delete");
    world
        .autoscaling
        .delete_group(&mut world.env, &mut world.alarms, name, force)?;
    Ok(json!({}))
}

fn describe_auto_scaling_groups(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let names = args.list("--auto-scaling-group-names");
    let filters = filters(args)?;
    if let Some(bad) = filters.iter().find(|f| {
        !["auto-scaling-group", "tag-key", "tag-value"].contains(&f.name.as_str())
            && !f.name.starts_with("tag:")
    }) {
        return Err(AwsError::new(
            "ValidationError",
            format!(
                "Filter name '{}' is invalid. Use auto-scaling-group, tag-key, tag-value or \
                 tag:<key>.",
                bad.name
            ),
        ));
    }
    let passes = |g: &Group, f: &Filter| match f.name.as_str() {
        "auto-scaling-group" => crate::services::filter_matches(&f.values, &g.name),
        "tag-key" => g.tags.iter().any(|t| f.values.contains(&t.key)),
        "tag-value" => g.tags.iter().any(|t| f.values.contains(&t.value)),
        name => name
            .strip_prefix("tag:")
            .is_some_and(|k| g.tag(k).is_some_and(|v| f.values.iter().any(|x| x == v))),
    };
    let max = args
        .integer("--max-records")?
        .map_or(50, |m| m.clamp(1, 100) as usize);
    let groups: Vec<Value> = world
        .autoscaling
        .groups()
        .iter()
        .filter(|g| names.is_empty() || names.contains(&g.name))
        .filter(|g| filters.iter().all(|f| passes(g, f)))
        .take(max)
        .map(autoscaling::group_json)
        .collect();
    Ok(json!({ "AutoScalingGroups": groups }))
}

fn describe_auto_scaling_instances(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let ids = args.list("--instance-ids");
    let max = args
        .integer("--max-records")?
        .map_or(50, |m| m.clamp(1, 50) as usize);
    let instances: Vec<Value> = world
        .autoscaling
        .groups()
        .iter()
        .flat_map(|g| g.instances.iter().map(move |i| (g, i)))
        .filter(|(_, i)| ids.is_empty() || ids.contains(&i.instance_id))
        .take(max)
        .map(|(g, i)| autoscaling::instance_json(g, i))
        .collect();
    Ok(json!({ "AutoScalingInstances": instances }))
}

fn describe_scaling_activities(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let group = args.text("--auto-scaling-group-name");
    let ids = args.list("--activity-ids");
    let include_deleted = args.has("--include-deleted-groups");
    let max = args
        .integer("--max-records")?
        .map_or(100, |m| m.clamp(1, 100) as usize);
    let start = world.env.start_unix;
    let asg = &world.autoscaling;
    let activities: Vec<Value> = asg
        .activities()
        .iter()
        .rev()
        .filter(|a| group.is_none_or(|g| a.group == g))
        .filter(|a| ids.is_empty() || ids.contains(&a.activity_id))
        .filter(|a| include_deleted || asg.group(&a.group).is_some())
        .take(max)
        .map(|a| autoscaling::activity_json(a, asg.group(&a.group).map(|g| g.arn.as_str()), start))
        .collect();
    Ok(json!({ "Activities": activities }))
}

fn set_desired_capacity(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let name = args.text("--auto-scaling-group-name").unwrap_or_default();
    let desired = args.integer("--desired-capacity")?.unwrap_or(0);
    let honor = args.has("--honor-cooldown");
    world
        .autoscaling
        .set_desired_capacity(&mut world.env, name, desired, honor)?;
    Ok(json!({}))
}

fn terminate_instance_in_auto_scaling_group(
    world: &mut World,
    args: &Args,
) -> Result<Value, AwsError> {
    let decrement = match (
        args.has("--should-decrement-desired-capacity"),
        args.has("--no-should-decrement-desired-capacity"),
    ) {
        (true, false) => true,
        (false, true) => false,
        _ => {
            return Err(cli_error(
                "aws: error: exactly one of --should-decrement-desired-capacity and \
                 --no-should-decrement-desired-capacity is required",
            ))
        }
    };
    let id = args.text("--instance-id").unwrap_or_default();
    let start = world.env.start_unix;
    let activity =
        world
            .autoscaling
            .terminate_instance(&mut world.env, &mut world.ec2, id, decrement)?;
    Ok(json!({ "Activity": autoscaling::activity_json(activity, None, start) }))
}

fn step_adjustments(args: &Args) -> Result<Vec<StepAdjustment>, AwsError> {
    args.structures("--step-adjustments")?
        .iter()
        .map(|s| {
            let number = |key: &str| -> Result<Option<f64>, AwsError> {
                shorthand::get(s, key)
                    .and_then(|v| v.first())
                    .map(|t| {
                        t.parse::<f64>().map_err(|_| {
                            cli_error(format!("could not convert string to float: '{t}'"))
                        })
                    })
                    .transpose()
            };
            let adjustment = shorthand::get(s, "ScalingAdjustment")
                .and_then(|v| v.first())
                .ok_or_else(|| {
                    cli_error(
                        "Error parsing parameter '--step-adjustments': each step needs a \
                     ScalingAdjustment, such as MetricIntervalLowerBound=0,ScalingAdjustment=1",
                    )
                })?;
            let adjustment: i64 = adjustment.parse().map_err(|_| {
                cli_error(format!(
                    "invalid literal for int() with base 10: '{adjustment}'"
                ))
            })?;
            Ok(StepAdjustment {
                lower: number("MetricIntervalLowerBound")?,
                upper: number("MetricIntervalUpperBound")?,
                scaling_adjustment: adjustment,
            })
        })
        .collect()
}

fn put_scaling_policy(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    if args.has("--predictive-scaling-configuration") || args.has("--min-adjustment-step") {
        return Err(AwsError::new(
            "ValidationError",
            "--predictive-scaling-configuration and the deprecated --min-adjustment-step are not \
             modelled here.",
        ));
    }
    let target_tracking = match nested(args, "--target-tracking-configuration")? {
        Some(value) => Some(policies::parse_target_tracking(&value)?),
        None => None,
    };
    let input = PolicyInput {
        group: args
            .text("--auto-scaling-group-name")
            .unwrap_or_default()
            .to_string(),
        name: args.text("--policy-name").unwrap_or_default().to_string(),
        policy_type: args.text("--policy-type").map(str::to_string),
        adjustment_type: args.text("--adjustment-type").map(str::to_string),
        scaling_adjustment: args.integer("--scaling-adjustment")?,
        min_adjustment_magnitude: args.integer("--min-adjustment-magnitude")?,
        cooldown: args.integer("--cooldown")?,
        metric_aggregation_type: args.text("--metric-aggregation-type").map(str::to_string),
        step_adjustments: step_adjustments(args)?,
        estimated_instance_warmup: args.integer("--estimated-instance-warmup")?,
        target_tracking,
        enabled: !args.has("--no-enabled"),
    };
    world
        .autoscaling
        .put_policy(&mut world.env, &mut world.alarms, input)
}

fn describe_policies(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let group = args.text("--auto-scaling-group-name");
    let names = args.list("--policy-names");
    let types = args.list("--policy-types");
    let max = args
        .integer("--max-records")?
        .map_or(50, |m| m.clamp(1, 100) as usize);
    let list: Vec<Value> = world
        .autoscaling
        .policies()
        .iter()
        .filter(|p| group.is_none_or(|g| p.group == g))
        .filter(|p| names.is_empty() || names.contains(&p.name) || names.contains(&p.arn))
        .filter(|p| types.is_empty() || types.iter().any(|t| t == p.policy_type.name()))
        .take(max)
        .map(|p| policies::policy_json(p, &world.alarms))
        .collect();
    Ok(json!({ "ScalingPolicies": list }))
}

fn delete_policy(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let group = args.text("--auto-scaling-group-name");
    let name = args.text("--policy-name").unwrap_or_default();
    world
        .autoscaling
        .delete_policy(&mut world.env, &mut world.alarms, group, name)?;
    Ok(json!({}))
}

fn execute_policy(world: &mut World, args: &Args) -> Result<Value, AwsError> {
    let group = args.text("--auto-scaling-group-name");
    let name = args.text("--policy-name").unwrap_or_default();
    let honor = args.has("--honor-cooldown");
    let value = float(args, "--metric-value")?;
    let threshold = float(args, "--breach-threshold")?;
    world
        .autoscaling
        .execute_policy(&mut world.env, group, name, honor, value, threshold)?;
    Ok(json!({}))
}
