//! Site search as a resident uses it, in headless Chromium on the built sample site:
//! phrases inside longer compounds, kana and width differences, several words, nothing
//! found, the header box, phones at 320px and no JavaScript. Also the index files
//! themselves: stable bytes, no drafts, and their size on a site with 240 articles.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use chromium::Tab;
use common::Window as Browser;

fn served() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_sample(&[]))
}

fn open_at(b: &Browser, width: u32, url: &str) -> Tab {
    let tab = common::tab(b);
    common::viewport(&tab, width, 800);
    common::goto(&tab, url);
    tab
}

/// The status line once the search has finished (it says 件 either way).
fn status(tab: &Tab) -> String {
    let mut s = String::new();
    common::wait("the search result count", || {
        s = common::eval(tab, "document.getElementById('search-status').textContent")
            .as_str()
            .unwrap_or_default()
            .to_string();
        s.contains('件')
    });
    s
}

struct Hit {
    path: String,
    title: String,
    snippet: String,
    marks: Vec<String>,
}

/// Opens search/?q=… and returns the status line and the listed results.
fn search_in(tab: &Tab, base: &str, q: &str) -> (String, Vec<Hit>) {
    let url = format!("{base}search/?q={}", url_encode(q));
    common::goto(tab, &url);
    read_results(tab, base)
}

fn read_results(tab: &Tab, base: &str) -> (String, Vec<Hit>) {
    let st = status(tab);
    let v = common::eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('#search-results > li')].map(li => ({
            href: li.querySelector('h2 a').href,
            title: li.querySelector('h2').textContent,
            snippet: (li.querySelector('.search-snippet') || {textContent: ''}).textContent,
            marks: [...li.querySelectorAll('mark')].map(m => m.textContent),
        })))",
    );
    let list: Vec<serde_json::Value> = serde_json::from_str(v.as_str().unwrap()).unwrap();
    let hits = list
        .iter()
        .map(|h| Hit {
            path: h["href"]
                .as_str()
                .unwrap()
                .trim_start_matches(base)
                .to_string(),
            title: h["title"].as_str().unwrap().to_string(),
            snippet: h["snippet"].as_str().unwrap().to_string(),
            marks: h["marks"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_string())
                .collect(),
        })
        .collect();
    (st, hits)
}

fn url_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn paths(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.path.as_str()).collect()
}

#[test]
fn a_phrase_is_found_inside_a_longer_compound_and_marked() {
    let b = common::browser(1024);
    let tab = open_at(&b, 1024, &served().base);
    let (st, hits) = search_in(&tab, &served().base, "訪問看護");
    assert!(
        st.starts_with(&format!(
            "「訪問看護」の検索結果 ページ {} 件、事業所 ",
            hits.len()
        )),
        "{st}"
    );
    let found = paths(&hits);
    // This news item only ever says 訪問看護ステーション, never 訪問看護 on its own.
    assert!(
        found.contains(&"news/2026-10-15-map-koshin/"),
        "missing the page with 訪問看護ステーション: {found:?}"
    );
    assert!(found.contains(&"news/2026-11-13-nenmatsu-nenshi/"));
    for h in &hits {
        assert!(
            h.title.contains("訪問看護") || h.snippet.contains("訪問看護"),
            "{} listed without the phrase: {} / {}",
            h.path,
            h.title,
            h.snippet
        );
        assert!(
            h.marks.iter().any(|m| m == "訪問看護"),
            "{}: hit not marked",
            h.path
        );
    }
    let nenmatsu = hits
        .iter()
        .find(|h| h.path == "news/2026-11-13-nenmatsu-nenshi/")
        .unwrap();
    assert!(
        nenmatsu.snippet.contains("訪問看護"),
        "{}",
        nenmatsu.snippet
    );
}

