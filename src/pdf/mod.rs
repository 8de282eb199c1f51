//! PDF output: turns a [`Layout`] into a compact, deterministic PDF 1.7.
//!
//! The file is assembled with `lopdf` (the same version printpdf serializes
//! with), fonts are subset with `subsetter`, and every content stream is
//! written by hand so glyphs land exactly where the layout put them:
//!
//! * fonts: Type0 / CIDFontType2, Identity-H, subset (`ABCDEF+Name`), with
//!   `/W` widths and a ToUnicode CMap (module `fonts`);
//! * text: one `TJ` per stretch of glyphs, adjustments in thousandths of an
//!   em, `Ts` for marks raised or lowered by GPOS, `/ActualText` spans where
//!   the CMap alone cannot give the source text back (module `text`);
//! * links without borders, named destinations, a nested outline (module
//!   `nav`); Info and XMP metadata from [`DocInfo`] only (module `meta`);
//! * `/ID` and the XMP document id are hashes of the content, so the same
//!   layout always gives the same bytes.

mod content;
mod fonts;
mod images;
mod meta;
mod nav;
mod text;

use crate::frame::{DocInfo, Image, Item, Layout};
use content::Content;
use fonts::{FontUse, text_string};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fmt;

/// Why a PDF could not be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PdfError {
    /// A glyph run refers to a font index outside [`Layout::fonts`].
    UnknownFont(usize),
    /// A font could not be read or subset.
    Font {
        /// The face's name.
        font: String,
        /// What went wrong.
        reason: String,
    },
    /// An image could not be read.
    Image(String),
    /// The outline refers to a page that does not exist.
    OutlinePage(usize),
    /// Serializing the document failed.
    Write(String),
}

impl fmt::Display for PdfError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PdfError::UnknownFont(i) => write!(
                f,
                "glyph run uses font #{i}, which the layout does not have"
            ),
            PdfError::Font { font, reason } => write!(f, "cannot embed font {font}: {reason}"),
            PdfError::Image(reason) => write!(f, "cannot embed image: {reason}"),
            PdfError::OutlinePage(p) => write!(f, "outline entry points to missing page {}", p + 1),
            PdfError::Write(reason) => write!(f, "cannot write PDF: {reason}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Writes `layout` as a PDF file and returns its bytes.
///
/// The output depends only on `layout`: writing the same layout twice gives
/// byte-identical files.
pub fn write_pdf(layout: &Layout) -> Result<Vec<u8>, PdfError> {
    let mut doc = Document::with_version("1.7");
    let mut resources = Dictionary::new();

    let mut fonts = collect_fonts(layout)?;
    let mut font_dict = Dictionary::new();
    for (&index, font) in fonts.iter_mut() {
        font.res_name = format!("F{index}");
        let id = font.embed(&mut doc, &layout.fonts[index])?;
        font_dict.set(font.res_name.as_str(), Object::Reference(id));
    }
    if !font_dict.is_empty() {
        resources.set("Font", Object::Dictionary(font_dict));
    }

    let mut image_names: BTreeMap<[u8; 32], String> = BTreeMap::new();
    let mut xobjects = Dictionary::new();
    for img in layout
        .pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match &i.item {
            Item::Image(img) => Some(img),
            _ => None,
        })
    {
        let key = image_key(img);
        if !image_names.contains_key(&key) {
            let name = format!("Im{}", image_names.len());
            let id = images::add_image(&mut doc, img)?;
            xobjects.set(name.as_str(), Object::Reference(id));
            image_names.insert(key, name);
        }
    }
    if !xobjects.is_empty() {
        resources.set("XObject", Object::Dictionary(xobjects));
    }
    let resources_id = doc.add_object(resources);

    let pages_id = doc.new_object_id();
    let page_ids: Vec<(ObjectId, f32)> = layout
        .pages
        .iter()
        .map(|p| (doc.new_object_id(), p.height))
        .collect();
    let mut anchors: BTreeMap<Vec<u8>, Object> = BTreeMap::new();
    for (page, &(id, height)) in layout.pages.iter().zip(&page_ids) {
        for it in &page.items {
            if let Item::Anchor(name) = &it.item {
                let dest = nav::xyz(id, height - it.pos.y);
                anchors.entry(name.as_bytes().to_vec()).or_insert(dest);
            }
        }
    }

    for (page, &(page_id, h)) in layout.pages.iter().zip(&page_ids) {
        let mut c = Content::default();
        let mut annots = Vec::new();
        for it in &page.items {
            let (x, y) = (it.pos.x, h - it.pos.y);
            match &it.item {
                Item::Text(run) => {
                    if let Some(font) = fonts.get(&run.font.0) {
                        text::write_run(&mut c, run, x, y, font);
                    }
                }
                Item::Line(line) if line.thickness > 0.0 => {
                    c.end_text();
                    c.set_stroke(line.color);
                    c.set_line_width(line.thickness);
                    c.nums(&[x, y], 2);
                    c.raw("m ");
                    c.nums(&[x + line.to.x, y - line.to.y], 2);
                    c.raw("l S\n");
                }
                Item::Fill(fill) => {
                    c.end_text();
                    c.set_fill(fill.color);
                    c.nums(&[x, y - fill.height, fill.width, fill.height], 2);
                    c.raw("re f\n");
                }
                Item::Image(img) => {
                    c.end_text();
                    c.raw("q ");
                    c.nums(&[img.width, 0.0, 0.0, img.height, x, y - img.height], 2);
                    c.raw(&format!("cm /{} Do Q\n", image_names[&image_key(img)]));
                }
                Item::Link(link) => {
                    if let Some(a) = nav::link_annotation(link, x, y, &anchors) {
                        annots.push(Object::Reference(doc.add_object(a)));
                    }
                }
                Item::Line(_) | Item::Anchor(_) => {}
            }
        }
        c.end_text();
        let mut stream = Stream::new(Dictionary::new(), c.buf);
        let _ = stream.compress();
        let contents = doc.add_object(stream);
        let mut d = Dictionary::from_iter([
            ("Type", Object::Name(b"Page".to_vec())),
            ("Parent", Object::Reference(pages_id)),
            (
                "MediaBox",
                Object::Array([0.0, 0.0, page.width, h].map(nav::coord).to_vec()),
            ),
            ("Resources", Object::Reference(resources_id)),
            ("Contents", Object::Reference(contents)),
        ]);
        if !annots.is_empty() {
            d.set("Annots", Object::Array(annots));
        }
        doc.set_object(page_id, d);
    }
    let kids = page_ids
        .iter()
        .map(|(id, _)| Object::Reference(*id))
        .collect();
    doc.set_object(
        pages_id,
        Dictionary::from_iter([
            ("Type", Object::Name(b"Pages".to_vec())),
            ("Kids", Object::Array(kids)),
            ("Count", Object::Integer(page_ids.len() as i64)),
        ]),
    );

    let catalog = catalog(&mut doc, layout, pages_id, &page_ids, &anchors)?;
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", Object::Reference(catalog_id));
    finish(doc, catalog_id, &layout.info)
}

