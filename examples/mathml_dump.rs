fn main() {
    let mut c = trang::math::tex::Converter::new();
    for tex in std::env::args().skip(1) {
        let f = c.convert(&tex, trang::math::Display::Block).unwrap();
        let mut s = String::new();
        f.root.write_xml(&mut s, &[]);
        println!("{tex}\n  {s}\n");
    }
}
