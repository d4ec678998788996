//! A text source: a transcription, or the text of a PDF through `pdftotext`.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::model::{Unit, CHECKED, LOST_CLOSE, LOST_OPEN, UNCHECKED};
use crate::error::Result;
use crate::import::refusal::Refusal;

/// The text of a PDF through poppler's `pdftotext`.
pub(super) fn pdf_text(path: &Path) -> Result<String> {
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
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

/// The units of a PDF's text as `pdftotext -layout` lays it out: the running lines every page
/// repeats (a banner, a heading, "Version date: … Page N of M") and the footnotes at a page's
/// foot dropped, footnote markers glued to a label removed, and a block of lines in aligned
/// columns under a header row of three or more read as a table.
pub(super) fn pdf_units(text: &str, name: &str) -> Vec<Unit> {
    let text = text
        .replace("\r\n", "\n")
        .replace([LOST_OPEN, LOST_CLOSE], "");
    // Lines, each with its page.
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut page = 0usize;
    for l in text.split('\n') {
        let mut l = l;
        while let Some(rest) = l.strip_prefix('\u{c}') {
            page += 1;
            l = rest;
        }
        lines.push((page, l.trim_end().to_string()));
    }
    let pages = lines.last().map_or(0, |(p, _)| p + 1);
    let mut keep: Vec<bool> = lines.iter().map(|(_, l)| !l.trim().is_empty()).collect();
    // "Page 3 of 9", alone or at the end of a footer line.
    for (i, (_, l)) in lines.iter().enumerate() {
        if PAGE_OF.is_match(l.trim()) {
            keep[i] = false;
        }
    }
    // Lines among the first or last three of most pages' lines.
    if pages >= 3 {
        let mut seen: std::collections::HashMap<String, std::collections::HashSet<usize>> =
            Default::default();
        for p in 0..pages {
            let idx: Vec<usize> = (0..lines.len())
                .filter(|&i| lines[i].0 == p && keep[i])
                .collect();
            let edge = idx.iter().take(3).chain(idx.iter().rev().take(3));
            for &i in edge {
                seen.entry(squash(&lines[i].1)).or_default().insert(p);
            }
        }
        for (i, (_, l)) in lines.iter().enumerate() {
            if keep[i] && seen.get(&squash(l)).is_some_and(|s| s.len() * 2 >= pages) {
                keep[i] = false;
            }
        }
    }
    // A footnote: a block after a blank line starting with a superscript number, the last block
    // of its page.
    let mut i = 0;
    while i < lines.len() {
        let starts = keep[i]
            && lines[i].1.trim_start().starts_with(SUPERSCRIPTS)
            && i > 0
            && lines[i - 1].1.trim().is_empty();
        if starts {
            let p = lines[i].0;
            let mut j = i;
            while j < lines.len() && lines[j].0 == p && !lines[j].1.trim().is_empty() {
                j += 1;
            }
            let mut k = j;
            while k < lines.len() && lines[k].0 == p && !keep[k] {
                k += 1;
            }
            if k >= lines.len() || lines[k].0 != p {
                for x in keep.iter_mut().take(j).skip(i) {
                    *x = false;
                }
                i = j;
                continue;
            }
        }
        i += 1;
    }
    // Tables, then the rest as paragraphs (dropped lines read as blank ones, keeping the
    // numbers of the lines).
    let mut tables: Vec<(usize, Vec<Vec<String>>)> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some((rows, end)) = table_at(&lines, &keep, i) {
            tables.push((i, rows));
            for x in keep.iter_mut().take(end).skip(i) {
                *x = false;
            }
            i = end;
        } else {
            i += 1;
        }
    }
    // A paragraph ends at a line well short of the page's width, before a line set further
    // left, and before a box: the layout's lines are one line of the page each.
    // (The page's width: the length most lines reach, three in four no longer.)
    let mut lens: Vec<usize> = lines
        .iter()
        .zip(&keep)
        .filter(|(_, k)| **k)
        .map(|((_, l), _)| l.chars().count())
        .collect();
    lens.sort_unstable();
    let width = lens.get(lens.len() * 3 / 4).copied().unwrap_or(0);
    let indent_of = |l: &str| l.chars().take_while(|c| *c == ' ').count();
    // Each line of `rest`, and the line of the page's text it stands for.
    let mut rest: Vec<String> = Vec::new();
    let mut at: Vec<usize> = Vec::new();
    let mut prev: Option<&str> = None;
    for (n, ((_, l), k)) in lines.iter().zip(&keep).enumerate() {
        at.push(n);
        if !*k {
            rest.push(String::new());
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let t = l.trim_start();
            let ends = p.chars().count() * 5 < width * 4
                || indent_of(l) < indent_of(p)
                || t.starts_with([CHECKED, UNCHECKED]);
            if ends {
                rest.push(String::new());
                at.push(n);
            }
        }
        let c = l.replace(SUPERSCRIPTS, "");
        let indent = indent_of(&c);
        rest.push(format!("{}{}", " ".repeat(indent), squash(&c)));
        prev = Some(l);
    }
    let mut paras: Vec<(usize, Unit)> = text_units(&rest.join("\n"), name)
        .into_iter()
        .map(|u| {
            let n = u
                .loc()
                .rsplit(':')
                .next()
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(1);
            let line = at.get(n - 1).copied().unwrap_or(0);
            let u = match u {
                Unit::Para { text, soft, .. } => Unit::Para {
                    text,
                    soft,
                    loc: format!("{name}:{}", line + 1),
                },
                t => t,
            };
            (line, u)
        })
        .collect();
    paras.extend(tables.into_iter().map(|(i, rows)| {
        (
            i,
            Unit::Table {
                rows,
                loc: format!("{name}:{}", i + 1),
            },
        )
    }));
    paras.sort_by_key(|(i, _)| *i);
    paras.into_iter().map(|(_, u)| u).collect()
}

