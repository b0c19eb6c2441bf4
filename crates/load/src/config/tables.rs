//! The tables of `site.toml` that need more than a type: `[finder]`, the areas' towns,
//! `[accessibility]` and `[guides.NAME]`, each checked with its place in the file.

use super::*;

/// `[finder]`: places inside Japan with a name, and holidays as `MM-DD` or `YYYY-MM-DD`.
pub(super) fn finder(
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
pub(super) fn area_municipality(
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
pub(super) fn accessibility(
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

pub(super) fn guides(
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
