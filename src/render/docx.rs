//! Word output: the same block language the PDF template writes (`record.pdf`, one generic path
//! for every form), set as a .docx — heading styles Word's navigation pane and screen readers
//! use, rules with their Yes/No boxes (☒ / ☐), tables whose header row repeats on every page,
//! the banner in the header and footer, page numbers, and document properties — on US Letter
//! with one-inch margins.
//!
//! Every part is written here with quick-xml, each element's children in the order the OOXML
//! schema (ECMA-376, transitional) gives them, so the package validates as Word writes it. A
//! release copy's text is withheld before the blocks are written, so no part of the package can
//! hold it.

use std::io::Write as _;

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::marks::{ITALIC_CLOSE, ITALIC_OPEN};
use super::marks::{REDACTION_CLOSE, REDACTION_OPEN, WITHHELD_CLOSE, WITHHELD_OPEN, WITHHELD_SEP};
use super::pdf::{parse_blocks, plain_meta as plain, Block};
use super::text::block_paragraphs;
use crate::error::{Error, Result};

/// Twips of indentation per level.
const INDENT: usize = 360;

/// The page: US Letter, upright, in twips (1440 an inch).
const PAGE_W: usize = 12240;
const PAGE_H: usize = 15840;
/// One inch on every side, as the Word template has it.
const MARGIN: usize = 1440;
/// Header and footer, half an inch from the edge.
const HEADER: usize = 720;

/// Twips between the margins: every table's grid adds up to this.
const TEXT_WIDTH: usize = PAGE_W - 2 * MARGIN;

/// Column widths in twips: in proportion to each column's longest text (as the PDF sets them),
/// none narrower than a seventh of the page, together no wider than the text.
fn column_widths(head: &[String], rows: &[Vec<String>]) -> Vec<usize> {
    let n = head.len().max(1);
    let want: Vec<usize> = (0..n)
        .map(|c| {
            let longest = rows
                .iter()
                .filter_map(|r| r.get(c))
                .chain(head.get(c))
                .map(|t| t.chars().count())
                .max()
                .unwrap_or(0);
            longest.clamp(8, 80)
        })
        .collect();
    let sum: usize = want.iter().sum::<usize>().max(1);
    let floor = TEXT_WIDTH / 7;
    let raw: Vec<usize> = want
        .iter()
        .map(|w| (w * TEXT_WIDTH / sum).max(floor))
        .collect();
    let total: usize = raw.iter().sum::<usize>().max(1);
    raw.iter().map(|w| w * TEXT_WIDTH / total).collect()
}

/// The id of the character style that marks text withheld under `codes` (`b6 b7C`): its name,
/// [`withhold_style_name`], is what an import reads (editors may rename ids, as LibreOffice
/// does).
fn withhold_style_id(codes: &str) -> String {
    let mut id = String::from("SmoutWithhold");
    id.extend(codes.chars().filter(char::is_ascii_alphanumeric));
    id
}

/// The name of that style: `smout withhold b6 b7C`.
fn withhold_style_name(codes: &str) -> String {
    format!("{} {codes}", super::marks::WITHHOLD_STYLE)
}

