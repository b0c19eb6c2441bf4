//! The provider finder and the map in a real browser (Debian's Chromium, headless).
//!
//! Two builds are served on 127.0.0.1 and shared by every test of this file: the sample
//! site as it is (no map tiles: nothing may be fetched from elsewhere), and a copy whose
//! site.toml points `[map] tiles` at a tiny local tile server that counts requests.
//! Expected results are worked out from the sample's own YAML, not written down by hand.

use crate::common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::Ordering;

use chromium::Tab;
use common::Window as Browser;
use tsunagu::model::kana::fold;

/// The provider whose position the map copy leaves out.
const UNPLACED: &str = "kitayama-naika-iin";

fn plain() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_sample(&[]))
}

fn tiles() -> &'static common::Tiles {
    static T: OnceLock<common::Tiles> = OnceLock::new();
    T.get_or_init(common::tile_server)
}

/// The sample with map tiles switched on, and one more provider without a position.
fn mapped() -> &'static common::Served {
    static S: OnceLock<(tempfile::TempDir, common::Served)> = OnceLock::new();
    &S.get_or_init(|| {
        let site = tempfile::tempdir().unwrap();
        common::copy_sample(site.path());
        let toml = site.path().join("site.toml");
        let s = std::fs::read_to_string(&toml).unwrap();
        std::fs::write(&toml, common::with_tiles(&s, tiles())).unwrap();
        let clinics = site.path().join("content/providers/clinics.yaml");
        let y = std::fs::read_to_string(&clinics).unwrap();
        std::fs::write(&clinics, without_position(&y, UNPLACED)).unwrap();
        let served = common::serve_site(site.path(), &[]);
        (site, served)
    })
    .1
}

/// The YAML with the `lat:` and `lon:` lines of one record removed.
fn without_position(yaml: &str, id: &str) -> String {
    let start = yaml
        .find(&format!("- id: {id}\n"))
        .expect("record in the sample");
    let end = yaml[start + 1..]
        .find("\n- id:")
        .map_or(yaml.len(), |i| start + 1 + i);
    let record: String = yaml[start..end]
        .lines()
        .filter(|l| !l.starts_with("  lat:") && !l.starts_with("  lon:"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(record.len(), end - start, "{id} had a position to remove");
    format!(
        "{}{}{}",
        &yaml[..start],
        record,
        &yaml[end..].trim_start_matches('\n')
    )
}

/// One provider record of the sample, as the tests need it.
#[derive(Debug)]
struct Rec {
    id: String,
    name: String,
    kana: String,
    address: String,
    category: String,
    area: String,
    services: Vec<String>,
    accepting: String,
    placed: bool,
    /// The labels of its category, area and services in site.toml: words match them too.
    labels: Vec<String>,
}

/// `[categories]`, `[areas]` or `[services]` of the sample's site.toml: key → label.
fn labels(table: &str) -> std::collections::HashMap<String, String> {
    let toml: toml::Value =
        toml::from_str(&std::fs::read_to_string(common::root().join("site.toml")).unwrap())
            .unwrap();
    toml[table]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["label"].as_str().unwrap().to_string()))
        .collect()
}

