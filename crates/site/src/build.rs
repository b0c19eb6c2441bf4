//! The whole pipeline in one call: load → model → outputs → write.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diagnostics::{Diagnostic, Diagnostics};
use load::{self, Overrides};
use model::Site;
use render::outputs::{self, OutputFile, RenderContext};
use render::templates::Templates;
use write::report;
use write::{self, WriteOptions, WriteStats};

#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    /// Shown by the command line on a terminal; hidden by default.
    pub progress: Option<indicatif::ProgressBar>,
    pub root: PathBuf,
    pub output: PathBuf,
    pub overrides: Overrides,
    pub force: bool,
    /// `None` follows `minify` in site.toml.
    pub minify: Option<bool>,
    /// Also print every guide to PDF with this Chromium (`build --pdf`).
    pub pdf: Option<PdfRequest>,
}

/// `build --pdf`, with an optional Chromium chosen on the command line.
#[derive(Debug, Clone, Default)]
pub struct PdfRequest {
    pub chromium: Option<PathBuf>,
}

#[derive(Debug)]
pub struct BuildReport {
    /// What changed compared with the previous output.
    pub changes: report::ChangeReport,
    pub pages: usize,
    pub providers: usize,
    pub stats: WriteStats,
    /// Warnings (a successful build has no errors).
    pub diagnostics: Diagnostics,
    pub elapsed: Duration,
}

/// Loads a site, with the warnings of its outputs that are known before writing: slides
/// whose content does not fit their frame.
fn load_site(root: &Path, overrides: &Overrides) -> Result<(Arc<Site>, Diagnostics), Diagnostics> {
    let (site, mut diags) = load::load(root, overrides)?;
    diags.extend(outputs::slides::warnings(&site));
    diags.sort();
    Ok((site, diags))
}

/// Loads and checks a site without writing anything: data, templates, clashing URLs and
/// every link of the rendered pages (external ones too when `external`).
pub fn check(
    root: &Path,
    overrides: &Overrides,
    external: bool,
) -> Result<(Arc<Site>, Diagnostics), Diagnostics> {
    let (site, mut diags) = load_site(root, overrides)?;
    let files = render_in_memory(&site, false)?;
    let links = render::links::check(&files, &site, external);
    // Warnings are shown with the link errors, not hidden behind them.
    let failed = links.has_errors();
    diags.extend(links);
    diags.sort();
    if failed {
        return Err(diags);
    }
    Ok((site, diags))
}

/// Renders every output of a loaded site into `sink`; with `pdf`, the guides' PDFs too.
pub fn render(
    site: &Arc<Site>,
    progress: &indicatif::ProgressBar,
    pdf: Option<&PdfRequest>,
    minify: bool,
    sink: &dyn outputs::Sink,
) -> Result<(), Diagnostics> {
    let templates = Templates::new(site, minify)?;
    let mut cx = RenderContext::new(site, &templates, progress, sink);
    cx.pdf = pdf.is_some();
    progress.set_length(cx.expected_pages());
    outputs::render_all(&cx)?;
    if let Some(req) = pdf {
        let printer = print::Printer::start(&print::find_chromium(req.chromium.as_deref(), site)?)?;
        let files = printables(&cx, &printer, None)?
            .into_iter()
            .map(|p| OutputFile {
                path: p.path.into(),
                content: outputs::Content::Bytes(p.bytes),
            })
            .collect();
        cx.emit(files)?;
    }
    cx.finish()
}

/// Every output of a loaded site, in memory, sorted by path (for `check` and `diff`).
pub fn render_in_memory(site: &Arc<Site>, minify: bool) -> Result<Vec<OutputFile>, Diagnostics> {
    let memory = outputs::Memory::default();
    render(
        site,
        &indicatif::ProgressBar::hidden(),
        None,
        minify,
        &memory,
    )?;
    Ok(memory.into_files())
}

/// One printed document: its name for `tsunagu pdf`, its place on the site for
/// `build --pdf`, and the PDF.
pub struct Printable {
    pub name: String,
    pub path: String,
    pub bytes: Vec<u8>,
}

