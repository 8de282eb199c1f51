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
//! * the standard `Adobe-Identity-UCS` header on the ToUnicode CMaps,
//!   instead of printpdf's longer one (the mappings are printpdf's);
//! * the pages' content streams, which we write ourselves (module
//!   `content`) and compress once, the first page's (printpdf's glyph
//!   inventory, untagged) among them;
//! * the logical structure: structure tree, parent tree, `/MarkInfo`,
//!   `/StructParents` and `/Tabs` (module `tags`);
//! * empty resource dictionaries dropped, one `/Resources` shared by all
//!   pages, unreferenced objects pruned;
//! * PDF 1.7 with object streams, and an `/ID` and XMP document id that are
//!   hashes of the content (printpdf's are random).
//!
//! [`DocInfo`]: crate::frame::DocInfo

use super::fonts::text_string;
use super::standard::{self, Standards};
use super::{PdfError, meta, nav, tags};
use crate::frame::{DocInfo, Item, Layout, NodeId, Tag};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use md5::{Digest, Md5};
use std::collections::BTreeMap;

fn err(e: impl std::fmt::Display) -> PdfError {
    PdfError::Write(e.to_string())
}

/// Finishes the document printpdf built and serializes it.
///
/// `links` holds, per page, the anchor each of the page's link annotations
/// goes to (`None` for a URI) and its tag, in the order of the page's
/// `/Annots`; `contents`, per page, its compressed content stream and the
/// element of each of its marked-content ids (module `tags`).
pub(crate) fn finish(
    mut doc: Document,
    layout: &Layout,
    links: &[Vec<(Option<String>, Tag)>],
    contents: Vec<(Vec<u8>, Vec<NodeId>)>,
    spaces: &BTreeMap<String, super::fonts::SpaceCodes>,
    standards: &Standards,
) -> Result<Vec<u8>, PdfError> {
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

    let mut anchors: BTreeMap<Vec<u8>, Object> = BTreeMap::new();
    for (page, &(id, height)) in layout.pages.iter().zip(&pages) {
        for it in &page.items {
            if let Item::Anchor(name) = &it.item {
                let dest = nav::xyz(id, height - it.pos.y);
                anchors.entry(name.as_bytes().to_vec()).or_insert(dest);
            }
        }
    }

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
        share_resources(&mut doc, page_id, &mut shared_resources)?;
    }

    compact_to_unicode(&mut doc, spaces)?;

    let mut cat = doc.get_dictionary(catalog_id).map_err(err)?.clone();
    complete_catalog(&mut doc, &mut cat, layout, &pages, &anchors);
    let page_ids: Vec<ObjectId> = pages.iter().map(|p| p.0).collect();
    tags::write(
        &mut doc,
        &mut cat,
        &layout.structure,
        &page_ids,
        &mcids,
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
    prune_and_renumber(&mut doc);
    let catalog_id = doc
        .trailer
        .get(b"Root")
        .and_then(Object::as_reference)
        .map_err(err)?;
    with_ids(doc, catalog_id, &layout.info, standards)
}

