//! `tsunagu init`: a new site that builds at once, holding only what staff edit (the
//! theme stays in the program, so its later fixes reach the site); and `tsunagu
//! template`, which copies one built-in theme file into the site for changing.

use std::fs;
use std::path::Path;

use diagnostics::Diagnostic;
use load::theme::DEFAULT_THEME;

const SITE_TOML: &str = r#"# サイトの設定。項目の説明は tsunagu の説明書（docs/manual.md）の「site.toml」にあります。
title = "在宅医療・介護ガイド"
description = "在宅医療と介護の相談窓口や事業所をご案内します。"
# 公開する場所の URL（フォルダの場所まで）
base_url = "{{base_url}}"
language = "ja"
theme = "default"
stale_after_days = 365

[municipality]
name = "{{name}}"
code = "{{code}}"   # 全国地方公共団体コード（6桁）。tsunagu import はこの市区町村の行だけを取り込みます
department = "{{department}}"
# 担当課の電話番号。ガイドの裏表紙とエンディングノートに載ります（書くまで check が知らせます）
# phone = "0990-12-3456"

# 分類。source_types は、国のオープンデータ（医療情報ネット・介護サービス情報公表システム）や
# 市の CSV の「種類」のうち、この分類に入れるものです。
[categories.hospital]
label = "病院"
group = "医療"
schema_type = "Hospital"
source_types = ["病院"]

[categories.clinic]
label = "診療所（クリニック・医院）"
group = "医療"
schema_type = "MedicalClinic"
source_types = ["診療所", "一般診療所"]

[categories.dental]
label = "歯科診療所"
group = "医療"
schema_type = "Dentist"
source_types = ["歯科診療所", "歯科"]

[categories.pharmacy]
label = "薬局"
group = "医療"
schema_type = "Pharmacy"
source_types = ["薬局"]

[categories.visiting-nurse]
label = "訪問看護ステーション"
group = "医療"
source_types = ["訪問看護"]

[categories.visiting-rehab]
label = "訪問リハビリテーション"
group = "医療"
source_types = ["訪問リハビリテーション"]

# 介護サービス情報公表システムのサービスの種類は、すべてどれかの分類に入ります。
# 事業所のない分類は、一覧に「登録がありません」と出るだけで、印刷するガイドには載りません。
[categories.care-management]
label = "居宅介護支援事業所（ケアマネジャー）"
group = "介護"
source_types = ["居宅介護支援"]

[categories.home-help]
label = "訪問介護（ホームヘルプ）"
group = "介護"
source_types = ["訪問介護", "夜間対応型訪問介護", "定期巡回・随時対応型訪問介護看護"]

[categories.home-bath]
label = "訪問入浴介護"
group = "介護"
source_types = ["訪問入浴介護"]

[categories.day-service]
label = "通所介護（デイサービス）"
group = "介護"
source_types = ["通所介護", "地域密着型通所介護", "認知症対応型通所介護", "療養通所介護"]

[categories.day-care]
label = "通所リハビリテーション（デイケア）"
group = "介護"
source_types = ["通所リハビリテーション"]

[categories.small-multi]
label = "小規模多機能型居宅介護・看護小規模多機能型居宅介護"
group = "介護"
source_types = ["小規模多機能型居宅介護", "看護小規模多機能型居宅介護", "複合型サービス"]

[categories.short-stay]
label = "短期入所（ショートステイ）"
group = "介護"
source_types = ["短期入所生活介護", "短期入所療養介護"]

[categories.equipment]
label = "福祉用具の貸与・販売"
group = "介護"
source_types = ["福祉用具貸与", "特定福祉用具販売"]

[categories.group-home]
label = "認知症グループホーム（認知症対応型共同生活介護）"
group = "介護"
source_types = ["認知症対応型共同生活介護"]

[categories.specified-facility]
label = "有料老人ホームなど（特定施設入居者生活介護）"
group = "介護"
source_types = ["特定施設入居者生活介護", "地域密着型特定施設入居者生活介護"]

[categories.nursing-home]
label = "特別養護老人ホーム（介護老人福祉施設）"
group = "介護"
source_types = ["介護老人福祉施設", "地域密着型介護老人福祉施設入所者生活介護"]

[categories.health-facility]
label = "介護老人保健施設（老健）"
group = "介護"
source_types = ["介護老人保健施設"]

[categories.care-hospital]
label = "介護医療院"
group = "介護"
source_types = ["介護医療院", "介護療養型医療施設"]

[categories.houkatsu]
label = "地域包括支援センター"
group = "相談窓口"
schema_type = "GovernmentOffice"
source_types = ["地域包括支援センター"]

[areas.chuo]
label = "中央圏域"

# 在宅医療の項目は国のデータにありません。tsunagu stale の確認票で事業所に尋ねます。
[services.houmon-shinryo]
label = "訪問診療"
description = "医師が計画を立てて、定期的にご自宅を訪問して診療します。"

[services.oushin]
label = "往診"
description = "急に具合が悪くなったとき、求めに応じて医師がご自宅に来て診療します。"

[services.mitori]
label = "看取り"
description = "住み慣れた自宅で最期を迎えられるよう、医師や看護師が支えます。"
"#;

