//! `smout import`: bring an existing SMOUT (Word, PDF, or a PDF's text) into the register.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use clap_complete::engine::ArgValueCompleter;

use smout::import::{import, ImportOptions};

use super::{findings, CliResult, Env};

/// Bring an existing SMOUT into the register: a Word file, a PDF, or a PDF's text
///
/// Reads the document against the form's wording — each question, rule, box and table column —
/// and writes records/<ID>/record.toml with every answer it can map. FOIA marks in a released
/// copy ("(b) (6)", "(b)(7)(E)") become redaction markup around "withheld in the source"; text
/// smout's own Word copy withholds comes back as the markup it was, and a Word copy whose
/// withheld text lost its marks in an editor is refused, naming the answers. What
/// it cannot map (an unticked box, a category answered in prose, an attachment) is listed with
/// where it is in the source and left as a TODO comment at the top of the record; then the
/// record is checked. A Privacy Office page in the source becomes
/// records/<ID>/imported-determination.toml, to record with `smout determine --from` once the
/// record is submitted. Nothing is committed.
///
/// Exit status: 0 everything mapped and the record checks clean, 1 TODOs or check errors left.
///
/// Examples:
///   smout import "FLD SMOUT 2018.docx" --form <form id> --id cbp-fld
///   pdftotext release.pdf release.txt && smout import release.txt --form <form id>
///   for f in smouts/*.docx; do smout import "$f" --form <form id>; done
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ImportArgs {
    /// The document: .docx, .pdf (needs poppler's pdftotext) or .txt
    pub file: PathBuf,

    /// The form it fills (see `smout forms`)
    #[arg(long, add = ArgValueCompleter::new(super::completions::form_ids))]
    pub form: String,

    /// The record's id (default: the id a smout rendering names, else the file name)
    #[arg(long)]
    pub id: Option<String>,

    /// A short title for status and reports (default: the document's, else the file name)
    #[arg(long)]
    pub title: Option<String>,

    /// Replace the working copy of an existing record (its committed history stays)
    #[arg(long)]
    pub force: bool,
}

/// Run `smout import`.
pub fn run(env: &Env, args: ImportArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let done = import(
        &reg,
        &args.file,
        &ImportOptions {
            form: args.form,
            id: args.id,
            title: args.title,
            force: args.force,
            today: env.today,
        },
        &mut env.note(),
    )?;
    for t in &done.todos {
        writeln!(out, "{}: TODO {}: {}", t.loc, t.path, t.message)?;
    }
    for f in &done.check.findings {
        writeln!(out, "{}", f.render_text(env.color))?;
    }
    if !env.quiet {
        writeln!(
            out,
            "imported {} → {} ({} answers mapped, {} TODO, {} check error(s))",
            args.file.display(),
            done.record_rel,
            done.mapped,
            done.todos.len(),
            done.check.errors()
        )?;
        if let Some(d) = &done.determination_rel {
            writeln!(out, "the source's determination → {d}")?;
        }
        writeln!(
            out,
            "next: fix the TODOs, `smout check {id}`, then `smout submit {id}`{}",
            match &done.determination_rel {
                Some(d) => format!(" and `smout determine {} --from {d}`", done.id),
                None => String::new(),
            },
            id = done.id
        )?;
    }
    if done.todos.is_empty() && done.check.errors() == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(findings())
    }
}
