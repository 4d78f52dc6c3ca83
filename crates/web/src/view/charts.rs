//! Charts of metrics over simulated time, with alarm thresholds, each a
//! figure with a text equivalent.
//!
//! The data of every chart comes from [`gameday::console::charts`], which
//! runs at most once per simulated minute (or when the player changes the
//! window, the CPU scope or the queue, or runs a command): between those,
//! the figures are not drawn again. Drawing is plotters' SVG backend into a
//! string; the SVG is decoration for sighted players, and the figure's
//! `role="img"` label and its data table say the same in words.

use std::rc::Rc;

use gameday::console::{self, Chart, ChartRequest, CpuScope, Window};
use gameday::services::alarms::AlarmState;
use plotters::prelude::*;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::Dispatch;
use crate::state::{Action, SessionHandle};

/// Size of a chart's drawing, in CSS pixels at 100 % width.
const WIDTH: u32 = 380;
const HEIGHT: u32 = 160;

// The palette of www/style.css.
const LINE: RGBColor = RGBColor(0x58, 0xa6, 0xff);
const GRID: RGBColor = RGBColor(0x2d, 0x33, 0x3b);
const AXIS: RGBColor = RGBColor(0x59, 0x63, 0x6e);
const LABEL: RGBColor = RGBColor(0x9b, 0xa7, 0xb4);
const ALARM: RGBColor = RGBColor(0xff, 0x7b, 0x72);
const QUIET: RGBColor = RGBColor(0xe3, 0xb3, 0x41);

#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    pub session: SessionHandle,
    pub request: ChartRequest,
    pub dispatch: Dispatch,
}

/// What the charts' data depends on: the simulated minute, the commands
/// run so far (one may have created an alarm) and the player's choices.
type Key = Option<(u64, usize, ChartRequest)>;

#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let session = props.session.read();
    let key: Key = session
        .as_ref()
        .map(|s| (s.now() / 60, s.command_count(), props.request.clone()));
    let charts = {
        let session = session.as_ref();
        use_memo(key, |_| {
            session.map(|s| Shared(Rc::new(console::charts(s.world(), &props.request))))
        })
    };
    let (Some(session), Some(charts)) = (session, charts.as_ref().clone()) else {
        return html! {};
    };
    let world = session.world();
    let scopes: Vec<(CpuScope, String)> = console::cpu_scopes(world)
        .into_iter()
        .map(|s| {
            let label = s.label(world);
            (s, label)
        })
        .collect();
    let queues: Vec<String> = world.sqs.queues().map(|q| q.name.clone()).collect();
    let queue = props
        .request
        .queue
        .clone()
        .or_else(|| console::default_queue(world));

    html! {
        <div class="charts">
            <div class="chart-controls">
                { window_buttons(props.request.window, &props.dispatch) }
                { cpu_select(&scopes, &props.request.cpu, &props.dispatch) }
                if queues.len() > 1 {
                    { queue_select(&queues, queue.as_deref(), &props.dispatch) }
                }
            </div>
            <div class="chart-grid">
                { for (0..charts.0.len()).map(|index| html! {
                    <ChartFigure charts={charts.clone()} {index} />
                }) }
            </div>
        </div>
    }
}

/// An `Rc` that compares by identity, so that a figure re-renders only
/// when its data was computed again.
#[derive(Clone)]
struct Shared(Rc<Vec<Chart>>);

