//! DEFLATE compression (RFC 1951) for both writers: the PDF's streams as
//! zlib streams (RFC 1950, ISO 32000-1 §7.4.4 `FlateDecode`) and the
//! EPUB's ZIP entries as raw DEFLATE data (APPNOTE 6.3, method 8).
//!
//! libdeflate compresses a whole buffer at once. Its compressor holds
//! about a megabyte of match-finder tables; making one (allocating and
//! clearing those tables) costs more than compressing a short stream, so
//! each thread keeps the compressors it made, one per level, and
//! [`Deflater::new`] hands out a kept one. A document's PDF and EPUB
//! writers, and the documents of an archive built on one worker thread,
//! share them.

use std::cell::RefCell;

/// How hard the PDF's content streams, fonts and other streams are
/// compressed: libdeflate's level 6, its lazy matcher. With one byte a
/// glyph in the content (`pdf::fonts::FontUse::one_byte`) level 9's second
/// lazy step finds little more: on the book's 1.96 MB of content (A5, 307
/// pages), level 6 writes 620,322 bytes in 20 ms, level 9 619,229 bytes in
/// 31 ms (+0.2 % for a third less time), levels 10 and 12 (the
/// near-optimal parser) 597,747 and 595,188 bytes in 122 and 226 ms. With
/// two bytes a glyph, level 6 had cost 5.6 % of the file.
pub const LEVEL: i32 = 6;

thread_local! {
    /// The compressors this thread made and is not using, with their levels.
    static KEPT: RefCell<Vec<(i32, libdeflater::Compressor)>> = const { RefCell::new(Vec::new()) };
}

/// A libdeflate compressor at one level, taken from this thread's kept
/// ones (or made) and given back when dropped.
pub struct Deflater {
    level: i32,
    inner: Option<libdeflater::Compressor>,
}

impl Deflater {
    /// A compressor at `level` (1–12, libdeflate's scale: 1 fastest, 6 about
    /// zlib's 9, 10–12 near-optimal). Errors name a level outside 1–12.
    pub fn new(level: i32) -> Result<Deflater, String> {
        let kept = KEPT.with(|k| {
            let mut k = k.borrow_mut();
            let at = k.iter().position(|(l, _)| *l == level)?;
            Some(k.swap_remove(at).1)
        });
        let inner = match kept {
            Some(c) => c,
            None => {
                let lvl = libdeflater::CompressionLvl::new(level)
                    .map_err(|e| format!("compression level {level}: {e:?}"))?;
                libdeflater::Compressor::new(lvl)
            }
        };
        Ok(Deflater {
            level,
            inner: Some(inner),
        })
    }

    fn compressor(&mut self) -> &mut libdeflater::Compressor {
        self.inner
            .as_mut()
            .expect("a Deflater holds its compressor until dropped")
    }

    /// `data` as a zlib stream (RFC 1950), sized to fit: a caller may hold
    /// many (every page's content stream is held until the PDF is written).
    pub fn zlib(&mut self, data: &[u8]) -> Result<Vec<u8>, String> {
        let c = self.compressor();
        let mut out = vec![0; c.zlib_compress_bound(data.len())];
        let n = c
            .zlib_compress(data, &mut out)
            .map_err(|e| format!("compressing a stream: {e:?}"))?;
        out.truncate(n);
        out.shrink_to_fit();
        Ok(out)
    }

    /// `data` as raw DEFLATE data (RFC 1951) appended to `out`; returns the
    /// number of bytes appended.
    pub fn deflate_into(&mut self, data: &[u8], out: &mut Vec<u8>) -> Result<usize, String> {
        let c = self.compressor();
        let start = out.len();
        out.resize(start + c.deflate_compress_bound(data.len()), 0);
        let n = c
            .deflate_compress(data, &mut out[start..])
            .map_err(|e| format!("compressing a stream: {e:?}"))?;
        out.truncate(start + n);
        Ok(n)
    }
}

/// Raw DEFLATE data (RFC 1951) inflated, when it makes exactly `len` bytes.
pub fn inflate(data: &[u8], len: usize) -> Result<Vec<u8>, String> {
    let mut out = vec![0; len];
    let n = libdeflater::Decompressor::new()
        .deflate_decompress(data, &mut out)
        .map_err(|e| format!("inflating: {e:?}"))?;
    match n == len {
        true => Ok(out),
        false => Err(format!("inflating: {n} bytes, {len} expected")),
    }
}

impl Drop for Deflater {
    fn drop(&mut self) {
        if let Some(c) = self.inner.take() {
            // At thread exit the pool may already be gone; the compressor
            // is then simply freed.
            let _ = KEPT.try_with(|k| k.borrow_mut().push((self.level, c)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_compressor_gives_the_same_bytes_as_a_new_one() {
        let text = "Người ta là hoa đất. ".repeat(200);
        let first = Deflater::new(LEVEL).unwrap().zlib(text.as_bytes()).unwrap();
        // The second is the first one given back to the pool.
        let second = Deflater::new(LEVEL).unwrap().zlib(text.as_bytes()).unwrap();
        assert_eq!(first, second);
        assert!(first.len() < text.len() / 10, "{} bytes", first.len());
        let mut raw = vec![1, 2, 3];
        let n = Deflater::new(LEVEL)
            .unwrap()
            .deflate_into(text.as_bytes(), &mut raw)
            .unwrap();
        assert_eq!(raw.len(), 3 + n);
        // zlib = 2-byte header + the same DEFLATE data + 4-byte Adler-32.
        assert_eq!(&raw[3..], &first[2..first.len() - 4]);
        assert!(Deflater::new(13).is_err());
    }
}
