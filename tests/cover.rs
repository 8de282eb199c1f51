//! The cover (issue 15): a given `cover:` image and a generated cover, as
//! the PDF's first page and as the EPUB's cover image, read back as a
//! reader would: the OPF's declarations, Calibre's `ebook-meta`, poppler's
//! text and pixels, and the PDF's link destinations.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{build_ok, tool};
use trang::cli::Paper;
use trang::resolve::{Cover, Form};

const EPOCH: i64 = 1_656_979_200;

/// A two-chapter book with every field the cover prints, and a link from
/// the first chapter to a heading of the second.
const BOOK: &str = "---\ntitle: Sổ tay nghề báo\nsubtitle: Viết tin, phỏng vấn và biên tập cho người mới vào nghề\nauthor: [Nguyễn Văn An, Trần Thị Bình]\npublisher: Nhà xuất bản Trẻ\nseries: Tủ sách Nghề\nlang: vi\n---\n# Chương một\n\nĐọc tiếp [ở chương hai](#chuong-hai).\n\n# Chương hai\n\nNội dung chương hai.\n";

/// The book above as a Form::Book with a generated cover, built in memory
/// and written to `dir`: returns (EPUB, PDF) paths.
fn generated(dir: &Path, duplex: bool) -> (PathBuf, PathBuf) {
    let md = dir.join("so-tay.md");
    std::fs::write(&md, BOOK).unwrap();
    let mut diags = trang::diag::Diagnostics::default();
    let mut p = trang::prepare(&md, None, &mut diags).unwrap();
    p.doc.form = Form::Book;
    p.doc.cover = Some(Cover::Generated);
    let opts = trang::BuildOptions {
        out_dir: dir.to_path_buf(),
        epub: true,
        pdf: true,
        paper: Paper::A5,
        duplex,
        columns: 1,
        booklet: None,
        booklet_duplex: true,
        imposition: Default::default(),
        pdf_standards: Default::default(),
        progress: Default::default(),
        epub_math: Default::default(),
        durability: Default::default(),
    };
    let out = trang::render(p, &opts, EPOCH, &mut diags).expect("renders");
    assert!(diags.items.is_empty(), "{diags:?}");
    // TRANG_KEEP_COVERS=DIR keeps the outputs to look at.
    let keep = std::env::var_os("TRANG_KEEP_COVERS").map(PathBuf::from);
    for r in out {
        if let Some(k) = &keep {
            std::fs::create_dir_all(k).unwrap();
            let side = if duplex { "duplex" } else { "simplex" };
            std::fs::write(k.join(format!("{side}-{}", r.file)), &r.bytes).unwrap();
        }
        std::fs::write(dir.join(&r.file), r.bytes).unwrap();
    }
    (dir.join("so-tay.epub"), dir.join("so-tay.pdf"))
}

/// The EPUB's files by name.
fn unzip(epub: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_string(), data)
        })
        .collect()
}

/// Checks the cover declarations readers and Kindle look for; returns the
/// cover image's bytes as packaged.
fn declared_cover(epub: &Path, media_type: &str) -> Vec<u8> {
    let files = unzip(epub);
    let opf = String::from_utf8(files["OEBPS/content.opf"].clone()).unwrap();
    let item = opf
        .lines()
        .find(|l| l.contains("properties=\"cover-image\""))
        .unwrap_or_else(|| panic!("no cover-image item:\n{opf}"));
    assert!(
        item.contains(&format!("media-type=\"{media_type}\"")),
        "{item}"
    );
    assert!(item.contains("id=\"cover-image\""), "{item}");
    // EPUB 2 readers and Kindle find it through <meta name="cover">.
    assert!(
        opf.contains("<meta name=\"cover\" content=\"cover-image\"/>"),
        "{opf}"
    );
    // The cover page opens the spine, in the reading order (linear).
    let spine = &opf[opf.find("<spine").unwrap()..];
    let first = spine.lines().find(|l| l.contains("<itemref")).unwrap();
    assert!(first.contains("idref=\"id_cover.xhtml\""), "{spine}");
    assert!(!first.contains("linear=\"no\""), "{first}");
    let nav = String::from_utf8(files["OEBPS/nav.xhtml"].clone()).unwrap();
    assert!(
        nav.contains("epub:type=\"cover\" href=\"cover.xhtml\""),
        "{nav}"
    );
    let page = String::from_utf8(files["OEBPS/cover.xhtml"].clone()).unwrap();
    let href = item
        .split("href=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(page.contains(&format!("<img src=\"{href}\"")), "{page}");
    files[&format!("OEBPS/{href}")].clone()
}

