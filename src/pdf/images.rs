//! Image XObjects for printpdf: JPEG passed through untouched
//! (`/DCTDecode`), PNG stored losslessly (`/FlateDecode`, alpha as a soft
//! mask), a vector drawing (an SVG made into a one-page PDF by svg2pdf) as a
//! form XObject ([`form`]).
//!
//! 8-bit PNGs go through printpdf's own image path ([`RawImage`], encoded
//! with the options of [`image_options`]). JPEGs and 16-bit PNGs are handed
//! to printpdf as ready-made streams ([`ExternalXObject`]): its image path
//! would decode and re-encode a JPEG, and cut 16-bit samples to 8 bits.

use super::PdfError;
use crate::frame::{Image, ImageFormat};
use image::DynamicImage;
use printpdf::{
    DictItem, ExternalStream, ExternalXObject, ImageCompression, ImageOptimizationOptions, Px,
    RawImage, RawImageData, RawImageFormat, XObject,
};
use std::collections::BTreeMap;

/// The printpdf XObject for `img`.
pub(crate) fn xobject(img: &Image) -> Result<XObject, PdfError> {
    match img.format {
        ImageFormat::Jpeg => jpeg(&img.data),
        ImageFormat::Png => png(&img.data),
        ImageFormat::Pdf => form(&img.data),
    }
}

/// How printpdf encodes [`RawImage`]s: losslessly with Flate, as they are
/// (no greyscale detection, dithering or down-sizing).
pub(crate) fn image_options() -> ImageOptimizationOptions {
    ImageOptimizationOptions {
        quality: None,
        max_image_size: None,
        dither_greyscale: Some(false),
        convert_to_greyscale: Some(false),
        auto_optimize: Some(false),
        format: Some(ImageCompression::Flate),
    }
}

type Dict = BTreeMap<String, DictItem>;

fn name(n: &str) -> DictItem {
    DictItem::Name(n.as_bytes().to_vec())
}

