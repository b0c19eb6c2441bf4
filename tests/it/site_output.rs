//! Builds real sites (the sample at the repository root, and small ones made here) with the
//! real binary and checks the files it writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::common;
use common::{bin, files};

const BASE: &str = "/kenko/zaitaku/";

use common::Built;

fn build_site(root: &Path, extra: &[&str]) -> Built {
    common::built(root, extra)
}

/// The sample site, built once for all tests in this file.
fn sample() -> &'static Built {
    static SAMPLE: OnceLock<Built> = OnceLock::new();
    SAMPLE.get_or_init(|| build_site(Path::new(env!("CARGO_MANIFEST_DIR")), &["--no-minify"]))
}

fn read(out: &Path, rel: &str) -> String {
    std::fs::read_to_string(out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn html_files(out: &Path) -> Vec<PathBuf> {
    files(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

/// Every value of `attr="…"` in a page.
fn attrs<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let pat = format!(" {attr}=\"");
    html.match_indices(&pat)
        .filter_map(|(i, _)| {
            let rest = &html[i + pat.len()..];
            rest.find('"').map(|end| &rest[..end])
        })
        .collect()
}

/// A small site written into a temp folder from (path, text) pairs.
fn small_site(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut all: BTreeMap<&str, &str> = BTreeMap::new();
    all.insert("site.toml", SMALL_TOML);
    all.insert("content/_index.md", "---\ntitle: ホーム\n---\nようこそ。\n");
    for (p, t) in files {
        all.insert(p, t);
    }
    for (p, t) in all {
        let path = dir.path().join(p);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, t).unwrap();
    }
    dir
}

const SMALL_TOML: &str = r#"
title = "テスト市 在宅医療ガイド"
base_url = "https://example.lg.jp/zaitaku/"
[municipality]
name = "テスト市"
code = "131016"
[categories.clinic]
label = "診療所"
group = "医療"
schema_type = "MedicalClinic"
[categories.houkatsu]
label = "地域包括支援センター"
group = "相談窓口"
[areas.kita]
label = "北部圏域"
[services.houmon-shinryo]
label = "訪問診療"
description = "医師が定期的にご自宅へうかがいます。"
"#;

fn record(id: &str, name: &str, kana: &str) -> String {
    format!(
        "- id: {id}\n  name: {name}\n  kana: {kana}\n  category: clinic\n  area: kita\n  address: テスト市北町1番\n  phone: 0990-11-2222\n  services: [houmon-shinryo]\n  updated: 2026-10-01\n"
    )
}

#[test]
fn sample_site_builds_with_only_the_planted_stale_warnings() {
    let b = sample();
    let warnings: Vec<&str> = b
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning"))
        .collect();
    assert_eq!(warnings.len(), 2, "{}", b.stderr);
    assert!(
        warnings.iter().all(|w| w.contains("確認したきり")),
        "{warnings:?}"
    );
    assert!(b.stderr.contains("完了:"), "{}", b.stderr);
    assert!(b.stderr.contains("事業所 70 件"), "{}", b.stderr);
}

#[test]
fn every_page_is_ja_with_one_h1_skip_link_landmarks_and_no_external_resources() {
    let pages = html_files(&sample().out);
    assert!(pages.len() > 100, "only {} pages", pages.len());
    for p in pages {
        let h = std::fs::read_to_string(&p).unwrap();
        let name = p.display();
        assert!(h.contains("<html lang=\"ja\">"), "{name}");
        if standalone(&h) {
            continue;
        }
        assert_eq!(
            h.matches("<h1").count(),
            1,
            "{name} must have exactly one h1"
        );
        assert!(h.contains("href=\"#main\""), "{name}: skip link");
        assert!(h.contains("<main id=\"main\""), "{name}: main landmark");
        assert!(
            h.contains("<header") && h.contains("<footer") && h.contains("<nav"),
            "{name}"
        );
        for src in attrs(&h, "src") {
            assert!(
                src.starts_with(BASE),
                "{name}: external or unprefixed src {src}"
            );
        }
        for (i, _) in h.match_indices("<link ") {
            let tag = &h[i..i + h[i..].find('>').unwrap()];
            if tag.contains("stylesheet") || tag.contains("icon") {
                assert!(tag.contains(&format!("href=\"{BASE}")), "{name}: {tag}");
            }
        }
    }
}

/// The file a site link leads to: `/base/x/` from the site root, or `x/` (as the
/// self-contained lecture pages write) from the linking page's folder.
fn local_target(out: &Path, page: &Path, path: &str) -> Option<PathBuf> {
    let dir = if let Some(rel) = path.strip_prefix(BASE) {
        out.join(rel)
    } else if !path.contains(':') && !path.starts_with('/') {
        page.parent()?.join(path)
    } else {
        return None;
    };
    Some(if path.ends_with('/') || path == BASE {
        dir.join("index.html")
    } else {
        dir
    })
}

/// Pages that stand alone without the site's header and footer: slide decks, handouts,
/// speaker's copies and printed guides (each tested in its own file).
fn standalone(h: &str) -> bool {
    !h.contains("class=\"site-header\"")
        && (h.contains("class=\"deck-page\"")
            || h.contains("class=\"handout")
            || h.contains("class=\"speaker\"")
            || h.contains("class=\"cover\""))
}

#[test]
fn every_internal_link_points_at_a_written_file_and_anchor() {
    let out = &sample().out;
    let mut checked = 0;
    for p in html_files(out) {
        let h = std::fs::read_to_string(&p).unwrap();
        for href in attrs(&h, "href").into_iter().chain(attrs(&h, "src")) {
            let (path, frag) = href.split_once('#').unwrap_or((href, ""));
            let target_html = if path.is_empty() {
                h.clone()
            } else if let Some(f) = local_target(out, &p, path) {
                assert!(
                    f.is_file(),
                    "{}: link {href} → missing {}",
                    p.display(),
                    f.display()
                );
                checked += 1;
                if f.extension().is_some_and(|e| e == "html") {
                    std::fs::read_to_string(&f).unwrap()
                } else {
                    continue;
                }
            } else {
                assert!(
                    ["https://", "http://", "tel:", "mailto:", "data:image/"]
                        .iter()
                        .any(|s| path.starts_with(s)),
                    "{}: unexpected link {href}",
                    p.display()
                );
                continue;
            };
            if !frag.is_empty() {
                assert!(
                    target_html.contains(&format!("id=\"{frag}\"")),
                    "{}: anchor #{frag} missing",
                    p.display()
                );
            }
        }
    }
    assert!(checked > 1000, "only {checked} links checked");
}

#[test]
fn furigana_and_gfm_render_in_guide_pages() {
    let h = read(&sample().out, "guide/kaigo-hoken/index.html");
    assert!(
        h.contains("<ruby>被保険者証<rt>ひほけんしゃしょう</rt></ruby>"),
        "furigana"
    );
    assert!(h.contains("<table>"), "table");
    assert!(h.contains("type=\"checkbox\""), "task list");
    let h = read(&sample().out, "guide/nyuin-taiin/index.html");
    assert!(h.contains("footnote-definition"), "footnote");
}

#[test]
fn provider_page_shows_every_field_dates_in_both_calendars_and_a_stale_notice() {
    let h = read(&sample().out, "providers/sakae-seikei-geka-iin/index.html");
    assert!(h.contains("<h1>さかえ整形外科医院</h1>"));
    assert!(h.contains("href=\"tel:0990-13-2460\""));
    assert!(h.contains("〒999-0103"));
    assert!(h.contains("最終確認日"));
    assert!(h.contains("令和7年3月1日（2025年3月1日）"), "wareki");
    assert!(h.contains("notice-stale"), "stale notice");
    assert!(h.contains("<script type=\"application/ld+json\">"));
    assert!(h.contains("\"@type\":\"MedicalClinic\""));
    assert!(h.contains("property=\"og:title\" content=\"さかえ整形外科医院\""));
    // Maps are opt-in: the sample site configures none, so no third-party link appears.
    assert!(!h.contains("openstreetmap"));
    let fresh = read(&sample().out, "providers/midori-chuo-byoin/index.html");
    assert!(!fresh.contains("notice-stale"));
}

#[test]
fn service_lists_explain_the_service_and_link_each_provider() {
    let h = read(&sample().out, "providers/service/houmon-shinryo/index.html");
    assert!(h.contains("<h1>訪問診療ができる事業所</h1>"), "title");
    assert!(
        h.contains("医師が計画を立てて"),
        "explanation for residents"
    );
    assert!(
        h.contains("<table>") && h.contains("<th scope=\"col\">受入状況</th>"),
        "table form"
    );
    let idx = read(&sample().out, "providers/index.html");
    for g in ["医療", "介護", "相談窓口"] {
        assert!(
            idx.contains(&format!("{g}<span class=\"count\">")),
            "group {g}"
        );
    }
}

#[test]
fn home_lists_consultation_windows_and_latest_news_from_data() {
    let h = read(&sample().out, "index.html");
    assert_eq!(
        h.matches("class=\"window-phone\"").count(),
        5,
        "4 centres + 1 office"
    );
    assert!(h.contains("年末年始の相談窓口"), "newest news item");
}

#[test]
fn sections_are_ordered_by_weight_and_news_by_date_newest_first() {
    let h = read(&sample().out, "guide/index.html");
    let first = h.find("在宅医療とは").unwrap();
    let last = h.find("人生会議").unwrap();
    assert!(first < last);
    let n = read(&sample().out, "news/index.html");
    assert!(n.find("2026-11-13").unwrap() < n.find("2026-06-10").unwrap());
}

#[test]
fn sitemap_and_feed_use_the_full_base_url() {
    let out = &sample().out;
    let sitemap = read(out, "sitemap.xml");
    let pages = html_files(out)
        .into_iter()
        // The search page is a tool with no content of its own, so not in the sitemap.
        .filter(|p| !p.ends_with("404.html") && !p.ends_with("search/index.html"))
        .count();
    assert_eq!(sitemap.matches("<loc>").count(), pages);
    assert!(sitemap.contains("<loc>https://www.city.midori.example.lg.jp/kenko/zaitaku/providers/midori-chuo-byoin/</loc>"));
    let feed = read(out, "news/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 5);
    assert!(feed.contains("<updated>2026-11-13T00:00:00+09:00</updated>"));
    assert!(feed.contains("href=&quot;https://www.city.midori.example.lg.jp/kenko/zaitaku/guide/"));
    assert!(
        !feed.contains("href=&quot;/kenko/"),
        "site links in the feed must be absolute"
    );
}

#[test]
fn base_url_override_prefixes_every_link_asset_and_sitemap_entry() {
    let b = build_site(
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &["--base-url", "https://stg.example.jp/preview/x/"],
    );
    for p in html_files(&b.out) {
        let h = std::fs::read_to_string(&p).unwrap();
        for v in attrs(&h, "href").into_iter().chain(attrs(&h, "src")) {
            if v.starts_with('/') {
                assert!(v.starts_with("/preview/x/"), "{}: {v}", p.display());
            }
        }
    }
    let sitemap = read(&b.out, "sitemap.xml");
    assert!(sitemap.matches("<loc>").all(|_| true));
    assert!(
        !sitemap.contains("city.midori"),
        "old base url left in sitemap"
    );
    assert!(sitemap.contains("<loc>https://stg.example.jp/preview/x/</loc>"));
}

#[test]
fn two_builds_of_the_same_input_are_byte_identical() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let a = build_site(root, &[]);
    let b = build_site(root, &[]);
    let fa = files(&a.out);
    let fb = files(&b.out);
    let rel = |v: &[PathBuf], base: &Path| {
        v.iter()
            .map(|p| p.strip_prefix(base).unwrap().to_path_buf())
            .collect::<Vec<_>>()
    };
    assert_eq!(rel(&fa, &a.out), rel(&fb, &b.out));
    for (x, y) in fa.iter().zip(&fb) {
        assert!(
            std::fs::read(x).unwrap() == std::fs::read(y).unwrap(),
            "{} differs",
            x.display()
        );
    }
}

#[test]
fn minified_output_is_smaller_and_keeps_the_content() {
    let min = build_site(Path::new(env!("CARGO_MANIFEST_DIR")), &[]);
    let a = read(&min.out, "providers/midori-chuo-byoin/index.html");
    let b = read(&sample().out, "providers/midori-chuo-byoin/index.html");
    assert!(a.len() < b.len(), "{} vs {}", a.len(), b.len());
    assert!(!a.contains("\n  <"), "indentation left in minified HTML");
    assert!(a.contains("みどり中央病院"));
}

#[test]
fn providers_are_listed_in_gojuon_order_under_row_headings() {
    let mut yaml = String::new();
    for (id, name, kana) in [
        ("p1", "ひかり医院", "ひかりいいん"),
        ("p2", "ばら診療所", "ばらしんりょうじょ"),
        ("p3", "若葉クリニック", "わかばくりにっく"),
        ("p4", "はな内科", "はなないか"),
        ("p5", "ぱんだ小児科", "ぱんだしょうにか"),
        ("p6", "朝日医院", "アサヒイイン"),
        ("p7", "学園前クリニック", "がくえんまえくりにっく"),
    ] {
        yaml.push_str(&record(id, name, kana));
    }
    let site = small_site(&[("content/providers/a.yaml", &yaml)]);
    let b = build_site(site.path(), &["--no-minify"]);
    let h = read(&b.out, "providers/category/clinic/index.html");
    let order: Vec<&str> = h
        .split("class=\"card-title\"><a href=\"")
        .skip(1)
        .map(|s| s.split('>').nth(1).unwrap().split('<').next().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "朝日医院",
            "学園前クリニック",
            "はな内科",
            "ばら診療所",
            "ぱんだ小児科",
            "ひかり医院",
            "若葉クリニック"
        ]
    );
    let rows: Vec<&str> = ["あ行", "か行", "は行", "わ行"]
        .into_iter()
        .filter(|r| h.contains(&format!(">{r}</h2>")))
        .collect();
    assert_eq!(rows.len(), 4, "row headings");
    assert!(h.find(">あ行</h2>").unwrap() < h.find(">か行</h2>").unwrap());
    assert!(h.find(">は行</h2>").unwrap() < h.find(">わ行</h2>").unwrap());
    assert!(!h.contains(">さ行</h2>"), "empty rows are left out");
}

#[test]
fn markup_in_provider_fields_is_escaped_everywhere() {
    let yaml = "- id: evil\n  name: \"<script>alert(1)</script>医院\"\n  kana: あくい\n  category: clinic\n  area: kita\n  address: \"\\\"><img src=x onerror=alert(2)>\"\n  phone: 0990-11-2222\n  hours_note: \"</script><script>alert(3)</script>\"\n  notes: \"<b>x</b> [link](javascript:alert(4)) **太字**\"\n  updated: 2026-10-01\n";
    let site = small_site(&[("content/providers/a.yaml", yaml)]);
    let b = build_site(site.path(), &["--no-minify"]);
    for f in files(&b.out) {
        let Ok(t) = std::fs::read_to_string(&f) else {
            continue;
        };
        // Data files keep the text as written, but with no character that could open markup.
        if f.extension().is_some_and(|e| e == "json") {
            assert!(!t.contains('<') && !t.contains('>'), "{}", f.display());
            continue;
        }
        // Open data keeps the text as written (it is data, never served as HTML); a
        // formula-like cell is quoted so Excel shows it as text.
        if f.extension().is_some_and(|e| e == "csv") {
            if f.ends_with("iryo-kikan.csv") {
                assert!(
                    t.contains("<script>alert(1)</script>医院"),
                    "{}",
                    f.display()
                );
            }
            continue;
        }
        assert!(!t.contains("<script>alert"), "{}", f.display());
        assert!(!t.contains("<img src=x"), "{}", f.display());
        assert!(!t.contains("javascript:"), "{}", f.display());
        assert!(!t.contains("<b>x</b>"), "{}", f.display());
    }
    let h = read(&b.out, "providers/evil/index.html");
    assert!(h.contains("&lt;script&gt;alert(1)&lt;/script&gt;医院"));
    assert!(
        h.contains("<strong>太字</strong>"),
        "inline Markdown still works"
    );
    // JSON-LD cannot be closed early by data.
    let ld = h
        .split("application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(ld.contains("\\u003cscript\\u003e"), "{ld}");
}

#[test]
fn drafts_are_not_published() {
    let site = small_site(&[
        ("content/guide/_index.md", "---\ntitle: ガイド\n---\n"),
        (
            "content/guide/secret.md",
            "---\ntitle: 下書き\ndraft: true\n---\nまだ秘密\n",
        ),
        ("content/guide/open.md", "---\ntitle: 公開\n---\n公開中\n"),
    ]);
    let b = build_site(site.path(), &[]);
    assert!(b.out.join("guide/open/index.html").is_file());
    assert!(!b.out.join("guide/secret").exists());
    assert!(!read(&b.out, "sitemap.xml").contains("secret"));
    assert!(!read(&b.out, "guide/index.html").contains("下書き"));
}

#[test]
fn a_site_template_overrides_the_theme_of_the_same_name() {
    let site = small_site(&[
        (
            "content/about.md",
            "---\ntitle: このサイトについて\n---\n本文\n",
        ),
        (
            "templates/page.html",
            "{% extends \"base.html\" %}{% block content %}<h1 class=\"mine\">{{ page.title }}</h1>{% endblock content %}",
        ),
    ]);
    let b = build_site(site.path(), &["--no-minify"]);
    assert!(
        read(&b.out, "about/index.html").contains("<h1 class=\"mine\">このサイトについて</h1>")
    );
}

#[test]
fn internal_links_resolve_under_the_base_path() {
    let site = small_site(&[
        (
            "content/a.md",
            "---\ntitle: A\n---\n[Bへ](@/b.md#x)と[ホーム](@/_index.md)\n",
        ),
        ("content/b.md", "---\ntitle: B\n---\n## x\n"),
    ]);
    let b = build_site(site.path(), &["--no-minify"]);
    let h = read(&b.out, "a/index.html");
    assert!(h.contains("href=\"/zaitaku/b/#x\""), "{h}");
    assert!(h.contains("href=\"/zaitaku/\""));
}

#[test]
fn check_writes_nothing_and_init_makes_a_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new-site");
    let o = bin().arg("init").arg(&site).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (code, said) = common::check(&site);
    assert_eq!(code, Some(0), "{said}");
    assert!(!site.join("public").exists(), "check must not write");
    // Nothing invented: no record to start with, and what is still to be filled in is said,
    // each with where.
    for todo in [
        "base_url がまだ例（https://www.city.example.lg.jp/zaitaku/）のまま",
        "site.toml:5:1",
        "の電話番号（phone）がありません",
        "相談窓口（地域包括支援センターなど）の記録がまだありません",
    ] {
        assert!(said.contains(todo), "no «{todo}»: {said}");
    }
    assert!(said.contains("事業所 0 件。警告 3 件"), "{said}");
    let b = build_site(&site, &[]);
    assert!(!b.out.join("providers/sakura-clinic").exists());
    let home = read(&b.out, "index.html");
    assert!(
        !home.contains("0990-00-0000") && !home.contains("さくら診療所"),
        "{home}"
    );
    // Filled in, the warnings go.
    let toml = site.join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        text.replace(
            "https://www.city.example.lg.jp/zaitaku/",
            "https://www.town.hinode.example.jp/iryo/",
        )
        .replace("# phone = \"0990-12-3456\"", "phone = \"0120-000-777\""),
    )
    .unwrap();
    std::fs::write(
        site.join("content/providers/madoguchi.yaml"),
        "- id: hinode-houkatsu\n  name: 日の出町地域包括支援センター\n  kana: ひのでちょうちいきほうかつしえんせんたー\n  category: houkatsu\n  area: chuo\n  address: 日の出町ヶ丘1番地\n  phone: 050-0000-7777\n  updated: 2026-11-01\n",
    )
    .unwrap();
    let (code, said) = common::check(&site);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("警告 0 件"), "{said}");
    // init refuses to overwrite.
    let o = bin().arg("init").arg(&site).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn help_is_available_for_every_command() {
    // Every command the top-level help lists, so a new one is checked too.
    let o = bin().arg("--help").output().unwrap();
    assert!(o.status.success());
    let top = String::from_utf8_lossy(&o.stdout).into_owned();
    let commands: Vec<&str> = top
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .collect();
    assert!(commands.len() >= 9, "{top}");
    for cmd in commands {
        let o = bin().args([cmd, "--help"]).output().unwrap();
        assert!(o.status.success(), "{cmd} --help failed");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(
            text.contains("Usage") && text.contains(cmd),
            "{cmd}: {text}"
        );
        // Each command says what it does in Japanese for staff.
        assert!(
            text.chars().any(|c| ('\u{3040}'..='\u{30FF}').contains(&c)),
            "{cmd}: {text}"
        );
    }
    let o = bin().args(["build", "--help"]).output().unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    for opt in ["--root", "--output", "--base-url"] {
        assert!(text.contains(opt), "{opt} missing from build --help");
    }
}

