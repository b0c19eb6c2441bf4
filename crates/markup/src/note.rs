//! Ending-note templates (エンディングノート): Markdown with fill-in elements.
//!
//! A page whose front matter says `template: note` may contain lines such as
//! `::: lines 5 大切にしていること`. Each element becomes a labelled form control that
//! residents fill in on screen (saved only in their browser) or by hand on paper.
//!
//! | line | element |
//! | --- | --- |
//! | `::: field 氏名` | a short labelled field |
//! | `::: date 生年月日` | a date (年・月・日) |
//! | `::: lines 5 大切にしていること` | a write-in area with 5 ruled lines |
//! | `::: choice 最期を迎えたい場所` + `- 自宅` lines + `:::` | one choice of several |
//! | `::: checks 受けたい医療` + `- …` lines + `:::` | any number of choices |
//! | `::: table 6 名前 \| 関係 \| 電話番号` | a table with these columns and 6 empty rows |
//! | `::: sign` | a date and signature line |
//! | `::: history 6` | the 「書いた日の記録」 table with 6 rows |
//! | `::: contacts` | the city's consultation windows, from the provider data |
//! | `::: contacts 上﨑村` | one town's windows, on a site of several municipalities |
//! | `::: pagebreak` | start a new printed page |
//!
//! An option written `その他（　）` gets a write-in box after it.

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::markdown::{self, escape};
use diagnostics::{Diagnostic, Pos};
use model::config::Municipality;
use model::{MunicipalityKey, NotePart};

/// The towns `::: contacts` may name, and the town whose folder holds the note (its
/// windows are the ones `::: contacts` lists there); both empty on a one-city site.
#[derive(Default, Clone, Copy)]
pub struct Towns<'a> {
    pub all: Option<&'a IndexMap<MunicipalityKey, Municipality>>,
    pub page: Option<&'a MunicipalityKey>,
}

/// One consultation window for the `contacts` element.
#[derive(Clone)]
pub struct Contact<'a> {
    pub area: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
}

pub struct Rendered {
    /// The body, with `::: contacts` left for the outputs to fill from the data.
    pub parts: Vec<NotePart>,
    pub summary: String,
    /// Byte offset in the body and the `@/` target that does not exist.
    pub broken_links: Vec<(usize, String)>,
    /// Links to headings, checked when every page is read.
    pub anchors: Vec<markdown::Anchor>,
    /// Syntax problems: line within the body (1-based) and message, help.
    pub errors: Vec<(usize, String, String)>,
}

const MAX_LINES: usize = 40;
const MAX_ROWS: usize = 60;
const HELP: &str =
    "説明書（docs/manual.md）の「エンディングノートの書き方」にある形で書いてください";

/// Renders a note body; `::: contacts` stays a part of its own (see [`contacts_html`]).
pub fn render(body: &str, cx: &markdown::Context, towns: Towns) -> Rendered {
    let mut r = Renderer {
        towns,
        parts: Vec::new(),
        out: String::new(),
        errors: Vec::new(),
        keys: HashMap::new(),
        next_id: 0,
    };
    let mut summary: Option<String> = None;
    let mut broken = markdown::LinkRefs::default();
    let mut chunk_start = 0;
    let mut offset = 0;
    let mut in_fence = false;
    let lines: Vec<&str> = body.split_inclusive('\n').collect();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if in_fence || !trimmed.starts_with(":::") {
            offset += line.len();
            i += 1;
            continue;
        }
        // Markdown before this element.
        flush(
            &mut r,
            &body[chunk_start..offset],
            chunk_start,
            cx,
            &mut summary,
            &mut broken,
        );
        let line_no = i + 1;
        let used = r.element(trimmed, line_no, &lines[i + 1..]);
        offset += lines[i..i + used].iter().map(|l| l.len()).sum::<usize>();
        i += used;
        chunk_start = offset;
    }
    flush(
        &mut r,
        &body[chunk_start..],
        chunk_start,
        cx,
        &mut summary,
        &mut broken,
    );
    if !r.out.is_empty() {
        r.parts.push(NotePart::Html(std::mem::take(&mut r.out)));
    }
    Rendered {
        parts: r.parts,
        summary: summary.unwrap_or_default(),
        broken_links: broken.broken,
        anchors: broken.anchors,
        errors: r.errors,
    }
}

