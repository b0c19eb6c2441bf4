//! A YAML tree that remembers where every value came from.
//!
//! serde_yaml stops at the first problem and forgets positions; provider files must report
//! every problem with its line and column, so data files are read into this tree instead.
//! Aliases are expanded under a budget, which makes "billion laughs" files an error.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use diagnostics::Pos;

/// Largest number of nodes a file may expand to through aliases.
pub const NODE_BUDGET: usize = 1_000_000;
/// Deepest nesting accepted; real records are three or four levels deep.
const MAX_DEPTH: usize = 64;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub pos: Pos,
    /// Characters to underline when pointing at this node.
    pub len: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Text as written, and whether it was unquoted (only plain scalars can mean null).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[(Node, Node)]> {
        match &self.kind {
            Kind::Map(m) => Some(m),
            _ => None,
        }
    }

    pub fn as_seq(&self) -> Option<&[Node]> {
        match &self.kind {
            Kind::Seq(s) => Some(s),
            _ => None,
        }
    }

    /// A word for error messages saying what the user wrote instead.
    pub fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar { .. } if self.is_null() => "空の値",
            Kind::Scalar { .. } => "文字列",
            Kind::Seq(_) => "リスト",
            Kind::Map(_) => "項目の集まり（マッピング）",
        }
    }

    fn size(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } => 1,
            Kind::Seq(items) => 1 + items.iter().map(Node::size).sum::<usize>(),
            Kind::Map(pairs) => {
                1 + pairs
                    .iter()
                    .map(|(k, v)| k.size() + v.size())
                    .sum::<usize>()
            }
        }
    }
}

/// A syntax or structure problem, in the words shown to staff.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub pos: Pos,
    pub message: String,
    pub help: String,
}

/// Where a scan error is. For tabs the parser points at the value before the offending
/// line, so the first line at or after that which is indented with a tab is used instead.
fn error_pos(src: &str, e: &saphyr_parser::ScanError) -> Pos {
    let at = Pos::new(e.marker().line(), e.marker().col() + 1);
    if !e.info().contains("tab") {
        return at;
    }
    src.lines()
        .enumerate()
        .skip(at.line.saturating_sub(1))
        .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))
        .map(|(i, l)| Pos::new(i + 1, l.find('\t').map_or(1, |c| c + 1)))
        .unwrap_or(at)
}

/// The parser's own words for a syntax error, in the words staff need.
fn syntax_error(pos: Pos, info: &str) -> YamlError {
    let (message, help) = if info.contains("tab") {
        (
            "字下げにタブが使われています",
            "行頭の空白は半角スペースで書いてください",
        )
    } else if info.contains("quoted scalar") || info.contains("end of stream") {
        (
            "引用符（\" または '）が閉じていません",
            "値の終わりにも同じ引用符を書いてください",
        )
    } else if info.contains("flow sequence") || info.contains("',' or ']'") {
        (
            "「[」で始めたリストが「]」で閉じていません",
            "例: services: [houmon-shinryo, mitori]",
        )
    } else if info.contains("flow mapping") || info.contains("',' or '}'") {
        (
            "「{」で始めた値が「}」で閉じていません",
            "例: { days: [mon], open: \"09:00\", close: \"12:00\" }",
        )
    } else if info.contains("mapping values") {
        (
            "値の中に「: 」があります",
            "「: 」を含む値は \"…\" で囲んでください",
        )
    } else if info.contains("cannot start any token") {
        (
            "値の始めに使えない文字（@ や ` など）があります",
            "値を \"…\" で囲んでください",
        )
    } else {
        ("YAML の書き方に誤りがあります", "")
    };
    let general = "字下げ（行頭の空白）、「:」の後の空白、引用符の閉じ忘れを確かめてください。字下げにタブは使えません";
    YamlError {
        pos,
        message: message.into(),
        help: if help.is_empty() {
            format!("{general}（詳しい内容（英語）: {info}）")
        } else {
            help.into()
        },
    }
}

