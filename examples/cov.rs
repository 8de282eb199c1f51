fn main() {
    let fonts = trang::fonts::FontSet::load(
        &trang::fonts::FontSet::bundled_dir(),
        &mut Default::default(),
    )
    .unwrap();
    for (r, s, f) in fonts.slots() {
        let miss: String = "•◦▪▫■□–—☐☑☒✓✔·※❧⁂◆◇○●▸‣⁃∗"
            .chars()
            .filter(|&c| !f.covers(c))
            .collect();
        println!("{:?} {:?} missing: {}", r, s, miss);
    }
}
