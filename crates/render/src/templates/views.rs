//! What templates see: the model turned into plain values with labels, URLs and dates
//! already worked out, so templates stay simple and every output shows data alike.

use model::routes::{self, List};
use serde::Serialize;

use markup::markdown;
use model::config::Group;
use model::{Page, Provider, Section, Site, wareki};

#[derive(Serialize)]
pub struct SiteView<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub base_url: &'a str,
    pub base_path: &'a str,
    pub language: &'a str,
    pub municipality: &'a model::config::Municipality,
    /// Top-level sections, in their order, for the navigation bar.
    pub nav: Vec<Link>,
    pub groups: Vec<GroupView>,
    pub areas: Vec<VocabView>,
    pub services: Vec<VocabView>,
    /// The member municipalities of a site made for several, in site.toml's order.
    pub municipalities: Vec<MunicipalityView<'a>>,
    pub provider_count: usize,
    pub today: String,
    pub feed_path: Option<String>,
    /// Printed guides, with the paths of their print pages.
    pub guides: Vec<Link>,
    /// Map settings; `map.tiles` is unset unless the site opted in to drawn maps.
    pub map: &'a model::config::MapConfig,
    /// Credit lines the licences of imported national data ask for.
    pub credits: Vec<String>,
    /// The site's fixed pages, base path included (`site.routes.find`): templates spell
    /// no URL of their own.
    pub routes: RoutesView,
}

#[derive(Serialize)]
pub struct RoutesView {
    pub providers: String,
    pub find: String,
    pub map: String,
    pub finder_index: String,
    pub search: String,
    pub opendata: String,
    pub accessibility: String,
}

#[derive(Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub path: String,
}

#[derive(Serialize)]
pub struct GroupView {
    pub key: &'static str,
    pub label: &'static str,
    pub count: usize,
    pub categories: Vec<VocabView>,
}

#[derive(Serialize, Clone)]
pub struct VocabView {
    pub key: String,
    pub label: String,
    pub description: String,
    pub count: usize,
    pub path: String,
    /// An area's town on a site of several municipalities (its key), else empty.
    pub town: String,
}

#[derive(Serialize)]
pub struct MunicipalityView<'a> {
    pub key: &'a str,
    #[serde(flatten)]
    pub info: &'a model::config::Municipality,
    /// The town's own section (`content/<key>/`), when it has one.
    pub path: Option<String>,
    pub count: usize,
}

impl<'a> MunicipalityView<'a> {
    pub fn of(
        site: &Site,
        key: &'a model::MunicipalityKey,
        info: &'a model::config::Municipality,
    ) -> Self {
        let bp = &site.config.base_path;
        MunicipalityView {
            key: key.as_str(),
            info,
            path: site
                .sections
                .iter()
                .find(|s| s.path == format!("{key}/"))
                .map(|s| format!("{bp}{}", s.path)),
            count: site
                .providers
                .iter()
                .filter(|p| p.municipality.as_ref() == Some(key))
                .count(),
        }
    }
}

#[derive(Serialize)]
pub struct PageView<'a> {
    pub title: &'a str,
    pub description: Option<&'a str>,
    pub summary: &'a str,
    pub date: Option<String>,
    pub date_wareki: Option<String>,
    pub content: &'a str,
    pub path: String,
    pub permalink: String,
    pub extra: &'a serde_json::Value,
}

#[derive(Serialize)]
pub struct SectionView<'a> {
    #[serde(flatten)]
    pub page: PageView<'a>,
    pub pages: Vec<PageView<'a>>,
    pub subsections: Vec<Link>,
}

#[derive(Serialize)]
pub struct ProviderView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub kana: &'a str,
    pub row: &'static str,
    pub path: String,
    pub permalink: String,
    pub category: VocabRef<'a>,
    pub group: &'static str,
    pub group_key: &'static str,
    pub area: VocabRef<'a>,
    /// The record's town on a site of several municipalities.
    pub town: Option<&'a str>,
    pub postal_code: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    /// The number alone and its extension, for layouts that break a line between them.
    pub phone_number: &'a str,
    pub phone_ext: Option<&'a str>,
    pub tel: String,
    pub fax: Option<&'a str>,
    pub email: Option<&'a str>,
    pub website: Option<&'a str>,
    pub map_link: Option<String>,
    pub coords: Option<model::Coords>,
    pub hours: Vec<HoursView>,
    pub hours_note: Option<&'a str>,
    pub closed_days: Option<&'a str>,
    pub departments: &'a [String],
    /// The national data the record was imported from, and its release.
    pub source: Option<&'static str>,
    pub source_date: Option<String>,
    pub missing_since: Option<String>,
    pub services: Vec<VocabRef<'a>>,
    pub accepting: AcceptingView<'a>,
    pub corporation: Option<&'a str>,
    pub office_code: Option<&'a str>,
    pub updated: String,
    pub updated_label: String,
    pub stale: bool,
    pub notes_html: Option<String>,
    pub json_ld: String,
}

