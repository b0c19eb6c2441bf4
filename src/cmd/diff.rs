//! `tsunagu diff`

use std::path::PathBuf;
use std::process::ExitCode;

use tsunagu::build::BuildOptions;
use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 比べる出力フォルダ（既定: サイトのフォルダの public/） / the output to compare with
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// 報告を書き出すファイル（.json なら JSON）。省くと画面に表示 / write the report here
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let opts = BuildOptions {
        output: a.output.clone().unwrap_or_else(|| root.join("public")),
        root: root.clone(),
        overrides: Overrides::default(),
        ..BuildOptions::default()
    };
    match tsunagu::build::diff(&opts) {
        Ok((changes, diags)) => {
            super::report(&root, &diags, color);
            match &a.report {
                Some(file) => {
                    if let Err(e) = super::write_report(&root, file, &changes) {
                        return super::fail(&root, &e.into(), color);
                    }
                    super::say(&format!(
                        "{}\n報告を {} に書き出しました。",
                        changes.summary(),
                        file.display()
                    ));
                }
                None => {
                    use std::io::Write;
                    let _ = write!(std::io::stdout(), "{}", changes.text());
                }
            }
            ExitCode::SUCCESS
        }
        Err(d) => super::fail(&root, &d, color),
    }
}