fn sample_providers() -> Vec<Rec> {
    let (cats, areas, services) = (labels("categories"), labels("areas"), labels("services"));
    let dir = common::root().join("content/providers");
    let mut out = Vec::new();
    for f in common::files(&dir) {
        let v: serde_yaml_ng::Value =
            serde_yaml_ng::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        let items = match v {
            serde_yaml_ng::Value::Sequence(s) => s,
            other => vec![other],
        };
        for p in items {
            let s = |k: &str| p[k].as_str().map(String::from).unwrap_or_default();
            let accepting = match &p["accepting"] {
                serde_yaml_ng::Value::String(x) => x.clone(),
                serde_yaml_ng::Value::Mapping(_) => p["accepting"]["status"]
                    .as_str()
                    .unwrap_or("unknown")
                    .to_string(),
                _ => "unknown".into(),
            };
            let id = s("id");
            let service_keys: Vec<String> = p["services"]
                .as_sequence()
                .map(|v| {
                    v.iter()
                        .filter_map(|x| x.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            let mut labels = vec![cats[&s("category")].clone(), areas[&s("area")].clone()];
            labels.extend(service_keys.iter().map(|k| services[k].clone()));
            out.push(Rec {
                labels,
                placed: p["lat"].as_f64().is_some() && id != UNPLACED,
                name: s("name"),
                kana: s("kana"),
                address: s("address"),
                category: s("category"),
                area: s("area"),
                services: p["services"]
                    .as_sequence()
                    .map(|v| {
                        v.iter()
                            .filter_map(|x| x.as_str().map(String::from))
                            .collect()
                    })
                    .unwrap_or_default(),
                accepting,
                id,
            });
        }
    }
    assert!(out.len() > 50, "the sample has its providers");
    out
}

fn ids<'a>(recs: impl Iterator<Item = &'a Rec>) -> BTreeSet<String> {
    recs.map(|r| r.id.clone()).collect()
}

fn open(b: &Browser, base: &str, width: u32, path: &str) -> Tab {
    let tab = common::tab(b);
    common::viewport(&tab, width, 800);
    common::goto(&tab, &format!("{base}{path}"));
    tab
}

/// Opens the finder and waits until the first results are counted.
fn finder(b: &Browser, base: &str, width: u32, query: &str) -> Tab {
    let tab = open(b, base, width, &format!("providers/find/{query}"));
    common::wait_until(
        &tab,
        "document.getElementById('finder-status').textContent.includes('件見つかりました')",
    );
    tab
}

/// The provider ids of the result list, from the links' paths.
fn result_ids(tab: &Tab) -> BTreeSet<String> {
    let json = common::eval_str(
        tab,
        "JSON.stringify([...document.querySelectorAll('#finder-results .card-title a')].map(a => a.pathname.split('/').filter(Boolean).pop()))",
    );
    serde_json::from_str::<Vec<String>>(&json)
        .unwrap()
        .into_iter()
        .collect()
}

fn status(tab: &Tab) -> String {
    common::eval_str(tab, "document.getElementById('finder-status').textContent")
}

/// Chooses an option or ticks a box the way a user's input would: value, then events.
fn choose(tab: &Tab, selector: &str, value: &str) {
    let js = format!(
        "(() => {{ const el = document.querySelector('{selector}'); const v = {};
           if (el.type === 'checkbox') el.checked = v === 'true'; else el.value = v;
           el.dispatchEvent(new Event('input', {{bubbles: true}}));
           el.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()",
        serde_json::to_string(value).unwrap()
    );
    common::eval(tab, &js);
}

fn type_query(tab: &Tab, text: &str) {
    common::eval(
        tab,
        "document.getElementById('f-q').value = ''; document.getElementById('f-q').focus(); true",
    );
    tab.type_text(text).unwrap();
    common::wait_until(
        tab,
        &format!(
            "document.getElementById('f-q').value === {}",
            serde_json::to_string(text).unwrap()
        ),
    );
    // The list and the map follow when typing pauses; they say so while they are behind.
    common::wait_until(tab, "!document.querySelector('#finder [aria-busy=true]')");
}

#[test]
fn category_area_and_service_narrow_to_exactly_the_expected_providers() {
    let all = sample_providers();
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "");
    assert_eq!(
        result_ids(&tab),
        ids(all.iter()),
        "no filter shows everyone"
    );
    assert_eq!(status(&tab), format!("{} 件見つかりました", all.len()));

    choose(&tab, "#f-category", "clinic");
    choose(&tab, "#f-area", "kita");
    let clinics_kita = ids(all
        .iter()
        .filter(|r| r.category == "clinic" && r.area == "kita"));
    assert_eq!(result_ids(&tab), clinics_kita);

    choose(&tab, "#f-service-houmon-shinryo", "true");
    let expected = ids(all.iter().filter(|r| {
        r.category == "clinic"
            && r.area == "kita"
            && r.services.iter().any(|s| s == "houmon-shinryo")
    }));
    assert!(expected.len() >= 2 && expected.len() < clinics_kita.len());
    assert_eq!(result_ids(&tab), expected);

    // The count is announced politely, and matches what is listed.
    assert_eq!(status(&tab), format!("{} 件見つかりました", expected.len()));
    assert_eq!(
        common::eval_str(
            &tab,
            "document.getElementById('finder-status').getAttribute('role')"
        ),
        "status"
    );
    assert_eq!(
        common::eval_str(
            &tab,
            "document.getElementById('finder-status').getAttribute('aria-live')"
        ),
        "polite"
    );
    // Each result carries a phone link and the accepting badge.
    assert_eq!(
        common::eval_f64(
            &tab,
            "document.querySelectorAll('#finder-results a[href^=\"tel:\"]').length"
        ),
        expected.len() as f64
    );
    assert_eq!(
        common::eval_f64(
            &tab,
            "document.querySelectorAll('#finder-results .accepting').length"
        ),
        expected.len() as f64
    );

    // Two services at once: both must be offered.
    choose(&tab, "#f-service-24h", "true");
    let both = ids(all.iter().filter(|r| {
        r.category == "clinic"
            && r.area == "kita"
            && r.services.iter().any(|s| s == "houmon-shinryo")
            && r.services.iter().any(|s| s == "24h")
    }));
    assert!(both.len() < expected.len());
    assert_eq!(result_ids(&tab), both);

    // Clearing the form shows everyone again.
    common::eval(&tab, "document.getElementById('finder-form').reset(); true");
    common::wait_until(
        &tab,
        &format!(
            "document.querySelectorAll('#finder-results li').length === {}",
            all.len()
        ),
    );
}

#[test]
fn accepting_filter_keeps_providers_taking_new_clients_including_limited() {
    let all = sample_providers();
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "");
    choose(&tab, "#f-category", "visiting-nurse");
    choose(&tab, "#f-accepting", "true");
    let expected = ids(all.iter().filter(|r| {
        r.category == "visiting-nurse" && matches!(r.accepting.as_str(), "accepting" | "limited")
    }));
    let every_nurse = all
        .iter()
        .filter(|r| r.category == "visiting-nurse")
        .count();
    assert!(!expected.is_empty() && expected.len() < every_nurse);
    assert_eq!(result_ids(&tab), expected);
    assert_eq!(status(&tab), format!("{} 件見つかりました", expected.len()));
}

