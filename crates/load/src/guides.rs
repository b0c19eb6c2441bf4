//! Resolves the printed guides of site.toml against the loaded pages and categories.

use model::routes::{self, List};
use std::path::Path;

use crate::config::CONFIG_FILE;
use diagnostics::{Diagnostic, Diagnostics, Pos};
use model::config::{Config, PartKind};
use model::guide::{Chapter, Guide, Paper};
use model::{Page, ProviderFilter, Section};

pub fn resolve(
    root: &Path,
    config: &Config,
    sections: &[Section],
    pages: &[Page],
    providers: &[std::sync::Arc<model::Provider>],
) -> (Vec<Guide>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let mut guides = Vec::new();
    for (key, g) in &config.guides {
        let mut chapters = Vec::new();
        for part in &g.parts {
            match &part.kind {
                PartKind::Page(file) => {
                    let source = std::path::Path::new("content").join(file);
                    match pages.iter().position(|p| p.source == source) {
                        Some(page) => add_page(&mut chapters, page, key, part, pages, &mut diags),
                        None => diags.push(
                            Diagnostic::error(CONFIG_FILE, Some(part.pos), format!("ガイド「{key}」の page「{file}」がありません（下書きのページも使えません）"))
                                .with_help("content/ からのファイルの場所を書いてください（例: guide/zaitaku-iryo.md）"),
                        ),
                    }
                }
                PartKind::Section(path) => match sections.iter().find(|s| &s.path == path) {
                    Some(s) => {
                        for &page in &s.pages {
                            add_page(&mut chapters, page, key, part, pages, &mut diags);
                        }
                    }
                    None => diags.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            Some(part.pos),
                            format!("ガイド「{key}」の section「{path}」がありません"),
                        )
                        .with_help("_index.md のあるフォルダの名前を書いてください（例: guide）"),
                    ),
                },
                PartKind::Providers(filter) => {
                    // A town's guide lists that town's records unless a part names another.
                    let mut filter = filter.clone();
                    if filter.municipality.is_none() {
                        filter.municipality = g.municipality.as_ref().map(|m| m.to_string());
                    }
                    let filter = &filter;
                    if let Err(problem) = filter.check(config) {
                        diags.push(
                            Diagnostic::error(CONFIG_FILE, Some(part.pos), format!("ガイド「{key}」の providers: {problem}"))
                                .with_help("site.toml の [categories]・[areas]・[services] にある名前を書いてください"),
                        );
                        continue;
                    }
                    chapters.push(Chapter::Providers {
                        title: part
                            .title
                            .clone()
                            .unwrap_or_else(|| default_title(config, filter)),
                        intro: part
                            .intro
                            .clone()
                            .unwrap_or_else(|| default_intro(config, filter)),
                        filter: filter.clone(),
                        group_by: part.group_by,
                        web_path: web_path(filter),
                    });
                }
                PartKind::EachCategory => {
                    // A category no record is in yet (a new site's) prints no empty table.
                    let town = g.municipality.as_ref();
                    let used: std::collections::HashSet<&str> = providers
                        .iter()
                        .filter(|p| town.is_none_or(|t| p.municipality.as_ref() == Some(t)))
                        .map(|p| p.category.as_str())
                        .collect();
                    for (k, c) in config
                        .categories
                        .iter()
                        .filter(|(k, _)| used.contains(k.as_str()))
                    {
                        let filter = ProviderFilter {
                            category: Some(k.to_string()),
                            municipality: town.map(|t| t.to_string()),
                            ..Default::default()
                        };
                        chapters.push(Chapter::Providers {
                            title: c.label.clone(),
                            intro: c.description.clone(),
                            web_path: web_path(&filter),
                            filter,
                            group_by: part.group_by,
                        });
                    }
                }
            }
        }
        // A guide of only a cover and a back would print; it is surely a mistake.
        // (`each_category` on a site with no records yet is not a mistake: the lists come
        // with the records.)
        let waits_for_records = !config.categories.is_empty()
            && g.parts
                .iter()
                .any(|p| matches!(p.kind, PartKind::EachCategory));
        if chapters.is_empty()
            && !waits_for_records
            && g.parts.iter().all(|p| !matches!(p.kind, PartKind::Page(_)))
        {
            diags.push(
                Diagnostic::error(CONFIG_FILE, g.pos, format!("ガイド「{key}」に印刷する章がありません"))
                    .with_help(format!(
                        "[[guides.{key}.parts]] に page（ページ）・section（セクション）・providers（事業所の一覧）のどれかを書いてください。section は、ページのあるフォルダを指していますか"
                    )),
            );
        }
        for ch in &chapters {
            if let Chapter::Page { page } = ch {
                wide_tables(root, key, g.page_size, &pages[*page], &mut diags);
            }
        }
        guides.push(Guide {
            key: key.clone(),
            title: g.title.clone(),
            subtitle: g.subtitle.clone(),
            edition: g.edition,
            page_size: g.page_size,
            cover_text: g.cover_text.clone(),
            index: g.index,
            saddle_stitch: g.saddle_stitch,
            crop_marks: g.crop_marks,
            municipality: g.municipality.clone(),
            chapters,
        });
    }
    (guides, diags)
}

