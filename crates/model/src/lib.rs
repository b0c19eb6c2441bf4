//! The loaded site: one plain value that every output renders from.
//!
//! Loading builds it once; outputs only read it. Nothing here touches the disk.

pub mod accessibility;
pub mod config;
pub mod guide;
pub mod holidays;
pub mod ids;
pub mod kana;
pub mod keys;
pub mod lecture;
pub mod phone;
pub mod pos;
pub mod routes;
pub mod text;
pub mod time;
pub mod wareki;

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use config::{Config, Group};
pub use ids::ProviderId;
pub use kana::Kana;
pub use keys::{AreaKey, CategoryKey, MunicipalityKey, ServiceKey};
pub use phone::Phone;
pub use pos::Pos;
pub use time::Time;

#[derive(Debug, Clone)]
pub struct Site {
    /// The folder the site was loaded from.
    pub root: PathBuf,
    pub config: Config,
    /// The date "today" for staleness; fixed by SOURCE_DATE_EPOCH for reproducible builds.
    pub today: Date,
    /// `sections[0]` is the home page (`content/_index.md`).
    pub sections: Vec<Section>,
    pub pages: Vec<Page>,
    /// In 五十音 order of their readings. Shared, so that `serve` can keep the records it
    /// did not read again without copying them.
    pub providers: Vec<std::sync::Arc<Provider>>,
    /// Records waiting for a phone number (掲載準備中): on no page, only on staff sheets.
    pub pending: Vec<Pending>,
    /// Files copied as they are: `static/`, the theme's static files, content assets.
    pub assets: Vec<Asset>,
    /// The theme's templates with the site's own `templates/` laid over them.
    pub templates: Vec<TemplateSource>,
    /// Printed guides defined in site.toml.
    pub guides: Vec<guide::Guide>,
    /// The last accessibility test (`tsunagu audit`), published as its results page.
    pub audit: Option<accessibility::AuditRecord>,
}

#[derive(Debug, Clone)]
pub struct TemplateSource {
    /// Name used in `{% extends %}`, e.g. `providers/provider.html`.
    pub name: String,
    pub text: String,
    /// Where it came from, for error messages.
    pub file: PathBuf,
}

#[derive(Debug, Clone, Serialize)]
pub struct FrontMatter {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Date>,
    pub weight: Option<i64>,
    pub draft: bool,
    pub template: Option<String>,
    pub extra: serde_json::Value,
    pub sort_by: SortBy,
    /// Place, speaker and handout layout of a lecture page.
    pub lecture: Option<lecture::LectureMeta>,
    /// Written in やさしい日本語 (`easy: true`): checked with the guideline's limits.
    pub easy: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
}

/// What a page is, which decides how it is read and what is made of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageKind {
    /// An article: Markdown to HTML.
    Plain,
    /// An ending note (`template: note`): a form residents fill in and print.
    Note,
    /// A lecture (`template: lecture`): slides, a handout and a speaker's copy.
    Lecture,
}

impl PageKind {
    /// The template name of front matter that makes a page of this kind.
    pub fn of_template(template: Option<&str>) -> PageKind {
        match template {
            Some("note") => PageKind::Note,
            Some("lecture") => PageKind::Lecture,
            _ => PageKind::Plain,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub kind: PageKind,
    /// Relative to the site root, e.g. `content/guide/kaigo-hoken.md`.
    pub source: PathBuf,
    /// Relative to the site's base, with a trailing slash: `guide/kaigo-hoken/`.
    pub path: String,
    pub meta: FrontMatter,
    /// The body as HTML.
    pub content: String,
    /// Plain-text summary for lists, feeds and link previews.
    pub summary: String,
    pub section: usize,
    /// The slides of a lecture page as written (empty for other pages); rendered with the
    /// data by the outputs.
    pub slides: Vec<lecture::SlideSource>,
    /// An ending note's body in parts, where `::: contacts` stands for the consultation
    /// windows the outputs fill in from the data (empty for other pages).
    pub note: Vec<NotePart>,
    /// The line of the source file where the body starts (after the front matter).
    pub body_line: usize,
    /// The town whose own folder (`content/KEY/`) holds the page, on a site of several.
    pub municipality: Option<MunicipalityKey>,
}

/// A part of an ending note's body.
#[derive(Debug, Clone, PartialEq)]
pub enum NotePart {
    Html(String),
    /// The consultation windows, from the provider data: one town's, or every town's.
    Contacts(Option<MunicipalityKey>),
}

#[derive(Debug, Clone)]
pub struct Section {
    pub source: Option<PathBuf>,
    /// `""` for the home page, otherwise like `guide/`.
    pub path: String,
    pub meta: FrontMatter,
    pub content: String,
    pub summary: String,
    /// Indexes into `Site::pages`, in the section's order.
    pub pages: Vec<usize>,
    pub subsections: Vec<usize>,
    pub parent: Option<usize>,
}

#[derive(Debug, Clone)]
pub struct Asset {
    pub source: PathBuf,
    /// Path in the output, relative to its root.
    pub output: PathBuf,
    /// Built-in theme files have no file on disk.
    pub embedded: Option<&'static [u8]>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
    Hol,
}

impl Day {
    pub const ALL: [Day; 8] = [
        Day::Mon,
        Day::Tue,
        Day::Wed,
        Day::Thu,
        Day::Fri,
        Day::Sat,
        Day::Sun,
        Day::Hol,
    ];

    pub fn key(self) -> &'static str {
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "hol"][self as usize]
    }

