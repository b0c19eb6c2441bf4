//! `tsunagu pdf`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tsunagu::diagnostics::Diagnostic;
use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// ガイドの名前（site.toml の [guides.名前]）。省くとすべて / the guide's name; all when left out
    guide: Option<String>,
    #[command(flatten)]
    site: super::SiteArg,
    /// 書き出すフォルダ（既定: サイトのフォルダの pdf/）。ファイルは「名前.pdf」 / folder for NAME.pdf [default: ROOT/pdf]
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// tsunagu が書き出したのではない同じ名前のファイルも上書きする / overwrite files of the same names
    #[arg(long)]
    force: bool,
    /// site.toml の base_url の代わりに使う URL（QR コードとリンクに使われます） / override base_url
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// 使う Chromium / the Chromium to print with
    #[arg(long, value_name = "PATH")]
    chromium: Option<PathBuf>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let start = Instant::now();
    let out_dir = a.output.clone().unwrap_or_else(|| root.join("pdf"));
    let overrides = Overrides {
        base_url: a.base_url.clone(),
    };
    let (pdfs, diags) = match tsunagu::build::guide_pdfs(
        &root,
        &overrides,
        a.guide.as_deref(),
        a.chromium.as_deref(),
    ) {
        Ok(r) => r,
        Err(d) => return super::fail(&root, &d, color),
    };
    super::report(&root, &diags, color);
    let names: Vec<PathBuf> = pdfs
        .iter()
        .map(|(key, _)| PathBuf::from(format!("{key}.pdf")))
        .collect();
    let kind = tsunagu::outdir::Kind::Files(&names);
    if let Err(d) = tsunagu::outdir::check(&root, &out_dir, &kind, a.force) {
        return super::fail(&root, &d.into(), color);
    }
    for (key, bytes) in pdfs {
        let path = out_dir.join(format!("{key}.pdf"));
        if let Err(e) =
            std::fs::create_dir_all(&out_dir).and_then(|_| std::fs::write(&path, &bytes))
        {
            let d = Diagnostic::error(&path, None, format!("PDF を書き込めません: {e}"));
            return super::fail(&root, &d.into(), color);
        }
        super::say(&format!(
            "完了: {} を書き出しました（{:.1} MB）。{:.1} 秒",
            path.display(),
            bytes.len() as f64 / 1_000_000.0,
            start.elapsed().as_secs_f64()
        ));
    }
    if let Err(e) = tsunagu::outdir::mark_files(&out_dir) {
        let d = Diagnostic::error(&out_dir, None, format!("書き込めません: {e}"));
        return super::fail(&root, &d.into(), color);
    }
    ExitCode::SUCCESS
}
