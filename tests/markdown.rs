//! Markdown → document model, construct by construct (tests/fixtures/constructs.md).

use trang::diag::{Diagnostics, SourceFile};
use trang::doc::{Align, Block, BlockKind, Document, InlineKind, plain_text, walk_block_inlines};
use trang::markdown;

fn parse(text: &str) -> (Document, Diagnostics) {
    let mut diags = Diagnostics::default();
    let doc = markdown::parse(SourceFile::new("t.md", text), &mut diags);
    (doc, diags)
}

fn fixture() -> Document {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/constructs.md");
    let text = std::fs::read_to_string(path).unwrap();
    let mut diags = Diagnostics::default();
    let doc = markdown::parse(SourceFile::new(path, text), &mut diags);
    assert!(!diags.has_errors(), "{:?}", diags.items);
    doc
}

fn inline_kinds(doc: &Document) -> Vec<String> {
    let mut kinds = Vec::new();
    for b in &doc.blocks {
        walk_block_inlines(b, &mut |i| {
            let name = format!("{:?}", i.kind);
            kinds.push(name.split(['(', ' ']).next().unwrap().to_string());
        });
    }
    kinds
}

#[test]
fn front_matter_is_typed() {
    let doc = fixture();
    let m = &doc.meta;
    assert_eq!(m.title.as_deref(), Some("Tất cả các cấu trúc"));
    assert_eq!(m.subtitle.as_deref(), Some("Một tài liệu thử nghiệm"));
    assert_eq!(m.authors, ["Nguyễn Văn A", "Trần Thị Bích"]);
    assert_eq!(m.date.unwrap().iso(), "2024-03-15");
    assert_eq!(m.lang, "vi");
    assert_eq!(m.keywords, ["thử nghiệm", "Markdown"]);
}

#[test]
fn every_block_construct_is_in_the_model() {
    let doc = fixture();
    let kinds: Vec<&BlockKind> = doc.blocks.iter().map(|b| &b.kind).collect();
    assert!(matches!(kinds[0], BlockKind::Heading { level: 1, id, .. } if id == "chuong-1"));
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, BlockKind::BlockQuote(inner)
        if inner.iter().any(|b| matches!(&b.kind, BlockKind::BlockQuote(_)))))
    );
    assert!(kinds.iter().any(|k| matches!(
        k,
        BlockKind::List {
            start: Some(1),
            tight: false,
            ..
        }
    )));
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, BlockKind::List { items, tight: true, .. }
        if items.iter().map(|i| i.task).collect::<Vec<_>>() == [Some(false), Some(true)]))
    );
    assert!(kinds.iter().any(|k| matches!(k, BlockKind::CodeBlock { lang: Some(l), text, .. } if l == "rust" && text.contains("Xin chào"))));
    let table = kinds.iter().find_map(|k| match k {
        BlockKind::Table {
            aligns,
            header,
            rows,
            ..
        } => Some((aligns, header, rows)),
        _ => None,
    });
    let (aligns, header, rows) = table.expect("table");
    assert_eq!(
        aligns.as_slice(),
        [Align::Left, Align::Right, Align::Center]
    );
    assert_eq!(plain_text(&header[0]), "Tỉnh");
    assert_eq!(rows.len(), 2);
    assert!(kinds.iter().any(|k| matches!(k, BlockKind::ThematicBreak)));
    // Raw HTML is read into the model's own nodes: `<div>Khối <b>HTML</b> thô</div>`.
    assert!(kinds.iter().any(|k| matches!(k, BlockKind::Paragraph(c)
        if plain_text(c) == "Khối HTML thô"
            && c.iter().any(|i| matches!(&i.kind, InlineKind::Strong(s) if plain_text(s) == "HTML")))));
    assert!(
        kinds
            .iter()
            .any(|k| matches!(k, BlockKind::Heading { level: 2, id, .. } if id == "muc-con"))
    );
}

#[test]
fn nested_lists_keep_their_depth() {
    let doc = fixture();
    let list = doc.blocks.iter().find_map(|b| match &b.kind {
        BlockKind::List {
            start: Some(1),
            items,
            ..
        } => Some(items),
        _ => None,
    });
    let items = list.unwrap();
    let nested: Vec<&Block> = items[1]
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::List { .. }))
        .collect();
    assert_eq!(nested.len(), 1, "second item holds a bullet list");
    if let BlockKind::List {
        start: None, items, ..
    } = &nested[0].kind
    {
        assert!(
            items[0]
                .blocks
                .iter()
                .any(|b| matches!(b.kind, BlockKind::List { .. })),
            "three levels deep"
        );
    } else {
        panic!("expected a bullet list");
    }
}

