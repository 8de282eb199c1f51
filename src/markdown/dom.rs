//! A minimal DOM for html5ever: nodes in a vector, handles are indices.
//!
//! html5ever does the HTML parsing (entities, implied end tags, foster
//! parenting, the adoption agency); this sink only records the tree it builds.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};

use html5ever::interface::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeSink};
use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::{Attribute, ParseOpts, QualName, local_name, ns, parse_document, parse_fragment};

/// What a node is.
#[derive(Debug)]
pub enum Data {
    /// The document (or a template's contents).
    Document,
    /// An element with its attributes.
    Element(Vec<Attribute>),
    /// Text.
    Text(String),
    /// Anything else (comments, doctypes, processing instructions): dropped.
    Other,
}

/// One node of the tree.
#[derive(Debug)]
pub struct Node {
    /// The element name (empty for other nodes).
    pub name: QualName,
    /// What it is.
    pub data: Data,
    /// Parent index.
    pub parent: Option<usize>,
    /// Children indices, in order.
    pub children: Vec<usize>,
}

/// A parsed tree; node 0 is the document.
#[derive(Debug)]
pub struct Dom {
    /// All nodes.
    pub nodes: Vec<Node>,
}

impl Dom {
    /// The element name's local part, or "" for non-elements.
    pub fn local(&self, id: usize) -> &str {
        match self.nodes[id].data {
            Data::Element(_) => &self.nodes[id].name.local,
            _ => "",
        }
    }

    /// The nodes of a parsed fragment (the children of the `html` root).
    pub fn fragment_roots(&self) -> Vec<usize> {
        let doc = &self.nodes[0];
        match doc.children.first() {
            Some(&html) => self.nodes[html].children.clone(),
            None => Vec::new(),
        }
    }

    /// The `body` element of a parsed document, if any.
    pub fn body(&self) -> Option<usize> {
        let html = *self.nodes[0]
            .children
            .iter()
            .find(|&&c| self.local(c) == "html")?;
        self.nodes[html]
            .children
            .iter()
            .copied()
            .find(|&c| self.local(c) == "body")
    }
}

/// Parses `html` as the content of an element named `context` (e.g. `p`, `div`).
pub fn parse_in(context: &str, html: &str) -> Dom {
    let name = QualName::new(None, ns!(html), context.into());
    parse_fragment(
        Sink::default(),
        ParseOpts::default(),
        name,
        Vec::new(),
        false,
    )
    .one(StrTendril::from(html))
}

/// Parses a whole document.
pub fn parse_doc(html: &str) -> Dom {
    parse_document(Sink::default(), ParseOpts::default()).one(StrTendril::from(html))
}

struct Sink {
    nodes: RefCell<Vec<Node>>,
}

impl Default for Sink {
    fn default() -> Self {
        Sink {
            nodes: RefCell::new(vec![Node {
                name: empty_name(),
                data: Data::Document,
                parent: None,
                children: Vec::new(),
            }]),
        }
    }
}

fn empty_name() -> QualName {
    QualName::new(None, ns!(), local_name!(""))
}

impl Sink {
    fn new_node(&self, name: QualName, data: Data) -> usize {
        let mut nodes = self.nodes.borrow_mut();
        nodes.push(Node {
            name,
            data,
            parent: None,
            children: Vec::new(),
        });
        nodes.len() - 1
    }

    fn detach(nodes: &mut [Node], child: usize) {
        if let Some(p) = nodes[child].parent.take() {
            nodes[p].children.retain(|&c| c != child);
        }
    }

    /// Inserts `child` into `parent` at `index`, merging adjacent text.
    fn insert(&self, parent: usize, index: usize, child: NodeOrText<usize>) {
        let mut nodes = self.nodes.borrow_mut();
        match child {
            NodeOrText::AppendText(text) => {
                if index > 0 {
                    let prev = nodes[parent].children[index - 1];
                    if let Data::Text(t) = &mut nodes[prev].data {
                        t.push_str(&text);
                        return;
                    }
                }
                nodes.push(Node {
                    name: empty_name(),
                    data: Data::Text(text.to_string()),
                    parent: Some(parent),
                    children: Vec::new(),
                });
                let id = nodes.len() - 1;
                nodes[parent].children.insert(index, id);
            }
            NodeOrText::AppendNode(id) => {
                Self::detach(&mut nodes, id);
                nodes[id].parent = Some(parent);
                let index = index.min(nodes[parent].children.len());
                nodes[parent].children.insert(index, id);
            }
        }
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Dom;
    type ElemName<'a> = Ref<'a, QualName>;

    fn finish(self) -> Dom {
        Dom {
            nodes: self.nodes.into_inner(),
        }
    }

    fn parse_error(&self, _msg: Cow<'static, str>) {}

    fn get_document(&self) -> usize {
        0
    }

    fn elem_name<'a>(&'a self, target: &'a usize) -> Ref<'a, QualName> {
        Ref::map(self.nodes.borrow(), |n| &n[*target].name)
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> usize {
        let id = self.new_node(name, Data::Element(attrs));
        if flags.template {
            // Template contents live in a child document node that is never serialised.
            let contents = self.new_node(empty_name(), Data::Document);
            self.nodes.borrow_mut()[contents].parent = Some(id);
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> usize {
        self.new_node(empty_name(), Data::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.new_node(empty_name(), Data::Other)
    }

    fn append(&self, parent: &usize, child: NodeOrText<usize>) {
        let len = self.nodes.borrow()[*parent].children.len();
        self.insert(*parent, len, child);
    }

    fn append_based_on_parent_node(
        &self,
        element: &usize,
        prev_element: &usize,
        child: NodeOrText<usize>,
    ) {
        if self.nodes.borrow()[*element].parent.is_some() {
            self.append_before_sibling(element, child)
        } else {
            self.append(prev_element, child)
        }
    }

    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}

    fn get_template_contents(&self, target: &usize) -> usize {
        // The contents node was created right after the template element.
        target + 1
    }

    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &usize, child: NodeOrText<usize>) {
        let parent = self.nodes.borrow()[*sibling].parent;
        let Some(parent) = parent else { return };
        let index = self.nodes.borrow()[parent]
            .children
            .iter()
            .position(|c| c == sibling)
            .unwrap_or(0);
        self.insert(parent, index, child);
    }

    fn add_attrs_if_missing(&self, target: &usize, attrs: Vec<Attribute>) {
        if let Data::Element(existing) = &mut self.nodes.borrow_mut()[*target].data {
            for a in attrs {
                if !existing.iter().any(|e| e.name == a.name) {
                    existing.push(a);
                }
            }
        }
    }

    fn remove_from_parent(&self, target: &usize) {
        Self::detach(&mut self.nodes.borrow_mut(), *target);
    }

    fn reparent_children(&self, node: &usize, new_parent: &usize) {
        let mut nodes = self.nodes.borrow_mut();
        let children = std::mem::take(&mut nodes[*node].children);
        for &c in &children {
            nodes[c].parent = Some(*new_parent);
        }
        nodes[*new_parent].children.extend(children);
    }
}
