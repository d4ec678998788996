//! Word files and transcriptions read as units.

use super::*;

/// A .docx of `body` (runs of one paragraph) with the character styles `styles` (id, name).
fn docx(body: &str, styles: &[(&str, &str)]) -> Vec<u8> {
    use std::io::Write;
    let mut out = std::io::Cursor::new(Vec::new());
    let mut z = zip::ZipWriter::new(&mut out);
    let opts = zip::write::SimpleFileOptions::default();
    z.start_file("word/document.xml", opts).unwrap();
    write!(
        z,
        "<w:document><w:body><w:p>{body}</w:p></w:body></w:document>"
    )
    .unwrap();
    z.start_file("word/styles.xml", opts).unwrap();
    let defs: String = styles
        .iter()
        .map(|(id, name)| {
            format!("<w:style w:type=\"character\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/></w:style>")
        })
        .collect();
    write!(z, "<w:styles>{defs}</w:styles>").unwrap();
    z.finish().unwrap();
    out.into_inner()
}

fn text_of(bytes: &[u8]) -> String {
    match &docx_units(bytes, "t.docx").unwrap()[..] {
        [Unit::Para { text, .. }] => text.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_withhold_style_is_read_by_its_name_and_its_exemptions_checked() {
    let run = |style: &str, t: &str| {
        format!("<w:r><w:rPr><w:rStyle w:val=\"{style}\"/></w:rPr><w:t xml:space=\"preserve\">{t}</w:t></w:r>")
    };
    let plain = "<w:r><w:t xml:space=\"preserve\"> called </w:t></w:r>";
    // Ids are the editor's (LibreOffice renames them); the name carries the exemptions.
    let body = format!(
        "{}{}{plain}{}",
        run("S1", "Jane "),
        run("S1", "Roe"),
        run("S2", "x")
    );
    let styles = [
        ("S1", "smout withhold b6 b7c"),
        ("S2", "smout withhold b66"),
    ];
    assert_eq!(
        text_of(&docx(&body, &styles)),
        format!("[[b6 b7C: Jane Roe]] called {LOST_OPEN}x{LOST_CLOSE}")
    );
    // A style of another name is no mark.
    assert_eq!(
        text_of(&docx(&run("S3", "Jane"), &[("S3", "smout withholding")])),
        "Jane"
    );
}

#[test]
fn a_transcription_reads_as_paragraphs_and_items() {
    let u = text_units(
        "## HEAD\n\nName of Component: CBP<sup>2</sup>\nmore\n- a) *Equipment.* Use;\n- b) next\n",
        "t.txt",
    );
    let texts: Vec<&str> = u
        .iter()
        .map(|u| match u {
            Unit::Para { text, .. } => text.as_str(),
            Unit::Table { .. } => "",
        })
        .collect();
    assert_eq!(
        texts,
        [
            "HEAD",
            "Name of Component: CBP\nmore",
            "a) Equipment. Use;",
            "b) next"
        ]
    );
    assert_eq!(u[2].loc(), "t.txt:5");
}
