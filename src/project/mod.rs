//! Book projects: many chapter files → one [`Document`] and the plan of
//! its chapters and parts, which [`crate::resolve::resolve_book`] turns
//! into a [`crate::resolve::Book`] of [`Form::Book`].
//!
//! A project is a folder (or its `book.toml`). The chapter list comes from,
//! in order of precedence:
//! 1. `book.toml`: `[book] chapters = [...]` and `[[book.parts]]` tables
//!    (`title`, `chapters`; a part without a title holds chapters outside
//!    any part);
//! 2. `SUMMARY.md` in the source folder, read as mdBook reads it (mdBook
//!    guide, "SUMMARY.md"): prefix chapters (links before the first list),
//!    numbered chapters (list items; nesting = sub-chapters), part titles
//!    (`# Title` after the first heading), separators, suffix chapters
//!    (links after the lists); draft chapters (`- [Title]()`) are warned
//!    about and skipped;
//! 3. the source folder's `*.md` files in name order.
//!
//! `book.toml` is mdBook's: `[book]` `title`, `authors`, `description`,
//! `language`, `src` are read as mdBook reads them; trang's own book keys
//! (`subtitle`, `date`, `publisher`, `identifier`, `rights`, `series`,
//! `cover`, `keywords`…) stand beside them in `[book]`, and the build
//! options in a `[trang]` table, which mdBook ignores. Its errors point at
//! their line and column, as front-matter errors do.
//!
//! The chapter files are joined into one source ([`SourceFile::joined`]),
//! `book.toml` first, so every later diagnostic names the chapter file's own
//! line and column. Each chapter's front matter may set its `title`; other
//! keys are reported once for the whole book.
//!
//! [`Form::Book`]: crate::resolve::Form::Book

use std::path::{Path, PathBuf};

use crate::cli::{Paper, Sheet};
use crate::diag::{Diagnostic, Diagnostics, Location, SourceFile};
use crate::doc::{Block, BlockKind, Document, Inline, InlineKind, Meta, Span, shift_spans};

mod include;
mod manifest;
mod summary;

use include::expand_includes;
use manifest::read_manifest;
use summary::read_summary;

/// The project file.
pub const MANIFEST: &str = "book.toml";
/// mdBook's table of contents.
pub const SUMMARY: &str = "SUMMARY.md";

/// The build options a project may set (`[trang]` in `book.toml`); the
/// command line wins over each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    /// `paper = "a5"`.
    pub paper: Option<Paper>,
    /// `duplex = true` (a book's default).
    pub duplex: Option<bool>,
    /// `columns = 1` or `2`.
    pub columns: Option<u8>,
    /// `fonts = "folder"` (relative to `book.toml`'s folder).
    pub fonts: Option<PathBuf>,
    /// `output = "name"`: the outputs' file stem (default: the folder's name).
    pub output: Option<String>,
    /// `booklet = true`: also write the booklet.
    pub booklet: Option<bool>,
    /// `sheet = "a4"`: the booklet's sheet.
    pub sheet: Option<Sheet>,
    /// `signature = 8` (sheets per gathering) or `"all"`: the booklet's folds.
    pub signature: Option<crate::impose::Signature>,
    /// `creep = 0.5`: the booklet's creep compensation, in mm.
    pub creep: Option<f32>,
    /// `marks = true`: crop and fold marks on the booklet's sheets.
    pub marks: Option<bool>,
    /// `theme = "book"` or a TOML file (relative to `book.toml`'s folder).
    pub theme: Option<crate::theme::ThemeName>,
    /// `pdf_standard = "a-2u,ua-1"` (or a list): the standards the PDF
    /// conforms to.
    pub pdf_standard: Option<crate::pdf::Standards>,
}

/// One chapter file of the book, in reading order.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    /// The file, relative to the source folder as written (`./` and `..`
    /// folded, `/` separators).
    pub file: String,
    /// The title the chapter list gives it (SUMMARY.md's link text).
    pub title: Option<String>,
    /// Nesting under other chapters (SUMMARY.md sub-chapters), 0 = top.
    pub depth: u8,
    /// The part it is in (index into [`Project::parts`]).
    pub part: Option<usize>,
    /// Where the chapter list names it.
    pub listed_at: Option<Location>,
}

