//! The status bar, always on top: simulated time, what the account costs
//! and emits per hour and how that moved, and the clock's controls.

use gameday::calendar::format_iso8601;
use gameday::clock::{format_duration, Speed};
use gameday::ledger::Rate;
use yew::prelude::*;

use super::Dispatch;
use crate::format::{change, grams, usd};
use crate::state::{Action, SessionHandle};

/// The skip-ahead buttons: label and simulated seconds.
const SKIPS: [(&str, u64); 2] = [("Skip 1h", 3_600), ("Skip 1 day", 86_400)];

#[derive(Properties, PartialEq)]
pub struct StatusProps {
    pub session: SessionHandle,
    /// The rates when the player took over.
    pub start_rate: Rate,
    pub dispatch: Dispatch,
}

#[component]
pub fn StatusBar(props: &StatusProps) -> Html {
    let Some(session) = props.session.read() else {
        return html! {};
    };
    let world = session.world();
    let now = session.now();
    let calendar = format_iso8601(world.env.start_unix.saturating_add(now as i64));
    let (rate, start) = (world.rate(), props.start_rate);
    let (current, dispatch) = (session.speed(), &props.dispatch);

    html! {
        <header class="status-bar">
            <span class="brand">{ "GameDay Sandbox" }</span>
            <div class="stat">
                <span class="label">{ "Simulated time" }</span>
                <span class="value" id="sim-time">{ format!("T+{}", format_duration(now)) }</span>
                <time class="sub" id="sim-clock" datetime={calendar.clone()}>{ calendar }</time>
            </div>
            { COST.view(rate.cost_usd_per_hour, start.cost_usd_per_hour) }
            { CARBON.view(rate.co2e_g_per_hour, start.co2e_g_per_hour) }
            <div class="controls">
                <div class="speed" role="group" aria-label="Simulation speed">
                    { for Speed::ALL.map(|speed| speed_button(speed, current, dispatch)) }
                </div>
                <div class="skip" role="group" aria-label="Skip ahead">
                    { for SKIPS.map(|(label, seconds)| skip_button(label, seconds, dispatch)) }
                </div>
                { skip_progress(session.skip_progress()) }
            </div>
        </header>
    }
}

/// One per-hour figure of the status bar: its value now and how it moved
/// since the quest started.
struct RateStat {
    label: &'static str,
    /// Id of the element that holds just the number.
    id: &'static str,
    unit: &'static str,
    show: fn(f64) -> String,
}

const COST: RateStat = RateStat {
    label: "Cost",
    id: "cost-per-hour",
    unit: "/h",
    show: usd,
};
const CARBON: RateStat = RateStat {
    label: "Carbon",
    id: "co2e-per-hour",
    unit: "g CO₂e/h",
    show: grams,
};

impl RateStat {
    fn view(&self, now: f64, start: f64) -> Html {
        let (moved, trend) = change(now, start, self.show);
        html! {
            <div class="stat">
                <span class="label">{ self.label }</span>
                <span class="value">
                    <span id={self.id} data-value={now.to_string()}>{ (self.show)(now) }</span>
                    <span class="unit">{ self.unit }</span>
                </span>
                <span class={classes!("sub", trend.class())} title="Since the quest started">
                    { moved }
                </span>
            </div>
        }
    }
}

fn speed_button(speed: Speed, current: Speed, dispatch: &Dispatch) -> Html {
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::SetSpeed(speed)));
    let pressed = speed == current;
    html! {
        <button
            class={classes!("toggle", pressed.then_some("on"))}
            data-speed={speed.label()}
            aria-pressed={pressed.to_string()}
            {onclick}
        >
            { speed.label() }
        </button>
    }
}

fn skip_button(label: &'static str, seconds: u64, dispatch: &Dispatch) -> Html {
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Skip(seconds)));
    html! { <button data-skip={seconds.to_string()} {onclick}>{ label }</button> }
}

/// The skip-ahead's progress; the slot stays in place when idle so that
/// the bar does not make the layout jump.
fn skip_progress(progress: Option<f64>) -> Html {
    let Some(done) = progress else {
        return html! { <div class="skip-progress idle" aria-hidden="true" /> };
    };
    let percent = (done.clamp(0.0, 1.0) * 100.0).round();
    html! {
        <div class="skip-progress" role="status">
            <progress
                id="skip-progress"
                max="100"
                value={percent.to_string()}
                aria-label="Skipping ahead"
            />
            <span class="sub">{ format!("{percent:.0}%") }</span>
        </div>
    }
}
