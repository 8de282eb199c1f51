//! PDF output: turns a [`Layout`] into a compact, deterministic PDF 1.7.
//!
//! printpdf builds the document's frame: image XObjects, the pages and
//! their link annotations. The fonts are ours (module `fonts`): each face
//! is subset by the `subsetter` crate and embedded as a Type0 font,
//! with `/W` and a ToUnicode CMap, a TrueType face as CIDFontType2 with
//! `/FontFile2`, a CFF face as CIDFontType0 with its CID-keyed `CFF `
//! table as `/FontFile3 /CIDFontType0C` (ISO 32000-1 § 9.7.4, 9.9), and
//! only the member used of a `.ttc`/`.otc` collection. A font's glyph
//! codes are its subset's glyph ids, decided (and the face subset) before
//! any page is written (`FontUse::prepare`); a font of at most 255 glyphs
//! besides `.notdef` (nearly all) is shown one byte a glyph.
//! The pages' content streams are ours too, written straight as bytes
//! (module `content`) instead of as printpdf operations, which cost an
//! allocation per glyph twice over (printpdf's `Op`s, then lopdf's content
//! objects) and most of the writer's time:
//!
//! * text: one `TJ` per stretch of glyphs, codes grouped into literal
//!   strings, one byte a glyph in a font whose codes fit a byte
//!   (`FontUse::one_byte`) and two otherwise,
//!   adjustments in whole thousandths of an em; a line's letter-spacing as
//!   one `Tc`, so that only word spaces and kerned pairs carry a number;
//!   `Ts` for marks raised or lowered by GPOS, `/ActualText` spans where the
//!   CMap alone cannot give the source text back (module `text`);
//! * every number is rounded (no float noise), text is placed with `Td`;
//! * pages are written and compressed (libdeflate) on all cores, before
//!   printpdf makes the page objects, so that a long document's glyph runs
//!   are freed first.
//!
//! Every page item is marked content of its structure element or an
//! artifact, and the structure tree is written in the post-pass (module
//! `tags`, ISO 32000-1 §14.7–14.8).
//!
//! A lopdf post-pass on the document printpdf produced does what printpdf
//! cannot (module `post`): a nested outline with `/XYZ` destinations at the
//! heading, named destinations, borderless indirect link annotations, Info
//! and XMP metadata from [`DocInfo`](crate::frame::DocInfo) only (no `GTS_PDFX` keys), `/Lang`,
//! `/PageMode /UseOutlines`, `/DisplayDocTitle`, PDF 1.7 with object
//! streams, and an `/ID` that is a hash of the content, so the same layout
//! always gives the same bytes.

mod content;
mod file;
mod fonts;
mod images;
mod meta;
mod nav;
mod post;
mod standard;
mod tags;
mod text;

pub use standard::{PdfA, PdfStandard, Standards, check_document};

use crate::frame::{Image, Item, Layout, LinkTarget, Page};
use content::Content;
use fonts::FontUse;
use printpdf::{
    Actions, BorderArray, ColorArray, Destination, LinkAnnotation, PdfDocument, PdfPage,
    PdfParseErrorSeverity, PdfSaveOptions, Pt, Rect, XObjectId,
};
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
    /// The document cannot meet a standard asked for (`--pdf-standard`):
    /// what breaks it, where, and how to fix it.
    Standard(String),
    /// The layout's structure tree is not a tree, or an item is tagged with
    /// an element it does not have (a typesetter bug).
    Structure(String),
    /// A glyph run held deflated ([`crate::runstore`]) does not read back
    /// (a typesetter bug).
    Runs(crate::runstore::Damaged),
}

impl From<crate::runstore::Damaged> for PdfError {
    fn from(d: crate::runstore::Damaged) -> Self {
        PdfError::Runs(d)
    }
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
            PdfError::Standard(reason) => write!(f, "{reason}"),
            PdfError::Structure(reason) => write!(f, "cannot tag PDF: {reason}"),
            PdfError::Runs(reason) => write!(f, "cannot read back the text: {reason}"),
        }
    }
}

impl std::error::Error for PdfError {}

