//! A page of the site as one file for printing to PDF from a temporary folder: the
//! site's stylesheets inlined, scripts and the content security policy dropped (the
//! printed page is the one a reader gets without JavaScript).

use crate::model::Site;

pub fn inline(site: &Site, html: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64 * 1024);
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let Some(end) = tail.find('>') else {
            break;
        };
        let tag = &tail[..=end];
        rest = &tail[end + 1..];
        let policy = tag.starts_with("<meta") && tag.contains("Content-Security-Policy");
        if tag.starts_with("<script") {
            if let Some(close) = rest.find("</script>") {
                rest = &rest[close + "</script>".len()..];
            }
        } else if tag.starts_with("<link") && tag.contains("stylesheet") {
            if let Some(css) = stylesheet(site, tag) {
                out.push_str("<style>");
                out.push_str(&css.replace("</", "<\\/"));
                out.push_str("</style>");
            }
        } else if !policy {
            out.push_str(tag);
        }
    }
    out.push_str(rest);
    out
}

/// The site's own stylesheet a `<link>` names.
fn stylesheet(site: &Site, tag: &str) -> Option<String> {
    let href = tag.split("href=").nth(1)?;
    let href = href.trim_start_matches(['"', '\'']);
    let href = &href[..href.find(['"', '\'', ' ', '>'])?];
    let rel = href.strip_prefix(site.config.base_path.as_str())?;
    String::from_utf8(super::assets::bytes(site, rel)?).ok()
}
