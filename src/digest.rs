//! Digests as smout keys and prints them: SHA-256 in lowercase hex. The ground floor: it uses
//! nothing of smout's.

use sha2::{Digest, Sha256};

/// SHA-256, as hex, of `parts` each prefixed with its length (so no two lists of parts hash
/// the same by moving bytes from one part to the next).
pub fn sha256_of_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update((p.len() as u64).to_le_bytes());
        h.update(p);
    }
    hex(&h.finalize())
}

/// SHA-256 of a record's bytes, as hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// `bytes` as lowercase hex (a digest as smout prints and keys it).
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// How smout prints a commit or object id: its first 10 hex digits (the whole id when shorter).
pub fn short(id: &str) -> &str {
    id.get(..10).unwrap_or(id)
}
