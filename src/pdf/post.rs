//! The lopdf post-pass over the document printpdf built: what printpdf
//! 0.12.8 cannot write itself.
//!
//! * a nested outline with `/XYZ` destinations at the heading (printpdf's
//!   bookmarks are flat and point at page tops), named destinations, and
//!   internal links that go to them (printpdf only has page GoTo actions);
//! * link annotations as indirect objects (printpdf writes them inline,
//!   which ISO 32000-1 table 30 does not allow) with `/Border [0 0 0]`;
//! * `/PageMode /UseOutlines` as a name (printpdf writes a string),
//!   `/ViewerPreferences`, `/Lang`;
//! * Info and XMP metadata from [`DocInfo`] only, without printpdf's empty
//!   `/GTS_PDFXVersion`, `/Trapped` and `/Identifier`;
//! * the fonts, subset and embedded by us (module `fonts`): printpdf's
//!   own embedding parses each face whole, decodes every outline drawn to
//!   measure widths, and decides the glyph codes only as it writes, after
//!   the content streams that need them;
//! * the pages' content streams, which we write ourselves (module
//!   `content`) and compress once;
//! * the logical structure: structure tree, parent tree, `/MarkInfo`,
//!   `/StructParents` and `/Tabs` (module `tags`);
//! * empty resource dictionaries dropped, one `/Resources` shared by all
//!   pages, unreferenced objects pruned;
//! * PDF 1.7 with object streams, and an `/ID` and XMP document id that are
//!   hashes of the content (printpdf's are random).
//!
//! [`DocInfo`]: crate::frame::DocInfo

use super::file::Deferred;
use super::fonts::text_string;
use super::standard::{self, Standards};
use super::{PdfError, meta, nav, tags};
use crate::frame::{DocInfo, Item, Layout, Tag};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use md5::{Digest, Md5};
use std::collections::BTreeMap;

fn err(e: impl std::fmt::Display) -> PdfError {
    PdfError::Write(e.to_string())
}

/// Finishes the document printpdf built and serializes it.
///
/// `parts.links` holds, per page, the anchor each of the page's link
/// annotations goes to (`None` for a URI) and its tag, in the order of the
/// page's `/Annots`; `parts.contents`, per page, its compressed content
/// stream and the element of each of its marked-content ids (module
/// `tags`); `parts.fonts`, the fonts to embed.
pub(crate) fn finish(
    parts: super::Parts,
    layout: &Layout,
    standards: &Standards,
) -> Result<Vec<u8>, PdfError> {
    let super::Parts {
        mut doc,
        links,
        contents,
        mut fonts,
    } = parts;
    let links = &links[..];
    doc.version = "1.7".into();
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(err)?;
    let pages: Vec<(ObjectId, f32)> = doc
        .get_pages()
        .into_values()
        .zip(&layout.pages)
        .map(|(id, p)| (id, p.height))
        .collect();
    if pages.len() != layout.pages.len() {
        return Err(err(format!(
            "printpdf wrote {} pages instead of {}",
            pages.len(),
            layout.pages.len()
        )));
    }

    // Each anchor's page (index) and the PDF y of its top: the named
    // destinations ([`nav::Dests`]).
    let mut anchors: BTreeMap<Vec<u8>, (usize, f32)> = BTreeMap::new();
    for (p, (page, &(_, height))) in layout.pages.iter().zip(&pages).enumerate() {
        for it in &page.items {
            if let Item::Anchor(name) = &it.item {
                let top = height - it.pos.y;
                anchors.entry(name.as_bytes().to_vec()).or_insert((p, top));
            }
        }
    }

    let font_resources = super::fonts::embed_all(&mut doc, &mut fonts, &layout.fonts)?;
    drop(fonts);
    let mut shared_resources = None;
    let mut annots = Vec::with_capacity(pages.len());
    let mut mcids = Vec::with_capacity(pages.len());
    for ((&(page_id, _), page_links), (content, page_mcids)) in
        pages.iter().zip(links).zip(contents)
    {
        let ids = fix_annotations(&mut doc, page_id, page_links)?;
        annots.push(
            ids.into_iter()
                .zip(page_links.iter().map(|l| l.1))
                .collect(),
        );
        mcids.push(page_mcids);
        set_content(&mut doc, page_id, content)?;
        share_resources(&mut doc, page_id, &font_resources, &mut shared_resources)?;
    }

    let mut cat = doc.get_dictionary(catalog_id).map_err(err)?.clone();
    let (outline, dests) = complete_catalog(&mut doc, &mut cat, layout, &pages, anchors);
    let page_ids: Vec<ObjectId> = pages.iter().map(|p| p.0).collect();
    let elements = tags::write(
        &mut doc,
        &mut cat,
        &layout.structure,
        &page_ids,
        mcids,
        &annots,
    )?;
    standard::complete(&mut doc, &mut cat, layout, standards)?;
    doc.set_object(catalog_id, cat);

    let info = Object::Dictionary(meta::info_dict(&layout.info));
    match doc.trailer.get(b"Info").and_then(Object::as_reference) {
        Ok(id) => doc.set_object(id, info),
        Err(_) => {
            let id = doc.add_object(info);
            doc.trailer.set("Info", Object::Reference(id));
        }
    }

    compress_streams(&mut doc)?;
    let later = Later {
        elements,
        outline,
        dests,
    };
    let later = prune_and_renumber(&mut doc, later);
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(err)?;
    let deferred: Vec<&dyn Deferred> = match &later {
        Some(later) => std::iter::once(&later.elements as &dyn Deferred)
            .chain(later.outline.as_ref().map(|o| o as &dyn Deferred))
            .chain(later.dests.as_ref().map(|d| d as &dyn Deferred))
            .collect(),
        None => Vec::new(),
    };
    // What making the objects freed (the page tree's conversion, the
    // pruned objects) goes back to the system before the file is
    // serialized (a large document's: [`crate::alloc::give_back`]).
    crate::alloc::give_back();
    with_ids(doc, catalog_id, &layout.info, standards, &deferred)
}

