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
    /// Label of the source line of the title block (`Nguồn: …`).
    pub source: &'static str,
    /// Heading of the notes (screen readers' name for the notes section).
    pub notes: &'static str,
    /// Accessibility summary when every image has alternative text.
    pub summary: &'static str,
    /// Accessibility summary when some image lacks it.
    pub summary_no_alt: &'static str,
    /// Titles of the call-outs (GFM alerts): note, tip, important, warning, caution.
    pub callouts: [&'static str; 5],
    /// The copyright page of a book: its name and the labels of its lines.
    pub copyright: CopyrightWords,
}

/// The words of a book's copyright page ([`crate::matter::copyright`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyrightWords {
    /// Name of the page (in the navigation, the screen reader's label).
    pub title: &'static str,
    /// Label of the series line.
    pub series: &'static str,
    /// Label of the publisher line.
    pub publisher: &'static str,
    /// Label of the publication date line.
    pub date: &'static str,
    /// Label of the identifier line (an ISBN is labelled `ISBN`).
    pub identifier: &'static str,
    /// The colophon line naming the tool.
    pub made_with: &'static str,
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
                source: "Nguồn",
                notes: "Chú thích",
                summary: "Văn bản có cấu trúc đề mục, mục lục và thứ tự đọc; mọi hình ảnh đều có văn bản thay thế; phông chữ và cỡ chữ đổi được.",
                summary_no_alt: "Văn bản có cấu trúc đề mục, mục lục và thứ tự đọc; có hình ảnh thiếu văn bản thay thế.",
                callouts: ["Ghi chú", "Mẹo", "Quan trọng", "Cảnh báo", "Thận trọng"],
                copyright: CopyrightWords {
                    title: "Bản quyền",
                    series: "Tủ sách",
                    publisher: "Nhà xuất bản",
                    date: "Ngày xuất bản",
                    identifier: "Mã định danh",
                    made_with: "Sách được làm bằng trang",
                },
            }
        } else {
            Words {
                toc: "Contents",
                landmarks: "Landmarks",
                title_page: "Title page",
                cover: "Cover",
                source: "Source",
                notes: "Notes",
                summary: "Structured text with headings, a table of contents and a logical reading order; every image has a text alternative; fonts and sizes can be changed.",
                summary_no_alt: "Structured text with headings, a table of contents and a logical reading order; some images lack a text alternative.",
                callouts: ["Note", "Tip", "Important", "Warning", "Caution"],
                copyright: CopyrightWords {
                    title: "Copyright",
                    series: "Series",
                    publisher: "Publisher",
                    date: "Published",
                    identifier: "Identifier",
                    made_with: "Made with trang",
                },
            }
        }
    }
}
