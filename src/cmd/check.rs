//! `tsunagu check`

use std::process::ExitCode;

use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 外部サイトへのリンクも確かめる（インターネット接続が必要） / also request every external link
    #[arg(long)]
    external: bool,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    match tsunagu::build::check(&root, &Overrides::default(), a.external) {
        Ok((site, diags)) => {
            super::report(&root, &diags, color);
            crate::cmd::say(&format!(
                "問題ありません: ページ {}、事業所 {} 件。警告 {} 件",
                site.pages.len() + site.sections.len(),
                site.providers.len(),
                diags.warning_count()
            ));
            ExitCode::SUCCESS
        }
        Err(d) => super::fail(&root, &d, color),
    }
}
