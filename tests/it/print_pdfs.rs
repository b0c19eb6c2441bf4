//! Every PDF tsunagu makes, read back with poppler as a print shop would look at it: no
//! words painted over each other, type no smaller than designed for the paper, no nearly
//! empty page, no provider table split into a few rows. On the sample site (its guide at
//! A4, B5 and A5) and on a stress site, 新ヶ﨑村 (`tests/print-stress/`), with the longest
//! realistic values. Each test writes its figures to `target/print-report/`, which
//! `tests/run-all.sh` prints.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{bin, copy_sample, root, tool};

fn stress_root() -> PathBuf {
    root().join("tests/print-stress")
}

/// `tsunagu pdf` of a site into a temporary folder.
struct Printed {
    _kept: Option<tempfile::TempDir>,
    dir: PathBuf,
    warnings: String,
}

impl Printed {
    fn pdf(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.pdf"))
    }

    fn all(&self) -> Vec<PathBuf> {
        let mut all: Vec<PathBuf> = common::files(&self.dir)
            .into_iter()
            .filter(|p| p.extension() == Some(OsStr::new("pdf")))
            .map(|p| self.dir.join(p))
            .collect();
        all.sort();
        all
    }
}

fn print(site: &Path, only: Option<&str>) -> Printed {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .arg("pdf")
        .args(only)
        .arg("--root")
        .arg(site)
        .arg("--output")
        .arg(dir.path())
        .output()
        .unwrap();
    let warnings = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "{warnings}");
    Printed {
        dir: dir.path().to_path_buf(),
        _kept: Some(dir),
        warnings,
    }
}

/// The sample's printables, made once for the whole run (`common::sample_pdfs`).
fn sample() -> &'static Printed {
    static S: OnceLock<Printed> = OnceLock::new();
    S.get_or_init(|| {
        let (dir, warnings) = common::sample_pdfs();
        Printed {
            _kept: None,
            dir: dir.path().to_path_buf(),
            warnings: warnings.clone(),
        }
    })
}

fn stress() -> &'static Printed {
    static S: OnceLock<Printed> = OnceLock::new();
    S.get_or_init(|| print(&stress_root(), None))
}

/// The sample's guide on another paper size; A5 bound without saddle stitching (no blank
/// pages added to make the count a multiple of four).
fn sample_on(size: &str) -> (tempfile::TempDir, Printed) {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    assert!(toml.contains("page_size = \"A4\""));
    let mut toml = toml.replace("page_size = \"A4\"", &format!("page_size = \"{size}\""));
    if size == "A5" {
        assert!(toml.contains("saddle_stitch = true"));
        toml = toml.replace("saddle_stitch = true", "saddle_stitch = false");
    }
    std::fs::write(dir.path().join("site.toml"), toml).unwrap();
    let printed = print(dir.path(), Some("support"));
    (dir, printed)
}

// ---- reading a PDF back ---------------------------------------------------------------

struct Word {
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
    text: String,
}

impl Word {
    /// poppler's box is the font's size high.
    fn size(&self) -> f32 {
        self.y1 - self.y0
    }
}

struct Page {
    height: f32,
    words: Vec<Word>,
}