/// Writes `layout` as a PDF file and returns its bytes.
///
/// The output depends only on `layout`: writing the same layout twice gives
/// byte-identical files.
pub fn write_pdf(layout: &Layout) -> Result<Vec<u8>, PdfError> {
    tags::check(&layout.structure, &layout.pages)?;
    check_outline(layout)?;
    let fonts = prepared_fonts(layout)?;
    let images = named_images(&layout.pages);
    let contents = compressed_contents(
        layout.pages.iter().collect(),
        (&layout.structure, &layout.runs),
        &fonts,
        &image_names(&images),
    )?;
    let mut parts = pages_and_contents(layout, &layout.pages, fonts, images)?;
    parts.contents = contents;
    post::finish(parts, layout, &Standards::default())
}

/// [`write_pdf`] for a layout that is not needed afterwards: its glyph runs,
/// most of its memory, are freed once the page contents are written, before
/// the file is assembled and serialized. Same bytes as [`write_pdf`].
pub fn write_pdf_owned(layout: Layout) -> Result<Vec<u8>, PdfError> {
    write_pdf_as(layout, &Standards::default())
}

/// [`write_pdf_owned`] for a PDF that conforms to `standards` (module
/// `standard`): refuses, with the place, what the standards do not allow.
pub fn write_pdf_as(mut layout: Layout, standards: &Standards) -> Result<Vec<u8>, PdfError> {
    // The standards' checks read the text of every page at once.
    if !standards.is_empty() && !layout.runs.is_empty() {
        crate::runstore::thaw_pages(&mut layout.pages, &layout.runs)?;
    }
    tags::check(&layout.structure, &layout.pages)?;
    standard::check_layout(&layout, standards)?;
    check_outline(&layout)?;
    let fonts = prepared_fonts(&layout)?;
    // The content streams are written first: the glyph codes are decided
    // before any page is (module `fonts`), and so a long document's glyph
    // runs, most of its memory, are freed ([`Freed`]) before printpdf makes
    // the page objects (a `/Resources` dictionary and one per resource
    // category for every page: about 7 KB a page as lopdf objects). The
    // link descriptions of PDF/UA-1 are read from the text later: then the
    // runs are kept.
    let mut pages = std::mem::take(&mut layout.pages);
    let images = named_images(&pages);
    let names = image_names(&images);
    let contents = if standards.ua1 {
        compressed_contents(
            pages.iter().collect(),
            (&layout.structure, &layout.runs),
            &fonts,
            &names,
        )?
    } else {
        let freed = pages.iter_mut().map(Freed).collect();
        let contents =
            compressed_contents(freed, (&layout.structure, &layout.runs), &fonts, &names)?;
        streams_written(&mut layout.runs, &mut pages);
        contents
    };
    let mut parts = pages_and_contents(&layout, &pages, fonts, images)?;
    if pages.len() >= GIVE_BACK_PAGES {
        // What printpdf freed making its objects goes back to the system.
        crate::alloc::give_back();
    }
    parts.contents = contents;
    layout.pages = pages;
    post::finish(parts, &layout, standards)
}

/// Pages from which what printpdf freed making the page objects is given
/// back to the system before the post-pass (module `alloc`): about 7 KB a
/// page, 7 MB for 1,000 pages.
const GIVE_BACK_PAGES: usize = 1000;

/// What the first half of the writer hands the post-pass (module `post`).
pub(crate) struct Parts {
    /// The document printpdf built: images, pages with their link
    /// annotations (the fonts are added by the post-pass, module `fonts`).
    pub doc: lopdf::Document,
    /// Per page, the anchor each link annotation goes to (`None`: a URI)
    /// and its tag, in the order of the page's `/Annots`.
    pub links: Vec<Vec<(Option<String>, crate::frame::Tag)>>,
    /// Every page's compressed content stream and the element of each of
    /// its marked-content ids ([`compressed_contents`], written before the
    /// rest of `Parts` is made).
    pub contents: Vec<PageOut>,
    /// The fonts, with the glyph codes the content streams use, for the
    /// post-pass to embed.
    pub fonts: BTreeMap<usize, FontUse>,
}

