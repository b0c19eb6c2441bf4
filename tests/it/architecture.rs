//! The shape of the code: data flows load → model → render → write, one crate a step,
//! and the model is the leaf every step reads. Cargo refuses an import of a crate that
//! is not a dependency and a cycle of dependencies; these tests pin which way they go.

use crate::common;

use std::path::Path;

/// The tsunagu crates each crate of the workspace depends on (normal dependencies), from
/// its Cargo.toml: `(crate, [dependency])`, by the short names the code uses.
fn crate_graph() -> Vec<(String, Vec<String>)> {
    let mut manifests = vec![common::root().join("Cargo.toml")];
    for e in std::fs::read_dir(common::root().join("crates")).unwrap() {
        manifests.push(e.unwrap().path().join("Cargo.toml"));
    }
    let mut out = Vec::new();
    for m in manifests {
        let t: toml::Table = toml::from_str(&std::fs::read_to_string(&m).unwrap()).unwrap();
        let name = t["package"]["name"].as_str().unwrap();
        let short = name.strip_prefix("tsunagu-").unwrap_or(name).to_string();
        let mut deps = Vec::new();
        let mut tables = vec![t.get("dependencies")];
        if let Some(targets) = t.get("target").and_then(|t| t.as_table()) {
            tables.extend(targets.values().map(|v| v.get("dependencies")));
        }
        for table in tables.into_iter().flatten() {
            for (key, spec) in table.as_table().unwrap() {
                let package = spec.get("package").and_then(|p| p.as_str()).unwrap_or(key);
                if let Some(ours) = package.strip_prefix("tsunagu-") {
                    deps.push(ours.to_string());
                }
            }
        }
        out.push((short, deps));
    }
    out.sort();
    out
}

/// Data flows one way, and Cargo enforces it: a crate can only name the crates it
/// depends on, and dependencies cannot form a cycle. This test pins which way they go:
/// the model is the leaf, loading renders nothing, renderers read only the model (never
/// the loader, the writer or the importer), and the command sits on top.
#[test]
fn crates_depend_only_on_earlier_steps() {
    let allowed: &[(&str, &[&str])] = &[
        ("model", &[]),
        ("chromium", &[]),
        ("diagnostics", &["model"]),
        ("markup", &["model", "diagnostics"]),
        ("load", &["model", "diagnostics", "markup"]),
        ("render", &["model", "diagnostics", "markup"]),
        ("print", &["model", "diagnostics", "render", "chromium"]),
        ("write", &["model", "diagnostics", "load", "render"]),
        ("import", &["model", "diagnostics", "load"]),
        (
            "site",
            &[
                "model",
                "diagnostics",
                "markup",
                "load",
                "render",
                "print",
                "write",
            ],
        ),
        (
            "audit",
            &[
                "model",
                "diagnostics",
                "markup",
                "load",
                "render",
                "print",
                "write",
                "site",
                "chromium",
            ],
        ),
    ];
    let graph = crate_graph();
    let mut wrong = Vec::new();
    for (name, deps) in &graph {
        if name == "tsunagu" {
            continue;
        }
        let Some((_, ok)) = allowed.iter().find(|(n, _)| n == name) else {
            wrong.push(format!(
                "{name}: a crate this test does not know; add its place"
            ));
            continue;
        };
        for d in deps {
            if !ok.contains(&d.as_str()) {
                wrong.push(format!("crates/{name} depends on {d}"));
            }
        }
    }
    assert!(wrong.is_empty(), "against the flow:\n{}", wrong.join("\n"));
    // The check itself sees dependencies: the loader does read the model.
    assert!(
        graph
            .iter()
            .any(|(n, d)| n == "load" && d.iter().any(|x| x == "model"))
    );
    assert!(
        graph
            .iter()
            .any(|(n, d)| n == "tsunagu" && d.iter().any(|x| x == "site"))
    );
}

/// Every Rust file of the program, the crates' and the command's.
fn program_files() -> Vec<std::path::PathBuf> {
    let mut out = common::files(&common::root().join("src"));
    out.extend(common::files(&common::root().join("crates")));
    out.retain(|f| f.extension().is_some_and(|e| e == "rs"));
    out
}

/// Paths of the directory and the guides written as text, outside `crates/model/src/routes.rs`
/// and outside test modules; template names (`providers/list.html`) are not URLs.
#[test]
fn urls_come_from_routes() {
    let mut found = Vec::new();
    let scan = |dir: &Path, found: &mut Vec<String>, js: bool| {
        for f in common::files(dir) {
            let ext = f.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if (js && ext != "js") || (!js && ext != "rs") || f.ends_with("model/src/routes.rs") {
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
    scan(&common::root().join("crates"), &mut found, false);
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

/// JSON is escaped for pages in one module (`crates/render/src/json.rs`); nothing else
/// serialises what the site publishes by itself.
#[test]
fn published_json_is_escaped_in_one_place() {
    let mut found = Vec::new();
    for f in program_files() {
        if f.ends_with("render/src/json.rs") {
            continue;
        }
        let rel = f.strip_prefix(common::root()).unwrap();
        let published = rel.starts_with("crates/render") || rel.starts_with("crates/write");
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
        "JSON written outside crates/render/src/json.rs:\n{}",
        found.join("\n")
    );
}

/// A fresh clone has nothing beside it: no file of the program, the tests, the benchmark
/// or CI may name a path outside the repository.
#[test]
fn nothing_reads_outside_the_repository() {
    let mut found = Vec::new();
    let mut files = program_files();
    for dir in ["tests", "bench", ".ci"] {
        files.extend(common::files(&common::root().join(dir)));
    }
    for f in files {
        // Binary fixtures are not read as text, and cannot name a path.
        let Ok(text) = std::fs::read_to_string(&f) else {
            continue;
        };
        // The patterns are put together here so that this file does not name them itself.
        let outside = [concat!("..", "/shared"), concat!("/work", "/shared")];
        for (n, line) in text.lines().enumerate() {
            if outside.iter().any(|p| line.contains(p)) {
                found.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "paths outside the repository:\n{}",
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
