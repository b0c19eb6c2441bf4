//! Validation, end to end: each problem in a site's sources makes `tsunagu` exit with 1 and
//! point at the file, line and column at fault, in Japanese, without panicking.
//!
//! Every test writes a tiny site into a temporary folder and runs the real binary.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_tsunagu");

/// 2026-09-21 in Japan: "today" for every run, so staleness never depends on the real date.
const SOURCE_DATE_EPOCH: &str = "1790000000";

const SITE_TOML: &str = r#"title = "テスト市 在宅医療・介護ガイド"
base_url = "https://www.city.test.example.lg.jp/zaitaku/"

[municipality]
name = "テスト市"
code = "131016"
phone = "0990-10-0001"

[categories.clinic]
label = "診療所"
group = "医療"

[categories.houkatsu]
label = "地域包括支援センター"
group = "相談窓口"

[areas.chuo]
label = "中央圏域"

[areas.kita]
label = "北部圏域"

[services.houmon-shinryo]
label = "訪問診療"

[services.mitori]
label = "看取り"
"#;

const INDEX_MD: &str = "---
title: テスト市 在宅医療・介護ガイド
description: テスト用のサイトです。
---

ようこそ。[このサイトについて](@/about.md)をご覧ください。
";

const ABOUT_MD: &str = "---
title: このサイトについて
date: 2026-04-01
---

テスト市が作っています。
";

const PROVIDERS: &str = "content/providers/a.yaml";

/// The town's consultation window, beside the records a test writes.
const WINDOW: &str = "- id: test-houkatsu
  name: テスト市地域包括支援センター
  kana: てすとしちいきほうかつしえんせんたー
  category: houkatsu
  area: chuo
  address: テスト市本町1丁目2番3号
  phone: 0990-10-0002
  updated: 2026-09-01
";