/// What Calibre's `ebook-meta --get-cover` extracts from `epub`.
fn calibre_cover(epub: &Path) -> Vec<u8> {
    let out = epub.with_extension("calibre.jpg");
    let _ = std::fs::remove_file(&out);
    tool(
        "ebook-meta",
        &[
            epub.to_str().unwrap(),
            &format!("--get-cover={}", out.display()),
        ],
    );
    std::fs::read(&out).unwrap_or_else(|e| panic!("ebook-meta wrote no cover ({e})"))
}

/// Page `n` (1-based) of `pdf` as text.
fn page_text(pdf: &Path, n: usize) -> String {
    let n = n.to_string();
    common::fold(&tool(
        "pdftotext",
        &["-f", &n, "-l", &n, pdf.to_str().unwrap(), "-"],
    ))
}

/// Page `n` (1-based) of `pdf` in pixels at `dpi`: (width, height, RGB).
fn page_pixels(pdf: &Path, n: usize, dpi: u32) -> (usize, usize, Vec<u8>) {
    let n = n.to_string();
    let out = Command::new("pdftoppm")
        .args(["-f", &n, "-l", &n, "-r", &dpi.to_string(), "-singlefile"])
        .arg(pdf)
        .output()
        .expect("pdftoppm (bash .ci/test-deps)");
    assert!(out.status.success());
    // Binary PPM: "P6\n<w> <h>\n255\n" then RGB.
    let data = out.stdout;
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while data[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !data[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(String::from_utf8_lossy(&data[start..at]).into_owned());
    }
    assert_eq!(fields[0], "P6");
    let (w, h) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, data[at + 1..].to_vec())
}

fn rgb8(c: trang::frame::Rgb) -> [u8; 3] {
    [c.0, c.1, c.2].map(|v| (v * 255.0).round() as u8)
}

fn near(a: &[u8], b: [u8; 3], tolerance: u8) -> bool {
    a.iter().zip(b).all(|(&x, y)| x.abs_diff(y) <= tolerance)
}

/// Every link annotation with a named destination: (its page, the page the
/// destination is on), 1-based.
fn internal_links(pdf: &Path) -> Vec<(String, usize, usize)> {
    let doc = lopdf::Document::load(pdf).unwrap();
    let pages: Vec<lopdf::ObjectId> = doc.get_pages().into_values().collect();
    let names = common::named_dests(&doc).expect("named destinations");
    let mut dests = BTreeMap::new();
    for pair in names.chunks(2) {
        let name = pair[0].as_str().unwrap().to_vec();
        let (_, dest) = doc.dereference(&pair[1]).unwrap();
        let page = dest.as_array().unwrap()[0].as_reference().unwrap();
        dests.insert(name, pages.iter().position(|&p| p == page).unwrap() + 1);
    }
    let mut links = Vec::new();
    for (i, &id) in pages.iter().enumerate() {
        let page = doc.get_dictionary(id).unwrap();
        let Ok(annots) = page.get(b"Annots").and_then(lopdf::Object::as_array) else {
            continue;
        };
        for a in annots {
            let (_, a) = doc.dereference(a).unwrap();
            if let Ok(name) = a.as_dict().unwrap().get(b"Dest").and_then(|d| d.as_str()) {
                let name = String::from_utf8_lossy(name).into_owned();
                let to = dests[name.as_bytes()];
                links.push((name, i + 1, to));
            }
        }
    }
    links
}

