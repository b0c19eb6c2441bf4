//! `tsunagu import` on real files: every layout in every encoding cities save in, bad
//! rows, re-import into edited records, the round trip through `/opendata/`, and the
//! real municipal files in `tests/realdata/` (with their sources and licences).

use crate::common;

use std::path::{Path, PathBuf};

use tsunagu::load::Overrides;
use tsunagu::model::Provider;

fn sample_site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    dir
}

/// An empty copy of the sample site: its site.toml and pages, no provider records.
fn empty_site() -> tempfile::TempDir {
    let dir = sample_site();
    for f in common::files(&dir.path().join("content/providers")) {
        std::fs::remove_file(f).unwrap();
    }
    dir
}

fn import(site: &Path, csv: &Path, extra: &[&str]) -> (i32, String) {
    let o = common::bin()
        .arg("import")
        .arg("--root")
        .arg(site)
        .arg(csv)
        .args(extra)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The records of one provider file, read by the real loader; panics on any error.
fn records(site: &Path, rel: &str) -> Vec<Provider> {
    let config = tsunagu::load::config::load(site, &Overrides::default()).unwrap();
    let text = std::fs::read_to_string(site.join(rel)).unwrap();
    let (p, d) = tsunagu::load::providers::load_text(Path::new(rel), &text, &config);
    assert!(!d.has_errors(), "{rel} does not load: {d:?}\n{text}");
    p
}

fn by_name<'a>(ps: &'a [Provider], name: &str) -> &'a Provider {
    ps.iter().find(|p| p.name == name).unwrap_or_else(|| {
        panic!(
            "no record named {name}: {:?}",
            ps.iter().map(|p| &p.name).collect::<Vec<_>>()
        )
    })
}

#[derive(Clone, Copy, Debug)]
enum Enc {
    Utf8,
    Utf8Bom,
    Utf16,
    ShiftJis,
}

const ENCODINGS: [Enc; 4] = [Enc::Utf8, Enc::Utf8Bom, Enc::Utf16, Enc::ShiftJis];