/// Which sample providers a query finds, folding as the Rust side does: every word in the
/// name, reading, address or a label.
fn text_matches(all: &[Rec], query: &str) -> BTreeSet<String> {
    let terms: Vec<String> = query.split_whitespace().map(fold).collect();
    ids(all.iter().filter(|r| {
        let mut text = vec![fold(&r.name), fold(&r.kana), fold(&r.address)];
        text.extend(r.labels.iter().map(|l| fold(l)));
        terms
            .iter()
            .all(|t| text.iter().any(|x| x.contains(t.as_str())))
    }))
}

#[test]
fn text_search_ignores_kana_kind_and_width() {
    let all = sample_providers();
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "");

    // Katakana finds readings written in hiragana.
    type_query(&tab, "サクラダイ");
    let sakuradai = text_matches(&all, "さくらだい");
    assert!(sakuradai.len() >= 3, "{sakuradai:?}");
    assert!(
        all.iter()
            .any(|r| sakuradai.contains(&r.id) && !fold(&r.name).contains("さくらだい")),
        "some are found by their reading alone"
    );
    assert_eq!(result_ids(&tab), sakuradai);

    // Half-width katakana, the same.
    type_query(&tab, "ｻｸﾗﾀﾞｲ");
    assert_eq!(result_ids(&tab), sakuradai);

    // Full-width and half-width digits in an address; two words must both match.
    type_query(&tab, "本町２丁目");
    let honcho2 = text_matches(&all, "本町2丁目");
    assert!(!honcho2.is_empty());
    assert_eq!(result_ids(&tab), honcho2);
    type_query(&tab, "みどり　ｸﾘﾆｯｸ");
    let two_words = text_matches(&all, "みどり くりにっく");
    assert!(!two_words.is_empty() && two_words.len() < all.len());
    assert_eq!(result_ids(&tab), two_words);

    type_query(&tab, "そんなじぎょうしょはない");
    assert!(result_ids(&tab).is_empty());
    assert!(
        status(&tab).starts_with("0 件見つかりました"),
        "{}",
        status(&tab)
    );
}