/// A page's compressed content stream and the element of each of its
/// marked-content ids.
type PageOut = (Vec<u8>, Vec<crate::frame::NodeId>);

/// Refuses an outline entry that points past the last page.
fn check_outline(layout: &Layout) -> Result<(), PdfError> {
    match layout.outline.iter().find(|e| e.page >= layout.pages.len()) {
        Some(bad) => Err(PdfError::OutlinePage(bad.page)),
        None => Ok(()),
    }
}

/// The images drawn, each once: the hash of its data, its resource name
/// (`Im0`, `Im1`… in the order first drawn) and the image (its data
/// shared). Made once a document, before the content streams: each image's
/// data is hashed here and at each place it is drawn ([`page_content`]).
type NamedImages = Vec<([u8; 32], String, Image)>;

/// [`NamedImages`] of `pages`.
fn named_images(pages: &[Page]) -> NamedImages {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for img in pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match &i.item {
            Item::Image(img) => Some(&**img),
            _ => None,
        })
    {
        let key = image_key(img);
        if seen.insert(key) {
            out.push((key, format!("Im{}", out.len()), img.clone()));
        }
    }
    out
}

/// Each image's resource name, by the hash of its data.
fn image_names(images: &NamedImages) -> BTreeMap<[u8; 32], String> {
    images
        .iter()
        .map(|(key, name, _)| (*key, name.clone()))
        .collect()
}

/// printpdf's document for `pages` (`layout.pages`, or the pages taken out
/// of `layout` by [`write_pdf_as`], which may have freed their text): the
/// images `named` (as XObjects) and pages holding only their link
/// annotations; `fonts` is handed on to the post-pass, which embeds them.
fn pages_and_contents(
    layout: &Layout,
    pages: &[Page],
    fonts: BTreeMap<usize, FontUse>,
    named: NamedImages,
) -> Result<Parts, PdfError> {
    let mut doc = PdfDocument::new(&layout.info.title);

    for (_, name, img) in named {
        let xobject = images::xobject(&img)?;
        doc.resources.xobjects.map.insert(XObjectId(name), xobject);
    }

    let anchors = page_anchors(pages);
    // Per page, the anchor each link annotation goes to (None: a URI) and
    // its tag, in the order printpdf writes them; and the pages printpdf
    // builds, which hold only the link annotations (the content is written
    // apart, see `page_content`).
    let mut links: Vec<Vec<(Option<String>, crate::frame::Tag)>> = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let h = page.height;
        let mut c = Content::default();
        let mut page_links = Vec::new();
        for it in &page.items {
            let Item::Link(link) = &it.item else {
                continue;
            };
            let (x, y) = (it.pos.x, h - it.pos.y);
            let (actions, anchor) = match &link.target {
                LinkTarget::Uri(uri) => (Actions::Uri(nav::encode_uri(uri)), None),
                LinkTarget::Anchor(name) if anchors.contains(name.as_str()) => {
                    // printpdf can only point at a page; the post-pass
                    // turns this into a named destination.
                    let dest = Destination::Xyz {
                        page: index + 1,
                        left: None,
                        top: None,
                        zoom: None,
                    };
                    (Actions::Goto(dest), Some(name.clone()))
                }
                LinkTarget::Anchor(_) => continue,
            };
            let rect = Rect {
                x: Pt(content::round(x, 2)),
                y: Pt(content::round(y - link.height, 2)),
                width: Pt(content::round(link.width, 2)),
                height: Pt(content::round(link.height, 2)),
                mode: None,
                winding_order: None,
            };
            c.link(LinkAnnotation::new(
                rect,
                actions,
                Some(BorderArray::Solid([0.0; 3])),
                Some(ColorArray::Transparent),
                None,
            ));
            page_links.push((anchor, it.tag));
        }
        let mut pdf_page = PdfPage::new(printpdf::Mm(0.0), printpdf::Mm(0.0), c.links);
        let size = Rect::from_wh(Pt(content::round(page.width, 2)), Pt(content::round(h, 2)));
        (pdf_page.media_box, pdf_page.trim_box, pdf_page.crop_box) =
            (size.clone(), size.clone(), size);
        doc.pages.push(pdf_page);
        links.push(page_links);
    }

    Ok(Parts {
        doc: save(doc)?,
        links,
        contents: Vec::new(),
        fonts,
    })
}

