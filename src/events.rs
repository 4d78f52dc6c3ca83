//! The event log: what happened in the simulated cloud, once per event.
//!
//! Services append an event when something a learner or facilitator would
//! want to see later happens (an instance changed state, an alarm fired).
//! Nothing is logged once per tick.

use serde::{Deserialize, Serialize};

/// One thing that happened, stamped with simulated time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Seconds since the quest started.
    pub time: u64,
    /// The service that reports it, as AWS names it: `EC2`, `CloudWatch`.
    pub source: String,
    pub message: String,
}

/// Events in the order they happened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventLog {
    events: Vec<Event>,
}

impl EventLog {
    /// Appends an event.
    pub fn push(&mut self, time: u64, source: &str, message: impl Into<String>) {
        self.events.push(Event { time, source: source.to_string(), message: message.into() });
    }

    /// All events, oldest first.
    pub fn all(&self) -> &[Event] {
        &self.events
    }

    /// Events from index `from` on, for views that show only what is new.
    pub fn since(&self, from: usize) -> &[Event] {
        self.events.get(from..).unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }
}
