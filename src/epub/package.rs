//! Packaging: epub-builder writes the OPF manifest and spine, the NCX and the
//! navigation document; this module then completes what it cannot express
//! (metadata it has no key for, `xml:lang` and `role="doc-toc"` on the nav, the NCX `dtb:uid`, a
//! fixed `dcterms:modified`) and writes the OCF ZIP container (EPUB 3.3
//! §6.3) with every entry compressed at once by one reused libdeflate
//! compressor ([`crate::deflate`]). Every entry has the timestamp given by
//! the caller: `mimetype` first and stored (without an extra field), the
//! rest deflated unless that does not make them smaller, in epub-builder's
//! order — the same input gives the same bytes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{Cursor, Read, Write};

use epub_builder::{EpubBuilder, EpubContent, EpubVersion, ReferenceType, TocElement, ZipLibrary};
use rawzip::{DataDescriptorOutput, ZipArchiveWriter};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipArchive, ZipWriter};

use crate::diag::Diagnostic;
use crate::doc::Date;

use super::xml;

/// One content document.
pub struct Part {
    /// File name in the package, e.g. `chapter-01.xhtml`.
    pub file: String,
    /// Its title in the table of contents and the landmarks (empty: in
    /// neither).
    pub title: String,
    /// Listed in the table of contents (nav and NCX). The cover and the
    /// title page are not: a reader's contents lists the chapters, while
    /// the landmarks nav and the OPF guide still name them (EPUB 3.3
    /// §7.4.3: `cover`, `titlepage`).
    pub in_toc: bool,
    /// The whole XHTML document, deflated as soon as it was written.
    pub body: Body,
    /// Landmark type.
    pub reftype: Option<ReferenceType>,
    /// Its level in the table of contents (1 = top; a book's chapters in
    /// a part are at 2, see `book.rs`).
    pub level: i32,
    /// Sub-entries for the table of contents, with their levels relative
    /// to the part's (1 = directly under it).
    pub toc: Vec<(u8, String, String)>,
}

/// A file stored as is.
pub struct Resource {
    /// Path in the package.
    pub href: String,
    /// Media type.
    pub media_type: String,
    /// Bytes.
    pub data: Vec<u8>,
    /// The bytes packed already (the EPUB's fonts, packed when they are
    /// subset, which may be while the PDF's pages are set): the same as
    /// packing `data` here.
    pub packed: Option<Packed>,
}

/// Everything that goes into the package besides the content documents.
pub struct Package {
    /// Language tag.
    pub lang: String,
    /// `dc:identifier` text.
    pub identifier: String,
    /// The UUID given to epub-builder.
    pub uuid: uuid::Uuid,
    /// Title.
    pub title: String,
    /// Name of the table of contents.
    pub toc_name: String,
    /// Heading of the landmarks list.
    pub landmarks_name: String,
    /// Authors.
    pub authors: Vec<String>,
    /// Description.
    pub description: Option<String>,
    /// Subjects.
    pub subjects: Vec<String>,
    /// Rights.
    pub rights: Option<String>,
    /// Extra `<metadata>` children, as XML.
    pub extra_metadata: Vec<String>,
    /// Modification time, Unix seconds.
    pub modified: i64,
    /// The stylesheet.
    pub css: String,
    /// Fonts, images.
    pub resources: Vec<Resource>,
    /// The cover image, if any.
    pub cover: Option<Resource>,
    /// The `page-list` nav, when the EPUB marks a PDF's page breaks.
    pub page_list: Option<String>,
}

fn builder_error(e: epub_builder::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot build the EPUB: {e}"))
}

/// An entry's data as it goes into the archive: deflated by libdeflate
/// unless that does not make it smaller, then stored.
#[derive(Clone, Default)]
pub struct Packed {
    /// The raw deflate stream, or the bytes themselves.
    data: Vec<u8>,
    /// Whether `data` is deflated (else stored).
    deflated: bool,
    /// CRC-32 of the bytes.
    crc: u32,
    /// Length of the bytes.
    len: u64,
}

impl Packed {
    /// `bytes` packed with `z` (at [`EPUB_LEVEL`]).
    pub fn new(bytes: &[u8], z: &mut crate::deflate::Deflater) -> Result<Packed, String> {
        let mut data = Vec::new();
        let deflated = z.deflate_into(bytes, &mut data)? < bytes.len();
        if !deflated {
            data = bytes.to_vec();
        }
        data.shrink_to_fit();
        Ok(Packed {
            data,
            deflated,
            crc: rawzip::crc32(bytes),
            len: bytes.len() as u64,
        })
    }
}