impl PartialEq for Shared {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

fn window_buttons(current: Window, dispatch: &Dispatch) -> Html {
    html! {
        <div class="speed" role="group" aria-label="Time range (simulated)">
            { for Window::ALL.into_iter().map(|window| {
                let dispatch = dispatch.clone();
                let onclick = Callback::from(move |_: MouseEvent| {
                    dispatch.dispatch(Action::SetChartWindow(window))
                });
                let pressed = window == current;
                html! {
                    <button
                        class={classes!("toggle", pressed.then_some("on"))}
                        data-window={window.label()}
                        aria-pressed={pressed.to_string()}
                        {onclick}
                    >
                        { window.label() }
                    </button>
                }
            }) }
        </div>
    }
}

fn cpu_select(scopes: &[(CpuScope, String)], current: &CpuScope, dispatch: &Dispatch) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        let scopes: Vec<CpuScope> = scopes.iter().map(|(s, _)| s.clone()).collect();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<HtmlSelectElement>() else {
                return;
            };
            let picked = usize::try_from(select.selected_index()).ok();
            if let Some(scope) = picked.and_then(|i| scopes.get(i)) {
                dispatch.dispatch(Action::SetCpuScope(scope.clone()));
            }
        })
    };
    html! {
        <label class="select">
            <span>{ "CPUUtilization of" }</span>
            <select id="chart-cpu-scope" {onchange}>
                { for scopes.iter().map(|(scope, label)| html! {
                    <option selected={scope == current}>{ label }</option>
                }) }
            </select>
        </label>
    }
}

fn queue_select(queues: &[String], current: Option<&str>, dispatch: &Dispatch) -> Html {
    let onchange = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                dispatch.dispatch(Action::SetChartQueue(select.value()));
            }
        })
    };
    html! {
        <label class="select">
            <span>{ "Queue" }</span>
            <select id="chart-queue" {onchange}>
                { for queues.iter().map(|q| html! {
                    <option value={q.clone()} selected={Some(q.as_str()) == current}>{ q }</option>
                }) }
            </select>
        </label>
    }
}

#[derive(Properties, PartialEq)]
struct FigureProps {
    charts: Shared,
    index: usize,
}

/// One chart: caption with the latest value, the drawing, and its data
/// table in a disclosure.
#[component]
fn ChartFigure(props: &FigureProps) -> Html {
    let Some(chart) = props.charts.0.get(props.index) else {
        return html! {};
    };
    let id = chart.kind.id();
    let latest = chart
        .stats
        .map_or("no data".to_string(), |s| chart.unit.format(s.latest.value));
    let drawing = match draw(chart) {
        Some(svg) => Html::from_html_unchecked(AttrValue::from(svg)),
        None => html! { <p class="empty">{ "This chart could not be drawn." }</p> },
    };

    html! {
        <figure
            class="chart"
            id={format!("chart-{id}")}
            aria-labelledby={format!("chart-{id}-title")}
        >
            <figcaption>
                <span class="chart-title" id={format!("chart-{id}-title")}>
                    { &chart.title }
                    <span class="sub">{ format!(" · {}", chart.subject) }</span>
                </span>
                <span class="chart-latest" aria-hidden="true">{ latest }</span>
            </figcaption>
            <div class="chart-plot" role="img" aria-label={chart.summary.clone()}>
                { drawing }
            </div>
            if !chart.thresholds.is_empty() {
                <ul class="chart-legend" aria-hidden="true">
                    { for chart.thresholds.iter().map(|t| html! {
                        <li class={threshold_class(t.state)}>
                            { format!("{} {} {}", t.alarm_name,
                                console::operator_symbol(t.operator), chart.unit.format(t.value)) }
                        </li>
                    }) }
                </ul>
            }
            { data_table(chart) }
        </figure>
    }
}

fn threshold_class(state: AlarmState) -> &'static str {
    match state {
        AlarmState::Alarm => "alarm",
        _ => "quiet",
    }
}