/// A book project, read but its chapters not yet parsed.
#[derive(Clone, Debug)]
pub struct Project {
    /// The project folder (holding `book.toml` if there is one).
    pub root: PathBuf,
    /// The folder chapter files, images and the cover are relative to.
    pub src: PathBuf,
    /// `book.toml`'s text, if there is one.
    pub manifest: Option<SourceFile>,
    /// The book's metadata (`[book]`).
    pub meta: Meta,
    /// Build options (`[trang]`).
    pub options: Options,
    /// The chapters in reading order.
    pub entries: Vec<Entry>,
    /// Part titles, in order.
    pub parts: Vec<String>,
    /// Where the chapter list comes from, for messages.
    pub listed_in: String,
}

/// A chapter of the joined [`Document`], for [`crate::resolve::resolve_book`].
#[derive(Clone, Debug, PartialEq)]
pub struct ChapterPlan {
    /// Index of its first top-level block (its `#` heading).
    pub first_block: usize,
    /// Byte offset of its file in the joined source.
    pub start: usize,
    /// Its file, relative to the source folder (`/` separators).
    pub file: String,
    /// Its title (front matter, first `#` heading, chapter list, file name).
    pub title: String,
    /// Its part.
    pub part: Option<usize>,
    /// Its nesting.
    pub depth: u8,
}

/// The joined document's chapters and parts.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Plan {
    /// The chapters, in order.
    pub chapters: Vec<ChapterPlan>,
    /// The parts' titles.
    pub parts: Vec<String>,
}

/// Whether `path` names a book project: a folder, or a `book.toml`.
pub fn is_project(path: &Path) -> bool {
    path.is_dir() || path.file_name().is_some_and(|n| n == MANIFEST)
}

/// Reads the project at `path` (a folder or its `book.toml`): the
/// manifest and the chapter list. `None` when an error was reported.
pub fn load(path: &Path, diags: &mut Diagnostics) -> Option<Project> {
    let root = if path.is_dir() {
        path.to_path_buf()
    } else {
        path.parent().map(Path::to_path_buf).unwrap_or_default()
    };
    let manifest_path = root.join(MANIFEST);
    let manifest = if manifest_path.is_file() {
        match crate::input::read_source(&manifest_path) {
            Ok(s) => Some(s),
            Err(e) => {
                diags.push(e);
                return None;
            }
        }
    } else {
        None
    };
    let mut project = Project {
        src: root.clone(),
        root,
        manifest: None,
        meta: Meta {
            toc: true,
            ..Meta::default()
        },
        options: Options::default(),
        entries: Vec::new(),
        parts: Vec::new(),
        listed_in: String::new(),
    };
    let mut listed = false;
    let mut src_given = false;
    if let Some(source) = &manifest {
        let errors = diags.items.iter().filter(|d| d.is_error()).count();
        (listed, src_given) = read_manifest(&mut project, source, diags);
        if diags.items.iter().filter(|d| d.is_error()).count() > errors {
            return None;
        }
    }
    if !src_given && project.root.join("src").is_dir() {
        project.src = project.root.join("src");
    }
    let manifest_exists = manifest.is_some();
    project.manifest = manifest;
    if !listed {
        let summary = project.src.join(SUMMARY);
        if summary.is_file() {
            let source = match crate::input::read_source(&summary) {
                Ok(s) => s,
                Err(e) => {
                    diags.push(e);
                    return None;
                }
            };
            read_summary(&mut project, &source, diags);
            project.listed_in = summary.display().to_string();
        } else {
            list_folder(&mut project, diags)?;
        }
    }
    if project.entries.is_empty() {
        diags.push(
            Diagnostic::error(format!("the book `{}` has no chapters", project.root.display()))
                .help("list chapter files in book.toml (`chapters = [\"chuong-1.md\"]` under `[book]`) or in src/SUMMARY.md, or put *.md files in the folder"),
        );
        return None;
    }
    // A file listed twice would be two chapters with one text.
    let mut seen = std::collections::HashSet::new();
    project.entries.retain(|e| {
        let first = seen.insert(e.file.clone());
        if !first {
            let d = Diagnostic::warning(format!(
                "chapter file `{}` is listed twice; the second listing is skipped",
                e.file
            ))
            .help("list each chapter file once");
            diags.push(match &e.listed_at {
                Some(at) => d.at_location(at.clone()),
                None => d,
            });
        }
        first
    });
    if project.meta.title.is_none() {
        let name = folder_name(&project.root);
        let place = if manifest_exists {
            project.root.join(MANIFEST)
        } else {
            project.root.clone()
        };
        diags.push(
            Diagnostic::warning(format!(
                "the book has no title; using the folder's name `{name}`"
            ))
            .in_file(place)
            .help("write `[book]` and `title = \"…\"` in book.toml"),
        );
        project.meta.title = Some(name);
    }
    Some(project)
}

