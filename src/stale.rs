//! Freshness: records overdue for confirmation, a CSV of them for staff, and the
//! 「掲載情報確認票」 sheets the city mails or faxes to providers before each update.

use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use crate::diagnostics::Diagnostic;
use crate::model::{Provider, Site, wareki};
use crate::report;
use crate::templates::Templates;

/// An overdue record with how long ago it was confirmed.
pub struct Overdue<'a> {
    pub provider: &'a Provider,
    pub days: i32,
}

/// Overdue records grouped by category (in site.toml's order), oldest first in each.
pub fn overdue(site: &Site) -> Vec<(&str, Vec<Overdue<'_>>)> {
    site.config
        .categories
        .iter()
        .map(|(key, cat)| {
            let mut list: Vec<Overdue> = site
                .stale_providers()
                .filter(|p| &p.category == key)
                .map(|p| Overdue {
                    provider: p,
                    days: site
                        .today
                        .since(p.updated)
                        .map(|s| s.get_days())
                        .unwrap_or(0),
                })
                .collect();
            list.sort_by(|a, b| {
                (a.provider.updated, &a.provider.kana.sort_key())
                    .cmp(&(b.provider.updated, &b.provider.kana.sort_key()))
            });
            (cat.label.as_str(), list)
        })
        .filter(|(_, l)| !l.is_empty())
        .collect()
}

/// The list as text for the terminal.
pub fn text(site: &Site) -> String {
    let groups = overdue(site);
    let total: usize = groups.iter().map(|(_, l)| l.len()).sum();
    let mut s = format!(
        "確認の期限（{}日）を過ぎた事業所: {} 件（{} 現在）\n",
        site.config.stale_after_days,
        total,
        wareki::both(site.today)
    );
    for (label, list) in &groups {
        s.push_str(&format!("\n{label}（{} 件）\n", list.len()));
        for o in list {
            s.push_str(&format!(
                "  {}  {}（{}）  電話 {}  {}日前  {}\n",
                o.provider.updated,
                o.provider.name,
                o.provider.id,
                o.provider.phone.as_str(),
                o.days,
                o.provider.source.display()
            ));
        }
    }
    s
}

/// The CSV for staff: UTF-8 with a byte-order mark so Excel opens it correctly.
pub fn csv(site: &Site) -> Result<Vec<u8>, Diagnostic> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let err = |e: csv::Error| Diagnostic::error("stale.csv", None, e.to_string());
    w.write_record([
        "分類",
        "id",
        "名称",
        "電話番号",
        "FAX番号",
        "最終確認日",
        "経過日数",
        "ファイル",
    ])
    .map_err(err)?;
    for (label, list) in overdue(site) {
        for o in list {
            let p = o.provider;
            let cells = [
                label.to_string(),
                p.id.clone(),
                p.name.clone(),
                p.phone.as_str().to_string(),
                p.fax
                    .as_ref()
                    .map_or(String::new(), |f| f.as_str().to_string()),
                p.updated.to_string(),
                o.days.to_string(),
                p.source.display().to_string(),
            ];
            // Staff open this in Excel: no cell may run as a formula.
            w.write_record(
                cells
                    .iter()
                    .map(|c| crate::model::text::defuse_formula(c).into_owned()),
            )
            .map_err(err)?;
        }
    }
    w.into_inner()
        .map_err(|e| Diagnostic::error("stale.csv", None, e.to_string()))
}

#[derive(Serialize)]
struct Sheet {
    id: String,
    name: String,
    updated: String,
    fields: Vec<(String, String)>,
}

/// One 「掲載情報確認票」 per overdue record, and all of them in one file for printing.
pub fn sheets(site: &Site, templates: &Templates) -> Result<Vec<(PathBuf, String)>, Diagnostic> {
    let snap = report::snapshot(site);
    let list: Vec<Sheet> = overdue(site)
        .into_iter()
        .flat_map(|(_, l)| l)
        .filter_map(|o| {
            let s = snap.get(&o.provider.id)?;
            Some(Sheet {
                id: o.provider.id.clone(),
                name: o.provider.name.clone(),
                updated: wareki::both(o.provider.updated),
                fields: s
                    .fields
                    .iter()
                    .filter(|(k, _)| k != "最終確認日")
                    .cloned()
                    .collect(),
            })
        })
        .collect();
    let render = |sheets: &[&Sheet], title: &str| -> Result<String, Diagnostic> {
        let mut ctx = Context::new();
        ctx.insert("sheets", sheets);
        ctx.insert("title", title);
        ctx.insert("today", &wareki::both(site.today));
        templates.render("stale/sheets.html", &ctx, std::path::Path::new("site.toml"))
    };
    let mut out = Vec::new();
    for s in &list {
        out.push((
            PathBuf::from(format!("confirm/{}.html", s.id)),
            render(&[s], &format!("掲載情報確認票（{}）", s.name))?,
        ));
    }
    let all: Vec<&Sheet> = list.iter().collect();
    out.push((
        PathBuf::from("confirm-all.html"),
        render(&all, "掲載情報確認票（まとめて印刷）")?,
    ));
    Ok(out)
}
