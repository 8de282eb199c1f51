//! A page content builder on top of printpdf's operations: it rounds every
//! number before printpdf sees it (so the content stream has no float noise)
//! and tracks a little graphics/text state so that redundant operators are
//! not repeated.

use super::tags;
use crate::frame::{NodeId, Rgb, StructTree, Tag};
use printpdf::{LinkAnnotation, Op};
use std::io::Write;

/// Appends `v` rounded to `decimals` places, without trailing zeros, float
/// noise or a negative zero (`12.5`, `-0.25`, `0`).
pub(crate) fn push_num(out: &mut Vec<u8>, v: f32, decimals: u32) {
    let scale = 10i64.pow(decimals);
    let r = (f64::from(v) * scale as f64).round() as i64;
    if r < 0 {
        out.push(b'-');
    }
    let a = r.unsigned_abs();
    let (int, mut frac) = (a / scale as u64, a % scale as u64);
    let _ = write!(out, "{int}");
    if frac != 0 {
        let mut width = decimals as usize;
        while frac % 10 == 0 {
            frac /= 10;
            width -= 1;
        }
        let _ = write!(out, ".{frac:0width$}");
    }
}

/// Formats a number the way [`push_num`] does, as a `String`.
pub(crate) fn num(v: f32, decimals: u32) -> String {
    let mut out = Vec::new();
    push_num(&mut out, v, decimals);
    String::from_utf8(out).unwrap_or_default()
}

/// `v` rounded to `decimals` places, as the `f32` whose shortest decimal
/// form (which is how lopdf writes reals) is exactly that rounded number.
pub(crate) fn round(v: f32, decimals: u32) -> f32 {
    num(v, decimals).parse().unwrap_or(0.0)
}

/// A coordinate in hundredths of a point.
/// Decimals of a `Tc` value: at 4, rounding drifts a glyph by 1/1000 em
/// only after ~100 glyphs, so a letter-spaced line needs no corrections.
pub(crate) const CHAR_SPACING_DECIMALS: u32 = 4;

fn centi(v: f32) -> i64 {
    (f64::from(v) * 100.0).round() as i64
}

/// Appends `v` as four upper-case hex digits (a two-byte glyph code).
/// Appends `v` in decimal (what `write!` does, without the formatting
/// machinery: this runs for every word space of the document).
fn push_int(out: &mut Vec<u8>, v: i32) {
    let mut digits = [0u8; 11];
    let mut at = digits.len();
    let mut n = v.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        at -= 1;
        digits[at] = b'-';
    }
    out.extend_from_slice(&digits[at..]);
}

fn push_hex16(out: &mut Vec<u8>, v: u16) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let nibble = |shift: u16| HEX[usize::from((v >> shift) & 0xF)];
    out.extend_from_slice(&[nibble(12), nibble(8), nibble(4), nibble(0)]);
}

