//! Ties: interword spaces the line breaker may not break at, after the
//! TeXbook's ch. 14 (`~` in "Chapter~12", "Dr.~Livingstone") and the rules
//! of the Vietnamese and French press for dashes and numbers.

/// Abbreviations that stay on the line of the name or number after them.
/// Vietnamese, as the press writes them: TP./Tp. (thành phố), PGS. (phó
/// giáo sư), GS. (giáo sư), TS. (tiến sĩ), ThS. (thạc sĩ), BS. (bác sĩ),
/// KS. (kỹ sư), CN. (cử nhân), NXB. (nhà xuất bản), Q. (quận), P. (phường),
/// TT. (thị trấn); and the English titles of TeXbook ch. 14 (Mr., Mrs.,
/// Ms., Dr., Prof., St.). Words such as ông, bà are not abbreviations and
/// are not tied. A word made of several of these joined by dots
/// ("PGS.TS.") counts too. Matched exactly, case included.
pub const ABBREVIATIONS: &[&str] = &[
    "TP", "Tp", "PGS", "GS", "TS", "ThS", "BS", "KS", "CN", "NXB", "Q", "P", "TT", "Mr", "Mrs",
    "Ms", "Dr", "Prof", "St",
];

/// Dashes that, set between spaces, belong to the word before them: a line
/// never begins with one (the spaced en dash and em dash of a parenthesis or
/// an apposition, "kinh tế – xã hội").
const SPACED_DASHES: &[&str] = &["–", "—"];

/// Whether the space between the word `before` and the word `after` (each
/// without spaces) is a tie:
/// - before a spaced dash (`after` is a dash alone): no line begins with one;
/// - after a number (digits, with `.` `,` `/` `:` inside: `5`, `2.000`,
///   `28/11`) when a word follows that begins with a letter: "5 năm",
///   "20 tỉnh";
/// - after an abbreviation of [`ABBREVIATIONS`] ending in a dot, when a name
///   or number follows (an upper-case letter or a digit): "TP. Hồ Chí
///   Minh", "PGS.TS. Nguyễn Văn A", "Q. 1".
pub fn is_tie(before: &str, after: &str) -> bool {
    if SPACED_DASHES.contains(&after) {
        return true;
    }
    let Some(next) = after.chars().next() else {
        return false;
    };
    if is_number(before) {
        return next.is_alphabetic();
    }
    is_abbreviation(before) && (next.is_uppercase() || next.is_ascii_digit())
}

/// Digits, possibly with `.` `,` `/` `:` between them.
fn is_number(word: &str) -> bool {
    let bytes = word.as_bytes();
    !bytes.is_empty()
        && bytes[0].is_ascii_digit()
        && bytes[bytes.len() - 1].is_ascii_digit()
        && bytes
            .iter()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b'/' | b':'))
}

/// One or more of [`ABBREVIATIONS`], each followed by a dot.
fn is_abbreviation(word: &str) -> bool {
    let Some(stem) = word.strip_suffix('.') else {
        return false;
    };
    stem.split('.').all(|part| ABBREVIATIONS.contains(&part))
}
