//! Tagged PDF (ISO 32000-1 §14.7–14.8): the layout's structure tree
//! ([`StructTree`]) and the tags of its items ([`Tag`]) as the PDF's logical
//! structure.
//!
//! * In the content streams (module `content`, [`Content::mark`]) each
//!   stretch of drawn items with one tag is one marked-content sequence:
//!   `/P <</MCID n>> BDC … EMC` for the content of an element (its standard
//!   type as the tag, marked-content ids counted per page from 0,
//!   §14.7.4.2), `/Artifact <</Type /Pagination>> BDC … EMC` for decoration
//!   (§14.8.2.2, Table 330). `/ActualText` spans nest inside. Items that draw
//!   nothing (anchors, link areas, note references) are not marked.
//! * Here, in the post-pass: one structure element dictionary per element
//!   that has content (elements with none are left out, §14.7.2), with `/S`,
//!   `/P`, `/K` (no `/Type /StructElem`: optional, Table 323) — its
//!   own marked content (bare MCIDs on the element's `/Pg`, `/MCR`
//!   dictionaries on other pages) merged with its child elements, each
//!   child where its first content is; `/OBJR` for the link annotations
//!   tagged with it (§14.7.4.3) — and `/Alt`, `/ActualText`, `/Lang`, and
//!   `/A <</O /Table /Scope …>>` on header cells (§14.8.5.7), `/ID` on
//!   notes (PDF/UA-1, ISO 14289-1 §7.9) with the root's `/IDTree`;
//!   the `/ParentTree` (§14.7.4.4: page `i`'s `/StructParents` is `i`, its
//!   entry the element of each MCID; each tagged annotation's
//!   `/StructParent` follows the pages'), `/ParentTreeNextKey`, and
//!   `/MarkInfo <</Marked true>>` on the catalog and `/Tabs /S` on every
//!   page (ISO 14289-1 §7.18.3).
//!
//! An element's own content is ordered as it is drawn (page, then MCID);
//! its children keep the tree's reading order.
//!
//! The elements are numbered here but their dictionaries are made only as
//! the file is written, one at a time ([`Elements`]): a large document has
//! one for nearly every paragraph.
//!
//! [`Content::mark`]: super::content::Content::mark

use super::PdfError;
use super::fonts::text_string;
use crate::frame::{ArtifactKind, NodeId, Page, Scope, StructRole, StructTree, Tag};
use lopdf::{Dictionary, Document, Object, ObjectId};

/// The standard structure type of `role` (ISO 32000-1 §14.8.4, Tables
/// 333–338), also the tag of its marked content.
pub(crate) fn role_name(role: StructRole) -> &'static str {
    match role {
        StructRole::Document => "Document",
        StructRole::Part => "Part",
        StructRole::Sect => "Sect",
        StructRole::Div => "Div",
        StructRole::H(level) => match level {
            0 | 1 => "H1",
            2 => "H2",
            3 => "H3",
            4 => "H4",
            5 => "H5",
            _ => "H6",
        },
        StructRole::P => "P",
        StructRole::BlockQuote => "BlockQuote",
        StructRole::Caption => "Caption",
        StructRole::Toc => "TOC",
        StructRole::Toci => "TOCI",
        StructRole::L => "L",
        StructRole::Li => "LI",
        StructRole::Lbl => "Lbl",
        StructRole::LBody => "LBody",
        StructRole::Table => "Table",
        StructRole::THead => "THead",
        StructRole::TBody => "TBody",
        StructRole::TFoot => "TFoot",
        StructRole::Tr => "TR",
        StructRole::Th(_) => "TH",
        StructRole::Td => "TD",
        StructRole::Figure => "Figure",
        StructRole::Formula => "Formula",
        StructRole::Note => "Note",
        StructRole::Reference => "Reference",
        StructRole::Link => "Link",
        StructRole::Code => "Code",
        StructRole::Quote => "Quote",
        StructRole::Span => "Span",
    }
}

