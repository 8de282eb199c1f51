//! Image XObjects: JPEG passed through untouched (`/DCTDecode`), PNG decoded
//! and stored losslessly (`/FlateDecode`, alpha as a soft mask).

use super::PdfError;
use crate::frame::{Image, ImageFormat};
use image::DynamicImage;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};

/// Adds an image XObject for `img` to `doc` and returns its id.
pub(crate) fn add_image(doc: &mut Document, img: &Image) -> Result<ObjectId, PdfError> {
    match img.format {
        ImageFormat::Jpeg => add_jpeg(doc, &img.data),
        ImageFormat::Png => add_png(doc, &img.data),
    }
}

fn image_dict(width: u32, height: u32, space: &str, bits: u8) -> Dictionary {
    Dictionary::from_iter([
        ("Type", Object::Name(b"XObject".to_vec())),
        ("Subtype", Object::Name(b"Image".to_vec())),
        ("Width", Object::Integer(width.into())),
        ("Height", Object::Integer(height.into())),
        ("ColorSpace", Object::Name(space.as_bytes().to_vec())),
        ("BitsPerComponent", Object::Integer(bits.into())),
    ])
}

/// Reads the frame header (SOFn) of a JPEG: (width, height, components, bits).
fn jpeg_header(data: &[u8]) -> Option<(u32, u32, u8, u8)> {
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

fn add_jpeg(doc: &mut Document, data: &[u8]) -> Result<ObjectId, PdfError> {
    let (w, h, comps, bits) =
        jpeg_header(data).ok_or_else(|| PdfError::Image("not a readable JPEG".into()))?;
    let space = match comps {
        1 => "DeviceGray",
        3 => "DeviceRGB",
        4 => "DeviceCMYK",
        n => return Err(PdfError::Image(format!("JPEG with {n} components"))),
    };
    let mut dict = image_dict(w, h, space, bits);
    dict.set("Filter", Object::Name(b"DCTDecode".to_vec()));
    if comps == 4 {
        // Adobe CMYK JPEGs are stored inverted.
        let decode = [1, 0, 1, 0, 1, 0, 1, 0].map(Object::Integer).to_vec();
        dict.set("Decode", Object::Array(decode));
    }
    Ok(doc.add_object(Stream::new(dict, data.to_vec())))
}

/// Samples of 8- or 16-bit channels, big-endian, separated into colour and
/// alpha planes.
fn split(samples: Vec<u16>, channels: usize, wide: bool) -> (Vec<u8>, Option<Vec<u8>>) {
    // Gray+alpha and RGB+alpha have an even number of channels.
    let color_channels = channels - usize::from(channels.is_multiple_of(2));
    let push = |out: &mut Vec<u8>, v: u16| {
        if wide {
            out.extend_from_slice(&v.to_be_bytes());
        } else {
            out.push(v as u8);
        }
    };
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

fn flate_stream(dict: Dictionary, data: Vec<u8>) -> Stream {
    let mut s = Stream::new(dict, data);
    let _ = s.compress();
    s
}

fn add_png(doc: &mut Document, data: &[u8]) -> Result<ObjectId, PdfError> {
    let img = image::load_from_memory_with_format(data, image::ImageFormat::Png)
        .map_err(|e| PdfError::Image(format!("PNG: {e}")))?;
    let (w, h) = (img.width(), img.height());
    let (samples, channels, wide): (Vec<u16>, usize, bool) = match img {
        DynamicImage::ImageLuma8(b) => {
            (b.into_raw().into_iter().map(u16::from).collect(), 1, false)
        }
        DynamicImage::ImageLumaA8(b) => {
            (b.into_raw().into_iter().map(u16::from).collect(), 2, false)
        }
        DynamicImage::ImageRgb8(b) => (b.into_raw().into_iter().map(u16::from).collect(), 3, false),
        DynamicImage::ImageRgba8(b) => {
            (b.into_raw().into_iter().map(u16::from).collect(), 4, false)
        }
        DynamicImage::ImageLuma16(b) => (b.into_raw(), 1, true),
        DynamicImage::ImageLumaA16(b) => (b.into_raw(), 2, true),
        DynamicImage::ImageRgb16(b) => (b.into_raw(), 3, true),
        other => (other.into_rgba16().into_raw(), 4, true),
    };
    let (color, alpha) = split(samples, channels, wide);
    let bits = if wide { 16 } else { 8 };
    let space = if channels <= 2 {
        "DeviceGray"
    } else {
        "DeviceRGB"
    };
    // An alpha channel that is opaque everywhere is dropped.
    let opaque = |a: &Vec<u8>| a.iter().all(|&v| v == 0xFF);
    let mut dict = image_dict(w, h, space, bits);
    if let Some(alpha) = alpha.filter(|a| !opaque(a)) {
        let mask = flate_stream(image_dict(w, h, "DeviceGray", bits), alpha);
        dict.set("SMask", Object::Reference(doc.add_object(mask)));
    }
    Ok(doc.add_object(flate_stream(dict, color)))
}
