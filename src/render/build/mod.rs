//! Building the view of a record from its form and answers. A release copy is made here,
//! before any template runs: exempt text becomes a sentinel carrying only its FOIA label.

use chrono::NaiveDate;
use toml::Value;

use super::marks::{REDACTION_CLOSE, REDACTION_OPEN, WITHHELD_CLOSE, WITHHELD_OPEN, WITHHELD_SEP};
use super::model::*;
use crate::determination::Determination;
use crate::error::{Error, Result};
use crate::form::{item_path, Field, FieldType, Form};
use crate::markup;
use crate::register::Register;

/// Builds the view of one record.
struct ViewBuilder<'a> {
    form: &'a Form,
    release: bool,
    /// An internal copy that marks what a release withholds (Word's content controls).
    marks: bool,
    /// What a release withholds: the fields `[release] redact` lists, and for an older
    /// revision the texts and fields the record as it stands withholds.
    withholding: crate::release::Withholding,
    used: std::collections::BTreeSet<String>,
    /// `[provenance]`: field path → transcribed, inferred or withheld-in-source (with the
    /// exemptions the source printed).
    provenance: Vec<crate::form::Provenance>,
    /// Answers of `kept` columns, for smout's page.
    kept: Vec<KeptAnswer>,
}

impl ViewBuilder<'_> {
    /// A string as this copy shows it: in a release, through the one redaction step
    /// ([`crate::release::Withholding::release_with`]), or withheld whole when `[release]
    /// redact` covers its path.
    fn present(&mut self, path: &str, s: &str) -> String {
        if !self.release {
            if self.marks {
                if let Ok(segments) = markup::parse(s) {
                    return segments
                        .into_iter()
                        .map(|seg| match seg {
                            markup::Segment::Text { text } => text,
                            markup::Segment::Redacted { exemptions, text } => format!(
                                "{WITHHELD_OPEN}{}{WITHHELD_SEP}{text}{WITHHELD_CLOSE}",
                                exemptions.join(" ")
                            ),
                        })
                        .collect();
                }
            }
            return markup::plain(s);
        }
        if let Some(ex) = self.withheld_for(path) {
            if s.trim().is_empty() {
                return String::new();
            }
            return self.sentinel(markup::label(&ex));
        }
        let used = &mut self.used;
        self.withholding.release_with(s, |l| {
            used.insert(l.clone());
            format!("{REDACTION_OPEN}{l}{REDACTION_CLOSE}")
        })
    }

    /// A date as the form prints dates.
    fn date(&self, d: NaiveDate) -> String {
        d.format(&self.form.date_format).to_string()
    }

    /// The redaction sentinel of `label`, noted for the legend.
    fn sentinel(&mut self, label: String) -> String {
        let s = format!("{REDACTION_OPEN}{label}{REDACTION_CLOSE}");
        self.used.insert(label);
        s
    }

    fn withheld_for(&self, path: &str) -> Option<Vec<String>> {
        self.withholding.field(path).map(<[String]>::to_vec)
    }

    fn value_text(&mut self, field: &Field, path: &str, v: Option<&Value>) -> String {
        match v {
            None => String::new(),
            // "See attached …": the file travels with the PDF, its name is nobody's business.
            Some(Value::String(s))
                if field.kind == FieldType::Attachment && !s.trim().is_empty() =>
            {
                match &field.attached {
                    Some(a) => self.present(path, a),
                    None => self.present(path, s),
                }
            }
            Some(Value::String(s)) => {
                if field.kind == FieldType::Choice {
                    let label = field
                        .choice(s)
                        .map(|c| c.label.clone())
                        .unwrap_or(s.clone());
                    self.present(path, &label)
                } else {
                    self.present(path, s)
                }
            }
            Some(Value::Boolean(b)) => (if *b { "Yes" } else { "No" }).to_string(),
            Some(Value::Datetime(dt)) => {
                let d = crate::duration::toml_date::from_toml(dt);
                let shown = d.map(|d| self.date(d)).unwrap_or_else(|| dt.to_string());
                self.present(path, &shown)
            }
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| match x {
                    Value::String(s) => self.present(path, s),
                    Value::Integer(_) | Value::Float(_) | Value::Boolean(_) => {
                        self.present(path, &x.to_string())
                    }
                    other => self.wrong_type(path, other),
                })
                // An empty item is no answer: nothing is printed for it, not even a separator.
                .filter(|s| !s.trim().is_empty())
                .collect::<Vec<_>>()
                .join("; "),
            Some(v @ (Value::Integer(_) | Value::Float(_))) => self.present(path, &v.to_string()),
            Some(other) => self.wrong_type(path, other),
        }
    }

    /// A value of a type the form does not expect (an inline table, an array of tables …):
    /// `check` reports it; an internal copy shows it as TOML, a release never prints it.
    fn wrong_type(&mut self, path: &str, v: &Value) -> String {
        if self.release {
            self.sentinel("withheld".into())
        } else {
            self.present(path, &v.to_string())
        }
    }

    /// Every section of the form with the record's items.
    fn sections(&mut self, root: &toml::Table) -> Vec<SectionView> {
        let form = self.form;
        form.sections
            .iter()
            .map(|s| SectionView {
                id: s.id.clone(),
                heading: s.heading.clone(),
                page_heading: s.page_heading.clone().unwrap_or_default(),
                new_page: s.new_page,
                lead: s.lead.clone().unwrap_or_default(),
                text_above_heading: s.text_above_heading,
                text: s.text.clone(),
                footnotes: s.footnotes.clone(),
                items: self.items(root, &s.id),
            })
            .collect()
    }

    fn items(&mut self, root: &toml::Table, section: &str) -> Vec<ItemView> {
        let mut out = Vec::new();
        let tops: Vec<&Field> = self
            .form
            .children("")
            .filter(|f| f.section == section && f.print)
            .collect();
        for f in tops {
            self.item(root.get(&f.key), f, &f.path.clone(), 0, &mut out);
        }
        out
    }

    fn item(
        &mut self,
        v: Option<&Value>,
        f: &Field,
        path: &str,
        depth: usize,
        out: &mut Vec<ItemView>,
    ) {
        let form = self.form;
        let mut item = ItemView {
            path: path.to_string(),
            depth,
            number: printed_number(f.number.as_deref().unwrap_or_default()),
            label: f.label.clone(),
            separator: f.label_separator.clone(),
            question: f.question.clone().unwrap_or_default(),
            conditional: !f.required && f.required_when.is_some(),
            unlabelled: f.unlabelled,
            ..Default::default()
        };
        // What the record says of its source: an answer the source withheld prints as such; an
        // inferred one is marked.
        let bare = crate::form::schema_path(path).replace("[]", "");
        if let Some(p) = self
            .provenance
            .iter()
            .find(|p| crate::form::path_covers(&p.path, path))
        {
            // The note goes on the answer the entry names, not again on each part of it.
            if p.path.replace("[]", "") == bare {
                item.provenance = p.kind.clone();
            }
            if p.kind == crate::form::WITHHELD_IN_SOURCE {
                item.kind = withheld_kind(f);
                item.value = crate::form::withheld_in_source_note(&p.exemptions);
                out.push(item);
                return;
            }
        }
        // A withheld answer of any kind — a rule's Yes/No, a category, a stage, a date, a
        // whole table — prints its exemption label in place of boxes and text.
        if self.release && v.is_some() {
            if let Some(ex) = self.withheld_for(path) {
                item.kind = withheld_kind(f);
                item.value = self.sentinel(markup::label(&ex));
                out.push(item);
                return;
            }
        }
        match &f.kind {
            FieldType::Table if f.compound.is_some() => {
                let t = v.and_then(Value::as_table);
                let (yes_key, expl_key) = compound_keys(form, f);
                item.kind = "yesno";
                item.yes = f.yes.clone().unwrap_or_else(|| "Yes.".into());
                item.no = f.no.clone().unwrap_or_else(|| "No.".into());
                item.answer = t.and_then(|t| t.get(&yes_key)).and_then(Value::as_bool);
                let ep = format!("{path}.{expl_key}");
                item.explanation = t
                    .and_then(|t| t.get(&expl_key))
                    .and_then(Value::as_str)
                    .map(|s| self.present(&ep, s))
                    .unwrap_or_default();
                item.empty = item.answer.is_none();
                out.push(item);
            }
            FieldType::Table => {
                item.kind = "group";
                let t = v.and_then(Value::as_table);
                item.empty = t.is_none_or(|t| t.is_empty());
                let show_group = !item.question.is_empty() || item.number.is_empty();
                let child_depth = if depth == 0 && !show_group {
                    0
                } else {
                    depth + usize::from(!item.question.is_empty())
                };
                let children: Vec<&Field> = form.children(&f.path).filter(|c| c.print).collect();
                let at = f
                    .question_before
                    .as_deref()
                    .and_then(|k| children.iter().position(|c| c.key == k))
                    .unwrap_or(0);
                let mut group = (!item.question.is_empty()).then_some(item);
                let first = out.len();
                for (k, c) in children.iter().enumerate() {
                    if k == at {
                        if let Some(g) = group.take() {
                            out.push(g);
                        }
                    }
                    let cv = t.and_then(|t| t.get(&c.key));
                    let depth = if k < at { depth } else { child_depth };
                    self.item(cv, c, &format!("{path}.{}", c.key), depth, out);
                }
                if let Some(g) = group {
                    out.push(g);
                }
                answers_on_choice_lines(&children, &mut out[first..]);
            }
            FieldType::List => {
                item.kind = "table";
                let cols: Vec<&Field> = form
                    .children(&item_path(f))
                    .filter(|c| c.print && !c.kept)
                    .collect();
                let kept: Vec<&Field> = form
                    .children(&item_path(f))
                    .filter(|c| c.print && c.kept)
                    .collect();
                // A numbered question the form words for a column (7.2.2.1 "Name, age, …")
                // prints before the list, once, as the form's own wording; its cells are
                // labelled with the number, so each answer names the paragraph it answers.
                let mut asked: Vec<&str> = Vec::new();
                for c in &cols {
                    if let (Some(n), Some(q)) = (&c.number, &c.question) {
                        if !asked.contains(&q.as_str()) {
                            asked.push(q);
                            out.push(ItemView {
                                path: format!("{path}[].{}", c.key),
                                depth,
                                kind: "group",
                                number: printed_number(n),
                                label: c.label.clone(),
                                question: q.clone(),
                                ..Default::default()
                            });
                        }
                    }
                }
                item.columns = cols.iter().map(|c| c.display_label()).collect();
                let items = v.and_then(Value::as_array).cloned().unwrap_or_default();
                for (i, row) in items.iter().enumerate() {
                    let t = row.as_table();
                    for c in &kept {
                        let p = format!("{path}[{i}].{}", c.key);
                        let value = self.value_text(c, &p, t.and_then(|t| t.get(&c.key)));
                        if !value.trim().is_empty() {
                            self.kept.push(KeptAnswer {
                                label: kept_label(&f.label, i + 1, &c.label),
                                value,
                            });
                        }
                    }
                    let cells: Vec<String> = cols
                        .iter()
                        .map(|c| {
                            let p = format!("{path}[{i}].{}", c.key);
                            self.value_text(c, &p, t.and_then(|t| t.get(&c.key)))
                        })
                        .collect();
                    // An item with nothing answered is no row: no line of empty cells, and
                    // a list of such items prints as the form prints an empty one.
                    if cells.iter().any(|c| !c.trim().is_empty()) {
                        item.rows.push(cells);
                    }
                }
                // Drop columns nobody filled in.
                let keep: Vec<bool> = (0..item.columns.len())
                    .map(|c| item.rows.iter().any(|r| !r[c].trim().is_empty()))
                    .collect();
                if item.rows.is_empty() {
                    item.columns.truncate(2.min(item.columns.len()));
                } else {
                    item.columns = filter_keep(&item.columns, &keep);
                    item.rows = item.rows.iter().map(|r| filter_keep(r, &keep)).collect();
                }
                item.empty = item.rows.is_empty();
                out.push(item);
            }
            FieldType::Choice if f.as_text => {
                item.kind = "field";
                item.value = self.value_text(f, path, v);
                item.empty = item.value.trim().is_empty();
                out.push(item);
            }
            FieldType::Choice => {
                item.kind = "choice";
                let chosen = v.and_then(Value::as_str).unwrap_or("");
                item.options = f
                    .choices
                    .iter()
                    .filter(|c| c.exempt.is_none() || c.value == chosen)
                    .map(|c| OptionView {
                        label: c.label.clone(),
                        checked: c.value == chosen,
                    })
                    .collect();
                item.value = self.value_text(f, path, v);
                item.empty = chosen.is_empty();
                out.push(item);
            }
            FieldType::Text | FieldType::String if f.boxed => {
                item.kind = "check";
                item.explanation = self.value_text(f, path, v);
                item.answer = Some(!item.explanation.trim().is_empty());
                item.empty = false;
                item.conditional = false;
                out.push(item);
            }
            FieldType::Attachment if f.attached.is_some() => {
                item.kind = "field";
                let named = v
                    .and_then(Value::as_str)
                    .is_some_and(|s| !s.trim().is_empty());
                item.value = match named {
                    true => f.attached.clone().unwrap_or_default(),
                    false => String::new(),
                };
                item.empty = !named;
                out.push(item);
            }
            // A Yes/No worded by the form: both sides printed, the answer ticked — a statement
            // the requester affirms, never a lone box whose emptiness means nothing.
            FieldType::Bool if f.yes.is_some() && f.no.is_some() => {
                item.kind = "yesno";
                item.yes = f.yes.clone().unwrap_or_default();
                item.no = f.no.clone().unwrap_or_default();
                item.answer = v.and_then(Value::as_bool);
                item.empty = item.answer.is_none();
                out.push(item);
            }
            FieldType::Bool => {
                item.kind = "check";
                item.answer = v.and_then(Value::as_bool);
                item.empty = item.answer.is_none();
                out.push(item);
            }
            _ => {
                item.kind = "field";
                item.value = self.value_text(f, path, v);
                item.empty = item.value.trim().is_empty();
                out.push(item);
            }
        }
    }

    /// A document as the page names it: its id and, from the record's list of such documents,
    /// its title (and a SORN's date and Federal Register citation), as the template does:
    /// "DHS/CBP-017 Analytical Framework for Intelligence System, June 7, 2012, 77 FR 13813".
    fn document(&mut self, root: &toml::Table, list: Option<&str>, id: &str) -> String {
        let shown = self.present("determination.ids", id);
        let item = list
            .and_then(|p| crate::check::lookup_value(root, p))
            .and_then(Value::as_array)
            .and_then(|items| {
                items.iter().filter_map(Value::as_table).find(|t| {
                    t.get("id")
                        .and_then(Value::as_str)
                        .map(markup::plain)
                        .as_deref()
                        == Some(id)
                })
            });
        let Some(item) = item else { return shown };
        let list_path = list.unwrap_or_default();
        // What the item leaves empty is left out, not joined: no "DHS/CBP-017 , ".
        let mut parts = vec![shown];
        if let Some(t) = item.get("title").and_then(Value::as_str) {
            let title = self.present(&format!("{list_path}[].title"), t);
            if !title.trim().is_empty() {
                parts[0] = format!("{} {title}", parts[0]);
            }
        }
        if let Some(d) = item
            .get("published")
            .and_then(Value::as_datetime)
            .and_then(crate::duration::toml_date::from_toml)
        {
            parts.push(d.format("%B %-d, %Y").to_string());
        }
        if let Some(c) = item.get("citation").and_then(Value::as_str) {
            parts.push(self.present(&format!("{list_path}[].citation"), c));
        }
        parts.retain(|p| !p.trim().is_empty());
        parts.join(", ")
    }

    fn determination(
        &mut self,
        d: Option<&Determination>,
        root: &toml::Table,
    ) -> DeterminationView {
        let def = &self.form.determination;
        let outcome = d.map(|d| d.outcome.as_str()).unwrap_or("");
        let tick = |label: &str, checked: bool| OptionView {
            label: label.to_string(),
            checked,
        };
        let documentation = def
            .documentation
            .iter()
            .map(|k| {
                let f = d.and_then(|d| d.doc(&k.key));
                let finding = f.map(|f| f.finding.as_str()).unwrap_or("");
                let action = f.map(|f| f.action.as_str()).unwrap_or("");
                let named = f
                    .map(|f| {
                        f.ids
                            .iter()
                            .map(|id| self.document(root, k.listed_in.as_deref(), id))
                            .collect::<Vec<_>>()
                            .join("; ")
                    })
                    .unwrap_or_default();
                // "Updated. <Please include the name and number …>": the placeholder gives way to
                // the documents named.
                let update = match (action == "update", k.update.split_once(" <")) {
                    (true, Some((head, _))) if !named.is_empty() => format!("{head} {named}"),
                    _ => k.update.clone(),
                };
                DocView {
                    required: tick(&k.required, finding == "required"),
                    covered: tick(&k.covered, finding == "covered"),
                    ids: if finding == "covered" {
                        named
                    } else {
                        String::new()
                    },
                    new: tick(&k.new, action == "new"),
                    update: tick(&update, action == "update"),
                }
            })
            .collect();
        let reviewer = d
            .map(|d| self.present("determination.reviewer", &d.reviewer))
            .unwrap_or_default();
        let comments = d
            .map(|d| self.present("determination.comments", &d.comments))
            .unwrap_or_default();
        let analysis = d
            .map(|d| self.present("determination.rules_do_not_comply", &d.rules_do_not_comply))
            .unwrap_or_default();
        let conditions = d
            .map(|d| self.present("determination.conditions", &d.conditions))
            .unwrap_or_default();
        DeterminationView {
            heading: def.heading.clone(),
            subheading: def.subheading.clone().unwrap_or_default(),
            reviewed_label: def.reviewed_label.clone(),
            reviewed: d.map(|d| self.date(d.reviewed)).unwrap_or_default(),
            reviewer_label: def.reviewer_label.clone(),
            reviewer,
            outcome_heading: def.outcome_heading.clone(),
            outcomes: def
                .outcomes
                .iter()
                .map(|o| tick(&o.text, o.value == outcome))
                .collect(),
            // Printed where the template prints them; the outcome they qualify is the rule's.
            options_under: def
                .printed_under
                .as_deref()
                .or(def.options_under.as_deref())
                .and_then(|u| def.outcomes.iter().position(|o| o.value == u))
                .unwrap_or(def.outcomes.len().saturating_sub(1)),
            rules_do_not_comply: def.rules_do_not_comply.as_ref().map(|t| {
                tick(
                    t,
                    d.is_some_and(|d| !d.rules_do_not_comply.trim().is_empty()),
                )
            }),
            rules_analysis: analysis,
            training_required: def
                .training_required
                .as_ref()
                .map(|t| tick(t, d.is_some_and(|d| d.training_required))),
            findings_heading: def.findings_heading.clone().unwrap_or_default(),
            findings: def
                .findings
                .iter()
                .map(|f| {
                    let given = d.and_then(|d| d.findings.get(&f.key));
                    let label = match &f.number {
                        Some(n) => format!("{n} {}", f.text),
                        None => f.text.clone(),
                    };
                    let choices = f
                        .choices_from
                        .as_deref()
                        .and_then(|p| self.form.field(p))
                        .map(|field| {
                            field
                                .choices
                                .iter()
                                .map(|c| {
                                    let on = given.and_then(|g| g.as_str()) == Some(&c.value);
                                    tick(&c.label, on)
                                })
                                .collect()
                        })
                        .unwrap_or_default();
                    FindingView {
                        statement: tick(
                            &label,
                            f.choices_from.is_none()
                                && given.and_then(|g| g.as_bool()) == Some(true),
                        ),
                        choices,
                    }
                })
                .collect(),
            documentation_heading: def.documentation_heading.clone().unwrap_or_default(),
            documentation,
            conditions_heading: def.conditions_heading.clone().unwrap_or_default(),
            conditions,
            comments_heading: def.comments_heading.clone(),
            comments,
            review_by: d
                .and_then(|d| d.review_by)
                .map(|r| self.date(r))
                .unwrap_or_default(),
            submission: d.map(|d| d.submission.to_string()).unwrap_or_default(),
            imported: d
                .and_then(|d| d.imported.as_ref())
                .map(|i| self.present("determination.imported", &i.source))
                .unwrap_or_default(),
            recorded: d.is_some(),
        }
    }
}

