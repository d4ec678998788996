//! `smout import`: bring a SMOUT that exists outside smout — a Word file filled in from the
//! template, the text of a released PDF — into the register as `records/<id>/record.toml`.
//!
//! The document is read against what the form prints ([`crate::render::printed_items`]): each
//! question, rule, box and table column of the form is looked for in the source's paragraphs in
//! form order, and what stands between one and the next is its answer, converted by the field's
//! type (dates in the form's or common formats, boxes ☒/☐ to choices and Yes/No, table columns by
//! their labels, people and PIA/SORN lists from prose). FOIA marks in the source — `(b) (6)`,
//! `(b)(7)(E)`, `(b)(6);(b)(7)(C)` — become redaction markup around a placeholder. What cannot be
//! mapped is reported with where it is in the source and left as a commented TODO at the top of
//! the record; the Privacy Office's page, when the source has one, becomes a determination to
//! record with `smout determine --from`, marked as imported.

pub mod source;

use std::path::Path;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use toml::{Table, Value};

use crate::check::{check_targets, CheckOptions, RecordCheck, Target};
use crate::digest::sha256_hex;
use crate::error::{Error, Result};
use crate::form::{item_path, Field, FieldType, Form};
use crate::register::Register;
use crate::render::{printed_items, ItemView};
use crate::store::Store;
use source::{Unit, CHECKED, UNCHECKED};

/// The text that stands for what a FOIA release withheld: `[[b6 b7C: withheld in the source]]`.
pub const PLACEHOLDER: &str = "withheld in the source";

/// The file beside the record holding the source's determination, ready for `smout determine
/// --from`.
pub const DETERMINATION_FILE: &str = "imported-determination.toml";

/// Something the import could not map.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Todo {
    /// The field (or `determination.<key>`).
    pub path: String,
    /// Where in the source the answer was looked for.
    pub loc: String,
    /// What is missing and what to do.
    pub message: String,
}

/// What was read from a document, before anything is written.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The record's values, in form order.
    pub record: Table,
    /// The Privacy Office's page, as `smout determine --from` reads it.
    pub determination: Option<Table>,
    /// What could not be mapped.
    pub todos: Vec<Todo>,
    /// The record id the document names (smout's own Word output prints it).
    pub id: Option<String>,
    /// The title the document names.
    pub title: Option<String>,
    /// Answers mapped.
    pub mapped: usize,
}

// ---------------------------------------------------------------------------------------------
// Matching text against the form's wording.

/// Text reduced to what wording comparisons look at: lower-case letters and digits, one space
/// between words; superscript footnote markers, punctuation and boxes dropped. Each character
/// keeps the byte offset it came from (eight bytes a character, not twenty: a large paragraph
/// is normalized once per anchor looked for).
struct Norm {
    chars: Vec<char>,
    starts: Vec<u32>,
}

fn norm(s: &str) -> Norm {
    let mut chars = Vec::with_capacity(s.len());
    let mut starts = Vec::with_capacity(s.len());
    for (i, c) in s.char_indices() {
        if "¹²³⁴⁵⁶⁷⁸⁹⁰".contains(c) {
            continue;
        }
        // Sources are capped far below 4 GiB (MAX_SOURCE_BYTES).
        let at = u32::try_from(i).unwrap_or(u32::MAX);
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                chars.push(l);
                starts.push(at);
            }
        } else if chars.last().is_some_and(|&l| l != ' ') {
            chars.push(' ');
            starts.push(at);
        }
    }
    if chars.last() == Some(&' ') {
        chars.pop();
        starts.pop();
    }
    Norm { chars, starts }
}

fn norm_str(s: &str) -> String {
    norm(s).chars.into_iter().collect()
}

/// Where the wording `anchor` sits in `text` at or after byte `from`: the byte span of the
/// match. Long wording (a question, a rule) may sit anywhere after a number or label; short
/// wording ("Name of Component:") must open the paragraph, after at most a number such as
/// `3.` or `5(a)`.
fn find(text: &str, from: usize, anchor: &[char]) -> Option<(usize, usize)> {
    find_in(text, from, anchor, true)
}

/// [`find`], with `anywhere` false: long wording too must open the paragraph.
fn find_in(text: &str, from: usize, anchor: &[char], anywhere: bool) -> Option<(usize, usize)> {
    if anchor.is_empty() || from > text.len() {
        return None;
    }
    let n = norm(text.get(from..)?);
    let hay = &n.chars;
    let len = anchor.len();
    if hay.len() < len {
        return None;
    }
    let bounded =
        |p: usize| (p == 0 || hay[p - 1] == ' ') && (p + len == hay.len() || hay[p + len] == ' ');
    let at = if len >= 20 && anywhere {
        hay.windows(len)
            .enumerate()
            .find(|(p, w)| *w == anchor && bounded(*p))
            .map(|(p, _)| p)
    } else {
        // Up to two short leading tokens (a question number) may come first.
        let mut starts = vec![0usize];
        let mut p = 0;
        for _ in 0..2 {
            let end = hay[p..].iter().position(|&c| c == ' ').map(|e| p + e);
            match end {
                Some(e) if e - p <= 3 => {
                    p = e + 1;
                    starts.push(p);
                }
                _ => break,
            }
        }
        starts
            .into_iter()
            .find(|&p| hay.len() >= p + len && hay[p..p + len] == *anchor && bounded(p))
    }?;
    let rest = text.get(from..)?;
    let start = from + n.starts[at] as usize;
    let last = n.starts[at + len - 1] as usize;
    let end = from + last + rest[last..].chars().next().map_or(1, char::len_utf8);
    Some((start, end))
}

/// The text after an anchor: without the colon or full stop the anchor's wording ended on.
fn after_anchor(s: &str) -> &str {
    s.trim_start_matches(|c: char| {
        c.is_whitespace() || matches!(c, ':' | '.' | ';' | ',' | ')' | '?')
    })
}

/// A line's box: Some(ticked) when it opens with ☒ or ☐ (or `[x]`, `[ ]`), and the rest.
fn boxed(s: &str) -> (Option<bool>, &str) {
    let t = s.trim_start();
    for (mark, on) in [
        (CHECKED, true),
        ('☑', true),
        ('■', true),
        (UNCHECKED, false),
        ('□', false),
    ] {
        if let Some(rest) = t.strip_prefix(mark) {
            return (Some(on), rest.trim_start());
        }
    }
    for (mark, on) in [("[x]", true), ("[X]", true), ("[ ]", false)] {
        if let Some(rest) = t.strip_prefix(mark) {
            return (Some(on), rest.trim_start());
        }
    }
    (None, t)
}

// ---------------------------------------------------------------------------------------------
// FOIA marks.

/// A FOIA mark: one or more exemptions, each (b) (n) [(X)] — (b) (6), (b)(7)(C),
/// (b)(6);(b)(7)(C) — with the brackets smout's release copies print around it
/// (`[(b) (6), (b) (7)(C)]`), which are part of the mark.
static MARK: LazyLock<Regex> = LazyLock::new(|| {
    let one = r"\(b\)\s?\(\d\)(?:\s?\([A-F]\))?";
    let list = format!(r"{one}(?:\s*[,;]\s*{one})*");
    Regex::new(&format!(r"\[\s*{list}\s*\]|{list}")).expect("valid")
});

/// One exemption of a FOIA mark.
static EXEMPTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(b\)\s?\((\d)\)(?:\s?\(([A-F])\))?").expect("valid"));

/// A date as prose writes it: June 7, 2012.
static MONTH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(January|February|March|April|May|June|July|August|September|October|November|December) \d{1,2}, \d{4}",
    )
    .expect("valid")
});

