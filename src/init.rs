//! `tsunagu init`: a new site that builds at once.

use std::fs;
use std::path::Path;

use crate::diagnostics::Diagnostic;
use crate::load::theme::DEFAULT_THEME;

const SITE_TOML: &str = r#"# サイトの設定。項目の説明は tsunagu の README にあります。
title = "在宅医療・介護ガイド"
description = "在宅医療と介護の相談窓口や事業所をご案内します。"
# 公開する場所の URL（フォルダの場所まで）
base_url = "https://www.city.example.lg.jp/zaitaku/"
language = "ja"
theme = "default"
stale_after_days = 365

[municipality]
name = "さくら市"
code = "131016"   # 全国地方公共団体コード（6桁）に書き換えてください
department = "高齢福祉課"

[categories.clinic]
label = "診療所"
group = "医療"
schema_type = "MedicalClinic"

[categories.houkatsu]
label = "地域包括支援センター"
group = "相談窓口"

[areas.chuo]
label = "中央圏域"

[services.houmon-shinryo]
label = "訪問診療"
description = "医師が計画を立てて、定期的にご自宅を訪問して診療します。"
"#;

const HOME: &str = "---\ntitle: 在宅医療・介護ガイド\n---\n\n住み慣れた家で暮らし続けるための情報をまとめています。\n";

const PROVIDERS: &str = r#"# 事業所の記録。1件ごとに「- id:」から始めます。
- id: sakura-clinic
  name: さくら診療所
  kana: さくらしんりょうじょ
  category: clinic
  area: chuo
  postal_code: "999-0001"
  address: さくら市本町1丁目1番1号
  phone: 0990-00-0000
  services: [houmon-shinryo]
  accepting: accepting
  updated: 2026-04-01
"#;

/// Creates the skeleton in `dir`, which must be missing or empty.
pub fn init(dir: &Path) -> Result<(), Diagnostic> {
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
    write("site.toml", SITE_TOML.as_bytes())?;
    write("content/_index.md", HOME.as_bytes())?;
    write("content/providers/clinics.yaml", PROVIDERS.as_bytes())?;
    write("static/.keep", b"")?;
    write("templates/.keep", b"")?;
    for (path, bytes) in DEFAULT_THEME {
        write(&format!("themes/default/{path}"), bytes)?;
    }
    Ok(())
}
