//! A facility's week from the published flags and times: opening ranges merged per day
//! across departments and slots, and the closed days in words.

use std::collections::BTreeMap;

use crate::normalize::tidy;
use model::Day;

pub const WEEK: [(Day, &str); 7] = [
    (Day::Mon, "月"),
    (Day::Tue, "火"),
    (Day::Wed, "水"),
    (Day::Thu, "木"),
    (Day::Fri, "金"),
    (Day::Sat, "土"),
    (Day::Sun, "日"),
];

/// A time as minutes from midnight; `HH:MM` up to `24:00`.
fn minutes(s: &str) -> Option<u32> {
    model::Time::parse(s).map(model::Time::minutes)
}

fn hhmm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Longest span read as running overnight (`20:00`–`08:00` is 12 hours); a longer
/// "overnight" span such as `15:30`–`15:00` is a slip in the data.
const MAX_OVERNIGHT: u32 = 18 * 60;

/// Opening ranges of one facility, per day, from all its departments and slots.
#[derive(Default)]
pub struct Week {
    days: BTreeMap<usize, Vec<(u32, u32)>>,
}

pub enum Slot {
    None,
    Range(u32, u32),
    Bad(String),
}

pub fn slot(start: &str, end: &str) -> Slot {
    if start.is_empty() && end.is_empty() {
        return Slot::None;
    }
    let (Some(s), Some(e)) = (minutes(start), minutes(end)) else {
        return Slot::Bad(format!("「{start}」〜「{end}」は時刻として読めません"));
    };
    if s == 0 && e == 0 {
        // The published placeholder for "no session".
        return Slot::None;
    }
    if s == e {
        return Slot::Bad(format!("{start}〜{end} は開始と終了が同じです"));
    }
    if e < s {
        if 1440 - s + e > MAX_OVERNIGHT {
            return Slot::Bad(format!(
                "{start}〜{end} は終了が開始より前です（夜間なら翌朝までの時間として短すぎず長すぎないはずです）"
            ));
        }
        return Slot::Range(s, e + 1440);
    }
    Slot::Range(s, e)
}

impl Week {
    pub fn add(&mut self, day: usize, range: (u32, u32)) {
        self.days.entry(day).or_default().push(range);
    }

    /// tsunagu's hours text: days sharing a range are listed together, ranges in the
    /// order of their opening: 「月火水木金 08:30-12:00、月火水金 14:00-18:00」.
    pub fn text(&self) -> Option<String> {
        let mut by_range: BTreeMap<(u32, u32), Vec<usize>> = BTreeMap::new();
        for (day, ranges) in &self.days {
            let mut ranges = ranges.clone();
            ranges.sort_unstable();
            let mut merged: Vec<(u32, u32)> = Vec::new();
            for (s, e) in ranges {
                match merged.last_mut() {
                    Some(last) if s <= last.1 => last.1 = last.1.max(e),
                    _ => merged.push((s, e)),
                }
            }
            for (s, e) in merged {
                let e = e.min(s + 1440);
                by_range.entry((s, e)).or_default().push(*day);
            }
        }
        let blocks: Vec<String> = by_range
            .into_iter()
            .map(|((s, e), days)| {
                let labels: String = days.iter().map(|d| Day::ALL[*d].label()).collect();
                let close = if e > 1440 {
                    format!("翌{}", hhmm(e - 1440))
                } else {
                    hhmm(e)
                };
                let open = if s == 0 && e >= 1440 { 0 } else { s };
                format!("{labels} {}-{close}", hhmm(open))
            })
            .collect();
        (!blocks.is_empty()).then(|| blocks.join("、"))
    }
}

/// The facility's closed days in words, from the weekly, nth-week and holiday flags
/// and the free text: 「日曜、祝日、第2・4土曜」 and the text on the next line.
pub fn closed_days(
    weekly: &[&str; 7],
    nth: &[[&str; 7]; 5],
    holiday: &str,
    other: &str,
) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut every: Vec<&str> = Vec::new();
    let mut some: Vec<String> = Vec::new();
    for (d, (_, label)) in WEEK.iter().enumerate() {
        let weeks: Vec<usize> = (0..5)
            .filter(|n| nth[*n][d] == "0")
            .map(|n| n + 1)
            .collect();
        if weekly[d] == "0" || weeks.len() == 5 {
            every.push(label);
        } else if !weeks.is_empty() {
            let ns: Vec<String> = weeks.iter().map(|n| n.to_string()).collect();
            some.push(format!("第{}{label}曜", ns.join("・")));
        }
    }
    if !every.is_empty() {
        parts.push(
            every
                .iter()
                .map(|l| format!("{l}曜"))
                .collect::<Vec<_>>()
                .join("・"),
        );
    }
    if holiday == "0" {
        parts.push("祝日".into());
    }
    parts.extend(some);
    let other: String = other
        .split("（改行）")
        .map(|l| tidy(l).trim().to_string())
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let mut text = parts.join("、");
    if !other.is_empty() {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&other);
    }
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lunch_breaks_stay_and_departments_merge() {
        let mut w = Week::default();
        w.add(0, (510, 720));
        w.add(0, (840, 1080));
        w.add(0, (540, 600)); // another department inside the morning
        w.add(5, (510, 720));
        assert_eq!(
            w.text().as_deref(),
            Some("月土 08:30-12:00、月 14:00-18:00")
        );
    }

    #[test]
    fn overnight_and_placeholders() {
        assert!(matches!(slot("00:00", "00:00"), Slot::None));
        assert!(matches!(slot("20:00", "08:00"), Slot::Range(1200, 1920)));
        assert!(matches!(slot("15:30", "15:00"), Slot::Bad(_)));
        let mut w = Week::default();
        w.add(6, (1200, 1920));
        assert_eq!(w.text().as_deref(), Some("日 20:00-翌08:00"));
    }

    #[test]
    fn flags_mean_open_and_nth_weeks_are_named() {
        let weekly = ["1", "1", "1", "1", "1", "1", "0"];
        let mut nth = [["1"; 7]; 5];
        for n in [0, 1, 3, 4] {
            nth[n][5] = "0";
        }
        assert_eq!(
            closed_days(&weekly, &nth, "0", "12月31日（改行）お盆").as_deref(),
            Some("日曜、祝日、第1・2・4・5土曜\n12月31日\nお盆")
        );
        let blank = [""; 7];
        assert_eq!(closed_days(&blank, &[[""; 7]; 5], "1", ""), None);
    }
}
