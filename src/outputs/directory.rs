//! The provider directory generated from data: the index by group, one page per provider,
//! and lists by category, area and service in 五十音 order with あ行・か行… headings.

use rayon::prelude::*;
use serde::Serialize;
use tera::Value;

use super::{
    Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file,
    render_pages,
};
use crate::diagnostics::Diagnostics;
use crate::model::kana::ROWS;
use crate::model::{Provider, ProviderFilter, Site};
use crate::templates::views;

pub struct Directory;

/// One generated list page: which providers, and how the page introduces them.
struct ListSpec {
    path: String,
    title: String,
    lead: String,
    kind: &'static str,
    key: String,
    filter: ProviderFilter,
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
        let specs: Vec<ListSpec> = list_specs(site)
            .into_iter()
            .filter(|s| cx.scope.is_none_or(|sc| sc.lists.contains(&s.path)))
            .collect();
        // A list longer than `list_page_size` becomes an index page plus one page per 行.
        let page_size = site.config.list_page_size;
        let mut pages: Vec<ListPage> = Vec::new();
        for (i, spec) in specs.iter().enumerate() {
            let counts = row_counts(site, &spec.filter);
            let total: usize = counts.iter().sum();
            let wanted = |path: &str| cx.scope.is_none_or(|sc| sc.lists.contains(path));
            if total <= page_size {
                if wanted(&spec.path) {
                    pages.push(ListPage {
                        spec: i,
                        row: None,
                        counts: Vec::new(),
                    });
                }
                continue;
            }
            if wanted(&spec.path) {
                pages.push(ListPage {
                    spec: i,
                    row: None,
                    counts: counts.clone(),
                });
            }
            for (r, n) in counts.iter().enumerate() {
                if *n > 0 && wanted(&row_path(&spec.path, r)) {
                    pages.push(ListPage {
                        spec: i,
                        row: Some(r),
                        counts: Vec::new(),
                    });
                }
            }
        }
        // Views are built only for providers something here will show.
        let values: Vec<Option<Value>> = site
            .providers
            .par_iter()
            .map(|p| {
                let own_page = cx.scope.is_none_or(|sc| sc.providers.contains(&p.id));
                // On a list page of its own (a whole list, or its 行 page), not an index page.
                let listed = cx.scope.is_some()
                    && pages.iter().any(|lp| {
                        lp.counts.is_empty()
                            && specs[lp.spec].filter.matches(p)
                            && lp.row.is_none_or(|r| ROWS[r] == p.kana.row())
                    });
                (own_page || listed)
                    .then(|| Value::from_serializable(&views::provider_view(site, p)))
            })
            .collect();
        let indexed: Vec<(usize, &Provider)> = site
            .providers
            .iter()
            .enumerate()
            .filter(|(_, p)| cx.scope.is_none_or(|sc| sc.providers.contains(&p.id)))
            .collect();
        let providers_title = "医療・介護の事業所をさがす";
        let intro = site.sections.iter().find(|s| s.path == "providers/");

