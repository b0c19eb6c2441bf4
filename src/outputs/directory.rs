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
        // Views are built only for providers something here will show.
        let values: Vec<Option<Value>> = site
            .providers
            .par_iter()
            .map(|p| {
                let own_page = cx.scope.is_none_or(|sc| sc.providers.contains(&p.id));
                let listed = cx.scope.is_some() && specs.iter().any(|s| s.filter.matches(p));
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

        out.extend(render_pages(cx, &specs, |spec| {
            let rows = rows(site, &values, &spec.filter);
            let count: usize = rows.iter().map(|r| r.providers.len()).sum();
            let crumbs = vec![
                crumb(site, "ホーム", ""),
                crumb(site, providers_title, "providers/"),
                views::Link {
                    title: spec.title.clone(),
                    path: String::new(),
                },
            ];
            let meta = Meta {
                title: &spec.title,
                description: &spec.lead,
                og_type: "website",
            };
            let mut ctx = base_context(site, &spec.path, meta, crumbs);
            ctx.insert(
                "list",
                &serde_json::json!({
                    "title": spec.title,
                    "lead": spec.lead,
                    "kind": spec.kind,
                    "key": spec.key,
                    "count": count,
                }),
            );
            ctx.insert("rows", &rows);
            let html = cx.templates.render(
                "providers/list.html",
                &ctx,
                std::path::Path::new("site.toml"),
            )?;
            Ok(OutputFile {
                path: index_file(&spec.path),
                content: Content::Html(html),
            })
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
