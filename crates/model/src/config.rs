//! The site's settings as checked: what site.toml says, in the types every step reads.
//! `load::config` parses and validates site.toml into these.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Paper sizes of printed guides. B5 is the Japanese (JIS) B5 used by city offices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
pub enum PageSize {
    #[default]
    A4,
    A5,
    B5,
}

impl PageSize {
    /// Width and height in millimetres.
    pub fn mm(self) -> (u32, u32) {
        match self {
            PageSize::A4 => (210, 297),
            PageSize::A5 => (148, 210),
            PageSize::B5 => (182, 257),
        }
    }
}

/// How a generated provider part is divided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum GroupBy {
    #[default]
    None,
    Area,
    Category,
    /// By town on a site of several municipalities (in site.toml's order).
    Municipality,
}

/// A printed guide as written in site.toml; `load::guides` resolves it against the content.
#[derive(Debug, Clone)]
pub struct GuideConfig {
    pub title: String,
    pub subtitle: String,
    pub edition: jiff::civil::Date,
    pub page_size: PageSize,
    pub cover_text: String,
    pub index: bool,
    pub saddle_stitch: bool,
    pub crop_marks: bool,
    /// A guide of one town of a site of several: its providers, contacts and publisher.
    pub municipality: Option<super::MunicipalityKey>,
    pub parts: Vec<PartConfig>,
    /// Where `[guides.NAME]` is written in site.toml, for errors.
    pub pos: Option<super::Pos>,
}

#[derive(Debug, Clone)]
pub struct PartConfig {
    pub kind: PartKind,
    pub title: Option<String>,
    pub intro: Option<String>,
    pub group_by: GroupBy,
    /// Where the part is written in site.toml, for errors.
    pub pos: super::Pos,
}

#[derive(Debug, Clone)]
pub enum PartKind {
    Page(String),
    Section(String),
    Providers(super::ProviderFilter),
    EachCategory,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PdfConfig {
    /// Path of Chromium; found on PATH when not given.
    #[serde(default)]
    pub chromium: Option<String>,
}

/// Checked settings; everything in here has been validated.
#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Always ends with `/`.
    pub base_url: String,
    /// The path part of `base_url`, e.g. `/kenko/zaitaku/`; every link starts with it.
    pub base_path: String,
    pub language: String,
    pub theme: String,
    pub stale_after_days: u32,
    pub minify: bool,
    /// Lists longer than this are split into one page per 五十音 row.
    pub list_page_size: usize,
    pub feed_section: String,
    pub municipality: Municipality,
    /// The municipalities of a site made for several (ク 関係市区町村の連携), in site.toml's
    /// order; empty on a site of one. `municipality` is then the publisher (保健所, 医師会…).
    pub municipalities: IndexMap<super::MunicipalityKey, Municipality>,
    /// Which of them each area belongs to (every area, when there are several).
    pub area_municipality: IndexMap<super::AreaKey, super::MunicipalityKey>,
    pub markdown: MarkdownConfig,
    pub map: MapConfig,
    pub finder: FinderConfig,
    pub readability: ReadabilityConfig,
    pub accessibility: AccessibilityConfig,
    pub categories: IndexMap<super::CategoryKey, Category>,
    pub areas: IndexMap<super::AreaKey, Area>,
    pub services: IndexMap<super::ServiceKey, Service>,
    pub guides: IndexMap<String, GuideConfig>,
    pub pdf: PdfConfig,
    pub opendata: OpenDataConfig,
    pub import: ImportConfig,
}

/// `[readability]`: the limits of `tsunagu check --readability`, and words it leaves alone.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReadabilityConfig {
    /// Characters a sentence may have.
    pub sentence_length: usize,
    /// …on a page marked `easy: true` (やさしい日本語).
    pub easy_sentence_length: usize,
    /// Kanji in a row that make a warning.
    pub kanji_run: usize,
    /// Katakana in a row that make a warning.
    pub katakana_run: usize,
    /// Words never counted in a run: proper names, the names of the city's services.
    pub ignore: Vec<String>,
}

impl Config {
    /// (code, name) of the municipalities the site covers: its members on a site of
    /// several, else its own.
    pub fn members(&self) -> Vec<(&str, &str)> {
        if self.municipalities.is_empty() {
            return vec![(&self.municipality.code, &self.municipality.name)];
        }
        self.municipalities
            .values()
            .map(|m| (m.code.as_str(), m.name.as_str()))
            .collect()
    }
}

impl Default for ReadabilityConfig {
    fn default() -> Self {
        ReadabilityConfig {
            sentence_length: 60,
            easy_sentence_length: 40,
            kanji_run: 6,
            katakana_run: 10,
            ignore: Vec::new(),
        }
    }
}

/// `[accessibility]`: the city's ウェブアクセシビリティ方針 and what staff checked by eye.
#[derive(Debug, Clone, Default, Serialize)]
pub struct AccessibilityConfig {
    /// The day the policy was set (方針の策定日).
    pub policy_date: Option<jiff::civil::Date>,
    /// Pages the policy covers, when not the whole site.
    pub scope: Option<String>,
    /// Parts left out of the target, with the reason.
    pub exceptions: Vec<String>,
    /// Criterion id → the result staff found by eye.
    pub by_eye: IndexMap<String, super::accessibility::Outcome>,
    pub by_eye_date: Option<jiff::civil::Date>,
}

