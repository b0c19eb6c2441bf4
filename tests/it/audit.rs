//! `tsunagu audit`: axe-core in real Chromium over the built site, the public policy and
//! results pages it writes (which pass axe-core themselves), the staff's report kept out
//! of the published folder, a planted violation reported as 不適合 for its criterion, the
//! same input giving the same record, and results by eye from site.toml.

use crate::common;

use std::path::{Path, PathBuf};

use scraper::{Html, Selector};

fn audit(site: &Path, extra: &[&str]) -> (i32, String) {
    let mut args: Vec<std::ffi::OsString> = vec![
        "audit".into(),
        "--root".into(),
        site.into(),
        "--date".into(),
        "2026-11-30".into(),
        "--chromium".into(),
        common::CHROMIUM.into(),
    ];
    args.extend(extra.iter().map(Into::into));
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    common::run(&refs)
}

fn read(p: impl AsRef<Path>) -> String {
    std::fs::read_to_string(p.as_ref()).unwrap_or_else(|e| panic!("{}: {e}", p.as_ref().display()))
}

/// Criterion id → (result, machine finding) from the results page's table.
fn table(html: &str) -> Vec<(String, String, String)> {
    let doc = Html::parse_document(html);
    let row = Selector::parse("table.audit-table tbody tr").unwrap();
    let cell = Selector::parse("th, td").unwrap();
    doc.select(&row)
        .map(|r| {
            let cells: Vec<String> = r
                .select(&cell)
                .map(|c| c.text().collect::<String>())
                .collect();
            (cells[0].clone(), cells[3].clone(), cells[4].clone())
        })
        .collect()
}

fn result_of<'a>(rows: &'a [(String, String, String)], id: &str) -> &'a str {
    &rows
        .iter()
        .find(|r| r.0 == id)
        .unwrap_or_else(|| panic!("no row {id}"))
        .1
}