/// The exemption codes of a FOIA mark's text: `(b) (6), (b) (7)(C)` → `b6 b7C`.
fn mark_codes(mark: &str) -> String {
    let mut codes: Vec<String> = Vec::new();
    for c in EXEMPTION.captures_iter(mark) {
        let code = format!(
            "b{}{}",
            &c[1],
            c.get(2).map(|m| m.as_str()).unwrap_or_default()
        );
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    codes.join(" ")
}

/// Pieces of a text: Err(codes) for a FOIA mark (adjacent marks, separated only by white space,
/// are one withheld span), Ok(text) between them.
fn foia_pieces(s: &str, merge: bool) -> Vec<std::result::Result<String, String>> {
    let mut out: Vec<std::result::Result<String, String>> = Vec::new();
    let mut last = 0;
    for m in MARK.find_iter(s) {
        let between = &s[last..m.start()];
        let codes = mark_codes(m.as_str());
        match out.last_mut() {
            Some(Err(prev)) if merge && between.trim().is_empty() => {
                for c in codes.split(' ') {
                    if !prev.split(' ').any(|p| p == c) {
                        prev.push(' ');
                        prev.push_str(c);
                    }
                }
            }
            _ => {
                if !between.is_empty() {
                    out.push(Ok(between.to_string()));
                }
                out.push(Err(codes));
            }
        }
        last = m.end();
    }
    if last < s.len() {
        out.push(Ok(s[last..].to_string()));
    }
    out
}

/// The markup of a placeholder for withheld text.
fn placeholder(codes: &str) -> String {
    format!("[[{codes}: {PLACEHOLDER}]]")
}

/// A text with its FOIA marks as redaction markup around the placeholder; and whether nothing
/// but marks is there (the source withheld the answer whole).
fn with_marks(s: &str) -> (String, bool) {
    let pieces = foia_pieces(s, true);
    let whole = !pieces.is_empty()
        && pieces
            .iter()
            .all(|p| p.as_ref().map_or(true, |t| t.trim().is_empty()));
    let mut out = String::new();
    for p in pieces {
        match p {
            Ok(t) => out.push_str(&t),
            Err(codes) => out.push_str(&placeholder(&codes)),
        }
    }
    (tidy(&out), whole)
}

/// Prose as drafters write it: several paragraphs as a multi-line string ending in a newline,
/// one line as it is.
fn prose(s: String) -> String {
    if s.contains('\n') {
        format!("{s}\n")
    } else {
        s
    }
}

/// White space as a record keeps it: lines trimmed, runs of blank lines one paragraph break.
fn tidy(s: &str) -> String {
    let mut out = String::new();
    for para in s.split("\n\n") {
        let p = para
            .split('\n')
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        out.push_str(&p);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Values.

/// A date as filings write it: the form's format, ISO, 6/12/2018, June 12, 2018.
fn parse_date(s: &str, form: &Form) -> Option<NaiveDate> {
    let t = s.trim().trim_end_matches(['.', ',']);
    let formats = [
        form.date_format.as_str(),
        "%Y-%m-%d",
        "%m/%d/%Y",
        "%m/%d/%y",
        "%B %d, %Y",
        "%b %d, %Y",
        "%d %B %Y",
    ];
    formats
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(t, f).ok())
}

fn toml_date(d: NaiveDate) -> Value {
    match d.to_string().parse::<toml::value::Datetime>() {
        Ok(dt) => Value::Datetime(dt),
        Err(_) => Value::String(d.to_string()),
    }
}

/// The choice whose printed wording (or value) the text is.
fn choice_by_label(f: &Field, text: &str) -> Option<String> {
    let t = norm_str(text);
    f.choices
        .iter()
        .find(|c| norm_str(&c.label) == t || norm_str(&c.value) == t)
        .map(|c| c.value.clone())
}

fn yes_no(s: &str) -> Option<bool> {
    match norm_str(s).as_str() {
        "yes" | "true" | "x" => Some(true),
        "no" | "false" => Some(false),
        _ => None,
    }
}

/// A field's anchoring pattern (without `^…$`), to find its value inside prose.
fn search_pattern(f: &Field) -> Option<Regex> {
    let p = f.pattern.as_deref()?;
    let inner = p.trim_start_matches('^').trim_end_matches('$');
    // Alternatives inside the anchors that admit markup are of no use in prose.
    let inner = inner
        .strip_prefix(r"(\[\[.*\]\]|")
        .map_or(inner.to_string(), |r| format!("({}", r));
    Regex::new(&inner).ok()
}

fn month_date(s: &str) -> Option<NaiveDate> {
    MONTH_DATE
        .find(s)
        .and_then(|m| NaiveDate::parse_from_str(m.as_str(), "%B %d, %Y").ok())
}

// ---------------------------------------------------------------------------------------------
// The walk.

/// A unit of the source, with whether it is the form's own printed wording.
struct Piece<'a> {
    unit: &'a Unit,
    boiler: bool,
}

impl Piece<'_> {
    fn text(&self) -> &str {
        match self.unit {
            Unit::Para { text, .. } => text,
            Unit::Table { .. } => "",
        }
    }
}

/// A matched item: where its wording is.
#[derive(Clone, Copy)]
struct Anchor {
    item: usize,
    unit: usize,
    start: usize,
    end: usize,
}

