//! Templates and static files: the theme's, with the site's own laid over them.
//!
//! The default theme is compiled into the binary so a site needs no `themes/` folder;
//! files in a `themes/<name>/` folder at the site root win over it, one by one.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{read_text, walk_files};
use diagnostics::{Diagnostic, Diagnostics};
use model::{Asset, TemplateSource};

macro_rules! theme_files {
    ($($path:literal),* $(,)?) => {
        /// The default theme's files, relative to `themes/default/`.
        pub const DEFAULT_THEME: &[(&str, &[u8])] = &[
            $(($path, include_bytes!(concat!("../../../themes/default/", $path)))),*
        ];
    };
}

theme_files!(
    "templates/base.html",
    "templates/index.html",
    "templates/page.html",
    "templates/section.html",
    "templates/404.html",
    "templates/opendata.html",
    "templates/accessibility.html",
    "templates/accessibility_results.html",
    "templates/partials/breadcrumbs.html",
    "templates/partials/provider_list.html",
    "templates/partials/provider_card.html",
    "templates/partials/provider_row.html",
    "templates/partials/window_list.html",
    "templates/providers/index.html",
    "templates/providers/list.html",
    "templates/providers/provider.html",
    "templates/providers/find.html",
    "templates/note.html",
    "templates/stale/sheets.html",
    "templates/lecture.html",
    "templates/lecture/slides.js",
    "templates/lecture/slides.css",
    "templates/lecture/handout.html",
    "templates/lecture/speaker.html",
    "templates/print/guide.html",
    "templates/print/guide.css",
    "templates/search.html",
    "static/css/style.css",
    "static/js/textsize.js",
    "static/js/note.js",
    "static/js/fold.js",
    "static/js/providers.js",
    "static/js/opening.js",
    "static/js/finder.js",
    "static/js/map.js",
    "static/css/map.css",
    "static/vendor/leaflet/leaflet.js",
    "static/vendor/leaflet/leaflet.css",
    "static/vendor/leaflet/LICENSE",
    "static/js/search.js",
    "static/css/note.css",
    "static/css/note-a5.css",
    "static/css/search.css",
    "static/favicon.svg",
);

