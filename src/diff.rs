//! The semantic diff of two versions of a record: per field, in the form's order, labelled with
//! the form's question ("5(c) Public interaction: Complies"), word-level for prose, list items
//! matched by their identity (a PIA by its id, a contact by name) rather than by position. Each
//! change says whether the field is *material*: a material change needs a new review.

use serde::Serialize;
use toml::{Table, Value};

use crate::form::{item_path, Field, FieldType, Form};
use crate::release::Audience;
use crate::session::Session;

/// What happened to a field or list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Answered now, not before (or a list item added).
    Added,
    /// Answered before, not now (or a list item removed).
    Removed,
    /// A different answer.
    Changed,
    /// The same words, wrapped differently: never material.
    Reflowed,
}

/// A piece of a word-level diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inline {
    /// `equal`, `delete` or `insert`.
    pub op: &'static str,
    /// The words.
    pub text: String,
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The field's path in the record (`summary.pia[1].id`).
    pub path: String,
    /// How the form names it.
    pub label: String,
    /// The section it is printed in.
    pub section: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// Needs a new review.
    pub material: bool,
    /// The old answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
    /// Word-level changes, for prose.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inline: Vec<Inline>,
}

/// The changes between two versions of one record.
#[derive(Debug, Clone, Serialize)]
pub struct RecordDiff {
    /// The record.
    pub id: String,
    /// What the old side is (`submission/2`, a commit, `worktree`).
    pub from: String,
    /// What the new side is.
    pub to: String,
    /// The changes, in form order.
    pub changes: Vec<Change>,
    /// Any change is material.
    pub material: bool,
}

impl RecordDiff {
    /// Compare two parsed versions of a record.
    pub fn new(
        form: &Form,
        id: &str,
        from: &str,
        to: &str,
        old: &Table,
        new: &Table,
    ) -> RecordDiff {
        let changes = Self::changes(form, old, new, true);
        let material = changes.iter().any(|c| c.material);
        RecordDiff {
            id: id.to_string(),
            from: from.to_string(),
            to: to.to_string(),
            changes,
            material,
        }
    }

    /// [`RecordDiff::summary`] of the change from `old` to `new`, without the word diffs it
    /// does not show (a timeline summarises every revision of every record).
    pub fn summary_of(form: &Form, old: &Table, new: &Table) -> String {
        summary(&Self::changes(form, old, new, false))
    }

    /// The changed answers, each with its word diff when `inline_words`.
    fn changes(form: &Form, old: &Table, new: &Table, inline_words: bool) -> Vec<Change> {
        let mut changes = Vec::new();
        if old.get("form_version") != new.get("form_version") {
            changes.push(Change {
                path: "form_version".into(),
                label: "Form version".into(),
                section: String::new(),
                kind: ChangeKind::Changed,
                material: true,
                old: old.get("form_version").map(show_plain),
                new: new.get("form_version").map(show_plain),
                inline: Vec::new(),
            });
        }
        walk(
            form,
            "",
            "",
            "",
            Some(old),
            Some(new),
            inline_words,
            &mut changes,
        );
        changes
    }

    /// A one-line summary: "3 changes (2 material): 5(c) Public interaction: Complies, …".
    pub fn summary(&self) -> String {
        summary(&self.changes)
    }
}

