//! The PDF's page breaks in the EPUB built in the same run: a marker where
//! each PDF page begins (`<span epub:type="pagebreak" role="doc-pagebreak"
//! id="page-N" aria-label="N"/>`, EPUB 3.3 §D.4.1 and DPUB-ARIA 1.1
//! `doc-pagebreak`), a `page-list` nav listing them in page order (EPUB 3.3
//! §7.4.2.3, DPUB-ARIA `doc-pagelist`), and the `pageBreakSource` metadata
//! naming the PDF (EPUB Accessibility 1.1 §5.3; W3C "Identifying the Source
//! of Page Markers", which replaces `dc:source` + `source-of` for this).
//!
//! Where each page begins is decided by the typesetter
//! ([`crate::typeset::page_starts`]); [`super::xhtml::Writer`] counts the
//! letters and digits of each text block as it writes them and calls
//! [`Marks::due`] to place a marker before the first non-space character
//! once the count is reached.

use std::collections::VecDeque;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::typeset::page_starts::{PageStart, Place};

use super::xml;

/// The PDF edition's page breaks, for the EPUB built beside it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageList {
    /// What the page breaks come from: the PDF's file name, paper and page
    /// count (`pageBreakSource`).
    pub source: String,
    /// Where each PDF page begins, in page order.
    pub pages: Vec<PageStart>,
}

/// The markers still to place and where the placed ones went.
pub struct Marks {
    /// Per text block (its source start and end): (letters, page index)
    /// in page order.
    text: HashMap<(usize, usize), VecDeque<(usize, usize)>>,
    /// Pages placed at the cover, the title page and the end.
    cover: Vec<usize>,
    front: Vec<usize>,
    end: Vec<usize>,
    /// Each page's label and element id.
    labels: Vec<(String, String)>,
    /// The file each page's marker went into.
    placed: Vec<Option<String>>,
}

impl Marks {
    /// The markers of `list`; pages for the cover go to the title page when
    /// the book has no cover document.
    pub fn new(list: &PageList, has_cover: bool) -> Marks {
        let mut m = Marks {
            text: HashMap::new(),
            cover: Vec::new(),
            front: Vec::new(),
            end: Vec::new(),
            labels: Vec::new(),
            placed: vec![None; list.pages.len()],
        };
        let mut ids = HashSet::new();
        for (i, p) in list.pages.iter().enumerate() {
            // `page-12`, `page-iv`; a label that is not a plain word or
            // is taken (two cover pages both labelled "Bìa") gets the
            // page's sequence number instead: `page-p1`.
            let plain = !p.label.is_empty() && p.label.chars().all(|c| c.is_ascii_alphanumeric());
            let mut id = format!("page-{}", p.label);
            if !plain || !ids.insert(id.clone()) {
                id = format!("page-p{}", i + 1);
                ids.insert(id.clone());
            }
            m.labels.push((p.label.clone(), id));
            match &p.place {
                Place::Cover if has_cover => m.cover.push(i),
                Place::Cover | Place::Front => m.front.push(i),
                Place::Text { block, letters } => {
                    m.text.entry(*block).or_default().push_back((*letters, i))
                }
                Place::End => m.end.push(i),
            }
        }
        m
    }

    /// The marker of page `i`, recorded as placed in `file`.
    fn marker(&mut self, i: usize, file: &str) -> String {
        self.placed[i] = Some(file.to_string());
        let (label, id) = &self.labels[i];
        format!(
            "<span epub:type=\"pagebreak\" role=\"doc-pagebreak\" id=\"{id}\" aria-label=\"{}\"></span>",
            xml::attr(label)
        )
    }

    fn markers(&mut self, pages: Vec<usize>, file: &str) -> String {
        pages.into_iter().map(|i| self.marker(i, file)).collect()
    }

    /// The markers for the cover document.
    pub fn cover(&mut self, file: &str) -> String {
        let pages = std::mem::take(&mut self.cover);
        self.markers(pages, file)
    }

    /// The markers for the top of the title page.
    pub fn front(&mut self, file: &str) -> String {
        let pages = std::mem::take(&mut self.front);
        self.markers(pages, file)
    }

    /// The markers after the last chapter's text, and any whose block the
    /// writer did not meet (none, when the EPUB and the PDF come from the
    /// same book: the page list test checks every page is placed).
    pub fn end(&mut self, file: &str) -> String {
        let mut pages = std::mem::take(&mut self.end);
        for (_, rest) in self.text.drain() {
            pages.extend(rest.into_iter().map(|(_, i)| i));
        }
        pages.sort_unstable();
        self.markers(pages, file)
    }

    /// The letters and digits of `block` its next marker waits for, if it
    /// has markers left.
    pub fn next(&self, block: (usize, usize)) -> Option<usize> {
        self.text.get(&block)?.front().map(|&(at, _)| at)
    }

    /// Whether block `block` has markers left.
    pub fn pending(&self, block: (usize, usize)) -> bool {
        self.text.get(&block).is_some_and(|q| !q.is_empty())
    }

    /// The markers of `block` due once `letters` letters and digits of it
    /// are written (all that are left when `letters` is `None`: the block
    /// ends).
    pub fn due(&mut self, block: (usize, usize), letters: Option<usize>, file: &str) -> String {
        let mut pages = Vec::new();
        if let Some(q) = self.text.get_mut(&block) {
            while let Some(&(at, i)) = q.front()
                && letters.is_none_or(|n| at <= n)
            {
                pages.push(i);
                q.pop_front();
            }
            if q.is_empty() {
                self.text.remove(&block);
            }
        }
        self.markers(pages, file)
    }

    /// The `page-list` nav: every page in order, linked to its marker.
    pub fn nav(&self, name: &str) -> String {
        let mut s = format!(
            "<nav epub:type=\"page-list\" role=\"doc-pagelist\" id=\"page-list\" aria-label=\"{}\" hidden=\"hidden\">\n    <ol>\n",
            xml::attr(name)
        );
        for ((label, id), file) in self.labels.iter().zip(&self.placed) {
            if let Some(file) = file {
                s.push_str(&format!(
                    "      <li><a href=\"{file}#{id}\">{}</a></li>\n",
                    xml::text(label)
                ));
            }
        }
        s.push_str("    </ol>\n  </nav>\n");
        s
    }
}