#[derive(Serialize)]
pub struct VocabRef<'a> {
    pub key: &'a str,
    pub label: &'a str,
    pub description: &'a str,
    pub path: String,
}

#[derive(Serialize)]
pub struct HoursView {
    /// 「月・木・金」
    pub days: String,
    /// 「8:30〜12:00、13:30〜16:30」
    pub times: String,
    pub ranges: Vec<RangeView>,
}

#[derive(Serialize)]
pub struct RangeView {
    pub open: String,
    pub close: String,
}

/// Opening hours as residents read them: one row per set of days sharing their times.
pub fn hours_view(hours: &[model::Hours]) -> Vec<HoursView> {
    model::hours_by_day(hours)
        .into_iter()
        .map(|(days, ranges)| HoursView {
            days: days
                .iter()
                .map(|d| d.label())
                .collect::<Vec<_>>()
                .join("・"),
            times: ranges
                .iter()
                .map(|h| h.range_label())
                .collect::<Vec<_>>()
                .join("、"),
            ranges: ranges
                .iter()
                .map(|h| RangeView {
                    open: h.open_label(),
                    close: h.close_label(),
                })
                .collect(),
        })
        .collect()
}

#[derive(Serialize)]
pub struct AcceptingView<'a> {
    pub status: &'static str,
    pub label: &'static str,
    pub mark: &'static str,
    pub note: Option<&'a str>,
}

pub fn site_view(site: &Site) -> SiteView<'_> {
    let c = &site.config;
    let bp = c.base_path.as_str();
    let home = site.home();
    let mut nav = vec![Link {
        title: "ホーム".into(),
        path: bp.to_string(),
    }];
    nav.extend(home.subsections.iter().map(|i| {
        let s = &site.sections[*i];
        Link {
            title: s.meta.title.clone(),
            path: format!("{bp}{}", s.path),
        }
    }));
    nav.push(Link {
        title: "医療・介護の事業所をさがす".into(),
        path: format!("{bp}{}", routes::PROVIDERS),
    });
    // One pass over the records for every count (`serve` makes this view after each edit).
    let mut counts: rustc_hash::FxHashMap<(u8, &str), usize> = Default::default();
    for p in &site.providers {
        *counts.entry((0, &p.category)).or_default() += 1;
        *counts.entry((1, &p.area)).or_default() += 1;
        for (i, s) in p.services.iter().enumerate() {
            if !p.services[..i].contains(s) {
                *counts.entry((2, s)).or_default() += 1;
            }
        }
    }
    let count = |kind: u8, key: &str| counts.get(&(kind, key)).copied().unwrap_or(0);
    let groups = Group::ALL
        .iter()
        .map(|g| {
            let categories: Vec<VocabView> = c
                .categories
                .iter()
                .filter(|(_, cat)| cat.group == *g)
                .map(|(k, cat)| VocabView {
                    key: k.to_string(),
                    label: cat.label.clone(),
                    description: cat.description.clone(),
                    count: count(0, k),
                    path: format!("{bp}{}", routes::list(List::Category, k)),
                    town: String::new(),
                })
                .collect();
            GroupView {
                key: g.key(),
                label: g.label(),
                count: categories.iter().map(|c| c.count).sum(),
                categories,
            }
        })
        .collect();
    let areas = c
        .areas
        .iter()
        .map(|(k, a)| VocabView {
            key: k.to_string(),
            label: a.label.clone(),
            description: a.description.clone(),
            count: count(1, k),
            path: format!("{bp}{}", routes::list(List::Area, k)),
            town: c
                .area_municipality
                .get(k)
                .map(|m| m.to_string())
                .unwrap_or_default(),
        })
        .collect();
    let services = c
        .services
        .iter()
        .map(|(k, s)| VocabView {
            key: k.to_string(),
            label: s.label.clone(),
            description: s.description.clone(),
            count: count(2, k),
            path: format!("{bp}{}", routes::list(List::Service, k)),
            town: String::new(),
        })
        .collect();
    let feed_path = site
        .sections
        .iter()
        .any(|s| s.path == format!("{}/", c.feed_section))
        .then(|| format!("{bp}{}/atom.xml", c.feed_section));
    let at = |p: &str| format!("{bp}{p}");
    SiteView {
        routes: RoutesView {
            providers: at(routes::PROVIDERS),
            find: at(routes::FIND),
            map: at(routes::MAP),
            finder_index: at(routes::FINDER_INDEX),
            search: at(routes::SEARCH),
            opendata: at(routes::OPENDATA),
            accessibility: at(routes::ACCESSIBILITY),
        },
        credits: site.credits(),
        title: &c.title,
        description: &c.description,
        base_url: &c.base_url,
        base_path: bp,
        language: &c.language,
        municipality: &c.municipality,
        nav,
        groups,
        areas,
        services,
        municipalities: c
            .municipalities
            .iter()
            .map(|(k, m)| MunicipalityView::of(site, k, m))
            .collect(),
        provider_count: site.providers.len(),
        today: site.today.to_string(),
        feed_path,
        guides: site
            .guides
            .iter()
            .map(|g| Link {
                title: g.title.clone(),
                path: format!("{bp}{}", g.print_path()),
            })
            .collect(),
        map: &c.map,
    }
}

