//! The EPUB 3 writer: [`Document`] → a valid, reproducible EPUB 3 file.
//!
//! Steps, in order:
//! 1. name the files (the chapters, their ids and notes come resolved in
//!    the [`Book`]);
//! 2. write each chapter's XHTML (`xhtml`, raw HTML through `html`),
//!    with its notes and its navigation entries;
//! 3. write the cover and title pages;
//!
//!    each document, as soon as it is written, has the characters each face
//!    draws read back from it (`usage`) and is deflated and dropped
//!    (`Packer`, `package::Body`): the book's markup is never held at once;
//! 4. embed subsets of the faces the documents used (`subset`; the math face's with its
//!    `MATH` table, `mathtable`) with `@font-face` rules (`css`);
//! 5. package with epub-builder and complete the metadata (`package`).
//!
//! Built beside a PDF, whose page breaks it marks, the EPUB does step 4
//! first, while the PDF's pages are still being set ([`prepare_fonts`]:
//! steps 1–3 written without the markers, read, dropped), then steps 1–3
//! again with them and step 5 ([`write_epub_prepared`]): the same bytes as
//! in one pass once the breaks are known. Given the document in an `Arc`
//! ([`write_epub_owned`]), it lets go of it before the archive is made.

mod book;
mod cascade;
mod css;
mod cx;
mod fallback;
mod math;
mod mathtable;
mod meta;
mod package;
mod pagebreak;
mod subset;
pub use subset::Threads as SubsetThreads;
mod usage;
mod xhtml;
pub(crate) mod xml;

use epub_builder::ReferenceType;

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Document;
use crate::fonts::FontSet;
use crate::resolve::{Book, Cover};

use cx::Cx;
pub(crate) use meta::front_matter_key;
use meta::{A11yFacts, extra_metadata, identifier, title_page};
use package::{Package, Part, Resource};
use xhtml::Writer;

pub use pagebreak::PageList;

/// Options of the EPUB writer.
#[derive(Clone, Copy, Debug, Default)]
pub struct EpubOptions {
    /// Unix seconds for `dcterms:modified` and every ZIP timestamp.
    pub modified: i64,
    /// How formulas are written.
    pub math: EpubMath,
}

/// How the EPUB writes formulas (`--epub-math`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum EpubMath {
    /// MathML Core, with `alttext` and the TeX source as an annotation.
    #[default]
    Mathml,
    /// Inline SVG drawn by trang's math layout (`role="math"`, `aria-label`).
    Svg,
}

/// Writes `book` as an EPUB 3 file (the bytes). Warnings go to `diags`; a
/// missing or unreadable image is an error at its place in the source.
///
/// Chapters, ids, note numbers and homes, link targets, the heading tree
/// and the words come from the [`Book`]; this writer only serialises them.
pub fn write_epub(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    write_epub_paged(book, fonts, opts, None, diags)
}

/// [`write_epub`], with the page breaks of the PDF built from the same book
/// marked in the text and listed in a `page-list` nav when `pages` is given
/// (see `pagebreak`).
pub fn write_epub_paged(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    pages: Option<&PageList>,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    packing(book, fonts, opts, pages, None, diags)?.build()
}

/// The EPUB's fonts, made before the PDF's page breaks are known: the
/// subsets of the faces its documents draw with, packed, and the fallback
/// families (see [`prepare_fonts`]).
pub struct PreparedFonts {
    embedded: Vec<subset::Embedded>,
    fallback_families: Vec<String>,
    /// Each embedded face's bytes as they go into the archive.
    packed: Vec<package::Packed>,
}