#[test]
fn static_files_and_theme_assets_are_copied() {
    let site = small_site(&[
        ("static/files/guide.pdf", "%PDF-1.4 fake"),
        ("content/guide/img.txt", "asset"),
    ]);
    let b = build_site(site.path(), &[]);
    assert_eq!(read(&b.out, "files/guide.pdf"), "%PDF-1.4 fake");
    assert_eq!(read(&b.out, "guide/img.txt"), "asset");
    assert!(
        read(&b.out, "css/style.css").contains("font-size: 112.5%"),
        "base font 18px"
    );
    let set: BTreeSet<_> = files(&b.out)
        .into_iter()
        .map(|p| p.strip_prefix(&b.out).unwrap().to_path_buf())
        .collect();
    assert!(set.contains(Path::new("404.html")));
}

#[test]
fn long_lists_are_split_into_one_page_per_gojuon_row() {
    let mut yaml = String::new();
    for (id, name, kana) in [
        ("p1", "あさひ医院", "あさひいいん"),
        ("p2", "いずみ医院", "いずみいいん"),
        ("p3", "かえで医院", "かえでいいん"),
        ("p4", "はな医院", "はないいん"),
    ] {
        yaml.push_str(&record(id, name, kana));
    }
    let toml = SMALL_TOML.replace("[municipality]", "list_page_size = 3\n[municipality]");
    let site = small_site(&[("content/providers/a.yaml", &yaml), ("site.toml", &toml)]);
    let b = build_site(site.path(), &["--no-minify"]);
    let index = read(&b.out, "providers/category/clinic/index.html");
    assert!(
        index.contains("行ごとのページに分けています"),
        "index of a split list"
    );
    assert!(
        index.contains(
            "href=\"/zaitaku/providers/category/clinic/a/\">あ行<span class=\"count\">（2件）"
        ),
        "{index}"
    );
    assert!(!index.contains("card-title"), "no cards on the index");
    let a = read(&b.out, "providers/category/clinic/a/index.html");
    assert!(a.contains("あさひ医院") && a.contains("いずみ医院") && !a.contains("かえで医院"));
    assert!(a.contains("<h1>診療所の一覧（あ行）</h1>"));
    assert!(
        b.out
            .join("providers/category/clinic/ka/index.html")
            .is_file()
    );
    assert!(
        !b.out.join("providers/category/clinic/sa").exists(),
        "no page for an empty row"
    );
    let sitemap = read(&b.out, "sitemap.xml");
    assert!(sitemap.contains("providers/category/clinic/ha/</loc>"));
    // A list within the limit stays one page.
    let empty = read(&b.out, "providers/category/houkatsu/index.html");
    assert!(!empty.contains("行ごとのページ") && empty.contains("登録がありません"));
}

