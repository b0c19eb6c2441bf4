//! `tsunagu init`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 新しいサイトを作るフォルダ / folder for the new site
    dir: PathBuf,
    /// 市区町村名（例: 安芸市） / municipality name
    #[arg(long, value_name = "NAME")]
    name: Option<String>,
    /// 全国地方公共団体コード6桁（例: 392031） / municipality code
    #[arg(long, value_name = "CODE")]
    code: Option<String>,
    /// 担当課（例: 高齢者介護課） / department
    #[arg(long, value_name = "NAME")]
    department: Option<String>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let d = tsunagu::init::Town::default();
    let town = tsunagu::init::Town {
        name: a.name.unwrap_or(d.name),
        code: a.code.unwrap_or(d.code),
        department: a.department.unwrap_or(d.department),
    };
    match tsunagu::init::init(&a.dir, &town) {
        Ok(()) => {
            crate::cmd::say(&format!(
                "{} に新しいサイトを作りました。\n  cd {} && tsunagu check\nで、まだ書き入れること（公開する URL、担当課の電話番号、相談窓口など）の一覧が出ます。\ntsunagu build で public/ に書き出せます。",
                a.dir.display(),
                a.dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(d) => super::fail(&a.dir, &d.into(), color),
    }
}
