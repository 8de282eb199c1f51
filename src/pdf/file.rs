//! The file structure (ISO 32000-1 §7.5): the header, the body with the
//! small objects packed into compressed object streams (§7.5.7), and a
//! cross-reference stream (§7.5.8) that also carries the trailer.
//!
//! lopdf's own writer (`Document::save_with_options`) does the same, but it
//! clones every object, serializes each packed object twice and compresses
//! with zlib at its best level: most of the PDF writer's cost on a book once
//! the structure tree's thousands of elements are in. Here every object is
//! serialized once, into its stream, and compressed with libdeflate.
//!
//! The layout of the file:
//! * `%PDF-1.7` (at least 1.5, for object streams) and a binary comment of
//!   four bytes ≥ 128 (§7.5.2; ISO 19005-2 §6.1.2 asks for it);
//! * every stream object and every object that may not go into an object
//!   stream (a generation other than 0, the encryption dictionary) as
//!   `N 0 obj … endobj`, in object-number order;
//! * the object streams, [`OBJECTS_PER_STREAM`] objects each, in
//!   object-number order;
//! * the cross-reference stream: `/W [1 4 2]`, one entry from object 0 (the
//!   head of the free list, generation 65535) to itself, Flate with the PNG
//!   Up predictor (§7.4.4.4), whose rows are mostly zeros after the
//!   predictor; its dictionary holds the trailer's entries (`/Root`,
//!   `/Info`, `/ID`).

use super::{Deflater, PdfError};
use lopdf::{Dictionary, Document, Object, StringFormat};

/// Objects per object stream: enough to fill deflate's 32 KiB window with
/// structure elements (about 100 bytes each), few enough that a reader
/// looking for one object does not inflate the whole file's.
pub(crate) const OBJECTS_PER_STREAM: usize = 400;

/// Objects that stand in the document as placeholders (`null`) and are
/// written, one at a time, from what their maker kept: as `lopdf` objects
/// (120 bytes each, an array's every item one) they were the largest part
/// of what the post-pass added after the pages (benches/README.md,
/// sessions 21, 24).
pub(crate) trait Deferred {
    /// Appends object `id` (numbered as the document numbers it now) and
    /// returns `true` if it is one of these; else appends nothing and
    /// returns `false`.
    fn write(&self, id: lopdf::ObjectId, out: &mut Vec<u8>) -> bool;
}

/// Where an object is, for the cross-reference stream (§7.5.8.3, Table 18).
#[derive(Clone, Copy)]
enum Entry {
    /// Type 0: not in use.
    Free,
    /// Type 1: at this byte offset, with this generation.
    At(usize, u16),
    /// Type 2: in this object stream, at this index.
    Packed(u32, u16),
}

