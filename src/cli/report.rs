//! `smout report`: the Privacy Office's inventory of the register.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};

use smout::report::{report, ReportFormat};

use super::render::timestamp;
use super::{CliResult, Env};

/// Print the inventory: per component, each use with its status, determination and review date
///
/// Examples:
///   smout report                       # Markdown on stdout
///   smout report --format pdf -o inventory.pdf
///   smout report --format csv > inventory.csv
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct ReportArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportKind::Md)]
    pub format: ReportKind,
    /// Output file (default: stdout; report.pdf for PDF)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Release copy: exempt text and withheld columns replaced by their FOIA label
    #[arg(long)]
    pub release: bool,
}

/// Formats of `report`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportKind {
    /// Markdown
    Md,
    /// CSV, one row per record
    Csv,
    /// JSON
    Json,
    /// PDF, laid out like `render`'s
    Pdf,
}

/// Run `smout report`.
pub fn run(env: &Env, args: ReportArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let format = match args.format {
        ReportKind::Md => ReportFormat::Md,
        ReportKind::Csv => ReportFormat::Csv,
        ReportKind::Json => ReportFormat::Json,
        ReportKind::Pdf => ReportFormat::Pdf,
    };
    let bytes = report(
        &reg,
        env.today,
        smout::release::Audience::of_flag(args.release),
        format,
        timestamp(),
    )?;
    let target = args
        .output
        .or_else(|| (args.format == ReportKind::Pdf).then(|| PathBuf::from("report.pdf")));
    match target {
        Some(p) if p.as_os_str() != "-" => {
            reg.store().write_output(&p, &bytes)?;
            if !env.quiet {
                eprintln!("wrote {}", p.display());
            }
        }
        _ => out.write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}
