//! Embedded fonts: each face the book uses, cut down to the glyphs it draws.
//!
//! The subsets keep their OpenType layout: `GSUB`, `GPOS` and `GDEF` for the
//! glyphs kept, so a reading system shapes the text as our PDF does —
//! kerning (`kern` feature in `GPOS`), ligatures (`liga` in `GSUB`) and mark
//! positioning (`mark`/`mkmk`, on which Vietnamese stacked marks rely in
//! faces that compose them). `skera`, fontations' Rust port of HarfBuzz's
//! hb-subset, does the subsetting (see [`subset_face`]); the PDF keeps
//! `subsetter`, whose subsets have no layout tables (the PDF is shaped
//! already). The glyph set is the closure of the characters used through
//! `GSUB` (OpenType 1.9, "GSUB — glyph substitution table"; the closure is
//! hb-subset's).
//!
//! A face with CFF outlines becomes an OpenType/CFF file (`OTTO`, `.otf`,
//! media type `font/otf`), a TrueType face a `.ttf` (`font/ttf`): both are
//! core media types of EPUB 3.3 (§ 3.2). A member of a collection
//! (`.ttc`/`.otc`) is cut out of it as a standalone font.
//!
//! The math face (`[math]`, STIX Two Math bundled) is embedded only when a
//! formula draws with it; its subset keeps the `MATH` table, which skera
//! drops, and the glyphs that table reaches ([`subset_math_face`],
//! [`super::mathtable`]).

use std::collections::{BTreeMap, BTreeSet};

use read_fonts::FontRef;
use read_fonts::collections::IntSet;
use read_fonts::types::{GlyphId, NameId, Tag};
use skera::{Plan, SubsetFlags};
use subsetter::GlyphRemapper;

use crate::diag::Diagnostic;
use crate::fonts::{FontSet, Role, Style};

use super::usage::Usage;

/// One embedded font file.
pub struct Embedded {
    /// Path inside the package, e.g. `fonts/SourceSerif4-Regular.ttf`.
    pub href: String,
    /// Its media type: `font/ttf` or `font/otf`.
    pub media_type: &'static str,
    /// The subset font.
    pub data: Vec<u8>,
    /// CSS family name.
    pub family: String,
    /// The (role, style) slots it serves.
    pub slots: Vec<(Role, Style)>,
}

/// Per face (file and index in a collection): the slots it serves and the
/// characters they draw.
type Groups = BTreeMap<(std::path::PathBuf, u32), (Vec<(Role, Style)>, BTreeSet<char>)>;

/// The package file for face `index` of `path` subset to `chars`: its
/// href (`fonts/STEM.ttf` or `.otf`, a collection member's index in the
/// stem, `-2`, `-3`… while `taken` says the name is in use), media type and
/// bytes; the error says why the subset failed.
pub fn package_face(
    face: &crate::fonts::Face,
    path: &std::path::Path,
    index: u32,
    chars: &BTreeSet<char>,
    taken: impl Fn(&str) -> bool,
) -> Result<(String, &'static str, Vec<u8>), String> {
    let data = face_subset(face, index, chars)?;
    let (href, media_type) = face_href(face, path, index, taken);
    Ok((href, media_type, data))
}

/// The href and media type [`package_face`] gives face `index` of `path`.
fn face_href(
    face: &crate::fonts::Face,
    path: &std::path::Path,
    index: u32,
    taken: impl Fn(&str) -> bool,
) -> (String, &'static str) {
    let mut stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if face.data.starts_with(b"ttcf") {
        stem = format!("{stem}-{index}");
    }
    let stem: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let (ext, media_type) = if face.cff {
        ("otf", "font/otf")
    } else {
        ("ttf", "font/ttf")
    };
    let mut href = format!("fonts/{stem}.{ext}");
    let mut n = 1;
    while taken(&href) {
        n += 1;
        href = format!("fonts/{stem}-{n}.{ext}");
    }
    (href, media_type)
}

/// The bytes [`package_face`] gives face `index` subset to `chars`.
fn face_subset(
    face: &crate::fonts::Face,
    index: u32,
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, String> {
    if face.role == Role::Math {
        subset_math_face(&face.data, index, chars)
    } else {
        subset_face(&face.data, index, chars)
    }
}

/// How many threads the faces are subset on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threads {
    /// This one: the other cores are taken (the EPUB's fonts made while
    /// the PDF's pages are set, on two cores).
    One,
    /// Two when there are two cores or more.
    Cores,
}