#[test]
fn filters_live_in_the_url_and_a_shared_link_restores_them() {
    let all = sample_providers();
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "");
    choose(&tab, "#f-category", "clinic");
    choose(&tab, "#f-area", "kita");
    choose(&tab, "#f-service-houmon-shinryo", "true");
    choose(&tab, "#f-accepting", "true");
    type_query(&tab, "ｻｸﾗ");
    let search = common::eval_str(&tab, "location.search");
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(search.trim_start_matches('?').as_bytes())
            .into_owned()
            .collect();
    let has = |k: &str, v: &str| params.iter().any(|(a, b)| a == k && b == v);
    assert!(has("category", "clinic") && has("area", "kita"), "{search}");
    assert!(
        has("service", "houmon-shinryo") && has("accepting", "1"),
        "{search}"
    );
    assert!(has("q", "ｻｸﾗ"), "{search}");
    let before = result_ids(&tab);
    let expected: BTreeSet<String> = text_matches(&all, "さくら")
        .intersection(&ids(all.iter().filter(|r| {
            r.category == "clinic"
                && r.area == "kita"
                && r.services.iter().any(|s| s == "houmon-shinryo")
                && matches!(r.accepting.as_str(), "accepting" | "limited")
        })))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(before, expected);

    // A care manager's colleague opens the shared link in a fresh tab.
    let again = finder(&b, &plain().base, 1024, &search);
    assert_eq!(
        common::eval_str(&again, "document.getElementById('f-category').value"),
        "clinic"
    );
    assert_eq!(
        common::eval_str(&again, "document.getElementById('f-area').value"),
        "kita"
    );
    assert_eq!(
        common::eval(
            &again,
            "document.getElementById('f-service-houmon-shinryo').checked"
        ),
        true
    );
    assert_eq!(
        common::eval(&again, "document.getElementById('f-service-24h').checked"),
        false
    );
    assert_eq!(
        common::eval(&again, "document.getElementById('f-accepting').checked"),
        true
    );
    assert_eq!(
        common::eval_str(&again, "document.getElementById('f-q').value"),
        "ｻｸﾗ"
    );
    assert_eq!(result_ids(&again), before);
    assert_eq!(status(&again), format!("{} 件見つかりました", before.len()));

    // The example link of the issue, with an unknown value that is ignored.
    let t = finder(
        &b,
        &plain().base,
        1024,
        "?category=clinic&area=nowhere&service=houmon-shinryo",
    );
    assert_eq!(
        common::eval_str(&t, "document.getElementById('f-area').value"),
        ""
    );
    assert_eq!(
        result_ids(&t),
        ids(
            all.iter().filter(
                |r| r.category == "clinic" && r.services.iter().any(|s| s == "houmon-shinryo")
            )
        )
    );
}

#[test]
fn finder_fits_a_320px_phone_at_every_text_size() {
    let b = common::browser(320);
    for base in [&plain().base, &mapped().base] {
        let tab = finder(&b, base, 320, "?category=care-management&service=ninchisho");
        assert_eq!(common::eval_f64(&tab, "window.innerWidth"), 320.0);
        for size in ["normal", "large", "xlarge"] {
            let sw = common::eval_f64(
                &tab,
                &format!(
                    "document.getElementById('ts-{size}').checked = true; document.documentElement.scrollWidth"
                ),
            );
            assert!(
                sw <= 320.0,
                "{base}providers/find/ scrolls sideways at 320px ({size}): {sw}"
            );
        }
        // Large type: form text and results at least the body size of 18px.
        common::eval(
            &tab,
            "document.getElementById('ts-normal').checked = true; true",
        );
        let fs = common::eval_f64(
            &tab,
            "parseFloat(getComputedStyle(document.getElementById('f-category')).fontSize)",
        );
        assert!(fs >= 18.0, "select font {fs}px");
    }
}

#[test]
fn without_javascript_the_list_pages_are_the_fallback() {
    let b = common::browser(1024);
    let tab = common::tab(&b);
    tab.call(
        "Emulation.setScriptExecutionDisabled",
        serde_json::json!({"value": true}),
    )
    .unwrap();
    common::goto(&tab, &format!("{}providers/find/", plain().base));
    // The script-driven form is not shown as a dead control.
    assert_eq!(
        common::eval_f64(
            &tab,
            "document.getElementById('finder-form').getClientRects().length"
        ),
        0.0
    );
    let hrefs = common::eval_str(
        &tab,
        "JSON.stringify([...document.querySelectorAll('.finder-fallback a')].filter(a => a.getClientRects().length).map(a => a.pathname))",
    );
    let hrefs: Vec<String> = serde_json::from_str(&hrefs).unwrap();
    let config = std::fs::read_to_string(common::root().join("site.toml")).unwrap();
    let config: toml::Table = toml::from_str(&config).unwrap();
    for (kind, table) in [
        ("category", "categories"),
        ("area", "areas"),
        ("service", "services"),
    ] {
        for key in config[table].as_table().unwrap().keys() {
            let want = format!("/providers/{kind}/{key}/");
            assert!(
                hrefs.iter().any(|h| h.ends_with(&want)),
                "fallback link {want} missing from {hrefs:?}"
            );
        }
    }
    let notice = common::eval_str(&tab, "document.querySelector('main').innerText");
    assert!(notice.contains("一覧からさがす"), "{notice}");
}

