//! Expected-output fixtures (issue 13, item 5), pinned the way mdBook's
//! test suite pins its output, and the same-content check across corpora.
//!
//! **Views.** Every fixture (`tests/fixtures/*.md`, `source/article.md`,
//! `tests/fixtures/cases/*.md`) is built in memory (EPUB and A5 PDF, dated
//! [`common::EPOCH`]) and turned into readable text views, one file per view
//! in `tests/expected/<fixture>/` (see [`VIEWS`]). The test fails on any
//! difference, with an excerpt; `TRANG_BLESS=1 cargo test --release --test
//! expected` rewrites the files, and reviewing their diff is how a change of
//! output is accepted.
//!
//! **Same content.** For every fixture and every CommonMark spec example,
//! the PDF's text (poppler's words, running heads and folios left out,
//! footnotes apart) must equal the EPUB's (content documents in spine
//! order, footnotes apart), white space folded away. Documents that differ
//! today are listed with the reason in `tests/expected/same-content-known.txt`;
//! the list can only shrink.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use common::{
    Rendered, Squashed, bbox_words, bundled_fonts, commonmark_examples, epub_files, epub_text,
    epub_text_of, first_difference, fix_images, pdf_text, pdftotext, render_doc, render_file, root,
    spine, table_headers,
};
use trang::doc::BlockKind;
use trang::fonts::FontSet;
use trang::frame::Item;
use trang::resolve::Form;

const BLESS_HINT: &str = "TRANG_BLESS=1 cargo test --release --test expected";

/// One fixture built, or the error it stops with.
struct Built {
    /// `fixtures/mixed`, `source/article`, `cases/raw-html-poem`, `commonmark/042`.
    name: String,
    /// The outputs, or the rendered errors.
    result: Result<Output, String>,
}

/// A document's outputs and what poppler reads from its PDF.
struct Output {
    rendered: Rendered,
    /// `pdftotext -bbox`: words with their boxes.
    words: Vec<common::Word>,
}

/// Makes one view of a built fixture.
type View = fn(&Output) -> String;

/// The views of a built fixture: each one's file name in `tests/expected/<fixture>/`
/// and how it is made. Add a view here and bless to pin it.
const VIEWS: &[(&str, View)] = &[
    ("model.txt", model_view),
    ("epub.txt", epub_view),
    ("pdf.txt", pdf_view),
];

/// The resolved document model (`trang::resolve::Book::dump`): chapters,
/// headings with their depth and ids, notes with their references, anchors
/// and links with their resolved targets — every decision both writers read.
fn model_view(out: &Output) -> String {
    out.rendered.doc.dump()
}

/// The fixtures with expected views: (name, Markdown file). The name is
/// the folder under `tests/expected/`.
fn fixture_files() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let md_in = |dir: &Path| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.extension().is_some_and(|x| x == "md")
                    && p.file_name().is_some_and(|n| n != "README.md")
            })
            .collect();
        files.sort();
        files
    };
    let stem = |p: &Path| p.file_stem().unwrap().to_string_lossy().into_owned();
    for p in md_in(&root().join("tests/fixtures")) {
        out.push((format!("fixtures/{}", stem(&p)), p));
    }
    out.push(("source/article".into(), root().join("source/article.md")));
    for p in md_in(&root().join("tests/fixtures/cases")) {
        out.push((format!("cases/{}", stem(&p)), p));
    }
    // Book projects (issue 15): the chapter list in book.toml, and the
    // same chapter files listed by mdBook's SUMMARY.md.
    for book in ["book", "book-summary"] {
        out.push((
            format!("books/{book}"),
            root().join("tests/fixtures").join(book),
        ));
    }
    out
}

/// Runs `f` on every item on all cores (two on the development machine),
/// keeping the order.
fn par_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let next = AtomicUsize::new(0);
    let mut results: Vec<(usize, R)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

fn fonts() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(bundled_fonts)
}

/// Reads a rendered document's PDF with poppler, once.
fn output(rendered: Rendered) -> Output {
    let words = bbox_words(&pdftotext(&rendered.pdf, &["-bbox", "-enc", "UTF-8"]));
    Output { rendered, words }
}