#[test]
fn every_inline_construct_is_in_the_model() {
    let doc = fixture();
    let kinds = inline_kinds(&doc);
    for k in [
        "Text",
        "Emphasis",
        "Strong",
        "Strikethrough",
        "Code",
        "Link",
        "Image",
        "FootnoteRef",
        "SoftBreak",
        "HardBreak",
    ] {
        assert!(kinds.iter().any(|x| x == k), "missing {k} in {kinds:?}");
    }
    // `Nội dòng <span>HTML</span> thô.`: a span with no style is its text.
    assert!(doc.blocks.iter().any(|b| matches!(&b.kind,
        BlockKind::Paragraph(c) if plain_text(c) == "Nội dòng HTML thô.")));
    let mut links = Vec::new();
    for b in &doc.blocks {
        walk_block_inlines(b, &mut |i| {
            if let InlineKind::Link { url, title, .. } = &i.kind {
                links.push((url.clone(), title.clone()));
            }
            if let InlineKind::Image { src, .. } = &i.kind {
                links.push((src.clone(), String::new()));
            }
        });
    }
    assert!(links.contains(&(
        "https://vi.wikipedia.org/wiki/Việt_Nam".into(),
        "Wiki".into()
    )));
    assert!(
        links.contains(&("https://example.com".into(), String::new())),
        "autolink"
    );
    assert!(links.contains(&("images/ruong.png".into(), String::new())));
}

#[test]
fn footnotes_are_numbered_in_reference_order() {
    let doc = fixture();
    assert_eq!(doc.footnote_order(), ["1", "ghi-chu"]);
    let note = doc.footnote("ghi-chu").unwrap();
    assert_eq!(note.blocks.len(), 2, "multi-paragraph footnote");
}

#[test]
fn smart_punctuation_and_nfc() {
    let doc = fixture();
    let last = doc.blocks.last().unwrap();
    let BlockKind::Paragraph(content) = &last.kind else {
        panic!()
    };
    assert_eq!(plain_text(content), "Văn bản “trong ngoặc” – và ‘đơn’ …");
    // Decomposed input is stored composed.
    let nfd = "Vie\u{0302}\u{0323}t Nam";
    let (doc, _) = parse(&format!("---\ntitle: x\n---\n\n{nfd}\n"));
    let BlockKind::Paragraph(content) = &doc.blocks[0].kind else {
        panic!()
    };
    assert_eq!(plain_text(content), "Việt Nam");
}

#[test]
fn spans_point_into_the_source() {
    let doc = fixture();
    let heading = &doc.blocks[0];
    let (line, col) = doc.source.line_col(heading.span.start);
    assert_eq!((line, col), (10, 1));
    assert!(doc.source.text()[heading.span.start..heading.span.end].starts_with("# Chương một"));
}

#[test]
fn title_and_repeated_first_heading_are_one_title() {
    let (doc, _) = parse("---\ntitle: Bài báo\n---\n\n# Bài báo\n\nĐoạn.\n");
    assert_eq!(doc.meta.title.as_deref(), Some("Bài báo"));
    assert!(
        matches!(doc.blocks[0].kind, BlockKind::Paragraph(_)),
        "heading dropped"
    );
    let (doc, _) = parse("# Chỉ có tiêu đề\n\nĐoạn.\n");
    assert_eq!(doc.meta.title.as_deref(), Some("Chỉ có tiêu đề"));
    assert_eq!(doc.blocks.len(), 1);
    let (doc, _) = parse("---\ntitle: Khác\n---\n\n# Chương\n");
    assert!(
        matches!(doc.blocks[0].kind, BlockKind::Heading { .. }),
        "a different heading stays"
    );
}

#[test]
fn the_article_keeps_every_word_of_the_seed() {
    let root = env!("CARGO_MANIFEST_DIR");
    let seed = std::fs::read_to_string(format!("{root}/../shared/seed/article.txt"))
        .expect("the seed article ../shared/seed/article.txt must exist beside the repository");
    let text = std::fs::read_to_string(format!("{root}/source/article.md")).unwrap();
    let mut diags = Diagnostics::default();
    let doc = markdown::parse(SourceFile::new("source/article.md", text), &mut diags);
    let doc = trang::resolve::resolve(doc, &mut diags);
    assert!(diags.items.is_empty(), "{:?}", diags.items);
    let mut words: Vec<String> = Vec::new();
    let mut push = |s: &str| words.extend(s.split_whitespace().map(str::to_string));
    push(&doc.dateline().unwrap());
    push(doc.meta.title.as_deref().unwrap());
    for b in &doc.blocks {
        if let BlockKind::Paragraph(c) = &b.kind {
            push(&plain_text(c));
        }
    }
    let seed_words: Vec<&str> = seed.split_whitespace().collect();
    assert_eq!(words, seed_words);
    assert_eq!(doc.meta.date.unwrap().iso(), "2022-07-05");
    assert_eq!(doc.meta.source.as_deref(), Some("Dangcongsan.vn"));
    // The lead is bold.
    let BlockKind::Paragraph(lead) = &doc.blocks[0].kind else {
        panic!()
    };
    assert!(matches!(lead[0].kind, InlineKind::Strong(_)));
}

#[test]
fn too_deep_nesting_is_refused_with_a_place() {
    let text = format!("{}deep\n", "> ".repeat(200));
    let (_, diags) = parse(&text);
    let rendered: String = diags.items.iter().map(|d| d.render()).collect();
    assert!(rendered.contains("nests deeper than"), "{rendered}");
    assert!(rendered.contains("t.md:1:"), "{rendered}");
}

#[test]
fn undefined_footnote_reference_stays_literal_text() {
    // GFM: a reference without a definition is not a footnote.
    let (doc, _) = parse("---\ntitle: x\n---\n\nText[^nope].\n");
    let BlockKind::Paragraph(content) = &doc.blocks[0].kind else {
        panic!()
    };
    assert_eq!(plain_text(content), "Text[^nope].");
}
