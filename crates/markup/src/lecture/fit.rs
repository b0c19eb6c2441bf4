//! Whether a slide's content fits its 16:9 frame, estimated from its HTML the way
//! `slides.css` lays it out. Sizes are in cqw (hundredths of the slide's width), so the
//! same estimate holds on the projector and on every handout. A slide cuts off what does
//! not fit, on screen and on paper, so the build says so instead of shrinking the text.

/// Room inside a slide: 100cqh less the insets (5cqh top, 9cqh bottom) at 16:9, and
/// 100cqw less 6cqw each side.
pub const INNER_HEIGHT: f32 = 86.0 * 9.0 / 16.0;
pub const INNER_WIDTH: f32 = 88.0;
/// One cqh in cqw.
const CQH: f32 = 9.0 / 16.0;
/// Width of a half-width character (digits, Latin) in em, a little generous.
const NARROW: f32 = 0.76;
/// Font size of body text and table cells (`slides.css`: 3.6cqw).
pub const TEXT: f32 = 3.6;

/// Estimated height of the slide's content in cqw.
pub fn height(html: &str) -> f32 {
    let mut est = Estimate::default();
    for token in tokens(html) {
        est.take(token);
    }
    est.finish()
}

/// Estimated height of the title slide (`lecture.html`) in cqw: the title (7.5cqw,
/// 6cqh under it), a line each for date and time, place and speaker (body size, 1.5cqh
/// under each), and the organiser (2.8cqw).
pub fn title_height(title: &str, meta: &[&str], small: Option<&str>) -> f32 {
    let title_font = 7.5;
    let mut h = lines(em(title), title_font, INNER_WIDTH) * title_font * 1.25;
    let mut margin = 6.0 * CQH;
    for (text, font) in meta
        .iter()
        .map(|t| (*t, TEXT))
        .chain(small.map(|t| (t, 2.8)))
        .filter(|(t, _)| !t.is_empty())
    {
        h += margin + lines(em(text), font, INNER_WIDTH) * font * 1.5;
        margin = 1.5 * CQH;
    }
    h
}

/// Below this (cqw) an estimated overflow may be the estimate's margin: the message
/// says the edge may be cut, not how much.
pub const MARGINAL: f32 = 3.0;

/// 「…、下の約N割が切れて見えません」, or a warning that the bottom edge may be cut when the
/// estimate is over by less than its margin of error.
pub fn overflow_message(what: &str, over: f32) -> String {
    if over < MARGINAL {
        format!("{what}、下の端が切れるおそれがあります")
    } else {
        let tenths = ((over / INNER_HEIGHT * 10.0).ceil() as u32).clamp(1, 10);
        format!("{what}、下の約{tenths}割が切れて見えません")
    }
}

/// Width of text in em, as BIZ UDPGothic sets it (a proportional font: kana and
/// punctuation are narrower than kanji).
fn em(text: &str) -> f32 {
    text.chars()
        .map(|c| match c {
            c if c.is_ascii() => NARROW,
            '、' | '。' | '「' | '」' | '『' | '』' | '（' | '）' | '・' | '：' | '！' | '？' => {
                0.65
            }
            'ぁ'..='ゟ' => 0.96,
            'ァ'..='ヿ' => 0.92,
            '｡'..='ﾟ' => 0.5,
            _ => 1.0,
        })
        .sum()
}

fn lines(text_em: f32, font: f32, width: f32) -> f32 {
    if text_em <= 0.0 {
        return 1.0;
    }
    // Text within 2% of the width still fits: the widths above are a little generous.
    (text_em * font / width.max(font) - 0.02).ceil().max(1.0)
}

/// A block's font size, line height and bottom margin (cqw), after `slides.css`.
fn block_style(tag: &str) -> (f32, f32, f32) {
    match tag {
        "h1" => (6.4, 1.25, 3.0 * CQH),
        "h2" => (5.0, 1.3, 3.0 * CQH),
        "h3" => (4.0, 1.5, 1.5 * CQH),
        "li" => (TEXT, 1.5, CQH),
        _ => (TEXT, 1.5, 2.0 * CQH),
    }
}

#[derive(Debug)]
enum Token<'a> {
    Open(&'a str, &'a str),
    Close(&'a str),
    Text(&'a str),
}

/// The tags and text of a slide's HTML; comments and the like are nothing to measure.
fn tokens(html: &str) -> impl Iterator<Item = Token<'_>> {
    crate::html::tokens(html).filter_map(|(_, t)| match t {
        crate::html::Token::Start(tag) => Some(Token::Open(tag.name, tag.attrs_text())),
        crate::html::Token::End(name) => Some(Token::Close(name)),
        crate::html::Token::Text(text) => Some(Token::Text(text)),
        crate::html::Token::Other(_) => None,
    })
}

#[derive(Default)]
struct Estimate {
    height: f32,
    /// The last block's bottom margin, which falls outside the frame's content.
    last_margin: f32,
    /// Open text blocks: tag, text width in em so far.
    blocks: Vec<(String, f32)>,
    /// Blocks with furigana, whose lines grow to hold it.
    ruby: bool,
    in_rt: bool,
    indent: f32,
    table: Option<Table>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<(f32, bool)>>,
    cell: Option<(f32, bool)>,
}

impl Estimate {
    fn take(&mut self, token: Token) {
        match token {
            Token::Open(tag, attrs) => self.open(tag, attrs),
            Token::Close(tag) => self.close(tag),
            Token::Text(_) if self.in_rt => {}
            Token::Text(t) => {
                let w = em(&crate::html::decode(t));
                if let Some(t) = &mut self.table
                    && let Some(cell) = &mut t.cell
                {
                    cell.0 += w;
                } else if let Some(b) = self.blocks.last_mut() {
                    b.1 += w;
                } else if !t.trim().is_empty() {
                    self.blocks.push(("p".into(), w));
                }
            }
        }
    }