/// Every fixture built once, shared by both tests of this file.
fn fixtures() -> &'static [Built] {
    static BUILT: OnceLock<Vec<Built>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let started = Instant::now();
        let files = fixture_files();
        let built = par_map(&files, |(name, path)| Built {
            name: name.clone(),
            result: render_file(path, fonts()).map(output),
        });
        eprintln!(
            "built {} fixtures (EPUB, PDF, poppler) in {:.2?}",
            built.len(),
            started.elapsed()
        );
        built
    })
}

// ---------------------------------------------------------------------------
// The EPUB view
// ---------------------------------------------------------------------------

/// The text of each EPUB content document in spine order, then the
/// navigation document, one section per file headed by its name. One line
/// per block, with a prefix saying what it is: `h1`…`h6` (with ` {#id}`),
/// `p`, `li` (indented by depth, with its number in a numbered `ol`), `th |`/`td |`
/// (a table row, cells between bars), `code` (one per line of a code block),
/// `hr`, `figure`, `caption`, `dt`, `dd`, `summary`, `div`; `> ` before
/// lines in a block quote, `note ` before lines in a footnote. Inline:
/// `*em*`, `**strong**`, `` `code` ``, `~~del~~`, `^{sup}`, `_{sub}`,
/// `[text](href)`, note references as `[^N](href)`, images as
/// `![alt](src)`, anchors without a link as `{#id}`, line breaks as ` ↵ `.
fn epub_view(out: &Output) -> String {
    let files = epub_files(&out.rendered.epub);
    let opf = &files["OEBPS/content.opf"];
    let mut docs: Vec<(String, bool)> = spine(opf);
    let nav_href = opf
        .split("<item ")
        .skip(1)
        .find(|i| common::attr(i, "properties").is_some_and(|p| p.contains("nav")))
        .and_then(|i| common::attr(i, "href"));
    if let Some(nav) = nav_href
        && !docs.iter().any(|(h, _)| *h == nav)
    {
        docs.push((nav, true));
    }
    let mut view = String::new();
    for (href, nav) in docs {
        let xhtml = &files[&format!("OEBPS/{href}")];
        let start = xhtml.find("<body").unwrap();
        let end = xhtml.rfind("</body>").unwrap();
        view.push_str(&format!(
            "=== {href}{} ===\n",
            if nav { " (navigation)" } else { "" }
        ));
        for line in XhtmlView::lines(&xhtml[start..end]) {
            view.push_str(&line);
            view.push('\n');
        }
    }
    view
}

/// The state of [`epub_view`] reading one XHTML body.
#[derive(Default)]
struct XhtmlView {
    lines: Vec<String>,
    /// The block line being gathered: (prefix, text).
    cur: Option<(String, String)>,
    /// Open containers and the prefix each adds to its lines.
    containers: Vec<(String, String)>,
    /// Open lists: the next number of an `ol`, `None` for a `ul`.
    lists: Vec<Option<u64>>,
    /// Inside `<pre>`: its raw text.
    pre: Option<String>,
    /// Closing marks of open inline elements, innermost last.
    inline_close: Vec<String>,
}

impl XhtmlView {
    fn lines(body: &str) -> Vec<String> {
        let mut v = XhtmlView::default();
        let mut rest = body;
        while let Some(lt) = rest.find('<') {
            v.text(&rest[..lt]);
            let gt = lt + rest[lt..].find('>').unwrap();
            let tag = &rest[lt + 1..gt];
            rest = &rest[gt + 1..];
            if !tag.starts_with('!') && !tag.starts_with('?') {
                v.tag(tag);
            }
        }
        v.text(rest);
        v.flush();
        v.lines
    }

    fn prefix(&self) -> String {
        self.containers.iter().map(|(_, p)| p.as_str()).collect()
    }

    fn flush(&mut self) {
        if let Some((prefix, text)) = self.cur.take() {
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            let line = format!("{prefix}{text}");
            if !text.is_empty() || !prefix.trim().is_empty() {
                self.lines.push(line.trim_end().to_string());
            }
        }
    }

    /// Starts a block line with `kind` (`p`, `h2 …`) as its prefix.
    fn start(&mut self, kind: &str) {
        self.flush();
        self.cur = Some((format!("{}{kind} ", self.prefix()), String::new()));
    }

