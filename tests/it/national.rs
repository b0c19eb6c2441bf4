//! Starting a site from the national open data and keeping it current: a new site for
//! 安芸市 made with `tsunagu init` imports the real 医療情報ネット（ナビイ） hospital and
//! clinic files and the whole-country 介護サービス情報公表 files in `tests/realdata/
//! national/` (copied with their sources and licences), keeps only 安芸市's rows, builds, and a second release is synced. The dental
//! and pharmacy layouts are checked on the fixtures in `tests/national/`.

use crate::common;

use std::path::{Path, PathBuf};

use tsunagu::load::Overrides;
use tsunagu::model::Provider;

fn national() -> PathBuf {
    common::root().join("tests/realdata/national")
}

fn fixtures() -> PathBuf {
    common::root().join("tests/national")
}

/// Runs the binary in `site`; returns (exit code, stdout and stderr).
fn run(site: &Path, args: &[&str]) -> (i32, String) {
    let o = common::bin()
        .current_dir(site)
        .args(args)
        .output()
        .expect("run tsunagu");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// The id of the published record named `name`.
fn id_of(site: &Path, name: &str) -> String {
    published(site)
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("{name} is not published"))
        .id
        .to_string()
}

fn page(site: &Path, name: &str) -> String {
    let id = id_of(site, name);
    std::fs::read_to_string(site.join(format!("public/providers/{id}/index.html"))).unwrap()
}

fn import(site: &Path, file: &Path, extra: &[&str]) -> (i32, String) {
    let mut args = vec!["import", file.to_str().unwrap()];
    args.extend(extra);
    run(site, &args)
}

/// A new site for 安芸市 from `tsunagu init`, with a printed guide of every category.
fn aki() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("aki");
    let (code, err) = run(
        dir.path(),
        &[
            "init",
            site.to_str().unwrap(),
            "--name",
            "安芸市",
            "--code",
            "392031",
            "--department",
            "高齢者介護課",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let toml = site.join("site.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    assert!(text.contains("name = \"安芸市\"") && text.contains("code = \"392031\""));
    text.push_str(
        "\n[guides.guide]\ntitle = \"安芸市 介護と医療サポートガイド\"\nedition = \"2026-12-01\"\npage_size = \"A4\"\n\n[[guides.guide.parts]]\neach_category = true\n",
    );
    std::fs::write(&toml, text).unwrap();
    (dir, site)
}

/// Published records of the whole site, by the real loader.
fn published(site: &Path) -> Vec<std::sync::Arc<Provider>> {
    let (s, _) = tsunagu::load::load(site, &Overrides::default()).unwrap();
    s.providers.clone()
}

fn yaml(site: &Path, name: &str) -> String {
    std::fs::read_to_string(site.join("content/providers").join(name)).unwrap()
}

/// The record of `id` as written in its YAML file (up to the next record).
fn record_text<'a>(yaml: &'a str, id: &str) -> &'a str {
    let start = yaml
        .find(&format!("- id: {id}\n"))
        .unwrap_or_else(|| panic!("no {id} in\n{yaml}"));
    let rest = &yaml[start + 2..];
    let end = rest.find("\n- id:").map_or(rest.len(), |i| i + 1);
    &rest[..end]
}

/// A city's own list (自治体標準 医療機関一覧) with the phone numbers 医療情報ネット lacks;
/// names as the city writes them (矢の丸眼科 for 医療法人一丸会矢の丸眼科). Fictional numbers.
const CITY_CSV: &str = "\u{feff}都道府県コード又は市区町村コード,名称,医療機関の種類,所在地_連結表記,電話番号\r\n392031,すぎもと眼科,診療所,高知県安芸市本町2-4-3,0887-00-2222\r\n392031,矢の丸眼科,診療所,安芸市矢ノ丸3丁目2番17号,0887-00-1111\r\n";

const HOSPITAL_PHONE_CSV: &str = "\u{feff}都道府県コード又は市区町村コード,名称,医療機関の種類,所在地_連結表記,電話番号\r\n392031,高知県立あき総合病院,病院,安芸市宝永町3-33,0887-00-3333\r\n";

