//! The font set: one family per role (body, heading, code), four styles each,
//! described by a `fonts.toml` manifest in the font folder — data, not code.
//!
//! Faces are loaded once, validated (a file that is not an OpenType font, or
//! is truncated, is an error naming the file), and give the metrics the
//! typesetter needs straight from the font tables.
//!
//! Outlines may be TrueType (`glyf`/`loca`) or CFF (`CFF `, as in most `.otf`
//! files), in a single-face file or as one member of a collection
//! (`.ttc`/`.otc`, chosen by its index, e.g. Debian's `NotoSerifCJK-Regular.ttc`).
//! CFF2 (variable) outlines and WOFF/WOFF2 files are refused with a hint on
//! how to convert them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use read_fonts::{FontRef, TableProvider};
use serde::Deserialize;

use crate::diag::{Diagnostic, Diagnostics};

/// Which family a piece of text is drawn in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Paragraphs, lists, tables, footnotes.
    Body,
    /// Headings, the title block, running heads.
    Heading,
    /// Inline code and code blocks.
    Code,
    /// Mathematics: one face with an OpenType `MATH` table (`[math]` in the
    /// manifest), read on first need.
    Math,
}

impl Role {
    /// The manifest's table name for this role.
    pub fn key(self) -> &'static str {
        match self {
            Role::Body => "body",
            Role::Heading => "heading",
            Role::Code => "code",
            Role::Math => "math",
        }
    }
}

/// Weight and slant of a face.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Style {
    /// Bold weight.
    pub bold: bool,
    /// Italic slant.
    pub italic: bool,
}

impl Style {
    /// Upright, regular weight.
    pub const REGULAR: Style = Style {
        bold: false,
        italic: false,
    };

    /// The manifest's key for this style.
    pub fn key(self) -> &'static str {
        match (self.bold, self.italic) {
            (false, false) => "regular",
            (false, true) => "italic",
            (true, false) => "bold",
            (true, true) => "bold_italic",
        }
    }

    /// All four styles, regular first.
    pub const ALL: [Style; 4] = [
        Style::REGULAR,
        Style {
            bold: false,
            italic: true,
        },
        Style {
            bold: true,
            italic: false,
        },
        Style {
            bold: true,
            italic: true,
        },
    ];
}

/// Vertical metrics and sizes from the font tables, in font units.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Metrics {
    /// Units per em (`head`).
    pub units_per_em: u16,
    /// Typographic ascender (`OS/2` typo, else `hhea`).
    pub ascender: i16,
    /// Typographic descender, negative (`OS/2` typo, else `hhea`).
    pub descender: i16,
    /// Line gap.
    pub line_gap: i16,
    /// Height of lowercase x.
    pub x_height: i16,
    /// Height of capitals.
    pub cap_height: i16,
}

/// One loaded font file.
#[derive(Debug)]
pub struct Face {
    /// Family name from the manifest.
    pub family: String,
    /// Its role.
    pub role: Role,
    /// Its style (the style it was *asked* for; a fallback face keeps the
    /// regular file but records the requested style here).
    pub style: Style,
    /// The file it was read from.
    pub path: PathBuf,
    /// The file's bytes (the whole collection for a `.ttc`/`.otc` member).
    pub data: Arc<FontBytes>,
    /// The face's index inside a collection (0 for a single-face file).
    pub index: u32,
    /// Whether the outlines are CFF (`CFF ` table) rather than TrueType.
    pub cff: bool,
    /// Metrics from the tables.
    pub metrics: Metrics,
    /// PostScript name (from `name` id 6), for PDF base font names.
    pub postscript_name: String,
}

impl Face {
    /// Parses the font (cheap: reads the table directory).
    pub fn font_ref(&self) -> FontRef<'_> {
        FontRef::from_index(&self.data, self.index).expect("validated when loaded")
    }

    /// The nominal glyph for `c`, if the font covers it.
    pub fn glyph_id(&self, c: char) -> Option<u16> {
        let cmap = self.font_ref().cmap().ok()?;
        cmap.map_codepoint(c)
            .map(|g| g.to_u32())
            .filter(|&g| g != 0)
            .and_then(|g| u16::try_from(g).ok())
    }

    /// Whether the font has a glyph for `c`.
    pub fn covers(&self, c: char) -> bool {
        self.glyph_id(c).is_some()
    }
}

