//! Our own PDF layout: the `record.pdf` template emits a small block language (one directive a
//! line: `@h1`, `@p`, `@check`, `@table` …); this module wraps it into lines, paginates (keeping a
//! heading with what follows, repeating table headers), then draws each page with printpdf's
//! low-level ops and a header/footer pass ("Page N of M", the marking banner).
//!
//! Text is set in embedded DejaVu Sans so ☒ and ☐ print and no system font is needed. Each
//! text run is its own text section positioned with `SetTextMatrix`. Output is reproducible:
//! object ids, fonts and the document ID are derived from the input, dates from the timestamp.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Greyscale, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument,
    PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, Rect, TextItem, TextMatrix, WindingOrder,
};
use sha2::{Digest, Sha256};

use super::{REDACTION_CLOSE, REDACTION_OPEN};
use crate::error::{Error, Result};

const REGULAR_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");
const BOLD_TTF: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Bold.ttf");

const PAGE_W: f32 = 612.0;
const PAGE_H: f32 = 792.0;
const MARGIN_X: f32 = 60.0;
const TOP: f32 = PAGE_H - 78.0;
const BOTTOM: f32 = 70.0;
const BODY: f32 = 10.0;
const LEADING: f32 = 1.32;
const INDENT: f32 = 18.0;
const BOX_TICKED: &str = "☒";
const BOX_EMPTY: &str = "☐";

struct Fonts {
    regular: ParsedFont,
    bold: ParsedFont,
    upem: [f32; 2],
}

fn fonts() -> &'static Fonts {
    static F: OnceLock<Fonts> = OnceLock::new();
    F.get_or_init(|| {
        let regular = ParsedFont::from_bytes(REGULAR_TTF, 0, &mut Vec::new())
            .expect("embedded DejaVu Sans parses");
        let bold = ParsedFont::from_bytes(BOLD_TTF, 0, &mut Vec::new())
            .expect("embedded DejaVu Sans Bold parses");
        let upem = [
            f32::from(regular.pdf_font_metrics.units_per_em.max(1)),
            f32::from(bold.pdf_font_metrics.units_per_em.max(1)),
        ];
        Fonts {
            regular,
            bold,
            upem,
        }
    })
}

/// Width of `s` in points.
fn text_width(s: &str, bold: bool, size: f32) -> f32 {
    let f = fonts();
    let (font, upem) = if bold {
        (&f.bold, f.upem[1])
    } else {
        (&f.regular, f.upem[0])
    };
    let units: u32 = s
        .chars()
        .map(|c| {
            let gid = font.lookup_glyph_index(c as u32).unwrap_or(0);
            u32::from(font.get_horizontal_advance(gid))
        })
        .sum();
    units as f32 / upem * size
}

// ---------------------------------------------------------------------------------------------
// The block language.

