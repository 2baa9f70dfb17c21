//! Calendar dates (proleptic Gregorian, UTC): `YYYY-MM-DD` read and
//! written, days added, and the one place that reads the clock.
//!
//! A date is a count of days since 1970-01-01, so comparing and adding are
//! integer operations; the conversions are Howard Hinnant's civil-date
//! algorithms. Nothing in the run depends on the clock except
//! [`today`], which is asked only when a review date must be judged.

use std::fmt;

/// A day of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Days since 1970-01-01 (negative before it).
    days: i64,
}

/// The environment variable that fixes "today" for a run.
pub const TODAY_VAR: &str = "MDBOOK_TDD_TODAY";

/// The reproducible-builds variable: seconds since 1970-01-01 UTC.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// The day `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.days
    }

    /// The day of a year, month (1–12) and day of the month, if there is
    /// one (years 0 to 9999).
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(0..=9999).contains(&y) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = i64::from((m + 9) % 12);
        let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// Year, month (1–12) and day of the month.
    pub fn ymd(self) -> (i64, u32, u32) {
        let z = self.days.saturating_add(719_468);
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let y = yoe + era * 400 + i64::from(m <= 2);
        (y, m, d)
    }

    /// Reads `YYYY-MM-DD` exactly: four, two and two ASCII digits, a real
    /// day of the calendar.
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if !part.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        Date::from_ymd(i64::from(num(0..4)?), num(5..7)?, num(8..10)?)
    }

    /// The day of a Unix time in seconds.
    pub fn from_unix_seconds(secs: i64) -> Date {
        Date {
            days: secs.div_euclid(86_400),
        }
    }

    /// The day `n` days later (earlier for negative `n`).
    pub fn add_days(self, n: i64) -> Date {
        Date {
            days: self.days.saturating_add(n),
        }
    }

    /// Today (UTC) by the system clock.
    pub fn clock() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Date::from_unix_seconds(i64::try_from(secs).unwrap_or(i64::MAX))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// The day review dates are judged against, in this order: `given` (the
/// command line's `--today`), `MDBOOK_TDD_TODAY` (`YYYY-MM-DD`),
/// `SOURCE_DATE_EPOCH` (seconds), the system clock. The only input of a
/// run that may depend on the clock. A variable that is set but malformed
/// is an error, as reproducible builds want.
pub fn today(given: Option<Date>) -> Result<Date, String> {
    if let Some(d) = given {
        return Ok(d);
    }
    today_from(
        std::env::var(TODAY_VAR).ok().as_deref(),
        std::env::var(SOURCE_DATE_EPOCH).ok().as_deref(),
        Date::clock,
    )
}

/// [`today`] from the variables' values.
fn today_from(
    today_var: Option<&str>,
    epoch: Option<&str>,
    clock: impl FnOnce() -> Date,
) -> Result<Date, String> {
    if let Some(v) = today_var.filter(|v| !v.trim().is_empty()) {
        return Date::parse(v.trim())
            .ok_or_else(|| format!("{TODAY_VAR}=`{v}` is not a date: write YYYY-MM-DD"));
    }
    if let Some(v) = epoch.filter(|v| !v.trim().is_empty()) {
        return v
            .trim()
            .parse::<i64>()
            .map(Date::from_unix_seconds)
            .map_err(|_| {
                format!("{SOURCE_DATE_EPOCH}=`{v}` is not a number of seconds since 1970-01-01")
            });
    }
    Ok(clock())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(Date::from_days(20_782).to_string(), "2026-11-25");
        assert_eq!(Date::from_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Date::from_days(-1).to_string(), "1969-12-31");
        for days in (-719_000..2_900_000).step_by(997) {
            let d = Date::from_days(days);
            assert_eq!(Date::parse(&d.to_string()), Some(d), "{d}");
        }
        assert_eq!(Date::parse("0000-01-01").unwrap().to_string(), "0000-01-01");
        assert_eq!(Date::parse("9999-12-31").unwrap().to_string(), "9999-12-31");
    }

    #[test]
    fn parse_is_strict() {
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "1900-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-01-00",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01 ",
            "+024-01-01",
            "２０２４-01-01",
            "",
            "2024-01-0é",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert!(Date::parse("2000-02-29").is_some());
        assert!(Date::parse("2024-02-29").is_some());
    }

    #[test]
    fn adding_days() {
        let d = Date::parse("2024-02-20").unwrap();
        assert_eq!(d.add_days(10).to_string(), "2024-03-01");
        assert_eq!(d.add_days(-51).to_string(), "2023-12-31");
        assert_eq!(Date::from_days(i64::MAX).add_days(5).days(), i64::MAX);
    }

    #[test]
    fn today_comes_from_the_flag_then_the_variables_then_the_clock() {
        let clock = || Date::from_days(7);
        let given = Date::parse("2020-05-05").unwrap();
        assert_eq!(today(Some(given)), Ok(given));
        assert_eq!(
            today_from(Some("2021-01-02"), Some("0"), clock)
                .unwrap()
                .to_string(),
            "2021-01-02"
        );
        assert_eq!(
            today_from(None, Some("86400"), clock).unwrap().to_string(),
            "1970-01-02"
        );
        assert_eq!(
            today_from(None, Some("-1"), clock).unwrap().to_string(),
            "1969-12-31"
        );
        assert_eq!(today_from(Some(" "), None, clock), Ok(Date::from_days(7)));
        assert_eq!(today_from(None, None, clock), Ok(Date::from_days(7)));
        let e = today_from(Some("tomorrow"), None, clock).unwrap_err();
        assert!(e.contains("MDBOOK_TDD_TODAY=`tomorrow`"), "{e}");
        let e = today_from(None, Some("1.5"), clock).unwrap_err();
        assert!(e.contains("SOURCE_DATE_EPOCH=`1.5`"), "{e}");
    }
}
