//! The resolve stage: [`Document`] → [`Book`], every decision both writers
//! need, made once.
//!
//! Steps, in order:
//! 0. placement: images alone on their line, or wider than any line, are
//!    split out of their paragraphs as figures ([`place`]);
//! 1. chapters: the body split at `#` headings when there are two or more;
//! 2. ids: every heading, raw-HTML anchor, note and note reference gets one
//!    id, unique across the book ([`ids::Registry`]); headings are also
//!    reachable by GitHub's letter-keeping slug;
//! 3. notes by identity: numbered in order of first reference, each placed
//!    with its first reference (its chapter in the EPUB, its page in the
//!    PDF); every reference becomes a typed [`InlineKind::NoteRef`];
//! 4. links: `#name` resolved to an id, external URLs checked and
//!    percent-encoded; a link to a missing anchor, another file or an
//!    unusable URL becomes its text (one grouped warning); a link inside a
//!    link is unwrapped (HTML forbids nesting them);
//! 5. the heading tree: document order, depth with skipped levels mapped,
//!    which headings the contents list;
//! 6. the language-dependent words ([`Words`]).
//!
//! Every local image is read once, before placement ([`assets`]).
//!
//! The writers (EPUB, typesetter) and the coverage check read the [`Book`]
//! and decide none of this again. [`Book::dump`] prints it as text for the
//! expected-output fixtures.

pub mod assets;
pub mod ids;
mod links;
pub mod place;
pub mod url;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::ops::{Deref, Range};

use crate::diag::Diagnostics;
use crate::doc::{Block, BlockKind, Caption, Document, Inline, InlineKind, plain_text};
use crate::words::Words;

pub use ids::{github_slug, slug};

/// What is being published: decides the PDF's front matter and whether a
/// cover is generated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// One Markdown file: a title block on page 1, running heads with the
    /// title, no cover unless `cover:` names one.
    Article,
    /// A book project (`book.toml`, mdBook's `SUMMARY.md`, or a folder of
    /// chapter files): half-title, title page, copyright page, contents,
    /// each chapter file a chapter, a cover (given or generated).
    Book,
}

/// A part of a book: a titled run of chapters (`[[book.parts]]` in
/// `book.toml`, a `# Part` line in mdBook's `SUMMARY.md`).
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    /// Its title.
    pub title: String,
    /// The id of the part's opening page (EPUB part file, PDF destination).
    pub id: String,
    /// The EPUB content document of its part page, e.g. `part-1.xhtml`.
    pub file: String,
    /// The chapters in it, indices into [`Book::chapters`].
    pub chapters: Range<usize>,
}

/// The book's cover, decided once for both outputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cover {
    /// An image the author gave (`cover:`): its key in [`Book::assets`]
    /// (the path as written).
    Image(String),
    /// None given for a book: one is drawn from the metadata (title,
    /// subtitle, authors, publisher).
    Generated,
}

/// A chapter: a content document of the EPUB, a run of top-level blocks.
#[derive(Clone, Debug, PartialEq)]
pub struct Chapter {
    /// Its top-level blocks in [`Document::blocks`].
    pub blocks: Range<usize>,
    /// Its title: its opening `#` heading when the book has several
    /// chapters, else the book's title.
    pub title: String,
    /// Whether the chapter's title is its first block (a `#` heading), so
    /// that navigation does not list that heading again under it.
    pub titled_by_heading: bool,
    /// The EPUB content document's file name, e.g. `chapter-01.xhtml`.
    pub file: String,
    /// The part it belongs to (index into [`Book::parts`]), if any.
    pub part: Option<usize>,
    /// Its nesting under other chapters (mdBook's indented `SUMMARY.md`
    /// entries): 0 for a top-level chapter.
    pub depth: u8,
}

/// A footnote, by identity.
#[derive(Clone, Debug, PartialEq)]
pub struct Note {
    /// Its label in the source (`[^label]`).
    pub label: String,
    /// Index of its definition in [`Document::footnotes`].
    pub footnote: usize,
    /// The chapter of its first reference (a note first referenced inside
    /// another note goes with that note).
    pub chapter: usize,
    /// The id of the note itself.
    pub id: String,
    /// The number printed for it: its number in the whole document for an
    /// article; counted afresh in each chapter for a book.
    pub mark: usize,
    /// The id of each reference, in order (`ref_ids[0]` is the first).
    pub ref_ids: Vec<String>,
}