/// The mistake staff most likely made when the parser fails at `line`: a full-width space
/// used for indenting, a full-width colon 「：」, no space after「:」, or no colon at all.
/// The parser notices these only on the line after, so the line before is looked at too,
/// and the message points where the mistake is.
pub fn likely_mistake(src: &str, line: usize) -> Option<YamlError> {
    let lines: Vec<&str> = src.lines().collect();
    let at = |n: usize| lines.get(n.checked_sub(1)?).copied();
    let content = |l: &str| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    };
    // The line of the error, then the content line before it.
    let mut candidates = Vec::new();
    if let Some(l) = at(line) {
        candidates.push((line, l));
    }
    if let Some(prev) = (1..line).rev().find(|n| at(*n).is_some_and(content)) {
        candidates.push((prev, at(prev)?));
    }
    for &(n, l) in &candidates {
        let indent = l.len() - l.trim_start_matches(' ').len();
        if l[indent..].starts_with('\u{3000}') {
            return Some(YamlError {
                pos: Pos::new(n, l[..indent].chars().count() + 1),
                message: "字下げに全角スペース「　」が使われています".into(),
                help:
                    "行頭の空白は半角スペースで書いてください（全角スペースは字下げになりません）"
                        .into(),
            });
        }
    }
    for &(n, l) in candidates.iter().rev() {
        if let Some(e) = colon_mistake(n, l) {
            return Some(e);
        }
    }
    None
}

/// A `key value` line without its colon, with 「：」 instead, or with no space after「:」.
fn colon_mistake(n: usize, line: &str) -> Option<YamlError> {
    let body = line.trim_start();
    let body = body.strip_prefix("- ").unwrap_or(body).trim_start();
    let offset = line.len() - body.len();
    let key_len = body
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(body.len());
    if key_len == 0 {
        return None;
    }
    let key = &body[..key_len];
    let rest = &body[key_len..];
    let col = |bytes: usize| line[..offset + bytes].chars().count() + 1;
    if rest.starts_with('：') {
        return Some(YamlError {
            pos: Pos::new(n, col(key_len)),
            message: format!("「{key}」の後のコロンが全角の「：」です"),
            help: format!("半角のコロンと空白で「{key}: 値」と書いてください"),
        });
    }
    if let Some(after) = rest.strip_prefix(':') {
        if !after.is_empty() && !after.starts_with([' ', '\t']) {
            return Some(YamlError {
                pos: Pos::new(n, col(key_len + 1)),
                message: format!("「{key}:」の後に空白がありません"),
                help: format!("コロンの後に半角の空白を1つ入れて「{key}: 値」と書いてください"),
            });
        }
        return None;
    }
    if rest.starts_with([' ', '\u{3000}']) && !rest.trim().is_empty() && !body.contains(':') {
        return Some(YamlError {
            pos: Pos::new(n, col(key_len)),
            message: format!("「{key}」の後にコロン「:」がありません"),
            help: format!("項目名の後に半角のコロンと空白を入れて「{key}: 値」と書いてください"),
        });
    }
    None
}

fn pos_of(span: &Span) -> Pos {
    Pos::new(span.start.line(), span.start.col() + 1)
}

fn len_of(span: &Span) -> usize {
    if span.end.line() == span.start.line() {
        span.end.col().saturating_sub(span.start.col()).max(1)
    } else {
        1
    }
}

enum Open {
    Seq(Node, Vec<Node>, usize),
    Map(Node, Vec<(Node, Node)>, Option<Node>, usize),
}

/// Parses one YAML document; an empty file gives `Ok(None)`.
pub fn parse(src: &str) -> Result<Option<Node>, YamlError> {
    parse_within(src, &mut NODE_BUDGET.clone())
}

