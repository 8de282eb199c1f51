//! The reader's raw-HTML mapping, GFM alerts and definition lists.

use super::*;
use crate::diag::Severity;
use crate::doc::Definition;

fn read(md: &str) -> (Document, Vec<Diagnostic>) {
    let mut diags = Diagnostics::default();
    let doc = parse(
        SourceFile::new("t.md", format!("---\ntitle: T\n---\n{md}")),
        &mut diags,
    );
    (doc, diags.items)
}

fn blocks(md: &str) -> Vec<BlockKind> {
    read(md).0.blocks.into_iter().map(|b| b.kind).collect()
}

/// The inline content of the only paragraph of `md`.
fn para(md: &str) -> Vec<InlineKind> {
    match blocks(md).as_slice() {
        [BlockKind::Paragraph(c)] => c.iter().map(|i| i.kind.clone()).collect(),
        other => panic!("not one paragraph: {other:?}"),
    }
}

fn text(s: &str) -> InlineKind {
    InlineKind::Text(s.into())
}

fn inl(kind: InlineKind) -> Inline {
    Inline {
        kind,
        span: Span::default(),
    }
}

/// Inline kinds with spans cleared, for comparing nested content.
fn kinds(c: &[Inline]) -> Vec<InlineKind> {
    fn clear(i: &Inline) -> Inline {
        let kind = match &i.kind {
            InlineKind::Emphasis(c) => InlineKind::Emphasis(c.iter().map(clear).collect()),
            InlineKind::Strong(c) => InlineKind::Strong(c.iter().map(clear).collect()),
            InlineKind::Underline(c) => InlineKind::Underline(c.iter().map(clear).collect()),
            InlineKind::Link {
                url,
                title,
                content,
            } => InlineKind::Link {
                url: url.clone(),
                title: title.clone(),
                content: content.iter().map(clear).collect(),
            },
            InlineKind::Lang { lang, content } => InlineKind::Lang {
                lang: lang.clone(),
                content: content.iter().map(clear).collect(),
            },
            k => k.clone(),
        };
        inl(kind)
    }
    c.iter().map(|i| clear(i).kind).collect()
}

#[test]
fn entities_are_decoded_in_blocks_and_inline() {
    let md = "<p>T&aacute;c gi&#7843;: Tr&#7847;n &copy; &lt;b&gt; &amp;</p>\n";
    let (doc, _) = read(md);
    let [
        Block {
            kind: BlockKind::Paragraph(c),
            span,
        },
    ] = doc.blocks.as_slice()
    else {
        panic!("{:?}", doc.blocks)
    };
    assert_eq!(kinds(c), [text("Tác giả: Trần © <b> &")]);
    // Nodes from raw HTML carry the span of their HTML block.
    assert_eq!(&doc.source.text()[span.start..span.end], md);
    let p = para("Chữ <b>đậm &amp; nghiêng</b> &copy;.\n");
    assert!(matches!(&p[1], InlineKind::Strong(c) if kinds(c) == [text("đậm & nghiêng")]));
    assert_eq!(p[2], text(" ©."));
}

#[test]
fn inline_tags_nest_and_unmatched_ones_are_dropped() {
    let p = para("a <i>b <b>c</b> <u>d</u></i> e</s> <em>f\n");
    assert_eq!(p[0], text("a "));
    let InlineKind::Emphasis(c) = &p[1] else {
        panic!("{p:?}")
    };
    assert_eq!(
        kinds(c),
        [
            text("b "),
            InlineKind::Strong(vec![inl(text("c"))]),
            text(" "),
            InlineKind::Underline(vec![inl(text("d"))]),
        ]
    );
    // `</s>` closes nothing and is dropped; `<em>` still open at the
    // paragraph's end is closed there.
    assert_eq!(p[2], text(" e "));
    assert!(matches!(&p[3], InlineKind::Emphasis(c) if kinds(c) == [text("f")]));
    // A close tag closes the elements opened inside it.
    let p = para("<span lang=en>x <b>y</span> z\n");
    assert_eq!(
        kinds(&p.iter().cloned().map(inl).collect::<Vec<_>>()),
        [
            InlineKind::Lang {
                lang: "en".into(),
                content: vec![
                    inl(text("x ")),
                    inl(InlineKind::Strong(vec![inl(text("y"))]))
                ],
            },
            text(" z"),
        ]
    );
}

