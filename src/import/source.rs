//! The text of a SMOUT as it exists outside smout — a Word file, the text of a PDF (`pdftotext`
//! output, or the PDF itself when poppler is installed), or a transcription — as a list of
//! [`Unit`]s: paragraphs and tables in reading order, each with where it sits in the source.
//!
//! Word files are read from `word/document.xml` directly: a paragraph's runs are joined (Word
//! splits a sentence into runs wherever formatting or editing history changes), tracked
//! deletions are skipped, check boxes — Word content controls (`w14:checkbox`), legacy form
//! fields and Wingdings symbols alike — read as ☒ / ☐, and text smout's own Word output marks as
//! withheld in a release copy comes back as redaction markup: by its character style
//! (`smout withhold b6 b7C`, which LibreOffice and Word keep when they save the file again) or
//! its content control's tag (which Word keeps). Text that smout's Word copy withheld but that no
//! longer carries either mark — inside a `_smout_withheld_<n>` bookmark, or still shaded as
//! smout shades withheld text — is read between [`LOST_OPEN`] and [`LOST_CLOSE`], so that the
//! import refuses it instead of taking it as plain text.

use std::io::Read;
use std::path::Path;
use std::sync::LazyLock;

use quick_xml::events::Event;
use quick_xml::Reader;
use regex::Regex;

use crate::error::{Error, Result};

/// A ticked box, as every source's check boxes are read.
pub const CHECKED: char = '☒';
/// An empty box.
pub const UNCHECKED: char = '☐';

pub use crate::render::marks::{WITHHELD_BOOKMARK, WITHHOLD_STYLE, WITHHOLD_TAG};

/// Opens text smout's Word copy withheld that reached the import without its marks.
pub const LOST_OPEN: char = '\u{E020}';
/// Closes it.
pub const LOST_CLOSE: char = '\u{E021}';

/// A piece of the source.
#[derive(Debug, Clone, PartialEq)]
pub enum Unit {
    /// A paragraph (in a text source: lines up to a blank line or a list item).
    Para {
        /// Its text: lines joined by `\n`.
        text: String,
        /// Its line breaks are only where a page's line ran out (a PDF's text): the paragraph
        /// reads as one line. A Word paragraph's breaks are the writer's.
        soft: bool,
        /// Where it is: `file:line` or `file: paragraph n`.
        loc: String,
    },
    /// A table: rows of cells, each cell's paragraphs joined by `\n`.
    Table {
        /// The rows.
        rows: Vec<Vec<String>>,
        /// Where it is.
        loc: String,
    },
}

impl Unit {
    /// Where the unit is in the source.
    pub fn loc(&self) -> &str {
        match self {
            Unit::Para { loc, .. } | Unit::Table { loc, .. } => loc,
        }
    }
}

/// Largest source read (a Word file, a text).
const MAX_SOURCE_BYTES: u64 = 64 << 20;
/// Largest `word/document.xml` inflated: a filing's text is a few hundred kilobytes, the
/// largest Word documents' XML tens of megabytes.
const MAX_XML_BYTES: u64 = 64 << 20;
/// Most a `word/document.xml` may inflate beyond its compressed size (Word's XML compresses
/// 5–20 times; a zip bomb, thousands) once it is past [`SMALL_XML_BYTES`].
const MAX_XML_RATIO: u64 = 100;
/// Below this, any ratio is fine (a page of repeated mark-up compresses very well).
const SMALL_XML_BYTES: u64 = 4 << 20;

