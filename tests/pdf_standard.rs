//! `--pdf-standard` (issue 17): PDF/A-2u/3u and PDF/UA-1 as a user asks for
//! them and as a validator reads them: the XMP identification, the sRGB
//! output intent and its ICC profile, Info and XMP saying the same, the
//! link annotations PDF/A and PDF/UA want, a structurally clean file
//! (`qpdf --check`), the refusals with their place, and nothing of it when
//! no standard is asked for.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use common::{copy_dir, root};
use lopdf::{Dictionary, Document, Object};

const EPOCH: &str = "1700000000";

/// `trang build INPUT --format pdf -o OUT ARGS…`: the process output.
fn build(input: &Path, out: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("trang")
        .unwrap()
        .env("SOURCE_DATE_EPOCH", EPOCH)
        .args(["build", "--quiet", "--no-system-fonts", "--format", "pdf"])
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(args)
        .output()
        .unwrap()
}

/// Builds and returns the PDF's bytes, failing with trang's messages.
fn pdf_of(input: &Path, args: &[&str]) -> (Vec<u8>, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let out = build(input, dir.path(), args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "pdf"))
        .expect("a PDF was written");
    (std::fs::read(pdf).unwrap(), dir)
}

fn catalog(doc: &Document) -> &Dictionary {
    doc.catalog().unwrap()
}

fn deref<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap(),
        o => o,
    }
}

/// The XMP packet of the catalog's `/Metadata`, unfiltered.
fn xmp(doc: &Document) -> String {
    let stream = deref(doc, catalog(doc).get(b"Metadata").unwrap())
        .as_stream()
        .unwrap();
    assert!(
        stream.dict.get(b"Filter").is_err(),
        "PDF/A readers expect the XMP packet unfiltered"
    );
    String::from_utf8(stream.content.clone()).unwrap()
}

/// The text of every element `ns`:`local` of the packet.
fn xmp_values(packet: &str, ns: &str, local: &str) -> Vec<String> {
    let body = packet
        .split_once("?>")
        .map(|(_, rest)| rest)
        .unwrap()
        .rsplit_once("<?xpacket")
        .map(|(body, _)| body)
        .unwrap();
    let xml = roxmltree::Document::parse(body).expect("the XMP packet is well-formed XML");
    xml.descendants()
        .filter(|n| n.tag_name().namespace() == Some(ns) && n.tag_name().name() == local)
        .map(|n| {
            n.descendants()
                .filter(|d| d.is_text())
                .map(|d| d.text().unwrap())
                .collect::<String>()
                .trim()
                .to_owned()
        })
        .collect()
}

const PDFAID: &str = "http://www.aiim.org/pdfa/ns/id/";
const PDFUAID: &str = "http://www.aiim.org/pdfua/ns/id/";
const DC: &str = "http://purl.org/dc/elements/1.1/";
const SCHEMA: &str = "http://www.aiim.org/pdfa/ns/schema#";

/// A PDF text string (UTF-16BE with a BOM, or PDFDocEncoding's ASCII).
fn text(o: &Object) -> String {
    let b = o.as_str().unwrap();
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8(b.to_vec()).unwrap()
    }
}

fn qpdf_check(bytes: &[u8]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("qpdf")
        .arg("--check")
        .arg(&path)
        .output()
        .expect("qpdf is installed");
    let said =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{said}");
    assert!(
        said.contains("No syntax or stream encoding errors") && !said.contains("WARNING"),
        "{said}"
    );
}

