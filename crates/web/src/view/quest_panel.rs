//! The quest panel: story, objectives ticking off as they are met, hints
//! from the mentor, the score and its feed of events.

use std::collections::BTreeMap;
use std::rc::Rc;

use gameday::clock::format_duration;
use gameday::quest::{ObjectiveStatus, Session};
use yew::prelude::*;

use super::Dispatch;
use crate::format::points;
use crate::state::{Action, SessionHandle};

#[derive(Properties, PartialEq)]
pub struct QuestPanelProps {
    pub session: SessionHandle,
    /// Hints revealed so far, by objective id.
    pub hints: Rc<BTreeMap<String, Vec<String>>>,
    /// Why the last hint request gave nothing.
    pub notice: Option<String>,
    pub dispatch: Dispatch,
}

#[component]
pub fn QuestPanel(props: &QuestPanelProps) -> Html {
    let Some(session) = props.session.read() else {
        return html! {};
    };
    let quest = session.quest();
    let back = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::BackToPicker))
    };

    html! {
        <aside class="quest-panel" aria-labelledby="quest-title">
            <div class="quest-head">
                <button class="back" onclick={back}>{ "← All quests" }</button>
                <h1 id="quest-title">{ &quest.title }</h1>
            </div>
            { completed(&session) }
            { score(&session) }
            <section class="objectives panel" aria-labelledby="objectives-title">
                <h2 id="objectives-title">{ "Objectives" }</h2>
                <ul>
                    { for session.objectives().iter().enumerate().map(|(i, o)| {
                        objective(&session, i, o, props)
                    }) }
                </ul>
                if let Some(notice) = &props.notice {
                    <p class="notice" role="status">{ notice }</p>
                }
            </section>
            <details class="story panel" open=true>
                <summary>{ "Story" }</summary>
                { for paragraphs(&quest.story).map(|p| html! { <p>{ p }</p> }) }
            </details>
        </aside>
    }
}

/// The story's paragraphs: blocks separated by a blank line.
fn paragraphs(story: &str) -> impl Iterator<Item = &str> {
    story.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

fn completed(session: &Session) -> Html {
    if !session.completed() {
        return html! {};
    }
    let summary = format!(
        " {} points with {} commands.",
        session.score(),
        session.command_count()
    );
    html! {
        <div id="quest-complete" class="banner" role="status">
            <strong>{ "Quest complete" }</strong>
            <span>{ summary }</span>
        </div>
    }
}

fn objective(
    session: &Session,
    index: usize,
    status: &ObjectiveStatus,
    props: &QuestPanelProps,
) -> Html {
    let points_text = match session.quest().objectives.get(index) {
        Some(o) if o.guard => format!("{} if broken", points(-o.penalty)),
        Some(o) => points(o.points),
        None => String::new(),
    };
    let (mark, state_text) = match (status.guard, status.ok) {
        (false, true) => ("✓", "met"),
        (false, false) => ("○", "not met yet"),
        (true, true) => ("◆", "holding"),
        (true, false) => ("✗", "broken"),
    };
    let hint_cost = if status.ok {
        None
    } else {
        session.next_hint_cost(&status.id)
    };
    let revealed = props
        .hints
        .get(&status.id)
        .map(Vec::as_slice)
        .unwrap_or_default();

    html! {
        <li
            class={classes!(
                "objective",
                status.ok.then_some("ok"),
                status.guard.then_some("guard")
            )}
            key={status.id.clone()}
            data-id={status.id.clone()}
            data-ok={status.ok.to_string()}
        >
            <span class="mark" aria-hidden="true">{ mark }</span>
            <div class="objective-body">
                <span class="objective-title">
                    if status.guard { <span class="tag">{ "Guard" }</span>{ " " } }
                    { &status.title }
                </span>
                <span class="sub">
                    <span class="state">{ state_text }</span>
                    { format!(" · {points_text}") }
                    if let Some(since) = status.since {
                        { format!(" · at T+{}", format_duration(since)) }
                    }
                </span>
                { for revealed.iter().map(|text| html! { <p class="hint-text">{ text }</p> }) }
                if let Some(cost) = hint_cost {
                    { hint_button(&status.id, &status.title, cost, &props.dispatch) }
                }
            </div>
        </li>
    }
}

fn hint_button(id: &str, title: &str, cost: i64, dispatch: &Dispatch) -> Html {
    let label = match cost {
        0 => "Hint (free)".to_string(),
        c => format!("Hint ({})", points(-c)),
    };
    let action = Action::TakeHint(id.to_string());
    let dispatch = dispatch.clone();
    let onclick = Callback::from(move |_: MouseEvent| dispatch.dispatch(action.clone()));
    html! {
        <button
            class="hint-button"
            data-hint={id.to_string()}
            title={format!("A hint for: {title}")}
            {onclick}
        >
            { label }
        </button>
    }
}

/// The points total and the feed of score events, newest first.
fn score(session: &Session) -> Html {
    let events = session.score_events();
    html! {
        <section class="score panel" aria-labelledby="score-title">
            <h2 id="score-title">{ "Score" }</h2>
            <p class="score-line">
                <span id="score-total">{ session.score() }</span>
                <span class="unit">{ " points" }</span>
                <span class="sub">{ format!(" · {} commands", session.command_count()) }</span>
            </p>
            <ol id="score-feed" aria-live="polite" aria-label="Score events">
                { for events.iter().enumerate().rev().map(|(i, e)| {
                    let kind = match e.points {
                        p if p > 0 => "gain",
                        p if p < 0 => "loss",
                        _ => "neutral",
                    };
                    html! {
                        <li key={i} class={kind}>
                            <span class="time">{ format!("T+{}", format_duration(e.time)) }</span>
                            <span class="points">{ points(e.points) }</span>
                            <span class="msg">{ &e.message }</span>
                        </li>
                    }
                }) }
            </ol>
            if events.is_empty() {
                <p class="empty">{ "No points yet: meet an objective to score." }</p>
            }
        </section>
    }
}
