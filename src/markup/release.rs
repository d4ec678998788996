//! The text as a release shows it: every redaction replaced by its label.

use super::exemptions::label;
use super::grammar::{has_markup, parse, Segment};
use super::withheld::Withheld;

/// The text as a release shows it, each redaction replaced by `wrap(label)`; a string whose
/// markup does not parse is withheld whole (`check` reports it). This is the one redaction step
/// every release output — PDF, HTML, Markdown, diff, log, status, report — goes through.
pub fn release_with(s: &str, wrap: impl FnMut(String) -> String) -> String {
    release_withholding(s, &Withheld::default(), wrap)
}

/// [`release_with`], and in the text it releases every occurrence of a text `also` withholds
/// (marked in another version of the record) replaced by `wrap(label)` too.
pub fn release_withholding(
    s: &str,
    also: &Withheld,
    mut wrap: impl FnMut(String) -> String,
) -> String {
    if !has_markup(s) {
        return also.apply(s, &mut wrap);
    }
    match parse(s) {
        Ok(segs) => segs
            .into_iter()
            .map(|seg| match seg {
                Segment::Text { text } => also.apply(&text, &mut wrap),
                Segment::Redacted { exemptions, .. } => wrap(label(&exemptions)),
            })
            .collect(),
        Err(_) => wrap("withheld".into()),
    }
}

/// The text as a plain-text release shows it: `Call [(b) (6)] today`.
pub fn release_plain(s: &str) -> String {
    release_with(s, |l| format!("[{l}]"))
}
