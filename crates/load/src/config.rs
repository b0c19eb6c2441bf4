//! `site.toml`: the site's settings and its own vocabularies (categories, areas, services).

use model::config::*;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use diagnostics::{Diagnostic, Diagnostics, pos_of_offset};

mod messages;
mod tables;

pub use messages::valid_municipality_code;
use messages::{check_base_url, municipality_code_message, toml_message};
use tables::{accessibility, area_municipality, finder, guides};

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: Spanned<String>,
    #[serde(default = "default_language")]
    language: Spanned<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default = "default_stale")]
    stale_after_days: u32,
    #[serde(default = "default_true")]
    minify: bool,
    #[serde(default = "default_list_page_size")]
    list_page_size: usize,
    #[serde(default = "default_feed_section")]
    feed_section: String,
    municipality: RawMunicipality,
    #[serde(default)]
    municipalities: IndexMap<String, RawMunicipality>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    map: MapConfig,
    #[serde(default)]
    finder: RawFinder,
    #[serde(default)]
    readability: ReadabilityConfig,
    #[serde(default)]
    accessibility: RawAccessibility,
    categories: IndexMap<String, Category>,
    areas: IndexMap<String, Area>,
    #[serde(default)]
    services: IndexMap<String, Service>,
    #[serde(default)]
    guides: IndexMap<String, RawGuide>,
    #[serde(default)]
    pdf: PdfConfig,
    #[serde(default)]
    opendata: OpenDataConfig,
    #[serde(default)]
    import: ImportConfig,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFinder {
    #[serde(default)]
    places: Vec<Spanned<RawPlace>>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccessibility {
    policy_date: Option<Spanned<String>>,
    scope: Option<String>,
    #[serde(default)]
    exceptions: Vec<String>,
    #[serde(default)]
    by_eye: IndexMap<String, Spanned<String>>,
    by_eye_date: Option<Spanned<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlace {
    name: String,
    lat: f64,
    lon: f64,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuide {
    title: String,
    #[serde(default)]
    subtitle: String,
    edition: Spanned<String>,
    #[serde(default)]
    page_size: PageSize,
    #[serde(default)]
    cover_text: String,
    #[serde(default = "default_true")]
    index: bool,
    #[serde(default)]
    saddle_stitch: bool,
    #[serde(default)]
    crop_marks: bool,
    /// A key of `[municipalities]`: a guide of that town only.
    #[serde(default)]
    municipality: Option<Spanned<String>>,
    parts: Vec<Spanned<RawPart>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPart {
    #[serde(default)]
    page: Option<String>,
    #[serde(default)]
    section: Option<String>,
    #[serde(default)]
    providers: Option<model::ProviderFilter>,
    #[serde(default)]
    each_category: bool,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    intro: Option<String>,
    #[serde(default)]
    group_by: GroupBy,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMunicipality {
    name: String,
    code: Spanned<String>,
    #[serde(default)]
    department: String,
    #[serde(default)]
    phone: Option<Spanned<String>>,
    #[serde(default)]
    fax: Option<Spanned<String>>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
}

fn default_language() -> Spanned<String> {
    Spanned::new(0..0, "ja".into())
}
fn default_theme() -> String {
    "default".into()
}
fn default_stale() -> u32 {
    365
}
fn default_true() -> bool {
    true
}
fn default_list_page_size() -> usize {
    300
}
fn default_feed_section() -> String {
    "news".into()
}

/// Tiles come over https, except from this machine (a local tile server, or tests):
/// `http://127.0.0.1…` and `http://localhost…` are allowed too.
fn tile_scheme_ok(tiles: &str) -> bool {
    if tiles.starts_with("https://") {
        return true;
    }
    let Some(rest) = tiles.strip_prefix("http://") else {
        return false;
    };
    let host = rest.split(['/', ':']).next().unwrap_or_default();
    host == "127.0.0.1" || host == "localhost"
}

/// Settings given on the command line that win over `site.toml`.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
    /// `--municipality`: one town's part of a site of several (its own folders and records).
    pub municipality: Option<String>,
}

pub fn load(root: &Path, overrides: &Overrides) -> Result<Config, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    let src = std::fs::read_to_string(&path).map_err(|e| {
        Diagnostic::error(CONFIG_FILE, None, format!("site.toml を読めません: {e}"))
            .with_help("サイトのフォルダで実行するか、--root でサイトのフォルダを指定してください")
    })?;
    parse(&src, overrides)
}

pub fn parse(src: &str, overrides: &Overrides) -> Result<Config, Diagnostics> {
    let raw: RawConfig = toml::from_str(src).map_err(|e| {
        let pos = e.span().map(|s| pos_of_offset(src, s.start));
        let len = e
            .span()
            .map(|s| src[s.clone()].chars().count())
            .unwrap_or(1);
        let line = pos
            .and_then(|p| src.lines().nth(p.line.saturating_sub(1)))
            .unwrap_or_default();
        let (message, help) = toml_message(e.message().trim(), line);
        Diagnostic::error(CONFIG_FILE, pos, message)
            .with_len(len)
            .with_help(help)
    })?;
    let mut diags = Diagnostics::new();
    let at = |s: &std::ops::Range<usize>| Some(pos_of_offset(src, s.start));

    let (base_url, base_path) = match &overrides.base_url {
        Some(u) => check_base_url(u)
            .map_err(|m| Diagnostics::from(Diagnostic::error("--base-url", None, m)))?,
        None => match check_base_url(raw.base_url.get_ref()) {
            Ok(v) => v,
            Err(m) => {
                diags.push(
                    Diagnostic::error(CONFIG_FILE, at(&raw.base_url.span()), m)
                        .with_help("サイトを公開する場所の URL（https:// から）を書いてください"),
                );
                (String::new(), "/".into())
            }
        },
    };

    if raw.language.get_ref() != "ja" {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                at(&raw.language.span()),
                format!(
                    "language = \"{}\" には対応していません",
                    raw.language.get_ref()
                ),
            )
            .with_help("language = \"ja\" と書いてください"),
        );
    }
    if !valid_municipality_code(raw.municipality.code.get_ref()) {
        let (message, help) = municipality_code_message(raw.municipality.code.get_ref());
        diags.push(
            Diagnostic::error(CONFIG_FILE, at(&raw.municipality.code.span()), message)
                .with_help(help),
        );
    }
    let key_ok = |k: &str| model::CategoryKey::parse(k).is_ok();
    for (what, keys) in [
        ("categories", raw.categories.keys().collect::<Vec<_>>()),
        ("areas", raw.areas.keys().collect()),
        ("services", raw.services.keys().collect()),
    ] {
        for k in keys.into_iter().filter(|k| !key_ok(k)) {
            let offset = src
                .find(&format!("{what}.{k}"))
                .or_else(|| src.find(k.as_str()));
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    offset.map(|o| pos_of_offset(src, o)),
                    format!("[{what}] の名前「{k}」には英小文字・数字・「-」だけが使えます"),
                )
                .with_help("名前は URL に使われます。表示名は label に書いてください"),
            );
        }
    }
    if raw.categories.is_empty() || raw.areas.is_empty() {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                None,
                "categories と areas を1つ以上定義してください",
            )
            .with_help("説明書（docs/manual.md）の「site.toml」の例を参考にしてください"),
        );
    }
    if let Some(link) = &raw.map.link
        && (!link.starts_with("https://") || !link.contains("{lat}") || !link.contains("{lon}"))
    {
        diags.push(
            Diagnostic::error(CONFIG_FILE, None, "[map] link の形が正しくありません")
                .with_help("https:// で始まり {lat} と {lon} を含む URL を書いてください"),
        );
    }
    if let Some(tiles) = &raw.map.tiles
        && (!tile_scheme_ok(tiles)
            || !["{z}", "{x}", "{y}"].iter().all(|k| tiles.contains(k))
            || url::Url::parse(&tiles.replace(['{', '}'], "")).is_err())
    {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                src.find("tiles").map(|o| pos_of_offset(src, o)),
                "[map] tiles の形が正しくありません",
            )
            .with_help("https:// で始まり {z} {x} {y} を含むタイルの URL を書いてください（例: https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png）"),
        );
    }
    if let Some(u) = &raw.map.attribution_url
        && (!tile_scheme_ok(u) || url::Url::parse(u).is_err())
    {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                src.find("attribution_url").map(|o| pos_of_offset(src, o)),
                format!("[map] attribution_url「{u}」は使えません"),
            )
            .with_help("出典のページの URL を https:// から書いてください"),
        );
    }
    if raw.map.tiles.is_some() && raw.map.attribution.as_deref().is_none_or(str::is_empty) {
        diags.push(
            Diagnostic::error(
                CONFIG_FILE,
                src.find("tiles").map(|o| pos_of_offset(src, o)),
                "[map] tiles を使うときは attribution（出典の表示）が必要です",
            )
            .with_help(
                "タイル提供元が求める出典を書いてください（例: attribution = \"地理院タイル\"）",
            ),
        );
    }
    let finder = finder(&raw.finder, &mut diags, &at);
    let accessibility = accessibility(&raw.accessibility, &mut diags, &at);
    let contact_number = |diags: &mut Diagnostics,
                          table: &str,
                          field: &str,
                          value: &Option<Spanned<String>>|
     -> String {
        let Some(v) = value.as_ref().filter(|v| !v.get_ref().trim().is_empty()) else {
            return String::new();
        };
        match model::Phone::parse(v.get_ref()) {
            Some(p) => p.as_str().to_string(),
            None => {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(&v.span()),
                        format!("[{table}] {field}「{}」の形が正しくありません", v.get_ref()),
                    )
                    .with_len(v.get_ref().chars().count() + 2)
                    .with_help("半角の数字とハイフンで、市外局番から書いてください。内線は「0479-00-0100（内線 245）」のように後ろに書けます"),
                );
                String::new()
            }
        }
    };
    let phone = contact_number(&mut diags, "municipality", "phone", &raw.municipality.phone);
    let fax = contact_number(&mut diags, "municipality", "fax", &raw.municipality.fax);
    let mut municipalities = IndexMap::new();
    for (key, m) in &raw.municipalities {
        let table = format!("municipalities.{key}");
        let Ok(k) = model::MunicipalityKey::parse(key) else {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    src.find(&table).map(|o| pos_of_offset(src, o)),
                    format!(
                        "[municipalities] の名前「{key}」には英小文字・数字・「-」だけが使えます"
                    ),
                )
                .with_help(
                    "例: [municipalities.yamada]（ローマ字で、URL とフォルダの名前になります）",
                ),
            );
            continue;
        };
        if !valid_municipality_code(m.code.get_ref()) {
            let (message, help) = municipality_code_message(m.code.get_ref());
            diags.push(Diagnostic::error(CONFIG_FILE, at(&m.code.span()), message).with_help(help));
        }
        let phone = contact_number(&mut diags, &table, "phone", &m.phone);
        let fax = contact_number(&mut diags, &table, "fax", &m.fax);
        municipalities.insert(
            k,
            Municipality {
                name: m.name.clone(),
                code: m.code.get_ref().clone(),
                department: m.department.clone(),
                phone,
                fax,
                email: m.email.clone(),
                address: m.address.clone(),
            },
        );
    }
    let area_municipality = area_municipality(src, &raw, &municipalities, &mut diags);
    let guides = guides(src, &raw.guides, &municipalities, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }

    Ok(Config {
        title: raw.title,
        description: raw.description,
        base_url,
        base_path,
        language: raw.language.into_inner(),
        theme: raw.theme,
        stale_after_days: raw.stale_after_days,
        minify: raw.minify,
        list_page_size: raw.list_page_size.max(1),
        feed_section: raw.feed_section,
        municipalities,
        area_municipality,
        municipality: Municipality {
            name: raw.municipality.name,
            code: raw.municipality.code.into_inner(),
            department: raw.municipality.department,
            phone,
            fax,
            email: raw.municipality.email,
            address: raw.municipality.address,
        },
        markdown: raw.markdown,
        map: raw.map,
        finder,
        readability: raw.readability,
        accessibility,
        categories: keyed(raw.categories, model::CategoryKey::parse),
        areas: keyed(raw.areas, model::AreaKey::parse),
        services: keyed(raw.services, model::ServiceKey::parse),
        guides,
        pdf: raw.pdf,
        opendata: raw.opendata,
        import: raw.import,
    })
}