/// The three families in four styles each, and the fallback faces.
#[derive(Debug)]
pub struct FontSet {
    /// The folder the set was loaded from (`<bundled fonts>` for the fonts
    /// compiled into the binary).
    pub dir: PathBuf,
    faces: BTreeMap<(Role, Style), Arc<Face>>,
    /// Faces for what the families lack (see [`crate::fallback`]).
    pub fallback: crate::fallback::Fallback,
    /// Where the math face is read from, and its entry.
    math_spec: Option<(Files, MathSpec)>,
    /// The math face, read on first need ([`FontSet::math`]; shared by
    /// the forks).
    math: Arc<std::sync::OnceLock<Result<Arc<Face>, Diagnostic>>>,
}

/// The bytes of a font file: borrowed from the binary for the bundled
/// faces (no copy at start-up), or read from disk.
#[derive(Debug)]
pub enum FontBytes {
    /// A file compiled into the binary (`build.rs`).
    Bundled(&'static [u8]),
    /// A file read at run time (`--fonts`, system fonts).
    Read(Vec<u8>),
}

impl std::ops::Deref for FontBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            FontBytes::Bundled(b) => b,
            FontBytes::Read(v) => v,
        }
    }
}

impl AsRef<[u8]> for FontBytes {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl From<Vec<u8>> for FontBytes {
    fn from(v: Vec<u8>) -> FontBytes {
        FontBytes::Read(v)
    }
}

/// Where the files of a font set are read from.
#[derive(Clone, Debug)]
pub enum Files {
    /// A folder on disk (`--fonts DIR`, front matter `fonts:`).
    Disk(PathBuf),
    /// The bundled `fonts/` folder, compiled into the binary by `build.rs`.
    Bundled,
}

/// The bundled manifest and files (generated by `build.rs` from `fonts/`).
mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled_fonts.rs"));
}

impl Files {
    /// The path shown in messages for `file`.
    pub fn path(&self, file: &Path) -> PathBuf {
        match self {
            Files::Disk(dir) => dir.join(file),
            Files::Bundled => Path::new("<bundled fonts>").join(file),
        }
    }

    /// The bytes of `file` (relative to the folder).
    pub fn read(&self, file: &Path) -> std::io::Result<FontBytes> {
        match self {
            Files::Disk(dir) => std::fs::read(dir.join(file)).map(FontBytes::Read),
            Files::Bundled => bundled::NAMES
                .lines()
                .position(|name| Path::new(name) == file)
                .and_then(|i| bundled::DATA.get(i))
                .map(|bytes| FontBytes::Bundled(bytes))
                .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound)),
        }
    }
}

/// One face in the manifest: a file (`"x.ttf"`, `"x.otf"`), or one member of
/// a collection, `{ file = "x.ttc", index = 2 }` (index from 0, in the
/// order of the collection's header; `fc-query FILE` lists them).
#[derive(Deserialize, Clone, Debug)]
#[serde(
    untagged,
    expecting = "a font file path, or a table `{ file = \"FILE.ttc\", index = N }`"
)]
enum ManifestFace {
    Path(PathBuf),
    Member(ManifestMember),
}

#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct ManifestMember {
    file: PathBuf,
    #[serde(default)]
    index: u32,
}

impl ManifestFace {
    fn file(&self) -> &Path {
        match self {
            ManifestFace::Path(p) => p,
            ManifestFace::Member(m) => &m.file,
        }
    }

