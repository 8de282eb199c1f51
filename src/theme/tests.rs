use super::*;
use crate::diag::Diagnostics;

fn load_text(text: &str, default: Preset) -> (Option<Theme>, Diagnostics) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.toml");
    std::fs::write(&path, text).unwrap();
    let mut d = Diagnostics::default();
    let t = load(Some(&load::ThemeName::File(path)), default, &mut d);
    (t, d)
}

#[test]
fn a_file_changes_only_what_it_sets() {
    let (t, d) = load_text(
        "extends = \"book\"\n[text]\nsize = 12\nindent = \"1cm\"\n[colours]\nlink = \"#1a3373\"\n",
        Preset::Article,
    );
    let t = t.unwrap_or_else(|| panic!("{d:?}"));
    let mut want = Theme::preset(Preset::Book);
    want.text.size = 12.0;
    want.text.indent = Length::Mm(10.0);
    want.colours.link = Colour::parse("#1a3373").unwrap();
    assert_eq!(t, want);
}

#[test]
fn without_extends_the_document_preset_is_the_base() {
    let (t, _) = load_text("[furniture]\nfolio = \"head\"\n", Preset::Handout);
    let t = t.unwrap();
    assert_eq!(t.extends, Preset::Handout);
    assert_eq!(t.text.size, 13.0);
    assert_eq!(t.furniture.folio, FolioPlace::Head);
}

#[test]
fn an_unknown_key_is_an_error_at_its_line() {
    let (t, d) = load_text("[text]\nsize = 12\nsise = 13\n", Preset::Book);
    assert!(t.is_none());
    let msg = format!("{d:?}");
    assert!(msg.contains("sise"), "{msg}");
    assert_eq!(d.items[0].locations[0].line, 3, "{msg}");
}

#[test]
fn a_length_without_unit_is_an_error() {
    let (t, d) = load_text("[page]\ntop = \"20\"\n", Preset::Book);
    assert!(t.is_none());
    let msg = format!("{d:?}");
    assert!(msg.contains("has no unit"), "{msg}");
    assert_eq!(d.items[0].locations[0].line, 2);
}

#[test]
fn lengths_and_colours_read_back() {
    assert_eq!(Length::parse("2.5cm"), Ok(Length::Mm(25.0)));
    assert_eq!(Length::parse("1in").unwrap().pt(10.0, 100.0), 72.0);
    assert_eq!(Length::parse("8.5%").unwrap().pt(10.0, 200.0), 17.0);
    assert!(Length::parse("-1pt").is_err());
    assert_eq!(Colour::parse("#fff").unwrap().hex(), "#ffffff");
    assert!(Colour::parse("blue").is_err());
    for (_, p) in Preset::ALL {
        let t = Theme::preset(p);
        let text = toml::to_string(&t).unwrap();
        let back: Theme = toml::from_str(&text).unwrap();
        assert_eq!(back, t, "{text}");
    }
}
