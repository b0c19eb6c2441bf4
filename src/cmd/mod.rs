//! Command-line interface: one file per subcommand, each a thin layer over the library.

mod audit;
mod build;
mod check;
mod diff;
mod import;
mod init;
mod pdf;
mod serve;
mod stale;
mod template;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use tsunagu::diagnostics::Diagnostics;

/// tsunagu（つなぐ）: 在宅医療・介護の情報サイトを、Markdown の原稿と事業所データから作ります。
///
/// Builds a municipality's home medical and nursing care website from Markdown pages
/// and provider records in YAML. Run it in the site's folder (where site.toml is).
#[derive(Debug, Parser)]
#[command(name = "tsunagu", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,

    /// 色付きで表示するか / when to colour messages
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    color: Color,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// サイトを生成して出力フォルダに書き出します / build the site
    Build(build::Args),
    /// 原稿とデータを検査します（何も書き出しません） / check everything, write nothing
    Check(check::Args),
    /// 手元でサイトを表示し、原稿を直すたびに作り直します / live preview on 127.0.0.1
    Serve(serve::Args),
    /// 前回の出力との違いを表示します（何も書き出しません） / show what a build would change
    Diff(diff::Args),
    /// 新しいサイトのひな形を作ります / create a new site
    Init(init::Args),
    /// オープンデータの CSV から事業所データを取り込みます / import providers from an open-data CSV
    Import(import::Args),
    /// 確認の期限を過ぎた事業所の一覧と、掲載情報確認票を作ります / list overdue records, make confirmation sheets
    Stale(stale::Args),
    /// 印刷用ガイドを PDF にします（Chromium を使います） / print a guide to PDF with Chromium
    Pdf(pdf::Args),
    /// アクセシビリティを試験し、試験結果のページを作ります / test accessibility with axe-core
    Audit(audit::Args),
    /// 組み込みのテーマのファイルを、直すためにサイトへ写します / copy a built-in theme file into the site
    Template(template::Args),
}

pub fn run(cli: Cli) -> ExitCode {
    let color = match cli.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match cli.command {
        Command::Audit(a) => audit::run(a, color),
        Command::Build(a) => build::run(a, color),
        Command::Check(a) => check::run(a, color),
        Command::Diff(a) => diff::run(a, color),
        Command::Init(a) => init::run(a, color),
        Command::Import(a) => import::run(a, color),
        Command::Pdf(a) => pdf::run(a, color),
        Command::Serve(a) => serve::run(a, color),
        Command::Stale(a) => stale::run(a, color),
        Command::Template(a) => template::run(a, color),
    }
}

/// Prints diagnostics and a closing count; used by every command.
fn report(root: &Path, diags: &Diagnostics, color: bool) {
    let _ = diags.emit(root, color);
}

fn fail(root: &Path, diags: &Diagnostics, color: bool) -> ExitCode {
    report(root, diags, color);
    crate::cmd::say(&format!(
        "\n中止しました: エラー {} 件、警告 {} 件。上の指摘を直してから、もう一度実行してください。",
        diags.error_count(),
        diags.warning_count()
    ));
    ExitCode::from(1)
}

/// Writes the change report as text, or as JSON when the file name ends in `.json`.
fn write_report(
    root: &Path,
    file: &Path,
    r: &tsunagu::report::ChangeReport,
) -> Result<(), tsunagu::diagnostics::Diagnostic> {
    let bytes = if file.extension().is_some_and(|e| e == "json") {
        tsunagu::json::pretty(r).map_err(|e| tsunagu::json::failed(&file.to_string_lossy(), &e))?
    } else {
        r.text().into_bytes()
    };
    tsunagu::write::files::one(root, file, &bytes)
}

/// Writes a line to stderr, ignoring a closed pipe (`tsunagu check | head` must not panic).
pub fn say(msg: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// `--root`, shared by every command that works on a site.
#[derive(Debug, clap::Args)]
pub struct SiteArg {
    /// サイトのフォルダ（site.toml のある所）。既定は今いるフォルダ / the site's folder [default: .]
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

impl SiteArg {
    fn root(&self) -> PathBuf {
        self.root.clone().unwrap_or_else(|| PathBuf::from("."))
    }
}
