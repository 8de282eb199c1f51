//! Robustness (issue 6): the catalogue of bad inputs (every row run through
//! the `trang` binary, its table in tests/README.md compared with the real
//! messages), outputs that survive a killed build, and every CommonMark spec
//! example typeset to a PDF that qpdf accepts and pdftotext reads back.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::{commonmark_examples, fix_images, fold, root, tool};

const EPOCH: &str = "1656979200";

fn trang() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_trang"));
    c.env("SOURCE_DATE_EPOCH", EPOCH);
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Whether the tests run as root, for whom file permissions do not bite.
fn is_root() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap();
    uid == "0"
}

/// Every file in `dir` with its bytes (an absent folder is empty).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return BTreeMap::new();
    };
    entries
        .map(|e| {
            let e = e.unwrap();
            let name = e.file_name().to_string_lossy().into_owned();
            let bytes = if e.path().is_file() {
                std::fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (name, bytes)
        })
        .collect()
}

/// Runs `bad` against an output folder holding a good build and asserts
/// that the folder is byte-for-byte what it was: no file created, changed
/// or removed.
fn leaves_outputs_intact(out_dir: &Path, bad: impl FnOnce() -> Output) -> Output {
    let before = snapshot(out_dir);
    assert!(
        before.contains_key("article.pdf") && before.contains_key("article.epub"),
        "the good build wrote both outputs: {:?}",
        before.keys()
    );
    let out = bad();
    let after = snapshot(out_dir);
    assert_eq!(
        before.keys().collect::<Vec<_>>(),
        after.keys().collect::<Vec<_>>(),
        "the output folder's files changed; stderr:\n{}",
        stderr(&out)
    );
    for (name, bytes) in &before {
        assert!(
            after[name] == *bytes,
            "{name} was changed; stderr:\n{}",
            stderr(&out)
        );
    }
    out
}

const GOOD: &str = "---\ntitle: Bài thử\ndate: 2022-07-05\n---\n\nĐoạn văn có *nghiêng* và **đậm**.\n\n![Ruộng bậc thang](ruong.png)\n";

fn body(text: &str) -> String {
    format!("---\ntitle: Bài thử\n---\n\n{text}\n")
}

/// A font folder whose `body` family is one file holding `bytes`.
fn font_dir(dir: &Path, bytes: &[u8]) {
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(
        fonts.join("fonts.toml"),
        "[body]\nfamily = \"Bad\"\nregular = \"bad.ttf\"\n",
    )
    .unwrap();
    std::fs::write(fonts.join("bad.ttf"), bytes).unwrap();
}

fn serif_regular() -> Vec<u8> {
    std::fs::read(root().join("fonts/source-serif-4/SourceSerif4-Regular.ttf")).unwrap()
}

/// A 20000 × 20000 greyscale PNG, streamed (about 400 KB on disk, 400 MB
/// of pixels).
fn huge_png(path: &Path) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut enc = png::Encoder::new(file, 20_000, 20_000);
    enc.set_color(png::ColorType::Grayscale);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Fast);
    let mut writer = enc.write_header().unwrap();
    let mut stream = writer.stream_writer().unwrap();
    let row = vec![255u8; 20_000];
    for _ in 0..20_000 {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
}

/// One row of the catalogue.
struct Case {
    /// The row's name in the table.
    row: &'static str,
    /// Expected exit code.
    code: i32,
    /// What the message must say (what is wrong and how to fix it).
    says: &'static [&'static str],
    /// The `file:line:col` it must point at, if the problem has a place.
    at: Option<&'static str>,
    /// Makes the bad input in the row's folder (which holds `src/article.md`,
    /// `src/ruong.png` and `out/` from a good build) and returns the
    /// arguments after `trang build`.
    setup: fn(&Path) -> Vec<String>,
}

fn args(extra: &[&str]) -> Vec<String> {
    ["src/article.md", "-o", "out"]
        .iter()
        .chain(extra)
        .map(|s| s.to_string())
        .collect()
}

fn bad_input(dir: &Path, bytes: &[u8]) -> Vec<String> {
    std::fs::write(dir.join("src/article.md"), bytes).unwrap();
    args(&[])
}

