//! The provider finder: a compact JSON index of every provider, the 「事業所をさがす」
//! page whose script filters it, and — only when `[map] tiles` is set — the map page.
//!
//! The JSON is read by `static/js/finder.js`; its keys are short because a city may list
//! 10,000 providers and residents open the page on phones. Every record is an array:
//! `[id, name, kana, category, area, [services], accepting, address, phone, lat, lon,
//! [departments], [[days, open, close]…]]` where category, area, services, accepting and
//! departments are indexes into the tables; `days` is a bit set (月 1, 火 2 … 日 64, 祝 128)
//! and `open`/`close` are minutes from midnight, `close` earlier than `open` when the
//! range ends the next morning.

use rayon::prelude::*;
use serde::Serialize;

use super::{Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file};
use crate::templates::views;
use diagnostics::Diagnostics;
use model::{Accepting, Provider, Site};

pub struct Finder;

pub use model::routes::{FIND as FIND_PATH, FINDER_INDEX as INDEX_FILE, MAP as MAP_PATH};

/// Accepting statuses in the order of the index's `r` table.
const ACCEPTING: [Accepting; 4] = [
    Accepting::Accepting,
    Accepting::Limited,
    Accepting::Full,
    Accepting::Unknown,
];

/// The pages this renderer writes (for the sitemap).
pub fn page_paths(site: &Site) -> Vec<String> {
    let mut out = vec![FIND_PATH.to_string()];
    if site.config.map.tiles.is_some() {
        out.push(MAP_PATH.to_string());
    }
    out
}

#[derive(Serialize)]
struct Index<'a> {
    /// Version of the layout, so a cached script can tell an old file.
    v: u8,
    /// Categories: `[key, label, group key]`.
    c: Vec<(&'a str, &'a str, &'static str)>,
    /// Areas: `[key, label]`.
    a: Vec<(&'a str, &'a str)>,
    /// Services: `[key, label]`.
    s: Vec<(&'a str, &'a str)>,
    /// Accepting statuses: `[key, label, mark]`.
    r: Vec<(&'static str, &'static str, &'static str)>,
    /// A provider's page relative to the site's base, `{id}` standing for the id: the
    /// scripts build no URL of their own.
    u: &'static str,
    /// 診療科目 found in the records, most common first.
    d: Vec<&'a str>,
    /// Days read as holidays (national ones and the site's own, like 年末年始), from this
    /// year to two years ahead: `YYYY-MM-DD`.
    h: Vec<String>,
    /// Places to sort from, nearest first: `[name, lat, lon]` (the site's own places, then
    /// the middle of each area's records, then of each town's named in `[areas] towns`).
    l: Vec<(String, f64, f64)>,
    /// On a site of several municipalities: the towns `[key, name]`, and each area's town
    /// (by index, in the order of `a`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    m: Vec<(&'a str, &'a str)>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    t: Vec<usize>,
    p: Vec<Record<'a>>,
}

#[derive(Serialize)]
struct Record<'a>(
    &'a str,
    &'a str,
    &'a str,
    Option<usize>,
    Option<usize>,
    Vec<usize>,
    usize,
    &'a str,
    &'a str,
    Option<f64>,
    Option<f64>,
    Vec<usize>,
    Vec<(u8, u32, u32)>,
);

/// A day's bit in the index's hours.
fn day_bit(d: model::Day) -> u8 {
    1 << (model::Day::ALL.iter().position(|x| *x == d).unwrap_or(0) as u8)
}

/// Holidays from this year to two years ahead: the national ones and the site's own.
fn holidays(site: &Site) -> Vec<String> {
    let year = site.today.year();
    let mut days: Vec<jiff::civil::Date> = (year..=year + 2)
        .flat_map(|y| {
            model::holidays::of_year(y).into_iter().chain(
                site.config
                    .finder
                    .holidays
                    .iter()
                    .filter_map(move |h| h.in_year(y)),
            )
        })
        .collect();
    days.sort();
    days.dedup();
    days.iter().map(|d| d.to_string()).collect()
}

/// The site's places, then the middle of each area's records that have a position.
fn places(site: &Site) -> Vec<(String, f64, f64)> {
    let mut out: Vec<(String, f64, f64)> = site
        .config
        .finder
        .places
        .iter()
        .map(|p| (p.name.clone(), round(p.lat), round(p.lon)))
        .collect();
    // The middle of the records of an area, then of each of its towns (by address).
    let mut middle = |name: String, of: &dyn Fn(&Provider) -> bool| {
        let at: Vec<_> = site
            .providers
            .iter()
            .filter(|p| of(p))
            .filter_map(|p| p.coords)
            .collect();
        if at.is_empty() || out.iter().any(|(n, _, _)| *n == name) {
            return;
        }
        let n = at.len() as f64;
        let lat = at.iter().map(|c| c.lat).sum::<f64>() / n;
        let lon = at.iter().map(|c| c.lon).sum::<f64>() / n;
        out.push((name, round(lat), round(lon)));
    };
    for (key, area) in &site.config.areas {
        middle(format!("{}のあたり", area.label), &|p| p.area == *key);
    }
    for area in site.config.areas.values() {
        for town in &area.towns {
            middle(format!("{town}のあたり"), &|p| {
                p.address.contains(town.as_str())
            });
        }
    }
    out
}

