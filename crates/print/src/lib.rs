//! Printed guides as PDF, made with headless Chromium and finished in Rust.
//!
//! Chromium lays out pages well but cannot put page numbers into a table of contents.
//! So the guide is printed once, the page of every chapter and index entry is read back
//! from the PDF's named destinations, and it is printed again with the numbers filled in
//! (and blank pages added for saddle stitching). Dates in the file are fixed to the
//! edition date so the same input gives the same bytes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use lopdf::{Document, Object, ObjectId};

mod fit;
mod tagged;

use diagnostics::Diagnostic;
use model::Site;
use model::guide::Guide;
use render::outputs::print_guide::{Layout, Paper, guide_html};
use render::templates::Templates;

const CANDIDATES: &[&str] = &[
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];
const TIMEOUT: Duration = Duration::from_secs(300);
/// Prints until page numbers and section fits settle (usually three or four).
const MAX_PASSES: usize = 8;

/// Chromium to print with: the command line's choice, then site.toml's `[pdf] chromium`,
/// then `TSUNAGU_CHROMIUM`, then the usual names on PATH.
pub fn find_chromium(explicit: Option<&Path>, site: &Site) -> Result<PathBuf, Diagnostic> {
    let configured = explicit
        .map(Path::to_path_buf)
        .or_else(|| site.config.pdf.chromium.as_ref().map(PathBuf::from))
        .or_else(|| std::env::var_os("TSUNAGU_CHROMIUM").map(PathBuf::from));
    if let Some(p) = configured {
        return if p.is_file() {
            Ok(p)
        } else {
            Err(Diagnostic::error("site.toml", None, format!("Chromium「{}」が見つかりません", p.display()))
                .with_help("[pdf] chromium（または --chromium）に、インストールされている Chromium の場所を書いてください"))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in CANDIDATES {
            let p = dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
            if p.is_file() {
                return Ok(p);
            }
        }
    }
    if let Some(p) = installed_browsers().into_iter().find(|p| p.is_file()) {
        return Ok(p);
    }
    Err(Diagnostic::error("site.toml", None, "Chromium が見つかりません（PDF を作るときと、アクセシビリティの試験に使います）").with_help(
        "Windows では Microsoft Edge か Google Chrome が使われます（どちらかが入っていれば設定は不要です）。\
         Debian・Ubuntu では「sudo apt-get install chromium fonts-morisawa-bizud-gothic」でインストールできます。\
         別の場所にある場合は site.toml の [pdf] chromium = \"/path/to/chromium\" に書いてください",
    ))
}

/// Where Windows installs Chromium-based browsers (Edge is on every Windows 10 and 11).
#[cfg(windows)]
fn installed_browsers() -> Vec<PathBuf> {
    let mut out = Vec::new();
    for var in ["ProgramFiles", "ProgramFiles(x86)", "LOCALAPPDATA"] {
        let Some(base) = std::env::var_os(var).map(PathBuf::from) else {
            continue;
        };
        out.push(base.join(r"Google\Chrome\Application\chrome.exe"));
        out.push(base.join(r"Microsoft\Edge\Application\msedge.exe"));
        out.push(base.join(r"Chromium\Application\chrome.exe"));
    }
    out
}

#[cfg(not(windows))]
fn installed_browsers() -> Vec<PathBuf> {
    Vec::new()
}

/// The finished PDF of one guide.
pub fn guide_pdf(
    site: &Site,
    templates: &Templates,
    guide: &Guide,
    printer: &Printer,
    author: &str,
) -> Result<Vec<u8>, Diagnostic> {
    let work = tempfile::tempdir().map_err(|e| io_error(Path::new("."), &e))?;
    let paper = Paper::of(guide.page_size);
    let mut layout = Layout {
        for_pdf: true,
        ..Layout::default()
    };
    let page_chapters: Vec<bool> = guide
        .chapters
        .iter()
        .map(|c| matches!(c, model::guide::Chapter::Page { .. }))
        .collect();
    let mut last: Option<Vec<u8>> = None;
    for _ in 0..MAX_PASSES {
        // Images from the page's folder: Chromium prints from a temporary one.
        let html = render::outputs::standalone::inline_images(
            site,
            &guide_html(site, templates, guide, &layout)?,
        );
        let bytes = printer.print(work.path(), &html)?;
        let read = readback(&bytes)?;
        let blank = if guide.saddle_stitch {
            let content_pages = read.page_count - layout.blank_pages;
            (4 - content_pages % 4) % 4
        } else {
            0
        };
        // A chapter joined changes every page after it: fit again on the next print.
        let refitted = fit::join_short(&read, &paper, &page_chapters, &mut layout.joined)
            || fit::refit(&read, &paper, &mut layout.fit);
        let settled = !refitted && read.pages == layout.pages && blank == layout.blank_pages;
        layout.pages = read.pages;
        layout.blank_pages = blank;
        last = Some(bytes);
        if settled {
            break;
        }
    }
    let Some(bytes) = last else {
        return Err(Diagnostic::error(
            "site.toml",
            None,
            "PDF を作れませんでした",
        ));
    };
    let meta = Meta {
        title: &guide.title,
        author,
        date: guide.edition,
    };
    finish(&bytes, &meta, guide.crop_marks)
}

/// What a PDF says about itself: its title, the office that made it, and its date
/// (the edition's, so the same input gives the same bytes).
pub struct Meta<'a> {
    pub title: &'a str,
    pub author: &'a str,
    pub date: jiff::civil::Date,
}

