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
fn uncovered_character_is_one_error_with_its_count_and_first_place_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let input = write(
        dir.path(),
        "cjk.md",
        "---\ntitle: Thử\n---\n\n# Tiêu đề có 中\n\nĐoạn văn 中 ở đây.\n",
    );
    let out_dir = dir.path().join("out");
    let out = trang()
        .arg("build")
        .arg("--no-system-fonts")
        .arg(&input)
        .arg("-o")
        .arg(&out_dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // One block: the character once, with its count (heading and
    // paragraph) and its first place, the heading's.
    let input_s = input.display().to_string();
    assert!(
        err.contains(&format!("`中` U+4E2D ×2, first at {input_s}:5:14")),
        "{err}"
    );
    assert_eq!(err.matches("U+4E2D").count(), 1, "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(!out_dir.exists(), "nothing may be written");
}

#[test]
fn usage_errors_exit_with_2() {
    let out = trang().args(["build", "--paper", "a3"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = trang().args(["frobnicate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
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

/// Builds `input` from `cwd` into `cwd` with `env`, without inheriting
/// `SOURCE_DATE_EPOCH` unless `env` sets it; returns (EPUB, PDF) bytes.
fn build_in(cwd: &Path, input: &Path, env: &[(&str, &str)]) -> (Vec<u8>, Vec<u8>) {
    let mut cmd = trang();
    cmd.current_dir(cwd)
        .args(["build", "-q", "-o", "."])
        .arg(input)
        .env_remove("SOURCE_DATE_EPOCH");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stem = input.file_stem().unwrap().to_string_lossy();
    let read = |ext: &str| std::fs::read(cwd.join(format!("{stem}.{ext}"))).unwrap();
    (read("epub"), read("pdf"))
}

#[test]
fn same_input_gives_identical_bytes_in_other_folders_time_zones_and_locales() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let article = root().join("source/article.md");
    let x = build_in(
        a.path(),
        &article,
        &[
            ("SOURCE_DATE_EPOCH", "1700000000"),
            ("TZ", "UTC"),
            ("LC_ALL", "C"),
            ("LANG", "C"),
        ],
    );
    let y = build_in(
        b.path(),
        &article,
        &[
            ("SOURCE_DATE_EPOCH", "1700000000"),
            ("TZ", "Asia/Ho_Chi_Minh"),
            ("LC_ALL", "vi_VN.UTF-8"),
            ("LANG", "vi_VN.UTF-8"),
        ],
    );
    assert!(x.0 == y.0, "the EPUB differs between builds");
    assert!(x.1 == y.1, "the PDF differs between builds");
}

/// The PDF's creation date as pdfinfo prints it in ISO form.
fn pdf_date(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.pdf");
    std::fs::write(&p, pdf).unwrap();
    let out = std::process::Command::new("pdfinfo")
        .arg("-isodates")
        .arg(&p)
        .env("TZ", "UTC")
        .output()
        .expect("pdfinfo (poppler-utils): install with `bash .ci/test-deps`");
    let info = String::from_utf8_lossy(&out.stdout).into_owned();
    info.lines()
        .find_map(|l| l.strip_prefix("CreationDate:"))
        .map(|d| d.trim().to_string())
        .unwrap_or_else(|| panic!("no CreationDate in\n{info}"))
}

fn touch(path: &Path, date: &str) {
    let st = std::process::Command::new("touch")
        .args(["-d", date])
        .arg(path)
        .status()
        .unwrap();
    assert!(st.success());
}

#[test]
fn without_source_date_epoch_the_date_is_the_front_matter_date_else_the_mtime() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // With a front-matter date: the file's mtime and the time zone do not matter.
    let dated = write(
        d,
        "dated.md",
        "---\ntitle: Ngày\ndate: 2022-07-05\n---\n\nVăn bản.\n",
    );
    touch(&dated, "2001-01-01 00:00:00 UTC");
    let x = build_in(d, &dated, &[("TZ", "UTC")]);
    touch(&dated, "2011-11-11 11:11:11 UTC");
    let y = build_in(d, &dated, &[("TZ", "Asia/Ho_Chi_Minh")]);
    assert!(
        x == y,
        "a dated file gives the same bytes whatever its mtime"
    );
    assert!(
        pdf_date(&x.1).starts_with("2022-07-05T00:00:00"),
        "{}",
        pdf_date(&x.1)
    );
    // Without one: the file's modification time, in any time zone.
    let undated = write(d, "undated.md", "---\ntitle: Không ngày\n---\n\nVăn bản.\n");
    touch(&undated, "2021-03-04 05:06:07 UTC");
    let x = build_in(d, &undated, &[("TZ", "UTC")]);
    let y = build_in(
        d,
        &undated,
        &[("TZ", "America/New_York"), ("LC_ALL", "vi_VN.UTF-8")],
    );
    assert!(x == y, "same mtime, same bytes");
    assert!(
        pdf_date(&x.1).starts_with("2021-03-04T05:06:07"),
        "{}",
        pdf_date(&x.1)
    );
    let opf = epub_file(&x.0, ".opf");
    assert!(opf.contains("2021-03-04T05:06:07Z"), "{opf}");
    touch(&undated, "2023-10-09 08:07:06 UTC");
    let z = build_in(d, &undated, &[("TZ", "UTC")]);
    assert!(
        pdf_date(&z.1).starts_with("2023-10-09T08:07:06"),
        "{}",
        pdf_date(&z.1)
    );
}

/// The text of the first file in the EPUB whose name ends with `suffix`.
fn epub_file(epub: &[u8], suffix: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).unwrap();
    let name = zip
        .file_names()
        .find(|n| n.ends_with(suffix))
        .unwrap()
        .to_string();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut zip.by_name(&name).unwrap(), &mut text).unwrap();
    text
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

/// `--fsync` flushes the outputs before they replace the previous ones (a
/// power cut cannot be made here; what is checked is that the flag builds
/// the same files the same way: replaced in one step, no temporary file
/// left, the same bytes as without it).
#[test]
fn fsync_writes_the_same_files_and_leaves_no_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let article = root().join("source/article.md");
    let build = |out: &Path, extra: &[&str]| {
        std::fs::create_dir_all(out).unwrap();
        // A previous build's files, replaced.
        std::fs::write(out.join("article.pdf"), b"old").unwrap();
        let run = trang()
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args(["build", "-q", "--no-system-fonts"])
            .arg(&article)
            .arg("-o")
            .arg(out)
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let mut names: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["article.epub", "article.pdf"]);
        names
            .iter()
            .map(|n| std::fs::read(out.join(n)).unwrap())
            .collect::<Vec<_>>()
    };
    let synced = build(&dir.path().join("synced"), &["--fsync"]);
    let plain = build(&dir.path().join("plain"), &[]);
    assert!(synced[1].starts_with(b"%PDF-"), "the old PDF was replaced");
    assert!(synced == plain, "--fsync changes no byte");
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