/// A vocabulary with its keys made (bad keys were reported above and are left out).
fn keyed<K: std::hash::Hash + Eq, V>(
    raw: IndexMap<String, V>,
    parse: fn(&str) -> Result<K, model::keys::KeyProblem>,
) -> IndexMap<K, V> {
    raw.into_iter()
        .filter_map(|(k, v)| parse(&k).ok().map(|k| (k, v)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn municipality_check_digits_match_real_codes() {
        assert!(valid_municipality_code("131016")); // 千代田区
        assert!(valid_municipality_code("011002")); // 札幌市
        assert!(!valid_municipality_code("131017"));
        assert!(!valid_municipality_code("13101"));
        assert!(!valid_municipality_code("１３１０１６"));
        assert_eq!(
            municipality_code_message("131017").1,
            "前の5桁「13101」が正しければ、コードは「131016」です。総務省の「全国地方公共団体コード」の一覧で、市区町村の6桁のコード（最後の1桁は検査数字）を確かめてください"
        );
        assert!(
            municipality_code_message("13101")
                .1
                .starts_with("検査数字を加えた「131016」")
        );
    }

    #[test]
    fn base_url_keeps_its_path_prefix() {
        let (url, path) = check_base_url("https://www.city.example.lg.jp/kenko/zaitaku").unwrap();
        assert_eq!(url, "https://www.city.example.lg.jp/kenko/zaitaku/");
        assert_eq!(path, "/kenko/zaitaku/");
        assert!(check_base_url("zaitaku/").is_err());
    }

    #[test]
    fn tiles_need_https_except_from_this_machine() {
        assert!(tile_scheme_ok(
            "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
        ));
        assert!(tile_scheme_ok(
            "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png"
        ));
        assert!(tile_scheme_ok("http://localhost/{z}/{x}/{y}.png"));
        assert!(!tile_scheme_ok("http://tile.example.jp/{z}/{x}/{y}.png"));
        assert!(!tile_scheme_ok(
            "http://127.0.0.1.example.jp/{z}/{x}/{y}.png"
        ));
        assert!(!tile_scheme_ok("ftp://127.0.0.1/{z}/{x}/{y}.png"));
    }
}
