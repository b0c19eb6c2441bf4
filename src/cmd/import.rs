//! `tsunagu import`

use std::path::PathBuf;
use std::process::ExitCode;

use tsunagu::import::{Options, Outcome};
use tsunagu::load::Overrides;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    site: super::SiteArg,
    /// 取り込む CSV ファイル / the CSV file
    file: PathBuf,
    /// 形式: iryo（医療機関一覧）, kaigo（介護サービス事業所一覧）, kouhyou（介護サービス情報公表システム）か site.toml の [import.formats.名前]。省略すると1行目から判断します / layout; detected from the header when omitted
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// 文字コード: utf-8, utf-16, shift_jis。省略すると自動で判断します / encoding; detected when omitted
    #[arg(long, value_name = "ENCODING")]
    encoding: Option<String>,
    /// すべての行をこの分類に入れます / put every row in this category
    #[arg(long, value_name = "KEY")]
    category: Option<String>,
    /// 住所から圏域が決まらない行の圏域 / area for rows whose address matches no town
    #[arg(long, value_name = "KEY")]
    area: Option<String>,
    /// 書き込む YAML（既定: content/providers/<CSV の名前>.yaml） / the YAML file to write
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// 変わる内容を表示するだけで、書き込みません / show what would change, write nothing
    #[arg(long)]
    dry_run: bool,
    /// この市区町村の行だけを取り込みます（全国地方公共団体コード6桁、くり返し可。既定: site.toml の [municipality] code） / keep only rows of this municipality (repeatable)
    #[arg(long = "municipality", value_name = "CODE")]
    municipalities: Vec<String>,
    /// 医療情報ネットの診療科・診療時間ファイル（既定: 施設ファイルと同じフォルダから探します） / the hours file of 医療情報ネット
    #[arg(long, value_name = "FILE")]
    hours: Option<PathBuf>,
    /// 国のデータの時点（例: 2026-06-01）。ファイル名に日付がないとき / release date of a national file
    #[arg(long, value_name = "DATE")]
    as_of: Option<jiff::civil::Date>,
}

pub fn run(a: Args, color: bool) -> ExitCode {
    let root = a.site.root();
    let config = match tsunagu::load::config::load(&root, &Overrides::default()) {
        Ok(c) => c,
        Err(d) => return super::fail(&root, &d, color),
    };
    let opts = Options {
        file: a.file,
        format: a.format,
        encoding: a.encoding,
        category: a.category,
        area: a.area,
        out: a.out,
        dry_run: a.dry_run,
        municipalities: a.municipalities,
        hours: a.hours,
        as_of: a.as_of,
        origin: None,
    };
    let outcome = match tsunagu::import::run(&root, &config, &opts) {
        Ok(o) => o,
        Err(d) => return super::fail(&root, &d, color),
    };
    super::report(&root, &outcome.problems, color);
    super::say(&summary(&opts, &outcome));
    if outcome.skipped() > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn summary(opts: &Options, o: &Outcome) -> String {
    let mut s = format!(
        "\n{}（{}、{}、{} 行）\n",
        opts.file.display(),
        o.format,
        o.encoding,
        o.rows
    );
    for (id, changes) in &o.updated {
        s.push_str(&format!("更新 {id}\n"));
        for c in changes {
            s.push_str(&format!(
                "    {}: {} → {}\n",
                c.field,
                c.before.as_deref().unwrap_or("（なし）"),
                c.after
            ));
        }
    }
    for id in &o.added {
        s.push_str(&format!("追加 {id}\n"));
    }
    for id in &o.returned {
        s.push_str(&format!(
            "国のデータに戻りました {id}（missing_since を消しました）\n"
        ));
    }
    if !o.missing.is_empty() {
        s.push_str(&format!(
            "国のデータから消えました（廃止・休止の可能性） {} 件: 事業所に確かめ、なくなっていたら記録を消してください（記録には missing_since が付きます）\n",
            o.missing.len()
        ));
        for (id, name) in &o.missing {
            s.push_str(&format!("    {name}（{id}）\n"));
        }
    }
    if o.others > 0 {
        s.push_str(&format!(
            "ほかの市区町村の行 {} 行は取り込みませんでした（取り込んだのは {} の行です。変えるときは --municipality）\n",
            o.others,
            o.municipalities.join("・")
        ));
    }
    if let Some(h) = &o.hours_file {
        s.push_str(&format!("診療時間は {} から読みました\n", h.display()));
    }
    if !o.pending.is_empty() {
        s.push_str(&format!(
            "電話番号がないため掲載準備中の事業所 {} 件: 記録に phone を書き足すと掲載されます（tsunagu stale の確認票で事業所に尋ねられます）\n",
            o.pending.len()
        ));
    }
    if let Some(origin) = &o.origin {
        if origin.source == tsunagu::model::DataSource::IryoNet {
            s.push_str("医療情報ネットには 電話番号・FAX・郵便番号 と 訪問診療・往診・看取り・在宅療養支援診療所 の項目がありません。tsunagu stale の確認票で事業所に尋ねてください\n");
        }
        s.push_str(&format!(
            "出典: {}（{} 時点）。サイトと冊子に出典を表示します\n",
            origin.source.label(),
            origin.date
        ));
    }
    s.push_str(&format!(
        "追加 {} 件、更新 {} 件、変更なし {} 件、CSV にない記録 {} 件（そのまま残しました）、取り込めなかった行 {} 件\n",
        o.added.len(),
        o.updated.len(),
        o.unchanged,
        o.kept,
        o.skipped()
    ));
    let elsewhere: Vec<String> = o.elsewhere().map(|p| p.display().to_string()).collect();
    if !elsewhere.is_empty() {
        s.push_str(&format!(
            "ほかのファイルにすでにあった事業所は、そのファイルの記録を更新します: {}\n",
            elsewhere.join("、")
        ));
    }
    s.push_str(&if o.written {
        let mut files: Vec<String> = Vec::new();
        if o.target_changed() {
            files.push(o.out.display().to_string());
        }
        files.extend(elsewhere);
        format!(
            "{} に書き込みました。tsunagu build でサイトに反映されます。",
            files.join("、")
        )
    } else if opts.dry_run {
        format!(
            "--dry-run のため {} には書き込んでいません。",
            o.out.display()
        )
    } else {
        format!("変更がないため {} はそのままです。", o.out.display())
    });
    if o.skipped() > 0 {
        s.push_str("\n取り込めなかった行があります。上の理由を見て CSV を直し、もう一度取り込んでください（取り込めた行はそのまま残ります）。");
    }
    s
}