    /// Appends inline text to the current line, starting one for text
    /// directly in a container.
    fn push(&mut self, s: &str) {
        if let Some(pre) = &mut self.pre {
            pre.push_str(s);
            return;
        }
        if self.cur.is_none() {
            if s.trim().is_empty() {
                return;
            }
            let kind = self.containers.last().map_or("text", |(n, _)| n.as_str());
            let kind = if kind == "blockquote" || kind == "aside" {
                "text"
            } else {
                kind
            }
            .to_string();
            self.start(&kind);
        }
        self.cur.as_mut().unwrap().1.push_str(s);
    }

    fn text(&mut self, raw: &str) {
        if raw.is_empty() {
            return;
        }
        let s = common::decode_entities(raw);
        if self.pre.is_some() {
            self.push(&s);
        } else if self.cur.is_some() || !s.trim().is_empty() {
            self.push(&s.replace('\n', " "));
        }
    }

    fn tag(&mut self, tag: &str) {
        let closing = tag.starts_with('/');
        let self_closing = tag.ends_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let full = format!("{tag}>");
        let a = |key: &str| common::attr(&full, key);
        if self.pre.is_some() && name != "pre" {
            return; // highlighting spans and `<code>` inside a code block
        }
        match (name.as_str(), closing) {
            ("pre", false) => {
                self.flush();
                self.pre = Some(String::new());
            }
            ("pre", true) => {
                let code = self.pre.take().unwrap_or_default();
                let prefix = self.prefix();
                for l in code.strip_suffix('\n').unwrap_or(&code).split('\n') {
                    self.lines
                        .push(format!("{prefix}code {l}").trim_end().to_string());
                }
            }
            ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" | "dd" | "summary", false) => {
                // A first paragraph of a list item continues the item's line.
                let continues = name == "p"
                    && self
                        .cur
                        .as_ref()
                        .is_some_and(|(p, t)| t.trim().is_empty() && p.contains("li"));
                if !continues {
                    let mut kind = name.clone();
                    if let Some(class) = a("class")
                        && name == "p"
                    {
                        kind = format!("p.{class}");
                    }
                    self.start(&kind);
                }
                if name.starts_with('h')
                    && let Some(id) = a("id")
                {
                    self.inline_close.push(format!(" {{#{id}}}"));
                } else {
                    self.inline_close.push(String::new());
                }
            }
            ("p" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "dt" | "dd" | "summary", true) => {
                let close = self.inline_close.pop().unwrap_or_default();
                self.push(&close);
                self.flush();
            }
            ("figcaption", false) => self.start("caption"),
            ("figcaption" | "tr", true) => self.flush(),
            ("tr", false) => {
                self.flush();
                self.cur = Some((self.prefix(), String::new()));
            }
            ("th" | "td", false) => {
                if let Some((prefix, text)) = &mut self.cur
                    && text.is_empty()
                {
                    prefix.push_str(&name);
                    prefix.push(' ');
                    text.push('|');
                }
                self.push(" ");
            }
            ("th" | "td", true) => self.push(" |"),
            ("ul" | "ol", false) => {
                self.flush();
                // Numbers as the stylesheet shows them: none in the
                // navigation document and on the contents page.
                let numbered = name == "ol"
                    && a("class").is_none_or(|c| c != "contents")
                    && !self.containers.iter().any(|(n, _)| n == "nav");
                self.lists
                    .push(numbered.then(|| a("start").and_then(|s| s.parse().ok()).unwrap_or(1)));
            }
            ("ul" | "ol", true) => {
                self.flush();
                self.lists.pop();
            }
            ("li", false) => {
                self.flush();
                let marker = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!(" {}.", *n - 1)
                    }
                    _ => String::new(),
                };
                // Lines inside the item (nested lists, later paragraphs)
                // are indented under it.
                self.cur = Some((format!("{}li{marker} ", self.prefix()), String::new()));
                self.containers.push(("li".into(), "  ".into()));
            }
            ("li", true) => {
                self.flush();
                self.containers.pop();
            }
            (
                "blockquote" | "aside" | "div" | "section" | "figure" | "details" | "nav"
                | "header" | "footer" | "table" | "thead" | "tbody" | "dl",
                false,
            ) => {
                self.flush();
                let prefix = match name.as_str() {
                    "blockquote" => "> ".to_string(),
                    "aside" => {
                        self.lines.push(format!(
                            "{}note{}",
                            self.prefix(),
                            a("id").map_or(String::new(), |id| format!(" {{#{id}}}"))
                        ));
                        "note ".to_string()
                    }
                    _ => String::new(),
                };
                self.containers.push((name.clone(), prefix));
            }
            (
                "blockquote" | "aside" | "div" | "section" | "figure" | "details" | "nav"
                | "header" | "footer" | "table" | "thead" | "tbody" | "dl",
                true,
            ) => {
                self.flush();
                self.containers.pop();
            }
            ("hr", _) => {
                self.start("hr");
                self.flush();
            }
            ("br", _) => self.push(" ↵ "),
            ("img", _) => {
                let md = format!(
                    "![{}]({})",
                    a("alt").unwrap_or_default(),
                    a("src").unwrap_or_default()
                );
                self.push(&md);
            }
            ("a", false) => {
                let noteref = tag.contains("noteref");
                match a("href") {
                    Some(href) => {
                        self.push(if noteref { "[^" } else { "[" });
                        self.inline_close.push(format!("]({href})"));
                    }
                    None => {
                        if let Some(id) = a("id").or_else(|| a("name")) {
                            self.push(&format!("{{#{id}}}"));
                        }
                        self.inline_close.push(String::new());
                    }
                }
                if self_closing {
                    let close = self.inline_close.pop().unwrap_or_default();
                    self.push(&close);
                }
            }
            ("em" | "i" | "strong" | "b" | "code" | "kbd" | "del" | "s" | "sup" | "sub", false) => {
                let (open, close) = match name.as_str() {
                    "em" | "i" => ("*", "*"),
                    "strong" | "b" => ("**", "**"),
                    "code" | "kbd" => ("`", "`"),
                    "del" | "s" => ("~~", "~~"),
                    "sup" => ("^{", "}"),
                    _ => ("_{", "}"),
                };
                self.push(open);
                self.inline_close.push(close.to_string());
            }
            (
                "a" | "em" | "i" | "strong" | "b" | "code" | "kbd" | "del" | "s" | "sup" | "sub",
                true,
            ) => {
                let close = self.inline_close.pop().unwrap_or_default();
                self.push(&close);
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// The PDF view
// ---------------------------------------------------------------------------

/// The text of each PDF page as it stands on the page, one section per
/// page headed `--- page N ---`: poppler's words (`pdftotext -bbox`) set in
/// lines from top to bottom, each line's words from left to right, so that
/// running heads, list markers, raised note numbers and folios are where a
/// reader sees them. A word joins a line when its vertical middle lies
/// within the box of the line's first word; words are joined by one space
/// whatever the gap.
fn pdf_view(out: &Output) -> String {
    let mut view = String::new();
    for page in 0..out.rendered.layout.pages.len() {
        view.push_str(&format!("--- page {} ---\n", page + 1));
        let mut words: Vec<&common::Word> = out.words.iter().filter(|w| w.page == page).collect();
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0).then(a.x0.total_cmp(&b.x0)));
        let mut lines: Vec<(f32, f32, Vec<&common::Word>)> = Vec::new();
        for w in words {
            let mid = (w.y0 + w.y1) / 2.0;
            match lines
                .iter_mut()
                .find(|(y0, y1, _)| *y0 <= mid && mid <= *y1)
            {
                Some(line) => line.2.push(w),
                None => lines.push((w.y0, w.y1, vec![w])),
            }
        }
        for (_, _, mut line) in lines {
            line.sort_by(|a, b| a.x0.total_cmp(&b.x0));
            let text: Vec<&str> = line.iter().map(|w| w.text.as_str()).collect();
            view.push_str(&text.join(" "));
            view.push('\n');
        }
    }
    view
}

