//! `tsunagu init`

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// 新しいサイトを作るフォルダ / folder for the new site
    dir: PathBuf,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    match tsunagu::init::init(&a.dir) {
        Ok(()) => {
            crate::cmd::say(&format!(
                "{} に新しいサイトを作りました。\n  cd {} && tsunagu build\nで public/ に書き出せます。",
                a.dir.display(),
                a.dir.display()
            ));
            ExitCode::SUCCESS
        }
        Err(d) => super::fail(&a.dir, &d.into(), color),
    }
}
