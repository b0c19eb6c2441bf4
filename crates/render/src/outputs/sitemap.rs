//! `sitemap.xml` listing every page and provider page with its full URL.

use super::{Content, OutputFile, RenderContext, Renderer};
use diagnostics::Diagnostics;
use markup::markdown::escape;

pub struct Sitemap;

impl Renderer for Sitemap {
    fn name(&self) -> &'static str {
        "sitemap"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        // After an edit that changes no date and no list, the last sitemap still holds.
        if cx.sitemap_unchanged() {
            return Ok(Vec::new());
        }
        let site = cx.site;
        let base = &site.config.base_url;
        let mut entries: Vec<(String, Option<String>)> = Vec::new();
        for s in &site.sections {
            entries.push((s.path.clone(), s.meta.date.map(|d| d.to_string())));
        }
        for p in &site.pages {
            let date = p.meta.date.map(|d| d.to_string());
            if p.kind == model::PageKind::Lecture {
                for kind in ["handout", "speaker"] {
                    entries.push((format!("{}{kind}/", p.path), date.clone()));
                }
            }
            entries.push((p.path.clone(), date));
        }
        let providers = model::routes::PROVIDERS;
        if !site.sections.iter().any(|s| s.path == providers) {
            entries.push((providers.into(), None));
        }
        entries.push((model::routes::OPENDATA.into(), None));
        entries.push((model::routes::ACCESSIBILITY.into(), None));
        if let Some(a) = &site.audit {
            entries.push((
                model::routes::ACCESSIBILITY_RESULTS.into(),
                Some(a.date.to_string()),
            ));
        }
        for g in &site.guides {
            entries.push((g.print_path(), Some(g.edition.to_string())));
        }
        for p in &site.providers {
            entries.push((p.path(), Some(p.updated.to_string())));
        }
        for path in super::finder::page_paths(site) {
            entries.push((path, None));
        }
        for path in super::directory::list_page_paths(site) {
            entries.push((path, None));
        }
        entries.sort();
        let mut x = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        for (path, lastmod) in entries {
            x.push_str(&format!(
                "  <url>\n    <loc>{}</loc>\n",
                escape(&format!("{base}{path}"))
            ));
            if let Some(d) = lastmod {
                x.push_str(&format!("    <lastmod>{d}</lastmod>\n"));
            }
            x.push_str("  </url>\n");
        }
        x.push_str("</urlset>\n");
        Ok(vec![OutputFile {
            path: "sitemap.xml".into(),
            content: Content::Bytes(x.into_bytes()),
        }])
    }
}