/// printpdf's document as lopdf objects.
fn save(doc: PdfDocument) -> Result<lopdf::Document, PdfError> {
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false,
        secure: true,
        image_optimization: Some(images::image_options()),
    };
    let mut warnings = Vec::new();
    let saved = doc.to_lopdf_document(&opts, &mut warnings);
    // printpdf reports what went wrong as error-level warnings.
    match warnings
        .iter()
        .find(|w| w.severity == PdfParseErrorSeverity::Error)
    {
        Some(w) => Err(PdfError::Write(format!("printpdf: {}", w.msg))),
        None => Ok(saved),
    }
}

/// Every anchor name on the pages: the targets an internal link may go to
/// (a link to any other is written as text only).
fn page_anchors(pages: &[Page]) -> std::collections::BTreeSet<&str> {
    pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match &i.item {
            Item::Anchor(name) => Some(name.as_str()),
            _ => None,
        })
        .collect()
}

/// How hard the content streams (and, in the post-pass, the fonts and
/// other streams) are compressed (see [`crate::deflate::LEVEL`]).
pub(crate) const CONTENT_LEVEL: i32 = crate::deflate::LEVEL;

/// Every page's content stream, zlib-compressed. Writing and compressing
/// the pages is most of the PDF writer's work and each page is independent,
/// so the pages are split between the available cores (the result does not
/// depend on how many there are).
fn compressed_contents<P: PageSlot>(
    mut pages: Vec<P>,
    (structure, runs): (&crate::frame::StructTree, &crate::runstore::RunStore),
    fonts: &BTreeMap<usize, FontUse>,
    image_names: &BTreeMap<[u8; 32], String>,
) -> Result<Vec<PageOut>, PdfError> {
    // A thread and a compressor (about a megabyte of tables) per few pages
    // at most: a short document is written on the calling thread.
    let threads = crate::cores()
        .min(pages.len().div_ceil(PAGES_PER_THREAD))
        .max(1);
    let chunk = pages.len().div_ceil(threads).max(1);
    type Out = Vec<PageOut>;
    let one = |pages: &mut [P]| -> Result<Out, PdfError> {
        let mut z = Deflater::new(CONTENT_LEVEL)?;
        let mut thawer = crate::runstore::Thawer::new(runs);
        pages
            .iter_mut()
            .map(|page| {
                let (bytes, mcids) =
                    page_content(page.page(), fonts, image_names, structure, &mut thawer)?;
                page.written();
                Ok((z.zlib(&bytes)?, mcids))
            })
            .collect()
    };
    if threads == 1 {
        return one(&mut pages);
    }
    let parts: Vec<Result<Out, PdfError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = pages
            .chunks_mut(chunk)
            .map(|pages| scope.spawn(move || one(pages)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(PdfError::Write("a page writer panicked".into())))
            })
            .collect()
    });
    let mut out = Vec::with_capacity(pages.len());
    for part in parts {
        out.extend(part?);
    }
    Ok(out)
}

/// A page handed to [`compressed_contents`]: read, then told its content
/// stream is written.
trait PageSlot: Send {
    fn page(&self) -> &Page;
    fn written(&mut self);
}

/// A page of a layout the caller keeps ([`write_pdf`]).
impl PageSlot for &Page {
    fn page(&self) -> &Page {
        self
    }
    fn written(&mut self) {}
}

/// A page of a layout given up to the writer ([`write_pdf_as`]), outside
/// PDF/UA-1: its glyph runs, most of a layout's memory, and everything else
/// drawn in its content stream are freed as soon as the stream is written,
/// so that the layout and the compressed streams are never all held at
/// once. The list of a page that keeps nothing is freed with them; the
/// list of one that keeps a link, an anchor or an image keeps its slots
/// (48 bytes an item) until [`shrink_written`].
struct Freed<'a>(&'a mut Page);