/// The exemption lists of the withheld spans in block text, each once, in order.
fn withheld_codes(blocks: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = blocks;
    while let Some(i) = rest.find(WITHHELD_OPEN) {
        rest = &rest[i + WITHHELD_OPEN.len_utf8()..];
        let end = rest.find(WITHHELD_SEP).unwrap_or(rest.len());
        let codes = rest[..end].split_whitespace().collect::<Vec<_>>().join(" ");
        if !out.contains(&codes) {
            out.push(codes);
        }
        rest = &rest[end..];
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The document, as Word models it: paragraphs of runs, and tables of cells of paragraphs.

/// What a run holds, in order.
enum Piece {
    Text(String),
    /// A line break inside the paragraph.
    Break,
    Tab,
    PageBreak,
    /// A field (`PAGE`, `NUMPAGES`) and the value shown until Word updates it.
    Field(&'static str),
}

/// A run: pieces in one set of character properties.
#[derive(Default)]
struct Run {
    pieces: Vec<Piece>,
    bold: bool,
    italic: bool,
    /// Half-points.
    size: Option<u32>,
    /// The exemptions of withheld text: its character style, and shading.
    withheld: Option<String>,
}

impl Run {
    fn text(t: impl Into<String>) -> Run {
        Run {
            pieces: vec![Piece::Text(t.into())],
            ..Run::default()
        }
    }
}

/// What a paragraph holds.
enum Inline {
    Run(Run),
    /// A check box content control, ticked or not.
    Box(bool),
    /// The start of a withheld span, with its exemptions: a bookmark and a content control.
    Open(String),
    /// The end of the span last opened (spans do not nest).
    Close,
}

#[derive(Default)]
struct Para {
    style: Option<&'static str>,
    keep_next: bool,
    /// Left indent in twips.
    indent: usize,
    center: bool,
    /// A tab stop at the right margin (the footer's page number).
    right_tab: bool,
    inlines: Vec<Inline>,
}

impl Para {
    fn with_runs(mut self, text: &str, bold: bool) -> Para {
        self.inlines.extend(runs(text, bold));
        self
    }

    fn run(mut self, r: Run) -> Para {
        self.inlines.push(Inline::Run(r));
        self
    }

    fn indented(mut self, indent: usize) -> Para {
        self.indent = INDENT * indent;
        self
    }
}

enum Body {
    P(Para),
    /// Column widths, then rows of cells of paragraphs (the first row the header).
    Table(Vec<usize>, Vec<Vec<Vec<Para>>>),
}

/// The inlines of one string: italic marks set italic, redaction labels bold in brackets, text
/// a release withholds shaded, in the character style naming its exemptions
/// ([`withhold_style_name`]), inside a content control tagged with them — the style is what
/// LibreOffice keeps, the content control what Word shows.
fn runs(text: &str, bold: bool) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut italic = false;
    let mut label = false;
    let mut withheld: Option<String> = None;
    let mut codes: Option<String> = None;
    let flush = |cur: &mut String,
                 italic: bool,
                 label: bool,
                 withheld: &Option<String>,
                 out: &mut Vec<Inline>| {
        if cur.is_empty() {
            return;
        }
        let t = std::mem::take(cur);
        let mut r = Run {
            bold: bold || label,
            italic,
            withheld: withheld.clone(),
            ..Run::default()
        };
        for (i, l) in t.split('\n').enumerate() {
            if i > 0 {
                r.pieces.push(Piece::Break);
            }
            r.pieces.push(Piece::Text(if label {
                format!("[{l}]")
            } else {
                l.to_string()
            }));
        }
        out.push(Inline::Run(r));
    };
    for c in text.chars() {
        match c {
            ITALIC_OPEN | ITALIC_CLOSE | REDACTION_OPEN | REDACTION_CLOSE | WITHHELD_OPEN
            | WITHHELD_CLOSE => {
                flush(&mut cur, italic, label, &withheld, &mut out);
                match c {
                    ITALIC_OPEN => italic = true,
                    ITALIC_CLOSE => italic = false,
                    REDACTION_OPEN => label = true,
                    REDACTION_CLOSE => label = false,
                    WITHHELD_OPEN => codes = Some(String::new()),
                    _ => {
                        withheld = None;
                        out.push(Inline::Close);
                    }
                }
            }
            WITHHELD_SEP => {
                let c = codes.take().unwrap_or_default();
                let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(Inline::Open(c.clone()));
                withheld = Some(c);
            }
            c => match codes.as_mut() {
                Some(codes) => codes.push(c),
                None => cur.push(c),
            },
        }
    }
    flush(&mut cur, italic, label, &withheld, &mut out);
    out
}

/// The Word paragraphs of block text, one `w:p` for each of its paragraphs
/// ([`block_paragraphs`]): the first opened by `first` (a label, a box), the others on their own
/// at the same indent.
fn paragraphs(first: Para, text: &str, bold: bool, indent: usize) -> Vec<Para> {
    let mut parts = block_paragraphs(text);
    let head = first.with_runs(parts.next().unwrap_or(""), bold);
    std::iter::once(head)
        .chain(parts.map(|t| Para::default().with_runs(t, bold)))
        .map(|p| p.indented(indent))
        .collect()
}

/// A heading paragraph: its number, then (text, italic) spans.
fn heading(style: &'static str, number: &str, spans: &[(&str, bool)]) -> Para {
    let mut p = Para {
        style: Some(style),
        keep_next: true,
        ..Para::default()
    };
    if !number.is_empty() {
        p = p.run(Run::text(format!("{number} ")));
    }
    for (text, italic) in spans {
        for mut i in runs(text, false) {
            if let Inline::Run(r) = &mut i {
                r.italic |= *italic;
            }
            p.inlines.push(i);
        }
    }
    p
}

/// The body of the document from its blocks.
fn body(blocks: Vec<Block>) -> Vec<Body> {
    let mut out = Vec::new();
    let mut indent = 0usize;
    let add = |ps: Vec<Para>, out: &mut Vec<Body>| out.extend(ps.into_iter().map(Body::P));
    for b in blocks {
        match b {
            Block::Page => out.push(Body::P(Para::default().run(Run {
                pieces: vec![Piece::PageBreak],
                ..Run::default()
            }))),
            Block::Running(_) | Block::Space => {}
            Block::H1(t) => out.push(Body::P(heading("Heading1", "", &[(&t, false)]))),
            Block::H2(t) => out.push(Body::P(heading("Heading2", "", &[(&t, false)]))),
            Block::Question(n, t) => out.push(Body::P(heading("Heading2", &n, &[(&t, false)]))),
            Block::Rule(n, label, t) => out.push(Body::P(heading(
                "Heading3",
                &n,
                &[(&label, true), (&format!(" {t}"), false)],
            ))),
            Block::Lead(t) => {
                let ps = paragraphs(Para::default(), &t, true, indent);
                add(
                    ps.into_iter()
                        .map(|p| Para {
                            keep_next: true,
                            ..p
                        })
                        .collect(),
                    &mut out,
                )
            }
            Block::P(t) | Block::Note(t) | Block::Footnote(t) => {
                add(paragraphs(Para::default(), &t, false, indent), &mut out)
            }
            Block::Answer(t) => add(paragraphs(Para::default(), &t, false, indent + 1), &mut out),
            Block::Field(label, value) => {
                let labelled = Para::default().with_runs(&label, true).run(Run::text(" "));
                add(paragraphs(labelled, &value, false, indent), &mut out)
            }
            Block::Check(on, t) => {
                let mut boxed = Para::default();
                boxed.inlines.push(Inline::Box(on));
                add(paragraphs(boxed, &t, false, indent), &mut out)
            }
            Block::Indent(n) => indent = n,
            Block::Address(lines) => {
                for l in lines {
                    out.push(Body::P(Para::default().with_runs(&l, false)));
                }
            }
            Block::Table(head, rows) => {
                let widths = column_widths(&head, &rows);
                let cell = |t: &str, bold: bool| paragraphs(Para::default(), t, bold, 0);
                let mut trs = vec![head.iter().map(|h| cell(h, true)).collect::<Vec<_>>()];
                for row in rows {
                    trs.push(
                        (0..widths.len())
                            .map(|i| cell(row.get(i).map(String::as_str).unwrap_or(""), false))
                            .collect(),
                    );
                }
                out.push(Body::Table(widths, trs));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Writing the parts.

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const NS_W14: &str = "http://schemas.microsoft.com/office/word/2010/wordml";
const NS_MC: &str = "http://schemas.openxmlformats.org/markup-compatibility/2006";

/// An XML part being written. Writing into memory cannot fail, so its steps do not return
/// errors.
struct Xml {
    w: Writer<Vec<u8>>,
    /// The last withheld span's bookmark id.
    bookmark: usize,
}

impl Xml {
    fn new() -> Xml {
        let mut w = Writer::new(Vec::new());
        w.config_mut().add_space_before_slash_in_empty_elements = true;
        let mut x = Xml { w, bookmark: 0 };
        x.event(Event::Decl(BytesDecl::new(
            "1.0",
            Some("UTF-8"),
            Some("yes"),
        )));
        x
    }

    fn event(&mut self, e: Event<'_>) {
        self.w.write_event(e).expect("writing into memory");
    }

    fn start<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut s = BytesStart::new(name);
        for a in attrs {
            s.push_attribute(*a);
        }
        s
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Xml::start(name, attrs)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Xml::start(name, attrs)));
    }

    /// `<name attrs>text</name>`.
    fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.event(Event::Text(BytesText::new(text)));
        self.close(name);
    }

    /// `<name w:val="val" />`.
    fn val(&mut self, name: &str, val: &str) {
        self.empty(name, &[("w:val", val)]);
    }

    fn done(self) -> Vec<u8> {
        self.w.into_inner()
    }

    fn run(&mut self, r: &Run) {
        self.open("w:r", &[]);
        let size = r.size.map(|s| s.to_string());
        if r.bold || r.italic || size.is_some() || r.withheld.is_some() {
            // CT_RPr: rStyle, b, bCs, i, iCs, sz, szCs, highlight.
            self.open("w:rPr", &[]);
            if let Some(codes) = &r.withheld {
                self.val("w:rStyle", &withhold_style_id(codes));
            }
            if r.bold {
                self.empty("w:b", &[]);
                self.empty("w:bCs", &[]);
            }
            if r.italic {
                self.empty("w:i", &[]);
                self.empty("w:iCs", &[]);
            }
            if let Some(s) = &size {
                self.val("w:sz", s);
                self.val("w:szCs", s);
            }
            if r.withheld.is_some() {
                self.val("w:highlight", "lightGray");
            }
            self.close("w:rPr");
        }
        for p in &r.pieces {
            match p {
                Piece::Text(t) => self.leaf("w:t", &[("xml:space", "preserve")], t),
                Piece::Break => self.empty("w:br", &[]),
                Piece::Tab => self.empty("w:tab", &[]),
                Piece::PageBreak => self.empty("w:br", &[("w:type", "page")]),
                Piece::Field(code) => {
                    self.empty("w:fldChar", &[("w:fldCharType", "begin")]);
                    self.leaf("w:instrText", &[], code);
                    self.empty("w:fldChar", &[("w:fldCharType", "separate")]);
                    self.leaf("w:t", &[], "1");
                    self.empty("w:fldChar", &[("w:fldCharType", "end")]);
                }
            }
        }
        self.close("w:r");
    }

    fn para(&mut self, p: &Para) {
        self.open("w:p", &[]);
        if p.style.is_some() || p.keep_next || p.indent > 0 || p.center || p.right_tab {
            // CT_PPr: pStyle, keepNext, tabs, ind, jc.
            self.open("w:pPr", &[]);
            if let Some(s) = p.style {
                self.val("w:pStyle", s);
            }
            if p.keep_next {
                self.empty("w:keepNext", &[]);
            }
            if p.right_tab {
                self.open("w:tabs", &[]);
                self.empty(
                    "w:tab",
                    &[("w:val", "right"), ("w:pos", &TEXT_WIDTH.to_string())],
                );
                self.close("w:tabs");
            }
            if p.indent > 0 {
                self.empty("w:ind", &[("w:left", &p.indent.to_string())]);
            }
            if p.center {
                self.val("w:jc", "center");
            }
            self.close("w:pPr");
        }
        let mut open = None;
        for i in &p.inlines {
            match i {
                Inline::Run(r) => self.run(r),
                Inline::Box(on) => {
                    // A check box content control (`w14:checkbox`), ☒/☐ its glyphs for
                    // readers without content controls.
                    self.open("w:sdt", &[]);
                    self.open("w:sdtPr", &[]);
                    self.open("w14:checkbox", &[]);
                    self.empty("w14:checked", &[("w14:val", if *on { "1" } else { "0" })]);
                    let state = [("w14:font", "MS Gothic")];
                    self.empty(
                        "w14:checkedState",
                        &[&[("w14:val", "2612")], &state[..]].concat(),
                    );
                    self.empty(
                        "w14:uncheckedState",
                        &[&[("w14:val", "2610")], &state[..]].concat(),
                    );
                    self.close("w14:checkbox");
                    self.close("w:sdtPr");
                    self.open("w:sdtContent", &[]);
                    self.run(&Run::text(if *on { "☒" } else { "☐" }));
                    self.close("w:sdtContent");
                    self.close("w:sdt");
                    self.run(&Run::text(" "));
                }
                Inline::Open(codes) => {
                    // A withheld span: a content control tagged `smout:withhold <exemptions>`,
                    // titled with the labels a release copy prints, inside a hidden bookmark
                    // `_smout_withheld_<n>` that tells an import where withheld text was even
                    // if an editor dropped every other mark.
                    if let Some(n) = open.take() {
                        self.end_span(n);
                    }
                    self.bookmark += 1;
                    let n = self.bookmark;
                    let id = n.to_string();
                    let label = crate::markup::label(
                        &codes
                            .split_whitespace()
                            .map(str::to_string)
                            .collect::<Vec<_>>(),
                    );
                    self.empty(
                        "w:bookmarkStart",
                        &[
                            ("w:id", &id),
                            ("w:name", &format!("{}{n}", super::marks::WITHHELD_BOOKMARK)),
                        ],
                    );
                    self.open("w:sdt", &[]);
                    self.open("w:sdtPr", &[]);
                    self.val("w:alias", &format!("Withheld in a release copy: {label}"));
                    self.val("w:tag", &format!("{} {codes}", super::marks::WITHHOLD_TAG));
                    self.close("w:sdtPr");
                    self.open("w:sdtContent", &[]);
                    open = Some(n);
                }
                Inline::Close => {
                    if let Some(n) = open.take() {
                        self.end_span(n);
                    }
                }
            }
        }
        // Spans stay in one paragraph ([`super::text::paragraphs`]); one left open ends here.
        if let Some(n) = open {
            self.end_span(n);
        }
        self.close("w:p");
    }

    fn end_span(&mut self, n: usize) {
        self.close("w:sdtContent");
        self.close("w:sdt");
        self.empty("w:bookmarkEnd", &[("w:id", &n.to_string())]);
    }

    fn table(&mut self, widths: &[usize], rows: &[Vec<Vec<Para>>]) {
        let total = widths.iter().sum::<usize>().to_string();
        self.open("w:tbl", &[]);
        // CT_TblPr: tblW, tblInd, tblBorders, tblLayout, tblLook.
        self.open("w:tblPr", &[]);
        self.empty("w:tblW", &[("w:w", &total), ("w:type", "dxa")]);
        self.empty("w:tblInd", &[("w:w", "0"), ("w:type", "dxa")]);
        self.open("w:tblBorders", &[]);
        for side in ["top", "left", "bottom", "right", "insideH", "insideV"] {
            self.empty(
                &format!("w:{side}"),
                &[
                    ("w:val", "single"),
                    ("w:sz", "2"),
                    ("w:space", "0"),
                    ("w:color", "000000"),
                ],
            );
        }
        self.close("w:tblBorders");
        // The grid as written: Word does not widen a column past the margin for a long word.
        self.empty("w:tblLayout", &[("w:type", "fixed")]);
        self.close("w:tblPr");
        self.open("w:tblGrid", &[]);
        for w in widths {
            self.empty("w:gridCol", &[("w:w", &w.to_string())]);
        }
        self.close("w:tblGrid");
        for (i, row) in rows.iter().enumerate() {
            self.open("w:tr", &[]);
            self.open("w:trPr", &[]);
            self.empty("w:cantSplit", &[]);
            // The header row repeats on every page.
            if i == 0 {
                self.empty("w:tblHeader", &[]);
            }
            self.close("w:trPr");
            for (cell, w) in row.iter().zip(widths) {
                self.open("w:tc", &[]);
                self.open("w:tcPr", &[]);
                self.empty("w:tcW", &[("w:w", &w.to_string()), ("w:type", "dxa")]);
                self.close("w:tcPr");
                for p in cell {
                    self.para(p);
                }
                if cell.is_empty() {
                    self.para(&Para::default());
                }
                self.close("w:tc");
            }
            self.close("w:tr");
        }
        self.close("w:tbl");
    }
}

/// `word/document.xml`: the body, then the section — Letter, one-inch margins, the header
/// and footer.
fn document_xml(body: &[Body]) -> Vec<u8> {
    let mut x = Xml::new();
    x.open(
        "w:document",
        &[
            ("xmlns:w", NS_W),
            ("xmlns:r", NS_R),
            ("xmlns:w14", NS_W14),
            ("xmlns:mc", NS_MC),
            ("mc:Ignorable", "w14"),
        ],
    );
    x.open("w:body", &[]);
    for b in body {
        match b {
            Body::P(p) => x.para(p),
            Body::Table(widths, rows) => x.table(widths, rows),
        }
    }
    // CT_SectPr: headerReference, footerReference, pgSz, pgMar, cols.
    x.open("w:sectPr", &[]);
    x.empty(
        "w:headerReference",
        &[("w:type", "default"), ("r:id", "rIdHeader1")],
    );
    x.empty(
        "w:footerReference",
        &[("w:type", "default"), ("r:id", "rIdFooter1")],
    );
    x.empty(
        "w:pgSz",
        &[("w:w", &PAGE_W.to_string()), ("w:h", &PAGE_H.to_string())],
    );
    let (m, h) = (MARGIN.to_string(), HEADER.to_string());
    x.empty(
        "w:pgMar",
        &[
            ("w:top", &m),
            ("w:right", &m),
            ("w:bottom", &m),
            ("w:left", &m),
            ("w:header", &h),
            ("w:footer", &h),
            ("w:gutter", "0"),
        ],
    );
    x.empty("w:cols", &[("w:space", "720")]);
    x.close("w:sectPr");
    x.close("w:body");
    x.close("w:document");
    x.done()
}

/// `word/header1.xml` or `word/footer1.xml` (`root` `w:hdr` or `w:ftr`).
fn header_footer_xml(root: &str, paras: &[Para]) -> Vec<u8> {
    let mut x = Xml::new();
    x.open(root, &[("xmlns:w", NS_W), ("xmlns:r", NS_R)]);
    for p in paras {
        x.para(p);
    }
    if paras.is_empty() {
        x.para(&Para::default());
    }
    x.close(root);
    x.done()
}

/// `word/styles.xml`: the headings, and a character style for each list of exemptions text is
/// withheld under.
fn styles_xml(withheld: &[String]) -> Vec<u8> {
    let mut x = Xml::new();
    x.open("w:styles", &[("xmlns:w", NS_W)]);
    x.open("w:docDefaults", &[]);
    x.empty("w:rPrDefault", &[]);
    x.empty("w:pPrDefault", &[]);
    x.close("w:docDefaults");
    x.open(
        "w:style",
        &[
            ("w:type", "paragraph"),
            ("w:default", "1"),
            ("w:styleId", "Normal"),
        ],
    );
    x.val("w:name", "Normal");
    x.empty("w:qFormat", &[]);
    x.close("w:style");
    for (id, name, level, bold, size) in [
        ("Heading1", "heading 1", "0", true, "28"),
        ("Heading2", "heading 2", "1", true, "22"),
        ("Heading3", "heading 3", "2", false, "22"),
    ] {
        // CT_Style: name, basedOn, next, uiPriority, qFormat, pPr, rPr.
        x.open("w:style", &[("w:type", "paragraph"), ("w:styleId", id)]);
        x.val("w:name", name);
        x.val("w:basedOn", "Normal");
        x.val("w:next", "Normal");
        x.val("w:uiPriority", "9");
        x.empty("w:qFormat", &[]);
        x.open("w:pPr", &[]);
        x.empty("w:keepNext", &[]);
        x.val("w:outlineLvl", level);
        x.close("w:pPr");
        x.open("w:rPr", &[]);
        if bold {
            x.empty("w:b", &[]);
            x.empty("w:bCs", &[]);
        }
        x.val("w:sz", size);
        x.val("w:szCs", size);
        x.close("w:rPr");
        x.close("w:style");
    }
    for codes in withheld {
        x.open(
            "w:style",
            &[
                ("w:type", "character"),
                ("w:customStyle", "1"),
                ("w:styleId", &withhold_style_id(codes)),
            ],
        );
        x.val("w:name", &withhold_style_name(codes));
        x.val("w:uiPriority", "99");
        x.empty("w:qFormat", &[]);
        // A style shades with `w:shd` (the schema has no highlight in a style's run
        // properties); the runs carry the highlight too, which is what an import reads.
        x.open("w:rPr", &[]);
        x.empty(
            "w:shd",
            &[
                ("w:val", "clear"),
                ("w:color", "auto"),
                ("w:fill", "D3D3D3"),
            ],
        );
        x.close("w:rPr");
        x.close("w:style");
    }
    x.close("w:styles");
    x.done()
}

/// `docProps/core.xml`.
fn core_xml(title: &str, subject: &str, creator: &str, lang: &str, date: &str) -> Vec<u8> {
    let mut x = Xml::new();
    x.open(
        "cp:coreProperties",
        &[
            (
                "xmlns:cp",
                "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            ),
            ("xmlns:dc", "http://purl.org/dc/elements/1.1/"),
            ("xmlns:dcterms", "http://purl.org/dc/terms/"),
            ("xmlns:dcmitype", "http://purl.org/dc/dcmitype/"),
            ("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"),
        ],
    );
    x.leaf("dc:title", &[], title);
    x.leaf("dc:subject", &[], subject);
    x.leaf("dc:creator", &[], creator);
    x.leaf("cp:lastModifiedBy", &[], "smout");
    x.leaf("cp:revision", &[], "1");
    x.leaf("dc:language", &[], lang);
    let w3cdtf = [("xsi:type", "dcterms:W3CDTF")];
    x.leaf("dcterms:created", &w3cdtf, date);
    x.leaf("dcterms:modified", &w3cdtf, date);
    x.close("cp:coreProperties");
    x.done()
}

/// `docProps/custom.xml`: the record's own properties, as text.
fn custom_xml(properties: &[(&str, String)]) -> Vec<u8> {
    let mut x = Xml::new();
    x.open(
        "Properties",
        &[
            (
                "xmlns",
                "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
            ),
            (
                "xmlns:vt",
                "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
            ),
        ],
    );
    for (i, (k, v)) in properties.iter().enumerate() {
        // Property ids start at 2 (ECMA-376 part 1, 22.3.2.2).
        let pid = (i + 2).to_string();
        x.open(
            "property",
            &[
                ("fmtid", "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"),
                ("pid", &pid),
                ("name", k),
            ],
        );
        x.leaf("vt:lpwstr", &[], v);
        x.close("property");
    }
    x.close("Properties");
    x.done()
}

const CONTENT_TYPES: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
    r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />"#,
    r#"<Default Extension="xml" ContentType="application/xml" />"#,
    r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml" />"#,
    r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml" />"#,
    r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml" />"#,
    r#"<Override PartName="/word/fontTable.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.fontTable+xml" />"#,
    r#"<Override PartName="/word/theme/theme1.xml" ContentType="application/vnd.openxmlformats-officedocument.theme+xml" />"#,
    r#"<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml" />"#,
    r#"<Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml" />"#,
    r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml" />"#,
    r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml" />"#,
    r#"<Override PartName="/docProps/custom.xml" ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml" />"#,
    r#"</Types>"#
);

const PACKAGE_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml" />"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml" />"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml" />"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties" Target="docProps/custom.xml" />"#,
    r#"</Relationships>"#
);

const DOCUMENT_RELS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml" />"#,
    r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml" />"#,
    r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/fontTable" Target="fontTable.xml" />"#,
    r#"<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme" Target="theme/theme1.xml" />"#,
    r#"<Relationship Id="rIdHeader1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml" />"#,
    r#"<Relationship Id="rIdFooter1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml" />"#,
    r#"</Relationships>"#
);