/// The `/Type` of an artifact of `kind` (ISO 32000-1 §14.8.2.2.2, Table 330).
pub(crate) fn artifact_type(kind: ArtifactKind) -> &'static str {
    match kind {
        ArtifactKind::Pagination => "Pagination",
        ArtifactKind::Layout | ArtifactKind::Hyphen => "Layout",
        ArtifactKind::Page => "Page",
        ArtifactKind::Background => "Background",
    }
}

fn bad(why: String) -> PdfError {
    PdfError::Structure(why)
}

/// Checks that `tree` is a tree (every element listed once among the
/// children of its parent, reachable from the root) and that every item of
/// `pages` tagged as content names one of its elements: the writer relies on
/// both.
pub(crate) fn check(tree: &StructTree, pages: &[Page]) -> Result<(), PdfError> {
    let n = tree.nodes.len();
    let name = |id: NodeId| {
        let role = tree
            .nodes
            .get(id.0 as usize)
            .map_or("?", |e| role_name(e.role));
        format!("structure element #{} ({role})", id.0)
    };
    match tree.nodes.first() {
        Some(root) if root.parent.is_none() => {}
        _ => return Err(bad("the structure tree has no root element".into())),
    }
    let mut seen = vec![false; n];
    seen[0] = true;
    let mut stack = vec![StructTree::ROOT];
    while let Some(id) = stack.pop() {
        for &child in &tree.nodes[id.0 as usize].children {
            let Some(node) = tree.nodes.get(child.0 as usize) else {
                return Err(bad(format!(
                    "{} lists a child #{} that the tree does not have",
                    name(id),
                    child.0
                )));
            };
            if node.parent != Some(id) || std::mem::replace(&mut seen[child.0 as usize], true) {
                return Err(bad(format!(
                    "{} is listed as a child of {} but is not its child once",
                    name(child),
                    name(id)
                )));
            }
            stack.push(child);
        }
    }
    for (p, page) in pages.iter().enumerate() {
        for it in &page.items {
            if let Tag::Content(id) = it.tag
                && !seen.get(id.0 as usize).copied().unwrap_or(false)
            {
                return Err(bad(format!(
                    "an item on page {} is tagged as content of {}, which is not in the structure tree",
                    p + 1,
                    name(id)
                )));
            }
        }
    }
    Ok(())
}

/// A piece of an element's own content: marked content on a page, or an
/// annotation.
#[derive(Clone, Copy)]
enum Kid {
    Mcid { page: usize, mcid: usize },
    Objr { page: usize, annot: ObjectId },
}

impl Kid {
    /// Where it is drawn: page, then MCID; annotations after the page's
    /// marked content.
    fn key(&self) -> (usize, usize) {
        match *self {
            Kid::Mcid { page, mcid } => (page, mcid),
            Kid::Objr { page, .. } => (page, usize::MAX),
        }
    }
}