/// A content document as it goes into the archive: packed as soon as it
/// is written, so that the EPUB writer holds one chapter's XHTML at a
/// time, not the book's (on a 50 MB document, some 110 MB of markup), and
/// what the package needs to know of its markup. (`Body::default()` is no
/// document: a stand-in for one only read, never packaged.)
#[derive(Default)]
pub struct Body {
    packed: Packed,
    /// It holds MathML (`<math `).
    mathml: bool,
    /// It holds inline SVG (`<svg `).
    svg: bool,
}

impl Body {
    /// Packs `xhtml` with `z`: the same bytes as packing it with the other
    /// entries at the end would give.
    pub fn pack(xhtml: &str, z: &mut crate::deflate::Deflater) -> Result<Body, Diagnostic> {
        Ok(Body {
            packed: Packed::new(xhtml.as_bytes(), z)
                .map_err(|e| Diagnostic::error(format!("cannot write the EPUB: {e}")))?,
            mathml: xhtml.contains("<math "),
            svg: xhtml.contains("<svg "),
        })
    }
}

/// A compressor for [`Body::pack`], at the level of the archive's other
/// entries.
pub fn body_packer() -> Result<crate::deflate::Deflater, Diagnostic> {
    crate::deflate::Deflater::new(EPUB_LEVEL)
        .map_err(|e| Diagnostic::error(format!("cannot write the EPUB: {e}")))
}

