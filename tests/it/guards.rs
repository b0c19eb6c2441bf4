//! Nothing lost, nothing leaked: the preview server answers only this machine, every
//! command that writes a folder refuses places where it would destroy or publish
//! something, staff CSVs never hand Excel a live formula, and the ending note's import
//! replaces nothing without asking. Each case was a reproduction that failed before.

use crate::common;

use common::{copy_sample, serve};

fn sample_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_sample(dir.path());
    dir
}

/// A GET addressed to `host`: the status and the headers (in lower case).
fn get_as(addr: &str, host: &str, path: &str) -> (u16, String) {
    let (status, head, _) = common::request(addr, host, path);
    (status, head)
}

/// Opens the preview's socket as a page of `origin` would; the handshake's result.
fn socket_from(addr: &str, origin: Option<&str>) -> Result<(), String> {
    use tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/__tsunagu/ws")
        .into_client_request()
        .unwrap();
    if let Some(o) = origin {
        req.headers_mut().insert("Origin", o.parse().unwrap());
    }
    tungstenite::connect(req)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

// 1. The preview server -------------------------------------------------------------------

#[test]
fn the_preview_answers_only_its_own_host_and_its_own_pages_sockets() {
    let site = sample_copy();
    let server = serve(site.path());
    let port = server.addr.rsplit(':').next().unwrap().to_string();
    for host in [format!("127.0.0.1:{port}"), format!("localhost:{port}")] {
        assert_eq!(get_as(&server.addr, &host, "/").0, 200, "{host}");
    }
    // DNS rebinding: a name of another site pointed at this machine.
    for host in [
        format!("attacker.example:{port}"),
        "127.0.0.1".to_string(),
        format!("127.0.0.1.attacker.example:{port}"),
    ] {
        assert_eq!(get_as(&server.addr, &host, "/").0, 403, "{host}");
        assert_eq!(
            get_as(&server.addr, &host, "/__tsunagu/ws").0,
            403,
            "{host}"
        );
    }
    // A page of another origin open in the same browser gets no build errors.
    assert!(socket_from(&server.addr, Some("http://attacker.example")).is_err());
    assert!(
        socket_from(
            &server.addr,
            Some(&format!("http://127.0.0.1.attacker.example:{port}"))
        )
        .is_err()
    );
    assert!(socket_from(&server.addr, Some(&format!("http://127.0.0.1:{port}"))).is_ok());
    assert!(socket_from(&server.addr, Some(&format!("http://localhost:{port}"))).is_ok());
}

#[test]
fn the_preview_says_what_each_file_is_and_forbids_guessing() {
    let site = sample_copy();
    let statics = site.path().join("static");
    std::fs::create_dir_all(&statics).unwrap();
    for f in [
        "memo.txt",
        "photo.webp",
        "anim.gif",
        "favicon.ico",
        "font.woff2",
        "site.webmanifest",
    ] {
        std::fs::write(statics.join(f), b"x").unwrap();
    }
    let server = serve(site.path());
    for (path, want) in [
        ("/", "text/html; charset=utf-8"),
        ("/memo.txt", "text/plain; charset=utf-8"),
        ("/photo.webp", "image/webp"),
        ("/anim.gif", "image/gif"),
        ("/favicon.ico", "image/x-icon"),
        ("/font.woff2", "font/woff2"),
        (
            "/site.webmanifest",
            "application/manifest+json; charset=utf-8",
        ),
        ("/js/finder.js", "text/javascript; charset=utf-8"),
    ] {
        let (code, head) = get_as(&server.addr, &server.addr, path);
        assert_eq!(code, 200, "{path}");
        assert!(
            head.contains(&format!("content-type: {want}\r\n")),
            "{path}:\n{head}"
        );
        assert!(
            head.contains("x-content-type-options: nosniff"),
            "{path}:\n{head}"
        );
    }
}

#[test]
fn live_reload_and_the_error_overlay_work_on_every_page_type() {
    let site = sample_copy();
    let server = serve(site.path());
    let browser = common::browser(1024);
    let pages = [
        "/",
        "/notes/watashi-note/",
        "/lectures/zaitaku-iryo/",
        "/lectures/zaitaku-iryo/handout/",
        "/lectures/zaitaku-iryo/speaker/",
        "/guide/support/print/",
    ];
    let tabs: Vec<_> = pages
        .iter()
        .map(|p| {
            let tab = common::tab(&browser);
            common::goto(&tab, &format!("http://{}{p}", server.addr));
            // The page's own policy lets the preview's script connect.
            common::wait_until(&tab, "window.__tsunaguLive === true");
            common::eval(&tab, "window.__old = 1; true");
            tab
        })
        .collect();
    let yaml = site.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(&yaml, text.replacen("0990-12-2468", "0990-12-9753", 1)).unwrap();
    for (tab, p) in tabs.iter().zip(pages) {
        common::wait(p, || {
            common::holds(
                tab,
                "window.__old === undefined && document.readyState === 'complete'",
            )
        });
    }
    // A broken edit shows its error over every page, and the page stays.
    std::fs::write(&yaml, text.replacen("  name: ", "  name: [", 1)).unwrap();
    for (tab, p) in tabs.iter().zip(pages) {
        common::wait(p, || {
            common::holds(tab, "!!document.getElementById('tsunagu-error')")
        });
    }
}

// 2. Output folders --------------------------------------------------------------------------

/// `tsunagu ARGS` in the folder `cwd` with `home` as the home folder: exit code and stderr.
fn run_in(cwd: &std::path::Path, home: &std::path::Path, args: &[&str]) -> (i32, String) {
    let o = common::bin()
        .current_dir(cwd)
        .env("HOME", home)
        .env("USERPROFILE", home)
        .args(args)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Every file below `dir` with its bytes, to show nothing moved or changed.
fn snapshot(dir: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    out.sort();
    out
}

#[test]
fn no_way_of_naming_the_sources_or_the_home_folder_gets_past_the_guard() {
    let top = tempfile::tempdir().unwrap();
    let site = top.path().join("site");
    std::fs::create_dir_all(&site).unwrap();
    copy_sample(&site);
    let home = top.path().join("home");
    std::fs::create_dir_all(home.join("documents")).unwrap();
    std::fs::write(home.join("documents/letter.txt"), "大事な手紙").unwrap();
    let before = (snapshot(&site), snapshot(&home));
    let work = site.join("content/guide");
    for (cwd, out) in [
        (&work, "../../../site"),
        (&work, "../.."),
        (&site, "."),
        (&site, "content/../content/guide"),
        (&site, home.to_str().unwrap()),
        (&site, "/"),
    ] {
        for force in [false, true] {
            let mut args = vec!["build", "--root", site.to_str().unwrap(), "--output", out];
            if force {
                args.push("--force");
            }
            let (code, err) = run_in(cwd, &home, &args);
            assert_eq!(
                code,
                1,
                "build --output {out} (force {force}) from {}: {err}",
                cwd.display()
            );
            assert!(err.contains("には書き出せません"), "{err}");
        }
    }
    // No spare or staging folder was made beside any of them.
    assert_eq!((snapshot(&site), snapshot(&home)), before);
    assert!(!top.path().join(".site.tsunagu-spare").exists());
}

#[test]
fn a_regular_file_is_never_taken_for_an_output_folder() {
    let site = sample_copy();
    let file = site.path().join("notes.txt");
    std::fs::write(&file, "メモ").unwrap();
    for force in [false, true] {
        let mut args = vec![
            "build",
            "--root",
            site.path().to_str().unwrap(),
            "--output",
            file.to_str().unwrap(),
        ];
        if force {
            args.push("--force");
        }
        let (code, err) = run_in(site.path(), site.path(), &args);
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("フォルダではなくファイルです"), "{err}");
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "メモ");
}

#[test]
fn the_preview_never_writes_over_a_users_folder_or_the_sources() {
    let site = sample_copy();
    let mine = site.path().join("mine");
    std::fs::create_dir_all(&mine).unwrap();
    std::fs::write(mine.join("index.html"), "<p>わたしのページ</p>").unwrap();
    for out in [mine.to_str().unwrap(), ".", "content/guide", "templates"] {
        let (code, err) = run_in(
            site.path(),
            site.path(),
            &["serve", "--port", "0", "--output", out],
        );
        assert_eq!(code, 1, "serve --output {out}: {err}");
        assert!(err.contains("には書き出せません"), "{err}");
    }
    assert_eq!(
        std::fs::read_to_string(mine.join("index.html")).unwrap(),
        "<p>わたしのページ</p>"
    );
    assert_eq!(common::files(&site.path().join("content/guide")).len(), 8);
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(0), "the site still builds: {err}");
}

