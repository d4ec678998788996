//! Writing the file: reproducible bytes (document ID from the input), metadata without
//! redaction sentinels, the outline in document order.

use super::*;

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
/// level, for a file a few per cent smaller.
pub(super) fn compress(doc: &mut lopdf::Document) {
    use lopdf::Object;
    for obj in doc.objects.values_mut() {
        let Object::Stream(stream) = obj else {
            continue;
        };
        if !stream.allows_compression || stream.dict.get(b"Filter").is_ok() {
            continue;
        }
        // A Latin cut is embedded as it was deflated when it was made.
        if let Some(i) = LATIN_TTF.iter().position(|f| *f == stream.content) {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(LATIN_ZLIB[i].to_vec());
            continue;
        }
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&stream.content, 3);
        if packed.len() < stream.content.len() {
            stream
                .dict
                .set("Filter", Object::Name(b"FlateDecode".to_vec()));
            stream.set_content(packed);
        }
    }
}

/// Give each embedded font the subset tag ISO 32000-1 (9.6.4) asks of a font program cut to
/// some glyphs (every font smout embeds is): six capitals, here from the SHA-256 of the program
/// itself (the same cut has the same tag in every PDF, another cut another tag), then `+`, on
/// the font's, its descendant's and its descriptor's names alike.
pub(super) fn tag_subsets(doc: &mut lopdf::Document) {
    use lopdf::Object;
    let mut renamed: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for obj in doc.objects.values() {
        let Ok(d) = obj.as_dict() else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let (Ok(name), Ok(file)) = (
            d.get(b"FontName").and_then(Object::as_name),
            d.get(b"FontFile2").and_then(Object::as_reference),
        ) else {
            continue;
        };
        let Ok(program) = doc.get_object(file).and_then(Object::as_stream) else {
            continue;
        };
        let base = match name.iter().position(|&b| b == b'+') {
            Some(i) => &name[i + 1..],
            None => name,
        };
        let digest = Sha256::digest(&program.content);
        let mut tagged: Vec<u8> = digest[..6].iter().map(|b| b'A' + b % 26).collect();
        tagged.push(b'+');
        tagged.extend_from_slice(base);
        renamed.push((name.to_vec(), tagged));
    }
    for obj in doc.objects.values_mut() {
        let Ok(d) = obj.as_dict_mut() else { continue };
        for key in [b"BaseFont".as_slice(), b"FontName".as_slice()] {
            let Ok(name) = d.get(key).and_then(Object::as_name) else {
                continue;
            };
            if let Some((_, new)) = renamed.iter().find(|(old, _)| old == name) {
                d.set(key, Object::Name(new.clone()));
            }
        }
    }
}

/// Metadata never carries redaction labels' sentinels (a withheld span reads as its label) nor
/// italic marks.
pub(crate) fn plain_meta(s: &str) -> String {
    // A withheld span of an internal Word copy: its text, without its exemptions.
    let mut out = String::with_capacity(s.len());
    let mut codes = false;
    for c in s.chars() {
        match c {
            crate::render::WITHHELD_OPEN => codes = true,
            crate::render::WITHHELD_SEP => codes = false,
            crate::render::WITHHELD_CLOSE => {}
            _ if codes => {}
            c => out.push(c),
        }
    }
    out.replace([ITALIC_OPEN, ITALIC_CLOSE], "")
        .replace(REDACTION_OPEN, "[")
        .replace(REDACTION_CLOSE, "]")
}

/// A PDF text string's bytes as UTF-16BE with its byte-order mark (for any text that is not
/// plain ASCII).
pub(super) fn utf16_text(s: &str) -> Vec<u8> {
    [0xFE, 0xFF]
        .into_iter()
        .chain(s.encode_utf16().flat_map(u16::to_be_bytes))
        .collect()
}

/// Make the file reproducible and its outline follow document order: the document ID is a
/// hash of the input, outline entries are linked in the order the headings appear.
pub(super) fn finish(doc: &mut lopdf::Document, outline: &[(String, usize)], input: &str) {
    use lopdf::Object;
    let digest = Sha256::digest(input.as_bytes());
    let id: Vec<u8> = digest[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    // printpdf writes an empty GTS_PDFXVersion, which readers take for a PDF/X claim.
    if let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
        if let Ok(dict) = doc.get_object_mut(info).and_then(Object::as_dict_mut) {
            dict.remove(b"GTS_PDFXVersion");
        }
    }
    let Ok(catalog) = doc.catalog_mut() else {
        return;
    };
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    let Ok(outlines_id) = catalog.get(b"Outlines").and_then(Object::as_reference) else {
        return;
    };
    // Collect the existing entries by title, then relink them in our order.
    let mut entries: Vec<(String, lopdf::ObjectId)> = Vec::new();
    let mut next = doc
        .get_object(outlines_id)
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"First"))
        .and_then(Object::as_reference)
        .ok();
    while let Some(idx) = next {
        let Ok(dict) = doc.get_object(idx).and_then(Object::as_dict) else {
            break;
        };
        let title = dict
            .get(b"Title")
            .ok()
            .and_then(decode_pdf_text)
            .unwrap_or_default();
        next = dict.get(b"Next").and_then(Object::as_reference).ok();
        entries.push((title, idx));
        if entries.len() > outline.len() + 1 {
            break;
        }
    }
    let mut ordered: Vec<lopdf::ObjectId> = Vec::new();
    let mut used = vec![false; entries.len()];
    for (title, _) in outline {
        if let Some(k) = entries
            .iter()
            .enumerate()
            .position(|(k, (t, _))| !used[k] && t == title)
        {
            used[k] = true;
            ordered.push(entries[k].1);
        }
    }
    if ordered.len() != entries.len() {
        return;
    }
    for (k, idx) in ordered.iter().enumerate() {
        if let Ok(dict) = doc.get_object_mut(*idx).and_then(Object::as_dict_mut) {
            dict.remove(b"Prev");
            dict.remove(b"Next");
            if k > 0 {
                dict.set("Prev", Object::Reference(ordered[k - 1]));
            }
            if let Some(n) = ordered.get(k + 1) {
                dict.set("Next", Object::Reference(*n));
            }
        }
    }
    if let Ok(dict) = doc
        .get_object_mut(outlines_id)
        .and_then(Object::as_dict_mut)
    {
        if let (Some(first), Some(last)) = (ordered.first(), ordered.last()) {
            dict.set("First", Object::Reference(*first));
            dict.set("Last", Object::Reference(*last));
        }
    }
}

pub(super) fn decode_pdf_text(o: &lopdf::Object) -> Option<String> {
    let bytes = o.as_str().ok()?;
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}
