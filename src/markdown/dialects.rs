//! The Markdown dialects people write, beyond what pulldown-cmark's options
//! read (`^sup^` and `~sub~` between words, `{#id .class}` on headings are
//! its options, see [`super::options`]):
//!
//! - **MkDocs / Material admonitions**: before parsing, in
//!   [`super::admonitions`];
//! - After parsing, over the text of the document ([`inlines_pass`]):
//!   **wikilinks** (Obsidian: `[[Trang]]`, `[[Trang|nhãn]]`,
//!   `[[Trang#Mục]]`) as links to the id of the heading named (`#trang`,
//!   `#muc`): the resolve stage keeps the link when the book has that
//!   heading and otherwise keeps the text, with the grouped warning of
//!   unresolved links; `~sub~` and `^sup^` inside a word (`H~2~O`);
//!   **pandoc attributes on images** (`![a](x.png){width=30%}`), **bare
//!   URLs** and `www.` addresses as links (GitHub's extended autolinks,
//!   found by `linkify`, which leaves out trailing punctuation as GitHub
//!   does; never inside code or inside a link), and **template tags** of
//!   site generators (`{% … %}` Jekyll/Liquid, `{{< … >}}` and `{{% … %}}`
//!   Hugo shortcodes) left out with one grouped warning; code spans and
//!   code blocks are not text here, so tags there are kept.

use crate::diag::{Diagnostic, Diagnostics, SourceFile};
use crate::doc::{Block, BlockKind, Footnote, Inline, InlineKind, Span};

/// The URL of a wikilink's target: the id of the heading it names (the
/// part after `#` when there is one, else the page's name).
pub fn wikilink_url(dest: &str) -> String {
    let name = match dest.split_once('#') {
        Some((_, section)) if !section.trim().is_empty() => section,
        Some((page, _)) => page,
        None => dest,
    };
    format!("#{}", super::slug(name.trim()))
}

/// Reads pandoc attributes, image attributes, bare URLs and template tags
/// in every text of the document (see the module documentation).
pub fn inlines_pass(
    blocks: &mut Vec<Block>,
    footnotes: &mut [Footnote],
    source: &SourceFile,
    diags: &mut Diagnostics,
) {
    let mut cx = Cx {
        source,
        diags,
        finder: {
            let mut f = linkify::LinkFinder::new();
            f.url_must_have_scheme(false);
            f.kinds(&[linkify::LinkKind::Url]);
            f
        },
    };
    block_list(blocks, &mut cx);
    for f in footnotes {
        block_list(&mut f.blocks, &mut cx);
    }
}

struct Cx<'a> {
    source: &'a SourceFile,
    diags: &'a mut Diagnostics,
    finder: linkify::LinkFinder,
}

/// Whether a paragraph's content shows nothing.
fn blank(c: &[Inline]) -> bool {
    c.iter().all(|i| match &i.kind {
        InlineKind::Text(t) => t.trim().is_empty(),
        InlineKind::SoftBreak | InlineKind::HardBreak => true,
        _ => false,
    })
}

fn block_list(list: &mut Vec<Block>, cx: &mut Cx) {
    list.retain_mut(|b| {
        match &mut b.kind {
            BlockKind::Paragraph(c) => {
                let was_blank = blank(c);
                inlines(c, false, cx);
                // A paragraph that held only template tags is left out.
                return was_blank || !blank(c);
            }
            BlockKind::Heading { content, .. } => inlines(content, false, cx),
            BlockKind::BlockQuote(bs)
            | BlockKind::Aligned { blocks: bs, .. }
            | BlockKind::Callout { blocks: bs, .. } => block_list(bs, cx),
            BlockKind::Details { summary, blocks } => {
                inlines(summary, false, cx);
                block_list(blocks, cx);
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    block_list(&mut item.blocks, cx);
                }
            }
            BlockKind::DefinitionList(defs) => {
                for def in defs {
                    inlines(&mut def.term, false, cx);
                    for d in &mut def.details {
                        block_list(d, cx);
                    }
                }
            }
            kind @ BlockKind::Table { .. } => {
                for cell in kind.table_inlines_mut() {
                    inlines(cell, false, cx);
                }
            }
            BlockKind::Figure { caption, .. } => inlines(caption, false, cx),
            _ => {}
        }
        true
    });
}

/// The source offset of byte `i` of `text`, an inline's text at `span`:
/// exact when the text is the source as written, else the span's start.
fn offset_of(source: &SourceFile, span: Span, text: &str, i: usize) -> usize {
    match source.piece(span.start..span.end) {
        Some(s) if s == text => span.start + i,
        _ => span.start,
    }
}

