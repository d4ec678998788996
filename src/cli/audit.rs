//! `smout audit`: verify the record keeping over the whole history.

use std::io::Write;
use std::process::ExitCode;

use clap::Args;

use super::{findings, CliResult, Env, ReportFormat};

/// Verify the record keeping over the whole history
///
/// Checks that no past determination was edited or deleted (AU001), that each was committed by
/// an identity listed as a reviewer at that time (AU002), that each names a submission whose
/// record hashes to the stored SHA-256 (AU003), and that no submission tag was moved (AU004).
/// Findings print like `check`'s. Exit status: 0 clean, 1 findings, 2 could not run.
///
/// The history is read through smout's caches in .git/smout (the changed-path index, what each
/// commit and tag says and who signed it); --rebuild-index ignores them and reads git's objects
/// only (as a fresh clone does). A shallow clone is refused: an audit must see the whole
/// history.
///
/// Examples:
///   smout audit
///   smout audit --rebuild-index --format json   # an audit of record, trusting git only
#[derive(Debug, Args)]
#[command(verbatim_doc_comment)]
pub struct AuditArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Rebuild the history index from git's objects instead of trusting smout's caches
    #[arg(long)]
    pub rebuild_index: bool,
    /// The root of trust this audit must find (a commit); default: git config audit.root
    #[arg(long, value_name = "COMMIT")]
    pub root: Option<String>,
}

/// Run `smout audit`.
pub fn run(env: &Env, args: AuditArgs, out: &mut dyn Write) -> CliResult {
    let reg = env.session()?;
    let report = smout::audit::audit(&reg, args.rebuild_index, args.root.as_deref())?;
    match args.format {
        ReportFormat::Json => smout::print::json(out, &env.printer(), &report)?,
        ReportFormat::Text => smout::print::audit_text(out, &env.printer(), &report)?,
    }
    Ok(if report.findings.is_empty() {
        ExitCode::SUCCESS
    } else {
        findings()
    })
}
