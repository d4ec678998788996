//! Word output: the same block language the PDF template writes (`record.pdf`, one generic path
//! for every form), set as a .docx with docx-rs — heading styles Word's navigation pane and
//! screen readers use, rules with their Yes/No boxes (☒ / ☐), tables whose header row repeats
//! on every page, the banner in the header and footer, page numbers, and document properties.
//! A release copy's text is withheld before the blocks are written, so no part of the package
//! can hold it.

use docx_rs::{
    AlignmentType, BreakType, Docx, Footer, Header, NumPages, PageNum, Paragraph, Run, Style,
    StyleType, Table, TableCell, TableRow, WidthType,
};

use super::marks::escape_html as xml_escape;
use super::marks::{ITALIC_CLOSE, ITALIC_OPEN};
use super::marks::{REDACTION_CLOSE, REDACTION_OPEN, WITHHELD_CLOSE, WITHHELD_OPEN, WITHHELD_SEP};
use super::pdf::{parse_blocks, plain_meta as plain, Block};
use super::text::block_paragraphs;
use crate::error::{Error, Result};

/// Twips of indentation per level.
const INDENT: i32 = 360;

/// Twips between the margins of a Letter page with docx-rs's one-inch margins.
const TEXT_WIDTH: usize = 9360;

/// Column widths in twips: in proportion to each column's longest text (as the PDF sets them),
/// none narrower than a seventh of the page.
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

/// A run the package pass turns into the opening of a withheld span's content control.
const SDT_WITHHELD: char = '\u{E010}';
/// A run the package pass turns into the end of a content control.
const SDT_END: char = '\u{E011}';
/// A run the package pass turns into a check box content control (followed by 1 or 0).
const SDT_BOX: char = '\u{E012}';

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