pub fn page_view<'a>(site: &'a Site, p: &'a Page) -> PageView<'a> {
    doc_view(site, &p.meta, &p.content, &p.summary, &p.path)
}

pub fn section_view<'a>(site: &'a Site, s: &'a Section) -> SectionView<'a> {
    let bp = &site.config.base_path;
    SectionView {
        page: doc_view(site, &s.meta, &s.content, &s.summary, &s.path),
        pages: s
            .pages
            .iter()
            .map(|i| page_view(site, &site.pages[*i]))
            .collect(),
        subsections: s
            .subsections
            .iter()
            .map(|i| Link {
                title: site.sections[*i].meta.title.clone(),
                path: format!("{bp}{}", site.sections[*i].path),
            })
            .collect(),
    }
}

fn doc_view<'a>(
    site: &'a Site,
    meta: &'a model::FrontMatter,
    content: &'a str,
    summary: &'a str,
    path: &str,
) -> PageView<'a> {
    PageView {
        title: &meta.title,
        description: meta.description.as_deref(),
        summary,
        date: meta.date.map(|d| d.to_string()),
        date_wareki: meta.date.map(wareki::both),
        content,
        path: format!("{}{path}", site.config.base_path),
        permalink: format!("{}{path}", site.config.base_url),
        extra: &meta.extra,
    }
}

/// Template values of many providers sharing one copy of each category, area and
/// service (label, description, URL). Copies of those texts made most of the
/// directory's memory at national scale (7.7 KB per provider).
pub struct ProviderValues<'a> {
    site: &'a Site,
    vocab: std::collections::HashMap<(List, &'a str), tera::Value>,
}

impl<'a> ProviderValues<'a> {
    pub fn new(site: &'a Site) -> Self {
        let c = &site.config;
        let bp = &c.base_path;
        let mut vocab = std::collections::HashMap::new();
        let entries = (c.categories.iter())
            .map(|(k, v)| (List::Category, k.as_str(), &v.label, &v.description))
            .chain(
                c.areas
                    .iter()
                    .map(|(k, v)| (List::Area, k.as_str(), &v.label, &v.description)),
            )
            .chain(
                (c.services.iter())
                    .map(|(k, v)| (List::Service, k.as_str(), &v.label, &v.description)),
            );
        for (kind, key, label, description) in entries {
            let view = VocabRef {
                key,
                label,
                description,
                path: format!("{bp}{}", routes::list(kind, key)),
            };
            vocab.insert((kind, key), tera::Value::from_serializable(&view));
        }
        ProviderValues { site, vocab }
    }

    /// The same value as `provider_view` gives, with the shared parts shared.
    pub fn value(&self, p: &Provider) -> tera::Value {
        let own = tera::Value::from_serializable(&provider_view(self.site, p));
        if own.as_map().is_none() {
            return own;
        }
        let mut map = own.into_map().unwrap_or_default();
        let shared = |kind: List, key: &str| self.vocab.get(&(kind, key)).cloned();
        if let Some(v) = shared(List::Category, &p.category) {
            map.insert("category".into(), v);
        }
        if let Some(v) = shared(List::Area, &p.area) {
            map.insert("area".into(), v);
        }
        let services: Vec<tera::Value> = p
            .services
            .iter()
            .filter_map(|k| shared(List::Service, k))
            .collect();
        map.insert("services".into(), tera::Value::from(services));
        tera::Value::from(map)
    }
}