/// Writes the structure tree and the parent tree, numbers the pages and
/// tagged annotations into it, and marks the catalog `cat` as tagged.
///
/// `pages` are the page objects; `mcids[p]` the element of each marked-content
/// id of page `p`; `annots[p]` the page's link annotations with their tags.
pub(crate) fn write<'t>(
    doc: &mut Document,
    cat: &mut Dictionary,
    tree: &'t StructTree,
    pages: &[ObjectId],
    mcids: Vec<Vec<NodeId>>,
    annots: &[Vec<(ObjectId, Tag)>],
) -> Result<Elements<'t>, PdfError> {
    if mcids.len() != pages.len() || annots.len() != pages.len() {
        return Err(bad(format!(
            "{} pages, {} lists of marked content, {} of annotations",
            pages.len(),
            mcids.len(),
            annots.len()
        )));
    }
    let n = tree.nodes.len();
    let mut own: Vec<Vec<Kid>> = vec![Vec::new(); n];
    let mut tagged_annots: Vec<(ObjectId, NodeId)> = Vec::new();
    for (page, (ids, links)) in mcids.iter().zip(annots).enumerate() {
        for (mcid, node) in ids.iter().enumerate() {
            own[node.0 as usize].push(Kid::Mcid { page, mcid });
        }
        for &(annot, tag) in links {
            if let Tag::Content(node) = tag {
                own[node.0 as usize].push(Kid::Objr { page, annot });
                tagged_annots.push((annot, node));
            }
        }
    }

    // Elements in preorder (the tree is checked: no cycles, all in range).
    let mut order = Vec::with_capacity(n);
    let mut stack = vec![StructTree::ROOT];
    while let Some(id) = stack.pop() {
        order.push(id);
        stack.extend(tree.nodes[id.0 as usize].children.iter().rev());
    }
    // Where each element's content starts (`None`: it has none).
    let mut first: Vec<Option<(usize, usize)>> =
        own.iter().map(|kids| kids.first().map(Kid::key)).collect();
    for &id in order.iter().rev() {
        let start = tree.nodes[id.0 as usize]
            .children
            .iter()
            .filter_map(|c| first[c.0 as usize])
            .min();
        let slot = &mut first[id.0 as usize];
        *slot = match (*slot, start) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }

    let root_id = doc.new_object_id();
    let mut obj: Vec<Option<ObjectId>> = vec![None; n];
    for &id in &order {
        if first[id.0 as usize].is_some() {
            obj[id.0 as usize] = Some(doc.new_object_id());
        }
    }
    // Element identifiers (§14.7.2, Table 323 `/ID`), which PDF/UA-1
    // (ISO 14289-1 §7.9) asks of every `Note`: `note-1`, `note-2`… in
    // reading order, listed in the root's `/IDTree`. Each element's object
    // is a placeholder until the file is written (see [`Elements`]).
    let mut ids: Vec<(Vec<u8>, ObjectId)> = Vec::new();
    let mut note = vec![0u32; n];
    // The element of each element object, in object order.
    let mut by_object: Vec<u32> = Vec::new();
    for &id in &order {
        let i = id.0 as usize;
        let Some(elem_id) = obj[i] else { continue };
        by_object.push(id.0);
        if tree.nodes[i].role == StructRole::Note {
            note[i] = ids.len() as u32 + 1;
            ids.push((note_id(note[i]), elem_id));
        }
        doc.objects.insert(elem_id, Object::Null);
    }

    // The parent tree: pages first (key = page index), then annotations.
    // Its object is a placeholder, like the elements': written from
    // `mcids` and the annotations' elements ([`Elements::parent_tree`]).
    for (p, &page) in pages.iter().enumerate() {
        let dict = doc
            .get_dictionary_mut(page)
            .map_err(|e| bad(e.to_string()))?;
        dict.set("StructParents", Object::Integer(p as i64));
        dict.set("Tabs", Object::Name(b"S".to_vec()));
    }
    let mut key = pages.len() as i64;
    let mut annot_parents = Vec::with_capacity(tagged_annots.len());
    for (annot, node) in tagged_annots {
        doc.get_dictionary_mut(annot)
            .map_err(|e| bad(e.to_string()))?
            .set("StructParent", Object::Integer(key));
        annot_parents.push(node);
        key += 1;
    }
    let parent_tree = doc.add_object(Object::Null);

    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    if let Some(doc_elem) = obj[0] {
        root.set("K", Object::Reference(doc_elem));
    }
    root.set("ParentTree", Object::Reference(parent_tree));
    root.set("ParentTreeNextKey", Object::Integer(key));
    if !ids.is_empty() {
        // A name tree's keys in byte order (§7.9.6): `note-10` before
        // `note-2`.
        ids.sort();
        let names = ids
            .into_iter()
            .flat_map(|(name, elem)| {
                [
                    Object::String(name, lopdf::StringFormat::Literal),
                    Object::Reference(elem),
                ]
            })
            .collect();
        let id_tree = doc.add_object(Dictionary::from_iter([("Names", Object::Array(names))]));
        root.set("IDTree", Object::Reference(id_tree));
    }
    doc.objects.insert(root_id, Object::Dictionary(root));
    cat.set("StructTreeRoot", Object::Reference(root_id));
    let mark_info = Dictionary::from_iter([("Marked", Object::Boolean(true))]);
    cat.set("MarkInfo", Object::Dictionary(mark_info));
    let first_id = by_object
        .first()
        .and_then(|&i| obj[i as usize])
        .unwrap_or(root_id);
    Ok(Elements {
        tree,
        own,
        first,
        obj,
        note,
        pages: pages.to_vec(),
        root_id,
        first_id,
        by_object,
        parent_tree,
        mcids,
        annot_parents,
        renumbered: None,
        now: (first_id, parent_tree),
    })
}

