//! Lectures (出前講座): one Markdown file gives the slides, the handout and the speaker's copy.
//!
//! A page with `template: lecture` is split into slides at lines holding only `---` (the
//! Marp convention). Inside a slide:
//!
//! - `::: notes` … `:::` holds speaker notes, which never appear on the slides;
//! - `::: providers category=houkatsu` (keys: category, area, service, group, limit) lists
//!   providers from the data, so the handout is current whenever it is printed;
//!   `area=lecture` means the area named in the lecture's front matter.

use std::sync::Arc;

use crate::load::config::Config;
use crate::markdown::{self, escape};
use crate::model::{Provider, ProviderFilter};

pub mod fit;

pub use crate::model::lecture::{LectureMeta, Slide};

pub struct Parsed {
    pub slides: Vec<Slide>,
    pub broken_links: Vec<(usize, String)>,
    /// Links to headings, checked when every page is read.
    pub anchors: Vec<markdown::Anchor>,
    /// Line within the body (1-based) and message.
    pub errors: Vec<(usize, String)>,
    /// Slides whose content does not fit their frame: line and message.
    pub warnings: Vec<(usize, String)>,
}

/// Rows a provider table may ever have on one slide.
const MAX_LIMIT: usize = 30;

pub fn parse(
    body: &str,
    cx: &markdown::Context,
    meta: &LectureMeta,
    config: &Config,
    providers: &[Arc<Provider>],
) -> Parsed {
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
    let mut warnings = Vec::new();
    let mut broken = markdown::LinkRefs::default();
    for (from, to, line) in ranges {
        let out = Out {
            slides: &mut slides,
            errors: &mut errors,
            warnings: &mut warnings,
            broken: &mut broken,
        };
        push_slide(
            &body[from..to],
            from,
            line,
            cx,
            meta,
            config,
            providers,
            out,
        );
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
        warnings,
    }
}

/// Where a slide's results go.
struct Out<'a> {
    slides: &'a mut Vec<Slide>,
    errors: &'a mut Vec<(usize, String)>,
    warnings: &'a mut Vec<(usize, String)>,
    broken: &'a mut markdown::LinkRefs,
}

/// A slide is Markdown and provider tables, whose length is settled once the whole
/// slide is known.
enum Piece {
    Html(String),
    Table {
        line: usize,
        rows: Vec<TableRow>,
        limit: Option<usize>,
        shown: usize,
    },
}

struct TableRow {
    name: String,
    area: String,
    phone: String,
}

