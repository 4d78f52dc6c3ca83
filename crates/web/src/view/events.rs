//! Recent events of the simulated cloud, newest first: what changed state
//! and when, as the services report it. The first tab of the console panel.

use gameday::clock::format_duration;
use yew::prelude::*;

use crate::state::SessionHandle;

/// Events the panel shows.
const RECENT: usize = 20;

#[derive(Properties, PartialEq)]
pub struct EventsProps {
    pub session: SessionHandle,
}

#[component]
pub fn RecentEvents(props: &EventsProps) -> Html {
    let Some(session) = props.session.read() else {
        return html! {};
    };
    let events = session.world().env.events.all();
    let first = events.len().saturating_sub(RECENT);
    let recent = events.iter().enumerate().skip(first).rev();

    html! {
        <div class="events">
            if events.is_empty() {
                <p class="empty">{ "Nothing has happened yet." }</p>
            } else {
                <ol id="recent-events" aria-label="Recent events, newest first">
                    { for recent.map(|(i, e)| html! {
                        <li key={i}>
                            <span class="time">{ format_duration(e.time) }</span>
                            <span class="source">{ &e.source }</span>
                            <span class="msg">{ &e.message }</span>
                        </li>
                    }) }
                </ol>
            }
        </div>
    }
}