/// One valid provider record, as a YAML list item. `edits` are `(field, text)`: the text
/// replaces that field's line(s) (without the indent), is appended if the field is absent,
/// and an empty text removes the field.
fn record(id: &str, edits: &[(&str, &str)]) -> String {
    let mut fields: Vec<(String, String)> = [
        ("id", format!("id: {id}")),
        ("name", format!("name: みどりクリニック{id}")),
        ("kana", "kana: みどりくりにっく".into()),
        ("category", "category: clinic".into()),
        ("area", "area: chuo".into()),
        ("postal_code", "postal_code: \"999-0102\"".into()),
        ("address", "address: テスト市本町1丁目1番1号".into()),
        ("phone", "phone: 0990-12-3456".into()),
        ("fax", "fax: 0990-12-3457".into()),
        ("email", "email: info@midori.test".into()),
        ("url", "url: https://midori.test/".into()),
        ("lat", "lat: 36.05".into()),
        ("lon", "lon: 139.55".into()),
        (
            "hours",
            "hours:\n    - days: [mon, tue]\n      open: \"09:00\"\n      close: \"17:00\"".into(),
        ),
        ("services", "services: [houmon-shinryo, mitori]".into()),
        ("accepting", "accepting:\n    status: accepting".into()),
        ("updated", "updated: 2026-09-01".into()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for (key, text) in edits {
        match fields.iter().position(|(k, _)| k == key) {
            Some(i) if text.is_empty() => {
                fields.remove(i);
            }
            Some(i) => fields[i].1 = text.to_string(),
            None => fields.push((key.to_string(), text.to_string())),
        }
    }
    let mut out = String::new();
    for (i, (_, text)) in fields.iter().enumerate() {
        out.push_str(if i == 0 { "- " } else { "  " });
        out.push_str(text);
        out.push('\n');
    }
    out
}

/// A valid site in a temporary folder, with `files` (path, content) written over it.
fn site(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let base = [
        ("site.toml", SITE_TOML.to_string()),
        ("content/_index.md", INDEX_MD.to_string()),
        ("content/about.md", ABOUT_MD.to_string()),
        (PROVIDERS, record("midori-clinic", &[])),
        ("content/providers/madoguchi.yaml", WINDOW.to_string()),
    ];
    let overrides = files.iter().map(|(p, c)| (*p, c.to_string()));
    for (path, content) in base.into_iter().chain(overrides) {
        let path = dir.path().join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    dir
}

/// Runs `tsunagu --color never <args> --root <root>`; returns the exit code and stderr.
fn run(root: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .arg("--color")
        .arg("never")
        .args(args)
        .arg("--root")
        .arg(root)
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .output()
        .expect("run tsunagu");
    let stderr = String::from_utf8_lossy(&out.stderr).replace('\\', "/");
    (out.status.code().expect("exit code, not a signal"), stderr)
}

fn check(root: &Path) -> (i32, String) {
    run(root, &["check"])
}

/// `tsunagu check` on the site with `yaml` as its only provider file.
fn check_providers(yaml: &str) -> (i32, String) {
    let dir = site(&[(PROVIDERS, yaml)]);
    check(dir.path())
}

/// 1-based line and column (in characters) of the one place `needle` occurs in `src`.
fn position(src: &str, needle: &str) -> (usize, usize) {
    assert_eq!(
        src.matches(needle).count(),
        1,
        "«{needle}» must occur once in:\n{src}"
    );
    let before = &src[..src.find(needle).unwrap()];
    let line = before.matches('\n').count() + 1;
    (
        line,
        before.rsplit('\n').next().unwrap().chars().count() + 1,
    )
}

/// `file:line:col` of `needle`, which occurs once in `src`.
fn at(file: &str, src: &str, needle: &str) -> String {
    let (line, col) = position(src, needle);
    format!("{file}:{line}:{col}")
}

/// `file:line:col` of the value in `pair` (`key: value`), which occurs once in `src`.
fn value_at(file: &str, src: &str, pair: &str) -> String {
    let (line, col) = position(src, pair);
    let key = pair.find(": ").expect("key: value") + 2;
    format!("{file}:{line}:{}", col + pair[..key].chars().count())
}

/// `file:line:` of `needle`, for problems whose column is not pinned down.
fn line_at(file: &str, src: &str, needle: &str) -> String {
    format!("{file}:{}:", position(src, needle).0)
}

/// Whether `stderr` names `loc`; a full `a.yaml:1:3` does not match `a.yaml:1:30`.
fn names(stderr: &str, loc: &str) -> bool {
    stderr.match_indices(loc).any(|(i, _)| {
        loc.ends_with(':') || !stderr[i + loc.len()..].starts_with(|c: char| c.is_ascii_digit())
    })
}

/// Exit code 1, the location, every fragment of the message, and no panic.
#[track_caller]
fn assert_error(result: &(i32, String), loc: &str, fragments: &[&str]) {
    let (code, stderr) = result;
    assert!(!stderr.contains("panicked"), "panicked:\n{stderr}");
    assert_eq!(*code, 1, "exit code; stderr:\n{stderr}");
    assert!(names(stderr, loc), "no «{loc}» in stderr:\n{stderr}");
    for f in fragments {
        assert!(stderr.contains(f), "no «{f}» in stderr:\n{stderr}");
    }
}

/// How many diagnostics in `stderr` are errors (each starts a line with `error`).
fn error_lines(stderr: &str) -> usize {
    stderr.lines().filter(|l| l.starts_with("error")).count()
}

// ---------------------------------------------------------------------------------------
// A valid site

#[test]
fn a_valid_site_checks_and_builds_cleanly() {
    let dir = site(&[]);
    let (code, stderr) = check(dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(
        !stderr.contains("error") && !stderr.contains("warning"),
        "{stderr}"
    );

    let out = dir.path().join("out");
    let (code, stderr) = run(dir.path(), &["build", "--output", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("index.html").is_file());
    assert!(out.join(".tsunagu-output").is_file());
    let pages: Vec<_> = walk(&out)
        .into_iter()
        .filter(|p| p.ends_with("index.html"))
        .collect();
    assert!(
        pages.iter().any(|p| p.contains("midori-clinic")),
        "no page for the provider in {pages:?}"
    );
}

fn walk(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p.to_string_lossy().into_owned());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------
// Provider records, one problem each

#[test]
fn unknown_field_is_an_error_that_suggests_the_intended_one() {
    let yaml = record("midori-clinic", &[("phone", "phon: 0990-12-3456")]);
    let dir = site(&[(PROVIDERS, &yaml)]);
    let result = check(dir.path());
    assert_error(
        &result,
        &at(PROVIDERS, &yaml, "phon:"),
        &["知らない項目「phon」", "「phone」の書き間違い"],
    );
    // Paths are shown relative to the site root, never as the temporary folder's path.
    let tmp = dir.path().to_string_lossy().replace('\\', "/");
    assert!(!result.1.contains(&tmp), "{}", result.1);
}

#[test]
fn unknown_category_is_an_error_with_file_and_line() {
    let yaml = record("midori-clinic", &[("category", "category: hospital")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "hospital"),
        &["category「hospital」", "[categories]"],
    );
}

#[test]
fn unknown_area_is_an_error_with_file_and_line() {
    let yaml = record("midori-clinic", &[("area", "area: minami")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "minami"),
        &["area「minami」", "[areas]"],
    );
}

#[test]
fn unknown_service_is_an_error_pointing_at_the_list_item() {
    let yaml = record(
        "midori-clinic",
        &[("services", "services: [houmon-shinryo, oushin]")],
    );
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "oushin"),
        &["対応サービス「oushin」", "[services]"],
    );
}

#[test]
fn duplicate_id_across_files_names_both_places() {
    let first = record("midori-clinic", &[]);
    let second = format!("# 別のファイル\n\n{}", record("midori-clinic", &[]));
    let dir = site(&[(PROVIDERS, &first), ("content/providers/b.yaml", &second)]);
    assert_error(
        &check(dir.path()),
        // The second record, at its `- id:` line, …
        "content/providers/b.yaml:3:",
        // … and the first one inside the message.
        &[
            "id「midori-clinic」が重複",
            "最初は content/providers/a.yaml:1）",
        ],
    );
}

#[test]
fn malformed_ids_are_errors() {
    for bad in ["Midori_Clinic", "../etc"] {
        let yaml = record(bad, &[]);
        assert_error(
            &check_providers(&yaml),
            &value_at(PROVIDERS, &yaml, &format!("id: {bad}")),
            &[&format!("id「{bad}」に使えない文字")],
        );
    }
}

#[test]
fn reserved_id_is_an_error() {
    // Every page of the directory's own: a record there would replace the finder or the map.
    for id in ["category", "area", "service", "find", "map", "index"] {
        let yaml = record(id, &[("name", "name: みどりクリニック")]);
        assert_error(
            &check_providers(&yaml),
            &at(PROVIDERS, &yaml, &format!("{id}\n")),
            &[&format!("id「{id}」は一覧ページの名前と重なる")],
        );
    }
}

#[test]
fn bad_phone_and_fax_numbers_are_errors() {
    let yaml = record("midori-clinic", &[("phone", "phone: 12-3456")]);
    assert_error(
        &check_providers(&yaml),
        &value_at(PROVIDERS, &yaml, "phone: 12-3456"),
        &["電話番号「12-3456」"],
    );
    let yaml = record("midori-clinic", &[("fax", "fax: 0990-12-345")]);
    assert_error(
        &check_providers(&yaml),
        &value_at(PROVIDERS, &yaml, "fax: 0990-12-345\n"),
        &["FAX番号「0990-12-345」"],
    );
}

#[test]
fn bad_postal_codes_are_errors() {
    for bad in ["123-456", "1234-5678", "〒abc"] {
        let yaml = record(
            "midori-clinic",
            &[("postal_code", &format!("postal_code: {bad}"))],
        );
        assert_error(
            &check_providers(&yaml),
            &value_at(PROVIDERS, &yaml, &format!("postal_code: {bad}")),
            &[&format!("郵便番号「{bad}」")],
        );
    }
}

#[test]
fn postal_codes_typed_otherwise_read_as_the_same_code() {
    for written in ["1234567", "\"〒１２３－４５６７\"", "123-4567"] {
        let yaml = record(
            "midori-clinic",
            &[("postal_code", &format!("postal_code: {written}"))],
        );
        let dir = site(&[(PROVIDERS, &yaml)]);
        let out = dir.path().join("public");
        let (code, err) = run(dir.path(), &["build", "--output", &out.to_string_lossy()]);
        assert_eq!(code, 0, "{written}: {err}");
        let page = std::fs::read_to_string(out.join("providers/midori-clinic/index.html")).unwrap();
        assert!(page.contains("123-4567"), "{written}");
    }
}

#[test]
fn bad_urls_are_errors() {
    for bad in ["javascript:alert(1)", "example.jp"] {
        let yaml = record("midori-clinic", &[("url", &format!("url: {bad}"))]);
        assert_error(
            &check_providers(&yaml),
            &value_at(PROVIDERS, &yaml, &format!("url: {bad}")),
            &[&format!("URL「{bad}」")],
        );
    }
}

#[test]
fn bad_email_is_an_error() {
    for bad in ["info.example.jp", "info@@example.jp", "info@example"] {
        let yaml = record("midori-clinic", &[("email", &format!("email: {bad}"))]);
        assert_error(
            &check_providers(&yaml),
            &value_at(PROVIDERS, &yaml, &format!("email: {bad}")),
            &[&format!("メールアドレス「{bad}」")],
        );
    }
}

#[test]
fn bad_updated_dates_are_errors() {
    for bad in ["2026-13-01", "令和8年"] {
        let yaml = record("midori-clinic", &[("updated", &format!("updated: {bad}"))]);
        assert_error(
            &check_providers(&yaml),
            &value_at(PROVIDERS, &yaml, &format!("updated: {bad}")),
            &[&format!("日付「{bad}」")],
        );
    }
}

#[test]
fn missing_updated_is_an_error_at_the_record() {
    let yaml = record("midori-clinic", &[("updated", "")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "id: "),
        &["必須の項目「updated」"],
    );
}

#[test]
fn latitude_without_longitude_is_an_error() {
    let yaml = record("midori-clinic", &[("lon", "")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "36.05"),
        &["緯度（lat）と経度（lon）は両方"],
    );
}

#[test]
fn swapped_coordinates_are_outside_japan() {
    let yaml = record("midori-clinic", &[("lat", "lat: 140"), ("lon", "lon: 35")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "140"),
        &["日本の範囲外", "入れ替わって"],
    );
}

#[test]
fn non_numeric_coordinates_are_errors() {
    let yaml = record("midori-clinic", &[("lat", "lat: 北緯36度")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "北緯36度"),
        &["「lat」には数値"],
    );
}

#[test]
fn both_non_numeric_coordinates_are_reported_in_one_run() {
    let yaml = record("midori-clinic", &[("lat", "lat: abc"), ("lon", "lon: xyz")]);
    let result = check_providers(&yaml);
    assert_error(&result, &at(PROVIDERS, &yaml, "abc"), &["「lat」には数値"]);
    assert_error(&result, &at(PROVIDERS, &yaml, "xyz"), &["「lon」には数値"]);
}

#[test]
fn unclosed_quote_is_a_yaml_error_at_its_line() {
    let yaml = record("midori-clinic", &[("name", "name: \"みどりクリニック")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "\"みどり"),
        &["引用符（\" または '）が閉じていません"],
    );
}

#[test]
fn tab_indented_line_is_a_yaml_error_at_its_line() {
    // The line before ends with a quoted value.
    let yaml = record("midori-clinic", &[]).replace("  address:", "\taddress:");
    assert_error(
        &check_providers(&yaml),
        &line_at(PROVIDERS, &yaml, "\taddress:"),
        &["字下げにタブが使われています"],
    );
}

#[test]
fn tab_indented_line_after_a_plain_value_is_reported_at_its_own_line() {
    let yaml = record("midori-clinic", &[]).replace("  name:", "\tname:");
    assert_error(
        &check_providers(&yaml),
        &line_at(PROVIDERS, &yaml, "\tname:"),
        &["字下げにタブが使われています"],
    );
}

#[test]
fn kana_with_kanji_is_an_error() {
    let yaml = record("midori-clinic", &[("kana", "kana: 東原くりにっく")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "東原くりにっく"),
        &["よみがな「東原くりにっく」", "「東」"],
    );
}

fn hours(days: &str, open: &str, close: &str) -> String {
    format!("hours:\n    - days: {days}\n      open: \"{open}\"\n      close: \"{close}\"")
}

#[test]
fn unknown_day_in_hours_is_an_error() {
    let yaml = record(
        "midori-clinic",
        &[("hours", &hours("[monday, tue]", "09:00", "17:00"))],
    );
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "monday"),
        &["曜日「monday」"],
    );
}

#[test]
fn impossible_time_in_hours_is_an_error() {
    let yaml = record(
        "midori-clinic",
        &[("hours", &hours("[mon]", "25:00", "48:30"))],
    );
    let result = check_providers(&yaml);
    assert_error(
        &result,
        &at(PROVIDERS, &yaml, "\"25:00\""),
        &["始まりの時刻 25:00 は 23:59 までです"],
    );
    assert_error(
        &result,
        &at(PROVIDERS, &yaml, "\"48:30\""),
        &["時刻「48:30」の形が正しくありません"],
    );
}

#[test]
fn an_empty_range_or_one_longer_than_a_day_is_an_error() {
    let yaml = record(
        "midori-clinic",
        &[("hours", &hours("[mon]", "09:00", "09:00"))],
    );
    assert_error(
        &check_providers(&yaml),
        &value_at(PROVIDERS, &yaml, "close: \"09:00\""),
        &["始まりと終わりが同じ時刻（09:00）です"],
    );
    let yaml = record(
        "midori-clinic",
        &[("hours", &hours("[mon]", "09:00", "34:00"))],
    );
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "\"34:00\""),
        &["時間帯 09:00〜34:00 が24時間より長くなっています"],
    );
}