const APP: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">"#,
    r#"<Application>smout</Application>"#,
    r#"</Properties>"#
);

/// CT_Settings: zoom, defaultTabStop, characterSpacingControl, compat — Word 2013 and later's
/// layout (compatibility mode 15).
const SETTINGS: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:zoom w:percent="100" />"#,
    r#"<w:defaultTabStop w:val="720" />"#,
    r#"<w:characterSpacingControl w:val="doNotCompress" />"#,
    r#"<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15" /></w:compat>"#,
    r#"</w:settings>"#
);

const FONT_TABLE: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
    r#"<w:font w:name="Times New Roman"><w:charset w:val="00" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="Symbol"><w:charset w:val="02" /><w:family w:val="roman" /><w:pitch w:val="variable" /></w:font>"#,
    r#"<w:font w:name="Arial"><w:charset w:val="00" /><w:family w:val="swiss" /><w:pitch w:val="variable" /></w:font>"#,
    r#"</w:fonts>"#
);

/// The theme every Word document has (Word requires the part): Office's colours, Times New
/// Roman and Arial (the fonts the styles fall back to), plain fills and lines.
const THEME: &str = concat!(
    r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
    r#"<a:theme xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" name="smout">"#,
    r#"<a:themeElements>"#,
    r#"<a:clrScheme name="Office">"#,
    r#"<a:dk1><a:sysClr val="windowText" lastClr="000000" /></a:dk1>"#,
    r#"<a:lt1><a:sysClr val="window" lastClr="FFFFFF" /></a:lt1>"#,
    r#"<a:dk2><a:srgbClr val="44546A" /></a:dk2><a:lt2><a:srgbClr val="E7E6E6" /></a:lt2>"#,
    r#"<a:accent1><a:srgbClr val="4472C4" /></a:accent1><a:accent2><a:srgbClr val="ED7D31" /></a:accent2>"#,
    r#"<a:accent3><a:srgbClr val="A5A5A5" /></a:accent3><a:accent4><a:srgbClr val="FFC000" /></a:accent4>"#,
    r#"<a:accent5><a:srgbClr val="5B9BD5" /></a:accent5><a:accent6><a:srgbClr val="70AD47" /></a:accent6>"#,
    r#"<a:hlink><a:srgbClr val="0563C1" /></a:hlink><a:folHlink><a:srgbClr val="954F72" /></a:folHlink>"#,
    r#"</a:clrScheme>"#,
    r#"<a:fontScheme name="smout">"#,
    r#"<a:majorFont><a:latin typeface="Arial" /><a:ea typeface="" /><a:cs typeface="" /></a:majorFont>"#,
    r#"<a:minorFont><a:latin typeface="Times New Roman" /><a:ea typeface="" /><a:cs typeface="" /></a:minorFont>"#,
    r#"</a:fontScheme>"#,
    r#"<a:fmtScheme name="Office">"#,
    r#"<a:fillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"</a:fillStyleLst>"#,
    r#"<a:lnStyleLst>"#,
    r#"<a:ln w="6350"><a:solidFill><a:schemeClr val="phClr" /></a:solidFill></a:ln>"#,
    r#"<a:ln w="12700"><a:solidFill><a:schemeClr val="phClr" /></a:solidFill></a:ln>"#,
    r#"<a:ln w="19050"><a:solidFill><a:schemeClr val="phClr" /></a:solidFill></a:ln>"#,
    r#"</a:lnStyleLst>"#,
    r#"<a:effectStyleLst>"#,
    r#"<a:effectStyle><a:effectLst /></a:effectStyle>"#,
    r#"<a:effectStyle><a:effectLst /></a:effectStyle>"#,
    r#"<a:effectStyle><a:effectLst /></a:effectStyle>"#,
    r#"</a:effectStyleLst>"#,
    r#"<a:bgFillStyleLst>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"<a:solidFill><a:schemeClr val="phClr" /></a:solidFill>"#,
    r#"</a:bgFillStyleLst>"#,
    r#"</a:fmtScheme>"#,
    r#"</a:themeElements>"#,
    r#"</a:theme>"#
);