fn town_copy() -> tempfile::TempDir {
    let town = common::root().join("tests/second-town");
    let dir = tempfile::tempdir().unwrap();
    for f in common::files(&town) {
        let to = dir.path().join(f.strip_prefix(&town).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap();
    }
    dir
}

fn axe_clean(site: &Path, pages: &[&str]) {
    let served = common::serve_site(site, &[]);
    let browser = common::browser(1280);
    let tab = common::tab(&browser);
    let axe = common::axe_source();
    for p in pages {
        common::goto(&tab, &format!("{}{p}", served.base));
        let v = common::axe_violations(&tab, &axe);
        assert!(v.is_empty(), "{p}: {v:?}");
    }
}

#[test]
fn audit_of_the_sample_publishes_the_policy_and_results_pages_which_pass_axe() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    common::copy_sample(site);
    let (code, out) = audit(site, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("試験しました: 42 ページ（サイト全体 127 ページ）"),
        "{out}"
    );

    // The record: over 100 pages, so one page of each kind and the rest at random.
    let record: serde_json::Value =
        serde_json::from_str(&read(site.join("audit/results.json"))).unwrap();
    assert_eq!(record["method"], "representative_and_random");
    assert_eq!(record["tool"], "axe-core 4.14.1");
    let pages = record["pages"].as_array().unwrap();
    assert_eq!(pages.len(), 42);
    let kinds: std::collections::BTreeSet<&str> =
        pages.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    for k in [
        "トップページ",
        "記事のページ",
        "案内ページ（目次）",
        "事業所のページ",
        "種類ごとの事業所一覧",
        "地域ごとの事業所一覧",
        "サービスごとの事業所一覧",
        "事業所をさがす",
        "サイト内検索",
        "エンディングノート",
        "出前講座のスライド",
        "出前講座の配布資料",
        "印刷用ガイド",
        "オープンデータ",
        "ページが見つからないときのページ",
        "アクセシビリティ方針",
        "アクセシビリティ試験結果",
    ] {
        assert!(kinds.contains(k), "no {k} among {kinds:?}");
    }
    assert!(pages.iter().all(|p| p["problems"] == 0), "{pages:?}");
    assert!(
        pages
            .iter()
            .filter(|p| p["representative"] == false)
            .count()
            >= 15,
        "at least 15 pages at random"
    );

    // The public pages.
    let public = site.join("public");
    let policy = read(public.join("accessibility/index.html"));
    for want in [
        "ウェブアクセシビリティ方針",
        "対象とする範囲",
        "適合レベル AA に準拠することを目標",
        "方針を定めた日",
        "accessibility/results/",
    ] {
        assert!(policy.contains(want), "policy lacks {want}");
    }
    let results = read(public.join("accessibility/results/index.html"));
    for want in [
        "JIS X 8341-3:2016",
        "令和8年11月30日",
        "42 ページ（このサイトの 127 ページのうち）",
        "axe-core 4.14.1",
        "目で見て確かめる項目",
    ] {
        assert!(results.contains(want), "results lack {want}");
    }
    let rows = table(&results);
    assert_eq!(rows.len(), 38);
    // Nothing is called 適合 that a machine cannot decide; no audio or video: 1.2 該当なし.
    let conforms: Vec<&str> = rows
        .iter()
        .filter(|r| r.1 == "適合")
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(conforms, ["3.1.1"]);
    for id in ["1.2.1", "1.2.2", "1.2.3", "1.2.4", "1.2.5", "1.4.2"] {
        assert_eq!(result_of(&rows, id), "該当なし");
    }
    assert!(rows.iter().all(|r| r.1 != "不適合"), "{rows:?}");
    assert_eq!(rows.iter().filter(|r| r.1 == "目視で確認").count(), 31);
    assert!(results.contains("対応度（準拠・一部準拠）はまだ示していません"));
    // Every page's footer leads to the policy.
    assert!(
        read(public.join("index.html")).contains("accessibility/\">ウェブアクセシビリティ方針")
    );

    // The staff's report stays in the site's folder, never in the published one.
    let report = read(site.join("audit/report.html"));
    assert!(report.contains("目で見て確かめる項目"));
    assert!(report.contains("機械による試験で見つかった問題はありません"));
    for f in common::files(&public) {
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            name != "results.json" && name != "report.html",
            "{}",
            f.display()
        );
    }

    // The two pages pass axe-core in a fresh browser too.
    axe_clean(site, &["accessibility/", "accessibility/results/"]);

    // Results by eye from site.toml: a machine 問題なし becomes 適合; a failure stays.
    let toml = read(site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[accessibility.by_eye]\n\"1.3.1\" = \"適合\"\n\"2.4.5\" = \"不適合\"\n"),
    )
    .unwrap();
    let out_dir = dir.path().join("again");
    common::build_ok(site, &out_dir, &[]);
    let rows = table(&read(out_dir.join("accessibility/results/index.html")));
    assert_eq!(result_of(&rows, "1.3.1"), "適合");
    assert_eq!(result_of(&rows, "2.4.5"), "不適合");
}