/// The serialized file of `doc`. Object streams are compressed with
/// libdeflate at `level` (1–12).
///
/// The `deferred` objects (the structure elements and the parent tree of
/// module `tags`, the outline's entries and the named destinations of
/// module `nav`) stand in the
/// document as placeholders: each is written from what its maker kept,
/// made and dropped one at a time.
pub(crate) fn write(
    doc: &Document,
    level: i32,
    deferred: &[&dyn Deferred],
) -> Result<Vec<u8>, PdfError> {
    let mut z = Deflater::new(level)?;
    let mut out = Vec::with_capacity(1 << 16);
    let version = if doc.version.as_str() < "1.5" {
        "1.5"
    } else {
        doc.version.as_str()
    };
    out.extend_from_slice(b"%PDF-");
    out.extend_from_slice(version.as_bytes());
    out.extend_from_slice(b"\n%\xBB\xAD\xC0\xDE\n");

    let packs = |id: lopdf::ObjectId, object: &Object| {
        id.1 == 0
            && !matches!(object, Object::Stream(_))
            && !matches!(doc.trailer.get(b"Encrypt"), Ok(Object::Reference(e)) if *e == id)
    };
    let mut entries = vec![Entry::Free; doc.max_id as usize + 1];
    let mut packed = Vec::new();
    for (&id, object) in &doc.objects {
        if packs(id, object) {
            packed.push((id.0, object));
            continue;
        }
        debug_assert!(deferred.iter().all(|d| !d.write(id, &mut Vec::new())));
        entries[id.0 as usize] = Entry::At(out.len(), id.1);
        int(&mut out, id.0.into());
        out.push(b' ');
        int(&mut out, id.1.into());
        out.extend_from_slice(b" obj\n");
        object_bytes(&mut out, object);
        out.extend_from_slice(b"\nendobj\n");
    }

    let mut next_id = doc.max_id + 1;
    let mut offsets = Vec::new();
    let mut body = Vec::new();
    for group in packed.chunks(OBJECTS_PER_STREAM) {
        let container = next_id;
        next_id += 1;
        offsets.clear();
        body.clear();
        for (index, &(id, object)) in group.iter().enumerate() {
            offsets.extend_from_slice(id.to_string().as_bytes());
            offsets.push(b' ');
            offsets.extend_from_slice(body.len().to_string().as_bytes());
            offsets.push(b' ');
            if deferred.iter().any(|d| d.write((id, 0), &mut body)) {
                // What a deferred object is written for is its placeholder,
                // never an object of the document's own (a stale number).
                debug_assert!(matches!(object, Object::Null));
            } else {
                object_bytes(&mut body, object);
            }
            body.push(b'\n');
            entries[id as usize] = Entry::Packed(container, index as u16);
        }
        let first = offsets.len();
        offsets.extend_from_slice(&body);
        let data = z.zlib(&offsets)?;
        entries.push(Entry::At(out.len(), 0));
        int(&mut out, container.into());
        out.extend_from_slice(b" 0 obj\n<</Type/ObjStm/N ");
        int(&mut out, group.len() as i64);
        out.extend_from_slice(b"/First ");
        int(&mut out, first as i64);
        out.extend_from_slice(b"/Filter/FlateDecode/Length ");
        int(&mut out, data.len() as i64);
        out.extend_from_slice(b">>stream\n");
        out.extend_from_slice(&data);
        out.extend_from_slice(b"\nendstream\nendobj\n");
    }

    // The cross-reference stream, the file's last object, lists itself.
    let xref_id = next_id;
    let xref_at = out.len();
    entries.push(Entry::At(xref_at, 0));
    let size = entries.len();
    debug_assert_eq!(size, xref_id as usize + 1);
    let rows = xref_rows(&entries);
    let data = z.zlib(&rows)?;
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", size as i64);
    for (key, value) in &doc.trailer {
        if !matches!(
            key.as_slice(),
            b"Type" | b"Size" | b"Prev" | b"XRefStm" | b"W" | b"Index" | b"Length"
        ) && !matches!(key.as_slice(), b"Filter" | b"DecodeParms")
        {
            dict.set(key.clone(), value.clone());
        }
    }
    dict.set("W", Object::Array(vec![1.into(), 4.into(), 2.into()]));
    dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
    dict.set(
        "DecodeParms",
        Object::Dictionary(Dictionary::from_iter([
            ("Columns", Object::Integer(7)),
            ("Predictor", Object::Integer(12)),
        ])),
    );
    dict.set("Length", data.len() as i64);
    int(&mut out, xref_id.into());
    out.extend_from_slice(b" 0 obj\n");
    dictionary(&mut out, &dict);
    out.extend_from_slice(b"stream\n");
    out.extend_from_slice(&data);
    out.extend_from_slice(b"\nendstream\nendobj\nstartxref\n");
    int(&mut out, xref_at as i64);
    out.extend_from_slice(b"\n%%EOF\n");
    Ok(out)
}

/// The cross-reference stream's data: 7 bytes an entry (type, 4 bytes of
/// offset or object-stream number, 2 of generation or index), each row
/// preceded by its PNG predictor byte, 2 (Up: the difference from the row
/// above).
fn xref_rows(entries: &[Entry]) -> Vec<u8> {
    const COLUMNS: usize = 7;
    let mut rows = Vec::with_capacity(entries.len() * (COLUMNS + 1));
    let mut previous = [0u8; COLUMNS];
    for entry in entries {
        let mut row = [0u8; COLUMNS];
        match *entry {
            Entry::Free => {
                row[5..].copy_from_slice(&u16::MAX.to_be_bytes());
            }
            Entry::At(offset, generation) => {
                row[0] = 1;
                row[1..5].copy_from_slice(&(offset as u32).to_be_bytes());
                row[5..].copy_from_slice(&generation.to_be_bytes());
            }
            Entry::Packed(container, index) => {
                row[0] = 2;
                row[1..5].copy_from_slice(&container.to_be_bytes());
                row[5..].copy_from_slice(&index.to_be_bytes());
            }
        }
        rows.push(2);
        for (p, b) in previous.iter_mut().zip(row) {
            rows.push(b.wrapping_sub(*p));
            *p = b;
        }
    }
    rows
}