fn flush(
    r: &mut Renderer,
    md: &str,
    start: usize,
    cx: &markdown::Context,
    summary: &mut Option<String>,
    broken: &mut markdown::LinkRefs,
) {
    if md.trim().is_empty() {
        return;
    }
    let mut m = markdown::render(md, cx);
    if summary.is_none() && !m.summary.is_empty() {
        *summary = Some(std::mem::take(&mut m.summary));
    }
    broken.add(&mut m, start);
    r.out.push_str(&m.html);
}

struct Renderer<'a> {
    towns: Towns<'a>,
    parts: Vec<NotePart>,
    out: String,
    errors: Vec<(usize, String, String)>,
    /// Storage keys already used, so two fields with the same label stay apart.
    keys: HashMap<String, usize>,
    next_id: usize,
}

impl Renderer<'_> {
    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("n{}", self.next_id)
    }

    fn key(&mut self, label: &str) -> String {
        let n = self.keys.entry(label.to_string()).or_insert(0);
        *n += 1;
        if *n == 1 {
            label.to_string()
        } else {
            format!("{label}-{n}")
        }
    }

    fn error(&mut self, line: usize, msg: impl Into<String>) {
        self.errors.push((line, msg.into(), HELP.into()));
    }

    /// Renders one element starting at `line`; returns how many source lines it used
    /// (the options of a choice are on the following lines).
    fn element(&mut self, line: &str, line_no: usize, rest: &[&str]) -> usize {
        let spec = line.trim_start_matches(':').trim();
        if spec.is_empty() {
            self.error(
                line_no,
                "対応する「::: choice」か「::: checks」がないのに「:::」があります",
            );
            return 1;
        }
        let (word, args) = spec.split_once(char::is_whitespace).unwrap_or((spec, ""));
        let args = args.trim();
        match word {
            "field" => self.simple(line_no, args, "field"),
            "date" => self.simple(line_no, args, "date"),
            "lines" => self.lines(line_no, args),
            "choice" | "checks" => return self.choice(line_no, args, rest, word == "checks"),
            "table" => self.table(line_no, args),
            "history" => self.history(line_no, args),
            "sign" => self.sign(),
            "pagebreak" => self.out.push_str("<div class=\"page-break\" aria-hidden=\"true\"></div>\n"),
            "contacts" => self.contacts(line_no, args),
            other => self.error(
                line_no,
                format!("「::: {other}」という記入欄はありません（field, date, lines, choice, checks, table, sign, history, contacts, pagebreak が使えます）"),
            ),
        }
        1
    }

    fn simple(&mut self, line_no: usize, label: &str, kind: &str) {
        if label.is_empty() {
            self.error(
                line_no,
                format!("「::: {kind}」の後に項目の名前を書いてください（例: ::: {kind} 氏名）"),
            );
            return;
        }
        if kind == "date" {
            self.date(label);
            return;
        }
        let (id, key) = (self.id(), self.key(label));
        self.out.push_str(&format!(
            "<div class=\"note-field note-short\"><label class=\"note-label\" for=\"{id}\">{}</label>\
             <span class=\"write\"><input type=\"text\" id=\"{id}\" data-key=\"{}\" autocomplete=\"off\"></span></div>\n",
            markdown::furigana_html(label),
            escape(&key)
        ));
    }

    fn date(&mut self, label: &str) {
        let key = self.key(label);
        let gid = self.id();
        self.out.push_str(&format!(
            "<fieldset class=\"note-field note-date\" id=\"{gid}\"><legend class=\"note-label\">{}</legend><span class=\"date-parts\">",
            markdown::furigana_html(label)
        ));
        for (part, size) in [("年", 4), ("月", 2), ("日", 2)] {
            let id = self.id();
            self.out.push_str(&format!(
                "<span class=\"date-part\"><input type=\"text\" inputmode=\"numeric\" id=\"{id}\" data-key=\"{}/{part}\" maxlength=\"{size}\" class=\"w{size}\" autocomplete=\"off\"><label for=\"{id}\">{part}</label></span>",
                escape(&key)
            ));
        }
        self.out.push_str("</span></fieldset>\n");
    }

    fn lines(&mut self, line_no: usize, args: &str) {
        let (n, label) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let Some(n) = n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LINES).contains(n))
        else {
            self.error(line_no, format!("「::: lines」の後には行数（1〜{MAX_LINES}）と項目の名前を書いてください（例: ::: lines 5 大切にしていること）"));
            return;
        };
        let label = label.trim();
        if label.is_empty() {
            self.error(
                line_no,
                "「::: lines 行数」の後に項目の名前を書いてください",
            );
            return;
        }
        let (id, key) = (self.id(), self.key(label));
        let rules = "<span></span>".repeat(n);
        self.out.push_str(&format!(
            "<div class=\"note-field note-lines\"><label class=\"note-label\" for=\"{id}\">{}</label>\
             <div class=\"ruled\"><textarea id=\"{id}\" data-key=\"{}\" rows=\"{n}\"></textarea>\
             <div class=\"print-value\" aria-hidden=\"true\"></div><div class=\"rules\" aria-hidden=\"true\">{rules}</div></div></div>\n",
            markdown::furigana_html(label),
            escape(&key)
        ));
    }

    fn choice(&mut self, line_no: usize, label: &str, rest: &[&str], multiple: bool) -> usize {
        let kind = if multiple { "checks" } else { "choice" };
        let mut options = Vec::new();
        let mut closed = false;
        let mut used = 1;
        for (j, l) in rest.iter().enumerate() {
            used += 1;
            let t = l.trim();
            if t == ":::" {
                closed = true;
                break;
            }
            if t.is_empty() {
                continue;
            }
            match t.strip_prefix("- ").or_else(|| t.strip_prefix("* ")) {
                Some(o) if !o.trim().is_empty() => options.push(o.trim().to_string()),
                _ => {
                    self.error(line_no + used - 1, format!("「::: {kind}」の選択肢は「- 」で始めて1行に1つずつ書き、最後に「:::」だけの行を書いてください"));
                    // Skip to this block's closing line if it has one, so one mistake is one error.
                    let close = rest[j..]
                        .iter()
                        .take_while(|l| !l.trim().starts_with("::: "))
                        .position(|l| l.trim() == ":::");
                    return close.map_or(used - 1, |k| used + k);
                }
            }
        }
        if !closed {
            self.error(
                line_no,
                format!("「::: {kind}」が「:::」だけの行で閉じられていません"),
            );
            return used;
        }
        if label.is_empty() || options.is_empty() {
            self.error(
                line_no,
                format!("「::: {kind}」には項目の名前と、1つ以上の選択肢が必要です"),
            );
            return used;
        }
        let key = self.key(label);
        let group = self.id();
        let hint = if multiple {
            "（いくつでも）"
        } else {
            "（1つ）"
        };
        self.out.push_str(&format!(
            "<fieldset class=\"note-field note-choice\"><legend class=\"note-label\">{}<span class=\"hint\">{hint}</span></legend>\n",
            markdown::furigana_html(label)
        ));
        for o in options {
            let id = self.id();
            let (text, other) = match o
                .strip_suffix("（　）")
                .or_else(|| o.strip_suffix("( )"))
                .or_else(|| o.strip_suffix("（ ）"))
            {
                Some(t) => (t.trim().to_string(), true),
                None => (o.clone(), false),
            };
            let (kind_attr, data_key) = if multiple {
                ("checkbox", format!("{key}/{text}"))
            } else {
                ("radio", key.clone())
            };
            self.out.push_str(&format!(
                "<div class=\"opt\"><input type=\"{kind_attr}\" id=\"{id}\" name=\"{group}\" value=\"{}\" data-key=\"{}\"><label for=\"{id}\">{}</label>",
                escape(&text),
                escape(&data_key),
                markdown::furigana_html(&text)
            ));
            if other {
                let oid = self.id();
                self.out.push_str(&format!(
                    "<span class=\"other\">（<input type=\"text\" id=\"{oid}\" data-key=\"{}\" aria-label=\"{}の内容\" autocomplete=\"off\">）</span>",
                    escape(&format!("{key}/{text}/内容")),
                    escape(&text)
                ));
            }
            self.out.push_str("</div>\n");
        }
        self.out.push_str("</fieldset>\n");
        used
    }

    fn table(&mut self, line_no: usize, args: &str) {
        let (n, cols) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let Some(n) = n
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_ROWS).contains(n))
        else {
            self.error(line_no, format!("「::: table」の後には行数（1〜{MAX_ROWS}）と列の名前を書いてください（例: ::: table 5 名前 | 関係 | 電話番号）"));
            return;
        };
        let cols: Vec<&str> = cols
            .split('|')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        if cols.is_empty() {
            self.error(
                line_no,
                "「::: table 行数」の後に、列の名前を「|」で区切って書いてください",
            );
            return;
        }
        let caption = cols.join("・");
        self.rows_table(&caption, &cols, n, "note-table");
    }

    fn rows_table(&mut self, caption: &str, cols: &[&str], n: usize, class: &str) {
        let key = self.key(caption);
        self.out.push_str(&format!("<div class=\"table-wrap\" role=\"region\" aria-label=\"{}\" tabindex=\"0\"><table class=\"{class}\"><thead><tr><th scope=\"col\" class=\"rowno\">番号</th>", escape(caption)));
        for c in cols {
            self.out.push_str(&format!(
                "<th scope=\"col\">{}</th>",
                markdown::furigana_html(c)
            ));
        }
        self.out.push_str("</tr></thead><tbody>");
        for row in 1..=n {
            self.out
                .push_str(&format!("<tr><th scope=\"row\" class=\"rowno\">{row}</th>"));
            for c in cols {
                let id = self.id();
                self.out.push_str(&format!(
                    "<td><input type=\"text\" id=\"{id}\" data-key=\"{}\" aria-label=\"{row}行目の{}\" autocomplete=\"off\"></td>",
                    escape(&format!("{key}/{row}/{c}")),
                    escape(c)
                ));
            }
            self.out.push_str("</tr>");
        }
        self.out.push_str("</tbody></table></div>\n");
    }

    fn history(&mut self, line_no: usize, args: &str) {
        let n = if args.is_empty() {
            Some(6)
        } else {
            args.parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_ROWS).contains(n))
        };
        let Some(n) = n else {
            self.error(
                line_no,
                format!("「::: history」の後には行数（1〜{MAX_ROWS}）を書いてください"),
            );
            return;
        };
        self.out
            .push_str("<h2 class=\"history-title\">書いた日の記録</h2>\n");
        self.rows_table(
            "書いた日の記録",
            &["書いた日・見直した日", "書いたこと・変えたこと"],
            n,
            "note-table history",
        );
    }

    fn sign(&mut self) {
        self.out.push_str("<div class=\"note-sign\">");
        self.date("記入日");
        self.simple(0, "署名", "field");
        self.out.push_str("</div>\n");
    }

    fn contacts(&mut self, line_no: usize, town: &str) {
        let town = match self.town(town) {
            Ok(t) => t,
            Err((msg, help)) => {
                self.errors.push((line_no, msg, help));
                return;
            }
        };
        if !self.out.is_empty() {
            self.parts
                .push(NotePart::Html(std::mem::take(&mut self.out)));
        }
        self.parts.push(NotePart::Contacts(town));
    }

    /// The town of `::: contacts`, named by its key or its name; none written means the
    /// town whose folder holds the note, else every town.
    fn town(&self, named: &str) -> Result<Option<MunicipalityKey>, (String, String)> {
        if named.is_empty() {
            return Ok(self.towns.page.cloned());
        }
        let Some(all) = self.towns.all.filter(|m| !m.is_empty()) else {
            return Err((
                format!(
                    "「::: contacts {named}」: このサイトは1つの市町村のサイトなので、市町村は書けません"
                ),
                "「::: contacts」とだけ書いてください".into(),
            ));
        };
        all.iter()
            .find(|(k, m)| k.as_str() == named || m.name == named)
            .map(|(k, _)| Some(k.clone()))
            .ok_or_else(|| {
                let names: Vec<&str> = all.values().map(|m| m.name.as_str()).collect();
                (
                    format!("「::: contacts {named}」: 「{named}」は site.toml の [municipalities] にない市町村です"),
                    format!("次のどれかを書いてください: {}", names.join("、")),
                )
            })
    }
}