#[test]
fn every_mapped_inline_element_has_its_node() {
    let p = para(
        "<sup>1</sup><sub>2</sub><small>3</small><kbd>4</kbd><mark>5</mark><code>6</code>\
         <s>7</s><ins>8</ins><a href=\"https://a.vn\" title=\"t\">9</a><br><img src=\"x.png\" alt=\"ảnh\" width=\"120\" height=\"80px\">\n",
    );
    let names: Vec<String> = p
        .iter()
        .map(|k| {
            format!("{k:?}")
                .split(['(', ' '])
                .next()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        names,
        [
            "Superscript",
            "Subscript",
            "Small",
            "Kbd",
            "Mark",
            "Code",
            "Strikethrough",
            "Underline",
            "Link",
            "HardBreak",
            "Image"
        ]
    );
    assert!(
        matches!(&p[8], InlineKind::Link { url, title, .. } if url == "https://a.vn" && title == "t")
    );
    assert!(
        matches!(&p[10], InlineKind::Image { src, alt, width: Some(120), height: Some(80), .. }
        if src == "x.png" && plain_text(alt) == "ảnh")
    );
}

#[test]
fn anchors_become_targets_and_a_lone_one_joins_the_next_block() {
    let b = blocks("<a name=\"gioi-thieu\"></a>\n## Giới thiệu\n\nx <span id=\"giua\">y</span>\n");
    let BlockKind::Heading { id, content, .. } = &b[0] else {
        panic!("{b:?}")
    };
    assert_eq!(id, "gioi-thieu");
    assert_eq!(content[0].kind, InlineKind::Anchor("gioi-thieu".into()));
    assert_eq!(plain_text(content), "Giới thiệu");
    assert!(
        matches!(&b[1], BlockKind::Paragraph(c) if c[1].kind == InlineKind::Anchor("giua".into()))
    );
    // An id on a block element marks its start; on a heading it is the heading's id.
    let b = blocks("<div id=\"d\"><p>p</p></div>\n\n<h3 id=\"h\">H</h3>\n");
    assert!(
        matches!(&b[0], BlockKind::Paragraph(c) if c[0].kind == InlineKind::Anchor("d".into()))
    );
    assert!(matches!(&b[1], BlockKind::Heading { level: 3, id, .. } if id == "h"));
}

#[test]
fn white_space_collapses_as_in_html() {
    let b = blocks("<p>\n  a\n  <i>b<br>\n  </i>  c  <br>  d <br>\n</p>\n");
    let [BlockKind::Paragraph(c)] = b.as_slice() else {
        panic!("{b:?}")
    };
    assert_eq!(
        kinds(c),
        [
            text("a "),
            InlineKind::Emphasis(vec![inl(text("b")), inl(InlineKind::HardBreak)]),
            text("c"),
            InlineKind::HardBreak,
            text("d"),
        ]
    );
    // Preformatted text keeps its spaces.
    let pre = blocks("<pre class=\"language-rust\">a  b\n  c</pre>\n");
    assert!(
        matches!(&pre[..], [BlockKind::CodeBlock { lang: Some(l), text, .. }]
            if l == "rust" && text == "a  b\n  c\n"),
        "{pre:?}"
    );
}

#[test]
fn block_elements_map_to_blocks() {
    let b = blocks(
        "<center>c</center>\n\n<div align=\"right\">r</div>\n\n<p style=\"color: red; text-align: center\">s</p>\n\n<div>plain</div>\n",
    );
    let align = |k: &BlockKind| match k {
        BlockKind::Aligned { align, blocks } => Some((*align, blocks.len())),
        _ => None,
    };
    assert_eq!(align(&b[0]), Some((Align::Center, 1)));
    assert_eq!(align(&b[1]), Some((Align::Right, 1)));
    assert_eq!(align(&b[2]), Some((Align::Center, 1)));
    assert!(matches!(&b[3], BlockKind::Paragraph(c) if plain_text(c) == "plain"));

    let b = blocks(
        "<ol start=\"3\"><li>a</li><li><p>b</p><p>c</p></li></ol>\n\n<blockquote>q</blockquote>\n\n<hr>\n\n<h2>H</h2>\n",
    );
    assert!(
        matches!(&b[0], BlockKind::List { start: Some(3), tight: false, items } if items.len() == 2)
    );
    assert!(matches!(&b[1], BlockKind::BlockQuote(q) if q.len() == 1));
    assert_eq!(b[2], BlockKind::ThematicBreak);
    assert!(matches!(&b[3], BlockKind::Heading { level: 2, .. }));

    let b = blocks(
        "<table><thead><tr><th>A</th><th align=\"right\">B</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>\n",
    );
    let [
        BlockKind::Table {
            aligns,
            header,
            rows,
            ..
        },
    ] = b.as_slice()
    else {
        panic!("{b:?}")
    };
    assert_eq!(aligns, &[Align::None, Align::Right]);
    assert_eq!(header.len(), 2);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].len(), 2, "short rows are padded");

    let b = blocks(
        "<details><summary>Tóm <b>tắt</b></summary><p>x</p></details>\n\n<figure><img src=\"a.png\" alt=\"A\"><figcaption>Hình <i>1</i></figcaption></figure>\n\n<dl><dt>T</dt><dd>D1</dd><dd>D2</dd><dt>U</dt></dl>\n",
    );
    assert!(
        matches!(&b[0], BlockKind::Details { summary, blocks } if plain_text(summary) == "Tóm tắt" && blocks.len() == 1)
    );
    assert!(
        matches!(&b[1], BlockKind::Figure { image, caption } if matches!(&image.kind, InlineKind::Image { src, .. } if src == "a.png") && plain_text(caption) == "Hình 1")
    );
    let BlockKind::DefinitionList(defs) = &b[2] else {
        panic!("{b:?}")
    };
    let shape: Vec<(String, usize)> = defs
        .iter()
        .map(|d: &Definition| (plain_text(&d.term), d.details.len()))
        .collect();
    assert_eq!(shape, [("T".to_string(), 2), ("U".to_string(), 0)]);
}