#[test]
fn a_generated_cover_is_the_pdf_first_page_and_the_epub_cover_image() {
    let dir = tempfile::tempdir().unwrap();
    let (epub, pdf) = generated(dir.path(), true);
    let pal = trang::cover::palette_for("Sổ tay nghề báo");

    // EPUB: declared as readers expect; a 1600 × 2560 JPEG in the palette.
    let jpeg = declared_cover(&epub, "image/jpeg");
    let img = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1600, 2560));
    assert!(near(&img.get_pixel(1500, 1200).0, rgb8(pal.ground), 3));
    assert!(near(&img.get_pixel(1500, 2500).0, rgb8(pal.band), 3));
    // Calibre finds the same picture (it may re-encode it: compare pixels).
    let got = image::load_from_memory(&calibre_cover(&epub))
        .unwrap()
        .to_rgb8();
    assert_eq!(got.dimensions(), (1600, 2560));
    assert!(near(&got.get_pixel(1500, 1200).0, rgb8(pal.ground), 6));

    // PDF page 1: every field, in reading order; page 2 the blank inside
    // of the cover; the book starts on page 3, a right-hand page, with its
    // half-title (the front matter: src/typeset/blocks/front.rs).
    let cover = page_text(&pdf, 1);
    assert_eq!(
        cover,
        "Tủ sách Nghề Sổ tay nghề báo Viết tin, phỏng vấn và biên tập cho người mới vào nghề Nguyễn Văn An, Trần Thị Bình Nhà xuất bản Trẻ"
    );
    assert_eq!(page_text(&pdf, 2), "");
    assert_eq!(page_text(&pdf, 3), "Sổ tay nghề báo");
    assert!(page_text(&pdf, 7).contains("Chương một"));
    // Drawn in the same palette, full bleed: ground above, band below.
    let (w, h, px) = page_pixels(&pdf, 1, 30);
    let at = |x: usize, y: usize| &px[(y * w + x) * 3..(y * w + x) * 3 + 3];
    assert!(near(at(w - 3, h / 2), rgb8(pal.ground), 3));
    assert!(near(at(2, h - 3), rgb8(pal.band), 3));
    assert!(near(at(w / 2, 1), rgb8(pal.ground), 3));

    // The internal link still lands on its heading's page.
    let links = internal_links(&pdf);
    let (_, from, to) = links
        .iter()
        .find(|(name, _, _)| name == "chuong-hai")
        .expect("the link to chapter two");
    assert!(page_text(&pdf, *from).contains("ở chương hai"));
    let target = page_text(&pdf, *to);
    assert!(
        target.contains("Chương hai Nội dung chương hai."),
        "{links:?}: {target}"
    );
    // Its folio does not count the cover and its back, nor the four pages
    // of front matter (half-title, its blank back, title, copyright page).
    if let Some(folio) = target
        .rsplit(' ')
        .next()
        .and_then(|f| f.parse::<usize>().ok())
    {
        assert_eq!(folio, to - 2 - 4, "{target}");
    }
    // The outline too: its first entry is on page 3.
    let doc = lopdf::Document::load(&pdf).unwrap();
    assert!(doc.catalog().unwrap().get(b"Outlines").is_ok());
}

#[test]
fn one_sided_the_cover_has_no_blank_back_and_the_folios_do_not_count_it() {
    let dir = tempfile::tempdir().unwrap();
    let (_, two) = generated(dir.path(), true);
    let two = std::fs::read(&two).unwrap();
    let (_, pdf) = generated(dir.path(), false);
    assert_ne!(two, std::fs::read(&pdf).unwrap());
    assert!(page_text(&pdf, 1).starts_with("Tủ sách Nghề Sổ tay nghề báo"));
    // Page 2 the half-title, 3 the title page, 4 the copyright page.
    assert_eq!(page_text(&pdf, 2), "Sổ tay nghề báo");
    let first = page_text(&pdf, 5);
    assert!(first.contains("Chương một"), "{first}");
    // The first page of the text is folio 1, as without a cover.
    assert!(!first.contains(" 2 ") && !first.ends_with(" 2"), "{first}");
}

#[test]
fn generated_covers_are_byte_identical_from_build_to_build() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let (ea, pa) = generated(a.path(), true);
    let (eb, pb) = generated(b.path(), true);
    assert!(std::fs::read(ea).unwrap() == std::fs::read(eb).unwrap());
    assert!(std::fs::read(pa).unwrap() == std::fs::read(pb).unwrap());
}

/// An article with `cover: images/NAME` front matter in `dir`, the image
/// written beside it.
fn article_with_cover(dir: &Path, name: &str, image: &[u8]) -> PathBuf {
    std::fs::create_dir_all(dir.join("images")).unwrap();
    std::fs::write(dir.join("images").join(name), image).unwrap();
    let md = dir.join("bai.md");
    std::fs::write(
        &md,
        format!("---\ntitle: Hội An\nlang: vi\ncover: images/{name}\n---\nPhố cổ về đêm.\n"),
    )
    .unwrap();
    md
}

