//! Wall-clock time as the gateways write it. The journal counts in Unix milliseconds; the
//! gateways (and their simulators) show civil times, in Beijing time (GMT+8) for all of them.
//! Civil dates come from H. Hinnant's days-to-civil algorithm, so no time-zone database is needed.

use std::time::{SystemTime, UNIX_EPOCH};

/// China Standard Time, which every gateway of the seeds uses.
pub const BEIJING_OFFSET_SECS: i64 = 8 * 3600;

pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

pub fn now_unix() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// A civil date and time at some UTC offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Civil {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
    pub second: u32,
}

impl Civil {
    /// `yyyyMMdd`
    pub fn date_compact(&self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// `yyyyMMddHHmmss`
    pub fn compact(&self) -> String {
        format!("{}{:02}{:02}{:02}", self.date_compact(), self.hour, self.minute, self.second)
    }
}

impl std::fmt::Display for Civil {
    /// `YYYY-MM-DD HH:MM:SS`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

/// The civil time of `unix_secs` at `offset_secs` east of UTC.
pub fn civil(unix_secs: i64, offset_secs: i64) -> Civil {
    let t = unix_secs + offset_secs;
    let (days, secs) = (t.div_euclid(86_400), t.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Civil {
        year,
        month,
        day,
        hour: (secs / 3600) as u32,
        minute: (secs % 3600 / 60) as u32,
        second: (secs % 60) as u32,
    }
}

/// Beijing time of a Unix second.
pub fn beijing(unix_secs: u64) -> Civil {
    civil(unix_secs as i64, BEIJING_OFFSET_SECS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_times() {
        assert_eq!(civil(0, 0).to_string(), "1970-01-01 00:00:00");
        assert_eq!(civil(1_497_957_842, 0).to_string(), "2017-06-20 11:24:02");
        assert_eq!(beijing(1_497_957_842).to_string(), "2017-06-20 19:24:02");
        // 2009-12-25 01:10:10 UTC is 09:10:10 in Beijing (the Chaoying seed's time example).
        assert_eq!(beijing(1_261_703_410).compact(), "20091225091010");
        assert_eq!(beijing(951_782_400).compact(), "20000229080000");
        assert_eq!(civil(951_868_799, 0).to_string(), "2000-02-29 23:59:59");
        assert_eq!(beijing(951_782_400 + 86_399).to_string(), "2000-03-01 07:59:59");
        assert_eq!(beijing(0).date_compact(), "19700101");
        assert_eq!(civil(-1, 0).to_string(), "1969-12-31 23:59:59");
    }
}