/// A standalone page (all styles inline) printed once.
pub fn page_pdf(printer: &Printer, html: &str, meta: &Meta) -> Result<Vec<u8>, Diagnostic> {
    let work = tempfile::tempdir().map_err(|e| io_error(Path::new("."), &e))?;
    let bytes = printer.print(work.path(), html)?;
    finish(&bytes, meta, false)
}

/// What a printed PDF says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Readback {
    /// Named destination (an element id) → 1-based page number.
    pub pages: HashMap<String, u32>,
    /// Named destination → distance of its top from the top of its page, in points.
    pub tops: HashMap<String, f32>,
    pub page_count: u32,
    /// Height of the first page in points.
    pub page_height: f32,
}

pub fn readback(pdf: &[u8]) -> Result<Readback, Diagnostic> {
    let doc = Document::load_mem(pdf).map_err(pdf_error)?;
    let page_ids = doc.get_pages();
    let page_of: HashMap<ObjectId, u32> = page_ids.iter().map(|(n, id)| (*id, *n)).collect();
    let page_height = page_ids
        .values()
        .next()
        .and_then(|id| doc.get_dictionary(*id).ok())
        .and_then(|d| d.get(b"MediaBox").ok())
        .and_then(|o| o.as_array().ok())
        .and_then(|a| Some(a.get(3)?.as_float().ok()? - a.get(1)?.as_float().ok()?))
        .unwrap_or(0.0);
    let mut pages = HashMap::new();
    let mut tops = HashMap::new();
    let dests = doc
        .catalog()
        .ok()
        .and_then(|c| c.get(b"Dests").ok())
        .and_then(|d| doc.dereference(d).ok())
        .and_then(|(_, o)| o.as_dict().ok());
    if let Some(dests) = dests {
        for (name, dest) in dests.iter() {
            let Ok((_, dest)) = doc.dereference(dest) else {
                continue;
            };
            let arr = match dest {
                Object::Array(a) => Some(a),
                Object::Dictionary(d) => d.get(b"D").ok().and_then(|o| o.as_array().ok()),
                _ => None,
            };
            let page = arr
                .and_then(|a| a.first())
                .and_then(|o| o.as_reference().ok())
                .and_then(|id| page_of.get(&id));
            let Some(n) = page else {
                continue;
            };
            let name = String::from_utf8_lossy(name).into_owned();
            // [page /XYZ left top zoom], top measured up from the bottom edge.
            if let Some(top) = arr.and_then(|a| a.get(3)).and_then(|o| o.as_float().ok()) {
                tops.insert(name.clone(), page_height - top);
            }
            pages.insert(name, *n);
        }
    }
    Ok(Readback {
        pages,
        tops,
        page_count: page_of.len() as u32,
        page_height,
    })
}

