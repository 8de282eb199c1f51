//! Character protrusion (margin kerning, "hanging punctuation"): how far a
//! character at the start or end of a justified line may stick out into the
//! margin, so that the margin looks straight to the eye. pdfTeX's
//! `\lpcode`/`\rpcode`, set by the `microtype` package.

/// How far a character protrudes into the left and right margins, in
/// thousandths of its own advance width — the unit of pdfTeX's `\lpcode`
/// and `\rpcode` and of `microtype`'s `\SetProtrusion`. The values follow
/// `microtype.cfg`'s `default` set (R. Schlicht, the `microtype` package):
/// light marks (`.` `,` `:`) hang most, dashes and quotes less, brackets
/// least. Only the characters of the Vietnamese and English press are
/// listed; letters do not protrude.
pub const PROTRUSION: &[(char, u16, u16)] = &[
    // (character, left, right)
    ('.', 0, 700),
    (',', 0, 500),
    (':', 0, 500),
    (';', 0, 300),
    ('!', 0, 100),
    ('?', 0, 200),
    ('-', 0, 500),
    ('–', 0, 300),
    ('—', 0, 200),
    ('…', 0, 300),
    ('“', 300, 0),
    ('”', 0, 300),
    ('‘', 300, 0),
    ('’', 0, 300),
    ('«', 200, 0),
    ('»', 0, 200),
    ('(', 100, 0),
    (')', 0, 200),
];

/// The left protrusion of `c`, in thousandths of its advance width.
pub fn left_protrusion(c: char) -> f32 {
    PROTRUSION
        .iter()
        .find(|p| p.0 == c)
        .map_or(0.0, |p| f32::from(p.1))
}

/// The right protrusion of `c`, in thousandths of its advance width.
pub fn right_protrusion(c: char) -> f32 {
    PROTRUSION
        .iter()
        .find(|p| p.0 == c)
        .map_or(0.0, |p| f32::from(p.2))
}
