//! The ending note (わたしノート) as a resident uses it, in Debian's headless Chromium:
//! fill half of it, come back later, export, erase, import, print; and as the city prints
//! it blank for the counter. Also: its HTML, and note syntax errors from the real binary.

use crate::common;

use std::path::Path;
use std::sync::OnceLock;

use chromium::Tab;
use common::Window as Browser;

use common::{files, tool};

const NOTE: &str = "notes/watashi-note/";

fn served() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_sample(&[]))
}

fn open(b: &Browser, js: bool) -> Tab {
    let tab = common::tab(b);
    if !js {
        tab.call(
            "Emulation.setScriptExecutionDisabled",
            serde_json::json!({"value": true}),
        )
        .unwrap();
    }
    common::goto(&tab, &format!("{}{NOTE}", served().base));
    wait_for_styles(&tab);
    if js {
        common::wait_for(&tab, "#note-tools:not([hidden])");
    }
    tab
}

/// Printing must wait for the note's stylesheet (its @page rule sets the paper size).
fn wait_for_styles(tab: &Tab) {
    common::wait("the page and its styles", || {
        let expr = "document.readyState === 'complete' && [...document.styleSheets].some(s => (s.href || '').endsWith('note.css'))";
        common::eval(tab, expr).as_bool() == Some(true)
    });
}