/// What is to be printed, before printing: name, place and how to make it.
enum Job<'a> {
    Guide(&'a model::guide::Guide),
    Note(&'a model::Page),
    Handout(&'a model::Page),
    Speaker(&'a model::Page),
}

/// Every printed document of the site: the guides, each ending note (blank, for the
/// counter), and each lecture's handout and speaker's copy; or the one named `only`.
/// They are printed side by side, each in a tab of the one Chromium.
pub fn printables(
    cx: &RenderContext,
    printer: &print::Printer,
    only: Option<&str>,
) -> Result<Vec<Printable>, Diagnostic> {
    use rayon::prelude::*;
    let site = cx.site;
    let mut jobs = jobs(site);
    if let Some(name) = only {
        jobs.retain(|(n, _, _)| n == name);
    }
    let m = &site.config.municipality;
    let author = format!("{} {}", m.name, m.department).trim().to_string();
    jobs.par_iter()
        .map(|(name, path, job)| {
            let bytes = match job {
                Job::Guide(g) => print::guide_pdf(site, cx.templates, g, printer, &author)?,
                Job::Note(p) => {
                    let html = outputs::web::page_html(cx, p).0?;
                    let html = outputs::standalone::inline(site, &html);
                    let meta = print::Meta {
                        title: &p.meta.title,
                        author: &author,
                        date: p.meta.date.unwrap_or(site.today),
                    };
                    print::page_pdf(printer, &html, &meta)?
                }
                Job::Handout(p) | Job::Speaker(p) => {
                    let (template, what) = match job {
                        Job::Handout(_) => ("lecture/handout.html", "配布資料"),
                        _ => ("lecture/speaker.html", "話す人用"),
                    };
                    let html = outputs::lectures::standalone_html(cx, p, template)?;
                    let title = format!("{}（{what}）", p.meta.title);
                    let meta = print::Meta {
                        title: &title,
                        author: &author,
                        date: p.meta.date.unwrap_or(site.today),
                    };
                    print::page_pdf(printer, &html, &meta)?
                }
            };
            Ok(Printable {
                name: name.clone(),
                path: path.clone(),
                bytes,
            })
        })
        .collect()
}

/// The staging folder, with every page's links taken in for the check on the way.
struct Checked<'a> {
    staging: &'a write::Staging,
    links: render::links::Collector,
}

impl outputs::Sink for Checked<'_> {
    fn put(&self, files: Vec<OutputFile>) -> Result<(), Diagnostic> {
        self.links.add(&files);
        self.staging.put(files)
    }
}

/// The site's printed documents (or the one named `only`), without writing the site.
pub fn pdfs(
    root: &Path,
    overrides: &Overrides,
    only: Option<&str>,
    chromium: Option<&Path>,
) -> Result<(Vec<Printable>, Diagnostics), Diagnostics> {
    let (site, diags) = load_site(root, overrides)?;
    let templates = Templates::new(&site, site.config.minify)?;
    let progress = indicatif::ProgressBar::hidden();
    // Nothing but the PDFs is made here.
    let unused = outputs::Memory::default();
    let mut cx = RenderContext::new(&site, &templates, &progress, &unused);
    cx.pdf = true;
    let printer = print::Printer::start(&print::find_chromium(chromium, &site)?)?;
    let out = printables(&cx, &printer, only)?;
    if out.is_empty() {
        let all: Vec<String> = jobs(&site).into_iter().map(|(n, _, _)| n).collect();
        let msg = match only {
            Some(k) => format!("「{k}」という印刷物はありません"),
            None => "このサイトには印刷物（ガイド・エンディングノート・講座の資料）がありません"
                .to_string(),
        };
        let help = if all.is_empty() {
            "説明書（docs/manual.md）の「印刷用ガイド」を見て site.toml に [guides.名前] を書いてください"
                .to_string()
        } else {
            format!("ある名前: {}", all.join(", "))
        };
        return Err(Diagnostic::error(load::config::CONFIG_FILE, None, msg)
            .with_help(help)
            .into());
    }
    Ok((out, diags))
}

/// Every printed document's name and place, and how to make it.
fn jobs(site: &Site) -> Vec<(String, String, Job<'_>)> {
    let mut jobs: Vec<(String, String, Job)> = Vec::new();
    for g in &site.guides {
        jobs.push((g.key.clone(), g.pdf_path(), Job::Guide(g)));
    }
    for p in &site.pages {
        let s = p
            .path
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap_or("page");
        if p.kind == model::PageKind::Note {
            jobs.push((s.to_string(), format!("{}{s}.pdf", p.path), Job::Note(p)));
        } else if p.kind == model::PageKind::Lecture {
            jobs.push((
                format!("{s}-handout"),
                format!("{}handout.pdf", p.path),
                Job::Handout(p),
            ));
            jobs.push((
                format!("{s}-speaker"),
                format!("{}speaker.pdf", p.path),
                Job::Speaker(p),
            ));
        }
    }
    jobs
}

pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let start = Instant::now();
    let mut timer = diagnostics::timings::Timings::new();
    // Nothing read has changed since the output was written: there is nothing to do.
    let options = format!(
        "minify={:?} pdf={:?} base_url={:?} municipality={:?}",
        opts.minify,
        opts.pdf.as_ref().map(|p| &p.chromium),
        opts.overrides.base_url,
        opts.overrides.municipality
    );
    let fingerprint = load::inputs::fingerprint(&opts.root, &options);
    if let Some(fp) = &fingerprint
        && let Some(rec) = write::previous_inputs(&opts.output)
        && &rec.fingerprint == fp
        && write::intact(&opts.output, &rec.top)
    {
        timer.mark("fingerprint (unchanged)");
        timer.report();
        return Ok(BuildReport {
            changes: report::ChangeReport::default(),
            pages: rec.pages,
            providers: rec.providers,
            stats: WriteStats {
                files: rec.files,
                bytes: rec.bytes,
                written: 0,
            },
            diagnostics: rec.warnings.iter().map(|w| w.to_diagnostic()).collect(),
            elapsed: start.elapsed(),
        });
    }
    timer.mark("fingerprint");
    let (site, diagnostics) = load_site(&opts.root, &opts.overrides)?;
    timer.mark("load");
    let hidden = indicatif::ProgressBar::hidden();
    let minify = opts.minify.unwrap_or(site.config.minify);
    // Pages are written into the staging folder as they are rendered; nothing is
    // published unless every step succeeds.
    let staging =
        write::Staging::open(&opts.root, &opts.output, WriteOptions { force: opts.force })
            .map_err(Diagnostics::from)?;
    // The links are checked as `check` checks them, on the pages as they are written.
    let checked = Checked {
        staging: &staging,
        links: render::links::Collector::for_site(&site),
    };
    render(
        &site,
        opts.progress.as_ref().unwrap_or(&hidden),
        opts.pdf.as_ref(),
        minify,
        &checked,
    )?;
    timer.mark("render and stage");
    let links = checked
        .links
        .finish(&render::links::Sources::of(&site), false);
    if links.has_errors() {
        let mut all = diagnostics;
        all.extend(links);
        all.sort();
        return Err(all);
    }
    timer.mark("links");
    let entries = staging.entries();
    let pages = entries.iter().filter(|e| e.page).count();
    let manifest = write::manifest_of(&entries);
    let snapshot = report::snapshot(&site);
    let previous = write::previous(&opts.output);
    let changes = report::compare(
        previous.as_ref().map(|p| &p.files),
        &manifest,
        previous.as_ref().and_then(|p| p.providers.as_ref()),
        &snapshot,
    );
    // Nothing changed, every file is still in place and nothing was added: leave the
    // output alone entirely.
    let untouched = previous.as_ref().is_some_and(|p| {
        p.files == manifest
            && p.providers.as_ref() == Some(&snapshot)
            && entries.iter().all(|e| opts.output.join(&e.path).is_file())
            && write::strays(&opts.output, &manifest).is_empty()
    });
    drop(manifest);
    let bytes = entries.iter().map(|e| e.len).sum();
    let record = fingerprint.map(|fingerprint| load::inputs::Record {
        fingerprint,
        pages,
        providers: site.providers.len(),
        files: entries.len(),
        bytes,
        top: write::top_level(&entries),
        warnings: load::inputs::warnings(&diagnostics),
    });
    let state = write::State {
        providers: &snapshot,
        report: &changes,
        inputs: record.as_ref(),
    };
    let stats = if untouched {
        // The staging folder now equals the published site: it is kept for next time.
        let _ = staging.keep(&entries, &state);
        if let Some(r) = &record {
            write::record_inputs(&opts.output, r);
        }
        write::WriteStats {
            files: entries.len(),
            bytes,
            written: 0,
        }
    } else {
        staging
            .publish(&entries, &state)
            .map_err(Diagnostics::from)?
    };
    timer.mark("compare and write");
    timer.report();
    Ok(BuildReport {
        changes,
        pages,
        providers: site.providers.len(),
        stats,
        diagnostics,
        elapsed: start.elapsed(),
    })
}

