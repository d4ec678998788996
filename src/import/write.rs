//! Writing: the record's and the determination's text, and the refusal of lost marks.

use toml::{Table, Value};

use super::model::{Draft, Todo, DETERMINATION_FILE, PLACEHOLDER};
use super::source::{self, Unit};
use crate::error::{Error, Result};
use crate::form::Form;

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
    let mut body = toml::to_string(&root).map_err(|e| Error::Write {
        what: "the imported record",
        source: Box::new(e),
    })?;
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
pub(super) fn determination_text(id: &str, det: &Table, todos: &[Todo]) -> Result<String> {
    let body = toml::to_string(det).map_err(|e| Error::Write {
        what: "the imported determination",
        source: Box::new(e),
    })?;
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
pub(super) fn refuse_lost_marks(units: &[Unit], draft: &Draft, name: &str) -> Result<()> {
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
    Err(super::refusal::Refusal::LostMarks {
        name: name.to_string(),
        n,
        what,
        style: source::WITHHOLD_STYLE,
    }
    .into())
}