/// The objects the file writes from what their makers kept, their
/// placeholders in the document ([`Deferred`]).
struct Later<'t> {
    /// The structure elements and the parent tree.
    elements: tags::Elements<'t>,
    /// The outline's entries.
    outline: Option<nav::Outline<'t>>,
    /// The named destinations.
    dests: Option<nav::Dests>,
}

/// Drops the objects nothing refers to and numbers the rest 1, 2, 3… in
/// the order of their old numbers: what lopdf's `prune_objects` and
/// `renumber_objects` do (same objects, same numbers, same bytes), in one
/// walk each. lopdf's walk tests every reference against a list of those
/// met (`traverse_objects`), which grows with the square of the objects:
/// 362 M instructions on the book once its structure tree added some 5,000.
/// A document whose pages are not numbered in page order, or that holds
/// lopdf bookmarks, is left to lopdf (it reorders them; ours never are):
/// then the deferred objects (the structure elements, the parent tree, the
/// outline's entries, the named destinations) are put in the document
/// first, and `None` is returned;
/// otherwise they are, told the new numbers.
fn prune_and_renumber<'t>(doc: &mut Document, mut later: Later<'t>) -> Option<Later<'t>> {
    fn refs(object: &Object, out: &mut Vec<ObjectId>) {
        match object {
            Object::Reference(id) => out.push(*id),
            Object::Array(items) => items.iter().for_each(|o| refs(o, out)),
            Object::Dictionary(dict) => dict.iter().for_each(|(_, o)| refs(o, out)),
            Object::Stream(stream) => stream.dict.iter().for_each(|(_, o)| refs(o, out)),
            _ => {}
        }
    }
    fn renumber(object: &mut Object, new: &BTreeMap<ObjectId, ObjectId>) {
        match object {
            Object::Reference(id) => {
                if let Some(n) = new.get(id) {
                    *id = *n;
                }
            }
            Object::Array(items) => items.iter_mut().for_each(|o| renumber(o, new)),
            Object::Dictionary(dict) => dict.iter_mut().for_each(|(_, o)| renumber(o, new)),
            Object::Stream(stream) => stream.dict.iter_mut().for_each(|(_, o)| renumber(o, new)),
            _ => {}
        }
    }
    // Reachable from the trailer.
    let mut seen = std::collections::BTreeSet::new();
    let mut pending = Vec::new();
    doc.trailer.iter().for_each(|(_, o)| refs(o, &mut pending));
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        let entry = later
            .outline
            .as_ref()
            .and_then(|o| Some((o, o.entry_at(id)?)));
        if let Some(element) = later.elements.element_at(id) {
            later.elements.refs(element, &mut pending);
        } else if id == later.elements.parent_tree_id() {
            later.elements.parent_tree_refs(&mut pending);
        } else if let Some((outline, i)) = entry {
            outline.refs(i, &mut pending);
        } else if let Some(d) = later.dests.as_ref().filter(|d| d.id() == id) {
            d.refs(&mut pending);
        } else if let Some(object) = doc.objects.get(&id) {
            refs(object, &mut pending);
        }
    }
    doc.objects.retain(|id, _| seen.contains(id));
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    if pages.windows(2).any(|w| w[0] > w[1]) || !doc.bookmarks.is_empty() || lopdf_renumbers() {
        later.elements.materialize(doc);
        if let Some(o) = later.outline {
            o.materialize(doc);
        }
        if let Some(d) = later.dests {
            d.materialize(doc);
        }
        doc.renumber_objects();
        return None;
    }
    let new: BTreeMap<ObjectId, ObjectId> = doc
        .objects
        .keys()
        .zip(1..)
        .map(|(&old, n)| (old, (n, old.1)))
        .collect();
    let objects = std::mem::take(&mut doc.objects);
    doc.objects = objects
        .into_iter()
        .map(|(old, mut object)| {
            renumber(&mut object, &new);
            (new[&old], object)
        })
        .collect();
    doc.trailer.iter_mut().for_each(|(_, o)| renumber(o, &new));
    doc.max_id = doc.objects.len() as u32;
    if let Some(o) = &mut later.outline {
        o.renumbered(&new);
    }
    if let Some(d) = &mut later.dests {
        d.renumbered(&new);
    }
    later.elements.renumbered(new);
    Some(later)
}

