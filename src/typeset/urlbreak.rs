//! Where a URL (or a long path) may break across lines, in body text and in
//! table cells alike.
//!
//! The rule is the *Chicago Manual of Style* (17th ed., §7.47, "URLs and
//! email addresses"), as typst applies it to links: break **after** a
//! slash (a double slash `//` as one, never between its two strokes) or a
//! hyphen; **before** a period, a comma, a question mark, a number sign, a
//! percent sign, a tilde, an underscore, an equals sign or an ampersand, so
//! that the next line starts with the mark and cannot be read as the end of
//! a sentence or as a word broken by a hyphen. No hyphen is drawn at such a
//! break, and nothing breaks inside `://`.

use std::ops::Range;

/// Marks a URL may break *before*.
const BEFORE: &str = ".,?#%~_=&";

/// Marks a URL may break *after*.
const AFTER: &str = "/-";

/// The shortest piece a break may leave at either end of the token, in
/// characters: breaking `.io` off a URL or `h` before `ttps://` helps no
/// line and reads badly.
const MIN_PIECE_CHARS: usize = 3;

/// Whether the whitespace-delimited `token` is set as a URL: it has a
/// scheme (`https://`, `mailto:`), starts with `www.`, or it is the text
/// of a link and holds a slash (a path).
pub fn is_url(token: &str, linked: bool) -> bool {
    // Every test below needs a `:` or a `/`, or starts with `www.`: one pass
    // over the bytes settles the words of running text (nearly all tokens).
    if !token.starts_with("www.") && !token.bytes().any(|b| b == b':' || b == b'/') {
        return false;
    }
    token.contains("://")
        || token.starts_with("www.")
        || token.starts_with("mailto:")
        || (linked && token.contains('/'))
}

/// Byte offsets inside `token` (a URL, see [`is_url`]) where a line may
/// break, in increasing order, each leaving at least `MIN_PIECE_CHARS`
/// characters on both sides.
pub fn url_breaks(token: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = token.char_indices().collect();
    let n = chars.len();
    let mut out: Vec<usize> = Vec::new();
    for (i, &(_, c)) in chars.iter().enumerate() {
        let next = chars.get(i + 1).map(|&(_, c)| c);
        let prev = i.checked_sub(1).map(|p| chars[p].1);
        // Character index of the break, before (i) or after (i + 1) `c`.
        let cut = if AFTER.contains(c) && next != Some('/') {
            i + 1
        } else if BEFORE.contains(c) && prev.is_some_and(|p| !BEFORE.contains(p) && p != '/') {
            i
        } else {
            continue;
        };
        if cut < MIN_PIECE_CHARS || n - cut < MIN_PIECE_CHARS {
            continue;
        }
        let byte = chars.get(cut).map_or(token.len(), |&(b, _)| b);
        if out.last() != Some(&byte) {
            out.push(byte);
        }
    }
    out
}

/// The whitespace-delimited token of `text` around the byte range `part`,
/// with its start (also code's, [`super::codebreak`]).
pub(crate) fn token_around(text: &str, part: Range<usize>) -> (usize, &str) {
    let start = text[..part.start]
        .rfind(char::is_whitespace)
        .map_or(0, |i| {
            i + text[i..].chars().next().map_or(1, char::len_utf8)
        });
    let end = text[part.end..]
        .find(char::is_whitespace)
        .map_or(text.len(), |i| part.end + i);
    (start, &text[start..end])
}

/// The whitespace-delimited tokens of a paragraph that may be URLs (see
/// [`is_url`]): those holding a `:` or a `/` or starting with `www.`. Found
/// once per paragraph, so that the words of running text (nearly all of
/// them) are settled by one search of a short list instead of a scan of
/// the text around each word.
#[derive(Debug, Default)]
pub struct Tokens(Vec<Range<usize>>);

impl Tokens {
    /// The candidate tokens of `text`, in order.
    pub fn of(text: &str) -> Self {
        let mut out: Vec<Range<usize>> = Vec::new();
        let mut add = |at: usize| {
            if out.last().is_some_and(|r| r.end > at) {
                return;
            }
            let (start, token) = token_around(text, at..at);
            out.push(start..start + token.len());
        };
        let bytes = text.as_bytes();
        let hits = memchr::memchr2_iter(b':', b'/', bytes)
            .chain(memchr::memmem::find_iter(bytes, b"www."));
        let mut hits: Vec<usize> = hits.collect();
        hits.sort_unstable();
        for at in hits {
            add(at);
        }
        Tokens(out)
    }

    /// The candidate token holding the bytes `part` of the text (a token
    /// holds no whitespace, nor does `part`): its start and text.
    fn around<'t>(&self, text: &'t str, part: Range<usize>) -> Option<(usize, &'t str)> {
        let k = self.0.partition_point(|r| r.end < part.end);
        let r = self.0.get(k)?;
        (r.start <= part.start && part.end <= r.end).then(|| (r.start, &text[r.clone()]))
    }
}

