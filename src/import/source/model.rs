//! A piece of the source, and the characters every source's boxes and lost marks read as.

/// A ticked box, as every source's check boxes are read.
pub const CHECKED: char = '☒';
/// An empty box.
pub const UNCHECKED: char = '☐';

/// Opens text smout's Word copy withheld that reached the import without its marks.
pub const LOST_OPEN: char = '\u{E020}';
/// Closes it.
pub const LOST_CLOSE: char = '\u{E021}';

/// A piece of the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A paragraph (in a text source: lines up to a blank line or a list item).
    Para {
        /// Its text: lines joined by `\n`.
        text: String,
        /// Its line breaks are only where a page's line ran out (a PDF's text): the paragraph
        /// reads as one line. A Word paragraph's breaks are the writer's.
        soft: bool,
        /// Where it is: `file:line` or `file: paragraph n`.
        loc: String,
    },
    /// A table: rows of cells, each cell's paragraphs joined by `\n`.
    Table {
        /// The rows.
        rows: Vec<Vec<String>>,
        /// Where it is.
        loc: String,
    },
}

impl Unit {
    /// Where the unit is in the source.
    pub fn loc(&self) -> &str {
        match self {
            Unit::Para { loc, .. } | Unit::Table { loc, .. } => loc,
        }
    }
}