/// What of the EPUB does not depend on the PDF's page breaks, done while
/// the PDF's pages are still being set: the content documents are written
/// once without the page-break markers (an empty `span` each, no text: the
/// characters each face draws are the same with them) and read for the
/// fonts' usage, the faces are subset and their bytes deflated. Those
/// documents are then dropped; [`write_epub_prepared`] writes them again
/// with the markers, packs them and the package, and gives the same bytes
/// as [`write_epub_paged`].
///
/// On the article this takes the fonts (17 M of the EPUB's 28 M
/// instructions) off the path after typesetting; writing the markup twice
/// costs 0.2 M more.
///
/// `threads`: how many the faces are subset on (one when the PDF's pages,
/// set meanwhile, take the other core).
pub fn prepare_fonts(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    threads: SubsetThreads,
) -> Result<PreparedFonts, Diagnostic> {
    // Warnings are the second writing's to give.
    let mut scratch = Diagnostics::default();
    let mut cx = context(book, fonts, opts, &mut scratch)?;
    let mut packer = Packer::scanning()?;
    let (parts, _) = documents(book, fonts, opts, &mut cx, &mut packer)?;
    embed_fonts(book, fonts, &parts, &mut packer, threads)
}

/// The writing state for `book`, with the math layout's context when
/// formulas are drawn as SVG.
fn context<'a>(
    book: &'a Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    diags: &'a mut Diagnostics,
) -> Result<Cx<'a>, Diagnostic> {
    let mut cx = Cx::new(book, diags);
    if opts.math == EpubMath::Svg {
        // Drawn at the body size; the SVG is sized in em, so it scales
        // with the reader's text.
        let size = book.theme.text.size;
        cx.math_svg = Some(crate::math::layout::Context::new(fonts, size, None)?);
    }
    Ok(cx)
}

/// [`write_epub_paged`] with the fonts made by [`prepare_fonts`] (for the
/// same book and options).
pub fn write_epub_prepared(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    pages: Option<&PageList>,
    prepared: PreparedFonts,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    packing(book, fonts, opts, pages, Some(prepared), diags)?.build()
}

/// [`write_epub_paged`], or [`write_epub_prepared`] when `prepared` is
/// given, for a document held in an `Arc`: this writer's hold on it is let
/// go once the content documents and the package's names are made, before
/// the archive is assembled (the longest step of a large book's EPUB, and
/// the last), so that a document no other output still reads is freed
/// then. The same bytes.
pub fn write_epub_owned(
    book: std::sync::Arc<Book>,
    fonts: &FontSet,
    opts: &EpubOptions,
    pages: Option<&PageList>,
    prepared: Option<PreparedFonts>,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    let packing = packing(&book, fonts, opts, pages, prepared, diags)?;
    drop(book);
    crate::alloc::give_back();
    packing.build()
}

/// What the archive is assembled from ([`package::build`]), none of it
/// borrowed from the document.
struct Packing {
    /// The package's names, metadata, stylesheet and resources.
    pkg: Package,
    /// The content documents, packed, in spine order.
    parts: Vec<Part>,
    /// The compressor the parts were packed with, for the other entries.
    z: crate::deflate::Deflater,
}

impl Packing {
    /// The archive: the rest of step 5.
    fn build(mut self) -> Result<Vec<u8>, Diagnostic> {
        package::build(&self.pkg, &self.parts, &mut self.z)
    }
}

