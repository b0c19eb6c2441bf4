//! Which CSV column holds what, matched by header name (never by position): the
//! 自治体標準オープンデータセット 医療機関一覧・介護サービス事業所一覧 in both the older 推奨データセット
//! and the newer 正式版 headers, the 介護サービス情報公表システム open data, and layouts a city
//! defines in site.toml.

use indexmap::IndexMap;

/// What the importer reads from a row. Custom layouts in site.toml use these names.
pub const FIELDS: &[(&str, &str)] = &[
    ("id", "ID（tsunagu の id として使える英数字のとき）"),
    ("name", "名称"),
    ("kana", "名称の読み（カタカナ・ひらがな）"),
    (
        "type",
        "種類（医療機関の種類・サービスの種類）: 分類を決めます",
    ),
    ("address", "住所"),
    ("building", "方書（建物名）"),
    ("town", "町字（圏域を決めるのに使います）"),
    ("postal_code", "郵便番号"),
    ("phone", "電話番号"),
    ("extension", "内線番号"),
    ("fax", "FAX番号"),
    ("email", "メールアドレス"),
    ("url", "ホームページ"),
    ("lat", "緯度"),
    ("lon", "経度"),
    ("corporation", "法人の名称"),
    ("office_code", "医療機関コード・事業所番号"),
    ("national_id", "医療情報ネットの ID（13桁）"),
    (
        "municipality",
        "全国地方公共団体コード（ほかの市区町村の行を除くのに使います）",
    ),
    ("departments", "診療科目（「;」区切り）"),
    ("days", "曜日"),
    ("open", "開始時間"),
    ("close", "終了時間"),
    ("hours", "営業時間（tsunagu の書き方）"),
    ("hours_note", "曜日・時間の特記事項"),
    ("closed_days", "休業日"),
    ("after_hours", "時間外における対応"),
    ("notes", "備考"),
    ("updated", "情報の確認日・更新日"),
    ("area", "圏域"),
    ("services", "対応サービス（「;」区切り）"),
    ("accepting", "受入状況"),
    ("accepting_note", "受入状況の補足"),
];

/// Columns tsunagu adds after the standard ones in its own export, so an exported file
/// imports back unchanged. Shared by every built-in layout.
const TSUNAGU_EXTRA: &[(&str, &[&str])] = &[
    (
        "municipality",
        &[
            "都道府県コード又は市区町村コード",
            "都道府県コード又は市町村コード",
            "全国地方公共団体コード",
        ],
    ),
    ("departments", &["診療科目"]),
    ("extension", &["内線番号", "内線"]),
    ("email", &["メールアドレス"]),
    ("hours", &["営業時間"]),
    ("closed_days", &["休業日", "定休日"]),
    ("updated", &["情報確認日", "更新日", "最終更新日"]),
    ("area", &["圏域"]),
    ("services", &["対応サービス"]),
    ("accepting", &["受入状況"]),
    ("accepting_note", &["受入状況の補足"]),
    ("postal_code", &["郵便番号"]),
];

pub const KOUHYOU_LABEL: &str = "介護サービス情報公表システムのオープンデータ";

pub struct Format {
    pub key: &'static str,
    pub label: &'static str,
    /// Field → header names that may hold it (first found wins).
    pub columns: &'static [(&'static str, &'static [&'static str])],
}

