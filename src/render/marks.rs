//! The marks view text carries from the view to every writer (private-use characters no
//! record can hold: redaction labels, withheld spans, italics), and the one escaping of text
//! for HTML and XML. The ground floor of rendering: it uses nothing.

/// Opens a redaction label in view text (private-use character).
pub const REDACTION_OPEN: char = '\u{E000}';
/// Closes a redaction label in view text.
pub const REDACTION_CLOSE: char = '\u{E001}';
/// Opens text a release copy withholds, in an internal Word copy's view text: the exemptions,
/// [`WITHHELD_SEP`], the text, [`WITHHELD_CLOSE`]. Word output wraps it in a content control
/// that `smout import` reads back as redaction markup.
pub const WITHHELD_OPEN: char = '\u{E002}';
/// Ends the exemptions of a withheld span.
pub const WITHHELD_SEP: char = '\u{E003}';
/// Closes a withheld span.
pub const WITHHELD_CLOSE: char = '\u{E004}';

/// Form text marks italics `*thus*`; the `pdf` filter turns the marks into these (and strips
/// them from every other string), so a value typed with asterisks prints as typed.
pub const ITALIC_OPEN: char = '\u{E020}';
/// Closes [`ITALIC_OPEN`].
pub const ITALIC_CLOSE: char = '\u{E021}';

/// The tag smout's Word output gives a content control around text a release copy withholds:
/// `smout:withhold b6 b7C`.
pub const WITHHOLD_TAG: &str = "smout:withhold";

/// The name, before the exemptions, of the character style smout's Word output sets on text a
/// release copy withholds: `smout withhold b6 b7C`.
pub const WITHHOLD_STYLE: &str = "smout withhold";

/// The name, before a number, of the bookmark around each withheld span of smout's Word output
/// (hidden in Word's bookmark list by its leading `_`).
pub const WITHHELD_BOOKMARK: &str = "_smout_withheld_";

/// `s` escaped for HTML and XML text and attribute values.
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
