//! Where a command may write: one guard for every folder and file tsunagu writes (`build`,
//! `serve`, `stale`, `pdf`, `--report`), so that no command replaces a user's files, the
//! site's own sources, a home or system folder, or puts something for staff only where it
//! would be published. Paths are resolved first (`..`, symbolic links), so a roundabout
//! way of naming a folder is judged as the folder it is.

use std::path::{Component, Path, PathBuf};

use crate::MARKER;
use diagnostics::Diagnostic;

/// Present in a folder of files tsunagu added (確認票, PDFs): they may be written again.
pub const FILES_MARKER: &str = ".tsunagu-files";

/// What a command writes.
pub enum Kind<'a> {
    /// A site, replaced as a whole (`build`; `serve`'s preview folder).
    Site,
    /// Files added to a folder (`stale`'s 確認票 and CSV, `pdf`'s PDFs), named here: only
    /// they are replaced. The folder may not be, or be inside, a published site.
    Files(&'a [PathBuf]),
    /// One file (`--report`): never inside the sources or a published site.
    File,
}

/// Refuses `out` for `kind` with the reason and what to do instead. `--force` lets a
/// site replace a folder tsunagu did not make, and files replace files of the same names;
/// nothing lets a command write over the sources, a home or system folder, or into a
/// published site.
pub fn check(root: &Path, out: &Path, kind: &Kind, force: bool) -> Result<(), Diagnostic> {
    let (root_n, out_n) = (resolve(root), resolve(out));
    let refuse = |why: String, help: &str| {
        Err(Diagnostic::error(
            out,
            None,
            format!("「{}」には書き出せません: {why}", out.display()),
        )
        .with_help(help.to_string()))
    };
    let elsewhere = match kind {
        Kind::Site => "--output で、サイトの外の新しいフォルダ（例: public）を指定してください",
        Kind::Files(_) => {
            "--output で、公開するフォルダとサイトの原稿の外にあるフォルダ（例: kakunin）を指定してください"
        }
        Kind::File => "公開するフォルダとサイトの原稿の外にあるファイルを指定してください",
    };
    let is_dir = out_n.is_dir();
    match kind {
        Kind::File if is_dir => return refuse("フォルダです".into(), elsewhere),
        Kind::Site | Kind::Files(_) if out_n.exists() && !is_dir => {
            return refuse("フォルダではなくファイルです".into(), elsewhere);
        }
        _ => {}
    }
    if root_n.starts_with(&out_n) {
        return refuse(
            "サイトのフォルダそのもの、またはそれを含むフォルダです".into(),
            elsewhere,
        );
    }
    if out_n == root_n.join(load::config::CONFIG_FILE) {
        return refuse("サイトの設定ファイルです".into(), elsewhere);
    }
    for src in ["content", "templates", "static", "themes"] {
        if out_n.starts_with(root_n.join(src)) {
            return refuse(
                format!("サイトの原稿のフォルダ（{src}/）の中です"),
                elsewhere,
            );
        }
    }
    if !matches!(kind, Kind::File) {
        if let Some(home) = home().map(|h| resolve(&h))
            && home.starts_with(&out_n)
        {
            return refuse(
                "ホームフォルダ（またはそれを含むフォルダ）です".into(),
                elsewhere,
            );
        }
        if is_system(&out_n) {
            return refuse("システムのフォルダです".into(), elsewhere);
        }
    }
    // A published site holds only what its build made: nothing is added inside it, and no
    // second site either.
    let published = out_n
        .ancestors()
        .skip(usize::from(matches!(kind, Kind::Site)))
        .find(|a| a.join(MARKER).is_file());
    if let Some(site) = published {
        let help = match kind {
            Kind::Files(_) => {
                "確認票や PDF は職員用です。公開するフォルダの外に書き出してください（ガイドの PDF を公開するには build --pdf を使います）"
            }
            _ => elsewhere,
        };
        return refuse(
            format!("公開用に書き出したサイト（{}）の中です", site.display()),
            help,
        );
    }
    // Where `build` publishes by default, even before the first build.
    if !matches!(kind, Kind::Site) && out_n.starts_with(root_n.join("public")) {
        return refuse(
            "サイトを書き出すフォルダ（public/）の中です".into(),
            elsewhere,
        );
    }
    if force {
        return Ok(());
    }
    match kind {
        Kind::Site => {
            let empty = std::fs::read_dir(&out_n).map_or(true, |mut d| d.next().is_none());
            if !empty && !out_n.join(MARKER).exists() {
                return refuse(
                    format!(
                        "tsunagu が作ったフォルダではありません（{MARKER} がありません）。中身を消さないよう止めました"
                    ),
                    "置き換えてよいフォルダなら --force を付けてください。そうでなければ、新しいフォルダを指定してください",
                );
            }
        }
        Kind::Files(names) => {
            let ours = out_n.join(FILES_MARKER).exists();
            if let Some(taken) = names.iter().find(|n| !ours && out_n.join(n).exists()) {
                return refuse(
                    format!(
                        "同じ名前のファイル（{}）があり、tsunagu が書き出したものか分かりません",
                        taken.display()
                    ),
                    "上書きしてよければ --force を付けてください。そうでなければ、新しいフォルダを指定してください",
                );
            }
        }
        Kind::File => {}
    }
    Ok(())
}