fn inlines(list: &mut Vec<Inline>, in_link: bool, cx: &mut Cx) {
    let mut i = 0;
    while i < list.len() {
        if matches!(list[i].kind, InlineKind::Image { .. }) {
            image_attributes(list, i, cx);
        }
        let span = list[i].span;
        match &mut list[i].kind {
            InlineKind::Text(t) => {
                let pieces = text(t, span, in_link, cx);
                if let Some(pieces) = pieces {
                    let n = pieces.len();
                    list.splice(i..=i, pieces);
                    i += n;
                    continue;
                }
            }
            InlineKind::Link { content, .. } => inlines(content, true, cx),
            // The alternative text is not shown as text with links.
            InlineKind::Image { .. } => {}
            k => {
                if let Some(children) = k.children_mut() {
                    inlines(children, in_link, cx);
                }
            }
        }
        i += 1;
    }
}

/// The template tags and bare URLs of one text, as the inlines replacing
/// it (`None` when there is nothing to change).
fn text(t: &str, span: Span, in_link: bool, cx: &mut Cx) -> Option<Vec<Inline>> {
    let kept = strip_template_tags(t, span, cx);
    let t = kept.as_deref().unwrap_or(t);
    let links: Vec<linkify::Link> = if in_link {
        Vec::new()
    } else {
        cx.finder
            .links(t)
            .filter(|l| {
                let s = l.as_str().to_ascii_lowercase();
                s.starts_with("http://") || s.starts_with("https://") || s.starts_with("www.")
            })
            .collect()
    };
    if kept.is_none() && links.is_empty() && specials(t, in_link).is_empty() {
        return None;
    }
    let at = |i: usize| {
        if kept.is_some() {
            span.start
        } else {
            offset_of(cx.source, span, t, i)
        }
    };
    let text_node = |s: &str, a: usize, b: usize| Inline {
        kind: InlineKind::Text(s.to_string()),
        span: Span::new(at(a), at(b).max(at(a))),
    };
    let mut out = Vec::new();
    let mut pos = 0;
    let gap = |out: &mut Vec<Inline>, a: usize, b: usize| {
        let mut from = a;
        for (s, e, special) in specials(&t[a..b], in_link) {
            let (s, e) = (a + s, a + e);
            if s > from {
                out.push(text_node(&t[from..s], from, s));
            }
            let kind = match special {
                Special::Sup => {
                    InlineKind::Superscript(vec![text_node(&t[s + 1..e - 1], s + 1, e - 1)])
                }
                Special::Sub => {
                    InlineKind::Subscript(vec![text_node(&t[s + 1..e - 1], s + 1, e - 1)])
                }
                Special::Wiki => {
                    let inner = &t[s + 2..e - 2];
                    // Shown as Obsidian shows it: the label, else
                    // `Trang > Mục` for a section of a page.
                    let label = match inner.split_once('|') {
                        Some((_, label)) => label.to_string(),
                        None => match inner.split_once('#') {
                            Some((page, section)) if !page.trim().is_empty() => {
                                format!("{} > {}", page.trim(), section.trim())
                            }
                            Some((_, section)) => section.to_string(),
                            None => inner.to_string(),
                        },
                    };
                    let target = inner.split_once('|').map_or(inner, |(t, _)| t);
                    InlineKind::Link {
                        url: wikilink_url(target),
                        title: String::new(),
                        content: vec![text_node(label.trim(), s + 2, e - 2)],
                    }
                }
            };
            out.push(Inline {
                kind,
                span: Span::new(at(s), at(e)),
            });
            from = e;
        }
        if from < b {
            out.push(text_node(&t[from..b], from, b));
        }
    };
    for l in links {
        gap(&mut out, pos, l.start());
        let s = l.as_str();
        let url = if s.to_ascii_lowercase().starts_with("www.") {
            format!("http://{s}")
        } else {
            s.to_string()
        };
        out.push(Inline {
            kind: InlineKind::Link {
                url,
                title: String::new(),
                content: vec![text_node(s, l.start(), l.end())],
            },
            span: Span::new(at(l.start()), at(l.end())),
        });
        pos = l.end();
    }
    gap(&mut out, pos, t.len());
    if out.is_empty() {
        out.push(text_node("", 0, 0));
    }
    Some(out)
}

/// What [`specials`] finds in a text.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Special {
    Sub,
    Sup,
    Wiki,
}