    fn open(&mut self, tag: &str, attrs: &str) {
        match tag {
            "ul" | "ol" => self.indent += 1.4 * TEXT,
            "table" => self.table = Some(Table::default()),
            "tr" => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(t) = &mut self.table {
                    t.cell = Some((0.0, attrs.contains("phone")));
                }
            }
            "img" => self.add(55.0 * CQH, 0.0),
            "rt" | "rp" => self.in_rt = true,
            "ruby" => self.ruby = true,
            "br" => {
                if let Some(b) = self.blocks.last_mut() {
                    // A forced line break: round the line up by starting a new one.
                    b.1 = (b.1 / 24.0).ceil() * 24.0;
                }
            }
            "p" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "pre" | "blockquote"
                if self.table.is_none() =>
            {
                self.flush_open();
                if attrs.contains("more") {
                    // 「ほか N か所」: 1cqh above it.
                    self.last_margin = self.last_margin.max(CQH);
                }
                self.blocks.push((tag.to_string(), 0.0));
            }
            _ => {}
        }
    }

    fn close(&mut self, tag: &str) {
        match tag {
            "rt" | "rp" => self.in_rt = false,
            "ul" | "ol" => {
                self.flush_open();
                self.indent = (self.indent - 1.4 * TEXT).max(0.0);
                // The list's own bottom margin (2cqh) outweighs its last item's.
                self.last_margin = self.last_margin.max(2.0 * CQH);
            }
            "td" | "th" => {
                if let Some(t) = &mut self.table
                    && let Some(cell) = t.cell.take()
                    && let Some(row) = t.rows.last_mut()
                {
                    row.push(cell);
                }
            }
            "table" => {
                if let Some(t) = self.table.take() {
                    let h = t.height();
                    self.add(h, 0.0);
                }
            }
            _ => {
                if self.blocks.last().is_some_and(|(t, _)| t == tag) {
                    self.flush_open();
                }
            }
        }
    }

    /// Lays out the innermost open block with the text it has so far.
    fn flush_open(&mut self) {
        if let Some((tag, w)) = self.blocks.pop() {
            // A block holding only an image (or nothing) adds no line of its own.
            if w <= 0.0 {
                return;
            }
            let (font, lh, margin) = block_style(&tag);
            let n = lines(w, font, INNER_WIDTH - self.indent);
            // Furigana (half size) needs more than the half-leading above each line.
            let ruby = if std::mem::take(&mut self.ruby) {
                0.45 * font
            } else {
                0.0
            };
            // h2 has a rule under it: 1cqh of padding and a 0.5cqw border.
            let rule = if tag == "h2" { CQH + 0.5 } else { 0.0 };
            self.add(n * (font * lh + ruby) + rule, margin);
        }
    }

    fn add(&mut self, h: f32, margin: f32) {
        self.height += self.last_margin + h;
        self.last_margin = margin;
    }

    fn finish(mut self) -> f32 {
        while !self.blocks.is_empty() {
            self.flush_open();
        }
        self.height
    }
}

impl Table {
    /// Columns share the width as an automatic table layout does: a column that must not
    /// wrap (the phone number) keeps its width, the others share the rest by content.
    fn height(&self) -> f32 {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return 0.0;
        }
        let pad = 2.0; // 1cqw each side
        let mut max_em = vec![0.0f32; cols];
        let mut fixed = vec![false; cols];
        for row in &self.rows {
            for (i, (w, nowrap)) in row.iter().enumerate() {
                max_em[i] = max_em[i].max(*w);
                fixed[i] |= *nowrap;
            }
        }
        let widths: Vec<f32> = {
            let fixed_w: f32 = (0..cols)
                .filter(|&i| fixed[i])
                .map(|i| max_em[i] * TEXT + pad)
                .sum();
            let room = (INNER_WIDTH - fixed_w).max(cols as f32 * (TEXT + pad));
            let want: f32 = (0..cols)
                .filter(|&i| !fixed[i])
                .map(|i| max_em[i] * TEXT + pad)
                .sum();
            (0..cols)
                .map(|i| {
                    let w = max_em[i] * TEXT + pad;
                    if fixed[i] || want <= room {
                        w
                    } else {
                        room * w / want
                    }
                })
                .collect()
        };
        let row_pad = 1.2 * CQH + 0.3;
        self.rows
            .iter()
            .map(|row| {
                let n = row
                    .iter()
                    .enumerate()
                    .map(|(i, (w, _))| lines(*w, TEXT, widths[i] - pad))
                    .fold(1.0, f32::max);
                n * TEXT * 1.5 + row_pad
            })
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_text_and_rows_are_taller() {
        let short = height("<h2>在宅医療とは</h2><p>家で受ける医療です。</p>");
        let long = height(&format!(
            "<h2>在宅医療とは</h2><p>{}</p>",
            "家で受ける医療です。".repeat(12)
        ));
        assert!(long > short + 3.0 * TEXT * 1.5, "{short} {long}");
        let row = "<tr><th>みどり内科</th><td>中央</td><td class=\"phone\">0990-12-3456</td></tr>";
        let t = |n: usize| height(&format!("<table><tbody>{}</tbody></table>", row.repeat(n)));
        assert!((t(4) - 2.0 * t(2)).abs() < 0.01);
        assert!(t(9) > INNER_HEIGHT, "nine rows never fit: {}", t(9));
    }
}
