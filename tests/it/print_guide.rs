//! The printed guide: its print page, and the PDF made with the real Chromium and checked
//! with poppler (pdfinfo, pdftotext, pdffonts, pdftoppm) and an independent QR decoder.

use crate::common;

use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{bin, copy_sample, files, pdf_page_text, root, tool};

const BASE_URL: &str = "https://www.city.midori.example.lg.jp/kenko/zaitaku/";

use common::Built;

fn build(site: &Path, extra: &[&str]) -> Built {
    common::built(site, extra)
}

/// The sample site built with its guide's PDF.
fn sample() -> &'static Built {
    static S: OnceLock<Built> = OnceLock::new();
    S.get_or_init(|| build(root(), &["--no-minify", "--pdf"]))
}

fn print_page() -> String {
    std::fs::read_to_string(sample().out.join("guide/support/print/index.html")).unwrap()
}

fn pdf() -> PathBuf {
    sample().out.join("guide/support/support.pdf")
}

const CHAPTERS: &[&str] = &[
    "はじめに",
    "相談窓口",
    "在宅医療とは",
    "介護保険サービスの使い方",
    "入院・退院のとき",
    "人生会議（ACP）",
    "病院",
    "診療所（クリニック・医院）",
    "歯科診療所",
    "薬局",
    "訪問看護ステーション",
    "居宅介護支援事業所（ケアマネジャー）",
    "訪問介護（ホームヘルプ）",
    "通所介護（デイサービス）",
    "地域包括支援センター",
    "在宅医療・介護連携相談支援室",
];

/// The table of contents as printed in the PDF: title → page number.
fn toc() -> Vec<(String, u32)> {
    let text = pdf_page_text(&pdf(), 2);
    assert!(
        text.contains("もくじ"),
        "page 2 is not the table of contents:\n{text}"
    );
    text.lines()
        .filter(|l| !l.contains(" / "))
        .filter_map(|l| {
            let l = l.trim();
            let (title, num) = l.rsplit_once(' ')?;
            Some((title.trim().to_string(), num.parse().ok()?))
        })
        .collect()
}