/// The structure elements [`write`] numbered: their objects are
/// placeholders (`null`) in the document, and each element's dictionary is
/// made when the file is written ([`Elements::dictionary`], called by its
/// [`super::file::Deferred::write`]) and dropped once serialized. A large document has an
/// element for nearly every paragraph, and as `lopdf` dictionaries they
/// were the largest thing the PDF writer held (about 700 bytes each, some
/// 130 MB for a 50 MB document); what is kept here to make them is a
/// tenth of that.
///
/// The elements' objects are numbered consecutively, in reading order
/// (preorder), from `first_id`; they stay consecutive when the document's
/// objects are renumbered, since all of them are kept.
pub(crate) struct Elements<'t> {
    tree: &'t StructTree,
    /// Each element's own content (MCIDs, link annotations).
    own: Vec<Vec<Kid>>,
    /// Where each element's content starts (itself or its descendants).
    first: Vec<Option<(usize, usize)>>,
    /// Each element's object, if it has content.
    obj: Vec<Option<ObjectId>>,
    /// Each `Note` element's number in its `/ID` (`note-N`), else 0.
    note: Vec<u32>,
    /// The page objects.
    pages: Vec<ObjectId>,
    /// The structure tree root.
    root_id: ObjectId,
    /// The first element's object, as numbered by [`write`].
    first_id: ObjectId,
    /// The element (node index) of each element object, in object order.
    by_object: Vec<u32>,
    /// The parent tree's object, as numbered by [`write`]: a placeholder
    /// too. As a `lopdf` array it held an object of 120 bytes for every
    /// marked-content id of the document (24 MiB for the 50 MB document,
    /// benches/README.md, session 24); it is written from these:
    parent_tree: ObjectId,
    /// Per page, the element of each of its marked-content ids.
    mcids: Vec<Vec<NodeId>>,
    /// The element of each tagged annotation, in the order of their
    /// `/StructParent` keys (after the pages').
    annot_parents: Vec<NodeId>,
    /// Old object ids to new, once the document is renumbered
    /// ([`Elements::renumbered`]).
    renumbered: Option<std::collections::BTreeMap<ObjectId, ObjectId>>,
    /// The first element's object and the parent tree's, as the document
    /// numbers them now: looked up once when it is renumbered, not for
    /// every object the file writer asks about.
    now: (ObjectId, ObjectId),
}