/// Whether byte `at` of `text`, a break UAX #14 allows, is one inside a
/// URL: `None` when `at` is in no URL, else whether it is one of the URL's
/// own break points (the others are no breaks: UAX #14 would break
/// `https:` from `//`). `tokens`: [`Tokens::of`] `text`.
pub fn is_break_in_url(text: &str, tokens: &Tokens, at: usize, linked: bool) -> Option<bool> {
    let (start, token) = tokens.around(text, at..at)?;
    (at > start && at < start + token.len() && is_url(token, linked))
        .then(|| url_breaks(token).contains(&(at - start)))
}

/// The URL breaks strictly inside `part` (byte range of `text`), relative
/// to its start: `part` is a piece of a word the line breaker sets as one
/// run, and the URL is the whitespace-delimited token of `text` around it.
/// Empty when that token is no URL (see [`is_url`]). `tokens`:
/// [`Tokens::of`] `text`.
pub fn cuts_in(text: &str, tokens: &Tokens, part: Range<usize>, linked: bool) -> Vec<usize> {
    let Some((start, token)) = tokens.around(text, part.clone()) else {
        return Vec::new();
    };
    if !is_url(token, linked) {
        return Vec::new();
    }
    url_breaks(token)
        .into_iter()
        .map(|b| start + b)
        .filter(|&b| b > part.start && b < part.end)
        .map(|b| b - part.start)
        .collect()
}

/// `token` cut at the byte offsets `breaks` (increasing): the pieces a
/// line breaker could set on lines of their own (for tests).
#[cfg(test)]
pub(crate) fn split_at(token: &str, breaks: Vec<usize>) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for b in breaks {
        out.push(&token[start..b]);
        start = b;
    }
    out.push(&token[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pieces(url: &str) -> Vec<&str> {
        split_at(url, url_breaks(url))
    }

    #[test]
    fn breaks_after_slashes_and_hyphens_before_dots() {
        assert_eq!(
            pieces("https://example.gov.vn/thong-ke/2022/dan-so.xlsx?a=1&b=2#top"),
            [
                "https://", "example", ".gov", ".vn/", "thong-", "ke/", "2022/", "dan-", "so",
                ".xlsx", "?a", "=1", "&b", "=2", "#top"
            ]
        );
    }

    #[test]
    fn never_inside_the_scheme_or_a_double_slash() {
        let p = pieces("http://a.bc/x//yz");
        assert_eq!(p[0], "http://");
        assert!(p.iter().all(|s| !s.ends_with(':')));
        assert!(!p.contains(&"/"), "{p:?}");
    }

    #[test]
    fn leaves_no_tiny_piece_at_the_ends() {
        assert_eq!(pieces("www.a.io"), ["www", ".a", ".io"]);
        assert!(url_breaks("a/b").is_empty());
    }

    #[test]
    fn cuts_inside_a_part_of_the_token() {
        let text = "xem https://a.vn/thong-ke.html nhé";
        let part = text.find("a.vn").unwrap()..text.find(" nhé").unwrap();
        // "a.vn/thong-ke.html": before ".vn", after "/" and "-", before ".html".
        let tokens = Tokens::of(text);
        assert_eq!(cuts_in(text, &tokens, part.clone(), false), [1, 5, 11, 13]);
        assert!(cuts_in("Hà Nội", &Tokens::of("Hà Nội"), 0..3, true).is_empty());
        // Both ends of a token, and a token that only starts with `www.`.
        let text = "a:b www.x.vn/trang-chu c/d";
        let tokens = Tokens::of(text);
        assert_eq!(tokens.0, [0..3, 4..22, 23..26]);
        assert_eq!(cuts_in(text, &tokens, 4..22, false), [3, 5, 9, 15]);
    }

    #[test]
    fn uax14_breaks_inside_a_url_are_its_own_points_only() {
        let text = "xem https://a.vn/thong-ke.html nhé";
        let at = |s: &str| text.find(s).unwrap();
        let t = Tokens::of(text);
        assert_eq!(is_break_in_url(text, &t, at("//a") + 2, false), Some(true));
        assert_eq!(is_break_in_url(text, &t, at("//a"), false), Some(false));
        assert_eq!(is_break_in_url(text, &t, at("ke"), false), Some(true));
        assert_eq!(is_break_in_url(text, &t, at("xem") + 1, false), None);
    }

    #[test]
    fn what_counts_as_a_url() {
        assert!(is_url("https://x.vn", false));
        assert!(is_url("www.x.vn", false));
        assert!(is_url("src/typeset/inline.rs", true));
        assert!(!is_url("src/typeset/inline.rs", false));
        assert!(!is_url("Hà Nội", true));
    }
}
