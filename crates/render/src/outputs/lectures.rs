//! Lecture outputs beside each lecture's slide deck: the handout (配布資料, 2, 3 or 6
//! slides per A4 page) and the speaker's copy with notes. All three pages are
//! self-contained (styles, script and images inline) so they work from a USB stick.

use serde::Serialize;
use tera::Context;

use super::{Content, OutputFile, RenderContext, Renderer, index_file};
use diagnostics::{Diagnostic, Diagnostics};
use model::config::Group;
use model::{Page, Site, wareki};

pub struct Lectures;

impl Renderer for Lectures {
    fn name(&self) -> &'static str {
        "lectures"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let mut out = Vec::new();
        for p in cx
            .site
            .pages
            .iter()
            .filter(|p| p.kind == model::PageKind::Lecture)
        {
            for (kind, tpl) in [
                ("handout", "lecture/handout.html"),
                ("speaker", "lecture/speaker.html"),
            ] {
                let html = page_html(cx, p, tpl).map_err(Diagnostics::from)?;
                out.push(OutputFile {
                    path: index_file(&format!("{}{kind}/", p.path)),
                    content: Content::Html(html),
                });
            }
        }
        Ok(out)
    }
}

/// The handout or the speaker's copy as a standalone page (for the PDFs).
pub fn standalone_html(cx: &RenderContext, p: &Page, template: &str) -> Result<String, Diagnostic> {
    page_html(cx, p, template)
}

fn page_html(cx: &RenderContext, p: &Page, template: &str) -> Result<String, Diagnostic> {
    let mut ctx = Context::new();
    ctx.insert("lecture", &lecture_view(cx.site, p));
    cx.templates.render(template, &ctx, &p.source)
}

#[derive(Serialize)]
pub struct LectureView {
    pub title: String,
    pub title_css: String,
    pub date: Option<String>,
    pub date_label: String,
    pub date_css: String,
    pub place: String,
    pub time: String,
    pub speaker: String,
    pub organiser: String,
    pub contact: String,
    pub contact_css: String,
    pub per_page: u8,
    pub slides: Vec<SlideView>,
    /// Slides split into printed sheets of `per_page`.
    pub sheets: Vec<Vec<SlideView>>,
    pub web_url: String,
}

#[derive(Serialize, Clone)]
pub struct SlideView {
    pub n: usize,
    pub html: String,
    pub notes: String,
}

pub fn lecture_view(site: &Site, p: &Page) -> LectureView {
    let meta = p.meta.lecture.clone().unwrap_or_default();
    let date_label = p.meta.date.map(wareki::both).unwrap_or_default();
    let contact = contact_line(site, meta.contact.as_deref(), meta.area.as_deref());
    let slides: Vec<SlideView> = super::slides::render(site, p)
        .0
        .iter()
        .enumerate()
        .map(|(i, s)| SlideView {
            n: i + 1,
            html: super::standalone::inline_images(site, &s.html),
            notes: super::standalone::inline_images(site, &s.notes),
        })
        .collect();
    let per_page = meta.handout.max(1);
    let sheets = slides
        .chunks(per_page as usize)
        .map(<[SlideView]>::to_vec)
        .collect();
    LectureView {
        title_css: super::print_guide::css_string(&p.meta.title),
        title: p.meta.title.clone(),
        date: p.meta.date.map(|d| d.to_string()),
        date_css: super::print_guide::css_string(&date_label),
        date_label,
        place: meta.place,
        time: meta.time,
        speaker: meta.speaker,
        organiser: meta.organiser,
        contact_css: super::print_guide::css_string(&contact),
        contact,
        per_page,
        slides,
        sheets,
        web_url: format!("{}{}", site.config.base_url, p.path),
    }
}

/// 「問い合わせ: 名前 電話 …」: the named provider, else the consultation window of the
/// lecture's area, else the city office.
fn contact_line(site: &Site, id: Option<&str>, area: Option<&str>) -> String {
    let consultation =
        |p: &&std::sync::Arc<model::Provider>| site.group_of(p) == Some(Group::Consultation);
    let chosen = match id {
        Some(id) => site.providers.iter().find(|p| p.id == id),
        None => site
            .providers
            .iter()
            .filter(consultation)
            .find(|p| area.is_some_and(|a| p.area == a))
            .or_else(|| site.providers.iter().find(consultation)),
    };
    let m = &site.config.municipality;
    match chosen {
        Some(p) => format!("問い合わせ: {} 電話 {}", p.name, p.phone.as_str()),
        None if !m.phone.is_empty() => {
            format!("問い合わせ: {}{} 電話 {}", m.name, m.department, m.phone)
        }
        None => format!("{}{}", m.name, m.department),
    }
}
