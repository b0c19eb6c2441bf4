//! The loaded site: one plain value that every output renders from.
//!
//! Loading builds it once; outputs only read it. Nothing here touches the disk.

pub mod guide;
pub mod kana;
pub mod phone;
pub mod text;
pub mod wareki;

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Serialize;

use crate::load::config::{Config, Group};
pub use kana::Kana;
pub use phone::Phone;

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
    /// Files copied as they are: `static/`, the theme's static files, content assets.
    pub assets: Vec<Asset>,
    /// The theme's templates with the site's own `templates/` laid over them.
    pub templates: Vec<TemplateSource>,
    /// Printed guides defined in site.toml.
    pub guides: Vec<guide::Guide>,
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
    pub lecture: Option<crate::lecture::LectureMeta>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Weight,
    Date,
    Title,
}

#[derive(Debug, Clone)]
pub struct Page {
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
    /// The slides of a lecture page (empty for other pages).
    pub slides: Vec<crate::lecture::Slide>,
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
    /// `HH:MM`, 24-hour, from `00:00` to `23:59`.
    pub open: String,
    /// `HH:MM`, 24-hour, up to `24:00`; earlier than `open` when the range runs overnight
    /// and ends the next morning (夜間: `17:00` to `09:00`).
    pub close: String,
}

impl Hours {
    /// Whether the range ends the next morning.
    pub fn overnight(&self) -> bool {
        self.close < self.open
    }

    /// `9:00`, as times are written for residents.
    pub fn open_label(&self) -> String {
        resident_time(&self.open)
    }

    /// `17:30`, or `翌9:00` when the range ends the next morning.
    pub fn close_label(&self) -> String {
        let t = resident_time(&self.close);
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
}

/// `09:00` → `9:00`.
fn resident_time(t: &str) -> String {
    t.strip_prefix('0').unwrap_or(t).to_string()
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

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub kana: Kana,
    pub category: String,
    pub area: String,
    pub postal_code: String,
    pub address: String,
    pub phone: Phone,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub coords: Option<Coords>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
    pub closed_days: Option<String>,
    pub services: Vec<String>,
    pub accepting: Accepting,
    pub accepting_note: Option<String>,
    pub corporation: Option<String>,
    pub office_code: Option<String>,
    pub updated: Date,
    /// Inline Markdown as written; rendered (and escaped) by the outputs.
    pub notes: Option<String>,
    #[serde(skip)]
    pub source: PathBuf,
    #[serde(skip)]
    pub line: usize,
    /// Where `updated` is written, for the staleness warning.
    #[serde(skip)]
    pub updated_pos: crate::diagnostics::Pos,
}

impl Provider {
    pub fn path(&self) -> String {
        format!("providers/{}/", self.id)
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

    pub fn group_of(&self, p: &Provider) -> Option<Group> {
        self.config.categories.get(&p.category).map(|c| c.group)
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
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderFilter {
    pub category: Option<String>,
    pub area: Option<String>,
    pub service: Option<String>,
    pub accepting: Option<bool>,
    /// `medical`, `care` or `consultation`: every category of that group.
    pub group: Option<String>,
}

impl ProviderFilter {
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
            && self.service.as_ref().is_none_or(|s| p.services.contains(s))
            && self.accepting.is_none_or(|want| {
                want == matches!(p.accepting, Accepting::Accepting | Accepting::Limited)
            })
    }
}
