//! A reader of a tagged PDF's logical structure (ISO 32000-1 §14.7–14.8)
//! over lopdf, independent of the writer: it walks every page's content
//! operators and the structure tree, and reports what a PDF/UA checker
//! would: content that is neither tagged nor an artifact, marked-content
//! ids missing from the parent tree or claimed twice, figures without
//! `/Alt`, tables without `TH`. The tree's text (marked content in tree
//! order, decoded through the fonts' ToUnicode maps or `/ActualText`) is
//! what a screen reader reads.

use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::{BTreeMap, HashMap};

/// One structure element, in tree order (preorder).
#[derive(Clone, Debug)]
pub struct Elem {
    /// The structure type (`/S`).
    pub role: String,
    /// Depth below the structure tree root (the document element is 0).
    pub depth: usize,
    /// `/Alt`.
    pub alt: Option<String>,
    /// `/Lang`.
    pub lang: Option<String>,
    /// `/ActualText`.
    pub actual_text: Option<String>,
    /// `/ID`, the element identifier (Latin-1 read).
    pub id: Option<String>,
    /// `/Scope` of its `/A` attributes (header cells).
    pub scope: Option<String>,
    /// Its marked-content references, `(page index, MCID)`.
    pub mcids: Vec<(usize, i64)>,
    /// How many annotations it holds (`/OBJR`).
    pub objrs: usize,
    /// Its text and its descendants', as the tree reads.
    pub text: String,
}

/// What the reader found.
#[derive(Debug, Default)]
pub struct Structure {
    /// The catalog says `/MarkInfo <</Marked true>>`.
    pub marked: bool,
    /// The elements in tree order.
    pub elems: Vec<Elem>,
    /// The tree's text: the elements' marked content in tree order, block
    /// elements and lines separated by a line break.
    pub text: String,
    /// The tree's text as the PDF states it, which is what a screen reader
    /// reads: the marked content in tree order with block elements
    /// separated by a line break, but nothing added where a line of text
    /// ends (its last word and the next line's first are apart only if the
    /// content holds a space between them). The `Note` elements' text is
    /// left out, in [`Structure::notes`].
    pub content: String,
    /// The text of the `Note` elements as [`Structure::content`] reads it,
    /// in tree order, each on a line.
    pub notes: String,
    /// Per page, the text shown inside artifacts.
    pub artifact_text: Vec<String>,
    /// Per page, the marked-content ids its content stream has.
    pub page_mcids: Vec<Vec<i64>>,
    /// Link annotations that are not in the structure tree.
    pub untagged_annots: usize,
    /// Everything that breaks the rules (empty: none).
    pub problems: Vec<String>,
}

impl Structure {
    /// The elements of structure type `role`.
    pub fn of(&self, role: &str) -> Vec<&Elem> {
        self.elems.iter().filter(|e| e.role == role).collect()
    }

    /// The structure types in tree order, indented by depth, one a line.
    pub fn outline(&self) -> String {
        self.elems
            .iter()
            .map(|e| format!("{}{}\n", "  ".repeat(e.depth), e.role))
            .collect()
    }
}

/// A piece of text shown on a page: its baseline and font size, for
/// telling lines apart.
#[derive(Clone, Debug)]
struct Shown {
    page: usize,
    y: f32,
    size: f32,
    text: String,
}

/// Who owns what a painting operator draws.
#[derive(Clone, Debug)]
enum Mark {
    /// An element's content, with the sequence's `/ActualText` if it has one.
    Mcid(i64, Option<String>),
    Artifact,
    /// Any other marked content, with its `/ActualText` if it has one.
    Other(Option<String>),
}