/// The site after the first import of everything, built into `public/`.
fn imported() -> (tempfile::TempDir, PathBuf, Vec<String>) {
    let (dir, site) = aki();
    let mut logs = Vec::new();
    let city = dir.path().join("iryo_aki.csv");
    std::fs::write(&city, CITY_CSV).unwrap();
    // The city's list first: 医療情報ネット then updates those records and keeps their phones.
    let (code, err) = import(&site, &city, &["--out", "content/providers/clinics.yaml"]);
    assert_eq!(code, 0, "{err}");
    for f in [
        "01-1_hospital_facility_info_aki_sample.csv",
        "02-1_clinic_facility_info_aki_sample.csv",
    ] {
        let (code, err) = import(&site, &national().join(f), &["--as-of", "2026-06-01"]);
        assert_eq!(code, 0, "{f}: {err}");
        logs.push(err);
    }
    // A phone list after: it fills the phone of a record waiting for one.
    let hp = dir.path().join("byoin_denwa.csv");
    std::fs::write(&hp, HOSPITAL_PHONE_CSV).unwrap();
    let (code, err) = import(&site, &hp, &["--out", "content/providers/hospitals.yaml"]);
    assert_eq!(code, 0, "{err}");
    logs.push(err);
    for f in ["jigyosho_140.csv", "jigyosho_160.csv"] {
        let (code, err) = import(&site, &national().join(f), &["--as-of", "2026-06-30"]);
        assert_eq!(code, 0, "{f}: {err}");
        logs.push(err);
    }
    let (code, err) = run(&site, &["build"]);
    assert_eq!(code, 0, "{err}");
    logs.push(err);
    (dir, site, logs)
}

#[test]
fn a_new_site_imports_only_its_own_rows_from_whole_country_files() {
    let (_dir, site, logs) = imported();
    // 介護サービス情報公表: 5,091 and 7,737 rows of the whole country, one and two of 安芸市.
    let kaigo140 = &logs[3];
    assert!(
        kaigo140.contains("ほかの市区町村の行 5090 行は取り込みませんでした"),
        "{kaigo140}"
    );
    assert!(
        logs[4].contains("ほかの市区町村の行 7735 行は取り込みませんでした"),
        "{}",
        logs[4]
    );
    for log in &logs[3..5] {
        assert!(
            !log.contains("error"),
            "another city's row reported:\n{log}"
        );
        assert!(log.contains("取り込めなかった行 0 件"), "{log}");
    }
    let ps = published(&site);
    let of = |cat: &str| ps.iter().filter(|p| p.category == cat).count();
    assert_eq!(of("visiting-rehab"), 1);
    assert_eq!(of("day-care"), 2);
    for p in ps.iter().filter(|p| p.category.starts_with("day-care")) {
        assert!(p.address.contains("安芸市"), "{}", p.address);
        let o = p.origin.expect("a 公表 record remembers its source");
        assert_eq!(o.source, tsunagu::model::DataSource::KaigoKouhyou);
        assert_eq!(o.date.to_string(), "2026-06-30");
        assert_eq!(p.office_code.as_deref().map(str::len), Some(10));
    }
    // 医療情報ネット: 2 hospitals and 7 clinics of 安芸市, IDs kept as 13-digit text.
    let hospitals = yaml(&site, "hospitals.yaml");
    assert!(
        hospitals.contains("national_id: \"3911395200200\""),
        "{hospitals}"
    );
    let clinics = yaml(&site, "clinics.yaml");
    assert_eq!(clinics.matches("national_id: ").count(), 7, "{clinics}");
    // One record per office: the city's two clinics were matched, not added again.
    assert_eq!(clinics.matches("\n- id: ").count(), 7, "{clinics}");
    assert!(
        logs[1].contains("更新 ") && logs[1].contains("診療時間は"),
        "{}",
        logs[1]
    );
}