/// Writes the content documents and the fonts (unless `prepared`) and
/// gathers the package's names, metadata and resources (steps 1 to 4, and
/// step 5 but the archive itself).
fn packing(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    pages: Option<&PageList>,
    prepared: Option<PreparedFonts>,
    diags: &mut Diagnostics,
) -> Result<Packing, Diagnostic> {
    let doc: &Document = book;
    let lang = book.lang.clone();
    let words = &book.words;
    let title = book.title.clone();
    let mut cx = context(book, fonts, opts, diags)?;
    cx.marks = pages.map(|p| pagebreak::Marks::new(p, book.cover.is_some()));
    // With the fonts made already, the documents are only packed.
    let mut packer = match prepared {
        Some(_) => Packer::packing()?,
        None => Packer::new()?,
    };
    let (parts, cover) = documents(book, fonts, opts, &mut cx, &mut packer)?;

    // 4. Fonts.
    let PreparedFonts {
        embedded,
        fallback_families,
        packed,
    } = match prepared {
        Some(p) => p,
        None => embed_fonts(book, fonts, &parts, &mut packer, subset::Threads::Cores)?,
    };
    let mut css = css::stylesheet(fonts, &book.theme, &embedded, &fallback_families);
    // Formulas drawn as SVG use no math face, but their displays are set
    // as MathML's are.
    if cx.math_svg.is_some() && cx.formulas > 0 {
        css.push_str(&css::math_css(&book.theme, fonts));
    }
    if book.form == crate::resolve::Form::Book {
        css.push_str(book::STYLE);
    }

    // 5. Package.
    let (identifier, uuid) = identifier(doc);
    let images = std::mem::take(&mut cx.images);
    let visual = !images.is_empty() || cover.is_some();
    let animated = images
        .iter()
        .any(|i| i.media_type == "image/png" && meta::animated_png(&i.data));
    let mut resources: Vec<Resource> = embedded
        .into_iter()
        .zip(packed)
        .map(|(e, packed)| Resource {
            href: e.href,
            media_type: e.media_type.into(),
            data: e.data,
            packed: Some(packed),
        })
        .collect();
    resources.extend(images.into_iter().map(|i| Resource {
        href: i.href,
        media_type: i.media_type.into(),
        data: i.data,
        packed: None,
    }));
    let pkg = Package {
        lang: lang.clone(),
        identifier,
        uuid,
        title: title.clone(),
        toc_name: words.toc.into(),
        landmarks_name: words.landmarks.into(),
        authors: doc.meta.authors.clone(),
        description: doc.meta.description.clone(),
        subjects: doc.meta.keywords.clone(),
        rights: doc.meta.rights.clone(),
        extra_metadata: {
            let mut m = extra_metadata(
                doc,
                &A11yFacts {
                    visual,
                    animated,
                    missing_alt: cx.image_without_alt,
                    muted_contrast: crate::cover::contrast(
                        book.theme.colours.muted.0,
                        crate::frame::Rgb(1.0, 1.0, 1.0),
                    ),
                    page_list: pages.is_some(),
                },
                words,
            );
            if let Some(p) = pages {
                m.push(meta::page_break_source(&p.source));
            }
            m
        },
        page_list: cx.marks.as_ref().map(|m| m.nav(words.page_list)),
        modified: opts.modified,
        css,
        resources,
        cover,
    };
    Ok(Packing {
        pkg,
        parts,
        z: packer.z,
    })
}