fn name(o: &Object) -> Option<String> {
    o.as_name()
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

/// A PDF text string (UTF-16BE with a BOM, or PDFDocEncoding read as
/// Latin-1).
fn text_string(o: &Object) -> Option<String> {
    let b = o.as_str().ok()?;
    Some(if b.starts_with(&[0xFE, 0xFF]) {
        utf16(&b[2..])
    } else {
        b.iter().map(|&c| c as char).collect()
    })
}

fn utf16(b: &[u8]) -> String {
    let units: Vec<u16> = b
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|c| u8::from_str_radix(std::str::from_utf8(c).unwrap(), 16).unwrap_or(0))
        .collect()
}

/// A font's ToUnicode map as a reader uses it: how many bytes a code has
/// (from the font's `/Encoding`, [`code_bytes`]) and what text each code
/// gives back.
#[derive(Clone)]
struct CodeMap {
    bytes: usize,
    map: HashMap<u16, String>,
}

/// A font with no map: two-byte codes that give back nothing known.
impl Default for CodeMap {
    fn default() -> Self {
        CodeMap {
            bytes: 2,
            map: HashMap::new(),
        }
    }
}

/// How many bytes a code of the Type0 font `font` has, as a reader takes
/// it from the font's `/Encoding` (ISO 32000-1 §9.7.6.2): two for
/// Identity-H; for an embedded CMap (trang's one-byte identity map), the
/// length of its code space range's codes (`<00> <FF>`: one).
pub fn code_bytes(doc: &Document, font: &Dictionary) -> usize {
    match font
        .get(b"Encoding")
        .expect("a Type0 font has an /Encoding")
    {
        Object::Name(n) => {
            assert_eq!(n, b"Identity-H");
            2
        }
        Object::Reference(id) => {
            let cmap = doc.get_object(*id).unwrap().as_stream().unwrap();
            let text = String::from_utf8(cmap.decompressed_content().unwrap()).unwrap();
            let mut tokens = text.split_whitespace();
            tokens
                .by_ref()
                .find(|t| *t == "begincodespacerange")
                .expect("an embedded CMap has a code space range");
            hex(tokens.next().expect("a code space range")).len()
        }
        other => panic!("unexpected /Encoding {other:?}"),
    }
}

/// A ToUnicode CMap's `bfchar` and `bfrange` entries (the code length is
/// the font's, [`code_bytes`]).
fn parse_cmap(data: &[u8]) -> HashMap<u16, String> {
    let text = String::from_utf8_lossy(data);
    let mut map = HashMap::new();
    let code = |s: &str| {
        let b = hex(s);
        b.iter().fold(0u16, |acc, &x| (acc << 8) | u16::from(x))
    };
    let tokens: Vec<&str> = text
        .split(|c: char| c.is_whitespace())
        .filter(|t| !t.is_empty())
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i] {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    map.insert(code(tokens[i]), utf16(&hex(tokens[i + 1])));
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (lo, hi) = (code(tokens[i]), code(tokens[i + 1]));
                    if tokens[i + 2].starts_with('[') {
                        let mut j = i + 2;
                        let mut c = lo;
                        loop {
                            let t = tokens[j].trim_matches(|ch| ch == '[' || ch == ']');
                            if !t.is_empty() {
                                map.insert(c, utf16(&hex(t)));
                                c = c.wrapping_add(1);
                            }
                            if tokens[j].ends_with(']') {
                                break;
                            }
                            j += 1;
                        }
                        i = j + 1;
                    } else {
                        let mut units = hex(tokens[i + 2]);
                        for c in lo..=hi {
                            map.insert(c, utf16(&units));
                            if let Some(last) = units.last_mut() {
                                *last = last.wrapping_add(1);
                            }
                        }
                        i += 3;
                    }
                }
            }
            _ => i += 1,
        }
    }
    map
}

/// The fonts of a page by resource name, as code → text maps.
fn page_fonts(doc: &Document, page: ObjectId) -> HashMap<Vec<u8>, CodeMap> {
    let mut out = HashMap::new();
    for (res, font) in doc.get_page_fonts(page).unwrap_or_default() {
        let map = font
            .get(b"ToUnicode")
            .and_then(Object::as_reference)
            .and_then(|id| doc.get_object(id))
            .and_then(Object::as_stream)
            .and_then(|s| s.decompressed_content())
            .map(|d| parse_cmap(&d))
            .unwrap_or_default();
        out.insert(
            res,
            CodeMap {
                bytes: code_bytes(doc, font),
                map,
            },
        );
    }
    out
}

