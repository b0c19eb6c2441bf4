//! `tsunagu audit`

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use tsunagu::audit::{Options, REPORT_FILE};
use tsunagu::build::{BuildOptions, build};
use tsunagu::load::Overrides;
use tsunagu::model::accessibility::{CRITERIA, Outcome, outcome};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 公開用の出力フォルダ（既定: サイトのフォルダの public/） / output folder [default: ROOT/public]
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// 100 ページを超えるサイトで試験するページの数（種類ごとの代表をふくむ） / pages to test on a larger site
    #[arg(long, value_name = "N", default_value_t = tsunagu::audit::select::DEFAULT_PAGES)]
    pages: usize,
    /// 無作為に選ぶときの種（同じ種なら同じページ） / seed of the random sample
    #[arg(long, value_name = "N", default_value_t = 1)]
    seed: u64,
    /// 試験した日（既定: 今日） / the test's date [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<jiff::civil::Date>,
    /// 使う Chromium / the Chromium to test with
    #[arg(long, value_name = "PATH")]
    chromium: Option<PathBuf>,
    /// tsunagu が作ったものでない出力フォルダでも置き換える / replace an output folder tsunagu did not create
    #[arg(long)]
    force: bool,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let start = Instant::now();
    let opts = Options {
        root: root.clone(),
        pages: a.pages.max(1),
        seed: a.seed,
        chromium: a.chromium.clone(),
        date: a.date.unwrap_or_else(tsunagu::load::today),
    };
    let progress = |i: usize, n: usize, path: &str| {
        super::say(&format!("試験中 {i}/{n}: /{path}"));
    };
    let audit = match tsunagu::audit::run(&opts, &progress) {
        Ok(a) => a,
        Err(d) => return super::fail(&root, &d, color),
    };
    if let Err(d) = tsunagu::audit::write(&root, &audit) {
        return super::fail(&root, &d.into(), color);
    }
    // Publish the site with its new results page, as `tsunagu build` does.
    let output = a.output.clone().unwrap_or_else(|| root.join("public"));
    let built = build(&BuildOptions {
        progress: None,
        root: root.clone(),
        output: output.clone(),
        overrides: Overrides::default(),
        force: a.force,
        minify: None,
        pdf: None,
    });
    let site_diags = match built {
        Ok(r) => r.diagnostics,
        Err(d) => return super::fail(&root, &d, color),
    };
    super::report(&root, &site_diags, color);
    let by_eye = match tsunagu::load::config::load(&root, &Overrides::default()) {
        Ok(c) => c.accessibility.by_eye,
        Err(_) => Default::default(),
    };
    let mut counts = [0usize; 4];
    for c in &CRITERIA {
        let machine = audit
            .record
            .criteria
            .iter()
            .find(|f| f.id == c.id)
            .map(|f| f.machine)
            .unwrap_or(tsunagu::model::accessibility::Machine::Untested);
        let o = outcome(c.id, machine, by_eye.get(c.id).copied());
        counts[match o {
            Outcome::Conforms => 0,
            Outcome::NotApplicable => 1,
            Outcome::Fails => 2,
            Outcome::ByEye => 3,
        }] += 1;
    }
    let problems: usize = audit.record.pages.iter().map(|p| p.problems).sum();
    super::say(&format!(
        "\n試験しました: {} ページ（サイト全体 {} ページ）、{} 秒。\n達成基準 38 項目: 適合 {}・該当なし {}・不適合 {}・目視で確認 {}。",
        audit.record.pages.len(),
        audit.record.site_pages,
        start.elapsed().as_secs(),
        counts[0],
        counts[1],
        counts[2],
        counts[3],
    ));
    if problems > 0 {
        super::say(&format!(
            "不適合の箇所が {problems} か所あります。{} を開いて、場所と直し方を確かめてください。",
            root.join(REPORT_FILE).display()
        ));
    } else {
        super::say(&format!(
            "機械で見つかった問題はありません。目視で確かめる項目は {} にあります。",
            root.join(REPORT_FILE).display()
        ));
    }
    super::say(&format!(
        "公開用のページ accessibility/ と accessibility/results/ を {} に書き出しました。",
        output.display()
    ));
    ExitCode::SUCCESS
}