impl PageSlot for Freed<'_> {
    fn page(&self) -> &Page {
        self.0
    }
    fn written(&mut self) {
        // What the rest of the writer reads: the link areas (annotations),
        // the anchors (destinations) and the images (XObjects). Text,
        // rules, fills and note references are in the content stream.
        // (Their list is shrunk only once every page is written: see
        // [`shrink_written`]. An empty one is freed now: that allocates
        // nothing.)
        self.0
            .items
            .retain(|it| matches!(it.item, Item::Link(_) | Item::Anchor(_) | Item::Image(_)));
        if self.0.items.is_empty() {
            self.0.items = Vec::new();
        }
    }
}

/// What the writer lets go once every content stream is written from
/// [`Freed`] pages: the runs held deflated,
/// which nothing reads any more, and the room of the pages' lists
/// ([`shrink_written`]); the pages freed go back to the system (a large
/// document's: [`crate::alloc::give_back`]).
fn streams_written(runs: &mut crate::runstore::RunStore, pages: &mut [Page]) {
    *runs = crate::runstore::RunStore::default();
    shrink_written(pages);
    crate::alloc::give_back();
}

/// Shrinks the lists of the pages [`Freed`] left (a link or an anchor or
/// two on most pages) to their items, once every content stream is
/// written. Shrinking each as its page was written put its one or two
/// items (then 112 bytes each) in a small allocation made while the glyph runs
/// of the pages still to be written filled the allocator's slabs of that
/// size: then each slab kept one or two of them live after the runs around
/// them were freed. On the 50 MB document 8,400 such lists held 116 MB of
/// slabs of 112- and 224-byte regions resident (jemalloc's statistics:
/// 1.3 MB of them in use) until the file was written. Made after the runs
/// are all freed, they share a few slabs.
fn shrink_written(pages: &mut [Page]) {
    for page in pages {
        page.items.shrink_to_fit();
    }
}

/// Pages below which splitting the page writing between threads does not pay.
const PAGES_PER_THREAD: usize = 8;

/// A zlib compressor (libdeflate, kept per thread: [`crate::deflate`])
/// reused for many streams.
pub(crate) struct Deflater(crate::deflate::Deflater);

impl Deflater {
    pub(crate) fn new(level: i32) -> Result<Self, PdfError> {
        crate::deflate::Deflater::new(level)
            .map(Deflater)
            .map_err(PdfError::Write)
    }

    /// `data` as a zlib stream.
    pub(crate) fn zlib(&mut self, data: &[u8]) -> Result<Vec<u8>, PdfError> {
        self.0.zlib(data).map_err(PdfError::Write)
    }
}

/// The content stream of one page, and the element each of its
/// marked-content ids marks (module `tags`).
fn page_content(
    page: &crate::frame::Page,
    fonts: &BTreeMap<usize, FontUse>,
    image_names: &BTreeMap<[u8; 32], String>,
    tree: &crate::frame::StructTree,
    thawer: &mut crate::runstore::Thawer<'_>,
) -> Result<(Vec<u8>, Vec<crate::frame::NodeId>), PdfError> {
    let h = page.height;
    let mut c = Content::default();
    for it in &page.items {
        let (x, y) = (it.pos.x, h - it.pos.y);
        match &it.item {
            Item::Text(_) | Item::Frozen(_) => {
                let Some(run) = crate::runstore::text_run(&it.item, thawer)? else {
                    continue;
                };
                if let Some(font) = fonts.get(&run.font.0)
                    && !run.glyphs.is_empty()
                    && run.size > 0.0
                {
                    c.begin_text();
                    c.mark(it.tag, tree);
                    text::write_run(&mut c, &run, x, y, font);
                }
            }
            Item::Line(line) if line.thickness > 0.0 => {
                c.end_text();
                c.mark(it.tag, tree);
                c.set_stroke(line.color);
                c.set_line_width(line.thickness);
                c.line(x, y, x + line.to.x, y - line.to.y);
            }
            Item::Fill(fill) => {
                c.end_text();
                c.mark(it.tag, tree);
                c.set_fill(fill.color);
                c.fill_rect(x, y - fill.height, fill.width, fill.height);
            }
            Item::Image(img) => {
                let name = &image_names[&image_key(img)];
                c.end_text();
                c.mark(it.tag, tree);
                c.image(name, x, y - img.height, img.width, img.height);
            }
            Item::Line(_) | Item::Anchor(_) | Item::Link(_) | Item::NoteRef(_) => {}
        }
    }
    c.end_text();
    c.end_mark();
    Ok((c.bytes, c.mcids))
}