fn decode(map: &CodeMap, bytes: &[u8]) -> String {
    bytes
        .chunks(map.bytes)
        .map(|c| c.iter().fold(0u16, |acc, &b| (acc << 8) | u16::from(b)))
        .map(|code| {
            map.map
                .get(&code)
                .cloned()
                .unwrap_or_else(|| "\u{FFFD}".into())
        })
        .collect()
}

/// Operators that show text or paint (ISO 32000-1 §8.5.3, §8.7–8.9, §9.4.3).
const PAINTING: &[&str] = &[
    "Tj", "TJ", "'", "\"", "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh", "Do", "BI", "EI",
];

/// The text of every MCID of one page, and what its content breaks.
struct PageRead {
    mcids: BTreeMap<i64, Vec<Shown>>,
    order: Vec<i64>,
    artifact: String,
}

fn read_page(doc: &Document, index: usize, page: ObjectId, problems: &mut Vec<String>) -> PageRead {
    let fonts = page_fonts(doc, page);
    let content = doc.get_page_content(page);
    let ops = match Content::decode(&content) {
        Ok(c) => c.operations,
        Err(e) => {
            problems.push(format!("page {}: content does not decode: {e}", index + 1));
            Vec::new()
        }
    };
    let mut out = PageRead {
        mcids: BTreeMap::new(),
        order: Vec::new(),
        artifact: String::new(),
    };
    let mut stack: Vec<Mark> = Vec::new();
    let (mut y, mut size) = (0.0f32, 0.0f32);
    let mut font: Option<&CodeMap> = None;
    let owner = |stack: &[Mark]| {
        stack
            .iter()
            .filter(|m| matches!(m, Mark::Mcid(..) | Mark::Artifact))
            .cloned()
            .collect::<Vec<_>>()
    };
    let emit =
        |stack: &[Mark], text: String, y: f32, size: f32, out: &mut PageRead| match owner(stack)
            .first()
        {
            Some(Mark::Mcid(m, _)) => out.mcids.entry(*m).or_default().push(Shown {
                page: index,
                y,
                size,
                text,
            }),
            Some(_) => out.artifact.push_str(&text),
            None => {}
        };
    let num = |o: &Object| o.as_float().unwrap_or(0.0);
    for op in ops {
        let args = &op.operands;
        match op.operator.as_str() {
            "BDC" | "BMC" => {
                let tag = args.first().and_then(name).unwrap_or_default();
                let props = args.get(1).and_then(|o| o.as_dict().ok());
                let mcid = props.and_then(|d| d.get(b"MCID").and_then(Object::as_i64).ok());
                let actual = props.and_then(|d| d.get(b"ActualText").ok().and_then(text_string));
                stack.push(match (mcid, tag.as_str()) {
                    (Some(m), _) => {
                        if out.order.contains(&m) {
                            problems.push(format!("page {}: MCID {m} used twice", index + 1));
                        }
                        out.order.push(m);
                        out.mcids.entry(m).or_default();
                        Mark::Mcid(m, actual)
                    }
                    (None, "Artifact") => Mark::Artifact,
                    (None, _) => Mark::Other(actual),
                });
            }
            "EMC" => match stack.pop() {
                Some(Mark::Other(Some(text))) => emit(&stack, text, y, size, &mut out),
                Some(Mark::Mcid(m, Some(text))) => {
                    let mut within = stack.clone();
                    within.push(Mark::Mcid(m, None));
                    emit(&within, text, y, size, &mut out);
                }
                Some(_) => {}
                None => problems.push(format!("page {}: EMC without BDC", index + 1)),
            },
            "BT" => y = 0.0,
            "Td" | "TD" => y += args.get(1).map_or(0.0, num),
            "Tm" => y = args.get(5).map_or(0.0, num),
            "Tf" => {
                font = args
                    .first()
                    .and_then(|o| o.as_name().ok())
                    .and_then(|n| fonts.get(n));
                size = args.get(1).map_or(0.0, num);
            }
            other if PAINTING.contains(&other) => {
                let owners = owner(&stack);
                if owners.len() != 1 {
                    problems.push(format!(
                        "page {}: `{other}` inside {} tagged sequences (must be exactly one MCID or artifact)",
                        index + 1,
                        owners.len()
                    ));
                }
                let in_actual = stack
                    .iter()
                    .any(|m| matches!(m, Mark::Other(Some(_)) | Mark::Mcid(_, Some(_))));
                if matches!(other, "Tj" | "TJ" | "'" | "\"") && !in_actual {
                    let map = font.cloned().unwrap_or_default();
                    let text: String = args
                        .iter()
                        .flat_map(|a| match a {
                            Object::Array(items) => items.clone(),
                            o => vec![o.clone()],
                        })
                        .filter_map(|o| o.as_str().ok().map(|b| decode(&map, b)))
                        .collect();
                    emit(&stack, text, y, size, &mut out);
                }
            }
            _ => {}
        }
    }
    if !stack.is_empty() {
        problems.push(format!(
            "page {}: {} marked-content sequences left open",
            index + 1,
            stack.len()
        ));
    }
    out
}

