//! A page of the site as one file for printing to PDF from a temporary folder: the
//! site's stylesheets inlined, scripts and the content security policy dropped (the
//! printed page is the one a reader gets without JavaScript).

use std::path::Path;

use model::Site;

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

/// Images of the site become `data:` URLs, so the pages need no network at all.
/// Images are found by the site's path (`/img/a.svg`) or its full URL (print pages).
pub fn inline_images(site: &Site, html: &str) -> String {
    let c = &site.config;
    let html = inline_under(site, html, &format!("src=\"{}", c.base_url));
    inline_under(site, &html, &format!("src=\"{}", c.base_path))
}

fn inline_under(site: &Site, html: &str, prefix: &str) -> String {
    if !html.contains(prefix) {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(prefix) {
        out.push_str(&rest[..i]);
        let after = &rest[i + prefix.len()..];
        let end = after.find('"').unwrap_or(after.len());
        let rel = &after[..end];
        match data_url(site, rel) {
            Some(url) => out.push_str(&format!("src=\"{url}")),
            None => out.push_str(&rest[i..i + prefix.len() + end]),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

fn data_url(site: &Site, rel: &str) -> Option<String> {
    let bytes = super::assets::bytes(site, rel)?;
    let mime = match Path::new(rel)
        .extension()?
        .to_str()?
        .to_ascii_lowercase()
        .as_str()
    {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        _ => return None,
    };
    Some(format!("data:{mime};base64,{}", base64(&bytes)))
}

fn base64(bytes: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (k, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if k <= chunk.len() {
                out.push(T[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_standard_alphabet() {
        assert_eq!(super::base64(b""), "");
        assert_eq!(super::base64(b"f"), "Zg==");
        assert_eq!(super::base64(b"fo"), "Zm8=");
        assert_eq!(super::base64(b"foo"), "Zm9v");
        assert_eq!(super::base64("日本".as_bytes()), "5pel5pys");
    }
}
