//! A second town's site (`tests/second-town/`, かすみ野町), written apart from the sample:
//! another town, vocabulary and `base_url` (with a path), and the values real data has —
//! 髙・﨑・ヶ and a variation selector in names, ヴ and ー in readings, half-width
//! katakana and full-width digits, lunch breaks and a clinic open overnight, 0120/050/090
//! numbers and a town hall reached through 内線. Every item of the "second town" issue
//! is checked here on real output: pages and PDFs built by the real binary, read in
//! Chromium and with poppler, and messages compared word for word.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chromium::Tab;

fn town() -> PathBuf {
    common::root().join("tests/second-town")
}

/// A copy of the town to edit.
fn town_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in common::files(&town()) {
        let to = dir.path().join(f.strip_prefix(town()).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap();
    }
    dir
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} has «{from}»", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

/// `tsunagu ARGS`: exit code and stderr.
fn run(args: &[&str]) -> (i32, String) {
    let args: Vec<&std::ffi::OsStr> = args.iter().map(std::ffi::OsStr::new).collect();
    common::run(&args)
}

fn check(root: &Path) -> (i32, String) {
    run(&["check", "--root", &root.to_string_lossy()])
}

/// The town built once with its own base_url, for the tests that only read it.
fn built() -> &'static Path {
    static OUT: OnceLock<tempfile::TempDir> = OnceLock::new();
    OUT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (code, err) = common::build(&town(), &dir.path().join("public"), &[]);
        assert_eq!(code, 0, "{err}");
        dir
    })
    .path()
}

fn page(rel: &str) -> String {
    std::fs::read_to_string(built().join("public").join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The printed guide, made once.
fn guide_pdf() -> &'static Path {
    static PDF: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &PDF.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let (code, err) = run(&[
            "pdf",
            "sasae",
            "--root",
            &town().to_string_lossy(),
            "--output",
            &dir.path().to_string_lossy(),
        ]);
        assert_eq!(code, 0, "{err}");
        let pdf = dir.path().join("sasae.pdf");
        (dir, pdf)
    })
    .1
}

fn pdf_text(pdf: &Path) -> String {
    common::tool(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    )
}

/// The town served at http://127.0.0.1:PORT/fukushi/zaitaku/, as it is published.
fn served() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_site_at(&town(), "fukushi/zaitaku", &[]))
}

fn open(path: &str, width: u32, height: u32) -> Tab {
    let tab = common::tab(&common::browser(width));
    common::viewport(&tab, width, height);
    common::goto(&tab, &format!("{}{path}", served().base));
    tab
}

/// The ids of the providers a finder query lists.
fn finder_finds(q: &str) -> Vec<String> {
    let tab = open(&format!("providers/find/?q={}", encode(q)), 1024, 800);
    common::wait_until(
        &tab,
        "document.getElementById('finder-status').textContent.includes('件見つかりました')",
    );
    let json = common::eval_str(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#finder-results .card-title a')].map(a => a.pathname.split('/').filter(Boolean).pop()))",
    );
    serde_json::from_str(&json).unwrap()
}