/// Whether [`prune_and_renumber`] leaves every document to lopdf (in the
/// crate's tests, [`tests::LOPDF_RENUMBERS`]: the deferred objects then
/// go into the document first, and the bytes must not change).
fn lopdf_renumbers() -> bool {
    #[cfg(test)]
    if tests::LOPDF_RENUMBERS.get() {
        return true;
    }
    false
}

/// Makes the page's link annotations indirect and borderless, and points
/// internal links at their named destination; returns the annotations'
/// objects, in order.
fn fix_annotations(
    doc: &mut Document,
    page_id: ObjectId,
    targets: &[(Option<String>, Tag)],
) -> Result<Vec<ObjectId>, PdfError> {
    let page = doc.get_dictionary_mut(page_id).map_err(err)?;
    let annots = match page.remove(b"Annots") {
        Some(Object::Array(a)) => a,
        _ => Vec::new(),
    };
    if annots.len() != targets.len() {
        return Err(err(format!(
            "printpdf wrote {} link annotations instead of {}",
            annots.len(),
            targets.len()
        )));
    }
    let mut refs = Vec::new();
    for (annot, (target, _)) in annots.into_iter().zip(targets) {
        let Object::Dictionary(mut d) = annot else {
            return Err(err(
                "printpdf wrote a link annotation that is not a dictionary",
            ));
        };
        d.set("Border", Object::Array(vec![Object::Integer(0); 3]));
        // An empty colour and the default highlighting say nothing.
        d.remove(b"C");
        d.remove(b"H");
        if let Ok(rect) = d.get_mut(b"Rect").and_then(Object::as_array_mut) {
            for v in rect.iter_mut() {
                *v = nav::coord(v.as_float().unwrap_or(0.0));
            }
        }
        if let Some(name) = target {
            d.remove(b"A");
            let dest = Object::String(name.as_bytes().to_vec(), StringFormat::Literal);
            d.set("Dest", dest);
        }
        refs.push(doc.add_object(d));
    }
    if !refs.is_empty() {
        let array = refs.iter().map(|&id| Object::Reference(id)).collect();
        doc.get_dictionary_mut(page_id)
            .map_err(err)?
            .set("Annots", Object::Array(array));
    }
    Ok(refs)
}

/// Compresses every stream still uncompressed (fonts, ToUnicode maps,
/// XMP) as lopdf's `compress` does — Flate, kept only when it saves more
/// than the filter entry costs — but with libdeflate, which is faster and
/// smaller than lopdf's zlib at its best level.
fn compress_streams(doc: &mut Document) -> Result<(), PdfError> {
    let mut z = super::Deflater::new(super::CONTENT_LEVEL)?;
    for object in doc.objects.values_mut() {
        if let Object::Stream(stream) = object
            && stream.allows_compression
            && stream.dict.get(b"Filter").is_err()
        {
            let compressed = z.zlib(&stream.content)?;
            if compressed.len() + 19 < stream.content.len() {
                stream.dict.set("Filter", "FlateDecode");
                stream.set_content(compressed);
            }
        }
    }
    Ok(())
}