#[test]
fn staff_files_never_overwrite_a_users_file_nor_land_in_the_sources() {
    let site = sample_copy();
    let root = site.path().to_str().unwrap();
    let out = site.path().join("kakunin");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("stale.csv"), "わたしの表").unwrap();
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &["stale", "--root", root, "--output", "kakunin"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("同じ名前のファイル（stale.csv）があり"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("stale.csv")).unwrap(),
        "わたしの表"
    );
    // Forced, they are written, and the folder is theirs from then on.
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &["stale", "--root", root, "--output", "kakunin", "--force"],
    );
    assert_eq!(code, 0, "{err}");
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &["stale", "--root", root, "--output", "kakunin"],
    );
    assert_eq!(code, 0, "a second run replaces its own files: {err}");
    for (cmd, into) in [
        ("stale", "content"),
        ("stale", "static/kakunin"),
        ("pdf", "content/guide"),
        ("stale", "public"),
    ] {
        let (code, err) = run_in(
            site.path(),
            site.path(),
            &[cmd, "--root", root, "--output", into],
        );
        assert_eq!(code, 1, "{cmd} --output {into}: {err}");
        assert!(err.contains("には書き出せません"), "{err}");
    }
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(0), "{err}");
    // A report is not published either.
    assert_eq!(
        run_in(site.path(), site.path(), &["build", "--root", root]).0,
        0
    );
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &["diff", "--root", root, "--report", "public/report.txt"],
    );
    assert_eq!(code, 1, "{err}");
    assert!(!site.path().join("public/report.txt").exists());
}

