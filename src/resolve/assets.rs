//! Images, read once: every local image the document refers to (Markdown
//! images, raw-HTML `<img>` — both [`InlineKind::Image`] — and the cover)
//! is resolved to a file, read, sniffed and kept in [`Book::assets`]. The
//! checks (`trang check`), the EPUB writer and the typesetter read the
//! [`Asset`]s and never open the file again, so `check` reports exactly
//! what `build` reports.
//!
//! Paths, in order:
//! - a relative path (percent-decoded) is looked up beside the Markdown
//!   file, then in each `--resource-path` folder;
//! - an absolute path such as `/assets/x.png` (Jekyll, Hugo) is looked up
//!   in each `--resource-path` folder, then taken as it is;
//! - the file must lie inside the source folder, a `--resource-path`
//!   folder or an `--allow-outside` folder (symbolic links resolved).
//!
//! Formats ([`AssetKind`]):
//! - PNG and JPEG are kept as they are;
//! - WebP, GIF (its first frame), BMP and TIFF are decoded and re-encoded
//!   as PNG, losslessly (16-bit samples stay 16-bit);
//! - AVIF and HEIF are refused with a conversion hint (the decoders are
//!   large C libraries);
//! - SVG is sanitised ([`sanitise_svg`]) and stays vector in both outputs.
//!
//! No image is decoded beyond [`MAX_IMAGE_PIXELS`].
//!
//! [`Book::assets`]: super::Book::assets

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Document, InlineKind, Span, walk_block_inlines};
use crate::fonts::{FontSet, Role, Style};

/// The largest image accepted, in pixels (e.g. 8000 × 5000): decoded as
/// 8-bit RGBA it takes 160 MB. A page printed at 300 dpi needs less than
/// 9 megapixels.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;

/// Where images may come from, beyond the Markdown file's folder.
#[derive(Clone, Debug, Default)]
pub struct AssetOptions {
    /// Folders outside the source folder images may come from (`--allow-outside`).
    pub allow_outside: Vec<PathBuf>,
    /// Folders absolute (`/assets/x.png`) and relative image paths are
    /// looked up in (`--resource-path`, repeatable, searched in order).
    pub resource_paths: Vec<PathBuf>,
}

/// Every local image of a book, by its `src` as written in the source.
#[derive(Clone, Debug, Default)]
pub struct Assets {
    by_src: BTreeMap<String, Asset>,
    cover: Option<String>,
}

impl Assets {
    /// The image the source names `src` (as written, before
    /// percent-decoding); `None` for a remote, `data:`, missing or refused
    /// image (each reported when the book was resolved).
    pub fn get(&self, src: &str) -> Option<&Asset> {
        self.by_src.get(src)
    }

    /// The cover image (front matter `cover:`), when it could be read.
    pub fn cover(&self) -> Option<&Asset> {
        self.cover.as_deref().and_then(|s| self.by_src.get(s))
    }

    /// The key of the cover in [`Assets::get`] (its path as written).
    pub fn cover_src(&self) -> Option<&str> {
        self.cover.as_deref()
    }

    /// The images, by `src`.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Asset)> {
        self.by_src.iter().map(|(k, v)| (k.as_str(), v))
    }
}

/// One local image, read and checked.
#[derive(Clone, Debug)]
pub struct Asset {
    /// The file it was read from (for messages).
    pub path: PathBuf,
    /// Its natural size: pixels for a raster image; for an SVG, its
    /// `width`/`height` (else its `viewBox`) in CSS px of 1/96 in (SVG 1.1
    /// § 7.10), rounded up.
    pub size: (u32, u32),
    /// Its content.
    pub kind: AssetKind,
    /// The format it was converted from to PNG (`"WebP"`, `"GIF"`…), if any.
    pub converted_from: Option<&'static str>,
}

/// The content of an [`Asset`].
#[derive(Clone, Debug)]
pub enum AssetKind {
    /// A PNG file's bytes (read, or converted losslessly).
    Png(Arc<Vec<u8>>),
    /// A JPEG file's bytes, as read.
    Jpeg(Arc<Vec<u8>>),
    /// A sanitised SVG.
    Svg(Arc<Svg>),
}

