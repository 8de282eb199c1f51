fn main() {
    let path = std::env::args().nth(1).unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let mut diags = trang::diag::Diagnostics::default();
    let doc = trang::markdown::parse(trang::diag::SourceFile::new(&path, text), &mut diags);
    println!("{:#?}", doc.meta);
    for b in &doc.blocks {
        println!("{:?}", b);
    }
    for f in &doc.footnotes {
        println!("FN {:?}", f);
    }
    for d in &diags.items {
        eprint!("{}", d.render());
    }
}