        let mut out = render_pages(cx, &indexed, |(i, p)| {
            let cat_label = site
                .config
                .categories
                .get(&p.category)
                .map_or("", |c| c.label.as_str());
            let crumbs = vec![
                crumb(site, "ホーム", ""),
                crumb(site, providers_title, "providers/"),
                crumb(
                    site,
                    cat_label,
                    &format!("providers/category/{}/", p.category),
                ),
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

        out.extend(render_pages(cx, &pages, |page| {
            let spec = &specs[page.spec];
            let mut rows = rows(site, &values, &spec.filter);
            if let Some(r) = page.row {
                rows.retain(|row| row.label == ROWS[r]);
            }
            let (title, path) = match page.row {
                Some(r) => (format!("{}（{}）", spec.title, ROWS[r]), row_path(&spec.path, r)),
                None => (spec.title.clone(), spec.path.clone()),
            };
            // The index of a split list shows links to its row pages instead of cards.
            let row_links: Vec<serde_json::Value> = page
                .counts
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(r, n)| serde_json::json!({"label": ROWS[r], "count": n, "path": format!("{}{}", site.config.base_path, row_path(&spec.path, r))}))
                .collect();
            if !row_links.is_empty() {
                rows.clear();
            }
            let count: usize = if row_links.is_empty() {
                rows.iter().map(|r| r.providers.len()).sum()
            } else {
                page.counts.iter().sum()
            };
            let mut crumbs = vec![crumb(site, "ホーム", ""), crumb(site, providers_title, "providers/")];
            if page.row.is_some() {
                crumbs.push(crumb(site, &spec.title, &spec.path));
            }
            crumbs.push(views::Link { title: title.clone(), path: String::new() });
            let meta = Meta { title: &title, description: &spec.lead, og_type: "website" };
            let mut ctx = base_context(site, &path, meta, crumbs);
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
            let html = cx.templates.render("providers/list.html", &ctx, std::path::Path::new("site.toml"))?;
            Ok(OutputFile { path: index_file(&path), content: Content::Html(html) })
        })?);

        let meta = Meta {
            title: providers_title,
            description: "",
            og_type: "website",
        };
        let mut ctx = base_context(
            site,
            "providers/",
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
        out.push(OutputFile {
            path: index_file("providers/"),
            content: Content::Html(html),
        });
        Ok(out)
    }
}

/// One page of a list: the whole list, the index of a split list (`counts` per 行),
/// or the page of one 行.
struct ListPage {
    spec: usize,
    row: Option<usize>,
    counts: Vec<usize>,
}

/// Path segments of the 行 pages of a split list.
pub const ROW_SLUGS: [&str; 11] = [
    "a", "ka", "sa", "ta", "na", "ha", "ma", "ya", "ra", "wa", "other",
];

pub fn row_path(list_path: &str, row: usize) -> String {
    format!("{list_path}{}/", ROW_SLUGS[row])
}

/// How many providers of a list fall in each 行.
fn row_counts(site: &Site, filter: &ProviderFilter) -> Vec<usize> {
    let mut counts = vec![0; ROWS.len()];
    for p in site.providers.iter().filter(|p| filter.matches(p)) {
        if let Some(r) = ROWS.iter().position(|l| *l == p.kana.row()) {
            counts[r] += 1;
        }
    }
    counts
}

/// Every list page the directory writes (for the sitemap).
pub fn list_page_paths(site: &Site) -> Vec<String> {
    let mut out = Vec::new();
    for spec in list_specs(site) {
        let counts = row_counts(site, &spec.filter);
        if counts.iter().sum::<usize>() > site.config.list_page_size {
            out.extend(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(r, _)| row_path(&spec.path, r)),
            );
        }
        out.push(spec.path);
    }
    out
}

fn list_specs(site: &Site) -> Vec<ListSpec> {
    let c = &site.config;
    let mut specs = Vec::new();
    for (k, cat) in &c.categories {
        specs.push(ListSpec {
            path: format!("providers/category/{k}/"),
            title: format!("{}の一覧", cat.label),
            lead: cat.description.clone(),
            kind: "category",
            key: k.clone(),
            filter: ProviderFilter {
                category: Some(k.clone()),
                ..Default::default()
            },
        });
    }
    for (k, area) in &c.areas {
        specs.push(ListSpec {
            path: format!("providers/area/{k}/"),
            title: format!("{}の事業所", area.label),
            lead: area.description.clone(),
            kind: "area",
            key: k.clone(),
            filter: ProviderFilter {
                area: Some(k.clone()),
                ..Default::default()
            },
        });
    }
    for (k, s) in &c.services {
        specs.push(ListSpec {
            path: format!("providers/service/{k}/"),
            title: format!("{}ができる事業所", s.label),
            lead: s.description.clone(),
            kind: "service",
            key: k.clone(),
            filter: ProviderFilter {
                service: Some(k.clone()),
                ..Default::default()
            },
        });
    }
    specs
}

/// Providers matching `filter`, grouped under their 行 (empty rows left out).
fn rows<'a>(site: &Site, values: &'a [Option<Value>], filter: &ProviderFilter) -> Vec<Row<'a>> {
    ROWS.iter()
        .enumerate()
        .filter_map(|(n, label)| {
            let providers: Vec<&Value> = site
                .providers
                .iter()
                .zip(values)
                .filter(|(p, _)| p.kana.row() == *label && filter.matches(p))
                .filter_map(|(_, v)| v.as_ref())
                .collect();
            (!providers.is_empty()).then(|| Row {
                label,
                id: format!("row-{}", n + 1),
                providers,
            })
        })
        .collect()
}
