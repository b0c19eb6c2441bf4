//! Japanese telephone numbers: validation, display with hyphens and `tel:` links, and the
//! extension (内線) a town hall's number often needs.

/// A domestic number as digits and hyphens, e.g. `0990-12-3456`, with an optional
/// extension: shown as `0479-00-0100（内線245）`, dialled as `tel:0479-00-0100`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    /// The number as shown, extension included.
    text: String,
    /// Length in bytes of the number without its extension.
    main: usize,
}

impl serde::Serialize for Phone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Longest extension accepted; real ones have two to five digits.
const MAX_EXTENSION: usize = 6;

impl Phone {
    /// Accepts 10 or 11 digits starting with 0, written with or without hyphens, and an
    /// extension written after it: `0479-00-0100（内線 245）`, `0479-00-0100 内線245`.
    pub fn parse(s: &str) -> Option<Phone> {
        let (main, ext) = split_extension(s.trim())?;
        let number = parse_number(main)?;
        Some(Phone::with_extension(number, ext))
    }

    /// Also the forms found in city files and typed by hand: `(054)626-1139`,
    /// `０５４－６２６－１１３９`, `TEL 054 626 1139`, `0479ー00ー0100` (long-vowel marks for
    /// hyphens); an extension after it is kept (`0479-00-0100 内線245`).
    pub fn parse_loose(s: &str) -> Option<Phone> {
        let t = super::text::tidy(s);
        let (main, ext) = split_extension(t.trim())?;
        let number = loose_number(main)?;
        match ext {
            Some(e) => number.and_extension(e),
            None => Some(number),
        }
    }

    fn with_extension(number: String, ext: Option<&str>) -> Phone {
        let main = number.len();
        let text = match ext {
            Some(e) => format!("{number}（内線{e}）"),
            None => number,
        };
        Phone { text, main }
    }

    /// This number with `ext` as its extension (an imported 内線番号 column); `None` when
    /// `ext` is not 1–6 digits.
    pub fn and_extension(&self, ext: &str) -> Option<Phone> {
        let ext = ext.trim();
        valid_extension(ext).then(|| Phone::with_extension(self.number().to_string(), Some(ext)))
    }

    /// The number as shown, with its extension.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The number to dial, without the extension.
    pub fn number(&self) -> &str {
        &self.text[..self.main]
    }

    pub fn extension(&self) -> Option<&str> {
        self.text[self.main..]
            .strip_prefix("（内線")
            .and_then(|e| e.strip_suffix('）'))
    }

    /// `tel:` URI of the number alone (a phone cannot dial an extension); hyphens are
    /// allowed there as visual separators (RFC 3966).
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.number())
    }
}

fn valid_extension(e: &str) -> bool {
    !e.is_empty() && e.len() <= MAX_EXTENSION && e.bytes().all(|b| b.is_ascii_digit())
}

/// The number and the extension of `s`: `0479-00-0100（内線 245）`, `0479-00-0100 (内線245)`,
/// `0479-00-0100 内線245`, `0479-00-0100 内線：245`. `None` when 内線 is followed by
/// anything but digits and a closing parenthesis.
pub fn split_extension(s: &str) -> Option<(&str, Option<&str>)> {
    let Some(at) = s.find("内線") else {
        return Some((s, None));
    };
    let before = s[..at].trim_end_matches([' ', '　']);
    let (main, opened) = match before
        .strip_suffix('（')
        .or_else(|| before.strip_suffix('('))
    {
        Some(m) => (m.trim_end_matches([' ', '　']), true),
        None => (before, false),
    };
    let rest = s[at + "内線".len()..].trim_start_matches([' ', '　', ':', '：']);
    let rest = rest.trim_end_matches([' ', '　']);
    let ext = if opened {
        rest.strip_suffix('）')
            .or_else(|| rest.strip_suffix(')'))?
            .trim_end_matches([' ', '　'])
    } else {
        rest
    };
    valid_extension(ext).then_some((main, Some(ext)))
}