/// The ids of the providers the site search lists for `q`, and its status line.
fn search_finds(q: &str) -> (Vec<String>, String) {
    let tab = open(&format!("search/?q={}", encode(q)), 1024, 800);
    common::wait_until(
        &tab,
        "document.getElementById('search-status').textContent.includes('件')",
    );
    let json = common::eval_str(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#search-providers li > a')].map(a => a.pathname.split('/').filter(Boolean).pop()))",
    );
    let status = common::eval_str(&tab, "document.getElementById('search-status').textContent");
    (serde_json::from_str(&json).unwrap(), status)
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// One diagnostic as the terminal shows it: `severity: message`, its `┌─ file:line:col`
/// and its `= help:` line, in that order and next to each other.
#[track_caller]
fn assert_diag(stderr: &str, severity: &str, message: &str, at: &str, help: &str) {
    let head = format!("{severity}: {message}\n");
    let start = stderr
        .find(&head)
        .unwrap_or_else(|| panic!("no «{head}» in:\n{stderr}"));
    let block = &stderr[start..];
    let end = block[head.len()..]
        .find("\nerror: ")
        .or_else(|| block[head.len()..].find("\nwarning: "))
        .map_or(block.len(), |e| e + head.len());
    let block = &block[..end];
    assert!(
        block.contains(&format!("┌─ {at}\n")),
        "«{message}» is not at {at}:\n{block}"
    );
    assert!(
        block.contains(&format!("= help: {help}\n")),
        "«{message}» lacks the help «{help}»:\n{block}"
    );
}

/// 1-based line and column (in characters) of `needle` in `file`.
fn position(file: &Path, needle: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(file).unwrap();
    let line = line_of(file, needle);
    let l = text.lines().nth(line - 1).unwrap();
    (line, l[..l.find(needle).unwrap()].chars().count() + 1)
}

/// 1-based line of the first line of `file` that contains `needle`.
fn line_of(file: &Path, needle: &str) -> usize {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{} has no «{needle}»", file.display()))
        + 1
}

/// Writes one mistake into a copy of the town (`from` → `to` in `file`) and compares what
/// `check` says with `message` and `help`, at the line of `to` and column `col`.
#[track_caller]
fn assert_mistake(file: &str, from: &str, to: &str, col: usize, message: &str, help: &str) {
    let site = town_copy();
    let path = site.path().join(file);
    edit(&path, from, to);
    let line = line_of(&path, to.lines().next().unwrap());
    let (code, err) = check(site.path());
    assert_eq!(code, 1, "{err}");
    assert_diag(
        &err,
        "error",
        message,
        &format!("{file}:{line}:{col}"),
        help,
    );
    assert!(
        !err.contains("RawFront") && !err.contains("expected"),
        "no words of the program:\n{err}"
    );
}

const TWICE: &str =
    "ガイド「sasae」で「はじめに」（content/annai/hajimeni.md）が2回出てきます。1回だけ印刷します";

// ---------------------------------------------------------------------------------------

#[test]
fn the_second_town_checks_and_builds_under_its_own_path() {
    let (code, err) = check(&town());
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("警告 1 件"),
        "the chapter named twice only:\n{err}"
    );
    assert!(err.contains(TWICE), "{err}");
    let home = page("index.html");
    assert!(home.contains("href=\"/fukushi/zaitaku/css/style.css\""));
    assert!(!home.contains("/kenko/"), "nothing of the sample leaks in");
    for rel in [
        "providers/tsuji-clinic/index.html",
        "providers/category/iin/index.html",
        "providers/area/kasumigaoka/index.html",
        "providers/finder.json",
        "opendata/iryo-kikan.csv",
    ] {
        assert!(built().join("public").join(rel).is_file(), "{rel}");
    }
}

// 1. Japanese heading anchors ------------------------------------------------------------

#[test]
fn japanese_heading_anchors_lead_to_their_heading_in_the_browser() {
    let tab = open("annai/madoguchi/", 1024, 800);
    let href = common::eval_str(
        &tab,
        "[...document.querySelectorAll('main a')].find(a => a.textContent === '使い方に戻る').href",
    );
    assert!(href.ends_with("/annai/hajimeni/#%E3%81%93%E3%81%AE%E3%82%AC%E3%82%A4%E3%83%89%E3%81%AE%E4%BD%BF%E3%81%84%E6%96%B9"), "{href}");
    common::goto(&tab, &href);
    assert_eq!(
        common::eval_str(
            &tab,
            "document.querySelector(':target') && document.querySelector(':target').textContent"
        ),
        "このガイドの使い方"
    );
    // Written with the heading's question mark, the same-page link still finds it.
    let tab = open("annai/hajimeni/", 1024, 800);
    let id = common::eval_str(
        &tab,
        "decodeURIComponent([...document.querySelectorAll('main a')].find(a => a.textContent === '夜間に診てもらえる医院').hash.slice(1))",
    );
    assert_eq!(id, "夜間に診てもらえるところ");
    assert_eq!(
        common::eval(&tab, &format!("!!document.getElementById({id:?})")),
        serde_json::Value::Bool(true)
    );
}

#[test]
fn a_wrong_anchor_is_named_where_it_is_written_in_readable_japanese() {
    let site = town_copy();
    let md = site.path().join("content/annai/madoguchi.md");
    edit(&md, "#このガイドの使い方)", "#このガイドのつかい方)");
    let (line, col) = position(&md, "[使い方に戻る]");
    let (code, err) = check(site.path());
    assert_eq!(code, 1, "{err}");
    assert_diag(
        &err,
        "error",
        "リンク先のページ「annai/hajimeni.md」に見出し「#このガイドのつかい方」がありません",
        &format!("content/annai/madoguchi.md:{line}:{col}"),
        "「#このガイドの使い方」の書き間違いではありませんか。# の後には見出しの文字をそのまま書きます（リンク先のページ「annai/hajimeni.md」の見出し: #このガイドの使い方、#夜間に診てもらえるところ）",
    );
    assert!(!err.contains('%'), "no percent escapes shown:\n{err}");
    // build refuses it too, and leaves the published site as it was.
    let out = site.path().join("public");
    let (code, err2) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 1);
    assert!(
        err2.contains("「#このガイドのつかい方」がありません"),
        "{err2}"
    );
    assert!(!out.exists());
}

// 2. Links to provider pages -------------------------------------------------------------