/// `[finder]`: places to sort from and the days read as holidays.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FinderConfig {
    /// Places residents know (駅, 役所), to list providers nearest first without sharing
    /// where they are.
    pub places: Vec<Place>,
    /// Days the finder reads as holidays besides the national ones (年末年始).
    pub holidays: Vec<ExtraHoliday>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Place {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// `"12-29"`: that day every year; `"2027-05-06"`: that day once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ExtraHoliday {
    Yearly { month: i8, day: i8 },
    Once(jiff::civil::Date),
}

impl ExtraHoliday {
    pub fn parse(s: &str) -> Option<ExtraHoliday> {
        let parts: Vec<&str> = s.trim().split('-').collect();
        let num = |t: &str| t.parse::<i16>().ok();
        match parts.as_slice() {
            [m, d] => {
                let (m, d) = (num(m)?, num(d)?);
                // Checked in a leap year, so 02-29 is allowed.
                jiff::civil::Date::new(2028, m as i8, d as i8).ok()?;
                Some(ExtraHoliday::Yearly {
                    month: m as i8,
                    day: d as i8,
                })
            }
            [y, m, d] => jiff::civil::Date::new(num(y)?, num(m)? as i8, num(d)? as i8)
                .ok()
                .map(ExtraHoliday::Once),
            _ => None,
        }
    }

    /// The day in `year`, if there is one.
    pub fn in_year(self, year: i16) -> Option<jiff::civil::Date> {
        match self {
            ExtraHoliday::Yearly { month, day } => jiff::civil::Date::new(year, month, day).ok(),
            ExtraHoliday::Once(d) => (d.year() == year).then_some(d),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Municipality {
    pub name: String,
    /// 全国地方公共団体コード, six digits with its check digit.
    pub code: String,
    pub department: String,
    pub phone: String,
    pub fax: String,
    pub email: String,
    pub address: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Raw HTML in Markdown is shown as text unless the site opts in.
    #[serde(default)]
    pub allow_html: bool,
}

/// Third-party maps are opt-in: without `link`, pages link to no map service.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MapConfig {
    /// URL template with `{lat}` and `{lon}`, e.g. an OpenStreetMap link.
    #[serde(default)]
    pub link: Option<String>,
    #[serde(default)]
    pub label: Option<String>,
    /// Tile URL template with `{z}`, `{x}` and `{y}` (e.g. 地理院タイル). Without it no
    /// map is drawn and no page asks a tile server for anything.
    #[serde(default)]
    pub tiles: Option<String>,
    /// Credit the tile provider requires, shown on every map.
    #[serde(default)]
    pub attribution: Option<String>,
    #[serde(default)]
    pub attribution_url: Option<String>,
    #[serde(default = "default_max_zoom")]
    pub max_zoom: u8,
}

fn default_max_zoom() -> u8 {
    18
}

/// The licence printed on `/opendata/` and in the exported files.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OpenDataConfig {
    #[serde(default = "default_license")]
    pub license: String,
    #[serde(default = "default_license_url")]
    pub license_url: String,
}

impl Default for OpenDataConfig {
    fn default() -> Self {
        OpenDataConfig {
            license: default_license(),
            license_url: default_license_url(),
        }
    }
}

fn default_license() -> String {
    "クリエイティブ・コモンズ 表示 4.0 国際（CC BY 4.0）".into()
}
fn default_license_url() -> String {
    "https://creativecommons.org/licenses/by/4.0/deed.ja".into()
}

/// A city's own CSV layout for `tsunagu import --format NAME`: each of our field names
/// (name, kana, type, address, phone…) maps to the CSV header that holds it.
pub type ImportFormat = IndexMap<String, String>;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ImportConfig {
    #[serde(default)]
    pub formats: IndexMap<String, ImportFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, PartialOrd, Ord)]
pub enum Group {
    #[serde(rename = "医療")]
    Medical,
    #[serde(rename = "介護")]
    Care,
    #[serde(rename = "相談窓口")]
    Consultation,
}

impl Group {
    pub const ALL: [Group; 3] = [Group::Medical, Group::Care, Group::Consultation];

    pub fn label(self) -> &'static str {
        match self {
            Group::Medical => "医療",
            Group::Care => "介護",
            Group::Consultation => "相談窓口",
        }
    }

    pub fn key(self) -> &'static str {
        match self {
            Group::Medical => "medical",
            Group::Care => "care",
            Group::Consultation => "consultation",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub label: String,
    pub group: Group,
    #[serde(default)]
    pub description: String,
    /// schema.org type for JSON-LD (Hospital, MedicalClinic, Dentist, Pharmacy…).
    #[serde(default = "default_schema_type")]
    pub schema_type: String,
    /// Type names in imported CSV files that mean this category (医療機関の種類,
    /// サービスの種類), e.g. ["訪問介護"].
    #[serde(default)]
    pub source_types: Vec<String>,
}

fn default_schema_type() -> String {
    "LocalBusiness".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub label: String,
    #[serde(default)]
    pub description: String,
    /// Town names (町名) in this area; `import` places a record by its address.
    #[serde(default)]
    pub towns: Vec<String>,
    /// The key in `[municipalities]` this area belongs to, on a site of several.
    #[serde(default)]
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub label: String,
    /// One line for residents saying what the service is.
    #[serde(default)]
    pub description: String,
}
