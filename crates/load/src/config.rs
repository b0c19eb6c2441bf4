//! `site.toml`: the site's settings and its own vocabularies (categories, areas, services).

use model::config::*;
use std::path::Path;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;
use url::Url;

use diagnostics::{Diagnostic, Diagnostics, pos_of_offset};

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

/// `[finder]`: places inside Japan with a name, and holidays as `MM-DD` or `YYYY-MM-DD`.
fn finder(
    raw: &RawFinder,
    diags: &mut Diagnostics,
    at: &dyn Fn(&std::ops::Range<usize>) -> Option<model::Pos>,
) -> FinderConfig {
    let mut places = Vec::new();
    for p in &raw.places {
        let (span, place) = (p.span(), p.get_ref());
        let inside = (20.0..=46.0).contains(&place.lat) && (122.0..=154.0).contains(&place.lon);
        if place.name.trim().is_empty() || !inside {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(&span),
                    format!("[finder] places の「{}」の名前か位置が正しくありません", place.name),
                )
                .with_help("名前と、日本の中の緯度（lat、例: 35.68）・経度（lon、例: 139.76）を書いてください"),
            );
            continue;
        }
        places.push(Place {
            name: place.name.trim().to_string(),
            lat: place.lat,
            lon: place.lon,
        });
    }
    let mut holidays = Vec::new();
    for h in &raw.holidays {
        match ExtraHoliday::parse(h.get_ref()) {
            Some(day) => holidays.push(day),
            None => diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(&h.span()),
                    format!(
                        "[finder] holidays の「{}」は日付として読めません",
                        h.get_ref()
                    ),
                )
                .with_len(h.get_ref().chars().count() + 2)
                .with_help(
                    "毎年の日は \"12-29\"、その年だけの日は \"2027-05-06\" のように書いてください",
                ),
            ),
        }
    }
    FinderConfig { places, holidays }
}

/// On a site of several municipalities, each area names the one it belongs to.
fn area_municipality(
    src: &str,
    raw: &RawConfig,
    municipalities: &IndexMap<model::MunicipalityKey, Municipality>,
    diags: &mut Diagnostics,
) -> IndexMap<model::AreaKey, model::MunicipalityKey> {
    let mut out = IndexMap::new();
    let names = || {
        municipalities
            .keys()
            .map(|k| format!("\"{k}\""))
            .collect::<Vec<_>>()
            .join("、")
    };
    for (key, area) in &raw.areas {
        let Ok(area_key) = model::AreaKey::parse(key) else {
            continue;
        };
        let at = src
            .find(&format!("[areas.{key}]"))
            .or_else(|| src.find(&format!("areas.{key}")))
            .map(|o| pos_of_offset(src, o));
        match (&area.municipality, municipalities.is_empty()) {
            (None, true) => {}
            (Some(_), true) => diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at,
                    format!("[areas.{key}] に municipality がありますが、[municipalities] がありません"),
                )
                .with_help("いくつかの市町村で1つのサイトを作るときは、[municipalities.名前] にそれぞれの市町村を書いてください。1つの市町村のサイトなら municipality の行を消してください"),
            ),
            (None, false) => diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at,
                    format!("[areas.{key}]（{}）がどの市町村のものか書かれていません", area.label),
                )
                .with_help(format!("municipality = に、次のどれかを書いてください: {}", names())),
            ),
            (Some(m), false) => match municipalities.get_key_value(m.as_str()) {
                Some((k, _)) => {
                    out.insert(area_key, k.clone());
                }
                None => diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at,
                        format!("[areas.{key}] の municipality「{m}」は [municipalities] にありません"),
                    )
                    .with_help(format!("次のどれかを書いてください: {}", names())),
                ),
            },
        }
    }
    out
}

/// `[accessibility]`: dates as `YYYY-MM-DD`, results by eye only for the standard's criteria.
fn accessibility(
    raw: &RawAccessibility,
    diags: &mut Diagnostics,
    at: &dyn Fn(&std::ops::Range<usize>) -> Option<model::Pos>,
) -> AccessibilityConfig {
    use model::accessibility::{CRITERIA, Outcome};
    let mut date = |field: &str, v: &Option<Spanned<String>>| {
        let v = v.as_ref()?;
        match v.get_ref().trim().parse::<jiff::civil::Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(&v.span()),
                        format!(
                            "[accessibility] {field}「{}」は日付として読めません",
                            v.get_ref()
                        ),
                    )
                    .with_len(v.get_ref().chars().count() + 2)
                    .with_help("\"2026-04-01\" のように、年-月-日で書いてください"),
                );
                None
            }
        }
    };
    let policy_date = date("policy_date", &raw.policy_date);
    let by_eye_date = date("by_eye_date", &raw.by_eye_date);
    let mut by_eye = IndexMap::new();
    for (id, v) in &raw.by_eye {
        let outcome = match v.get_ref().trim() {
            "適合" => Some(Outcome::Conforms),
            "該当なし" => Some(Outcome::NotApplicable),
            "不適合" => Some(Outcome::Fails),
            "目視で確認" => Some(Outcome::ByEye),
            _ => None,
        };
        let known = CRITERIA.iter().any(|c| c.id == id);
        match outcome {
            Some(o) if known => {
                by_eye.insert(id.clone(), o);
            }
            _ => diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    at(&v.span()),
                    if known {
                        format!("[accessibility.by_eye] \"{id}\" の「{}」は結果として読めません", v.get_ref())
                    } else {
                        format!("[accessibility.by_eye] の「{id}」は JIS X 8341-3:2016 の達成基準（A・AA）にありません")
                    },
                )
                .with_len(v.get_ref().chars().count() + 2)
                .with_help("\"1.3.1\" = \"適合\" のように、達成基準の番号と「適合」「該当なし」「不適合」のどれかを書いてください"),
            ),
        }
    }
    AccessibilityConfig {
        policy_date,
        scope: raw.scope.clone().filter(|s| !s.trim().is_empty()),
        exceptions: raw.exceptions.clone(),
        by_eye,
        by_eye_date,
    }
}

