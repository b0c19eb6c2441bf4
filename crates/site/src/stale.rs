//! Freshness: records overdue for confirmation, a CSV of them for staff, and the
//! 「掲載情報確認票」 sheets the city mails or faxes to providers before each update.

use std::path::PathBuf;

use serde::Serialize;
use tera::Context;

use diagnostics::Diagnostic;
use model::{Provider, Site, wareki};

/// How many sheets `stale` prints: overdue, pending, missing and unanswered records.
pub fn sheet_count(site: &Site) -> usize {
    let overdue = site.stale_providers().count();
    let others = site
        .providers
        .iter()
        .filter(|p| !p.is_stale(site.today, site.config.stale_after_days))
        .filter(|p| !reasons(site, &***p, false).0.is_empty())
        .count();
    overdue + others + site.pending.len()
}
use render::templates::Templates;
use write::report;

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
    if !site.pending.is_empty() {
        s.push_str(&format!(
            "\n掲載準備中（電話番号がないためサイトに載っていません）: {} 件\n",
            site.pending.len()
        ));
        for p in &site.pending {
            s.push_str(&format!(
                "  {}（{}）  {}:{}\n",
                p.name,
                p.id,
                p.source.display(),
                p.line
            ));
        }
    }
    // Published or pending: either may have closed.
    let missing: Vec<(&str, &str, Option<jiff::civil::Date>, String)> = site
        .providers
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                p.id.as_str(),
                p.missing_since,
                format!("{}:{}", p.source.display(), p.line),
            )
        })
        .chain(site.pending.iter().map(|p| {
            (
                p.name.as_str(),
                p.id.as_str(),
                p.missing_since,
                format!("{}:{}", p.source.display(), p.line),
            )
        }))
        .filter(|m| m.2.is_some())
        .collect();
    if !missing.is_empty() {
        s.push_str(&format!(
            "\n国のデータから消えました（廃止・休止の可能性。確かめてから記録を消してください）: {} 件\n",
            missing.len()
        ));
        for (name, id, since, at) in missing {
            s.push_str(&format!(
                "  {name}（{id}）  {} 時点のデータにありません  {at}\n",
                since.map(|d| d.to_string()).unwrap_or_default(),
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
                p.id.to_string(),
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
                    .map(|c| model::text::defuse_formula(c).into_owned()),
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
    /// Why this sheet is sent, beyond the yearly check: each a sentence for the provider.
    reasons: Vec<String>,
    /// Not on the site yet (no phone number).
    pending: bool,
    fields: Vec<(String, String)>,
    /// Items to answer by ticking 対応している／していない (在宅医療 the national data lacks).
    questions: Vec<String>,
}

/// Why a record needs a sheet now, if it does.
fn reasons<P>(site: &Site, p: &Provider<P>, pending: bool) -> (Vec<String>, Vec<String>) {
    let mut why = Vec::new();
    if pending {
        why.push("電話番号がわからないため、まだ掲載していません。電話番号（代表）と、必要ならFAX番号をご記入ください。".to_string());
    }
    if let Some(d) = p.missing_since {
        why.push(format!(
            "国の公表データ（{}時点）に貴事業所が見つかりませんでした。休止・廃止・移転・名称の変更があれば「修正後」の欄にご記入ください。",
            wareki::seireki(d)
        ));
    }
    // The national data has no 在宅医療 items: ask medical offices imported from it.
    let medical = site.group_of_category(&p.category) == Some(model::config::Group::Medical);
    let questions: Vec<String> = if medical
        && p.origin
            .is_some_and(|o| o.source == model::DataSource::IryoNet)
        && p.services.is_empty()
    {
        site.config
            .services
            .values()
            .map(|s| s.label.clone())
            .collect()
    } else {
        Vec::new()
    };
    if !questions.is_empty() {
        why.push("訪問診療・往診・看取りなど、在宅医療への対応を下の表でお知らせください（国のデータにない項目です）。".to_string());
    }
    (why, questions)
}

fn sheet<P: model::PhoneText>(site: &Site, p: &Provider<P>, pending: bool) -> Sheet {
    let (reasons, questions) = reasons(site, p, pending);
    // 診療科目 is asked of records from 医療情報ネット, which carries it.
    let navi = p
        .origin
        .is_some_and(|o| o.source == model::DataSource::IryoNet);
    Sheet {
        id: p.id.to_string(),
        name: p.name.clone(),
        updated: wareki::both(p.updated),
        pending,
        reasons,
        // One sheet of paper each: rows that cannot apply are left out.
        fields: report::provider_snapshot(site, p)
            .fields
            .into_iter()
            .filter(|(k, v)| {
                k != "最終確認日"
                    && !(k == "国のデータ" && v.is_empty())
                    && !(k == "診療科目" && v.is_empty() && !navi)
            })
            .collect(),
        questions,
    }
}

/// One 「掲載情報確認票」 per record to confirm — overdue, waiting for a phone number,
/// missing from the national data, or without answers on 在宅医療 — and all of them in one
/// file for printing.
pub fn sheets(site: &Site, templates: &Templates) -> Result<Vec<(PathBuf, String)>, Diagnostic> {
    let overdue_ids: std::collections::HashSet<&str> = overdue(site)
        .into_iter()
        .flat_map(|(_, l)| l)
        .map(|o| o.provider.id.as_str())
        .collect();
    let mut list: Vec<Sheet> = overdue(site)
        .into_iter()
        .flat_map(|(_, l)| l)
        .map(|o| sheet(site, o.provider, false))
        .collect();
    list.extend(
        site.providers
            .iter()
            .filter(|p| !overdue_ids.contains(p.id.as_str()))
            .map(|p| sheet(site, &**p, false))
            .filter(|s| !s.reasons.is_empty()),
    );
    list.extend(site.pending.iter().map(|p| sheet(site, p, true)));
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
