//! Raw HTML in the Markdown → well-formed, valid EPUB 3 XHTML.
//!
//! html5ever parses the fragment the way a browser would (entities decoded,
//! unclosed tags closed, misnested ones repaired); the serialiser below then
//! writes XHTML from a whitelist of elements and attributes, enforcing the
//! content models EPUBCheck validates (no block inside a paragraph, `li` only
//! in lists, …). Active content — `script`, `style`, `iframe`, `object`,
//! `embed`, `form`, event-handler attributes, `javascript:` URLs — is dropped
//! and reported; elements outside the whitelist are unwrapped (their text is
//! kept) and reported.

use super::cx::{Cx, Href};
use super::dom::{self, Data, Dom};
use super::xml;

/// Elements dropped with their content.
const DROPPED: &[&str] = &[
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "form",
    "frame",
    "frameset",
    "applet",
    "base",
    "link",
    "meta",
    "noscript",
    "template",
    "svg",
    "math",
    "video",
    "audio",
    "canvas",
    "select",
    "textarea",
    "button",
    "input",
    "title",
    "head",
    "param",
    "source",
    "track",
    "map",
    "area",
    "noembed",
    "noframes",
    "xmp",
    "plaintext",
];

/// Phrasing elements kept.
const PHRASING: &[&str] = &[
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins",
    "kbd", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
];

/// Flow (block) elements kept.
const FLOW: &[&str] = &[
    "blockquote",
    "caption",
    "col",
    "colgroup",
    "dd",
    "div",
    "dl",
    "dt",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
];

/// Elements whose content is phrasing only.
const PHRASING_CONTENT: &[&str] = &["p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "dt"];

/// Elements with no content.
const VOID: &[&str] = &["br", "hr", "img", "wbr", "col"];

/// Deeper nesting is flattened (text kept) so serialising cannot overflow the stack.
const MAX_DEPTH: usize = 200;

/// A problem found in raw HTML: a piece of source text to locate it by, and the message.
pub type Warning = (String, String);

/// Parses `html` as the content of a `context` element and returns it as
/// XHTML. `phrasing` says whether only phrasing content may appear there.
pub fn sanitize(cx: &mut Cx, html: &str, context: &str, phrasing: bool) -> (String, Vec<Warning>) {
    let dom = dom::parse_in(context, html);
    let mut ser = Ser {
        cx,
        dom: &dom,
        out: String::with_capacity(html.len() + 16),
        warnings: Vec::new(),
        in_a: false,
    };
    let parent = if phrasing { "span" } else { "div" };
    ser.children(&dom.fragment_roots(), parent, phrasing, 0);
    (ser.out, ser.warnings)
}

struct Ser<'c, 'a, 'd> {
    cx: &'c mut Cx<'a>,
    dom: &'d Dom,
    out: String,
    warnings: Vec<Warning>,
    in_a: bool,
}