impl Elements<'_> {
    /// An object id as the document numbers it now.
    fn map(&self, id: ObjectId) -> ObjectId {
        match &self.renumbered {
            Some(new) => new.get(&id).copied().unwrap_or(id),
            None => id,
        }
    }

    /// The element (node index) whose object is `id`, as the document
    /// numbers it now.
    pub(crate) fn element_at(&self, id: ObjectId) -> Option<usize> {
        let first = self.now.0;
        if id.1 != 0 || id.0 < first.0 {
            return None;
        }
        self.by_object
            .get((id.0 - first.0) as usize)
            .map(|&i| i as usize)
    }

    /// The objects element `i`'s dictionary refers to, numbered as [`write`]
    /// numbered them (for the walk that keeps what the file refers to,
    /// before the document is renumbered).
    pub(crate) fn refs(&self, i: usize, out: &mut Vec<ObjectId>) {
        let node = &self.tree.nodes[i];
        out.push(
            node.parent
                .and_then(|p| self.obj[p.0 as usize])
                .unwrap_or(self.root_id),
        );
        for kid in &self.own[i] {
            match *kid {
                Kid::Mcid { page, .. } => out.push(self.pages[page]),
                Kid::Objr { page, annot } => out.extend([self.pages[page], annot]),
            }
        }
        out.extend(node.children.iter().filter_map(|c| self.obj[c.0 as usize]));
    }

    /// The parent tree's object, as the document numbers it now.
    pub(crate) fn parent_tree_id(&self) -> ObjectId {
        self.now.1
    }

    /// The objects the parent tree refers to, numbered as [`write`]
    /// numbered them (see [`Elements::refs`]).
    pub(crate) fn parent_tree_refs(&self, out: &mut Vec<ObjectId>) {
        out.extend(
            self.mcids
                .iter()
                .flatten()
                .chain(&self.annot_parents)
                .map(|node| self.parent_of(*node)),
        );
    }

    /// The element object a parent tree entry names for content of `node`.
    fn parent_of(&self, node: NodeId) -> ObjectId {
        self.obj[node.0 as usize].unwrap_or(self.root_id)
    }

    /// The parent tree's `/Nums` items (§14.7.4.4), in order: each page's
    /// key and the array of its marked-content ids' elements, then each
    /// tagged annotation's key (after the pages') and its element. The
    /// references are numbered as the document numbers them now. One
    /// source for the bytes [`Elements::parent_tree`] writes and the
    /// dictionary [`Elements::materialize`] puts in the document.
    fn parent_tree_nums(&self) -> impl Iterator<Item = Object> + '_ {
        let pages = self.mcids.iter().enumerate().flat_map(|(p, ids)| {
            let parents = ids
                .iter()
                .map(|&node| Object::Reference(self.map(self.parent_of(node))))
                .collect();
            [Object::Integer(p as i64), Object::Array(parents)]
        });
        let annots = self
            .annot_parents
            .iter()
            .enumerate()
            .flat_map(|(k, &node)| {
                [
                    Object::Integer((self.pages.len() + k) as i64),
                    Object::Reference(self.map(self.parent_of(node))),
                ]
            });
        pages.chain(annots)
    }

    /// Appends the parent tree's dictionary: the bytes
    /// `file::object_bytes` gives [`Elements::parent_tree_dictionary`],
    /// made an item at a time.
    fn parent_tree(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(b"<</Nums[");
        for (k, item) in self.parent_tree_nums().enumerate() {
            super::file::array_item(out, &item, k == 0);
        }
        out.extend_from_slice(b"]>>");
    }

    /// The parent tree's dictionary, its references numbered as the
    /// document numbers them now.
    fn parent_tree_dictionary(&self) -> Dictionary {
        let nums = self.parent_tree_nums().collect();
        Dictionary::from_iter([("Nums", Object::Array(nums))])
    }

    /// Tells the elements the document's objects were renumbered `old → new`.
    pub(crate) fn renumbered(&mut self, new: std::collections::BTreeMap<ObjectId, ObjectId>) {
        // `element_at` counts on the elements staying consecutive.
        debug_assert!((0..self.by_object.len() as u32).all(|k| {
            new.get(&(self.first_id.0 + k, 0)).map(|id| id.0)
                == new.get(&self.first_id).map(|id| id.0 + k)
        }));
        self.renumbered = Some(new);
        self.now = (self.map(self.first_id), self.map(self.parent_tree));
    }

    /// Puts every element's dictionary in place of its placeholder, as
    /// numbered by [`write`] (for a document `lopdf` renumbers itself).
    pub(crate) fn materialize(self, doc: &mut Document) {
        doc.objects.insert(
            self.parent_tree,
            Object::Dictionary(self.parent_tree_dictionary()),
        );
        for k in 0..self.by_object.len() {
            let id = (self.first_id.0 + k as u32, 0);
            let i = self.by_object[k] as usize;
            doc.objects
                .insert(id, Object::Dictionary(self.dictionary(i)));
        }
    }

    /// Element `i`'s dictionary, its references numbered as the document
    /// numbers them now.
    pub(crate) fn dictionary(&self, i: usize) -> Dictionary {
        let map = |id: ObjectId| self.map(id);
        let node = &self.tree.nodes[i];
        let parent = node
            .parent
            .and_then(|p| self.obj[p.0 as usize])
            .unwrap_or(self.root_id);
        let mut d = Dictionary::new();
        d.set("S", Object::Name(role_name(node.role).as_bytes().to_vec()));
        d.set("P", Object::Reference(map(parent)));
        let pg = self.own[i].iter().find_map(|k| match *k {
            Kid::Mcid { page, .. } => Some(page),
            Kid::Objr { .. } => None,
        });
        if let Some(pg) = pg {
            d.set("Pg", Object::Reference(map(self.pages[pg])));
        }
        // Own content and children, each child where its content starts.
        let mut kids = Vec::new();
        let mut mine = self.own[i].iter().peekable();
        for child in node
            .children
            .iter()
            .filter(|c| self.obj[c.0 as usize].is_some())
        {
            let at = self.first[child.0 as usize];
            while let Some(k) = mine.next_if(|k| Some(k.key()) < at) {
                kids.push(kid_object(k, pg, &self.pages, &map));
            }
            kids.push(Object::Reference(map(
                self.obj[child.0 as usize].unwrap_or(self.root_id)
            )));
        }
        kids.extend(mine.map(|k| kid_object(k, pg, &self.pages, &map)));
        d.set(
            "K",
            if kids.len() == 1 {
                kids.remove(0)
            } else {
                Object::Array(kids)
            },
        );
        if let StructRole::Th(scope) = node.role {
            let scope = match scope {
                Scope::Row => "Row",
                Scope::Column => "Column",
                Scope::Both => "Both",
            };
            let a = Dictionary::from_iter([
                ("O", Object::Name(b"Table".to_vec())),
                ("Scope", Object::Name(scope.as_bytes().to_vec())),
            ]);
            d.set("A", Object::Dictionary(a));
        }
        if self.note[i] > 0 {
            let name = note_id(self.note[i]);
            d.set("ID", Object::String(name, lopdf::StringFormat::Literal));
        }
        for (key, value) in [
            ("Lang", node.lang()),
            ("Alt", node.alt()),
            ("ActualText", node.actual_text()),
        ] {
            // An empty `/Alt` (an image the author gave no description,
            // outside PDF/UA) says nothing: left out.
            if let Some(v) = value.filter(|v| !(key == "Alt" && v.is_empty())) {
                d.set(key, text_string(v));
            }
        }
        d
    }
}