/// Puts our content stream (module `content`), already compressed, in
/// place of the one printpdf wrote for the page.
fn set_content(doc: &mut Document, page_id: ObjectId, content: Vec<u8>) -> Result<(), PdfError> {
    let contents = doc
        .get_dictionary(page_id)
        .and_then(|p| p.get(b"Contents"))
        .and_then(Object::as_reference)
        .map_err(err)?;
    let stream = doc
        .get_object_mut(contents)
        .and_then(Object::as_stream_mut)
        .map_err(err)?;
    stream
        .dict
        .set("Filter", Object::Name(b"FlateDecode".to_vec()));
    stream.set_content(content);
    Ok(())
}

/// Puts the resource category dictionaries inline, drops the empty ones
/// (printpdf writes `/ExtGState` and `/Shading` for every page), adds the
/// fonts' `/Font` dictionary ([`super::fonts::embed_all`]) and makes every
/// page use the first page's `/Resources`, which printpdf writes once per
/// page with the same contents.
fn share_resources(
    doc: &mut Document,
    page_id: ObjectId,
    fonts: &Dictionary,
    shared: &mut Option<(ObjectId, Dictionary)>,
) -> Result<(), PdfError> {
    let res_id = doc
        .get_dictionary(page_id)
        .and_then(|p| p.get(b"Resources"))
        .and_then(Object::as_reference)
        .map_err(err)?;
    let mut res = Dictionary::new();
    for (k, v) in doc.get_dictionary(res_id).map_err(err)? {
        // printpdf refers to one dictionary per category: put it inline.
        let dict = match v {
            Object::Reference(id) => doc.get_dictionary(*id).map_err(err)?,
            Object::Dictionary(d) => d,
            _ => return Err(err("printpdf wrote an unexpected /Resources entry")),
        };
        if !dict.is_empty() {
            res.set(k.clone(), Object::Dictionary(dict.clone()));
        }
    }
    if !fonts.is_empty() {
        res.set("Font", Object::Dictionary(fonts.clone()));
    }
    match shared {
        Some((id, first)) if *first == res => {
            let id = *id;
            doc.get_dictionary_mut(page_id)
                .map_err(err)?
                .set("Resources", Object::Reference(id));
        }
        _ => {
            doc.set_object(res_id, res.clone());
            if shared.is_none() {
                *shared = Some((res_id, res));
            }
        }
    }
    Ok(())
}

fn complete_catalog<'a>(
    doc: &mut Document,
    cat: &mut Dictionary,
    layout: &'a Layout,
    pages: &[(ObjectId, f32)],
    anchors: BTreeMap<Vec<u8>, (usize, f32)>,
) -> (Option<nav::Outline<'a>>, Option<nav::Dests>) {
    for key in [
        b"PageMode".as_slice(),
        b"Outlines",
        b"Metadata",
        b"OutputIntents",
        b"PageLabels",
    ] {
        cat.remove(key);
    }
    if let Some(labels) = nav::page_labels(&layout.page_labels) {
        cat.set("PageLabels", Object::Dictionary(labels));
    }
    let outline = nav::outline(doc, &layout.outline, pages).map(|(outlines, entries)| {
        cat.set("Outlines", Object::Reference(outlines));
        cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
        entries
    });
    let dests = (!anchors.is_empty()).then(|| {
        let dests = nav::Dests::new(doc, anchors, pages.iter().map(|p| p.0).collect());
        let names = Dictionary::from_iter([("Dests", Object::Reference(dests.id()))]);
        cat.set("Names", Object::Dictionary(names));
        dests
    });
    if !layout.info.lang.is_empty() {
        cat.set("Lang", text_string(&layout.info.lang));
    }
    let prefs = Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))]);
    cat.set("ViewerPreferences", Object::Dictionary(prefs));
    (outline, dests)
}

/// Serializes with object streams and a cross-reference stream (module
/// `file`).
fn save(doc: &Document, deferred: &[&dyn Deferred]) -> Result<Vec<u8>, PdfError> {
    super::file::write(doc, OBJECT_LEVEL, deferred)
}

/// The libdeflate level of the object streams. On the generated book
/// (326 pages, 2 MB of structure elements and other small objects):
///
/// | level | file | PDF stage (callgrind) |
/// |---|---|---|
/// | 1 | 739,856 B | 197.2 M |
/// | 6 | 728,504 B | 210.4 M |
/// | 9 | 726,198 B | 261.1 M |
/// | 12 | 719,588 B | 728.5 M |
///
/// Level 6 keeps all but 0.3 % of level 9's saving at a fifth of its cost.
/// The content streams are compressed at the same level
/// ([`CONTENT_LEVEL`](super::CONTENT_LEVEL)), for the same reason.
const OBJECT_LEVEL: i32 = 6;

