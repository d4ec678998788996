//! A Word file, read from `word/document.xml`.

use std::io::Read;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::model::{Unit, LOST_CLOSE, LOST_OPEN};
use crate::error::{Error, Result};
use crate::import::refusal::Refusal;
use crate::render::marks::{WITHHELD_BOOKMARK, WITHHOLD_STYLE, WITHHOLD_TAG};

/// Largest `word/document.xml` inflated: a filing's text is a few hundred kilobytes, the
/// largest Word documents' XML tens of megabytes.
const MAX_XML_BYTES: u64 = 64 << 20;
/// Most a `word/document.xml` may inflate beyond its compressed size (Word's XML compresses
/// 5–20 times; a zip bomb, thousands) once it is past [`SMALL_XML_BYTES`].
const MAX_XML_RATIO: u64 = 100;
/// Below this, any ratio is fine (a page of repeated mark-up compresses very well).
const SMALL_XML_BYTES: u64 = 4 << 20;

fn file_kb(n: u64) -> u64 {
    n.div_ceil(1024)
}

/// The parts of a .docx an import reads: `word/document.xml`, and `word/styles.xml` and
/// `docProps/custom.xml` when it has them.
struct Parts {
    document: String,
    styles: Option<String>,
    custom: Option<String>,
}

/// The parts of a .docx.
fn docx_parts(bytes: &[u8], name: &str) -> Result<Parts> {
    let bad = |why: String| {
        Error::from(Refusal::NotWord {
            name: name.to_string(),
            why,
        })
    };
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(e.to_string()))?;
    let document = part_xml(&mut zip, "word/document.xml", bytes.len(), name)?
        .ok_or_else(|| bad("it has no word/document.xml".into()))?;
    let styles = part_xml(&mut zip, "word/styles.xml", bytes.len(), name)?;
    let custom = part_xml(&mut zip, "docProps/custom.xml", bytes.len(), name)?;
    Ok(Parts {
        document,
        styles,
        custom,
    })
}

/// The text of the part `part` of a .docx, if it has one.
fn part_xml(
    zip: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
    part: &str,
    total: usize,
    name: &str,
) -> Result<Option<String>> {
    let bad = |why: String| {
        Error::from(Refusal::NotWord {
            name: name.to_string(),
            why,
        })
    };
    let Ok(file) = zip.by_name(part) else {
        return Ok(None);
    };
    // A zip bomb is refused by what it would inflate to, before and while it is read: the
    // size it declares may lie, so the reading stops at the limit too.
    let limit = MAX_XML_BYTES.min(SMALL_XML_BYTES.max(file.compressed_size() * MAX_XML_RATIO));
    let bomb = || {
        Error::from(Refusal::ZipBomb {
            name: name.to_string(),
            part: part.to_string(),
            compressed_kb: file_kb(total as u64).to_string(),
            limit_mb: limit >> 20,
        })
    };
    if file.size() > limit {
        return Err(bomb());
    }
    let mut xml = String::new();
    file.take(limit + 1)
        .read_to_string(&mut xml)
        .map_err(|e| bad(e.to_string()))?;
    if xml.len() as u64 > limit {
        return Err(bomb());
    }
    Ok(Some(xml))
}

/// The character styles of `word/styles.xml` that mark withheld text: style id → exemptions
/// (`b6 b7C`), read from the style's name ([`WITHHOLD_STYLE`]), which editors keep when they
/// change ids.
fn withhold_styles(xml: &str) -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut r = Reader::from_str(xml);
    let mut id: Option<String> = None;
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => break,
            Ok(Event::Start(e)) if e.name().as_ref() == b"w:style" => {
                let character = attr(&e, "w:type").as_deref() == Some("character");
                id = attr(&e, "w:styleId").filter(|_| character);
            }
            Ok(Event::End(e)) if e.name().as_ref() == b"w:style" => id = None,
            Ok(Event::Empty(e)) if e.name().as_ref() == b"w:name" => {
                let (Some(sid), Some(n)) = (id.as_ref(), attr(&e, "w:val")) else {
                    continue;
                };
                // The exemptions as markup spells them; none when a word is not one (a style
                // somebody named by hand: its text is withheld, but under what is unknown).
                let codes = n
                    .strip_prefix(WITHHOLD_STYLE)
                    .filter(|rest| rest.is_empty() || rest.starts_with(' '))
                    .map(withhold_codes);
                if let Some(codes) = codes {
                    out.insert(sid.clone(), codes);
                }
            }
            _ => {}
        }
    }
    out
}