/// Read the source at `path` by its extension: `.docx`, `.txt` (or `.md`), `.pdf`.
pub fn read(path: &Path) -> Result<(Vec<Unit>, Vec<u8>)> {
    let bytes =
        crate::store::fs::read_file(path, MAX_SOURCE_BYTES).map_err(|source| Error::File {
            path: path.to_path_buf(),
            source,
        })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let units = match ext.as_str() {
        "docx" => docx_units(&bytes, &name)?,
        "txt" | "text" | "md" => text_units(&String::from_utf8_lossy(&bytes), &name),
        "pdf" => text_units(&pdf_text(path)?, &name),
        "doc" => {
            return Err(Error::Refused(format!(
                "{name} is a Word 97–2003 file (.doc), which smout does not read; open it in Word and save it as .docx (or run `libreoffice --headless --convert-to docx {name}`), then import the .docx"
            )))
        }
        _ => {
            return Err(Error::Refused(format!(
                "{name}: smout imports .docx, .txt (the text of a PDF, e.g. `pdftotext -layout file.pdf`) and .pdf; rename or convert the file"
            )))
        }
    };
    // A filing's longest answer is a few pages. A paragraph of megabytes is another kind of
    // file, and reading its wording would take memory many times its size: refused, where.
    for u in &units {
        if let Unit::Para { text, loc, .. } = u {
            if text.len() > MAX_PARAGRAPH_BYTES {
                return Err(Error::Refused(format!(
                    "{loc}: a paragraph of {} KB — a SMOUT filing's longest answer is a few pages (smout reads paragraphs up to {} KB). Is this the filing? If it is, break the text into its paragraphs (a blank line between them) and import it again",
                    text.len() / 1024,
                    MAX_PARAGRAPH_BYTES / 1024
                )));
            }
        }
    }
    Ok((units, bytes))
}

/// Longest paragraph import reads: a filing's longest answer is a few pages (tens of KB).
const MAX_PARAGRAPH_BYTES: usize = 1 << 20;

