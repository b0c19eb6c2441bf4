//! `tsunagu pdf`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 印刷物の名前（ガイドは site.toml の [guides.名前]、ノートはページの名前、講座は「名前-handout」「名前-speaker」）。省くとすべて / one printable by name; all when left out
    name: Option<String>,
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
        ..Default::default()
    };
    let (pdfs, diags) =
        match tsunagu::build::pdfs(&root, &overrides, a.name.as_deref(), a.chromium.as_deref()) {
            Ok(r) => r,
            Err(d) => return super::fail(&root, &d, color),
        };
    super::report(&root, &diags, color);
    let files: Vec<(PathBuf, Vec<u8>)> = pdfs
        .into_iter()
        .map(|p| (PathBuf::from(format!("{}.pdf", p.name)), p.bytes))
        .collect();
    let count = files.len();
    let written = match tsunagu::write::files::add(&root, &out_dir, &files, a.force) {
        Ok(w) => w,
        Err(d) => return super::fail(&root, &d.into(), color),
    };
    for (path, (_, bytes)) in written.iter().zip(&files) {
        super::say(&format!(
            "書き出しました: {}（{:.1} MB）",
            path.display(),
            bytes.len() as f64 / 1_000_000.0,
        ));
    }
    super::say(&format!(
        "完了: {} の PDF を {:.1} 秒で作りました。",
        count,
        start.elapsed().as_secs_f64()
    ));
    ExitCode::SUCCESS
}