/// Everything a PDF/A + PDF/UA reader looks for first, on one file.
fn assert_identified(bytes: &[u8], part: &str, conformance: &str, ua: bool) {
    let doc = Document::load_mem(bytes).unwrap();
    let cat = catalog(&doc);
    let packet = xmp(&doc);
    assert_eq!(xmp_values(&packet, PDFAID, "part"), [part]);
    assert_eq!(xmp_values(&packet, PDFAID, "conformance"), [conformance]);
    let ua_part = xmp_values(&packet, PDFUAID, "part");
    let declared = xmp_values(&packet, SCHEMA, "prefix");
    if ua {
        assert_eq!(ua_part, ["1"]);
        // PDF/A allows only the schemas it knows, or those declared in an
        // extension schema: pdfuaid must be declared.
        assert_eq!(declared, ["pdfuaid"]);
        assert_eq!(xmp_values(&packet, SCHEMA, "namespaceURI"), [PDFUAID]);
    } else {
        assert!(ua_part.is_empty() && declared.is_empty());
    }

    // Info and XMP say the same (ISO 19005-2 §6.6.3), and the title a
    // PDF/UA viewer shows is there.
    let info = deref(&doc, doc.trailer.get(b"Info").unwrap())
        .as_dict()
        .unwrap();
    let title = text(info.get(b"Title").unwrap());
    assert!(!title.is_empty());
    assert_eq!(xmp_values(&packet, DC, "title"), [title]);
    if let Ok(author) = info.get(b"Author") {
        assert_eq!(xmp_values(&packet, DC, "creator"), [text(author)]);
    }
    assert_eq!(
        xmp_values(&packet, "http://ns.adobe.com/pdf/1.3/", "Producer"),
        [text(info.get(b"Producer").unwrap())]
    );
    let prefs = deref(&doc, cat.get(b"ViewerPreferences").unwrap())
        .as_dict()
        .unwrap();
    assert_eq!(
        prefs.get(b"DisplayDocTitle").unwrap(),
        &Object::Boolean(true)
    );
    assert!(!text(cat.get(b"Lang").unwrap()).is_empty());
    assert!(doc.trailer.get(b"ID").is_ok());
    assert!(doc.trailer.get(b"Encrypt").is_err());

    // One sRGB output intent, its ICC profile a display RGB profile.
    let intents = deref(&doc, cat.get(b"OutputIntents").unwrap())
        .as_array()
        .unwrap();
    assert_eq!(intents.len(), 1);
    let intent = deref(&doc, &intents[0]).as_dict().unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    assert_eq!(
        text(intent.get(b"OutputConditionIdentifier").unwrap()),
        "sRGB IEC61966-2.1"
    );
    let icc = deref(&doc, intent.get(b"DestOutputProfile").unwrap())
        .as_stream()
        .unwrap();
    assert_eq!(icc.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = icc.decompressed_content().unwrap_or(icc.content.clone());
    let size = u32::from_be_bytes(icc[..4].try_into().unwrap()) as usize;
    assert_eq!(size, icc.len(), "the profile's header gives its size");
    assert_eq!(&icc[12..16], b"mntr", "a display profile");
    assert_eq!(&icc[16..20], b"RGB ", "of RGB data");
    assert_eq!(&icc[20..24], b"XYZ ", "to the XYZ connection space");
    assert_eq!(&icc[36..40], b"acsp", "the ICC signature");
    assert!(icc[8] == 2 || icc[8] == 4, "ICC version 2 or 4");

    qpdf_check(bytes);
}

#[test]
fn the_article_as_pdf_a_2u_and_ua_1_identifies_itself_with_an_srgb_intent() {
    let (bytes, _dir) = pdf_of(
        &root().join("source/article.md"),
        &["--pdf-standard", "a-2u,ua-1"],
    );
    assert_identified(&bytes, "2", "U", true);
}

#[test]
fn mixed_as_pdf_a_2u_and_ua_1_marks_its_links_printable_and_describes_them() {
    let (bytes, _dir) = pdf_of(
        &root().join("tests/fixtures/mixed.md"),
        &["--pdf-standard", "a-2u,ua-1"],
    );
    assert_identified(&bytes, "2", "U", true);
    let doc = Document::load_mem(&bytes).unwrap();
    let mut links = Vec::new();
    for (_, page) in doc.get_pages() {
        let page = doc.get_dictionary(page).unwrap();
        for a in page
            .get(b"Annots")
            .and_then(Object::as_array)
            .into_iter()
            .flatten()
        {
            links.push(deref(&doc, a).as_dict().unwrap().clone());
        }
    }
    assert!(links.len() >= 5, "mixed.md has links: {}", links.len());
    for link in &links {
        // PDF/A-2 §6.3.2: printed, never hidden.
        assert_eq!(link.get(b"F").unwrap().as_i64().unwrap(), 4);
        assert!(link.get(b"C").is_err());
        // PDF/UA-1 §7.18.1: a description.
        assert!(!text(link.get(b"Contents").unwrap()).trim().is_empty());
    }
    // The external link to Mù Cang Chải is described by its text.
    let contents: Vec<String> = links
        .iter()
        .map(|l| text(l.get(b"Contents").unwrap()))
        .collect();
    let link = links
        .iter()
        .zip(&contents)
        .find(|(l, _)| {
            l.get(b"A")
                .and_then(|a| a.as_dict())
                .and_then(|a| a.get(b"URI"))
                .is_ok_and(|u| u.as_str().unwrap().ends_with(b"M%C3%B9_Cang_Ch%E1%BA%A3i"))
        })
        .map(|(_, c)| c.clone());
    let source = std::fs::read_to_string(root().join("tests/fixtures/mixed.md")).unwrap();
    let shown = link.expect("the Wikipedia link is there");
    assert!(
        source.contains(&format!("[{shown}](https://vi.wikipedia.org/wiki/M")),
        "the description is the link's text, not `{shown}`"
    );
}

#[test]
fn without_a_standard_nothing_is_claimed() {
    let (bytes, _dir) = pdf_of(&root().join("source/article.md"), &[]);
    let doc = Document::load_mem(&bytes).unwrap();
    let packet = xmp(&doc);
    assert!(xmp_values(&packet, PDFAID, "part").is_empty());
    assert!(xmp_values(&packet, PDFUAID, "part").is_empty());
    assert!(!packet.contains("pdfaExtension"));
    assert!(catalog(&doc).get(b"OutputIntents").is_err());
    // Without PDF/A the authors stay a list in XMP.
    let (mixed, _dir2) = pdf_of(&root().join("tests/fixtures/mixed.md"), &[]);
    let packet = xmp(&Document::load_mem(&mixed).unwrap());
    let creators = packet
        .split_once("<dc:creator>")
        .and_then(|(_, rest)| rest.split_once("</dc:creator>"))
        .map(|(list, _)| list.matches("<rdf:li>").count());
    assert_eq!(creators, Some(2), "{packet}");
}

#[test]
fn a_standard_build_is_reproducible() {
    let args = ["--pdf-standard", "a-3u"];
    let (a, _d1) = pdf_of(&root().join("source/article.md"), &args);
    let (b, _d2) = pdf_of(&root().join("source/article.md"), &args);
    assert!(a == b, "two builds of the same input differ");
    assert_identified(&a, "3", "U", false);
}

/// A Markdown file in a fresh folder, with the fixture's image beside it.
fn with_image(markdown: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/images/ruong.png"),
        dir.path().join("ruong.png"),
    )
    .unwrap();
    let input = dir.path().join("bai.md");
    std::fs::write(&input, markdown).unwrap();
    (dir, input)
}

