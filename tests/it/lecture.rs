//! Lectures (出前講座): one Markdown file → slides, handout and speaker's copy. Checked on
//! the built files, in Debian's headless Chromium (keyboard and click navigation), and as
//! printed PDFs read back with poppler.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use chromium::Tab;

use common::tool;

const DECK: &str = "lectures/zaitaku-iryo/";

fn served() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_sample(&["--no-minify"]))
}

fn built(rel: &str) -> String {
    std::fs::read_to_string(
        served()
            .dir
            .path()
            .join("public")
            .join(rel)
            .join("index.html"),
    )
    .unwrap()
}

/// Slides in a lecture file: the body after the front matter, split at `---` lines.
fn slides_in(file: &str) -> usize {
    let body = file.splitn(3, "---\n").nth(2).unwrap();
    body.split("\n---\n").count()
}

#[test]
fn one_markdown_file_gives_a_deck_a_handout_and_a_speakers_copy() {
    let src =
        std::fs::read_to_string(common::root().join("content/lectures/zaitaku-iryo.md")).unwrap();
    let content_slides = slides_in(&src);
    let deck = built(DECK);
    // A title slide from the front matter, then one per part of the file.
    assert_eq!(
        deck.matches("<section class=\"slide").count(),
        content_slides + 1
    );
    assert!(
        deck.contains("北山町コミュニティセンター 2階 会議室")
            && deck.contains("講師　みどり市在宅医療・介護連携相談支援室")
    );
    assert!(
        deck.contains("<ruby>訪問診療<rt>ほうもんしんりょう</rt></ruby>"),
        "furigana"
    );
    assert!(deck.contains("<table>"), "tables");
    assert!(
        deck.contains("src=\"data:image/svg+xml;base64,"),
        "images are inlined"
    );
    // Speaker notes never reach the slides or the handout, only the speaker's copy.
    let note = "会場の様子をつかむ";
    assert!(!deck.contains(note));
    assert!(!built(&format!("{DECK}handout/")).contains(note));
    assert!(built(&format!("{DECK}speaker/")).contains(note));
    // Self-contained: nothing to fetch, so it works from a USB stick.
    for page in [
        deck.clone(),
        built(&format!("{DECK}handout/")),
        built(&format!("{DECK}speaker/")),
    ] {
        assert!(page.contains("default-src 'none'"));
        assert!(
            !page.contains("<link rel=\"stylesheet\"") && !page.contains("<script src"),
            "external files"
        );
        assert!(
            !page.contains("src=\"http") && !page.contains("src=\"/"),
            "external images"
        );
    }
}

#[test]
fn live_data_slides_list_current_providers_of_the_audiences_area() {
    let deck = built(DECK);
    let live = deck
        .split("北部圏域で訪問診療をしている医療機関</h2>")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    // Every provider doing 訪問診療 in the north, and nobody from elsewhere.
    for name in ["北山内科医院", "北山記念病院", "さくら台診療所"] {
        assert!(live.contains(name), "{name} missing from the live slide");
    }
    assert!(
        !live.contains("本町内科クリニック") && !live.contains("南浜"),
        "other areas leaked in"
    );
    let handout = built(&format!("{DECK}handout/"));
    assert!(
        handout.contains("問い合わせ: みどり市北部地域包括支援センター 電話 0990-10-2002"),
        "contact window of the area"
    );
    // The six-up handout of the other lecture.
    let six = built("lectures/shukatsu/handout/");
    assert!(six.contains("class=\"handout per-6\""));
    assert!(
        !six.contains("class=\"lines\""),
        "note lines only on the 3-up handout"
    );
}

fn visible(tab: &Tab) -> Vec<String> {
    let v = common::eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('.slide')].filter(s => s.offsetParent !== null).map(s => s.id))",
    );
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