#[test]
fn records_without_a_phone_are_held_back_and_listed() {
    let (_dir, site, logs) = imported();
    assert!(
        logs[1].contains("電話番号がないため掲載準備中の事業所 5 件"),
        "{}",
        logs[1]
    );
    // Phones came from the city's list (before) and from a phone list (after).
    let ps = published(&site);
    let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    for name in [
        "すぎもと眼科",
        "医療法人一丸会矢の丸眼科",
        "高知県立あき総合病院",
    ] {
        assert!(names.contains(&name), "{name} not published: {names:?}");
    }
    let hp = ps
        .iter()
        .find(|p| p.name == "高知県立あき総合病院")
        .unwrap();
    assert_eq!(hp.phone.as_str(), "0887-00-3333");
    assert_eq!(hp.national_id.as_deref(), Some("3911395200200"));
    // The pending ones: a warning each in check, on no page, list, search or open data.
    let (code, err) = common::check(&site);
    assert_eq!(code, Some(0), "{err}");
    let held = [
        "森澤病院",
        "高知高須病院附属安芸診療所",
        "尾木医院",
        "安芸クリニック",
        "津田クリニック",
        "宇都宮内科",
    ];
    for name in held {
        assert!(
            err.contains(&format!(
                "「{name}」は電話番号がないため、まだ掲載していません（掲載準備中）"
            )),
            "{name}: {err}"
        );
        assert!(!names.contains(&name));
    }
    let out = site.join("public");
    for f in common::files(&out) {
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        // 森澤病院's 訪問リハビリテーション office (公表, with a phone) is published.
        for name in held.iter().filter(|n| **n != "森澤病院") {
            assert!(!text.contains(name), "{name} in {}", f.display());
        }
    }
    // stale: a sheet asks each of them for the phone.
    let (code, err) = run(&site, &["stale", "-o", "kakunin"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("掲載準備中"), "{err}");
    let sheet =
        std::fs::read_to_string(site.join("kakunin/confirm/clinic-3922395204380.html")).unwrap();
    assert!(sheet.contains("津田クリニック"), "{sheet}");
    assert!(sheet.contains("電話番号（代表）"), "{sheet}");
    assert!(sheet.contains("掲載する準備をしています"), "{sheet}");
}

#[test]
fn provider_pages_show_hours_with_lunch_breaks_closed_days_and_departments() {
    let (_dir, site, _) = imported();
    let page = page(&site, "すぎもと眼科");
    let doc = scraper::Html::parse_document(&page);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let rows: Vec<(String, String)> = doc
        .select(&sel("table.hours tbody tr"))
        .map(|tr| {
            let th: String = tr.select(&sel("th")).flat_map(|e| e.text()).collect();
            let td: String = tr.select(&sel("td")).flat_map(|e| e.text()).collect();
            (th, td)
        })
        .collect();
    // すぎもと眼科 (眼科 only): 月 afternoon only, 火水金 with a lunch break, 木 morning only,
    // 土 09:00-12:00 and 13:00-15:00.
    assert_eq!(
        rows,
        vec![
            ("月".into(), "14:30〜18:00".into()),
            ("火・水・金".into(), "9:00〜13:00、14:30〜18:00".into()),
            ("木".into(), "9:00〜13:00".into()),
            ("土".into(), "9:00〜12:00、13:00〜15:00".into()),
        ],
        "{page}"
    );
    let closed: String = doc
        .select(&sel(".closed-days"))
        .flat_map(|e| e.text())
        .collect::<Vec<_>>()
        .join("|");
    assert_eq!(
        closed,
        "休み: 日曜、祝日|月曜午前・木曜午後・年末年始（12月29日から1月3日）・お盆"
    );
    let depts: String = doc
        .select(&sel(".departments"))
        .flat_map(|e| e.text())
        .collect();
    assert_eq!(depts, "眼科");
    // The hospital: 00:00-00:00 placeholders are no session; many departments merged.
    let hp =
        std::fs::read_to_string(site.join("public/providers/hospital-3911395200200/index.html"))
            .unwrap();
    assert!(!hp.contains("0:00〜0:00"), "{hp}");
    assert!(hp.contains("土曜・日曜、祝日"), "{hp}");
    assert!(hp.contains("内科・血液内科・呼吸器内科"), "{hp}");
    // The 13-digit ID kept as text, and coordinates 0.0 read as none.
    let clinics = yaml(&site, "clinics.yaml");
    let aki_clinic = record_text(&clinics, "clinic-3922395204250");
    assert!(!aki_clinic.contains("lat:"), "{aki_clinic}");
    // 津田クリニック is open on the 3rd Saturday only.
    let tsuda = record_text(&clinics, "clinic-3922395204380");
    assert!(tsuda.contains("第1・2・4・5土曜"), "{tsuda}");
    // Department page and print guide carry 診療科目.
    let guide = std::fs::read_to_string(site.join("public/guide/guide/print/index.html")).unwrap();
    assert!(guide.contains("診療科目: 眼科"), "no 診療科目 in the guide");
}

#[test]
fn the_licences_credit_lines_are_on_the_site_the_open_data_page_and_the_guide() {
    let (_dir, site, _) = imported();
    let navi = "「医療情報ネットのオープンデータ」（厚生労働省）を加工して作成（加工：安芸市高齢者介護課）";
    let kouhyou = "出典：厚生労働省「介護サービス情報公表システム」オープンデータ（CC BY 4.0）";
    for page in [
        "index.html",
        "opendata/index.html",
        "guide/guide/print/index.html",
    ] {
        let text = std::fs::read_to_string(site.join("public").join(page)).unwrap();
        assert!(text.contains(navi), "{page}: no ナビイ credit");
        assert!(text.contains(kouhyou), "{page}: no 公表 credit");
        assert!(text.contains("2026年6月1日時点"), "{page}: no release date");
    }
    let page = page(&site, "すぎもと眼科");
    assert!(
        page.contains("「医療情報ネット（ナビイ）」のオープンデータ"),
        "{page}"
    );
}

#[test]
fn a_later_release_updates_fields_keeps_the_citys_own_and_marks_offices_gone() {
    let (dir, site, _) = imported();
    // The city's own answers on a record: kept through the sync.
    let path = site.join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&path).unwrap().replace(
        "  name: 医療法人一丸会矢の丸眼科\n",
        "  name: 医療法人一丸会矢の丸眼科\n  own_fields: [url]\n",
    );
    let text = text.replace(
        "  national_id: \"3922395204960\"\n",
        "  national_id: \"3922395204960\"\n  url: https://yanomaru.example.jp/\n  services: [houmon-shinryo]\n",
    );
    // 宇都宮内科 gets its phone from staff, so it is published when it goes missing.
    let text = text.replace(
        "  name: 宇都宮内科\n",
        "  name: 宇都宮内科\n  phone: 0887-00-4444\n",
    );
    std::fs::write(&path, text).unwrap();
    let (code, err) = run(&site, &["build"]);
    assert_eq!(code, 0, "{err}");
    // Release 2026-12-01: すぎもと眼科 opens at 9:30 on 火 and has a new site, 矢の丸眼科
    // has a URL in the national data, 宇都宮内科 is gone.
    let rel = dir.path().join("release");
    std::fs::create_dir_all(&rel).unwrap();
    let fac = std::fs::read_to_string(national().join("02-1_clinic_facility_info_aki_sample.csv"))
        .unwrap();
    let fac: String = fac
        .split_inclusive("\r\n")
        .filter(|l| !l.contains("宇都宮内科"))
        .collect::<String>()
        .replace("https://www.sugimoto-ganka.jp", "https://sugimoto.example.jp")
        .replace(
            "\"高知県安芸市矢ノ丸３－２－１７\",33.503615,133.907405,\"\"",
            "\"高知県安芸市矢ノ丸３－２－１７\",33.503615,133.907405,\"https://national.example.jp/\"",
        );
    assert!(
        fac.contains("national.example.jp"),
        "the fixture edit did not apply"
    );
    std::fs::write(rel.join("02-1_clinic_facility_info_20261201.csv"), &fac).unwrap();
    let hours =
        std::fs::read_to_string(national().join("02-2_clinic_speciality_hours_aki_sample.csv"))
            .unwrap()
            .replacen(
                "\"3922395201060\",\"05001\",\"眼科\",\"1\",\"\",\"\",\"09:00\"",
                "\"3922395201060\",\"05001\",\"眼科\",\"1\",\"\",\"\",\"09:30\"",
                1,
            );
    std::fs::write(rel.join("02-2_clinic_speciality_hours_20261201.csv"), hours).unwrap();
    let file = rel.join("02-1_clinic_facility_info_20261201.csv");

    // --dry-run shows everything and writes nothing.
    let before = std::fs::read(&path).unwrap();
    let (code, dry) = import(&site, &file, &["--dry-run"]);
    assert_eq!(code, 0, "{dry}");
    assert_eq!(std::fs::read(&path).unwrap(), before, "--dry-run wrote");
    let (code, err) = import(&site, &file, &[]);
    assert_eq!(code, 0, "{err}");
    let sugimoto_id = id_of(&site, "すぎもと眼科");
    let yanomaru_id = id_of(&site, "医療法人一丸会矢の丸眼科");
    for out in [&dry, &err] {
        assert!(out.contains(&format!("更新 {sugimoto_id}")), "{out}");
        assert!(
            out.contains("url: https://www.sugimoto-ganka.jp → https://sugimoto.example.jp"),
            "{out}"
        );
        assert!(out.contains("hours: "), "{out}");
        assert!(
            out.contains("国のデータから消えました（廃止・休止の可能性） 1 件"),
            "{out}"
        );
        assert!(out.contains("宇都宮内科（clinic-3922395204700）"), "{out}");
    }
    let clinics = yaml(&site, "clinics.yaml");
    let gone = record_text(&clinics, "clinic-3922395204700");
    assert!(gone.contains("missing_since: 2026-12-01"), "{gone}");
    let yanomaru = record_text(&clinics, &yanomaru_id);
    assert!(
        yanomaru.contains("url: https://yanomaru.example.jp/"),
        "own field overwritten: {yanomaru}"
    );
    assert!(
        yanomaru.contains("services: [houmon-shinryo]"),
        "{yanomaru}"
    );
    assert!(yanomaru.contains("0887-00-1111"), "{yanomaru}");
    assert!(yanomaru.contains("source_date: 2026-12-01"), "{yanomaru}");
    let sugimoto = record_text(&clinics, &sugimoto_id);
    assert!(sugimoto.contains("open: \"09:30\""), "{sugimoto}");
    assert!(sugimoto.contains("0887-00-2222"), "{sugimoto}");
    // stale lists the office as gone, and its sheet asks.
    let (code, err) = run(&site, &["stale", "-o", "kakunin"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("国のデータから消えました"), "{err}");
    let sheet =
        std::fs::read_to_string(site.join("kakunin/confirm/clinic-3922395204700.html")).unwrap();
    assert!(
        sheet.contains("国の公表データ（2026年12月1日時点）に貴事業所が見つかりませんでした"),
        "{sheet}"
    );
    // The change report of the next build names the office and the mark.
    let (code, out) = run(&site, &["diff"]);
    assert_eq!(code, 0, "{out}");
    let at = out.find("宇都宮内科").unwrap_or_else(|| panic!("{out}"));
    assert!(
        out[at..].contains("国のデータ")
            && out[at..].contains("2026年12月1日時点のデータにありません"),
        "{out}"
    );
    // Back in the next release: the mark goes.
    let again = rel.join("02-1_clinic_facility_info_20270601.csv");
    std::fs::copy(
        national().join("02-1_clinic_facility_info_aki_sample.csv"),
        &again,
    )
    .unwrap();
    std::fs::copy(
        national().join("02-2_clinic_speciality_hours_aki_sample.csv"),
        rel.join("02-2_clinic_speciality_hours_20270601.csv"),
    )
    .unwrap();
    let (code, err) = import(&site, &again, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("国のデータに戻りました clinic-3922395204700"),
        "{err}"
    );
    assert!(!yaml(&site, "clinics.yaml").contains("missing_since"));
}

#[test]
fn the_same_files_import_to_the_same_bytes() {
    let a = imported();
    let b = imported();
    for f in ["clinics.yaml", "hospitals.yaml", "jigyosho_160.yaml"] {
        assert_eq!(yaml(&a.1, f), yaml(&b.1, f), "{f} differs");
    }
}

#[test]
fn stale_asks_medical_offices_for_the_home_care_items_the_national_data_lacks() {
    let (_dir, site, logs) = imported();
    assert!(
        logs[1].contains("訪問診療・往診・看取り・在宅療養支援診療所 の項目がありません"),
        "{}",
        logs[1]
    );
    let (code, err) = run(&site, &["stale", "-o", "kakunin"]);
    assert_eq!(code, 0, "{err}");
    let id = id_of(&site, "すぎもと眼科");
    let sheet = std::fs::read_to_string(site.join(format!("kakunin/confirm/{id}.html"))).unwrap();
    for q in ["訪問診療", "往診", "看取り", "対応している"] {
        assert!(sheet.contains(q), "{q} not asked:\n{sheet}");
    }
    // Care offices from 公表 are not asked about 訪問診療.
    let care = common::files(&site.join("kakunin/confirm"))
        .into_iter()
        .filter(|f| f.to_string_lossy().contains("day-care"))
        .count();
    assert_eq!(care, 0);
}

#[test]
fn dental_and_pharmacy_layouts_import_with_their_flags_and_hours() {
    let (_dir, site) = aki();
    let (code, err) = import(
        &site,
        &fixtures().join("03-1_dental_facility_info_20261201.csv"),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ほかの市区町村の行 2 行は取り込みませんでした"),
        "{err}"
    );
    // 月 15:30-15:00 is a slip, reported at its line of the hours file.
    let at = "03-2_dental_speciality_hours_20261201.csv:20:1";
    let i = err.find("15:30〜15:00 は終了が開始より前です").expect(&err);
    assert!(err[i..].find(at).is_some_and(|j| j < 400), "{at}: {err}");
    assert!(
        err.contains("施設のファイルにない ID「3933395299999」"),
        "{err}"
    );
    let dental = yaml(&site, "dental.yaml");
    let takasaki = record_text(&dental, "dental-3933395200010");
    for want in [
        "name: 医療法人 髙﨑会 髙﨑歯科医院",
        "url: https://www.takasaki-dental.example.jp",
        "closed_days: \"木曜・日曜、祝日、第2・4土曜\\n12月29日～1月3日\\nお盆（8月13日～15日）\"",
        "departments: [歯科, 小児歯科]",
        "- days: [mon, tue, wed, fri, sat]\n      open: \"09:00\"\n      close: \"12:30\"",
        "- days: [mon, tue, wed, fri]\n      open: \"14:00\"\n      close: \"18:00\"",
    ] {
        assert!(takasaki.contains(want), "{want}:\n{takasaki}");
    }
    let villa = record_text(&dental, "dental-3933395200020");
    assert!(!villa.contains("lat:"), "0.0 is no coordinate: {villa}");
    assert!(
        villa.contains("closed_days: 日曜\n"),
        "open on holidays: {villa}"
    );
    assert!(villa.contains("- days: [hol]"), "{villa}");
    assert!(
        !villa.contains("\"00:00\""),
        "placeholder read as hours: {villa}"
    );
    let oka = record_text(&dental, "dental-3933395200030");
    assert!(oka.contains("- days: [tue, wed, thu, fri]"), "{oka}");
    assert!(
        !oka.contains("closed_days"),
        "unfilled flags say nothing: {oka}"
    );

    let (code, err) = import(&site, &fixtures().join("05_pharmacy_20261201.csv"), &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("ほかの市区町村の行 1 行は取り込みませんでした"),
        "{err}"
    );
    let ph = yaml(&site, "pharmacies.yaml");
    let minato = record_text(&ph, "pharmacy-3955395000101");
    assert!(
        minato.contains("closed_days: \"日曜、祝日、第2土曜\\n12月30日～1月3日\\n8月15日\""),
        "{minato}"
    );
    let night = record_text(&ph, "pharmacy-3955395000102");
    assert!(
        night.contains(
            "- days: [mon, tue, wed, thu, fri, sat, sun, hol]\n      open: \"20:00\"\n      close: \"08:00\""
        ),
        "overnight range: {night}"
    );
    let kami = record_text(&ph, "pharmacy-3955395000103");
    for want in [
        "- days: [tue, wed, fri]\n      open: \"09:00\"\n      close: \"18:00\"",
        "- days: [mon, thu]\n      open: \"09:00\"\n      close: \"17:00\"",
        "- days: [sat]\n      open: \"09:00\"\n      close: \"12:00\"",
    ] {
        assert!(kami.contains(want), "{want}:\n{kami}");
    }
    // The overnight pharmacy on its page: 20:00 to 8:00 the next morning.
    std::fs::write(
        site.join("content/providers/pharmacies.yaml"),
        ph.replace(
            "  name: 夜間休日ヴィータ薬局\n",
            "  name: 夜間休日ヴィータ薬局\n  phone: 050-0000-0000\n",
        ),
    )
    .unwrap();
    let (code, err) = run(&site, &["build"]);
    assert_eq!(code, 0, "{err}");
    let page =
        std::fs::read_to_string(site.join("public/providers/pharmacy-3955395000102/index.html"))
            .unwrap();
    assert!(page.contains("20:00〜翌8:00"), "{page}");
}

#[test]
fn another_municipality_can_be_named_on_the_command_line() {
    let (_dir, site) = aki();
    let (code, err) = import(
        &site,
        &fixtures().join("03-1_dental_facility_info_20261201.csv"),
        &["--municipality", "392014", "--dry-run"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("追加 2 件"), "{err}");
    assert!(err.contains("ほかの市区町村の行 3 行"), "{err}");
    assert!(err.contains("392014 の行です"), "{err}");
    let (code, err) = import(
        &site,
        &fixtures().join("03-1_dental_facility_info_20261201.csv"),
        &["--municipality", "392015"],
    );
    assert_ne!(code, 0, "a code with a wrong check digit: {err}");
    assert!(err.contains("392015"), "{err}");
}

#[test]
fn bad_national_files_are_reported_and_the_rest_imported() {
    let (dir, site) = aki();
    // The hours file alone.
    let (code, err) = import(
        &site,
        &national().join("02-2_clinic_speciality_hours_aki_sample.csv"),
        &[],
    );
    assert_ne!(code, 0);
    assert!(err.contains("施設のファイルを指定してください"), "{err}");
    // A facility file without its hours file beside it.
    let alone = dir.path().join("alone");
    std::fs::create_dir_all(&alone).unwrap();
    let fac = alone.join("02-1_clinic_facility_info_20260601.csv");
    std::fs::copy(
        national().join("02-1_clinic_facility_info_aki_sample.csv"),
        &fac,
    )
    .unwrap();
    let (code, err) = import(&site, &fac, &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("診療科・診療時間のファイルが見つかりません"),
        "{err}"
    );
    assert!(err.contains("追加 7 件"), "{err}");
    // A truncated file: the cut row is reported at its line, the rows before imported.
    let text = std::fs::read_to_string(&fac).unwrap();
    let cut = &text[..text.len() - 200];
    let lines = cut.matches('\n').count() + 1;
    std::fs::write(&fac, cut).unwrap();
    let (code, err) = import(&site, &fac, &["--dry-run"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!("02-1_clinic_facility_info_20260601.csv:{lines}:1")),
        "{err}"
    );
    assert!(err.contains("列の数が1行目と違います"), "{err}");
    assert!(err.contains("追加 6 件"), "{err}");
    // Another layout altogether.
    let other = dir.path().join("other.csv");
    std::fs::write(&other, "\u{feff}ID,名前,色\r\n1,あ,赤\r\n").unwrap();
    let (code, err) = import(&site, &other, &[]);
    assert_ne!(code, 0);
    assert!(err.contains("形式がわかりません"), "{err}");
    // No date in the name and no --as-of.
    let (code, err) = import(
        &site,
        &national().join("01-1_hospital_facility_info_aki_sample.csv"),
        &[],
    );
    assert_ne!(code, 0);
    assert!(err.contains("--as-of"), "{err}");
}

#[test]
fn published_zip_files_are_read_as_they_are() {
    let (dir, site) = aki();
    let zips = dir.path().join("zips");
    std::fs::create_dir_all(&zips).unwrap();
    for (src, name) in [
        (
            "02-1_clinic_facility_info_aki_sample.csv",
            "02-1_clinic_facility_info_20260601",
        ),
        (
            "02-2_clinic_speciality_hours_aki_sample.csv",
            "02-2_clinic_speciality_hours_20260601",
        ),
    ] {
        let file = std::fs::File::create(zips.join(format!("{name}.zip"))).unwrap();
        let mut z = zip::ZipWriter::new(file);
        z.start_file(
            format!("{name}.csv"),
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut z, &std::fs::read(national().join(src)).unwrap()).unwrap();
        z.finish().unwrap();
    }
    let (code, err) = import(
        &site,
        &zips.join("02-1_clinic_facility_info_20260601.zip"),
        &[],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("02-2_clinic_speciality_hours_20260601.zip から読みました"),
        "{err}"
    );
    assert!(err.contains("2026-06-01 時点"), "{err}");
    assert!(yaml(&site, "clinics.yaml").contains("departments: [眼科]"));
}

/// A later release whose ZIP is damaged (a download cut short, a bad disk): the import
/// says so, and no office is taken for gone because the rows after the damage were lost.
#[test]
fn a_damaged_zip_is_an_error_and_marks_no_office_as_gone() {
    let (dir, site) = aki();
    let facility = national().join("02-1_clinic_facility_info_aki_sample.csv");
    let (code, err) = import(&site, &facility, &["--as-of", "2026-06-01"]);
    assert_eq!(code, 0, "{err}");
    let before = yaml(&site, "clinics.yaml");
    assert!(!before.contains("missing_since"));
    let zip_path = dir.path().join("02-1_clinic_facility_info_20261201.zip");
    let mut z = zip::ZipWriter::new(std::fs::File::create(&zip_path).unwrap());
    z.start_file(
        "02-1_clinic_facility_info_20261201.csv",
        zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated),
    )
    .unwrap();
    std::io::Write::write_all(&mut z, &std::fs::read(&facility).unwrap()).unwrap();
    z.finish().unwrap();
    // Damage the compressed data near its end, after the header line.
    let mut bytes = std::fs::read(&zip_path).unwrap();
    let at = bytes.len() - 600;
    for b in &mut bytes[at..at + 40] {
        *b ^= 0x5a;
    }
    std::fs::write(&zip_path, bytes).unwrap();
    let (code, err) = import(&site, &zip_path, &[]);
    assert_ne!(
        code, 0,
        "a damaged file must not pass as a good one:\n{err}"
    );
    // Inflated garbage stops the CSV, or the checksum at the end fails: either way it is
    // an error, the rows before it are kept, and nothing is taken for closed.
    assert!(
        err.contains("壊れています") || err.contains("ここから先を CSV として読めません"),
        "{err}"
    );
    assert!(
        err.contains("なくなった事業所の確認はしていません"),
        "{err}"
    );
    let after = yaml(&site, "clinics.yaml");
    assert!(!after.contains("missing_since"), "{after}");
    assert_eq!(
        after.matches("\n- id:").count() + usize::from(after.starts_with("- id:")),
        before.matches("\n- id:").count() + usize::from(before.starts_with("- id:")),
        "every office is still there"
    );
}

#[test]
fn a_department_typed_in_the_finder_finds_the_clinics_that_have_it() {
    let (_dir, site, _) = imported();
    let served = common::serve_site(&site, &[]);
    let browser = common::browser(1024);
    let tab = common::tab(&browser);
    common::goto(&tab, &format!("{}providers/find/?q=眼科", served.base));
    common::wait_until(
        &tab,
        "document.querySelectorAll('#finder-results .card-title a').length > 0",
    );
    let names = common::eval(
        &tab,
        "JSON.stringify([...document.querySelectorAll('#finder-results .card-title a')].map(a => a.textContent).sort())",
    );
    // 眼科 is a department of two clinics and of the hospital; no name says it but two.
    assert_eq!(
        names.as_str().unwrap(),
        r#"["すぎもと眼科","医療法人一丸会矢の丸眼科","高知県立あき総合病院"]"#
    );
}

/// Every service type of 安芸市's real 公表 rows (27 service files) has a category on a
/// site made by `init` alone: none is refused, each lands where residents look for it, and
/// one office with two services of one category is one record.
#[test]
fn every_service_type_of_the_real_city_has_a_category_from_init() {
    let (_dir, site) = aki();
    let file = national().join("jigyosho_aki_392031_all_services.csv");
    let (code, out) = import(&site, &file, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("取り込めなかった行 0 件"), "{out}");
    // 「133.908557500000030」 is written with 7 decimals at most.
    let yaml = std::fs::read_to_string(
        site.join("content/providers/jigyosho_aki_392031_all_services.yaml"),
    )
    .unwrap();
    assert!(yaml.contains("lon: 133.9085575\n"), "{yaml}");
    for line in yaml
        .lines()
        .filter(|l| l.contains("lat: ") || l.contains("lon: "))
    {
        let decimals = line.rsplit_once('.').map_or(0, |(_, d)| d.len());
        assert!(decimals <= 7, "{line}");
    }
    let mut got: Vec<String> = published(&site)
        .iter()
        .map(|p| p.category.to_string())
        .collect();
    got.sort();
    // 福祉用具貸与 and 特定福祉用具販売 of one office are one record of 福祉用具; 認知症対応型
    // 通所介護 is a day service; 特定施設（軽費老人ホーム） is found by its type's prefix.
    assert_eq!(
        got,
        [
            "day-care",
            "day-care",
            "day-service",
            "equipment",
            "small-multi",
            "specified-facility",
            "visiting-rehab"
        ]
    );
}
