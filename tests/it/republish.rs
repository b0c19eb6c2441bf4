//! Republishing after a data change: the live preview (`serve`) over real HTTP and its
//! websocket, incremental writes, the change report, the output-folder guards, and the
//! freshness list with its confirmation sheets.

use crate::common;

use std::path::Path;
use std::time::{Duration, Instant};

use common::{bin, copy_sample, get, serve, serve_into};

fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    dir
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{from} not in {}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn serve_rebuilds_on_edit_reloads_the_browser_and_keeps_the_last_good_site_on_errors() {
    let site = sample_copy();
    // Small pages, so the lists are split by 行 and an edit must reach the right row page.
    let toml = site.path().join("site.toml");
    edit(
        &toml,
        "stale_after_days = 365",
        "stale_after_days = 365\nlist_page_size = 5",
    );
    let server = serve(site.path());
    let page = "/providers/honcho-naika-clinic/";
    let row_page = "/providers/category/clinic/ha/";
    assert!(
        get(&server.addr, row_page).1.contains("0990-12-2468"),
        "split list row page"
    );
    let (status, body) = get(&server.addr, page);
    assert_eq!(status, 200);
    assert!(body.contains("0990-12-2468"));
    assert!(
        body.contains("/__tsunagu/livereload.js"),
        "live reload script injected"
    );
    assert_eq!(get(&server.addr, "/__tsunagu/livereload.js").0, 200);
    assert_eq!(get(&server.addr, "/no/such/page/").0, 404);

    let (mut ws, _) = tungstenite::connect(format!("ws://{}/__tsunagu/ws", server.addr)).unwrap();
    if let tungstenite::stream::MaybeTlsStream::Plain(s) = ws.get_ref() {
        s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    }
    let yaml = site.path().join("content/providers/clinics.yaml");
    edit(&yaml, "0990-12-2468", "0990-12-9753");
    let msg = ws.read().expect("a message over the websocket");
    assert_eq!(msg.into_text().unwrap().as_str(), "reload");
    let (_, body) = get(&server.addr, page);
    assert!(
        body.contains("0990-12-9753") && !body.contains("0990-12-2468"),
        "new number served"
    );
    let (_, list) = get(&server.addr, row_page);
    assert!(
        list.contains("0990-12-9753") && !list.contains("0990-12-2468"),
        "the list page follows the edit"
    );

    // A broken edit: the error goes to the browser, the last good page stays up.
    edit(
        &yaml,
        "  name: 本町内科クリニック",
        "  name: [本町内科クリニック",
    );
    let msg = ws.read().unwrap().into_text().unwrap().to_string();
    assert!(
        msg.starts_with("error\n") && msg.contains("clinics.yaml"),
        "{msg}"
    );
    let (status, body) = get(&server.addr, page);
    assert_eq!(status, 200);
    assert!(
        body.contains("0990-12-9753"),
        "last good build still served"
    );
    edit(
        &yaml,
        "  name: [本町内科クリニック",
        "  name: 本町内科クリニック",
    );
    assert_eq!(ws.read().unwrap().into_text().unwrap().as_str(), "reload");
}

