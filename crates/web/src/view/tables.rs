//! The console's tables: EC2 Instances, SQS Queues, CloudWatch Alarms, and
//! Auto Scaling groups with their activity history. Rows come from
//! [`gameday::console`]; an account without a kind of resource gets the
//! AWS console's empty state ("No queues") rather than an empty table.

use gameday::console::{self, ActivityRow, AlarmRow, GroupRow, InstanceRow, QueueRow};
use gameday::services::alarms::AlarmState;
use gameday::services::autoscaling::ActivityStatus;
use gameday::services::ec2::InstanceState;
use gameday::world::World;
use yew::prelude::*;

use crate::state::{SessionHandle, Tab};

/// Scaling activities the Auto Scaling view lists.
const ACTIVITIES: usize = 25;

/// How many resources each tab holds, for the counts on the tabs.
pub struct Counts {
    instances: usize,
    queues: usize,
    alarms: usize,
    groups: usize,
    files: usize,
}

impl Counts {
    /// The count shown on `tab`, if it shows one.
    pub fn of(&self, tab: Tab) -> Option<usize> {
        match tab {
            Tab::Instances => Some(self.instances),
            Tab::Queues => Some(self.queues),
            Tab::Alarms => Some(self.alarms),
            Tab::AutoScaling => Some(self.groups),
            Tab::Files => Some(self.files),
            Tab::Events | Tab::Charts => None,
        }
    }
}

pub fn counts(world: &World) -> Counts {
    Counts {
        instances: world.ec2.visible(world.now()).count(),
        queues: world.sqs.queues().count(),
        alarms: world.alarms.all().len(),
        groups: world.autoscaling.groups().len(),
        files: world.files.all().count(),
    }
}

#[derive(Properties, PartialEq)]
pub struct TablesProps {
    pub session: SessionHandle,
    pub tab: Tab,
}

/// The table view of `tab` (Instances, Queues, Alarms or Auto Scaling).
#[component]
pub fn Tables(props: &TablesProps) -> Html {
    let Some(session) = props.session.read() else {
        return html! {};
    };
    let world = session.world();
    match props.tab {
        Tab::Instances => instances(&console::instances(world)),
        Tab::Queues => queues(&console::queues(world), &world.env.region),
        Tab::Alarms => alarms(&console::alarms(world), world),
        Tab::AutoScaling => auto_scaling(world),
        Tab::Events | Tab::Charts | Tab::Files => html! {},
    }
}

/// The AWS console's empty state: a bold line and a sentence.
fn empty(title: &str, text: String) -> Html {
    html! {
        <div class="empty-state" role="status">
            <strong>{ title }</strong>
            <p class="empty">{ text }</p>
        </div>
    }
}

// ---- EC2 ---------------------------------------------------------------

