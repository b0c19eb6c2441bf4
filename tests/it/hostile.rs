//! The hostile-input corpus (`tests/hostile/`): broken and malicious sources, each put
//! into a small valid site and built with the real binary. Every case must end in a clear
//! error (exit 1, the file and line named, no panic) or in pages where the input is
//! escaped; none may write outside the output folder, hang or use much memory.
//!
//! `expect.tsv` lists the cases: file, where it goes in the site, exit code, the
//! `file:line:` the error must name, and a word the message must contain. A few cases
//! that cannot live in a file (10 MB values, symlinks) are made here. Time limits here only
//! catch a hang; speed is the benchmark's (`bench/bench.py --hostile`).

use crate::common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Only against a hang: a case takes well under a second with the release binary, a few
/// with the debug one. How quickly they are refused is measured in `bench/bench.py --hostile`.
const LIMIT: Duration = Duration::from_secs(300);
/// Address-space cap for one build (ulimit -v), in KiB: 4 GiB.
const MEMORY_KIB: u64 = 4 * 1024 * 1024;

const VALID_RECORD: &str = "- id: valid-clinic
  name: ふつうの医院
  kana: ふつうのいいん
  category: clinic
  area: chuo
  address: テスト市本町1丁目2番3号
  phone: 0990-12-0000
  updated: 2026-09-01
";

fn corpus() -> PathBuf {
    common::root().join("tests/hostile")
}

/// A valid little site inside `parent/site`.
fn base_site(parent: &Path) -> PathBuf {
    let site = parent.join("site");
    let files = [
        (
            "site.toml",
            std::fs::read_to_string(corpus().join("base-site.toml.txt")).unwrap(),
        ),
        (
            "content/_index.md",
            "---\ntitle: テスト市\n---\n\nようこそ。\n".to_string(),
        ),
        (
            "content/about.md",
            "---\ntitle: このサイトについて\n---\n\nテスト市が作っています。\n".to_string(),
        ),
        ("content/providers/a.yaml", VALID_RECORD.to_string()),
    ];
    for (rel, text) in files {
        let p = site.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    site
}

struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
}

/// `tsunagu build` under a time limit and a memory cap.
fn build(site: &Path) -> Run {
    let start = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB}; exec \"$0\" --color never build --root \"$1\""
        ))
        .arg(env!("CARGO_BIN_EXE_tsunagu"))
        .arg(site)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut s);
        s
    });
    let code = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if start.elapsed() > LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Run {
        code,
        stderr: reader.join().unwrap_or_default(),
        took: start.elapsed(),
    }
}

/// Every path under `dir` except the build output, to see nothing else was written.
fn snapshot(dir: &Path, output: &Path) -> Vec<PathBuf> {
    // The build's records live beside its output, by design.
    let records = tsunagu::write::state_root(output);
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .follow_links(false)
        .into_iter()
        .flatten()
        .map(|e| e.path().to_path_buf())
        .filter(|p| !p.starts_with(output) && !p.starts_with(&records))
        .collect();
    out.sort();
    out
}

/// Parses every page as a browser would and fails on anything that could run: a script
/// element the theme did not write, an `on…` attribute, a `javascript:` or `data:` URL,
/// an iframe, object or embed. (Data files are checked elsewhere: CSV is text as
/// written, JSON has `<` and `>` escaped.)
fn assert_escaped(name: &str, out: &Path) {
    for f in common::files(out) {
        if f.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        let doc = scraper::Html::parse_document(&text);
        for el in doc
            .root_element()
            .descendants()
            .filter_map(scraper::ElementRef::wrap)
        {
            let tag = el.value().name();
            assert!(
                !matches!(tag, "iframe" | "object" | "embed"),
                "{name}: <{tag}> in {}",
                f.display()
            );
            // Data blocks (JSON-LD) hold the text escaped; they never run.
            let data = el.value().attr("type").is_some_and(|t| t.ends_with("json"));
            if tag == "script" && !data {
                let body: String = el.text().collect();
                assert!(
                    !body.contains("alert"),
                    "{name}: injected script in {}",
                    f.display()
                );
            }
            for (attr, value) in el.value().attrs() {
                assert!(
                    !attr.starts_with("on"),
                    "{name}: {attr}= on <{tag}> in {}",
                    f.display()
                );
                let v = value.trim().to_ascii_lowercase();
                if matches!(
                    attr,
                    "href" | "src" | "action" | "formaction" | "xlink:href"
                ) {
                    assert!(
                        !v.starts_with("javascript:")
                            && !v.starts_with("data:text/html")
                            && !v.starts_with("vbscript:"),
                        "{name}: {attr}={value} in {}",
                        f.display()
                    );
                }
            }
        }
    }
}

