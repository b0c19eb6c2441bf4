//! Times of day in opening hours: one type, one rule (`00:00` to `24:00`), one way to
//! read the forms staff and spreadsheets write.

use std::fmt;

use serde::Serialize;

/// A time of day as minutes from midnight, from `00:00` to `24:00` (a close at midnight).
/// Written `HH:MM`; ordered as the day runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(u16);

impl Time {
    /// The end of the day, as a close: `24:00`.
    pub const END_OF_DAY: Time = Time(24 * 60);

    /// The rule every time follows: at most 24 hours from midnight.
    pub fn from_minutes(minutes: u32) -> Option<Time> {
        (minutes <= 24 * 60).then_some(Time(minutes as u16))
    }

    /// `9:00`, `09:00`, `9時30分`, `9時`, `0.375` (Excel's fraction of a day).
    pub fn parse(s: &str) -> Option<Time> {
        let t = super::text::tidy(s).replace(' ', "");
        if let Ok(f) = t.parse::<f64>()
            && (0.0..1.0).contains(&f)
            && t.contains('.')
        {
            return Time::from_minutes((f * 1440.0).round() as u32);
        }
        let t = t.replace('時', ":").replace('分', "");
        let mut parts = t.split(':');
        let h: u32 = parts.next()?.parse().ok()?;
        let m: u32 = match parts.next() {
            Some("") | None => 0,
            Some(m) => m.parse().ok()?,
        };
        if parts.next().is_some_and(|s| s.parse::<u32>().is_err()) || m > 59 {
            return None;
        }
        Time::from_minutes(h.checked_mul(60)? + m)
    }

    pub fn minutes(self) -> u32 {
        u32::from(self.0)
    }

    /// `9:00`, as times are written for residents (no leading zero).
    pub fn label(self) -> String {
        format!("{}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl fmt::Display for Time {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0 / 60, self.0 % 60)
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::Time;

    #[test]
    fn times_read_as_written_and_stay_within_a_day() {
        for (s, want) in [
            ("9:00", "09:00"),
            ("９時３０分", "09:30"),
            ("9時", "09:00"),
            ("9時30分", "09:30"),
            ("0.375", "09:00"),
            ("24:00", "24:00"),
            ("0:00", "00:00"),
        ] {
            assert_eq!(
                Time::parse(s).map(|t| t.to_string()).as_deref(),
                Some(want),
                "{s}"
            );
        }
        for bad in ["24:30", "25:00", "9:60", "朝", "", "9:00:xx"] {
            assert_eq!(Time::parse(bad), None, "{bad}");
        }
        assert_eq!(Time::parse("09:05").unwrap().label(), "9:05");
        assert_eq!(Time::parse("9:00:00"), Time::parse("9:00"));
        assert!(Time::parse("9:00") < Time::parse("17:00"));
        assert_eq!(
            serde_json::to_string(&Time::parse("8:30")).unwrap(),
            "\"08:30\""
        );
    }
}
