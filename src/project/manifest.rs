//! `book.toml`: mdBook's `[book]` (with trang's book keys beside mdBook's),
//! the chapter list (`chapters`, `[[book.parts]]`) and the `[trang]` options.

use crate::cli::{Paper, Sheet};
use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Meta, Span};
use crate::frontmatter::value::{self, Node, Value};

use super::{Entry, Project, normalise};

/// Reads `book.toml` into `project`. Returns whether it lists the
/// chapters, and whether it names the source folder.
pub(super) fn read_manifest(
    project: &mut Project,
    source: &SourceFile,
    diags: &mut Diagnostics,
) -> (bool, bool) {
    let here = |at: usize| Span::new(at, at);
    let root = match value::toml(0, &source.text()) {
        Ok(root) => root,
        Err((message, at)) => {
            diags.push(
                Diagnostic::error(message.replace("front matter", "book.toml"))
                    .at(source, here(at))
                    .help(
                        "book.toml is TOML: `key = \"value\"` lines under `[book]` and `[trang]`",
                    ),
            );
            return (false, false);
        }
    };
    let Value::Map(tables) = root.value else {
        return (false, false);
    };
    let mut listed = false;
    let mut src_given = false;
    for (name, _, node) in tables {
        let Value::Map(keys) = node.value else {
            continue;
        };
        match name.as_str() {
            "book" => {
                let mut meta_keys = Vec::new();
                let mut toc_given = false;
                for (key, at, node) in keys {
                    match key.as_str() {
                        "src" => match node.value.text() {
                            Some(dir) => {
                                project.src = project.root.join(dir.trim());
                                src_given = true;
                            }
                            None => {
                                diags.push(wrong(source, &node, "src", "a folder name", "\"src\""))
                            }
                        },
                        "chapters" => {
                            listed = true;
                            read_chapter_list(project, source, &node, None, diags);
                        }
                        "parts" => {
                            listed = true;
                            read_parts(project, source, &node, diags);
                        }
                        // mdBook's keys that do not concern a printed book.
                        "multilingual" | "text-direction" => {}
                        "language" => meta_keys.push(("lang".to_string(), at, node)),
                        _ => {
                            toc_given |= key == "toc";
                            meta_keys.push((key, at, node));
                        }
                    }
                }
                let meta =
                    crate::frontmatter::read_map(source, meta_keys, "book.toml [book]", diags);
                project.meta = Meta {
                    toc: if toc_given { meta.toc } else { true },
                    ..meta
                };
            }
            "trang" => read_options(project, source, keys, diags),
            // mdBook's other tables (output, preprocessor, build, rust) are its own.
            _ => {}
        }
    }
    (listed, src_given)
}

/// An error for a key whose value has the wrong shape.
fn wrong(source: &SourceFile, node: &Node, key: &str, expected: &str, example: &str) -> Diagnostic {
    Diagnostic::error(format!(
        "`{key}` in book.toml must be {expected}, found {}",
        node.value.shape()
    ))
    .at(source, Span::new(node.at, node.at))
    .help(format!("e.g. `{key} = {example}`"))
}

/// `chapters = ["a.md", …]` (of the book, or of part `part`).
fn read_chapter_list(
    project: &mut Project,
    source: &SourceFile,
    node: &Node,
    part: Option<usize>,
    diags: &mut Diagnostics,
) {
    let Value::List(items) = &node.value else {
        diags.push(wrong(
            source,
            node,
            "chapters",
            "a list of file names",
            "[\"chuong-1.md\", \"chuong-2.md\"]",
        ));
        return;
    };
    project.listed_in = source.path.display().to_string();
    for item in items {
        match item.value.text().filter(|t| !t.trim().is_empty()) {
            Some(file) => project.entries.push(Entry {
                file: normalise(file.trim()),
                title: None,
                depth: 0,
                part,
                listed_at: Some(source.location(item.at)),
            }),
            None => diags.push(wrong(
                source,
                item,
                "chapters",
                "a list of file names",
                "[\"chuong-1.md\"]",
            )),
        }
    }
}

/// `[[book.parts]]`: `title` and `chapters` each.
fn read_parts(project: &mut Project, source: &SourceFile, node: &Node, diags: &mut Diagnostics) {
    let Value::List(parts) = &node.value else {
        diags.push(wrong(source, node, "parts", "tables `[[book.parts]]`", "…"));
        return;
    };
    for p in parts {
        let Value::Map(keys) = &p.value else {
            diags.push(wrong(source, p, "parts", "tables `[[book.parts]]`", "…"));
            continue;
        };
        let title = keys
            .iter()
            .find(|(k, _, _)| k == "title")
            .and_then(|(_, _, v)| v.value.text())
            .map(|t| crate::markdown::nfc(t.trim()))
            .filter(|t| !t.is_empty());
        let part = title.map(|t| {
            project.parts.push(t);
            project.parts.len() - 1
        });
        match keys.iter().find(|(k, _, _)| k == "chapters") {
            Some((_, _, list)) => read_chapter_list(project, source, list, part, diags),
            None => diags.push(
                Diagnostic::error("a part in book.toml lists no `chapters`")
                    .at(source, Span::new(p.at, p.at))
                    .help("give each `[[book.parts]]` its files: `chapters = [\"chuong-1.md\"]`"),
            ),
        }
    }
}