#[test]
fn nothing_for_staff_only_is_inside_the_published_folder() {
    let site = sample_copy();
    let root = site.path().to_str().unwrap();
    let out = site.path().join("public");
    // A folder left by an older tsunagu, which kept its records inside.
    std::fs::create_dir_all(out.join(".tsunagu")).unwrap();
    std::fs::write(
        out.join(".tsunagu-output"),
        "tsunagu が書き出したフォルダです。\n",
    )
    .unwrap();
    std::fs::write(out.join(".tsunagu/report.json"), "{}").unwrap();
    for round in 0..3 {
        if round == 2 {
            let yaml = site.path().join("content/providers/clinics.yaml");
            let text = std::fs::read_to_string(&yaml).unwrap();
            std::fs::write(&yaml, text.replacen("0990-12-2468", "0990-12-9753", 1)).unwrap();
        }
        let (code, err) = run_in(site.path(), site.path(), &["build", "--root", root]);
        assert_eq!(code, 0, "{err}");
        let hidden: Vec<String> = common::files(&out)
            .iter()
            .map(|f| f.strip_prefix(&out).unwrap().to_string_lossy().into_owned())
            .filter(|f| f.starts_with('.'))
            .collect();
        assert_eq!(hidden, [".tsunagu-output"], "round {round}");
        let report = tsunagu::write::report_file(&out);
        assert!(
            report.is_file() && !report.starts_with(&out),
            "{}",
            report.display()
        );
        let records = tsunagu::write::records_dir(&out).unwrap();
        assert!(!records.starts_with(&out));
        assert!(records.join("manifest.json").is_file() && records.join("inputs.json").is_file());
    }
    let report = std::fs::read_to_string(tsunagu::write::report_file(&out)).unwrap();
    assert!(report.contains("0990-12-9753"), "the last build's report");
}

// 3. Staff CSVs --------------------------------------------------------------------------------

