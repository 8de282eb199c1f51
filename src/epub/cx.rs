//! The state shared while writing the content documents: the book, the
//! chapter being written, and image resources.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Span;
use crate::resolve::Book;

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
    /// The PDF's page breaks still to mark (only when the PDF is built in
    /// the same run).
    pub marks: Option<super::pagebreak::Marks>,
    /// With `--epub-math svg`: the math layout's context formulas are drawn
    /// with (`None`: formulas are MathML).
    pub math_svg: Option<crate::math::layout::Context>,
    /// Formulas written so far (numbers the SVGs' ids).
    pub formulas: usize,
}

impl<'a> Cx<'a> {
    /// A context for `doc`.
    pub fn new(doc: &'a Book, diags: &'a mut Diagnostics) -> Self {
        Cx {
            doc,
            file: 0,
            chapter: 0,
            images: Vec::new(),
            by_path: HashMap::new(),
            image_without_alt: false,
            diags,
            marks: None,
            math_svg: None,
            formulas: 0,
        }
    }

    /// Adds the local image `src` (as written in the source; read when the
    /// book was resolved, see [`crate::resolve::assets`]) and returns its href.
    pub fn image(&mut self, src: &str) -> Result<String, String> {
        let asset = self
            .doc
            .assets
            .get(src)
            .ok_or_else(|| format!("image `{src}` could not be read"))?;
        let key = asset
            .path
            .canonicalize()
            .unwrap_or_else(|_| asset.path.clone());
        if let Some(&i) = self.by_path.get(&key) {
            return Ok(self.images[i].href.clone());
        }
        let href = format!("images/img-{}.{}", self.images.len() + 1, asset.extension());
        self.by_path.insert(key, self.images.len());
        self.images.push(Image {
            href: href.clone(),
            media_type: asset.media_type(),
            data: asset.bytes().to_vec(),
        });
        Ok(href)
    }

    /// Reports a warning at `span`.
    pub fn warn(&mut self, message: String, span: Span) {
        self.diags
            .push(Diagnostic::warning(message).at(&self.doc.source, span));
    }
}
