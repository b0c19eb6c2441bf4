//! The provider directory generated from data: the index by group, one page per provider,
//! and lists by category, area and service in 五十音 order with あ行・か行… headings.

use model::routes::{self, List};
use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::{
    Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file,
    render_pages,
};
use crate::templates::views;
use diagnostics::Diagnostics;
use model::kana::ROWS;
use model::{Provider, Site};

pub struct Directory;

/// One generated list page: which providers, and how the page introduces them.
struct ListSpec {
    path: String,
    title: String,
    lead: String,
    kind: &'static str,
    key: String,
}

#[derive(Serialize)]
struct Row<'a> {
    label: &'static str,
    id: String,
    providers: Vec<&'a Value>,
}

impl Renderer for Directory {
    fn name(&self) -> &'static str {
        "directory"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        let specs = list_specs(site);
        let members = members(site, &specs);
        let wanted = |path: &str| cx.scope.is_none_or(|sc| sc.lists.contains(path));
        let pages: Vec<ListPage> = specs
            .iter()
            .enumerate()
            .flat_map(|(i, spec)| list_pages(i, spec, &members[i], site.config.list_page_size))
            .filter(|lp| {
                wanted(&lp.path)
                    || lp
                        .row
                        .is_some_and(|(r, _, _)| wanted(&routes::list_row(&specs[lp.spec].path, r)))
            })
            .collect();
        // Views are built only for providers something here will show.
        let mut shown = vec![cx.scope.is_none(); site.providers.len()];
        for lp in &pages {
            for &i in lp.members(&members[lp.spec]) {
                shown[i] = true;
            }
        }
        let shared = views::ProviderValues::new(site);
        let values: Vec<Option<Value>> = site
            .providers
            .par_iter()
            .zip(shown.par_iter())
            .enumerate()
            .map(|(i, (p, listed))| {
                let own_page = cx
                    .scope
                    .is_none_or(|sc| sc.providers.contains(p.id.as_str()));
                (own_page || *listed)
                    .then(|| cx.value_piece("card", i, || with_markup(cx, &shared, p)))
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        let indexed: Vec<(usize, &Provider)> = site
            .providers
            .iter()
            .enumerate()
            .map(|(i, p)| (i, &**p))
            .filter(|(_, p)| {
                cx.scope
                    .is_none_or(|sc| sc.providers.contains(p.id.as_str()))
            })
            .collect();
        let providers_title = "医療・介護の事業所をさがす";
        let intro = site.sections.iter().find(|s| s.path == routes::PROVIDERS);

        render_pages(cx, &indexed, |(i, p)| {
            let cat_label = site
                .config
                .categories
                .get(&p.category)
                .map_or("", |c| c.label.as_str());
            let crumbs = vec![
                crumb(site, "ホーム", ""),
                crumb(site, providers_title, routes::PROVIDERS),
                crumb(site, cat_label, &routes::list(List::Category, &p.category)),
                views::Link {
                    title: p.name.clone(),
                    path: String::new(),
                },
            ];
            let description = format!(
                "{}（{}）の所在地・電話番号・受付時間・対応サービス",
                p.name, cat_label
            );
            let meta = Meta {
                title: &p.name,
                description: &description,
                og_type: "website",
            };
            let mut ctx = base_context(site, &p.path(), meta, crumbs);
            ctx.insert_value("provider", values[*i].clone().unwrap_or_else(Value::none));
            let html = cx
                .templates
                .render("providers/provider.html", &ctx, &p.source)?;
            Ok(OutputFile {
                path: index_file(&p.path()),
                content: Content::Html(html),
            })
        })?;

        render_pages(cx, &pages, |page| {
            let spec = &specs[page.spec];
            let by_row = &members[page.spec];
            let rows: Vec<Row> = match page.row {
                _ if page.index => Vec::new(),
                Some((r, k, _)) => {
                    let size = site.config.list_page_size;
                    let part = &by_row[r][k * size..((k + 1) * size).min(by_row[r].len())];
                    row(r, part, &values).into_iter().collect()
                }
                None => (0..ROWS.len())
                    .filter_map(|r| row(r, &by_row[r], &values))
                    .collect(),
            };
            let title = match page.row {
                Some((r, _, 1)) => format!("{}（{}）", spec.title, ROWS[r]),
                Some((r, k, n)) => format!("{}（{}・{}/{}ページ）", spec.title, ROWS[r], k + 1, n),
                None => spec.title.clone(),
            };
            let path = &page.path;
            // The index of a split list shows links to its row pages instead of cards.
            let row_links: Vec<serde_json::Value> = if page.index {
                by_row
                    .iter()
                    .enumerate()
                    .filter(|(_, m)| !m.is_empty())
                    .map(|(r, m)| serde_json::json!({"label": ROWS[r], "count": m.len(), "path": format!("{}{}", site.config.base_path, routes::list_row(&spec.path, r))}))
                    .collect()
            } else {
                Vec::new()
            };
            let count: usize = match page.row {
                Some((r, _, _)) => by_row[r].len(),
                None => by_row.iter().map(Vec::len).sum(),
            };
            let pager = page.row.filter(|(_, _, n)| *n > 1).map(|(r, k, n)| {
                let at = |j: usize| format!("{}{}", site.config.base_path, routes::list_row_page(&spec.path, r, j));
                serde_json::json!({
                    "prev": (k > 0).then(|| at(k - 1)),
                    "next": (k + 1 < n).then(|| at(k + 1)),
                    "pages": (0..n).map(|j| serde_json::json!({"n": j + 1, "path": at(j), "current": j == k})).collect::<Vec<_>>(),
                    "first": k * site.config.list_page_size + 1,
                    "last": ((k + 1) * site.config.list_page_size).min(count),
                })
            });
            let mut crumbs = vec![
                crumb(site, "ホーム", ""),
                crumb(site, providers_title, routes::PROVIDERS),
            ];
            if page.row.is_some() {
                crumbs.push(crumb(site, &spec.title, &spec.path));
            }
            crumbs.push(views::Link {
                title: title.clone(),
                path: String::new(),
            });
            let meta = Meta {
                title: &title,
                description: &spec.lead,
                og_type: "website",
            };
            let mut ctx = base_context(site, path, meta, crumbs);
            ctx.insert(
                "list",
                &serde_json::json!({
                    "title": title,
                    "lead": spec.lead,
                    "kind": spec.kind,
                    "key": spec.key,
                    "count": count,
                }),
            );
            ctx.insert("rows", &rows);
            ctx.insert("row_links", &row_links);
            ctx.insert("pager", &pager);
            let html = cx.templates.render(
                "providers/list.html",
                &ctx,
                std::path::Path::new("site.toml"),
            )?;
            Ok(OutputFile {
                path: index_file(path),
                content: Content::Html(html),
            })
        })?;

        let meta = Meta {
            title: providers_title,
            description: "",
            og_type: "website",
        };
        let mut ctx = base_context(
            site,
            routes::PROVIDERS,
            meta,
            vec![
                crumb(site, "ホーム", ""),
                views::Link {
                    title: providers_title.into(),
                    path: String::new(),
                },
            ],
        );
        ctx.insert("title", providers_title);
        ctx.insert(
            "intro",
            &intro.map(|s| s.content.as_str()).unwrap_or_default(),
        );
        let html = cx
            .templates
            .render(
                "providers/index.html",
                &ctx,
                std::path::Path::new("content/providers"),
            )
            .map_err(Diagnostics::from)?;
        Ok(vec![OutputFile {
            path: index_file(routes::PROVIDERS),
            content: Content::Html(html),
        }])
    }
}

/// One page of a list: the whole list, the index of a split list, or one page of a 行
/// (`row` = 行, page number from 0, pages in that 行).
struct ListPage {
    spec: usize,
    path: String,
    index: bool,
    row: Option<(usize, usize, usize)>,
}

impl ListPage {
    /// The providers this page shows (none on an index page).
    fn members<'a>(&self, by_row: &'a [Vec<usize>]) -> Box<dyn Iterator<Item = &'a usize> + 'a> {
        match self.row {
            _ if self.index => Box::new(std::iter::empty()),
            Some((r, _, _)) => Box::new(by_row[r].iter()),
            None => Box::new(by_row.iter().flatten()),
        }
    }
}