/// The `::: contacts` element: the consultation windows, filled in when the note is
/// rendered so it always shows the current data.
pub fn contacts_html(contacts: &[Contact]) -> String {
    let mut out = String::from("<ul class=\"note-contacts\">\n");
    for c in contacts {
        out.push_str(&format!(
            "<li><span class=\"area\">{}</span><strong>{}</strong><br>電話 <a href=\"tel:{}\">{}</a><br>{}</li>\n",
            escape(c.area),
            escape(c.name),
            escape(c.phone),
            escape(c.phone),
            escape(c.address)
        ));
    }
    out.push_str("</ul>\n");
    out
}

/// The consultation windows (相談窓口 group) in the order of the site's areas: one
/// town's, or all.
pub fn contacts<'a>(site: &'a model::Site, town: Option<&MunicipalityKey>) -> Vec<Contact<'a>> {
    let config = &site.config;
    let mut list: Vec<&model::Provider> = site
        .providers
        .iter()
        .map(|p| &**p)
        .filter(|p| site.group_of(p) == Some(model::config::Group::Consultation))
        .filter(|p| town.is_none_or(|t| p.municipality.as_ref() == Some(t)))
        .collect();
    list.sort_by_key(|p| config.areas.get_index_of(&p.area));
    list.into_iter()
        .map(|p| Contact {
            area: config.areas.get(&p.area).map_or("", |a| a.label.as_str()),
            name: &p.name,
            phone: p.phone.as_str(),
            address: &p.address,
        })
        .collect()
}

