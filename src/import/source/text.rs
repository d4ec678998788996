//! A text source: a transcription, or the text of a PDF through `pdftotext`.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::model::{Unit, LOST_CLOSE, LOST_OPEN};
use crate::error::Result;
use crate::import::refusal::Refusal;

/// The text of a PDF through poppler's `pdftotext`.
pub(super) fn pdf_text(path: &Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-enc")
        .arg("UTF-8")
        .arg(path)
        .arg("-")
        .output()
        .map_err(|_| Refusal::NoPdftotext(path.to_path_buf()))?;
    if !out.status.success() {
        return Err(Refusal::PdftotextFailed {
            path: path.to_path_buf(),
            why: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        }
        .into());
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Does this line start a list item (`- `, `* `, `• `, `1. `)?
fn starts_item(line: &str) -> bool {
    let t = line.trim_start();
    if t.starts_with("- ") || t.starts_with("* ") || t.starts_with("• ") {
        return true;
    }
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && digits < 3 && t[digits..].starts_with(". ")
}

static SUP: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"<sup>[^<]*</sup>").expect("valid"));
static LINK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\[([^\]\[]*)\]\([^)]*\)").expect("valid"));
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*([^*\n]+)\*").expect("valid"));

/// Markdown-ish decoration of a transcription (headings, emphasis, footnote markers, links,
/// escapes) removed; text otherwise kept.
fn clean_line(line: &str) -> String {
    let mut s = line.trim_end().to_string();
    let t = s.trim_start();
    if let Some(rest) = t.strip_prefix('#') {
        s = rest.trim_start_matches('#').trim_start().to_string();
    }
    // <sup>2</sup> footnote markers, links [text](#), escapes \( \).
    s = SUP.replace_all(&s, "").into_owned();
    s = LINK.replace_all(&s, "$1").into_owned();
    s = s
        .replace("\\(", "(")
        .replace("\\)", ")")
        .replace("***", "")
        .replace("**", "");
    // A lone `*word.*` emphasis.
    s = EMPHASIS.replace_all(&s, "$1").into_owned();
    let t = s.trim_start();
    let t = t
        .strip_prefix("- ")
        .or_else(|| t.strip_prefix("* "))
        .or_else(|| t.strip_prefix("• "))
        .unwrap_or(t);
    t.trim_end().to_string()
}

/// Paragraphs of a text: lines up to a blank line, a new list item starting a paragraph.
pub fn text_units(text: &str, name: &str) -> Vec<Unit> {
    let text = text
        .replace("\r\n", "\n")
        .replace(['\r', '\u{c}'], "\n")
        .replace([LOST_OPEN, LOST_CLOSE], "");
    let mut out = Vec::new();
    let mut cur: Vec<String> = Vec::new();
    let mut start = 0usize;
    let flush = |cur: &mut Vec<String>, start: usize, out: &mut Vec<Unit>| {
        if cur.is_empty() {
            return;
        }
        let text = std::mem::take(cur).join("\n");
        if text.trim() == "---" || text.trim().is_empty() {
            return;
        }
        out.push(Unit::Para {
            text,
            soft: true,
            loc: format!("{name}:{}", start + 1),
        });
    };
    for (i, line) in text.split('\n').enumerate() {
        if line.trim().is_empty() {
            flush(&mut cur, start, &mut out);
            continue;
        }
        if starts_item(line) || cur.is_empty() {
            flush(&mut cur, start, &mut out);
            start = i;
        }
        let c = clean_line(line);
        if !c.is_empty() {
            cur.push(c);
        }
    }
    flush(&mut cur, start, &mut out);
    out
}