fn page_count(pdf: &Path) -> u32 {
    let info = tool("pdfinfo", &[pdf.as_os_str()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count")
}

#[test]
fn print_page_has_a_cover_contents_every_chapter_and_every_provider() {
    let h = print_page();
    assert!(h.contains(
        "<h1 id=\"cover-title\" class=\"cover-title\">みどり市 介護と医療サポートガイド</h1>"
    ));
    assert_eq!(
        h.matches("<li><a href=\"#ch-").count(),
        CHAPTERS.len(),
        "one TOC entry per chapter"
    );
    assert!(h.contains("<a href=\"#index\">"), "TOC lists the index");
    for title in CHAPTERS {
        assert!(
            h.contains(&format!("--title\">{title}</h1>")),
            "chapter {title}"
        );
    }
    // Every provider is listed once with an anchor, under its category.
    let yaml: usize = std::fs::read_dir(root().join("content/providers"))
        .unwrap()
        .map(|e| {
            std::fs::read_to_string(e.unwrap().path())
                .unwrap()
                .lines()
                .filter(|l| l.starts_with("- id: "))
                .count()
        })
        .sum::<usize>();
    assert!(yaml >= 60, "{yaml}");
    assert_eq!(h.matches("<th scope=\"row\" id=\"p-").count(), yaml);
    assert_eq!(
        h.matches("<th scope=\"col\" class=\"col-name\">名称・所在地</th>")
            .count(),
        10,
        "a table per category"
    );
    for col in ["電話", "対応<wbr>サービス", "受入<wbr>状況"] {
        assert!(h.contains(&format!(">{col}</th>")), "{col} column");
    }
    // Running heads: a named page per chapter carrying its title; the provider lists,
    // which run on one after another, share one.
    assert!(
        h.contains("@page ch-1 { @top-right { content: \"はじめに\"; } }"),
        "running head rule"
    );
    assert!(
        h.contains("@page ch-7 { @top-right { content: \"医療・介護の事業所一覧\"; } }"),
        "running head of the provider lists"
    );
    assert!(!h.contains("@page ch-8 "), "{h}");
    // QR codes on the cover and on each of the 10 provider parts.
    assert_eq!(h.matches("<svg role=\"img\"").count(), 11);
    // Services are shown by symbol with a legend, never by colour alone.
    assert!(h.contains("<span class=\"legend-item\"><span class=\"mark\">●</span>訪問診療</span>"));
    assert!(
        h.contains("<tfoot><tr><td colspan=\"4\" class=\"legend\">"),
        "legend at each table's foot"
    );
    // Data confirmation dates on the imprint page.
    assert!(h.contains("掲載情報の確認日"));
    assert!(
        h.contains("令和7年3月1日（2025年3月1日） から"),
        "oldest confirmation date"
    );
    // The PDF was built too, so the print page links to it.
    assert!(h.contains("support.pdf\">PDF 版を開く</a>"));
}

#[test]
fn pdf_is_a4_with_a_page_count_for_saddle_stitching() {
    let info = tool("pdfinfo", &[pdf().as_os_str()]);
    assert!(
        info.contains("Page size:       594.96 x 841.92 pts (A4)"),
        "{info}"
    );
    let n = page_count(&pdf());
    assert_eq!(n % 4, 0, "{n} pages cannot be saddle stitched");
    assert!(
        info.contains("Title:           みどり市 介護と医療サポートガイド"),
        "{info}"
    );
}

#[test]
fn contents_page_numbers_are_where_chapters_really_start_with_running_heads() {
    let toc = toc();
    let titles: Vec<&str> = toc.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(&titles[..CHAPTERS.len()], CHAPTERS, "TOC in chapter order");
    assert_eq!(
        titles.last().copied(),
        Some("さくいん（事業所名の五十音順）")
    );
    let total = page_count(&pdf());
    let head = |p: u32| {
        pdf_page_text(&pdf(), p)
            .lines()
            .find(|l| !l.trim().is_empty())
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    // The six pages chapters, then the ten provider lists, which run on one after another.
    let pages_end = CHAPTERS.len() - 10;
    for (i, (title, page)) in toc.iter().enumerate() {
        let text = pdf_page_text(&pdf(), *page);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        // First line: the running head (guide title left, chapter right).
        assert!(
            lines[0].contains("みどり市 介護と医療サポートガイド"),
            "p{page}: {}",
            lines[0]
        );
        if i < pages_end {
            // A chapter of its own starts a page, and every page of it carries its title.
            assert_eq!(lines[1].trim(), title, "page {page} should start «{title}»");
            let end = toc.get(i + 1).map_or(total, |(_, p)| *p);
            for p in *page..end {
                assert!(
                    head(p).ends_with(title.as_str()),
                    "p{p} head «{}» for {title}",
                    head(p)
                );
            }
        } else if i < CHAPTERS.len() {
            // A provider list starts where the one before ends, under the lists' shared head.
            assert!(
                lines.iter().any(|l| l.trim() == title),
                "«{title}» is not on page {page}:\n{text}"
            );
            let end = toc.get(i + 1).map_or(total, |(_, p)| *p);
            for p in *page..end {
                assert!(
                    head(p).ends_with("医療・介護の事業所一覧"),
                    "p{p} head «{}»",
                    head(p)
                );
            }
        } else {
            assert_eq!(lines[1].trim(), title, "page {page} should start «{title}»");
        }
    }
    // Page X / Y in the footer.
    let p3 = pdf_page_text(&pdf(), 3);
    assert!(p3.contains(&format!("3 / {total}")), "{p3}");
}

#[test]
fn index_page_numbers_point_at_the_page_listing_each_provider() {
    let (_, start) = toc().into_iter().last().unwrap();
    let mut checked = 0;
    for page in start..start + 2 {
        for line in pdf_page_text(&pdf(), page).lines() {
            // Two columns per line: "name ..... 17     name ..... 15".
            let words: Vec<&str> = line.split_whitespace().collect();
            for pair in words.windows(2) {
                let (name, n) = (pair[0], pair[1].parse::<u32>());
                let facility = ["医院", "薬局", "病院"].iter().any(|s| name.ends_with(s));
                if let (Ok(n), true) = (n, facility) {
                    // Long names wrap inside table cells, so look for their start.
                    let start: String = name.chars().take(6).collect();
                    let target = pdf_page_text(&pdf(), n);
                    assert!(target.contains(&start), "index says {name} is on p{n}");
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 5, "only {checked} index entries checked");
}

#[test]
fn fonts_are_embedded_truetype_subsets_not_type3() {
    let fonts = tool("pdffonts", &[pdf().as_os_str()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for r in rows {
        assert!(!r.contains("Type 3"), "Type 3 font: {r}");
        assert!(r.contains("CID TrueType"), "{r}");
        assert!(
            r.contains("yes yes yes"),
            "not an embedded subset with ToUnicode: {r}"
        );
    }
}

#[test]
fn bookmarks_exist_for_every_chapter() {
    let doc = lopdf::Document::load(pdf()).unwrap();
    let outlines = doc
        .catalog()
        .unwrap()
        .get(b"Outlines")
        .unwrap()
        .as_reference()
        .unwrap();
    let mut titles = Vec::new();
    let mut next = doc
        .get_dictionary(outlines)
        .unwrap()
        .get(b"First")
        .ok()
        .and_then(|o| o.as_reference().ok());
    while let Some(id) = next {
        let item = doc.get_dictionary(id).unwrap();
        let raw = item.get(b"Title").unwrap().as_str().unwrap();
        let utf16: Vec<u16> = raw[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        titles.push(String::from_utf16(&utf16).unwrap());
        next = item.get(b"Next").ok().and_then(|o| o.as_reference().ok());
    }
    for c in CHAPTERS {
        assert!(
            titles.iter().any(|t| t == c),
            "no bookmark for {c}: {titles:?}"
        );
    }
}

/// Renders a PDF page and decodes every QR code on it with rqrr.
fn qr_codes_on(pdf: &Path, page: u32) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let prefix = dir.path().join("p");
    let p = page.to_string();
    tool(
        "pdftoppm",
        &[
            OsStr::new("-r"),
            OsStr::new("300"),
            OsStr::new("-gray"),
            OsStr::new("-f"),
            OsStr::new(&p),
            OsStr::new("-l"),
            OsStr::new(&p),
            pdf.as_os_str(),
            prefix.as_os_str(),
        ],
    );
    let pgm = files(dir.path()).into_iter().next().expect("rendered page");
    let img = common::Gray::read(&pgm);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(img.width, img.height, |x, y| img.at(x, y));
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|g| g.decode().ok().map(|(_, s)| s))
        .collect()
}

#[test]
fn qr_codes_decode_to_the_always_current_web_pages() {
    assert_eq!(qr_codes_on(&pdf(), 1), vec![BASE_URL.to_string()], "cover");
    let hospital = toc().into_iter().find(|(t, _)| t == "病院").unwrap().1;
    assert_eq!(
        qr_codes_on(&pdf(), hospital),
        vec![format!("{BASE_URL}providers/category/hospital/")]
    );
}

#[test]
fn the_same_input_gives_the_same_pdf_bytes() {
    // `tsunagu pdf` (with minified templates) and `build --pdf --no-minify`, in other
    // processes and at other times: the same guide to the byte.
    let (dir, _) = common::sample_pdfs();
    let again = std::fs::read(dir.path().join("support.pdf")).unwrap();
    assert!(
        again == std::fs::read(pdf()).unwrap(),
        "tsunagu pdf and build --pdf differ, or output is not deterministic"
    );
}

#[test]
fn missing_chromium_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = bin()
        .args(["pdf", "--root"])
        .arg(root())
        .args(["--chromium", "/nonexistent/chromium", "--output"])
        .arg(dir.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("Chromium「/nonexistent/chromium」が見つかりません"),
        "{err}"
    );
    assert!(!err.contains("panicked"));
    let o = bin()
        .args(["pdf", "nope", "--root"])
        .arg(root())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.contains("「nope」という印刷物はありません")
            && err.contains("support")
            && err.contains("watashi-note")
            && err.contains("zaitaku-iryo-handout"),
        "{err}"
    );
}

#[test]
fn changing_one_phone_number_changes_it_on_the_web_the_print_page_and_the_pdf_only() {
    let (old, new) = ("0990-12-2468", "0990-12-9753");
    // The sample as built once for this file is the "before"; a copy (with the audit
    // record, which the results page is made from) gets the new number.
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    std::fs::create_dir_all(dir.path().join("audit")).unwrap();
    std::fs::copy(
        root().join("audit/results.json"),
        dir.path().join("audit/results.json"),
    )
    .unwrap();
    let before = sample();
    let yaml = dir.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert_eq!(text.matches(old).count(), 1, "fixture phone must be unique");
    std::fs::write(&yaml, text.replace(old, new)).unwrap();
    let after = build(dir.path(), &["--no-minify", "--pdf"]);

    let snapshot = |out: &Path| -> BTreeMap<PathBuf, Vec<u8>> {
        files(out)
            .into_iter()
            .map(|f| {
                (
                    f.strip_prefix(out).unwrap().to_path_buf(),
                    std::fs::read(&f).unwrap(),
                )
            })
            .collect()
    };
    let (a, b) = (snapshot(&before.out), snapshot(&after.out));
    assert_eq!(a.keys().collect::<Vec<_>>(), b.keys().collect::<Vec<_>>());
    // The marker names the site's generation (a hash of what it holds): not a page.
    let changed: Vec<&PathBuf> = a
        .keys()
        .filter(|k| a[*k] != b[*k] && **k != Path::new(".tsunagu-output"))
        .collect();
    let pdf = PathBuf::from("guide/support/support.pdf");
    // PDFs compress their text: read it with poppler.
    let text_of = |out: &Path, k: &Path| -> String {
        if k.extension() == Some(OsStr::new("pdf")) {
            tool("pdftotext", &[out.join(k).as_os_str(), OsStr::new("-")])
        } else {
            String::from_utf8_lossy(&std::fs::read(out.join(k)).unwrap()).into_owned()
        }
    };
    for k in &changed {
        let (x, y) = (text_of(&before.out, k), text_of(&after.out, k));
        // On failure, say what differs: text, or only bytes (layout, fonts).
        let first_diff = x
            .lines()
            .zip(y.lines())
            .find(|(a, b)| a != b)
            .map(|(a, b)| format!("{a:?} → {b:?}"))
            .unwrap_or_else(|| "same text, other bytes".into());
        assert!(
            x.contains(old) && y.contains(new) && !y.contains(old),
            "{} changed for another reason: {first_diff}",
            k.display()
        );
    }
    // Exactly the files that showed the old number changed, PDFs included.
    let showing: Vec<&PathBuf> = a
        .keys()
        .filter(|k| !k.starts_with(".tsunagu") && text_of(&before.out, k).contains(old))
        .collect();
    let mut expected = showing.clone();
    expected.sort();
    assert_eq!(changed, expected);
    assert!(
        changed
            .iter()
            .any(|k| k.ends_with("providers/honcho-naika-clinic/index.html")),
        "{changed:?}"
    );
    assert!(
        changed.iter().any(|k| k.starts_with("guide/support/print")),
        "{changed:?}"
    );
    let pdf_text = tool(
        "pdftotext",
        &[after.out.join(&pdf).as_os_str(), OsStr::new("-")],
    );
    assert!(pdf_text.contains(new) && !pdf_text.contains(old));
}

#[test]
fn provider_tables_repeat_their_header_row_and_legend_on_continued_pages() {
    let toc = toc();
    let first = toc[CHAPTERS.len() - 10].1;
    let index = toc.last().unwrap().1;
    let mut continued = 0;
    for p in first..index {
        let text = pdf_page_text(&pdf(), p);
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        if CHAPTERS.iter().any(|t| lines[1].trim() == *t) {
            continue;
        }
        // A page that does not open a list continues one: header row first, legend below.
        assert!(
            lines[1].contains("名称・所在地") && lines[1].contains("電話"),
            "p{p} lacks the header row: {:?}",
            &lines[..3]
        );
        assert!(
            text.contains("受入状況 ○受け入れている"),
            "p{p} lacks the legend:\n{text}"
        );
        continued += 1;
    }
    assert!(
        continued >= 1,
        "only {continued} continued table pages in the sample"
    );
}

/// pdfinfo's page boxes of page 1, with runs of spaces folded to one.
fn boxes(pdf: &Path) -> String {
    let raw = tool(
        "pdfinfo",
        &[
            OsStr::new("-box"),
            OsStr::new("-f"),
            OsStr::new("1"),
            OsStr::new("-l"),
            OsStr::new("1"),
            pdf.as_os_str(),
        ],
    );
    raw.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn office_output_has_no_crop_marks_and_print_shop_output_has_trim_bleed_and_marks() {
    let plain = boxes(&pdf());
    assert!(
        plain.contains("MediaBox: 0.00 0.00 594.96 841.92"),
        "{plain}"
    );
    assert!(
        plain.contains("TrimBox: 0.00 0.00 594.96 841.92"),
        "{plain}"
    );

    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    let toml = std::fs::read_to_string(dir.path().join("site.toml")).unwrap();
    std::fs::write(
        dir.path().join("site.toml"),
        toml.replace(
            "saddle_stitch = true",
            "saddle_stitch = true\ncrop_marks = true",
        ),
    )
    .unwrap();
    let o = bin()
        .args(["pdf", "support", "--root"])
        .arg(dir.path())
        .arg("--output")
        .arg(dir.path().join("pdf"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let marked = dir.path().join("pdf/support.pdf");
    let b = boxes(&marked);
    assert!(b.contains("TrimBox: 0.00 0.00 594.96 841.92"), "{b}");
    assert!(b.contains("BleedBox: -8.50 -8.50 603.46 850.42"), "{b}");
    assert!(b.contains("MediaBox: -36.85 -36.85 631.81 878.77"), "{b}");
    // The marks are drawn: dark pixels in the corner outside the bleed, none at the corner itself.
    let out = dir.path().join("r");
    tool(
        "pdftoppm",
        &[
            OsStr::new("-r"),
            OsStr::new("72"),
            OsStr::new("-gray"),
            OsStr::new("-f"),
            OsStr::new("1"),
            OsStr::new("-l"),
            OsStr::new("1"),
            marked.as_os_str(),
            out.as_os_str(),
        ],
    );
    let pgm = files(dir.path())
        .into_iter()
        .find(|f| f.extension().is_some_and(|e| e == "pgm"))
        .unwrap();
    let img = common::Gray::read(&pgm);
    // Top-left: the horizontal mark runs along y = 36.85 (the trim edge) from x = 0 to 28.
    let dark = (0..28)
        .filter(|x| (35..=38).any(|y| img.at(*x, y) < 128))
        .count();
    assert!(
        dark > 15,
        "no crop mark at the top-left corner ({dark} dark pixels)"
    );
    assert!(img.at(2, 2) > 200, "the far corner stays blank");
    assert_eq!(page_count(&marked) % 4, 0);
}