#[test]
fn the_finder_is_linked_from_the_providers_index_and_the_navigation() {
    let html =
        std::fs::read_to_string(plain().dir.path().join("public/providers/index.html")).unwrap();
    let main = &html[html.find("<main").unwrap()..];
    assert!(
        main.contains("/providers/find/"),
        "providers index links the finder"
    );
    let home = std::fs::read_to_string(plain().dir.path().join("public/index.html")).unwrap();
    let nav = &home[home.find("site-nav").unwrap()..home.find("</nav>").unwrap()];
    assert!(
        nav.contains("/providers/find/"),
        "navigation links the finder"
    );
    let sitemap = std::fs::read_to_string(plain().dir.path().join("public/sitemap.xml")).unwrap();
    assert!(sitemap.contains("/providers/find/</loc>"));
}

#[test]
fn finder_index_is_compact_and_lists_every_provider() {
    let all = sample_providers();
    let bytes = std::fs::read(plain().dir.path().join("public/providers/finder.json")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let records = v["p"].as_array().unwrap();
    assert_eq!(records.len(), all.len());
    let listed: BTreeSet<String> = records
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, ids(all.iter()));
    assert!(records.iter().all(|r| r.as_array().unwrap().len() == 13));
    let per_record = bytes.len() / all.len();
    assert!(per_record < 260, "{per_record} bytes a record");
    // Deterministic: a second build writes the same bytes.
    let other = common::serve_sample(&[]);
    let again = std::fs::read(other.dir.path().join("public/providers/finder.json")).unwrap();
    assert_eq!(bytes, again);
}

/// Every `src`/`href` that makes the browser fetch something: scripts, images,
/// stylesheets, frames.
fn fetched_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for tag in html.split('<').skip(1) {
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let attr = match name.to_ascii_lowercase().as_str() {
            "script" | "img" | "iframe" | "source" | "video" | "audio" | "embed" => "src=",
            "link"
                if tag.contains("stylesheet")
                    || tag.contains("preload")
                    || tag.contains("icon") =>
            {
                "href="
            }
            _ => continue,
        };
        let end = tag.find('>').unwrap_or(tag.len());
        if let Some(i) = tag[..end].find(attr) {
            let v = tag[i + attr.len()..end].trim_start_matches(['"', '\'']);
            let v: String = v
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | ' ' | '>'))
                .collect();
            out.push(v);
        }
    }
    out
}

fn html_files(dir: &Path) -> Vec<PathBuf> {
    common::files(dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
        .collect()
}

#[test]
fn without_tiles_there_is_no_map_and_nothing_is_fetched_from_elsewhere() {
    let out = plain().dir.path().join("public");
    assert!(
        !out.join("providers/map").exists(),
        "no map page without tiles"
    );
    assert!(
        !out.join("vendor/leaflet").exists(),
        "the map library is not published"
    );
    let pages = html_files(&out);
    assert!(pages.len() > 80);
    let mut fetched = 0;
    for page in &pages {
        let html = std::fs::read_to_string(page).unwrap();
        assert!(
            !html.contains("leaflet"),
            "{} mentions leaflet",
            page.display()
        );
        assert!(
            !html.contains("map.css") && !html.contains("js/map.js"),
            "{}",
            page.display()
        );
        assert!(
            !html.contains("finder-map") && !html.contains("data-tiles"),
            "{}",
            page.display()
        );
        for u in fetched_urls(&html) {
            fetched += 1;
            assert!(
                u.starts_with("data:") || !u.contains("//") || u.starts_with(&plain().base),
                "{} fetches {u}",
                page.display()
            );
        }
    }
    assert!(
        fetched > pages.len(),
        "the scan saw the pages' scripts and styles"
    );

    // And in the browser: the finder asks only its own site for anything.
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "");
    let urls = common::eval_str(
        &tab,
        "JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))",
    );
    let urls: Vec<String> = serde_json::from_str(&urls).unwrap();
    assert!(urls.iter().any(|u| u.ends_with("finder.json")));
    for u in urls {
        assert!(u.starts_with(&plain().base), "requested {u}");
    }
}

