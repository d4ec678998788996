//! `smout render`: a record as PDF, HTML, Markdown or Word (DOCX); one record, a past revision,
//! or all.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use clap_complete::engine::ArgValueCompleter;

use smout::error::Error;
use smout::render::{Format, RenderOptions, Templates};
use smout::rendering::{record_at, render_all, render_record};

use super::{CliResult, Env};

/// Render a record: the PDF a Privacy Officer receives, or HTML, Markdown or Word (DOCX)
///
/// The PDF reads like the DHS template: its headings and question wording, ☒/☐ answers, the
/// Privacy Office determination page, "Page N of M" and the register's marking banner.
/// Output is reproducible: set SOURCE_DATE_EPOCH to fix the timestamp.
///
/// --release makes the FOIA release copy: text marked [[b6 …: …]] and fields listed under
/// [release] redact are removed (not covered) and replaced by their exemption label in a box.
/// A release copy of an older revision (--rev) also withholds whatever the record as it stands
/// withholds: a name marked [[…]] since, a field listed under [release] redact since.
///
/// Examples:
///   smout render cbp-fld                       # renders/cbp-fld.pdf (git ignores renders/)
///   smout render cbp-fld --release -o fld-foia.pdf
///   smout render cbp-fld --rev submission/1 --format html -o -
///   smout render cbp-fld --format docx          # a Word copy a reviewer can comment in
///   smout render --all                         # every record into renders/, in parallel
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct RenderArgs {
    /// The record's id
    #[arg(
        required_unless_present = "all",
        add = ArgValueCompleter::new(super::completions::record_ids)
    )]
    pub id: Option<String>,

    /// Render every record of the register (into the folder given by -o, default: renders/)
    #[arg(long, conflicts_with_all = ["id", "rev", "context"])]
    pub all: bool,

    /// Output file (`-` for stdout); default renders/<id>.<format> in the register
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Pdf)]
    pub format: OutFormat,

    /// Render the record as it was at a revision: a commit, tag, branch or submission/N
    #[arg(long, value_name = "REV", add = ArgValueCompleter::new(super::completions::revisions))]
    pub rev: Option<String>,

    /// Make the FOIA release copy, with exempt text removed
    #[arg(long)]
    pub release: bool,

    /// Print the JSON the templates see instead of rendering
    #[arg(long)]
    pub context: bool,
}

/// Output formats of `render`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OutFormat {
    /// PDF
    Pdf,
    /// A standalone HTML page
    Html,
    /// Markdown
    Md,
    /// A Word document (.docx) laid out like the template, for reviewers who comment in Word
    Docx,
}

impl OutFormat {
    fn format(self) -> Format {
        match self {
            OutFormat::Pdf => Format::Pdf,
            OutFormat::Html => Format::Html,
            OutFormat::Md => Format::Md,
            OutFormat::Docx => Format::Docx,
        }
    }
}

/// The timestamp stamped into renderings: SOURCE_DATE_EPOCH, else now.
pub fn timestamp() -> i64 {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(|| chrono::Utc::now().timestamp())
}

/// Run `smout render`.
pub fn run(env: &Env, args: RenderArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let format = args.format.format();
    let templates = Templates::load_for(Some(&reg.root.join("templates")), format)?;
    let opts = RenderOptions {
        audience: smout::release::Audience::of_flag(args.release),
        timestamp: timestamp(),
        today: env.today,
    };
    // Renderings are made from the records, never committed: by default they go to the
    // register's renders/ folder, which `init` tells git to ignore.
    let renders = reg.root.join(smout::create::RENDERS_DIR);
    if args.all {
        let dir = args.output.clone().unwrap_or(renders);
        let progress = std::io::stderr().is_terminal() && !env.quiet;
        let (total, failures) = render_all(&reg, &templates, &opts, format, &dir, &|n, total| {
            if progress && (n.is_multiple_of(10) || n == total) {
                eprint!("\rrendering {n}/{total}");
            }
        })?;
        if progress {
            eprintln!();
        }
        for (id, e) in &failures {
            eprintln!("error: {id}: {e}");
        }
        if !env.quiet {
            eprintln!(
                "rendered {} of {total} records into {}",
                total - failures.len(),
                dir.display()
            );
        }
        return Ok(if failures.is_empty() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(2)
        });
    }
    let id = args.id.clone().unwrap_or_default();
    let rec = record_at(&reg, &id, args.rev.as_deref())?;
    if args.context {
        let view = smout::rendering::render_context(&reg, &rec, &opts)?;
        smout::print::json(out, &env.printer(), &view)?;
        return Ok(ExitCode::SUCCESS);
    }
    let (bytes, mark) = render_record(&reg, &templates, &rec, format, &opts)?;
    if !mark.is_empty() {
        eprintln!(
            "warning: this rendering is not a submission as the Privacy Office received it: {mark} (marked on every page)"
        );
    }
    let target = args.output.clone().unwrap_or_else(|| {
        let suffix = if args.release { "-release" } else { "" };
        renders.join(format!("{id}{suffix}.{}", format.ext()))
    });
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        if target.as_os_str() != "-" && !dir.exists() {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
    }
    if target.as_os_str() == "-" {
        out.write_all(&bytes)?;
    } else {
        reg.store().write_output(&target, &bytes)?;
        if !env.quiet {
            eprintln!("wrote {} ({} bytes)", target.display(), bytes.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
