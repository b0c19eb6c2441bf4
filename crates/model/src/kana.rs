//! Readings (よみがな): validation, 五十音 sort keys and あ行・か行… row headings.

/// A validated reading in hiragana (katakana is folded to hiragana on load).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Kana(String);

impl Kana {
    /// Accepts hiragana, katakana, the long-vowel mark, middle dots and spaces.
    pub fn parse(s: &str) -> Result<Kana, char> {
        let s = s.trim();
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            match c {
                'ぁ'..='ゖ' | 'ー' | '・' | ' ' | '　' | 'ゝ' | 'ゞ' => out.push(c),
                'ァ'..='ヶ' => out.push(to_hiragana(c)),
                'ヽ' | 'ヾ' => out.push(to_hiragana(c)),
                _ => return Err(c),
            }
        }
        match out.chars().next() {
            Some(first) if is_hiragana(first) => Ok(Kana(out)),
            Some(first) => Err(first),
            None => Err(' '),
        }
    }

    /// No reading known (e.g. imported from a CSV without one): sorts last, under「その他」.
    pub fn unknown() -> Kana {
        Kana(String::new())
    }

    pub fn is_unknown(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Key for 五十音 order: voiced and small kana sort with their plain forms first,
    /// then the exact reading breaks ties (はし < ばし < ぱし).
    pub fn sort_key(&self) -> (String, String) {
        if self.is_unknown() {
            return ("\u{10FFFF}".into(), String::new());
        }
        let plain = self
            .0
            .chars()
            .filter(|c| !matches!(c, '・' | ' ' | '　'))
            .map(seion)
            .collect();
        (plain, self.0.clone())
    }

    /// The order of [`Kana::sort_key`], compared without building the keys.
    pub fn cmp_order(&self, other: &Kana) -> std::cmp::Ordering {
        self.plain()
            .cmp(other.plain())
            .then_with(|| self.0.cmp(&other.0))
    }

    fn plain(&self) -> impl Iterator<Item = char> + '_ {
        let unknown = self.is_unknown();
        std::iter::once('\u{10FFFF}')
            .filter(move |_| unknown)
            .chain(
                self.0
                    .chars()
                    .filter(|c| !matches!(c, '・' | ' ' | '　'))
                    .map(seion),
            )
    }

    /// The 行 a reading is listed under: "あ行", "か行", … "わ行".
    pub fn row(&self) -> &'static str {
        self.0.chars().next().map(row_of).unwrap_or("その他")
    }
}

fn is_hiragana(c: char) -> bool {
    ('ぁ'..='ゖ').contains(&c)
}

fn to_hiragana(c: char) -> char {
    char::from_u32(c as u32 - 0x60).unwrap_or(c)
}

/// The plain (清音, full-size) form of a kana: が→か, ぱ→は, ゃ→や, っ→つ. (A match, not a
/// search through a string: sorting 10,000 readings calls this a million times.)
fn seion(c: char) -> char {
    match c {
        'が' => 'か',
        'ぎ' => 'き',
        'ぐ' => 'く',
        'げ' => 'け',
        'ご' => 'こ',
        'ざ' => 'さ',
        'じ' => 'し',
        'ず' => 'す',
        'ぜ' => 'せ',
        'ぞ' => 'そ',
        'だ' => 'た',
        'ぢ' => 'ち',
        'づ' => 'つ',
        'で' => 'て',
        'ど' => 'と',
        'ば' => 'は',
        'び' => 'ひ',
        'ぶ' => 'ふ',
        'べ' => 'へ',
        'ぼ' => 'ほ',
        'ぱ' => 'は',
        'ぴ' => 'ひ',
        'ぷ' => 'ふ',
        'ぺ' => 'へ',
        'ぽ' => 'ほ',
        'ゔ' => 'う',
        'ぁ' => 'あ',
        'ぃ' => 'い',
        'ぅ' => 'う',
        'ぇ' => 'え',
        'ぉ' => 'お',
        'っ' => 'つ',
        'ゃ' => 'や',
        'ゅ' => 'ゆ',
        'ょ' => 'よ',
        'ゎ' => 'わ',
        'ゕ' => 'か',
        'ゖ' => 'け',
        _ => c,
    }
}

/// The 五十音 rows, and last「その他」for records without a reading.
pub const ROWS: [&str; 11] = [
    "あ行",
    "か行",
    "さ行",
    "た行",
    "な行",
    "は行",
    "ま行",
    "や行",
    "ら行",
    "わ行",
    "その他",
];

/// Kanji written in older or variant forms in names (髙橋, 山﨑, 渡邊) and the form
/// residents type. `static/js/fold.js` holds the same table (a test compares them).
pub const VARIANTS: &str = "髙高﨑崎嵜崎邊辺邉辺澤沢濱浜濵浜齋斎齊斉嶋島嶌島國国廣広惠恵櫻桜眞真冨富槇槙德徳瀨瀬淵渕藏蔵壽寿實実榮栄會会圓円兒児來来與与萬万彌弥禮礼豐豊鐵鉄鷗鴎舘館峯峰黑黒栁柳澁渋靜静條条檜桧藪薮桒桑昻昂";

