//! Layout: blocks become units — strips of drawing that are never split across pages — with
//! keep-with-next, repeated table headers and numbered items.

use super::{blocks::*, metrics::*, tag::*, units::*};
use crate::render::text::block_paragraphs;

pub(super) struct Layout {
    pub(super) units: Vec<Unit>,
    pub(super) indent: usize,
    pub(super) sheet: Sheet,
    /// The structure tree, built in reading order as blocks are laid out.
    pub(super) tree: Tree,
    /// Open lists of checkboxes, innermost last: the `L` element, its indent, and the `LBody` of
    /// its last item (where an answer that follows an option belongs).
    lists: Vec<(u32, usize, Option<u32>)>,
    /// The level of the last heading, so that none is skipped.
    level: usize,
}

const HEADINGS: [&str; 6] = ["H1", "H2", "H3", "H4", "H5", "H6"];

impl Layout {
    pub(super) fn new(sheet: Sheet) -> Layout {
        Layout {
            units: Vec::new(),
            indent: 0,
            sheet,
            tree: Tree::default(),
            lists: Vec::new(),
            level: 0,
        }
    }

    /// Make the text drawn since unit `start` the content of a new element of `role` under
    /// `parent` — unless nothing was drawn (no empty elements).
    fn tag(&mut self, start: usize, role: &'static str, parent: u32) -> Option<u32> {
        let has_text = self.units[start..].iter().flat_map(|u| &u.draws).any(|d| {
            matches!(
                d,
                Draw::Text {
                    mark: Mark::Artifact,
                    ..
                }
            )
        });
        if !has_text {
            return None;
        }
        let e = self.tree.open(role, parent);
        for u in &mut self.units[start..] {
            for d in &mut u.draws {
                if let Draw::Text { mark, .. } = d {
                    if *mark == Mark::Artifact {
                        *mark = Mark::Elem(e);
                    }
                }
            }
        }
        Some(e)
    }