/// A heading of the body, in document order.
#[derive(Clone, Debug, PartialEq)]
pub struct Heading {
    /// Its id.
    pub id: String,
    /// Its text, white space folded (with its number when numbered).
    pub text: String,
    /// The level the author wrote, 1–6.
    pub level: u8,
    /// Its depth in the heading tree, 0 = top: skipped levels are mapped
    /// (`#` then `###` gives depths 0, 1), and a heading deeper than an
    /// earlier one nests under it even when a shallower one comes later.
    pub depth: u8,
    /// The chapter it is in.
    pub chapter: usize,
    /// Whether the printed contents list it (the two highest levels).
    pub in_contents: bool,
}

/// The resolved book: the document with every reference typed, and the
/// decisions both writers share.
#[derive(Clone, Debug)]
pub struct Book {
    /// Article or book.
    pub form: Form,
    /// The book's parts, in order (none for an article, or a book without parts).
    pub parts: Vec<Part>,
    /// The cover, if there is one.
    pub cover: Option<Cover>,
    /// The document, resolved: notes referenced by [`InlineKind::NoteRef`],
    /// links pointing at ids (`#id`) or checked external URLs, anchors
    /// with their final ids.
    pub doc: Document,
    /// The language tag written to both outputs (`und` when the front
    /// matter's is not a valid BCP 47 tag).
    pub lang: String,
    /// The words the writers add, in that language.
    pub words: Words,
    /// The book's title (front matter, the lone `#` heading, or the file name).
    pub title: String,
    /// The dateline printed above the title: the front matter's, else the
    /// date in the book's language (`Thứ ba, 05/07/2022`; ISO 8601 otherwise).
    pub dateline: Option<String>,
    /// Chapters in order (at least one).
    pub chapters: Vec<Chapter>,
    /// Notes by number: `notes[n - 1]` is note `n`.
    pub notes: Vec<Note>,
    /// The body's top-level headings, in document order.
    pub headings: Vec<Heading>,
    /// Every id of the book → the chapter it is in.
    pub targets: HashMap<String, usize>,
    /// The ids and the names links may use for them.
    pub ids: ids::Registry,
    /// Every local image, read once: `assets.get(src)` for an image's
    /// `src` as written (see [`assets::Assets`]).
    pub assets: assets::Assets,
    /// Every design number of both outputs: the form's preset until
    /// [`crate::prepare_with`] sets the one the user named.
    pub theme: crate::theme::Theme,
    /// An article's closing attribution ("Theo Dangcongsan.vn"): the index
    /// of its last top-level block when that is a short paragraph naming
    /// the source (see [`attribution`]).
    pub attribution: Option<usize>,
}

impl Deref for Book {
    type Target = Document;
    fn deref(&self) -> &Document {
        &self.doc
    }
}

/// Resolves `doc` into a [`Book`], its images looked up beside the
/// Markdown file only; see [`resolve_with`].
pub fn resolve(doc: Document, diags: &mut Diagnostics) -> Book {
    resolve_with(doc, &assets::AssetOptions::default(), diags)
}

/// Resolves `doc` into a [`Book`]. Links that cannot be kept are reported
/// to `diags` as one grouped warning per kind; images that cannot be used
/// as errors at their places (see [`assets::read_all`]).
pub fn resolve_with(
    doc: Document,
    asset_options: &assets::AssetOptions,
    diags: &mut Diagnostics,
) -> Book {
    resolve_inner(doc, asset_options, None, diags)
}

/// Resolves the joined document of a book project ([`crate::project`]):
/// its chapters are the plan's (one per chapter file, in parts), links
/// between the files resolve to ids, notes are numbered per chapter, and a
/// cover is generated when none is given.
pub fn resolve_book(
    doc: Document,
    plan: &crate::project::Plan,
    asset_options: &assets::AssetOptions,
    diags: &mut Diagnostics,
) -> Book {
    resolve_inner(doc, asset_options, Some(plan), diags)
}

