//! Lectures (出前講座): one Markdown file gives the slides, the handout and the speaker's copy.
//!
//! A page with `template: lecture` is split into slides at lines holding only `---` (the
//! Marp convention). Inside a slide:
//!
//! - `::: notes` … `:::` holds speaker notes, which never appear on the slides;
//! - `::: providers category=houkatsu` (keys: category, area, service, group, limit) lists
//!   providers from the data, so the handout is current whenever it is printed;
//!   `area=lecture` means the area named in the lecture's front matter.
//!
//! Here a lecture is only read: its slides as written ([`SlideSource`]). They are filled
//! with the data and fitted to their frame when rendered (`outputs::slides`).

use crate::markdown;
use model::ProviderFilter;
use model::config::Config;

pub mod fit;

pub use model::lecture::{LectureMeta, Slide, SlidePiece, SlideSource};

pub struct Parsed {
    pub slides: Vec<SlideSource>,
    pub broken_links: Vec<(usize, String)>,
    /// Links to headings, checked when every page is read.
    pub anchors: Vec<markdown::Anchor>,
    /// Line within the body (1-based) and message.
    pub errors: Vec<(usize, String)>,
}

/// Rows a provider table may ever have on one slide.
pub const MAX_LIMIT: usize = 30;

pub fn parse(body: &str, cx: &markdown::Context, meta: &LectureMeta, config: &Config) -> Parsed {
    // Byte range and first line of each slide: split at `---` lines outside code.
    let mut ranges = Vec::new();
    let mut in_fence = false;
    let (mut start, mut start_line, mut offset) = (0, 1, 0);
    for (i, line) in body.split_inclusive('\n').enumerate() {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && t == "---" {
            ranges.push((start, offset, start_line));
            start = offset + line.len();
            start_line = i + 2;
        }
        offset += line.len();
    }
    ranges.push((start, body.len(), start_line));

    let mut slides = Vec::new();
    let mut errors = Vec::new();
    let mut broken = markdown::LinkRefs::default();
    for (from, to, line) in ranges {
        let src = &body[from..to];
        if src.trim().is_empty() {
            continue;
        }
        let read = Slide1 {
            cx,
            meta,
            config,
            errors: &mut errors,
            broken: &mut broken,
        };
        slides.push(read.slide(src, from, line));
    }
    if slides.is_empty() && errors.is_empty() {
        errors.push((
            1,
            "スライドがありません。「---」だけの行でスライドを区切って書いてください".into(),
        ));
    }
    Parsed {
        slides,
        broken_links: broken.broken,
        anchors: broken.anchors,
        errors,
    }
}

/// Reads one slide; problems go to `errors`.
struct Slide1<'a> {
    cx: &'a markdown::Context<'a>,
    meta: &'a LectureMeta,
    config: &'a Config,
    errors: &'a mut Vec<(usize, String)>,
    broken: &'a mut markdown::LinkRefs,
}

impl Slide1<'_> {
    fn slide(self, src: &str, offset: usize, first_line: usize) -> SlideSource {
        let Slide1 {
            cx,
            meta,
            config,
            errors,
            broken,
        } = self;
        let mut pieces: Vec<SlidePiece> = Vec::new();
        let mut notes_md = String::new();
        let mut md = String::new();
        let mut md_start = offset;
        let mut pos = offset;
        let mut in_notes: Option<usize> = None;
        let mut in_fence = false;
        let flush = |md: &mut String,
                     md_start: usize,
                     pieces: &mut Vec<SlidePiece>,
                     broken: &mut markdown::LinkRefs| {
            if !md.trim().is_empty() {
                let mut r = markdown::render(md, cx);
                broken.add(&mut r, md_start);
                pieces.push(SlidePiece::Html(r.html));
            }
            md.clear();
        };
        for (i, line) in src.split_inclusive('\n').enumerate() {
            let line_no = first_line + i;
            let t = line.trim();
            if t.starts_with("```") || t.starts_with("~~~") {
                in_fence = !in_fence;
            }
            let directive = !in_fence && t.starts_with(":::");
            if let Some(open) = in_notes {
                if directive && t == ":::" {
                    in_notes = None;
                } else if directive {
                    errors.push((
                        open,
                        "「::: notes」が「:::」だけの行で閉じられていません".into(),
                    ));
                    in_notes = None;
                } else {
                    notes_md.push_str(line);
                }
            } else if directive {
                flush(&mut md, md_start, &mut pieces, broken);
                let spec = t.trim_start_matches(':').trim();
                let (word, args) = spec.split_once(char::is_whitespace).unwrap_or((spec, ""));
                match word {
                    "notes" => in_notes = Some(line_no),
                    "providers" => match provider_filter(args, meta, config) {
                        Ok((filter, limit)) => pieces.push(SlidePiece::Table {
                            line: line_no,
                            filter,
                            limit,
                        }),
                        Err(e) => errors.push((line_no, e)),
                    },
                    "" => errors.push((line_no, "対応する「::: notes」がないのに「:::」があります".into())),
                    other => errors.push((line_no, format!("「::: {other}」は講座のスライドでは使えません（notes と providers が使えます）"))),
                }
            } else {
                if md.is_empty() {
                    md_start = pos;
                }
                md.push_str(line);
            }
            pos += line.len();
        }
        if let Some(open) = in_notes {
            errors.push((
                open,
                "「::: notes」が「:::」だけの行で閉じられていません".into(),
            ));
        }
        flush(&mut md, md_start, &mut pieces, broken);
        let notes = if notes_md.trim().is_empty() {
            String::new()
        } else {
            markdown::render(&notes_md, cx).html
        };
        SlideSource {
            pieces,
            notes,
            // The slide's first written line, not the blank after `---`.
            line: first_line + src.lines().take_while(|l| l.trim().is_empty()).count(),
        }
    }
}

/// `category=clinic service=houmon-shinryo area=lecture limit=6` → which providers to list,
/// and the limit when one is written.
fn provider_filter(
    args: &str,
    meta: &LectureMeta,
    config: &Config,
) -> Result<(ProviderFilter, Option<usize>), String> {
    let mut limit = None;
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for pair in args.split_whitespace() {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "「{pair}」は「名前=値」の形で書いてください（例: category=houkatsu）"
            ));
        };
        match (k, v) {
            ("limit", v) => {
                limit = Some(
                    v.parse()
                        .ok()
                        .filter(|n| (1..=MAX_LIMIT).contains(n))
                        .ok_or("limit には 1〜30 の数を書いてください")?,
                )
            }
            // The area named in the lecture's front matter.
            ("area", "lecture") => match &meta.area {
                Some(a) => pairs.push(("area", a.as_str())),
                None => {
                    return Err(
                        "area=lecture には、front matter の lecture: に area を書いてください"
                            .into(),
                    );
                }
            },
            _ => pairs.push((k, v)),
        }
    }
    let filter = ProviderFilter::from_pairs(pairs, config)
        .map_err(|e| format!("{e}（limit も使えます）"))?;
    Ok((filter, limit))
}
