//! Tera templates: loading the theme with the site's overrides, and the filters and
//! functions templates can use (`wareki`, `furigana`, `phone`, `tel`, `url`, `providers`).

pub mod views;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use crate::diagnostics::{Diagnostic, Diagnostics, Pos};
use crate::markdown;
use crate::model::{Phone, ProviderFilter, Site, wareki};

pub struct Templates {
    tera: Tera,
    /// Template name → file, so errors can point into the right file.
    files: Vec<(String, PathBuf)>,
}

impl Templates {
    pub fn new(site: &Arc<Site>) -> Result<Templates, Diagnostics> {
        let mut tera = Tera::default();
        register(&mut tera, site);
        let files: Vec<(String, PathBuf)> = site
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.file.clone()))
            .collect();
        tera.add_raw_templates(
            site.templates
                .iter()
                .map(|t| (t.name.as_str(), t.text.as_str())),
        )
        .map_err(|e| Diagnostics::from(diagnose(&e, &files, None)))?;
        tera.global_context()
            .insert("site", &views::site_view(site));
        Ok(Templates { tera, files })
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name`; an error points into the template and names the page being built.
    pub fn render(&self, name: &str, ctx: &Context, for_file: &Path) -> Result<String, Diagnostic> {
        self.tera
            .render(name, ctx)
            .map_err(|e| diagnose(&e, &self.files, Some(for_file)))
    }
}

/// A Tera error as a diagnostic on the template file and line it comes from.
fn diagnose(e: &tera::Error, files: &[(String, PathBuf)], page: Option<&Path>) -> Diagnostic {
    let during = page
        .map(|p| format!("（{} のページを作成中）", p.display()))
        .unwrap_or_default();
    let help = "テンプレートを直すか、直前の変更を元に戻してください";
    match e.kind() {
        ErrorKind::SyntaxError(r) | ErrorKind::RenderingError(r) => {
            let file = files
                .iter()
                .find(|(n, _)| n == r.filename())
                .map(|(_, f)| f.clone())
                .unwrap_or_else(|| PathBuf::from(r.filename()));
            let span = r.span();
            let len = if span.end_line == span.start_line {
                span.end_col.saturating_sub(span.start_col)
            } else {
                1
            };
            Diagnostic::error(
                file,
                Some(Pos::new(span.start_line.max(1), span.start_col + 1)),
                format!("テンプレートの誤り: {}{during}", r.message()),
            )
            .with_len(len)
            .with_help(help)
        }
        _ => Diagnostic::error(
            page.unwrap_or(Path::new("templates")),
            None,
            format!("テンプレートの誤り: {}{during}", error_chain(e)),
        )
        .with_help(help),
    }
}

fn error_chain(e: &tera::Error) -> String {
    let mut s = e.to_string();
    let mut cur: Option<&dyn std::error::Error> = std::error::Error::source(e);
    while let Some(c) = cur {
        s.push_str(&format!(": {c}"));
        cur = c.source();
    }
    s
}

fn parse_date(s: &str) -> Result<Date, tera::Error> {
    s.get(..10)
        .and_then(|d| d.parse::<Date>().ok())
        .ok_or_else(|| {
            tera::Error::message(format!("「{s}」は日付（2026-04-01 の形）ではありません"))
        })
}

fn register(tera: &mut Tera, site: &Arc<Site>) {
    tera.register_filter(
        "wareki",
        |s: &str, kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let d = parse_date(s)?;
            Ok(if kw.get::<bool>("both")?.unwrap_or(false) {
                wareki::both(d)
            } else {
                wareki::wareki(d)
            })
        },
    );
    tera.register_filter(
        "seireki",
        |s: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            Ok(wareki::seireki(parse_date(s)?))
        },
    );
    tera.register_filter("furigana", |s: &str, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::furigana_html(s))
    });
    tera.register_filter("markdown_inline", |s: &str, _: Kwargs, _: &State| {
        Value::safe_string(&markdown::render_inline(s))
    });
    tera.register_filter("phone", |s: &str, _: Kwargs, _: &State| {
        Phone::parse(s).map_or_else(|| s.to_string(), |p| p.as_str().to_string())
    });
    tera.register_filter("tel", |s: &str, _: Kwargs, _: &State| {
        Phone::parse(s).map_or_else(String::new, |p| p.tel_uri())
    });
    let base_path = site.config.base_path.clone();
    tera.register_function(
        "url",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<String> {
            let path: String = kw.must_get("path")?;
            Ok(format!("{base_path}{}", path.trim_start_matches('/')))
        },
    );

    // Views are built only for the providers a call asks for (a home page asks for a few
    // consultation windows, not for all 10,000 records).
    let shared = Arc::clone(site);
    tera.register_function(
        "providers",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let filter: ProviderFilter = kw.deserialize()?;
            let list: Vec<Value> = shared
                .providers
                .iter()
                .filter(|p| filter.matches_in(p, shared.group_of(p)))
                .map(|p| Value::from_serializable(&views::provider_view(&shared, p)))
                .collect();
            Ok(Value::from(list))
        },
    );

    // pages(section="news/", limit=5): a section's pages in its own order.
    let sections: Arc<Vec<(String, Vec<Value>)>> = Arc::new(
        site.sections
            .iter()
            .map(|s| {
                let pages = s
                    .pages
                    .iter()
                    .map(|i| Value::from_serializable(&views::page_view(site, &site.pages[*i])))
                    .collect();
                (s.path.clone(), pages)
            })
            .collect(),
    );
    tera.register_function(
        "pages",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kw.must_get("section")?;
            let limit: Option<i64> = kw.get("limit")?;
            let path = format!("{}/", path.trim_matches('/'));
            let pages = sections
                .iter()
                .find(|(p, _)| *p == path)
                .map(|(_, v)| v.as_slice())
                .unwrap_or_default();
            let n = limit.map_or(pages.len(), |l| (l.max(0) as usize).min(pages.len()));
            Ok(Value::from(pages[..n].to_vec()))
        },
    );
}