/// A page's content stream under construction, written straight as bytes
/// (ISO 32000-1 §8–9 operators), with the state needed to skip operators
/// that would not change anything. Link annotations are collected as
/// printpdf operations: printpdf writes the page's `/Annots`.
#[derive(Default)]
pub(crate) struct Content {
    /// The content stream so far.
    pub bytes: Vec<u8>,
    /// The page's link annotations, in order.
    pub links: Vec<Op>,
    in_text: bool,
    /// Start of the current text line (`Td` is relative to it), in
    /// hundredths of a point.
    line: (i64, i64),
    fill: Option<Rgb>,
    stroke: Option<Rgb>,
    line_width: Option<f32>,
    font: Option<(String, f32)>,
    /// Current text rise (`Ts`) in points.
    pub rise: f32,
    /// The character spacing (`Tc`) in force, in points.
    pub char_spacing: f32,
    /// The tag of the open marked-content sequence (module `tags`), if
    /// any. A sequence opened in a text object is closed before its `ET`;
    /// one opened outside (around paths and images) before the next `BT`,
    /// so sequences and text objects always nest (ISO 32000-1 §14.6).
    mark: Option<(Tag, &'static str)>,
    /// The element sequence to open again before the next glyphs, after an
    /// `/ActualText` sequence of its own ([`Content::begin_actual_text`]).
    pending: Option<(Tag, &'static str)>,
    /// The element whose `/ActualText` sequence is open.
    actual: Option<(Tag, &'static str)>,
    /// The open sequence is one of an element with an `/ActualText` of its
    /// own (a formula): what is drawn in it needs none.
    pub covered: bool,
    /// Elements with an `/ActualText` already written on this page: their
    /// further sequences give back nothing, so the text is read once.
    actual_given: Vec<NodeId>,
    /// Per marked-content id of the page (its index), the element whose
    /// content it marks.
    pub mcids: Vec<NodeId>,
}

impl Content {
    fn op(&mut self, nums: &[(f32, u32)], operator: &str) {
        for &(v, decimals) in nums {
            push_num(&mut self.bytes, v, decimals);
            self.bytes.push(b' ');
        }
        self.bytes.extend_from_slice(operator.as_bytes());
        self.bytes.push(b'\n');
    }

    fn color(&mut self, c: Rgb, stroke: bool) {
        if c.0 == c.1 && c.1 == c.2 {
            self.op(&[(c.0, 3)], if stroke { "G" } else { "g" });
        } else {
            let op = if stroke { "RG" } else { "rg" };
            self.op(&[(c.0, 3), (c.1, 3), (c.2, 3)], op);
        }
    }

    /// Opens a text object unless one is open.
    pub fn begin_text(&mut self) {
        if !self.in_text {
            self.end_mark();
            self.bytes.extend_from_slice(b"BT\n");
            self.in_text = true;
            self.line = (0, 0);
        }
    }

    /// Closes the open text object, if any (paths and images need that).
    pub fn end_text(&mut self) {
        if self.in_text {
            self.end_mark();
            self.bytes.extend_from_slice(b"ET\n");
            self.in_text = false;
        }
    }

    /// Sets the non-stroking colour.
    pub fn set_fill(&mut self, c: Rgb) {
        if self.fill != Some(c) {
            self.color(c, false);
            self.fill = Some(c);
        }
    }

    /// Sets the stroking colour.
    pub fn set_stroke(&mut self, c: Rgb) {
        if self.stroke != Some(c) {
            self.color(c, true);
            self.stroke = Some(c);
        }
    }

    /// Sets the line width.
    pub fn set_line_width(&mut self, w: f32) {
        if self.line_width != Some(w) {
            self.op(&[(w, 2)], "w");
            self.line_width = Some(w);
        }
    }

    /// Selects a font resource and size (`Tf`).
    pub fn set_font(&mut self, name: &str, size: f32) {
        if self
            .font
            .as_ref()
            .is_none_or(|(n, s)| n != name || *s != size)
        {
            self.bytes.push(b'/');
            self.bytes.extend_from_slice(name.as_bytes());
            self.bytes.push(b' ');
            self.op(&[(size, 2)], "Tf");
            self.font = Some((name.to_owned(), size));
        }
    }

    /// Sets the text rise (`Ts`) in points.
    /// Sets the character spacing (`Tc`): extra room after every glyph,
    /// which lets a letter-spaced line be written without a number before
    /// each glyph.
    pub fn set_char_spacing(&mut self, spacing: f32) {
        if self.char_spacing != spacing {
            self.op(&[(spacing, CHAR_SPACING_DECIMALS)], "Tc");
            self.char_spacing = spacing;
        }
    }

    pub fn set_rise(&mut self, rise: f32) {
        self.op(&[(rise, 2)], "Ts");
        self.rise = rise;
    }

    /// Starts a new text line at (`x`, `y`) with a `Td` relative to the
    /// current line start, computed in whole hundredths of a point so that
    /// it carries no float noise.
    pub fn move_text_to(&mut self, x: f32, y: f32) {
        let to = (centi(x), centi(y));
        let (dx, dy) = (to.0 - self.line.0, to.1 - self.line.1);
        let hundredths = |v: i64| (v as f64 / 100.0) as f32;
        self.op(&[(hundredths(dx), 2), (hundredths(dy), 2)], "Td");
        self.line = to;
    }

    /// Shows glyphs: `array` is the inside of a `TJ` array.
    pub fn show(&mut self, array: &[u8]) {
        self.open_pending();
        self.bytes.push(b'[');
        self.bytes.extend_from_slice(array);
        self.bytes.extend_from_slice(b"] TJ\n");
    }

    /// Opens a marked-content sequence whose `/ActualText` is `text`. Inside
    /// an element's content it is a sequence of its own with the next MCID
    /// (`/Span <</MCID n /ActualText …>> BDC`), the element's sequence closed
    /// before and opened again after it with the next glyphs: readers of the
    /// structure (poppler's among them) take an `EMC` nested in an MCID's
    /// sequence for the end of it. Elsewhere it is a `/Span` nested in the
    /// artifact.
    pub fn begin_actual_text(&mut self, text: &str) {
        self.open_pending();
        match self.mark {
            Some((Tag::Content(node), name)) => {
                self.end_mark();
                // Tagged `/Span`: poppler (pdftotext) honours `/ActualText`
                // only in a `/Span` sequence; the element is the MCID's.
                self.open_mcid_dict("Span", node);
                self.actual = Some((Tag::Content(node), name));
            }
            _ => self.bytes.extend_from_slice(b"/Span<<"),
        }
        self.bytes.extend_from_slice(b"/ActualText<FEFF");
        for unit in text.encode_utf16() {
            push_hex16(&mut self.bytes, unit);
        }
        self.bytes.extend_from_slice(b">>>BDC\n");
    }

    /// Closes the sequence [`Content::begin_actual_text`] opened.
    pub fn end_actual_text(&mut self) {
        self.end_marked_content();
        // The element's own sequence goes on with the next glyphs.
        self.pending = self.actual.take();
    }

    /// Closes a marked-content sequence (`EMC`).
    fn end_marked_content(&mut self) {
        self.bytes.extend_from_slice(b"EMC\n");
    }

    /// Puts what follows in a marked-content sequence for `tag`, unless the
    /// open one is already for it: `/P <</MCID n>> BDC` for the content of
    /// an element (its standard structure type as the tag, the next
    /// marked-content id of the page, recorded in [`Content::mcids`]),
    /// `/Artifact <</Type /Pagination>> BDC` for an artifact (ISO 32000-1
    /// §14.7.4.2, §14.8.2.2). Call it after [`Content::begin_text`] for
    /// text and after [`Content::end_text`] for anything else, so that the
    /// sequence nests with the text object.
    pub fn mark(&mut self, tag: Tag, tree: &StructTree) {
        self.pending = None;
        if self.mark.is_some_and(|m| m.0 == tag) {
            return;
        }
        self.end_mark();
        // An element with its own `/ActualText` (a formula, whose glyphs
        // would read as scattered symbols): its content in a `/Span` that
        // carries it — poppler honours `/ActualText` only there — the
        // first time on the page, an empty one after.
        if let Tag::Content(node) = tag
            && let Some(text) = tree
                .nodes
                .get(node.0 as usize)
                .and_then(|n| n.actual_text())
        {
            self.open_mcid_dict("Span", node);
            self.bytes.extend_from_slice(b"/ActualText<FEFF");
            if !self.actual_given.contains(&node) {
                for unit in text.encode_utf16() {
                    push_hex16(&mut self.bytes, unit);
                }
                self.actual_given.push(node);
            }
            self.bytes.extend_from_slice(b">>>BDC\n");
            self.mark = Some((tag, "Span"));
            self.covered = true;
            return;
        }
        let name = match tag {
            Tag::Content(node) => {
                let role = tree.nodes.get(node.0 as usize).map(|n| n.role);
                role.map_or("Span", tags::role_name)
            }
            Tag::Artifact(kind) => tags::artifact_type(kind),
        };
        self.open(tag, name);
    }

    fn open(&mut self, tag: Tag, name: &'static str) {
        match tag {
            Tag::Content(node) => self.open_mcid(name, node),
            Tag::Artifact(_) => {
                self.bytes.extend_from_slice(b"/Artifact<</Type/");
                self.bytes.extend_from_slice(name.as_bytes());
                self.bytes.extend_from_slice(b">>BDC\n");
            }
        }
        self.mark = Some((tag, name));
    }

    fn open_mcid(&mut self, name: &str, node: NodeId) {
        self.open_mcid_dict(name, node);
        self.bytes.extend_from_slice(b">>BDC\n");
    }

    /// The start of [`open_mcid`](Self::open_mcid)'s sequence, its property
    /// list left open for more entries (`/ActualText`); the caller ends it
    /// with `>>BDC`.
    fn open_mcid_dict(&mut self, name: &str, node: NodeId) {
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(name.as_bytes());
        self.bytes.extend_from_slice(b"<</MCID ");
        push_int(&mut self.bytes, self.mcids.len() as i32);
        self.mcids.push(node);
    }

    /// Opens the sequence that goes on after an `/ActualText` one, if any.
    fn open_pending(&mut self) {
        if let Some((tag, name)) = self.pending.take() {
            self.open(tag, name);
        }
    }

    /// Closes the open tag's marked-content sequence, if any.
    pub fn end_mark(&mut self) {
        self.pending = None;
        self.covered = false;
        if self.mark.take().is_some() {
            self.end_marked_content();
        }
    }

    /// Strokes a straight line from (`x0`, `y0`) to (`x1`, `y1`).
    pub fn line(&mut self, x0: f32, y0: f32, x1: f32, y1: f32) {
        self.end_text();
        self.op(&[(x0, 2), (y0, 2)], "m");
        self.op(&[(x1, 2), (y1, 2)], "l");
        self.bytes.extend_from_slice(b"S\n");
    }

    /// Fills the rectangle with lower-left corner (`x`, `y`).
    pub fn fill_rect(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.end_text();
        self.op(&[(x, 2), (y, 2), (width, 2), (height, 2)], "re");
        self.bytes.extend_from_slice(b"f\n");
    }

    /// Paints the image XObject `id` scaled to `width` × `height` with its
    /// lower-left corner at (`x`, `y`).
    pub fn image(&mut self, id: &str, x: f32, y: f32, width: f32, height: f32) {
        self.end_text();
        self.bytes.extend_from_slice(b"q\n");
        self.op(
            &[(width, 2), (0.0, 0), (0.0, 0), (height, 2), (x, 2), (y, 2)],
            "cm",
        );
        self.bytes.push(b'/');
        self.bytes.extend_from_slice(id.as_bytes());
        self.bytes.extend_from_slice(b" Do\nQ\n");
    }

    /// Adds a link annotation (printpdf collects these into the page's
    /// `/Annots`).
    pub fn link(&mut self, link: LinkAnnotation) {
        self.links.push(Op::LinkAnnotation { link });
    }
}

/// The inside of one `TJ` array: glyph codes (one byte each for a font
/// with a one-byte CMap, two for Identity-H), grouped into literal strings
/// between adjustments. A literal string holds
/// the codes as bytes, with `\`, `(`, `)` and the two end-of-line bytes
/// escaped (ISO 32000-1 §7.3.4.2: a reader turns an unescaped CR into LF);
/// after deflate it is about 5 % smaller than the same codes in hex.
#[derive(Default)]
pub(crate) struct TjArray {
    /// The bytes so far.
    pub bytes: Vec<u8>,
    open: bool,
    glyphs: usize,
}

impl TjArray {
    /// Appends a glyph code: its low byte alone when `one_byte` (the code
    /// is then below 256), else both bytes, high first.
    pub fn glyph(&mut self, code: u16, one_byte: bool) {
        if !self.open {
            self.bytes.push(b'(');
            self.open = true;
        }
        let bytes = code.to_be_bytes();
        let bytes = if one_byte { &bytes[1..] } else { &bytes[..] };
        for &b in bytes {
            match b {
                b'\\' | b'(' | b')' => self.bytes.extend_from_slice(&[b'\\', b]),
                b'\r' => self.bytes.extend_from_slice(b"\\r"),
                b'\n' => self.bytes.extend_from_slice(b"\\n"),
                _ => self.bytes.push(b),
            }
        }
        self.glyphs += 1;
    }

    /// Appends an adjustment in thousandths of an em (positive moves left).
    pub fn adjust(&mut self, thousandths: i32) {
        if self.open {
            self.bytes.push(b')');
            self.open = false;
        }
        if !self.bytes.is_empty() {
            self.bytes.push(b' ');
        }
        push_int(&mut self.bytes, thousandths);
    }

    /// Writes the array as a `TJ` (when it shows any glyph) and empties it.
    pub fn flush(&mut self, c: &mut Content) {
        if self.open {
            self.bytes.push(b')');
            self.open = false;
        }
        if self.glyphs > 0 {
            c.show(&self.bytes);
        }
        self.bytes.clear();
        self.glyphs = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_compact() {
        let cases = [
            (0.000_205_3, 2, "0"),
            (-0.001, 2, "0"),
            (12.5, 2, "12.5"),
            (595.275_6, 2, "595.28"),
            (-0.25, 3, "-0.25"),
            (0.94, 3, "0.94"),
            (1000.0, 2, "1000"),
            (0.05, 2, "0.05"),
        ];
        for (v, d, want) in cases {
            assert_eq!(num(v, d), want, "{v}");
            assert_eq!(round(v, d).to_string(), want, "{v}");
        }
    }

    #[test]
    fn integers_are_written_as_write_does() {
        for v in [0, 7, -7, 10, -10, 215, -215, 99_999, i32::MAX, i32::MIN] {
            let mut out = Vec::new();
            push_int(&mut out, v);
            assert_eq!(String::from_utf8(out).unwrap(), v.to_string());
        }
    }

    #[test]
    fn redundant_state_is_skipped() {
        let mut c = Content::default();
        c.set_fill(Rgb::BLACK);
        c.set_fill(Rgb::BLACK);
        c.set_fill(Rgb(1.0, 0.5, 0.0));
        c.set_font("F0", 11.0);
        c.set_font("F0", 11.0);
        assert_eq!(
            String::from_utf8(c.bytes).unwrap(),
            "0 g\n1 0.5 0 rg\n/F0 11 Tf\n"
        );
    }

    #[test]
    fn text_moves_are_relative_and_exact() {
        let mut c = Content::default();
        c.begin_text();
        c.move_text_to(50.1, 485.0);
        c.move_text_to(72.35, 467.3);
        assert_eq!(
            String::from_utf8(c.bytes).unwrap(),
            "BT\n50.1 485 Td\n22.25 -17.7 Td\n"
        );
    }

    #[test]
    fn glyphs_are_grouped_between_adjustments() {
        let mut tj = TjArray::default();
        tj.adjust(-5);
        tj.glyph(1, false);
        tj.glyph(0xAB, false);
        tj.adjust(12);
        tj.glyph(2, false);
        let mut c = Content::default();
        tj.flush(&mut c);
        tj.adjust(3);
        tj.flush(&mut c);
        assert_eq!(c.bytes, b"[-5(\x00\x01\x00\xAB) 12(\x00\x02)] TJ\n");
    }

    #[test]
    fn one_byte_codes_are_one_byte_and_escaped() {
        let mut tj = TjArray::default();
        for code in [0x41, 0x28, 0x0D, 0x5C, 0x0A, 0xFF] {
            tj.glyph(code, true);
        }
        tj.adjust(-40);
        tj.glyph(0x20, true);
        let mut c = Content::default();
        tj.flush(&mut c);
        assert_eq!(c.bytes, b"[(A\\(\\r\\\\\\n\xFF) -40( )] TJ\n");
        let ops = lopdf::content::Content::decode(&c.bytes)
            .unwrap()
            .operations;
        let lopdf::Object::String(bytes, _) = &ops[0].operands[0].as_array().unwrap()[0] else {
            panic!("{:?}", ops[0]);
        };
        assert_eq!(bytes, &[0x41, 0x28, 0x0D, 0x5C, 0x0A, 0xFF]);
    }

    #[test]
    fn codes_that_are_delimiters_or_line_ends_are_escaped() {
        let mut tj = TjArray::default();
        for code in [0x285C, 0x0D29, 0x0A41] {
            tj.glyph(code, false);
        }
        let mut c = Content::default();
        tj.flush(&mut c);
        assert_eq!(c.bytes, b"[(\\(\\\\\\r\\)\\nA)] TJ\n");
        // lopdf reads the codes back as they were.
        let ops = lopdf::content::Content::decode(&c.bytes)
            .unwrap()
            .operations;
        let lopdf::Object::String(bytes, _) = &ops[0].operands[0].as_array().unwrap()[0] else {
            panic!("{:?}", ops[0]);
        };
        assert_eq!(bytes, &[0x28, 0x5C, 0x0D, 0x29, 0x0A, 0x41]);
    }
}
