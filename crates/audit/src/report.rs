//! `audit/report.html`: what staff fix and check, page by page. Never published.

use std::fmt::Write;

use super::{Audit, by_rule, tag_of};
use markup::markdown::escape;
use model::accessibility::{CRITERIA, Machine};

const STYLE: &str = "body{font-family:sans-serif;line-height:1.7;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#1a1a1a}\
code,pre{font-family:monospace;background:#f3f3f3;white-space:pre-wrap;word-break:break-all}\
table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top}\
.fail{color:#a40000;font-weight:bold}h3{margin-top:2rem}";

/// Criteria a rule's tags name, as `1.1.1 非テキストコンテンツ`.
fn criteria_of(tags: &[String]) -> String {
    CRITERIA
        .iter()
        .filter(|c| tags.iter().any(|t| *t == tag_of(c.id)))
        .map(|c| format!("{} {}", c.id, c.name))
        .collect::<Vec<_>>()
        .join("、")
}

pub fn html(audit: &Audit) -> String {
    let r = &audit.record;
    let mut s = String::new();
    let _ = write!(
        s,
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><title>アクセシビリティ試験の報告（職員用）{}</title>\
         <style>{STYLE}</style></head><body><h1>アクセシビリティ試験の報告（職員用）</h1>\
         <p>{} に {}（{}）で {} ページを試験しました（サイト全体は {} ページ）。このファイルは公開されません。\
         公開用の結果は、ビルドした出力の accessibility/results/ にあります。</p>",
        r.date,
        r.date,
        escape(&r.tool),
        escape(&r.browser),
        r.pages.len(),
        r.site_pages
    );

    let failing = by_rule(&audit.tested);
    let _ = write!(s, "<h2>直すところ（{} 種類）</h2>", failing.len());
    if failing.is_empty() {
        s.push_str("<p>機械による試験で見つかった問題はありません。</p>");
    }
    for (id, help, pages) in &failing {
        let tags = pages
            .first()
            .and_then(|t| t.result.violations.iter().find(|v| &v.id == id))
            .map(|v| v.tags.clone())
            .unwrap_or_default();
        let _ = write!(
            s,
            "<h3><span class=\"fail\">不適合</span> {}（<code>{}</code>）</h3><p>達成基準: {}</p>",
            escape(help),
            escape(id),
            escape(&criteria_of(&tags))
        );
        for t in pages {
            let _ = write!(
                s,
                "<h4>{}（/{}）</h4><ul>",
                escape(&t.result.title),
                escape(&t.page.path)
            );
            for v in t.result.violations.iter().filter(|v| &v.id == id) {
                for n in &v.nodes {
                    let snippet: String = n.html.chars().take(300).collect();
                    let _ = write!(
                        s,
                        "<li>場所: <code>{}</code><pre>{}</pre>{}</li>",
                        escape(&n.target),
                        escape(&snippet),
                        escape(&n.summary).replace('\n', "<br>")
                    );
                }
            }
            s.push_str("</ul>");
        }
    }

    // Checks axe-core could not decide: a person looks at each.
    let mut review: Vec<(&str, &str, usize)> = Vec::new();
    for t in &audit.tested {
        for i in &t.result.incomplete {
            match review.iter_mut().find(|(id, _, _)| *id == i.id) {
                Some(e) => e.2 += 1,
                None => review.push((&i.id, &i.help, 1)),
            }
        }
    }
    review.sort();
    let _ = write!(
        s,
        "<h2>機械では決められなかったところ（{} 種類）</h2>",
        review.len()
    );
    if !review.is_empty() {
        s.push_str(
            "<table><thead><tr><th>内容</th><th>規則</th><th>ページ数</th></tr></thead><tbody>",
        );
        for (id, help, n) in &review {
            let _ = write!(
                s,
                "<tr><td>{}</td><td><code>{}</code></td><td>{n}</td></tr>",
                escape(help),
                escape(id)
            );
        }
        s.push_str("</tbody></table>");
    }

    s.push_str("<h2>目で見て確かめる項目</h2><p>確かめた結果は site.toml に書くと、公開する試験結果のページに載ります。</p>\
        <pre>[accessibility]\nby_eye_date = \"2026-12-01\"\n\n[accessibility.by_eye]\n\"1.3.1\" = \"適合\"\n\"2.4.4\" = \"不適合\"</pre><ul>");
    for c in &CRITERIA {
        let machine = r
            .criteria
            .iter()
            .find(|f| f.id == c.id)
            .map_or(Machine::Untested, |f| f.machine);
        if matches!(machine, Machine::Fail | Machine::NotApplicable) {
            continue;
        }
        let _ = write!(
            s,
            "<li><label><input type=\"checkbox\"> <strong>{} {}</strong>: {}</label></li>",
            c.id,
            c.name,
            escape(c.check)
        );
    }
    s.push_str("</ul><h2>試験したページ</h2><ol>");
    for p in &r.pages {
        let _ = write!(
            s,
            "<li>{}（/{}、{}{}）</li>",
            escape(&p.title),
            escape(&p.path),
            escape(&p.kind),
            if p.problems > 0 {
                format!("、<span class=\"fail\">問題 {} 件</span>", p.problems)
            } else {
                String::new()
            }
        );
    }
    s.push_str("</ol></body></html>\n");
    s
}
