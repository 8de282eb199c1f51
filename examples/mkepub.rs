//! Writes the EPUB of a Markdown file: `cargo run --example mkepub -- IN.md OUT.epub`.
fn main() {
    let mut args = std::env::args().skip(1);
    let (input, output) = (args.next().expect("IN.md"), args.next().expect("OUT.epub"));
    let text = std::fs::read_to_string(&input).unwrap();
    let mut diags = trang::diag::Diagnostics::default();
    let doc = trang::markdown::parse(trang::diag::SourceFile::new(&input, text), &mut diags);
    let doc = trang::resolve::resolve(doc, &mut diags);
    let fonts =
        trang::fonts::FontSet::load(&trang::fonts::FontSet::bundled_dir(), &mut diags).unwrap();
    let opts = trang::epub::EpubOptions {
        modified: 1_700_000_000,
        ..Default::default()
    };
    match trang::epub::write_epub(&doc, &fonts, &opts, &mut diags) {
        Ok(bytes) => std::fs::write(&output, bytes).unwrap(),
        Err(e) => eprint!("{}", e.render()),
    }
    for d in &diags.items {
        eprint!("{}", d.render());
    }
}
