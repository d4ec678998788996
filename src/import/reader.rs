//! The walk: the source's units against the form's printed items, and what stands between one
//! item's wording and the next.

use regex::Regex;
use toml::{Table, Value};

use super::marks::{mark_codes, MARK};
use super::matching::{after_anchor, boxed, find_in, norm_str};
use super::model::{Draft, Todo};
use super::source::{Unit, CHECKED, UNCHECKED};
use crate::form::{Field, Form};
use crate::render::ItemView;

/// A unit of the source, with whether it is the form's own printed wording.
pub(super) struct Piece<'a> {
    pub(super) unit: &'a Unit,
    pub(super) boiler: bool,
}

impl Piece<'_> {
    pub(super) fn text(&self) -> &str {
        match self.unit {
            Unit::Para { text, .. } => text,
            Unit::Table { .. } => "",
        }
    }
}

/// A matched item: where its wording is.
#[derive(Clone, Copy)]
pub(super) struct Anchor {
    pub(super) item: usize,
    pub(super) unit: usize,
    pub(super) start: usize,
    end: usize,
}

/// What stands between an anchor and the next.
#[derive(Default)]
pub(super) struct Region {
    /// Paragraph texts with their locations (continued paragraphs joined).
    pub(super) texts: Vec<(String, String)>,
    /// Tables.
    pub(super) tables: Vec<(Vec<Vec<String>>, String)>,
    /// Provenance the source states for the answer (`inferred`, `withheld-in-source`), with the
    /// exemptions it names.
    pub(super) provenance: Option<(&'static str, Vec<String>)>,
    /// Where the answer was looked for.
    pub(super) loc: String,
}

impl Region {
    pub(super) fn text(&self) -> String {
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
pub(super) fn marks_codes(s: &str) -> Vec<String> {
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
pub(super) struct Reader<'a> {
    pub(super) form: &'a Form,
    pub(super) pieces: Vec<Piece<'a>>,
    pub(super) draft: Draft,
}

/// Set `value` at dotted `path` in `root`, making the tables on the way.
pub(super) fn set_path(root: &mut Table, path: &str, value: Value) {
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
pub(super) fn continues(prev: &str, next: &str) -> bool {
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
    pub(super) fn new(
        form: &'a Form,
        units: &'a [Unit],
        sections: &[crate::render::SectionView],
    ) -> Self {
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

    pub(super) fn todo(&mut self, path: &str, loc: &str, message: impl Into<String>) {
        self.draft.todos.push(Todo {
            path: path.to_string(),
            loc: loc.to_string(),
            message: message.into(),
        });
    }

    pub(super) fn set(&mut self, path: &str, value: Value) {
        self.draft.mapped += 1;
        set_path(&mut self.draft.record, path, value);
    }

    /// Note the provenance of the answer at `path`: `kind`, or — withheld in the source under
    /// FOIA exemptions — `{ withheld-in-source = ["b7E"] }`.
    pub(super) fn provenance(&mut self, path: &str, kind: &str, exemptions: &[String]) {
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
    pub(super) fn determination_start(&self) -> Option<usize> {
        let h = norm_str(&self.form.determination.heading);
        self.pieces
            .iter()
            .position(|p| p.boiler && norm_str(p.text()) == h)
    }

    /// Anchor every item's wording in order.
    pub(super) fn anchors(&self, items: &[ItemView], stop: usize) -> Vec<Anchor> {
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
    pub(super) fn region(&self, a: &Anchor, next: Option<&Anchor>, stop: usize) -> Region {
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
pub(super) fn box_lines(text: &str, soft: bool) -> Vec<String> {
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
pub(super) fn push_joined(
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

/// What the form prints for an item: its question, else its label.
pub(super) fn wording(it: &ItemView) -> &str {
    if it.question.is_empty() {
        &it.label
    } else {
        &it.question
    }
}

/// The values a drafter may choose, for a TODO: `"development", "operational"`.
pub(super) fn choice_values(f: &Field) -> String {
    f.choices
        .iter()
        .filter(|c| c.exempt.is_none())
        .map(|c| format!("\"{}\"", c.value))
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn clip(s: &str) -> String {
    let mut out: String = s.chars().take(70).collect();
    if s.chars().count() > 70 {
        out.push('…');
    }
    out
}

impl Reader<'_> {
    pub(super) fn has(&self, path: &str) -> bool {
        crate::check::lookup_value(&self.draft.record, path).is_some()
            || self
                .draft
                .record
                .get("provenance")
                .and_then(Value::as_table)
                .is_some_and(|t| t.contains_key(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
