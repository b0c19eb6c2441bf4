//! One CSV row to provider records: a row whose type names two categories (実施サービス
//! 「訪問介護;通所介護」) gives two records.

use std::path::Path;

use super::Options;
use super::emit::Y;
use super::formats::Mapping;
use super::normalize::{self, tidy};
use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::config::Config;
use model::{Accepting, Hours, Time};

/// A record read from the CSV, before it meets the file it goes into.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub line: usize,
    /// An id the CSV gives (tsunagu's own export does).
    pub id: Option<String>,
    pub category: String,
    pub name: String,
    pub office_code: Option<String>,
    /// Every field with a value, in the documented order, without `id`.
    pub fields: Vec<(String, Y)>,
}

pub struct Row<'a> {
    pub file: &'a Path,
    pub line: usize,
    pub cells: &'a csv::StringRecord,
    pub headers: &'a [String],
    pub mapping: &'a Mapping,
    pub config: &'a Config,
    pub opts: &'a Options,
}

impl Row<'_> {
    fn get(&self, field: &str) -> Option<String> {
        let i = *self.mapping.get(field)?;
        let cell = self.cells.get(i)?;
        // tsunagu's export (and careful spreadsheets) quote formula-like text with `'`.
        let cell = match cell.strip_prefix('\'') {
            Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
            _ => cell,
        };
        // Notes may run over several lines; everything else is one line.
        let v = if matches!(
            field,
            "notes" | "hours_note" | "accepting_note" | "closed_days"
        ) {
            cell.lines()
                .map(tidy)
                .collect::<Vec<_>>()
                .join("\n")
                .trim()
                .to_string()
        } else {
            tidy(cell)
        };
        (!v.is_empty()).then_some(v)
    }

    fn column(&self, field: &str) -> String {
        self.mapping
            .get(field)
            .and_then(|i| self.headers.get(*i))
            .map(|h| h.trim_start_matches('\u{FEFF}').trim().to_string())
            // An English header (高松市's "availableDate") means nothing to residents.
            .filter(|h| !h.is_ascii())
            .or_else(|| {
                super::formats::FIELDS
                    .iter()
                    .find(|(f, _)| *f == field)
                    .map(|(_, label)| label.to_string())
            })
            .unwrap_or_else(|| field.to_string())
    }

    fn problem(&self, diags: &mut Diagnostics, message: String, help: &str) {
        diags.push(
            Diagnostic::error(self.file, Some(Pos::new(self.line, 1)), message)
                .with_help(help.to_string()),
        );
    }

    fn note(&self, diags: &mut Diagnostics, message: String, help: &str) {
        diags.push(
            Diagnostic::warning(self.file, Some(Pos::new(self.line, 1)), message)
                .with_help(help.to_string()),
        );
    }

    /// The records of this row; problems that stop a row are errors, values left out
    /// are warnings.
    pub fn records(&self, diags: &mut Diagnostics) -> Vec<Candidate> {
        if self.cells.len() != self.headers.len() {
            self.problem(
                diags,
                format!(
                    "列の数が1行目と違います（この行は {} 列、1行目は {} 列）",
                    self.cells.len(),
                    self.headers.len()
                ),
                "コンマ（,）を含む値は \"…\" で囲んでください。この行は取り込んでいません",
            );
            return Vec::new();
        }
        let Some(name) = self.get("name") else {
            self.problem(
                diags,
                format!("{}が空です", self.column("name")),
                "名称のない行は取り込めません",
            );
            return Vec::new();
        };
        if model::text::looks_like_formula(&name) {
            self.note(
                diags,
                format!("名称「{name}」は表計算ソフトで式として動く文字（= + - @）で始まっています"),
                "名称が正しいか確かめてください。tsunagu が書き出す CSV では式として動かないようにしますが、元の表では式かもしれません",
            );
        }
        let categories = self.categories(&name, diags);
        if categories.is_empty() {
            return Vec::new();
        }
        let Some(fields) = self.fields(&name, diags) else {
            return Vec::new();
        };
        // An ID column is taken as the id when it is one by the records' own rule and
        // not a bare number (a city's row number).
        let id = self.get("id").filter(|id| {
            model::ProviderId::parse(id).is_ok() && id.bytes().any(|b| b.is_ascii_lowercase())
        });
        let office_code = self.get("office_code");
        categories
            .into_iter()
            .map(|category| {
                let mut fields = fields.clone();
                let at = fields.iter().position(|(k, _)| k == "area").unwrap_or(1);
                fields.insert(at, ("category".into(), Y::Plain(category.clone())));
                Candidate {
                    line: self.line,
                    id: id.clone(),
                    category,
                    name: name.clone(),
                    office_code: office_code.clone(),
                    fields,
                }
            })
            .collect()
    }

    fn categories(&self, name: &str, diags: &mut Diagnostics) -> Vec<String> {
        if let Some(c) = &self.opts.category {
            return vec![c.clone()];
        }
        let Some(kind) = self.get("type") else {
            self.problem(
                diags,
                format!("「{name}」の{}が空です", self.column("type")),
                "種類から分類を決めます。種類を書くか、--category で分類を指定してください",
            );
            return Vec::new();
        };
        let mut found: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        for part in kind
            .split([';', '；', '、', ',', '，', '/', '／', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match self.category_of(part) {
                Some(c) if !found.contains(&c) => found.push(c),
                Some(_) => {}
                None => unknown.push(part),
            }
        }
        let help = "site.toml の [categories.分類] source_types にこの種類を加えるか、--category で分類を指定してください";
        if found.is_empty() {
            self.problem(
                diags,
                format!("「{name}」の種類「{kind}」に合う分類がありません"),
                help,
            );
        } else if !unknown.is_empty() {
            self.note(
                diags,
                format!("「{name}」の種類のうち「{}」に合う分類がありません（ほかの種類で取り込みました）", unknown.join("、")),
                help,
            );
        }
        found
    }

    fn category_of(&self, part: &str) -> Option<String> {
        category_of(self.config, part)
    }

    /// The member town a row is of, on a site of several: by its code, else by the town's
    /// name in the address.
    fn member(&self, address: &str) -> Option<&model::MunicipalityKey> {
        let towns = &self.config.municipalities;
        if towns.is_empty() {
            return None;
        }
        let code = self
            .get("municipality")
            .map(|c| tidy(&c).replace(' ', ""))
            .unwrap_or_default();
        if code.len() >= 5
            && let Some((k, _)) = towns
                .iter()
                .find(|(_, m)| m.code == code || m.code.get(..5) == Some(code.as_str()))
        {
            return Some(k);
        }
        towns
            .iter()
            .filter(|(_, m)| !m.name.is_empty() && address.contains(tidy(&m.name).as_str()))
            .max_by_key(|(_, m)| m.name.chars().count())
            .map(|(k, _)| k)
    }

    fn area(&self, address: &str, diags: &mut Diagnostics) -> Option<String> {
        if let Some(a) = self.get("area") {
            if let Some((k, _)) = self
                .config
                .areas
                .iter()
                .find(|(k, v)| **k == a || tidy(&v.label) == a)
            {
                return Some(k.to_string());
            }
            self.note(
                diags,
                format!("圏域「{a}」は site.toml にありません"),
                "住所から圏域を決めました",
            );
        }
        let town = self.get("town").unwrap_or_default();
        // On a site of several municipalities, only the areas of the row's own town (two
        // towns may both have a 本町).
        let member = self.member(address);
        let ours = |k: &model::AreaKey| {
            member.is_none_or(|m| self.config.area_municipality.get(k) == Some(m))
        };
        let best = self
            .config
            .areas
            .iter()
            .filter(|(k, _)| ours(k))
            .flat_map(|(k, a)| a.towns.iter().map(move |t| (k, tidy(t))))
            .filter(|(_, t)| {
                !t.is_empty() && (town.contains(t.as_str()) || address.contains(t.as_str()))
            })
            .max_by_key(|(_, t)| t.chars().count())
            .map(|(k, _)| k.to_string());
        let only_area_of_member = || {
            let mut keys = self.config.areas.keys().filter(|k| ours(k));
            match (member, keys.next(), keys.next()) {
                (Some(_), Some(only), None) => Some(only.to_string()),
                _ => None,
            }
        };
        best.or_else(only_area_of_member)
            .or_else(|| self.opts.area.clone())
            .or_else(|| {
                // A site with one area (a new site, a small town) needs no towns listed.
                let mut keys = self.config.areas.keys();
                match (keys.next(), keys.next()) {
                    (Some(only), None) => Some(only.to_string()),
                    _ => None,
                }
            })
    }

    /// Every field but `id` and `category`, in the documented order; `None` when a
    /// required one is missing (reported).
    fn fields(&self, name: &str, diags: &mut Diagnostics) -> Option<Vec<(String, Y)>> {
        let mut f: Vec<(String, Y)> = vec![("name".into(), Y::Str(name.to_string()))];
        let text = |k: &str, v: String| (k.to_string(), Y::Str(v));

        if let Some(k) = self.get("kana") {
            match normalize::kana(&k) {
                Some(k) => f.push(text("kana", k)),
                None => self.note(
                    diags,
                    format!("「{name}」の読み「{k}」にかな以外の文字があります（読みは取り込んでいません）"),
                    "読みはカタカナかひらがなで書いてください",
                ),
            }
        }
        let Some(mut address) = self.get("address") else {
            self.problem(
                diags,
                format!("「{name}」の{}が空です", self.column("address")),
                "住所のない行は取り込めません",
            );
            return None;
        };
        if let Some(b) = self.get("building")
            && !address.contains(&b)
        {
            address = format!("{address} {b}");
        }
        let Some(area) = self.area(&address, diags) else {
            self.problem(
                diags,
                format!("「{name}」の圏域を住所「{address}」から決められません"),
                "site.toml の [areas.圏域] towns に町名を加えるか、--area で圏域を指定してください",
            );
            return None;
        };
        f.push(("area".into(), Y::Plain(area)));
        if let Some(p) = self.get("postal_code") {
            match normalize::postal(&p) {
                Some(p) => f.push(text("postal_code", p)),
                None => self.note(
                    diags,
                    format!("「{name}」の郵便番号「{p}」が読めません（取り込んでいません）"),
                    "7桁の数字で書いてください（例: 999-0101）",
                ),
            }
        }
        f.push(text("address", address));
        let phone_text = self.get("phone").unwrap_or_default();
        if phone_text.is_empty() {
            // 医療情報ネット has no phone column: the record waits for one (掲載準備中),
            // taken from a matching record or added by staff. Said once per file.
            if self.mapping.contains_key("phone") {
                self.note(
                    diags,
                    format!("「{name}」の{}が空です（掲載準備中として取り込みます）", self.column("phone")),
                    "電話番号がわかるまでサイトには載りません。記録に phone を書き足すか、tsunagu stale の確認票で事業所に尋ねてください",
                );
            }
        } else if let Some(phone) = normalize::phone(&phone_text) {
            self.phone(name, phone, &mut f, diags);
        } else {
            self.problem(
                diags,
                format!("「{name}」の電話番号「{phone_text}」が読めません"),
                "市外局番からの10桁か11桁の番号を書いてください（例: 0990-12-3456）。この行は取り込んでいません",
            );
            return None;
        }
        if let Some(fax) = self.get("fax") {
            match normalize::phone(&fax) {
                Some(p) => f.push(text("fax", p.as_str().to_string())),
                None => self.note(
                    diags,
                    format!("「{name}」の FAX 番号「{fax}」が読めません（取り込んでいません）"),
                    "市外局番からの番号を書いてください",
                ),
            }
        }
        let mut email = self.get("email");
        if let Some(url) = self.get("url") {
            if url.starts_with("https://") || url.starts_with("http://") {
                f.push(text("url", url));
            } else if url.contains('@') && email.is_none() {
                email = Some(url.trim_start_matches("mailto:").to_string());
            } else {
                self.note(diags, format!("「{name}」のホームページ「{url}」は http:// か https:// で始まっていません（取り込んでいません）"), "ホームページのアドレスを確かめてください");
            }
        }
        if let Some(e) = email {
            let at = e.find('@');
            if at.is_some_and(|i| i > 0 && e[i + 1..].contains('.')) && !e.contains(' ') {
                let at = f.iter().position(|(k, _)| k == "url").unwrap_or(f.len());
                f.insert(at, text("email", e));
            } else {
                self.note(
                    diags,
                    format!("「{name}」のメールアドレス「{e}」が読めません（取り込んでいません）"),
                    "name@example.jp の形で書いてください",
                );
            }
        }
        self.coords(name, &mut f, diags);
        self.hours(&mut f);
        if let Some(c) = self.get("closed_days") {
            f.push(text("closed_days", c));
        }
        if let Some(d) = self.get("departments") {
            let items: Vec<Y> = d
                .split([';', '；'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Y::Str(s.to_string()))
                .collect();
            if !items.is_empty() {
                f.push(("departments".into(), Y::Flow(items)));
            }
        }
        if let Some(services) = self.get("services") {
            let mut keys = Vec::new();
            for s in services
                .split([';', '；', '、'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match self.config.services.iter().find(|(k, v)| *k == s || tidy(&v.label) == s) {
                    Some((k, _)) => keys.push(Y::Plain(k.to_string())),
                    None => self.note(diags, format!("「{name}」の対応サービス「{s}」は site.toml にありません（取り込んでいません）"), "site.toml の [services] の名前か表示名を書いてください"),
                }
            }
            if !keys.is_empty() {
                f.push(("services".into(), Y::Flow(keys)));
            }
        }
        if let Some(a) = self.get("accepting") {
            let status = [
                Accepting::Accepting,
                Accepting::Limited,
                Accepting::Full,
                Accepting::Unknown,
            ]
            .into_iter()
            .find(|s| {
                let key = serde_json::to_value(s).ok();
                key.as_ref().and_then(|v| v.as_str()) == Some(a.as_str())
                    || s.label() == a
                    || s.mark() == a
            });
            match status {
                Some(s) => {
                    let key = serde_json::to_value(s)
                        .ok()
                        .and_then(|v| v.as_str().map(String::from))
                        .unwrap_or_default();
                    let mut m = vec![("status".to_string(), Y::Plain(key))];
                    if let Some(n) = self.get("accepting_note") {
                        m.push(text("note", n));
                    }
                    f.push(("accepting".into(), Y::Map(m)));
                }
                None => self.note(
                    diags,
                    format!("「{name}」の受入状況「{a}」が読めません（取り込んでいません）"),
                    "accepting, limited, full, unknown か、その表示名を書いてください",
                ),
            }
        }
        if let Some(c) = self.get("corporation") {
            f.push(text("corporation", c));
        }
        if let Some(c) = self.get("office_code") {
            f.push(text("office_code", c));
        }
        if let Some(c) = self.get("national_id") {
            f.push(text("national_id", c));
        }
        if let Some(o) = &self.opts.origin {
            f.push(("source".into(), Y::Plain(o.source.key().into())));
            f.push(("source_date".into(), Y::Plain(o.date.to_string())));
        }
        if let Some(u) = self.get("updated") {
            match normalize::date(&u) {
                Some(d) => f.push(("updated".into(), Y::Plain(d.to_string()))),
                None => self.note(
                    diags,
                    format!("「{name}」の日付「{u}」が読めません（取り込んだ日を使います）"),
                    "2026-04-01 や 令和8年4月1日 の形で書いてください",
                ),
            }
        }
        if let Some(n) = self.get("notes") {
            f.push(text("notes", n));
        }
        Some(f)
    }

    fn phone(
        &self,
        name: &str,
        phone: model::Phone,
        f: &mut Vec<(String, Y)>,
        diags: &mut Diagnostics,
    ) {
        let phone = match self.get("extension") {
            // The standard datasets keep the extension in a column of its own.
            Some(e) if phone.extension().is_none() => {
                phone.and_extension(&e).unwrap_or_else(|| {
                    self.note(
                        diags,
                        format!(
                            "「{name}」の{}「{e}」が読めません（取り込んでいません）",
                            self.column("extension")
                        ),
                        "内線番号は半角の数字で書いてください（例: 245）",
                    );
                    phone
                })
            }
            _ => phone,
        };
        f.push(("phone".into(), Y::Str(phone.as_str().to_string())));
    }

    fn coords(&self, name: &str, f: &mut Vec<(String, Y)>, diags: &mut Diagnostics) {
        // 公表 writes 15 decimals with float artefacts (133.908557500000030); 7 are 1 cm.
        fn decimal7(x: f64) -> String {
            let s = format!("{x:.7}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        let (Some(lat), Some(lon)) = (self.get("lat"), self.get("lon")) else {
            return;
        };
        let num = |s: &str| {
            s.replace('．', ".")
                .replace(['－', '−'], "-")
                .parse::<f64>()
        };
        let parsed = (num(&lat), num(&lon));
        match parsed {
            // Japan, generously: 20–46°N, 122–154°E.
            (Ok(a), Ok(o)) if (20.0..=46.0).contains(&a) && (122.0..=154.0).contains(&o) => {
                f.push(("lat".into(), Y::Plain(decimal7(a))));
                f.push(("lon".into(), Y::Plain(decimal7(o))));
            }
            _ => self.note(
                diags,
                format!("「{name}」の緯度・経度「{lat}, {lon}」は日本の中を指していません（取り込んでいません）"),
                "緯度（北緯、例: 35.68）と経度（東経、例: 139.76）を10進数で書いてください",
            ),
        }
    }

    /// Opening hours from days + start + end, or from tsunagu's own 営業時間 column;
    /// whatever does not fit the structure goes to `hours_note` as written.
    fn hours(&self, f: &mut Vec<(String, Y)>) {
        let mut note: Vec<String> = Vec::new();
        let mut blocks: Vec<Hours> = Vec::new();
        if let Some(h) = self.get("hours") {
            match Hours::parse_list(&h) {
                Some(b) => blocks = b,
                None => note.push(h),
            }
        } else if let Some(d) = self.get("days") {
            let open = self.get("open");
            let close = self.get("close");
            let times = open
                .as_deref()
                .and_then(Time::parse)
                .zip(close.as_deref().and_then(Time::parse));
            match (normalize::days(&d), times) {
                // A close before the open is the next morning (夜間).
                (Some(days), Some((open, close))) if open != close && open < Time::END_OF_DAY => {
                    blocks.push(Hours { days, open, close })
                }
                _ => {
                    let mut s = format!("{}: {d}", self.column("days"));
                    if open.is_some() || close.is_some() {
                        s.push_str(&format!(
                            " {}～{}",
                            open.unwrap_or_default(),
                            close.unwrap_or_default()
                        ));
                    }
                    note.push(s);
                }
            }
        }
        if let Some(n) = self.get("hours_note") {
            note.push(n);
        }
        if let Some(n) = self.get("after_hours") {
            note.push(format!("{}: {n}", self.column("after_hours")));
        }
        if !blocks.is_empty() {
            let items = blocks
                .into_iter()
                .map(|b| {
                    Y::Map(vec![
                        (
                            "days".into(),
                            Y::Flow(b.days.iter().map(|d| Y::Plain(d.key().into())).collect()),
                        ),
                        ("open".into(), Y::Str(b.open.to_string())),
                        ("close".into(), Y::Str(b.close.to_string())),
                    ])
                })
                .collect();
            f.push(("hours".into(), Y::Seq(items)));
        }
        if !note.is_empty() {
            f.push(("hours_note".into(), Y::Str(note.join("。"))));
        }
    }
}

/// The category a 種類 names: the exact type name first, then the longest type name the
/// value starts with (「通所介護（療養通所介護）」 is 通所介護), then a category's key or label.
pub fn category_of(config: &Config, part: &str) -> Option<String> {
    let part = tidy(part);
    let part = part.as_str();
    let cats = &config.categories;
    cats.iter()
        .find(|(_, c)| c.source_types.iter().any(|t| tidy(t) == part))
        .or_else(|| {
            cats.iter()
                .filter_map(|(k, c)| {
                    let best = c
                        .source_types
                        .iter()
                        .map(|t| tidy(t))
                        .filter(|t| part.starts_with(t.as_str()))
                        .map(|t| t.chars().count())
                        .max()?;
                    Some((k, c, best))
                })
                .max_by_key(|(_, _, n)| *n)
                .map(|(k, c, _)| (k, c))
        })
        .map(|(k, _)| k.to_string())
        .or_else(|| {
            cats.iter()
                .find(|(k, c)| *k == part || tidy(&c.label) == part)
                .map(|(k, _)| k.to_string())
        })
}