pub fn provider_view<'a>(site: &'a Site, p: &'a Provider) -> ProviderView<'a> {
    let c = &site.config;
    let bp = &c.base_path;
    let vocab = |key: &'a str, label: &'a str, description: &'a str, kind: List| VocabRef {
        key,
        label,
        description,
        path: format!("{bp}{}", routes::list(kind, key)),
    };
    let cat = c.categories.get(&p.category);
    let area = c.areas.get(&p.area);
    let map_link = match (&c.map.link, p.coords) {
        (Some(tpl), Some(co)) => Some(
            tpl.replace("{lat}", &co.lat.to_string())
                .replace("{lon}", &co.lon.to_string()),
        ),
        _ => None,
    };
    ProviderView {
        id: &p.id,
        name: &p.name,
        kana: p.kana.as_str(),
        row: p.kana.row(),
        path: format!("{bp}{}", p.path()),
        permalink: format!("{}{}", c.base_url, p.path()),
        category: vocab(
            &p.category,
            cat.map_or("", |x| x.label.as_str()),
            cat.map_or("", |x| x.description.as_str()),
            List::Category,
        ),
        group: site.group_of(p).map_or("", Group::label),
        group_key: site.group_of(p).map_or("", Group::key),
        town: p
            .municipality
            .as_ref()
            .and_then(|k| c.municipalities.get(k))
            .map(|m| m.name.as_str()),
        area: vocab(
            &p.area,
            area.map_or("", |x| x.label.as_str()),
            area.map_or("", |x| x.description.as_str()),
            List::Area,
        ),
        postal_code: &p.postal_code,
        address: &p.address,
        phone: p.phone.as_str(),
        phone_number: p.phone.number(),
        phone_ext: p.phone.extension(),
        tel: p.phone.tel_uri(),
        fax: p.fax.as_ref().map(|f| f.as_str()),
        email: p.email.as_deref(),
        website: p.url.as_deref(),
        map_link,
        coords: p.coords,
        hours: hours_view(&p.hours),
        hours_note: p.hours_note.as_deref(),
        closed_days: p.closed_days.as_deref(),
        departments: &p.departments,
        source: p.origin.map(|o| o.source.label()),
        source_date: p.origin.map(|o| wareki::both(o.date)),
        missing_since: p.missing_since.map(|d| d.to_string()),
        services: p
            .services
            .iter()
            .filter_map(|k| {
                let s = c.services.get(k)?;
                Some(vocab(k, &s.label, &s.description, List::Service))
            })
            .collect(),
        accepting: AcceptingView {
            status: match p.accepting {
                model::Accepting::Accepting => "accepting",
                model::Accepting::Limited => "limited",
                model::Accepting::Full => "full",
                model::Accepting::Unknown => "unknown",
            },
            label: p.accepting.label(),
            mark: p.accepting.mark(),
            note: p.accepting_note.as_deref(),
        },
        corporation: p.corporation.as_deref(),
        office_code: p.office_code.as_deref(),
        updated: p.updated.to_string(),
        updated_label: wareki::both(p.updated),
        stale: p.is_stale(site.today, c.stale_after_days),
        notes_html: p.notes.as_deref().map(markdown::render_inline),
        json_ld: json_ld(site, p),
    }
}

/// schema.org data for search engines; `<` is escaped so no value can close the script.
fn json_ld(site: &Site, p: &Provider) -> String {
    let c = &site.config;
    let kind = c
        .categories
        .get(&p.category)
        .map_or("LocalBusiness", |x| x.schema_type.as_str());
    let mut v = serde_json::json!({
        "@context": "https://schema.org",
        "@type": kind,
        "@id": format!("{}{}", c.base_url, p.path()),
        "name": p.name,
        "telephone": p.phone.as_str(),
        "address": {
            "@type": "PostalAddress",
            "postalCode": p.postal_code,
            "streetAddress": p.address,
            "addressCountry": "JP",
        },
    });
    if let Some(url) = &p.url {
        v["url"] = url.clone().into();
    }
    if let Some(fax) = &p.fax {
        v["faxNumber"] = fax.as_str().into();
    }
    if let Some(co) = p.coords {
        v["geo"] =
            serde_json::json!({"@type": "GeoCoordinates", "latitude": co.lat, "longitude": co.lon});
    }
    let hours: Vec<serde_json::Value> = p
        .hours
        .iter()
        .map(|h| {
            serde_json::json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": h.days.iter().filter_map(|d| d.schema()).collect::<Vec<_>>(),
                "opens": h.open,
                "closes": h.close,
            })
        })
        .collect();
    if !hours.is_empty() {
        v["openingHoursSpecification"] = hours.into();
    }
    crate::json::value_line(&v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_provider_values_equal_the_plain_view() {
        let root = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
        let (site, _) = load::load(root, &Default::default()).expect("sample site");
        assert!(site.providers.len() > 10);
        let shared = ProviderValues::new(&site);
        for p in &site.providers {
            let plain = tera::Value::from_serializable(&provider_view(&site, p));
            assert_eq!(shared.value(p), plain, "{}", p.id);
        }
    }
}
