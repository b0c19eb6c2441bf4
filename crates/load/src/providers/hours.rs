//! Opening hours: days and times of each session, checked so overnight and lunch-break
//! ranges read as staff meant them.

use super::record::Record;
use model::{Day, Hours, Time, text};

impl Record<'_> {
    pub(super) fn hours(&mut self) -> Vec<Hours> {
        let Some(node) = self.field("hours").cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(
                &node,
                "「hours」は時間帯のリストで書いてください".into(),
                "「- days: [mon, tue]」「open: \"09:00\"」「close: \"12:00\"」の組を並べます",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            let mut slot = Record {
                file: self.file,
                node: item,
                config: self.config,
                diags: self.diags,
            };
            if let Some(h) = slot.slot() {
                out.push(h);
            }
        }
        out
    }

    /// One entry of `hours`: `{days, open, close}`.
    pub(super) fn slot(&mut self) -> Option<Hours> {
        let Some(pairs) = self.node.as_map() else {
            let node = self.node.clone();
            self.error(
                &node,
                "時間帯は「days」「open」「close」の組で書いてください".into(),
                "例: - { days: [mon, tue], open: \"09:00\", close: \"12:00\" }",
            );
            return None;
        };
        for (key, _) in pairs {
            if !matches!(key.as_str(), Some("days" | "open" | "close")) {
                let key = key.clone();
                self.error(
                    &key,
                    format!(
                        "時間帯に知らない項目「{}」があります",
                        key.as_str().unwrap_or_default()
                    ),
                    "時間帯に書けるのは days, open, close だけです",
                );
            }
        }
        let mut days = Vec::new();
        match self.field("days").cloned() {
            Some(n) if n.as_seq().is_some() => {
                for d in n.as_seq().unwrap_or_default() {
                    match d
                        .as_str()
                        .map(text::ascii_fold)
                        .as_deref()
                        .and_then(Day::parse)
                    {
                        Some(day) => days.push(day),
                        None => self.error(
                            d,
                            format!("曜日「{}」がわかりません", d.as_str().unwrap_or_default()),
                            "mon tue wed thu fri sat sun hol（祝日）のどれかを書いてください",
                        ),
                    }
                }
            }
            Some(n) => self.error(
                &n,
                "「days」は曜日のリストで書いてください".into(),
                "例: days: [mon, tue, wed]",
            ),
            None => {
                let node = self.node.clone();
                self.error(
                    &node,
                    "時間帯に「days」がありません".into(),
                    "例: days: [mon, tue, wed]",
                );
            }
        }
        let open = self.time("open");
        let close = self.time("close");
        let at = |m: u32| Time::from_minutes(m).unwrap_or(Time::END_OF_DAY);
        if let Some(o) = open.filter(|o| *o >= 24 * 60)
            && let Some(node) = self.field("open").cloned()
        {
            self.error(
                &node,
                format!("始まりの時刻 {} は 23:59 までです", hhmm(o)),
                "真夜中から始まるときは \"00:00\" と書いてください",
            );
            return None;
        }
        let (open, close) = (at(open?), close?);
        // A close after 24:00 (\"26:00\") is the next morning, as a close before the open is.
        let close = if close > 24 * 60 {
            let next = at(close - 24 * 60);
            if next >= open {
                let node = self.field("close")?.clone();
                self.error(
                    &node,
                    format!("時間帯 {open}〜{} が24時間より長くなっています", hhmm(close)),
                    "終わりの時刻を確かめてください。翌朝までなら翌朝の時刻（例: \"09:00\"）を書きます",
                );
                return None;
            }
            next
        } else {
            at(close)
        };
        if open == close {
            let node = self.field("close")?.clone();
            self.error(
                &node,
                format!("始まりと終わりが同じ時刻（{open}）です"),
                "24時間なら open: \"00:00\" と close: \"24:00\" を、夜間なら翌朝の終わりの時刻（例: close: \"09:00\"）を書いてください",
            );
            return None;
        }
        Some(Hours { days, open, close })
    }

    /// A time as minutes from midnight, up to 47:59: a close written after midnight as
    /// \"26:00\" is read by `slot`.
    pub(super) fn time(&mut self, key: &str) -> Option<u32> {
        let Some(s) = self.code(key, false) else {
            let node = self.node.clone();
            self.error(
                &node,
                format!("時間帯に「{key}」がありません"),
                "例: open: \"09:00\"",
            );
            return None;
        };
        let parsed = s.split_once(':').and_then(|(h, m)| {
            let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
            (h < 48 && m < 60 && s.len() >= 4).then_some(h * 60 + m)
        });
        if parsed.is_none() {
            let node = self.field(key)?.clone();
            self.error(
                &node,
                format!("時刻「{s}」の形が正しくありません"),
                "\"09:00\" のように24時間表記で、引用符で囲んで書いてください",
            );
        }
        parsed
    }
}

/// `26:30` for a close written past midnight, as staff wrote it.
fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
