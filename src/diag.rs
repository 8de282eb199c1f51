//! Diagnostics: errors and warnings with a place (`file:line:col`) and a hint,
//! printed in the rustc/Typst style by one function, [`Diagnostic::render`].
//!
//! A problem that can occur many times in one document (a link to another
//! page, a template tag, an unknown raw HTML element…) is pushed once per
//! occurrence with [`Diagnostic::repeats`]: [`Diagnostics::push`] folds every
//! diagnostic of the same kind into the first one, so the user reads one
//! block with the count and the first [`SHOWN`] places, and `--verbose`
//! ([`Diagnostic::render_verbose`]) lists every place. No call site has to
//! group its own warnings.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::doc::Span;

/// A source's text with a line index, for turning byte offsets into
/// `file:line:col` positions.
///
/// A book's chapter files are one source: their texts joined, each
/// starting on a line of its own ([`SourceFile::joined`]), so that a
/// [`Span`] of the book names one place in one file and [`location`]
/// reports that file's own line and column.
///
/// [`location`]: SourceFile::location
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path as the user gave it (used in messages): the Markdown file, or
    /// a book project's folder.
    pub path: PathBuf,
    /// The text (after BOM removal and CRLF → LF): see [`SourceFile::text`].
    text: Text,
    line_starts: Arc<[usize]>,
    /// The files joined in `text`: (first byte, first line index, path), in
    /// order; empty for a single file (all of `text` is `path`).
    members: Arc<[(usize, usize, PathBuf)]>,
}

/// A source's text: whole while it is parsed and checked; a large one is
/// then kept deflated in blocks of whole lines ([`SourceFile::pack`]).
#[derive(Clone, Debug)]
enum Text {
    Whole(Arc<str>),
    Packed(Arc<Packed>),
}

/// A text deflated (RFC 1951, libdeflate's fastest level) in blocks of
/// whole lines of about [`PACK_BLOCK`] bytes, so that a line is read back
/// by inflating one block.
#[derive(Debug)]
struct Packed {
    /// The text's length in bytes.
    len: usize,
    /// Each block's first byte in the text (a line's start) and its bytes
    /// deflated; a block ends where the next starts, the last at `len`.
    blocks: Vec<(usize, Box<[u8]>)>,
}

impl Packed {
    /// Where block `k` ends (where the next starts).
    fn end(&self, k: usize) -> usize {
        self.blocks.get(k + 1).map_or(self.len, |b| b.0)
    }

    /// The block holding byte `offset`.
    fn block_at(&self, offset: usize) -> usize {
        self.blocks
            .partition_point(|b| b.0 <= offset)
            .saturating_sub(1)
    }

    /// Block `k`'s text, inflated.
    fn block(&self, k: usize) -> String {
        let (start, end) = (self.blocks[k].0, self.end(k));
        // Made from a `str` cut at line starts: always whole UTF-8 when
        // inflated (an error would show as a blank line in a place).
        let text = crate::deflate::inflate(&self.blocks[k].1, end - start)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok());
        debug_assert!(text.is_some(), "a packed block inflates to its text");
        text.unwrap_or_default()
    }
}

/// A source at least this long (bytes) is packed once it is parsed and
/// checked ([`SourceFile::pack`]): the 50 MB document's text was 48 MiB of
/// its 154 MiB model, held to the end of the build for the places of late
/// warnings (benches/README.md, session 25). A shorter one is kept whole:
/// packing it would save less than it costs.
pub const PACK_AT: usize = 1 << 20;

/// The size a packed text's block reaches before the next line starts a
/// new one (bytes): inflating it for one warning's place takes tens of
/// microseconds.
const PACK_BLOCK: usize = 1 << 16;

