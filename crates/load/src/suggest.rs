//! "Did you mean …?": the known name nearest to a misspelt one.

/// The known name nearest to a misspelt one, when it is close enough to be a typo.
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min()
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push(
                (prev[j] + usize::from(ca != *cb))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1),
            );
        }
        prev = cur;
    }
    prev[b.len()]
}

/// 「「title」の書き間違いではありませんか。」 for the known name nearest to `word`, with
/// `prefix` before it (`#` for headings); empty when none is near.
pub fn did_you_mean(word: &str, candidates: &[&str], prefix: &str) -> String {
    closest(word, candidates)
        .map(|s| format!("「{prefix}{s}」の書き間違いではありませんか。"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_far_ones_not() {
        let keys = ["stale_after_days", "title", "base_url"];
        assert_eq!(closest("stale_after_day", &keys), Some("stale_after_days"));
        assert_eq!(closest("titel", &keys), Some("title"));
        assert_eq!(closest("municipality", &keys), None);
    }
}