/// The text of a PDF through poppler's `pdftotext`.
fn pdf_text(path: &Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(path)
        .arg("-")
        .output()
        .map_err(|_| {
            Error::Refused(format!(
                "reading {} needs poppler's `pdftotext`, which is not installed: install poppler-utils, or convert the PDF yourself (`pdftotext file.pdf file.txt`) and import the .txt",
                path.display()
            ))
        })?;
    if !out.status.success() {
        return Err(Error::Refused(format!(
            "pdftotext could not read {}: {}",
            path.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Does this line start a list item (`- `, `* `, `• `, `1. `)?
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && digits < 3 && t[digits..].starts_with(". ")
}

static SUP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<sup>[^<]*</sup>").expect("valid"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]\[]*)\]\([^)]*\)").expect("valid"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*([^*\n]+)\*").expect("valid"));

/// Markdown-ish decoration of a transcription (headings, emphasis, footnote markers, links,
/// escapes) removed; text otherwise kept.
fn clean_line(line: &str) -> String {
    let mut s = line.trim_end().to_string();
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix('#') {
        s = rest.trim_start_matches('#').trim_start().to_string();
    }
    // <sup>2</sup> footnote markers, links [text](#), escapes \( \).
    s = SUP.replace_all(&s, "").into_owned();
    s = LINK.replace_all(&s, "$1").into_owned();
    s = s
        .replace("\\(", "(")
        .replace("\\)", ")")
        .replace("***", "")
        .replace("**", "");
    // A lone `*word.*` emphasis.
    s = EMPHASIS.replace_all(&s, "$1").into_owned();
    let t = s.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("• "))
        .unwrap_or(t);
    t.trim_end().to_string()
}

/// Paragraphs of a text: lines up to a blank line, a new list item starting a paragraph.
pub fn text_units(text: &str, name: &str) -> Vec<Unit> {
    let text = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{c}'], "\n")
        .replace([LOST_OPEN, LOST_CLOSE], "");
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut start = 0usize;
    let flush = |cur: &mut Vec<String>, start: usize, out: &mut Vec<Unit>| {
        if cur.is_empty() {
            return;
        }
        let text = std::mem::take(cur).join("\n");
        if text.trim() == "---" || text.trim().is_empty() {
            return;
        }
        out.push(Unit::Para {
            text,
            soft: true,
            loc: format!("{name}:{}", start + 1),
        });
    };
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            flush(&mut cur, start, &mut out);
            continue;
        }
        if starts_item(line) || cur.is_empty() {
            flush(&mut cur, start, &mut out);
            start = i;
        }
        let c = clean_line(line);
        if !c.is_empty() {
            cur.push(c);
        }
    }
    flush(&mut cur, start, &mut out);
    out
}

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
        Error::Refused(format!(
            "{name} is not a Word file smout can read ({why}); open it in Word and save it as .docx"
        ))
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
        Error::Refused(format!(
            "{name} is not a Word file smout can read ({why}); open it in Word and save it as .docx"
        ))
    };
    let Ok(file) = zip.by_name(part) else {
        return Ok(None);
    };
    // A zip bomb is refused by what it would inflate to, before and while it is read: the
    // size it declares may lie, so the reading stops at the limit too.
    let limit = MAX_XML_BYTES.min(SMALL_XML_BYTES.max(file.compressed_size() * MAX_XML_RATIO));
    let bomb = || {
        Error::Refused(format!(
            "{name} would inflate its text ({part}, {} KB compressed) past {} MB: that is a zip bomb, not a filing; smout read no more of it",
            file_kb(total as u64),
            limit >> 20
        ))
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
            Error::Refused(format!(
                "{name}: word/document.xml is not well-formed XML at byte {} ({e}); open it in Word and save it again",
                r.buffer_position()
            ))
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
                let s = t
                    .decode()
                    .map_err(|e| Error::Refused(format!("{name}: {e}")))?;
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A .docx of `body` (runs of one paragraph) with the character styles `styles` (id, name).
    fn docx(body: &str, styles: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut out = std::io::Cursor::new(Vec::new());
        let mut z = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default();
        z.start_file("word/document.xml", opts).unwrap();
        write!(
            z,
            "<w:document><w:body><w:p>{body}</w:p></w:body></w:document>"
        )
        .unwrap();
        z.start_file("word/styles.xml", opts).unwrap();
        let defs: String = styles
            .iter()
            .map(|(id, name)| {
                format!("<w:style w:type=\"character\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/></w:style>")
            })
            .collect();
        write!(z, "<w:styles>{defs}</w:styles>").unwrap();
        z.finish().unwrap();
        out.into_inner()
    }

    fn text_of(bytes: &[u8]) -> String {
        match &docx_units(bytes, "t.docx").unwrap()[..] {
            [Unit::Para { text, .. }] => text.clone(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_withhold_style_is_read_by_its_name_and_its_exemptions_checked() {
        let run = |style: &str, t: &str| {
            format!("<w:r><w:rPr><w:rStyle w:val=\"{style}\"/></w:rPr><w:t xml:space=\"preserve\">{t}</w:t></w:r>")
        };
        let plain = "<w:r><w:t xml:space=\"preserve\"> called </w:t></w:r>";
        // Ids are the editor's (LibreOffice renames them); the name carries the exemptions.
        let body = format!(
            "{}{}{plain}{}",
            run("S1", "Jane "),
            run("S1", "Roe"),
            run("S2", "x")
        );
        let styles = [
            ("S1", "smout withhold b6 b7c"),
            ("S2", "smout withhold b66"),
        ];
        assert_eq!(
            text_of(&docx(&body, &styles)),
            format!("[[b6 b7C: Jane Roe]] called {LOST_OPEN}x{LOST_CLOSE}")
        );
        // A style of another name is no mark.
        assert_eq!(
            text_of(&docx(&run("S3", "Jane"), &[("S3", "smout withholding")])),
            "Jane"
        );
    }

    #[test]
    fn a_transcription_reads_as_paragraphs_and_items() {
        let u = text_units(
            "## HEAD\n\nName of Component: CBP<sup>2</sup>\nmore\n- a) *Equipment.* Use;\n- b) next\n",
            "t.txt",
        );
        let texts: Vec<&str> = u
            .iter()
            .map(|u| match u {
                Unit::Para { text, .. } => text.as_str(),
                Unit::Table { .. } => "",
            })
            .collect();
        assert_eq!(
            texts,
            [
                "HEAD",
                "Name of Component: CBP\nmore",
                "a) Equipment. Use;",
                "b) next"
            ]
        );
        assert_eq!(u[2].loc(), "t.txt:5");
    }
}
