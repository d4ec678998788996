//! Layout: blocks become units — strips of drawing that are never split across pages — with
//! keep-with-next, repeated table headers and numbered items.

use super::*;

pub(super) struct Layout {
    pub(super) units: Vec<Unit>,
    pub(super) indent: usize,
    pub(super) sheet: Sheet,
}

impl Layout {
    pub(super) fn left(&self) -> f32 {
        MARGIN_X + self.indent as f32 * INDENT
    }

    pub(super) fn right(&self) -> f32 {
        self.sheet.right()
    }

    pub(super) fn para(&mut self, spans: Vec<(String, Face)>, size: f32, after: f32) {
        let (l, r) = (self.left(), self.right());
        for para in split_paragraphs(&spans) {
            self.units.extend(wrap(&para, l, l, r, size));
            self.units.push(gap(after));
        }
    }

    /// A numbered item: the number in bold, the text in a hanging indent, kept with what follows.
    pub(super) fn numbered(
        &mut self,
        num: &str,
        spans: Vec<(String, Face)>,
        min_hang: f32,
        after: f32,
    ) {
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
                    text: num.to_string(),
                    face: Face::Bold,
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

    pub(super) fn block(&mut self, b: Block) {
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
                let mut g = gap(8.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::H2(t) => {
                self.units.push(gap(6.0));
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
                let mut g = gap(4.0);
                g.keep_with_next = true;
                self.units.push(g);
            }
            Block::Lead(t) => {
                let start = self.units.len();
                self.para(vec![(t, Face::Bold)], BODY, 4.0);
                // A lead introduces what follows: never leave it alone at the foot of a page.
                for u in &mut self.units[start..] {
                    u.keep_with_next = true;
                }
            }
            Block::P(t) => self.para(vec![(t, Face::Regular)], BODY, 6.0),
            Block::Note(t) => self.para(vec![(t, Face::Regular)], 8.0, 3.0),
            Block::Footnote(t) => {
                let marker = t.chars().next().filter(|c| SUPERSCRIPTS.contains(*c));
                let start = self.units.len();
                self.para(vec![(t, Face::Regular)], 8.0, 3.0);
                for u in &mut self.units[start..] {
                    u.footnote = marker;
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
                    self.para(vec![(t, Face::Regular)], BODY, 5.0);
                }
                self.indent -= 1;
            }
            Block::Question(num, text) => {
                self.numbered(&num, vec![(text, Face::Bold)], 24.0, 4.0);
            }
            Block::Rule(num, label, text) => {
                self.numbered(
                    &num,
                    vec![(label, Face::Italic), (format!(" {text}"), Face::Regular)],
                    28.0,
                    3.0,
                );
            }
            Block::Field(label, value) => {
                if value.contains('\n') || value.chars().count() > 160 {
                    self.para(vec![(label, Face::Bold)], BODY, 2.0);
                    if let Some(u) = self.units.iter_mut().rev().find(|u| !u.draws.is_empty()) {
                        u.keep_with_next = true;
                    }
                    self.indent += 1;
                    self.para(vec![(value, Face::Regular)], BODY, 5.0);
                    self.indent -= 1;
                } else {
                    self.para(
                        vec![(label, Face::Bold), (format!(" {value}"), Face::Regular)],
                        BODY,
                        5.0,
                    );
                }
            }
            Block::Check(on, text) => {
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
                    self.para(vec![(l, Face::Regular)], 8.0, 0.0);
                }
            }
            Block::Table(header, rows) => self.table(header, rows),
        }
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
        let row_unit = |cells: &[String], face: Face, fill: Option<f32>| -> Unit {
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
        let head = row_unit(&header, Face::Bold, Some(0.92));
        let mut h = head.clone();
        h.keep_with_next = true;
        self.units.push(h);
        if rows.is_empty() {
            let mut u = row_unit(&[String::new()], Face::Regular, None);
            u.repeat = Some(Box::new(head.clone()));
            self.units.push(u);
        }
        for row in rows {
            let mut u = row_unit(&row, Face::Regular, None);
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
            } => {
                let (x, y) = f(x, y, 0.0);
                Draw::Text {
                    x,
                    y,
                    text,
                    face,
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
pub(super) fn split_paragraphs(spans: &[(String, Face)]) -> Vec<Vec<(String, Face)>> {
    let mut out: Vec<Vec<(String, Face)>> = vec![Vec::new()];
    for (text, face) in spans {
        for (i, part) in text.split("\n\n").enumerate() {
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