impl super::file::Deferred for Elements<'_> {
    fn write(&self, id: ObjectId, out: &mut Vec<u8>) -> bool {
        if let Some(i) = self.element_at(id) {
            super::file::object_bytes(out, &Object::Dictionary(self.dictionary(i)));
        } else if id == self.parent_tree_id() {
            self.parent_tree(out);
        } else {
            return false;
        }
        true
    }
}

/// The `/ID` of the `n`th note element (from 1).
fn note_id(n: u32) -> Vec<u8> {
    format!("note-{n}").into_bytes()
}

/// A kid of an element whose `/Pg` is `pg`: a bare MCID on that page, a
/// marked-content reference on another, an object reference. `map`
/// numbers an object as the document does now.
fn kid_object(
    kid: &Kid,
    pg: Option<usize>,
    pages: &[ObjectId],
    map: &impl Fn(ObjectId) -> ObjectId,
) -> Object {
    match *kid {
        Kid::Mcid { page, mcid } if Some(page) == pg => Object::Integer(mcid as i64),
        Kid::Mcid { page, mcid } => Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"MCR".to_vec())),
            ("Pg", Object::Reference(map(pages[page]))),
            ("MCID", Object::Integer(mcid as i64)),
        ])),
        Kid::Objr { page, annot } => Object::Dictionary(Dictionary::from_iter([
            ("Type", Object::Name(b"OBJR".to_vec())),
            ("Pg", Object::Reference(map(pages[page]))),
            ("Obj", Object::Reference(map(annot))),
        ])),
    }
}