/// The exemptions a withhold style's name or tag spells after its prefix (`b6 b7C`), as
/// redaction markup reads them (the grammar the Word copy wrote them from); empty when markup
/// would not take them.
fn withhold_codes(rest: &str) -> String {
    let codes = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    if codes.is_empty() || codes.contains([':', '[', ']']) {
        return String::new();
    }
    match crate::markup::parse(&format!("[[{codes}: x]]")).as_deref() {
        Ok([crate::markup::Segment::Redacted { exemptions, .. }]) => exemptions.join(" "),
        _ => String::new(),
    }
}

/// Was the file made by smout (its custom properties name the record)?
fn made_by_smout(custom: &str) -> bool {
    let mut r = Reader::from_str(custom);
    loop {
        match r.read_event() {
            Ok(Event::Eof) | Err(_) => return false,
            Ok(Event::Start(e) | Event::Empty(e))
                if e.name().as_ref() == b"property"
                    && attr(&e, "name").as_deref() == Some("Record") =>
            {
                return true
            }
            _ => {}
        }
    }
}

/// An attribute's value, unescaped.
fn attr(e: &quick_xml::events::BytesStart, key: &str) -> Option<String> {
    e.try_get_attribute(key).ok().flatten().map(|a| {
        let raw = String::from_utf8_lossy(&a.value).into_owned();
        quick_xml::escape::unescape(&raw)
            .map(|v| v.into_owned())
            .unwrap_or(raw)
    })
}

/// A Wingdings (or Symbol) character code of a check box: Some(ticked) or None.
fn box_symbol(code: &str) -> Option<bool> {
    match code.to_ascii_uppercase().trim_start_matches("F0") {
        "FE" | "78" | "FD" | "FC" => Some(true),
        "A8" | "6F" | "71" | "A1" => Some(false),
        _ => None,
    }
}

/// A withheld span open in the paragraph being read.
#[derive(Debug, Clone, PartialEq)]
enum Span {
    /// Marked: its exemptions (`b6 b7C`).
    Marked(String),
    /// Withheld by smout's Word copy, its marks lost.
    Lost,
}

/// What is being built while walking the XML.
#[derive(Default)]
struct Walk {
    units: Vec<Unit>,
    para: String,
    /// Open tables: rows of cells; the cell being filled is the last of the last row.
    tables: Vec<Vec<Vec<String>>>,
    /// Paragraph count, for locations.
    paragraphs: usize,
    table_count: usize,
    /// Inside `w:del` (tracked deletion) or `w:instrText` (field code): no text.
    skip: usize,
    /// Content controls: (is a check box whose glyph is to be skipped, the exemptions of a
    /// withheld span's).
    sdts: Vec<(bool, Option<String>)>,
    /// The `w:sdtPr` being read: its tag and check box state.
    sdt_tag: Option<String>,
    sdt_checkbox: Option<bool>,
    in_sdt_pr: bool,
    /// Inside `w:t`.
    in_t: bool,
    /// A legacy form field's check box being read: Some(state once known).
    legacy: Option<Option<bool>>,
    /// Inside a run's properties.
    in_rpr: bool,
    /// The run being read: the exemptions its character style names, and whether it is shaded
    /// as smout shades withheld text.
    run_codes: Option<String>,
    run_shaded: bool,
    /// The withheld span open at the end of `para`.
    open: Option<Span>,
    /// The ids of the [`WITHHELD_BOOKMARK`]s open.
    bookmarks: Vec<String>,
    /// Character style id → the exemptions it marks (empty: withheld under exemptions the
    /// style's name does not spell).
    styles: std::collections::BTreeMap<String, String>,
    /// smout made the file: its shading of withheld text is a mark too.
    smout: bool,
}