// ---------------------------------------------------------------------------
// Comparing and blessing
// ---------------------------------------------------------------------------

/// A unified-diff-like excerpt of where `got` departs from `want`: the
/// first changed region, with 3 lines of context before and after, at most
/// 20 lines of each side.
fn diff_excerpt(want: &str, got: &str) -> String {
    let a: Vec<&str> = want.lines().collect();
    let b: Vec<&str> = got.lines().collect();
    let head = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_end, b_end) = (a.len() - tail, b.len() - tail);
    let from = head.saturating_sub(3);
    let mut out = format!(
        "@@ -{},{} +{},{} @@\n",
        from + 1,
        a_end - from,
        from + 1,
        b_end - from
    );
    for l in &a[from..head] {
        out.push_str(&format!(" {l}\n"));
    }
    for (sign, lines) in [('-', &a[head..a_end]), ('+', &b[head..b_end])] {
        for l in lines.iter().take(20) {
            out.push_str(&format!("{sign}{l}\n"));
        }
        if lines.len() > 20 {
            out.push_str(&format!("{sign}… ({} more lines)\n", lines.len() - 20));
        }
    }
    for l in a.iter().skip(a_end).take(3) {
        out.push_str(&format!(" {l}\n"));
    }
    out
}

fn blessing() -> bool {
    std::env::var_os("TRANG_BLESS").is_some_and(|v| v == "1")
}