/// The last component of `dir` (its absolute form for `.`).
fn folder_name(dir: &Path) -> String {
    let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    abs.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "book".into())
}

impl Project {
    /// The outputs' file stem: `[trang] output`, else the folder's name.
    pub fn stem(&self) -> String {
        self.options
            .output
            .clone()
            .unwrap_or_else(|| folder_name(&self.root))
    }

    /// Reads and parses every chapter file and joins them into one
    /// document (`book.toml` first in its source), with the plan of its
    /// chapters. `None` when a chapter file cannot be read.
    pub fn read(&self, diags: &mut Diagnostics) -> Option<(Document, Plan)> {
        let mut sources = Vec::with_capacity(self.entries.len() + 1);
        if let Some(m) = &self.manifest {
            sources.push(m.clone());
        }
        let skip = sources.len();
        let mut failed = false;
        for e in &self.entries {
            let path = self.src.join(&e.file);
            let markdown = Path::new(&e.file).extension().is_some_and(|x| {
                x.eq_ignore_ascii_case("md") || x.eq_ignore_ascii_case("markdown")
            });
            if !markdown {
                failed = true;
                let d = Diagnostic::error(format!(
                    "chapter `{}` listed in {} is not a Markdown file",
                    e.file, self.listed_in
                ))
                .help("list the chapters' `.md` files; images go inside chapters as `![text](file.png)`");
                diags.push(match &e.listed_at {
                    Some(at) => d.at_location(at.clone()),
                    None => d,
                });
                continue;
            }
            match crate::input::read_source(&path) {
                Ok(s) => sources.push(s),
                // Read, but not usable (not UTF-8): that file's own error.
                Err(d) if path.is_file() => {
                    failed = true;
                    diags.push(d);
                }
                Err(d) => {
                    failed = true;
                    let d = Diagnostic::error(format!(
                        "chapter file `{}` listed in {} cannot be read: {}",
                        e.file, self.listed_in, d.message
                    ))
                    .help("fix the path in the chapter list (it is relative to the source folder), or create the file");
                    diags.push(match &e.listed_at {
                        Some(at) => d.at_location(at.clone()),
                        None => d,
                    });
                }
            }
        }
        if failed {
            return None;
        }
        let (joined, starts) = SourceFile::joined(&self.src, &sources);
        // Each chapter parsed on its own (its front matter, its notes).
        let chapters = parse_all(sources.split_off(skip), diags);
        let mut doc = Document {
            meta: self.meta.clone(),
            blocks: Vec::new(),
            footnotes: Vec::new(),
            source: joined,
        };
        let mut plan = Plan {
            chapters: Vec::new(),
            parts: self.parts.clone(),
        };
        let mut ignored: Vec<(String, Location)> = Vec::new();
        for (k, (entry, mut chapter)) in self.entries.iter().zip(chapters).enumerate() {
            let start = starts[k + skip];
            let dir = parent_of(&entry.file);
            // The chapter's own `#` heading opens it; without one (or when
            // its front matter titles it otherwise), its title does.
            let opening = match chapter.blocks.first().map(|b| &b.kind) {
                Some(BlockKind::Heading {
                    level: 1, content, ..
                }) => Some(crate::resolve::fold(&crate::doc::plain_text(content))),
                _ => None,
            };
            let title = chapter
                .meta
                .title
                .clone()
                .or(opening.clone().filter(|t| !t.is_empty()))
                .or(entry.title.clone())
                .unwrap_or_else(|| file_stem(&entry.file));
            // The front matter's title wins: a different first heading
            // stays, under it, as the article's would.
            if opening.as_deref() != Some(title.as_str()) {
                chapter.blocks.insert(
                    0,
                    Block {
                        kind: BlockKind::Heading {
                            level: 1,
                            id: crate::resolve::slug(&title),
                            classes: Vec::new(),
                            content: vec![Inline {
                                kind: InlineKind::Text(title.clone()),
                                span: Span::default(),
                            }],
                        },
                        span: Span::default(),
                    },
                );
            }
            // mdBook's `{{#include}}` in code blocks, from the chapter's folder.
            let folder = self.src.join(&dir);
            expand_includes(&mut chapter.blocks, &folder, &chapter.source, diags);
            if let Some(key) = foreign_key(&chapter.meta) {
                let at = chapter.source.location(0);
                ignored.push((key.to_string(), at));
            }
            // Spans into the joined source; notes named per chapter (`[^1]`
            // in two chapters are two notes); images relative to the chapter.
            shift_spans(&mut chapter.blocks, start);
            let prefix = format!("{k}\u{1f}");
            let defined: std::collections::HashSet<String> =
                chapter.footnotes.iter().map(|f| f.label.clone()).collect();
            for b in &mut chapter.blocks {
                scope_block(b, &prefix, &defined, &dir);
            }
            for f in &mut chapter.footnotes {
                f.span = f.span.shifted(start);
                f.label = format!("{prefix}{}", f.label);
                shift_spans(&mut f.blocks, start);
                for b in &mut f.blocks {
                    scope_block(b, &prefix, &defined, &dir);
                }
            }
            plan.chapters.push(ChapterPlan {
                first_block: doc.blocks.len(),
                start,
                file: entry.file.clone(),
                title,
                part: entry.part,
                depth: entry.depth,
            });
            doc.blocks.append(&mut chapter.blocks);
            doc.footnotes.append(&mut chapter.footnotes);
        }
        for (key, at) in ignored {
            diags.push(
                Diagnostic::warning(format!(
                    "chapter front matter sets `{key}`, which only the book sets; ignored"
                ))
                .at_location(at)
                .repeats(
                    "chapter-front-matter",
                    "chapter front matter sets book-level keys; ignored (a chapter's front matter may set only its `title`)",
                    format!("`{key}`"),
                )
                .help("put book-level metadata in book.toml under [book]"),
            );
        }
        Some((doc, plan))
    }
}