#[test]
fn unchanged_files_keep_their_mtime_and_the_report_names_the_changed_field() {
    let site = sample_copy();
    let out = site.path().join("public");
    let (code, err) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("前回の出力がないため"), "{err}");
    let untouched = out.join("providers/midori-chuo-byoin/index.html");
    let changed = out.join("providers/honcho-naika-clinic/index.html");
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let (t_untouched, t_changed) = (mtime(&untouched), mtime(&changed));
    common::wait_for_a_later_second(t_changed.max(t_untouched));

    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let folder = inode(&out);
    let (code, err) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0);
    assert!(err.contains("前回から変わったところはありません"), "{err}");
    assert_eq!(
        inode(&out),
        folder,
        "a build with no change must leave the output folder as it is"
    );
    assert!(err.contains("（うち書き換え 0）"), "{err}");
    assert_eq!(
        mtime(&changed),
        t_changed,
        "a no-change build rewrote a file"
    );

    edit(
        &site.path().join("content/providers/clinics.yaml"),
        "0990-12-2468",
        "0990-12-9753",
    );
    let diff = bin()
        .args(["diff", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("本町内科クリニック（honcho-naika-clinic）"),
        "{text}"
    );
    assert!(
        text.contains("電話番号: 0990-12-2468 → 0990-12-9753"),
        "{text}"
    );
    assert_eq!(mtime(&changed), t_changed, "diff must not write");

    let report = site.path().join("report.json");
    let (code, err) = common::build(site.path(), &out, &["--report", report.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("事業所 追加 0・削除 0・変更 1"), "{err}");
    assert_eq!(
        mtime(&untouched),
        t_untouched,
        "unchanged page was rewritten"
    );
    assert_ne!(mtime(&changed), t_changed);
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        json["providers_changed"][0]["fields"][0]["field"],
        "電話番号"
    );
    assert_eq!(
        json["providers_changed"][0]["fields"][0]["after"],
        "0990-12-9753"
    );
    // A machine-readable copy stays in the output.
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tsunagu::write::report_file(&out)).unwrap()).unwrap();
    assert_eq!(kept, json);

    // Added and removed records.
    let extra = "- id: atarashii-clinic\n  name: あたらしい診療所\n  kana: あたらしいしんりょうじょ\n  category: clinic\n  area: kita\n  address: みどり市北山町9番\n  phone: 0990-29-0000\n  updated: 2026-11-01\n";
    std::fs::write(site.path().join("content/providers/new.yaml"), extra).unwrap();
    let dental = site.path().join("content/providers/dental.yaml");
    std::fs::remove_file(&dental).unwrap();
    let diff = bin()
        .args(["diff", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("## 追加された事業所\n\n- あたらしい診療所（atarashii-clinic）"),
        "{text}"
    );
    assert!(text.contains("## 削除された事業所"), "{text}");
}

#[test]
fn build_refuses_dangerous_output_folders_and_says_why() {
    let site = sample_copy();
    let cases: [(&Path, &str); 3] = [
        (site.path(), "サイトのフォルダそのもの"),
        (
            &site.path().join("content/out"),
            "原稿のフォルダ（content/）の中",
        ),
        (Path::new("/usr"), "システムのフォルダ"),
    ];
    for (out, why) in cases {
        let (code, err) = common::build(site.path(), out, &[]);
        assert_eq!(code, 1, "{}: {err}", out.display());
        assert!(err.contains(why), "{}: {err}", out.display());
    }
    let home = tempfile::tempdir().unwrap();
    let o = bin()
        .env("HOME", home.path())
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(home.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("ホームフォルダ"));
}

#[test]
fn stale_lists_overdue_records_and_writes_confirmation_sheets_and_a_csv() {
    let site = sample_copy();
    let out = site.path().join("kakunin");
    let o = bin()
        .args(["stale", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("確認の期限（365日）を過ぎた事業所: 2 件"),
        "{text}"
    );
    // Grouped by category in site.toml order, oldest first.
    assert!(
        text.find("診療所（クリニック・医院）（1 件）").unwrap()
            < text.find("訪問介護（ホームヘルプ）（1 件）").unwrap()
    );
    let csv = std::fs::read(out.join("stale.csv")).unwrap();
    assert!(csv.starts_with(&[0xEF, 0xBB, 0xBF]), "BOM for Excel");
    let csv = String::from_utf8_lossy(&csv);
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(csv.contains("sakae-seikei-geka-iin,さかえ整形外科医院,0990-13-2460"));
    let sheet = std::fs::read_to_string(out.join("confirm/sakae-seikei-geka-iin.html")).unwrap();
    for s in [
        "掲載情報確認票",
        "さかえ整形外科医院　御中",
        "修正後",
        "0990-13-2460",
        "回答日",
        "FAX 0990-10-1235",
    ] {
        assert!(sheet.contains(s), "sheet lacks «{s}»");
    }
    let all = std::fs::read_to_string(out.join("confirm-all.html")).unwrap();
    assert_eq!(all.matches("<section class=\"sheet\"").count(), 2);
}

#[test]
fn check_verifies_internal_links_and_anchors_and_external_links_only_on_request() {
    let site = sample_copy();
    let page = site.path().join("content/guide/hajimeni.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        format!("{text}\n[見出しへ](@/guide/kaigo-hoken.md#no-such-heading)\n"),
    )
    .unwrap();
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(1), "{err}");
    let line = text.lines().count() + 2;
    assert!(
        err.contains(&format!("content/guide/hajimeni.md:{line}:1"))
            && err.contains(
                "リンク先のページ「guide/kaigo-hoken.md」に見出し「#no-such-heading」がありません"
            ),
        "{err}"
    );
    std::fs::write(&page, &text).unwrap();

    // External links: a local server stands in for the outside world.
    let port = common::http_server(|path| {
        let code = if path == "/ok" { 200 } else { 404 };
        (code, "text/plain", Vec::new())
    });
    // A new small site, so that no other outside address is requested.
    let small = tempfile::tempdir().unwrap();
    let root = small.path().join("site");
    assert!(
        bin()
            .arg("init")
            .arg(&root)
            .output()
            .unwrap()
            .status
            .success()
    );
    let home = root.join("content/_index.md");
    let text = std::fs::read_to_string(&home).unwrap();
    std::fs::write(
        &home,
        format!(
            "{text}\n[ある](http://127.0.0.1:{port}/ok) [ない](http://127.0.0.1:{port}/gone)\n"
        ),
    )
    .unwrap();
    let o = bin().args(["check", "--root"]).arg(&root).output().unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "external links are not requested by default"
    );
    let o = bin()
        .args(["check", "--external", "--root"])
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "外部のリンク「http://127.0.0.1:{port}/gone」を開けません（HTTP 404）"
        )),
        "{err}"
    );
    assert!(!err.contains("/ok」"), "{err}");
}

