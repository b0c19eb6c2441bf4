//! `tsunagu serve`

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use tsunagu::serve::ServeOptions;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 待ち受ける番号（0 なら空いている番号） / port on 127.0.0.1 (0 picks a free one)
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// プレビューを書き出すフォルダ（既定: 一時フォルダ） / where the preview is written [default: a temporary folder]
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// tsunagu が作ったものでないフォルダでも、プレビューで置き換える / replace a folder tsunagu did not create
    #[arg(long)]
    force: bool,
}

static COLOR: AtomicBool = AtomicBool::new(false);

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    COLOR.store(color, Ordering::Relaxed);
    let emit_root = root.clone();
    let opts = ServeOptions {
        root: root.clone(),
        port: a.port,
        output: a.output,
        force: a.force,
    };
    match tsunagu::serve::run(opts, super::say, move |d| {
        super::report(&emit_root, d, COLOR.load(Ordering::Relaxed));
        super::say("ビルドに失敗しました。直前の正しいサイトを表示し続けます。");
    }) {
        Ok(()) => ExitCode::SUCCESS,
        Err(d) => super::fail(&root, &d, color),
    }
}
