//! A diff printed as text (for a terminal) or Markdown.

use super::model::{ChangeKind, RecordDiff};

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