fn expected_dir() -> PathBuf {
    root().join("tests/expected")
}

#[test]
fn every_fixture_gives_its_expected_views() {
    let bless = blessing();
    let mut failures = Vec::new();
    let mut checked = 0;
    for built in fixtures() {
        let dir = expected_dir().join(&built.name);
        for (file, view) in VIEWS {
            let got = match &built.result {
                Ok(out) => view(out),
                Err(e) => format!("does not build:\n{e}\n"),
            };
            let path = dir.join(file);
            checked += 1;
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&path, &got).unwrap();
                continue;
            }
            let want = std::fs::read_to_string(&path).unwrap_or_default();
            if want != got {
                failures.push(format!(
                    "{} differs from the output{}:\n{}",
                    path.strip_prefix(root()).unwrap().display(),
                    if want.is_empty() { " (missing)" } else { "" },
                    diff_excerpt(&want, &got)
                ));
            }
        }
    }
    // Expected folders of fixtures that no longer exist.
    let names: Vec<&str> = fixtures().iter().map(|b| b.name.as_str()).collect();
    for group in ["fixtures", "source", "cases"] {
        let Ok(entries) = std::fs::read_dir(expected_dir().join(group)) else {
            continue;
        };
        for e in entries {
            let name = format!("{group}/{}", e.unwrap().file_name().to_string_lossy());
            if !names.contains(&name.as_str()) {
                if bless {
                    std::fs::remove_dir_all(expected_dir().join(&name)).unwrap();
                } else {
                    failures.push(format!(
                        "tests/expected/{name} belongs to no fixture (remove it, or bless)"
                    ));
                }
            }
        }
    }
    eprintln!(
        "{} fixtures, {checked} views {}",
        fixtures().len(),
        if bless { "written" } else { "compared" }
    );
    assert!(
        failures.is_empty(),
        "{} of {checked} views differ from tests/expected; review the change, and if it is right run\n  {BLESS_HINT}\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

// ---------------------------------------------------------------------------
// The same content in both outputs
// ---------------------------------------------------------------------------

/// The known-differences list: document name → the reason seen.
fn known_list() -> BTreeMap<String, String> {
    let path = expected_dir().join("same-content-known.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| match l.split_once(char::is_whitespace) {
            Some((name, reason)) => (name.to_string(), reason.trim().to_string()),
            None => (l.to_string(), String::new()),
        })
        .collect()
}