const HOME: &str = "---\ntitle: 在宅医療・介護ガイド\n---\n\n住み慣れた家で暮らし続けるための情報をまとめています。\n";

const TEMPLATES_README: &str = "# templates/ — 見た目を変えたいときだけ使うフォルダ

tsunagu には標準のテーマ（ページの見た目）が組み込まれています。このフォルダが空なら
標準のテーマがそのまま使われ、tsunagu を新しくしたときのテーマの直しもこのサイトに届きます。

ページの形を変えたいときは、変えたいテンプレートだけをこのフォルダに置きます。
同じ名前のファイルが、標準のものの代わりに使われます。

    tsunagu template --list                    組み込みのテンプレートと静的ファイルの一覧
    tsunagu template providers/provider.html   そのファイルをここに写す（写したものを直します）

写したファイルは、tsunagu を新しくしても自動では直りません。変えたいファイルだけを写してください。
（この README.md はテンプレートとしては読まれません。）
";

/// Who the new site is for; the defaults are placeholders to be replaced.
#[derive(Debug, Clone)]
pub struct Town {
    pub name: String,
    pub code: String,
    pub department: String,
}

impl Default for Town {
    fn default() -> Town {
        Town {
            name: "さくら市".into(),
            code: "131016".into(),
            department: "高齢福祉課".into(),
        }
    }
}

/// Creates the skeleton in `dir`, which must be missing or empty.
pub fn init(dir: &Path, town: &Town) -> Result<(), Diagnostic> {
    if !load::config::valid_municipality_code(&town.code) {
        return Err(Diagnostic::error(
            "--code",
            None,
            format!("全国地方公共団体コード「{}」は正しくありません", town.code),
        )
        .with_help("6桁（最後の1桁は検査数字）で書いてください。例: 392031（高知県安芸市）"));
    }
    // The values go inside TOML strings and a YAML address.
    let esc = |v: &str| v.replace('\\', "\\\\").replace('"', "\\\"");
    let fill = |t: &str| {
        t.replace("{{name}}", &esc(&town.name))
            .replace("{{code}}", &esc(&town.code))
            .replace("{{department}}", &esc(&town.department))
            .replace("{{base_url}}", load::unfinished::EXAMPLE_BASE_URL)
    };
    let has_files = fs::read_dir(dir)
        .map(|mut d| d.next().is_some())
        .unwrap_or(false);
    if has_files {
        return Err(
            Diagnostic::error(dir, None, "フォルダが空ではありません").with_help(
                "新しいフォルダの名前を指定してください（既存のファイルを上書きしないため）",
            ),
        );
    }
    let write = |rel: &str, bytes: &[u8]| -> Result<(), Diagnostic> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| Diagnostic::error(parent, None, e.to_string()))?;
        }
        fs::write(&path, bytes)
            .map_err(|e| Diagnostic::error(&path, None, format!("書き込めません: {e}")))
    };
    write("site.toml", fill(SITE_TOML).as_bytes())?;
    write("content/_index.md", HOME.as_bytes())?;
    // No record to start with: every record is a real office, imported or written.
    write("content/providers/.keep", b"")?;
    write("static/.keep", b"")?;
    write("templates/README.md", TEMPLATES_README.as_bytes())?;
    Ok(())
}

/// The names `tsunagu template` takes: templates as `{% extends %}` names them, then the
/// static files as they are published.
pub fn theme_files() -> Vec<&'static str> {
    let (mut templates, mut statics): (Vec<&str>, Vec<&str>) = DEFAULT_THEME
        .iter()
        .map(|(p, _)| *p)
        .filter(|p| !p.ends_with("LICENSE"))
        .partition(|p| p.starts_with("templates/"));
    templates.sort_unstable();
    statics.sort_unstable();
    templates
        .iter()
        .filter_map(|p| p.strip_prefix("templates/"))
        .chain(statics.iter().filter_map(|p| p.strip_prefix("static/")))
        .collect()
}

/// Copies the built-in theme file `name` into the site at `root` (a template into
/// `templates/`, a static file into `static/`), never over a file that is there.
pub fn copy_theme_file(root: &Path, name: &str) -> Result<std::path::PathBuf, Diagnostic> {
    let name = name.trim_start_matches('/');
    let found = ["templates", "static"].iter().find_map(|dir| {
        let key = format!("{dir}/{name}");
        DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == key)
            .map(|(_, bytes)| (Path::new(dir).join(name), *bytes))
    });
    let Some((rel, bytes)) = found else {
        let hint = load::suggest::did_you_mean(name, &theme_files(), "");
        return Err(Diagnostic::error(
            name,
            None,
            format!("組み込みのテーマに「{name}」というファイルはありません"),
        )
        .with_help(format!("{hint}tsunagu template --list で一覧を見られます")));
    };
    let path = root.join(&rel);
    if path.exists() {
        return Err(Diagnostic::error(
            &rel,
            None,
            format!("{} はもうあります（上書きしませんでした）", rel.display()),
        )
        .with_help(
            "写し直したいときは、今のファイルの名前を変えるか消してから、もう一度実行してください",
        ));
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::error(parent, None, e.to_string()))?;
    }
    fs::write(&path, bytes)
        .map_err(|e| Diagnostic::error(&rel, None, format!("書き込めません: {e}")))?;
    Ok(rel)
}
