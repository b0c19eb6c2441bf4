//! Tera templates: loading the theme with the site's overrides, and the filters and
//! functions templates can use (`wareki`, `furigana`, `phone`, `tel`, `url`, `providers`).

pub mod minify;
pub mod views;

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;
use tera::{Context, ErrorKind, Kwargs, State, Tera, Value};

use diagnostics::{Diagnostic, Diagnostics, Pos};
use markup::markdown;
use model::{Phone, ProviderFilter, Site, wareki};

pub struct Templates {
    tera: Tera,
    /// The templates as written, when `tera` holds minified ones: a failed render is
    /// repeated here so the error points at the line and column the author sees.
    original: Option<Tera>,
    /// Template name → file, so errors can point into the right file.
    files: Vec<(String, PathBuf)>,
}

impl Templates {
    /// Loads the templates; with `minify`, HTML templates are minified once here, which
    /// makes every page they render come out minified.
    pub fn new(site: &Arc<Site>, minify: bool) -> Result<Templates, Diagnostics> {
        let files: Vec<(String, PathBuf)> = site
            .templates
            .iter()
            .map(|t| (t.name.clone(), t.file.clone()))
            .collect();
        let load = |texts: Vec<(&str, Cow<str>)>| {
            let mut tera = Tera::default();
            register(&mut tera, site);
            tera.add_raw_templates(texts.iter().map(|(n, t)| (*n, t.as_ref())))
                .map_err(|e| Diagnostics::from(diagnose(&e, &files, None)))?;
            tera.global_context()
                .insert("site", &views::site_view(site));
            Ok::<Tera, Diagnostics>(tera)
        };
        // Errors in the templates as written come first, with their true positions.
        let original = load(
            site.templates
                .iter()
                .map(|t| (t.name.as_str(), Cow::Borrowed(t.text.as_str())))
                .collect(),
        )?;
        if !minify {
            return Ok(Templates {
                tera: original,
                original: None,
                files,
            });
        }
        let minified = site
            .templates
            .iter()
            .map(|t| {
                let text = if t.name.ends_with(".html") {
                    Cow::Owned(minify::minify_template(&t.text))
                } else {
                    Cow::Borrowed(t.text.as_str())
                };
                (t.name.as_str(), text)
            })
            .collect();
        // Should minifying ever break a template, the site still builds as written.
        Ok(match load(minified) {
            Ok(tera) => Templates {
                tera,
                original: Some(original),
                files,
            },
            Err(_) => Templates {
                tera: original,
                original: None,
                files,
            },
        })
    }

    /// Points already compiled templates at a newly loaded site (its data changed, its
    /// templates did not): the functions are replaced, and the `site` value too unless
    /// `same_site_view` says it would come out the same (it counts every record).
    pub fn refresh(&mut self, site: &Arc<Site>, same_site_view: bool) {
        let view =
            (!same_site_view).then(|| tera::Value::from_serializable(&views::site_view(site)));
        for tera in std::iter::once(&mut self.tera).chain(self.original.as_mut()) {
            register(tera, site);
            if let Some(view) = &view {
                tera.global_context().insert_value("site", view.clone());
            }
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    /// Renders `name`; an error points into the template and names the page being built.
    pub fn render(&self, name: &str, ctx: &Context, for_file: &Path) -> Result<String, Diagnostic> {
        self.tera.render(name, ctx).map_err(|e| {
            let e = match &self.original {
                Some(t) => t.render(name, ctx).err().unwrap_or(e),
                None => e,
            };
            diagnose(&e, &self.files, Some(for_file))
        })
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

thread_local! {
    static USED_PROVIDERS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `render` (one page, on this thread) and tells whether it called `providers()`:
/// a page that did not shows no provider data, so `serve` need not make it again after
/// an edit of provider data alone.
pub fn tracking_providers<R>(render: impl FnOnce() -> R) -> (R, bool) {
    USED_PROVIDERS.with(|u| u.set(false));
    let out = render();
    (out, USED_PROVIDERS.with(|u| u.replace(false)))
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
    // The number in a span that never breaks, then its 内線 (which may go to the next line).
    tera.register_filter("phone_html", |s: &str, _: Kwargs, _: &State| {
        Value::safe_string(&match Phone::parse(s) {
            Some(p) => format!(
                "<span class=\"tel-num\">{}</span>{}",
                markdown::escape(p.number()),
                p.extension()
                    .map(|e| format!("<wbr>（内線{}）", markdown::escape(e)))
                    .unwrap_or_default()
            ),
            None => markdown::escape(s),
        })
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
            USED_PROVIDERS.with(|u| u.set(true));
            // `limit` caps the list (a home page must not grow with a national directory).
            let mut args: serde_json::Map<String, serde_json::Value> = kw.deserialize()?;
            let limit = match args.remove("limit") {
                None => usize::MAX,
                Some(v) => v.as_u64().map_or(usize::MAX, |n| n as usize),
            };
            // `order="area"`: by the areas in site.toml's order, then 五十音 (as the ending
            // note and the printed guide list consultation windows).
            let by_area = match args.remove("order") {
                None => false,
                Some(v) if v.as_str() == Some("area") => true,
                Some(v) if v.as_str() == Some("kana") => false,
                Some(v) => {
                    return Err(tera::Error::message(format!(
                        "providers(): order={v} は使えません（\"kana\" か \"area\"）"
                    )));
                }
            };
            // The same parser and checks as `::: providers`: an unknown key or value is
            // an error, not an empty list.
            let texts: Vec<(String, String)> = args
                .iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), String::from),
                    )
                })
                .collect();
            let filter = ProviderFilter::from_pairs(
                texts.iter().map(|(k, v)| (k.as_str(), v.as_str())),
                &shared.config,
            )
            .map_err(|e| {
                tera::Error::message(format!("providers(): {e}（limit, order も使えます）"))
            })?;
            let mut list: Vec<&model::Provider> = shared
                .providers
                .iter()
                .map(|p| &**p)
                .filter(|p| filter.matches_in(p, shared.group_of(p)))
                .collect();
            if by_area {
                list.sort_by_key(|p| shared.config.areas.get_index_of(&p.area));
            }
            let list: Vec<Value> = list
                .into_iter()
                .take(limit)
                .map(|p| Value::from_serializable(&views::provider_view(&shared, p)))
                .collect();
            Ok(Value::from(list))
        },
    );

    // pages(section="news/", limit=5): a section's pages in its own order. The views are
    // made at the first call (they hold every page's HTML, and `serve` registers this
    // again after each edit).
    let site = Arc::clone(site);
    let views: std::sync::OnceLock<Vec<(String, Vec<Value>)>> = std::sync::OnceLock::new();
    tera.register_function(
        "pages",
        move |kw: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: String = kw.must_get("section")?;
            let limit: Option<i64> = kw.get("limit")?;
            let path = format!("{}/", path.trim_matches('/'));
            let sections = views.get_or_init(|| {
                site.sections
                    .iter()
                    .map(|s| {
                        let pages = s
                            .pages
                            .iter()
                            .map(|i| {
                                Value::from_serializable(&views::page_view(&site, &site.pages[*i]))
                            })
                            .collect();
                        (s.path.clone(), pages)
                    })
                    .collect()
            });
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
