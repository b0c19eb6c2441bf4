//! How hard a page is to read, without a dictionary: `tsunagu check --readability`.
//!
//! Rules from the 「在留支援のためのやさしい日本語ガイドライン」 (出入国在留管理庁・文化庁, 2020)
//! that characters alone can decide: long sentences, long runs of kanji or katakana,
//! double negatives, and a plain-form sentence on a page written in です・ます. Each finding
//! is a warning at its line. The page's score is the character-based formula of 建石・小野・
//! 山田 (1988, 「日本文の読みやすさの評価式」), which needs no word list:
//!
//! `RS = -0.12·ls - 1.37·la + 7.4·lh - 23.18·lc - 5.4·lk - 4.67·cp + 115.79`
//!
//! where ls is the mean sentence length in characters, la, lh, lc and lk the mean lengths of
//! runs of roman letters, hiragana, kanji and katakana, and cp the number of 、 per 。.
//! Higher is easier; about 50 is ordinary writing, newspapers score lower.
//!
//! `--furigana` lists, on pages marked `easy: true`, kanji outside the 1,026 of the
//! 学年別漢字配当表 (文部科学省, 2017年告示・2020年度から; `kyoiku.txt`) written without
//! ふりがな (`{漢字|かんじ}`). Readings are not suggested: that needs a dictionary, and no
//! crate on crates.io ships one offline (lindera and vibrato fetch or load theirs apart).

use std::path::Path;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::config::ReadabilityConfig;

/// One page's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub sentences: usize,
    pub mean_length: f64,
    /// 建石式 (higher is easier).
    pub rs: f64,
}

/// A sentence and the line of the file it starts on.
struct Sentence {
    text: String,
    line: usize,
}

/// The kanji children learn at primary school (学年別漢字配当表, 1,026 characters).
const KYOIKU: &str = include_str!("kyoiku.txt");

fn taught_at_school(c: char) -> bool {
    KYOIKU.contains(c)
}

/// On the site's pages marked `easy: true`: kanji outside the school list without
/// ふりがな, one warning per line naming them.
pub fn furigana(site: &model::Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for p in site.pages.iter().filter(|p| p.meta.easy) {
        let Ok(text) = std::fs::read_to_string(site.root.join(&p.source)) else {
            continue;
        };
        let (body, body_line) = body_of(&text);
        for (line, kanji) in without_furigana(body) {
            let list: Vec<String> = kanji.iter().map(|k| format!("「{k}」")).collect();
            diags.push(
                Diagnostic::warning(
                    &p.source,
                    Some(Pos::new(body_line + line - 1, 1)),
                    format!("小学校で習わない漢字に、ふりがながありません: {}", list.join("")),
                )
                .with_code("furigana")
                .with_help("{漢字|かんじ} のように書くと、ふりがなが付きます。ひらがなで書いてもかまいません"),
            );
        }
    }
    diags.sort();
    diags
}