#[test]
fn hiragana_half_width_and_full_width_queries_find_the_same_pages() {
    let b = common::browser(1024);
    let tab = open_at(&b, 1024, &served().base);
    let base = &served().base;
    let (_, kata) = search_in(&tab, base, "ケアマネジャー");
    let (st, hira) = search_in(&tab, base, "けあまねじゃー");
    assert!(st.starts_with("「けあまねじゃー」の検索結果"), "{st}");
    assert!(paths(&hira).contains(&"guide/kaigo-hoken/"));
    assert_eq!(paths(&hira), paths(&kata));
    // The mark shows the text as written, in katakana.
    assert!(
        hira.iter()
            .flat_map(|h| &h.marks)
            .any(|m| m == "ケアマネジャー")
    );
    let (_, half) = search_in(&tab, base, "ｹｱﾏﾈｼﾞｬｰ");
    assert_eq!(paths(&half), paths(&kata));
    let (_, acp) = search_in(&tab, base, "ＡＣＰ");
    assert!(
        paths(&acp).contains(&"guide/jinsei-kaigi/"),
        "{:?}",
        paths(&acp)
    );
    assert_eq!(acp[0].path, "guide/jinsei-kaigi/", "title hits rank first");
}

#[test]
fn words_separated_by_spaces_must_all_appear() {
    let b = common::browser(1024);
    let tab = open_at(&b, 1024, &served().base);
    let base = &served().base;
    let (_, one) = search_in(&tab, base, "訪問看護");
    let (_, other) = search_in(&tab, base, "年末年始");
    let (st, both) = search_in(&tab, base, "訪問看護　年末年始");
    assert!(st.starts_with("「訪問看護　年末年始」の検索結果"), "{st}");
    assert!(!both.is_empty());
    assert!(both.len() < one.len() && both.len() < other.len());
    for h in &both {
        assert!(paths(&one).contains(&h.path.as_str()));
        assert!(paths(&other).contains(&h.path.as_str()));
    }
}

#[test]
fn a_query_nothing_contains_says_so_and_offers_the_main_sections() {
    let b = common::browser(1024);
    let tab = open_at(&b, 1024, &served().base);
    let (st, hits) = search_in(&tab, &served().base, "ぬぽぴゅげ");
    assert!(hits.is_empty());
    assert!(st.contains("見つかりませんでした"), "{st}");
    assert!(st.contains("0 件"), "{st}");
    assert_eq!(
        common::eval(&tab, "document.getElementById('search-help').hidden"),
        false
    );
    assert_eq!(
        common::eval(&tab, "document.getElementById('search-nojs').hidden"),
        true
    );
    // Every pair of 訪問 and 看護 exists, but never in this order.
    let (st, hits) = search_in(&tab, &served().base, "看護訪問");
    assert!(hits.is_empty() && st.contains("0 件"), "{st}");
}

#[test]
fn the_header_box_on_any_page_leads_to_the_results() {
    let b = common::browser(1024);
    let base = &served().base;
    let tab = open_at(&b, 1024, &format!("{base}guide/"));
    common::click(&tab, "#site-search-q");
    tab.type_text("介護保険").unwrap();
    tab.press_key("Enter").unwrap();
    common::wait("the search page", || {
        common::eval(&tab, "location.pathname").as_str() == Some("/search/")
    });
    let search = common::eval(&tab, "location.search");
    assert_eq!(
        search.as_str().unwrap(),
        format!("?q={}", url_encode("介護保険"))
    );
    let (st, hits) = read_results(&tab, base);
    assert!(st.starts_with("「介護保険」の検索結果"), "{st}");
    assert!(paths(&hits).contains(&"guide/kaigo-hoken/"));
    assert_eq!(
        common::eval(&tab, "document.getElementById('search-q').value"),
        "介護保険"
    );
    // A second search from the page's own form updates the address for the back button.
    common::eval(&tab, "document.getElementById('search-q').value = 'ＡＥＤ'");
    common::click(&tab, "#search-form button");
    common::wait("the second search", || {
        common::eval(&tab, "document.getElementById('search-status').textContent")
            .as_str()
            .is_some_and(|s| s.contains("ＡＥＤ"))
    });
    assert_eq!(
        common::eval(&tab, "location.search").as_str().unwrap(),
        format!("?q={}", url_encode("ＡＥＤ"))
    );
}