/// How smout's page names an answer: its number and label ("5(a) Equipment").
pub(crate) fn kept_name(i: &ItemView) -> String {
    format!("{} {}", i.number, i.label).trim().to_string()
}

/// A choice that asks a sibling's answer on its own line ("Operational. Date first launched:")
/// prints it there, and the sibling is not printed again on a line of its own.
fn answers_on_choice_lines(children: &[&Field], items: &mut [ItemView]) {
    for c in children {
        let Some(ci) = items
            .iter()
            .position(|i| i.kind == "choice" && i.path.ends_with(&format!(".{}", c.key)))
        else {
            continue;
        };
        let parent = items[ci].path[..items[ci].path.len() - c.key.len() - 1].to_string();
        for choice in c.choices.iter().filter(|o| o.with_answer.is_some()) {
            let key = choice.with_answer.as_deref().unwrap_or_default();
            let at = format!("{parent}.{key}");
            let Some(si) = items.iter().position(|i| i.path == at) else {
                continue;
            };
            items[si].on_choice_line = true;
            let value = items[si].value.clone();
            if value.trim().is_empty() {
                continue;
            }
            if let Some(o) = items[ci]
                .options
                .iter_mut()
                .find(|o| o.label == choice.label)
            {
                o.label = format!("{} {value}", o.label);
            }
        }
    }
}

