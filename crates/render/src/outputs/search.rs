//! Site-wide search: the page `search/` and a character-bigram index of every Markdown
//! page and section, queried in the browser by `static/js/search.js`.
//!
//! Why bigrams of our own rather than Pagefind or a word index: Japanese has no spaces
//! between words, so a word index needs a dictionary segmenter (and still misses
//! 訪問看護 inside 訪問看護ステーション when the dictionary splits it differently).
//! Every substring of two or more characters is a run of overlapping character pairs,
//! so a pair index finds any phrase with no dictionary at all. Pagefind would mean
//! running an npm or prebuilt binary in every build and in CI; this is a few hundred
//! lines of Rust, deterministic, and folds text with the same [`fold`] the browser
//! runs (`static/js/fold.js`), so 「けあまね」「ｹｱﾏﾈ」「ケアマネ」 all match.
//!
//! Files written under `search/`, split so that a phone downloads only what a query needs:
//! - `index.json`: the documents (title, path, section) and how the rest is split.
//! - `grams-K.json`: for each folded key whose first character's code point is K modulo
//!   the number of these files, the ids of the documents containing it, as gaps between
//!   ascending ids. A key is a pair of neighbouring letters or digits, or a letter
//!   alone when no letter follows it, so every letter starts some key and a one-letter
//!   query needs one file. Punctuation pairs are not indexed (they would only add weight).
//! - `text-N.json`: the plain text of documents `N*SHARD ..`, fetched only when a query
//!   has candidates there, to confirm the phrase really occurs and to show a snippet.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb};
use crate::templates::views::Link;
use diagnostics::Diagnostics;
use model::kana::fold;
use model::{Section, Site};

pub struct Search;

/// Documents per text file: small enough that a rare word loads little text, large
/// enough that a common one needs only a few requests.
pub const SHARD: usize = 40;

/// About this many postings per `grams-K.json` (some 30–40 kB).
const POSTINGS_PER_FILE: usize = 10_000;

/// At most this many `grams-K.json` files, however large the site.
const MAX_GRAM_FILES: usize = 64;

const TEMPLATE: &str = "search.html";

impl Renderer for Search {
    fn name(&self) -> &'static str {
        "search"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        // A site's own theme without a search page gets no index either.
        if !cx.templates.has(TEMPLATE) {
            return Ok(Vec::new());
        }
        let meta = Meta {
            title: "サイト内検索",
            description: "このサイトのページを、言葉で探せます。",
            og_type: "website",
        };
        let crumbs = vec![
            crumb(site, "ホーム", ""),
            Link {
                title: "サイト内検索".into(),
                path: String::new(),
            },
        ];
        let ctx = base_context(site, model::routes::SEARCH, meta, crumbs);
        let html = cx
            .templates
            .render(TEMPLATE, &ctx, std::path::Path::new(TEMPLATE))
            .map_err(Diagnostics::from)?;
        if cx.scope.is_some_and(|s| s.articles_unchanged) {
            return Ok(vec![OutputFile {
                path: "search/index.html".into(),
                content: Content::Html(html),
            }]);
        }
        let index = Index::build(site);
        let mut out = vec![
            OutputFile {
                path: "search/index.html".into(),
                content: Content::Html(html),
            },
            OutputFile {
                path: format!("{}index.json", model::routes::SEARCH).into(),
                content: Content::Bytes(index.index_json()?),
            },
        ];
        for (n, json) in index.gram_files()?.into_iter().enumerate() {
            out.push(OutputFile {
                path: format!("{}grams-{n}.json", model::routes::SEARCH).into(),
                content: Content::Bytes(json),
            });
        }
        for (n, json) in index.text_shards()?.into_iter().enumerate() {
            out.push(OutputFile {
                path: format!("{}text-{n}.json", model::routes::SEARCH).into(),
                content: Content::Bytes(json),
            });
        }
        Ok(out)
    }
}

/// One searchable page or section.
#[derive(Debug, Serialize)]
pub struct Doc {
    /// Title as shown.
    #[serde(rename = "t")]
    pub title: String,
    /// Path below the site's base, like `guide/kaigo-hoken/` (`""` for the home page).
    #[serde(rename = "u")]
    pub path: String,
    /// Where it sits, like 「ガイド」, shown under the title in results.
    #[serde(rename = "s")]
    pub section: String,
    /// Plain text of the body as a reader sees it (ruby readings dropped).
    #[serde(skip)]
    pub text: String,
}

/// The whole index, in memory.
#[derive(Debug)]
pub struct Index {
    pub docs: Vec<Doc>,
    /// Folded bigram → ascending doc ids. A BTreeMap so the JSON is byte-identical.
    pub grams: BTreeMap<String, Vec<u32>>,
}