#[test]
fn a_rebuild_with_nothing_changed_is_skipped_but_any_change_of_input_is_built() {
    let site = sample_copy();
    let out = site.path().join("public");
    let (code, first) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{first}");
    let inputs = tsunagu::write::records_dir(&out)
        .unwrap()
        .join("inputs.json");
    assert!(inputs.is_file(), "the build records its inputs");
    let page = out.join("index.html");
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let before = (inode(&page), inode(&inputs));

    // Nothing changed: nothing is touched, and the warnings are shown again.
    let (code, again) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{again}");
    assert!(
        again.contains("前回から変わったところはありません"),
        "{again}"
    );
    assert!(again.contains("書き換え 0"), "{again}");
    let warnings = |s: &str| {
        s.lines()
            .filter(|l| l.contains("warning") || l.contains("警告:"))
            .count()
    };
    assert_eq!(
        warnings(&again),
        warnings(&first),
        "same warnings:\n{first}\n---\n{again}"
    );
    assert!(
        first.contains("確認したきり"),
        "the sample plants stale records: {first}"
    );
    assert!(again.contains("確認したきり"), "{again}");
    assert_eq!((inode(&page), inode(&inputs)), before, "not even rewritten");

    // Another day is another input: staleness depends on it.
    let later = bin()
        .env("SOURCE_DATE_EPOCH", "1826852400") // a year later
        .args(["build", "--root"])
        .arg(site.path())
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    let later_err = String::from_utf8_lossy(&later.stderr);
    assert!(later.status.success(), "{later_err}");
    assert!(
        warnings(&later_err) > warnings(&first),
        "more records overdue a year later:\n{later_err}"
    );

    // A change in a theme file is seen.
    let (code, _) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0);
    let css = site.path().join("themes/default/static/css/style.css");
    let text = std::fs::read_to_string(common::root().join("themes/default/static/css/style.css"))
        .unwrap();
    std::fs::create_dir_all(css.parent().unwrap()).unwrap();
    std::fs::write(&css, format!("{text}\n.tsunagu-test {{ color: red; }}\n")).unwrap();
    let (code, msg) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{msg}");
    assert!(!msg.contains("前回から変わったところはありません"), "{msg}");
    let published = std::fs::read_to_string(out.join("css/style.css")).unwrap();
    assert!(published.contains(".tsunagu-test"));

    // Something removed from the top of the output folder is put back.
    std::fs::remove_file(out.join("sitemap.xml")).unwrap();
    let (code, msg) = common::build(site.path(), &out, &[]);
    assert_eq!(code, 0, "{msg}");
    assert!(out.join("sitemap.xml").is_file(), "{msg}");

    // Other options are other inputs.
    let (code, msg) = common::build(site.path(), &out, &["--no-minify"]);
    assert_eq!(code, 0, "{msg}");
    assert!(!msg.contains("書き換え 0"), "{msg}");
}