/// Drops the objects nothing refers to and numbers the rest 1, 2, 3… in
/// the order of their old numbers: what lopdf's `prune_objects` and
/// `renumber_objects` do (same objects, same numbers, same bytes), in one
/// walk each. lopdf's walk tests every reference against a list of those
/// met (`traverse_objects`), which grows with the square of the objects:
/// 362 M instructions on the book once its structure tree added some 5,000.
/// A document whose pages are not numbered in page order, or that holds
/// lopdf bookmarks, is left to lopdf (it reorders them; ours never are).
fn prune_and_renumber(doc: &mut Document) {
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
        if seen.insert(id)
            && let Some(object) = doc.objects.get(&id)
        {
            refs(object, &mut pending);
        }
    }
    doc.objects.retain(|id, _| seen.contains(id));
    let pages: Vec<ObjectId> = doc.page_iter().collect();
    if pages.windows(2).any(|w| w[0] > w[1]) || !doc.bookmarks.is_empty() {
        doc.renumber_objects();
        return;
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

/// The header of a ToUnicode CMap, up to its code space range.
const CMAP_HEADER: &[u8] = b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def\n\
/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n";

/// Replaces the header of every ToUnicode CMap with the standard
/// `Adobe-Identity-UCS` one. printpdf's header (PostScript resource
/// comments, a `FontSpecific` system info, `/CMapVersion`, `/WMode`) says
/// nothing a text extractor uses and costs about 90 compressed bytes per
/// font; the `bfchar` entries are kept as printpdf wrote them. A font with
/// a space code (`spaces`, by subset tag) gets the code space of its
/// encoding ([`space_cmap`]) and the entry `<20> <0020>`.
fn compact_to_unicode(
    doc: &mut Document,
    spaces: &BTreeMap<String, super::fonts::SpaceCodes>,
) -> Result<(), PdfError> {
    let fonts: Vec<(ObjectId, ObjectId, Option<super::fonts::SpaceCodes>)> = doc
        .objects
        .iter()
        .filter_map(|(&id, o)| Some((id, o.as_dict().ok()?)))
        .filter(|(_, d)| d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Type0"))
        .filter_map(|(id, d)| {
            let cmap = d.get(b"ToUnicode").and_then(Object::as_reference).ok()?;
            let tag = d
                .get(b"BaseFont")
                .and_then(Object::as_name)
                .ok()
                .and_then(|n| n.split(|&b| b == b'+').next())
                .map(|t| String::from_utf8_lossy(t).into_owned());
            Some((id, cmap, tag.and_then(|t| spaces.get(&t).copied())))
        })
        .collect();
    for (font_id, to_unicode, space) in fonts {
        let stream = doc
            .get_object_mut(to_unicode)
            .and_then(Object::as_stream_mut)
            .map_err(err)?;
        let data = stream.decompressed_content().map_err(err)?;
        let start = b"1 begincodespacerange";
        let Some(at) = data.windows(start.len()).position(|w| w == start) else {
            continue;
        };
        let mut out = CMAP_HEADER.to_vec();
        let rest = &data[at..];
        match space {
            None => out.extend_from_slice(rest),
            Some(codes) => {
                let end = b"endcodespacerange\n";
                let Some(after) = rest.windows(end.len()).position(|w| w == end) else {
                    return Err(err("a ToUnicode CMap without its code space"));
                };
                out.extend_from_slice(SPACE_CODESPACE);
                let body = &rest[after + end.len()..];
                let tail = b"endcmap";
                let cut = body
                    .windows(tail.len())
                    .position(|w| w == tail)
                    .ok_or_else(|| err("a ToUnicode CMap without endcmap"))?;
                // The space is CID 32, written as the one-byte code 32;
                // the glyph that had CID 32 took the space's former CID.
                let entries = swap_unicode(&String::from_utf8_lossy(&body[..cut]), codes.old);
                out.extend_from_slice(entries.as_bytes());
                out.extend_from_slice(b"1 beginbfchar\n<20> <0020>\nendbfchar\n");
                out.extend_from_slice(&body[cut..]);
            }
        }
        stream.dict.remove(b"Filter");
        stream.set_content(out);
        if let Some(codes) = space {
            let cmap = space_cmap(doc, font_id, codes)?;
            let id = doc.add_object(cmap);
            doc.get_dictionary_mut(font_id)
                .map_err(err)?
                .set("Encoding", Object::Reference(id));
            if codes.old != 0x20 {
                swap_cids(doc, font_id, codes)?;
            }
        }
    }
    Ok(())
}

/// The ToUnicode entries (`bfchar` blocks as printpdf writes them, one
/// `<CODE> <TEXT>` a line) after the space (CID `old`) and the glyph with
/// CID 32 swapped: `old` gives that glyph's text, `<0020>` is dropped (the
/// space is written as the one-byte `<20>`, added by the caller), and each
/// block's count follows.
fn swap_unicode(entries: &str, old: u16) -> String {
    let old_code = format!("<{old:04X}> ");
    let text_of = |code: &str| {
        entries
            .lines()
            .find_map(|l| l.strip_prefix(code))
            .unwrap_or("<0020>")
            .to_owned()
    };
    let moved = text_of("<0020> ");
    let mut out = String::new();
    let mut block: Vec<String> = Vec::new();
    for line in entries.lines() {
        if line.ends_with("beginbfchar") {
            block.clear();
        } else if line == "endbfchar" {
            out.push_str(&format!("{} beginbfchar\n", block.len()));
            for l in &block {
                out.push_str(l);
                out.push('\n');
            }
            out.push_str("endbfchar\n");
        } else if line.starts_with("<0020> ") {
            continue;
        } else if line.starts_with(&old_code) {
            block.push(format!("{old_code}{moved}"));
        } else if line.starts_with('<') {
            block.push(line.to_owned());
        } else {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Swaps CIDs 32 and `codes.old` in the descendant CIDFontType2 of
/// `font_id`: a CIDToGIDMap stream instead of Identity (§9.7.4.2, Table
/// 117), so that each CID still draws its glyph, and the two `/W` widths.
fn swap_cids(
    doc: &mut Document,
    font_id: ObjectId,
    codes: super::fonts::SpaceCodes,
) -> Result<(), PdfError> {
    let bad = |why: &str| err(format!("swapping the space's CID: {why}"));
    let descendant = doc
        .get_dictionary(font_id)
        .and_then(|d| d.get(b"DescendantFonts"))
        .and_then(Object::as_array)
        .map_err(err)?
        .first()
        .cloned()
        .ok_or_else(|| bad("no descendant font"))?;
    let (a, b) = (usize::from(codes.old), 0x20usize);
    let mut map = Vec::with_capacity(2 * (usize::from(codes.max) + 1));
    for cid in 0..=usize::from(codes.max) {
        let gid = if cid == a {
            b
        } else if cid == b {
            a
        } else {
            cid
        } as u16;
        map.extend_from_slice(&gid.to_be_bytes());
    }
    let map_id = doc.add_object(Stream::new(Dictionary::new(), map));
    // printpdf writes the descendant font inline.
    let cid_font = match descendant {
        Object::Reference(id) => doc.get_dictionary_mut(id).map_err(err)?,
        _ => doc
            .get_dictionary_mut(font_id)
            .and_then(|d| d.get_mut(b"DescendantFonts"))
            .and_then(Object::as_array_mut)
            .map_err(err)?
            .first_mut()
            .and_then(|o| o.as_dict_mut().ok())
            .ok_or_else(|| bad("no descendant font dictionary"))?,
    };
    if cid_font.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"CIDFontType2") {
        return Err(bad("not a CIDFontType2"));
    }
    cid_font.set("CIDToGIDMap", Object::Reference(map_id));
    // `/W [first [w w …] …]` as printpdf writes it.
    let mut w = cid_font
        .get(b"W")
        .and_then(Object::as_array)
        .map_err(err)?
        .clone();
    let mut at: BTreeMap<usize, (usize, usize)> = BTreeMap::new();
    for (i, pair) in w.chunks(2).enumerate() {
        let (Some(Ok(first)), Some(Object::Array(list))) =
            (pair.first().map(Object::as_i64), pair.get(1))
        else {
            return Err(bad("a /W entry not of the form `first [widths]`"));
        };
        for j in 0..list.len() {
            at.insert(first as usize + j, (2 * i + 1, j));
        }
    }
    let (Some(&(ia, ja)), Some(&(ib, jb))) = (at.get(&a), at.get(&b)) else {
        return Err(bad("a width missing from /W"));
    };
    let width = |w: &Vec<Object>, i: usize, j: usize| -> Result<Object, PdfError> {
        w[i].as_array()
            .map_err(err)?
            .get(j)
            .cloned()
            .ok_or_else(|| bad("/W"))
    };
    let (wa, wb) = (width(&w, ia, ja)?, width(&w, ib, jb)?);
    if let Object::Array(list) = &mut w[ia] {
        list[ja] = wb;
    }
    if let Object::Array(list) = &mut w[ib] {
        list[jb] = wa;
    }
    cid_font.set("W", Object::Array(w));
    Ok(())
}

/// The code space of a font with a space code: the one-byte code 32 and
/// every two-byte code whose first byte is not 32 (ISO 32000-1 §9.7.6.2).
const SPACE_CODESPACE: &[u8] =
    b"3 begincodespacerange\n<20> <20>\n<0000> <1FFF>\n<2100> <FFFF>\nendcodespacerange\n";

/// The embedded CMap (ISO 32000-1 §9.7.5.3) of the Type0 font `font_id`
/// whose space glyph is written as the one-byte code 32: Identity-H's
/// mapping (code = CID) for the two-byte codes, and the one-byte 32 → CID
/// 32, the space ([`swap_cids`]). Word spacing (`Tw`) applies to that
/// one-byte code only (§9.3.3), so a justified line's spaces need no
/// adjustment each.
fn space_cmap(
    doc: &Document,
    font_id: ObjectId,
    codes: super::fonts::SpaceCodes,
) -> Result<Stream, PdfError> {
    let name = format!(
        "{}-Space-H",
        doc.get_dictionary(font_id)
            .and_then(|d| d.get(b"BaseFont"))
            .and_then(Object::as_name)
            .map(
                |n| String::from_utf8_lossy(n.split(|&b| b == b'+').next().unwrap_or(n))
                    .into_owned()
            )
            .map_err(err)?
    );
    let mut text = format!(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
/CIDSystemInfo 3 dict dup begin /Registry (Adobe) def /Ordering (Identity) def /Supplement 0 def end def\n\
/CMapName /{name} def\n/CMapType 1 def\n/WMode 0 def\n"
    )
    .into_bytes();
    text.extend_from_slice(SPACE_CODESPACE);
    // Identity for the two-byte codes the font uses (up to `max`), a range
    // per first byte (a range may differ in its last byte only, §9.7.6.2).
    let high = codes.max >> 8;
    text.extend_from_slice(format!("{} begincidrange\n", high + 1).as_bytes());
    for h in 0..=high {
        let last = if h == high { codes.max & 0xFF } else { 0xFF };
        text.extend_from_slice(
            format!("<{h:02X}00> <{h:02X}{last:02X}> {}\n", u32::from(h) * 256).as_bytes(),
        );
    }
    text.extend_from_slice(b"endcidrange\n1 begincidchar\n<20> 32\nendcidchar\n");
    text.extend_from_slice(b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    let mut info = Dictionary::new();
    info.set("Registry", Object::string_literal("Adobe"));
    info.set("Ordering", Object::string_literal("Identity"));
    info.set("Supplement", 0);
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"CMap".to_vec()));
    dict.set("CMapName", Object::Name(name.into_bytes()));
    dict.set("CIDSystemInfo", Object::Dictionary(info));
    dict.set("WMode", 0);
    Ok(Stream::new(dict, text))
}

/// Puts the resource category dictionaries inline, drops the empty ones
/// (printpdf writes `/ExtGState` and `/Shading` for every page) and makes
/// every page use the first page's `/Resources`, which printpdf writes once
/// per page with the same contents.
fn share_resources(
    doc: &mut Document,
    page_id: ObjectId,
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

fn complete_catalog(
    doc: &mut Document,
    cat: &mut Dictionary,
    layout: &Layout,
    pages: &[(ObjectId, f32)],
    anchors: &BTreeMap<Vec<u8>, Object>,
) {
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
    if let Some(outlines) = nav::outline(doc, &layout.outline, pages) {
        cat.set("Outlines", Object::Reference(outlines));
        cat.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    }
    if !anchors.is_empty() {
        let dests = doc.add_object(nav::dests_tree(anchors));
        let names = Dictionary::from_iter([("Dests", Object::Reference(dests))]);
        cat.set("Names", Object::Dictionary(names));
    }
    if !layout.info.lang.is_empty() {
        cat.set("Lang", text_string(&layout.info.lang));
    }
    let prefs = Dictionary::from_iter([("DisplayDocTitle", Object::Boolean(true))]);
    cat.set("ViewerPreferences", Object::Dictionary(prefs));
}

/// Serializes with object streams and a cross-reference stream (module
/// `file`).
fn save(doc: &Document) -> Result<Vec<u8>, PdfError> {
    super::file::write(doc, OBJECT_LEVEL)
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
/// The content streams stay at [`CONTENT_LEVEL`](super::CONTENT_LEVEL),
/// where level 6 would cost 5.6 % of the file.
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
    let mut bytes = save(&doc)?;
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
    save(&doc)
}

/// Where `needle` starts in `haystack`, every occurrence.
fn find_all(haystack: &[u8], needle: &[u8]) -> Vec<usize> {
    memchr::memmem::find_iter(haystack, needle).collect()
}
