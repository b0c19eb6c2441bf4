//! Turning a CSV file's bytes into text: city files come as UTF-8 (with or without a
//! BOM), UTF-16 from Excel's "Unicode text", or Shift_JIS as Excel saves it by default.

use encoding_rs::{Encoding, SHIFT_JIS, UTF_8, UTF_16BE, UTF_16LE};

/// The encodings `--encoding` accepts, by the names staff see in their editors.
pub fn by_name(name: &str) -> Option<&'static Encoding> {
    match name.to_ascii_lowercase().replace(['-', '_'], "").as_str() {
        "utf8" | "utf8bom" | "utf8sig" => Some(UTF_8),
        "utf16" | "utf16le" | "unicode" => Some(UTF_16LE),
        "utf16be" => Some(UTF_16BE),
        // WHATWG's Shift_JIS is Microsoft's CP932, with the NEC and IBM extensions
        // (髙, 﨑, ①…) that real names use.
        "sjis" | "shiftjis" | "cp932" | "windows31j" | "ms932" => Some(SHIFT_JIS),
        _ => None,
    }
}

/// Decodes `bytes`; with no encoding given, a BOM decides, then UTF-16 by its zero
/// bytes, then UTF-8 if valid, else Shift_JIS. Returns the text and the encoding's name,
/// or the line of the first byte that is not valid in the chosen encoding.
pub fn decode(
    bytes: &[u8],
    given: Option<&'static Encoding>,
) -> Result<(String, &'static str), usize> {
    let enc = given.unwrap_or_else(|| sniff(bytes));
    let (text, used, had_errors) = enc.decode(bytes);
    if had_errors {
        let line = text
            .split('\n')
            .position(|l| l.contains('\u{FFFD}'))
            .map_or(1, |i| i + 1);
        return Err(line);
    }
    let name = match used.name() {
        "UTF-8" if bytes.starts_with(b"\xEF\xBB\xBF") => "UTF-8（BOM付き）",
        "UTF-8" => "UTF-8",
        "UTF-16LE" | "UTF-16BE" => "UTF-16",
        _ => "Shift_JIS",
    };
    Ok((text.into_owned(), name))
}

fn sniff(bytes: &[u8]) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    // ASCII text in UTF-16 has a zero in every other byte.
    let head = &bytes[..bytes.len().min(512)];
    let zeros_even = head.iter().step_by(2).filter(|b| **b == 0).count();
    let zeros_odd = head.iter().skip(1).step_by(2).filter(|b| **b == 0).count();
    if head.len() >= 4 && zeros_odd > head.len() / 8 && zeros_even == 0 {
        return UTF_16LE;
    }
    if head.len() >= 4 && zeros_even > head.len() / 8 && zeros_odd == 0 {
        return UTF_16BE;
    }
    if std::str::from_utf8(bytes).is_ok() {
        UTF_8
    } else {
        SHIFT_JIS
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_encoding_staff_save_in_is_read() {
        let text = "名称,電話番号\n髙﨑クリニック,0990-11-2233\n";
        let (sjis, _, _) = SHIFT_JIS.encode(text);
        assert_eq!(
            decode(&sjis, None).unwrap(),
            (text.to_string(), "Shift_JIS")
        );
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        assert_eq!(decode(&bom, None).unwrap().0, text);
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&utf16, None).unwrap(), (text.to_string(), "UTF-16"));
        assert_eq!(decode(text.as_bytes(), None).unwrap().1, "UTF-8");
    }

    #[test]
    fn a_wrong_encoding_names_the_line() {
        let (sjis, _, _) = SHIFT_JIS.encode("a\nb\n名称\n");
        assert_eq!(decode(&sjis, Some(UTF_8)), Err(3));
    }
}