#[test]
fn the_results_fit_a_320px_phone_and_pass_axe() {
    let b = common::browser(320);
    let base = &served().base;
    let tab = open_at(&b, 320, base);
    let (_, hits) = search_in(&tab, base, "訪問看護");
    assert!(!hits.is_empty());
    for size in ["normal", "xlarge"] {
        let sw = common::eval(
            &tab,
            &format!(
                "document.getElementById('ts-{size}').checked = true; document.documentElement.scrollWidth"
            ),
        );
        assert!(
            sw.as_f64().unwrap() <= 320.0,
            "search page scrolls sideways at 320px ({size}): {sw}"
        );
    }
    common::eval(&tab, "document.getElementById('ts-normal').checked = true");
    // The header box fits too, on an ordinary page.
    let page = open_at(&b, 320, &format!("{base}guide/kaigo-hoken/"));
    let sw = common::eval(&page, "document.documentElement.scrollWidth");
    assert!(sw.as_f64().unwrap() <= 320.0, "header box at 320px: {sw}");

    let source = common::axe_source();
    for t in [&tab, &page] {
        common::eval(t, &source);
        let v = t
            .evaluate(
                "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}).then(r => JSON.stringify(r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))))",
                true,
            )
            .unwrap();
        let violations: Vec<String> = serde_json::from_str(v.as_str().unwrap()).unwrap();
        assert!(violations.is_empty(), "axe: {violations:#?}");
    }
}

#[test]
fn without_javascript_the_page_explains_and_links_to_the_main_sections() {
    let b = common::browser(1024);
    let tab = common::tab(&b);
    tab.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    )
    .unwrap();
    let base = &served().base;
    common::goto(&tab, &format!("{base}search/?q=test"));
    let text = common::eval(&tab, "document.getElementById('search-help').innerText");
    let text = text.as_str().unwrap();
    assert!(text.contains("JavaScript"), "{text}");
    assert!(text.contains("医療・介護の事業所をさがす"), "{text}");
    assert_eq!(
        common::eval(&tab, "document.getElementById('search-nojs').hidden"),
        false
    );
    // The form is a plain GET form to this page.
    assert_eq!(
        common::eval(&tab, "document.getElementById('search-form').method"),
        "get"
    );
}

fn build(site: &Path, out: &Path) {
    common::build_ok(site, out, &[]);
}

fn size(dir: &Path, prefix: &str) -> u64 {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.file_name().to_string_lossy().starts_with(prefix))
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

#[test]
fn the_index_is_stable_leaves_out_drafts_and_stays_small() {
    let site = tempfile::tempdir().unwrap();
    common::copy_sample(site.path());
    std::fs::write(
        site.path().join("content/guide/shitagaki.md"),
        "---\ntitle: 下書き\ndraft: true\n---\n\nまだ公開しないページです。ぽよぽよ体操。\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    build(site.path(), &out.path().join("a"));
    build(site.path(), &out.path().join("b"));
    let dir = out.path().join("a/search");
    let index = std::fs::read(dir.join("index.json")).unwrap();
    assert_eq!(
        index,
        std::fs::read(out.path().join("b/search/index.json")).unwrap(),
        "rebuilding must give the same bytes"
    );
    let text = std::fs::read_to_string(dir.join("text-0.json")).unwrap();
    assert!(text.contains("訪問看護ステーション"));
    assert!(!text.contains("ぽよぽよ"), "a draft was indexed");
    let v: serde_json::Value = serde_json::from_slice(&index).unwrap();
    assert_eq!(v["grams"], 1, "a small site needs one postings file");
    let grams: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("grams-0.json")).unwrap()).unwrap();
    assert!(grams["訪問"].is_array());
    assert!(grams.get("ぽよ").is_none(), "a draft was indexed");
    let docs = v["docs"].as_array().unwrap();
    assert!(docs.iter().any(|d| d["u"] == "guide/kaigo-hoken/"));
    assert!(!docs.iter().any(|d| d["u"] == "guide/shitagaki/"));
    eprintln!(
        "sample site: {} documents, {} keys; index.json {} bytes, grams {} bytes, text {} bytes",
        docs.len(),
        grams.as_object().unwrap().len(),
        index.len(),
        size(&dir, "grams-"),
        size(&dir, "text-")
    );
    assert!(size(&dir, "grams-") < 200_000);
}

