//! How numbers read on screen. Presentation only: every value shown here
//! was computed by the simulation.

/// US dollars per hour with four decimals, as small fleets cost cents:
/// `$0.4608`.
pub fn usd(value: f64) -> String {
    format!("${value:.4}")
}

/// Grams with one decimal: `812.3`.
pub fn grams(value: f64) -> String {
    format!("{value:.1}")
}

/// Points with their sign: `+50`, `−150` (a true minus sign), `0`.
pub fn points(value: i64) -> String {
    match value {
        0 => "0".to_string(),
        v if v > 0 => format!("+{v}"),
        v => format!("\u{2212}{}", v.unsigned_abs()),
    }
}

/// Which way a rate moved, for styling: lower cost and carbon are good.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trend {
    Down,
    Flat,
    Up,
}

impl Trend {
    pub fn class(self) -> &'static str {
        match self {
            Trend::Down => "trend-down",
            Trend::Flat => "trend-flat",
            Trend::Up => "trend-up",
        }
    }
}

/// How `now` moved from `start`, as `▼ $0.4200 (−41%)`, using `unit` to
/// print the amount, and its trend. Changes under a ten-thousandth of the
/// start count as flat.
pub fn change(now: f64, start: f64, unit: fn(f64) -> String) -> (String, Trend) {
    let delta = now - start;
    if delta.abs() <= start.abs() * 1e-4 || delta.abs() < 1e-9 {
        return ("= since start".to_string(), Trend::Flat);
    }
    let (arrow, sign, trend) = if delta < 0.0 {
        ('▼', '\u{2212}', Trend::Down)
    } else {
        ('▲', '+', Trend::Up)
    };
    let amount = unit(delta.abs());
    let text = if start.abs() > 1e-9 {
        format!(
            "{arrow} {sign}{amount} ({sign}{:.0}%)",
            (delta / start * 100.0).abs()
        )
    } else {
        format!("{arrow} {sign}{amount}")
    };
    (text, trend)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_carry_their_sign() {
        assert_eq!(points(50), "+50");
        assert_eq!(points(-150), "\u{2212}150");
        assert_eq!(points(0), "0");
    }

    #[test]
    fn falling_cost_reads_as_a_drop() {
        let (text, trend) = change(0.58, 1.0, usd);
        assert_eq!(trend, Trend::Down);
        assert_eq!(text, "▼ \u{2212}$0.4200 (\u{2212}42%)");
        assert_eq!(change(1.0, 1.0, usd).1, Trend::Flat);
    }
}