/// The site's own holidays as residents read them: runs of days joined,
/// 「12月29日〜1月3日」.
fn extra_holidays(site: &Site) -> String {
    use model::config::ExtraHoliday;
    let label = |h: ExtraHoliday| match h {
        ExtraHoliday::Yearly { month, day } => format!("{month}月{day}日"),
        ExtraHoliday::Once(d) => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
    };
    // The day after, in a leap year for yearly days (so 12-31 runs on into 01-01).
    let next = |h: ExtraHoliday| match h {
        ExtraHoliday::Yearly { month, day } => jiff::civil::Date::new(2028, month, day)
            .ok()
            .and_then(|d| d.tomorrow().ok())
            .map(|d| ExtraHoliday::Yearly {
                month: d.month(),
                day: d.day(),
            }),
        ExtraHoliday::Once(d) => d.tomorrow().ok().map(ExtraHoliday::Once),
    };
    let mut runs: Vec<(ExtraHoliday, ExtraHoliday)> = Vec::new();
    for h in &site.config.finder.holidays {
        match runs.last_mut() {
            Some((_, last)) if next(*last) == Some(*h) => *last = *h,
            _ => runs.push((*h, *h)),
        }
    }
    runs.iter()
        .map(|(a, b)| {
            if a == b {
                label(*a)
            } else {
                format!("{}〜{}", label(*a), label(*b))
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// 診療科目 of all records, most common first (then in 五十音 of their text).
fn departments(site: &Site) -> Vec<&str> {
    let mut count: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for p in &site.providers {
        for d in &p.departments {
            *count.entry(d.as_str()).or_default() += 1;
        }
    }
    let mut all: Vec<(&str, usize)> = count.into_iter().collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    all.into_iter().map(|(d, _)| d).collect()
}

fn accepting_key(a: Accepting) -> &'static str {
    match a {
        Accepting::Accepting => "accepting",
        Accepting::Limited => "limited",
        Accepting::Full => "full",
        Accepting::Unknown => "unknown",
    }
}

/// Coordinates rounded to about 10 cm: more digits only make the file larger.
fn round(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

fn index_json(cx: &RenderContext) -> Result<Vec<u8>, diagnostics::Diagnostic> {
    let site = cx.site;
    let c = &site.config;
    let index = Index {
        v: 3,
        c: c.categories
            .iter()
            .map(|(k, cat)| (k.as_str(), cat.label.as_str(), cat.group.key()))
            .collect(),
        a: c.areas
            .iter()
            .map(|(k, a)| (k.as_str(), a.label.as_str()))
            .collect(),
        s: c.services
            .iter()
            .map(|(k, s)| (k.as_str(), s.label.as_str()))
            .collect(),
        r: ACCEPTING
            .iter()
            .map(|a| (accepting_key(*a), a.label(), a.mark()))
            .collect(),
        u: model::routes::PROVIDER_PATTERN,
        d: departments(site),
        h: holidays(site),
        l: places(site),
        m: c.municipalities
            .iter()
            .map(|(k, m)| (k.as_str(), m.name.as_str()))
            .collect(),
        t: if c.municipalities.is_empty() {
            Vec::new()
        } else {
            c.areas
                .keys()
                .map(|a| {
                    c.area_municipality
                        .get(a)
                        .and_then(|m| c.municipalities.get_index_of(m))
                        .unwrap_or(0)
                })
                .collect()
        },
        p: Vec::new(),
    };
    let department_index: std::collections::HashMap<&str, usize> =
        index.d.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    fn record<'a>(
        c: &'a model::config::Config,
        p: &'a Provider,
        department_index: &std::collections::HashMap<&str, usize>,
    ) -> Record<'a> {
        Record(
            &p.id,
            &p.name,
            p.kana.as_str(),
            c.categories.get_index_of(&p.category),
            c.areas.get_index_of(&p.area),
            p.services
                .iter()
                .filter_map(|s| c.services.get_index_of(s))
                .collect(),
            ACCEPTING
                .iter()
                .position(|a| *a == p.accepting)
                .unwrap_or(ACCEPTING.len() - 1),
            &p.address,
            p.phone.as_str(),
            p.coords.map(|co| round(co.lat)),
            p.coords.map(|co| round(co.lon)),
            p.departments
                .iter()
                .filter_map(|d| department_index.get(d.as_str()).copied())
                .collect(),
            p.hours
                .iter()
                .map(|h| {
                    let days = h.days.iter().fold(0u8, |m, d| m | day_bit(*d));
                    (days, h.open.minutes(), h.close.minutes())
                })
                .collect(),
        )
    }
    // The records are joined from one piece each (kept by `serve` between rebuilds);
    // the bytes are what serialising the whole index at once gives.
    let failed = |e: serde_json::Error| crate::json::failed(INDEX_FILE, &e);
    let records: Vec<super::PieceText> = site
        .providers
        .par_iter()
        .enumerate()
        .map(|(i, p)| {
            cx.piece("finder", i, || {
                crate::json::line(&record(c, p, &department_index)).map_err(failed)
            })
        })
        .collect::<Result<_, _>>()?;
    let head = crate::json::line(&index).map_err(failed)?;
    let head = head.strip_suffix("[]}").unwrap_or(&head);
    let mut json =
        String::with_capacity(head.len() + records.iter().map(|r| r.len() + 1).sum::<usize>() + 3);
    json.push_str(head);
    json.push('[');
    for (i, r) in records.iter().enumerate() {
        if i > 0 {
            json.push(',');
        }
        json.push_str(r);
    }
    json.push_str("]}\n");
    Ok(json.into_bytes())
}

/// What the finder template needs besides `site`.
#[derive(Serialize)]
struct FinderView<'a> {
    index: String,
    /// Whether a map is drawn (tiles are configured).
    map: bool,
    /// The map page: the same finder with a larger map.
    map_page: bool,
    find_path: String,
    map_path: Option<String>,
    providers_path: String,
    title: &'a str,
    /// Words from the site's own data for the search box's hint: a reading and a town.
    examples: Vec<String>,
    /// 診療科目 to choose from, most common first.
    departments: Vec<&'a str>,
    /// Places to sort from (as in the index).
    places: Vec<String>,
    /// The site's own holidays in words (「12月29日〜1月3日」), if any.
    extra_holidays: String,
}

/// A few words a resident could type that find something here: the first town of two
/// areas (from `[areas] towns`), or else the start of a reading.
fn examples(site: &Site) -> Vec<String> {
    let towns: Vec<String> = site
        .config
        .areas
        .values()
        .filter_map(|a| a.towns.first().cloned())
        .take(2)
        .collect();
    if !towns.is_empty() {
        return towns;
    }
    site.providers
        .iter()
        .find(|p| p.kana.as_str().chars().count() >= 3)
        .map(|p| p.kana.as_str().chars().take(3).collect())
        .into_iter()
        .collect()
}

impl Renderer for Finder {
    fn name(&self) -> &'static str {
        "finder"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        let bp = &site.config.base_path;
        let has_map = site.config.map.tiles.is_some();
        let mut out = vec![OutputFile {
            path: INDEX_FILE.into(),
            content: Content::Bytes(index_json(cx)?),
        }];
        let mut pages = vec![(FIND_PATH, "事業所をさがす", false)];
        if has_map {
            pages.push((MAP_PATH, "地図で事業所をさがす", true));
        }
        for (path, title, map_page) in pages {
            let description = format!(
                "{}の医療機関・介護サービス事業所・相談窓口を、種類・地域・できること・受け入れの状況・名前や住所からさがせます。",
                site.config.municipality.name
            );
            let meta = Meta {
                title,
                description: &description,
                og_type: "website",
            };
            let crumbs = vec![
                crumb(site, "ホーム", ""),
                crumb(site, "医療・介護の事業所をさがす", model::routes::PROVIDERS),
                views::Link {
                    title: title.into(),
                    path: String::new(),
                },
            ];
            let mut ctx = base_context(site, path, meta, crumbs);
            ctx.insert(
                "finder",
                &FinderView {
                    index: format!("{bp}{INDEX_FILE}"),
                    map: has_map,
                    map_page,
                    find_path: format!("{bp}{FIND_PATH}"),
                    map_path: has_map.then(|| format!("{bp}{MAP_PATH}")),
                    providers_path: format!("{bp}{}", model::routes::PROVIDERS),
                    title,
                    examples: examples(site),
                    departments: departments(site),
                    places: places(site).into_iter().map(|p| p.0).collect(),
                    extra_holidays: extra_holidays(site),
                },
            );
            let html = cx
                .templates
                .render(
                    "providers/find.html",
                    &ctx,
                    std::path::Path::new("content/providers"),
                )
                .map_err(Diagnostics::from)?;
            out.push(OutputFile {
                path: index_file(path),
                content: Content::Html(html),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coordinates_are_rounded_to_six_places() {
        assert_eq!(round(36.061_234_567), 36.061_235);
        assert_eq!(round(139.5), 139.5);
    }

    #[test]
    fn accepting_keys_match_the_provider_view() {
        let keys: Vec<&str> = ACCEPTING.iter().map(|a| accepting_key(*a)).collect();
        assert_eq!(keys, ["accepting", "limited", "full", "unknown"]);
    }
}