impl Asset {
    /// The bytes written to the EPUB: the file, the PNG it was converted
    /// to, or the sanitised SVG.
    pub fn bytes(&self) -> &[u8] {
        match &self.kind {
            AssetKind::Png(d) | AssetKind::Jpeg(d) => d,
            AssetKind::Svg(s) => s.text.as_bytes(),
        }
    }

    /// Its media type.
    pub fn media_type(&self) -> &'static str {
        match self.kind {
            AssetKind::Png(_) => "image/png",
            AssetKind::Jpeg(_) => "image/jpeg",
            AssetKind::Svg(_) => "image/svg+xml",
        }
    }

    /// Its file extension in the EPUB.
    pub fn extension(&self) -> &'static str {
        match self.kind {
            AssetKind::Png(_) => "png",
            AssetKind::Jpeg(_) => "jpg",
            AssetKind::Svg(_) => "svg",
        }
    }

    /// Whether it is a vector drawing (its [`Asset::size`] is in CSS px).
    pub fn is_vector(&self) -> bool {
        matches!(self.kind, AssetKind::Svg(_))
    }
}

/// A sanitised SVG: no script, event handler, `<foreignObject>`, external
/// reference or entity (see [`sanitise_svg`]).
#[derive(Debug, Default)]
pub struct Svg {
    /// The sanitised document (UTF-8 XML), as written to the EPUB.
    pub text: String,
    /// The drawing as a one-page PDF, made once on first use.
    pdf: OnceLock<Result<Arc<Vec<u8>>, String>>,
}

impl Svg {
    /// The drawing as a one-page PDF of its natural size (1 CSS px = 0.75
    /// pt), its text drawn with the faces of `fonts` (generic families:
    /// `serif` → body, `sans-serif` → heading, `monospace` → code; any other
    /// family not in `fonts` → body), so no system font is used. Made on the
    /// first call; later calls return the same bytes.
    pub fn pdf(&self, fonts: &FontSet) -> Result<Arc<Vec<u8>>, String> {
        self.pdf
            .get_or_init(|| svg_pdf(&self.text, fonts).map(Arc::new))
            .clone()
    }
}

/// usvg options that never read a file: `<image>` may only hold a `data:` URI.
fn usvg_options() -> svg2pdf::usvg::Options<'static> {
    use svg2pdf::usvg::{ImageHrefResolver, Options};
    Options {
        image_href_resolver: ImageHrefResolver {
            resolve_data: ImageHrefResolver::default_data_resolver(),
            resolve_string: Box::new(|_, _| None),
        },
        ..Options::default()
    }
}

fn svg_pdf(text: &str, fonts: &FontSet) -> Result<Vec<u8>, String> {
    use svg2pdf::usvg::{self, FontResolver, fontdb};
    let mut opts = usvg_options();
    let family = |role| fonts.face(role, Style::default()).family.clone();
    let (body, heading, code) = (
        family(Role::Body),
        family(Role::Heading),
        family(Role::Code),
    );
    let mut db = fontdb::Database::new();
    let mut seen = Vec::new();
    for (_, _, face) in fonts.slots() {
        if !seen.iter().any(|d| Arc::ptr_eq(d, &face.data)) {
            seen.push(face.data.clone());
            db.load_font_data(face.data.to_vec());
        }
    }
    db.set_serif_family(body.clone());
    db.set_sans_serif_family(heading);
    db.set_monospace_family(code);
    db.set_cursive_family(body.clone());
    db.set_fantasy_family(body.clone());
    opts.fontdb = Arc::new(db);
    opts.font_family = body.clone();
    let fallback = body;
    let by_name = FontResolver::default_font_selector();
    opts.font_resolver = FontResolver {
        select_font: Box::new(move |font, db| {
            by_name(font, db).or_else(|| {
                let families = [fontdb::Family::Name(&fallback)];
                db.query(&fontdb::Query {
                    families: &families,
                    weight: fontdb::Weight(font.weight()),
                    stretch: fontdb::Stretch::Normal,
                    style: match font.style() {
                        usvg::FontStyle::Normal => fontdb::Style::Normal,
                        usvg::FontStyle::Italic => fontdb::Style::Italic,
                        usvg::FontStyle::Oblique => fontdb::Style::Oblique,
                    },
                })
            })
        }),
        select_fallback: FontResolver::default_fallback_selector(),
    };
    let tree = usvg::Tree::from_str(text, &opts).map_err(|e| e.to_string())?;
    let conversion = svg2pdf::ConversionOptions {
        compress: true,
        embed_text: true,
        ..Default::default()
    };
    svg2pdf::to_pdf(&tree, conversion, svg2pdf::PageOptions { dpi: 72.0 })
        .map_err(|e| e.to_string())
}