fn marker_count(tab: &Tab) -> usize {
    common::eval_f64(
        tab,
        "document.querySelectorAll('#finder-map .leaflet-marker-icon').length",
    ) as usize
}

fn marker_titles(tab: &Tab) -> BTreeSet<String> {
    let json = common::eval_str(
        tab,
        "JSON.stringify([...document.querySelectorAll('#finder-map .leaflet-marker-icon')].map(m => m.title))",
    );
    serde_json::from_str::<Vec<String>>(&json)
        .unwrap()
        .into_iter()
        .collect()
}

fn unplaced_list(tab: &Tab) -> BTreeSet<String> {
    let json = common::eval_str(
        tab,
        "document.getElementById('finder-nocoords').hidden ? '[]' : JSON.stringify([...document.querySelectorAll('#finder-nocoords li a')].map(a => a.pathname.split('/').filter(Boolean).pop()))",
    );
    serde_json::from_str::<Vec<String>>(&json)
        .unwrap()
        .into_iter()
        .collect()
}

#[test]
fn map_markers_follow_the_finder_filters_and_unplaced_providers_are_listed() {
    let all = sample_providers();
    let b = common::browser(1024);
    for page in ["providers/find/", "providers/map/"] {
        let tab = open(&b, &mapped().base, 1024, page);
        common::wait_until(
            &tab,
            "document.getElementById('finder-status').textContent.includes('件見つかりました')",
        );
        let placed = all.iter().filter(|r| r.placed).count();
        assert_eq!(
            marker_count(&tab),
            placed,
            "{page}: one marker per placed provider"
        );
        assert_eq!(
            unplaced_list(&tab),
            ids(all.iter().filter(|r| !r.placed)),
            "{page}"
        );

        choose(&tab, "#f-category", "clinic");
        choose(&tab, "#f-area", "kita");
        let chosen: Vec<&Rec> = all
            .iter()
            .filter(|r| r.category == "clinic" && r.area == "kita")
            .collect();
        let names: BTreeSet<String> = chosen
            .iter()
            .filter(|r| r.placed)
            .map(|r| r.name.clone())
            .collect();
        assert!(!names.is_empty());
        assert_eq!(
            marker_count(&tab),
            names.len(),
            "{page}: markers follow the filters"
        );
        let titles: BTreeSet<String> = marker_titles(&tab)
            .into_iter()
            .map(|t| t.split('（').next().unwrap().to_string())
            .collect();
        assert_eq!(titles, names);
        let unplaced = ids(chosen.iter().copied().filter(|r| !r.placed));
        assert!(unplaced.contains(UNPLACED));
        assert_eq!(unplaced_list(&tab), unplaced, "{page}");
        assert!(
            common::eval_str(&tab, "document.getElementById('finder-nocoords').innerText")
                .contains("地図に表示できない事業所（位置情報なし）")
        );

        // A marker opens a popup linking to the provider's page.
        common::eval(
            &tab,
            "document.querySelector('#finder-map .leaflet-marker-icon').click(); true",
        );
        common::wait_until(
            &tab,
            "document.querySelector('#finder-map .leaflet-popup-content a')",
        );
        let href = common::eval_str(
            &tab,
            "document.querySelector('#finder-map .leaflet-popup-content a').pathname",
        );
        let id = href
            .trim_end_matches('/')
            .rsplit('/')
            .next()
            .unwrap()
            .to_string();
        assert!(
            chosen.iter().any(|r| r.id == id && r.placed),
            "popup links {href}"
        );

        // Widening to every area, then typing, moves the markers and the list with it.
        choose(&tab, "#f-area", "");
        let clinics: Vec<&Rec> = all.iter().filter(|r| r.category == "clinic").collect();
        let placed_clinics = clinics.iter().filter(|r| r.placed).count();
        assert!(placed_clinics > names.len());
        assert_eq!(marker_count(&tab), placed_clinics, "{page}");
        type_query(&tab, "ﾅｲｶ");
        let found = text_matches(&all, "ないか");
        let typed: Vec<&&Rec> = clinics.iter().filter(|r| found.contains(&r.id)).collect();
        assert!(typed.iter().any(|r| r.id == UNPLACED));
        assert_eq!(
            marker_count(&tab),
            typed.iter().filter(|r| r.placed).count(),
            "{page}"
        );
        assert_eq!(
            unplaced_list(&tab),
            ids(typed.iter().map(|r| **r).filter(|r| !r.placed)),
            "{page}"
        );
    }
}

