//! A page of the site as one file for printing to PDF from a temporary folder: the
//! site's stylesheets inlined, scripts and the content security policy dropped (the
//! printed page is the one a reader gets without JavaScript).

use std::path::Path;

use model::Site;

pub fn inline(site: &Site, html: &str) -> String {
    use markup::html::{self, Token};
    let mut out = String::with_capacity(html.len() + 64 * 1024);
    let mut in_script = false;
    for (span, token) in html::tokens(html) {
        match token {
            Token::Start(tag) if tag.is("script") => in_script = true,
            Token::End(name) if in_script && name.eq_ignore_ascii_case("script") => {
                in_script = false;
            }
            _ if in_script => {}
            Token::Start(tag)
                if tag.is("link")
                    && tag
                        .attr("rel")
                        .is_some_and(|r| r.split_ascii_whitespace().any(|r| r == "stylesheet")) =>
            {
                if let Some(css) = tag
                    .attr("href")
                    .and_then(|h| stylesheet(site, &html::decode(h)))
                {
                    out.push_str("<style>");
                    out.push_str(&css.replace("</", "<\\/"));
                    out.push_str("</style>");
                }
            }
            Token::Start(tag)
                if tag.is("meta")
                    && tag
                        .attr("http-equiv")
                        .is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy")) => {}
            _ => out.push_str(&html[span]),
        }
    }
    out
}

/// The site's own stylesheet at `href`.
fn stylesheet(site: &Site, href: &str) -> Option<String> {
    let rel = href.strip_prefix(site.config.base_path.as_str())?;
    String::from_utf8(super::assets::bytes(site, rel)?).ok()
}

/// Images of the site become `data:` URLs, so the pages need no network at all.
/// Images are found by the site's path (`/img/a.svg`) or its full URL (print pages).
pub fn inline_images(site: &Site, html: &str) -> String {
    use markup::html::{self, Token};
    let c = &site.config;
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    for (_, token) in html::tokens(html) {
        let Token::Start(tag) = token else {
            continue;
        };
        for a in tag.attrs().filter(|a| a.name.eq_ignore_ascii_case("src")) {
            let rel = a
                .value
                .strip_prefix(c.base_url.as_str())
                .or_else(|| a.value.strip_prefix(c.base_path.as_str()));
            if let Some(url) = rel.and_then(|rel| data_url(site, rel)) {
                out.push_str(&html[copied..a.at.start]);
                out.push_str(&url);
                copied = a.at.end;
            }
        }
    }
    out.push_str(&html[copied..]);
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