/// The key–value pairs of a number tree (ISO 32000-1 §7.9.7, `/Nums`) or
/// a name tree (§7.9.6, `/Names`), leaves and `/Kids` alike, in order.
fn tree_pairs(doc: &Document, node: &Dictionary, leaves: &[u8], out: &mut Vec<(Object, Object)>) {
    if let Ok(pairs) = node.get(leaves).and_then(Object::as_array) {
        for pair in pairs.chunks(2) {
            if let [k, v] = pair {
                out.push((k.clone(), v.clone()));
            }
        }
    }
    if let Ok(kids) = node.get(b"Kids").and_then(Object::as_array) {
        for kid in kids {
            if let Ok(d) = kid.as_reference().and_then(|id| doc.get_dictionary(id)) {
                tree_pairs(doc, d, leaves, out);
            }
        }
    }
}

/// The pairs of the tree `key` of the structure tree root `root`.
fn root_tree(
    doc: &Document,
    root: Option<&Dictionary>,
    key: &[u8],
    leaves: &[u8],
) -> Vec<(Object, Object)> {
    let mut out = Vec::new();
    if let Some(t) = root
        .and_then(|r| r.get(key).ok())
        .map(|t| deref(doc, t))
        .and_then(|t| t.as_dict().ok())
    {
        tree_pairs(doc, t, leaves, &mut out);
    }
    out
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(o),
        _ => o,
    }
}

/// Elements whose content flows inside a line (no line break around them).
fn inline(role: &str, parent: &str) -> bool {
    matches!(role, "Span" | "Link" | "Quote" | "Reference")
        || (role == "Code"
            && matches!(
                parent,
                "P" | "H1"
                    | "H2"
                    | "H3"
                    | "H4"
                    | "H5"
                    | "H6"
                    | "TD"
                    | "TH"
                    | "Caption"
                    | "TOCI"
                    | "Lbl"
                    | "Link"
                    | "Span"
                    | "Quote"
            ))
}

/// The tree's text under construction: lines and blocks become line breaks
/// in `out`, blocks alone in `content`.
#[derive(Default)]
struct Text {
    out: String,
    content: String,
    notes: String,
    /// How many `Note` elements are open: their text goes to `notes`.
    in_note: usize,
    last: Option<(usize, f32, f32)>,
}