/// A 400 × 640 JPEG (1:1.6): its top half `TOP`, its bottom half `BOTTOM`.
fn two_tone_cover() -> Vec<u8> {
    let img = image::RgbImage::from_fn(400, 640, |_, y| {
        image::Rgb(if y < 320 { TOP } else { BOTTOM })
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95)
        .encode_image(&img)
        .unwrap();
    out
}

const TOP: [u8; 3] = [200, 70, 30];
const BOTTOM: [u8; 3] = [30, 70, 140];

#[test]
fn a_cover_image_is_the_epub_cover_and_the_pdf_first_page_full_bleed() {
    let original = two_tone_cover();
    let average = [115, 70, 85];
    for paper in ["a5", "statement", "letter"] {
        let dir = tempfile::tempdir().unwrap();
        let md = article_with_cover(dir.path(), "bia.jpg", &original);
        let out = dir.path().join("out");
        let err = build_ok(&md, &out, &["--paper", paper]);
        assert!(!err.contains("warning"), "{err}");
        let epub = out.join("bai.epub");
        assert!(declared_cover(&epub, "image/jpeg") == original);
        let calibre = image::load_from_memory(&calibre_cover(&epub)).unwrap();
        assert_eq!((calibre.width(), calibre.height()), (400, 640));
        // PDF: page 1 is the picture alone, as it is (no re-encoding); the
        // article starts on page 2.
        let pdf = out.join("bai.pdf");
        assert_eq!(page_text(&pdf, 1), "");
        assert!(page_text(&pdf, 2).contains("Phố cổ về đêm."));
        let list = tool(
            "pdfimages",
            &["-list", "-f", "1", "-l", "1", pdf.to_str().unwrap()],
        );
        let row: Vec<&str> = list.lines().nth(2).unwrap().split_whitespace().collect();
        assert_eq!((row[3], row[4], row[8]), ("400", "640", "jpeg"), "{list}");
        // A 1:1.6 picture covers a Statement page (cut by 3.4 %): its
        // colours reach the corners. On A5 (11.6 %) and Letter (19 %) it is
        // fitted whole, on the average colour of its edges.
        let (w, h, px) = page_pixels(&pdf, 1, 20);
        let at = |x: usize, y: usize| px[(y * w + x) * 3..(y * w + x) * 3 + 3].to_vec();
        let fitted = paper != "statement";
        assert_eq!(near(&at(1, 1), TOP, 8), !fitted, "{paper}: {:?}", at(1, 1));
        assert_eq!(near(&at(w - 2, h - 2), BOTTOM, 8), !fitted, "{paper}");
        assert_eq!(
            near(&at(1, 1), average, 8),
            fitted,
            "{paper}: {:?}",
            at(1, 1)
        );
        assert!(near(&at(w / 2, h / 4), TOP, 8), "{paper}");
        assert!(near(&at(w / 2, h * 3 / 4), BOTTOM, 8), "{paper}");
    }
}

/// The EPUB's files whose names start with `prefix`.
fn epub_files(epub: &Path, prefix: &str) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    (0..zip.len())
        .map(|i| zip.by_index(i).unwrap().name().to_string())
        .filter(|n| n.starts_with(prefix))
        .collect()
}

/// The cover image is packed once as the cover; a body that shows the same
/// picture keeps its own copy (its `<img>` points at it), and one that does
/// not leaves no second copy behind.
#[test]
fn a_cover_image_the_body_also_shows_is_kept_for_the_body() {
    let original = two_tone_cover();
    let dir = tempfile::tempdir().unwrap();
    let md = article_with_cover(dir.path(), "bia.jpg", &original);
    let out = dir.path().join("out");
    build_ok(&md, &out, &[]);
    assert_eq!(
        epub_files(&out.join("bai.epub"), "OEBPS/images/"),
        ["OEBPS/images/cover.jpg"]
    );
    std::fs::write(
        &md,
        "---\ntitle: Hội An\nlang: vi\ncover: images/bia.jpg\n---\nPhố cổ về đêm.\n\n![Phố cổ](images/bia.jpg)\n",
    )
    .unwrap();
    build_ok(&md, &out, &[]);
    let epub = out.join("bai.epub");
    let images = epub_files(&epub, "OEBPS/images/");
    assert_eq!(images.len(), 2, "{images:?}");
    assert!(
        images.contains(&"OEBPS/images/cover.jpg".to_string()),
        "{images:?}"
    );
    let body = images.iter().find(|n| !n.ends_with("cover.jpg")).unwrap();
    let mut zip = zip::ZipArchive::new(std::fs::File::open(&epub).unwrap()).unwrap();
    let mut data = Vec::new();
    zip.by_name(body).unwrap().read_to_end(&mut data).unwrap();
    assert!(data == original);
    let name = body.trim_start_matches("OEBPS/");
    let chapters: Vec<String> = epub_files(&epub, "OEBPS/")
        .into_iter()
        .filter(|n| n.ends_with(".xhtml") && !n.ends_with("cover.xhtml"))
        .collect();
    let shows = chapters.iter().any(|c| {
        let mut text = String::new();
        zip.by_name(c).unwrap().read_to_string(&mut text).unwrap();
        text.contains(&format!("src=\"{name}\""))
    });
    assert!(shows, "no chapter shows {name}");
}