/// What stands between an anchor and the next.
#[derive(Default)]
struct Region {
    /// Paragraph texts with their locations (continued paragraphs joined).
    texts: Vec<(String, String)>,
    /// Tables.
    tables: Vec<(Vec<Vec<String>>, String)>,
    /// Provenance the source states for the answer (`inferred`, `withheld-in-source`), with the
    /// exemptions it names.
    provenance: Option<(&'static str, Vec<String>)>,
    /// Where the answer was looked for.
    loc: String,
}

impl Region {
    fn text(&self) -> String {
        self.texts
            .iter()
            .map(|(t, _)| t.as_str())
            .filter(|t| boxed(t).0.is_none())
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

const INFERRED_NOTE: &str =
    "Inferred by the transcriber: the source filing does not show this answer.";
/// What smout's copies print for an answer the source withheld, before the exemptions (`under
/// (b) (7)(E).`) or the full stop.
const WITHHELD_NOTE: &str = "Withheld in the source filing";

/// The exemptions of a note that an answer was withheld in the source — `Withheld in the source
/// filing.` (none), `Withheld in the source filing under (b) (7)(E).` — or None for other text.
fn withheld_note(t: &str) -> Option<Vec<String>> {
    let n = norm_str(t);
    let head = norm_str(WITHHELD_NOTE);
    if n == head {
        return Some(Vec::new());
    }
    let rest = n.strip_prefix(&head)?.strip_prefix(" under ")?;
    let codes = mark_codes(t);
    // Nothing but the marks after "under": `b 7 e`, `b 6 b 7 c`.
    let expected = codes
        .split(' ')
        .map(|c| {
            c.chars()
                .map(|ch| ch.to_lowercase().to_string())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ");
    (!codes.is_empty() && rest == expected).then(|| codes.split(' ').map(str::to_string).collect())
}

/// The exemptions of every FOIA mark in `s`, each once, in order.
fn marks_codes(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for m in MARK.find_iter(s) {
        for c in mark_codes(m.as_str()).split(' ') {
            if !c.is_empty() && !out.iter().any(|o| o == c) {
                out.push(c.to_string());
            }
        }
    }
    out
}

/// Reads one document against one form.
struct Reader<'a> {
    form: &'a Form,
    pieces: Vec<Piece<'a>>,
    draft: Draft,
}

/// Set `value` at dotted `path` in `root`, making the tables on the way.
fn set_path(root: &mut Table, path: &str, value: Value) {
    let mut parts: Vec<&str> = path.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut t = root;
    for p in parts {
        let entry = t
            .entry(p.to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        if !entry.is_table() {
            *entry = Value::Table(Table::new());
        }
        let Some(next) = entry.as_table_mut() else {
            return;
        };
        t = next;
    }
    t.insert(last.to_string(), value);
}

/// Does a paragraph continue the one before it (a page break cut it)? When the one before ends
/// mid-sentence on a word or a comma, or the next starts in lower case after no full stop.
fn continues(prev: &str, next: &str) -> bool {
    let p = prev.trim_end();
    let n = next.trim_start();
    if p.is_empty()
        || boxed(prev).0.is_some()
        || boxed(next).0.is_some()
        || n.starts_with(['(', '['])
    {
        return false;
    }
    let last = p.chars().last();
    let first = n.chars().next();
    last.is_some_and(|c| c.is_lowercase() || c == ',')
        || (first.is_some_and(char::is_lowercase) && !p.ends_with(['.', ':', ';', '!', '?']))
}

impl<'a> Reader<'a> {
    fn new(form: &'a Form, units: &'a [Unit], sections: &[crate::render::SectionView]) -> Self {
        // The form's own wording: headings, leads, printed paragraphs, footnotes (a paragraph
        // that is one of them, or opens with a long one); and its page furniture — the issuer's
        // address, the version line, page numbers — of which a released copy may show pieces.
        let mut wording: Vec<String> = Vec::new();
        for s in sections {
            wording.extend([s.heading.clone(), s.page_heading.clone(), s.lead.clone()]);
            wording.extend(s.text.iter().cloned());
            wording.extend(s.footnotes.iter().cloned());
        }
        let d = &form.determination;
        wording.extend([d.heading.clone(), d.subheading.clone().unwrap_or_default()]);
        let mut furniture: Vec<String> = form.issuer.clone();
        furniture.extend(form.version_label.iter().cloned());
        furniture.push(form.title.clone());
        let normed = |v: Vec<String>| -> Vec<String> {
            v.iter()
                .map(|b| norm_str(b))
                .filter(|b| !b.is_empty())
                .collect()
        };
        let wording = normed(wording);
        let furniture = normed(furniture);
        let page = Regex::new(r"^page \d+ of \d+$").expect("valid");
        let is_furniture = |l: &str| {
            let n = norm_str(l);
            n.is_empty()
                || page.is_match(&n)
                || furniture
                    .iter()
                    .any(|b| *b == n || (n.len() >= 8 && b.contains(&n)))
        };
        let pieces = units
            .iter()
            .map(|u| {
                let boiler =
                    match u {
                        Unit::Para { text, .. } => {
                            let n = norm_str(text);
                            let lines: Vec<&str> = text.lines().collect();
                            let hits = lines.iter().filter(|l| is_furniture(l)).count();
                            boxed(text).0.is_none()
                                && (wording.iter().chain(&furniture).any(|b| {
                                    *b == n || (b.len() >= 30 && n.starts_with(b.as_str()))
                                }) || hits * 2 > lines.len())
                        }
                        Unit::Table { .. } => false,
                    };
                Piece { unit: u, boiler }
            })
            .collect();
        Reader {
            form,
            pieces,
            draft: Draft::default(),
        }
    }

    fn todo(&mut self, path: &str, loc: &str, message: impl Into<String>) {
        self.draft.todos.push(Todo {
            path: path.to_string(),
            loc: loc.to_string(),
            message: message.into(),
        });
    }

    fn set(&mut self, path: &str, value: Value) {
        self.draft.mapped += 1;
        set_path(&mut self.draft.record, path, value);
    }

    /// Note the provenance of the answer at `path`: `kind`, or — withheld in the source under
    /// FOIA exemptions — `{ withheld-in-source = ["b7E"] }`.
    fn provenance(&mut self, path: &str, kind: &str, exemptions: &[String]) {
        let entry = self
            .draft
            .record
            .entry("provenance".to_string())
            .or_insert_with(|| Value::Table(Table::new()));
        let value = if exemptions.is_empty() {
            Value::String(kind.into())
        } else {
            let mut t = Table::new();
            t.insert(
                kind.to_string(),
                Value::Array(exemptions.iter().cloned().map(Value::String).collect()),
            );
            Value::Table(t)
        };
        if let Some(t) = entry.as_table_mut() {
            t.insert(path.to_string(), value);
        }
    }

    /// The index of the first unit of the Privacy Office's page (its heading), if any.
    fn determination_start(&self) -> Option<usize> {
        let h = norm_str(&self.form.determination.heading);
        self.pieces
            .iter()
            .position(|p| p.boiler && norm_str(p.text()) == h)
    }

    /// Anchor every item's wording in order.
    fn anchors(&self, items: &[ItemView], stop: usize) -> Vec<Anchor> {
        let mut out = Vec::new();
        let (mut unit, mut from) = (0usize, 0usize);
        for (k, it) in items.iter().enumerate() {
            // A question may follow a number and a rule's label; a label opens its paragraph.
            if it.question.is_empty() && it.kind == "group" {
                continue;
            }
            let anywhere = !it.question.is_empty();
            let a: Vec<char> = norm_str(wording(it)).chars().collect();
            let mut found = None;
            for u in unit..stop {
                let p = &self.pieces[u];
                if p.boiler || matches!(p.unit, Unit::Table { .. }) {
                    continue;
                }
                let start = if u == unit { from } else { 0 };
                if let Some((s, e)) = find_in(p.text(), start, &a, anywhere) {
                    found = Some((u, s, e));
                    break;
                }
            }
            if let Some((u, s, e)) = found {
                out.push(Anchor {
                    item: k,
                    unit: u,
                    start: s,
                    end: e,
                });
                unit = u;
                from = e;
            }
        }
        out
    }

    /// What stands between anchor `a` and `next` (or unit `stop`).
    fn region(&self, a: &Anchor, next: Option<&Anchor>, stop: usize) -> Region {
        let mut r = Region {
            loc: self.pieces[a.unit].unit.loc().to_string(),
            ..Default::default()
        };
        let end_unit = next.map_or(stop, |n| n.unit);
        let mut texts: Vec<(String, String)> = Vec::new();
        for u in a.unit..=end_unit.min(self.pieces.len().saturating_sub(1)) {
            if u >= stop && next.is_none() {
                break;
            }
            let p = &self.pieces[u];
            if p.boiler {
                continue;
            }
            let loc = p.unit.loc().to_string();
            match p.unit {
                // (Anchors sit in paragraphs: the next one's unit is never a table.)
                Unit::Table { rows, .. } => r.tables.push((rows.clone(), loc)),
                Unit::Para { text, soft, .. } => {
                    // The next wording's own paragraph: what precedes it there is its number.
                    if next.is_some_and(|n| n.unit == u) && u != a.unit {
                        continue;
                    }
                    let from = if u == a.unit { a.end } else { 0 };
                    let to = match next {
                        Some(n) if n.unit == u => n.start,
                        _ => text.len(),
                    };
                    if from >= to {
                        continue;
                    }
                    let piece = text.get(from..to).unwrap_or_default();
                    let piece = if u == a.unit {
                        after_anchor(piece)
                    } else {
                        piece
                    };
                    for t in box_lines(piece, *soft) {
                        if norm_str(&t) == norm_str(INFERRED_NOTE) {
                            r.provenance = Some(("inferred", Vec::new()));
                        } else if let Some(codes) = withheld_note(&t) {
                            r.provenance = Some((crate::form::WITHHELD_IN_SOURCE, codes));
                        } else {
                            push_joined(&mut texts, t, &loc, continues);
                        }
                    }
                }
            }
        }
        r.texts = texts;
        r
    }
}

/// A paragraph's lines as the reader takes them: a page's line breaks (`soft`) as spaces, cut
/// before each box it holds ("☒ Yes. ☐ No." → two), trimmed, empty ones dropped.
fn box_lines(text: &str, soft: bool) -> Vec<String> {
    let text = if soft {
        text.replace('\n', " ")
    } else {
        text.to_string()
    };
    split_boxes(&text)
        .into_iter()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// Add line `t` (found at `loc`) to `lines`, joined to the last one when `joins(last, t)` (a
/// paragraph a page break cut).
fn push_joined(
    lines: &mut Vec<(String, String)>,
    t: String,
    loc: &str,
    joins: impl Fn(&str, &str) -> bool,
) {
    match lines.last_mut() {
        Some((prev, _)) if joins(prev, &t) => {
            prev.push(' ');
            prev.push_str(&t);
        }
        _ => lines.push((t, loc.to_string())),
    }
}

/// A paragraph cut before each box it holds ("☒ Yes. ☐ No." → two).
fn split_boxes(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut last = 0;
    for (i, c) in s.char_indices() {
        if (c == CHECKED || c == UNCHECKED || c == '☑') && i > last && !s[last..i].trim().is_empty()
        {
            out.push(&s[last..i]);
            last = i;
        }
    }
    out.push(&s[last..]);
    out
}

/// Read `units` against `form`.
pub fn read_document(form: &Form, units: &[Unit], source_name: &str, sha256: &str) -> Draft {
    let sections = printed_items(form);
    let items: Vec<ItemView> = sections.iter().flat_map(|s| s.items.clone()).collect();
    let mut r = Reader::new(form, units, &sections);
    // smout's own renderings name the record: "Record cbp-fld: Forced Labor …".
    let note =
        Regex::new(r"^Record ([a-z0-9][a-z0-9-]*): (.+?)(?: — release copy.*)?$").expect("valid");
    for p in &r.pieces {
        if let Some(c) = note.captures(p.text().trim()) {
            r.draft.id = Some(c[1].to_string());
            r.draft.title = Some(c[2].trim().to_string());
            break;
        }
    }
    let stop = r.determination_start().unwrap_or(r.pieces.len());
    let anchors = r.anchors(&items, stop);
    // A prose answer to a question whose listed answer is a category (question 1) is the text
    // of the next required field that has no question of its own (the use's description).
    let mut spills: Vec<(usize, String)> = Vec::new();
    for (i, a) in anchors.iter().enumerate() {
        let region = r.region(a, anchors.get(i + 1), stop);
        let item = &items[a.item];
        if let Some((kind, codes)) = &region.provenance {
            r.provenance(&item.path, kind, codes);
            if *kind == crate::form::WITHHELD_IN_SOURCE {
                continue;
            }
        }
        if let Some(text) = r.item(item, a, &region) {
            spills.push((a.item, text));
        }
    }
    for (k0, text) in spills {
        let target = items[k0 + 1..].iter().find(|it| {
            it.kind == "field"
                && it.question.is_empty()
                && form
                    .field(&it.path)
                    .is_some_and(|f| f.kind == FieldType::Text && f.required)
        });
        if let Some(it) = target {
            if !r.has(&it.path) {
                let (v, _) = with_marks(&text);
                r.set(&it.path, Value::String(prose(v)));
            }
        }
    }
    let matched: std::collections::BTreeSet<usize> = anchors.iter().map(|a| a.item).collect();
    for (k, it) in items.iter().enumerate() {
        if matched.contains(&k) || matches!(it.kind, "group" | "withheld-rule") {
            continue;
        }
        let Some(f) = form.field(&it.path) else {
            continue;
        };
        if f.required && !r.has(&it.path) {
            r.todo(
                &it.path,
                source_name,
                format!("the source does not show \"{}\"", clip(wording(it))),
            );
        }
    }
    if stop < r.pieces.len() {
        r.determination(stop, source_name, sha256);
    }
    r.draft
}

/// What the form prints for an item: its question, else its label.
fn wording(it: &ItemView) -> &str {
    if it.question.is_empty() {
        &it.label
    } else {
        &it.question
    }
}

/// The values a drafter may choose, for a TODO: `"development", "operational"`.
fn choice_values(f: &Field) -> String {
    f.choices
        .iter()
        .filter(|c| c.exempt.is_none())
        .map(|c| format!("\"{}\"", c.value))
        .collect::<Vec<_>>()
        .join(", ")
}

fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(70).collect();
    if s.chars().count() > 70 {
        out.push('…');
    }
    out
}

impl Reader<'_> {
    fn has(&self, path: &str) -> bool {
        crate::check::lookup_value(&self.draft.record, path).is_some()
            || self
                .draft
                .record
                .get("provenance")
                .and_then(Value::as_table)
                .is_some_and(|t| t.contains_key(path))
    }

    /// Map one item's region. Returns text left over for the next question-less field.
    fn item(&mut self, it: &ItemView, a: &Anchor, region: &Region) -> Option<String> {
        let form = self.form;
        let f = form.field(&it.path)?;
        let loc = region.loc.clone();
        match it.kind {
            "group" | "withheld-rule" => None,
            "yesno" => {
                self.yesno(it, f, region);
                None
            }
            "choice" => {
                let ticked: Vec<&str> = region
                    .texts
                    .iter()
                    .filter_map(|(t, _)| match boxed(t) {
                        (Some(true), rest) => Some(rest),
                        _ => None,
                    })
                    .collect();
                let value = ticked
                    .iter()
                    .find_map(|t| {
                        f.choices
                            .iter()
                            .find(|c| find(t, 0, &norm(&c.label).chars).is_some())
                            .map(|c| c.value.clone())
                    })
                    .or_else(|| choice_by_label(f, &region.text()));
                match value {
                    Some(v) => self.set(&it.path, Value::String(v)),
                    None => self.todo(
                        &it.path,
                        &loc,
                        format!(
                            "no box is ticked for \"{}\"; choose one of: {}",
                            clip(wording(it)),
                            choice_values(f)
                        ),
                    ),
                }
                None
            }
            "check" => {
                let before = self.pieces[a.unit].text().get(..a.start).unwrap_or("");
                let state = match boxed(before.trim_end()) {
                    (Some(on), _) => Some(on),
                    _ => boxed(&before[before.rfind(['☒', '☐']).unwrap_or(before.len())..]).0,
                };
                match (state, &f.kind) {
                    (Some(on), FieldType::Bool) => self.set(&it.path, Value::Boolean(on)),
                    (Some(true), FieldType::Text | FieldType::String) => {
                        let (v, _) = with_marks(&region.text());
                        if !v.is_empty() {
                            self.set(&it.path, Value::String(prose(v)));
                        }
                    }
                    (Some(_), _) => {}
                    (None, _) => {
                        if f.required || f.kind == FieldType::Bool {
                            self.todo(
                                &it.path,
                                &loc,
                                format!(
                                    "the box of \"{}\" is neither ☒ nor ☐ in the source; set `{} = true` or `false`",
                                    clip(wording(it)),
                                    f.key
                                ),
                            )
                        }
                    }
                }
                None
            }
            "table" => {
                self.list(it, f, region);
                None
            }
            _ => self.field(it, f, region),
        }
    }

    fn field(&mut self, it: &ItemView, f: &Field, region: &Region) -> Option<String> {
        let loc = region.loc.clone();
        let text = region.text();
        if text.trim().is_empty() {
            return None;
        }
        match &f.kind {
            FieldType::Date => match parse_date(&text, self.form) {
                Some(d) => self.set(&it.path, toml_date(d)),
                None => self.todo(
                    &it.path,
                    &loc,
                    format!(
                        "\"{}\" is not a date smout reads; write it as YYYY-MM-DD",
                        clip(&text)
                    ),
                ),
            },
            FieldType::Integer => match text.trim().parse::<i64>() {
                Ok(n) => self.set(&it.path, Value::Integer(n)),
                Err(_) => self.todo(
                    &it.path,
                    &loc,
                    format!("\"{}\" is not a whole number", clip(&text)),
                ),
            },
            FieldType::Choice => {
                let first = region.texts.first().map(|(t, _)| t.as_str()).unwrap_or("");
                match choice_by_label(f, first) {
                    Some(v) => {
                        self.set(&it.path, Value::String(v));
                        let rest: Vec<&str> = region
                            .texts
                            .iter()
                            .skip(1)
                            .map(|(t, _)| t.as_str())
                            .collect();
                        if !rest.is_empty() {
                            return Some(rest.join("\n\n"));
                        }
                    }
                    None => {
                        self.todo(
                            &it.path,
                            &loc,
                            format!(
                                "the source answers in prose; choose one of: {}",
                                choice_values(f)
                            ),
                        );
                        return Some(text);
                    }
                }
            }
            FieldType::Attachment => self.todo(
                &it.path,
                &loc,
                format!(
                    "the source says \"{}\": put the file in the record's folder and name it here",
                    clip(&text)
                ),
            ),
            FieldType::String => {
                let (v, _) = with_marks(&text.replace("\n\n", " "));
                self.set(&it.path, Value::String(v));
            }
            _ => {
                let (v, _) = with_marks(&text);
                self.set(&it.path, Value::String(prose(v)));
            }
        }
        None
    }

    fn yesno(&mut self, it: &ItemView, f: &Field, region: &Region) {
        let loc = region.loc.clone();
        let yes = norm_str(&it.yes);
        let no = norm_str(&it.no);
        let mut answer = None;
        let mut explanation: Vec<String> = Vec::new();
        for (t, _) in &region.texts {
            let (b, rest) = boxed(t);
            let n = norm_str(rest);
            let is_yes = !yes.is_empty() && n.starts_with(&yes) && !n.starts_with(&no);
            let is_no = !no.is_empty() && n.starts_with(&no);
            if b.is_some() && (is_yes || is_no) {
                if b == Some(true) {
                    answer = Some(is_yes);
                }
                if is_no {
                    if let Some((_, e)) = find(rest, 0, &no.chars().collect::<Vec<_>>()) {
                        let tail = after_anchor(&rest[e..]);
                        if !tail.is_empty() {
                            explanation.push(tail.to_string());
                        }
                    }
                }
                continue;
            }
            if is_yes || is_no || n.starts_with(&yes) {
                continue;
            }
            explanation.push(t.clone());
        }
        let text = explanation.join("\n\n");
        let (expl, whole) = with_marks(&text);
        if answer.is_none() && whole && !text.trim().is_empty() {
            // What the source printed in its place is the basis: (b) (7)(E).
            self.provenance(
                &it.path,
                crate::form::WITHHELD_IN_SOURCE,
                &marks_codes(&text),
            );
            return;
        }
        let Some(on) = answer else {
            self.todo(
                &it.path,
                &loc,
                format!(
                    "no box is ticked for {} \"{}\"; answer Yes (true) or No (false)",
                    it.number,
                    clip(&it.label)
                ),
            );
            return;
        };
        if f.compound.is_some() {
            let kids: Vec<&Field> = self.form.children(&f.path).collect();
            let yes_key = kids.iter().find(|c| c.kind == FieldType::Bool);
            let expl_key = kids
                .iter()
                .find(|c| matches!(c.kind, FieldType::Text | FieldType::String));
            if let Some(y) = yes_key {
                self.set(&y.path, Value::Boolean(on));
            }
            if let (Some(e), false) = (expl_key, expl.is_empty()) {
                self.set(&e.path, Value::String(prose(expl)));
            }
        } else {
            self.set(&it.path, Value::Boolean(on));
        }
    }

    /// A list: tables with a header row of the columns' labels, tables of label/value rows (one
    /// per item), or prose (one item per paragraph; people from FOIA-marked lines).
    fn list(&mut self, it: &ItemView, f: &Field, region: &Region) {
        let form = self.form;
        let cols: Vec<&Field> = form.children(&item_path(f)).filter(|c| c.print).collect();
        let by_label = |l: &str| {
            let n = norm_str(l);
            cols.iter().copied().find(|c| norm_str(&c.label) == n)
        };
        let mut items: Vec<Table> = Vec::new();
        for (rows, loc) in &region.tables {
            let Some(head) = rows.first() else { continue };
            let mapped: Vec<Option<&Field>> = head.iter().map(|h| by_label(h)).collect();
            if mapped.iter().filter(|m| m.is_some()).count() >= 1 && mapped[0].is_some() {
                for row in &rows[1..] {
                    let mut t = Table::new();
                    for (cell, c) in row.iter().zip(&mapped) {
                        if let Some(c) = c {
                            self.cell(&mut t, c, cell, loc);
                        }
                    }
                    if !t.is_empty() {
                        items.push(t);
                    }
                }
            } else {
                // Label/value rows: one item.
                let mut t = Table::new();
                for row in rows {
                    if let (Some(l), Some(v)) = (row.first(), row.get(1)) {
                        if let Some(c) = by_label(l) {
                            self.cell(&mut t, c, v, loc);
                        }
                    }
                }
                if !t.is_empty() {
                    items.push(t);
                }
            }
        }
        if region.tables.is_empty() && !region.texts.is_empty() {
            let people = cols.iter().any(|c| c.pii.as_deref() == Some("name"));
            if people {
                items = self.people(&cols, &region.text());
            } else {
                for (t, loc) in &region.texts {
                    items.push(self.prose_item(&cols, t, loc));
                }
            }
        }
        if items.is_empty() {
            return;
        }
        self.draft.mapped += 1;
        set_path(
            &mut self.draft.record,
            &it.path,
            Value::Array(items.into_iter().map(Value::Table).collect()),
        );
    }

    /// One cell's value by its column's type.
    fn cell(&mut self, t: &mut Table, c: &Field, text: &str, loc: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let v = match &c.kind {
            FieldType::Date => parse_date(text, self.form).map(toml_date),
            FieldType::Integer => text.parse::<i64>().ok().map(Value::Integer),
            FieldType::Bool => yes_no(text).map(Value::Boolean),
            FieldType::Choice => choice_by_label(c, text).map(Value::String),
            FieldType::Attachment => {
                self.todo(
                    &c.path,
                    loc,
                    format!(
                        "the source says \"{}\": put the file in the record's folder and name it here",
                        clip(text)
                    ),
                );
                return;
            }
            FieldType::Text => Some(Value::String(prose(with_marks(text).0))),
            _ => Some(Value::String(with_marks(text).0)),
        };
        match v {
            Some(v) => {
                t.insert(c.key.clone(), v);
            }
            None => self.todo(
                &c.path,
                loc,
                format!("\"{}\" is not a {} value smout reads", clip(text), c.label),
            ),
        }
    }

    /// People from prose: FOIA-marked names and contact details around each title and office
    /// ("(b) (6) International Trade Specialist, Office of Trade (b) (6)"), or one person a
    /// line as "name, title, office, e-mail".
    fn people(&self, cols: &[&Field], text: &str) -> Vec<Table> {
        let name = cols.iter().find(|c| c.pii.as_deref() == Some("name"));
        let strings: Vec<&&Field> = cols
            .iter()
            .filter(|c| c.kind == FieldType::String && c.pii.is_none())
            .collect();
        let pieces = foia_pieces(text, false);
        let mut out = Vec::new();
        if pieces.iter().any(Result::is_err) {
            // Texts between marks: each a person's title and office.
            let texts: Vec<usize> = pieces
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.as_ref()
                        .is_ok_and(|t| !t.trim_matches([' ', ',', ';', '\n']).is_empty())
                })
                .map(|(i, _)| i)
                .collect();
            for (k, &i) in texts.iter().enumerate() {
                let mut t = Table::new();
                if let (Some(n), Some(Err(codes))) =
                    (name, i.checked_sub(1).and_then(|j| pieces.get(j)))
                {
                    t.insert(n.key.clone(), Value::String(placeholder(codes)));
                }
                let body = pieces[i].as_ref().map(String::as_str).unwrap_or("");
                let body = body.trim_matches([' ', ',', ';', '\n']);
                let parts: Vec<&str> = body.split(", ").collect();
                let (title, office) = match parts.len() {
                    0 | 1 => (body.to_string(), None),
                    n => (parts[..n - 1].join(", "), Some(parts[n - 1].to_string())),
                };
                let mut slots = strings.iter();
                if let Some(c) = slots.next() {
                    t.insert(c.key.clone(), Value::String(title));
                }
                if let (Some(o), Some(c)) = (office, slots.next()) {
                    t.insert(c.key.clone(), Value::String(o));
                }
                // Marks after the text: contact details, but the last before the next person's
                // text is that person's name.
                let end = texts.get(k + 1).map_or(pieces.len(), |&n| n - 1);
                for codes in pieces[i + 1..end.max(i + 1)]
                    .iter()
                    .filter_map(|p| p.as_ref().err())
                {
                    if let Some(c) = slots.next() {
                        t.insert(c.key.clone(), Value::String(placeholder(codes)));
                    }
                }
                out.push(t);
            }
        } else {
            for line in text.split(['\n', ';']).filter(|l| !l.trim().is_empty()) {
                let mut t = Table::new();
                let mut fields = line.split(',').map(str::trim).filter(|s| !s.is_empty());
                if let (Some(n), Some(first)) = (name, fields.next()) {
                    t.insert(n.key.clone(), Value::String(first.to_string()));
                }
                let mut free = strings.iter().filter(|c| c.pattern.is_none());
                for part in fields {
                    if let Some(c) = strings
                        .iter()
                        .find(|c| c.pattern.is_some() && c.matches_pattern(part))
                    {
                        t.insert(c.key.clone(), Value::String(part.to_string()));
                    } else if let Some(c) = free.next() {
                        t.insert(c.key.clone(), Value::String(part.to_string()));
                    }
                }
                out.push(t);
            }
        }
        out
    }

    /// One list item from a paragraph of prose: identifiers by their patterns, a date, the title
    /// after the identifier, the paragraph itself as the finding.
    fn prose_item(&mut self, cols: &[&Field], text: &str, loc: &str) -> Table {
        let mut t = Table::new();
        let mut id_end = None;
        for c in cols {
            if let Some(re) = search_pattern(c) {
                if let Some(m) = re.find(text) {
                    t.insert(c.key.clone(), Value::String(m.as_str().to_string()));
                    if id_end.is_none() {
                        id_end = Some(m.end());
                    }
                }
            }
        }
        for c in cols {
            if t.contains_key(&c.key) {
                continue;
            }
            match &c.kind {
                FieldType::Date => {
                    if let Some(d) = month_date(text) {
                        t.insert(c.key.clone(), toml_date(d));
                    }
                }
                FieldType::Text => {
                    let (v, _) = with_marks(text);
                    t.insert(c.key.clone(), Value::String(v));
                }
                FieldType::String if c.required && c.pattern.is_none() => {
                    if let Some(e) = id_end {
                        let rest = text[e..].trim_start_matches([' ', '–', '—', '-', ':']);
                        let cut = rest
                            .find(['(', ',', ';'])
                            .into_iter()
                            .chain(rest.find(" which "))
                            .min()
                            .unwrap_or(rest.len());
                        let title = rest[..cut].trim().trim_end_matches('.');
                        if !title.is_empty() {
                            t.insert(c.key.clone(), Value::String(title.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        for c in cols {
            if c.required && !t.contains_key(&c.key) {
                self.todo(
                    &c.path,
                    loc,
                    format!("no {} found in \"{}\"", c.label, clip(text)),
                );
            }
        }
        t
    }

    /// The Privacy Office's page, from unit `start` (its heading) on.
    fn determination(&mut self, start: usize, source_name: &str, sha256: &str) {
        let form = self.form;
        let d = &form.determination;
        // The page's own headings end a paragraph: nothing continues across them.
        let headings: Vec<String> = [
            Some(d.outcome_heading.clone()),
            d.documentation_heading.clone(),
            Some(d.comments_heading.clone()),
            d.findings_heading.clone(),
            d.conditions_heading.clone(),
        ]
        .into_iter()
        .flatten()
        .map(|h| norm_str(&h))
        .collect();
        let heading = |t: &str| headings.contains(&norm_str(t));
        let mut lines: Vec<(String, String)> = Vec::new();
        for p in &self.pieces[start..] {
            if p.boiler {
                continue;
            }
            match p.unit {
                Unit::Para { text, loc, soft } => {
                    for t in box_lines(text, *soft) {
                        push_joined(&mut lines, t, loc, |prev, t| {
                            continues(prev, t) && !heading(prev) && !heading(t)
                        });
                    }
                }
                Unit::Table { .. } => {}
            }
        }
        let loc0 = self.pieces[start].unit.loc().to_string();
        let mut out = Table::new();
        let mut todos: Vec<Todo> = Vec::new();
        let anchor = |w: &str| norm_str(w).chars().collect::<Vec<char>>();
        let find_line = |w: &str| -> Option<(usize, bool, Option<bool>, String)> {
            let a = anchor(w);
            lines.iter().enumerate().find_map(|(i, (t, _))| {
                let (b, rest) = boxed(t);
                find(rest, 0, &a).map(|(_, e)| (i, true, b, after_anchor(&rest[e..]).to_string()))
            })
        };
        // Date and reviewer.
        if let Some((_, _, _, rest)) = find_line(&d.reviewed_label) {
            match parse_date(&rest, form) {
                Some(dt) => {
                    out.insert("reviewed".into(), toml_date(dt));
                }
                None => todos.push(Todo {
                    path: "determination.reviewed".into(),
                    loc: loc0.clone(),
                    message: "the date reviewed is not shown; set `reviewed = YYYY-MM-DD`".into(),
                }),
            }
        }
        if let Some((_, _, _, rest)) = find_line(&d.reviewer_label) {
            let (v, _) = with_marks(&rest);
            if !v.is_empty() {
                out.insert("reviewer".into(), Value::String(v));
            }
        }
        // Outcome.
        let mut outcome = None;
        for o in &d.outcomes {
            if let Some((_, _, Some(true), _)) = find_line(&o.text) {
                outcome = Some(o.value.clone());
            }
        }
        match outcome {
            Some(o) => {
                out.insert("outcome".into(), Value::String(o));
            }
            None => todos.push(Todo {
                path: "determination.outcome".into(),
                loc: loc0.clone(),
                message: format!(
                    "no outcome is ticked in the source; set `outcome` to one of: {}",
                    d.outcomes
                        .iter()
                        .map(|o| format!("\"{}\"", o.value))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }),
        }
        if let Some(w) = &d.rules_do_not_comply {
            if let Some((i, _, Some(true), rest)) = find_line(w) {
                let mut analysis = vec![rest];
                for (t, _) in &lines[i + 1..] {
                    if boxed(t).0.is_some() {
                        break;
                    }
                    analysis.push(t.clone());
                }
                let (v, _) = with_marks(&analysis.join("\n\n"));
                out.insert("rules_do_not_comply".into(), Value::String(v));
            }
        }
        if let Some(w) = &d.training_required {
            if let Some((_, _, Some(on), _)) = find_line(w) {
                out.insert("training_required".into(), Value::Boolean(on));
            }
        }
        // Findings.
        let mut findings = Table::new();
        for fd in &d.findings {
            let statement = match &fd.number {
                Some(n) => format!("{n} {}", fd.text),
                None => fd.text.clone(),
            };
            let Some((i, _, b, _)) = find_line(&fd.text).or_else(|| find_line(&statement)) else {
                continue;
            };
            match fd.choices_from.as_deref().and_then(|p| form.field(p)) {
                Some(cf) => {
                    for (t, _) in &lines[i + 1..] {
                        let (b, rest) = boxed(t);
                        if b.is_none() {
                            break;
                        }
                        if b == Some(true) {
                            if let Some(c) = cf
                                .choices
                                .iter()
                                .find(|c| find(rest, 0, &anchor(&c.label)).is_some())
                            {
                                findings.insert(fd.key.clone(), Value::String(c.value.clone()));
                            }
                        }
                    }
                }
                None => {
                    if b == Some(true) {
                        findings.insert(fd.key.clone(), Value::Boolean(true));
                    }
                }
            }
        }
        if !findings.is_empty() {
            out.insert("findings".into(), Value::Table(findings));
        }
        // Further documentation.
        for k in &d.documentation {
            let id_re = k
                .listed_in
                .as_deref()
                .and_then(|l| form.field(&format!("{l}[].id")))
                .and_then(search_pattern);
            let ids = |s: &str| -> Vec<Value> {
                let mut v: Vec<String> = id_re
                    .as_ref()
                    .map(|re| re.find_iter(s).map(|m| m.as_str().to_string()).collect())
                    .unwrap_or_default();
                v.sort();
                v.dedup();
                v.into_iter().map(Value::String).collect()
            };
            let mut t = Table::new();
            let required = find_line(&k.required);
            let covered = find_line(&k.covered);
            let update_head = k.update.split(" <").next().unwrap_or(&k.update).to_string();
            if let Some((_, _, b, rest)) = &covered {
                let found = ids(rest);
                if *b == Some(true) || (b.is_none() && !found.is_empty()) {
                    t.insert("finding".into(), Value::String("covered".into()));
                    t.insert("ids".into(), Value::Array(found));
                    t.insert("action".into(), Value::String("none".into()));
                }
            }
            if let Some((i, _, Some(true), _)) = required {
                t.insert("finding".into(), Value::String("required".into()));
                let mut action = "none";
                let mut named = Vec::new();
                for (line, _) in lines.iter().skip(i + 1).take(3) {
                    let (b, rest) = boxed(line);
                    if b != Some(true) {
                        continue;
                    }
                    if find(rest, 0, &anchor(&k.new)).is_some() {
                        action = "new";
                    } else if find(rest, 0, &anchor(&update_head)).is_some() {
                        action = "update";
                        named = ids(rest);
                    }
                }
                t.insert("ids".into(), Value::Array(named));
                t.insert("action".into(), Value::String(action.into()));
            }
            if !t.is_empty() {
                out.insert(k.key.clone(), Value::Table(t));
            }
        }
        // Comments: everything after their heading, but the review-by note.
        let review = Regex::new(r"^Review by ([^ (]+)").expect("valid");
        if let Some((i, _, _, rest)) = find_line(&d.comments_heading) {
            let mut parts = Vec::new();
            if !rest.is_empty() {
                parts.push(rest);
            }
            for (t, _) in &lines[i + 1..] {
                if let Some(c) = review.captures(t) {
                    if let Some(dt) = parse_date(&c[1], form) {
                        out.insert("review_by".into(), toml_date(dt));
                    }
                    continue;
                }
                parts.push(t.clone());
            }
            let (v, _) = with_marks(&parts.join("\n\n"));
            if !v.is_empty() {
                out.insert("comments".into(), Value::String(format!("{v}\n")));
            }
        }
        if !out.contains_key("reviewed") && !out.contains_key("outcome") {
            return;
        }
        let mut imported = Table::new();
        imported.insert("source".into(), Value::String(source_name.to_string()));
        imported.insert("sha256".into(), Value::String(sha256.to_string()));
        out.insert("imported".into(), Value::Table(imported));
        self.draft.todos.extend(todos);
        self.draft.determination = Some(out);
    }
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// What `import` did.
#[derive(Debug)]
pub struct Imported {
    /// The record's id.
    pub id: String,
    /// `records/<id>/record.toml`.
    pub record_rel: String,
    /// The determination file written beside it, if the source has a determination page.
    pub determination_rel: Option<String>,
    /// What could not be mapped.
    pub todos: Vec<Todo>,
    /// Answers mapped.
    pub mapped: usize,
    /// `check` of the record as written.
    pub check: RecordCheck,
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The form the document fills.
    pub form: String,
    /// The record id (default: the id the document names, else its file name).
    pub id: Option<String>,
    /// The title (default: the document's, else its file name).
    pub title: Option<String>,
    /// Replace an existing record's working copy.
    pub force: bool,
    /// For the check after writing.
    pub today: NaiveDate,
}

/// A record id from a file name: lower case, runs of other characters one hyphen.
pub fn id_from_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').chars().take(60).collect()
}

/// The TODO comments of the determination's (`determination.…`) or the record's TODOs.
fn todo_comments(todos: &[Todo], determination: bool) -> String {
    let mut out = String::new();
    for t in todos
        .iter()
        .filter(|t| t.path.starts_with("determination.") == determination)
    {
        out.push_str(&format!(
            "# TODO(import) {} — {}: {}\n",
            t.path,
            t.loc,
            t.message.replace('\n', " ")
        ));
    }
    out
}

/// The record's text: a header naming the source, the TODOs, then the values.
pub fn record_text(
    form: &Form,
    draft: &Draft,
    title: &str,
    source_name: &str,
    sha: &str,
) -> Result<String> {
    let mut root = Table::new();
    root.insert("form".into(), Value::String(form.id.clone()));
    root.insert("form_version".into(), Value::String(form.version.clone()));
    root.insert("title".into(), Value::String(title.to_string()));
    for (k, v) in &draft.record {
        if k != "provenance" {
            root.insert(k.clone(), v.clone());
        }
    }
    let mut body = toml::to_string(&root)
        .map_err(|e| Error::Refused(format!("cannot write the imported record: {e}")))?;
    // `[provenance]` last, one line an answer, as drafters write it:
    // `"rules_of_behavior.accounts" = { withheld-in-source = ["b7E"] }`.
    if let Some(p) = draft.record.get("provenance").and_then(Value::as_table) {
        body.push_str("\n[provenance]\n");
        for (k, v) in p {
            body.push_str(&format!("{} = {}\n", Value::String(k.clone()), inline(v)));
        }
    }
    let mut out = format!(
        "# Imported by `smout import` from {source_name} (sha256 {sha}).\n# Where the source shows a FOIA mark, the text reads \"{PLACEHOLDER}\": replace it with the text\n# (keeping the markup) if you have it.\n"
    );
    let record_todos = todo_comments(&draft.todos, false);
    if !record_todos.is_empty() {
        out.push_str("#\n");
        out.push_str(&record_todos);
    }
    out.push('\n');
    out.push_str(&body);
    Ok(out)
}

/// A value as TOML writes it on one line (a table inline).
fn inline(v: &Value) -> String {
    match v {
        Value::Table(t) => {
            let parts: Vec<String> = t
                .iter()
                .map(|(k, v)| {
                    let bare = !k.is_empty()
                        && k.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                    let key = if bare {
                        k.clone()
                    } else {
                        Value::String(k.clone()).to_string()
                    };
                    format!("{key} = {}", inline(v))
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// The determination file's text.
fn determination_text(id: &str, det: &Table, todos: &[Todo]) -> Result<String> {
    let body = toml::to_string(det)
        .map_err(|e| Error::Refused(format!("cannot write the imported determination: {e}")))?;
    Ok(format!(
        "# The Privacy Office's determination as the imported document shows it, decided outside smout.\n# Record it once the record is submitted: smout submit {id}, then\n#   smout determine {id} --from records/{id}/{DETERMINATION_FILE}\n# (`[imported]` marks it as imported in the log, on the decision page and in `audit`).\n{}\n{body}",
        todo_comments(todos, true)
    ))
}

/// The paths of the strings under `v` (at `path`) holding text whose withheld marks were lost.
fn lost_paths(v: &Value, path: &str, out: &mut Vec<String>) {
    match v {
        Value::String(s) if s.contains(source::LOST_OPEN) => out.push(path.to_string()),
        Value::Table(t) => {
            for (k, v) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                lost_paths(v, &p, out);
            }
        }
        Value::Array(a) => {
            for (i, v) in a.iter().enumerate() {
                lost_paths(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {}
    }
}

/// A document in which text that smout's Word copy withheld reached the import without its
/// marks (an editor dropped them) is refused, naming the fields (or, for text no field took,
/// where it is): imported, that text would be plain text that a release copy prints.
fn refuse_lost_marks(units: &[Unit], draft: &Draft, name: &str) -> Result<()> {
    let lost = |t: &str| t.contains(source::LOST_OPEN);
    let locs: Vec<&str> = units
        .iter()
        .filter(|u| match u {
            Unit::Para { text, .. } => lost(text),
            Unit::Table { rows, .. } => rows.iter().flatten().any(|c| lost(c)),
        })
        .map(Unit::loc)
        .collect();
    if locs.is_empty() {
        return Ok(());
    }
    let mut fields = Vec::new();
    lost_paths(&Value::Table(draft.record.clone()), "", &mut fields);
    if let Some(d) = &draft.determination {
        lost_paths(&Value::Table(d.clone()), "determination", &mut fields);
    }
    let (n, what) = if fields.is_empty() {
        (locs.len(), format!("in {}", locs.join(", ")))
    } else {
        (fields.len(), format!("the answers {}", fields.join(", ")))
    };
    Err(Error::Refused(format!(
        "{name}: text smout's Word copy marked as withheld has lost its marks or the exemptions they name ({n} place(s); an editor dropped or renamed them when it saved the file): {what}. Imported as it is, that text would be plain text a release copy prints, so nothing was imported. In the Word file, select each shaded passage and apply a character style named \"{} <exemptions>\" (e.g. \"{} b6 b7C\"), or take the gray shading off text that is not withheld, and import it again; or make the change in the record and render a new Word copy (`smout render <id> --format docx`).",
        source::WITHHOLD_STYLE,
        source::WITHHOLD_STYLE,
    )))
}

/// Import the document at `path` into the register as a new record (not committed: the
/// drafter fixes the TODOs and runs `smout submit`).
pub fn import(reg: &Register, path: &Path, opts: &ImportOptions) -> Result<Imported> {
    let form = reg.forms.get(&opts.form).ok_or_else(|| Error::NoForm {
        id: opts.form.clone(),
        known: reg.forms.ids().join(", "),
    })?;
    let (units, bytes) = source::read(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sha = sha256_hex(&bytes);
    if units.is_empty() {
        return Err(Error::Refused(format!(
            "{name} holds no text smout can read (a scanned PDF needs OCR first)"
        )));
    }
    let draft = read_document(form, &units, &name, &sha);
    refuse_lost_marks(&units, &draft, &name)?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let id = opts
        .id
        .clone()
        .or_else(|| draft.id.clone())
        .unwrap_or_else(|| id_from_name(&stem));
    crate::register::validate_id(&id)?;
    let title = opts
        .title
        .clone()
        .or_else(|| draft.title.clone())
        .unwrap_or(stem);
    let store = Store::open(&reg.root)?;
    let _lock = store.lock(&format!("import {id}"), &mut |m| eprintln!("{m}"))?;
    if reg.record_dir(&id).exists() && !opts.force {
        return Err(Error::RecordExists(id));
    }
    let rel = Register::record_rel(&id);
    let text = record_text(form, &draft, &title, &name, &sha)?;
    store.write(&rel, text.as_bytes())?;
    let mut determination_rel = None;
    if let Some(det) = &draft.determination {
        let drel = format!("{}/{id}/{DETERMINATION_FILE}", crate::register::RECORDS_DIR);
        store.write(
            &drel,
            determination_text(&id, det, &draft.todos)?.as_bytes(),
        )?;
        determination_rel = Some(drel);
    }
    let report = check_targets(
        reg,
        &[Target::record(reg, &id)],
        &CheckOptions {
            today: opts.today,
            release: false,
        },
    );
    let check = report
        .records
        .into_iter()
        .next()
        .ok_or_else(|| reg.no_record(&id))?;
    Ok(Imported {
        id,
        record_rel: rel,
        determination_rel,
        todos: draft.todos,
        mapped: draft.mapped,
        check,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foia_marks_become_placeholders() {
        let (s, whole) = with_marks("Office (b) (6), (b) (7)(C) and (b)(6);(b)(7)(C) x");
        assert_eq!(
            s,
            "Office [[b6 b7C: withheld in the source]] and [[b6 b7C: withheld in the source]] x"
        );
        assert!(!whole);
        let (s, whole) = with_marks("(b) (7)(E)\n\n(b) (7)(E)");
        assert_eq!(s, "[[b7E: withheld in the source]]");
        assert!(whole);
        // smout's release copies print a mark in brackets: they are the mark's.
        let (s, whole) = with_marks("including [(b) (7)(E)] capabilities; [(b) (6), (b) (7)(C)]");
        assert_eq!(
            s,
            "including [[b7E: withheld in the source]] capabilities; [[b6 b7C: withheld in the source]]"
        );
        assert!(!whole);
        assert_eq!(
            with_marks("[(b) (5)]"),
            ("[[b5: withheld in the source]]".into(), true)
        );
        // "(b) of this section" and "(a)" are not marks.
        assert_eq!(
            with_marks("paragraph (b) of this (a)").0,
            "paragraph (b) of this (a)"
        );
    }

    #[test]
    fn the_withheld_note_gives_back_its_exemptions() {
        let note = |ex: &[&str]| {
            crate::form::withheld_in_source_note(
                &ex.iter().map(|e| e.to_string()).collect::<Vec<_>>(),
            )
        };
        for ex in [&[][..], &["b7E"], &["b6", "b7C"]] {
            assert_eq!(
                withheld_note(&note(ex)),
                Some(ex.iter().map(|e| e.to_string()).collect()),
                "{}",
                note(ex)
            );
        }
        assert_eq!(
            withheld_note("Withheld in the source filing under review."),
            None
        );
        assert_eq!(
            withheld_note("Withheld in the source filing under (b) (7)(E) and more."),
            None
        );
        assert_eq!(withheld_note("Withheld by the agency."), None);
    }

    #[test]
    fn wording_is_found_after_numbers_and_across_punctuation() {
        let a: Vec<char> = norm_str("Name of Component:").chars().collect();
        let t = "3. Name of Component: CBP";
        let (_, e) = find(t, 0, &a).expect("found");
        assert_eq!(after_anchor(&t[e..]), "CBP");
        assert!(find("Names of Components", 0, &a).is_none());
    }
}
