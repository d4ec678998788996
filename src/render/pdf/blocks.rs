//! The block language the PDF templates write: one directive a line (`@h1`, `@q`, `@check`,
//! `@table` …), parsed into blocks.

use super::metrics::*;
use crate::error::{Error, Result};

// ---------------------------------------------------------------------------------------------
// The block language.

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Page,
    Running(String),
    H1(String),
    H2(String),
    Lead(String),
    P(String),
    Note(String),
    /// A footnote: its text starts with its marker (`² Counsel listed here …`).
    Footnote(String),
    Question(String, String),
    Rule(String, String, String),
    Field(String, String),
    Answer(String),
    Check(bool, String),
    Indent(usize),
    Table(Vec<String>, Vec<Vec<String>>),
    Space,
    Address(Vec<String>),
}

#[derive(Debug, Default)]
pub(crate) struct Doc {
    pub(crate) meta_title: String,
    pub(crate) meta_author: String,
    pub(crate) meta_subject: String,
    /// The document's language (`@meta lang|en-US`), for `/Lang`.
    pub(crate) meta_lang: String,
    pub(crate) banner: String,
    pub(crate) footer: String,
    pub(crate) blocks: Vec<Block>,
    /// The paper (`@sheet landscape` turns it).
    pub(super) sheet: Sheet,
}

pub(super) fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Split a directive's argument at unescaped `|`.
pub(super) fn cells(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                let last = out.last_mut().expect("one cell");
                last.push('\\');
                if let Some(n) = chars.next() {
                    last.push(n);
                }
            }
            '|' => out.push(String::new()),
            c => out.last_mut().expect("one cell").push(c),
        }
    }
    out.into_iter().map(|c| unescape(c.trim())).collect()
}

pub(super) fn parse(text: &str) -> Result<Doc> {
    let mut doc = Doc {
        meta_lang: "en-US".into(),
        ..Doc::default()
    };
    let mut table: Option<(Vec<String>, Vec<Vec<String>>)> = None;
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        let (cmd, arg) = line.split_once(' ').unwrap_or((line, ""));
        let arg = arg.trim();
        let bad = || Error::Template {
            name: "record.pdf".into(),
            message: format!(
                "line {}: `{line}` is not a block directive (@p, @h1, @check …)",
                n + 1
            ),
        };
        let two = |a: &str| {
            let c = cells(a);
            (
                c.first().cloned().unwrap_or_default(),
                c.get(1).cloned().unwrap_or_default(),
            )
        };
        match cmd {
            "@meta" => {
                let (k, v) = two(arg);
                match k.as_str() {
                    "title" => doc.meta_title = v,
                    "author" => doc.meta_author = v,
                    "subject" => doc.meta_subject = v,
                    "lang" => doc.meta_lang = v,
                    _ => return Err(bad()),
                }
            }
            "@sheet" => match arg.trim() {
                "landscape" => doc.sheet = Sheet::LETTER.landscape(),
                "portrait" => doc.sheet = Sheet::LETTER,
                _ => return Err(bad()),
            },
            "@banner" => doc.banner = unescape(arg),
            "@footer" => doc.footer = unescape(arg),
            "@page" => doc.blocks.push(Block::Page),
            "@running" => doc.blocks.push(Block::Running(unescape(arg))),
            "@h1" => doc.blocks.push(Block::H1(unescape(arg))),
            "@h2" => doc.blocks.push(Block::H2(unescape(arg))),
            "@lead" => doc.blocks.push(Block::Lead(unescape(arg))),
            "@p" => doc.blocks.push(Block::P(unescape(arg))),
            "@note" => doc.blocks.push(Block::Note(unescape(arg))),
            "@footnote" => doc.blocks.push(Block::Footnote(unescape(arg))),
            "@answer" => doc.blocks.push(Block::Answer(unescape(arg))),
            "@space" => doc.blocks.push(Block::Space),
            "@q" => {
                let (a, b) = two(arg);
                doc.blocks.push(Block::Question(a, b));
            }
            "@rule" => {
                let c = cells(arg);
                let get = |i: usize| c.get(i).cloned().unwrap_or_default();
                doc.blocks.push(Block::Rule(get(0), get(1), get(2)));
            }
            "@field" => {
                let (a, b) = two(arg);
                doc.blocks.push(Block::Field(a, b));
            }
            "@check" => {
                let (a, b) = two(arg);
                doc.blocks.push(Block::Check(!a.trim().is_empty(), b));
            }
            "@indent" => doc
                .blocks
                .push(Block::Indent(arg.parse().map_err(|_| bad())?)),
            "@address" => doc.blocks.push(Block::Address(cells(arg))),
            "@table" => table = Some((cells(arg), Vec::new())),
            "@row" => match table.as_mut() {
                Some((_, rows)) => rows.push(cells(arg)),
                None => return Err(bad()),
            },
            "@end" => match table.take() {
                Some((h, r)) => doc.blocks.push(Block::Table(h, r)),
                None => return Err(bad()),
            },
            _ => return Err(bad()),
        }
    }
    if let Some((h, r)) = table {
        doc.blocks.push(Block::Table(h, r));
    }
    Ok(doc)
}