    /// A heading's role: the level wanted, but never more than one below the last heading.
    fn heading(&mut self, want: usize) -> &'static str {
        let level = want.min(self.level + 1).max(1);
        self.level = level;
        HEADINGS[level - 1]
    }

    /// Where the next paragraph goes: an answer right after a checkbox option goes with that
    /// option; anything else closes the lists and goes in the document.
    fn container(&mut self, answer: bool) -> u32 {
        if answer {
            if let Some(body) = self.lists.last().and_then(|l| l.2) {
                return body;
            }
        }
        self.lists.clear();
        0
    }

    pub(super) fn left(&self) -> f32 {
        MARGIN_X + self.indent as f32 * INDENT
    }

    pub(super) fn right(&self) -> f32 {
        self.sheet.right()
    }

    /// Paragraphs (split at blank lines), each an element of `role` under `parent`.
    pub(super) fn para(
        &mut self,
        (role, parent): (&'static str, u32),
        spans: Vec<(String, Face)>,
        size: f32,
        after: f32,
    ) {
        let (l, r) = (self.left(), self.right());
        for para in split_paragraphs(&spans) {
            let start = self.units.len();
            self.units.extend(wrap(&para, l, l, r, size));
            self.tag(start, role, parent);
            self.units.push(gap(after));
        }
    }

    /// A numbered item: the number in bold, the text in a hanging indent, kept with what follows.
    pub(super) fn numbered(
        &mut self,
        role: &'static str,
        num: &str,
        spans: Vec<(String, Face)>,
        min_hang: f32,
        after: f32,
    ) {
        let start = self.units.len();
        let l = self.left();
        let hang = if num.is_empty() {
            0.0
        } else {
            (text_width(num, Face::Bold, BODY) + 6.0).max(min_hang)
        };
        let mut lines = wrap(&spans, l + hang, l + hang, self.right(), BODY);
        if let (Some(first), false) = (lines.first_mut(), num.is_empty()) {
            first.draws.insert(
                0,
                Draw::Text {
                    x: l,
                    y: BODY,
                    // The space reads the number apart from the text hung beside it.
                    text: format!("{num} "),
                    face: Face::Bold,
                    size: BODY,
                    grey: 0.0,
                    mark: Mark::default(),
                    actual: None,
                },
            );
        }
        for mut u in lines {
            u.keep_with_next = true;
            self.units.push(u);
        }
        self.tag(start, role, 0);
        let mut g = gap(after);
        g.keep_with_next = true;
        self.units.push(g);
    }

    pub(super) fn block(&mut self, b: Block) {
        if !matches!(
            b,
            Block::Check(..) | Block::Answer(_) | Block::Indent(_) | Block::Space
        ) {
            self.lists.clear();
        }
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
                let mut lines = wrap(
                    &[(t.clone(), Face::Bold)],
                    MARGIN_X,
                    MARGIN_X,
                    self.right(),
                    13.0,
                );
                if let Some(first) = lines.first_mut() {
                    first.outline = Some(t);
                }
                self.units.push(gap(4.0));
                let start = self.units.len();
                let n = lines.len();
                for (i, mut l) in lines.into_iter().enumerate() {
                    l.keep_with_next = true;
                    if i + 1 == n {
                        l.height += 2.0;
                        l.draws.push(Draw::Rule {
                            x1: MARGIN_X,
                            y1: l.height - 1.0,
                            x2: self.sheet.right(),
                            y2: l.height - 1.0,
                        });
                    }
                    self.units.push(l);
                }
                let role = self.heading(1);
                self.tag(start, role, 0);
                let mut g = gap(8.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::H2(t) => {
                self.units.push(gap(6.0));
                let start = self.units.len();
                for mut l in wrap(
                    &[(t, Face::Bold)],
                    self.left(),
                    self.left(),
                    self.right(),
                    11.0,
                ) {
                    l.keep_with_next = true;
                    self.units.push(l);
                }
                let role = self.heading(2);
                self.tag(start, role, 0);
                let mut g = gap(4.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::Lead(t) => {
                let start = self.units.len();
                self.para(("P", 0), vec![(t, Face::Bold)], BODY, 4.0);
                // A lead introduces what follows: never leave it alone at the foot of a page.
                for u in &mut self.units[start..] {
                    u.keep_with_next = true;
                }
            }
            Block::P(t) => self.para(("P", 0), vec![(t, Face::Regular)], BODY, 6.0),
            Block::Note(t) => self.para(("P", 0), vec![(t, Face::Regular)], 8.0, 3.0),
            Block::Footnote(t) => {
                // The marker is the run of superscript digits it starts with (`⁹`, `¹⁰`).
                let marker: String = t
                    .chars()
                    .take_while(|c| SUPERSCRIPTS.contains(*c))
                    .collect();
                let marker = (!marker.is_empty()).then_some(marker);
                let start = self.units.len();
                self.para(("Note", 0), vec![(t, Face::Regular)], 8.0, 3.0);
                for u in &mut self.units[start..] {
                    u.footnote = marker.clone();
                }
            }
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
                    let parent = self.container(true);
                    self.para(("P", parent), vec![(t, Face::Regular)], BODY, 5.0);
                }
                self.indent -= 1;
            }
            Block::Question(num, text) => {
                let role = self.heading(2);
                self.numbered(role, &num, vec![(text, Face::Bold)], 24.0, 4.0);
            }
            Block::Rule(num, label, text) => {
                let role = self.heading(3);
                self.numbered(
                    role,
                    &num,
                    vec![(label, Face::Italic), (format!(" {text}"), Face::Regular)],
                    28.0,
                    3.0,
                );
            }
            Block::Field(label, value) => {
                if value.contains('\n') || value.chars().count() > 160 {
                    self.para(("P", 0), vec![(label, Face::Bold)], BODY, 2.0);
                    if let Some(u) = self.units.iter_mut().rev().find(|u| !u.draws.is_empty()) {
                        u.keep_with_next = true;
                    }
                    self.indent += 1;
                    self.para(("P", 0), vec![(value, Face::Regular)], BODY, 5.0);
                    self.indent -= 1;
                } else {
                    self.para(
                        ("P", 0),
                        vec![(label, Face::Bold), (format!(" {value}"), Face::Regular)],
                        BODY,
                        5.0,
                    );
                }
            }
            Block::Check(on, text) => {
                let item = self.list_item();
                let label = self.tree.open("Lbl", item);
                let start = self.units.len();
                let l = self.left();
                let glyph = if on { BOX_TICKED } else { BOX_EMPTY };
                let mut lines = wrap(
                    &[(text, Face::Regular)],
                    l + 16.0,
                    l + 16.0,
                    self.right(),
                    BODY,
                );
                if let Some(first) = lines.first_mut() {
                    first.draws.insert(
                        0,
                        Draw::Text {
                            x: l,
                            y: BODY,
                            text: glyph.into(),
                            face: Face::Regular,
                            size: BODY + 1.0,
                            grey: 0.0,
                            // The box reads as its state; the option's words follow in LBody.
                            mark: Mark::Elem(label),
                            actual: Some(if on { "checked" } else { "not checked" }.into()),
                        },
                    );
                }
                self.units.extend(lines);
                let body = self.tag(start, "LBody", item);
                if let Some(open) = self.lists.last_mut() {
                    open.2 = body;
                }
                self.units.push(gap(3.0));
            }
            Block::Indent(n) => self.indent = n,
            Block::Space => self.units.push(gap(10.0)),
            Block::Address(lines) => {
                self.units.push(gap(12.0));
                for l in lines {
                    self.para(("P", 0), vec![(l, Face::Regular)], 8.0, 0.0);
                }
            }
            Block::Table(header, rows) => self.table(header, rows),
        }
    }

    /// A new `LI` for a checkbox option at the current indent: in the open list at this indent,
    /// in a new list inside the last option of a shallower one, or in a new list.
    fn list_item(&mut self) -> u32 {
        let indent = self.indent;
        while self.lists.last().is_some_and(|l| l.1 > indent) {
            self.lists.pop();
        }
        let list = match self.lists.last() {
            Some(&(l, i, _)) if i == indent => l,
            Some(&(l, _, body)) => {
                let parent = body.unwrap_or(l);
                let nested = self.tree.open("L", parent);
                self.lists.push((nested, indent, None));
                nested
            }
            None => {
                let l = self.tree.open("L", 0);
                self.lists.push((l, indent, None));
                l
            }
        };
        self.tree.open("LI", list)
    }

    pub(super) fn table(&mut self, header: Vec<String>, rows: Vec<Vec<String>>) {
        let (l, r) = (self.left(), self.right());
        let n = header.len().max(1);
        let total = r - l;
        // Column widths: proportional to the longest content, at least 60pt each.
        let longest_word = |s: &str, face: Face| {
            tokens(&[(s.to_string(), face)], 9.0)
                .iter()
                .map(|t| match t {
                    Token::Word { width, .. } | Token::Box { width, .. } => *width,
                    Token::Break => 0.0,
                })
                .fold(0.0, f32::max)
        };
        let floor: Vec<f32> = (0..n)
            .map(|c| {
                let head = header
                    .get(c)
                    .map(|h| longest_word(h, Face::Bold))
                    .unwrap_or(0.0);
                let body = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|s| longest_word(s, Face::Regular))
                    .fold(0.0, f32::max);
                head.max(body).max(30.0) + 10.0
            })
            .collect();
        let want: Vec<f32> = (0..n)
            .map(|c| {
                let head = header
                    .get(c)
                    .map(|h| text_width(h, Face::Bold, 9.0))
                    .unwrap_or(0.0);
                let body = rows
                    .iter()
                    .filter_map(|row| row.get(c))
                    .map(|s| text_width(s, Face::Regular, 9.0))
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
        let row_unit = |cells: &[String], ids: &[u32], face: Face, fill: Option<f32>| -> Unit {
            let mut x = l;
            let mut columns = Vec::new();
            let mut height: f32 = 0.0;
            for (c, w) in widths.iter().enumerate() {
                let text = cells.get(c).cloned().unwrap_or_default();
                let lines = wrap(&[(text, face)], x + 4.0, x + 4.0, x + w - 4.0, 9.0);
                let h: f32 = lines.iter().map(|u| u.height).sum::<f32>() + 6.0;
                height = height.max(h);
                columns.push((x, *w, lines));
                x += w;
            }
            let mut u = Unit {
                height,
                ..Default::default()
            };
            for (c, (x, w, lines)) in columns.into_iter().enumerate() {
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
                    for mut d in line.draws {
                        if let (Draw::Text { mark, .. }, Some(id)) = (&mut d, ids.get(c)) {
                            if *mark == Mark::Artifact {
                                *mark = Mark::Elem(*id);
                            }
                        }
                        u.draws.push(offset(d, 0.0, y));
                    }
                    y += line.height;
                }
            }
            u
        };
        // Table > TR > TH (scope Column) | TD, one cell element per column.
        let table = self.tree.open("Table", 0);
        let row_ids = |tree: &mut Tree, cell: &'static str| -> Vec<u32> {
            let tr = tree.open("TR", table);
            (0..widths.len())
                .map(|_| {
                    let c = tree.open(cell, tr);
                    tree.elems[c as usize].column_header = cell == "TH";
                    c
                })
                .collect()
        };
        let ids = row_ids(&mut self.tree, "TH");
        let head = row_unit(&header, &ids, Face::Bold, Some(0.92));
        let mut h = head.clone();
        h.keep_with_next = true;
        self.units.push(h);
        if rows.is_empty() {
            let ids = row_ids(&mut self.tree, "TD");
            let mut u = row_unit(&[String::new()], &ids, Face::Regular, None);
            u.repeat = Some(Box::new(head.clone()));
            self.units.push(u);
        }
        for row in rows {
            let ids = row_ids(&mut self.tree, "TD");
            let mut u = row_unit(&row, &ids, Face::Regular, None);
            u.repeat = Some(Box::new(head.clone()));
            self.units.push(u);
        }
        self.units.push(gap(8.0));
    }
}

