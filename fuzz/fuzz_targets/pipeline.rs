//! The whole pipeline on arbitrary bytes: UTF-8 decoding, front matter,
//! Markdown, the image and coverage checks, the EPUB (XHTML, packaging) and
//! the PDF (typesetting, writing) — all in memory, nothing written to disk.
//!
//! The input is read as if it were `tests/fixtures/fuzz.md`, so that image
//! paths such as `images/ruong.png` reach the fixture images.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use trang::cli::{Paper, Sheet};
use trang::diag::Diagnostics;
use trang::{BuildOptions, PrepareOptions};

/// 2022-07-05, so that runs are deterministic.
const EPOCH: i64 = 1_656_979_200;

fuzz_target!(|data: &[u8]| {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/fuzz.md");
    let Ok(source) = trang::input::decode_source(&path, data.to_vec()) else {
        return;
    };
    let mut diags = Diagnostics::default();
    let Some(prepared) = trang::prepare_source(source, &PrepareOptions::default(), &mut diags)
    else {
        assert!(diags.has_errors(), "prepare failed without an error");
        return;
    };
    let variant = data.first().copied().unwrap_or(0);
    let opts = BuildOptions {
        out_dir: PathBuf::new(),
        epub: true,
        pdf: true,
        paper: Paper::A5,
        // The first byte also picks the layout variant, so that two-sided
        // pages, two columns and the booklet's imposition are exercised.
        duplex: variant & 2 != 0,
        columns: 1 + usize::from(variant & 1),
        booklet: (variant & 4 != 0).then_some(Sheet::A4),
        booklet_duplex: true,
        imposition: Default::default(),
        pdf_standards: Default::default(),
        progress: Default::default(),
        // Formulas as MathML, or drawn as SVG by the math layout.
        epub_math: if variant & 8 != 0 {
            trang::epub::EpubMath::Svg
        } else {
            trang::epub::EpubMath::Mathml
        },
        durability: Default::default(),
    };
    match trang::render(prepared, &opts, EPOCH, &mut diags) {
        Some(outputs) => {
            assert_eq!(outputs.len(), 2 + usize::from(opts.booklet.is_some()));
            for out in outputs {
                let magic: &[u8] = if out.file.ends_with(".pdf") {
                    b"%PDF-"
                } else {
                    b"PK"
                };
                assert!(out.bytes.starts_with(magic), "{} is not one", out.file);
            }
        }
        None => assert!(diags.has_errors(), "render failed without an error"),
    }
});
