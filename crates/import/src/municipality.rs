//! Which rows belong to the site's municipality: national files hold the whole country,
//! and every other city's row is counted, not reported.

use super::normalize::tidy;

/// The municipalities an import keeps.
#[derive(Debug, Clone)]
pub struct Filter {
    /// 全国地方公共団体コード, six digits with the check digit.
    codes: Vec<String>,
    /// Names for files without a code column (「安芸市」 in the address).
    names: Vec<String>,
}

impl Filter {
    /// `codes` from `--municipality`, or the site's own (code, name) pairs: its members on
    /// a site of several municipalities.
    pub fn new(codes: &[String], site: &[(&str, &str)]) -> Filter {
        let names = |keep: &dyn Fn(&str) -> bool| -> Vec<String> {
            site.iter()
                .filter(|(c, _)| keep(c))
                .map(|(_, n)| tidy(n))
                .filter(|n| !n.is_empty())
                .collect()
        };
        if codes.is_empty() {
            return Filter {
                codes: site.iter().map(|(c, _)| c.to_string()).collect(),
                names: names(&|_| true),
            };
        }
        Filter {
            codes: codes.to_vec(),
            names: names(&|c| codes.iter().any(|x| x == c)),
        }
    }

    /// The codes, for messages.
    pub fn codes(&self) -> &[String] {
        &self.codes
    }

    /// Whether a row with this code (6 digits, or the 5 without the check digit) or, when
    /// it has none, this address is one of ours. A row that tells neither is kept.
    pub fn keeps(&self, code: Option<&str>, address: Option<&str>) -> bool {
        let code = code.map(|c| tidy(c).replace(' ', "")).unwrap_or_default();
        if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
            return self.codes.contains(&code);
        }
        if code.len() == 5 && code.bytes().all(|b| b.is_ascii_digit()) {
            return self.codes.iter().any(|c| c.get(..5) == Some(code.as_str()));
        }
        // A city's own list often starts at the 町名 (「本町1番2号」): only an address that
        // names its prefecture, and so its municipality, can be someone else's.
        match address.map(tidy) {
            Some(a)
                if (starts_with_prefecture(&a) || starts_with_city(&a))
                    && !self.names.is_empty() =>
            {
                self.names.iter().any(|n| a.contains(n.as_str()))
            }
            _ => true,
        }
    }
}

/// 「東京都…」「北海道…」「大阪府…」「高知県…」.
fn starts_with_prefecture(address: &str) -> bool {
    let head: String = address.chars().take(4).collect();
    address.starts_with("北海道")
        || head
            .char_indices()
            .any(|(i, c)| i > 0 && matches!(c, '都' | '府' | '県'))
}

/// 「高松市番町…」: a 市 within the first characters (not 「市場町」, whose 市 comes first).
fn starts_with_city(address: &str) -> bool {
    address
        .chars()
        .take(6)
        .enumerate()
        .any(|(i, c)| i >= 1 && c == '市')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_of_several_municipalities_keeps_the_rows_of_each() {
        let f = Filter::new(&[], &[("392031", "安芸市"), ("393011", "東洋町")]);
        assert!(f.keeps(Some("392031"), None));
        assert!(f.keeps(Some("393011"), None));
        assert!(!f.keeps(Some("392014"), None));
        assert!(f.keeps(None, Some("高知県安芸郡東洋町")));
        assert!(!f.keeps(None, Some("高知県高知市本町")));
    }

    #[test]
    fn codes_with_and_without_check_digit_and_names_decide() {
        let f = Filter::new(&[], &[("392031", "安芸市")]);
        assert!(f.keeps(Some("392031"), None));
        assert!(!f.keeps(Some("392014"), Some("高知県安芸市")));
        assert!(f.keeps(Some("39203"), None));
        assert!(!f.keeps(Some("39201"), None));
        assert!(f.keeps(Some("３９２０３１"), None));
        assert!(f.keeps(None, Some("高知県安芸市本町")));
        assert!(!f.keeps(Some(""), Some("高知県高知市本町")));
        // No prefecture: the city's own list, kept whatever the town.
        assert!(f.keeps(None, Some("本町1番2号")));
        assert!(!f.keeps(None, Some("北海道札幌市中央区")));
        assert!(!f.keeps(None, Some("高松市番町五丁目1番24号")));
        assert!(f.keeps(None, Some("安芸市本町")));
        assert!(f.keeps(None, Some("市場町1丁目")));
        // Another code given on the command line: the site's name no longer applies.
        let other = Filter::new(&["392014".into()], &[("392031", "安芸市")]);
        assert!(other.keeps(Some("392014"), None));
        assert!(other.keeps(None, Some("高知県安芸市本町")));
        assert!(!other.keeps(Some("392031"), None));
    }
}