pub(super) fn offset(d: Draw, dx: f32, dy: f32) -> Draw {
    d.map(|x, y, _| (x + dx, y + dy))
}

impl Draw {
    /// The same drawing with its anchor points mapped by `f(x, y, height)`.
    pub(super) fn map(self, f: impl Fn(f32, f32, f32) -> (f32, f32)) -> Draw {
        match self {
            Draw::Text {
                x,
                y,
                text,
                face,
                size,
                grey,
                mark,
                actual,
            } => {
                let (x, y) = f(x, y, 0.0);
                Draw::Text {
                    x,
                    y,
                    text,
                    face,
                    size,
                    grey,
                    mark,
                    actual,
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

/// Split spans into paragraphs where the block language breaks them
/// ([`block_paragraphs`]: the `pdf` filter has read the text into paragraphs).
pub(super) fn split_paragraphs(spans: &[(String, Face)]) -> Vec<Vec<(String, Face)>> {
    let mut out: Vec<Vec<(String, Face)>> = vec![Vec::new()];
    for (text, face) in spans {
        for (i, part) in block_paragraphs(text).enumerate() {
            if i > 0 {
                out.push(Vec::new());
            }
            if !part.is_empty() {
                out.last_mut()
                    .expect("one paragraph")
                    .push((part.to_string(), *face));
            }
        }
    }
    out.retain(|p| !p.is_empty());
    if out.is_empty() {
        out.push(vec![(String::new(), Face::Regular)]);
    }
    out
}
