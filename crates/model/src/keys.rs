//! Keys of the site's own vocabularies (`[categories]`, `[areas]`, `[services]` in
//! site.toml). They become URLs (`providers/category/clinic/`), so they follow one rule,
//! and a provider's keys are the very keys site.toml defines: a record can only hold a
//! key that was looked up in its vocabulary, never one typed anew.

use std::borrow::Borrow;
use std::fmt;

use serde::Serialize;

/// Why text cannot be a key: empty, or a character outside `a-z 0-9 -`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyProblem;

fn well_formed(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

macro_rules! vocabulary_key {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The one constructor: site.toml's parser makes the keys of its vocabulary
            /// here; everything else borrows or clones those.
            pub fn parse(s: &str) -> Result<Self, KeyProblem> {
                if well_formed(s) {
                    Ok($name(s.to_string()))
                } else {
                    Err(KeyProblem)
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        // Lookups in the vocabulary's map by text (`get("clinic")`): a key hashes and
        // compares as its text.
        impl Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl Borrow<String> for $name {
            fn borrow(&self) -> &String {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

vocabulary_key!(
    /// A key of `[categories]`: `clinic`, `houmon-kango`.
    CategoryKey
);
vocabulary_key!(
    /// A key of `[areas]`: `chuo`, `kita`.
    AreaKey
);
vocabulary_key!(
    /// A key of `[services]`: `houmon-shinryo`, `mitori`.
    ServiceKey
);
vocabulary_key!(
    /// A key of `[municipalities]` on a site of several: `yamada`, `kawakami`.
    MunicipalityKey
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_url_safe_and_look_up_by_text() {
        assert!(CategoryKey::parse("clinic").is_ok());
        assert!(AreaKey::parse("kita-2").is_ok());
        for bad in ["", "Clinic", "診療所", "a b", "a/b", "a_b"] {
            assert_eq!(ServiceKey::parse(bad), Err(KeyProblem), "{bad}");
        }
        let mut m = indexmap::IndexMap::new();
        m.insert(CategoryKey::parse("clinic").unwrap(), 1);
        assert_eq!(m.get("clinic"), Some(&1));
        assert_eq!(m.get_index_of("clinic"), Some(0));
    }
}
