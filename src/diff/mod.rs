//! The semantic diff of two versions of a record: per field, in the form's order, labelled with
//! the form's question ("5(c) Public interaction: Complies"), word-level for prose, list items
//! matched by their identity (a PIA by its id, a contact by name) rather than by position. Each
//! change says whether the field is *material*: a material change needs a new review.

mod compare;
mod model;
mod print;
mod sides;
mod words;

pub use compare::material_change;
pub use model::{Change, ChangeKind, Inline, RecordDiff};
pub use print::{closing_line, render_text};
pub use sides::{compare, compare_in, release_copies};
pub use words::words;

#[cfg(test)]
mod tests;
