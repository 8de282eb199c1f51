//! Reads a list of formulas (`construct<TAB>inline|display<TAB>tex`, one a
//! line; blank lines and lines starting with `#` are skipped) and prints, for
//! each, its MathML Core as `trang::math::tex::Converter` writes it and its
//! linear text (UnicodeMath, the PDF's `/ActualText`), or the converter's
//! error with its place. One converter reads the whole list, so numbered
//! rows count on as in a document. Exits 1 if any formula fails.
//!
//! `cargo run --release --example mathml [-- tests/fixtures/math/formulas.tsv]`

use std::process::ExitCode;

use trang::math::{Display, tex::Converter};

fn main() -> ExitCode {
    let path = std::env::args().nth(1).unwrap_or_else(|| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/math/formulas.tsv"
        )
        .to_string()
    });
    let list = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let mut converter = Converter::new();
    let (mut good, mut bad) = (0usize, 0usize);
    for (n, line) in list.lines().enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.splitn(3, '\t').collect();
        let [construct, mode, tex] = fields[..] else {
            eprintln!(
                "{path}:{line_no}: error: expected `construct<TAB>inline|display<TAB>tex`, \
                 found {} field(s)",
                fields.len()
            );
            bad += 1;
            continue;
        };
        let display = match mode {
            "inline" => Display::Inline,
            "display" => Display::Block,
            other => {
                eprintln!(
                    "{path}:{line_no}: error: mode `{other}` is neither `inline` nor `display`"
                );
                bad += 1;
                continue;
            }
        };
        match converter.convert(tex, display) {
            Ok(formula) => {
                let mut xml = String::new();
                formula.root.write_xml(&mut xml, &[]);
                println!("{line_no}\t{construct}\t{mode}\t{tex}");
                println!("  text: {}", formula.text);
                if !formula.numbers.is_empty() {
                    println!("  numbers: {}", formula.numbers.join(", "));
                }
                println!("  {xml}");
                good += 1;
            }
            Err(e) => {
                // Column in characters, 1-based, inside the TeX field.
                let col = tex[..e.offset.min(tex.len())].chars().count() + 1;
                eprintln!(
                    "{path}:{line_no}: error in `{construct}` at column {col} of the formula: {}\n  \
                     {tex}\n  help: {}",
                    e.message, e.help
                );
                bad += 1;
            }
        }
    }
    eprintln!("{good} converted, {bad} failed");
    if bad == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
