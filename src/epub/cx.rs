//! The state shared while writing the content documents: the book, the
//! chapter being written, and image resources.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics};
use crate::doc::Span;
use crate::resolve::Book;

use super::xml::{self, Ids, Url};

/// The outcome of checking a URL for an `href`.
pub enum Href {
    /// The attribute value, escaped (possibly a placeholder).
    Value(String),
    /// A script URL: dropped, to be reported.
    Script,
    /// Not kept, with the reason.
    Dropped(String),
}

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
    /// Ids in use.
    pub ids: Ids,
    /// Index of the file being written.
    pub file: usize,
    /// Index of the chapter being written.
    pub chapter: usize,
    /// Image resources, in order of first use.
    pub images: Vec<Image>,
    by_path: HashMap<PathBuf, usize>,
    /// Whether some image has no alternative text.
    pub image_without_alt: bool,
    /// The span of the raw HTML being sanitised (for its link warnings).
    pub html_span: Span,
    /// Hrefs this writer generated (note references and resolved links),
    /// which the raw-HTML sanitiser keeps as they are.
    pub generated: std::collections::HashSet<String>,
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
        let mut ids = Ids::default();
        for id in doc.targets.keys() {
            ids.reserve(id);
        }
        Cx {
            doc,
            base,
            ids,
            file: 0,
            chapter: 0,
            images: Vec::new(),
            by_path: HashMap::new(),
            image_without_alt: false,
            html_span: Span::default(),
            generated: Default::default(),
            diags,
        }
    }

    /// Checks a URL of raw HTML (the resolver checked every other link):
    /// an id of the book, resolved as the resolver resolves links, or an
    /// external URL.
    pub fn href_at(&mut self, raw: &str, span: Span) -> Href {
        if self.generated.contains(raw) {
            return Href::Value(xml::attr(raw));
        }
        match xml::classify(raw) {
            Url::Fragment(name) => match self.doc.ids.find(&name) {
                Some(id) => Href::Value(xml::attr(&self.doc.href(id, self.chapter))),
                None => {
                    let _ = span;
                    Href::Dropped(format!(
                        "link to `#{name}`, which is not an anchor in the document; only its text is kept"
                    ))
                }
            },
            Url::External(url) => Href::Value(xml::attr(&url)),
            Url::Script => Href::Script,
            Url::Unusable(why) => Href::Dropped(format!(
                "link `{raw}` was dropped: {why}; only the link text is kept"
            )),
            Url::Relative(r) if r.is_empty() => Href::Dropped("the link has no target".into()),
            Url::Relative(r) => Href::Dropped(format!(
                "link target `{r}` is not part of the book; only the link text is kept"
            )),
        }
    }

    /// [`Cx::href_at`] for raw HTML, located at the start of the document.
    pub fn href(&mut self, raw: &str) -> Href {
        self.href_at(raw, self.html_span)
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

    /// An image named in raw HTML: an image already in the book, or a local file.
    pub fn raw_image(&mut self, src: &str) -> Result<String, String> {
        if self.images.iter().any(|i| i.href == src) {
            return Ok(src.to_string());
        }
        match xml::classify(src) {
            Url::Relative(r) if !r.is_empty() => self
                .image(&r)
                .map_err(|why| format!("{why}; the raw HTML image was dropped")),
            Url::Script => Err("a script URL in an image was dropped".into()),
            _ => Err(format!(
                "image `{src}` is not a local file and cannot be embedded; it was dropped"
            )),
        }
    }

    /// Reports raw-HTML warnings: each is placed where its needle first
    /// occurs in the source within `span`.
    pub fn report(&mut self, warnings: Vec<(String, String)>, span: Span) {
        let src = &self.doc.source.text;
        let end = span.end.min(src.len());
        let region = src.get(span.start..end).unwrap_or("").to_ascii_lowercase();
        for (needle, message) in warnings {
            let at = region
                .find(&needle.to_ascii_lowercase())
                .map_or(span.start, |i| span.start + i);
            self.diags.push(
                Diagnostic::warning(message)
                    .at(&self.doc.source, Span::new(at, at))
                    .help("raw HTML in an EPUB is limited to valid XHTML without active content"),
            );
        }
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