fn guides(
    src: &str,
    raw: &IndexMap<String, RawGuide>,
    municipalities: &IndexMap<model::MunicipalityKey, Municipality>,
    diags: &mut Diagnostics,
) -> IndexMap<String, GuideConfig> {
    let mut out = IndexMap::new();
    for (key, g) in raw {
        let at = |s: &std::ops::Range<usize>| Some(pos_of_offset(src, s.start));
        let municipality = match &g.municipality {
            None => None,
            Some(m) => match municipalities.get_key_value(m.get_ref().as_str()) {
                Some((k, _)) => Some(k.clone()),
                None => {
                    let names: Vec<&str> = municipalities.keys().map(|k| k.as_str()).collect();
                    diags.push(
                        Diagnostic::error(
                            CONFIG_FILE,
                            at(&m.span()),
                            format!("ガイド「{key}」の municipality「{}」は [municipalities] にありません", m.get_ref()),
                        )
                        .with_len(m.get_ref().chars().count() + 2)
                        .with_help(if names.is_empty() {
                            "市町村ごとのガイドは、site.toml に [municipalities] があるサイトで作れます".to_string()
                        } else {
                            format!("次のどれかを書いてください: {}", names.join(", "))
                        }),
                    );
                    continue;
                }
            },
        };
        let edition = match g.edition.get_ref().parse::<jiff::civil::Date>() {
            Ok(d) => d,
            Err(_) => {
                diags.push(
                    Diagnostic::error(
                        CONFIG_FILE,
                        at(&g.edition.span()),
                        format!(
                            "発行日 edition「{}」が正しくありません",
                            g.edition.get_ref()
                        ),
                    )
                    .with_help("edition = \"2026-12-01\" のように書いてください"),
                );
                continue;
            }
        };
        let mut parts = Vec::new();
        for p in &g.parts {
            let pos = pos_of_offset(src, p.span().start);
            let r = p.get_ref();
            let kinds = [
                r.page.is_some(),
                r.section.is_some(),
                r.providers.is_some(),
                r.each_category,
            ];
            let kind = match (kinds.iter().filter(|k| **k).count(), r) {
                (
                    1,
                    RawPart {
                        page: Some(page), ..
                    },
                ) => PartKind::Page(page.trim_start_matches("@/").to_string()),
                (
                    1,
                    RawPart {
                        section: Some(s), ..
                    },
                ) => PartKind::Section(format!("{}/", s.trim_matches('/'))),
                (
                    1,
                    RawPart {
                        providers: Some(f), ..
                    },
                ) => PartKind::Providers(f.clone()),
                (1, _) => PartKind::EachCategory,
                _ => {
                    diags.push(
                        Diagnostic::error(CONFIG_FILE, Some(pos), format!("ガイド「{key}」の parts の1つに、page・section・providers・each_category のどれか1つを書いてください"))
                            .with_help("例: page = \"guide/zaitaku-iryo.md\" または providers = { category = \"clinic\" }"),
                    );
                    continue;
                }
            };
            parts.push(PartConfig {
                kind,
                title: r.title.clone(),
                intro: r.intro.clone(),
                group_by: r.group_by,
                pos,
            });
        }
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        {
            diags.push(
                Diagnostic::error(
                    CONFIG_FILE,
                    src.find(&format!("guides.{key}"))
                        .map(|o| pos_of_offset(src, o)),
                    format!("ガイドの名前「{key}」には英小文字・数字・「-」だけが使えます"),
                )
                .with_help("名前は URL（/guide/名前/print/）になります"),
            );
        }
        out.insert(
            key.clone(),
            GuideConfig {
                title: g.title.clone(),
                subtitle: g.subtitle.clone(),
                edition,
                page_size: g.page_size,
                cover_text: g.cover_text.clone(),
                index: g.index,
                saddle_stitch: g.saddle_stitch,
                crop_marks: g.crop_marks,
                municipality,
                parts,
                pos: src
                    .find(&format!("guides.{key}]"))
                    .map(|o| pos_of_offset(src, src[..o].rfind('[').unwrap_or(o))),
            },
        );
    }
    out
}

/// Returns the URL with a trailing slash and its path part.
fn check_base_url(s: &str) -> Result<(String, String), String> {
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
fn check_digit(first_five: &str) -> Option<u32> {
    let digits: Vec<u32> = first_five.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 5 || first_five.len() != 5 {
        return None;
    }
    let sum: u32 = digits.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
    Some((11 - sum % 11) % 10)
}

/// What is wrong with a municipality code and how to find the right one.
fn municipality_code_message(code: &str) -> (String, String) {
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
fn listed(rest: &str) -> Vec<&str> {
    rest.split('`').skip(2).step_by(2).collect()
}

/// toml's English turned into the words staff need: the message and the help.
fn toml_message(e: &str, line: &str) -> (String, String) {
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
