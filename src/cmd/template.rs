//! `tsunagu template`

use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 組み込みのテーマのファイルの一覧を表示する / list the built-in theme's files
    #[arg(long)]
    list: bool,
    /// 写すファイルの名前（例: providers/provider.html） / files to copy into the site
    names: Vec<String>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    if a.list || a.names.is_empty() {
        use std::io::Write;
        let mut out = std::io::stdout();
        for name in tsunagu::init::theme_files() {
            let _ = writeln!(out, "{name}");
        }
        if !a.list {
            super::say(
                "写したいファイルの名前を指定してください（例: tsunagu template providers/provider.html）",
            );
        }
        return ExitCode::SUCCESS;
    }
    for name in &a.names {
        match tsunagu::init::copy_theme_file(&root, name) {
            Ok(rel) => super::say(&format!(
                "{} に写しました。このファイルを直すと、組み込みのものの代わりに使われます。",
                rel.display()
            )),
            Err(d) => return super::fail(&root, &d.into(), color),
        }
    }
    ExitCode::SUCCESS
}