/// Every list page `p` is on: its category, area and each service, and the 行 page of
/// each. An incremental rebuild renders these again when `p` changes.
pub fn lists_of(p: &Provider) -> Vec<String> {
    let row = model::kana::ROWS
        .iter()
        .position(|r| *r == p.kana.row())
        .unwrap_or(0);
    [
        routes::list(List::Category, &p.category),
        routes::list(List::Area, &p.area),
    ]
    .into_iter()
    .chain(p.services.iter().map(|s| routes::list(List::Service, s)))
    .flat_map(|list| [routes::list_row(&list, row), list])
    .collect()
}

/// For every list, the indices of its providers under each 行, in 五十音 order: one pass
/// over the providers, each put straight into its lists, so the cost grows with N and
/// not with N × lists or N × pages.
fn members(site: &Site, specs: &[ListSpec]) -> Vec<Vec<Vec<usize>>> {
    let spec_of: rustc_hash::FxHashMap<(&str, &str), usize> = specs
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.kind, s.key.as_str()), i))
        .collect();
    let mut out = vec![vec![Vec::new(); ROWS.len()]; specs.len()];
    let mut seen = Vec::new();
    for (i, p) in site.providers.iter().enumerate() {
        let row = row_of(p);
        let keys = [("category", p.category.as_str()), ("area", p.area.as_str())]
            .into_iter()
            .chain(p.services.iter().map(|s| ("service", s.as_str())));
        seen.clear();
        for key in keys {
            if let Some(&s) = spec_of.get(&key)
                && !seen.contains(&s)
            {
                seen.push(s);
                out[s][row].push(i);
            }
        }
    }
    out
}

