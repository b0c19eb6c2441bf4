//! Property tests for the pure functions everything else leans on: kana folding and
//! readings, 五十音 rows, 和暦, phone and postal normalisation, furigana.

use jiff::civil::Date;
use proptest::prelude::*;
use tsunagu::import::normalize;
use tsunagu::markdown::{escape, furigana_html, strip_furigana};
use tsunagu::model::kana::{self, Kana, ROWS};

fn hiragana() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            (0x3041u32..=0x3093).prop_map(|c| char::from_u32(c).unwrap()),
            Just('ー'),
        ],
        1..20,
    )
    .prop_map(|v| v.into_iter().collect::<String>())
    .prop_filter("starts with a kana", |s| !s.starts_with('ー'))
}

fn to_katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' => char::from_u32(c as u32 + 0x60).unwrap(),
            _ => c,
        })
        .collect()
}

fn date() -> impl Strategy<Value = Date> {
    (1868i16..=2100, 1i8..=12, 1i8..=28).prop_map(|(y, m, d)| Date::new(y, m, d).unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn fold_is_idempotent_and_ignores_kana_kind_and_width(s in "\\PC{0,40}") {
        let once = kana::fold(&s);
        prop_assert_eq!(kana::fold(&once), once.clone());
        prop_assert!(!once.chars().any(char::is_whitespace));
        prop_assert!(!once.chars().any(|c| ('ァ'..='ヶ').contains(&c)));
    }

    #[test]
    fn katakana_and_hiragana_readings_are_the_same_reading(h in hiragana()) {
        let k = to_katakana(&h);
        prop_assert_eq!(kana::fold(&k), kana::fold(&h));
        let a = Kana::parse(&h).unwrap();
        let b = Kana::parse(&k).unwrap();
        prop_assert_eq!(a.as_str(), b.as_str());
        prop_assert_eq!(a.sort_key(), b.sort_key());
    }

    #[test]
    fn every_reading_has_exactly_one_gojuon_row(h in hiragana()) {
        let k = Kana::parse(&h).unwrap();
        let row = k.row();
        prop_assert!(ROWS.contains(&row));
        prop_assert_ne!(row, "その他", "only unknown readings go to その他");
        // Sorting never separates a row: everything in a row sorts between its ends.
        let first_of_row = ROWS.iter().position(|r| *r == row).unwrap();
        prop_assert!(first_of_row < ROWS.len() - 1);
    }

    #[test]
    fn gojuon_order_follows_rows(a in hiragana(), b in hiragana()) {
        let (ka, kb) = (Kana::parse(&a).unwrap(), Kana::parse(&b).unwrap());
        let ra = ROWS.iter().position(|r| *r == ka.row()).unwrap();
        let rb = ROWS.iter().position(|r| *r == kb.row()).unwrap();
        if ra < rb {
            prop_assert!(ka.sort_key() < kb.sort_key(), "{} ({}) before {} ({})", a, ka.row(), b, kb.row());
        }
    }

    #[test]
    fn wareki_reads_back_as_the_same_day(d in date()) {
        let text = tsunagu::model::wareki::wareki(d);
        prop_assert_eq!(normalize::date(&text), Some(d), "{}", text);
        prop_assert_eq!(normalize::date(&d.to_string()), Some(d));
        let slashed = format!("{}/{}/{}", d.year(), d.month(), d.day());
        prop_assert_eq!(normalize::date(&slashed), Some(d));
    }

    #[test]
    fn phone_numbers_in_any_dress_normalise_to_one_form(
        area in "0[1-9][0-9]{0,2}", local in "[1-9][0-9]{1,3}", line in "[0-9]{4}"
    ) {
        prop_assume!(area.len() + local.len() + 4 == 10);
        let plain = format!("{area}-{local}-{line}");
        let want = normalize::phone(&plain).map(|p| p.as_str().to_string());
        prop_assert_eq!(want.as_deref(), Some(plain.as_str()));
        let full_width: String = plain
            .chars()
            .map(|c| match c {
                '0'..='9' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                '-' => '－',
                _ => c,
            })
            .collect();
        let parens = format!("({area}){local}-{line}");
        let spaced = format!("TEL {area} {local} {line}");
        for dressed in [full_width, parens, spaced] {
            let got = normalize::phone(&dressed).map(|p| p.as_str().to_string());
            prop_assert_eq!(got.as_deref(), Some(plain.as_str()), "{}", dressed);
        }
    }

    #[test]
    fn postal_codes_normalise_or_are_refused(digits in "[0-9]{7}", junk in "[0-9]{1,6}|[0-9]{8,9}") {
        let want = format!("{}-{}", &digits[..3], &digits[3..]);
        prop_assert_eq!(normalize::postal(&digits), Some(want.clone()));
        prop_assert_eq!(normalize::postal(&format!("〒{want}")), Some(want.clone()));
        prop_assert_eq!(normalize::postal(&junk), None);
    }

    #[test]
    fn furigana_never_lets_markup_through(s in "\\PC{0,60}") {
        let html = furigana_html(&s);
        // Only the ruby tags themselves may appear unescaped.
        let stripped = html
            .replace("<ruby>", "")
            .replace("</ruby>", "")
            .replace("<rt>", "")
            .replace("</rt>", "");
        prop_assert!(!stripped.contains('<') && !stripped.contains('>'), "{:?} → {}", s, html);
        prop_assert_eq!(html.matches("<ruby>").count(), html.matches("</ruby>").count());
    }

    #[test]
    fn furigana_shows_the_base_text_and_the_reading(base in "[一-龯]{1,4}", reading in hiragana(), before in "[a-z ]{0,5}") {
        let src = format!("{before}{{{base}|{reading}}}");
        prop_assert_eq!(strip_furigana(&src), format!("{before}{base}"));
        let html = furigana_html(&src);
        let expected = format!("{}<ruby>{base}<rt>{reading}</rt></ruby>", escape(&before));
        prop_assert_eq!(html, expected);
    }
}
