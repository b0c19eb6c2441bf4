//! Stable ids in a tagged PDF's structure tree.
//!
//! Chromium names each structure element after the DOM node it came from (`node00000142`),
//! and the renderer numbers nodes as it happens to meet them: the same page printed twice
//! on a busy machine can come out `node00000141`. Table cells point at their headers by
//! these names. They are renamed here in the order the elements stand in the file, every
//! mention with them, so the same input gives the same bytes.

use std::collections::HashMap;

use lopdf::{Document, Object, ObjectId};

/// Renames the structure elements' `/ID`s to `node00000001`, `node00000002`, … in object
/// order, with the table headers that name them and the id tree's keys and limits.
pub fn renumber_ids(doc: &mut Document) {
    let mut names: HashMap<Vec<u8>, Vec<u8>> = HashMap::new();
    for object in doc.objects.values() {
        let Ok(dict) = object.as_dict() else {
            continue;
        };
        let is_elem = dict
            .get(b"Type")
            .and_then(Object::as_name)
            .is_ok_and(|t| t == b"StructElem");
        if let (true, Ok(Object::String(id, _))) = (is_elem, dict.get(b"ID"))
            && !names.contains_key(id)
        {
            let new = format!("node{:08}", names.len() + 1).into_bytes();
            names.insert(id.clone(), new);
        }
    }
    if names.is_empty() {
        return;
    }
    for object in doc.objects.values_mut() {
        rename(object, &names);
    }
    let trees: Vec<ObjectId> = doc
        .objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter(|d| {
            d.get(b"Type")
                .and_then(Object::as_name)
                .is_ok_and(|t| t == b"StructTreeRoot")
        })
        .filter_map(|d| d.get(b"IDTree").and_then(Object::as_reference).ok())
        .collect();
    for tree in trees {
        sort_name_tree(doc, tree, 0);
    }
}

/// Replaces every string that is an old id, wherever it stands.
fn rename(object: &mut Object, names: &HashMap<Vec<u8>, Vec<u8>>) {
    match object {
        Object::String(s, _) => {
            if let Some(new) = names.get(s) {
                *s = new.clone();
            }
        }
        Object::Array(items) => items.iter_mut().for_each(|o| rename(o, names)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, o)| rename(o, names)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, o)| rename(o, names)),
        _ => {}
    }
}

/// Sorts a name tree's leaves by their new keys and sets every node's `/Limits` again;
/// gives the node's (first, last) key.
fn sort_name_tree(doc: &mut Document, node: ObjectId, depth: usize) -> Option<(Vec<u8>, Vec<u8>)> {
    // A damaged file could loop; real trees are a few levels deep.
    if depth > 32 {
        return None;
    }
    let kids: Vec<ObjectId> = doc
        .get_dictionary(node)
        .ok()?
        .get(b"Kids")
        .and_then(Object::as_array)
        .map(|a| a.iter().filter_map(|k| k.as_reference().ok()).collect())
        .unwrap_or_default();
    let limits = if kids.is_empty() {
        let dict = doc.get_dictionary_mut(node).ok()?;
        let Ok(Object::Array(flat)) = dict.get_mut(b"Names") else {
            return None;
        };
        let mut pairs: Vec<(Object, Object)> = flat
            .chunks(2)
            .filter_map(|p| Some((p.first()?.clone(), p.get(1)?.clone())))
            .collect();
        pairs.sort_by_key(|p| key(&p.0));
        let first = pairs.first().map(|p| key(&p.0))?;
        let last = pairs.last().map(|p| key(&p.0))?;
        *flat = pairs.into_iter().flat_map(|(k, v)| [k, v]).collect();
        (first, last)
    } else {
        let mut found: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        for kid in kids {
            found.extend(sort_name_tree(doc, kid, depth + 1));
        }
        let first = found.iter().map(|l| l.0.clone()).min()?;
        let last = found.iter().map(|l| l.1.clone()).max()?;
        (first, last)
    };
    let dict = doc.get_dictionary_mut(node).ok()?;
    if dict.has(b"Limits") {
        dict.set(
            "Limits",
            Object::Array(vec![
                Object::string_literal(limits.0.clone()),
                Object::string_literal(limits.1.clone()),
            ]),
        );
    }
    Some(limits)
}

fn key(o: &Object) -> Vec<u8> {
    match o {
        Object::String(s, _) => s.clone(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::{Dictionary, StringFormat};

    fn s(t: &str) -> Object {
        Object::String(t.as_bytes().to_vec(), StringFormat::Literal)
    }

    /// Two structure elements named in reverse order, a cell naming both, an id tree.
    fn doc(a: &str, b: &str) -> Document {
        let mut doc = Document::with_version("1.7");
        let mut elem = |id: &str| {
            let mut d = Dictionary::new();
            d.set("Type", Object::Name(b"StructElem".to_vec()));
            d.set("ID", s(id));
            doc.add_object(d)
        };
        let (ea, eb) = (elem(a), elem(b));
        let mut cell = Dictionary::new();
        cell.set("Type", Object::Name(b"StructElem".to_vec()));
        cell.set(
            "A",
            Object::Array(vec![Object::Dictionary({
                let mut h = Dictionary::new();
                h.set("Headers", Object::Array(vec![s(a), s(b)]));
                h
            })]),
        );
        doc.add_object(cell);
        let mut leaf = Dictionary::new();
        leaf.set("Limits", Object::Array(vec![s(b), s(a)]));
        leaf.set(
            "Names",
            Object::Array(vec![
                s(b),
                Object::Reference(eb),
                s(a),
                Object::Reference(ea),
            ]),
        );
        let leaf = doc.add_object(leaf);
        let mut tree = Dictionary::new();
        tree.set("Kids", Object::Array(vec![Object::Reference(leaf)]));
        let tree = doc.add_object(tree);
        let mut root = Dictionary::new();
        root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
        root.set("IDTree", Object::Reference(tree));
        doc.add_object(root);
        doc
    }

    fn bytes(mut d: Document) -> Vec<u8> {
        renumber_ids(&mut d);
        let mut out = Vec::new();
        d.save_to(&mut out).unwrap();
        out
    }

    #[test]
    fn the_same_tree_numbered_differently_gives_the_same_bytes() {
        let one = bytes(doc("node00000142", "node00000093"));
        let two = bytes(doc("node00000141", "node00000092"));
        assert_eq!(one, two);
        let text = String::from_utf8_lossy(&one);
        assert!(
            text.contains("/Headers[(node00000001)(node00000002)]"),
            "{text}"
        );
        assert!(
            text.contains("/Limits[(node00000001)(node00000002)]"),
            "{text}"
        );
        assert!(!text.contains("node00000142"), "{text}");
    }
}