fn resolve_inner(
    mut doc: Document,
    asset_options: &assets::AssetOptions,
    plan: Option<&crate::project::Plan>,
    diags: &mut Diagnostics,
) -> Book {
    let lang = if url::valid_lang(&doc.meta.lang) {
        doc.meta.lang.clone()
    } else {
        "und".into()
    };
    let words = Words::for_lang(&doc.meta.lang);
    let title = doc
        .meta
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Untitled".into());

    // 0. Images read once ([`assets`]), then placement: which images are
    //    figures (block indices change here, so a book's chapters are
    //    found again by their first byte).
    let assets = assets::read_all(&doc, asset_options, diags);
    let first_spans: Vec<usize> = plan
        .map(|p| {
            p.chapters
                .iter()
                .map(|c| doc.blocks[c.first_block].span.start)
                .collect()
        })
        .unwrap_or_default();
    place::place_images(&mut doc, &assets);

    // 1. Chapters: a book's files, else the body split at `#` headings
    //    when there are two or more.
    let chapters = match plan {
        Some(plan) => book_chapters(&doc, plan, &first_spans),
        None => split_chapters(&doc, &title),
    };
    // The first chapter holding each top-level block (0 for none). Made
    // once: searched for each block, it took time in the product of the
    // blocks and the chapters (4.2 s of a 32,000-chapter article's parse).
    let mut chapter_at = vec![0; doc.blocks.len()];
    for (k, c) in chapters.iter().enumerate().rev() {
        for b in c.blocks.clone() {
            if let Some(slot) = chapter_at.get_mut(b) {
                *slot = k;
            }
        }
    }
    let chapter_of = |block: usize| chapter_at.get(block).copied().unwrap_or(0);

    // 2. Ids of what the author named: headings (with their GitHub slugs)
    //    and raw-HTML anchors, in document order.
    let mut reg = ids::Registry::default();
    let mut targets = HashMap::new();
    let mut headings = Vec::new();
    let mut github_used: HashMap<String, usize> = HashMap::new();
    // In a book each chapter file is a page of its own for the names
    // links use (GitHub and mdBook number repeated slugs per page).
    let book = plan.is_some();
    for (i, block) in doc.blocks.iter_mut().enumerate() {
        let chapter = chapter_of(i);
        if book && reg.scope != chapter {
            reg.scope = chapter;
            github_used.clear();
        }
        claim_ids(
            block,
            &mut reg,
            &mut targets,
            &mut github_used,
            chapter,
            Some(&mut headings),
        );
    }
    // The chapter file holding byte `at` (a note's definition).
    let file_of = |at: usize| {
        plan.map_or(0, |p| {
            p.chapters
                .partition_point(|c| c.start <= at)
                .saturating_sub(1)
        })
    };
    for f in doc.footnotes.iter_mut() {
        reg.scope = file_of(f.span.start);
        for b in &mut f.blocks {
            // A note's chapter is known only once notes are placed; anchors
            // inside notes are fixed up below.
            claim_ids(
                b,
                &mut reg,
                &mut targets,
                &mut github_used,
                usize::MAX,
                None,
            );
        }
    }
    match plan {
        // A book's heading tree restarts in each chapter, under the
        // chapter's own nesting (mdBook sub-chapters).
        Some(_) => {
            for (c, chapter) in chapters.iter().enumerate() {
                let lo = headings.partition_point(|h: &Heading| h.chapter < c);
                let hi = headings.partition_point(|h: &Heading| h.chapter <= c);
                heading_tree(&mut headings[lo..hi]);
                for h in &mut headings[lo..hi] {
                    h.depth = (h.depth + chapter.depth).min(5);
                    h.in_contents = h.depth <= 1 + chapter.depth;
                }
            }
        }
        None => heading_tree(&mut headings),
    }

    // The captioned tables, numbered in document order.
    let mut tables = 0;
    for block in doc.blocks.iter_mut() {
        number_tables(block, &mut tables);
    }

    // 3. Notes.
    let order = doc.footnote_order();
    // Each label's first definition (as `footnote_order` reads them).
    let mut defined: HashMap<&str, usize> = HashMap::new();
    for (k, f) in doc.footnotes.iter().enumerate() {
        defined.entry(f.label.as_str()).or_insert(k);
    }
    let mut notes: Vec<Note> = order
        .iter()
        .map(|label| Note {
            label: label.clone(),
            footnote: *defined
                .get(label.as_str())
                .expect("footnote_order lists defined notes"),
            chapter: usize::MAX,
            id: String::new(),
            mark: 0,
            ref_ids: Vec::new(),
        })
        .collect();
    let mut ref_chapters: Vec<Vec<usize>> = vec![Vec::new(); notes.len()];
    let number: HashMap<String, usize> = order
        .iter()
        .enumerate()
        .map(|(i, l)| (l.clone(), i + 1))
        .collect();
    for (i, block) in doc.blocks.iter_mut().enumerate() {
        let chapter = chapter_of(i);
        number_refs(block, &number, &mut notes, &mut ref_chapters, chapter);
    }
    // Notes referenced only from other notes, in number order (a note
    // referenced from note n comes after n in the order).
    for n in 0..notes.len() {
        if notes[n].chapter == usize::MAX {
            notes[n].chapter = chapters.len() - 1;
        }
        let chapter = notes[n].chapter;
        let f = notes[n].footnote;
        let mut blocks = std::mem::take(&mut doc.footnotes[f].blocks);
        for b in &mut blocks {
            number_refs(b, &number, &mut notes, &mut ref_chapters, chapter);
        }
        doc.footnotes[f].blocks = blocks;
    }
    for note in &notes {
        for b in &doc.footnotes[note.footnote].blocks {
            for_anchor_ids(b, &mut |id| {
                targets.insert(id.to_string(), note.chapter);
            });
        }
    }
    let mut per_chapter: HashMap<usize, usize> = HashMap::new();
    for (n, note) in notes.iter_mut().enumerate() {
        note.mark = if book {
            let k = per_chapter.entry(note.chapter).or_insert(0);
            *k += 1;
            *k
        } else {
            n + 1
        };
        note.id = reg.claim(&format!("fn-{}", n + 1));
        targets.insert(note.id.clone(), note.chapter);
        for (k, &chapter) in ref_chapters[n].iter().enumerate() {
            let raw = if k == 0 {
                format!("fnref-{}", n + 1)
            } else {
                format!("fnref-{}-{}", n + 1, k + 1)
            };
            let id = reg.claim(&raw);
            targets.insert(id.clone(), chapter);
            note.ref_ids.push(id);
        }
    }
    // Anchors inside notes never referenced are printed nowhere: any
    // link to them goes to the end of the book.
    for chapter in targets.values_mut() {
        if *chapter == usize::MAX {
            *chapter = chapters.len() - 1;
        }
    }

    // 4. Links.
    let mut report = links::Report::default();
    let files: Vec<String> = plan
        .map(|p| p.chapters.iter().map(|c| c.file.clone()).collect())
        .unwrap_or_default();
    let heads: Vec<String> = chapters
        .iter()
        .map(|c| match doc.blocks.get(c.blocks.start).map(|b| &b.kind) {
            Some(BlockKind::Heading { id, .. }) => id.clone(),
            _ => String::new(),
        })
        .collect();
    let scope = |chapter| links::Scope {
        chapter,
        files: &files,
        heads: &heads,
    };
    for (i, block) in doc.blocks.iter_mut().enumerate() {
        links::resolve_block(block, &reg, &scope(chapter_of(i)), &mut report);
    }
    for f in doc.footnotes.iter_mut() {
        let chapter = file_of(f.span.start);
        for b in &mut f.blocks {
            links::resolve_block(b, &reg, &scope(chapter), &mut report);
        }
    }
    report.emit(&doc.source, diags);

    let dateline = doc.meta.dateline.clone().or_else(|| {
        doc.meta.date.map(|d| {
            if doc.meta.lang.starts_with("vi") {
                d.vietnamese_dateline()
            } else {
                d.iso()
            }
        })
    });
    let cover = match assets.cover_src() {
        Some(k) => Some(Cover::Image(k.to_string())),
        None if book && doc.meta.cover.is_none() => Some(Cover::Generated),
        None => None,
    };
    let parts = plan.map_or_else(Vec::new, |p| {
        p.parts
            .iter()
            .enumerate()
            .map(|(k, title)| {
                let members: Vec<usize> = (0..chapters.len())
                    .filter(|&c| chapters[c].part == Some(k))
                    .collect();
                let first = members.first().copied().unwrap_or(0);
                let last = members.last().map_or(first, |&l| l + 1);
                Part {
                    title: title.clone(),
                    id: reg.claim(&format!("part-{}", k + 1)),
                    file: format!("part-{}.xhtml", k + 1),
                    chapters: first..last,
                }
            })
            .collect()
    });
    let form = if book { Form::Book } else { Form::Article };
    let attribution = (form == Form::Article).then(|| attribution(&doc)).flatten();
    Book {
        form,
        theme: crate::theme::Theme::preset(match form {
            Form::Book => crate::theme::Preset::Book,
            Form::Article => crate::theme::Preset::Article,
        }),
        attribution,
        parts,
        cover,
        doc,
        assets,
        lang,
        words,
        title,
        dateline,
        chapters,
        notes,
        headings,
        targets,
        ids: reg,
    }
}

