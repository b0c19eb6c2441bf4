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
    /// 文の長さ・続く漢字やカタカナ・二重否定・です/ます をページごとに確かめ、読みやすさの点数を出す / check how easy each page is to read
    #[arg(long)]
    readability: bool,
    /// easy: true のページで、小学校で習わない漢字にふりがながないところを挙げる / list kanji needing furigana on easy pages
    #[arg(long)]
    furigana: bool,
    /// いくつかの市町村のサイトで、この市町村のフォルダと事業所だけを確かめる / check one town's part only
    #[arg(long, value_name = "KEY")]
    municipality: Option<String>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let overrides = Overrides {
        municipality: a.municipality.clone(),
        ..Default::default()
    };
    match tsunagu::build::check(&root, &overrides, a.external) {
        Ok((site, mut diags)) => {
            if a.readability {
                let (scores, found) = tsunagu::readability::site(&site);
                diags.extend(found);
                diags.sort();
                for (file, s) in &scores {
                    crate::cmd::say(&format!(
                        "{}: 読みやすさ {:.0}（建石式、高いほど読みやすい）、文 {}、1文の平均 {:.0} 字",
                        file.display(),
                        s.rs,
                        s.sentences,
                        s.mean_length
                    ));
                }
            }
            if a.furigana {
                diags.extend(tsunagu::readability::furigana(&site));
                diags.sort();
            }
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