fn loose_number(t: &str) -> Option<Phone> {
    let t = t
        .trim_start_matches(|c: char| !c.is_ascii_digit() && c != '(' && c != '（')
        .trim();
    let mut out = String::new();
    for c in t.chars() {
        match c {
            '0'..='9' => out.push(c),
            '(' | '（' if out.is_empty() => {}
            ')' | '）' | ' ' | '(' | '（' => out.push('-'),
            c if super::text::is_dash(c) => out.push('-'),
            _ => return None,
        }
    }
    while out.contains("--") {
        out = out.replace("--", "-");
    }
    Phone::parse(out.trim_matches('-'))
}

/// Digits and hyphens only, 10 or 11 digits from a leading 0; bare digits get hyphens
/// where the split is fixed.
fn parse_number(s: &str) -> Option<String> {
    if s.is_empty()
        || !s.chars().all(|c| c.is_ascii_digit() || c == '-')
        || s.starts_with('-')
        || s.ends_with('-')
        || s.contains("--")
    {
        return None;
    }
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if !digits.starts_with('0') || !(10..=11).contains(&digits.len()) {
        return None;
    }
    Some(if s.contains('-') {
        s.to_string()
    } else {
        hyphenate(&digits)
    })
}

/// Hyphens for numbers given as bare digits, for the prefixes whose split is fixed.
/// Geographic numbers have area codes of 1–5 digits that only the numbering plan
/// table knows, so those are grouped conservatively (0X-XXXX-XXXX is never guessed).
pub fn hyphenate(d: &str) -> String {
    let (a, b) = match (d.len(), &d[..d.len().min(4)]) {
        (10, "0120" | "0570") => (4, 7),
        (11, "0800") => (4, 7),
        (11, p) if ["070", "080", "090", "050", "020", "060"].contains(&&p[..3]) => (3, 7),
        _ => return d.to_string(),
    };
    format!("{}-{}-{}", &d[..a], &d[a..b], &d[b..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        assert_eq!(
            Phone::parse("0990-12-3456").unwrap().as_str(),
            "0990-12-3456"
        );
        assert_eq!(
            Phone::parse("09012345678").unwrap().as_str(),
            "090-1234-5678"
        );
        assert_eq!(Phone::parse("0120123456").unwrap().as_str(), "0120-123-456");
        assert_eq!(
            Phone::parse("05012345678").unwrap().as_str(),
            "050-1234-5678"
        );
        assert_eq!(
            Phone::parse("0990-12-3456").unwrap().tel_uri(),
            "tel:0990-12-3456"
        );
    }

    #[test]
    fn extensions_are_kept_for_reading_and_left_out_of_dialling() {
        for written in [
            "0479-00-0100（内線 245）",
            "0479-00-0100（内線245）",
            "0479-00-0100 (内線245)",
            "0479-00-0100 内線245",
            "0479-00-0100内線：245",
            "0479-00-0100　内線　245",
        ] {
            let p = Phone::parse(written).unwrap_or_else(|| panic!("{written}"));
            assert_eq!(p.as_str(), "0479-00-0100（内線245）", "{written}");
            assert_eq!(p.number(), "0479-00-0100");
            assert_eq!(p.extension(), Some("245"));
            assert_eq!(p.tel_uri(), "tel:0479-00-0100");
        }
        let plain = Phone::parse("0479-00-0100").unwrap();
        assert_eq!(plain.extension(), None);
        assert_eq!(
            plain.and_extension("31").unwrap().as_str(),
            "0479-00-0100（内線31）"
        );
        assert_eq!(
            serde_json::to_string(&Phone::parse("0479-00-0100 内線245").unwrap()).unwrap(),
            "\"0479-00-0100（内線245）\""
        );
    }

    #[test]
    fn rejects_what_is_not_a_number() {
        for bad in [
            "",
            "12-3456",
            "0990-12-345",
            "０９９０",
            "0990--12-3456",
            "tel:0990123456",
            "0990-12-3456x",
            "0479-00-0100（内線）",
            "0479-00-0100（内線 a1）",
            "0479-00-0100（内線 245",
            "0479-00-0100 内線 1234567",
            "内線245",
        ] {
            assert!(Phone::parse(bad).is_none(), "{bad}");
        }
    }
}
