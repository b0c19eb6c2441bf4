//! Japan's national holidays (国民の祝日に関する法律), for "open on a holiday" in the
//! finder: the fixed days, the Mondays, the equinoxes, 振替休日 and 国民の休日.
//!
//! The equinoxes are the days the formula used by the National Astronomical Observatory
//! gives for 1980–2099; the official days are announced a year ahead and have matched it.

use jiff::civil::{Date, Weekday};

/// Every national holiday of `year`, in order.
pub fn of_year(year: i16) -> Vec<Date> {
    let d = |m: i8, day: i8| Date::new(year, m, day).ok();
    let monday = |m: i8, nth: i8| {
        Date::new(year, m, 1)
            .ok()
            .and_then(|first| first.nth_weekday_of_month(nth, Weekday::Monday).ok())
    };
    let y = f64::from(year) - 1980.0;
    let leap = (y / 4.0).floor();
    let spring = (20.8431 + 0.242_194 * y - leap).floor() as i8;
    let autumn = (23.2488 + 0.242_194 * y - leap).floor() as i8;
    let mut days: Vec<Date> = [
        d(1, 1),
        monday(1, 2),
        d(2, 11),
        d(2, 23),
        d(3, spring),
        d(4, 29),
        d(5, 3),
        d(5, 4),
        d(5, 5),
        monday(7, 3),
        d(8, 11),
        monday(9, 3),
        d(9, autumn),
        monday(10, 2),
        d(11, 3),
        d(11, 23),
    ]
    .into_iter()
    .flatten()
    .collect();
    days.sort();
    // 国民の休日: a day between two holidays is one too.
    let mut between = Vec::new();
    for w in days.windows(2) {
        if let Ok(mid) = w[0].tomorrow()
            && w[1].yesterday().ok() == Some(mid)
            && mid.weekday() != Weekday::Sunday
        {
            between.push(mid);
        }
    }
    days.extend(between);
    days.sort();
    // 振替休日: a holiday on a Sunday moves to the next day that is not one.
    let mut substitutes = Vec::new();
    for h in days.iter().filter(|h| h.weekday() == Weekday::Sunday) {
        let mut next = h.tomorrow().ok();
        while let Some(n) = next.filter(|n| days.contains(n)) {
            next = n.tomorrow().ok();
        }
        substitutes.extend(next);
    }
    days.extend(substitutes);
    days.sort();
    days.dedup();
    days
}

#[cfg(test)]
mod tests {
    use super::of_year;

    fn list(year: i16) -> Vec<String> {
        of_year(year)
            .iter()
            .map(|d| d.strftime("%m-%d").to_string())
            .collect()
    }

    #[test]
    fn holidays_match_the_cabinet_office_calendar() {
        // 内閣府「国民の祝日について」.
        assert_eq!(
            list(2026),
            [
                "01-01", "01-12", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05",
                "05-06", "07-20", "08-11", "09-21", "09-22", "09-23", "10-12", "11-03", "11-23"
            ]
        );
        assert_eq!(
            list(2027),
            [
                "01-01", "01-11", "02-11", "02-23", "03-21", "03-22", "04-29", "05-03", "05-04",
                "05-05", "07-19", "08-11", "09-20", "09-23", "10-11", "11-03", "11-23"
            ]
        );
        assert_eq!(
            list(2028),
            [
                "01-01", "01-10", "02-11", "02-23", "03-20", "04-29", "05-03", "05-04", "05-05",
                "07-17", "08-11", "09-18", "09-22", "10-09", "11-03", "11-23"
            ]
        );
        // 2025: 2/24 and 11/24 are 振替休日, 5/6 too.
        let y2025 = list(2025);
        for d in ["02-24", "05-06", "11-24", "09-23"] {
            assert!(y2025.contains(&d.to_string()), "{d}: {y2025:?}");
        }
    }
}