/// The theme's templates and static files, and warnings about them. The built-in default
/// theme is always the base: a `themes/<name>/` folder and then the site's own
/// `templates/` and `static/` are laid over it file by file, so a site that changed one
/// template still gets every other file as tsunagu ships it.
pub fn load(
    root: &Path,
    theme: &str,
) -> Result<(Vec<TemplateSource>, Vec<Asset>, Diagnostics), Diagnostics> {
    let mut templates: BTreeMap<String, TemplateSource> = BTreeMap::new();
    let mut assets: BTreeMap<PathBuf, Asset> = BTreeMap::new();
    let mut diags = Diagnostics::new();
    let theme_dir = Path::new("themes").join(theme);

    for (path, bytes) in DEFAULT_THEME {
        let file = Path::new("themes/default").join(path);
        if let Some(name) = path.strip_prefix("templates/") {
            let text = String::from_utf8_lossy(bytes).into_owned();
            templates.insert(
                name.into(),
                TemplateSource {
                    name: name.into(),
                    text,
                    file,
                },
            );
        } else if let Some(out) = path.strip_prefix("static/") {
            let output = PathBuf::from(out);
            assets.insert(
                output.clone(),
                Asset {
                    source: file,
                    output,
                    embedded: Some(bytes),
                },
            );
        }
    }
    if root.join(&theme_dir).is_dir() {
        let before = diags.error_count();
        add_dir(
            root,
            &theme_dir.join("templates"),
            &mut templates,
            &mut diags,
        );
        add_static(root, &theme_dir.join("static"), &mut assets, &mut diags);
        if theme == "default"
            && diags.error_count() == before
            && let Some(w) = copied_theme_warning(root, &theme_dir)
        {
            diags.push(w);
        }
    } else if theme != "default" {
        return Err(Diagnostic::error(
            super::config::CONFIG_FILE,
            None,
            format!(
                "テーマ「{theme}」が見つかりません（{} がありません）",
                theme_dir.display()
            ),
        )
        .with_help("site.toml の theme を \"default\" にするか、テーマのフォルダを置いてください")
        .into());
    }

    // The site's own templates/ and static/ override the theme's files of the same name.
    add_dir(root, Path::new("templates"), &mut templates, &mut diags);
    add_static(root, Path::new("static"), &mut assets, &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((
        templates.into_values().collect(),
        assets.into_values().collect(),
        diags,
    ))
}

/// Sites made by an older `tsunagu init` hold a copy of the whole default theme, which
/// would hide every later fix to it: the files still identical to the built-in ones are
/// named, to be deleted. (The tsunagu source tree (two folders above this crate), whose theme *is* the built-in one, is
/// left alone.)
fn copied_theme_warning(root: &Path, theme_dir: &Path) -> Option<Diagnostic> {
    let source_tree = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .canonicalize()
        .ok();
    if source_tree.is_some() && root.canonicalize().ok() == source_tree {
        return None;
    }
    let mut same = Vec::new();
    let mut changed = 0;
    let mut diags = Diagnostics::new();
    for rel in walk_files(root, theme_dir, &mut diags) {
        let Ok(inner) = rel.strip_prefix(theme_dir) else {
            continue;
        };
        let key = inner.to_string_lossy().replace('\\', "/");
        let built_in = DEFAULT_THEME
            .iter()
            .find(|(p, _)| *p == key)
            .map(|(_, b)| *b);
        match (built_in, std::fs::read(root.join(&rel))) {
            (Some(b), Ok(bytes)) if bytes == b => same.push(key),
            _ => changed += 1,
        }
    }
    if same.is_empty() {
        return None;
    }
    let shown: Vec<&str> = same.iter().take(8).map(String::as_str).collect();
    let more = same.len().saturating_sub(shown.len());
    let list = format!(
        "{}{}",
        shown.join("、"),
        if more > 0 {
            format!(" ほか {more} 個")
        } else {
            String::new()
        }
    );
    let what_to_do = if changed == 0 {
        format!("{} のフォルダごと消してかまいません", theme_dir.display())
    } else {
        format!("同じファイルだけを消し、自分で変えた {changed} 個は残してください")
    };
    Some(
        Diagnostic::warning(
            theme_dir,
            None,
            format!(
                "{} の {} 個のファイルは tsunagu に組み込みのテーマと同じです: {list}",
                theme_dir.display(),
                same.len()
            ),
        )
        .with_help(format!(
            "古い tsunagu init が写したものです。{what_to_do}。見た目は変わらず、tsunagu を新しくしたときのテーマの直しがこのサイトにも届くようになります"
        )),
    )
}

/// Files under `dir` are published at the same path below the output root.
fn add_static(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<PathBuf, Asset>,
    diags: &mut Diagnostics,
) {
    for rel in walk_files(root, dir, diags) {
        let output = rel.strip_prefix(dir).unwrap_or(&rel).to_path_buf();
        out.insert(
            output.clone(),
            Asset {
                source: rel,
                output,
                embedded: None,
            },
        );
    }
}

fn add_dir(
    root: &Path,
    dir: &Path,
    out: &mut BTreeMap<String, TemplateSource>,
    diags: &mut Diagnostics,
) {
    for rel in walk_files(root, dir, diags) {
        let Ok(name) = rel.strip_prefix(dir) else {
            continue;
        };
        // A note for people (templates/README.md from `tsunagu init`) is not a template.
        if name.file_name().is_some_and(|n| {
            n.to_string_lossy()
                .to_ascii_uppercase()
                .starts_with("README")
        }) {
            continue;
        }
        let name = name.to_string_lossy().replace('\\', "/");
        match read_text(root, &rel) {
            Ok(text) => {
                out.insert(
                    name.clone(),
                    TemplateSource {
                        name,
                        text,
                        file: rel,
                    },
                );
            }
            Err(d) => diags.push(d),
        }
    }
}
