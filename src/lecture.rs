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

use serde::{Deserialize, Serialize};

use crate::load::config::Config;
use crate::markdown::{self, escape};
use crate::model::{Provider, ProviderFilter};

/// Front matter `lecture:` of a lecture page.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LectureMeta {
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub speaker: String,
    #[serde(default)]
    pub organiser: String,
    /// The audience's area (日常生活圏域), for `area=lecture` and the contact window.
    #[serde(default)]
    pub area: Option<String>,
    /// Provider id of the contact window printed on the handout.
    #[serde(default)]
    pub contact: Option<String>,
    /// Slides per handout page: 2, 3 (with note lines) or 6.
    #[serde(default = "default_handout")]
    pub handout: u8,
}

fn default_handout() -> u8 {
    3
}

impl Default for LectureMeta {
    fn default() -> Self {
        LectureMeta {
            place: String::new(),
            time: String::new(),
            speaker: String::new(),
            organiser: String::new(),
            area: None,
            contact: None,
            handout: default_handout(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Slide {
    pub html: String,
    pub notes: String,
}

pub struct Parsed {
    pub slides: Vec<Slide>,
    pub broken_links: Vec<(usize, String)>,
    /// Links to headings, checked when every page is read.
    pub anchors: Vec<markdown::Anchor>,
    /// Line within the body (1-based) and message.
    pub errors: Vec<(usize, String)>,
}

const DEFAULT_LIMIT: usize = 8;

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
    let mut broken = markdown::LinkRefs::default();
    for (from, to, line) in ranges {
        push_slide(
            &body[from..to],
            from,
            line,
            cx,
            meta,
            config,
            providers,
            &mut slides,
            &mut errors,
            &mut broken,
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
    }
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
    slides: &mut Vec<Slide>,
    errors: &mut Vec<(usize, String)>,
    broken: &mut markdown::LinkRefs,
) {
    if src.trim().is_empty() {
        return;
    }
    let mut html = String::new();
    let mut notes_md = String::new();
    let mut md = String::new();
    let mut md_start = offset;
    let mut pos = offset;
    let mut in_notes: Option<usize> = None;
    let mut in_fence = false;
    let flush =
        |md: &mut String, md_start: usize, html: &mut String, broken: &mut markdown::LinkRefs| {
            if !md.trim().is_empty() {
                let mut r = markdown::render(md, cx);
                broken.add(&mut r, md_start);
                html.push_str(&r.html);
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
            flush(&mut md, md_start, &mut html, broken);
            let spec = t.trim_start_matches(':').trim();
            let (word, args) = spec.split_once(char::is_whitespace).unwrap_or((spec, ""));
            match word {
                "notes" => in_notes = Some(line_no),
                "providers" => match provider_list(args, meta, config, providers) {
                    Ok(h) => html.push_str(&h),
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
    flush(&mut md, md_start, &mut html, broken);
    let notes = if notes_md.trim().is_empty() {
        String::new()
    } else {
        markdown::render(&notes_md, cx).html
    };
    slides.push(Slide { html, notes });
}

/// `category=clinic service=houmon-shinryo area=lecture limit=6` → a table of providers.
fn provider_list(
    args: &str,
    meta: &LectureMeta,
    config: &Config,
    providers: &[Arc<Provider>],
) -> Result<String, String> {
    let mut filter = ProviderFilter::default();
    let mut limit = DEFAULT_LIMIT;
    for pair in args.split_whitespace() {
        let Some((k, v)) = pair.split_once('=') else {
            return Err(format!(
                "「{pair}」は「名前=値」の形で書いてください（例: category=houkatsu）"
            ));
        };
        let v = v.to_string();
        match k {
            "category" if config.categories.contains_key(&v) => filter.category = Some(v),
            "service" if config.services.contains_key(&v) => filter.service = Some(v),
            "area" if v == "lecture" => match &meta.area {
                Some(a) => filter.area = Some(a.clone()),
                None => {
                    return Err(
                        "area=lecture には、front matter の lecture: に area を書いてください"
                            .into(),
                    );
                }
            },
            "area" if config.areas.contains_key(&v) => filter.area = Some(v),
            "group" if ["medical", "care", "consultation"].contains(&v.as_str()) => {
                filter.group = Some(v)
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|n| (1..=30).contains(n))
                    .ok_or("limit には 1〜30 の数を書いてください")?
            }
            "category" | "service" | "area" | "group" => {
                return Err(format!("{k}「{v}」は site.toml にありません"));
            }
            other => {
                return Err(format!(
                    "「{other}」は使えません（category, area, service, group, limit が使えます）"
                ));
            }
        }
    }
    let group_of = |p: &Provider| config.categories.get(&p.category).map(|c| c.group);
    let list: Vec<&Provider> = providers
        .iter()
        .map(|p| &**p)
        .filter(|p| filter.matches_in(p, group_of(p)))
        .collect();
    let mut h = String::from(
        "<table class=\"live\"><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">地域</th><th scope=\"col\">電話</th></tr></thead><tbody>",
    );
    for p in list.iter().take(limit) {
        let area = config.areas.get(&p.area).map_or("", |a| a.label.as_str());
        h.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"phone\">{}</td></tr>",
            escape(&p.name),
            escape(area),
            escape(p.phone.as_str())
        ));
    }
    h.push_str("</tbody></table>");
    if list.len() > limit {
        h.push_str(&format!(
            "<p class=\"more\">ほか {} か所（ホームページでご覧いただけます）</p>",
            list.len() - limit
        ));
    }
    if list.is_empty() {
        h = "<p class=\"more\">いまは該当する事業所の登録がありません。</p>".into();
    }
    Ok(h)
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