fn variant(c: char) -> Option<char> {
    // Every character of every page is looked up: kana and Latin never are variants, and
    // the rest is a binary search in the table, read once.
    static TABLE: std::sync::OnceLock<Vec<(char, char)>> = std::sync::OnceLock::new();
    if c < '\u{4E00}' {
        return None;
    }
    let table = TABLE.get_or_init(|| {
        let chars: Vec<char> = VARIANTS.chars().collect();
        let mut t: Vec<(char, char)> = chars.chunks(2).map(|p| (p[0], p[1])).collect();
        t.sort();
        t
    });
    table
        .binary_search_by_key(&c, |p| p.0)
        .ok()
        .map(|i| table[i].1)
}

/// Text folded for matching, as `static/js/fold.js` folds it in the browser: NFKC
/// (full-width digits and letters, half-width katakana), lower case, no spaces, NFKC
/// again, katakana to hiragana, the small ヶ and ヵ of place names as け and か, variant
/// kanji to their common form ([`VARIANTS`]) and variation selectors dropped.
/// 「ｹｱﾏﾈ」「ケアマネ」「けあまね」 fold the same, and so do 髙橋 and 高橋, 霞ヶ丘 and 霞ケ丘,
/// 辻󠄀 (with a selector) and 辻.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    // Normalised again after spaces go: NFKC turns「¸」into a space and a combining mark,
    // which must compose with the letter before it for the result to be stable.
    s.nfkc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace())
        .nfkc()
        .filter(|c| !is_variation_selector(*c))
        .map(|c| match c {
            'ヵ' | 'ゕ' => 'か',
            'ヶ' | 'ゖ' => 'け',
            'ァ'..='ヴ' | 'ヽ' | 'ヾ' => to_hiragana(c),
            _ => variant(c).unwrap_or(c),
        })
        .collect()
}

/// U+FE00–FE0F and U+E0100–E01EF: they choose a glyph (辻󠄀 with one dot), not a letter.
fn is_variation_selector(c: char) -> bool {
    matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}')
}

fn row_of(c: char) -> &'static str {
    match seion(c) {
        'あ'..='お' => "あ行",
        'か'..='こ' => "か行",
        'さ'..='そ' => "さ行",
        'た'..='と' => "た行",
        'な'..='の' => "な行",
        'は'..='ほ' => "は行",
        'ま'..='も' => "ま行",
        'や'..='よ' => "や行",
        'ら'..='ろ' => "ら行",
        _ => "わ行",
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn comparing_readings_orders_as_their_sort_keys() {
        let words = [
            "はし",
            "ばし",
            "ぱし",
            "はじ",
            "きって",
            "きつね",
            "しゃけ",
            "しやく",
            "あ・い",
            "あい",
            "ゔぃ",
            "うい",
        ];
        let mut all: Vec<super::Kana> = words
            .iter()
            .map(|w| super::Kana::parse(w).unwrap())
            .collect();
        all.push(super::Kana::unknown());
        for a in &all {
            for b in &all {
                assert_eq!(
                    a.cmp_order(b),
                    a.sort_key().cmp(&b.sort_key()),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    use super::*;

    #[test]
    fn katakana_is_folded_and_rows_follow_the_first_sound() {
        let k = Kana::parse("ガーデン").unwrap();
        assert_eq!(k.as_str(), "がーでん");
        assert_eq!(k.row(), "か行");
        assert_eq!(Kana::parse("ぱんだ").unwrap().row(), "は行");
        assert_eq!(Kana::parse("をかし").unwrap().row(), "わ行");
    }

    #[test]
    fn kanji_and_latin_are_not_readings() {
        assert_eq!(Kana::parse("東原"), Err('東'));
        assert_eq!(Kana::parse("abc"), Err('a'));
        assert!(Kana::parse("").is_err());
    }

    #[test]
    fn fold_ignores_width_kana_case_and_spaces() {
        assert_eq!(fold("ｹｱﾏﾈ ジャー"), "けあまねじゃー");
        assert_eq!(fold("訪問看護ステーション"), "訪問看護すてーしょん");
        assert_eq!(fold("ＡＢＣ１２３"), "abc123");
        assert_eq!(Kana::unknown().row(), "その他");
    }

    #[test]
    fn fold_reads_variant_kanji_and_place_name_kana_alike() {
        assert_eq!(fold("髙橋内科"), fold("高橋内科"));
        assert_eq!(fold("山﨑歯科"), fold("山崎歯科"));
        assert_eq!(fold("霞ヶ丘"), fold("霞ケ丘"));
        assert_eq!(fold("辻\u{E0100}クリニック"), fold("辻クリニック"));
        assert_eq!(fold("渡邊"), fold("渡辺"));
        assert_ne!(fold("埼玉"), fold("崎玉"));
    }

    #[test]
    fn the_browser_folds_with_the_same_variant_table() {
        let js = include_str!("../../../themes/default/static/js/fold.js");
        assert!(js.contains(&format!("var VARIANTS = \"{VARIANTS}\";")));
    }

    #[test]
    fn voiced_sounds_sort_next_to_plain_ones() {
        let mut v = ["ばら", "はな", "ひかり", "ぱん"]
            .map(|s| Kana::parse(s).unwrap())
            .to_vec();
        v.sort_by_key(Kana::sort_key);
        let got: Vec<&str> = v.iter().map(Kana::as_str).collect();
        assert_eq!(got, ["はな", "ばら", "ぱん", "ひかり"]);
    }
}