/// What stands for the `/ID` while the file is hashed: 16 bytes written
/// as 32 hex digits, patched in place afterwards.
const ID_PLACEHOLDER: [u8; 16] = [0; 16];
/// What stands for the XMP document id while the file is hashed.
const UUID_PLACEHOLDER: &str = "00000000-0000-0000-0000-000000000000";

/// Adds what depends on the finished content (the `/ID`, the XMP document
/// id, replacing printpdf's random ones) and the XMP packet, then
/// serializes.
///
/// The file is written once with placeholders of the same length as the
/// ids; the ids are the MD5 digest of those bytes (ISO 32000-1 §14.4
/// suggests MD5; the id only has to tell files apart, and MD5 costs a
/// fifth of SHA-256 here) and are patched in. When the
/// placeholders cannot be found exactly where expected (they could, in
/// theory, also occur inside a compressed stream), the document is
/// serialized again with the real ids instead, so the result is the same
/// either way: a function of the content alone.
fn with_ids(
    mut doc: Document,
    catalog_id: ObjectId,
    info: &DocInfo,
    standards: &Standards,
    deferred: &[&dyn Deferred],
) -> Result<Vec<u8>, PdfError> {
    let placeholder = Object::String(ID_PLACEHOLDER.to_vec(), StringFormat::Hexadecimal);
    doc.trailer
        .set("ID", Object::Array(vec![placeholder.clone(), placeholder]));
    let xmp_dict = Dictionary::from_iter([
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    let xmp_id = doc.add_object(Stream::new(
        xmp_dict.clone(),
        meta::xmp(info, UUID_PLACEHOLDER, standards).into_bytes(),
    ));
    doc.get_dictionary_mut(catalog_id)
        .map_err(err)?
        .set("Metadata", Object::Reference(xmp_id));
    let mut bytes = save(&doc, deferred)?;
    let digest = Md5::digest(&bytes);
    let id_hex: String = digest[..16].iter().map(|b| format!("{b:02X}")).collect();
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &digest).to_string();
    let id_at = find_all(&bytes, format!("<{}>", "0".repeat(32)).as_bytes());
    let uuid_at = find_all(&bytes, format!("uuid:{UUID_PLACEHOLDER}").as_bytes());
    if id_at.len() == 2 && uuid_at.len() == 2 {
        for at in id_at {
            bytes[at + 1..at + 33].copy_from_slice(id_hex.as_bytes());
        }
        for at in uuid_at {
            bytes[at + 5..at + 41].copy_from_slice(uuid.as_bytes());
        }
        return Ok(bytes);
    }
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    doc.set_object(
        xmp_id,
        Stream::new(xmp_dict, meta::xmp(info, &uuid, standards).into_bytes()),
    );
    save(&doc, deferred)
}

/// Where `needle` starts in `haystack`, every occurrence.
fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(haystack, needle).collect()
}

#[cfg(test)]
mod tests {
    thread_local! {
        /// Set: [`super::prune_and_renumber`] leaves the document to lopdf.
        pub(super) static LOPDF_RENUMBERS: std::cell::Cell<bool> =
            const { std::cell::Cell::new(false) };
    }