/// Marks a folder of added files as ours, so the next run may replace them.
pub fn mark_files(dir: &Path) -> std::io::Result<()> {
    std::fs::write(
        dir.join(FILES_MARKER),
        "tsunagu が書き出したファイルのフォルダです（同じ名前のファイルは次の実行で書き換えます）。\n",
    )
}

/// `p` made absolute with `..` and symbolic links resolved: the part that exists is asked
/// of the system, the rest is worked out by name.
pub fn resolve(p: &Path) -> PathBuf {
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest: Vec<Component> = Vec::new();
    let base = loop {
        if let Ok(c) = existing.canonicalize() {
            break c;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut out = base;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn home() -> Option<PathBuf> {
    #[cfg(windows)]
    let var = "USERPROFILE";
    #[cfg(not(windows))]
    let var = "HOME";
    std::env::var_os(var).map(PathBuf::from)
}

/// A drive or the file system's root, a folder right below it, or inside the system's own.
fn is_system(p: &Path) -> bool {
    let names: Vec<String> = p
        .components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_string_lossy().to_ascii_lowercase()),
            _ => None,
        })
        .collect();
    if names.len() <= 1 {
        return true;
    }
    #[cfg(windows)]
    const SYSTEM: &[&str] = &[
        "windows",
        "program files",
        "program files (x86)",
        "programdata",
    ];
    #[cfg(not(windows))]
    const SYSTEM: &[&str] = &[
        "bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "proc", "sbin", "sys", "usr",
    ];
    // /dev/shm is memory that users may write to (a tmpfs): a folder inside it is theirs.
    #[cfg(not(windows))]
    if names[0] == "dev" && names[1] == "shm" && names.len() > 2 {
        return false;
    }
    SYSTEM.contains(&names[0].as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roundabout_names_are_resolved() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(site.join("content")).unwrap();
        let site_n = resolve(&site);
        assert_eq!(resolve(&site.join("content/../x/../")), site_n);
        assert_eq!(resolve(&site.join("new/deeper/..")), site_n.join("new"));
        #[cfg(unix)]
        {
            let link = dir.path().join("link");
            std::os::unix::fs::symlink(&site, &link).unwrap();
            assert_eq!(resolve(&link.join("content")), site_n.join("content"));
        }
    }

    #[test]
    fn system_folders_are_known() {
        #[cfg(not(windows))]
        {
            assert!(is_system(Path::new("/")));
            assert!(is_system(Path::new("/srv")));
            assert!(is_system(Path::new("/usr/share/site")));
            assert!(is_system(Path::new("/dev/shm")));
            assert!(is_system(Path::new("/dev/sda1/x")));
            assert!(!is_system(Path::new("/dev/shm/tsunagu-bench/out")));
            assert!(!is_system(Path::new("/var/www/zaitaku")));
            assert!(!is_system(Path::new("/home/staff/public")));
        }
    }
}