/// Landmarks of the parts left out of the table of contents, which
/// epub-builder drops from the landmarks nav and leaves untitled in the OPF
/// guide (it takes both titles from the entry): the `<li>` lines of the
/// landmarks nav, in spine order, and each guide reference's href and title.
#[derive(Default)]
struct Unlisted {
    landmarks: String,
    guide: Vec<(String, String)>,
    /// The files holding MathML or inline SVG (`--epub-math svg`), with
    /// the manifest properties they need (`mathml`, `svg`; EPUB 3.3
    /// §5.6.1.3), which epub-builder does not write.
    scripted: Vec<(String, &'static str)>,
}

impl Unlisted {
    fn of(parts: &[Part]) -> Unlisted {
        let mut u = Unlisted {
            scripted: parts
                .iter()
                .filter_map(|p| {
                    let props = match (p.body.mathml, p.body.svg) {
                        (true, true) => "mathml svg",
                        (true, false) => "mathml",
                        (false, true) => "svg",
                        (false, false) => return None,
                    };
                    Some((xml::attr(&p.file), props))
                })
                .collect(),
            ..Unlisted::default()
        };
        for p in parts.iter().filter(|p| !p.in_toc && !p.title.is_empty()) {
            let epub_type = match p.reftype {
                Some(ReferenceType::Cover) => "cover",
                Some(ReferenceType::TitlePage) => "titlepage",
                Some(ReferenceType::Copyright) => "copyright-page",
                _ => continue,
            };
            let (href, title) = (xml::attr(&p.file), xml::clean(&p.title));
            u.landmarks.push_str(&format!(
                "      <li><a epub:type=\"{epub_type}\" href=\"{href}\">{}</a></li>\n",
                xml::text(&title)
            ));
            u.guide.push((href, xml::attr(&title)));
        }
        u
    }
}

/// Builds the EPUB file.
///
/// epub-builder writes the package document, the NCX and the navigation
/// document from the names, media types and table of contents it is
/// given; the bodies it is given are empty, since its
/// [`epub_builder::EpubBuilder`] takes no other ZIP writer than its own,
/// which cannot be told how to compress. The archive is then written here
/// ([`archive`]) with the real bodies. (The copy of epub-builder trang
/// builds, `vendor/epub-builder`, stores its entries: deflating them
/// started a zlib compressor for each, 7.2 M of the article's 60.3 M
/// instructions, for an archive only read back here.)
///
/// `z` is the compressor the parts were packed with ([`body_packer`]),
/// reused for the other entries.
pub fn build(
    pkg: &Package,
    parts: &[Part],
    z: &mut crate::deflate::Deflater,
) -> Result<Vec<u8>, Diagnostic> {
    let zip = ZipLibrary::new().map_err(builder_error)?;
    let mut b = EpubBuilder::new(zip).map_err(builder_error)?;
    b.epub_version(EpubVersion::V30);
    b.set_title(xml::clean(&pkg.title));
    b.set_authors(pkg.authors.iter().map(|a| xml::clean(a)).collect());
    b.set_lang(pkg.lang.clone());
    b.set_generator("trang");
    b.set_toc_name(xml::clean(&pkg.toc_name));
    if let Some(d) = &pkg.description {
        b.add_description(xml::clean(d));
    }
    for s in &pkg.subjects {
        b.add_subject(xml::clean(s));
    }
    if let Some(r) = &pkg.rights {
        b.set_license(xml::clean(r));
    }
    b.set_uuid(pkg.uuid);
    // The bodies by their names in the archive.
    let mut bodies: HashMap<String, Entry> = HashMap::new();
    let none: &[u8] = &[];
    b.stylesheet(none).map_err(builder_error)?;
    bodies.insert(
        "OEBPS/stylesheet.css".into(),
        Entry::Raw(pkg.css.as_bytes()),
    );
    if let Some(c) = &pkg.cover {
        b.add_cover_image(&c.href, none, c.media_type.clone())
            .map_err(builder_error)?;
        bodies.insert(format!("OEBPS/{}", c.href), Entry::Raw(&c.data));
    }
    for r in &pkg.resources {
        b.add_resource(&r.href, none, r.media_type.clone())
            .map_err(builder_error)?;
        let body = match &r.packed {
            Some(p) => Entry::Ready(p),
            None => Entry::Raw(&r.data),
        };
        bodies.insert(format!("OEBPS/{}", r.href), body);
    }
    for part in parts {
        let mut content = EpubContent::new(part.file.clone(), none);
        bodies.insert(format!("OEBPS/{}", part.file), Entry::Packed(&part.body));
        if part.in_toc && !part.title.is_empty() {
            // epub-builder nests each entry under the last one of a lower
            // level (`Toc::add`), in the nav and in the NCX alike.
            let mut top =
                TocElement::new(part.file.clone(), xml::clean(&part.title)).level(part.level);
            for (level, url, title) in &part.toc {
                top.add(
                    TocElement::new(url.clone(), xml::clean(title))
                        .level(part.level + i32::from(*level)),
                );
            }
            content.toc = top;
        }
        if let Some(r) = part.reftype {
            content = content.reftype(r);
        }
        b.add_content(content).map_err(builder_error)?;
    }
    let mut raw = Vec::new();
    b.generate(&mut raw).map_err(builder_error)?;
    archive(&raw, &bodies, pkg, &Unlisted::of(parts), z)
        .map_err(|e| Diagnostic::error(format!("cannot write the EPUB: {e}")))
}

/// An entry's body: as it is, or already packed.
enum Entry<'a> {
    Raw(&'a [u8]),
    Packed(&'a Body),
    Ready(&'a Packed),
}

/// The final, reproducible ZIP: `mimetype` first and stored, then
/// epub-builder's entries in its order, each with its body from `bodies`
/// (the generated ones, completed, from `raw`), deflated by one
/// libdeflate compressor unless that does not make it smaller.
///
/// rawzip writes the compressed bodies into an intermediate archive, since
/// it takes data compressed elsewhere; the `zip` crate then copies them
/// into the final one, since rawzip always follows an entry with a data
/// descriptor, which Java's `ZipInputStream` (and so epublib-based
/// readers) refuses on a stored entry, and some readers on `mimetype`.
fn archive(
    raw: &[u8],
    bodies: &HashMap<String, Entry>,
    pkg: &Package,
    unlisted: &Unlisted,
    z: &mut crate::deflate::Deflater,
) -> Result<Vec<u8>, String> {
    let zip_err = |e: zip::result::ZipError| e.to_string();
    let raw_err = |e: rawzip::Error| e.to_string();
    let mut generated = ZipArchive::new(Cursor::new(raw)).map_err(zip_err)?;
    let mut entries: Vec<(String, Cow<Packed>)> = Vec::with_capacity(generated.len());
    for i in 0..generated.len() {
        let mut f = generated.by_index(i).map_err(zip_err)?;
        let name = f.name().to_string();
        let fix: Option<fn(&str, &Package, &Unlisted) -> String> = match name.as_str() {
            "mimetype" => continue,
            "OEBPS/content.opf" => Some(fix_opf),
            "OEBPS/nav.xhtml" => Some(fix_nav),
            "OEBPS/toc.ncx" => Some(fix_ncx),
            _ => None,
        };
        let body = match bodies.get(&name) {
            Some(Entry::Raw(body)) => Cow::Owned(Packed::new(body, z)?),
            Some(Entry::Packed(body)) => Cow::Borrowed(&body.packed),
            Some(Entry::Ready(packed)) => Cow::Borrowed(*packed),
            None => {
                let mut data = Vec::new();
                f.read_to_end(&mut data).map_err(|e| e.to_string())?;
                if let Some(fix) = fix {
                    data = fix(&String::from_utf8_lossy(&data), pkg, unlisted).into_bytes();
                }
                Cow::Owned(Packed::new(&data, z)?)
            }
        };
        entries.push((name, body));
    }
    // The bodies, compressed, in an archive of their own.
    let size: usize = entries.iter().map(|(_, b)| b.data.len()).sum();
    let mut packed = ZipArchiveWriter::new(Vec::with_capacity(size + 1024));
    for (name, body) in &entries {
        let method = match body.deflated {
            true => rawzip::CompressionMethod::DEFLATE,
            false => rawzip::CompressionMethod::STORE,
        };
        let (mut entry, _) = packed
            .new_file(name.as_str())
            .compression_method(method)
            .start()
            .map_err(raw_err)?;
        entry.write_all(&body.data).map_err(|e| e.to_string())?;
        entry
            .finish(DataDescriptorOutput::new(body.crc, body.len))
            .map_err(raw_err)?;
    }
    let packed = packed.finish().map_err(raw_err)?;
    // The final archive, every entry stamped with the book's time.
    let mut packed = ZipArchive::new(Cursor::new(packed)).map_err(zip_err)?;
    let time = zip_time(pkg.modified);
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(packed.offset() as usize)));
    let stored = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Stored)
        .last_modified_time(time)
        .unix_permissions(0o644);
    out.start_file("mimetype", stored).map_err(zip_err)?;
    out.write_all(b"application/epub+zip")
        .map_err(|e| e.to_string())?;
    for i in 0..packed.len() {
        let f = packed.by_index_raw(i).map_err(zip_err)?;
        out.raw_copy_file_touch(f, time, Some(0o644))
            .map_err(zip_err)?;
    }
    Ok(out.finish().map_err(zip_err)?.into_inner())
}

