//! Opening hours: days of the week (and holidays) with a time range, read and written in
//! the short form staff type (`月火金 08:30-17:30、土 09:00-12:00`).

use serde::Serialize;

use crate::Time;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
    Hol,
}

impl Day {
    pub const ALL: [Day; 8] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
        Day::Hol,
    ];

    pub fn key(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"][self as usize]
    }

    pub fn label(self) -> &'static str {
        ["月", "火", "水", "木", "金", "土", "日", "祝"][self as usize]
    }

    /// schema.org day names for opening hours.
    pub fn schema(self) -> Option<&'static str> {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .get(self as usize)
        .copied()
    }

    pub fn parse(s: &str) -> Option<Day> {
        Day::ALL.into_iter().find(|d| d.key() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hours {
    pub days: Vec<Day>,
    /// From `00:00` to `23:59`.
    pub open: Time,
    /// Up to `24:00`; earlier than `open` when the range runs overnight and ends the next
    /// morning (夜間: `17:00` to `09:00`).
    pub close: Time,
}

impl Hours {
    /// Whether the range ends the next morning.
    pub fn overnight(&self) -> bool {
        self.close < self.open
    }

    /// `9:00`, as times are written for residents.
    pub fn open_label(&self) -> String {
        self.open.label()
    }

    /// `17:30`, or `翌9:00` when the range ends the next morning.
    pub fn close_label(&self) -> String {
        let t = self.close.label();
        if self.overnight() {
            format!("翌{t}")
        } else {
            t
        }
    }

    /// `9:00〜17:30`, `17:00〜翌9:00`.
    pub fn range_label(&self) -> String {
        format!("{}〜{}", self.open_label(), self.close_label())
    }

    /// One line for a CSV cell, as tsunagu's open data writes it and its import reads it:
    /// 「月火水木金 08:30-17:30、土 09:00-12:00」, an overnight close as 「翌09:00」.
    pub fn list_text(hours: &[Hours]) -> String {
        hours
            .iter()
            .map(|h| {
                let days: String = h.days.iter().map(|d| d.label()).collect();
                let next = if h.overnight() { "翌" } else { "" };
                format!("{days} {}-{next}{}", h.open, h.close)
            })
            .collect::<Vec<_>>()
            .join("、")
    }

    /// [`Hours::list_text`] read back; `None` when the text is not in that form.
    pub fn parse_list(s: &str) -> Option<Vec<Hours>> {
        s.split('、')
            .map(|block| {
                let (days, times) = block.trim().split_once(' ')?;
                let (open, close) = times.split_once('-')?;
                let days: Vec<Day> = days
                    .chars()
                    .map(|c| Day::ALL.into_iter().find(|d| d.label().starts_with(c)))
                    .collect::<Option<_>>()?;
                let open = Time::parse(open)?;
                let close = Time::parse(close.trim_start_matches('翌'))?;
                (open != close && open < Time::END_OF_DAY).then_some(Hours { days, open, close })
            })
            .collect()
    }
}

/// Days that share the same ranges, in the week's order, each with its ranges in the
/// order of the day: 「月・木・金 8:30〜12:00、13:30〜16:30」. Residents look up one day;
/// ranges listed per day keep a lunch break visible however the data was written.
pub fn hours_by_day(hours: &[Hours]) -> Vec<(Vec<Day>, Vec<&Hours>)> {
    let mut out: Vec<(Vec<Day>, Vec<&Hours>)> = Vec::new();
    for day in Day::ALL {
        let mut ranges: Vec<&Hours> = hours.iter().filter(|h| h.days.contains(&day)).collect();
        if ranges.is_empty() {
            continue;
        }
        ranges.sort_by(|a, b| (&a.open, &a.close).cmp(&(&b.open, &b.close)));
        ranges.dedup_by(|a, b| (&a.open, &a.close) == (&b.open, &b.close));
        let same = |r: &[&Hours]| {
            r.len() == ranges.len()
                && r.iter()
                    .zip(&ranges)
                    .all(|(a, b)| (&a.open, &a.close) == (&b.open, &b.close))
        };
        match out.iter_mut().find(|(_, r)| same(r)) {
            Some((days, _)) => days.push(day),
            None => out.push((vec![day], ranges)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_text_round_trips() {
        let h = vec![
            Hours {
                days: vec![Day::Mon, Day::Tue, Day::Fri],
                open: Time::parse("08:30").unwrap(),
                close: Time::parse("17:30").unwrap(),
            },
            Hours {
                days: vec![Day::Sat],
                open: Time::parse("09:00").unwrap(),
                close: Time::parse("12:00").unwrap(),
            },
        ];
        let text = Hours::list_text(&h);
        assert_eq!(text, "月火金 08:30-17:30、土 09:00-12:00");
        assert_eq!(Hours::parse_list(&text), Some(h));
        let night = vec![Hours {
            days: vec![Day::Mon, Day::Sun, Day::Hol],
            open: Time::parse("17:00").unwrap(),
            close: Time::parse("09:00").unwrap(),
        }];
        assert_eq!(Hours::list_text(&night), "月日祝 17:00-翌09:00");
        assert_eq!(Hours::parse_list(&Hours::list_text(&night)), Some(night));
        assert_eq!(Hours::parse_list("相談に応じます"), None);
    }
}