#[allow(clippy::too_many_arguments)]
fn push_slide(
    src: &str,
    offset: usize,
    first_line: usize,
    cx: &markdown::Context,
    meta: &LectureMeta,
    config: &Config,
    providers: &[Arc<Provider>],
    out: Out,
) {
    if src.trim().is_empty() {
        return;
    }
    let Out {
        slides,
        errors,
        warnings,
        broken,
    } = out;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut notes_md = String::new();
    let mut md = String::new();
    let mut md_start = offset;
    let mut pos = offset;
    let mut in_notes: Option<usize> = None;
    let mut in_fence = false;
    let flush = |md: &mut String,
                 md_start: usize,
                 pieces: &mut Vec<Piece>,
                 broken: &mut markdown::LinkRefs| {
        if !md.trim().is_empty() {
            let mut r = markdown::render(md, cx);
            broken.add(&mut r, md_start);
            pieces.push(Piece::Html(r.html));
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
                "providers" => match provider_rows(args, meta, config, providers) {
                    Ok((rows, limit)) => pieces.push(Piece::Table {
                        line: line_no,
                        shown: 0,
                        rows,
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
    settle_tables(&mut pieces, warnings);
    let html: String = pieces.iter().map(piece_html).collect();
    let over = fit::height(&html) - fit::INNER_HEIGHT;
    if over > 0.0 {
        let line = pieces
            .iter()
            .find_map(|p| match p {
                Piece::Table { line, .. } => Some(*line),
                Piece::Html(_) => None,
            })
            .unwrap_or_else(|| {
                // The slide's first written line, not the blank after `---`.
                first_line + src.lines().take_while(|l| l.trim().is_empty()).count()
            });
        warnings.push((
            line,
            fit::overflow_message("このスライドは内容が枠に入りきらず", over),
        ));
    }
    let notes = if notes_md.trim().is_empty() {
        String::new()
    } else {
        markdown::render(&notes_md, cx).html
    };
    slides.push(Slide { html, notes });
}

/// Gives each provider table as many rows as the slide has room for (or its `limit`,
/// when that is fewer). Text is never made smaller: a `limit` the slide cannot hold is
/// cut to what fits, and said.
fn settle_tables(pieces: &mut [Piece], warnings: &mut Vec<(usize, String)>) {
    for i in 0..pieces.len() {
        let Piece::Table { rows, limit, .. } = &pieces[i] else {
            continue;
        };
        let most = limit.unwrap_or(MAX_LIMIT).min(rows.len());
        let wanted = *limit;
        let mut fits = 1;
        for n in 1..=most {
            set_shown(&mut pieces[i], n);
            let html: String = pieces.iter().map(piece_html).collect();
            if n > 1 && fit::height(&html) > fit::INNER_HEIGHT {
                break;
            }
            fits = n;
        }
        set_shown(&mut pieces[i], fits);
        if let (Some(w), Piece::Table { line, rows, .. }) = (wanted, &pieces[i])
            && fits < w.min(rows.len())
        {
            warnings.push((
                *line,
                format!(
                    "limit={w} ですが、このスライドに入る事業所は{fits}行までです。{fits}行と「ほか{}か所」にしました",
                    rows.len() - fits
                ),
            ));
        }
    }
}

fn set_shown(piece: &mut Piece, n: usize) {
    if let Piece::Table { shown, .. } = piece {
        *shown = n;
    }
}

fn piece_html(piece: &Piece) -> String {
    match piece {
        Piece::Html(h) => h.clone(),
        Piece::Table { rows, shown, .. } => table_html(rows, *shown),
    }
}

/// `category=clinic service=houmon-shinryo area=lecture limit=6` → the providers to list,
/// and the limit when one is written.
fn provider_rows(
    args: &str,
    meta: &LectureMeta,
    config: &Config,
    providers: &[Arc<Provider>],
) -> Result<(Vec<TableRow>, Option<usize>), String> {
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
    let group_of = |p: &Provider| config.categories.get(&p.category).map(|c| c.group);
    let list: Vec<&Provider> = providers
        .iter()
        .map(|p| &**p)
        .filter(|p| filter.matches_in(p, group_of(p)))
        .collect();
    let rows = list
        .iter()
        .map(|p| TableRow {
            name: p.name.clone(),
            area: config
                .areas
                .get(&p.area)
                .map_or(String::new(), |a| a.label.clone()),
            phone: p.phone.as_str().to_string(),
        })
        .collect();
    Ok((rows, limit))
}

/// The first `shown` rows as a table, and how many more there are.
fn table_html(rows: &[TableRow], shown: usize) -> String {
    if rows.is_empty() {
        return "<p class=\"more\">いまは該当する事業所の登録がありません。</p>".into();
    }
    let mut h = String::from(
        "<table class=\"live\"><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">地域</th><th scope=\"col\">電話</th></tr></thead><tbody>",
    );
    for r in rows.iter().take(shown) {
        h.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"phone\">{}</td></tr>",
            escape(&r.name),
            escape(&r.area),
            escape(&r.phone)
        ));
    }
    h.push_str("</tbody></table>");
    if rows.len() > shown {
        h.push_str(&format!(
            "<p class=\"more\">ほか {} か所（ホームページでご覧いただけます）</p>",
            rows.len() - shown
        ));
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config() -> Config {
        crate::load::config::parse(
            "title='t'\nbase_url='https://e.jp/'\n[municipality]\nname='市'\ncode='131016'\n\
             [categories.houkatsu]\nlabel='包括'\ngroup='相談窓口'\n[areas.kita]\nlabel='北部'\n",
            &Default::default(),
        )
        .unwrap()
    }

    fn lecture(src: &str) -> Parsed {
        let pages = HashMap::new();
        let cx = markdown::Context {
            pages: &pages,
            directory: None,
            base_path: "/",
            allow_html: false,
        };
        parse(
            src,
            &cx,
            &LectureMeta {
                area: Some("kita".into()),
                ..Default::default()
            },
            &config(),
            &[],
        )
    }

    #[test]
    fn slides_split_at_rules_and_notes_stay_off_the_slides() {
        let p = lecture(
            "# 一枚目\n\n::: notes\nここは話すこと\n:::\n\n---\n\n## 二枚目\n\n```\n---\n```\n---\n三枚目\n",
        );
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert_eq!(p.slides.len(), 3);
        assert!(!p.slides[0].html.contains("話すこと"));
        assert!(p.slides[0].notes.contains("ここは話すこと"));
        assert!(
            p.slides[1].html.contains("<pre><code>---"),
            "--- inside code is not a split"
        );
    }

    #[test]
    fn provider_lists_come_from_the_data() {
        let p = lecture("::: providers category=houkatsu area=lecture\n");
        assert!(p.errors.is_empty(), "{:?}", p.errors);
        assert!(p.slides[0].html.contains("登録がありません"));
    }

    #[test]
    fn mistakes_name_their_line() {
        for (src, line, words) in [
            ("a\n---\n::: notes\nx\n", 3, "閉じられていません"),
            ("a\n\n::: provider category=houkatsu\n", 3, "provider"),
            ("::: providers category=nope\n", 1, "nope"),
            ("::: providers color=red\n", 1, "color"),
            ("::: providers limit=0\n", 1, "limit"),
            ("x\n---\ny\n:::\n", 4, "対応する"),
        ] {
            let p = lecture(src);
            assert_eq!(p.errors.len(), 1, "{src:?}: {:?}", p.errors);
            assert_eq!(p.errors[0].0, line, "{src:?}");
            assert!(p.errors[0].1.contains(words), "{src:?}: {}", p.errors[0].1);
        }
        assert!(lecture("\n\n").errors[0].1.contains("スライドがありません"));
    }
}
