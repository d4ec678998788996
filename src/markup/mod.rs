//! Redaction markup: `[[b6 b7C: text]]` marks text exempt from release under the listed FOIA
//! exemptions; `\[[` is a literal `[[`. The release rendering replaces each span by its label,
//! e.g. `(b) (6), (b) (7)(C)`; internal renderings show the text. Malformed markup is a finding.

mod exemptions;
mod grammar;
mod release;
mod withheld;

pub use exemptions::{entries, exemption_label, is_exemption, label, EXEMPTIONS};
pub use grammar::{errors, has_markup, parse, plain, MarkupError, Segment};
pub use release::{release_plain, release_with, release_withholding};
pub use withheld::Withheld;

#[cfg(test)]
mod tests;
