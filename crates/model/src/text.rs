//! Text as staff type it: full-width digits and letters, half-width katakana, and the
//! many dashes of Japanese keyboards, folded to one form before values are checked.

/// Full-width ASCII to ASCII, half-width katakana to full-width, spaces collapsed.
/// Kanji are left alone: NFKC would rewrite compatibility ideographs in people's names.
pub fn tidy(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    let mut kana_run = String::new();
    let mut space = false;
    for c in s.chars() {
        if ('\u{FF61}'..='\u{FF9F}').contains(&c) {
            if space && !out.is_empty() && kana_run.is_empty() {
                out.push(' ');
            }
            space = false;
            kana_run.push(c);
            continue;
        }
        if !kana_run.is_empty() {
            out.extend(kana_run.nfkc());
            kana_run.clear();
        }
        let c = match c {
            // Digits, Latin letters and ＠ only: （）、・ and the like are proper Japanese
            // punctuation and stay full-width.
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '＠' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '\u{3000}' | '\t' | '\r' | '\n' => ' ',
            _ => c,
        };
        if c == ' ' {
            space = true;
            continue;
        }
        if space && !out.is_empty() {
            out.push(' ');
        }
        space = false;
        out.push(c);
    }
    out.extend(kana_run.nfkc());
    out
}

/// Whether `c` is one of the dashes typed for a hyphen (the long-vowel mark among them).
pub fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' | 'ー' | 'ｰ' | '－' | '─'
    )
}

/// Full-width ASCII (`０１２`, `－`, `：`, `＠`) to ASCII and the ideographic space to a
/// space, for values that are codes and numbers (phone numbers, dates, times, ids).
pub fn ascii_fold(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect()
}

/// `〒999－0101`, `９９９０１０１`, `9990101` → `999-0101`.
pub fn postal(s: &str) -> Option<String> {
    let t = tidy(s);
    let digits: String = t
        .trim_start_matches('〒')
        .chars()
        .filter(|c| !is_dash(*c) && *c != ' ')
        .collect();
    (digits.len() == 7 && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| format!("{}-{}", &digits[..3], &digits[3..]))
}

/// Whether a spreadsheet would take `v` for a formula (`=`, `+`, `-`, `@`, or a tab or
/// line break first): in a CSV such a cell runs when staff open the file.
pub fn looks_like_formula(v: &str) -> bool {
    v.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A CSV cell that a spreadsheet shows as text: a leading `'` keeps a formula-like value
/// inert (`tsunagu import` takes the `'` off again).
pub fn defuse_formula(v: &str) -> std::borrow::Cow<'_, str> {
    if looks_like_formula(v) {
        format!("'{v}").into()
    } else {
        v.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_fold_to_ascii() {
        assert_eq!(ascii_fold("２０２６－０４－０１"), "2026-04-01");
        assert_eq!(ascii_fold("０９：３０"), "09:30");
        assert_eq!(ascii_fold("髙橋　内科"), "髙橋 内科");
    }
}
