//! `tsunagu check --readability` on a site of its own (`tests/readability/`): a page written
//! to trigger each rule gets a warning at each line, a page written to the guideline
//! (やさしい日本語, `easy: true`) gets none, and every page gets its score.

use crate::common;

#[test]
fn readability_warnings_name_each_line_and_a_page_in_plain_japanese_is_quiet() {
    let root = common::root().join("tests/readability");
    let out = common::bin()
        .args(["check", "--readability", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
    .replace('\\', "/");
    assert!(out.status.success(), "{text}");
    // Each rule, at its line of content/hard.md (the body starts on line 5).
    for (line, words) in [
        (7, "漢字が 12 字続いています: 「在宅医療介護連携推進事業」"),
        (9, "カタカナが 17 字続いています"),
        (11, "二重の否定「ないわけではありません」"),
        (13, "「です・ます」で書かれていますが"),
        (15, "1つの文が 75 字あります（60 字まで）"),
    ] {
        let at = format!("content/hard.md:{line}:1");
        let found = text
            .split("warning: ")
            .any(|w| w.contains(words) && w.contains(&at));
        assert!(found, "no «{words}» at {at}:\n{text}");
    }
    assert!(!text.contains("┌─ content/easy.md"), "{text}");
    // A score for every page, the plain one above the hard one.
    let score = |file: &str| -> f64 {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{file}: 読みやすさ ")))
            .unwrap_or_else(|| panic!("no score for {file}:\n{text}"));
        line.split("読みやすさ ")
            .nth(1)
            .unwrap()
            .split('（')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(
        score("content/easy.md") > score("content/hard.md") + 10.0,
        "{text}"
    );
    // ふりがな: on easy pages, kanji outside the school list without ふりがな, at their line.
    let out = common::bin()
        .args(["check", "--furigana", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr).replace('\\', "/");
    assert!(out.status.success(), "{text}");
    let warnings: Vec<&str> = text.split("warning: ").skip(1).collect();
    assert_eq!(warnings.len(), 2, "{text}");
    assert!(
        warnings[0].contains("「嚥」") && warnings[0].contains("content/kanji.md:8:1"),
        "{text}"
    );
    assert!(
        warnings[1].contains("「磨」") && warnings[1].contains("content/kanji.md:10:1"),
        "{text}"
    );
    assert!(!text.contains("content/easy.md"), "{text}");
    // Without the flags, check says nothing of either.
    let (code, plain) = common::check(&root);
    assert_eq!(code, Some(0), "{plain}");
    assert!(
        !plain.contains("続いています") && !plain.contains("ふりがな"),
        "{plain}"
    );
}

/// The sample site passes its own readability check; the names it keeps are listed with
/// the reason in its site.toml (`[readability] ignore`).
#[test]
fn the_sample_site_reads_plainly() {
    let out = common::bin()
        .args(["check", "--readability", "--root"])
        .arg(common::root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    for rule in ["1つの文が", "続いています", "二重の否定", "です・ます"] {
        assert!(!text.contains(rule), "«{rule}» in the sample:\n{text}");
    }
    let toml = std::fs::read_to_string(common::root().join("site.toml")).unwrap();
    assert!(toml.contains("[readability]") && toml.contains("ignore"));
}
