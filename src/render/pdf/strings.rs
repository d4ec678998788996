//! PDF strings: text strings for the document's dictionaries, and the bytes of literal
//! strings in content streams.

use lopdf::{Object, StringFormat};

/// A PDF text string: ASCII as a literal, anything else as UTF-16BE with its byte-order mark.
pub(super) fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        Object::String(utf16_text(s), StringFormat::Hexadecimal)
    }
}

/// A PDF text string's bytes as UTF-16BE with its byte-order mark (for any text that is not
/// plain ASCII).
pub(super) fn utf16_text(s: &str) -> Vec<u8> {
    [0xFE, 0xFF]
        .into_iter()
        .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
        .collect()
}

/// Append one byte of a literal string: its delimiters and the escape escaped, and line ends,
/// which a reader would otherwise normalise.
pub(super) fn literal_byte(out: &mut Vec<u8>, b: u8) {
    match b {
        b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
        b'\n' => out.extend_from_slice(b"\\n"),
        b'\r' => out.extend_from_slice(b"\\r"),
        b => out.push(b),
    }
}