/// Appends `value` in decimal.
fn int(out: &mut Vec<u8>, value: i64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

/// Whether a delimiter must separate `object` from a token before it
/// (§7.2.2: names, strings, arrays and dictionaries begin with one).
fn needs_space(object: &Object) -> bool {
    matches!(
        object,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

/// Appends `object` as an item of an array (§7.3.6): after a space when
/// it is not the `first` and a delimiter must separate it from the item
/// before, as [`object_bytes`] writes an array's items.
pub(crate) fn array_item(out: &mut Vec<u8>, object: &Object, first: bool) {
    if !first && needs_space(object) {
        out.push(b' ');
    }
    object_bytes(out, object);
}

/// Appends the syntax of `object` (§7.3).
pub(crate) fn object_bytes(out: &mut Vec<u8>, object: &Object) {
    match object {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(true) => out.extend_from_slice(b"true"),
        Object::Boolean(false) => out.extend_from_slice(b"false"),
        Object::Integer(value) => int(out, *value),
        Object::Real(value) => real(out, *value),
        Object::Name(name) => name_bytes(out, name),
        Object::String(text, format) => string_bytes(out, text, *format),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                array_item(out, item, i == 0);
            }
            out.push(b']');
        }
        Object::Dictionary(dict) => dictionary(out, dict),
        Object::Stream(stream) => {
            let mut dict = stream.dict.clone();
            dict.set("Length", stream.content.len() as i64);
            dictionary(out, &dict);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&stream.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference((id, generation)) => {
            int(out, (*id).into());
            out.push(b' ');
            int(out, (*generation).into());
            out.extend_from_slice(b" R");
        }
    }
}

/// A real number (§7.3.3): decimal, no exponent, at most the digits that
/// give the same `f32` back.
fn real(out: &mut Vec<u8>, value: f32) {
    use std::io::Write;
    let value = if value.is_finite() { value } else { 0.0 };
    let _ = write!(out, "{value}");
}

/// Appends `<<…>>` with each key and value (§7.3.7).
fn dictionary(out: &mut Vec<u8>, dict: &Dictionary) {
    out.extend_from_slice(b"<<");
    for (key, value) in dict {
        name_bytes(out, key);
        if needs_space(value) {
            out.push(b' ');
        }
        object_bytes(out, value);
    }
    out.extend_from_slice(b">>");
}

/// A name (§7.3.5): `#xx` for delimiters, white space, `#` and bytes outside
/// `!`…`~`.
fn name_bytes(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            out.push(b'#');
            hex(out, b);
        } else {
            out.push(b);
        }
    }
}

/// A string (§7.3.4): literal with `\`, `(`, `)` and CR escaped, or hex.
fn string_bytes(out: &mut Vec<u8>, text: &[u8], format: StringFormat) {
    match format {
        StringFormat::Literal => {
            out.push(b'(');
            for &b in text {
                match b {
                    b'\\' | b'(' | b')' => out.extend_from_slice(&[b'\\', b]),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    _ => out.push(b),
                }
            }
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            for &b in text {
                hex(out, b);
            }
            out.push(b'>');
        }
    }
}

fn hex(out: &mut Vec<u8>, b: u8) {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    out.push(DIGITS[usize::from(b >> 4)]);
    out.push(DIGITS[usize::from(b & 15)]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::Stream;

    /// A document written here is read back by lopdf with every object the
    /// same, through the object streams and the cross-reference stream.
    #[test]
    fn lopdf_reads_back_what_is_written() {
        let mut doc = Document::with_version("1.7");
        let info = doc.add_object(Dictionary::from_iter([(
            "Title",
            Object::String(b"a (b) \\ c\r".to_vec(), StringFormat::Literal),
        )]));
        let stream = doc.add_object(Stream::new(Dictionary::new(), b"BT ET".to_vec()));
        let mut ids = Vec::new();
        for i in 0..(OBJECTS_PER_STREAM as i64 + 7) {
            ids.push(doc.add_object(Object::Array(vec![
                Object::Integer(i),
                Object::Real(0.25),
                Object::Name(b"A B#".to_vec()),
                Object::String(vec![0, 255], StringFormat::Hexadecimal),
                Object::Reference(stream),
                Object::Null,
                Object::Boolean(true),
            ])));
        }
        let catalog = doc.add_object(Dictionary::from_iter([
            ("Type", Object::Name(b"Catalog".to_vec())),
            (
                "Kids",
                Object::Array(ids.iter().map(|&id| id.into()).collect()),
            ),
        ]));
        doc.trailer.set("Root", catalog);
        doc.trailer.set("Info", info);
        let bytes = write(&doc, 9, &[]).unwrap();
        assert!(bytes.starts_with(b"%PDF-1.7\n%\xBB\xAD\xC0\xDE\n"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        let back = Document::load_mem(&bytes).unwrap();
        for (id, object) in &doc.objects {
            if let Object::Stream(stream) = object {
                let read = back.get_object(*id).unwrap().as_stream().unwrap();
                assert_eq!(read.content, stream.content);
                continue;
            }
            assert_eq!(back.get_object(*id).unwrap(), object, "object {id:?}");
        }
        assert_eq!(
            back.trailer.get(b"Root").unwrap(),
            &Object::Reference(catalog)
        );
        // Two object streams and the cross-reference stream follow the
        // document's own objects.
        assert_eq!(
            back.trailer.get(b"Size").unwrap().as_i64().unwrap(),
            i64::from(doc.max_id) + 4
        );
    }
}