impl SourceFile {
    /// Indexes `text`, read from `path`.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<Arc<str>>) -> Self {
        let text: Arc<str> = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        SourceFile {
            path: path.into(),
            text: Text::Whole(text),
            line_starts,
            members: Arc::from(Vec::new()),
        }
    }

    /// The whole text. Borrowed while the source is whole (parsing and
    /// checking, where every caller reads it); a packed source's is
    /// inflated whole into a new string for each call, so that a reader
    /// after the pack takes a [`SourceFile::piece`] or reads the
    /// [`SourceFile::blocks`] instead.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match &self.text {
            Text::Whole(t) => std::borrow::Cow::Borrowed(t),
            Text::Packed(_) => std::borrow::Cow::Owned(self.blocks().map(|(_, b)| b).collect()),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &self.text {
            Text::Whole(t) => t.len(),
            Text::Packed(p) => p.len,
        }
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The text in pieces of whole lines, in order, each with the byte
    /// offset it starts at: the whole text at once, or a packed text's
    /// blocks inflated one at a time.
    pub fn blocks(&self) -> impl Iterator<Item = (usize, std::borrow::Cow<'_, str>)> + '_ {
        use std::borrow::Cow;
        let (whole, packed) = match &self.text {
            Text::Whole(t) => (Some((0, Cow::Borrowed(&t[..]))), None),
            Text::Packed(p) => (None, Some(p)),
        };
        let blocks = packed.into_iter().flat_map(|p| {
            (0..p.blocks.len()).map(move |k| (p.blocks[k].0, Cow::Owned(p.block(k))))
        });
        whole.into_iter().chain(blocks)
    }

    /// The text of bytes `range`, if they are in the text and cut it at
    /// characters.
    pub fn piece(&self, range: std::ops::Range<usize>) -> Option<std::borrow::Cow<'_, str>> {
        match &self.text {
            Text::Whole(t) => t.get(range).map(std::borrow::Cow::Borrowed),
            Text::Packed(p) => {
                if range.start > range.end || range.end > p.len {
                    return None;
                }
                let first = p.block_at(range.start);
                let mut out = String::new();
                for k in first..p.blocks.len() {
                    let (from, end) = (p.blocks[k].0, p.end(k));
                    if from >= range.end && k > first {
                        break;
                    }
                    let block = p.block(k);
                    out.push_str(
                        block.get(range.start.max(from) - from..range.end.min(end) - from)?,
                    );
                }
                Some(std::borrow::Cow::Owned(out))
            }
        }
    }

    /// Keeps the text deflated, in blocks of whole lines, if it is at
    /// least [`PACK_AT`] bytes long: once the source is parsed and checked, its text is
    /// read only for the places of warnings and by the EPUB's identifier.
    /// The places reported stay the same.
    pub fn pack(&mut self) {
        if self.len() >= PACK_AT {
            self.pack_in(PACK_BLOCK);
        }
    }

    /// Packs the text in blocks of at least `block` bytes (of whole lines).
    pub(crate) fn pack_in(&mut self, block: usize) {
        let Text::Whole(text) = &self.text else {
            return;
        };
        let Ok(mut deflater) = crate::deflate::Deflater::new(1) else {
            return;
        };
        let mut blocks = Vec::new();
        let mut start = 0;
        while start < text.len() {
            // The first line start at least `block` bytes on, else the end.
            let at = self
                .line_starts
                .partition_point(|&s| s < start + block.max(1));
            let end = self.line_starts.get(at).copied().unwrap_or(text.len());
            let mut data = Vec::new();
            if deflater
                .deflate_into(&text.as_bytes()[start..end], &mut data)
                .is_err()
            {
                return;
            }
            blocks.push((start, data.into_boxed_slice()));
            start = end;
        }
        let len = text.len();
        self.text = Text::Packed(Arc::new(Packed { len, blocks }));
    }

    /// The sources `files` joined into one, named `path` (a book project):
    /// each file's text starts at a line of its own (a newline is added to
    /// a text that does not end with one). Returns the joined source and
    /// the byte offset each file starts at, by which its spans are moved.
    pub fn joined(path: impl Into<PathBuf>, files: &[SourceFile]) -> (SourceFile, Vec<usize>) {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(files.len());
        for f in files {
            starts.push(text.len());
            text.push_str(&f.text());
            if !text.is_empty() && !text.ends_with('\n') {
                text.push('\n');
            }
        }
        let mut source = SourceFile::new(path, text);
        source.members = files
            .iter()
            .zip(&starts)
            .map(|(f, &at)| (at, source.line_col(at).0 - 1, f.path.clone()))
            .collect();
        (source, starts)
    }

    /// The folder relative paths in the source are resolved against: a
    /// file's own folder, or a joined book's source folder (its `path`).
    pub fn base_dir(&self) -> PathBuf {
        if self.members.is_empty() {
            self.path
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default()
        } else {
            self.path.clone()
        }
    }

    /// One-based line and column (in characters) of byte `offset`, counted
    /// in the whole text (see [`SourceFile::location`] for a file's own).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, col, _) = self.line_col_text(offset);
        (line, col)
    }

    /// [`SourceFile::line_col`] and the text of that line, from one piece
    /// of the text (a packed source's block is inflated once).
    fn line_col_text(&self, offset: usize) -> (usize, usize, std::borrow::Cow<'_, str>) {
        let offset = offset.min(self.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let text = self.line_text(line);
        let mut end = (offset - self.line_starts[line - 1]).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let col = text[..end].chars().count() + 1;
        (line, col, text)
    }

    /// Byte offset where one-based line `line` starts (end of text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.len())
    }

    /// The text of one-based line `line`, without its newline (empty for
    /// a line the text does not have).
    pub fn line_text(&self, line: usize) -> std::borrow::Cow<'_, str> {
        let Some(&start) = self.line_starts.get(line.wrapping_sub(1)) else {
            return std::borrow::Cow::Borrowed("");
        };
        let end = self.line_starts.get(line).map_or(self.len(), |e| e - 1);
        self.piece(start..end.max(start)).unwrap_or_default()
    }

    /// The place of byte `offset`: its file (a book's chapter file, see
    /// [`SourceFile::joined`]), and its line and column in that file.
    pub fn location(&self, offset: usize) -> Location {
        let (line, col, text) = self.line_col_text(offset);
        let k = self.members.partition_point(|m| m.0 <= offset);
        let (path, first_line) = match k.checked_sub(1).and_then(|k| self.members.get(k)) {
            Some((_, first, path)) => (path.clone(), *first),
            None => (self.path.clone(), 0),
        };
        Location {
            path,
            line: line - first_line,
            col,
            line_text: Some(text.into_owned()),
        }
    }
}

