//! Provider ids: one rule, used when records are read and when they are imported.

use std::fmt;

use serde::Serialize;

/// A provider's id: lowercase ASCII letters, digits and `-`, not starting with `-`, at most
/// 100 bytes, and not a name the directory uses for its own pages (it becomes the URL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct ProviderId(String);

/// Why text is not a provider id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    /// Empty, too long, or a character outside `a-z 0-9 -` (or a leading `-`).
    Characters,
    /// The name of one of the directory's own pages (`providers/find/` …).
    Reserved,
}

impl ProviderId {
    pub fn parse(s: &str) -> Result<ProviderId, IdProblem> {
        let ok = !s.is_empty()
            && s.len() <= 100
            && !s.starts_with('-')
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            return Err(IdProblem::Characters);
        }
        if super::routes::RESERVED_IDS.contains(&s) {
            return Err(IdProblem::Reserved);
        }
        Ok(ProviderId(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for ProviderId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for ProviderId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProviderId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl PartialEq<str> for ProviderId {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for ProviderId {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

impl PartialEq<String> for ProviderId {
    fn eq(&self, other: &String) -> bool {
        &self.0 == other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_every_id() {
        assert!(ProviderId::parse("midori-naika").is_ok());
        assert!(ProviderId::parse("clinic-3922395201060").is_ok());
        assert_eq!(ProviderId::parse("Midori"), Err(IdProblem::Characters));
        assert_eq!(ProviderId::parse("-a"), Err(IdProblem::Characters));
        assert_eq!(ProviderId::parse(""), Err(IdProblem::Characters));
        assert_eq!(
            ProviderId::parse(&"a".repeat(101)),
            Err(IdProblem::Characters)
        );
        for page in ["find", "map", "category", "area", "service", "index"] {
            assert_eq!(ProviderId::parse(page), Err(IdProblem::Reserved), "{page}");
        }
    }
}
