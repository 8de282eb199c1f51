//! The words trang adds to a book, in the book's language: one table that
//! the resolver picks once ([`Words::for_lang`]) and both writers read.
//!
//! Vietnamese for `vi…` tags, English otherwise.

/// Words the writers add to the book.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words {
    /// Name of the table of contents (nav, printed contents).
    pub toc: &'static str,
    /// Heading of the landmarks list.
    pub landmarks: &'static str,
    /// Title of the title page in the contents.
    pub title_page: &'static str,
    /// Title of the cover page.
    pub cover: &'static str,
    /// Title of a book's copyright page (EPUB navigation and `<title>`).
    pub copyright: &'static str,
    /// Label of the source line of the title block (`Nguồn: …`).
    pub source: &'static str,
    /// Heading of the notes (screen readers' name for the notes section).
    pub notes: &'static str,
    /// Accessibility summary, its clauses (joined with `; `, see
    /// `epub::meta`): the structure, always first…
    pub summary_structure: &'static str,
    /// … every image has alternative text …
    pub summary_alt: &'static str,
    /// … or some image lacks it …
    pub summary_no_alt: &'static str,
    /// … the reader's fonts and sizes apply …
    pub summary_display: &'static str,
    /// … and the conformance claim, when it is made.
    pub summary_conforms: &'static str,
    /// Titles of the call-outs (GFM alerts): note, tip, important, warning, caution.
    pub callouts: [&'static str; 5],
    /// Copyright page: label of the publication date.
    pub published: &'static str,
    /// Copyright page: label of an identifier that is not an ISBN.
    pub identifier: &'static str,
    /// Copyright page: label of the series (Vietnamese publishers' *tủ sách*).
    pub series: &'static str,
    /// Copyright page: the colophon line, last.
    pub colophon: &'static str,
    /// The word before a table's number ("Bảng 1.").
    pub table: &'static str,
    /// Name of the EPUB's list of the PDF's pages (the `page-list` nav).
    pub page_list: &'static str,
}

impl Words {
    /// The words for language tag `lang` (Vietnamese or English).
    pub fn for_lang(lang: &str) -> Words {
        if lang.starts_with("vi") {
            Words {
                toc: "Mục lục",
                landmarks: "Định hướng",
                title_page: "Trang tên sách",
                cover: "Bìa",
                copyright: "Bản quyền",
                source: "Nguồn",
                notes: "Chú thích",
                summary_structure: "Văn bản có cấu trúc đề mục, mục lục và thứ tự đọc",
                summary_alt: "mọi hình ảnh đều có văn bản thay thế",
                summary_no_alt: "có hình ảnh thiếu văn bản thay thế",
                summary_display: "phông chữ và cỡ chữ đổi được",
                summary_conforms: "đáp ứng EPUB Accessibility 1.1 và WCAG 2.2 mức AA",
                callouts: ["Ghi chú", "Mẹo", "Quan trọng", "Cảnh báo", "Thận trọng"],
                published: "Xuất bản",
                identifier: "Mã định danh",
                series: "Tủ sách",
                colophon: "Dàn trang bằng phần mềm trang",
                table: "Bảng",
                page_list: "Danh sách trang",
            }
        } else {
            Words {
                toc: "Contents",
                landmarks: "Landmarks",
                title_page: "Title page",
                cover: "Cover",
                copyright: "Copyright",
                source: "Source",
                notes: "Notes",
                summary_structure: "Structured text with headings, a table of contents and a logical reading order",
                summary_alt: "every image has a text alternative",
                summary_no_alt: "some images lack a text alternative",
                summary_display: "fonts and sizes can be changed",
                summary_conforms: "meets EPUB Accessibility 1.1 and WCAG 2.2 Level AA",
                callouts: ["Note", "Tip", "Important", "Warning", "Caution"],
                published: "Published",
                identifier: "Identifier",
                series: "Series",
                colophon: "Made with trang",
                table: "Table",
                page_list: "Page list",
            }
        }
    }
}