fn value(tab: &Tab, key: &str) -> String {
    common::eval(
        tab,
        &format!("document.querySelector('[data-key=\"{key}\"]').value"),
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn checked(tab: &Tab, selector: &str) -> bool {
    common::eval(
        tab,
        &format!("document.querySelector('{selector}').checked"),
    )
    .as_bool()
    .unwrap_or(false)
}

/// Types into a field the way a person does: click it, then press keys.
fn type_into(tab: &Tab, key: &str, text: &str) {
    common::click(tab, &format!("[data-key=\"{key}\"]"));
    tab.type_text(text).unwrap();
}

/// Clicks the label of an input, scrolled to the middle of the screen as a person would.
fn click_label_of(tab: &Tab, input_selector: &str) {
    let id = common::eval(
        tab,
        &format!("document.querySelector('{input_selector}').id"),
    );
    let label = format!("label[for=\"{}\"]", id.as_str().unwrap());
    common::eval(
        tab,
        &format!(
            "document.querySelector('{}').scrollIntoView({{block: 'center'}})",
            label.replace('\'', "\\'")
        ),
    );
    common::click(tab, &label);
}

/// Every resource the page fetched (Resource Timing records fetch, XHR and beacons too).
fn requests(tab: &Tab) -> Vec<String> {
    let v = common::eval(
        tab,
        "JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))",
    );
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

const RADIO: &str = "input[type=radio][data-key=\"最期を迎えたい場所\"][value=\"自宅\"]";
const CHECK: &str = "input[type=checkbox][data-key=\"望まない治療（あてはまるもの）/人工呼吸器\"]";
const LINES: &str = "大切にしていること・これからやってみたいこと";

#[test]
fn a_resident_fills_half_comes_back_exports_erases_and_imports_without_any_request() {
    let b = common::browser(1024);
    let tab = open(&b, true);
    // The page's own files: what it loaded, and its icon, which the browser fetches
    // whenever it gets round to it.
    let mut loaded = requests(&tab);
    let icons = common::eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('link[rel~=icon]')].map(l => l.href))",
    );
    loaded.extend(serde_json::from_str::<Vec<String>>(icons.as_str().unwrap()).unwrap());
    assert!(
        loaded.iter().all(|u| u.starts_with(&served().base)),
        "third-party request: {loaded:?}"
    );

    type_into(&tab, "表紙/お名前", "みどり花子");
    type_into(&tab, LINES, "孫と旅行に行きたい");
    click_label_of(&tab, RADIO);
    click_label_of(&tab, CHECK);
    assert!(checked(&tab, RADIO), "radio after click");
    assert!(checked(&tab, CHECK), "checkbox after click");
    type_into(
        &tab,
        "名前・続柄・関係・電話番号・知らせてほしいとき/1/電話番号",
        "0990-00-1111",
    );
    common::wait("the save message", || {
        common::eval(&tab, "document.getElementById('note-status').textContent")
            .as_str()
            .unwrap_or("")
            .contains("保存しました")
    });

    // Close and come back: the answers are still there.
    tab.reload().unwrap();
    common::wait_for(&tab, "#note-tools:not([hidden])");
    assert_eq!(value(&tab, "表紙/お名前"), "みどり花子");
    assert_eq!(value(&tab, LINES), "孫と旅行に行きたい");
    assert!(checked(&tab, RADIO) && checked(&tab, CHECK));
    let print_mirror = common::eval(
        &tab,
        &format!(
            "document.querySelector('[data-key=\"{LINES}\"]').parentNode.querySelector('.print-value').textContent"
        ),
    );
    assert_eq!(
        print_mirror.as_str(),
        Some("孫と旅行に行きたい"),
        "the print copy of a text area follows it"
    );

    // Export to a file the resident keeps.
    let downloads = tempfile::tempdir().unwrap();
    b.browser()
        .call(
            "Browser.setDownloadBehavior",
            serde_json::json!({"behavior": "allow", "downloadPath": downloads.path().display().to_string(),
                "browserContextId": tab.context()}),
        )
    .unwrap();
    common::click(&tab, "#note-export");
    // Chromium may name the file before it has written it: wait for the whole of it.
    common::wait("the exported file", || {
        files(downloads.path())
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "json"))
            .any(|f| {
                std::fs::read_to_string(f)
                    .is_ok_and(|t| serde_json::from_str::<serde_json::Value>(&t).is_ok())
            })
    });
    let exported = files(downloads.path())
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "json"))
        .unwrap();
    let data: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&exported).unwrap()).unwrap();
    assert_eq!(data["format"], "tsunagu-note");
    assert_eq!(data["answers"]["表紙/お名前"], "みどり花子");
    assert_eq!(data["answers"]["最期を迎えたい場所"], "自宅");

    // Erase: the first press only asks, the second erases.
    common::click(&tab, "#note-erase");
    assert_eq!(
        value(&tab, "表紙/お名前"),
        "みどり花子",
        "one press must not erase"
    );
    common::click(&tab, "#note-erase");
    assert_eq!(value(&tab, "表紙/お名前"), "");
    assert!(!checked(&tab, RADIO));
    tab.reload().unwrap();
    common::wait_for(&tab, "#note-tools:not([hidden])");
    assert_eq!(value(&tab, "表紙/お名前"), "", "erased answers stay erased");
    assert!(
        common::eval(&tab, "Object.keys(localStorage).length").as_f64() == Some(0.0),
        "nothing left in storage"
    );

    // Import the file again.
    common::wait_for(&tab, "#note-import");
    tab.set_files("#note-import", &[&exported]).unwrap();
    common::wait("the imported answers", || {
        value(&tab, "表紙/お名前") == "みどり花子"
    });
    assert!(checked(&tab, CHECK));
    tab.reload().unwrap();
    common::wait_for(&tab, "#note-tools:not([hidden])");
    assert_eq!(
        value(&tab, LINES),
        "孫と旅行に行きたい",
        "imported answers are saved"
    );

    // No request of any kind beyond loading the page's own files.
    let after = requests(&tab);
    assert!(
        after.iter().all(|u| u.starts_with(&served().base)),
        "{after:?}"
    );
    // (A reload may take some files from the cache: fewer entries, never others.)
    let extra: Vec<&String> = after.iter().filter(|u| !loaded.contains(u)).collect();
    assert!(
        extra.is_empty(),
        "the note made requests: {extra:?} (loaded {loaded:?})"
    );
}