/// A place in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// The file.
    pub path: PathBuf,
    /// One-based line.
    pub line: usize,
    /// One-based column, in characters.
    pub col: usize,
    /// The source line, shown under the message with a caret.
    pub line_text: Option<String>,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.path.display(), self.line, self.col)
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Stops the build: nothing is written.
    Error,
    /// Reported; the build goes on.
    Warning,
}

/// One message for the user: what is wrong, where, and how to fix it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in one line.
    pub message: String,
    /// Where, when there is a place (more than one for repeated problems).
    pub locations: Vec<Location>,
    /// A file the problem concerns when there is no line in it.
    pub file: Option<PathBuf>,
    /// How to fix it.
    pub help: Option<String>,
    /// Set when the problem may repeat: every occurrence of its kind.
    pub repeat: Option<Box<Repeat>>,
}

/// How many places a grouped diagnostic prints without `--verbose`.
pub const SHOWN: usize = 5;

/// The occurrences of a diagnostic that may repeat, folded into one by
/// [`Diagnostics::push`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Repeat {
    /// What makes two diagnostics the same kind (with the severity).
    pub kind: &'static str,
    /// The message once it happened more than once, after the count:
    /// `link targets are not part of the book; only their text is kept`.
    pub plural: String,
    /// Each occurrence: what (e.g. `` `README.md` ``) and where.
    pub occurrences: Vec<(String, Option<Location>)>,
}