const CASES: &[Case] = &[
    Case {
        row: "input missing",
        code: 1,
        says: &["does not exist", "check the path"],
        at: None,
        setup: |d| {
            std::fs::remove_file(d.join("src/article.md")).unwrap();
            args(&[])
        },
    },
    Case {
        // A folder is a book project (issue 15); one with no chapter files
        // is an error, nothing written.
        row: "input is a folder without chapters",
        code: 1,
        says: &["has no chapters", "list chapter files in book.toml"],
        at: None,
        setup: |d| {
            std::fs::create_dir(d.join("empty")).unwrap();
            vec!["empty".into(), "-o".into(), "out".into()]
        },
    },
    Case {
        row: "input is a pipe (FIFO)",
        code: 1,
        says: &["not a regular file", "save the Markdown to a file"],
        at: None,
        setup: |d| {
            let st = Command::new("mkfifo")
                .arg(d.join("src/pipe.md"))
                .status()
                .unwrap();
            assert!(st.success());
            vec!["src/pipe.md".into(), "-o".into(), "out".into()]
        },
    },
    Case {
        row: "input unreadable (reading fails: /proc/self/mem)",
        code: 1,
        says: &["cannot be read", "permissions"],
        at: None,
        setup: |_| vec!["/proc/self/mem".into(), "-o".into(), "out".into()],
    },
    Case {
        row: "empty file (builds an empty, valid book; warning)",
        code: 0,
        says: &["is empty"],
        at: None,
        setup: |d| bad_input(d, b""),
    },
    Case {
        row: "invalid UTF-8",
        code: 1,
        says: &["not valid UTF-8", "offset 24", "line 5", "iconv"],
        at: Some("src/article.md:5:7"),
        setup: |d| bad_input(d, b"---\ntitle: x\n---\n\nxin ch\xE0o\n"),
    },
    Case {
        row: "front matter: invalid YAML",
        code: 1,
        says: &["not valid YAML"],
        at: Some("src/article.md:2:"),
        setup: |d| bad_input(d, b"---\ntitle: \"x\n---\n\nV\xC4\x83n.\n"),
    },
    Case {
        row: "front matter: wrong type",
        code: 1,
        says: &["`title` must be a text"],
        at: Some("src/article.md:2:8"),
        setup: |d| bad_input(d, "---\ntitle: [a, b]\n---\n\nVăn.\n".as_bytes()),
    },
    Case {
        row: "front matter: date not YYYY-MM-DD",
        code: 1,
        says: &["32/13/2022", "YYYY-MM-DD"],
        at: Some("src/article.md:3:7"),
        setup: |d| {
            bad_input(
                d,
                "---\ntitle: x\ndate: 32/13/2022\n---\n\nVăn.\n".as_bytes(),
            )
        },
    },
    Case {
        row: "front matter: unknown key (warning; builds)",
        code: 0,
        says: &["warning: unknown front-matter key `colour`"],
        at: Some("src/article.md:3:1"),
        setup: |d| bad_input(d, "---\ntitle: x\ncolour: đỏ\n---\n\nVăn.\n".as_bytes()),
    },
    Case {
        row: "front matter: block not closed",
        code: 1,
        says: &["front matter is not closed"],
        at: Some("src/article.md:1:1"),
        setup: |d| bad_input(d, "---\ntitle: x\n\nVăn.\n".as_bytes()),
    },
    Case {
        row: "front matter: `lang` not BCP 47",
        code: 1,
        says: &["not a BCP 47 language tag"],
        at: Some("src/article.md:2:7"),
        setup: |d| bad_input(d, "---\nlang: tiếng việt\n---\n\nVăn.\n".as_bytes()),
    },
    Case {
        row: "UTF-8 BOM and CRLF line ends (accepted silently)",
        code: 0,
        says: &[],
        at: None,
        setup: |d| {
            let crlf = format!("\u{FEFF}{}", GOOD.replace('\n', "\r\n"));
            bad_input(d, crlf.as_bytes())
        },
    },
    Case {
        row: "fonts: --fonts folder missing",
        code: 1,
        says: &["font folder"],
        at: None,
        setup: |_| args(&["--fonts", "nope"]),
    },
    Case {
        row: "fonts: a file that is not a font",
        code: 1,
        says: &["bad.ttf", "is not a usable font"],
        at: None,
        setup: |d| {
            font_dir(d, b"this is not a font");
            args(&["--fonts", "fonts"])
        },
    },
    Case {
        row: "fonts: truncated font",
        code: 1,
        says: &["bad.ttf", "is not a usable font"],
        at: None,
        setup: |d| {
            let real = serif_regular();
            font_dir(d, &real[..real.len() / 3]);
            args(&["--fonts", "fonts"])
        },
    },
    Case {
        row: "fonts: family without the italic the text needs (falls back to regular; warning)",
        code: 0,
        says: &["has no italic face"],
        at: None,
        setup: |d| {
            font_dir(d, &serif_regular());
            args(&["--fonts", "fonts"])
        },
    },
    Case {
        row: "fonts: a character no font covers (hermetic: --no-system-fonts)",
        code: 1,
        says: &["U+4E2D"],
        at: Some("src/article.md:5:10"),
        setup: |d| {
            // Without the switch, an installed CJK font would draw it.
            bad_input(d, body("Đoạn văn 中 ở đây.").as_bytes());
            args(&["--no-system-fonts"])
        },
    },
    Case {
        row: "image: missing",
        code: 1,
        says: &[
            "image `khong-co.png` not found",
            "relative to the Markdown file",
        ],
        at: Some("src/article.md:5:5"),
        setup: |d| bad_input(d, body("Ảnh ![x](khong-co.png).").as_bytes()),
    },
    Case {
        row: "image: not an image",
        code: 1,
        says: &["cannot be used", "not an image file", "PNG, JPEG"],
        at: Some("src/article.md:5:5"),
        setup: |d| {
            std::fs::write(d.join("src/fake.png"), b"not a picture at all").unwrap();
            bad_input(d, body("Ảnh ![x](fake.png).").as_bytes())
        },
    },
    Case {
        row: "image: damaged WebP",
        code: 1,
        says: &["cannot be used", "header is unreadable"],
        at: Some("src/article.md:5:5"),
        setup: |d| {
            let mut webp = b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0".to_vec();
            webp.resize(44, 0);
            std::fs::write(d.join("src/a.webp"), webp).unwrap();
            bad_input(d, body("Ảnh ![x](a.webp).").as_bytes())
        },
    },
    Case {
        row: "image: SVG referring to a file (never read)",
        code: 1,
        says: &[
            "cannot be used",
            "`<image>` refers to `/etc/passwd`",
            "a.svg:1:",
        ],
        at: Some("src/article.md:5:5"),
        setup: |d| {
            std::fs::write(
                d.join("src/a.svg"),
                b"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><image href=\"/etc/passwd\"/></svg>",
            )
            .unwrap();
            bad_input(d, body("Ảnh ![x](a.svg).").as_bytes())
        },
    },
    Case {
        row: "image: 20000 × 20000 pixels",
        code: 1,
        says: &["20000×20000 pixels", "40 megapixels", "-resize"],
        at: Some("src/article.md:5:5"),
        setup: |d| {
            huge_png(&d.join("src/huge.png"));
            bad_input(d, body("Ảnh ![x](huge.png).").as_bytes())
        },
    },
    Case {
        row: "image: remote http(s) URL (never fetched; warning, alt text)",
        code: 0,
        says: &["is not fetched", "alt text"],
        at: Some("src/article.md:5:5"),
        setup: |d| bad_input(d, body("Ảnh ![xa](https://example.com/a.png).").as_bytes()),
    },
    Case {
        row: "image: `../` × 16 + `etc/passwd`",
        code: 1,
        says: &["outside the source folder", "--allow-outside"],
        at: Some("src/article.md:5:1"),
        setup: |d| {
            let up = "../".repeat(16);
            bad_input(d, body(&format!("![x]({up}etc/passwd)")).as_bytes())
        },
    },
    Case {
        row: "image: absolute path",
        code: 1,
        says: &["outside the source folder", "--allow-outside"],
        at: Some("src/article.md:5:1"),
        setup: |d| bad_input(d, body("![x](/etc/passwd)").as_bytes()),
    },
    Case {
        row: "image: symbolic link pointing outside",
        code: 1,
        says: &["outside the source folder", "--allow-outside"],
        at: Some("src/article.md:5:1"),
        setup: |d| {
            std::fs::create_dir_all(d.join("elsewhere")).unwrap();
            std::fs::copy(d.join("src/ruong.png"), d.join("elsewhere/a.png")).unwrap();
            std::os::unix::fs::symlink(d.join("elsewhere/a.png"), d.join("src/link.png")).unwrap();
            bad_input(d, body("![x](link.png)").as_bytes())
        },
    },
    Case {
        row: "image: outside, allowed by --allow-outside (builds)",
        code: 0,
        says: &[],
        at: None,
        setup: |d| {
            std::fs::create_dir_all(d.join("elsewhere")).unwrap();
            std::fs::copy(d.join("src/ruong.png"), d.join("elsewhere/a.png")).unwrap();
            bad_input(d, body("![x](../elsewhere/a.png)").as_bytes());
            args(&["--allow-outside", "elsewhere"])
        },
    },
    Case {
        row: "output: folder cannot be created (a path under a regular file)",
        code: 1,
        says: &["cannot create the output folder", "-o/--out-dir"],
        at: None,
        setup: |d| {
            std::fs::write(d.join("src/article.md"), GOOD.replace("Đoạn", "Một đoạn")).unwrap();
            vec![
                "src/article.md".into(),
                "-o".into(),
                "src/ruong.png/out".into(),
            ]
        },
    },
    Case {
        row: "output: file size limit reached (`ulimit -f`, EFBIG)",
        code: 1,
        says: &[
            "cannot write `out/article.",
            "the previous files are unchanged",
        ],
        at: None,
        // Handled by running under `ulimit -f` in `catalogue` below.
        setup: |d| {
            std::fs::write(d.join("src/article.md"), GOOD.replace("Đoạn", "Một đoạn")).unwrap();
            args(&[])
        },
    },
];