/// Subsets every face that some used slot draws with.
///
/// The faces are independent, so with [`Threads::Cores`] and two or more
/// cores they are subset on two threads (every other face on a second
/// one). With [`Threads::One`] they are subset here: on the article, with
/// the PDF set on the other of two cores, a second thread made the build
/// slower (12.7 against 13.4 ms) and 1.8 ms of CPU dearer
/// (benches/README.md, session 28). The files
/// and their order do not depend on the threads.
pub fn embed(
    fonts: &FontSet,
    usage: &Usage,
    threads: Threads,
) -> Result<Vec<Embedded>, Diagnostic> {
    // Faces by file (a fallback face can serve several slots).
    let mut groups = Groups::new();
    // The math face only when a formula draws with it (a book without
    // formulas does not read it).
    let math = match usage.get(&(Role::Math, Style::REGULAR)) {
        Some(chars) => Some((fonts.math()?, chars)),
        None => None,
    };
    let slots = fonts
        .slots()
        .chain(math.map(|(face, _)| (Role::Math, Style::REGULAR, face)));
    for (role, style, face) in slots {
        let Some(chars) = usage.get(&(role, style)) else {
            continue;
        };
        let g = groups.entry((face.path.clone(), face.index)).or_default();
        g.0.push((role, style));
        g.1.extend(chars.iter().copied());
    }
    let mut faces = Vec::with_capacity(groups.len());
    for ((path, index), (slots, chars)) in groups {
        let face = if slots[0].0 == Role::Math {
            fonts.math()?
        } else {
            fonts.face(slots[0].0, slots[0].1)
        };
        faces.push((face, path, index, slots, chars));
    }
    let subset = |k: usize| {
        let (face, _, index, _, chars) = &faces[k];
        face_subset(face, *index, chars)
    };
    let parallel = threads == Threads::Cores && faces.len() > 1 && crate::cores() > 1;
    let data: Vec<Result<Vec<u8>, String>> = if parallel {
        std::thread::scope(|scope| {
            let worker =
                scope.spawn(|| (1..faces.len()).step_by(2).map(subset).collect::<Vec<_>>());
            let mine: Vec<_> = (0..faces.len()).step_by(2).map(subset).collect();
            let theirs = worker
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            // Even faces were subset here, odd ones by the worker.
            let mut theirs = theirs.into_iter();
            mine.into_iter()
                .flat_map(|m| std::iter::once(m).chain(theirs.next()))
                .collect()
        })
    } else {
        (0..faces.len()).map(subset).collect()
    };
    let mut out: Vec<Embedded> = Vec::new();
    for ((face, path, index, slots, _), bytes) in faces.into_iter().zip(data) {
        let bytes = bytes.map_err(|why| {
            Diagnostic::error(format!("cannot subset font `{}`: {why}", path.display()))
                .help("use another TrueType or OpenType/CFF font for this role in fonts.toml")
        })?;
        let (href, media_type) = face_href(face, &path, index, |h| out.iter().any(|e| e.href == h));
        out.push(Embedded {
            href,
            media_type,
            data: bytes,
            family: face.family.clone(),
            slots,
        });
    }
    Ok(out)
}

/// A standalone font holding the glyphs of `chars` (those it covers) from
/// face `index` of `data` (0 unless `data` is a collection), with the layout
/// tables that shape them: TrueType for a face with `glyf` outlines,
/// OpenType/CFF (`OTTO`) for one with `CFF `/`CFF2`.
///
/// `skera` (fontations' port of HarfBuzz's hb-subset) plans the glyph set,
/// the closure of the characters through `GSUB` (ligatures, alternates, the
/// glyphs `ccmp` decomposes to) and bidi mirroring, and writes every table
/// it knows for it: outlines, metrics, `cmap`, `OS/2` (its character range
/// and Unicode ranges recomputed), `name`, `post`, and `GSUB`, `GPOS` and
/// `GDEF` cut down to the lookups that touch kept glyphs, so a reading
/// system kerns, forms ligatures and places marks as the PDF does. Of the
/// features, the set HarfBuzz applies by default is kept (`kern`, `liga`,
/// `mark`, `mkmk`, `ccmp`, `locl`, … — the stylesheet asks for no other),
/// fractions only when the text has a fraction slash.
/// `skera` does not subset CFF outlines, so for such a face `subsetter` cuts
/// the `CFF `/`CFF2` table with the glyph order of skera's plan.
pub fn subset_face(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    subset_with(data, index, chars, false)
}

