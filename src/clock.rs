//! The simulated clock.
//!
//! Simulated time is a whole number of seconds since the quest started, and
//! it only moves in fixed ticks of [`TICK_SECONDS`]. The player chooses a
//! speed (paused, 1x, 10x or 60x) or skips ahead; wall-clock time is turned
//! into a number of ticks here, so that the view never does that arithmetic
//! itself and the world advances the same way however the time was asked for.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize};

/// Length of one simulation step, in simulated seconds.
pub const TICK_SECONDS: u64 = 1;

/// How fast simulated time runs against the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum Speed {
    /// Time stands still until the player resumes or skips ahead.
    #[default]
    Paused,
    /// One simulated second per wall second.
    X1,
    /// Ten simulated seconds per wall second.
    X10,
    /// One simulated minute per wall second.
    X60,
}

impl Speed {
    /// Every speed, slowest first, for pickers.
    pub const ALL: [Speed; 4] = [Speed::Paused, Speed::X1, Speed::X10, Speed::X60];

    /// Simulated seconds per wall second.
    pub fn factor(self) -> u64 {
        match self {
            Speed::Paused => 0,
            Speed::X1 => 1,
            Speed::X10 => 10,
            Speed::X60 => 60,
        }
    }

    /// The label a speed control shows.
    pub fn label(self) -> &'static str {
        match self {
            Speed::Paused => "Pause",
            Speed::X1 => "1x",
            Speed::X10 => "10x",
            Speed::X60 => "60x",
        }
    }
}

/// Simulated time and the speed it runs at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Clock {
    now: u64,
    speed: Speed,
    /// Wall milliseconds received but not yet worth a whole tick.
    #[serde(skip)]
    pending_wall_ms: u64,
}

impl Clock {
    /// Seconds since the quest started.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The speed time runs at when driven by the wall clock.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Changes the speed. Pausing drops any part of a tick still pending.
    pub fn set_speed(&mut self, speed: Speed) {
        self.speed = speed;
        if speed == Speed::Paused {
            self.pending_wall_ms = 0;
        }
    }

    /// Turns `wall_ms` milliseconds of real time into the number of ticks to
    /// run at the current speed, keeping the remainder for the next call.
    pub fn ticks_for_wall_ms(&mut self, wall_ms: u64) -> u64 {
        let factor = self.speed.factor();
        if factor == 0 {
            return 0;
        }
        self.pending_wall_ms = self.pending_wall_ms.saturating_add(wall_ms);
        let tick_ms = 1000 * TICK_SECONDS;
        let sim_ms = self.pending_wall_ms.saturating_mul(factor);
        let ticks = sim_ms / tick_ms;
        self.pending_wall_ms = (sim_ms % tick_ms) / factor;
        ticks
    }

    /// Moves time forward by one tick. Only the world calls this, once it
    /// has stepped every service.
    pub(crate) fn advance_tick(&mut self) {
        self.now += TICK_SECONDS;
    }
}

/// Formats a number of seconds as a duration a player reads at a glance,
/// such as `2h05m` or `45s`.
pub fn format_duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds / 60) % 60, seconds % 60);
    match (h, m) {
        (0, 0) => format!("{s}s"),
        (0, _) => format!("{m}m{s:02}s"),
        _ => format!("{h}h{m:02}m"),
    }
}

/// Parses a duration as players and quest authors write it: `90`, `90s`,
/// `15m`, `2h`, `1d`. Returns `None` for anything else.
pub fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    let (digits, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => text.split_at(at),
        None => (text, "s"),
    };
    let value: u64 = digits.parse().ok()?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    value.checked_mul(scale)
}

/// A length of simulated time in whole seconds, as quest files write it:
/// an integer (`30`) or a duration string (`"30s"`, `"15m"`, `"4d"`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Seconds(pub u64);

impl<'de> Deserialize<'de> for Seconds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(SecondsVisitor)
    }
}

struct SecondsVisitor;

impl de::Visitor<'_> for SecondsVisitor {
    type Value = Seconds;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("whole seconds or a duration such as \"90s\", \"15m\", \"2h\", \"4d\"")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Seconds, E> {
        u64::try_from(v).map(Seconds).map_err(|_| E::custom("a duration cannot be negative"))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Seconds, E> {
        Ok(Seconds(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Seconds, E> {
        parse_duration(v).map(Seconds).ok_or_else(|| {
            E::custom(format!(
                "invalid duration {v:?}: use whole seconds or a duration such as 90s, 15m, 2h, 4d"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_runs_no_ticks() {
        let mut clock = Clock::default();
        assert_eq!(clock.ticks_for_wall_ms(5_000), 0);
    }

    #[test]
    fn speeds_scale_wall_time() {
        let mut clock = Clock::default();
        clock.set_speed(Speed::X1);
        assert_eq!(clock.ticks_for_wall_ms(1_000), 1);
        clock.set_speed(Speed::X60);
        assert_eq!(clock.ticks_for_wall_ms(1_000), 60);
        clock.set_speed(Speed::X10);
        assert_eq!(clock.ticks_for_wall_ms(250), 2);
        assert_eq!(clock.ticks_for_wall_ms(250), 3, "the half tick left over counts");
    }

    #[test]
    fn durations_parse_and_print() {
        assert_eq!(parse_duration("90"), Some(90));
        assert_eq!(parse_duration("15m"), Some(900));
        assert_eq!(parse_duration("1d"), Some(86_400));
        assert_eq!(parse_duration("5y"), None);
        assert_eq!(parse_duration(""), None);
        assert_eq!(format_duration(7_500), "2h05m");
        assert_eq!(format_duration(45), "45s");
    }
}
