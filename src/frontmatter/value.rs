//! Front-matter values, whatever the format they were written in: YAML
//! (`---`, Jekyll, Hugo, MkDocs, pandoc) and TOML (`+++`, Hugo) are read
//! into one small tree whose every node knows its byte offset in the file,
//! so that [`super::parse`] reads the keys once for both formats.

use saphyr::{LoadableYamlNode, MarkedYamlOwned, ScalarOwned, YamlDataOwned};

use crate::diag::SourceFile;

/// A value and the byte offset in the file where it starts.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// Byte offset in the source file.
    pub at: usize,
}

/// A front-matter value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// Nothing after the key (`title:`).
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A string, a number or a date, as text.
    Text(String),
    /// A list.
    List(Vec<Node>),
    /// A mapping (a TOML table): each key with its offset, and its value.
    Map(Vec<(String, usize, Node)>),
}

impl Value {
    /// What the value is, for messages: `a mapping`, `a list`…
    pub fn shape(&self) -> &'static str {
        match self {
            Value::Null => "empty",
            Value::Bool(_) => "true/false",
            Value::Text(_) => "a text",
            Value::List(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }

    /// The text of a scalar (a boolean as `true`/`false`).
    pub fn text(&self) -> Option<String> {
        match self {
            Value::Text(s) => Some(s.clone()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }
}

/// A parse error: the message and the byte offset in the file.
pub type ParseError = (String, usize);

/// Reads YAML text that starts at byte `start` of `source`.
pub fn yaml(source: &SourceFile, start: usize, text: &str) -> Result<Option<Node>, ParseError> {
    let (first_line, _) = source.line_col(start);
    // Byte offset in the file of a saphyr marker (1-based line, 0-based char column).
    let offset = |line: usize, col: usize| -> usize {
        let file_line = first_line + line.max(1) - 1;
        let line_text = source.line_text(file_line);
        source.line_start(file_line)
            + line_text
                .char_indices()
                .nth(col)
                .map_or(line_text.len(), |(i, _)| i)
    };
    let docs = MarkedYamlOwned::load_from_str(text).map_err(|e| {
        let m = e.marker();
        (
            format!("front matter is not valid YAML: {}", e.info()),
            offset(m.line(), m.col()),
        )
    })?;
    Ok(docs.first().map(|root| from_yaml(root, &offset)))
}

fn from_yaml(node: &MarkedYamlOwned, offset: &dyn Fn(usize, usize) -> usize) -> Node {
    let at = offset(node.span.start.line(), node.span.start.col());
    let value = match &node.data {
        YamlDataOwned::Value(ScalarOwned::Null) => Value::Null,
        YamlDataOwned::Value(ScalarOwned::Boolean(b)) => Value::Bool(*b),
        YamlDataOwned::Value(ScalarOwned::String(s)) => Value::Text(s.clone()),
        YamlDataOwned::Value(ScalarOwned::Integer(i)) => Value::Text(i.to_string()),
        YamlDataOwned::Value(ScalarOwned::FloatingPoint(f)) => Value::Text(f.to_string()),
        YamlDataOwned::Representation(s, _, _) => Value::Text(s.clone()),
        YamlDataOwned::Tagged(_, inner) => {
            return Node {
                at,
                ..from_yaml(inner, offset)
            };
        }
        YamlDataOwned::Sequence(items) => {
            Value::List(items.iter().map(|i| from_yaml(i, offset)).collect())
        }
        YamlDataOwned::Mapping(map) => Value::Map(
            map.iter()
                .map(|(k, v)| {
                    let key = from_yaml(k, offset);
                    let name = key.value.text().unwrap_or_default();
                    (name, key.at, from_yaml(v, offset))
                })
                .collect(),
        ),
        // Aliases, anchors and bad values: nothing trang can read.
        _ => Value::Null,
    };
    Node { value, at }
}

/// Reads TOML text that starts at byte `start` of the file.
pub fn toml(start: usize, text: &str) -> Result<Node, ParseError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| {
        (
            format!("front matter is not valid TOML: {}", e.message().trim()),
            start + e.span().map_or(0, |s| s.start),
        )
    })?;
    let at = start + table.span().start;
    Ok(Node {
        value: from_toml_table(table.get_ref(), start),
        at,
    })
}

fn from_toml_table(table: &toml::de::DeTable<'_>, start: usize) -> Value {
    Value::Map(
        table
            .iter()
            .map(|(k, v)| {
                (
                    k.get_ref().to_string(),
                    start + k.span().start,
                    from_toml(v, start),
                )
            })
            .collect(),
    )
}

fn from_toml(v: &toml::Spanned<toml::de::DeValue<'_>>, start: usize) -> Node {
    use toml::de::DeValue;
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Text(s.to_string()),
        DeValue::Integer(i) => Value::Text(i.as_str().to_string()),
        DeValue::Float(f) => Value::Text(f.as_str().to_string()),
        DeValue::Boolean(b) => Value::Bool(*b),
        DeValue::Datetime(d) => Value::Text(d.to_string()),
        DeValue::Array(items) => Value::List(items.iter().map(|i| from_toml(i, start)).collect()),
        DeValue::Table(t) => from_toml_table(t, start),
    };
    Node {
        value,
        at: start + v.span().start,
    }
}
