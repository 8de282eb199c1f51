//! Choosing the theme: a preset by name, or a TOML file over a preset.
//!
//! A file names its base with `extends = "book"` (default: the document's
//! own preset); every key it leaves out keeps the base's value. Keys are
//! checked as they are read: an unknown key, a length without a unit or a
//! colour that is not `#rrggbb` is an error at its `file:line:column`.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use super::{Preset, Theme};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};

thread_local! {
    /// The preset a theme file is read over (see the section defaults).
    static BASE: Cell<Preset> = const { Cell::new(Preset::Article) };
}

/// The preset the section defaults come from.
pub(super) fn base() -> Preset {
    BASE.with(Cell::get)
}

/// What a theme name stands for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThemeName {
    /// A built-in preset.
    Preset(Preset),
    /// A theme file.
    File(PathBuf),
}

/// Reads a theme name as the user wrote it: a preset's name, else a path
/// relative to `base_dir`.
pub fn resolve_name(name: &str, base_dir: &Path) -> ThemeName {
    match Preset::ALL
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name.trim()))
    {
        Some(&(_, p)) => ThemeName::Preset(p),
        None => ThemeName::File(base_dir.join(name.trim())),
    }
}

/// The theme `name` stands for (`None`: the preset `default`); errors go
/// to `diags` with their place, and give `None`.
pub fn load(name: Option<&ThemeName>, default: Preset, diags: &mut Diagnostics) -> Option<Theme> {
    let path = match name {
        None => return Some(Theme::preset(default)),
        Some(ThemeName::Preset(p)) => return Some(Theme::preset(*p)),
        Some(ThemeName::File(path)) => path,
    };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::error(format!("cannot read the theme `{}`: {e}", path.display())).help(
                    format!("name a TOML theme file, or a preset: {}", preset_names()),
                ),
            );
            return None;
        }
    };
    let source = SourceFile::new(path.clone(), text);
    match parse(&source, default) {
        Ok(theme) => Some(theme),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

/// Parses a theme file over its base preset.
fn parse(source: &SourceFile, default: Preset) -> Result<Theme, Diagnostic> {
    let at = |e: &toml::de::Error| {
        let d = Diagnostic::error(format!(
            "theme: {}",
            e.message().trim_end_matches('\n').replace('\n', " ")
        ));
        match e.span() {
            Some(span) => d.at(source, crate::doc::Span::new(span.start, span.end)),
            None => d.in_file(&source.path),
        }
    };
    // The base first: `extends`, if the file says it.
    let table: toml::Table = toml::from_str(&source.text())
        .map_err(|e| at(&e).help("a theme is TOML: `[section]` headers and `key = value` lines"))?;
    let base = match table.get("extends") {
        None => default,
        Some(toml::Value::String(name)) => Preset::ALL
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, p)| p)
            .ok_or_else(|| {
                Diagnostic::error(format!("theme: no preset is named `{name}`"))
                    .in_file(&source.path)
                    .help(format!("`extends` names one of {}", preset_names()))
            })?,
        Some(_) => {
            return Err(
                Diagnostic::error("theme: `extends` must be a preset's name")
                    .in_file(&source.path)
                    .help(format!(
                        "write `extends = \"book\"`; presets: {}",
                        preset_names()
                    )),
            );
        }
    };
    let previous = BASE.with(|b| b.replace(base));
    let read = toml::from_str::<Theme>(&source.text());
    BASE.with(|b| b.set(previous));
    read.map_err(|e| {
        at(&e).help(
            "see the keys and units in the README (Themes); `trang theme book` prints a whole theme",
        )
    })
}

fn preset_names() -> String {
    Preset::ALL
        .iter()
        .map(|(n, _)| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
