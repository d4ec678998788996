//! The Privacy Office's page, read into a determination for `smout determine --from`.

use regex::Regex;
use toml::{Table, Value};

use super::marks::with_marks;
use super::matching::{after_anchor, boxed, find, norm_str};
use super::model::Todo;
use super::reader::{box_lines, continues, push_joined, Reader};
use super::source::Unit;
use super::values::{parse_date, search_pattern, toml_date};

impl Reader<'_> {
    /// The Privacy Office's page, from unit `start` (its heading) on.
    pub(super) fn determination(&mut self, start: usize, source_name: &str, sha256: &str) {
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
        let review =
            Regex::new(r"(?:^|\s)Review by ([^ (]+) \(determination on submission").expect("valid");
        if let Some((i, _, _, rest)) = find_line(&d.comments_heading) {
            let mut parts = Vec::new();
            if !rest.is_empty() {
                parts.push(rest);
            }
            // smout's own page follows the form's: it is not the reviewer's comments.
            let mut kept = false;
            for (t, _) in &lines[i + 1..] {
                if let Some(c) = review.captures(t) {
                    if let Some(dt) = parse_date(&c[1], form) {
                        out.insert("review_by".into(), toml_date(dt));
                    }
                    continue;
                }
                kept |= norm_str(t).starts_with(&norm_str(crate::render::KEPT_HEADING));
                if !kept {
                    parts.push(t.clone());
                }
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