#[test]
fn provider_links_follow_the_base_url_on_the_web_in_print_and_in_the_pdf() {
    let madoguchi = page("annai/madoguchi/index.html");
    for href in [
        "/fukushi/zaitaku/providers/kasumino-kenko/",
        "/fukushi/zaitaku/providers/area/kasumigaoka/",
        "/fukushi/zaitaku/providers/category/houkan/",
    ] {
        assert!(madoguchi.contains(&format!("href=\"{href}\"")), "{href}");
    }
    let print = page("guide/sasae/print/index.html");
    let site = "https://www.town.kasumino.example.lg.jp/fukushi/zaitaku/";
    // A link written relative to its page works in print too.
    assert!(madoguchi.contains("href=\"../../providers/hokubu-soudan/\""));
    assert!(print.contains(&format!("href=\"{site}providers/hokubu-soudan/\"")));
    assert!(print.contains(&format!("href=\"{site}providers/tsuji-clinic/\"")));
    assert!(print.contains(&format!("href=\"{site}providers/category/iin/\"")));
    let doc = lopdf::Document::load(guide_pdf()).unwrap();
    // Each link is an annotation whose action (/A) names the address (/URI).
    let uris: Vec<String> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"A").ok())
        .filter_map(|a| doc.dereference(a).ok())
        .filter_map(|(_, a)| a.as_dict().ok())
        .filter_map(|a| a.get(b"URI").ok())
        .filter_map(|u| u.as_str().ok())
        .map(|u| String::from_utf8_lossy(u).into_owned())
        .collect();
    for want in ["providers/tsuji-clinic/", "providers/kasumino-kenko/"] {
        assert!(
            uris.contains(&format!("{site}{want}")),
            "{want} in {uris:?}"
        );
    }
}

#[test]
fn build_refuses_every_link_check_calls_an_error() {
    let site = town_copy();
    let md = site.path().join("content/annai/madoguchi.md");
    edit(
        &md,
        "(@/providers/kasumino-kenko/)",
        "(/providers/kasumino-kenko/)",
    );
    let line = line_of(&md, "(/providers/kasumino-kenko/)");
    let (code, err) = check(site.path());
    assert_eq!(code, 1, "{err}");
    let message = "リンク「/providers/kasumino-kenko/」がサイトの外（base_url の外）を指しています";
    assert!(err.contains(&format!("error: {message}")), "{err}");
    assert!(
        err.contains(&format!("┌─ content/annai/madoguchi.md:{line}:")),
        "{err}"
    );
    let out = site.path().join("public");
    let (code, err) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 1, "build publishes what check refuses:\n{err}");
    assert!(err.contains(message), "{err}");
    assert!(!out.exists(), "nothing published");

    edit(
        &md,
        "(/providers/kasumino-kenko/)",
        "(@/providers/no-such-office)",
    );
    let (code, err) = check(site.path());
    assert_eq!(code, 1);
    assert!(
        err.contains("error: リンク先のページ「@/providers/no-such-office」がありません"),
        "{err}"
    );
}

// 3. Overnight hours ---------------------------------------------------------------------