impl Diagnostic {
    /// An error with a message.
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            message: message.into(),
            locations: Vec::new(),
            file: None,
            help: None,
            repeat: None,
        }
    }

    /// A warning with a message.
    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(message)
        }
    }

    /// Adds the place of byte `span.start` in `source`.
    pub fn at(mut self, source: &SourceFile, span: Span) -> Self {
        self.locations.push(source.location(span.start));
        self
    }

    /// Adds a location.
    pub fn at_location(mut self, location: Location) -> Self {
        self.locations.push(location);
        self
    }

    /// Names the file the problem concerns (when there is no line).
    pub fn in_file(mut self, path: impl AsRef<Path>) -> Self {
        self.file = Some(path.as_ref().to_path_buf());
        self
    }

    /// Adds a hint on how to fix the problem.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Marks the diagnostic as one occurrence of `kind`: pushed again with
    /// the same kind, it is counted in the first one, whose message becomes
    /// `N {plural}`, followed by the places (each named by `what`). Call it
    /// after [`Diagnostic::at`], which gives the occurrence its place.
    pub fn repeats(
        mut self,
        kind: &'static str,
        plural: impl Into<String>,
        what: impl Into<String>,
    ) -> Self {
        self.repeat = Some(Box::new(Repeat {
            kind,
            plural: plural.into(),
            occurrences: vec![(what.into(), self.locations.first().cloned())],
        }));
        self
    }

    /// How many times the problem occurred (1 unless it [`Diagnostic::repeats`]).
    pub fn count(&self) -> usize {
        self.repeat.as_ref().map_or(1, |r| r.occurrences.len())
    }

    /// Whether this is an error.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic in the rustc style:
    ///
    /// ```text
    /// error: unknown date `32/13/2022`
    ///  --> source/article.md:3:7
    ///   |
    /// 3 | date: 32/13/2022
    ///   |       ^
    ///   = help: write dates as YYYY-MM-DD
    /// ```
    ///
    /// A diagnostic that occurred several times prints its count, its first
    /// place with the source line, then the first [`SHOWN`] places.
    pub fn render(&self) -> String {
        self.render_with(false)
    }

    /// [`Diagnostic::render`] listing every place of a repeated problem.
    pub fn render_verbose(&self) -> String {
        self.render_with(true)
    }

    fn render_with(&self, verbose: bool) -> String {
        let mut out = String::new();
        let label = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let repeated = self.repeat.as_ref().filter(|r| r.occurrences.len() > 1);
        match repeated {
            Some(r) => out.push_str(&format!("{label}: {} {}\n", r.occurrences.len(), r.plural)),
            None => out.push_str(&format!("{label}: {}\n", self.message)),
        }
        if let Some(file) = &self.file
            && self.locations.is_empty()
        {
            out.push_str(&format!(" --> {}\n", file.display()));
        }
        let width = self
            .locations
            .iter()
            .map(|l| l.line.to_string().len())
            .max()
            .unwrap_or(1);
        let pad = " ".repeat(width);
        for loc in &self.locations {
            out.push_str(&format!("{pad}--> {loc}\n"));
            if let Some(text) = &loc.line_text {
                let caret_pad: String = text
                    .chars()
                    .take(loc.col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                out.push_str(&format!("{pad} |\n"));
                out.push_str(&format!("{:>width$} | {text}\n", loc.line));
                out.push_str(&format!("{pad} | {caret_pad}^\n"));
            }
        }
        if let Some(r) = repeated {
            let first_path = self.locations.first().map(|l| &l.path);
            let place = |(what, at): &(String, Option<Location>)| match at {
                Some(l) if Some(&l.path) == first_path => format!("{what} ({}:{})", l.line, l.col),
                Some(l) => format!("{what} ({l})"),
                None => what.clone(),
            };
            let n = r.occurrences.len();
            if verbose {
                out.push_str(&format!("{pad} = all {n} places:\n"));
                for o in &r.occurrences {
                    out.push_str(&format!("{pad}     {}\n", place(o)));
                }
            } else {
                let shown: Vec<String> = r.occurrences.iter().take(SHOWN).map(place).collect();
                let more = if n > SHOWN {
                    format!(" and {} more (`--verbose` lists them all)", n - SHOWN)
                } else {
                    String::new()
                };
                out.push_str(&format!("{pad} = at: {}{more}\n", shown.join(", ")));
            }
        }
        if let Some(help) = &self.help {
            out.push_str(&format!("{pad} = help: {help}\n"));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render())
    }
}

/// Everything a stage reports: errors stop the build, warnings do not.
#[derive(Clone, Debug, Default)]
pub struct Diagnostics {
    /// In the order they were found.
    pub items: Vec<Diagnostic>,
}

impl Diagnostics {
    /// Records a diagnostic. One that [`Diagnostic::repeats`] a kind
    /// already recorded (same kind, same severity) is folded into it.
    pub fn push(&mut self, mut d: Diagnostic) {
        if let Some(new) = &mut d.repeat
            && let Some(r) = self
                .items
                .iter_mut()
                .filter(|e| e.severity == d.severity)
                .filter_map(|e| e.repeat.as_mut())
                .find(|r| r.kind == new.kind)
        {
            r.occurrences.append(&mut new.occurrences);
            return;
        }
        self.items.push(d);
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        self.items.iter().any(Diagnostic::is_error)
    }