/// Parses the chapter sources, on two threads when there are many.
fn parse_all(sources: Vec<SourceFile>, diags: &mut Diagnostics) -> Vec<Document> {
    let parallel = sources.len() >= 8 && crate::cores() > 1;
    if !parallel {
        return sources
            .into_iter()
            .map(|s| crate::markdown::parse_chapter(s, diags))
            .collect();
    }
    let mut first = sources;
    let second = first.split_off(first.len() / 2);
    let (mut a, b) = std::thread::scope(|scope| {
        let worker = scope.spawn(move || {
            let mut d = Diagnostics::default();
            let docs: Vec<Document> = second
                .into_iter()
                .map(|s| crate::markdown::parse_chapter(s, &mut d))
                .collect();
            (docs, d)
        });
        let docs: Vec<Document> = first
            .into_iter()
            .map(|s| crate::markdown::parse_chapter(s, diags))
            .collect();
        let b = worker
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (docs, b)
    });
    for d in b.1.items {
        diags.push(d);
    }
    a.extend(b.0);
    a
}

/// The first front-matter key of a chapter other than `title`, if any.
fn foreign_key(meta: &Meta) -> Option<&str> {
    meta.keys.iter().map(String::as_str).find(|&k| k != "title")
}

/// Scopes a chapter's note labels to it (`[^1]` of chapter 3 is not
/// chapter 4's; a reference to no note of the chapter becomes its text, as
/// in a single file) and makes its local image paths relative to the
/// source folder.
fn scope_block(
    block: &mut Block,
    prefix: &str,
    defined: &std::collections::HashSet<String>,
    dir: &str,
) {
    crate::resolve::for_each_inlines_mut(block, &mut |inlines| {
        crate::resolve::walk_inlines_mut(inlines, &mut |inl| match &mut inl.kind {
            InlineKind::FootnoteRef(label) => {
                inl.kind = if defined.contains(label.as_str()) {
                    InlineKind::FootnoteRef(format!("{prefix}{label}"))
                } else {
                    InlineKind::Text(format!("[^{label}]"))
                };
            }
            InlineKind::Image { src, .. } if !dir.is_empty() && is_local(src) => {
                *src = normalise(&format!("{dir}/{src}"));
            }
            _ => {}
        })
    });
}