/// The closing attribution of an article, as the Vietnamese press writes
/// it: the last block is a one-line paragraph (at most 12 words) opening
/// with "Theo" ("according to"), "Nguồn" ("source") or "Source", or naming
/// the front matter's `source`. Its index in the top-level blocks.
pub fn attribution(doc: &Document) -> Option<usize> {
    let last = doc.blocks.len().checked_sub(1)?;
    let BlockKind::Paragraph(content) = &doc.blocks[last].kind else {
        return None;
    };
    let text = crate::doc::plain_text(content);
    let text = text.trim();
    let words = text.split_whitespace().count();
    if words == 0 || words > 12 || text.contains('\n') || last == 0 {
        return None;
    }
    let first = text.split_whitespace().next().unwrap_or("");
    let first = first.trim_end_matches(':').to_lowercase();
    let names_source = doc.meta.source.as_deref().is_some_and(|s| {
        !s.trim().is_empty() && text.to_lowercase().contains(&s.trim().to_lowercase())
    });
    (matches!(first.as_str(), "theo" | "nguồn" | "source") || names_source).then_some(last)
}

/// An article's chapters: the body split at its `#` headings when there
/// are two or more; else one chapter titled `title`.
fn split_chapters(doc: &Document, title: &str) -> Vec<Chapter> {
    let starts: Vec<usize> = doc
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, b)| matches!(b.kind, BlockKind::Heading { level: 1, .. }))
        .map(|(i, _)| i)
        .collect();
    let mut bounds = vec![0];
    if starts.len() >= 2 {
        bounds.extend(starts.iter().copied().filter(|&i| i > 0));
    }
    bounds.push(doc.blocks.len());
    let single = bounds.len() == 2;
    bounds
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let opening = doc.blocks.get(w[0]).and_then(|b| match &b.kind {
                BlockKind::Heading {
                    level: 1, content, ..
                } if !single && w[0] < w[1] => Some(fold(&plain_text(content))),
                _ => None,
            });
            let titled_by_heading = opening.as_ref().is_some_and(|t| !t.is_empty());
            Chapter {
                blocks: w[0]..w[1],
                title: opening
                    .filter(|t| !t.is_empty())
                    .unwrap_or(title.to_string()),
                titled_by_heading,
                file: format!("chapter-{:02}.xhtml", i + 1),
                part: None,
                depth: 0,
            }
        })
        .collect()
}