    /// Moves all diagnostics of `other` here (repeated kinds folded).
    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_source_reports_the_places_a_whole_one_does() {
        // Lines of one to many characters, multi-byte letters, an empty
        // line, a last line without a newline; blocks of at least 8 bytes
        // (some lines longer than a block).
        let text = "xin chào\nthế giới 中\n\na\nNgười ta là hoa đất, ăn nói gói mở\nb\nđ";
        let whole = SourceFile::new("a.md", text);
        let mut packed = whole.clone();
        packed.pack_in(8);
        let Text::Packed(p) = &packed.text else {
            panic!("packed")
        };
        assert!(p.blocks.len() > 3, "{} blocks", p.blocks.len());
        assert_eq!(packed.text(), text);
        assert_eq!(packed.len(), text.len());
        let joined: String = packed.blocks().map(|(_, b)| b.into_owned()).collect();
        assert_eq!(joined, text);
        for (from, block) in packed.blocks() {
            assert_eq!(&text[from..from + block.len()], block);
            assert!(from == 0 || text.as_bytes()[from - 1] == b'\n', "{from}");
        }
        for offset in 0..=text.len() + 2 {
            assert_eq!(packed.line_col(offset), whole.line_col(offset), "{offset}");
            assert_eq!(packed.location(offset), whole.location(offset), "{offset}");
            for end in offset..=text.len() + 1 {
                assert_eq!(
                    packed.piece(offset..end),
                    whole.piece(offset..end),
                    "{offset}..{end}"
                );
            }
        }
        for line in 1..=7 {
            assert_eq!(packed.line_text(line), whole.line_text(line), "{line}");
            assert_eq!(packed.line_start(line), whole.line_start(line), "{line}");
        }
        // A short source is left whole by `pack`.
        let mut short = whole.clone();
        short.pack();
        assert!(matches!(short.text, Text::Whole(_)));
        // Out of the text's lines: nothing.
        assert_eq!(packed.line_text(8), "");
        assert_eq!(whole.line_text(8), "");
    }

    #[test]
    fn a_source_of_pack_at_bytes_is_packed_once_prepared() {
        let prepare = |md: String| {
            let mut diags = Diagnostics::default();
            let source = SourceFile::new("/nonexistent/lon.md", md);
            crate::prepare_source(source, &Default::default(), &mut diags)
                .unwrap_or_else(|| panic!("{diags:?}"))
        };
        let para = "Người ta là hoa đất, ăn nói gói mở; chữ tốt thì xem văn hay.\n\n";
        let large = prepare(para.repeat(PACK_AT / para.len() + 1));
        assert!(matches!(large.doc.source.text, Text::Packed(_)));
        let short = prepare(para.repeat(PACK_AT / para.len() / 2));
        assert!(matches!(short.doc.source.text, Text::Whole(_)));
    }

    #[test]
    fn line_and_column_count_characters_not_bytes() {
        let src = SourceFile::new("a.md", "xin chào\nthế giới 中\n");
        let off = src.text().find('中').unwrap();
        assert_eq!(src.line_col(off), (2, 10));
        assert_eq!(src.line_text(2), "thế giới 中");
        let d = Diagnostic::error("bad")
            .at(&src, Span::new(off, off + 3))
            .help("fix");
        let text = d.render();
        assert!(text.contains("--> a.md:2:10"), "{text}");
        assert!(text.contains("2 | thế giới 中"), "{text}");
        assert!(text.contains("= help: fix"), "{text}");
    }

    #[test]
    fn repeated_problems_are_one_block() {
        let text: String = (1..=8).map(|i| format!("[x](p{i}.md)\n")).collect();
        let src = SourceFile::new("a.md", text.as_str());
        let mut diags = Diagnostics::default();
        for i in 0..8 {
            diags.push(
                Diagnostic::warning(format!("link target `p{}.md` is elsewhere", i + 1))
                    .at(&src, Span::new(i * 11, i * 11))
                    .repeats(
                        "elsewhere",
                        "link targets are elsewhere",
                        format!("`p{}.md`", i + 1),
                    )
                    .help("fix"),
            );
        }
        diags.push(Diagnostic::warning("other").at(&src, Span::new(0, 0)));
        assert_eq!(diags.items.len(), 2);
        assert_eq!(diags.items[0].count(), 8);
        let short = diags.items[0].render();
        assert!(
            short.starts_with("warning: 8 link targets are elsewhere\n"),
            "{short}"
        );
        assert!(short.contains("--> a.md:1:1"), "{short}");
        assert!(short.contains("`p5.md` (5:1) and 3 more"), "{short}");
        assert!(!short.contains("p6.md"), "{short}");
        assert_eq!(short.lines().count(), 7, "{short}");
        let all = diags.items[0].render_verbose();
        assert!(all.contains("`p8.md` (8:1)"), "{all}");
        // One occurrence reads as a plain diagnostic.
        let mut one = Diagnostics::default();
        one.push(
            Diagnostic::warning("link target `p1.md` is elsewhere")
                .at(&src, Span::new(0, 0))
                .repeats("elsewhere", "link targets are elsewhere", "`p1.md`"),
        );
        assert!(
            one.items[0]
                .render()
                .starts_with("warning: link target `p1.md`")
        );
        assert!(!one.items[0].render().contains("= at:"));
    }
}
