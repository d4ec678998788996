//! `new`: the record skeleton a drafter fills in any editor. Every question of the form stands
//! above its key as a comment, with its printed wording, choices and help, so the file explains
//! itself; unanswered keys are left empty or commented out so `check` reports them as missing.

use crate::form::{item_path, Field, FieldType, Form};

const WIDTH: usize = 96;

/// Above a multi-line answer: how its lines print (see `render::text::paragraphs`).
const MULTI_LINE: &str =
    "Write it over as many lines as you like: one newline continues the paragraph; a blank line starts a new one.";

/// The TOML text of a new record of `form`.
pub fn skeleton(form: &Form, title: &str) -> String {
    let mut out = String::new();
    // taplo (and VS Code's Even Better TOML) read this line: completion and validation from the
    // schema `smout schema <form> > schemas/<form>.json` writes at the register's root.
    out += &format!("#:schema ../../schemas/{}.json\n", form.id);
    out += &format!(
        "# {} — form {} (version {})\n",
        form.title, form.id, form.version
    );
    out += "#\n";
    comment(
        &mut out,
        "",
        "Answer every question below, then run `smout check <id>`: it lists what is missing or wrong, with the line to fix. Mark text that must be withheld from FOIA and public releases as [[b6 b7C: text]]; `smout render --release` removes it.",
    );
    out += "\n";
    out += &format!("form = \"{}\"\n", form.id);
    out += &format!("form_version = \"{}\"\n", form.version);
    let mut section = String::new();
    emit(form, "", None, &mut section, title, &mut out);
    out
}

fn emit(
    form: &Form,
    parent: &str,
    header: Option<String>,
    section: &mut String,
    title: &str,
    out: &mut String,
) {
    if let Some(h) = header {
        out.push('\n');
        out.push_str(&h);
        out.push('\n');
    }
    let children: Vec<&Field> = form.children(parent).collect();
    for f in children.iter().filter(|f| !f.is_container()) {
        if parent.is_empty() {
            heading(form, f, section, out);
        }
        scalar(f, title, out);
    }
    for f in children.iter().filter(|f| f.is_container()) {
        if parent.is_empty() {
            heading(form, f, section, out);
        }
        let table_path = f.path.replace("[]", "");
        let mut intro = String::new();
        describe(f, &mut intro);
        out.push('\n');
        out.push_str(&intro);
        let header = match f.kind {
            FieldType::List => {
                comment(
                    out,
                    "",
                    "One [[…]] block per item; copy the block for more.",
                );
                format!("[[{table_path}]]")
            }
            _ => format!("[{table_path}]"),
        };
        emit(form, &item_path(f), Some(header), section, title, out);
    }
}

fn heading(form: &Form, f: &Field, current: &mut String, out: &mut String) {
    if *current == f.section {
        return;
    }
    *current = f.section.clone();
    if let Some(s) = form.sections.iter().find(|s| s.id == f.section) {
        out.push('\n');
        out.push_str(&format!("# {}\n", "=".repeat(WIDTH - 2)));
        out.push_str(&format!("# {}\n", s.heading));
        if let Some(lead) = &s.lead {
            comment(out, "", lead);
        }
        for fnote in &s.footnotes {
            comment(out, "", fnote);
        }
        out.push_str(&format!("# {}\n", "=".repeat(WIDTH - 2)));
    }
}

fn describe(f: &Field, out: &mut String) {
    let mut head = match &f.number {
        Some(n) => format!("{n}. {}", f.label),
        None => f.label.clone(),
    };
    if f.required {
        head.push_str(" (required)");
    }
    comment(out, "", &head);
    if let Some(q) = &f.question {
        if q.trim_end_matches(':') != f.label {
            comment(out, "", q);
        }
    }
    if let Some(h) = &f.help {
        comment(out, "", h);
    }
    if !f.choices.is_empty() {
        out.push_str("# Choices:\n");
        for c in &f.choices {
            let exempt = if c.exempt.is_some() {
                " — exempt: no filing needed"
            } else {
                ""
            };
            comment(out, "  ", &format!("\"{}\" — {}{exempt}", c.value, c.label));
        }
    }
    if let (Some(yes), Some(no)) = (&f.yes, &f.no) {
        // A compound's Yes is its `complies`; a Yes/No the form words is the field's own key.
        let key = match f.kind {
            FieldType::Bool => f.key.as_str(),
            _ => "complies",
        };
        comment(
            out,
            "",
            &format!("{key} = true: {yes}  {key} = false: {no}"),
        );
    }
}

fn scalar(f: &Field, title: &str, out: &mut String) {
    out.push('\n');
    describe(f, out);
    if f.kind == FieldType::Text {
        comment(out, "", MULTI_LINE);
    }
    let line = match f.kind {
        FieldType::Text => format!("{} = \"\"\"\n\"\"\"", f.key),
        FieldType::Date => format!("# {} = YYYY-MM-DD", f.key),
        FieldType::Bool => format!("# {} = true   # true = Yes, false = No", f.key),
        FieldType::Integer => format!("# {} = 0", f.key),
        FieldType::Strings => format!("{} = []", f.key),
        _ if f.path == "title" => format!("{} = {}", f.key, toml_string(title)),
        _ => format!("{} = \"\"", f.key),
    };
    out.push_str(&line);
    out.push('\n');
}

fn toml_string(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Append `text` as `# ` comment lines wrapped at the skeleton's width.
fn comment(out: &mut String, indent: &str, text: &str) {
    let mut line = format!("# {indent}");
    let base = line.len();
    for word in text.split_whitespace() {
        if line.len() > base && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = format!("# {indent}  ");
        }
        if !line.ends_with(' ') {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(line.trim_end());
    out.push('\n');
}