/// [`subset_face`] for a math face: the subset keeps the `MATH` table
/// ([`super::mathtable`]) and the glyphs it reaches from the formulas'
/// glyphs (size variants and assembly parts of growing brackets, radicals,
/// large operators and accents), and the math features of `GSUB` a
/// reading system applies (MathML Core §3.2.1: `ssty` script forms,
/// `dtls` dotless bases under accents, `flac` flattened accents on tall
/// bases).
pub fn subset_math_face(
    data: &[u8],
    index: u32,
    chars: &BTreeSet<char>,
) -> Result<Vec<u8>, String> {
    subset_with(data, index, chars, true)
}

fn subset_with(
    data: &[u8],
    index: u32,
    chars: &BTreeSet<char>,
    math: bool,
) -> Result<Vec<u8>, String> {
    let font = FontRef::from_index(data, index).map_err(|e| e.to_string())?;
    let math = if math {
        Some(super::mathtable::read(&font).ok_or("the font has no MATH table")??)
    } else {
        None
    };
    let unicodes: IntSet<u32> = chars.iter().map(|&c| u32::from(c)).collect();
    let drop_tables: IntSet<Tag> = skera::DEFAULT_DROP_TABLES.iter().copied().collect();
    let mut scripts = IntSet::<Tag>::empty();
    scripts.invert();
    // Fractions (`frac`, `numr`, `dnom`) are applied by HarfBuzz, and so by
    // Chromium and Firefox, only around U+2044 FRACTION SLASH
    // (hb-ot-shape.cc); without it their figures would never be drawn
    // (39 of the 193 glyphs of Source Serif 4 in the article).
    let fractions = chars.contains(&'\u{2044}');
    let features: IntSet<Tag> = skera::DEFAULT_LAYOUT_FEATURES
        .iter()
        .copied()
        .filter(|t| fractions || ![*b"frac", *b"numr", *b"dnom"].contains(&t.to_be_bytes()))
        .chain(
            [*b"ssty", *b"dtls", *b"flac"]
                .into_iter()
                .filter(|_| math.is_some())
                .map(|t| Tag::new(&t)),
        )
        .collect();
    // The name records `subsetter` kept before (copyright, names, version,
    // PostScript name, trademark, vendor and designer, licence), in every
    // language.
    let name_ids: IntSet<NameId> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13, 14]
        .into_iter()
        .map(NameId::new)
        .collect();
    let mut languages = IntSet::<u16>::empty();
    languages.invert();
    // skera unwraps on some malformed tables: a font it cannot cut is an
    // error of this font (the build names it), not a crash of the build.
    let (plan, sub) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let plan_for = |glyphs: &IntSet<GlyphId>| {
            Plan::new(
                glyphs,
                &unicodes,
                &font,
                SubsetFlags::default(),
                &drop_tables,
                &scripts,
                &features,
                &name_ids,
                &languages,
            )
        };
        let mut plan = plan_for(&IntSet::empty());
        // The characters' glyphs closed through `GSUB`, then through
        // `MATH` (hb-subset's order), planned again with those glyphs
        // until `GSUB` adds none that `MATH` grows further.
        while let Some(math) = &math {
            let mut glyphs: BTreeSet<u16> = plan
                .old_to_new_glyph_mapping()
                .filter_map(|(old, _)| u16::try_from(old.to_u32()).ok())
                .collect();
            let before = glyphs.len();
            super::mathtable::closure(math, &mut glyphs);
            if glyphs.len() == before {
                break;
            }
            let ids: IntSet<GlyphId> = glyphs.iter().map(|&g| GlyphId::from(g)).collect();
            plan = plan_for(&ids);
        }
        let sub = skera::subset_font(&font, &plan).map_err(|e| e.to_string());
        sub.map(|sub| (plan, sub))
    }))
    .map_err(|_| "the subsetter failed on this font's tables".to_string())??;
    let mut tables = read_tables(&sub).ok_or("the subset font is malformed")?;
    let cff_tag = [*b"CFF ", *b"CFF2"]
        .into_iter()
        .find(|t| font.table_data(Tag::new(t)).is_some());
    if let Some(cff_tag) = cff_tag {
        // The outlines in skera's glyph order: new id i is old id order[i].
        let mut order: Vec<(u32, u32)> = plan
            .old_to_new_glyph_mapping()
            .map(|(old, new)| (new.to_u32(), old.to_u32()))
            .collect();
        order.sort_unstable();
        let mut remapper = GlyphRemapper::new();
        for (new, old) in order {
            let old = u16::try_from(old).map_err(|_| "glyph id out of range".to_string())?;
            if u32::from(remapper.remap(old)) != new {
                return Err("the glyph order of the outlines and the layout differ".into());
            }
        }
        let outlines = subsetter::subset(data, index, &remapper).map_err(|e| e.to_string())?;
        let cff = read_tables(&outlines)
            .ok_or("the subset outlines are malformed")?
            .into_iter()
            .find(|(tag, _)| *tag == cff_tag)
            .ok_or("the subset font has no CFF outlines")?;
        tables.retain(|(tag, _)| *tag != cff_tag);
        tables.push(cff);
    }
    if let Some(math) = &math {
        let map: BTreeMap<u16, u16> = plan
            .old_to_new_glyph_mapping()
            .filter_map(|(old, new)| {
                Some((
                    u16::try_from(old.to_u32()).ok()?,
                    u16::try_from(new.to_u32()).ok()?,
                ))
            })
            .collect();
        tables.retain(|(tag, _)| tag != b"MATH");
        tables.push((*b"MATH", super::mathtable::subset(math, &map)?));
    }
    for need in [*b"cmap", *b"OS/2", *b"head", *b"hmtx", *b"maxp"] {
        if !tables.iter().any(|(tag, _)| *tag == need) {
            return Err(format!(
                "the subset font has no `{}` table",
                String::from_utf8_lossy(&need)
            ));
        }
    }
    Ok(write_font(tables, cff_tag.is_some()))
}