/// How a document's PDF text departs from its EPUB text, if it does.
fn compare(out: &Output) -> Option<String> {
    let r = &out.rendered;
    // A book's front matter is set for each medium (a cover, half-title and
    // copyright page in print; the reader's own cover and title screens):
    // the body is compared, from the first part or chapter on.
    let (pdf_body, pdf_notes, (epub_body, epub_notes)) = if r.doc.form == Form::Book {
        let first = r.doc.parts.first().map(|p| p.id.clone());
        let opening = |id: &str| {
            r.layout.pages.iter().position(|p| {
                p.items
                    .iter()
                    .any(|it| matches!(&it.item, Item::Anchor(a) if a == id))
            })
        };
        let chapter = match &r.doc.blocks[r.doc.chapters[0].blocks.start].kind {
            BlockKind::Heading { id, .. } => opening(id),
            _ => None,
        };
        let from = first
            .and_then(|id| opening(&id))
            .into_iter()
            .chain(chapter)
            .min()
            .unwrap_or(0);
        let words: Vec<common::Word> = out
            .words
            .iter()
            .filter(|w| w.page >= from)
            .cloned()
            .collect();
        let (b, n) = pdf_text(&words, &r.layout, &r.setup);
        (
            b,
            n,
            epub_text_of(&r.epub, |href| {
                href.starts_with("chapter-") || href.starts_with("part-")
            }),
        )
    } else {
        let (b, n) = pdf_text(&out.words, &r.layout, &r.setup);
        (b, n, epub_text(&r.epub))
    };
    let mut pdf_body = Squashed::new(&pdf_body);
    pdf_body.drop_repeats(&table_headers(&r.doc.blocks));
    let mut found = Vec::new();
    for (what, pdf, epub) in [
        ("body", pdf_body, Squashed::new(&epub_body)),
        (
            "notes",
            Squashed::new(&pdf_notes),
            Squashed::new(&epub_notes),
        ),
    ] {
        if let Some((p, e)) = first_difference(&pdf, &epub) {
            found.push(format!("  {what}:\n     PDF: …{p}…\n    EPUB: …{e}…"));
        }
    }
    (!found.is_empty()).then(|| found.join("\n"))
}

