//! Writes a deterministic Vietnamese Markdown book built from the article's
//! sentences (see `examples/common/book.rs`).
//!
//! ```sh
//! cargo run --release --example genbook -- --chapters 60 --seed 1 > book.md
//! # the same text as a book project: DIR/book.toml and one file per chapter
//! cargo run --release --example genbook -- --chapters 60 --split DIR
//! ```

#[path = "common/book.rs"]
mod book;

fn main() {
    let mut chapters = 60usize;
    let mut seed = 1u64;
    let mut simple = false;
    let mut split: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--chapters" => chapters = args.next().and_then(|v| v.parse().ok()).unwrap_or(chapters),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--simple" => simple = true,
            "--split" => split = args.next().map(Into::into),
            _ => {
                eprintln!("usage: genbook [--chapters N] [--seed S] [--simple] [--split DIR]");
                std::process::exit(2);
            }
        }
    }
    let text = book::book(chapters, seed, simple);
    match split {
        None => print!("{text}"),
        Some(dir) => write_project(&dir, &text).unwrap_or_else(|e| {
            eprintln!("genbook: cannot write {}: {e}", dir.display());
            std::process::exit(1);
        }),
    }
}

/// Writes `text` as a book project: its front matter as `book.toml`'s
/// `[book]`, each `#` chapter as `src/chNN.md`, listed in order.
fn write_project(dir: &std::path::Path, text: &str) -> std::io::Result<()> {
    let body_start = text[3..].find("\n---\n").map_or(0, |i| i + 3 + 5);
    let front = &text[..body_start];
    let value = |key: &str| {
        front
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}: ")))
            .unwrap_or_default()
            .trim()
            .to_string()
    };
    let mut chapters: Vec<String> = Vec::new();
    let body = text[body_start..].trim_start();
    for line in body.split_inclusive('\n') {
        if line.starts_with("# ") || chapters.is_empty() {
            chapters.push(String::new());
        }
        chapters.last_mut().expect("pushed").push_str(line);
    }
    std::fs::create_dir_all(dir.join("src"))?;
    let names: Vec<String> = (1..=chapters.len())
        .map(|i| format!("ch{i:02}.md"))
        .collect();
    for (name, chapter) in names.iter().zip(&chapters) {
        std::fs::write(dir.join("src").join(name), chapter)?;
    }
    let list: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    let author = value("author");
    let author = author.trim_start_matches('[').trim_end_matches(']');
    std::fs::write(
        dir.join("book.toml"),
        format!(
            "[book]\ntitle = \"{}\"\nsubtitle = \"{}\"\nauthors = [\"{author}\"]\ndate = \"{}\"\nlanguage = \"{}\"\nchapters = [{}]\n",
            value("title"),
            value("subtitle"),
            value("date"),
            value("lang"),
            list.join(", ")
        ),
    )
}