fn image_dict(width: u32, height: u32, space: &str, bits: u8) -> Dict {
    [
        ("Type", name("XObject")),
        ("Subtype", name("Image")),
        ("Width", DictItem::Int(width.into())),
        ("Height", DictItem::Int(height.into())),
        ("ColorSpace", name(space)),
        ("BitsPerComponent", DictItem::Int(bits.into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A stream printpdf writes as it is (`compress: false`: the content is
/// already encoded as its `/Filter` says).
fn external(dict: Dict, content: Vec<u8>, width: u32, height: u32) -> XObject {
    XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict,
            content,
            compress: false,
        },
        width: Some(Px(width as usize)),
        height: Some(Px(height as usize)),
        dpi: None,
    })
}

/// Reads the frame header (SOFn) of a JPEG: (width, height, components, bits).
pub(super) fn jpeg_header(data: &[u8]) -> Option<(u32, u32, u8, u8)> {
    if data.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut at = 2;
    loop {
        while *data.get(at)? != 0xFF {
            at += 1;
        }
        while *data.get(at)? == 0xFF {
            at += 1;
        }
        let marker = *data.get(at)?;
        at += 1;
        if (0xD0..=0xD9).contains(&marker) || marker == 0x01 {
            continue;
        }
        let len = usize::from(u16::from_be_bytes([*data.get(at)?, *data.get(at + 1)?]));
        let is_sof = (0xC0..=0xCF).contains(&marker) && ![0xC4, 0xC8, 0xCC].contains(&marker);
        if is_sof {
            let s = data.get(at + 2..at + 8)?;
            let height = u32::from(u16::from_be_bytes([s[1], s[2]]));
            let width = u32::from(u16::from_be_bytes([s[3], s[4]]));
            return Some((width, height, s[5], s[0]));
        }
        at += len;
    }
}

fn jpeg(data: &[u8]) -> Result<XObject, PdfError> {
    let (w, h, comps, bits) =
        jpeg_header(data).ok_or_else(|| PdfError::Image("not a readable JPEG".into()))?;
    let space = match comps {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        4 => "DeviceCMYK",
        n => return Err(PdfError::Image(format!("JPEG with {n} components"))),
    };
    let mut dict = image_dict(w, h, space, bits);
    dict.insert("Filter".into(), name("DCTDecode"));
    if comps == 4 {
        // Adobe CMYK JPEGs are stored inverted.
        let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(DictItem::Int).to_vec();
        dict.insert("Decode".into(), DictItem::Array(decode));
    }
    Ok(external(dict, data.to_vec(), w, h))
}

/// 16-bit samples, big-endian, separated into colour and alpha planes.
fn split(samples: Vec<u16>, channels: usize) -> (Vec<u8>, Option<Vec<u8>>) {
    // Gray+alpha and RGB+alpha have an even number of channels.
    let color_channels = channels - usize::from(channels.is_multiple_of(2));
    let push = |out: &mut Vec<u8>, v: u16| out.extend_from_slice(&v.to_be_bytes());
    let mut color = Vec::new();
    let mut alpha = (color_channels != channels).then(Vec::new);
    for px in samples.chunks(channels) {
        for &v in &px[..color_channels] {
            push(&mut color, v);
        }
        if let Some(a) = alpha.as_mut() {
            push(a, px[channels - 1]);
        }
    }
    (color, alpha)
}

/// Flate-compresses `data` (as lopdf does for every other stream).
fn flate(dict: &mut Dict, data: Vec<u8>) -> Vec<u8> {
    let mut s = lopdf::Stream::new(lopdf::Dictionary::new(), data);
    let _ = s.compress();
    if s.dict.has(b"Filter") {
        dict.insert("Filter".into(), name("FlateDecode"));
    }
    s.content
}

fn png(data: &[u8]) -> Result<XObject, PdfError> {
    let img = image::load_from_memory_with_format(data, image::ImageFormat::Png)
        .map_err(|e| PdfError::Image(format!("PNG: {e}")))?;
    let (w, h) = (img.width(), img.height());
    fn opaque(mut alpha: impl Iterator<Item = u8>) -> bool {
        alpha.all(|a| a == 0xFF)
    }
    // An alpha channel that is opaque everywhere is dropped.
    let (pixels, data_format) = match img {
        DynamicImage::ImageLuma8(b) => (b.into_raw(), RawImageFormat::R8),
        DynamicImage::ImageLumaA8(b) if opaque(b.pixels().map(|p| p[1])) => (
            DynamicImage::ImageLumaA8(b).into_luma8().into_raw(),
            RawImageFormat::R8,
        ),
        DynamicImage::ImageLumaA8(b) => (b.into_raw(), RawImageFormat::RG8),
        DynamicImage::ImageRgb8(b) => (b.into_raw(), RawImageFormat::RGB8),
        DynamicImage::ImageRgba8(b) if opaque(b.pixels().map(|p| p[3])) => (
            DynamicImage::ImageRgba8(b).into_rgb8().into_raw(),
            RawImageFormat::RGB8,
        ),
        DynamicImage::ImageRgba8(b) => (b.into_raw(), RawImageFormat::RGBA8),
        other => return Ok(png16(other)),
    };
    Ok(XObject::Image(RawImage {
        pixels: RawImageData::U8(pixels),
        width: w as usize,
        height: h as usize,
        data_format,
        tag: Vec::new(),
    }))
}

/// A PNG with 16-bit (or float) samples, kept at 16 bits.
fn png16(img: DynamicImage) -> XObject {
    let (w, h) = (img.width(), img.height());
    let (samples, channels): (Vec<u16>, usize) = match img {
        DynamicImage::ImageLuma16(b) => (b.into_raw(), 1),
        DynamicImage::ImageLumaA16(b) => (b.into_raw(), 2),
        DynamicImage::ImageRgb16(b) => (b.into_raw(), 3),
        other => (other.into_rgba16().into_raw(), 4),
    };
    let (color, alpha) = split(samples, channels);
    let space = if channels <= 2 {
        "DeviceGray"
    } else {
        "DeviceRGB"
    };
    let opaque = |a: &Vec<u8>| a.iter().all(|&v| v == 0xFF);
    let mut dict = image_dict(w, h, space, 16);
    if let Some(alpha) = alpha.filter(|a| !opaque(a)) {
        let mut mask = image_dict(w, h, "DeviceGray", 16);
        let content = flate(&mut mask, alpha);
        let stream = ExternalStream {
            dict: mask,
            content,
            compress: false,
        };
        dict.insert("SMask".into(), DictItem::Stream { stream });
    }
    let content = flate(&mut dict, color);
    external(dict, content, w, h)
}

/// How deep [`inline`] follows references inside a one-page PDF before
/// giving up (svg2pdf's object graph is a shallow tree).
const MAX_DEPTH: usize = 32;

/// The page of the one-page PDF `data` as a form XObject (ISO 32000-1
/// § 8.10) drawn, like an image, into the unit square: `/Matrix` scales its
/// `/BBox` (the page's MediaBox) to 1 × 1. Its resources (fonts, patterns,
/// graphics states) are copied with every reference inlined; printpdf writes
/// the nested streams back as indirect objects.
fn form(data: &[u8]) -> Result<XObject, PdfError> {
    let bad = |why: String| PdfError::Image(format!("vector drawing: {why}"));
    let doc = lopdf::Document::load_mem(data).map_err(|e| bad(e.to_string()))?;
    let page = doc
        .page_iter()
        .next()
        .ok_or_else(|| bad("no page".into()))?;
    let content = doc.get_page_content(page);
    let dict = doc.get_dictionary(page).map_err(|e| bad(e.to_string()))?;
    let media: Vec<f32> = dict
        .get(b"MediaBox")
        .and_then(lopdf::Object::as_array)
        .map_err(|e| bad(e.to_string()))?
        .iter()
        .filter_map(|o| o.as_float().ok())
        .collect();
    let [x0, y0, x1, y1] = media[..] else {
        return Err(bad("no MediaBox".into()));
    };
    let (w, h) = (x1 - x0, y1 - y0);
    if !(w > 0.0 && h > 0.0) {
        return Err(bad("an empty page".into()));
    }
    let real = |v: f32| DictItem::Real(v);
    let mut form: Dict = [
        ("Type", name("XObject")),
        ("Subtype", name("Form")),
        ("BBox", DictItem::Array([x0, y0, x1, y1].map(real).to_vec())),
        (
            "Matrix",
            DictItem::Array(
                [1.0 / w, 0.0, 0.0, 1.0 / h, -x0 / w, -y0 / h]
                    .map(real)
                    .to_vec(),
            ),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    for key in ["Resources", "Group"] {
        if let Ok(obj) = dict.get(key.as_bytes()) {
            form.insert(key.into(), inline(&doc, obj, 0)?);
        }
    }
    Ok(XObject::External(ExternalXObject {
        stream: ExternalStream {
            dict: form,
            content,
            compress: true,
        },
        width: Some(Px(w.round() as usize)),
        height: Some(Px(h.round() as usize)),
        dpi: None,
    }))
}

/// `obj` of `doc` with every reference replaced by what it points to.
fn inline(doc: &lopdf::Document, obj: &lopdf::Object, depth: usize) -> Result<DictItem, PdfError> {
    use lopdf::Object as O;
    if depth > MAX_DEPTH {
        return Err(PdfError::Image(
            "vector drawing: objects nested too deeply".into(),
        ));
    }
    let dict = |d: &lopdf::Dictionary| -> Result<Dict, PdfError> {
        d.iter()
            .filter(|(k, _)| k.as_slice() != b"Length")
            .map(|(k, v)| {
                Ok((
                    String::from_utf8_lossy(k).into_owned(),
                    inline(doc, v, depth + 1)?,
                ))
            })
            .collect()
    };
    Ok(match obj {
        O::Null => DictItem::Null,
        O::Boolean(b) => DictItem::Bool(*b),
        O::Integer(i) => DictItem::Int(*i),
        O::Real(r) => DictItem::Real(*r),
        O::Name(n) => DictItem::Name(n.clone()),
        O::String(s, f) => DictItem::String {
            data: s.clone(),
            literal: matches!(f, lopdf::StringFormat::Literal),
        },
        O::Array(items) => DictItem::Array(
            items
                .iter()
                .map(|o| inline(doc, o, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        O::Dictionary(d) => DictItem::Dict { map: dict(d)? },
        O::Stream(s) => DictItem::Stream {
            stream: ExternalStream {
                dict: dict(&s.dict)?,
                content: s.content.clone(),
                compress: false,
            },
        },
        O::Reference(id) => {
            let target = doc
                .get_object(*id)
                .map_err(|e| PdfError::Image(format!("vector drawing: {e}")))?;
            inline(doc, target, depth + 1)?
        }
    })
}
