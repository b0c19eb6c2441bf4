//! Japanese era dates (和暦), as printed on official notices: 令和8年4月1日.

use jiff::civil::{Date, date};

const ERAS: [(&str, Date); 5] = [
    ("令和", date(2019, 5, 1)),
    ("平成", date(1989, 1, 8)),
    ("昭和", date(1926, 12, 25)),
    ("大正", date(1912, 7, 30)),
    ("明治", date(1868, 1, 25)),
];

/// `令和8年4月1日`; the first year of an era is written 元年. Dates before 明治 stay 西暦.
pub fn wareki(d: Date) -> String {
    match ERAS.iter().find(|(_, start)| d >= *start) {
        Some((name, start)) => {
            let year = d.year() - start.year() + 1;
            let year = if year == 1 {
                "元".to_string()
            } else {
                year.to_string()
            };
            format!("{name}{year}年{}月{}日", d.month(), d.day())
        }
        None => seireki(d),
    }
}

/// `2026年4月1日`.
pub fn seireki(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

/// `令和8年4月1日 (2026年4月1日)`: both calendars, as the guide prints dates.
pub fn both(d: Date) -> String {
    format!("{}（{}）", wareki(d), seireki(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn era_boundaries() {
        assert_eq!(wareki(date(2026, 4, 1)), "令和8年4月1日");
        assert_eq!(wareki(date(2019, 5, 1)), "令和元年5月1日");
        assert_eq!(wareki(date(2019, 4, 30)), "平成31年4月30日");
        assert_eq!(wareki(date(1989, 1, 7)), "昭和64年1月7日");
        assert_eq!(both(date(2026, 4, 1)), "令和8年4月1日（2026年4月1日）");
    }
}
