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