/// A book's chapters: one per chapter file, each opening with its `#`
/// heading (the project put one in where the file had none). `first_spans`
/// are the first bytes of each chapter's first block, which placement
/// keeps while it renumbers blocks.
fn book_chapters(
    doc: &Document,
    plan: &crate::project::Plan,
    first_spans: &[usize],
) -> Vec<Chapter> {
    let firsts: Vec<usize> = first_spans
        .iter()
        .map(|&at| doc.blocks.partition_point(|b| b.span.start < at))
        .collect();
    plan.chapters
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let end = firsts.get(i + 1).copied().unwrap_or(doc.blocks.len());
            Chapter {
                blocks: firsts[i]..end,
                title: c.title.clone(),
                titled_by_heading: true,
                file: format!("chapter-{:02}.xhtml", i + 1),
                part: c.part,
                depth: c.depth,
            }
        })
        .collect()
}

/// White space folded to single spaces, trimmed.
pub fn fold(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Claims the ids of the headings and anchors in `block` and its
/// descendants (headings at the top level are listed in `headings` when given).
fn claim_ids(
    block: &mut Block,
    reg: &mut ids::Registry,
    targets: &mut HashMap<String, usize>,
    github_used: &mut HashMap<String, usize>,
    chapter: usize,
    headings: Option<&mut Vec<Heading>>,
) {
    // A captioned table named `{#tbl:id}`.
    if let BlockKind::Table {
        caption: Some(Caption { id: Some(id), .. }),
        ..
    } = &mut block.kind
    {
        let written = id.clone();
        *id = reg.claim(&written);
        targets.insert(id.clone(), chapter);
    }
    match &mut block.kind {
        BlockKind::Heading {
            level, id, content, ..
        } => {
            let text = fold(&plain_text(content));
            let written = id.clone();
            *id = reg.claim(&written);
            targets.insert(id.clone(), chapter);
            // GitHub's slug of the text, numbered as GitHub numbers repeats.
            let gh = github_slug(&text);
            let n = github_used.entry(gh.clone()).or_insert(0);
            let alias = if *n == 0 {
                gh.clone()
            } else {
                format!("{gh}-{n}")
            };
            *n += 1;
            reg.alias(&alias, id);
            if let Some(list) = headings {
                list.push(Heading {
                    id: id.clone(),
                    text,
                    level: *level,
                    depth: 0,
                    chapter,
                    in_contents: false,
                });
            }
            claim_inline_anchors(content, reg, targets, chapter);
        }
        // An aligned container (`<div align="center">` around a README's
        // title) does not hide its headings from the navigation.
        BlockKind::Aligned { blocks, .. } => {
            let mut headings = headings;
            for b in blocks {
                claim_ids(
                    b,
                    reg,
                    targets,
                    github_used,
                    chapter,
                    headings.as_deref_mut(),
                );
            }
        }
        BlockKind::BlockQuote(blocks)
        | BlockKind::Callout { blocks, .. }
        | BlockKind::Details { blocks, .. } => {
            for b in blocks {
                claim_ids(b, reg, targets, github_used, chapter, None);
            }
            if let BlockKind::Details { summary, .. } = &mut block.kind {
                claim_inline_anchors(summary, reg, targets, chapter);
            }
        }
        BlockKind::List { items, .. } => {
            for item in items {
                for b in &mut item.blocks {
                    claim_ids(b, reg, targets, github_used, chapter, None);
                }
            }
        }
        _ => for_each_inlines_mut(block, &mut |inlines| {
            claim_inline_anchors(inlines, reg, targets, chapter)
        }),
    }
}

fn claim_inline_anchors(
    inlines: &mut [Inline],
    reg: &mut ids::Registry,
    targets: &mut HashMap<String, usize>,
    chapter: usize,
) {
    walk_inlines_mut(inlines, &mut |inl| {
        if let InlineKind::Anchor(name) = &mut inl.kind {
            let id = reg.claim(name);
            targets.insert(id.clone(), chapter);
            *name = id;
        }
    });
}

/// Depths and contents membership of the headings (see [`Heading::depth`]).
fn heading_tree(headings: &mut [Heading]) {
    let mut open: Vec<u8> = Vec::new();
    for h in headings.iter_mut() {
        while open.last().is_some_and(|&l| l >= h.level) {
            open.pop();
        }
        h.depth = open.len().min(5) as u8;
        open.push(h.level);
    }
    for h in headings.iter_mut() {
        h.in_contents = h.depth <= 1;
    }
}

/// Numbers the note references in `block`: each becomes a
/// [`InlineKind::NoteRef`]; a note's chapter is that of its first reference.
fn number_refs(
    block: &mut Block,
    number: &HashMap<String, usize>,
    notes: &mut [Note],
    ref_chapters: &mut [Vec<usize>],
    chapter: usize,
) {
    for_each_inlines_mut(block, &mut |inlines| {
        walk_inlines_mut(inlines, &mut |inl| {
            if let InlineKind::FootnoteRef(label) = &inl.kind {
                inl.kind = match number.get(label) {
                    Some(&n) => {
                        let note = &mut notes[n - 1];
                        if note.chapter == usize::MAX {
                            note.chapter = chapter;
                        }
                        // Named once every note is numbered.
                        ref_chapters[n - 1].push(chapter);
                        InlineKind::NoteRef {
                            number: n,
                            nth: ref_chapters[n - 1].len(),
                        }
                    }
                    None => InlineKind::Text(format!("[^{label}]")),
                };
            }
        })
    });
}

/// Numbers the captioned tables in `block` and its descendants, in
/// document order, after the `count` before them: "Bảng 1.", "Bảng 2." in
/// the whole document or book (Chicago 3.52 numbers tables through a text
/// that is not divided into numbered chapters).
fn number_tables(block: &mut Block, count: &mut usize) {
    match &mut block.kind {
        BlockKind::Table {
            caption: Some(c), ..
        } => {
            *count += 1;
            c.number = *count;
        }
        BlockKind::BlockQuote(blocks)
        | BlockKind::Aligned { blocks, .. }
        | BlockKind::Callout { blocks, .. }
        | BlockKind::Details { blocks, .. } => {
            for b in blocks {
                number_tables(b, count);
            }
        }
        BlockKind::List { items, .. } => {
            for b in items.iter_mut().flat_map(|i| i.blocks.iter_mut()) {
                number_tables(b, count);
            }
        }
        BlockKind::DefinitionList(defs) => {
            for b in defs.iter_mut().flat_map(|d| d.details.iter_mut()).flatten() {
                number_tables(b, count);
            }
        }
        _ => {}
    }
}

/// Calls `f` on the id of every anchor in `block`.
fn for_anchor_ids(block: &Block, f: &mut dyn FnMut(&str)) {
    crate::doc::walk_block_inlines(block, &mut |inl| {
        if let InlineKind::Anchor(id) = &inl.kind {
            f(id)
        }
    });
}

/// Calls `f` on every inline sequence of `block` and its descendants
/// (paragraphs, headings, table cells, captions, terms), in document order.
pub(crate) fn for_each_inlines_mut(block: &mut Block, f: &mut dyn FnMut(&mut Vec<Inline>)) {
    match &mut block.kind {
        BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => f(content),
        BlockKind::BlockQuote(blocks)
        | BlockKind::Aligned { blocks, .. }
        | BlockKind::Callout { blocks, .. } => {
            for b in blocks {
                for_each_inlines_mut(b, f);
            }
        }
        BlockKind::List { items, .. } => {
            for item in items {
                for b in &mut item.blocks {
                    for_each_inlines_mut(b, f);
                }
            }
        }
        kind @ BlockKind::Table { .. } => {
            for cell in kind.table_inlines_mut() {
                f(cell);
            }
        }
        BlockKind::Details { summary, blocks } => {
            f(summary);
            for b in blocks {
                for_each_inlines_mut(b, f);
            }
        }
        BlockKind::Figure { image, caption } => {
            let mut one = vec![std::mem::replace(
                image,
                Inline {
                    kind: InlineKind::Text(String::new()),
                    span: image.span,
                },
            )];
            f(&mut one);
            // A figure's image stays one inline (a link around it is its text).
            if let Some(first) = one.into_iter().next() {
                *image = first;
            }
            f(caption);
        }
        BlockKind::DefinitionList(defs) => {
            for def in defs {
                f(&mut def.term);
                for blocks in &mut def.details {
                    for b in blocks {
                        for_each_inlines_mut(b, f);
                    }
                }
            }
        }
        BlockKind::CodeBlock { .. } | BlockKind::Math(_) | BlockKind::ThematicBreak => {}
    }
}

/// Calls `f` on every inline of `inlines` and their descendants, parents
/// before children, in document order.
pub(crate) fn walk_inlines_mut(inlines: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for inl in inlines {
        f(inl);
        if let Some(children) = inl.kind.children_mut() {
            walk_inlines_mut(children, f);
        }
    }
}

impl Book {
    /// The chapter holding id `id` (0 when unknown).
    pub fn chapter_of(&self, id: &str) -> usize {
        self.targets.get(id).copied().unwrap_or(0)
    }

    /// The href of id `id` from a content document of chapter `from`:
    /// `#id` in the same file, `chapter-NN.xhtml#id` in another.
    pub fn href(&self, id: &str, from: usize) -> String {
        let to = self.chapter_of(id);
        if to == from {
            format!("#{id}")
        } else {
            format!("{}#{id}", self.chapters[to].file)
        }
    }

    /// The headings the printed contents list.
    pub fn contents(&self) -> impl Iterator<Item = &Heading> {
        self.headings.iter().filter(|h| h.in_contents)
    }

    /// The label of a captioned table, printed before its caption in both
    /// outputs: "Bảng 3." ("Table 3." in English).
    pub fn table_label(&self, caption: &Caption) -> String {
        format!("{} {}.", self.words.table, caption.number)
    }

    /// The dateline printed above the title.
    pub fn dateline(&self) -> Option<String> {
        self.dateline.clone()
    }

    /// The source line of the title block, labelled in the book's language
    /// (`Nguồn: Dangcongsan.vn`).
    pub fn source_line(&self) -> Option<String> {
        self.meta
            .source
            .as_ref()
            .map(|s| format!("{}: {s}", self.words.source))
    }

    /// The resolved model as text, one decision a line: what the
    /// expected-output fixtures pin.
    pub fn dump(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "title: {}", self.title);
        let _ = writeln!(s, "lang: {}", self.lang);
        let _ = writeln!(s, "words: contents {:?}", self.words.toc);
        let book = self.form == Form::Book;
        if book {
            let _ = writeln!(s, "form: book, cover {:?}", self.cover);
            for p in &self.parts {
                let _ = writeln!(
                    s,
                    "part {} #{} chapters {}..{} {:?}",
                    p.file,
                    p.id,
                    p.chapters.start + 1,
                    p.chapters.end,
                    p.title
                );
            }
        }
        for (i, c) in self.chapters.iter().enumerate() {
            let _ = writeln!(
                s,
                "chapter {} {} blocks {}..{} {:?}{}",
                i + 1,
                c.file,
                c.blocks.start,
                c.blocks.end,
                c.title,
                match (book, c.part) {
                    (true, Some(p)) => format!(" part {} depth {}", p + 1, c.depth),
                    (true, None) => format!(" depth {}", c.depth),
                    _ => String::new(),
                }
            );
        }
        for h in &self.headings {
            let _ = writeln!(
                s,
                "heading {}h{} depth {} #{} chapter {}{} {:?}",
                "  ".repeat(usize::from(h.depth)),
                h.level,
                h.depth,
                h.id,
                h.chapter + 1,
                if h.in_contents { " contents" } else { "" },
                h.text
            );
        }
        for (i, n) in self.notes.iter().enumerate() {
            let _ = writeln!(
                s,
                "note {} [^{}] #{} chapter {}{} refs {}",
                i + 1,
                n.label.replace('\u{1f}', ":"),
                n.id,
                n.chapter + 1,
                if book {
                    format!(" mark {}", n.mark)
                } else {
                    String::new()
                },
                n.ref_ids
                    .iter()
                    .map(|r| format!("#{r}"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
        }
        let mut links = Vec::new();
        let mut anchors = Vec::new();
        let mut collect = |b: &Block| {
            if let BlockKind::Table {
                caption: Some(c), ..
            } = &b.kind
            {
                anchors.push(format!(
                    "table {:?}{} {:?}",
                    self.table_label(c),
                    c.id.as_ref().map_or(String::new(), |id| format!(" #{id}")),
                    fold(&plain_text(&c.content))
                ));
            }
            crate::doc::walk_block_inlines(b, &mut |inl| match &inl.kind {
                InlineKind::Link { url, content, .. } => {
                    links.push(format!("link {:?} -> {url}", fold(&plain_text(content))))
                }
                InlineKind::Anchor(id) => anchors.push(format!("anchor #{id}")),
                _ => {}
            });
        };
        for b in &self.blocks {
            collect(b);
        }
        for n in &self.notes {
            for b in &self.footnotes[n.footnote].blocks {
                collect(b);
            }
        }
        for line in anchors.into_iter().chain(links) {
            s.push_str(&line);
            s.push('\n');
        }
        s
    }
}

#[cfg(test)]
mod tests;