fn filter_keep(v: &[String], keep: &[bool]) -> Vec<String> {
    v.iter()
        .zip(keep)
        .filter(|(_, k)| **k)
        .map(|(s, _)| s.clone())
        .collect()
}

/// The Yes/No key and the explanation key of a compound answer (its first bool and first text).
fn compound_keys(form: &Form, f: &Field) -> (String, String) {
    let kids: Vec<&Field> = form.children(&f.path).collect();
    let yes = kids
        .iter()
        .find(|c| c.kind == FieldType::Bool)
        .map(|c| c.key.clone())
        .unwrap_or_default();
    let expl = kids
        .iter()
        .find(|c| matches!(c.kind, FieldType::Text | FieldType::String))
        .map(|c| c.key.clone())
        .unwrap_or_default();
    (yes, expl)
}

/// What a form prints for each section, in order, as an empty record shows it: the headings,
/// questions, boxes and table columns `smout import` reads a filled-in document against.
pub fn printed_items(form: &Form) -> Vec<SectionView> {
    let root = toml::Table::new();
    let mut b = ViewBuilder {
        form,
        release: false,
        marks: false,
        withholding: Default::default(),
        used: Default::default(),
        provenance: Vec::new(),
        kept: Vec::new(),
    };
    b.sections(&root)
}