/// Writes the content documents (steps 1–3): the chapters with their part
/// pages, then the cover, title, copyright and contents pages in front.
/// Returns them in spine order, and the cover image when there is one (not
/// drawn by a packer that only scans: its document is the same without).
fn documents(
    book: &Book,
    fonts: &FontSet,
    opts: &EpubOptions,
    cx: &mut Cx,
    packer: &mut Packer,
) -> Result<(Vec<Part>, Option<Resource>), Diagnostic> {
    let doc: &Document = book;
    let lang = book.lang.clone();
    let words = &book.words;
    let title = book.title.clone();
    // 1. File names: cover, title page, contents, then the chapters.
    let has_cover = book.cover.is_some();
    let first_chapter = 1 + usize::from(has_cover);

    // 2. Chapter XHTML, each with the notes first referenced in it.
    //    A book's part pages go before their first chapters.
    //    Each is packed as it is written (`Packer`): the XHTML of the
    //    whole book is never held at once.
    let mut parts = Vec::new();
    let is_book = book.form == crate::resolve::Form::Book;
    let single = book.chapters.len() == 1 && !is_book;
    // Each chapter's notes and headings, in order, gathered once (looked
    // for in every chapter, they took time in the product of the chapters
    // and the notes or headings: 2.2 s of a 32,000-chapter article).
    let mut notes_of = vec![Vec::new(); book.chapters.len()];
    for (n, note) in book.notes.iter().enumerate() {
        if let Some(list) = notes_of.get_mut(note.chapter) {
            list.push(n);
        }
    }
    let mut headings_of: Vec<Vec<&crate::resolve::Heading>> = vec![Vec::new(); book.chapters.len()];
    for h in &book.headings {
        if let Some(list) = headings_of.get_mut(h.chapter) {
            list.push(h);
        }
    }
    for (i, chapter) in book.chapters.iter().enumerate() {
        for p in book::parts_before(book, i) {
            parts.push(part_page(&lang, p, packer)?);
        }
        cx.file = first_chapter + i;
        cx.chapter = i;
        let mut w = Writer::new(&mut *cx);
        w.blocks(&doc.blocks[chapter.blocks.clone()], false)?;
        let mine = std::mem::take(&mut notes_of[i]);
        if !mine.is_empty() {
            w.out.push_str("<hr class=\"footnotes\"/>\n");
        }
        for n in mine {
            w.footnote(n + 1)?;
        }
        let mut body = w.out;
        if i + 1 == book.chapters.len()
            && let Some(marks) = cx.marks.as_mut()
        {
            body.push_str(&marks.end(&chapter.file));
        }
        // Navigation: the chapter's headings in document order, nested by
        // their depth in the heading tree (the chapter's own opening
        // heading is the chapter's entry).
        let toc = headings_of[i]
            .iter()
            .skip(usize::from(chapter.titled_by_heading))
            .map(|h| {
                let text = if h.text.is_empty() {
                    h.id.clone()
                } else {
                    h.text.clone()
                };
                let depth = if single { h.depth + 1 } else { h.depth.max(1) };
                (depth, format!("{}#{}", chapter.file, h.id), text)
            })
            .collect();
        let section = format!(
            "<section epub:type=\"chapter\" role=\"doc-chapter\" aria-label=\"{}\">\n{body}</section>",
            xml::attr(&chapter.title)
        );
        parts.push(Part {
            file: chapter.file.clone(),
            title: chapter.title.clone(),
            body: packer.pack(document(&lang, &chapter.title, "bodymatter", &section))?,
            reftype: None,
            in_toc: true,
            level: book::chapter_level(book, chapter),
            toc,
        });
    }
    for p in book::parts_before(book, book.chapters.len()) {
        parts.push(part_page(&lang, p, packer)?);
    }
    // The body starts with the first chapter, or the page of its part.
    if let Some(first) = parts.first_mut() {
        first.reftype = Some(ReferenceType::Text);
    }

    // 3. Cover and title pages.
    let mut front = Vec::new();
    let mut cover = None;
    if let Some(kind) = &book.cover {
        // The cover image: the author's file as it is, or the generated
        // design as a JPEG ([`crate::cover`]); both take the same path.
        let (data, media_type, ext) = match kind {
            Cover::Image(src) => {
                let known = cx.images.len();
                let href = cx.image(src).map_err(|why| {
                    Diagnostic::error(why)
                        .at(&doc.source, front_matter_key(doc, "cover"))
                        .help("the cover path is relative to the Markdown file's folder (a book's: to its source folder)")
                })?;
                let img = cx
                    .images
                    .iter()
                    .find(|i| i.href == href)
                    .expect("just added");
                let found = (
                    img.data.clone(),
                    img.media_type,
                    href.rsplit('.').next().unwrap_or("jpg").to_string(),
                );
                // Only the cover copy is kept unless the body uses the
                // image too: then the body's writing added it, and it was
                // known before the cover asked for it.
                if cx.images.len() > known {
                    cx.images.retain(|i| i.href != href);
                }
                found
            }
            // Drawn only for the package: the document is the same without.
            Cover::Generated if !packer.pack => (Vec::new(), "image/jpeg", "jpg".to_string()),
            Cover::Generated => {
                let jpeg = crate::cover::generated_jpeg(book, fonts).map_err(|why| {
                    Diagnostic::error(format!("cannot draw the cover: {why}"))
                        .in_file(&doc.source.path)
                })?;
                (jpeg, "image/jpeg", "jpg".to_string())
            }
        };
        let cover_href = format!("images/cover.{ext}");
        cover = Some(Resource {
            href: cover_href.clone(),
            media_type: media_type.into(),
            data,
            packed: None,
        });
        let alt = format!("{}: {title}", words.cover);
        let marks = cx
            .marks
            .as_mut()
            .map(|m| m.cover("cover.xhtml"))
            .unwrap_or_default();
        let body = format!(
            "{marks}<section epub:type=\"cover\" class=\"cover\"><img src=\"{cover_href}\" alt=\"{}\"/></section>",
            xml::attr(&alt)
        );
        front.push(Part {
            file: "cover.xhtml".into(),
            title: words.cover.into(),
            body: packer.pack(document(&lang, words.cover, "cover", &body))?,
            reftype: Some(ReferenceType::Cover),
            in_toc: false,
            level: 1,
            toc: Vec::new(),
        });
    }
    front.push(Part {
        file: "title.xhtml".into(),
        title: words.title_page.into(),
        body: packer.pack(document(
            &lang,
            &title,
            "frontmatter",
            &format!(
                "{}{}",
                cx.marks
                    .as_mut()
                    .map(|m| m.front("title.xhtml"))
                    .unwrap_or_default(),
                title_page(book, &title)
            ),
        ))?,
        reftype: Some(ReferenceType::TitlePage),
        in_toc: false,
        level: 1,
        toc: Vec::new(),
    });
    if is_book {
        let year = crate::doc::Date::from_unix_seconds(opts.modified).year;
        let name = words.copyright;
        front.push(Part {
            file: "copyright.xhtml".into(),
            title: name.into(),
            body: packer.pack(document(
                &lang,
                name,
                "frontmatter",
                &book::copyright_page(book, year),
            ))?,
            reftype: None,
            in_toc: true,
            level: 1,
            toc: Vec::new(),
        });
    }
    if doc.meta.toc && book.contents().next().is_some() {
        front.push(Part {
            file: "contents.xhtml".into(),
            title: words.toc.into(),
            body: packer.pack(document(
                &lang,
                words.toc,
                "frontmatter",
                &contents_page(book),
            ))?,
            // A book's landmarks name its contents page (an article's
            // keep what they had).
            reftype: is_book.then_some(ReferenceType::Toc),
            in_toc: true,
            level: 1,
            toc: Vec::new(),
        });
    }
    front.extend(parts);
    Ok((front, cover))
}