/// Why an image cannot be used: the message and a hint.
struct Refused {
    why: String,
    help: String,
}

impl Refused {
    fn new(why: impl Into<String>, help: impl Into<String>) -> Self {
        Refused {
            why: why.into(),
            help: help.into(),
        }
    }
}

/// The hint for a raster image trang cannot read.
fn convert_hint() -> String {
    format!(
        "use a PNG, JPEG, WebP, GIF, BMP, TIFF or SVG file of at most {} megapixels (e.g. `magick in.heic out.png`; scale large images first: `magick in.png -resize '6000x6000>' out.png`)",
        MAX_IMAGE_PIXELS / 1_000_000
    )
}

/// Reads every local image of `doc` (and its cover) once. Problems go to
/// `diags`, at the place of the image in the source: a missing, unreadable,
/// outside or refused image is an error; a remote or `data:` image a
/// warning (it is never fetched; its text is shown).
pub fn read_all(doc: &Document, opts: &AssetOptions, diags: &mut Diagnostics) -> Assets {
    let base = crate::input::base_dir(doc);
    let canon = |p: &Path| {
        let p = if p.as_os_str().is_empty() {
            Path::new(".")
        } else {
            p
        };
        p.canonicalize().ok()
    };
    let allowed: Vec<PathBuf> = std::iter::once(base.as_path())
        .chain(opts.allow_outside.iter().map(PathBuf::as_path))
        .chain(opts.resource_paths.iter().map(PathBuf::as_path))
        .filter_map(canon)
        .collect();
    let mut refs: Vec<(String, Span)> = Vec::new();
    for block in doc
        .blocks
        .iter()
        .chain(doc.footnotes.iter().flat_map(|f| f.blocks.iter()))
    {
        walk_block_inlines(block, &mut |inl| {
            if let InlineKind::Image { src, .. } = &inl.kind {
                refs.push((src.clone(), inl.span));
            }
        });
    }
    let mut assets = Assets::default();
    let mut done: BTreeMap<String, ()> = BTreeMap::new();
    let reader = Reader {
        base: &base,
        allowed: &allowed,
        opts,
        source: &doc.source,
    };
    for (src, span) in refs {
        let span = image_place(&doc.source, span, &src);
        if crate::input::is_remote(&src) {
            diags.push(
                Diagnostic::warning(format!(
                    "remote image `{src}` is not fetched; its alt text is shown instead"
                ))
                .at(&doc.source, span)
                .help("download the image next to the Markdown file and link it by a relative path")
                .repeats(
                    "remote image",
                    "remote images are not fetched; their alt text is shown instead",
                    format!("`{src}`"),
                ),
            );
            continue;
        }
        if src.trim_start().to_ascii_lowercase().starts_with("data:") {
            diags.push(
                Diagnostic::warning(
                    "an inline `data:` image is not supported; its alt text is shown instead",
                )
                .at(&doc.source, span)
                .help("save the image as a file and link it by a relative path")
                .repeats(
                    "data image",
                    "inline `data:` images are not supported; their alt text is shown instead",
                    "`data:`",
                ),
            );
            continue;
        }
        if done.insert(src.clone(), ()).is_some() {
            continue;
        }
        let decoded = crate::input::percent_decode(&src);
        if let Some(asset) = reader.read(&src, &decoded, span, false, diags) {
            assets.by_src.insert(src, asset);
        }
    }
    if let Some(cover) = &doc.meta.cover {
        let src = cover.to_string_lossy().into_owned();
        let span = crate::epub::front_matter_key(doc, "cover");
        let asset = match assets.by_src.get(&src) {
            Some(a) => Some(a.clone()),
            None if done.contains_key(&src) => None,
            None => reader.read(&src, &src, span, true, diags),
        };
        match asset {
            // Decision (issue 15): a cover is a JPEG or PNG picture. Kindle
            // and Apple Books show no SVG cover image, and the PDF's cover
            // page is the same picture.
            Some(a) if matches!(a.kind, AssetKind::Svg(_)) => diags.push(
                Diagnostic::error(format!(
                    "cover image `{src}` is an SVG drawing; a cover must be a JPEG or PNG picture"
                ))
                .at(&doc.source, span)
                .help(format!(
                    "e-book readers and Kindle show no SVG cover: export it as PNG or JPEG, about 1600 × 2560 px (e.g. `rsvg-convert -w 1600 {src} -o cover.png`)"
                )),
            ),
            Some(a) => {
                assets.by_src.insert(src.clone(), a);
                assets.cover = Some(src);
            }
            None => {}
        }
    }
    assets
}

