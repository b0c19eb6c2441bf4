//! An Atom feed of the news section (`feed_section` in site.toml), newest first.

use super::{Content, OutputFile, RenderContext, Renderer};
use diagnostics::Diagnostics;
use markup::markdown::escape;

pub struct AtomFeed;

const MAX_ENTRIES: usize = 30;

impl Renderer for AtomFeed {
    fn name(&self) -> &'static str {
        "feed"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        let c = &site.config;
        let section_path = format!("{}/", c.feed_section);
        let Some(section) = site.sections.iter().find(|s| s.path == section_path) else {
            return Ok(Vec::new());
        };
        let mut entries: Vec<_> = section.pages.iter().map(|i| &site.pages[*i]).collect();
        entries.sort_by(|a, b| (b.meta.date, &a.path).cmp(&(a.meta.date, &b.path)));
        entries.truncate(MAX_ENTRIES);
        // The feed's date is its newest entry's, never the build time: same input, same bytes.
        let updated = entries
            .iter()
            .filter_map(|p| p.meta.date)
            .max()
            .map(|d| d.to_string())
            .unwrap_or_else(|| site.today.to_string());
        let feed_url = format!("{}{section_path}atom.xml", c.base_url);
        let mut x = String::new();
        x.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
        x.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"ja\">\n");
        x.push_str(&format!(
            "  <title>{}（{}）</title>\n",
            escape(&section.meta.title),
            escape(&c.title)
        ));
        x.push_str(&format!(
            "  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
            escape(&feed_url)
        ));
        x.push_str(&format!(
            "  <link rel=\"alternate\" type=\"text/html\" href=\"{}{section_path}\"/>\n",
            escape(&c.base_url)
        ));
        x.push_str(&format!("  <id>{}</id>\n", escape(&feed_url)));
        x.push_str(&format!("  <updated>{updated}T00:00:00+09:00</updated>\n"));
        x.push_str(&format!(
            "  <author><name>{}</name></author>\n",
            escape(&author(site))
        ));
        for p in entries {
            let url = format!("{}{}", c.base_url, p.path);
            let date = p
                .meta
                .date
                .map(|d| d.to_string())
                .unwrap_or_else(|| updated.clone());
            x.push_str("  <entry>\n");
            x.push_str(&format!("    <title>{}</title>\n", escape(&p.meta.title)));
            x.push_str(&format!(
                "    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
                escape(&url)
            ));
            x.push_str(&format!("    <id>{}</id>\n", escape(&url)));
            x.push_str(&format!("    <updated>{date}T00:00:00+09:00</updated>\n"));
            x.push_str(&format!("    <summary>{}</summary>\n", escape(&p.summary)));
            // Feed readers have no page to resolve site links against.
            let content = super::absolute_links(&super::web::body_html(site, p), c, &p.path);
            x.push_str(&format!(
                "    <content type=\"html\">{}</content>\n",
                escape(&content)
            ));
            x.push_str("  </entry>\n");
        }
        x.push_str("</feed>\n");
        Ok(vec![OutputFile {
            path: format!("{section_path}atom.xml").into(),
            content: Content::Bytes(x.into_bytes()),
        }])
    }
}

fn author(site: &model::Site) -> String {
    let m = &site.config.municipality;
    if m.department.is_empty() {
        m.name.clone()
    } else {
        format!("{} {}", m.name, m.department)
    }
}