    fn index(&self) -> u32 {
        match self {
            ManifestFace::Path(_) => 0,
            ManifestFace::Member(m) => m.index,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFamily {
    family: String,
    regular: ManifestFace,
    italic: Option<ManifestFace>,
    bold: Option<ManifestFace>,
    bold_italic: Option<ManifestFace>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    body: ManifestFamily,
    heading: Option<ManifestFamily>,
    code: Option<ManifestFamily>,
    math: Option<MathSpec>,
    #[serde(default)]
    fallback: Vec<crate::fallback::FallbackSpec>,
}

/// The `[math]` table of a manifest: the face formulas are set in.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
struct MathSpec {
    family: String,
    file: ManifestFace,
}

/// The `[math]` table of a manifest alone.
#[derive(Deserialize)]
struct MathOnly {
    math: Option<MathSpec>,
}

/// The `[[fallback]]` list of a manifest alone.
#[derive(Deserialize)]
struct FallbackOnly {
    #[serde(default)]
    fallback: Vec<crate::fallback::FallbackSpec>,
}

/// The name of the manifest file in a font folder.
pub const MANIFEST: &str = "fonts.toml";

impl FontSet {
    /// The bundled font folder: `fonts/` in the crate root.
    pub fn bundled_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fonts")
    }

    /// Loads every face named by `dir/fonts.toml`. Missing styles fall back to
    /// the family's regular face with a warning; a missing heading or code
    /// family falls back to the body family with a warning.
    pub fn load(dir: &Path, diags: &mut Diagnostics) -> Result<FontSet, Diagnostic> {
        let manifest_path = dir.join(MANIFEST);
        if !dir.is_dir() {
            return Err(Diagnostic::error(format!(
                "font folder `{}` does not exist",
                dir.display()
            ))
            .help("pass --fonts with a folder holding a fonts.toml, or leave it out to use the bundled fonts"));
        }
        let text = std::fs::read_to_string(&manifest_path).map_err(|e| {
            Diagnostic::error(format!("cannot read `{}`: {e}", manifest_path.display()))
                .help("a font folder needs a fonts.toml naming a file per role and style; see fonts/fonts.toml")
        })?;
        FontSet::load_manifest(Files::Disk(dir.to_path_buf()), &text, diags)
    }

    /// Loads the bundled set from the copy compiled into the binary.
    pub fn load_bundled(diags: &mut Diagnostics) -> Result<FontSet, Diagnostic> {
        FontSet::load_manifest(Files::Bundled, bundled::MANIFEST, diags)
    }

    /// Loads the faces the manifest `text` names from `files`.
    fn load_manifest(
        files: Files,
        text: &str,
        diags: &mut Diagnostics,
    ) -> Result<FontSet, Diagnostic> {
        let dir = files.path(Path::new(""));
        let manifest_path = files.path(Path::new(MANIFEST));
        let manifest: Manifest = toml::from_str(text).map_err(|e| {
            let d = Diagnostic::error(format!(
                "`{}` is not a valid font manifest: {}",
                manifest_path.display(),
                e.message()
            ))
            .help("see fonts/fonts.toml for the expected keys");
            match e.span() {
                Some(span) => d.at(
                    &crate::diag::SourceFile::new(&manifest_path, text),
                    crate::doc::Span {
                        start: span.start,
                        end: span.end,
                    },
                ),
                None => d.in_file(&manifest_path),
            }
        })?;
        let family_of = |role: Role| match role {
            Role::Body => Some(&manifest.body),
            Role::Heading => manifest.heading.as_ref(),
            Role::Code => manifest.code.as_ref(),
            Role::Math => None,
        };
        let file_of = |fam: &'_ ManifestFamily, style: Style| match style.key() {
            "italic" => fam.italic.clone(),
            "bold" => fam.bold.clone(),
            "bold_italic" => fam.bold_italic.clone(),
            _ => None,
        };
        // Every file the manifest names, in its order, read on all cores
        // at once (reading 12 faces is most of a short build's
        // fixed cost); the set is then assembled in that order, so errors
        // and warnings come out as if the files were read one by one.
        let mut jobs: Vec<Job> = Vec::new();
        for role in [Role::Body, Role::Heading, Role::Code] {
            if let Some(fam) = family_of(role) {
                jobs.push((role, Style::REGULAR, &fam.family, fam.regular.clone()));
                for style in Style::ALL {
                    if let Some(file) = file_of(fam, style) {
                        jobs.push((role, style, &fam.family, file));
                    }
                }
            }
        }
        let mut loaded = load_faces(&files, &jobs).into_iter();
        let mut next_face = || {
            loaded
                .next()
                .unwrap_or_else(|| Err(Diagnostic::error("font loading lost a face")))
        };
        let mut faces = BTreeMap::new();
        for role in [Role::Body, Role::Heading, Role::Code] {
            let fam = family_of(role);
            let Some(fam) = fam else {
                diags.push(
                    Diagnostic::warning(format!(
                        "the font manifest names no `{}` family; using the body family",
                        role.key()
                    ))
                    .in_file(&manifest_path),
                );
                for style in Style::ALL {
                    let body = Arc::clone(&faces[&(Role::Body, style)]);
                    faces.insert((role, style), body);
                }
                continue;
            };
            let regular = Arc::new(next_face()?);
            for style in Style::ALL {
                let face = match file_of(fam, style) {
                    Some(_) => Arc::new(next_face()?),
                    None if style == Style::REGULAR => Arc::clone(&regular),
                    None => {
                        diags.push(
                            Diagnostic::warning(format!(
                                "family `{}` has no {} face; its regular face is used instead",
                                fam.family,
                                style.key().replace('_', " ")
                            ))
                            .in_file(&manifest_path)
                            .help(format!(
                                "add `{} = \"FILE.ttf\"` under [{}]",
                                style.key(),
                                role.key()
                            )),
                        );
                        Arc::clone(&regular)
                    }
                };
                faces.insert((role, style), face);
            }
        }
        // A folder without a `[[fallback]]` list uses the bundled one.
        let fallback = if manifest.fallback.is_empty() {
            let specs = toml::from_str::<FallbackOnly>(bundled::MANIFEST)
                .map(|m| m.fallback)
                .unwrap_or_default();
            crate::fallback::Fallback::new(Files::Bundled, specs)
        } else {
            crate::fallback::Fallback::new(files.clone(), manifest.fallback)
        };
        // A folder without a `[math]` table uses the bundled math face.
        let math_spec = match manifest.math {
            Some(spec) => Some((files, spec)),
            None => toml::from_str::<MathOnly>(bundled::MANIFEST)
                .ok()
                .and_then(|m| m.math)
                .map(|spec| (Files::Bundled, spec)),
        };
        Ok(FontSet {
            dir,
            faces,
            fallback,
            math_spec,
            math: Arc::default(),
        })
    }

    /// The same font set for another document, without reading anything
    /// again: the faces (and those read on first need so far) are shared,
    /// the fallback's decisions start afresh ([`Fallback::fork`](crate::fallback::Fallback::fork)).
    pub fn fork(&self) -> FontSet {
        FontSet {
            dir: self.dir.clone(),
            faces: self.faces.clone(),
            fallback: self.fallback.fork(),
            math_spec: self.math_spec.clone(),
            math: Arc::clone(&self.math),
        }
    }

    /// The face formulas are set in (`[math]` in the manifest, else the
    /// bundled STIX Two Math), read on first call; an error when the file
    /// cannot be read or has no OpenType `MATH` table.
    pub fn math(&self) -> Result<&Arc<Face>, Diagnostic> {
        self.math
            .get_or_init(|| {
                let Some((files, spec)) = &self.math_spec else {
                    return Err(Diagnostic::error("no math face: the font manifest has no [math] table")
                        .help("add `[math]` with `family` and `file` (a font with an OpenType MATH table, e.g. STIX Two Math) to fonts.toml"));
                };
                let face = load_face(
                    files,
                    &spec.family,
                    Role::Math,
                    Style::REGULAR,
                    spec.file.file(),
                    spec.file.index(),
                )?;
                if face.font_ref().table_data(read_fonts::types::Tag::new(b"MATH")).is_none() {
                    return Err(Diagnostic::error(format!(
                        "`{}` has no OpenType MATH table, so formulas cannot be set in it",
                        face.path.display()
                    ))
                    .help("name a math font under [math] in fonts.toml, e.g. STIX Two Math or Libertinus Math"));
                }
                Ok(Arc::new(face))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// The face drawing `role` text in `style`.
    pub fn face(&self, role: Role, style: Style) -> &Arc<Face> {
        &self.faces[&(role, style)]
    }

    /// Every (role, style) slot with its face; a face may fill several slots.
    pub fn slots(&self) -> impl Iterator<Item = (Role, Style, &Arc<Face>)> {
        self.faces.iter().map(|((r, s), f)| (*r, *s, f))
    }
}

/// One face the manifest names: its slot, family and file entry.
type Job<'a> = (Role, Style, &'a str, ManifestFace);

/// The face of each job, in the order of `jobs`: the files read on up to
/// two threads, then each face checked ([`Face::from_data`]). A file named
/// by several jobs (the members of one collection, or one file for several
/// styles) is read once and its bytes shared.
fn load_faces(files_of: &Files, jobs: &[Job]) -> Vec<Result<Face, Diagnostic>> {
    let read = |file: &Path| -> Result<Arc<FontBytes>, String> {
        files_of.read(file).map(Arc::new).map_err(|e| e.to_string())
    };
    // Distinct files, in the order they are first named.
    let mut files: Vec<&Path> = Vec::new();
    for (_, _, _, entry) in jobs {
        if !files.contains(&entry.file()) {
            files.push(entry.file());
        }
    }
    // The bundled files are borrowed from the binary: nothing to read, so
    // no second thread (its start costs more than the lookups).
    let threads = match files_of {
        Files::Bundled => 1,
        Files::Disk(_) => crate::cores().min(2).min(files.len()),
    };
    let bytes: Vec<Result<Arc<FontBytes>, String>> = if threads <= 1 {
        files.iter().map(|f| read(f)).collect()
    } else {
        let (first, second) = files.split_at(files.len().div_ceil(2));
        std::thread::scope(|scope| {
            let worker = scope.spawn(|| second.iter().map(|f| read(f)).collect::<Vec<_>>());
            let mut out: Vec<_> = first.iter().map(|f| read(f)).collect();
            out.extend(
                worker
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
            out
        })
    };
    jobs.iter()
        .map(|(role, style, family, entry)| {
            let path = files_of.path(entry.file());
            let at = files.iter().position(|f| *f == entry.file()).unwrap_or(0);
            let data = bytes[at]
                .clone()
                .map_err(|e| unreadable(&path, &e, *role, *style))?;
            Face::from_data(family, *role, *style, path, data, entry.index())
        })
        .collect()
}

/// Reads `file` of `files` and loads face `index` of it (0 for a
/// single-face file).
pub fn load_face(
    files: &Files,
    family: &str,
    role: Role,
    style: Style,
    file: &Path,
    index: u32,
) -> Result<Face, Diagnostic> {
    let path = files.path(file);
    let data = files
        .read(file)
        .map_err(|e| unreadable(&path, &e, role, style))?;
    Face::from_data(family, role, style, path, Arc::new(data), index)
}

/// The error for a font file that cannot be read.
fn unreadable(path: &Path, e: &dyn std::fmt::Display, role: Role, style: Style) -> Diagnostic {
    Diagnostic::error(format!("cannot read font file `{}`: {e}", path.display())).help(format!(
        "fix the path of `{}` under [{}] in fonts.toml",
        style.key(),
        role.key()
    ))
}

/// The hint for a file that is not a usable font.
const FORMAT_HINT: &str = "use an OpenType font: a .ttf or .otf file (TrueType or CFF outlines), \
     or one face of a .ttc/.otc collection as `{ file = \"FILE.ttc\", index = N }` in fonts.toml";

impl Face {
    /// A face from the bytes of a font file: a single-face TrueType or
    /// OpenType/CFF file (`index` 0), or member `index` of a collection
    /// (`.ttc`/`.otc`). `path` names the file in messages and tells faces
    /// apart; `data` is shared, not copied (a collection's members can
    /// share one buffer). The face is validated: the tables the typesetter,
    /// shaper and writers read must be present, whole and parse; CFF2
    /// (variable CFF) and WOFF/WOFF2 are refused with a hint.
    pub fn from_data(
        family: &str,
        role: Role,
        style: Style,
        path: PathBuf,
        data: Arc<FontBytes>,
        index: u32,
    ) -> Result<Face, Diagnostic> {
        let bad = |why: String| {
            Diagnostic::error(format!("`{}` is not a usable font: {why}", path.display()))
                .help(FORMAT_HINT)
        };
        match data.get(..4) {
            Some(b"wOFF") | Some(b"wOF2") => {
                return Err(Diagnostic::error(format!(
                    "`{}` is a WOFF web font, which trang cannot read",
                    path.display()
                ))
                .help(
                    "decompress it to OpenType first, e.g. `fonttools ttLib.woff2 decompress FILE.woff2` \
                     (pip install fonttools brotli), or use the .ttf/.otf the font's authors publish",
                ));
            }
            Some(b"ttcf") => {
                let count = data
                    .get(8..12)
                    .map_or(0, |b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
                if index >= count {
                    return Err(Diagnostic::error(format!(
                        "`{}` is a collection of {count} faces; it has no face {index}",
                        path.display()
                    ))
                    .help(format!(
                        "faces are numbered from 0 to {}; `fc-query FILE` lists them with their families",
                        count.saturating_sub(1)
                    )));
                }
            }
            _ if index > 0 => {
                return Err(Diagnostic::error(format!(
                    "`{}` holds a single face; it has no face {index}",
                    path.display()
                ))
                .help("an index is only for a .ttc/.otc collection: leave it out (or write 0)"));
            }
            _ => {}
        }
        let font = FontRef::from_index(&data, index).map_err(|e| bad(e.to_string()))?;
        // Check that every table is all there: a truncated file fails here.
        let last = data.len();
        for record in font.table_directory().table_records() {
            let end = record.offset() as usize + record.length() as usize;
            if end > last {
                return Err(bad(format!(
                    "table `{}` runs past the end of the file (truncated?)",
                    record.tag()
                )));
            }
        }
        let head = font.head().map_err(|e| bad(format!("head table: {e}")))?;
        let hhea = font.hhea().map_err(|e| bad(format!("hhea table: {e}")))?;
        font.hmtx().map_err(|e| bad(format!("hmtx table: {e}")))?;
        font.maxp().map_err(|e| bad(format!("maxp table: {e}")))?;
        let has = |tag: &[u8; 4]| font.table_data(read_fonts::types::Tag::new(tag)).is_some();
        let cff = if has(b"glyf") {
            font.loca(None)
                .map_err(|e| bad(format!("loca table: {e}")))?;
            font.glyf().map_err(|e| bad(format!("glyf table: {e}")))?;
            false
        } else if has(b"CFF ") {
            let table = font
                .table_data(read_fonts::types::Tag::new(b"CFF "))
                .map_or(&[][..], |d| d.as_bytes());
            check_cff(table, head.units_per_em())
                .map_err(|why| bad(format!("CFF table: {why}")))?;
            true
        } else if has(b"CFF2") {
            return Err(Diagnostic::error(format!(
                "`{}` has CFF2 (variable) outlines, which trang cannot embed",
                path.display()
            ))
            .help(
                "use a static instance of the font (an .otf with CFF outlines or a .ttf), \
                 e.g. from the family's static/ folder, or `fonttools varLib.instancer`",
            ));
        } else {
            return Err(bad(
                "it has no glyph outlines (no `glyf` or `CFF ` table)".into()
            ));
        };
        let cmap = font.cmap().map_err(|e| bad(format!("cmap table: {e}")))?;
        if cmap.map_codepoint('a').is_none() && cmap.map_codepoint('0').is_none() {
            return Err(bad("its character map covers neither `a` nor `0`".into()));
        }
        let os2 = font.os2().ok();
        let (ascender, descender, line_gap) = match &os2 {
            Some(os2) if os2.s_typo_ascender() > 0 => (
                os2.s_typo_ascender(),
                os2.s_typo_descender(),
                os2.s_typo_line_gap(),
            ),
            _ => (
                hhea.ascender().to_i16(),
                hhea.descender().to_i16(),
                hhea.line_gap().to_i16(),
            ),
        };
        let upem = head.units_per_em();
        let x_height = os2
            .as_ref()
            .and_then(|o| o.sx_height())
            .filter(|&h| h > 0)
            .unwrap_or((upem / 2) as i16);
        let cap_height = os2
            .as_ref()
            .and_then(|o| o.s_cap_height())
            .filter(|&h| h > 0)
            .unwrap_or(ascender);
        let postscript_name = postscript_name(&font)
            .unwrap_or_else(|| format!("{}-{}", family.replace(' ', ""), style.key()));
        let metrics = Metrics {
            units_per_em: upem,
            ascender,
            descender,
            line_gap,
            x_height,
            cap_height,
        };
        Ok(Face {
            family: family.to_string(),
            role,
            style,
            path,
            data,
            index,
            cff,
            metrics,
            postscript_name,
        })
    }
}

/// Checks the parts of a `CFF ` table that a subsetter reads: one font,
/// every object of every INDEX (names, Top DICTs, strings, global and local
/// subroutines, charstrings, Font DICTs) inside the table, each glyph's Font
/// DICT (`FDSelect`) one that exists, and a charset. A damaged file is then
/// an error naming it when the fonts are loaded, instead of a failure when
/// the PDF is written (the check was first made for allsorts, the
/// subsetter printpdf used, which sliced these without bounds checks).
fn check_cff(table: &[u8], upem: u16) -> Result<(), String> {
    use read_fonts::FontRead;
    use read_fonts::ps::cff::{CffFontRef, index::Index};
    let whole = |what: &str, index: &Index| {
        (0..index.count() as usize)
            .all(|i| index.get(i).is_some())
            .then_some(())
            .ok_or_else(|| format!("an object of its {what} INDEX lies outside the table"))
    };
    let cff = read_fonts::tables::cff::Cff::read(read_fonts::FontData::new(table))
        .map_err(|e| e.to_string())?;
    if cff.top_dicts().count() != 1 {
        return Err("it does not hold exactly one font".into());
    }
    whole("Name", &cff.names().into())?;
    whole("Top DICT", &cff.top_dicts().into())?;
    whole("String", &cff.strings().into())?;
    let font = CffFontRef::new_cff(table, 0, Some(i32::from(upem))).map_err(|e| e.to_string())?;
    whole("Global Subr", font.global_subrs())?;
    whole("CharStrings", font.charstrings())?;
    if font.charset().is_none() {
        return Err("its charset is missing or damaged".into());
    }
    let subfonts = font.num_subfonts();
    if subfonts == 0 {
        return Err("its Font DICT array is empty".into());
    }
    for i in 0..subfonts {
        let sub = font
            .subfont(i, &[])
            .map_err(|e| format!("Font DICT {i}: {e}"))?;
        if sub.subrs_offset() != 0 {
            let local = table
                .get(sub.subrs_offset() as usize..)
                .and_then(|d| Index::new(d, false).ok())
                .ok_or_else(|| format!("the local Subrs of Font DICT {i} lie outside the table"))?;
            whole("local Subr", &local)?;
        }
    }
    if subfonts > 1 {
        let lost = (0..font.num_glyphs()).find(|&g| {
            font.subfont_index(read_fonts::types::GlyphId::new(g))
                .is_none_or(|i| i >= subfonts)
        });
        if let Some(g) = lost {
            return Err(format!("glyph {g} has no Font DICT (FDSelect)"));
        }
    }
    Ok(())
}

fn postscript_name(font: &FontRef) -> Option<String> {
    let name = font.name().ok()?;
    let data = name.string_data();
    name.name_record()
        .iter()
        .filter(|r| r.name_id().to_u16() == 6)
        .find_map(|r| r.string(data).ok().map(|s| s.chars().collect::<String>()))
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_load_with_metrics_and_vietnamese_coverage() {
        let mut diags = Diagnostics::default();
        let set = FontSet::load(&FontSet::bundled_dir(), &mut diags).unwrap();
        assert!(diags.items.is_empty(), "{:?}", diags.items);
        for (role, style, face) in set.slots() {
            assert_eq!(face.role, role);
            assert_eq!(face.style, style);
            assert!(face.metrics.units_per_em >= 1000);
            assert!(face.metrics.ascender > 0 && face.metrics.descender < 0);
            for c in "ệởữặẫđĐƯươƠ“”–…".chars() {
                assert!(face.covers(c), "{} lacks {c}", face.path.display());
            }
            assert!(!face.covers('中'));
        }
        assert_eq!(
            set.face(Role::Body, Style::REGULAR).postscript_name,
            "SourceSerif4-Regular"
        );
    }
}