#[test]
fn the_pdf_and_the_epub_hold_the_same_content() {
    let started = Instant::now();
    let image = root()
        .join("tests/fixtures/images/ruong.png")
        .to_string_lossy()
        .into_owned();
    let examples = commonmark_examples();
    assert_eq!(examples.len(), 655, "the spec's examples");
    let spec = par_map(&examples, |(n, md)| {
        let path = root().join(format!("tests/fixtures/example-{n:03}.md"));
        let mut diags = trang::diag::Diagnostics::default();
        let mut doc =
            trang::markdown::parse(trang::diag::SourceFile::new(&path, md.as_str()), &mut diags);
        fix_images(&mut doc.blocks, &image);
        let doc = common::resolve_fixed(doc, &mut diags);
        let result = render_doc(doc, fonts()).map(|r| compare(&output(r)));
        (format!("commonmark/{n:03}"), result)
    });
    let mut results: Vec<(String, Result<Option<String>, String>)> = fixtures()
        .iter()
        .map(|b| {
            (
                b.name.clone(),
                b.result.as_ref().map(compare).map_err(Clone::clone),
            )
        })
        .collect();
    results.extend(spec);

    let known = known_list();
    let mut per_corpus: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut differ, mut fixed, mut new) = (Vec::new(), Vec::new(), Vec::new());
    for (name, result) in &results {
        let corpus = name.split('/').next().unwrap();
        let diff = match result {
            Ok(d) => d.clone(),
            Err(e) => Some(format!("  does not build: {e}")),
        };
        let counts = per_corpus.entry(corpus).or_default();
        counts.1 += 1;
        match (diff, known.get(name)) {
            (None, None) => counts.0 += 1,
            (None, Some(_)) => {
                counts.0 += 1;
                fixed.push(format!(
                    "{name} now has the same content in both: remove {name} from the known list"
                ));
            }
            (Some(d), known_reason) => {
                differ.push(format!(
                    "{name}{}\n{d}",
                    known_reason.map_or(" (NEW)".to_string(), |r| format!(" (known: {r})"))
                ));
                if known_reason.is_none() {
                    new.push(name.clone());
                }
            }
        }
    }
    let names: Vec<&String> = results.iter().map(|(n, _)| n).collect();
    let stale: Vec<&String> = known.keys().filter(|k| !names.contains(k)).collect();
    let same: usize = per_corpus.values().map(|c| c.0).sum();
    eprintln!(
        "same content: {same} of {} documents; {} differ ({:.2?})",
        results.len(),
        results.len() - same,
        started.elapsed()
    );
    for (corpus, (s, n)) in &per_corpus {
        eprintln!("  {corpus}: {s} of {n}");
    }
    for d in &differ {
        eprintln!("{d}");
    }
    let mut problems = fixed;
    if !new.is_empty() {
        problems.push(format!(
            "{} documents differ that are not on tests/expected/same-content-known.txt: {}",
            new.len(),
            new.join(", ")
        ));
    }
    for s in stale {
        problems.push(format!(
            "{s} is on the known list but is no document: remove {s} from the known list"
        ));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---------------------------------------------------------------------------
// The helpers themselves
// ---------------------------------------------------------------------------

#[test]
fn a_difference_is_shown_as_the_first_differing_word_in_context() {
    let epub = Squashed::new("một hai ba bốn năm sáu bảy tám chín mười mười một mười hai");
    // The PDF breaks the words elsewhere and has `BA` for `ba`.
    let pdf = Squashed::new("một hai BA bốn năm\nsáu bảy tám chín mười mười một mười hai");
    let (p, e) = first_difference(&pdf, &epub).unwrap();
    assert_eq!(e, "một hai [ba] bốn năm sáu bảy tám chín mười mười");
    assert_eq!(p, "một hai [BA] bốn năm sáu bảy tám chín mười mười");
    // White space alone is no difference.
    let spaced = Squashed::new("một  hai\tba bốn năm sáu bảy tám chín mười mười một mười hai");
    assert!(first_difference(&spaced, &epub).is_none());
    // Text missing at the end shows `(end)`.
    let short = Squashed::new("một hai");
    let (p, e) = first_difference(&short, &Squashed::new("một hai ba")).unwrap();
    assert_eq!(
        (p.as_str(), e.as_str()),
        ("một hai [(end)]", "một hai [ba]")
    );
}

#[test]
fn only_the_later_copies_of_a_repeated_header_are_dropped() {
    let mut pdf = Squashed::new("Tên Số a 1 b 2 Tên Số c 3 Tên Số");
    pdf.drop_repeats(&["Tên Số".to_string()]);
    assert_eq!(pdf.chars.iter().collect::<String>(), "TênSốa1b2c3");
    assert!(first_difference(&pdf, &Squashed::new("Tên Số a 1 b 2 c 3")).is_none());
}

#[test]
fn a_changed_view_is_shown_as_a_hunk_with_context() {
    let want = "a\nb\nc\nd\ne\nf\ng\n";
    let got = "a\nb\nc\nd\nE\nf\ng\n";
    assert_eq!(
        diff_excerpt(want, got),
        "@@ -2,4 +2,4 @@\n b\n c\n d\n-e\n+E\n f\n g\n"
    );
    // Lines added at the end.
    assert_eq!(diff_excerpt("a\n", "a\nb\n"), "@@ -1,1 +1,2 @@\n a\n+b\n");
}

#[test]
fn the_epub_view_shows_blocks_links_and_notes() {
    let body = r##"<body><section><h2 id="x">Tiêu <em>đề</em></h2>
<p>Chữ <a href="https://vi.wikipedia.org">liên kết</a><sup><a epub:type="noteref" href="#fn-1">1</a></sup>.<br/>Dòng hai &amp; ba</p>
<blockquote><p>Trích</p></blockquote>
<ol start="3"><li><p>ba</p><ul><li>con</li></ul></li></ol>
<div class="table"><table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table></div>
<pre><code>fn main() {
    x
}
</code></pre>
<aside epub:type="footnote" id="fn-1"><p><a href="#fnref-1">1</a>. Chú thích.</p></aside>
</section></body>"##;
    assert_eq!(
        XhtmlView::lines(body),
        [
            "h2 Tiêu *đề* {#x}",
            "p Chữ [liên kết](https://vi.wikipedia.org)^{[^1](#fn-1)}. ↵ Dòng hai & ba",
            "> p Trích",
            "li 3. ba",
            "  li con",
            "th | A | B |",
            "td | 1 | 2 |",
            "code fn main() {",
            "code     x",
            "code }",
            "note {#fn-1}",
            "note p [1](#fnref-1). Chú thích.",
        ]
    );
}