/// The place of an image: inside a raw HTML block whose span holds more
/// than the image, the `src` value itself, so each `<img>` is reported at
/// its own line and column.
fn image_place(source: &SourceFile, span: Span, src: &str) -> Span {
    match source.piece(span.start..span.end.min(source.len())) {
        Some(t) if !t.starts_with("![") && !src.is_empty() => t
            .find(src)
            .map(|i| {
                let at = t[..i].rfind('<').unwrap_or(i);
                Span::new(span.start + at, span.start + i + src.len())
            })
            .unwrap_or(span),
        _ => span,
    }
}

struct Reader<'a> {
    base: &'a Path,
    allowed: &'a [PathBuf],
    opts: &'a AssetOptions,
    source: &'a SourceFile,
}

impl Reader<'_> {
    /// Finds, reads and checks one image; an error to `diags` when it cannot.
    fn read(
        &self,
        src: &str,
        decoded: &str,
        span: Span,
        cover: bool,
        diags: &mut Diagnostics,
    ) -> Option<Asset> {
        let what = if cover { "cover image" } else { "image" };
        let err =
            |msg: String, help: String| Diagnostic::error(msg).at(self.source, span).help(help);
        let path = match self.find(decoded) {
            Ok(p) => p,
            Err((looked, help)) => {
                diags.push(err(format!("{what} `{src}` not found ({looked})"), help));
                return None;
            }
        };
        let inside = path
            .canonicalize()
            .is_ok_and(|real| self.allowed.iter().any(|a| real.starts_with(a)));
        if !inside {
            diags.push(err(
                format!("{what} `{src}` is outside the source folder"),
                format!(
                    "move the image next to the Markdown file, or allow its folder with --allow-outside {}",
                    path.parent()
                        .map_or_else(|| ".".into(), |p| p.display().to_string())
                ),
            ));
            return None;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                diags.push(err(
                    format!("{what} `{src}` cannot be read: {e}"),
                    "check the file's permissions".into(),
                ));
                return None;
            }
        };
        let name = path
            .file_name()
            .map_or_else(|| src.to_string(), |n| n.to_string_lossy().into_owned());
        match decode(bytes, &path, &name) {
            Ok((asset, dropped)) => {
                if !dropped.is_empty() {
                    diags.push(
                        Diagnostic::warning(format!(
                            "SVG `{src}`: {} dropped (never run nor shown)",
                            dropped.join(", ")
                        ))
                        .at(self.source, span)
                        .help(
                            "scripts, event handlers and <foreignObject> have no place in a book",
                        ),
                    );
                }
                Some(asset)
            }
            Err(r) => {
                diags.push(err(
                    format!("{what} `{src}` cannot be used: {}", r.why),
                    r.help,
                ));
                None
            }
        }
    }

    /// The file `decoded` names, or what was looked for and a hint.
    fn find(&self, decoded: &str) -> Result<PathBuf, (String, String)> {
        let roots = &self.opts.resource_paths;
        let shown = |ps: &[PathBuf]| {
            ps.iter()
                .map(|p| format!("`{}`", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if let Some(rest) = decoded.strip_prefix('/') {
            let tried: Vec<PathBuf> = roots.iter().map(|r| r.join(rest)).collect();
            if let Some(p) = tried.iter().find(|p| p.is_file()) {
                return Ok(p.clone());
            }
            // A real absolute path (still subject to the allowed folders).
            if Path::new(decoded).is_file() {
                return Ok(PathBuf::from(decoded));
            }
            return Err(if roots.is_empty() {
                (
                    "an absolute path, and no --resource-path was given".into(),
                    "pass the site's root folder with --resource-path DIR (repeatable), e.g. `--resource-path static` for Hugo or `--resource-path .` for Jekyll".into(),
                )
            } else {
                (
                    format!("looked for {}", shown(&tried)),
                    "absolute image paths are looked up in each --resource-path folder".into(),
                )
            });
        }
        let tried: Vec<PathBuf> = std::iter::once(self.base.join(decoded))
            .chain(roots.iter().map(|r| r.join(decoded)))
            .collect();
        tried.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
            (
                format!("looked for {}", shown(&tried)),
                "image paths are relative to the Markdown file that names them (a book's cover: to its source folder), or a --resource-path folder"
                    .into(),
            )
        })
    }
}

