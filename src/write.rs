//! Step 4 of a build: minify, write everything into a staging folder beside the output,
//! then swap it in. A build that fails before the swap leaves the old output untouched.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::outputs::{Content, OutputFile};

/// Present in every folder tsunagu wrote; only such folders are ever replaced.
pub const MARKER: &str = ".tsunagu-output";

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    pub minify: bool,
    /// Replace an output folder even when it does not look like ours.
    pub force: bool,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct WriteStats {
    pub files: usize,
    pub bytes: u64,
}

/// Writes `files` as the new content of `out_dir`.
pub fn publish(
    root: &Path,
    out_dir: &Path,
    files: &[OutputFile],
    opts: WriteOptions,
) -> Result<WriteStats, Diagnostic> {
    check_target(root, out_dir, opts.force)?;
    let parent = out_dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    let staging = parent.join(format!(".{name}.tsunagu-new-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);

    let result = write_tree(root, &staging, files, opts.minify).and_then(|stats| {
        swap_in(&staging, out_dir).map_err(|e| io_error(out_dir, &e))?;
        Ok(stats)
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}

fn write_tree(
    root: &Path,
    dir: &Path,
    files: &[OutputFile],
    minify: bool,
) -> Result<WriteStats, Diagnostic> {
    fs::create_dir_all(dir).map_err(|e| io_error(dir, &e))?;
    let mut dirs: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| f.path.parent().map(|p| dir.join(p)))
        .collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).map_err(|e| io_error(d, &e))?;
    }
    let cfg = minify_config();
    let sizes: Result<Vec<u64>, Diagnostic> = files
        .par_iter()
        .map(|f| {
            let target = dir.join(&f.path);
            let bytes: std::borrow::Cow<[u8]> = match &f.content {
                Content::Html(s) if minify => minify_html::minify(s.as_bytes(), &cfg).into(),
                Content::Html(s) => s.as_bytes().into(),
                Content::Bytes(b) => b.as_slice().into(),
                Content::Embedded(b) => (*b).into(),
                Content::Copy(src) => {
                    let from = root.join(src);
                    return fs::copy(&from, &target).map_err(|e| io_error(&from, &e));
                }
            };
            fs::write(&target, &bytes).map_err(|e| io_error(&target, &e))?;
            Ok(bytes.len() as u64)
        })
        .collect();
    fs::write(
        dir.join(MARKER),
        "tsunagu が書き出したフォルダです。ビルドのたびに作り直されます。\n",
    )
    .map_err(|e| io_error(dir, &e))?;
    Ok(WriteStats {
        files: files.len(),
        bytes: sizes?.iter().sum(),
    })
}

fn minify_config() -> minify_html::Cfg {
    minify_html::Cfg {
        keep_closing_tags: true,
        keep_html_and_head_opening_tags: true,
        // Stylesheets select text fields by `[type="text"]`.
        keep_input_type_text_attr: true,
        ..minify_html::Cfg::default()
    }
}

/// Moves the old output aside, the new one in, then deletes the old one.
fn swap_in(staging: &Path, out_dir: &Path) -> io::Result<()> {
    if out_dir.exists() {
        let old = staging.with_file_name(
            staging
                .file_name()
                .map(|n| n.to_string_lossy().replace("-new-", "-old-"))
                .unwrap_or_default(),
        );
        let _ = fs::remove_dir_all(&old);
        fs::rename(out_dir, &old)?;
        if let Err(e) = fs::rename(staging, out_dir) {
            // Put the previous site back rather than leave nothing published.
            let _ = fs::rename(&old, out_dir);
            return Err(e);
        }
        let _ = fs::remove_dir_all(&old);
        Ok(())
    } else {
        fs::rename(staging, out_dir)
    }
}

/// Refuses output folders whose replacement would destroy something that is not ours.
fn check_target(root: &Path, out_dir: &Path, force: bool) -> Result<(), Diagnostic> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let (root_abs, out_abs) = (abs(root), abs(out_dir));
    let refuse = |why: &str| {
        Err(Diagnostic::error(
            out_dir,
            None,
            format!("出力先「{}」には書き出せません: {why}", out_dir.display()),
        )
        .with_help("--output で、サイトの外の新しいフォルダ（例: public）を指定してください"))
    };
    if root_abs.starts_with(&out_abs) {
        return refuse("サイトのフォルダそのもの、またはそれを含むフォルダです");
    }
    for src in ["content", "templates", "static", "themes"] {
        if out_abs.starts_with(root_abs.join(src)) {
            return refuse(&format!("サイトの原稿のフォルダ（{src}/）の中です"));
        }
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && out_abs == abs(&home)
    {
        return refuse("ホームフォルダです");
    }
    if out_abs.parent().is_none() || out_abs.components().count() <= 2 && !force {
        return refuse("システムのフォルダです");
    }
    let is_empty = fs::read_dir(out_dir)
        .map(|mut d| d.next().is_none())
        .unwrap_or(true);
    if out_dir.exists() && !is_empty && !out_dir.join(MARKER).exists() && !force {
        return refuse(&format!(
            "tsunagu が作ったフォルダではありません（{MARKER} がありません）。中身を消さないよう止めました。\
             置き換えてよければ --force を付けてください"
        ));
    }
    Ok(())
}

fn io_error(path: &Path, e: &io::Error) -> Diagnostic {
    Diagnostic::error(path, None, format!("書き出しに失敗しました: {e}"))
        .with_help("ディスクの空きと、フォルダに書き込めるかを確かめてください")
}
