//! QR codes as inline SVG, so printed pages link to the always-current web pages.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// An `<svg>` element for `url`, `size_mm` wide, black on white; empty if `url` is too long.
pub fn svg(url: &str, size_mm: u32, label: &str) -> String {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return String::new();
    };
    let image = code
        .render::<svg::Color>()
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    // Drop the XML declaration and give the element a size in print units and a name.
    let start = image.find("<svg").unwrap_or(0);
    let label = crate::markdown::escape(label);
    image[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{label}\" style=\"width:{size_mm}mm;height:{size_mm}mm\""),
        1,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn svg_is_inline_and_labelled() {
        let s = super::svg("https://example.jp/", 25, "ホームページ");
        assert!(s.starts_with("<svg role=\"img\" aria-label=\"ホームページ\""));
        assert!(s.contains("width:25mm"));
        assert!(!s.contains("<?xml"));
    }
}