#[test]
fn a_long_row_runs_over_numbered_pages_with_links_between_them() {
    let mut yaml = String::new();
    for (id, name, kana) in [
        ("p1", "あさひ医院", "あさひいいん"),
        ("p2", "いずみ医院", "いずみいいん"),
        ("p3", "うみ医院", "うみいいん"),
        ("p4", "かえで医院", "かえでいいん"),
    ] {
        yaml.push_str(&record(id, name, kana));
    }
    let toml = SMALL_TOML.replace("[municipality]", "list_page_size = 2\n[municipality]");
    let site = small_site(&[("content/providers/a.yaml", &yaml), ("site.toml", &toml)]);
    let b = build_site(site.path(), &["--no-minify"]);
    let index = read(&b.out, "providers/category/clinic/index.html");
    assert!(
        index.contains("あ行<span class=\"count\">（3件）"),
        "{index}"
    );
    let one = read(&b.out, "providers/category/clinic/a/index.html");
    let two = read(&b.out, "providers/category/clinic/a/2/index.html");
    assert!(one.contains("あさひ医院") && one.contains("いずみ医院") && !one.contains("うみ医院"));
    assert!(two.contains("うみ医院") && !two.contains("あさひ医院"));
    assert!(
        one.contains("<h1>診療所の一覧（あ行・1/2ページ）</h1>"),
        "{one}"
    );
    assert!(one.contains("3件（五十音順）のうち 1〜2件目"), "{one}");
    assert!(two.contains("3件（五十音順）のうち 3〜3件目"), "{two}");
    assert!(
        one.contains("href=\"/zaitaku/providers/category/clinic/a/2/\" rel=\"next\""),
        "{one}"
    );
    assert!(
        two.contains("href=\"/zaitaku/providers/category/clinic/a/\" rel=\"prev\""),
        "{two}"
    );
    assert!(two.contains("<a aria-current=\"page\">2"), "{two}");
    assert!(!b.out.join("providers/category/clinic/a/3").exists());
    // A row that fits stays one page, without page links.
    let ka = read(&b.out, "providers/category/clinic/ka/index.html");
    assert!(ka.contains("<h1>診療所の一覧（か行）</h1>") && !ka.contains("class=\"pager\""));
    let sitemap = read(&b.out, "sitemap.xml");
    assert!(sitemap.contains("providers/category/clinic/a/2/</loc>"));
}

