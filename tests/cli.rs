//! The `trang` command as a user runs it: exit codes, messages, files written.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn trang() -> Command {
    Command::cargo_bin("trang").unwrap()
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn uncovered_character_is_an_error_with_every_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "cjk.md",
        "---\ntitle: Thử\n---\n\n# Tiêu đề có 中\n\nĐoạn văn 中 ở đây.\n",
    );
    let out_dir = dir.path().join("out");
    let out = trang()
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("U+4E2D"), "{err}");
    let input_s = input.display().to_string();
    assert!(
        err.contains(&format!("{input_s}:5:14")),
        "heading place: {err}"
    );
    assert!(
        err.contains(&format!("{input_s}:7:10")),
        "paragraph place: {err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out_dir.exists(), "nothing may be written");
}

#[test]
fn invalid_date_points_at_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "d.md",
        "---\ntitle: Ngày\ndate: 32/13/2022\n---\n\nVăn bản.\n",
    );
    let out = trang().arg("check").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:3:7", input.display())), "{err}");
    assert!(
        err.contains("32/13/2022") && err.contains("YYYY-MM-DD"),
        "{err}"
    );
}

#[test]
fn front_matter_problems_are_reported_with_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "fm.md",
        "---\ntitle: [không, phải, chuỗi]\ncolour: đỏ\nlang: tiếng việt\n---\n\nVăn bản.\n",
    );
    let out = trang().arg("check").arg(&input).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let p = input.display().to_string();
    assert!(
        err.contains("`title` must be a text") && err.contains(&format!("{p}:2:8")),
        "{err}"
    );
    assert!(
        err.contains("warning: unknown front-matter key `colour`")
            && err.contains(&format!("{p}:3:1")),
        "{err}"
    );
    assert!(
        err.contains("not a BCP 47 language tag") && err.contains(&format!("{p}:4:7")),
        "{err}"
    );
    let unterminated = write(dir.path(), "u.md", "---\ntitle: x\n\nVăn bản.\n");
    let out = trang().arg("check").arg(&unterminated).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("front matter is not closed"));
    let bad_yaml = write(dir.path(), "y.md", "---\ntitle: \"x\n---\n\nVăn bản.\n");
    let out = trang().arg("check").arg(&bad_yaml).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not valid YAML"), "{}", stderr(&out));
}

#[test]
fn usage_errors_exit_with_2() {
    let out = trang().args(["build", "--paper", "a3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = trang().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn missing_input_and_folder_input_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = trang()
        .arg("check")
        .arg(dir.path().join("nope.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    let out = trang().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
}

#[test]
fn invalid_utf8_reports_offset_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.md");
    std::fs::write(&p, b"---\ntitle: x\n---\n\nxin ch\xE0o\n").unwrap();
    let out = trang().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("not valid UTF-8") && err.contains("offset 24") && err.contains("line 5"),
        "{err}"
    );
}

#[test]
fn bom_and_crlf_are_accepted_silently() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "w.md",
        "\u{FEFF}---\r\ntitle: Windows\r\ndate: 2022-07-05\r\n---\r\n\r\nVăn bản.\r\n",
    );
    let out = trang().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn missing_image_is_an_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "img.md",
        "---\ntitle: Ảnh\n---\n\nXem ![ảnh](khong-co.png).\n",
    );
    let out = trang().arg("check").arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("image `khong-co.png` not found")
            && err.contains(&format!("{}:5:5", p.display())),
        "{err}"
    );
}

#[test]
fn check_accepts_the_article_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = trang()
        .current_dir(dir.path())
        .arg("check")
        .arg(root().join("source/article.md"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn missing_font_folder_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = trang()
        .arg("check")
        .arg(root().join("source/article.md"))
        .arg("--fonts")
        .arg(dir.path().join("nope"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("font folder"), "{}", stderr(&out));
}

#[test]
fn build_without_input_writes_both_outputs_of_the_article() {
    let dir = tempfile::tempdir().unwrap();
    let out = trang()
        .current_dir(root())
        .args(["build", "-o"])
        .arg(dir.path())
        .env("SOURCE_DATE_EPOCH", "1656979200")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let epub = std::fs::read(dir.path().join("article.epub")).unwrap();
    let pdf = std::fs::read(dir.path().join("article.pdf")).unwrap();
    assert!(epub.starts_with(b"PK\x03\x04") && epub.len() > 10_000);
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf.len() > 10_000);
    let err = stderr(&out);
    assert!(
        err.contains("Wrote") && err.contains("article.epub") && err.contains("article.pdf"),
        "{err}"
    );
    // No temporary files are left behind.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
}

#[test]
fn same_input_gives_identical_bytes_in_other_folders_and_time_zones() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let article = root().join("source/article.md");
    for (dir, tz) in [(&a, "UTC"), (&b, "Asia/Ho_Chi_Minh")] {
        let out = trang()
            .current_dir(dir.path())
            .args(["build", "-q", "-o", "."])
            .arg(&article)
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .env("TZ", tz)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    for name in ["article.epub", "article.pdf"] {
        let x = std::fs::read(a.path().join(name)).unwrap();
        let y = std::fs::read(b.path().join(name)).unwrap();
        assert!(x == y, "{name} differs between builds");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    std::fs::write(out_dir.join("bad.pdf"), b"yesterday's good PDF").unwrap();
    let input = write(
        dir.path(),
        "bad.md",
        "---\ntitle: x\ndate: hôm qua\n---\n\nVăn bản.\n",
    );
    let out = trang()
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read(out_dir.join("bad.pdf")).unwrap(),
        b"yesterday's good PDF"
    );
    assert_eq!(std::fs::read_dir(&out_dir).unwrap().count(), 1);
}

#[test]
fn images_outside_the_source_folder_are_refused_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let outside = dir.path().join("elsewhere");
    std::fs::create_dir_all(&src).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    let png = root().join("tests/fixtures/images/ruong.png");
    std::fs::copy(&png, outside.join("a.png")).unwrap();
    std::os::unix::fs::symlink(outside.join("a.png"), src.join("link.png")).unwrap();
    for reference in [
        "../elsewhere/a.png",
        "link.png",
        "/etc/passwd",
        "../../../../../../etc/passwd",
    ] {
        let input = write(
            &src,
            "x.md",
            &format!("---\ntitle: Ảnh\n---\n\n![ảnh]({reference})\n"),
        );
        let out = trang().arg("check").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{reference}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains("outside the source folder") && err.contains("--allow-outside"),
            "{reference}: {err}"
        );
        assert!(
            err.contains(&format!("{}:5:1", input.display())),
            "{reference}: {err}"
        );
    }
    let input = write(
        &src,
        "x.md",
        "---\ntitle: Ảnh\n---\n\n![ảnh](../elsewhere/a.png)\n",
    );
    let out = trang()
        .arg("check")
        .arg(&input)
        .arg("--allow-outside")
        .arg(&outside)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// A font folder whose manifest names `body` files written by `make`.
