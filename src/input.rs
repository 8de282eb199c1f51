//! Reading inputs: files to text (UTF-8 checked, BOM and CRLF accepted),
//! the default input set and the build date. Images are read by
//! [`crate::resolve::assets`].
//! Outputs are written by [`crate::output`].

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::Document;

/// Reads a Markdown file: a clear error for a missing file, a folder, an
/// unreadable file or invalid UTF-8 (with byte offset, line and column).
/// A UTF-8 byte-order mark is dropped and CRLF/CR line ends become LF.
pub fn read_source(path: &Path) -> Result<SourceFile, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        let what = if e.kind() == std::io::ErrorKind::NotFound {
            "does not exist".to_string()
        } else {
            format!("cannot be read: {e}")
        };
        Diagnostic::error(format!("input `{}` {what}", path.display()))
            .help("check the path; `trang build` without INPUT builds every *.md in source/")
    })?;
    if meta.is_dir() {
        return Err(Diagnostic::error(format!(
            "input `{}` is a folder, not a Markdown file",
            path.display()
        ))
        .help(format!(
            "name the files inside it, e.g. `trang build {}/*.md`",
            path.display()
        )));
    }
    if !meta.is_file() {
        // A FIFO would block the build and a device such as /dev/zero never ends.
        return Err(Diagnostic::error(format!(
            "input `{}` is not a regular file (a pipe, socket or device)",
            path.display()
        ))
        .help("save the Markdown to a file and build that file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(format!("input `{}` cannot be read: {e}", path.display()))
            .help("check the file's permissions")
    })?;
    decode_source(path, bytes)
}

/// Turns the bytes of the Markdown file `path` into its text, as
/// [`read_source`] does after reading: invalid UTF-8 is an error with byte
/// offset, line and column; a byte-order mark is dropped, CRLF/CR become LF.
pub fn decode_source(path: &Path, bytes: Vec<u8>) -> Result<SourceFile, Diagnostic> {
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let bytes = e.as_bytes();
            let at = e.utf8_error().valid_up_to();
            let before = &bytes[..at];
            let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let col = String::from_utf8_lossy(&bytes[line_start..at])
                .chars()
                .count()
                + 1;
            let line_end = bytes[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(bytes.len(), |i| at + i);
            let place = crate::diag::Location {
                path: path.to_path_buf(),
                line,
                col,
                line_text: Some(String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned()),
            };
            return Err(Diagnostic::error(format!(
                "input `{}` is not valid UTF-8: byte 0x{:02X} at offset {at} (line {line}, column {col})",
                path.display(),
                bytes[at]
            ))
            .at_location(place)
            .help("save the file as UTF-8 (e.g. `iconv -f WINDOWS-1258 -t UTF-8`)"));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(&text);
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    };
    Ok(SourceFile::new(path, text))
}

/// The inputs to use when none are named: every `*.md` directly in `source/`,
/// sorted by name.
pub fn default_inputs() -> Result<Vec<PathBuf>, Diagnostic> {
    let dir = Path::new("source");
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(format!(
            "no INPUT given, and here is neither a book.toml nor a `source/` folder ({e})"
        ))
        .help(
            "name a Markdown file or a book folder, e.g. `trang build article.md`; `trang init` starts a book here",
        )
    })?;
    let mut inputs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
        .collect();
    inputs.sort();
    if inputs.is_empty() {
        return Err(
            Diagnostic::error("no INPUT given and `source/` holds no *.md file")
                .help("name a Markdown file, e.g. `trang build article.md`"),
        );
    }
    Ok(inputs)
}

/// The build's timestamp (Unix seconds): `SOURCE_DATE_EPOCH`, else the
/// front-matter date, else the source file's modification time — never the
/// wall clock, so the same input gives the same bytes.
pub fn build_epoch(doc: &Document, diags: &mut Diagnostics) -> i64 {
    if let Ok(v) = std::env::var("SOURCE_DATE_EPOCH") {
        match v.trim().parse::<i64>() {
            Ok(secs) if secs >= 0 => return secs,
            _ => diags.push(
                Diagnostic::warning(format!("SOURCE_DATE_EPOCH=`{v}` is not a whole number of seconds; ignored"))
                    .help("set it to a Unix timestamp, e.g. `SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)`"),
            ),
        }
    }
    if let Some(date) = doc.meta.date {
        return date.unix_seconds();
    }
    std::fs::metadata(&doc.source.path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_secs() as i64)
}

/// The folder relative paths in `doc` are resolved against.
pub fn base_dir(doc: &Document) -> PathBuf {
    doc.source.base_dir()
}

/// Whether an image reference is remote (never fetched).
pub fn is_remote(src: &str) -> bool {
    let lower = src.to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("//")
}

pub use crate::resolve::url::percent_decode;

pub use crate::resolve::assets::MAX_IMAGE_PIXELS;
