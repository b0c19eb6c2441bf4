//! A published site is never lost: a build killed at any moment leaves either the
//! previous site or the new one (never half of one, never none); a full disk or a
//! folder without write permission gives a clear error and the previous site stays;
//! and the same sources give the same bytes from any folder, at any time, in any TZ.

use crate::common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Every file under `dir` (bookkeeping in `.tsunagu/` aside) and its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    if !dir.exists() {
        return BTreeMap::new();
    }
    common::files(dir)
        .into_iter()
        .filter(|p| !p.strip_prefix(dir).unwrap().starts_with(".tsunagu"))
        .map(|p| {
            (
                p.strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

fn set_phone(site: &Path, n: usize) {
    let f = site.join("content/providers/hospitals.yaml");
    let text = std::fs::read_to_string(&f).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("phone:"))
        .unwrap()
        .to_string();
    let indent = &line[..line.len() - line.trim_start().len()];
    std::fs::write(
        &f,
        text.replacen(&line, &format!("{indent}phone: 0990-77-{n:04}"), 1),
    )
    .unwrap();
}

/// A copy of the sample site in `dir/site`, and where it publishes: `dir/public`.
fn sample_in(dir: &Path) -> (PathBuf, PathBuf) {
    let site = dir.join("site");
    std::fs::create_dir(&site).unwrap();
    common::copy_sample(&site);
    (site, dir.join("public"))
}

fn leftovers(parent: &Path) -> Vec<String> {
    std::fs::read_dir(parent)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.contains(".tsunagu-")
                && !n.ends_with(tsunagu::write::SPARE)
                && !n.ends_with(tsunagu::write::STATE)
        })
        .collect()
}

#[test]
fn a_build_killed_at_any_moment_leaves_the_previous_site_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let (site, out) = sample_in(dir.path());
    let reference = dir.path().join("reference");
    assert_eq!(common::build(&site, &out, &[]).0, 0);

    let mut outcomes = BTreeMap::new();
    // Kills spread over a whole build's duration, the last ones near its end (publishing).
    for (i, fraction) in [0.0, 0.25, 0.5, 0.75, 0.88, 0.94, 0.98, 1.0, 1.05, 1.3]
        .into_iter()
        .enumerate()
    {
        let before = snapshot(&out);
        set_phone(&site, i);
        // What a complete build of these sources publishes, and how long it takes.
        let _ = std::fs::remove_dir_all(&reference);
        let started = std::time::Instant::now();
        assert_eq!(common::build(&site, &reference, &[]).0, 0);
        let delay_ms = (started.elapsed().as_millis() as f64 * fraction) as u64;
        let after = snapshot(&reference);
        assert_ne!(before, after, "the edit changes the site");

        let mut child = common::bin()
            .args(["build", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out)
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        let _ = child.kill(); // SIGKILL: no chance to clean up
        let _ = child.wait();

        let now = snapshot(&out);
        assert!(
            !now.is_empty(),
            "killed after {delay_ms} ms: no site published"
        );
        let which = if now == before {
            "previous"
        } else if now == after {
            "new"
        } else {
            panic!(
                "killed after {delay_ms} ms: the published site is neither the previous nor the new one"
            );
        };
        *outcomes.entry(which).or_insert(0) += 1;
    }
    eprintln!("kills that left the previous site / the new one: {outcomes:?}");

    // The next build cleans up what the killed ones left beside the output.
    set_phone(&site, 9999);
    assert_eq!(common::build(&site, &out, &[]).0, 0);
    assert_eq!(leftovers(dir.path()), Vec::<String>::new());
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_site_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (site, out) = sample_in(dir.path());
    assert_eq!(common::build(&site, &out, &[]).0, 0);
    let before = snapshot(&out);
    set_phone(&site, 1);
    // A file-size limit makes every larger write fail as a full disk would (EFBIG);
    // SIGXFSZ is ignored so the write fails instead of killing the process.
    let o = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 16; exec \"$0\" --color never build --root \"$1\" --output \"$2\"")
        .arg(env!("CARGO_BIN_EXE_tsunagu"))
        .arg(&site)
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("書き出しに失敗しました") && err.contains("ディスクの空き"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(snapshot(&out), before, "the previous site is untouched");
    assert_eq!(
        leftovers(dir.path()),
        Vec::<String>::new(),
        "no half-written staging folder"
    );
}

#[cfg(unix)]
#[test]
fn a_folder_without_write_permission_is_a_clear_error_and_the_previous_site_stays() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir(&site).unwrap();
    common::copy_sample(&site);
    let parent = dir.path().join("www");
    std::fs::create_dir(&parent).unwrap();
    let out = parent.join("public");
    assert_eq!(common::build(&site, &out, &[]).0, 0);
    let before = snapshot(&out);
    set_phone(&site, 2);

    // Root ignores permission bits, so as root the build runs as nobody instead.
    let root = running_as_root();
    if !root {
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_tsunagu"));
        c
    } else {
        Command::new(env!("CARGO_BIN_EXE_tsunagu"))
    };
    let o = cmd
        .args(["--color", "never", "build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out)
        .env("SOURCE_DATE_EPOCH", common::EPOCH)
        .output()
        .unwrap();
    if !root {
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("書き出しに失敗しました") && err.contains("www"),
        "{err}"
    );
    assert!(
        err.contains("Permission denied") || err.contains("許可"),
        "{err}"
    );
    assert_eq!(snapshot(&out), before, "the previous site is untouched");
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn the_same_sources_give_the_same_bytes_from_any_folder_at_any_time_in_any_tz() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let site_a = a.path().join("one/site");
    let site_b = b.path().join("another/place/for/the/site");
    for s in [&site_a, &site_b] {
        std::fs::create_dir_all(s).unwrap();
        common::copy_sample(s);
    }
    let run = |site: &Path, out: &Path, tz: &str| {
        let o = common::bin()
            .env("TZ", tz)
            .env("LANG", "C")
            .args(["build", "--root"])
            .arg(site)
            .arg("--output")
            .arg(out)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let out_a = a.path().join("public");
    let out_b = b.path().join("out");
    run(&site_a, &out_a, "UTC");
    common::wait_for_a_later_second(std::time::SystemTime::now());
    run(&site_b, &out_b, "Pacific/Kiritimati");
    let (sa, sb) = (snapshot(&out_a), snapshot(&out_b));
    assert_eq!(sa.keys().collect::<Vec<_>>(), sb.keys().collect::<Vec<_>>());
    for (path, bytes) in &sa {
        assert!(
            bytes == &sb[path],
            "{} differs between the two builds",
            path.display()
        );
    }
    // The bookkeeping files are the same too (no times, no absolute paths).
    let records = |out: &Path| tsunagu::write::records_dir(out).expect("records beside the output");
    for f in ["manifest.json", "providers.json"] {
        assert_eq!(
            std::fs::read(records(&out_a).join(f)).unwrap(),
            std::fs::read(records(&out_b).join(f)).unwrap(),
            "{f}"
        );
    }
}
