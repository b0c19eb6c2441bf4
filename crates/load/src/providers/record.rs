//! One record being read field by field: identity, names and the fields that are plain
//! text; the other fields are read in the modules beside this one.

use std::path::Path;

use jiff::civil::Date;

use super::{FIELDS, MAX_TEXT};
use crate::suggest::did_you_mean;
use crate::yaml::Node;
use diagnostics::{Diagnostic, Diagnostics};
use model::config::Config;
use model::ids::IdProblem;
use model::{AreaKey, Kana, MunicipalityKey, Phone, Provider, ProviderId, text};

/// One record being read; pushes a diagnostic for each bad field and carries on.
pub(super) struct Record<'a> {
    pub(super) file: &'a Path,
    pub(super) node: &'a Node,
    pub(super) config: &'a Config,
    pub(super) diags: &'a mut Diagnostics,
}

impl Record<'_> {
    pub(super) fn error(&mut self, node: &Node, message: String, help: &str) {
        self.diags.push(
            Diagnostic::error(self.file, Some(node.pos), message)
                .with_len(node.len)
                .with_help(help),
        );
    }

    pub(super) fn field(&self, key: &str) -> Option<&Node> {
        self.node
            .as_map()?
            .iter()
            .find(|(k, _)| k.as_str() == Some(key))
            .map(|(_, v)| v)
            .filter(|v| !v.is_null())
    }

    /// A text field; `None` when absent (reported if required) or not text.
    pub(super) fn text(&mut self, key: &str, required: bool) -> Option<String> {
        let Some(node) = self.field(key).cloned() else {
            if required {
                let node = self.node.clone();
                self.error(
                    &node,
                    format!("必須の項目「{key}」がありません"),
                    &format!("この記録に「{key}: 値」の行を加えてください"),
                );
            }
            return None;
        };
        match node.as_str() {
            Some(s) if s.chars().count() > MAX_TEXT => {
                self.error(
                    &node,
                    format!("「{key}」が長すぎます（{MAX_TEXT}文字まで）"),
                    "内容を見直して短くしてください",
                );
                None
            }
            Some(s) if s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') => {
                let c = s.chars().find(|c| c.is_control()).unwrap_or_default();
                self.error(
                    &node,
                    format!(
                        "「{key}」に見えない制御文字（U+{:04X}）があります",
                        c as u32
                    ),
                    "ほかのソフトから貼り付けたときに紛れ込んだ文字です。値を打ち直してください",
                );
                None
            }
            Some(s) if s.trim().is_empty() => {
                if required {
                    self.error(
                        &node,
                        format!("必須の項目「{key}」が空です"),
                        &format!("「{key}:」の後に値を書いてください"),
                    );
                }
                None
            }
            Some(s) => Some(s.trim().to_string()),
            None => {
                self.error(
                    &node,
                    format!(
                        "「{key}」には文字列を書いてください（{}が書かれています）",
                        node.kind_name()
                    ),
                    "値が「-」や「{」で始まる場合は \"…\" で囲んでください",
                );
                None
            }
        }
    }

    /// A field that holds a code or a number (phone, date, id…): full-width digits and
    /// letters typed by hand mean the same as half-width ones.
    pub(super) fn code(&mut self, key: &str, required: bool) -> Option<String> {
        self.text(key, required)
            .map(|s| text::ascii_fold(&s).trim().to_string())
    }

    /// The record with every field checked; its phone is `None` when it has none (a
    /// pending record), reported as an error when it is written wrongly.
    pub(super) fn provider(&mut self) -> Option<Provider<Option<Phone>>> {
        let Some(pairs) = self.node.as_map() else {
            let node = self.node.clone();
            self.error(
                &node,
                format!(
                    "事業所の記録は「項目名: 値」の集まりで書いてください（{}が書かれています）",
                    node.kind_name()
                ),
                "各記録は「- id: …」で始め、続く項目は字下げをそろえて書きます",
            );
            return None;
        };
        for (key, _) in pairs {
            let k = key.as_str().unwrap_or_default();
            if !FIELDS.contains(&k) {
                let suggestion = did_you_mean(k, FIELDS, "");
                let key = key.clone();
                self.error(
                    &key,
                    format!("知らない項目「{k}」があります"),
                    &format!("{suggestion}使える項目は 説明書（docs/manual.md）の「事業所データの項目」にあります"),
                );
            }
        }
        let errors_before = self.diags.error_count();

        let id = self.code("id", true).and_then(|id| self.check_id(id));
        let name = self.text("name", true);
        let kana = self.kana();
        let category = self.vocab("category", |c, k| {
            c.categories.get_key_value(k).map(|(k, _)| k.clone())
        });
        let area = self.vocab("area", |c, k| {
            c.areas.get_key_value(k).map(|(k, _)| k.clone())
        });
        let municipality = self.municipality(area.as_ref());
        let postal_code = self.postal_code();
        let address = self.text("address", true);
        let phone = self.phone("phone", false);
        let fax = self.phone("fax", false);
        let email = self.email();
        let url = self.url();
        let coords = self.coords();
        let hours = self.hours();
        let hours_note = self.text("hours_note", false);
        let closed_days = self.text("closed_days", false);
        let services = self.services();
        let (accepting, accepting_note) = self.accepting();
        let corporation = self.text("corporation", false);
        let office_code = self.office_code();
        let departments = self.list("departments", "例: departments: [内科, 小児科]");
        let national_id = self.national_id();
        let origin = self.origin();
        let missing_since = self.date("missing_since", false);
        self.own_fields();
        let updated = self.date("updated", true);
        let notes = self.text("notes", false);

        if self.diags.error_count() > errors_before {
            return None;
        }
        Some(Provider {
            id: id?,
            name: name?,
            kana: kana?,
            category: category?,
            area: area?,
            municipality,
            postal_code: postal_code.unwrap_or_default(),
            address: address?,
            phone,
            fax,
            email,
            url,
            coords,
            hours,
            hours_note,
            closed_days,
            departments,
            services,
            accepting,
            accepting_note,
            corporation,
            office_code,
            national_id,
            origin,
            missing_since,
            updated: updated?,
            notes,
            source: self.file.to_path_buf(),
            line: self.node.pos.line,
            updated_pos: self.field("updated").map_or(self.node.pos, |n| n.pos),
        })
    }

    pub(super) fn check_id(&mut self, id: String) -> Option<ProviderId> {
        let problem = match ProviderId::parse(&id) {
            Ok(id) => return Some(id),
            Err(p) => p,
        };
        let node = self.field("id")?.clone();
        match problem {
            IdProblem::Characters => self.error(
                &node,
                format!("id「{id}」に使えない文字があります"),
                "id には英小文字・数字・「-」だけを使ってください（例: midori-naika）。ページの URL になります",
            ),
            IdProblem::Reserved => self.error(
                &node,
                format!("id「{id}」は一覧ページの名前と重なるため使えません"),
                "別の id にしてください",
            ),
        }
        None
    }

    pub(super) fn kana(&mut self) -> Option<Kana> {
        if self.field("kana").is_none_or(Node::is_null) {
            // Imported lists often carry no reading; the record is still published.
            self.diags.push(
                Diagnostic::warning(self.file, Some(self.node.pos), "よみがな（kana）がありません")
                    .with_help("kana に名称の読みをひらがなで書いてください。書くまでは五十音順の一覧で「その他」に並びます"),
            );
            return Some(Kana::unknown());
        }
        let s = self.text("kana", true)?;
        // Half-width katakana (ｸｽﾘﾉﾓﾘ) reads as the same reading; katakana becomes hiragana.
        match Kana::parse(&text::tidy(&s)) {
            Ok(k) => Some(k),
            Err(c) => {
                let node = self.field("kana")?.clone();
                self.error(
                    &node,
                    format!("よみがな「{s}」にかな以外の文字「{c}」があります"),
                    "kana には名称の読みをひらがなで書いてください（五十音順の並べ替えに使います）",
                );
                None
            }
        }
    }

    pub(super) fn vocab<K: std::ops::Deref<Target = str>>(
        &mut self,
        key: &str,
        known: impl Fn(&Config, &str) -> Option<K>,
    ) -> Option<K> {
        let v = self.code(key, true)?;
        if let Some(k) = known(self.config, &v) {
            return Some(k);
        }
        let (table, options): (&str, Vec<&str>) = match key {
            "category" => (
                "categories",
                self.config.categories.keys().map(|k| k.as_str()).collect(),
            ),
            _ => (
                "areas",
                self.config.areas.keys().map(|k| k.as_str()).collect(),
            ),
        };
        let node = self.field(key)?.clone();
        let hint = did_you_mean(&v, &options, "");
        self.error(
            &node,
            format!("{key}「{v}」は site.toml の [{table}] にありません"),
            &format!("{hint}次のどれかを書いてください: {}", options.join(", ")),
        );
        None
    }

    /// The member municipality on a site of several: the one its area belongs to. A
    /// `municipality:` field, or a folder `content/providers/<key>/`, must agree with it.
    fn municipality(&mut self, area: Option<&AreaKey>) -> Option<MunicipalityKey> {
        let c = self.config;
        let field = self.field("municipality").cloned();
        if c.municipalities.is_empty() {
            if let Some(node) = field {
                self.error(
                    &node,
                    "municipality は、いくつかの市町村で作るサイトでだけ使えます".into(),
                    "site.toml に [municipalities] がないので、この行は消してください",
                );
            }
            return None;
        }
        let own = c.area_municipality.get(area?)?.clone();
        let name_of = |k: &str| c.municipalities.get(k).map_or("", |m| m.name.as_str());
        if let Some(node) = field {
            let v = node.as_str().unwrap_or_default().trim().to_string();
            if v != own.as_str() {
                let message = if c.municipalities.contains_key(v.as_str()) {
                    format!(
                        "municipality「{v}」（{}）は、area「{}」の市町村（{}）と合いません",
                        name_of(&v),
                        area?,
                        name_of(&own)
                    )
                } else {
                    format!("municipality「{v}」は site.toml の [municipalities] にありません")
                };
                self.error(
                    &node,
                    message,
                    &format!("area を直すか、municipality を「{own}」にしてください（この行は省けます。area から決まります）"),
                );
                return None;
            }
        }
        // A town's own folder holds only that town's records.
        let folder = self
            .file
            .strip_prefix(super::PROVIDERS_DIR)
            .ok()
            .filter(|rest| rest.components().count() > 1)
            .and_then(|rest| rest.components().next())
            .and_then(|c| c.as_os_str().to_str());
        if let Some(folder) = folder
            && c.municipalities.contains_key(folder)
            && folder != own.as_str()
        {
            let node = self.field("area").unwrap_or(self.node).clone();
            self.error(
                &node,
                format!(
                    "このファイルは {}（{folder}）のフォルダにありますが、area「{}」は {} の地域です",
                    name_of(folder),
                    area?,
                    name_of(&own)
                ),
                &format!("area を {} の地域に直すか、記録を content/providers/{own}/ のファイルに移してください", name_of(folder)),
            );
            return None;
        }
        Some(own)
    }

    /// A list of short texts (診療科目), each kept once.
    pub(super) fn list(&mut self, key: &str, example: &str) -> Vec<String> {
        let Some(node) = self.field(key).cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(&node, format!("「{key}」はリストで書いてください"), example);
            return Vec::new();
        };
        let mut out: Vec<String> = Vec::new();
        for item in items {
            match item.as_str().map(text::tidy) {
                Some(s) if !s.is_empty() && s.chars().count() <= 100 => {
                    if !out.contains(&s) {
                        out.push(s);
                    }
                }
                _ => self.error(
                    item,
                    format!("「{key}」の項目は100文字までの文字で書いてください"),
                    example,
                ),
            }
        }
        out
    }

    pub(super) fn national_id(&mut self) -> Option<String> {
        let s = self.code("national_id", false)?;
        if s.len() == 13 && s.bytes().all(|b| b.is_ascii_digit()) {
            return Some(s);
        }
        let node = self.field("national_id")?.clone();
        self.error(
            &node,
            format!("医療情報ネットの ID「{s}」は13桁の数字ではありません"),
            "\"0111010000090\" のように、引用符で囲んだ13桁の数字で書いてください（先頭の0も消さずに）",
        );
        None
    }

    pub(super) fn origin(&mut self) -> Option<model::Origin> {
        let key = self.code("source", false);
        let date = self.date("source_date", false);
        let source = match key.as_deref().map(model::DataSource::parse) {
            None => return None,
            Some(Some(s)) => s,
            Some(None) => {
                let node = self.field("source")?.clone();
                let known: Vec<&str> = model::DataSource::ALL.iter().map(|d| d.key()).collect();
                self.error(
                    &node,
                    format!("データの出典「{}」はわかりません", key.unwrap_or_default()),
                    &format!("次のどれかを書いてください: {}", known.join(", ")),
                );
                return None;
            }
        };
        let Some(date) = date else {
            let node = self.field("source").unwrap_or(self.node).clone();
            self.error(
                &node,
                "「source」を書くときは、そのデータの時点「source_date」も書いてください".into(),
                "例: source_date: 2026-06-01",
            );
            return None;
        };
        Some(model::Origin { source, date })
    }

    /// Fields the city keeps itself: an import never overwrites them.
    pub(super) fn own_fields(&mut self) {
        for item in self.list("own_fields", "例: own_fields: [name, hours]") {
            if !FIELDS.contains(&item.as_str()) || matches!(item.as_str(), "id" | "own_fields") {
                let node = self.field("own_fields").unwrap_or(self.node).clone();
                let suggestion = did_you_mean(&item, FIELDS, "");
                self.error(
                    &node,
                    format!("own_fields の「{item}」は事業所データの項目名ではありません"),
                    &format!("{suggestion}取り込みで上書きしない項目の名前（name, hours など）を書いてください"),
                );
            }
        }
    }

    pub(super) fn date(&mut self, key: &str, required: bool) -> Option<Date> {
        let s = self.code(key, required)?;
        let parsed = (s.len() == 10).then(|| s.parse::<Date>().ok()).flatten();
        if parsed.is_none() {
            let node = self.field(key)?.clone();
            self.error(
                &node,
                format!("日付「{s}」が正しくありません"),
                "西暦で「2026-04-01」の形に書いてください（年-月-日、半角）",
            );
        }
        parsed
    }
}