fn instances(rows: &[InstanceRow]) -> Html {
    if rows.is_empty() {
        return empty(
            "No instances",
            "You do not have any instances in this Region.".into(),
        );
    }
    html! {
        <table class="grid" id="instances-table">
            <caption>{ format!("Instances ({})", rows.len()) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Name" }</th>
                    <th scope="col">{ "Instance ID" }</th>
                    <th scope="col">{ "Instance state" }</th>
                    <th scope="col">{ "Instance type" }</th>
                    <th scope="col">{ "Availability Zone" }</th>
                    <th scope="col" class="num">{ "CPU utilization" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows.iter().map(instance_row) }
            </tbody>
        </table>
    }
}

fn instance_row(row: &InstanceRow) -> Html {
    let name = if row.name.is_empty() {
        "–"
    } else {
        row.name.as_str()
    };
    html! {
        <tr key={row.instance_id.clone()} data-instance-id={row.instance_id.clone()}
            data-state={row.state.name()}>
            <td>{ name }</td>
            <td class="mono">{ &row.instance_id }</td>
            <td>{ instance_state(row.state) }</td>
            <td class="mono">{ &row.instance_type }</td>
            <td>{ &row.availability_zone }</td>
            <td class="num">{ cpu(row.cpu_utilization) }</td>
        </tr>
    }
}

/// An instance state as the console shows it: a coloured dot and the
/// state's name, `Running`, `Shutting-down` ...
fn instance_state(state: InstanceState) -> Html {
    let tone = match state {
        InstanceState::Running => "good",
        InstanceState::Pending | InstanceState::Stopping | InstanceState::ShuttingDown => "busy",
        InstanceState::Stopped => "bad",
        InstanceState::Terminated => "off",
    };
    html! {
        <span class={classes!("status", tone)}>
            <span class="dot" aria-hidden="true" />{ capitalised(state.name()) }
        </span>
    }
}

fn cpu(value: Option<f64>) -> Html {
    let Some(value) = value else {
        return html! { <span class="sub">{ "–" }</span> };
    };
    let width = format!("width: {:.0}%", value.clamp(0.0, 100.0));
    html! {
        <span class="cpu">
            <span class="bar" aria-hidden="true"><span style={width} /></span>
            { format!("{value:.1} %") }
        </span>
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

// ---- SQS ---------------------------------------------------------------

fn queues(rows: &[QueueRow], region: &str) -> Html {
    if rows.is_empty() {
        return empty(
            "No queues",
            format!("You do not have any queues in {region}."),
        );
    }
    html! {
        <table class="grid" id="queues-table">
            <caption>{ format!("Queues ({})", rows.len()) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Name" }</th>
                    <th scope="col" class="num">{ "Messages available" }</th>
                    <th scope="col" class="num">{ "Messages in flight" }</th>
                    <th scope="col" class="num">{ "Age of oldest message" }</th>
                    <th scope="col" class="num" title="In the last minute">
                        { "Sent / Received / Deleted per minute" }
                    </th>
                    <th scope="col">{ "Dead-letter queue" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows.iter().map(queue_row) }
            </tbody>
        </table>
    }
}

fn queue_row(row: &QueueRow) -> Html {
    let per_minute = |v: Option<f64>| v.map_or("–".to_string(), console::number);
    let flow = format!(
        "{} / {} / {}",
        per_minute(row.sent_per_minute),
        per_minute(row.received_per_minute),
        per_minute(row.deleted_per_minute)
    );
    let dead_letter = match (&row.dead_letter_queue, row.dead_letter_for.as_slice()) {
        (Some(dlq), _) => {
            let waiting = dlq
                .messages_available
                .map_or(String::new(), |n| format!(", {n} messages"));
            let detail = format!(" (maxReceiveCount {}{waiting})", dlq.max_receive_count);
            html! { <>{ &dlq.name }<span class="sub">{ detail }</span></> }
        }
        (None, []) => html! { <span class="sub">{ "–" }</span> },
        (None, sources) => html! {
            <span class="sub">{ format!("Dead-letter queue of {}", sources.join(", ")) }</span>
        },
    };
    html! {
        <tr key={row.name.clone()} data-queue={row.name.clone()}>
            <td>
                <span class="strong">{ &row.name }</span>
                if row.messages_lost > 0 {
                    <span class="status bad lost">{ format!(" {} lost", row.messages_lost) }</span>
                }
            </td>
            <td class="num" data-metric="visible">{ row.messages_available }</td>
            <td class="num">{ row.messages_in_flight }</td>
            <td class="num" data-metric="age">{ format!("{} s", row.age_of_oldest_message) }</td>
            <td class="num">{ flow }</td>
            <td>{ dead_letter }</td>
        </tr>
    }
}

// ---- CloudWatch alarms -------------------------------------------------

fn alarms(rows: &[AlarmRow], world: &World) -> Html {
    if rows.is_empty() {
        return empty(
            "No alarms",
            "There are no CloudWatch alarms in this account yet (aws cloudwatch put-metric-alarm)."
                .into(),
        );
    }
    html! {
        <table class="grid" id="alarms-table">
            <caption>{ format!("Alarms ({})", rows.len()) }</caption>
            <thead>
                <tr>
                    <th scope="col">{ "Name" }</th>
                    <th scope="col">{ "State" }</th>
                    <th scope="col">{ "Conditions" }</th>
                    <th scope="col">{ "Actions" }</th>
                </tr>
            </thead>
            <tbody>
                { for rows.iter().map(|row| alarm_row(row, world)) }
            </tbody>
        </table>
    }
}

fn alarm_row(row: &AlarmRow, world: &World) -> Html {
    let since = format!(
        "{}\nState updated {} UTC",
        row.state_reason,
        console::timestamp(world, row.state_updated)
    );
    let actions = if row.actions.is_empty() {
        html! { <span class="sub">{ "No actions" }</span> }
    } else {
        html! {
            <ul class="actions">
                { for row.actions.iter().map(|a| html! {
                    <li>
                        <span class="sub">{ format!("In {}: ", a.state.name()) }</span>
                        { &a.text }
                    </li>
                }) }
            </ul>
        }
    };
    html! {
        <tr key={row.name.clone()} data-alarm={row.name.clone()} data-state={row.state.name()}>
            <td class="strong">{ &row.name }</td>
            <td title={since}>{ alarm_state(row.state) }</td>
            <td>
                { &row.condition }
                <span class="sub block">{ &row.metric }</span>
            </td>
            <td>
                if !row.actions_enabled {
                    <span class="status off">{ "Actions disabled" }</span>
                }
                { actions }
            </td>
        </tr>
    }
}

fn alarm_state(state: AlarmState) -> Html {
    let tone = match state {
        AlarmState::Ok => "good",
        AlarmState::Alarm => "bad",
        AlarmState::InsufficientData => "off",
    };
    html! {
        <span class={classes!("badge", tone)}>{ state.name() }</span>
    }
}

// ---- Auto Scaling ------------------------------------------------------

fn auto_scaling(world: &World) -> Html {
    let groups = console::groups(world);
    if groups.is_empty() {
        return empty(
            "No Auto Scaling groups",
            "There are no Auto Scaling groups in this Region \
             (aws autoscaling create-auto-scaling-group)."
                .into(),
        );
    }
    let activities = console::activities(world, ACTIVITIES);
    html! {
        <>
            <table class="grid" id="groups-table">
                <caption>{ format!("Auto Scaling groups ({})", groups.len()) }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Name" }</th>
                        <th scope="col">{ "Launch template" }</th>
                        <th scope="col" class="num">{ "Instances" }</th>
                        <th scope="col" class="num">{ "Desired capacity" }</th>
                        <th scope="col" class="num">{ "Min" }</th>
                        <th scope="col" class="num">{ "Max" }</th>
                        <th scope="col">{ "Availability Zones" }</th>
                        <th scope="col">{ "Scaling policies" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for groups.iter().map(group_row) }
                </tbody>
            </table>
            <table class="grid" id="activities-table">
                <caption>{ "Activity history" }</caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Status" }</th>
                        <th scope="col">{ "Description" }</th>
                        <th scope="col">{ "Cause" }</th>
                        <th scope="col">{ "Start time / End time (UTC)" }</th>
                    </tr>
                </thead>
                <tbody>
                    if activities.is_empty() {
                        <tr><td colspan="4" class="sub">{ "No activities yet." }</td></tr>
                    }
                    { for activities.iter().map(|a| activity_row(a, world)) }
                </tbody>
            </table>
        </>
    }
}

fn group_row(row: &GroupRow) -> Html {
    let detail = format!(
        "{} InService, {} Pending, {} Terminating",
        row.in_service, row.pending, row.terminating
    );
    let policies = if row.policies.is_empty() {
        "–".to_string()
    } else {
        row.policies.join(", ")
    };
    html! {
        <tr key={row.name.clone()} data-group={row.name.clone()}>
            <td>
                <span class="strong">{ &row.name }</span>
                if let Some(status) = row.status {
                    <span class="status busy block">{ status }</span>
                }
            </td>
            <td>{ &row.launch_template }</td>
            <td class="num" title={detail}>{ row.instances }</td>
            <td class="num" data-field="desired">{ row.desired_capacity }</td>
            <td class="num">{ row.min_size }</td>
            <td class="num">{ row.max_size }</td>
            <td>{ row.availability_zones.join(", ") }</td>
            <td>{ policies }</td>
        </tr>
    }
}

fn activity_row(row: &ActivityRow, world: &World) -> Html {
    let tone = match row.status {
        ActivityStatus::Successful => "good",
        ActivityStatus::InProgress => "busy",
        ActivityStatus::Failed => "bad",
        ActivityStatus::Cancelled => "off",
    };
    let end = row
        .end_time
        .map_or("–".to_string(), |t| console::timestamp(world, t));
    html! {
        <tr data-status={row.status.name()}>
            <td>
                <span class={classes!("status", tone)}>
                    <span class="dot" aria-hidden="true" />{ row.status.name() }
                </span>
                if let Some(message) = &row.status_message {
                    <span class="sub block">{ message }</span>
                }
            </td>
            <td>{ &row.description }</td>
            <td class="cause">{ &row.cause }</td>
            <td class="mono">
                { console::timestamp(world, row.start_time) }
                <span class="block sub">{ end }</span>
            </td>
        </tr>
    }
}