/// How hard the EPUB's entries are compressed: libdeflate's level 6 (its
/// lazy matcher, about zlib's 9 in size). On the generated book, packaging
/// takes 112.3 M instructions at 6 against 124.6 M at 9, for an EPUB of
/// 190,060 bytes against 189,292 (+0.4 %).
const EPUB_LEVEL: i32 = 6;

/// The ZIP timestamp for Unix seconds (clamped to the years ZIP can hold).
fn zip_time(secs: i64) -> DateTime {
    let d = Date::from_unix_seconds(secs);
    let t = secs.rem_euclid(86_400);
    let (h, m, s) = ((t / 3600) as u8, (t / 60 % 60) as u8, (t % 60) as u8);
    if d.year < 1980 {
        return DateTime::default();
    }
    DateTime::from_date_and_time(d.year.min(2107) as u16, d.month, d.day, h, m, s)
        .unwrap_or_default()
}

/// `dcterms:modified` form of Unix seconds.
pub fn w3c_time(secs: i64) -> String {
    let d = Date::from_unix_seconds(secs);
    let t = secs.rem_euclid(86_400);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        d.iso(),
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// Replaces the text of the first element starting with `open` (up to `close`).
fn replace_inner(s: &str, open: &str, close: &str, inner: &str) -> String {
    let Some(a) = s.find(open) else {
        return s.to_string();
    };
    let start = a + open.len();
    let Some(len) = s[start..].find(close) else {
        return s.to_string();
    };
    format!("{}{}{}", &s[..start], inner, &s[start + len..])
}

fn fix_opf(opf: &str, pkg: &Package, unlisted: &Unlisted) -> String {
    let mut s = replace_inner(
        opf,
        "<dc:identifier id=\"epub-id-1\">",
        "</dc:identifier>",
        &xml::text(&pkg.identifier),
    );
    s = replace_inner(
        &s,
        "<meta property=\"dcterms:modified\">",
        "</meta>",
        &w3c_time(pkg.modified),
    );
    s = s.replacen(
        "unique-identifier=\"epub-id-1\">",
        &format!(
            "unique-identifier=\"epub-id-1\" xml:lang=\"{}\">",
            xml::attr(&pkg.lang)
        ),
        1,
    );
    let extra: String = pkg
        .extra_metadata
        .iter()
        .map(|m| format!("    {m}\n"))
        .collect();
    // The guide (what Calibre's MOBI and AZW3 writers read) titles them too.
    for (href, title) in &unlisted.guide {
        s = s.replacen(
            &format!("title=\"\" href=\"{href}\"/>"),
            &format!("title=\"{title}\" href=\"{href}\"/>"),
            1,
        );
    }
    for (href, props) in &unlisted.scripted {
        let item_end = format!(" href=\"{href}\"/>");
        if let Some(end) = s.find(&item_end)
            && let Some(start) = s[..end].rfind("<item ")
        {
            s.insert_str(start + "<item ".len(), &format!("properties=\"{props}\" "));
        }
    }
    s.replacen("  </metadata>", &format!("{extra}  </metadata>"), 1)
}

fn fix_nav(nav: &str, pkg: &Package, unlisted: &Unlisted) -> String {
    let lang = xml::attr(&pkg.lang);
    let nav = match &pkg.page_list {
        Some(list) => nav.replacen("</body>", &format!("  {list}</body>"), 1),
        None => nav.to_string(),
    };
    // The unlisted parts' landmarks go first (they come first in the
    // spine), into epub-builder's list or a list of their own.
    const LANDMARKS: &str = "<nav epub:type = \"landmarks\">\n";
    let nav = match nav.find(LANDMARKS) {
        Some(at) if !unlisted.landmarks.is_empty() => {
            let after = at + LANDMARKS.len();
            let rest = &nav[after..];
            if rest.trim_start().starts_with("<ol>") {
                let ol = after + rest.find("<ol>\n").map_or(0, |i| i + "<ol>\n".len());
                format!("{}{}{}", &nav[..ol], unlisted.landmarks, &nav[ol..])
            } else {
                format!(
                    "{}    <ol>\n{}    </ol>\n{}",
                    &nav[..after],
                    unlisted.landmarks,
                    rest
                )
            }
        }
        _ => nav.to_string(),
    };
    nav.replacen(
        "<html ",
        &format!("<html xml:lang=\"{lang}\" lang=\"{lang}\" "),
        1,
    )
    .replacen(
        "<meta charset = \"utf-8\" />",
        "<meta charset=\"utf-8\" />",
        1,
    )
    // DPUB-ARIA's role for the toc nav (Ace: epub-type-has-matching-role).
    .replacen(
        "<nav epub:type = \"toc\" id=\"toc\">",
        "<nav epub:type=\"toc\" id=\"toc\" role=\"doc-toc\">",
        1,
    )
    .replacen(
        "<nav epub:type = \"landmarks\">",
        &format!(
            "<nav epub:type=\"landmarks\" id=\"landmarks\" hidden=\"hidden\">\n    <h2>{}</h2>",
            xml::text(&pkg.landmarks_name)
        ),
        1,
    )
}

fn fix_ncx(ncx: &str, pkg: &Package, _: &Unlisted) -> String {
    // `dtb:depth` is the depth of the deepest navPoint (ANSI/NISO
    // Z39.86-2005, §8.4.1); epub-builder's template always says 1.
    let depth = ncx_depth(ncx);
    let ncx = ncx.replacen(
        "<meta name=\"dtb:depth\" content=\"1\" />",
        &format!("<meta name=\"dtb:depth\" content=\"{depth}\" />"),
        1,
    );
    replace_inner(
        &ncx,
        "<docTitle>\n    <text>",
        "</text>",
        &xml::text(&xml::clean(&pkg.title)),
    )
    .replacen(
        "<head>",
        &format!(
            "<head>\n    <meta name=\"dtb:uid\" content=\"{}\" />",
            xml::attr(&pkg.identifier)
        ),
        1,
    )
    .replacen(
        "<ncx version=\"2005-1\" ",
        &format!(
            "<ncx version=\"2005-1\" xml:lang=\"{}\" ",
            xml::attr(&pkg.lang)
        ),
        1,
    )
}

/// How deep the NCX's navPoints nest (1: a flat list).
fn ncx_depth(ncx: &str) -> usize {
    let (mut depth, mut max) = (0usize, 0usize);
    let mut rest = ncx;
    while let Some(i) = rest.find("navPoint") {
        let closing = rest[..i].ends_with("</");
        let opening = rest[..i].ends_with('<');
        if opening {
            depth += 1;
            max = max.max(depth);
        } else if closing {
            depth = depth.saturating_sub(1);
        }
        rest = &rest[i + "navPoint".len()..];
    }
    max.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ncx_depth_counts_nesting() {
        let flat = "<navMap><navPoint id=\"a\"></navPoint><navPoint id=\"b\"></navPoint></navMap>";
        assert_eq!(ncx_depth(flat), 1);
        let deep =
            "<navPoint><navPoint><navPoint></navPoint></navPoint><navPoint></navPoint></navPoint>";
        assert_eq!(ncx_depth(deep), 3);
    }

    #[test]
    fn times() {
        assert_eq!(zip_time(0), DateTime::default());
        assert_eq!(w3c_time(1_656_979_200 + 3_723), "2022-07-05T01:02:03Z");
    }
}