/// Renders the site and compares it with the output folder, writing nothing.
pub fn diff(opts: &BuildOptions) -> Result<(report::ChangeReport, Diagnostics), Diagnostics> {
    let (site, diagnostics) = load_site(&opts.root, &opts.overrides)?;
    let minify = opts.minify.unwrap_or(site.config.minify);
    let files = render_in_memory(&site, minify)?;
    let prepared = write::prepare(&opts.root, files).map_err(Diagnostics::from)?;
    let previous = write::previous(&opts.output);
    let changes = report::compare(
        previous.as_ref().map(|p| &p.files),
        &write::manifest(&prepared),
        previous.as_ref().and_then(|p| p.providers.as_ref()),
        &report::snapshot(&site),
    );
    Ok((changes, diagnostics))
}

/// The overdue list, its CSV and the confirmation sheets, for `tsunagu stale`.
pub struct StaleOutput {
    pub text: String,
    pub count: usize,
    pub files: Vec<(PathBuf, Vec<u8>)>,
}

pub fn stale(
    root: &Path,
    overrides: &Overrides,
) -> Result<(StaleOutput, Diagnostics), Diagnostics> {
    let (site, diags) = load_site(root, overrides)?;
    let templates = Templates::new(&site, false)?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = crate::stale::sheets(&site, &templates)
        .map_err(Diagnostics::from)?
        .into_iter()
        .map(|(p, h)| (p, h.into_bytes()))
        .collect();
    files.push((
        PathBuf::from("stale.csv"),
        crate::stale::csv(&site).map_err(Diagnostics::from)?,
    ));
    let count = crate::stale::sheet_count(&site);
    Ok((
        StaleOutput {
            text: crate::stale::text(&site),
            count,
            files,
        },
        diags,
    ))
}
