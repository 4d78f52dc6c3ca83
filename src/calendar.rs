//! Calendar dates for simulated time.
//!
//! AWS prints and accepts instants as ISO 8601 in UTC
//! (`2026-03-02T09:00:00+00:00` in JSON output, `2026-03-02T09:00:00Z` typed
//! by users). Simulated seconds are offset from the quest's start instant,
//! kept as Unix seconds; conversion uses the proleptic Gregorian calendar.
//! Time zones other than UTC and fractional seconds are not modelled.

/// Days since 1970-01-01 for a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = month as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + day as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// Formats Unix seconds the way the AWS CLI prints timestamps in JSON:
/// `2026-03-02T09:00:00+00:00`.
pub fn format_iso8601(unix: i64) -> String {
    let (date, secs) = (unix.div_euclid(86_400), unix.rem_euclid(86_400));
    let (y, mo, d) = civil_from_days(date);
    format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}+00:00", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Parses an instant as the AWS CLI accepts it: `2026-03-02T09:00:00Z`,
/// with `+00:00` or without a zone, with a space instead of `T`, a bare date,
/// or Unix seconds. Returns Unix seconds, or `None` if unreadable.
pub fn parse_iso8601(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let text = text.strip_suffix('Z').or_else(|| text.strip_suffix("+00:00")).unwrap_or(text);
    let (date, time) = match text.split_once(['T', ' ']) {
        Some((d, t)) => (d, t),
        None => (text, "00:00:00"),
    };

    let mut date_parts = date.split('-');
    let year: i64 = date_parts.next()?.parse().ok()?;
    let month: u32 = date_parts.next()?.parse().ok()?;
    let day: u32 = date_parts.next()?.parse().ok()?;
    if date_parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }

    let mut time_parts = time.split(':');
    let hour: i64 = time_parts.next()?.parse().ok()?;
    let minute: i64 = time_parts.next().unwrap_or("0").parse().ok()?;
    let second: i64 = time_parts.next().unwrap_or("0").split('.').next()?.parse().ok()?;
    if time_parts.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    if !(1..=9999).contains(&year) {
        return None;
    }

    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_known_instants() {
        assert_eq!(format_iso8601(0), "1970-01-01T00:00:00+00:00");
        let t = parse_iso8601("2026-03-02T09:30:15Z").unwrap();
        assert_eq!(format_iso8601(t), "2026-03-02T09:30:15+00:00");
        assert_eq!(parse_iso8601("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_iso8601("1709164800"), Some(1_709_164_800));
    }

    #[test]
    fn rejects_nonsense() {
        for bad in ["", "yesterday", "2026-13-01", "2026-01-01T25:00", "2026-01-01-01"] {
            assert_eq!(parse_iso8601(bad), None, "{bad}");
        }
    }
}
