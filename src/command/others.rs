//! `kubectl`, `eksctl` and `curl` in an account that has no EKS cluster and
//! no load balancer yet.
//!
//! The tutorial world has neither, so these tools answer exactly as the
//! real ones do without a cluster to talk to: kubectl with no kubeconfig
//! falls back to localhost:8080 and is refused, eksctl finds no clusters,
//! curl cannot resolve a name. Usage errors (an unknown kubectl command)
//! come first, as in the real tools. The EKS quest replaces this module's
//! answers with a simulated cluster.

use super::{closest, Reply};

/// kubectl's top-level commands.
pub const KUBECTL_COMMANDS: &[&str] = &[
    "annotate", "api-resources", "apply", "cordon", "create", "delete", "describe", "drain",
    "explain", "expose", "get", "label", "logs", "rollout", "scale", "set", "top", "uncordon",
    "version",
];

/// eksctl's top-level commands.
pub const EKSCTL_COMMANDS: &[&str] = &["create", "delete", "get", "scale", "upgrade", "utils", "version"];

const KUBECTL_REFUSED: &str =
    "The connection to the server localhost:8080 was refused - did you specify the right host or port?";

pub fn kubectl(args: &[String]) -> Reply {
    let Some(command) = args.iter().find(|a| !a.starts_with('-')) else {
        return Reply::output(
            "kubectl controls the Kubernetes cluster manager.\n\n\
             Basic Commands: create expose get explain delete apply\n\
             Deploy Commands: rollout scale\n\
             Cluster Management: top cordon uncordon drain\n\
             Troubleshooting: describe logs\n\n\
             Usage:\n  kubectl [flags] [options]",
        );
    };
    if !KUBECTL_COMMANDS.contains(&command.as_str()) {
        let hint = closest(command, KUBECTL_COMMANDS.iter().copied())
            .map(|near| format!("Did you mean this?\n        {near}"));
        return Reply::error(
            format!("error: unknown command \"{command}\" for \"kubectl\""),
            hint.or(Some("Run 'kubectl --help' for usage.".into())),
        );
    }
    let hint = Some("This quest's account has no EKS cluster: kubectl has nothing to talk to.".into());
    if command == "version" {
        return Reply::error(
            format!("Client Version: v1.31.2\nKustomize Version: v5.4.2\n{KUBECTL_REFUSED}"),
            hint,
        );
    }
    Reply::error(KUBECTL_REFUSED, hint)
}

pub fn eksctl(args: &[String]) -> Reply {
    let Some(command) = args.first() else {
        return Reply::output(
            "The official CLI for Amazon EKS\n\nUsage: eksctl [command] [flags]\n\n\
             Commands:\n  eksctl create   Create resource(s)\n  eksctl get      Get resource(s)\n  \
             eksctl scale    Scale resources(s)\n  eksctl delete   Delete resource(s)",
        );
    };
    if !EKSCTL_COMMANDS.contains(&command.as_str()) {
        return Reply::error(
            format!("Error: unknown command \"{command}\" for \"eksctl\""),
            Some("Run 'eksctl --help' for usage.".into()),
        );
    }
    if command == "version" {
        return Reply::output("0.194.0");
    }
    Reply::error(
        "Error: no EKS clusters found in \"us-east-1\" region",
        Some("This quest's account has no EKS cluster.".into()),
    )
}

pub fn curl(args: &[String]) -> Reply {
    let Some(url) = args.iter().find(|a| !a.starts_with('-')) else {
        return Reply::error(
            "curl: try 'curl --help' or 'curl --manual' for more information",
            None,
        );
    };
    let host = url.split("://").last().unwrap_or(url).split(['/', ':']).next().unwrap_or(url);
    Reply::error(
        format!("curl: (6) Could not resolve host: {host}"),
        Some("No load balancer in this account answers to that name.".into()),
    )
}