/// 240 articles of a few thousand characters each, made from the sample's own sentences
/// in shuffled order with numbered place and facility names, so pairs vary as in
/// real pages.
fn write_big_site(root: &Path) -> usize {
    common::copy_sample(root);
    let mut sentences = Vec::new();
    for f in common::files(&root.join("content")) {
        if f.extension().is_some_and(|e| e == "md") {
            let t = std::fs::read_to_string(&f).unwrap();
            let body = t.splitn(3, "---\n").nth(2).unwrap_or("");
            for s in body.split('。') {
                let s = s
                    .trim()
                    .replace(['\n', '#', '|', '{', '}', '[', ']', '@', '*', ':'], "");
                if s.chars().count() > 8 {
                    sentences.push(s);
                }
            }
        }
    }
    let towns = [
        "本町",
        "北山町",
        "南川",
        "東原",
        "西野台",
        "緑ケ丘",
        "桜台",
        "中央",
    ];
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let dir = root.join("content/kiji");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("_index.md"), "---\ntitle: 記事\n---\n").unwrap();
    let n = 240;
    for i in 0..n {
        let town = towns[i % towns.len()];
        let mut body =
            format!("{town}{i}丁目の「{town}第{i}ケアセンター」からのお知らせです。\n\n");
        for k in 0..40 {
            let s = &sentences[(next() as usize) % sentences.len()];
            body.push_str(s);
            body.push('。');
            if k % 5 == 4 {
                body.push_str(&format!("\n\n## {town}の{k}番目の話\n\n"));
            }
        }
        std::fs::write(
            dir.join(format!("kiji-{i:03}.md")),
            format!("---\ntitle: {town}のお知らせ その{i}\n---\n\n{body}\n"),
        )
        .unwrap();
    }
    n
}

#[test]
fn a_site_with_240_articles_answers_from_a_compact_index() {
    let site = tempfile::tempdir().unwrap();
    let n = write_big_site(site.path());
    let served = common::serve_site(site.path(), &[]);
    let dir = served.dir.path().join("public/search");
    let index = std::fs::metadata(dir.join("index.json")).unwrap().len();
    let grams = size(&dir, "grams-");
    let text = size(&dir, "text-");
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let files = v["grams"].as_u64().unwrap();
    eprintln!(
        "{n} extra articles: {} documents; index.json {index} bytes, grams {grams} bytes in {files} files, text {text} bytes",
        v["docs"].as_array().unwrap().len(),
    );
    assert!(files > 1, "postings should be split on a large site");
    assert!(index < 100_000, "index.json is {index} bytes");
    assert!(
        grams / files < 100_000,
        "grams files average {} bytes",
        grams / files
    );

    let b = common::browser(1024);
    let tab = open_at(&b, 1024, &format!("{}search/", served.base));
    // Time from submitting to the count being shown, measured inside the page.
    for q in ["訪問看護", "北山町 ケアセンター", "薬"] {
        common::eval(
            &tab,
            &format!(
                "{{ window.__done = null; const t0 = performance.now();
                 new MutationObserver((_, o) => {{
                   const s = document.getElementById('search-status').textContent;
                   if (s.includes('件')) {{ window.__done = performance.now() - t0; o.disconnect(); }}
                 }}).observe(document.getElementById('search-status'), {{childList: true, characterData: true, subtree: true}});
                 document.getElementById('search-q').value = '{q}';
                 document.getElementById('search-form').requestSubmit(); }}"
            ),
        );
        let mut ms = f64::NAN;
        common::wait("the timed search", || {
            ms = common::eval(&tab, "window.__done")
                .as_f64()
                .unwrap_or(f64::NAN);
            !ms.is_nan()
        });
        let (st, hits) = read_results(&tab, &served.base);
        let fetched = common::eval(
            &tab,
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/search/')).reduce((n, e) => n + e.encodedBodySize, 0)",
        );
        eprintln!(
            "query {q}: {ms:.0} ms, {} bytes of search files fetched so far: {st}",
            fetched.as_f64().unwrap_or(f64::NAN)
        );
        assert!(st.starts_with(&format!("「{q}」の検索結果")), "{q}: {st}");
        assert!(!hits.is_empty(), "{q}: {st}");
    }
}