/// Sniffs and decodes one image file. Returns the asset and what was
/// dropped from an SVG.
fn decode(bytes: Vec<u8>, path: &Path, name: &str) -> Result<(Asset, Vec<String>), Refused> {
    use image::ImageFormat as F;
    let asset = |size, kind, converted_from| Asset {
        path: path.to_path_buf(),
        size,
        kind,
        converted_from,
    };
    if let Some(brand) = heif_brand(&bytes) {
        let (format, tool) = if brand.starts_with("avi") {
            ("AVIF", "avifdec in.avif out.png")
        } else {
            ("HEIF", "heif-convert in.heic out.png")
        };
        return Err(Refused::new(
            format!("{format} images are not supported"),
            format!(
                "convert it to PNG first, e.g. `{tool}` or `magick in.{} out.png`",
                if format == "AVIF" { "avif" } else { "heic" }
            ),
        ));
    }
    if bytes.starts_with(&[0x1F, 0x8B]) {
        return Err(Refused::new(
            "it is compressed (gzip, e.g. an .svgz file)",
            "decompress it first, e.g. `gunzip -c in.svgz > out.svg`",
        ));
    }
    // A raster signature wins over a `.svg` name.
    if image::guess_format(&bytes).is_err() && looks_like_svg(&bytes, path) {
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| Refused::new("the SVG is not valid UTF-8", "save the SVG as UTF-8"))?;
        let clean = sanitise_svg(text).map_err(|(why, at)| {
            let place = at.map_or_else(String::new, |(l, c)| format!(" ({name}:{l}:{c})"));
            Refused::new(
                format!("{why}{place}"),
                "trang never reads files or URLs an SVG names, nor expands XML entities: embed the resource (a `data:` URI) or remove it",
            )
        })?;
        let tree = svg2pdf::usvg::Tree::from_str(&clean.text, &usvg_options()).map_err(|e| {
            Refused::new(
                format!("it is not a valid SVG: {e}"),
                "open it in an SVG editor and save it again",
            )
        })?;
        let s = tree.size();
        let size = (
            s.width().ceil().max(1.0) as u32,
            s.height().ceil().max(1.0) as u32,
        );
        let svg = Svg {
            text: clean.text,
            pdf: OnceLock::new(),
        };
        return Ok((
            asset(size, AssetKind::Svg(Arc::new(svg)), None),
            clean.dropped,
        ));
    }
    let format = image::guess_format(&bytes)
        .map_err(|_| Refused::new("it is not an image file trang reads", convert_hint()))?;
    let label = match format {
        F::Png | F::Jpeg => "",
        F::WebP => "WebP",
        F::Gif => "GIF",
        F::Bmp => "BMP",
        F::Tiff => "TIFF",
        other => {
            return Err(Refused::new(
                format!(
                    "{} images are not supported",
                    other
                        .extensions_str()
                        .first()
                        .map_or("these", |e| e)
                        .to_uppercase()
                ),
                convert_hint(),
            ));
        }
    };
    let reader = || {
        let mut r = image::ImageReader::with_format(std::io::Cursor::new(bytes.as_slice()), format);
        let mut limits = image::Limits::default();
        limits.max_alloc = Some(MAX_IMAGE_PIXELS * 8 + (1 << 20));
        r.limits(limits);
        r
    };
    let (w, h) = reader()
        .into_dimensions()
        .map_err(|e| Refused::new(format!("its header is unreadable ({e})"), convert_hint()))?;
    if w == 0 || h == 0 {
        return Err(Refused::new("it has no pixels", convert_hint()));
    }
    if u64::from(w) * u64::from(h) > MAX_IMAGE_PIXELS {
        return Err(Refused::new(
            format!(
                "it is {w}×{h} pixels ({} megapixels), more than the {} megapixels trang decodes",
                u64::from(w) * u64::from(h) / 1_000_000,
                MAX_IMAGE_PIXELS / 1_000_000
            ),
            convert_hint(),
        ));
    }
    let kind = match format {
        F::Png => AssetKind::Png(Arc::new(bytes)),
        F::Jpeg => AssetKind::Jpeg(Arc::new(bytes)),
        _ => {
            let img = reader().decode().map_err(|e| {
                Refused::new(
                    format!("the {label} image cannot be decoded ({e})"),
                    convert_hint(),
                )
            })?;
            AssetKind::Png(Arc::new(to_png(img)?))
        }
    };
    Ok((
        asset((w, h), kind, (!label.is_empty()).then_some(label)),
        Vec::new(),
    ))
}

