//! The shape of the code: data flows load → model → outputs → write, and the model is
//! the leaf every step reads. These tests fail when an import goes the wrong way.

mod common;

use std::path::Path;

/// Every `crate::…` path in the Rust files under `dir`, with its file and line.
fn crate_paths(dir: &Path) -> Vec<(String, usize, String)> {
    let mut out = Vec::new();
    for f in common::files(dir) {
        if f.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for (i, _) in code.match_indices("crate::") {
                let path: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                out.push((f.display().to_string(), n + 1, path));
            }
        }
    }
    out
}

#[test]
fn the_model_imports_nothing_of_ours() {
    let model = common::root().join("src/model");
    let outside: Vec<String> = crate_paths(&model)
        .into_iter()
        .filter(|(_, _, path)| path != "model")
        .map(|(f, n, path)| format!("{f}:{n}: crate::{path}"))
        .collect();
    assert!(
        outside.is_empty(),
        "src/model/ must not use load, outputs, import, write or any other module:\n{}",
        outside.join("\n")
    );
    // The check itself sees imports: the loader does use the model.
    assert!(
        crate_paths(&common::root().join("src/load"))
            .iter()
            .any(|(_, _, p)| p == "model")
    );
}

/// Paths of the directory and the guides written as text, outside `src/model/routes.rs`
/// and outside test modules; template names (`providers/list.html`) are not URLs.
#[test]
fn urls_come_from_routes() {
    let mut found = Vec::new();
    let scan = |dir: &Path, found: &mut Vec<String>, js: bool| {
        for f in common::files(dir) {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if (js && ext != "js") || (!js && ext != "rs") || f.ends_with("src/model/routes.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&f).unwrap();
            for (n, line) in text.lines().enumerate() {
                if line.trim_start().starts_with("#[cfg(test)]") {
                    break;
                }
                let code = line.split("//").next().unwrap_or_default();
                for quote in ['"', '`'] {
                    for (i, _) in code.match_indices(&format!("{quote}providers/")) {
                        let lit: String =
                            code[i + 1..].chars().take_while(|c| *c != quote).collect();
                        if !lit.ends_with(".html") {
                            found.push(format!("{}:{}: {lit}", f.display(), n + 1));
                        }
                    }
                }
                if code.contains("\"guide/{") {
                    found.push(format!("{}:{}", f.display(), n + 1));
                }
            }
        }
    };
    // The theme's templates take them from `site.routes`.
    for f in common::files(&common::root().join("themes/default/templates")) {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        for (n, line) in text.lines().enumerate() {
            for fixed in ["providers/", "search/", "opendata/"] {
                if line.contains(&format!("path='{fixed}"))
                    || line.contains(&format!("}}}}{fixed}"))
                {
                    found.push(format!("{}:{}: {fixed}", f.display(), n + 1));
                }
            }
        }
    }
    scan(&common::root().join("src"), &mut found, false);
    scan(
        &common::root().join("themes/default/static/js"),
        &mut found,
        true,
    );
    assert!(
        found.is_empty(),
        "URLs built by hand:\n{}",
        found.join("\n")
    );
}

/// Each step imports only the steps before it: outputs never reach into writing, serving
/// or importing, and loading renders nothing.
#[test]
fn steps_import_only_earlier_steps() {
    let rules: &[(&str, &[&str])] = &[
        ("src/outputs", &["write", "serve", "import", "cmd", "build"]),
        (
            "src/templates",
            &["write", "serve", "import", "cmd", "build"],
        ),
        ("src/load", &["write", "serve", "import", "cmd", "build"]),
    ];
    let mut wrong = Vec::new();
    for (dir, banned) in rules {
        for (f, n, path) in crate_paths(&common::root().join(dir)) {
            if banned.contains(&path.as_str()) {
                wrong.push(format!("{f}:{n}: crate::{path}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the flow:\n{}",
        wrong.join("\n")
    );
}

/// JSON is escaped for pages in one module (`src/json.rs`); nothing else serialises what
/// the site publishes by itself.
#[test]
fn published_json_is_escaped_in_one_place() {
    let mut found = Vec::new();
    let src = common::root().join("src");
    for f in common::files(&src) {
        if f.extension().is_none_or(|e| e != "rs") || f.ends_with("src/json.rs") {
            continue;
        }
        let rel = f.strip_prefix(&src).unwrap();
        let published = rel.starts_with("outputs")
            || rel.starts_with("templates")
            || rel.starts_with("write")
            || rel == Path::new("write.rs");
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[cfg(test)]") {
                break;
            }
            if line.contains("u003c") || (published && line.contains("serde_json::to_")) {
                found.push(format!("{}:{}", f.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "JSON written outside src/json.rs:\n{}",
        found.join("\n")
    );
}

/// Pages as read hold no provider data (an ending note's contacts and a lecture's tables
/// are filled in by the outputs), so `serve` keeps every page read between rebuilds alike;
/// the outputs do show the data.
#[test]
fn pages_as_read_hold_no_provider_data_and_the_outputs_add_it() {
    let (site, _) = tsunagu::load::load(common::root(), &Default::default()).unwrap();
    let phones: Vec<&str> = site.providers.iter().map(|p| p.phone.as_str()).collect();
    let mut with_data = 0;
    for p in &site.pages {
        let mut read = p.content.clone();
        for s in &p.slides {
            read.push_str(&s.notes);
        }
        if let Some(phone) = phones.iter().find(|ph| read.contains(**ph)) {
            panic!("{} holds {phone} as read", p.source.display());
        }
        let shown: String = match p.kind {
            tsunagu::model::PageKind::Lecture => tsunagu::outputs::slides::render(&site, p)
                .0
                .iter()
                .map(|s| s.html.clone())
                .collect(),
            _ => tsunagu::note::html(&p.note, |town| tsunagu::note::contacts(&site, town)),
        };
        if phones.iter().any(|ph| shown.contains(ph)) {
            with_data += 1;
        }
    }
    // The sample's ending note lists the consultation windows and its lectures list
    // providers: both show phone numbers once rendered.
    assert!(
        with_data >= 2,
        "pages showing data once rendered: {with_data}"
    );
}