const SUPERSCRIPTS: [char; 10] = ['¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹', '⁰'];

static PAGE_OF: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|\s)Page \d+ of \d+$").expect("valid"));

/// A line's words with single spaces between them.
fn squash(l: &str) -> String {
    l.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A line's pieces of text set apart by two spaces or more, each with its column.
fn chunks(l: &str) -> Vec<(usize, String)> {
    let chars: Vec<char> = l.chars().collect();
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ' ' {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && !(chars[i] == ' ' && chars.get(i + 1).is_none_or(|c| *c == ' ')) {
            i += 1;
        }
        out.push((start, chars[start..i].iter().collect()));
    }
    out
}

/// Two pieces of a line set far apart: "Name" and "Ana Beatriz Lopes", not "1." and a question.
fn wide_pair(head: &[(usize, String)]) -> bool {
    let (c0, t0) = &head[0];
    let (c1, _) = &head[1];
    *c1 >= 16 && *c1 >= c0 + t0.chars().count() + 6
}

/// The table whose header row is line `i` — three or more columns (or two, see [`wide_pair`]), the next line's text in the
/// same columns — with the line after its last: rows start where the first column has text and
/// every column the row's first line filled is filled again, or all columns but one; other
/// lines continue the row.
fn table_at(
    lines: &[(usize, String)],
    keep: &[bool],
    i: usize,
) -> Option<(Vec<Vec<String>>, usize)> {
    if !keep[i] {
        return None;
    }
    let head = chunks(&lines[i].1);
    // Two columns only as a label | value (or two-heading) table: its second column well to
    // the right.
    let pair = head.len() == 2;
    if head.len() < 2 || pair && !wide_pair(&head) {
        return None;
    }
    let cols: Vec<usize> = head.iter().map(|(c, _)| *c).collect();
    let col_of = |c: usize| cols.iter().position(|&s| s.abs_diff(c) <= 1);
    let mut rows: Vec<Vec<String>> = vec![head.into_iter().map(|(_, t)| t).collect()];
    let mut first_filled: Vec<bool> = vec![true; cols.len()];
    let mut j = i + 1;
    while j < lines.len() && keep[j] {
        let ch = chunks(&lines[j].1);
        let mut cells: Vec<Option<String>> = vec![None; cols.len()];
        for (c, t) in ch {
            match col_of(c) {
                Some(k) if cells[k].is_none() => cells[k] = Some(t),
                _ => {
                    if rows.len() < 2 {
                        return None;
                    }
                    return Some((rows, j));
                }
            }
        }
        let filled: Vec<bool> = cells.iter().map(Option::is_some).collect();
        // A wrapped cell's next line fills a column or two; a row of its own fills all but at
        // most one (a contact with no e-mail), and its first column.
        let count = filled.iter().filter(|f| **f).count();
        let all_again = first_filled.iter().zip(&filled).all(|(a, b)| !a || *b);
        let nearly_all = cols.len() >= 3 && count + 1 >= cols.len();
        let new_row =
            j > i + 1 && filled[0] && (all_again || nearly_all) || j == i + 1 && filled[0];
        if new_row {
            first_filled = filled;
            rows.push(cells.into_iter().map(Option::unwrap_or_default).collect());
        } else {
            let last = rows.last_mut().expect("a header row");
            for (k, c) in cells.into_iter().enumerate() {
                if let Some(t) = c {
                    if last[k].is_empty() {
                        last[k] = t;
                    } else {
                        last[k] = format!("{} {t}", last[k]);
                    }
                }
            }
        }
        j += 1;
    }
    if rows.len() < 2 {
        return None;
    }
    Some((rows, j))
}