fn attr(tag: &str, name: &str) -> f32 {
    let key = format!("{name}=\"");
    let from = tag.find(&key).unwrap() + key.len();
    tag[from..from + tag[from..].find('"').unwrap()]
        .parse()
        .unwrap()
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// Pages and their words, from `pdftotext -bbox`.
fn pages(pdf: &Path) -> Vec<Page> {
    let out = tool(
        "pdftotext",
        &["-bbox".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    out.split("<page ")
        .skip(1)
        .map(|pg| {
            let words = pg
                .split("<word ")
                .skip(1)
                .map(|w| {
                    let (tag, rest) = w.split_once('>').unwrap();
                    Word {
                        x0: attr(tag, "xMin"),
                        y0: attr(tag, "yMin"),
                        x1: attr(tag, "xMax"),
                        y1: attr(tag, "yMax"),
                        text: unescape(&rest[..rest.find("</word>").unwrap()]),
                    }
                })
                .collect();
            Page {
                height: attr(pg, "height"),
                words,
            }
        })
        .collect()
}

/// Pairs of words whose boxes intersect by more than 15% of the smaller one: glyphs
/// painted over each other (the rule of the team's `pdf-overlap.py` helper, in Rust here).
fn overlaps(pages: &[Page]) -> Vec<String> {
    let mut found = Vec::new();
    for (n, p) in pages.iter().enumerate() {
        let mut w: Vec<&Word> = p.words.iter().collect();
        w.sort_by(|a, b| a.x0.total_cmp(&b.x0));
        for (i, a) in w.iter().enumerate() {
            for b in &w[i + 1..] {
                if b.x0 >= a.x1 {
                    break;
                }
                let ix = a.x1.min(b.x1) - a.x0.max(b.x0);
                let iy = a.y1.min(b.y1) - a.y0.max(b.y0);
                let small = ((a.x1 - a.x0) * a.size()).min((b.x1 - b.x0) * b.size());
                if ix > 0.0 && iy > 0.0 && small > 0.0 && ix * iy > 0.15 * small {
                    found.push(format!("page {}: «{}» on «{}»", n + 1, a.text, b.text));
                }
            }
        }
    }
    found
}

/// Furigana: kana set small right above a larger word.
fn is_ruby(page: &Page, w: &Word) -> bool {
    let kana = w
        .text
        .chars()
        .all(|c| matches!(c, 'ぁ'..='ゟ' | 'ァ'..='ヿ'));
    kana && page.words.iter().any(|b| {
        b.size() >= 1.5 * w.size()
            && b.y0 >= w.y1 - 0.3 * w.size()
            && b.y0 - w.y1 < w.size()
            && b.x0 < w.x1
            && w.x0 < b.x1
    })
}

/// Text drawn in the site's SVG pictures: it shrinks with the picture, as it should.
fn picture_words(site: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let files = ["static", "content"]
        .into_iter()
        .flat_map(|d| walkdir::WalkDir::new(site.join(d)).into_iter().flatten());
    for e in files {
        if e.path().extension() != Some(OsStr::new("svg")) {
            continue;
        }
        let svg = std::fs::read_to_string(e.path()).unwrap_or_default();
        for t in svg.split("<text").skip(1) {
            let t = &t[..t.find("</text>").unwrap_or(t.len())];
            let mut text = String::new();
            for part in t.split('<') {
                text.push_str(part.split_once('>').map_or("", |(_, x)| x));
            }
            out.push(unescape(text.trim()));
        }
    }
    out
}

/// Words inside the page's body (between `top` and `bottom` margins, in points) smaller
/// than `min` points, besides furigana, footnote or slide numbers and text of pictures.
fn smaller_than(
    pages: &[Page],
    min: f32,
    top: f32,
    bottom: f32,
    pictures: &[String],
) -> Vec<String> {
    let mut out = Vec::new();
    for (n, p) in pages.iter().enumerate() {
        for w in &p.words {
            let inside = w.y0 >= top && w.y1 <= p.height - bottom;
            let number = w.text.chars().all(|c| c.is_ascii_digit());
            let picture = pictures.iter().any(|t| t.contains(&w.text));
            if inside && !number && !picture && w.size() < min - 0.05 && !is_ruby(p, w) {
                out.push(format!("page {}: «{}» at {:.1}pt", n + 1, w.text, w.size()));
            }
        }
    }
    out
}

/// The size most of the text is set in (by characters).
fn body_size(pages: &[Page]) -> f32 {
    let mut count: BTreeMap<u32, usize> = BTreeMap::new();
    for w in pages.iter().flat_map(|p| &p.words) {
        *count.entry((w.size() * 10.0).round() as u32).or_default() += w.text.chars().count();
    }
    count
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map(|(s, _)| s as f32 / 10.0)
        .unwrap_or(0.0)
}

/// Pages whose last line of text ends above a quarter of the page (the page number at
/// the foot aside): besides the cover, the back cover and the fill-in メモ pages.
fn near_empty(pages: &[Page]) -> Vec<u32> {
    let last = pages.len();
    pages
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 0 && i + 1 != last)
        .filter_map(|(i, p)| {
            let body: Vec<&Word> = p.words.iter().filter(|w| w.y1 < 0.9 * p.height).collect();
            let filler = body
                .iter()
                .all(|w| w.text == "メモ" || w.y1 < 0.06 * p.height);
            let end = body.iter().map(|w| w.y1).fold(0.0, f32::max);
            (!filler && end < 0.25 * p.height).then_some(i as u32 + 1)
        })
        .collect()
}

/// Provider tables as printed: table → page → rows on it (named destinations of rows).
fn rows_per_page(pdf: &Path) -> BTreeMap<String, BTreeMap<u32, usize>> {
    let dests = tool("pdfinfo", &["-dests".as_ref(), pdf.as_os_str()]);
    let mut tables: BTreeMap<String, BTreeMap<u32, usize>> = BTreeMap::new();
    for line in dests.lines() {
        let Some(page) = line.split_whitespace().next().and_then(|p| p.parse().ok()) else {
            continue;
        };
        let Some(name) = line.rsplit('"').nth(1) else {
            continue;
        };
        let name = name.rsplit("--").next().unwrap_or(name);
        if let Some((table, n)) = name.rsplit_once("-r")
            && n.parse::<u32>().is_ok()
        {
            *tables
                .entry(table.to_string())
                .or_default()
                .entry(page)
                .or_default() += 1;
        }
    }
    tables
}

fn page_size(pdf: &Path) -> String {
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Page size:"))
        .unwrap_or_default()
        .trim()
        .to_string()
}

/// Paper of a guide: (name, body pt, table pt, top and bottom margins in pt), with or
/// without the print shop's bleed and crop marks (13mm around the page).
fn paper(pdf: &Path) -> (&'static str, f32, f32, f32, f32) {
    let size = page_size(pdf);
    let height: f32 = size
        .split(" x ")
        .nth(1)
        .and_then(|h| h.split_whitespace().next())
        .and_then(|h| h.parse().ok())
        .unwrap();
    let mm = 72.0 / 25.4;
    let papers = [
        ("A4", 297.0, 12.0, 11.0, 20.0, 18.0),
        ("B5", 257.0, 11.0, 10.0, 17.0, 16.0),
        ("A5", 210.0, 10.0, 9.0, 14.0, 14.0),
    ];
    for marks in [0.0, 13.0] {
        for (name, h, body, table, top, bottom) in papers {
            if ((h + 2.0 * marks) * mm - height).abs() < 2.0 {
                return (name, body, table, (top + marks) * mm, (bottom + marks) * mm);
            }
        }
    }
    panic!("{}: unknown paper {size}", pdf.display())
}

fn report(name: &str, lines: &[String]) {
    let dir = root().join("target/print-report");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::write(dir.join(format!("{name}.txt")), lines.join("\n") + "\n");
}

fn file_name(pdf: &Path) -> String {
    pdf.file_name().unwrap().to_string_lossy().into_owned()
}

/// Checks one guide: no collisions, designed type sizes, no near-empty page, provider
/// tables never leave fewer than four rows (or the whole short table) on a page.
fn check_guide(site: &str, pdf: &Path, pictures: &[String], failures: &mut Vec<String>) -> String {
    let pages = pages(pdf);
    let (name, body, table, top, bottom) = paper(pdf);
    let what = format!("{site} {}", file_name(pdf));
    let o = overlaps(&pages);
    if !o.is_empty() {
        failures.push(format!("{what}: {} overlaps: {o:?}", o.len()));
    }
    let size = body_size(&pages);
    if size < body {
        failures.push(format!("{what}: body text {size}pt < {body}pt"));
    }
    let small = smaller_than(&pages, table, top, bottom, pictures);
    if !small.is_empty() {
        failures.push(format!("{what}: text below {table}pt: {small:?}"));
    }
    let smallest = pages
        .iter()
        .flat_map(|p| {
            p.words.iter().filter(move |w| {
                w.y0 >= top
                    && w.y1 <= p.height - bottom
                    && !is_ruby(p, w)
                    && !pictures.iter().any(|t| t.contains(&w.text))
                    && !w.text.chars().all(|c| c.is_ascii_digit())
            })
        })
        .map(Word::size)
        .fold(f32::MAX, f32::min);
    let empty = near_empty(&pages);
    if !empty.is_empty() {
        failures.push(format!("{what}: nearly empty pages {empty:?}"));
    }
    for (t, per_page) in rows_per_page(pdf) {
        let n: usize = per_page.values().sum();
        // Four rows at least, or half of a table of four to seven that does not fit.
        let least = if n < 4 { n } else { 4.min(n / 2) };
        if per_page.values().any(|&k| k < least) {
            failures.push(format!("{what}: table {t} split into {per_page:?}"));
        }
    }
    format!(
        "{what:<34} {name} guide  {:>3} pages  {} overlaps  body {size:.1}pt, smallest text {smallest:.1}pt  near-empty pages: {}",
        pages.len(),
        o.len(),
        empty.len()
    )
}

/// Checks a PDF that is not a guide (handout, speaker's copy, note, sheets): no
/// collisions, nothing but furigana and numbers below `min` points.
fn check_other(
    site: &str,
    pdf: &Path,
    min: f32,
    pictures: &[String],
    failures: &mut Vec<String>,
) -> String {
    let pages = pages(pdf);
    let what = format!("{site} {}", file_name(pdf));
    let o = overlaps(&pages);
    if !o.is_empty() {
        failures.push(format!("{what}: {} overlaps: {o:?}", o.len()));
    }
    let small = smaller_than(&pages, min, 0.0, 0.0, pictures);
    if !small.is_empty() {
        failures.push(format!("{what}: text below {min}pt: {small:?}"));
    }
    format!(
        "{what:<34} {:<9} {:>3} pages  {} overlaps  body {:.1}pt",
        kind(pdf),
        pages.len(),
        o.len(),
        body_size(&pages)
    )
}

fn kind(pdf: &Path) -> &'static str {
    let n = file_name(pdf);
    if n.ends_with("-handout.pdf") {
        "handout"
    } else if n.ends_with("-speaker.pdf") {
        "speaker"
    } else if n.contains("note") {
        "note"
    } else {
        "sheets"
    }
}

/// Metadata every printed document carries.
fn check_meta(pdf: &Path, author: &str, failures: &mut Vec<String>) {
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    let title = info
        .lines()
        .find_map(|l| l.strip_prefix("Title:"))
        .unwrap_or("")
        .trim();
    if title.is_empty() || !info.contains(&format!("Author:          {author}")) {
        failures.push(format!("{}: metadata\n{info}", file_name(pdf)));
    }
    let fonts = tool("pdffonts", &[pdf.as_os_str()]);
    for f in fonts.lines().skip(2) {
        let cols: Vec<&str> = f.split_whitespace().collect();
        // name type encoding emb sub uni object ID
        if cols.len() >= 7 && cols[cols.len() - 5] != "yes" {
            failures.push(format!("{}: font not embedded: {f}", file_name(pdf)));
        }
        if f.contains("Type 3") {
            failures.push(format!("{}: Type 3 font: {f}", file_name(pdf)));
        }
    }
    // Language: the catalog's /Lang.
    let bytes = std::fs::read(pdf).unwrap();
    if !bytes
        .windows(9)
        .any(|w| w == b"/Lang(ja)" || w == b"/Lang (ja")
    {
        failures.push(format!("{}: no /Lang (ja)", file_name(pdf)));
    }
}

// ---- the tests --------------------------------------------------------------------------

#[test]
fn every_printable_of_the_sample_comes_from_one_command_and_nothing_collides() {
    let p = sample();
    let names: Vec<String> = p.all().iter().map(|f| file_name(f)).collect();
    assert_eq!(
        names,
        [
            "shukatsu-handout.pdf",
            "shukatsu-speaker.pdf",
            "support.pdf",
            "watashi-note.pdf",
            "zaitaku-iryo-handout.pdf",
            "zaitaku-iryo-speaker.pdf"
        ]
    );
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    for pdf in p.all() {
        check_meta(
            &pdf,
            "みどり市 健康福祉部 地域包括ケア推進課",
            &mut failures,
        );
        lines.push(if file_name(&pdf) == "support.pdf" {
            check_guide("sample", &pdf, &[], &mut failures)
        } else {
            check_other("sample", &pdf, 9.0, &picture_words(root()), &mut failures)
        });
    }
    // The guide has bookmarks for its chapters: 16 of them.
    let outline = tool(
        "pdfinfo",
        &["-dests".as_ref(), p.pdf("support").as_os_str()],
    );
    assert!(outline.contains("\"ch-16\""), "{outline}");
    report("1-sample", &lines);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_sample_guide_has_real_b5_and_a5_layouts() {
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    for size in ["B5", "A5"] {
        let (_dir, printed) = sample_on(size);
        let pdf = printed.pdf("support");
        assert!(page_size(&pdf).contains(&format!("({size})")) || size == "B5");
        let info = tool("pdfinfo", &[pdf.as_os_str()]);
        if size == "A5" {
            assert!(info.contains("pts (A5)"), "{info}");
        }
        lines.push(check_guide(
            &format!("sample({size})"),
            &pdf,
            &[],
            &mut failures,
        ));
    }
    report("2-sample-sizes", &lines);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_stress_site_prints_its_longest_values_without_collisions() {
    let p = stress();
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    let mut guides = BTreeSet::new();
    for pdf in p.all() {
        check_meta(&pdf, "新ヶ﨑村 保健福祉課 地域包括ケア係", &mut failures);
        let name = file_name(&pdf);
        if ["tebiki.pdf", "tebiki-b5.pdf", "pocket.pdf"].contains(&name.as_str()) {
            guides.insert(paper(&pdf).0);
            lines.push(check_guide(
                "stress",
                &pdf,
                &picture_words(&stress_root()),
                &mut failures,
            ));
        } else {
            lines.push(check_other(
                "stress",
                &pdf,
                9.0,
                &picture_words(&stress_root()),
                &mut failures,
            ));
        }
    }
    assert_eq!(guides, BTreeSet::from(["A4", "A5", "B5"]));
    assert_eq!(
        p.all().len(),
        10,
        "3 guides, 3 handouts, 3 speaker's copies, 1 note"
    );
    // The longest values are there, whole: the 40-character name, 内線, 8 marks.
    let text = tool("pdftotext", &[p.pdf("pocket").as_os_str(), "-".as_ref()]);
    assert!(text.contains("0120-000-000"), "toll-free number");
    assert!(text.contains("内線"), "extension");
    report("3-stress", &lines);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_short_chapter_runs_on_after_the_one_before_instead_of_taking_a_page() {
    // 「夜間・休日に困ったら」 is three short paragraphs: on A4 it starts below the end of
    // 「介護サービスの使い方」, on the same page.
    let pdf = stress().pdf("tebiki");
    let pages = pages(&pdf);
    let on = |text: &str| {
        pages
            .iter()
            .position(|p| {
                p.words
                    .iter()
                    .any(|w| w.text.contains(text) && w.size() > 15.0)
            })
            .unwrap_or_else(|| panic!("no heading «{text}»"))
    };
    let before = on("介護サービスの使い方");
    let short = on("夜間・休日に困ったら");
    assert!(short <= before + 1, "{before} {short}");
    let page = &pages[short];
    let heading = page
        .words
        .iter()
        .find(|w| w.text.contains("夜間・休日に困ったら") && w.size() > 15.0)
        .unwrap();
    assert!(
        heading.y0 > 0.3 * page.height,
        "it starts a page of its own"
    );
}

/// Slides' content bottom and room in cqw, measured in Chromium at 1280px.
fn measure_slides(tab: &chromium::Tab) -> Vec<(f64, f64)> {
    let v = common::eval(
        tab,
        "JSON.stringify([...document.querySelectorAll('.slide')].map(s => {
           const inner = s.querySelector('.slide-inner'); const ir = inner.getBoundingClientRect();
           const w = s.getBoundingClientRect().width; let bottom = ir.top;
           for (const e of inner.querySelectorAll('*')) { const r = e.getBoundingClientRect(); if (r.height > 0) bottom = Math.max(bottom, r.bottom); }
           return [(bottom - ir.top) / w * 100, ir.height / w * 100]; }))",
    );
    serde_json::from_str(v.as_str().unwrap()).unwrap()
}

#[test]
fn slides_cut_off_in_chromium_are_the_slides_the_build_warns_about() {
    let served = common::serve_site_at(&stress_root(), "hoken/zaitaku", &["--no-minify"]);
    let (_, warnings) = common::check(&stress_root());
    let b = common::browser(1280);
    let tab = common::tab(&b);
    // Without JavaScript every slide is laid out, one under another, as printed.
    tab.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    )
    .unwrap();
    common::viewport(&tab, 1280, 800);
    let mut failures = Vec::new();
    let mut lines = Vec::new();
    for deck in ["ie-de-iryo", "kaigo-hoken", "monowasure"] {
        let file = format!("content/lectures/{deck}.md");
        let src = std::fs::read_to_string(stress_root().join(&file)).unwrap();
        // Slide of each line: 1 is the title slide (front matter); `---` starts the next.
        let body_start = src.match_indices("---\n").nth(1).map(|(i, _)| i).unwrap();
        let fm_lines = src[..body_start].lines().count() + 1;
        let slide_of = |line: usize| {
            if line <= fm_lines {
                return 1;
            }
            2 + src
                .lines()
                .enumerate()
                .filter(|(i, l)| *i + 1 > fm_lines && *i + 1 < line && l.trim() == "---")
                .count()
        };
        let warned: BTreeSet<usize> = warnings
            .lines()
            .zip(warnings.lines().skip(1))
            .filter(|(msg, _)| msg.contains("枠に入りきらず"))
            .filter_map(|(_, at)| {
                let at = at.split(&format!("{file}:")).nth(1)?;
                Some(slide_of(at.split(':').next()?.parse().ok()?))
            })
            .collect();
        common::goto(&tab, &format!("{}lectures/{deck}/", served.base));
        let measured = measure_slides(&tab);
        for (i, (bottom, room)) in measured.iter().enumerate() {
            let n = i + 1;
            let cut = bottom > &(room + 0.2);
            if cut && !warned.contains(&n) {
                failures.push(format!(
                    "{deck} slide {n} is cut off ({bottom:.1} > {room:.1}cqw) but no warning"
                ));
            }
            // The estimate errs towards warning, by at most its stated margin.
            if warned.contains(&n) && *bottom + 3.0 < *room {
                failures.push(format!(
                    "{deck} slide {n} fits ({bottom:.1} of {room:.1}cqw) but is warned about"
                ));
            }
        }
        lines.push(format!(
            "stress {deck:<12} {} slides, cut off in Chromium: {:?}, warned: {:?}",
            measured.len(),
            measured
                .iter()
                .enumerate()
                .filter(|(_, (b, r))| b > &(r + 0.2))
                .map(|(i, _)| i + 1)
                .collect::<Vec<_>>(),
            warned
        ));
    }
    // A table limit larger than the slide holds is named at its own line.
    assert!(
        warnings.contains("limit=12 ですが")
            && warnings.contains("content/lectures/kaigo-hoken.md:67:1"),
        "{warnings}"
    );
    report("4-slides", &lines);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_filled_note_and_the_confirmation_sheets_print_without_collisions() {
    let served = common::serve_site_at(&stress_root(), "hoken/zaitaku", &["--no-minify"]);
    let b = common::browser(1024);
    let tab = common::tab(&b);
    common::goto(&tab, &format!("{}notes/shingasaki-note/", served.base));
    common::wait_until(&tab, "!document.getElementById('note-tools').hidden");
    // Every field filled with a long value, every box ticked, as a resident might.
    let long =
        "髙﨑ヶ丘のヴィラ汐見台三丁目に住む長男の嫁、電話は090-0000-1234（夜は0120-000-000）";
    common::eval(
        &tab,
        &format!(
            "for (const f of document.querySelectorAll('[data-key]')) {{
               if (f.type === 'checkbox' || f.type === 'radio') f.checked = true;
               else if (f.type === 'date') f.value = '2026-12-01';
               else f.value = {long:?};
               f.dispatchEvent(new Event('input', {{bubbles: true}}));
               f.dispatchEvent(new Event('change', {{bubbles: true}}));
             }} true"
        ),
    );
    let bytes = tab
        .print_to_pdf(serde_json::json!({"preferCSSPageSize": true, "printBackground": true}))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let filled = dir.path().join("stress-note-filled.pdf");
    std::fs::write(&filled, bytes).unwrap();
    let mut failures = Vec::new();
    let mut lines = vec![check_other("stress", &filled, 9.0, &[], &mut failures)];
    let text = tool("pdftotext", &[filled.as_os_str(), "-".as_ref()]).replace(['\n', ' '], "");
    assert!(
        text.contains("0120-000-000）"),
        "a long answer prints whole"
    );

    // 確認票: every record of the village overdue (the clock set to 2030), one sheet each.
    let kakunin = dir.path().join("kakunin");
    let o = bin()
        .env("SOURCE_DATE_EPOCH", "1893456000")
        .args(["stale", "--root"])
        .arg(stress_root())
        .arg("--output")
        .arg(&kakunin)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let sheets = common::files(&kakunin.join("confirm")).len();
    assert!(sheets >= 40, "{sheets}");
    let url = url::Url::from_file_path(kakunin.join("confirm-all.html")).unwrap();
    common::goto(&tab, url.as_str());
    let bytes = tab
        .print_to_pdf(serde_json::json!({"preferCSSPageSize": true, "printBackground": false}))
        .unwrap();
    let pdf = dir.path().join("stress-kakunin.pdf");
    std::fs::write(&pdf, bytes).unwrap();
    lines.push(check_other(
        "stress",
        &pdf,
        9.0,
        &picture_words(&stress_root()),
        &mut failures,
    ));
    let n = pages(&pdf).len();
    assert_eq!(
        n, sheets,
        "one sheet of paper per 確認票 (faxed one page each)"
    );
    report("5-note-sheets", &lines);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn each_symbol_means_one_thing_in_every_table() {
    let site = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["build", "--no-minify", "--root"])
        .arg(stress_root())
        .arg("--output")
        .arg(site.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for guide in ["tebiki", "pocket"] {
        let html =
            std::fs::read_to_string(site.path().join(format!("guide/{guide}/print/index.html")))
                .unwrap();
        // Legends: <span class="legend-item"><span class="mark">●</span>訪問診療</span>
        let mut meaning: BTreeMap<String, String> = BTreeMap::new();
        let mut legends = 0;
        for legend in html.split("class=\"legend\"").skip(1) {
            let legend = &legend[..legend.find("</td>").unwrap()];
            legends += 1;
            let mut here = BTreeSet::new();
            for item in legend.split("class=\"mark\"").skip(1) {
                let mark = item[1..item.find("</").unwrap()].to_string();
                let rest = &item[item.find("</span>").unwrap() + 7..];
                let label = rest[..rest.find('<').unwrap()].trim().to_string();
                assert!(
                    here.insert(mark.clone()),
                    "{guide}: «{mark}» twice in one legend"
                );
                let before = meaning.insert(mark.clone(), label.clone());
                assert!(
                    before.as_ref().is_none_or(|b| *b == label),
                    "{guide}: «{mark}» means «{label}» and «{before:?}»"
                );
            }
        }
        assert!(legends >= 8, "{guide}: {legends} legends");
        assert!(meaning.len() >= 10, "{guide}: {meaning:?}");
    }
}