fn font_dir(dir: &Path, make: impl Fn(&Path)) -> PathBuf {
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(
        fonts.join("fonts.toml"),
        "[body]\nfamily = \"Bad\"\nregular = \"bad.ttf\"\n",
    )
    .unwrap();
    make(&fonts.join("bad.ttf"));
    fonts
}

#[test]
fn a_file_that_is_not_a_font_or_is_truncated_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let real = std::fs::read(root().join("fonts/source-serif-4/SourceSerif4-Regular.ttf")).unwrap();
    let cases: [(&str, Vec<u8>); 2] = [
        ("text", b"this is not a font".to_vec()),
        ("truncated", real[..real.len() / 3].to_vec()),
    ];
    for (name, bytes) in cases {
        let sub = dir.path().join(name);
        let fonts = font_dir(&sub, |p| std::fs::write(p, &bytes).unwrap());
        let out = trang()
            .arg("check")
            .arg(root().join("source/article.md"))
            .arg("--fonts")
            .arg(&fonts)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}");
        let err = stderr(&out);
        assert!(
            err.contains("bad.ttf") && err.contains("is not a usable TrueType font"),
            "{name}: {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn a_family_without_italic_falls_back_to_regular_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let fonts = dir.path().join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::copy(
        root().join("fonts/source-serif-4/SourceSerif4-Regular.ttf"),
        fonts.join("r.ttf"),
    )
    .unwrap();
    std::fs::write(
        fonts.join("fonts.toml"),
        "[body]\nfamily = \"Chỉ thường\"\nregular = \"r.ttf\"\n",
    )
    .unwrap();
    let input = write(
        dir.path(),
        "i.md",
        "---\ntitle: Nghiêng\n---\n\nChữ *nghiêng* ở đây.\n",
    );
    let out = trang()
        .arg("build")
        .arg(&input)
        .arg("--fonts")
        .arg(&fonts)
        .arg("-o")
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("warning: family `Chỉ thường` has no italic face"),
        "{err}"
    );
    assert!(
        err.contains("warning: the font manifest names no `heading` family"),
        "{err}"
    );
    assert!(dir.path().join("out/i.pdf").is_file() && dir.path().join("out/i.epub").is_file());
}

#[test]
fn an_unreadable_or_unsupported_image_is_an_error_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("fake.png"), b"not a picture at all").unwrap();
    std::fs::write(
        dir.path().join("pic.svg"),
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    )
    .unwrap();
    for name in ["fake.png", "pic.svg"] {
        let input = write(
            dir.path(),
            "x.md",
            &format!("---\ntitle: Ảnh\n---\n\nẢnh ![hỏng]({name}).\n"),
        );
        let out = trang().arg("check").arg(&input).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("image `{name}` cannot be used"))
                && err.contains(&format!("{}:5:5", input.display())),
            "{err}"
        );
    }
}

#[test]
fn timings_list_every_stage_and_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let article = root().join("source/article.md");
    let run = |extra: &[&str]| {
        let out = trang()
            .arg("build")
            .arg(&article)
            .arg("-o")
            .arg(dir.path())
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };
    let err = run(&["--timings"]);
    let ms = |stage: &str| -> f64 {
        let line = err
            .lines()
            .find(|l| l.trim_start().starts_with(stage))
            .unwrap_or_else(|| panic!("no `{stage}` line in: {err}"));
        line.trim_start()[stage.len()..]
            .trim()
            .trim_end_matches("ms")
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("not a time: {line}"))
    };
    let stages = [
        "parse",
        "check",
        "typeset",
        "pdf write",
        "epub write",
        "write files",
    ];
    let total = ms("total");
    for stage in stages {
        let t = ms(stage);
        assert!(
            (0.0..=total).contains(&t),
            "{stage} {t} ms vs total {total} ms"
        );
    }
    // The EPUB writer runs beside typeset + PDF; the others add up.
    let serial: f64 = ["parse", "check", "typeset", "pdf write", "write files"]
        .into_iter()
        .map(ms)
        .sum();
    assert!(serial <= total + 0.5, "{serial} > {total}");
    assert!(
        !run(&[]).contains("typeset"),
        "no timings without --timings"
    );
}