pub const BUILT_IN: &[Format] = &[
    Format {
        key: "iryo",
        label: "医療機関一覧（自治体標準オープンデータセット・推奨データセット）",
        columns: &[
            ("id", &["ID"]),
            ("name", &["名称"]),
            ("kana", &["名称_カナ"]),
            ("type", &["医療機関の種類"]),
            ("address", &["所在地_連結表記", "住所", "所在地"]),
            ("building", &["建物名等(方書)", "建物名等_方書", "方書"]),
            ("town", &["所在地_町字"]),
            ("phone", &["電話番号"]),
            ("fax", &["FAX番号"]),
            ("url", &["URL"]),
            ("lat", &["緯度"]),
            ("lon", &["経度"]),
            ("corporation", &["法人の名称"]),
            ("office_code", &["医療機関コード"]),
            ("days", &["診療曜日"]),
            ("open", &["診療開始時間"]),
            ("close", &["診療終了時間"]),
            ("hours_note", &["診療日時特記事項", "診療日時備考"]),
            ("after_hours", &["時間外における対応"]),
            ("notes", &["備考"]),
        ],
    },
    Format {
        key: "kaigo",
        label: "介護サービス事業所一覧（自治体標準オープンデータセット・推奨データセット）",
        columns: &[
            ("id", &["ID"]),
            ("name", &["介護サービス事業所名称", "名称"]),
            ("kana", &["介護サービス事業所名称_カナ", "名称_カナ"]),
            ("type", &["実施サービス", "介護サービスの種類"]),
            ("address", &["所在地_連結表記", "住所", "所在地"]),
            ("building", &["建物名等(方書)", "建物名等_方書", "方書"]),
            ("town", &["所在地_町字"]),
            ("phone", &["電話番号"]),
            ("fax", &["FAX番号"]),
            ("url", &["URL"]),
            ("lat", &["緯度"]),
            ("lon", &["経度"]),
            ("corporation", &["法人の名称"]),
            ("office_code", &["事業所番号", "介護サービス事業所番号"]),
            ("days", &["利用可能曜日"]),
            ("open", &["開始時間"]),
            ("close", &["終了時間"]),
            (
                "hours_note",
                &["利用可能曜日特記事項", "利用可能日時特記事項"],
            ),
            ("notes", &["備考"]),
        ],
    },
    Format {
        key: "kouhyou",
        label: KOUHYOU_LABEL,
        columns: &[
            ("name", &["事業所名"]),
            ("kana", &["事業所名カナ"]),
            ("type", &["サービスの種類"]),
            ("address", &["住所"]),
            ("building", &["方書(ビル名等)"]),
            ("phone", &["電話番号"]),
            ("fax", &["FAX番号"]),
            ("url", &["URL"]),
            ("lat", &["緯度"]),
            ("lon", &["経度"]),
            ("corporation", &["法人の名称"]),
            ("office_code", &["事業所番号"]),
            ("days", &["利用可能曜日"]),
            (
                "hours_note",
                &["利用可能曜日特記事項", "利用可能曜日特記事項(留意事項)"],
            ),
            ("notes", &["備考"]),
        ],
    },
];

/// Headers compared after folding width and brackets: 「方書（ビル名等）」 = 「方書(ビル名等)」.
pub fn fold_header(h: &str) -> String {
    super::normalize::tidy(h.trim_start_matches('\u{FEFF}'))
        .replace(' ', "")
        .replace('＿', "_")
        .replace('（', "(")
        .replace('）', ")")
}

/// Column index of each field found in `headers`.
pub type Mapping = IndexMap<&'static str, usize>;

/// Resolves a built-in layout against the file's headers.
pub fn map_built_in(f: &Format, headers: &[String]) -> Mapping {
    let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    let find = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| folded.iter().position(|h| *h == fold_header(n)))
    };
    let mut m = Mapping::new();
    for (field, names) in f.columns.iter().chain(TSUNAGU_EXTRA) {
        if m.contains_key(field) {
            continue;
        }
        if let Some(i) = find(names) {
            m.insert(field, i);
        }
    }
    m
}

/// Resolves a city's own layout; `Err` names a header that is not in the file, or an
/// unknown field name.
pub fn map_custom(spec: &IndexMap<String, String>, headers: &[String]) -> Result<Mapping, String> {
    let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
    let mut m = Mapping::new();
    for (field, header) in spec {
        let Some((name, _)) = FIELDS.iter().find(|(f, _)| f == field) else {
            let known: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
            return Err(format!(
                "項目名「{field}」は使えません（使える名前: {}）",
                known.join(", ")
            ));
        };
        let Some(i) = folded.iter().position(|h| *h == fold_header(header)) else {
            return Err(format!(
                "列「{header}」（{field}）がファイルの1行目にありません"
            ));
        };
        m.insert(name, i);
    }
    Ok(m)
}

/// The built-in layout that maps the most of the file's columns, if any maps a name.
pub fn detect(headers: &[String]) -> Option<&'static Format> {
    BUILT_IN
        .iter()
        .map(|f| (f, map_built_in(f, headers)))
        .filter(|(_, m)| m.contains_key("name"))
        // On a tie the first listed wins (max_by_key keeps the last).
        .rev()
        .max_by_key(|(_, m)| m.len())
        .map(|(f, _)| f)
}