impl Ser<'_, '_, '_> {
    fn warn(&mut self, needle: String, message: String) {
        if !self
            .warnings
            .iter()
            .any(|(n, m)| *n == needle && *m == message)
        {
            self.warnings.push((needle, message));
        }
    }

    fn children(&mut self, kids: &[usize], parent: &str, phrasing: bool, depth: usize) {
        let list = matches!(parent, "ul" | "ol");
        let table_part = matches!(
            parent,
            "table" | "thead" | "tbody" | "tfoot" | "tr" | "colgroup"
        );
        for &k in kids {
            let name = self.dom.local(k).to_ascii_lowercase();
            let is_text = matches!(self.dom.nodes[k].data, Data::Text(_));
            // Text in table parts is white space (the parser moves other text
            // out of tables); in lists, white space is dropped and text wrapped.
            if is_text && (table_part || (list && self.renders_nothing(k))) {
                continue;
            }
            if list && name != "li" && !self.renders_nothing(k) {
                self.out.push_str("<li>");
                self.node(k, "li", false, depth);
                self.out.push_str("</li>");
                continue;
            }
            self.node(k, parent, phrasing, depth);
        }
    }

    /// Whether `k` produces no output at all (comments, dropped elements).
    fn renders_nothing(&self, k: usize) -> bool {
        let name = self.dom.local(k).to_ascii_lowercase();
        match &self.dom.nodes[k].data {
            Data::Text(t) => t.trim().is_empty(),
            Data::Element(_) => DROPPED.contains(&name.as_str()),
            _ => true,
        }
    }

    fn node(&mut self, k: usize, parent: &str, phrasing: bool, depth: usize) {
        let node = &self.dom.nodes[k];
        let attrs = match &node.data {
            Data::Text(t) => {
                xml::push_text(&mut self.out, t);
                return;
            }
            Data::Element(attrs) => attrs,
            Data::Document | Data::Other => return,
        };
        let name = node.name.local.to_ascii_lowercase();
        let name = name.as_str();
        if DROPPED.contains(&name) {
            self.warn(
                format!("<{name}"),
                format!("raw HTML element `<{name}>` is not allowed in an EPUB and was dropped"),
            );
            return;
        }
        let kids = node.children.clone();
        if depth > MAX_DEPTH {
            self.flat_text(k);
            return;
        }
        let known = PHRASING.contains(&name) || FLOW.contains(&name);
        if !known {
            self.warn(
                format!("<{name}"),
                format!(
                    "raw HTML element `<{name}>` is not valid in EPUB 3 XHTML; its content is kept"
                ),
            );
        }
        let mut out_name = name;
        let unwrap = !known
            || (phrasing && !PHRASING.contains(&name))
            || (name == "a" && self.in_a)
            || (name == "li" && !matches!(parent, "ul" | "ol"))
            || (name == "hr" && phrasing)
            || (matches!(
                name,
                "caption" | "col" | "colgroup" | "thead" | "tbody" | "tfoot" | "tr" | "td" | "th"
            ) && !table_context(parent, name));
        if matches!(name, "dt" | "dd") && parent != "dl" {
            out_name = "div";
        }
        if name == "dl" && !self.valid_dl(&kids) {
            out_name = "div";
        }
        if unwrap {
            if name == "img" {
                let alt = attr_value(attrs, "alt").unwrap_or_default();
                xml::push_text(&mut self.out, &alt);
            }
            self.children(&kids, parent, phrasing, depth + 1);
            return;
        }
        let mut attr_text = String::new();
        if !self.attributes(name, attrs, parent, &mut attr_text) {
            // An element that cannot stand without a dropped attribute.
            if name == "img" {
                let alt = attr_value(attrs, "alt").unwrap_or_default();
                xml::push_text(&mut self.out, &alt);
            } else {
                self.children(&kids, parent, phrasing, depth + 1);
            }
            return;
        }
        self.out.push('<');
        self.out.push_str(out_name);
        self.out.push_str(&attr_text);
        if VOID.contains(&name) {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        let inner_phrasing = phrasing
            || PHRASING_CONTENT.contains(&out_name)
            || (PHRASING.contains(&name) && !matches!(name, "a" | "ins" | "del"));
        let was_in_a = self.in_a;
        self.in_a |= name == "a";
        self.children(&kids, out_name, inner_phrasing, depth + 1);
        self.in_a = was_in_a;
        self.out.push_str("</");
        self.out.push_str(out_name);
        self.out.push('>');
    }

    /// The text of `k` and its descendants, without markup (no recursion).
    fn flat_text(&mut self, k: usize) {
        let mut stack = vec![k];
        while let Some(n) = stack.pop() {
            let node = &self.dom.nodes[n];
            match &node.data {
                Data::Text(t) => xml::push_text(&mut self.out, t),
                Data::Element(_) if !DROPPED.contains(&self.dom.local(n)) => {
                    stack.extend(node.children.iter().rev())
                }
                _ => {}
            }
        }
    }

    /// A `dl` is kept only as groups of `dt`s followed by `dd`s.
    fn valid_dl(&self, kids: &[usize]) -> bool {
        let mut prev = "";
        for &k in kids {
            match (&self.dom.nodes[k].data, self.dom.local(k)) {
                (Data::Text(t), _) if t.trim().is_empty() => {}
                (Data::Other, _) => {}
                (Data::Element(_), n @ ("dt" | "dd")) => {
                    if n == "dd" && prev.is_empty() {
                        return false;
                    }
                    prev = if n == "dt" { "dt" } else { "dd" };
                }
                _ => return false,
            }
        }
        prev != "dt"
    }

    /// Writes the kept attributes; false when the element must be unwrapped.
    fn attributes(
        &mut self,
        name: &str,
        attrs: &[html5ever::Attribute],
        parent: &str,
        out: &mut String,
    ) -> bool {
        let mut has_alt = false;
        let mut has_src = false;
        let mut has_dir = false;
        for a in attrs {
            let key = a.name.local.to_string().to_ascii_lowercase();
            let value = a.value.to_string();
            if key.starts_with("on") {
                self.warn(
                    key.clone(),
                    format!("event-handler attribute `{key}` in raw HTML was dropped"),
                );
                continue;
            }
            let keep: Option<String> = match (name, key.as_str()) {
                (_, "id") => Some(self.cx.ids.sanitiser_id(&value, self.cx.file)),
                (_, "class") | (_, "title") => Some(xml::clean(&value)),
                (_, "lang") if valid_lang(&value) => Some(value),
                (_, "dir") if matches!(value.as_str(), "ltr" | "rtl" | "auto") => {
                    has_dir = true;
                    Some(value)
                }
                (_, "epub:type") if matches!(value.as_str(), "noteref" | "footnote") => Some(value),
                ("a", "role") if matches!(value.as_str(), "doc-noteref" | "doc-backlink") => {
                    Some(value)
                }
                ("a", "href") => match self.cx.href(&value) {
                    Href::Value(v) => {
                        out.push_str(&format!(" href=\"{v}\""));
                        continue;
                    }
                    Href::Script => {
                        self.warn(
                            "javascript:".into(),
                            "a `javascript:` URL in raw HTML was dropped".into(),
                        );
                        None
                    }
                    Href::Dropped(why) => {
                        self.warn(value.clone(), why);
                        None
                    }
                },
                ("blockquote" | "q" | "del" | "ins", "cite") => match self.cx.href(&value) {
                    Href::Value(v) if !v.starts_with('#') => {
                        out.push_str(&format!(" cite=\"{v}\""));
                        continue;
                    }
                    _ => None,
                },
                ("img", "src") => match self.cx.raw_image(&value) {
                    Ok(src) => {
                        has_src = true;
                        Some(src)
                    }
                    Err(why) => {
                        self.warn(value.clone(), why);
                        None
                    }
                },
                ("img", "alt") => {
                    has_alt = true;
                    Some(xml::clean(&value))
                }
                ("img", "width" | "height") if is_uint(&value) => Some(value),
                ("ol", "start") if is_int(&value) => Some(value),
                ("ol", "reversed") => Some("reversed".into()),
                ("ol", "type") if matches!(value.as_str(), "1" | "a" | "A" | "i" | "I") => {
                    Some(value)
                }
                ("li", "value") if parent == "ol" && is_int(&value) => Some(value),
                ("td" | "th", "colspan") if in_range(&value, 1, 1000) => Some(value),
                ("td" | "th", "rowspan") if in_range(&value, 0, 65534) => Some(value),
                ("th", "scope")
                    if matches!(value.as_str(), "row" | "col" | "rowgroup" | "colgroup") =>
                {
                    Some(value)
                }
                ("col" | "colgroup", "span") if in_range(&value, 1, 1000) => Some(value),
                _ => None,
            };
            if let Some(v) = keep {
                out.push_str(&format!(" {key}=\"{}\"", xml::attr(&v)));
            }
        }
        match name {
            "img" if !has_src => false,
            "img" => {
                if !has_alt {
                    out.push_str(" alt=\"\"");
                    self.cx.image_without_alt = true;
                }
                true
            }
            "bdo" => has_dir,
            _ => true,
        }
    }
}

fn table_context(parent: &str, name: &str) -> bool {
    match name {
        "caption" | "colgroup" | "thead" | "tbody" | "tfoot" => parent == "table",
        "col" => parent == "colgroup" || parent == "table",
        "tr" => matches!(parent, "table" | "thead" | "tbody" | "tfoot"),
        _ => parent == "tr",
    }
}

fn attr_value(attrs: &[html5ever::Attribute], key: &str) -> Option<String> {
    attrs
        .iter()
        .find(|a| a.name.local.to_string().eq_ignore_ascii_case(key))
        .map(|a| a.value.to_string())
}

fn is_uint(s: &str) -> bool {
    !s.is_empty() && s.len() < 9 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_int(s: &str) -> bool {
    is_uint(s.strip_prefix('-').unwrap_or(s))
}

fn in_range(s: &str, lo: u32, hi: u32) -> bool {
    is_uint(s) && s.parse::<u32>().is_ok_and(|v| (lo..=hi).contains(&v))
}

pub use crate::resolve::url::valid_lang;
