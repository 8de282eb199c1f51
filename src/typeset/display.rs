//! Display lines (titles, subtitles, headings): where they may not break.
//!
//! A reader takes a title in at a glance, so its lines should not part a
//! Vietnamese word of several syllables ("phối / hợp") or a name ("Lai /
//! Châu", "Ban Chỉ / đạo"). Vietnamese writes a space between the syllables
//! of a word, so the line breaker sees every one as a break; here the space
//! between two syllables is a tie (TeXbook ch. 14, `~`) when
//! - the two, in lower case, are neighbours in a word of the word list
//!   (`data/vi-words.txt`: the multi-syllable words of pyvi 0.1.1, MIT, see
//!   `data/README.md`), or
//! - both begin with a capital letter: a run of capitalised syllables is a
//!   name ("Tây Bắc", "Trung ương" is caught by the list).
//!
//! The balancing of [`super::inline::InlineEngine::layout_balanced`] then
//! chooses among the breaks left; if the ties leave a line wider than the
//! measure, it sets the text without them.

// `PAIRS`: every pair of neighbouring syllables of a listed word, in lower
// case, sorted; compiled from the word list by `build.rs`.
include!(concat!(env!("OUT_DIR"), "/vi_pairs.rs"));

/// Whether the syllables `b` and `a` (lower case) are neighbours in a word
/// of the word list: a binary search of [`PAIRS`].
fn listed(b: &str, a: &str) -> bool {
    PAIRS
        .binary_search_by(|&(x, y)| x.cmp(b).then_with(|| y.cmp(a)))
        .is_ok()
}

/// The syllable without the punctuation around it (`“Tây`, `Bắc,`).
fn bare(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// Whether a display line may not break between the words `before` and
/// `after` (see the module docs). Punctuation between them (`Bắc,`)
/// separates: a comma or a dash is a place to break.
pub fn is_display_tie(before: &str, after: &str) -> bool {
    let (b, a) = (bare(before), bare(after));
    if b.is_empty() || a.is_empty() || b.len() != before.len() || !after.starts_with(a) {
        return false;
    }
    let capital = |s: &str| s.chars().next().is_some_and(char::is_uppercase);
    if capital(b) && capital(a) && b.chars().any(char::is_alphabetic) {
        return true;
    }
    listed(&b.to_lowercase(), &a.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::is_display_tie;

    #[test]
    fn words_and_names_are_tied_other_neighbours_are_not() {
        for (b, a, tied) in [
            ("phối", "hợp", true),
            ("Chỉ", "đạo", true),
            ("Ban", "Chỉ", true),
            ("Lai", "Châu", true),
            ("Tây", "Bắc", true),
            ("hợp", "Ban", false),
            ("Bắc", "và", false),
            ("Bắc,", "Lai", false),
            ("hội", "nghị", true),
            ("sơ", "kết", true),
            ("kết", "5", false),
        ] {
            assert_eq!(is_display_tie(b, a), tied, "{b} {a}");
        }
    }
}