fn break_line(out: &mut String) {
    if !out.is_empty() && !out.ends_with(char::is_whitespace) {
        out.push('\n');
    }
}

impl Text {
    /// A block element starts or ends.
    fn block(&mut self) {
        break_line(&mut self.out);
        break_line(self.content_mut());
        self.last = None;
    }

    /// The content text being written: the notes' inside a `Note`.
    fn content_mut(&mut self) -> &mut String {
        if self.in_note > 0 {
            &mut self.notes
        } else {
            &mut self.content
        }
    }

    fn shown(&mut self, s: &Shown) {
        if let Some((page, y, size)) = self.last
            && (page != s.page || (y - s.y).abs() >= 0.6 * size.max(s.size))
        {
            break_line(&mut self.out);
        }
        self.out.push_str(&s.text);
        self.content_mut().push_str(&s.text);
        self.last = Some((s.page, s.y, s.size));
    }

    /// Where the text is now, to replace what follows with
    /// [`Text::replace_from`].
    fn mark(&mut self) -> (usize, usize) {
        (self.out.len(), self.content_mut().len())
    }

    /// Replaces the text since `mark` with `actual` (an `/ActualText`).
    fn replace_from(&mut self, (out, content): (usize, usize), actual: &str) {
        self.out.truncate(out);
        self.out.push_str(actual);
        let text = self.content_mut();
        text.truncate(content);
        text.push_str(actual);
    }
}

struct Walk<'a> {
    doc: &'a Document,
    page_index: HashMap<ObjectId, usize>,
    pages: Vec<PageRead>,
    /// Who claims each `(page, MCID)`.
    claims: HashMap<(usize, i64), Vec<ObjectId>>,
    /// The annotations the tree holds, with their element.
    objrs: Vec<(ObjectId, ObjectId)>,
    text: Text,
    elems: Vec<Elem>,
    /// The elements' `/ID`s, with their element.
    ids: HashMap<String, ObjectId>,
    problems: Vec<String>,
}

