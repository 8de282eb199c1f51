//! Per-stage benchmarks (divan) on three inputs: the article, the generated
//! reference book (60 chapters, ≈ 747 KB of Markdown) and the book ×4
//! (240 chapters). The books are generated in memory at start-up by the
//! same code as `cargo run --example genbook` (`examples/common/book.rs`).
//!
//! Stages:
//! * `parse`: front matter + Markdown → document model;
//! * `epub`: document → EPUB bytes (font subsets included);
//! * `shape`: every distinct (face, text) the typesetter shapes, with an
//!   empty cache — what shaping costs the document;
//! * `linebreak`: Knuth–Plass over every paragraph the typesetter breaks
//!   (items recorded from a real run);
//! * `flow`: blocks → vertical flow with a warm shaping cache (item
//!   building, line breaking, line rendering, blocks);
//! * `paginate`: flow → pages, footnotes, running heads;
//! * `typeset`: all of typesetting from scratch (`typeset::typeset`);
//! * `pdf`: layout → PDF bytes.
//!
//! ```sh
//! cargo bench --bench stages
//! ```

#[path = "../examples/common/book.rs"]
mod book;

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use divan::Bencher;
use trang::cli::Paper;
use trang::diag::{Diagnostics, SourceFile};
use trang::fonts::Face;
use trang::frame::Layout;
use trang::typeset::inline::{BreakInput, InlineEngine};
use trang::typeset::setup::PageSetup;
use trang::typeset::shape::Shaper;
use trang::typeset::{blocks, paginate};
use trang::{Prepared, epub, markdown, pdf, typeset};

fn main() {
    divan::main();
}

/// The inputs, smallest first.
const INPUTS: [&str; 3] = ["article", "book", "book_x4"];

/// Everything a stage needs for one input, computed once.
struct Input {
    markdown: String,
    path: PathBuf,
    prepared: Prepared,
    layout: Layout,
    faces: Vec<Arc<Face>>,
    shaped: Vec<(usize, Box<str>)>,
    breaks: Vec<BreakInput>,
    _dir: tempfile::TempDir,
}

fn load(name: &str) -> Input {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let markdown = match name {
        "article" => std::fs::read_to_string(root.join("source/article.md")).expect("article"),
        "book" => book::book(60, 1, false),
        _ => book::book(240, 1, false),
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(format!("{name}.md"));
    std::fs::write(&path, &markdown).expect("write input");
    let mut diags = Diagnostics::default();
    let prepared = trang::prepare(&path, None, &mut diags).expect("input prepares");
    let (layout, _) = typeset::typeset(&prepared.doc, &prepared.fonts, Paper::A5, 0);
    let mut engine = InlineEngine::new(&prepared.fonts, &prepared.doc.meta.lang);
    engine.recorded_breaks = Some(Vec::new());
    let setup = PageSetup::new(Paper::A5, &prepared.fonts);
    let _ = blocks::build_flow(&prepared.doc, &setup, &mut engine, None, 0);
    let shaped = engine.shaper.cached();
    let faces = (0..engine.shaper.face_count())
        .map(|i| Arc::clone(engine.shaper.face(i)))
        .collect();
    let breaks = engine.recorded_breaks.take().unwrap_or_default();
    Input {
        markdown,
        path,
        prepared,
        layout,
        faces,
        shaped,
        breaks,
        _dir: dir,
    }
}

static ARTICLE: LazyLock<Input> = LazyLock::new(|| load("article"));
static BOOK: LazyLock<Input> = LazyLock::new(|| load("book"));
static BOOK_X4: LazyLock<Input> = LazyLock::new(|| load("book_x4"));

fn input(name: &str) -> &'static Input {
    match name {
        "article" => &ARTICLE,
        "book" => &BOOK,
        _ => &BOOK_X4,
    }
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn parse(bencher: Bencher, name: &str) {
    let inp = input(name);
    bencher
        .with_inputs(|| SourceFile::new(inp.path.clone(), inp.markdown.as_str()))
        .bench_values(|source| markdown::parse(source, &mut Diagnostics::default()));
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn epub(bencher: Bencher, name: &str) {
    let p = &input(name).prepared;
    let opts = epub::EpubOptions {
        modified: 0,
        ..Default::default()
    };
    bencher.bench(|| epub::write_epub(&p.doc, &p.fonts, &opts, &mut Diagnostics::default()));
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn shape(bencher: Bencher, name: &str) {
    let inp = input(name);
    let lang = &inp.prepared.doc.meta.lang;
    bencher.bench(|| {
        let mut shaper = Shaper::new(lang);
        for face in &inp.faces {
            shaper.face_index(face);
        }
        for (face, text) in &inp.shaped {
            divan::black_box(shaper.shape(*face, text));
        }
    });
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn linebreak(bencher: Bencher, name: &str) {
    let breaks = &input(name).breaks;
    bencher.bench(|| {
        for b in breaks {
            divan::black_box(b.run());
        }
    });
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn flow(bencher: Bencher, name: &str) {
    let p = &input(name).prepared;
    let setup = PageSetup::new(Paper::A5, &p.fonts);
    let mut engine = InlineEngine::new(&p.fonts, &p.doc.meta.lang);
    let _ = blocks::build_flow(&p.doc, &setup, &mut engine, None, 0);
    bencher.bench_local(|| blocks::build_flow(&p.doc, &setup, &mut engine, None, 0));
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn paginate(bencher: Bencher, name: &str) {
    let p = &input(name).prepared;
    let setup = PageSetup::new(Paper::A5, &p.fonts);
    let mut engine = InlineEngine::new(&p.fonts, &p.doc.meta.lang);
    // Running heads and folios are shaped with a warm cache, as in a build.
    let mut heads = InlineEngine::new(&p.fonts, &p.doc.meta.lang);
    let flow = blocks::build_flow(&p.doc, &setup, &mut heads, None, 0);
    let _ = paginate::paginate(flow, &p.doc, &setup, &mut heads);
    bencher
        .with_inputs(|| blocks::build_flow(&p.doc, &setup, &mut engine, None, 0))
        .bench_local_values(|flow| paginate::paginate(flow, &p.doc, &setup, &mut heads));
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn typeset(bencher: Bencher, name: &str) {
    let p = &input(name).prepared;
    bencher.bench(|| typeset::typeset(&p.doc, &p.fonts, Paper::A5, 0));
}

#[divan::bench(args = INPUTS, sample_count = 5, sample_size = 1)]
fn pdf(bencher: Bencher, name: &str) {
    let layout = &input(name).layout;
    bencher.bench(|| pdf::write_pdf(layout).expect("PDF"));
}
