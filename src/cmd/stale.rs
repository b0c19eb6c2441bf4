//! `tsunagu stale`

use std::path::PathBuf;
use std::process::ExitCode;

use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 確認票と CSV を書き出すフォルダ（既定: ./kakunin） / folder for the sheets and the CSV
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// tsunagu が書き出したのではない同じ名前のファイルも上書きする / overwrite files of the same names
    #[arg(long)]
    force: bool,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let out = a.output.clone().unwrap_or_else(|| PathBuf::from("kakunin"));
    let (result, diags) = match tsunagu::build::stale(&root, &Overrides::default()) {
        Ok(r) => r,
        Err(d) => return super::fail(&root, &d, color),
    };
    // The stale warnings are the point of this command; print the list instead.
    let others: tsunagu::diagnostics::Diagnostics = diags
        .into_iter()
        .filter(|d| d.code != Some("stale") && d.code != Some("pending"))
        .collect();
    super::report(&root, &others, color);
    {
        use std::io::Write;
        let _ = write!(std::io::stdout(), "{}", result.text);
    }
    if let Err(d) = tsunagu::write::files::add(&root, &out, &result.files, a.force) {
        return super::fail(&root, &d.into(), color);
    }
    super::say(&format!(
        "{} 件の掲載情報確認票（confirm/ と、まとめて印刷する confirm-all.html）と一覧 stale.csv を {} に書き出しました。",
        result.count,
        out.display()
    ));
    ExitCode::SUCCESS
}
