//! The EPUB 3 writer: [`Document`] → a valid, reproducible EPUB 3 file.
//!
//! Steps, in order:
//! 1. split the body into content documents (one per `#` chapter when there
//!    are several) and decide which chapter carries each footnote;
//! 2. write each chapter's XHTML ([`xhtml`], raw HTML through [`html`]),
//!    with links as placeholders, then resolve them once every id is known;
//! 3. write the cover and title pages;
//! 4. read the characters each face draws back from the XHTML ([`usage`]) and
//!    embed subsets of those faces ([`subset`]) with `@font-face` rules ([`css`]);
//! 5. package with epub-builder and complete the metadata ([`package`]).

mod css;
mod cx;
mod meta;
mod package;
mod subset;
mod usage;
mod xhtml;
mod xml;

use std::collections::HashMap;

use epub_builder::ReferenceType;

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::{Block, BlockKind, Document, walk_block_inlines};
use crate::fonts::{FontSet, Role, Style};

use cx::{Cx, Target};
use meta::{Words, extra_metadata, front_matter_key, identifier, title_page};
use package::{Package, Part, Resource};
use xhtml::{Notes, Writer};

/// Options of the EPUB writer.
#[derive(Clone, Copy, Debug, Default)]
pub struct EpubOptions {
    /// Unix seconds for `dcterms:modified` and every ZIP timestamp.
    pub modified: i64,
}