/// The value of the first `key:` line of a provider file (`id` on its `- id:` line).
fn first_value(text: &str, key: &str) -> String {
    text.lines()
        .find_map(|l| {
            l.trim_start_matches(['-', ' '])
                .strip_prefix(key)?
                .strip_prefix(": ")
        })
        .unwrap()
        .trim()
        .to_string()
}

#[test]
fn after_an_edit_serve_writes_exactly_what_a_clean_build_writes() {
    let site = sample_copy();
    let preview = site.path().join("preview");
    let server = serve_into(site.path(), &["--output".as_ref(), preview.as_os_str()]);
    let yaml = site.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let id = first_value(&text, "id");
    let page = preview.join(format!("providers/{id}/index.html"));
    // Waits until the preview's file holds `what`.
    let shows = |file: &Path, what: &str| {
        let start = Instant::now();
        while !std::fs::read_to_string(file).is_ok_and(|h| h.contains(what)) {
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "{what} never shown in {}",
                file.display()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let wait_for = |what: &str| shows(&page, what);
    wait_for("<html");
    // A phone number and a date: the open data, the finder's index and the sitemap change.
    let phone = first_value(&text, "phone");
    let edited = text
        .replacen(&format!("phone: {phone}"), "phone: 0990-55-1234", 1)
        .replacen("updated: 20", "updated: 2026-11-01\n  # was: 20", 1);
    std::fs::write(&yaml, edited).unwrap();
    wait_for("0990-55-1234");

    // The preview has shown the edit; serve may still be writing the rest of that build.
    // Waits (against hangs, 60 s) until the preview holds exactly what a clean build makes.
    let same_as_clean = |when: &str| {
        let clean = site.path().join("clean");
        let _ = std::fs::remove_dir_all(&clean);
        let (code, msg) = common::build(
            site.path(),
            &clean,
            &[
                "--no-minify",
                "--base-url",
                &format!("http://{}/", server.addr),
            ],
        );
        assert_eq!(code, 0, "{msg}");
        let list = |dir: &Path| -> Vec<std::path::PathBuf> {
            common::files(dir)
                .into_iter()
                .map(|f| f.strip_prefix(dir).unwrap().to_path_buf())
                .filter(|f| !f.starts_with(".tsunagu") && !f.starts_with(".tsunagu-output"))
                .collect()
        };
        let difference = || -> Option<String> {
            if list(&preview) != list(&clean) {
                return Some(format!("not the same files {when}"));
            }
            list(&clean).into_iter().find_map(|rel| {
                (std::fs::read(preview.join(&rel)).ok() != std::fs::read(clean.join(&rel)).ok())
                    .then(|| format!("{} differs {when}", rel.display()))
            })
        };
        let start = Instant::now();
        while let Some(d) = difference() {
            assert!(start.elapsed() < Duration::from_secs(60), "{d}");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::fs::read_to_string(clean.join("opendata/iryo-kikan.csv")).unwrap()
    };
    let csv = same_as_clean("after the first edit");
    assert!(csv.contains("0990-55-1234"), "the edit is in the open data");

    // A second edit, in another file: pieces kept from the first edit's build are reused
    // for the records it did not touch, and the list cards of the edited record change.
    let nurse = site.path().join("content/providers/visiting-nurse.yaml");
    let text = std::fs::read_to_string(&nurse).unwrap();
    let nurse_id = first_value(&text, "id");
    let status = first_value(&text, "status");
    let other = if status == "full" {
        "accepting"
    } else {
        "full"
    };
    let name = first_value(&text, "name");
    let edited = text
        .replacen(&format!("status: {status}"), &format!("status: {other}"), 1)
        .replacen(
            &format!("name: {name}"),
            &format!("name: {name}（二回目）"),
            1,
        );
    std::fs::write(&nurse, edited).unwrap();
    let page2 = preview.join(format!("providers/{nurse_id}/index.html"));
    shows(&page2, "（二回目）");
    same_as_clean("after the second edit");

    // A page that lists clinics through `providers()` (here the site's own 404 page),
    // then an edit of a clinic: that page is made again, though no content changed and
    // the pages that show no data are kept.
    let own = site.path().join("templates/404.html");
    std::fs::create_dir_all(own.parent().unwrap()).unwrap();
    std::fs::write(
        &own,
        "{% extends \"base.html\" %}{% block content %}<ul>{% for p in providers(category=\"clinic\") %}<li>{{ p.phone }}</li>{% endfor %}</ul>{% endblock content %}",
    )
    .unwrap();
    let not_found = preview.join("404.html");
    shows(&not_found, "0990-55-1234");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replacen("0990-55-1234", "0990-66-4321", 1)).unwrap();
    shows(&not_found, "0990-66-4321");
    same_as_clean("after the third edit");

    // A consultation window's phone: the ending note's contacts and the lectures' provider
    // tables are filled from the data when rendered, so they change with it though their
    // Markdown did not.
    let houkatsu = site.path().join("content/providers/houkatsu.yaml");
    let text = std::fs::read_to_string(&houkatsu).unwrap();
    let phone = first_value(&text, "phone");
    std::fs::write(&houkatsu, text.replacen(&phone, "0990-77-2468", 1)).unwrap();
    shows(
        &preview.join("notes/watashi-note/index.html"),
        "0990-77-2468",
    );
    shows(
        &preview.join("lectures/zaitaku-iryo/index.html"),
        "0990-77-2468",
    );
    same_as_clean("after an edit of a consultation window");
    drop(server);
}

#[test]
fn each_rebuild_from_the_kept_earlier_site_equals_a_clean_build() {
    let site = sample_copy();
    let out = site.path().join("public");
    assert_eq!(common::build(site.path(), &out, &[]).0, 0);
    let yaml = site.path().join("content/providers/clinics.yaml");
    let original = std::fs::read_to_string(&yaml).unwrap();
    let last = original.rfind("\n- id:").unwrap();
    let first_record: String = original[original.find("- id:").unwrap()..]
        .split("\n- id:")
        .next()
        .unwrap()
        .to_string();
    type Edit = Box<dyn Fn(&str) -> String>;
    let edits: Vec<(&str, Edit)> = vec![
        (
            "a phone number",
            Box::new(|t: &str| t.replacen("phone: 0990-", "phone: 0990-9", 1)),
        ),
        (
            "a record removed",
            Box::new(move |t: &str| t[..last].to_string() + "\n"),
        ),
        (
            "a record added",
            Box::new(move |t: &str| {
                let id = first_record
                    .lines()
                    .next()
                    .unwrap()
                    .trim_start_matches("- id: ")
                    .trim();
                // Another office: its own id and name, and not the office code of the
                // record it is copied from (two records of one office are an error).
                let copy: String = first_record
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("office_code:"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                format!(
                    "{t}\n{}\n",
                    copy.replacen(id, "tsuika-clinic", 1)
                        .replacen("name: ", "name: 追加", 1)
                )
            }),
        ),
    ];
    let spare = site
        .path()
        .join(format!(".public{}", tsunagu::write::SPARE));
    for (i, (what, edit)) in edits.iter().enumerate() {
        let text = std::fs::read_to_string(&yaml).unwrap();
        std::fs::write(&yaml, edit(&text)).unwrap();
        let (code, msg) = common::build(site.path(), &out, &[]);
        assert_eq!(code, 0, "{what}: {msg}");
        assert!(
            spare.join(".tsunagu-output").is_file(),
            "{what}: the earlier site is kept"
        );
        let clean = site.path().join(format!("clean-{i}"));
        assert_eq!(common::build(site.path(), &clean, &[]).0, 0);
        let list = |dir: &Path| -> Vec<std::path::PathBuf> {
            common::files(dir)
                .into_iter()
                .map(|f| f.strip_prefix(dir).unwrap().to_path_buf())
                .filter(|f| !f.starts_with(".tsunagu"))
                .collect()
        };
        assert_eq!(list(&out), list(&clean), "{what}: the same files");
        for rel in list(&clean) {
            assert!(
                std::fs::read(out.join(&rel)).unwrap() == std::fs::read(clean.join(&rel)).unwrap(),
                "{what}: {} differs from a clean build",
                rel.display()
            );
        }
        // Folders of removed pages do not linger.
        let dirs = |d: &Path| walk_dirs(d).len();
        assert_eq!(dirs(&out), dirs(&clean), "{what}: the same folders");
    }
}

fn walk_dirs(d: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(d).unwrap().flatten() {
        if e.file_type().unwrap().is_dir() {
            out.push(e.path());
            out.extend(walk_dirs(&e.path()));
        }
    }
    out
}