#[test]
fn overnight_hours_end_the_next_morning_everywhere() {
    let clinic = page("providers/tsuji-clinic/index.html");
    assert!(clinic.contains("17:00〜翌9:00"), "the page");
    assert!(
        clinic.contains(r#""closes":"09:00""#) && clinic.contains(r#""opens":"17:00""#),
        "JSON-LD"
    );
    let takahashi = page("providers/takahashi-naika/index.html");
    assert!(takahashi.contains("9:00〜12:00") && takahashi.contains("14:00〜18:00"));
    let csv = page("opendata/iryo-kikan.csv");
    assert!(csv.contains("月火水木金 17:00-翌09:00"), "open data");
    // The printed guide's back cover lists the night line of a consultation window.
    assert!(pdf_text(guide_pdf()).contains("17:15〜翌8:30"));
}

// 4. Extensions ---------------------------------------------------------------------------

#[test]
fn extensions_are_shown_and_printed_but_never_dialled() {
    let home = page("index.html");
    assert!(
        home.contains(
            r#"<a href="tel:0479-00-0100"><span class="tel-num">0479-00-0100</span><wbr>（内線245）</a>"#
        ),
        "the town hall in the footer"
    );
    let houkatsu = page("providers/kasumino-houkatsu/index.html");
    assert!(houkatsu.contains(r#"href="tel:0479-00-0200""#));
    assert!(houkatsu.contains("0479-00-0200</span><wbr>（内線31）"));
    assert!(!houkatsu.contains("tel:0479-00-0200（"));
    let note = page("notes/watashi/index.html");
    assert!(
        note.contains("0479-00-0200（内線31）"),
        "the note's contacts"
    );
    let text = pdf_text(guide_pdf());
    assert!(text.contains("電話 0479-00-0100（内線245）"), "the imprint");
    assert!(text.contains("（内線31）"), "the back cover");
    let csv = page("opendata/kaigo-jigyosho.csv");
    assert!(
        csv.contains(",0479-00-0200,31,"),
        "内線番号 in its own column"
    );
}

#[test]
fn a_town_hall_number_with_a_bad_extension_is_explained() {
    let site = town_copy();
    let toml = site.path().join("site.toml");
    edit(&toml, "（内線 245）", "（内線 にーよんご）");
    let (code, err) = check(site.path());
    assert_eq!(code, 1);
    assert_diag(
        &err,
        "error",
        "[municipality] phone「0479-00-0100（内線 にーよんご）」の形が正しくありません",
        &format!("site.toml:{}:9", line_of(&toml, "にーよんご")),
        "半角の数字とハイフンで、市外局番から書いてください。内線は「0479-00-0100（内線 245）」のように後ろに書けます",
    );
}

// 5 and 6. Search and the finder ------------------------------------------------------------

#[test]
fn the_site_search_finds_providers_by_name_reading_and_kind() {
    let (found, status) = search_finds("ＡＢＣ訪問看護");
    assert_eq!(found, ["abc-houkan"], "{status}");
    assert!(status.contains("事業所 1 件"), "{status}");
    let (found, _) = search_finds("ケアマネジャー");
    assert_eq!(found, ["villa-care"]);
    let (found, _) = search_finds("えーびーしー");
    assert_eq!(found, ["abc-houkan"], "by the reading typed in hiragana");
}

#[test]
fn variant_kanji_and_place_name_kana_find_each_other_both_ways() {
    for q in ["高橋", "髙橋"] {
        assert_eq!(finder_finds(q), ["takahashi-naika"], "{q}");
    }
    for q in ["山崎歯科", "山﨑歯科"] {
        assert_eq!(finder_finds(q), ["yamazaki-shika"], "{q}");
    }
    for q in ["霞ケ丘薬局", "霞ヶ丘薬局"] {
        assert_eq!(finder_finds(q), ["kasumigaoka-yakkyoku"], "{q}");
    }
    for q in ["辻クリニック", "辻\u{E0100}クリニック"] {
        assert_eq!(finder_finds(q), ["tsuji-clinic"], "{q}");
    }
    // A street written 霞ケ丘 in one address and 霞ヶ丘 in others: all are found.
    let all = finder_finds("霞ケ丘");
    assert!(
        all.contains(&"villa-care".to_string()) && all.contains(&"takahashi-naika".to_string()),
        "{all:?}"
    );
    let (found, _) = search_finds("高橋");
    assert_eq!(found, ["takahashi-naika"], "the site search folds alike");
}

// 7. Furigana in a table -------------------------------------------------------------------

#[test]
fn furigana_in_a_table_cell_keeps_the_phone_number_in_its_row() {
    let tab = open("annai/madoguchi/", 1024, 800);
    let cells = common::eval_str(
        &tab,
        "JSON.stringify([...document.querySelectorAll('main table tbody tr')].map(tr => [...tr.cells].map(td => td.textContent)))",
    );
    let rows: Vec<Vec<String>> = serde_json::from_str(&cells).unwrap();
    assert_eq!(
        rows,
        [
            ["健康福祉課けんこうふくしか", "0479-00-0100（内線245）"],
            [
                "地域包括支援ちいきほうかつしえんセンター",
                "0479-00-0200（内線31）"
            ]
        ]
    );
    let text = pdf_text(guide_pdf());
    assert!(
        text.lines()
            .any(|l| l.contains("健康福祉課") && l.contains("0479-00-0100（内線245）")),
        "the row is whole in the PDF"
    );
}

// 8. init and the built-in theme ----------------------------------------------------------------

#[test]
fn init_makes_only_what_staff_edit_and_old_copies_of_the_theme_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("newtown");
    let (code, err) = run(&["init", &site.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let made: Vec<String> = common::files(&site)
        .iter()
        .map(|f| {
            f.strip_prefix(&site)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    assert_eq!(
        made,
        [
            "content/_index.md",
            "content/providers/.keep",
            "site.toml",
            "static/.keep",
            "templates/README.md"
        ]
    );
    let (code, err) = common::build(&site, &site.join("public"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(site.join("public/css/style.css").is_file());

    // A site made by the old init: the whole theme copied, one file changed since.
    let theme = common::root().join("themes/default");
    let copied = common::files(&theme);
    for f in &copied {
        let to = site
            .join("themes/default")
            .join(f.strip_prefix(&theme).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(f, &to).unwrap();
    }
    let css = site.join("themes/default/static/css/style.css");
    let mine = format!(
        "{}\n.mine {{ color: #000; }}\n",
        std::fs::read_to_string(&css).unwrap()
    );
    std::fs::write(&css, &mine).unwrap();
    let (code, err) = check(&site);
    assert_eq!(code, 0, "{err}");
    let same = copied.len() - 1;
    assert!(
        err.contains(&format!(
            "themes/default: warning: themes/default の {same} 個のファイルは tsunagu に組み込みのテーマと同じです: "
        )),
        "{err}"
    );
    assert!(
        err.contains("(古い tsunagu init が写したものです。同じファイルだけを消し、自分で変えた 1 個は残してください。見た目は変わらず、tsunagu を新しくしたときのテーマの直しがこのサイトにも届くようになります)"),
        "{err}"
    );
    // Deleting the identical files changes nothing but the warning.
    for f in common::files(&site.join("themes/default")) {
        if f != css {
            std::fs::remove_file(f).unwrap();
        }
    }
    let (code, err) = common::build(&site, &site.join("public"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("組み込みのテーマと同じ"), "{err}");
    let published = std::fs::read_to_string(site.join("public/css/style.css")).unwrap();
    assert!(
        published.contains(".mine"),
        "the changed file is still used"
    );
    assert!(
        site.join("public/js/finder.js").is_file(),
        "the rest is built in"
    );
}

// 9. Nothing internal in the published folder ---------------------------------------------------

#[test]
fn confirmation_sheets_never_go_into_a_published_folder() {
    let site = town_copy();
    let out = site.path().join("public");
    assert_eq!(common::build(site.path(), &out, &[]).0, 0);
    for target in [out.clone(), out.join("kakunin")] {
        let (code, err) = run(&[
            "stale",
            "--root",
            &site.path().to_string_lossy(),
            "--output",
            &target.to_string_lossy(),
        ]);
        assert_eq!(code, 1, "{err}");
        assert!(
            err.contains("」には書き出せません: 公開用に書き出したサイト（"),
            "{err}"
        );
    }
    assert!(!out.join("stale.csv").exists() && !out.join("kakunin").exists());
    // Files put there by hand (or by an old tsunagu) go with the next build.
    std::fs::write(out.join("stale.csv"), "id\n").unwrap();
    std::fs::create_dir_all(out.join("confirm")).unwrap();
    std::fs::write(out.join("confirm/kasumino-byoin.html"), "x").unwrap();
    std::fs::write(out.join("providers/memo.txt"), "x").unwrap();
    let (code, err) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.join("stale.csv").exists(), "{err}");
    assert!(!out.join("confirm").exists(), "{err}");
    assert!(!out.join("providers/memo.txt").exists(), "{err}");
    assert!(out.join("index.html").is_file());
    // Twice more, as the next builds start from the site kept beside the output.
    for n in 0..2 {
        std::fs::write(out.join(format!("extra-{n}.txt")), "x").unwrap();
        std::fs::write(out.join("providers/memo.txt"), "x").unwrap();
        let md = site.path().join("content/annai/hajimeni.md");
        let text = std::fs::read_to_string(&md).unwrap();
        std::fs::write(&md, format!("{text}\n改訂 {n} 回目。\n")).unwrap();
        let (code, err) = common::build(site.path(), &out, &[]);
        assert_eq!(code, 0, "{err}");
        assert!(!out.join(format!("extra-{n}.txt")).exists(), "{n}: {err}");
        assert!(!out.join("providers/memo.txt").exists(), "{n}: {err}");
    }
}

// 10. Messages staff can act on -----------------------------------------------------------

#[test]
fn yaml_mistakes_are_named_on_their_own_line() {
    let cases = [
        (
            "  name: 髙橋内科医院",
            "  name 髙橋内科医院",
            7,
            "「name」の後にコロン「:」がありません",
            "項目名の後に半角のコロンと空白を入れて「name: 値」と書いてください",
        ),
        (
            "  kana: たかはしないかいいん",
            "  kana：たかはしないかいいん",
            7,
            "「kana」の後のコロンが全角の「：」です",
            "半角のコロンと空白で「kana: 値」と書いてください",
        ),
        (
            "  address: かすみ野町霞ヶ丘2丁目3番4号",
            "　address: かすみ野町霞ヶ丘2丁目3番4号",
            1,
            "字下げに全角スペース「　」が使われています",
            "行頭の空白は半角スペースで書いてください（全角スペースは字下げになりません）",
        ),
    ];
    for (from, to, col, message, help) in cases {
        assert_mistake("content/providers/iryo.yaml", from, to, col, message, help);
    }
}

#[test]
fn front_matter_mistakes_are_explained_without_program_words() {
    let cases = [
        (
            "title: はじめに",
            "title はじめに",
            6,
            "「title」の後にコロン「:」がありません",
            "項目名の後に半角のコロンと空白を入れて「title: 値」と書いてください",
        ),
        (
            "title: はじめに\nweight: 1",
            "- title: はじめに\n- weight: 1",
            1,
            "front matter は「項目名: 値」の形で書いてください",
            "例: 「title: ページの題名」。「---」の行ではさんで、ファイルの先頭に書きます",
        ),
        (
            "weight: 1",
            "wieght: 1",
            1,
            "front matter に知らない項目「wieght」があります",
            "「weight」の書き間違いではありませんか。front matter に書ける項目: title, description, date, weight, draft, template, extra, easy（_index.md では sort_by も、講座では lecture も）",
        ),
    ];
    for (from, to, col, message, help) in cases {
        assert_mistake("content/annai/hajimeni.md", from, to, col, message, help);
    }
}

#[test]
fn site_toml_mistakes_say_what_to_write() {
    let cases = [
        (
            "stale_after_days = 730",
            "stale_after_day = 730",
            1,
            "site.toml に知らない項目「stale_after_day」があります",
            "「stale_after_days」の書き間違いではありませんか。ここに書ける項目: title, description, base_url, language, theme, stale_after_days, minify, list_page_size, feed_section, municipality, municipalities, markdown, map, finder, readability, accessibility, categories, areas, services, guides, pdf, opendata, import",
        ),
        (
            "code = \"129992\"",
            "code = \"129993\"",
            8,
            "全国地方公共団体コード「129993」の最後の1桁（検査数字）が合いません",
            "前の5桁「12999」が正しければ、コードは「129992」です。総務省の「全国地方公共団体コード」の一覧で、市区町村の6桁のコード（最後の1桁は検査数字）を確かめてください",
        ),
        (
            "title = \"かすみ野町",
            "title ＝ \"かすみ野町",
            7,
            "site.toml で全角の「＝」が使われています",
            "項目名と値の間は半角の「=」にしてください（例: title = \"…\"）",
        ),
    ];
    for (from, to, col, message, help) in cases {
        assert_mistake("site.toml", from, to, col, message, help);
    }
}

// 11. Half-width katakana and full-width digits -------------------------------------------------

#[test]
fn readings_and_numbers_typed_in_other_widths_read_as_meant() {
    let abc = page("providers/abc-houkan/index.html");
    assert!(
        abc.contains("えーびーしーほうもんかんごすてーしょん"),
        "the reading"
    );
    assert!(
        abc.contains(
            r#"<a href="tel:090-0000-1111"><span class="tel-num">090-0000-1111</span></a>"#
        )
    );
    assert!(abc.contains("289-0202"));
    // Listed under あ行 in its area's list, not under その他.
    let list = page("providers/area/nanbu/index.html");
    let a = list.find("aria-labelledby=\"row-1\"").unwrap();
    let abc = list.find("ＡＢＣ訪問看護ステーション").unwrap();
    assert!(a < abc && abc < list.find("aria-labelledby=\"row-2\"").unwrap());
    // ヴ of a reading sorts with う.
    let villa = page("providers/villa-care/index.html");
    assert!(villa.contains("ゔぃら・けあせんたー"));

    // A hyphen typed as the long-vowel mark could mean something else: said aloud.
    let site = town_copy();
    let yaml = site.path().join("content/providers/iryo.yaml");
    edit(&yaml, "phone: 0479-00-2222", "phone: 0479ー00ー2222");
    let line = line_of(&yaml, "0479ー00ー2222");
    let (code, err) = check(site.path());
    assert_eq!(code, 0, "{err}");
    assert_diag(
        &err,
        "warning",
        "電話番号「0479ー00ー2222」を「0479-00-2222」と読みました",
        &format!("content/providers/iryo.yaml:{line}:10"),
        "読み方が正しいか確かめて、半角の数字とハイフン（-）で書き直してください",
    );
}

// 12. The same office twice -------------------------------------------------------------------

#[test]
fn an_import_updates_an_office_in_whichever_file_holds_it() {
    let site = town_copy();
    let csv = site.path().join("iryo-kikan-2026.csv");
    std::fs::write(
        &csv,
        "医療機関コード,名称,名称_カナ,医療機関の種類,住所,電話番号,内線番号\n\
         1234567,かすみ野町立病院,カスミノチョウリツビョウイン,病院,かすみ野町新田100番地,0479-00-3000,12\n\
         7654321,霞ヶ丘こどもクリニック,カスミガオカコドモクリニック,診療所,かすみ野町霞ヶ丘3丁目1番,0479-00-6000,5\n",
    )
    .unwrap();
    let (code, err) = run(&[
        "import",
        "--root",
        &site.path().to_string_lossy(),
        &csv.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let iryo = std::fs::read_to_string(site.path().join("content/providers/iryo.yaml")).unwrap();
    assert_eq!(iryo.matches("かすみ野町立病院").count(), 1);
    assert!(iryo.contains("phone: 0479-00-3000（内線12）"), "{iryo}");
    let added = std::fs::read_to_string(site.path().join("content/providers/iryo-kikan-2026.yaml"))
        .unwrap();
    assert!(!added.contains("かすみ野町立病院"), "{added}");
    assert!(added.contains("phone: 0479-00-6000（内線5）"), "{added}");
    let (code, err) = check(site.path());
    assert_eq!(code, 0, "{err}");
    // The same CSV again changes nothing and adds nothing.
    let (code, err) = run(&[
        "import",
        "--root",
        &site.path().to_string_lossy(),
        &csv.to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("追加 0 件、更新 0 件、変更なし 2 件"), "{err}");
}

#[test]
fn check_names_both_places_of_one_office_written_twice() {
    let site = town_copy();
    let iryo = site.path().join("content/providers/iryo.yaml");
    let kaigo = site.path().join("content/providers/kaigo.yaml");
    let madoguchi = site.path().join("content/providers/madoguchi.yaml");
    let mut text = std::fs::read_to_string(&kaigo).unwrap();
    text.push_str(
        "\n- id: kasumino-byoin-copy\n  name: かすみ野町立病院\n  kana: かすみのちょうりつびょういん\n  category: byoin\n  area: nanbu\n  address: かすみ野町新田100番地\n  phone: 0479-00-3999\n  office_code: \"1234567\"\n  updated: 2026-10-01\n",
    );
    std::fs::write(&kaigo, &text).unwrap();
    let mut text = std::fs::read_to_string(&madoguchi).unwrap();
    text.push_str(
        "\n- id: kenko-again\n  name: かすみ野町役場 健康福祉課\n  kana: かすみのちょうやくばけんこうふくしか\n  category: madoguchi\n  area: kasumigaoka\n  address: かすみ野町霞ヶ丘1番地\n  phone: 0479-00-0100\n  updated: 2026-10-01\n",
    );
    std::fs::write(&madoguchi, &text).unwrap();
    let (code, err) = check(site.path());
    assert_eq!(code, 1, "{err}");
    let first = line_of(&iryo, "- id: kasumino-byoin");
    let second = line_of(&kaigo, "- id: kasumino-byoin-copy");
    assert_diag(
        &err,
        "error",
        &format!(
            "「かすみ野町立病院」（id: kasumino-byoin-copy）は content/providers/iryo.yaml:{first}（id: kasumino-byoin）と同じ事業所番号「1234567」です"
        ),
        &format!("content/providers/kaigo.yaml:{second}:1"),
        "同じ事業所が2回書かれています。どちらか一方の記録を消してください（取り込みで別のファイルに入ったときは、古い方を消します）",
    );
    let kenko = line_of(&madoguchi, "- id: kasumino-kenko");
    let again = line_of(&madoguchi, "- id: kenko-again");
    assert_diag(
        &err,
        "warning",
        &format!(
            "「かすみ野町役場 健康福祉課」（id: kenko-again）は content/providers/madoguchi.yaml:{kenko}（id: kasumino-kenko）と名前も電話番号も同じです"
        ),
        &format!("content/providers/madoguchi.yaml:{again}:1"),
        "同じ事業所を2回書いていないか確かめてください（別の事業所なら、そのままでかまいません）",
    );
}

// 13. A chapter named twice ---------------------------------------------------------------------

#[test]
fn a_chapter_named_twice_is_printed_once() {
    let print = page("guide/sasae/print/index.html");
    assert_eq!(print.matches(">はじめに</h1>").count(), 1, "one chapter");
    let toc = &print[print.find(">もくじ</h1>").unwrap()..];
    let toc = &toc[..toc.find("</nav>").unwrap()];
    assert_eq!(toc.matches(">はじめに<").count(), 1, "one line in もくじ");
    let text = pdf_text(guide_pdf());
    assert_eq!(text.matches("このガイドの使い方").count(), 1);
}

// 14. Smaller things -----------------------------------------------------------------------------

#[test]
fn on_a_phone_the_finder_shows_the_count_and_first_results_in_the_first_screen() {
    let tab = open("providers/find/", 390, 844);
    common::wait_until(
        &tab,
        "document.querySelector('#finder-results .card') !== null",
    );
    let top = |sel: &str| {
        common::eval(
            &tab,
            &format!("document.querySelector('{sel}').getBoundingClientRect().bottom"),
        )
        .as_f64()
        .unwrap()
    };
    assert!(top("#finder-status") < 844.0);
    assert!(top("#finder-results .card .card-title") < 844.0);
    assert_eq!(
        common::eval(&tab, "document.getElementById('finder-filters').open"),
        serde_json::Value::Bool(false),
        "the conditions are folded away"
    );
    // Opened, every condition is there; on a wide screen they are open from the start.
    common::eval(
        &tab,
        "document.querySelector('#finder-filters summary').click(); true",
    );
    assert_eq!(
        common::eval(
            &tab,
            "document.getElementById('f-service-ninchisho').offsetParent !== null"
        ),
        serde_json::Value::Bool(true)
    );
    let wide = open("providers/find/", 1280, 900);
    assert_eq!(
        common::eval(&wide, "document.getElementById('finder-filters').open"),
        serde_json::Value::Bool(true)
    );
    // The hint's example comes from this town's own data, not from the sample city.
    let hint = common::eval_str(&wide, "document.getElementById('f-q-hint').textContent");
    assert!(hint.contains("例: 桜ヶ丘、霞ヶ丘"), "{hint}");
}

#[test]
fn check_shows_warnings_beside_link_errors() {
    let site = town_copy();
    edit(
        &site.path().join("content/annai/madoguchi.md"),
        "(@/providers/category/houkan)",
        "(../providers/category/houkan/)",
    );
    let (code, err) = check(site.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("のページがありません"), "{err}");
    assert!(err.contains(TWICE), "the warning is not hidden:\n{err}");
}

#[test]
fn consultation_windows_follow_the_areas_order_of_site_toml_everywhere() {
    let order = [
        "かすみ野町地域包括支援センター",
        "かすみ野町役場 健康福祉課",
        "北部ふれあい相談所",
    ];
    let at = |text: &str| -> Vec<usize> { order.iter().map(|n| text.find(n).unwrap()).collect() };
    let sorted = |v: Vec<usize>| v.windows(2).all(|w| w[0] < w[1]);
    let home = page("index.html");
    let windows = &home[home.find("困ったときの相談窓口").unwrap()..];
    assert!(sorted(at(windows)), "home page");
    let note = page("notes/watashi/index.html");
    assert!(sorted(at(&note)), "ending note");
    let text = pdf_text(guide_pdf());
    let back = &text[text.rfind("困ったときの相談窓口").unwrap()..];
    assert!(sorted(at(back)), "guide back cover:\n{back}");
}

#[test]
fn no_line_of_a_pdf_starts_with_a_small_kana_or_a_long_vowel_mark() {
    let site = town_copy();
    let md = site.path().join("content/annai/hajimeni.md");
    let mut text = std::fs::read_to_string(&md).unwrap();
    text.push_str("\n## ことばの練習\n\n");
    text.push_str(&"カッーキャーシュッ".repeat(90));
    text.push('\n');
    std::fs::write(&md, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, err) = run(&[
        "pdf",
        "sasae",
        "--root",
        &site.path().to_string_lossy(),
        "--output",
        &out.path().to_string_lossy(),
    ]);
    assert_eq!(code, 0, "{err}");
    let text = pdf_text(&out.path().join("sasae.pdf"));
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim_start)
        .filter(|l| l.contains("ッ") && l.chars().all(|c| "カッーキャシュ".contains(c)))
        .collect();
    assert!(
        lines.len() >= 3,
        "the practice paragraph runs over lines: {lines:?}"
    );
    for l in lines {
        let first = l.chars().next().unwrap();
        assert!(
            !"ッーャュ".contains(first),
            "a line starts with {first}: {l}"
        );
    }
}

#[test]
fn each_symbol_means_one_thing_in_a_printed_table() {
    let print = page("guide/sasae/print/index.html").replace("class=\"mark\"", "class=mark");
    // The day service offers all eight services: eight different marks, none of them
    // one of the accepting column's.
    let day = &print[print.find(">デイサービス</h1>").unwrap()..];
    let day = &day[..day.find("</section>").unwrap()];
    // The legend is the table's foot, printed at the foot of every page the table is on.
    let legend = &day[day.find("<tfoot>").unwrap()..];
    let legend = &legend[legend.find("対応サービス").unwrap()..];
    let legend = &legend[..legend.find("受入状況").unwrap()];
    let marks: Vec<&str> = legend
        .split("<span class=mark>")
        .skip(1)
        .map(|s| s.split('<').next().unwrap())
        .collect();
    assert_eq!(marks.len(), 8, "{legend}");
    let mut unique = marks.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), 8, "{marks:?}");
    for m in &marks {
        assert!(
            !["○", "△", "×", "－"].contains(m),
            "{m} is also an accepting mark"
        );
    }
    assert!(legend.contains("認知症の相談"));
}
