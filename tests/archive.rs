//! Many inputs in one command: `trang build --each FOLDER` builds every
//! article below it on every core, with the fonts read once; a bad file is
//! reported with its place and the others are built; `--shard K/N` splits
//! the work between runs.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn trang() -> Command {
    let mut c = Command::cargo_bin("trang").unwrap();
    c.env("SOURCE_DATE_EPOCH", "1700000000");
    c
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// An archive of six articles in two folders, built from the fixtures
/// (Vietnamese prose, a table, footnotes, code, an emoji, a formula); the
/// fourth (`2024/c.md`) has a date no calendar has.
fn archive(dir: &Path) -> Vec<PathBuf> {
    let fixtures = [
        ("2023/a.md", root().join("source/article.md")),
        ("2023/b.md", root().join("tests/fixtures/mixed.md")),
        ("2024/a.md", root().join("tests/fixtures/constructs.md")),
        ("2024/c.md", root().join("source/article.md")),
        ("2024/d.md", root().join("tests/fixtures/math/handout.md")),
        ("e.md", root().join("tests/fixtures/long.md")),
    ];
    let mut paths = Vec::new();
    for (name, from) in fixtures {
        let mut text = std::fs::read_to_string(&from).unwrap();
        if name == "2024/c.md" {
            text = text.replacen("date: 2022-07-05", "date: 32/13/2022", 1);
        }
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        paths.push(p);
    }
    // The images the fixtures name, beside the articles that name them.
    for sub in ["2023", "2024"] {
        let images = dir.join(sub).join("images");
        std::fs::create_dir_all(&images).unwrap();
        for f in ["ruong.png", "hoi-an.jpg"] {
            std::fs::copy(root().join("tests/fixtures/images").join(f), images.join(f)).unwrap();
        }
    }
    paths
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn an_archive_builds_every_article_but_the_bad_one_the_same_as_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    let inputs = archive(&src);
    let out = dir.path().join("out");
    let run = trang()
        .args(["build", "--each", "-j", "3", "--no-system-fonts", "-o"])
        .arg(&out)
        .arg(&src)
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(1), "{err}");
    // The bad file: its error in full, with its place, then in the summary.
    assert!(err.contains("2024/c.md:3:7"), "{err}");
    assert!(err.contains("Built 5 of 6 input(s) (10 files"), "{err}");
    let summary = err
        .split("Failed 1 input(s)")
        .nth(1)
        .expect("a summary of failures");
    assert!(
        summary.contains("2024/c.md:3:7: `date` must be a calendar date"),
        "{err}"
    );
    // Each article's outputs in its own sub-folder, none for the bad one.
    for (input, sub) in inputs
        .iter()
        .zip(["2023", "2023", "2024", "2024", "2024", ""])
    {
        let stem = input.file_stem().unwrap().to_str().unwrap();
        let folder = out.join(sub);
        let bad = input.ends_with("2024/c.md");
        for ext in ["epub", "pdf"] {
            assert_eq!(
                folder.join(format!("{stem}.{ext}")).exists(),
                !bad,
                "{stem}.{ext} in {sub}"
            );
        }
    }
    // Fonts read once and shared by the workers give the same bytes as a
    // build of each article alone.
    for (input, sub) in [(&inputs[1], "2023"), (&inputs[4], "2024"), (&inputs[5], "")] {
        let alone = dir.path().join("alone");
        let one = trang()
            .args(["build", "-q", "--no-system-fonts", "-o"])
            .arg(&alone)
            .arg(input)
            .output()
            .unwrap();
        assert!(one.status.success(), "{}", stderr(&one));
        let stem = input.file_stem().unwrap().to_str().unwrap();
        for ext in ["epub", "pdf"] {
            let file = format!("{stem}.{ext}");
            assert!(
                std::fs::read(alone.join(&file)).unwrap()
                    == std::fs::read(out.join(sub).join(&file)).unwrap(),
                "{sub}/{file} differs from the one built alone"
            );
        }
    }
}

#[test]
fn shards_build_each_article_once_between_them() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path().join("src");
    archive(&src);
    std::fs::remove_file(src.join("2024/c.md")).unwrap();
    let out = dir.path().join("out");
    let mut built = Vec::new();
    for k in 1..=2 {
        let run = trang()
            .args(["build", "--each", "--format", "pdf", "--shard"])
            .arg(format!("{k}/2"))
            .arg("-o")
            .arg(&out)
            .arg(&src)
            .output()
            .unwrap();
        let err = stderr(&run);
        assert!(run.status.success(), "{err}");
        // Five articles, in path order: shard 1 has the 1st, 3rd and 5th.
        let want = if k == 1 {
            "Built 3 of 3"
        } else {
            "Built 2 of 2"
        };
        assert!(err.contains(want), "shard {k}: {err}");
        built.push(err);
    }
    let pdfs = [
        "2023/a.pdf",
        "2023/b.pdf",
        "2024/a.pdf",
        "2024/d.pdf",
        "e.pdf",
    ];
    for pdf in pdfs {
        assert!(out.join(pdf).exists(), "{pdf}");
    }
    let bad = trang()
        .args(["build", "--each", "--shard", "3/2"])
        .arg(&src)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("K must be from 1 to N"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn two_inputs_that_would_write_the_same_file_are_refused_before_building() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["x", "y"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        std::fs::write(
            dir.path().join(sub).join("same.md"),
            "# Tiêu đề\n\nVăn bản.\n",
        )
        .unwrap();
    }
    let out = dir.path().join("out");
    let run = trang()
        .arg("build")
        .arg(dir.path().join("x/same.md"))
        .arg(dir.path().join("y/same.md"))
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("would both write"), "{err}");
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn watch_refuses_the_archive_options() {
    let dir = tempfile::tempdir().unwrap();
    for args in [["--each"], ["--shard=1/2"], ["--jobs=2"]] {
        let run = trang()
            .arg("watch")
            .args(args)
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(2), "{args:?}: {}", stderr(&run));
        assert!(
            stderr(&run).contains("are for `trang build`"),
            "{}",
            stderr(&run)
        );
    }
}