#[test]
fn the_home_page_lists_at_most_30_consultation_windows_and_links_to_the_rest() {
    let yaml: String = (0..31)
        .map(|i| {
            record(
                &format!("w{i:02}"),
                &format!("相談窓口{i:02}"),
                "そうだんまどぐち",
            )
            .replace("category: clinic", "category: houkatsu")
        })
        .collect();
    let site = small_site(&[("content/providers/w.yaml", &yaml)]);
    let b = build_site(site.path(), &["--no-minify"]);
    let home = read(&b.out, "index.html");
    assert!(
        home.contains("相談窓口29") && !home.contains("相談窓口30"),
        "{home}"
    );
    assert!(home.contains("ほかの相談窓口もさがす"), "{home}");
}

#[test]
fn every_page_carries_exactly_one_content_security_policy() {
    let out = &sample().out;
    for f in html_files(out) {
        let html = std::fs::read_to_string(&f).unwrap();
        assert_eq!(
            html.matches("Content-Security-Policy").count(),
            1,
            "{}",
            f.display()
        );
        // No third-party origin without a configured tile server.
        let start = html.find("Content-Security-Policy").unwrap();
        let policy = &html[start..start + html[start..].find('>').unwrap()];
        assert!(!policy.contains("http"), "{}: {policy}", f.display());
    }
}