/// Generic families (`sans-serif` in a picture drawn elsewhere) set in the theme's
/// TrueType fonts: the fallback, Noto CJK, is CFF and would be embedded as Type 3 fonts.
const FONT_PREFERENCES: &str = r#"{"webkit":{"webprefs":{"fonts":{
"standard":{"Zyyy":"BIZ UDPGothic","Jpan":"BIZ UDPGothic"},
"sansserif":{"Zyyy":"BIZ UDPGothic","Jpan":"BIZ UDPGothic"},
"serif":{"Zyyy":"BIZ UDMincho","Jpan":"BIZ UDMincho"},
"fixed":{"Zyyy":"BIZ UDGothic","Jpan":"BIZ UDGothic"}}}}}"#;

/// One headless Chromium for every print of a command: each document is printed in a
/// tab of its own, side by side, as `--print-to-pdf` would print it.
pub struct Printer {
    browser: chromium::Browser,
    path: PathBuf,
}

impl Printer {
    pub fn start(chromium: &Path) -> Result<Printer, Diagnostic> {
        let opts = chromium::Launch::new(chromium)
            .window(800, 600)
            .preferences(FONT_PREFERENCES);
        let browser = chromium::Browser::launch(&opts).map_err(|e| {
            Diagnostic::error(chromium, None, format!("Chromium を起動できません: {e}"))
                .with_help("Chromium と日本語フォント（fonts-morisawa-bizud-gothic）が入っているか確かめてください")
        })?;
        Ok(Printer {
            browser,
            path: chromium.to_path_buf(),
        })
    }

    /// `html` printed: written into `dir` (so its relative links resolve there), opened
    /// in a new tab, printed once the page and its fonts have loaded.
    fn print(&self, dir: &Path, html: &str) -> Result<Vec<u8>, Diagnostic> {
        let input = dir.join("guide.html");
        std::fs::write(&input, html).map_err(|e| io_error(&input, &e))?;
        let failed = |e: chromium::Error| {
            Diagnostic::error(
                &self.path,
                None,
                format!("Chromium が PDF を書き出せませんでした: {e}"),
            )
            .with_help("Chromium と日本語フォント（fonts-morisawa-bizud-gothic）が入っているか確かめてください")
        };
        let url = file_url(&input);
        let mut tab = self
            .browser
            .new_isolated_tab("about:blank")
            .map_err(failed)?;
        tab.set_timeout(TIMEOUT);
        let printed = tab
            .goto(&url)
            .and_then(|_| tab.wait_until("document.fonts.status === 'loaded'", TIMEOUT))
            .and_then(|_| tab.print_to_pdf(serde_json::json!({})));
        let _ = tab.close();
        let bytes = printed.map_err(failed)?;
        if !bytes.starts_with(b"%PDF") {
            return Err(failed(chromium::Error::from("not a PDF")));
        }
        Ok(bytes)
    }
}

/// `file:///…` for Chromium, on Linux and on Windows (`file:///C:/…`).
fn file_url(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    url::Url::from_file_path(&abs)
        .map(String::from)
        .unwrap_or_else(|_| format!("file://{}", abs.display()))
}

/// Fixes the dates Chromium stamps (print time) to the document's date, so output is
/// reproducible, and names the title, the author and the language (Japanese).
fn finish(pdf: &[u8], meta: &Meta, crop_marks: bool) -> Result<Vec<u8>, Diagnostic> {
    let mut doc = Document::load_mem(pdf).map_err(pdf_error)?;
    let e = meta.date;
    let stamp = format!(
        "D:{:04}{:02}{:02}000000+09'00'",
        e.year(),
        e.month(),
        e.day()
    );
    let info = doc
        .trailer
        .get(b"Info")
        .ok()
        .and_then(|o| o.as_reference().ok());
    if let Some(id) = info
        && let Ok(dict) = doc.get_dictionary_mut(id)
    {
        dict.set("CreationDate", Object::string_literal(stamp.clone()));
        dict.set("ModDate", Object::string_literal(stamp));
        let text = |s: &str| Object::String(utf16(s), lopdf::StringFormat::Hexadecimal);
        dict.set("Title", text(meta.title));
        if !meta.author.is_empty() {
            dict.set("Author", text(meta.author));
        }
    }
    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Lang", Object::string_literal("ja"));
    }
    doc.trailer.remove(b"ID");
    tagged::renumber_ids(&mut doc);
    if crop_marks {
        add_crop_marks(&mut doc)?;
    }
    let mut out = Vec::new();
    doc.save_to(&mut out)
        .map_err(|e| pdf_error(lopdf::Error::IO(e)))?;
    Ok(out)
}

