//! The quest picker: every embedded quest, in order, broken ones included
//! with the loader's error so that an author sees what to fix.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use super::Dispatch;
use crate::quests::QuestEntry;
use crate::state::Action;

#[derive(Properties, PartialEq)]
pub struct PickerProps {
    pub quests: Rc<Vec<QuestEntry>>,
    pub dispatch: Dispatch,
}

#[component]
pub fn Picker(props: &PickerProps) -> Html {
    let first_button = use_node_ref();
    {
        let first_button = first_button.clone();
        use_effect_with((), move |_| {
            if let Some(button) = first_button.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }

    let first_playable = props.quests.iter().position(|q| q.quest.is_ok());
    let cards = props.quests.iter().enumerate().map(|(index, entry)| {
        let node_ref = if Some(index) == first_playable {
            first_button.clone()
        } else {
            NodeRef::default()
        };
        quest_card(index, entry, node_ref, &props.dispatch)
    });

    html! {
        <main class="picker">
            <header class="picker-head">
                <h1>{ "GameDay Sandbox" }</h1>
                <p class="tagline">
                    { "Take over an over-provisioned cloud and make it sustainable. \
                       Everything runs in your browser: no account, no bill." }
                </p>
            </header>
            if props.quests.is_empty() {
                <p class="notice">
                    { "This build holds no quests: add files under quests/ and rebuild." }
                </p>
            }
            <ul class="quest-list">
                { for cards }
            </ul>
        </main>
    }
}

fn quest_card(index: usize, entry: &QuestEntry, node_ref: NodeRef, dispatch: &Dispatch) -> Html {
    let title_id = format!("quest-title-{index}");
    match &entry.quest {
        Ok(quest) => {
            let dispatch = dispatch.clone();
            let onclick =
                Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::PickQuest(index)));
            html! {
                <li class="quest-card" key={entry.file}>
                    <h2 id={title_id.clone()}>{ &quest.title }</h2>
                    <p>{ &quest.summary }</p>
                    <button
                        ref={node_ref}
                        class="primary"
                        data-quest={quest.id.get_ref().clone()}
                        aria-describedby={title_id}
                        {onclick}
                    >
                        { "Start quest" }
                    </button>
                </li>
            }
        }
        Err(error) => html! {
            <li class="quest-card broken" key={entry.file} data-file={entry.file}>
                <h2 id={title_id}>{ entry.file }</h2>
                <p>{ "This quest file could not be loaded:" }</p>
                <pre class="quest-error">{ error }</pre>
            </li>
        },
    }
}
