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

/// The `/Dests` name tree (a single root node holding every name, sorted:
/// §7.9.6), deferred ([`super::file::Deferred`]): its object is a
/// placeholder, written from each name's page and top. As `lopdf` objects
/// the names and their destinations were held twice (the map the post-pass
/// made, then the tree), each destination an array of five objects: 44 MiB
/// for the 50 MB document's anchors (benches/README.md, session 24).
pub(crate) struct Dests {
    /// The tree's object, as the document numbers it now.
    id: ObjectId,
    /// Each name, in byte order, with its page (an index into `pages`) and
    /// the PDF y at the top of the window.
    names: BTreeMap<Vec<u8>, (usize, f32)>,
    /// The page objects, as the document numbers them now.
    pages: Vec<ObjectId>,
}

impl Dests {
    /// The tree of `names` (each name's page index and top), in a new
    /// placeholder object of `doc`; `pages` are the page objects.
    pub(crate) fn new(
        doc: &mut Document,
        names: BTreeMap<Vec<u8>, (usize, f32)>,
        pages: Vec<ObjectId>,
    ) -> Dests {
        let id = doc.add_object(Object::Null);
        Dests { id, names, pages }
    }

    /// The tree's object.
    pub(crate) fn id(&self) -> ObjectId {
        self.id
    }

    /// The objects the tree refers to (the pages its names are on).
    pub(crate) fn refs(&self, out: &mut Vec<ObjectId>) {
        out.extend(self.names.values().map(|&(page, _)| self.pages[page]));
    }

    /// Tells the tree the document's objects were renumbered `old → new`.
    pub(crate) fn renumbered(&mut self, new: &BTreeMap<ObjectId, ObjectId>) {
        let map = |id: ObjectId| new.get(&id).copied().unwrap_or(id);
        self.id = map(self.id);
        for page in &mut self.pages {
            *page = map(*page);
        }
    }

    /// A name's two items of the `/Names` array: the name and its destination.
    fn entry(&self, (name, &(page, top)): (&Vec<u8>, &(usize, f32))) -> [Object; 2] {
        [
            Object::String(name.clone(), StringFormat::Literal),
            xyz(self.pages[page], top),
        ]
    }

    /// The tree's dictionary.
    fn dictionary(&self) -> Dictionary {
        let names = self.names.iter().flat_map(|e| self.entry(e)).collect();
        Dictionary::from_iter([("Names", Object::Array(names))])
    }

    /// Puts the tree's dictionary in place of its placeholder (for a
    /// document `lopdf` renumbers itself).
    pub(crate) fn materialize(self, doc: &mut Document) {
        doc.objects
            .insert(self.id, Object::Dictionary(self.dictionary()));
    }
}

impl super::file::Deferred for Dests {
    fn write(&self, id: ObjectId, out: &mut Vec<u8>) -> bool {
        if id != self.id {
            return false;
        }
        // The bytes of `dictionary()`, a name at a time.
        out.extend_from_slice(b"<</Names[");
        for (k, e) in self.names.iter().enumerate() {
            let [name, dest] = self.entry(e);
            super::file::array_item(out, &name, k == 0);
            super::file::array_item(out, &dest, false);
        }
        out.extend_from_slice(b"]>>");
        true
    }
}

/// Builds the outline tree, nested by heading level (a level-3 heading
/// right after a level-1 heading becomes its child). Returns the id of the
/// `/Outlines` dictionary and its entries, deferred
/// ([`super::file::Deferred`]), or `None` for an empty outline.
pub(crate) fn outline<'t>(
    doc: &mut Document,
    entries: &'t [OutlineEntry],
    pages: &[(ObjectId, f32)],
) -> Option<(ObjectId, Outline<'t>)> {
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
    // Each entry's place among its siblings.
    let mut at = vec![0; entries.len()];
    for siblings in kids.iter().chain([&top]) {
        for (k, &i) in siblings.iter().enumerate() {
            at[i] = k;
        }
    }
    for &id in &ids {
        doc.set_object(id, Object::Null);
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
    let outline = Outline {
        entries,
        root,
        first: ids[0],
        parent,
        kids,
        top,
        at,
        count,
        pages: pages.to_vec(),
    };
    Some((root, outline))
}

/// The outline's entries (§12.3.3), deferred ([`super::file::Deferred`]):
/// their objects are placeholders, numbered consecutively from `first`,
/// and each entry's dictionary is made as the file is written. As `lopdf`
/// dictionaries the 50 MB document's 16,800 entries took 42 MiB
/// (benches/README.md, session 24).
pub(crate) struct Outline<'t> {
    entries: &'t [OutlineEntry],
    /// The `/Outlines` dictionary, as the document numbers it now.
    root: ObjectId,
    /// The first entry's object, as the document numbers it now; entry `i`
    /// is `first + i` (all are kept, so renumbering keeps them
    /// consecutive).
    first: ObjectId,
    /// Each entry's parent entry (`None`: the root).
    parent: Vec<Option<usize>>,
    /// Each entry's children.
    kids: Vec<Vec<usize>>,
    /// The root's children.
    top: Vec<usize>,
    /// Each entry's place among its siblings.
    at: Vec<usize>,
    /// Each entry's number of descendants.
    count: Vec<i64>,
    /// The page objects (as the document numbers them now) and heights.
    pages: Vec<(ObjectId, f32)>,
}