#[derive(Serialize)]
struct IndexJson<'a> {
    /// Format version, bumped when search.js must change with it.
    v: u32,
    /// Documents per `text-N.json`.
    shard: usize,
    /// How many `grams-K.json` there are.
    grams: usize,
    docs: &'a [Doc],
}

impl Index {
    pub fn build(site: &Site) -> Index {
        let mut docs = Vec::new();
        for s in &site.sections {
            docs.push(Doc {
                title: s.meta.title.clone(),
                path: s.path.clone(),
                section: s
                    .parent
                    .map(|i| section_label(&site.sections[i]))
                    .unwrap_or_default(),
                text: html_to_text(&s.content),
            });
        }
        for p in &site.pages {
            // A lecture is found by its slides' own words (its tables are the data's, and
            // the data has pages of its own).
            let text = if p.slides.is_empty() {
                html_to_text(&p.content)
            } else {
                let html: Vec<String> = p
                    .slides
                    .iter()
                    .map(|s| {
                        s.pieces
                            .iter()
                            .filter_map(|x| match x {
                                model::lecture::SlidePiece::Html(h) => Some(h.as_str()),
                                model::lecture::SlidePiece::Table { .. } => None,
                            })
                            .collect()
                    })
                    .collect();
                html_to_text(&html.join("\n"))
            };
            docs.push(Doc {
                title: p.meta.title.clone(),
                path: p.path.clone(),
                section: section_label(&site.sections[p.section]),
                text,
            });
        }
        let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (id, d) in docs.iter().enumerate() {
            let mut mine: Vec<String> = grams(&fold(&d.title));
            mine.extend(grams(&fold(&d.text)));
            mine.sort();
            mine.dedup();
            for g in mine {
                // Ids arrive in ascending order, so each list stays sorted.
                postings.entry(g).or_default().push(id as u32);
            }
        }
        Index {
            docs,
            grams: postings,
        }
    }

    pub fn index_json(&self) -> Result<Vec<u8>, diagnostics::Diagnostic> {
        let j = IndexJson {
            v: 2,
            shard: SHARD,
            grams: self.gram_file_count(),
            docs: &self.docs,
        };
        let path = format!("{}index.json", model::routes::SEARCH);
        crate::json::compact(&j).map_err(|e| crate::json::failed(&path, &e))
    }

    pub fn gram_file_count(&self) -> usize {
        let postings: usize = self.grams.values().map(Vec::len).sum();
        postings
            .div_ceil(POSTINGS_PER_FILE)
            .clamp(1, MAX_GRAM_FILES)
    }

    /// `grams-K.json` for each K: key → gaps between ascending doc ids.
    pub fn gram_files(&self) -> Result<Vec<Vec<u8>>, diagnostics::Diagnostic> {
        let n = self.gram_file_count();
        let mut files: Vec<BTreeMap<&str, Vec<u32>>> = vec![BTreeMap::new(); n];
        for (key, ids) in &self.grams {
            let first = key.chars().next().map_or(0, |c| c as usize);
            let mut last = 0;
            let gaps = ids
                .iter()
                .map(|&id| {
                    let gap = id - last;
                    last = id;
                    gap
                })
                .collect();
            files[first % n].insert(key, gaps);
        }
        files
            .iter()
            .enumerate()
            .map(|(n, f)| {
                crate::json::compact(f).map_err(|e| {
                    crate::json::failed(&format!("{}grams-{n}.json", model::routes::SEARCH), &e)
                })
            })
            .collect()
    }

    /// `text-N.json` for each shard: the texts of its documents, in id order.
    pub fn text_shards(&self) -> Result<Vec<Vec<u8>>, diagnostics::Diagnostic> {
        self.docs
            .chunks(SHARD)
            .enumerate()
            .map(|(n, chunk)| {
                let texts: Vec<&str> = chunk.iter().map(|d| d.text.as_str()).collect();
                crate::json::compact(&texts).map_err(|e| {
                    crate::json::failed(&format!("{}text-{n}.json", model::routes::SEARCH), &e)
                })
            })
            .collect()
    }
}

/// The section's title, or 「ホーム」 for the home page.
fn section_label(s: &Section) -> String {
    if s.path.is_empty() {
        "ホーム".into()
    } else {
        s.meta.title.clone()
    }
}

/// Whether a character takes part in indexed pairs. `search.js` uses the same test
/// (`\p{Alphabetic}` or `\p{N}`), so query and index agree on which pairs exist.
pub fn indexable(c: char) -> bool {
    c.is_alphanumeric()
}