/// The subsets of the faces `parts` draw with (the usage `packer` read from
/// them and the navigation's), made on `threads`, packed for the archive
/// with `packer`'s compressor, and the fallback faces' family names.
fn embed_fonts(
    book: &Book,
    fonts: &FontSet,
    parts: &[Part],
    packer: &mut Packer,
    threads: subset::Threads,
) -> Result<PreparedFonts, Diagnostic> {
    let mut used = std::mem::take(&mut packer.used);
    usage::scan(&nav_outline(book.words.toc, parts), &mut used);
    let mut embedded = subset::embed(fonts, &used, threads)?;
    let (extra, fallback_families) = fallback::embed(fonts, &used, &embedded)?;
    embedded.extend(extra);
    let packed = embedded
        .iter()
        .map(|e| package::Packed::new(&e.data, &mut packer.z))
        .collect::<Result<_, _>>()
        .map_err(|e| Diagnostic::error(format!("cannot write the EPUB: {e}")))?;
    Ok(PreparedFonts {
        embedded,
        fallback_families,
        packed,
    })
}

/// The visible contents page (`toc: true`): the headings of the two highest
/// levels, linked, like the PDF's contents (which adds page numbers). The
/// navigation document stays the reading system's own table of contents.
fn contents_page(book: &Book) -> String {
    let mut s = format!(
        "<section class=\"contents\" role=\"doc-toc\" aria-labelledby=\"contents-title\">\n<h1 id=\"contents-title\">{}</h1>\n<ol class=\"contents\">\n",
        xml::text(book.words.toc)
    );
    let mut part_done = vec![false; book.parts.len()];
    for h in book.contents() {
        let chapter = &book.chapters[h.chapter];
        // A book's part, listed above its first chapter, bold (`b`: the
        // font rules of `cascade` know it) and larger than its chapters.
        if let Some(p) = chapter.part.filter(|&p| !part_done[p]) {
            part_done[p] = true;
            let part = &book.parts[p];
            if book::has_page(part) {
                s.push_str(&format!(
                    "<li class=\"part\"><a href=\"{}\"><b>{}</b></a></li>\n",
                    part.file,
                    xml::text(&part.title)
                ));
            }
        }
        s.push_str(&format!(
            "<li class=\"level-{}\"><a href=\"{}#{}\">{}</a></li>\n",
            (h.depth.min(1) + chapter.depth).min(2),
            chapter.file,
            xml::attr(&h.id),
            xml::text(&h.text)
        ));
    }
    s.push_str("</ol>\n</section>");
    s
}

