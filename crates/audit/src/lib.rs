//! `tsunagu audit`: the accessibility test of the built site. axe-core (shipped inside
//! tsunagu) runs in headless Chromium over the pages JIS X 8341-3:2016's test method
//! chooses; what it finds becomes `audit/results.json`, which every build publishes as
//! `accessibility/results/`, and a report for staff (`audit/report.html`).
//!
//! The two accessibility pages are tested too: the site is rendered again with the new
//! results, and those pages' own findings are added before anything is written.

mod browser;
mod report;
pub mod select;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::civil::Date;

pub use browser::axe_version;
use browser::{Browser, Files, PageResult, Server};
use diagnostics::{Diagnostic, Diagnostics};
use load::Overrides;
use model::Site;
use model::accessibility::{AUDIT_DIR, RESULTS_FILE};
use model::accessibility::{AuditRecord, CRITERIA, CriterionFinding, Machine, TestedPage};
use model::routes::{ACCESSIBILITY, ACCESSIBILITY_RESULTS};
use select::Chosen;

/// The staff's report, beside the record.
pub const REPORT_FILE: &str = "audit/report.html";

pub struct Options {
    pub root: PathBuf,
    /// Pages to test on a site of more than 100 (at least one of each kind).
    pub pages: usize,
    pub seed: u64,
    pub chromium: Option<PathBuf>,
    pub date: Date,
}

/// One tested page and what axe-core said of it.
pub struct Tested {
    pub page: Chosen,
    pub result: PageResult,
}

pub struct Audit {
    pub record: AuditRecord,
    pub tested: Vec<Tested>,
    pub has_media: bool,
    /// The site's load warnings (shown as a build shows them).
    pub diagnostics: Diagnostics,
}

/// Tests the site at `opts.root`; `progress` hears each page as it is tested.
pub fn run(
    opts: &Options,
    progress: &(dyn Fn(usize, usize, &str) + Sync),
) -> Result<Audit, Diagnostics> {
    let (listener, base) = Server::bind()?;
    let overrides = Overrides {
        base_url: Some(base.clone()),
        ..Default::default()
    };
    let (site, diagnostics) = load::load(&opts.root, &overrides)?;
    let chromium = print::find_chromium(opts.chromium.as_deref(), &site)?;
    let output = site::build::render_in_memory(&site, false)?;
    // What a build would refuse is refused before the long part.
    let links = render::links::check(&output, &site, false);
    if links.has_errors() {
        return Err(links);
    }
    let files = contents(&site, output)?;
    let own = [ACCESSIBILITY, ACCESSIBILITY_RESULTS];
    let paths = html_pages(&files, &own);
    let has_media = files
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .any(|(_, b)| has_media(b));
    let (method, chosen) = select::choose(&site, &paths, opts.pages, opts.seed);

    let server = Server::start(listener, files)?;
    let browser = Browser::launch(&chromium)?;
    let total = chosen.len() + own.len();
    let urls: Vec<String> = chosen.iter().map(|p| format!("{base}{}", p.path)).collect();
    let results = browser.test_all(&urls, &|done, url| {
        progress(done, total, url.strip_prefix(&base).unwrap_or(url))
    })?;
    let mut tested: Vec<Tested> = chosen
        .into_iter()
        .zip(results)
        .map(|(page, result)| Tested { page, result })
        .collect();

    // The results page as it will be published, tested like the rest.
    let mut record = AuditRecord {
        date: opts.date,
        tool: axe_version(),
        browser: browser.version.clone(),
        method,
        seed: opts.seed,
        site_pages: paths.len() + own.len(),
        pages: Vec::new(),
        criteria: Vec::new(),
    };
    let providers = std::collections::HashSet::new();
    let own_pages: Vec<Chosen> = own
        .iter()
        .map(|p| Chosen {
            path: p.to_string(),
            kind: select::kind_of(&site, p, &providers),
            representative: true,
        })
        .collect();
    record.pages = pages_of(&tested, &own_pages);
    record.criteria = findings(&tested, has_media);
    let mut with_results = (*site).clone();
    with_results.audit = Some(record.clone());
    server.replace(rendered(&Arc::new(with_results))?);
    let urls: Vec<String> = own_pages
        .iter()
        .map(|p| format!("{base}{}", p.path))
        .collect();
    let before = total - own_pages.len();
    let results = browser.test_all(&urls, &|done, url| {
        progress(before + done, total, url.strip_prefix(&base).unwrap_or(url))
    })?;
    tested.extend(
        own_pages
            .into_iter()
            .zip(results)
            .map(|(page, result)| Tested { page, result }),
    );
    record.pages = pages_of(&tested, &[]);
    record.criteria = findings(&tested, has_media);
    Ok(Audit {
        record,
        tested,
        has_media,
        diagnostics,
    })
}

