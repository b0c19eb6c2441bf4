//! Cleaning values as cities type them: full-width digits and spaces, hyphens of every
//! kind, 和暦 dates, days written as 「月～金」 or 「平日」, Excel's time fractions.

use jiff::civil::Date;

use model::{Day, Phone};

pub use model::text::{is_dash, tidy};

/// `(054)626-1139`, `０５４－６２６－１１３９`, `TEL 054 626 1139` → `054-626-1139`.
pub fn phone(s: &str) -> Option<Phone> {
    Phone::parse_loose(s)
}

pub use model::text::postal;

const ERAS: [(&str, char, i16); 5] = [
    ("令和", 'R', 2018),
    ("平成", 'H', 1988),
    ("昭和", 'S', 1925),
    ("大正", 'T', 1911),
    ("明治", 'M', 1867),
];

/// `令和 02年05月01日`, `R2.5.1`, `令和元年5月1日`, `2024/3/15`, `2024-03-15`.
pub fn date(s: &str) -> Option<Date> {
    let t = tidy(s).replace(' ', "");
    let (offset, rest) = ERAS
        .iter()
        .find_map(|(name, letter, base)| {
            t.strip_prefix(name)
                .or_else(|| t.strip_prefix(*letter))
                .or_else(|| t.strip_prefix(letter.to_ascii_lowercase()))
                .map(|r| (*base, r.replacen("元", "1", 1)))
        })
        .unwrap_or((0, t.clone()));
    let nums: Vec<i16> = rest
        .split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [y, m, d] = nums[..] else { return None };
    let year = if offset > 0 { offset + y } else { y };
    if offset == 0 && year < 1000 {
        return None;
    }
    Date::new(year, m.try_into().ok()?, d.try_into().ok()?).ok()
}

/// `月火水木金`, `月～金`, `月・水・金曜日`, `平日`, `毎日`, `土日祝` → days; `None` when
/// anything else is written (the text then goes to the hours note, not lost).
pub fn days(s: &str) -> Option<Vec<Day>> {
    let t = tidy(s)
        .replace("曜日", "")
        .replace('曜', "")
        .replace("祝日", "祝")
        .replace("平日", "月～金")
        .replace("毎日", "月～日")
        .replace("年中無休", "月～日祝");
    let label = |c: char| Day::ALL.into_iter().find(|d| d.label().starts_with(c));
    let mut out: Vec<Day> = Vec::new();
    let chars: Vec<char> = t.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if matches!(c, '・' | '、' | ',' | '/' | ' ' | '，') {
            i += 1;
            continue;
        }
        let from = label(c)?;
        let is_range = chars
            .get(i + 1)
            .is_some_and(|n| matches!(n, '～' | '〜' | '~') || is_dash(*n));
        if is_range {
            let to = label(*chars.get(i + 2)?)?;
            if (to as usize) < (from as usize) || to == Day::Hol {
                return None;
            }
            out.extend(Day::ALL[from as usize..=to as usize].iter().copied());
            i += 3;
        } else {
            out.push(from);
            i += 1;
        }
    }
    out.sort_by_key(|d| *d as usize);
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// Katakana or half-width readings as hiragana; `None` when the text is not a reading.
pub fn kana(s: &str) -> Option<String> {
    let t = tidy(s);
    model::Kana::parse(&t).ok().map(|k| k.as_str().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_and_spaces_are_tidied_but_kanji_kept() {
        assert_eq!(tidy("　髙﨑 クリニック　　１丁目"), "髙﨑 クリニック 1丁目");
        assert_eq!(tidy("ﾐﾄﾞﾘ ｸﾘﾆｯｸ"), "ミドリ クリニック");
        assert_eq!(
            tidy("年末年始（１２月３１日〜）ＡＢ"),
            "年末年始（12月31日〜）AB"
        );
    }

    #[test]
    fn phones_in_every_shape_found_in_city_files() {
        for s in [
            "(054)626-1139",
            "０５４－６２６－１１３９",
            "TEL 054-626-1139",
            "054 626 1139",
        ] {
            assert_eq!(
                phone(s).map(|p| p.as_str().to_string()).as_deref(),
                Some("054-626-1139"),
                "{s}"
            );
        }
        assert!(phone("内線123").is_none());
        assert_eq!(
            phone("０４７９－００－０１００（内線２４５）").map(|p| p.as_str().to_string()),
            Some("0479-00-0100（内線245）".to_string())
        );
        assert_eq!(postal("〒９９９－０１０１").as_deref(), Some("999-0101"));
        assert_eq!(postal("9990101").as_deref(), Some("999-0101"));
        assert!(postal("999-01").is_none());
    }

    #[test]
    fn era_dates() {
        let d = |y, m, dd| Date::new(y, m, dd).unwrap();
        assert_eq!(date("令和 02年05月01日"), Some(d(2020, 5, 1)));
        assert_eq!(date("令和元年5月1日"), Some(d(2019, 5, 1)));
        assert_eq!(date("R8.4.1"), Some(d(2026, 4, 1)));
        assert_eq!(date("平成31年4月30日"), Some(d(2019, 4, 30)));
        assert_eq!(date("２０２４／３／１５"), Some(d(2024, 3, 15)));
        assert_eq!(date("2024-02-30"), None);
        assert_eq!(date("そのうち"), None);
    }

    #[test]
    fn days_are_read_as_written() {
        use Day::*;
        assert_eq!(days("月火水木金"), Some(vec![Mon, Tue, Wed, Thu, Fri]));
        assert_eq!(days("月～土"), Some(vec![Mon, Tue, Wed, Thu, Fri, Sat]));
        assert_eq!(days("平日"), Some(vec![Mon, Tue, Wed, Thu, Fri]));
        assert_eq!(days("月・水・金曜日"), Some(vec![Mon, Wed, Fri]));
        assert_eq!(days("土日祝"), Some(vec![Sat, Sun, Hol]));
        assert_eq!(days("第2土曜"), None);
        assert_eq!(kana("ﾐﾄﾞﾘｸﾘﾆｯｸ").as_deref(), Some("みどりくりにっく"));
    }
}
