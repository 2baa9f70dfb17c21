//! Calendar dates (proleptic Gregorian, UTC): `YYYY-MM-DD` read and
//! written, days added, and the one place that reads the clock.
//!
//! The calendar is `jiff`'s; this module keeps the strict `YYYY-MM-DD`
//! syntax (four, two and two digits, nothing else), saturating arithmetic
//! and the order in which "today" is found. Nothing in the run depends on
//! the clock except [`today`], which is asked only when a review date must
//! be judged.

use jiff::civil;
use std::fmt;

/// A day of the calendar, from 0000-01-01 to 9999-12-31 for dates read
/// from text; arithmetic saturates at the ends of `jiff`'s range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(civil::Date);

/// The environment variable that fixes "today" for a run.
pub const TODAY_VAR: &str = "MDBOOK_TDD_TODAY";

/// The reproducible-builds variable: seconds since 1970-01-01 UTC.
pub const SOURCE_DATE_EPOCH: &str = "SOURCE_DATE_EPOCH";

/// 1970-01-01, day 0 of [`Date::from_days`].
const EPOCH: civil::Date = civil::Date::constant(1970, 1, 1);

impl Date {
    /// The day `days` days after 1970-01-01 (saturating at the ends of the
    /// calendar).
    pub fn from_days(days: i64) -> Date {
        Date(EPOCH).add_days(days)
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days(self) -> i64 {
        self.0.duration_since(EPOCH).as_hours() / 24
    }

    /// The day of a year, month (1–12) and day of the month, if there is
    /// one (years 0 to 9999).
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(0..=9999).contains(&y) {
            return None;
        }
        let y = i16::try_from(y).ok()?;
        let m = i8::try_from(m).ok()?;
        let d = i8::try_from(d).ok()?;
        civil::Date::new(y, m, d).ok().map(Date)
    }

    /// Reads `YYYY-MM-DD` exactly: four, two and two ASCII digits, a real
    /// day of the calendar. (`jiff`'s own parser also takes other ISO 8601
    /// forms, such as `20240101` and `+002024-01-01`.)
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

    /// The day (UTC) of a Unix time in seconds, if it lies in `jiff`'s
    /// calendar (years -9999 to 9999).
    pub fn from_unix_seconds(secs: i64) -> Option<Date> {
        let days = jiff::Span::new().try_days(secs.div_euclid(86_400)).ok()?;
        EPOCH.checked_add(days).ok().map(Date)
    }

    /// The day `n` days later (earlier for negative `n`), saturating at the
    /// ends of `jiff`'s calendar.
    pub fn add_days(self, n: i64) -> Date {
        let end = if n < 0 {
            civil::Date::MIN
        } else {
            civil::Date::MAX
        };
        let added = jiff::Span::new()
            .try_days(n)
            .ok()
            .and_then(|span| self.0.checked_add(span).ok());
        Date(added.unwrap_or(end))
    }

    /// Today (UTC) by the system clock.
    pub fn clock() -> Date {
        Date(
            jiff::tz::Offset::UTC
                .to_datetime(jiff::Timestamp::now())
                .date(),
        )
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        write!(f, "{:04}-{:02}-{:02}", d.year(), d.month(), d.day())
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
        let secs = v.trim().parse::<i64>().map_err(|_| {
            format!("{SOURCE_DATE_EPOCH}=`{v}` is not a number of seconds since 1970-01-01")
        })?;
        return Date::from_unix_seconds(secs).ok_or_else(|| {
            format!("{SOURCE_DATE_EPOCH}=`{v}` lies outside the years -9999 to 9999")
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
            // ISO 8601 forms that jiff reads but YYYY-MM-DD does not allow.
            "20240101",
            "+002024-01-01",
            "2024-01-01T00:00",
            "2024-W01-1",
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
        // Saturating at the ends of the calendar.
        let last = Date::from_days(i64::MAX);
        assert_eq!(last.to_string(), "9999-12-31");
        assert_eq!(last.add_days(5), last);
        assert_eq!(last.add_days(i64::MAX), last);
        let first = Date::from_days(i64::MIN);
        assert_eq!(first.add_days(-1), first);
        assert_eq!(first.add_days(i64::MIN), first);
        assert_eq!(Date::parse("9999-12-31"), Some(last));
        assert_eq!(
            Date::parse("0001-01-01")
                .unwrap()
                .add_days(-366)
                .to_string(),
            "0000-01-01"
        );
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
        assert_eq!(
            today_from(None, Some("253402300799"), clock)
                .unwrap()
                .to_string(),
            "9999-12-31"
        );
        let e = today_from(None, Some("9223372036854775807"), clock).unwrap_err();
        assert!(e.contains("lies outside the years -9999 to 9999"), "{e}");
    }
}
