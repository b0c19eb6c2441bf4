//! What is wrong with a value of `site.toml`, said for staff: the base URL, the
//! municipality code (with its check digit), and toml's own messages in Japanese.

use super::*;

/// Returns the URL with a trailing slash and its path part.
pub(super) fn check_base_url(s: &str) -> Result<(String, String), String> {
    let mut s = s.trim().to_string();
    if !s.ends_with('/') {
        s.push('/');
    }
    match Url::parse(&s) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
            if u.query().is_some() || u.fragment().is_some() {
                return Err(format!("base_url「{s}」に ? や # は使えません"));
            }
            Ok((u.as_str().to_string(), u.path().to_string()))
        }
        _ => Err(format!(
            "base_url「{s}」は公開先の URL として正しくありません。\
             https://www.city.example.lg.jp/kenko/zaitaku/ のように書いてください"
        )),
    }
}

/// The check digit rule of 全国地方公共団体コード (総務省).
pub fn valid_municipality_code(code: &str) -> bool {
    code.len() == 6
        && code.bytes().all(|b| b.is_ascii_digit())
        && check_digit(&code[..5]) == code[5..].parse().ok()
}

/// The sixth digit of a 全国地方公共団体コード, from its first five.
pub(super) fn check_digit(first_five: &str) -> Option<u32> {
    let digits: Vec<u32> = first_five.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 5 || first_five.len() != 5 {
        return None;
    }
    let sum: u32 = digits.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    Some((11 - sum % 11) % 10)
}

/// What is wrong with a municipality code and how to find the right one.
pub(super) fn municipality_code_message(code: &str) -> (String, String) {
    const WHERE: &str = "総務省の「全国地方公共団体コード」の一覧で、市区町村の6桁のコード（最後の1桁は検査数字）を確かめてください";
    let five = |c: &str| check_digit(c).map(|d| format!("{c}{d}"));
    if let Some(right) = code.get(..5).filter(|_| code.len() == 6).and_then(five) {
        return (
            format!("全国地方公共団体コード「{code}」の最後の1桁（検査数字）が合いません"),
            format!(
                "前の5桁「{}」が正しければ、コードは「{right}」です。{WHERE}",
                &code[..5]
            ),
        );
    }
    if let Some(right) = five(code) {
        return (
            format!("全国地方公共団体コード「{code}」は5桁です（6桁目の検査数字がありません）"),
            format!("検査数字を加えた「{right}」と書いてください。{WHERE}"),
        );
    }
    (
        format!("全国地方公共団体コード「{code}」は6桁の数字ではありません"),
        format!(
            "半角の6桁の数字を \"\" で囲んで書いてください（例: 千代田区は \"131016\"）。{WHERE}"
        ),
    )
}

/// The top-level keys, the keys of a category and so on: what `unknown field` lists.
pub(super) fn listed(rest: &str) -> Vec<&str> {
    rest.split('`').skip(2).step_by(2).collect()
}

/// toml's English turned into the words staff need: the message and the help.
pub(super) fn toml_message(e: &str, line: &str) -> (String, String) {
    const README: &str = "説明書（docs/manual.md）の「site.toml」の説明と見比べてください";
    let quoted = |rest: &str| rest.split('`').next().unwrap_or_default().to_string();
    if let Some(rest) = e.strip_prefix("unknown field `") {
        let name = quoted(rest);
        let known = listed(rest);
        let hint = crate::suggest::did_you_mean(&name, &known, "");
        return (
            format!("site.toml に知らない項目「{name}」があります"),
            format!("{hint}ここに書ける項目: {}", known.join(", ")),
        );
    }
    if let Some(rest) = e.strip_prefix("missing field `") {
        let name = quoted(rest);
        return (
            format!("site.toml に必須の項目「{name}」がありません"),
            format!("「{name} = …」の行を加えてください。{README}"),
        );
    }
    if let Some(rest) = e.strip_prefix("unknown variant `") {
        let value = quoted(rest);
        let known = listed(rest);
        let hint = crate::suggest::did_you_mean(&value, &known, "");
        return (
            format!("site.toml の値「{value}」は使えません"),
            format!("{hint}次のどれかを書いてください: {}", known.join(", ")),
        );
    }
    if let Some(rest) = e.strip_prefix("invalid type: ") {
        let (found, wanted) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let kind = |t: &str| {
            if t.starts_with("string") || t.starts_with("a string") {
                "文字列"
            } else if t.starts_with("integer") || t.starts_with('u') || t.starts_with('i') {
                "数"
            } else if t.starts_with("bool") || t.starts_with("a bool") {
                "true か false"
            } else if t.starts_with("sequence") || t.starts_with("a sequence") {
                "リスト"
            } else if t.contains("map") || t.contains("table") || t.starts_with("struct") {
                "表（[…] の見出しの下の項目）"
            } else {
                "別の形の値"
            }
        };
        let help = match kind(wanted) {
            "数" => "数は引用符で囲まずに書きます（例: stale_after_days = 365）".to_string(),
            "文字列" => {
                "文字列は \"…\" で囲んで書きます（例: title = \"在宅医療・介護ガイド\"）"
                    .to_string()
            }
            "true か false" => {
                "true か false を、引用符で囲まずに書きます（例: minify = true）".to_string()
            }
            "リスト" => {
                "リストは [\"…\", \"…\"] の形で書きます（例: towns = [\"本町\", \"栄町\"]）"
                    .to_string()
            }
            _ => README.to_string(),
        };
        return (
            format!(
                "site.toml の値の形が正しくありません（{}を書くところに{}が書かれています）",
                kind(wanted),
                kind(found)
            ),
            help,
        );
    }
    if e.starts_with("key with no value") {
        if line.contains('＝') {
            return (
                "site.toml で全角の「＝」が使われています".into(),
                "項目名と値の間は半角の「=」にしてください（例: title = \"…\"）".into(),
            );
        }
        return (
            "site.toml の項目名の後に「=」がありません".into(),
            "「項目名 = 値」の形で書いてください（例: title = \"在宅医療・介護ガイド\"）".into(),
        );
    }
    if e.starts_with("string values must be quoted") {
        if line.contains(['“', '”']) {
            return (
                "site.toml で全角の引用符「“ ”」が使われています".into(),
                "文字列は半角の \"…\" で囲んでください".into(),
            );
        }
        return (
            "site.toml の文字列が \"…\" で囲まれていません".into(),
            "文字列の値は半角の \" で囲んで書いてください（例: title = \"在宅医療・介護ガイド\"）"
                .into(),
        );
    }
    if e.starts_with("invalid basic string") || e.starts_with("invalid string") {
        if line.contains(['“', '”']) {
            return (
                "site.toml で全角の引用符「“ ”」が使われています".into(),
                "文字列は半角の \"…\" で囲んでください".into(),
            );
        }
        return (
            "site.toml の文字列の引用符「\"」が閉じていません".into(),
            "値の終わりにも半角の \" を書いてください（1行に収めます）".into(),
        );
    }
    if e.starts_with("duplicate key") {
        return (
            "site.toml に同じ項目が2回書かれています".into(),
            "どちらか一方を消してください（[…] の見出しが重なっていないかも確かめてください）"
                .into(),
        );
    }
    (
        "site.toml の書き方に誤りがあります".into(),
        format!("{README}（詳しい内容（英語）: {e}）"),
    )
}