/// The distinct keys of already-folded text, sorted: each pair of neighbouring letters
/// or digits, and a letter alone when no letter follows it (「お薬。」 gives お薬 and
/// 薬), so every letter of the text starts at least one key.
pub fn grams(folded: &str) -> Vec<String> {
    // A long page repeats its pairs many times over: each distinct one is made a string
    // once (a 10 MB page has millions of pairs and some thousands of distinct ones).
    let mut seen: rustc_hash::FxHashSet<(char, Option<char>)> = Default::default();
    let mut chars = folded.chars().peekable();
    while let Some(c) = chars.next() {
        if !indexable(c) {
            continue;
        }
        let next = chars.peek().copied().filter(|n| indexable(*n));
        seen.insert((c, next));
    }
    let mut out: Vec<String> = seen
        .into_iter()
        .map(|(a, b)| b.map_or_else(|| a.to_string(), |b| [a, b].iter().collect()))
        .collect();
    out.sort();
    out
}

/// The text a reader sees in our generated HTML: tags dropped, ruby readings and
/// scripts skipped, entities decoded, blocks separated and whitespace collapsed.
pub fn html_to_text(html: &str) -> String {
    use markup::html::{self, Token};
    let mut out = String::with_capacity(html.len());
    // Inside a ruby reading or a script: the element whose end tag ends the skip.
    let mut skip_until: Option<&str> = None;
    for (_, token) in html::tokens(html) {
        match token {
            Token::Text(t) if skip_until.is_none() => out.push_str(&html::decode(t)),
            Token::Start(tag) => {
                if skip_until.is_none() {
                    skip_until = ["rt", "rp", "script", "style"]
                        .into_iter()
                        .find(|n| tag.is(n));
                }
                if is_block(tag.name) {
                    out.push(' ');
                }
            }
            Token::End(name) => {
                if skip_until.is_some_and(|end| name.eq_ignore_ascii_case(end)) {
                    skip_until = None;
                }
                if is_block(name) {
                    out.push(' ');
                }
            }
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Elements whose start and end separate words (HTML names ignore case).
fn is_block(name: &str) -> bool {
    const BLOCKS: &[&str] = &[
        "p",
        "br",
        "li",
        "ul",
        "ol",
        "dt",
        "dd",
        "div",
        "section",
        "blockquote",
        "pre",
        "table",
        "tr",
        "td",
        "th",
        "caption",
        "figcaption",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
    ];
    BLOCKS.iter().any(|b| b.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_is_found_inside_a_longer_compound() {
        let doc = grams(&fold("訪問看護ステーション"));
        let query: Vec<String> = grams(&fold("訪問看護"))
            .into_iter()
            .filter(|g| g.chars().count() == 2)
            .collect();
        assert_eq!(query, ["問看", "看護", "訪問"]);
        assert!(query.iter().all(|g| doc.contains(g)));
    }

    #[test]
    fn kana_and_width_differences_fold_to_the_same_pairs() {
        let want = grams(&fold("ケアマネジャー"));
        assert_eq!(grams(&fold("けあまねじゃー")), want);
        assert_eq!(grams(&fold("ｹｱﾏﾈｼﾞｬｰ")), want);
        assert_eq!(grams(&fold("ＡＣＰ")), grams("acp"));
    }

    #[test]
    fn punctuation_pairs_are_not_indexed() {
        assert_eq!(grams(&fold("介護、医療。")), ["介護", "医療", "療", "護"]);
        assert!(grams("、。").is_empty());
        // Every letter starts a key, so a one-letter query reads one file.
        assert_eq!(grams("（薬）と薬局"), ["と薬", "局", "薬", "薬局"]);
    }

    #[test]
    fn postings_are_split_by_first_letter_as_gaps() {
        let mut grams = BTreeMap::new();
        grams.insert("訪問".to_string(), vec![2, 5, 9]);
        grams.insert("a".to_string(), vec![0]);
        let index = Index {
            docs: Vec::new(),
            grams,
        };
        assert_eq!(index.gram_file_count(), 1);
        let files = index.gram_files().unwrap();
        assert_eq!(
            String::from_utf8(files[0].clone()).unwrap(),
            r#"{"a":[0],"訪問":[2,3,4]}"#
        );
    }

    #[test]
    fn html_becomes_the_text_a_reader_sees() {
        let html = "<h2 id=\"a\">申請の<ruby>手続<rt>てつづ</rt></ruby>き</h2>\n<p>A &amp; B&#12354;&lt;x&gt;</p><ul><li>一</li><li>二</li></ul><script>var x=1;</script>終";
        assert_eq!(html_to_text(html), "申請の手続き A & Bあ<x> 一 二 終");
    }

    #[test]
    fn a_stray_ampersand_stays() {
        assert_eq!(
            html_to_text("<p>R&D と &unknownlongentity; と &</p>"),
            "R&D と &unknownlongentity; と &"
        );
    }
}
