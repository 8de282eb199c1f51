//! Navigation for the post-pass: destinations, named destinations and the
//! nested outline.

use super::content::num;
use super::fonts::text_string;
use crate::frame::{NumberStyle, OutlineEntry, PageLabel};
use lopdf::{Dictionary, Document, Object, ObjectId, StringFormat};
use std::collections::BTreeMap;

/// A coordinate rounded to 0.01 pt, as a PDF real.
pub(crate) fn coord(v: f32) -> Object {
    let s = num(v, 2);
    match s.parse::<i64>() {
        Ok(i) => Object::Integer(i),
        Err(_) => Object::Real(s.parse().unwrap_or(v)),
    }
}

/// An explicit destination: the page, scrolled so that `top` (PDF y) is at
/// the top of the window, keeping the horizontal position and zoom.
pub(crate) fn xyz(page: ObjectId, top: f32) -> Object {
    Object::Array(vec![
        Object::Reference(page),
        Object::Name(b"XYZ".to_vec()),
        Object::Null,
        coord(top),
        Object::Null,
    ])
}

/// Percent-encodes everything in a URI that is not printable ASCII.
pub(crate) fn encode_uri(uri: &str) -> String {
    let mut out = String::with_capacity(uri.len());
    for b in uri.bytes() {
        if b.is_ascii_graphic() {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The `/Dests` name tree (a single root node holding every name, sorted).
pub(crate) fn dests_tree(anchors: &BTreeMap<Vec<u8>, Object>) -> Dictionary {
    let names = anchors
        .iter()
        .flat_map(|(k, v)| [Object::String(k.clone(), StringFormat::Literal), v.clone()])
        .collect();
    Dictionary::from_iter([("Names", Object::Array(names))])
}

/// Builds the outline tree, nested by heading level (a level-3 heading
/// right after a level-1 heading becomes its child). Returns the id of the
/// `/Outlines` dictionary, or `None` for an empty outline.
pub(crate) fn outline(
    doc: &mut Document,
    entries: &[OutlineEntry],
    pages: &[(ObjectId, f32)],
) -> Option<ObjectId> {
    if entries.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    // Parent (None = root) and children of every entry.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(entries.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        while stack.last().is_some_and(|&p| entries[p].level >= e.level) {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); entries.len()];
    let mut top: Vec<usize> = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        p.map_or(&mut top, |p| &mut kids[p]).push(i);
    }
    // Every entry is open, so each node's count is its number of descendants.
    let mut count = vec![0i64; entries.len()];
    for i in (0..entries.len()).rev() {
        if let Some(p) = parent[i] {
            count[p] += 1 + count[i];
        }
    }
    for (i, e) in entries.iter().enumerate() {
        let (page, height) = pages[e.page.min(pages.len() - 1)];
        let mut d = Dictionary::from_iter([
            ("Title", text_string(&e.title)),
            (
                "Parent",
                Object::Reference(parent[i].map_or(root, |p| ids[p])),
            ),
            ("Dest", xyz(page, height - e.y)),
        ]);
        let siblings = parent[i].map_or(&top, |p| &kids[p]);
        let at = siblings.iter().position(|&s| s == i).unwrap_or(0);
        if at > 0 {
            d.set("Prev", Object::Reference(ids[siblings[at - 1]]));
        }
        if let Some(&next) = siblings.get(at + 1) {
            d.set("Next", Object::Reference(ids[next]));
        }
        if let (Some(first), Some(last)) = (kids[i].first(), kids[i].last()) {
            d.set("First", Object::Reference(ids[*first]));
            d.set("Last", Object::Reference(ids[*last]));
            d.set("Count", Object::Integer(count[i]));
        }
        doc.set_object(ids[i], d);
    }
    doc.set_object(
        root,
        Dictionary::from_iter([
            ("Type", Object::Name(b"Outlines".to_vec())),
            ("First", Object::Reference(ids[top[0]])),
            ("Last", Object::Reference(ids[top[top.len() - 1]])),
            ("Count", Object::Integer(entries.len() as i64)),
        ]),
    );
    Some(root)
}

/// The `/PageLabels` number tree (ISO 32000-1 §12.4.2, one root node):
/// per run its first page and a label dictionary (`/S` style, `/P`
/// prefix, `/St` first number). `None` when there are no runs.
pub(crate) fn page_labels(runs: &[PageLabel]) -> Option<Dictionary> {
    if runs.is_empty() {
        return None;
    }
    let mut nums = Vec::with_capacity(runs.len() * 2);
    for run in runs {
        let mut d = Dictionary::new();
        if let Some(style) = run.style {
            let s: &[u8] = match style {
                NumberStyle::Decimal => b"D",
                NumberStyle::LowerRoman => b"r",
            };
            d.set("S", Object::Name(s.to_vec()));
            if run.first != 1 {
                d.set("St", Object::Integer(run.first as i64));
            }
        }
        if !run.prefix.is_empty() {
            d.set("P", text_string(&run.prefix));
        }
        nums.push(Object::Integer(run.start as i64));
        nums.push(Object::Dictionary(d));
    }
    Some(Dictionary::from_iter([("Nums", Object::Array(nums))]))
}