fn counter(tab: &Tab) -> String {
    common::eval(tab, "document.getElementById('counter').textContent")
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn the_deck_is_driven_by_keyboard_and_click_and_readable_without_javascript() {
    let b = common::browser(1280);
    let tab = common::tab(&b);
    common::goto(&tab, &format!("{}{DECK}", served().base));
    common::wait_for(&tab, "#controls:not([hidden])");
    let total = common::eval(&tab, "document.querySelectorAll('.slide').length")
        .as_u64()
        .unwrap();
    assert_eq!(visible(&tab), ["s-1"]);
    assert_eq!(counter(&tab), format!("1 / {total}"));
    tab.press_key("ArrowRight").unwrap();
    tab.press_key("ArrowRight").unwrap();
    assert_eq!(visible(&tab), ["s-3"]);
    tab.press_key("ArrowLeft").unwrap();
    assert_eq!(visible(&tab), ["s-2"]);
    tab.press_key("End").unwrap();
    assert_eq!(visible(&tab), [format!("s-{total}")]);
    assert_eq!(counter(&tab), format!("{total} / {total}"));
    tab.press_key("Home").unwrap();
    // A click on the right half goes forward; the slide shows large type.
    tab.click_at(1000.0, 300.0).unwrap();
    assert_eq!(visible(&tab), ["s-2"]);
    let h2 = common::eval(
        &tab,
        "parseFloat(getComputedStyle(document.querySelector('#s-2 h2')).fontSize)",
    )
    .as_f64()
    .unwrap();
    assert!(h2 >= 48.0, "slide heading is only {h2}px");
    assert!(
        common::holds(&tab, "document.getElementById('fullscreen')"),
        "full-screen toggle"
    );
    let requests = common::eval(&tab, "performance.getEntriesByType('resource').length");
    assert_eq!(requests.as_u64(), Some(0), "the deck fetched something");

    // Without JavaScript every slide is shown, one after another.
    let plain = common::tab(&b);
    plain
        .call(
            "Emulation.setScriptExecutionDisabled",
            serde_json::json!({"value": true}),
        )
        .unwrap();
    common::goto(&plain, &format!("{}{DECK}", served().base));
    assert_eq!(visible(&plain).len() as u64, total);
}

fn print(tab: &Tab, dir: &Path) -> std::path::PathBuf {
    let bytes = tab
        .print_to_pdf(serde_json::json!({"displayHeaderFooter": false, "preferCSSPageSize": true, "printBackground": false}))
        .unwrap();
    let p = dir.join("out.pdf");
    std::fs::write(&p, bytes).unwrap();
    p
}

#[test]
fn the_handout_and_speakers_copy_print_on_a4_with_headers_footers_and_page_numbers() {
    let b = common::browser(1024);
    let dir = tempfile::tempdir().unwrap();
    let tab = common::tab(&b);
    common::goto(&tab, &format!("{}{DECK}handout/", served().base));
    let pdf = print(&tab, dir.path());
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    assert!(info.contains("594.96 x 841.92 pts (A4)"), "{info}");
    assert!(
        info.contains("Pages:           3"),
        "9 slides at 3 per page: {info}"
    );
    let text = tool(
        "pdftotext",
        &[
            std::ffi::OsStr::new("-layout"),
            pdf.as_os_str(),
            std::ffi::OsStr::new("-"),
        ],
    );
    for s in [
        "在宅医療ってなに？",
        "令和8年12月5日（2026年12月5日）",
        "問い合わせ: みどり市北部地域包括支援センター",
        "メモ",
        "支えるチーム",
    ] {
        assert!(text.contains(s), "handout lacks «{s}»");
    }
    let compact = text.replace(' ', "");
    assert!(
        compact.contains("1/3") && compact.contains("3/3"),
        "page numbers"
    );
    let fonts = tool("pdffonts", &[pdf.as_os_str()]);
    assert!(!fonts.contains("Type 3"), "{fonts}");

    common::goto(&tab, &format!("{}{DECK}speaker/", served().base));
    let pdf = print(&tab, dir.path());
    let text = tool("pdftotext", &[pdf.as_os_str(), std::ffi::OsStr::new("-")]);
    assert!(
        text.contains("講師用") && text.contains("会場の様子をつかむ"),
        "speaker notes print"
    );
}

#[test]
fn lecture_mistakes_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    let file = dir.path().join("content/lectures/zaitaku-iryo.md");
    let src = std::fs::read_to_string(&file).unwrap();
    let broken = src
        .replacen("  handout: 3", "  handout: 4", 1)
        .replacen(
            "::: providers category=houkatsu",
            "::: providers category=hokatsu",
            1,
        )
        .replacen("::: notes\n最初に", "::: note\n最初に", 1);
    std::fs::write(&file, &broken).unwrap();
    let line = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (code, err) = common::check(dir.path());
    assert_eq!(code, Some(1), "{err}");
    let f = "content/lectures/zaitaku-iryo.md";
    assert!(
        err.contains(&format!("{f}:{}:", line("handout: 4")))
            && err.contains("handout: 4 には対応していません"),
        "{err}"
    );
    assert!(
        err.contains(&format!("{f}:{}:", line("category=hokatsu")))
            && err.contains("category「hokatsu」"),
        "{err}"
    );
    let note_line = broken.lines().position(|l| l.trim() == "::: note").unwrap() + 1;
    assert!(
        err.contains(&format!("{f}:{note_line}:")) && err.contains("「::: note」"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    // Unknown keys under lecture: are front matter errors with their line.
    let src2 = src.replacen("  speaker:", "  speeker:", 1);
    std::fs::write(&file, &src2).unwrap();
    let (code, err) = common::check(dir.path());
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("speeker"), "{err}");
    assert!(
        err.contains(&format!(
            "{f}:{}:",
            src2.lines().position(|l| l.contains("speeker")).unwrap() + 1
        )),
        "{err}"
    );
}
