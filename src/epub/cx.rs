//! The state shared while writing the content documents: the book, the
//! chapter being written, and image resources.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Span;
use crate::resolve::Book;

use super::xml;

/// An image stored in the EPUB.
pub struct Image {
    /// Path inside the package, e.g. `images/img-1.png`.
    pub href: String,
    /// Its media type.
    pub media_type: &'static str,
    /// The file's bytes.
    pub data: Vec<u8>,
}

/// Writing state for one book.
pub struct Cx<'a> {
    /// The resolved book.
    pub doc: &'a Book,
    /// Folder images are resolved against.
    pub base: PathBuf,
    /// Index of the file being written.
    pub file: usize,
    /// Index of the chapter being written.
    pub chapter: usize,
    /// Image resources, in order of first use.
    pub images: Vec<Image>,
    by_path: HashMap<PathBuf, usize>,
    /// Whether some image has no alternative text.
    pub image_without_alt: bool,
    /// Warnings and errors.
    pub diags: &'a mut Diagnostics,
}

impl<'a> Cx<'a> {
    /// A context for `doc`.
    pub fn new(doc: &'a Book, diags: &'a mut Diagnostics) -> Self {
        let base = doc
            .source
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        Cx {
            doc,
            base,
            file: 0,
            chapter: 0,
            images: Vec::new(),
            by_path: HashMap::new(),
            image_without_alt: false,
            diags,
        }
    }

    /// Adds the local image `src` (relative to the source folder) and returns its href.
    pub fn image(&mut self, src: &str) -> Result<String, String> {
        let decoded = xml::percent_decode(src);
        let candidates = [self.base.join(src), self.base.join(&decoded)];
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            return Err(format!(
                "image `{}` not found",
                self.base.join(&decoded).display()
            ));
        };
        let key = path.canonicalize().unwrap_or_else(|_| path.clone());
        if let Some(&i) = self.by_path.get(&key) {
            return Ok(self.images[i].href.clone());
        }
        let data = std::fs::read(path)
            .map_err(|e| format!("cannot read image `{}`: {e}", path.display()))?;
        let (media_type, ext) = sniff(&data)
            .ok_or_else(|| format!("`{}` is not a PNG, JPEG, GIF or WebP image", path.display()))?;
        if matches!(ext, "png" | "jpg") {
            image::ImageReader::new(Cursor::new(&data))
                .with_guessed_format()
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .ok_or_else(|| format!("image `{}` is damaged", path.display()))?;
        }
        let href = format!("images/img-{}.{ext}", self.images.len() + 1);
        self.by_path.insert(key, self.images.len());
        self.images.push(Image {
            href: href.clone(),
            media_type,
            data,
        });
        Ok(href)
    }

    /// Reports a warning at `span`.
    pub fn warn(&mut self, message: String, span: Span) {
        self.diags
            .push(Diagnostic::warning(message).at(&self.doc.source, span));
    }
}

/// Media type and extension from the first bytes of an image.
fn sniff(data: &[u8]) -> Option<(&'static str, &'static str)> {
    if data.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if data.starts_with(b"GIF87a") || data.starts_with(b"GIF89a") {
        Some(("image/gif", "gif"))
    } else if data.len() > 12 && &data[..4] == b"RIFF" && &data[8..12] == b"WEBP" {
        Some(("image/webp", "webp"))
    } else {
        None
    }
}