/// Writes `doc` as an EPUB 3 file (the bytes). Warnings go to `diags`; a
/// missing or unreadable image is an error at its place in the source.
pub fn write_epub(
    doc: &Document,
    fonts: &FontSet,
    opts: &EpubOptions,
    diags: &mut Diagnostics,
) -> Result<Vec<u8>, Diagnostic> {
    let lang = if crate::markdown::valid_lang(&doc.meta.lang) {
        doc.meta.lang.clone()
    } else {
        "und".into()
    };
    let words = Words::for_lang(&lang);
    let title = doc.meta.title.clone().unwrap_or_else(|| "Untitled".into());
    let mut cx = Cx::new(doc, diags);

    // 1. Chapters and footnote homes.
    let chapters = split_chapters(&doc.blocks);
    let has_cover = doc.meta.cover.is_some();
    let first_chapter = 1 + usize::from(has_cover);
    let chapter_file = |i: usize| format!("chapter-{:02}.xhtml", i + 1);
    let mut file_names: Vec<String> = Vec::new();
    if has_cover {
        file_names.push("cover.xhtml".into());
    }
    file_names.push("title.xhtml".into());
    file_names.extend((0..chapters.len()).map(chapter_file));
    let mut notes = Notes {
        order: doc.footnote_order(),
        ..Notes::default()
    };
    notes.refs = vec![0; notes.order.len()];
    notes.first_ref = vec![None; notes.order.len()];
    let homes = note_homes(doc, &chapters, &notes.order);

    // 2. Chapter XHTML.
    let mut note_ids: HashMap<usize, (String, usize)> = HashMap::new();
    let mut bodies = Vec::new();
    for (i, blocks) in chapters.iter().enumerate() {
        cx.file = first_chapter + i;
        let mut w = Writer::new(&mut cx, &mut notes);
        w.blocks(blocks, false)?;
        let mine: Vec<usize> = (0..homes.len()).filter(|&n| homes[n] == i).collect();
        if !mine.is_empty() {
            w.out.push_str("<hr class=\"footnotes\"/>\n");
        }
        for n in mine {
            let id = w.cx.ids.claim(&format!("fn-{}", n + 1));
            note_ids.insert(n + 1, (id.clone(), first_chapter + i));
            if let Some(f) = doc.footnote(&w.notes.order[n]) {
                w.footnote(n + 1, &id, &f.blocks)?;
            }
        }
        let headings = std::mem::take(&mut w.headings);
        bodies.push((w.out, headings));
    }
    let mut parts = Vec::new();
    let single = chapters.len() == 1;
    // Every top-level heading, with its href, for a printed contents page.
    let mut all_headings: Vec<(u8, String, String)> = Vec::new();
    for (i, (body, headings)) in bodies.into_iter().enumerate() {
        let file = first_chapter + i;
        all_headings.extend(
            headings
                .iter()
                .map(|(l, id, t)| (*l, format!("{}#{id}", file_names[file]), t.clone())),
        );
        let h1s: Vec<_> = headings.iter().filter(|h| h.0 == 1).collect();
        let chapter_title = match (single, h1s.first()) {
            (false, Some(h)) => h.2.clone(),
            (true, Some(h)) if h1s.len() == 1 => h.2.clone(),
            _ => title.clone(),
        };
        let chapter_title = if chapter_title.trim().is_empty() {
            title.clone()
        } else {
            chapter_title
        };
        let toc = headings
            .iter()
            .filter(|h| h.0 > 1 || (single && h1s.len() > 1))
            .map(|(level, id, text)| {
                let text = if text.is_empty() {
                    id.clone()
                } else {
                    text.clone()
                };
                (*level, format!("{}#{id}", file_names[file]), text)
            })
            .collect();
        let body = resolve_links(&body, file, &file_names, &mut cx, &note_ids, &notes);
        let section = format!(
            "<section epub:type=\"chapter\" role=\"doc-chapter\" aria-label=\"{}\">\n{body}</section>",
            xml::attr(&chapter_title)
        );
        parts.push(Part {
            file: file_names[file].clone(),
            title: chapter_title.clone(),
            xhtml: document(&lang, &chapter_title, "bodymatter", &section),
            reftype: (i == 0).then_some(ReferenceType::Text),
            toc,
        });
    }

    // 3. Cover and title pages.
    let mut front = Vec::new();
    let mut cover = None;
    if let Some(path) = &doc.meta.cover {
        let src = path.to_string_lossy();
        let href = cx.image(&src).map_err(|why| {
            Diagnostic::error(why)
                .at(&doc.source, front_matter_key(doc, "cover"))
                .help("the cover path is relative to the Markdown file's folder")
        })?;
        let img = cx
            .images
            .iter()
            .find(|i| i.href == href)
            .expect("just added");
        let ext = href.rsplit('.').next().unwrap_or("jpg");
        let cover_href = format!("images/cover.{ext}");
        cover = Some(Resource {
            href: cover_href.clone(),
            media_type: img.media_type.into(),
            data: img.data.clone(),
        });
        // Only the cover copy is kept unless the body uses the image too.
        if !parts
            .iter()
            .any(|p| p.xhtml.contains(&format!("\"{href}\"")))
        {
            cx.images.retain(|i| i.href != href);
        }
        let alt = format!("{}: {title}", words.cover);
        let body = format!(
            "<section epub:type=\"cover\" class=\"cover\"><img src=\"{cover_href}\" alt=\"{}\"/></section>",
            xml::attr(&alt)
        );
        front.push(Part {
            file: "cover.xhtml".into(),
            title: words.cover.into(),
            xhtml: document(&lang, words.cover, "cover", &body),
            reftype: Some(ReferenceType::Cover),
            toc: Vec::new(),
        });
    }
    front.push(Part {
        file: "title.xhtml".into(),
        title: words.title_page.into(),
        xhtml: document(&lang, &title, "frontmatter", &title_page(doc, &title)),
        reftype: Some(ReferenceType::TitlePage),
        toc: Vec::new(),
    });
    if doc.meta.toc && !all_headings.is_empty() {
        front.push(Part {
            file: "contents.xhtml".into(),
            title: words.toc.into(),
            xhtml: document(
                &lang,
                words.toc,
                "frontmatter",
                &contents_page(words.toc, &all_headings),
            ),
            reftype: None,
            toc: Vec::new(),
        });
    }
    front.extend(parts);
    let parts = front;

    // 4. Fonts.
    let mut used = usage::Usage::new();
    for p in &parts {
        usage::scan(&p.xhtml, &mut used);
    }
    let bold = Style {
        bold: true,
        italic: false,
    };
    used.entry((Role::Heading, bold))
        .or_default()
        .extend(words.toc.chars());
    let nav_text = used.entry((Role::Body, Style::REGULAR)).or_default();
    for p in &parts {
        nav_text.extend(p.title.chars());
        nav_text.extend(p.toc.iter().flat_map(|t| t.2.chars()));
    }
    nav_text.extend("0123456789.".chars());
    let embedded = subset::embed(fonts, &used)?;
    let css = css::stylesheet(fonts, &embedded);

    // 5. Package.
    let (identifier, uuid) = identifier(doc);
    let images = std::mem::take(&mut cx.images);
    let visual = !images.is_empty() || cover.is_some();
    let mut resources: Vec<Resource> = embedded
        .into_iter()
        .map(|e| Resource {
            href: e.href,
            media_type: "font/ttf".into(),
            data: e.data,
        })
        .collect();
    resources.extend(images.into_iter().map(|i| Resource {
        href: i.href,
        media_type: i.media_type.into(),
        data: i.data,
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
        extra_metadata: extra_metadata(doc, visual, cx.image_without_alt, &words),
        modified: opts.modified,
        css,
        resources,
        cover,
    };
    package::build(&pkg, &parts)
}

/// Top-level blocks split at `#` headings when there are two or more.
fn split_chapters(blocks: &[Block]) -> Vec<Vec<Block>> {
    let is_h1 = |b: &Block| matches!(b.kind, BlockKind::Heading { level: 1, .. });
    if blocks.iter().filter(|b| is_h1(b)).count() < 2 {
        return vec![blocks.to_vec()];
    }
    let mut chapters: Vec<Vec<Block>> = vec![Vec::new()];
    for b in blocks {
        if is_h1(b) && !chapters.last().is_some_and(Vec::is_empty) {
            chapters.push(Vec::new());
        }
        chapters.last_mut().expect("never empty").push(b.clone());
    }
    chapters
}

/// The chapter each footnote is printed in: where it is first referenced
/// (a note referenced only from another note goes with that note).
fn note_homes(doc: &Document, chapters: &[Vec<Block>], order: &[String]) -> Vec<usize> {
    let mut homes: Vec<Option<usize>> = vec![None; order.len()];
    let index = |label: &str| order.iter().position(|l| l == label);
    for (i, blocks) in chapters.iter().enumerate() {
        for b in blocks {
            walk_block_inlines(b, &mut |inl| {
                if let crate::doc::InlineKind::FootnoteRef(l) = &inl.kind
                    && let Some(n) = index(l)
                    && homes[n].is_none()
                {
                    homes[n] = Some(i);
                }
            });
        }
    }
    for n in 0..order.len() {
        let home = homes[n].unwrap_or(chapters.len() - 1);
        homes[n] = Some(home);
        if let Some(f) = doc.footnote(&order[n]) {
            for b in &f.blocks {
                walk_block_inlines(b, &mut |inl| {
                    if let crate::doc::InlineKind::FootnoteRef(l) = &inl.kind
                        && let Some(m) = index(l)
                        && homes[m].is_none()
                    {
                        homes[m] = Some(home);
                    }
                });
            }
        }
    }
    homes.into_iter().map(|h| h.unwrap_or(0)).collect()
}

/// Replaces link placeholders in `body` (written as file `file`) by hrefs, or
/// removes the `href` of links whose target is not in the book.
fn resolve_links(
    body: &str,
    file: usize,
    names: &[String],
    cx: &mut Cx,
    note_ids: &HashMap<usize, (String, usize)>,
    notes: &Notes,
) -> String {
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(start) = rest.find(" href=\"\u{E000}") {
        out.push_str(&rest[..start]);
        let after = &rest[start + " href=\"\u{E000}".len()..];
        let end = after.find('\u{E000}').unwrap_or(0);
        let n: usize = after[..end].parse().unwrap_or(usize::MAX);
        rest = &after[end + '\u{E000}'.len_utf8() + 1..];
        let target = match cx.links.get(n).cloned() {
            Some(Target::Anchor(name, span)) => match cx.ids.anchor(&name) {
                Some(t) => Some(t.clone()),
                None => {
                    cx.warn(
                        format!("link to `#{name}`, which is not an anchor in the document; only its text is kept"),
                        span,
                    );
                    None
                }
            },
            Some(Target::Note(n)) => note_ids.get(&n).cloned(),
            Some(Target::NoteRef(n)) => notes.first_ref.get(n - 1).cloned().flatten(),
            None => None,
        };
        if let Some((id, f)) = target {
            let prefix = if f == file { "" } else { names[f].as_str() };
            out.push_str(&format!(" href=\"{prefix}#{id}\""));
        }
    }
    out.push_str(rest);
    out
}

/// The visible contents page (`toc: true`): the headings of the two highest
/// levels, linked, like the PDF's contents (which adds page numbers). The
/// navigation document stays the reading system's own table of contents.
fn contents_page(name: &str, headings: &[(u8, String, String)]) -> String {
    let top = headings.iter().map(|h| h.0).min().unwrap_or(1);
    let mut s = format!(
        "<section class=\"contents\" aria-labelledby=\"contents-title\">\n<h1 id=\"contents-title\">{}</h1>\n<ol class=\"contents\">\n",
        xml::text(name)
    );
    for (level, href, text) in headings.iter().filter(|h| h.0 <= top + 1) {
        s.push_str(&format!(
            "<li class=\"level-{}\"><a href=\"{}\">{}</a></li>\n",
            level - top,
            xml::attr(href),
            xml::text(text)
        ));
    }
    s.push_str("</ol>\n</section>");
    s
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