#[derive(Debug, Clone)]
enum Block {
    Page,
    Running(String),
    H1(String),
    H2(String),
    Lead(String),
    P(String),
    Note(String),
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
struct Doc {
    meta_title: String,
    meta_author: String,
    meta_subject: String,
    banner: String,
    footer: String,
    blocks: Vec<Block>,
}

fn unescape(s: &str) -> String {
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
fn cells(s: &str) -> Vec<String> {
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

fn parse(text: &str) -> Result<Doc> {
    let mut doc = Doc::default();
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
                    _ => return Err(bad()),
                }
            }
            "@banner" => doc.banner = unescape(arg),
            "@footer" => doc.footer = unescape(arg),
            "@page" => doc.blocks.push(Block::Page),
            "@running" => doc.blocks.push(Block::Running(unescape(arg))),
            "@h1" => doc.blocks.push(Block::H1(unescape(arg))),
            "@h2" => doc.blocks.push(Block::H2(unescape(arg))),
            "@lead" => doc.blocks.push(Block::Lead(unescape(arg))),
            "@p" => doc.blocks.push(Block::P(unescape(arg))),
            "@note" => doc.blocks.push(Block::Note(unescape(arg))),
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

// ---------------------------------------------------------------------------------------------
// Layout: blocks → units (unbreakable strips of drawing) → pages.

#[derive(Debug, Clone)]
enum Draw {
    Text {
        x: f32,
        y: f32,
        text: String,
        bold: bool,
        size: f32,
        grey: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<f32>,
        stroke: bool,
    },
    Rule {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
    },
}

/// A strip of drawing that is never split across pages. `y` grows downwards from its top.
#[derive(Debug, Clone, Default)]
struct Unit {
    height: f32,
    draws: Vec<Draw>,
    keep_with_next: bool,
    page_before: bool,
    running: Option<String>,
    outline: Option<String>,
    /// For table rows: the header to repeat when the table continues on a new page.
    repeat: Option<Box<Unit>>,
}

#[derive(Debug, Clone)]
enum Token {
    Word {
        text: String,
        bold: bool,
        width: f32,
    },
    Box {
        label: String,
        width: f32,
    },
    Break,
}

/// Spans: (text, bold). Text may hold redaction sentinels and newlines.
fn tokens(spans: &[(String, bool)], size: f32) -> Vec<Token> {
    let mut out = Vec::new();
    for (text, bold) in spans {
        let mut rest = text.as_str();
        loop {
            let (plain, label, next) = match rest.find(REDACTION_OPEN) {
                Some(i) => {
                    let after = &rest[i + REDACTION_OPEN.len_utf8()..];
                    let end = after.find(REDACTION_CLOSE).unwrap_or(after.len());
                    let next = after.get(end + REDACTION_CLOSE.len_utf8()..).unwrap_or("");
                    (&rest[..i], Some(&after[..end]), Some(next))
                }
                None => (rest, None, None),
            };
            for (k, line) in plain.split('\n').enumerate() {
                if k > 0 {
                    out.push(Token::Break);
                }
                for w in line.split_whitespace() {
                    out.push(Token::Word {
                        text: w.to_string(),
                        bold: *bold,
                        width: text_width(w, *bold, size),
                    });
                }
            }
            if let Some(l) = label {
                let width = text_width(l, true, size * 0.8) + 8.0;
                out.push(Token::Box {
                    label: l.to_string(),
                    width,
                });
            }
            match next {
                Some(n) => rest = n,
                None => break,
            }
        }
    }
    out
}

/// Wrap spans into line units of `width`, starting at `x`; the first line may start further
/// right (`first_x`), e.g. after a checkbox or a number.
fn wrap(spans: &[(String, bool)], x: f32, first_x: f32, width_end: f32, size: f32) -> Vec<Unit> {
    let lh = size * LEADING;
    let spaces = [text_width(" ", false, size), text_width(" ", true, size)];
    let mut lines: Vec<Unit> = Vec::new();
    let mut cur = Unit {
        height: lh,
        ..Default::default()
    };
    let mut cx = first_x;
    let mut line_start = first_x;
    let baseline = size * 1.0;
    let flush = |cur: &mut Unit, lines: &mut Vec<Unit>| {
        lines.push(std::mem::replace(
            cur,
            Unit {
                height: lh,
                ..Default::default()
            },
        ));
    };
    // Where the next token of `width` starts: after a space on this line, or at the start of a
    // new line when it would not fit.
    let next_x = |cur: &mut Unit,
                  lines: &mut Vec<Unit>,
                  cx: &mut f32,
                  line_start: &mut f32,
                  width: f32,
                  space: f32| {
        let at = if *cx > *line_start { *cx + space } else { *cx };
        if at + width > width_end && *cx > *line_start {
            flush(cur, lines);
            *cx = x;
            *line_start = x;
            return x;
        }
        at
    };
    for t in tokens(spans, size) {
        match t {
            Token::Break => {
                flush(&mut cur, &mut lines);
                cx = x;
                line_start = x;
            }
            Token::Word { text, bold, width } => {
                let space = spaces[usize::from(bold)];
                let at = next_x(&mut cur, &mut lines, &mut cx, &mut line_start, width, space);
                if width > width_end - x {
                    // A word longer than the line: break it by characters.
                    let mut piece = String::new();
                    let mut px = at;
                    for c in text.chars() {
                        let cw = text_width(&c.to_string(), bold, size);
                        if px + text_width(&piece, bold, size) + cw > width_end && !piece.is_empty()
                        {
                            cur.draws.push(Draw::Text {
                                x: px,
                                y: baseline,
                                text: std::mem::take(&mut piece),
                                bold,
                                size,
                                grey: 0.0,
                            });
                            flush(&mut cur, &mut lines);
                            px = x;
                            line_start = x;
                        }
                        piece.push(c);
                    }
                    cx = px + text_width(&piece, bold, size);
                    cur.draws.push(Draw::Text {
                        x: px,
                        y: baseline,
                        text: piece,
                        bold,
                        size,
                        grey: 0.0,
                    });
                    continue;
                }
                // Merge with the previous run when the style is the same (fewer text sections).
                if let Some(Draw::Text {
                    text: prev,
                    bold: pb,
                    size: ps,
                    ..
                }) = cur.draws.last_mut()
                {
                    if *pb == bold && *ps == size && cx > line_start {
                        prev.push(' ');
                        prev.push_str(&text);
                        cx = at + width;
                        continue;
                    }
                }
                cur.draws.push(Draw::Text {
                    x: at,
                    y: baseline,
                    text,
                    bold,
                    size,
                    grey: 0.0,
                });
                cx = at + width;
            }
            Token::Box { label, width } => {
                let at = next_x(
                    &mut cur,
                    &mut lines,
                    &mut cx,
                    &mut line_start,
                    width,
                    spaces[0],
                );
                let bh = lh - 1.0;
                cur.draws.push(Draw::Rect {
                    x: at,
                    y: (lh - bh) / 2.0 - 1.0,
                    w: width,
                    h: bh,
                    fill: Some(0.86),
                    stroke: true,
                });
                let ls = size * 0.8;
                cur.draws.push(Draw::Text {
                    x: at + 4.0,
                    y: baseline - 0.5,
                    text: label,
                    bold: true,
                    size: ls,
                    grey: 0.0,
                });
                cx = at + width;
            }
        }
    }
    if !cur.draws.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    lines
}

fn gap(h: f32) -> Unit {
    Unit {
        height: h,
        ..Default::default()
    }
}

struct Layout {
    units: Vec<Unit>,
    indent: usize,
}

impl Layout {
    fn left(&self) -> f32 {
        MARGIN_X + self.indent as f32 * INDENT
    }

    fn right(&self) -> f32 {
        PAGE_W - MARGIN_X
    }

    fn para(&mut self, spans: Vec<(String, bool)>, size: f32, after: f32) {
        let (l, r) = (self.left(), self.right());
        for para in split_paragraphs(&spans) {
            self.units.extend(wrap(&para, l, l, r, size));
            self.units.push(gap(after));
        }
    }

    /// A numbered item: the number in bold, the text in a hanging indent, kept with what follows.
    fn numbered(&mut self, num: &str, spans: Vec<(String, bool)>, min_hang: f32, after: f32) {
        let l = self.left();
        let hang = if num.is_empty() {
            0.0
        } else {
            (text_width(num, true, BODY) + 6.0).max(min_hang)
        };
        let mut lines = wrap(&spans, l + hang, l + hang, self.right(), BODY);
        if let (Some(first), false) = (lines.first_mut(), num.is_empty()) {
            first.draws.insert(
                0,
                Draw::Text {
                    x: l,
                    y: BODY,
                    text: num.to_string(),
                    bold: true,
                    size: BODY,
                    grey: 0.0,
                },
            );
        }
        for mut u in lines {
            u.keep_with_next = true;
            self.units.push(u);
        }
        let mut g = gap(after);
        g.keep_with_next = true;
        self.units.push(g);
    }

    fn block(&mut self, b: Block) {
        match b {
            Block::Page => {
                self.units.push(Unit {
                    page_before: true,
                    ..Default::default()
                });
            }
            Block::Running(t) => self.units.push(Unit {
                running: Some(t),
                ..Default::default()
            }),
            Block::H1(t) => {
                let mut lines = wrap(&[(t.clone(), true)], MARGIN_X, MARGIN_X, self.right(), 13.0);
                if let Some(first) = lines.first_mut() {
                    first.outline = Some(t);
                }
                self.units.push(gap(4.0));
                let n = lines.len();
                for (i, mut l) in lines.into_iter().enumerate() {
                    l.keep_with_next = true;
                    if i + 1 == n {
                        l.height += 2.0;
                        l.draws.push(Draw::Rule {
                            x1: MARGIN_X,
                            y1: l.height - 1.0,
                            x2: PAGE_W - MARGIN_X,
                            y2: l.height - 1.0,
                        });
                    }
                    self.units.push(l);
                }
                let mut g = gap(8.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::H2(t) => {
                self.units.push(gap(6.0));
                for mut l in wrap(&[(t, true)], self.left(), self.left(), self.right(), 11.0) {
                    l.keep_with_next = true;
                    self.units.push(l);
                }
                let mut g = gap(4.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::Lead(t) => {
                let start = self.units.len();
                self.para(vec![(t, true)], BODY, 4.0);
                // A lead introduces what follows: never leave it alone at the foot of a page.
                for u in &mut self.units[start..] {
                    u.keep_with_next = true;
                }
            }
            Block::P(t) => self.para(vec![(t, false)], BODY, 6.0),
            Block::Note(t) => self.para(vec![(t, false)], 8.0, 3.0),
            Block::Answer(t) => {
                self.indent += 1;
                if t.trim().is_empty() {
                    let l = self.left();
                    let mut u = gap(BODY * LEADING + 4.0);
                    u.draws.push(Draw::Rule {
                        x1: l,
                        y1: BODY * LEADING,
                        x2: self.right(),
                        y2: BODY * LEADING,
                    });
                    self.units.push(u);
                } else {
                    self.para(vec![(t, false)], BODY, 5.0);
                }
                self.indent -= 1;
            }
            Block::Question(num, text) => {
                let num = if num.is_empty() {
                    num
                } else {
                    format!("{num}.")
                };
                self.numbered(&num, vec![(text, true)], 24.0, 4.0);
            }
            Block::Rule(num, label, text) => {
                self.numbered(
                    &num,
                    vec![(label, true), (format!(" {text}"), false)],
                    28.0,
                    3.0,
                );
            }
            Block::Field(label, value) => {
                if value.contains('\n') || value.chars().count() > 160 {
                    self.para(vec![(label, true)], BODY, 2.0);
                    if let Some(u) = self.units.iter_mut().rev().find(|u| !u.draws.is_empty()) {
                        u.keep_with_next = true;
                    }
                    self.indent += 1;
                    self.para(vec![(value, false)], BODY, 5.0);
                    self.indent -= 1;
                } else {
                    self.para(vec![(label, true), (format!(" {value}"), false)], BODY, 5.0);
                }
            }
            Block::Check(on, text) => {
                let l = self.left();
                let glyph = if on { BOX_TICKED } else { BOX_EMPTY };
                let mut lines = wrap(&[(text, false)], l + 16.0, l + 16.0, self.right(), BODY);
                if let Some(first) = lines.first_mut() {
                    first.draws.insert(
                        0,
                        Draw::Text {
                            x: l,
                            y: BODY,
                            text: glyph.into(),
                            bold: false,
                            size: BODY + 1.0,
                            grey: 0.0,
                        },
                    );
                }
                self.units.extend(lines);
                self.units.push(gap(3.0));
            }
            Block::Indent(n) => self.indent = n,
            Block::Space => self.units.push(gap(10.0)),
            Block::Address(lines) => {
                self.units.push(gap(12.0));
                for l in lines {
                    self.para(vec![(l, false)], 8.0, 0.0);
                }
            }
            Block::Table(header, rows) => self.table(header, rows),
        }
    }

    fn table(&mut self, header: Vec<String>, rows: Vec<Vec<String>>) {
        let (l, r) = (self.left(), self.right());
        let n = header.len().max(1);
        let total = r - l;
        // Column widths: proportional to the longest content, at least 60pt each.
        let longest_word = |s: &str, bold: bool| {
            tokens(&[(s.to_string(), bold)], 9.0)
                .iter()
                .map(|t| match t {
                    Token::Word { width, .. } | Token::Box { width, .. } => *width,
                    Token::Break => 0.0,
                })
                .fold(0.0, f32::max)
        };
        let floor: Vec<f32> = (0..n)
            .map(|c| {
                let head = header.get(c).map(|h| longest_word(h, true)).unwrap_or(0.0);
                let body = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|s| longest_word(s, false))
                    .fold(0.0, f32::max);
                head.max(body).max(30.0) + 10.0
            })
            .collect();
        let want: Vec<f32> = (0..n)
            .map(|c| {
                let head = header
                    .get(c)
                    .map(|h| text_width(h, true, 9.0))
                    .unwrap_or(0.0);
                let body = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|s| text_width(s, false, 9.0))
                    .fold(0.0, f32::max);
                head.max(body).max(40.0) + 10.0
            })
            .collect();
        let sum: f32 = want.iter().sum();
        let widths: Vec<f32> = if sum <= total {
            let extra = (total - sum) / n as f32;
            want.iter().map(|w| w + extra).collect()
        } else {
            // Every column gets its longest word (within reason); the rest is shared in
            // proportion to how much more each would like.
            let floor: Vec<f32> = floor
                .iter()
                .map(|f| f.min(total / n as f32 * 1.5))
                .collect();
            let fsum: f32 = floor.iter().sum();
            let floor: Vec<f32> = if fsum > total {
                floor.iter().map(|f| f * total / fsum).collect()
            } else {
                floor
            };
            let room = total - floor.iter().sum::<f32>();
            let flex: f32 = want.iter().zip(&floor).map(|(w, f)| (w - f).max(0.0)).sum();
            want.iter()
                .zip(&floor)
                .map(|(w, f)| f + (w - f).max(0.0) / flex.max(1.0) * room)
                .collect()
        };
        let row_unit = |cells: &[String], bold: bool, fill: Option<f32>| -> Unit {
            let mut x = l;
            let mut columns = Vec::new();
            let mut height: f32 = 0.0;
            for (c, w) in widths.iter().enumerate() {
                let text = cells.get(c).cloned().unwrap_or_default();
                let lines = wrap(&[(text, bold)], x + 4.0, x + 4.0, x + w - 4.0, 9.0);
                let h: f32 = lines.iter().map(|u| u.height).sum::<f32>() + 6.0;
                height = height.max(h);
                columns.push((x, *w, lines));
                x += w;
            }
            let mut u = Unit {
                height,
                ..Default::default()
            };
            for (x, w, lines) in columns {
                u.draws.push(Draw::Rect {
                    x,
                    y: 0.0,
                    w,
                    h: height,
                    fill,
                    stroke: true,
                });
                let mut y = 3.0;
                for line in lines {
                    for d in line.draws {
                        u.draws.push(offset(d, 0.0, y));
                    }
                    y += line.height;
                }
            }
            u
        };
        let head = row_unit(&header, true, Some(0.92));
        let mut h = head.clone();
        h.keep_with_next = true;
        self.units.push(h);
        if rows.is_empty() {
            let mut u = row_unit(&[String::new()], false, None);
            u.repeat = Some(Box::new(head.clone()));
            self.units.push(u);
        }
        for row in rows {
            let mut u = row_unit(&row, false, None);
            u.repeat = Some(Box::new(head.clone()));
            self.units.push(u);
        }
        self.units.push(gap(8.0));
    }
}

fn offset(d: Draw, dx: f32, dy: f32) -> Draw {
    d.map(|x, y, _| (x + dx, y + dy))
}

impl Draw {
    /// The same drawing with its anchor points mapped by `f(x, y, height)`.
    fn map(self, f: impl Fn(f32, f32, f32) -> (f32, f32)) -> Draw {
        match self {
            Draw::Text {
                x,
                y,
                text,
                bold,
                size,
                grey,
            } => {
                let (x, y) = f(x, y, 0.0);
                Draw::Text {
                    x,
                    y,
                    text,
                    bold,
                    size,
                    grey,
                }
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                let (x, y) = f(x, y, h);
                Draw::Rect {
                    x,
                    y,
                    w,
                    h,
                    fill,
                    stroke,
                }
            }
            Draw::Rule { x1, y1, x2, y2 } => {
                let ((x1, y1), (x2, y2)) = (f(x1, y1, 0.0), f(x2, y2, 0.0));
                Draw::Rule { x1, y1, x2, y2 }
            }
        }
    }
}

/// Split spans at blank lines into paragraphs.
fn split_paragraphs(spans: &[(String, bool)]) -> Vec<Vec<(String, bool)>> {
    let mut out: Vec<Vec<(String, bool)>> = vec![Vec::new()];
    for (text, bold) in spans {
        for (i, part) in text.split("\n\n").enumerate() {
            if i > 0 {
                out.push(Vec::new());
            }
            if !part.is_empty() {
                out.last_mut()
                    .expect("one paragraph")
                    .push((part.to_string(), *bold));
            }
        }
    }
    out.retain(|p| !p.is_empty());
    if out.is_empty() {
        out.push(vec![(String::new(), false)]);
    }
    out
}

struct PageOut {
    draws: Vec<Draw>,
    running: String,
}

fn paginate(units: Vec<Unit>) -> (Vec<PageOut>, Vec<(String, usize)>) {
    let mut pages = vec![PageOut {
        draws: Vec::new(),
        running: String::new(),
    }];
    let mut outline = Vec::new();
    let mut y = TOP;
    let mut running = String::new();
    let mut i = 0;
    let new_page = |pages: &mut Vec<PageOut>, running: &str| {
        pages.push(PageOut {
            draws: Vec::new(),
            running: running.to_string(),
        });
        TOP
    };
    while i < units.len() {
        let u = &units[i];
        if let Some(r) = &u.running {
            running = r.clone();
            if let Some(p) = pages.last_mut() {
                if p.draws.is_empty() {
                    p.running = running.clone();
                }
            }
        }
        if u.page_before {
            if pages.last().is_some_and(|p| !p.draws.is_empty()) {
                y = new_page(&mut pages, &running);
            }
            i += 1;
            continue;
        }
        // Keep a chain of keep-with-next units together with the unit after it.
        let mut need = u.height;
        let mut j = i;
        while units[j].keep_with_next && j + 1 < units.len() {
            j += 1;
            need += units[j].height;
        }
        let page_has_content = pages.last().is_some_and(|p| !p.draws.is_empty());
        let chain_breaks = y - need < BOTTOM && need < TOP - BOTTOM;
        if (chain_breaks || y - u.height < BOTTOM) && page_has_content {
            y = new_page(&mut pages, &running);
            if let Some(h) = &u.repeat {
                place(pages.last_mut().expect("a page"), h, y);
                y -= h.height;
            }
        }
        // Gaps at the top of a page are dropped.
        let top_gap = u.draws.is_empty() && y == TOP;
        if !top_gap {
            if let Some(t) = &u.outline {
                outline.push((t.clone(), pages.len()));
            }
            place(pages.last_mut().expect("a page"), u, y);
            y -= u.height;
        }
        i += 1;
    }
    if pages.len() > 1 && pages.last().is_some_and(|p| p.draws.is_empty()) {
        pages.pop();
    }
    (pages, outline)
}

/// Put a unit on a page with its top at `top` (unit y grows downwards, page y upwards).
fn place(page: &mut PageOut, u: &Unit, top: f32) {
    for d in &u.draws {
        page.draws.push(d.clone().map(|x, y, h| (x, top - y - h)));
    }
}

// ---------------------------------------------------------------------------------------------
// Drawing.

fn grey(v: f32) -> Color {
    Color::Greyscale(Greyscale {
        percent: v,
        icc_profile: None,
    })
}

fn ops_for(draws: &[Draw], regular: &FontId, bold: &FontId) -> Vec<Op> {
    let mut ops = Vec::with_capacity(draws.len() * 6);
    for d in draws {
        match d {
            Draw::Text {
                x,
                y,
                text,
                bold: b,
                size,
                grey: g,
            } => {
                if text.is_empty() {
                    continue;
                }
                let font = if *b { bold } else { regular };
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFillColor { col: grey(*g) });
                ops.push(Op::SetFont {
                    font: PdfFontHandle::External(font.clone()),
                    size: Pt(*size),
                });
                ops.push(Op::SetTextMatrix {
                    matrix: TextMatrix::Translate(Pt(*x), Pt(*y)),
                });
                ops.push(Op::ShowText {
                    items: vec![TextItem::Text(text.clone())],
                });
                ops.push(Op::EndTextSection);
            }
            Draw::Rect {
                x,
                y,
                w,
                h,
                fill,
                stroke,
            } => {
                ops.push(Op::SaveGraphicsState);
                ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                ops.push(Op::SetOutlineColor { col: grey(0.0) });
                let mode = match (fill, stroke) {
                    (Some(f), true) => {
                        ops.push(Op::SetFillColor { col: grey(*f) });
                        PaintMode::FillStroke
                    }
                    (Some(f), false) => {
                        ops.push(Op::SetFillColor { col: grey(*f) });
                        PaintMode::Fill
                    }
                    (None, _) => PaintMode::Stroke,
                };
                ops.push(Op::DrawRectangle {
                    rectangle: Rect {
                        x: Pt(*x),
                        y: Pt(*y),
                        width: Pt(*w),
                        height: Pt(*h),
                        mode: Some(mode),
                        winding_order: Some(WindingOrder::NonZero),
                    },
                });
                ops.push(Op::RestoreGraphicsState);
            }
            Draw::Rule { x1, y1, x2, y2 } => {
                ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
                ops.push(Op::SetOutlineColor { col: grey(0.0) });
                ops.push(Op::DrawLine {
                    line: Line {
                        points: vec![
                            LinePoint {
                                p: Point {
                                    x: Pt(*x1),
                                    y: Pt(*y1),
                                },
                                bezier: false,
                            },
                            LinePoint {
                                p: Point {
                                    x: Pt(*x2),
                                    y: Pt(*y2),
                                },
                                bezier: false,
                            },
                        ],
                        is_closed: false,
                    },
                });
            }
        }
    }
    ops
}

fn centered(text: &str, bold: bool, size: f32, y: f32) -> Draw {
    let w = text_width(text, bold, size);
    Draw::Text {
        x: (PAGE_W - w) / 2.0,
        y,
        text: text.to_string(),
        bold,
        size,
        grey: 0.0,
    }
}

/// Header and footer of one page: banner top and bottom, running heading, version, page N of M.
fn decorate(page: &PageOut, n: usize, total: usize, doc: &Doc) -> Vec<Draw> {
    let mut d = Vec::new();
    if !doc.banner.is_empty() {
        d.push(centered(&doc.banner, true, 9.0, PAGE_H - 30.0));
        d.push(centered(&doc.banner, true, 9.0, 22.0));
    }
    if !page.running.is_empty() {
        d.push(centered(&page.running, true, 11.0, PAGE_H - 54.0));
    }
    d.push(Draw::Rule {
        x1: MARGIN_X,
        y1: 50.0,
        x2: PAGE_W - MARGIN_X,
        y2: 50.0,
    });
    if !doc.footer.is_empty() {
        d.push(Draw::Text {
            x: MARGIN_X,
            y: 39.0,
            text: doc.footer.clone(),
            bold: true,
            size: 8.0,
            grey: 0.0,
        });
    }
    let label = format!("Page {n} of {total}");
    let w = text_width(&label, false, 8.0);
    d.push(Draw::Text {
        x: PAGE_W - MARGIN_X - w,
        y: 39.0,
        text: label,
        bold: false,
        size: 8.0,
        grey: 0.0,
    });
    d
}

/// Lay out the block-language text and write the PDF.
pub fn render(identifier: &str, blocks: &str, timestamp: i64) -> Result<Vec<u8>> {
    let doc = parse(blocks)?;
    let mut layout = Layout {
        units: Vec::new(),
        indent: 0,
    };
    for b in doc.blocks.iter().cloned() {
        layout.block(b);
    }
    let (pages, outline) = paginate(layout.units);
    let total = pages.len();

    let f = fonts();
    let mut pdf = PdfDocument::new(&plain_meta(&doc.meta_title));
    let regular = FontId("F1".into());
    let bold = FontId("F2".into());
    pdf.resources
        .fonts
        .map
        .insert(regular.clone(), printpdf::PdfFont::new(f.regular.clone()));
    pdf.resources
        .fonts
        .map
        .insert(bold.clone(), printpdf::PdfFont::new(f.bold.clone()));
    let date = printpdf::OffsetDateTime::from_unix_timestamp(timestamp)
        .unwrap_or_else(|_| printpdf::OffsetDateTime::from_unix_timestamp(0).expect("epoch"));
    let info = &mut pdf.metadata.info;
    info.document_title = plain_meta(&doc.meta_title);
    info.author = plain_meta(&doc.meta_author);
    info.subject = plain_meta(&doc.meta_subject);
    info.creator = "smout".into();
    info.producer = format!("smout {}", env!("CARGO_PKG_VERSION"));
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    info.identifier = identifier.to_string();

    let mut out_pages = Vec::with_capacity(total);
    for (i, page) in pages.iter().enumerate() {
        let mut draws = page.draws.clone();
        draws.extend(decorate(page, i + 1, total, &doc));
        out_pages.push(PdfPage::new(
            Mm(215.9),
            Mm(279.4),
            ops_for(&draws, &regular, &bold),
        ));
    }
    pdf.with_pages(out_pages);
    for (k, (title, page)) in outline.iter().enumerate() {
        pdf.bookmarks.map.insert(
            printpdf::PageAnnotId(format!("B{k:04}")),
            printpdf::PageAnnotation {
                name: title.clone(),
                page: *page,
            },
        );
    }
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: true,
        secure: true,
        image_optimization: None,
    };
    let mut lo = pdf.to_lopdf_document(&opts, &mut Vec::new());
    finish(&mut lo, &outline, blocks);
    lo.compress();
    let mut bytes = Vec::new();
    lo.save_to(&mut bytes)
        .map_err(|e| Error::Refused(format!("writing the PDF failed: {e}")))?;
    Ok(bytes)
}

/// Metadata never carries redaction labels' sentinels; a withheld span reads as its label.
fn plain_meta(s: &str) -> String {
    s.replace(REDACTION_OPEN, "[").replace(REDACTION_CLOSE, "]")
}

/// Make the file reproducible and its outline follow document order: the document ID is a
/// hash of the input, outline entries are linked in the order the headings appear.
fn finish(doc: &mut lopdf::Document, outline: &[(String, usize)], input: &str) {
    use lopdf::Object;
    let digest = Sha256::digest(input.as_bytes());
    let id: Vec<u8> = digest[..16].to_vec();
    doc.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), lopdf::StringFormat::Hexadecimal),
            Object::String(id, lopdf::StringFormat::Hexadecimal),
        ]),
    );
    // printpdf writes an empty GTS_PDFXVersion, which readers take for a PDF/X claim.
    if let Ok(info) = doc.trailer.get(b"Info").and_then(Object::as_reference) {
        if let Ok(dict) = doc.get_object_mut(info).and_then(Object::as_dict_mut) {
            dict.remove(b"GTS_PDFXVersion");
        }
    }
    let Ok(catalog) = doc.catalog_mut() else {
        return;
    };
    catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
    let Ok(outlines_id) = catalog.get(b"Outlines").and_then(Object::as_reference) else {
        return;
    };
    // Collect the existing entries by title, then relink them in our order.
    let mut entries: Vec<(String, lopdf::ObjectId)> = Vec::new();
    let mut next = doc
        .get_object(outlines_id)
        .and_then(Object::as_dict)
        .and_then(|d| d.get(b"First"))
        .and_then(Object::as_reference)
        .ok();
    while let Some(idx) = next {
        let Ok(dict) = doc.get_object(idx).and_then(Object::as_dict) else {
            break;
        };
        let title = dict
            .get(b"Title")
            .ok()
            .and_then(decode_pdf_text)
            .unwrap_or_default();
        next = dict.get(b"Next").and_then(Object::as_reference).ok();
        entries.push((title, idx));
        if entries.len() > outline.len() + 1 {
            break;
        }
    }
    let mut ordered: Vec<lopdf::ObjectId> = Vec::new();
    let mut used = vec![false; entries.len()];
    for (title, _) in outline {
        if let Some(k) = entries
            .iter()
            .enumerate()
            .position(|(k, (t, _))| !used[k] && t == title)
        {
            used[k] = true;
            ordered.push(entries[k].1);
        }
    }
    if ordered.len() != entries.len() {
        return;
    }
    for (k, idx) in ordered.iter().enumerate() {
        if let Ok(dict) = doc.get_object_mut(*idx).and_then(Object::as_dict_mut) {
            dict.remove(b"Prev");
            dict.remove(b"Next");
            if k > 0 {
                dict.set("Prev", Object::Reference(ordered[k - 1]));
            }
            if let Some(n) = ordered.get(k + 1) {
                dict.set("Next", Object::Reference(*n));
            }
        }
    }
    if let Ok(dict) = doc
        .get_object_mut(outlines_id)
        .and_then(Object::as_dict_mut)
    {
        if let (Some(first), Some(last)) = (ordered.first(), ordered.last()) {
            dict.set("First", Object::Reference(*first));
            dict.set("Last", Object::Reference(*last));
        }
    }
}

fn decode_pdf_text(o: &lopdf::Object) -> Option<String> {
    let bytes = o.as_str().ok()?;
    if bytes.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = bytes[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    } else {
        Some(String::from_utf8_lossy(bytes).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_cells_split_at_unescaped_bars_only() {
        assert_eq!(
            cells(r"a \| b|c\nd"),
            vec!["a | b".to_string(), "c\nd".to_string()]
        );
    }

    #[test]
    fn long_text_wraps_within_the_margins() {
        let text = "word ".repeat(200);
        let lines = wrap(&[(text, false)], 60.0, 60.0, 552.0, 10.0);
        assert!(lines.len() > 5);
        for l in &lines {
            for d in &l.draws {
                if let Draw::Text { x, text, .. } = d {
                    assert!(
                        x + text_width(text, false, 10.0) <= 552.5,
                        "overflows: {text}"
                    );
                }
            }
        }
    }

    #[test]
    fn redaction_boxes_do_not_depend_on_the_removed_text() {
        let short = tokens(
            &[(format!("{REDACTION_OPEN}(b) (6){REDACTION_CLOSE}"), false)],
            10.0,
        );
        assert!(matches!(&short[0], Token::Box { label, .. } if label == "(b) (6)"));
    }
}