    pub fn label(self) -> &'static str {
        ["月", "火", "水", "木", "金", "土", "日", "祝"][self as usize]
    }

    /// schema.org day names for opening hours.
    pub fn schema(self) -> Option<&'static str> {
        [
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ]
        .get(self as usize)
        .copied()
    }

    pub fn parse(s: &str) -> Option<Day> {
        Day::ALL.into_iter().find(|d| d.key() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hours {
    pub days: Vec<Day>,
    /// From `00:00` to `23:59`.
    pub open: Time,
    /// Up to `24:00`; earlier than `open` when the range runs overnight and ends the next
    /// morning (夜間: `17:00` to `09:00`).
    pub close: Time,
}

impl Hours {
    /// Whether the range ends the next morning.
    pub fn overnight(&self) -> bool {
        self.close < self.open
    }

    /// `9:00`, as times are written for residents.
    pub fn open_label(&self) -> String {
        self.open.label()
    }

    /// `17:30`, or `翌9:00` when the range ends the next morning.
    pub fn close_label(&self) -> String {
        let t = self.close.label();
        if self.overnight() {
            format!("翌{t}")
        } else {
            t
        }
    }

    /// `9:00〜17:30`, `17:00〜翌9:00`.
    pub fn range_label(&self) -> String {
        format!("{}〜{}", self.open_label(), self.close_label())
    }

    /// One line for a CSV cell, as tsunagu's open data writes it and its import reads it:
    /// 「月火水木金 08:30-17:30、土 09:00-12:00」, an overnight close as 「翌09:00」.
    pub fn list_text(hours: &[Hours]) -> String {
        hours
            .iter()
            .map(|h| {
                let days: String = h.days.iter().map(|d| d.label()).collect();
                let next = if h.overnight() { "翌" } else { "" };
                format!("{days} {}-{next}{}", h.open, h.close)
            })
            .collect::<Vec<_>>()
            .join("、")
    }

    /// [`Hours::list_text`] read back; `None` when the text is not in that form.
    pub fn parse_list(s: &str) -> Option<Vec<Hours>> {
        s.split('、')
            .map(|block| {
                let (days, times) = block.trim().split_once(' ')?;
                let (open, close) = times.split_once('-')?;
                let days: Vec<Day> = days
                    .chars()
                    .map(|c| Day::ALL.into_iter().find(|d| d.label().starts_with(c)))
                    .collect::<Option<_>>()?;
                let open = Time::parse(open)?;
                let close = Time::parse(close.trim_start_matches('翌'))?;
                (open != close && open < Time::END_OF_DAY).then_some(Hours { days, open, close })
            })
            .collect()
    }
}

/// Days that share the same ranges, in the week's order, each with its ranges in the
/// order of the day: 「月・木・金 8:30〜12:00、13:30〜16:30」. Residents look up one day;
/// ranges listed per day keep a lunch break visible however the data was written.
pub fn hours_by_day(hours: &[Hours]) -> Vec<(Vec<Day>, Vec<&Hours>)> {
    let mut out: Vec<(Vec<Day>, Vec<&Hours>)> = Vec::new();
    for day in Day::ALL {
        let mut ranges: Vec<&Hours> = hours.iter().filter(|h| h.days.contains(&day)).collect();
        if ranges.is_empty() {
            continue;
        }
        ranges.sort_by(|a, b| (&a.open, &a.close).cmp(&(&b.open, &b.close)));
        ranges.dedup_by(|a, b| (&a.open, &a.close) == (&b.open, &b.close));
        let same = |r: &[&Hours]| {
            r.len() == ranges.len()
                && r.iter()
                    .zip(&ranges)
                    .all(|(a, b)| (&a.open, &a.close) == (&b.open, &b.close))
        };
        match out.iter_mut().find(|(_, r)| same(r)) {
            Some((days, _)) => days.push(day),
            None => out.push((vec![day], ranges)),
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Accepting {
    Accepting,
    Limited,
    Full,
    #[default]
    Unknown,
}

impl Accepting {
    pub fn parse(s: &str) -> Option<Accepting> {
        match s {
            "accepting" => Some(Accepting::Accepting),
            "limited" => Some(Accepting::Limited),
            "full" => Some(Accepting::Full),
            "unknown" => Some(Accepting::Unknown),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Accepting::Accepting => "受け入れています",
            Accepting::Limited => "条件つきで受け入れています",
            Accepting::Full => "現在は受け入れていません",
            Accepting::Unknown => "お問い合わせください",
        }
    }

    /// A shape that survives black-and-white printing, so colour is never the only cue.
    pub fn mark(self) -> &'static str {
        match self {
            Accepting::Accepting => "○",
            Accepting::Limited => "△",
            Accepting::Full => "×",
            Accepting::Unknown => "－",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coords {
    pub lat: f64,
    pub lon: f64,
}

/// A provider record. `P` is its phone: a published record has one ([`Phone`]); a record
/// waiting for it (掲載準備中, see [`Pending`]) has `()` and appears on no page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider<P = Phone> {
    pub id: ProviderId,
    pub name: String,
    pub kana: Kana,
    pub category: CategoryKey,
    pub area: AreaKey,
    /// On a site of several municipalities, the one the record belongs to (its area's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<MunicipalityKey>,
    pub postal_code: String,
    pub address: String,
    pub phone: P,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub coords: Option<Coords>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
    pub closed_days: Option<String>,
    /// 診療科目 as the national data names them (内科, 小児歯科 …).
    pub departments: Vec<String>,
    pub services: Vec<ServiceKey>,
    pub accepting: Accepting,
    pub accepting_note: Option<String>,
    pub corporation: Option<String>,
    pub office_code: Option<String>,
    /// The 13-digit ID of 医療情報ネット（ナビイ）, kept as text (leading zeros).
    pub national_id: Option<String>,
    /// The national release the record was imported from, for the licence credit.
    pub origin: Option<Origin>,
    /// The record was missing from the national release of this date: the office may
    /// have closed, and staff should confirm before removing it.
    pub missing_since: Option<Date>,
    pub updated: Date,
    /// Inline Markdown as written; rendered (and escaped) by the outputs.
    pub notes: Option<String>,
    #[serde(skip)]
    pub source: PathBuf,
    #[serde(skip)]
    pub line: usize,
    /// Where `updated` is written, for the staleness warning.
    #[serde(skip)]
    pub updated_pos: Pos,
}

/// Open data a record came from; each asks for its own credit line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataSource {
    /// 医療情報ネット（ナビイ）オープンデータ, 厚生労働省, 公共データ利用規約第1.0版.
    IryoNet,
    /// 介護サービス情報公表システム オープンデータ, 厚生労働省, CC BY 4.0.
    KaigoKouhyou,
}

impl DataSource {
    pub const ALL: [DataSource; 2] = [DataSource::IryoNet, DataSource::KaigoKouhyou];

    pub fn key(self) -> &'static str {
        match self {
            DataSource::IryoNet => "iryo-net",
            DataSource::KaigoKouhyou => "kaigo-kouhyou",
        }
    }

    pub fn parse(s: &str) -> Option<DataSource> {
        DataSource::ALL.into_iter().find(|d| d.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            DataSource::IryoNet => "医療情報ネット（ナビイ）",
            DataSource::KaigoKouhyou => "介護サービス情報公表システム",
        }
    }

    /// The credit line the licence asks for; `by` is who processed the data.
    pub fn credit(self, by: &str) -> String {
        match self {
            DataSource::IryoNet => format!(
                "「医療情報ネットのオープンデータ」（厚生労働省）を加工して作成（加工：{by}）。公共データ利用規約（第1.0版）"
            ),
            DataSource::KaigoKouhyou => format!(
                "出典：厚生労働省「介護サービス情報公表システム」オープンデータ（CC BY 4.0）を加工して作成（加工：{by}）"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Origin {
    pub source: DataSource,
    /// The release's date (ナビイ: 6/1 and 12/1).
    pub date: Date,
}

/// A record without a phone number: kept out of every page, list and open data until
/// staff add one; `stale` prints a sheet asking the provider for it.
pub type Pending = Provider<()>;

/// The phone as shown on staff sheets, whether the record has one or not.
pub trait PhoneText {
    fn text(&self) -> &str;
}

impl PhoneText for Phone {
    fn text(&self) -> &str {
        self.as_str()
    }
}

impl PhoneText for () {
    fn text(&self) -> &str {
        ""
    }
}

impl<P> Provider<P> {
    /// The same record with another phone slot.
    pub fn with_phone<Q>(self, phone: Q) -> Provider<Q> {
        Provider {
            id: self.id,
            name: self.name,
            kana: self.kana,
            category: self.category,
            area: self.area,
            municipality: self.municipality,
            postal_code: self.postal_code,
            address: self.address,
            phone,
            fax: self.fax,
            email: self.email,
            url: self.url,
            coords: self.coords,
            hours: self.hours,
            hours_note: self.hours_note,
            closed_days: self.closed_days,
            departments: self.departments,
            services: self.services,
            accepting: self.accepting,
            accepting_note: self.accepting_note,
            corporation: self.corporation,
            office_code: self.office_code,
            national_id: self.national_id,
            origin: self.origin,
            missing_since: self.missing_since,
            updated: self.updated,
            notes: self.notes,
            source: self.source,
            line: self.line,
            updated_pos: self.updated_pos,
        }
    }

    pub fn path(&self) -> String {
        routes::provider(&self.id)
    }

    pub fn is_stale(&self, today: Date, days: u32) -> bool {
        today
            .since(self.updated)
            .map(|span| span.get_days() > days as i32)
            .unwrap_or(false)
    }
}

impl Site {
    pub fn home(&self) -> &Section {
        &self.sections[0]
    }

    /// Each national source the published records come from, with its latest release.
    pub fn origins(&self) -> Vec<Origin> {
        let mut latest: std::collections::BTreeMap<DataSource, Date> = Default::default();
        for o in self.providers.iter().filter_map(|p| p.origin) {
            let d = latest.entry(o.source).or_insert(o.date);
            *d = (*d).max(o.date);
        }
        latest
            .into_iter()
            .map(|(source, date)| Origin { source, date })
            .collect()
    }

    /// The credit lines the published records' licences ask for, processed by the city.
    pub fn credits(&self) -> Vec<String> {
        let by = format!(
            "{}{}",
            self.config.municipality.name, self.config.municipality.department
        );
        self.origins()
            .into_iter()
            .map(|o| {
                format!(
                    "{}（{}時点のデータ）",
                    o.source.credit(&by),
                    wareki::seireki(o.date)
                )
            })
            .collect()
    }

    /// The municipality a record belongs to: its town on a site of several, else the site's.
    pub fn municipality_of<P>(&self, p: &Provider<P>) -> &config::Municipality {
        p.municipality
            .as_ref()
            .and_then(|k| self.config.municipalities.get(k))
            .unwrap_or(&self.config.municipality)
    }

    pub fn group_of(&self, p: &Provider) -> Option<Group> {
        self.group_of_category(&p.category)
    }

    pub fn group_of_category(&self, category: &str) -> Option<Group> {
        self.config.categories.get(category).map(|c| c.group)
    }

    pub fn providers_where<'a>(
        &'a self,
        filter: &'a ProviderFilter,
    ) -> impl Iterator<Item = &'a Provider> + 'a {
        self.providers
            .iter()
            .map(|p| &**p)
            .filter(move |p| filter.matches(p))
    }

    pub fn stale_providers(&self) -> impl Iterator<Item = &Provider> {
        self.providers
            .iter()
            .map(|p| &**p)
            .filter(|p| p.is_stale(self.today, self.config.stale_after_days))
    }
}

/// Which providers a list shows; empty fields match everything.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFilter {
    pub category: Option<String>,
    pub area: Option<String>,
    pub service: Option<String>,
    pub accepting: Option<bool>,
    /// `medical`, `care` or `consultation`: every category of that group.
    pub group: Option<String>,
    /// A key of `[municipalities]`: that town's records only.
    pub municipality: Option<String>,
}

impl ProviderFilter {
    /// Keys a filter takes, in every place one is written (site.toml guides, `::: providers`
    /// in lectures and notes, the templates' `providers()`).
    pub const KEYS: [&'static str; 6] = [
        "category",
        "area",
        "service",
        "group",
        "accepting",
        "municipality",
    ];

    /// A filter from `key=value` pairs, each key once, every key and value checked against
    /// the site's vocabulary: the one parser behind `::: providers` and `providers()`.
    pub fn from_pairs<'a>(
        pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
        config: &Config,
    ) -> Result<ProviderFilter, String> {
        let mut f = ProviderFilter::default();
        for (k, v) in pairs {
            let slot = match k {
                "category" => &mut f.category,
                "area" => &mut f.area,
                "service" => &mut f.service,
                "group" => &mut f.group,
                "municipality" => &mut f.municipality,
                "accepting" => {
                    f.accepting = Some(match v {
                        "true" => true,
                        "false" => false,
                        _ => return Err(format!("accepting「{v}」は true か false です")),
                    });
                    continue;
                }
                other => {
                    return Err(format!(
                        "「{other}」は使えません（{} が使えます）",
                        Self::KEYS.join(", ")
                    ));
                }
            };
            if slot.is_some() {
                return Err(format!("{k} が2回書かれています"));
            }
            *slot = Some(v.to_string());
        }
        f.check(config)?;
        Ok(f)
    }

    /// Every key names something the site defines (a misspelt key lists nothing otherwise).
    pub fn check(&self, c: &Config) -> Result<(), String> {
        let unknown = |what: &str, k: &String| format!("{what}「{k}」は site.toml にありません");
        if let Some(k) = self
            .category
            .as_ref()
            .filter(|k| !c.categories.contains_key(k.as_str()))
        {
            return Err(unknown("category", k));
        }
        if let Some(k) = self
            .area
            .as_ref()
            .filter(|k| !c.areas.contains_key(k.as_str()))
        {
            return Err(unknown("area", k));
        }
        if let Some(k) = self
            .service
            .as_ref()
            .filter(|k| !c.services.contains_key(k.as_str()))
        {
            return Err(unknown("service", k));
        }
        if let Some(k) = self
            .municipality
            .as_ref()
            .filter(|k| !c.municipalities.contains_key(k.as_str()))
        {
            return Err(unknown("municipality", k));
        }
        if let Some(g) = self
            .group
            .as_ref()
            .filter(|g| !Group::ALL.iter().any(|x| x.key() == g.as_str()))
        {
            return Err(format!(
                "group「{g}」は medical・care・consultation のどれかです"
            ));
        }
        Ok(())
    }

    /// Whether `p` (whose category belongs to `group`) is in the list.
    pub fn matches_in(&self, p: &Provider, group: Option<Group>) -> bool {
        self.matches(p)
            && self
                .group
                .as_deref()
                .is_none_or(|g| group.is_some_and(|x| x.key() == g))
    }

    /// Matches ignoring `group`, which needs the site's categories to decide.
    pub fn matches(&self, p: &Provider) -> bool {
        self.category.as_ref().is_none_or(|c| &p.category == c)
            && self.area.as_ref().is_none_or(|a| &p.area == a)
            && self
                .municipality
                .as_ref()
                .is_none_or(|m| p.municipality.as_ref().is_some_and(|x| x == m.as_str()))
            && self
                .service
                .as_ref()
                .is_none_or(|s| p.services.iter().any(|x| x == s))
            && self.accepting.is_none_or(|want| {
                want == matches!(p.accepting, Accepting::Accepting | Accepting::Limited)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_text_round_trips() {
        let h = vec![
            Hours {
                days: vec![Day::Mon, Day::Tue, Day::Fri],
                open: Time::parse("08:30").unwrap(),
                close: Time::parse("17:30").unwrap(),
            },
            Hours {
                days: vec![Day::Sat],
                open: Time::parse("09:00").unwrap(),
                close: Time::parse("12:00").unwrap(),
            },
        ];
        let text = Hours::list_text(&h);
        assert_eq!(text, "月火金 08:30-17:30、土 09:00-12:00");
        assert_eq!(Hours::parse_list(&text), Some(h));
        let night = vec![Hours {
            days: vec![Day::Mon, Day::Sun, Day::Hol],
            open: Time::parse("17:00").unwrap(),
            close: Time::parse("09:00").unwrap(),
        }];
        assert_eq!(Hours::list_text(&night), "月日祝 17:00-翌09:00");
        assert_eq!(Hours::parse_list(&Hours::list_text(&night)), Some(night));
        assert_eq!(Hours::parse_list("相談に応じます"), None);
    }
}
