//! Character protrusion (margin kerning, "hanging punctuation"): how far a
//! character at the start or end of a justified line may stick out into the
//! margin, so that the margin looks straight to the eye. pdfTeX's
//! `\lpcode`/`\rpcode`, set by the `microtype` package.

/// How far a character protrudes into the left and right margins, in
/// thousandths of its own advance width — the unit of pdfTeX's `\lpcode`
/// and `\rpcode` and of `microtype`'s `\SetProtrusion`. The values are
/// those of `microtype.cfg` v3.0f (2022/06/23, R. Schlicht; Debian's
/// texlive, `tex/latex/microtype/microtype.cfg`): the set `default`, and
/// for the guillemets the set `T1-default`, which loads `default` and is
/// the one for Unicode fonts (encoding `TU`, as XeLaTeX and LuaLaTeX set
/// Source Serif). Light marks (`.` `,` `:`) hang most, dashes and quotes
/// less, brackets least. Only punctuation is listed: `default` also moves
/// some letters and figures by 50/1000 (`A` `T` `V` `W` `Y` `v` `w` `1`
/// `4` `7`…), which trang leaves in the measure. `…` has no value in
/// `default` (only `QX` lets it inherit `.`'s), so it does not hang.
pub const PROTRUSION: &[(char, u16, u16)] = &[
    // (character, left, right)
    ('.', 0, 700),
    (',', 0, 500),
    (':', 0, 500),
    (';', 0, 300),
    ('!', 0, 100),
    ('?', 0, 100),
    ('-', 500, 500),
    ('–', 200, 200),
    ('—', 150, 150),
    ('“', 300, 300),
    ('”', 300, 300),
    ('‘', 300, 400),
    ('’', 300, 400),
    ('«', 200, 200),
    ('»', 200, 200),
    ('(', 100, 0),
    (')', 0, 200),
];

/// The table's row for `c`. Every listed character is ASCII punctuation,
/// a guillemet or in U+2013–U+201D (dashes, quotes), so ASCII letters and
/// digits and the rest of Unicode (nearly every word's first and last
/// character) are answered without a scan.
fn row(c: char) -> Option<&'static (char, u16, u16)> {
    let listed = if c.is_ascii() {
        c.is_ascii_punctuation()
    } else {
        matches!(c, '\u{2013}'..='\u{201D}' | '«' | '»')
    };
    if !listed {
        return None;
    }
    PROTRUSION.iter().find(|p| p.0 == c)
}

/// The left protrusion of `c`, in thousandths of its advance width.
pub fn left_protrusion(c: char) -> f32 {
    row(c).map_or(0.0, |p| f32::from(p.1))
}

/// The right protrusion of `c`, in thousandths of its advance width.
pub fn right_protrusion(c: char) -> f32 {
    row(c).map_or(0.0, |p| f32::from(p.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_character_is_found_and_letters_do_not_protrude() {
        for &(c, left, right) in PROTRUSION {
            assert_eq!(left_protrusion(c), f32::from(left), "{c}");
            assert_eq!(right_protrusion(c), f32::from(right), "{c}");
        }
        for c in ['a', 'Z', '7', 'ữ', 'Đ', '…', ' '] {
            assert_eq!((left_protrusion(c), right_protrusion(c)), (0.0, 0.0), "{c}");
        }
        // microtype.cfg v3.0f, set `default`.
        assert_eq!(right_protrusion('.'), 700.0);
        assert_eq!(left_protrusion('“'), 300.0);
        assert_eq!(right_protrusion('’'), 400.0);
    }
}