/// The wikilinks (`[[…]]`, not inside a link) and the sub/superscripts of
/// `t`: (start, end, what), delimiters included, in order.
fn specials(t: &str, in_link: bool) -> Vec<(usize, usize, Special)> {
    let mut out = Vec::new();
    let mut from = 0;
    let add_between = |out: &mut Vec<_>, a: usize, b: usize| {
        out.extend(
            sub_sup(&t[a..b])
                .into_iter()
                .map(|(s, e, sup)| (a + s, a + e, if sup { Special::Sup } else { Special::Sub })),
        );
    };
    while !in_link && let Some(s) = t[from..].find("[[").map(|i| from + i) {
        let inner_start = s + 2;
        let Some(len) = t[inner_start..].find("]]") else {
            break;
        };
        let inner = &t[inner_start..inner_start + len];
        let end = inner_start + len + 2;
        // `![[…]]` is an Obsidian embed, and `[[foo]]: /url` at the start
        // reads as a reference definition (CommonMark example 592): text.
        let embed = t[..s].ends_with('!');
        let definition = s == 0 && t[end..].starts_with(':');
        if inner.trim().is_empty() || inner.contains(['[', ']', '\n']) || embed || definition {
            add_between(&mut out, from, inner_start);
            from = inner_start;
            continue;
        }
        add_between(&mut out, from, s);
        out.push((s, inner_start + len + 2, Special::Wiki));
        from = inner_start + len + 2;
    }
    add_between(&mut out, from, t.len());
    out
}

