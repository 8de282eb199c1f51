//! Writes a deterministic Vietnamese Markdown book built from the article's
//! sentences (see `examples/common/book.rs`).
//!
//! ```sh
//! cargo run --release --example genbook -- --chapters 60 --seed 1 > book.md
//! ```

#[path = "common/book.rs"]
mod book;

fn main() {
    let mut chapters = 60usize;
    let mut seed = 1u64;
    let mut simple = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--chapters" => chapters = args.next().and_then(|v| v.parse().ok()).unwrap_or(chapters),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--simple" => simple = true,
            _ => {
                eprintln!("usage: genbook [--chapters N] [--seed S] [--simple]");
                std::process::exit(2);
            }
        }
    }
    print!("{}", book::book(chapters, seed, simple));
}
