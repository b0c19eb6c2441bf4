//! `audit/results.json`: the last accessibility test, written by `tsunagu audit` and
//! published by every build as the results page.

use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;

use diagnostics::{Diagnostic, Pos};
use model::accessibility::{AuditRecord, RESULTS_FILE};

/// The record, if the site has been tested.
pub fn load(root: &Path) -> Result<Option<AuditRecord>, Diagnostic> {
    let rel = Path::new(RESULTS_FILE);
    if !root.join(rel).is_file() {
        return Ok(None);
    }
    let text = super::read_text(root, rel)?;
    serde_json::from_str(&text).map(Some).map_err(|e| {
        Diagnostic::error(
            rel,
            Some(Pos::new(e.line().max(1), e.column().max(1))),
            format!("アクセシビリティの試験結果を読めません: {e}"),
        )
        .with_help("このファイルは tsunagu audit が作ります。手で直さずに、tsunagu audit をもう一度実行してください")
    })
}

/// Public bodies publish the results every year: a record older than that is named.
pub fn overdue(record: &AuditRecord, today: Date) -> Option<Diagnostic> {
    let due = record.date.checked_add(1.year()).ok()?;
    (today > due).then(|| {
        Diagnostic::warning(
            RESULTS_FILE,
            None,
            format!(
                "アクセシビリティの試験（{}）から1年以上たっています",
                record.date
            ),
        )
        .with_help(
            "tsunagu audit でもう一度試験してください。試験結果のページは毎年新しくするものです",
        )
    })
}