/// Runs of one string: italic marks set italic, redaction labels bold in brackets, text a
/// release withholds shaded, in the character style naming its exemptions
/// ([`withhold_style_name`]), inside a content control tagged with them — the style is what
/// LibreOffice keeps, the content control what Word shows.
fn runs(text: &str, bold: bool) -> Vec<Run> {
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
                 out: &mut Vec<Run>| {
        if cur.is_empty() {
            return;
        }
        let t = std::mem::take(cur);
        let lines: Vec<&str> = t.split('\n').collect();
        let mut r = Run::new();
        for (i, l) in lines.iter().enumerate() {
            if i > 0 {
                r = r.add_break(BreakType::TextWrapping);
            }
            let shown = if label {
                format!("[{l}]")
            } else {
                l.to_string()
            };
            r = r.add_text(shown);
        }
        if bold || label {
            r = r.bold();
        }
        if italic {
            r = r.italic();
        }
        if let Some(codes) = withheld {
            r = r.style(&withhold_style_id(codes)).highlight("lightGray");
        }
        out.push(r);
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
                        out.push(Run::new().add_text(SDT_END.to_string()));
                    }
                }
            }
            WITHHELD_SEP => {
                let c = codes.take().unwrap_or_default();
                let c = c.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(Run::new().add_text(format!("{SDT_WITHHELD}{c}")));
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

/// The package pass: marker runs become Word content controls — a withheld span's (tagged
/// `smout:withhold <exemptions>`, titled with the labels a release copy prints, inside a hidden
/// bookmark `_smout_withheld_<n>` that tells an import where withheld text was even if an
/// editor dropped every other mark) and check boxes (`w14:checkbox`, ☒/☐ as their glyphs for
/// readers without content controls).
fn content_controls(xml: &str) -> String {
    let mut bookmark = 0usize;
    let marker = regex::Regex::new(
        r#"<w:r>(?:<w:rPr ?/>|<w:rPr>(?:<w:[^>]*/>)*</w:rPr>)?<w:t[^>]*>([\x{E010}\x{E011}\x{E012}])([^<]*)</w:t></w:r>"#,
    )
    .expect("valid");
    // A run's style comes first in its properties, as the schema orders them (docx-rs writes
    // it last).
    let style_first = regex::Regex::new(
        r#"<w:rPr>((?:<w:[A-Za-z]+(?: [^>]*)? ?/>)*?)(<w:rStyle w:val="SmoutWithhold[^"]*" />)"#,
    )
    .expect("valid");
    let xml = style_first.replace_all(xml, "<w:rPr>$2$1");
    marker
        .replace_all(&xml, |c: &regex::Captures| {
            let arg = &c[2];
            match c[1].chars().next() {
                Some(SDT_WITHHELD) => {
                    let label = crate::markup::label(
                        &arg.split_whitespace().map(str::to_string).collect::<Vec<_>>(),
                    );
                    bookmark += 1;
                    format!(
                        "<w:bookmarkStart w:id=\"{bookmark}\" w:name=\"{}{bookmark}\" /><w:sdt><w:sdtPr><w:alias w:val=\"Withheld in a release copy: {}\" /><w:tag w:val=\"{} {}\" /></w:sdtPr><w:sdtContent>",
                        super::marks::WITHHELD_BOOKMARK,
                        xml_escape(&label),
                        super::marks::WITHHOLD_TAG,
                        xml_escape(arg)
                    )
                }
                // Spans do not nest: this ends the last one opened.
                Some(SDT_END) => format!("</w:sdtContent></w:sdt><w:bookmarkEnd w:id=\"{bookmark}\" />"),
                _ => {
                    let on = arg == "1";
                    format!(
                        "<w:sdt><w:sdtPr><w14:checkbox><w14:checked w14:val=\"{}\" /><w14:checkedState w14:val=\"2612\" w14:font=\"MS Gothic\" /><w14:uncheckedState w14:val=\"2610\" w14:font=\"MS Gothic\" /></w14:checkbox></w:sdtPr><w:sdtContent><w:r><w:t>{}</w:t></w:r></w:sdtContent></w:sdt><w:r><w:t xml:space=\"preserve\"> </w:t></w:r>",
                        u8::from(on),
                        if on { "☒" } else { "☐" }
                    )
                }
            }
        })
        .into_owned()
}

fn para(text: &str, bold: bool, indent: usize) -> Paragraph {
    indented(add_runs(Paragraph::new(), text, bold), indent)
}

/// `p` with the runs of `text` added.
fn add_runs(mut p: Paragraph, text: &str, bold: bool) -> Paragraph {
    for r in runs(text, bold) {
        p = p.add_run(r);
    }
    p
}

fn indented(p: Paragraph, indent: usize) -> Paragraph {
    match indent {
        0 => p,
        n => p.indent(Some(INDENT * n as i32), None, None, None),
    }
}

/// The Word paragraphs of block text, one `w:p` for each of its paragraphs
/// ([`block_paragraphs`]): the first opened by `first` (a label, a box), the others on their own
/// at the same indent.
fn paragraphs(first: Paragraph, text: &str, bold: bool, indent: usize) -> Vec<Paragraph> {
    let mut parts = block_paragraphs(text);
    let head = add_runs(first, parts.next().unwrap_or(""), bold);
    std::iter::once(head)
        .chain(parts.map(|t| add_runs(Paragraph::new(), t, bold)))
        .map(|p| indented(p, indent))
        .collect()
}

/// A heading paragraph: its number, then (text, italic) spans.
fn heading(style: &str, number: &str, spans: &[(&str, bool)]) -> Paragraph {
    let mut p = Paragraph::new().style(style).keep_next(true);
    if !number.is_empty() {
        p = p.add_run(Run::new().add_text(format!("{number} ")));
    }
    for (text, italic) in spans {
        for mut r in runs(text, false) {
            if *italic {
                r = r.italic();
            }
            p = p.add_run(r);
        }
    }
    p
}

/// The .docx of a record (or report) from its blocks.
pub fn render(blocks: &str, timestamp: i64, properties: &[(&str, String)]) -> Result<Vec<u8>> {
    let doc = parse_blocks(blocks)?;
    let date = chrono::DateTime::from_timestamp(timestamp, 0)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let mut docx = Docx::new()
        .add_style(
            Style::new("Heading1", StyleType::Paragraph)
                .name("heading 1")
                .bold()
                .size(28)
                .outline_lvl(0),
        )
        .add_style(
            Style::new("Heading2", StyleType::Paragraph)
                .name("heading 2")
                .bold()
                .size(22)
                .outline_lvl(1),
        )
        .add_style(
            Style::new("Heading3", StyleType::Paragraph)
                .name("heading 3")
                .size(22)
                .outline_lvl(2),
        )
        .created_at(&date)
        .updated_at(&date);

    for (k, v) in properties {
        docx = docx.custom_property(*k, v.clone());
    }
    let banner = plain(&doc.banner);
    let mut header = Header::new();
    let mut footer = Footer::new();
    if !banner.is_empty() {
        header = header.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(banner.clone()).bold()),
        );
    }
    footer = footer.add_paragraph(
        Paragraph::new()
            .add_run(Run::new().add_text(plain(&doc.footer)).bold().size(16))
            .add_run(Run::new().add_tab().add_text("Page ").size(16))
            .add_page_num(PageNum::new())
            .add_run(Run::new().add_text(" of ").size(16))
            .add_num_pages(NumPages::new()),
    );
    if !banner.is_empty() {
        footer = footer.add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(Run::new().add_text(banner).bold()),
        );
    }
    docx = docx.header(header).footer(footer);

    let mut indent = 0usize;
    for b in doc.blocks {
        match b {
            Block::Page => {
                docx = docx
                    .add_paragraph(Paragraph::new().add_run(Run::new().add_break(BreakType::Page)))
            }
            Block::Running(_) | Block::Space => {}
            Block::H1(t) => docx = docx.add_paragraph(heading("Heading1", "", &[(&t, false)])),
            Block::H2(t) => docx = docx.add_paragraph(heading("Heading2", "", &[(&t, false)])),
            Block::Question(n, t) => {
                docx = docx.add_paragraph(heading("Heading2", &n, &[(&t, false)]))
            }
            Block::Rule(n, label, t) => {
                docx = docx.add_paragraph(heading(
                    "Heading3",
                    &n,
                    &[(&label, true), (&format!(" {t}"), false)],
                ))
            }
            Block::Lead(t) => {
                for p in paragraphs(Paragraph::new(), &t, true, indent) {
                    docx = docx.add_paragraph(p.keep_next(true));
                }
            }
            Block::P(t) | Block::Note(t) | Block::Footnote(t) => {
                for p in paragraphs(Paragraph::new(), &t, false, indent) {
                    docx = docx.add_paragraph(p);
                }
            }
            Block::Answer(t) => {
                for p in paragraphs(Paragraph::new(), &t, false, indent + 1) {
                    docx = docx.add_paragraph(p);
                }
            }
            Block::Field(label, value) => {
                let labelled =
                    add_runs(Paragraph::new(), &label, true).add_run(Run::new().add_text(" "));
                for p in paragraphs(labelled, &value, false, indent) {
                    docx = docx.add_paragraph(p);
                }
            }
            Block::Check(on, t) => {
                let boxed = Paragraph::new()
                    .add_run(Run::new().add_text(format!("{SDT_BOX}{}", u8::from(on))));
                for p in paragraphs(boxed, &t, false, 0) {
                    docx = docx.add_paragraph(p.indent(
                        Some(INDENT * indent as i32),
                        None,
                        None,
                        None,
                    ));
                }
            }
            Block::Indent(n) => indent = n,
            Block::Address(lines) => {
                for l in lines {
                    docx = docx.add_paragraph(para(&l, false, 0));
                }
            }
            Block::Table(head, rows) => {
                let widths = column_widths(&head, &rows);
                let cell = |t: &str, bold: bool, w: usize| {
                    paragraphs(Paragraph::new(), t, bold, 0)
                        .into_iter()
                        .fold(TableCell::new(), TableCell::add_paragraph)
                        .width(w, WidthType::Dxa)
                };
                let header = head.iter().zip(&widths).map(|(h, w)| cell(h, true, *w));
                let mut trs = vec![TableRow::new(header.collect()).cant_split()];
                for row in rows {
                    let cells = widths
                        .iter()
                        .enumerate()
                        .map(|(i, w)| cell(row.get(i).map(String::as_str).unwrap_or(""), false, *w))
                        .collect();
                    trs.push(TableRow::new(cells).cant_split());
                }
                let total = widths.iter().sum();
                docx = docx.add_table(
                    Table::new(trs)
                        .set_grid(widths)
                        .width(total, WidthType::Dxa),
                );
            }
        }
    }
    let mut xml = docx.build();
    // docx-rs writes neither a repeated header row nor a title: the first row of every table is
    // marked `w:tblHeader` (Word repeats it on each page), and the core properties carry the
    // title and author.
    let document = String::from_utf8_lossy(&xml.document).into_owned();
    let mut marked = String::with_capacity(document.len());
    let mut rest = document.as_str();
    while let Some(i) = rest.find("<w:tbl>") {
        marked.push_str(&rest[..i + "<w:tbl>".len()]);
        rest = &rest[i + "<w:tbl>".len()..];
        if let Some(j) = rest.find("<w:trPr>") {
            marked.push_str(&rest[..j + "<w:trPr>".len()]);
            marked.push_str("<w:tblHeader />");
            rest = &rest[j + "<w:trPr>".len()..];
        }
    }
    marked.push_str(rest);
    xml.document = content_controls(&marked).into_bytes();
    // The withhold character styles, written as Word writes a style of its own (docx-rs sets a
    // style's parts out of the schema's order).
    let styles: String = withheld_codes(blocks)
        .iter()
        .map(|codes| {
            format!(
                "<w:style w:type=\"character\" w:customStyle=\"1\" w:styleId=\"{}\"><w:name w:val=\"{}\" /><w:uiPriority w:val=\"99\" /><w:qFormat /><w:rPr><w:highlight w:val=\"lightGray\" /></w:rPr></w:style>",
                xml_escape(&withhold_style_id(codes)),
                xml_escape(&withhold_style_name(codes))
            )
        })
        .collect();
    if !styles.is_empty() {
        let all = String::from_utf8_lossy(&xml.styles).replacen(
            "</w:styles>",
            &format!("{styles}</w:styles>"),
            1,
        );
        xml.styles = all.into_bytes();
    }
    let core = String::from_utf8_lossy(&xml.doc_props.core).into_owned();
    let core = core
        .replace(
            "<dc:creator>unknown</dc:creator>",
            &format!(
                "<dc:creator>{}</dc:creator>",
                xml_escape(&plain(&doc.meta_author))
            ),
        )
        .replace(
            "<cp:lastModifiedBy>unknown</cp:lastModifiedBy>",
            "<cp:lastModifiedBy>smout</cp:lastModifiedBy>",
        )
        .replace(
            "</cp:coreProperties>",
            &format!(
                "<dc:title>{}</dc:title><dc:subject>{}</dc:subject><dc:language>{}</dc:language></cp:coreProperties>",
                xml_escape(&plain(&doc.meta_title)),
                xml_escape(&plain(&doc.meta_subject)),
                xml_escape(&doc.meta_lang),
            ),
        );
    xml.doc_props.core = core.into_bytes();
    let mut out = std::io::Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| Error::Write {
        what: "the Word file",
        source: Box::new(e),
    })?;
    Ok(out.into_inner())
}