/// Build the view of a record.
pub fn build_view(reg: &Register, src: &Source<'_>, opts: &RenderOptions) -> Result<View> {
    view_of(reg, src, opts, false)
}

/// The view of a record; `marks`: an internal copy marks what a release withholds.
pub(super) fn view_of(
    reg: &Register,
    src: &Source<'_>,
    opts: &RenderOptions,
    marks: bool,
) -> Result<View> {
    let root: toml::Table = toml::from_str(src.text).map_err(|e| Error::InvalidRecord {
        what: src.origin.clone(),
        message: e.message().to_string(),
    })?;
    let form_id = root.get("form").and_then(Value::as_str).unwrap_or("");
    let form = reg.forms.get(form_id).ok_or_else(|| Error::NoForm {
        id: form_id.to_string(),
        known: reg.forms.ids().join(", "),
    })?;
    // A release withholds a text the record marks wherever the record prints it (a name
    // marked in the title, unmarked in a description or a determination's comments).
    let mut withholding = match opts.audience.is_release() {
        true => crate::release::Withholding::of([&root]),
        false => crate::release::Withholding::fields_of(&root),
    };
    if let Some(also) = src.also {
        withholding.add(also);
    }
    let mut b = ViewBuilder {
        form,
        release: opts.audience.is_release(),
        marks: marks && !opts.audience.is_release(),
        withholding,
        used: Default::default(),
        provenance: crate::form::provenance(&root),
        kept: Vec::new(),
    };
    let sections = b.sections(&root);
    let title_raw = root.get("title").and_then(Value::as_str).unwrap_or("");
    let title = b.present("title", title_raw);
    let component = match &form.index.component {
        Some(p) => {
            let raw = crate::check::lookup_value(&root, p)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string();
            b.present(p, &raw)
        }
        None => String::new(),
    };
    let determination = b.determination(src.determinations.latest(), &root);
    let settings = &reg.settings;
    let banner = if opts.audience.is_release() {
        settings.markings.release_banner.clone()
    } else {
        settings.markings.banner.clone()
    };
    let inferred = sections
        .iter()
        .flat_map(|s| &s.items)
        .filter(|i| i.provenance == "inferred")
        .map(kept_name)
        .collect();
    let kept = KeptView {
        heading: KEPT_HEADING.to_string(),
        intro: format!(
            "smout adds this page to the {} form: the pages before it print the form's own wording and the record's answers; what smout records of this copy is here.",
            form.title
        ),
        inferred_heading: INFERRED_HEADING.to_string(),
        inferred,
        answers: std::mem::take(&mut b.kept),
    };
    Ok(View {
        kept,
        form: FormView {
            id: form.id.clone(),
            title: form.title.clone(),
            version: form.version.clone(),
            version_label: form.version_label.clone().unwrap_or_default(),
            issuer: form.issuer.clone(),
            lang: form.lang.clone(),
        },
        id: src.id.to_string(),
        title,
        component,
        release: opts.audience.is_release(),
        banner: banner.unwrap_or_default(),
        register: settings.name.clone(),
        sections,
        determination,
        exemptions_used: b.used.into_iter().collect(),
        mark: src.mark.clone(),
        revision: src.revision.clone(),
    })
}

/// How a withheld answer prints: a rule keeps its heading (number, label, wording) as the
/// released filing does ("b) Email and accounts. … (b) (7)(E)"), anything else as a field.
fn withheld_kind(f: &Field) -> &'static str {
    let rule = (f.kind == FieldType::Table && f.compound.is_some())
        || (f.kind == FieldType::Bool && f.yes.is_some());
    if rule {
        "withheld-rule"
    } else {
        "field"
    }
}

/// A question's number as printed: "1" → "1."; a paragraph number of the Directive ("8.2.1")
/// and a rule's letter ("5(a)") stand as they are.
fn printed_number(n: &str) -> String {
    if n.is_empty() || n.contains('.') || n.ends_with(')') {
        n.to_string()
    } else {
        format!("{n}.")
    }
}

#[cfg(test)]
mod tests;
