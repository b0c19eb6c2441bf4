//! Japanese telephone numbers: validation, display with hyphens and `tel:` links.

/// A domestic number as digits and hyphens, e.g. `0990-12-3456`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Accepts 10 or 11 digits starting with 0, written with or without hyphens.
    pub fn parse(s: &str) -> Option<Phone> {
        let s = s.trim();
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
        if s.contains('-') {
            Some(Phone(s.to_string()))
        } else {
            Some(Phone(hyphenate(&digits)))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `tel:` URI; hyphens are allowed there as visual separators (RFC 3966).
    pub fn tel_uri(&self) -> String {
        format!("tel:{}", self.0)
    }
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
            Phone::parse("0990-12-3456").unwrap().tel_uri(),
            "tel:0990-12-3456"
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
        ] {
            assert!(Phone::parse(bad).is_none(), "{bad}");
        }
    }
}