/// The one-line summary of `changes` ([`RecordDiff::summary`]).
fn summary(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no change to the answers".into();
    }
    let n = changes.len();
    let m = changes.iter().filter(|c| c.material).count();
    let mut labels: Vec<&str> = Vec::new();
    for c in changes {
        if !labels.contains(&c.label.as_str()) {
            labels.push(&c.label);
        }
    }
    let shown: Vec<&str> = labels.iter().take(3).copied().collect();
    let more = if labels.len() > 3 {
        format!(", and {} more", labels.len() - 3)
    } else {
        String::new()
    };
    format!(
        "{n} change{} ({m} material): {}{more}",
        if n == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

fn show_plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// How an answer is shown in a diff.
fn show(field: &Field, v: &Value) -> String {
    match v {
        Value::String(s) if field.kind == FieldType::Choice => match field.choice(s) {
            Some(c) => format!("{} ({})", c.label, c.value),
            None => s.clone(),
        },
        Value::String(s) => s.clone(),
        Value::Boolean(b) => (if *b { "Yes" } else { "No" }).into(),
        Value::Array(a) => a.iter().map(show_plain).collect::<Vec<_>>().join("; "),
        other => other.to_string(),
    }
}

fn answered(v: Option<&Value>) -> Option<&Value> {
    v.filter(|v| match v {
        Value::String(s) => !s.trim().is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Table(t) => !t.is_empty(),
        _ => true,
    })
}

/// The child used to match list items across versions: `id`, else `name`, else the first
/// required string.
fn identity(form: &Form, list: &Field) -> Option<String> {
    let kids: Vec<&Field> = form.children(&item_path(list)).collect();
    ["id", "name"]
        .iter()
        .find_map(|k| kids.iter().find(|c| c.key == *k))
        .or_else(|| {
            kids.iter()
                .find(|c| c.required && c.kind == FieldType::String)
        })
        .map(|c| c.key.clone())
}

/// The key under which a release copy's list items carry their identity's fingerprint (a key
/// no TOML file can hold, and no form field has).
const MATCH_KEY: &str = "\u{0}match";

/// Give every list item (at any depth) the fingerprint of its identity as the record has it
/// (`id`, else `name`, else its first string), before a release copy withholds it.
fn fingerprint_items(t: &mut Table) {
    use sha2::{Digest, Sha256};
    for (_, v) in t.iter_mut() {
        match v {
            Value::Array(items) => {
                for item in items.iter_mut() {
                    if let Value::Table(it) = item {
                        // The identity's text, marked or not: a name marked since is the
                        // same person.
                        let ident = ["id", "name"]
                            .iter()
                            .find_map(|k| it.get(*k).and_then(Value::as_str))
                            .or_else(|| it.values().find_map(Value::as_str))
                            .map(|s| crate::markup::plain(s).trim().to_string());
                        fingerprint_items(it);
                        if let Some(ident) = ident {
                            let d = Sha256::digest(ident.as_bytes());
                            let hex = crate::digest::hex(&d[..12]);
                            it.insert(MATCH_KEY.into(), Value::String(hex));
                        }
                    }
                }
            }
            Value::Table(inner) => fingerprint_items(inner),
            _ => {}
        }
    }
}

/// Release copies of two versions of a record, for a diff or a summary of it: each withholds
/// whatever *either* version, or `current` (the record as it stands), withholds
/// ([`crate::release::Withholding`]) — a field listed under `[release] redact` or text marked
/// `[[…]]` since is withheld from the older version too. List items carry the fingerprint of
/// their identity, to be matched across versions by it.
pub fn release_copies(old: &Table, new: &Table, current: Option<&Table>) -> (Table, Table) {
    let w = crate::release::Withholding::of([old, new].into_iter().chain(current));
    let copy = |t: &Table| {
        let mut t = t.clone();
        fingerprint_items(&mut t);
        w.copy(&t)
    };
    (copy(old), copy(new))
}

/// Compare record `id` between two revisions as `diff` names them (`None`: the approved
/// submission, else the latest one; and the working tree). A `release` comparison is made on
/// release copies of both sides ([`release_copies`]), each withholding what either side or the
/// record as it stands withholds: no exempt text can reach any printer.
pub fn compare(
    reg: &Session,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    audience: Audience,
) -> crate::Result<RecordDiff> {
    crate::register::validate_id(id)?;
    reg.require_record(id)?;
    compare_in(reg, reg.store(), id, from, to, audience)
}

/// [`compare`] through an open store (the site compares thousands of records through one per
/// worker, with its tags and history already read). `id` is a record of `reg`.
pub fn compare_in(
    reg: &crate::register::Register,
    store: &crate::store::Store,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
    audience: Audience,
) -> crate::Result<RecordDiff> {
    let release = audience.is_release();
    use crate::error::Error;
    use crate::store::history::Side;
    let (from, from_name) = match from {
        Some(r) => crate::revision::resolve(reg, store, id, r)?,
        None => match crate::revision::resolve(reg, store, id, "approved") {
            Ok(side) => side,
            Err(_) => crate::revision::resolve(reg, store, id, "submitted").map_err(|_| {
                Error::Refused(format!(
                    "{id} was never submitted, so there is nothing to compare against by default; name a revision: smout diff {id} HEAD"
                ))
            })?,
        },
    };
    let (to, to_name) = match to {
        Some(r) => crate::revision::resolve(reg, store, id, r)?,
        None => (Side::Worktree, "working tree".to_string()),
    };
    let parse = |side: &Side, name: &str| -> crate::Result<Table> {
        let text = store.record_text(id, side)?;
        let t: Table = toml::from_str(&text).map_err(|e| Error::InvalidRecord {
            what: format!("{id} at {name}"),
            message: e.message().to_string(),
        })?;
        Ok(t)
    };
    let old = parse(&from, &from_name)?;
    let new = parse(&to, &to_name)?;
    let (old, new) = match release {
        true => release_copies(
            &old,
            &new,
            crate::revision::current_record(store, id).as_ref(),
        ),
        false => (old, new),
    };
    let form_id = new
        .get("form")
        .or(old.get("form"))
        .and_then(|v| v.as_str())
        .unwrap_or("");
    let form = reg.forms.get(form_id).ok_or_else(|| Error::NoForm {
        id: form_id.into(),
        known: reg.forms.ids().join(", "),
    })?;
    Ok(RecordDiff::new(form, id, &from_name, &to_name, &old, &new))
}

/// Whether any material answer differs (no labels or word diffs: for `status`).
pub fn material_change(form: &Form, old: &Table, new: &Table) -> bool {
    if old.get("form_version") != new.get("form_version") {
        return true;
    }
    let mut changes = Vec::new();
    walk(form, "", "", "", Some(old), Some(new), false, &mut changes);
    changes.iter().any(|c| c.material)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    form: &Form,
    schema_parent: &str,
    concrete_parent: &str,
    label_prefix: &str,
    old: Option<&Table>,
    new: Option<&Table>,
    inline_words: bool,
    out: &mut Vec<Change>,
) {
    for f in form.children(schema_parent) {
        let path = if concrete_parent.is_empty() {
            f.key.clone()
        } else {
            format!("{concrete_parent}.{}", f.key)
        };
        let label = format!("{label_prefix}{}", f.display_label());
        let ov = answered(old.and_then(|t| t.get(&f.key)));
        let nv = answered(new.and_then(|t| t.get(&f.key)));
        match f.kind {
            FieldType::Table | FieldType::Compound(_) => {
                walk(
                    form,
                    &f.path,
                    &path,
                    label_prefix,
                    ov.and_then(Value::as_table),
                    nv.and_then(Value::as_table),
                    inline_words,
                    out,
                );
            }
            FieldType::List => list(form, f, &path, &label, ov, nv, inline_words, out),
            _ => {
                if ov == nv {
                    continue;
                }
                let (o, n) = (ov.map(|v| show(f, v)), nv.map(|v| show(f, v)));
                if o == n {
                    continue;
                }
                // Prose is compared with white space folded: re-wrapping a paragraph (a space
                // become a line break) changes no answer and reopens no review.
                let reflowed = matches!(f.kind, FieldType::Text | FieldType::String)
                    && matches!((&o, &n), (Some(a), Some(b)) if fold_ws(a) == fold_ws(b));
                let kind = match (&o, &n) {
                    _ if reflowed => ChangeKind::Reflowed,
                    (None, Some(_)) => ChangeKind::Added,
                    (Some(_), None) => ChangeKind::Removed,
                    _ => ChangeKind::Changed,
                };
                let inline = match (&o, &n, &f.kind) {
                    _ if !inline_words || reflowed => Vec::new(),
                    (Some(a), Some(b), FieldType::Text | FieldType::String)
                        if a.len() + b.len() > 40 =>
                    {
                        words(a, b)
                    }
                    _ => Vec::new(),
                };
                out.push(Change {
                    path,
                    label,
                    section: f.section.clone(),
                    kind,
                    material: f.material && !reflowed,
                    old: if reflowed { None } else { o },
                    new: if reflowed { None } else { n },
                    inline,
                });
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn list(
    form: &Form,
    f: &Field,
    path: &str,
    label: &str,
    ov: Option<&Value>,
    nv: Option<&Value>,
    inline_words: bool,
    out: &mut Vec<Change>,
) {
    let empty = Vec::new();
    let olds = ov.and_then(Value::as_array).unwrap_or(&empty);
    let news = nv.and_then(Value::as_array).unwrap_or(&empty);
    let key = identity(form, f);
    // An item whose identity is left empty is known by its place: "Contact Information: #2",
    // never "Contact Information: " (which a summary then joins to "Contact Information: , …").
    let key_of = |v: &Value, i: usize| -> String {
        key.as_ref()
            .and_then(|k| v.get(k.as_str()))
            .map(|v| crate::markup::plain(&show_plain(v)).trim().to_string())
            .filter(|k| !k.is_empty())
            .unwrap_or_else(|| format!("#{}", i + 1))
    };
    // An item with nothing answered has no summary to print (no bare "+").
    let summary = |v: &Value| -> Option<String> {
        let s = match v.as_table() {
            Some(t) => form
                .children(&item_path(f))
                .filter_map(|c| answered(t.get(&c.key)).map(|x| show(c, x)))
                .filter(|s| s.chars().count() <= 120)
                .collect::<Vec<_>>()
                .join(", "),
            None => show_plain(v),
        };
        (!s.trim().is_empty()).then_some(s)
    };
    // Items are matched on their identity as the record has it: a release copy's identities
    // are FOIA labels, alike for every withheld name, so it carries the unredacted identity's
    // fingerprint ([`MATCH_KEY`]), used to pair items and never printed.
    let match_of = |v: &Value, i: usize| -> String {
        match v.get(MATCH_KEY).and_then(Value::as_str) {
            Some(m) => m.to_string(),
            None => key_of(v, i),
        }
    };
    let old_keys: Vec<String> = olds
        .iter()
        .enumerate()
        .map(|(i, v)| match_of(v, i))
        .collect();
    let new_keys: Vec<String> = news
        .iter()
        .enumerate()
        .map(|(i, v)| match_of(v, i))
        .collect();
    let old_labels: Vec<String> = olds.iter().enumerate().map(|(i, v)| key_of(v, i)).collect();
    let new_labels: Vec<String> = news.iter().enumerate().map(|(i, v)| key_of(v, i)).collect();
    for (i, k) in old_keys.iter().enumerate() {
        if !new_keys.contains(k) {
            out.push(Change {
                path: format!("{path}[{i}]"),
                label: format!("{label}: {}", old_labels[i]),
                section: f.section.clone(),
                kind: ChangeKind::Removed,
                material: f.material || form.children(&item_path(f)).any(|c| c.material),
                old: summary(&olds[i]),
                new: None,
                inline: Vec::new(),
            });
        }
    }
    for (j, k) in new_keys.iter().enumerate() {
        let shown = &new_labels[j];
        match old_keys.iter().position(|o| o == k) {
            None => out.push(Change {
                path: format!("{path}[{j}]"),
                label: format!("{label}: {shown}"),
                section: f.section.clone(),
                kind: ChangeKind::Added,
                material: f.material || form.children(&item_path(f)).any(|c| c.material),
                old: None,
                new: summary(&news[j]),
                inline: Vec::new(),
            }),
            Some(i) => walk(
                form,
                &item_path(f),
                &format!("{path}[{j}]"),
                &format!("{label} ({shown}): "),
                olds[i].as_table(),
                news[j].as_table(),
                inline_words,
                out,
            ),
        }
    }
}

/// The words of a text, one space between each.
fn fold_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a text, each with the white space before it (the text's white space after its
/// last word is dropped).
fn spaced_words(s: &str) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let word_at = rest.len() - rest.trim_start().len();
        if word_at == rest.len() {
            return out;
        }
        let after = &rest[word_at..];
        let len = after.find(char::is_whitespace).unwrap_or(after.len());
        out.push((&rest[..word_at], &after[..len]));
        rest = &after[len..];
    }
}

/// Word-level diff of two texts: the words are compared, each piece carries the white space
/// before its words as its side has it (a word moved to a new line is the same word, and a
/// change of white space alone is none).
pub fn words(a: &str, b: &str) -> Vec<Inline> {
    use similar::{capture_diff_slices, Algorithm, DiffTag};
    let (old, new) = (spaced_words(a), spaced_words(b));
    let ow: Vec<&str> = old.iter().map(|w| w.1).collect();
    let nw: Vec<&str> = new.iter().map(|w| w.1).collect();
    let mut out: Vec<Inline> = Vec::new();
    let mut push = |op: &'static str, words: &[(&str, &str)]| {
        for (space, word) in words {
            match out.last_mut() {
                Some(last) if last.op == op => {
                    last.text.push_str(space);
                    last.text.push_str(word);
                }
                _ => out.push(Inline {
                    op,
                    text: format!("{space}{word}"),
                }),
            }
        }
    };
    for d in capture_diff_slices(Algorithm::Myers, &ow, &nw) {
        let (tag, o, n) = d.as_tag_tuple();
        match tag {
            DiffTag::Equal => push("equal", &new[n]),
            DiffTag::Delete => push("delete", &old[o]),
            DiffTag::Insert => push("insert", &new[n]),
            DiffTag::Replace => {
                push("delete", &old[o]);
                push("insert", &new[n]);
            }
        }
    }
    out
}

/// Render a diff as text (`color` for a terminal) or Markdown (`md`).
pub fn render_text(d: &RecordDiff, color: bool, md: bool) -> String {
    let (red, green, bold, dim, reset) = if color && !md {
        ("\x1b[31m", "\x1b[32m", "\x1b[1m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "", "")
    };
    // Markdown: every word of a drafter's (an answer, a list item's name), and the revision
    // names, escaped as `render --format md` escapes them: a comment shows them, never an
    // image, a link or HTML of theirs.
    let esc = |s: &str| match md {
        true => crate::render::md_escape(s),
        false => s.to_string(),
    };
    let mut out = String::new();
    if md {
        out += &format!("### `{}`: {} → {}\n\n", d.id, esc(&d.from), esc(&d.to));
    } else {
        out += &format!("{bold}{}{reset}: {} → {}\n", d.id, d.from, d.to);
    }
    for c in &d.changes {
        let tag = if c.material { " [material]" } else { "" };
        let what = match c.kind {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
            ChangeKind::Reflowed => "reflowed, same words",
        };
        if md {
            out += &format!(
                "\n**{}** — {what}{}\n\n",
                esc(&c.label),
                if c.material { " (material)" } else { "" }
            );
        } else {
            out += &format!(
                "\n{bold}{}{reset} {dim}({what}){reset}{bold}{tag}{reset}\n",
                c.label
            );
        }
        if !c.inline.is_empty() {
            let mut line = String::new();
            let mut deleted = false;
            for p in &c.inline {
                // Text: an insertion replacing a deletion follows it right after, as git's
                // word diff prints it (`[-old-]{+new+}`).
                let text = match (p.op, deleted, md) {
                    ("insert", true, false)
                        if !p.text[..p.text.len() - p.text.trim_start().len()].contains('\n') =>
                    {
                        p.text.trim_start()
                    }
                    _ => p.text.as_str(),
                };
                deleted = p.op == "delete";
                let (open, close) = match (p.op, md) {
                    ("equal", _) => {
                        line.push_str(&esc(&p.text));
                        continue;
                    }
                    ("delete", true) => ("~~", "~~"),
                    ("insert", true) => ("**", "**"),
                    ("delete", false) if color => (red, reset),
                    ("insert", false) if color => (green, reset),
                    ("delete", false) => ("[-", "-]"),
                    (_, _) => ("{+", "+}"),
                };
                marked(&mut line, (open, close), text, &esc, md);
            }
            // Markdown: a quote (four spaces would make a code block of it).
            let lead = if md { "> " } else { "    " };
            for l in line.lines() {
                out += &format!("{lead}{l}\n");
            }
            continue;
        }
        if let Some(o) = &c.old {
            let o = esc(&one_line(o));
            out += &if md {
                format!("- before: {o}\n")
            } else {
                format!("  {red}- {o}{reset}\n")
            };
        }
        if let Some(n) = &c.new {
            let n = esc(&one_line(n));
            out += &if md {
                format!("- after: {n}\n")
            } else {
                format!("  {green}+ {n}{reset}\n")
            };
        }
    }
    out += "\n";
    out += &closing_line(d);
    out += "\n";
    out
}

/// A deleted or inserted piece of a word diff, onto `line`: its words (escaped by `esc`)
/// between the markers line by line, the white space around them outside — GitHub and GitLab
/// read `** word**` as no emphasis at all — and nothing for a piece without words (no
/// `~~~~`). With `apart`, a piece right after another (an insertion after the deletion it
/// replaces, at the start of a text) is set apart from it by a space.
fn marked(
    line: &mut String,
    (open, close): (&str, &str),
    text: &str,
    esc: &dyn Fn(&str) -> String,
    apart: bool,
) {
    if text.trim().is_empty() {
        return;
    }
    let spaced = |s: &str| s.is_empty() || s.ends_with(char::is_whitespace);
    if apart && !spaced(line) && !text.starts_with(char::is_whitespace) {
        line.push(' ');
    }
    for (i, part) in text.split('\n').enumerate() {
        if i > 0 {
            line.push('\n');
        }
        let core = part.trim();
        let lead = &part[..part.len() - part.trim_start().len()];
        if core.is_empty() {
            line.push_str(lead);
            continue;
        }
        let trail = &part[part.trim_end().len()..];
        line.push_str(lead);
        line.push_str(open);
        line.push_str(&esc(core));
        line.push_str(close);
        line.push_str(trail);
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The verdict under a diff.
pub fn closing_line(d: &RecordDiff) -> String {
    let n = d.changes.len();
    let m = d.changes.iter().filter(|c| c.material).count();
    if n == 0 {
        return "no changes".into();
    }
    let s = if n == 1 { "" } else { "s" };
    if d.material {
        format!(
            "{n} change{s}, {m} material: a new review is needed (`smout submit {}` once checked)",
            d.id
        )
    } else {
        format!("{n} change{s}, none material: no new review is needed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::FormSet;

    const MINIMAL: &str = include_str!("../tests/fixtures/valid/minimal.toml");

    fn diff(edit: impl Fn(&str) -> String) -> RecordDiff {
        let set = FormSet::builtin().unwrap();
        let form = set.get("dhs-smout").unwrap();
        let old: Table = toml::from_str(MINIMAL).unwrap();
        let new: Table = toml::from_str(&edit(MINIMAL)).unwrap();
        RecordDiff::new(form, "x", "submission/1", "worktree", &old, &new)
    }

    fn kinds(d: &RecordDiff) -> Vec<(String, ChangeKind, bool)> {
        d.changes
            .iter()
            .map(|c| (c.path.clone(), c.kind, c.material))
            .collect()
    }

    #[test]
    fn the_same_record_has_no_change() {
        let d = diff(|t| t.to_string());
        assert!(d.changes.is_empty() && !d.material);
        assert_eq!(d.summary(), "no change to the answers");
    }

    #[test]
    fn rewrapped_prose_is_reflowed_never_material() {
        let d = diff(|t| t.replace("\"Open-source research.\"", "\"Open-source\\n  research.\""));
        assert_eq!(
            kinds(&d),
            [("use.description".to_string(), ChangeKind::Reflowed, false)]
        );
    }

    #[test]
    fn a_new_answer_is_labelled_with_the_question_and_word_diffed() {
        let d = diff(|t| t.replace("Open-source research.", "Open-source research of threats."));
        assert_eq!(d.changes.len(), 1);
        let c = &d.changes[0];
        assert_eq!((c.kind, c.material), (ChangeKind::Changed, true));
        assert!(c.label.contains("escri"), "{}", c.label);
        let inserted: Vec<&str> = c
            .inline
            .iter()
            .filter(|i| i.op == "insert")
            .map(|i| i.text.as_str())
            .collect();
        // Words carry their punctuation: "research." became "research of threats.".
        assert_eq!(inserted.concat().trim(), "research of threats.");
        assert!(material_change(
            FormSet::builtin().unwrap().get("dhs-smout").unwrap(),
            &toml::from_str(MINIMAL).unwrap(),
            &toml::from_str(&MINIMAL.replace("Open-source research.", "Other.")).unwrap()
        ));
    }

    #[test]
    fn an_item_with_nothing_answered_is_named_by_its_place_never_by_an_empty_name() {
        // A contact as `smout new` writes it, beside a changed component: the summary names
        // both, and joins nothing empty ("Contact Information: , Name of Component").
        let d = diff(|t| {
            t.replace(
                "[[summary.counsel]]",
                "[[summary.contacts]]\nname = \"\"\ntitle = \"\"\n\n[[summary.counsel]]",
            )
            .replace("U.S. Customs and Border Protection", "CBP")
        });
        assert_eq!(
            d.summary(),
            "2 changes (1 material): Name of Component, Contact Information: #2"
        );
        let added = d
            .changes
            .iter()
            .find(|c| c.kind == ChangeKind::Added)
            .unwrap();
        assert_eq!((added.old.as_deref(), added.new.as_deref()), (None, None));
    }

    #[test]
    fn list_items_are_matched_by_identity_not_position() {
        // A second PIA before the first: one added item, the first unchanged.
        let d = diff(|t| {
            t.replace(
                "[[summary.pia]]\nid = \"DHS/CBP/PIA-010(a)\"",
                "[[summary.pia]]\nid = \"DHS/CBP/PIA-001\"\ntitle = \"Other\"\n\n[[summary.pia]]\nid = \"DHS/CBP/PIA-010(a)\"",
            )
        });
        let k = kinds(&d);
        assert_eq!(k.len(), 1, "{k:?}");
        assert_eq!(k[0].1, ChangeKind::Added);
        assert!(
            d.changes[0]
                .new
                .as_deref()
                .unwrap_or("")
                .contains("PIA-001"),
            "{:?}",
            d.changes[0]
        );
    }
}