/// Lines (from 1) of `body` with kanji outside the school list and without ふりがな, and
/// those kanji, each once per line. Code blocks are left out.
fn without_furigana(body: &str) -> Vec<(usize, Vec<char>)> {
    let mut out = Vec::new();
    let mut in_fence = false;
    for (i, line) in body.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if in_fence {
            continue;
        }
        let mut found: Vec<char> = Vec::new();
        let mut rest = line;
        while let Some(c) = rest.chars().next() {
            if c == '{'
                && let Some((_, _, used)) = crate::markdown::parse_ruby(&rest[1..])
            {
                rest = &rest[1 + used..];
                continue;
            }
            if is_kanji(c)
                && !matches!(c, '々' | '〆' | 'ヶ')
                && !taught_at_school(c)
                && !found.contains(&c)
            {
                found.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
        if !found.is_empty() {
            out.push((i + 1, found));
        }
    }
    out
}

/// Every page's and section's score, and the warnings, in the order of the files.
pub fn site(site: &model::Site) -> (Vec<(std::path::PathBuf, Score)>, Diagnostics) {
    let c = &site.config.readability;
    let mut scores = Vec::new();
    let mut diags = Diagnostics::new();
    let docs = site
        .sections
        .iter()
        .filter_map(|s| s.source.as_ref().map(|src| (src, false)))
        .chain(site.pages.iter().map(|p| (&p.source, p.meta.easy)));
    for (source, easy) in docs {
        let Ok(text) = std::fs::read_to_string(site.root.join(source)) else {
            continue;
        };
        let (body, body_line) = body_of(&text);
        let (score, d) = check(source, body, body_line, easy, c);
        scores.push((source.clone(), score));
        diags.extend(d);
    }
    scores.sort_by(|a, b| a.0.cmp(&b.0));
    diags.sort();
    (scores, diags)
}

/// The text after the front matter, and the line it starts on.
fn body_of(text: &str) -> (&str, usize) {
    let mut offset = 0;
    let mut lines = text.split_inclusive('\n');
    if lines.next().is_some_and(|l| l.trim_end() == "---") {
        offset = text.find('\n').map_or(text.len(), |i| i + 1);
        for l in lines {
            offset += l.len();
            if l.trim_end() == "---" {
                let line = text[..offset].matches('\n').count() + 1;
                return (&text[offset..], line);
            }
        }
        return ("", 1);
    }
    (&text[offset..], 1)
}

/// Checks one Markdown file's body; `body_line` is the file's line where the body starts.
/// `easy`: the page asks for the guideline's limits (`easy = true` in its front matter).
pub fn check(
    file: &Path,
    body: &str,
    body_line: usize,
    easy: bool,
    c: &ReadabilityConfig,
) -> (Score, Diagnostics) {
    let sentences = sentences(body, body_line);
    let mut diags = Diagnostics::new();
    let limit = if easy {
        c.easy_sentence_length
    } else {
        c.sentence_length
    };
    let warn = |diags: &mut Diagnostics, line: usize, msg: String, help: &str| {
        diags.push(
            Diagnostic::warning(file, Some(Pos::new(line, 1)), msg)
                .with_code("readability")
                .with_help(help),
        );
    };
    let polite: Vec<bool> = sentences.iter().map(|s| is_polite(&s.text)).collect();
    let ended: Vec<bool> = sentences.iter().map(|s| ends_sentence(&s.text)).collect();
    let (n_polite, n_ended) = polite.iter().zip(&ended).fold((0, 0), |(p, e), (po, en)| {
        (p + usize::from(*po && *en), e + usize::from(*en))
    });
    let polite_page = n_ended > 0 && n_polite * 2 >= n_ended;
    for (i, s) in sentences.iter().enumerate() {
        let text = ignoring(&s.text, &c.ignore);
        let len = s.text.chars().count();
        if len > limit {
            warn(
                &mut diags,
                s.line,
                format!(
                    "1つの文が {len} 字あります（{limit} 字まで）: 「{}」",
                    excerpt(&s.text)
                ),
                "文を2つ以上に分けて、1つの文に1つのことを書いてください",
            );
        }
        if let Some(run) = longest_run(&text, is_kanji).filter(|r| r.chars().count() >= c.kanji_run)
        {
            warn(
                &mut diags,
                s.line,
                format!("漢字が {} 字続いています: 「{run}」", run.chars().count()),
                "ことばを分けるか、ひらがなで言いかえてください。固有名詞なら site.toml の [readability] ignore に書けます",
            );
        }
        if let Some(run) =
            longest_run(&text, is_katakana).filter(|r| r.chars().count() >= c.katakana_run)
        {
            warn(
                &mut diags,
                s.line,
                format!(
                    "カタカナが {} 字続いています: 「{run}」",
                    run.chars().count()
                ),
                "短いことばに分けるか、言いかえてください。固有名詞なら site.toml の [readability] ignore に書けます",
            );
        }
        if let Some(p) = DOUBLE_NEGATIVES.iter().find(|p| text.contains(**p)) {
            warn(
                &mut diags,
                s.line,
                format!("二重の否定「{p}」があります"),
                "「〜ます」「〜できます」のように、肯定の形で書いてください",
            );
        }
        if polite_page && ended[i] && !polite[i] && !only_quotes(&s.text) {
            warn(
                &mut diags,
                s.line,
                format!(
                    "このページは「です・ます」で書かれていますが、この文は違います: 「{}」",
                    excerpt(&s.text)
                ),
                "文の終わりを「〜です」「〜ます」にそろえてください",
            );
        }
    }
    (score(&sentences), diags)
}

const DOUBLE_NEGATIVES: [&str; 8] = [
    "ないわけではない",
    "ないわけではありません",
    "ないことはない",
    "ないことはありません",
    "なくはない",
    "なくもない",
    "ないとは限らない",
    "ないとは限りません",
];

/// The text with the words to ignore (proper names) taken out of runs: each becomes a
/// space, so it neither counts nor joins the characters around it.
fn ignoring(text: &str, words: &[String]) -> String {
    let mut t = text.to_string();
    for w in words.iter().filter(|w| !w.is_empty()) {
        t = t.replace(w.as_str(), " ");
    }
    t
}

fn excerpt(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= 24 {
        return s.to_string();
    }
    format!("{}…", chars[..24].iter().collect::<String>())
}

/// A sentence closed by 。, ！ or ？ (headings and list items without one are not judged
/// for their ending).
fn ends_sentence(s: &str) -> bool {
    s.trim_end_matches(['」', '）', ')', '』'])
        .ends_with(['。', '！', '？', '!', '?'])
}

/// A sentence of quoted words alone (「何から始めれば…」「誰に聞けば…」。) has no ending
/// of its own to judge.
fn only_quotes(s: &str) -> bool {
    let mut depth = 0usize;
    let mut outside = false;
    for c in s.chars() {
        match c {
            '「' | '『' => depth += 1,
            '」' | '』' => depth = depth.saturating_sub(1),
            '。' | '！' | '？' | '!' | '?' if depth == 0 => {}
            _ if depth == 0 => outside = true,
            _ => {}
        }
    }
    !outside
}

fn is_polite(s: &str) -> bool {
    let mut core = s
        .trim_end_matches(['。', '！', '？', '!', '?', '」', '』', '…'])
        .trim_end();
    // A closing aside 「…ください（人生会議（ACP））。」 is not the sentence's ending.
    if core.ends_with(['）', ')']) {
        let mut depth = 0;
        for (i, c) in core.char_indices().rev() {
            match c {
                '）' | ')' => depth += 1,
                '（' | '(' => {
                    depth -= 1;
                    if depth == 0 {
                        core = core[..i].trim_end();
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    [
        "です",
        "ます",
        "ました",
        "でした",
        "ません",
        "ましょう",
        "ください",
        "でしょう",
        "ませんか",
        "ですか",
        "ますか",
        "ませんでした",
        "さい",
    ]
    .iter()
    .any(|e| core.ends_with(e))
}

pub fn is_kanji(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '々' | '〆' | 'ヶ')
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9F}')
}

fn is_hiragana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}')
}

fn is_roman(c: char) -> bool {
    c.is_ascii_alphabetic() || matches!(c, '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// The longest run of characters of one kind.
fn longest_run(s: &str, kind: fn(char) -> bool) -> Option<String> {
    let mut best = String::new();
    let mut cur = String::new();
    for c in s.chars() {
        if kind(c) {
            cur.push(c);
        } else {
            if cur.chars().count() > best.chars().count() {
                best = std::mem::take(&mut cur);
            }
            cur.clear();
        }
    }
    if cur.chars().count() > best.chars().count() {
        best = cur;
    }
    (!best.is_empty()).then_some(best)
}

/// Mean length of the runs of one kind of character (0 without any).
fn mean_run(text: &str, kind: fn(char) -> bool) -> f64 {
    let (mut runs, mut chars, mut inside) = (0usize, 0usize, false);
    for c in text.chars() {
        if kind(c) {
            chars += 1;
            if !inside {
                runs += 1;
            }
            inside = true;
        } else {
            inside = false;
        }
    }
    if runs == 0 {
        0.0
    } else {
        chars as f64 / runs as f64
    }
}

fn score(sentences: &[Sentence]) -> Score {
    let all: String = sentences.iter().map(|s| s.text.as_str()).collect();
    let n = sentences.len();
    let ls = if n == 0 {
        0.0
    } else {
        all.chars().count() as f64 / n as f64
    };
    let kuten = all.matches('。').count().max(1) as f64;
    let cp = all.matches('、').count() as f64 / kuten;
    let rs = -0.12 * ls - 1.37 * mean_run(&all, is_roman) + 7.4 * mean_run(&all, is_hiragana)
        - 23.18 * mean_run(&all, is_kanji)
        - 5.4 * mean_run(&all, is_katakana)
        - 4.67 * cp
        + 115.79;
    Score {
        sentences: n,
        mean_length: ls,
        rs,
    }
}

/// The body's sentences, each with the file line it starts on: text of paragraphs,
/// headings, list items and table cells (code, HTML and `:::` lines left out; a link
/// reads as its words, furigana as its base text), split after 。！？.
fn sentences(body: &str, body_line: usize) -> Vec<Sentence> {
    // `:::` lines of ending notes and lectures are blanked, keeping every offset.
    let blanked: String = body
        .split_inclusive('\n')
        .map(|l| {
            if l.trim_start().starts_with(":::") {
                l.chars()
                    .map(|c| if c == '\n' { '\n' } else { ' ' })
                    .collect()
            } else {
                l.to_string()
            }
        })
        .collect();
    let line_of = |offset: usize| body_line + blanked[..offset].matches('\n').count();
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start: Option<usize> = None;
    let mut in_code = false;
    let mut depth = 0usize;
    let flush = |cur: &mut String, start: &mut Option<usize>, out: &mut Vec<Sentence>| {
        let t = cur.trim();
        if let Some(at) = start.take()
            && !t.is_empty()
        {
            out.push(Sentence {
                text: t.to_string(),
                line: line_of(at),
            });
        }
        cur.clear();
    };
    for (event, range) in Parser::new_ext(
        &blanked,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_TASKLISTS,
    )
    .into_offset_iter()
    {
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            Event::Text(t) | Event::Code(t) if !in_code => {
                let text = crate::markdown::strip_furigana(&t);
                // Where each character is in the source, while the text is as written
                // (furigana shifts it: then the text's start stands for all of it).
                let exact = text == *t && blanked.get(range.clone()) == Some(&*t);
                let mut offset = range.start;
                for c in text.chars() {
                    // A 。 inside brackets (「…。」, （…。）) does not end the sentence.
                    match c {
                        '「' | '（' | '(' | '『' => depth += 1,
                        '」' | '）' | ')' | '』' => depth = depth.saturating_sub(1),
                        _ => {}
                    }
                    if start.is_none() && !c.is_whitespace() {
                        start = Some(offset.min(blanked.len()));
                    }
                    if start.is_some() {
                        cur.push(c);
                    }
                    if exact {
                        offset += c.len_utf8();
                    }
                    if depth == 0 && matches!(c, '。' | '！' | '？' | '!' | '?') {
                        flush(&mut cur, &mut start, &mut out);
                    }
                }
            }
            Event::SoftBreak | Event::HardBreak => {}
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => {
                depth = 0;
                flush(&mut cur, &mut start, &mut out);
            }
            _ => {}
        }
    }
    flush(&mut cur, &mut start, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(body: &str) -> (Score, Vec<(usize, String)>) {
        let (s, d) = check(
            Path::new("x.md"),
            body,
            1,
            false,
            &ReadabilityConfig::default(),
        );
        (
            s,
            d.iter()
                .map(|d| (d.pos.map_or(0, |p| p.line), d.message.clone()))
                .collect(),
        )
    }

    #[test]
    fn each_rule_names_its_line() {
        let body = "# 介護のこと\n\nこの町では、みなさんの暮らしを手伝います。\n\n\
                    在宅医療介護連携推進事業を進めます。\n\n\
                    ケアマネージメントサポートシステムを使います。\n\n\
                    行けないわけではありません。\n\n\
                    これは大切だ。\n\n\
                    わたしたちは、みなさんが住みなれた町で、家族やまわりの人といっしょに、これからも安心して、自分らしく暮らしていけるように、いろいろなことを手伝います。\n";
        let (_, w) = run(body);
        let at = |line: usize, words: &str| {
            assert!(
                w.iter().any(|(l, m)| *l == line && m.contains(words)),
                "no «{words}» at line {line}: {w:#?}"
            );
        };
        at(5, "漢字が 12 字続いています");
        at(7, "カタカナが");
        at(9, "二重の否定");
        at(11, "です・ます");
        at(13, "1つの文が");
        assert_eq!(w.len(), 5, "{w:#?}");
        // Quoted words alone are not a sentence to judge.
        let (_, q) = run(
            "「何から始めればよいのか」「誰に聞けばよいのだろう」。そう思ったら、お電話ください。\n",
        );
        assert!(q.is_empty(), "{q:#?}");
    }

    #[test]
    fn a_page_written_to_the_guideline_is_quiet_and_scores_higher() {
        let easy = "# 病院に行くとき\n\n保険証を持って行きます。\n\nわからないことは、窓口で聞いてください。\n\n- 薬の手帳\n- お金\n";
        let (s, w) = run(easy);
        assert!(w.is_empty(), "{w:#?}");
        let hard = "医療介護連携推進協議会規約第三条所定事項審議結果報告。";
        let (h, _) = run(hard);
        assert!(s.rs > h.rs + 20.0, "{} vs {}", s.rs, h.rs);
        assert_eq!(s.sentences, 5);
    }

    #[test]
    fn the_school_list_has_its_1026_kanji_and_furigana_covers_the_others() {
        assert_eq!(KYOIKU.chars().count(), 1026);
        assert!(
            ['一', '岡', '茨', '縄', '験']
                .iter()
                .all(|c| taught_at_school(*c))
        );
        assert!(!taught_at_school('鬱') && !taught_at_school('嚥'));
        let body = "薬を飲みます。\n\n{誤嚥|ごえん}に気をつけます。\n\n誤嚥と鬱と嚥に気をつけます。\n\n```\n鬱\n```\n";
        assert_eq!(without_furigana(body), [(5, vec!['嚥', '鬱'])]);
    }

    #[test]
    fn proper_names_and_code_are_not_judged() {
        let mut c = ReadabilityConfig::default();
        c.ignore.push("地域包括支援センター".into());
        let body = "地域包括支援センターに電話します。\n\n```\n在宅医療介護連携推進事業\n```\n\n::: field 在宅医療介護連携推進事業名\n";
        let (_, d) = check(Path::new("x.md"), body, 1, false, &c);
        assert!(
            d.is_empty(),
            "{:?}",
            d.iter().map(|d| &d.message).collect::<Vec<_>>()
        );
    }
}
