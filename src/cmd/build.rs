//! `tsunagu build`

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use tsunagu::build::{BuildOptions, PdfRequest, build};
use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 出力フォルダ（既定: サイトのフォルダの public/） / output folder [default: ROOT/public]
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// site.toml の base_url の代わりに使う URL（確認用の公開先など） / override base_url
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// HTML を圧縮しない / do not minify HTML
    #[arg(long)]
    no_minify: bool,
    /// tsunagu が作ったものでない出力フォルダでも置き換える / replace an output folder tsunagu did not create
    #[arg(long)]
    force: bool,
    /// 印刷用ガイドの PDF も作る（Chromium が必要） / also print every guide to PDF (needs Chromium)
    #[arg(long)]
    pdf: bool,
    /// PDF に使う Chromium / the Chromium to print with
    #[arg(long, value_name = "PATH", requires = "pdf")]
    chromium: Option<PathBuf>,
    /// いくつかの市町村のサイトで、この市町村の分だけを作る（既定の出力は public-名前/） / build one town's part only
    #[arg(long, value_name = "KEY")]
    municipality: Option<String>,
    /// 前回との違いの報告を書き出すファイル（.json なら JSON） / write the change report here
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    // A town's part never replaces the whole area's published folder by default.
    let output = a.output.clone().unwrap_or_else(|| match &a.municipality {
        Some(k) => root.join(format!("public-{k}")),
        None => root.join("public"),
    });
    let progress = progress_bar();
    let opts = BuildOptions {
        progress: Some(progress.clone()),
        root: root.clone(),
        output: output.clone(),
        overrides: Overrides {
            base_url: a.base_url,
            municipality: a.municipality,
        },
        force: a.force,
        minify: a.no_minify.then_some(false),
        pdf: a.pdf.then(|| PdfRequest {
            chromium: a.chromium.clone(),
        }),
    };
    let result = build(&opts);
    progress.finish_and_clear();
    match result {
        Ok(r) => {
            super::report(&root, &r.diagnostics, color);
            if let Some(file) = &a.report
                && let Err(e) = super::write_report(&root, file, &r.changes)
            {
                return super::fail(&root, &e.into(), color);
            }
            super::say(&r.changes.summary());
            crate::cmd::say(&format!(
                "完了: {} ページ（事業所 {} 件）、{} ファイル {:.1} MB（うち書き換え {}）を {} に書き出しました。警告 {} 件、{:.2} 秒",
                r.pages,
                r.providers,
                r.stats.files,
                r.stats.bytes as f64 / 1_000_000.0,
                r.stats.written,
                output.display(),
                r.diagnostics.warning_count(),
                r.elapsed.as_secs_f64()
            ));
            ExitCode::SUCCESS
        }
        Err(d) => super::fail(&root, &d, color),
    }
}

/// A bar that shows itself only on a terminal, and only once a build has run a second.
fn progress_bar() -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    if let Ok(style) =
        ProgressStyle::with_template("{spinner} ページを作成中 {pos}/{len} {wide_bar}")
    {
        bar.set_style(style);
    }
    if std::io::stderr().is_terminal() {
        let shown = bar.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(1));
            if !shown.is_finished() {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                shown.enable_steady_tick(Duration::from_millis(120));
            }
        });
    }
    bar
}