#[test]
fn no_cell_of_a_staff_csv_runs_as_a_formula() {
    let site = sample_copy();
    let root = site.path().to_str().unwrap();
    let yaml = site.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    // さかえ整形外科医院 is overdue for confirmation, so it is in stale.csv.
    std::fs::write(
        &yaml,
        text.replacen(
            "name: さかえ整形外科医院",
            "name: \"=HYPERLINK(\\\"http://attacker.example/\\\",\\\"開く\\\")\"",
            1,
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &[
            "stale",
            "--root",
            root,
            "--output",
            out.path().to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    let csv = std::fs::read_to_string(out.path().join("stale.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let names: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[2].to_string())
        .collect();
    assert!(
        names.contains(&"'=HYPERLINK(\"http://attacker.example/\",\"開く\")".to_string()),
        "{names:?}"
    );
    for r in csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes()).records() {
        for cell in r.unwrap().iter() {
            assert!(!cell.starts_with(['=', '+', '-', '@']), "live cell {cell}");
        }
    }

    // An import says so of a name a spreadsheet would run.
    let file = site.path().join("new.csv");
    std::fs::write(
        &file,
        "名称,医療機関の種類,住所,電話番号\n=HYPERLINK(\"http://x/\"),診療所,みどり市本町1丁目9番,0990-12-3333\n",
    )
    .unwrap();
    let (code, err) = run_in(
        site.path(),
        site.path(),
        &[
            "import",
            "--root",
            root,
            file.to_str().unwrap(),
            "--dry-run",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("名称「=HYPERLINK(\"http://x/\")」は表計算ソフトで式として動く文字（= + - @）で始まっています"),
        "{err}"
    );
}

// 4. The ending note's import --------------------------------------------------------------------

fn name_on(tab: &chromium::Tab) -> String {
    common::eval(tab, "document.getElementById('cover-name').value")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn stored_name(tab: &chromium::Tab) -> String {
    common::eval(
        tab,
        "(() => { const k = Object.keys(localStorage).find(k => k.startsWith('tsunagu-note:')); return k ? (JSON.parse(localStorage.getItem(k)).answers['表紙/お名前'] || '') : ''; })()",
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

fn note_status(tab: &chromium::Tab) -> String {
    common::eval(tab, "document.getElementById('note-status').textContent")
        .as_str()
        .unwrap_or_default()
        .to_string()
}

/// Chooses `file` in the note's 「ファイルから読み込む」 and waits for the note to answer.
fn choose_file(tab: &chromium::Tab, file: &std::path::Path) {
    common::eval(
        tab,
        "document.getElementById('note-status').textContent = ''; true",
    );
    common::wait_for(tab, "#note-import");
    tab.set_files("#note-import", &[file]).unwrap();
    common::wait_until(
        tab,
        "document.getElementById('note-status').textContent !== '' || !document.getElementById('note-confirm').hidden",
    );
}

#[test]
fn the_notes_import_replaces_nothing_without_asking_and_saving() {
    let served = common::serve_sample(&[]);
    let browser = common::browser(1024);
    let tab = common::tab(&browser);
    common::goto(&tab, &format!("{}notes/watashi-note/", served.base));
    common::wait_until(&tab, "!document.getElementById('note-tools').hidden");
    let note = common::eval(
        &tab,
        "document.getElementById('note-form').getAttribute('data-note')",
    )
    .as_str()
    .unwrap()
    .to_string();
    common::eval(
        &tab,
        "const e = document.getElementById('cover-name'); e.value = 'みどり花子'; e.dispatchEvent(new Event('input', {bubbles: true})); true",
    );
    common::wait_until(
        &tab,
        "document.getElementById('note-status').textContent.includes('保存しました')",
    );
    assert_eq!(stored_name(&tab), "みどり花子");

    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, json: serde_json::Value| {
        let p = dir.path().join(name);
        std::fs::write(&p, json.to_string()).unwrap();
        p
    };
    let answers = serde_json::json!({"表紙/お名前": "かすみ太郎"});
    let refused = [
        (
            file(
                "other.json",
                serde_json::json!({"format": "tsunagu-note", "version": 1, "note": "notes/other/", "answers": answers}),
            ),
            "このファイルは、別のノートのものです。今の内容はそのままです。",
        ),
        (
            file(
                "empty.json",
                serde_json::json!({"format": "tsunagu-note", "version": 1, "note": note, "answers": []}),
            ),
            "このファイルには答えが入っていません。今の内容はそのままです。",
        ),
        (
            file(
                "future.json",
                serde_json::json!({"format": "tsunagu-note", "version": 99, "note": note, "answers": answers}),
            ),
            "このファイルは、この画面とは別の版で作られたもので、読み込めません。今の内容はそのままです。",
        ),
    ];
    let big = dir.path().join("big.json");
    std::fs::write(&big, format!("{{\"format\":\"tsunagu-note\",\"version\":1,\"note\":{note:?},\"answers\":{{\"表紙/お名前\":\"{}\"}}}}", "あ".repeat(6_000_000))).unwrap();
    for (path, message) in refused.iter().map(|(p, m)| (p.clone(), *m)).chain([(
        big.clone(),
        "このファイルは大きすぎるため、このノートのファイルではありません。今の内容はそのままです。",
    )]) {
        choose_file(&tab, &path);
        assert_eq!(note_status(&tab), message, "{}", path.display());
        assert_eq!(name_on(&tab), "みどり花子");
        assert_eq!(stored_name(&tab), "みどり花子");
    }

    // This note's own file: asked first; 「やめる」 keeps everything.
    let good = file(
        "good.json",
        serde_json::json!({"format": "tsunagu-note", "version": 1, "note": note, "answers": answers}),
    );
    choose_file(&tab, &good);
    let question = common::eval(
        &tab,
        "document.getElementById('note-confirm-text').textContent",
    );
    assert_eq!(
        question.as_str().unwrap(),
        "今書いてある 1 項目を、ファイルの 1 項目で置き換えます。置き換えると、今の内容は消えます（すぐ後なら元に戻せます）。"
    );
    common::eval(
        &tab,
        "document.getElementById('note-confirm-no').click(); true",
    );
    assert_eq!(
        (name_on(&tab), stored_name(&tab)),
        ("みどり花子".into(), "みどり花子".into())
    );

    // A save that fails changes nothing and says so.
    common::eval(
        &tab,
        "window.__set = Storage.prototype.setItem; Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); }; true",
    );
    choose_file(&tab, &good);
    common::eval(
        &tab,
        "document.getElementById('note-confirm-yes').click(); true",
    );
    assert!(
        note_status(&tab).starts_with("保存できなかったため、読み込みませんでした"),
        "{}",
        note_status(&tab)
    );
    assert_eq!(
        (name_on(&tab), stored_name(&tab)),
        ("みどり花子".into(), "みどり花子".into())
    );
    common::eval(&tab, "Storage.prototype.setItem = window.__set; true");

    // Said yes, it is replaced and saved, and can be put back.
    choose_file(&tab, &good);
    common::eval(
        &tab,
        "document.getElementById('note-confirm-yes').click(); true",
    );
    assert_eq!(
        (name_on(&tab), stored_name(&tab)),
        ("かすみ太郎".into(), "かすみ太郎".into())
    );
    assert_eq!(
        note_status(&tab),
        "ファイルから 1 項目を読み込んで、この端末に保存しました。"
    );
    common::eval(
        &tab,
        "document.getElementById('note-confirm-yes').click(); true",
    );
    assert_eq!(
        (name_on(&tab), stored_name(&tab)),
        ("みどり花子".into(), "みどり花子".into())
    );
    assert_eq!(note_status(&tab), "前の内容に戻しました。");
}

// 5. Smaller things -------------------------------------------------------------------------------

#[test]
fn a_map_credit_link_must_be_a_web_address() {
    let site = sample_copy();
    let toml = site.path().join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[map]\ntiles = \"https://tiles.example.jp/{{z}}/{{x}}/{{y}}.png\"\nattribution = \"地図\"\nattribution_url = \"javascript:alert(1)\"\n"),
    )
    .unwrap();
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: [map] attribution_url「javascript:alert(1)」は使えません"),
        "{err}"
    );
}

#[test]
fn an_unsafe_link_is_reported_where_it_is_written() {
    let site = sample_copy();
    let page = site.path().join("content/guide/hajimeni.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}\n[押して](javascript:alert(1))\n")).unwrap();
    let (code, err) = common::check(site.path());
    assert_eq!(code, Some(1), "{err}");
    let line = text.lines().count() + 2;
    assert!(
        err.contains("error: リンク「javascript:alert(1)」は使えない種類のリンクです"),
        "{err}"
    );
    assert!(
        err.contains(&format!("┌─ content/guide/hajimeni.md:{line}:1")),
        "{err}"
    );
    assert!(!err.contains("（出力）"), "not at a generated page: {err}");
}

#[test]
fn a_new_site_with_a_guide_and_no_providers_yet_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("new");
    assert_eq!(
        run_in(dir.path(), dir.path(), &["init", site.to_str().unwrap()]).0,
        0
    );
    let toml = site.join("site.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(
        &toml,
        format!("{text}\n[guides.g]\ntitle = \"ガイド\"\nedition = \"2026-12-01\"\n\n[[guides.g.parts]]\neach_category = true\n"),
    )
    .unwrap();
    let (code, err) = common::check(&site);
    assert_eq!(code, Some(0), "{err}");
}
