//! The book generator shared by `examples/genbook.rs` and `benches/stages.rs`:
//! a deterministic Vietnamese Markdown book built from the article's
//! sentences — numbered chapters with `##` sub-headings, paragraphs of
//! shuffled sentences, and (unless `simple`) lists, a table every four
//! chapters, footnotes and block quotes.
//!
//! `book(60, 1, false)` is the reference book: about 747 KB of
//! Markdown, about 290 A5 pages. `simple` books (no lists, tables, notes or
//! quotes) are what `tests/fixtures/long.md` was made from
//! (`--chapters 4 --seed 9 --simple`), and their output is unchanged.

use std::fmt::Write;

/// A small deterministic PRNG (SplitMix64), so books are the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const ARTICLE: &str = include_str!("../../source/article.md");

/// The article's sentences (body paragraphs split at `. `).
fn sentences() -> Vec<String> {
    let body = ARTICLE.split("\n---\n").nth(1).unwrap_or(ARTICLE);
    let mut out = Vec::new();
    for para in body.split("\n\n") {
        let p = para.trim().trim_matches('*');
        if p.is_empty() || p.starts_with('#') || p.starts_with("Theo ") {
            continue;
        }
        for s in p.split(". ") {
            let s = s.trim().trim_end_matches('.');
            if s.split_whitespace().count() > 4 {
                out.push(format!("{s}."));
            }
        }
    }
    out
}

/// The Markdown of a book of `chapters` chapters, the same for the same
/// `seed` everywhere.
pub fn book(chapters: usize, seed: u64, simple: bool) -> String {
    let mut rng = Rng(seed);
    let s = sentences();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\ntitle: Tuyển tập công tác dân vận vùng Tây Bắc\nsubtitle: Sách mẫu {chapters} chương\n\
         author: [Ban Biên tập]\ndate: 2022-07-05\nlang: vi\n---\n"
    );
    let mut note = 0;
    let paragraph = |rng: &mut Rng, n: usize| -> String {
        (0..n)
            .map(|_| s[rng.below(s.len())].clone())
            .collect::<Vec<_>>()
            .join(" ")
    };
    for c in 1..=chapters {
        let _ = writeln!(out, "# Chương {c}. {}\n", title_words(&mut rng, &s));
        for sec in 1..=3 {
            let _ = writeln!(out, "## {c}.{sec}. {}\n", title_words(&mut rng, &s));
            // Two paragraphs a section give the reference book's size;
            // simple books keep their three.
            let paragraphs = if simple { 3 } else { 2 };
            for p in 0..paragraphs {
                let n = if simple {
                    3 + rng.below(4)
                } else {
                    3 + rng.below(3)
                };
                let mut text = paragraph(&mut rng, n);
                if !simple && p == 1 && rng.below(3) == 0 {
                    note += 1;
                    text.push_str(&format!("[^n{note}]"));
                    let _ = write!(out, "{text}\n\n[^n{note}]: {}\n\n", paragraph(&mut rng, 1));
                } else {
                    let _ = writeln!(out, "{text}\n");
                }
            }
            if simple {
                continue;
            }
            match rng.below(6) {
                0 => {
                    for i in 1..=3 + rng.below(3) {
                        let _ = writeln!(out, "{i}. {}", paragraph(&mut rng, 1));
                    }
                    out.push('\n');
                }
                1 => {
                    for _ in 0..3 {
                        let _ = writeln!(out, "- {}", paragraph(&mut rng, 1));
                    }
                    out.push('\n');
                }
                2 => {
                    let _ = writeln!(out, "> {}\n", paragraph(&mut rng, 2));
                }
                _ => {}
            }
        }
        if !simple && c % 4 == 0 {
            let _ = writeln!(out, "| Tỉnh | Số hộ | Tỷ lệ | Ghi chú |\n|:--|--:|--:|:--|");
            for t in ["Yên Bái", "Lào Cai", "Sơn La", "Điện Biên", "Lai Châu"] {
                let _ = writeln!(
                    out,
                    "| {t} | {} | {},{}% | {} |",
                    1000 + rng.below(9000),
                    rng.below(100),
                    rng.below(10),
                    title_words(&mut rng, &s)
                );
            }
            out.push('\n');
        }
    }
    out
}

fn title_words(rng: &mut Rng, s: &[String]) -> String {
    let sentence = &s[rng.below(s.len())];
    let words: Vec<&str> = sentence.trim_end_matches('.').split_whitespace().collect();
    let start = rng.below(words.len().saturating_sub(5).max(1));
    let mut t = words[start..(start + 5).min(words.len())].join(" ");
    t = t.trim_end_matches([',', ';', ':']).to_string();
    let mut chars = t.chars();
    match chars.next() {
        Some(f) => f.to_uppercase().collect::<String>() + chars.as_str(),
        None => t,
    }
}