/// [`parse`], drawing alias expansion from `budget`, which parts of one file share.
pub fn parse_within(src: &str, budget: &mut usize) -> Result<Option<Node>, YamlError> {
    let mut parser = Parser::new_from_str(src);
    let mut stack: Vec<Open> = Vec::new();
    let mut anchors: Vec<(usize, Node)> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;

    while let Some(next) = parser.next_event() {
        let (event, span) = next.map_err(|e| {
            let pos = error_pos(src, &e);
            let info = e.info();
            let structural = ["simple key", "mapping values", "expected key", "block"]
                .iter()
                .any(|w| info.contains(w));
            structural
                .then(|| likely_mistake(src, pos.line))
                .flatten()
                .unwrap_or_else(|| syntax_error(pos, info))
        })?;
        let completed: Option<(Node, usize)> = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(YamlError {
                        pos: pos_of(&span),
                        message: "1つのファイルに YAML 文書が2つ以上あります".into(),
                        help: "「---」で区切らず、1つのリストにまとめてください".into(),
                    });
                }
                None
            }
            Event::Scalar(text, style, anchor, _tag) => Some((
                Node {
                    kind: Kind::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    pos: pos_of(&span),
                    len: len_of(&span),
                },
                anchor,
            )),
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(YamlError {
                        pos: pos_of(&span),
                        message: format!("入れ子が深すぎます（{MAX_DEPTH}段まで）"),
                        help: "事業所の記録は数段の入れ子で書けます。構造を見直してください".into(),
                    });
                }
                let node = Node {
                    kind: Kind::Scalar {
                        text: String::new(),
                        plain: true,
                    },
                    pos: pos_of(&span),
                    len: 1,
                };
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Open::Seq(node, Vec::new(), anchor)
                } else {
                    Open::Map(node, Vec::new(), None, anchor)
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Open::Seq(mut node, items, anchor)) => {
                    node.kind = Kind::Seq(items);
                    Some((node, anchor))
                }
                Some(Open::Map(mut node, pairs, _, anchor)) => {
                    node.kind = Kind::Map(pairs);
                    Some((node, anchor))
                }
                None => None,
            },
            Event::Alias(id) => {
                let Some((_, target)) = anchors.iter().rev().find(|(a, _)| *a == id) else {
                    return Err(YamlError {
                        pos: pos_of(&span),
                        message: "定義されていないエイリアス（*）を参照しています".into(),
                        help: "「&名前」で定義したものだけを「*名前」で参照できます".into(),
                    });
                };
                let size = target.size();
                if size > *budget {
                    return Err(YamlError {
                        pos: pos_of(&span),
                        message: "エイリアス（*）の展開結果が大きすぎます".into(),
                        help: "アンカー（&）とエイリアス（*）を使わず、値をそのまま書いてください"
                            .into(),
                    });
                }
                *budget -= size;
                let mut copy = target.clone();
                copy.pos = pos_of(&span);
                Some((copy, 0))
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => None,
        };

        let Some((node, anchor)) = completed else {
            continue;
        };
        if anchor != 0 {
            anchors.push((anchor, node.clone()));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Open::Seq(_, items, _)) => items.push(node),
            Some(Open::Map(_, pairs, pending, _)) => match pending.take() {
                None => {
                    if !matches!(node.kind, Kind::Scalar { .. }) {
                        return Err(YamlError {
                            pos: node.pos,
                            message: "項目名（キー）にリストやマッピングは使えません".into(),
                            help: "「項目名: 値」の形で書いてください".into(),
                        });
                    }
                    if let Some((first, _)) =
                        pairs.iter().find(|(k, _)| k.as_str() == node.as_str())
                    {
                        return Err(YamlError {
                            pos: node.pos,
                            message: format!(
                                "項目「{}」が同じ場所に2回書かれています（最初は {} 行目）",
                                node.as_str().unwrap_or_default(),
                                first.pos.line
                            ),
                            help: "どちらか一方を消してください".into(),
                        });
                    }
                    *pending = Some(node);
                }
                Some(key) => pairs.push((key, node)),
            },
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalars_keep_their_position_and_text() {
        let root = parse("- id: a\n  phone: 0990-12-3456\n  code: 0123\n")
            .unwrap()
            .unwrap();
        let rec = &root.as_seq().unwrap()[0];
        let (k, v) = &rec.as_map().unwrap()[1];
        assert_eq!(k.as_str(), Some("phone"));
        assert_eq!(v.as_str(), Some("0990-12-3456"));
        assert_eq!(v.pos, Pos::new(2, 10));
        // Leading zeros survive: codes are text, not numbers.
        assert_eq!(rec.as_map().unwrap()[2].1.as_str(), Some("0123"));
    }

    #[test]
    fn duplicate_keys_are_errors() {
        let err = parse("id: a\nid: b\n").unwrap_err();
        assert_eq!(err.pos.line, 2);
    }

    #[test]
    fn alias_bombs_are_refused() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            src.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        let err = parse(&src).unwrap_err();
        assert!(err.message.contains("大きすぎ"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "[".repeat(200) + &"]".repeat(200);
        assert!(parse(&src).unwrap_err().message.contains("深すぎ"));
    }

    #[test]
    fn the_usual_mistakes_are_named_where_they_are() {
        let record = "- id: a\n  name: さくら\n  kana: さくら\n";
        let cases = [
            (
                "  name: さくら",
                "  name さくら",
                (2, 7),
                "「name」の後にコロン「:」がありません",
            ),
            (
                "  name: さくら",
                "  name：さくら",
                (2, 7),
                "「name」の後のコロンが全角の「：」です",
            ),
            (
                "  name: さくら",
                "  name:さくら",
                (2, 8),
                "「name:」の後に空白がありません",
            ),
            (
                "  kana: さくら",
                "　kana: さくら",
                (3, 1),
                "字下げに全角スペース「　」が使われています",
            ),
        ];
        for (from, to, (line, col), message) in cases {
            let src = record.replace(from, to);
            let err = parse(&src).unwrap_err();
            assert_eq!(
                (err.pos, err.message.as_str()),
                (Pos::new(line, col), message),
                "{src}"
            );
        }
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let err = parse("- id: a\n  name: \"unterminated\n").unwrap_err();
        assert!(err.pos.line >= 2);
    }
}