#[test]
fn active_content_is_dropped_and_unknown_elements_are_one_warning() {
    let (doc, diags) = read(
        "<script>alert(1)</script>\n\nx <foo>a</foo> <bar>b</bar> <foo>c</foo> <a href=\"javascript:y()\">l</a> <b onclick=\"z()\">d</b>\n\n<foo><p>e</p></foo>\n",
    );
    let text: String = doc
        .blocks
        .iter()
        .map(|b| match &b.kind {
            BlockKind::Paragraph(c) => plain_text(c),
            k => format!("{k:?}"),
        })
        .collect::<Vec<_>>()
        .join("|");
    assert_eq!(text, "x a b c l d|e");
    let messages: Vec<&str> = diags.iter().map(|d| d.message.as_str()).collect();
    assert!(diags.iter().all(|d| d.severity == Severity::Warning));
    let script = diags
        .iter()
        .find(|d| d.message.contains("`<script>`"))
        .unwrap();
    assert_eq!(script.locations[0].line, 4, "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("javascript:")));
    assert!(messages.iter().any(|m| m.contains("onclick")));
    let unknown: Vec<&&str> = messages
        .iter()
        .filter(|m| m.contains("no equivalent"))
        .collect();
    assert_eq!(unknown.len(), 1, "{messages:?}");
    assert!(
        unknown[0].contains("`<foo>` (3×, first at t.md:6:3)")
            && unknown[0].contains("`<bar>` (1×, first at t.md:6:"),
        "{}",
        unknown[0]
    );
}

#[test]
fn gfm_alerts_are_call_outs_and_definition_lists_are_read() {
    let b = blocks(
        "> [!NOTE]\n> Ghi.\n\n> [!CAUTION]\n> Cẩn thận.\n\n> Trích.\n\nSapo\n: Mở đầu.\n: Lần hai.\n\nTít\n: Tiêu đề.\n",
    );
    assert!(
        matches!(&b[0], BlockKind::Callout { kind: CalloutKind::Note, title: None, blocks } if blocks.len() == 1)
    );
    assert!(matches!(
        &b[1],
        BlockKind::Callout {
            kind: CalloutKind::Caution,
            ..
        }
    ));
    assert!(matches!(&b[2], BlockKind::BlockQuote(_)));
    let BlockKind::DefinitionList(defs) = &b[3] else {
        panic!("{b:?}")
    };
    let shape: Vec<(String, usize)> = defs
        .iter()
        .map(|d| (plain_text(&d.term), d.details.len()))
        .collect();
    assert_eq!(shape, [("Sapo".into(), 2), ("Tít".into(), 1)]);
    assert_eq!(
        crate::words::Words::for_lang("vi").callouts[CalloutKind::Caution.index()],
        "Thận trọng"
    );
}

#[test]
fn deep_raw_html_is_flattened_not_recursed() {
    let md = format!("{}t\n", "<div><span>".repeat(2_000));
    let (doc, _) = read(&md);
    let mut found = false;
    for b in &doc.blocks {
        crate::doc::walk_block_inlines(b, &mut |i| {
            found |= matches!(&i.kind, InlineKind::Text(t) if t.contains('t'));
        });
    }
    assert!(found);
    // Inline tags nested beyond the limit are left out, their text kept.
    let md = format!("a {}b\n", "<span><i>".repeat(200));
    let (doc, diags) = read(&md);
    assert!(diags.iter().all(|d| !d.is_error()), "{diags:?}");
    assert_eq!(
        plain_text(match &doc.blocks[0].kind {
            BlockKind::Paragraph(c) => c,
            k => panic!("{k:?}"),
        }),
        "a b"
    );
}

#[test]
fn an_html_container_opened_and_closed_in_two_blocks_wraps_the_markdown_between() {
    let b = blocks(
        "<div align=\"center\">\n\n## Dự án\n\nMô tả.\n\n</div>\n\n<details>\n<summary>Chi tiết</summary>\n\n- một\n\n</details>\n\n> <div id=\"q\">\n>\n> trong\n\nsau\n",
    );
    assert!(
        matches!(&b[0], BlockKind::Aligned { align: Align::Center, blocks } if blocks.len() == 2),
        "{b:?}"
    );
    assert!(
        matches!(&b[1], BlockKind::Details { summary, blocks } if plain_text(summary) == "Chi tiết" && matches!(blocks[..], [Block { kind: BlockKind::List { .. }, .. }])),
        "{b:?}"
    );
    // Never closed: it ends with the quote that holds it.
    assert!(
        matches!(&b[2], BlockKind::BlockQuote(q) if matches!(&q[0].kind, BlockKind::Paragraph(c) if c[0].kind == InlineKind::Anchor("q".into()))),
        "{b:?}"
    );
    assert!(matches!(&b[3], BlockKind::Paragraph(c) if plain_text(c) == "sau"));
    // A stray end tag closes nothing.
    assert_eq!(blocks("a\n\n</div>\n\nb\n").len(), 2);
}

#[test]
fn prices_are_text_and_formulas_are_math() {
    // A lone `$` after a number, a `$` before a space, and pandoc's rule:
    // a closing `$` right before a digit closes nothing.
    for md in [
        "giá 50$ và 20$ nhé",
        "hoặc $20 và $30. Hết.",
        "Giá từ $5-$10 mỗi cuốn.",
        "Một đô la: \\$1.",
    ] {
        let kinds = para(md);
        assert!(
            kinds.iter().all(|k| !matches!(k, InlineKind::Math(_))),
            "{md}: {kinds:?}"
        );
        let text: String = kinds
            .iter()
            .filter_map(|k| match k {
                InlineKind::Text(t) => Some(t.as_str()),
                _ => None,
            })
            .collect();
        assert!(text.contains('$'), "{md}: {text}");
    }
    // Prices stay text without a word of warning.
    let (_, diags) = read("Giá 50$ và $5-$10, cả \\$3 và `$\\frac{1$`.");
    assert!(diags.is_empty(), "{diags:?}");
    let kinds = para("Nghiệm $x = 2$, và $y^2$.");
    assert_eq!(
        kinds
            .iter()
            .filter(|k| matches!(k, InlineKind::Math(_)))
            .count(),
        2,
        "{kinds:?}"
    );
}

/// A `$…$` or `$$…$$` whose TeX leaves a brace or an environment open is
/// not opened as a formula by pulldown-cmark; it is an error at the open
/// group, as for a ```` ```math ```` block, not TeX printed as text.
#[test]
fn a_formula_left_open_is_an_error_at_its_place() {
    let (_, diags) = read(
        "Có $\\sqrt{2$ ở đây.\n\n$$\nx = \\frac{1}{2 + y\n$$\n\n\
         $$f = \\begin{cases} 1 & x > 0$$\n",
    );
    let errors: Vec<String> = diags
        .iter()
        .filter(|d| d.is_error())
        .map(|d| format!("{d:?}"))
        .collect();
    assert_eq!(errors.len(), 3, "{errors:#?}");
    assert!(errors[0].contains("not closed"), "{}", errors[0]);
    assert!(errors[2].contains("cases"), "{}", errors[2]);
}

/// `\begin{align}…\end{align}` written without `$$` is a displayed formula,
/// as pandoc reads it, with its `\\` row breaks; not in a block quote.
#[test]
fn a_bare_display_environment_is_a_formula() {
    let kinds = blocks("Ta có\n\n\\begin{align}\nf(x) &= (x+1)^2 \\\\\n&= x^2 + 1\n\\end{align}\n");
    let [BlockKind::Paragraph(_), BlockKind::Math(f)] = kinds.as_slice() else {
        panic!("{kinds:?}");
    };
    assert_eq!(f.numbers, ["1", "2"], "{}", f.text);
    // Not a display environment, or quoted: text as before.
    for md in [
        "\\begin{itemize} x \\end{itemize}\n",
        "> \\begin{align} a &= b \\end{align}\n",
    ] {
        let kinds = blocks(md);
        assert!(
            !kinds.iter().any(|k| matches!(k, BlockKind::Math(_))),
            "{md}: {kinds:?}"
        );
    }
}
