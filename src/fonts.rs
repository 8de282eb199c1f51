//! The font set: one family per role (body, heading, code), four styles each,
//! described by a `fonts.toml` manifest in the font folder — data, not code.
//!
//! Faces are loaded once, validated (a file that is not a TrueType font, or is
//! truncated, is an error naming the file), and give the metrics the
//! typesetter needs straight from the font tables.

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
}

impl Role {
    /// The manifest's table name for this role.
    pub fn key(self) -> &'static str {
        match self {
            Role::Body => "body",
            Role::Heading => "heading",
            Role::Code => "code",
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
    /// The file's bytes.
    pub data: Arc<Vec<u8>>,
    /// Metrics from the tables.
    pub metrics: Metrics,
    /// PostScript name (from `name` id 6), for PDF base font names.
    pub postscript_name: String,
}

impl Face {
    /// Parses the font (cheap: reads the table directory).
    pub fn font_ref(&self) -> FontRef<'_> {
        FontRef::new(&self.data).expect("validated when loaded")
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

/// The three families in four styles each.
#[derive(Debug)]
pub struct FontSet {
    /// The folder the set was loaded from.
    pub dir: PathBuf,
    faces: BTreeMap<(Role, Style), Arc<Face>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFamily {
    family: String,
    regular: PathBuf,
    italic: Option<PathBuf>,
    bold: Option<PathBuf>,
    bold_italic: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    body: ManifestFamily,
    heading: Option<ManifestFamily>,
    code: Option<ManifestFamily>,
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
        let manifest: Manifest = toml::from_str(&text).map_err(|e| {
            Diagnostic::error(format!(
                "`{}` is not a valid font manifest: {}",
                manifest_path.display(),
                e.message()
            ))
            .in_file(&manifest_path)
            .help("see fonts/fonts.toml for the expected keys")
        })?;
        let family_of = |role: Role| match role {
            Role::Body => Some(&manifest.body),
            Role::Heading => manifest.heading.as_ref(),
            Role::Code => manifest.code.as_ref(),
        };
        let file_of = |fam: &'_ ManifestFamily, style: Style| match style.key() {
            "italic" => fam.italic.clone(),
            "bold" => fam.bold.clone(),
            "bold_italic" => fam.bold_italic.clone(),
            _ => None,
        };
        // Every file the manifest names, in its order, read and checked on
        // all cores at once (reading 12 faces is most of a short build's
        // fixed cost); the set is then assembled in that order, so errors
        // and warnings come out as if the files were read one by one.
        let mut jobs: Vec<(Role, Style, &str, PathBuf)> = Vec::new();
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
        let mut loaded = load_faces(dir, &jobs).into_iter();
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
        Ok(FontSet {
            dir: dir.to_path_buf(),
            faces,
        })
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

/// [`load_face`] for each (role, style, family, file), on up to two
/// threads; results in the order of `jobs`.
fn load_faces(dir: &Path, jobs: &[(Role, Style, &str, PathBuf)]) -> Vec<Result<Face, Diagnostic>> {
    let one = |(role, style, family, file): &(Role, Style, &str, PathBuf)| {
        load_face(dir, family, *role, *style, file)
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2)
        .min(jobs.len());
    if threads <= 1 {
        return jobs.iter().map(one).collect();
    }
    let (first, second) = jobs.split_at(jobs.len().div_ceil(2));
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| second.iter().map(one).collect::<Vec<_>>());
        let mut out: Vec<_> = first.iter().map(one).collect();
        out.extend(
            worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        out
    })
}

fn load_face(
    dir: &Path,
    family: &str,
    role: Role,
    style: Style,
    file: &Path,
) -> Result<Face, Diagnostic> {
    let path = dir.join(file);
    let data = std::fs::read(&path).map_err(|e| {
        Diagnostic::error(format!("cannot read font file `{}`: {e}", path.display())).help(format!(
            "fix the path of `{}` under [{}] in fonts.toml",
            style.key(),
            role.key()
        ))
    })?;
    let bad = |why: String| {
        Diagnostic::error(format!(
            "`{}` is not a usable TrueType font: {why}",
            path.display()
        ))
        .help("use a TTF file with glyf outlines (OTF/CFF, WOFF and collections are not supported)")
    };
    let font = FontRef::new(&data).map_err(|e| bad(e.to_string()))?;
    let head = font.head().map_err(|e| bad(format!("head table: {e}")))?;
    let hhea = font.hhea().map_err(|e| bad(format!("hhea table: {e}")))?;
    font.hmtx().map_err(|e| bad(format!("hmtx table: {e}")))?;
    font.maxp().map_err(|e| bad(format!("maxp table: {e}")))?;
    font.loca(None)
        .map_err(|e| bad(format!("loca table: {e}")))?;
    font.glyf().map_err(|e| bad(format!("glyf table: {e}")))?;
    let cmap = font.cmap().map_err(|e| bad(format!("cmap table: {e}")))?;
    if cmap.map_codepoint('a').is_none() && cmap.map_codepoint('0').is_none() {
        return Err(bad("its character map covers neither `a` nor `0`".into()));
    }
    // Check that the glyph data is all there: a truncated file fails here.
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
    Ok(Face {
        family: family.to_string(),
        role,
        style,
        path,
        data: Arc::new(data),
        metrics: Metrics {
            units_per_em: upem,
            ascender,
            descender,
            line_gap,
            x_height,
            cap_height,
        },
        postscript_name,
    })
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