/// `[trang]`: the build options.
fn read_options(
    project: &mut Project,
    source: &SourceFile,
    keys: Vec<(String, usize, Node)>,
    diags: &mut Diagnostics,
) {
    use clap::ValueEnum;
    let o = &mut project.options;
    for (key, at, node) in keys {
        let text = node.value.text().map(|t| t.trim().to_string());
        let bool_of = |v: &Value| match v {
            Value::Bool(b) => Some(*b),
            _ => None,
        };
        let ok = match key.as_str() {
            "paper" => text
                .as_deref()
                .and_then(|t| Paper::from_str(t, true).ok())
                .map(|p| o.paper = Some(p))
                .ok_or("one of \"a4\", \"a5\", \"letter\", \"statement\""),
            "sheet" => text
                .as_deref()
                .and_then(|t| Sheet::from_str(t, true).ok())
                .map(|p| o.sheet = Some(p))
                .ok_or("one of \"a4\", \"a3\", \"letter\", \"tabloid\""),
            "duplex" => bool_of(&node.value)
                .map(|b| o.duplex = Some(b))
                .ok_or("true or false"),
            "booklet" => bool_of(&node.value)
                .map(|b| o.booklet = Some(b))
                .ok_or("true or false"),
            "marks" => bool_of(&node.value)
                .map(|b| o.marks = Some(b))
                .ok_or("true or false"),
            "signature" => text
                .as_deref()
                .and_then(|t| t.parse().ok())
                .map(|s| o.signature = Some(s))
                .ok_or("a number of sheets per gathering, or \"all\""),
            "creep" => text
                .as_deref()
                .and_then(|t| crate::impose::parse_creep(t).ok())
                .map(|c| o.creep = Some(c))
                .ok_or("millimetres from 0 to 10"),
            "columns" => text
                .as_deref()
                .and_then(|t| t.parse::<u8>().ok())
                .filter(|c| (1..=2).contains(c))
                .map(|c| o.columns = Some(c))
                .ok_or("1 or 2"),
            "fonts" => text
                .filter(|t| !t.is_empty())
                .map(|t| o.fonts = Some(project.root.join(t)))
                .ok_or("a folder name"),
            "theme" => text
                .filter(|t| !t.is_empty())
                .map(|t| o.theme = Some(crate::theme::resolve_name(&t, &project.root)))
                .ok_or("a preset's name or a theme file"),
            "pdf_standard" => {
                let joined = match &node.value {
                    Value::List(items) => Some(
                        items
                            .iter()
                            .filter_map(|i| i.value.text())
                            .collect::<Vec<_>>()
                            .join(","),
                    ),
                    _ => text.clone(),
                };
                match joined.as_deref().map(crate::pdf::Standards::parse) {
                    Some(Ok(s)) => {
                        o.pdf_standard = Some(s);
                        Ok(())
                    }
                    Some(Err(why)) => {
                        diags.push(
                            Diagnostic::error(format!("`pdf_standard` in [trang]: {why}"))
                                .at(source, Span::new(node.at, node.at))
                                .help("e.g. `pdf_standard = \"a-2u,ua-1\"`"),
                        );
                        Ok(())
                    }
                    None => Err("a comma list of ua-1, a-2b, a-2u, a-3u"),
                }
            }
            "output" => text
                .filter(|t| !t.is_empty() && !t.contains(['/', '\\']))
                .map(|t| o.output = Some(t))
                .ok_or("a file name without a folder"),
            _ => {
                diags.push(
                    Diagnostic::warning(format!(
                        "unknown book.toml key `{key}` in [trang] is ignored"
                    ))
                    .at(source, Span::new(at, at))
                    .help("[trang] reads paper, duplex, columns, fonts, theme, output, booklet, sheet, signature, creep, marks, pdf_standard"),
                );
                Ok(())
            }
        };
        if let Err(expected) = ok {
            diags.push(
                Diagnostic::error(format!(
                    "`{key}` in [trang] must be {expected}, found `{}`",
                    node.value
                        .text()
                        .unwrap_or_else(|| node.value.shape().to_string())
                ))
                .at(source, Span::new(node.at, node.at))
                .help(format!("e.g. `{key} = {}`", example(&key))),
            );
        }
    }
}

fn example(key: &str) -> &'static str {
    match key {
        "paper" => "\"a5\"",
        "sheet" => "\"a4\"",
        "duplex" | "booklet" | "marks" => "true",
        "signature" => "8",
        "creep" => "0.5",
        "columns" => "1",
        "fonts" => "\"fonts\"",
        "theme" => "\"book\"",
        "pdf_standard" => "\"a-2u,ua-1\"",
        _ => "\"ten-sach\"",
    }
}