impl Walk {
    /// The span the text being read belongs to.
    fn span(&self) -> Option<Span> {
        let sdt = self.sdts.iter().rev().find_map(|(_, c)| c.clone());
        match sdt.or_else(|| self.run_codes.clone()) {
            Some(codes) if codes.is_empty() => Some(Span::Lost),
            Some(codes) => Some(Span::Marked(codes)),
            None if !self.bookmarks.is_empty() || (self.smout && self.run_shaded) => {
                Some(Span::Lost)
            }
            None => None,
        }
    }

    /// Closes the withheld span open at the end of the paragraph, if any.
    fn close(&mut self) {
        match self.open.take() {
            Some(Span::Marked(_)) => self.para.push_str("]]"),
            Some(Span::Lost) => self.para.push(LOST_CLOSE),
            None => {}
        }
    }

    /// Text of the run being read (a tab, a line break), in the withheld span it belongs to.
    fn text(&mut self, s: &str) {
        if self.skip > 0 || self.sdts.iter().any(|(glyph, _)| *glyph) {
            return;
        }
        let want = self.span();
        if self.open != want {
            self.close();
            match &want {
                Some(Span::Marked(codes)) => self.para.push_str(&format!("[[{codes}: ")),
                Some(Span::Lost) => self.para.push(LOST_OPEN),
                None => {}
            }
            self.open = want;
        }
        self.para.push_str(s);
    }

    /// A check box's glyph: never withheld.
    fn glyph(&mut self, s: &str) {
        if self.skip > 0 {
            return;
        }
        self.close();
        self.para.push_str(s);
    }

    fn end_para(&mut self, name: &str) {
        self.close();
        let text = std::mem::take(&mut self.para);
        self.paragraphs += 1;
        if let Some(table) = self.tables.last_mut() {
            if let Some(cell) = table.last_mut().and_then(|r| r.last_mut()) {
                if !cell.is_empty() {
                    cell.push('\n');
                }
                cell.push_str(text.trim());
            }
            return;
        }
        if text.trim().is_empty() {
            return;
        }
        self.units.push(Unit::Para {
            text: text.trim().to_string(),
            soft: false,
            loc: format!("{name}: paragraph {}", self.paragraphs),
        });
    }
}

