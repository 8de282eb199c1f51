//! Embedded fonts: each face the book uses, cut down to the glyphs it draws.
//!
//! The `subsetter` crate (from typst) subsets the outlines (`glyf`/`loca`,
//! composite glyphs included, or `CFF `, which it rewrites CID-keyed with
//! glyph id = CID), `hmtx`/`hhea`, `maxp`, `name` and `post`, but
//! it is made for PDF and leaves out `cmap` and `OS/2`, which a reading
//! system needs. This module adds them back: a new `cmap` for the kept
//! characters and the original `OS/2`, then rebuilds the table directory and
//! checksums. Layout tables (`GSUB`/`GPOS`) are not kept: the text is NFC, so
//! Vietnamese letters are drawn with their precomposed glyphs.
//!
//! A face with CFF outlines becomes an OpenType/CFF file (`OTTO`, `.otf`,
//! media type `font/otf`), a TrueType face a `.ttf` (`font/ttf`): both are
//! core media types of EPUB 3.3 (§ 3.2). A member of a collection
//! (`.ttc`/`.otc`) is cut out of it as a standalone font.

use std::collections::{BTreeMap, BTreeSet};

use read_fonts::{FontRef, TableProvider};
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
    Ok((href, media_type, subset_face(&face.data, index, chars)?))
}

/// Subsets every face that some used slot draws with.
pub fn embed(fonts: &FontSet, usage: &Usage) -> Result<Vec<Embedded>, Diagnostic> {
    // Faces by file (a fallback face can serve several slots).
    let mut groups = Groups::new();
    for (role, style, face) in fonts.slots() {
        let Some(chars) = usage.get(&(role, style)) else {
            continue;
        };
        let g = groups.entry((face.path.clone(), face.index)).or_default();
        g.0.push((role, style));
        g.1.extend(chars.iter().copied());
    }
    let mut out: Vec<Embedded> = Vec::new();
    for ((path, index), (slots, chars)) in groups {
        let face = fonts.face(slots[0].0, slots[0].1);
        let (href, media_type, data) = package_face(face, &path, index, &chars, |h| {
            out.iter().any(|e| e.href == h)
        })
        .map_err(|why| {
            Diagnostic::error(format!("cannot subset font `{}`: {why}", path.display()))
                .help("use another TrueType or OpenType/CFF font for this role in fonts.toml")
        })?;
        out.push(Embedded {
            href,
            media_type,
            data,
            family: face.family.clone(),
            slots,
        });
    }
    Ok(out)
}

/// A standalone font holding the glyphs of `chars` (those it covers) from
/// face `index` of `data` (0 unless `data` is a collection): TrueType for a
/// face with `glyf` outlines, OpenType/CFF (`OTTO`) for one with `CFF `.
pub fn subset_face(data: &[u8], index: u32, chars: &BTreeSet<char>) -> Result<Vec<u8>, String> {
    let font = FontRef::from_index(data, index).map_err(|e| e.to_string())?;
    let cmap = font.cmap().map_err(|e| e.to_string())?;
    let mut remapper = GlyphRemapper::new();
    let mut mapping: Vec<(u32, u16)> = Vec::new();
    for &c in chars {
        if let Some(g) = cmap
            .map_codepoint(c)
            .map(|g| g.to_u32())
            .filter(|&g| g != 0)
        {
            let g = u16::try_from(g).map_err(|_| "glyph id out of range".to_string())?;
            mapping.push((u32::from(c), remapper.remap(g)));
        }
    }
    let sub = subsetter::subset(data, index, &remapper).map_err(|e| e.to_string())?;
    let cff = sub.starts_with(b"OTTO");
    let mut tables = read_tables(&sub).ok_or("the subset font is malformed")?;
    tables.retain(|(tag, _)| tag != b"cmap" && tag != b"OS/2");
    tables.push((*b"cmap", build_cmap(&mapping)));
    if let Some(os2) = font.table_data(read_fonts::types::Tag::new(b"OS/2")) {
        tables.push((*b"OS/2", os2.as_bytes().to_vec()));
    }
    Ok(write_font(tables, cff))
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

/// A `cmap` with a format 4 subtable (BMP) and, when needed, format 12.
fn build_cmap(mapping: &[(u32, u16)]) -> Vec<u8> {
    let mut map = mapping.to_vec();
    map.sort();
    // Runs of consecutive characters with consecutive glyphs.
    let mut runs: Vec<(u32, u32, u16)> = Vec::new();
    for &(c, g) in &map {
        match runs.last_mut() {
            Some((start, end, start_g))
                if *end + 1 == c && u32::from(*start_g) + (c - *start) == u32::from(g) =>
            {
                *end = c;
            }
            _ => runs.push((c, c, g)),
        }
    }
    let bmp: Vec<_> = runs.iter().filter(|r| r.1 <= 0xFFFF).copied().collect();
    let mut f4 = Vec::new();
    let seg = bmp.len() + 1;
    let selector = usize::BITS - 1 - seg.leading_zeros();
    let range = 2 * (1usize << selector);
    let len = 16 + 8 * seg;
    for v in [
        4,
        len,
        0,
        2 * seg,
        range,
        selector as usize,
        2 * seg - range,
    ] {
        f4.extend((v as u16).to_be_bytes());
    }
    for r in &bmp {
        f4.extend((r.1 as u16).to_be_bytes());
    }
    f4.extend(0xFFFFu16.to_be_bytes());
    f4.extend(0u16.to_be_bytes());
    for r in &bmp {
        f4.extend((r.0 as u16).to_be_bytes());
    }
    f4.extend(0xFFFFu16.to_be_bytes());
    for r in &bmp {
        f4.extend(r.2.wrapping_sub(r.0 as u16).to_be_bytes());
    }
    f4.extend(1u16.to_be_bytes());
    f4.extend(vec![0u8; 2 * seg]);
    let f12 = (map.iter().any(|&(c, _)| c > 0xFFFF)).then(|| {
        let mut t = Vec::new();
        t.extend(12u16.to_be_bytes());
        t.extend(0u16.to_be_bytes());
        t.extend(((16 + 12 * runs.len()) as u32).to_be_bytes());
        t.extend(0u32.to_be_bytes());
        t.extend((runs.len() as u32).to_be_bytes());
        for r in &runs {
            t.extend(r.0.to_be_bytes());
            t.extend(r.1.to_be_bytes());
            t.extend(u32::from(r.2).to_be_bytes());
        }
        t
    });
    let n = if f12.is_some() { 2u16 } else { 1 };
    let mut out = Vec::new();
    out.extend(0u16.to_be_bytes());
    out.extend(n.to_be_bytes());
    let first = 4 + 8 * u32::from(n);
    out.extend([0, 3, 0, 1]);
    out.extend(first.to_be_bytes());
    if f12.is_some() {
        out.extend([0, 3, 0, 10]);
        out.extend((first + f4.len() as u32).to_be_bytes());
    }
    out.extend(f4);
    if let Some(t) = f12 {
        out.extend(t);
    }
    out
}
