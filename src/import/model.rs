//! What an import reads from a document, shared by the reader and the writer.

use toml::Table;

/// The text that stands for what a FOIA release withheld: `[[b6 b7C: withheld in the source]]`.
pub const PLACEHOLDER: &str = "withheld in the source";

/// The file beside the record holding the source's determination, ready for `smout determine
/// --from`.
pub const DETERMINATION_FILE: &str = "imported-determination.toml";

/// Something the import could not map.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Todo {
    /// The field (or `determination.<key>`).
    pub path: String,
    /// Where in the source the answer was looked for.
    pub loc: String,
    /// What is missing and what to do.
    pub message: String,
}

/// What was read from a document, before anything is written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The record's values, in form order.
    pub record: Table,
    /// The Privacy Office's page, as `smout determine --from` reads it.
    pub determination: Option<Table>,
    /// What could not be mapped.
    pub todos: Vec<Todo>,
    /// The record id the document names (smout's own Word output prints it).
    pub id: Option<String>,
    /// The title the document names.
    pub title: Option<String>,
    /// Answers mapped.
    pub mapped: usize,
}