/// Adds a page as a chapter, unless an earlier part already printed it (a part naming a
/// page and another naming its section): then it is printed once, and the second mention
/// is a warning.
fn add_page(
    chapters: &mut Vec<Chapter>,
    page: usize,
    guide: &str,
    part: &model::config::PartConfig,
    pages: &[Page],
    diags: &mut Diagnostics,
) {
    if !chapters
        .iter()
        .any(|c| matches!(c, Chapter::Page { page: p } if *p == page))
    {
        chapters.push(Chapter::Page { page });
        return;
    }
    let p = &pages[page];
    diags.push(
        Diagnostic::warning(
            CONFIG_FILE,
            Some(part.pos),
            format!(
                "ガイド「{guide}」で「{}」（{}）が2回出てきます。1回だけ印刷します",
                p.meta.title,
                p.source.display()
            ),
        )
        .with_help("page と、そのページのある section の両方に書いていないか確かめ、どちらかを消してください"),
    );
}

fn default_title(c: &Config, f: &ProviderFilter) -> String {
    let mut words = Vec::new();
    if let Some(a) = f.area.as_ref().and_then(|k| c.areas.get(k)) {
        words.push(a.label.clone());
    }
    if let Some(s) = f.service.as_ref().and_then(|k| c.services.get(k)) {
        words.push(format!("{}ができる", s.label));
    }
    match f.category.as_ref().and_then(|k| c.categories.get(k)) {
        Some(cat) => words.push(cat.label.clone()),
        None => words.push("事業所".into()),
    }
    words.join("")
}

fn default_intro(c: &Config, f: &ProviderFilter) -> String {
    f.service
        .as_ref()
        .and_then(|k| c.services.get(k))
        .map(|s| s.description.clone())
        .or_else(|| {
            f.category
                .as_ref()
                .and_then(|k| c.categories.get(k))
                .map(|x| x.description.clone())
        })
        .unwrap_or_default()
}

/// The web list that shows the same providers, always current.
fn web_path(f: &ProviderFilter) -> String {
    if let Some(town) = &f.municipality {
        // A town's list is the finder chosen for that town.
        let mut q = format!("{}?town={town}", routes::FIND);
        for (k, v) in [
            ("category", &f.category),
            ("area", &f.area),
            ("service", &f.service),
        ] {
            if let Some(v) = v {
                q.push_str(&format!("&{k}={v}"));
            }
        }
        return q;
    }
    match (&f.category, &f.area, &f.service) {
        (Some(k), None, None) => routes::list(List::Category, k),
        (None, Some(k), None) => routes::list(List::Area, k),
        (None, None, Some(k)) => routes::list(List::Service, k),
        _ => routes::PROVIDERS.into(),
    }
}

/// Narrowest readable column of a table in print: four characters and the cell padding.
const MIN_COLUMN_CHARS: f32 = 4.5;

/// Warns about Markdown tables with more columns than the guide's paper holds: printed,
/// every cell would break after each character.
fn wide_tables(
    root: &Path,
    guide: &str,
    size: model::config::PageSize,
    page: &Page,
    diags: &mut Diagnostics,
) {
    let Ok(src) = crate::read_text(root, &page.source) else {
        return;
    };
    let paper = Paper::of(size);
    let char_mm = paper.table_pt * 25.4 / 72.0;
    let most = (paper.text_width_mm(size) / char_mm / MIN_COLUMN_CHARS).floor() as usize;
    let lines: Vec<&str> = src.lines().collect();
    for (i, line) in lines.iter().enumerate().skip(1) {
        let t = line.trim();
        let delimiter = t.contains('|')
            && t.contains('-')
            && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'));
        if !delimiter {
            continue;
        }
        let columns = t.trim_matches('|').split('|').count();
        if columns > most {
            diags.push(
                Diagnostic::warning(
                    &page.source,
                    Some(Pos::new(i, 1)),
                    format!(
                        "この表は{columns}列あり、ガイド「{guide}」（{size:?}判）の紙には{most}列までしか読める幅で入りません。印刷すると文字が1字ずつ折り返されます"
                    ),
                )
                .with_help("表を2つに分けるか、列を減らしてください（ホームページでは横にスクロールして読めます）"),
            );
        }
    }
}