/// Encodes `img` as PNG without loss (floating-point samples, which PNG
/// cannot hold, become 16-bit).
fn to_png(img: image::DynamicImage) -> Result<Vec<u8>, Refused> {
    use image::DynamicImage as D;
    let img = match img {
        D::ImageRgb32F(_) => D::ImageRgb16(img.to_rgb16()),
        D::ImageRgba32F(_) => D::ImageRgba16(img.to_rgba16()),
        other => other,
    };
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| {
            Refused::new(
                format!("it cannot be converted to PNG ({e})"),
                convert_hint(),
            )
        })?;
    Ok(out.into_inner())
}

/// The brand of an ISO base media file (AVIF, HEIF): `ftyp` at offset 4.
fn heif_brand(bytes: &[u8]) -> Option<&str> {
    let brand = std::str::from_utf8(bytes.get(8..12)?).ok()?;
    (bytes.get(4..8)? == b"ftyp"
        && ["avif", "avis", "heic", "heix", "hevc", "mif1", "msf1"].contains(&brand))
    .then_some(brand)
}

/// Whether `bytes` are an SVG document: XML whose first element is `<svg`,
/// or a file named `.svg`.
fn looks_like_svg(bytes: &[u8], path: &Path) -> bool {
    if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("svg"))
    {
        return true;
    }
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head);
    let t = head.trim_start_matches('\u{FEFF}').trim_start();
    (t.starts_with("<?xml") || t.starts_with("<svg") || t.starts_with("<!")) && t.contains("<svg")
}

/// An SVG with what may not stay removed.
#[derive(Debug)]
pub struct SanitisedSvg {
    /// The document, re-serialised.
    pub text: String,
    /// What was dropped, e.g. `1 <script>`, `2 event handler attributes`.
    pub dropped: Vec<String>,
}

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// Sanitises an SVG document, re-serialising it from its parsed tree:
/// - refused (never followed): a reference to a file or URL — an `href` /
///   `xlink:href` other than `#id` or a `data:image/…` URI, a CSS `url()`
///   other than `url(#id)`, `@import`, an `<?xml-stylesheet?>` — and any
///   `<!ENTITY>` declaration (entities are never expanded);
/// - dropped: `<script>`, `<foreignObject>`, event handler attributes
///   (`on…`), elements and attributes of other namespaces (editor data),
///   comments, processing instructions and the DOCTYPE.
///
/// The error gives the reason and, when known, the line and column in the SVG.
pub fn sanitise_svg(text: &str) -> Result<SanitisedSvg, (String, Option<(u32, u32)>)> {
    let lower = text.to_ascii_lowercase();
    if let Some(i) = lower.find("<!entity") {
        let (l, c) = line_col(text, i);
        return Err((
            "the SVG declares XML entities (`<!ENTITY` in its DOCTYPE)".into(),
            Some((l, c)),
        ));
    }
    let doc = roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            // A DOCTYPE naming the SVG 1.1 DTD is common and harmless (never
            // fetched); one declaring entities was refused above.
            allow_dtd: true,
            nodes_limit: 1_000_000,
        },
    )
    .map_err(|e| {
        let p = e.pos();
        (
            format!("it is not well-formed XML ({e})"),
            Some((p.row, p.col)),
        )
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" || root.tag_name().namespace() != Some(SVG_NS) {
        return Err((
            "its root element is not `<svg xmlns=\"http://www.w3.org/2000/svg\">`".into(),
            None,
        ));
    }
    let mut w = SvgWriter {
        doc: &doc,
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        scripts: 0,
        foreign: 0,
        handlers: 0,
    };
    for node in doc.root().children() {
        if node.is_pi() {
            let pi = node.pi().map(|p| p.target).unwrap_or_default();
            if pi.eq_ignore_ascii_case("xml-stylesheet") {
                return Err(w.at("it links a style sheet (`<?xml-stylesheet?>`)".into(), node));
            }
        }
    }
    w.element(root, true)?;
    w.out.push('\n');
    let mut dropped = Vec::new();
    for (n, what) in [
        (w.scripts, "<script>"),
        (w.foreign, "<foreignObject>"),
        (w.handlers, "event handler attribute"),
    ] {
        if n > 0 {
            let s = if n > 1 && !what.starts_with('<') {
                "s"
            } else {
                ""
            };
            dropped.push(format!("{n} {what}{s}"));
        }
    }
    Ok(SanitisedSvg {
        text: w.out,
        dropped,
    })
}