impl Walk<'_> {
    fn elem(&mut self, id: ObjectId, parent: Option<ObjectId>, parent_role: &str, depth: usize) {
        let doc = self.doc;
        let Ok(d) = doc.get_dictionary(id) else {
            self.problems
                .push(format!("{id:?}: a kid that is not a dictionary"));
            return;
        };
        let role = d.get(b"S").ok().and_then(name).unwrap_or_default();
        if let Some(parent) = parent
            && d.get(b"P").and_then(Object::as_reference).ok() != Some(parent)
        {
            self.problems
                .push(format!("{role} {id:?}: /P is not its parent"));
        }
        let pg = d
            .get(b"Pg")
            .and_then(Object::as_reference)
            .ok()
            .and_then(|p| self.page_index.get(&p).copied());
        let get_text = |k: &[u8]| d.get(k).ok().and_then(text_string);
        let scope = d
            .get(b"A")
            .ok()
            .map(|a| deref(doc, a))
            .and_then(|a| a.as_dict().ok())
            .and_then(|a| a.get(b"Scope").ok().and_then(name));
        let at = self.elems.len();
        self.elems.push(Elem {
            role: role.clone(),
            depth,
            alt: get_text(b"Alt"),
            lang: get_text(b"Lang"),
            actual_text: get_text(b"ActualText"),
            id: get_text(b"ID"),
            scope,
            mcids: Vec::new(),
            objrs: 0,
            text: String::new(),
        });
        let block = !inline(&role, parent_role);
        let note = role == "Note";
        if note {
            self.text.in_note += 1;
        }
        if block {
            self.text.block();
        }
        let mark = self.text.mark();
        let start = mark.0;
        let actual = self.elems[at].actual_text.clone();
        let kids = match d.get(b"K") {
            Ok(Object::Array(a)) => a.clone(),
            Ok(o) => vec![o.clone()],
            Err(_) => Vec::new(),
        };
        for kid in &kids {
            let (page, mcid) = match kid {
                Object::Integer(m) => (pg, *m),
                Object::Reference(kid_id) => {
                    self.elem(*kid_id, Some(id), &role, depth + 1);
                    continue;
                }
                Object::Dictionary(k) => {
                    let kind = k.get(b"Type").ok().and_then(name).unwrap_or_default();
                    let page = k
                        .get(b"Pg")
                        .and_then(Object::as_reference)
                        .ok()
                        .and_then(|p| self.page_index.get(&p).copied())
                        .or(pg);
                    if kind == "OBJR" {
                        if let Ok(obj) = k.get(b"Obj").and_then(Object::as_reference) {
                            self.objrs.push((obj, id));
                            self.elems[at].objrs += 1;
                        }
                        continue;
                    }
                    match k.get(b"MCID").and_then(Object::as_i64) {
                        Ok(m) => (page, m),
                        Err(_) => {
                            self.problems.push(format!("{role}: a kid of unknown kind"));
                            continue;
                        }
                    }
                }
                _ => {
                    self.problems.push(format!("{role}: a kid of unknown kind"));
                    continue;
                }
            };
            let Some(page) = page else {
                self.problems
                    .push(format!("{role}: MCID {mcid} without a page"));
                continue;
            };
            self.elems[at].mcids.push((page, mcid));
            self.claims.entry((page, mcid)).or_default().push(id);
            if actual.is_some() {
                continue;
            }
            match self.pages.get(page).and_then(|p| p.mcids.get(&mcid)) {
                Some(shown) => {
                    for s in shown.clone() {
                        self.text.shown(&s);
                    }
                }
                None => self.problems.push(format!(
                    "{role}: claims MCID {mcid} of page {}, which the page does not have",
                    page + 1
                )),
            }
        }
        if let Some(actual) = actual {
            self.text.replace_from(mark, &actual);
        }
        self.elems[at].text = self.text.out[start..].trim().to_owned();
        if block {
            self.text.block();
        }
        if note {
            self.text.in_note -= 1;
        }
        if let Some(ident) = self.elems[at].id.clone()
            && let Some(other) = self.ids.insert(ident.clone(), id)
        {
            self.problems
                .push(format!("/ID {ident:?} on two elements ({other:?}, {id:?})"));
        }
        if role == "Note" && self.elems[at].id.is_none() {
            self.problems.push(format!(
                "Note without /ID (PDF/UA-1 7.9): {:?}",
                self.elems[at].text
            ));
        }
        if role == "Figure" && self.elems[at].alt.as_deref().is_none_or(str::is_empty) {
            self.problems
                .push(format!("Figure without /Alt: {:?}", self.elems[at].text));
        }
        if role == "Table" && !self.elems[at + 1..].iter().any(|e| e.role == "TH") {
            self.problems
                .push(format!("Table without TH: {:?}", self.elems[at].text));
        }
    }
}