/// The tables of a font file.
fn read_tables(font: &[u8]) -> Option<Vec<([u8; 4], Vec<u8>)>> {
    let count = u16::from_be_bytes(font.get(4..6)?.try_into().ok()?) as usize;
    let mut tables = Vec::with_capacity(count + 2);
    for i in 0..count {
        let rec = font.get(12 + 16 * i..12 + 16 * (i + 1))?;
        let tag: [u8; 4] = rec[0..4].try_into().ok()?;
        let offset = u32::from_be_bytes(rec[8..12].try_into().ok()?) as usize;
        let length = u32::from_be_bytes(rec[12..16].try_into().ok()?) as usize;
        tables.push((tag, font.get(offset..offset + length)?.to_vec()));
    }
    Some(tables)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, chunk| {
        let mut b = [0u8; 4];
        b[..chunk.len()].copy_from_slice(chunk);
        sum.wrapping_add(u32::from_be_bytes(b))
    })
}

/// Writes a font file from its tables (sorted by tag, checksummed): an
/// OpenType/CFF file (`OTTO`) when `cff`, else TrueType (`0x00010000`).
fn write_font(mut tables: Vec<([u8; 4], Vec<u8>)>, cff: bool) -> Vec<u8> {
    tables.sort_by_key(|t| t.0);
    let n = tables.len() as u16;
    let selector = 15 - n.leading_zeros() as u16; // floor(log2(n))
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    if cff {
        out.extend(*b"OTTO");
    } else {
        out.extend(0x0001_0000u32.to_be_bytes());
    }
    for v in [n, range, selector, n * 16 - range] {
        out.extend(v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0);
            head_at = Some(offset + 8);
        }
        out.extend(*tag);
        out.extend(checksum(data).to_be_bytes());
        out.extend((offset as u32).to_be_bytes());
        out.extend((data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at..at + 4].copy_from_slice(&adj.to_be_bytes());
    }
    out
}