/// The visible part of the navigation document as epub-builder writes it
/// (`nav > h1`, then nested `ol > li > a`; the landmarks list is hidden), for
/// the usage scan: the nav is generated after the fonts are embedded.
fn nav_outline(toc_name: &str, parts: &[Part]) -> String {
    let mut s = format!("<html><body><nav><h1>{}</h1><ol>", xml::text(toc_name));
    for p in parts.iter().filter(|p| p.in_toc && !p.title.is_empty()) {
        s.push_str(&format!("<li><a>{}</a><ol>", xml::text(&p.title)));
        for (_, _, text) in &p.toc {
            s.push_str(&format!("<li><a>{}</a></li>", xml::text(text)));
        }
        s.push_str("</ol></li>");
    }
    s.push_str("</ol></nav></body></html>");
    s
}

/// A book's part page.
fn part_page(
    lang: &str,
    p: &crate::resolve::Part,
    packer: &mut Packer,
) -> Result<Part, Diagnostic> {
    Ok(Part {
        file: p.file.clone(),
        title: p.title.clone(),
        body: packer.pack(document(lang, &p.title, "bodymatter", &book::part_page(p)))?,
        reftype: None,
        in_toc: true,
        level: 1,
        toc: Vec::new(),
    })
}

/// Takes each content document as it is written: its characters go into
/// the fonts' usage (which glyphs the subsets keep), its bytes are deflated
/// ([`package::Body`]) and the XHTML is dropped.
///
/// A packer made by [`Packer::scanning`] only reads the usage (its bodies
/// are empty, never packaged); one made by [`Packer::packing`] only packs
/// (the fonts were made from a scanning one's usage).
struct Packer {
    z: crate::deflate::Deflater,
    used: usage::Usage,
    /// Whether documents are read for the fonts' usage.
    scan: bool,
    /// Whether documents are packed.
    pack: bool,
}

impl Packer {
    fn new() -> Result<Packer, Diagnostic> {
        Ok(Packer {
            z: package::body_packer()?,
            used: usage::Usage::new(),
            scan: true,
            pack: true,
        })
    }

    fn scanning() -> Result<Packer, Diagnostic> {
        Ok(Packer {
            pack: false,
            ..Packer::new()?
        })
    }

    fn packing() -> Result<Packer, Diagnostic> {
        Ok(Packer {
            scan: false,
            ..Packer::new()?
        })
    }

    fn pack(&mut self, xhtml: String) -> Result<package::Body, Diagnostic> {
        if self.scan {
            usage::scan(&xhtml, &mut self.used);
        }
        match self.pack {
            true => package::Body::pack(&xhtml, &mut self.z),
            false => Ok(package::Body::default()),
        }
    }
}

/// A whole XHTML content document.
fn document(lang: &str, title: &str, body_type: &str, body: &str) -> String {
    let lang = xml::attr(lang);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n\
         <html xmlns=\"http://www.w3.org/1999/xhtml\" xmlns:epub=\"http://www.idpf.org/2007/ops\" xml:lang=\"{lang}\" lang=\"{lang}\">\n\
         <head>\n<meta charset=\"utf-8\"/>\n<title>{}</title>\n\
         <link rel=\"stylesheet\" type=\"text/css\" href=\"stylesheet.css\"/>\n</head>\n\
         <body epub:type=\"{body_type}\">\n{body}\n</body>\n</html>\n",
        xml::text(title)
    )
}

#[cfg(test)]
mod tests;