/// The 行 a provider is listed under, as an index into [`ROWS`].
pub fn row_of(p: &Provider) -> usize {
    let row = p.kana.row();
    ROWS.iter()
        .position(|l| *l == row)
        .unwrap_or(ROWS.len() - 1)
}

/// The pages of one list: itself when it fits in `size`; otherwise an index page plus
/// the pages of each 行, a 行 longer than `size` running over numbered pages.
fn list_pages(
    spec_no: usize,
    spec: &ListSpec,
    by_row: &[Vec<usize>],
    size: usize,
) -> Vec<ListPage> {
    let total: usize = by_row.iter().map(Vec::len).sum();
    let whole = ListPage {
        spec: spec_no,
        path: spec.path.clone(),
        index: total > size,
        row: None,
    };
    if total <= size {
        return vec![whole];
    }
    let mut pages = vec![whole];
    for (r, m) in by_row.iter().enumerate().filter(|(_, m)| !m.is_empty()) {
        let n = m.len().div_ceil(size);
        pages.extend((0..n).map(|k| ListPage {
            spec: spec_no,
            path: routes::list_row_page(&spec.path, r, k),
            index: false,
            row: Some((r, k, n)),
        }));
    }
    pages
}

/// Every list page the directory writes (for the sitemap).
pub fn list_page_paths(site: &Site) -> Vec<String> {
    let specs = list_specs(site);
    let members = members(site, &specs);
    specs
        .iter()
        .enumerate()
        .flat_map(|(i, spec)| list_pages(i, spec, &members[i], site.config.list_page_size))
        .map(|p| p.path)
        .collect()
}

fn list_specs(site: &Site) -> Vec<ListSpec> {
    let c = &site.config;
    let mut specs = Vec::new();
    for (k, cat) in &c.categories {
        specs.push(ListSpec {
            path: routes::list(List::Category, k),
            title: format!("{}の一覧", cat.label),
            lead: cat.description.clone(),
            kind: List::Category.key(),
            key: k.to_string(),
        });
    }
    for (k, area) in &c.areas {
        specs.push(ListSpec {
            path: routes::list(List::Area, k),
            title: format!("{}の事業所", area.label),
            lead: area.description.clone(),
            kind: List::Area.key(),
            key: k.to_string(),
        });
    }
    for (k, s) in &c.services {
        specs.push(ListSpec {
            path: routes::list(List::Service, k),
            title: format!("{}ができる事業所", s.label),
            lead: s.description.clone(),
            kind: List::Service.key(),
            key: k.to_string(),
        });
    }
    specs
}

/// A record's template value with its list markup made once (`card`, `table_row`),
/// however many lists show it.
fn with_markup(
    cx: &RenderContext,
    shared: &views::ProviderValues,
    p: &Provider,
) -> Result<Value, diagnostics::Diagnostic> {
    let value = shared.value(p);
    let mut ctx = tera::Context::new();
    ctx.insert_value("p", value.clone());
    let card = cx
        .templates
        .render("partials/provider_card.html", &ctx, &p.source)?;
    let row = cx
        .templates
        .render("partials/provider_row.html", &ctx, &p.source)?;
    let mut map = value.into_map().unwrap_or_default();
    map.insert("card".into(), Value::safe_string(&card));
    map.insert("table_row".into(), Value::safe_string(&row));
    Ok(Value::from(map))
}

/// One 行 of a list page (none when it has nobody).
fn row<'a>(r: usize, members: &[usize], values: &'a [Option<Value>]) -> Option<Row<'a>> {
    let providers: Vec<&Value> = members.iter().filter_map(|&i| values[i].as_ref()).collect();
    (!providers.is_empty()).then(|| Row {
        label: ROWS[r],
        id: format!("row-{}", r + 1),
        providers,
    })
}