fn pdf_of(tab: &Tab) -> (tempfile::TempDir, std::path::PathBuf) {
    let bytes = tab
        .print_to_pdf(serde_json::json!({"displayHeaderFooter": false, "preferCSSPageSize": true, "printBackground": true}))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("note.pdf");
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

fn pages(pdf: &Path) -> (u32, String) {
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    let n = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap();
    let size = info
        .lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_default()
        .trim()
        .to_string();
    (n, size)
}

#[test]
fn the_blank_note_prints_without_javascript_and_the_filled_note_prints_alike() {
    let b = common::browser(1024);
    // The city's counter copy: no script, nothing filled in.
    let blank_tab = open(&b, false);
    assert!(
        common::eval(&blank_tab, "document.getElementById('note-tools').hidden").as_bool()
            == Some(true)
    );
    let (_d1, blank) = pdf_of(&blank_tab);
    let (n_blank, size) = pages(&blank);
    assert!(size.contains("594.96 x 841.92"), "A4: {size}");
    assert!(n_blank >= 10, "{n_blank} pages");
    let text = tool("pdftotext", &[blank.as_os_str(), std::ffi::OsStr::new("-")]);
    for label in [
        "わたしノート",
        "書いた日の記録",
        "かかりつけ医",
        "最期を迎えたい場所",
        "代わりに判断してほしい人",
        "暗証番号やパスワードは書かないでください",
        "地域包括支援センター",
        "0990-10-2001",
    ] {
        assert!(text.contains(label), "blank note lacks «{label}»");
    }
    assert!(
        !text.contains("書いた内容は、この端末"),
        "screen-only notice must not print"
    );
    assert!(text.contains(&format!("1 / {n_blank}")), "page numbers");

    // A resident's filled note prints with the same layout.
    let tab = open(&b, true);
    type_into(&tab, "表紙/お名前", "みどり花子");
    type_into(&tab, LINES, "孫と旅行に行きたい");
    click_label_of(&tab, RADIO);
    let (_d2, filled) = pdf_of(&tab);
    let (n_filled, size2) = pages(&filled);
    assert_eq!(size2, size);
    assert_eq!(n_filled, n_blank, "filling in must not change the layout");
    let text = tool(
        "pdftotext",
        &[filled.as_os_str(), std::ffi::OsStr::new("-")],
    );
    assert!(
        text.contains("みどり花子") && text.contains("孫と旅行に行きたい"),
        "answers are printed"
    );
    let fonts = tool("pdffonts", &[filled.as_os_str()]);
    assert!(!fonts.contains("Type 3"), "{fonts}");
}

#[test]
fn the_note_page_promises_privacy_and_forbids_network_access() {
    let out = served()
        .dir
        .path()
        .join("public")
        .join(NOTE)
        .join("index.html");
    let h = std::fs::read_to_string(out).unwrap();
    assert!(
        h.contains("connect-src 'none'") && h.contains("form-action 'none'"),
        "CSP"
    );
    assert!(h.contains("インターネットを通じて市役所やほかの人に送られることはありません"));
    assert!(h.contains("<noscript>"), "explains the no-JavaScript case");
    let js = std::fs::read_to_string(served().dir.path().join("public/js/note.js")).unwrap();
    for api in [
        "fetch(",
        "XMLHttpRequest",
        "sendBeacon",
        "WebSocket",
        "EventSource",
    ] {
        assert!(!js.contains(api), "note.js uses {api}");
    }
}

#[test]
fn note_syntax_errors_name_the_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    let note = dir.path().join("content/notes/watashi-note.md");
    let text = std::fs::read_to_string(&note).unwrap();
    let broken = text
        .replacen("::: field 血液型", "::: feild 血液型", 1)
        .replacen("::: lines 10 伝えたいこと", "::: lines 100 伝えたいこと", 1);
    std::fs::write(&note, &broken).unwrap();
    let line_of = |needle: &str| broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (code, err) = common::check(dir.path());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "content/notes/watashi-note.md:{}:1",
            line_of("::: feild")
        )),
        "{err}"
    );
    assert!(
        err.contains("「::: feild」という記入欄はありません"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "content/notes/watashi-note.md:{}:1",
            line_of("::: lines 100")
        )),
        "{err}"
    );
    assert!(!err.contains("panicked"));
}

#[test]
fn the_counter_copy_can_be_printed_on_a5_when_configured() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    let note = dir.path().join("content/notes/watashi-note.md");
    let text = std::fs::read_to_string(&note).unwrap().replacen(
        "weight: 10\n",
        "weight: 10\nextra:\n  paper: A5\n",
        1,
    );
    std::fs::write(&note, text).unwrap();
    let site = common::serve_site(dir.path(), &[]);
    let b = common::browser(1024);
    let tab = common::tab(&b);
    tab.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    )
    .unwrap();
    common::goto(&tab, &format!("{}{NOTE}", site.base));
    wait_for_styles(&tab);
    let (_d, pdf) = pdf_of(&tab);
    let (n, size) = pages(&pdf);
    assert!(size.contains("(A5)"), "{size}");
    assert!(n > 14, "A5 needs more pages than A4: {n}");
}