#[test]
fn bad_print_input_gets_a_message_not_a_broken_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path();
    for entry in walkdir::WalkDir::new(stress_root()) {
        let entry = entry.unwrap();
        let to = site.join(entry.path().strip_prefix(stress_root()).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&to).unwrap();
        } else {
            std::fs::copy(entry.path(), &to).unwrap();
        }
    }
    // A table of 14 columns and a picture 3000×9000 in a chapter of the A5 guide.
    let header = (0..14)
        .map(|i| format!("項目{i}"))
        .collect::<Vec<_>>()
        .join(" | ");
    let row = vec!["0120-000-000"; 14].join(" | ");
    std::fs::write(
        site.join("content/annai/zz-wide.md"),
        format!(
            "---\ntitle: 広い表と大きな図\nweight: 99\n---\n\n横に広い表です。\n\n| {header} |\n|{}\n| {row} |\n\n![大きな図](/hoken/zaitaku/img/huge.svg)\n\nおわり。\n",
            "---|".repeat(14)
        ),
    )
    .unwrap();
    std::fs::write(
        site.join("static/img/huge.svg"),
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="9000" viewBox="0 0 3000 9000"><rect width="3000" height="9000" fill="#888"/></svg>"##,
    )
    .unwrap();
    let printed = print(site, Some("pocket"));
    let w = &printed.warnings;
    assert!(
        w.contains(
            "この表は14列あり、ガイド「pocket」（A5判）の紙には8列までしか読める幅で入りません"
        ) && w.contains("content/annai/zz-wide.md:8:1"),
        "{w}"
    );
    let pdf = printed.pdf("pocket");
    assert!(overlaps(&pages(&pdf)).is_empty());
    // The picture is drawn (no broken-image icon), scaled into the page.
    let list = tool("pdfimages", &["-list".as_ref(), pdf.as_os_str()]);
    assert_eq!(list.lines().count(), 2, "no raster image expected: {list}");
    let text = tool("pdftotext", &[pdf.as_os_str(), "-".as_ref()]);
    assert!(text.contains("おわり。"));

    // A guide with nothing to print is refused at its line in site.toml.
    let toml = std::fs::read_to_string(site.join("site.toml")).unwrap();
    std::fs::write(
        site.join("site.toml"),
        format!("{toml}\n[guides.kara]\ntitle = \"からのガイド\"\nedition = \"2026-12-01\"\nparts = []\n"),
    )
    .unwrap();
    let o = bin()
        .args(["pdf", "kara", "--root"])
        .arg(site)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("ガイド「kara」に印刷する章がありません"),
        "{err}"
    );
    assert!(
        err.contains("site.toml:") && !err.contains("panicked"),
        "{err}"
    );
    assert!(!site.join("pdf/kara.pdf").exists());
}