const MM: f32 = 72.0 / 25.4;
/// Bleed beyond the trimmed edge, and the length of each mark beyond the bleed.
const BLEED: f32 = 3.0 * MM;
const MARK: f32 = 10.0 * MM;

/// Print-shop output: each page grows by the bleed and mark area, declares its TrimBox
/// and BleedBox, and gets crop marks (トンボ) at the corners of the trimmed page.
fn add_crop_marks(doc: &mut Document) -> Result<(), Diagnostic> {
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    for page in pages {
        let dict = doc.get_dictionary(page).map_err(pdf_error)?;
        let media: Vec<f32> = dict
            .get(b"MediaBox")
            .and_then(|o| o.as_array())
            .map_err(pdf_error)?
            .iter()
            .map(|o| o.as_float().unwrap_or(0.0))
            .collect();
        let [x0, y0, x1, y1] = media[..] else {
            return Err(Diagnostic::error(
                "site.toml",
                None,
                "PDF のページの大きさを読めません",
            ));
        };
        let o = BLEED + MARK;
        let mut ops = String::from("Q q 0.25 w 0 G\n");
        for (x, y, dx, dy) in [
            (x0, y0, -1.0, -1.0),
            (x1, y0, 1.0, -1.0),
            (x0, y1, -1.0, 1.0),
            (x1, y1, 1.0, 1.0),
        ] {
            // A horizontal and a vertical line per corner, starting outside the bleed.
            ops.push_str(&format!(
                "{} {y} m {} {y} l S {x} {} m {x} {} l S\n",
                x + dx * BLEED,
                x + dx * o,
                y + dy * BLEED,
                y + dy * o
            ));
        }
        ops.push_str("Q\n");
        let open = doc.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            b"q\n".to_vec(),
        ));
        let marks = doc.add_object(lopdf::Stream::new(
            lopdf::Dictionary::new(),
            ops.into_bytes(),
        ));
        let dict = doc.get_dictionary_mut(page).map_err(pdf_error)?;
        let mut contents = match dict.get(b"Contents") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(other) => vec![other.clone()],
            Err(_) => Vec::new(),
        };
        contents.insert(0, Object::Reference(open));
        contents.push(Object::Reference(marks));
        dict.set("Contents", Object::Array(contents));
        let rect = |m: f32| {
            Object::Array(vec![
                (x0 - m).into(),
                (y0 - m).into(),
                (x1 + m).into(),
                (y1 + m).into(),
            ])
        };
        dict.set("MediaBox", rect(o));
        dict.set("BleedBox", rect(BLEED));
        dict.set("TrimBox", rect(0.0));
    }
    Ok(())
}

/// A PDF text string in UTF-16BE with its byte-order mark, as PDF wants for Japanese.
fn utf16(s: &str) -> Vec<u8> {
    let mut v = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        v.extend(u.to_be_bytes());
    }
    v
}

fn pdf_error(e: lopdf::Error) -> Diagnostic {
    Diagnostic::error(
        "site.toml",
        None,
        format!("Chromium が書き出した PDF を読めません: {e}"),
    )
    .with_help("Chromium を新しい版にして、もう一度実行してください")
}

fn io_error(path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(path, None, format!("一時ファイルを扱えません: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_urls_round_trip_with_spaces_and_japanese() {
        let dir = std::env::temp_dir()
            .join("ガイド 印刷")
            .join("guide #1.html");
        let url = url::Url::parse(&file_url(&dir)).unwrap();
        assert_eq!(url.scheme(), "file");
        assert_eq!(url.to_file_path().unwrap(), dir);
    }
}
