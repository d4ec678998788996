//! Answers: one item's region mapped to the record's values by the item's kind (boxes, Yes/No,
//! lists and tables, typed fields).

use toml::{Table, Value};

use super::marks::{foia_pieces, placeholder, prose, with_marks};
use super::matching::{after_anchor, boxed, find, norm, norm_str};
use super::reader::{choice_values, clip, marks_codes, set_path, wording, Anchor, Reader, Region};
use super::values::{choice_by_label, month_date, parse_date, search_pattern, toml_date, yes_no};
use crate::form::{item_path, Field, FieldType, Form};
use crate::render::ItemView;

impl Reader<'_> {
    /// Map one item's region. Returns text left over for the next question-less field.
    pub(super) fn item(&mut self, it: &ItemView, a: &Anchor, region: &Region) -> Option<String> {
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
                            .find(|c| {
                                find(t, 0, &norm(&own_wording(self.form, f, c)).chars).is_some()
                            })
                            .map(|c| c.value.clone())
                    })
                    .or_else(|| choice_by_label(f, &region.text()));
                // "☒ Operational. Date first launched: 4/15/2019": the answer the choice asks
                // on its line.
                if let Some(c) = value
                    .as_deref()
                    .and_then(|v| f.choices.iter().find(|c| c.value == v))
                {
                    self.answer_on_choice_line(f, c, &ticked, &loc);
                }
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

    /// The answer a chosen choice asks on its line (`with_answer`), read off that line.
    fn answer_on_choice_line(
        &mut self,
        f: &Field,
        c: &crate::form::Choice,
        ticked: &[&str],
        loc: &str,
    ) {
        let Some(key) = c.with_answer.as_deref() else {
            return;
        };
        let path = match f.path.rsplit_once('.') {
            Some((parent, _)) => format!("{parent}.{key}"),
            None => key.to_string(),
        };
        let Some(sibling) = self.form.field(&path) else {
            return;
        };
        let label = norm(&c.label).chars;
        let Some(v) = ticked.iter().find_map(|t| {
            find(t, 0, &label).map(|(_, e)| after_anchor(&t[e..]).trim().to_string())
        }) else {
            return;
        };
        if v.is_empty() || self.has(&path) {
            return;
        }
        let item = ItemView {
            kind: "field",
            path: path.clone(),
            ..Default::default()
        };
        let region = Region {
            loc: loc.to_string(),
            texts: vec![(v, loc.to_string())],
            ..Default::default()
        };
        self.field(&item, sibling, &region);
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
                // The chosen wording may run on into the prose an unlabelled answer prints
                // under it ("Criminal investigations CBP is submitting …").
                let (chosen, more) = choice_by_label(f, first)
                    .map(|v| (Some(v), ""))
                    .unwrap_or_else(|| {
                        f.choices
                            .iter()
                            .find_map(|c| {
                                let rest = first.strip_prefix(c.label.as_str())?;
                                rest.starts_with(char::is_whitespace)
                                    .then(|| (Some(c.value.clone()), rest.trim()))
                            })
                            .unwrap_or((None, ""))
                    });
                match chosen {
                    Some(v) => {
                        self.set(&it.path, Value::String(v));
                        let rest: Vec<&str> = std::iter::once(more)
                            .filter(|m| !m.is_empty())
                            .chain(region.texts.iter().skip(1).map(|(t, _)| t.as_str()))
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
        // A column prints its label, or its number and label when the form numbers it
        // ("7.2.2.1 Release name").
        let by_label = |l: &str| {
            let n = norm_str(l);
            cols.iter()
                .copied()
                .find(|c| norm_str(&c.label) == n || norm_str(&c.display_label()) == n)
        };
        let mut items: Vec<Table> = Vec::new();
        for (rows, loc) in &region.tables {
            let Some(head) = rows.first() else { continue };
            let mapped: Vec<Option<&Field>> = head.iter().map(|h| by_label(h)).collect();
            // Rows whose first cell is a column's label are label/value rows, unless the header
            // row's second cell is a label too ("Name | Role").
            let labelled = rows
                .iter()
                .filter(|r| r.first().is_some_and(|l| by_label(l).is_some()));
            let by_rows = labelled.count() >= 2 && mapped.get(1).is_some_and(Option::is_none);
            if !by_rows && mapped.iter().filter(|m| m.is_some()).count() >= 1 && mapped[0].is_some()
            {
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
}

/// A choice's wording without the question it asks on its line ("Operational." of
/// "Operational. Date first launched:"): the sibling's answer may stand between them, and the
/// sibling's own anchor is that question.
fn own_wording(form: &Form, f: &Field, c: &crate::form::Choice) -> String {
    let asked = c.with_answer.as_deref().and_then(|k| {
        let parent = f.path.rsplit_once('.').map(|(p, _)| p).unwrap_or("");
        let path = if parent.is_empty() {
            k.to_string()
        } else {
            format!("{parent}.{k}")
        };
        form.field(&path).and_then(|s| s.question.clone())
    });
    match asked {
        Some(q) => c
            .label
            .strip_suffix(q.as_str())
            .map(|l| l.trim_end().to_string())
            .filter(|l| !l.is_empty())
            .unwrap_or_else(|| c.label.clone()),
        None => c.label.clone(),
    }
}