/// The Type0 fonts the layout draws with, with their glyphs and ToUnicode
/// maps. Clusters that map 1:1 are registered first, so a glyph's CMap entry
/// is its plain character whenever it has one.
fn collect_fonts(layout: &Layout) -> Result<BTreeMap<usize, FontUse>, PdfError> {
    let mut fonts: BTreeMap<usize, FontUse> = BTreeMap::new();
    let runs = || {
        layout
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match &i.item {
                Item::Text(run) if !run.glyphs.is_empty() => Some(run),
                _ => None,
            })
    };
    for run in runs() {
        if run.font.0 >= layout.fonts.len() {
            return Err(PdfError::UnknownFont(run.font.0));
        }
        fonts
            .entry(run.font.0)
            .or_default()
            .glyphs
            .extend(run.glyphs.iter().map(|g| g.id));
    }
    for one_to_one in [true, false] {
        for run in runs() {
            let font = fonts.entry(run.font.0).or_default();
            for unit in text::units(run)
                .iter()
                .filter(|u| u.one_to_one() == one_to_one)
            {
                for (gid, text) in unit.proposals() {
                    font.propose(gid, &text);
                }
            }
        }
    }
    Ok(fonts)
}

fn image_key(img: &Image) -> [u8; 32] {
    Sha256::digest(img.data.as_slice()).into()
}

fn catalog(
    doc: &mut Document,
    layout: &Layout,
    pages_id: ObjectId,
    page_ids: &[(ObjectId, f32)],
    anchors: &BTreeMap<Vec<u8>, Object>,
) -> Result<Dictionary, PdfError> {
    let mut cat = Dictionary::from_iter([
        ("Type", Object::Name(b"Catalog".to_vec())),
        ("Pages", Object::Reference(pages_id)),
    ]);
    if let Some(bad) = layout.outline.iter().find(|e| e.page >= page_ids.len()) {
        return Err(PdfError::OutlinePage(bad.page));
    }
    if let Some(outlines) = nav::outline(doc, &layout.outline, page_ids) {
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
    Ok(cat)
}

/// Serializes with object streams and a cross-reference stream (PDF 1.5+),
/// which keeps the many small dictionaries compressed.
fn save(doc: &mut Document) -> Result<Vec<u8>, PdfError> {
    let mut out = Vec::new();
    doc.save_modern(&mut out)
        .map_err(|e| PdfError::Write(e.to_string()))?;
    Ok(out)
}

/// Adds what depends on the finished content (the `/ID`, the XMP document
/// id) and the metadata, then serializes.
fn finish(mut doc: Document, catalog_id: ObjectId, info: &DocInfo) -> Result<Vec<u8>, PdfError> {
    let info_id = doc.add_object(meta::info_dict(info));
    doc.trailer.set("Info", Object::Reference(info_id));
    // Saving mutates the document (object stream and xref ids): hash a copy.
    let digest = Sha256::digest(save(&mut doc.clone())?);
    let id = Object::String(digest[..16].to_vec(), StringFormat::Hexadecimal);
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    let uuid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, &digest).to_string();
    let xmp_dict = Dictionary::from_iter([
        ("Type", Object::Name(b"Metadata".to_vec())),
        ("Subtype", Object::Name(b"XML".to_vec())),
    ]);
    let xmp_id = doc.add_object(Stream::new(xmp_dict, meta::xmp(info, &uuid).into_bytes()));
    doc.get_dictionary_mut(catalog_id)
        .map_err(|e| PdfError::Write(e.to_string()))?
        .set("Metadata", Object::Reference(xmp_id));
    save(&mut doc)
}