#[test]
fn an_image_without_alt_text_is_refused_under_ua_1_at_its_place() {
    let (dir, input) =
        with_image("---\ntitle: Ảnh không lời\n---\n\nĐoạn đầu.\n\nAnh day: ![](ruong.png) hết.\n");
    let out_dir = dir.path().join("out");
    let out = build(&input, &out_dir, &["--pdf-standard", "a-2u,ua-1"]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("bai.md:7:10"), "the image's line:col: {said}");
    assert!(said.contains("PDF/UA-1"), "{said}");
    assert!(
        said.contains("add a description between the brackets"),
        "{said}"
    );
    let written: Vec<_> = std::fs::read_dir(&out_dir)
        .map(|d| d.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "nothing is written: {written:?}");

    // An `<img>` of raw HTML is refused too, and told to use `alt`; a
    // space after the comma is allowed on the command line as in the
    // front matter.
    let (dir2, html) = with_image("---\ntitle: Ảnh HTML\n---\n\nVà <img src=\"ruong.png\"> nữa.\n");
    let out = build(
        &html,
        &dir2.path().join("out"),
        &["--pdf-standard", "a-2u, ua-1"],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("bai.md:5:4"), "the tag's line:col: {said}");
    assert!(said.contains("alt=\"what the image shows\""), "{said}");

    // PDF/A alone does not ask for alt text: the same file builds.
    let out = build(&input, &out_dir, &["--pdf-standard", "a-2b"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // And with a description it builds under PDF/UA-1.
    let (_dir, described) =
        with_image("---\ntitle: Ảnh có lời\n---\n\nẢnh: ![Ruộng bậc thang](ruong.png)\n");
    let (bytes, _d) = pdf_of(&described, &["--pdf-standard", "ua-1"]);
    let doc = Document::load_mem(&bytes).unwrap();
    assert_eq!(xmp_values(&xmp(&doc), PDFUAID, "part"), ["1"]);
    // PDF/UA alone claims no PDF/A and needs no output intent.
    assert!(xmp_values(&xmp(&doc), PDFAID, "part").is_empty());
    assert!(catalog(&doc).get(b"OutputIntents").is_err());
}

#[test]
fn two_pdf_a_levels_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = build(
        &root().join("source/article.md"),
        dir.path(),
        &["--pdf-standard", "a-2b,a-3u"],
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("`a-2b` and `a-3u` cannot be combined"),
        "{said}"
    );
    let out = build(
        &root().join("source/article.md"),
        dir.path(),
        &["--pdf-standard", "a-1b"],
    );
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_book_asks_for_its_standard_in_book_toml_and_the_command_line_wins() {
    let dir = tempfile::tempdir().unwrap();
    let book = dir.path().join("book");
    copy_dir(&root().join("tests/fixtures/book"), &book);
    let toml = book.join("book.toml");
    let mut text = std::fs::read_to_string(&toml).unwrap();
    text.push_str("pdf_standard = [\"a-3u\"]\n");
    std::fs::write(&toml, &text).unwrap();
    let (bytes, _d) = pdf_of(&book, &[]);
    assert_identified(&bytes, "3", "U", false);
    let (bytes, _d) = pdf_of(&book, &["--pdf-standard", "a-2b"]);
    assert_identified(&bytes, "2", "B", false);

    std::fs::write(&toml, text.replace("[\"a-3u\"]", "\"a-4\"")).unwrap();
    let out = build(&book, &dir.path().join("out"), &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("book.toml:"), "{said}");
    assert!(said.contains("`a-4` is not a PDF standard"), "{said}");
}

/// The bundled body face with its OS/2 `fsType` set to `fs_type`.
fn face_with_fs_type(fs_type: u16) -> Vec<u8> {
    let mut font = std::fs::read(root().join("fonts/source-serif-4/SourceSerif4-Regular.ttf"))
        .expect("the bundled serif");
    let u16_at = |f: &[u8], at: usize| u16::from_be_bytes([f[at], f[at + 1]]) as usize;
    let u32_at =
        |f: &[u8], at: usize| u32::from_be_bytes([f[at], f[at + 1], f[at + 2], f[at + 3]]) as usize;
    let tables = u16_at(&font, 4);
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|&e| &font[e..e + 4] == b"OS/2")
        .map(|e| u32_at(&font, e + 8))
        .expect("an OS/2 table");
    // OpenType OS/2: version (2 bytes), xAvgCharWidth, usWeightClass,
    // usWidthClass, then fsType at byte 8.
    font[os2 + 8..os2 + 10].copy_from_slice(&fs_type.to_be_bytes());
    font
}

#[test]
fn a_font_whose_licence_forbids_embedding_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = dir.path().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(fonts.join("restricted.ttf"), face_with_fs_type(0x0002)).unwrap();
    std::fs::write(fonts.join("print.ttf"), face_with_fs_type(0x0004)).unwrap();
    let manifest = |file: &str| {
        format!(
            "[body]\nfamily = \"Source Serif 4\"\nregular = \"{file}\"\nitalic = \"{file}\"\nbold = \"{file}\"\n"
        )
    };
    let input = dir.path().join("bai.md");
    std::fs::write(&input, "---\ntitle: Giấy phép\n---\n\nMột đoạn văn ngắn.\n").unwrap();
    let fonts_arg = fonts.to_str().unwrap();

    std::fs::write(fonts.join("fonts.toml"), manifest("restricted.ttf")).unwrap();
    for standard in ["a-2u", "ua-1"] {
        let out_dir = dir.path().join(format!("out-{standard}"));
        let out = build(
            &input,
            &out_dir,
            &["--fonts", fonts_arg, "--pdf-standard", standard],
        );
        let said = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{said}");
        assert!(
            said.contains("font `SourceSerif4-Regular` may not be embedded")
                && said.contains("restricted licence embedding")
                && said.contains("--fonts"),
            "{said}"
        );
        assert!(!out_dir.join("bai.pdf").exists());
    }
    // Without a standard the build goes on as before.
    let (_pdf, _d) = pdf_of(&input, &["--fonts", fonts_arg]);

    // "Preview & print" embedding is allowed.
    std::fs::write(fonts.join("fonts.toml"), manifest("print.ttf")).unwrap();
    let (pdf, _d) = pdf_of(&input, &["--fonts", fonts_arg, "--pdf-standard", "a-2u"]);
    assert_identified(&pdf, "2", "U", false);
}

