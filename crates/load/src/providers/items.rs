//! A provider file as items: a file holds one record or a list of them, and a list is read
//! item by item so an edit re-reads one item, not the file.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use super::Item;
use super::record::Record;
use crate::yaml::{self, Node};
use diagnostics::{Diagnostic, Diagnostics};
use model::config::Config;
use model::{Pending, Provider};

/// Reads a file item by item, reusing what `old` read from items whose text and place
/// are unchanged: after a one-record edit of a 1,000-record file, one item is parsed
/// instead of the file (under 1 ms instead of about 50). `None` when the file is not a
/// plain list of items, or an item does not read on its own (a syntax error, or an alias
/// to another item's anchor): the file is then read whole.
pub(super) fn load_items(
    rel: &Path,
    src: &str,
    config: &Config,
    old: Vec<Item>,
) -> Option<(Vec<Arc<Provider>>, Diagnostics, Vec<Item>)> {
    let parts = split_items(src)?;
    let mut old: HashMap<(usize, blake3::Hash), Item> =
        old.into_iter().map(|i| ((i.start, i.hash), i)).collect();
    let mut items = Vec::with_capacity(parts.len());
    // Items read now share one file's budget for aliases.
    let mut budget = yaml::NODE_BUDGET;
    for (start, text) in parts {
        let hash = blake3::hash(text.as_bytes());
        if let Some(item) = old.remove(&(start, hash)) {
            items.push(item);
            continue;
        }
        // An item that reads on its own refers to no other item; one that does not is
        // read (and its error reported) as part of the whole file.
        let tree = yaml::parse_within(text, &mut budget).ok()??;
        let (mut providers, diags) = load_tree(rel, &tree, config);
        // Read on its own, the item starts on line 1.
        for p in &mut providers {
            p.line += start - 1;
            p.updated_pos.line += start - 1;
        }
        let diags = diags
            .into_iter()
            .map(|mut d| {
                if let Some(pos) = &mut d.pos {
                    pos.line += start - 1;
                }
                d
            })
            .collect();
        items.push(Item {
            start,
            hash,
            providers: providers.into_iter().map(Arc::new).collect(),
            diags,
        });
    }
    let mut providers = Vec::new();
    let mut diags = Diagnostics::new();
    for item in &items {
        providers.extend(item.providers.iter().cloned());
        diags.extend(item.diags.clone());
    }
    Some((providers, diags, items))
}

/// The top-level items of a block list written from column 0 (`- id: …`), each with the
/// line it starts on. Only blank and comment lines may come before the first; any other
/// line at column 0 means the file is something else (`None`).
pub(super) fn split_items(src: &str) -> Option<Vec<(usize, &str)>> {
    let mut starts: Vec<(usize, usize)> = Vec::new();
    let mut offset = 0;
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare == "-" || bare.starts_with("- ") {
            starts.push((i + 1, offset));
        } else if bare.starts_with('#') || bare.trim().is_empty() {
        } else if starts.is_empty() || !bare.starts_with(' ') {
            return None;
        }
        offset += line.len();
    }
    if starts.is_empty() {
        return None;
    }
    let ends = starts.iter().skip(1).map(|s| s.1).chain([src.len()]);
    Some(
        starts
            .iter()
            .zip(ends)
            .map(|(&(line, from), to)| (line, &src[from..to]))
            .collect(),
    )
}

pub(super) fn load_tree(rel: &Path, tree: &Node, config: &Config) -> (Vec<Provider>, Diagnostics) {
    read_tree(rel, tree, config, None)
}

/// The published records of a file; with `collect`, the pending ones go there instead of
/// being reported.
pub(super) fn read_tree(
    rel: &Path,
    tree: &Node,
    config: &Config,
    mut collect: Option<&mut Vec<Pending>>,
) -> (Vec<Provider>, Diagnostics) {
    let mut diags = Diagnostics::new();
    let records: Vec<&Node> = match (&tree.as_seq(), tree.as_map()) {
        (Some(items), _) => items.iter().collect(),
        (None, Some(_)) => vec![&tree],
        _ => {
            diags.push(
                Diagnostic::error(rel, Some(tree.pos), "事業所の記録として読めません")
                    .with_help("「- id: …」で始まる記録のリストか、1件の記録を書いてください"),
            );
            return (Vec::new(), diags);
        }
    };
    let mut out = Vec::with_capacity(records.len());
    for node in records {
        let mut r = Record {
            file: rel,
            node,
            config,
            diags: &mut diags,
        };
        let Some(p) = r.provider() else { continue };
        match p.phone.clone() {
            Some(phone) => out.push(p.with_phone(phone)),
            // 医療情報ネット has no phone numbers; a resident cannot use an entry without
            // one, so it waits until staff add it (掲載準備中).
            None if collect.is_some() => {
                if let Some(c) = collect.as_deref_mut() {
                    c.push(p.with_phone(()));
                }
            }
            None => {
                // At an empty `phone:` if there is one, else at the name.
                let field = |key: &str| {
                    node.as_map()
                        .and_then(|m| m.iter().find(|(k, _)| k.as_str() == Some(key)))
                        .map(|(_, v)| v.pos)
                };
                let at = field("phone").or_else(|| field("name")).unwrap_or(node.pos);
                diags.push(
                    Diagnostic::warning(
                        rel,
                        Some(at),
                        format!(
                            "「{}」は電話番号がないため、まだ掲載していません（掲載準備中）",
                            p.name
                        ),
                    )
                    .with_code("pending")
                    .with_help("電話番号がわかったら「phone: 0990-12-3456」の行を加えてください。tsunagu stale の確認票で事業所に尋ねられます"),
                );
            }
        }
    }
    (out, diags)
}