/// The units of a Word file.
pub fn docx_units(bytes: &[u8], name: &str) -> Result<Vec<Unit>> {
    let parts = docx_parts(bytes, name)?;
    let mut r = Reader::from_str(&parts.document);
    let mut w = Walk {
        styles: parts
            .styles
            .as_deref()
            .map(withhold_styles)
            .unwrap_or_default(),
        smout: parts.custom.as_deref().is_some_and(made_by_smout),
        ..Walk::default()
    };
    loop {
        let ev = r.read_event().map_err(|e| {
            Error::from(Refusal::BadXml {
                name: name.to_string(),
                at: r.buffer_position(),
                why: e.to_string(),
            })
        })?;
        match ev {
            Event::Eof => break,
            Event::Start(e) => match e.name().as_ref() {
                b"w:del" | b"w:instrText" | b"w:delText" => w.skip += 1,
                b"w:t" => w.in_t = true,
                b"w:r" => {
                    w.run_codes = None;
                    w.run_shaded = false;
                }
                b"w:rPr" => w.in_rpr = true,
                b"w:tbl" => {
                    w.tables.push(Vec::new());
                    w.table_count += 1;
                }
                b"w:tr" => {
                    if let Some(t) = w.tables.last_mut() {
                        t.push(Vec::new());
                    }
                }
                b"w:tc" => {
                    if let Some(row) = w.tables.last_mut().and_then(|t| t.last_mut()) {
                        row.push(String::new());
                    }
                }
                b"w:sdtPr" => {
                    w.in_sdt_pr = true;
                    w.sdt_tag = None;
                    w.sdt_checkbox = None;
                }
                b"w14:checkbox" => w.sdt_checkbox = Some(false),
                // A legacy form field: its state is in a child (`w:checked`, `w:default`).
                b"w:checkBox" => w.legacy = Some(None),
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                b"w:tab" if w.skip == 0 && !w.in_rpr => w.text(" "),
                b"w:br" | b"w:cr"
                    if w.skip == 0 && attr(&e, "w:type").as_deref() != Some("page") =>
                {
                    w.text("\n")
                }
                b"w:sym" => {
                    if let Some(on) = attr(&e, "w:char").as_deref().and_then(box_symbol) {
                        w.glyph(if on { "☒" } else { "☐" });
                    }
                }
                b"w:rStyle" if w.in_rpr => {
                    w.run_codes = attr(&e, "w:val").and_then(|id| w.styles.get(&id).cloned());
                }
                b"w:highlight" if w.in_rpr => {
                    w.run_shaded = attr(&e, "w:val").as_deref() == Some("lightGray");
                }
                b"w:bookmarkStart" => {
                    let ours = attr(&e, "w:name").is_some_and(|n| n.starts_with(WITHHELD_BOOKMARK));
                    if let (true, Some(id)) = (ours, attr(&e, "w:id")) {
                        w.bookmarks.push(id);
                    }
                }
                b"w:bookmarkEnd" => {
                    if let Some(id) = attr(&e, "w:id") {
                        w.bookmarks.retain(|b| *b != id);
                    }
                }
                b"w:tag" if w.in_sdt_pr => w.sdt_tag = attr(&e, "w:val"),
                b"w14:checked" if w.in_sdt_pr => {
                    w.sdt_checkbox =
                        Some(matches!(attr(&e, "w14:val").as_deref(), Some("1" | "true")))
                }
                b"w14:checkbox" if w.in_sdt_pr => w.sdt_checkbox = Some(false),
                b"w:default" if w.legacy == Some(None) => {
                    w.legacy = Some(Some(attr(&e, "w:val").as_deref() == Some("1")));
                }
                b"w:checked" if w.legacy.is_some() => {
                    w.legacy = Some(Some(!matches!(
                        attr(&e, "w:val").as_deref(),
                        Some("0" | "false")
                    )))
                }
                b"w:p" => w.end_para(name),
                _ => {}
            },
            Event::Text(t) if w.in_t => {
                let s = t.decode().map_err(|e| {
                    Error::from(Refusal::BadText {
                        name: name.to_string(),
                        why: e.to_string(),
                    })
                })?;
                w.text(&s.replace("[[", "\\[[").replace([LOST_OPEN, LOST_CLOSE], ""));
            }
            Event::GeneralRef(g) if w.in_t => {
                let c = match g.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match g.decode().ok().as_deref() {
                        Some("amp") => Some('&'),
                        Some("lt") => Some('<'),
                        Some("gt") => Some('>'),
                        Some("quot") => Some('"'),
                        Some("apos") => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = c.filter(|c| ![LOST_OPEN, LOST_CLOSE].contains(c)) {
                    w.text(c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::End(e) => match e.name().as_ref() {
                b"w:del" | b"w:instrText" | b"w:delText" => w.skip = w.skip.saturating_sub(1),
                b"w:t" => w.in_t = false,
                b"w:rPr" => w.in_rpr = false,
                b"w:p" => w.end_para(name),
                b"w:checkBox" => {
                    let on = w.legacy.take().flatten().unwrap_or(false);
                    w.glyph(if on { "☒ " } else { "☐ " });
                }
                b"w:sdtPr" => {
                    w.in_sdt_pr = false;
                    let withhold = w
                        .sdt_tag
                        .as_deref()
                        .and_then(|t| t.strip_prefix(WITHHOLD_TAG))
                        .map(withhold_codes);
                    match (w.sdt_checkbox, withhold) {
                        (Some(on), _) => {
                            w.glyph(if on { "☒" } else { "☐" });
                            w.sdts.push((true, None));
                        }
                        (None, codes) => w.sdts.push((false, codes)),
                    }
                }
                b"w:sdt" => {
                    // A withheld span's content control ends its span: the next one, even
                    // with the same exemptions, is another.
                    if let Some((_, Some(_))) = w.sdts.pop() {
                        w.close();
                    }
                }
                b"w:tbl" => {
                    if let Some(rows) = w.tables.pop() {
                        let n = w.table_count;
                        match w.tables.last_mut() {
                            // A table in a table: its text joins the outer cell.
                            Some(outer) => {
                                if let Some(cell) = outer.last_mut().and_then(|r| r.last_mut()) {
                                    for row in rows {
                                        cell.push_str(&row.join(" "));
                                        cell.push('\n');
                                    }
                                }
                            }
                            None => w.units.push(Unit::Table {
                                rows,
                                loc: format!("{name}: table {n}"),
                            }),
                        }
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    Ok(w.units)
}