/// An outline entry's place in the tree (§12.3.3, Table 153): the object
/// of its parent (an entry or the root), and the entries before and after
/// it among its siblings and its first and last children.
struct Links {
    parent: ObjectId,
    prev: Option<usize>,
    next: Option<usize>,
    kids: Option<(usize, usize)>,
}

impl Outline<'_> {
    /// Entry `i`'s object.
    fn id(&self, i: usize) -> ObjectId {
        (self.first.0 + i as u32, 0)
    }

    /// The entry whose object is `id`, as the document numbers it now.
    pub(crate) fn entry_at(&self, id: ObjectId) -> Option<usize> {
        if id.1 != 0 || id.0 < self.first.0 {
            return None;
        }
        let i = (id.0 - self.first.0) as usize;
        (i < self.entries.len()).then_some(i)
    }

    /// The objects entry `i`'s dictionary refers to, in its keys' order
    /// (`/Parent`, the page of `/Dest`, `/Prev`, `/Next`, `/First`,
    /// `/Last`), read from the entry's links without making it.
    pub(crate) fn refs(&self, i: usize, out: &mut Vec<ObjectId>) {
        let l = self.links(i);
        out.extend([l.parent, self.page(i).0]);
        out.extend(l.prev.into_iter().chain(l.next).map(|s| self.id(s)));
        if let Some((first, last)) = l.kids {
            out.extend([self.id(first), self.id(last)]);
        }
    }

    /// Entry `i`'s page object and the page's height.
    fn page(&self, i: usize) -> (ObjectId, f32) {
        self.pages[self.entries[i].page.min(self.pages.len() - 1)]
    }

    /// Entry `i`'s place in the tree: its parent's object, its siblings
    /// before and after it, its first and last children.
    fn links(&self, i: usize) -> Links {
        let parent = self.parent[i];
        let siblings = parent.map_or(&self.top, |p| &self.kids[p]);
        let at = self.at[i];
        Links {
            parent: parent.map_or(self.root, |p| self.id(p)),
            prev: at.checked_sub(1).map(|k| siblings[k]),
            next: siblings.get(at + 1).copied(),
            kids: self.kids[i]
                .first()
                .zip(self.kids[i].last())
                .map(|(&f, &l)| (f, l)),
        }
    }

    /// Tells the entries the document's objects were renumbered `old → new`.
    pub(crate) fn renumbered(&mut self, new: &BTreeMap<ObjectId, ObjectId>) {
        let map = |id: ObjectId| new.get(&id).copied().unwrap_or(id);
        debug_assert!(
            (0..self.entries.len()).all(|i| map(self.id(i)).0 == map(self.first).0 + i as u32)
        );
        self.root = map(self.root);
        self.first = map(self.first);
        for page in &mut self.pages {
            page.0 = map(page.0);
        }
    }

    /// Entry `i`'s dictionary.
    fn dictionary(&self, i: usize) -> Dictionary {
        let e = &self.entries[i];
        let (page, height) = self.page(i);
        let l = self.links(i);
        let mut d = Dictionary::from_iter([
            ("Title", text_string(&e.title)),
            ("Parent", Object::Reference(l.parent)),
            ("Dest", xyz(page, height - e.y)),
        ]);
        if let Some(prev) = l.prev {
            d.set("Prev", Object::Reference(self.id(prev)));
        }
        if let Some(next) = l.next {
            d.set("Next", Object::Reference(self.id(next)));
        }
        if let Some((first, last)) = l.kids {
            d.set("First", Object::Reference(self.id(first)));
            d.set("Last", Object::Reference(self.id(last)));
            d.set("Count", Object::Integer(self.count[i]));
        }
        d
    }

    /// Puts every entry's dictionary in place of its placeholder (for a
    /// document `lopdf` renumbers itself).
    pub(crate) fn materialize(self, doc: &mut Document) {
        for i in 0..self.entries.len() {
            doc.objects
                .insert(self.id(i), Object::Dictionary(self.dictionary(i)));
        }
    }
}

impl super::file::Deferred for Outline<'_> {
    fn write(&self, id: ObjectId, out: &mut Vec<u8>) -> bool {
        match self.entry_at(id) {
            Some(i) => {
                super::file::object_bytes(out, &Object::Dictionary(self.dictionary(i)));
                true
            }
            None => false,
        }
    }
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
