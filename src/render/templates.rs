//! The one place tera is set up: built-in templates embedded in the binary, a register's own
//! `templates/` folder overriding them (per form: `templates/<form-id>/record.html`), and the
//! filters every template uses to print text safely in its format.

use std::collections::HashMap;
use std::path::Path;

use tera::{Context, Kwargs, State, Tera};

use super::marks::{escape_html, ITALIC_CLOSE, ITALIC_OPEN};
use super::marks::{REDACTION_CLOSE, REDACTION_OPEN};
use super::model::{Format, View};
use super::text::{paragraphs, PARAGRAPH_BREAK};
use crate::error::{Error, Result};

/// The template set of a register.
pub struct Templates {
    tera: Tera,
    /// A SHA-256 of every template's name and text.
    fingerprint: String,
}

impl Templates {
    /// Built-in templates, overridden by files in `dir` (a register's `templates/`).
    pub fn load(dir: Option<&Path>) -> Result<Templates> {
        Templates::load_where(dir, |_| true)
    }

    /// [`Templates::load`], compiling only what renders records in `format`: the templates of
    /// other formats (the site's pages, Markdown, …) are left out; any other file (a partial a
    /// register's template includes) is kept. The fingerprint is still of every template.
    pub fn load_for(dir: Option<&Path>, format: Format) -> Result<Templates> {
        let wanted = format!(".{}", format.template_ext());
        Templates::load_where(dir, |name| {
            name.ends_with(&wanted)
                || ![".html", ".md", ".pdf", ".css", ".js"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
        })
    }

    fn load_where(dir: Option<&Path>, compile: impl Fn(&str) -> bool) -> Result<Templates> {
        let mut sources: HashMap<String, String> = crate::form::BUILTIN_TEMPLATES
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        if let Some(dir) = dir {
            collect(dir, dir, &mut sources)?;
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.register_filter("html", html_filter);
        tera.register_filter("html_title", html_title_filter);
        tera.register_filter("md", md_filter);
        tera.register_filter("pdf", pdf_filter);
        // A template that extends another is added after the others (tera needs its parent).
        let mut ordered: Vec<(&String, &String)> = sources.iter().collect();
        ordered.sort_by_key(|(name, text)| (text.contains("{% extends"), name.as_str()));
        let fingerprint = crate::digest::sha256_of_parts(
            ordered
                .iter()
                .flat_map(|(name, text)| [name.as_bytes(), text.as_bytes()]),
        );
        for (name, text) in ordered.into_iter().filter(|(name, _)| compile(name)) {
            tera.add_raw_template(name, text)
                .map_err(|e| Error::Template {
                    name: name.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(Templates { tera, fingerprint })
    }

    /// A SHA-256 of every template's name and text: what changes whenever a rendering may.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Render the view in a format; the form's own template wins over the generic one.
    pub fn render(&self, view: &View, format: Format) -> Result<String> {
        let specific = format!("{}/record.{}", view.form.id, format.template_ext());
        let generic = format!("record.{}", format.template_ext());
        let name = if self.tera.contains_template(&specific) {
            specific
        } else {
            generic
        };
        let ctx = Context::from_serialize(view).map_err(|e| Error::Template {
            name: name.clone(),
            message: e.to_string(),
        })?;
        self.tera.render(&name, &ctx).map_err(|e| {
            let mut message = e.to_string();
            let mut src = std::error::Error::source(&e);
            while let Some(s) = src {
                message.push_str(": ");
                message.push_str(&s.to_string());
                src = s.source();
            }
            Error::Template { name, message }
        })
    }
}

impl Templates {
    /// Render any named template with any serializable context.
    pub fn render_named<T: serde::Serialize>(&self, name: &str, ctx: &T) -> Result<String> {
        let ctx = Context::from_serialize(ctx).map_err(|e| Error::Template {
            name: name.to_string(),
            message: e.to_string(),
        })?;
        self.tera.render(name, &ctx).map_err(|e| Error::Template {
            name: name.to_string(),
            message: e.to_string(),
        })
    }
}

fn collect(base: &Path, dir: &Path, out: &mut HashMap<String, String>) -> Result<()> {
    // Links are refused, not followed: `templates/record.html -> /etc/passwd` must not render.
    let entries = crate::store::fs::list_dir(dir).map_err(|source| Error::File {
        path: dir.to_path_buf(),
        source,
    })?;
    for (p, ft) in entries {
        if ft.is_dir() {
            collect(base, &p, out)?;
        } else if let Ok(rel) = p.strip_prefix(base) {
            let name = rel.to_string_lossy().replace('\\', "/");
            let text = crate::store::read_text_file(&p, crate::store::fs::MAX_TEXT_BYTES)?
                .unwrap_or_default();
            out.insert(name, text);
        }
    }
    Ok(())
}

/// Split text at redaction sentinels: (is_label, text).
fn pieces(s: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find(REDACTION_OPEN) {
        if i > 0 {
            out.push((false, &rest[..i]));
        }
        let after = &rest[i + REDACTION_OPEN.len_utf8()..];
        let end = after.find(REDACTION_CLOSE).unwrap_or(after.len());
        out.push((true, &after[..end]));
        rest = after.get(end + REDACTION_CLOSE.len_utf8()..).unwrap_or("");
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Form text marks the template's italics `*thus*` (a directive's title): pieces of `s`, each
/// with whether it is emphasized. A lone `*` stays as it is.
fn emphasis(s: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('*') {
        let Some(j) = rest[i + 1..].find('*') else {
            break;
        };
        out.push((false, &rest[..i]));
        out.push((true, &rest[i + 1..i + 1 + j]));
        rest = &rest[i + 2 + j..];
    }
    out.push((false, rest));
    out.retain(|(_, p)| !p.is_empty());
    out
}

/// The `emphasis=true` argument: the string is the form's wording, whose `*…*` are italics.
fn emphasized(kw: &Kwargs) -> bool {
    kw.get::<bool>("emphasis").ok().flatten().unwrap_or(false)
}

/// `s` in a format: each piece escaped by `text`, the emphasized ones then wrapped by `em`.
fn with_emphasis(s: &str, text: impl Fn(&str) -> String, em: impl Fn(String) -> String) -> String {
    emphasis(s)
        .into_iter()
        .map(|(on, p)| match on {
            true => em(text(p)),
            false => text(p),
        })
        .collect()
}

/// Text for HTML: escaped, its paragraphs apart (`</p><p>` between them), redactions as
/// labelled boxes. Marked safe.
fn html_filter(s: &str, kw: Kwargs, _: &State) -> tera::Value {
    // `inline=true`: text where a `<p>` cannot open (a table cell, a list item, the page's
    // title) keeps its paragraphs apart with a line break.
    let between = match kw.get::<bool>("inline").ok().flatten().unwrap_or(false) {
        true => "<br>\n",
        false => "</p>\n<p>",
    };
    let emphasis = emphasized(&kw);
    let out = paragraphs(s)
        .iter()
        .map(|p| match emphasis {
            true => with_emphasis(p, escape_html, |t| format!("<em>{t}</em>")),
            false => html_text(p),
        })
        .collect::<Vec<_>>()
        .join(between);
    tera::Value::safe_string(&out)
}

/// Text for an HTML `<title>`, where markup is not read but shown: escaped, redactions as
/// `[(b) (6)]`, paragraphs a space apart.
fn html_title_filter(s: &str, _: Kwargs, _: &State) -> String {
    paragraphs(s)
        .iter()
        .map(|p| {
            pieces(p)
                .into_iter()
                .map(|(label, text)| match label {
                    true => format!("[{}]", escape_html(text)),
                    false => escape_html(text),
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One paragraph for HTML: escaped, redactions as labelled boxes.
fn html_text(s: &str) -> String {
    let mut out = String::new();
    for (label, text) in pieces(s) {
        if label {
            let l = escape_html(text);
            out.push_str(&format!(
                "<span class=\"redaction\" role=\"img\" aria-label=\"withheld under FOIA exemption {l}\">{l}</span>"
            ));
        } else {
            out.push_str(&escape_html(text));
        }
    }
    out
}

/// Text for Markdown: special characters escaped, redactions as bold labels, paragraphs
/// apart by a blank line.
fn md_filter(s: &str, kw: Kwargs, _: &State) -> String {
    let emphasis = emphasized(&kw);
    paragraphs(s)
        .iter()
        .map(|p| match emphasis {
            true => with_emphasis(p, md_text, |t| format!("*{t}*")),
            false => md_text(p),
        })
        .collect::<Vec<_>>()
        .join(PARAGRAPH_BREAK)
}

/// One paragraph (or a piece of one) for Markdown.
fn md_text(s: &str) -> String {
    let mut out = String::new();
    for (label, text) in pieces(s) {
        if label {
            out.push_str(&format!("**[{text}]**"));
        } else {
            md_chars(text, &mut out);
        }
    }
    escape_line_starts(&out)
}

/// `text` with each character Markdown reads as syntax (emphasis, code, links and images,
/// HTML, headings, tables, strike-through) escaped, onto `out`.
fn md_chars(text: &str, out: &mut String) {
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
}

/// Text as Markdown shows it literally, as `render --format md` escapes a record's text: no
/// HTML, link, image or emphasis of the writer's own, and no line read as a list, rule or fence.
pub(crate) fn md_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    md_chars(s, &mut out);
    escape_line_starts(&out)
}

/// A value line that Markdown would read as structure — a rule or setext underline (`---`,
/// `===`), a fence (`~~~`), a list item (`- `, `+ `, `1. `) — is escaped at its start.
fn escape_line_starts(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let body = line.trim_start();
        let lead = &line[..line.len() - body.len()];
        out.push_str(lead);
        let digits = body.chars().take_while(char::is_ascii_digit).count();
        if body.starts_with(['-', '+', '=', '~']) {
            out.push('\\');
            out.push_str(body);
        } else if digits > 0 && body[digits..].starts_with(['.', ')']) {
            out.push_str(&body[..digits]);
            out.push('\\');
            out.push_str(&body[digits..]);
        } else {
            out.push_str(body);
        }
    }
    out
}

/// Text for the PDF block language: one line, its paragraphs apart by an escaped
/// [`PARAGRAPH_BREAK`] and `|` escaped; with `emphasis=true` (the form's wording) its `*…*`
/// become the italic marks the layout sets in italics, which every other string never carries.
fn pdf_filter(s: &str, kw: Kwargs, _: &State) -> String {
    let plain = |s: &str| -> String {
        s.replace([ITALIC_OPEN, ITALIC_CLOSE], "")
            .replace('\\', "\\\\")
            .replace('|', "\\|")
    };
    let emphasis = emphasized(&kw);
    paragraphs(s)
        .iter()
        .map(|p| match emphasis {
            true => with_emphasis(p, plain, |t| format!("{ITALIC_OPEN}{t}{ITALIC_CLOSE}")),
            false => plain(p),
        })
        .collect::<Vec<_>>()
        .join(&PARAGRAPH_BREAK.replace('\n', "\\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_lines_never_become_markdown_structure() {
        let s = escape_line_starts("intro\n---\n~~~ fence\n  - item\n1. one\n12) x");
        assert_eq!(
            s,
            "intro\n\\---\n\\~~~ fence\n  \\- item\n1\\. one\n12\\) x"
        );
        assert_eq!(escape_line_starts("plain -- text 3.5"), "plain -- text 3.5");
    }
}