/// A note's whole body with the data: the parts joined, each `::: contacts` filled in
/// with the windows `contacts` gives for its town.
pub fn html<'a>(
    parts: &[NotePart],
    contacts: impl Fn(Option<&MunicipalityKey>) -> Vec<Contact<'a>>,
) -> String {
    parts
        .iter()
        .map(|p| match p {
            NotePart::Html(h) => h.clone(),
            NotePart::Contacts(town) => contacts_html(&contacts(town.as_ref())),
        })
        .collect()
}

/// A note syntax error as a diagnostic; `line` counts within the body.
pub fn diagnostic(
    file: &std::path::Path,
    body_line: usize,
    err: &(usize, String, String),
) -> Diagnostic {
    Diagnostic::error(
        file,
        Some(Pos::new(body_line + err.0 - 1, 1)),
        err.1.clone(),
    )
    .with_help(err.2.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A note's errors and its whole HTML with the data filled in.
    struct Note {
        html: String,
        errors: Vec<(usize, String, String)>,
    }

    fn note(src: &str) -> Note {
        let pages = HashMap::new();
        let cx = markdown::Context {
            pages: &pages,
            directory: None,
            base_path: "/",
            allow_html: false,
        };
        let contacts = [Contact {
            area: "中央圏域",
            name: "中央センター",
            phone: "0990-10-2001",
            address: "本町1",
        }];
        let r = render(src, &cx, Towns::default());
        Note {
            html: html(&r.parts, |_| contacts.to_vec()),
            errors: r.errors,
        }
    }

    #[test]
    fn every_element_renders_labelled_controls() {
        let r = note(
            "## わたしのこと\n\n::: field 氏名\n::: date 生年月日\n::: lines 3 大切にしていること\n\
             ::: choice 最期を迎えたい場所\n- 自宅\n- 病院\n- その他（　）\n:::\n\
             ::: checks 受けたい医療\n- 点滴\n- 人工呼吸器\n:::\n\
             ::: table 2 名前 | 電話番号\n::: sign\n::: history 3\n::: pagebreak\n::: contacts\n終わり\n",
        );
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        let h = &r.html;
        assert!(h.contains("<h2 id=\"わたしのこと\">わたしのこと</h2>"));
        assert!(h.contains("<label class=\"note-label\" for=\"n1\">氏名</label>"));
        assert!(h.contains("data-key=\"生年月日/年\""));
        assert_eq!(h.matches("<span></span>").count(), 3, "three ruled lines");
        assert!(h.contains("type=\"radio\" id=\"n"));
        assert!(
            h.contains("data-key=\"最期を迎えたい場所/その他/内容\""),
            "write-in after その他"
        );
        assert!(h.contains("type=\"checkbox\"") && h.contains("data-key=\"受けたい医療/点滴\""));
        assert!(h.contains("aria-label=\"2行目の電話番号\""));
        assert!(h.contains("data-key=\"記入日/年\"") && h.contains(">署名</label>"));
        assert!(h.contains("書いた日の記録"));
        assert!(h.contains("class=\"page-break\""));
        assert!(h.contains("中央センター") && h.contains("tel:0990-10-2001"));
        assert!(h.contains("<p>終わり</p>"));
        // Every control has a label: a <label for=id> or an aria-label.
        for tag in h
            .split('<')
            .filter(|t| t.starts_with("input") || t.starts_with("textarea"))
        {
            let id = tag
                .split("id=\"")
                .nth(1)
                .and_then(|x| x.split('"').next())
                .unwrap_or("");
            assert!(
                tag.contains("aria-label=") || h.contains(&format!("for=\"{id}\"")),
                "unlabelled: <{tag}"
            );
        }
    }

    #[test]
    fn same_labels_get_separate_keys() {
        let r = note("::: field 電話番号\n::: field 電話番号\n");
        assert!(
            r.html.contains("data-key=\"電話番号\"") && r.html.contains("data-key=\"電話番号-2\"")
        );
    }

    #[test]
    fn syntax_errors_name_their_line() {
        for (src, line, words) in [
            ("text\n::: feild 氏名\n", 2, "feild"),
            ("::: field\n", 1, "項目の名前"),
            ("::: lines x 大切なこと\n", 1, "行数"),
            ("::: lines 99 大切なこと\n", 1, "行数"),
            ("::: lines 3\n", 1, "項目の名前"),
            ("::: choice 場所\n- 自宅\n", 1, "閉じられていません"),
            ("::: choice 場所\n:::\n", 1, "選択肢"),
            (
                "::: checks 医療\n- 点滴\nふつうの文\n:::\n",
                3,
                "「- 」で始めて",
            ),
            ("::: table 3\n", 1, "列の名前"),
            ("::: table x 名前\n", 1, "行数"),
            ("::: history x\n", 1, "行数"),
            ("a\n\n:::\n", 3, "対応する"),
        ] {
            let r = note(src);
            assert_eq!(r.errors.len(), 1, "{src:?}: {:?}", r.errors);
            assert_eq!(r.errors[0].0, line, "{src:?}");
            assert!(r.errors[0].1.contains(words), "{src:?}: {}", r.errors[0].1);
        }
    }

    #[test]
    fn directives_inside_code_blocks_are_text() {
        let r = note("```\n::: field 氏名\n```\n");
        assert!(r.errors.is_empty());
        assert!(r.html.contains("::: field 氏名") && !r.html.contains("<input"));
    }

    #[test]
    fn markup_in_labels_is_escaped() {
        let r = note("::: field <script>x</script>\n::: choice \"><b>\n- <i>a</i>\n:::\n");
        assert!(!r.html.contains("<script>") && !r.html.contains("<b>") && !r.html.contains("<i>"));
    }
}
