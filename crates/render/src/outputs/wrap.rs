//! Where a long name or address may break in a narrow printed column. Names break where
//! the script changes (みどり駅前|歯科|クリニック) and before common words of Japanese
//! offices; addresses after their parts (みどり市|本町|3丁目|4番|1号). The print styles
//! set `word-break: keep-all`, so a line breaks only at these points, or anywhere when a
//! single part is wider than the column.

use markup::markdown::escape;

/// Words an office's name is often built from: a break may come before each.
const NAME_WORDS: &[&str] = &[
    "病院",
    "医院",
    "診療所",
    "歯科",
    "薬局",
    "調剤",
    "訪問",
    "看護",
    "介護",
    "支援",
    "相談",
    "事業所",
    "居宅",
    "地域",
    "包括",
    "通所",
    "在宅",
];

/// Parts of an address a break may follow, longest first.
const ADDRESS_ENDS: &[&str] = &[
    "丁目", "番地", "番", "号", "都", "道", "府", "県", "市", "区", "郡",
];

#[derive(Clone, Copy, PartialEq)]
enum Script {
    Kana,
    Katakana,
    Kanji,
    Latin,
    Other,
}

fn script(c: char) -> Script {
    match c {
        // ヶ and 々 belong to the kanji around them (霞ヶ丘, 佐々木).
        '々' | 'ヶ' | '〆' | '一'..='鿿' | '豈'..='﫿' | '\u{20000}'..='\u{3FFFF}' => {
            Script::Kanji
        }
        'ぁ'..='ゟ' => Script::Kana,
        'ァ'..='ヺ' | 'ー' | 'ヽ' | 'ヾ' | 'ｦ'..='ﾟ' => Script::Katakana,
        'A'..='Z' | 'a'..='z' | '0'..='9' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '０'..='９' => {
            Script::Latin
        }
        _ => Script::Other,
    }
}

/// A name, HTML-escaped, with `<wbr>` where it may break.
pub fn name(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 16);
    for (i, &c) in chars.iter().enumerate() {
        if i > 0 && name_break_before(&chars, i) {
            out.push_str("<wbr>");
        }
        out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
    }
    out
}

fn name_break_before(chars: &[char], i: usize) -> bool {
    let (a, b) = (script(chars[i - 1]), script(chars[i]));
    if a == Script::Other || b == Script::Other {
        return false;
    }
    // ケ between kanji is part of a place name (霞ケ丘), not katakana.
    if a != b && !(chars[i] == 'ケ' || chars[i - 1] == 'ケ') {
        return true;
    }
    b == Script::Kanji && a == Script::Kanji && starts_word(chars, i, NAME_WORDS)
}

fn starts_word(chars: &[char], i: usize, words: &[&str]) -> bool {
    words.iter().any(|w| {
        let mut it = chars[i..].iter();
        w.chars().all(|c| it.next() == Some(&c))
    })
}

/// An address, HTML-escaped, with `<wbr>` after its parts.
pub fn address(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 16);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        out.push_str(&escape(c.encode_utf8(&mut [0; 4])));
        i += 1;
        if i < chars.len() && address_break_after(&chars, i) {
            out.push_str("<wbr>");
        }
    }
    out
}

/// Whether a break may come between `chars[i - 1]` and `chars[i]`.
fn address_break_after(chars: &[char], i: usize) -> bool {
    let next = chars[i];
    if next.is_whitespace() || script(next) == Script::Other {
        return false;
    }
    let before: String = chars[i.saturating_sub(2)..i].iter().collect();
    if ADDRESS_ENDS.iter().any(|e| before.ends_with(e)) {
        // Not inside a run of digits' units such as 1番地の2, nor before 目 of 丁目.
        return next != '目' && next != '地' && next != 'の';
    }
    // 町・村 end a town's name when a number follows (本町3丁目).
    matches!(chars[i - 1], '町' | '村') && script(next) == Script::Latin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(html: &str) -> Vec<&str> {
        html.split("<wbr>").collect()
    }

    #[test]
    fn names_break_between_words() {
        assert_eq!(
            parts(&name("みどり駅前歯科クリニック")),
            ["みどり", "駅前", "歯科", "クリニック"]
        );
        assert_eq!(
            parts(&name("あさひ居宅介護支援事業所")),
            ["あさひ", "居宅", "介護", "支援", "事業所"]
        );
        assert_eq!(parts(&name("霞ヶ丘クリニック")), ["霞ヶ丘", "クリニック"]);
        assert_eq!(parts(&name("霞ケ丘内科")), ["霞ケ丘内科"]);
        assert_eq!(parts(&name("ヴィラ髙﨑")), ["ヴィラ", "髙﨑"]);
        assert_eq!(name("A&B <クリニック>"), "A&amp;B &lt;クリニック&gt;");
    }

    #[test]
    fn addresses_break_after_their_parts() {
        assert_eq!(
            parts(&address("みどり市本町3丁目4番1号")),
            ["みどり市", "本町", "3丁目", "4番", "1号"]
        );
        assert_eq!(
            parts(&address("千葉県かすみ野町桜ヶ丘1234番地の5")),
            ["千葉県", "かすみ野町桜ヶ丘1234番地の5"]
        );
        assert_eq!(
            parts(&address("本町1-2-3 駅前ビル")),
            ["本町", "1-2-3 駅前ビル"]
        );
    }
}