/// The chart in words and numbers: latest, lowest, highest, thresholds.
fn data_table(chart: &Chart) -> Html {
    let rows: Vec<(String, String, String)> = match chart.stats {
        Some(s) => [
            ("Latest", s.latest),
            ("Lowest", s.minimum),
            ("Highest", s.maximum),
        ]
        .into_iter()
        .map(|(what, p)| {
            (
                what.to_string(),
                chart.unit.format(p.value),
                chart.clock(p.minute),
            )
        })
        .collect(),
        None => Vec::new(),
    };
    let thresholds = chart.thresholds.iter().map(|t| {
        (
            format!("Alarm {} ({})", t.alarm_name, t.state.name()),
            format!(
                "{} {}",
                console::operator_symbol(t.operator),
                chart.unit.format(t.value)
            ),
            String::new(),
        )
    });
    html! {
        <details class="chart-data">
            <summary>{ "Data table" }</summary>
            <p class="chart-summary" id={format!("chart-{}-summary", chart.kind.id())}>
                { &chart.summary }
            </p>
            <table class="grid compact">
                <caption class="sr-only">
                    { format!("{} of {}", chart.title, chart.subject) }
                </caption>
                <thead>
                    <tr>
                        <th scope="col">{ "Statistic" }</th>
                        <th scope="col" class="num">{ "Value" }</th>
                        <th scope="col">{ "Time (UTC)" }</th>
                    </tr>
                </thead>
                <tbody>
                    { for rows.into_iter().chain(thresholds).map(|(what, value, time)| html! {
                        <tr>
                            <th scope="row">{ what }</th>
                            <td class="num">{ value }</td>
                            <td>{ time }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </details>
    }
}

/// The chart as an SVG document, or `None` if plotters refused.
fn draw(chart: &Chart) -> Option<String> {
    let mut svg = String::new();
    plot(&mut svg, chart)?;
    Some(svg)
}

/// Steps of the value axis: values are drawn in thousandths of the axis
/// height, on integer coordinates, whose key points (the ticks the console
/// chose) plotters can label.
const Y_STEPS: f64 = 1_000.0;

fn plot(svg: &mut String, chart: &Chart) -> Option<()> {
    let root = SVGBackend::with_string(svg, (WIDTH, HEIGHT)).into_drawing_area();
    let (from, to) = (chart.from_minute as i64, chart.axis_end_minute as i64);
    let x_keys: Vec<i64> = chart.x_ticks.iter().map(|(m, _)| *m as i64).collect();
    let y_max = chart.y_max.max(f64::MIN_POSITIVE);
    let y = |value: f64| ((value / y_max).clamp(0.0, 1.0) * Y_STEPS).round() as i64;
    let y_keys: Vec<i64> = chart.y_ticks.iter().map(|v| y(*v)).collect();
    let label_font = ("sans-serif", 12).into_font().color(&LABEL);

    let mut plot = ChartBuilder::on(&root)
        .margin_top(8)
        .margin_right(14)
        .x_label_area_size(20)
        .y_label_area_size(52)
        .build_cartesian_2d(
            (from..to).with_key_points(x_keys),
            (0..Y_STEPS as i64).with_key_points(y_keys),
        )
        .ok()?;
    let unit = chart.unit;
    let x_label = |m: &i64| chart.clock((*m).max(0) as u64);
    // Each key point is one of the console's ticks: print that value, not
    // the rounded position it was drawn at.
    let y_label = |k: &i64| {
        let tick = chart.y_ticks.iter().find(|v| y(**v) == *k);
        unit.axis(tick.copied().unwrap_or(*k as f64 / Y_STEPS * y_max))
    };
    plot.configure_mesh()
        .disable_x_mesh()
        .bold_line_style(GRID)
        .light_line_style(TRANSPARENT)
        .axis_style(AXIS)
        .x_label_style(label_font.clone())
        .y_label_style(label_font)
        .x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .draw()
        .ok()?;

    for threshold in &chart.thresholds {
        let colour = match threshold.state {
            AlarmState::Alarm => ALARM,
            _ => QUIET,
        };
        let line = [(from, y(threshold.value)), (to, y(threshold.value))];
        plot.draw_series(DashedLineSeries::new(line, 6, 4, colour.stroke_width(1)))
            .ok()?;
    }
    for run in chart.runs() {
        let points = run.iter().map(|p| (p.minute as i64, y(p.value)));
        if run.len() == 1 {
            let dots = points.map(|xy| Circle::new(xy, 2, LINE.filled()));
            plot.draw_series(dots).ok()?;
        } else {
            plot.draw_series(LineSeries::new(points, LINE.stroke_width(2)))
                .ok()?;
        }
    }
    root.present().ok()
}
