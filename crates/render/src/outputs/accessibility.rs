//! `accessibility/`: the ウェブアクセシビリティ方針 every public body publishes, and
//! `accessibility/results/`: the last test's results (from `audit/results.json`) in the
//! usual layout of Japanese public sites. Nothing is called 適合 that was not tested.

use serde::Serialize;

use super::{Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file};
use diagnostics::Diagnostics;
use model::Site;
use model::accessibility::{AuditRecord, CRITERIA, Level, Machine, Outcome, outcome};
use model::routes::{ACCESSIBILITY, ACCESSIBILITY_RESULTS};

pub struct Accessibility;

const POLICY_TITLE: &str = "ウェブアクセシビリティ方針";
const RESULTS_TITLE: &str = "ウェブアクセシビリティ試験結果";

#[derive(Serialize)]
struct Row {
    id: &'static str,
    name: &'static str,
    level: &'static str,
    machine: String,
    outcome: &'static str,
    class: &'static str,
    check: &'static str,
}

#[derive(Serialize)]
struct PageRow {
    url: String,
    title: String,
    kind: String,
    representative: bool,
    problems: usize,
}

/// Each criterion's row of the results table.
fn rows(site: &Site, audit: &AuditRecord) -> Vec<Row> {
    CRITERIA
        .iter()
        .map(|c| {
            let found = audit.criteria.iter().find(|f| f.id == c.id);
            let machine = found.map_or(Machine::Untested, |f| f.machine);
            let by_eye = site.config.accessibility.by_eye.get(c.id).copied();
            let o = outcome(c.id, machine, by_eye);
            Row {
                id: c.id,
                name: c.name,
                level: match c.level {
                    Level::A => "A",
                    Level::AA => "AA",
                },
                machine: match machine {
                    Machine::Fail => {
                        format!("問題あり（{} ページ）", found.map_or(0, |f| f.failed_pages))
                    }
                    Machine::Pass => "問題なし".into(),
                    Machine::Untested => "機械ではできない".into(),
                    Machine::NotApplicable => "音声・動画なし".into(),
                },
                outcome: o.label(),
                class: match o {
                    Outcome::Conforms => "ok",
                    Outcome::NotApplicable => "na",
                    Outcome::Fails => "fail",
                    Outcome::ByEye => "eye",
                },
                check: c.check,
            }
        })
        .collect()
}

/// 対応度 as WAIC's guideline words it, claimed only when every criterion was decided.
fn conformance(rows: &[Row]) -> String {
    let count = |o: Outcome| rows.iter().filter(|r| r.outcome == o.label()).count();
    let (fails, by_eye) = (count(Outcome::Fails), count(Outcome::ByEye));
    match (fails, by_eye) {
        (0, 0) => "JIS X 8341-3:2016 の適合レベル AA に準拠しています。".into(),
        (f, 0) => format!(
            "JIS X 8341-3:2016 の適合レベル AA に一部準拠しています（不適合の {f} 項目を直しています）。"
        ),
        (f, e) => {
            let mut s = format!(
                "目で見て確かめる達成基準が {e} 項目残っています。そのため、対応度（準拠・一部準拠）はまだ示していません。"
            );
            if f > 0 {
                s.push_str(&format!(
                    "機械による試験で、不適合が {f} 項目見つかりました。"
                ));
            }
            s
        }
    }
}

impl Renderer for Accessibility {
    fn name(&self) -> &'static str {
        "accessibility"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        let c = &site.config;
        let a = &c.accessibility;
        let bp = &c.base_path;
        let mut files = Vec::new();

        let mut exceptions = a.exceptions.clone();
        if c.map.tiles.is_some() {
            exceptions.push(format!(
                "地図の画像（{}）は、ほかの団体が提供しているため、対象に含めません。事業所の場所は、住所の文字でも載せています。",
                c.map.attribution.as_deref().unwrap_or("外部の地図")
            ));
        }
        let scope = a
            .scope
            .clone()
            .unwrap_or_else(|| format!("このサイト（{}）のすべてのページ", c.base_url));
        let mut ctx = base_context(
            site,
            ACCESSIBILITY,
            Meta {
                title: POLICY_TITLE,
                description: "",
                og_type: "website",
            },
            vec![
                crumb(site, "ホーム", ""),
                crumb(site, POLICY_TITLE, ACCESSIBILITY),
            ],
        );
        let policy_date = a
            .policy_date
            .or(site.audit.as_ref().map(|r| r.date))
            .map(|d| d.to_string());
        ctx.insert("policy_date", &policy_date);
        ctx.insert("scope", &scope);
        ctx.insert("exceptions", &exceptions);
        ctx.insert(
            "results",
            &site.audit.as_ref().map(|r| {
                serde_json::json!({
                    "date": r.date.to_string(),
                    "path": format!("{bp}{ACCESSIBILITY_RESULTS}"),
                })
            }),
        );
        let html = cx.templates.render(
            "accessibility.html",
            &ctx,
            std::path::Path::new("site.toml"),
        )?;
        files.push(OutputFile {
            path: index_file(ACCESSIBILITY),
            content: Content::Html(html),
        });

        let Some(audit) = &site.audit else {
            return Ok(files);
        };
        let rows = rows(site, audit);
        let pages: Vec<PageRow> = audit
            .pages
            .iter()
            .map(|p| PageRow {
                url: format!("{}{}", c.base_url, p.path),
                title: p.title.clone(),
                kind: p.kind.clone(),
                representative: p.representative,
                problems: p.problems,
            })
            .collect();
        let mut ctx = base_context(
            site,
            ACCESSIBILITY_RESULTS,
            Meta {
                title: RESULTS_TITLE,
                description: "",
                og_type: "website",
            },
            vec![
                crumb(site, "ホーム", ""),
                crumb(site, POLICY_TITLE, ACCESSIBILITY),
                crumb(site, RESULTS_TITLE, ACCESSIBILITY_RESULTS),
            ],
        );
        ctx.insert("audit", audit);
        ctx.insert("audit_date", &audit.date.to_string());
        ctx.insert("method", audit.method.label());
        ctx.insert("conformance", &conformance(&rows));
        ctx.insert("by_eye_date", &a.by_eye_date.map(|d| d.to_string()));
        ctx.insert("by_eye_count", &a.by_eye.len());
        ctx.insert(
            "to_check",
            &rows.iter().filter(|r| r.class == "eye").collect::<Vec<_>>(),
        );
        ctx.insert("rows", &rows);
        ctx.insert("pages", &pages);
        ctx.insert("policy_path", &format!("{bp}{ACCESSIBILITY}"));
        let html = cx.templates.render(
            "accessibility_results.html",
            &ctx,
            std::path::Path::new(model::accessibility::RESULTS_FILE),
        )?;
        files.push(OutputFile {
            path: index_file(ACCESSIBILITY_RESULTS),
            content: Content::Html(html),
        });
        Ok(files)
    }
}
