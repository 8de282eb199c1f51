//! Compiles the bundled fonts into the binary: reads `fonts/fonts.toml` (the
//! source of truth) and writes `$OUT_DIR/bundled_fonts.rs`, the manifest's
//! text and every file it names as `include_bytes!`, so a binary copied
//! elsewhere (or installed with `cargo install`) needs no `fonts/` folder.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Manifest keys whose values are font files.
const FILE_KEYS: [&str; 5] = ["regular", "italic", "bold", "bold_italic", "file"];

fn main() {
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = root.join("fonts");
    let manifest = dir.join("fonts.toml");
    println!("cargo:rerun-if-changed={}", manifest.display());
    let text = std::fs::read_to_string(&manifest)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", manifest.display()));
    let table: toml::Table = text
        .parse()
        .unwrap_or_else(|e| panic!("{} is not valid TOML: {e}", manifest.display()));
    let mut files = Vec::new();
    collect(&toml::Value::Table(table), &mut files);
    files.sort();
    files.dedup();
    let mut out = String::new();
    writeln!(
        out,
        "/// The text of the bundled `fonts.toml`.\npub static MANIFEST: &str = include_str!({:?});",
        manifest.display().to_string()
    )
    .unwrap();
    out.push_str("/// Every file the manifest names: (path relative to `fonts/`, bytes).\n");
    out.push_str("pub static FILES: &[(&str, &[u8])] = &[\n");
    for file in &files {
        let path = dir.join(file);
        assert!(
            path.is_file(),
            "fonts.toml names {}, which does not exist",
            path.display()
        );
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(
            out,
            "    ({file:?}, include_bytes!({:?})),",
            path.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo")).join("bundled_fonts.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
}

/// Every string under a file key, at any depth (roles and `[[fallback]]`).
fn collect(value: &toml::Value, files: &mut Vec<String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                match v {
                    toml::Value::String(s) if FILE_KEYS.contains(&k.as_str()) => {
                        files.push(s.clone())
                    }
                    _ => collect(v, files),
                }
            }
        }
        toml::Value::Array(a) => a.iter().for_each(|v| collect(v, files)),
        _ => {}
    }
}
