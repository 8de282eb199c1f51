//! Compiles the bundled fonts into the binary: reads `fonts/fonts.toml` (the
//! source of truth) and writes `$OUT_DIR/bundled_fonts.rs`, the manifest's
//! text and every file it names as `include_bytes!`, so a binary copied
//! elsewhere (or installed with `cargo install`) needs no `fonts/` folder.
//!
//! Also compiles the Vietnamese word list of display lines
//! (`src/typeset/data/vi-words.txt`) into `$OUT_DIR/vi_pairs.rs`: every pair
//! of neighbouring syllables, in lower case, sorted, so that
//! `typeset::display` looks a pair up by binary search and a run pays
//! nothing to build a table (building a hash set of the 25,415 words at
//! run time cost about 76 M instructions, more than typesetting an article).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Links the `trang` binary as a position-dependent executable (`-no-pie`)
/// on Linux, unless `TRANG_PIE=1` is set when building.
///
/// A position-independent executable is loaded at a random address, so the
/// dynamic loader must patch every absolute pointer in it before `main`:
/// 105,227 relocations over the 1.8 MB `.data.rel.ro` (font tables, Unicode
/// data, vtables), a copy-on-write fault and a private copy of every page
/// they touch. Linked at a fixed address, those pages are read from the
/// file as needed and shared. On the article (median of 20 runs) this took
/// the peak RSS from 24.8 to 21.8 MiB and the wall time from 16.9 to 15.0
/// ms; on the book it changes nothing measurable.
///
/// The cost is that the executable's own code and data are not placed at a
/// random address (ASLR still places the stack, the heap, the shared
/// libraries and the mapped files). `TRANG_PIE=1 cargo build --release`
/// builds the usual PIE for a packager who wants that hardening. The
/// alternative that keeps PIE, packed relocations (`-z pack-relative-relocs`),
/// saved 2.1 MiB but no time, and needs glibc 2.36 to start (Ubuntu 22.04
/// has 2.35), so it is not used.
fn link_position_dependent() {
    println!("cargo:rerun-if-env-changed=TRANG_PIE");
    let linux = std::env::var("CARGO_CFG_TARGET_OS").is_ok_and(|os| os == "linux");
    let pie = std::env::var("TRANG_PIE").is_ok_and(|v| v == "1");
    if linux && !pie {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}

/// Has the linker place the functions a typical build runs together
/// (`src/link-order.txt`, written by `benches/link_order.py` from callgrind
/// runs), when the linker is LLD: Rust's default on x86_64 Linux since 1.90
/// (`rust-lld`), which reads the list with `--symbol-ordering-file`.
///
/// The kernel maps a binary's code in 64 KB blocks around each page fault,
/// so code spread over the 15 MB `.text` is resident memory and faults the
/// run pays for: the article's build touched 157 blocks (10 MB); with the
/// list, 15. Its peak RSS went from 21.6 to 18.7 MiB. Outputs do not
/// change. A symbol the list names that no longer exists is skipped
/// (`--no-warn-symbol-ordering`), so a stale list only loses some of the
/// gain.
///
/// Not used when another linker is configured (`CARGO_TARGET_<triple>_LINKER`,
/// `RUSTC_LINKER`, `-C linker` in the flags), which may not know the option,
/// or when `TRANG_LINK_ORDER=0` is set when building.
fn link_order(root: &Path) {
    for var in [
        "TRANG_LINK_ORDER",
        "RUSTC_LINKER",
        "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let list = root.join("src/link-order.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let lld_by_default =
        var("TARGET") == "x86_64-unknown-linux-gnu" && rustc_minor().is_some_and(|m| m >= 90);
    let other_linker = !var("RUSTC_LINKER").is_empty()
        || !var("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER").is_empty()
        || var("CARGO_ENCODED_RUSTFLAGS").contains("link");
    if lld_by_default && !other_linker && var("TRANG_LINK_ORDER") != "0" && list.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            list.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
}

/// The minor version of the compiler building trang (`$RUSTC --version`).
fn rustc_minor() -> Option<u32> {
    let rustc = std::env::var_os("RUSTC")?;
    let out = std::process::Command::new(rustc)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let version = text.split_whitespace().nth(1)?;
    version.split('.').nth(1)?.parse().ok()
}

/// Manifest keys whose values are font files.
const FILE_KEYS: [&str; 5] = ["regular", "italic", "bold", "bold_italic", "file"];

fn main() {
    link_position_dependent();
    let root = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    link_order(&root);
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
    // The names in one string, apart from the files' bytes: looking a name
    // up then reads one small block of the binary, not a page beside every
    // font it passes (the kernel maps 64 KB around each fault).
    let names: Vec<String> = files.iter().map(|f| format!("{f}\n")).collect();
    out.push_str(
        "/// The path (relative to `fonts/`) of every file the manifest names, one a line.\n",
    );
    writeln!(out, "pub static NAMES: &str = {:?};", names.concat()).unwrap();
    out.push_str("/// The bytes of each file of [`NAMES`], in its order.\n");
    out.push_str("pub static DATA: &[&[u8]] = &[\n");
    for file in &files {
        let path = dir.join(file);
        assert!(
            path.is_file(),
            "fonts.toml names {}, which does not exist",
            path.display()
        );
        println!("cargo:rerun-if-changed={}", path.display());
        writeln!(out, "    include_bytes!({:?}),", path.display().to_string()).unwrap();
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo")).join("bundled_fonts.rs");
    std::fs::write(&dest, out).unwrap_or_else(|e| panic!("cannot write {}: {e}", dest.display()));
    display_pairs(&root);
}

/// Writes `$OUT_DIR/vi_pairs.rs`: `PAIRS`, the sorted, deduplicated pairs of
/// neighbouring syllables (lower case) of every word of the word list.
fn display_pairs(root: &Path) {
    let list = root.join("src/typeset/data/vi-words.txt");
    println!("cargo:rerun-if-changed={}", list.display());
    let text = std::fs::read_to_string(&list)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", list.display()));
    let mut pairs = Vec::new();
    for line in text.lines() {
        let syllables: Vec<String> = line.split_whitespace().map(str::to_lowercase).collect();
        for w in syllables.windows(2) {
            pairs.push((w[0].clone(), w[1].clone()));
        }
    }
    pairs.sort();
    pairs.dedup();
    let mut out = String::from(
        "/// Neighbouring syllables of the words of `data/vi-words.txt`, in lower case, sorted.\n\
         pub static PAIRS: &[(&str, &str)] = &[\n",
    );
    for (a, b) in &pairs {
        writeln!(out, "    ({a:?}, {b:?}),").unwrap();
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var_os("OUT_DIR").expect("set by cargo")).join("vi_pairs.rs");
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