#[test]
fn map_tiles_come_from_the_configured_server_with_its_credit() {
    let b = common::browser(1024);
    let before = tiles().requests.load(Ordering::SeqCst);
    let tab = open(&b, &mapped().base, 1024, "providers/map/");
    common::wait_until(
        &tab,
        "document.querySelectorAll('#finder-map img.leaflet-tile-loaded').length > 0",
    );
    assert!(
        tiles().requests.load(Ordering::SeqCst) > before,
        "tiles were requested from the local server"
    );
    let credit = common::eval_str(
        &tab,
        "document.querySelector('#finder-map .leaflet-control-attribution').innerText",
    );
    assert!(credit.contains("テスト地図"), "{credit}");
    let link = common::eval_str(
        &tab,
        "document.querySelector('#finder-map .leaflet-control-attribution a[href$=\"/credit\"]').textContent",
    );
    assert_eq!(link, "テスト地図");
    // Every request went to the site or the tile server, nowhere else.
    let urls = common::eval_str(
        &tab,
        "JSON.stringify(performance.getEntriesByType('resource').map(e => e.name))",
    );
    let tile_base = format!("http://127.0.0.1:{}/tiles/", tiles().port);
    for u in serde_json::from_str::<Vec<String>>(&urls).unwrap() {
        assert!(
            u.starts_with(&mapped().base) || u.starts_with(&tile_base),
            "requested {u}"
        );
    }
}

#[test]
fn provider_pages_show_a_small_map_only_when_they_have_a_position() {
    let all = sample_providers();
    let placed = all
        .iter()
        .find(|r| r.placed && r.category == "clinic" && r.area == "kita")
        .unwrap();
    let b = common::browser(1024);
    let tab = open(
        &b,
        &mapped().base,
        1024,
        &format!("providers/{}/", placed.id),
    );
    common::wait_until(
        &tab,
        "document.querySelectorAll('#provider-map .leaflet-marker-icon').length === 1",
    );
    let title = common::eval_str(
        &tab,
        "document.querySelector('#provider-map .leaflet-marker-icon').title",
    );
    assert!(title.starts_with(&placed.name), "{title}");
    assert!(
        common::eval_str(&tab, "document.querySelector('main').innerText")
            .contains(&placed.address),
        "address stays"
    );
    let group = common::eval_str(
        &tab,
        "document.querySelector('#provider-map .leaflet-marker-icon').className",
    );
    assert!(group.contains("map-marker-medical"), "{group}");

    let html = std::fs::read_to_string(
        mapped()
            .dir
            .path()
            .join(format!("public/providers/{UNPLACED}/index.html")),
    )
    .unwrap();
    assert!(
        !html.contains("provider-map") && !html.contains("leaflet"),
        "no map without a position"
    );
    let plain_html = std::fs::read_to_string(
        plain()
            .dir
            .path()
            .join(format!("public/providers/{}/index.html", placed.id)),
    )
    .unwrap();
    assert!(!plain_html.contains("provider-map"), "no map without tiles");
}

#[test]
fn finder_and_map_pages_pass_axe() {
    let axe = common::axe_source();
    let b = common::browser(1024);
    let tab = finder(&b, &plain().base, 1024, "?service=houmon-shinryo");
    let v = common::axe_violations(&tab, &axe);
    assert!(v.is_empty(), "finder: {v:?}");
    for page in [
        "providers/map/?category=clinic&area=kita",
        "providers/find/",
    ] {
        let tab = open(&b, &mapped().base, 1024, page);
        common::wait_until(
            &tab,
            "document.querySelectorAll('#finder-map .leaflet-marker-icon').length > 0",
        );
        common::eval(
            &tab,
            "document.querySelector('#finder-map .leaflet-marker-icon').click(); true",
        );
        common::wait_until(&tab, "document.querySelector('.leaflet-popup-content a')");
        let v = common::axe_violations(&tab, &axe);
        assert!(v.is_empty(), "{page}: {v:?}");
    }
    let tab = open(&b, &mapped().base, 1024, "providers/sakuradai-shinryojo/");
    common::wait_until(
        &tab,
        "document.querySelector('#provider-map .leaflet-marker-icon')",
    );
    let v = common::axe_violations(&tab, &axe);
    assert!(v.is_empty(), "provider page: {v:?}");
}
