//! Writing the file: reproducible bytes (document ID from the input), metadata without
//! redaction sentinels, the outline in document order.

use super::strings::{text_string, utf16_text};
use crate::render::marks::{ITALIC_CLOSE, ITALIC_OPEN, REDACTION_CLOSE, REDACTION_OPEN};
use sha2::{Digest, Sha256};

/// Attach `files` as embedded files (the catalog's EmbeddedFiles name tree and its associated
/// files), sorted by name as a name tree must be.
pub(super) fn embed(doc: &mut lopdf::Document, files: &[(String, Vec<u8>)]) {
    use lopdf::{dictionary, Object, Stream, StringFormat};
    if files.is_empty() {
        return;
    }
    let mut sorted: Vec<&(String, Vec<u8>)> = files.iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let mut names = Vec::new();
    let mut specs = Vec::new();
    for (name, bytes) in sorted {
        let stream = Stream::new(
            dictionary! {
                "Type" => "EmbeddedFile",
                "Params" => dictionary! { "Size" => bytes.len() as i64 },
            },
            bytes.clone(),
        );
        let file = doc.add_object(stream);
        let utf16 = utf16_text(name);
        let spec = doc.add_object(dictionary! {
            "Type" => "Filespec",
            "F" => Object::String(name.as_bytes().to_vec(), StringFormat::Literal),
            "UF" => Object::String(utf16, StringFormat::Hexadecimal),
            "Desc" => Object::string_literal("Attachment named by the record"),
            "AFRelationship" => "Supplement",
            "EF" => dictionary! { "F" => file, "UF" => file },
        });
        names.push(Object::String(
            name.as_bytes().to_vec(),
            StringFormat::Literal,
        ));
        names.push(Object::Reference(spec));
        specs.push(Object::Reference(spec));
    }
    let tree = doc.add_object(dictionary! { "Names" => names });
    let Ok(catalog) = doc.catalog_mut() else {
        return;
    };
    match catalog.get_mut(b"Names").and_then(Object::as_dict_mut) {
        Ok(names) => names.set("EmbeddedFiles", tree),
        Err(_) => catalog.set("Names", dictionary! { "EmbeddedFiles" => tree }),
    }
    catalog.set("AF", specs);
}

/// Deflate every stream that is not compressed yet (not the XMP metadata, which readers expect
/// plain), at a fast level: compression was a third of the time of a render at lopdf's default
/// level, for a file a few per cent smaller; libdeflate then halved what remained.
pub(super) fn compress(doc: &mut lopdf::Document) {
    use lopdf::Object;
    let mut z =
        libdeflater::Compressor::new(libdeflater::CompressionLvl::new(LEVEL).unwrap_or_default());
    for obj in doc.objects.values_mut() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        let Some(packed) = deflate(&mut z, &stream.content) else {
            continue;
        };
        if packed.len() < stream.content.len() {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(packed);
        }
    }
}

/// libdeflate's level for content streams: its fastest. Level 4 made the example FLD PDF 0.7 %
/// smaller (103.9 KB, against 104.7 KB) for about a sixth more CPU in a site's PDFs (the
/// 5,000-record site's PDFs came to 501.3 MB at level 4, 504.5 MB at level 1).
const LEVEL: i32 = 1;

/// `bytes` deflated in zlib format (`None`: the compressor failed, which it does not).
fn deflate(z: &mut libdeflater::Compressor, bytes: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0; z.zlib_compress_bound(bytes.len())];
    let n = z.zlib_compress(bytes, &mut out).ok()?;
    out.truncate(n);
    Some(out)
}

/// Metadata never carries redaction labels' sentinels (a withheld span reads as its label) nor
/// italic marks.
pub(crate) fn plain_meta(s: &str) -> String {
    // A withheld span of an internal Word copy: its text, without its exemptions.
    let mut out = String::with_capacity(s.len());
    let mut codes = false;
    for c in s.chars() {
        match c {
            crate::render::marks::WITHHELD_OPEN => codes = true,
            crate::render::marks::WITHHELD_SEP => codes = false,
            crate::render::marks::WITHHELD_CLOSE => {}
            _ if codes => {}
            c => out.push(c),
        }
    }
    out.replace([ITALIC_OPEN, ITALIC_CLOSE], "")
        .replace(REDACTION_OPEN, "[")
        .replace(REDACTION_CLOSE, "]")
}

/// Make the file reproducible: its document ID is a hash of the input.
pub(super) fn set_id(doc: &mut lopdf::Document, input: &str) {
    use lopdf::Object;
    let id = Sha256::digest(input.as_bytes())[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
}

/// The outline: an entry per heading (title, 1-based page), in document order, each opening
/// its page. Returns the outline dictionary, none without headings.
pub(super) fn write_outline(
    doc: &mut lopdf::Document,
    outline: &[(String, usize)],
    pages: &[lopdf::ObjectId],
) -> Option<lopdf::ObjectId> {
    use lopdf::{dictionary, Object};
    let entries: Vec<(&String, lopdf::ObjectId)> = outline
        .iter()
        .filter_map(|(title, page)| Some((title, *pages.get(page.checked_sub(1)?)?)))
        .collect();
    if entries.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let ids: Vec<lopdf::ObjectId> = entries.iter().map(|_| doc.new_object_id()).collect();
    for (k, (title, page)) in entries.iter().enumerate() {
        let mut entry = dictionary! {
            "Title" => text_string(title),
            "Parent" => root,
            "Dest" => vec![Object::Reference(*page), "XYZ".into(), Object::Null, Object::Null, Object::Null],
        };
        if k > 0 {
            entry.set("Prev", ids[k - 1]);
        }
        if let Some(next) = ids.get(k + 1) {
            entry.set("Next", *next);
        }
        doc.objects.insert(ids[k], Object::Dictionary(entry));
    }
    doc.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "Outlines",
            "Count" => ids.len() as i64,
            "First" => ids[0],
            "Last" => ids[ids.len() - 1],
        }),
    );
    Some(root)
}
