//! The loaded site: one plain value that every output renders from.
//!
//! Loading builds it once; outputs only read it. Nothing here touches the disk.

pub mod accessibility;
pub mod config;
pub mod guide;
pub mod holidays;
mod hours;
pub mod ids;
pub mod kana;
pub mod keys;
pub mod lecture;
pub mod phone;
pub mod pos;
mod provider;
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

pub use hours::{Day, Hours, hours_by_day};
pub use provider::{Accepting, Coords, DataSource, Origin, Pending, PhoneText, Provider};

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
    /// A town's part of a site of several (`--municipality`): the other towns' pages it
    /// leaves out (paths like `providers/ID/`), which its common pages may still link to.
    pub elsewhere: Vec<String>,
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