fn write_csv(dir: &Path, name: &str, text: &str, enc: Enc) -> PathBuf {
    let text = text.replace('\n', "\r\n");
    let bytes = match enc {
        Enc::Utf8 => text.into_bytes(),
        Enc::Utf8Bom => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        Enc::Utf16 => [0xFF, 0xFE]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
            .collect(),
        Enc::ShiftJis => {
            let (b, _, bad) = encoding_rs::SHIFT_JIS.encode(&text);
            assert!(!bad, "fixture not representable in Shift_JIS");
            b.into_owned()
        }
    };
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

// Fixtures written the way city staff fill them in: full-width digits, half-width
// katakana, 和暦, a quoted note over two lines, and the NEC/IBM characters 髙 and 﨑.
const IRYO_V1: &str = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,名称,名称_カナ,医療機関の種類,住所,方書,緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,医療機関コード,診療曜日,診療開始時間,診療終了時間,診療日時特記事項,時間外における対応,診療科目,病床数,URL,備考
992011,1,架空県,みどり市,髙﨑内科クリニック,ﾀｶｻｷﾅｲｶｸﾘﾆｯｸ,無床診療所,みどり市北山町１丁目２番３号,北山ビル２階,36.0801,139.5402,０９９０－５５－１２３４,,0990-55-1235,,医療法人社団髙﨑会,0199001,月～金,9:00,17:00,第2土曜は午前のみ,往診します,内科;小児科,,https://example.jp/takasaki/,\"駐車場は3台です。
車いすで入れます。\"
992011,2,架空県,みどり市,みどり南浜病院,ミドリミナミハマビョウイン,病院,みどり市南浜町５番１号,,36.0401,139.5501,(0990)56-7000,,,,,0199002,月火水木金土,8:30,12:00,,,内科,120,,
";

const IRYO_SEISHIKI: &str = "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,名称_英語,医療機関の種類,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等（方書）,緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,医療機関コード,診療曜日,診療開始時間,診療終了時間,診療日時特記事項,時間外における対応,診療科目,病床数,URL,備考,郵便番号
992011,101,みどり市,髙﨑内科クリニック,タカサキナイカクリニック,,無床診療所,992011,,みどり市北山町1丁目2番3号,架空県,みどり市,北山町,1丁目2番3号,北山ビル2階,36.0801,139.5402,0990-55-1234,,,,,0199001,平日,9時,17時,,,,,,,〒999－0201
992011,102,みどり市,みどり南浜病院,みどりみなみはまびょういん,,病院,992011,,みどり市南浜町5番1号,架空県,みどり市,南浜町,5番1号,,36.0401,139.5501,0990-56-7000,,,,,0199002,月～土,0.354166667,0.5,,,,,,,
";

const KAIGO_V1: &str = "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,介護サービス事業所名称,介護サービス事業所名称_カナ,実施サービス,住所,方書,緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,備考
992011,1,架空県,みどり市,髙﨑ケアセンター,タカサキケアセンター,訪問介護;通所介護,みどり市東原町３番４号,,36.0701,139.5801,0990-57-1000,,,,社会福祉法人髙﨑福祉会,0970199001,月～土,年末年始は休み,30,,
";

const KAIGO_SEISHIKI: &str = "全国地方公共団体コード,ID,地方公共団体名,介護サービス事業所名称,介護サービス事業所名称_カナ,実施サービス,所在地_全国地方公共団体コード,町字ID,所在地_連結表記,所在地_都道府県,所在地_市区町村,所在地_町字,所在地_番地以下,建物名等(方書),緯度,経度,電話番号,内線番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,備考
992011,201,みどり市,髙﨑ケアセンター,ﾀｶｻｷｹｱｾﾝﾀｰ,居宅介護支援,992011,,みどり市東原町3番4号,架空県,みどり市,東原町,3番4号,,,,0990-57-1000,,,,,0970199001,平日,,,,
";

const KOUHYOU_HEADER: &str = "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,サービスの種類,住所,方書（ビル名等）,緯度,経度,電話番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,利用可能曜日特記事項,定員,URL,高齢者の方と障害者の方が同時一体的に利用できるサービス,介護保険の通常の指定基準を満たしている,障害福祉の通常の指定基準を満たしている,備考";

fn kouhyou(service: &str, phone: &str) -> String {
    format!(
        "{KOUHYOU_HEADER}\n992011,001,架空県,みどり市,髙﨑ケアセンター,タカサキケアセンター,{service},架空県みどり市東原町3番4号,,36.0701,139.5801,{phone},0990-57-1001,1234567890123,社会福祉法人髙﨑福祉会,09A0199001,平日,,0,info@example.jp,,,,\n"
    )
}

#[test]
fn every_layout_in_every_encoding() {
    let cases: Vec<(&str, String, &str)> = vec![
        ("iryo-v1", IRYO_V1.to_string(), "iryo"),
        ("iryo-seishiki", IRYO_SEISHIKI.to_string(), "iryo"),
        ("kaigo-v1", KAIGO_V1.to_string(), "kaigo"),
        ("kaigo-seishiki", KAIGO_SEISHIKI.to_string(), "kaigo"),
        ("kouhyou", kouhyou("訪問介護", "0990-57-1000"), "kouhyou"),
    ];
    let site = empty_site();
    for (name, text, format) in &cases {
        for enc in ENCODINGS {
            let csv = write_csv(site.path(), &format!("{name}-{enc:?}.csv"), text, enc);
            let out = format!("content/providers/{name}-{enc:?}.yaml").to_lowercase();
            // Detected from the header, and given by name: both must work.
            for fmt in [None, Some(*format)] {
                // Each run starts from no records: an import updates a record wherever it
                // is, and the same offices were imported by the run before.
                for f in common::files(&site.path().join("content/providers")) {
                    std::fs::remove_file(f).unwrap();
                }
                let mut args = vec!["--out", out.as_str()];
                if let Some(f) = fmt {
                    args.extend(["--format", f]);
                }
                let (code, err) = import(site.path(), &csv, &args);
                assert_eq!(code, 0, "{name} {enc:?} {fmt:?}: {err}");
                let want_enc = match enc {
                    Enc::Utf8 => "、UTF-8、",
                    Enc::Utf8Bom => "UTF-8（BOM付き）",
                    Enc::Utf16 => "UTF-16",
                    Enc::ShiftJis => "Shift_JIS",
                };
                assert!(err.contains(want_enc), "{name} {enc:?}: {err}");
                let ps = records(site.path(), &out);
                let p = by_name(
                    &ps,
                    if name.starts_with("iryo") {
                        "髙﨑内科クリニック"
                    } else {
                        "髙﨑ケアセンター"
                    },
                );
                assert!(
                    p.kana.as_str().starts_with("たかさき"),
                    "{name} {enc:?}: {:?}",
                    p.kana
                );
                if name.starts_with("iryo") {
                    assert_eq!(p.category, "clinic");
                    assert_eq!(p.area, "kita", "北山町 is in 北部圏域");
                    assert_eq!(p.phone.as_str(), "0990-55-1234");
                    assert_eq!(p.address, "みどり市北山町1丁目2番3号 北山ビル2階");
                    assert_eq!(p.office_code.as_deref(), Some("0199001"));
                    assert_eq!(p.hours.len(), 1, "{name}: {:?}", p.hours);
                    assert_eq!(
                        (p.hours[0].open.to_string(), p.hours[0].close.to_string()),
                        ("09:00".to_string(), "17:00".to_string())
                    );
                    assert_eq!(p.hours[0].days.len(), 5);
                    let hospital = by_name(&ps, "みどり南浜病院");
                    assert_eq!(
                        (hospital.category.as_str(), hospital.area.as_str()),
                        ("hospital", "minami")
                    );
                    assert_eq!(hospital.phone.as_str(), "0990-56-7000");
                    assert_eq!(hospital.hours[0].open.to_string(), "08:30");
                    assert_eq!(hospital.hours[0].days.len(), 6);
                } else {
                    assert_eq!(p.area, "higashi");
                    assert_eq!(p.phone.as_str(), "0990-57-1000");
                }
                if *name == "iryo-v1" {
                    assert_eq!(p.fax.as_ref().map(|f| f.as_str()), Some("0990-55-1235"));
                    assert_eq!(
                        p.notes.as_deref(),
                        Some("駐車場は3台です。\n車いすで入れます。")
                    );
                    let note = p.hours_note.as_deref().unwrap_or_default();
                    assert!(
                        note.contains("第2土曜は午前のみ") && note.contains("往診します"),
                        "{note}"
                    );
                    assert_eq!(p.url.as_deref(), Some("https://example.jp/takasaki/"));
                    assert_eq!(p.corporation.as_deref(), Some("医療法人社団髙﨑会"));
                }
                if *name == "iryo-seishiki" {
                    assert_eq!(p.postal_code, "999-0201");
                }
                if *name == "kaigo-v1" {
                    // One row, two services: one record per category.
                    let cats: Vec<&str> = ps.iter().map(|p| p.category.as_str()).collect();
                    assert_eq!(cats.len(), 2, "{cats:?}");
                    assert!(cats.contains(&"home-help") && cats.contains(&"day-service"));
                }
                if *name == "kouhyou" {
                    assert_eq!(p.category, "home-help");
                    assert_eq!(p.office_code.as_deref(), Some("09A0199001"));
                    assert_eq!(
                        p.email.as_deref(),
                        Some("info@example.jp"),
                        "an e-mail in the URL column"
                    );
                    assert!(p.hours_note.as_deref().unwrap_or_default().contains("平日"));
                }
            }
        }
    }
}

#[test]
fn an_excel_unicode_text_file_is_tab_separated_utf16() {
    let site = empty_site();
    let csv = write_csv(
        site.path(),
        "tab.txt",
        &IRYO_SEISHIKI.replace(',', "\t"),
        Enc::Utf16,
    );
    let (code, err) = import(site.path(), &csv, &["--out", "content/providers/tab.yaml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(records(site.path(), "content/providers/tab.yaml").len(), 2);
}

#[test]
fn the_same_office_in_two_service_files_becomes_one_record_per_category() {
    let site = empty_site();
    let out = "content/providers/kouhyou.yaml";
    let home = write_csv(
        site.path(),
        "jigyosho_110.csv",
        &kouhyou("訪問介護", "0990-57-1000"),
        Enc::Utf8Bom,
    );
    let day = write_csv(
        site.path(),
        "jigyosho_150.csv",
        &kouhyou("通所介護", "0990-57-1000"),
        Enc::Utf8Bom,
    );
    assert_eq!(import(site.path(), &home, &["--out", out]).0, 0);
    assert_eq!(import(site.path(), &day, &["--out", out]).0, 0);
    let ps = records(site.path(), out);
    assert_eq!(ps.len(), 2);
    assert!(
        ps.iter()
            .all(|p| p.office_code.as_deref() == Some("09A0199001"))
    );
    // The next half-year's file for 訪問介護 updates that record only.
    let home2 = write_csv(
        site.path(),
        "jigyosho_110b.csv",
        &kouhyou("訪問介護", "0990-57-2000"),
        Enc::Utf8Bom,
    );
    let (code, err) = import(site.path(), &home2, &["--out", out]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0990-57-1000 → 0990-57-2000"), "{err}");
    assert!(
        err.contains("追加 0 件、更新 1 件、変更なし 0 件、CSV にない記録 1 件"),
        "{err}"
    );
    let ps = records(site.path(), out);
    let phones: Vec<(&str, &str)> = ps
        .iter()
        .map(|p| (p.category.as_str(), p.phone.as_str()))
        .collect();
    assert!(
        phones.contains(&("home-help", "0990-57-2000"))
            && phones.contains(&("day-service", "0990-57-1000")),
        "{phones:?}"
    );
}

#[test]
fn bad_rows_are_reported_with_their_line_and_the_rest_is_imported() {
    let site = empty_site();
    let text = "名称,名称_カナ,医療機関の種類,住所,電話番号,緯度,経度
よい診療所,ヨイシンリョウジョ,診療所,みどり市本町1番1号,0990-10-0001,36.06,139.55
,ナシ,診療所,みどり市本町1番2号,0990-10-0002,,
電話なし診療所,デンワナシ,診療所,みどり市本町1番3号,,,
電話ちがい診療所,デンワチガイ,診療所,みどり市本町1番4号,1234,,
種類ちがい施設,シュルイチガイ,動物病院,みどり市本町1番5号,0990-10-0005,,
圏域なし診療所,ケンイキナシ,診療所,となり町1番6号,0990-10-0006,,
列ずれ診療所,レツズレ,診療所,みどり市本町1番7号
\"改行
入り診療所\",カイギョウ,診療所,みどり市本町1番8号,0990-10-0008,,
座標ちがい診療所,ザヒョウチガイ,診療所,みどり市本町1番9号,0990-10-0009,0,0
読みちがい診療所,読み,診療所,みどり市本町1番10号,0990-10-0010,,
";
    let csv = write_csv(site.path(), "bad.csv", text, Enc::Utf8);
    let (code, err) = import(site.path(), &csv, &["--out", "content/providers/bad.yaml"]);
    assert_eq!(code, 1, "skipped rows make the exit code 1: {err}");
    for (line, what) in [
        (3, "名称が空です"),
        (4, "電話番号が空です"),
        (5, "電話番号「1234」が読めません"),
        (6, "種類「動物病院」に合う分類がありません"),
        (7, "圏域を住所「となり町1番6号」から決められません"),
        (8, "列の数が1行目と違います"),
        (11, "緯度・経度「0, 0」は日本の中を指していません"),
        (12, "読み「読み」にかな以外の文字があります"),
    ] {
        let at = format!("bad.csv:{line}:1");
        let i = err
            .find(what)
            .unwrap_or_else(|| panic!("no「{what}」in:\n{err}"));
        let j = err[i..]
            .find(&at)
            .unwrap_or_else(|| panic!("「{what}」not at {at}:\n{err}"));
        assert!(j < 300, "「{what}」and {at} are far apart:\n{err}");
    }
    // A row without a phone is imported as pending (掲載準備中), not skipped.
    assert!(err.contains("取り込めなかった行 5 件"), "{err}");
    assert!(
        err.contains("電話番号がないため掲載準備中の事業所 1 件"),
        "{err}"
    );
    let ps = records(site.path(), "content/providers/bad.yaml");
    let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names.len(), 4, "{names:?}");
    assert!(
        names.contains(&"改行 入り診療所"),
        "a quoted line break is part of the value: {names:?}"
    );
    assert!(by_name(&ps, "座標ちがい診療所").coords.is_none());
    assert!(by_name(&ps, "読みちがい診療所").kana.is_unknown());

    // `--area` places the row no town matched; an unknown area or category is refused.
    let (code, err) = import(
        site.path(),
        &csv,
        &["--out", "content/providers/bad.yaml", "--area", "nowhere"],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("圏域「nowhere」は site.toml にありません")
            && err.contains("使える圏域: chuo"),
        "{err}"
    );
}

#[test]
fn unreadable_files_and_unknown_layouts_are_clear_errors() {
    let site = empty_site();
    let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(IRYO_V1);
    let path = site.path().join("sjis.csv");
    std::fs::write(&path, &sjis).unwrap();
    let (code, err) = import(site.path(), &path, &["--encoding", "utf-8"]);
    assert_eq!(code, 1);
    assert!(
        err.contains("文字コードを読み取れない文字があります") && err.contains("sjis.csv:1:1"),
        "{err}"
    );

    let other = write_csv(
        site.path(),
        "aed.csv",
        "設置場所,台数\n市役所,2\n",
        Enc::Utf8,
    );
    let (code, err) = import(site.path(), &other, &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("1行目の列名から形式がわかりません") && err.contains("iryo"),
        "{err}"
    );
    let (code, err) = import(site.path(), &other, &["--format", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("形式「nope」はありません"), "{err}");
    assert!(
        common::files(&site.path().join("content/providers")).is_empty(),
        "nothing written"
    );
}

#[test]
fn reimport_updates_in_place_keeps_staff_edits_and_dry_run_writes_nothing() {
    let site = empty_site();
    let out = "content/providers/iryo.yaml";
    let csv = write_csv(site.path(), "iryo.csv", IRYO_V1, Enc::ShiftJis);
    assert_eq!(import(site.path(), &csv, &["--out", out]).0, 0);

    // Staff add what no CSV carries.
    let path = site.path().join(out);
    let text = std::fs::read_to_string(&path).unwrap();
    let edited = text.replacen(
        "  office_code: \"0199001\"\n",
        "  services: [houmon-shinryo, mitori]\n  accepting:\n    status: limited\n    note: 北部圏域の方のみ\n  office_code: \"0199001\"\n",
        1,
    );
    assert_ne!(edited, text, "fixture edit applied");
    std::fs::write(&path, &edited).unwrap();

    // Next year's CSV: a new phone number, one clinic gone, one new.
    let next = IRYO_V1
        .replace("０９９０－５５－１２３４", "0990-55-9999")
        .replace(
            "992011,2,架空県,みどり市,みどり南浜病院,ミドリミナミハマビョウイン,病院,みどり市南浜町５番１号,,36.0401,139.5501,(0990)56-7000,,,,,0199002,月火水木金土,8:30,12:00,,,内科,120,,\n",
            "992011,3,架空県,みどり市,さくら台歯科,サクラダイシカ,歯科診療所,みどり市桜台2番2号,,,,0990-58-1000,,,,,3199003,,,,,,,,,\n",
        );
    let csv2 = write_csv(site.path(), "iryo2.csv", &next, Enc::ShiftJis);
    let (code, err) = import(site.path(), &csv2, &["--out", out, "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("phone: 0990-55-1234 → 0990-55-9999"), "{err}");
    assert!(
        err.contains("追加 1 件、更新 1 件、変更なし 0 件、CSV にない記録 1 件"),
        "{err}"
    );
    assert!(err.contains("--dry-run のため"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "dry run wrote nothing"
    );

    let (code, err) = import(site.path(), &csv2, &["--out", out]);
    assert_eq!(code, 0, "{err}");
    let ps = records(site.path(), out);
    assert_eq!(ps.len(), 3, "the hospital the CSV no longer lists is kept");
    let p = by_name(&ps, "髙﨑内科クリニック");
    assert_eq!(p.phone.as_str(), "0990-55-9999");
    assert_eq!(
        p.services,
        ["houmon-shinryo", "mitori"],
        "staff fields kept"
    );
    assert_eq!(p.accepting_note.as_deref(), Some("北部圏域の方のみ"));
    assert_eq!(
        p.updated.to_string(),
        "2026-11-22",
        "the import date marks the change"
    );
    assert_eq!(by_name(&ps, "さくら台歯科").category, "dental");

    // The same CSV again changes nothing and leaves the file's bytes alone.
    let before = std::fs::read(&path).unwrap();
    let (code, err) = import(site.path(), &csv2, &["--out", out]);
    assert_eq!(code, 0);
    assert!(err.contains("変更がないため"), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn the_exported_open_data_imports_back_unchanged() {
    let out = tempfile::tempdir().unwrap();
    let o = common::bin()
        .args(["build", "--root"])
        .arg(common::root())
        .arg("--output")
        .arg(out.path().join("public"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read(out.path().join("public/opendata/iryo-kikan.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "a BOM so Excel reads UTF-8"
    );
    assert!(
        csv.windows(2).any(|w| w == b"\r\n"),
        "CRLF, as Excel writes"
    );

    let site = empty_site();
    for f in ["iryo-kikan.csv", "kaigo-jigyosho.csv"] {
        let (code, err) = import(
            site.path(),
            &out.path().join("public/opendata").join(f),
            &["--out", &format!("content/providers/{f}.yaml")],
        );
        assert_eq!(code, 0, "{f}: {err}");
        assert!(!err.contains("warning"), "{f}: {err}");
    }
    let mut original: Vec<Provider> = common::files(&common::root().join("content/providers"))
        .iter()
        .flat_map(|f| {
            records(
                common::root(),
                &f.strip_prefix(common::root()).unwrap().to_string_lossy(),
            )
        })
        .collect();
    let mut back: Vec<Provider> = ["iryo-kikan.csv", "kaigo-jigyosho.csv"]
        .iter()
        .flat_map(|f| records(site.path(), &format!("content/providers/{f}.yaml")))
        .collect();
    original.sort_by(|a, b| a.id.cmp(&b.id));
    back.sort_by(|a, b| a.id.cmp(&b.id));
    assert_eq!(original.len(), 70);
    let plain = |p: &Provider| serde_json::to_value(p).unwrap();
    for (a, b) in original.iter().zip(&back) {
        assert_eq!(
            plain(a),
            plain(b),
            "{} changed on the way through the CSV",
            a.id
        );
    }

    // And the JSON export of the re-imported site is byte for byte the same.
    let o = common::bin()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        std::fs::read(site.path().join("public/opendata/providers.json")).unwrap(),
        std::fs::read(out.path().join("public/opendata/providers.json")).unwrap()
    );
}

/// Real files from three cities (tests/realdata/README.md has their sources and
/// licences), with each city's own layout described in site.toml.
#[test]
fn real_municipal_files_import() {
    let data = common::root().join("tests/realdata");
    let site = empty_site();
    let mut toml = std::fs::read_to_string(site.path().join("site.toml")).unwrap();
    toml.push_str(
        r#"
[categories.tokuyo]
label = "特別養護老人ホーム"
group = "介護"
source_types = ["介護老人福祉施設", "地域密着型介護老人福祉施設"]

[categories.rojin-home]
label = "養護老人ホーム・軽費老人ホーム"
group = "介護"
source_types = ["養護老人ホーム", "軽費老人ホーム"]

[import.formats.takamatsu-hospital]
name = "name"
type = "alternativeName"
address = "address"
phone = "telephone　number"
lat = "latitude"
lon = "longitude"
corporation = "establisher"
notes = "medicalSubjects"

[import.formats.takamatsu-care]
name = "name"
type = "service"
address = "address"
phone = "telephoneNumber"
lat = "latitude"
lon = "longitude"
url = "referenceObject"
days = "availableDate"
open = "startTime"
close = "endTime"
hours_note = "availableDateNote"

[import.formats.kumamoto]
name = "施設正式名称"
type = "施設区分"
postal_code = "郵便番号"
address = "所在地"
phone = "電話番号"
corporation = "開設者名"
"#,
    );
    std::fs::write(site.path().join("site.toml"), toml).unwrap();
    let cases = [
        (
            "takamatsu_hospital.csv",
            "takamatsu-hospital",
            627,
            0,
            "372013",
        ),
        (
            "takamatsu_elderly_welfare_facility.csv",
            "takamatsu-care",
            0,
            0,
            "372013",
        ),
        ("kumamoto_byouin_list.csv", "kumamoto", 90, 0, "431001"),
        ("yaizu_222127_kyuugobyouinn.csv", "", 3, 0, "222127"),
    ];
    for (file, format, added, skipped, town) in cases {
        let out = format!("content/providers/{file}.yaml");
        // Another city's file: its rows are kept only when that city is named.
        let mut args = vec![
            "--out",
            out.as_str(),
            "--area",
            "chuo",
            "--municipality",
            town,
        ];
        if !format.is_empty() {
            args.extend(["--format", format]);
        } else {
            args.extend(["--category", "hospital"]);
        }
        let (code, err) = import(site.path(), &data.join(file), &args);
        assert_eq!(code, if skipped > 0 { 1 } else { 0 }, "{file}: {err}");
        assert!(
            err.contains(&format!("取り込めなかった行 {skipped} 件")),
            "{file}: {err}"
        );
        let ps = records(site.path(), &out);
        if added > 0 {
            assert_eq!(ps.len(), added, "{file}: {err}");
        } else {
            assert!(ps.len() >= 40, "{file}: {} records\n{err}", ps.len());
        }
    }
    // 熊本市: BOM, trailing spaces in addresses, no readings (sorted under その他).
    let ps = records(
        site.path(),
        "content/providers/kumamoto_byouin_list.csv.yaml",
    );
    let p = by_name(&ps, "熊本整形外科病院");
    assert_eq!(p.address, "熊本市中央区新屋敷1丁目17番1号");
    assert_eq!(p.postal_code, "862-0975");
    assert!(p.kana.is_unknown());
    // 高松市: a row without a phone number is named, not dropped silently.
    let (_, err) = import(
        site.path(),
        &data.join("takamatsu_hospital.csv"),
        &[
            "--out",
            "content/providers/takamatsu_hospital.csv.yaml",
            "--format",
            "takamatsu-hospital",
            "--area",
            "chuo",
            "--municipality",
            "372013",
            "--dry-run",
        ],
    );
    assert!(
        err.contains("takamatsu_hospital.csv:629:1") && err.contains("かわにしクリニック"),
        "{err}"
    );
    assert!(
        err.contains("変更なし 628 件"),
        "re-import of the same file changes nothing: {err}"
    );
    // 焼津市: 推奨データセット headers, phones written (054)623-3111.
    let ps = records(
        site.path(),
        "content/providers/yaizu_222127_kyuugobyouinn.csv.yaml",
    );
    assert_eq!(
        by_name(&ps, "焼津市立総合病院").phone.as_str(),
        "054-623-3111"
    );
    assert_eq!(
        by_name(&ps, "焼津市立総合病院").kana.as_str(),
        "やいづしりつそうごうびょういん"
    );
    // The whole site still builds with the imported records.
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(0), "{err}");
}

#[test]
fn formula_like_text_is_defused_in_the_csv_and_restored_on_import() {
    let site = empty_site();
    std::fs::write(
        site.path().join("content/providers/a.yaml"),
        "- id: formula-clinic\n  name: \"=HYPERLINK(\\\"http://example.com\\\")\"\n  kana: しき\n  category: clinic\n  area: kita\n  address: みどり市北山町1番1号\n  phone: 0990-11-2222\n  corporation: \"@SUM(A1)\"\n  notes: \"-1 と +2\"\n  updated: 2026-10-01\n",
    )
    .unwrap();
    let o = common::bin()
        .args(["build", "--root"])
        .arg(site.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let csv = std::fs::read_to_string(site.path().join("public/opendata/iryo-kikan.csv")).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://example.com\"\")\""),
        "{csv}"
    );
    assert!(
        csv.contains(",'@SUM(A1),") && csv.contains(",'-1 と +2,"),
        "{csv}"
    );

    let back = empty_site();
    let (code, err) = import(
        back.path(),
        &site.path().join("public/opendata/iryo-kikan.csv"),
        &["--out", "content/providers/a.yaml"],
    );
    assert_eq!(code, 0, "{err}");
    let p = &records(back.path(), "content/providers/a.yaml")[0];
    assert_eq!(p.name, "=HYPERLINK(\"http://example.com\")");
    assert_eq!(p.corporation.as_deref(), Some("@SUM(A1)"));
    assert_eq!(p.notes.as_deref(), Some("-1 と +2"));
}

#[test]
fn two_offices_with_one_name_but_different_codes_stay_two() {
    let site = empty_site();
    let head = "名称,医療機関の種類,住所,電話番号,医療機関コード\n";
    let out = "content/providers/sakura.yaml";
    let first = write_csv(
        site.path(),
        "a.csv",
        &format!("{head}さくら医院,診療所,みどり市本町1番1号,0990-10-0001,0100001\n"),
        Enc::Utf8,
    );
    assert_eq!(import(site.path(), &first, &["--out", out]).0, 0);
    // Another さくら医院 with its own code is a second office, not an update of the first.
    let second = write_csv(
        site.path(),
        "b.csv",
        &format!("{head}さくら医院,診療所,みどり市栄町2番2号,0990-10-0002,0100002\n"),
        Enc::Utf8,
    );
    let (code, err) = import(site.path(), &second, &["--out", out]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("追加 1 件、更新 0 件"), "{err}");
    let mut codes: Vec<_> = records(site.path(), out)
        .iter()
        .map(|p| p.office_code.clone().unwrap())
        .collect();
    codes.sort();
    assert_eq!(codes, ["0100001", "0100002"]);
}