/// Writes the record and the staff's report into the site's `audit/` folder.
pub fn write(root: &Path, audit: &Audit) -> Result<(), Diagnostic> {
    let dir = root.join(AUDIT_DIR);
    std::fs::create_dir_all(&dir)
        .map_err(|e| Diagnostic::error(&dir, None, format!("フォルダを作れません: {e}")))?;
    let json = render::json::pretty(&audit.record)
        .map_err(|e| Diagnostic::error(RESULTS_FILE, None, format!("試験結果を書けません: {e}")))?;
    replace_file(&root.join(RESULTS_FILE), &json)?;
    replace_file(&root.join(REPORT_FILE), report::html(audit).as_bytes())
}

/// Written beside, then renamed over: a failure leaves the old file whole.
fn replace_file(path: &Path, bytes: &[u8]) -> Result<(), Diagnostic> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| Diagnostic::error(path, None, format!("書き込めません: {e}"));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(fail)?;
    std::io::Write::write_all(&mut tmp, bytes).map_err(fail)?;
    tmp.persist(path).map_err(|e| fail(e.error))?;
    Ok(())
}

/// Every output file's bytes by its path (with `/`).
fn rendered(site: &Arc<Site>) -> Result<Files, Diagnostics> {
    contents(site, site::build::render_in_memory(site, false)?)
}

fn contents(site: &Site, files: Vec<render::outputs::OutputFile>) -> Result<Files, Diagnostics> {
    let contents = write::contents(&site.root, files)?;
    Ok(contents
        .into_iter()
        .map(|(p, b)| (p.to_string_lossy().replace('\\', "/"), b))
        .collect())
}

/// The HTML pages' paths below the base URL, sorted, without `except`.
fn html_pages(files: &Files, except: &[&str]) -> Vec<String> {
    let mut paths: Vec<String> = files
        .keys()
        .filter(|k| k.ends_with(".html"))
        .map(|k| select::page_path(k))
        .filter(|p| !except.contains(&p.as_str()))
        .collect();
    paths.sort();
    paths
}

/// Audio or video anywhere on a page (the criteria of 1.2 apply only then).
fn has_media(html: &[u8]) -> bool {
    use markup::html::{self, Token};
    let html = String::from_utf8_lossy(html);
    html::tokens(&html).any(|(_, t)| {
        matches!(t, Token::Start(tag)
            if ["video", "audio", "object", "embed", "iframe"].iter().any(|n| tag.is(n)))
    })
}

fn pages_of(tested: &[Tested], more: &[Chosen]) -> Vec<TestedPage> {
    let mut pages: Vec<TestedPage> = tested
        .iter()
        .map(|t| TestedPage {
            path: t.page.path.clone(),
            title: t.result.title.clone(),
            kind: t.page.kind.to_string(),
            representative: t.page.representative,
            problems: t.result.violations.iter().map(|v| v.nodes.len()).sum(),
        })
        .collect();
    pages.extend(more.iter().map(|c| TestedPage {
        path: c.path.clone(),
        title: c.kind.to_string(),
        kind: c.kind.to_string(),
        representative: true,
        problems: 0,
    }));
    pages
}

/// axe-core's tag for a success criterion: `1.4.3` → `wcag143`.
pub fn tag_of(id: &str) -> String {
    format!("wcag{}", id.replace('.', ""))
}

/// Each criterion's machine finding over all pages tested.
fn findings(tested: &[Tested], has_media: bool) -> Vec<CriterionFinding> {
    CRITERIA
        .iter()
        .map(|c| {
            let tag = tag_of(c.id);
            let tagged = |r: &&browser::RuleResult| r.tags.contains(&tag);
            let failed_pages = tested
                .iter()
                .filter(|t| t.result.violations.iter().any(|r| tagged(&r)))
                .count();
            let passed = tested
                .iter()
                .any(|t| t.result.passes.iter().any(|r| tagged(&r)));
            let rules: BTreeSet<String> = tested
                .iter()
                .flat_map(|t| {
                    t.result
                        .violations
                        .iter()
                        .chain(&t.result.incomplete)
                        .chain(&t.result.passes)
                })
                .filter(|r| tagged(r))
                .map(|r| r.id.clone())
                .collect();
            let machine = if failed_pages > 0 {
                Machine::Fail
            } else if c.media_only && !has_media {
                Machine::NotApplicable
            } else if passed {
                Machine::Pass
            } else {
                Machine::Untested
            };
            CriterionFinding {
                id: c.id.to_string(),
                machine,
                rules: rules.into_iter().collect(),
                failed_pages,
            }
        })
        .collect()
}

/// Violations by rule across pages: rule id → (help, criteria, pages with their nodes).
pub(crate) fn by_rule(tested: &[Tested]) -> Vec<(String, String, Vec<&Tested>)> {
    let mut rules: HashMap<&str, (String, Vec<&Tested>)> = HashMap::new();
    for t in tested {
        for v in &t.result.violations {
            let e = rules
                .entry(&v.id)
                .or_insert_with(|| (v.help.clone(), Vec::new()));
            e.1.push(t);
        }
    }
    let mut out: Vec<(String, String, Vec<&Tested>)> = rules
        .into_iter()
        .map(|(id, (help, pages))| (id.to_string(), help, pages))
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