/// Pandoc's `~sub~` and `^sup^` inside a word (`H~2~O`, `2^10^`), which
/// pulldown-cmark leaves as text (it reads them only between word
/// boundaries): each as (start, end, is superscript), delimiters included.
/// The content is not empty and holds no white space, as in pandoc.
fn sub_sup(t: &str) -> Vec<(usize, usize, bool)> {
    let b = t.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if (c == b'~' || c == b'^') && (i == 0 || b[i - 1] != c) {
            let inner_end = t[i + 1..]
                .find(|x: char| x as u32 == u32::from(c) || x.is_whitespace())
                .map(|k| i + 1 + k);
            if let Some(j) = inner_end
                && j > i + 1
                && b[j] == c
                && b.get(j + 1) != Some(&c)
            {
                out.push((i, j + 1, c == b'^'));
                i = j + 1;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// `t` without its template tags (`None` when it has none); each tag left
/// out is reported.
fn strip_template_tags(t: &str, span: Span, cx: &mut Cx) -> Option<String> {
    // mdBook's `{{#include}}`, `{{#title}}` outside code blocks too (those in
    // code blocks are expanded by the book project).
    const TAGS: [(&str, &str); 4] = [("{{<", ">}}"), ("{{%", "%}}"), ("{{#", "}}"), ("{%", "%}")];
    let mut out = String::new();
    let mut pos = 0;
    let mut found = false;
    loop {
        let next = TAGS
            .iter()
            .filter_map(|(open, close)| {
                let s = pos + t[pos..].find(open)?;
                let e = s + open.len() + t[s + open.len()..].find(close)? + close.len();
                Some((s, e))
            })
            .min();
        let Some((s, e)) = next else { break };
        found = true;
        out.push_str(&t[pos..s]);
        let tag = &t[s..e];
        let at = match cx.source.piece(span.start..span.end) {
            Some(src) if src == t => span.start + s,
            Some(src) => src.find(tag).map_or(span.start, |i| span.start + i),
            None => span.start,
        };
        let shown: String = tag.chars().take(60).collect();
        cx.diags.push(
            Diagnostic::warning(format!(
                "template tag `{shown}` of a site generator is left out"
            ))
            .at(cx.source, Span::new(at, at))
            .repeats(
                "template-tag",
                "template tags of site generators (Jekyll, Hugo, mdBook) are left out",
                format!("`{shown}`"),
            )
            .help("a tag is filled in by the site generator, not by trang; write its result in Markdown to keep it"),
        );
        pos = e;
    }
    found.then(|| {
        out.push_str(&t[pos..]);
        out
    })
}

/// Pandoc's attributes after the image at `i` (`{width=30%}`, `{#id
/// .class height=2cm}`): read into the image and taken out of the text.
fn image_attributes(list: &mut Vec<Inline>, i: usize, cx: &mut Cx) {
    let Some(Inline {
        kind: InlineKind::Text(next),
        span: next_span,
    }) = list.get(i + 1)
    else {
        return;
    };
    let Some(body) = next.strip_prefix('{') else {
        return;
    };
    let Some(close) = body.find('}') else { return };
    let Some(attrs) = parse_attributes(&body[..close]) else {
        return;
    };
    let len = close + 2;
    let at = next_span.start;
    let InlineKind::Image {
        width,
        height,
        scale,
        ..
    } = &mut list[i].kind
    else {
        return;
    };
    for (key, value) in attrs {
        let size = parse_length(&value);
        match (key.as_str(), size) {
            ("width", Some(Length::Fraction(f))) => *scale = Some(f),
            ("width", Some(Length::Px(px))) => *width = Some(px),
            ("height", Some(Length::Px(px))) => *height = Some(px),
            ("width" | "height", _) => cx.diags.push(
                Diagnostic::warning(format!("image {key} `{value}` is not a size trang reads; ignored"))
                    .at(cx.source, Span::new(at, at))
                    .help("give a width in % of the line, or a length in px, cm, mm, in or pt (a height in %: no reference in print)"),
            ),
            _ => {}
        }
    }
    list[i].span.end = at + len;
    if let InlineKind::Text(next) = &mut list[i + 1].kind {
        next.drain(..len);
        if next.is_empty() {
            // The image alone in its paragraph stays a figure.
            list.remove(i + 1);
        } else {
            list[i + 1].span.start = (list[i + 1].span.start + len).min(list[i + 1].span.end);
        }
    }
}

/// `#id .class key=value key="value"` → the key/value pairs; `None` when
/// the braces hold something else.
fn parse_attributes(s: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix(['#', '.']) {
            let end = r.find(char::is_whitespace).unwrap_or(r.len());
            if end == 0 {
                return None;
            }
            rest = r[end..].trim_start();
            continue;
        }
        let eq = rest.find('=')?;
        let key = &rest[..eq];
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return None;
        }
        let r = &rest[eq + 1..];
        // Quotes, straight or made curly by smart punctuation.
        let (value, after) = match r.chars().next() {
            Some(q @ ('"' | '“' | '\'' | '‘')) => {
                let closing: &[char] = match q {
                    '"' | '“' => &['"', '”'],
                    _ => &['\'', '’'],
                };
                let inner = &r[q.len_utf8()..];
                let e = inner.find(closing)?;
                let c = inner[e..].chars().next()?.len_utf8();
                (&inner[..e], &inner[e + c..])
            }
            _ => {
                let e = r.find(char::is_whitespace).unwrap_or(r.len());
                (&r[..e], &r[e..])
            }
        };
        out.push((key.to_ascii_lowercase(), value.to_string()));
        rest = after.trim_start();
    }
    Some(out)
}

/// A size in pandoc's image attributes.
#[derive(Debug, PartialEq)]
enum Length {
    /// A share of the line's width (`30%` → 0.3).
    Fraction(f32),
    /// CSS px (1/96 in).
    Px(u32),
}

/// `30%`, `300`, `300px`, `5cm`, `50mm`, `2in`, `72pt` (pandoc's units; a
/// bare number is px, as in pandoc).
fn parse_length(v: &str) -> Option<Length> {
    let v = v.trim();
    let split = v
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(v.len());
    let n: f32 = v[..split].parse().ok().filter(|n: &f32| *n > 0.0)?;
    let px_per = match &v[split..] {
        "%" => return Some(Length::Fraction((n / 100.0).min(1.0))),
        "" | "px" => 1.0,
        "cm" => 96.0 / 2.54,
        "mm" => 96.0 / 25.4,
        "in" => 96.0,
        "pt" => 96.0 / 72.0,
        _ => return None,
    };
    Some(Length::Px((n * px_per).round().max(1.0) as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_attributes() {
        assert_eq!(parse_length("30%"), Some(Length::Fraction(0.3)));
        assert_eq!(parse_length("2.54cm"), Some(Length::Px(96)));
        assert_eq!(parse_length("72pt"), Some(Length::Px(96)));
        assert_eq!(parse_length("300"), Some(Length::Px(300)));
        assert_eq!(parse_length("3em"), None);
        assert_eq!(
            parse_attributes("#id .c width=“50%” height=2in"),
            Some(vec![
                ("width".into(), "50%".into()),
                ("height".into(), "2in".into())
            ])
        );
        assert_eq!(parse_attributes("not attributes"), None);
        assert_eq!(wikilink_url("Trang chính"), "#trang-chinh");
        assert_eq!(sub_sup("H~2~O, a^2^"), [(1, 4, false), (8, 11, true)]);
        assert!(sub_sup("~~x~~ ~a b~ ~~ ^^").is_empty());
        assert_eq!(
            specials("Xem [[Trang|nhãn]] và H~2~O, [[ ]]", false),
            [(4, 19, Special::Wiki), (25, 28, Special::Sub)]
        );
        assert!(specials("[[Trang]]", true).is_empty());
        // An embed, and what reads as a reference definition, stay text.
        assert!(specials("![[anh.png]] xem", false).is_empty());
        assert!(specials("[[foo]]: /url", false).is_empty());
        assert_eq!(wikilink_url("Trang#Mục riêng"), "#muc-rieng");
    }
}
