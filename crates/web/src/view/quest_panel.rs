//! The quest panel: story, objectives ticking off as they are met, hints
//! from the mentor, the score and its feed of events.
//!
//! Bonus objectives are marked "Bonus" and read as optional: the quest
//! completes without them, and they can still be met afterwards.

use std::collections::BTreeMap;
use std::rc::Rc;

use gameday::clock::format_duration;
use gameday::quest::{ObjectiveStatus, Session};
use yew::prelude::*;

use gloo::timers::callback::Timeout;

use super::Dispatch;
use crate::dom;
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
    let mut summary = format!(
        " {} points with {} commands.",
        session.score(),
        session.command_count()
    );
    let bonus: Vec<bool> = session
        .objectives()
        .iter()
        .zip(&session.quest().objectives)
        .filter(|(_, o)| o.bonus)
        .map(|(s, _)| s.ok)
        .collect();
    if !bonus.is_empty() {
        let met = bonus.iter().filter(|ok| **ok).count();
        summary.push_str(&format!(" Bonus objectives: {met} of {} met.", bonus.len()));
        if met < bonus.len() {
            summary.push_str(" You can still go for them.");
        }
    }
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
    let spec = session.quest().objectives.get(index);
    let bonus = spec.is_some_and(|o| o.bonus);
    let points_text = match spec {
        Some(o) if o.guard => format!("{} if broken", points(-o.penalty)),
        Some(o) => points(o.points),
        None => String::new(),
    };
    let (mark, state_text) = match (status.guard, status.ok, bonus) {
        (false, true, _) => ("✓", "met"),
        (false, false, false) => ("○", "not met yet"),
        (false, false, true) => ("☆", "optional, not met yet"),
        (true, true, _) => ("◆", "holding"),
        (true, false, _) => ("✗", "broken"),
    };
    let title = if bonus {
        strip_bonus_prefix(&status.title)
    } else {
        status.title.clone()
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
                status.guard.then_some("guard"),
                bonus.then_some("bonus")
            )}
            key={status.id.clone()}
            data-id={status.id.clone()}
            data-ok={status.ok.to_string()}
            data-bonus={bonus.to_string()}
        >
            <span class="mark" aria-hidden="true">{ mark }</span>
            <div class="objective-body">
                <span class="objective-title">
                    if status.guard { <span class="tag">{ "Guard" }</span>{ " " } }
                    if bonus { <span class="tag bonus-tag">{ "Bonus" }</span>{ " " } }
                    { title.clone() }
                </span>
                <span class="sub">
                    <span class="state">{ state_text }</span>
                    { format!(" · {points_text}") }
                    if let Some(since) = status.since {
                        { format!(" · at T+{}", format_duration(since)) }
                    }
                </span>
                { for revealed.iter().enumerate().map(|(n, text)| html! {
                    <p class="hint-text" id={hint_id(&status.id, n)} tabindex="-1">{ text }</p>
                }) }
                if let Some(cost) = hint_cost {
                    { hint_button(&status.id, &title, cost, revealed.len(), &props.dispatch) }
                }
            </div>
        </li>
    }
}

/// A title without the "Bonus: " its quest file may start it with, since
/// the Bonus tag says so; what follows starts with a capital.
fn strip_bonus_prefix(title: &str) -> String {
    let Some(rest) = ["Bonus: ", "Bonus - "]
        .iter()
        .find_map(|prefix| title.strip_prefix(prefix))
    else {
        return title.to_string();
    };
    let mut chars = rest.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => title.to_string(),
    }
}

/// The id of the `n`th hint revealed for objective `id`.
fn hint_id(id: &str, n: usize) -> String {
    format!("hint-{id}-{n}")
}

/// The hint button. After the last hint it goes away; focus then moves
/// to the hint just revealed instead of falling back to the page.
fn hint_button(id: &str, title: &str, cost: i64, revealed: usize, dispatch: &Dispatch) -> Html {
    let label = match cost {
        0 => "Hint (free)".to_string(),
        c => format!("Hint ({})", points(-c)),
    };
    let action = Action::TakeHint(id.to_string());
    let dispatch = dispatch.clone();
    let next_hint = hint_id(id, revealed);
    let onclick = Callback::from(move |_: MouseEvent| {
        dispatch.dispatch(action.clone());
        let next_hint = next_hint.clone();
        Timeout::new(0, move || dom::focus_if_lost(&next_hint)).forget();
    });
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
