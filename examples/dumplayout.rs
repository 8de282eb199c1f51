fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mut diags = trang::diag::Diagnostics::default();
    let p = trang::prepare(std::path::Path::new(&path), None, &mut diags).unwrap();
    let t = std::time::Instant::now();
    let (layout, report) = trang::typeset::typeset(&p.doc, &p.fonts, trang::cli::Paper::A4, 0);
    eprintln!("typeset in {:?}", t.elapsed());
    for (i, page) in layout.pages.iter().enumerate() {
        println!("=== page {} ({} items)", i + 1, page.items.len());
        let mut last_y = -1.0f32;
        let mut line = String::new();
        for it in &page.items {
            if let trang::frame::Item::Text(run) = &it.item {
                if (it.pos.y - last_y).abs() > 1.0 {
                    if !line.is_empty() {
                        println!("{line}");
                    }
                    line = format!("{:6.1} {:6.1} w={:6.1} | ", it.pos.y, it.pos.x, run.width());
                    last_y = it.pos.y;
                }
                line.push_str(&run.text);
            }
        }
        println!("{line}");
    }
    println!(
        "widows {} orphans {} headings_at_foot {}",
        report.widows, report.orphans, report.headings_at_foot
    );
}