    /// The structure elements, the parent tree, the outline's entries and
    /// the named destinations are written from what their makers kept
    /// (`file::Deferred`); put in the document as `lopdf` objects and
    /// renumbered by lopdf, the same document gives the same bytes.
    #[test]
    fn deferred_objects_write_what_lopdf_would() {
        let md = "---\ntitle: Sổ tay\n---\n\n## Một\n\nCâu có chú thích.[^a] Xem [phần hai](#hai).\n\n\
### Sâu hơn\n\nThêm chữ.\n\n## Hai {#hai}\n\nHết.\n\n[^a]: Chú thích.\n";
        let mut diags = crate::diag::Diagnostics::default();
        let source = crate::diag::SourceFile::new("deferred.md", md.to_string());
        let prepared = crate::prepare_source(source, &Default::default(), &mut diags)
            .unwrap_or_else(|| panic!("{diags:?}"));
        let (layout, _) =
            crate::typeset::typeset(&prepared.doc, &prepared.fonts, crate::cli::Paper::A5, 0);
        let deferred = crate::pdf::write_pdf(&layout).expect("written");
        LOPDF_RENUMBERS.set(true);
        let whole = crate::pdf::write_pdf(&layout);
        LOPDF_RENUMBERS.set(false);
        assert!(deferred == whole.expect("written"), "the bytes differ");
        // What the deferred objects hold is in the file.
        let doc = lopdf::Document::load_mem(&deferred).expect("read back");
        let catalog = doc.catalog().expect("catalog");
        let get = |d: &lopdf::Dictionary, key: &[u8]| {
            let r = d
                .get(key)
                .and_then(lopdf::Object::as_reference)
                .expect("ref");
            doc.get_dictionary(r).expect("dictionary").clone()
        };
        let outlines = get(catalog, b"Outlines");
        // The title, its two sections, one subsection.
        assert_eq!(
            outlines.get(b"Count").and_then(|c| c.as_i64()).ok(),
            Some(4)
        );
        let first = get(&outlines, b"First");
        assert!(first.get(b"Dest").is_ok() && first.get(b"First").is_ok());
        let names = catalog
            .get(b"Names")
            .and_then(|n| n.as_dict())
            .expect("names");
        let dests = get(names, b"Dests");
        let listed = dests
            .get(b"Names")
            .and_then(|n| n.as_array())
            .expect("array");
        assert!(
            listed.iter().any(|o| o.as_str().is_ok_and(|s| s == b"hai")),
            "the anchor `hai` is a named destination"
        );
        let tree = get(catalog, b"StructTreeRoot");
        let parents = get(&tree, b"ParentTree");
        let nums = parents
            .get(b"Nums")
            .and_then(|n| n.as_array())
            .expect("nums");
        assert!(nums.len() >= 4, "a page's entry and a link's: {nums:?}");
        // Every page's `/StructParents` and every link's `/StructParent` is
        // a key of the parent tree; a link's names a `Link` element.
        let entries: std::collections::BTreeMap<i64, &lopdf::Object> = nums
            .chunks(2)
            .map(|kv| (kv[0].as_i64().expect("key"), &kv[1]))
            .collect();
        let mut links = 0;
        for (_, page) in doc.get_pages() {
            let page = doc.get_dictionary(page).expect("page");
            let key = page.get(b"StructParents").and_then(|k| k.as_i64());
            assert!(entries[&key.expect("StructParents")].as_array().is_ok());
            let Ok(annots) = page.get(b"Annots").and_then(|a| a.as_array()) else {
                continue;
            };
            for annot in annots {
                let annot = doc
                    .get_dictionary(annot.as_reference().expect("ref"))
                    .expect("annotation");
                let key = annot.get(b"StructParent").and_then(|k| k.as_i64());
                let element = entries[&key.expect("StructParent")];
                let element = doc
                    .get_dictionary(element.as_reference().expect("ref"))
                    .expect("element");
                assert_eq!(
                    element.get(b"S").and_then(|s| s.as_name()).ok(),
                    Some(&b"Link"[..])
                );
                links += 1;
            }
        }
        // The note's mark, the note's way back to it, the link to `hai`.
        assert_eq!(links, 3, "every link is tagged");
        // The outline's entries in reading order, each the `/Prev` of its
        // `/Next` and the `/Parent` of its children.
        let mut titles = Vec::new();
        let mut stack = vec![(outlines.get(b"First").ok().cloned(), None)];
        while let Some((object, prev)) = stack.pop() {
            let Some(object) = object else {
                continue;
            };
            let id = object.as_reference().expect("ref");
            let entry = doc.get_dictionary(id).expect("entry");
            assert_eq!(entry.get(b"Prev").and_then(|p| p.as_reference()).ok(), prev);
            titles.push(entry.get(b"Title").expect("title").clone());
            stack.push((entry.get(b"Next").ok().cloned(), Some(id)));
            if let Ok(first) = entry.get(b"First") {
                let child = doc
                    .get_dictionary(first.as_reference().expect("ref"))
                    .expect("child");
                assert_eq!(
                    child.get(b"Parent").and_then(|p| p.as_reference()).ok(),
                    Some(id)
                );
                stack.push((Some(first.clone()), None));
            }
        }
        let want: Vec<lopdf::Object> = ["Sổ tay", "Một", "Sâu hơn", "Hai"]
            .into_iter()
            .map(super::text_string)
            .collect();
        assert_eq!(titles, want);
    }
}
