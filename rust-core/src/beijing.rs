//! Beijing time (UTC+8, no daylight saving) for shift ranges: a counter's day and its shifts
//! are Beijing wall-clock times, whatever the terminal's time zone is set to.

use crate::error::{Error, Result};

const OFFSET_MS: i64 = crate::clock::BEIJING_OFFSET_SECS * 1000;
const DAY_MS: i64 = 24 * 3600 * 1000;

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn days_in_month(y: i64, m: i64) -> i64 {
    days_from_civil(if m == 12 { y + 1 } else { y }, if m == 12 { 1 } else { m + 1 }, 1) - days_from_civil(y, m, 1)
}

/// Reads `YYYY-MM-DD`, `YYYY-MM-DD HH:MM`, `YYYY-MM-DDTHH:MM[:SS]` as Beijing time, or a
/// number of milliseconds since the epoch; `field` names the input in the error.
pub fn parse(text: &str, field: &str) -> Result<i64> {
    let t = text.trim();
    if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        return t.parse().map_err(|_| Error::invalid(field, "milliseconds since 1970 out of range"));
    }
    let bad =
        || Error::invalid(field, "expected YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] (Beijing time) or epoch milliseconds");
    let (date, time) = match t.split_once([' ', 'T']) {
        Some((d, tm)) => (d, Some(tm)),
        None => (t, None),
    };
    let num = |s: &str, len: usize| -> Result<i64> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let mut d = date.split('-');
    let (y, m, day) = match (d.next(), d.next(), d.next(), d.next()) {
        (Some(y), Some(m), Some(dd), None) => (num(y, 4)?, num(m, 2)?, num(dd, 2)?),
        _ => return Err(bad()),
    };
    if !(1..=12).contains(&m) || day < 1 || day > days_in_month(y, m) {
        return Err(Error::invalid(field, format!("{date} is not a date")));
    }
    let (mut hh, mut mm, mut ss) = (0, 0, 0);
    if let Some(tm) = time {
        let parts: Vec<&str> = tm.split(':').collect();
        match parts.as_slice() {
            [h, mi] => (hh, mm) = (num(h, 2)?, num(mi, 2)?),
            [h, mi, s] => (hh, mm, ss) = (num(h, 2)?, num(mi, 2)?, num(s, 2)?),
            _ => return Err(bad()),
        }
        if hh > 23 || mm > 59 || ss > 59 {
            return Err(Error::invalid(field, format!("{tm} is not a time of day")));
        }
    }
    Ok(days_from_civil(y, m, day) * DAY_MS + (hh * 3600 + mm * 60 + ss) * 1000 - OFFSET_MS)
}

/// The Beijing day `date` (`YYYY-MM-DD`) as `[midnight, next midnight)` in epoch milliseconds.
pub fn day(date: &str, field: &str) -> Result<(i64, i64)> {
    let d = date.trim().as_bytes();
    // Ten characters with its dashes: a date, not ten digits of epoch milliseconds.
    if d.len() != 10 || d[4] != b'-' || d[7] != b'-' {
        return Err(Error::invalid(field, "expected a date, YYYY-MM-DD"));
    }
    let from = parse(date, field)?;
    Ok((from, from + DAY_MS))
}

/// `YYYY-MM-DD HH:MM:SS` in Beijing time.
pub fn format(ms: i64) -> String {
    civil(ms).to_string()
}

/// `YYYYMMDD`, the Beijing date of `ms` (the gateways' day fields).
pub fn date_compact(ms: i64) -> String {
    civil(ms).date_compact()
}

fn civil(ms: i64) -> crate::clock::Civil {
    crate::clock::civil(ms.div_euclid(1000), crate::clock::BEIJING_OFFSET_SECS)
}

/// Reads a gateway's `YYYYMMDDHHmmss` Beijing time; `None` when it is not one.
pub fn parse_compact(text: &str) -> Option<i64> {
    let t = text.trim();
    if t.len() != 14 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let spaced = format!("{}-{}-{} {}:{}:{}", &t[..4], &t[4..6], &t[6..8], &t[8..10], &t[10..12], &t[12..]);
    parse(&spaced, "time").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_a_date_and_nothing_else() {
        for bad in ["1234567890", "2026/12/02", "2026-12-2", "2026-12-02 08:00", ""] {
            assert!(matches!(day(bad, "date"), Err(Error::InvalidInput { field, .. }) if field == "date"), "{bad}");
        }
        assert!(day(" 2026-12-02 ", "date").is_ok());
    }

    #[test]
    fn compact_times_are_beijing_wall_clock() {
        let ms = parse("2026-12-02 08:30:15", "t").unwrap();
        assert_eq!(parse_compact("20261202083015"), Some(ms));
        // Beijing's 00:30 on the 2nd is still the 1st in UTC: the date is Beijing's.
        assert_eq!(date_compact(parse("2026-12-02 00:30", "t").unwrap()), "20261202");
        assert_eq!(date_compact(parse("2026-12-01 23:59:59", "t").unwrap()), "20261201");
        for bad in ["", "2026120208301", "202612020830150", "20261302083015", "2026120208301x", "20261202246015"] {
            assert_eq!(parse_compact(bad), None, "{bad}");
        }
    }

    #[test]
    fn beijing_midnight_is_sixteen_hours_utc_the_day_before() {
        // 2026-12-02 00:00 +08:00 = 2026-12-01T16:00:00Z = 1796140800000 ms.
        assert_eq!(parse("2026-12-02", "from").unwrap(), 1_796_140_800_000);
        assert_eq!(day("2026-12-02", "day").unwrap(), (1_796_140_800_000, 1_796_227_200_000));
        assert_eq!(parse("2026-12-02 08:30", "from").unwrap(), 1_796_140_800_000 + 8 * 3_600_000 + 30 * 60_000);
        assert_eq!(parse("2026-12-02T08:30:15", "from").unwrap(), parse("2026-12-02 08:30:15", "from").unwrap());
        assert_eq!(parse("1796140800000", "from").unwrap(), 1_796_140_800_000);
    }

    #[test]
    fn format_reads_back_what_parse_wrote() {
        for text in ["1970-01-01 08:00:00", "2000-02-29 23:59:59", "2026-12-02 00:00:00", "2100-03-01 12:00:00"] {
            assert_eq!(format(parse(text, "t").unwrap()), text);
        }
        for days in -800_000..800_000i64 {
            if days % 997 == 0 {
                let c = crate::clock::civil(days * 86_400, 0);
                assert_eq!(days_from_civil(c.year, i64::from(c.month), i64::from(c.day)), days);
            }
        }
    }

    #[test]
    fn bad_times_name_the_field() {
        for bad in ["", "2026-13-01", "2026-02-29", "2026-12-02 24:00", "2026/12/02", "12-02", "2026-12-02 8:00", "abc"]
        {
            match parse(bad, "from") {
                Err(Error::InvalidInput { field, .. }) => assert_eq!(field, "from", "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
        assert!(day("2026-12-02 08:00", "day").is_err());
    }
}