#[test]
fn a_planted_violation_makes_the_results_page_say_fails_for_its_criterion() {
    let dir = town_copy();
    let site = dir.path();
    let toml = read(site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[markdown]\nallow_html = true\n"),
    )
    .unwrap();
    std::fs::write(
        site.join("content/annai/shashin.md"),
        "---\ntitle: 窓口の写真\n---\n\n窓口の写真です。\n\n<p><img src=\"../madoguchi.png\" width=\"40\" height=\"30\"></p>\n",
    )
    .unwrap();
    std::fs::write(site.join("content/annai/madoguchi.png"), common::TILE_PNG).unwrap();
    let (code, out) = audit(site, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("不適合 1・"), "{out}");
    assert!(out.contains("audit/report.html"), "{out}");
    let record = read(site.join("audit/results.json"));
    let parsed: serde_json::Value = serde_json::from_str(&record).unwrap();
    // A small site is tested whole.
    assert_eq!(parsed["method"], "all");
    assert_eq!(
        parsed["pages"].as_array().unwrap().len(),
        parsed["site_pages"].as_u64().unwrap() as usize
    );
    let planted = parsed["pages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["path"] == "annai/shashin/")
        .expect("the planted page was tested");
    assert_eq!(planted["problems"], 1);

    let results = read(site.join("public/accessibility/results/index.html"));
    let rows = table(&results);
    assert_eq!(result_of(&rows, "1.1.1"), "不適合");
    // The page itself, and the printed guide that includes it.
    let failing: Vec<&str> = parsed["pages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["problems"] != 0)
        .map(|p| p["path"].as_str().unwrap())
        .collect();
    assert_eq!(failing, ["annai/shashin/", "guide/sasae/print/"]);
    let machine = &rows.iter().find(|r| r.0 == "1.1.1").unwrap().2;
    assert_eq!(machine, "問題あり（2 ページ）");
    assert!(results.contains("機械による試験で、不適合が 1 項目見つかりました"));
    assert!(results.contains("問題 1 件"));
    // The report says where and what, in Japanese.
    let report = read(site.join("audit/report.html"));
    assert!(report.contains("image-alt"), "{report}");
    assert!(report.contains("1.1.1 非テキストコンテンツ"));
    assert!(report.contains("/annai/shashin/"));
    assert!(report.contains("madoguchi.png"));
}

#[test]
fn bad_accessibility_settings_and_a_damaged_record_are_reported_with_their_place() {
    let dir = town_copy();
    let site = dir.path();
    let toml = read(site.join("site.toml"));
    std::fs::write(
        site.join("site.toml"),
        format!(
            "{toml}\n[accessibility]\npolicy_date = \"2026/04/01\"\n\n[accessibility.by_eye]\n\"9.9.9\" = \"適合\"\n\"1.3.1\" = \"OK\"\n"
        ),
    )
    .unwrap();
    let (code, out) = common::check(site);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("[accessibility] policy_date「2026/04/01」は日付として読めません"),
        "{out}"
    );
    assert!(
        out.contains("「9.9.9」は JIS X 8341-3:2016 の達成基準（A・AA）にありません"),
        "{out}"
    );
    assert!(
        out.contains("\"1.3.1\" の「OK」は結果として読めません"),
        "{out}"
    );
    let lines = toml.lines().count();
    assert!(out.contains(&format!("site.toml:{}:", lines + 3)), "{out}");

    std::fs::write(site.join("site.toml"), &toml).unwrap();
    std::fs::create_dir_all(site.join("audit")).unwrap();
    std::fs::write(
        site.join("audit/results.json"),
        "{\n  \"date\": \"2026-11-30\",\n  oops\n}",
    )
    .unwrap();
    let (code, out) = common::check(site);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("audit/results.json:3:"), "{out}");
    assert!(
        out.contains("tsunagu audit をもう一度実行してください"),
        "{out}"
    );
    // A record over a year old is named; its page is still published.
    std::fs::write(
        site.join("audit/results.json"),
        r#"{"date": "2025-04-01", "tool": "axe-core 4.14.1", "browser": "Chrome", "method": "all",
           "seed": 1, "site_pages": 1, "pages": [], "criteria": []}"#,
    )
    .unwrap();
    let (code, out) = common::check(site);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("アクセシビリティの試験（2025-04-01）から1年以上たっています"),
        "{out}"
    );
    common::build_ok(site, &site.join("public"), &[]);
    let rows = table(&read(site.join("public/accessibility/results/index.html")));
    assert!(
        rows.iter().all(|r| r.1 == "目視で確認" || r.1 == "適合"),
        "{rows:?}"
    );
    // Without a record the policy page is still built, and no results page.
    std::fs::remove_file(site.join("audit/results.json")).unwrap();
    let out_dir: PathBuf = site.join("public");
    common::build_ok(site, &out_dir, &[]);
    assert!(
        read(out_dir.join("accessibility/index.html")).contains("試験の結果は、試験をしたあとに")
    );
    assert!(!out_dir.join("accessibility/results/index.html").exists());
}
