//! `/opendata/`: the providers as open data — CSV in the 自治体標準オープンデータセット layout
//! (医療機関一覧 for medical categories, 介護サービス事業所一覧 for the rest), UTF-8 with a
//! BOM so Excel opens it, and JSON; plus a page saying what they hold and their licence.
//!
//! After the standard columns come a few of tsunagu's own (圏域, 対応サービス, 受入状況…),
//! so `tsunagu import` reads an exported file back into the same records.

use rayon::prelude::*;

use super::{Content, Meta, OutputFile, RenderContext, Renderer, base_context, crumb, index_file};
use diagnostics::{Diagnostic, Diagnostics};
use model::config::Group;
use model::{Provider, Site};

pub struct OpenData;

/// One exported table.
struct Table {
    file: &'static str,
    title: &'static str,
    name_col: &'static str,
    type_col: &'static str,
    code_col: &'static str,
    days_col: &'static str,
    note_col: &'static str,
    medical: bool,
}

const TABLES: [Table; 2] = [
    Table {
        file: "iryo-kikan.csv",
        title: "医療機関一覧",
        name_col: "名称",
        type_col: "医療機関の種類",
        code_col: "医療機関コード",
        days_col: "診療曜日",
        note_col: "診療日時特記事項",
        medical: true,
    },
    Table {
        file: "kaigo-jigyosho.csv",
        title: "介護サービス事業所・相談窓口一覧",
        name_col: "介護サービス事業所名称",
        type_col: "実施サービス",
        code_col: "事業所番号",
        days_col: "利用可能曜日",
        note_col: "利用可能曜日特記事項",
        medical: false,
    },
];

impl Table {
    fn headers(&self) -> Vec<String> {
        let kana = format!("{}_カナ", self.name_col);
        let (open, close) = if self.medical {
            ("診療開始時間", "診療終了時間")
        } else {
            ("開始時間", "終了時間")
        };
        [
            "全国地方公共団体コード",
            "ID",
            "地方公共団体名",
            self.name_col,
            &kana,
            self.type_col,
            "所在地_連結表記",
            "建物名等(方書)",
            "緯度",
            "経度",
            "電話番号",
            "内線番号",
            "FAX番号",
            "法人の名称",
            self.code_col,
            self.days_col,
            open,
            close,
            self.note_col,
            "URL",
            "備考",
            // tsunagu's own columns.
            "郵便番号",
            "メールアドレス",
            "営業時間",
            "休業日",
            "圏域",
            "対応サービス",
            "受入状況",
            "受入状況の補足",
            "情報確認日",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect()
    }

    fn row(&self, site: &Site, p: &Provider) -> Vec<String> {
        let c = &site.config;
        let category = c.categories.get(&p.category);
        let kind = category
            .and_then(|cat| {
                cat.source_types
                    .first()
                    .cloned()
                    .or(Some(cat.label.clone()))
            })
            .unwrap_or_default();
        let days: String = model::Day::ALL
            .iter()
            .filter(|d| p.hours.iter().any(|h| h.days.contains(d)))
            .map(|d| d.label())
            .collect();
        let first = p.hours.first();
        let opt = |s: &Option<String>| s.clone().unwrap_or_default();
        let services: Vec<&str> = p
            .services
            .iter()
            .map(|s| c.services.get(s).map_or(s.as_str(), |v| v.label.as_str()))
            .collect();
        let town = site.municipality_of(p);
        vec![
            town.code.clone(),
            p.id.to_string(),
            town.name.clone(),
            p.name.clone(),
            katakana(p.kana.as_str()),
            kind,
            p.address.clone(),
            String::new(),
            p.coords.map(|x| x.lat.to_string()).unwrap_or_default(),
            p.coords.map(|x| x.lon.to_string()).unwrap_or_default(),
            p.phone.number().to_string(),
            p.phone.extension().unwrap_or_default().to_string(),
            p.fax
                .as_ref()
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
            opt(&p.corporation),
            opt(&p.office_code),
            days,
            first.map(|h| h.open.to_string()).unwrap_or_default(),
            first.map(|h| h.close.to_string()).unwrap_or_default(),
            opt(&p.hours_note),
            opt(&p.url),
            opt(&p.notes),
            p.postal_code.clone(),
            opt(&p.email),
            model::Hours::list_text(&p.hours),
            opt(&p.closed_days),
            c.areas
                .get(&p.area)
                .map_or(p.area.to_string(), |a| a.label.clone()),
            services.join(";"),
            p.accepting.label().to_string(),
            opt(&p.accepting_note),
            p.updated.to_string(),
        ]
    }
}

/// `providers.json`: what the file is, then `providers` with one record per line (each
/// line a piece `serve` keeps between rebuilds; diffs of the file show records).
fn providers_json(cx: &RenderContext) -> serde_json::Result<Vec<u8>> {
    #[derive(serde::Serialize)]
    struct File<'a> {
        title: String,
        publisher: &'a str,
        municipality_code: &'a str,
        license: &'a str,
        license_url: &'a str,
        as_of: Option<String>,
        providers: [(); 0],
    }
    let site = cx.site;
    let c = &site.config;
    // No build time in here: the newest confirmation date stands for the data's age.
    let as_of = site.providers.iter().map(|p| p.updated).max();
    let head = crate::json::pretty(&File {
        title: format!("{} 医療・介護の事業所一覧", c.municipality.name),
        publisher: &c.municipality.name,
        municipality_code: &c.municipality.code,
        license: &c.opendata.license,
        license_url: &c.opendata.license_url,
        as_of: as_of.map(|d| d.to_string()),
        providers: [],
    })?;
    let lines: Vec<super::PieceText> = site
        .providers
        .par_iter()
        .enumerate()
        .map(|(i, p)| cx.piece("providers.json", i, || crate::json::line(p)))
        .collect::<Result<_, _>>()?;
    let head = String::from_utf8(head).unwrap_or_default();
    let head = head.trim_end().strip_suffix("[]\n}").unwrap_or(&head);
    let mut out =
        String::with_capacity(head.len() + lines.iter().map(|l| l.len() + 6).sum::<usize>() + 8);
    out.push_str(head);
    out.push_str("[\n");
    for (i, l) in lines.iter().enumerate() {
        out.push_str("    ");
        out.push_str(l);
        out.push_str(if i + 1 < lines.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}");
    Ok(out.into_bytes())
}

fn size(bytes: usize) -> String {
    if bytes < 1024 {
        format!("{bytes} バイト")
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

/// 名称_カナ is written in katakana in the standard; readings are kept in hiragana.
fn katakana(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'ぁ'..='ゖ' | 'ゝ' | 'ゞ' => char::from_u32(c as u32 + 0x60).unwrap_or(c),
            _ => c,
        })
        .collect()
}

/// One CSV line (CRLF-terminated), cells defused.
fn csv_line(cells: &[String]) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(
        cells
            .iter()
            .map(|v| model::text::defuse_formula(v).into_owned()),
    )?;
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    Ok(String::from_utf8(bytes).unwrap_or_default())
}

