//! Calendar arithmetic used by the built-ins: whole years, month addition with clamping,
//! and the statutory retirement date after the 2025 reform.

use jiff::civil::Date;

/// A moment as a person reads it (wizard, lists, `show`, drafts, printouts, CSV): local
/// time to the second, `2026-06-15 10:42:07`. JSON and signed records keep RFC 3339 UTC.
pub fn local_time(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The local calendar day of a moment.
pub fn local_date(t: jiff::Timestamp) -> Date {
    t.to_zoned_datetime(jiff::tz::TimeZone::system()).date()
}

/// Add `n` months; a day that does not exist in the target month clamps to its last day.
/// `None` when the result leaves the supported range (years -9999..=9999).
pub fn add_months(d: Date, n: i64) -> Option<Date> {
    let total = i64::from(d.year())
        .checked_mul(12)?
        .checked_add(i64::from(d.month()) - 1)?
        .checked_add(n)?;
    let year = total.div_euclid(12);
    let month = total.rem_euclid(12) + 1;
    let year = i16::try_from(year).ok()?;
    let first = Date::new(year, month as i8, 1).ok()?;
    let day = d.day().min(first.days_in_month());
    Date::new(year, month as i8, day).ok()
}

pub fn add_years(d: Date, n: i64) -> Option<Date> {
    add_months(d, n.checked_mul(12)?)
}

pub fn add_days(d: Date, n: i64) -> Option<Date> {
    let n = i32::try_from(n).ok()?;
    d.checked_add(jiff::Span::new().try_days(n).ok()?).ok()
}

/// The number of complete anniversaries of `from` on or before `to` (negative when `to`
/// is earlier). 2023-06-20 -> 2025-06-19 is 1; -> 2025-06-20 is 2.
pub fn whole_years(from: Date, to: Date) -> i64 {
    let mut k = i64::from(to.year()) - i64::from(from.year());
    // add_years only fails out of range, and both dates are in range, so k and k-1 fit.
    match add_years(from, k) {
        Some(anniversary) if anniversary <= to => k,
        _ => {
            k -= 1;
            k
        }
    }
}

/// The number of complete months from `from` to `to` (negative when `to` is earlier);
/// month ends clamp as in [`add_months`] (01-31 -> 02-28 is one month).
pub fn whole_months(from: Date, to: Date) -> i64 {
    let mut k = (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month());
    match add_months(from, k) {
        Some(m) if m <= to => k,
        _ => {
            k -= 1;
            k
        }
    }
}

/// Days since 1970-01-01 (negative before). Exact for every `Date`.
pub fn day_number(d: Date) -> i64 {
    // Howard Hinnant's days_from_civil.
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `n` days after 1970-01-01; `None` outside the supported range.
pub fn from_day_number(n: i64) -> Option<Date> {
    // Howard Hinnant's civil_from_days.
    let z = n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(i16::try_from(y).ok()?, m as i8, day as i8).ok()
}

/// Build a date; the day clamps to the month's last day. `None` for a month outside 1..=12.
pub fn make_date(y: i64, m: i64, d: i64) -> Option<Date> {
    if !(1..=12).contains(&m) || d < 1 {
        return None;
    }
    let y = i16::try_from(y).ok()?;
    let first = Date::new(y, m as i8, 1).ok()?;
    let day = (d.min(i64::from(first.days_in_month()))) as i8;
    Date::new(y, m as i8, day).ok()
}

/// One track of the 2025 reform (全国人大常委会关于实施渐进式延迟法定退休年龄的决定).
struct Track {
    original_age: i64,
    first_year: i64,
    months_per_step: i64,
    max_delay: i64,
}

const TRACKS: [Track; 3] = [
    Track {
        original_age: 60,
        first_year: 1965,
        months_per_step: 4,
        max_delay: 36,
    },
    Track {
        original_age: 55,
        first_year: 1970,
        months_per_step: 4,
        max_delay: 36,
    },
    Track {
        original_age: 50,
        first_year: 1975,
        months_per_step: 2,
        max_delay: 60,
    },
];

/// The delay in months for a birth month on the track of `original_age`.
pub fn retirement_delay_months(birth: Date, original_age: i64) -> Option<i64> {
    let track = TRACKS.iter().find(|t| t.original_age == original_age)?;
    let k = (i64::from(birth.year()) - track.first_year) * 12 + i64::from(birth.month()) - 1;
    Some(if k < 0 {
        0
    } else {
        (k / track.months_per_step + 1).min(track.max_delay)
    })
}

/// Statutory retirement date: birth date plus (12 × original age + delay) months, added in
/// one step and clamped. `None` for an original age other than 50, 55 or 60.
pub fn retirement_date(birth: Date, original_age: i64) -> Option<Date> {
    let delay = retirement_delay_months(birth, original_age)?;
    add_months(birth, 12 * original_age + delay)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn whole_years_counts_complete_anniversaries() {
        assert_eq!(whole_years(date(2023, 6, 20), date(2025, 6, 19)), 1);
        assert_eq!(whole_years(date(2023, 6, 20), date(2025, 6, 20)), 2);
        assert_eq!(whole_years(date(2023, 6, 20), date(2023, 6, 20)), 0);
        assert_eq!(whole_years(date(2023, 6, 20), date(2023, 6, 19)), -1);
        // 29 February: the anniversary in a common year is 28 February.
        assert_eq!(whole_years(date(2020, 2, 29), date(2021, 2, 27)), 0);
        assert_eq!(whole_years(date(2020, 2, 29), date(2021, 2, 28)), 1);
        assert_eq!(whole_years(date(2020, 2, 29), date(2024, 2, 28)), 3);
        assert_eq!(whole_years(date(2020, 2, 29), date(2024, 2, 29)), 4);
    }

    #[test]
    fn whole_months_counts_complete_months() {
        assert_eq!(whole_months(date(2026, 4, 10), date(2026, 11, 8)), 6);
        assert_eq!(whole_months(date(2026, 4, 10), date(2026, 11, 10)), 7);
        assert_eq!(whole_months(date(2025, 1, 31), date(2025, 2, 28)), 1);
        assert_eq!(whole_months(date(2025, 1, 31), date(2025, 2, 27)), 0);
        assert_eq!(whole_months(date(2026, 4, 10), date(2026, 4, 9)), -1);
        assert_eq!(whole_months(date(2019, 5, 1), date(2026, 11, 8)), 90);
    }

    #[test]
    fn day_numbers_round_trip() {
        assert_eq!(day_number(date(1970, 1, 1)), 0);
        assert_eq!(day_number(date(1970, 1, 2)), 1);
        assert_eq!(day_number(date(1969, 12, 31)), -1);
        assert_eq!(
            day_number(date(2000, 3, 1)) - day_number(date(2000, 2, 28)),
            2
        );
        for d in [
            date(-9999, 1, 1),
            date(1, 1, 1),
            date(1900, 2, 28),
            date(2024, 2, 29),
            date(2026, 11, 29),
            date(9999, 12, 31),
        ] {
            assert_eq!(from_day_number(day_number(d)), Some(d), "{d}");
        }
        let mut d = date(2023, 12, 25);
        for _ in 0..800 {
            let next = from_day_number(day_number(d) + 1);
            assert_eq!(next, d.tomorrow().ok());
            d = next.unwrap_or(d);
        }
        assert_eq!(from_day_number(day_number(date(9999, 12, 31)) + 1), None);
    }

    #[test]
    fn add_months_clamps_to_month_end() {
        assert_eq!(add_months(date(2025, 1, 31), 1), Some(date(2025, 2, 28)));
        assert_eq!(add_months(date(2024, 1, 31), 1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2024, 3, 31), -1), Some(date(2024, 2, 29)));
        assert_eq!(add_months(date(2024, 12, 15), 1), Some(date(2025, 1, 15)));
        assert_eq!(add_years(date(2024, 2, 29), 1), Some(date(2025, 2, 28)));
        assert_eq!(add_months(date(9999, 12, 1), 1), None);
        assert_eq!(add_months(date(2000, 1, 1), i64::MAX), None);
        assert_eq!(add_years(date(2000, 1, 1), i64::MIN), None);
    }

    #[test]
    fn retirement_examples_from_the_contract() {
        // man born 1965-05-10 -> 60 y 2 m -> 2025-07-10
        assert_eq!(
            retirement_date(date(1965, 5, 10), 60),
            Some(date(2025, 7, 10))
        );
        // man born 1964-12-01 -> no delay
        assert_eq!(
            retirement_date(date(1964, 12, 1), 60),
            Some(date(2024, 12, 1))
        );
        // woman (50) born 1975-03-15 -> 50 y 2 m
        assert_eq!(
            retirement_date(date(1975, 3, 15), 50),
            Some(date(2025, 5, 15))
        );
        // 1976-02-29 on the 50 track, delay 7 -> 2026-09-29
        assert_eq!(retirement_delay_months(date(1976, 2, 29), 50), Some(7));
        assert_eq!(
            retirement_date(date(1976, 2, 29), 50),
            Some(date(2026, 9, 29))
        );
    }

    #[test]
    fn retirement_delay_table_edges() {
        // first delayed month of each track: one month
        assert_eq!(retirement_delay_months(date(1965, 1, 1), 60), Some(1));
        assert_eq!(retirement_delay_months(date(1970, 1, 1), 55), Some(1));
        assert_eq!(retirement_delay_months(date(1975, 1, 1), 50), Some(1));
        // the month before: none
        assert_eq!(retirement_delay_months(date(1964, 12, 31), 60), Some(0));
        assert_eq!(retirement_delay_months(date(1969, 12, 31), 55), Some(0));
        assert_eq!(retirement_delay_months(date(1974, 12, 31), 50), Some(0));
        // final ages reached from the stated birth months, and not one month before
        assert_eq!(retirement_delay_months(date(1976, 9, 1), 60), Some(36));
        assert_eq!(retirement_delay_months(date(1976, 8, 1), 60), Some(35));
        assert_eq!(retirement_delay_months(date(1981, 9, 1), 55), Some(36));
        assert_eq!(retirement_delay_months(date(1981, 8, 1), 55), Some(35));
        assert_eq!(retirement_delay_months(date(1984, 11, 1), 50), Some(60));
        assert_eq!(retirement_delay_months(date(1984, 10, 1), 50), Some(59));
        assert_eq!(retirement_delay_months(date(1999, 1, 1), 60), Some(36));
        assert_eq!(retirement_delay_months(date(1999, 1, 1), 50), Some(60));
        assert_eq!(retirement_date(date(1990, 1, 1), 45), None);
    }

    #[test]
    fn retirement_month_end_births_clamp() {
        // man born 1965-10-31: k = 9, delay 3 -> 60 y 3 m -> 2026-01-31
        assert_eq!(
            retirement_date(date(1965, 10, 31), 60),
            Some(date(2026, 1, 31))
        );
        // man born 1965-11-30: k = 10, delay 3 -> 2026-02-28 (clamped)
        assert_eq!(
            retirement_date(date(1965, 11, 30), 60),
            Some(date(2026, 2, 28))
        );
        // woman (55) born 1970-05-31: k = 4, delay 2 -> 2025-07-31
        assert_eq!(
            retirement_date(date(1970, 5, 31), 55),
            Some(date(2025, 7, 31))
        );
        // woman (50) born 1975-12-31: k = 11, delay 6 -> 2026-06-30 (clamped)
        assert_eq!(
            retirement_date(date(1975, 12, 31), 50),
            Some(date(2026, 6, 30))
        );
        // 29 February on the 60 track: 1968-02-29, k = 37, delay 10 -> 2028-12-29
        assert_eq!(
            retirement_date(date(1968, 2, 29), 60),
            Some(date(2028, 12, 29))
        );
        // 29 February to a common-year February: 1972-02-29 (55 track), k = 25, delay 7
        // -> 55 y 7 m -> 2027-09-29
        assert_eq!(
            retirement_date(date(1972, 2, 29), 55),
            Some(date(2027, 9, 29))
        );
        // 1980-02-29 on the 50 track: k = 61, delay 31 -> 2032-09-29
        assert_eq!(
            retirement_date(date(1980, 2, 29), 50),
            Some(date(2032, 9, 29))
        );
        // 1988-02-29 on the 50 track: final age 55 -> 2043-02-28 (clamped)
        assert_eq!(
            retirement_date(date(1988, 2, 29), 50),
            Some(date(2043, 2, 28))
        );
    }
}