fn line_col(text: &str, at: usize) -> (u32, u32) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line as u32, col as u32)
}

type SvgResult<T> = Result<T, (String, Option<(u32, u32)>)>;

struct SvgWriter<'d, 'i> {
    doc: &'d roxmltree::Document<'i>,
    out: String,
    scripts: usize,
    foreign: usize,
    handlers: usize,
}

impl SvgWriter<'_, '_> {
    fn at(&self, why: String, node: roxmltree::Node) -> (String, Option<(u32, u32)>) {
        let p = self.doc.text_pos_at(node.range().start);
        (why, Some((p.row, p.col)))
    }

    fn element(&mut self, node: roxmltree::Node, root: bool) -> SvgResult<()> {
        let name = node.tag_name().name();
        if node.tag_name().namespace() != Some(SVG_NS) {
            return Ok(());
        }
        match name {
            "script" => {
                self.scripts += 1;
                return Ok(());
            }
            "foreignObject" => {
                self.foreign += 1;
                return Ok(());
            }
            _ => {}
        }
        self.out.push('<');
        self.out.push_str(name);
        if root {
            let _ = write!(self.out, " xmlns=\"{SVG_NS}\" xmlns:xlink=\"{XLINK_NS}\"");
        }
        for a in node.attributes() {
            let prefix = match a.namespace() {
                None => "",
                Some(XLINK_NS) => "xlink:",
                Some(XML_NS) => "xml:",
                Some(_) => continue,
            };
            let value = a.value();
            if prefix.is_empty() && a.name().len() > 2 && a.name()[..2].eq_ignore_ascii_case("on") {
                self.handlers += 1;
                continue;
            }
            if a.name() == "href" && prefix != "xml:" {
                let v = value.trim();
                let ok = v.starts_with('#')
                    || v.get(..11)
                        .is_some_and(|p| p.eq_ignore_ascii_case("data:image/"));
                if !ok {
                    return Err(self.at(format!("`<{name}>` refers to `{}`", shorten(v)), node));
                }
            }
            self.check_css(value, node)?;
            let _ = write!(
                self.out,
                " {prefix}{}=\"{}\"",
                a.name(),
                crate::epub::xml::attr(value)
            );
        }
        let kids: Vec<_> = node
            .children()
            .filter(|c| c.is_element() || c.is_text())
            .collect();
        if kids.is_empty() {
            self.out.push_str("/>");
            return Ok(());
        }
        self.out.push('>');
        for c in kids {
            if c.is_text() {
                let t = c.text().unwrap_or_default();
                if name == "style" {
                    self.check_css(t, node)?;
                }
                self.out.push_str(&crate::epub::xml::text(t));
            } else {
                self.element(c, false)?;
            }
        }
        let _ = write!(self.out, "</{name}>");
        Ok(())
    }