/// Reads the logical structure of `pdf` and checks it.
pub fn read(pdf: &[u8]) -> Structure {
    let doc = Document::load_mem(pdf).expect("a PDF lopdf can read");
    let mut problems = Vec::new();
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let pages: Vec<PageRead> = page_ids
        .iter()
        .enumerate()
        .map(|(i, &id)| read_page(&doc, i, id, &mut problems))
        .collect();
    let catalog = doc.catalog().expect("a catalog");
    let marked = catalog
        .get(b"MarkInfo")
        .ok()
        .map(|m| deref(&doc, m))
        .and_then(|m| m.as_dict().ok())
        .and_then(|m| m.get(b"Marked").and_then(Object::as_bool).ok())
        == Some(true);
    let root = catalog
        .get(b"StructTreeRoot")
        .and_then(Object::as_reference)
        .and_then(|id| doc.get_dictionary(id))
        .ok();
    let parent_tree: BTreeMap<i64, Object> = root_tree(&doc, root, b"ParentTree", b"Nums")
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_i64().ok()?, v)))
        .collect();
    let mut walk = Walk {
        doc: &doc,
        page_index: page_ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i))
            .collect(),
        pages,
        claims: HashMap::new(),
        objrs: Vec::new(),
        text: Text::default(),
        elems: Vec::new(),
        ids: HashMap::new(),
        problems,
    };
    let root_id = catalog
        .get(b"StructTreeRoot")
        .and_then(Object::as_reference)
        .ok();
    let tops = match root.and_then(|r| r.get(b"K").ok()) {
        Some(Object::Array(a)) => a.clone(),
        Some(o) => vec![o.clone()],
        None => Vec::new(),
    };
    for top in tops {
        if let Ok(id) = top.as_reference() {
            walk.elem(id, root_id, "", 0);
        }
    }
    let Walk {
        pages,
        claims,
        objrs,
        text,
        elems,
        ids,
        mut problems,
        ..
    } = walk;
    // Every element identifier is in the root's `/IDTree`, naming its
    // element (ISO 32000-1 §14.7.2, Table 322).
    let id_tree: BTreeMap<Vec<u8>, ObjectId> = root_tree(&doc, root, b"IDTree", b"Names")
        .into_iter()
        .filter_map(|(k, v)| Some((k.as_str().ok()?.to_vec(), v.as_reference().ok()?)))
        .collect();
    for (ident, elem) in &ids {
        if id_tree.get(ident.as_bytes()) != Some(elem) {
            problems.push(format!(
                "/ID {ident:?}: not in the /IDTree as its element's"
            ));
        }
    }
    // Every MCID of the content is in the parent tree once, and claimed by
    // the element the parent tree names.
    let mut page_mcids = Vec::new();
    for (i, (&id, page)) in page_ids.iter().zip(&pages).enumerate() {
        let dict = doc.get_dictionary(id).expect("a page");
        if dict.get(b"Tabs").ok().and_then(name).as_deref() != Some("S") {
            problems.push(format!("page {}: no /Tabs /S", i + 1));
        }
        let parents = dict
            .get(b"StructParents")
            .and_then(Object::as_i64)
            .ok()
            .and_then(|k| parent_tree.get(&k))
            .map(|o| deref(&doc, o))
            .and_then(|o| o.as_array().ok());
        for &mcid in &page.order {
            let named = parents
                .and_then(|a| a.get(mcid as usize))
                .and_then(|o| o.as_reference().ok());
            let claimed = claims.get(&(i, mcid)).map_or(&[][..], Vec::as_slice);
            match named {
                None => problems.push(format!(
                    "page {}: MCID {mcid} is not in the parent tree",
                    i + 1
                )),
                Some(e) if claimed != [e] => problems.push(format!(
                    "page {}: MCID {mcid} is claimed by {} elements, not only by its parent {e:?}",
                    i + 1,
                    claimed.len()
                )),
                Some(_) => {}
            }
        }
        page_mcids.push(page.order.clone());
    }
    // Every annotation of the tree points back at its element.
    for (annot, elem) in &objrs {
        let back = doc
            .get_dictionary(*annot)
            .and_then(|a| a.get(b"StructParent"))
            .and_then(Object::as_i64)
            .ok()
            .and_then(|k| parent_tree.get(&k))
            .and_then(|o| o.as_reference().ok());
        if back != Some(*elem) {
            problems.push(format!(
                "annotation {annot:?}: /StructParent does not name its element"
            ));
        }
    }
    let untagged_annots = page_ids
        .iter()
        .flat_map(|&p| doc.get_page_annotations(p).unwrap_or_default())
        .filter(|a| a.get(b"StructParent").is_err())
        .count();
    Structure {
        marked,
        elems,
        text: text.out.trim().to_owned(),
        content: text.content.trim().to_owned(),
        notes: text.notes.trim().to_owned(),
        artifact_text: pages.into_iter().map(|p| p.artifact).collect(),
        page_mcids,
        untagged_annots,
        problems,
    }
}