/// The file: a BOM (so Excel reads UTF-8), the header line, then the records' lines.
fn csv_bytes(headers: &[String], lines: &[super::PieceText]) -> Result<Vec<u8>, csv::Error> {
    let head = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let mut head = head;
    head.write_record(headers)?;
    let head = head
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    let mut out = Vec::with_capacity(3 + head.len() + lines.iter().map(|l| l.len()).sum::<usize>());
    out.extend_from_slice(b"\xEF\xBB\xBF");
    out.extend_from_slice(&head);
    for l in lines {
        out.extend_from_slice(l.as_bytes());
    }
    Ok(out)
}

impl Renderer for OpenData {
    fn name(&self) -> &'static str {
        "opendata"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        let site = cx.site;
        let mut files = Vec::new();
        let mut tables = Vec::new();
        // The JSON file is made beside the two tables (each a few hundred ms at 100,000).
        let (csvs, json_bytes) = rayon::join(
            || {
                TABLES
                    .par_iter()
                    .map(|t| {
                        let lines: Result<Vec<super::PieceText>, csv::Error> = site
                            .providers
                            .par_iter()
                            .enumerate()
                            .filter(|(_, p)| {
                                (site.group_of(p) == Some(Group::Medical)) == t.medical
                            })
                            .map(|(i, p)| cx.piece(t.file, i, || csv_line(&t.row(site, p))))
                            .collect();
                        match lines {
                            Ok(lines) => (lines.len(), csv_bytes(&t.headers(), &lines)),
                            Err(e) => (0, Err(e)),
                        }
                    })
                    .collect::<Vec<_>>()
            },
            || providers_json(cx),
        );
        for (t, (count, bytes)) in TABLES.iter().zip(csvs) {
            let bytes = bytes.map_err(|e| {
                Diagnostic::error("opendata", None, format!("CSV を作れません: {e}"))
            })?;
            tables.push(serde_json::json!({
                "file": t.file,
                "title": t.title,
                "count": count,
                "size": size(bytes.len()),
            }));
            files.push(OutputFile {
                path: format!("{}{}", model::routes::OPENDATA, t.file).into(),
                content: Content::Bytes(bytes),
            });
        }
        let c = &site.config;
        let as_of = site.providers.iter().map(|p| p.updated).max();
        let json_bytes = json_bytes
            .map_err(|e| Diagnostic::error("opendata", None, format!("JSON を作れません: {e}")))?;
        tables.push(serde_json::json!({
            "file": "providers.json",
            "title": "事業所一覧（JSON）",
            "count": site.providers.len(),
            "size": size(json_bytes.len()),
        }));
        files.push(OutputFile {
            path: "opendata/providers.json".into(),
            content: Content::Bytes(json_bytes),
        });

        let title = "オープンデータ";
        let mut ctx = base_context(
            site,
            "opendata/",
            Meta {
                title,
                description: "",
                og_type: "website",
            },
            vec![crumb(site, "ホーム", ""), crumb(site, title, "opendata/")],
        );
        ctx.insert("tables", &tables);
        ctx.insert("as_of", &as_of.map(|d| d.to_string()));
        ctx.insert("license", &c.opendata);
        let html = cx
            .templates
            .render("opendata.html", &ctx, std::path::Path::new("site.toml"))?;
        files.push(OutputFile {
            path: index_file("opendata/"),
            content: Content::Html(html),
        });
        Ok(files)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn readings_are_published_in_katakana() {
        assert_eq!(super::katakana("みどり・くりにっく"), "ミドリ・クリニック");
    }
}