    /// Refuses CSS that loads something: `@import`, `url()` other than `#id`
    /// or a `data:image/` URI.
    fn check_css(&self, css: &str, node: roxmltree::Node) -> SvgResult<()> {
        let lower = css.to_ascii_lowercase();
        if lower.contains("@import") {
            return Err(self.at("its CSS imports a style sheet (`@import`)".into(), node));
        }
        let mut rest = lower.as_str();
        let mut offset = 0;
        while let Some(i) = rest.find("url(") {
            let start = offset + i + 4;
            let target = css[start..]
                .trim_start()
                .trim_start_matches(['"', '\''])
                .trim_start();
            let ok = target.starts_with('#')
                || target
                    .get(..11)
                    .is_some_and(|p| p.eq_ignore_ascii_case("data:image/"));
            if !ok {
                let end = target.find(')').unwrap_or(target.len());
                return Err(self.at(
                    format!("its CSS refers to `url({})`", shorten(&target[..end])),
                    node,
                ));
            }
            offset = start;
            rest = &lower[offset..];
        }
        Ok(())
    }
}

/// `s` cut to 60 characters for a message.
fn shorten(s: &str) -> String {
    if s.chars().count() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitise_drops_scripts_and_handlers() {
        let s = sanitise_svg(
            r#"<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script><foreignObject><p>x</p></foreignObject><rect width="5" height="5" onclick="x()"/></svg>"#,
        )
        .unwrap();
        assert!(
            !s.text.contains("script") && !s.text.contains("alert") && !s.text.contains("foreign")
        );
        assert!(
            s.text.contains("<rect width=\"5\" height=\"5\"/>"),
            "{}",
            s.text
        );
        assert_eq!(
            s.dropped,
            [
                "1 <script>",
                "1 <foreignObject>",
                "2 event handler attributes"
            ]
        );
    }

    #[test]
    fn sanitise_refuses_references_and_entities() {
        for (svg, why) in [
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
<image xlink:href="/etc/passwd"/></svg>"#,
                "`<image>` refers to `/etc/passwd`",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><use href="other.svg#a"/></svg>"#,
                "refers to `other.svg#a`",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(x.css);</style></svg>"#,
                "@import",
            ),
            (
                r#"<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url( 'http://e.org/p' )"/></svg>"#,
                "url(http://e.org/p",
            ),
            (
                "<!DOCTYPE svg [<!ENTITY a \"b\">]>\n<svg xmlns=\"http://www.w3.org/2000/svg\">&a;</svg>",
                "entities",
            ),
            (
                r#"<?xml-stylesheet href="s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>"#,
                "style sheet",
            ),
        ] {
            let e = sanitise_svg(svg).unwrap_err();
            assert!(e.0.contains(why), "{svg}: {e:?}");
        }
        let e = sanitise_svg(
            "<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <use href=\"x.svg\"/></svg>",
        )
        .unwrap_err();
        assert_eq!(e.1, Some((2, 3)));
    }

    #[test]
    fn sanitise_keeps_local_references() {
        let s = sanitise_svg(
            r##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1"><defs><g id="a"/></defs><use xlink:href="#a" fill="url(#g)"/><text>A &amp; B</text></svg>"##,
        )
        .unwrap();
        assert!(
            s.text
                .contains(r##"<use xlink:href="#a" fill="url(#g)"/>"##),
            "{}",
            s.text
        );
        assert!(s.text.contains("A &amp; B") && !s.text.contains("inkscape"));
    }

    #[test]
    fn sanitise_accepts_the_svg_11_doctype_and_drops_it() {
        let s = sanitise_svg(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"4\" height=\"4\"><!-- c --><rect width=\"4\" height=\"4\"/></svg>",
        )
        .unwrap();
        assert!(
            !s.text.contains("DOCTYPE") && !s.text.contains("<!--"),
            "{}",
            s.text
        );
        assert!(
            s.text.ends_with("<rect width=\"4\" height=\"4\"/></svg>\n"),
            "{}",
            s.text
        );
    }

    #[test]
    fn sniffs_avif_and_refuses_it() {
        let mut avif = vec![0, 0, 0, 0x1c];
        avif.extend_from_slice(b"ftypavif\0\0\0\0avifmif1miaf");
        let e = decode(avif, Path::new("a.png"), "a.png").unwrap_err();
        assert!(
            e.why.contains("AVIF") && e.help.contains("avifdec"),
            "{}",
            e.why
        );
        let e = decode(b"hello".to_vec(), Path::new("a.png"), "a.png").unwrap_err();
        assert!(e.why.contains("not an image"), "{}", e.why);
    }
}