#[test]
fn an_svg_cover_is_refused_at_the_cover_key() {
    let dir = tempfile::tempdir().unwrap();
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"160\" height=\"256\"><rect width=\"160\" height=\"256\" fill=\"#123\"/></svg>";
    let md = article_with_cover(dir.path(), "bia.svg", svg.as_bytes());
    let out = Command::new(env!("CARGO_BIN_EXE_trang"))
        .arg("build")
        .arg("-o")
        .arg(dir.path().join("out"))
        .arg(&md)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    assert!(
        err.contains("cover image `images/bia.svg` is an SVG drawing"),
        "{err}"
    );
    assert!(err.contains("bai.md:4:1"), "{err}");
    assert!(err.contains("PNG or JPEG"), "{err}");
    assert!(!dir.path().join("out/bai.epub").exists());
}

/// Checks that every internal link of the book's PDF lands on the page of
/// the heading it names (the cover and its back moved every page by two).
fn links_land_on_their_headings(book: &Path, pdf: &Path) -> usize {
    let mut diags = trang::diag::Diagnostics::default();
    let p = trang::prepare(book, None, &mut diags).unwrap();
    let mut landed = 0;
    for (name, from, to) in internal_links(pdf) {
        assert!(from > 2 && to > 2, "{name}: {from} → {to}");
        if let Some(h) = p.doc.headings.iter().find(|h| h.id == name) {
            let text = page_text(pdf, to);
            assert!(
                text.contains(&common::fold(&h.text)),
                "{name} → page {to}: {text}"
            );
            landed += 1;
        }
    }
    landed
}

#[test]
fn the_fixture_book_has_a_generated_cover_and_takes_a_given_one() {
    let book = common::root().join("tests/fixtures/book");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("generated");
    build_ok(&book, &out, &[]);
    let jpeg = declared_cover(&out.join("so-tay.epub"), "image/jpeg");
    let img = image::load_from_memory(&jpeg).unwrap();
    assert_eq!((img.width(), img.height()), (1600, 2560));
    let calibre = image::load_from_memory(&calibre_cover(&out.join("so-tay.epub"))).unwrap();
    assert_eq!((calibre.width(), calibre.height()), (1600, 2560));
    let pdf = out.join("so-tay.pdf");
    assert_eq!(
        page_text(&pdf, 1),
        "Sách mẫu trang Sổ tay phóng viên Ghi chép nghề báo ở vùng cao Nguyễn Thị Hằng, Lò Văn Páo Nhà xuất bản Mẫu"
    );
    // A book is two-sided: the inside of the cover is blank.
    assert_eq!(page_text(&pdf, 2), "");
    let generated = links_land_on_their_headings(&book, &pdf);
    assert!(generated >= 3, "{generated} links to headings");
    eprintln!("fixture book: {generated} internal links land on their headings past the cover");

    // The same book with `cover =` in book.toml.
    let given = dir.path().join("book");
    common::copy_dir(&book, &given);
    let original = two_tone_cover();
    std::fs::write(given.join("src/hinh/bia.jpg"), &original).unwrap();
    let toml = std::fs::read_to_string(given.join("book.toml")).unwrap();
    let toml = toml.replacen("[book]\n", "[book]\ncover = \"hinh/bia.jpg\"\n", 1);
    std::fs::write(given.join("book.toml"), toml).unwrap();
    let out = dir.path().join("given");
    build_ok(&given, &out, &[]);
    assert!(declared_cover(&out.join("so-tay.epub"), "image/jpeg") == original);
    let pdf = out.join("so-tay.pdf");
    assert_eq!(page_text(&pdf, 1), "");
    let list = tool(
        "pdfimages",
        &["-list", "-f", "1", "-l", "1", pdf.to_str().unwrap()],
    );
    assert_eq!(
        list.lines().count(),
        3,
        "one image on the cover page: {list}"
    );
    assert_eq!(links_land_on_their_headings(&given, &pdf), generated);
}