#[test]
fn a_range_ending_the_next_morning_is_overnight() {
    for close in ["09:00", "33:00"] {
        let yaml = record(
            "midori-clinic",
            &[("hours", &hours("[mon, sun, hol]", "17:00", close))],
        );
        let dir = site(&[(PROVIDERS, &yaml)]);
        let out = dir.path().join("public");
        let (code, err) = run(dir.path(), &["build", "--output", &out.to_string_lossy()]);
        assert_eq!(code, 0, "{close}: {err}");
        let page = std::fs::read_to_string(out.join("providers/midori-clinic/index.html")).unwrap();
        assert!(page.contains("17:00〜翌9:00"), "{close}");
    }
}

#[test]
fn unknown_accepting_status_is_an_error() {
    let yaml = record(
        "midori-clinic",
        &[("accepting", "accepting:\n    status: maybe")],
    );
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "maybe"),
        &["受入状況「maybe」"],
    );
    let yaml = record("midori-clinic", &[("accepting", "accepting: maybe")]);
    assert_error(
        &check_providers(&yaml),
        &at(PROVIDERS, &yaml, "maybe"),
        &["受入状況「maybe」"],
    );
}

/// No phone number: the record waits (掲載準備中), said at the phone line or the name.
#[test]
fn a_record_without_a_phone_is_held_back_with_a_warning() {
    for pair in ["phone: \"\"", "phone: \"  \""] {
        let yaml = record("midori-clinic", &[("phone", pair)]);
        let (code, err) = check_providers(&yaml);
        assert_eq!(code, 0, "{err}");
        assert!(names(&err, &line_at(PROVIDERS, &yaml, pair)), "{err}");
        assert!(
            err.contains("電話番号がないため、まだ掲載していません（掲載準備中）"),
            "{err}"
        );
    }
    let yaml: String = record("midori-clinic", &[])
        .lines()
        .filter(|l| !l.contains("phone:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let (code, err) = check_providers(&yaml);
    assert_eq!(code, 0, "{err}");
    assert!(names(&err, &line_at(PROVIDERS, &yaml, "name: ")), "{err}");
    assert!(err.contains("掲載準備中"), "{err}");
}

#[test]
fn empty_required_field_is_an_error() {
    for key in [
        "id", "name", "kana", "category", "area", "address", "updated",
    ] {
        for empty in ["\"\"", "\"  \""] {
            let pair = format!("{key}: {empty}");
            let yaml = record("midori-clinic", &[(key, &pair)]);
            assert_error(
                &check_providers(&yaml),
                &line_at(PROVIDERS, &yaml, &pair),
                &[&format!("「{key}」")],
            );
        }
    }
}

#[test]
fn alias_bomb_is_refused_quickly() {
    // Nine levels of nine: about 387 million nodes once every alias is expanded.
    let levels = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
    let mut yaml = format!("a: &a [{}]\n", ["\"lol\""; 9].join(", "));
    for pair in levels.windows(2) {
        let refs = vec![format!("*{}", pair[0]); 9].join(", ");
        writeln!(yaml, "{0}: &{0} [{refs}]", pair[1]).unwrap();
    }
    let dir = site(&[(PROVIDERS, &yaml)]);
    let mut child = Command::new(BIN)
        .args(["--color", "never", "check", "--root"])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run tsunagu");
    let start = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tsunagu still running after 10 s on an alias bomb");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().expect("output");
    let result = (
        out.status.code().unwrap(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert_error(
        &result,
        &format!("{PROVIDERS}:"),
        &["エイリアス", "大きすぎ"],
    );
    // Pointed at one of the lines that use aliases.
    let alias_lines: Vec<String> = levels[1..]
        .iter()
        .map(|l| line_at(PROVIDERS, &yaml, &format!("{l}: &{l}")))
        .collect();
    assert!(
        alias_lines.iter().any(|l| names(&result.1, l)),
        "{}",
        result.1
    );
}

#[test]
fn invalid_utf8_is_an_error_naming_the_file() {
    let dir = site(&[]);
    let mut bytes = b"- id: midori-clinic\n  name: ".to_vec();
    bytes.extend([0x82, 0xA0]); // あ in Shift_JIS
    bytes.extend(b"\n");
    fs::write(dir.path().join(PROVIDERS), bytes).unwrap();
    assert_error(&check(dir.path()), &format!("{PROVIDERS}:2:"), &["UTF-8"]);
}

// ---------------------------------------------------------------------------------------
// Many problems, warnings

#[test]
fn every_broken_record_in_a_file_is_reported_in_one_run() {
    let yaml = [
        record("r1", &[("phone", "phone: 12-3456")]),
        record("r2", &[("postal_code", "postal_code: 123-456")]),
        record("r3", &[("category", "category: hospital")]),
        record("r4", &[("kana", "kana: 東原")]),
        record("r5", &[("updated", "updated: 2026-13-01")]),
    ]
    .join("\n");
    let result = check_providers(&yaml);
    let (code, stderr) = &result;
    assert_eq!(*code, 1, "{stderr}");
    for pair in [
        "phone: 12-3456",
        "postal_code: 123-456",
        "category: hospital",
        "kana: 東原",
        "updated: 2026-13-01",
    ] {
        let value = pair.split(": ").nth(1).unwrap();
        assert_error(&result, &value_at(PROVIDERS, &yaml, pair), &[value]);
    }
    assert_eq!(error_lines(stderr), 5, "{stderr}");
    assert!(stderr.contains("エラー 5 件"), "{stderr}");
}

#[test]
fn stale_record_is_only_a_warning() {
    let yaml = format!(
        "{}\n{}",
        record("fresh", &[]),
        record("old", &[("updated", "updated: 2020-01-01")])
    );
    let dir = site(&[(PROVIDERS, &yaml)]);
    for args in [
        vec!["check"],
        vec![
            "build",
            "--output",
            dir.path().join("out").to_str().unwrap(),
        ],
    ] {
        let (code, stderr) = run(dir.path(), &args);
        assert_eq!(code, 0, "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
        assert!(stderr.contains("warning"), "{stderr}");
        assert!(stderr.contains("みどりクリニックold"), "{stderr}");
        assert!(!stderr.contains("みどりクリニックfresh"), "{stderr}");
        assert!(
            // The warning points at the date to update.
            names(&stderr, &value_at(PROVIDERS, &yaml, "updated: 2020-01-01")),
            "{stderr}"
        );
        assert_eq!(error_lines(&stderr), 0, "{stderr}");
    }
}

// ---------------------------------------------------------------------------------------
// Markdown pages

const ABOUT: &str = "content/about.md";

#[test]
fn link_to_a_missing_page_is_an_error_at_its_line() {
    let md = format!(
        "{ABOUT_MD}\n本文の2段落目です。詳しくは[こちら](@/guide/nope.md)をご覧ください。\n"
    );
    let dir = site(&[(ABOUT, &md)]);
    assert_error(
        &check(dir.path()),
        &at(ABOUT, &md, "[こちら]"),
        &["リンク先のページ「@/guide/nope.md」"],
    );
}

#[test]
fn unknown_front_matter_key_is_an_error() {
    let md = "---\ntitle: このサイトについて\ntitel: 題名\n---\n\n本文。\n";
    let dir = site(&[(ABOUT, md)]);
    assert_error(
        &check(dir.path()),
        &format!("{ABOUT}:3:"),
        &["知らない項目「titel」"],
    );
}

#[test]
fn missing_front_matter_is_an_error() {
    let dir = site(&[(ABOUT, "# このサイトについて\n\n本文。\n")]);
    assert_error(
        &check(dir.path()),
        &format!("{ABOUT}:1:1"),
        &["front matter"],
    );
}

#[test]
fn bad_front_matter_date_is_an_error() {
    let md = "---\ntitle: このサイトについて\ndescription: 説明\ndate: 2026-02-30\n---\n\n本文。\n";
    let dir = site(&[(ABOUT, md)]);
    assert_error(
        &check(dir.path()),
        &format!("{ABOUT}:4:"),
        &["日付「2026-02-30」"],
    );
}

#[test]
fn page_with_bad_front_matter_is_not_also_a_missing_link_target() {
    // content/_index.md links to @/about.md, which exists but has a typo in its front matter.
    let md = "---\ntitle: このサイトについて\ntitel: 題名\n---\n\n本文。\n";
    let dir = site(&[(ABOUT, md)]);
    let result = check(dir.path());
    assert_error(&result, &format!("{ABOUT}:3:"), &["知らない項目「titel」"]);
    assert!(!result.1.contains("@/about.md"), "{}", result.1);
    assert_eq!(error_lines(&result.1), 1, "{}", result.1);
}

// ---------------------------------------------------------------------------------------
// site.toml

#[test]
fn finder_places_outside_japan_and_unreadable_holidays_are_errors_at_their_place() {
    let toml = format!(
        "{SITE_TOML}\n[finder]\nplaces = [{{ name = \"駅\", lat = 139.0, lon = 35.0 }}]\nholidays = [\"12-29\", \"12-32\"]\n"
    );
    let dir = site(&[("site.toml", &toml)]);
    let r = check(dir.path());
    assert_error(
        &r,
        &at("site.toml", &toml, "{ name = \"駅\""),
        &[
            "[finder] places の「駅」の名前か位置が正しくありません",
            "緯度（lat",
        ],
    );
    assert_error(
        &r,
        &at("site.toml", &toml, "\"12-32\""),
        &[
            "[finder] holidays の「12-32」は日付として読めません",
            "\"12-29\"",
        ],
    );
    assert_eq!(error_lines(&r.1), 2, "{}", r.1);
}

#[test]
fn unknown_site_toml_key_is_an_error_naming_it() {
    let toml = SITE_TOML.replace("[municipality]", "titel = \"x\"\n\n[municipality]");
    let dir = site(&[("site.toml", &toml)]);
    assert_error(
        &check(dir.path()),
        &at("site.toml", &toml, "titel"),
        &["titel"],
    );
}

#[test]
fn bad_base_url_is_an_error() {
    let toml = SITE_TOML.replace(
        "\"https://www.city.test.example.lg.jp/zaitaku/\"",
        "\"city.test.example.lg.jp/zaitaku/\"",
    );
    let dir = site(&[("site.toml", &toml)]);
    assert_error(
        &check(dir.path()),
        &at("site.toml", &toml, "\"city.test"),
        &["base_url「city.test.example.lg.jp/zaitaku/」"],
    );
}

#[test]
fn municipality_code_with_a_wrong_check_digit_is_an_error() {
    let toml = SITE_TOML.replace("\"131016\"", "\"131017\"");
    let dir = site(&[("site.toml", &toml)]);
    assert_error(
        &check(dir.path()),
        &at("site.toml", &toml, "\"131017\""),
        &["全国地方公共団体コード「131017」"],
    );
}

// ---------------------------------------------------------------------------------------
// The output folder

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let dir = site(&[]);
    let out = dir.path().join("out");
    let build = ["build", "--output", out.to_str().unwrap()];
    let (code, stderr) = run(dir.path(), &build);
    assert_eq!(code, 0, "{stderr}");
    let before = fs::read(out.join("index.html")).unwrap();

    let broken = record("midori-clinic", &[("phone", "phone: 12-3456")]);
    fs::write(dir.path().join(PROVIDERS), &broken).unwrap();
    assert_error(
        &run(dir.path(), &build),
        &value_at(PROVIDERS, &broken, "phone: 12-3456"),
        &["電話番号"],
    );

    assert_eq!(fs::read(out.join("index.html")).unwrap(), before);
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out.tsunagu") && !n.ends_with(tsunagu::write::STATE))
        .collect();
    assert!(leftovers.is_empty(), "staging folders left: {leftovers:?}");
}

#[test]
fn build_refuses_a_foreign_folder_unless_forced() {
    let dir = site(&[]);
    let out = dir.path().join("out");
    fs::create_dir(&out).unwrap();
    fs::write(out.join("keep.txt"), "大事なファイル").unwrap();
    let build = ["build", "--output", out.to_str().unwrap()];

    let (code, stderr) = run(dir.path(), &build);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(".tsunagu-output") && stderr.contains("--force"),
        "{stderr}"
    );
    let entries: Vec<_> = fs::read_dir(&out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, ["keep.txt"]);
    assert_eq!(
        fs::read_to_string(out.join("keep.txt")).unwrap(),
        "大事なファイル"
    );

    let forced: Vec<&str> = build.iter().copied().chain(["--force"]).collect();
    let (code, stderr) = run(dir.path(), &forced);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("index.html").is_file() && out.join(".tsunagu-output").is_file());
}

/// `providers()` in a template, `::: providers` in a lecture and `[[guides.*.parts]]
/// providers` read filters alike: a misspelt key or an unknown category is an error naming
/// it, never an empty list.
#[test]
fn a_misspelt_provider_filter_is_an_error_wherever_it_is_written() {
    let template = "{% extends \"base.html\" %}{% block content %}{% for p in providers(category=\"clnic\") %}{{ p.name }}{% endfor %}{% endblock content %}";
    let dir = site(&[("templates/page.html", template)]);
    let (code, err) = check(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("category「clnic」は site.toml にありません"),
        "{err}"
    );
    let template = "{% extends \"base.html\" %}{% block content %}{{ providers(categry=\"clinic\") | length }}{% endblock content %}";
    let dir = site(&[("templates/page.html", template)]);
    let (code, err) = check(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "「categry」は使えません（category, area, service, group, accepting, municipality が使えます）"
        ),
        "{err}"
    );
    let lecture = "---\ntitle: 講座\ntemplate: lecture\n---\n\n# 講座\n\n---\n\n## 窓口\n\n::: providers categry=clinic\n:::\n";
    let dir = site(&[("content/lecture.md", lecture)]);
    let (code, err) = check(dir.path());
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("「categry」は使えません"), "{err}");
}