#[test]
fn the_booklet_is_pdf_a_but_claims_no_pdf_ua() {
    // An imposition for the printer (two pages a sheet side, in folding
    // order) cannot be read in order: it keeps the PDF/A claim only.
    let dir = tempfile::tempdir().unwrap();
    let out = build(
        &root().join("tests/fixtures/mixed.md"),
        dir.path(),
        &["--booklet", "--pdf-standard", "a-2u,ua-1"],
    );
    assert!(out.status.success());
    let pdf = std::fs::read(dir.path().join("mixed.pdf")).unwrap();
    assert_identified(&pdf, "2", "U", true);
    let booklet = std::fs::read(dir.path().join("mixed-booklet.pdf")).unwrap();
    assert_identified(&booklet, "2", "U", false);
}

#[test]
fn the_front_matter_asks_for_a_standard_and_the_command_line_wins() {
    let (dir, input) =
        with_image("---\ntitle: Ảnh\npdf-standard: [a-2u, ua-1]\n---\n\nAnh: ![](ruong.png)\n");
    // The front matter's ua-1 asks for the alt text.
    let out = build(&input, &dir.path().join("out"), &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(said.contains("bai.md:6:6"), "{said}");
    // The command line's a-2b replaces it.
    let (bytes, _d) = pdf_of(&input, &["--pdf-standard", "a-2b"]);
    assert_identified(&bytes, "2", "B", false);

    std::fs::write(&input, "---\ntitle: Ảnh\npdf-standard: a-9\n---\n\nChữ.\n").unwrap();
    let out = build(&input, &dir.path().join("out"), &[]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{said}");
    assert!(
        said.contains("bai.md:3:") && said.contains("`a-9` is not a PDF standard"),
        "{said}"
    );
}

/// PDF/UA-1 (ISO 14289-1) §7.9: every `Note` has an `/ID`, unique, in the
/// structure tree root's `/IDTree` (the structure reader checks both and
/// reports a note without one).
#[test]
fn every_note_has_an_id_in_the_id_tree() {
    let (bytes, _dir) = pdf_of(
        &root().join("tests/fixtures/mixed.md"),
        &["--pdf-standard", "ua-1"],
    );
    let s = common::structure::read(&bytes);
    assert!(s.problems.is_empty(), "{:#?}", s.problems);
    let notes = s.of("Note");
    assert!(notes.len() >= 2, "mixed.md has footnotes: {}", notes.len());
    let ids: Vec<&str> = notes.iter().filter_map(|n| n.id.as_deref()).collect();
    let want: Vec<String> = (1..=notes.len()).map(|i| format!("note-{i}")).collect();
    assert_eq!(ids, want);
}

/// A table header with a link, repeated on the pages the table continues
/// on: the repeat is an artifact, so it draws the link's text but holds no
/// link annotation; every link annotation of the PDF is in the tree as its
/// `Link`'s `/OBJR` (PDF/UA-1 §7.18.1), the header's first copy keeps its
/// link.
#[test]
fn a_repeated_table_header_has_no_annotation_outside_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    let md = dir.path().join("long-table.md");
    let mut text = String::from(
        "---\ntitle: Bảng dài\nlang: vi\n---\n\n\
         | Tỉnh | [Dân số](https://vi.wikipedia.org/wiki/D%C3%A2n_s%E1%BB%91) |\n|---|---|\n",
    );
    for i in 1..=120 {
        text.push_str(&format!("| Tỉnh số {i} | {} |\n", i * 1000));
    }
    std::fs::write(&md, text).unwrap();
    let (bytes, _out) = pdf_of(&md, &["--pdf-standard", "ua-1"]);
    let s = common::structure::read(&bytes);
    assert!(s.problems.is_empty(), "{:#?}", s.problems);
    // The table runs over three pages or more, the header repeated on each.
    let repeats = s
        .artifact_text
        .iter()
        .filter(|t| t.contains("Dân số"))
        .count();
    assert!(repeats >= 2, "no repeated header: {:?}", s.artifact_text);
    let doc = Document::load_mem(&bytes).unwrap();
    let annots: usize = doc
        .get_pages()
        .values()
        .map(|&p| doc.get_page_annotations(p).unwrap_or_default().len())
        .sum();
    assert_eq!(s.untagged_annots, 0);
    let in_tree: usize = s.of("Link").iter().map(|l| l.objrs).sum();
    assert_eq!((annots, in_tree), (1, 1), "the header's link, once");
}