/// Whether a path or URL names a local file by a relative path.
fn is_local(src: &str) -> bool {
    !(src.is_empty()
        || src.starts_with('/')
        || src.starts_with('#')
        || crate::input::is_remote(src)
        || src.to_ascii_lowercase().starts_with("data:")
        || src.contains("://")
        || src
            .split_once(':')
            .is_some_and(|(scheme, _)| !scheme.contains('/') && scheme.len() > 1))
}

/// `a/./b/../c` → `a/c`, with `/` separators; a `..` above the start is kept.
pub fn normalise(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for part in path.split(['/', '\\']) {
        match part {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            p => out.push(p),
        }
    }
    out.join("/")
}

/// The folder of a `/`-separated relative path (`""` at the top).
pub fn parent_of(file: &str) -> String {
    file.rsplit_once('/')
        .map(|(d, _)| d.to_string())
        .unwrap_or_default()
}

fn file_stem(file: &str) -> String {
    Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| file.to_string())
}

/// Without a chapter list: the source folder's `*.md` files in name order
/// (`SUMMARY.md` excepted). `None` when the folder cannot be read.
fn list_folder(project: &mut Project, diags: &mut Diagnostics) -> Option<()> {
    let entries = match std::fs::read_dir(&project.src) {
        Ok(e) => e,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!(
                    "cannot read the book folder `{}`: {e}",
                    project.src.display()
                ))
                .help("check the path and its permissions"),
            );
            return None;
        }
    };
    let mut files: Vec<String> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md") && n != SUMMARY)
        .collect();
    files.sort();
    project.listed_in = format!("the folder `{}`", project.src.display());
    project.entries = files
        .into_iter()
        .map(|file| Entry {
            file,
            title: None,
            depth: 0,
            part: None,
            listed_at: None,
        })
        .collect();
    Some(())
}

/// Whether a relative link target (`other.md`, `./a/b.md#x`, mdBook's
/// `other.html`) names chapter `file` when written in chapter `from`:
/// returns the target's file (relative to the source folder) for lookup.
pub fn link_file(from: &str, target: &str) -> String {
    let dir = parent_of(from);
    let joined = if dir.is_empty() {
        target.to_string()
    } else {
        format!("{dir}/{target}")
    };
    normalise(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_fold_dots() {
        assert_eq!(normalise("./a/../b/c.md"), "b/c.md");
        assert_eq!(normalise("../x.md"), "../x.md");
        assert_eq!(link_file("phan-1/a.md", "../phan-2/b.md"), "phan-2/b.md");
        assert_eq!(link_file("a.md", "b.md"), "b.md");
        assert!(is_local("anh/a.png"));
        assert!(!is_local("https://x/a.png"));
        assert!(!is_local("/a.png"));
        assert!(!is_local("data:image/png;base64,xx"));
    }
}