/// The .docx of a record (or report) from its blocks.
pub fn render(blocks: &str, timestamp: i64, properties: &[(&str, String)]) -> Result<Vec<u8>> {
    let doc = parse_blocks(blocks)?;
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();

    let banner = plain(&doc.banner);
    let banner_para = || {
        Para {
            center: true,
            ..Para::default()
        }
        .run(Run {
            bold: true,
            ..Run::text(banner.clone())
        })
    };
    let small = |t: Piece| Run {
        pieces: vec![t],
        size: Some(16),
        ..Run::default()
    };
    let mut header = Vec::new();
    let mut footer = vec![Para {
        right_tab: true,
        ..Para::default()
    }
    .run(Run {
        bold: true,
        ..small(Piece::Text(plain(&doc.footer)))
    })
    .run(Run {
        pieces: vec![Piece::Tab, Piece::Text("Page ".into())],
        size: Some(16),
        ..Run::default()
    })
    .run(small(Piece::Field("PAGE")))
    .run(small(Piece::Text(" of ".into())))
    .run(small(Piece::Field("NUMPAGES")))];
    if !banner.is_empty() {
        header.push(banner_para());
        footer.push(banner_para());
    }

    let body = body(doc.blocks);
    let parts: [(&str, Vec<u8>); 13] = [
        ("[Content_Types].xml", CONTENT_TYPES.into()),
        ("_rels/.rels", PACKAGE_RELS.into()),
        (
            "docProps/core.xml",
            core_xml(
                &plain(&doc.meta_title),
                &plain(&doc.meta_subject),
                &plain(&doc.meta_author),
                &doc.meta_lang,
                &date,
            ),
        ),
        ("docProps/app.xml", APP.into()),
        ("docProps/custom.xml", custom_xml(properties)),
        ("word/_rels/document.xml.rels", DOCUMENT_RELS.into()),
        ("word/document.xml", document_xml(&body)),
        ("word/styles.xml", styles_xml(&withheld_codes(blocks))),
        ("word/settings.xml", SETTINGS.into()),
        ("word/fontTable.xml", FONT_TABLE.into()),
        ("word/theme/theme1.xml", THEME.into()),
        ("word/header1.xml", header_footer_xml("w:hdr", &header)),
        ("word/footer1.xml", header_footer_xml("w:ftr", &footer)),
    ];
    let fail = |e: Box<dyn std::error::Error + Send + Sync>| Error::Write {
        what: "the Word file",
        source: e,
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    // Fixed times: the same record renders to the same bytes.
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for (name, bytes) in parts {
        zip.start_file(name, options)
            .map_err(|e| fail(Box::new(e)))?;
        zip.write_all(&bytes).map_err(|e| fail(Box::new(e)))?;
    }
    let out = zip.finish().map_err(|e| fail(Box::new(e)))?;
    Ok(out.into_inner())
}