/// Runs one case; returns a line for the summary.
fn run_case(
    name: &str,
    place: impl FnOnce(&Path),
    exit: i32,
    location: &str,
    message: &str,
) -> String {
    let parent = tempfile::tempdir().unwrap();
    let site = base_site(parent.path());
    place(&site);
    let output = site.join("public");
    let before = snapshot(parent.path(), &output);
    let r = build(&site);
    let stderr = r.stderr.replace('\\', "/");
    assert!(
        r.code.is_some(),
        "{name}: killed after {:?} (limit {LIMIT:?})\n{stderr}",
        r.took
    );
    assert!(
        !stderr.contains("panicked") && r.code != Some(101),
        "{name}: panic\n{stderr}"
    );
    assert_eq!(r.code, Some(exit), "{name}: exit code\n{stderr}");
    let after = snapshot(parent.path(), &output);
    let added: Vec<_> = after.iter().filter(|p| !before.contains(p)).collect();
    assert!(
        added.is_empty(),
        "{name}: wrote outside the output folder: {added:?}"
    );
    if exit == 0 {
        assert_escaped(name, &output);
    } else {
        assert!(
            !output.exists(),
            "{name}: a failed build left an output folder"
        );
        assert!(
            stderr.contains(location),
            "{name}: no «{location}» in\n{stderr}"
        );
        assert!(
            stderr.contains(message),
            "{name}: no «{message}» in\n{stderr}"
        );
        assert!(
            stderr.contains("help:") || stderr.contains(" ("),
            "{name}: no hint\n{stderr}"
        );
    }
    format!(
        "{name}: exit {exit}, {:.0} ms",
        r.took.as_secs_f64() * 1000.0
    )
}

#[test]
fn every_case_in_the_corpus_fails_cleanly_or_is_escaped() {
    let list = std::fs::read_to_string(corpus().join("expect.tsv")).unwrap();
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for line in list
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        let [file, target, exit, location, message] = cols[..] else {
            panic!("expect.tsv: bad line {line:?}");
        };
        let exit: i32 = exit.parse().unwrap();
        let src = corpus().join(file);
        let outcome = std::panic::catch_unwind(|| {
            run_case(
                file,
                |site| {
                    let dest = site.join(target);
                    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
                    std::fs::copy(&src, dest).unwrap();
                },
                exit,
                location,
                message,
            )
        });
        match outcome {
            Ok(line) => report.push(line),
            Err(e) => failures.push(
                e.downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default(),
            ),
        }
    }
    eprintln!("{}", report.join("\n"));
    assert!(
        report.len() + failures.len() >= 60,
        "the corpus has at least 60 cases"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        report.len() + failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn ten_megabyte_values_are_refused() {
    let big = "あ".repeat(10 * 1024 * 1024 / 3);
    run_case(
        "10 MB name",
        |site| {
            let yaml = VALID_RECORD
                .replace("ふつうの医院", &big)
                .replace("valid-clinic", "big");
            std::fs::write(site.join("content/providers/big.yaml"), yaml).unwrap();
        },
        1,
        "big.yaml:2:",
        "長すぎ",
    );
    run_case(
        "10 MB page",
        |site| {
            let md = format!(
                "---\ntitle: 大きい\n---\n\n{}\n",
                "長い文章です。".repeat(500_000)
            );
            std::fs::write(site.join("content/big.md"), md).unwrap();
        },
        0,
        "",
        "",
    );
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_site_are_not_followed() {
    use std::os::unix::fs::symlink;
    let secret = tempfile::tempdir().unwrap();
    std::fs::write(
        secret.path().join("secret.md"),
        "---\ntitle: 秘密\n---\n\nSECRET-TEXT\n",
    )
    .unwrap();
    std::fs::write(
        secret.path().join("secret.yaml"),
        VALID_RECORD.replace("valid-clinic", "secret"),
    )
    .unwrap();
    std::fs::write(secret.path().join("secret.css"), "SECRET-CSS").unwrap();
    for (name, link, target) in [
        (
            "page symlink",
            "content/secret.md",
            secret.path().join("secret.md"),
        ),
        (
            "provider symlink",
            "content/providers/secret.yaml",
            secret.path().join("secret.yaml"),
        ),
        (
            "folder symlink",
            "content/outside",
            secret.path().to_path_buf(),
        ),
        (
            "static symlink",
            "static/secret.css",
            secret.path().join("secret.css"),
        ),
        ("loop", "content/loop", PathBuf::from("..")),
        (
            "system file",
            "content/passwd.md",
            PathBuf::from("/etc/passwd"),
        ),
    ] {
        let parent = tempfile::tempdir().unwrap();
        let site = base_site(parent.path());
        let at = site.join(link);
        std::fs::create_dir_all(at.parent().unwrap()).unwrap();
        symlink(&target, &at).unwrap();
        let r = build(&site);
        assert!(!r.stderr.contains("panicked"), "{name}: {}", r.stderr);
        assert!(
            r.code.is_some_and(|c| c == 0 || c == 1),
            "{name}: {:?} {}",
            r.code,
            r.stderr
        );
        // A link to a folder inside the site is harmless and not followed; every other
        // one is named.
        if name != "loop" {
            assert!(
                r.stderr.contains("シンボリックリンク"),
                "{name}: the link is mentioned: {}",
                r.stderr
            );
        }
        if site.join("public").exists() {
            for f in common::files(&site.join("public")) {
                let bytes = std::fs::read(&f).unwrap();
                let text = String::from_utf8_lossy(&bytes);
                assert!(
                    !text.contains("SECRET") && !text.contains("root:x:0"),
                    "{name}: {} leaked",
                    f.display()
                );
            }
        }
    }
}