/// [`collect_fonts`], each font prepared for its face ([`FontUse::prepare`]):
/// its glyph codes decided.
fn prepared_fonts(layout: &Layout) -> Result<BTreeMap<usize, FontUse>, PdfError> {
    let mut fonts = collect_fonts(layout)?;
    let mut tags = std::collections::BTreeSet::new();
    for (&index, font) in fonts.iter_mut() {
        let face = &layout.fonts[index];
        font.prepare(face)?;
        // Two files of one name, face index and glyphs: the same tag,
        // which is the font's resource name.
        if !tags.insert(font.res_name.clone()) {
            font.retag(face, index);
            tags.insert(font.res_name.clone());
        }
    }
    Ok(fonts)
}

/// The Type0 fonts the layout draws with, with their glyphs and ToUnicode
/// maps. Clusters that map 1:1 are registered first, so a glyph's CMap entry
/// is its plain character whenever it has one.
fn collect_fonts(layout: &Layout) -> Result<BTreeMap<usize, FontUse>, PdfError> {
    let mut fonts: BTreeMap<usize, FontUse> = BTreeMap::new();
    // The runs drawn, in page order, each with its font (a frozen run is
    // thawed only when its glyphs or text are read).
    let items = || {
        layout
            .pages
            .iter()
            .flat_map(|p| &p.items)
            .filter_map(|i| match &i.item {
                Item::Text(run) if !run.glyphs.is_empty() => Some((run.font, &i.item)),
                Item::Frozen(f) => Some((f.font, &i.item)),
                _ => None,
            })
    };
    let mut thawer = crate::runstore::Thawer::new(&layout.runs);
    for (_, item) in items() {
        let Some(run) = crate::runstore::text_run(item, &mut thawer)? else {
            continue;
        };
        // (A run without glyphs, live or frozen, adds nothing.)
        if run.glyphs.is_empty() {
            continue;
        }
        if run.font.0 >= layout.fonts.len() {
            return Err(PdfError::UnknownFont(run.font.0));
        }
        let font = fonts.entry(run.font.0).or_default();
        for g in run.glyphs.each_distinct() {
            font.use_glyph(g.id);
        }
    }
    for font in fonts.values_mut() {
        font.seal();
    }
    // 1:1 units propose first, in reading order; the others afterwards.
    let mut later: Vec<(usize, u16, String)> = Vec::new();
    for (font_id, item) in items() {
        // A proposal only fills an empty slot: once every glyph of a font
        // has its text, the font's later runs have nothing to give (on the
        // book this pass went from 7.2 to 4.9 ms).
        if fonts.get(&font_id.0).is_none_or(FontUse::complete) {
            continue;
        }
        let Some(run) = crate::runstore::text_run(item, &mut thawer)? else {
            continue;
        };
        if run.glyphs.is_empty() {
            continue;
        }
        let font = fonts.entry(font_id.0).or_default();
        let glyphs = run.glyphs.as_slice();
        if run.one_glyph_per_char() {
            for (g, t) in text::glyph_chars(&glyphs, &run.text) {
                font.propose(g.id, t);
            }
            continue;
        }
        for unit in text::units(&run, &glyphs) {
            if unit.one_to_one() {
                unit.for_each_proposal(|gid, text| font.propose(gid, text));
            } else {
                unit.for_each_proposal(|gid, text| later.push((run.font.0, gid, text.to_owned())));
            }
        }
    }
    for (font, gid, text) in later {
        fonts.entry(font).or_default().propose(gid, &text);
    }
    Ok(fonts)
}

fn image_key(img: &Image) -> [u8; 32] {
    Sha256::digest(img.data.as_slice()).into()
}
