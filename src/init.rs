//! `trang init [DIR]`: writes a small working book, as `mdbook init` does:
//! `book.toml`, two chapters in Vietnamese and an image, which `trang
//! build` in that folder turns into an EPUB and a PDF without a warning.
//!
//! Nothing is overwritten: when any of the files exists already, nothing is
//! written and the error names them.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;

/// The files of the new book: path in the folder, contents.
const FILES: &[(&str, &[u8])] = &[
    ("book.toml", include_bytes!("init/book.toml")),
    ("src/chuong-1.md", include_bytes!("init/chuong-1.md")),
    ("src/chuong-2.md", include_bytes!("init/chuong-2.md")),
    // Drawn for trang's tests (tests/fixtures/images/ruong.png), MIT like the code.
    ("src/hinh/ruong.png", include_bytes!("init/ruong.png")),
];

/// Writes the book into `dir` (created if needed). Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let taken: Vec<String> = FILES
        .iter()
        .map(|(name, _)| dir.join(name))
        .filter(|p| p.exists())
        .map(|p| format!("`{}`", p.display()))
        .collect();
    if !taken.is_empty() {
        return Err(Diagnostic::error(format!(
            "`{}` already holds {}; trang init writes nothing over existing files",
            dir.display(),
            taken.join(", ")
        ))
        .help("run `trang init NEW-FOLDER`, or build the book that is there with `trang build`"));
    }
    let mut written = Vec::new();
    for (name, bytes) in FILES {
        let path = dir.join(name);
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| {
                crate::output::write_all_atomic(&[(path.as_path(), bytes)]).map_err(|(_, e)| e)
            });
        if let Err(e) = result {
            return Err(
                Diagnostic::error(format!("cannot write `{}`: {e}", path.display()))
                    .help("check that the folder is writable and the disk has space"),
            );
        }
        written.push(path);
    }
    Ok(written)
}
