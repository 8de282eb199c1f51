//! Writes a deterministic archive of Vietnamese articles for `trang build
//! --each` (see benches/README.md, "Archive"): each is a one-chapter text
//! from the article's sentences (`examples/common/book.rs`) with its own
//! seed, a hundred to a folder `DIR/NNN/`.
//!
//! ```sh
//! cargo run --release --example genarchive -- --articles 10000 --out DIR [--corrupt K]
//! ```
//!
//! `--corrupt K` makes article K (from 0) invalid: its front-matter date
//! is `32/13/2022`, which trang refuses with its place.

#[path = "common/book.rs"]
mod book;

fn main() {
    let mut articles = 1000usize;
    let mut out: Option<std::path::PathBuf> = None;
    let mut corrupt: Option<usize> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--articles" => articles = args.next().and_then(|v| v.parse().ok()).unwrap_or(articles),
            "--out" => out = args.next().map(Into::into),
            "--corrupt" => corrupt = args.next().and_then(|v| v.parse().ok()),
            _ => usage(),
        }
    }
    let Some(out) = out else { usage() };
    for i in 0..articles {
        let dir = out.join(format!("{:03}", i / 100));
        let mut text = book::book(1, i as u64 + 1, false);
        if corrupt == Some(i) {
            text = text.replacen("date: 2022-07-05", "date: 32/13/2022", 1);
        }
        let written = std::fs::create_dir_all(&dir)
            .and_then(|()| std::fs::write(dir.join(format!("bai-{i:05}.md")), text));
        if let Err(e) = written {
            eprintln!("genarchive: cannot write into {}: {e}", dir.display());
            std::process::exit(1);
        }
    }
}

fn usage() -> ! {
    eprintln!("usage: genarchive --articles N --out DIR [--corrupt K]");
    std::process::exit(2);
}