/// The first diagnostic line and the first place of `stderr`.
fn message_of(stderr: &str) -> (String, String) {
    let first = stderr
        .lines()
        .find(|l| l.starts_with("error:") || l.starts_with("warning:"))
        .unwrap_or("(no message)")
        .to_string();
    // The first diagnostic's place: the lines after its first line, up to
    // the next diagnostic.
    let place = stderr
        .lines()
        .skip_while(|l| *l != first)
        .skip(1)
        .take_while(|l| !l.starts_with("error:") && !l.starts_with("warning:"))
        .find_map(|l| l.trim_start().strip_prefix("--> "))
        .unwrap_or("")
        .to_string();
    (first, place)
}

fn assert_no_panic(what: &str, err: &str) {
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{what}: panic text in\n{err}"
    );
}

/// A folder for one row: `src/article.md` (GOOD) with its image, built
/// into `out/`.
fn good_build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(d.join("src/article.md"), GOOD).unwrap();
    std::fs::copy(
        root().join("tests/fixtures/images/ruong.png"),
        d.join("src/ruong.png"),
    )
    .unwrap();
    let out = trang()
        .current_dir(d)
        .args(["build", "-q", "src/article.md", "-o", "out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

fn table_row(case: &str, code: i32, first: &str, place: &str) -> String {
    let cell = |s: &str| s.replace('|', "\\|");
    let place = if place.is_empty() {
        "—".to_string()
    } else {
        format!("`{place}`")
    };
    format!(
        "| {} | {code} | `` {} `` | {place} |",
        cell(case),
        cell(first)
    )
}

const TABLE_START: &str = "<!-- catalogue:start -->";
const TABLE_END: &str = "<!-- catalogue:end -->";

#[test]
fn catalogue_of_bad_inputs() {
    let mut rows = Vec::new();
    let mut fails = Vec::new();
    for case in CASES {
        let dir = good_build();
        let d = dir.path();
        let out_dir = d.join("out");
        let good_pdf = std::fs::read(out_dir.join("article.pdf")).unwrap();
        let extra = (case.setup)(d);
        let run = || {
            let mut cmd = if case.row.contains("ulimit -f") {
                // 12 KiB (dash counts 512-byte blocks; bash 1024): the EPUB, written
                // first, is larger.
                let mut c = Command::new("sh");
                c.arg("-c")
                    .arg("ulimit -f 24 && exec \"$0\" \"$@\"")
                    .arg(env!("CARGO_BIN_EXE_trang"));
                c.env("SOURCE_DATE_EPOCH", EPOCH);
                c
            } else {
                trang()
            };
            cmd.current_dir(d)
                .arg("build")
                .args(&extra)
                .output()
                .unwrap()
        };
        let out = if case.code == 0 {
            run()
        } else {
            leaves_outputs_intact(&out_dir, run)
        };
        let err = stderr(&out);
        let mut fail = |why: String| fails.push(format!("{}: {why}\n{err}", case.row));
        if out.status.code() != Some(case.code) {
            fail(format!("exit {:?}, want {}", out.status.code(), case.code));
        }
        assert_no_panic(case.row, &err);
        for s in case.says {
            if !err.contains(s) {
                fail(format!("the message lacks `{s}`"));
            }
        }
        let (first, place) = message_of(&err);
        if let Some(at) = case.at
            && !place.starts_with(at)
        {
            fail(format!("place `{place}`, want `{at}`"));
        }
        if case.code == 0 {
            let after = snapshot(&out_dir);
            if after.len() != 2 {
                fail(format!("outputs {:?}", after.keys()));
            }
            if case.says.is_empty() && err.contains("warning") {
                fail("a warning where none is expected".into());
            }
        }
        if case.row.starts_with("empty file") {
            // Valid outputs: qpdf accepts the PDF (EPUBCheck checks the
            // same writer's empty book in tests/epub.rs, construct `empty`).
            let pdf = out_dir.join("article.pdf");
            tool("qpdf", &["--check", pdf.to_str().unwrap()]);
            let info = tool("pdfinfo", &[pdf.to_str().unwrap()]);
            assert!(
                info.lines()
                    .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["Pages:", "1"]),
                "{info}"
            );
        }
        if case.row.starts_with("UTF-8 BOM") {
            // The same text without BOM and CR gives the same bytes.
            assert!(
                std::fs::read(out_dir.join("article.pdf")).unwrap() == good_pdf,
                "BOM/CRLF changed the PDF"
            );
        }
        rows.push(table_row(case.row, case.code, &first, &place));
    }
    assert!(
        fails.is_empty(),
        "{} rows failed:\n{}",
        fails.len(),
        fails.join("\n")
    );
    let table = format!(
        "{TABLE_START}\n| bad input | exit | first line of the message | place |\n|---|---|---|---|\n{}\n{TABLE_END}",
        rows.join("\n")
    );
    let readme_path = root().join("tests/README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap_or_default();
    let (Some(a), Some(b)) = (readme.find(TABLE_START), readme.find(TABLE_END)) else {
        panic!("tests/README.md lacks the catalogue markers; the table is:\n{table}");
    };
    let current = &readme[a..b + TABLE_END.len()];
    if std::env::var_os("TRANG_BLESS").is_some() {
        let new = format!("{}{table}{}", &readme[..a], &readme[b + TABLE_END.len()..]);
        std::fs::write(&readme_path, new).unwrap();
    } else {
        assert!(
            current == table,
            "tests/README.md's catalogue differs from the real messages; \
             regenerate with `TRANG_BLESS=1 cargo test --release --test robust catalogue`:\n{table}"
        );
    }
}

#[test]
fn unreadable_input_by_permissions() {
    let dir = good_build();
    let d = dir.path();
    let input = d.join("src/article.md");
    std::fs::write(&input, GOOD.replace("Đoạn", "Một đoạn")).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&input, std::fs::Permissions::from_mode(0o000)).unwrap();
    let run = || {
        trang()
            .current_dir(d)
            .args(["build", "src/article.md", "-o", "out"])
            .output()
            .unwrap()
    };
    if is_root() {
        // Root reads any file: mode 000 does not stop it, and the build
        // honestly succeeds (the /proc/self/mem row covers a failing read).
        let out = run();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    } else {
        let out = leaves_outputs_intact(&d.join("out"), run);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(
            err.contains("cannot be read") && err.contains("ermission denied"),
            "{err}"
        );
        assert_no_panic("chmod 000", &err);
    }
}

/// Runs `cmd` and checks it succeeded.
fn sh(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Unmounts on drop, so a failing test leaves no mount behind.
struct Mount(PathBuf);

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn output_folder_not_writable_or_disk_full() {
    let changed = GOOD.replace("Đoạn", "Một đoạn");
    // Not writable: as root a read-only bind mount of the folder on itself
    // (permissions do not bite root), otherwise mode 555.
    let dir = good_build();
    let d = dir.path();
    let out_dir = d.join("out");
    std::fs::write(d.join("src/article.md"), &changed).unwrap();
    let _mount = if is_root() {
        sh(Command::new("mount")
            .arg("--bind")
            .arg(&out_dir)
            .arg(&out_dir));
        let m = Mount(out_dir.clone());
        sh(Command::new("mount")
            .args(["-o", "remount,ro,bind"])
            .arg(&out_dir));
        Some(m)
    } else {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&out_dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        None
    };
    let out = leaves_outputs_intact(&out_dir, || {
        trang()
            .current_dir(d)
            .args(["build", "src/article.md", "-o", "out"])
            .output()
            .unwrap()
    });
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("error: cannot write `out/article.epub`")
            && (err.contains("Read-only file system") || err.contains("ermission denied"))
            && err.contains("the previous files are unchanged"),
        "{err}"
    );
    assert_no_panic("read-only", &err);
    drop(_mount);

    // Disk full: a 1 MiB tmpfs holding the good outputs, then filled up.
    if !is_root() {
        // Without root there is no tmpfs; the `ulimit -f` catalogue row
        // covers a failing write.
        eprintln!("disk-full check needs root for mount; covered by the ulimit row");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fs = d.join("fs");
    std::fs::create_dir_all(&fs).unwrap();
    sh(Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=1m", "tmpfs"])
        .arg(&fs));
    let _mount = Mount(fs.clone());
    std::fs::create_dir_all(d.join("src")).unwrap();
    std::fs::write(d.join("src/article.md"), body("Văn bản ngắn.")).unwrap();
    let out = trang()
        .current_dir(d)
        .args(["build", "-q", "src/article.md", "-o", "fs/out"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Fill the file system.
    let mut filler = std::fs::File::create(fs.join("filler")).unwrap();
    let chunk = vec![0u8; 4096];
    while std::io::Write::write_all(&mut filler, &chunk).is_ok() {}
    drop(filler);
    std::fs::write(
        d.join("src/article.md"),
        body("Văn bản khác, dài hơn một chút."),
    )
    .unwrap();
    let out = leaves_outputs_intact(&fs.join("out"), || {
        trang()
            .current_dir(d)
            .args(["build", "src/article.md", "-o", "fs/out"])
            .output()
            .unwrap()
    });
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot write `fs/out/article.epub`: No space left on device"),
        "{err}"
    );
    assert_no_panic("disk full", &err);
}

/// A pseudo-random sequence (xorshift), seeded so every run kills at the
/// same delays.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn a_killed_build_leaves_the_old_or_the_new_file_whole() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let long = std::fs::read_to_string(root().join("tests/fixtures/long.md")).unwrap();
    let (front, rest) = long.split_at(long.find("\n---\n").unwrap() + 5);
    let big = format!("{front}{}", rest.repeat(6));
    let input = d.join("book.md");
    let build = |md: &str| {
        std::fs::write(&input, md).unwrap();
        let started = Instant::now();
        let out = trang()
            .current_dir(d)
            .args(["build", "-q", "book.md", "-o", "out"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        (snapshot(&d.join("out")), started.elapsed())
    };
    let (new, took) = build(&big);
    let (old, _) = build(&format!("{front}{rest}"));
    for name in ["book.pdf", "book.epub"] {
        assert!(old[name] != new[name], "the two builds must differ");
    }
    eprintln!("one build of the large document takes {took:?}");
    let mut rng = Rng(0x0074_7261_6e67);
    let signals = [("KILL", 9), ("TERM", 15), ("INT", 2)];
    let runs = 18;
    let mut outcomes = BTreeMap::new();
    for i in 0..runs {
        let (sig_name, sig) = signals[i % signals.len()];
        // Delays spread over the whole build, most in its second half,
        // where the outputs are written.
        let frac = (rng.next() % 1000) as f64 / 1000.0;
        let delay = took.mul_f64(if i % 2 == 0 { frac } else { 0.6 + 0.5 * frac });
        std::fs::write(&input, &big).unwrap();
        let mut child = trang()
            .current_dir(d)
            .args(["build", "-q", "book.md", "-o", "out"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id();
        std::thread::sleep(delay);
        sh(Command::new("kill")
            .arg(format!("-{sig_name}"))
            .arg(pid.to_string()));
        let status = child.wait().unwrap();
        let mut err = String::new();
        std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
        assert_no_panic(sig_name, &err);
        let after = snapshot(&d.join("out"));
        let mut temps = Vec::new();
        for (name, bytes) in &after {
            if let Some(known) = ["book.pdf", "book.epub"].iter().find(|n| *n == name) {
                assert!(
                    *bytes == old[*known] || *bytes == new[*known],
                    "SIG{sig_name} after {delay:?}: {name} is neither the old nor the new file"
                );
            } else {
                assert!(
                    name.ends_with(&format!(".{pid}.tmp")),
                    "unexpected file {name}"
                );
                temps.push(name.clone());
            }
        }
        assert_eq!(after.len() - temps.len(), 2, "{:?}", after.keys());
        let code = status.code().map_or_else(
            || {
                format!(
                    "killed by signal {:?}",
                    std::os::unix::process::ExitStatusExt::signal(&status)
                )
            },
            |c| format!("exit {c}"),
        );
        if sig != 9 {
            // SIGTERM and SIGINT: the handler removed its temporary files.
            assert!(temps.is_empty(), "SIG{sig_name}: left {temps:?}");
            // Before trang installs its handler (its first millisecond) the
            // signal's default action ends it, with nothing written yet.
            let before_handler =
                std::os::unix::process::ExitStatusExt::signal(&status) == Some(sig);
            assert!(
                status.code() == Some(0) || status.code() == Some(128 + sig) || before_handler,
                "SIG{sig_name}: {code}: {err}"
            );
            if status.code() == Some(128 + sig) {
                assert!(
                    err.contains(&format!("interrupted by SIG{sig_name}")),
                    "{err}"
                );
            }
        }
        let state = if after["book.pdf"] == new["book.pdf"] {
            "new"
        } else {
            "old"
        };
        *outcomes
            .entry(format!(
                "SIG{sig_name} {code}, pdf {state}, {} temp",
                temps.len()
            ))
            .or_insert(0) += 1;
        // Back to the old outputs; this build also removes a killed
        // build's temporary files.
        let (restored, _) = build(&format!("{front}{rest}"));
        assert!(
            restored.keys().all(|k| !k.ends_with(".tmp")),
            "the next build removed the temporary files: {:?}",
            restored.keys()
        );
    }
    eprintln!("{runs} kills: {outcomes:#?}");
    assert!(
        outcomes.keys().any(|k| !k.contains("exit 0")),
        "no kill landed before the build ended: {outcomes:#?}"
    );
}

/// The text pdftotext must give back for a CommonMark example: the words
/// of its text and code, as pulldown-cmark (with trang's options) reads
/// them; not raw HTML (sanitised), nor the alternative text of images
/// (drawn, not printed).
fn expected_words(md: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let opts = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS;
    let mut text = String::new();
    let mut in_image = 0;
    let mut in_meta = false;
    for ev in Parser::new_ext(md, opts) {
        match ev {
            Event::Start(Tag::Image { .. }) => in_image += 1,
            Event::End(TagEnd::Image) => in_image -= 1,
            Event::Start(Tag::MetadataBlock(_)) => in_meta = true,
            Event::End(TagEnd::MetadataBlock(_)) => in_meta = false,
            Event::Text(t) | Event::Code(t) if in_image == 0 && !in_meta => {
                text.push_str(&t);
                text.push(' ');
            }
            Event::SoftBreak | Event::HardBreak | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    fold(&text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn every_commonmark_example_typesets_to_a_valid_pdf_with_its_text() {
    let started = Instant::now();
    let fonts = trang::fonts::FontSet::load(
        &trang::fonts::FontSet::bundled_dir(),
        &mut trang::diag::Diagnostics::default(),
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let image = root()
        .join("tests/fixtures/images/ruong.png")
        .to_string_lossy()
        .into_owned();
    let examples = commonmark_examples();
    assert_eq!(examples.len(), 655);
    let mut typeset_time = Duration::ZERO;
    let mut missing = Vec::new();
    let mut words_checked = 0;
    for (n, md) in &examples {
        let path = dir.path().join(format!("example-{n:03}.md"));
        let mut diags = trang::diag::Diagnostics::default();
        let mut doc =
            trang::markdown::parse(trang::diag::SourceFile::new(&path, md.as_str()), &mut diags);
        fix_images(&mut doc.blocks, &image);
        let doc = common::resolve_fixed(doc, &mut diags);
        let t = Instant::now();
        let (layout, _) = trang::typeset::typeset(&doc, &fonts, trang::cli::Paper::A5, 0);
        let pdf = trang::pdf::write_pdf(&layout)
            .unwrap_or_else(|e| panic!("example {n}: cannot write the PDF: {e}\n{md}"));
        typeset_time += t.elapsed();
        let pdf_path = path.with_extension("pdf");
        std::fs::write(&pdf_path, pdf).unwrap();
        let p = pdf_path.to_str().unwrap();
        let check = Command::new("qpdf").args(["--check", p]).output().unwrap();
        assert!(
            check.status.success(),
            "example {n}: qpdf --check failed:\n{}\n{md}",
            String::from_utf8_lossy(&check.stdout)
        );
        // `-raw` (content-stream order): the default reading order joins a
        // line ending in `-` to the next one and drops the hyphen, which
        // turns a code line `---` into `--` (example 85).
        let got: String = fold(&tool("pdftotext", &["-raw", p, "-"]))
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        for w in expected_words(md) {
            words_checked += 1;
            if !got.contains(&w) {
                missing.push(format!("example {n}: `{w}`"));
            }
        }
    }
    eprintln!(
        "655 CommonMark examples: typeset and written in {typeset_time:?}, all checked in {:?}; {words_checked} words looked for",
        started.elapsed()
    );
    assert!(
        missing.is_empty(),
        "{} words missing from the PDFs:\n{}",
        missing.len(),
        missing.join("\n")
    );
}

/// A source of 1 MiB or more is kept deflated once it is checked
/// (`SourceFile::pack`): a warning the EPUB writer gives at the end still
/// names its file, line and column and shows the line.
#[test]
fn a_large_source_reports_late_warnings_at_their_places() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut md = String::from("---\ntitle: Một tài liệu lớn\n---\n\n");
    let mut n = 0;
    while md.len() < 1_200_000 {
        n += 1;
        md.push_str(&format!(
            "Đoạn {n}: người ta là hoa đất, ăn nói gói mở; chữ tốt thì xem văn hay.\n\n"
        ));
    }
    let line = "Ảnh ở xa: ![một bức ảnh](https://example.com/anh.png) cuối.";
    md.push_str(line);
    md.push('\n');
    let line_no = md.lines().count();
    std::fs::write(d.join("lon.md"), &md).unwrap();
    let out = trang()
        .args(["build", "--no-system-fonts", "--format", "epub", "-o"])
        .arg(d.join("out"))
        .arg(d.join("lon.md"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // Column 11: the image's `!`, counted in characters.
    let at = format!("lon.md:{line_no}:11");
    let epub = err
        .split("warning: ")
        .find(|w| {
            w.starts_with(
                "remote image `https://example.com/anh.png` cannot be embedded in the EPUB",
            )
        })
        .unwrap_or_else(|| panic!("no EPUB warning in:\n{err}"));
    assert!(epub.contains(&at), "{at} not in:\n{epub}");
    assert!(epub.contains(&format!("{line_no} | {line}")), "{epub}");
}
